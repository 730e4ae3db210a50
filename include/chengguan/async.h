/*
 * libchengguan's asynchronous API: one long-lived connection to chengguand
 * driven by the caller's event loop, for programs that keep a subscription
 * open (a workstation, a bridge to another municipal system).
 *
 * A cg_async never blocks and never touches the loop itself: a small adapter
 * attaches it to one (chengguan/adapters/libuv.h for libuv, as hiredis does
 * it). It connects by itself, keeps connecting with back-off after any loss,
 * sends requests as they come and completes each one exactly once through
 * its callback, and keeps an event stream going across reconnects with no
 * gap and no duplicate. A server that vanishes without closing the
 * connection (a cut cable) is noticed by TCP keepalive within about a
 * minute.
 *
 *     cg_async *a = cg_async_new(&options);
 *     cg_libuv_attach(a, loop);
 *     cg_async_subscribe(a, 0, on_event, NULL);
 *     cg_async_call(a, &ping.base, on_pong, NULL);
 *     uv_run(loop, UV_RUN_DEFAULT);
 *
 * Rules of every callback here: it runs from the loop (never inside the call
 * that registered it), it may call any function of this header, including
 * cg_async_free, and a function that returns an error never calls it.
 *
 * One thread: a cg_async and its callbacks belong to the thread that runs
 * its loop. Every function of this header that takes a cg_async must be
 * called on that thread (before it is attached: on the thread that will run
 * the loop); none is safe to call from another thread, not even
 * cg_async_free. Different cg_async on different loops and threads are
 * independent. Name resolution (getaddrinfo) happens on that thread when a
 * connection starts and may block it briefly; give an IP address in
 * cg_client_options.server to avoid that.
 *
 * Ownership follows chengguan/client.h: what is passed in is read during
 * the call (requests are copied, options copied or loaded), except the arg
 * pointers given with callbacks and the adapter's hooks->data, which the
 * library keeps, never frees, and passes back until the callback has run
 * for the last time (a call: once; a subscription and the state callback:
 * until cg_async_free or their replacement). Strings and structs returned
 * point into the cg_async and are never freed by the caller.
 */
#ifndef CHENGGUAN_ASYNC_H
#define CHENGGUAN_ASYNC_H

#include <stdint.h>

#include "chengguan/client.h"
#include "chengguan/errors.h"
#include "chengguan/v1/envelope.pb-c.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cg_async cg_async;

/* Calls that wait for a connection (or for their reply) at most; one more
 * fails with CG_ERESOURCE_EXHAUSTED. */
#define CG_ASYNC_MAX_QUEUE 1000

/* Reconnect back-off: the first retry after 125-250 ms, the delay doubling
 * up to 5-10 s (random within each range, so that a city's workstations do
 * not all come back in the same millisecond). A connection that reaches
 * Welcome starts the sequence again. */
#define CG_ASYNC_BACKOFF_MIN_MS 250
#define CG_ASYNC_BACKOFF_MAX_MS 10000

typedef enum {
    CG_ASYNC_CONNECTED = 1, /* Welcome received: cg_async_welcome says who we are */
    CG_ASYNC_DISCONNECTED,  /* the connection was lost, or an attempt failed; another
                               attempt follows after cg_async_retry_ms */
    CG_ASYNC_STOPPED        /* no more attempts: reconnecting cannot help (bad options,
                               a certificate refused by either side, UNAUTHENTICATED or
                               PERMISSION_DENIED). Every call and the subscription
                               have been completed with the reason. */
} cg_async_state;

/*
 * Completion of cg_async_call. status is 0 with the reply (its descriptor
 * says which message, see docs/protocol.md), or a failure with reply NULL:
 * the server's refusal (CG_ENOT_FOUND, CG_EINVALID_ARGUMENT, ...: the words
 * and the field in cg_async_error / cg_async_error_field during the
 * callback), CG_ETIMEOUT when no reply came within timeout_ms of the call,
 * CG_ERESOURCE_EXHAUSTED when the request grew over what the server accepts,
 * the reason of CG_ASYNC_STOPPED, or CG_ECANCELLED from cg_async_free.
 *
 * The reply belongs to the library and is freed when the callback returns,
 * unless the callback keeps it with cg_async_take_reply. arg is the caller's
 * pointer of cg_async_call, handed back untouched; after this callback the
 * library holds it no longer.
 */
