-- Working days (sql/0012_calendar.sql): China's official holiday calendar,
-- the day arithmetic of time limits, and the default time limits of cases.
--
-- The rule of counting, as administrative time limits count (行政处罚法
-- art. 85: the day a period starts is not counted):
--   add_working_days(d, n), n >= 1: the n-th working day after d (d itself
--       never counts, whether or not it is a working day);
--   add_working_days(d, 0): d when it is a working day, else the first
--       working day after it;
--   working_days_between(a, b): the working days in (a, b], so that
--       add_working_days(a, working_days_between(a, b)) = b for a working
--       day b after a; negative, -(working days in (b, a]), when b < a.
-- Every day looked at must lie in a year of calendar_years (its notice
-- entered) or of calendar_provisional_years (counted on the statutory
-- holidays until then, sql/0018_calendar_provisional.sql); any other is
-- FAILED_PRECONDITION calendar.year_missing, never a guess.

-- The calendar's entries in effect: for each day, its latest row.
CREATE VIEW cg_internal.calendar_effective AS
SELECT DISTINCT ON (day) id, day, kind, name, reason, added_by, added_at
FROM calendar_days ORDER BY day, id DESC;

-- CG009 calendar.year_missing unless every year from p_first to p_last
-- (dates) is in calendar_years or calendar_provisional_years.
--
-- (Functions that call the helpers of core.sql are plpgsql: this file is
-- applied before core.sql, and plpgsql bodies are resolved when run.)
CREATE FUNCTION cg_internal.calendar_require(p_first date, p_last date) RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
    y integer;
BEGIN
    SELECT g INTO y
    FROM generate_series(extract(year FROM p_first)::integer, extract(year FROM p_last)::integer) g
    WHERE NOT EXISTS (SELECT 1 FROM calendar_years c WHERE c.year = g)
      AND NOT EXISTS (SELECT 1 FROM calendar_provisional_years p WHERE p.year = g)
    ORDER BY g LIMIT 1;
    IF y IS NOT NULL THEN
        PERFORM cg_internal.fail('CG009', NULL,
                                 format('the holiday calendar has no year %s (needed for %s); enter its notice first', y,
                                        cg_internal.date_text(greatest(p_first, make_date(y, 1, 1)))),
                                 'calendar.year_missing',
                                 jsonb_build_object('year', y,
                                                    'date', cg_internal.date_text(greatest(p_first, make_date(y, 1, 1)))));
    END IF;
END
$$;

-- Working day or not by the entry in effect (p_kind, NULL: none) and the weekday.
CREATE FUNCTION cg_internal.calendar_working(p_day date, p_kind text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_kind WHEN 'holiday' THEN false WHEN 'workday' THEN true
                       ELSE extract(isodow FROM p_day) < 6 END
$$;

CREATE FUNCTION cg_internal.is_working_day(p_day date) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM cg_internal.calendar_require(p_day, p_day);
    RETURN cg_internal.calendar_working(p_day, (SELECT e.kind FROM cg_internal.calendar_effective e WHERE e.day = p_day));
END
$$;

-- See the rule at the top. n < 0 is CG003 value.out_of_range (field n).
CREATE FUNCTION cg_internal.add_working_days(p_day date, p_n integer) RETURNS date
LANGUAGE plpgsql STABLE AS $$
DECLARE
    d date := p_day;
    left_to_count integer := p_n;
BEGIN
    IF p_n IS NULL OR p_n NOT BETWEEN 0 AND 3650 THEN
        PERFORM cg_internal.check('n', cg_internal.range_problem(coalesce(p_n, -1), 0, 3650));
    END IF;
    IF p_n = 0 THEN
        WHILE NOT cg_internal.is_working_day(d) LOOP
            d := d + 1;
        END LOOP;
        RETURN d;
    END IF;
    WHILE left_to_count > 0 LOOP
        d := d + 1;
        IF cg_internal.is_working_day(d) THEN
            left_to_count := left_to_count - 1;
        END IF;
    END LOOP;
    RETURN d;
END
$$;

CREATE FUNCTION cg_internal.working_days_between(p_a date, p_b date) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
    lo date := least(p_a, p_b);
    hi date := greatest(p_a, p_b);
    n integer;
BEGIN
    IF lo = hi THEN
        RETURN 0;
    END IF;
    PERFORM cg_internal.calendar_require(lo + 1, hi);
    SELECT count(*) INTO n
    FROM generate_series(lo + 1, hi, interval '1 day') g
    LEFT JOIN cg_internal.calendar_effective e ON e.day = g::date
    WHERE cg_internal.calendar_working(g::date, e.kind);
    RETURN CASE WHEN p_b < p_a THEN -n ELSE n END;
END
$$;

-- The limit in effect for category p_category and p_kind ('registration',
-- 'closing').
CREATE FUNCTION cg_internal.time_limit(p_category integer, p_kind text) RETURNS time_limits
LANGUAGE sql STABLE AS $$
    SELECT * FROM time_limits WHERE category = p_category AND kind = p_kind ORDER BY id DESC LIMIT 1
$$;

-- The last day of the time limit p_kind of category p_category counted from
-- p_from: working days by add_working_days; calendar days as p_from + days,
-- moved to the next working day when that is not one (行政处罚法 art. 85:
-- a period whose last day is a holiday ends on the first day after it).
CREATE FUNCTION cg_internal.time_limit_due(p_category integer, p_kind text, p_from date) RETURNS date
LANGUAGE plpgsql STABLE AS $$
DECLARE
    l time_limits := cg_internal.time_limit(p_category, p_kind);
BEGIN
    IF l.id IS NULL THEN
        RAISE EXCEPTION 'no time limit % for category %', p_kind, p_category;
    END IF;
    IF l.day_kind = 'working' THEN
        RETURN cg_internal.add_working_days(p_from, l.days);
    END IF;
    RETURN cg_internal.add_working_days(p_from + l.days, 0);
END
$$;

-- ---------------------------------------------------------------------------
-- Requests
-- ---------------------------------------------------------------------------

-- A request's date: 'YYYY-MM-DD' that exists (any day, past or future;
-- the calendar's own years are checked where a day is counted).
CREATE FUNCTION cg_internal.calendar_date_problem(v text) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT CASE WHEN p ->> 'reason' IN ('value.before_programme', 'value.after_today') THEN NULL ELSE p END
        FROM cg_internal.date_problem(v, true) p);
