#!/usr/bin/env bash
# Installs schemathesis (PyPI, pinned) into .build-tools/schemathesis, a virtualenv of Debian's Python, unless it
# is there already; prints the path of its executable. The test command runs it against each service's OpenAPI
# document.
set -euo pipefail
cd "$(dirname "$0")/../.."

version=4.32.5
venv=.build-tools/schemathesis
executable="$PWD/$venv/bin/schemathesis"
if ! "$executable" --version 2>/dev/null | grep -q "version $version\$"; then
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
fi
echo "$executable"
