-- ReportSubmit as chengguand sends it (server/services/sql_call.h), as hq on
-- compound c0 + client % 64 (scripts/benchlib/bench_ledger.sql); run with
-- -M prepared and -D n=0 -D tag=PHASE -D c0=ID (n counts this client's
-- requests: a fresh idempotency key each time).
\set c :c0 + :client_id % 64
\set cat random(1, 10)
\set n :n + 1
WITH ctx AS MATERIALIZED (SELECT set_config('cg.cert_sha256', repeat('ab', 32), true),
                                 set_config('cg.request_id', (:n)::text, true),
                                 set_config('cg.request_type', 'report.submit', true))
SELECT cg_api.report_submit('hq', jsonb_build_object(
    'idempotency_key', md5((:tag)::text || '-' || (:client_id)::text || '-' || (:n)::text),
    'report', jsonb_build_object('compound_id', (:c)::bigint, 'category', (:cat)::int,
                                 'text', 'bench: 楼道堆放杂物'))) FROM ctx;
