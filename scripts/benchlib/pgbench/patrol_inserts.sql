-- The rows one PatrolSubmit creates, as plain INSERTs in one transaction:
-- its idempotency key with the reply (a document of the real size), the
-- patrol, its officer and its audit entry. The floor under
-- patrol_submit.sql; run with -M prepared and -D n=0 -D tag=PHASE -D base=SECONDS -D c0=ID -D o0=ID.
\set o :o0 + :client_id % 64
\set c :c0 + :client_id % 64
\set n :n + 1
\set at 1640995200 + :base + :client_id * 100000 + :n
BEGIN;
INSERT INTO patrols (compound_id, start_at, end_at, note, submitted_by)
VALUES ((:c)::bigint, to_timestamp((:at)::bigint), to_timestamp((:at)::bigint + 1), '', 'hq')
RETURNING id \gset
INSERT INTO patrol_officers (patrol_id, ord, officer_id) VALUES ((:id)::bigint, 1, (:o)::bigint);
INSERT INTO idempotency_keys (account, key, method, request_hash, result)
VALUES ('hq', decode(md5((:tag)::text || '-' || (:client_id)::text || '-' || (:n)::text), 'hex'), 'patrol_submit',
        md5((:n)::text),
        '{"id": 31, "end": "2022-01-02T03:46:55.000Z", "note": "", "unit": "xinglongtai", "week": "2021-W52", "start": "2022-01-02T03:46:54.000Z", "voided": false, "findings": [], "voided_at": "", "voided_by": "", "compound_id": 2, "officer_ids": [2], "void_reason": "", "submitted_at": "2026-12-01T00:37:56.478Z", "submitted_by": "hq", "compound_name": "惠宾家园", "officer_names": ["李秀兰"]}');
INSERT INTO audit_log (account, cert_sha256, request_id, idempotency_key, request_type, method, summary)
VALUES ('hq', repeat('ab', 32), (:n)::bigint, decode(md5((:tag)::text || '-' || (:client_id)::text || '-' || (:n)::text), 'hex'),
        'patrol.submit', 'patrol_submit', 'id=' || :id || ' compound_id=' || :c);
COMMIT;
