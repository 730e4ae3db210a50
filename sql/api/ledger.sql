-- Step 2: the compound ledger (建档立卡), officers and the grid (网格), entry
-- (进驻), notice boards (公示牌), demonstration compounds (示范小区) and
-- publicity (宣传教育). The contract is proto/chengguan/v1/ledger.proto; the
-- tables are in sql/0003_ledger.sql, the conventions in core.sql.

-- ---------------------------------------------------------------------------
-- Rendering. Each reply object is built in one place:
--   compound_docs   a Compound per compound (the only place a Compound is
--                   rendered; compound_doc(id) is one of them)
--   officer_docs    an Officer per officer
--   publicity_docs  a Publicity per record
-- with the columns the list filters and scopes need beside the JSON.
-- ---------------------------------------------------------------------------

-- The current grid officer of each compound: its latest assignment, and
-- the day the officer has had it since (back-dated, or the day recorded).
CREATE VIEW cg_internal.grid_current AS
SELECT ga.id, ga.compound_id, ga.officer_id, ga.assigned_at,
       coalesce(ga.since, (ga.assigned_at AT TIME ZONE 'Asia/Shanghai')::date) AS since
FROM grid_assignments ga
WHERE NOT EXISTS (SELECT 1 FROM grid_assignments newer
                  WHERE newer.compound_id = ga.compound_id AND newer.id > ga.id);

CREATE VIEW cg_internal.compound_docs AS
SELECT c.id, c.district_code, d.unit_code, c.property_account, c.closed_on, c.entered_on, c.demo,
       g.officer_id AS grid_officer_id, g.officer_name AS grid_officer_name, c.version,
       s.board_missing, cardinality(s.missing) = 0 AS complete,
       jsonb_build_object(
           'id', c.id,
           'name', c.name,
           'district', c.district_code,
           'unit', d.unit_code,
           'street', c.street,
           'community', c.community,
           'address', c.address,
           'households', c.households,
           'buildings', c.buildings,
           'management_status', c.management_status,
           'property_company', c.property_company,
           'property_manager', c.property_manager,
           'property_phone', c.property_phone,
           'street_contact', c.street_contact,
           'street_phone', c.street_phone,
           'community_contact', c.community_contact,
           'community_phone', c.community_phone,
           'owners_committee_contact', c.owners_committee_contact,
           'owners_committee_phone', c.owners_committee_phone,
           'property_account', coalesce(c.property_account, ''),
           'grid_officer_id', coalesce(g.officer_id, 0),
           'grid_officer_name', coalesce(g.officer_name, ''),
           'grid_officer_phone', coalesce(g.officer_phone, ''),
           'grid_officer_since', cg_internal.date_text(g.since),
           'entered_on', cg_internal.date_text(c.entered_on),
           'demo', c.demo,
           'board_installed_on', cg_internal.date_text(c.board_installed_on),
           'board_duties', c.board_duties,
           'board_contact_phone', c.board_contact_phone,
           'board_supervision_phone', c.board_supervision_phone,
           'board_missing', s.board_missing,
           'missing', to_jsonb(s.missing),
           'complete', cardinality(s.missing) = 0,
           'closed_on', cg_internal.date_text(c.closed_on),
           'close_reason', c.close_reason,
           'version', c.version,
           'created_at', cg_internal.instant_text(c.created_at),
           'updated_at', cg_internal.instant_text(c.updated_at)
       ) AS doc
FROM compounds c
JOIN districts d ON d.code = c.district_code
LEFT JOIN (SELECT gc.compound_id, gc.officer_id, gc.since, o.name AS officer_name, o.phone AS officer_phone
           FROM cg_internal.grid_current gc JOIN officers o ON o.id = gc.officer_id) g ON g.compound_id = c.id
CROSS JOIN LATERAL (
    SELECT c.board_installed_on IS NULL OR c.board_duties = '' OR c.board_contact_phone = ''
               OR c.board_supervision_phone = '' AS board_missing,
           -- The required ledger fields (DOMAIN.md, mechanism 2) that are empty, in this order.
           array_remove(ARRAY[
               CASE WHEN c.name = '' THEN 'name' END,
               CASE WHEN c.district_code = '' THEN 'district' END,
               CASE WHEN c.street = '' THEN 'street' END,
               CASE WHEN c.community = '' THEN 'community' END,
               CASE WHEN c.address = '' THEN 'address' END,
               CASE WHEN c.households = 0 THEN 'households' END,
               CASE WHEN c.buildings = 0 THEN 'buildings' END,
               CASE WHEN c.management_status = '' THEN 'management_status' END,
               CASE WHEN c.street_contact = '' THEN 'street_contact' END,
               CASE WHEN c.street_phone = '' THEN 'street_phone' END,
               CASE WHEN c.community_contact = '' THEN 'community_contact' END,
               CASE WHEN c.community_phone = '' THEN 'community_phone' END,
               CASE WHEN c.management_status = 'property_company' AND c.property_company = '' THEN 'property_company' END,
               CASE WHEN c.management_status = 'property_company' AND c.property_manager = '' THEN 'property_manager' END,
               CASE WHEN c.management_status = 'property_company' AND c.property_phone = '' THEN 'property_phone' END
           ], NULL) AS missing
) s;

-- One compound as a Compound (NULL when there is none).
-- plpgsql so that its plan is kept for the session (see report_doc).
CREATE FUNCTION cg_internal.compound_doc(p_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT d.doc FROM cg_internal.compound_docs d WHERE d.id = p_id);
END
$$;

