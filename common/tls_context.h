/*
 * SSL_CTX set-up for both ends of a chengguan connection: TLS 1.2 or 1.3,
 * AEAD suites only in the server's order, no compression, no renegotiation,
 * certificates verified against one CA file.
 *
 * Each function returns NULL on failure and writes the reason (file name and
 * OpenSSL's words) into err.
 */
#ifndef CG_TLS_CONTEXT_H
#define CG_TLS_CONTEXT_H

#include <openssl/ssl.h>
#include <stddef.h>

/* What both ends offer: TLS 1.2 with ECDHE and AEAD only (no CBC, no static
 * RSA, no SHA-1 MACs), in this order of preference, which the server
 * imposes; TLS 1.3's own suites are all AEAD. */
#define CG_TLS12_CIPHERS                                                                           \
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"                                   \
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"                                   \
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
#define CG_TLS13_CIPHERSUITES                                                                      \
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

/* How long a TLS session ticket from the server may be used to resume. */
#define CG_TLS_TICKET_LIFETIME_S 7200

/* Server side: requires a client certificate signed by ca_file whose
 * extended key usage names clientAuth. crl_file may be NULL or ""; when set,
 * every client certificate is checked against it (a CRL past its nextUpdate
 * then fails every handshake: reload a fresh one, server/tls_reload.h).
 * Issues session tickets; a ticket resumes a session only while the
 * certificate it holds still verifies (expiry, CRL). */
SSL_CTX *cg_tls_server_ctx(const char *cert_file, const char *key_file, const char *ca_file,
                           const char *crl_file, char *err, size_t errlen);

/* Server side: whether the certificate of ssl's established peer still
 * verifies against ctx (a newer context: a reloaded CRL, time passed).
 * 0, or -1 with *why set to OpenSSL's reason ("certificate revoked"). A CRL
 * that is stale or missing is not held against the peer (0). */
int cg_tls_recheck_peer(SSL_CTX *ctx, SSL *ssl, const char **why);

/* Session ticket keys: name, HMAC and AES keys, OpenSSL 3's layout. */
#define CG_TLS_TICKET_KEYS_BYTES 80

/* Server side: the session ticket keys from file (exactly
 * CG_TLS_TICKET_KEYS_BYTES random bytes), so that instances behind one load
 * balancer resume each other's sessions. 0, or -1 with the reason in err. */
int cg_tls_load_ticket_keys(SSL_CTX *ctx, const char *file, char *err, size_t errlen);

/* Gives `to` the session ticket keys of `from`, so tickets issued before a
 * reload still resume after it. 0 or -1. */
int cg_tls_carry_ticket_keys(SSL_CTX *to, SSL_CTX *from);

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
