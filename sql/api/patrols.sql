-- Step 3: weekly patrols (定期巡查) and residents' problems, opinions and
-- suggestions (居民反映的问题) with the feedback given. The contract is
-- proto/chengguan/v1/patrol.proto; the tables are in sql/0004_patrols.sql,
-- the conventions in core.sql.
--
-- Time: every calendar rule is in Asia/Shanghai. A week is an ISO week
-- (Monday 00:00 to Sunday 24:00 local), stored as the date of its Monday and
-- written '2021-W09'. Instants in requests are 'YYYY-MM-DDTHH:MM[:SS[.fff]]'
-- (or a space for the T) with an optional offset ('Z', '+08:00', '+0800',
-- '+08'); without one they are local time. Replies give RFC 3339 UTC.
--
-- Weekly duty: a compound is due in every week after the week of its entry
-- date (entered_on) in which it is open on at least one day. It is closed
-- from closed_on on, so its last due week is the week of the day before
-- closed_on: a compound closed on a Monday is not due that week. A due week
-- is patrolled when at least one patrol of the compound starts in it. A
-- patrol that started while the compound was open may be recorded after it
-- closed (paper records of the last week).
--
-- Residents' requests must be answered within cg.request_answer_days days
-- (a server setting passed as a startup option; 3 when unset). The deadline
-- is stored with the request, so a later change of the setting moves no
-- deadline. A request is overdue when it is unanswered past its deadline, or
-- when its first answer came after it.

-- ---------------------------------------------------------------------------
-- Helpers: instants, weeks, dates of filters, the answer deadline, masking.
-- ---------------------------------------------------------------------------

-- An instant of a request as timestamptz; NULL when v is not one.
-- 'YYYY-MM-DD[T ]HH:MM[:SS[.f…]]' with an optional 'Z', '±HH:MM', '±HHMM'
-- or '±HH'; without an offset, Asia/Shanghai local time.
CREATE FUNCTION cg_internal.instant_of(v text) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    m text[] := regexp_match(v, '^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})'
                                 '(?::([0-9]{2})(\.[0-9]{1,9})?)?'
                                 '([Zz]|([+-])([0-9]{2})(?::?([0-9]{2}))?)?$');
    y integer; mo integer; d integer; h integer; mi integer; s integer;
    oh integer; om integer;
    v_local timestamp;
BEGIN
    IF m IS NULL THEN
        RETURN NULL;
    END IF;
    y := m[1]::integer; mo := m[2]::integer; d := m[3]::integer;
    h := m[4]::integer; mi := m[5]::integer; s := coalesce(m[6], '0')::integer;
    oh := coalesce(m[10], '0')::integer; om := coalesce(m[11], '0')::integer;
    IF y < 1 OR mo NOT BETWEEN 1 AND 12 OR d < 1
       OR d > extract(day FROM make_date(y, mo, 1) + interval '1 month' - interval '1 day')
       OR h > 23 OR mi > 59 OR s > 59 OR oh > 14 OR om > 59 THEN
        RETURN NULL;
    END IF;
    v_local := make_timestamp(y, mo, d, h, mi, s + coalesce(('0' || m[7])::float8, 0));
    IF m[8] IS NULL THEN
        RETURN v_local AT TIME ZONE 'Asia/Shanghai';
    ELSIF upper(m[8]) = 'Z' THEN
        RETURN v_local AT TIME ZONE 'UTC';
    END IF;
    RETURN (v_local - CASE m[9] WHEN '-' THEN -1 ELSE 1 END * make_interval(hours => oh, mins => om))
           AT TIME ZONE 'UTC';
END
$$;

-- The reason an instant of a request is unusable, or NULL (cg_internal.check).
CREATE FUNCTION cg_internal.instant_problem(v text, required boolean) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN v = '' THEN CASE WHEN required THEN cg_internal.problem('value.required', '{}', 'must not be empty') END
        WHEN cg_internal.instant_of(v) IS NULL
            THEN cg_internal.problem('value.not_a_time', jsonb_build_object('value', left(v, 40)),
                                     format('not a time: %s (use YYYY-MM-DDTHH:MM[:SS], optionally with Z or +08:00; '
                                            'without an offset it is Beijing time)', cg_internal.q(v)))
    END
$$;

-- The Monday of the ISO week of a local date.
CREATE FUNCTION cg_internal.monday(d date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT (date_trunc('week', d::timestamp))::date
$$;

-- '2021-W09' for a week's Monday; '' for NULL. (STABLE, as to_char is: so
-- that it is inlined, like illegal_construction_problem.)
CREATE FUNCTION cg_internal.week_text(d date) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(to_char(d, 'IYYY-"W"IW'), '')
$$;

-- The Monday of the ISO week 'YYYY-Www' (W case-insensitive); NULL when v
-- is not a week that exists.
CREATE FUNCTION cg_internal.week_of(v text) RETURNS date
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    m text[] := regexp_match(v, '^([0-9]{4})-[Ww]([0-9]{2})$');
    jan4 date;
    d date;
BEGIN
    IF m IS NULL OR m[1]::integer < 1 OR m[2]::integer NOT BETWEEN 1 AND 53 THEN
        RETURN NULL;
    END IF;
    jan4 := make_date(m[1]::integer, 1, 4);
    d := cg_internal.monday(jan4) + 7 * (m[2]::integer - 1);
    IF to_char(d, 'IYYY')::integer <> m[1]::integer THEN
        RETURN NULL;    -- week 53 of a year with 52
    END IF;
    RETURN d;
END
$$;

-- A week of a request (field p_field): its Monday, NULL when v is empty, or
-- CG003 naming the field.
CREATE FUNCTION cg_internal.week_arg(p_field text, v text) RETURNS date
LANGUAGE plpgsql STABLE AS $$
DECLARE
    d date;
BEGIN
    IF v = '' THEN
        RETURN NULL;
    END IF;
    d := cg_internal.week_of(v);
    IF d IS NULL THEN
        PERFORM cg_internal.check(p_field, cg_internal.problem('value.not_a_week', jsonb_build_object('value', left(v, 40)),
            CASE WHEN v ~ '^[0-9]{4}-[Ww]53$' THEN format('%s has no week 53', left(v, 4))
                 ELSE format('not an ISO week in the form 2021-W09: %s', cg_internal.q(v)) END));
    END IF;
    RETURN d;
END
$$;

-- A date filter of a request (field p_field): NULL when v is empty, else a
-- real 'YYYY-MM-DD' date (any: unlike a date that is recorded, a filter may
-- lie before the programme or after today), or CG003 naming the field.
CREATE FUNCTION cg_internal.date_filter(p_field text, v text) RETURNS date
LANGUAGE plpgsql STABLE AS $$
DECLARE
    why jsonb := cg_internal.date_problem(v, false);
