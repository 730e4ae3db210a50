#!/usr/bin/env bash
# dev-env.sh — the whole development set-up behind `make run`, in VARDIR:
#   VARDIR/pki              dev PKI (scripts/dev-pki.sh; server certificate renewed near expiry, CRL)
#   VARDIR/pg               private PostgreSQL cluster, database `chengguan` (scripts/dev-db.sh)
#   VARDIR/chengguand.ini   server configuration (written only if missing)
# then applies the migrations (chengguand --migrate), loads sql/dev/accounts.sql
# and the sample ledger sql/dev/ledger_sample.sql, and prints on stdout how to
# connect the CLI to the address the server will listen on (CHENGGUAN_LISTEN, else
# the ini's `listen`).
# Idempotent. Expects the server built in build/ (override: CG_BUILD_DIR).
# Usage: scripts/dev-env.sh VARDIR
set -euo pipefail
# Debian's plain `su` leaves /usr/sbin off root's PATH.
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

usage() { echo "usage: $0 VARDIR" >&2; exit 1; }
die() { echo "dev-env.sh: $*" >&2; exit 1; }
say() { echo "dev-env.sh: $*" >&2; }

if [ $# -ne 1 ] || [ -z "$1" ]; then usage; fi
case "$1" in -*) usage ;; esac

top=$(cd "$(dirname "$0")/.." && pwd)
build=${CG_BUILD_DIR:-$top/build}
mkdir -p "$1" || die "cannot create $1"
var=$(cd "$1" && pwd)
db_name=chengguan

chengguand=$build/chengguand
[ -x "$chengguand" ] || die "$chengguand not found: build first (make build)"

# 1. PKI
"$top/scripts/dev-pki.sh" "$var/pki" >&2

# 2. PostgreSQL
"$top/scripts/dev-db.sh" "$var/pg" init >/dev/null
"$top/scripts/dev-db.sh" "$var/pg" start >/dev/null
conninfo=$("$top/scripts/dev-db.sh" "$var/pg" createdb "$db_name")
# chengguand serves as chengguan_app (owns nothing: row-level security holds
# it) and migrates as the database's owner: chengguan_owner, or postgres for
# a database made before the roles were.
owner=$(PGDATABASE=$db_name "$top/scripts/dev-db.sh" "$var/pg" psql -qtA -v ON_ERROR_STOP=1 \
    -c "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()") \
    || die "cannot read the owner of $db_name"
app_conninfo="${conninfo/ user=postgres/} user=chengguan_app"
owner_conninfo="${conninfo/ user=postgres/} user=$owner"
say "database: $app_conninfo (migrations as $owner)"

# 3. configuration
ini=$var/chengguand.ini
if [ ! -e "$ini" ]; then
    tmp=$(mktemp "$var/.chengguand.ini.XXXXXX")
    cat >"$tmp" <<INI
; chengguand configuration for the dev environment.
; Written by scripts/dev-env.sh when missing; edit freely, it is not overwritten.
; Every setting can also be given as an environment variable CHENGGUAN_<NAME>.
[chengguand]
listen = 127.0.0.1:7443
tls_cert = $var/pki/server.crt
tls_key = $var/pki/server.key
tls_ca = $var/pki/ca.crt
tls_crl = $var/pki/crl.pem
database = $app_conninfo
migrate_database = $owner_conninfo
db_pool_size = 4
log_format = logfmt
log_level = info
INI
    chmod 644 "$tmp"
    mv -f "$tmp" "$ini"
    say "wrote $ini"
elif ! grep -qE '^[[:space:]]*tls_crl[[:space:]]*=' "$ini"; then
    # an ini from before the dev PKI had a CRL
    echo "tls_crl = $var/pki/crl.pem" >>"$ini"
    say "added tls_crl to $ini"
fi
if ! grep -qE '^[[:space:]]*migrate_database[[:space:]]*=' "$ini"; then
    # an ini from before the server had a role of its own: it served as postgres
    tmp=$(mktemp "$var/.chengguand.ini.XXXXXX")
    sed -E "s|^[[:space:]]*database[[:space:]]*=.*|database = $app_conninfo\nmigrate_database = $owner_conninfo|" \
        "$ini" >"$tmp" || die "cannot rewrite $ini"
    chmod 644 "$tmp"
    mv -f "$tmp" "$ini"
    say "$ini: chengguand now serves as chengguan_app, migrates as $owner"
fi

# 4. schema and reference data
"$chengguand" --config "$ini" --migrate || die "chengguand --migrate failed"

# 5. dev accounts (ON CONFLICT DO NOTHING: safe to load again)
PGDATABASE=$db_name "$top/scripts/dev-db.sh" "$var/pg" psql -q -v ON_ERROR_STOP=1 \
    -f "$top/sql/dev/accounts.sql" >/dev/null || die "loading sql/dev/accounts.sql failed"

# 6. a small sample ledger to look at (fixed idempotency keys: loading it again changes nothing)
PGDATABASE=$db_name "$top/scripts/dev-db.sh" "$var/pg" psql -q -v ON_ERROR_STOP=1 \
    -f "$top/sql/dev/ledger_sample.sql" >/dev/null || die "loading sql/dev/ledger_sample.sql failed"

say "dev environment ready in $var"

# 7. how to connect, to the address chengguand will really use
listen=${CHENGGUAN_LISTEN:-$(sed -n 's/^[[:space:]]*listen[[:space:]]*=[[:space:]]*//p' "$ini" | tail -n 1)}
listen=${listen%%[[:space:];]*}
port=${listen##*:} host=${listen%:*}
case "$host" in ''|0.0.0.0|'*') host=127.0.0.1 ;; '[::]') host='[::1]' ;; esac
server=$host:$port
opt="" # the CLI's default server is 127.0.0.1:7443
[ "$server" = 127.0.0.1:7443 ] || opt=" --server $server"
build_rel=${build#"$top"/}
cat <<TEXT

chengguand will listen on $server. Connect the CLI as a dev account
(from $top; elsewhere set CHENGGUAN_PKI=$var/pki):
TEXT
for crt in "$var"/pki/clients/*.crt; do
    printf '  %s/chengguan%s --as %-13s whoami\n' "$build_rel" "$opt" "$(basename "$crt" .crt)"
done
cat <<TEXT
  $build_rel/chengguan$opt --as xinglongtai ping
or explicitly: $build_rel/chengguan --server $server --ca $var/pki/ca.crt \\
                 --cert $var/pki/clients/hq.crt --key $var/pki/clients/hq.key whoami
Data: the PKI in $var/pki, PostgreSQL's files in $("$top/scripts/dev-db.sh" "$var/pg" home).
TEXT
