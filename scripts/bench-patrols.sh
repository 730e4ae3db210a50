#!/usr/bin/env bash
# bench-patrols.sh — the scale figures of step 3: `patrol due` for one week
# and `patrol compliance` for a whole year, over N entered compounds and one
# year of patrols (about 100,000 for the default 2,000 compounds).
#
# Usage: scripts/bench-patrols.sh [N] [RUNS]     (defaults: 2000 compounds, 3 runs)
#
# Makes a scratch dev environment with scripts/dev-env.sh in a temporary
# directory (removed at the end unless KEEP=1; its cluster is stopped), then
# generates the data with set-based SQL run through psql as the database
# owner: officers, compounds, grid assignments and patrols are INSERTed
# directly into their tables (not through cg_api), which is fine for a
# benchmark because every reading function only reads those tables. The
# year is the 52 ISO weeks before the current one (Asia/Shanghai), so every
# patrol lies in the past:
#   - N compounds over the five districts, 100 officers per district, each
#     compound with a grid officer; 90 % entered before the year, 10 %
#     during it; 1 % closed during it;
#   - in each due week a compound gets no patrol (4 %), one (about 92 %) or
#     two (4 %), on a pseudo-random day between 08:00 and 20:00, lasting
#     30-120 min, by its grid officer (and a second officer for one in
#     three); one patrol in five has a finding;
#   - then VACUUM (ANALYZE), as autovacuum would have done by then.
# Then it times, 3 runs each (RUNS), median reported:
#   1. through psql (\timing), the cg_api functions as hq:
#      patrol_due for a week in the middle of the year, and
#      patrol_compliance from the year's first Monday to its last Sunday;
#      and patrol_due as one unit (xinglongtai); for comparison, the first
#      page (1000) of patrol_list, unfiltered and for that week;
#   2. through the CLI (`chengguan --as hq patrol due|compliance`, wall time
#      of the whole command, TLS handshake included) when build/chengguan
#      knows `patrol due`; skipped with a note otherwise.
# Builds nothing: expects build/ (override CG_BUILD_DIR) with a chengguand
# that embeds sql/0004_patrols.sql.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${CG_BUILD_DIR:-$top/build}
port=${CG_BENCH_PORT:-17472}
source "$top/scripts/benchlib/lib.sh"
bench_sizes "$@"
[ -x "$build/chengguand" ] || { echo "bench-patrols.sh: $build/chengguand not found (make build)" >&2; exit 1; }
bench_scratch bench-patrols || { echo "bench-patrols: scripts/dev-env.sh failed" >&2; exit 1; }
echo "bench-patrols: $n compounds, $runs runs, scratch $dir" >&2
[ "$(psql_db -At -c "SELECT to_regclass('public.patrols') IS NOT NULL")" = t ] \
    || { echo "bench-patrols: the database has no patrols table: rebuild chengguand with sql/0004_patrols.sql" >&2; exit 1; }

# --- data ---------------------------------------------------------------------
t0=$(date +%s.%N)
psql_db -v n="$n" <<'SQL'
-- The year: the 52 ISO weeks before the current one.
CREATE TEMP TABLE bench_year AS
SELECT cg_internal.monday(cg_internal.today()) - 364 AS first_monday,
       cg_internal.monday(cg_internal.today()) - 1 AS last_sunday;

INSERT INTO officers (name, unit_code, phone, created_by)
SELECT format('基准队员%s-%s', d.code, i), d.unit_code, '135' || lpad(i::text, 8, '0'), 'hq'
FROM districts d CROSS JOIN generate_series(1, 100) AS i
ORDER BY d.code, i;

-- Compounds k = 1..n: district by k % 5; entered 2021..the year's start
-- (90 %) or during the year (10 %); 1 % closed in the year's second half.
INSERT INTO compounds (name, district_code, street, community, address, households, buildings,
                       management_status, entered_on, closed_on, close_reason, created_by)
SELECT '基准小区' || lpad(k::text, 5, '0'), d.code, '兴隆街道', '基准社区' || lpad((k % 50)::text, 2, '0'), format('惠宾大街 %s 号', k),
       100 + k % 900, 4 + k % 40, 'property_company',
       CASE WHEN k % 10 = 0 THEN y.first_monday + (k * 37) % 350
            ELSE date '2021-02-15' + (k * 7919) % (y.first_monday - date '2021-02-15') END,
       CASE WHEN k % 100 = 55 THEN y.first_monday + 182 + k % 150 END,
       CASE WHEN k % 100 = 55 THEN '拆迁' ELSE '' END,
       'hq'
