
-- Appended to a copy of sql/api/core.sql by tests/CMakeLists.txt: the
-- chengguand built with that copy shows test_migrate that an edited API file
-- is re-applied, and that what only the edit made is gone once the original
-- set is applied again.
CREATE FUNCTION cg_internal.edited_marker() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT 42
$$;

CREATE VIEW cg_internal.edited_view AS SELECT 1 AS x;
