/*
 * The non-blocking, sans-IO core of a client connection (hiredis style).
 *
 * A cg__conn owns the TLS state (a cg_tls_session over two memory BIOs),
 * the frame decoder, the ciphertext waiting to be written and the table of
 * requests in flight keyed by id. It never touches a socket: a driver
 * (blocking.c now, an event-loop adapter later) hands it the bytes it read
 * with cg__conn_feed, writes out what it finds in cg__conn.out, and learns
 * of completed requests through cg__req.done.
 *
 * Requests are short-lived objects owned by the caller; while a request is
 * in flight the connection only points at it. Every request sent is
 * completed exactly once: by its reply, by the connection failing, or by
 * cg__conn_cancel / cg__conn_free.
 */
#ifndef CG_CLIENT_CONN_H
#define CG_CLIENT_CONN_H

#include "buf.h"
#include "chengguan/client.h"
#include "envelope.h"
#include "frame.h"
#include "tls_session.h"

#include <stdint.h>

/* Largest frame the client accepts from the server. Replies such as reports
 * may be bigger than what the server accepts from clients. */
#define CG__MAX_INBOUND_FRAME (64u * 1024 * 1024)

typedef struct cg__req {
    uint64_t id;          /* set by cg__conn_send */
    int expect;           /* Envelope body case of a successful reply */
    int done;             /* 1 once status and reply are final */
    int status;           /* 0, a refusal (CG_E* from Error.code), or the connection's failure */
    cg_envelope *reply;   /* the reply, also when it is an Error; free with cg__req_release */
    struct cg__req *next; /* chain in the pending table */
} cg__req;

typedef enum {
    CG__CONN_TLS,     /* TLS handshake in progress; Hello is queued behind it */
    CG__CONN_HELLO,   /* TLS is up, waiting for Welcome */
    CG__CONN_READY,   /* Welcome received: requests may be sent */
    CG__CONN_CLOSING, /* close_notify queued; incoming bytes are ignored */
    CG__CONN_FAILED   /* failure set; every request in flight was completed with it */
} cg__conn_state;

typedef struct {
    cg__conn_state state;
    cg_tls_session tls; /* its output is drained into out after every TLS call */
    cg_buf out;         /* ciphertext the driver has to write to the socket */
    cg_buf plain;       /* frames not yet encrypted (held back during the handshake) */
    cg_frame_decoder in;
    uint64_t last_id;
    cg__req **slots; /* pending requests, chained by id & (nslots - 1) */
    size_t nslots;   /* a power of two */
    size_t npending;
    cg__req hello;
    int welcomed;
    cg_welcome welcome;
    int failure;           /* 0 or the CG_E* that ended the connection */
    char error[512];       /* what failed, in words */
    char error_field[128]; /* field named by a connection-level Error */
    /*
     * Hooks of an event-loop driver, set after cg__conn_init (NULL for the
     * blocking driver). They run inside cg__conn_feed and must not call into
     * the connection; a non-zero return (out of memory) fails it with
     * CG_ENOMEM.
     *   on_reply: a request other than Hello was answered by the server
     *             (req->done, status and reply are set); not called for
     *             requests completed by a failure of the connection.
     *   on_push:  the server pushed a message with envelope id 0 that
     *             cg_is_push() accepts (an Event); takes env in any case.
     * Without on_push, a push fails the connection with CG_EPROTOCOL.
     */
    int (*on_reply)(void *ctx, cg__req *req);
    int (*on_push)(void *ctx, cg_envelope *env);
    void *hook_ctx;
} cg__conn;

/*
 * Sets up a connection over ctx that expects the server certificate to name
 * host, and queues the TLS ClientHello (in out) and Hello (held until the
 * handshake completes). Returns 0, CG_ENOMEM or CG_ETLS with c->error set;
 * cg__conn_free must be called either way.
 */
int cg__conn_init(cg__conn *c, SSL_CTX *ctx, const char *host, const char *client_name);

/* Completes every request still in flight with CG_ECLOSED, frees the rest. */
void cg__conn_free(cg__conn *c);

/*
 * Feeds n bytes read from the socket: runs TLS, decodes frames and completes
 * requests. Returns 0 or the connection's failure.
 */
int cg__conn_feed(cg__conn *c, const void *data, size_t n);

/* The socket reached end of file. Fails the connection unless it is closing. */
void cg__conn_feed_eof(cg__conn *c);

/*
 * Fails the connection with err (first failure wins): formats c->error and
 * completes every request in flight with err. For drivers (socket errors,
 * timeouts) as well as the core.
 */
void cg__conn_fail(cg__conn *c, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Sends env as a request: gives it the next id (env->id is overwritten),
 * queues its frame and enters req in the pending table. expect is the body
 * case of the reply that means success. Returns 0, the connection's failure,
 * CG_ECLOSED after cg__conn_shutdown, CG_ENOMEM, or CG_ERESOURCE_EXHAUSTED
 * when the frame is over the server's limit (req is then not in flight).
 */
int cg__conn_send(cg__conn *c, cg__req *req, cg_envelope *env, int expect);

/* Forgets a request in flight without completing it (the caller gave up);
 * a late reply to it is dropped. */
void cg__conn_cancel(cg__conn *c, cg__req *req);

/* Queues close_notify when the TLS session is intact (also after a failure
 * above TLS, such as a connection-level Error); later input is ignored. */
void cg__conn_shutdown(cg__conn *c);

/* Frees the reply of a completed request. */
void cg__req_release(cg__req *req);

#endif