BEGIN
    IF v = '' THEN
        RETURN NULL;
    END IF;
    IF why ->> 'reason' NOT IN ('value.before_programme', 'value.after_today') THEN
        PERFORM cg_internal.check(p_field, why);
    END IF;
    RETURN cg_internal.date_of(v);
END
$$;

-- A unit filter of a report over districts (patrol_due, patrol_compliance):
-- cg_internal.unit_filter, and CG003 for a unit that covers no district.
CREATE FUNCTION cg_internal.district_unit_filter(a accounts, p_value text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_unit text := cg_internal.unit_filter(a, p_value);
BEGIN
    IF v_unit IS NOT NULL AND NOT EXISTS (SELECT 1 FROM districts WHERE unit_code = v_unit) THEN
        PERFORM cg_internal.fail('CG003', 'unit', format('unit: unit %s covers no district', v_unit),
                                 'unit.no_district', jsonb_build_object('field', 'unit', 'unit', v_unit));
    END IF;
    RETURN v_unit;
END
$$;

-- The server setting cg.request_answer_days: whole days; 3 when unset.
CREATE FUNCTION cg_internal.request_answer_days() RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v text := btrim(coalesce(current_setting('cg.request_answer_days', true), ''));
BEGIN
    IF v = '' THEN
        RETURN 3;
    END IF;
    IF v !~ '^[0-9]{1,4}$' THEN
        RAISE EXCEPTION 'cg.request_answer_days is not a whole number of days: %', v;
    END IF;
    RETURN v::integer;
END
$$;

-- A resident's contact as shown to everyone but the compound's own unit.
-- "NAME/PHONE" is split at the last '/': the name keeps its first character
-- (张三丰 -> 张**), an 11-digit number its first 3 and last 4 digits
-- (13812345678 -> 138****5678), any other number its last 2 (****45). A
-- contact without '/' is a number when more than half of it is digits,
-- else a name.
CREATE FUNCTION cg_internal.mask_name(v text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN cg_internal.clean(v) = '' THEN ''
                ELSE left(cg_internal.clean(v), 1) || repeat('*', length(cg_internal.clean(v)) - 1) END
$$;

CREATE FUNCTION cg_internal.mask_phone(v text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN cg_internal.clean(v) = '' THEN ''
                WHEN length(x.digits) = 11 THEN left(x.digits, 3) || '****' || right(x.digits, 4)
                ELSE '****' || right(x.digits, 2) END
    FROM (SELECT regexp_replace(coalesce(v, ''), '[^0-9]', '', 'g') AS digits) x
$$;

CREATE FUNCTION cg_internal.mask_contact(v text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN cg_internal.clean(v) = '' THEN ''
        WHEN strpos(v, '/') > 0
            THEN cg_internal.mask_name(substring(v FROM '^(.*)/')) || '/'
                 || cg_internal.mask_phone(substring(v FROM '/([^/]*)$'))
        WHEN length(regexp_replace(v, '[^0-9]', '', 'g')) * 2 > length(regexp_replace(v, '\s', '', 'g'))
            THEN cg_internal.mask_phone(v)
        ELSE cg_internal.mask_name(v)
    END
$$;

-- The patrols that count, those not voided: every figure and duplicate
-- check reads these.
CREATE VIEW cg_internal.patrols_live AS
SELECT p.* FROM patrols p
WHERE NOT EXISTS (SELECT 1 FROM patrol_voids v WHERE v.patrol_id = p.id);

-- Patrols a may see: those of compounds of its unit (unit), all (hq,
-- supervision, section). Others see none (their routes do not reach here).
CREATE FUNCTION cg_internal.patrol_visible(a accounts, p_unit text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(a.role IN ('hq', 'supervision', 'section') OR (a.role = 'unit' AND a.unit_code = p_unit), false)
$$;

-- Requests a may see: the compound's unit (unit); all (hq, supervision,
-- section); those it filed itself (integration, e.g. the 12345 hotline).
CREATE FUNCTION cg_internal.request_visible(a accounts, p_unit text, p_created_by text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(a.role IN ('hq', 'supervision', 'section')
                    OR (a.role = 'unit' AND a.unit_code = p_unit)
                    OR (a.role = 'integration' AND a.name = p_created_by), false)
$$;

-- ---------------------------------------------------------------------------
-- Rendering: a Patrol per patrol, a ResidentRequest per request (contact
-- still to be masked for the reader: request_doc).
-- ---------------------------------------------------------------------------

CREATE VIEW cg_internal.patrol_docs AS
SELECT p.id, p.compound_id, d.unit_code, p.week_start,
       (p.start_at AT TIME ZONE 'Asia/Shanghai')::date AS start_day,
       jsonb_build_object(
           'id', p.id,
           'compound_id', p.compound_id,
           'compound_name', c.name,
           'unit', d.unit_code,
           'officer_ids', o.ids,
           'officer_names', o.names,
           'start', cg_internal.instant_text(p.start_at),
           'end', cg_internal.instant_text(p.end_at),
           'week', cg_internal.week_text(p.week_start),
           'findings', f.docs,
           'note', p.note,
           'submitted_by', p.submitted_by,
           'submitted_at', cg_internal.instant_text(p.submitted_at),
           'voided', pv.patrol_id IS NOT NULL,
           'void_reason', coalesce(pv.reason, ''),
           'voided_by', coalesce(pv.voided_by, ''),
           'voided_at', cg_internal.instant_text(pv.voided_at)
       ) AS doc
FROM patrols p
JOIN compounds c ON c.id = p.compound_id
JOIN districts d ON d.code = c.district_code
LEFT JOIN patrol_voids pv ON pv.patrol_id = p.id
CROSS JOIN LATERAL (
    SELECT coalesce(jsonb_agg(po.officer_id ORDER BY po.ord), '[]'::jsonb) AS ids,
           coalesce(jsonb_agg(ofc.name ORDER BY po.ord), '[]'::jsonb) AS names
    FROM patrol_officers po JOIN officers ofc ON ofc.id = po.officer_id
    WHERE po.patrol_id = p.id
) o
CROSS JOIN LATERAL (
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'id', pf.id, 'category', pf.category, 'category_name', vc.name_zh, 'category_name_en', vc.label_en,
               'text', pf.text, 'action', pf.action, 'illegal_construction', pf.illegal_construction)
               ORDER BY pf.ord),
               '[]'::jsonb) AS docs
    FROM patrol_findings pf
    JOIN violation_categories vc ON vc.code = pf.category
    WHERE pf.patrol_id = p.id
) f;

CREATE VIEW cg_internal.request_docs AS
SELECT r.id, r.compound_id, d.unit_code, r.created_by, r.contact, s.status, s.overdue, fa.at AS answered_at,
       r.work_order,
       jsonb_build_object(
           'id', r.id,
           'compound_id', r.compound_id,
           'compound_name', c.name,
           'unit', d.unit_code,
           'channel', r.channel,
           'kind', r.kind,
           'text', r.text,
           'status', s.status,
           'answer', coalesce(la.text, ''),
           'answered_by', coalesce(la.account, ''),
           'answered_at', cg_internal.instant_text(fa.at),
           'answer_due', cg_internal.instant_text(r.answer_due),
           'overdue', s.overdue,
           'closed_at', cg_internal.instant_text(cl.at),
           'created_by', r.created_by,
           'created_at', cg_internal.instant_text(r.created_at),
           'voided', rv.request_id IS NOT NULL,
           'void_reason', coalesce(rv.reason, ''),
           'voided_by', coalesce(rv.voided_by, ''),
           'voided_at', cg_internal.instant_text(rv.voided_at),
           'work_order', r.work_order
       ) AS doc
FROM resident_requests r
JOIN compounds c ON c.id = r.compound_id
JOIN districts d ON d.code = c.district_code
LEFT JOIN request_voids rv ON rv.request_id = r.id
LEFT JOIN LATERAL (SELECT e.text, e.account FROM request_events e
                   WHERE e.request_id = r.id AND e.kind = 'answer' ORDER BY e.id DESC LIMIT 1) la ON true
LEFT JOIN LATERAL (SELECT e.at FROM request_events e
                   WHERE e.request_id = r.id AND e.kind = 'answer' ORDER BY e.id LIMIT 1) fa ON true
LEFT JOIN LATERAL (SELECT e.at FROM request_events e
                   WHERE e.request_id = r.id AND e.kind = 'close') cl ON true
CROSS JOIN LATERAL (
    -- a voided request is never overdue: it counts in no figure
    SELECT CASE WHEN rv.request_id IS NOT NULL THEN 'voided' WHEN cl.at IS NOT NULL THEN 'closed'
                WHEN fa.at IS NOT NULL THEN 'answered' ELSE 'open' END AS status,
           rv.request_id IS NULL AND coalesce(fa.at > r.answer_due, now() > r.answer_due) AS overdue
) s;

-- A request as a's reply: the contact in full for the compound's own unit,
-- masked for everyone else.
CREATE FUNCTION cg_internal.request_doc(a accounts, r cg_internal.request_docs) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT r.doc || jsonb_build_object('contact', CASE
        WHEN a.role = 'unit' AND a.unit_code = r.unit_code THEN r.contact
        ELSE cg_internal.mask_contact(r.contact) END)
$$;

-- The compound of a patrol or request to be recorded: locked (so that it
-- cannot close meanwhile), CG003 when p_id is 0, CG005 when missing, CG007
-- outside a's scope (p_mode as compound_target), CG009 when it is closed on
-- p_on (closed at all when p_on is NULL).
CREATE FUNCTION cg_internal.open_compound(a accounts, p_id bigint, p_mode text, p_on date DEFAULT NULL)
RETURNS cg_internal.compound_docs
LANGUAGE plpgsql AS $$
DECLARE
    cur cg_internal.compound_docs;
BEGIN
    IF p_mode = 'see' AND p_id <> 0 THEN
        PERFORM 1 FROM compounds WHERE id = p_id FOR NO KEY UPDATE;
    END IF;
    cur := cg_internal.compound_target(a, p_id, 'compound_id', p_mode);
    IF cur.closed_on <= coalesce(p_on, 'infinity'::date) THEN
        PERFORM cg_internal.fail('CG009', 'compound_id',
                                 format('compound %s was closed on %s', cur.id, cg_internal.date_text(cur.closed_on)),
                                 'compound.closed', jsonb_build_object('id', cur.id, 'date', cg_internal.date_text(cur.closed_on)));
    END IF;
    RETURN cur;
END
$$;

-- The request p_id for a change by a, locked: CG003 when p_id is 0, CG005
-- when there is none, CG007 when a may not change it (its compound's unit
-- and hq may), CG009 when it is voided, or closed and p_closed_too is false.
CREATE FUNCTION cg_internal.request_target(a accounts, p_id bigint, p_closed_too boolean DEFAULT false)
RETURNS cg_internal.request_docs
LANGUAGE plpgsql AS $$
DECLARE
    r cg_internal.request_docs;
BEGIN
    IF p_id = 0 THEN
        PERFORM cg_internal.check('id', cg_internal.missing());
    END IF;
    PERFORM 1 FROM resident_requests WHERE id = p_id FOR NO KEY UPDATE;
    SELECT * INTO r FROM cg_internal.request_docs WHERE id = p_id;
    IF NOT FOUND OR NOT cg_internal.request_visible(a, r.unit_code, r.created_by) THEN
        PERFORM cg_internal.fail('CG005', 'id', format('request %s not found', p_id),
                                 'request.not_found', jsonb_build_object('id', p_id));
    END IF;
    IF NOT cg_internal.can_change(a, r.unit_code) THEN
        PERFORM cg_internal.fail('CG007', 'id', format('request %s may not be changed by you', p_id),
                                 'request.not_yours', jsonb_build_object('id', p_id));
    END IF;
    IF r.status = 'voided' THEN
        PERFORM cg_internal.fail('CG009', 'id', format('request %s was voided at %s', p_id, r.doc ->> 'voided_at'),
                                 'request.voided', jsonb_build_object('id', p_id, 'at', r.doc ->> 'voided_at'));
    END IF;
    IF r.status = 'closed' AND NOT p_closed_too THEN
        PERFORM cg_internal.fail('CG009', 'id', format('request %s was closed at %s', p_id, r.doc ->> 'closed_at'),
                                 'request.closed', jsonb_build_object('id', p_id, 'at', r.doc ->> 'closed_at'));
    END IF;
    RETURN r;
END
$$;

-- ---------------------------------------------------------------------------
-- The API: patrols.
-- ---------------------------------------------------------------------------

-- PatrolSubmit -> Patrol
CREATE FUNCTION cg_api.patrol_submit(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'patrol.submit');
    v_prev jsonb;
    p jsonb := CASE WHEN jsonb_typeof(p_req -> 'patrol') = 'object' THEN p_req -> 'patrol' ELSE '{}'::jsonb END;
    v_start_in text := cg_internal.clean(p ->> 'start');
    v_end_in text := cg_internal.clean(p ->> 'end');
    v_note text := cg_internal.clean(p ->> 'note');
    v_start timestamptz;
    v_end timestamptz;
    v_officers bigint[] := '{}';
    v_findings jsonb := '[]';
    v_bad text;
    v_problem jsonb;
    v_dup bigint;
    v_other bigint;
    v_other_name text;
    cur cg_internal.compound_docs;
    o officers;
    v_id bigint;
    v_near bigint[];
BEGIN
    v_prev := cg_internal.idem_begin(a, 'patrol_submit', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;

    -- start and end
    PERFORM cg_internal.check('start', cg_internal.instant_problem(v_start_in, true));
    v_start := cg_internal.instant_of(v_start_in);
    PERFORM cg_internal.check('start', CASE WHEN (v_start AT TIME ZONE 'Asia/Shanghai')::date < date '2021-01-01'
        THEN cg_internal.problem('value.before_programme', jsonb_build_object('first', '2021-01-01'),
                                 'before the records begin (2021-01-01)') END);
    PERFORM cg_internal.check('end', cg_internal.instant_problem(v_end_in, true));
    v_end := cg_internal.instant_of(v_end_in);
    PERFORM cg_internal.check('end', CASE
        WHEN v_end < v_start
            THEN cg_internal.problem('patrol.ends_before_start',
                                     jsonb_build_object('start', cg_internal.instant_text(v_start),
                                                        'end', cg_internal.instant_text(v_end)),
                                     format('before start (%s < %s)', v_end_in, v_start_in))
        WHEN v_end > now() + interval '5 minutes'
            THEN cg_internal.problem('patrol.ends_in_future',
                                     jsonb_build_object('end', cg_internal.instant_text(v_end),
                                                        'now', cg_internal.instant_text(now())),
                                     format('ends in the future (%s; now is %s)', v_end_in, cg_internal.instant_text(now())))
        WHEN v_end - v_start > interval '24 hours'
            THEN cg_internal.problem('patrol.too_long',
                                     jsonb_build_object('hours', floor(extract(epoch FROM v_end - v_start) / 3600)::bigint,
                                                        'minutes', floor(extract(epoch FROM v_end - v_start) / 60)::bigint % 60,
                                                        'max_hours', 24),
                                     format('a patrol lasts at most 24 hours (this one: %s h %s min)',
                                            floor(extract(epoch FROM v_end - v_start) / 3600),
                                            floor(extract(epoch FROM v_end - v_start) / 60)::bigint % 60))
    END);

    -- officer_ids: at least one, each once
    IF jsonb_typeof(p -> 'officer_ids') = 'array' THEN
        SELECT e INTO v_bad FROM jsonb_array_elements(p -> 'officer_ids') AS e
        WHERE cg_internal.json_num(e) IS NULL OR cg_internal.json_num(e) <= 0
           OR cg_internal.json_num(e) <> trunc(cg_internal.json_num(e))
        LIMIT 1;
        PERFORM cg_internal.check('officer_ids', CASE WHEN v_bad IS NOT NULL
            THEN cg_internal.problem('value.not_an_id', jsonb_build_object('value', left(v_bad, 40)),
                                     format('not an officer id: %s', v_bad)) END);
        v_officers := ARRAY(SELECT cg_internal.json_num(e)::bigint
                            FROM jsonb_array_elements(p -> 'officer_ids') WITH ORDINALITY AS x(e, n) ORDER BY n);
    END IF;
    PERFORM cg_internal.check('officer_ids', CASE WHEN cardinality(v_officers) = 0 THEN cg_internal.missing()
        WHEN cardinality(v_officers) > 50
            THEN cg_internal.problem('value.too_many', jsonb_build_object('max', 50, 'got', cardinality(v_officers)),
                                     'at most 50 officers') END);
    SELECT x INTO v_dup FROM unnest(v_officers) AS x GROUP BY x HAVING count(*) > 1 ORDER BY min(x) LIMIT 1;
    PERFORM cg_internal.check('officer_ids', CASE WHEN v_dup IS NOT NULL
        THEN cg_internal.problem('value.twice', jsonb_build_object('value', v_dup),
                                 format('officer %s is listed twice', v_dup)) END);

    -- findings: each checked; the first problem is reported as findings[i].field
    IF jsonb_typeof(p -> 'findings') = 'array' THEN
        PERFORM cg_internal.check('findings', CASE WHEN jsonb_array_length(p -> 'findings') > 200
            THEN cg_internal.problem('value.too_many', jsonb_build_object('max', 200, 'got', jsonb_array_length(p -> 'findings')),
                                     'at most 200 findings per patrol') END);
        WITH f AS (
            SELECT x.n - 1 AS i,
                   CASE WHEN jsonb_typeof(x.e) = 'object' THEN x.e ELSE '{}'::jsonb END AS e
            FROM jsonb_array_elements(p -> 'findings') WITH ORDINALITY AS x(e, n)
        ),
        v AS (
            SELECT f.i, cg_internal.json_num(f.e -> 'category') AS category,
                   f.e -> 'category' AS category_j,
                   cg_internal.clean(f.e ->> 'text') AS text,
                   coalesce(nullif(cg_internal.clean(f.e ->> 'action'), ''), 'none') AS action,
                   coalesce((f.e ->> 'illegal_construction')::boolean, false) AS illegal_construction
            FROM f
        ),
        problems AS (
            SELECT v.i, 1 AS o, 'category' AS field, cg_internal.category_problem(v.category_j) AS problem
            FROM v
            UNION ALL
            SELECT v.i, 2, 'text', cg_internal.text_problem(v.text, 1000, true, true) FROM v
            UNION ALL
            SELECT v.i, 3, 'action',
                   cg_internal.one_of_problem(v.action, '{stopped_on_site,case_needed,referred,none}', true)
            FROM v
            UNION ALL
            SELECT v.i, 4, 'illegal_construction',
                   cg_internal.illegal_construction_problem(v.illegal_construction, v.category)
            FROM v
        )
        SELECT format('findings[%s].%s', pr.i, pr.field), pr.problem INTO v_bad, v_problem
        FROM problems pr WHERE pr.problem IS NOT NULL ORDER BY pr.i, pr.o LIMIT 1;
        IF v_bad IS NOT NULL THEN
            PERFORM cg_internal.fail('CG003', 'findings', v_bad || ': ' || (v_problem ->> 'text'), v_problem ->> 'reason',
                                     (v_problem -> 'params') || jsonb_build_object('field', v_bad));
        END IF;
        SELECT coalesce(jsonb_agg(jsonb_build_object('category', v.category, 'text', v.text, 'action', v.action,
                                                     'illegal_construction', v.illegal_construction)
                                  ORDER BY v.i), '[]'::jsonb)
        INTO v_findings
        FROM (SELECT x.n AS i, cg_internal.json_num(x.e -> 'category')::smallint AS category,
                     cg_internal.clean(x.e ->> 'text') AS text,
                     coalesce(nullif(cg_internal.clean(x.e ->> 'action'), ''), 'none') AS action,
                     coalesce((x.e ->> 'illegal_construction')::boolean, false) AS illegal_construction
              FROM jsonb_array_elements(p -> 'findings') WITH ORDINALITY AS x(e, n)) v;
    END IF;

    PERFORM cg_internal.check('note', cg_internal.text_problem(v_note, 2000, false, true));

    -- the compound: in scope, entered before the patrol and still open on
    -- its day (a patrol of the last open days may be recorded later)
    cur := cg_internal.open_compound(a, cg_internal.req_int(p, 'compound_id'), 'change',
                                     (v_start AT TIME ZONE 'Asia/Shanghai')::date);
    IF cur.entered_on IS NULL THEN
        PERFORM cg_internal.fail('CG009', 'compound_id', format('compound %s has not been entered', cur.id),
                                 'compound.not_entered', jsonb_build_object('id', cur.id));
    END IF;
    IF (v_start AT TIME ZONE 'Asia/Shanghai')::date < cur.entered_on THEN
        PERFORM cg_internal.fail('CG009', 'start', format('the patrol starts on %s, before compound %s was entered on %s',
            to_char(v_start AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), cur.id, cg_internal.date_text(cur.entered_on)),
            'patrol.before_entry', jsonb_build_object('start', cg_internal.instant_text(v_start), 'id', cur.id,
                                                      'date', cg_internal.date_text(cur.entered_on)));
    END IF;

    -- the officers, in order: exist, visible, of the compound's unit
    FOREACH v_dup IN ARRAY v_officers LOOP
        o := cg_internal.officer_for(a, v_dup, cur.unit_code, 'officer_ids');
    END LOOP;

    -- Duplicates. The officers' rows are locked in id order (the compound's
    -- already is), so that two submissions of one officer are checked one
    -- after the other.
    PERFORM 1 FROM officers WHERE id = ANY (v_officers) ORDER BY id FOR NO KEY UPDATE;
    -- The patrols that overlap this one, found by their end: a patrol lasts
    -- at most 24 hours (checked above since the first schema), so one that
    -- overlaps ends between this one's start and a day after its end, a
    -- range of patrols_end_idx. (Without the bound both checks below read
    -- every patrol of the compound or of the city: 2 ms a submit at 12,000
    -- patrols, and growing with the history; docs/performance.md.)
    v_near := ARRAY(SELECT q.id FROM patrols q
                    WHERE q.end_at >= v_start AND q.end_at <= v_end + interval '24 hours'
                      AND (q.start_at, q.end_at) OVERLAPS (v_start, v_end));
    SELECT p.id INTO v_other FROM cg_internal.patrols_live p
    WHERE p.id = ANY (v_near) AND p.compound_id = cur.id
      AND ARRAY(SELECT po.officer_id FROM patrol_officers po WHERE po.patrol_id = p.id ORDER BY po.officer_id)
          = ARRAY(SELECT x FROM unnest(v_officers) AS x ORDER BY x)
    ORDER BY p.id LIMIT 1;
    IF FOUND THEN
        PERFORM cg_internal.fail('CG006', 'start', format('the same patrol was already recorded (patrol %s)', v_other),
                                 'patrol.duplicate', jsonb_build_object('id', v_other, 'compound_id', cur.id));
    END IF;
    SELECT p.id, po.officer_id, ofc.name INTO v_other, v_dup, v_other_name
    FROM cg_internal.patrols_live p
    JOIN patrol_officers po ON po.patrol_id = p.id
    JOIN officers ofc ON ofc.id = po.officer_id
    WHERE p.id = ANY (v_near) AND po.officer_id = ANY (v_officers)
    ORDER BY p.id, po.ord LIMIT 1;
    IF FOUND THEN
        PERFORM cg_internal.fail('CG006', 'officer_ids',
                                 format('officer %s (%s) is on patrol %s at that time', v_dup, v_other_name, v_other),
                                 'patrol.officer_busy',
                                 jsonb_build_object('id', v_other, 'officer_id', v_dup, 'officer_name', v_other_name));
    END IF;

    INSERT INTO patrols (compound_id, start_at, end_at, note, submitted_by)
    VALUES (cur.id, v_start, v_end, v_note, a.name)
    RETURNING id INTO v_id;
    INSERT INTO patrol_officers (patrol_id, ord, officer_id)
    SELECT v_id, u.n, u.x FROM unnest(v_officers) WITH ORDINALITY AS u(x, n);
    INSERT INTO patrol_findings (patrol_id, ord, category, text, action, illegal_construction)
    SELECT v_id, x.n, (x.e ->> 'category')::smallint, x.e ->> 'text', x.e ->> 'action',
           (x.e ->> 'illegal_construction')::boolean
    FROM jsonb_array_elements(v_findings) WITH ORDINALITY AS x(e, n)
    ORDER BY x.n;
    RETURN cg_internal.idem_end(a, p_req, (SELECT d.doc FROM cg_internal.patrol_docs d WHERE d.id = v_id));
END
$$;

-- PatrolVoid -> Patrol: a patrol recorded by mistake is voided (作废) with
-- the reason, by those who may record patrols of its compound; once. It
-- stays readable and counts in no figure.
CREATE FUNCTION cg_api.patrol_void(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'patrol.void');
    v_prev jsonb;
    v_id bigint := cg_internal.req_int(p_req, 'id');
    v_reason text := cg_internal.clean(p_req ->> 'reason');
    p patrols;
    v_unit text;
    v patrol_voids;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'patrol_void', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('id', CASE WHEN v_id = 0 THEN cg_internal.missing() END);
    PERFORM cg_internal.check('reason', cg_internal.text_problem(v_reason, 500, true, true));
    SELECT * INTO p FROM patrols WHERE id = v_id;
    SELECT d.unit_code INTO v_unit FROM compounds c JOIN districts d ON d.code = c.district_code WHERE c.id = p.compound_id;
    IF p.id IS NULL OR NOT cg_internal.patrol_visible(a, v_unit) THEN
        PERFORM cg_internal.fail('CG005', 'id', format('patrol %s not found', v_id),
                                 'patrol.not_found', jsonb_build_object('id', v_id));
    END IF;
    IF NOT cg_internal.can_change(a, v_unit) THEN
        PERFORM cg_internal.fail('CG007', 'id', format('patrol %s may not be changed by you', v_id),
                                 'patrol.not_yours', jsonb_build_object('id', v_id));
    END IF;
    -- (a void of the same patrol at once waits here on the primary key)
    INSERT INTO patrol_voids (patrol_id, reason, voided_by) VALUES (p.id, v_reason, a.name)
    ON CONFLICT (patrol_id) DO NOTHING;
    IF NOT FOUND THEN
        SELECT * INTO v FROM patrol_voids WHERE patrol_id = p.id;
        PERFORM cg_internal.fail('CG009', 'id', format('patrol %s was already voided at %s', p.id,
                                                       cg_internal.instant_text(v.voided_at)),
                                 'patrol.voided', jsonb_build_object('id', p.id, 'at', cg_internal.instant_text(v.voided_at)));
    END IF;
    RETURN cg_internal.idem_end(a, p_req, (SELECT d.doc FROM cg_internal.patrol_docs d WHERE d.id = p.id));
END
$$;

-- PatrolGet -> Patrol
CREATE FUNCTION cg_api.patrol_get(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'patrol.get');
    v_id bigint := cg_internal.req_int(p_req, 'id');
    r cg_internal.patrol_docs;
BEGIN
    IF v_id = 0 THEN
        PERFORM cg_internal.check('id', cg_internal.missing());
    END IF;
    SELECT * INTO r FROM cg_internal.patrol_docs d WHERE d.id = v_id;
    IF NOT FOUND OR NOT cg_internal.patrol_visible(a, r.unit_code) THEN
        PERFORM cg_internal.fail('CG005', 'id', format('patrol %s not found', v_id),
                                 'patrol.not_found', jsonb_build_object('id', v_id));
    END IF;
    RETURN r.doc;
END
$$;

-- PatrolList -> PatrolListReply: newest submitted first (id descending),
-- paged by after_id (ids below it).
CREATE FUNCTION cg_api.patrol_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'patrol.list');
    v_compound bigint := cg_internal.req_int(p_req, 'compound_id');
    v_officer bigint := cg_internal.req_int(p_req, 'officer_id');
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit integer := cg_internal.page_limit(p_req);
    v_unit text;
    v_week date;
    v_from date;
    v_to date;
    o officers;
    v_result jsonb;
BEGIN
    IF v_compound <> 0 THEN
        PERFORM cg_internal.compound_target(a, v_compound, 'compound_id', 'see');
    END IF;
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    IF v_officer <> 0 THEN
        SELECT * INTO o FROM officers WHERE id = v_officer;
        IF NOT FOUND OR NOT cg_internal.officer_visible(a, o.unit_code) THEN
            PERFORM cg_internal.fail('CG005', 'officer_id', format('officer %s not found', v_officer),
                                     'officer.not_found', jsonb_build_object('id', v_officer));
        END IF;
    END IF;
    v_week := cg_internal.week_arg('week', cg_internal.clean(p_req ->> 'week'));
    v_from := cg_internal.date_filter('from', cg_internal.clean(p_req ->> 'from'));
    v_to := cg_internal.date_filter('to', cg_internal.clean(p_req ->> 'to'));
    PERFORM cg_internal.check('to', CASE WHEN v_to < v_from
        THEN cg_internal.problem('period.reversed', jsonb_build_object('from', cg_internal.date_text(v_from)),
                                 format('before from (%s)', v_from)) END);

    WITH page AS (
        SELECT d.id, d.doc, cg_internal.in_page(row_number() OVER (ORDER BY d.id DESC),
                                   sum(octet_length(d.doc::text)) OVER (ORDER BY d.id DESC), v_limit) AS kept
        FROM cg_internal.patrol_docs d
        WHERE (v_after = 0 OR d.id < v_after)
          AND cg_internal.patrol_visible(a, d.unit_code)
          AND (v_compound = 0 OR d.compound_id = v_compound)
          AND (v_unit IS NULL OR d.unit_code = v_unit)
          AND (v_officer = 0 OR EXISTS (SELECT 1 FROM patrol_officers po
                                        WHERE po.patrol_id = d.id AND po.officer_id = v_officer))
          AND (v_week IS NULL OR d.week_start = v_week)
          AND (v_from IS NULL OR d.start_day >= v_from)
          AND (v_to IS NULL OR d.start_day <= v_to)
        ORDER BY d.id DESC
        LIMIT v_limit + 1
    )
    SELECT jsonb_build_object(
               'patrols', coalesce(jsonb_agg(page.doc ORDER BY page.id DESC) FILTER (WHERE page.kept), '[]'::jsonb),
               'next_after_id', CASE WHEN NOT bool_and(page.kept) THEN min(page.id) FILTER (WHERE page.kept) ELSE 0 END)
    INTO v_result
    FROM page;
    RETURN v_result;
END
$$;

-- PatrolDue -> PatrolDueReply: the entered compounds in scope that are due
-- in the week (the current one when week is '') and have no patrol in it,
-- by unit, then compound id.
CREATE FUNCTION cg_api.patrol_due(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'patrol.due');
    v_unit text;
    v_week date;
    v_week_end timestamptz;
BEGIN
    v_week := coalesce(cg_internal.week_arg('week', cg_internal.clean(p_req ->> 'week')),
                       cg_internal.monday(cg_internal.today()));
    v_unit := cg_internal.district_unit_filter(a, p_req ->> 'unit');
    v_week_end := (v_week + 7)::timestamp AT TIME ZONE 'Asia/Shanghai';
    RETURN jsonb_build_object(
        'week', cg_internal.week_text(v_week),
        'compounds', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'compound_id', c.id,
                       'compound_name', c.name,
                       'unit', d.unit_code,
                       'district', c.district_code,
                       'grid_officer_name', coalesce(g.name, ''),
                       'entered_on', cg_internal.date_text(c.entered_on),
                       'last_patrol_at', cg_internal.instant_text(
                           (SELECT max(p.end_at) FROM cg_internal.patrols_live p
                            WHERE p.compound_id = c.id AND p.end_at < v_week_end)))
                       ORDER BY d.unit_code, c.id)
            FROM compounds c
            JOIN districts d ON d.code = c.district_code
            LEFT JOIN (SELECT gc.compound_id, o.name
                       FROM cg_internal.grid_current gc JOIN officers o ON o.id = gc.officer_id) g
                   ON g.compound_id = c.id
            WHERE c.entered_on IS NOT NULL
              AND cg_internal.monday(c.entered_on) + 7 <= v_week
              AND (c.closed_on IS NULL OR c.closed_on > v_week)  -- open on its Monday at least
              AND cg_internal.patrol_visible(a, d.unit_code)
              AND (v_unit IS NULL OR d.unit_code = v_unit)
              AND NOT EXISTS (SELECT 1 FROM cg_internal.patrols_live p
                              WHERE p.compound_id = c.id AND p.week_start = v_week)),
            '[]'::jsonb));
