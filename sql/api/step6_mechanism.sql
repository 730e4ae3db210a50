-- The long-term mechanism (长效管理, step 6, sql/0019_mechanism.sql):
-- co-construction days (城管执法共建日) and their suggestions, the leadership
-- group (领导小组) and its meetings, three-party coordination meetings and
-- their decisions, training sessions, good practice. Conventions of core.sql.
--
-- Who: a unit records its own meetings, training and good practice and
-- answers what was raised there; hq records for any unit and alone keeps
-- the leadership group and its meetings. hq, supervision and the sections
-- read everything; a unit, its officers and leaders read their unit's rows,
-- the group, its meetings and the bureau-wide training.
--
-- The bulletin's three counts (unit_meetings_held, unit_suggestions,
-- unit_officers_trained) are at the end.

-- ---------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------

-- May a read a row of unit p_unit of the mechanism? (The group's meetings
-- and bureau-wide training are hq's rows, which every unit reads.)
CREATE FUNCTION cg_internal.mech_visible(a accounts, p_unit text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(a.role IN ('hq', 'supervision', 'section')
                    OR (cg_internal.unit_member(a) AND (a.unit_code = p_unit OR p_unit = 'hq')), false)
$$;

-- The Chinese name of unit p_code, for the records' unit_name.
CREATE FUNCTION cg_internal.mech_unit_name(p_code text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT u.name_zh FROM units u WHERE u.code = p_code
$$;

-- The unit a record is for: a unit account's own (p_value may name it or be
-- empty), for hq the unit p_value names (required).
CREATE FUNCTION cg_internal.mech_unit(a accounts, p_value text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v text := cg_internal.clean(p_value);
BEGIN
    IF a.role = 'unit' AND v = '' THEN
        RETURN a.unit_code;
    END IF;
    PERFORM cg_internal.check('unit', CASE WHEN v = '' THEN cg_internal.missing() END);
    RETURN cg_internal.unit_filter(a, v);
END
$$;

-- A month 'YYYY-MM' of a request as its first day; NULL for ''.
CREATE FUNCTION cg_internal.mech_month(p_field text, p_value text) RETURNS date
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v text := cg_internal.clean(p_value);
BEGIN
    IF v = '' THEN
        RETURN NULL;
    END IF;
    IF v !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' OR substr(v, 1, 4)::integer < 2021 THEN
        PERFORM cg_internal.fail('CG003', p_field, format('%s: not a month YYYY-MM from 2021-01: %s', p_field,
                                                         cg_internal.q(v)),
                                 'value.not_a_month', jsonb_build_object('field', p_field, 'value', left(v, 40)));
    END IF;
    RETURN make_date(substr(v, 1, 4)::integer, substr(v, 6, 2)::integer, 1);
END
$$;

-- A date of the request (p_field) on or before today, from 2021; '' is
-- today when p_today_if_empty, else refused.
CREATE FUNCTION cg_internal.mech_day(p_field text, p_value text, p_today_if_empty boolean) RETURNS date
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v text := cg_internal.clean(p_value);
BEGIN
    IF v = '' AND p_today_if_empty THEN
        RETURN cg_internal.today();
    END IF;
    PERFORM cg_internal.check(p_field, cg_internal.date_problem(v, true));
    RETURN cg_internal.date_of(v);
END
$$;

-- A text of the request: trimmed and checked (at most p_max characters).
CREATE FUNCTION cg_internal.mech_text(p_field text, p_value text, p_max integer, p_required boolean,
                                      p_multiline boolean) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v text := cg_internal.clean(p_value);
BEGIN
    PERFORM cg_internal.check(p_field, cg_internal.text_problem(v, p_max, p_required, p_multiline));
    RETURN v;
END
$$;

-- A JSON array of the request (absent: empty) of at most p_max elements.
CREATE FUNCTION cg_internal.mech_array(p_field text, j jsonb, p_min integer, p_max integer) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v jsonb := CASE WHEN jsonb_typeof(j) = 'array' THEN j ELSE '[]'::jsonb END;
BEGIN
    IF jsonb_array_length(v) < p_min THEN
        PERFORM cg_internal.check(p_field, cg_internal.missing());
    END IF;
    IF jsonb_array_length(v) > p_max THEN
        PERFORM cg_internal.fail('CG003', p_field, format('%s: at most %s (got %s)', p_field, p_max,
                                                         jsonb_array_length(v)),
                                 'value.too_many',
                                 jsonb_build_object('field', p_field, 'max', p_max, 'got', jsonb_array_length(v)));
    END IF;
    RETURN v;
END
$$;

-- The compounds p_ids (JSON array of ids, p_min to p_max of them, none twice),
-- each a compound of unit p_unit (of any unit when p_unit is NULL).
CREATE FUNCTION cg_internal.mech_compounds(p_unit text, p_ids jsonb, p_field text, p_min integer,
                                           p_max integer) RETURNS bigint[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_ids bigint[] := '{}';
    v_id bigint;
    v_unit text;
    j jsonb;
BEGIN
    FOR j IN SELECT x FROM jsonb_array_elements(cg_internal.mech_array(p_field, p_ids, p_min, p_max)) x LOOP
        v_id := cg_internal.req_int(jsonb_build_object(p_field, j), p_field);
        IF v_id = ANY (v_ids) THEN
            PERFORM cg_internal.fail('CG003', p_field, format('%s: %s is given twice', p_field, v_id),
                                     'value.twice', jsonb_build_object('field', p_field, 'value', v_id::text));
        END IF;
        SELECT d.unit_code INTO v_unit FROM compounds c JOIN districts d ON d.code = c.district_code WHERE c.id = v_id;
        IF NOT FOUND OR v_unit <> coalesce(p_unit, v_unit) THEN
            PERFORM cg_internal.fail('CG005', p_field, format('%s: compound %s of unit %s not found', p_field, v_id,
                                                             coalesce(p_unit, 'any')),
                                     'compound.not_found', jsonb_build_object('field', p_field, 'id', v_id));
        END IF;
        v_ids := v_ids || v_id;
    END LOOP;
    RETURN v_ids;
END
$$;

-- One page of a list: the docs the cursor p_rows yields (newest first, each
-- with an id; one more than p_limit when there are more), fetched one by one
-- and cut at p_limit rows and the reply budget, as {p_key: [...],
-- next_after_id}. Closes the cursor.
CREATE FUNCTION cg_internal.mech_page(p_rows refcursor, p_limit integer, p_key text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_kept jsonb := '[]';
    v_bytes bigint := 0;
    v_n integer := 0;
    d jsonb;
BEGIN
    LOOP
        FETCH p_rows INTO d;
        EXIT WHEN NOT FOUND;
        v_n := v_n + 1;
        v_bytes := v_bytes + octet_length(d::text);
        IF NOT cg_internal.in_page(v_n, v_bytes, p_limit) THEN
            CLOSE p_rows;
            RETURN jsonb_build_object(p_key, v_kept, 'next_after_id', (v_kept -> -1 ->> 'id')::bigint);
        END IF;
        v_kept := v_kept || jsonb_build_array(d);
    END LOOP;
    CLOSE p_rows;
    RETURN jsonb_build_object(p_key, v_kept, 'next_after_id', 0);
END
$$;

-- ---------------------------------------------------------------------------
-- Co-construction days and suggestions
-- ---------------------------------------------------------------------------

CREATE VIEW cg_internal.suggestion_rows AS
SELECT s.id, s.meeting_id, m.unit_code, m.held_on, s.text,
       x.text AS answer, x.adopted, x.answered_at, x.answered_by
FROM suggestions s
JOIN co_meetings m ON m.id = s.meeting_id
LEFT JOIN suggestion_answers x ON x.suggestion_id = s.id;

CREATE FUNCTION cg_internal.suggestion_doc(s cg_internal.suggestion_rows) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', s.id,
        'meeting_id', s.meeting_id,
        'unit', s.unit_code,
        'unit_name', cg_internal.mech_unit_name(s.unit_code),
        'made_on', cg_internal.date_text(s.held_on),
        'text', s.text,
        'answer', coalesce(s.answer, ''),
        'adopted', coalesce(s.adopted, ''),
        'answered_at', cg_internal.instant_text(s.answered_at),
        'answered_by', coalesce(s.answered_by, ''),
        'open', s.answered_at IS NULL)
$$;

CREATE FUNCTION cg_internal.co_meeting_doc(m co_meetings) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', m.id,
        'unit', m.unit_code,
        'unit_name', cg_internal.mech_unit_name(m.unit_code),
        'date', cg_internal.date_text(m.held_on),
        'rescheduled_reason', m.rescheduled_reason,
        'compounds', to_jsonb(m.compound_ids),
        'participants', jsonb_build_object('street', m.street, 'community', m.community, 'property', m.property,
                                           'owners_committee', m.owners_committee, 'residents', m.residents),
        'minutes', m.minutes,
        'suggestions', (SELECT coalesce(jsonb_agg(cg_internal.suggestion_doc(s) ORDER BY s.id), '[]')
                        FROM cg_internal.suggestion_rows s WHERE s.meeting_id = m.id),
        'recorded_at', cg_internal.instant_text(m.recorded_at),
        'recorded_by', m.recorded_by)
$$;

-- CoMeetingRecord -> CoMeeting: a unit's co-construction day, held on the
-- 15th or (with a reason) another day, for compounds of the unit, with who
-- came, the minutes and the suggestions made (each gets an id).
CREATE FUNCTION cg_api.co_meeting_record(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'co_meeting.record');
    v_prev jsonb;
    v_unit text;
    v_date date;
    v_reason text;
    v_compounds bigint[];
    v_people jsonb := CASE WHEN jsonb_typeof(p_req -> 'participants') = 'object' THEN p_req -> 'participants'
                           ELSE '{}'::jsonb END;
    v_counts integer[] := '{}';
    v_party text;
    v_minutes text;
    v_suggestions jsonb;
    v_texts text[] := '{}';
    j jsonb;
    m co_meetings;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'co_meeting_record', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    v_unit := cg_internal.mech_unit(a, p_req ->> 'unit');
    v_date := cg_internal.mech_day('date', p_req ->> 'date', false);
    v_reason := cg_internal.mech_text('rescheduled_reason', p_req ->> 'rescheduled_reason', 500, false, false);
    IF extract(day FROM v_date) <> 15 AND v_reason = '' THEN
        PERFORM cg_internal.fail('CG003', 'rescheduled_reason',
                                 format('the co-construction day is the 15th: %s needs a rescheduled_reason', v_date),
                                 'co_meeting.not_15th', jsonb_build_object('date', cg_internal.date_text(v_date)));
    END IF;
    v_compounds := cg_internal.mech_compounds(v_unit, p_req -> 'compounds', 'compounds', 1, 200);
    FOREACH v_party IN ARRAY ARRAY['street', 'community', 'property', 'owners_committee', 'residents'] LOOP
        PERFORM cg_internal.check('participants.' || v_party,
            coalesce(cg_internal.count_problem(v_people -> v_party, cg_internal.json_num(v_people -> v_party)),
                     cg_internal.range_problem(coalesce(cg_internal.json_num(v_people -> v_party), 0), 0, 1000)));
        v_counts := v_counts || coalesce(cg_internal.json_num(v_people -> v_party), 0)::integer;
    END LOOP;
    IF (SELECT sum(n) FROM unnest(v_counts) n) = 0 THEN
        PERFORM cg_internal.fail('CG003', 'participants', 'participants: nobody came',
                                 'co_meeting.no_participants', '{}');
    END IF;
    v_minutes := cg_internal.mech_text('minutes', p_req ->> 'minutes', 20000, false, true);
    v_suggestions := cg_internal.mech_array('suggestions', p_req -> 'suggestions', 0, 100);
    FOR j IN SELECT x FROM jsonb_array_elements(v_suggestions) x LOOP
        v_texts := v_texts || cg_internal.mech_text('suggestions', j #>> '{}', 2000, true, true);
    END LOOP;
    INSERT INTO co_meetings (unit_code, held_on, rescheduled_reason, compound_ids, street, community, property,
                             owners_committee, residents, minutes, recorded_by)
    VALUES (v_unit, v_date, v_reason, v_compounds, v_counts[1], v_counts[2], v_counts[3], v_counts[4],
            v_counts[5], v_minutes, a.name)
    RETURNING * INTO m;
    INSERT INTO suggestions (meeting_id, text)
    SELECT m.id, t FROM unnest(v_texts) WITH ORDINALITY AS x(t, n) ORDER BY n;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.co_meeting_doc(m));
END
$$;

-- CoMeetingList -> CoMeetingListReply: newest first, by month and unit.
CREATE FUNCTION cg_api.co_meeting_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'co_meeting.list');
    v_unit text;
    v_month date := cg_internal.mech_month('month', p_req ->> 'month');
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit integer := cg_internal.page_limit(p_req);
    c refcursor;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    OPEN c FOR SELECT cg_internal.co_meeting_doc(m) FROM co_meetings m
         WHERE cg_internal.mech_visible(a, m.unit_code)
           AND (v_unit IS NULL OR m.unit_code = v_unit)
           AND (v_month IS NULL OR date_trunc('month', m.held_on) = v_month)
           AND (v_after = 0 OR m.id < v_after)
         ORDER BY m.id DESC LIMIT v_limit + 1;
    RETURN cg_internal.mech_page(c, v_limit, 'meetings');
END
$$;

-- CoMeetingMissing -> CoMeetingMissingReply: the district units (those that
-- have compounds to hold them for) that held no co-construction day in the
-- month; a unit's people see their own unit only.
CREATE FUNCTION cg_api.co_meeting_missing(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'co_meeting.missing');
    v_month date;
BEGIN
    PERFORM cg_internal.check('month', CASE WHEN cg_internal.clean(p_req ->> 'month') = '' THEN cg_internal.missing() END);
    v_month := cg_internal.mech_month('month', p_req ->> 'month');
    IF v_month > date_trunc('month', cg_internal.today()) THEN
        PERFORM cg_internal.fail('CG003', 'month', format('month: %s is after this month', to_char(v_month, 'YYYY-MM')),
                                 'value.after_today',
                                 jsonb_build_object('field', 'month', 'today', cg_internal.date_text(cg_internal.today())));
    END IF;
    RETURN jsonb_build_object(
        'month', to_char(v_month, 'YYYY-MM'),
        'units', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                      'unit', u.code, 'unit_name', u.name_zh,
                                      'last_date', (SELECT cg_internal.date_text(max(m.held_on)) FROM co_meetings m
                                                    WHERE m.unit_code = u.code AND m.held_on < v_month))
                                  ORDER BY u.code), '[]')
                  FROM units u
                  WHERE u.kind = 'district_unit'
                    AND (NOT cg_internal.unit_member(a) OR u.code = a.unit_code)
                    AND NOT EXISTS (SELECT 1 FROM co_meetings m
                                    WHERE m.unit_code = u.code
                                      AND m.held_on >= v_month AND m.held_on < v_month + interval '1 month')));
