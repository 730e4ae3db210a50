#include "journal_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC      "CGJ1"
#define HEAD_LEN   8  /* magic, payload length */
#define SUM_LEN    32 /* SHA-256 of the payload */
#define FIXED_LEN  (8 + 32 + 4 + 2 + 4)
#define MAX_RECORD (256u * 1024 * 1024) /* the largest frame a server can be set to take */

void cg__jfile_name(char *name, size_t len, int64_t queued_at_us)
{
    uint32_t r = 0;
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
        r = (uint32_t)getpid();
    snprintf(name, len, "%016llx-%08x", (unsigned long long)queued_at_us, r);
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static void sha256(const uint8_t *p, size_t n, uint8_t out[SUM_LEN])
{
    EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL);
}

static int io_error(char *why, size_t whylen, const char *what, const char *path)
{
    snprintf(why, whylen, "journal: %s %s: %s", what, path, strerror(errno));
    return CG_EIO;
}

/* fsync of the directory: a rename or unlink in it is durable after this. */
static int sync_dir(const char *dir, char *why, size_t whylen)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        int rc = io_error(why, whylen, "cannot sync directory", dir);
        if (fd >= 0)
            close(fd);
        return rc;
    }
    close(fd);
    return 0;
}

/* The whole file of r: head, payload, checksum; malloc'd into *out. */
static int encode(const cg__jrecord *r, uint8_t **out, size_t *len)
{
    size_t reason = strlen(r->reason), error = strlen(r->error);
    size_t payload = FIXED_LEN + r->env_len + reason + error;
    uint8_t *b = malloc(HEAD_LEN + payload + SUM_LEN);
    if (b == NULL)
        return CG_ENOMEM;
    memcpy(b, MAGIC, 4);
    put_be(b + 4, payload, 4);
    uint8_t *p = b + HEAD_LEN;
    put_be(p, (uint64_t)r->queued_at_us, 8);
    memcpy(p + 8, r->cert, 32);
    put_be(p + 40, r->env_len, 4);
    memcpy(p + 44, r->env, r->env_len);
    p += 44 + r->env_len;
    put_be(p, reason, 2);
    memcpy(p + 2, r->reason, reason);
    p += 2 + reason;
    put_be(p, error, 4);
    memcpy(p + 4, r->error, error);
    sha256(b + HEAD_LEN, payload, b + HEAD_LEN + payload);
    *out = b;
    *len = HEAD_LEN + payload + SUM_LEN;
    return 0;
}

int cg__jfile_write(const char *dir, const char *stem, const char *suffix, const cg__jrecord *r,
                    char *why, size_t whylen)
{
    uint8_t *b;
    size_t len;
    if (encode(r, &b, &len) != 0) {
        snprintf(why, whylen, "journal: out of memory");
        return CG_ENOMEM;
    }
    char tmp[4096], final[4096];
    snprintf(tmp, sizeof tmp, "%s/" CG__JOURNAL_TMP "%s%s", dir, stem, suffix);
    snprintf(final, sizeof final, "%s/%s%s", dir, stem, suffix);
    int rc = 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = io_error(why, whylen, "cannot create", tmp);
    } else {
        size_t done = 0;
        while (done < len && rc == 0) {
            ssize_t n = write(fd, b + done, len - done);
            if (n < 0 && errno != EINTR)
                rc = io_error(why, whylen, "cannot write", tmp);
            else if (n > 0)
                done += (size_t)n;
        }
        if (rc == 0 && fsync(fd) != 0)
            rc = io_error(why, whylen, "cannot sync", tmp);
        if (close(fd) != 0 && rc == 0)
            rc = io_error(why, whylen, "cannot write", tmp);
        if (rc == 0 && rename(tmp, final) != 0)
            rc = io_error(why, whylen, "cannot rename into place", final);
        if (rc != 0)
            unlink(tmp);
    }
    free(b);
    return rc == 0 ? sync_dir(dir, why, whylen) : rc;
}