END
$$;

-- Each entered compound's due weeks within [p_lo, p_hi] (Mondays) as one
-- range [lo, hi] of Mondays: from the week after the week it was entered,
-- up to the week of its last open day. hi < lo when none is due. Shared by
-- patrol_compliance and the bulletin (step6_bulletin.sql).
CREATE FUNCTION cg_internal.patrol_due_ranges(p_lo date, p_hi date)
RETURNS TABLE (id bigint, unit_code text, lo date, hi date)
LANGUAGE sql STABLE AS $$
    SELECT c.id, d.unit_code,
           greatest(cg_internal.monday(c.entered_on) + 7, p_lo),
           CASE WHEN c.closed_on IS NULL THEN p_hi
                ELSE least(p_hi, cg_internal.monday(c.closed_on - 1)) END
    FROM compounds c
    JOIN districts d ON d.code = c.district_code
    WHERE c.entered_on IS NOT NULL
$$;

-- PatrolCompliance -> PatrolComplianceReply: compound-weeks due and
-- patrolled from the week of `from` to the week of `to`, per district unit in
-- scope and in total (unit '', unit_name '合计'). Set-based, no loop over
-- weeks: each compound's due weeks are one range [lo, hi] of Mondays
-- (patrol_due_ranges, counted arithmetically), and its patrolled weeks are
-- the distinct week_start of its patrols in that range, read from the index
-- patrols_compound_week_idx alone (an index-only scan once autovacuum has
-- set the visibility map of the append-only table).
CREATE FUNCTION cg_api.patrol_compliance(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'patrol.compliance');
    v_from_in text := cg_internal.clean(p_req ->> 'from');
    v_to_in text := cg_internal.clean(p_req ->> 'to');
    v_unit text;
    v_lo date;
    v_hi date;
    v_result jsonb;
