#!/usr/bin/env bash
# The test command: installs what is missing, starts a throwaway PostgreSQL on loopback, runs every test
# (Swift Testing; the Kafka tests start librdkafka's mock cluster in-process), and stops PostgreSQL again.
set -euo pipefail
cd "$(dirname "$0")/.."

infra/scripts/install-deps.sh
# The tree stays formatted (.swift-format; `swift format -i -r Package.swift Shared Services Tools Tests Benchmarks`
# applies it): a formatting difference fails the run before anything is built.
swift format lint --strict -r Package.swift Shared Services Tools Tests Benchmarks
# schemathesis (PyPI) fuzzes each running service against its OpenAPI document.
KEPU_SCHEMATHESIS=$(infra/scripts/install-schemathesis.sh)
export KEPU_SCHEMATHESIS

pgdata=$(mktemp -d /tmp/kepu-test-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
logs=$(mktemp -d /tmp/kepu-test-logs.XXXXXX)
cleanup() {
    infra/scripts/postgres.sh stop "$pgdata" || true
    rm -rf "$pgdata" "$logs"
}
trap cleanup EXIT
# Durability is not under test here; fsync off keeps the throwaway server fast. TLS is: the server takes TCP
# connections over TLS only, and every test connects with sslmode=verify-full against its throwaway CA.
KEPU_PG_FSYNC=off KEPU_PG_TLS=on infra/scripts/postgres.sh start "$pgdata" "$port"
export KEPU_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=verify-full&sslrootcert=$pgdata/tls/ca.crt"
echo "throwaway PostgreSQL at $KEPU_TEST_POSTGRES_URL" >&2

# Every service process the tests start logs here; after the tests, no log line may hold a contact detail.
export KEPU_TEST_LOG_DIR="$logs"

swift build --build-tests
swift test --skip-build "$@"
infra/scripts/scan-personal-data.sh "$logs"
