-- PatrolSubmit as chengguand sends it (server/services/sql_call.h), as hq:
-- officer 1 + client % 8 of the sample ledger on an entered compound of
-- the officer's unit (scripts/bench checks the pairs), a one-second patrol at
-- 2022-01-01 + base + client * 100000 + n seconds (no two overlap); run
-- with -M extended and -D n=0 -D tag=PHASE -D base=SECONDS. (Dots for the
-- colons of the time format: pgbench would read ":MI" as a variable.)
\set o 1 + :client_id % 8
\set c case when :o <= 2 then :o when :o <= 4 then :o + 2 when :o <= 6 then 8 else :o + 3 end
\set n :n + 1
\set at 1640995200 + :base + :client_id * 100000 + :n
WITH ctx AS MATERIALIZED (SELECT set_config('cg.cert_sha256', repeat('ab', 32), true),
                                 set_config('cg.request_id', (:n)::text, true),
                                 set_config('cg.request_type', 'patrol.submit', true))
SELECT cg_api.patrol_submit('hq', jsonb_build_object(
    'idempotency_key', md5((:tag)::text || '-' || (:client_id)::text || '-' || (:n)::text),
    'patrol', jsonb_build_object(
        'compound_id', (:c)::bigint, 'officer_ids', jsonb_build_array((:o)::bigint),
        'start', replace(to_char(to_timestamp((:at)::bigint) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24.MI.SS"Z"'), '.', ':'),
        'end', replace(to_char(to_timestamp((:at)::bigint + 1) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24.MI.SS"Z"'), '.', ':')))) FROM ctx;