BEGIN
    PERFORM cg_internal.check_period(v_from_in, v_to_in);
    v_unit := cg_internal.district_unit_filter(a, p_req ->> 'unit');
    v_lo := cg_internal.monday(cg_internal.date_of(v_from_in));
    v_hi := cg_internal.monday(cg_internal.date_of(v_to_in));

    WITH ranges AS MATERIALIZED (
        SELECT r.* FROM cg_internal.patrol_due_ranges(v_lo, v_hi) r
        WHERE cg_internal.patrol_visible(a, r.unit_code)
          AND (v_unit IS NULL OR r.unit_code = v_unit)
    ),
    due AS (
        SELECT r.unit_code, sum(greatest(0, (r.hi - r.lo) / 7 + 1)) AS due
        FROM ranges r
        GROUP BY r.unit_code
    ),
    patrolled AS (
        -- per compound, its distinct patrolled weeks in [lo, hi]: an index
        -- range scan of patrols_compound_week_idx, already in week order
        SELECT r.unit_code, sum(w.weeks) AS patrolled
        FROM ranges r
        CROSS JOIN LATERAL (
            SELECT count(*) AS weeks
            FROM (SELECT p.week_start FROM cg_internal.patrols_live p
                  WHERE p.compound_id = r.id AND p.week_start BETWEEN r.lo AND r.hi
                  GROUP BY p.week_start) g
        ) w
        GROUP BY r.unit_code
    ),
    per_unit AS (
        SELECT u.code, u.name_zh, coalesce(due.due, 0)::bigint AS due, coalesce(pa.patrolled, 0)::bigint AS patrolled
        FROM units u
        LEFT JOIN due ON due.unit_code = u.code
        LEFT JOIN patrolled pa ON pa.unit_code = u.code
        WHERE EXISTS (SELECT 1 FROM districts d WHERE d.unit_code = u.code)
          AND cg_internal.patrol_visible(a, u.code)
          AND (v_unit IS NULL OR u.code = v_unit)
    ),
    all_rows AS (
        SELECT 0 AS total, code, name_zh, due, patrolled FROM per_unit
        UNION ALL
        SELECT 1, '', '合计', coalesce(sum(due), 0)::bigint, coalesce(sum(patrolled), 0)::bigint FROM per_unit
    ),
    docs AS (
        SELECT total, code,
               jsonb_build_object(
                   'unit', code,
                   'unit_name', name_zh,
                   'due', due,
                   'patrolled', patrolled,
                   'share', CASE WHEN due = 0 THEN 0 ELSE patrolled::float8 / due END) AS doc
        FROM all_rows
    )
    SELECT jsonb_build_object(
               'from_week', cg_internal.week_text(v_lo),
               'to_week', cg_internal.week_text(v_hi),
               'units', coalesce(jsonb_agg(doc ORDER BY code) FILTER (WHERE total = 0), '[]'::jsonb),
               'total', (array_agg(doc) FILTER (WHERE total = 1))[1])
    INTO v_result
    FROM docs;
    RETURN v_result;
