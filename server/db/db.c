/*
 * The database pool (see db.h): asynchronous libpq connections driven by
 * uv_poll on the server's loop, with a bounded FIFO of waiting queries.
 *
 * Life of one connection (conn_state):
 *
 *   BACKOFF --timer--> CONNECTING --PQconnectPoll OK--> CHECKING_SCHEMA
 *      ^                   |                                 |
 *      |                   | failure / timeout               | version ok, writable
 *      |                   v                                 v
 *      +--PQfinish--- CLOSING <---- broken / mismatch ----- IDLE <--> BUSY
 *                          |        / read-only
 *                          |
 *                          +--PQfinish, pool closing--> DOWN
 *
 * CLOSING waits for every uv_poll_t of the connection to be closed (its
 * memory is freed in the close callback) before PQfinish closes the socket.
 * When a connection fails, libpq has often closed the socket itself already;
 * uv_close on a poll handle removes the fd from epoll at once, in the same
 * call chain, so nothing else on the loop can have reused the number yet.
 * The query that was in flight on a broken connection is failed with
 * CG_EUNAVAILABLE from that close callback, i.e. never from inside
 * cg_db_query; so cg_db_query never calls a callback, neither the caller's
 * nor anyone else's.
 *
 * Invariant: queries wait in the queue only while no connection is IDLE,
 * except during a completion callback; every transition to IDLE pumps the
 * queue afterwards.
 */
#include "db/db.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/migrations.h"
#include "error.h"
#include "log.h"

#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 10000
/* libpq's connect_timeout only applies to its blocking calls; this bounds
 * PQconnectPoll plus the schema check. */
#define CONNECT_TIMEOUT_MS 10000
#define MAX_PARAMS         65535 /* the protocol's limit */
/* Distinct statements a connection prepares; past this, statements go
 * unnamed (parsed and planned each time) rather than growing without end. */
#define MAX_PREPARED 512
/* Requests in one group commit: under PostgreSQL's 64 cached subtransactions
 * per backend, and a bound on how long the first waits for the COMMIT. */
#define GROUP_MAX 16

typedef enum {
    CONN_DOWN,            /* no PGconn and nothing scheduled: the pool is closing */
    CONN_BACKOFF,         /* no PGconn; the timer starts the next attempt */
    CONN_CONNECTING,      /* PQconnectPoll in progress */
    CONN_CHECKING_SCHEMA, /* connected; the schema_migrations query is in flight */
    CONN_IDLE,            /* ready, nothing in flight */
    CONN_BUSY,            /* ready, one caller's query in flight (req) */
    CONN_CLOSING,         /* poll handles closing; PQfinish follows */
} conn_state;

/* A statement prepared on one connection, named "cg<index>"; the text is
 * a copy, so equal texts at different addresses share it. */
typedef struct {
    uint64_t hash;
    char *sql;
} db_stmt;

/* One caller's query, from cg_db_query until its callback returns. The
 * parameter pointers and strings live in the same allocation. */
typedef struct db_req {
    struct db_req *next;
    const char *sql; /* the caller's string literal, not copied */
    int nparams;
    const char **params;
    cg_db_cb cb;
    void *arg;
    int grouped;   /* may share a transaction (cg_db_query_grouped) */
    PGresult *res; /* in a group: its result, kept until the COMMIT */
} db_req;

/* The statements of a group commit's flight (see group_start). */
typedef enum {
    GROUP_BEGIN,   /* BEGIN */
    GROUP_MARK,    /* SAVEPOINT g, RELEASE SAVEPOINT g, ROLLBACK TO SAVEPOINT g */
    GROUP_PREPARE, /* a member's statement, prepared on this connection */
    GROUP_CALL,    /* a member's statement */
    GROUP_COMMIT,  /* COMMIT */
    GROUP_SYNC,    /* the end of the flight */
} group_step;

/* One statement of a flight, and what became of it. */
typedef struct {
    group_step kind;
    int member; /* GROUP_PREPARE, GROUP_CALL: the index in group[] */
    int stmt;   /* GROUP_PREPARE: the index in stmts */
    int failed; /* its result was an error (not a skip) */
} flight_step;

/* BEGIN or ROLLBACK TO + RELEASE, four a member at most, COMMIT, the Sync. */
#define FLIGHT_MAX (2 + 4 * GROUP_MAX + 2)

typedef struct {
    cg_db *db;
    int id; /* index in the pool, for logs */
    conn_state state;
    PGconn *pg;        /* NULL in DOWN and BACKOFF */
    uv_poll_t *poll;   /* on PQsocket(pg); NULL when not watching */
    int poll_fd;       /* the fd poll was created for */
    int poll_events;   /* what poll is started with (0 = stopped) */
    int polls_closing; /* poll handles whose close callback has not run */
    uv_timer_t timer;  /* back-off, and the connect timeout */
    uint64_t backoff_ms;
    db_req *req;    /* in flight (BUSY), or to be failed (CLOSING) */
    PGresult *last; /* the last result of the statement in flight */
    int preparing;  /* req's statement is being prepared (the last of stmts) */
    db_stmt *stmts; /* prepared on pg; forgotten with it */
    int nstmts, stmts_cap;
    db_req *group[GROUP_MAX];      /* a group commit in flight: its requests... */
    int group_n;                   /* ...how many (0: none)... */
    int group_i;                   /* ...the first one the flight in progress sends */
    flight_step steps[FLIGHT_MAX]; /* the flight's statements, in order... */
    int nsteps, recv;              /* ...how many, and how many have answered */
    PGresult *commit;              /* the flight's COMMIT answered this */
} db_conn;

