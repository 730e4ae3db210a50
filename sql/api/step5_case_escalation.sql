-- Step 5: the escalation of overdue cases on the step 4 ladder (the columns
-- are sql/0017_case_escalation.sql; the engine is cg_internal.escalate_due
-- in reports.sql, which claims due cases as it claims due reports). The
-- timings are the reports' settings, read when a step fires:
-- cg.supervision_timeout_ms from level 1 to level 2, cg.remind_every_ms
-- between reminders.

-- The deadline case k missed first: 'rectify' (the rectification deadline,
-- while decided or rectifying) or 'closing' (the closing limit).
CREATE FUNCTION cg_internal.case_missed(k cases) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN k.state IN ('decided', 'rectifying') AND k.rectify_due IS NOT NULL
                     AND (k.closing_due IS NULL OR k.rectify_due <= k.closing_due)
                THEN 'rectify' ELSE 'closing' END
$$;

-- The text of escalation step e (the p_reminders-th reminder), Chinese /
-- English, for its event and its line in the case's timeline.
CREATE FUNCTION cg_internal.case_escalation_text(e case_escalations, p_reminders integer DEFAULT 0) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN e.kind = 'reminder'
                THEN format('提醒：案件 #%s 已超期，尚未结案（第 %s 次）/ reminder: case %s is overdue and not closed (%s)',
                            e.case_id, p_reminders, e.case_id, p_reminders)
                ELSE format('案件 #%s 已超过%s %s，升级至%s / case %s is past %s %s: escalated to %s',
                            e.case_id, CASE e.missed WHEN 'rectify' THEN '整改期限' ELSE '结案期限' END, cg_internal.date_text(e.due),
                            CASE e.level WHEN 1 THEN '单位领导' ELSE '督查科' END,
                            e.case_id, CASE e.missed WHEN 'rectify' THEN 'the rectification deadline'
                                                     ELSE 'the closing limit' END, cg_internal.date_text(e.due),
                            CASE e.level WHEN 1 THEN 'the unit''s leadership' ELSE 'supervision' END) END
$$;

-- Records escalation step p_kind at p_level of case k and sends its event.
CREATE FUNCTION cg_internal.case_escalate(k cases, p_kind text, p_level integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    e case_escalations;
BEGIN
    INSERT INTO case_escalations (case_id, kind, level, missed, due)
    VALUES (k.id, p_kind, p_level, cg_internal.case_missed(k),
            CASE cg_internal.case_missed(k) WHEN 'rectify' THEN k.rectify_due ELSE k.closing_due END)
    RETURNING * INTO e;
    PERFORM cg_internal.emit_case_event(CASE p_kind WHEN 'reminder' THEN 'case.reminder' ELSE 'case.overdue' END,
                                        k.id, p_level, cg_internal.case_escalation_text(e, k.reminders + 1));
END
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
        PERFORM cg_internal.case_escalate(k, 'escalated', 1);
        RETURN 1;
    END IF;
    -- level 2 and the reminders: the next one at next_remind_at + n * remind_every > now
    v_next := k.next_remind_at + cg_internal.ms(v_every)
              * (floor(extract(epoch FROM v_now - k.next_remind_at) * 1000 / v_every) + 1);
    IF k.escalated_2_at IS NULL THEN
        UPDATE cases SET escalated_2_at = v_now, next_remind_at = v_next WHERE id = k.id;
        PERFORM cg_internal.case_escalate(k, 'escalated', 2);
    ELSE
        UPDATE cases SET reminders = reminders + 1, next_remind_at = v_next WHERE id = k.id;
        PERFORM cg_internal.case_escalate(k, 'reminder', 1);
    END IF;
    RETURN 1;
END
$$;