END
$$;

-- ---------------------------------------------------------------------------
-- The API: residents' requests.
-- ---------------------------------------------------------------------------

-- RequestAdd -> ResidentRequest. Units and hq file for the compounds they
-- may change; the hotline (integration) for any open compound.
CREATE FUNCTION cg_api.request_add(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'request.add');
    v_prev jsonb;
    r jsonb := CASE WHEN jsonb_typeof(p_req -> 'request') = 'object' THEN p_req -> 'request' ELSE '{}'::jsonb END;
    v_channel text := lower(cg_internal.clean(r ->> 'channel'));
    v_kind text := lower(cg_internal.clean(r ->> 'kind'));
    v_text text := cg_internal.clean(r ->> 'text');
    v_contact text := cg_internal.clean(r ->> 'contact');
    cur cg_internal.compound_docs;
    v_work_order text;
    v_id bigint;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'request_add', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('channel', cg_internal.one_of_problem(v_channel,
        '{notice_board_phone,in_person,hotline,patrol,co_construction_day}', true));
    PERFORM cg_internal.check('kind', cg_internal.one_of_problem(v_kind, '{problem,opinion,suggestion}', true));
    PERFORM cg_internal.check('text', cg_internal.text_problem(v_text, 2000, true, true));
    PERFORM cg_internal.check('contact', cg_internal.text_problem(v_contact, 100, false, false));
    v_work_order := cg_internal.work_order_of(a, r ->> 'work_order', 'resident_requests');  -- step5_hotline.sql
    cur := cg_internal.open_compound(a, cg_internal.req_int(r, 'compound_id'),
                                     CASE WHEN a.role = 'integration' THEN 'see' ELSE 'change' END);
    INSERT INTO resident_requests (compound_id, channel, kind, text, contact, answer_due, created_by, work_order)
    VALUES (cur.id, v_channel, v_kind, v_text, v_contact,
            now() + make_interval(days => cg_internal.request_answer_days()), a.name, v_work_order)
    RETURNING id INTO v_id;
    RETURN cg_internal.idem_end(a, p_req, (SELECT cg_internal.request_doc(a, d) FROM cg_internal.request_docs d
                                           WHERE d.id = v_id));
