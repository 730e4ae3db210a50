/*
 * One client connection: TCP, TLS over memory BIOs, framing, the requests in
 * flight, and the identity the certificate and Hello established. The
 * session knows nothing about the domain: it hands each Envelope to
 * cg_dispatch() and writes back what handlers reply.
 *
 * Lifetime: created on accept, closed asynchronously (cg_session_close) and
 * freed in the last close callback of its handles. Requests still in flight
 * when it closes are detached (request.h), never freed from here.
 */
#ifndef CG_SESSION_H
#define CG_SESSION_H

#include "buf.h"
#include "chengguan/limits.h"
#include "frame.h"
#include "role.h"
#include "tls_session.h"

#include <stdint.h>
#include <uv.h>

struct cg_server;
struct cg_request;

typedef enum {
    CG_SESSION_HANDSHAKE,     /* TLS handshake in progress */
    CG_SESSION_AWAIT_HELLO,   /* TLS up, no account yet */
    CG_SESSION_HELLO_PENDING, /* Hello is looking up the account */
    CG_SESSION_READY,         /* serving requests */
    CG_SESSION_CLOSING,       /* no more input; flushing, then closing */
} cg_session_state;

typedef enum {
    CG_SUB_OFF,     /* no Subscribe yet */
    CG_SUB_CATCHUP, /* reading past events from the database */
    CG_SUB_LIVE,    /* receiving events as they are fanned out */
} cg_sub_state;

typedef struct cg_session {
    struct cg_server *server;
    struct cg_session *prev, *next; /* in server->sessions */
    uint64_t id;                    /* for logs */
    char host[48];                  /* the peer's address: "127.0.0.1" */
    char peer[64];                  /* with its port: "127.0.0.1:50322" */
    cg_session_state state;
    /* Before Welcome: in server->pending, oldest first (pending.h). */
    int pending;
    struct cg_session *pending_prev, *pending_next;

    uv_tcp_t tcp;
    /* One timer for two deadlines, whichever is nearer (one handle less per
     * connection): the handshake timeout, then the idle timeout; and the
     * frame timeout while a frame is partly in. In loop time (uv_now), 0
     * when not set. */
    uv_timer_t timer;
    uint64_t deadline;
    uint64_t frame_deadline;
    int open_handles; /* freed when the last close callback ran */

    cg_tls_session tls;
    cg_frame_decoder frames;
    int reading;    /* uv_read_start is active */
    int processing; /* inside process_frames: replies must not re-enter it */

    struct cg_request *requests; /* in flight, linked through cg_request.prev/next */
    int inflight;

    /* Identity: certificate after the handshake, account after Hello. The
     * subject is allocated to its length (most are far shorter than the
     * 255 characters an account's may have); "" until the handshake. */
    char *cert_subject;
    char cert_fingerprint[65];
    char client_name[64]; /* from Hello, for logs */
    /* The event stream: events with seq > sub_cursor are still to come. */
    cg_sub_state sub_state;
    uint64_t sub_cursor;
    int sub_draining; /* catch-up waits for the unsent output to drain */

    char account[CG_ACCOUNT_NAME_MAX + 1];
    char unit[CG_UNIT_CODE_MAX + 1];
    cg_role role;
    /* The key its events are delivered on (cg_internal.event_key: "unit:dawa",
     * "officer:7", ...); "" for none. */
    char event_key[CG_ACCOUNT_NAME_MAX + 16];
} cg_session;

/* Takes over an accepted connection (tcp is initialised on server->loop by
 * the caller through cg_session_new). NULL when memory runs out. */
cg_session *cg_session_new(struct cg_server *server);

/* Accepts the connection waiting on listener into s->tcp and learns the
 * peer's address (host, peer). 0 or a libuv error; either way the caller
 * ends with cg_session_start or cg_session_close. */
int cg_session_accept(cg_session *s, uv_stream_t *listener);

/* Starts the handshake of an accepted session. */
void cg_session_start(cg_session *s);

/*
 * Queues env as a frame to the peer (TLS-encrypted) and flushes. If the
 * peer's unsent output passes max_output_bytes, the session is cut off.
 * Returns 0 or a negative CG_E* code; CG_ERESOURCE_EXHAUSTED when env packs
 * larger than max_frame_bytes: nothing was sent and the session stays.
 */
int cg_session_send(cg_session *s, const void *env);

/* Queues an already packed frame (header and payload), e.g. one event
 * pushed to many sessions. Returns as cg_session_send. */
int cg_session_send_frame(cg_session *s, const void *frame, size_t len);

/* Bytes queued for the peer and not yet taken by the kernel. */
size_t cg_session_unsent(const cg_session *s);

/* Sends an Error envelope; see cg_envelope_set_error. */
int cg_session_send_error(cg_session *s, uint64_t id, int code, const char *message,
                          const char *field);

/* Sends close_notify after what is queued, then closes. Idempotent. */
void cg_session_close_gracefully(cg_session *s);

/* Closes now, dropping unsent output. Idempotent. */
void cg_session_close(cg_session *s);

/* Hello succeeded: the session serves requests and the idle timer runs. */
void cg_session_hello_done(cg_session *s);

/* A request of s finished: lets the session read and dispatch again. */
void cg_session_request_done(cg_session *s);

#endif
