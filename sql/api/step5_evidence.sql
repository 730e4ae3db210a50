-- Step 5: evidence of enforcement cases (证据). The contract is
-- proto/chengguan/v1/evidence.proto; the tables are sql/0014_evidence.sql.
-- An upload is begun (or found again, to resume), filled chunk by chunk in
-- order, and committed: only a commit whose size and SHA-256 match makes an
-- attachment. Those who may handle the case attach; those who may see it
-- (not a filer, who sees only the state) list and download.

-- The largest attachment: cg.max_attachment_bytes (the server's setting);
-- 25 MiB when unset (psql).
CREATE FUNCTION cg_internal.max_attachment_bytes() RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('cg.max_attachment_bytes', true), '')::bigint, 26214400)
$$;

-- How long an unfinished upload is kept after its last chunk:
-- cg.upload_expiry_ms; 24 hours when unset.
CREATE FUNCTION cg_internal.upload_expiry() RETURNS interval
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('cg.upload_expiry_ms', true), '')::bigint, 86400000) * interval '1 ms'
$$;

-- The largest chunk taken or given: a quarter of a reply's byte budget
-- (three quarters of max_frame_bytes), at most 1 MiB, so that a chunk's
-- frame stays well under max_frame_bytes.
CREATE FUNCTION cg_internal.chunk_bytes() RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT greatest(256, least(1048576, cg_internal.reply_budget() / 4))::integer
$$;

-- Drops the unfinished uploads that have expired (their chunks with them).
-- Called by every Begin; an operator can call it too.
CREATE FUNCTION cg_internal.drop_expired_uploads() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    DELETE FROM case_uploads WHERE NOT attached AND expires_at < now();
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- The SHA-256 of the bytes stored for upload p_id, in order.
CREATE FUNCTION cg_internal.upload_sha256(p_id bigint) RETURNS bytea
LANGUAGE sql STABLE AS $$
    SELECT sha256(string_agg(c.data, ''::bytea ORDER BY c.off)) FROM case_upload_chunks c WHERE c.upload_id = p_id
$$;

CREATE FUNCTION cg_internal.upload_doc(u case_uploads) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('upload_id', u.id, 'received', u.received, 'size', u.size,
                              'chunk_bytes', cg_internal.chunk_bytes(),
                              'expires_at', cg_internal.instant_text(u.expires_at))
$$;

CREATE VIEW cg_internal.attachment_docs AS
SELECT t.case_id, t.number, t.attached_at, t.case_version, u.account, u.note, u.size, u.sha256,
       jsonb_build_object(
           'case_id', t.case_id, 'number', t.number, 'name', u.name, 'media_type', u.media_type,
           'size', u.size, 'sha256', encode(u.sha256, 'hex'), 'note', u.note,
           'taken_at', cg_internal.instant_text(u.taken_at),
           'lat', coalesce(u.lat::text, ''), 'lon', coalesce(u.lon::text, ''),
           'account', u.account, 'attached_at', cg_internal.instant_text(t.attached_at)) AS doc
FROM case_attachments t
JOIN case_uploads u ON u.id = t.upload_id;

-- An unfinished upload of a (for Chunk and Commit): CG005 when there is
-- none of a's; the case is re-checked (a may have lost its unit). Locked.
CREATE FUNCTION cg_internal.upload_target(a accounts, p_id bigint) RETURNS case_uploads
LANGUAGE plpgsql AS $$
DECLARE
    u case_uploads;
BEGIN
    PERFORM cg_internal.check('upload_id', CASE WHEN p_id = 0 THEN cg_internal.missing() END);
    SELECT * INTO u FROM case_uploads WHERE id = p_id AND account = a.name FOR UPDATE;
    IF NOT FOUND OR (NOT u.attached AND u.expires_at < now()) THEN
        PERFORM cg_internal.fail('CG005', 'upload_id',
                                 format('upload %s not found (it expired or was dropped: begin again)', p_id),
                                 'upload.not_found', jsonb_build_object('id', p_id));
    END IF;
    PERFORM cg_internal.case_target(a, u.case_id, 'handle');
    RETURN u;
END
$$;

