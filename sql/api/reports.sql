-- Step 4: rapid handling (快速处置): reports, their escalation ladder and the
-- event stream. The contract is proto/chengguan/v1/reports.proto; the
-- tables are in sql/0005_reports.sql, the conventions in core.sql.
--
-- The server's own entry points (not requests; no account check):
--   cg_internal.escalate_due()       -> jsonb {"fired": N, "failed": [{"report" or "case": id,
--                                       "sqlstate": s, "error": text}], "next_deadline": "RFC 3339" or ""}
--   cg_internal.next_deadline()      -> text, RFC 3339 or ''
--   cg_internal.events_after(after bigint, limit int, account text)
--                                    -> TABLE (seq bigint, keys text, event jsonb)
--   cg_internal.event_key(account)   -> text, the key an account's events are delivered on
--   cg_internal.events_pending()     -> bigint, committed events still without a seq
--   cg_internal.events_head()        -> bigint, the newest seq handed out (0: none)
--   cg_internal.sequence_events()    -> integer, called by events_after and events_head
--
-- Timings are server settings, read at submission as the custom options
-- cg.ack_timeout_ms, cg.supervision_timeout_ms, cg.resolve_timeout_ms,
-- cg.remind_every_ms and cg.dedup_window_ms (whole milliseconds; unset or ''
-- means the default) and stored on the report: a report keeps the timings it
-- started with.

CREATE OR REPLACE FUNCTION cg_internal.reports_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.compound_id, NEW.unit_code, NEW.grid_officer_id, NEW.category, NEW.text, NEW.location,
        NEW.dissuasion_failed, NEW.reporter, NEW.property_account, NEW.filed_at, NEW.ack_timeout_ms,
        NEW.supervision_timeout_ms, NEW.resolve_timeout_ms, NEW.remind_every_ms, NEW.dedup_window_ms,
        NEW.ack_due, NEW.supervision_due, NEW.dedup_until, NEW.nobody_to_call, NEW.illegal_construction)
       IS DISTINCT FROM
       (OLD.id, OLD.compound_id, OLD.unit_code, OLD.grid_officer_id, OLD.category, OLD.text, OLD.location,
        OLD.dissuasion_failed, OLD.reporter, OLD.property_account, OLD.filed_at, OLD.ack_timeout_ms,
        OLD.supervision_timeout_ms, OLD.resolve_timeout_ms, OLD.remind_every_ms, OLD.dedup_window_ms,
        OLD.ack_due, OLD.supervision_due, OLD.dedup_until, OLD.nobody_to_call, OLD.illegal_construction) THEN
        RAISE EXCEPTION 'UPDATE on reports refused: what was filed and the timings it started with never change';
    END IF;
    IF NOT ((OLD.status, NEW.status) IN (('open', 'open'), ('open', 'acknowledged'),
                                         ('acknowledged', 'acknowledged'), ('acknowledged', 'resolved'),
                                         ('resolved', 'resolved')))
       OR NEW.level < OLD.level OR NEW.duplicates < OLD.duplicates OR NEW.reminders < OLD.reminders
       OR (OLD.escalated_1_at IS NOT NULL AND NEW.escalated_1_at IS DISTINCT FROM OLD.escalated_1_at)
       OR (OLD.escalated_2_at IS NOT NULL AND NEW.escalated_2_at IS DISTINCT FROM OLD.escalated_2_at)
       OR (OLD.overdue_at IS NOT NULL AND NEW.overdue_at IS DISTINCT FROM OLD.overdue_at)
       OR (OLD.acknowledged_at IS NOT NULL
           AND (NEW.acknowledged_at, NEW.acknowledged_by, NEW.officer_id, NEW.resolve_due)
               IS DISTINCT FROM (OLD.acknowledged_at, OLD.acknowledged_by, OLD.officer_id, OLD.resolve_due))
       OR (OLD.status = 'resolved'
           AND (NEW.level, NEW.escalated_1_at, NEW.escalated_2_at, NEW.overdue_at, NEW.next_remind_at, NEW.reminders,
                NEW.resolved_at, NEW.resolved_by, NEW.outcome, NEW.resolve_note, NEW.duplicates)
               IS DISTINCT FROM
               (OLD.level, OLD.escalated_1_at, OLD.escalated_2_at, OLD.overdue_at, OLD.next_remind_at, OLD.reminders,
                OLD.resolved_at, OLD.resolved_by, OLD.outcome, OLD.resolve_note, OLD.duplicates)) THEN
        RAISE EXCEPTION 'UPDATE on reports refused: a report only moves forward (report %)', OLD.id;
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION cg_internal.events_seq_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.seq IS NULL AND NEW.seq IS NOT NULL
       AND (NEW.id, NEW.xid, NEW.at, NEW.kind, NEW.unit_code, NEW.reporter, NEW.compound_id, NEW.report_id,
            NEW.level, NEW.body)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.xid, OLD.at, OLD.kind, OLD.unit_code, OLD.reporter, OLD.compound_id, OLD.report_id,
            OLD.level, OLD.body) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'UPDATE on events refused: only a missing seq may be filled in';
END
$$;

-- ---------------------------------------------------------------------------
-- Settings and words
-- ---------------------------------------------------------------------------

-- The setting cg.<p_name> in whole milliseconds: p_default when unset or '';
-- anything else that is not a whole number >= p_min is a server
-- misconfiguration and raises (INTERNAL on the wire, logged by the server).
CREATE FUNCTION cg_internal.setting_ms(p_name text, p_default bigint, p_min bigint) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v text := btrim(coalesce(current_setting('cg.' || p_name, true), ''));
BEGIN
    IF v = '' THEN
        RETURN p_default;
    END IF;
    IF v !~ '^[0-9]{1,15}$' OR v::bigint < p_min THEN
        RAISE EXCEPTION 'setting cg.% must be a whole number of milliseconds, at least % (got %)',
            p_name, p_min, quote_literal(v);
    END IF;
    RETURN v::bigint;