END
$$;

-- SuggestionAnswer -> Suggestion: the meeting's unit (or hq) answers a
-- suggestion once, saying whether it was adopted.
CREATE FUNCTION cg_api.suggestion_answer(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'suggestion.answer');
    v_prev jsonb;
    v_id bigint := cg_internal.req_int(p_req, 'id');
    v_text text;
    v_adopted text := lower(cg_internal.clean(p_req ->> 'adopted'));
    s cg_internal.suggestion_rows;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'suggestion_answer', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('id', CASE WHEN v_id = 0 THEN cg_internal.missing() END);
    v_text := cg_internal.mech_text('text', p_req ->> 'text', 2000, true, true);
    PERFORM cg_internal.check('adopted', cg_internal.one_of_problem(v_adopted, '{yes,no,partly}', true));
    PERFORM 1 FROM suggestions WHERE id = v_id FOR UPDATE;
    SELECT * INTO s FROM cg_internal.suggestion_rows WHERE id = v_id;
    IF NOT FOUND OR NOT cg_internal.can_change(a, s.unit_code) THEN
        PERFORM cg_internal.fail('CG005', 'id', format('suggestion %s not found', v_id),
                                 'suggestion.not_found', jsonb_build_object('id', v_id));
    END IF;
    IF s.answered_at IS NOT NULL THEN
        PERFORM cg_internal.fail('CG009', 'id', format('suggestion %s was answered at %s by %s', s.id,
                                                      cg_internal.instant_text(s.answered_at), s.answered_by),
                                 'suggestion.answered',
                                 jsonb_build_object('id', s.id, 'at', cg_internal.instant_text(s.answered_at),
                                                    'account', s.answered_by));
    END IF;
    INSERT INTO suggestion_answers (suggestion_id, text, adopted, answered_by) VALUES (s.id, v_text, v_adopted, a.name);
    SELECT * INTO s FROM cg_internal.suggestion_rows WHERE id = v_id;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.suggestion_doc(s));
