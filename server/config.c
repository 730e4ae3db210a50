#include "config.h"

#include "db/conninfo.h"
#include "log.h"
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { T_STRING, T_INT, T_SIZE, T_DURATION, T_ENUM } setting_type;

typedef struct {
    const char *name;
    setting_type type;
    size_t offset;
    const char *default_value;
    int64_t min, max;    /* for T_INT, T_SIZE and T_DURATION (ms) */
    const char *choices; /* T_ENUM: space-separated */
    int sql;             /* the SQL functions read it: cg.NAME (durations cg.NAME_ms) */
} setting;

// clang-format off
#define S(name, type, def, min, max, choices) \
    {#name, type, offsetof(cg_config, name), def, min, max, choices, 0}
#define SQL(name, type, def, min, max) \
    {#name, type, offsetof(cg_config, name), def, min, max, NULL, 1}
// clang-format on

static const setting settings[] = {
    S(listen, T_STRING, "127.0.0.1:7443", 0, 0, NULL),
    S(metrics_listen, T_STRING, "", 0, 0, NULL),
    S(tls_cert, T_STRING, "", 0, 0, NULL),
    S(tls_key, T_STRING, "", 0, 0, NULL),
    S(tls_ca, T_STRING, "", 0, 0, NULL),
    S(tls_crl, T_STRING, "", 0, 0, NULL),
    S(tls_ticket_keys, T_STRING, "", 0, 0, NULL),
    S(tls_reload_interval, T_DURATION, "1min", 1000, 86400000, NULL),
    S(database, T_STRING, "", 0, 0, NULL),
    S(migrate_database, T_STRING, "", 0, 0, NULL),
    S(db_pool_size, T_INT, "4", 1, 64, NULL),
    S(db_queue_size, T_INT, "1024", 1, 1000000, NULL),
    S(max_connections, T_INT, "1000", 1, 1000000, NULL),
    S(max_connections_per_account, T_INT, "200", 1, 1000000, NULL),
    S(max_inflight, T_INT, "64", 1, 100000, NULL),
    S(max_request_rate, T_INT, "100", 1, 1000000, NULL),
    S(max_request_burst, T_INT, "1000", 1, 1000000, NULL),
    S(max_frame_bytes, T_SIZE, "4MB", 1024, 256LL * 1024 * 1024, NULL),
    S(max_output_bytes, T_SIZE, "8MB", 64 * 1024, 4LL * 1024 * 1024 * 1024, NULL),
    S(max_hello_frame_bytes, T_SIZE, "4kB", 512, 1024 * 1024, NULL),
    S(max_unpacked_bytes, T_SIZE, "16MB", 64 * 1024, 1024LL * 1024 * 1024, NULL),
    S(max_import_rows, T_INT, "5000", 1, 1000000, NULL),
    S(max_request_items, T_INT, "1000", 1, 1000000, NULL),
    S(max_pending_handshakes, T_INT, "256", 1, 1000000, NULL),
    S(max_pending_handshakes_per_ip, T_INT, "32", 1, 1000000, NULL),
    S(idle_timeout, T_DURATION, "15min", 0, 7LL * 86400000, NULL),
    S(handshake_timeout, T_DURATION, "10s", 100, 600000, NULL),
    S(frame_timeout, T_DURATION, "30s", 100, 600000, NULL),
    S(account_check_interval, T_DURATION, "5s", 100, 3600000, NULL),
    S(shutdown_timeout, T_DURATION, "30s", 0, 3600000, NULL),
    SQL(request_answer_days, T_INT, "3", 0, 60),
    SQL(ack_timeout, T_DURATION, "15min", 100, 7LL * 86400000),
    SQL(supervision_timeout, T_DURATION, "60min", 100, 30LL * 86400000),
    SQL(resolve_timeout, T_DURATION, "24h", 100, 90LL * 86400000),
    SQL(remind_every, T_DURATION, "4h", 100, 30LL * 86400000),
    SQL(dedup_window, T_DURATION, "2h", 0, 30LL * 86400000),
    SQL(max_attachment_bytes, T_SIZE, "25MB", 1024, 1024LL * 1024 * 1024),
    SQL(upload_expiry, T_DURATION, "24h", 1000, 30LL * 86400000),
    S(log_level, T_ENUM, "info", 0, 0, "debug info warn error"),
    S(log_format, T_ENUM, "logfmt", 0, 0, "logfmt json"),
};

#define N_SETTINGS (sizeof settings / sizeof settings[0])

static void *field(cg_config *c, const setting *s)
{
    return (char *)c + s->offset;
}

static int in_choices(const char *choices, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = choices; *p;) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return 1;
        p += len + (end != NULL);
    }
    return 0;
}

