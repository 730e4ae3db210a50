#include "events.h"

#include "envelope.h"
#include "error.h"
#include "escalation.h"
#include "log.h"
#include "proto_json.h"
#include "request.h"
#include "server.h"
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHANNEL       "cg_events"
#define READ_BATCH    1000
#define REPOLL_MIN_MS 20
#define REPOLL_MAX_MS 1000
/* However quiet the doorbell, read this often: a doorbell can be lost (a
 * NOTIFY refused by a full queue, a read that failed without the connection
 * breaking), and this bounds how late an event can be then. */
#define SAFETY_POLL_MS 5000
/* Reads start at least this far apart. Each read numbers what committed
 * since the last and commits that, a write of its own: one per write at one
 * busy writer cost the database as much as the writes themselves
 * (docs/performance.md, "Step 8, second pass"). Paced, the reads of a busy
 * server carry several events each, and an event waits at most this long
 * more. */
#define READ_GAP_MS 5
/* After the last read, how long before asking whether events wait that no
 * doorbell announced (check_pending). */
#define CHECK_DELAY_MS 20

/* Columns of cg_internal.events_after: seq, the keys it is delivered on
 * (" all unit:dawa officer:7 "), event (JSON). */
#define READ_SQL "SELECT seq, keys, event::text FROM cg_internal.events_after($1, $2, $3)"
enum { COL_SEQ, COL_KEYS, COL_EVENT };

/* The newest seq given out. */
#define HEAD_SQL "SELECT cg_internal.events_max_seq()"

/* The fan-out's read: READ_SQL's rows (or, when there are none, one whose
 * seq is NULL) with one more column, the next deadline (RFC 3339 or ''),
 * for the escalation timer: so a deadline that a write here or on another
 * instance set is known with no query of its own. (Computed once, in a
 * materialized CTE: as a subquery it was pulled up into the join and ran
 * once per event row.) RING_SQL also rings the
 * doorbell for the other instances (this connection ignores its own
 * notifications). */
#define LIVE_SQL(from)                                                                             \
    "WITH d AS MATERIALIZED (SELECT cg_internal.next_deadline() AS due" from ") "                  \
    "SELECT r.*, d.due FROM d LEFT JOIN (" READ_SQL ") r ON true"
#define FEED_SQL LIVE_SQL("")
#define RING_SQL LIVE_SQL(" FROM pg_notify('" CHANNEL "', '')")

static void read_events(cg_events *e);
static void catch_up(cg_events *e, cg_session *s);

/* Is row i of res for session s: is its key among the event's. Who gets
 * which key, and which event carries it, is the SQL's to say
 * (cg_internal.event_key, event_keys: sql/api/reports.sql), the one rule
 * that the catch-up applies too. */
static int in_scope(const cg_session *s, const PGresult *res, int i)
{
    const char *keys = PQgetvalue(res, i, COL_KEYS);
    size_t n = strlen(s->event_key);
    if (n == 0)
        return 0;
    for (const char *p = strstr(keys, s->event_key); p != NULL; p = strstr(p + 1, s->event_key))
        if (p > keys && p[-1] == ' ' && p[n] == ' ')
            return 1;
    return 0;
}

/* Packs row i (an Event as JSON) into one frame with envelope id 0. 0 or -1
 * after logging. */
static int pack_event(const PGresult *res, int i, cg_buf *frame)
{
    json_error_t jerr;
    json_t *j = json_loads(PQgetvalue(res, i, COL_EVENT), 0, &jerr);
    char why[256] = "not JSON";
    ProtobufCMessage *m =
        j ? cg_proto_from_json(&chengguan__v1__event__descriptor, j, why, sizeof why) : NULL;
    json_decref(j);
    if (m == NULL) {
        cg_log_kv(CG_LOG_ERROR, "bad_event", "seq", PQgetvalue(res, i, 0), "error", why,
                  CG_LOG_END);
        return -1;
    }
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_EVENT;
    env.event = (Chengguan__V1__Event *)m;
    int rc = cg_envelope_write(frame, &env, SIZE_MAX);
    protobuf_c_message_free_unpacked(m, NULL);
    return rc == 0 ? 0 : -1;
}

