-- A data set with known answers for the bulletin of 2021-03 (test_bulletin.c
-- holds the hand-computed figures). Written straight into the tables, as
-- the clerks' back-dated records would leave them. March 2021: Monday 03-01
-- to Wednesday 03-31, five due weeks (W09-W13: 03-01 ... 03-29).
--
-- 兴隆台 (xinglongtai): compounds 101-108; 双台子 (shuangtaizi): 109-112.
--   101-106 entered 2021-02-15: due every week of March (6 × 5 = 30)
--   107     entered 2021-03-10: due from the week of 03-15 (3)
--   108     not entered
--   109-111 entered 2021-02-20: due every week (15)
--   112     entered 2021-02-20, closed 2021-03-20: due 03-01 ... 03-15 (3),
--           not in the ledger on 03-31
-- Boards complete and up by 03-31: 101-105, 109, 110 (106 goes up 04-02,
-- 107 lacks its supervision phone). Ledger complete: 101-104, 109.

-- Officers: 兴隆台 901, 903-905 on record from 2021-02-01, 906 and 907
-- from 2021-04-10; 双台子 902.
INSERT INTO officers (id, name, unit_code, phone, created_by, created_at) OVERRIDING SYSTEM VALUE VALUES
    (901, '兴隆队员', 'xinglongtai', '13500000001', 'hq', timestamptz '2021-02-01 09:00+08'),
    (902, '双台队员', 'shuangtaizi', '13500000002', 'hq', timestamptz '2021-02-01 09:00+08'),
    (903, '兴隆队员三', 'xinglongtai', '13500000003', 'hq', timestamptz '2021-02-01 09:00+08'),
    (904, '兴隆队员四', 'xinglongtai', '13500000004', 'hq', timestamptz '2021-02-01 09:00+08'),
    (905, '兴隆队员五', 'xinglongtai', '13500000005', 'hq', timestamptz '2021-02-01 09:00+08'),
    (906, '兴隆队员六', 'xinglongtai', '13500000006', 'hq', timestamptz '2021-04-10 09:00+08'),
    (907, '兴隆队员七', 'xinglongtai', '13500000007', 'hq', timestamptz '2021-04-10 09:00+08');

INSERT INTO compounds (id, name, district_code, street, community, address, households, buildings,
                       management_status, street_contact, street_phone, community_contact, community_phone,
                       entered_on, closed_on, close_reason, board_installed_on, board_duties,
                       board_contact_phone, board_supervision_phone, created_by) OVERRIDING SYSTEM VALUE
SELECT k, '已知小区' || k, CASE WHEN k <= 108 THEN 'xinglongtai' ELSE 'shuangtaizi' END,
       '兴隆街道', '已知社区', '惠宾大街' || k || '号', 100, 5, 'self_managed',
       '街道联系人', '0427-2800001', '社区联系人',
       CASE WHEN k IN (101, 102, 103, 104, 109) THEN '0427-2800002' ELSE '' END,
       CASE WHEN k <= 106 THEN date '2021-02-15' WHEN k = 107 THEN date '2021-03-10'
            WHEN k = 108 THEN NULL ELSE date '2021-02-20' END,
       CASE WHEN k = 112 THEN date '2021-03-20' END,
       CASE WHEN k = 112 THEN '拆迁' ELSE '' END,
       CASE WHEN k IN (101, 102, 103, 104, 105, 107, 109, 110) THEN date '2021-03-01'
            WHEN k = 106 THEN date '2021-04-02' END,
       CASE WHEN k IN (101, 102, 103, 104, 105, 106, 107, 109, 110) THEN '小区管理职责' ELSE '' END,
       CASE WHEN k IN (101, 102, 103, 104, 105, 106, 107, 109, 110) THEN '13500000001' ELSE '' END,
       CASE WHEN k IN (101, 102, 103, 104, 105, 106, 109, 110) THEN '12319' ELSE '' END,
       'hq'
FROM generate_series(101, 112) AS k;

