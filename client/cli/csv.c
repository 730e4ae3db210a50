#include "csv.h"
#include "i18n.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Doubles the capacity of *buf; on failure frees it, sets it NULL, -1. */
static int grow(char **buf, size_t *cap)
{
    char *p = realloc(*buf, *cap * 2);
    if (p == NULL) {
        free(*buf);
        *buf = NULL;
        return -1;
    }
    *buf = p;
    *cap *= 2;
    return 0;
}

int cg_csv_read(FILE *in, size_t max, char **data, size_t *len, char *err, size_t errlen)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL && !ferror(in) && !feof(in) && n <= max) {
        if (n == cap && grow(&buf, &cap) != 0)
            break;
        n += fread(buf + n, 1, cap - n, in);
    }
    int rc = 0;
    if (buf == NULL)
        rc = fail(err, errlen, _("out of memory"));
    else if (ferror(in))
        rc = fail(err, errlen, _("cannot read: %s"), strerror(errno));
    else if (n > max)
        rc = fail(err, errlen, _("larger than %zu MB: split the file"), max >> 20);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *data = buf;
    *len = n;
    return 0;
}

/* --- encoding ------------------------------------------------------------ */

/* Offset of the first byte that is not valid UTF-8 (libunistring's rule:
 * no overlong forms, surrogates or values past U+10FFFF), or len when all
 * are. */
static size_t utf8_invalid_at(const char *s, size_t len)
{
    const uint8_t *bad = u8_check((const uint8_t *)s, len);
    return bad != NULL ? (size_t)(bad - (const uint8_t *)s) : len;
}

/* 1-based line of byte offset off in s. */
static unsigned line_of(const char *s, size_t off)
{
    unsigned line = 1;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n')
            line++;
    return line;
}

/* Converts len bytes of GB18030 to UTF-8 into *out. 0, or the offset + 1 of
 * the first byte that is not GB18030, or -1 when iconv is unavailable or
 * memory ran out (errno says which). */
static long long from_gb18030(const char *data, size_t len, char **out, size_t *outlen)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return -1;
    size_t cap = len * 2 + 16, used = 0;
    char *buf = malloc(cap);
    char *in = (char *)data;
    size_t inleft = len;
    long long rc = 0;
    while (buf != NULL && inleft > 0) {
        char *o = buf + used;
        size_t oleft = cap - used - 1;
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        used = (size_t)(o - buf);
        if (r != (size_t)-1)
            continue;
        if (errno == E2BIG) {
            if (grow(&buf, &cap) != 0)
                break;
        } else { /* EILSEQ, or EINVAL for a sequence cut short by the end */
            rc = (long long)(in - data) + 1;
            break;
        }
    }
    iconv_close(cd);
    if (buf == NULL) {
        errno = ENOMEM;
        return -1;
    }
    if (rc != 0) {
        free(buf);
        return rc;
    }
    buf[used] = '\0';
    *out = buf;
    *outlen = used;
    return 0;
}

int cg_csv_decode(const char *data, size_t len, char **out, size_t *outlen, const char **encoding,
                  char *err, size_t errlen)
{
    *out = NULL;
    *outlen = 0;
    const unsigned char *u = (const unsigned char *)data;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        data += 3;
        len -= 3;
    } else if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        return fail(err, errlen, _("UTF-16 text: save the file as CSV in UTF-8 or GBK"));
    }
    const char *nul = memchr(data, '\0', len);
    if (nul != NULL)
        return fail(err, errlen, _("line %u: NUL byte: not a text file"),
                    line_of(data, nul - data));

    size_t bad = utf8_invalid_at(data, len);
    if (bad == len) {
        char *copy = malloc(len + 1);
        if (copy == NULL)
            return fail(err, errlen, _("out of memory"));
        memcpy(copy, data, len);
        copy[len] = '\0';
        *out = copy;
        *outlen = len;
        *encoding = "UTF-8";
        return 0;
    }
    long long rc = from_gb18030(data, len, out, outlen);
    if (rc == 0) {
        *encoding = "GB18030";
        return 0;
    }
    if (rc < 0)
        return fail(err, errlen, _("cannot convert from GB18030: %s"), strerror(errno));
    /* Name the place that got further: the file is most likely in that
     * encoding and broken there. */
    size_t at = (size_t)rc - 1 > bad ? (size_t)rc - 1 : bad;
    return fail(err, errlen, _("line %u: neither UTF-8 nor GBK/GB18030 text (byte 0x%02x)"),
                line_of(data, at), (unsigned char)data[at]);
}

/* --- reading -------------------------------------------------------------- */

/* Growing arrays behind a cg_csv while it is parsed. */
typedef struct {
    size_t nslots, capslots;
    size_t nrecs, caprecs;
    size_t *firsts; /* index of each record's first slot */
} builder;

static int push_slot(cg_csv *csv, builder *b, char *field)
{
    if (b->nslots == b->capslots) {
        size_t cap = b->capslots ? b->capslots * 2 : 64;
        char **p = realloc(csv->slots, cap * sizeof *p);
        if (p == NULL)
            return -1;
        csv->slots = p;
        b->capslots = cap;
    }
    csv->slots[b->nslots++] = field;
    return 0;
}

