-- The people in the loop (step 5, sql/0010_people.sql): accounts managed by
-- hq with a request instead of SQL — officer accounts bound to an officer of
-- their unit, the leaders of a unit — and the supervision orders (督办)
-- issued to a unit. Conventions of core.sql.

-- ---------------------------------------------------------------------------
-- Accounts
-- ---------------------------------------------------------------------------

CREATE FUNCTION cg_internal.account_doc(p_name text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'name', a.name,
        'display_name', a.display_name,
        'role', a.role,
        'unit', coalesce(a.unit_code, ''),
        'unit_name', coalesce(u.name_zh, ''),
        'officer_id', coalesce(a.officer_id, 0),
        'officer_name', coalesce(o.name, ''),
        'cert_subject', a.cert_subject,
        'cert_fingerprint', coalesce(a.cert_fingerprint, ''),
        'created_at', cg_internal.instant_text(a.created_at),
        'created_by', coalesce(a.created_by, ''),
        'disabled_at', cg_internal.instant_text(a.disabled_at),
        'disabled_by', coalesce(a.disabled_by, ''),
        'disable_reason', a.disable_reason)
    FROM accounts a
    LEFT JOIN units u ON u.code = a.unit_code
    LEFT JOIN officers o ON o.id = a.officer_id
    WHERE a.name = p_name
$$;

-- The roles an account may have, in the order people read them.
CREATE FUNCTION cg_internal.account_roles() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['hq', 'supervision', 'section', 'unit', 'unit_leader', 'officer', 'property', 'integration']
$$;