END
$$;

-- SuggestionList -> SuggestionListReply: newest first; open, unit, meeting.
CREATE FUNCTION cg_api.suggestion_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'suggestion.list');
    v_unit text;
    v_open boolean := coalesce((p_req ->> 'open')::boolean, false);
    v_meeting bigint := cg_internal.req_int(p_req, 'meeting_id');
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit integer := cg_internal.page_limit(p_req);
    c refcursor;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    OPEN c FOR SELECT cg_internal.suggestion_doc(s) FROM cg_internal.suggestion_rows s
         WHERE cg_internal.mech_visible(a, s.unit_code)
           AND (v_unit IS NULL OR s.unit_code = v_unit)
           AND (NOT v_open OR s.answered_at IS NULL)
           AND (v_meeting = 0 OR s.meeting_id = v_meeting)
           AND (v_after = 0 OR s.id < v_after)
         ORDER BY s.id DESC LIMIT v_limit + 1;
    RETURN cg_internal.mech_page(c, v_limit, 'suggestions');
END
$$;

-- ---------------------------------------------------------------------------
-- The leadership group
-- ---------------------------------------------------------------------------

CREATE FUNCTION cg_internal.group_member_doc(r leadership_members) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', r.id,
        'name', r.name,
        'role', r.role,
        'post', r.post,
        'unit', r.unit_code,
        'unit_name', cg_internal.mech_unit_name(r.unit_code),
        'from', cg_internal.date_text(r.valid_from),
        'left', r.left_group,
        'reason', r.reason,
        'recorded_at', cg_internal.instant_text(r.recorded_at),
        'recorded_by', coalesce(r.recorded_by, ''))
