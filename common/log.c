#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static cg_log_level min_level = CG_LOG_INFO;
static int json_format;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void cg_log_setup(cg_log_level level, int json)
{
    min_level = level;
    json_format = json;
}

int cg_log_level_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcasecmp(s, level_names[i]) == 0)
            return i;
    if (strcasecmp(s, "warning") == 0)
        return CG_LOG_WARN;
    return -1;
}

static void put(cg_log_line *l, const char *s, size_t n)
{
    /* Keep room for the closing brace and newline. */
    size_t room = sizeof l->buf - 3 - l->len;
    if (n > room)
        n = room;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void puts_(cg_log_line *l, const char *s)
{
    put(l, s, strlen(s));
}

/* JSON string body or logfmt value; control characters are escaped, UTF-8
 * passes through unchanged. */
static void put_escaped(cg_log_line *l, const char *v)
{
    int quote = json_format || *v == '\0' || strpbrk(v, " =\"\\") != NULL;
    if (!quote)
        for (const char *p = v; *p; p++)
            if ((unsigned char)*p < 0x20)
                quote = 1;
    if (quote)
        put(l, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        char esc[8];
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            put(l, esc, 2);
        } else if (*p == '\n') {
            put(l, "\\n", 2);
        } else if (*p < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            puts_(l, esc);
        } else {
            put(l, (const char *)p, 1);
        }
    }
    if (quote)
        put(l, "\"", 1);
}

static void put_key(cg_log_line *l, const char *key)
{
    if (json_format) {
        puts_(l, ",\"");
        puts_(l, key);
        puts_(l, "\":");
    } else {
        puts_(l, " ");
        puts_(l, key);
        puts_(l, "=");
    }
}

void cg_log_begin(cg_log_line *l, cg_log_level level, const char *event)
{
    l->len = 0;
    l->active = level >= min_level;
    if (!l->active)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[40];
    size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof when - n, ".%03ldZ", ts.tv_nsec / 1000000);
    if (json_format) {
        puts_(l, "{\"ts\":\"");
        puts_(l, when);
        puts_(l, "\"");
    } else {
        puts_(l, "ts=");
        puts_(l, when);
    }
    put_key(l, "level");
    put_escaped(l, level_names[level]);
    put_key(l, "event");
    put_escaped(l, event);
}

void cg_log_str(cg_log_line *l, const char *key, const char *value)
{
    if (!l->active)
        return;
    put_key(l, key);
    put_escaped(l, value ? value : "");
}

void cg_log_int(cg_log_line *l, const char *key, long long value)
{
    if (!l->active)
        return;
    char num[24];
    snprintf(num, sizeof num, "%lld", value);
    put_key(l, key);
    puts_(l, num);
}

/* Closes the line: the brace of JSON and the newline. */
static void finish(cg_log_line *l)
{
    if (json_format)
        l->buf[l->len++] = '}';
    l->buf[l->len++] = '\n';
}

/* --- the writer thread ----------------------------------------------------- */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake; /* to the writer: lines, or stop */
    pthread_cond_t done; /* from the writer: it has finished */
    pthread_t thread;
    int running, stopping, finished;
    char *pending; /* lines not yet taken by the writer */
    size_t len;
    char *batch;                 /* the writer's: what it writes now, and room for one line */
    unsigned long long dropped;  /* since the start */
    unsigned long long reported; /* of those, told in a log_dropped line */
} w = {.lock = PTHREAD_MUTEX_INITIALIZER,
       .wake = PTHREAD_COND_INITIALIZER,
       .done = PTHREAD_COND_INITIALIZER};

/* Writes all n bytes to stderr, waiting as long as it takes; gives up on an
 * error (nobody to tell: stderr is where we would tell it). */
static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(STDERR_FILENO, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return;
        p += k;
        n -= (size_t)k;
    }
}

/* Appends the log_dropped line for lost lines to batch (which has room for
 * one line: it was allocated with it). */
static void add_dropped_line(char *batch, size_t *len, unsigned long long count)
{
    cg_log_line l;
    cg_log_begin(&l, CG_LOG_WARN, "log_dropped");
    cg_log_int(&l, "count", (long long)count);
    if (!l.active)
        return;
    finish(&l);
    memcpy(batch + *len, l.buf, l.len);
    *len += l.len;
}