-- AccountAdd: hq only. The role decides what else is needed: a unit for
-- unit, section, unit_leader and officer (an officer account takes its
-- officer's unit when none is named, and must be of it), none for property
-- and integration; officer_id for officer only. The certificate subject is
-- kept as written (RFC 2253, as the server reads certificates); the
-- fingerprint is 64 hex digits, colons and case aside.
CREATE FUNCTION cg_api.account_add(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'account.add');
    v_prev jsonb;
    o jsonb := CASE WHEN jsonb_typeof(p_req -> 'account') = 'object' THEN p_req -> 'account' ELSE '{}'::jsonb END;
    v_name text := lower(cg_internal.clean(o ->> 'name'));
    v_display text := cg_internal.clean(o ->> 'display_name');
    v_role text := lower(cg_internal.clean(o ->> 'role'));
    v_unit_in text := cg_internal.clean(o ->> 'unit');
    v_officer_id bigint := cg_internal.req_int(o, 'officer_id');
    v_subject text := cg_internal.clean(o ->> 'cert_subject');
    v_fp text := lower(replace(cg_internal.clean(o ->> 'cert_fingerprint'), ':', ''));
    v_unit text;
    v_officer officers;
    v_other text;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'account_add', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('name', cg_internal.text_problem(v_name, 64, true, false));
    IF v_name !~ '^[a-z][a-z0-9_-]{1,63}$' THEN
        PERFORM cg_internal.fail('CG003', 'name',
                                 format('name: %s is not an account name (a letter, then 1 to 63 letters, digits, - or _)',
                                        cg_internal.q(v_name)),
                                 'account.bad_name', jsonb_build_object('field', 'name', 'value', left(v_name, 40)));
    END IF;
    PERFORM cg_internal.check('display_name', cg_internal.text_problem(v_display, 100, false, false));
    PERFORM cg_internal.check('role', cg_internal.one_of_problem(v_role, cg_internal.account_roles(), true));
    IF v_officer_id < 0 THEN
        PERFORM cg_internal.check('officer_id', cg_internal.range_problem(v_officer_id, 1, 9223372036854775807));
    END IF;
    IF v_role = 'officer' THEN
        PERFORM cg_internal.check('officer_id', CASE WHEN v_officer_id = 0 THEN cg_internal.missing() END);
        SELECT * INTO v_officer FROM officers WHERE id = v_officer_id;
        IF NOT FOUND THEN
            PERFORM cg_internal.fail('CG005', 'officer_id', format('officer %s not found', v_officer_id),
                                     'officer.not_found', jsonb_build_object('id', v_officer_id));
        END IF;
        IF v_unit_in = '' THEN
            v_unit_in := v_officer.unit_code;
        END IF;
    ELSIF v_officer_id <> 0 THEN
        PERFORM cg_internal.fail('CG003', 'officer_id',
                                 format('officer_id: only an officer account is bound to an officer (role %s)', v_role),
                                 'account.officer_not_allowed', jsonb_build_object('field', 'officer_id', 'role', v_role));
    END IF;
    IF v_unit_in <> '' THEN
        v_unit := cg_internal.unit_code_of(v_unit_in);
        IF v_unit IS NULL THEN
            PERFORM cg_internal.fail('CG003', 'unit', format('unit: unknown unit %s', cg_internal.q(v_unit_in)),
                                     'unit.unknown', jsonb_build_object('field', 'unit', 'value', left(v_unit_in, 40)));
        END IF;
    END IF;
    IF v_role IN ('unit', 'section', 'officer', 'unit_leader') AND v_unit IS NULL THEN
        PERFORM cg_internal.fail('CG003', 'unit', format('unit: an account of role %s needs its unit', v_role),
                                 'account.unit_required', jsonb_build_object('field', 'unit', 'role', v_role));
    END IF;
    IF v_role IN ('property', 'integration') AND v_unit IS NOT NULL THEN
        PERFORM cg_internal.fail('CG003', 'unit', format('unit: an account of role %s has no unit', v_role),
                                 'account.unit_not_allowed', jsonb_build_object('field', 'unit', 'role', v_role));
    END IF;
    IF v_role = 'officer' AND v_officer.unit_code <> v_unit THEN
        PERFORM cg_internal.fail('CG003', 'officer_id',
                                 format('officer %s belongs to unit %s, not %s', v_officer.id, v_officer.unit_code, v_unit),
                                 'officer.other_unit',
                                 jsonb_build_object('field', 'officer_id', 'id', v_officer.id,
                                                    'unit', v_officer.unit_code, 'expected', v_unit));
    END IF;
    PERFORM cg_internal.check('cert_subject', cg_internal.text_problem(v_subject, 255, true, false));
    IF v_subject !~ '^[A-Za-z][A-Za-z0-9.]*=' THEN
        PERFORM cg_internal.fail('CG003', 'cert_subject',
                                 format('cert_subject: %s is not a subject in RFC 2253 form (CN=name,O=org)',
                                        cg_internal.q(v_subject)),
                                 'account.bad_subject', jsonb_build_object('field', 'cert_subject', 'value', left(v_subject, 40)));
    END IF;
    IF v_fp <> '' AND v_fp !~ '^[0-9a-f]{64}$' THEN
        PERFORM cg_internal.fail('CG003', 'cert_fingerprint',
                                 'cert_fingerprint: must be the 64 hex digits of a SHA-256',
                                 'account.bad_fingerprint', jsonb_build_object('field', 'cert_fingerprint'));
    END IF;
    IF EXISTS (SELECT 1 FROM accounts WHERE name = v_name) THEN
        PERFORM cg_internal.fail('CG006', 'name', format('account %s already exists', v_name),
                                 'account.exists', jsonb_build_object('account', v_name));
    END IF;
    SELECT name INTO v_other FROM accounts WHERE cert_subject = v_subject;
    IF FOUND THEN
        PERFORM cg_internal.fail('CG006', 'cert_subject',
                                 format('certificate subject %s is already the account %s', cg_internal.q(v_subject), v_other),
                                 'account.subject_taken', jsonb_build_object('account', v_other, 'subject', left(v_subject, 80)));
    END IF;
    IF v_role = 'officer' THEN
        SELECT name INTO v_other FROM accounts WHERE officer_id = v_officer.id AND disabled_at IS NULL;
        IF FOUND THEN
            PERFORM cg_internal.fail('CG006', 'officer_id',
                                     format('officer %s already has the account %s', v_officer.id, v_other),
                                     'account.officer_taken', jsonb_build_object('id', v_officer.id, 'account', v_other));
        END IF;
    END IF;
    INSERT INTO accounts (name, display_name, role, unit_code, officer_id, cert_subject, cert_fingerprint, created_by)
    VALUES (v_name, v_display, v_role, v_unit, nullif(v_officer_id, 0), v_subject, nullif(v_fp, ''), a.name);
    RETURN cg_internal.idem_end(a, p_req, cg_internal.account_doc(v_name));
END
$$;

-- AccountDisable: hq only, with a reason; never one's own account (hq
-- would lock itself out). The server closes the account's live connections
-- at its next check.
CREATE FUNCTION cg_api.account_disable(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'account.disable');
    v_prev jsonb;
    v_name text := lower(cg_internal.clean(p_req ->> 'name'));
    v_reason text := cg_internal.clean(p_req ->> 'reason');
    t accounts;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'account_disable', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('name', cg_internal.text_problem(v_name, 64, true, false));
    PERFORM cg_internal.check('reason', cg_internal.text_problem(v_reason, 500, true, false));
    SELECT * INTO t FROM accounts WHERE name = v_name FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cg_internal.fail('CG005', 'name', format('account %s not found', cg_internal.q(v_name)),
                                 'account.not_found', jsonb_build_object('account', left(v_name, 64)));
    END IF;
    IF t.name = a.name THEN
        PERFORM cg_internal.fail('CG009', 'name', 'an account cannot disable itself',
                                 'account.self', jsonb_build_object('account', t.name));
    END IF;
    IF t.disabled_at IS NOT NULL THEN
        PERFORM cg_internal.fail('CG009', 'name', format('account %s was disabled at %s', t.name,
                                                         cg_internal.instant_text(t.disabled_at)),
                                 'account.already_disabled',
                                 jsonb_build_object('account', t.name, 'at', cg_internal.instant_text(t.disabled_at)));
    END IF;
    UPDATE accounts SET disabled_at = now(), disabled_by = a.name, disable_reason = v_reason WHERE name = t.name;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.account_doc(t.name));
END
$$;

-- AccountList: hq only; by name; filters role and unit; disabled ones only
-- when asked for.
CREATE FUNCTION cg_api.account_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'account.list');
    v_role text := lower(cg_internal.clean(p_req ->> 'role'));
    v_unit text;
    v_disabled boolean := coalesce((p_req ->> 'disabled')::boolean, false);
BEGIN
    PERFORM cg_internal.check('role', cg_internal.one_of_problem(v_role, cg_internal.account_roles(), false));
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    RETURN jsonb_build_object('accounts', coalesce((
        SELECT jsonb_agg(cg_internal.account_doc(x.name) ORDER BY x.name)
        FROM accounts x
        WHERE (v_role = '' OR x.role = v_role)
          AND (v_unit IS NULL OR x.unit_code = v_unit)
          AND (v_disabled OR x.disabled_at IS NULL)), '[]'::jsonb));
END
$$;