typedef void (*cg_reply_cb)(cg_async *a, int status, ProtobufCMessage *reply, void *arg);

/*
 * An event of the subscription (status 0), in strictly increasing seq,
 * valid until the callback returns. A non-zero status ends the subscription
 * (event NULL): the server refused Subscribe (e.g. CG_EPERMISSION_DENIED for
 * an account that has no event stream), the reason of CG_ASYNC_STOPPED, or
 * CG_ECANCELLED from cg_async_free. The event belongs to the library: copy
 * what must outlive the callback.
 */
typedef void (*cg_event_cb)(cg_async *a, int status, const Chengguan__V1__Event *event, void *arg);

/* A change of the connection; reason is 0 for CG_ASYNC_CONNECTED, else the
 * CG_E* of the loss (cg_async_error has it in words). */
typedef void (*cg_state_cb)(cg_async *a, cg_async_state state, int reason, void *arg);

/*
 * A new asynchronous client with the options of cg_client_connect
 * (timeout_ms bounds each connection attempt as a whole, and each call from
 * the moment it is made to its reply, across reconnects). Copies what it
 * needs of opt and loads the certificates; connects once attached to a loop.
 * NULL only when memory runs out. Bad options or unreadable certificate
 * files do not fail here: the client stops with CG_EUSAGE once attached
 * (cg_async_error says why). opt and its strings may be freed when this
 * returns. The cg_async is the caller's until cg_async_free.
 */
CG_EXTERN cg_async *cg_async_new(const cg_client_options *opt);

/*
 * Closes the connection (close_notify, best effort) and frees the client.
 * Callbacks still owed run first, inside this call: each pending call's with
 * CG_ECANCELLED, and the subscription's with CG_ECANCELLED. Called from a
 * callback of a, the rest happens when the callback returns. The adapter's
 * handles close in the background: run the loop once more before closing
 * it. Replies kept with cg_async_take_reply stay the caller's. NULL is fine.
 */
CG_EXTERN void cg_async_free(cg_async *a);

/* Words of the last failure ("" when none); during a failed reply callback,
 * that call's failure. Never NULL for a non-NULL a. Points into a: valid
 * until control returns to the loop or the next call on a. */
CG_EXTERN const char *cg_async_error(const cg_async *a);

/* Request field named by the server's refusal during a failed reply
 * callback ("" when none). Points into a, valid as cg_async_error's. */
CG_EXTERN const char *cg_async_error_field(const cg_async *a);

/* Welcome of the current connection, NULL while not connected. Points into
 * a: valid until the connection is lost (the next CG_ASYNC_DISCONNECTED) or
 * cg_async_free; copy it to keep it. */
CG_EXTERN const cg_welcome *cg_async_welcome(const cg_async *a);

/* 1 when the current connection resumed the TLS session of an earlier one
 * (a short handshake: no certificates sent, no signatures made), else 0;
 * 0 while not connected. The client keeps the last session the server gave
 * it and offers it on every reconnect; the server resumes it only while the
 * certificate still verifies. */
CG_EXTERN int cg_async_tls_resumed(const cg_async *a);

/* Registers the state callback (NULL to remove), replacing the previous
 * one; arg is kept and handed back to cb until it is replaced or a freed. */
CG_EXTERN void cg_async_on_state(cg_async *a, cg_state_cb cb, void *arg);

/* After CG_ASYNC_DISCONNECTED: milliseconds until the next attempt. */
CG_EXTERN int cg_async_retry_ms(const cg_async *a);

