/*
 * The server's TLS context over time: loaded at start from tls_cert,
 * tls_key, tls_ca and tls_crl, loaded again on SIGHUP and whenever one of
 * those files changed (looked at every tls_reload_interval), without
 * dropping a connection: sessions keep the context they were accepted with
 * (OpenSSL counts its references), new ones get the new one, and tickets
 * keep resuming (the ticket keys carry over).
 *
 * After every reload the certificate of each live session is verified again
 * against the new context, and on every look its expiry is checked: one
 * revoked by the new CRL, or expired since, is told UNAUTHENTICATED and
 * closed. A CRL past its nextUpdate makes every
 * new handshake fail (fail closed) but closes no live session; it is logged
 * as an error until a fresh one is loaded.
 */
#ifndef CG_TLS_RELOAD_H
#define CG_TLS_RELOAD_H

#include <uv.h>

struct cg_server;

typedef struct {
    struct cg_server *server;
    uv_signal_t sighup;
    uv_timer_t timer;
    unsigned char loaded[32]; /* SHA-256 of the files of the current context */
    unsigned char failed[32]; /* ... of the last files that failed to load */
    int crl_state;            /* 0 fresh (or none), 1 expiring, 2 expired */
    int cert_state;           /* 0 fine, 1 expiring, 2 expired */
} cg_tls_reload;

/* Loads the first context into server->tls. 0, or -1 after logging why. */
int cg_tls_reload_init(cg_tls_reload *r, struct cg_server *server);

/* Starts the SIGHUP handler and the timer on server->loop. */
void cg_tls_reload_start(cg_tls_reload *r);

/* Closes both handles (on shutdown). */
void cg_tls_reload_stop(cg_tls_reload *r);

#endif
