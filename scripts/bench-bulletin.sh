#!/usr/bin/env bash
# bench-bulletin.sh — the scale figures of step 6: the supervision bulletin
# (`stats bulletin`) of a whole year over N compounds (default 2,000), about
# 100,000 patrols, 20,000 cases, 10,000 reports, 10,000 residents' requests
# and 1,000 supervision orders.
#
# Usage: scripts/bench-bulletin.sh [N] [RUNS]     (defaults: 2000 compounds, 3 runs)
#
# Makes a scratch dev environment with scripts/dev-env.sh in a temporary
# directory (removed at the end unless KEEP=1; its cluster is stopped), then
# generates the data with set-based SQL run through psql as the database
# owner, INSERTed straight into the tables (not through cg_api: every
# function of the bulletin only reads them). The year is the last whole
# calendar year (Asia/Shanghai), so everything lies in the past:
#   - N compounds over the five districts, 20 officers per district; 90 %
#     entered the year before, 10 % during the year; 1 % closed during it;
#     85 % with a complete notice board, 80 % with a complete ledger;
#   - in each due week a compound gets no patrol (4 %), one (about 92 %) or
#     two (4 %);
#   - 20,000 cases registered over the year (one in 50 of category 2 is
#     illegal construction), closing limit 20-40 days; 80 % closed 5-45 days
#     after registration (so some late), 5 % with a failed check (rework),
#     5 % rejected, 3 % transferred, the rest open and already escalated to
#     supervision (their next reminder far ahead, so that the escalation
#     engine has nothing to do while the timings run);
#   - 10,000 property reports (resolved; acknowledged after 5-120 minutes,
#     the limit 60), 10,000 requests (90 % answered, some late) and 1,000
#     supervision orders;
#   - a co-construction day per unit and month (some missed, some moved),
#     five suggestions each, most answered; a training per unit and quarter;
#   - then VACUUM (ANALYZE), as autovacuum would have done by then.
# Then it times, RUNS runs each, median reported:
#   1. through psql (\timing), cg_api.stats_bulletin for the year as hq, as
#      one unit (xinglongtai), and for a month and a quarter as hq;
#   2. through the CLI, wall time of the whole command (TLS included):
#      `stats bulletin --period YEAR` as a table and as HTML as hq, and as a
#      table as xinglongtai (the server serves as chengguan_app, under row
#      security; psql in 1. is the superuser, which is not).
# Builds nothing: expects build/ (override CG_BUILD_DIR).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${CG_BUILD_DIR:-$top/build}
port=${CG_BENCH_PORT:-17476}
source "$top/scripts/benchlib/lib.sh"
bench_sizes "$@"
[ -x "$build/chengguand" ] || { echo "bench-bulletin.sh: $build/chengguand not found (make build)" >&2; exit 1; }
bench_scratch bench-bulletin || { echo "bench-bulletin: scripts/dev-env.sh failed" >&2; exit 1; }
echo "bench-bulletin: $n compounds, $runs runs, scratch $dir" >&2
[ "$(psql_db -At -c "SELECT to_regprocedure('cg_api.stats_bulletin(text,jsonb)') IS NOT NULL")" = t ] \
    || { echo "bench-bulletin: the database has no cg_api.stats_bulletin: rebuild chengguand" >&2; exit 1; }

# --- data ---------------------------------------------------------------------
t0=$(date +%s.%N)
psql_db -v n="$n" <<'SQL'
CREATE TEMP TABLE bench_year AS
SELECT make_date(extract(year FROM cg_internal.today())::integer - 1, 1, 1) AS first,
       make_date(extract(year FROM cg_internal.today())::integer - 1, 12, 31) AS last;

INSERT INTO officers (name, unit_code, phone, created_by, created_at)
SELECT format('基准队员%s-%s', d.code, i), d.unit_code, '135' || lpad(i::text, 8, '0'), 'hq',
       cg_internal.day_start(y.first - 365)
FROM districts d CROSS JOIN generate_series(1, 20) AS i CROSS JOIN bench_year y;

