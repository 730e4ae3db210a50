-- Step 7: the audit trail (审计日志). The table is sql/0025_audit.sql; the
-- contract of audit list is proto/chengguan/v1/audit.proto.
--
-- cg_internal.idem_end (core.sql) calls audit_record for every change it
-- completes: every mutating request passes idem_begin and idem_end, so this
-- is the one place a change is recorded, in the change's own transaction.

-- The ids a change touched or made, as "name=value" words: the request's and
-- the reply's top-level id and *_id fields (the reply's win); for a reply
-- without an id, its counts and the name, date and kind that are its key
-- (an account, a calendar day, a time limit, an import's counts).
-- (plpgsql, not sql: its plan is kept for the session; a SQL function called
-- in the INSERT below would be planned again for every change.)
CREATE FUNCTION cg_internal.audit_summary(p_req jsonb, p_result jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN (
        WITH fields AS (
            SELECT k, v, 1 AS src FROM jsonb_each(p_req) e(k, v)
            WHERE jsonb_typeof(p_req) = 'object' AND (k = 'id' OR k LIKE '%\_id')
            UNION ALL
            SELECT k, v, 2 FROM jsonb_each(p_result) e(k, v)
            WHERE jsonb_typeof(p_result) = 'object'
              AND (k = 'id' OR k LIKE '%\_id' OR NOT (p_result ? 'id'))
        ), kept AS (
            SELECT DISTINCT ON (k) k, v FROM fields
            WHERE (jsonb_typeof(v) = 'number' AND v <> '0'::jsonb)
               OR (jsonb_typeof(v) = 'string' AND k IN ('name', 'date', 'kind') AND v <> '""'::jsonb)
            ORDER BY k, src DESC
        )
        SELECT coalesce(string_agg(k || '=' || left(v #>> '{}', 64), ' ' ORDER BY k <> 'id', k), '') FROM kept);
END
$$;

-- Records the change of request p_req by a under idempotency key p_key
-- (method: the cg_api function). The server sets cg.cert_sha256,
-- cg.request_id and cg.request_type for the transaction (sql_call.c).
CREATE FUNCTION cg_internal.audit_record(a accounts, p_key bytea, p_method text, p_req jsonb,
                                         p_result jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_log (account, cert_sha256, request_id, idempotency_key, request_type, method, summary)
    VALUES (a.name, nullif(current_setting('cg.cert_sha256', true), ''),
            nullif(current_setting('cg.request_id', true), '')::bigint,
            p_key, coalesce(nullif(current_setting('cg.request_type', true), ''), p_method), p_method,
            cg_internal.audit_summary(p_req, p_result));
END
$$;

-- A bound of audit list: a Beijing day (YYYY-MM-DD; as `to`, the whole day)
-- or an instant; NULL when not given.
CREATE FUNCTION cg_internal.audit_bound(p_req jsonb, p_field text, p_end boolean) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v text := coalesce(p_req ->> p_field, '');
BEGIN
    IF v = '' THEN
        RETURN NULL;
    END IF;
    IF v ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
        PERFORM cg_internal.check(p_field, cg_internal.date_problem(v, true));
        RETURN (cg_internal.date_of(v) + CASE WHEN p_end THEN 1 ELSE 0 END)::timestamp AT TIME ZONE 'Asia/Shanghai';
    END IF;
    PERFORM cg_internal.check(p_field, cg_internal.instant_problem(v, true));
    RETURN cg_internal.instant_of(v) + CASE WHEN p_end THEN interval '1 microsecond' ELSE interval '0' END;
END
$$;

CREATE FUNCTION cg_internal.audit_doc(l audit_log) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', l.id,
        'at', cg_internal.instant_text(l.at),
        'account', l.account,
        'cert_sha256', coalesce(l.cert_sha256, ''),
        'request_id', coalesce(l.request_id, 0),
        'idempotency_key', encode(l.idempotency_key, 'hex'),
        'type', l.request_type,
        'method', l.method,
        'summary', l.summary,
        'db_role', l.db_role)
$$;

-- audit list: newest first, for hq and supervision (the bureau's own
-- oversight); everyone else is refused.
CREATE FUNCTION cg_api.audit_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'audit.list');
    v_who text := coalesce(p_req ->> 'account', '');
    v_type text := coalesce(p_req ->> 'type', '');
    v_from timestamptz;
    v_to timestamptz;
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit integer := cg_internal.page_limit(p_req);
    c refcursor;
BEGIN
    PERFORM cg_internal.check('account', cg_internal.text_problem(v_who, 64, false, false));
    PERFORM cg_internal.check('type', cg_internal.text_problem(v_type, 64, false, false));
    v_from := cg_internal.audit_bound(p_req, 'from', false);
    v_to := cg_internal.audit_bound(p_req, 'to', true);
    PERFORM cg_internal.check('to', CASE WHEN v_to <= v_from
        THEN cg_internal.problem('period.reversed', jsonb_build_object('from', p_req ->> 'from'),
                                 format('before from (%s)', p_req ->> 'from')) END);
    OPEN c FOR SELECT cg_internal.audit_doc(l) FROM audit_log l
         WHERE (v_who = '' OR l.account = v_who)
           AND (v_type = '' OR l.request_type = v_type OR l.method = v_type)
           AND (v_from IS NULL OR l.at >= v_from)
           AND (v_to IS NULL OR l.at < v_to)
           AND (v_after = 0 OR l.id < v_after)
         ORDER BY l.id DESC LIMIT v_limit + 1;
    RETURN cg_internal.mech_page(c, v_limit, 'entries');
END
$$;