struct cg_db {
    uv_loop_t *loop;
    char *conninfo;
    int pool_size;
    int queue_size;
    void (*on_schema_mismatch)(void *arg, int found);
    void (*on_ready)(void *arg);
    void (*on_notify)(void *arg, const char *channel);
    void *arg;
    db_conn *conns;
    int ready;     /* connections in IDLE or BUSY */
    int read_only; /* the last schema check found the database read-only (logged once) */
    db_req *qhead, *qtail;
    int qlen;
    int grouping; /* a connection runs a group commit (one at a time) */
    int closing;
    int timers_open; /* after cg_db_close: timers whose close callback is pending */
    void (*done)(void *arg);
    void *done_arg;
};

static void conn_start(db_conn *c);
static void conn_fail(db_conn *c, const char *event, const char *reason);
static void on_poll(uv_poll_t *h, int status, int events);
static void on_timer(uv_timer_t *t);
static void pump(cg_db *db);
static void req_done(db_conn *c);
static void stmts_forget(db_conn *c);

/* ---- small helpers ---------------------------------------------------- */

static int is_ready(conn_state s)
{
    return s == CONN_IDLE || s == CONN_BUSY;
}

/* Changes state and keeps db->ready in step. */
static void set_state(db_conn *c, conn_state s)
{
    c->db->ready += is_ready(s) - is_ready(c->state);
    c->state = s;
}

/* libpq's error text on one line: newlines and tabs folded to one space,
 * trailing white space removed. */
static const char *one_line(const char *msg, char *buf, size_t size)
{
    size_t n = 0;
    int space = 0;
    for (const char *p = msg ? msg : ""; *p && n + 1 < size; p++) {
        if (*p == '\n' || *p == '\t' || *p == '\r' || *p == ' ') {
            space = 1;
            continue;
        }
        if (space && n > 0 && n + 2 < size)
            buf[n++] = ' ';
        space = 0;
        buf[n++] = *p;
    }
    buf[n] = '\0';
    return buf;
}

static const char *pg_reason(db_conn *c, char *buf, size_t size)
{
    one_line(c->pg ? PQerrorMessage(c->pg) : "out of memory", buf, size);
    return buf[0] ? buf : "unknown";
}

/* NOTICE, WARNING and the FATAL a backend sends before it is terminated
 * while idle all arrive here instead of libpq's default stderr printer. */
static void on_notice(void *arg, const PGresult *res)
{
    db_conn *c = arg;
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    int loud = sev && (strcmp(sev, "WARNING") == 0 || strcmp(sev, "ERROR") == 0 ||
                       strcmp(sev, "FATAL") == 0 || strcmp(sev, "PANIC") == 0);
    cg_log_line l;
    cg_log_begin(&l, loud ? CG_LOG_WARN : CG_LOG_DEBUG, "db_notice");
    cg_log_int(&l, "conn", c->id);
    cg_log_str(&l, "severity", sev);
    cg_log_str(&l, "message", msg);
    cg_log_end(&l);
}

static int sqlstate_is_disconnect(const char *s)
{
    return s && (strncmp(s, "08", 2) == 0 || strncmp(s, "57P", 3) == 0);
}

int cg_db_status_of(const PGresult *res)
{
    if (res == NULL)
        return CG_EUNAVAILABLE;
    switch (PQresultStatus(res)) {
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
    case PGRES_SINGLE_TUPLE:
        return 0;
    default:
        break;
    }
    const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (s == NULL || strlen(s) != 5)
        return CG_EINTERNAL;
    if (strncmp(s, "CG0", 3) == 0 && s[3] >= '0' && s[3] <= '9' && s[4] >= '0' && s[4] <= '9') {
        int code = (s[3] - '0') * 10 + (s[4] - '0');
        return code >= 1 && code <= 16 ? -code : CG_EINTERNAL;
    }
    if (strcmp(s, "23505") == 0)
        return CG_EALREADY_EXISTS;
    if (strcmp(s, "23502") == 0 || strcmp(s, "23514") == 0 || strncmp(s, "22", 2) == 0)
        return CG_EINVALID_ARGUMENT;
    if (strcmp(s, "42501") == 0)
        return CG_EPERMISSION_DENIED;
    if (strcmp(s, "P0002") == 0)
        return CG_ENOT_FOUND;
    if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0)
        return CG_EABORTED;
    if (sqlstate_is_disconnect(s))
        return CG_EUNAVAILABLE;
    return CG_EINTERNAL;
}

/* ---- requests and the queue ------------------------------------------- */

static db_req *req_new(const char *sql, int nparams, const char *const *params, cg_db_cb cb,
                       void *arg)
{
    size_t size = sizeof(db_req) + (size_t)nparams * sizeof(char *);
    for (int i = 0; i < nparams; i++)
        if (params[i])
            size += strlen(params[i]) + 1;
    db_req *r = malloc(size);
    if (r == NULL)
        return NULL;
    r->next = NULL;
    r->sql = sql;
    r->nparams = nparams;
    r->params = (const char **)(r + 1);
    r->cb = cb;
    r->arg = arg;
    r->grouped = 0;
    r->res = NULL;
    char *p = (char *)(r->params + nparams);
    for (int i = 0; i < nparams; i++) {
        if (params[i] == NULL) {
            r->params[i] = NULL; /* SQL NULL */
            continue;
        }
        size_t n = strlen(params[i]) + 1;
        memcpy(p, params[i], n);
        r->params[i] = p;
        p += n;
    }
    return r;
}

/* Calls r's callback and frees r. res stays the caller's. */
static void req_finish(db_req *r, int status, const PGresult *res)
{
    r->cb(r->arg, status, res);
    free(r);
}

static db_req *queue_pop(cg_db *db)
{
    db_req *r = db->qhead;
    if (r) {
        db->qhead = r->next;
        if (db->qhead == NULL)
            db->qtail = NULL;
        db->qlen--;
        r->next = NULL;
    }
    return r;
}