/* Stores value into its field; on a bad value returns -1 with why set. */
static int apply(cg_config *c, const setting *s, const char *value, const char **why)
{
    uint64_t u = 0;
    int64_t i = 0;
    switch (s->type) {
    case T_ENUM:
        if (!in_choices(s->choices, value)) {
            *why = s->choices;
            return -1;
        }
        /* fall through */
    case T_STRING: {
        char *copy = strdup(value);
        if (copy == NULL) {
            *why = "out of memory";
            return -1;
        }
        char **slot = field(c, s);
        free(*slot);
        *slot = copy;
        return 0;
    }
    case T_INT: {
        char *end;
        errno = 0;
        long long v = strtoll(value, &end, 10);
        if (errno != 0 || end == value || *end != '\0') {
            *why = "not an integer";
            return -1;
        }
        i = v;
        break;
    }
    case T_SIZE:
        if (cg_size_parse(value, &u) != 0) {
            *why = "not a size (e.g. 512kB, 4MB)";
            return -1;
        }
        i = u > INT64_MAX ? INT64_MAX : (int64_t)u;
        break;
    case T_DURATION:
        if (cg_duration_parse(value, &u) != 0) {
            *why = "not a duration (e.g. 500ms, 30s, 15min, 4h, 3d)";
            return -1;
        }
        i = u > INT64_MAX ? INT64_MAX : (int64_t)u;
        break;
    }
    if (i < s->min || i > s->max) {
        *why = "out of range";
        return -1;
    }
    *(int64_t *)field(c, s) = i;
    return 0;
}

static const setting *find(const char *name)
{
    for (size_t k = 0; k < N_SETTINGS; k++)
        if (strcmp(settings[k].name, name) == 0)
            return &settings[k];
    return NULL;
}

typedef struct {
    cg_config *c;
    char *err;
    size_t errlen;
    const char *path;
    FILE *file;
    int line; /* of the line libinih is handling */
    int failed;
} ini_ctx;

/* Debian's libinih does not pass line numbers to the handler: count the lines
 * as they are read, so each message can name its line. */
static char *read_line(char *str, int num, void *stream)
{
    ini_ctx *x = stream;
    char *got = fgets(str, num, x->file);
    if (got != NULL)
        x->line++;
    return got;
}

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    ini_ctx *x = user;
    int lineno = x->line;
    if (x->failed)
        return 0;
    if (strcmp(section, "chengguand") != 0) {
        snprintf(x->err, x->errlen, "%s:%d: unknown section [%s] (settings go under [chengguand])",
                 x->path, lineno, section);
        x->failed = 1;
        return 0;
    }
    const setting *s = find(name);
    const char *why = NULL;
    if (s == NULL) {
        snprintf(x->err, x->errlen, "%s:%d: unknown setting '%s'", x->path, lineno, name);
        x->failed = 1;
        return 0;
    }
    if (apply(x->c, s, value, &why) != 0) {
        snprintf(x->err, x->errlen, "%s:%d: %s = '%s': %s", x->path, lineno, name, value, why);
        x->failed = 1;
        return 0;
    }
    return 1;
}

int cg_config_split_listen(const char *listen, char *host, size_t hostlen, int *port)
{
    const char *colon = strrchr(listen, ':');
    if (colon == NULL || colon == listen)
        return -1;
    const char *h = listen;
    size_t n = (size_t)(colon - listen);
    if (h[0] == '[' && n >= 2 && h[n - 1] == ']') {
        h++;
        n -= 2;
    }
    if (n == 0 || n >= hostlen)
        return -1;
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end != '\0' || end == colon + 1 || p < 0 || p > 65535)
        return -1;
    memcpy(host, h, n);
    host[n] = '\0';
    *port = (int)p;
    return 0;
}

