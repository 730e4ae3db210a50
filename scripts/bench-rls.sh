#!/usr/bin/env bash
# bench-rls.sh — what the child tables' row-level security costs
# (sql/0039_row_security_children.sql): on the data of bench-bulletin.sh,
# cg_api.stats_bulletin, case_get and report_get called in psql as
# chengguan_app with the scope set as the server sets it (and jit off, as
# the server's connections have it), with the children's policies enabled
# and, in a rolled-back transaction, disabled; three rounds of each, the
# median of the calls in each round (5 for the bulletin, 21 for the others:
# past the fifth call PL/pgSQL keeps a generic plan, as on the server's
# connections).
#
# Usage: scripts/bench-rls.sh [N]      (default: 2000 compounds)
# Builds nothing: expects build/ (override CG_BUILD_DIR).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-2000}
log=$(mktemp)
KEEP=1 "$top/scripts/bench-bulletin.sh" "$n" 1 2>"$log" >/dev/null || { cat "$log" >&2; exit 1; }
dir=$(sed -n 's/^bench-bulletin: .* scratch \(.*\)$/\1/p' "$log")
year=$(sed -n 's/^bench-bulletin: year \([0-9]*\):.*/\1/p' "$log")
rm -f "$log"
trap '"$top/scripts/dev-db.sh" "$dir/pg" destroy >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
"$top/scripts/dev-db.sh" "$dir/pg" start >/dev/null
su=$("$top/scripts/dev-db.sh" "$dir/pg" conninfo chengguan)
children=$(psql -X -At "$su" -c "SELECT string_agg(polrelid::regclass::text, ' ')
    FROM pg_policy WHERE polname = polrelid::regclass::text || '_scope'
      AND polrelid::regclass::text IN ('patrol_officers', 'patrol_findings', 'patrol_voids',
        'request_events', 'request_voids', 'report_timeline', 'case_timeline', 'case_escalations',
        'case_uploads', 'case_upload_chunks', 'case_attachments', 'campaign_action_cases',
        'suggestions', 'suggestion_answers', 'decisions', 'decision_follow_ups',
        'training_attendees', 'problem_plans', 'problem_statuses')")
case_id=$(psql -X -At "$su" -c "SELECT min(id) FROM cases WHERE unit_code = 'xinglongtai' AND state = 'closed'")
report_id=$(psql -X -At "$su" -c "SELECT min(id) FROM reports WHERE unit_code = 'xinglongtai'")

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
once() { # with|without CALLS SCOPE UNIT ACCOUNT CALL: the median time of CALLS calls, ms
    {
        echo "BEGIN;"
        if [ "$1" = without ]; then for t in $children; do echo "ALTER TABLE $t DISABLE ROW LEVEL SECURITY;"; done; fi
        echo "SET LOCAL ROLE chengguan_app; SET LOCAL jit = off;"
        echo "SELECT set_config('cg.scope', '$3', true), set_config('cg.unit', '$4', true), set_config('cg.account', '$5', true) \\g /dev/null"
        echo "SELECT length(($6)::text) \\g /dev/null"
        echo '\timing on'
        for _ in $(seq 1 "$2"); do echo "SELECT length(($6)::text);"; done
        echo '\timing off'
        echo "ROLLBACK;"
    } | psql -X -q -At -v ON_ERROR_STOP=1 "$su" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | head -n "$2" | median
}
ab() { # NAME CALLS SCOPE UNIT ACCOUNT CALL
    local with=() without=() _
    for _ in 1 2 3; do
        with+=("$(once with "${@:2}")")
        without+=("$(once without "${@:2}")")
    done
    printf '%-44s without: %s  with: %s  (ms)\n' "$1" "${without[*]}" "${with[*]}"
}
y="{\"period\": \"$year\", \"unit\": \"\"}"
echo "bench-rls: $n compounds; children under row security: $children" >&2
ab "stats_bulletin $year, hq" 5 city '' hq "cg_api.stats_bulletin('hq', '$y')"
ab "stats_bulletin $year, xinglongtai" 5 unit xinglongtai xinglongtai "cg_api.stats_bulletin('xinglongtai', '$y')"
ab "case_get $case_id, hq" 21 city '' hq "cg_api.case_get('hq', '{\"id\": $case_id}')"
ab "case_get $case_id, xinglongtai" 21 unit xinglongtai xinglongtai "cg_api.case_get('xinglongtai', '{\"id\": $case_id}')"
ab "report_get $report_id, hq" 21 city '' hq "cg_api.report_get('hq', '{\"id\": $report_id}')"
ab "report_get $report_id, xinglongtai" 21 unit xinglongtai xinglongtai "cg_api.report_get('xinglongtai', '{\"id\": $report_id}')"
