/*
 * libchengguan — the client library of the chengguan city server.
 *
 * A cg_client is one mutual-TLS connection to chengguand. The blocking calls
 * below send one request and wait for its reply; they are meant for scripts,
 * the CLI and integrations that do one thing at a time. Every call returns 0
 * or a negative CG_E* code (chengguan/errors.h); after a failure,
 * cg_client_error() says what happened in words, and for refusals by the
 * server cg_client_error_field() names the request field at fault.
 *
 * Ownership, for every call of this header unless its comment says
 * otherwise (as libpq's PQerrorMessage and PQclear do it):
 *   - Pointers passed in (options, file names, payloads, requests) are only
 *     read during the call; nothing keeps them afterwards, so the caller
 *     may free or change them as soon as the call returns.
 *   - What the library allocates for the caller has exactly one way to be
 *     freed, named with the call: a cg_client with cg_client_free, a reply
 *     message with cg_message_free.
 *   - const char * and const struct pointers that a call returns point into
 *     the cg_client: never free them; they stay valid until the next call on
 *     the same cg_client (which may overwrite them) or cg_client_free. Copy
 *     what must live longer.
 *
 * Threads: the library keeps no global state of its own (OpenSSL 3 needs no
 * set-up), so any number of threads may each use their own cg_client at
 * once. One cg_client is not thread-safe: calls on it must not overlap;
 * handing it from one thread to another between calls is fine. Functions
 * that take no cg_client (cg_version, cg_idempotency_key, cg_message_free,
 * chengguan/errors.h) may be called from any thread at any time. The library
 * never raises SIGPIPE (it sends with MSG_NOSIGNAL) and installs no signal
 * handlers.
 */
#ifndef CHENGGUAN_CLIENT_H
#define CHENGGUAN_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "chengguan/errors.h"
#include "chengguan/limits.h"
#include "chengguan/v1/envelope.pb-c.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CG_PROTOCOL_VERSION 1

/* The release of the loaded library, "MAJOR.MINOR.PATCH" (e.g. "0.1.0"):
 * static storage, never NULL. Any thread, any time, no connection needed. */
CG_EXTERN const char *cg_version(void);

typedef struct cg_client cg_client;

/*
 * A call the server answers UNAVAILABLE ("try again shortly": its database
 * connection dropped, possibly right after the change was committed) is
 * sent again by the library itself, with the same idempotency key, up to
 * CG_UNAVAILABLE_ATTEMPTS attempts in all and within the call's timeout_ms.
 * It waits 100-200 ms before the second attempt, the wait doubling each
 * time (random within each range). Only the last answer reaches the caller.
 *
 * A call refused because the account sends more than the server's
 * max_request_rate (RESOURCE_EXHAUSTED, reason account.rate_limited) is
 * sent again the same way after the wait the server names (its
 * retry_after_ms), as often as the call's timeout_ms allows; past it the
 * refusal reaches the caller.
 */
#define CG_UNAVAILABLE_ATTEMPTS   5
#define CG_UNAVAILABLE_BACKOFF_MS 200

typedef struct {
    const char *server;      /* "host:port"; NULL means "127.0.0.1:7443" */
    const char *cert_file;   /* client certificate (PEM), required */
    const char *key_file;    /* its private key (PEM), required */
    const char *ca_file;     /* CA that signed the server certificate, required */
    const char *client_name; /* sent in Hello; NULL means "libchengguan/VERSION" */
    int timeout_ms;          /* bounds cg_client_connect as a whole (TCP, TLS, Hello) and each
                                request; 0 means 10000 */
} cg_client_options;

/* What the server said in Welcome: who this connection is. */
typedef struct {
    char server_version[32];
    uint32_t protocol_version;
    char account[CG_ACCOUNT_NAME_MAX + 1];
    char role[32];
    char unit[CG_UNIT_CODE_MAX + 1];
    uint32_t max_frame_bytes;
} cg_welcome;

/* The account as the database has it now. */
typedef struct {
    char account[CG_ACCOUNT_NAME_MAX + 1];
    char role[32];
    char unit[CG_UNIT_CODE_MAX + 1];
    char unit_name[128];
    char display_name[128];
    char cert_subject[256];
    char cert_fingerprint[65];
} cg_whoami_reply;

/*
 * Connects, completes the TLS handshake and the Hello/Welcome exchange.
 * On success *out is a ready client, owned by the caller until
 * cg_client_free. On failure *out is still set (unless memory ran out, then
 * NULL) so that cg_client_error(*out) can explain; free it with
 * cg_client_free. opt and the strings it points to are read during the call
 * only (the files are loaded here). Blocks up to timeout_ms, name resolution
 * included. Returns 0, CG_EUSAGE (options missing, a bad server
 * address, or a certificate, key or CA that cannot be loaded), CG_ECONNECT,
 * CG_ETLS (handshake or certificate failure, the reason in cg_client_error),
 * CG_ETIMEOUT, CG_ECLOSED, CG_EPROTOCOL, or the code the server refused Hello
 * with (e.g. CG_EUNAUTHENTICATED).
 */
CG_EXTERN int cg_client_connect(cg_client **out, const cg_client_options *opt);

/* Welcome of a connected client, NULL before. Points into c: valid until
 * cg_client_free(c); not to be freed. */