$$;

-- Each person's row in effect on p_day (left ones included), in the order
-- the group lists them: leaders, deputies, members, each by first entry.
CREATE FUNCTION cg_internal.group_on(p_day date) RETURNS SETOF leadership_members
LANGUAGE sql STABLE AS $$
    SELECT c.* FROM (
        SELECT DISTINCT ON (l.name) l.*
        FROM leadership_members l
        WHERE l.valid_from <= p_day
        ORDER BY l.name, l.valid_from DESC, l.id DESC) c
    ORDER BY array_position(ARRAY['leader', 'deputy', 'member'], c.role),
             (SELECT min(f.id) FROM leadership_members f WHERE f.name = c.name)
$$;

-- GroupMemberSet -> GroupMember: hq adds a row to the group's history: a
-- person takes (or changes) a place from a day on, or leaves the group.
CREATE FUNCTION cg_api.group_member_set(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'group.member_set');
    v_prev jsonb;
    m jsonb := p_req;
    v_name text;
    v_left boolean := coalesce((m ->> 'left')::boolean, false);
    v_role text := lower(cg_internal.clean(m ->> 'role'));
    v_post text;
    v_unit text;
    v_from date;
    v_reason text;
    cur leadership_members;
    n leadership_members;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'group_member_set', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    v_name := replace(cg_internal.mech_text('name', m ->> 'name', 50, true, false), ' ', '');
    v_from := cg_internal.mech_day('from', m ->> 'from', true);
    v_reason := cg_internal.mech_text('reason', m ->> 'reason', 500, v_left, false);
    SELECT * INTO cur FROM cg_internal.group_on(v_from) g WHERE g.name = v_name AND NOT g.left_group;
    IF v_left THEN
        IF cur.id IS NULL THEN
            PERFORM cg_internal.fail('CG009', 'name', format('%s is not in the group on %s', v_name, v_from),
                                     'group.not_member',
                                     jsonb_build_object('name', v_name, 'date', cg_internal.date_text(v_from)));
        END IF;
        v_role := cur.role;
        v_post := cur.post;
        v_unit := cur.unit_code;
    ELSE
        PERFORM cg_internal.check('role', cg_internal.one_of_problem(v_role, '{leader,deputy,member}', true));
        v_post := cg_internal.mech_text('post', m ->> 'post', 200, true, false);
        PERFORM cg_internal.check('unit', CASE WHEN cg_internal.clean(m ->> 'unit') = '' THEN cg_internal.missing() END);
        v_unit := cg_internal.unit_filter(a, m ->> 'unit');
        IF cur.id IS NOT NULL AND cur.role = v_role AND cur.post = v_post AND cur.unit_code = v_unit THEN
            PERFORM cg_internal.fail('CG009', 'name', format('%s already holds this place since %s', v_name,
                                                            cur.valid_from),
                                     'group.unchanged',
                                     jsonb_build_object('name', v_name, 'date', cg_internal.date_text(cur.valid_from)));
        END IF;
    END IF;
    INSERT INTO leadership_members (name, role, post, unit_code, valid_from, left_group, reason, recorded_by)
    VALUES (v_name, v_role, v_post, v_unit, v_from, v_left, v_reason, a.name)
    RETURNING * INTO n;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.group_member_doc(n));
END
$$;

-- GroupShow -> GroupShowReply: the group on a day (today by default), or
-- its whole history.
CREATE FUNCTION cg_api.group_show(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'group.show');
    v_day date;
BEGIN
    v_day := coalesce(cg_internal.date_filter('as_of', cg_internal.clean(p_req ->> 'as_of')), cg_internal.today());
    IF coalesce((p_req ->> 'history')::boolean, false) THEN
        RETURN jsonb_build_object('as_of', '', 'members',
            (SELECT coalesce(jsonb_agg(cg_internal.group_member_doc(l) ORDER BY l.valid_from, l.id), '[]')
             FROM leadership_members l));
    END IF;
    RETURN jsonb_build_object('as_of', cg_internal.date_text(v_day), 'members',
        (SELECT coalesce(jsonb_agg(cg_internal.group_member_doc(g)), '[]')
         FROM cg_internal.group_on(v_day) g WHERE NOT g.left_group));
END
$$;

-- ---------------------------------------------------------------------------
-- Leadership-group and three-party meetings, and their decisions
-- ---------------------------------------------------------------------------

CREATE VIEW cg_internal.decision_rows AS
SELECT d.id, d.meeting_id, m.kind, m.unit_code, d.text, d.owner, d.deadline,
       f.text AS follow_up, f.at AS followed_up_at, f.by_account AS followed_up_by,
       (SELECT count(*) FROM decision_follow_ups c WHERE c.decision_id = d.id)::integer AS follow_ups,
       EXISTS (SELECT 1 FROM decision_follow_ups c WHERE c.decision_id = d.id AND c.done) AS done
