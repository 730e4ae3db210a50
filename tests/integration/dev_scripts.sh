#!/usr/bin/env bash
# The dev scripts as a new user meets them (issue: a truly fresh Debian 12):
#   - with Debian's plain `su` PATH (no /usr/sbin), dev-db.sh finds runuser and works;
#   - no permission outside the repository changes (as root: not /, not $HOME, not
#     any parent of the cluster directory);
#   - status/stop report a cluster that runs as running, and a failing pg_ctl as a
#     failure, never as "not running";
#   - dev-env.sh's how-to-connect text names the port CHENGGUAN_LISTEN moved it to.
# Usage: dev_scripts.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2; exit 1; }
top=$1 build=$2
work=$build/dev-scripts-test
export PATH=/usr/local/bin:/usr/bin:/bin # what `su` gives root on Debian
db() { "$top/scripts/dev-db.sh" "$work/pg" "$@"; }

fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# the modes of every directory from / down to DIR's parent, and $HOME
modes() {
    local p=$work
    while [ "$p" != / ]; do p=$(dirname "$p"); stat -c '%a %U %n' "$p"; done
    [ -z "${HOME:-}" ] || [ ! -d "$HOME" ] || stat -c '%a %U %n' "$HOME"
}

cleanup() {
    "$top/scripts/dev-db.sh" "$work/pg" destroy >/dev/null 2>&1 || true
    "$top/scripts/dev-db.sh" "$work/env/pg" destroy >/dev/null 2>&1 || true
    rm -rf "$work"
}
cleanup
trap cleanup EXIT
mkdir -p "$work"
before=$(modes)

# --- a cluster's life with the plain PATH -------------------------------------
db init >/dev/null || fail "init"
conninfo=$(db start) || fail "start"
case "$conninfo" in host=*) ok "start prints the conninfo" ;; *) fail "start printed: $conninfo" ;; esac
out=$(db status 2>&1) && case "$out" in *"running"*) ok "status: running" ;; *) fail "status said: $out" ;; esac \
    || fail "status exited $? while running: $out"
[ "$(PGDATABASE=postgres db psql -tAc 'select 40 + 2')" = 42 ] && ok "psql reaches the cluster" || fail "psql"

home=$(db home)
if [ "$(id -u)" -eq 0 ]; then
    [ "$(stat -c %U "$home/data")" = postgres ] && ok "as root the cluster belongs to postgres" \
        || fail "data dir owner is $(stat -c %U "$home/data")"
    case "$home" in "$work"/*) fail "as root the cluster is inside the checkout ($home)" ;; *) ok "as root the cluster lives in $home" ;; esac
    [ "$(readlink -f "$work/pg/cluster")" = "$home" ] && ok "DIR/cluster points to it" || fail "DIR/cluster link"
fi

# --- a pg_ctl that fails is a failure, not "not running" ----------------------
fake=$work/fakebin
mkdir -p "$fake"
for f in /usr/lib/postgresql/15/bin/*; do ln -s "$f" "$fake/"; done
rm "$fake/pg_ctl"
cat >"$fake/pg_ctl" <<'SH'
#!/bin/sh
[ "$1" = status ] && { echo "pg_ctl: could not access directory: Permission denied" >&2; exit 4; }
exec /usr/lib/postgresql/15/bin/pg_ctl "$@"
SH
chmod 755 "$fake/pg_ctl"
rc=0 out=$(PG_BINDIR=$fake db status 2>&1) || rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 3 ] && [[ $out != *"not running"* ]] && [[ $out == *"Permission denied"* ]]; then
    ok "status with a failing pg_ctl: exit $rc, says why"
else
    fail "status with a failing pg_ctl: exit $rc: $out"
fi
rc=0 out=$(PG_BINDIR=$fake db stop 2>&1) || rc=$?
[ $rc -ne 0 ] && [[ $out != *"not running"* ]] && ok "stop with a failing pg_ctl fails" \
    || fail "stop with a failing pg_ctl: exit $rc: $out"
db status >/dev/null 2>&1 && ok "still running after the failed stop" || fail "cluster stopped"

# --- stop, status, destroy -----------------------------------------------------
db stop 2>/dev/null || fail "stop"
rc=0; db status >/dev/null 2>&1 || rc=$?
[ $rc -eq 3 ] && ok "status after stop: exit 3" || fail "status after stop: exit $rc"
db destroy >/dev/null 2>&1 || fail "destroy"
[ ! -e "$work/pg" ] && [ ! -e "$home" ] && ok "destroy removes DIR and the cluster" || fail "destroy left files"

if [ "$(id -u)" -eq 0 ]; then
    db init >/dev/null 2>&1 && db start >/dev/null 2>&1 || fail "init again"
    home=$(db home)
    rm -rf "$work/pg" # as `rm -rf build` would
    db destroy >/dev/null 2>&1 || fail "destroy without DIR"
    [ ! -e "$home" ] && ok "destroy finds the cluster of a removed DIR" || fail "left $home"
fi

# --- how to connect names the port in use --------------------------------------
out=$(CG_BUILD_DIR=$build CHENGGUAN_LISTEN=127.0.0.1:17443 "$top/scripts/dev-env.sh" "$work/env" 2>/dev/null) \
    || fail "dev-env.sh"
if grep -q -- '--server 127.0.0.1:17443 --as hq' <<<"$out" && ! grep -q 7443' ' <<<"${out//17443/}"; then
    ok "dev-env.sh shows the port CHENGGUAN_LISTEN sets"
else
    fail "dev-env.sh connect text: $out"
fi
out=$(CG_BUILD_DIR=$build "$top/scripts/dev-env.sh" "$work/env" 2>/dev/null) || fail "dev-env.sh again"
grep -q -- 'chengguan --as hq ' <<<"$out" && ok "default port: no --server needed" || fail "default text: $out"

after=$(modes)
[ "$before" = "$after" ] && ok "no permission outside the checkout changed" \
    || fail "permissions changed: $(diff <(echo "$before") <(echo "$after"))"

[ $fails -eq 0 ] || { echo "$fails failed" >&2; exit 1; }
echo "all passed"