END
$$;

-- RequestAnswer -> ResidentRequest: the feedback given to the resident. A
-- later answer is kept too and shown; answered_at stays the first one's.
CREATE FUNCTION cg_api.request_answer(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'request.answer');
    v_prev jsonb;
    v_text text := cg_internal.clean(p_req ->> 'text');
    cur cg_internal.request_docs;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'request_answer', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('text', cg_internal.text_problem(v_text, 2000, true, true));
    cur := cg_internal.request_target(a, cg_internal.req_int(p_req, 'id'));
    INSERT INTO request_events (request_id, kind, text, account) VALUES (cur.id, 'answer', v_text, a.name);
    PERFORM cg_internal.emit_request_event('request.answered', cur.id);  -- step5_hotline.sql
    RETURN cg_internal.idem_end(a, p_req, (SELECT cg_internal.request_doc(a, d) FROM cg_internal.request_docs d
                                           WHERE d.id = cur.id));
END
$$;

-- RequestClose -> ResidentRequest: once, and only after an answer.
CREATE FUNCTION cg_api.request_close(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'request.close');
    v_prev jsonb;
    cur cg_internal.request_docs;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'request_close', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    cur := cg_internal.request_target(a, cg_internal.req_int(p_req, 'id'));
    IF cur.answered_at IS NULL THEN
        PERFORM cg_internal.fail('CG009', 'id', 'answer the request before closing it',
                                 'request.not_answered', jsonb_build_object('id', cur.id));
    END IF;
    INSERT INTO request_events (request_id, kind, account) VALUES (cur.id, 'close', a.name);
    PERFORM cg_internal.emit_request_event('request.closed', cur.id);
    RETURN cg_internal.idem_end(a, p_req, (SELECT cg_internal.request_doc(a, d) FROM cg_internal.request_docs d
                                           WHERE d.id = cur.id));
