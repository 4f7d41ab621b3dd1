#!/usr/bin/env bash
# Installs what Kepu Classroom needs from Debian 12 when it is missing: librdkafka (with its mock cluster),
# kcat, PostgreSQL 15 (and openssl, for its throwaway TLS certificates), pkg-config, Python 3 with venv (schemathesis, and the dashboard test with Chromium headless). Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail

needed=(librdkafka-dev kcat postgresql pkg-config python3 python3-venv chromium openssl)
missing=()
for package in "${needed[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}" >&2
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "swift is not on PATH: install the Swift 6 toolchain first" >&2; exit 1; }
pkg-config --exists rdkafka || { echo "pkg-config cannot find rdkafka after install" >&2; exit 1; }