/* Pushes the events of res (in seq order) to the live sessions in scope. */
static void fan_out(cg_events *e, const PGresult *res)
{
    for (int i = 0; i < PQntuples(res); i++) {
        if (PQgetisnull(res, i, COL_SEQ)) /* no events, only the deadline */
            continue;
        uint64_t seq = strtoull(PQgetvalue(res, i, 0), NULL, 10);
        /* Packed once, on the first session that wants it, then the same
         * bytes go to every other one. */
        cg_buf frame = CG_BUF_INIT;
        int packed = 0;
        for (cg_session *s = e->server->sessions; s != NULL; s = s->next) {
            if (s->sub_state != CG_SUB_LIVE || seq <= s->sub_cursor || !in_scope(s, res, i))
                continue;
            if (!packed) {
                if (pack_event(res, i, &frame) != 0)
                    break;
                packed = 1;
            }
            s->sub_cursor = seq;
            cg_session_send_frame(s, cg_buf_head(&frame), cg_buf_pending(&frame));
            e->server->metrics.events_pushed++;
        }
        cg_buf_free(&frame);
        e->frontier = seq;
    }
}

static void start(cg_events *e);

static void check_pending(cg_events *e);

static void on_repoll(uv_timer_t *t)
{
    cg_events *e = t->data;
    if (e->checking) {
        e->checking = 0;
        if (!e->reading && !e->paced) /* else that read asks again after it */
            check_pending(e);
    } else if (e->started) {
        read_events(e);
    } else {
        start(e);
    }
}

/* The next read: soon while events wait or after a failure (backing off),
 * else the safety poll. */
static void schedule(cg_events *e, int soon)
{
    if (e->closed != NULL)
        return;
    e->checking = 0;
    if (soon) {
        e->repoll_ms = e->repoll_ms ? e->repoll_ms * 2 : REPOLL_MIN_MS;
        if (e->repoll_ms > REPOLL_MAX_MS)
            e->repoll_ms = REPOLL_MAX_MS;
    } else {
        e->repoll_ms = 0;
    }
    uv_timer_start(&e->repoll, on_repoll, soon ? e->repoll_ms : SAFETY_POLL_MS, 0);
}

/* Events still waiting for their transactions (no seq yet), or numbered by
 * another reader after this one's read: look again soon, backing off while
 * they stay. */
static void on_pending(void *arg, int status, const PGresult *res)
{
    cg_events *e = arg;
    schedule(e, status != 0 || strtoll(PQgetvalue(res, 0, 0), NULL, 10) > 0);
}

/* Asks whether events wait that a read could not number (their
 * transactions committed while it ran) or that another instance numbered
 * past the frontier: their doorbells ring for them, this is for one lost. */
static void check_pending(cg_events *e)
{
    char after[24];
    snprintf(after, sizeof after, "%llu", (unsigned long long)e->frontier);
    const char *params[] = {after};
    if (cg_db_query(e->listen, "SELECT cg_internal.events_pending() + cg_internal.events_past($1)",
                    1, params, on_pending, e) != 0)
        schedule(e, 1);
}

static void on_read(void *arg, int status, const PGresult *res)
{
    cg_events *e = arg;
    int rang = e->rang;
    e->reading = 0;
    e->rang = 0;
    if (e->closed != NULL)
        return;
    if (status != 0) {
        /* Read again from the frontier: soon, or when the connection is back.
         * A doorbell that may not have rung rings with the next read. */
        e->ring |= rang;
        if (status != CG_EUNAVAILABLE)
            cg_log_kv(CG_LOG_ERROR, "events_read_failed", "error",
                      res ? PQresultErrorMessage(res) : cg_strerror(status), CG_LOG_END);
        schedule(e, 1);
        return;
    }
    fan_out(e, res);
    cg_escalation_due(&e->server->escalation, PQgetvalue(res, 0, PQnfields(res) - 1));
    if (PQntuples(res) == READ_BATCH || e->read_again) {
        e->read_again = 0;
        read_events(e);
        return;
    }
    /* The check waits until the reads stop for CHECK_DELAY_MS: a read that
     * starts meanwhile covers it. (Run after every read, at one busy writer
     * it cost a fifth as much as the reads.) */
    e->checking = 1;
    uv_timer_start(&e->repoll, on_repoll, CHECK_DELAY_MS, 0);
}