static int push_record(cg_csv *csv, builder *b, size_t first, unsigned line)
{
    if (b->nrecs == b->caprecs) {
        size_t cap = b->caprecs ? b->caprecs * 2 : 16;
        cg_csv_record *p = realloc(csv->records, cap * sizeof *p);
        size_t *f = realloc(b->firsts, cap * sizeof *f);
        if (p != NULL)
            csv->records = p;
        if (f != NULL)
            b->firsts = f;
        if (p == NULL || f == NULL)
            return -1;
        b->caprecs = cap;
    }
    b->firsts[b->nrecs] = first;
    csv->records[b->nrecs] = (cg_csv_record){NULL, b->nslots - first, line};
    b->nrecs++;
    return 0;
}

/* Length of the line break at text[i] (2 for CRLF, 1 for LF or a lone CR),
 * 0 when there is none. */
static size_t line_break(const char *text, size_t len, size_t i)
{
    if (text[i] == '\n')
        return 1;
    if (text[i] == '\r')
        return i + 1 < len && text[i + 1] == '\n' ? 2 : 1;
    return 0;
}

int cg_csv_parse(const char *text, size_t len, cg_csv *csv, char *err, size_t errlen)
{
    memset(csv, 0, sizeof *csv);
    builder b = {0};
    /* Unquoting never makes a field longer than its source, and each field
     * gains one NUL for the separator or line break it loses, so the
     * unquoted text fits in len + 1 bytes. */
    char *o = csv->text = malloc(len + 1);
    unsigned line = 1;
    size_t i = 0;
    int rc = 0;
    if (o == NULL)
        rc = fail(err, errlen, _("out of memory"));
    while (rc == 0 && i < len) {
        size_t first = b.nslots;
        unsigned rec_line = line;
        int quoted_any = 0, end = 0;
        while (rc == 0 && !end) {
            char *field = o;
            if (i < len && text[i] == '"') {
                unsigned field_line = line;
                quoted_any = 1;
                i++;
                for (;;) {
                    if (i >= len) {
                        rc = fail(err, errlen, _("line %u: quoted field not closed"), field_line);
                        break;
                    }
                    if (text[i] == '"') {
                        if (i + 1 < len && text[i + 1] == '"') {
                            *o++ = '"';
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    size_t br = line_break(text, len, i);
                    if (br > 0) {
                        memcpy(o, text + i, br);
                        o += br;
                        i += br;
                        line++;
                        continue;
                    }
                    if (text[i] == '\0') {
                        rc = fail(err, errlen, _("line %u: NUL byte"), line);
                        break;
                    }
                    *o++ = text[i++];
                }
                if (rc == 0 && i < len && text[i] != ',' && line_break(text, len, i) == 0)
                    rc = fail(err, errlen, _("line %u: text after the closing quote of a field"),
                              line);
            } else {
                while (i < len && text[i] != ',' && line_break(text, len, i) == 0) {
                    if (text[i] == '\0') {
                        rc = fail(err, errlen, _("line %u: NUL byte"), line);
                        break;
                    }
                    *o++ = text[i++];
                }
            }
            if (rc != 0)
                break;
            *o++ = '\0';
            if (push_slot(csv, &b, field) != 0) {
                rc = fail(err, errlen, _("out of memory"));
                break;
            }
            if (i < len && text[i] == ',') {
                i++;
                continue; /* a comma at the very end still opens an empty field */
            }
            end = 1;
            if (i < len) {
                i += line_break(text, len, i);
                line++;
            }
        }
        if (rc != 0)
            break;
        /* A blank line is one empty unquoted field: skipped. */
        if (b.nslots - first == 1 && !quoted_any && csv->slots[first][0] == '\0') {
            b.nslots = first;
            continue;
        }
        if (push_record(csv, &b, first, rec_line) != 0)
            rc = fail(err, errlen, _("out of memory"));
    }
    if (rc != 0) {
        free(b.firsts);
        cg_csv_free(csv);
        return -1;
    }
    csv->count = b.nrecs;
    for (size_t r = 0; r < b.nrecs; r++)
        csv->records[r].fields = csv->slots + b.firsts[r];
    free(b.firsts);
    return 0;
}

void cg_csv_free(cg_csv *csv)
{
    free(csv->records);
    free(csv->slots);
    free(csv->text);
    memset(csv, 0, sizeof *csv);
}

/* --- writing -------------------------------------------------------------- */

int cg_csv_write_row(FILE *out, const char *const *fields, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const char *f = fields[k] ? fields[k] : "";
        if (k > 0)
            fputc(',', out);
        if (strpbrk(f, ",\"\r\n") == NULL) {
            fputs(f, out);
            continue;
        }
        fputc('"', out);
        for (const char *p = f; *p; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    }
    fputs("\r\n", out);
    return ferror(out) ? -1 : 0;
}
