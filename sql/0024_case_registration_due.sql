-- Step 5 (issue 11): the registration limit (立案期限) of a case. A case is
-- to be registered within its category's registration limit (time_limits,
-- kind 'registration') counted from when its source was seen:
--   source_at         the patrol's start for a finding, the report's filing,
--                     the request's creation; the registration itself for a
--                     case opened directly (supervision, co-construction day)
--   registration_due  the last day to register it; NULL while that needs a
--                     year the holiday calendar lacks (filled in when the
--                     year is entered), and for the cases opened before this
--                     migration (their limits were never counted).
-- A case registered after its registration_due was registered late.
ALTER TABLE cases ADD COLUMN source_at timestamptz, ADD COLUMN registration_due date;
COMMENT ON COLUMN cases.source_at IS 'When its source (finding, report, request) was seen; its registration when opened directly.';
COMMENT ON COLUMN cases.registration_due IS 'Last day to register it (the category''s registration limit from source_at); NULL while the calendar lacks a year it needs.';

-- (cases_one_step wants a new version for every change; filling in what was
-- always so is not a step.)
ALTER TABLE cases DISABLE TRIGGER cases_one_step;
UPDATE cases k
SET source_at = coalesce((SELECT p.start_at FROM patrol_findings f JOIN patrols p ON p.id = f.patrol_id
                          WHERE f.id = k.finding_id),
                         (SELECT r.filed_at FROM reports r WHERE r.id = k.report_id),
                         (SELECT q.created_at FROM resident_requests q WHERE q.id = k.request_id),
                         k.registered_at);
ALTER TABLE cases ENABLE TRIGGER cases_one_step;
ALTER TABLE cases ALTER COLUMN source_at SET NOT NULL;
ALTER TABLE cases ADD CONSTRAINT cases_source_before_registration CHECK (source_at <= registered_at) NOT VALID;
