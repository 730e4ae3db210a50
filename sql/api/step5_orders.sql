-- Supervision orders (督办/催办, step 5, sql/0013_orders.sql): supervision
-- orders the unit of a report or a case to act on it by a deadline; the
-- order reaches the unit, its leaders (and the report's grid officer) as the
-- event order.issued, shows in the record's timeline, and is answered once
-- by the unit or one of its officers (order.answered). An open order past
-- its deadline is overdue. Conventions of core.sql; after step5_cases.sql in
-- name order (it uses case_target).

-- May a see order o (of unit p_unit)? hq, supervision and sections: all; a
-- unit, its officers and leaders: their unit's; nobody else (property
-- companies and the hotline never see orders).
CREATE FUNCTION cg_internal.can_see_order(a accounts, p_unit text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(a.role IN ('hq', 'supervision', 'section')
                    OR (cg_internal.unit_member(a) AND a.unit_code = p_unit), false)
$$;

-- An Order.
CREATE FUNCTION cg_internal.order_doc(o supervision_orders) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', o.id,
        'report_id', coalesce(o.report_id, 0),
        'case_id', coalesce(o.case_id, 0),
        'unit', o.unit_code,
        'unit_name', (SELECT u.name_zh FROM units u WHERE u.code = o.unit_code),
        'compound_id', o.compound_id,
        'text', o.text,
        'deadline', cg_internal.date_text(o.deadline),
        'issued_at', cg_internal.instant_text(o.issued_at),
        'issued_by', o.issued_by,
        'answer', o.answer,
        'answered_at', cg_internal.instant_text(o.answered_at),
        'answered_by', coalesce(o.answered_by, ''),
        'open', o.answered_at IS NULL,
        'overdue', o.answered_at IS NULL AND o.deadline < cg_internal.today())
$$;

