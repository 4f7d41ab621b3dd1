#!/usr/bin/env bash
# The fuzz command: runs every fuzz target (Tests/KepuFuzzTests) for KEPU_FUZZ_INPUTS inputs each (default a
# million), from KEPU_FUZZ_SEED (printed). A target that traps leaves the input it was running in
# .kepu/fuzz/<target>.current: this script copies it into the target's corpus folder (commit it, and the test
# command runs it ever after) and exits non-zero. Arguments go to `swift test`; a `--filter` of your own replaces the
# script's (filters are alternatives, not narrowing): `infra/fuzz.sh --filter 'KepuFuzzTests.*metricsAdminBodies'`.
set -uo pipefail
cd "$(dirname "$0")/.."

infra/scripts/install-deps.sh >/dev/null
export KEPU_FUZZ_INPUTS="${KEPU_FUZZ_INPUTS:-1000000}"
rm -rf .kepu/fuzz
swift build --build-tests || exit 1
filter=(--filter KepuFuzzTests)
for argument in "$@"; do [ "$argument" = --filter ] && filter=(); done
swift test --skip-build "${filter[@]}" "$@" 2>&1 | grep -E '^fuzz |✘|✔ Test run|Test run with'
status=${PIPESTATUS[0]}
for current in .kepu/fuzz/*.current; do
    [ -e "$current" ] || continue
    target=$(basename "$current" .current)
    kept="Tests/KepuFuzzTests/Corpus/$target/crash-$(sha1sum "$current" | cut -c1-12)"
    cp "$current" "$kept"
    echo "$target: the input that stopped the run is now $kept" >&2
    status=1
done
exit "$status"
