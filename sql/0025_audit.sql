-- Step 7 (issue 13): the audit trail (审计日志). One row for every change a
-- request made, written in the change's own transaction by
-- cg_internal.idem_end (sql/api/core.sql), the one place every mutating
-- request passes: so a change that commits has its row, and one that rolls
-- back has none. A retry with the same idempotency key changes nothing and
-- gets no row. The connection's certificate and the request's id come from
-- the server through the transaction's settings cg.cert_sha256,
-- cg.request_id and cg.request_type (server/services/sql_call.c); a change
-- made outside the server (psql) has none of them, and db_role says who
-- made it.
CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),   -- the transaction's time
    account         text NOT NULL REFERENCES accounts (name),
    cert_sha256     text CHECK (cert_sha256 ~ '^[0-9a-f]{64}$'),  -- of the client certificate
    request_id      bigint CHECK (request_id > 0),       -- the Envelope id on its connection (the wire check keeps it below 2^63)
    idempotency_key bytea NOT NULL,
    request_type    text NOT NULL,                       -- the route, as in the server log: 'case.move'
    method          text NOT NULL,                       -- the cg_api function: 'case_move'
    summary         text NOT NULL DEFAULT '',            -- ids it touched or made: 'id=7 compound_id=3'
    db_role         text NOT NULL DEFAULT session_user,   -- the database role that ran it
    UNIQUE (account, idempotency_key)
);
COMMENT ON TABLE audit_log IS 'Every change made by a request: who (account, certificate), which request, when, what. Append-only.';
CREATE INDEX audit_log_at_idx ON audit_log (at, id);
CREATE INDEX audit_log_account_idx ON audit_log (account, id);

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION cg_internal.refuse_change('the audit log is append-only');
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION cg_internal.refuse_change('the audit log is append-only');
