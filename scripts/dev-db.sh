#!/usr/bin/env bash
# dev-db.sh — a private PostgreSQL 15 cluster for development and tests.
#
# The cluster keeps its data in HOME/data, its Unix socket in HOME/run (no TCP:
# listen_addresses='') and its log in HOME/log, with trust authentication for
# the superuser `postgres`. HOME is DIR itself, except as root:
#
#   PostgreSQL refuses to run as root, so the cluster runs as the OS user
#   `postgres`, which may not be able to reach DIR (a clone in /root, say).
#   Rather than loosen the permissions of directories we do not own, the
#   cluster then lives in a directory made for it and owned by postgres,
#   $CG_DEV_PG_ROOT/NAME-HASH (default /var/lib/postgresql/chengguan-dev/…,
#   named after DIR's path), and DIR/cluster is a symbolic link to it.
#
# Usage: scripts/dev-db.sh DIR {init|start|stop [fast|immediate]|status|destroy|roles|createdb NAME|conninfo [NAME]|psql [ARGS...]}
#   init          initdb if there is no cluster yet (idempotent)
#   start         start if not running, wait until ready (idempotent)
#   stop [MODE]   shutdown if running (idempotent); MODE fast (the default) or
#                 immediate (a crash: no checkpoint, recovery at the next start)
#   status        exit 0 if running, 3 if not
#   destroy       stop, then remove the cluster and DIR
#   roles         create the login roles chengguan_owner (owns the schema, runs
#                 the migrations) and chengguan_app (chengguand serves as it: owns
#                 nothing, row-level security applies) if missing (idempotent)
#   createdb NAME roles, then create database NAME owned by chengguan_owner if
#                 missing (idempotent; an existing database keeps its owner)
#   conninfo      print the conninfo only
#   home          print where the cluster's files are (HOME)
#   psql ARGS     run psql against the cluster (database: $PGDATABASE or postgres; -d NAME works)
# init, start, status (when running) and createdb print the libpq conninfo, and
# nothing else, on stdout:  host=HOME/run port=5432 user=postgres dbname=NAME
# Environment: PGPORT (default 5432), PG_BINDIR (default /usr/lib/postgresql/15/bin),
# CG_DEV_PG_ROOT (as root: where clusters live; default ~postgres/chengguan-dev).
set -euo pipefail
# Debian's plain `su` leaves /usr/sbin (runuser) off root's PATH.
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

usage() {
    echo "usage: $0 DIR {init|start|stop [fast|immediate]|status|destroy|roles|createdb NAME|conninfo [NAME]|home|psql [ARGS...]}" >&2
    exit 1
}
die() { echo "dev-db.sh: $*" >&2; exit 1; }
say() { echo "dev-db.sh: $*" >&2; }

[ $# -ge 2 ] || usage
dir=$1 cmd=$2
shift 2
case "$cmd" in
    init|start|status|destroy|home|roles) [ $# -eq 0 ] || usage ;;
    stop) [ $# -le 1 ] || usage ;;
    createdb) if [ $# -ne 1 ] || [ -z "$1" ]; then usage; fi ;;
    conninfo) [ $# -le 1 ] || usage ;;
    psql) ;;
    *) usage ;;
esac

# --- binaries ---------------------------------------------------------------
bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
[ -x "$bindir/pg_ctl" ] || die "PostgreSQL 15 binaries not found in $bindir (run scripts/deps.sh, or set PG_BINDIR)"

# --- who runs the cluster ---------------------------------------------------
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' OS user (install postgresql-15)"
    command -v runuser >/dev/null 2>&1 || die "runuser not found (package util-linux); needed to run PostgreSQL as postgres"
    as_pg=(runuser -u postgres --)
    out=$("${as_pg[@]}" true 2>&1) || die "cannot run programs as the postgres user: runuser says: ${out:-exit status $?}"
fi

