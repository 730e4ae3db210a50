-- The problem list, concentrated campaigns and the programme calendar (step
-- 6, sql/0020_campaign.sql). Conventions of core.sql.
--
-- Problems: a unit (or hq) lists the problems found in its compounds, each
-- quick (fixed at once) or not; one that is not quick needs a rectification
-- plan (measures, person in charge, deadline) before it can be fixed. Status
-- open -> in_progress -> fixed -> verified, fixed -> in_progress again when
-- the fix did not hold; every plan and status is a row, the latest in effect.
-- A problem not fixed past its plan's deadline is overdue.
--
-- Campaigns: a concentrated campaign names its period, units, compounds and
-- categories; its results are the problems added with it and the cases
-- linked to it. The programme: the phases and targets of the migration, and
-- where each target stood on a day.

-- May a see the problems and campaigns of unit p_unit? The bureau: all; a
-- unit and its people: their unit's.
CREATE FUNCTION cg_internal.can_see_campaign(a accounts, p_unit text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(a.role IN ('hq', 'supervision', 'section')
                    OR (cg_internal.unit_member(a) AND a.unit_code = p_unit), false)
$$;

-- A date of a request that may lie in the future (a deadline, a campaign's
-- end): what date_problem finds, but not 'after today'.
CREATE FUNCTION cg_internal.any_date_problem(v text, required boolean) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT p FROM (SELECT cg_internal.date_problem(v, required) AS p) x
    WHERE p IS NULL OR p ->> 'reason' <> 'value.after_today'
$$;

-- ---------------------------------------------------------------------------
-- Problems
-- ---------------------------------------------------------------------------

-- A problem with where it stands: its latest status and plan.
CREATE VIEW cg_internal.problem_rows AS
SELECT p.id, p.compound_id, c.name AS compound_name, p.unit_code, p.category, p.text, p.quick, p.found_on,
       p.action_id, p.added_by, p.added_at,
       coalesce(s.status, 'open') AS status, s.set_at AS status_at,
       pl.measures, pl.owner, pl.deadline,
       (coalesce(s.status, 'open') NOT IN ('fixed', 'verified') AND pl.deadline < cg_internal.today()) AS overdue
FROM problems p
JOIN compounds c ON c.id = p.compound_id
LEFT JOIN LATERAL (SELECT x.status, x.set_at FROM problem_statuses x WHERE x.problem_id = p.id
                   ORDER BY x.id DESC LIMIT 1) s ON true
LEFT JOIN LATERAL (SELECT y.measures, y.owner, y.deadline FROM problem_plans y WHERE y.problem_id = p.id
                   ORDER BY y.id DESC LIMIT 1) pl ON true;

-- A Problem (without its history).
CREATE FUNCTION cg_internal.problem_doc(r cg_internal.problem_rows) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', r.id,
        'compound_id', r.compound_id,
        'compound_name', r.compound_name,
        'unit', r.unit_code,
        'category', r.category,
        'category_name', cg_internal.category_zh(r.category),
        'text', r.text,
        'quick', CASE WHEN r.quick THEN 'yes' ELSE 'no' END,
        'found_on', cg_internal.date_text(r.found_on),
        'action_id', coalesce(r.action_id, 0),
        'status', r.status,
        'status_at', cg_internal.instant_text(r.status_at),
        'measures', coalesce(r.measures, ''),
        'owner', coalesce(r.owner, ''),
        'deadline', cg_internal.date_text(r.deadline),
        'planned', r.measures IS NOT NULL,
        'overdue', coalesce(r.overdue, false),
        'added_at', cg_internal.instant_text(r.added_at),
        'added_by', r.added_by)
$$;

-- The problem p_id for a: CG003 when 0, CG005 when a may not see it,
-- CG007 when p_change and a may not change its unit's rows (hq, the unit;
-- supervision only verifies, which problem_update checks). Locks the row
-- for a change, so that checks and change see the same state.
CREATE FUNCTION cg_internal.problem_target(a accounts, p_id bigint, p_change boolean)
RETURNS cg_internal.problem_rows
LANGUAGE plpgsql AS $$
DECLARE
    r cg_internal.problem_rows;
BEGIN
    PERFORM cg_internal.check('id', CASE WHEN p_id = 0 THEN cg_internal.missing() END);
    IF p_change THEN
        PERFORM 1 FROM problems WHERE id = p_id FOR UPDATE;
    END IF;
    SELECT * INTO r FROM cg_internal.problem_rows WHERE id = p_id;
    IF NOT FOUND OR NOT cg_internal.can_see_campaign(a, r.unit_code) THEN
        PERFORM cg_internal.fail('CG005', 'id', format('problem %s not found', p_id),
                                 'problem.not_found', jsonb_build_object('id', p_id));
    END IF;
    IF p_change AND NOT (cg_internal.can_change(a, r.unit_code) OR a.role = 'supervision') THEN
        PERFORM cg_internal.fail('CG007', 'id', format('problem %s may not be changed by you', p_id),
                                 'problem.not_yours', jsonb_build_object('id', p_id));
    END IF;
    RETURN r;
END
$$;

-- The campaign p_id for a, to link records to: CG005 when there is none or
-- a may not see it.
CREATE FUNCTION cg_internal.action_target(a accounts, p_id bigint, p_column text) RETURNS campaign_actions
LANGUAGE plpgsql AS $$
DECLARE
    n campaign_actions;
BEGIN
    SELECT * INTO n FROM campaign_actions WHERE id = p_id;
    IF NOT FOUND OR NOT EXISTS (SELECT 1 FROM campaign_action_units u
                                WHERE u.action_id = n.id AND cg_internal.can_see_campaign(a, u.unit_code)) THEN
        PERFORM cg_internal.fail('CG005', p_column, format('campaign %s not found', p_id),
                                 'campaign.not_found', jsonb_build_object('id', p_id));
    END IF;
    RETURN n;
