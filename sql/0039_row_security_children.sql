-- Issue 13: row-level security on the child tables too. 0027 put it on
-- every table that names a unit, a compound or an account; the rows that
-- hang off those (a report's timeline, a case's evidence bytes, a patrol's
-- findings, a meeting's suggestions...) carry only their parent's key, and a
-- handler that read one of them without its parent was not held.
--
-- Each child is in scope exactly when its parent is: its policy asks for
-- the parent row by primary key, and the parent's own policy applies inside
-- that subquery (a grandchild, such as an upload's chunks, defers to its
-- parent, which defers to the case). The bureau and the system pass first,
-- before any subquery runs; in a unit's or an account's scope the subquery
-- is one index lookup per row (or, over many rows, one hashed scan of the
-- parents in scope, as the planner chooses).
--
-- One policy for every command: a child is read, locked, changed and
-- appended only under a parent its caller sees. The API appends children
-- in a statement after the one that added their parent, so the parent is
-- visible to the check (unlike compound_history in 0027, written in the
-- compound's own statement).
--
-- What stays without row security, and why: docs/security.md
-- ("Row-level security"); tests/integration/test_rls.c lists it too.
DO $children$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES
        ('patrol_officers', 'patrol_id', 'patrols'),
        ('patrol_findings', 'patrol_id', 'patrols'),
        ('patrol_voids', 'patrol_id', 'patrols'),
        ('request_events', 'request_id', 'resident_requests'),
        ('request_voids', 'request_id', 'resident_requests'),
        ('report_timeline', 'report_id', 'reports'),
        ('case_timeline', 'case_id', 'cases'),
        ('case_escalations', 'case_id', 'cases'),
        ('case_uploads', 'case_id', 'cases'),
        ('case_upload_chunks', 'upload_id', 'case_uploads'),
        ('case_attachments', 'case_id', 'cases'),
        ('campaign_action_cases', 'case_id', 'cases'),
        ('suggestions', 'meeting_id', 'co_meetings'),
        ('suggestion_answers', 'suggestion_id', 'suggestions'),
        ('decisions', 'meeting_id', 'mech_meetings'),
        ('decision_follow_ups', 'decision_id', 'decisions'),
        ('training_attendees', 'training_id', 'trainings'),
        ('problem_plans', 'problem_id', 'problems'),
        ('problem_statuses', 'problem_id', 'problems')) AS x (child, fk, parent)
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', r.child);
        EXECUTE format($p$CREATE POLICY %I ON %I
            USING (current_setting('cg.scope', true) IN ('system', 'city')
                   OR EXISTS (SELECT 1 FROM %I p WHERE p.id = %I.%I))$p$,
            r.child || '_scope', r.child, r.parent, r.child, r.fk);
    END LOOP;
END
$children$;
