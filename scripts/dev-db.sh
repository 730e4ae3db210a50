#!/usr/bin/env bash
# dev-db.sh — a private PostgreSQL 15 cluster for development and tests.
#
# Data in DIR/data, Unix socket in DIR/run (no TCP: listen_addresses=''),
# server log in DIR/log, trust authentication for the superuser `postgres`.
# As root, initdb/pg_ctl run as the OS user `postgres` (initdb refuses root):
# DIR is chowned to it and DIR's parent directories are made traversable (o+x).
#
# Usage: scripts/dev-db.sh DIR {init|start|stop|status|createdb NAME|conninfo [NAME]|psql [ARGS...]}
#   init          initdb if DIR/data is not a cluster yet (idempotent)
#   start         start if not running, wait until ready (idempotent)
#   stop          fast shutdown if running (idempotent)
#   status        exit 0 if running, 3 if not
#   createdb NAME create database NAME if missing (idempotent)
#   conninfo      print the conninfo only
#   psql ARGS     run psql against the cluster (database: $PGDATABASE or postgres; -d NAME works)
# init, start, status (when running) and createdb print the libpq conninfo, and
# nothing else, on stdout:  host=DIR/run port=5432 user=postgres dbname=NAME
# Environment: PGPORT (default 5432), PG_BINDIR (default /usr/lib/postgresql/15/bin).
set -euo pipefail

usage() {
    echo "usage: $0 DIR {init|start|stop|status|createdb NAME|conninfo [NAME]|psql [ARGS...]}" >&2
    exit 1
}
die() { echo "dev-db.sh: $*" >&2; exit 1; }
say() { echo "dev-db.sh: $*" >&2; }

[ $# -ge 2 ] || usage
dir=$1 cmd=$2
shift 2
case "$cmd" in
    init|start|stop|status) [ $# -eq 0 ] || usage ;;
    createdb) if [ $# -ne 1 ] || [ -z "$1" ]; then usage; fi ;;
    conninfo) [ $# -le 1 ] || usage ;;
    psql) ;;
    *) usage ;;
esac

# --- binaries ---------------------------------------------------------------
bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
[ -x "$bindir/pg_ctl" ] || die "PostgreSQL 15 binaries not found in $bindir (run scripts/deps.sh, or set PG_BINDIR)"

# --- paths ------------------------------------------------------------------
if [ "$cmd" = init ]; then
    mkdir -p "$dir" || die "cannot create $dir"
fi
[ -d "$dir" ] || die "$dir does not exist (run: $0 $dir init)"
dir=$(cd "$dir" && pwd)
data=$dir/data
run=$dir/run
log=$dir/log

# A Unix socket path must fit in sockaddr_un.sun_path (108 bytes with the NUL).
sock="$run/.s.PGSQL.${PGPORT:-5432}"
[ "${#sock}" -lt 108 ] || die "socket path too long (${#sock} bytes, max 107): $sock — use a shorter DIR"

# --- privileges -------------------------------------------------------------
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' OS user (install postgresql-15)"
    as_pg=(runuser -u postgres --)
fi
# run a PostgreSQL server program as the right user, from a directory it can enter
# (fd 9, the lock, is closed so that a started postmaster does not inherit it)
pg() { (cd "$dir" && "${as_pg[@]}" "$@" 9>&-); }

prepare_root() {
    [ "${#as_pg[@]}" -gt 0 ] || return 0
    mkdir -p "$run"
    touch "$log"
    chown postgres:postgres "$dir" "$run" "$log"
    [ ! -e "$data" ] || chown postgres:postgres "$data"
    # every parent of DIR must be traversable by postgres
    local p=$dir
    while [ "$p" != / ]; do
        p=$(dirname "$p")
        if ! runuser -u postgres -- test -x "$p"; then
            say "making $p traversable (chmod o+x) so that the postgres user can reach $dir"
            chmod o+x "$p"
        fi
    done
}

# --- helpers ----------------------------------------------------------------
conninfo_value() { # quote a conninfo value when it needs it
    case "$1" in
        *[[:space:]\'\\]*|"") local v=${1//\\/\\\\}; v=${v//\'/\\\'}; printf "'%s'" "$v" ;;
        *) printf '%s' "$1" ;;
    esac
}

port() { # the running server's port (postmaster.pid line 4), else PGPORT or 5432
    local p=""
    if [ -r "$data/postmaster.pid" ]; then p=$(sed -n 4p "$data/postmaster.pid" 2>/dev/null || true); fi
    case "$p" in ''|*[!0-9]*) p=${PGPORT:-5432} ;; esac
    echo "$p"
}