/* Fails every queued query with CG_EUNAVAILABLE. One at a time from the
 * head, so a callback that queues again (it cannot while nothing is ready)
 * or closes the pool finds a consistent queue. */
static void queue_fail_all(cg_db *db)
{
    db_req *r;
    while ((r = queue_pop(db)) != NULL)
        req_finish(r, CG_EUNAVAILABLE, NULL);
}

static db_conn *find_idle(cg_db *db)
{
    for (int i = 0; i < db->pool_size; i++)
        if (db->conns[i].state == CONN_IDLE)
            return &db->conns[i];
    return NULL;
}

/* ---- prepared statements ---------------------------------------------- */

/* FNV-1a: statements are found by the hash of their text, then compared. */
static uint64_t sql_hash(const char *sql)
{
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

/* The index of sql among c's prepared statements, or -1. A linear scan: a
 * server has a few hundred statements, and each costs a database round trip. */
static int stmt_find(const db_conn *c, const char *sql, uint64_t hash)
{
    for (int i = 0; i < c->nstmts; i++)
        if (c->stmts[i].hash == hash && c->stmts[i].sql && strcmp(c->stmts[i].sql, sql) == 0)
            return i;
    return -1;
}

/* Appends sql to c's statements (to be prepared); its index, or -1 when the
 * table is full or memory runs out (the statement then goes unnamed). */
static int stmt_add(db_conn *c, const char *sql, uint64_t hash)
{
    if (c->nstmts == MAX_PREPARED)
        return -1;
    if (c->nstmts == c->stmts_cap) {
        int cap = c->stmts_cap ? c->stmts_cap * 2 : 32;
        db_stmt *s = realloc(c->stmts, (size_t)cap * sizeof *s);
        if (s == NULL)
            return -1;
        c->stmts = s;
        c->stmts_cap = cap;
    }
    char *copy = strdup(sql);
    if (copy == NULL)
        return -1;
    c->stmts[c->nstmts] = (db_stmt){hash, copy};
    return c->nstmts++;
}

/* The connection is gone and its statements with it: a new one prepares
 * them again as they are used. */
static void stmts_forget(db_conn *c)
{
    for (int i = 0; i < c->nstmts; i++)
        free(c->stmts[i].sql);
    free(c->stmts);
    c->stmts = NULL;
    c->nstmts = c->stmts_cap = 0;
    c->preparing = 0;
}

static void stmt_name(int i, char *buf, size_t size)
{
    snprintf(buf, size, "cg%d", i);
}

/* ---- shutdown bookkeeping --------------------------------------------- */

static void on_timer_closed(uv_handle_t *h)
{
    db_conn *c = h->data;
    cg_db *db = c->db;
    if (--db->timers_open > 0)
        return;
    void (*done)(void *) = db->done;
    void *done_arg = db->done_arg;
    cg_log_kv(CG_LOG_INFO, "db_closed", CG_LOG_END);
    free(db->conns);
    free(db->conninfo);
    free(db);
    if (done)
        done(done_arg);
}

/* Once the pool is closing and every connection is DOWN, closes the timers;
 * the last timer's close callback frees the pool. Never frees synchronously,
 * so callers up the stack may still touch db. */
static void check_done(cg_db *db)
{
    if (!db->closing || db->timers_open > 0)
        return;
    for (int i = 0; i < db->pool_size; i++)
        if (db->conns[i].state != CONN_DOWN)
            return;
    db->timers_open = db->pool_size;
    for (int i = 0; i < db->pool_size; i++)
        uv_close((uv_handle_t *)&db->conns[i].timer, on_timer_closed);
}

/* ---- closing one connection ------------------------------------------- */

/* All poll handles are gone: PQfinish, then back off (or stay DOWN when the
 * pool is closing), then tell whoever was waiting. */
static void conn_finish(db_conn *c)
{
    cg_db *db = c->db;
    PQclear(c->last);
    c->last = NULL;
    PQfinish(c->pg);
    c->pg = NULL;
    stmts_forget(c);
    db_req *r = c->req; /* NULL while a group is in flight */
    c->req = NULL;
    int group_n = c->group_n;
    if (group_n) {
        PQclear(c->commit);
        c->commit = NULL;
        c->nsteps = c->recv = 0;
        c->group_n = 0;
        db->grouping = 0;
    }
    if (db->closing) {
        set_state(c, CONN_DOWN);
    } else {
        set_state(c, CONN_BACKOFF);
        uv_timer_start(&c->timer, on_timer, c->backoff_ms, 0);
        c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff_ms * 2;
    }
    if (r)
        req_finish(r, CG_EUNAVAILABLE, NULL);
    /* Nothing of a group that did not commit is known to be durable. */
    for (int i = 0; i < group_n; i++) {
        PQclear(c->group[i]->res);
        req_finish(c->group[i], CG_EUNAVAILABLE, NULL);
    }
    if (db->ready == 0)
        queue_fail_all(db);
    check_done(db);
}

static void on_poll_closed(uv_handle_t *h)
{
    db_conn *c = h->data;
    free(h);
    if (--c->polls_closing == 0 && c->state == CONN_CLOSING)
        conn_finish(c);
}

static void poll_close(db_conn *c)
{
    if (c->poll == NULL)
        return;
    c->polls_closing++;
    uv_close((uv_handle_t *)c->poll, on_poll_closed);
    c->poll = NULL;
    c->poll_fd = -1;
    c->poll_events = 0;
}

/* Starts closing c; c->req (if any) is failed once the connection is gone.
 * Synchronous only when c has no poll handle, which means nothing of a
 * caller's can be in flight on it. */
static void conn_close(db_conn *c)
{
    uv_timer_stop(&c->timer);
    set_state(c, CONN_CLOSING);
    poll_close(c);
    if (c->polls_closing == 0)
        conn_finish(c);
}

/* The connection broke or could not be set up: log why, close it, reconnect
 * after the back-off. */
static void conn_fail(db_conn *c, const char *event, const char *reason)
{
    cg_log_line l;
    cg_log_begin(&l, CG_LOG_WARN, event);
    cg_log_int(&l, "conn", c->id);
    cg_log_str(&l, "reason", reason);
    if (!c->db->closing)
        cg_log_int(&l, "retry_ms", (long long)c->backoff_ms);
    cg_log_end(&l);
    conn_close(c);
}

static void conn_fail_pg(db_conn *c)
{
    char buf[512];
    int was_ready = is_ready(c->state);
    conn_fail(c, was_ready ? "db_disconnected" : "db_connect_failed",
              pg_reason(c, buf, sizeof buf));
}

/* ---- the socket --------------------------------------------------------- */

/* Watches PQsocket for events, re-creating the poll handle when libpq has
 * moved to another socket. With force, restarts even an unchanged watch:
 * while connecting, libpq may close its socket and get the same number back
 * for a new one, which epoll would no longer be watching. Returns 0, or -1
 * after failing the connection. */
static int watch(db_conn *c, int events, int force)
{
    int fd = PQsocket(c->pg);
    if (fd < 0) {
        conn_fail_pg(c);
        return -1;
    }
    if (c->poll && c->poll_fd != fd)
        poll_close(c);
    if (c->poll == NULL) {
        uv_poll_t *p = malloc(sizeof *p);
        int err = p ? uv_poll_init(c->db->loop, p, fd) : UV_ENOMEM;
        if (err) {
            free(p);
            conn_fail(c, is_ready(c->state) ? "db_disconnected" : "db_connect_failed",
                      uv_strerror(err));
            return -1;
        }
        p->data = c;
        c->poll = p;
        c->poll_fd = fd;
        c->poll_events = 0;
    }
    if (events != c->poll_events || force) {
        int err = uv_poll_start(c->poll, events, on_poll);
        if (err) {
            conn_fail(c, is_ready(c->state) ? "db_disconnected" : "db_connect_failed",
                      uv_strerror(err));
            return -1;
        }
        c->poll_events = events;
    }
    return 0;
}

/* PQflush, then watch for writability only while libpq still holds output.
 * Returns 0, or -1 after failing the connection. */
static int flush(db_conn *c)
{
    int rc = PQflush(c->pg);
    if (rc < 0) {
        conn_fail_pg(c);
        return -1;
    }
    return watch(c, rc ? UV_READABLE | UV_WRITABLE : UV_READABLE, 0);
}

/* ---- connecting and the schema check ---------------------------------- */

/* The numbered version and the API checksum (see db/migrate.h), and
 * whether the database takes writes. */
static const char schema_sql[] = "SELECT (SELECT coalesce(max(version), 0) FROM schema_migrations),"
                                 " (SELECT checksum FROM schema_api ORDER BY id DESC LIMIT 1),"
                                 " pg_is_in_recovery(), current_setting('transaction_read_only')";

static void on_timer(uv_timer_t *t)
{
    db_conn *c = t->data;
    if (c->state == CONN_BACKOFF)
        conn_start(c);
    else if (c->state == CONN_CONNECTING || c->state == CONN_CHECKING_SCHEMA)
        conn_fail(c, "db_connect_failed", "timed out");
}

static void conn_start(db_conn *c)
{
    cg_db *db = c->db;
    /* dbname with expand_dbname=1 takes the whole conninfo string. */
    const char *const keys[] = {"dbname", "fallback_application_name", NULL};
    const char *const vals[] = {db->conninfo, "chengguand", NULL};
    set_state(c, CONN_CONNECTING);
    c->pg = PQconnectStartParams(keys, vals, 1);
    if (c->pg == NULL || PQstatus(c->pg) == CONNECTION_BAD) {
        conn_fail_pg(c);
        return;
    }
    PQsetNoticeReceiver(c->pg, on_notice, c);
    uv_timer_start(&c->timer, on_timer, CONNECT_TIMEOUT_MS, 0);
    /* libpq: before the first PQconnectPoll, act as if it returned WRITING. */
    watch(c, UV_WRITABLE, 1);
}

static void connect_step(db_conn *c)
{
    switch (PQconnectPoll(c->pg)) {
    case PGRES_POLLING_READING:
        watch(c, UV_READABLE, 1);
        return;
    case PGRES_POLLING_WRITING:
        watch(c, UV_WRITABLE, 1);
        return;
    case PGRES_POLLING_OK:
        break;
    default:
        conn_fail_pg(c);
        return;
    }
    if (PQsetnonblocking(c->pg, 1) != 0 ||
        !PQsendQueryParams(c->pg, schema_sql, 0, NULL, NULL, NULL, NULL, 0)) {
        conn_fail_pg(c);
        return;
    }
    set_state(c, CONN_CHECKING_SCHEMA);
    if (watch(c, UV_READABLE, 1) == 0)
        flush(c);
}

/*
 * The database takes no writes: a hot standby, or default_transaction_read_only
 * on. Every request that matters writes, and the event stream needs LISTEN,
 * so the database counts as unavailable (requests get UNAVAILABLE) and c is
 * retried with its back-off until a check finds it writable (a promotion).
 * One error per pool until then, not one per attempt.
 */
static void refuse_read_only(db_conn *c, int in_recovery)
{
    cg_db *db = c->db;
    if (!db->read_only) {
        cg_log_line l;
        cg_log_begin(&l, CG_LOG_ERROR, "db_read_only");
        cg_log_int(&l, "conn", c->id);
        cg_log_str(&l, "reason",
                   in_recovery ? "in recovery (a standby)" : "default_transaction_read_only is on");
        cg_log_str(&l, "action",
                   in_recovery ? "point database at the primary; requests get UNAVAILABLE until "
                                 "then or until this one is promoted"
                               : "turn default_transaction_read_only off for chengguand's role "
                                 "and database; requests get UNAVAILABLE until then");
        cg_log_end(&l);
    }
    db->read_only = 1;
    conn_close(c);
}

/* The schema query finished (c->last is its result). */
static void schema_checked(db_conn *c)
{
    cg_db *db = c->db;
    PGresult *res = c->last;
    c->last = NULL;
    int found = -1, in_recovery = 0, read_only = 0;
    char api[80] = "";
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        found = atoi(PQgetvalue(res, 0, 0));
        snprintf(api, sizeof api, "%s", PQgetvalue(res, 0, 1));
        in_recovery = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
        read_only = strcmp(PQgetvalue(res, 0, 3), "on") == 0;
    } else {
        const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (s && strcmp(s, "42P01") == 0)
            found = 0; /* no schema_migrations or schema_api: older than any binary with them */
    }
    if (found < 0) {
        char buf[512];
        const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        one_line(msg ? msg : PQerrorMessage(c->pg), buf, sizeof buf);
        PQclear(res);
        conn_fail(c, "db_schema_check_failed", buf);
        return;
    }
    PQclear(res);
    if (in_recovery || read_only) {
        refuse_read_only(c, in_recovery);
        return;
    }
    int latest = cg_migrations_latest();
    if (found != latest) {
        cg_log_line l;
        cg_log_begin(&l, CG_LOG_ERROR, "db_schema_mismatch");
        cg_log_int(&l, "conn", c->id);
        cg_log_int(&l, "found", found);
        cg_log_int(&l, "expected", latest);
        cg_log_end(&l);
        /* Close first: the callback may close the pool. */
        conn_close(c);
        if (db->on_schema_mismatch)
            db->on_schema_mismatch(db->arg, found);
        return;
    }
    if (strcmp(api, cg_api_checksum) != 0) {
        /* Another binary applied its API set since the start-up check: retry
         * until the functions are this binary's again (or it is replaced). */
        cg_log_line l;
        cg_log_begin(&l, CG_LOG_ERROR, "db_api_mismatch");
        cg_log_int(&l, "conn", c->id);
        cg_log_str(&l, "found", api[0] ? api : "none");
        cg_log_str(&l, "expected", cg_api_checksum);
        cg_log_int(&l, "retry_ms", (long long)c->backoff_ms);
        cg_log_end(&l);
        conn_close(c);
        return;
    }
    uv_timer_stop(&c->timer);
    c->backoff_ms = BACKOFF_MIN_MS;
    db->read_only = 0;
    set_state(c, CONN_IDLE);
    {
        cg_log_line l;
        cg_log_begin(&l, CG_LOG_INFO, "db_connected");
        cg_log_int(&l, "conn", c->id);
        cg_log_int(&l, "schema", found);
        cg_log_int(&l, "server_version", PQserverVersion(c->pg));
        cg_log_int(&l, "ready", db->ready);
        cg_log_end(&l);
    }
    /* Before queued queries: what the owner sends here goes first. */
    if (db->on_ready)
        db->on_ready(db->arg);
    pump(db);
}

