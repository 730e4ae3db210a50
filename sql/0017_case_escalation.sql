-- Step 5 (issue 11): the escalation of overdue cases, on the step 4 ladder.
-- When a case's rectification deadline (while decided or rectifying) or its
-- closing limit (while open) has passed (at the end of that Beijing day):
-- level 1 to the unit and its leaders (overdue_at); a supervision timeout
-- later level 2 to supervision (escalated_2_at); then a reminder every
-- remind_every (reminders) until the case is closed, rejected or
-- transferred. next_remind_at is the next of these steps after level 1 (the
-- level 2 time, then the next reminder); next_deadline the next step of all,
-- what the escalation engine (cg_internal.escalate_due) waits for.
-- These columns are not steps of the case: they change without a version.

ALTER TABLE cases
    ADD COLUMN overdue_at timestamptz,
    ADD COLUMN escalated_2_at timestamptz,
    ADD COLUMN next_remind_at timestamptz,
    ADD COLUMN reminders integer NOT NULL DEFAULT 0 CHECK (reminders >= 0),
    ADD COLUMN next_deadline timestamptz GENERATED ALWAYS AS (
        CASE WHEN state IN ('closed', 'rejected', 'transferred') THEN NULL
             WHEN overdue_at IS NULL
                 THEN (least(closing_due, CASE WHEN state IN ('decided', 'rectifying') THEN rectify_due END) + 1)
                      ::timestamp AT TIME ZONE 'Asia/Shanghai'
             ELSE next_remind_at END) STORED,
    ADD CHECK (overdue_at IS NULL OR next_remind_at IS NOT NULL),
    ADD CHECK (escalated_2_at IS NULL OR overdue_at IS NOT NULL);
COMMENT ON COLUMN cases.overdue_at IS 'When level 1 fired: a deadline passed (to the unit and its leaders).';
COMMENT ON COLUMN cases.escalated_2_at IS 'When level 2 fired (to supervision).';
COMMENT ON COLUMN cases.next_remind_at IS 'After level 1: when the next step (level 2, then a reminder) is due.';
COMMENT ON COLUMN cases.next_deadline IS 'The next escalation step of the case; NULL once closed, rejected or transferred.';

CREATE INDEX cases_next_deadline_idx ON cases (next_deadline) WHERE next_deadline IS NOT NULL;
