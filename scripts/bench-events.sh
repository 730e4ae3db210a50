#!/usr/bin/env bash
# bench-events.sh — step 4's latency figure: from a report's commit to its
# event arriving at many subscribed workstations over loopback (p50, p99),
# and a bare PostgreSQL LISTEN/NOTIFY ping-pong measured in the same run as
# the reference.
#
# Usage: scripts/bench-events.sh [SUBSCRIBERS] [REPORTS]   (defaults: 1000, 200)
# Builds nothing: expects build/ with bench_events (make build). Makes a
# scratch dev environment (removed at the end unless KEEP=1), runs chengguand
# on a spare port at log_level=warn with room for the subscribers and no
# dedup window (every report starts its own ladder and event), makes one
# compound managed by property-demo, and runs build/bench_events.
set -euo pipefail

subs=${1:-1000}
reports=${2:-200}
top=$(cd "$(dirname "$0")/.." && pwd)
build=${CG_BUILD_DIR:-$top/build}
port=${CG_BENCH_PORT:-17472}
for b in chengguand chengguan bench_events; do
    [ -x "$build/$b" ] || { echo "bench-events.sh: $build/$b not found (make build)" >&2; exit 1; }
done
source "$top/scripts/benchlib/lib.sh"
bench_scratch bench-events
echo "bench-events: $subs subscribers, $reports reports, scratch $dir" >&2
ulimit -n "$(ulimit -Hn)"
CHENGGUAN_LISTEN=127.0.0.1:$port CHENGGUAN_LOG_LEVEL=warn \
    CHENGGUAN_MAX_REQUEST_RATE=1000000 CHENGGUAN_MAX_REQUEST_BURST=1000000 CHENGGUAN_MAX_CONNECTIONS=$((subs + 100)) \
    CHENGGUAN_MAX_CONNECTIONS_PER_ACCOUNT=$((subs + 100)) CHENGGUAN_DEDUP_WINDOW=0 \
    "$build/chengguand" --config "$dir/chengguand.ini" 2>>"$dir/server.log" &
server=$!
export CHENGGUAN_PKI=$dir/pki CHENGGUAN_SERVER=127.0.0.1:$port
for _ in $(seq 1 100); do "$build/chengguan" --as hq ping --count 1 >/dev/null 2>&1 && break; sleep 0.1; done
compound=$("$build/chengguan" --as hq --json compound add --name 基准处置小区 --district dawa \
    --community 基准社区 --property-account property-demo | sed -E 's/.*"id": ?([0-9]+).*/\1/')
"$build/bench_events" "127.0.0.1:$port" "$dir/pki" "$conninfo" "$compound" "$subs" "$reports"