static int check(const cg_config *c, cg_config_use use, char *err, size_t errlen)
{
    char host[256];
    int port;
    if (cg_config_split_listen(c->listen, host, sizeof host, &port) != 0) {
        snprintf(err, errlen, "listen = '%s': expected HOST:PORT", c->listen);
        return -1;
    }
    if (c->metrics_listen[0] != '\0' &&
        cg_config_split_listen(c->metrics_listen, host, sizeof host, &port) != 0) {
        snprintf(err, errlen, "metrics_listen = '%s': expected HOST:PORT", c->metrics_listen);
        return -1;
    }
    if (use == CG_CONFIG_MIGRATE)
        return 0;
    const char *required[] = {"tls_cert", "tls_key", "tls_ca"};
    const char *values[] = {c->tls_cert, c->tls_key, c->tls_ca};
    for (int k = 0; k < 3; k++) {
        if (values[k][0] == '\0') {
            snprintf(err, errlen, "%s is required (in the config file or its environment variable)",
                     required[k]);
            return -1;
        }
    }
    return 0;
}

int cg_config_load(cg_config *c, const char *path, cg_config_use use, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    const char *why = NULL;
    for (size_t k = 0; k < N_SETTINGS; k++)
        if (apply(c, &settings[k], settings[k].default_value, &why) != 0) {
            snprintf(err, errlen, "default of %s: %s", settings[k].name, why);
            return -1;
        }

    if (path != NULL) {
        ini_ctx x = {c, err, errlen, path, fopen(path, "r"), 0, 0};
        if (x.file == NULL) {
            snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
            return -1;
        }
        int rc = ini_parse_stream(read_line, &x, on_ini, &x);
        fclose(x.file);
        if (x.failed)
            return -1;
        if (rc > 0) {
            snprintf(err, errlen, "%s:%d: syntax error", path, rc);
            return -1;
        }
    }

    for (size_t k = 0; k < N_SETTINGS; k++) {
        char env[96] = "CHENGGUAN_";
        size_t n = strlen(env);
        for (const char *p = settings[k].name; *p && n + 1 < sizeof env; p++)
            env[n++] = (char)toupper((unsigned char)*p);
        env[n] = '\0';
        const char *v = getenv(env);
        if (v != NULL && apply(c, &settings[k], v, &why) != 0) {
            snprintf(err, errlen, "%s = '%s': %s", env, v, why);
            return -1;
        }
    }
    return check(c, use, err, errlen);
}

void cg_config_free(cg_config *c)
{
    for (size_t k = 0; k < N_SETTINGS; k++)
        if (settings[k].type == T_STRING || settings[k].type == T_ENUM)
            free(*(char **)field(c, &settings[k]));
    memset(c, 0, sizeof *c);
}

char *cg_config_conninfo(const cg_config *c, char *err, size_t errlen)
{
    char names[N_SETTINGS + 1][48], values[N_SETTINGS + 1][24];
    const char *pairs[2 * N_SETTINGS + 3];
    size_t n = 0;
    for (size_t k = 0; k < N_SETTINGS; k++) {
        const setting *s = &settings[k];
        if (!s->sql)
            continue;
        snprintf(names[n], sizeof names[n], "%s%s", s->name, s->type == T_DURATION ? "_ms" : "");
        snprintf(values[n], sizeof values[n], "%lld",
                 (long long)*(const int64_t *)((const char *)c + s->offset));
        pairs[2 * n] = names[n];
        pairs[2 * n + 1] = values[n];
        n++;
    }
    /* The byte budget of one page of a list (cg_internal.reply_budget): the
     * JSON the SQL measures is no smaller than the reply's protobuf; a
     * quarter of the frame is left for the envelope and the reply's other
     * fields. */
    snprintf(names[n], sizeof names[n], "reply_budget_bytes");
    snprintf(values[n], sizeof values[n], "%lld", (long long)(c->max_frame_bytes / 4 * 3));
    pairs[2 * n] = names[n];
    pairs[2 * n + 1] = values[n];
    n++;
    pairs[2 * n] = NULL;
    return cg_conninfo_with_settings(c->database, pairs, err, errlen);
}