static void on_pace(uv_timer_t *t)
{
    cg_events *e = t->data;
    e->paced = 0;
    read_events(e);
}

static void read_events(cg_events *e)
{
    if (!e->started || e->closed != NULL)
        return;
    if (e->reading) {
        e->read_again = 1;
        return;
    }
    if (e->paced)
        return;
    uint64_t now = uv_now(e->server->loop);
    if (e->read_at && now < e->read_at + READ_GAP_MS) {
        e->paced = 1;
        uv_timer_start(&e->pace, on_pace, e->read_at + READ_GAP_MS - now, 0);
        return;
    }
    char after[24], limit[16];
    snprintf(after, sizeof after, "%llu", (unsigned long long)e->frontier);
    snprintf(limit, sizeof limit, "%d", READ_BATCH);
    const char *params[] = {after, limit, NULL};
    if (cg_db_query(e->listen, e->ring ? RING_SQL : FEED_SQL, 3, params, on_read, e) == 0) {
        e->read_at = now;
        e->reading = 1;
        e->rang = e->ring;
        e->ring = 0;
    } else {
        schedule(e, 1);
    }
}

static void on_head(void *arg, int status, const PGresult *res)
{
    cg_events *e = arg;
    if (status != 0 && status != CG_EUNAVAILABLE)
        cg_log_kv(CG_LOG_ERROR, "events_start_failed", "error",
                  res ? PQresultErrorMessage(res) : cg_strerror(status), CG_LOG_END);
    if (e->closed != NULL)
        return;
    if (status != 0) {
        schedule(e, 1);
        return;
    }
    e->frontier = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
    e->started = 1;
    /* Sessions that went live before the frontier was known may be behind
     * it: they catch up from the database first. */
    for (cg_session *s = e->server->sessions; s != NULL; s = s->next)
        if (s->sub_state == CG_SUB_LIVE && s->sub_cursor < e->frontier) {
            s->sub_state = CG_SUB_CATCHUP;
            catch_up(e, s);
        }
    cg_log_line l;
    cg_log_begin(&l, CG_LOG_INFO, "events_started");
    cg_log_int(&l, "head_seq", (long long)e->frontier);
    cg_log_end(&l);
    read_events(e);
}

static void on_listen(void *arg, int status, const PGresult *res)
{
    if (status != 0 && status != CG_EUNAVAILABLE)
        cg_log_kv(CG_LOG_ERROR, "events_listen_failed", "error",
                  res ? PQresultErrorMessage(res) : cg_strerror(status), CG_LOG_END);
}

/* Learns the head seq: the frontier from which this instance fans out. */
static void start(cg_events *e)
{
    if (cg_db_query(e->listen, HEAD_SQL, 0, NULL, on_head, e) != 0)
        schedule(e, 1);
}

/* The listening connection came up (first time or after an outage): listen,
 * then read whatever was written meanwhile. */
static void on_ready(void *arg)
{
    cg_events *e = arg;
    cg_db_query(e->listen, "LISTEN " CHANNEL, 0, NULL, on_listen, e);
    if (e->started)
        read_events(e);
    else
        start(e);
}

/* Another instance rang: read (the read also brings the next deadline). */
static void on_notify(void *arg, const char *channel)
{
    cg_events *e = arg;
    read_events(e);
}

int cg_events_start(cg_events *e, cg_server *server, const char *conninfo)
{
    memset(e, 0, sizeof *e);
    e->server = server;
    uv_timer_init(server->loop, &e->repoll);
    e->repoll.data = e;
    uv_timer_init(server->loop, &e->pace);
    e->pace.data = e;
    cg_db_options o = {
        .conninfo = conninfo,
        .pool_size = 1,
        .queue_size = 16,
        .on_ready = on_ready,
        .on_notify = on_notify,
        .arg = e,
    };
    e->listen = cg_db_new(server->loop, &o);
    if (e->listen == NULL) {
        cg_log_kv(CG_LOG_ERROR, "events_setup_failed", "error", "out of memory", CG_LOG_END);
        uv_close((uv_handle_t *)&e->repoll, NULL);
        uv_close((uv_handle_t *)&e->pace, NULL);
        return -1;
    }
    return 0;
}