-- May a see the officers of unit p_unit? A unit: its own; hq, supervision
-- and sections: all (officer_list).
CREATE FUNCTION cg_internal.officer_visible(a accounts, p_unit text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(a.role IN ('hq', 'supervision', 'section') OR (a.role = 'unit' AND a.unit_code = p_unit), false)
$$;

-- Officer p_id, named by a in field p_column for a row of unit p_unit: CG005
-- when there is none or a may not see it (the same answer, so that an error
-- never names another unit's officer), CG003 when it is of a unit other
-- than p_unit.
CREATE FUNCTION cg_internal.officer_for(a accounts, p_id bigint, p_unit text, p_column text) RETURNS officers
LANGUAGE plpgsql STABLE AS $$
DECLARE
    o officers;
BEGIN
    SELECT * INTO o FROM officers WHERE id = p_id;
    IF NOT FOUND OR NOT cg_internal.officer_visible(a, o.unit_code) THEN
        PERFORM cg_internal.fail('CG005', p_column, format('officer %s not found', p_id),
                                 'officer.not_found', jsonb_build_object('id', p_id));
    END IF;
    IF o.unit_code <> p_unit THEN
        PERFORM cg_internal.fail('CG003', p_column, format('%s: officer %s belongs to unit %s, not %s',
                                                           p_column, o.id, o.unit_code, p_unit),
                                 'officer.other_unit', jsonb_build_object('id', o.id, 'unit', o.unit_code, 'expected', p_unit));
    END IF;
    RETURN o;
END
$$;

CREATE VIEW cg_internal.officer_docs AS
SELECT o.id, o.unit_code,
       jsonb_build_object(
           'id', o.id,
           'name', o.name,
           'unit', o.unit_code,
           'phone', o.phone,
           'badge', o.badge,
           'created_at', cg_internal.instant_text(o.created_at),
           'compounds', coalesce(n.compounds, 0)
       ) AS doc
FROM officers o
LEFT JOIN (SELECT gc.officer_id, count(*) AS compounds
           FROM cg_internal.grid_current gc
           JOIN compounds c ON c.id = gc.compound_id AND c.closed_on IS NULL
           GROUP BY gc.officer_id) n ON n.officer_id = o.id;

-- outside_phase: dated outside the publicity phase of the programme
-- (programme_phases, sql/0020_campaign.sql): accepted, but flagged.
CREATE VIEW cg_internal.publicity_docs AS
SELECT p.id, p.compound_id, d.unit_code, c.property_account, p.date, x.outside_phase,
       jsonb_build_object(
           'id', p.id,
           'compound_id', p.compound_id,
           'compound_name', c.name,
           'unit', d.unit_code,
           'date', cg_internal.date_text(p.date),
           'notices', p.notices,
           'letters', p.letters,
           'note', p.note,
           'recorded_by', p.recorded_by,
           'recorded_at', cg_internal.instant_text(p.recorded_at),
           'outside_phase', x.outside_phase
       ) AS doc
FROM publicity p
JOIN compounds c ON c.id = p.compound_id
JOIN districts d ON d.code = c.district_code
CROSS JOIN LATERAL (
    SELECT NOT EXISTS (SELECT 1 FROM programme_phases ph
                       WHERE ph.code = 'publicity' AND p.date BETWEEN ph.first AND ph.last) AS outside_phase) x;

-- The compound p_id for a request by a, or an error: CG003 when p_id is 0,
-- CG005 when there is none, CG007 when a may not (p_mode 'see': see it;
-- 'change': change its ledger; 'demo': see it). For 'change' and 'demo' the
-- row is locked first, so that the checks and the change see the same state.
CREATE FUNCTION cg_internal.compound_target(a accounts, p_id bigint, p_column text, p_mode text)
RETURNS cg_internal.compound_docs
LANGUAGE plpgsql AS $$
DECLARE
    r cg_internal.compound_docs;
BEGIN
    IF p_id = 0 THEN
        PERFORM cg_internal.check(p_column, cg_internal.missing());
    END IF;
    IF p_mode <> 'see' THEN
        PERFORM 1 FROM compounds WHERE id = p_id FOR NO KEY UPDATE;
    END IF;
    SELECT * INTO r FROM cg_internal.compound_docs WHERE id = p_id;
    -- One that a may not see is not found, exactly like one that does not
    -- exist; one it sees but may not change is PERMISSION_DENIED.
    IF NOT FOUND OR NOT cg_internal.can_see(a, r.unit_code, r.property_account) THEN
        PERFORM cg_internal.fail('CG005', p_column, format('compound %s not found', p_id),
                                 'compound.not_found', jsonb_build_object('id', p_id));
    END IF;
    IF p_mode = 'change' AND NOT cg_internal.can_change(a, r.unit_code) THEN
        PERFORM cg_internal.fail('CG007', p_column, format('compound %s may not be changed by you', p_id),
                                 'compound.not_yours', jsonb_build_object('id', p_id));
    END IF;
    RETURN r;
END
$$;

CREATE FUNCTION cg_internal.require_open(r cg_internal.compound_docs) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF r.closed_on IS NOT NULL THEN
        PERFORM cg_internal.fail('CG009', NULL,
                                 format('compound %s was closed on %s', r.id, cg_internal.date_text(r.closed_on)),
                                 'compound.closed', jsonb_build_object('id', r.id, 'date', cg_internal.date_text(r.closed_on)));
    END IF;
END
$$;

-- Appends a history row for each [field, old, new] of p_changes whose value
-- changes, with p_reason (why: a correction's); returns how many. The caller
-- bumps the version when it is > 0.
CREATE FUNCTION cg_internal.log_changes(p_id bigint, p_account text, p_changes jsonb, p_reason text DEFAULT '')
RETURNS integer
LANGUAGE sql AS $$
    WITH ins AS (
        INSERT INTO compound_history (compound_id, account, field, old_value, new_value, reason)
        SELECT p_id, p_account, e.v ->> 0, e.v ->> 1, e.v ->> 2, p_reason
        FROM jsonb_array_elements(p_changes) WITH ORDINALITY AS e(v, o)
        WHERE (e.v ->> 1) IS DISTINCT FROM (e.v ->> 2)
        ORDER BY e.o
        RETURNING 1
    )
    SELECT count(*)::integer FROM ins
$$;

-- The editable fields of a Compound (2-20), in field order.
CREATE FUNCTION cg_internal.editable_fields() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT '{name,district,street,community,address,households,buildings,management_status,'
           'property_company,property_manager,property_phone,street_contact,street_phone,community_contact,'
           'community_phone,owners_committee_contact,owners_committee_phone,property_account}'::text[]
$$;

-- The field names of p_req's 'fields' (each once; empty when none), or CG003
-- on 'fields' for a name that is not an editable field (p_what: what may not
-- change a read-only one, e.g. 'an update').
CREATE FUNCTION cg_internal.field_names(p_req jsonb, p_what text) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_fields text[] := '{}';
    v_bad text;
BEGIN
    IF jsonb_typeof(p_req -> 'fields') = 'array' THEN
        v_fields := ARRAY(SELECT DISTINCT f FROM jsonb_array_elements_text(p_req -> 'fields') AS f ORDER BY f);
    END IF;
    SELECT f INTO v_bad FROM unnest(v_fields) AS f WHERE f <> ALL (cg_internal.editable_fields()) ORDER BY f LIMIT 1;
    IF v_bad IS NOT NULL THEN
        PERFORM cg_internal.check('fields', CASE
            WHEN v_bad IN ('id', 'unit', 'grid_officer_id', 'grid_officer_name', 'grid_officer_phone',
                           'grid_officer_since', 'entered_on',
                           'demo', 'board_installed_on', 'board_duties', 'board_contact_phone',
                           'board_supervision_phone', 'board_missing', 'missing', 'complete', 'closed_on',
                           'close_reason', 'version', 'created_at', 'updated_at')
                THEN cg_internal.problem('fields.not_editable', jsonb_build_object('value', v_bad),
                                         format('%s cannot be changed by %s', cg_internal.q(v_bad), p_what))
            ELSE cg_internal.problem('fields.unknown', jsonb_build_object('value', left(v_bad, 40)),
                                     format('unknown field %s', cg_internal.q(v_bad))) END);
    END IF;
    RETURN v_fields;
END
$$;

-- ---------------------------------------------------------------------------
-- Ledger rows in: one path for add, update and import.
--   compound_parse   request rows -> cleaned, resolved values + problems of
--                    each field (set-based: one call for a whole file)
--   compound_fill    for an import of some fields: the other fields of rows
--                    with an id from their compound
--   compound_checks  everything wrong with a set of rows for account a, with
--                    the error code a single request would get
--   compounds_write  creates rows without id, updates rows with id (history
--                    for each changed field, version +1)
-- ---------------------------------------------------------------------------

CREATE TYPE cg_internal.compound_in AS (
    line                     integer,   -- file line (import) or 0
    ord                      integer,   -- position in the request
    id                       bigint,    -- NULL: create
    name                     text,
    district                 text,      -- district code; NULL when empty or unknown
    street                   text,
    community                text,
    address                  text,
    households               integer,
    buildings                integer,
    management_status        text,
    property_company         text,
    property_manager         text,
    property_phone           text,
    street_contact           text,
    street_phone             text,
    community_contact        text,
    community_phone          text,
    owners_committee_contact text,
    owners_committee_phone   text,
    property_account         text,      -- NULL: none
    problems                 jsonb      -- [[field, reason], ...] in field order
);

-- p_rows: a JSON array of ImportRow ({line, compound}). p_fields: the
-- editable fields to read (NULL: all); the others are taken as empty.
CREATE FUNCTION cg_internal.compound_parse(p_rows jsonb, p_fields text[] DEFAULT NULL)
RETURNS SETOF cg_internal.compound_in
LANGUAGE sql STABLE AS $$
WITH elements AS MATERIALIZED (
    SELECT e.ord::integer AS ord, e.r -> 'line' AS line_j,
           CASE WHEN jsonb_typeof(e.r -> 'compound') = 'object' THEN e.r -> 'compound' ELSE '{}'::jsonb END
           - ARRAY(SELECT f FROM unnest(cg_internal.editable_fields()) AS f WHERE f <> ALL (p_fields)) AS c
    FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS e(r, ord)
),
raw AS MATERIALIZED (
    SELECT el.ord,
           coalesce(cg_internal.json_num(el.line_j), 0)::integer AS line,
           nullif(coalesce(cg_internal.json_num(x.id), 0), 0)::bigint AS id,
           cg_internal.clean(x.name) AS name,
           cg_internal.clean(x.district) AS district_in,
           cg_internal.clean(x.street) AS street,
           cg_internal.clean(x.community) AS community,
           cg_internal.clean(x.address) AS address,
           x.households AS households_j,
           cg_internal.json_num(x.households) AS households_n,
           x.buildings AS buildings_j,
           cg_internal.json_num(x.buildings) AS buildings_n,
           cg_internal.clean(x.management_status) AS management_status,
           cg_internal.clean(x.property_company) AS property_company,
           cg_internal.clean(x.property_manager) AS property_manager,
           cg_internal.clean(x.property_phone) AS property_phone,
           cg_internal.clean(x.street_contact) AS street_contact,
           cg_internal.clean(x.street_phone) AS street_phone,
           cg_internal.clean(x.community_contact) AS community_contact,
           cg_internal.clean(x.community_phone) AS community_phone,
           cg_internal.clean(x.owners_committee_contact) AS owners_committee_contact,
           cg_internal.clean(x.owners_committee_phone) AS owners_committee_phone,
           cg_internal.clean(x.property_account) AS property_account_in
    FROM elements el
    CROSS JOIN LATERAL jsonb_to_record(el.c) AS x(
        id jsonb, name text, district text, street text, community text, address text,
        households jsonb, buildings jsonb, management_status text, property_company text,
        property_manager text, property_phone text, street_contact text, street_phone text,
        community_contact text, community_phone text, owners_committee_contact text,
        owners_committee_phone text, property_account text)
),
resolved AS MATERIALIZED (
    SELECT raw.*,
           (SELECT d.code FROM districts d JOIN units u ON u.code = d.unit_code
            WHERE raw.district_in <> ''
              AND (d.code = lower(raw.district_in) OR d.name_zh = raw.district_in OR u.name_zh = raw.district_in)
            ORDER BY d.code LIMIT 1) AS district,
           pa.name AS pa_name, pa.role AS pa_role, pa.disabled_at AS pa_disabled_at,
           -- for households and buildings: NULL when fine, else the problem
           cg_internal.count_problem(raw.households_j, raw.households_n) AS households_problem,
           cg_internal.count_problem(raw.buildings_j, raw.buildings_n) AS buildings_problem
    FROM raw
    LEFT JOIN accounts pa ON pa.name = raw.property_account_in
),
checked AS MATERIALIZED (
    SELECT v.*,
           -- the reason each field is wrong, NULL when it is fine
           cg_internal.text_problem(v.name, 100, true, false) AS name_problem,
           CASE WHEN v.district_in = '' THEN cg_internal.problem('value.required', '{}', 'must not be empty')
                WHEN v.district IS NULL
                    THEN cg_internal.problem('district.unknown', jsonb_build_object('value', left(v.district_in, 40)),
                                             format('unknown district %s', cg_internal.q(v.district_in))) END AS district_problem,
           cg_internal.text_problem(v.street, 100, false, false) AS street_problem,
           cg_internal.text_problem(v.community, 100, false, false) AS community_problem,
           cg_internal.text_problem(v.address, 200, false, false) AS address_problem,
           CASE WHEN v.management_status NOT IN ('', 'property_company', 'self_managed', 'none')
                THEN cg_internal.problem('value.not_one_of',
                                         jsonb_build_object('value', left(v.management_status, 40),
                                                            'allowed', 'property_company, self_managed, none'),
                                         format('must be property_company, self_managed or none (got %s)',
                                                cg_internal.q(v.management_status)))
           END AS management_status_problem,
           cg_internal.text_problem(v.property_company, 100, false, false) AS property_company_problem,
           cg_internal.text_problem(v.property_manager, 100, false, false) AS property_manager_problem,
           cg_internal.phone_problem(v.property_phone, false) AS property_phone_problem,
           cg_internal.text_problem(v.street_contact, 100, false, false) AS street_contact_problem,
           cg_internal.phone_problem(v.street_phone, false) AS street_phone_problem,
           cg_internal.text_problem(v.community_contact, 100, false, false) AS community_contact_problem,
           cg_internal.phone_problem(v.community_phone, false) AS community_phone_problem,
           cg_internal.text_problem(v.owners_committee_contact, 100, false, false) AS owners_committee_contact_problem,
           cg_internal.phone_problem(v.owners_committee_phone, false) AS owners_committee_phone_problem,
           CASE WHEN v.property_account_in = '' THEN NULL
                WHEN v.pa_name IS NULL
                    THEN cg_internal.problem('account.unknown', jsonb_build_object('account', left(v.property_account_in, 40)),
                                             format('unknown account %s', cg_internal.q(v.property_account_in)))
                WHEN v.pa_role <> 'property'
                    THEN cg_internal.problem('account.not_property', jsonb_build_object('account', v.pa_name, 'role', v.pa_role),
                                             format('account %s is not a property-company account (role %s)',
                                                    cg_internal.q(v.pa_name), v.pa_role))
                WHEN v.pa_disabled_at IS NOT NULL
                    THEN cg_internal.problem('account.disabled', jsonb_build_object('account', v.pa_name),
                                             format('account %s is disabled', cg_internal.q(v.pa_name)))
           END AS property_account_problem
    FROM resolved v
)
SELECT p.line, p.ord, p.id, p.name, p.district, p.street, p.community, p.address,
       CASE WHEN p.households_problem IS NULL THEN coalesce(p.households_n, 0)::integer END,
       CASE WHEN p.buildings_problem IS NULL THEN coalesce(p.buildings_n, 0)::integer END,
       p.management_status, p.property_company, p.property_manager, p.property_phone,
       p.street_contact, p.street_phone, p.community_contact, p.community_phone,
       p.owners_committee_contact, p.owners_committee_phone,
       nullif(p.property_account_in, ''),
       to_jsonb(array_remove(ARRAY[
           CASE WHEN p.name_problem IS NOT NULL THEN jsonb_build_array('name', p.name_problem) END,
           CASE WHEN p.district_problem IS NOT NULL THEN jsonb_build_array('district', p.district_problem) END,
           CASE WHEN p.street_problem IS NOT NULL THEN jsonb_build_array('street', p.street_problem) END,
           CASE WHEN p.community_problem IS NOT NULL THEN jsonb_build_array('community', p.community_problem) END,
           CASE WHEN p.address_problem IS NOT NULL THEN jsonb_build_array('address', p.address_problem) END,
           CASE WHEN p.households_problem IS NOT NULL THEN jsonb_build_array('households', p.households_problem) END,
           CASE WHEN p.buildings_problem IS NOT NULL THEN jsonb_build_array('buildings', p.buildings_problem) END,
           CASE WHEN p.management_status_problem IS NOT NULL THEN jsonb_build_array('management_status', p.management_status_problem) END,
           CASE WHEN p.property_company_problem IS NOT NULL THEN jsonb_build_array('property_company', p.property_company_problem) END,
           CASE WHEN p.property_manager_problem IS NOT NULL THEN jsonb_build_array('property_manager', p.property_manager_problem) END,
           CASE WHEN p.property_phone_problem IS NOT NULL THEN jsonb_build_array('property_phone', p.property_phone_problem) END,
           CASE WHEN p.street_contact_problem IS NOT NULL THEN jsonb_build_array('street_contact', p.street_contact_problem) END,
           CASE WHEN p.street_phone_problem IS NOT NULL THEN jsonb_build_array('street_phone', p.street_phone_problem) END,
           CASE WHEN p.community_contact_problem IS NOT NULL THEN jsonb_build_array('community_contact', p.community_contact_problem) END,
           CASE WHEN p.community_phone_problem IS NOT NULL THEN jsonb_build_array('community_phone', p.community_phone_problem) END,
           CASE WHEN p.owners_committee_contact_problem IS NOT NULL
                THEN jsonb_build_array('owners_committee_contact', p.owners_committee_contact_problem) END,
           CASE WHEN p.owners_committee_phone_problem IS NOT NULL
                THEN jsonb_build_array('owners_committee_phone', p.owners_committee_phone_problem) END,
           CASE WHEN p.property_account_problem IS NOT NULL THEN jsonb_build_array('property_account', p.property_account_problem) END
       ], NULL))
FROM checked p
ORDER BY p.ord
$$;

-- p_rows with, in each row with the id of a compound a may change, that
-- compound's values for the fields not in p_fields (NULL: p_rows as they
-- are). Rows of other compounds are left for compound_checks to refuse.
CREATE FUNCTION cg_internal.compound_fill(a accounts, p_rows cg_internal.compound_in[], p_fields text[])
RETURNS cg_internal.compound_in[]
LANGUAGE sql STABLE AS $$
SELECT CASE WHEN p_fields IS NULL THEN p_rows ELSE ARRAY(
    SELECT CASE WHEN c.id IS NULL THEN r ELSE ROW(
        r.line, r.ord, r.id,
        CASE WHEN 'name' = ANY (p_fields) THEN r.name ELSE c.name END,
        CASE WHEN 'district' = ANY (p_fields) THEN r.district ELSE c.district_code END,
        CASE WHEN 'street' = ANY (p_fields) THEN r.street ELSE c.street END,
        CASE WHEN 'community' = ANY (p_fields) THEN r.community ELSE c.community END,
        CASE WHEN 'address' = ANY (p_fields) THEN r.address ELSE c.address END,
        CASE WHEN 'households' = ANY (p_fields) THEN r.households ELSE c.households END,
        CASE WHEN 'buildings' = ANY (p_fields) THEN r.buildings ELSE c.buildings END,
        CASE WHEN 'management_status' = ANY (p_fields) THEN r.management_status ELSE c.management_status END,
        CASE WHEN 'property_company' = ANY (p_fields) THEN r.property_company ELSE c.property_company END,
        CASE WHEN 'property_manager' = ANY (p_fields) THEN r.property_manager ELSE c.property_manager END,
        CASE WHEN 'property_phone' = ANY (p_fields) THEN r.property_phone ELSE c.property_phone END,
        CASE WHEN 'street_contact' = ANY (p_fields) THEN r.street_contact ELSE c.street_contact END,
        CASE WHEN 'street_phone' = ANY (p_fields) THEN r.street_phone ELSE c.street_phone END,
        CASE WHEN 'community_contact' = ANY (p_fields) THEN r.community_contact ELSE c.community_contact END,
        CASE WHEN 'community_phone' = ANY (p_fields) THEN r.community_phone ELSE c.community_phone END,
        CASE WHEN 'owners_committee_contact' = ANY (p_fields)
             THEN r.owners_committee_contact ELSE c.owners_committee_contact END,
        CASE WHEN 'owners_committee_phone' = ANY (p_fields)
             THEN r.owners_committee_phone ELSE c.owners_committee_phone END,
        CASE WHEN 'property_account' = ANY (p_fields) THEN r.property_account ELSE c.property_account END,
        r.problems)::cg_internal.compound_in END
    FROM unnest(p_rows) r
    LEFT JOIN (compounds c JOIN districts d ON d.code = c.district_code AND cg_internal.can_change(a, d.unit_code))
           ON c.id = r.id
    ORDER BY r.ord) END
$$;

-- Everything wrong with p_rows for account a (field problems of rows with
-- an id only for the fields in p_mask, NULL: all; rows without an id are
-- checked whole). prio orders the errors of one row as a single request
-- meets them; code is the SQLSTATE a single request raises. A row of a closed
-- compound is an error only when it would change it, and does not take part
-- in the name checks (the name of a closed compound is free). Without
-- p_force, a row that creates a compound, or gives one a new name or
-- district, is refused when an open compound of that name is elsewhere in
-- the district (another community): most often the same compound typed twice.
CREATE FUNCTION cg_internal.compound_checks(a accounts, p_rows cg_internal.compound_in[], p_mask text[],
                                            p_force boolean)
RETURNS TABLE (ord integer, line integer, prio integer, fo integer, code text, field text, problem jsonb)
LANGUAGE sql STABLE AS $$
WITH r AS MATERIALIZED (
    SELECT * FROM unnest(p_rows)
),
cur AS MATERIALIZED (
    SELECT r.ord, r.line, r.id, r.district, c.district_code AS old_district, c.closed_on, d.unit_code AS old_unit,
           EXISTS (SELECT 1 FROM grid_assignments ga WHERE ga.compound_id = c.id) AS has_officer,
           (r.name, r.district, r.street, r.community, r.address, r.households, r.buildings, r.management_status,
            r.property_company, r.property_manager, r.property_phone, r.street_contact, r.street_phone,
            r.community_contact, r.community_phone, r.owners_committee_contact, r.owners_committee_phone,
            r.property_account)
           IS DISTINCT FROM
           (c.name, c.district_code, c.street, c.community, c.address, c.households, c.buildings,
            c.management_status, c.property_company, c.property_manager, c.property_phone, c.street_contact,
            c.street_phone, c.community_contact, c.community_phone, c.owners_committee_contact,
            c.owners_committee_phone, c.property_account) AS changes
    FROM r
    JOIN compounds c ON c.id = r.id
    JOIN districts d ON d.code = c.district_code
),
-- the rows whose compound is (or will be) open
open_r AS MATERIALIZED (
    SELECT r.* FROM r
    WHERE r.ord NOT IN (SELECT cur.ord FROM cur WHERE cur.closed_on IS NOT NULL)
),
keyed AS MATERIALIZED (
    SELECT r.ord, r.line, r.id,
           first_value(r.line) OVER (PARTITION BY r.id ORDER BY r.ord) AS id_first_line,
           row_number() OVER (PARTITION BY r.id ORDER BY r.ord) AS id_n
    FROM r
),
name_keyed AS MATERIALIZED (
    SELECT r.ord, r.line, r.name, r.community, r.district,
           first_value(r.line) OVER (PARTITION BY r.district, r.community, r.name ORDER BY r.ord) AS key_first_line,
           row_number() OVER (PARTITION BY r.district, r.community, r.name ORDER BY r.ord) AS key_n
    FROM open_r r
)
SELECT r.ord, r.line, 1, 0, 'CG005', 'id',
       cg_internal.problem('compound.not_found', jsonb_build_object('id', r.id), format('compound %s not found', r.id))
FROM r
WHERE r.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM compounds c WHERE c.id = r.id)
UNION ALL
-- (importers are hq and units, who see exactly what they change: another
-- unit's compound is not found, like one that does not exist)
SELECT cur.ord, cur.line, 2, 0, 'CG005', 'id',
       cg_internal.problem('compound.not_found', jsonb_build_object('id', cur.id), format('compound %s not found', cur.id))
FROM cur
WHERE NOT cg_internal.can_change(a, cur.old_unit)
UNION ALL
SELECT cur.ord, cur.line, 3, 0, 'CG009', 'id',
       cg_internal.problem('compound.closed', jsonb_build_object('id', cur.id, 'date', cg_internal.date_text(cur.closed_on)),
                           format('compound %s was closed on %s', cur.id, cg_internal.date_text(cur.closed_on)))
FROM cur
WHERE cur.closed_on IS NOT NULL AND cur.changes
UNION ALL
SELECT r.ord, r.line, 4, p.o::integer, 'CG003', p.v ->> 0, p.v -> 1
FROM r
CROSS JOIN LATERAL jsonb_array_elements(r.problems) WITH ORDINALITY AS p(v, o)
WHERE p_mask IS NULL OR r.id IS NULL OR (p.v ->> 0) = ANY (p_mask)
UNION ALL
SELECT r.ord, r.line, 5, 0, 'CG007', 'district',
       cg_internal.problem('district.out_of_scope', jsonb_build_object('district', r.district),
                           format('district %s is outside your scope', r.district))
FROM r
JOIN districts d ON d.code = r.district
WHERE NOT cg_internal.can_change(a, d.unit_code)
UNION ALL
SELECT cur.ord, cur.line, 6, 0, 'CG009', 'district',
       cg_internal.problem('compound.district_has_officer', jsonb_build_object('id', cur.id),
                           format('the district of compound %s cannot change while it has a grid officer', cur.id))
FROM cur
WHERE cur.district IS NOT NULL AND cur.district <> cur.old_district AND cur.has_officer
UNION ALL
SELECT k.ord, k.line, 7, 0, 'CG003', 'id',
       cg_internal.problem('import.id_twice', jsonb_build_object('id', k.id, 'line', k.id_first_line),
                           format('compound %s is also on line %s', k.id, k.id_first_line))
FROM keyed k
WHERE k.id IS NOT NULL AND k.id_n > 1
UNION ALL
SELECT k.ord, k.line, 8, 0, 'CG003', 'name',
       cg_internal.problem('import.name_twice',
                           jsonb_build_object('name', k.name, 'community', k.community, 'line', k.key_first_line),
                           format('compound %s in community %s is also on line %s',
                                  cg_internal.q(k.name), cg_internal.q(k.community), k.key_first_line))
FROM name_keyed k
WHERE k.district IS NOT NULL AND k.name <> '' AND k.key_n > 1
UNION ALL
-- an open compound of the same district, community and name that this
-- request does not touch
SELECT r.ord, r.line, 9, 0, 'CG006', 'name',
       cg_internal.problem('compound.exists',
                           jsonb_build_object('name', r.name, 'community', r.community, 'id', c.id),
                           format('compound %s already exists in community %s (id %s)',
                                  cg_internal.q(r.name), cg_internal.q(r.community), c.id))
FROM open_r r
JOIN compounds c ON c.district_code = r.district AND c.community = r.community AND c.name = r.name
                AND c.closed_on IS NULL
WHERE c.id NOT IN (SELECT r2.id FROM r r2 WHERE r2.id IS NOT NULL)   -- hashed: files are large
UNION ALL
-- the first open compound of the same name in another community of the
-- district, unless forced
(SELECT DISTINCT ON (r.ord) r.ord, r.line, 10, 0, 'CG006', 'name',
       cg_internal.problem('compound.name_in_district',
                           jsonb_build_object('name', r.name, 'id', c.id, 'community', c.community,
                                              'district', r.district),
                           format('compound %s already exists in district %s, community %s (id %s): force to add it anyway',
                                  cg_internal.q(r.name), r.district, cg_internal.q(c.community), c.id))
FROM open_r r
JOIN compounds c ON c.district_code = r.district AND c.name = r.name AND c.community <> r.community
                AND c.closed_on IS NULL
LEFT JOIN compounds old ON old.id = r.id
WHERE NOT p_force
  AND (r.id IS NULL OR old.name <> r.name OR old.district_code <> r.district)
  AND c.id NOT IN (SELECT r2.id FROM r r2 WHERE r2.id IS NOT NULL)
ORDER BY r.ord, c.id)
$$;

-- Raises the first error compound_checks finds for a single-row request.
CREATE FUNCTION cg_internal.compound_check_one(a accounts, p_rows cg_internal.compound_in[], p_mask text[],
                                               p_force boolean)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    k record;
BEGIN
    SELECT * INTO k FROM cg_internal.compound_checks(a, p_rows, p_mask, p_force) ORDER BY prio, fo LIMIT 1;
    IF FOUND THEN
        PERFORM cg_internal.fail(k.code, k.field,
                                 CASE WHEN k.code = 'CG003' THEN k.field || ': ' ELSE '' END || (k.problem ->> 'text'),
                                 k.problem ->> 'reason',
                                 coalesce(k.problem -> 'params', '{}') || jsonb_build_object('field', k.field));
    END IF;
END
$$;

-- Writes checked rows: creates those without id (history 'created'),
-- updates those with id (a history row per changed field, version +1 when
-- something changed). Returns each row's id and 'created', 'updated' or
-- 'unchanged'.
CREATE FUNCTION cg_internal.compounds_write(p_account text, p_rows cg_internal.compound_in[])
RETURNS TABLE (id bigint, action text)
LANGUAGE sql AS $$
WITH r AS MATERIALIZED (
    SELECT * FROM unnest(p_rows)
),
ins AS (
    INSERT INTO compounds (name, district_code, street, community, address, households, buildings,
                           management_status, property_company, property_manager, property_phone,
                           street_contact, street_phone, community_contact, community_phone,
                           owners_committee_contact, owners_committee_phone, property_account, created_by)
    SELECT r.name, r.district, r.street, r.community, r.address, r.households, r.buildings,
           r.management_status, r.property_company, r.property_manager, r.property_phone,
           r.street_contact, r.street_phone, r.community_contact, r.community_phone,
           r.owners_committee_contact, r.owners_committee_phone, r.property_account, p_account
    FROM r
    WHERE r.id IS NULL
    ORDER BY r.ord
    RETURNING compounds.id, compounds.name
),
ins_history AS (
    INSERT INTO compound_history (compound_id, account, field, old_value, new_value)
    SELECT ins.id, p_account, 'created', '', ins.name FROM ins ORDER BY ins.id
),
changes AS MATERIALIZED (
    SELECT c.id, f.o, f.field, f.old_value, f.new_value
    FROM r
    JOIN compounds c ON c.id = r.id
    CROSS JOIN LATERAL (VALUES
        (1, 'name', c.name, r.name),
        (2, 'district', c.district_code, r.district),
        (3, 'street', c.street, r.street),
        (4, 'community', c.community, r.community),
        (5, 'address', c.address, r.address),
        (6, 'households', c.households::text, r.households::text),
        (7, 'buildings', c.buildings::text, r.buildings::text),
        (8, 'management_status', c.management_status, r.management_status),
        (9, 'property_company', c.property_company, r.property_company),
        (10, 'property_manager', c.property_manager, r.property_manager),
        (11, 'property_phone', c.property_phone, r.property_phone),
        (12, 'street_contact', c.street_contact, r.street_contact),
        (13, 'street_phone', c.street_phone, r.street_phone),
        (14, 'community_contact', c.community_contact, r.community_contact),
        (15, 'community_phone', c.community_phone, r.community_phone),
        (16, 'owners_committee_contact', c.owners_committee_contact, r.owners_committee_contact),
        (17, 'owners_committee_phone', c.owners_committee_phone, r.owners_committee_phone),
        (18, 'property_account', coalesce(c.property_account, ''), coalesce(r.property_account, ''))
    ) AS f(o, field, old_value, new_value)
    WHERE f.old_value IS DISTINCT FROM f.new_value
),
upd_history AS (
    INSERT INTO compound_history (compound_id, account, field, old_value, new_value)
    SELECT ch.id, p_account, ch.field, ch.old_value, ch.new_value FROM changes ch ORDER BY ch.id, ch.o
),
upd AS (
    UPDATE compounds c
    SET name = r.name, district_code = r.district, street = r.street, community = r.community,
        address = r.address, households = r.households, buildings = r.buildings,
        management_status = r.management_status, property_company = r.property_company,
        property_manager = r.property_manager, property_phone = r.property_phone,
        street_contact = r.street_contact, street_phone = r.street_phone,
        community_contact = r.community_contact, community_phone = r.community_phone,
        owners_committee_contact = r.owners_committee_contact, owners_committee_phone = r.owners_committee_phone,
        property_account = r.property_account,
        version = c.version + 1, updated_at = now()
    FROM r
    WHERE c.id = r.id AND c.id IN (SELECT ch.id FROM changes ch)
    RETURNING c.id
)
SELECT ins.id, 'created' FROM ins
UNION ALL
SELECT r.id, CASE WHEN u.id IS NULL THEN 'unchanged' ELSE 'updated' END
FROM r LEFT JOIN upd u ON u.id = r.id
WHERE r.id IS NOT NULL
$$;

-- ---------------------------------------------------------------------------
-- The API. Each function: (account name, request JSON) -> reply JSON.
-- ---------------------------------------------------------------------------

-- CompoundAdd -> Compound
CREATE FUNCTION cg_api.compound_add(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'compound.add');
    v_prev jsonb;
    v_rows cg_internal.compound_in[];
    v_id bigint;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'compound_add', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    v_rows := ARRAY(SELECT p FROM cg_internal.compound_parse(jsonb_build_array(jsonb_build_object(
                  'line', 0,
                  'compound', CASE WHEN jsonb_typeof(p_req -> 'compound') = 'object'
                                   THEN (p_req -> 'compound') - 'id' ELSE '{}'::jsonb END))) p);
    PERFORM cg_internal.compound_check_one(a, v_rows, NULL, coalesce((p_req ->> 'force')::boolean, false));
    SELECT w.id INTO v_id FROM cg_internal.compounds_write(a.name, v_rows) w;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.compound_doc(v_id));
END
$$;

-- CompoundUpdate -> Compound
CREATE FUNCTION cg_api.compound_update(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'compound.update');
    v_prev jsonb;
    v_fields text[];
    v_expected bigint;
    cur cg_internal.compound_docs;
    v_merged jsonb;
    v_rows cg_internal.compound_in[];
BEGIN
    v_prev := cg_internal.idem_begin(a, 'compound_update', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;

    v_fields := cg_internal.field_names(p_req, 'an update');
    IF cardinality(v_fields) = 0 THEN
        PERFORM cg_internal.check('fields', cg_internal.missing());
    END IF;
    v_expected := cg_internal.req_int(p_req, 'expected_version');

    cur := cg_internal.compound_target(a, cg_internal.req_int(p_req, 'id'), 'id', 'change');
    PERFORM cg_internal.require_open(cur);
    IF v_expected <> 0 AND v_expected <> cur.version THEN
        PERFORM cg_internal.fail('CG010', 'expected_version',
                                 format('compound %s is at version %s, not %s', cur.id, cur.version, v_expected),
                                 'compound.version_changed',
                                 jsonb_build_object('id', cur.id, 'version', cur.version, 'expected', v_expected));
    END IF;

    -- The current record with the named fields replaced, checked as a whole
    -- row (field problems only for the named fields).
    SELECT cur.doc || coalesce(jsonb_object_agg(f, coalesce(p_req -> 'values' -> f, 'null'::jsonb)), '{}'::jsonb)
    INTO v_merged
    FROM unnest(v_fields) AS f;
    v_rows := ARRAY(SELECT p FROM cg_internal.compound_parse(
                  jsonb_build_array(jsonb_build_object('line', 0, 'compound', v_merged))) p);
    PERFORM cg_internal.compound_check_one(a, v_rows, v_fields, coalesce((p_req ->> 'force')::boolean, false));
    PERFORM cg_internal.compounds_write(a.name, v_rows);
    RETURN cg_internal.idem_end(a, p_req, cg_internal.compound_doc(cur.id));
END
$$;

-- CompoundGet -> Compound
CREATE FUNCTION cg_api.compound_get(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'compound.get');
BEGIN
    RETURN (cg_internal.compound_target(a, cg_internal.req_int(p_req, 'id'), 'id', 'see')).doc;
END
$$;

-- CompoundList -> CompoundListReply
CREATE FUNCTION cg_api.compound_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'compound.list');
    v_unit text := cg_internal.unit_filter(a, p_req ->> 'unit');
    v_district text := cg_internal.district_filter(a, p_req ->> 'district');
    v_entered text := lower(cg_internal.clean(p_req ->> 'entered'));
    v_demo boolean := coalesce((p_req ->> 'demo')::boolean, false);
    v_missing_board boolean := coalesce((p_req ->> 'missing_board')::boolean, false);
    v_incomplete boolean := coalesce((p_req ->> 'incomplete')::boolean, false);
    v_closed boolean := coalesce((p_req ->> 'include_closed')::boolean, false);
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit integer := cg_internal.page_limit(p_req);
    v_result jsonb;
BEGIN
    IF v_entered NOT IN ('', 'yes', 'no') THEN
        PERFORM cg_internal.check('entered', cg_internal.problem('value.not_one_of',
                                 jsonb_build_object('value', left(v_entered, 40), 'allowed', 'yes, no'),
                                 format('must be "", yes or no (got %s)', cg_internal.q(v_entered))));
    END IF;
    WITH page AS (
        SELECT d.id, d.doc, cg_internal.in_page(row_number() OVER (ORDER BY d.id),
                                   sum(octet_length(d.doc::text)) OVER (ORDER BY d.id), v_limit) AS kept
        FROM cg_internal.compound_docs d
        WHERE d.id > v_after
          AND cg_internal.can_see(a, d.unit_code, d.property_account)
          AND (v_closed OR d.closed_on IS NULL)
          AND (v_unit IS NULL OR d.unit_code = v_unit)
          AND (v_district IS NULL OR d.district_code = v_district)
          AND (v_entered = '' OR (d.entered_on IS NOT NULL) = (v_entered = 'yes'))
          AND (NOT v_demo OR d.demo)
          AND (NOT v_missing_board OR d.board_missing)
          AND (NOT v_incomplete OR NOT d.complete)
        ORDER BY d.id
        LIMIT v_limit + 1
    )
    SELECT jsonb_build_object(
               'compounds', coalesce(jsonb_agg(page.doc ORDER BY page.id) FILTER (WHERE page.kept), '[]'::jsonb),
               'next_after_id', CASE WHEN NOT bool_and(page.kept) THEN max(page.id) FILTER (WHERE page.kept) ELSE 0 END)
    INTO v_result
    FROM page;
    RETURN v_result;
END
$$;

-- CompoundHistory -> CompoundHistoryReply
CREATE FUNCTION cg_api.compound_history(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'compound.history');
    v_after bigint := cg_internal.req_int(p_req, 'after_seq');
    v_limit integer := cg_internal.page_limit(p_req);
    cur cg_internal.compound_docs;
    v_result jsonb;
BEGIN
    cur := cg_internal.compound_target(a, cg_internal.req_int(p_req, 'id'), 'id', 'see');
    WITH page AS (
        -- (bytes: the entry's texts and about 120 for its keys and numbers)
        SELECT h.*, cg_internal.in_page(row_number() OVER (ORDER BY h.seq),
                                        sum(octet_length(h.field || h.old_value || h.new_value || h.account
                                                         || h.reason) + 130)
                                            OVER (ORDER BY h.seq), v_limit) AS kept
        FROM compound_history h
        WHERE h.compound_id = cur.id AND h.seq > v_after
        ORDER BY h.seq
        LIMIT v_limit + 1
    )
    SELECT jsonb_build_object(
               'entries', coalesce(jsonb_agg(jsonb_build_object(
                              'seq', page.seq,
                              'at', cg_internal.instant_text(page.at),
                              'account', page.account,
                              'field', page.field,
                              'old_value', page.old_value,
                              'new_value', page.new_value,
                              'reason', page.reason) ORDER BY page.seq) FILTER (WHERE page.kept),
                          '[]'::jsonb),
               'next_after_seq', CASE WHEN NOT bool_and(page.kept) THEN max(page.seq) FILTER (WHERE page.kept) ELSE 0 END)
    INTO v_result
    FROM page;
    RETURN v_result;
END
$$;

-- CompoundImport -> CompoundImportReply. fields names the columns of the
-- file (empty: every editable field): a row with an id changes only those
-- fields of its compound, a row without one creates a compound with those
-- fields and the rest empty (so without name or district each such row is an
-- error). Every row is checked first; any error: CG003 on 'rows' listing
-- "line N: field: reason" (at most 200 lines), nothing applied. Else all rows
-- are applied together. A row of a closed compound that changes nothing
-- counts as unchanged (an export with --closed imports back).
CREATE FUNCTION cg_api.compound_import(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'compound.import');
    v_prev jsonb;
    v_fields text[];
    v_mask text[];
    v_rows cg_internal.compound_in[];
    v_errors text[];
    v_count integer;
    v_result jsonb;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'compound_import', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    IF jsonb_typeof(p_req -> 'rows') IS DISTINCT FROM 'array' OR jsonb_array_length(p_req -> 'rows') = 0 THEN
        PERFORM cg_internal.fail('CG003', 'rows', 'rows: the file has no rows', 'import.empty', '{}');
    END IF;
    -- v_mask: the fields of the file; NULL when it has all of them.
    v_fields := cg_internal.field_names(p_req, 'an import');
    IF cardinality(v_fields) NOT IN (0, cardinality(cg_internal.editable_fields())) THEN
        v_mask := v_fields;
    END IF;

    v_rows := ARRAY(SELECT p FROM cg_internal.compound_parse(p_req -> 'rows', v_mask) p);
    -- Lock the compounds the file updates, in id order, before reading them.
    PERFORM 1 FROM compounds c WHERE c.id IN (SELECT r.id FROM unnest(v_rows) r) ORDER BY c.id FOR NO KEY UPDATE;
    v_rows := cg_internal.compound_fill(a, v_rows, v_mask);

    SELECT array_agg(format('line %s: %s: %s', k.line, k.field, k.problem ->> 'text') ORDER BY k.line, k.ord, k.prio, k.fo),
           count(*)
    INTO v_errors, v_count
    FROM cg_internal.compound_checks(a, v_rows, v_mask, coalesce((p_req ->> 'force')::boolean, false)) k;
    IF v_count > 0 THEN
        PERFORM cg_internal.fail('CG003', 'rows',
            array_to_string(v_errors[1:200], E'\n')
            || CASE WHEN v_count > 200 THEN format(E'\nand %s more errors', v_count - 200) ELSE '' END,
            'import.rows_invalid', jsonb_build_object('count', v_count, 'lines', array_to_string(v_errors[1:200], E'\n')));
    END IF;

    SELECT jsonb_build_object('created', count(*) FILTER (WHERE w.action = 'created'),
                              'updated', count(*) FILTER (WHERE w.action = 'updated'),
                              'unchanged', count(*) FILTER (WHERE w.action = 'unchanged'))
    INTO v_result
    FROM cg_internal.compounds_write(a.name, v_rows) w;
    RETURN cg_internal.idem_end(a, p_req, v_result);
END
$$;

-- CompoundEnter -> Compound (进驻: once, and only with a grid officer)
CREATE FUNCTION cg_api.compound_enter(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'compound.enter');
    v_prev jsonb;
    v_date text := cg_internal.clean(p_req ->> 'date');
    cur cg_internal.compound_docs;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'compound_enter', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('date', cg_internal.date_problem(v_date, true));
    cur := cg_internal.compound_target(a, cg_internal.req_int(p_req, 'id'), 'id', 'change');
    PERFORM cg_internal.require_open(cur);
    IF cur.entered_on IS NOT NULL THEN
        PERFORM cg_internal.fail('CG009', NULL, format('compound %s was already entered on %s',
                                                       cur.id, cg_internal.date_text(cur.entered_on)),
                                 'compound.already_entered',
                                 jsonb_build_object('id', cur.id, 'date', cg_internal.date_text(cur.entered_on)));
    END IF;
    IF cur.grid_officer_id IS NULL THEN
        PERFORM cg_internal.fail('CG009', NULL, 'assign a grid officer before entering',
                                 'compound.no_grid_officer', jsonb_build_object('id', cur.id));
    END IF;
    PERFORM cg_internal.log_changes(cur.id, a.name, jsonb_build_array(jsonb_build_array('entered_on', '', v_date)));
    UPDATE compounds SET entered_on = cg_internal.date_of(v_date), version = version + 1, updated_at = now()
    WHERE id = cur.id;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.compound_doc(cur.id));
END
$$;

-- CompoundCorrectEntry -> Compound: the entry date of an entered compound,
-- mistyped, corrected with a reason (the history keeps old, new and why).
-- Not later than the first patrol that counts (patrols start after entry).
CREATE FUNCTION cg_api.compound_correct_entry(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'compound.correct_entry');
    v_prev jsonb;
    v_date text := cg_internal.clean(p_req ->> 'date');
    v_reason text := cg_internal.clean(p_req ->> 'reason');
    cur cg_internal.compound_docs;
    v_patrol bigint;
    v_start timestamptz;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'compound_correct_entry', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('date', cg_internal.date_problem(v_date, true));
    PERFORM cg_internal.check('reason', cg_internal.text_problem(v_reason, 500, true, true));
    cur := cg_internal.compound_target(a, cg_internal.req_int(p_req, 'id'), 'id', 'change');
    PERFORM cg_internal.require_open(cur);
    IF cur.entered_on IS NULL THEN
        PERFORM cg_internal.fail('CG009', 'id', format('compound %s has not been entered', cur.id),
                                 'compound.not_entered', jsonb_build_object('id', cur.id));
    END IF;
    SELECT p.id, p.start_at INTO v_patrol, v_start FROM cg_internal.patrols_live p
    WHERE p.compound_id = cur.id AND (p.start_at AT TIME ZONE 'Asia/Shanghai')::date < cg_internal.date_of(v_date)
    ORDER BY p.start_at, p.id LIMIT 1;
    IF FOUND THEN
        PERFORM cg_internal.fail('CG009', 'date', format('date: patrol %s of compound %s started on %s, before %s',
                                                         v_patrol, cur.id,
                                                         to_char(v_start AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), v_date),
                                 'compound.patrol_before_entry',
                                 jsonb_build_object('field', 'date', 'id', cur.id, 'patrol_id', v_patrol,
                                                    'start', cg_internal.instant_text(v_start), 'date', v_date));
    END IF;
    IF cg_internal.log_changes(cur.id, a.name, jsonb_build_array(
           jsonb_build_array('entered_on', cg_internal.date_text(cur.entered_on), v_date)), v_reason) > 0 THEN
        UPDATE compounds SET entered_on = cg_internal.date_of(v_date), version = version + 1, updated_at = now()
        WHERE id = cur.id;
    END IF;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.compound_doc(cur.id));