/* ---- queries ------------------------------------------------------------ */

/* Sends r on the idle connection c: executes its prepared statement, or
 * prepares it first (prepared() then executes it). On failure r stays with c
 * and is failed with CG_EUNAVAILABLE once c is closed; never calls a
 * callback itself. */
static void send_req(db_conn *c, db_req *r)
{
    c->req = r;
    set_state(c, CONN_BUSY);
    uint64_t hash = sql_hash(r->sql);
    int i = stmt_find(c, r->sql, hash);
    char name[16];
    int ok;
    if (i >= 0) {
        stmt_name(i, name, sizeof name);
        ok = PQsendQueryPrepared(c->pg, name, r->nparams, r->params, NULL, NULL, 0);
    } else if ((i = stmt_add(c, r->sql, hash)) >= 0) {
        stmt_name(i, name, sizeof name);
        c->preparing = 1;
        ok = PQsendPrepare(c->pg, name, r->sql, r->nparams, NULL);
    } else {
        ok = PQsendQueryParams(c->pg, r->sql, r->nparams, NULL, r->params, NULL, NULL, 0);
    }
    if (!ok) {
        conn_fail_pg(c);
        return;
    }
    flush(c);
}

/* The Parse of c->req's statement finished (c->last is its result): on
 * success execute it; otherwise forget the statement and answer the
 * request with the error (a bad statement fails like an unnamed one). */