void cg_events_ring(cg_events *e)
{
    e->ring = 1;
    read_events(e);
}

/* --- catching up ------------------------------------------------------- */

/* A catch-up is sent as the peer reads, never queued all at once: rows go
 * out while the session's unsent output is under the high-water mark, and
 * the next batch is read only once it is back under the low-water mark (on
 * a write completion, cg_events_drained). A reader that pauses therefore
 * holds at most about max_output_bytes / 2 of catch-up; only live events,
 * which cannot wait, fill max_output_bytes and cut off a reader that
 * stopped for good. */
#define CATCHUP_EVENT_GUESS 512 /* bytes: sizes a batch to what the window takes */
#define CATCHUP_MIN_BATCH   16

static size_t low_water(const cg_session *s)
{
    return (size_t)s->server->cfg->max_output_bytes / 4;
}

static size_t high_water(const cg_session *s)
{
    return (size_t)s->server->cfg->max_output_bytes / 2;
}

/* Rows to read at once: about what fits between the marks (rows read past
 * the high-water mark are read again later), at most READ_BATCH. */
static int batch_rows(const cg_session *s)
{
    size_t rows = (high_water(s) - low_water(s)) / CATCHUP_EVENT_GUESS;
    return rows < CATCHUP_MIN_BATCH ? CATCHUP_MIN_BATCH
           : rows > READ_BATCH      ? READ_BATCH
                                    : (int)rows;
}

typedef struct {
    cg_events *events;
    cg_request *request; /* holds the session; detached if it goes away */
    uint64_t frontier;   /* the fan-out's frontier when the read was sent */
    int rows;            /* asked for */
} catchup;

static const cg_route catchup_route = {CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBE, "subscribe.catchup",
                                       NULL, NULL, 0};

static void on_catchup(void *arg, int status, const PGresult *res)
{
    catchup *c = arg;
    cg_request *r = c->request;
    cg_session *s = r->session;
    cg_events *e = c->events;
    uint64_t frontier = c->frontier;
    int rows = c->rows;
    free(c);
    if (s == NULL) {
        cg_request_end(r);
        return;
    }
    if (status != 0) {
        /* The stream cannot go on without gaps: end it; the client
         * resubscribes from its last seq. */
        cg_request_fail(r, status, "event stream interrupted, subscribe again", NULL);
        cg_session_close_gracefully(s);
        return;
    }
    int more = PQntuples(res) == rows;
    for (int i = 0; i < PQntuples(res); i++) {
        uint64_t seq = strtoull(PQgetvalue(res, i, 0), NULL, 10);
        if (seq <= s->sub_cursor)
            continue;
        if (cg_session_unsent(s) >= high_water(s)) {
            more = 1; /* the rest is read again once the peer has read */
            break;
        }
        cg_buf frame = CG_BUF_INIT;
        if (pack_event(res, i, &frame) == 0) {
            cg_session_send_frame(s, cg_buf_head(&frame), cg_buf_pending(&frame));
            r->server->metrics.events_pushed++;
        }
        cg_buf_free(&frame);
        s->sub_cursor = seq;
    }
    cg_request_end(r);
    if (s->state == CG_SESSION_CLOSING)
        return;
    if (!more && s->sub_cursor < frontier)
        s->sub_cursor = frontier; /* nothing of this scope up to there */
    if (!more && s->sub_cursor >= e->frontier)
        s->sub_state = CG_SUB_LIVE;
    else
        catch_up(e, s);
}

/* Reads the session's next batch, or waits for its output to drain. */
static void catch_up(cg_events *e, cg_session *s)
{
    if (cg_session_unsent(s) >= low_water(s)) {
        s->sub_draining = 1;
        return;
    }
    catchup *c = malloc(sizeof *c);
    cg_request *r = c ? cg_request_new(s, 0, &catchup_route) : NULL;
    if (r == NULL) {
        free(c);
        cg_session_send_error(s, 0, CG_ERESOURCE_EXHAUSTED, "out of memory", NULL);
        cg_session_close_gracefully(s);
        return;
    }
    *c = (catchup){e, r, e->frontier, batch_rows(s)};
    char after[24], limit[16];
    snprintf(after, sizeof after, "%llu", (unsigned long long)s->sub_cursor);
    snprintf(limit, sizeof limit, "%d", c->rows);
    const char *params[] = {after, limit, s->account};
    int rc = cg_db_query(e->server->db, READ_SQL, 3, params, on_catchup, c);
    if (rc != 0)
        on_catchup(c, rc, NULL);
}

