/*
 * The client certificates a server context has verified, remembered until
 * the first moment the verification could come out differently.
 *
 * A resumed TLS handshake carries no certificate, so the server verifies
 * the one in the ticket again (tls_context.c, on_ticket) — a chain and a
 * CRL signature check each time, a third of a resumed handshake's CPU.
 * Against one context that answer depends only on the certificate and the
 * clock: the context's trust store (CA file, CRL file) never changes after
 * it is made (a reload makes a new context, with an empty memo), and every
 * connection of it verifies with the context's parameters. So a success is
 * remembered, keyed by the certificate's SHA-256, until the earliest
 * notAfter of its verified chain or nextUpdate of the store's CRLs; after
 * that, or for another certificate, the full verification runs.
 *
 * Only successes are remembered; a memo holds CG_TLS_VERIFIED_SLOTS
 * certificates (a newer one replaces an older in its slot). Not thread
 * safe: one context's resumptions are all on the server's loop thread.
 */
#ifndef CG_TLS_VERIFIED_H
#define CG_TLS_VERIFIED_H

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <time.h>

#define CG_TLS_VERIFIED_SLOTS 1024
/* However far its dates are, a success is verified again after this. */
#define CG_TLS_VERIFIED_MAX_S 3600

/* Gives ctx an empty memo (freed with ctx); 0 or -1 (out of memory). */
int cg_tls_verified_attach(SSL_CTX *ctx);

/* Whether ctx's memo holds cert as verified at now; 0 when ctx has none. */
int cg_tls_verified_holds(SSL_CTX *ctx, X509 *cert, time_t now);

/* Remembers cert after its verification against ctx's store at now
 * succeeded with chain (cert first), until the chain or a CRL of the store
 * runs out. Not when a certificate of the chain is not the store's own. */
void cg_tls_verified_remember(SSL_CTX *ctx, X509 *cert, STACK_OF(X509) * chain, time_t now);

#endif
