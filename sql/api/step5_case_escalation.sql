-- Step 5: the escalation of overdue cases on the step 4 ladder (the columns
-- are sql/0017_case_escalation.sql; the engine is cg_internal.escalate_due
-- in reports.sql, which claims due cases as it claims due reports). The
-- timings are the reports' settings, read when a step fires:
-- cg.supervision_timeout_ms from level 1 to level 2, cg.remind_every_ms
-- between reminders.

-- The deadline case k missed first, as words for its events.
CREATE FUNCTION cg_internal.case_missed_text(k cases) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN k.state IN ('decided', 'rectifying') AND k.rectify_due IS NOT NULL
                     AND (k.closing_due IS NULL OR k.rectify_due <= k.closing_due)
                THEN format('整改期限 %s / the rectification deadline %s', k.rectify_due, k.rectify_due)
                ELSE format('结案期限 %s / the closing limit %s', k.closing_due, k.closing_due) END
$$;

-- Fires the step of case p_id that is due now (the caller has locked the
-- row), once; returns 1 when one fired, else 0. Past a deadline: level 1
-- (case.overdue to the unit and its leaders); the supervision timeout
-- later: level 2 (case.overdue to supervision); then case.reminder every
-- remind_every (one, however many periods a stopped server missed; the next
-- on the case's cadence). Nothing once the case is closed, rejected or
-- transferred (next_deadline is NULL then).
CREATE FUNCTION cg_internal.case_fire_due(p_id bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    k cases;
    v_now timestamptz := now();
    v_every bigint := cg_internal.setting_ms('remind_every_ms', 14400000, 100);
    v_next timestamptz;
BEGIN
    SELECT * INTO STRICT k FROM cases WHERE id = p_id;
    IF k.next_deadline IS NULL OR k.next_deadline > v_now THEN
        RETURN 0;
    END IF;
    IF k.overdue_at IS NULL THEN
        UPDATE cases
        SET overdue_at = v_now,
            next_remind_at = v_now + cg_internal.ms(cg_internal.setting_ms('supervision_timeout_ms', 3600000, 0))
        WHERE id = k.id;
        PERFORM cg_internal.emit_case_event('case.overdue', k.id, 1,
            format('案件 #%s 已超过%s，升级至单位领导 / case %s is past %s: escalated to the unit''s leadership',
                   k.id, cg_internal.case_missed_text(k), k.id, cg_internal.case_missed_text(k)));
        RETURN 1;
    END IF;
    -- level 2 and the reminders: the next one at next_remind_at + n * remind_every > now
    v_next := k.next_remind_at + cg_internal.ms(v_every)
              * (floor(extract(epoch FROM v_now - k.next_remind_at) * 1000 / v_every) + 1);
    IF k.escalated_2_at IS NULL THEN
        UPDATE cases SET escalated_2_at = v_now, next_remind_at = v_next WHERE id = k.id;
        PERFORM cg_internal.emit_case_event('case.overdue', k.id, 2,
            format('案件 #%s 已超过%s，升级至督查科 / case %s is past %s: escalated to supervision',
                   k.id, cg_internal.case_missed_text(k), k.id, cg_internal.case_missed_text(k)));
    ELSE
        UPDATE cases SET reminders = reminders + 1, next_remind_at = v_next WHERE id = k.id;
        PERFORM cg_internal.emit_case_event('case.reminder', k.id, 1,
            format('提醒：案件 #%s 已超期，尚未结案（第 %s 次）/ reminder: case %s is overdue and not closed (%s)',
                   k.id, k.reminders + 1, k.id, k.reminders + 1));
    END IF;
    RETURN 1;
END
$$;