END
$$;

CREATE FUNCTION cg_internal.ms(p_ms bigint) RETURNS interval
LANGUAGE sql IMMUTABLE AS $$
    SELECT p_ms * interval '1 millisecond'
$$;

-- A duration for people: '15 min', '24 h', '2 s', '1500 ms'.
CREATE FUNCTION cg_internal.duration_text(p_ms bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN p_ms > 0 AND p_ms % 3600000 = 0 THEN (p_ms / 3600000) || ' h'
        WHEN p_ms > 0 AND p_ms % 60000 = 0 THEN (p_ms / 60000) || ' min'
        WHEN p_ms % 1000 = 0 THEN (p_ms / 1000) || ' s'
        ELSE p_ms || ' ms'
    END
$$;

CREATE FUNCTION cg_internal.outcome_zh(p_outcome text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_outcome WHEN 'stopped' THEN '已制止' WHEN 'case_needed' THEN '需立案'
                          WHEN 'unfounded' THEN '不属实' WHEN 'referred' THEN '已移交' END
$$;

-- ---------------------------------------------------------------------------
-- Rendering: report_docs is the only place a Report is rendered (timeline
-- empty, attached false: report_get and report_submit fill those in).
-- Deadlines are shown while they are in use: ack_due and supervision_due
-- while the report waits for acknowledgement, resolve_due while it waits to be
-- resolved; '' otherwise.
-- ---------------------------------------------------------------------------

CREATE VIEW cg_internal.report_docs AS
SELECT r.id, r.unit_code, r.reporter, r.property_account, r.status, r.level, r.compound_id, r.category,
       r.nobody_to_call, r.work_order,
       jsonb_build_object(
           'id', r.id,
           'compound_id', r.compound_id,
           'compound_name', c.name,
           'unit', r.unit_code,
           'grid_officer_id', coalesce(r.grid_officer_id, 0),
           'grid_officer_name', coalesce(g.name, ''),
           'category', r.category,
           'category_name', cg_internal.category_zh(r.category),
           'category_name_en', (SELECT v.label_en FROM violation_categories v WHERE v.code = r.category),
           'text', r.text,
           'location', r.location,
           'dissuasion_failed', r.dissuasion_failed,
           'illegal_construction', r.illegal_construction,
           'reporter', r.reporter,
           'filed_at', cg_internal.instant_text(r.filed_at),
           'status', r.status,
           'level', r.level,
           'ack_due', CASE WHEN r.status = 'open' THEN cg_internal.instant_text(r.ack_due) ELSE '' END,
           'supervision_due', CASE WHEN r.status = 'open' THEN cg_internal.instant_text(r.supervision_due) ELSE '' END,
           'resolve_due', CASE WHEN r.status = 'acknowledged' THEN cg_internal.instant_text(r.resolve_due) ELSE '' END,
           'acknowledged_at', cg_internal.instant_text(r.acknowledged_at),
           'acknowledged_by', coalesce(r.acknowledged_by, ''),
           'officer_id', coalesce(r.officer_id, 0),
           'officer_name', coalesce(o.name, ''),
           'resolved_at', cg_internal.instant_text(r.resolved_at),
           'outcome', r.outcome,
           'resolve_note', r.resolve_note,
           'duplicates', r.duplicates,
           'timeline', '[]'::jsonb,
           'attached', false,
           'nobody_to_call', r.nobody_to_call <> '',
           'nobody_to_call_reason', r.nobody_to_call,
           'case_id', coalesce(r.case_id, 0),
           'work_order', r.work_order
       ) AS doc
FROM reports r
JOIN compounds c ON c.id = r.compound_id
LEFT JOIN officers g ON g.id = r.grid_officer_id
LEFT JOIN officers o ON o.id = r.officer_id;

-- plpgsql, not sql: a SQL function over a view is planned afresh on every
-- call, a plpgsql one keeps its plan for the session (issue 14).
CREATE FUNCTION cg_internal.report_doc(p_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT d.doc FROM cg_internal.report_docs d WHERE d.id = p_id);
END
$$;

-- The timeline of a report as TimelineEntry objects, in order.
CREATE FUNCTION cg_internal.report_timeline_doc(p_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(jsonb_agg(jsonb_build_object(
                'at', cg_internal.instant_text(t.at),
                'kind', t.kind,
                'account', coalesce(t.account, ''),
                'level', t.level,
                'note', t.note) ORDER BY t.id), '[]'::jsonb)
            FROM report_timeline t
            WHERE t.report_id = p_id);
END
$$;

-- May a see report r? hq, supervision and sections: all; a unit, its
-- officers and leaders: their unit's; a property company: the reports filed
-- by it or for it; the hotline: the reports it filed (p_reporter).
CREATE FUNCTION cg_internal.can_see_report(a accounts, p_unit text, p_property_account text, p_reporter text)
RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(a.role IN ('hq', 'supervision', 'section')
                    OR (cg_internal.unit_member(a) AND a.unit_code = p_unit)
                    OR (a.role = 'property' AND a.name = p_property_account)
                    OR (a.role = 'integration' AND a.name = p_reporter), false)
$$;

-- ---------------------------------------------------------------------------
-- Events
-- ---------------------------------------------------------------------------

-- THE one way an event is written: a row in the writer's transaction, with
-- that transaction's id and no seq yet (sequence_events gives it one after
-- the transaction has ended). The body is the Event message without seq;
-- its report is report p_report_id as it stands now, in this transaction,
-- after the change. Returns that report (the body's "report").
CREATE FUNCTION cg_internal.emit_event(p_kind text, p_report_id bigint, p_level integer, p_text text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    r reports;
    v_doc jsonb := cg_internal.report_doc(p_report_id);
    v_at timestamptz := now();
BEGIN
    SELECT * INTO STRICT r FROM reports WHERE id = p_report_id;
    INSERT INTO events (xid, at, kind, unit_code, reporter, compound_id, report_id, level,
                        officer_id, leaders, filer, body)
    VALUES (pg_current_xact_id(), v_at, p_kind, r.unit_code, r.property_account, r.compound_id, r.id, p_level,
            r.grid_officer_id, cg_internal.for_leaders(p_kind, p_level),
            -- the hotline that filed it: only the status changes it tells the
            -- citizen (step5_hotline.sql)
            CASE WHEN p_kind IN ('report.acknowledged', 'report.resolved') THEN cg_internal.hotline_filer(r.reporter) END,
            jsonb_build_object(
                'at', cg_internal.instant_text(v_at),
                'kind', p_kind,
                'unit', r.unit_code,
                'compound_id', r.compound_id,
                'report_id', r.id,
                'level', p_level,
                'text', p_text,
                'report', v_doc));
    RETURN v_doc;
END
$$;

-- Hands out public seqs, and is the only thing that does.
--
-- Why not simply take nextval() in the writers: a sequence value is taken
-- before commit, so with concurrent writers the transaction holding seq 11
-- can commit before the one holding seq 10. A reader that then reads "seq >
-- 9" sees 11, moves its cursor to 11, and never sees 10 when it commits: the
-- outbox gap.
--
-- Instead writers insert events with seq NULL, and seqs are assigned here,
-- after the fact, to the events this statement can see: an event is visible
-- only once its transaction has committed (an aborted writer's rows never
-- become visible), and then it stays visible to every later snapshot. The
-- advisory lock makes sequencing one serialised step across all server
-- instances; it is held to the end of the transaction, after this one's seqs
-- are visible to everybody (the lock is released after the commit is visible),
-- so the next sequencer sees them, takes only larger values, and a reader
-- that can see some seq can see every smaller one. A writer that commits
-- later gets its seqs from a later call, above every seq handed out before:
-- so seq order is delivery order, and nothing ever appears below a seq
-- already handed out. Within one call seqs follow (xid, id): a
-- transaction's events stay together and in the order it wrote them.
--
-- Delivery waits only for the writers of events themselves: a long
-- transaction elsewhere in the cluster (another database, a report, a
-- migration) holds nothing back. (Until issue 9 only events below the
-- cluster-wide snapshot xmin were handed out, so any open write transaction
-- in any database of the cluster delayed every event.)
--
-- Readers need no lock: all seqs of one call commit together, and a call
-- takes the lock only after the previous one's commit is visible, so a
-- snapshot that sees some seq sees every smaller one. Seqs may have holes (a
-- sequencer that rolls back burns its values): readers ask for seq > last,
-- never for last + 1.
--
-- Must run at READ COMMITTED (each statement's snapshot sees the previous
-- sequencer's work); returns how many events got a seq.
--
-- Every event's first row version has seq NULL, so the index entries under
-- "seq IS NULL" are nearly all dead versions that only a vacuum removes. A
-- plain index scan marks each one dead the first time it finds it dead
-- (kill_prior_tuple) and skips it after that; a bitmap scan, which the
-- planner prefers once its statistics are stale, never does, and visited
-- every dead version on every call: 3-12 ms a call at 20,000 events, and a
-- whole core at one writer (docs/performance.md, "Step 8, second pass"). So
-- these scans run as plain index scans, on events_unsequenced_idx, whatever
-- the statistics say (taken while many events waited, they make a
-- sequential scan look cheaper).
CREATE FUNCTION cg_internal.sequence_events() RETURNS integer
LANGUAGE plpgsql SET search_path = public, pg_temp SET enable_bitmapscan = off SET enable_seqscan = off AS $$
DECLARE
    v_ids bigint[];
    v_seqs bigint[];
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'cg_internal.sequence_events must run at READ COMMITTED (not %)',
            current_setting('transaction_isolation');
    END IF;
    -- Fast path without the lock, so that readers do not queue behind each
    -- other when there is nothing to hand out. (Skipping is always safe: what
    -- is eligible now is handed out by the next call.)
    IF NOT EXISTS (SELECT 1 FROM events e WHERE e.seq IS NULL) THEN
        RETURN 0;
    END IF;
    -- The one key of the sequencer: 0x63670004534551 ("cg", step 4, "SEQ").
    PERFORM pg_advisory_xact_lock(27979272464581969);
    -- What this statement's snapshot sees: taken after the lock, so it sees
    -- every seq the previous sequencer handed out.
    SELECT array_agg(e.id ORDER BY e.xid, e.id) INTO v_ids
    FROM events e
    WHERE e.seq IS NULL;
    IF v_ids IS NULL THEN
        RETURN 0;
    END IF;
    -- n fresh values, ascending, paired by position with the ids in order.
    v_seqs := ARRAY(SELECT nextval('event_seq') FROM generate_series(1, cardinality(v_ids)) ORDER BY 1);
    UPDATE events e SET seq = v.seq
    FROM unnest(v_ids, v_seqs) AS v(id, seq)
    WHERE e.id = v.id;
    RETURN cardinality(v_ids);
END
$$;

-- Is an event for the unit's leaders: escalations and reminders (level 1
-- and up) and supervision orders.
CREATE FUNCTION cg_internal.for_leaders(p_kind text, p_level integer) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT p_level >= 1 OR p_kind LIKE 'order.%'
$$;

-- Who receives which event: one rule, here, for the catch-up (events_after
-- with an account) and for the server's live fan-out (server/events.c),
-- which only compares strings. An account listens on one key, from its
-- subscribe scope in the authorisation table (authz.sql): 'all' for a scope
-- of all; for one of its own, a unit 'unit:<its unit>', a unit's leader
-- 'leaders:<its unit>' (escalations, reminders and orders), an officer
-- 'officer:<id>' (the reports of its grid), a property company
-- 'reporter:<name>' (its own reports) and the hotline 'filer:<name>' (what
-- it filed). NULL (an officer account without its officer, a role the
-- table does not let subscribe): nothing.
CREATE FUNCTION cg_internal.event_key(a accounts) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE z.scope
               WHEN 'all' THEN 'all'
               WHEN 'own' THEN CASE a.role
                                   WHEN 'unit' THEN 'unit:' || a.unit_code
                                   WHEN 'unit_leader' THEN 'leaders:' || a.unit_code
                                   WHEN 'officer' THEN 'officer:' || a.officer_id
                                   WHEN 'property' THEN 'reporter:' || a.name
                                   WHEN 'integration' THEN 'filer:' || a.name
                               END
           END
    FROM (SELECT (SELECT scope FROM cg_internal.authz WHERE request = 'subscribe' AND role = a.role) AS scope) z
$$;

-- The keys event e is delivered on (event_key), space-separated with a
-- space at each end, so that " key " is a plain substring test (keys are
-- unit codes, account names and numbers: no spaces).
CREATE FUNCTION cg_internal.event_keys(e events) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT ' ' || concat_ws(' ', 'all', 'unit:' || e.unit_code,
                            CASE WHEN e.leaders THEN 'leaders:' || e.unit_code END,
                            'officer:' || e.officer_id, 'reporter:' || e.reporter, 'filer:' || e.filer) || ' '
$$;

-- The next events after seq p_after (at most p_limit, 1..10000), in seq
-- order, each as the Event message (body with its seq), with the keys it is
-- delivered on (event_keys). p_account NULL: every event (the server's
-- fan-out gives each to the subscribers whose key is among them); else only
-- the events whose keys hold that account's (event_key).
CREATE FUNCTION cg_internal.events_after(p_after bigint, p_limit integer, p_account text)
RETURNS TABLE (seq bigint, keys text, event jsonb)
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    v_key text;
BEGIN
    IF p_after IS NULL OR p_after < 0 THEN
        PERFORM cg_internal.check('after_seq', cg_internal.range_problem(coalesce(p_after, -1), 0, 9223372036854775807));
    END IF;
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        PERFORM cg_internal.check('limit', cg_internal.range_problem(coalesce(p_limit, 0), 1, 10000));
    END IF;
    IF p_account IS NOT NULL THEN
        v_key := ' ' || coalesce(cg_internal.event_key(cg_internal.caller(p_account)), '-') || ' ';
    END IF;
    PERFORM cg_internal.sequence_events();
    RETURN QUERY
    SELECT e.seq, cg_internal.event_keys(e), e.body || jsonb_build_object('seq', e.seq)
    FROM events e
    WHERE e.seq > p_after
      AND (p_account IS NULL OR strpos(cg_internal.event_keys(e), v_key) > 0)
    ORDER BY e.seq
    LIMIT p_limit;
END
$$;

-- How many visible events wait for a seq: those that committed after the
-- last sequencer's snapshot. When it is > 0 after events_after, poll again
-- shortly. (Since sequencing waits only for the writers themselves, whose
-- doorbell rings after their commit, this is nearly always 0.)
-- (A plain index scan, like sequence_events'.)
CREATE FUNCTION cg_internal.events_pending() RETURNS bigint
LANGUAGE sql STABLE SET search_path = public, pg_temp SET enable_bitmapscan = off SET enable_seqscan = off AS $$
    SELECT count(*) FROM events WHERE seq IS NULL
$$;

-- The newest seq handed out (after handing out what can be): Subscribed.head_seq.
CREATE FUNCTION cg_internal.events_head() RETURNS bigint
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM cg_internal.sequence_events();
    RETURN coalesce((SELECT max(seq) FROM events), 0);
END
$$;

-- ---------------------------------------------------------------------------
-- The ladder
-- ---------------------------------------------------------------------------

-- Appends a timeline entry and writes its event: the one path of every change
-- to a report after the row itself was updated. Returns the report as the
-- event renders it, which is the reply of the request that made the change
-- (rendered once, not again for the reply).
CREATE FUNCTION cg_internal.report_step(p_report_id bigint, p_kind text, p_account text, p_level integer,
                                        p_note text, p_event_kind text, p_event_text text) RETURNS jsonb
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_timeline (report_id, kind, account, level, note)
    VALUES (p_report_id, p_kind, p_account, p_level, left(coalesce(p_note, ''), 2500));
    RETURN cg_internal.emit_event(p_event_kind, p_report_id, p_level, p_event_text);
END
$$;

-- Fires every step of report p_id that is due now (the caller has locked the
-- row), each once; returns how many fired. Not acknowledged by ack_due: level
-- 1 (the unit's leadership); by supervision_due: level 2 (supervision).
-- Acknowledged but not resolved by resolve_due: level 2 and a reminder to the
-- unit; then a reminder every remind_every (one, however many periods a
-- stopped server missed; the next one on the report's cadence).
CREATE FUNCTION cg_internal.report_fire_due(p_id bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    r reports;
    v_now timestamptz := now();
    v_n integer := 0;
    v_every interval;
    v_next timestamptz;
BEGIN
    SELECT * INTO STRICT r FROM reports WHERE id = p_id;
    v_every := cg_internal.ms(r.remind_every_ms);
    IF r.status = 'open' THEN
        IF r.escalated_1_at IS NULL AND r.ack_due <= v_now THEN
            UPDATE reports SET escalated_1_at = v_now, level = greatest(level, 1), updated_at = v_now
            WHERE id = r.id;
            PERFORM cg_internal.report_step(r.id, 'escalated', NULL, 1,
                format('%s 内未确认，升级至单位领导 / not acknowledged within %s: to the unit''s leadership',
                       cg_internal.duration_text(r.ack_timeout_ms), cg_internal.duration_text(r.ack_timeout_ms)),
                'report.escalated',
                format('报告 #%s 超过 %s 未确认，升级至单位领导 / report %s not acknowledged within %s: escalated to the unit''s leadership',
                       r.id, cg_internal.duration_text(r.ack_timeout_ms), r.id, cg_internal.duration_text(r.ack_timeout_ms)));
            v_n := v_n + 1;
        END IF;
        IF r.escalated_2_at IS NULL AND r.supervision_due <= v_now THEN
            UPDATE reports SET escalated_2_at = v_now, level = 2, updated_at = v_now WHERE id = r.id;
            PERFORM cg_internal.report_step(r.id, 'escalated', NULL, 2,
                format('%s 内未确认，升级至督查科 / not acknowledged within %s: to supervision',
                       cg_internal.duration_text(r.supervision_timeout_ms),
                       cg_internal.duration_text(r.supervision_timeout_ms)),
                'report.escalated',
                format('报告 #%s 超过 %s 未确认，升级至督查科 / report %s not acknowledged within %s: escalated to supervision',
                       r.id, cg_internal.duration_text(r.supervision_timeout_ms), r.id,
                       cg_internal.duration_text(r.supervision_timeout_ms)));
            v_n := v_n + 1;
        END IF;
    ELSIF r.status = 'acknowledged' THEN
        IF r.overdue_at IS NULL AND r.resolve_due <= v_now THEN
            -- the first reminder goes with this step; the next at resolve_due + k * remind_every > now
            v_next := r.resolve_due + v_every
                      * (floor(extract(epoch FROM v_now - r.resolve_due) * 1000 / r.remind_every_ms) + 1);
            UPDATE reports SET overdue_at = v_now, level = 2, reminders = reminders + 1, next_remind_at = v_next,
                               updated_at = v_now
            WHERE id = r.id;
            PERFORM cg_internal.report_step(r.id, 'escalated', NULL, 2,
                format('确认后 %s 内未处置完毕，升级至督查科 / not resolved within %s of acknowledgement: to supervision',
                       cg_internal.duration_text(r.resolve_timeout_ms), cg_internal.duration_text(r.resolve_timeout_ms)),
                'report.escalated',
                format('报告 #%s 确认后 %s 内未处置完毕，升级至督查科 / report %s not resolved within %s: escalated to supervision',
                       r.id, cg_internal.duration_text(r.resolve_timeout_ms), r.id,
                       cg_internal.duration_text(r.resolve_timeout_ms)));
            PERFORM cg_internal.report_step(r.id, 'reminder', NULL, 1,
                '第 1 次提醒 / reminder 1',
                'report.reminder',
                format('提醒：报告 #%s 尚未处置完毕（第 1 次）/ reminder: report %s is not resolved yet (1)', r.id, r.id));
            v_n := v_n + 1;
        ELSIF r.overdue_at IS NOT NULL AND r.next_remind_at <= v_now THEN
            v_next := r.next_remind_at + v_every
                      * (floor(extract(epoch FROM v_now - r.next_remind_at) * 1000 / r.remind_every_ms) + 1);
            UPDATE reports SET reminders = reminders + 1, next_remind_at = v_next, updated_at = v_now
            WHERE id = r.id;
            PERFORM cg_internal.report_step(r.id, 'reminder', NULL, 1,
                format('第 %s 次提醒 / reminder %s', r.reminders + 1, r.reminders + 1),
                'report.reminder',
                format('提醒：报告 #%s 尚未处置完毕（第 %s 次）/ reminder: report %s is not resolved yet (%s)',
                       r.id, r.reminders + 1, r.id, r.reminders + 1));
            v_n := v_n + 1;
        END IF;
    END IF;
    RETURN v_n;
END
$$;

-- The earliest pending deadline over all reports but those in p_skip and
-- all cases but those in p_skip_cases, RFC 3339; '' when none. It may be in the past: rows beyond escalate_due's
-- batch, or being handled by another instance right now; call escalate_due
-- again after a short pause.
CREATE FUNCTION cg_internal.next_deadline(p_skip bigint[] DEFAULT '{}', p_skip_cases bigint[] DEFAULT '{}')
RETURNS text
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT cg_internal.instant_text(least(
        (SELECT min(next_deadline) FROM reports WHERE next_deadline IS NOT NULL AND id <> ALL (p_skip)),
        (SELECT min(next_deadline) FROM cases WHERE next_deadline IS NOT NULL AND id <> ALL (p_skip_cases))))
$$;

-- The escalation engine: claims up to 500 due reports, then up to 500 due
-- cases (step5_case_escalation.sql), that no other
-- transaction holds (FOR UPDATE SKIP LOCKED), fires their due steps in this
-- transaction (the per-step columns make each step fire once: a row another
-- instance has just handled is no longer due when this one locks it, as
-- READ COMMITTED re-checks next_deadline on the newest row version), and
-- returns {"fired": steps fired, "failed": the reports and cases whose steps
-- failed (each rolled back alone, with its error), "next_deadline": the next
-- deadline of the others}. Call it as
-- one statement (its own transaction), at start-up and whenever the timer set
-- to next_deadline goes off. What a full batch (500 reports or 500 cases)
-- left behind is still due, so next_deadline is already past and the caller
-- comes back at once.
CREATE FUNCTION cg_internal.escalate_due() RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    v_id bigint;
    v_fired integer := 0;
    v_failed jsonb := '[]';
    v_skip bigint[] := '{}';
    v_skip_cases bigint[] := '{}';
    v_state text;
    v_msg text;
BEGIN
    FOR v_id IN
        SELECT r.id FROM reports r
        WHERE r.next_deadline <= now()
        ORDER BY r.next_deadline, r.id
        LIMIT 500
        FOR UPDATE SKIP LOCKED
    LOOP
        -- Each report in its own subtransaction: one that fails is rolled
        -- back alone and reported, and the others still fire.
        BEGIN
            v_fired := v_fired + cg_internal.report_fire_due(v_id);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT;
            v_failed := v_failed || jsonb_build_object('report', v_id, 'sqlstate', v_state, 'error', v_msg);
            v_skip := v_skip || v_id;
        END;
    END LOOP;
    FOR v_id IN
        SELECT k.id FROM cases k
        WHERE k.next_deadline <= now()
        ORDER BY k.next_deadline, k.id
        LIMIT 500
        FOR UPDATE SKIP LOCKED
    LOOP
        BEGIN
            v_fired := v_fired + cg_internal.case_fire_due(v_id);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT;
            v_failed := v_failed || jsonb_build_object('case', v_id, 'sqlstate', v_state, 'error', v_msg);
            v_skip_cases := v_skip_cases || v_id;
        END;
    END LOOP;
    -- The failed ones are not what the engine waits for next (it would spin
    -- on them): they are tried again at the next wake-up.
    RETURN jsonb_build_object('fired', v_fired, 'failed', v_failed,
                              'next_deadline', cg_internal.next_deadline(v_skip, v_skip_cases));
END
$$;

-- ---------------------------------------------------------------------------
-- The API
-- ---------------------------------------------------------------------------

-- The report p_id for a request by a: CG003 when p_id is 0, CG005 when there
-- is none, CG007 when a may not see it (p_mode 'see') or handle it (p_mode
-- 'handle': its unit or hq; the row is locked FOR UPDATE first, and the steps
-- already due fire before the change, so an acknowledgement that comes after
-- a deadline the engine has not processed yet still leaves that step on the
-- record).
CREATE FUNCTION cg_internal.report_target(a accounts, p_id bigint, p_mode text) RETURNS reports
LANGUAGE plpgsql AS $$
DECLARE
    r reports;
BEGIN
    IF p_id = 0 THEN
        PERFORM cg_internal.check('id', cg_internal.missing());
    END IF;
    IF p_mode = 'handle' THEN
        SELECT * INTO r FROM reports WHERE id = p_id FOR UPDATE;
    ELSE
        SELECT * INTO r FROM reports WHERE id = p_id;
    END IF;
    IF NOT FOUND OR NOT cg_internal.can_see_report(a, r.unit_code, r.property_account, r.reporter) THEN
        PERFORM cg_internal.fail('CG005', 'id', format('report %s not found', p_id),
                                 'report.not_found', jsonb_build_object('id', p_id));
    END IF;
    IF p_mode = 'handle' AND NOT cg_internal.can_change(a, r.unit_code) THEN
        PERFORM cg_internal.fail('CG007', 'id', format('report %s may not be handled by you', p_id),
                                 'report.not_yours', jsonb_build_object('id', p_id));
    END IF;
    IF p_mode = 'handle' AND cg_internal.report_fire_due(p_id) > 0 THEN
        SELECT * INTO r FROM reports WHERE id = p_id;
    END IF;
    RETURN r;
END
$$;

-- ReportSubmit -> Report. A report for a compound and category that already
-- has an open report filed within that report's dedup window is attached to
-- it (duplicates + 1, attached true) instead of starting a new ladder.
CREATE FUNCTION cg_api.report_submit(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'report.submit');
    v_prev jsonb;
    rq jsonb := CASE WHEN jsonb_typeof(p_req -> 'report') = 'object' THEN p_req -> 'report' ELSE '{}'::jsonb END;
    v_compound_id bigint;
    v_category bigint;
    v_text text;
    v_location text;
    v_dissuasion boolean;
    v_illegal boolean;
    c cg_internal.compound_docs;
    v_open reports;
    v_ack bigint;
    v_supervision bigint;
    v_resolve bigint;
    v_remind bigint;
    v_dedup bigint;
    v_nobody text;
    v_work_order text;
    v_id bigint;
    v_now timestamptz;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'report_submit', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    v_compound_id := cg_internal.req_int(rq, 'compound_id');
    v_category := cg_internal.req_int(rq, 'category');
    v_text := cg_internal.clean(rq ->> 'text');
    v_location := cg_internal.clean(rq ->> 'location');
    v_dissuasion := coalesce((rq ->> 'dissuasion_failed')::boolean, false);
    v_illegal := coalesce((rq ->> 'illegal_construction')::boolean, false);
    PERFORM cg_internal.check('compound_id', CASE WHEN v_compound_id = 0 THEN cg_internal.missing() END);
    PERFORM cg_internal.check('category', cg_internal.category_problem(rq -> 'category'));
    PERFORM cg_internal.check('illegal_construction', cg_internal.illegal_construction_problem(v_illegal, v_category));
    PERFORM cg_internal.check('text', cg_internal.text_problem(v_text, 2000, true, true));
    PERFORM cg_internal.check('location', cg_internal.text_problem(v_location, 200, false, false));
    v_work_order := cg_internal.work_order_of(a, rq ->> 'work_order', 'reports');

    -- The compound, locked: one submission at a time per compound, so that two
    -- at once cannot both start a ladder, and it cannot close meanwhile.
    PERFORM 1 FROM compounds WHERE id = v_compound_id FOR NO KEY UPDATE;
    SELECT * INTO c FROM cg_internal.compound_docs WHERE id = v_compound_id;
    -- (the filers, hq, units and property companies, may file on exactly the
    -- compounds they see: any other is not found, like one that does not exist)
    IF NOT FOUND OR NOT cg_internal.can_see(a, c.unit_code, c.property_account) THEN
        PERFORM cg_internal.fail('CG005', 'compound_id', format('compound %s not found', v_compound_id),
                                 'compound.not_found', jsonb_build_object('id', v_compound_id));
    END IF;
    PERFORM cg_internal.require_open(c);

    -- Dedup: the open report of this compound and category whose own dedup
    -- window ends last (the newest, unless the window setting changed in
    -- between), still within it, that the caller may read: the reply is that
    -- report, so one the caller may not read (a unit's, filed before the
    -- compound was linked to this property company) is never joined; the
    -- caller's report starts its own ladder instead. The clock, not now():
    -- this transaction may have started before the open report's, then
    -- waited for the compound's lock, and a window of 0 must join nothing.
    -- Taken into a variable, so that the window test is a condition on
    -- reports_dedup_idx (compound, category, end of window) and the scan
    -- reads only the reports still in their window: with clock_timestamp()
    -- itself in the WHERE (volatile, so no index condition) and the newest
    -- by id, the planner walked every open report of the city by id (6 ms a
    -- submit at 27,000 open reports; docs/performance.md).
    v_now := clock_timestamp();
    SELECT * INTO v_open FROM reports r
    WHERE r.compound_id = c.id AND r.category = v_category AND r.status <> 'resolved'
      AND r.dedup_until > v_now
      AND v_work_order = ''  -- a hotline work order is followed on its own report
      AND cg_internal.can_see_report(a, r.unit_code, r.property_account, r.reporter)
    ORDER BY r.dedup_until DESC, r.id DESC
    LIMIT 1
    FOR UPDATE;
    IF FOUND THEN
        UPDATE reports SET duplicates = duplicates + 1, updated_at = now() WHERE id = v_open.id;
        RETURN cg_internal.idem_end(a, p_req, cg_internal.report_step(v_open.id, 'duplicate', a.name, v_open.level,
            v_text || CASE WHEN v_location <> '' THEN ' @ ' || v_location ELSE '' END
                   || CASE WHEN v_dissuasion THEN '（劝阻无效 / dissuasion failed）' ELSE '' END
                   || CASE WHEN v_illegal THEN '（违法搭建 / illegal construction）' ELSE '' END,
            'report.duplicate',
            format('报告 #%s 又被报告一次（共 %s 次重复）/ report %s reported again (duplicates: %s)',
                   v_open.id, v_open.duplicates + 1, v_open.id, v_open.duplicates + 1))
            || '{"attached": true}'::jsonb);
    END IF;

    v_ack := cg_internal.setting_ms('ack_timeout_ms', 900000, 0);
    v_supervision := cg_internal.setting_ms('supervision_timeout_ms', 3600000, 0);
    v_resolve := cg_internal.setting_ms('resolve_timeout_ms', 86400000, 0);
    v_remind := cg_internal.setting_ms('remind_every_ms', 14400000, 100);
    v_dedup := cg_internal.setting_ms('dedup_window_ms', 7200000, 0);
    -- Accepted all the same when nobody can be called: the reply, the event
    -- and the top of the unit's list say so.
    v_nobody := CASE WHEN c.grid_officer_id IS NULL THEN 'no_grid_officer'
                     WHEN c.entered_on IS NULL THEN 'not_entered' ELSE '' END;
    INSERT INTO reports (compound_id, unit_code, grid_officer_id, category, text, location, dissuasion_failed,
                         illegal_construction, reporter, property_account, ack_timeout_ms, supervision_timeout_ms,
                         resolve_timeout_ms, remind_every_ms, dedup_window_ms, ack_due, supervision_due, dedup_until,
                         nobody_to_call, work_order)
    VALUES (c.id, c.unit_code, c.grid_officer_id, v_category, v_text, v_location, v_dissuasion, v_illegal,
            a.name, CASE WHEN a.role = 'property' THEN a.name ELSE c.property_account END,
            v_ack, v_supervision, v_resolve, v_remind, v_dedup,
            now() + cg_internal.ms(v_ack), now() + cg_internal.ms(v_supervision), now() + cg_internal.ms(v_dedup),
            v_nobody, v_work_order)
    RETURNING id INTO v_id;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.report_step(v_id, 'filed', a.name, 0,
        CASE WHEN v_dissuasion THEN '劝阻无效 / dissuasion failed' ELSE '' END,
        'report.filed',
        format('新报告 #%s：%s，%s%s%s / new report %s at %s, category %s',
               v_id, c.doc ->> 'name', cg_internal.category_zh(v_category::integer),
               CASE WHEN v_illegal THEN '（违法搭建）' ELSE '' END,
               CASE WHEN v_dissuasion THEN '（劝阻无效）' ELSE '' END,
               v_id, c.doc ->> 'name', v_category)
        || CASE v_nobody
               WHEN 'no_grid_officer' THEN '；无人可叫：小区未指定网格员 / nobody to call: no grid officer'
               WHEN 'not_entered' THEN '；无人可叫：小区尚未进驻 / nobody to call: compound not entered'
               ELSE '' END));
END
$$;

-- ReportGet -> Report, with its timeline
CREATE FUNCTION cg_api.report_get(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'report.get');
    r reports;
BEGIN
    r := cg_internal.report_target(a, cg_internal.req_int(p_req, 'id'), 'see');
    -- with the supervision orders on it (step5_orders.sql)
    RETURN cg_internal.report_doc(r.id)
           || jsonb_build_object('timeline', cg_internal.with_orders(a, cg_internal.report_timeline_doc(r.id), r.id, 0));
END
$$;

-- ReportList -> ReportListReply: newest first, paged by after_id; no timelines.
CREATE FUNCTION cg_api.report_list(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'report.list');
    v_open boolean := coalesce((p_req ->> 'open')::boolean, false);
    v_unit text;
    v_level bigint := cg_internal.req_int(p_req, 'level');
    v_work_order text := cg_internal.clean(p_req ->> 'work_order');
    v_after bigint := cg_internal.req_int(p_req, 'after_id');
    v_limit integer := cg_internal.page_limit(p_req);
    v_result jsonb;
BEGIN
    v_unit := cg_internal.unit_filter(a, p_req ->> 'unit');
    PERFORM cg_internal.check('level', cg_internal.range_problem(v_level, 0, 2));
    PERFORM cg_internal.check('after_id', cg_internal.range_problem(v_after, 0, 9223372036854775807));
    -- The first page starts with the unresolved reports that had nobody to
    -- call (the newest of them, as many as the page holds: someone must step
    -- in), then every other report newest first; later pages hold only the
    -- others (the same first-page set is computed again and left out).
    WITH matching AS NOT MATERIALIZED (
        SELECT d.id, d.doc, d.status <> 'resolved' AND d.nobody_to_call <> '' AS attention
        FROM cg_internal.report_docs d
        WHERE cg_internal.can_see_report(a, d.unit_code, d.property_account, d.reporter)
          AND (NOT cg_internal.unit_member(a) OR d.unit_code = a.unit_code)
          AND (a.role <> 'property' OR d.property_account = a.name)
          AND (NOT v_open OR d.status <> 'resolved')
          AND (v_unit IS NULL OR d.unit_code = v_unit)
          AND d.level >= v_level
          AND (v_work_order = '' OR d.work_order = v_work_order)
    ),
    top_set AS MATERIALIZED (
        SELECT t.id, t.doc FROM (
            SELECT m.id, m.doc, cg_internal.in_page(row_number() OVER (ORDER BY m.id DESC),
                                   sum(octet_length(m.doc::text)) OVER (ORDER BY m.id DESC), v_limit) AS shown
            FROM (SELECT m.id, m.doc FROM matching m WHERE m.attention ORDER BY m.id DESC LIMIT v_limit) m) t
        WHERE t.shown
    ),
    rest AS (
        SELECT m.id, m.doc FROM matching m
        WHERE (v_after = 0 OR m.id < v_after) AND m.id NOT IN (SELECT t.id FROM top_set t)
        ORDER BY m.id DESC
        LIMIT v_limit + 1
    ),
    page AS (
        SELECT x.id, x.doc, x.top,
               x.top OR cg_internal.in_page(row_number() OVER w, sum(octet_length(x.doc::text)) OVER w,
                                            (v_limit + count(*) FILTER (WHERE x.top) OVER ())::integer) AS kept
        FROM (SELECT t.id, t.doc, true AS top FROM top_set t WHERE v_after = 0
              UNION ALL
              SELECT r.id, r.doc, false FROM rest r) x
        WINDOW w AS (ORDER BY x.top DESC, x.id DESC)
    )
    SELECT jsonb_build_object(
               'reports', coalesce(jsonb_agg(page.doc ORDER BY page.top DESC, page.id DESC) FILTER (WHERE page.kept),
                                   '[]'::jsonb),
               -- (when no other report fits after the first ones: from the newest other)
               'next_after_id', CASE WHEN NOT bool_and(page.kept)
                                     THEN coalesce(min(page.id) FILTER (WHERE page.kept AND NOT page.top),
                                                   max(page.id) FILTER (WHERE NOT page.top) + 1)
                                     ELSE 0 END)
    INTO v_result
    FROM page;
    RETURN v_result;
END
$$;

-- ReportAck -> Report: the grid officer steps in; stops the acknowledgement
-- steps of the ladder and starts the resolve deadline.
CREATE FUNCTION cg_api.report_ack(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'report.ack');
    v_prev jsonb;
    v_officer_id bigint;
    r reports;
    o officers;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'report_ack', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    v_officer_id := cg_internal.req_int(p_req, 'officer_id');
    PERFORM cg_internal.check('officer_id', CASE WHEN v_officer_id = 0 THEN cg_internal.missing() END);
    r := cg_internal.report_target(a, cg_internal.req_int(p_req, 'id'), 'handle');
    IF r.status <> 'open' THEN
        PERFORM cg_internal.fail('CG009', NULL, format('report %s was already acknowledged', r.id),
                                 'report.already_acknowledged', jsonb_build_object('id', r.id));
    END IF;
    o := cg_internal.officer_for(a, v_officer_id, r.unit_code, 'officer_id');
    UPDATE reports SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = a.name, officer_id = o.id,
                       resolve_due = now() + cg_internal.ms(r.resolve_timeout_ms), updated_at = now()
    WHERE id = r.id;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.report_step(r.id, 'acknowledged', a.name, r.level, format('%s (%s)', o.name, o.id),
        'report.acknowledged',
        format('报告 #%s 已由 %s 确认 / report %s acknowledged: officer %s', r.id, o.name, r.id, o.name)));
END
$$;

-- ReportResolve -> Report: stops everything.
CREATE FUNCTION cg_api.report_resolve(p_account text, p_req jsonb) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    a accounts := cg_internal.caller(p_account);
    v_scope text := cg_internal.authorize(a, 'report.resolve');
    v_prev jsonb;
    v_outcome text := lower(cg_internal.clean(p_req ->> 'outcome'));
    v_note text := cg_internal.clean(p_req ->> 'note');
    r reports;
BEGIN
    v_prev := cg_internal.idem_begin(a, 'report_resolve', p_req);
    IF v_prev IS NOT NULL THEN
        RETURN v_prev;
    END IF;
    PERFORM cg_internal.check('outcome', cg_internal.one_of_problem(v_outcome, '{stopped,case_needed,unfounded,referred}', true));
    PERFORM cg_internal.check('note', cg_internal.text_problem(v_note, 2000, true, true));
    r := cg_internal.report_target(a, cg_internal.req_int(p_req, 'id'), 'handle');
    IF r.status = 'open' THEN
        PERFORM cg_internal.fail('CG009', NULL, format('report %s is not acknowledged: acknowledge the report first', r.id),
                                 'report.not_acknowledged', jsonb_build_object('id', r.id));
    END IF;
    IF r.status = 'resolved' THEN
        PERFORM cg_internal.fail('CG009', NULL, format('report %s was already resolved', r.id),
                                 'report.already_resolved', jsonb_build_object('id', r.id));
    END IF;
    UPDATE reports SET status = 'resolved', resolved_at = now(), resolved_by = a.name, outcome = v_outcome,
                       resolve_note = v_note, updated_at = now()
    WHERE id = r.id;
    RETURN cg_internal.idem_end(a, p_req, cg_internal.report_step(r.id, 'resolved', a.name, r.level, v_outcome || ': ' || v_note,
        'report.resolved',
        format('报告 #%s 已处置：%s / report %s resolved: %s', r.id, cg_internal.outcome_zh(v_outcome), r.id, v_outcome)));
END
$$;
