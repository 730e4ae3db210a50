-- The compounds scripts/bench writes to: 64 entered compounds in 大洼
-- (dawa), each with a grid officer of its own, so that each of up to 64
-- clients (chengguan's and pgbench's) has a compound and an officer to
-- itself and no client waits for another's row locks. Made through the API
-- as the sample ledger is; their ids are consecutive (scripts/bench checks).
\set ON_ERROR_STOP on
DO $$
DECLARE
    v_officer bigint;
    v_compound bigint;
BEGIN
    FOR i IN 1..64 LOOP
        v_officer := (cg_api.officer_add('dawa', jsonb_build_object(
            'idempotency_key', md5('bench officer ' || i),
            'officer', jsonb_build_object('name', '基准队员' || i, 'unit', 'dawa',
                                          'phone', '139' || lpad(i::text, 8, '0'),
                                          'badge', '辽大执-B' || lpad(i::text, 3, '0')))) ->> 'id')::bigint;
        v_compound := (cg_api.compound_add('dawa', jsonb_build_object(
            'idempotency_key', md5('bench compound ' || i),
            'compound', jsonb_build_object('name', '基准小区' || i, 'district', 'dawa',
                                           'community', '基准社区'))) ->> 'id')::bigint;
        PERFORM cg_api.grid_assign('dawa', jsonb_build_object(
            'idempotency_key', md5('bench grid ' || i), 'compound_id', v_compound, 'officer_id', v_officer));
        PERFORM cg_api.compound_enter('dawa', jsonb_build_object(
            'idempotency_key', md5('bench enter ' || i), 'id', v_compound, 'date', '2021-03-01'));
    END LOOP;
END
$$;
SELECT min(c.id), max(c.id), min(o.id), max(o.id), count(*)
FROM compounds c JOIN officers o ON o.name = '基准队员' || substr(c.name, 5)
WHERE c.name LIKE '基准小区%';