FROM decisions d
JOIN mech_meetings m ON m.id = d.meeting_id
LEFT JOIN LATERAL (SELECT * FROM decision_follow_ups c WHERE c.decision_id = d.id ORDER BY c.id DESC LIMIT 1) f
    ON true;

CREATE FUNCTION cg_internal.decision_doc(d cg_internal.decision_rows) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', d.id,
        'meeting_id', d.meeting_id,
        'kind', d.kind,
        'unit', d.unit_code,
        'text', d.text,
        'owner', d.owner,
        'deadline', cg_internal.date_text(d.deadline),
        'follow_up', coalesce(d.follow_up, ''),
        'followed_up_at', cg_internal.instant_text(d.followed_up_at),
        'followed_up_by', coalesce(d.followed_up_by, ''),
        'follow_ups', d.follow_ups,
        'done', d.done,
        'overdue', NOT d.done AND d.deadline < cg_internal.today())
$$;

CREATE FUNCTION cg_internal.mech_meeting_doc(m mech_meetings) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', m.id,
        'kind', m.kind,
        'unit', m.unit_code,
        'unit_name', cg_internal.mech_unit_name(m.unit_code),
        'date', cg_internal.date_text(m.held_on),
        'topic', m.topic,
        'attendees', m.attendees,
        'compounds', to_jsonb(m.compound_ids),
        'minutes', m.minutes,
        'decisions', (SELECT coalesce(jsonb_agg(cg_internal.decision_doc(d) ORDER BY d.id), '[]')
                      FROM cg_internal.decision_rows d WHERE d.meeting_id = m.id),
        'recorded_at', cg_internal.instant_text(m.recorded_at),
        'recorded_by', m.recorded_by)
$$;

-- MechMeetingRecord -> MechMeeting: a meeting of the leadership group (hq
-- only, unit hq) or a unit's three-party coordination meeting, with its
-- decisions (what, who is in charge, by when: not before the meeting).
CREATE FUNCTION cg_api.mech_meeting_record(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'mech_meeting.record');
    v_prev jsonb;
    v_kind text := lower(cg_internal.clean(p_req ->> 'kind'));
    v_unit text;
    v_date date;
    v_topic text;
    v_attendees text;
    v_compounds bigint[];
    v_minutes text;
    v_decisions jsonb;
    v_texts text[] := '{}';
    v_owners text[] := '{}';
    v_deadlines date[] := '{}';
    v_deadline text;
    v_problem jsonb;
    j jsonb;
    m mech_meetings;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'mech_meeting_record', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('kind', cg_internal.one_of_problem(v_kind, '{leadership,three_party}', true));
    IF v_kind = 'leadership' THEN
        -- the leadership group is the bureau's, outside any unit's own scope
        IF v_scope <> 'all' THEN
            PERFORM cg_internal.fail('CG007', 'kind', format('account %s (role %s) may not record meetings of the leadership group', a.name, a.role),
                                     'role.denied', jsonb_build_object('account', a.name, 'role', a.role));
        END IF;
        v_unit := cg_internal.clean(p_req ->> 'unit');
        IF v_unit <> '' AND coalesce(cg_internal.unit_code_of(v_unit), '') <> 'hq' THEN
            PERFORM cg_internal.check('unit', cg_internal.one_of_problem(v_unit, '{hq}', false));
        END IF;
        v_unit := 'hq';
    ELSE
        v_unit := cg_internal.mech_unit(a, p_req ->> 'unit');
    END IF;
    v_date := cg_internal.mech_day('date', p_req ->> 'date', false);
    v_topic := cg_internal.mech_text('topic', p_req ->> 'topic', 200, true, false);
    v_attendees := cg_internal.mech_text('attendees', p_req ->> 'attendees', 2000, true, true);
    v_compounds := cg_internal.mech_compounds(nullif(v_unit, 'hq'), p_req -> 'compounds', 'compounds', 0, 200);
    v_minutes := cg_internal.mech_text('minutes', p_req ->> 'minutes', 20000, false, true);
    v_decisions := cg_internal.mech_array('decisions', p_req -> 'decisions', 0, 100);
    FOR j IN SELECT x FROM jsonb_array_elements(v_decisions) x LOOP
        IF jsonb_typeof(j) <> 'object' THEN
            j := '{}';
        END IF;
        v_texts := v_texts || cg_internal.mech_text('decisions.text', j ->> 'text', 2000, true, true);
        v_owners := v_owners || cg_internal.mech_text('decisions.owner', j ->> 'owner', 100, true, false);
        v_deadline := cg_internal.clean(j ->> 'deadline');
        v_problem := cg_internal.date_problem(v_deadline, true);
        PERFORM cg_internal.check('decisions.deadline',
                                  CASE WHEN v_problem ->> 'reason' <> 'value.after_today' THEN v_problem END);
        IF cg_internal.date_of(v_deadline) < v_date THEN
            PERFORM cg_internal.fail('CG003', 'decisions.deadline',
                                     format('decisions.deadline: %s is before the meeting (%s)', v_deadline, v_date),
                                     'decision.deadline_before_meeting',
                                     jsonb_build_object('field', 'decisions.deadline', 'deadline', v_deadline,
                                                        'date', cg_internal.date_text(v_date)));
        END IF;
        v_deadlines := v_deadlines || cg_internal.date_of(v_deadline);
    END LOOP;
    INSERT INTO mech_meetings (kind, unit_code, held_on, topic, attendees, compound_ids, minutes, recorded_by)
    VALUES (v_kind, v_unit, v_date, v_topic, v_attendees, v_compounds, v_minutes, a.name)
    RETURNING * INTO m;
    INSERT INTO decisions (meeting_id, text, owner, deadline)
    SELECT m.id, v_texts[i], v_owners[i], v_deadlines[i] FROM generate_subscripts(v_texts, 1) i ORDER BY i;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.mech_meeting_doc(m));
