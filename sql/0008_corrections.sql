-- Corrections with history: a clerk corrects a mistyped record with a
-- reason, and nothing is deleted or edited without a trace.
--   - the entry date of a compound and a back-dated grid assignment are
--     changes of the ledger: compound_history says who, when, old and new,
--     and now why (reason);
--   - a grid assignment may say since when the officer has had the compound
--     (since; NULL: from when it was recorded);
--   - a patrol or a resident's request is voided, never deleted: one void
--     row each, append-only. Voided records count in no figure.

ALTER TABLE compound_history ADD COLUMN reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 500);

ALTER TABLE grid_assignments ADD COLUMN since date;
COMMENT ON COLUMN grid_assignments.since IS 'The day the officer took over, when the clerk gave one (back-dated); NULL: the day it was recorded.';

CREATE TABLE patrol_voids (
    patrol_id  bigint PRIMARY KEY REFERENCES patrols (id),
    reason     text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    voided_by  text NOT NULL REFERENCES accounts (name),
    voided_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE patrol_voids IS 'Patrols voided (作废) with the reason: they stay readable and count in no figure. Append-only.';

CREATE TABLE request_voids (
    request_id  bigint PRIMARY KEY REFERENCES resident_requests (id),
    reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    voided_by   text NOT NULL REFERENCES accounts (name),
    voided_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE request_voids IS 'Residents'' requests voided (作废) with the reason: they stay readable and count in no figure. Append-only.';

CREATE TRIGGER patrol_voids_append_only BEFORE UPDATE OR DELETE ON patrol_voids
    FOR EACH ROW EXECUTE FUNCTION cg_internal.refuse_change('voids are append-only');
CREATE TRIGGER patrol_voids_no_truncate BEFORE TRUNCATE ON patrol_voids
    FOR EACH STATEMENT EXECUTE FUNCTION cg_internal.refuse_change('voids are append-only');
CREATE TRIGGER request_voids_append_only BEFORE UPDATE OR DELETE ON request_voids
    FOR EACH ROW EXECUTE FUNCTION cg_internal.refuse_change('voids are append-only');
CREATE TRIGGER request_voids_no_truncate BEFORE TRUNCATE ON request_voids
    FOR EACH STATEMENT EXECUTE FUNCTION cg_internal.refuse_change('voids are append-only');