END
$$;

-- CompoundClose -> Compound (a compound that no longer exists)
CREATE FUNCTION cg_api.compound_close(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'compound.close');
    v_prev jsonb;
    v_date text := cg_internal.clean(p_req ->> 'date');
    v_reason text := cg_internal.clean(p_req ->> 'reason');
    cur cg_internal.compound_docs;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'compound_close', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('date', cg_internal.date_problem(v_date, true));
    PERFORM cg_internal.check('reason', cg_internal.text_problem(v_reason, 500, false, true));
    cur := cg_internal.compound_target(a, cg_internal.req_int(p_req, 'id'), 'id', 'change');
    PERFORM cg_internal.require_open(cur);
    PERFORM cg_internal.log_changes(cur.id, a.name, jsonb_build_array(
        jsonb_build_array('closed_on', '', v_date),
        jsonb_build_array('close_reason', '', v_reason)));
    UPDATE compounds SET closed_on = cg_internal.date_of(v_date), close_reason = v_reason,
                         version = version + 1, updated_at = now()
    WHERE id = cur.id;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.compound_doc(cur.id));
END
$$;

-- CompoundDemo -> Compound (示范小区: hq and supervision only)
CREATE FUNCTION cg_api.compound_demo(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'compound.demo');
    v_prev jsonb;
    v_demo boolean := coalesce((p_req ->> 'demo')::boolean, false);
    cur cg_internal.compound_docs;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'compound_demo', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    cur := cg_internal.compound_target(a, cg_internal.req_int(p_req, 'id'), 'id', 'demo');
    PERFORM cg_internal.require_open(cur);
    IF cg_internal.log_changes(cur.id, a.name, jsonb_build_array(
           jsonb_build_array('demo', cur.demo::text, v_demo::text))) > 0 THEN
        UPDATE compounds SET demo = v_demo, version = version + 1, updated_at = now() WHERE id = cur.id;
    END IF;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.compound_doc(cur.id));