END
$$;

-- MechMeetingList -> MechMeetingListReply: newest first; kind, unit, month.
CREATE FUNCTION cg_api.mech_meeting_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'mech_meeting.list');
    v_kind text := lower(cg_internal.clean(p_req ->> 'kind'));
    v_unit text;
    v_month date := cg_internal.mech_month('month', p_req ->> 'month');
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit integer := cg_internal.page_limit(p_req);
    c refcursor;
BEGIN
    PERFORM cg_internal.check('kind', cg_internal.one_of_problem(v_kind, '{leadership,three_party}', false));
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    OPEN c FOR SELECT cg_internal.mech_meeting_doc(m) FROM mech_meetings m
         WHERE cg_internal.mech_visible(a, m.unit_code)
           AND (v_kind = '' OR m.kind = v_kind)
           AND (v_unit IS NULL OR m.unit_code = v_unit)
           AND (v_month IS NULL OR date_trunc('month', m.held_on) = v_month)
           AND (v_after = 0 OR m.id < v_after)
         ORDER BY m.id DESC LIMIT v_limit + 1;
    RETURN cg_internal.mech_page(c, v_limit, 'meetings');
END
$$;

-- DecisionFollowUp -> Decision: how a decision is being carried out, by the
-- meeting's unit (a three-party one) or hq; the follow-up that says done is
-- the last.
CREATE FUNCTION cg_api.decision_follow_up(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'decision.follow_up');
    v_prev jsonb;
    v_id bigint := cg_internal.req_int(p_req, 'id');
    v_text text;
    v_done boolean := coalesce((p_req ->> 'done')::boolean, false);
    d cg_internal.decision_rows;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'decision_follow_up', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('id', CASE WHEN v_id = 0 THEN cg_internal.missing() END);
    v_text := cg_internal.mech_text('text', p_req ->> 'text', 2000, true, true);
    PERFORM 1 FROM decisions WHERE id = v_id FOR UPDATE;
    SELECT * INTO d FROM cg_internal.decision_rows WHERE id = v_id;
    IF NOT FOUND OR NOT cg_internal.mech_visible(a, d.unit_code) THEN
        PERFORM cg_internal.fail('CG005', 'id', format('decision %s not found', v_id),
                                 'decision.not_found', jsonb_build_object('id', v_id));
    END IF;
    IF NOT cg_internal.can_change(a, d.unit_code) THEN
        PERFORM cg_internal.fail('CG007', 'id', format('decision %s is followed up by %s', v_id, d.unit_code),
                                 'decision.not_yours', jsonb_build_object('id', v_id, 'unit', d.unit_code));
    END IF;
    IF d.done THEN
        PERFORM cg_internal.fail('CG009', 'id', format('decision %s was already done', d.id),
                                 'decision.done', jsonb_build_object('id', d.id));
    END IF;
    INSERT INTO decision_follow_ups (decision_id, text, done, by_account) VALUES (d.id, v_text, v_done, a.name);
    SELECT * INTO d FROM cg_internal.decision_rows WHERE id = v_id;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.decision_doc(d));
END
$$;

-- DecisionList -> DecisionListReply: newest first; open, overdue, kind, unit.
CREATE FUNCTION cg_api.decision_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'decision.list');
    v_open boolean := coalesce((p_req ->> 'open')::boolean, false);
    v_overdue boolean := coalesce((p_req ->> 'overdue')::boolean, false);
    v_kind text := lower(cg_internal.clean(p_req ->> 'kind'));
    v_unit text;
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit integer := cg_internal.page_limit(p_req);
    c refcursor;
BEGIN
    PERFORM cg_internal.check('kind', cg_internal.one_of_problem(v_kind, '{leadership,three_party}', false));
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    OPEN c FOR SELECT cg_internal.decision_doc(d) FROM cg_internal.decision_rows d
         WHERE cg_internal.mech_visible(a, d.unit_code)
           AND (v_kind = '' OR d.kind = v_kind)
           AND (v_unit IS NULL OR d.unit_code = v_unit)
           AND (NOT (v_open OR v_overdue) OR NOT d.done)
           AND (NOT v_overdue OR d.deadline < cg_internal.today())
           AND (v_after = 0 OR d.id < v_after)
         ORDER BY d.id DESC LIMIT v_limit + 1;
    RETURN cg_internal.mech_page(c, v_limit, 'decisions');
END
$$;

-- ---------------------------------------------------------------------------
-- Training
-- ---------------------------------------------------------------------------

CREATE FUNCTION cg_internal.training_doc(t trainings) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', t.id,
        'unit', t.unit_code,
        'unit_name', cg_internal.mech_unit_name(t.unit_code),
        'date', cg_internal.date_text(t.held_on),
        'topic', t.topic,
        'hours', t.hours,
        'officers', (SELECT coalesce(jsonb_agg(x.officer_id ORDER BY x.position), '[]')
                     FROM training_attendees x WHERE x.training_id = t.id),
        'officer_names', (SELECT coalesce(jsonb_agg(o.name ORDER BY x.position), '[]')
                          FROM training_attendees x JOIN officers o ON o.id = x.officer_id
                          WHERE x.training_id = t.id),
        'recorded_at', cg_internal.instant_text(t.recorded_at),
        'recorded_by', t.recorded_by)
$$;

