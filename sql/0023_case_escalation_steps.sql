-- Step 5 (issue 11): each escalation step of a case kept as a row, so that
-- `case show` puts it in the timeline and a reopened case can start its
-- ladder again without losing the earlier one. cases.overdue_at,
-- escalated_2_at and reminders (0017_case_escalation.sql) stay the state of
-- the current ladder; this table is its history.
CREATE TABLE case_escalations (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id   bigint NOT NULL REFERENCES cases (id),
    kind      text NOT NULL CHECK (kind IN ('escalated', 'reminder')),
    level     smallint NOT NULL CHECK (level IN (1, 2)),
    missed    text NOT NULL CHECK (missed IN ('rectify', 'closing')),  -- the deadline that passed
    due       date NOT NULL,                                           -- its last day
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_escalations_case_idx ON case_escalations (case_id, id);
COMMENT ON TABLE case_escalations IS 'Every escalation step of an overdue case (level 1 to the unit''s leaders, level 2 to supervision, reminders). Append-only.';

CREATE TRIGGER case_escalations_append_only BEFORE UPDATE OR DELETE ON case_escalations
    FOR EACH ROW EXECUTE FUNCTION cg_internal.refuse_change('case escalations are append-only');
CREATE TRIGGER case_escalations_no_truncate BEFORE TRUNCATE ON case_escalations
    FOR EACH STATEMENT EXECUTE FUNCTION cg_internal.refuse_change('case escalations are append-only');

-- The steps that already fired (the reminders' own times were not kept:
-- only their count, on the case).
INSERT INTO case_escalations (case_id, kind, level, missed, due, at)
SELECT k.id, 'escalated', s.level,
       CASE WHEN k.rectify_due IS NOT NULL AND (k.closing_due IS NULL OR k.rectify_due <= k.closing_due)
            THEN 'rectify' ELSE 'closing' END,
       least(k.rectify_due, k.closing_due), s.at
FROM cases k
CROSS JOIN LATERAL (VALUES (1, k.overdue_at), (2, k.escalated_2_at)) AS s (level, at)
WHERE s.at IS NOT NULL AND least(k.rectify_due, k.closing_due) IS NOT NULL
ORDER BY s.at, k.id;