CG_EXTERN const cg_welcome *cg_client_welcome(const cg_client *c);

/* Text of the last failure ("" when none). Never NULL for a non-NULL c.
 * Points into c: valid until the next call on c; not to be freed. The
 * library's own wording of connection failures is translated (text domain
 * "chengguan") in a program that has called setlocale(), English otherwise;
 * the server's messages are as the server sent them. */
CG_EXTERN const char *cg_client_error(const cg_client *c);

/* Request field the server named in its last refusal ("" when none). Points
 * into c, valid until the next call on c. */
CG_EXTERN const char *cg_client_error_field(const cg_client *c);

/* The stable machine code of the server's last refusal, e.g.
 * "compound.not_found" (docs/protocol.md, Errors); "" when the failure was
 * not a refusal or the server is older. Show people a text made from it and
 * cg_client_error_param; cg_client_error stays the English fallback. Points
 * into c, valid until the next call on c. */
CG_EXTERN const char *cg_client_error_reason(const cg_client *c);

/* The value of the parameter name of the last refusal ("id" -> "12"), NULL
 * when it has none of that name. Instants are RFC 3339. name is read during
 * the call; the value points into c, valid until the next call on c. */
CG_EXTERN const char *cg_client_error_param(const cg_client *c, const char *name);

/* Closes the connection (close_notify, waiting up to a second for it to
 * leave) and frees c with everything it owns, including the strings and the
 * Welcome the calls above returned. c must not be used afterwards. Replies
 * of cg_call are not c's: they stay valid. NULL is fine. */
CG_EXTERN void cg_client_free(cg_client *c);

/*
 * Ping: sends len bytes of payload (at most 65536), waits for the echo.
 * payload is read during the call only. server_time_us (may be NULL)
 * receives the server's clock. The payload that
 * comes back is checked to be the one that was sent: CG_EPROTOCOL if not.
 * CG_EINVALID_ARGUMENT for a payload over 65536 bytes.
 *
 * Any request may also fail with the server's refusal (CG_EUNAVAILABLE only
 * after CG_UNAVAILABLE_ATTEMPTS attempts), CG_ETIMEOUT (no reply within
 * timeout_ms, retries included: the request is abandoned, the connection
 * stays usable), or a failure of the connection (CG_ECLOSED, CG_ETLS,
 * CG_EPROTOCOL), after which every later call fails the same way.
 */
CG_EXTERN int cg_ping(cg_client *c, const void *payload, size_t len, int64_t *server_time_us);

/*
 * Pipelining check: sends count Pings of payload_len bytes back to back, each
 * with a different payload, then collects the replies, matched by id in
 * whatever order they come. *ok receives how many came back with their own
 * payload. Returns 0 when all did, else the first failure seen: a refusal
 * by the server, CG_EPROTOCOL for a wrong echo, CG_ETIMEOUT when replies are missing after
 * timeout_ms (for the whole batch), or the connection's failure.
 */
CG_EXTERN int cg_ping_pipelined(cg_client *c, int count, size_t payload_len, int *ok);

/*
 * Any request of the protocol (the .proto files of chengguan/v1), e.g.
 *
 *     Chengguan__V1__CompoundGet get = CHENGGUAN__V1__COMPOUND_GET__INIT;
 *     get.id = 42;
 *     ProtobufCMessage *reply;
 *     if (cg_call(c, &get.base, &reply) == 0) {
 *         Chengguan__V1__Compound *compound = (Chengguan__V1__Compound *)reply;
 *         ...
 *         cg_message_free(reply);
 *     }
 *
 * On 0, *reply is the reply message (its descriptor says which; see
 * docs/protocol.md for the reply of each request), owned by the caller:
 * free it with cg_message_free; it does not depend on c and may outlive it.
 * On failure *reply is NULL and cg_client_error / cg_client_error_field say
 * why.
 *
 * request stays the caller's. The library reads it during the call and,
 * when its idempotency_key is empty, sets the key for the duration of the
 * call and empties it again before returning: the request must not be
 * read or changed by another thread meanwhile. It may be a message of the
 * program's own copy of the message code (libchengguan-proto.a) or of any
 * protobuf-c code generated from the same .proto files.
 *
 * A request with an idempotency_key field that is left empty gets 16 random
 * bytes for the duration of the call, its own retries after UNAVAILABLE
 * included (CG_UNAVAILABLE_ATTEMPTS); set the key yourself (see
 * cg_idempotency_key) to retry a mutation safely across calls.
 */
CG_EXTERN int cg_call(cg_client *c, ProtobufCMessage *request, ProtobufCMessage **reply);

/* Frees a reply of cg_call or cg_async_take_reply (chengguan/async.h), with
 * everything it points to. Any thread. NULL is fine. */
CG_EXTERN void cg_message_free(ProtobufCMessage *m);

/* Fills the caller's key with 16 random bytes (OpenSSL's RAND_bytes), a
 * fresh idempotency key. Any thread. 0 or CG_EIO. */
CG_EXTERN int cg_idempotency_key(uint8_t key[16]);

/* WhoAmI: the account behind this connection, read from the database,
 * copied into the caller's *out (which keeps no pointer into c). */
CG_EXTERN int cg_whoami(cg_client *c, cg_whoami_reply *out);

#ifdef __cplusplus
}
#endif

#endif
