/* The offline journal's API (chengguan/journal.h) over journal_file.c. */
#include "journal.h"
#include "journal_file.h"
#include "reply_map.h"
#include "util.h"

#include <errno.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void hex(char *out, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    out[2 * n] = '\0';
}

int cg__journal_wants(int err)
{
    return err == CG_ECONNECT || err == CG_ECLOSED || err == CG_ETIMEOUT || err == CG_EUNAVAILABLE;
}

/* A refusal that may pass: the entry stays pending and the flush stops. */
static int may_pass(int err)
{
    return err == CG_EUNAVAILABLE || err == CG_EABORTED || err == CG_ERESOURCE_EXHAUSTED ||
           err == CG_EDEADLINE_EXCEEDED || err < CG_EUNAUTHENTICATED;
}

/* Makes dir and its missing parents, 0700. 0 or -1 (errno). */
static int make_dirs(const char *dir)
{
    char p[PATH_MAX];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *s = p + 1; *s != '\0'; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    return mkdir(p, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

int cg_client_set_journal(cg_client *c, const char *dir)
{
    cg__journal **slot = cg__client_journal(c);
    free(*slot);
    *slot = NULL;
    if (dir == NULL)
        return 0;
    SSL_CTX *ctx = cg__client_ssl_ctx(c);
    X509 *cert = ctx != NULL ? SSL_CTX_get0_certificate(ctx) : NULL;
    if (cert == NULL)
        return cg__client_set_error(c, CG_EUSAGE, "journal: no client certificate loaded");
    char why[PATH_MAX + 128];
    struct stat st;
    if (make_dirs(dir) != 0 || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(why, sizeof why, "journal: cannot make directory %s: %s", dir,
                 strerror(errno ? errno : ENOTDIR));
        return cg__client_set_error(c, CG_EIO, why);
    }
    cg__journal *j = calloc(1, sizeof *j);
    if (j == NULL)
        return cg__client_set_error(c, CG_ENOMEM, "out of memory");
    snprintf(j->dir, sizeof j->dir, "%s", dir);
    unsigned int len = 0;
    X509_digest(cert, EVP_sha256(), j->cert, &len);
    *slot = j;
    return 0;
}

const char *cg_client_queued(const cg_client *c)
{
    cg__journal *const *slot = cg__client_journal((cg_client *)c);
    return *slot != NULL ? (*slot)->queued : "";
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int cg__journal_queue(cg_client *c, cg__journal *j, const cg_envelope *env)
{
    char unreachable[512], why[1024], msg[PATH_MAX + 2048];
    snprintf(unreachable, sizeof unreachable, "%s", cg_client_error(c));
    cg__jrecord r = {.queued_at_us = now_us()};
    memcpy(r.cert, j->cert, sizeof r.cert);
    r.env_len = protobuf_c_message_get_packed_size(&env->base);
    if ((r.env = malloc(r.env_len ? r.env_len : 1)) == NULL)
        return cg__client_set_error(c, CG_ENOMEM, "out of memory");
    protobuf_c_message_pack(&env->base, r.env);
    char name[32];
    cg__jfile_name(name, sizeof name, r.queued_at_us);
    int rc = cg__jfile_write(j->dir, name, CG__JOURNAL_PENDING, &r, why, sizeof why);
    cg__jfile_release(&r);
    if (rc != 0) {
        snprintf(msg, sizeof msg, "%s; and it could not be queued: %s", unreachable, why);
        return cg__client_set_error(c, rc, msg);
    }
    snprintf(j->queued, sizeof j->queued, "%s" CG__JOURNAL_PENDING, name);
    snprintf(msg, sizeof msg, "%s; queued as %s/%s", unreachable, j->dir, j->queued);
    return cg__client_set_error(c, CG_EQUEUED, msg);
}

/* An entry as the callbacks see it, with the text its pointers use. */
typedef struct {
    cg_journal_entry e;
    char key[129];
    char cert[65];
    cg__jrecord r;
    cg_envelope *env;
    char why[512];
} entry;

/*
 * Reads the file name of dir into x. 0 with x->e filled (state DAMAGED with
 * the reason when the file is), 1 when the file is gone, CG_EIO or
 * CG_ENOMEM. Release with entry_release.
 */
static int entry_read(entry *x, const char *dir, const char *name)
{
    *x = (entry){.e = {.name = name,
                       .request = "",
                       .key_hex = "",
                       .certificate = "",
                       .error = "",
                       .reason = ""}};
    int rc = cg__jfile_read(dir, name, &x->r, x->why, sizeof x->why);
    if (rc == 0 && (x->env = cg_envelope_read(x->r.env, x->r.env_len, NULL)) == NULL) {
        snprintf(x->why, sizeof x->why, "the request in it is not an Envelope");
        rc = -1;
    }
    const ProtobufCMessage *body = rc == 0 ? cg_envelope_body(x->env) : NULL;
    const ProtobufCBinaryData *key = body != NULL ? cg__key_field(body) : NULL;
    if (rc == 0 && (key == NULL || key->len == 0 || key->len > 64)) {
        snprintf(x->why, sizeof x->why, "the request in it has no idempotency key");
        rc = -1;
    }
    if (rc == -1) {
        x->e.state = CG_JOURNAL_DAMAGED;
        x->e.error = x->why;
        return 0;
    }
    if (rc != 0)
        return rc;
    size_t n = strlen(name);
    x->e.state = n > strlen(CG__JOURNAL_REFUSED) &&
                         strcmp(name + n - strlen(CG__JOURNAL_REFUSED), CG__JOURNAL_REFUSED) == 0
                     ? CG_JOURNAL_REFUSED
                     : CG_JOURNAL_PENDING;
    x->e.queued_at_us = x->r.queued_at_us;
    x->e.request = body->descriptor->name;
    hex(x->key, key->data, key->len);
    x->e.key_hex = x->key;
    hex(x->cert, x->r.cert, sizeof x->r.cert);
    x->e.certificate = x->cert;
    x->e.error = x->r.error;
    x->e.reason = x->r.reason;
    x->e.message = body;
    return 0;
}

static void entry_release(entry *x)
{
    if (x->env != NULL)
        chengguan__v1__envelope__free_unpacked(x->env, NULL);
    cg__jfile_release(&x->r);
}

int cg_journal_list(const char *dir, int (*cb)(void *arg, const cg_journal_entry *e), void *arg)
{
    char **names;
    int n = cg__jfile_names(dir, &names);
    if (n < 0)
        return n;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        entry x;
        rc = entry_read(&x, dir, names[i]);
        if (rc == 0)
            rc = cb(arg, &x.e);
        else if (rc == 1)
            rc = 0; /* gone meanwhile */
        entry_release(&x);
    }
    cg__jfile_names_free(names, n);
    return rc;
}

/* Keeps the refused entry x as REFUSED with the client's error: the
 * .refused file first, then the .pending one goes. 0 or CG_EIO. */
static int mark_refused(cg_client *c, const cg__journal *j, entry *x, int status)
{
    snprintf(x->r.error, sizeof x->r.error, "%s: %s", cg_err_name(status), cg_client_error(c));
    snprintf(x->r.reason, sizeof x->r.reason, "%s", cg_client_error_reason(c));
    char stem[64], why[1024];
    snprintf(stem, sizeof stem, "%.*s", (int)(strlen(x->e.name) - strlen(CG__JOURNAL_PENDING)),
             x->e.name);
    int rc = cg__jfile_write(j->dir, stem, CG__JOURNAL_REFUSED, &x->r, why, sizeof why);
    if (rc == 0)
        rc = cg__jfile_remove(j->dir, x->e.name, why, sizeof why);
    x->e.state = CG_JOURNAL_REFUSED;
    return rc != 0 ? cg__client_set_error(c, rc, why) : 0;
}

/* Sends the pending entry x; see cg_client_flush_journal. */
static int flush_one(cg_client *c, const cg__journal *j, entry *x,
                     int (*cb)(void *, const cg_journal_entry *, int, const ProtobufCMessage *),
                     void *arg, int *sent)
{
    ProtobufCMessage *reply = NULL;
    int status = cg_call(c, (ProtobufCMessage *)x->e.message, &reply);
    if (status != 0 && may_pass(status))
        return status;
    char why[1024];
    int rc = status == 0 ? cg__jfile_remove(j->dir, x->e.name, why, sizeof why)
                         : mark_refused(c, j, x, status);
    if (status == 0 && rc != 0)
        rc = cg__client_set_error(c, rc, why);
    if (status == 0 && rc == 0)
        (*sent)++;
    if (rc == 0 && cb != NULL) {
        if (status != 0)
            x->e.error = x->r.error, x->e.reason = x->r.reason;
        rc = cb(arg, &x->e, status, reply);
    }
    cg_message_free(reply);
    return rc;
}

int cg_client_flush_journal(cg_client *c,
                            int (*cb)(void *arg, const cg_journal_entry *e, int status,
                                      const ProtobufCMessage *reply),
                            void *arg, int *sent)
{
    int none = 0;
    if (sent == NULL)
        sent = &none;
    *sent = 0;
    cg__journal **slot = cg__client_journal(c), *j = *slot;
    if (j == NULL)
        return cg__client_set_error(c, CG_EUSAGE, "no journal set (cg_client_set_journal)");
    char **names;
    int n = cg__jfile_names(j->dir, &names);
    if (n < 0)
        return cg__client_set_error(c, n, "journal: cannot read its directory");
    char mine[65];
    hex(mine, j->cert, sizeof j->cert);
    *slot = NULL; /* what fails now stays in its entry, not in a new one */
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        entry x;
        rc = entry_read(&x, j->dir, names[i]);
        if (rc == 1)
            rc = 0;
        else if (rc != 0)
            rc = cg__client_set_error(c, rc, x.why);
        else if (x.e.state == CG_JOURNAL_PENDING && strcmp(x.e.certificate, mine) == 0)
            rc = flush_one(c, j, &x, cb, arg, sent);
        entry_release(&x);
    }
    *slot = j;
    cg__jfile_names_free(names, n);
    return rc;
}