/*
 * Sends any request of the protocol (as cg_call does) and calls cb(a,
 * status, reply, arg) once, when it completes; cb may be NULL. The request
 * is copied at once: the caller may change or free it when this returns.
 * arg is kept until cb has run (also when the call fails later or a is
 * freed: cb then gets CG_ECANCELLED); when this returns an error, cb never
 * runs and arg is not kept.
 * Before the client is connected (or while it reconnects), requests wait in
 * order and go out when it connects.
 *
 * Retries: a request whose connection is lost before its reply came is
 * sent again on the next connection; one the server answers UNAVAILABLE is
 * sent again after a back-off, up to CG_UNAVAILABLE_ATTEMPTS attempts
 * (chengguan/client.h), all within timeout_ms of the call. A request with
 * an idempotency_key field (a mutation) that is left empty gets 16 random
 * bytes here, kept with the request, so that a repeat is applied by the
 * server at most once and answered like the first. Reads are simply sent
 * again.
 *
 * Returns 0, CG_EUSAGE (not a request of the protocol, or Hello or
 * Subscribe: use cg_async_subscribe), CG_ERESOURCE_EXHAUSTED (the queue
 * holds CG_ASYNC_MAX_QUEUE calls, or the request is over the server's frame
 * limit), CG_ENOMEM, CG_EIO (no random bytes for a key), CG_ECLOSED (a is
 * being freed) or the reason the client stopped.
 */
CG_EXTERN int cg_async_call(cg_async *a, ProtobufCMessage *request, cg_reply_cb cb, void *arg);

/* From a reply callback with status 0: takes the reply out of the library's
 * hands; the caller owns it from then on (free it with cg_message_free, on
 * any thread; it may outlive a). NULL elsewhere. */
CG_EXTERN ProtobufCMessage *cg_async_take_reply(cg_async *a);

/* after_seq for cg_async_subscribe: only events newer than the subscription. */
#define CG_FROM_HEAD UINT64_MAX

/*
 * Subscribes to the event stream of this account's scope from after_seq on
 * (0: from the start; use the last seq a previous run saw to resume it;
 * CG_FROM_HEAD: only what happens from now on).
 * Events reach cb in strictly increasing seq. After every reconnect the
 * library subscribes again from the last seq it delivered, so that nothing
 * is missed and nothing comes twice. One subscription per client. arg is
 * kept and handed to cb until the subscription ends (cb with a non-zero
 * status). Returns 0, CG_EUSAGE when already subscribed, CG_ECLOSED, or the
 * reason the client stopped.
 */
CG_EXTERN int cg_async_subscribe(cg_async *a, uint64_t after_seq, cg_event_cb cb, void *arg);

/* The seq of the last event delivered (after_seq before the first; with
 * CG_FROM_HEAD, the server's head once it answered). */
CG_EXTERN uint64_t cg_async_last_seq(const cg_async *a);

/* --- for event-loop adapters ----------------------------------------------- */

#define CG_ASYNC_READ  1
#define CG_ASYNC_WRITE 2

/*
 * What an adapter gives the core. The core has at most one socket and one
 * timer at a time.
 *   watch:   watch fd for CG_ASYNC_READ / CG_ASYNC_WRITE (events 0: stop
 *            watching, but fd stays). A new fd replaces the previous one,
 *            which the core closes right after; fd -1 means no socket.
 *            0, or a CG_E* when the loop cannot watch it.
 *   timer:   call cg_async_handle_timer once after ms milliseconds (>= 0),
 *            replacing any earlier request; ms < 0 cancels.
 *   cleanup: the core is being freed; release everything (asynchronously if
 *            need be) and never call the core again.
 */
typedef struct {
    void *data;
    int (*watch)(void *data, int fd, int events);
    void (*timer)(void *data, int64_t ms);
    void (*cleanup)(void *data);
} cg_async_hooks;

/* Attaches a to a loop through hooks (the struct is copied; hooks->data is
 * kept until hooks->cleanup has been called with it) and starts connecting.
 * Once per client: CG_EUSAGE the second time. */
CG_EXTERN int cg_async_attach(cg_async *a, const cg_async_hooks *hooks);

/* The adapter's side: the watched fd is readable / writable (or has an
 * error, which the core finds out by reading and writing), or the timer
 * fired. a may be freed by the time any of these returns if a callback freed
 * it: the adapter learns of it through cleanup. The loop's thread only. */
CG_EXTERN void cg_async_handle_read(cg_async *a);
CG_EXTERN void cg_async_handle_write(cg_async *a);
CG_EXTERN void cg_async_handle_timer(cg_async *a);

#ifdef __cplusplus
}
#endif

#endif
