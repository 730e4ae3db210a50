-- ReportList {limit: 100} as hq, the statement chengguand sends; -M prepared.
WITH ctx AS MATERIALIZED (SELECT set_config('cg.cert_sha256', repeat('ab', 32), true),
                                 set_config('cg.request_id', '1', true),
                                 set_config('cg.request_type', 'report.list', true))
SELECT cg_api.report_list('hq', '{"limit": 100}'::jsonb) FROM ctx;
