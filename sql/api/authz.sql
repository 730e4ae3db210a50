-- The authorisation table (issue 13): which role may send which request,
-- and over which rows, written once. Both layers read these lines:
--
--   * the database: cg_internal.authz (request, role, scope) below, and
--     cg_internal.authorize(a, request), the first check of every cg_api
--     function;
--   * the server: cmake/authz.cmake turns the same lines into the table the
--     dispatcher checks before any handler runs (server/authz.c). The API
--     set's checksum, which the server compares with the database's on
--     every connection, includes this file, so the two cannot differ.
--
-- docs/security.md "Authorisation" is made from it too (ctest docs.authz
-- fails when the page differs: scripts/authz-doc.sh rewrites it).
--
-- One line per request (the route name of the server log and the audit
-- trail); per role:
--   'all'  it may, over the rows of every unit (or data no unit owns);
--   'own'  it may, over its own scope only: a unit, its leaders and its
--          officers their unit's rows; a property company the compounds
--          linked to it and the reports filed on them; the hotline
--          (integration) what it filed; for the event stream (subscribe)
--          see cg_internal.event_key;
--   '-'    refused: PERMISSION_DENIED, nothing changes.
-- A request without a line is refused to everyone, and the server will not
-- start while one of its routes has none (cg_authz_check). Keep the layout
-- of the lines: the build reads them with a pattern.

CREATE VIEW cg_internal.authz_matrix (request, hq, supervision, section, unit, unit_leader, officer, property,
                                      integration) AS