static void prepared(db_conn *c)
{
    c->preparing = 0;
    db_stmt *st = &c->stmts[c->nstmts - 1];
    if (PQresultStatus(c->last) == PGRES_COMMAND_OK) {
        PQclear(c->last);
        c->last = NULL;
        cg_log_line l;
        cg_log_begin(&l, CG_LOG_DEBUG, "db_prepared");
        cg_log_int(&l, "conn", c->id);
        cg_log_int(&l, "stmt", c->nstmts - 1);
        cg_log_str(&l, "sql", st->sql);
        cg_log_end(&l);
        char name[16];
        db_req *r = c->req;
        stmt_name(c->nstmts - 1, name, sizeof name);
        if (!PQsendQueryPrepared(c->pg, name, r->nparams, r->params, NULL, NULL, 0)) {
            conn_fail_pg(c);
            return;
        }
        flush(c);
        return;
    }
    free(st->sql);
    c->nstmts--;
    req_done(c);
}

/* ---- group commit -------------------------------------------------------- */

/*
 * Grouped requests that queue up while every connection is busy go to the
 * next free connection together, as one transaction, sent in one flight in
 * libpq's pipeline mode:
 *
 *   BEGIN
 *   SAVEPOINT g; call 1; RELEASE SAVEPOINT g
 *   SAVEPOINT g; call 2; RELEASE SAVEPOINT g
 *   ...
 *   COMMIT; Sync
 *
 * so the group costs one round trip and one WAL flush. When call k fails
 * the server skips the rest of the flight up to the Sync and the
 * transaction waits, failed, at savepoint g: the next flight is
 *
 *   ROLLBACK TO SAVEPOINT g; RELEASE SAVEPOINT g
 *   SAVEPOINT g; call k+1; RELEASE SAVEPOINT g ...
 *   COMMIT; Sync
 *
 * so a failing request is undone alone and the others commit. Every result
 * is kept and no callback runs until the COMMIT has answered: nothing is
 * acknowledged before it is durable. If the COMMIT fails, every request
 * that had succeeded gets the COMMIT's error; if the connection breaks,
 * every request gets CG_EUNAVAILABLE (as a single request whose connection
 * breaks does). One group at a time per pool: two groups holding each
 * other's row locks would deadlock.
 */

