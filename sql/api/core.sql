-- The helpers every request function uses: errors, request values, checks of
-- single values, the caller and its scope, idempotency; and the append-only
-- triggers' functions.
--
-- sql/api/*.sql hold every function, view and type of the schemas cg_api and
-- cg_internal; the numbered migrations hold the tables. `chengguand
-- --migrate` re-applies this whole directory, in file-name order, in one
-- transaction whenever its checksum changes: it first drops every function,
-- view and type of cg_api and cg_internal except the functions that triggers
-- call (those are CREATE OR REPLACE here, so their signature never changes).
-- Edit these files in place; see docs/operations.md (Migrations).
--
-- The server does no domain logic: for each request it turns the protobuf
-- request into JSON (keys = proto field names, every field present) and
-- calls one function of schema cg_api,
--
--     SELECT cg_api.<name>(account_name, request::jsonb)
--
-- which returns the reply message as JSON (keys = proto field names, nothing
-- else). Errors are raised with SQLSTATE 'CG0NN' (NN = wire code) and the
-- request field at fault in COLUMN:
--   CG003 INVALID_ARGUMENT, CG005 NOT_FOUND, CG006 ALREADY_EXISTS,
--   CG007 PERMISSION_DENIED, CG009 FAILED_PRECONDITION, CG010 ABORTED,
--   CG016 UNAUTHENTICATED.
-- Role-level authorisation is the server's route table; the row scope (which
-- rows an account sees and changes) is decided here, from the account's role
-- and unit.

-- ---------------------------------------------------------------------------
-- Append-only and no-delete triggers. They raise P0001 (INTERNAL on the
-- wire): the API never does what they refuse.
-- ---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION cg_internal.refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % refused: %', TG_OP, TG_TABLE_NAME, TG_ARGV[0];
END
$$;

-- An idempotency row may change once: its placeholder (result NULL) gets the
-- reply, and nothing else about it changes.
CREATE OR REPLACE FUNCTION cg_internal.idempotency_fill_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.result IS NULL AND NEW.result IS NOT NULL
       AND NEW.account = OLD.account AND NEW.key = OLD.key AND NEW.method = OLD.method
       AND NEW.request_hash = OLD.request_hash AND NEW.created_at = OLD.created_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on idempotency_keys refused: only the placeholder''s result may be filled in', TG_OP;
END
$$;

-- ---------------------------------------------------------------------------
-- Small helpers: errors, request values, checks of single values.
-- The *_problem functions return NULL when the value is fine, else a
-- problem (cg_internal.problem) for cg_internal.check.
-- ---------------------------------------------------------------------------

-- Raises SQLSTATE p_code with p_message (English: logs, older clients),
-- COLUMN p_column when given, and DETAIL {"reason": p_reason, "params":
-- p_params}: the stable machine code of docs/protocol.md (Errors) and the
-- values its text needs, which the server sends as Error.reason and
-- Error.params. Params are strings or whole numbers; instants RFC 3339.
CREATE FUNCTION cg_internal.fail(p_code text, p_column text, p_message text, p_reason text,
                                 p_params jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_detail text := jsonb_build_object('reason', p_reason, 'params', coalesce(p_params, '{}'))::text;
BEGIN
    IF p_column IS NULL OR p_column = '' THEN
        RAISE EXCEPTION USING ERRCODE = p_code, MESSAGE = p_message, DETAIL = v_detail;
    END IF;
    RAISE EXCEPTION USING ERRCODE = p_code, MESSAGE = p_message, COLUMN = p_column, DETAIL = v_detail;
END
$$;

-- What is wrong with a value: a reason of docs/protocol.md, its params, and
-- the English text, phrased to follow "field: " ("must not be empty").
CREATE FUNCTION cg_internal.problem(p_reason text, p_params jsonb, p_text text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('reason', p_reason, 'params', p_params, 'text', p_text)
$$;

-- CG003 "field: text" naming field, when the problem is not NULL; the field
-- is a param too.
CREATE FUNCTION cg_internal.check(p_field text, p_problem jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_problem IS NOT NULL THEN
        PERFORM cg_internal.fail('CG003', p_field, p_field || ': ' || (p_problem ->> 'text'),
                                 p_problem ->> 'reason',
                                 coalesce(p_problem -> 'params', '{}') || jsonb_build_object('field', p_field));
    END IF;
END
$$;

-- A problem that is required and missing.
CREATE FUNCTION cg_internal.missing() RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT cg_internal.problem('value.required', '{}', 'must be given')
$$;

-- A request string: NULL -> '', surrounding white space (also U+3000) removed.
CREATE FUNCTION cg_internal.clean(v text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT btrim(coalesce(v, ''), E' \t\r\n\u3000')
$$;

-- A JSON whole number (or a string of digits) as numeric; NULL for anything else.
CREATE FUNCTION cg_internal.json_num(j jsonb) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE jsonb_typeof(j)
               WHEN 'number' THEN (j #>> '{}')::numeric
               WHEN 'string' THEN CASE WHEN btrim(j #>> '{}') ~ '^-?[0-9]{1,18}$' THEN btrim(j #>> '{}')::numeric END
           END
$$;

-- An id or count of the request (uint64/uint32): absent or null -> 0.
CREATE FUNCTION cg_internal.req_int(p_req jsonb, p_key text) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    j jsonb := p_req -> p_key;
    n numeric;
BEGIN
    IF j IS NULL OR jsonb_typeof(j) = 'null' THEN
        RETURN 0;
    END IF;
    n := cg_internal.json_num(j);
    IF n IS NULL OR n <> trunc(n) OR n < -2147483648 OR n > 9223372036854775807 THEN
        PERFORM cg_internal.fail('CG003', p_key, p_key || ': not a whole number', 'value.not_a_number',
                                 jsonb_build_object('field', p_key));
    END IF;
    RETURN n;
END
$$;

-- A value for an error message: quoted, cut at 40 characters.
CREATE FUNCTION cg_internal.q(v text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT quote_literal(CASE WHEN length(coalesce(v, '')) > 40 THEN left(v, 40) || '…' ELSE coalesce(v, '') END)
$$;

-- Text of at most max_len characters; single-line unless multiline.
CREATE FUNCTION cg_internal.text_problem(v text, max_len integer, required boolean, multiline boolean) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN v = '' THEN CASE WHEN required THEN cg_internal.problem('value.required', '{}', 'must not be empty') END
        WHEN length(v) > max_len
            THEN cg_internal.problem('value.too_long', jsonb_build_object('max', max_len, 'got', length(v)),
                                     format('must be at most %s characters (got %s)', max_len, length(v)))
        WHEN NOT multiline AND v ~ '[[:cntrl:]]'
            THEN cg_internal.problem('value.line_break', '{}', 'must not contain line breaks or control characters')
    END
$$;

-- One of the words p_allowed.
CREATE FUNCTION cg_internal.one_of_problem(v text, p_allowed text[], required boolean) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN v = '' THEN CASE WHEN required THEN cg_internal.problem('value.required', '{}', 'must not be empty') END
        WHEN v <> ALL (p_allowed)
            THEN cg_internal.problem('value.not_one_of',
                                     jsonb_build_object('value', left(v, 40), 'allowed', array_to_string(p_allowed, ', ')),
                                     format('must be one of %s (got %s)', array_to_string(p_allowed, ', '), cg_internal.q(v)))
    END
$$;

-- A whole number from p_min to p_max.
CREATE FUNCTION cg_internal.range_problem(v numeric, p_min numeric, p_max numeric) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v NOT BETWEEN p_min AND p_max
        THEN cg_internal.problem('value.out_of_range',
                                 jsonb_build_object('min', p_min::text, 'max', p_max::text, 'got', v::text),
                                 format('must be %s to %s (got %s)', p_min, p_max, v))
    END
$$;

-- A count of the request, j as given and n = json_num(j): absent or null is
-- fine (NULL), else a whole number from 0 to 2^31-1.
CREATE FUNCTION cg_internal.count_problem(j jsonb, n numeric) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN j IS NULL OR jsonb_typeof(j) = 'null' THEN NULL
        WHEN n IS NULL OR n <> trunc(n) THEN cg_internal.problem('value.not_a_number', '{}', 'must be a whole number')
        ELSE cg_internal.range_problem(n, 0, 2147483647)
    END
$$;

-- Chinese phone numbers, after removing spaces and dashes: mobile
-- 1[3-9]xxxxxxxxx, landline with area code 0xx(x)xxxxxxx(x), local
-- xxxxxxx(x), service 12xxx (12345, 12319). Stored as given.
CREATE FUNCTION cg_internal.phone_problem(v text, required boolean) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN v = '' THEN CASE WHEN required THEN cg_internal.problem('value.required', '{}', 'must not be empty') END
        WHEN length(v) > 30
          OR regexp_replace(v, '[ -]', '', 'g') !~ '^(1[3-9][0-9]{9}|0[0-9]{2,3}[0-9]{7,8}|[0-9]{7,8}|12[0-9]{3})$'
            THEN cg_internal.problem('value.phone', jsonb_build_object('value', left(v, 40)),
                                     format('not a valid phone number: %s', cg_internal.q(v)))
    END
$$;

-- Today in Asia/Shanghai, the calendar of every rule.
CREATE FUNCTION cg_internal.today() RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- A 'YYYY-MM-DD' string as a date; only for strings date_problem accepted.
CREATE FUNCTION cg_internal.date_of(v text) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT make_date(substr(v, 1, 4)::integer, substr(v, 6, 2)::integer, substr(v, 9, 2)::integer)
$$;

CREATE FUNCTION cg_internal.date_text(d date) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(to_char(d, 'YYYY-MM-DD'), '')
$$;

-- A calendar date 'YYYY-MM-DD' from 2021-01-01 (the programme) to today.
CREATE FUNCTION cg_internal.date_problem(v text, required boolean) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN v = '' THEN CASE WHEN required THEN cg_internal.problem('value.required', '{}', 'must not be empty') END
        WHEN v !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
            THEN cg_internal.problem('value.not_a_date', jsonb_build_object('value', left(v, 40)),
                                     format('not a date in the form YYYY-MM-DD: %s', cg_internal.q(v)))
        WHEN substr(v, 1, 4)::integer < 1 OR substr(v, 6, 2)::integer NOT BETWEEN 1 AND 12
          OR substr(v, 9, 2)::integer NOT BETWEEN 1 AND
             extract(day FROM make_date(substr(v, 1, 4)::integer, substr(v, 6, 2)::integer, 1)
                              + interval '1 month' - interval '1 day')::integer
            THEN cg_internal.problem('value.no_such_date', jsonb_build_object('value', v),
                                     format('no such date: %s', cg_internal.q(v)))
        WHEN cg_internal.date_of(v) < date '2021-01-01'
            THEN cg_internal.problem('value.before_programme', jsonb_build_object('first', '2021-01-01'),
                                     'date before the records begin (2021-01-01; the programme itself starts on 2021-01-26)')
        WHEN cg_internal.date_of(v) > cg_internal.today()
            THEN cg_internal.problem('value.after_today', jsonb_build_object('today', cg_internal.date_text(cg_internal.today())),
                                     format('date after today (%s in Asia/Shanghai)', to_char(cg_internal.today(), 'YYYY-MM-DD')))
    END
$$;

-- RFC 3339 in UTC with milliseconds; '' for NULL.
CREATE FUNCTION cg_internal.instant_text(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), '')
$$;

-- A unit by code or Chinese name; NULL when there is none.
CREATE FUNCTION cg_internal.unit_code_of(v text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT u.code FROM units u WHERE u.code = lower(v) OR u.name_zh = v ORDER BY u.code LIMIT 1
$$;

-- A district by code, Chinese name or the Chinese name of its unit; NULL when there is none.
CREATE FUNCTION cg_internal.district_code_of(v text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT d.code FROM districts d JOIN units u ON u.code = d.unit_code
    WHERE d.code = lower(v) OR d.name_zh = v OR u.name_zh = v
    ORDER BY d.code LIMIT 1
$$;

-- The most bytes of JSON one page of a list may hold: cg.reply_budget_bytes,
-- which the server derives from max_frame_bytes (a reply's protobuf is no
-- larger than its JSON); 3 MiB when unset (psql).
CREATE FUNCTION cg_internal.reply_budget() RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('cg.reply_budget_bytes', true), '')::bigint, 3145728)
$$;

-- Whether row n of a page, the rows up to which (this one included) take
-- p_bytes bytes of JSON, belongs to the page: at most p_limit rows and at
-- most reply_budget() bytes, but always the first row (so that every page
-- moves on; a row larger than a frame is the server's to refuse). The page
-- is cut before the first row that is not in it, and next_after_* points
-- there.
CREATE FUNCTION cg_internal.in_page(n bigint, p_bytes numeric, p_limit integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT n <= p_limit AND (n = 1 OR p_bytes <= cg_internal.reply_budget())
$$;

-- Paging limit: 0 -> 1000, else 1..5000.
CREATE FUNCTION cg_internal.page_limit(p_req jsonb) RETURNS integer
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    n bigint := cg_internal.req_int(p_req, 'limit');
BEGIN
    IF n = 0 THEN
        RETURN 1000;
    END IF;
    IF n NOT BETWEEN 1 AND 5000 THEN
        PERFORM cg_internal.fail('CG003', 'limit', format('limit: must be 0 (1000) or 1 to 5000 (got %s)', n),
                                 'value.out_of_range', jsonb_build_object('field', 'limit', 'min', 1, 'max', 5000, 'got', n));
    END IF;
    RETURN n;
END
$$;

-- ---------------------------------------------------------------------------
-- Who is calling, and what they may see and change.
--   hq                       sees and changes every compound
--   supervision, section     see every compound, change nothing (supervision
--                            and hq may toggle demo)
--   unit                     sees and changes the compounds of the districts
--                            its unit covers (the detachment covers none)
--   officer, unit_leader     see what their unit sees, change nothing
--   property                 sees the compounds whose property_account it is
--   integration              sees every compound (get and list only)
-- ---------------------------------------------------------------------------

CREATE FUNCTION cg_internal.caller(p_account text) RETURNS accounts
LANGUAGE plpgsql STABLE AS $$
DECLARE
    a accounts;
BEGIN
    SELECT * INTO a FROM accounts WHERE name = p_account;
    IF NOT FOUND THEN
        PERFORM cg_internal.fail('CG016', NULL, format('unknown account %s', cg_internal.q(p_account)),
                                 'account.unknown', jsonb_build_object('account', p_account));
    END IF;
    IF a.disabled_at IS NOT NULL THEN
        PERFORM cg_internal.fail('CG016', NULL, format('account %s is disabled', cg_internal.q(p_account)),
                                 'account.disabled', jsonb_build_object('account', p_account));
    END IF;
    RETURN a;
END
$$;

-- Is a one of a unit's own accounts, whose rows are its unit's: the unit,
-- its officers (officer) and its leaders (unit_leader). Only the unit itself
-- changes them.
CREATE FUNCTION cg_internal.unit_member(a accounts) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(a.role IN ('unit', 'officer', 'unit_leader'), false)
$$;

-- May a see a compound of unit p_unit linked to p_property_account?
CREATE FUNCTION cg_internal.can_see(a accounts, p_unit text, p_property_account text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(a.role IN ('hq', 'supervision', 'section', 'integration')
                    OR (cg_internal.unit_member(a) AND a.unit_code = p_unit)
                    OR (a.role = 'property' AND a.name = p_property_account), false)
$$;

-- May a change the ledger of a compound of unit p_unit?
CREATE FUNCTION cg_internal.can_change(a accounts, p_unit text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(a.role = 'hq' OR (a.role = 'unit' AND a.unit_code = p_unit), false)
$$;

-- A list filter naming a unit (code or Chinese name): NULL for any; CG003
-- when unknown; CG007 when a unit account names another unit.
CREATE FUNCTION cg_internal.unit_filter(a accounts, p_value text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v text := cg_internal.clean(p_value);
    code text;
BEGIN
    IF v = '' THEN
        RETURN NULL;
    END IF;
    code := cg_internal.unit_code_of(v);
    IF code IS NULL THEN
        PERFORM cg_internal.fail('CG003', 'unit', format('unit: unknown unit %s', cg_internal.q(v)),
                                 'unit.unknown', jsonb_build_object('field', 'unit', 'value', left(v, 40)));
    END IF;
    IF cg_internal.unit_member(a) AND code <> a.unit_code THEN
        PERFORM cg_internal.fail('CG007', 'unit', format('unit %s is outside your scope', code),
                                 'unit.out_of_scope', jsonb_build_object('unit', code));
    END IF;
    RETURN code;
END
$$;

-- The same for a district filter.
CREATE FUNCTION cg_internal.district_filter(a accounts, p_value text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v text := cg_internal.clean(p_value);
    d districts;
BEGIN
    IF v = '' THEN
        RETURN NULL;
    END IF;
    SELECT * INTO d FROM districts WHERE code = cg_internal.district_code_of(v);
    IF NOT FOUND THEN
        PERFORM cg_internal.fail('CG003', 'district', format('district: unknown district %s', cg_internal.q(v)),
                                 'district.unknown', jsonb_build_object('field', 'district', 'value', left(v, 40)));
    END IF;
    IF cg_internal.unit_member(a) AND d.unit_code <> a.unit_code THEN
        PERFORM cg_internal.fail('CG007', 'district', format('district %s is outside your scope', d.code),
                                 'district.out_of_scope', jsonb_build_object('district', d.code));
    END IF;
    RETURN d.code;
END
$$;

-- ---------------------------------------------------------------------------
-- Idempotency. idem_begin inserts a placeholder for (account, key); when the
-- key was used before it returns that first reply (or refuses a different
-- request). A concurrent duplicate waits on the primary key until the first
-- transaction ends. idem_end stores the reply in the placeholder. When the
-- work raises, the transaction rolls back, placeholder included.
-- ---------------------------------------------------------------------------

CREATE FUNCTION cg_internal.idem_key(p_req jsonb) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v text := coalesce(p_req ->> 'idempotency_key', '');
BEGIN
    IF v = '' THEN
        PERFORM cg_internal.fail('CG003', 'idempotency_key',
                                 'idempotency_key: missing (every change needs a key of 16 to 64 bytes)',
                                 'idempotency_key.invalid', '{}');
    END IF;
    IF v !~ '^([0-9a-fA-F]{2})+$' THEN
        PERFORM cg_internal.fail('CG003', 'idempotency_key', 'idempotency_key: not a hex string',
                                 'idempotency_key.invalid', '{}');
    END IF;
    IF length(v) NOT BETWEEN 32 AND 128 THEN
        PERFORM cg_internal.fail('CG003', 'idempotency_key',
                                 format('idempotency_key: must be 16 to 64 bytes (got %s)', length(v) / 2),
                                 'idempotency_key.invalid', '{}');
    END IF;
    RETURN decode(v, 'hex');
END
$$;

CREATE FUNCTION cg_internal.idem_begin(a accounts, p_method text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_key bytea := cg_internal.idem_key(p_req);
    v_hash text := md5((p_req - 'idempotency_key')::text);
    r idempotency_keys;
BEGIN
    INSERT INTO idempotency_keys (account, key, method, request_hash)
    VALUES (a.name, v_key, p_method, v_hash)
    ON CONFLICT (account, key) DO NOTHING;
    IF FOUND THEN
        RETURN NULL;
    END IF;
    SELECT * INTO r FROM idempotency_keys WHERE account = a.name AND key = v_key;
    IF r.method <> p_method OR r.request_hash <> v_hash THEN
        PERFORM cg_internal.fail('CG003', 'idempotency_key', 'idempotency_key was already used for a different request',
                                 'idempotency_key.reused', '{}');
    END IF;
    IF r.result IS NULL THEN
        PERFORM cg_internal.fail('CG010', 'idempotency_key', 'the request with this idempotency_key is still in progress',
                                 'idempotency_key.in_progress', '{}');
    END IF;
    RETURN r.result;
END
$$;

-- Completes the change idem_begin started: stores its reply for retries
-- and records it in the audit log (step7_audit.sql), both in the change's
-- transaction. Every mutating request ends here, so nothing is recorded
-- twice (a retry returns from idem_begin) and no change goes unrecorded.
CREATE FUNCTION cg_internal.idem_end(a accounts, p_req jsonb, p_result jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_key bytea := cg_internal.idem_key(p_req);
    v_method text;
BEGIN
    UPDATE idempotency_keys SET result = p_result
    WHERE account = a.name AND key = v_key AND result IS NULL
    RETURNING method INTO v_method;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'idem_end without idem_begin (account %)', a.name;
    END IF;
    PERFORM cg_internal.audit_record(a, v_key, v_method, p_req, p_result);
    RETURN p_result;
END
$$;

-- A period of whole days asked for as `from` and `to` (YYYY-MM-DD, both
-- needed): CG003 naming the field when either is not a date, when `to` is
-- before `from`, or when it spans more than 5 years.
CREATE FUNCTION cg_internal.check_period(p_from text, p_to text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM cg_internal.check('from', cg_internal.date_problem(p_from, true));
    PERFORM cg_internal.check('to', cg_internal.date_problem(p_to, true));
    PERFORM cg_internal.check('to', CASE
        WHEN cg_internal.date_of(p_to) < cg_internal.date_of(p_from)
            THEN cg_internal.problem('period.reversed', jsonb_build_object('from', p_from),
                                     format('before from (%s)', p_from))
        WHEN cg_internal.date_of(p_to) > cg_internal.date_of(p_from) + interval '5 years'
            THEN cg_internal.problem('period.too_long', jsonb_build_object('years', 5),
                                     'the period may span at most 5 years') END);
END
$$;
