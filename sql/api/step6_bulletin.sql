-- Step 6 (issue 12): the supervision bulletin (督查通报). Per district unit
-- and period, the indicators of docs/assessment.md, a composite score and a
-- rank; the weekly patrol compliance and the new illegal-construction cases
-- by month for its charts.
--
-- Each indicator is one piece: a row of cg_internal.bulletin_indicators()
-- (its name, kind, weight and the smallest base that makes its rate mean
-- something) and one function cg_internal.bulletin_<key>(first, last)
-- returning (unit_code, numerator, denominator) for every district unit with
-- something to count. bulletin() calls each function the catalogue names, so
-- adding an indicator is its function and its catalogue line, nothing else.
-- Every function is one set-based aggregate over the period's rows, through
-- the indexes of migration 0021.

-- The catalogue. kind: 'rate' numerator/denominator, higher is better,
-- scored 100 × rate; 'rate_low' the same, lower is better, scored
-- 100 × (1 − rate); 'zero' a count whose target is none, scored 100 when 0
-- and 0 otherwise; 'count' and 'mean' are shown, never scored (weight 0).
-- A rate whose denominator is below min_base is shown as too few and not
-- scored. The weights of the scored indicators add up to 100
-- (docs/assessment.md says why each weighs what it does).
CREATE FUNCTION cg_internal.bulletin_indicators()
RETURNS TABLE (ord integer, key text, name_zh text, kind text, weight integer, min_base integer)
LANGUAGE sql IMMUTABLE AS $$
    VALUES (1,  'coverage',         '进驻覆盖率',         'rate',      5, 1),
           (2,  'boards',           '公示牌设置率',       'rate',      5, 1),
           (3,  'ledger',           '台账完整率',         'rate',      5, 1),
           (4,  'patrol',           '巡查达标率',         'rate',     10, 1),
           (5,  'patrols',          '巡查次数',           'count',     0, 0),
           (6,  'requests',         '诉求按时答复率',     'rate',     10, 5),
           (7,  'reports',          '快速处置按时响应率', 'rate',     10, 5),
           (8,  'ack_minutes',      '平均响应时长（分钟）', 'mean',    0, 0),
           (9,  'registered',       '立案数',             'count',     0, 0),
           (10, 'closure',          '结案率',             'rate',      5, 5),
           (11, 'on_time',          '按期结案率',         'rate',     10, 5),
           (12, 'rework',           '返工率',             'rate_low',  5, 5),
           (13, 'escalations',      '上报督查数',         'count',     0, 0),
           (14, 'orders',           '督办按时办结率',     'rate',      5, 3),
           (15, 'illegal',          '新增违法建设数',     'zero',     10, 0),
           (16, 'meetings',         '共建日开展率',       'rate',     10, 1),
           (17, 'suggestions',      '意见建议答复率',     'rate',      5, 3),
           (18, 'trained',          '执法人员培训率',     'rate',      5, 1),
           (19, 'problems_found',   '问题清单新增问题数', 'count',     0, 0),
           (20, 'problems_fixed',   '问题清单整改完成数', 'count',     0, 0),
           (21, 'problems_open',    '期末未整改问题数',   'count',     0, 0)
$$;

-- 'YYYY-MM', 'YYYY-Qn' or 'YYYY' as its first and last day; CG003 on field
-- `period` when it is none of these, begins before the programme (2021) or
-- after today.
CREATE FUNCTION cg_internal.bulletin_period(p_value text, OUT first date, OUT last date)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v text := cg_internal.clean(p_value);
    m text[];
