#include "tls_context.h"
#include "tls_verified.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

const char *cg_tls_error_string(char *buf, size_t len)
{
    size_t used = 0;
    unsigned long e;
    buf[0] = '\0';
    while ((e = ERR_get_error()) != 0) {
        char one[256];
        ERR_error_string_n(e, one, sizeof one);
        /* "error:0A000086:SSL routines::certificate verify failed": keep the
         * words after the last colon. */
        const char *words = strrchr(one, ':');
        words = words ? words + 1 : one;
        if (used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "; " : "", words);
    }
    return buf;
}

static SSL_CTX *fail(SSL_CTX *ctx, char *err, size_t errlen, const char *what, const char *file)
{
    char why[256];
    cg_tls_error_string(why, sizeof why);
    snprintf(err, errlen, "%s %s: %s", what, file ? file : "", why[0] ? why : "failed");
    SSL_CTX_free(ctx);
    return NULL;
}

static SSL_CTX *new_ctx(const SSL_METHOD *method, const char *cert_file, const char *key_file,
                        const char *ca_file, char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(method);
    if (ctx == NULL)
        return fail(NULL, err, errlen, "SSL_CTX_new", NULL);
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (SSL_CTX_set_cipher_list(ctx, CG_TLS12_CIPHERS) != 1 ||
        SSL_CTX_set_ciphersuites(ctx, CG_TLS13_CIPHERSUITES) != 1)
        return fail(ctx, err, errlen, "cannot set the cipher suites", NULL);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                              SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1)
        return fail(ctx, err, errlen, "cannot load certificate", cert_file);
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1)
        return fail(ctx, err, errlen, "cannot load private key", key_file);
    if (SSL_CTX_check_private_key(ctx) != 1)
        return fail(ctx, err, errlen, "private key does not match certificate", key_file);
    if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1)
        return fail(ctx, err, errlen, "cannot load CA", ca_file);
    return ctx;
}

/*
 * Verifies cert (with the untrusted chain the peer sent, may be NULL) now
 * against store, as a full handshake of a client would: chain, expiry, CRL,
 * clientAuth usage. X509_V_OK or the verification error.
 */
static int verify_client_now(SSL_CTX *ctx, X509 *cert, STACK_OF(X509) * chain,
                             const X509_VERIFY_PARAM *param, int remember)
{
    X509_STORE_CTX *v = X509_STORE_CTX_new();
    int ready = v != NULL &&
                X509_STORE_CTX_init(v, SSL_CTX_get_cert_store(ctx), cert, chain) == 1 &&
                X509_STORE_CTX_set_default(v, "ssl_client") == 1 &&
                (param == NULL || X509_VERIFY_PARAM_set1(X509_STORE_CTX_get0_param(v), param) == 1);
    int rc = X509_V_ERR_UNSPECIFIED;
    if (ready && X509_verify_cert(v) == 1) {
        rc = X509_V_OK;
        if (remember)
            cg_tls_verified_remember(ctx, cert, X509_STORE_CTX_get0_chain(v), time(NULL));
    } else if (ready && X509_STORE_CTX_get_error(v) != X509_V_OK) {
        rc = X509_STORE_CTX_get_error(v);
    }
    X509_STORE_CTX_free(v);
    ERR_clear_error();
    return rc;
}

/*
 * Whether a session from a ticket may be resumed: only when its peer
 * certificate still verifies now against the context's store (expiry, CRL,
 * chain), as a full handshake would check it. A resumed handshake sends no
 * certificate, so this is the only place those checks can happen. The
 * context remembers the answer for as long as it cannot change
 * (tls_verified.h); the server sets no parameters per connection, so the
 * connection's are the context's.
 */
static int still_verifies(SSL *ssl, SSL_SESSION *sess)
{
    X509 *cert = SSL_SESSION_get0_peer(sess);
    SSL_CTX *ctx = SSL_get_SSL_CTX(ssl);
    return cert != NULL &&
           (cg_tls_verified_holds(ctx, cert, time(NULL)) ||
            verify_client_now(ctx, cert, NULL, SSL_get0_param(ssl), 1) == X509_V_OK);
}

/* OpenSSL's decisions, except that a ticket whose certificate no longer
 * verifies is ignored: the client then makes a full handshake (and fails it). */
