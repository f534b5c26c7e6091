#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on loopback for the tests and print its URL.
#
#   scripts/postgres.sh            # prints postgresql://postgres@127.0.0.1:55432/voice_agent_test
#   scripts/postgres.sh stop       # stops the cluster (its directory stays for the next start)
#
# Installs PostgreSQL from Debian when no server binaries are found. The cluster lives in
# $VOICE_AGENT_PG_DIR (default /tmp/voice-agent-postgres), owned by the postgres user (the
# server refuses to run as root; CI runs as root, so commands go through runuser), listens on
# 127.0.0.1:$VOICE_AGENT_PG_PORT (default 55432) only, trusts loopback connections (it holds
# nothing but test data) and is idempotent: run it again and it just prints the URL.
# Progress goes to stderr; stdout is only the URL, so `URL=$(scripts/postgres.sh)` works.
set -euo pipefail

PG_DIR="$(realpath -m "${VOICE_AGENT_PG_DIR:-/tmp/voice-agent-postgres}")"
PG_PORT="${VOICE_AGENT_PG_PORT:-55432}"
PG_DB="${VOICE_AGENT_PG_DB:-voice_agent_test}"
DATA="$PG_DIR/data"
URL="postgresql://postgres@127.0.0.1:$PG_PORT/$PG_DB"

say() { echo "postgres.sh: $*" >&2; }

find_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
        fi
    done | sort -V | tail -n 1
}

BIN="$(find_bin)"
if [ -z "$BIN" ]; then
    say "installing postgresql (Debian)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    BIN="$(find_bin)"
    [ -n "$BIN" ] || { say "postgresql installed but no pg_ctl found"; exit 1; }
fi

# Run a command as the cluster's owner: postgres when we are root, ourselves otherwise
# (from /, which the postgres user can always enter, unlike a root-only checkout).
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

pg_ctl_() { as_owner "$BIN/pg_ctl" -D "$DATA" "$@"; }

if [ "${1:-}" = "stop" ]; then
    if [ -f "$DATA/postmaster.pid" ]; then
        pg_ctl_ stop -m fast >&2
    fi
    exit 0
fi

if [ ! -f "$DATA/PG_VERSION" ]; then
    say "creating a cluster in $DATA"
    mkdir -p "$PG_DIR"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$PG_DIR"
    fi
    chmod 700 "$PG_DIR"
    as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >/dev/null
fi

if ! pg_ctl_ status >/dev/null 2>&1; then
    say "starting on 127.0.0.1:$PG_PORT"
    # Sockets in the cluster directory: /var/run/postgresql may not exist or be writable.
    pg_ctl_ start -w -t 60 -l "$PG_DIR/server.log" \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=on" >&2
fi

psql_() { as_owner "$BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 "$@"; }
if [ "$(psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != "1" ]; then
    psql_ -d postgres -qc "CREATE DATABASE $PG_DB" >&2
fi

echo "$URL"
