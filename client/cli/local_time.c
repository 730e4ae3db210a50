#include "local_time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* A number of n decimal digits at *p, then the character sep (none when
 * sep is 0), advancing *p past both; -1 when they are not there. */
static int field(const char **p, int n, char sep)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        v = v * 10 + (**p - '0');
    }
    if (sep != 0 && *(*p)++ != sep)
        return -1;
    return v;
}

int cg_time_parse(const char *s, int64_t *us)
{
    const char *p = s;
    int y, mo, d, h, mi, sec;
    if ((y = field(&p, 4, '-')) < 0 || (mo = field(&p, 2, '-')) < 1 || mo > 12 ||
        (d = field(&p, 2, 0)) < 1 || d > 31 || (*p != 'T' && *p != ' '))
        return -1;
    p++;
    if ((h = field(&p, 2, ':')) < 0 || h > 23 || (mi = field(&p, 2, ':')) < 0 || mi > 59 ||
        (sec = field(&p, 2, 0)) < 0 || sec > 60)
        return -1;
    long frac = 0;
    if (*p == '.') {
        int digits = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, digits++)
            if (digits < 6)
                frac = frac * 10 + (*p - '0');
        if (digits == 0)
            return -1;
        for (; digits < 6; digits++)
            frac *= 10;
    }
    long offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om;
        if ((oh = field(&p, 2, ':')) < 0 || oh > 23 || (om = field(&p, 2, 0)) < 0 || om > 59)
            return -1;
        offset = sign * (oh * 3600L + om * 60L);
    } else {
        return -1;
    }
    if (*p != '\0')
        return -1;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    *us = ((int64_t)timegm(&tm) - offset) * 1000000 + frac;
    return 0;
}

/* The broken-down Beijing time of us, and its microseconds in *frac. */
static void local_tm(int64_t us, struct tm *tm, long *frac)
{
    int64_t secs = us / 1000000;
    long f = (long)(us % 1000000);
    if (f < 0) {
        secs--;
        f += 1000000;
    }
    time_t t = (time_t)(secs + CG_LOCAL_OFFSET_S);
    gmtime_r(&t, tm);
    *frac = f;
}

void cg_time_text(int64_t us, char *buf, size_t len)
{
    struct tm tm;
    long frac;
    local_tm(us, &tm, &frac);
    strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

int cg_time_text_of(const char *s, char *buf, size_t len)
{
    int64_t us;
    if (cg_time_parse(s, &us) != 0)
        return -1;
    cg_time_text(us, buf, len);
    return 0;
}

void cg_time_rfc3339(int64_t us, int ms, char *buf, size_t len)
{
    struct tm tm;
    long frac;
    local_tm(us, &tm, &frac);
    size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    if (ms)
        snprintf(buf + n, len - n, ".%03ld+08:00", frac / 1000);
    else
        snprintf(buf + n, len - n, "+08:00");
}

void cg_time_now(char *buf, size_t len)
{
    cg_time_rfc3339((int64_t)time(NULL) * 1000000, 0, buf, len);
}

int cg_time_is_instant_name(const char *key)
{
    size_t n = strlen(key);
    return strcmp(key, "at") == 0 || strcmp(key, "start") == 0 || strcmp(key, "end") == 0 ||
           (n > 3 && strcmp(key + n - 3, "_at") == 0) ||
           (n > 4 && strcmp(key + n - 4, "_due") == 0);
}

/* s in +08:00 with the same fraction as s, in buf; -1 when s is not an
 * instant with a 'T'. */
static int to_local(const char *s, char *buf, size_t len)
{
    int64_t us;
    if (strlen(s) < 20 || s[10] != 'T' || cg_time_parse(s, &us) != 0)
        return -1;
    struct tm tm;
    long frac;
    local_tm(us, &tm, &frac);
    size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    const char *dot = s[19] == '.' ? s + 19 : NULL;
    size_t flen = dot ? strspn(dot + 1, "0123456789") + 1 : 0;
    snprintf(buf + n, len - n, "%.*s+08:00", (int)flen, dot ? dot : "");
    return 0;
}

void cg_time_json_local(json_t *v)
{
    const char *key;
    json_t *m;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach(v, key, m)
        {
            char buf[64];
            if (json_is_string(m) && cg_time_is_instant_name(key) &&
                to_local(json_string_value(m), buf, sizeof buf) == 0)
                json_string_set(m, buf);
            else
                cg_time_json_local(m);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, m)
        {
            cg_time_json_local(m);
        }
    }
}

/* Year and week of "YYYY-Www" (one or two digits, 'W' in either case). */
static int week_fields(const char *s, int *year, int *week)
{
    const char *p = s;
    if ((*year = field(&p, 4, '-')) < 1 || (*p != 'W' && *p != 'w'))
        return -1;
    p++;
    size_t digits = strspn(p, "0123456789");
    if (digits < 1 || digits > 2 || p[digits] != '\0')
        return -1;
    *week = digits == 1 ? p[0] - '0' : (p[0] - '0') * 10 + (p[1] - '0');
    return *week >= 1 && *week <= 53 ? 0 : -1;
}

int cg_week_parse(const char *s, char *buf, size_t len)
{
    int year, week;
    if (week_fields(s, &year, &week) != 0)
        return -1;
    snprintf(buf, len, "%04d-W%02d", year, week);
    return 0;
}

int cg_week_text(const char *s, char *buf, size_t len)
{
    int year, week;
    if (week_fields(s, &year, &week) != 0)
        return -1;
    /* The Monday of week 1 is that of the week holding 4 January. */
    struct tm tm = {.tm_year = year - 1900, .tm_mon = 0, .tm_mday = 4, .tm_hour = 12};
    time_t jan4 = timegm(&tm);
    int wday = (tm.tm_wday + 6) % 7; /* Monday 0 */
    time_t monday = jan4 + (time_t)(7 * (week - 1) - wday) * 86400;
    time_t sunday = monday + 6 * 86400;
    struct tm a, b;
    gmtime_r(&monday, &a);
    gmtime_r(&sunday, &b);
    snprintf(buf, len, "%04d-W%02d (%02d-%02d – %02d-%02d)", year, week, a.tm_mon + 1, a.tm_mday,
             b.tm_mon + 1, b.tm_mday);
    return 0;
}
