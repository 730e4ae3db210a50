-- Step 5: enforcement cases (行政处罚案件). The contract is
-- proto/chengguan/v1/cases.proto; the tables are sql/0011_cases.sql, the
-- conventions core.sql. (Named step5_cases.sql so that it sorts after
-- core.sql, ledger.sql and reports.sql: its views and SQL functions use
-- theirs at create time.)
--
-- The workflow, the one source of which move may follow which:
--   registered    -> investigating, rejected (a reason), transferred (a department)
--   investigating -> decided (the penalty), transferred
--   decided       -> rectifying
--   rectifying    -> verified (only by CaseVerify: a passed verification;
--                    a failed one stays in rectifying and counts as rework)
--   verified      -> closed
--   closed        -> rectifying (only by CaseReopen, within 90 days: rework)
-- Every step has a time it happened (`at`: now, or earlier for paper records;
-- never in the future, never before the step before it), kept beside the
-- time it was recorded; every figure uses `at`.

CREATE OR REPLACE FUNCTION cg_internal.cases_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.compound_id, NEW.unit_code, NEW.category, NEW.illegal_construction, NEW.source, NEW.finding_id,
        NEW.report_id, NEW.request_id, NEW.summary, NEW.location, NEW.party, NEW.filer_account, NEW.opened_by,
        NEW.registered_at, NEW.source_at)
       IS DISTINCT FROM
       (OLD.id, OLD.compound_id, OLD.unit_code, OLD.category, OLD.illegal_construction, OLD.source, OLD.finding_id,
        OLD.report_id, OLD.request_id, OLD.summary, OLD.location, OLD.party, OLD.filer_account, OLD.opened_by,
        OLD.registered_at, OLD.source_at)
       OR (OLD.registration_due IS NOT NULL AND NEW.registration_due IS DISTINCT FROM OLD.registration_due)
       OR NEW.rework < OLD.rework
       OR NEW.reminders < OLD.reminders
       -- the limits are set once, and the escalation (step5_case_escalation.sql)
       -- only moves forward, but for a reopening (case_step), which starts both
       -- again
       OR (NOT (OLD.state = 'closed' AND NEW.state = 'rectifying' AND NEW.version = OLD.version + 1)
           AND ((OLD.closing_due IS NOT NULL AND NEW.closing_due IS DISTINCT FROM OLD.closing_due)
                OR (OLD.overdue_at IS NOT NULL AND NEW.overdue_at IS DISTINCT FROM OLD.overdue_at)
                OR (OLD.escalated_2_at IS NOT NULL AND NEW.escalated_2_at IS DISTINCT FROM OLD.escalated_2_at)))
       -- a step adds one version; the changes that are not steps fill in the
       -- limits that waited for a calendar year (case_fill_limits) or are the
       -- escalation's
       OR NOT (NEW.version = OLD.version + 1
               OR (NEW.version = OLD.version
                   AND (OLD.closing_due IS NULL OR NEW.closing_due IS NOT DISTINCT FROM OLD.closing_due)
                   AND (NEW.state, NEW.state_at, NEW.rework, NEW.rectify_due)
                       IS NOT DISTINCT FROM (OLD.state, OLD.state_at, OLD.rework, OLD.rectify_due))) THEN
        RAISE EXCEPTION 'UPDATE on cases refused: what was opened never changes, and each step adds one version (case %)',
            OLD.id;
    END IF;
    RETURN NEW;
END
$$;

