-- CompoundGet {id: 1} as hq, the statement chengguand sends; -M prepared.
WITH ctx AS MATERIALIZED (SELECT set_config('cg.cert_sha256', repeat('ab', 32), true),
                                 set_config('cg.request_id', '1', true),
                                 set_config('cg.request_type', 'compound.get', true))
SELECT cg_api.compound_get('hq', '{"id": 1}'::jsonb) FROM ctx;