INSERT INTO compounds (name, district_code, street, community, address, households, buildings,
                       management_status, street_contact, street_phone, community_contact, community_phone,
                       entered_on, closed_on, close_reason, board_installed_on, board_duties,
                       board_contact_phone, board_supervision_phone, created_by)
SELECT '基准小区' || lpad(k::text, 5, '0'), d.code, '兴隆街道', '基准社区' || (k % 50), format('惠宾大街 %s 号', k),
       100 + k % 900, 4 + k % 40, 'self_managed', '街道联系人', '0427-2800001', '社区联系人',
       CASE WHEN k % 7 = 0 THEN '' ELSE '0427-2800002' END,
       CASE WHEN k % 10 = 0 THEN y.first + (k * 37) % 330 ELSE y.first - 365 + (k * 7919) % 300 END,
       CASE WHEN k % 100 = 55 THEN y.first + 182 + k % 150 END,
       CASE WHEN k % 100 = 55 THEN '拆迁' ELSE '' END,
       CASE WHEN k % 20 < 17 THEN y.first - 200 + k % 400 END,
       '小区管理职责', '13500000001', '12319', 'hq'
FROM generate_series(1, :n) AS k
CROSS JOIN bench_year y
JOIN (SELECT code, row_number() OVER (ORDER BY code) - 1 AS r FROM districts) d ON d.r = k % 5;

-- Patrols: 0, 1 or 2 in each due week of the year (h: pseudo-random 0..99).
INSERT INTO patrols (compound_id, start_at, end_at, submitted_by, submitted_at)
SELECT c.id, s.t, s.t + interval '1 hour', 'hq', s.t + interval '2 hours'
FROM compounds c
CROSS JOIN bench_year y
CROSS JOIN LATERAL generate_series(greatest(cg_internal.monday(y.first), cg_internal.monday(c.entered_on) + 7)::timestamp,
                                   least(cg_internal.monday(y.last), coalesce(cg_internal.monday(c.closed_on - 1), y.last))::timestamp,
                                   interval '7 days') AS w(m)
CROSS JOIN LATERAL (SELECT ((c.id * 7919 + (w.m::date - date '2000-01-03') * 104729) % 100)::integer AS h) h
CROSS JOIN LATERAL generate_series(1, CASE WHEN h.h < 4 THEN 0 WHEN h.h >= 96 THEN 2 ELSE 1 END) AS x(nth)
CROSS JOIN LATERAL (SELECT (w.m + make_interval(days => (h.h + x.nth * 3) % 7, hours => 8 + h.h % 10))
                           AT TIME ZONE 'Asia/Shanghai' AS t) s
WHERE c.entered_on IS NOT NULL;

-- Cases: 20,000 over the year.
CREATE TEMP TABLE bench_cases AS
SELECT k, c.id AS compound_id, d.unit_code, 1 + k % 10 AS category,
       ((y.first + k % 365)::timestamp + time '09:00' + make_interval(mins => k % 480)) AT TIME ZONE 'Asia/Shanghai' AS reg,
       20 + k % 21 AS limit_days, 5 + (k * 13) % 41 AS took, (k * 7) % 100 AS fate
FROM generate_series(1, 20000) AS k
CROSS JOIN bench_year y
JOIN compounds c ON c.id = 1 + (k * 7) % :n
JOIN districts d ON d.code = c.district_code;
INSERT INTO cases (id, compound_id, unit_code, category, illegal_construction, source, summary, opened_by,
                   registered_at, source_at, state, state_at, version, rework, closing_due, overdue_at, escalated_2_at,
                   next_remind_at) OVERRIDING SYSTEM VALUE
