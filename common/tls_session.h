/*
 * TLS over two memory BIOs, independent of any socket (node's TLSWrap
 * pattern). The owner moves ciphertext: bytes read from the network go in
 * with cg_tls_session_feed(); bytes OpenSSL wants sent come out with
 * cg_tls_session_take_output(). Plaintext goes in with cg_tls_session_write()
 * and comes out with cg_tls_session_read().
 *
 * Every call that may make OpenSSL produce bytes (handshake, read, write,
 * shutdown) leaves them in the output BIO: the owner drains it after each.
 */
#ifndef CG_TLS_SESSION_H
#define CG_TLS_SESSION_H

#include <openssl/ssl.h>
#include <stddef.h>

typedef struct {
    SSL *ssl;
    BIO *in;         /* network -> OpenSSL */
    BIO *out;        /* OpenSSL -> network */
    int established; /* the handshake completed */
    int broken;      /* a fatal TLS error: no close_notify can follow */
} cg_tls_session;

/* server: 1 to accept, 0 to connect (offering the context's last session,
 * see cg_tls_offer_session). 0 or CG_ENOMEM. */
int cg_tls_session_init(cg_tls_session *t, SSL_CTX *ctx, int server);
void cg_tls_session_free(cg_tls_session *t);

/* Buffers ciphertext received from the network. 0 or CG_ENOMEM. */
int cg_tls_session_feed(cg_tls_session *t, const void *data, size_t n);

/*
 * Advances the handshake. Returns 1 once established, 0 while it needs more
 * bytes from the peer, or CG_ETLS with the reason (verify result or OpenSSL's
 * words) written into err.
 */
int cg_tls_session_handshake(cg_tls_session *t, char *err, size_t errlen);

/*
 * Decrypts into buf. Returns the number of bytes (> 0), 0 when more
 * ciphertext is needed, CG_ECLOSED when the peer sent close_notify, or
 * CG_ETLS (reason in err).
 */
int cg_tls_session_read(cg_tls_session *t, void *buf, size_t cap, char *err, size_t errlen);

/* Encrypts all n bytes into the output BIO. 0 or CG_ETLS (OpenSSL's words
 * left in its error queue). */
int cg_tls_session_write(cg_tls_session *t, const void *data, size_t n);

/* Queues close_notify when the handshake completed, no fatal error happened
 * and none was queued before. Returns 1 when it queued one, else 0. */
int cg_tls_session_shutdown(cg_tls_session *t);

/* Why the peer certificate failed verification ("certificate has expired"),
 * or NULL when it did not fail. */
const char *cg_tls_session_verify_error(const cg_tls_session *t);

/* 1 when the handshake completed by resuming an earlier session. */
int cg_tls_session_resumed(const cg_tls_session *t);

/* Server, TLS 1.3: queues one session ticket, which goes out before the
 * next cg_tls_session_write's data (in the same output). A server context
 * issues none by itself (cg_tls_server_ctx): the server gives one to a
 * client it has let in. 0, or -1 when OpenSSL refuses. */
int cg_tls_session_issue_ticket(cg_tls_session *t);

/* Gives back the storage a memory BIO kept from its largest content (a
 * handshake flight, a large reply) when it is empty and that storage is
 * over keep bytes. With keep 0 an idle connection holds none; replacing a
 * BIO costs a few allocations, so busy paths pass a larger keep. */
void cg_tls_session_release(cg_tls_session *t, size_t keep);

/* Bytes waiting in the output BIO. */
size_t cg_tls_session_output_pending(const cg_tls_session *t);

/* Moves up to cap bytes of output into buf; returns how many. */
size_t cg_tls_session_take_output(cg_tls_session *t, void *buf, size_t cap);

/*
 * The peer certificate's subject in RFC 2253 form with UTF-8 kept as is
 * ("CN=hq,O=chengguan dev") and its SHA-256 fingerprint in lowercase hex.
 * 0, -1 when there is no peer certificate, -2 when the subject does not fit
 * in subject_len - 1 bytes (never a prefix of it).
 */
int cg_tls_session_peer(const cg_tls_session *t, char *subject, size_t subject_len,
                        char fingerprint[65]);

#endif
