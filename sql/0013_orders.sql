-- Step 5 (issue 11): supervision orders (督办/催办). Supervision orders a
-- unit to act on a report or a case by a deadline; the order is pushed to the
-- unit and its leaders (events order.issued / order.answered) and shows in
-- the record's timeline; the unit (or one of its officers) answers it once.
-- Nothing is deleted; an order changes once, when it is answered.

CREATE TABLE supervision_orders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   bigint REFERENCES reports (id),
    case_id     bigint REFERENCES cases (id),
    unit_code   text NOT NULL REFERENCES units (code),        -- the record's unit when issued
    compound_id bigint NOT NULL REFERENCES compounds (id),
    text        text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    deadline    date NOT NULL,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    issued_by   text NOT NULL REFERENCES accounts (name),
    answer      text NOT NULL DEFAULT '' CHECK (length(answer) <= 2000),
    answered_at timestamptz,
    answered_by text REFERENCES accounts (name),
    CHECK ((report_id IS NULL) <> (case_id IS NULL)),
    CHECK ((answered_at IS NULL) = (answered_by IS NULL) AND (answered_at IS NULL) = (answer = ''))
);
COMMENT ON TABLE supervision_orders IS 'Supervision orders (督办) on a report or a case; answered once, never deleted.';
CREATE INDEX supervision_orders_report_idx ON supervision_orders (report_id) WHERE report_id IS NOT NULL;
CREATE INDEX supervision_orders_case_idx ON supervision_orders (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX supervision_orders_open_idx ON supervision_orders (unit_code, deadline) WHERE answered_at IS NULL;

CREATE TRIGGER supervision_orders_no_delete BEFORE DELETE ON supervision_orders
    FOR EACH ROW EXECUTE FUNCTION cg_internal.refuse_change('supervision orders are never deleted');
CREATE TRIGGER supervision_orders_no_truncate BEFORE TRUNCATE ON supervision_orders
    FOR EACH STATEMENT EXECUTE FUNCTION cg_internal.refuse_change('supervision orders are never deleted');
-- What was ordered never changes; the answer is written once.
CREATE TRIGGER supervision_orders_fixed BEFORE UPDATE ON supervision_orders
    FOR EACH ROW
    WHEN (NEW.report_id IS DISTINCT FROM OLD.report_id OR NEW.case_id IS DISTINCT FROM OLD.case_id
          OR NEW.unit_code IS DISTINCT FROM OLD.unit_code OR NEW.compound_id IS DISTINCT FROM OLD.compound_id
          OR NEW.text IS DISTINCT FROM OLD.text OR NEW.deadline IS DISTINCT FROM OLD.deadline
          OR NEW.issued_at IS DISTINCT FROM OLD.issued_at OR NEW.issued_by IS DISTINCT FROM OLD.issued_by
          OR OLD.answered_at IS NOT NULL)
    EXECUTE FUNCTION cg_internal.refuse_change('an order changes only once, when it is answered');