void cg_events_drained(cg_events *e, cg_session *s)
{
    if (cg_session_unsent(s) >= low_water(s))
        return;
    s->sub_draining = 0;
    catch_up(e, s);
}

void cg_events_subscribe(cg_events *e, cg_session *s, uint64_t after_seq)
{
    s->sub_cursor = after_seq;
    if (e->started && after_seq >= e->frontier) {
        s->sub_state = CG_SUB_LIVE;
        return;
    }
    s->sub_state = CG_SUB_CATCHUP;
    catch_up(e, s);
}

/* --- Subscribe --------------------------------------------------------- */

/* Answers Subscribed with the head seq, then starts the stream after `after`:
 * the reply comes before any event. */
static void start_stream(cg_request *r, uint64_t after)
{
    cg_session *s = r->session;
    cg_events *events = &r->server->events;
    Chengguan__V1__Subscribed sub = CHENGGUAN__V1__SUBSCRIBED__INIT;
    sub.head_seq = events->frontier;
    cg_envelope reply = CHENGGUAN__V1__ENVELOPE__INIT;
    reply.body_case = CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBED;
    reply.subscribed = &sub;
    cg_request_reply(r, &reply);
    if (s->state != CG_SESSION_CLOSING)
        cg_events_subscribe(events, s, after);
}

/* An after_seq past this instance's frontier: the database's head decides
 * (another instance may have read further). Past it, nothing could ever be
 * delivered: OUT_OF_RANGE. */
static void on_subscribe_head(void *arg, int status, const PGresult *res)
{
    cg_request *r = arg;
    if (r->session == NULL) {
        cg_request_fail(r, CG_ECANCELLED, NULL, NULL);
        return;
    }
    if (status != 0) {
        cg_request_fail_db(r, status, res);
        return;
    }
    uint64_t head = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
    uint64_t after = r->env->subscribe->after_seq;
    if (after > head) {
        char msg[128];
        snprintf(msg, sizeof msg, "after_seq %llu is beyond the head of the stream (%llu)",
                 (unsigned long long)after, (unsigned long long)head);
        cg_request_fail(r, CG_EOUT_OF_RANGE, msg, "after_seq");
        return;
    }
    start_stream(r, after);
}

static void subscribe(cg_request *r, const cg_envelope *env)
{
    cg_session *s = r->session;
    if (s->sub_state != CG_SUB_OFF) {
        cg_request_fail(r, CG_EFAILED_PRECONDITION, "this connection is already subscribed", NULL);
        return;
    }
    cg_events *events = &s->server->events;
    if (!events->started) { /* no head seq to tell yet */
        cg_request_fail(r, CG_EUNAVAILABLE, "the event stream is starting, subscribe again shortly",
                        NULL);
        return;
    }
    const Chengguan__V1__Subscribe *sub = env->subscribe;
    if (sub->from_head || sub->after_seq <= events->frontier) {
        start_stream(r, sub->from_head ? events->frontier : sub->after_seq);
        return;
    }
    int rc = cg_db_query(r->server->db, HEAD_SQL, 0, NULL, on_subscribe_head, r);
    if (rc != 0)
        cg_request_fail_db(r, rc, NULL);
}

static const cg_route routes[] = {
    {CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBE, "subscribe", subscribe, NULL, 0},
};

const cg_route_table cg_events_routes = CG_ROUTE_TABLE(routes);

/* --- closing ------------------------------------------------------------ */

static void on_listen_closed(void *arg)
{
    cg_events *e = arg;
    e->listen = NULL;
    e->closed(e->closed_arg);
}

void cg_events_close(cg_events *e, void (*done)(void *arg), void *arg)
{
    e->closed = done;
    e->closed_arg = arg;
    uv_close((uv_handle_t *)&e->repoll, NULL);
    uv_close((uv_handle_t *)&e->pace, NULL);
    cg_db_close(e->listen, on_listen_closed, e);
}