# --- paths ------------------------------------------------------------------
# DIR's absolute path, its existing part resolved (DIR itself may be gone:
# `destroy` still finds a root cluster that `rm -rf build` left behind).
abs_path() {
    local p=$1 rest=""
    while [ ! -d "$p" ]; do
        rest=/${p##*/}$rest
        case "$p" in */*) p=${p%/*}; p=${p:-/} ;; *) p=. ;; esac
    done
    echo "$(cd "$p" && pwd -P)$rest"
}
if [ "$cmd" = init ]; then
    mkdir -p "$dir" || die "cannot create $dir"
fi
[ -d "$dir" ] || [ "$cmd" = destroy ] || die "$dir does not exist (run: $0 $dir init)"
dir=$(abs_path "$dir")

# HOME as described above; made (as root) only by init.
cluster_home() {
    if [ "${#as_pg[@]}" -eq 0 ] || [ -f "$dir/data/PG_VERSION" ]; then
        echo "$dir" # our own cluster, or a root cluster set up in place by an older dev-db.sh
    elif [ -L "$dir/cluster" ]; then
        readlink -f "$dir/cluster"
    else
        local root=${CG_DEV_PG_ROOT:-$(getent passwd postgres | cut -d: -f6)/chengguan-dev}
        local name hash
        local p1=${dir%/*} name hash
        local p2=${p1%/*}
        name=${p2##*/}-${p1##*/}-${dir##*/} # the last three parts of DIR's path
        name=${name//[^A-Za-z0-9._-]/_}
        [ "${#name}" -le 32 ] || name=${name: -32}
        hash=$(printf '%s' "$dir" | sha256sum | cut -c1-10)
        echo "$root/$name-$hash"
    fi
}
home=$(cluster_home)
data=$home/data
run=$home/run
log=$home/log

# A Unix socket path must fit in sockaddr_un.sun_path (108 bytes with the NUL).
sock="$run/.s.PGSQL.${PGPORT:-5432}"
[ "${#sock}" -lt 108 ] || die "socket path too long (${#sock} bytes, max 107): $sock — use a shorter DIR or CG_DEV_PG_ROOT"

# run a PostgreSQL server program as the right user, from a directory it can enter
# (fd 9, the lock, is closed so that a started postmaster does not inherit it)
pg() { (cd "$home" && "${as_pg[@]}" "$@" 9>&-); }

# As root: make HOME, owned by postgres, and link DIR/cluster to it. Nothing
# outside HOME changes: its parent is made only if missing (mode 0700).
prepare_home() {
    [ "${#as_pg[@]}" -gt 0 ] && [ "$home" != "$dir" ] || { mkdir -p "$run"; return 0; }
    local parent
    parent=$(dirname "$home")
    [ -d "$parent" ] || install -d -o postgres -g postgres -m 0700 "$parent" || die "cannot create $parent"
    [ -d "$home" ] || install -d -o postgres -g postgres -m 0700 "$home" || die "cannot create $home"
    [ -d "$run" ] || install -d -o postgres -g postgres -m 0700 "$run" || die "cannot create $run"
    [ -e "$log" ] || install -m 0600 -o postgres -g postgres /dev/null "$log" || die "cannot create $log"
    if [ -e "$dir/cluster" ] && [ ! -L "$dir/cluster" ]; then
        die "$dir/cluster exists and is not a symbolic link"
    fi
    ln -sfn "$home" "$dir/cluster" || die "cannot link $dir/cluster to $home"
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

# pg_ctl status: 0 running, 3 not running; anything else is a failure to say
# so, never taken for "not running".
is_running() {
    is_initialized || return 1
    local out rc=0
    out=$(pg "$bindir/pg_ctl" status -D "$data" 2>&1) || rc=$?
    case $rc in
        0) return 0 ;;
        3) return 1 ;;
        *) die "cannot tell whether the cluster in $data runs: pg_ctl status (exit $rc): $out" ;;
    esac
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
    prepare_home
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
    tmpconf=$(mktemp "$data/.conf.XXXXXX")
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
    prepare_home
    if is_running; then
        say "already running"
    else
        say "starting PostgreSQL on $run port ${PGPORT:-5432} (log: $log)"
        if ! pg "$bindir/pg_ctl" start -D "$data" -l "$log" -w -t 60 -o "-p ${PGPORT:-5432}" >/dev/null; then
            tail -n 20 "$log" >&2 || true
            die "pg_ctl start failed (log: $log)"
        fi
    fi
    print_conninfo
}

do_stop() {
    local mode=${1:-fast}
    case $mode in fast | immediate) ;; *) die "stop: mode is fast or immediate, not '$mode'" ;; esac
    if ! is_initialized; then say "no cluster in $data; nothing to stop"; return 0; fi
    lock
    if is_running; then
        pg "$bindir/pg_ctl" stop -D "$data" -m "$mode" -w -t 60 >/dev/null || die "pg_ctl stop failed (log: $log)"
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

do_destroy() {
    if [ -d "$dir" ]; then
        do_stop
    elif [ "$home" != "$dir" ] && [ -d "$home" ]; then
        # DIR is gone but its root cluster is not: stop it (no lock without DIR)
        if is_running; then pg "$bindir/pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null || die "pg_ctl stop failed (log: $log)"; fi
    else
        say "no $dir; nothing to destroy"
        return 0
    fi
    if [ "$home" != "$dir" ]; then
        rm -rf "$home" || die "cannot remove $home"
        say "removed $home"
    fi
    rm -rf "$dir" || die "cannot remove $dir"
    say "removed $dir"
}

# Both roles are plain: no superuser, no BYPASSRLS, no CREATEROLE; the owner
# may only also give functions the setting cg.scope. The cluster trusts local
# connections, so they have no password.
create_roles() {
    run_psql -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || die "creating the roles failed"
SET client_min_messages = warning;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chengguan_owner') THEN
        CREATE ROLE chengguan_owner LOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chengguan_app') THEN
        CREATE ROLE chengguan_app LOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
END
$$;
ALTER ROLE chengguan_app LOGIN;
-- the migrations mark the server's internal jobs SET cg.scope = 'system'
GRANT SET ON PARAMETER cg.scope TO chengguan_owner;
SQL
}

do_roles() {
    is_running || die "server not running (run: $0 $dir start)"
    lock
    create_roles
}

do_createdb() {
    local name=$1
    is_running || die "server not running (run: $0 $dir start)"
    lock
    create_roles
    local exists
    exists=$(echo "SELECT 1 FROM pg_database WHERE datname = :'n'" \
        | run_psql -qtA -v ON_ERROR_STOP=1 -v n="$name") || die "cannot query pg_database"
    if [ "$exists" != 1 ]; then
        echo 'CREATE DATABASE :"n" OWNER chengguan_owner' | run_psql -q -v ON_ERROR_STOP=1 -v n="$name" >/dev/null \
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
    stop) do_stop "${1:-}" ;;
    status) do_status ;;
    destroy) do_destroy ;;
    roles) do_roles ;;
    createdb) do_createdb "$1" ;;
    conninfo) print_conninfo "${1:-}" ;;
    home) echo "$home" ;;
    psql) do_psql "$@" ;;
esac
