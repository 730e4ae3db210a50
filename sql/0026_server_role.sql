-- Step 7 (issue 13): the server's role owns nothing. Migrations run as the
-- schema's owner (chengguand --migrate with `migrate_database`); chengguand
-- serves as a member of chengguan_app, which may read, append and change
-- only what the code changes: no DELETE (except expired uploads), no
-- TRUNCATE, no DDL, no trigger or policy it could drop or disable.
--
-- chengguan_app is a group role without login, shared by every database of
-- the cluster: a deployment logs in as chengguan_app itself (the dev
-- environment does: scripts/dev-db.sh roles) or as a role granted it.
DO $role$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chengguan_app') THEN
        CREATE ROLE chengguan_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL; -- another database's migration made it meanwhile
    WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'the role chengguan_app does not exist and % may not create it', current_user
            USING HINT = 'CREATE ROLE chengguan_app as a superuser first (docs/operations.md, "Database roles")';
END
$role$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public, cg_api, cg_internal TO chengguan_app;

-- Everything is read; history is appended.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO chengguan_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO chengguan_app;
GRANT INSERT ON
    accounts, audit_log, calendar_days, calendar_years, time_limits,
    compounds, compound_history, grid_assignments, publicity, officers, idempotency_keys,
    patrols, patrol_officers, patrol_findings, patrol_voids,
    resident_requests, request_events, request_voids,
    reports, report_timeline, events,
    cases, case_timeline, case_escalations, case_uploads, case_upload_chunks, case_attachments,
    supervision_orders,
    co_meetings, suggestions, suggestion_answers, leadership_members, mech_meetings, decisions,
    decision_follow_ups, trainings, training_attendees, good_practices,
    campaign_actions, campaign_action_units, campaign_action_compounds, campaign_action_categories,
    campaign_action_cases, problems, problem_plans, problem_statuses
TO chengguan_app;

-- The tables the API updates in place (their triggers still say which
-- columns may move and how).
GRANT UPDATE ON accounts, compounds, reports, cases, case_uploads, supervision_orders,
    idempotency_keys, events
TO chengguan_app;

-- Rows the API only locks (SELECT ... FOR UPDATE needs an UPDATE privilege
-- on some column): the key column, which their triggers or foreign keys keep
-- from moving.
GRANT UPDATE (code) ON units TO chengguan_app;
GRANT UPDATE (id) ON officers, resident_requests, problems, suggestions, decisions TO chengguan_app;

-- An upload abandoned before it was attached expires (its chunks follow by
-- ON DELETE CASCADE).
GRANT DELETE ON case_uploads TO chengguan_app;

-- Tables later migrations add: read and appended by the server unless the
-- migration says otherwise; UPDATE and DELETE are always granted by name.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT ON TABLES TO chengguan_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO chengguan_app;