-- The event of order o (order.issued, order.answered): for its unit, the
-- unit's leaders and, on a report, the report's grid officer; never for a
-- property company or the hotline.
CREATE FUNCTION cg_internal.emit_order_event(p_kind text, o supervision_orders, p_text text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_at timestamptz := now();
BEGIN
    INSERT INTO events (xid, at, kind, unit_code, compound_id, report_id, level, officer_id, leaders, body)
    VALUES (pg_current_xact_id(), v_at, p_kind, o.unit_code, o.compound_id, o.report_id, 0,
            (SELECT r.grid_officer_id FROM reports r WHERE r.id = o.report_id),
            cg_internal.for_leaders(p_kind, 0),
            jsonb_build_object(
                'at', cg_internal.instant_text(v_at),
                'kind', p_kind,
                'unit', o.unit_code,
                'compound_id', o.compound_id,
                'report_id', coalesce(o.report_id, 0),
                'case_id', coalesce(o.case_id, 0),
                'level', 0,
                'text', p_text,
                'order', cg_internal.order_doc(o)));
END
$$;

-- The record an order names: '督办 report 3' in texts.
CREATE FUNCTION cg_internal.order_record_text(o supervision_orders) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN o.report_id IS NOT NULL THEN format('report %s', o.report_id)
                ELSE format('case %s', o.case_id) END
$$;

-- OrderIssue -> Order: supervision only; on one report or one case it can
-- see (all), with a text and a deadline not before today.
CREATE FUNCTION cg_api.order_issue(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'order.issue');
    v_prev jsonb;
    o jsonb := CASE WHEN jsonb_typeof(p_req -> 'order') = 'object' THEN p_req -> 'order' ELSE '{}'::jsonb END;
    v_report_id bigint := cg_internal.req_int(o, 'report_id');
    v_case_id bigint := cg_internal.req_int(o, 'case_id');
    v_text text := cg_internal.clean(o ->> 'text');
    v_deadline_in text := cg_internal.clean(o ->> 'deadline');
    v_deadline date;
    v_problem jsonb;
    r reports;
    k cases;
    n supervision_orders;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'order_issue', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    IF (v_report_id <> 0) = (v_case_id <> 0) THEN
        PERFORM cg_internal.fail('CG003', 'report_id', 'an order names one record: report_id or case_id',
                                 'order.one_record', '{}'::jsonb);
    END IF;
    PERFORM cg_internal.check('text', cg_internal.text_problem(v_text, 2000, true, true));
    PERFORM cg_internal.check('deadline', CASE WHEN v_deadline_in = '' THEN cg_internal.missing() END);
    v_problem := cg_internal.date_problem(v_deadline_in, false);
    PERFORM cg_internal.check('deadline', CASE WHEN v_problem ->> 'reason' NOT IN ('value.before_programme', 'value.after_today')
                                               THEN v_problem END);
    v_deadline := cg_internal.date_of(v_deadline_in);
    IF v_deadline < cg_internal.today() THEN
        PERFORM cg_internal.fail('CG003', 'deadline', format('deadline: %s is before today (%s)', v_deadline,
                                                            cg_internal.today()),
                                 'order.deadline_past',
                                 jsonb_build_object('field', 'deadline', 'deadline', cg_internal.date_text(v_deadline),
                                                    'today', cg_internal.date_text(cg_internal.today())));
    END IF;
    IF v_report_id <> 0 THEN
        r := cg_internal.report_target(a, v_report_id, 'see');
        INSERT INTO supervision_orders (report_id, unit_code, compound_id, text, deadline, issued_by)
        VALUES (r.id, r.unit_code, r.compound_id, v_text, v_deadline, a.name)
        RETURNING * INTO n;
    ELSE
        k := cg_internal.case_target(a, v_case_id, 'see');
        INSERT INTO supervision_orders (case_id, unit_code, compound_id, text, deadline, issued_by)
        VALUES (k.id, k.unit_code, k.compound_id, v_text, v_deadline, a.name)
        RETURNING * INTO n;
    END IF;
    PERFORM cg_internal.emit_order_event('order.issued', n,
        format('督办 #%s（%s），%s 前答复：%s / supervision order #%s on %s, answer by %s: %s',
               n.id, replace(replace(cg_internal.order_record_text(n), 'report', '报告'), 'case', '案件'),
               n.deadline, left(n.text, 200), n.id, cg_internal.order_record_text(n), n.deadline, left(n.text, 200)));
    RETURN cg_internal.idem_end(a, p_req, cg_internal.order_doc(n));
END
$$;

-- OrderAnswer -> Order: the order's unit or one of its officers, once.
CREATE FUNCTION cg_api.order_answer(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'order.answer');
    v_prev jsonb;
    v_id bigint := cg_internal.req_int(p_req, 'id');
    v_answer text := cg_internal.clean(p_req ->> 'answer');
    n supervision_orders;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'order_answer', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('id', CASE WHEN v_id = 0 THEN cg_internal.missing() END);
    PERFORM cg_internal.check('answer', cg_internal.text_problem(v_answer, 2000, true, true));
    SELECT * INTO n FROM supervision_orders WHERE id = v_id FOR UPDATE;
    IF NOT FOUND OR NOT cg_internal.can_see_order(a, n.unit_code) THEN
        PERFORM cg_internal.fail('CG005', 'id', format('order %s not found', v_id),
                                 'order.not_found', jsonb_build_object('id', v_id));
    END IF;
    IF n.answered_at IS NOT NULL THEN
        PERFORM cg_internal.fail('CG009', 'id', format('order %s was answered at %s by %s', n.id,
                                                      cg_internal.instant_text(n.answered_at), n.answered_by),
                                 'order.answered',
                                 jsonb_build_object('id', n.id, 'at', cg_internal.instant_text(n.answered_at),
                                                    'account', n.answered_by));
    END IF;
    UPDATE supervision_orders SET answer = v_answer, answered_at = now(), answered_by = a.name
    WHERE id = n.id
    RETURNING * INTO n;
    PERFORM cg_internal.emit_order_event('order.answered', n,
        format('督办 #%s 已答复：%s / supervision order #%s answered: %s',
               n.id, left(n.answer, 200), n.id, left(n.answer, 200)));
    RETURN cg_internal.idem_end(a, p_req, cg_internal.order_doc(n));
END
$$;

-- OrderList -> OrderListReply: the orders a may see, newest first, paged by
-- after_id; filters open, overdue (open and past the deadline), unit, report,
-- case.
CREATE FUNCTION cg_api.order_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'order.list');
    v_open boolean := coalesce((p_req ->> 'open')::boolean, false);
    v_overdue boolean := coalesce((p_req ->> 'overdue')::boolean, false);
    v_report_id bigint := cg_internal.req_int(p_req, 'report_id');
    v_case_id bigint := cg_internal.req_int(p_req, 'case_id');
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit bigint := cg_internal.req_int(p_req, 'limit');
    v_unit text;
    v_rows jsonb;
    v_last bigint;
    v_n integer;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    IF v_limit = 0 THEN
        v_limit := 200;
    END IF;
    PERFORM cg_internal.check('limit', cg_internal.range_problem(v_limit, 1, 1000));
    SELECT coalesce(jsonb_agg(cg_internal.order_doc(x) ORDER BY x.id DESC), '[]'::jsonb), min(x.id), count(*)
    INTO v_rows, v_last, v_n
    FROM (SELECT * FROM supervision_orders o
          WHERE cg_internal.can_see_order(a, o.unit_code)
            AND (v_unit IS NULL OR o.unit_code = v_unit)
            AND (NOT (v_open OR v_overdue) OR o.answered_at IS NULL)
            AND (NOT v_overdue OR o.deadline < cg_internal.today())
            AND (v_report_id = 0 OR o.report_id = v_report_id)
            AND (v_case_id = 0 OR o.case_id = v_case_id)
            AND (v_after = 0 OR o.id < v_after)
          ORDER BY o.id DESC
          LIMIT v_limit) x;
    RETURN jsonb_build_object('orders', v_rows, 'next_after_id', CASE WHEN v_n = v_limit THEN v_last ELSE 0 END);
