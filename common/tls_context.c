#include "tls_context.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

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
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
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

SSL_CTX *cg_tls_server_ctx(const char *cert_file, const char *key_file, const char *ca_file,
                           const char *crl_file, char *err, size_t errlen)
{
    SSL_CTX *ctx = new_ctx(TLS_server_method(), cert_file, key_file, ca_file, err, errlen);
    if (ctx == NULL)
        return NULL;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca_file);
    if (names != NULL)
        SSL_CTX_set_client_CA_list(ctx, names);
    if (crl_file != NULL && crl_file[0] != '\0') {
        X509_STORE *store = SSL_CTX_get_cert_store(ctx);
        if (X509_STORE_load_file(store, crl_file) != 1)
            return fail(ctx, err, errlen, "cannot load CRL", crl_file);
        X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
    }
    return ctx;
}

SSL_CTX *cg_tls_client_ctx(const char *cert_file, const char *key_file, const char *ca_file,
                           char *err, size_t errlen)
{
    SSL_CTX *ctx = new_ctx(TLS_client_method(), cert_file, key_file, ca_file, err, errlen);
    if (ctx != NULL)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
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