FROM generate_series(1, :n) AS k
CROSS JOIN bench_year y
JOIN (SELECT code, row_number() OVER (ORDER BY code) - 1 AS r FROM districts) d ON d.r = k % 5
ORDER BY k;

-- Each compound's grid officer: one of the 100 of its unit.
INSERT INTO grid_assignments (compound_id, officer_id, assigned_by)
SELECT c.id, o.id, 'hq'
FROM compounds c
JOIN districts d ON d.code = c.district_code
JOIN LATERAL (SELECT o.id FROM officers o WHERE o.unit_code = d.unit_code AND o.name LIKE '基准队员%'
              ORDER BY o.id OFFSET c.id % 100 LIMIT 1) o ON true
WHERE c.name LIKE '基准小区%';

-- Patrols: for each compound and each of its due weeks in the year, 0, 1 or
-- 2 patrols (h: a pseudo-random 0..99 per compound-week).
CREATE TEMP TABLE bench_patrols AS
SELECT c.id AS compound_id, w.monday, h.h, x.nth,
       ((w.monday + ((h.h + x.nth * 3) % 7))::timestamp
        + make_interval(hours => 8 + (h.h * 13 + x.nth * 5) % 12, mins => (h.h * 17) % 60))
       AT TIME ZONE 'Asia/Shanghai' AS start_at,
       make_interval(mins => 30 + (h.h * 31) % 91) AS length
FROM compounds c
CROSS JOIN bench_year y
CROSS JOIN LATERAL generate_series(greatest(y.first_monday, cg_internal.monday(c.entered_on) + 7)::timestamp,
                                   least(y.last_sunday - 6, coalesce(cg_internal.monday(c.closed_on), y.last_sunday))::timestamp,
                                   interval '7 days') AS w0(m)
CROSS JOIN LATERAL (SELECT w0.m::date AS monday) w
CROSS JOIN LATERAL (SELECT ((c.id * 7919 + (w.monday - date '2000-01-03') * 104729) % 100)::integer AS h) h
CROSS JOIN LATERAL generate_series(1, CASE WHEN h.h < 4 THEN 0 WHEN h.h >= 96 THEN 2 ELSE 1 END) AS x(nth)
WHERE c.name LIKE '基准小区%' AND c.entered_on IS NOT NULL;

INSERT INTO patrols (compound_id, start_at, end_at, note, submitted_by, submitted_at)
SELECT b.compound_id, b.start_at, b.start_at + b.length, '', d.unit_code, b.start_at + b.length + interval '10 minutes'
FROM bench_patrols b
JOIN compounds c ON c.id = b.compound_id
JOIN districts d ON d.code = c.district_code
ORDER BY b.start_at, b.compound_id;

INSERT INTO patrol_officers (patrol_id, ord, officer_id)
SELECT p.id, 1, g.officer_id
FROM patrols p JOIN grid_assignments g ON g.compound_id = p.compound_id;
INSERT INTO patrol_officers (patrol_id, ord, officer_id)
SELECT p.id, 2, o2.id
FROM patrols p
JOIN grid_assignments g ON g.compound_id = p.compound_id
JOIN officers o1 ON o1.id = g.officer_id
JOIN LATERAL (SELECT o.id FROM officers o WHERE o.unit_code = o1.unit_code AND o.id <> o1.id
              ORDER BY o.id OFFSET p.id % 50 LIMIT 1) o2 ON true
WHERE p.id % 3 = 0;
INSERT INTO patrol_findings (patrol_id, ord, category, text, action)
SELECT p.id, 1, 1 + p.id % 10, '巡查发现：占用消防通道停放车辆',
       (ARRAY['stopped_on_site', 'case_needed', 'referred', 'none'])[1 + p.id % 4]
FROM patrols p
WHERE p.id % 5 = 0;