VALUES
    -- request                hq     superv section unit   leader officer prop.  integr.
    -- the protocol (subscribe: which events reach whom, see event_key)
    ('hello',                  'own', 'own', 'own', 'own', 'own', 'own', 'own', 'own'),
    ('ping',                   'all', 'all', 'all', 'all', 'all', 'all', 'all', 'all'),
    ('whoami',                 'own', 'own', 'own', 'own', 'own', 'own', 'own', 'own'),
    ('subscribe',              'all', 'all', 'all', 'own', 'own', 'own', 'own', 'own'),
    ('category.list',          'all', 'all', 'all', 'all', 'all', 'all', 'all', 'all'),
    -- the ledger (台账)
    ('compound.add',           'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('compound.update',        'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('compound.get',           'all', 'all', 'all', 'own', 'own', 'own', 'own', 'all'),
    ('compound.list',          'all', 'all', 'all', 'own', 'own', 'own', 'own', 'all'),
    ('compound.history',       'all', 'all', 'all', 'own', '-'  , '-'  , '-'  , '-'  ),
    ('compound.import',        'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('compound.enter',         'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('compound.close',         'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('compound.correct_entry', 'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('compound.demo',          'all', 'all', '-'  , '-'  , '-'  , '-'  , '-'  , '-'  ),
    ('board.set',              'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('officer.add',            'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('officer.list',           'all', 'all', 'all', 'own', '-'  , '-'  , '-'  , '-'  ),
    ('grid.assign',            'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('grid.show',              'all', 'all', 'all', 'own', '-'  , '-'  , '-'  , '-'  ),
    ('publicity.record',       'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('publicity.list',         'all', 'all', 'all', 'own', '-'  , '-'  , '-'  , '-'  ),
    ('ledger.summary',         'all', 'all', 'all', 'own', '-'  , '-'  , '-'  , '-'  ),
    -- patrols and residents' requests
    ('patrol.submit',          'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('patrol.void',            'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('patrol.get',             'all', 'all', 'all', 'own', '-'  , '-'  , '-'  , '-'  ),
    ('patrol.list',            'all', 'all', 'all', 'own', '-'  , '-'  , '-'  , '-'  ),
    ('patrol.due',             'all', 'all', 'all', 'own', '-'  , '-'  , '-'  , '-'  ),
    ('patrol.compliance',      'all', 'all', 'all', 'own', '-'  , '-'  , '-'  , '-'  ),
    ('request.add',            'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , 'all'),
    ('request.answer',         'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('request.close',          'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('request.void',           'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('request.get',            'all', 'all', 'all', 'own', '-'  , '-'  , '-'  , 'own'),
    ('request.list',           'all', 'all', 'all', 'own', '-'  , '-'  , '-'  , 'own'),
    -- reports (快速处置)
    ('report.submit',          'all', '-'  , '-'  , 'own', '-'  , '-'  , 'own', 'all'),
    ('report.get',             'all', 'all', 'all', 'own', 'own', 'own', 'own', 'own'),
    ('report.list',            'all', 'all', 'all', 'own', 'own', 'own', 'own', 'own'),
    ('report.ack',             'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('report.resolve',         'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    -- the calendar and time limits
    ('calendar.add_holiday',   'all', 'all', '-'  , '-'  , '-'  , '-'  , '-'  , '-'  ),
    ('calendar.add_workday',   'all', 'all', '-'  , '-'  , '-'  , '-'  , '-'  , '-'  ),
    ('calendar.add_year',      'all', 'all', '-'  , '-'  , '-'  , '-'  , '-'  , '-'  ),
    ('calendar.show',          'all', 'all', 'all', 'all', 'all', 'all', 'all', 'all'),
    ('calendar.working_days',  'all', 'all', 'all', 'all', 'all', 'all', 'all', 'all'),
    ('limit.list',             'all', 'all', 'all', 'all', 'all', 'all', '-'  , '-'  ),
    ('limit.set',              '-'  , 'all', '-'  , '-'  , '-'  , '-'  , '-'  , '-'  ),
    -- cases and their evidence
    ('case.open',              'all', '-'  , '-'  , 'own', '-'  , 'own', '-'  , '-'  ),
    ('case.move',              'all', '-'  , '-'  , 'own', '-'  , 'own', '-'  , '-'  ),
    ('case.verify',            'all', '-'  , '-'  , 'own', '-'  , 'own', '-'  , '-'  ),
    ('case.reopen',            'all', '-'  , '-'  , 'own', '-'  , 'own', '-'  , '-'  ),
    ('case.get',               'all', 'all', 'all', 'own', 'own', 'own', 'own', 'own'),
    ('case.list',              'all', 'all', 'all', 'own', 'own', 'own', 'own', 'own'),
    ('case.stats',             'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('case.attach_begin',      'all', '-'  , '-'  , 'own', '-'  , 'own', '-'  , '-'  ),
    ('case.attach_chunk',      'all', '-'  , '-'  , 'own', '-'  , 'own', '-'  , '-'  ),
    ('case.attach_commit',     'all', '-'  , '-'  , 'own', '-'  , 'own', '-'  , '-'  ),
    ('case.attachment_list',   'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('case.attachment_read',   'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    -- supervision orders (督查)
    ('order.issue',            '-'  , 'all', '-'  , '-'  , '-'  , '-'  , '-'  , '-'  ),
    ('order.answer',           '-'  , '-'  , '-'  , 'own', '-'  , 'own', '-'  , '-'  ),
    ('order.list',             'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    -- accounts
    ('account.add',            'all', '-'  , '-'  , '-'  , '-'  , '-'  , '-'  , '-'  ),
    ('account.disable',        'all', '-'  , '-'  , '-'  , '-'  , '-'  , '-'  , '-'  ),
    ('account.list',           'all', '-'  , '-'  , '-'  , '-'  , '-'  , '-'  , '-'  ),
    -- the mechanism (长效机制)
    ('co_meeting.record',      'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('co_meeting.list',        'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('co_meeting.missing',     'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('suggestion.answer',      'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('suggestion.list',        'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('group.member_set',       'all', '-'  , '-'  , '-'  , '-'  , '-'  , '-'  , '-'  ),
    ('group.show',             'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('mech_meeting.record',    'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('mech_meeting.list',      'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('decision.follow_up',     'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('decision.list',          'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('training.record',        'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('training.list',          'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('practice.add',           'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('practice.list',          'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    -- the campaign (专项整治)
    ('problem.add',            'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('problem.plan',           'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('problem.update',         'all', 'all', '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('problem.get',            'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('problem.list',           'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('problem.summary',        'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('campaign.action_add',    'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('campaign.action_link',   'all', '-'  , '-'  , 'own', '-'  , '-'  , '-'  , '-'  ),
    ('campaign.action_get',    'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('campaign.action_list',   'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('campaign.status',        'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('campaign.entries',       'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    -- the monthly bulletin and the audit trail
    ('stats.bulletin',         'all', 'all', 'all', 'own', 'own', 'own', '-'  , '-'  ),
    ('audit.list',             'all', 'all', '-'  , '-'  , '-'  , '-'  , '-'  , '-'  )
;

-- The matrix as rows: one per request and role that may send it.
CREATE VIEW cg_internal.authz (request, role, scope) AS
SELECT m.request, r.role, r.scope
FROM cg_internal.authz_matrix m
CROSS JOIN LATERAL (VALUES ('hq', m.hq), ('supervision', m.supervision), ('section', m.section), ('unit', m.unit),
                           ('unit_leader', m.unit_leader), ('officer', m.officer), ('property', m.property),
                           ('integration', m.integration)) AS r (role, scope)
WHERE r.scope <> '-';

-- May account a send p_request: its scope ('all' or 'own'), or CG007
-- (PERMISSION_DENIED, reason role.denied) before anything is read or
-- written. The first statement of every cg_api function, with the name of
-- its route. It reads the request's line, then the role's cell: a tenth of
-- what a lookup in the unpivoted view costs.
CREATE FUNCTION cg_internal.authorize(a accounts, p_request text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_scope text;
BEGIN
    SELECT CASE a.role WHEN 'hq' THEN m.hq WHEN 'supervision' THEN m.supervision WHEN 'section' THEN m.section
                       WHEN 'unit' THEN m.unit WHEN 'unit_leader' THEN m.unit_leader WHEN 'officer' THEN m.officer
                       WHEN 'property' THEN m.property WHEN 'integration' THEN m.integration END
    INTO v_scope FROM cg_internal.authz_matrix m WHERE m.request = p_request;
    IF v_scope IS NULL OR v_scope = '-' THEN
        PERFORM cg_internal.fail('CG007', NULL, format('account %s (role %s) may not use %s', a.name, a.role, p_request),
                                 'role.denied', jsonb_build_object('account', a.name, 'role', a.role));
    END IF;
    RETURN v_scope;
END
$$;
