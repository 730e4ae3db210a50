/*
 * The database pool: a few asynchronous libpq connections on the server's
 * libuv loop, with a bounded queue of waiting queries in front.
 *
 * Each connection goes PQconnectStart -> PQsetnonblocking -> uv_poll on
 * PQsocket; nothing here blocks the loop. A connection that breaks is
 * re-opened by itself with exponential back-off (250 ms doubling to 10 s).
 * Whenever a connection comes up it checks schema_migrations against the
 * version this binary knows (cg_migrations_latest()), and that the database
 * takes writes (not a standby, not default_transaction_read_only): a
 * read-only database counts as unavailable, logged once as db_read_only.
 *
 * Each connection prepares every distinct statement text once, the first
 * time it runs there, and from then on only binds and executes it; a
 * connection that is re-opened prepares them again.
 *
 * Each query is a single SQL statement (and so its own transaction unless
 * the caller says otherwise); handlers that change several rows call one
 * SQL function that does it all, so a query never leaves partial state.
 * A connection that a statement leaves inside a transaction (a bare BEGIN)
 * is closed and re-opened rather than handed to the next query; COPY is
 * not supported.
 *
 * Host names in conninfo are resolved by libpq with a blocking getaddrinfo
 * on the loop; use a Unix-socket directory or hostaddr= in production.
 */
#ifndef CG_DB_H
#define CG_DB_H

#include <libpq-fe.h>
#include <uv.h>

typedef struct cg_db cg_db;

/*
 * Completion of one query, called exactly once, on the loop.
 * status: 0 with res the PGRES_TUPLES_OK / PGRES_COMMAND_OK result;
 *         CG_EUNAVAILABLE when there is no database connection or it broke
 *             before the result came (res NULL);
 *         otherwise the CG_E* code mapped from the SQLSTATE (cg_db_status_of)
 *             with res the error result, so the handler can read
 *             PG_DIAG_MESSAGE_PRIMARY and PG_DIAG_COLUMN_NAME.
 * res is owned by the pool and cleared after the callback returns.
 * The callback may call cg_db_query (e.g. for the next statement) and
 * cg_db_close.
 */
typedef void (*cg_db_cb)(void *arg, int status, const PGresult *res);

typedef struct {
    const char *conninfo; /* libpq conninfo string */
    int pool_size;        /* connections, >= 1 */
    int queue_size;       /* queries waiting for a connection, >= 1 */
    /* Called when a connection finds a schema version other than
     * cg_migrations_latest() (found is the version it found, 0 for none). The
     * pool then treats the database as unavailable until the next reconnect. */
    void (*on_schema_mismatch)(void *arg, int found);
    /* Optional: called each time a connection comes up (past the schema
     * check), before queued queries are sent; what it queues goes first.
     * A listening pool issues its LISTEN here, so a reconnect listens again. */
    void (*on_ready)(void *arg);
    /* Optional: called for every notification a connection receives from
     * another session (its own NOTIFYs echo back to it: those are not). */
    void (*on_notify)(void *arg, const char *channel);
    void *arg;
} cg_db_options;

/* Starts connecting (in the background); NULL only when memory runs out. */
cg_db *cg_db_new(uv_loop_t *loop, const cg_db_options *opt);

/*
 * Queues one parameterised statement (text parameters, text results).
 * Returns 0 when queued (cb will be called), or, without calling cb:
 * CG_EUNAVAILABLE when no connection is up (or the pool is closing),
 * CG_ERESOURCE_EXHAUSTED when the queue is full, CG_ENOMEM, CG_EUSAGE when
 * nparams is outside 0..65535 or sql/cb is NULL. sql must outlive the query
 * (a string literal); params are copied, the caller may free them; a NULL
 * param is SQL NULL.
 */
int cg_db_query(cg_db *db, const char *sql, int nparams, const char *const *params, cg_db_cb cb,
                void *arg);

/*
 * The same for a statement that may share its transaction with other such
 * statements (group commit): when grouped statements queue up because every
 * connection is busy, the next free connection runs them together, each in
 * a savepoint of one transaction (a failing one is rolled back alone), and
 * commits once. cb is called only after the COMMIT has answered, with the
 * statement's own result, or with the COMMIT's error when the statement
 * succeeded but the COMMIT failed. Only for statements that keep to their
 * own rows and settings (set_config(..., true) before their call is fine:
 * each sets its own): they share now() and the transaction id, and hold
 * their row locks until the group commits. Alone (a connection idle) it is
 * sent as cg_db_query sends it.
 */
int cg_db_query_grouped(cg_db *db, const char *sql, int nparams, const char *const *params,
                        cg_db_cb cb, void *arg);

/* Number of connections that are up and past the schema check. */
int cg_db_ready(const cg_db *db);

/* Number of queries waiting for a connection (at most queue_size). */
int cg_db_queued(const cg_db *db);

/*
 * Stops: refuses new queries, lets those already sent finish (their callbacks
 * run), fails queued ones with CG_EUNAVAILABLE (before returning), closes
 * every poll handle, timer and connection, frees the pool, then calls
 * done(arg) (NULL allowed) from a close callback, never from inside
 * cg_db_close. A second call does nothing. A statement in flight is waited
 * for however long it runs; bound it with statement_timeout in conninfo.
 */
void cg_db_close(cg_db *db, void (*done)(void *arg), void *arg);

/*
 * The CG_E* code for an error result. SQLSTATEs "CG0NN" (raised by our SQL
 * functions) map to wire code NN; 23505 -> ALREADY_EXISTS; 23502/23514/22xxx
 * -> INVALID_ARGUMENT; 42501 -> PERMISSION_DENIED; P0002 -> NOT_FOUND;
 * 40001/40P01 -> ABORTED; 08xxx/57Pxx -> UNAVAILABLE; anything else INTERNAL.
 * A successful result gives 0; NULL gives CG_EUNAVAILABLE.
 */
int cg_db_status_of(const PGresult *res);

#endif
