-- Evidence of enforcement cases (证据): uploads in progress and their
-- chunks, and the attachments they become once their SHA-256 checks out.
-- The rules are sql/api/step5_evidence.sql.

-- An upload in progress. One per case, account, sha256 and size, so that a
-- Begin after an interruption finds it and resumes. Dropped (with its
-- chunks) when its SHA-256 does not match, or when it expires unfinished.
CREATE TABLE case_uploads (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id),
    account     text NOT NULL REFERENCES accounts (name),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    media_type  text NOT NULL,
    size        bigint NOT NULL CHECK (size > 0),
    sha256      bytea NOT NULL CHECK (octet_length(sha256) = 32),
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    taken_at    timestamptz,
    lat         numeric(9, 6),
    lon         numeric(9, 6),
    received    bigint NOT NULL DEFAULT 0 CHECK (received BETWEEN 0 AND size),
    started_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    -- set by the commit: the chunks then belong to the attachment
    attached    boolean NOT NULL DEFAULT false,
    UNIQUE (id, case_id)
);
CREATE UNIQUE INDEX case_uploads_resume_idx ON case_uploads (case_id, account, sha256, size) WHERE NOT attached;
CREATE INDEX case_uploads_expiry_idx ON case_uploads (expires_at) WHERE NOT attached;
COMMENT ON TABLE case_uploads IS 'Evidence uploads; unfinished ones are invisible and dropped when they expire.';

CREATE TABLE case_upload_chunks (
    upload_id   bigint NOT NULL REFERENCES case_uploads (id) ON DELETE CASCADE,
    off         bigint NOT NULL CHECK (off >= 0),
    data        bytea NOT NULL CHECK (octet_length(data) > 0),
    PRIMARY KEY (upload_id, off)
);
ALTER TABLE case_upload_chunks ALTER COLUMN data SET STORAGE EXTERNAL; -- already compressed media

-- The attachments of a case, numbered from 1 in the order attached. A row
-- exists only for a committed upload whose size and SHA-256 were checked.
-- Append-only.
CREATE TABLE case_attachments (
    case_id     bigint NOT NULL REFERENCES cases (id),
    number      integer NOT NULL CHECK (number >= 1),
    upload_id   bigint NOT NULL UNIQUE,
    attached_at timestamptz NOT NULL DEFAULT now(),
    case_version integer NOT NULL,              -- the case's version when it was attached
    PRIMARY KEY (case_id, number),
    FOREIGN KEY (upload_id, case_id) REFERENCES case_uploads (id, case_id)
);
COMMENT ON TABLE case_attachments IS 'Evidence of a case: committed uploads whose SHA-256 was checked. Append-only.';

CREATE TRIGGER case_attachments_append_only BEFORE UPDATE OR DELETE ON case_attachments
    FOR EACH ROW EXECUTE FUNCTION cg_internal.refuse_change('attachments are never changed or deleted');
CREATE TRIGGER case_attachments_no_truncate BEFORE TRUNCATE ON case_attachments
    FOR EACH STATEMENT EXECUTE FUNCTION cg_internal.refuse_change('attachments are never changed or deleted');

-- An attached upload and its chunks are the attachment's bytes: never
-- changed or deleted. Unfinished ones may be extended and dropped.
CREATE FUNCTION cg_internal.case_uploads_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.attached THEN
        RAISE EXCEPTION 'upload % is an attachment: never changed or deleted', OLD.id;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER case_uploads_attached_fixed BEFORE UPDATE OR DELETE ON case_uploads
    FOR EACH ROW EXECUTE FUNCTION cg_internal.case_uploads_guard();

CREATE FUNCTION cg_internal.case_upload_chunks_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR EXISTS (SELECT 1 FROM case_uploads u WHERE u.id = OLD.upload_id AND u.attached) THEN
        RAISE EXCEPTION 'chunks are written once and dropped only with their unfinished upload (upload %)',
            OLD.upload_id;
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER case_upload_chunks_fixed BEFORE UPDATE OR DELETE ON case_upload_chunks
    FOR EACH ROW EXECUTE FUNCTION cg_internal.case_upload_chunks_guard();
