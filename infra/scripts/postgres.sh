#!/usr/bin/env bash
# A local PostgreSQL from Debian's binaries, in a data folder, on loopback.
#   postgres.sh start DATADIR PORT   initialises DATADIR if needed, starts the server, waits until it accepts
#   postgres.sh stop DATADIR         stops it (fast shutdown)
# PostgreSQL refuses to run as root, so as root the server runs as the 'postgres' user, who owns DATADIR.
# Authentication is 'trust' on loopback only: this is for development and tests, never for production.
# With KEPU_PG_TLS=on the server also gets a throwaway CA and a certificate for 127.0.0.1/localhost (DATADIR/tls,
# the CA in DATADIR/tls/ca.crt for sslrootcert) and accepts TCP connections over TLS only (hostssl).
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/pg_ctl" ] || { echo "PostgreSQL server binaries not found: run infra/scripts/install-deps.sh" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

command=${1:?usage: postgres.sh start DATADIR PORT | stop DATADIR}
datadir=$(realpath -m "${2:?data folder}")
case "$command" in
start)
    port=${3:?port}
    mkdir -p "$datadir"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$datadir"
        # The postgres user must be able to reach the folder through its parents.
        dir=$(dirname "$datadir")
        while [ "$dir" != "/" ]; do chmod o+x "$dir" 2>/dev/null || true; dir=$(dirname "$dir"); done
    fi
    if [ ! -s "$datadir/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$datadir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --lc-collate=C >/dev/null
    fi
    tls_options=""
    if [ "${KEPU_PG_TLS:-off}" = on ]; then
        command -v openssl >/dev/null || { echo "openssl not found: run infra/scripts/install-deps.sh" >&2; exit 1; }
        tls="$datadir/tls"
        if [ ! -s "$tls/server.key" ]; then
            mkdir -p "$tls"
            openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=kepu test CA" \
                -keyout "$tls/ca.key" -out "$tls/ca.crt" >/dev/null 2>&1
            openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" >/dev/null 2>&1
            printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$tls/san.ext"
            openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days 30 \
                -extfile "$tls/san.ext" -out "$tls/server.crt" >/dev/null 2>&1
            chmod 600 "$tls/server.key" "$tls/ca.key"
            [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$tls"
        fi
        # TCP only over TLS; the local socket (the scripts' own) stays as it is.
        printf 'local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 0.0.0.0/0 reject\n' >"$datadir/pg_hba.conf"
        tls_options="-c ssl=on -c ssl_cert_file=$tls/server.crt -c ssl_key_file=$tls/server.key"
    fi
    if as_owner "$bin/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
        echo "PostgreSQL already running in $datadir" >&2
        exit 0
    fi
    as_owner "$bin/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$datadir -c max_connections=300 -c fsync=${KEPU_PG_FSYNC:-on} $tls_options" >/dev/null
    ;;
stop)
    if [ -s "$datadir/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$datadir" -m fast -w stop >/dev/null || true
    fi
    ;;
*)
    echo "unknown command $command" >&2
    exit 2
    ;;
esac