END
$$;

-- RequestVoid -> ResidentRequest: a request filed by mistake is voided
-- (作废) with the reason, in any state but voided; it stays readable (status
-- voided) and counts in no figure.
CREATE FUNCTION cg_api.request_void(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'request.void');
    v_prev jsonb;
    v_reason text := cg_internal.clean(p_req ->> 'reason');
    cur cg_internal.request_docs;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'request_void', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('reason', cg_internal.text_problem(v_reason, 500, true, true));
    cur := cg_internal.request_target(a, cg_internal.req_int(p_req, 'id'), true);
    INSERT INTO request_voids (request_id, reason, voided_by) VALUES (cur.id, v_reason, a.name);
    RETURN cg_internal.idem_end(a, p_req, (SELECT cg_internal.request_doc(a, d) FROM cg_internal.request_docs d
                                           WHERE d.id = cur.id));
END
$$;

-- RequestGet -> ResidentRequest
CREATE FUNCTION cg_api.request_get(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'request.get');
    v_id bigint := cg_internal.req_int(p_req, 'id');
    r cg_internal.request_docs;
BEGIN
    IF v_id = 0 THEN
        PERFORM cg_internal.check('id', cg_internal.missing());
    END IF;
    SELECT * INTO r FROM cg_internal.request_docs d WHERE d.id = v_id;
    IF NOT FOUND OR NOT cg_internal.request_visible(a, r.unit_code, r.created_by) THEN
        PERFORM cg_internal.fail('CG005', 'id', format('request %s not found', v_id),
                                 'request.not_found', jsonb_build_object('id', v_id));
    END IF;
    RETURN cg_internal.request_doc(a, r);