-- CaseAttachBegin -> CaseUpload.
CREATE FUNCTION cg_api.case_attach_begin(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'case.attach_begin');
    v_name text := cg_internal.clean(p_req ->> 'name');
    v_type text := lower(cg_internal.clean(p_req ->> 'media_type'));
    v_size bigint := cg_internal.req_int(p_req, 'size');
    v_sha text := lower(coalesce(p_req ->> 'sha256', ''));
    v_note text := cg_internal.clean(p_req ->> 'note');
    v_taken_in text := cg_internal.clean(p_req ->> 'taken_at');
    v_lat_in text := cg_internal.clean(p_req ->> 'lat');
    v_lon_in text := cg_internal.clean(p_req ->> 'lon');
    v_taken timestamptz;
    v_max bigint := cg_internal.max_attachment_bytes();
    v_number integer;
    k cases;
    u case_uploads;
BEGIN
    k := cg_internal.case_target(a, cg_internal.req_int(p_req, 'case_id'), 'handle');
    PERFORM cg_internal.check('name', coalesce(cg_internal.text_problem(v_name, 200, true, false),
        CASE WHEN v_name ~ '[/\\]' THEN cg_internal.problem('attachment.bad_name', jsonb_build_object('value', left(v_name, 40)),
                                                              'a file name, without a directory') END));
    PERFORM cg_internal.check('media_type', cg_internal.one_of_problem(v_type,
        '{image/jpeg,image/png,image/webp,image/heic,application/pdf,video/mp4,video/quicktime}', true));
    PERFORM cg_internal.check('size', CASE WHEN v_size <= 0 THEN cg_internal.missing() END);
    IF v_size > v_max THEN
        PERFORM cg_internal.fail('CG003', 'size',
                                 format('size: %s bytes is over the limit of %s bytes for one attachment', v_size, v_max),
                                 'attachment.too_large', jsonb_build_object('size', v_size, 'limit', v_max));
    END IF;
    PERFORM cg_internal.check('sha256', CASE WHEN v_sha !~ '^[0-9a-f]{64}$'
        THEN cg_internal.problem('attachment.bad_sha256', '{}', 'must be the 32 bytes of a SHA-256') END);
    PERFORM cg_internal.check('note', cg_internal.text_problem(v_note, 2000, false, true));
    IF v_taken_in <> '' THEN
        PERFORM cg_internal.check('taken_at', cg_internal.instant_problem(v_taken_in, false));
        v_taken := cg_internal.instant_of(v_taken_in);
        IF v_taken > now() THEN
            PERFORM cg_internal.fail('CG003', 'taken_at', format('taken_at: %s is in the future',
                                                                  cg_internal.instant_text(v_taken)),
                                     'case.at_in_future',
                                     jsonb_build_object('field', 'taken_at', 'at', cg_internal.instant_text(v_taken),
                                                        'now', cg_internal.instant_text(now())));
        END IF;
    END IF;
    PERFORM cg_internal.check(CASE WHEN v_lat_in = '' THEN 'lat' ELSE 'lon' END,
        CASE WHEN (v_lat_in = '') <> (v_lon_in = '') THEN cg_internal.problem('attachment.lat_lon', '{}',
                                                                               'lat and lon go together') END);
    PERFORM cg_internal.check('lat', CASE WHEN v_lat_in <> '' AND (v_lat_in !~ '^-?[0-9]{1,2}(\.[0-9]{1,6})?$'
                                                            OR abs(v_lat_in::numeric) > 90)
        THEN cg_internal.problem('value.out_of_range', jsonb_build_object('min', -90, 'max', 90, 'got', left(v_lat_in, 40)),
                                 'degrees from -90 to 90, at most 6 decimals') END);
    PERFORM cg_internal.check('lon', CASE WHEN v_lon_in <> '' AND (v_lon_in !~ '^-?[0-9]{1,3}(\.[0-9]{1,6})?$'
                                                            OR abs(v_lon_in::numeric) > 180)
        THEN cg_internal.problem('value.out_of_range', jsonb_build_object('min', -180, 'max', 180, 'got', left(v_lon_in, 40)),
                                 'degrees from -180 to 180, at most 6 decimals') END);
    PERFORM cg_internal.drop_expired_uploads();
    SELECT t.number INTO v_number FROM case_attachments t JOIN case_uploads x ON x.id = t.upload_id
    WHERE t.case_id = k.id AND x.sha256 = decode(v_sha, 'hex') AND x.size = v_size;
    IF v_number IS NOT NULL THEN
        PERFORM cg_internal.fail('CG006', 'sha256', format('case %s already has this file as attachment %s', k.id, v_number),
                                 'attachment.exists', jsonb_build_object('id', k.id, 'number', v_number));
    END IF;
    -- A whole upload of this file whose bytes did not match (its Commit was
    -- refused): dropped, so that the file is sent again from the start.
    DELETE FROM case_uploads x
    WHERE x.case_id = k.id AND x.account = a.name AND x.sha256 = decode(v_sha, 'hex') AND x.size = v_size
      AND NOT x.attached AND x.received = x.size
      AND cg_internal.upload_sha256(x.id) <> x.sha256;
    INSERT INTO case_uploads (case_id, account, name, media_type, size, sha256, note, taken_at, lat, lon, expires_at)
    VALUES (k.id, a.name, v_name, v_type, v_size, decode(v_sha, 'hex'), v_note, v_taken,
            nullif(v_lat_in, '')::numeric, nullif(v_lon_in, '')::numeric, now() + cg_internal.upload_expiry())
    ON CONFLICT (case_id, account, sha256, size) WHERE NOT attached DO NOTHING
    RETURNING * INTO u;
    IF NOT FOUND THEN -- the same file begun before: resume where it got to, as now described
        UPDATE case_uploads SET name = v_name, media_type = v_type, note = v_note, taken_at = v_taken,
                                lat = nullif(v_lat_in, '')::numeric, lon = nullif(v_lon_in, '')::numeric,
                                expires_at = now() + cg_internal.upload_expiry()
        WHERE case_id = k.id AND account = a.name AND sha256 = decode(v_sha, 'hex') AND size = v_size AND NOT attached
        RETURNING * INTO u;
    END IF;
    RETURN cg_internal.upload_doc(u);
