-- Row scope (sql/0027_row_security.sql): what the server's role may read of
-- the API's views, and which functions run as the system. Named to be
-- applied last: CREATE OR REPLACE in a later file would drop a function's
-- SET clause, and the views must exist before their grants.

GRANT SELECT ON ALL TABLES IN SCHEMA cg_api, cg_internal TO chengguan_app;

-- The views read their tables as whoever queries them: the policies then
-- see the caller (a superuser in psql bypasses them, as on the tables),
-- not the views' owner, whom FORCE holds to an empty scope.
DO $views$
DECLARE
    v regclass;
BEGIN
    FOR v IN SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname IN ('cg_api', 'cg_internal') AND c.relkind = 'v' LOOP
        EXECUTE format('ALTER VIEW %s SET (security_invoker = true)', v);
    END LOOP;
END
$views$;

-- The server's internal jobs, in the system scope: the escalation engine,
-- the event sequencer and reader (the reader decides each event's audience
-- itself: events_after's account, the C fan-out). A function's SET clause
-- holds only while it runs; nothing a client sends reaches these calls.
ALTER FUNCTION cg_internal.escalate_due() SET cg.scope = 'system';
ALTER FUNCTION cg_internal.sequence_events() SET cg.scope = 'system';
ALTER FUNCTION cg_internal.events_after(bigint, integer, text) SET cg.scope = 'system';
ALTER FUNCTION cg_internal.events_pending() SET cg.scope = 'system';
ALTER FUNCTION cg_internal.events_head() SET cg.scope = 'system';
-- The next deadline for the escalation timer, which the fan-out's read
-- returns outside escalate_due (server/events.c): an instant, never a row.
ALTER FUNCTION cg_internal.next_deadline(bigint[], bigint[]) SET cg.scope = 'system';
-- The database-wide figures of a metrics scrape (step9_metrics.sql).
ALTER FUNCTION cg_internal.metrics_snapshot() SET cg.scope = 'system';
-- The expired uploads of every case, whoever's Begin sweeps them (an
-- upload's rows are in scope with its case's, sql/0039_row_security_children.sql).
ALTER FUNCTION cg_internal.drop_expired_uploads() SET cg.scope = 'system';

-- The newest seq handed out so far (server/events.c: a subscriber's head).
CREATE FUNCTION cg_internal.events_max_seq() RETURNS bigint
LANGUAGE sql STABLE SET search_path = public, pg_temp SET cg.scope = 'system' AS $$
    SELECT coalesce(max(seq), 0) FROM events
$$;

-- 1 when some event is past p_after, else 0 (server/events.c: with
-- events_pending(), whether the event reader has work). In seq order, so
-- that it walks events_seq_key from p_after: without the ORDER BY the
-- planner, expecting many rows past p_after, scanned the whole table.
CREATE FUNCTION cg_internal.events_past(p_after bigint) RETURNS bigint
LANGUAGE sql STABLE SET search_path = public, pg_temp SET cg.scope = 'system' AS $$
    SELECT count(*) FROM (SELECT 1 FROM events WHERE seq > p_after ORDER BY seq LIMIT 1) x
$$;
