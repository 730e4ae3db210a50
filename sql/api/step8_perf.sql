-- Step 8 (issue 14): the server's fan-out read returns the next deadline for
-- the escalation timer (server/events.c), outside escalate_due: so
-- next_deadline runs in the system scope as escalate_due does (row scope of
-- issue 13: sql/0027_row_security.sql, sql/api/zz_scope.sql); it returns
-- only an instant, never a row.
ALTER FUNCTION cg_internal.next_deadline(bigint[], bigint[]) SET cg.scope = 'system';