print_conninfo() { # [DBNAME]
    echo "host=$(conninfo_value "$run") port=$(port) user=postgres dbname=$(conninfo_value "${1:-postgres}")"
}

is_initialized() { [ -f "$data/PG_VERSION" ]; }

is_running() {
    is_initialized || return 1
    pg "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1
}

# psql as the current user; the connection goes over the private socket
run_psql() {
    PGHOST=$run PGPORT=$(port) PGUSER=postgres PGDATABASE=${PGDATABASE:-postgres} \
        "$bindir/psql" -X "$@"
}

lock() {
    exec 9>>"$dir/.lock"
    if command -v flock >/dev/null 2>&1; then
        flock -w 300 9 || die "timed out waiting for $dir/.lock"
    fi
}

# --- commands ---------------------------------------------------------------
do_init() {
    lock
    prepare_root
    mkdir -p "$run"
    if is_initialized; then
        say "cluster already initialised in $data"
    else
        local locale=C
        if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
        say "initdb $data (locale $locale)"
        pg "$bindir/initdb" -D "$data" --auth=trust -U postgres -E UTF8 --locale="$locale" \
            >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed (log: $dir/initdb.log)"; }
    fi
    # Our settings live in their own file, included from postgresql.conf.
    local conf=$data/chengguan-dev.conf
    local tmpconf
    tmpconf=$(mktemp "$dir/.conf.XXXXXX")
    cat >"$tmpconf" <<CONF
# written by scripts/dev-db.sh — private dev/test cluster
listen_addresses = ''
unix_socket_directories = '$run'
unix_socket_permissions = 0777
fsync = on
synchronous_commit = on
shared_buffers = 64MB
max_connections = 100
max_wal_size = 256MB
log_line_prefix = '%m [%p] %q%u@%d '
log_timezone = 'UTC'
CONF
    chmod 644 "$tmpconf"
    [ "${#as_pg[@]}" -eq 0 ] || chown postgres:postgres "$tmpconf"
    mv -f "$tmpconf" "$conf"
    if ! grep -q "^include_if_exists = 'chengguan-dev.conf'" "$data/postgresql.conf"; then
        echo "include_if_exists = 'chengguan-dev.conf'" >>"$data/postgresql.conf"
    fi
    print_conninfo
}

do_start() {
    is_initialized || die "no cluster in $data (run: $0 $dir init)"
    lock
    prepare_root
    if is_running; then
        say "already running"
    else
        say "starting PostgreSQL on $run port ${PGPORT:-5432} (log: $log)"
        # 9>&-: the postmaster must not inherit the lock, or every later call waits forever.
        if ! pg "$bindir/pg_ctl" start -D "$data" -l "$log" -w -t 60 -o "-p ${PGPORT:-5432}" >/dev/null 9>&-; then
            tail -n 20 "$log" >&2 || true
            die "pg_ctl start failed (log: $log)"
        fi
    fi
    print_conninfo
}

do_stop() {
    if ! is_initialized; then say "no cluster in $data; nothing to stop"; return 0; fi
    lock
    if is_running; then
        pg "$bindir/pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null || die "pg_ctl stop failed (log: $log)"
        say "stopped"
    else
        say "not running"
    fi
}

do_status() {
    if is_running; then
        say "running"
        print_conninfo
    else
        say "not running"
        exit 3
    fi
}

do_createdb() {
    local name=$1
    is_running || die "server not running (run: $0 $dir start)"
    lock
    local exists
    exists=$(echo "SELECT 1 FROM pg_database WHERE datname = :'n'" \
        | run_psql -qtA -v ON_ERROR_STOP=1 -v n="$name") || die "cannot query pg_database"
    if [ "$exists" != 1 ]; then
        echo 'CREATE DATABASE :"n"' | run_psql -q -v ON_ERROR_STOP=1 -v n="$name" >/dev/null \
            || die "CREATE DATABASE $name failed"
        say "created database $name"
    fi
    print_conninfo "$name"
}

do_psql() {
    is_running || die "server not running (run: $0 $dir start)"
    run_psql "$@"
}

case "$cmd" in
    init) do_init ;;
    start) do_start ;;
    stop) do_stop ;;
    status) do_status ;;
    createdb) do_createdb "$1" ;;
    conninfo) print_conninfo "${1:-}" ;;
    psql) do_psql "$@" ;;
esac