static SSL_TICKET_RETURN on_ticket(SSL *ssl, SSL_SESSION *sess, const unsigned char *keyname,
                                   size_t keyname_len, SSL_TICKET_STATUS status, void *arg)
{
    (void)keyname, (void)keyname_len, (void)arg;
    switch (status) {
    case SSL_TICKET_EMPTY:
    case SSL_TICKET_NO_DECRYPT:
        return SSL_TICKET_RETURN_IGNORE_RENEW;
    case SSL_TICKET_SUCCESS:
    case SSL_TICKET_SUCCESS_RENEW:
        if (!still_verifies(ssl, sess))
            return SSL_TICKET_RETURN_IGNORE_RENEW;
        return status == SSL_TICKET_SUCCESS ? SSL_TICKET_RETURN_USE : SSL_TICKET_RETURN_USE_RENEW;
    default:
        return SSL_TICKET_RETURN_ABORT;
    }
}

/*
 * Resumption on the server: stateless tickets only (no session cache, so no
 * memory per session and every resumption goes through on_ticket), valid
 * for CG_TLS_TICKET_LIFETIME_S or until the server restarts (the ticket key
 * is made at start). TLS 1.3 tickets are not sent by the handshake: the
 * server sends one with its Welcome (cg_tls_session_issue_ticket), so a
 * client whose Hello is refused gets none, and the ticket shares the
 * Welcome's write. The session id context is required by OpenSSL whenever
 * client certificates are verified.
 */
static int enable_tickets(SSL_CTX *ctx)
{
    static const unsigned char sid_ctx[] = "chengguand";
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_timeout(ctx, CG_TLS_TICKET_LIFETIME_S);
    return SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof sid_ctx - 1) == 1 &&
           SSL_CTX_set_num_tickets(ctx, 0) == 1 &&
           SSL_CTX_set_session_ticket_cb(ctx, NULL, on_ticket, NULL) == 1;
}

/* After a full handshake, the context remembers the client's certificate
 * as verified (OpenSSL verified it against the context's store, as
 * still_verifies would): the client's first resumption skips it too. */
static void on_info(const SSL *ssl, int where, int ret)
{
    (void)ret;
    X509 *cert;
    if ((where & SSL_CB_HANDSHAKE_DONE) && !SSL_session_reused(ssl) &&
        SSL_get_verify_result(ssl) == X509_V_OK && (cert = SSL_get0_peer_certificate(ssl)) != NULL)
        cg_tls_verified_remember(SSL_get_SSL_CTX(ssl), cert, SSL_get0_verified_chain(ssl),
                                 time(NULL));
}

/*
 * OpenSSL accepts a client certificate without any extended key usage
 * extension; ours must name clientAuth, so a server certificate or one made
 * for signing documents is not a login.
 */
static int require_client_auth(int ok, X509_STORE_CTX *v)
{
    if (!ok || X509_STORE_CTX_get_error_depth(v) != 0)
        return ok;
    X509 *leaf = X509_STORE_CTX_get_current_cert(v);
    if (leaf == NULL || !(X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) ||
        !(X509_get_extended_key_usage(leaf) & XKU_SSL_CLIENT)) {
        X509_STORE_CTX_set_error(v, X509_V_ERR_INVALID_PURPOSE);
        return 0;
    }
    return 1;
}

SSL_CTX *cg_tls_server_ctx(const char *cert_file, const char *key_file, const char *ca_file,
                           const char *crl_file, char *err, size_t errlen)
{
    SSL_CTX *ctx = new_ctx(TLS_server_method(), cert_file, key_file, ca_file, err, errlen);
    if (ctx == NULL)
        return NULL;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    /* On the store, not the SSL_CTX: every verification with it (handshake,
     * ticket, cg_tls_recheck_peer) then requires clientAuth. */
    X509_STORE_set_verify_cb(SSL_CTX_get_cert_store(ctx), require_client_auth);
    STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca_file);
    if (names != NULL)
        SSL_CTX_set_client_CA_list(ctx, names);
    if (crl_file != NULL && crl_file[0] != '\0') {
        X509_STORE *store = SSL_CTX_get_cert_store(ctx);
        if (X509_STORE_load_file(store, crl_file) != 1)
            return fail(ctx, err, errlen, "cannot load CRL", crl_file);
        X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
    }
    if (!enable_tickets(ctx) || cg_tls_verified_attach(ctx) != 0)
        return fail(ctx, err, errlen, "cannot set up session tickets", NULL);
    SSL_CTX_set_info_callback(ctx, on_info);
    return ctx;
}

int cg_tls_recheck_peer(SSL_CTX *ctx, SSL *ssl, const char **why)
{
    X509 *cert = SSL_get0_peer_certificate(ssl);
    int rc = cert == NULL ? X509_V_ERR_UNSPECIFIED
                          : verify_client_now(ctx, cert, SSL_get_peer_cert_chain(ssl),
                                              SSL_CTX_get0_param(ctx), 0);
    /* A stale or missing CRL says nothing about this certificate. */
    if (rc == X509_V_ERR_CRL_HAS_EXPIRED || rc == X509_V_ERR_CRL_NOT_YET_VALID ||
        rc == X509_V_ERR_UNABLE_TO_GET_CRL)
        rc = X509_V_OK;
    *why = rc == X509_V_OK ? NULL : X509_verify_cert_error_string(rc);
    return rc == X509_V_OK ? 0 : -1;
}

