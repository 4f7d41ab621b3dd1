#!/usr/bin/env bash
# Resident memory (VmRSS) of each service, as docs/capacity.md reports it: the release executables built as the
# image builds them (infra/image/check.sh leaves them in .build-image/build/release), against a throwaway
# PostgreSQL and the embedded brokers; idle 20 s after ready, then the highest sample while `kepu demo` sends
# --rate requests/s for --duration seconds (after importing the registry and seeding every service), then the
# highest while the services fold `kepu demo --history` (the 2022-2025 programme published at once: each consumer
# works through a backlog at full speed, in its biggest batches) until --settle seconds after it was published.
# Usage: infra/image/measure-memory.sh [rate, default 400] [duration, default 60] [settle, default 90]
set -euo pipefail
cd "$(dirname "$0")/../.."
rate=${1:-400}
duration=${2:-60}
settle=${3:-90}
bin=.build-image/build/release
[ -x "$bin/metrics" ] || { echo "run infra/image/check.sh first (it builds the executables)" >&2; exit 1; }
work=$(mktemp -d /tmp/kepu-memory.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
KEPU_PG_FSYNC=off infra/scripts/postgres.sh start "$work/pg" "$port" >/dev/null
pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; infra/scripts/postgres.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap stop EXIT
"$bin/kepu" cluster --brokers 1 >"$work/cluster.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do bootstrap=$(grep -o 'bootstrap=[^ ]*' "$work/cluster.log" | head -1 | cut -d= -f2 || true); [ -n "$bootstrap" ] && break; sleep 0.2; done
services="booking outreach-events volunteer content-supply metrics"
declare -A pid_of http_of
for service in $services; do
    db=kepu_${service//-/_}
    psql -h "$work/pg" -p "$port" -U postgres -qc "CREATE DATABASE $db TEMPLATE template0 LC_COLLATE 'C'" postgres
    case $service in booking) http=8081;; outreach-events) http=8082;; volunteer) http=8083;; content-supply) http=8084;; metrics) http=8085;; esac
    KEPU_DATABASE_URL="postgres://postgres@127.0.0.1:$port/$db" KEPU_KAFKA_BOOTSTRAP_SERVERS="$bootstrap" \
        KEPU_ADMIN_TOKEN=memory-measurement-token KEPU_HTTP_PORT=$http KEPU_LOG_LEVEL=warning \
        "$bin/$service" >"$work/$service.log" 2>&1 &
    pid_of[$service]=$!
    http_of[$service]=$http
    pids+=($!)
done
for service in $services; do
    for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:${http_of[$service]}/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
done
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$1/status"; }
sleep 20
declare -A idle peak
for service in $services; do idle[$service]=$(rss "${pid_of[$service]}"); peak[$service]=${idle[$service]}; done
KEPU_KAFKA_BOOTSTRAP_SERVERS="$bootstrap" "$bin/kepu" demo --rate "$rate" --duration "$duration" --admin-token memory-measurement-token \
    >"$work/demo.log" 2>&1 &
demo=$!
pids+=($demo)
# Raises each service's entry in the array named $1 to its VmRSS now, if higher; then waits half a second.
sample() {
    local -n highest=$1
    for service in $services; do
        now=$(rss "${pid_of[$service]}")
        [ "$now" -gt "${highest[$service]}" ] && highest[$service]=$now
    done
    sleep 0.5
}
while kill -0 "$demo" 2>/dev/null; do sample peak; done
echo "demo: $(grep -o 'requests sent; answers: .*' "$work/demo.log" | tail -1)"
declare -A backlog
for service in $services; do backlog[$service]=$(rss "${pid_of[$service]}"); done
KEPU_KAFKA_BOOTSTRAP_SERVERS="$bootstrap" "$bin/kepu" demo --history --admin-token memory-measurement-token >"$work/history.log" 2>&1 &
history=$!
pids+=($history)
until_settled=0
while kill -0 "$history" 2>/dev/null || [ "$until_settled" -lt $((settle * 2)) ]; do
    kill -0 "$history" 2>/dev/null || until_settled=$((until_settled + 1))
    sample backlog
done
echo "history: $(grep -o '[0-9]* synthetic events' "$work/history.log" | tail -1)"
printf '%-16s %10s %16s %20s\n' service "idle MiB" "under load MiB" "folding backlog MiB"
for service in $services; do
    printf '%-16s %10s %16s %20s\n' "$service" "${idle[$service]}" "${peak[$service]}" "${backlog[$service]}"
done