/* Records the statement just sent on the flight, whose result comes in
 * this order; 1, to chain with the send. */
static int flight_add(db_conn *c, group_step kind, int member, int stmt)
{
    c->steps[c->nsteps++] = (flight_step){kind, member, stmt, 0};
    return 1;
}

static int flight_send(db_conn *c, const char *sql, group_step kind)
{
    return PQsendQueryParams(c->pg, sql, 0, NULL, NULL, NULL, NULL, 0) &&
           flight_add(c, kind, -1, -1);
}

/* The call of member i: its prepared statement, prepared first when this
 * connection has not seen it (unnamed when the table is full). */
static int flight_call(db_conn *c, int i)
{
    db_req *r = c->group[i];
    uint64_t hash = sql_hash(r->sql);
    int k = stmt_find(c, r->sql, hash);
    char name[16];
    if (k < 0 && (k = stmt_add(c, r->sql, hash)) >= 0) {
        stmt_name(k, name, sizeof name);
        if (!PQsendPrepare(c->pg, name, r->sql, r->nparams, NULL) ||
            !flight_add(c, GROUP_PREPARE, i, k))
            return 0;
    }
    if (k < 0)
        return PQsendQueryParams(c->pg, r->sql, r->nparams, NULL, r->params, NULL, NULL, 0) &&
               flight_add(c, GROUP_CALL, i, -1);
    stmt_name(k, name, sizeof name);
    return PQsendQueryPrepared(c->pg, name, r->nparams, r->params, NULL, NULL, 0) &&
           flight_add(c, GROUP_CALL, i, -1);
}

/* Sends the members from c->group_i on, after the transaction's BEGIN (the
 * first flight) or after rolling back the member that failed (a later
 * one), then COMMIT and the Sync. */
static void flight_start(db_conn *c, int first)
{
    int ok = first ? flight_send(c, "BEGIN", GROUP_BEGIN)
                   : flight_send(c, "ROLLBACK TO SAVEPOINT g", GROUP_MARK) &&
                         flight_send(c, "RELEASE SAVEPOINT g", GROUP_MARK);
    for (int i = c->group_i; ok && i < c->group_n; i++)
        ok = flight_send(c, "SAVEPOINT g", GROUP_MARK) && flight_call(c, i) &&
             flight_send(c, "RELEASE SAVEPOINT g", GROUP_MARK);
    ok = ok && flight_send(c, "COMMIT", GROUP_COMMIT) && PQpipelineSync(c->pg) &&
         flight_add(c, GROUP_SYNC, -1, -1);
    if (!ok) {
        conn_fail_pg(c);
        return;
    }
    flush(c);
}

/* Takes the grouped requests at the head of the queue (at most GROUP_MAX)
 * onto the idle connection c and sends their first flight. */
static void group_start(db_conn *c)
{
    cg_db *db = c->db;
    c->group_n = 0;
    c->group_i = 0;
    c->nsteps = c->recv = 0;
    c->commit = NULL;
    while (c->group_n < GROUP_MAX && db->qhead && db->qhead->grouped)
        c->group[c->group_n++] = queue_pop(db);
    db->grouping = 1;
    set_state(c, CONN_BUSY);
    if (!PQenterPipelineMode(c->pg)) {
        conn_fail_pg(c);
        return;
    }
    flight_start(c, 1);
}

/* The COMMIT answered (res, NULL-safe): answers every request of the group
 * in order, then frees the connection. */
static void group_finish(db_conn *c, PGresult *res)
{
    cg_db *db = c->db;
    int n = c->group_n;
    db_req *reqs[GROUP_MAX];
    memcpy(reqs, c->group, (size_t)n * sizeof *reqs);
    c->group_n = 0;
    db->grouping = 0;
    int committed = cg_db_status_of(res);
    if (!PQexitPipelineMode(c->pg) || PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        committed = committed ? committed : CG_EUNAVAILABLE;
        conn_fail(c, "db_disconnected", "a group commit left a transaction open");
    } else {
        set_state(c, CONN_IDLE);
    }
    for (int i = 0; i < n; i++) {
        db_req *r = reqs[i];
        PGresult *own = r->res;
        int status = cg_db_status_of(own);
        if (status == 0 && committed != 0)
            req_finish(r, committed, res);
        else
            req_finish(r, status, own);
        PQclear(own);
    }
    if (c->state == CONN_IDLE && db->closing)
        conn_close(c);
    pump(db);
}

/* A prepared statement that the flight did not make (its Parse failed or
 * was skipped) is forgotten; its slot stays empty, so that the names of
 * the others do not move. */
static void stmt_drop(db_conn *c, int k)
{
    free(c->stmts[k].sql);
    c->stmts[k] = (db_stmt){0, NULL};
}

/* The flight's Sync came back: commit, roll back the member that failed and
 * send the rest, or give up on a statement of our own that failed. */
