-- Step 5 (issue 11): the time limits of each case, kept on its row.
--   closing_due  the last day to close it: the category's closing limit in
--                force when it was registered (time_limit_due, sql/api/
--                calendar.sql), counted from the Beijing date of its
--                registration; NULL while that needs a year the holiday
--                calendar does not have yet (entering the year fills it in);
--   rectify_due  the rectification deadline of its latest decision.
-- Neither moves when a limit or the calendar is changed later: a case keeps
-- the limits it was registered with.

ALTER TABLE cases ADD COLUMN closing_due date, ADD COLUMN rectify_due date;
COMMENT ON COLUMN cases.closing_due IS 'Last day to close (the category''s closing limit from registration); NULL while the calendar lacks a year it needs.';
COMMENT ON COLUMN cases.rectify_due IS 'The rectification deadline of the latest decision; NULL before a decision.';

-- The existing cases. The API set (and so time_limit_due) is applied after
-- the migrations, so this one-off computation follows its rule here: a
-- working-day limit ends on the days-th working day after the start (the
-- start never counts); a calendar-day limit on start + days, or the first
-- working day after it when that is not one. A day of a year outside
-- calendar_years leaves the case NULL.
CREATE FUNCTION pg_temp.working(p_day date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM calendar_years y WHERE y.year = extract(year FROM p_day)) THEN NULL
                ELSE coalesce((SELECT c.kind = 'workday' FROM calendar_days c WHERE c.day = p_day ORDER BY c.id DESC LIMIT 1),
                              extract(isodow FROM p_day) < 6) END
$$;

CREATE FUNCTION pg_temp.closing_due(p_category integer, p_from date) RETURNS date
LANGUAGE plpgsql STABLE AS $$
DECLARE
    l time_limits;
    d date;
    left_to_count integer;
BEGIN
    SELECT * INTO l FROM time_limits WHERE category = p_category AND kind = 'closing' ORDER BY id DESC LIMIT 1;
    IF l.day_kind = 'working' THEN
        d := p_from;
        left_to_count := l.days;
        WHILE left_to_count > 0 LOOP
            d := d + 1;
            CASE pg_temp.working(d) WHEN true THEN left_to_count := left_to_count - 1;
                                    WHEN false THEN NULL;
                                    ELSE RETURN NULL;
            END CASE;
        END LOOP;
        RETURN d;
    END IF;
    d := p_from + l.days;
    LOOP
        CASE pg_temp.working(d) WHEN true THEN RETURN d;
                                WHEN false THEN d := d + 1;
                                ELSE RETURN NULL;
        END CASE;
    END LOOP;
END
$$;

-- (cases_one_step wants a new version for every change; filling in derived
-- columns is not a step.)
ALTER TABLE cases DISABLE TRIGGER cases_one_step;
UPDATE cases k
SET closing_due = pg_temp.closing_due(k.category, (k.registered_at AT TIME ZONE 'Asia/Shanghai')::date),
    rectify_due = (SELECT t.deadline FROM case_timeline t
                   WHERE t.case_id = k.id AND t.to_state = 'decided' AND t.kind = 'moved'
                   ORDER BY t.id DESC LIMIT 1);
ALTER TABLE cases ENABLE TRIGGER cases_one_step;

CREATE INDEX cases_due_idx ON cases (closing_due) WHERE state NOT IN ('closed', 'rejected', 'transferred');

DROP FUNCTION pg_temp.closing_due(integer, date);
DROP FUNCTION pg_temp.working(date);