SELECT b.k, b.compound_id, b.unit_code, b.category, b.category = 2 AND b.k % 50 = 1, 'patrol', '基准案件', 'hq',
       b.reg, b.reg, CASE WHEN b.fate < 80 THEN 'closed' WHEN b.fate < 85 THEN 'rejected' WHEN b.fate < 88 THEN 'transferred'
                   ELSE 'registered' END,
       CASE WHEN b.fate < 88 THEN b.reg + make_interval(days => b.took) ELSE b.reg END,
       CASE WHEN b.fate < 88 THEN 2 ELSE 1 END, CASE WHEN b.fate < 5 THEN 1 ELSE 0 END,
       cg_internal.day_of(b.reg) + b.limit_days,
       CASE WHEN b.fate >= 88 THEN b.reg + make_interval(days => b.limit_days + 1) END,
       CASE WHEN b.fate >= 88 THEN b.reg + make_interval(days => b.limit_days + 3) END,
       CASE WHEN b.fate >= 88 THEN timestamptz '2099-01-01 00:00+08' END
FROM bench_cases b;
INSERT INTO case_timeline (case_id, version, kind, from_state, to_state, at, account)
SELECT b.k, 1, 'opened', '', 'registered', b.reg, 'hq' FROM bench_cases b;
INSERT INTO case_timeline (case_id, version, kind, from_state, to_state, at, account, passed, officer_id, rework)
SELECT b.k, 2, 'verified', 'rectifying', 'rectifying', b.reg + make_interval(days => b.took - 2), 'hq', false,
       (SELECT min(o.id) FROM officers o WHERE o.unit_code = b.unit_code), true
FROM bench_cases b WHERE b.fate < 5;
INSERT INTO case_timeline (case_id, version, kind, from_state, to_state, at, account)
SELECT b.k, CASE WHEN b.fate < 5 THEN 3 ELSE 2 END, 'moved', 'verified',
       CASE WHEN b.fate < 80 THEN 'closed' WHEN b.fate < 85 THEN 'rejected' ELSE 'transferred' END,
       b.reg + make_interval(days => b.took), 'hq'
FROM bench_cases b WHERE b.fate < 88;

-- 10,000 property reports, resolved; 5 % reached supervision.
INSERT INTO reports (compound_id, unit_code, category, text, reporter, filed_at, ack_timeout_ms,
                     supervision_timeout_ms, resolve_timeout_ms, remind_every_ms, dedup_window_ms,
                     status, level, ack_due, supervision_due, escalated_2_at, resolve_due,
                     acknowledged_at, acknowledged_by, officer_id, resolved_at, resolved_by, outcome, dedup_until)
SELECT c.id, d.unit_code, 1 + k % 10, '基准报告', 'hq', f.t, 3600000, 7200000, 86400000, 3600000, 600000,
       'resolved', CASE WHEN k % 20 = 0 THEN 2 ELSE 0 END, f.t + interval '1 hour', f.t + interval '2 hours',
       CASE WHEN k % 20 = 0 THEN f.t + interval '2 hours' END, f.t + interval '1 day',
       f.t + make_interval(mins => 5 + (k * 11) % 116), 'hq', (SELECT min(o.id) FROM officers o WHERE o.unit_code = d.unit_code),
       f.t + interval '3 hours', 'hq', 'stopped', f.t + interval '10 minutes'
FROM generate_series(1, 10000) AS k
CROSS JOIN bench_year y
JOIN compounds c ON c.id = 1 + (k * 11) % :n
JOIN districts d ON d.code = c.district_code
CROSS JOIN LATERAL (SELECT ((y.first + k % 365)::timestamp + time '08:00' + make_interval(mins => k % 600))
                           AT TIME ZONE 'Asia/Shanghai' AS t) f;

-- 10,000 residents' requests, answer due in 3 days; 90 % answered, a tenth of them late.
INSERT INTO resident_requests (compound_id, channel, kind, text, answer_due, created_by, created_at)
SELECT 1 + (k * 13) % :n, 'in_person', 'problem', '基准诉求', f.t + interval '3 days', 'hq', f.t
FROM generate_series(1, 10000) AS k
CROSS JOIN bench_year y
CROSS JOIN LATERAL (SELECT ((y.first + k % 365)::timestamp + time '09:00') AT TIME ZONE 'Asia/Shanghai' AS t) f;
INSERT INTO request_events (request_id, kind, text, account, at)
SELECT r.id, 'answer', '已答复', 'hq', r.created_at + CASE WHEN r.id % 10 = 1 THEN interval '4 days' ELSE interval '1 day' END
FROM resident_requests r WHERE r.id % 10 <> 0;