-- TrainingRecord -> Training: a session of a unit with the officers of that
-- unit who attended (hq: a bureau-wide session, officers of any unit).
CREATE FUNCTION cg_api.training_record(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'training.record');
    v_prev jsonb;
    t jsonb := CASE WHEN jsonb_typeof(p_req -> 'training') = 'object' THEN p_req -> 'training' ELSE '{}'::jsonb END;
    v_unit text;
    v_date date;
    v_topic text;
    v_hours bigint := cg_internal.req_int(t, 'hours');
    v_ids bigint[] := '{}';
    v_id bigint;
    v_officer officers;
    j jsonb;
    n trainings;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'training_record', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    v_unit := cg_internal.mech_unit(a, t ->> 'unit');
    v_date := cg_internal.mech_day('date', t ->> 'date', false);
    v_topic := cg_internal.mech_text('topic', t ->> 'topic', 200, true, false);
    PERFORM cg_internal.check('hours', cg_internal.range_problem(v_hours, 0, 100));
    FOR j IN SELECT x FROM jsonb_array_elements(cg_internal.mech_array('officers', t -> 'officers', 1, 500)) x LOOP
        v_id := cg_internal.req_int(jsonb_build_object('officers', j), 'officers');
        IF v_id = ANY (v_ids) THEN
            PERFORM cg_internal.fail('CG003', 'officers', format('officers: %s is given twice', v_id),
                                     'value.twice', jsonb_build_object('field', 'officers', 'value', v_id::text));
        END IF;
        SELECT * INTO v_officer FROM officers WHERE id = v_id;
        IF NOT FOUND OR NOT cg_internal.officer_visible(a, v_officer.unit_code) THEN
            PERFORM cg_internal.fail('CG005', 'officers', format('officer %s not found', v_id),
                                     'officer.not_found', jsonb_build_object('id', v_id));
        END IF;
        IF v_unit <> 'hq' AND v_officer.unit_code <> v_unit THEN
            PERFORM cg_internal.fail('CG003', 'officers', format('officer %s belongs to unit %s, not %s', v_id,
                                                                v_officer.unit_code, v_unit),
                                     'officer.other_unit',
                                     jsonb_build_object('id', v_id, 'unit', v_officer.unit_code, 'expected', v_unit));
        END IF;
        v_ids := v_ids || v_id;
    END LOOP;
    INSERT INTO trainings (unit_code, held_on, topic, hours, recorded_by)
    VALUES (v_unit, v_date, v_topic, v_hours, a.name)
    RETURNING * INTO n;
    INSERT INTO training_attendees (training_id, officer_id, position)
    SELECT n.id, o, i FROM unnest(v_ids) WITH ORDINALITY AS x(o, i);
    RETURN cg_internal.idem_end(a, p_req, cg_internal.training_doc(n));
END
$$;

-- TrainingList -> TrainingListReply: newest first; a unit filter takes the
-- unit's sessions and the bureau-wide ones its officers attended.
CREATE FUNCTION cg_api.training_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'training.list');
    v_unit text;
    v_month date := cg_internal.mech_month('month', p_req ->> 'month');
    v_officer bigint := cg_internal.req_int(p_req, 'officer_id');
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit integer := cg_internal.page_limit(p_req);
    c refcursor;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    OPEN c FOR SELECT cg_internal.training_doc(t) FROM trainings t
         WHERE cg_internal.mech_visible(a, t.unit_code)
           AND (v_unit IS NULL OR t.unit_code = v_unit
                OR (t.unit_code = 'hq' AND EXISTS (SELECT 1 FROM training_attendees x
                                                   JOIN officers o ON o.id = x.officer_id
                                                   WHERE x.training_id = t.id AND o.unit_code = v_unit)))
           AND (v_month IS NULL OR date_trunc('month', t.held_on) = v_month)
           AND (v_officer = 0 OR EXISTS (SELECT 1 FROM training_attendees x
                                         WHERE x.training_id = t.id AND x.officer_id = v_officer))
           AND (v_after = 0 OR t.id < v_after)
         ORDER BY t.id DESC LIMIT v_limit + 1;
    RETURN cg_internal.mech_page(c, v_limit, 'trainings');
END
$$;

-- ---------------------------------------------------------------------------
-- Good practice and demonstration compounds
-- ---------------------------------------------------------------------------

CREATE FUNCTION cg_internal.practice_doc(p good_practices) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', p.id,
        'unit', p.unit_code,
        'unit_name', cg_internal.mech_unit_name(p.unit_code),
        'compound_id', coalesce(p.compound_id, 0),
        'compound_name', coalesce((SELECT c.name FROM compounds c WHERE c.id = p.compound_id), ''),
        'title', p.title,
        'write_up', p.write_up,
        'criteria', to_jsonb(p.criteria),
        'date', cg_internal.date_text(p.written_on),
        'recorded_at', cg_internal.instant_text(p.recorded_at),
        'recorded_by', p.recorded_by)
$$;