BEGIN
    IF v = '' THEN
        PERFORM cg_internal.check('period', cg_internal.problem('value.required', '{}', 'must not be empty'));
    END IF;
    m := regexp_match(v, '^([0-9]{4})(?:-(0[1-9]|1[0-2])|-[Qq]([1-4]))?$');
    IF m IS NULL THEN
        PERFORM cg_internal.check('period', cg_internal.problem('period.invalid', jsonb_build_object('value', left(v, 40)),
            format('not a period such as 2021-03, 2021-Q2 or 2021: %s', cg_internal.q(v))));
    ELSIF m[2] IS NOT NULL THEN
        first := make_date(m[1]::integer, m[2]::integer, 1);
        last := (first + interval '1 month')::date - 1;
    ELSIF m[3] IS NOT NULL THEN
        first := make_date(m[1]::integer, m[3]::integer * 3 - 2, 1);
        last := (first + interval '3 months')::date - 1;
    ELSE
        first := make_date(m[1]::integer, 1, 1);
        last := make_date(m[1]::integer, 12, 31);
    END IF;
    PERFORM cg_internal.check('period', CASE
        WHEN last < date '2021-01-01'
            THEN cg_internal.problem('value.before_programme', jsonb_build_object('first', '2021-01-01'),
                                     'period before the records begin (2021-01-01)')
        WHEN first > cg_internal.today()
            THEN cg_internal.problem('value.after_today', jsonb_build_object('today', cg_internal.date_text(cg_internal.today())),
                                     'period after today') END);
END
$$;

-- The instant a Beijing day begins.
CREATE FUNCTION cg_internal.day_start(d date) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
    SELECT d::timestamp AT TIME ZONE 'Asia/Shanghai'
$$;

