-- The rows one ReportSubmit creates, as plain INSERTs in one transaction:
-- its idempotency key with the reply, the report, its timeline entry, its
-- event and its audit entry, with documents of the real size (the reply
-- and the event body are what cg_api.report_submit writes). The floor
-- under report_submit.sql; run with -M prepared and -D n=0 -D tag=PHASE
-- -D c0=ID -D o0=ID.
\set c :c0 + :client_id % 64
\set o :o0 + :client_id % 64
\set cat random(1, 10)
\set n :n + 1
BEGIN;
INSERT INTO reports (compound_id, unit_code, grid_officer_id, category, text, reporter, ack_timeout_ms,
                     supervision_timeout_ms, resolve_timeout_ms, remind_every_ms, dedup_window_ms, ack_due,
                     supervision_due, dedup_until)
VALUES ((:c)::bigint, 'dawa', (:o)::bigint, (:cat)::smallint, 'bench: 楼道堆放杂物', 'hq', 900000, 3600000,
        86400000, 14400000, 0, now() + interval '15 minutes', now() + interval '1 hour', now())
RETURNING id \gset
INSERT INTO report_timeline (report_id, kind, account, level, note) VALUES ((:id)::bigint, 'filed', 'hq', 0, '');
INSERT INTO events (xid, kind, unit_code, reporter, compound_id, report_id, level, officer_id, body)
VALUES (pg_current_xact_id(), 'report.filed', 'dawa', NULL, (:c)::bigint, (:id)::bigint, 0, (:o)::bigint,
        '{"at": "2026-12-01T00:38:04.162Z", "kind": "report.filed", "text": "新报告 #532：石油花园，其他物业管理违法行为 / new report 532 at 石油花园, category 10", "unit": "xinglongtai", "level": 0, "report": {"id": 532, "text": "bench: 楼道堆放杂物", "unit": "xinglongtai", "level": 0, "status": "open", "ack_due": "2026-12-01T00:53:04.162Z", "case_id": 0, "outcome": "", "attached": false, "category": 10, "filed_at": "2026-12-01T00:38:04.162Z", "location": "", "reporter": "hq", "timeline": [], "duplicates": 0, "officer_id": 0, "work_order": "", "compound_id": 1, "resolve_due": "", "resolved_at": "", "officer_name": "", "resolve_note": "", "category_name": "其他物业管理违法行为", "compound_name": "石油花园", "nobody_to_call": false, "acknowledged_at": "", "acknowledged_by": "", "grid_officer_id": 1, "supervision_due": "2026-12-01T01:38:04.162Z", "category_name_en": "Other property-management violation", "dissuasion_failed": false, "grid_officer_name": "王建国", "illegal_construction": false, "nobody_to_call_reason": ""}, "report_id": 532, "compound_id": 1}');
INSERT INTO idempotency_keys (account, key, method, request_hash, result)
VALUES ('hq', decode(md5((:tag)::text || '-' || (:client_id)::text || '-' || (:n)::text), 'hex'), 'report_submit',
        md5((:n)::text),
        '{"id": 4, "text": "bench: 楼道堆放杂物", "unit": "xinglongtai", "level": 0, "status": "open", "ack_due": "2026-12-01T00:52:55.331Z", "case_id": 0, "outcome": "", "attached": false, "category": 1, "filed_at": "2026-12-01T00:37:55.331Z", "location": "", "reporter": "hq", "timeline": [], "duplicates": 0, "officer_id": 0, "work_order": "", "compound_id": 1, "resolve_due": "", "resolved_at": "", "officer_name": "", "resolve_note": "", "category_name": "占用挖掘道路场地", "compound_name": "石油花园", "nobody_to_call": false, "acknowledged_at": "", "acknowledged_by": "", "grid_officer_id": 1, "supervision_due": "2026-12-01T01:37:55.331Z", "category_name_en": "Occupying or digging roads and grounds", "dissuasion_failed": false, "grid_officer_name": "王建国", "illegal_construction": false, "nobody_to_call_reason": ""}');
INSERT INTO audit_log (account, cert_sha256, request_id, idempotency_key, request_type, method, summary)
VALUES ('hq', repeat('ab', 32), (:n)::bigint, decode(md5((:tag)::text || '-' || (:client_id)::text || '-' || (:n)::text), 'hex'),
        'report.submit', 'report_submit', 'id=' || :id || ' compound_id=' || :c || ' grid_officer_id=' || :o);
COMMIT;