END
$$;

-- Whether campaign n covers compound p_compound of unit p_unit: one of its
-- units and, when it names compounds, one of them.
CREATE FUNCTION cg_internal.action_covers(n campaign_actions, p_unit text, p_compound bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM campaign_action_units u WHERE u.action_id = n.id AND u.unit_code = p_unit)
       AND (NOT EXISTS (SELECT 1 FROM campaign_action_compounds k WHERE k.action_id = n.id)
            OR EXISTS (SELECT 1 FROM campaign_action_compounds k WHERE k.action_id = n.id
                       AND k.compound_id = p_compound))
$$;

-- ProblemAdd -> Problem: hq or the compound's unit, on an open compound;
-- found_on defaults to today; with action_id, the campaign must cover the
-- compound and its period the day it was found.
CREATE FUNCTION cg_api.problem_add(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'problem.add');
    v_prev jsonb;
    v_text text := cg_internal.clean(p_req ->> 'text');
    v_quick text := lower(cg_internal.clean(p_req ->> 'quick'));
    v_found_in text := cg_internal.clean(p_req ->> 'found_on');
    v_action_id bigint := cg_internal.req_int(p_req, 'action_id');
    v_found date;
    cur cg_internal.compound_docs;
    n campaign_actions;
    v_id bigint;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'problem_add', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('category', cg_internal.category_problem(p_req -> 'category'));
    PERFORM cg_internal.check('text', cg_internal.text_problem(v_text, 2000, true, true));
    PERFORM cg_internal.check('quick', cg_internal.one_of_problem(v_quick, '{yes,no}', true));
    PERFORM cg_internal.check('found_on', cg_internal.date_problem(v_found_in, false));
    v_found := CASE WHEN v_found_in = '' THEN cg_internal.today() ELSE cg_internal.date_of(v_found_in) END;
    cur := cg_internal.compound_target(a, cg_internal.req_int(p_req, 'compound_id'), 'compound_id', 'change');
    PERFORM cg_internal.require_open(cur);
    IF v_action_id <> 0 THEN
        n := cg_internal.action_target(a, v_action_id, 'action_id');
        IF NOT cg_internal.action_covers(n, cur.unit_code, cur.id) THEN
            PERFORM cg_internal.fail('CG009', 'action_id',
                                     format('campaign %s does not cover compound %s', n.id, cur.id),
                                     'campaign.compound_outside', jsonb_build_object('id', n.id, 'compound', cur.id));
        END IF;
        IF v_found NOT BETWEEN n.first AND n.last THEN
            PERFORM cg_internal.fail('CG009', 'found_on',
                                     format('found_on: %s is outside campaign %s (%s to %s)', v_found, n.id,
                                            n.first, n.last),
                                     'campaign.outside_period',
                                     jsonb_build_object('field', 'found_on', 'id', n.id,
                                                        'date', cg_internal.date_text(v_found),
                                                        'from', cg_internal.date_text(n.first),
                                                        'to', cg_internal.date_text(n.last)));
        END IF;
    END IF;
    INSERT INTO problems (compound_id, unit_code, category, text, quick, found_on, action_id, added_by)
    VALUES (cur.id, cur.unit_code, cg_internal.json_num(p_req -> 'category'), v_text, v_quick = 'yes', v_found,
            nullif(v_action_id, 0), a.name)
    RETURNING id INTO v_id;
    RETURN cg_internal.idem_end(a, p_req,
        (SELECT cg_internal.problem_doc(r) FROM cg_internal.problem_rows r WHERE r.id = v_id));
END
$$;

-- ProblemPlan -> Problem: a rectification plan, or a new one in place of
-- the one in effect; not for a problem fixed or verified.
CREATE FUNCTION cg_api.problem_plan(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'problem.plan');
    v_prev jsonb;
    v_measures text := cg_internal.clean(p_req ->> 'measures');
    v_owner text := cg_internal.clean(p_req ->> 'owner');
    v_deadline_in text := cg_internal.clean(p_req ->> 'deadline');
    v_deadline date;
    r cg_internal.problem_rows;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'problem_plan', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('measures', cg_internal.text_problem(v_measures, 2000, true, true));
    PERFORM cg_internal.check('owner', cg_internal.text_problem(v_owner, 100, true, false));
    PERFORM cg_internal.check('deadline', cg_internal.any_date_problem(v_deadline_in, true));
    v_deadline := cg_internal.date_of(v_deadline_in);
    r := cg_internal.problem_target(a, cg_internal.req_int(p_req, 'id'), true);
    IF r.status IN ('fixed', 'verified') THEN
        PERFORM cg_internal.fail('CG009', 'id', format('problem %s is %s: it needs no plan', r.id, r.status),
                                 'problem.done', jsonb_build_object('id', r.id, 'status', r.status));
    END IF;
    IF v_deadline < r.found_on THEN
        PERFORM cg_internal.check('deadline',
            cg_internal.problem('problem.deadline_before_found', jsonb_build_object('found_on', cg_internal.date_text(r.found_on)),
                                format('before the problem was found (%s)', r.found_on)));
    END IF;
    INSERT INTO problem_plans (problem_id, measures, owner, deadline, set_by)
    VALUES (r.id, v_measures, v_owner, v_deadline, a.name);
    RETURN cg_internal.idem_end(a, p_req,
        (SELECT cg_internal.problem_doc(x) FROM cg_internal.problem_rows x WHERE x.id = r.id));
END
$$;

