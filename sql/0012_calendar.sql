-- Working days (step 5, issue 11): China's official holiday calendar as data,
-- and per-category default time limits of cases.
--
-- A day is a working day when it is Monday to Friday, unless the calendar
-- makes it a public holiday day off (放假), or when it is a Saturday or
-- Sunday that the calendar makes a working day (调休上班). The rows below
-- are the State Council's annual notices (国务院办公厅关于X年部分节假日安排
-- 的通知), one block per notice, as published; operators add later notices
-- and corrections with `chengguan calendar add-holiday|add-workday` and
-- declare a year complete with `calendar add-year`. Nothing is edited in
-- place: for one day the latest row wins, and the earlier ones stay as its
-- history. Only the years in calendar_years are known: a date of another
-- year is an error (cg_internal.calendar_require), never a guess from the
-- weekdays.
--
-- 2027: its notice was not at hand when this migration was written, so 2027
-- is not a known year; operators enter it from the notice (docs/operations.md,
-- "The holiday calendar").

CREATE TABLE calendar_days (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day       date NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name      text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    reason    text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    added_by  text REFERENCES accounts (name),  -- NULL: this migration (reason names the notice)
    added_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX calendar_days_day ON calendar_days (day, id);
COMMENT ON TABLE calendar_days IS 'Public holiday days off (holiday) and adjusted working weekend days (workday, 调休). Append-only; for a day the row with the highest id is in effect.';

CREATE TABLE calendar_years (
    year      integer PRIMARY KEY CHECK (year BETWEEN 2021 AND 2100),
    notice    text NOT NULL CHECK (length(notice) BETWEEN 1 AND 300),
    added_by  text REFERENCES accounts (name),  -- NULL: this migration
    added_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE calendar_years IS 'The years whose holiday notice is entered in full: working days are known only in these years. Append-only.';

CREATE TABLE time_limits (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category  smallint NOT NULL REFERENCES violation_categories (code),
    kind      text NOT NULL CHECK (kind IN ('registration', 'closing')),
    days      integer NOT NULL CHECK (days BETWEEN 1 AND 3650),
    day_kind  text NOT NULL CHECK (day_kind IN ('working', 'calendar')),
    reason    text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    set_by    text REFERENCES accounts (name),  -- NULL: this migration
    set_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX time_limits_current ON time_limits (category, kind, id);
COMMENT ON TABLE time_limits IS 'Default time limits of cases per category: registration (立案) within N days of the source, closing (结案) within M days of registration. Append-only; the latest row per category and kind is in effect.';

CREATE TRIGGER calendar_days_append_only BEFORE UPDATE OR DELETE ON calendar_days
    FOR EACH ROW EXECUTE FUNCTION cg_internal.refuse_change('the calendar is append-only');
CREATE TRIGGER calendar_days_no_truncate BEFORE TRUNCATE ON calendar_days
    FOR EACH STATEMENT EXECUTE FUNCTION cg_internal.refuse_change('the calendar is append-only');
CREATE TRIGGER calendar_years_append_only BEFORE UPDATE OR DELETE ON calendar_years
    FOR EACH ROW EXECUTE FUNCTION cg_internal.refuse_change('the calendar is append-only');
CREATE TRIGGER calendar_years_no_truncate BEFORE TRUNCATE ON calendar_years
    FOR EACH STATEMENT EXECUTE FUNCTION cg_internal.refuse_change('the calendar is append-only');
CREATE TRIGGER time_limits_append_only BEFORE UPDATE OR DELETE ON time_limits
    FOR EACH ROW EXECUTE FUNCTION cg_internal.refuse_change('time limits are append-only');
CREATE TRIGGER time_limits_no_truncate BEFORE TRUNCATE ON time_limits
    FOR EACH STATEMENT EXECUTE FUNCTION cg_internal.refuse_change('time limits are append-only');

-- The notices: (year, first day, last day, kind, name). A holiday row is a
-- run of days off as the notice gives it (weekend days inside it included);
-- a workday row is one adjusted working day (always a Saturday or Sunday).
CREATE TEMPORARY TABLE notice_days (year integer, first date, last date, kind text, name text) ON COMMIT DROP;
INSERT INTO notice_days VALUES
-- 2021: 国务院办公厅关于2021年部分节假日安排的通知 (2020-11-25)
    (2021, '2021-01-01', '2021-01-03', 'holiday', '元旦'),
    (2021, '2021-02-11', '2021-02-17', 'holiday', '春节'),
    (2021, '2021-02-07', '2021-02-07', 'workday', '春节'),
    (2021, '2021-02-20', '2021-02-20', 'workday', '春节'),
    (2021, '2021-04-03', '2021-04-05', 'holiday', '清明节'),
    (2021, '2021-05-01', '2021-05-05', 'holiday', '劳动节'),
    (2021, '2021-04-25', '2021-04-25', 'workday', '劳动节'),
    (2021, '2021-05-08', '2021-05-08', 'workday', '劳动节'),
    (2021, '2021-06-12', '2021-06-14', 'holiday', '端午节'),
    (2021, '2021-09-19', '2021-09-21', 'holiday', '中秋节'),
    (2021, '2021-09-18', '2021-09-18', 'workday', '中秋节'),
    (2021, '2021-10-01', '2021-10-07', 'holiday', '国庆节'),
    (2021, '2021-09-26', '2021-09-26', 'workday', '国庆节'),
    (2021, '2021-10-09', '2021-10-09', 'workday', '国庆节'),
-- 2022: 国务院办公厅关于2022年部分节假日安排的通知 (2021-10-25)
    (2022, '2022-01-01', '2022-01-03', 'holiday', '元旦'),
    (2022, '2022-01-31', '2022-02-06', 'holiday', '春节'),
    (2022, '2022-01-29', '2022-01-29', 'workday', '春节'),
    (2022, '2022-01-30', '2022-01-30', 'workday', '春节'),
    (2022, '2022-04-03', '2022-04-05', 'holiday', '清明节'),
    (2022, '2022-04-02', '2022-04-02', 'workday', '清明节'),
    (2022, '2022-04-30', '2022-05-04', 'holiday', '劳动节'),
    (2022, '2022-04-24', '2022-04-24', 'workday', '劳动节'),
    (2022, '2022-05-07', '2022-05-07', 'workday', '劳动节'),
    (2022, '2022-06-03', '2022-06-05', 'holiday', '端午节'),
    (2022, '2022-09-10', '2022-09-12', 'holiday', '中秋节'),
    (2022, '2022-10-01', '2022-10-07', 'holiday', '国庆节'),
    (2022, '2022-10-08', '2022-10-08', 'workday', '国庆节'),
    (2022, '2022-10-09', '2022-10-09', 'workday', '国庆节'),
-- 2023: 国务院办公厅关于2023年部分节假日安排的通知 (2022-12-08); its New
-- Year's holiday begins on Saturday 2022-12-31.
    (2023, '2022-12-31', '2023-01-02', 'holiday', '元旦'),
    (2023, '2023-01-21', '2023-01-27', 'holiday', '春节'),
    (2023, '2023-01-28', '2023-01-28', 'workday', '春节'),
    (2023, '2023-01-29', '2023-01-29', 'workday', '春节'),
    (2023, '2023-04-05', '2023-04-05', 'holiday', '清明节'),
    (2023, '2023-04-29', '2023-05-03', 'holiday', '劳动节'),
    (2023, '2023-04-23', '2023-04-23', 'workday', '劳动节'),
    (2023, '2023-05-06', '2023-05-06', 'workday', '劳动节'),
    (2023, '2023-06-22', '2023-06-24', 'holiday', '端午节'),
    (2023, '2023-06-25', '2023-06-25', 'workday', '端午节'),
    (2023, '2023-09-29', '2023-10-06', 'holiday', '中秋节、国庆节'),
    (2023, '2023-10-07', '2023-10-07', 'workday', '中秋节、国庆节'),
    (2023, '2023-10-08', '2023-10-08', 'workday', '中秋节、国庆节'),
-- 2024: 国务院办公厅关于2024年部分节假日安排的通知 (2023-10-25). New
-- Year's Eve of the lunar year (除夕, Friday 2024-02-09) is a working day:
-- the notice only encourages employers to give it off.
    (2024, '2024-01-01', '2024-01-01', 'holiday', '元旦'),
    (2024, '2024-02-10', '2024-02-17', 'holiday', '春节'),
    (2024, '2024-02-04', '2024-02-04', 'workday', '春节'),
    (2024, '2024-02-18', '2024-02-18', 'workday', '春节'),
    (2024, '2024-04-04', '2024-04-06', 'holiday', '清明节'),
    (2024, '2024-04-07', '2024-04-07', 'workday', '清明节'),
    (2024, '2024-05-01', '2024-05-05', 'holiday', '劳动节'),
    (2024, '2024-04-28', '2024-04-28', 'workday', '劳动节'),
    (2024, '2024-05-11', '2024-05-11', 'workday', '劳动节'),
    (2024, '2024-06-10', '2024-06-10', 'holiday', '端午节'),
    (2024, '2024-09-15', '2024-09-17', 'holiday', '中秋节'),
    (2024, '2024-09-14', '2024-09-14', 'workday', '中秋节'),
    (2024, '2024-10-01', '2024-10-07', 'holiday', '国庆节'),
    (2024, '2024-09-29', '2024-09-29', 'workday', '国庆节'),
    (2024, '2024-10-12', '2024-10-12', 'workday', '国庆节'),
-- 2025: 国务院办公厅关于2025年部分节假日安排的通知 (2024-11-12), the first
-- under the amended 全国年节及纪念日放假办法 (除夕 and 5 月 2 日 added: 13
-- public holidays).
    (2025, '2025-01-01', '2025-01-01', 'holiday', '元旦'),
    (2025, '2025-01-28', '2025-02-04', 'holiday', '春节'),
    (2025, '2025-01-26', '2025-01-26', 'workday', '春节'),
    (2025, '2025-02-08', '2025-02-08', 'workday', '春节'),
    (2025, '2025-04-04', '2025-04-06', 'holiday', '清明节'),
    (2025, '2025-05-01', '2025-05-05', 'holiday', '劳动节'),
    (2025, '2025-04-27', '2025-04-27', 'workday', '劳动节'),
    (2025, '2025-05-31', '2025-06-02', 'holiday', '端午节'),
    (2025, '2025-10-01', '2025-10-08', 'holiday', '国庆节、中秋节'),
    (2025, '2025-09-28', '2025-09-28', 'workday', '国庆节、中秋节'),
    (2025, '2025-10-11', '2025-10-11', 'workday', '国庆节、中秋节'),
-- 2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)
    (2026, '2026-01-01', '2026-01-03', 'holiday', '元旦'),
    (2026, '2026-01-04', '2026-01-04', 'workday', '元旦'),
    (2026, '2026-02-15', '2026-02-23', 'holiday', '春节'),
    (2026, '2026-02-14', '2026-02-14', 'workday', '春节'),
    (2026, '2026-02-28', '2026-02-28', 'workday', '春节'),
    (2026, '2026-04-04', '2026-04-06', 'holiday', '清明节'),
    (2026, '2026-05-01', '2026-05-05', 'holiday', '劳动节'),
    (2026, '2026-05-09', '2026-05-09', 'workday', '劳动节'),
    (2026, '2026-06-19', '2026-06-21', 'holiday', '端午节'),
    (2026, '2026-09-25', '2026-09-27', 'holiday', '中秋节'),
    (2026, '2026-10-01', '2026-10-07', 'holiday', '国庆节'),
    (2026, '2026-09-20', '2026-09-20', 'workday', '国庆节'),
    (2026, '2026-10-10', '2026-10-10', 'workday', '国庆节');

-- An adjusted working day is a weekend day, and every run is in order: a
-- typo here stops the migration.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM notice_days WHERE last < first OR last - first > 8
               OR (kind = 'workday' AND (first <> last OR extract(isodow FROM first) < 6))) THEN
        RAISE EXCEPTION 'calendar data: a run is reversed or an adjusted working day is not a weekend day';
    END IF;
END
$$;

INSERT INTO calendar_years (year, notice)
SELECT y, format('国务院办公厅关于%s年部分节假日安排的通知', y) FROM generate_series(2021, 2026) y;

INSERT INTO calendar_days (day, kind, name, reason)
SELECT g::date, n.kind, n.name, format('国务院办公厅关于%s年部分节假日安排的通知', n.year)
FROM notice_days n CROSS JOIN LATERAL generate_series(n.first, n.last, interval '1 day') g
ORDER BY g;

-- Initial time limits (the values of issue 11's brief; neither the 2021
-- implementation plan nor DOMAIN.md gives any): registration within 7
-- working days of the source, closing within 90 calendar days of
-- registration (as the Administrative Penalty Law's art. 60 gives 90 days
-- for the decision). Supervision changes them with `chengguan limits set`.
INSERT INTO time_limits (category, kind, days, day_kind, reason)
SELECT v.code, k.kind, k.days, k.day_kind, 'initial value (issue 11)'
FROM violation_categories v
CROSS JOIN (VALUES ('registration', 7, 'working'), ('closing', 90, 'calendar')) AS k (kind, days, day_kind)
ORDER BY v.code, k.kind DESC;
