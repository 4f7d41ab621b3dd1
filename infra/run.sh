#!/usr/bin/env bash
# The run command: installs what is missing, builds, and starts the suite on embedded defaults in the foreground.
# Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
infra/scripts/install-deps.sh
swift build
exec .build/debug/kepu dev "$@"
