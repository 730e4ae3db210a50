-- Step 8 (issue 14): the overlap checks of a patrol submit
-- (cg_api.patrol_submit) find the patrols that overlap the new one by their
-- end, which lies within a day of the new one's span (a patrol lasts at most
-- 24 hours): a range of this index, where they read every patrol of the
-- compound (the same officers) or of the city (an officer already on patrol).
CREATE INDEX patrols_end_idx ON patrols (end_at);