-- 1,000 supervision orders on cases, 7 days to answer; most answered in time.
INSERT INTO supervision_orders (case_id, unit_code, compound_id, text, deadline, issued_by, issued_at, answer,
                                answered_at, answered_by)
SELECT k.id, k.unit_code, k.compound_id, '基准督办', cg_internal.day_of(k.registered_at) + 7, 'supervision',
       k.registered_at, '已办', k.registered_at + CASE WHEN k.id % 7 = 0 THEN interval '9 days' ELSE interval '2 days' END,
       'hq'
FROM cases k WHERE k.id % 20 = 0;

-- The long-term mechanism: a co-construction day per unit and month on the
-- 15th (about one month in twelve missed, one in ten moved to the 18th),
-- five suggestions each, four in five answered within ten days; a training
-- per unit and quarter attended by the same three in five of its officers.
INSERT INTO co_meetings (unit_code, held_on, rescheduled_reason, compound_ids, street, community, property,
                         owners_committee, residents, recorded_by)
SELECT u.code, m.d + CASE WHEN m.h % 10 = 3 THEN 17 ELSE 14 END, CASE WHEN m.h % 10 = 3 THEN '改期' ELSE '' END,
       ARRAY[(SELECT min(c.id) FROM compounds c JOIN districts d ON d.code = c.district_code
              WHERE d.unit_code = u.code)], 1, 1, 1, 1, 10, 'hq'
FROM units u
CROSS JOIN bench_year y
CROSS JOIN LATERAL generate_series(y.first, y.last, interval '1 month') AS g
CROSS JOIN LATERAL (SELECT g::date AS d, extract(month FROM g)::integer * 7 + length(u.code) AS h) m
WHERE u.kind = 'district_unit' AND m.h % 12 <> 5;
INSERT INTO suggestions (meeting_id, text)
SELECT m.id, '基准建议' || i FROM co_meetings m CROSS JOIN generate_series(1, 5) AS i ORDER BY m.id, i;
INSERT INTO suggestion_answers (suggestion_id, text, adopted, answered_at, answered_by)
SELECT s.id, '已办', 'yes', cg_internal.day_start(m.held_on + 1 + (s.id % 10)::integer), 'hq'
FROM suggestions s JOIN co_meetings m ON m.id = s.meeting_id WHERE s.id % 5 <> 0;
INSERT INTO trainings (unit_code, held_on, topic, hours, recorded_by)
SELECT u.code, g::date + 20, '基准培训', 2, 'hq'
FROM units u CROSS JOIN bench_year y CROSS JOIN LATERAL generate_series(y.first, y.last, interval '3 months') AS g
WHERE u.kind = 'district_unit';
INSERT INTO training_attendees (training_id, officer_id, position)
SELECT t.id, o.id, row_number() OVER (PARTITION BY t.id ORDER BY o.id)
FROM trainings t
JOIN (SELECT o.id, o.unit_code, row_number() OVER (PARTITION BY o.unit_code ORDER BY o.id) AS r FROM officers o) o
  ON o.unit_code = t.unit_code
WHERE o.r % 5 < 3;

