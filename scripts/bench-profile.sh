#!/usr/bin/env bash
# bench-profile.sh — where a durable write's time goes (issue 14): on a
# scratch dev environment with pg_stat_statements and track_functions = all,
# chengguand is driven by chengguan-bench (report-submit or patrol-submit)
# at N clients for S seconds after a warm-up of the same length; it prints
# the statements by database time (with WAL records a call), the functions
# by their own time, and the CPU time chengguand and chengguan-bench spent a
# request (from /proc: user + system).
#
# Usage: scripts/bench-profile.sh [report|patrol] [CLIENTS] [SECONDS]
#        (defaults: report 16 5)
# Builds nothing: expects chengguand, chengguan and chengguan-bench in
# build/ (override CG_BUILD_DIR). CG_BENCH_PORT (default 17480).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${CG_BUILD_DIR:-$top/build}
kind=${1:-report}
clients=${2:-16}
secs=${3:-5}
port=${CG_BENCH_PORT:-17480}
usage="usage: $0 [report|patrol] [CLIENTS] [SECONDS]"
case $kind in report | patrol) ;; *) echo "$usage" >&2; exit 1 ;; esac
[[ "$clients" =~ ^[0-9]+$ && "$clients" -ge 1 && "$clients" -le 64 && "$secs" =~ ^[0-9]+$ && "$secs" -ge 1 ]] ||
    { echo "$usage (1-64 clients)" >&2; exit 1; }
for b in chengguand chengguan chengguan-bench; do
    [ -x "$build/$b" ] || { echo "bench-profile: $build/$b not found (make build)" >&2; exit 1; }
done
source "$top/scripts/benchlib/lib.sh"
bench_scratch profile
echo "bench-profile: scratch $dir" >&2

# pg_stat_statements needs a restart to load.
psql_db -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" \
    -c "ALTER SYSTEM SET track_functions = 'all'"
"$top/scripts/dev-db.sh" "$dir/pg" stop >/dev/null
"$top/scripts/dev-db.sh" "$dir/pg" start >/dev/null
psql_db -c "CREATE EXTENSION pg_stat_statements"
read -r c0 c1 o0 o1 n < <(psql_db -At -F ' ' -f "$top/scripts/benchlib/bench_ledger.sql")
[ "$n" = 64 ] || { echo "bench-profile: bench_ledger.sql did not make 64 compounds" >&2; exit 1; }
if [ "$kind" = report ]; then
    targets=$(seq -s, "$c0" "$c1")
else
    targets=$(for i in $(seq 0 63); do printf '%s:%s,' $((c0 + i)) $((o0 + i)); done)
    targets=${targets%,}
fi

env "CHENGGUAN_LISTEN=127.0.0.1:$port" CHENGGUAN_LOG_LEVEL=warn CHENGGUAN_DEDUP_WINDOW=0 \
    CHENGGUAN_MAX_REQUEST_RATE=1000000 CHENGGUAN_MAX_REQUEST_BURST=1000000 \
    "$build/chengguand" --config "$dir/chengguand.ini" 2>>"$dir/server.log" &
server=$!
for _ in $(seq 1 100); do
    CHENGGUAN_PKI=$dir/pki CHENGGUAN_SERVER=127.0.0.1:$port "$build/chengguan" --as hq ping --count 1 \
        >/dev/null 2>&1 && break
    sleep 0.1
done
cgb() { "$build/chengguan-bench" "$kind-submit" --server "127.0.0.1:$port" --pki "$dir/pki" \
    --clients "$clients" --seconds "$secs" --targets "$targets" --base "$1"; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

cgb 0 >/dev/null # warm-up: every pool connection has prepared and planned
psql_db -c "SELECT pg_stat_reset(), pg_stat_statements_reset()" >/dev/null
s0=$(ticks "$server")
"$build/chengguan-bench" "$kind-submit" --server "127.0.0.1:$port" --pki "$dir/pki" \
    --clients "$clients" --seconds "$secs" --targets "$targets" --base 64000000 >"$dir/run.out" &
bench=$!
b=0
while kill -0 "$bench" 2>/dev/null; do b=$(ticks "$bench" 2>/dev/null || echo "$b"); sleep 0.2; done
wait "$bench"
s1=$(ticks "$server")
sleep 1 # the backends send their statistics when idle
hz=$(getconf CLK_TCK)
requests=$(awk '{ for (i = 1; i < NF; i++) if ($i == "requests") print $(i + 1) }' "$dir/run.out")
echo "== $kind-submit, $clients clients, $secs s: $(cat "$dir/run.out")"
echo "cpu per request: chengguand $(awk -v t=$((s1 - s0)) -v n="$requests" -v hz="$hz" \
    'BEGIN { printf "%.0f", t * 1e6 / hz / n }') us, chengguan-bench $(awk -v t="$b" -v n="$requests" -v hz="$hz" \
    'BEGIN { printf "%.0f", t * 1e6 / hz / n }') us (at least: sampled every 0.2 s)"
echo "== statements by database time"
psql_db -c "SELECT calls, round(total_exec_time::numeric) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
                   round(wal_records::numeric / calls, 1) AS wal_records, left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS statement
            FROM pg_stat_statements WHERE calls > 0 ORDER BY total_exec_time DESC LIMIT 10"
echo "== functions by their own time (a call)"
psql_db -c "SELECT funcname, calls, round((self_time / calls)::numeric, 3) AS self_ms,
                   round((total_time / calls)::numeric, 3) AS total_ms
            FROM pg_stat_user_functions WHERE calls >= $requests / 2 ORDER BY self_time DESC LIMIT 15"