END
$$;

-- BoardSet -> Compound (公示牌: all four values required)
CREATE FUNCTION cg_api.board_set(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'board.set');
    v_prev jsonb;
    v_installed text := cg_internal.clean(p_req ->> 'installed_on');
    v_duties text := cg_internal.clean(p_req ->> 'duties');
    v_contact text := cg_internal.clean(p_req ->> 'contact_phone');
    v_supervision text := cg_internal.clean(p_req ->> 'supervision_phone');
    cur cg_internal.compound_docs;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'board_set', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('installed_on', cg_internal.date_problem(v_installed, true));
    PERFORM cg_internal.check('duties', cg_internal.text_problem(v_duties, 500, true, true));
    PERFORM cg_internal.check('contact_phone', cg_internal.phone_problem(v_contact, true));
    PERFORM cg_internal.check('supervision_phone', cg_internal.phone_problem(v_supervision, true));
    cur := cg_internal.compound_target(a, cg_internal.req_int(p_req, 'compound_id'), 'compound_id', 'change');
    PERFORM cg_internal.require_open(cur);
    IF cg_internal.log_changes(cur.id, a.name, jsonb_build_array(
           jsonb_build_array('board_installed_on', cur.doc ->> 'board_installed_on', v_installed),
           jsonb_build_array('board_duties', cur.doc ->> 'board_duties', v_duties),
           jsonb_build_array('board_contact_phone', cur.doc ->> 'board_contact_phone', v_contact),
           jsonb_build_array('board_supervision_phone', cur.doc ->> 'board_supervision_phone', v_supervision))) > 0 THEN
        UPDATE compounds SET board_installed_on = cg_internal.date_of(v_installed), board_duties = v_duties,
                             board_contact_phone = v_contact, board_supervision_phone = v_supervision,
                             version = version + 1, updated_at = now()
        WHERE id = cur.id;
    END IF;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.compound_doc(cur.id));
