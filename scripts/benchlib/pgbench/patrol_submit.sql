-- PatrolSubmit as chengguand sends it (server/services/sql_call.h), as hq:
-- officer o0 + client % 64 on compound c0 + client % 64, its grid officer
-- (scripts/benchlib/bench_ledger.sql), a one-second patrol at
-- 2022-01-01 + base + client * 100000 + n seconds (no two overlap); run
-- with -M prepared and -D n=0 -D tag=PHASE -D base=SECONDS -D c0=ID -D o0=ID. (Dots for the
-- colons of the time format: pgbench would read ":MI" as a variable.)
\set o :o0 + :client_id % 64
\set c :c0 + :client_id % 64
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