VACUUM (ANALYZE);
SQL
t1=$(date +%s.%N)
read -r year compounds patrols cases reports requests orders < <(psql_db -At -F ' ' -c "
    SELECT extract(year FROM cg_internal.today())::integer - 1, (SELECT count(*) FROM compounds),
           (SELECT count(*) FROM patrols), (SELECT count(*) FROM cases), (SELECT count(*) FROM reports),
           (SELECT count(*) FROM resident_requests), (SELECT count(*) FROM supervision_orders)")
printf 'bench-bulletin: year %s: %s compounds, %s patrols, %s cases, %s reports, %s requests, %s orders; generated in %.1f s\n' \
    "$year" "$compounds" "$patrols" "$cases" "$reports" "$requests" "$orders" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" >&2

# --- through psql -------------------------------------------------------------
sql_times() { # ACCOUNT PERIOD: RUNS timings in ms of the call, one per line
    local i
    {
        echo '\timing on'
        for i in $(seq 1 "$runs"); do
            echo "SELECT length(cg_api.stats_bulletin('$1', '{\"period\": \"$2\", \"unit\": \"\"}')::text);"
        done
    } | psql_db -At | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
}
psql_db -At -c "SELECT u ->> 'unit', u ->> 'score', u ->> 'rank'
                FROM jsonb_array_elements(cg_api.stats_bulletin('hq', '{\"period\": \"$year\", \"unit\": \"\"}') -> 'units') u" \
    | sed 's/^/bench-bulletin: score|rank /' >&2
psql_db -At -c "SELECT u ->> 'unit', v ->> 'key', v ->> 'numerator', v ->> 'denominator'
                FROM jsonb_array_elements(cg_api.stats_bulletin('hq', '{\"period\": \"$year\", \"unit\": \"\"}') -> 'units') u,
                     jsonb_array_elements(u -> 'values') v
                WHERE v ->> 'key' IN ('meetings', 'suggestions', 'trained')" \
    | sed 's/^/bench-bulletin: unit|mechanism|numerator|denominator /' >&2
mapfile -t t_year < <(sql_times hq "$year")
mapfile -t t_unit < <(sql_times xinglongtai "$year")
mapfile -t t_quarter < <(sql_times hq "$year-Q2")
mapfile -t t_month < <(sql_times hq "$year-03")
report "psql cg_api.stats_bulletin ($year, hq), ms" "${t_year[@]}"
report "psql cg_api.stats_bulletin ($year, xinglongtai), ms" "${t_unit[@]}"
report "psql cg_api.stats_bulletin ($year-Q2, hq), ms" "${t_quarter[@]}"
report "psql cg_api.stats_bulletin ($year-03, hq), ms" "${t_month[@]}"

# --- through the CLI ----------------------------------------------------------
export CHENGGUAN_PKI=$dir/pki CHENGGUAN_SERVER=127.0.0.1:$port
CHENGGUAN_DATABASE="$conninfo user=chengguan_app" CHENGGUAN_LISTEN=127.0.0.1:$port CHENGGUAN_LOG_LEVEL=warn \
    CHENGGUAN_MAX_REQUEST_RATE=1000000 CHENGGUAN_MAX_REQUEST_BURST=1000000 \
    "$build/chengguand" --config "$dir/chengguand.ini" 2>>"$dir/server.log" &
server=$!
for _ in $(seq 1 100); do "$build/chengguan" --as hq ping --count 1 >/dev/null 2>&1 && break; sleep 0.1; done
c_table=() c_html=() c_unit=()
for _ in $(seq 1 "$runs"); do
    c_table+=("$(seconds "$build/chengguan" --as hq stats bulletin --period "$year")")
    c_unit+=("$(seconds "$build/chengguan" --as xinglongtai stats bulletin --period "$year")")
    c_html+=("$(seconds "$build/chengguan" --as hq stats bulletin --period "$year" --format html -o "$dir/bulletin.html")")
done
report "CLI stats bulletin --period $year (hq), s" "${c_table[@]}"
report "CLI stats bulletin --period $year --format html (hq), s" "${c_html[@]}"
report "CLI stats bulletin --period $year (xinglongtai), s" "${c_unit[@]}"
if [ -n "${SCREENSHOT:-}" ]; then # SCREENSHOT=FILE.png: the year's page, drawn by Chromium
    LANG=zh_CN.UTF-8 "$build/chengguan" --as hq stats bulletin --period "$year" --format html -o "$dir/bulletin.html"
    chromium --headless --no-sandbox --disable-gpu --user-data-dir="$dir/chromium" --window-size=1150,1500 \
        --screenshot="$SCREENSHOT" "file://$dir/bulletin.html" >/dev/null 2>&1
    echo "bench-bulletin: screenshot in $SCREENSHOT" >&2
fi
kill "$server"; wait "$server" 2>/dev/null || true; server=