END
$$;

-- A record's timeline with its orders in it, by time: an entry 'order'
-- (note '#ID DEADLINE: text') and, once answered, 'order_answered' (note
-- '#ID: answer'). Only for those who may see orders; the keys are those
-- that TimelineEntry (reports) and CaseEntry (cases) share.
CREATE FUNCTION cg_internal.with_orders(a accounts, p_timeline jsonb, p_report_id bigint, p_case_id bigint)
RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(e.entry ORDER BY e.at, e.n), '[]'::jsonb)
    FROM (SELECT t.entry, t.entry ->> 'at' AS at, t.n
          FROM jsonb_array_elements(p_timeline) WITH ORDINALITY AS t(entry, n)
          UNION ALL
          SELECT x.entry, x.entry ->> 'at', 1000000000 + x.n
          FROM supervision_orders o
          CROSS JOIN LATERAL (VALUES
              (jsonb_build_object('at', cg_internal.instant_text(o.issued_at), 'kind', 'order',
                                  'account', o.issued_by,
                                  'note', format('#%s %s: %s', o.id, cg_internal.date_text(o.deadline), o.text)),
               2 * o.id),
              (CASE WHEN o.answered_at IS NOT NULL THEN
                   jsonb_build_object('at', cg_internal.instant_text(o.answered_at), 'kind', 'order_answered',
                                      'account', o.answered_by, 'note', format('#%s: %s', o.id, o.answer)) END,
               2 * o.id + 1)) AS x(entry, n)
          WHERE x.entry IS NOT NULL
            AND cg_internal.can_see_order(a, o.unit_code)
            AND (o.report_id = p_report_id OR o.case_id = p_case_id)) e
$$;