-- The statuses a problem may move to from p_status.
CREATE FUNCTION cg_internal.problem_next(p_status text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_status
        WHEN 'open' THEN '{in_progress,fixed}'::text[]
        WHEN 'in_progress' THEN '{fixed}'::text[]
        WHEN 'fixed' THEN '{verified,in_progress}'::text[]
        ELSE '{}'::text[]
    END
$$;

-- ProblemUpdate -> Problem: a status move of problem_next; fixed needs a
-- plan unless the problem is quick; supervision only verifies.
CREATE FUNCTION cg_api.problem_update(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'problem.update');
    v_prev jsonb;
    v_status text := lower(cg_internal.clean(p_req ->> 'status'));
    v_note text := cg_internal.clean(p_req ->> 'note');
    r cg_internal.problem_rows;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'problem_update', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('status', cg_internal.one_of_problem(v_status, '{in_progress,fixed,verified}', true));
    PERFORM cg_internal.check('note', cg_internal.text_problem(v_note, 2000, false, true));
    r := cg_internal.problem_target(a, cg_internal.req_int(p_req, 'id'), true);
    IF a.role = 'supervision' AND v_status <> 'verified' THEN
        PERFORM cg_internal.fail('CG007', 'status', 'supervision only verifies problems',
                                 'problem.verify_only', jsonb_build_object('id', r.id));
    END IF;
    IF NOT v_status = ANY (cg_internal.problem_next(r.status)) THEN
        PERFORM cg_internal.fail('CG009', 'status', format('problem %s is %s: it cannot become %s', r.id, r.status,
                                                          v_status),
                                 'problem.transition',
                                 jsonb_build_object('id', r.id, 'from', r.status, 'to', v_status));
    END IF;
    IF v_status = 'fixed' AND NOT r.quick AND r.measures IS NULL THEN
        PERFORM cg_internal.fail('CG009', 'status',
                                 format('problem %s is not quick: it needs a rectification plan first', r.id),
                                 'problem.plan_needed', jsonb_build_object('id', r.id));
    END IF;
    INSERT INTO problem_statuses (problem_id, status, note, set_by) VALUES (r.id, v_status, v_note, a.name);
    RETURN cg_internal.idem_end(a, p_req,
        (SELECT cg_internal.problem_doc(x) FROM cg_internal.problem_rows x WHERE x.id = r.id));
END
$$;

-- ProblemGet -> Problem with its history: added, plans, statuses, by time.
CREATE FUNCTION cg_api.problem_get(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'problem.get');
    r cg_internal.problem_rows;
BEGIN
    r := cg_internal.problem_target(a, cg_internal.req_int(p_req, 'id'), false);
    RETURN cg_internal.problem_doc(r) || jsonb_build_object('history', (
        SELECT jsonb_agg(h.doc ORDER BY h.at, h.n)
        FROM (SELECT r.added_at AS at, 0 AS n,
                     jsonb_build_object('at', cg_internal.instant_text(r.added_at), 'kind', 'added', 'status', 'open',
                                        'account', r.added_by, 'note', r.text) AS doc
              UNION ALL
              SELECT y.set_at, y.id, jsonb_build_object('at', cg_internal.instant_text(y.set_at), 'kind', 'plan',
                                                        'status', '', 'account', y.set_by,
                                                        'note', format('%s；%s；%s', y.measures, y.owner,
                                                                       cg_internal.date_text(y.deadline)))
              FROM problem_plans y WHERE y.problem_id = r.id
              UNION ALL
              SELECT x.set_at, x.id, jsonb_build_object('at', cg_internal.instant_text(x.set_at), 'kind', 'status',
                                                        'status', x.status, 'account', x.set_by, 'note', x.note)
              FROM problem_statuses x WHERE x.problem_id = r.id) h));
END
$$;

-- ProblemList -> ProblemListReply: the problems a may see, newest first,
-- paged by after_id.
CREATE FUNCTION cg_api.problem_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'problem.list');
    v_status text := lower(cg_internal.clean(p_req ->> 'status'));
    v_overdue boolean := coalesce((p_req ->> 'overdue')::boolean, false);
    v_category bigint := cg_internal.req_int(p_req, 'category');
    v_compound bigint := cg_internal.req_int(p_req, 'compound_id');
    v_action bigint := cg_internal.req_int(p_req, 'action_id');
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit integer := cg_internal.page_limit(p_req);
    v_unit text;
    v_rows jsonb;
    v_last bigint;
    v_n integer;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    PERFORM cg_internal.check('status', cg_internal.one_of_problem(v_status, '{open,in_progress,fixed,verified}', false));
    PERFORM cg_internal.check('category', CASE WHEN v_category <> 0 THEN cg_internal.category_problem(p_req -> 'category') END);
    SELECT coalesce(jsonb_agg(cg_internal.problem_doc(x) ORDER BY x.id DESC), '[]'::jsonb), min(x.id), count(*)
    INTO v_rows, v_last, v_n
    FROM (SELECT * FROM cg_internal.problem_rows r
          WHERE cg_internal.can_see_campaign(a, r.unit_code)
            AND (v_unit IS NULL OR r.unit_code = v_unit)
            AND (v_status = '' OR r.status = v_status)
            AND (NOT v_overdue OR r.overdue)
            AND (v_category = 0 OR r.category = v_category)
            AND (v_compound = 0 OR r.compound_id = v_compound)
            AND (v_action = 0 OR r.action_id = v_action)
            AND (v_after = 0 OR r.id < v_after)
          ORDER BY r.id DESC
          LIMIT v_limit) x;
    RETURN jsonb_build_object('problems', v_rows, 'next_after_id', CASE WHEN v_n = v_limit THEN v_last ELSE 0 END);
END
$$;

