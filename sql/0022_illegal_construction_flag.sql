-- Step 5 (issue 11): reports and patrol findings carry the
-- illegal-construction flag (违法搭建) that cases have (0011_cases.sql), only
-- with category 2, so that a new illegal construction is counted from the
-- first time anyone saw it. A case opened from a flagged report or finding
-- of category 2 is flagged too (cg_api.case_open).
ALTER TABLE reports
    ADD COLUMN illegal_construction boolean NOT NULL DEFAULT false CHECK (NOT illegal_construction OR category = 2);
ALTER TABLE patrol_findings
    ADD COLUMN illegal_construction boolean NOT NULL DEFAULT false CHECK (NOT illegal_construction OR category = 2);
COMMENT ON COLUMN reports.illegal_construction IS 'Illegal construction (违法搭建); category 2 only.';
COMMENT ON COLUMN patrol_findings.illegal_construction IS 'Illegal construction (违法搭建); category 2 only.';