int cg_tls_load_ticket_keys(SSL_CTX *ctx, const char *file, char *err, size_t errlen)
{
    unsigned char keys[CG_TLS_TICKET_KEYS_BYTES + 1];
    FILE *f = fopen(file, "rb");
    size_t n = f != NULL ? fread(keys, 1, sizeof keys, f) : 0;
    if (f != NULL)
        fclose(f);
    int ok = n == CG_TLS_TICKET_KEYS_BYTES &&
             SSL_CTX_set_tlsext_ticket_keys(ctx, keys, CG_TLS_TICKET_KEYS_BYTES) == 1;
    OPENSSL_cleanse(keys, sizeof keys);
    if (f == NULL)
        snprintf(err, errlen, "cannot read session ticket keys %s", file);
    else if (!ok)
        snprintf(err, errlen, "session ticket keys %s: want exactly %d bytes (openssl rand %d)",
                 file, CG_TLS_TICKET_KEYS_BYTES, CG_TLS_TICKET_KEYS_BYTES);
    return ok ? 0 : -1;
}

int cg_tls_carry_ticket_keys(SSL_CTX *to, SSL_CTX *from)
{
    unsigned char keys[CG_TLS_TICKET_KEYS_BYTES];
    int ok = SSL_CTX_get_tlsext_ticket_keys(from, keys, sizeof keys) == 1 &&
             SSL_CTX_set_tlsext_ticket_keys(to, keys, sizeof keys) == 1;
    OPENSSL_cleanse(keys, sizeof keys);
    return ok ? 0 : -1;
}

/* --- the client's last session ---------------------------------------------- */

static CRYPTO_ONCE session_index_once = CRYPTO_ONCE_STATIC_INIT;
static int session_index = -1;

static void free_session(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                         void *argp)
{
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    SSL_SESSION_free(ptr);
}

static void make_session_index(void)
{
    session_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, free_session);
}

/*
 * A new session (TLS 1.2: at the end of the handshake; TLS 1.3: each ticket,
 * read after it) replaces the one the context kept. The context keeps a
 * copy: OpenSSL marks the connection's own session not resumable when the
 * connection ends without close_notify (a server restart, a cut cable),
 * which is exactly when a client reconnects. Since TLS 1.1 such an end no
 * longer forbids resumption; our frames detect truncation themselves.
 */
static int on_new_session(SSL *ssl, SSL_SESSION *sess)
{
    SSL_SESSION *copy = SSL_SESSION_dup(sess);
    if (copy == NULL)
        return 0;
    SSL_CTX *ctx = SSL_get_SSL_CTX(ssl);
    SSL_SESSION_free(SSL_CTX_get_ex_data(ctx, session_index));
    SSL_CTX_set_ex_data(ctx, session_index, copy);
    return 0; /* sess stays OpenSSL's */
}

SSL_CTX *cg_tls_client_ctx(const char *cert_file, const char *key_file, const char *ca_file,
                           char *err, size_t errlen)
{
    SSL_CTX *ctx = new_ctx(TLS_client_method(), cert_file, key_file, ca_file, err, errlen);
    if (ctx == NULL)
        return NULL;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (!CRYPTO_THREAD_run_once(&session_index_once, make_session_index) || session_index < 0)
        return fail(ctx, err, errlen, "cannot set up session resumption", NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, on_new_session);
    return ctx;
}

/* The connection gets a copy of the kept session, not the kept one: a
 * resumed connection goes on with the session it offered until a new one
 * replaces it (TLS 1.3: the next ticket; TLS 1.2: none comes), and if it is
 * cut before, OpenSSL marks that session not resumable. */
int cg_tls_offer_session(SSL *ssl)
{
    SSL_SESSION *last = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), session_index);
    if (last == NULL || !SSL_SESSION_is_resumable(last))
        return 0;
    SSL_SESSION *copy = SSL_SESSION_dup(last);
    int offered = copy != NULL && SSL_set_session(ssl, copy) == 1;
    SSL_SESSION_free(copy); /* ssl holds its own reference */
    return offered;
}

int cg_tls_expect_host(SSL *ssl, const char *host)
{
    X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host) == 1)
        return 0;
    if (SSL_set1_host(ssl, host) != 1)
        return -1;
    if (SSL_set_tlsext_host_name(ssl, host) != 1)
        return -1;
    return 0;
}
