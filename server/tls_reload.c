#include "tls_reload.h"

#include "error.h"
#include "log.h"
#include "server.h"
#include "session.h"
#include "tls_context.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Warn this long before the CRL's nextUpdate and the server certificate's
 * notAfter: time for whoever publishes them to act. */
#define CRL_WARN_S  (24 * 3600)
#define CERT_WARN_S (14 * 24 * 3600)

/* SHA-256 over the four files (name and contents): a changed file, or one
 * that cannot be read, gives another digest. */
static void digest_files(const cg_config *cfg, unsigned char out[32])
{
    const char *files[] = {cfg->tls_cert, cfg->tls_key, cfg->tls_ca, cfg->tls_crl};
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    memset(out, 0, 32);
    if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return;
    }
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        EVP_DigestUpdate(md, files[k], strlen(files[k]) + 1);
        FILE *f = files[k][0] ? fopen(files[k], "rb") : NULL;
        char buf[8192];
        size_t n;
        while (f != NULL && (n = fread(buf, 1, sizeof buf, f)) > 0)
            EVP_DigestUpdate(md, buf, n);
        EVP_DigestUpdate(md, f != NULL ? "+" : "-", 1);
        if (f != NULL)
            fclose(f);
    }
    unsigned int len = 32;
    EVP_DigestFinal_ex(md, out, &len);
    EVP_MD_CTX_free(md);
}

/* "2027-01-04T09:00:00Z", or "?" */
static const char *iso_time(const ASN1_TIME *t, char *buf, size_t len)
{
    struct tm tm;
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
        strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, len, "?");
    return buf;
}

/* 2 when t has passed, 1 when it comes within warn_s, else 0. */
static int time_state(const ASN1_TIME *t, long warn_s)
{
    if (t == NULL)
        return 0;
    if (X509_cmp_current_time(t) <= 0)
        return 2;
    time_t soon = time(NULL) + warn_s;
    return X509_cmp_time(t, &soon) <= 0 ? 1 : 0;
}

/*
 * Logs the CRL's and the server certificate's validity when it changes for
 * the worse or better (and on SIGHUP): an error once the CRL is past its
 * nextUpdate (every new handshake fails until a fresh one is loaded), a
 * warning ahead of it.
 */
static void check_dates(cg_tls_reload *r, int always)
{
    const cg_config *cfg = r->server->cfg;
    char when[32];
    const ASN1_TIME *next = NULL;
    X509_CRL *crl = NULL;
    if (cfg->tls_crl[0]) {
        BIO *b = BIO_new_file(cfg->tls_crl, "r");
        crl = b ? PEM_read_bio_X509_CRL(b, NULL, NULL, NULL) : NULL;
        BIO_free(b);
        next = crl ? X509_CRL_get0_nextUpdate(crl) : NULL;
    }
    int crl_state = time_state(next, CRL_WARN_S);
    if (crl_state != r->crl_state || (always && crl_state > 0)) {
        static const char *const events[] = {"crl_fresh", "crl_expiring", "crl_expired"};
        cg_log_kv(crl_state == 2   ? CG_LOG_ERROR
                  : crl_state == 1 ? CG_LOG_WARN
                                   : CG_LOG_INFO,
                  events[crl_state], "file", cfg->tls_crl, "next_update",
                  iso_time(next, when, sizeof when), "action",
                  crl_state == 2   ? "every new handshake fails: publish a fresh CRL"
                  : crl_state == 1 ? "publish a fresh CRL before next_update"
                                   : "none",
                  CG_LOG_END);
    }
    r->crl_state = crl_state;
    X509_CRL_free(crl);

    X509 *cert = SSL_CTX_get0_certificate(r->server->tls);
    const ASN1_TIME *not_after = cert ? X509_get0_notAfter(cert) : NULL;
    int cert_state = time_state(not_after, CERT_WARN_S);
    if (cert_state != r->cert_state || (always && cert_state > 0)) {
        static const char *const events[] = {"server_certificate_fresh",
                                             "server_certificate_expiring",
                                             "server_certificate_expired"};
        cg_log_kv(cert_state == 2   ? CG_LOG_ERROR
                  : cert_state == 1 ? CG_LOG_WARN
                                    : CG_LOG_INFO,
                  events[cert_state], "file", cfg->tls_cert, "not_after",
                  iso_time(not_after, when, sizeof when), "action",
                  cert_state ? "renew it; chengguand picks it up by itself" : "none", CG_LOG_END);
    }
    r->cert_state = cert_state;
}

/* Why the certificate of x is no longer accepted, or NULL. After a reload
 * the whole verification (a signature per session); between reloads only
 * the dates, which is all that can have changed. */
static const char *rejected(cg_server *s, cg_session *x, int reloaded)
{
    const char *why = NULL;
    if (reloaded) {
        cg_tls_recheck_peer(s->tls, x->tls.ssl, &why);
        return why;
    }
    X509 *cert = SSL_get0_peer_certificate(x->tls.ssl);
    if (cert != NULL && X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0)
        why = X509_verify_cert_error_string(X509_V_ERR_CERT_HAS_EXPIRED);
    return why;
}

/* Closes the live sessions whose certificate is no longer accepted: revoked
 * by a newer CRL, expired, or from a CA no longer trusted. */