END
$$;

-- OfficerAdd -> Officer
CREATE FUNCTION cg_api.officer_add(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'officer.add');
    v_prev jsonb;
    o jsonb := CASE WHEN jsonb_typeof(p_req -> 'officer') = 'object' THEN p_req -> 'officer' ELSE '{}'::jsonb END;
    v_name text := cg_internal.clean(o ->> 'name');
    v_unit_in text := cg_internal.clean(o ->> 'unit');
    v_phone text := cg_internal.clean(o ->> 'phone');
    v_badge text := cg_internal.clean(o ->> 'badge');
    v_unit units;
    v_other bigint;
    v_other_unit text;
    v_id bigint;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'officer_add', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('name', cg_internal.text_problem(v_name, 100, true, false));
    -- A unit account adds to its own unit when it names none.
    IF v_unit_in = '' AND a.role = 'unit' THEN
        v_unit_in := a.unit_code;
    END IF;
    PERFORM cg_internal.check('unit', CASE WHEN v_unit_in = '' THEN cg_internal.missing() END);
    SELECT * INTO v_unit FROM units WHERE code = cg_internal.unit_code_of(v_unit_in);
    IF NOT FOUND THEN
        PERFORM cg_internal.fail('CG003', 'unit', format('unit: unknown unit %s', cg_internal.q(v_unit_in)),
                                 'unit.unknown', jsonb_build_object('field', 'unit', 'value', left(v_unit_in, 40)));
    END IF;
    IF v_unit.kind NOT IN ('district_unit', 'detachment') THEN
        PERFORM cg_internal.fail('CG003', 'unit', format('unit: unit %s has no enforcement officers', v_unit.code),
                                 'unit.no_officers', jsonb_build_object('field', 'unit', 'unit', v_unit.code));
    END IF;
    PERFORM cg_internal.check('phone', cg_internal.phone_problem(v_phone, true));
    PERFORM cg_internal.check('badge', cg_internal.text_problem(v_badge, 50, false, false));
    IF NOT cg_internal.can_change(a, v_unit.code) THEN
        PERFORM cg_internal.fail('CG007', 'unit', format('unit %s is outside your scope', v_unit.code),
                                 'unit.out_of_scope', jsonb_build_object('unit', v_unit.code));
    END IF;
    -- The same person twice: the same name and phone (spaces and dashes
    -- aside) in the unit. The unit's row is locked so that two such
    -- requests at once cannot both pass.
    PERFORM 1 FROM units WHERE code = v_unit.code FOR NO KEY UPDATE;
    SELECT id INTO v_other FROM officers
    WHERE unit_code = v_unit.code AND name = v_name
      AND regexp_replace(phone, '[ -]', '', 'g') = regexp_replace(v_phone, '[ -]', '', 'g')
    ORDER BY id LIMIT 1;
    IF FOUND THEN
        PERFORM cg_internal.fail('CG006', 'name', format('officer %s with phone %s is already in unit %s (id %s)',
                                                         cg_internal.q(v_name), v_phone, v_unit.code, v_other),
                                 'officer.exists',
                                 jsonb_build_object('id', v_other, 'name', v_name, 'phone', v_phone, 'unit', v_unit.code));
    END IF;
    IF v_badge <> '' THEN
        SELECT id, unit_code INTO v_other, v_other_unit FROM officers WHERE badge = v_badge;
        IF FOUND THEN
            PERFORM cg_internal.fail('CG006', 'badge', format('badge %s is already taken%s', cg_internal.q(v_badge),
                CASE WHEN cg_internal.officer_visible(a, v_other_unit) THEN format(' by officer %s', v_other) END),
                'officer.badge_taken',
                jsonb_build_object('badge', v_badge)
                || CASE WHEN cg_internal.officer_visible(a, v_other_unit) THEN jsonb_build_object('id', v_other) ELSE '{}' END);
        END IF;
    END IF;
    INSERT INTO officers (name, unit_code, phone, badge, created_by)
    VALUES (v_name, v_unit.code, v_phone, v_badge, a.name)
    RETURNING id INTO v_id;
    RETURN cg_internal.idem_end(a, p_req, (SELECT d.doc FROM cg_internal.officer_docs d WHERE d.id = v_id));
