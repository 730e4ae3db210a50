-- Step 9 (issue 15): what a Prometheus scrape asks the database
-- (server/metrics_http.c). Database-wide figures, the same from every
-- instance: open reports and cases by escalation level, and the escalation
-- steps fired so far by level. Each is one index or small-table scan.

CREATE FUNCTION cg_internal.metrics_snapshot() RETURNS jsonb
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT jsonb_build_object(
        'open_reports', (SELECT coalesce(jsonb_object_agg(level, n), '{}')
                         FROM (SELECT level, count(*) AS n FROM reports
                               WHERE status <> 'resolved' GROUP BY level) x),
        'open_cases', (SELECT coalesce(jsonb_object_agg(level, n), '{}')
                       FROM (SELECT CASE WHEN escalated_2_at IS NOT NULL THEN 2
                                         WHEN overdue_at IS NOT NULL THEN 1 ELSE 0 END AS level,
                                    count(*) AS n
                             FROM cases WHERE state NOT IN ('closed', 'rejected', 'transferred')
                             GROUP BY 1) x),
        'report_escalations', (SELECT coalesce(jsonb_object_agg(level, n), '{}')
                               FROM (SELECT level, count(*) AS n FROM report_timeline
                                     WHERE kind = 'escalated' GROUP BY level) x),
        'case_escalations', (SELECT coalesce(jsonb_object_agg(level, n), '{}')
                             FROM (SELECT level, count(*) AS n FROM case_escalations
                                   WHERE kind = 'escalated' GROUP BY level) x))
$$;
