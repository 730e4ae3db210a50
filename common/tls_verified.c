#include "tls_verified.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    unsigned char digest[32];
    time_t until; /* verified while now < until; 0: empty */
} slot;

typedef struct {
    slot slots[CG_TLS_VERIFIED_SLOTS];
} memo;

static CRYPTO_ONCE memo_index_once = CRYPTO_ONCE_STATIC_INIT;
static int memo_index = -1;

static void free_memo(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    free(ptr);
}

static void make_memo_index(void)
{
    memo_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, free_memo);
}

int cg_tls_verified_attach(SSL_CTX *ctx)
{
    if (!CRYPTO_THREAD_run_once(&memo_index_once, make_memo_index) || memo_index < 0)
        return -1;
    memo *m = calloc(1, sizeof *m);
    if (m == NULL || SSL_CTX_set_ex_data(ctx, memo_index, m) != 1) {
        free(m);
        return -1;
    }
    return 0;
}

/* ctx's memo and cert's slot in it, with cert's digest; NULL when ctx has
 * no memo or the digest fails. */
static slot *slot_of(SSL_CTX *ctx, X509 *cert, unsigned char digest[32])
{
    memo *m = memo_index >= 0 ? SSL_CTX_get_ex_data(ctx, memo_index) : NULL;
    unsigned int len = 0;
    if (m == NULL || X509_digest(cert, EVP_sha256(), digest, &len) != 1 || len != 32)
        return NULL;
    unsigned int h = ((unsigned int)digest[0] << 8 | digest[1]) % CG_TLS_VERIFIED_SLOTS;
    return &m->slots[h];
}

int cg_tls_verified_holds(SSL_CTX *ctx, X509 *cert, time_t now)
{
    unsigned char digest[32];
    slot *s = slot_of(ctx, cert, digest);
    return s != NULL && now < s->until && memcmp(s->digest, digest, sizeof digest) == 0;
}

/* Lowers *until to t (as seen from now) when t is earlier; -1 when t is
 * not a time. */
static int earliest(time_t *until, const ASN1_TIME *t, time_t now)
{
    int days = 0, secs = 0;
    if (t == NULL || ASN1_TIME_diff(&days, &secs, NULL, t) != 1)
        return -1;
    time_t at = now + (time_t)days * 86400 + secs;
    if (at < *until)
        *until = at;
    return 0;
}

/* Whether cert is one of store's own certificates (not one a peer sent). */
static int in_store(X509_STORE *store, X509 *cert)
{
    STACK_OF(X509_OBJECT) *objects = X509_STORE_get0_objects(store);
    for (int i = 0; i < sk_X509_OBJECT_num(objects); i++) {
        X509 *x = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i));
        if (x != NULL && X509_cmp(x, cert) == 0)
            return 1;
    }
    return 0;
}

void cg_tls_verified_remember(SSL_CTX *ctx, X509 *cert, STACK_OF(X509) * chain, time_t now)
{
    unsigned char digest[32];
    slot *s = slot_of(ctx, cert, digest);
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    if (s == NULL || chain == NULL || sk_X509_num(chain) < 2 || sk_X509_value(chain, 0) != cert)
        return;
    time_t until = now + CG_TLS_VERIFIED_MAX_S;
    for (int i = 0; i < sk_X509_num(chain); i++) {
        X509 *x = sk_X509_value(chain, i);
        /* An intermediate only the peer sent would not be there for a
         * ticket's verification, which has the certificate alone. */
        if ((i > 0 && !in_store(store, x)) || earliest(&until, X509_get0_notAfter(x), now) != 0)
            return;
    }
    STACK_OF(X509_OBJECT) *objects = X509_STORE_get0_objects(store);
    for (int i = 0; i < sk_X509_OBJECT_num(objects); i++) {
        X509_CRL *crl = X509_OBJECT_get0_X509_CRL(sk_X509_OBJECT_value(objects, i));
        /* A CRL without nextUpdate never goes stale. */
        if (crl != NULL && X509_CRL_get0_nextUpdate(crl) != NULL &&
            earliest(&until, X509_CRL_get0_nextUpdate(crl), now) != 0)
            return;
    }
    memcpy(s->digest, digest, sizeof digest);
    s->until = until;
}