END
$$;

-- OfficerList -> OfficerListReply
CREATE FUNCTION cg_api.officer_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'officer.list');
    v_unit text;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    RETURN jsonb_build_object('officers', coalesce((
        SELECT jsonb_agg(d.doc ORDER BY d.id)
        FROM cg_internal.officer_docs d
        WHERE (a.role <> 'unit' OR d.unit_code = a.unit_code)
          AND (v_unit IS NULL OR d.unit_code = v_unit)), '[]'::jsonb));
END
$$;

-- GridAssign -> Compound. With since, back-dated: not before the day of
-- the assignment before (the history stays in order); the current officer
-- again with since corrects that day. Both kept in the history with reason.
CREATE FUNCTION cg_api.grid_assign(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'grid.assign');
    v_prev jsonb;
    v_officer_id bigint := cg_internal.req_int(p_req, 'officer_id');
    v_since_in text := cg_internal.clean(p_req ->> 'since');
    v_reason text := cg_internal.clean(p_req ->> 'reason');
    v_since date;
    cur cg_internal.compound_docs;
    g cg_internal.grid_current;
    v_floor date;
    o officers;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'grid_assign', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('since', cg_internal.date_problem(v_since_in, false));
    PERFORM cg_internal.check('reason', cg_internal.text_problem(v_reason, 500, false, true));
    cur := cg_internal.compound_target(a, cg_internal.req_int(p_req, 'compound_id'), 'compound_id', 'change');
    PERFORM cg_internal.require_open(cur);
    PERFORM cg_internal.check('officer_id', CASE WHEN v_officer_id = 0 THEN cg_internal.missing() END);
    o := cg_internal.officer_for(a, v_officer_id, cur.unit_code, 'officer_id');
    SELECT * INTO g FROM cg_internal.grid_current WHERE compound_id = cur.id;
    IF v_since_in = '' THEN
        IF g.officer_id IS NOT DISTINCT FROM o.id THEN
            RETURN cg_internal.idem_end(a, p_req, cg_internal.compound_doc(cur.id));
        END IF;
    ELSE
        v_since := cg_internal.date_of(v_since_in);
        -- the earliest day allowed: that of the assignment this one follows,
        -- the current one's for a new officer, the previous officer's for a
        -- correction of the current one's day
        IF g.officer_id IS DISTINCT FROM o.id THEN
            v_floor := g.since;
        ELSE
            SELECT coalesce(ga.since, (ga.assigned_at AT TIME ZONE 'Asia/Shanghai')::date) INTO v_floor
            FROM grid_assignments ga
            WHERE ga.compound_id = cur.id AND ga.id < g.id AND ga.officer_id <> o.id
            ORDER BY ga.id DESC LIMIT 1;
        END IF;
        IF v_since < v_floor THEN
            PERFORM cg_internal.fail('CG009', 'since', format('since: %s is before the previous assignment (%s)',
                                                              v_since_in, cg_internal.date_text(v_floor)),
                                     'grid.since_before_previous',
                                     jsonb_build_object('field', 'since', 'since', v_since_in,
                                                        'date', cg_internal.date_text(v_floor)));
        END IF;
        IF g.officer_id IS NOT DISTINCT FROM o.id AND g.since = v_since THEN
            RETURN cg_internal.idem_end(a, p_req, cg_internal.compound_doc(cur.id));
        END IF;
    END IF;
    INSERT INTO grid_assignments (compound_id, officer_id, assigned_by, since)
    VALUES (cur.id, o.id, a.name, v_since);
    PERFORM cg_internal.log_changes(cur.id, a.name, jsonb_build_array(
        jsonb_build_array(
            'grid_officer',
            CASE WHEN g.officer_id IS NULL THEN '' ELSE format('%s (%s)', cur.grid_officer_name, g.officer_id) END,
            format('%s (%s)', o.name, o.id)),
        jsonb_build_array('grid_officer_since',
                          CASE WHEN g.officer_id = o.id THEN cg_internal.date_text(g.since) ELSE '' END,
                          coalesce(v_since_in, ''))), v_reason);
    UPDATE compounds SET version = version + 1, updated_at = now() WHERE id = cur.id;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.compound_doc(cur.id));