static void flight_done(db_conn *c)
{
    int failed = -1, broken = 0;
    for (int s = 0; s < c->nsteps; s++) {
        flight_step *st = &c->steps[s];
        if (st->kind == GROUP_MARK || st->kind == GROUP_BEGIN)
            broken |= st->failed;
        else if ((st->kind == GROUP_CALL || st->kind == GROUP_PREPARE) && st->failed && failed < 0)
            failed = st->member;
    }
    PGresult *commit = c->commit;
    c->commit = NULL;
    c->nsteps = c->recv = 0;
    if (broken) {
        PQclear(commit);
        conn_fail(c, "db_disconnected", "a group commit's savepoint failed");
        return;
    }
    if (failed >= 0) { /* the COMMIT was skipped */
        PQclear(commit);
        c->group_i = failed + 1;
        flight_start(c, 0);
        return;
    }
    group_finish(c, commit);
    PQclear(commit);
}

/* One result of the flight (not NULL), in the order the statements went. */
static void flight_result(db_conn *c, PGresult *res)
{
    flight_step *st = &c->steps[c->recv++];
    ExecStatusType status = PQresultStatus(res);
    st->failed = status != PGRES_PIPELINE_ABORTED && status != PGRES_PIPELINE_SYNC &&
                 cg_db_status_of(res) != 0;
    if ((status == PGRES_PIPELINE_ABORTED || st->failed) && st->kind == GROUP_PREPARE)
        stmt_drop(c, st->stmt);
    switch (st->kind) {
    case GROUP_PREPARE:
        if (st->failed) /* the member fails with the Parse's error */
            c->group[st->member]->res = res;
        else
            PQclear(res);
        break;
    case GROUP_CALL:
        if (status == PGRES_PIPELINE_ABORTED) {
            PQclear(res);
        } else if (c->group[st->member]->res == NULL) {
            c->group[st->member]->res = res;
        } else {
            PQclear(res);
        }
        break;
    case GROUP_COMMIT:
        if (status == PGRES_PIPELINE_ABORTED) {
            PQclear(res);
        } else {
            PQclear(c->commit);
            c->commit = res;
        }
        break;
    case GROUP_BEGIN:
    case GROUP_MARK:
    case GROUP_SYNC:
        PQclear(res);
        break;
    }
}

/* Collects the flight's results as they come; NULLs only separate them. */
static void group_collect(db_conn *c)
{
    while (c->group_n && !PQisBusy(c->pg)) {
        PGresult *res = PQgetResult(c->pg);
        if (res == NULL) {
            if (PQstatus(c->pg) == CONNECTION_BAD)
                break;
            continue;
        }
        if (c->recv == c->nsteps) { /* more results than statements */
            PQclear(res);
            conn_fail(c, "db_disconnected", "a group commit got a result it did not ask for");
            return;
        }
        if (PQresultStatus(res) == PGRES_FATAL_ERROR &&
            sqlstate_is_disconnect(PQresultErrorField(res, PG_DIAG_SQLSTATE))) {
            char buf[512];
            const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
            one_line(msg ? msg : "", buf, sizeof buf);
            PQclear(res);
            conn_fail(c, "db_disconnected", buf);
            return;
        }
        int sync = c->steps[c->recv].kind == GROUP_SYNC;
        flight_result(c, res);
        if (sync) {
            flight_done(c);
            return;
        }
    }
    if (PQstatus(c->pg) == CONNECTION_BAD)
        conn_fail_pg(c);
}

/* Sends queued queries while a connection is idle: grouped ones that wait
 * together as a group commit, the others one by one. */
static void pump(cg_db *db)
{
    db_conn *c;
    while (!db->closing && db->qhead && (c = find_idle(db)) != NULL) {
        if (!db->grouping && db->qhead->grouped && db->qhead->next && db->qhead->next->grouped)
            group_start(c);
        else
            send_req(c, queue_pop(db));
    }
}

/* The caller's statement finished (c->last is its final result, or NULL). */
static void req_done(db_conn *c)
{
    cg_db *db = c->db;
    PGresult *res = c->last;
    db_req *r = c->req;
    c->last = NULL;
    ExecStatusType st = PQresultStatus(res); /* PGRES_FATAL_ERROR for NULL */
    int ok = res && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK);
    int broken = PQstatus(c->pg) == CONNECTION_BAD;
    if (!ok && (broken || res == NULL ||
                sqlstate_is_disconnect(PQresultErrorField(res, PG_DIAG_SQLSTATE)))) {
        /* r stays in c->req and gets CG_EUNAVAILABLE when c is closed. */
        char buf[512];
        const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
        if (msg)
            one_line(msg, buf, sizeof buf);
        else
            pg_reason(c, buf, sizeof buf);
        PQclear(res);
        conn_fail(c, "db_disconnected", buf);
        return;
    }
    /* A result that came complete is delivered even when the connection
     * broke right after it. */
    c->req = NULL;
    if (broken)
        conn_fail_pg(c);
    else if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        /* Never hand a session with an open transaction to another query. */
        conn_fail(c, "db_disconnected", "a statement left a transaction open");
    else
        set_state(c, CONN_IDLE);
    /* The callback may query again or close the pool: c's state is settled
     * and nothing below relies on what the callback can change. */
    req_finish(r, ok ? 0 : cg_db_status_of(res), res);
    PQclear(res);
    if (c->state == CONN_IDLE && db->closing)
        conn_close(c);
    pump(db);
}