-- ProblemSummary -> ProblemSummaryReply: counts per unit and category (the
-- problem list of the plan: 分类逐一汇总统计), each unit's total (category
-- 0) after its categories, and the total of all.
CREATE FUNCTION cg_api.problem_summary(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'problem.summary');
    v_action bigint := cg_internal.req_int(p_req, 'action_id');
    v_unit text;
    v_rows jsonb;
    v_total jsonb;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    WITH g AS (
        SELECT r.unit_code, r.category, grouping(r.unit_code) AS g_unit, grouping(r.category) AS g_cat,
               count(*) AS total,
               count(*) FILTER (WHERE r.status = 'open') AS open,
               count(*) FILTER (WHERE r.status = 'in_progress') AS in_progress,
               count(*) FILTER (WHERE r.status = 'fixed') AS fixed,
               count(*) FILTER (WHERE r.status = 'verified') AS verified,
               count(*) FILTER (WHERE r.quick) AS quick,
               count(*) FILTER (WHERE NOT r.quick AND r.measures IS NULL) AS unplanned,
               count(*) FILTER (WHERE r.overdue) AS overdue
        FROM cg_internal.problem_rows r
        WHERE cg_internal.can_see_campaign(a, r.unit_code)
          AND (v_unit IS NULL OR r.unit_code = v_unit)
          AND (v_action = 0 OR r.action_id = v_action)
        GROUP BY GROUPING SETS ((r.unit_code, r.category), (r.unit_code), ())
    ),
    docs AS (
        SELECT g.*, jsonb_build_object(
                   'unit', coalesce(g.unit_code, ''), 'category', coalesce(g.category, 0),
                   'category_name', CASE WHEN g.g_cat = 1 THEN '合计' ELSE cg_internal.category_zh(g.category) END,
                   'total', g.total, 'open', g.open, 'in_progress', g.in_progress, 'fixed', g.fixed,
                   'verified', g.verified, 'quick', g.quick, 'unplanned', g.unplanned, 'overdue', g.overdue) AS doc
        FROM g
    )
    SELECT coalesce(jsonb_agg(d.doc ORDER BY d.unit_code, d.g_cat, d.category) FILTER (WHERE d.g_unit = 0), '[]'::jsonb),
           (SELECT t.doc FROM docs t WHERE t.g_unit = 1)
    INTO v_rows, v_total
    FROM docs d;
    RETURN jsonb_build_object('rows', v_rows,
                              'total', coalesce(v_total, jsonb_build_object(
                                  'unit', '', 'category', 0, 'category_name', '合计', 'total', 0, 'open', 0,
                                  'in_progress', 0, 'fixed', 0, 'verified', 0, 'quick', 0, 'unplanned', 0,
                                  'overdue', 0)));
END
$$;

-- The problem list of unit p_unit over the days p_first to p_last (Beijing
-- time), for the bulletin and the periodic summaries: problems found in the
-- period, problems fixed in it (their first `fixed`), and those found by its
-- last day and not fixed by then.
CREATE FUNCTION cg_internal.unit_problems(p_unit text, p_first date, p_last date,
                                          OUT found integer, OUT fixed integer, OUT open_at_end integer)
LANGUAGE sql STABLE AS $$
    WITH p AS (
        SELECT pr.id, pr.found_on,
               (SELECT min((x.set_at AT TIME ZONE 'Asia/Shanghai')::date) FROM problem_statuses x
                WHERE x.problem_id = pr.id AND x.status = 'fixed') AS fixed_on
        FROM problems pr
        WHERE pr.unit_code = p_unit AND pr.found_on <= p_last
    )
    SELECT count(*) FILTER (WHERE p.found_on >= p_first)::integer,
           count(*) FILTER (WHERE p.fixed_on BETWEEN p_first AND p_last)::integer,
           count(*) FILTER (WHERE p.fixed_on IS NULL OR p.fixed_on > p_last)::integer
    FROM p
$$;

-- ---------------------------------------------------------------------------
-- Concentrated campaigns
-- ---------------------------------------------------------------------------

-- A CampaignAction with its results as a sees them; with the ids of the
-- problems and cases when p_ids.
CREATE FUNCTION cg_internal.action_doc(a accounts, n campaign_actions, p_ids boolean) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    WITH pr AS (
        SELECT r.id, r.status FROM cg_internal.problem_rows r
        WHERE r.action_id = n.id AND cg_internal.can_see_campaign(a, r.unit_code)
    ),
    ks AS (
        SELECT k.id FROM campaign_action_cases l JOIN cases k ON k.id = l.case_id
        WHERE l.action_id = n.id AND cg_internal.can_see_campaign(a, k.unit_code)
    )
    SELECT jsonb_build_object(
        'id', n.id,
        'title', n.title,
        'from', cg_internal.date_text(n.first),
        'to', cg_internal.date_text(n.last),
        'units', (SELECT coalesce(jsonb_agg(u.unit_code ORDER BY u.unit_code), '[]') FROM campaign_action_units u
                  WHERE u.action_id = n.id),
        'compound_ids', (SELECT coalesce(jsonb_agg(k.compound_id ORDER BY k.compound_id), '[]')
                         FROM campaign_action_compounds k WHERE k.action_id = n.id),
        'categories', (SELECT coalesce(jsonb_agg(c.category ORDER BY c.category), '[]')
                       FROM campaign_action_categories c WHERE c.action_id = n.id),
        'note', n.note,
        'created_by', n.created_by,
        'created_at', cg_internal.instant_text(n.created_at),
        'problems_found', (SELECT count(*) FROM pr),
        'problems_fixed', (SELECT count(*) FROM pr WHERE pr.status IN ('fixed', 'verified')),
        'cases_opened', (SELECT count(*) FROM ks),
        'problem_ids', CASE WHEN p_ids THEN (SELECT coalesce(jsonb_agg(pr.id ORDER BY pr.id), '[]') FROM pr)
                            ELSE '[]' END,
        'case_ids', CASE WHEN p_ids THEN (SELECT coalesce(jsonb_agg(ks.id ORDER BY ks.id), '[]') FROM ks)
                         ELSE '[]' END)
$$;