END
$$;

-- CaseAttachChunk -> CaseUpload: the chunk at `received`; one the server has
-- already (the same bytes at the same offset) changes nothing.
CREATE FUNCTION cg_api.case_attach_chunk(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'case.attach_chunk');
    v_off bigint := cg_internal.req_int(p_req, 'offset');
    v_data bytea := decode(coalesce(p_req ->> 'data', ''), 'hex');
    u case_uploads;
BEGIN
    u := cg_internal.upload_target(a, cg_internal.req_int(p_req, 'upload_id'));
    PERFORM cg_internal.check('data', CASE
        WHEN octet_length(v_data) = 0 THEN cg_internal.missing()
        WHEN octet_length(v_data) > cg_internal.chunk_bytes()
            THEN cg_internal.problem('upload.chunk_too_long',
                                     jsonb_build_object('max', cg_internal.chunk_bytes(), 'got', octet_length(v_data)),
                                     format('at most %s bytes in one chunk', cg_internal.chunk_bytes())) END);
    IF EXISTS (SELECT 1 FROM case_upload_chunks c WHERE c.upload_id = u.id AND c.off = v_off AND c.data = v_data)
       OR u.attached THEN
        RETURN cg_internal.upload_doc(u);
    END IF;
    IF v_off <> u.received THEN
        PERFORM cg_internal.fail('CG009', 'offset',
                                 format('offset %s: the server has %s bytes of upload %s; send from there', v_off,
                                        u.received, u.id),
                                 'upload.offset', jsonb_build_object('id', u.id, 'offset', v_off, 'received', u.received));
    END IF;
    PERFORM cg_internal.check('data', CASE WHEN u.received + octet_length(v_data) > u.size
        THEN cg_internal.problem('upload.past_size', jsonb_build_object('size', u.size,
                                                                        'got', u.received + octet_length(v_data)),
                                 format('%s bytes past the size given at the start (%s)',
                                        u.received + octet_length(v_data) - u.size, u.size)) END);
    INSERT INTO case_upload_chunks (upload_id, off, data) VALUES (u.id, v_off, v_data);
    UPDATE case_uploads SET received = received + octet_length(v_data),
                            expires_at = now() + cg_internal.upload_expiry()
    WHERE id = u.id RETURNING * INTO u;
    RETURN cg_internal.upload_doc(u);
END
$$;

