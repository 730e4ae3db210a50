-- A report on a compound with nobody to call (no grid officer, or not
-- entered) is accepted, but says so from the start: why, as filed.

ALTER TABLE reports ADD COLUMN nobody_to_call text NOT NULL DEFAULT ''
    CHECK (nobody_to_call IN ('', 'no_grid_officer', 'not_entered'));
COMMENT ON COLUMN reports.nobody_to_call IS 'Why nobody could be called when it was filed: no_grid_officer, not_entered; '''' when the grid officer could.';