/* Collects results until the statement in flight is complete. */
static void collect(db_conn *c)
{
    if (c->group_n) {
        group_collect(c);
        return;
    }
    while (!PQisBusy(c->pg)) {
        PGresult *res = PQgetResult(c->pg);
        if (res == NULL) {
            if (c->state == CONN_CHECKING_SCHEMA && c->last)
                schema_checked(c);
            else if (c->state == CONN_CHECKING_SCHEMA)
                conn_fail_pg(c);
            else if (c->preparing && c->last)
                prepared(c);
            else
                req_done(c);
            return;
        }
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
            /* COPY is not spoken here; PQgetResult would return it forever. */
            PQclear(res);
            conn_fail(c, "db_disconnected", "COPY is not supported on the pool");
            return;
        }
        PQclear(c->last);
        c->last = res;
    }
    if (PQstatus(c->pg) == CONNECTION_BAD)
        conn_fail_pg(c);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    db_conn *c = h->data;
    if (status < 0) {
        conn_fail(c, is_ready(c->state) ? "db_disconnected" : "db_connect_failed",
                  uv_strerror(status));
        return;
    }
    if (c->state == CONN_CONNECTING) {
        connect_step(c);
        return;
    }
    if (events & UV_READABLE) {
        if (!PQconsumeInput(c->pg)) {
            conn_fail_pg(c);
            return;
        }
        /* Notifications come after every PQconsumeInput; they carry no
         * payload we use, only the channel (the event doorbell). A
         * connection's own NOTIFY comes back to it too: not reported. */
        PGnotify *n;
        while ((n = PQnotifies(c->pg)) != NULL) {
            if (c->db->on_notify && n->be_pid != PQbackendPID(c->pg))
                c->db->on_notify(c->db->arg, n->relname);
            PQfreemem(n);
        }
    }
    if ((c->poll_events & UV_WRITABLE) && flush(c) != 0)
        return;
    if (c->state == CONN_IDLE) {
        /* Nothing in flight: readable here means an error or EOF. */
        if (PQstatus(c->pg) == CONNECTION_BAD)
            conn_fail_pg(c);
        return;
    }
    collect(c);
}

/* ---- the interface ------------------------------------------------------ */

cg_db *cg_db_new(uv_loop_t *loop, const cg_db_options *opt)
{
    cg_db *db = calloc(1, sizeof *db);
    if (db == NULL)
        return NULL;
    db->loop = loop;
    db->pool_size = opt->pool_size >= 1 ? opt->pool_size : 1;
    db->queue_size = opt->queue_size >= 1 ? opt->queue_size : 1;
    db->on_schema_mismatch = opt->on_schema_mismatch;
    db->on_ready = opt->on_ready;
    db->on_notify = opt->on_notify;
    db->arg = opt->arg;
    db->conninfo = strdup(opt->conninfo ? opt->conninfo : "");
    db->conns = calloc((size_t)db->pool_size, sizeof *db->conns);
    if (db->conninfo == NULL || db->conns == NULL) {
        free(db->conninfo);
        free(db->conns);
        free(db);
        return NULL;
    }
    /* Every connection starts from the timer, so cg_db_new never runs libpq
     * on the caller's stack. */
    for (int i = 0; i < db->pool_size; i++) {
        db_conn *c = &db->conns[i];
        c->db = db;
        c->id = i;
        c->state = CONN_BACKOFF;
        c->poll_fd = -1;
        c->backoff_ms = BACKOFF_MIN_MS;
        uv_timer_init(loop, &c->timer);
        c->timer.data = c;
        uv_timer_start(&c->timer, on_timer, 0, 0);
    }
    return db;
}

/* Queues r (see cg_db_query), or sends it at once on an idle connection. */
static int enqueue(cg_db *db, const char *sql, int nparams, const char *const *params, cg_db_cb cb,
                   void *arg, int grouped)
{
    if (nparams < 0 || nparams > MAX_PARAMS || (nparams > 0 && params == NULL) || sql == NULL ||
        cb == NULL)
        return CG_EUSAGE;
    if (db->closing || db->ready == 0)
        return CG_EUNAVAILABLE;
    db_conn *c = db->qhead == NULL ? find_idle(db) : NULL;
    if (c == NULL && db->qlen >= db->queue_size)
        return CG_ERESOURCE_EXHAUSTED;
    db_req *r = req_new(sql, nparams, params, cb, arg);
    if (r == NULL)
        return CG_ENOMEM;
    r->grouped = grouped;
    if (c) {
        send_req(c, r);
    } else {
        if (db->qtail)
            db->qtail->next = r;
        else
            db->qhead = r;
        db->qtail = r;
        db->qlen++;
    }
    return 0;
}

int cg_db_query(cg_db *db, const char *sql, int nparams, const char *const *params, cg_db_cb cb,
                void *arg)
{
    return enqueue(db, sql, nparams, params, cb, arg, 0);
}

int cg_db_query_grouped(cg_db *db, const char *sql, int nparams, const char *const *params,
                        cg_db_cb cb, void *arg)
{
    return enqueue(db, sql, nparams, params, cb, arg, 1);
}

int cg_db_ready(const cg_db *db)
{
    return db->closing ? 0 : db->ready;
}

int cg_db_queued(const cg_db *db)
{
    return db->qlen;
}

void cg_db_close(cg_db *db, void (*done)(void *arg), void *arg)
{
    if (db->closing)
        return;
    db->closing = 1;
    db->done = done;
    db->done_arg = arg;
    queue_fail_all(db);
    for (int i = 0; i < db->pool_size; i++) {
        db_conn *c = &db->conns[i];
        switch (c->state) {
        case CONN_BACKOFF:
            uv_timer_stop(&c->timer);
            set_state(c, CONN_DOWN);
            break;
        case CONN_CONNECTING:
        case CONN_CHECKING_SCHEMA:
        case CONN_IDLE:
            conn_close(c);
            break;
        case CONN_BUSY:    /* closes when its query completes */
        case CONN_CLOSING: /* DOWN once its handles are closed */
        case CONN_DOWN:
            break;
        }
    }
    check_done(db);
}