END
$$;

-- RequestList -> RequestListReply: newest first (id descending), paged by
-- after_id (ids below it).
CREATE FUNCTION cg_api.request_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'request.list');
    v_open boolean := coalesce((p_req ->> 'open')::boolean, false);
    v_overdue boolean := coalesce((p_req ->> 'overdue')::boolean, false);
    v_compound bigint := cg_internal.req_int(p_req, 'compound_id');
    v_work_order text := cg_internal.clean(p_req ->> 'work_order');
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit integer := cg_internal.page_limit(p_req);
    v_unit text;
    v_result jsonb;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    IF v_compound <> 0 THEN
        PERFORM cg_internal.compound_target(a, v_compound, 'compound_id', 'see');
    END IF;
    WITH page AS (
        SELECT x.id, x.doc, cg_internal.in_page(row_number() OVER (ORDER BY x.id DESC),
                                   sum(octet_length(x.doc::text)) OVER (ORDER BY x.id DESC), v_limit) AS kept
        FROM (SELECT d.id, cg_internal.request_doc(a, d) AS doc
              FROM cg_internal.request_docs d
              WHERE (v_after = 0 OR d.id < v_after)
                AND cg_internal.request_visible(a, d.unit_code, d.created_by)
                AND (v_compound = 0 OR d.compound_id = v_compound)
                AND (v_unit IS NULL OR d.unit_code = v_unit)
                AND (NOT v_open OR d.status NOT IN ('closed', 'voided'))
                AND (NOT v_overdue OR d.overdue)
                AND (v_work_order = '' OR d.work_order = v_work_order)
              ORDER BY d.id DESC
              LIMIT v_limit + 1) x
    )
    SELECT jsonb_build_object(
               'requests', coalesce(jsonb_agg(page.doc ORDER BY page.id DESC) FILTER (WHERE page.kept),
                                    '[]'::jsonb),
               'next_after_id', CASE WHEN NOT bool_and(page.kept) THEN min(page.id) FILTER (WHERE page.kept) ELSE 0 END)
    INTO v_result
    FROM page;
    RETURN v_result;
END
$$;
