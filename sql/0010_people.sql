-- Step 5 (issue 11): the people in the loop. Accounts bound to an officer
-- (role officer: it sees its unit's compounds and gets the events of the
-- compounds where it is the grid officer) and the leaders of a unit (role
-- unit_leader: escalations and supervision orders); accounts are added and
-- disabled by hq with a request, with who and why kept on the row.

ALTER TABLE accounts DROP CONSTRAINT accounts_role_check;
ALTER TABLE accounts DROP CONSTRAINT accounts_check;
ALTER TABLE accounts
    ADD COLUMN officer_id     bigint REFERENCES officers (id),
    ADD COLUMN created_by     text REFERENCES accounts (name),
    ADD COLUMN disabled_by    text REFERENCES accounts (name),
    ADD COLUMN disable_reason text NOT NULL DEFAULT '' CHECK (length(disable_reason) <= 500),
    ADD CONSTRAINT accounts_role_check
        CHECK (role IN ('hq', 'supervision', 'section', 'unit', 'property', 'integration', 'officer', 'unit_leader')),
    -- The roles of a unit have one; property companies and other systems none.
    ADD CONSTRAINT accounts_unit_check
        CHECK (CASE WHEN role IN ('unit', 'section', 'officer', 'unit_leader') THEN unit_code IS NOT NULL
                    WHEN role IN ('property', 'integration') THEN unit_code IS NULL
                    ELSE true END),
    ADD CONSTRAINT accounts_officer_check CHECK ((role = 'officer') = (officer_id IS NOT NULL)),
    ADD CONSTRAINT accounts_disabled_check CHECK (disabled_at IS NOT NULL OR disabled_by IS NULL);
-- One enabled account per officer.
CREATE UNIQUE INDEX accounts_officer_key ON accounts (officer_id) WHERE officer_id IS NOT NULL AND disabled_at IS NULL;

-- Who an event is also for, beyond its unit and its property company: the
-- grid officer of its report (officer_id), the unit's leaders (leaders:
-- escalations, reminders and supervision orders) and the hotline account
-- that filed the item (filer). Fixed once written, like the rest of the row.
ALTER TABLE events
    ADD COLUMN officer_id bigint REFERENCES officers (id),
    ADD COLUMN leaders    boolean NOT NULL DEFAULT false,
    ADD COLUMN filer      text REFERENCES accounts (name);
CREATE TRIGGER events_audience_fixed BEFORE UPDATE ON events
    FOR EACH ROW
    WHEN (NEW.officer_id IS DISTINCT FROM OLD.officer_id OR NEW.leaders IS DISTINCT FROM OLD.leaders
          OR NEW.filer IS DISTINCT FROM OLD.filer)
    EXECUTE FUNCTION cg_internal.refuse_change('an event''s audience never changes');