END
$$;

-- A year of the request (field p_field): 2021 to 2100.
CREATE FUNCTION cg_internal.calendar_year_of(p_req jsonb, p_field text) RETURNS integer
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    y bigint := cg_internal.req_int(p_req, p_field);
BEGIN
    PERFORM cg_internal.check(p_field, CASE WHEN y = 0 THEN cg_internal.missing()
                                            ELSE cg_internal.range_problem(y, 2021, 2100) END);
    RETURN y;
END
$$;

-- A CalendarDay of row r; p_in_effect whether it is the day's latest row.
CREATE FUNCTION cg_internal.calendar_day_doc(r calendar_days, p_in_effect boolean) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT jsonb_build_object(
            'date', cg_internal.date_text(r.day),
            'kind', r.kind,
            'name', r.name,
            'reason', r.reason,
            'working', r.kind = 'workday',
            'weekend', extract(isodow FROM r.day) >= 6,
            'in_effect', p_in_effect,
            'added_by', coalesce(r.added_by, ''),
            'added_at', cg_internal.instant_text(r.added_at)));
END
$$;

-- CalendarHolidayAdd and CalendarWorkdayAdd -> CalendarDay: a row of kind
-- p_kind for the day; it takes effect over every earlier row of that day.
-- p_request is the route (the authorisation table's name), p_method the
-- function (the idempotency record's).
CREATE FUNCTION cg_internal.calendar_day_add(p_account text, p_req jsonb, p_kind text, p_request text,
                                             p_method text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, p_request);
    v_prev jsonb;
    v_date text := cg_internal.clean(p_req ->> 'date');
    v_name text := cg_internal.clean(p_req ->> 'name');
    v_reason text := cg_internal.clean(p_req ->> 'reason');
    r calendar_days;
BEGIN
    v_prev := cg_internal.idem_begin(a, p_method, p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('date', cg_internal.calendar_date_problem(v_date));
    PERFORM cg_internal.check('date', cg_internal.range_problem(substr(v_date, 1, 4)::integer, 2021, 2100));
    PERFORM cg_internal.check('name', cg_internal.text_problem(v_name, 50, true, false));
    PERFORM cg_internal.check('reason', cg_internal.text_problem(v_reason, 500, true, true));
    INSERT INTO calendar_days (day, kind, name, reason, added_by)
    VALUES (cg_internal.date_of(v_date), p_kind, v_name, v_reason, a.name)
    RETURNING * INTO r;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.calendar_day_doc(r, true));
END
$$;

CREATE FUNCTION cg_api.calendar_holiday_add(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE sql SET search_path = public, pg_temp AS $$
    SELECT cg_internal.calendar_day_add(p_account, p_req, 'holiday', 'calendar.add_holiday', 'calendar_holiday_add')
$$;

CREATE FUNCTION cg_api.calendar_workday_add(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE sql SET search_path = public, pg_temp AS $$
    SELECT cg_internal.calendar_day_add(p_account, p_req, 'workday', 'calendar.add_workday', 'calendar_workday_add')
$$;

-- The CalendarYear of year y.
CREATE FUNCTION cg_internal.calendar_year_doc(y integer) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT jsonb_build_object(
            'year', y,
            'known', c.year IS NOT NULL,
            'provisional', c.year IS NULL AND p.year IS NOT NULL,
            'notice', coalesce(c.notice, p.basis, ''),
            'added_by', coalesce(c.added_by, ''),
            'added_at', cg_internal.instant_text(c.added_at),
            'holidays', (SELECT count(*) FROM cg_internal.calendar_effective e
                         WHERE e.kind = 'holiday' AND extract(year FROM e.day) = y),
            'workdays', (SELECT count(*) FROM cg_internal.calendar_effective e
                         WHERE e.kind = 'workday' AND extract(year FROM e.day) = y),
            'working_days', CASE WHEN c.year IS NOT NULL OR p.year IS NOT NULL
                                 THEN cg_internal.working_days_between(make_date(y, 1, 1) - 1, make_date(y, 12, 31))
                                 ELSE 0 END)
        FROM (SELECT 1) one LEFT JOIN calendar_years c ON c.year = y
                            LEFT JOIN calendar_provisional_years p ON p.year = y);
END
$$;

-- CalendarYearAdd -> CalendarYear: the year's notice is entered in full, so
-- its days may be counted. Once per year; not before one of its days is.
CREATE FUNCTION cg_api.calendar_year_add(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'calendar.add_year');
    v_prev jsonb;
    v_year integer;
    v_notice text := cg_internal.clean(p_req ->> 'notice');
    c calendar_years;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'calendar_year_add', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    v_year := cg_internal.calendar_year_of(p_req, 'year');
    PERFORM cg_internal.check('notice', cg_internal.text_problem(v_notice, 300, true, false));
    -- (A provisional year has the statutory days of the migration: the
    -- notice's own days must be entered by an operator first.)
    IF NOT EXISTS (SELECT 1 FROM calendar_days WHERE extract(year FROM day) = v_year AND added_by IS NOT NULL) THEN
        PERFORM cg_internal.fail('CG009', 'year',
                                 format('year %s has no days of its notice entered yet: add them first', v_year),
                                 'calendar.year_empty', jsonb_build_object('year', v_year));
    END IF;
    INSERT INTO calendar_years (year, notice, added_by) VALUES (v_year, v_notice, a.name)
    ON CONFLICT (year) DO NOTHING;
    IF NOT FOUND THEN
        SELECT * INTO c FROM calendar_years WHERE year = v_year;
        PERFORM cg_internal.fail('CG006', 'year', format('year %s is already in the calendar (%s)', v_year, c.notice),
                                 'calendar.year_exists', jsonb_build_object('year', v_year, 'notice', c.notice));
    END IF;
    PERFORM cg_internal.case_fill_limits();  -- step5_cases.sql
    RETURN cg_internal.idem_end(a, p_req, cg_internal.calendar_year_doc(v_year));
END
$$;

-- CalendarShow -> CalendarShowReply: the year (known or not) and every row
-- of its days in date order, the replaced ones with in_effect false.
CREATE FUNCTION cg_api.calendar_show(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'calendar.show');
    v_year integer := cg_internal.calendar_year_of(p_req, 'year');
BEGIN
    RETURN jsonb_build_object(
        'year', cg_internal.calendar_year_doc(v_year),
        'days', coalesce((
            SELECT jsonb_agg(cg_internal.calendar_day_doc(d, d.id = e.id) ORDER BY d.day, d.id)
            FROM calendar_days d JOIN cg_internal.calendar_effective e ON e.day = d.day
            WHERE extract(year FROM d.day) = v_year), '[]'::jsonb));
END
$$;

-- CalendarWorkingDays -> CalendarWorkingDaysReply: the working days in
-- (from, to] and the calendar's entries in effect there.
CREATE FUNCTION cg_api.calendar_working_days(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'calendar.working_days');
    v_from text := cg_internal.clean(p_req ->> 'from');
    v_to text := cg_internal.clean(p_req ->> 'to');
    d_from date;
    d_to date;
BEGIN
    PERFORM cg_internal.check('from', cg_internal.calendar_date_problem(v_from));
    PERFORM cg_internal.check('to', cg_internal.calendar_date_problem(v_to));
    d_from := cg_internal.date_of(v_from);
    d_to := cg_internal.date_of(v_to);
    IF d_to < d_from THEN
        PERFORM cg_internal.fail('CG003', 'to', format('to: before from (%s)', v_from),
                                 'period.reversed', jsonb_build_object('field', 'to', 'from', v_from));
    END IF;
    IF d_to - d_from > 3660 THEN
        PERFORM cg_internal.fail('CG003', 'to', 'to: the period may be at most 10 years',
                                 'period.too_long', jsonb_build_object('field', 'to', 'years', 10));
    END IF;
    RETURN jsonb_build_object(
        'from', v_from,
        'to', v_to,
        'working_days', cg_internal.working_days_between(d_from, d_to),
        'calendar_days', d_to - d_from,
        'days', coalesce((
            SELECT jsonb_agg(cg_internal.calendar_day_doc(d, true) ORDER BY d.day)
            FROM calendar_days d JOIN cg_internal.calendar_effective e ON e.id = d.id
            WHERE d.day > d_from AND d.day <= d_to), '[]'::jsonb));
END
$$;

-- A TimeLimit of row l; p_current whether it is in effect.
CREATE FUNCTION cg_internal.time_limit_doc(l time_limits, p_current boolean) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT jsonb_build_object(
            'category', l.category,
            'category_name', v.name_zh,
            'category_name_en', v.label_en,
            'kind', l.kind,
            'days', l.days,
            'day_kind', l.day_kind,
            'reason', l.reason,
            'current', p_current,
            'set_by', coalesce(l.set_by, ''),
            'set_at', cg_internal.instant_text(l.set_at))
        FROM violation_categories v WHERE v.code = l.category);
END
$$;

-- LimitList -> LimitListReply: the limits in effect by category and kind;
-- with history, every row ever set, oldest first.
CREATE FUNCTION cg_api.limit_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'limit.list');
    v_history boolean := coalesce((p_req ->> 'history')::boolean, false);
BEGIN
    RETURN jsonb_build_object('limits', coalesce((
        SELECT jsonb_agg(cg_internal.time_limit_doc(l, l.id = cur.id)
                         ORDER BY CASE WHEN v_history THEN l.id END, l.category, l.kind DESC)
        FROM time_limits l
        JOIN LATERAL (SELECT (cg_internal.time_limit(l.category, l.kind)).id) cur ON true
        WHERE v_history OR l.id = cur.id), '[]'::jsonb));
END
$$;

-- LimitSet -> TimeLimit: a new limit for a category and kind; day_kind ''
-- keeps the one in effect. Supervision only.
CREATE FUNCTION cg_api.limit_set(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'limit.set');
    v_prev jsonb;
    v_category integer;
    v_kind text := cg_internal.clean(p_req ->> 'kind');
    v_day_kind text := cg_internal.clean(p_req ->> 'day_kind');
    v_days bigint := cg_internal.req_int(p_req, 'days');
    v_reason text := cg_internal.clean(p_req ->> 'reason');
    l time_limits;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'limit_set', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('category', cg_internal.category_problem(p_req -> 'category'));
    v_category := cg_internal.json_num(p_req -> 'category');
    PERFORM cg_internal.check('kind', cg_internal.one_of_problem(v_kind, '{registration,closing}', true));
    PERFORM cg_internal.check('days', CASE WHEN v_days = 0 THEN cg_internal.missing()
                                           ELSE cg_internal.range_problem(v_days, 1, 3650) END);
    PERFORM cg_internal.check('day_kind', cg_internal.one_of_problem(v_day_kind, '{working,calendar}', false));
    PERFORM cg_internal.check('reason', cg_internal.text_problem(v_reason, 500, true, true));
    IF v_day_kind = '' THEN
        v_day_kind := (cg_internal.time_limit(v_category, v_kind)).day_kind;
    END IF;
    INSERT INTO time_limits (category, kind, days, day_kind, reason, set_by)
    VALUES (v_category, v_kind, v_days, v_day_kind, v_reason, a.name)
    RETURNING * INTO l;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.time_limit_doc(l, true));
END
$$;