-- As autovacuum would by now (it vacuums append-only tables after inserts):
-- statistics, and the visibility map that lets the weekly-duty queries read
-- patrols_compound_week_idx without visiting the table.
VACUUM (ANALYZE);
SQL
t1=$(date +%s.%N)
read -r first_monday last_sunday mid_week patrols compounds < <(psql_db -At -F ' ' -c "
    SELECT m - 364, m - 1, cg_internal.week_text(m - 182),
           (SELECT count(*) FROM patrols), (SELECT count(*) FROM compounds WHERE entered_on IS NOT NULL)
    FROM (SELECT cg_internal.monday(cg_internal.today()) AS m) x")
printf 'bench-patrols: %s entered compounds, %s patrols from %s to %s, generated in %.1f s\n' \
    "$compounds" "$patrols" "$first_monday" "$last_sunday" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" >&2

# --- through psql -------------------------------------------------------------
sql_times() { # ACCOUNT FUNCTION REQUEST: RUNS timings in ms of the call, one per line
    local i
    {
        echo '\timing on'
        for i in $(seq 1 "$runs"); do
            echo "SELECT length(cg_api.$2('$1', '$3'::jsonb)::text);"
        done
    } | psql_db -At | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
}
due_req="{\"week\": \"$mid_week\", \"unit\": \"\"}"
comp_req="{\"from\": \"$first_monday\", \"to\": \"$last_sunday\", \"unit\": \"\"}"
due_rows=$(psql_db -At -c "SELECT jsonb_array_length(cg_api.patrol_due('hq', '$due_req') -> 'compounds')")
comp_total=$(psql_db -At -c "SELECT cg_api.patrol_compliance('hq', '$comp_req') -> 'total'")
echo "bench-patrols: patrol_due $mid_week lists $due_rows compounds; compliance total $comp_total" >&2

mapfile -t t_due < <(sql_times hq patrol_due "$due_req")
mapfile -t t_due_unit < <(sql_times xinglongtai patrol_due "$due_req")
mapfile -t t_comp < <(sql_times hq patrol_compliance "$comp_req")
list_req='{"compound_id": 0, "unit": "", "officer_id": 0, "week": "", "from": "", "to": "", "after_id": 0, "limit": 0}'
mapfile -t t_list < <(sql_times hq patrol_list "$list_req")
mapfile -t t_list_week < <(sql_times hq patrol_list "${list_req/\"week\": \"\"/\"week\": \"$mid_week\"}")
report "psql cg_api.patrol_due ($mid_week, hq), ms" "${t_due[@]}"
report "psql cg_api.patrol_due ($mid_week, xinglongtai), ms" "${t_due_unit[@]}"
report "psql cg_api.patrol_compliance (52 weeks, hq), ms" "${t_comp[@]}"
report "psql cg_api.patrol_list (newest 1000, hq), ms" "${t_list[@]}"
report "psql cg_api.patrol_list (week $mid_week, hq), ms" "${t_list_week[@]}"

# --- through the CLI ----------------------------------------------------------
if [ -x "$build/chengguan" ] && "$build/chengguan" patrol due --help >/dev/null 2>&1; then
    export CHENGGUAN_PKI=$dir/pki CHENGGUAN_SERVER=127.0.0.1:$port
    CHENGGUAN_DATABASE="$conninfo user=chengguan_app" CHENGGUAN_LISTEN=127.0.0.1:$port CHENGGUAN_LOG_LEVEL=warn \
    CHENGGUAN_MAX_REQUEST_RATE=1000000 CHENGGUAN_MAX_REQUEST_BURST=1000000 \
        "$build/chengguand" --config "$dir/chengguand.ini" 2>>"$dir/server.log" &
    server=$!
    for _ in $(seq 1 100); do "$build/chengguan" --as hq ping --count 1 >/dev/null 2>&1 && break; sleep 0.1; done
    c_due=() c_comp=()
    for _ in $(seq 1 "$runs"); do
        c_due+=("$(seconds "$build/chengguan" --as hq patrol due --week "$mid_week")")
        c_comp+=("$(seconds "$build/chengguan" --as hq patrol compliance --from "$first_monday" --to "$last_sunday")")
    done
    report "CLI patrol due --week $mid_week (hq), s" "${c_due[@]}"
    report "CLI patrol compliance (52 weeks, hq), s" "${c_comp[@]}"
    kill "$server"; wait "$server" 2>/dev/null || true; server=
else
    echo "bench-patrols: $build/chengguan has no 'patrol due': CLI timings skipped" >&2
fi
