#include "tls_session.h"
#include "error.h"
#include "tls_context.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

/* A new empty memory BIO like cg_tls_session_init's, or NULL. */
static BIO *new_mem_bio(void)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (b != NULL)
        BIO_set_mem_eof_return(b, -1); /* empty means "no data yet", not end of file */
    return b;
}

int cg_tls_session_init(cg_tls_session *t, SSL_CTX *ctx, int server)
{
    memset(t, 0, sizeof *t);
    t->ssl = SSL_new(ctx);
    t->in = new_mem_bio();
    t->out = new_mem_bio();
    if (t->ssl == NULL || t->in == NULL || t->out == NULL) {
        BIO_free(t->in);
        BIO_free(t->out);
        SSL_free(t->ssl);
        memset(t, 0, sizeof *t);
        return CG_ENOMEM;
    }
    SSL_set_bio(t->ssl, t->in, t->out);
    if (server) {
        SSL_set_accept_state(t->ssl);
    } else {
        SSL_set_connect_state(t->ssl);
        cg_tls_offer_session(t->ssl);
    }
    return 0;
}

void cg_tls_session_free(cg_tls_session *t)
{
    SSL_free(t->ssl); /* frees both BIOs */
    memset(t, 0, sizeof *t);
}

int cg_tls_session_feed(cg_tls_session *t, const void *data, size_t n)
{
    while (n > 0) {
        int chunk = n > INT32_MAX ? INT32_MAX : (int)n;
        int w = BIO_write(t->in, data, chunk);
        if (w <= 0)
            return CG_ENOMEM;
        data = (const char *)data + w;
        n -= (size_t)w;
    }
    return 0;
}

const char *cg_tls_session_verify_error(const cg_tls_session *t)
{
    long verify = t->ssl != NULL ? SSL_get_verify_result(t->ssl) : X509_V_OK;
    return verify != X509_V_OK ? X509_verify_cert_error_string(verify) : NULL;
}

/* Turns a failed SSL call into CG_ETLS with the most useful reason we have:
 * the certificate verification result first, then OpenSSL's error queue.
 * The session is broken from then on. */
static int tls_failure(cg_tls_session *t, int ret, char *err, size_t errlen)
{
    int ssl_err = SSL_get_error(t->ssl, ret);
    const char *verify = cg_tls_session_verify_error(t);
    char queue[256];
    cg_tls_error_string(queue, sizeof queue);
    t->broken = 1;
    if (verify != NULL)
        snprintf(err, errlen, "certificate verify failed: %s", verify);
    else if (queue[0] != '\0')
        snprintf(err, errlen, "%s", queue);
    else if (ssl_err == SSL_ERROR_SYSCALL || ssl_err == SSL_ERROR_ZERO_RETURN)
        snprintf(err, errlen, "connection closed during TLS");
    else
        snprintf(err, errlen, "TLS error %d", ssl_err);
    return CG_ETLS;
}

int cg_tls_session_handshake(cg_tls_session *t, char *err, size_t errlen)
{
    if (t->established)
        return 1;
    ERR_clear_error();
    int ret = SSL_do_handshake(t->ssl);
    if (ret == 1) {
        t->established = 1;
        return 1;
    }
    int e = SSL_get_error(t->ssl, ret);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return 0;
    return tls_failure(t, ret, err, errlen);
}

int cg_tls_session_read(cg_tls_session *t, void *buf, size_t cap, char *err, size_t errlen)
{
    ERR_clear_error();
    int chunk = cap > INT32_MAX ? INT32_MAX : (int)cap;
    int ret = SSL_read(t->ssl, buf, chunk);
    if (ret > 0)
        return ret;
    int e = SSL_get_error(t->ssl, ret);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return 0;
    if (e == SSL_ERROR_ZERO_RETURN)
        return CG_ECLOSED;
    return tls_failure(t, ret, err, errlen);
}

int cg_tls_session_write(cg_tls_session *t, const void *data, size_t n)
{
    ERR_clear_error();
    while (n > 0) {
        int chunk = n > INT32_MAX ? INT32_MAX : (int)n;
        int ret = SSL_write(t->ssl, data, chunk);
        if (ret <= 0) {
            t->broken = 1; /* memory BIOs never want I/O on write */
            return CG_ETLS;
        }
        data = (const char *)data + ret;
        n -= (size_t)ret;
    }
    return 0;
}

int cg_tls_session_shutdown(cg_tls_session *t)
{
    if (!t->established || t->broken || (SSL_get_shutdown(t->ssl) & SSL_SENT_SHUTDOWN))
        return 0;
    ERR_clear_error();
    SSL_shutdown(t->ssl);
    return 1;
}

int cg_tls_session_resumed(const cg_tls_session *t)
{
    return t->established && SSL_session_reused(t->ssl) == 1;
}

int cg_tls_session_issue_ticket(cg_tls_session *t)
{
    if (!t->established || t->broken || SSL_version(t->ssl) != TLS1_3_VERSION)
        return 0; /* TLS 1.2 sends its ticket in the handshake */
    return SSL_new_session_ticket(t->ssl) == 1 ? 0 : -1;
}

/* Whether bio is empty but holds more than keep bytes of storage (what its
 * largest content needed). */
static int holds_storage(BIO *bio, size_t keep)
{
    BUF_MEM *bm = NULL;
    return BIO_ctrl_pending(bio) == 0 && BIO_get_mem_ptr(bio, &bm) == 1 && bm != NULL &&
           bm->max > keep;
}

void cg_tls_session_release(cg_tls_session *t, size_t keep)
{
    BIO *b;
    if (holds_storage(t->in, keep) && (b = new_mem_bio()) != NULL) {
        SSL_set0_rbio(t->ssl, b); /* frees the old one */
        t->in = b;
    }
    if (holds_storage(t->out, keep) && (b = new_mem_bio()) != NULL) {
        SSL_set0_wbio(t->ssl, b);
        t->out = b;
    }
}

size_t cg_tls_session_output_pending(const cg_tls_session *t)
{
    return BIO_ctrl_pending(t->out);
}

size_t cg_tls_session_take_output(cg_tls_session *t, void *buf, size_t cap)
{
    int chunk = cap > INT32_MAX ? INT32_MAX : (int)cap;
    int n = BIO_read(t->out, buf, chunk);
    return n > 0 ? (size_t)n : 0;
}

int cg_tls_session_peer(const cg_tls_session *t, char *subject, size_t subject_len,
                        char fingerprint[65])
{
    X509 *cert = SSL_get0_peer_certificate(t->ssl);
    if (cert == NULL)
        return -1;
    BIO *mem = BIO_new(BIO_s_mem());
    if (mem == NULL)
        return -1;
    X509_NAME_print_ex(mem, X509_get_subject_name(cert), 0,
                       XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    int n = BIO_read(mem, subject, (int)(subject_len - 1));
    subject[n > 0 ? n : 0] = '\0';
    /* Cut short, it could equal another certificate's subject. */
    int whole = BIO_ctrl_pending(mem) == 0;
    BIO_free(mem);
    if (!whole)
        return -2;

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (X509_digest(cert, EVP_sha256(), md, &mdlen) != 1)
        return -1;
    for (unsigned int i = 0; i < mdlen && i < 32; i++)
        snprintf(fingerprint + 2 * i, 3, "%02x", md[i]);
    fingerprint[64] = '\0';
    return 0;
}