/* Takes what is pending, writes it outside the lock, until stopped with
 * nothing left. */
static void *writer(void *arg)
{
    (void)arg;
    char *batch = w.batch;
    pthread_mutex_lock(&w.lock);
    for (;;) {
        while (w.len == 0 && w.dropped == w.reported && !w.stopping)
            pthread_cond_wait(&w.wake, &w.lock);
        if (w.len == 0 && w.dropped == w.reported)
            break; /* stopping, and everything is out */
        size_t len = w.len;
        memcpy(batch, w.pending, len);
        w.len = 0;
        unsigned long long lost = w.dropped - w.reported;
        w.reported = w.dropped;
        pthread_mutex_unlock(&w.lock);
        if (lost > 0)
            add_dropped_line(batch, &len, lost);
        write_all(batch, len);
        pthread_mutex_lock(&w.lock);
    }
    w.finished = 1;
    pthread_cond_signal(&w.done);
    pthread_mutex_unlock(&w.lock);
    return NULL;
}

int cg_log_start_writer(void)
{
    if (w.running)
        return 0;
    w.pending = malloc(CG_LOG_BUFFER_BYTES);
    w.batch = malloc(CG_LOG_BUFFER_BYTES + sizeof(cg_log_line));
    w.len = 0;
    w.stopping = w.finished = 0;
    if (w.pending == NULL || w.batch == NULL ||
        pthread_create(&w.thread, NULL, writer, NULL) != 0) {
        free(w.pending);
        free(w.batch);
        w.pending = w.batch = NULL;
        return -1;
    }
    w.running = 1;
    return 0;
}

void cg_log_stop_writer(void)
{
    if (!w.running)
        return;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += CG_LOG_FLUSH_TIMEOUT_MS / 1000;
    pthread_mutex_lock(&w.lock);
    w.stopping = 1;
    pthread_cond_signal(&w.wake);
    int rc = 0;
    while (!w.finished && rc == 0)
        rc = pthread_cond_timedwait(&w.done, &w.lock, &until);
    /* Stuck on a reader that does not read: the writer keeps the buffers
     * (later lines go on being queued or dropped, never written here where
     * they would block) and process exit ends it. */
    int finished = w.finished;
    if (finished)
        w.running = 0; /* from now on lines are written at once */
    pthread_mutex_unlock(&w.lock);
    if (!finished) {
        pthread_detach(w.thread);
        return;
    }
    pthread_join(w.thread, NULL);
    free(w.pending);
    free(w.batch);
    w.pending = w.batch = NULL;
}

unsigned long long cg_log_dropped(void)
{
    pthread_mutex_lock(&w.lock);
    unsigned long long n = w.dropped;
    pthread_mutex_unlock(&w.lock);
    return n;
}

/* Queues the line for the writer, or drops it when the buffer is full.
 * 0, or -1 when there is no writer. */
static int enqueue(const cg_log_line *l)
{
    pthread_mutex_lock(&w.lock);
    int queued = w.running;
    if (queued && w.len + l->len <= CG_LOG_BUFFER_BYTES) {
        memcpy(w.pending + w.len, l->buf, l->len);
        w.len += l->len;
        pthread_cond_signal(&w.wake);
    } else if (queued) {
        w.dropped++;
    }
    pthread_mutex_unlock(&w.lock);
    return queued ? 0 : -1;
}

void cg_log_end(cg_log_line *l)
{
    if (!l->active)
        return;
    finish(l);
    if (enqueue(l) == 0)
        return;
    fwrite(l->buf, 1, l->len, stderr);
    fflush(stderr);
}

void cg_log_kv(cg_log_level level, const char *event, ...)
{
    cg_log_line l;
    cg_log_begin(&l, level, event);
    va_list ap;
    va_start(ap, event);
    const char *key;
    while ((key = va_arg(ap, const char *)) != NULL)
        cg_log_str(&l, key, va_arg(ap, const char *));
    va_end(ap);
    cg_log_end(&l);
}