-- CaseAttachCommit -> CaseAttachment: the size and the SHA-256 of what was
-- stored are checked; on a mismatch nothing is attached (and the next Begin
-- of the file drops the upload).
CREATE FUNCTION cg_api.case_attach_commit(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'case.attach_commit');
    v_prev jsonb;
    v_sha bytea;
    u case_uploads;
    k cases;
    v_number integer;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'case_attach_commit', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    u := cg_internal.upload_target(a, cg_internal.req_int(p_req, 'upload_id'));
    IF u.attached THEN
        RETURN cg_internal.idem_end(a, p_req, (SELECT d.doc FROM cg_internal.attachment_docs d
                                                JOIN case_attachments t USING (case_id, number)
                                                WHERE t.upload_id = u.id));
    END IF;
    IF u.received <> u.size THEN
        PERFORM cg_internal.fail('CG009', 'upload_id',
                                 format('upload %s has %s of its %s bytes: send the rest first', u.id, u.received, u.size),
                                 'upload.incomplete', jsonb_build_object('id', u.id, 'received', u.received, 'size', u.size));
    END IF;
    v_sha := cg_internal.upload_sha256(u.id);
    IF v_sha <> u.sha256 THEN
        -- The refusal rolls back; the next Begin of the same file drops the
        -- upload and it starts again from 0.
        PERFORM cg_internal.fail('CG003', 'sha256',
                                 format('the %s bytes stored have SHA-256 %s, not %s: nothing attached; send the file again',
                                        u.size, encode(v_sha, 'hex'), encode(u.sha256, 'hex')),
                                 'attachment.sha256_mismatch',
                                 jsonb_build_object('id', u.id, 'stored', encode(v_sha, 'hex'),
                                                    'expected', encode(u.sha256, 'hex')));
    END IF;
    -- Numbers in the order attached: the case row lock serialises commits.
    k := cg_internal.case_target(a, u.case_id, 'handle');
    SELECT coalesce(max(t.number), 0) + 1 INTO v_number FROM case_attachments t WHERE t.case_id = k.id;
    UPDATE case_uploads SET attached = true WHERE id = u.id;
    INSERT INTO case_attachments (case_id, number, upload_id, case_version) VALUES (k.id, v_number, u.id, k.version);
    RETURN cg_internal.idem_end(a, p_req, (SELECT d.doc FROM cg_internal.attachment_docs d
                                            WHERE d.case_id = k.id AND d.number = v_number));
END
$$;

-- CaseAttachmentList -> CaseAttachmentListReply, in the order attached.
CREATE FUNCTION cg_api.case_attachment_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'case.attachment_list');
    k cases := cg_internal.case_target(a, cg_internal.req_int(p_req, 'case_id'), 'see');
BEGIN
    RETURN jsonb_build_object('attachments', (SELECT coalesce(jsonb_agg(d.doc ORDER BY d.number), '[]'::jsonb)
                                              FROM cg_internal.attachment_docs d WHERE d.case_id = k.id));
END
$$;

-- CaseAttachmentRead -> CaseAttachmentData: up to max_bytes (at most
-- chunk_bytes) from offset.
CREATE FUNCTION cg_api.case_attachment_read(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'case.attachment_read');
    k cases := cg_internal.case_target(a, cg_internal.req_int(p_req, 'case_id'), 'see');
    v_number bigint := cg_internal.req_int(p_req, 'number');
    v_off bigint := cg_internal.req_int(p_req, 'offset');
    v_max bigint := cg_internal.req_int(p_req, 'max_bytes');
    v_data bytea;
    u case_uploads;
BEGIN
    SELECT x.* INTO u FROM case_attachments t JOIN case_uploads x ON x.id = t.upload_id
    WHERE t.case_id = k.id AND t.number = v_number;
    IF NOT FOUND THEN
        PERFORM cg_internal.fail('CG005', 'number', format('case %s has no attachment %s', k.id, v_number),
                                 'attachment.not_found', jsonb_build_object('id', k.id, 'number', v_number));
    END IF;
    PERFORM cg_internal.check('offset', cg_internal.range_problem(v_off, 0, u.size));
    v_max := CASE WHEN v_max = 0 THEN cg_internal.chunk_bytes() ELSE least(v_max, cg_internal.chunk_bytes()) END;
    SELECT substring(string_agg(c.data, ''::bytea ORDER BY c.off) FROM (v_off - min(c.off))::integer + 1
                     FOR v_max::integer)
    INTO v_data
    FROM case_upload_chunks c
    WHERE c.upload_id = u.id AND c.off < v_off + v_max AND c.off + octet_length(c.data) > v_off;
    RETURN jsonb_build_object('offset', v_off, 'data', encode(coalesce(v_data, ''::bytea), 'hex'), 'size', u.size,
                              'sha256', encode(u.sha256, 'hex'));
END
$$;