-- The states a case in p_state may move to with CaseMove.
CREATE FUNCTION cg_internal.case_next_states(p_state text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_state
        WHEN 'registered' THEN ARRAY['investigating', 'rejected', 'transferred']
        WHEN 'investigating' THEN ARRAY['decided', 'transferred']
        WHEN 'decided' THEN ARRAY['rectifying']
        WHEN 'rectifying' THEN ARRAY['verified']
        WHEN 'verified' THEN ARRAY['closed']
        ELSE '{}'::text[]
    END
$$;

CREATE FUNCTION cg_internal.case_state_zh(p_state text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_state WHEN 'registered' THEN '立案' WHEN 'investigating' THEN '调查取证'
                        WHEN 'decided' THEN '处罚决定' WHEN 'rectifying' THEN '限期整改'
                        WHEN 'verified' THEN '核查' WHEN 'closed' THEN '结案'
                        WHEN 'rejected' THEN '不予立案' WHEN 'transferred' THEN '移送' END
$$;

-- The last day of time limit p_kind ('registration', 'closing') of a case
-- of p_category counted from p_from: the limit in force, from the Beijing
-- date of p_from (time_limit_due, calendar.sql); NULL when that needs a year
-- the holiday calendar does not have yet (case_fill_limits fills it in).
CREATE FUNCTION cg_internal.case_limit_due(p_category integer, p_kind text, p_from timestamptz) RETURNS date
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN cg_internal.time_limit_due(p_category, p_kind, (p_from AT TIME ZONE 'Asia/Shanghai')::date);
EXCEPTION WHEN SQLSTATE 'CG009' THEN  -- calendar.year_missing, the only CG009 of time_limit_due
    RETURN NULL;
END
$$;

-- Fills in the limits that waited for a calendar year (called when a year
-- is entered); those that still need a missing year stay NULL.
CREATE FUNCTION cg_internal.case_fill_limits() RETURNS void
LANGUAGE sql AS $$
    UPDATE cases
    SET closing_due = coalesce(closing_due, cg_internal.case_limit_due(category, 'closing', registered_at)),
        registration_due = coalesce(registration_due, cg_internal.case_limit_due(category, 'registration', source_at))
    WHERE (closing_due IS NULL AND cg_internal.case_limit_due(category, 'closing', registered_at) IS NOT NULL)
       OR (registration_due IS NULL AND cg_internal.case_limit_due(category, 'registration', source_at) IS NOT NULL)
$$;

-- Overdue: open past its closing limit, or past its rectification deadline
-- while the rectification runs (decided or rectifying).
CREATE FUNCTION cg_internal.case_overdue(k cases) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT (k.state NOT IN ('closed', 'rejected', 'transferred') AND k.closing_due < cg_internal.today())
           OR (k.state IN ('decided', 'rectifying') AND k.rectify_due < cg_internal.today())
$$;

-- ---------------------------------------------------------------------------
-- Rendering: case_docs is the only place a Case is rendered (timeline empty:
-- case_get fills it in). The decision shown is the latest one.
-- ---------------------------------------------------------------------------

CREATE VIEW cg_internal.case_docs AS
SELECT k.id, k.unit_code, k.compound_id, k.category, k.source, k.state, k.filer_account, k.registered_at,
       k.illegal_construction, s.overdue,
       jsonb_build_object(
           'id', k.id,
           'compound_id', k.compound_id,
           'compound_name', c.name,
           'unit', k.unit_code,
           'category', k.category,
           'category_name', v.name_zh,
           'illegal_construction', k.illegal_construction,
           'source', k.source,
           'finding_id', coalesce(k.finding_id, 0),
           'report_id', coalesce(k.report_id, 0),
           'request_id', coalesce(k.request_id, 0),
           'summary', k.summary,
           'location', k.location,
           'party', k.party,
           'state', k.state,
           'version', k.version,
           'registered_at', cg_internal.instant_text(k.registered_at),
           'opened_by', k.opened_by,
           'state_at', cg_internal.instant_text(k.state_at),
           'penalty', to_jsonb(coalesce(d.penalty, '{}'::text[])),
           'fine_yuan', coalesce(d.fine_yuan::text, ''),
           'deadline', cg_internal.date_text(k.rectify_due),
           'closing_due', cg_internal.date_text(k.closing_due),
           'source_at', cg_internal.instant_text(k.source_at),
           'registration_due', cg_internal.date_text(k.registration_due),
           'registered_late', coalesce((k.registered_at AT TIME ZONE 'Asia/Shanghai')::date > k.registration_due, false),
           'department', coalesce(tr.department, ''),
           'reason', coalesce(rj.note, ''),
           'rework', k.rework,
           'closed_at', CASE WHEN k.state = 'closed' THEN cg_internal.instant_text(k.state_at) ELSE '' END,
           'overdue', s.overdue,
           'timeline', '[]'::jsonb,
           'next_states', array_to_string(cg_internal.case_next_states(k.state), ',')
       ) AS doc
FROM cases k
JOIN compounds c ON c.id = k.compound_id
JOIN violation_categories v ON v.code = k.category
LEFT JOIN LATERAL (SELECT t.penalty, t.fine_yuan FROM case_timeline t
                   WHERE t.case_id = k.id AND t.to_state = 'decided' AND t.kind = 'moved'
                   ORDER BY t.id DESC LIMIT 1) d ON true
LEFT JOIN LATERAL (SELECT t.department FROM case_timeline t
                   WHERE t.case_id = k.id AND t.to_state = 'transferred' ORDER BY t.id DESC LIMIT 1) tr ON true
LEFT JOIN LATERAL (SELECT t.note FROM case_timeline t
                   WHERE t.case_id = k.id AND t.to_state = 'rejected' ORDER BY t.id DESC LIMIT 1) rj ON true
CROSS JOIN LATERAL (SELECT cg_internal.case_overdue(k) AS overdue) s;

-- The timeline of a case as CaseEntry objects, in order: its steps, its
-- attachments (sql/0014_evidence.sql) and its escalations
-- (sql/0023_case_escalation_steps.sql), by when each was recorded.
CREATE FUNCTION cg_internal.case_timeline_doc(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(e.doc ORDER BY e.recorded_at, e.seq), '[]'::jsonb)
    FROM (
        SELECT t.recorded_at, t.id AS seq, jsonb_build_object(
               'version', t.version,
               'kind', t.kind,
               'from_state', t.from_state,
               'to_state', t.to_state,
               'at', cg_internal.instant_text(t.at),
               'recorded_at', cg_internal.instant_text(t.recorded_at),
               'account', t.account,
               'note', t.note,
               'penalty', to_jsonb(t.penalty),
               'fine_yuan', coalesce(t.fine_yuan::text, ''),
               'deadline', cg_internal.date_text(t.deadline),
               'department', t.department,
               'passed', coalesce(t.passed, false),
               'officer_id', coalesce(t.officer_id, 0),
               'officer_name', coalesce(o.name, '')) AS doc
        FROM case_timeline t
        LEFT JOIN officers o ON o.id = t.officer_id
        WHERE t.case_id = p_id
        UNION ALL
        SELECT x.attached_at, x.number, jsonb_build_object(
               'version', x.case_version,
               'kind', 'attached',
               'at', cg_internal.instant_text(x.attached_at),
               'recorded_at', cg_internal.instant_text(x.attached_at),
               'account', u.account,
               'note', u.note,
               'attachment', x.number,
               'attachment_name', u.name,
               'media_type', u.media_type,
               'size', u.size)
        FROM case_attachments x
        JOIN case_uploads u ON u.id = x.upload_id
        WHERE x.case_id = p_id
        UNION ALL
        SELECT x.at, x.id, jsonb_build_object(
               'version', coalesce((SELECT max(t.version) FROM case_timeline t
                                    WHERE t.case_id = x.case_id AND t.recorded_at <= x.at), 1),
               'kind', x.kind,
               'level', x.level,
               'at', cg_internal.instant_text(x.at),
               'recorded_at', cg_internal.instant_text(x.at),
               'account', '',
               'deadline', cg_internal.date_text(x.due),
               'note', cg_internal.case_escalation_text(  -- step5_case_escalation.sql
                           x, (count(*) FILTER (WHERE x.kind = 'reminder') OVER (ORDER BY x.id))::integer))
        FROM case_escalations x
        WHERE x.case_id = p_id
    ) e
$$;

-- May a see the case? hq, supervision and sections: all; a unit, its
-- officers and its leaders: its own unit's; a property company or the
-- hotline: the cases that came from its own reports or requests (their state
-- only: case_doc_for).
CREATE FUNCTION cg_internal.can_see_case(a accounts, p_unit text, p_filer text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(a.role IN ('hq', 'supervision', 'section')
                    OR (cg_internal.unit_member(a) AND a.unit_code = p_unit)
                    OR (a.role IN ('property', 'integration') AND a.name = p_filer), false)
$$;

-- May a open and move cases of unit p_unit? hq, and the unit and its
-- officers (their leaders read them; the ledger stays the unit's:
-- can_change).
CREATE FUNCTION cg_internal.can_handle_case(a accounts, p_unit text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(a.role = 'hq' OR (a.role IN ('unit', 'officer') AND a.unit_code = p_unit), false)
$$;

-- A case as a's reply: whole for the bureau and the unit; for a property
-- company or the hotline only what it must tell the citizen: which case,
-- where, what kind, and where it stands.
CREATE FUNCTION cg_internal.case_doc_for(a accounts, p_doc jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN a.role IN ('property', 'integration')
        THEN (SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(p_doc) e
              WHERE e.key IN ('id', 'compound_id', 'compound_name', 'unit', 'category', 'category_name', 'source',
                              'report_id', 'request_id', 'state', 'registered_at', 'state_at', 'closed_at'))
        ELSE p_doc END
$$;

-- The case p_id for a request by a: CG003 when p_id is 0, CG005 when there is
-- none or a may not see it, CG007 when a may not handle it (p_mode 'handle':
-- its unit or hq; the row is locked first, so two moves at once are one
-- after the other), CG009 when p_expected (not 0) is not its version.
CREATE FUNCTION cg_internal.case_target(a accounts, p_id bigint, p_mode text, p_expected bigint DEFAULT 0)
RETURNS cases
LANGUAGE plpgsql AS $$
DECLARE
    k cases;
BEGIN
    IF p_id = 0 THEN
        PERFORM cg_internal.check('id', cg_internal.missing());
    END IF;
    IF p_mode = 'handle' THEN
        SELECT * INTO k FROM cases WHERE id = p_id FOR UPDATE;
    ELSE
        SELECT * INTO k FROM cases WHERE id = p_id;
    END IF;
    IF NOT FOUND OR NOT cg_internal.can_see_case(a, k.unit_code, k.filer_account) THEN
        PERFORM cg_internal.fail('CG005', 'id', format('case %s not found', p_id),
                                 'case.not_found', jsonb_build_object('id', p_id));
    END IF;
    IF p_mode = 'handle' AND NOT cg_internal.can_handle_case(a, k.unit_code) THEN
        PERFORM cg_internal.fail('CG007', 'id', format('case %s may not be handled by you', p_id),
                                 'case.not_yours', jsonb_build_object('id', p_id));
    END IF;
    IF p_expected <> 0 AND p_expected <> k.version THEN
        PERFORM cg_internal.fail('CG009', 'expected_version',
                                 format('case %s is at version %s, not %s: someone changed it meanwhile; look again',
                                        p_id, k.version, p_expected),
                                 'case.version_changed',
                                 jsonb_build_object('id', p_id, 'version', k.version, 'expected', p_expected));
    END IF;
    RETURN k;
END
$$;

-- When a step happened: now when v is empty, else the instant v, which may
-- not lie in the future nor before p_after (the step before). CG003 on p_field.
CREATE FUNCTION cg_internal.case_at(p_field text, v text, p_after timestamptz) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    t timestamptz;
BEGIN
    IF v = '' THEN
        t := now();
    ELSE
        PERFORM cg_internal.check(p_field, cg_internal.instant_problem(v, false));
        t := cg_internal.instant_of(v);
    END IF;
    IF t > now() THEN
        PERFORM cg_internal.fail('CG003', p_field, format('%s: %s is in the future', p_field, cg_internal.instant_text(t)),
                                 'case.at_in_future',
                                 jsonb_build_object('field', p_field, 'at', cg_internal.instant_text(t),
                                                    'now', cg_internal.instant_text(now())));
    END IF;
    IF t < p_after THEN
        PERFORM cg_internal.fail('CG003', p_field,
                                 format('%s: %s is before the previous step (%s)', p_field,
                                        cg_internal.instant_text(t), cg_internal.instant_text(p_after)),
                                 'case.at_before_previous',
                                 jsonb_build_object('field', p_field, 'at', cg_internal.instant_text(t),
                                                    'previous', cg_internal.instant_text(p_after)));
    END IF;
    RETURN t;
END
$$;

-- The one way a case changes after it was opened: the row moves to
-- p_to at p_at (version + 1, rework + p_rework) and the step is appended.
-- A reopening (p_kind 'reopened') is rectified again: by its new deadline,
-- and closed within its category's closing limit counted from the
-- reopening; its escalation ladder starts again (the steps so far stay in
-- case_escalations).
CREATE FUNCTION cg_internal.case_step(a accounts, k cases, p_kind text, p_to text, p_at timestamptz, p_note text,
                                      p_rework boolean, p_extra jsonb DEFAULT '{}') RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_reopen boolean := p_kind = 'reopened';
BEGIN
    UPDATE cases SET state = p_to, state_at = p_at, version = version + 1,
                     rework = rework + CASE WHEN p_rework THEN 1 ELSE 0 END,
                     rectify_due = coalesce((p_extra ->> 'deadline')::date, rectify_due),
                     closing_due = CASE WHEN v_reopen THEN cg_internal.case_limit_due(category, 'closing', p_at)
                                        ELSE closing_due END,
                     overdue_at = CASE WHEN v_reopen THEN NULL ELSE overdue_at END,
                     escalated_2_at = CASE WHEN v_reopen THEN NULL ELSE escalated_2_at END,
                     next_remind_at = CASE WHEN v_reopen THEN NULL ELSE next_remind_at END
    WHERE id = k.id;
    INSERT INTO case_timeline (case_id, version, kind, from_state, to_state, at, account, note, penalty, fine_yuan,
                               deadline, department, passed, officer_id, rework)
    VALUES (k.id, k.version + 1, p_kind, k.state, p_to, p_at, a.name, p_note,
            coalesce(ARRAY(SELECT jsonb_array_elements_text(p_extra -> 'penalty')), '{}'),
            (p_extra ->> 'fine_yuan')::numeric, (p_extra ->> 'deadline')::date, coalesce(p_extra ->> 'department', ''),
            (p_extra ->> 'passed')::boolean, (p_extra ->> 'officer_id')::bigint, p_rework);
    PERFORM cg_internal.emit_case_event('case.moved', k.id);  -- step5_hotline.sql
    RETURN (SELECT d.doc FROM cg_internal.case_docs d WHERE d.id = k.id);
END
$$;

-- The last step's time: no step may be dated before it.
CREATE FUNCTION cg_internal.case_last_at(p_id bigint) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT max(t.at) FROM case_timeline t WHERE t.case_id = p_id
$$;

-- A rectification deadline given as p_in for a step at p_at (p_step
-- 'decided' or 'reopened'): a date, not before the Beijing day of the step.
CREATE FUNCTION cg_internal.case_deadline(p_in text, p_at timestamptz, p_step text) RETURNS date
LANGUAGE plpgsql AS $$
DECLARE
    v_day date := (p_at AT TIME ZONE 'Asia/Shanghai')::date;
    v_deadline date;
BEGIN
    PERFORM cg_internal.check('deadline', CASE WHEN p_in = '' THEN cg_internal.missing()
                                               WHEN cg_internal.date_problem(p_in, false) ->> 'reason'
                                                    NOT IN ('value.before_programme', 'value.after_today')
                                               THEN cg_internal.date_problem(p_in, false) END);
    v_deadline := cg_internal.date_of(p_in);
    IF v_deadline < v_day THEN
        PERFORM cg_internal.fail('CG003', 'deadline',
                                 format('deadline: %s is before the %s (%s)', v_deadline,
                                        CASE p_step WHEN 'decided' THEN 'decision' ELSE 'reopening' END, v_day),
                                 CASE p_step WHEN 'decided' THEN 'case.deadline_before_decision'
                                             ELSE 'case.deadline_before_reopening' END,
                                 jsonb_build_object('field', 'deadline', 'deadline', cg_internal.date_text(v_deadline),
                                                    p_step, cg_internal.date_text(v_day)));
    END IF;
    RETURN v_deadline;
END
$$;

-- A value that belongs to another target state only: CG003 on p_field.
CREATE FUNCTION cg_internal.case_only_for(p_field text, p_given boolean, p_state text, p_to text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_given AND p_state <> p_to THEN
        PERFORM cg_internal.fail('CG003', p_field, format('%s: only for a move to %s', p_field, p_state),
                                 'case.only_for_state', jsonb_build_object('field', p_field, 'state', p_state));
    END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- The API
-- ---------------------------------------------------------------------------

-- CaseOpen -> Case. From a report: the report (acknowledged) is resolved
-- case_needed and links to the case; a report already resolved case_needed
-- is linked. From a finding or a request: of the same compound. One case per
-- finding, report or request.
CREATE FUNCTION cg_api.case_open(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'case.open');
    v_prev jsonb;
    rq jsonb := CASE WHEN jsonb_typeof(p_req -> 'case_file') = 'object' THEN p_req -> 'case_file' ELSE '{}'::jsonb END;
    v_compound_id bigint := cg_internal.req_int(rq, 'compound_id');
    v_category bigint;
    v_illegal boolean := coalesce((rq ->> 'illegal_construction')::boolean, false);
    v_source text := lower(cg_internal.clean(rq ->> 'source'));
    v_finding bigint := cg_internal.req_int(rq, 'finding_id');
    v_report bigint := cg_internal.req_int(rq, 'report_id');
    v_request bigint := cg_internal.req_int(rq, 'request_id');
    v_summary text := cg_internal.clean(rq ->> 'summary');
    v_location text := cg_internal.clean(rq ->> 'location');
    v_party text := cg_internal.clean(rq ->> 'party');
    v_at timestamptz;
    v_expected text[];
    v_link_field text;
    v_link_compound bigint;
    v_link_illegal boolean := false;
    v_source_at timestamptz;
    v_filer text;
    v_existing bigint;
    c cg_internal.compound_docs;
    r reports;
    q cg_internal.request_docs;
    v_id bigint;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'case_open', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('compound_id', CASE WHEN v_compound_id = 0 THEN cg_internal.missing() END);
    PERFORM cg_internal.check('category', cg_internal.category_problem(rq -> 'category'));
    v_category := cg_internal.json_num(rq -> 'category');
    PERFORM cg_internal.check('illegal_construction', cg_internal.illegal_construction_problem(v_illegal, v_category));
    PERFORM cg_internal.check('summary', cg_internal.text_problem(v_summary, 2000, true, true));
    PERFORM cg_internal.check('location', cg_internal.text_problem(v_location, 200, false, false));
    PERFORM cg_internal.check('party', cg_internal.text_problem(v_party, 200, false, false));
    IF (v_finding <> 0)::integer + (v_report <> 0)::integer + (v_request <> 0)::integer > 1 THEN
        PERFORM cg_internal.fail('CG003', 'finding_id', 'a case comes from one finding, report or request at most',
                                 'case.one_source', '{}');
    END IF;
    v_link_field := CASE WHEN v_finding <> 0 THEN 'finding_id' WHEN v_report <> 0 THEN 'report_id'
                         WHEN v_request <> 0 THEN 'request_id' END;
    v_expected := CASE v_link_field WHEN 'finding_id' THEN '{patrol}' WHEN 'report_id' THEN '{report}'
                                    WHEN 'request_id' THEN '{request,hotline}' END;
    IF v_source = '' AND v_expected IS NOT NULL THEN
        v_source := v_expected[1];
    END IF;
    PERFORM cg_internal.check('source', cg_internal.one_of_problem(v_source,
        '{patrol,report,request,hotline,supervision,co_construction_day}', true));
    IF v_expected IS NOT NULL AND v_source <> ALL (v_expected) THEN
        PERFORM cg_internal.fail('CG003', 'source',
                                 format('source: a case from a %s has source %s', v_link_field,
                                        array_to_string(v_expected, ' or ')),
                                 'case.source_mismatch',
                                 jsonb_build_object('field', 'source', 'value', v_source,
                                                    'expected', array_to_string(v_expected, ', ')));
    END IF;
    v_at := cg_internal.case_at('at', cg_internal.clean(p_req ->> 'at'), '-infinity');

    c := cg_internal.compound_target(a, v_compound_id, 'compound_id', 'see');
    IF NOT cg_internal.can_handle_case(a, c.unit_code) THEN
        PERFORM cg_internal.fail('CG007', 'compound_id',
                                 format('compound %s may not be changed by you', v_compound_id),
                                 'compound.not_yours', jsonb_build_object('id', v_compound_id));
    END IF;
    PERFORM cg_internal.require_open(c);

    -- The item it came from: the caller must see it; one case per item.
    IF v_finding <> 0 THEN
        SELECT p.compound_id, f.illegal_construction, p.start_at INTO v_link_compound, v_link_illegal, v_source_at
        FROM patrol_findings f JOIN patrols p ON p.id = f.patrol_id JOIN compounds pc ON pc.id = p.compound_id
        JOIN districts d ON d.code = pc.district_code
        WHERE f.id = v_finding AND cg_internal.patrol_visible(a, d.unit_code);
        IF NOT FOUND THEN
            PERFORM cg_internal.fail('CG005', 'finding_id', format('finding %s not found', v_finding),
                                     'finding.not_found', jsonb_build_object('id', v_finding));
        END IF;
        SELECT id INTO v_existing FROM cases WHERE finding_id = v_finding;
    ELSIF v_report <> 0 THEN
        r := cg_internal.report_target(a, v_report, 'handle');
        v_link_compound := r.compound_id;
        v_link_illegal := r.illegal_construction;
        v_source_at := r.filed_at;
        -- the hotline that filed the report, else its property company
        v_filer := coalesce(cg_internal.hotline_filer(r.reporter), r.property_account);
        SELECT id INTO v_existing FROM cases WHERE report_id = v_report;
    ELSIF v_request <> 0 THEN
        q := cg_internal.request_target(a, v_request, true);
        v_link_compound := q.compound_id;
        v_filer := cg_internal.hotline_filer(q.created_by);
        SELECT created_at INTO v_source_at FROM resident_requests WHERE id = v_request;
        SELECT id INTO v_existing FROM cases WHERE request_id = v_request;
    END IF;
    IF v_link_field IS NOT NULL AND v_link_compound <> c.id THEN
        PERFORM cg_internal.fail('CG003', v_link_field,
                                 format('%s: of compound %s, not %s', v_link_field, v_link_compound, c.id),
                                 'case.other_compound',
                                 jsonb_build_object('field', v_link_field, 'compound_id', v_link_compound,
                                                    'expected', c.id));
    END IF;
    IF v_existing IS NOT NULL THEN
        PERFORM cg_internal.fail('CG006', v_link_field, format('case %s was already opened from it', v_existing),
                                 'case.exists', jsonb_build_object('id', v_existing, 'field', v_link_field));
    END IF;
    IF v_report <> 0 THEN
        IF r.status = 'open' THEN
            PERFORM cg_internal.fail('CG009', 'report_id',
                                     format('report %s is not acknowledged: acknowledge the report first', r.id),
                                     'report.not_acknowledged', jsonb_build_object('id', r.id));
        END IF;
        IF r.status = 'resolved' AND r.outcome <> 'case_needed' THEN
            PERFORM cg_internal.fail('CG009', 'report_id', format('report %s was resolved %s', r.id, r.outcome),
                                     'case.report_resolved', jsonb_build_object('id', r.id, 'outcome', r.outcome));
        END IF;
    END IF;

    -- a case is not registered before its source was seen
    v_source_at := coalesce(v_source_at, v_at);
    IF v_at < v_source_at THEN
        PERFORM cg_internal.fail('CG003', 'at', format('at: %s is before its %s (%s)', cg_internal.instant_text(v_at),
                                                       v_link_field, cg_internal.instant_text(v_source_at)),
                                 'case.at_before_source',
                                 jsonb_build_object('field', 'at', 'at', cg_internal.instant_text(v_at),
                                                    'source_at', cg_internal.instant_text(v_source_at)));
    END IF;

    -- what the report or finding said of it holds for the case of its category
    v_illegal := v_illegal OR (coalesce(v_link_illegal, false) AND v_category = 2);
    INSERT INTO cases (compound_id, unit_code, category, illegal_construction, source, finding_id, report_id,
                       request_id, summary, location, party, filer_account, opened_by, registered_at, state_at,
                       closing_due, source_at, registration_due)
    VALUES (c.id, c.unit_code, v_category, v_illegal, v_source, nullif(v_finding, 0), nullif(v_report, 0),
            nullif(v_request, 0), v_summary, v_location, v_party, v_filer, a.name, v_at, v_at,
            cg_internal.case_limit_due(v_category::integer, 'closing', v_at), v_source_at,
            cg_internal.case_limit_due(v_category::integer, 'registration', v_source_at))
    RETURNING id INTO v_id;
    INSERT INTO case_timeline (case_id, version, kind, to_state, at, account, note)
    VALUES (v_id, 1, 'opened', 'registered', v_at, a.name, v_summary);
    PERFORM cg_internal.emit_case_event('case.opened', v_id);

    IF v_report <> 0 THEN
        IF r.status = 'acknowledged' THEN
            UPDATE reports SET status = 'resolved', resolved_at = now(), resolved_by = a.name,
                               outcome = 'case_needed', resolve_note = format('立案 #%s / case %s opened', v_id, v_id),
                               case_id = v_id, updated_at = now()
            WHERE id = r.id;
            PERFORM cg_internal.report_step(r.id, 'resolved', a.name, r.level,
                format('case_needed: 立案 #%s / case %s opened', v_id, v_id), 'report.resolved',
                format('报告 #%s 已立案（案件 #%s）/ report %s resolved: case %s opened', r.id, v_id, r.id, v_id));
        ELSE
            UPDATE reports SET case_id = v_id, updated_at = now() WHERE id = r.id;
        END IF;
    END IF;
    RETURN cg_internal.idem_end(a, p_req, (SELECT d.doc FROM cg_internal.case_docs d WHERE d.id = v_id));
END
$$;

-- CaseMove -> Case: one step of the workflow (case_next_states).
CREATE FUNCTION cg_api.case_move(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'case.move');
    v_prev jsonb;
    v_to text := lower(cg_internal.clean(p_req ->> 'to'));
    v_note text := cg_internal.clean(p_req ->> 'note');
    v_fine_in text := cg_internal.clean(p_req ->> 'fine_yuan');
    v_deadline_in text := cg_internal.clean(p_req ->> 'deadline');
    v_department text := cg_internal.clean(p_req ->> 'department');
    v_reason text := cg_internal.clean(p_req ->> 'reason');
    v_penalty text[];
    v_bad text;
    v_deadline date;
    v_at timestamptz;
    v_extra jsonb := '{}';
    k cases;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'case_move', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('to', cg_internal.one_of_problem(v_to,
        '{registered,investigating,decided,rectifying,verified,closed,rejected,transferred}', true));
    PERFORM cg_internal.check('note', cg_internal.text_problem(v_note, 2000, false, true));
    PERFORM cg_internal.check('department', cg_internal.text_problem(v_department, 200, false, false));
    PERFORM cg_internal.check('reason', cg_internal.text_problem(v_reason, 2000, false, true));
    IF jsonb_typeof(p_req -> 'penalty') = 'array' THEN
        SELECT array_agg(DISTINCT lower(cg_internal.clean(e))) INTO v_penalty
        FROM jsonb_array_elements_text(p_req -> 'penalty') e;
    END IF;
    v_penalty := coalesce(v_penalty, '{}');
    IF v_fine_in <> '' AND NOT 'fine' = ANY (v_penalty) THEN
        v_penalty := v_penalty || 'fine'::text;  -- a fine given is a fine decided
    END IF;
    SELECT p INTO v_bad FROM unnest(v_penalty) p WHERE p <> ALL ('{warning,fine,rectify,demolish}') LIMIT 1;
    PERFORM cg_internal.check('penalty', cg_internal.one_of_problem(v_bad, '{warning,fine,rectify,demolish}', false));
    PERFORM cg_internal.case_only_for('penalty', cardinality(v_penalty) > 0, 'decided', v_to);
    PERFORM cg_internal.case_only_for('deadline', v_deadline_in <> '', 'decided', v_to);
    PERFORM cg_internal.case_only_for('department', v_department <> '', 'transferred', v_to);
    PERFORM cg_internal.case_only_for('reason', v_reason <> '', 'rejected', v_to);

    k := cg_internal.case_target(a, cg_internal.req_int(p_req, 'id'), 'handle',
                                 cg_internal.req_int(p_req, 'expected_version'));
    IF v_to = 'verified' AND k.state = 'rectifying' THEN
        PERFORM cg_internal.fail('CG009', 'to', format('case %s is verified by a verification (CaseVerify)', k.id),
                                 'case.verify_needed', jsonb_build_object('id', k.id));
    END IF;
    IF NOT v_to = ANY (cg_internal.case_next_states(k.state)) THEN
        PERFORM cg_internal.fail('CG009', 'to',
                                 format('case %s is %s: it may move to %s, not %s', k.id, k.state,
                                        coalesce(nullif(array_to_string(cg_internal.case_next_states(k.state), ', '), ''),
                                                 'nothing'), v_to),
                                 'case.move_not_allowed',
                                 jsonb_build_object('id', k.id, 'state', k.state, 'to', v_to,
                                                    'allowed', coalesce(nullif(array_to_string(cg_internal.case_next_states(k.state), ', '), ''), '-')));
    END IF;
    v_at := cg_internal.case_at('at', cg_internal.clean(p_req ->> 'at'), cg_internal.case_last_at(k.id));

    IF v_to = 'decided' THEN
        PERFORM cg_internal.check('penalty', CASE WHEN cardinality(v_penalty) = 0 THEN cg_internal.missing() END);
        IF 'fine' = ANY (v_penalty) THEN
            PERFORM cg_internal.check('fine_yuan', CASE WHEN v_fine_in = '' THEN cg_internal.missing() END);
            IF v_fine_in ~ '^[+-]?[0-9]{1,12}(\.[0-9]+)?$' AND v_fine_in::numeric <= 0 THEN
                PERFORM cg_internal.fail('CG003', 'fine_yuan',
                                         format('fine_yuan: a fine is more than 0 yuan (got %s)', v_fine_in),
                                         'case.fine_not_positive', jsonb_build_object('field', 'fine_yuan', 'value', v_fine_in));
            END IF;
            IF v_fine_in !~ '^[0-9]{1,12}(\.[0-9]{1,2})?$' THEN
                PERFORM cg_internal.fail('CG003', 'fine_yuan',
                                         format('fine_yuan: not an amount in yuan (at most 2 decimals): %s',
                                                cg_internal.q(v_fine_in)),
                                         'case.fine_not_an_amount',
                                         jsonb_build_object('field', 'fine_yuan', 'value', left(v_fine_in, 40)));
            END IF;
        END IF;
        IF v_penalty && '{rectify,demolish}' THEN
            PERFORM cg_internal.check('deadline', CASE WHEN v_deadline_in = '' THEN cg_internal.missing() END);
        END IF;
        IF v_deadline_in <> '' THEN
            v_deadline := cg_internal.case_deadline(v_deadline_in, v_at, 'decided');
        END IF;
        v_extra := jsonb_build_object('penalty', to_jsonb(v_penalty), 'fine_yuan', nullif(v_fine_in, ''),
                                      'deadline', v_deadline);
    ELSIF v_to = 'rejected' THEN
        PERFORM cg_internal.check('reason', CASE WHEN v_reason = '' THEN cg_internal.missing() END);
        v_note := v_reason || CASE WHEN v_note <> '' THEN E'\n' || v_note ELSE '' END;
    ELSIF v_to = 'transferred' THEN
        PERFORM cg_internal.check('department', CASE WHEN v_department = '' THEN cg_internal.missing() END);
        v_extra := jsonb_build_object('department', v_department);
    END IF;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.case_step(a, k, 'moved', v_to, v_at, left(v_note, 2000),
                                                                false, v_extra));
END
$$;

-- CaseVerify -> Case: the check of a rectifying case. Passed: verified;
-- failed: back to rectifying, one more rework.
CREATE FUNCTION cg_api.case_verify(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'case.verify');
    v_prev jsonb;
    v_passed boolean := coalesce((p_req ->> 'passed')::boolean, false);
    v_officer bigint := cg_internal.req_int(p_req, 'officer_id');
    v_note text := cg_internal.clean(p_req ->> 'note');
    v_at timestamptz;
    k cases;
    o officers;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'case_verify', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('officer_id', CASE WHEN v_officer = 0 THEN cg_internal.missing() END);
    PERFORM cg_internal.check('note', cg_internal.text_problem(v_note, 2000, NOT v_passed, true));
    k := cg_internal.case_target(a, cg_internal.req_int(p_req, 'id'), 'handle',
                                 cg_internal.req_int(p_req, 'expected_version'));
    IF k.state <> 'rectifying' THEN
        PERFORM cg_internal.fail('CG009', 'id', format('case %s is %s: only a rectifying case is verified', k.id, k.state),
                                 'case.not_rectifying', jsonb_build_object('id', k.id, 'state', k.state));
    END IF;
    o := cg_internal.officer_for(a, v_officer, k.unit_code, 'officer_id');
    v_at := cg_internal.case_at('at', cg_internal.clean(p_req ->> 'at'), cg_internal.case_last_at(k.id));
    RETURN cg_internal.idem_end(a, p_req,
        cg_internal.case_step(a, k, 'verified', CASE WHEN v_passed THEN 'verified' ELSE 'rectifying' END, v_at, v_note,
                              NOT v_passed, jsonb_build_object('passed', v_passed, 'officer_id', o.id)));
END
$$;

-- CaseReopen -> Case: the violation came back within 90 days of closing.
CREATE FUNCTION cg_api.case_reopen(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'case.reopen');
    v_prev jsonb;
    v_reason text := cg_internal.clean(p_req ->> 'reason');
    v_at timestamptz;
    v_deadline date;
    k cases;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'case_reopen', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('reason', cg_internal.text_problem(v_reason, 2000, true, true));
    k := cg_internal.case_target(a, cg_internal.req_int(p_req, 'id'), 'handle',
                                 cg_internal.req_int(p_req, 'expected_version'));
    IF k.state <> 'closed' THEN
        PERFORM cg_internal.fail('CG009', 'id', format('case %s is %s: only a closed case is reopened', k.id, k.state),
                                 'case.not_closed', jsonb_build_object('id', k.id, 'state', k.state));
    END IF;
    v_at := cg_internal.case_at('at', cg_internal.clean(p_req ->> 'at'), cg_internal.case_last_at(k.id));
    IF v_at > k.state_at + interval '90 days' THEN
        PERFORM cg_internal.fail('CG009', 'id', format('case %s was closed at %s: more than 90 days ago', k.id,
                                                      cg_internal.instant_text(k.state_at)),
                                 'case.reopen_too_late',
                                 jsonb_build_object('id', k.id, 'closed_at', cg_internal.instant_text(k.state_at), 'days', 90));
    END IF;
    v_deadline := cg_internal.case_deadline(cg_internal.clean(p_req ->> 'deadline'), v_at, 'reopened');
    -- (case_step gives it its new limits and a new escalation ladder)
    RETURN cg_internal.idem_end(a, p_req, cg_internal.case_step(a, k, 'reopened', 'rectifying', v_at, v_reason, true,
                                                                jsonb_build_object('deadline', v_deadline)));
END
$$;

-- CaseGet -> Case with its timeline and its supervision orders (step5_orders.sql; the state only for
-- a filer).
CREATE FUNCTION cg_api.case_get(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'case.get');
    k cases;
BEGIN
    k := cg_internal.case_target(a, cg_internal.req_int(p_req, 'id'), 'see');
    RETURN cg_internal.case_doc_for(a, (SELECT d.doc FROM cg_internal.case_docs d WHERE d.id = k.id)
                                       || jsonb_build_object('timeline',
                                                             cg_internal.with_orders(a, cg_internal.case_timeline_doc(k.id), 0, k.id)));
END
$$;

-- CaseList -> CaseListReply: newest first, paged by after_id; no timelines.
CREATE FUNCTION cg_api.case_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'case.list');
    v_unit text := cg_internal.unit_filter(a, p_req ->> 'unit');
    v_compound bigint := cg_internal.req_int(p_req, 'compound_id');
    v_category bigint := cg_internal.req_int(p_req, 'category');
    v_state text := lower(cg_internal.clean(p_req ->> 'state'));
    v_source text := lower(cg_internal.clean(p_req ->> 'source'));
    v_overdue boolean := coalesce((p_req ->> 'overdue')::boolean, false);
    v_illegal boolean := coalesce((p_req ->> 'illegal_construction')::boolean, false);
    v_from date := cg_internal.date_filter('from', cg_internal.clean(p_req ->> 'from'));
    v_to date := cg_internal.date_filter('to', cg_internal.clean(p_req ->> 'to'));
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit integer := cg_internal.page_limit(p_req);
    v_result jsonb;
BEGIN
    IF v_category <> 0 THEN
        PERFORM cg_internal.check('category', cg_internal.category_problem(p_req -> 'category'));
    END IF;
    PERFORM cg_internal.check('state', cg_internal.one_of_problem(v_state,
        '{registered,investigating,decided,rectifying,verified,closed,rejected,transferred}', false));
    PERFORM cg_internal.check('source', cg_internal.one_of_problem(v_source,
        '{patrol,report,request,hotline,supervision,co_construction_day}', false));
    PERFORM cg_internal.check('to', CASE WHEN v_to < v_from
        THEN cg_internal.problem('period.reversed', jsonb_build_object('from', cg_internal.date_text(v_from)),
                                 format('before from (%s)', v_from)) END);
    PERFORM cg_internal.check('after_id', cg_internal.range_problem(v_after, 0, 9223372036854775807));
    WITH page AS (
        SELECT d.id, cg_internal.case_doc_for(a, d.doc) AS doc
        FROM cg_internal.case_docs d
        WHERE cg_internal.can_see_case(a, d.unit_code, d.filer_account)
          AND (v_after = 0 OR d.id < v_after)
          AND (v_unit IS NULL OR d.unit_code = v_unit)
          AND (v_compound = 0 OR d.compound_id = v_compound)
          AND (v_category = 0 OR d.category = v_category)
          AND (v_state = '' OR d.state = v_state)
          AND (v_source = '' OR d.source = v_source)
          AND (NOT v_overdue OR d.overdue)
          AND (NOT v_illegal OR d.illegal_construction)
          AND (v_from IS NULL OR (d.registered_at AT TIME ZONE 'Asia/Shanghai')::date >= v_from)
          AND (v_to IS NULL OR (d.registered_at AT TIME ZONE 'Asia/Shanghai')::date <= v_to)
        ORDER BY d.id DESC
        LIMIT v_limit + 1
    ),
    sized AS (
        SELECT p.id, p.doc, cg_internal.in_page(row_number() OVER w, sum(octet_length(p.doc::text)) OVER w, v_limit) AS kept
        FROM page p WINDOW w AS (ORDER BY p.id DESC)
    )
    SELECT jsonb_build_object(
               'cases', coalesce(jsonb_agg(s.doc ORDER BY s.id DESC) FILTER (WHERE s.kept), '[]'::jsonb),
               'next_after_id', CASE WHEN NOT bool_and(s.kept) THEN min(s.id) FILTER (WHERE s.kept) ELSE 0 END)
    INTO v_result
    FROM sized s;
    RETURN coalesce(v_result, '{"cases": [], "next_after_id": 0}'::jsonb);
END
$$;

-- CaseStats -> CaseStatsReply: per unit and category over [from, to]
-- (Beijing dates of each step's `at`), and the total.
CREATE FUNCTION cg_api.case_stats(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'case.stats');
    v_from_in text := cg_internal.clean(p_req ->> 'from');
    v_to_in text := cg_internal.clean(p_req ->> 'to');
    v_unit text;
    v_lo timestamptz;
    v_hi timestamptz;
    v_rows jsonb;
    v_total jsonb;
BEGIN
    PERFORM cg_internal.check_period(v_from_in, v_to_in);
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    IF cg_internal.unit_member(a) THEN
        v_unit := a.unit_code;
    END IF;
    v_lo := cg_internal.date_of(v_from_in)::timestamp AT TIME ZONE 'Asia/Shanghai';
    v_hi := (cg_internal.date_of(v_to_in) + 1)::timestamp AT TIME ZONE 'Asia/Shanghai';
    WITH k AS (
        SELECT c.* FROM cases c WHERE v_unit IS NULL OR c.unit_code = v_unit
    ),
    per_case AS (
        SELECT k.unit_code, k.category,
               (k.registered_at >= v_lo AND k.registered_at < v_hi)::integer AS opened,
               (k.registered_at >= v_lo AND k.registered_at < v_hi
                AND (k.registered_at AT TIME ZONE 'Asia/Shanghai')::date > k.registration_due)::integer AS registered_late,
               (SELECT count(*) FROM case_timeline t WHERE t.case_id = k.id AND t.to_state = 'closed'
                  AND t.at >= v_lo AND t.at < v_hi) AS closed,
               (SELECT count(*) FROM case_timeline t WHERE t.case_id = k.id AND t.to_state = 'rejected'
                  AND t.at >= v_lo AND t.at < v_hi) AS rejected,
               (SELECT count(*) FROM case_timeline t WHERE t.case_id = k.id AND t.to_state = 'transferred'
                  AND t.at >= v_lo AND t.at < v_hi) AS transferred,
               (SELECT count(*) FROM case_timeline t WHERE t.case_id = k.id AND t.rework
                  AND t.at >= v_lo AND t.at < v_hi) AS rework,
               (SELECT coalesce(sum(t.fine_yuan), 0) FROM case_timeline t WHERE t.case_id = k.id
                  AND t.to_state = 'decided' AND t.at >= v_lo AND t.at < v_hi) AS fines,
               (k.registered_at < v_hi AND coalesce((SELECT t.to_state FROM case_timeline t
                    WHERE t.case_id = k.id AND t.at < v_hi ORDER BY t.at DESC, t.id DESC LIMIT 1), '')
                    NOT IN ('closed', 'rejected', 'transferred'))::integer AS open_at_end
        FROM k
    ),
    grouped AS (
        SELECT p.unit_code, p.category, sum(p.opened) AS opened, sum(p.closed) AS closed, sum(p.rejected) AS rejected,
               sum(p.transferred) AS transferred, sum(p.rework) AS rework, sum(p.fines) AS fines,
               sum(p.open_at_end) AS open_at_end, sum(p.registered_late) AS registered_late
        FROM per_case p
        GROUP BY GROUPING SETS ((p.unit_code, p.category), ())
    )
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'unit', g.unit_code, 'category', g.category, 'category_name', cg_internal.category_zh(g.category),
               'opened', g.opened, 'closed', g.closed, 'rejected', g.rejected, 'transferred', g.transferred,
               'rework', g.rework, 'fines_yuan', g.fines::numeric(14, 2)::text, 'open_at_end', g.open_at_end,
               'registered_late', g.registered_late)
               ORDER BY g.unit_code, g.category)
               FILTER (WHERE g.unit_code IS NOT NULL
                       AND g.opened + g.closed + g.rejected + g.transferred + g.rework + g.open_at_end > 0), '[]'::jsonb),
           (SELECT jsonb_build_object('unit', '', 'category', 0, 'category_name', '',
                                      'opened', coalesce(t.opened, 0), 'closed', coalesce(t.closed, 0),
                                      'rejected', coalesce(t.rejected, 0), 'transferred', coalesce(t.transferred, 0),
                                      'rework', coalesce(t.rework, 0),
                                      'fines_yuan', coalesce(t.fines, 0)::numeric(14, 2)::text,
                                      'open_at_end', coalesce(t.open_at_end, 0),
                                      'registered_late', coalesce(t.registered_late, 0))
            FROM grouped t WHERE t.unit_code IS NULL AND t.category IS NULL)
    INTO v_rows, v_total
    FROM grouped g;
    RETURN jsonb_build_object('rows', v_rows, 'total', v_total);
END
$$;