END
$$;

-- GridShow -> GridShowReply: each officer in scope with the open compounds
-- on their grid (one entry with compound_id 0 for an officer without any).
CREATE FUNCTION cg_api.grid_show(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'grid.show');
    v_unit text;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    RETURN jsonb_build_object('entries', coalesce((
        SELECT jsonb_agg(jsonb_build_object(
                   'officer_id', o.id,
                   'officer_name', o.name,
                   'officer_phone', o.phone,
                   'unit', o.unit_code,
                   'compound_id', coalesce(g.compound_id, 0),
                   'compound_name', coalesce(g.compound_name, ''),
                   'assigned_at', cg_internal.instant_text(g.assigned_at),
                   'since', cg_internal.date_text(g.since))
                   ORDER BY o.id, g.compound_id)
        FROM officers o
        LEFT JOIN (SELECT gc.officer_id, gc.compound_id, gc.assigned_at, gc.since, c.name AS compound_name
                   FROM cg_internal.grid_current gc
                   JOIN compounds c ON c.id = gc.compound_id AND c.closed_on IS NULL) g ON g.officer_id = o.id
        WHERE (a.role <> 'unit' OR o.unit_code = a.unit_code)
          AND (v_unit IS NULL OR o.unit_code = v_unit)), '[]'::jsonb));
