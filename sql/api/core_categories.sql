-- The ten kinds of violation (工作内容 1-10, DOMAIN.md) as the requests read
-- them: the table violation_categories is the one source of their numbers
-- and names; every reply and event note takes the names from it.

-- NULL when j (a request's category, number or string of digits) is one of
-- the categories, else a problem for cg_internal.check.
-- This and category_zh are plpgsql, not sql: a SQL function that reads a
-- table is planned afresh in every transaction, a plpgsql one keeps its plan
-- for the session (issue 14).
CREATE FUNCTION cg_internal.category_problem(j jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN CASE WHEN NOT EXISTS (SELECT 1 FROM violation_categories WHERE code = cg_internal.json_num(j))
        THEN cg_internal.problem('category.unknown', jsonb_build_object('value', left(coalesce(j #>> '{}', ''), 40)),
                                 format('must be a violation category 1-10 (got %s)', coalesce(j::text, 'nothing')))
    END;
END
$$;

-- NULL unless the illegal-construction flag (违法搭建) is set on a category
-- other than 2 (cases, reports and findings alike); the reason keeps the
-- name it was given with cases.
-- STABLE, as format() in it is: PostgreSQL inlines a SQL function into its
-- caller only when the body is no more volatile than the function says, and
-- declared IMMUTABLE it ran as a function call of its own, planned afresh in
-- each transaction (59 us of every report submit; docs/performance.md).
CREATE FUNCTION cg_internal.illegal_construction_problem(p_flag boolean, p_category numeric) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_flag AND p_category IS DISTINCT FROM 2
        THEN cg_internal.problem('case.illegal_construction_category', jsonb_build_object('category', p_category),
                                 format('only with category 2 (got %s)', p_category))
    END
$$;

-- The Chinese name of category p_code, for event notes.
CREATE FUNCTION cg_internal.category_zh(p_code integer) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT name_zh FROM violation_categories WHERE code = p_code);
END
$$;

-- CategoryList -> CategoryListReply: every account may read them.
CREATE FUNCTION cg_api.category_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'category.list');
BEGIN
    RETURN jsonb_build_object('categories', coalesce((
        SELECT jsonb_agg(jsonb_build_object('code', v.code, 'name', v.name, 'name_zh', v.name_zh,
                                            'name_en', v.label_en) ORDER BY v.code)
        FROM violation_categories v), '[]'::jsonb));
END
$$;
