-- Step 5: enforcement cases (行政处罚案件). A case is opened on a compound,
-- from a patrol finding, a report, a resident's request or directly, and
-- moves through the workflow
--   registered -> investigating -> decided -> rectifying -> verified -> closed
--   registered -> rejected; registered | investigating -> transferred
-- with a verification before closing, rework when a verification fails or a
-- closed case is reopened. The contract is proto/chengguan/v1/cases.proto;
-- the functions are sql/api/cases.sql.
--
-- Every step is a row of case_timeline (append-only) with the time it
-- happened (at, which a clerk entering paper records later gives) and the
-- time it was recorded; the cases row holds where the case stands, with a
-- version that grows by one with every step.

CREATE TABLE cases (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    compound_id          bigint NOT NULL REFERENCES compounds (id),
    unit_code            text NOT NULL REFERENCES units (code),     -- the compound's unit when opened
    category             smallint NOT NULL REFERENCES violation_categories (code),
    illegal_construction boolean NOT NULL DEFAULT false CHECK (NOT illegal_construction OR category = 2),
    source               text NOT NULL CHECK (source IN ('patrol', 'report', 'request', 'hotline', 'supervision',
                                                         'co_construction_day')),
    finding_id           bigint UNIQUE REFERENCES patrol_findings (id),
    report_id            bigint UNIQUE REFERENCES reports (id),
    request_id           bigint UNIQUE REFERENCES resident_requests (id),
    summary              text NOT NULL CHECK (length(summary) BETWEEN 1 AND 2000),
    location             text NOT NULL DEFAULT '' CHECK (length(location) <= 200),
    party                text NOT NULL DEFAULT '' CHECK (length(party) <= 200),
    -- Who may read its state besides the unit and the bureau: the property
    -- company of its report, the account that filed its request (the hotline).
    filer_account        text REFERENCES accounts (name),
    opened_by            text NOT NULL REFERENCES accounts (name),
    registered_at        timestamptz NOT NULL,
    state                text NOT NULL DEFAULT 'registered'
                         CHECK (state IN ('registered', 'investigating', 'decided', 'rectifying', 'verified',
                                          'closed', 'rejected', 'transferred')),
    state_at             timestamptz NOT NULL,           -- when the current state began
    version              integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    rework               integer NOT NULL DEFAULT 0 CHECK (rework >= 0),
    CHECK (num_nonnulls(finding_id, report_id, request_id) <= 1),
    CHECK (state_at >= registered_at)
);
COMMENT ON TABLE cases IS 'Enforcement cases (行政处罚案件) and where each stands; every step is in case_timeline. Never deleted; what was opened never changes.';
CREATE INDEX cases_unit_idx ON cases (unit_code, id);
CREATE INDEX cases_compound_idx ON cases (compound_id, id);
CREATE INDEX cases_filer_idx ON cases (filer_account, id) WHERE filer_account IS NOT NULL;

CREATE TABLE case_timeline (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES cases (id),
    version      integer NOT NULL,                  -- the case's version after this step
    kind         text NOT NULL CHECK (kind IN ('opened', 'moved', 'verified', 'reopened')),
    from_state   text NOT NULL DEFAULT '',
    to_state     text NOT NULL,
    at           timestamptz NOT NULL,              -- when it happened
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    account      text NOT NULL REFERENCES accounts (name),
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    penalty      text[] NOT NULL DEFAULT '{}'
                 CHECK (penalty <@ ARRAY['warning', 'fine', 'rectify', 'demolish']),
    fine_yuan    numeric(14, 2) CHECK (fine_yuan > 0),
    deadline     date,
    department   text NOT NULL DEFAULT '' CHECK (length(department) <= 200),
    passed       boolean,                           -- a verification's result
    officer_id   bigint REFERENCES officers (id),   -- a verification: who checked
    rework       boolean NOT NULL DEFAULT false,    -- a failed verification or a reopening
    UNIQUE (case_id, version),
    CHECK ((fine_yuan IS NOT NULL) = ('fine' = ANY (penalty))),
    CHECK ((kind = 'verified') = (passed IS NOT NULL) AND (passed IS NULL) = (officer_id IS NULL)),
    CHECK (at <= recorded_at)
);
COMMENT ON TABLE case_timeline IS 'Every step of a case: opened, moved (with a decision, a transfer, a rejection), verified, reopened. Append-only.';

CREATE TRIGGER case_timeline_append_only BEFORE UPDATE OR DELETE ON case_timeline
    FOR EACH ROW EXECUTE FUNCTION cg_internal.refuse_change('the case timeline is append-only');
CREATE TRIGGER case_timeline_no_truncate BEFORE TRUNCATE ON case_timeline
    FOR EACH STATEMENT EXECUTE FUNCTION cg_internal.refuse_change('the case timeline is append-only');
CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION cg_internal.refuse_change('cases are never deleted');
CREATE TRIGGER cases_no_truncate BEFORE TRUNCATE ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION cg_internal.refuse_change('cases are never deleted');

-- What was opened never changes; each change is one step (version + 1).
CREATE FUNCTION cg_internal.cases_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.compound_id, NEW.unit_code, NEW.category, NEW.illegal_construction, NEW.source, NEW.finding_id,
        NEW.report_id, NEW.request_id, NEW.summary, NEW.location, NEW.party, NEW.filer_account, NEW.opened_by,
        NEW.registered_at)
       IS DISTINCT FROM
       (OLD.id, OLD.compound_id, OLD.unit_code, OLD.category, OLD.illegal_construction, OLD.source, OLD.finding_id,
        OLD.report_id, OLD.request_id, OLD.summary, OLD.location, OLD.party, OLD.filer_account, OLD.opened_by,
        OLD.registered_at)
       OR NEW.version <> OLD.version + 1 OR NEW.rework < OLD.rework THEN
        RAISE EXCEPTION 'UPDATE on cases refused: what was opened never changes, and each step adds one version (case %)',
            OLD.id;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER cases_one_step BEFORE UPDATE ON cases
    FOR EACH ROW EXECUTE FUNCTION cg_internal.cases_guard();

-- A report links to the case opened from it (the case links back).
ALTER TABLE reports ADD COLUMN case_id bigint REFERENCES cases (id);