static int damaged(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* -1, the file being damaged, with why. */
static int damaged(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Parses the checked payload p of n bytes into r. 0, or -1 with why. */
static int decode(const uint8_t *p, size_t n, cg__jrecord *r, char *why, size_t whylen)
{
    if (n < FIXED_LEN)
        return damaged(why, whylen, "payload of %zu bytes is under the %d of an entry", n,
                       FIXED_LEN);
    r->queued_at_us = (int64_t)get_be(p, 8);
    memcpy(r->cert, p + 8, 32);
    size_t env = get_be(p + 40, 4);
    if (env > n - FIXED_LEN)
        return damaged(why, whylen, "request of %zu bytes in a payload of %zu", env, n);
    size_t at = 44 + env;
    size_t reason = get_be(p + at, 2);
    if (reason >= sizeof r->reason || reason > n - FIXED_LEN - env)
        return damaged(why, whylen, "reason of %zu bytes in a payload of %zu", reason, n);
    memcpy(r->reason, p + at + 2, reason);
    r->reason[reason] = '\0';
    at += 2 + reason;
    size_t error = get_be(p + at, 4);
    if (error >= sizeof r->error || error != n - at - 4)
        return damaged(why, whylen, "error text of %zu bytes in a payload of %zu", error, n);
    memcpy(r->error, p + at + 4, error);
    r->error[error] = '\0';
    if ((r->env = malloc(env ? env : 1)) == NULL)
        return CG_ENOMEM;
    memcpy(r->env, p + 44, env);
    r->env_len = env;
    return 0;
}

int cg__jfile_read(const char *dir, const char *file, cg__jrecord *r, char *why, size_t whylen)
{
    *r = (cg__jrecord){0};
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (strncmp(file, CG__JOURNAL_TMP, strlen(CG__JOURNAL_TMP)) == 0) {
        snprintf(why, whylen, "unfinished: the program stopped while writing it");
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 && errno == ENOENT)
        return 1;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int rc = io_error(why, whylen, "cannot read", path);
        if (fd >= 0)
            close(fd);
        return rc;
    }
    size_t size = (size_t)st.st_size;
    uint8_t *b = size <= MAX_RECORD ? malloc(size ? size : 1) : NULL;
    size_t got = 0;
    while (b != NULL && got < size) {
        ssize_t n = read(fd, b + got, size - got);
        if (n <= 0 && !(n < 0 && errno == EINTR))
            break;
        if (n > 0)
            got += (size_t)n;
    }
    close(fd);
    int rc;
    size_t payload = got >= HEAD_LEN ? get_be(b + 4, 4) : 0;
    uint8_t sum[SUM_LEN];
    if (b == NULL)
        rc = size > MAX_RECORD
                 ? damaged(why, whylen, "%zu bytes, over the %u of an entry", size, MAX_RECORD)
                 : CG_ENOMEM;
    else if (got != size)
        rc = io_error(why, whylen, "cannot read", path);
    else if (size < HEAD_LEN || memcmp(b, MAGIC, 4) != 0)
        rc = damaged(why, whylen, "not a journal entry (%zu bytes)", size);
    else if (size < HEAD_LEN + payload + SUM_LEN)
        rc =
            damaged(why, whylen, "cut short: %zu of %zu bytes", size, HEAD_LEN + payload + SUM_LEN);
    else if (size > HEAD_LEN + payload + SUM_LEN)
        rc = damaged(why, whylen, "%zu bytes where %zu were written", size,
                     HEAD_LEN + payload + SUM_LEN);
    else if (sha256(b + HEAD_LEN, payload, sum), memcmp(sum, b + HEAD_LEN + payload, SUM_LEN))
        rc = damaged(why, whylen, "checksum mismatch over %zu bytes", payload);
    else
        rc = decode(b + HEAD_LEN, payload, r, why, whylen);
    if (rc == CG_ENOMEM)
        snprintf(why, whylen, "journal: out of memory");
    free(b);
    return rc;
}

void cg__jfile_release(cg__jrecord *r)
{
    free(r->env);
    r->env = NULL;
}

int cg__jfile_remove(const char *dir, const char *file, char *why, size_t whylen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (unlink(path) != 0 && errno != ENOENT)
        return io_error(why, whylen, "cannot remove", path);
    return sync_dir(dir, why, whylen);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

static int is_journal_file(const struct dirent *d)
{
    return ends_with(d->d_name, CG__JOURNAL_PENDING) || ends_with(d->d_name, CG__JOURNAL_REFUSED);
}

/* The entry's own name: an unfinished write sorts where it would have. */
static const char *stem(const char *name)
{
    size_t n = strlen(CG__JOURNAL_TMP);
    return strncmp(name, CG__JOURNAL_TMP, n) == 0 ? name + n : name;
}

static int by_stem(const struct dirent **a, const struct dirent **b)
{
    return strcmp(stem((*a)->d_name), stem((*b)->d_name));
}

int cg__jfile_names(const char *dir, char ***names)
{
    *names = NULL;
    struct dirent **list;
    int n = scandir(dir, &list, is_journal_file, by_stem);
    if (n < 0)
        return errno == ENOENT ? 0 : CG_EIO;
    char **out = calloc((size_t)n + 1, sizeof *out);
    int rc = out != NULL ? n : CG_ENOMEM;
    for (int i = 0; i < n; i++) {
        if (out != NULL && (out[i] = strdup(list[i]->d_name)) == NULL)
            rc = CG_ENOMEM;
        free(list[i]);
    }
    free(list);
    if (rc < 0)
        cg__jfile_names_free(out, n);
    else
        *names = out;
    return rc;
}

void cg__jfile_names_free(char **names, int n)
{
    for (int i = 0; names != NULL && i < n; i++)
        free(names[i]);
    free(names);
}