-- The elements of a repeated field of p_obj: CG003 naming it when it is
-- not a list or has more than p_max.
CREATE FUNCTION cg_internal.req_list(p_obj jsonb, p_key text, p_max integer) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    j jsonb := coalesce(p_obj -> p_key, '[]');
BEGIN
    IF jsonb_typeof(j) = 'null' THEN
        RETURN '[]';
    END IF;
    IF jsonb_typeof(j) <> 'array' THEN
        PERFORM cg_internal.fail('CG003', p_key, p_key || ': not a list', 'value.not_one_of',
                                 jsonb_build_object('field', p_key, 'value', left(j::text, 40), 'allowed', 'a list'));
    END IF;
    PERFORM cg_internal.check(p_key, CASE WHEN jsonb_array_length(j) > p_max
        THEN cg_internal.problem('value.too_many', jsonb_build_object('max', p_max, 'got', jsonb_array_length(j)),
                                 format('at most %s (got %s)', p_max, jsonb_array_length(j))) END);
    RETURN j;
END
$$;

-- CampaignActionAdd -> CampaignAction: hq for any units, a unit for its own;
-- the compounds named must be of those units; at least one category.
CREATE FUNCTION cg_api.campaign_action_add(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'campaign.action_add');
    v_prev jsonb;
    o jsonb := CASE WHEN jsonb_typeof(p_req -> 'action') = 'object' THEN p_req -> 'action' ELSE '{}'::jsonb END;
    v_title text := cg_internal.clean(o ->> 'title');
    v_note text := cg_internal.clean(o ->> 'note');
    v_from text := cg_internal.clean(o ->> 'from');
    v_to text := cg_internal.clean(o ->> 'to');
    v_units text[] := '{}';
    v_compounds bigint[] := '{}';
    v_categories integer[] := '{}';
    v_word text;
    v_code text;
    j jsonb;
    cur cg_internal.compound_docs;
    n campaign_actions;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'campaign_action_add', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('title', cg_internal.text_problem(v_title, 200, true, false));
    PERFORM cg_internal.check('note', cg_internal.text_problem(v_note, 2000, false, true));
    PERFORM cg_internal.check('from', cg_internal.any_date_problem(v_from, true));
    PERFORM cg_internal.check('to', cg_internal.any_date_problem(v_to, true));
    PERFORM cg_internal.check('to', CASE WHEN cg_internal.date_of(v_to) < cg_internal.date_of(v_from)
        THEN cg_internal.problem('period.reversed', jsonb_build_object('from', v_from), format('before from (%s)', v_from))
        WHEN cg_internal.date_of(v_to) > cg_internal.date_of(v_from) + interval '1 year'
        THEN cg_internal.problem('period.too_long', jsonb_build_object('years', 1), 'a campaign spans at most 1 year')
        END);
    -- units: codes or Chinese names, a list or comma-separated
    FOR j IN SELECT * FROM jsonb_array_elements(cg_internal.req_list(o, 'units', 20)) LOOP
        FOREACH v_word IN ARRAY regexp_split_to_array(coalesce(j #>> '{}', ''), '[,，、]') LOOP
            v_word := cg_internal.clean(v_word);
            CONTINUE WHEN v_word = '';
            v_code := cg_internal.unit_code_of(v_word);
            IF v_code IS NULL THEN
                PERFORM cg_internal.fail('CG003', 'units', format('units: unknown unit %s', cg_internal.q(v_word)),
                                         'unit.unknown', jsonb_build_object('field', 'units', 'value', left(v_word, 40)));
            END IF;
            IF NOT EXISTS (SELECT 1 FROM districts d WHERE d.unit_code = v_code) THEN
                PERFORM cg_internal.fail('CG003', 'units', format('units: unit %s covers no district', v_code),
                                         'unit.no_district', jsonb_build_object('field', 'units', 'unit', v_code));
            END IF;
            IF NOT cg_internal.can_change(a, v_code) THEN
                PERFORM cg_internal.fail('CG007', 'units', format('unit %s is outside your scope', v_code),
                                         'unit.out_of_scope', jsonb_build_object('unit', v_code));
            END IF;
            IF v_code = ANY (v_units) THEN
                PERFORM cg_internal.check('units', cg_internal.problem('value.twice', jsonb_build_object('value', v_code),
                                                                       format('%s is given twice', v_code)));
            END IF;
            v_units := v_units || v_code;
        END LOOP;
    END LOOP;
    PERFORM cg_internal.check('units', CASE WHEN cardinality(v_units) = 0 THEN cg_internal.missing()
                                            WHEN cardinality(v_units) > 20 THEN
        cg_internal.problem('value.too_many', jsonb_build_object('max', 20, 'got', cardinality(v_units)),
                            format('at most 20 (got %s)', cardinality(v_units))) END);
    FOR j IN SELECT * FROM jsonb_array_elements(cg_internal.req_list(o, 'categories', 10)) LOOP
        PERFORM cg_internal.check('categories', cg_internal.category_problem(j));
        IF cg_internal.json_num(j)::integer = ANY (v_categories) THEN
            PERFORM cg_internal.check('categories', cg_internal.problem('value.twice', jsonb_build_object('value', j #>> '{}'),
                                                                        format('%s is given twice', j #>> '{}')));
        END IF;
        v_categories := v_categories || cg_internal.json_num(j)::integer;
    END LOOP;
    PERFORM cg_internal.check('categories', CASE WHEN cardinality(v_categories) = 0 THEN cg_internal.missing() END);
    FOR j IN SELECT * FROM jsonb_array_elements(cg_internal.req_list(o, 'compound_ids', 500)) LOOP
        cur := cg_internal.compound_target(a, cg_internal.req_int(jsonb_build_object('compound_ids', j), 'compound_ids'),
                                           'compound_ids', 'see');
        IF NOT cur.unit_code = ANY (v_units) THEN
            PERFORM cg_internal.fail('CG003', 'compound_ids',
                                     format('compound_ids: compound %s is not of the campaign''s units', cur.id),
                                     'campaign.compound_unit', jsonb_build_object('field', 'compound_ids', 'compound', cur.id,
                                                                                  'unit', cur.unit_code));
        END IF;
        IF cur.id = ANY (v_compounds) THEN
            PERFORM cg_internal.check('compound_ids', cg_internal.problem('value.twice', jsonb_build_object('value', cur.id::text),
                                                                          format('%s is given twice', cur.id)));
        END IF;
        v_compounds := v_compounds || cur.id;
    END LOOP;
    INSERT INTO campaign_actions (title, first, last, note, created_by)
    VALUES (v_title, cg_internal.date_of(v_from), cg_internal.date_of(v_to), v_note, a.name)
    RETURNING * INTO n;
    INSERT INTO campaign_action_units (action_id, unit_code) SELECT n.id, u FROM unnest(v_units) u;
    INSERT INTO campaign_action_compounds (action_id, compound_id) SELECT n.id, k FROM unnest(v_compounds) k;
    INSERT INTO campaign_action_categories (action_id, category) SELECT n.id, c FROM unnest(v_categories) c;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.action_doc(a, n, true));
END
$$;

-- CampaignActionLink -> CampaignAction: cases opened in the campaign: of
-- its units and compounds, registered in its period, by hq or the case's
-- unit. A case linked before stays linked once.
CREATE FUNCTION cg_api.campaign_action_link(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'campaign.action_link');
    v_prev jsonb;
    v_id bigint := cg_internal.req_int(p_req, 'id');
    v_ids jsonb;
    v_day date;
    j jsonb;
    n campaign_actions;
    k cases;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'campaign_action_link', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('id', CASE WHEN v_id = 0 THEN cg_internal.missing() END);
    v_ids := cg_internal.req_list(p_req, 'case_ids', 100);
    PERFORM cg_internal.check('case_ids', CASE WHEN jsonb_array_length(v_ids) = 0 THEN cg_internal.missing() END);
    n := cg_internal.action_target(a, v_id, 'id');
    FOR j IN SELECT * FROM jsonb_array_elements(v_ids) LOOP
        k := cg_internal.case_target(a, cg_internal.req_int(jsonb_build_object('case_ids', j), 'case_ids'), 'see');
        IF NOT cg_internal.can_change(a, k.unit_code) THEN
            PERFORM cg_internal.fail('CG007', 'case_ids', format('case %s may not be handled by you', k.id),
                                     'case.not_yours', jsonb_build_object('id', k.id));
        END IF;
        v_day := (k.registered_at AT TIME ZONE 'Asia/Shanghai')::date;
        IF NOT cg_internal.action_covers(n, k.unit_code, k.compound_id) OR v_day NOT BETWEEN n.first AND n.last THEN
            PERFORM cg_internal.fail('CG009', 'case_ids',
                                     format('case %s (compound %s, registered %s) is outside campaign %s (%s to %s)',
                                            k.id, k.compound_id, v_day, n.id, n.first, n.last),
                                     'campaign.case_outside',
                                     jsonb_build_object('case', k.id, 'id', n.id, 'from', cg_internal.date_text(n.first),
                                                        'to', cg_internal.date_text(n.last)));
        END IF;
        INSERT INTO campaign_action_cases (action_id, case_id, linked_by) VALUES (n.id, k.id, a.name)
        ON CONFLICT DO NOTHING;
    END LOOP;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.action_doc(a, n, true));
END
$$;

-- CampaignActionGet -> CampaignAction with the ids of its problems and cases.
CREATE FUNCTION cg_api.campaign_action_get(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'campaign.action_get');
    v_id bigint := cg_internal.req_int(p_req, 'id');
BEGIN
    PERFORM cg_internal.check('id', CASE WHEN v_id = 0 THEN cg_internal.missing() END);
    RETURN cg_internal.action_doc(a, cg_internal.action_target(a, v_id, 'id'), true);
END
$$;

-- CampaignActionList -> CampaignActionListReply: the campaigns of the units
-- a sees, newest first, paged by after_id.
CREATE FUNCTION cg_api.campaign_action_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'campaign.action_list');
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit integer := cg_internal.page_limit(p_req);
    v_unit text;
    v_rows jsonb;
    v_last bigint;
    v_n integer;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    SELECT coalesce(jsonb_agg(cg_internal.action_doc(a, x, false) ORDER BY x.id DESC), '[]'::jsonb), min(x.id), count(*)
    INTO v_rows, v_last, v_n
    FROM (SELECT * FROM campaign_actions n
          WHERE EXISTS (SELECT 1 FROM campaign_action_units u
                        WHERE u.action_id = n.id AND cg_internal.can_see_campaign(a, u.unit_code)
                          AND (v_unit IS NULL OR u.unit_code = v_unit))
            AND (v_after = 0 OR n.id < v_after)
          ORDER BY n.id DESC
          LIMIT v_limit) x;
    RETURN jsonb_build_object('actions', v_rows, 'next_after_id', CASE WHEN v_n = v_limit THEN v_last ELSE 0 END);
END
$$;

-- ---------------------------------------------------------------------------
-- The programme: phases and targets
-- ---------------------------------------------------------------------------

-- A target's measure for unit p_unit (NULL: the city) on day p_day: what it
-- counts and, for a share, of how many (else 0). Compounds count while open
-- on the day. ledger_share and demo have no date of their own in the ledger:
-- they count today's record.
CREATE FUNCTION cg_internal.target_figure(p_measure text, p_unit text, p_first date, p_day date,
                                          OUT counted integer, OUT total integer)
LANGUAGE sql STABLE AS $$
    WITH c AS (
        SELECT x.id, x.entered_on, x.board_installed_on, x.demo FROM compounds x
        JOIN districts d ON d.code = x.district_code
        WHERE (p_unit IS NULL OR d.unit_code = p_unit)
          AND CASE WHEN p_measure IN ('ledger_share', 'demo') THEN x.closed_on IS NULL
                   ELSE x.closed_on IS NULL OR x.closed_on > p_day END
    )
    SELECT CASE p_measure
               WHEN 'entered' THEN (SELECT count(*) FROM c WHERE c.entered_on <= p_day)
               WHEN 'entered_share' THEN (SELECT count(*) FROM c WHERE c.entered_on <= p_day)
               WHEN 'board_share' THEN (SELECT count(*) FROM c JOIN cg_internal.compound_docs k ON k.id = c.id
                                        WHERE NOT k.board_missing AND c.board_installed_on <= p_day)
               WHEN 'ledger_share' THEN (SELECT count(*) FROM c JOIN cg_internal.compound_docs k ON k.id = c.id
                                         WHERE k.complete)
               WHEN 'demo' THEN (SELECT count(*) FROM c WHERE c.demo)
               WHEN 'illegal_construction' THEN
                   (SELECT count(*) FROM cases k
                    WHERE k.illegal_construction AND (p_unit IS NULL OR k.unit_code = p_unit)
                      AND (k.registered_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN p_first AND p_day)
           END::integer,
           CASE WHEN p_measure LIKE '%\_share' THEN (SELECT count(*) FROM c) ELSE 0 END::integer
$$;

-- The goal of target t as people read it: "≥ 10", "100%", "4–5", "0".
CREATE FUNCTION cg_internal.target_goal(t programme_targets) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN t.measure LIKE '%\_share' THEN round(t.goal_min * 100)::text || '%'
        WHEN t.goal_min IS NOT NULL AND t.goal_max IS NOT NULL THEN t.goal_min::integer || '–' || t.goal_max::integer
        WHEN t.goal_min IS NOT NULL THEN '≥ ' || t.goal_min::integer
        ELSE t.goal_max::integer::text
    END
$$;

-- Where target t stood on day p_as_of: a target whose due day has passed is
-- judged, and shown, on its due day. At least goal_min: met once reached,
-- in progress until due, not met after. At most goal_max: not met once
-- exceeded, in progress until due, met after.
CREATE FUNCTION cg_internal.target_doc(t programme_targets, p_as_of date) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_day date := least(p_as_of, t.due);
    f record;
    v_figure float8;
    v_status text;
BEGIN
    SELECT * INTO f FROM cg_internal.target_figure(t.measure, t.unit_code, t.first, v_day);
    v_figure := CASE WHEN t.measure LIKE '%\_share' THEN CASE WHEN f.total = 0 THEN 0 ELSE f.counted::float8 / f.total END
                     ELSE f.counted END;
    v_status := CASE
        WHEN t.goal_min IS NOT NULL THEN
            CASE WHEN (t.measure LIKE '%\_share' AND f.total > 0 AND f.counted >= t.goal_min * f.total)
                      OR (t.measure NOT LIKE '%\_share' AND f.counted >= t.goal_min) THEN 'met'
                 WHEN p_as_of < t.due THEN 'in_progress' ELSE 'not_met' END
        ELSE CASE WHEN f.counted > t.goal_max THEN 'not_met' WHEN p_as_of < t.due THEN 'in_progress' ELSE 'met' END
    END;
    RETURN jsonb_build_object(
        'code', t.code,
        'name', t.name_zh,
        'phase', t.phase,
        'unit', coalesce(t.unit_code, ''),
        'measure', t.measure,
        'due', cg_internal.date_text(t.due),
        'goal', cg_internal.target_goal(t),
        'figure', v_figure,
        'figure_text', CASE WHEN t.measure LIKE '%\_share' THEN format('%s%% (%s/%s)', round((v_figure * 100)::numeric, 1),
                                                                     f.counted, f.total)
                            ELSE f.counted::text END,
        'counted', f.counted,
        'of', f.total,
        'status', v_status,
        'current_record', t.measure IN ('ledger_share', 'demo'));
END
$$;

-- The phase of day p_day, NULL before the programme.
CREATE FUNCTION cg_internal.phase_of(p_day date) RETURNS programme_phases
LANGUAGE sql STABLE AS $$
    SELECT * FROM programme_phases ph
    WHERE p_day >= ph.first AND (ph.last IS NULL OR p_day <= ph.last)
$$;

-- CampaignStatus -> CampaignStatusReply: the phases, the targets a sees
-- (the city's and its unit's) on the day, the publicity recorded by then,
-- and the rectification phase: problems and campaigns in a's scope.
CREATE FUNCTION cg_api.campaign_status(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'campaign.status');
    v_in text := cg_internal.clean(p_req ->> 'as_of');
    v_day date;
BEGIN
    PERFORM cg_internal.check('as_of', cg_internal.date_problem(v_in, false));
    v_day := CASE WHEN v_in = '' THEN cg_internal.today() ELSE cg_internal.date_of(v_in) END;
    RETURN (SELECT jsonb_build_object(
        'as_of', cg_internal.date_text(v_day),
        'phase', coalesce((cg_internal.phase_of(v_day)).code, ''),
        'phases', (SELECT jsonb_agg(jsonb_build_object(
                              'code', ph.code, 'name', ph.name_zh, 'from', cg_internal.date_text(ph.first),
                              'to', cg_internal.date_text(ph.last),
                              'current', v_day >= ph.first AND (ph.last IS NULL OR v_day <= ph.last))
                          ORDER BY ph.seq)
                   FROM programme_phases ph),
        'targets', (SELECT coalesce(jsonb_agg(cg_internal.target_doc(t, v_day) ORDER BY t.seq), '[]')
                    FROM programme_targets t
                    WHERE t.unit_code IS NULL OR cg_internal.can_see_campaign(a, t.unit_code)),
        'publicity_records', (SELECT count(*) FROM cg_internal.publicity_docs p
                              WHERE p.date <= v_day AND cg_internal.can_see(a, p.unit_code, p.property_account)),
        'publicity_outside_phase', (SELECT count(*) FROM cg_internal.publicity_docs p
                                    WHERE p.date <= v_day AND p.outside_phase
                                      AND cg_internal.can_see(a, p.unit_code, p.property_account)),
        'problems_found', coalesce(sum((f).found), 0),
        'problems_fixed', coalesce(sum((f).fixed), 0),
        'problems_open', coalesce(sum((f).open_at_end), 0),
        'campaigns', (SELECT count(*) FROM campaign_actions n
                      WHERE n.first <= v_day
                        AND EXISTS (SELECT 1 FROM campaign_action_units u
                                    WHERE u.action_id = n.id AND cg_internal.can_see_campaign(a, u.unit_code))))
    FROM (SELECT cg_internal.unit_problems(d.unit_code, ph.first, v_day) AS f
          FROM districts d, (SELECT min(first) AS first FROM programme_phases) ph
          WHERE cg_internal.can_see_campaign(a, d.unit_code)) x);
END
$$;

-- CampaignEntries -> CampaignEntriesReply: per month (or ISO week) from
-- `from` (default: the programme's start) to `to` (default: today, or 5
-- years after `from` when that comes first), for each district unit a sees and (for the bureau, without
-- a unit filter) the city: compounds entered in the period and by its last
-- day, compounds open then, the share, and an entry target due in the period
-- with whether it was met on its due day.
CREATE FUNCTION cg_api.campaign_entries(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'campaign.entries');
    v_by text := lower(cg_internal.clean(p_req ->> 'by'));
    v_from text := cg_internal.clean(p_req ->> 'from');
    v_to text := cg_internal.clean(p_req ->> 'to');
    v_unit text;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    PERFORM cg_internal.check('by', cg_internal.one_of_problem(v_by, '{month,week}', false));
    v_by := coalesce(nullif(v_by, ''), 'month');
    v_from := coalesce(nullif(v_from, ''), (SELECT cg_internal.date_text(min(ph.first)) FROM programme_phases ph));
    PERFORM cg_internal.check('from', cg_internal.date_problem(v_from, true));
    -- by default up to today, but never more than the longest period
    v_to := coalesce(nullif(v_to, ''), cg_internal.date_text(
        least(cg_internal.today(), (cg_internal.date_of(v_from) + interval '5 years')::date)));
    PERFORM cg_internal.check_period(v_from, v_to);
    RETURN jsonb_build_object('rows', (
        WITH periods AS (
            SELECT greatest(s::date, cg_internal.date_of(v_from)) AS first,
                   least((s + ('1 ' || v_by)::interval - interval '1 day')::date, cg_internal.date_of(v_to)) AS last,
                   CASE v_by WHEN 'month' THEN to_char(s, 'YYYY-MM') ELSE to_char(s, 'IYYY-"W"IW') END AS label
            FROM generate_series(date_trunc(v_by, cg_internal.date_of(v_from)::timestamp),
                                 cg_internal.date_of(v_to)::timestamp, ('1 ' || v_by)::interval) s
        ),
        -- each period with each compound open on its last day: one pass
        counts AS (
            SELECT p.first, p.last, p.label, d.unit_code AS unit, grouping(d.unit_code) AS city,
                   count(x.id)::integer AS total,
                   (count(x.id) FILTER (WHERE x.entered_on <= p.last))::integer AS counted,
                   (count(x.id) FILTER (WHERE x.entered_on BETWEEN p.first AND p.last))::integer AS entered
            FROM periods p
            CROSS JOIN districts d
            LEFT JOIN compounds x ON x.district_code = d.code AND (x.closed_on IS NULL OR x.closed_on > p.last)
            WHERE cg_internal.can_see_campaign(a, d.unit_code) AND (v_unit IS NULL OR d.unit_code = v_unit)
            GROUP BY GROUPING SETS ((p.first, p.last, p.label, d.unit_code), (p.first, p.last, p.label))
        ),
        cells AS (
            SELECT k.*, CASE WHEN k.city = 1 THEN 2 ELSE 1 END AS o,
                   (SELECT t FROM programme_targets t
                    WHERE t.measure IN ('entered', 'entered_share')
                      AND t.unit_code IS NOT DISTINCT FROM CASE WHEN k.city = 1 THEN NULL ELSE k.unit END
                      AND t.due BETWEEN k.first AND k.last
                    ORDER BY t.due, t.seq LIMIT 1) AS t
            FROM counts k
            -- the city only for the bureau, without a unit filter
            WHERE k.city = 0 OR (v_unit IS NULL AND NOT cg_internal.unit_member(a))
        )
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                   'period', c.label,
                   'last_day', cg_internal.date_text(c.last),
                   'unit', coalesce(c.unit, ''),
                   'entered', c.entered,
                   'entered_total', c.counted,
                   'compounds', c.total,
                   'share', CASE WHEN c.total = 0 THEN 0 ELSE c.counted::float8 / c.total END,
                   'target', CASE WHEN (c.t).code IS NULL THEN 0
                                  WHEN (c.t).measure = 'entered' THEN (c.t).goal_min::integer
                                  ELSE ceil((c.t).goal_min * (cg_internal.target_figure((c.t).measure, (c.t).unit_code,
                                                              (c.t).first, (c.t).due)).total)::integer END,
                   'target_due', cg_internal.date_text((c.t).due),
                   'status', CASE WHEN (c.t).code IS NULL THEN ''
                                  ELSE cg_internal.target_doc(c.t, (c.t).due) ->> 'status' END)
               ORDER BY c.first, c.o, c.unit), '[]'::jsonb)
        FROM cells c));
END
$$;
