-- A provisional year of the holiday calendar (issue 11): 2027 from the law,
-- until its notice is entered.
--
-- The State Council's notice for a year (国务院办公厅关于X年部分节假日安排的
-- 通知) comes out in the autumn before it, and cases opened in the last
-- months of a year already have limits that run into the next. Without that
-- year every such limit was left empty. The days off that the law itself
-- fixes do not wait for the notice: 全国年节及纪念日放假办法 (revised by
-- 国务院令第795号, in force from 2025-01-01), art. 2, gives 13 public
-- holidays — 元旦 1 月 1 日; 春节 农历除夕 to 正月初三; 清明节 the day of
-- 清明; 劳动节 5 月 1、2 日; 端午节 农历五月初五; 中秋节 农历八月十五;
-- 国庆节 10 月 1 至 3 日. The notice only adds the bridging days off and the
-- weekend days worked (调休) around them.
--
-- A provisional year counts its weekdays less those statutory days. It is
-- replaced when an operator enters the notice's other days and declares the
-- year (`calendar add-year`, which then puts it in calendar_years); its days
-- stay as history like every other entry.
--
-- 2027's dates: 2027-01-01; 除夕 2027-02-05 (the new moon of the first month
-- falls at 23:56 Beijing time on 02-06, so 正月初一 is Saturday 02-06 and
-- 腊月 has 29 days) to 初三 02-08; 清明 2027-04-05 (the sun reaches 15° at
-- 08:14 Beijing time); 5-01 and 5-02; 端午 2027-06-09 (the fifth month begins
-- 06-05); 中秋 2027-09-15 (the eighth month begins 09-01); 10-01 to 10-03.
-- (New moons and the solar term computed with PyEphem, Debian's python3-ephem.)

CREATE TABLE calendar_provisional_years (
    year      integer PRIMARY KEY CHECK (year BETWEEN 2021 AND 2100),
    basis     text NOT NULL CHECK (length(basis) BETWEEN 1 AND 300),
    added_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE calendar_provisional_years IS 'Years counted before their notice is entered, on the statutory holidays alone; calendar_years (the notice) takes precedence. Append-only.';

CREATE TRIGGER calendar_provisional_years_append_only BEFORE UPDATE OR DELETE ON calendar_provisional_years
    FOR EACH ROW EXECUTE FUNCTION cg_internal.refuse_change('the calendar is append-only');
CREATE TRIGGER calendar_provisional_years_no_truncate BEFORE TRUNCATE ON calendar_provisional_years
    FOR EACH STATEMENT EXECUTE FUNCTION cg_internal.refuse_change('the calendar is append-only');

INSERT INTO calendar_provisional_years (year, basis)
VALUES (2027, '全国年节及纪念日放假办法第二条（国务院令第795号）：法定节假日；2027年放假调休安排待国务院办公厅通知');

INSERT INTO calendar_days (day, kind, name, reason)
SELECT d::date, 'holiday', n, '全国年节及纪念日放假办法第二条（国务院令第795号）：法定节假日，2027年通知发布前暂定'
FROM (VALUES ('2027-01-01', '元旦'),
             ('2027-02-05', '春节'), ('2027-02-06', '春节'), ('2027-02-07', '春节'), ('2027-02-08', '春节'),
             ('2027-04-05', '清明节'),
             ('2027-05-01', '劳动节'), ('2027-05-02', '劳动节'),
             ('2027-06-09', '端午节'),
             ('2027-09-15', '中秋节'),
             ('2027-10-01', '国庆节'), ('2027-10-02', '国庆节'), ('2027-10-03', '国庆节')) AS s (d, n)
ORDER BY d;
