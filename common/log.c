#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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

void cg_log_end(cg_log_line *l)
{
    if (!l->active)
        return;
    if (json_format)
        l->buf[l->len++] = '}';
    l->buf[l->len++] = '\n';
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