END
$$;

-- PublicityRecord -> Publicity
CREATE FUNCTION cg_api.publicity_record(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'publicity.record');
    v_prev jsonb;
    v_date text := cg_internal.clean(p_req ->> 'date');
    v_notices bigint := cg_internal.req_int(p_req, 'notices');
    v_letters bigint := cg_internal.req_int(p_req, 'letters');
    v_note text := cg_internal.clean(p_req ->> 'note');
    cur cg_internal.compound_docs;
    v_id bigint;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'publicity_record', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('date', cg_internal.date_problem(v_date, true));
    PERFORM cg_internal.check('notices', cg_internal.range_problem(v_notices, 0, 2147483647));
    PERFORM cg_internal.check('letters', cg_internal.range_problem(v_letters, 0, 2147483647));
    PERFORM cg_internal.check('notices', CASE WHEN v_notices = 0 AND v_letters = 0
        THEN cg_internal.problem('publicity.nothing', '{}', 'notices and letters are both 0: nothing was delivered') END);
    PERFORM cg_internal.check('note', cg_internal.text_problem(v_note, 1000, false, true));
    cur := cg_internal.compound_target(a, cg_internal.req_int(p_req, 'compound_id'), 'compound_id', 'change');
    PERFORM cg_internal.require_open(cur);
    INSERT INTO publicity (compound_id, date, notices, letters, note, recorded_by)
    VALUES (cur.id, cg_internal.date_of(v_date), v_notices, v_letters, v_note, a.name)
    RETURNING id INTO v_id;
    RETURN cg_internal.idem_end(a, p_req, (SELECT d.doc FROM cg_internal.publicity_docs d WHERE d.id = v_id));
END
$$;

-- PublicityList -> PublicityListReply, ordered by date, then id, with how
-- many are dated outside the publicity phase.
CREATE FUNCTION cg_api.publicity_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'publicity.list');
    v_compound bigint := cg_internal.req_int(p_req, 'compound_id');
    v_unit text;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    IF v_compound <> 0 THEN
        PERFORM cg_internal.compound_target(a, v_compound, 'compound_id', 'see');
    END IF;
    RETURN (SELECT jsonb_build_object('records', coalesce(jsonb_agg(d.doc ORDER BY d.date, d.id), '[]'::jsonb),
                                      'outside_phase', count(*) FILTER (WHERE d.outside_phase))
            FROM cg_internal.publicity_docs d
            WHERE cg_internal.can_see(a, d.unit_code, d.property_account)
              AND (v_compound = 0 OR d.compound_id = v_compound)
              AND (v_unit IS NULL OR d.unit_code = v_unit));
END
$$;

-- LedgerSummary -> LedgerSummaryReply: per district unit in scope, over
-- open compounds, and a total row (unit '', unit_name '合计').
CREATE FUNCTION cg_api.ledger_summary(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'ledger.summary');
    v_unit text;
    v_result jsonb;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    IF v_unit IS NOT NULL AND NOT EXISTS (SELECT 1 FROM districts WHERE unit_code = v_unit) THEN
        PERFORM cg_internal.fail('CG003', 'unit', format('unit: unit %s covers no district', v_unit),
                                 'unit.no_district', jsonb_build_object('field', 'unit', 'unit', v_unit));
    END IF;
    WITH per_unit AS (
        SELECT u.code, u.name_zh,
               count(c.id)::integer AS compounds,
               count(c.entered_on)::integer AS entered,
               (count(*) FILTER (WHERE c.id IS NOT NULL AND NOT c.board_missing))::integer AS with_board,
               (count(*) FILTER (WHERE c.complete))::integer AS complete,
               (count(*) FILTER (WHERE c.demo))::integer AS demo
        FROM units u
        JOIN districts d ON d.unit_code = u.code
        LEFT JOIN cg_internal.compound_docs c ON c.district_code = d.code AND c.closed_on IS NULL
        WHERE (a.role <> 'unit' OR u.code = a.unit_code)
          AND (v_unit IS NULL OR u.code = v_unit)
        GROUP BY u.code, u.name_zh
    ),
    all_rows AS (
        SELECT 0 AS total, code, name_zh, compounds, entered, with_board, complete, demo FROM per_unit
        UNION ALL
        SELECT 1, '', '合计', coalesce(sum(compounds), 0)::integer, coalesce(sum(entered), 0)::integer,
               coalesce(sum(with_board), 0)::integer, coalesce(sum(complete), 0)::integer,
               coalesce(sum(demo), 0)::integer
        FROM per_unit
    ),
    docs AS (
        SELECT total, code,
               jsonb_build_object(
                   'unit', code,
                   'unit_name', name_zh,
                   'compounds', compounds,
                   'entered', entered,
                   'with_board', with_board,
                   'complete', complete,
                   'demo', demo,
                   'entered_share', CASE WHEN compounds = 0 THEN 0 ELSE entered::float8 / compounds END,
                   'board_share', CASE WHEN compounds = 0 THEN 0 ELSE with_board::float8 / compounds END,
                   'complete_share', CASE WHEN compounds = 0 THEN 0 ELSE complete::float8 / compounds END) AS doc
        FROM all_rows
    )
    SELECT jsonb_build_object(
               'units', coalesce(jsonb_agg(doc ORDER BY code) FILTER (WHERE total = 0), '[]'::jsonb),
               'total', (array_agg(doc) FILTER (WHERE total = 1))[1])
    INTO v_result
    FROM docs;
    RETURN v_result;
END
$$;