-- Patrols, at 10:00 on the Tuesday of each week (Monday + 1) unless said:
--   101: every week, twice in W09 (counted once), none in W11 (03-15)
--   102: W09-W11 only; a voided patrol in W12
--   103-106: every week
--   107: 03-10 (week 03-08, not due), 03-16, 03-30 (not 03-22's week)
--   103 also on 2021-02-28 (before the period)
--   109-111: every week; 112: W09 and W10
-- Patrolled compound-weeks: 兴隆台 4 + 3 + 20 + 2 = 29 of 33; 双台子 15 + 2 = 17 of 18.
-- Patrols begun in March: 兴隆台 5 + 3 + 20 + 3 = 31; 双台子 17.
INSERT INTO patrols (compound_id, start_at, end_at, submitted_by)
SELECT c, t, t + interval '1 hour', 'hq'
FROM (SELECT c, ((date '2021-03-02' + 7 * w)::timestamp + time '10:00') AT TIME ZONE 'Asia/Shanghai' AS t
      FROM generate_series(101, 112) AS c CROSS JOIN generate_series(0, 4) AS w
      WHERE c IN (103, 104, 105, 106, 109, 110, 111)
         OR (c = 101 AND w <> 2)
         OR (c = 102 AND w <= 2)
         OR (c = 112 AND w <= 1)
      UNION ALL SELECT 101, timestamptz '2021-03-04 15:00+08'
      UNION ALL SELECT 107, timestamptz '2021-03-10 09:00+08'
      UNION ALL SELECT 107, timestamptz '2021-03-16 09:00+08'
      UNION ALL SELECT 107, timestamptz '2021-03-30 09:00+08'
      UNION ALL SELECT 103, timestamptz '2021-02-28 09:00+08') p;
INSERT INTO patrols (compound_id, start_at, end_at, submitted_by)
VALUES (102, timestamptz '2021-03-23 10:00+08', timestamptz '2021-03-23 11:00+08', 'hq');
INSERT INTO patrol_voids (patrol_id, reason, voided_by)
SELECT max(id), '录入错误', 'hq' FROM patrols WHERE compound_id = 102;

-- Residents' requests, answer due 3 days after filing:
--   兴隆台: 6 due in March, 5 answered in time, 1 late; one voided; one due in April
--   双台子: 2 due in March, both answered in time (too few to score)
INSERT INTO resident_requests (id, compound_id, channel, kind, text, answer_due, created_by, created_at)
OVERRIDING SYSTEM VALUE
SELECT r, c, 'in_person', 'problem', '诉求' || r, t + interval '3 days', 'hq', t
FROM (VALUES (201, 101, timestamptz '2021-03-01 09:00+08'), (202, 101, timestamptz '2021-03-05 09:00+08'),
             (203, 102, timestamptz '2021-03-10 09:00+08'), (204, 103, timestamptz '2021-03-15 09:00+08'),
             (205, 104, timestamptz '2021-03-20 09:00+08'), (206, 105, timestamptz '2021-03-25 09:00+08'),
             (207, 105, timestamptz '2021-03-26 09:00+08'), (208, 106, timestamptz '2021-03-30 09:00+08'),
             (209, 109, timestamptz '2021-03-02 09:00+08'), (210, 110, timestamptz '2021-03-03 09:00+08')) v(r, c, t);
INSERT INTO request_events (request_id, kind, text, account, at)
SELECT r, 'answer', '已答复', 'hq',
       (SELECT created_at FROM resident_requests WHERE id = r) + CASE WHEN r = 206 THEN interval '4 days' ELSE interval '1 day' END
FROM unnest(ARRAY[201, 202, 203, 204, 205, 206, 208, 209, 210]) AS r;
INSERT INTO request_voids (request_id, reason, voided_by) VALUES (207, '重复登记', 'hq');

-- Property reports (all resolved, so that the escalation engine leaves them
-- alone), acknowledge-by 30 minutes after filing:
--   兴隆台: 5 due in March, acknowledged after 10, 20, 30 (in time: at the
--   limit counts), 40 and 180 minutes: 3 of 5, mean 56.0 minutes; the last
--   one reached supervision in March.
INSERT INTO reports (compound_id, unit_code, category, text, reporter, filed_at, ack_timeout_ms,
                     supervision_timeout_ms, resolve_timeout_ms, remind_every_ms, dedup_window_ms,
                     status, level, ack_due, supervision_due, escalated_1_at, escalated_2_at, resolve_due,
                     acknowledged_at, acknowledged_by, officer_id, resolved_at, resolved_by, outcome, dedup_until)
SELECT 101, 'xinglongtai', 4, '报告', 'hq', f, 1800000, 7200000, 86400000, 3600000, 600000,
       'resolved', CASE WHEN m > 120 THEN 2 ELSE 0 END, f + interval '30 minutes', f + interval '2 hours',
       CASE WHEN m > 120 THEN f + interval '30 minutes' END, CASE WHEN m > 120 THEN f + interval '2 hours' END,
       f + make_interval(mins => m) + interval '1 day', f + make_interval(mins => m), 'hq', 901,
       f + make_interval(mins => m) + interval '2 hours', 'hq', 'stopped', f + interval '10 minutes'
FROM (VALUES (timestamptz '2021-03-02 09:00+08', 10), (timestamptz '2021-03-09 09:00+08', 20),
             (timestamptz '2021-03-16 09:00+08', 30), (timestamptz '2021-03-23 09:00+08', 40),
             (timestamptz '2021-03-30 09:00+08', 180)) v(f, m);

-- Cases of 兴隆台 (closing day given; every step at 10:00 Beijing time):
--   300 registered 02-20, due 03-15, closed 03-12         on time
--   301 registered 03-01, due 03-20, closed 03-10         early
--   302 registered 03-02, due 03-25, closed 03-28         late
--   303 registered 03-03, due 03-31, failed check 03-20 (rework), closed 03-31: on time
--   304 registered 03-05, due 03-30, open; reached supervision 03-31
--   305 registered 03-08, due 04-15, closed 03-20         (not due in March)
--   306 registered 03-09, due 03-29, rejected 03-10      (neither due nor in 结案率)
--   307 registered 03-15, illegal construction, due 04-20, open
-- 立案数 7 (301-307); 结案率 4/6 (301, 302, 303, 305 of 301-305, 307);
-- 按期结案率 3/5 (300, 301, 303 of 300-304); 返工率 1/5 (303 of 300-303, 305);
-- 新增违法建设 1.
-- Cases of 双台子: 310 and 311, registered 03-01, due 03-20, closed 03-05:
-- every rate too few to score.
INSERT INTO cases (id, compound_id, unit_code, category, illegal_construction, source, summary, opened_by,
                   registered_at, source_at, state, state_at, version, rework, closing_due, overdue_at,
                   escalated_2_at, next_remind_at) OVERRIDING SYSTEM VALUE
SELECT id, c, u, cat, cat = 2, 'patrol', '案件' || id, 'hq', (reg + time '10:00') AT TIME ZONE 'Asia/Shanghai',
       (reg + time '10:00') AT TIME ZONE 'Asia/Shanghai', st,
       (coalesce(ended, reg) + time '10:00') AT TIME ZONE 'Asia/Shanghai', CASE WHEN ended IS NULL THEN 1 ELSE 2 END,
       CASE WHEN id = 303 THEN 1 ELSE 0 END, due,
       CASE WHEN id = 304 THEN timestamptz '2021-03-31 00:00+08' END,
       CASE WHEN id = 304 THEN timestamptz '2021-03-31 10:00+08' END,
       CASE WHEN id = 304 THEN timestamptz '2099-01-01 00:00+08' END
FROM (VALUES (300, 101, 'xinglongtai', 4, date '2021-02-20', date '2021-03-15', 'closed', date '2021-03-12'),
             (301, 101, 'xinglongtai', 4, date '2021-03-01', date '2021-03-20', 'closed', date '2021-03-10'),
             (302, 102, 'xinglongtai', 5, date '2021-03-02', date '2021-03-25', 'closed', date '2021-03-28'),
             (303, 103, 'xinglongtai', 6, date '2021-03-03', date '2021-03-31', 'closed', date '2021-03-31'),
             (304, 104, 'xinglongtai', 4, date '2021-03-05', date '2021-03-30', 'registered', NULL),
             (305, 105, 'xinglongtai', 4, date '2021-03-08', date '2021-04-15', 'closed', date '2021-03-20'),
             (306, 106, 'xinglongtai', 4, date '2021-03-09', date '2021-03-29', 'rejected', date '2021-03-10'),
             (307, 107, 'xinglongtai', 2, date '2021-03-15', date '2021-04-20', 'registered', NULL),
             (310, 109, 'shuangtaizi', 4, date '2021-03-01', date '2021-03-20', 'closed', date '2021-03-05'),
             (311, 110, 'shuangtaizi', 4, date '2021-03-01', date '2021-03-20', 'closed', date '2021-03-05'))
     v(id, c, u, cat, reg, due, st, ended);
INSERT INTO case_timeline (case_id, version, kind, from_state, to_state, at, account)
SELECT k.id, 1, 'opened', '', 'registered', k.registered_at, 'hq' FROM cases k WHERE k.id BETWEEN 300 AND 311;
INSERT INTO case_timeline (case_id, version, kind, from_state, to_state, at, account, passed, officer_id, rework)
VALUES (303, 2, 'verified', 'rectifying', 'rectifying', timestamptz '2021-03-20 10:00+08', 'hq', false, 901, true);
INSERT INTO case_timeline (case_id, version, kind, from_state, to_state, at, account)
SELECT k.id, CASE WHEN k.id = 303 THEN 3 ELSE 2 END, 'moved',
       CASE k.state WHEN 'closed' THEN 'verified' ELSE 'registered' END, k.state, k.state_at, 'hq'
FROM cases k WHERE k.id BETWEEN 300 AND 311 AND k.state IN ('closed', 'rejected');

-- Supervision orders of 兴隆台 due in March: 2 of 3 answered in time; one
-- due in April (not counted).
INSERT INTO supervision_orders (case_id, unit_code, compound_id, text, deadline, issued_by, answer, answered_at,
                                answered_by)
VALUES (301, 'xinglongtai', 101, '督办一', date '2021-03-05', 'supervision', '已办', timestamptz '2021-03-05 18:00+08', 'xinglongtai'),
       (302, 'xinglongtai', 102, '督办二', date '2021-03-12', 'supervision', '已办', timestamptz '2021-03-11 18:00+08', 'xinglongtai'),
       (304, 'xinglongtai', 104, '督办三', date '2021-03-26', 'supervision', '已办', timestamptz '2021-03-27 09:00+08', 'xinglongtai'),
       (307, 'xinglongtai', 107, '督办四', date '2021-04-02', 'supervision', '', NULL, NULL);

-- Co-construction days (the 15th; January's is before the programme, which
-- begins 2021-01-26, so Q1 is due February's and March's):
--   兴隆台: 02-15 (2 suggestions, both answered 02-20); 03-15 (5
--     suggestions: 3 answered by 03-31 (adopted, partly, not), 1 on 04-02,
--     1 never);
--     03-28 rescheduled, a second day in March without suggestions
--   双台子: 03-18 rescheduled with a reason (1 suggestion, answered 03-25)
--   大洼, 辽东湾, 盘山: none
INSERT INTO co_meetings (id, unit_code, held_on, rescheduled_reason, compound_ids, street, community, property,
                         owners_committee, residents, recorded_by) OVERRIDING SYSTEM VALUE
VALUES (401, 'xinglongtai', date '2021-02-15', '', '{101}', 1, 1, 1, 1, 5, 'hq'),
       (402, 'xinglongtai', date '2021-03-15', '', '{101,102}', 1, 2, 1, 1, 8, 'hq'),
       (403, 'xinglongtai', date '2021-03-28', '补充召开', '{103}', 1, 1, 1, 0, 4, 'hq'),
       (404, 'shuangtaizi', date '2021-03-18', '15日遇降雪改期', '{109}', 1, 1, 1, 0, 6, 'hq');
INSERT INTO suggestions (id, meeting_id, text) OVERRIDING SYSTEM VALUE
VALUES (411, 401, '建议一'), (412, 401, '建议二'),
       (421, 402, '建议三'), (422, 402, '建议四'), (423, 402, '建议五'), (424, 402, '建议六'),
       (425, 402, '建议八'),
       (441, 404, '建议七');
INSERT INTO suggestion_answers (suggestion_id, text, adopted, answered_at, answered_by)
VALUES (411, '已办', 'yes', timestamptz '2021-02-20 10:00+08', 'hq'),
       (412, '已办', 'yes', timestamptz '2021-02-20 10:00+08', 'hq'),
       (421, '已办', 'yes', timestamptz '2021-03-20 10:00+08', 'hq'),
       (422, '部分采纳', 'partly', timestamptz '2021-03-25 10:00+08', 'hq'),
       (423, '暂不采纳', 'no', timestamptz '2021-03-31 23:00+08', 'hq'),
       (424, '已办', 'yes', timestamptz '2021-04-02 10:00+08', 'hq'),
       (441, '已办', 'yes', timestamptz '2021-03-25 10:00+08', 'hq');

-- Training: 兴隆台 03-10 (901, 903, and 907, recorded as an officer only in
-- April: on March's roll all the same); bureau-wide 03-20 (901 again, 902);
-- 兴隆台 04-12 (904, 906: after March).
INSERT INTO trainings (id, unit_code, held_on, topic, hours, recorded_by) OVERRIDING SYSTEM VALUE
VALUES (451, 'xinglongtai', date '2021-03-10', '执法程序', 2, 'hq'),
       (452, 'hq', date '2021-03-20', '文明执法', 3, 'hq'),
       (453, 'xinglongtai', date '2021-04-12', '法律法规', 2, 'hq');
INSERT INTO training_attendees (training_id, officer_id, position)
VALUES (451, 901, 1), (451, 903, 2), (451, 907, 3), (452, 901, 1), (452, 902, 2), (453, 904, 1), (453, 906, 2);

-- The problem list, 兴隆台 (shown, not scored): 461 found in February, fixed
-- 03-05; 462 found 03-05, fixed 03-20; 463 found 03-10, never fixed; 464
-- found 03-12, fixed 04-02; 465 found in April. March: found 3 (462-464),
-- fixed 2 (461, 462), not fixed at its end 2 (463, 464).
INSERT INTO problems (id, compound_id, unit_code, category, text, quick, found_on, added_by) OVERRIDING SYSTEM VALUE
VALUES (461, 101, 'xinglongtai', 3, '楼道堆物', true, date '2021-02-20', 'hq'),
       (462, 102, 'xinglongtai', 4, '垃圾堆放', true, date '2021-03-05', 'hq'),
       (463, 103, 'xinglongtai', 2, '屋顶搭建', false, date '2021-03-10', 'hq'),
       (464, 104, 'xinglongtai', 5, '占用消防通道', true, date '2021-03-12', 'hq'),
       (465, 101, 'xinglongtai', 3, '楼道堆物', true, date '2021-04-05', 'hq');
INSERT INTO problem_statuses (problem_id, status, set_by, set_at)
VALUES (461, 'fixed', 'hq', timestamptz '2021-03-05 10:00+08'),
       (462, 'in_progress', 'hq', timestamptz '2021-03-06 10:00+08'),
       (462, 'fixed', 'hq', timestamptz '2021-03-20 10:00+08'),
       (464, 'fixed', 'hq', timestamptz '2021-04-02 10:00+08');