-- PracticeAdd -> Practice: a unit's good practice, or with compound_id the
-- write-up of one of its demonstration compounds (marked by `compound demo`)
-- and the criteria (demo_criteria, by code or Chinese name) it meets.
CREATE FUNCTION cg_api.practice_add(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'practice.add');
    v_prev jsonb;
    p jsonb := CASE WHEN jsonb_typeof(p_req -> 'practice') = 'object' THEN p_req -> 'practice' ELSE '{}'::jsonb END;
    v_unit text;
    v_compound bigint := cg_internal.req_int(p, 'compound_id');
    v_title text;
    v_write_up text;
    v_date date;
    v_criteria text[] := '{}';
    v_in text;
    v_code text;
    v_demo boolean;
    j jsonb;
    n good_practices;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'practice_add', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    v_unit := cg_internal.mech_unit(a, p ->> 'unit');
    v_title := cg_internal.mech_text('title', p ->> 'title', 100, true, false);
    v_write_up := cg_internal.mech_text('write_up', p ->> 'write_up', 20000, true, true);
    v_date := cg_internal.mech_day('date', p ->> 'date', true);
    FOR j IN SELECT x FROM jsonb_array_elements(cg_internal.mech_array('criteria', p -> 'criteria', 0, 20)) x LOOP
        v_in := cg_internal.clean(j #>> '{}');
        SELECT c.code INTO v_code FROM demo_criteria c WHERE c.code = lower(v_in) OR c.name_zh = v_in;
        IF NOT FOUND THEN
            PERFORM cg_internal.check('criteria', cg_internal.one_of_problem(v_in,
                (SELECT array_agg(c.code ORDER BY c.ordinal) FROM demo_criteria c), true));
        END IF;
        IF v_code = ANY (v_criteria) THEN
            PERFORM cg_internal.fail('CG003', 'criteria', format('criteria: %s is given twice', v_code),
                                     'value.twice', jsonb_build_object('field', 'criteria', 'value', v_code));
        END IF;
        v_criteria := v_criteria || v_code;
    END LOOP;
    IF v_compound = 0 AND cardinality(v_criteria) > 0 THEN
        PERFORM cg_internal.fail('CG003', 'criteria', 'criteria: only a demonstration compound meets criteria',
                                 'practice.criteria_without_compound', '{}');
    END IF;
    IF v_compound <> 0 THEN
        PERFORM cg_internal.mech_compounds(v_unit, jsonb_build_array(v_compound), 'compound_id', 1, 1);
        SELECT c.demo INTO v_demo FROM compounds c WHERE c.id = v_compound;
        IF NOT v_demo THEN
            PERFORM cg_internal.fail('CG009', 'compound_id',
                                     format('compound %s is not a demonstration compound', v_compound),
                                     'practice.not_demo', jsonb_build_object('id', v_compound));
        END IF;
        PERFORM cg_internal.check('criteria', CASE WHEN cardinality(v_criteria) = 0 THEN cg_internal.missing() END);
    END IF;
    INSERT INTO good_practices (unit_code, compound_id, title, write_up, criteria, written_on, recorded_by)
    VALUES (v_unit, nullif(v_compound, 0), v_title, v_write_up, v_criteria, v_date, a.name)
    RETURNING * INTO n;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.practice_doc(n));
END
$$;

-- PracticeList -> PracticeListReply: newest first; unit, demo, compound.
CREATE FUNCTION cg_api.practice_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'practice.list');
    v_unit text;
    v_demo boolean := coalesce((p_req ->> 'demo')::boolean, false);
    v_compound bigint := cg_internal.req_int(p_req, 'compound_id');
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit integer := cg_internal.page_limit(p_req);
    c refcursor;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    OPEN c FOR SELECT cg_internal.practice_doc(p) FROM good_practices p
         WHERE cg_internal.mech_visible(a, p.unit_code)
           AND (v_unit IS NULL OR p.unit_code = v_unit)
           AND (NOT v_demo OR p.compound_id IS NOT NULL)
           AND (v_compound = 0 OR p.compound_id = v_compound)
           AND (v_after = 0 OR p.id < v_after)
         ORDER BY p.id DESC LIMIT v_limit + 1;
    RETURN cg_internal.mech_page(c, v_limit, 'practices');
END
$$;

-- ---------------------------------------------------------------------------
-- The bulletin's counts (step 6, supervision bulletin): per unit and period
-- [first, last] (Beijing dates, both included).
-- ---------------------------------------------------------------------------

-- Co-construction days held: the distinct days on which the unit held one
-- (each on the 15th or rescheduled with a reason: the table allows no other).
CREATE FUNCTION cg_internal.unit_meetings_held(unit text, first date, last date) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT count(DISTINCT m.held_on)::integer
    FROM co_meetings m
    WHERE m.unit_code = unit_meetings_held.unit
      AND m.held_on BETWEEN unit_meetings_held.first AND unit_meetings_held.last
$$;

-- Of those days, the ones that were not the 15th (rescheduled with a reason).
CREATE FUNCTION cg_internal.unit_meetings_rescheduled(unit text, first date, last date) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT count(DISTINCT m.held_on)::integer
    FROM co_meetings m
    WHERE m.unit_code = unit_meetings_rescheduled.unit
      AND m.held_on BETWEEN unit_meetings_rescheduled.first AND unit_meetings_rescheduled.last
      AND extract(day FROM m.held_on) <> 15
$$;

-- Suggestions made at the unit's co-construction days of the period, and how
-- many of them were answered before `cutoff` (default: by now, whenever the
-- answer came; the bulletin passes the end of its period, so that a
-- published figure does not change afterwards).
CREATE FUNCTION cg_internal.unit_suggestions(unit text, first date, last date,
                                             cutoff timestamptz DEFAULT 'infinity', OUT made integer,
                                             OUT answered integer)
LANGUAGE sql STABLE AS $$
    SELECT count(*)::integer, count(x.suggestion_id) FILTER (WHERE x.answered_at < unit_suggestions.cutoff)::integer
    FROM co_meetings m
    JOIN suggestions s ON s.meeting_id = m.id
    LEFT JOIN suggestion_answers x ON x.suggestion_id = s.id
    WHERE m.unit_code = unit_suggestions.unit
      AND m.held_on BETWEEN unit_suggestions.first AND unit_suggestions.last
$$;

-- Did the officer attend a training session (his unit's or a bureau-wide
-- one) held in the period?
CREATE FUNCTION cg_internal.officer_trained(officer bigint, first date, last date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1
                   FROM training_attendees x
                   JOIN trainings t ON t.id = x.training_id
                   WHERE x.officer_id = officer_trained.officer
                     AND t.held_on BETWEEN officer_trained.first AND officer_trained.last)
$$;

-- Officers trained: the distinct officers of the unit who attended a
-- training session held in the period.
CREATE FUNCTION cg_internal.unit_officers_trained(unit text, first date, last date) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT count(*)::integer
    FROM officers o
    WHERE o.unit_code = unit_officers_trained.unit
      AND cg_internal.officer_trained(o.id, unit_officers_trained.first, unit_officers_trained.last)
$$;