-- The Beijing day of an instant.
CREATE FUNCTION cg_internal.day_of(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT (t AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- ---------------------------------------------------------------------------
-- The indicators: (unit_code, numerator, denominator) over [p_first, p_last]
-- (Beijing days; p_last is never after today).
-- ---------------------------------------------------------------------------

-- The compounds of the ledger on p_last: not closed by then.
CREATE FUNCTION cg_internal.bulletin_compounds(p_last date)
RETURNS TABLE (unit_code text, entered boolean, board boolean, complete boolean)
LANGUAGE sql STABLE AS $$
    SELECT d.unit_code, coalesce(c.entered_on <= p_last, false),
           coalesce(c.board_installed_on <= p_last AND NOT d.board_missing, false), d.complete
    FROM cg_internal.compound_docs d
    JOIN compounds c ON c.id = d.id
    WHERE c.closed_on IS NULL OR c.closed_on > p_last
$$;

-- 进驻覆盖率: compounds entered by the last day / compounds.
CREATE FUNCTION cg_internal.bulletin_coverage(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT b.unit_code, count(*) FILTER (WHERE b.entered), count(*)
    FROM cg_internal.bulletin_compounds(p_last) b GROUP BY b.unit_code
$$;

-- 公示牌设置率: compounds whose notice board was up by the last day with
-- every item on it / compounds.
CREATE FUNCTION cg_internal.bulletin_boards(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT b.unit_code, count(*) FILTER (WHERE b.board), count(*)
    FROM cg_internal.bulletin_compounds(p_last) b GROUP BY b.unit_code
$$;

-- 台账完整率: compounds with every required ledger field / compounds.
CREATE FUNCTION cg_internal.bulletin_ledger(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT b.unit_code, count(*) FILTER (WHERE b.complete), count(*)
    FROM cg_internal.bulletin_compounds(p_last) b GROUP BY b.unit_code
$$;

-- Compound-weeks due and patrolled per unit and week, from the week of
-- p_first to the week of p_last: the rule of patrol compliance
-- (patrol_due_ranges), one row per unit and due week.
CREATE FUNCTION cg_internal.bulletin_patrol_weeks(p_first date, p_last date)
RETURNS TABLE (unit_code text, week date, due bigint, patrolled bigint)
LANGUAGE sql STABLE AS $$
    WITH ranges AS MATERIALIZED (
        SELECT r.* FROM cg_internal.patrol_due_ranges(cg_internal.monday(p_first), cg_internal.monday(p_last)) r
        WHERE r.hi >= r.lo
    ),
    due AS (
        SELECT r.unit_code, w::date AS week, count(*) AS due
        FROM ranges r CROSS JOIN LATERAL generate_series(r.lo, r.hi, interval '7 days') w
        GROUP BY 1, 2
    ),
    done AS (
        SELECT r.unit_code, p.week_start AS week, count(DISTINCT p.compound_id) AS patrolled
        FROM ranges r
        JOIN cg_internal.patrols_live p ON p.compound_id = r.id AND p.week_start BETWEEN r.lo AND r.hi
        GROUP BY 1, 2
    )
    SELECT due.unit_code, due.week, due.due, coalesce(done.patrolled, 0)
    FROM due LEFT JOIN done ON done.unit_code = due.unit_code AND done.week = due.week
$$;

-- 巡查达标率: compound-weeks with a patrol / compound-weeks due.
CREATE FUNCTION cg_internal.bulletin_patrol(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT w.unit_code, sum(w.patrolled), sum(w.due)
    FROM cg_internal.bulletin_patrol_weeks(p_first, p_last) w GROUP BY w.unit_code
$$;

-- 巡查次数: patrols (not voided) begun in the period.
CREATE FUNCTION cg_internal.bulletin_patrols(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT d.unit_code, count(*), NULL::numeric
    FROM cg_internal.patrols_live p
    JOIN compounds c ON c.id = p.compound_id
    JOIN districts d ON d.code = c.district_code
    WHERE p.start_at >= cg_internal.day_start(p_first) AND p.start_at < cg_internal.day_start(p_last + 1)
    GROUP BY d.unit_code
$$;

-- 诉求按时答复率: requests (not voided) answered by their answer-by time /
-- requests whose answer was due in the period.
CREATE FUNCTION cg_internal.bulletin_requests(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT d.unit_code,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM request_events e
                                          WHERE e.request_id = r.id AND e.kind = 'answer' AND e.at <= r.answer_due)),
           count(*)
    FROM resident_requests r
    JOIN compounds c ON c.id = r.compound_id
    JOIN districts d ON d.code = c.district_code
    WHERE r.answer_due >= cg_internal.day_start(p_first) AND r.answer_due < cg_internal.day_start(p_last + 1)
      AND NOT EXISTS (SELECT 1 FROM request_voids v WHERE v.request_id = r.id)
    GROUP BY d.unit_code
$$;

-- 快速处置按时响应率: reports acknowledged by their acknowledge-by time /
-- reports whose acknowledgement was due in the period.
CREATE FUNCTION cg_internal.bulletin_reports(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT r.unit_code, count(*) FILTER (WHERE r.acknowledged_at <= r.ack_due), count(*)
    FROM reports r
    WHERE r.ack_due >= cg_internal.day_start(p_first) AND r.ack_due < cg_internal.day_start(p_last + 1)
    GROUP BY r.unit_code
$$;

-- 平均响应时长: minutes from filing to acknowledgement, summed, over the
-- reports acknowledged in the period (the mean is numerator / denominator).
CREATE FUNCTION cg_internal.bulletin_ack_minutes(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT r.unit_code, sum(extract(epoch FROM r.acknowledged_at - r.filed_at)) / 60, count(*)
    FROM reports r
    WHERE r.acknowledged_at >= cg_internal.day_start(p_first)
      AND r.acknowledged_at < cg_internal.day_start(p_last + 1)
    GROUP BY r.unit_code
$$;

-- Each case's first close and first rejection or transfer (NULL: none), and
-- whether it was ever reworked, by p_before.
CREATE FUNCTION cg_internal.bulletin_case_steps(p_before timestamptz)
RETURNS TABLE (id bigint, unit_code text, registered_at timestamptz, closing_due date,
               closed_at timestamptz, ended_at timestamptz, reworked boolean)
LANGUAGE sql STABLE AS $$
    SELECT k.id, k.unit_code, k.registered_at, k.closing_due,
           min(t.at) FILTER (WHERE t.to_state = 'closed'),
           min(t.at) FILTER (WHERE t.to_state IN ('rejected', 'transferred')),
           coalesce(bool_or(t.rework), false)
    FROM cases k
    LEFT JOIN case_timeline t ON t.case_id = k.id AND t.at < p_before
    GROUP BY k.id
$$;

-- 立案数: cases registered in the period.
CREATE FUNCTION cg_internal.bulletin_registered(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT k.unit_code, count(*), NULL::numeric
    FROM cases k
    WHERE k.registered_at >= cg_internal.day_start(p_first) AND k.registered_at < cg_internal.day_start(p_last + 1)
    GROUP BY k.unit_code
$$;

-- 结案率: of the cases registered in the period and neither rejected nor
-- transferred by its end, those closed by its end.
CREATE FUNCTION cg_internal.bulletin_closure(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT s.unit_code, count(*) FILTER (WHERE s.closed_at IS NOT NULL), count(*)
    FROM cg_internal.bulletin_case_steps(cg_internal.day_start(p_last + 1)) s
    WHERE s.registered_at >= cg_internal.day_start(p_first) AND s.registered_at < cg_internal.day_start(p_last + 1)
      AND s.ended_at IS NULL
    GROUP BY s.unit_code
$$;

-- 按期结案率: cases closed on or before their closing day / cases due to
-- close in the period (closing day in it, not rejected or transferred by
-- then).
CREATE FUNCTION cg_internal.bulletin_on_time(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT s.unit_code, count(*) FILTER (WHERE cg_internal.day_of(s.closed_at) <= s.closing_due), count(*)
    FROM cg_internal.bulletin_case_steps(cg_internal.day_start(p_last + 1)) s
    WHERE s.closing_due BETWEEN p_first AND p_last
      AND NOT coalesce(cg_internal.day_of(s.ended_at) <= s.closing_due, false)
    GROUP BY s.unit_code
$$;

-- 返工率: of the cases closed in the period, those with a failed
-- verification or a reopening by its end.
CREATE FUNCTION cg_internal.bulletin_rework(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT k.unit_code,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM case_timeline r
                                          WHERE r.case_id = k.id AND r.rework
                                            AND r.at < cg_internal.day_start(p_last + 1))),
           count(*)
    FROM cases k
    WHERE EXISTS (SELECT 1 FROM case_timeline t
                  WHERE t.case_id = k.id AND t.to_state = 'closed'
                    AND t.at >= cg_internal.day_start(p_first) AND t.at < cg_internal.day_start(p_last + 1))
    GROUP BY k.unit_code
$$;

-- 上报督查数: reports and cases that reached supervision (level 2) in the
-- period.
CREATE FUNCTION cg_internal.bulletin_escalations(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT x.unit_code, count(*), NULL::numeric
    FROM (SELECT r.unit_code, r.escalated_2_at AS at FROM reports r WHERE r.escalated_2_at IS NOT NULL
          UNION ALL
          SELECT k.unit_code, k.escalated_2_at FROM cases k WHERE k.escalated_2_at IS NOT NULL) x
    WHERE x.at >= cg_internal.day_start(p_first) AND x.at < cg_internal.day_start(p_last + 1)
    GROUP BY x.unit_code
$$;

-- 督办按时办结率: supervision orders answered by the end of their deadline /
-- orders whose deadline is in the period.
CREATE FUNCTION cg_internal.bulletin_orders(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT o.unit_code, count(*) FILTER (WHERE cg_internal.day_of(o.answered_at) <= o.deadline), count(*)
    FROM supervision_orders o
    WHERE o.deadline BETWEEN p_first AND p_last
    GROUP BY o.unit_code
$$;

-- New illegal-construction cases registered in the period, per unit and
-- month: the zero-growth target's figure (and its chart).
CREATE FUNCTION cg_internal.bulletin_illegal_months(p_first date, p_last date)
RETURNS TABLE (unit_code text, month date, cases bigint)
LANGUAGE sql STABLE AS $$
    SELECT k.unit_code, date_trunc('month', cg_internal.day_of(k.registered_at))::date, count(*)
    FROM cases k
    WHERE k.illegal_construction
      AND k.registered_at >= cg_internal.day_start(p_first) AND k.registered_at < cg_internal.day_start(p_last + 1)
    GROUP BY 1, 2
$$;

-- 新增违法建设数.
CREATE FUNCTION cg_internal.bulletin_illegal(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$
    SELECT m.unit_code, sum(m.cases), NULL::numeric
    FROM cg_internal.bulletin_illegal_months(p_first, p_last) m GROUP BY m.unit_code
$$;

-- The mechanism's indicators (mechanism 5 and section 六 of the plan), from
-- the counts of sql/api/step6_mechanism.sql, one row per district unit.
-- plpgsql, whose bodies are resolved when run: that file is applied after
-- this one.

-- 共建日开展率: months whose co-construction day was due in the period (the
-- 15th on or before its last day, from the programme's first, 2021-02-15)
-- and in which the unit held one, on the 15th or rescheduled with a reason /
-- those months. A second day in a month does not make up for a missed one.
CREATE FUNCTION cg_internal.bulletin_meetings(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT u.code,
           count(*) FILTER (WHERE cg_internal.unit_meetings_held(u.code, m.first,
                                                                 least((m.first + interval '1 month')::date - 1, p_last)) > 0)::numeric,
           count(*)::numeric
    FROM units u
    CROSS JOIN LATERAL (SELECT g::date AS first
                        FROM generate_series(date_trunc('month', p_first), p_last, interval '1 month') g) m
    WHERE u.kind = 'district_unit'
      AND m.first + 14 BETWEEN (SELECT min(ph.first) FROM programme_phases ph) AND p_last
    GROUP BY u.code;
END
$$;

-- 意见建议答复率: of the suggestions made at the unit's co-construction days
-- of the period, those answered by its end / those suggestions.
CREATE FUNCTION cg_internal.bulletin_suggestions(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT u.code, s.answered::numeric, s.made::numeric
    FROM units u
    CROSS JOIN LATERAL cg_internal.unit_suggestions(u.code, p_first, p_last, cg_internal.day_start(p_last + 1)) s
    WHERE u.kind = 'district_unit';
END
$$;

-- 执法人员培训率: the unit's officers who attended a training held in the
-- period (培训人数, cg_internal.unit_officers_trained's count) / the unit's
-- roll: its officers on record by the end of the period, and any recorded
-- later but listed at one of its trainings (he was in the unit then).
CREATE FUNCTION cg_internal.bulletin_trained(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT u.code, count(*) FILTER (WHERE x.trained)::numeric, count(*)::numeric
    FROM units u
    JOIN officers o ON o.unit_code = u.code
    CROSS JOIN LATERAL (SELECT cg_internal.officer_trained(o.id, p_first, p_last) AS trained) x
    WHERE u.kind = 'district_unit' AND (x.trained OR o.created_at < cg_internal.day_start(p_last + 1))
    GROUP BY u.code;
END
$$;

-- The problem list (问题清单, sql/api/step6_campaign.sql, applied after this
-- file), shown and not scored: the problems a unit found in the period
-- (found), fixed in it (fixed: first marked fixed), and not fixed at its end
-- (open_at_end), as cg_internal.unit_problems counts them.
CREATE FUNCTION cg_internal.bulletin_problem_count(p_first date, p_last date, p_what text)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT u.code, (to_jsonb(n) ->> p_what)::numeric, NULL::numeric
    FROM units u
    CROSS JOIN LATERAL cg_internal.unit_problems(u.code, p_first, p_last) n
    WHERE u.kind = 'district_unit';
END
$$;

CREATE FUNCTION cg_internal.bulletin_problems_found(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$ SELECT * FROM cg_internal.bulletin_problem_count(p_first, p_last, 'found') $$;

CREATE FUNCTION cg_internal.bulletin_problems_fixed(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$ SELECT * FROM cg_internal.bulletin_problem_count(p_first, p_last, 'fixed') $$;

CREATE FUNCTION cg_internal.bulletin_problems_open(p_first date, p_last date)
RETURNS TABLE (unit_code text, numerator numeric, denominator numeric)
LANGUAGE sql STABLE AS $$ SELECT * FROM cg_internal.bulletin_problem_count(p_first, p_last, 'open_at_end') $$;

-- ---------------------------------------------------------------------------
-- The bulletin.
-- ---------------------------------------------------------------------------

-- Every indicator of the catalogue for every district unit over [p_first,
-- p_last], scored, with each unit's composite score and rank (NULL: not
-- ranked, when the weight it could be scored on is below 60 % of the whole):
-- one row per unit as a BulletinUnit.
CREATE FUNCTION cg_internal.bulletin_units(p_first date, p_last date)
RETURNS TABLE (unit_code text, doc jsonb)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    ind record;
    v_part jsonb;
    v_all jsonb := '[]';
BEGIN
    FOR ind IN SELECT i.key FROM cg_internal.bulletin_indicators() i ORDER BY i.ord LOOP
        EXECUTE format('SELECT coalesce(jsonb_agg(jsonb_build_object(''unit'', x.unit_code, ''key'', %L, '
                       '''num'', x.numerator, ''den'', x.denominator)), ''[]'') FROM cg_internal.%I($1, $2) x',
                       ind.key, 'bulletin_' || ind.key)
            INTO v_part USING p_first, p_last;
        v_all := v_all || v_part;
    END LOOP;
    RETURN QUERY
    WITH figures AS (
        SELECT f.unit, f.key, f.num, f.den FROM jsonb_to_recordset(v_all) AS f(unit text, key text, num numeric, den numeric)
    ),
    cells AS (
        SELECT u.code AS unit, i.ord, i.key, i.kind, i.weight, coalesce(f.num, 0) AS num,
               CASE WHEN i.kind IN ('rate', 'rate_low', 'mean') THEN coalesce(f.den, 0) END AS den,
               i.kind IN ('rate', 'rate_low', 'mean') AND coalesce(f.den, 0) < greatest(i.min_base, 1) AS too_few
        FROM units u
        CROSS JOIN cg_internal.bulletin_indicators() i
        LEFT JOIN figures f ON f.unit = u.code AND f.key = i.key
        WHERE u.kind = 'district_unit'
    ),
    scored AS (
        SELECT c.*,
               CASE WHEN c.too_few THEN NULL
                    WHEN c.kind IN ('rate', 'rate_low', 'mean') THEN c.num / c.den
                    ELSE c.num END AS value,
               CASE WHEN c.too_few OR c.weight = 0 THEN NULL
                    WHEN c.kind = 'rate' THEN 100 * c.num / c.den
                    WHEN c.kind = 'rate_low' THEN 100 * (1 - c.num / c.den)
                    WHEN c.kind = 'zero' THEN CASE WHEN c.num = 0 THEN 100 ELSE 0 END END AS score
        FROM cells c
    ),
    per_unit AS (
        SELECT s.unit,
               round(sum(s.weight * s.score) FILTER (WHERE s.score IS NOT NULL)
                     / nullif(sum(s.weight) FILTER (WHERE s.score IS NOT NULL), 0), 1) AS score,
               coalesce(sum(s.weight) FILTER (WHERE s.score IS NOT NULL), 0) AS scored_weight,
               sum(s.weight) AS weight,
               jsonb_agg(jsonb_build_object(
                   'key', s.key,
                   'numerator', round(s.num, 1)::float8,
                   'denominator', coalesce(s.den, 0)::float8,
                   'value', coalesce(round(s.value, 4), 0)::float8,
                   'score', coalesce(round(s.score, 1), 0)::float8,
                   'status', CASE WHEN s.too_few AND s.den = 0 THEN 'none'
                                  WHEN s.too_few THEN 'too_few'
                                  WHEN s.score IS NULL THEN 'shown'
                                  ELSE 'scored' END) ORDER BY s.ord) AS cells
        FROM scored s GROUP BY s.unit
    ),
    ranked AS (
        SELECT p.*, p.scored_weight * 10 >= p.weight * 6 AND p.score IS NOT NULL AS rankable
        FROM per_unit p
    )
    SELECT r.unit, jsonb_build_object(
               'unit', r.unit,
               'unit_name', (SELECT u.name_zh FROM units u WHERE u.code = r.unit),
               'values', r.cells,
               'score', coalesce(r.score, 0)::float8,
               'scored_weight', r.scored_weight::integer,
               'rank', CASE WHEN r.rankable
                            THEN rank() OVER (PARTITION BY r.rankable ORDER BY r.score DESC) ELSE 0 END)
    FROM ranked r;
END
$$;

-- StatsBulletin -> StatsBulletinReply. Units and their people see their
-- own row without the rank; hq, supervision and the sections see every unit,
-- and hq and supervision the ranking too. A period reaching past today ends
-- today (as_of).
CREATE FUNCTION cg_api.stats_bulletin(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'stats.bulletin');
    v_period text := upper(cg_internal.clean(p_req ->> 'period'));
    v_unit text;
    v_first date;
    v_last date;
    v_as_of date;
    v_ranking boolean := a.role IN ('hq', 'supervision');
BEGIN
    SELECT p.first, p.last INTO v_first, v_last FROM cg_internal.bulletin_period(v_period) p;
    v_unit := cg_internal.district_unit_filter(a, p_req ->> 'unit');
    IF cg_internal.unit_member(a) THEN
        v_unit := a.unit_code;
    END IF;
    v_as_of := least(v_last, cg_internal.today());
    RETURN jsonb_build_object(
        'period', v_period,
        'first', cg_internal.date_text(v_first),
        'last', cg_internal.date_text(v_last),
        'as_of', cg_internal.date_text(v_as_of),
        'ranking', v_ranking,
        'indicators', (SELECT jsonb_agg(jsonb_build_object('key', i.key, 'name', i.name_zh, 'kind', i.kind,
                                                           'weight', i.weight, 'min_base', i.min_base) ORDER BY i.ord)
                       FROM cg_internal.bulletin_indicators() i),
        'units', coalesce((SELECT jsonb_agg(CASE WHEN v_ranking THEN b.doc ELSE b.doc || '{"rank": 0}' END
                                            ORDER BY b.unit_code)
                           FROM cg_internal.bulletin_units(v_first, v_as_of) b
                           WHERE v_unit IS NULL OR b.unit_code = v_unit), '[]'),
        'weeks', coalesce((SELECT jsonb_agg(jsonb_build_object('week', cg_internal.week_text(w.week), 'unit', w.unit_code,
                                                               'due', w.due, 'patrolled', w.patrolled)
                                            ORDER BY w.week, w.unit_code)
                           FROM cg_internal.bulletin_patrol_weeks(v_first, v_as_of) w
                           WHERE v_unit IS NULL OR w.unit_code = v_unit), '[]'),
        'months', coalesce((SELECT jsonb_agg(jsonb_build_object('month', to_char(m.month, 'YYYY-MM'), 'unit', m.unit_code,
                                                                'cases', m.cases)
                                             ORDER BY m.month, m.unit_code)
                            FROM cg_internal.bulletin_illegal_months(v_first, v_as_of) m
                            WHERE v_unit IS NULL OR m.unit_code = v_unit), '[]'));
END
$$;
