#!/usr/bin/env bash
# bench-ledger.sh — the ledger's scale figures (step 2), end to end through
# the CLI: import N compounds from one CSV file, then list all of them.
#
# Usage: scripts/bench-ledger.sh [N] [RUNS]      (defaults: 5000 compounds, 3 runs)
# Builds nothing: expects build/ (override CG_BUILD_DIR). Each run gets a
# fresh database in a scratch directory (removed at the end unless KEEP=1),
# and a server on a spare port with log_level=warn. Prints one line per
# measurement with every run's seconds and the median.
set -euo pipefail

n=${1:-5000}
runs=${2:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
build=${CG_BUILD_DIR:-$top/build}
port=${CG_BENCH_PORT:-17471}
for b in chengguand chengguan; do
    [ -x "$build/$b" ] || { echo "bench-ledger.sh: $build/$b not found (make build)" >&2; exit 1; }
done
source "$top/scripts/benchlib/lib.sh"
bench_scratch bench
echo "bench-ledger: $n compounds, $runs runs, scratch $dir" >&2
export CHENGGUAN_PKI=$dir/pki CHENGGUAN_SERVER=127.0.0.1:$port

# N compounds spread over the five districts, 50 communities each, every
# field filled in, Chinese text as a ledger clerk would type it.
csv=$dir/compounds.csv
awk -v n="$n" 'BEGIN {
    split("xinglongtai shuangtaizi dawa liaodongwan panshan", d, " ")
    print "name,district,street,community,address,households,buildings,management_status," \
          "property_company,property_manager,property_phone,street_contact,street_phone," \
          "community_contact,community_phone,owners_committee_contact,owners_committee_phone,property_account"
    for (i = 1; i <= n; i++)
        printf "基准小区%05d,%s,兴隆街道,基准社区%02d,盘锦市惠宾大街 %d 号,%d,%d,property_company," \
               "盘锦锦华物业服务有限公司,王丽,13840012345,张强,0427-2812345,李娜,13904270001,,,\n",
               i, d[(i % 5) + 1], i % 50, i, 100 + i % 900, 4 + i % 40
}' >"$csv"


import_times=() list_times=() json_times=()
for run in $(seq 1 "$runs"); do
    db=bench$run
    "$top/scripts/dev-db.sh" "$dir/pg" createdb "$db" >/dev/null
    conninfo=$("$top/scripts/dev-db.sh" "$dir/pg" conninfo "$db")
    CHENGGUAN_MIGRATE_DATABASE="$conninfo user=chengguan_owner" "$build/chengguand" --config "$dir/chengguand.ini" --migrate 2>/dev/null
    PGDATABASE=$db "$top/scripts/dev-db.sh" "$dir/pg" psql -q -f "$top/sql/dev/accounts.sql" >/dev/null
    CHENGGUAN_DATABASE="$conninfo user=chengguan_app" CHENGGUAN_LISTEN=127.0.0.1:$port CHENGGUAN_LOG_LEVEL=warn \
    CHENGGUAN_MAX_REQUEST_RATE=1000000 CHENGGUAN_MAX_REQUEST_BURST=1000000 \
        "$build/chengguand" --config "$dir/chengguand.ini" 2>>"$dir/server.log" &
    server=$!
    for _ in $(seq 1 100); do "$build/chengguan" --as hq ping --count 1 >/dev/null 2>&1 && break; sleep 0.1; done

    import_times+=("$(seconds "$build/chengguan" --as hq compound import "$csv")")
    list_times+=("$(seconds "$build/chengguan" --as hq compound list)")
    json_times+=("$(seconds "$build/chengguan" --as hq --json compound list)")
    rows=$("$build/chengguan" --as hq --json compound list | wc -l)
    [ "$rows" -eq "$n" ] || { echo "bench-ledger: listed $rows compounds, expected $n" >&2; exit 1; }

    kill "$server"; wait "$server" 2>/dev/null || true; server=
done

report "compound import ($n rows, one CSV), s" "${import_times[@]}"
report "compound list ($n rows, table), s" "${list_times[@]}"
report "compound list ($n rows, --json), s" "${json_times[@]}"
