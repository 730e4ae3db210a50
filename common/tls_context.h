/*
 * SSL_CTX set-up for both ends of a chengguan connection: TLS 1.2 or 1.3,
 * certificates verified against one CA file, no renegotiation.
 *
 * Each function returns NULL on failure and writes the reason (file name and
 * OpenSSL's words) into err.
 */
#ifndef CG_TLS_CONTEXT_H
#define CG_TLS_CONTEXT_H

#include <openssl/ssl.h>
#include <stddef.h>

/* How long a TLS session ticket from the server may be used to resume. */
#define CG_TLS_TICKET_LIFETIME_S 7200

/* Server side: requires a client certificate signed by ca_file. crl_file may
 * be NULL or ""; when set, every client certificate is checked against it.
 * Issues session tickets; a ticket resumes a session only while the
 * certificate it holds still verifies (expiry, CRL). */
SSL_CTX *cg_tls_server_ctx(const char *cert_file, const char *key_file, const char *ca_file,
                           const char *crl_file, char *err, size_t errlen);

/* Client side: presents cert/key and verifies the server against ca_file.
 * The context keeps the last session a server gave it, for
 * cg_tls_offer_session; one context per server. */
SSL_CTX *cg_tls_client_ctx(const char *cert_file, const char *key_file, const char *ca_file,
                           char *err, size_t errlen);

/* Client side, before the handshake: offers the last session of ssl's
 * context for resumption. 1 when one was offered, else 0. */
int cg_tls_offer_session(SSL *ssl);

/* Makes ssl check that the server certificate names host (DNS name or IP
 * address). 0 or -1. */
int cg_tls_expect_host(SSL *ssl, const char *host);

/* Drains OpenSSL's error queue into buf as one line ("" when empty). */
const char *cg_tls_error_string(char *buf, size_t len);

#endif
