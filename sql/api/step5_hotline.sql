-- The 12345 hotline's work orders (step 5, sql/0015_hotline.sql). A request
-- or report the hotline (role integration) files carries its own
-- work-order number, unique per hotline account and searchable; the hotline
-- gets on the event stream the status changes of the items it filed and
-- nothing else (events.filer, cg_internal.event_keys): request.answered
-- and request.closed, report.acknowledged and report.resolved, case.opened
-- and case.moved of the cases from its items. Conventions of core.sql; after
-- step5_cases.sql in name order.

-- The work-order number of a request or report a files (p_table: the table
-- that keeps it): '' when none; only an integration account gives one
-- (CG003 work_order.not_hotline); CG006 work_order.exists, with the item's
-- id, when a already used it.
CREATE FUNCTION cg_internal.work_order_of(a accounts, p_value text, p_table text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v text := cg_internal.clean(p_value);
    v_id bigint;
BEGIN
    IF v = '' THEN
        RETURN '';
    END IF;
    IF a.role <> 'integration' THEN
        PERFORM cg_internal.fail('CG003', 'work_order', 'work_order: only the hotline (an integration account) gives one',
                                 'work_order.not_hotline', jsonb_build_object('field', 'work_order'));
    END IF;
    PERFORM cg_internal.check('work_order', cg_internal.text_problem(v, 64, true, false));
    IF p_table = 'reports' THEN
        SELECT r.id INTO v_id FROM reports r WHERE r.reporter = a.name AND r.work_order = v;
    ELSE
        SELECT q.id INTO v_id FROM resident_requests q WHERE q.created_by = a.name AND q.work_order = v;
    END IF;
    IF v_id IS NOT NULL THEN
        PERFORM cg_internal.fail('CG006', 'work_order',
                                 format('work order %s was already filed (%s %s)', cg_internal.q(v),
                                        CASE WHEN p_table = 'reports' THEN 'report' ELSE 'request' END, v_id),
                                 'work_order.exists',
                                 jsonb_build_object('work_order', left(v, 64), 'id', v_id,
                                                    'kind', CASE WHEN p_table = 'reports' THEN 'report' ELSE 'request' END));
    END IF;
    RETURN v;
END
$$;

-- The hotline account that filed an item: p_account when it is an
-- integration account, else NULL (nobody beyond the unit and the bureau).
CREATE FUNCTION cg_internal.hotline_filer(p_account text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT f.name FROM accounts f WHERE f.name = p_account AND f.role = 'integration'
$$;

-- request.answered / request.closed of request p_id: for its unit and, when
-- the hotline filed it, the hotline; the request with its contact masked.
CREATE FUNCTION cg_internal.emit_request_event(p_kind text, p_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    d cg_internal.request_docs;
    v_at timestamptz := now();
BEGIN
    SELECT * INTO STRICT d FROM cg_internal.request_docs x WHERE x.id = p_id;
    INSERT INTO events (xid, at, kind, unit_code, compound_id, level, filer, body)
    VALUES (pg_current_xact_id(), v_at, p_kind, d.unit_code, d.compound_id, 0, cg_internal.hotline_filer(d.created_by),
            jsonb_build_object(
                'at', cg_internal.instant_text(v_at),
                'kind', p_kind,
                'unit', d.unit_code,
                'compound_id', d.compound_id,
                'request_id', d.id,
                'level', 0,
                'text', CASE p_kind
                            WHEN 'request.answered' THEN format('居民诉求 #%s 已答复 / request %s answered', d.id, d.id)
                            ELSE format('居民诉求 #%s 已办结 / request %s closed', d.id, d.id) END,
                'request', d.doc || jsonb_build_object('contact', cg_internal.mask_contact(d.contact))));
END
$$;

-- An event of case p_id: for its unit and its leaders when level >= 1 (the
-- escalation of step5_case_escalation.sql, with its text); case.opened and
-- case.moved also, when the case came from the hotline's item, for the
-- hotline (and then the case's state only, as the hotline reads it).
CREATE FUNCTION cg_internal.emit_case_event(p_kind text, p_id bigint, p_level integer DEFAULT 0,
                                            p_text text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    k cases;
    v_filer text;
    v_doc jsonb;
    v_at timestamptz := now();
BEGIN
    SELECT * INTO STRICT k FROM cases WHERE id = p_id;
    v_filer := CASE WHEN p_kind IN ('case.opened', 'case.moved') THEN cg_internal.hotline_filer(k.filer_account) END;
    v_doc := (SELECT d.doc FROM cg_internal.case_docs d WHERE d.id = k.id);
    IF v_filer IS NOT NULL THEN
        v_doc := cg_internal.case_doc_for((SELECT f FROM accounts f WHERE f.name = v_filer), v_doc);
    END IF;
    INSERT INTO events (xid, at, kind, unit_code, compound_id, level, leaders, filer, body)
    VALUES (pg_current_xact_id(), v_at, p_kind, k.unit_code, k.compound_id, p_level,
            cg_internal.for_leaders(p_kind, p_level), v_filer,
            jsonb_build_object(
                'at', cg_internal.instant_text(v_at),
                'kind', p_kind,
                'unit', k.unit_code,
                'compound_id', k.compound_id,
                'case_id', k.id,
                'level', p_level,
                'text', coalesce(p_text, format('案件 #%s：%s / case %s: %s', k.id, cg_internal.case_state_zh(k.state),
                                                k.id, k.state)),
                'case_file', v_doc));
END
$$;
