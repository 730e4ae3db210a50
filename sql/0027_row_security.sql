-- Step 7 (issue 13): the database enforces row scope too. Every table whose
-- rows belong to a unit (or to a property company, or to what the hotline
-- filed) has row-level security, ENABLEd and FORCEd (the owner is held to
-- the policies as well; only a superuser or a BYPASSRLS role is not). A
-- handler that forgets its unit filter still gets only its caller's rows.
--
-- The caller's scope is set by the server in each request's transaction
-- (server/services/sql_call.h), from the authenticated session, never from
-- the request:
--   cg.scope    system  an internal job (escalation, the event reader:
--                       functions carrying SET cg.scope = 'system',
--                       sql/api/zz_scope.sql)
--               city    hq, supervision, sections: every row
--               unit    a unit, its officers and leaders: cg.unit's rows
--               property, integration: the rows that name cg.account
--   cg.unit     the caller's unit (scope unit), else ''
--   cg.account  the caller's account
-- Nothing set (psql as chengguan_app, a query outside a request): no rows.
--
-- Policies compare columns with the settings; where a table keys its rows
-- by compound, a subquery that does not depend on the row (planned once per
-- statement) names the compounds in scope. Which tables are left out, and
-- why, is in docs/security.md ("Row-level security"); tests/integration/
-- test_rls.c fails when a new table with a unit or compound column has none.

-- compounds: a unit's are those of the districts it covers; a property
-- company's those it manages; the hotline reads them all (a citizen may call
-- about any compound) and changes none.
ALTER TABLE compounds ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY compounds_scope ON compounds
    USING (current_setting('cg.scope', true) IN ('system', 'city')
           OR district_code IN (SELECT d.code FROM districts d
                                WHERE d.unit_code = current_setting('cg.unit', true))
           OR property_account = current_setting('cg.account', true));
CREATE POLICY compounds_hotline_reads ON compounds FOR SELECT
    USING (current_setting('cg.scope', true) = 'integration');

-- Rows of a compound: read in scope with their compound (compounds' own
-- policy applies inside the subquery). They are appended (the server may not
-- update them) in the statement that adds or changes the compound, whose
-- new row that statement's subquery cannot see yet: the append policy asks
-- only for a request's scope, as events' does.
DO $compound_rows$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['compound_history', 'grid_assignments', 'publicity'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY %I ON %I FOR SELECT
            USING (current_setting('cg.scope', true) IN ('system', 'city')
                   OR compound_id IN (SELECT c.id FROM compounds c))$p$, t || '_scope', t);
        EXECUTE format($p$CREATE POLICY %I ON %I FOR INSERT
            WITH CHECK (coalesce(current_setting('cg.scope', true), '') NOT IN ('', 'none'))$p$,
            t || '_append', t);
    END LOOP;
END
$compound_rows$;

-- Patrols: the bureau's and the compound's unit's only.
ALTER TABLE patrols ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY patrols_scope ON patrols
    USING (current_setting('cg.scope', true) IN ('system', 'city')
           OR (current_setting('cg.scope', true) = 'unit'
               AND compound_id IN (SELECT c.id FROM compounds c)));

-- Residents' requests (their phone numbers): the bureau, the compound's
-- unit, and the account that filed them (the hotline).
ALTER TABLE resident_requests ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY resident_requests_scope ON resident_requests
    USING (current_setting('cg.scope', true) IN ('system', 'city')
           OR created_by = current_setting('cg.account', true)
           OR (current_setting('cg.scope', true) = 'unit'
               AND compound_id IN (SELECT c.id FROM compounds c)));

-- Officers: changed by the bureau and their unit; read in any request
-- (their names and phones are on the compounds' public boards, a report
-- records its compound's grid officer whoever files it, and a badge is
-- unique across the city: adding one checks every unit's).
ALTER TABLE officers ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY officers_scope ON officers
    USING (current_setting('cg.scope', true) IN ('system', 'city')
           OR unit_code = current_setting('cg.unit', true));
CREATE POLICY officers_public ON officers FOR SELECT
    USING (coalesce(current_setting('cg.scope', true), '') NOT IN ('', 'none'));

-- Reports: the bureau, the unit they are routed to, the property company
-- they were filed by or for, the account that filed them.
ALTER TABLE reports ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY reports_scope ON reports
    USING (current_setting('cg.scope', true) IN ('system', 'city')
           OR unit_code = current_setting('cg.unit', true)
           OR property_account = current_setting('cg.account', true)
           OR reporter = current_setting('cg.account', true));

-- Cases: the bureau, their unit, the account whose report or request they
-- came from.
ALTER TABLE cases ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY cases_scope ON cases
    USING (current_setting('cg.scope', true) IN ('system', 'city')
           OR unit_code = current_setting('cg.unit', true)
           OR filer_account = current_setting('cg.account', true));

-- Rows of one unit: unit_code = U. The mechanism's records of the bureau
-- itself (unit 'hq': its city-wide meetings, members, trainings, good
-- practice) are read by a unit's people too.
DO $unit_tables$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['supervision_orders', 'problems', 'co_meetings', 'mech_meetings',
                             'trainings', 'good_practices', 'leadership_members'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY %I ON %I
            USING (current_setting('cg.scope', true) IN ('system', 'city')
                   OR unit_code = current_setting('cg.unit', true))$p$, t || '_scope', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['co_meetings', 'mech_meetings', 'trainings', 'good_practices',
                             'leadership_members'] LOOP
        EXECUTE format($p$CREATE POLICY %I ON %I FOR SELECT
            USING (current_setting('cg.scope', true) = 'unit' AND unit_code = 'hq')$p$,
            t || '_bureau', t);
    END LOOP;
END
$unit_tables$;

-- The programme's targets: the city's (unit NULL) and the caller's unit's.
ALTER TABLE programme_targets ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY programme_targets_scope ON programme_targets
    USING (current_setting('cg.scope', true) IN ('system', 'city')
           OR unit_code IS NULL
           OR unit_code = current_setting('cg.unit', true));

-- Events: read in their audience's scope, and by the transaction that
-- wrote them (INSERT ... RETURNING; the hotline is not the audience of the
-- event of a report it files). Any caller with a scope may append one (an
-- event addresses its audience; writing it reveals nothing), so the append
-- policy is separate.
ALTER TABLE events ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY events_scope ON events
    USING (current_setting('cg.scope', true) IN ('system', 'city')
           OR unit_code = current_setting('cg.unit', true)
           OR reporter = current_setting('cg.account', true)
           OR filer = current_setting('cg.account', true)
           OR xid = pg_current_xact_id_if_assigned());
CREATE POLICY events_append ON events FOR INSERT
    WITH CHECK (coalesce(current_setting('cg.scope', true), '') NOT IN ('', 'none'));

-- An account's own trail: its idempotency keys and audit rows (hq and
-- supervision read the whole audit log: scope city).
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY idempotency_keys_scope ON idempotency_keys
    USING (current_setting('cg.scope', true) = 'system'
           OR account = current_setting('cg.account', true));
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_log_scope ON audit_log
    USING (current_setting('cg.scope', true) IN ('system', 'city')
           OR account = current_setting('cg.account', true));
