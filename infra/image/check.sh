#!/usr/bin/env bash
# Proves the Dockerfile's runtime stage without Docker: builds the executables as its build stage does (release,
# Swift runtime linked statically), makes a Debian bookworm minimal root filesystem with debootstrap holding exactly
# the packages the runtime stage installs (read from the Dockerfile's RUNTIME-PACKAGES line), copies the executables
# in, and inside it (chroot): runs each one's --help, checks that no shared library is missing (ldd), and runs
# metrics against a throwaway PostgreSQL and the embedded Kafka cluster until it answers /health/ready.
# Needs root and Debian's mirrors. Usage: infra/image/check.sh [rootfs directory, default .build-image/rootfs]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=${1:-$PWD/.build-image/rootfs}
command -v debootstrap >/dev/null || apt-get install -y --no-install-recommends debootstrap >/dev/null

# The runtime stage's packages, exactly as the Dockerfile lists them.
packages=$(grep -A1 'RUNTIME-PACKAGES' Dockerfile | grep -o 'install -y --no-install-recommends [^&]*' | sed 's/install -y --no-install-recommends //')
[ -n "$packages" ] || { echo "no runtime packages found in the Dockerfile" >&2; exit 1; }
echo "runtime packages: $packages"

products="booking outreach-events volunteer content-supply metrics kepu"
for product in $products; do
    swift build -c release --static-swift-stdlib --product "$product" --scratch-path .build-image/build >/dev/null
done
bin=.build-image/build/release

if [ ! -x "$root/usr/bin/apt-get" ]; then
    rm -rf "$root"
    debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
fi
cleanup() { for m in proc dev sys; do umount "$root/$m" 2>/dev/null || true; done; }
trap cleanup EXIT
mount -t proc proc "$root/proc"; mount --bind /dev "$root/dev"; mount --bind /sys "$root/sys"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# shellcheck disable=SC2086
chroot "$root" sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $packages >/dev/null && rm -rf /var/lib/apt/lists/*"
chroot "$root" sh -c 'id kepu >/dev/null 2>&1 || useradd --system --uid 10001 kepu'
for product in $products; do install -m 0755 "$bin/$product" "$root/usr/local/bin/$product"; done

echo "the root filesystem holds: $(chroot "$root" dpkg-query -W -f '${Package}\n' | wc -l) packages; no Swift runtime: $(chroot "$root" sh -c 'ls /usr/lib/swift 2>/dev/null | wc -l') files under /usr/lib/swift"
for product in $products; do
    if chroot "$root" ldd "/usr/local/bin/$product" | grep -q 'not found'; then
        chroot "$root" ldd "/usr/local/bin/$product" | grep 'not found' >&2
        echo "$product: a shared library is missing in the runtime stage" >&2
        exit 1
    fi
    chroot --userspec=10001:10001 "$root" "/usr/local/bin/$product" --help >/dev/null 2>&1 || {
        echo "$product --help failed in the runtime stage:" >&2
        chroot --userspec=10001:10001 "$root" "/usr/local/bin/$product" --help >&2 || true
        exit 1
    }
    echo "$product: libraries present, --help runs as uid 10001"
done

# One service for real: metrics against a throwaway PostgreSQL and the embedded cluster (kepu's mock brokers),
# both on loopback, which the chroot shares.
pgdata=$(mktemp -d /tmp/kepu-image-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
KEPU_PG_FSYNC=off infra/scripts/postgres.sh start "$pgdata" "$port" >/dev/null
cluster_log=$(mktemp)
"$bin/kepu" cluster --brokers 1 >"$cluster_log" 2>&1 &
cluster=$!
stop() { kill "$cluster" 2>/dev/null || true; infra/scripts/postgres.sh stop "$pgdata" >/dev/null 2>&1 || true; rm -rf "$pgdata"; cleanup; }
trap stop EXIT
for _ in $(seq 1 50); do bootstrap=$(grep -o 'bootstrap=[^ ]*' "$cluster_log" | head -1 | cut -d= -f2 || true); [ -n "$bootstrap" ] && break; sleep 0.2; done
[ -n "$bootstrap" ] || { cat "$cluster_log" >&2; echo "the embedded cluster did not start" >&2; exit 1; }
http=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
chroot --userspec=10001:10001 "$root" env KEPU_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" \
    KEPU_KAFKA_BOOTSTRAP_SERVERS="$bootstrap" KEPU_ADMIN_TOKEN=image-check-token-0123456789 KEPU_HTTP_PORT="$http" \
    /usr/local/bin/metrics >"$pgdata/metrics.log" 2>&1 &
service=$!
for _ in $(seq 1 150); do
    if curl -fsS "http://127.0.0.1:$http/health/ready" >/dev/null 2>&1; then
        echo "metrics runs in the runtime stage: /health/ready answers"
        kill -TERM "$service"; wait "$service" || true
        echo "image check passed"
        exit 0
    fi
    sleep 0.2
done
tail -20 "$pgdata/metrics.log" >&2
echo "metrics did not become ready in the runtime stage" >&2
exit 1
