# A throw-away PostgreSQL cluster in a temporary directory on a free port, for tests and benchmarks.
# pg_start sets PG_URL (an admin URL to the `postgres` database); pg_stop removes the cluster.

pg_bin() {
    if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$d" ]; then
        echo "installing PostgreSQL's server binaries from Debian's packages" >&2
        local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
        DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
        d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    fi
    [ -n "$d" ] || { echo "PostgreSQL server binaries (initdb, pg_ctl) not found" >&2; return 1; }
    echo "$d"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Runs a PostgreSQL tool as an unprivileged user: the server refuses to run as root.
pg_as() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
    local bin
    bin=$(pg_bin)
    PG_DIR=$(mktemp -d /tmp/tillit-pg.XXXXXX)
    PG_PORT=$(free_port)
    [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
    pg_as "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log"; return 1; }
    pg_as "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { cat "$PG_DIR/server.log"; return 1; }
    PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    export PG_URL PG_DIR PG_PORT
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $PG_PORT"
}

pg_stop() {
    [ -n "${PG_DIR:-}" ] || return 0
    pg_as "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=""
}
