-- The ten kinds of violation (工作内容 1-10, DOMAIN.md) as the requests read
-- them: the table violation_categories is the one source of their numbers
-- and names; every reply and event note takes the names from it.

-- NULL when j (a request's category, number or string of digits) is one of
-- the categories, else a problem for cg_internal.check.
CREATE FUNCTION cg_internal.category_problem(j jsonb) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM violation_categories WHERE code = cg_internal.json_num(j))
        THEN cg_internal.problem('category.unknown', jsonb_build_object('value', left(coalesce(j #>> '{}', ''), 40)),
                                 format('must be a violation category 1-10 (got %s)', coalesce(j::text, 'nothing')))
    END
$$;