static void recheck_sessions(cg_tls_reload *r, int reloaded)
{
    cg_server *s = r->server;
    for (cg_session *x = s->sessions; x != NULL; x = x->next) {
        const char *why;
        if (x->state == CG_SESSION_HANDSHAKE || x->state == CG_SESSION_CLOSING ||
            !x->tls.established || (why = rejected(s, x, reloaded)) == NULL)
            continue;
        cg_log_line l;
        cg_log_begin(&l, CG_LOG_WARN, "certificate_no_longer_valid");
        cg_log_int(&l, "conn", (long long)x->id);
        cg_log_str(&l, "peer", x->peer);
        cg_log_str(&l, "subject", x->cert_subject);
        cg_log_str(&l, "reason", why);
        cg_log_str(&l, "action", "closing");
        cg_log_end(&l);
        char msg[160];
        snprintf(msg, sizeof msg, "the client certificate is no longer accepted: %s", why);
        cg_session_send_error(x, 0, CG_EUNAUTHENTICATED, msg, NULL);
        cg_session_close_gracefully(x);
    }
}

/* Gives ctx the session ticket keys: those of tls_ticket_keys when set
 * (read again, so a replaced file takes effect), else those of before (NULL
 * at start: OpenSSL's own). 0, or -1 with the reason in err. */
static int ticket_keys(SSL_CTX *ctx, const cg_config *cfg, SSL_CTX *before, char *err,
                       size_t errlen)
{
    if (cfg->tls_ticket_keys[0] != '\0')
        return cg_tls_load_ticket_keys(ctx, cfg->tls_ticket_keys, err, errlen);
    if (before == NULL || cg_tls_carry_ticket_keys(ctx, before) == 0)
        return 0;
    snprintf(err, errlen, "cannot copy the session ticket keys");
    return -1;
}

/* Loads a new context when the files changed (or always, on SIGHUP). A
 * context that fails to load is logged once and the current one stays. */
static void reload(cg_tls_reload *r, int forced)
{
    cg_server *s = r->server;
    const cg_config *cfg = s->cfg;
    unsigned char now[32];
    digest_files(cfg, now);
    int changed = memcmp(now, r->loaded, sizeof now) != 0, reloaded = 0;
    if (forced || (changed && memcmp(now, r->failed, sizeof now) != 0)) {
        char err[512];
        SSL_CTX *ctx = cg_tls_server_ctx(cfg->tls_cert, cfg->tls_key, cfg->tls_ca, cfg->tls_crl,
                                         err, sizeof err);
        if (ctx == NULL) {
            memcpy(r->failed, now, sizeof now);
            cg_log_kv(CG_LOG_ERROR, "tls_reload_failed", "error", err, "action",
                      "keeping the certificates loaded before", CG_LOG_END);
        } else {
            if (ticket_keys(ctx, cfg, s->tls, err, sizeof err) != 0)
                cg_log_kv(CG_LOG_WARN, "tls_ticket_keys_not_kept", "error", err, "effect",
                          "clients make one full handshake", CG_LOG_END);
            SSL_CTX_free(s->tls); /* sessions made with it keep their reference */
            s->tls = ctx;
            memcpy(r->loaded, now, sizeof now);
            reloaded = 1;
            cg_log_kv(CG_LOG_INFO, "tls_reloaded", "trigger", forced ? "SIGHUP" : "files changed",
                      CG_LOG_END);
        }
    }
    check_dates(r, forced);
    recheck_sessions(r, reloaded);
}

static void on_sighup(uv_signal_t *h, int signum)
{
    (void)signum;
    reload(h->data, 1);
}

static void on_timer(uv_timer_t *t)
{
    reload(t->data, 0);
}

int cg_tls_reload_init(cg_tls_reload *r, cg_server *server)
{
    const cg_config *cfg = server->cfg;
    memset(r, 0, sizeof *r);
    r->server = server;
    digest_files(cfg, r->loaded); /* before loading: a change in between is seen next time */
    char err[512];
    server->tls =
        cg_tls_server_ctx(cfg->tls_cert, cfg->tls_key, cfg->tls_ca, cfg->tls_crl, err, sizeof err);
    if (server->tls == NULL || ticket_keys(server->tls, cfg, NULL, err, sizeof err) != 0) {
        cg_log_kv(CG_LOG_ERROR, "tls_setup_failed", "error", err, CG_LOG_END);
        SSL_CTX_free(server->tls);
        server->tls = NULL;
        return -1;
    }
    if (cfg->tls_crl[0] == '\0')
        cg_log_kv(CG_LOG_WARN, "tls_crl_not_set", "effect",
                  "a revoked client certificate can connect until it expires", CG_LOG_END);
    check_dates(r, 0);
    return 0;
}

void cg_tls_reload_start(cg_tls_reload *r)
{
    cg_server *s = r->server;
    uv_signal_init(s->loop, &r->sighup);
    uv_timer_init(s->loop, &r->timer);
    r->sighup.data = r->timer.data = r;
    uv_signal_start(&r->sighup, on_sighup, SIGHUP);
    uint64_t every = (uint64_t)s->cfg->tls_reload_interval;
    uv_timer_start(&r->timer, on_timer, every, every);
}

void cg_tls_reload_stop(cg_tls_reload *r)
{
    uv_close((uv_handle_t *)&r->sighup, NULL); /* libuv restores SIG_DFL: */
    signal(SIGHUP, SIG_IGN); /* a terminal closed while stopping must not kill the server */
    uv_close((uv_handle_t *)&r->timer, NULL);
}
