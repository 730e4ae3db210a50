#include "harness.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdint.h>

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "harness: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

long long cg_test_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* The libpq conninfo of database dbname in the cluster of pg_dir, as dev-db.sh
 * says (as root the cluster's socket is outside pg_dir). */
static void cluster_conninfo(const char *pg_dir, const char *dbname, char *out, size_t size)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s/scripts/dev-db.sh '%s' conninfo '%s'", CG_SOURCE_DIR, pg_dir,
             dbname);
    FILE *p = popen(cmd, "r");
    if (p == NULL || fgets(out, (int)size, p) == NULL || pclose(p) != 0)
        die("cannot get the conninfo of %s", pg_dir);
    out[strcspn(out, "\n")] = '\0';
}

int cg_test_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        die("cannot find a free port: %s", strerror(errno));
    close(fd);
    return ntohs(a.sin_port);
}

void cg_test_pg_stop(cg_test_server *t)
{
    if (sh("%s/scripts/dev-db.sh '%s' stop >/dev/null", CG_SOURCE_DIR, t->pg_dir) != 0)
        die("cannot stop the cluster in %s", t->pg_dir);
}

void cg_test_pg_crash(cg_test_server *t)
{
    if (sh("%s/scripts/dev-db.sh '%s' stop immediate >/dev/null", CG_SOURCE_DIR, t->pg_dir) != 0)
        die("cannot stop the cluster in %s", t->pg_dir);
}

void cg_test_pg_start(cg_test_server *t)
{
    if (sh("%s/scripts/dev-db.sh '%s' start >/dev/null", CG_SOURCE_DIR, t->pg_dir) != 0)
        die("cannot start the cluster in %s", t->pg_dir);
}

/* Writes sql into the test's directory as file name; its path in path. */
static void write_sql(const cg_test_server *t, const char *name, const char *sql, char *path,
                      size_t len)
{
    snprintf(path, len, "%s/%s", t->dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        die("cannot write %s", path);
    fputs(sql, f);
    fclose(f);
}

int cg_test_sql(cg_test_server *t, const char *sql)
{
    char path[800];
    write_sql(t, "query.sql", sql, path, sizeof path);
    return sh("psql -q -X -v ON_ERROR_STOP=1 '%s' -f '%s' >/dev/null", t->conninfo, path);
}

long long cg_test_sql_int(cg_test_server *t, const char *sql)
{
    char path[800], cmd[2048], line[64];
    write_sql(t, "query_int.sql", sql, path, sizeof path);
    snprintf(cmd, sizeof cmd, "psql -q -X -At -v ON_ERROR_STOP=1 '%s' -f '%s' 2>/dev/null",
             t->conninfo, path);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return -1;
    char *got = fgets(line, sizeof line, p);
    int rc = pclose(p);
    return got != NULL && rc == 0 ? strtoll(line, NULL, 10) : -1;
}

static void write_config(cg_test_server *t, const char *extra_ini);

void cg_test_server_init_empty(cg_test_server *t, const char *name, int private_cluster)
{
    memset(t, 0, sizeof *t);
    signal(SIGPIPE, SIG_IGN); /* raw peers write to sockets the server closes */
    const char *env = getenv("CG_TEST_ENV");
    if (env == NULL)
        die("CG_TEST_ENV is not set (run the tests through ctest)");
    snprintf(t->name, sizeof t->name, "%s", name);
    snprintf(t->env_dir, sizeof t->env_dir, "%s", env);
    snprintf(t->dir, sizeof t->dir, "%s/t/%s", env, name);
    if (sh("rm -rf '%s' && mkdir -p '%s'", t->dir, t->dir) != 0)
        die("cannot create %s", t->dir);
    if (private_cluster) {
        /* Short path: the socket path must fit in sun_path. */
        snprintf(t->pg_dir, sizeof t->pg_dir, "%s/pg", t->dir);
        /* destroy first: as root a cluster of an earlier run outlives its directory */
        if (sh("%s/scripts/dev-db.sh '%s' destroy 2>/dev/null && %s/scripts/dev-db.sh '%s' init "
               ">/dev/null && %s/scripts/dev-db.sh '%s' start >/dev/null",
               CG_SOURCE_DIR, t->pg_dir, CG_SOURCE_DIR, t->pg_dir, CG_SOURCE_DIR, t->pg_dir) != 0)
            die("cannot set up a private cluster in %s", t->pg_dir);
    } else {
        snprintf(t->pg_dir, sizeof t->pg_dir, "%s/pg", env);
    }
    char admin[1024];
    cluster_conninfo(t->pg_dir, "postgres", admin, sizeof admin);
    cluster_conninfo(t->pg_dir, name, t->conninfo, sizeof t->conninfo);
    /* As make run does: chengguan_owner owns the database and migrates it,
     * chengguand serves as chengguan_app (write_config). */
    if (sh("%s/scripts/dev-db.sh '%s' roles", CG_SOURCE_DIR, t->pg_dir) != 0 ||
        sh("PGOPTIONS='-c client_min_messages=warning' psql -q -X \"%s\" "
           "-c 'DROP DATABASE IF EXISTS \"%s\"' "
           "-c 'CREATE DATABASE \"%s\" OWNER chengguan_owner' >/dev/null",
           admin, name, name) != 0)
        die("cannot create database %s", name);
    snprintf(t->config, sizeof t->config, "%s/chengguand.ini", t->dir);
    snprintf(t->log, sizeof t->log, "%s/server.log", t->dir);
    t->port = cg_test_free_port();
    write_config(t, NULL);
}

void cg_test_server_init(cg_test_server *t, const char *name, int private_cluster)
{
    cg_test_server_init_empty(t, name, private_cluster);
    if (cg_test_server_run(t, "--migrate") != 0)
        die("chengguand --migrate failed (see %s)", t->log);
    char accounts[700];
    snprintf(accounts, sizeof accounts, "\\i %s/sql/dev/accounts.sql\n", CG_SOURCE_DIR);
    if (cg_test_sql(t, accounts) != 0)
        die("cannot load the dev accounts");
}

static void write_config(cg_test_server *t, const char *extra_ini)
{
    FILE *f = fopen(t->config, "w");
    if (f == NULL)
        die("cannot write %s", t->config);
    fprintf(f,
            "[chengguand]\n"
            "listen = 127.0.0.1:%d\n"
            "tls_cert = %s/pki/server.crt\n"
            "tls_key = %s/pki/server.key\n"
            "tls_ca = %s/pki/ca.crt\n"
            "database = %s user=chengguan_app\n"
            "migrate_database = %s user=chengguan_owner\n"
            "db_pool_size = 2\n"
            "log_level = debug\n"
            "%s\n",
            t->port, t->env_dir, t->env_dir, t->env_dir, t->conninfo, t->conninfo,
            extra_ini ? extra_ini : "");
    fclose(f);
}

static pid_t spawn_server(cg_test_server *t, const char *extra_arg)
{
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        FILE *log = fopen(t->log, "a");
        if (log == NULL)
            _exit(127);
        dup2(fileno(log), 2);
        dup2(fileno(log), 1);
        execl(CG_SERVER_BIN, "chengguand", "--config", t->config, extra_arg, (char *)NULL);
        _exit(127);
    }
    return pid;
}

int cg_test_server_run(cg_test_server *t, const char *args)
{
    pid_t pid = spawn_server(t, args);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* 1 when the log, from byte offset start on, has a line containing needle. */
static int log_since_has(const cg_test_server *t, off_t start, const char *needle)
{
    FILE *f = fopen(t->log, "r");
    if (f == NULL)
        return 0;
    int found = 0;
    char line[4096];
    if (fseeko(f, start, SEEK_SET) == 0)
        while (!found && fgets(line, sizeof line, f) != NULL)
            found = strstr(line, needle) != NULL;
    fclose(f);
    return found;
}

void cg_test_server_start(cg_test_server *t, const char *extra_ini)
{
    t->port = cg_test_free_port();
    cg_test_server_restart(t, extra_ini);
}

void cg_test_server_restart(cg_test_server *t, const char *extra_ini)
{
    write_config(t, extra_ini);
    struct stat st;
    off_t log_start = stat(t->log, &st) == 0 ? st.st_size : 0;
    t->pid = spawn_server(t, NULL);
    long long deadline = cg_test_now_ms() + 20000;
    while (cg_test_now_ms() < deadline) {
        int status;
        if (waitpid(t->pid, &status, WNOHANG) == t->pid)
            die("chengguand exited early (status %d); see %s", status, t->log);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)t->port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        /* Listening is not enough: wait for the pool's first connection too,
         * unless the database was known to be down at start or is read-only. */
        if (ok && ((log_since_has(t, log_start, "event=db_connected") &&
                    log_since_has(t, log_start, "event=events_started")) ||
                   log_since_has(t, log_start, "event=db_unreachable_at_start") ||
                   log_since_has(t, log_start, "event=db_read_only")))
            return;
        usleep(20000);
    }
    die("chengguand was not ready on port %d within 20 s; see %s", t->port, t->log);
}

int cg_test_server_stop(cg_test_server *t)
{
    if (t->pid <= 0)
        return -1;
    kill(t->pid, SIGTERM);
    long long deadline = cg_test_now_ms() + 20000;
    int status = 0;
    while (waitpid(t->pid, &status, WNOHANG) == 0) {
        if (cg_test_now_ms() > deadline) {
            kill(t->pid, SIGKILL);
            waitpid(t->pid, &status, 0);
            t->pid = 0;
            return -1;
        }
        usleep(10000);
    }
    t->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void cg_test_server_kill(cg_test_server *t)
{
    if (t->pid <= 0)
        return;
    kill(t->pid, SIGKILL);
    waitpid(t->pid, NULL, 0);
    t->pid = 0;
}

void cg_test_server_share(cg_test_server *t, const cg_test_server *first, const char *name)
{
    *t = *first;
    t->pid = 0;
    snprintf(t->name, sizeof t->name, "%s", name);
    snprintf(t->dir, sizeof t->dir, "%s/t/%s", t->env_dir, name);
    if (sh("rm -rf '%s' && mkdir -p '%s'", t->dir, t->dir) != 0)
        die("cannot create %s", t->dir);
    snprintf(t->config, sizeof t->config, "%s/chengguand.ini", t->dir);
    snprintf(t->log, sizeof t->log, "%s/server.log", t->dir);
}

const char *cg_test_pki(const cg_test_server *t, const char *rel, char *buf, size_t len)
{
    snprintf(buf, len, "%s/pki/%s", t->env_dir, rel);
    return buf;
}

cg_client_options cg_test_options(const cg_test_server *t, const char *account)
{
    static char server[64], cert[700], key[700], ca[700];
    const char *sub = strncmp(account, "test/", 5) == 0 ? "" : "clients/";
    snprintf(server, sizeof server, "127.0.0.1:%d", t->port);
    snprintf(cert, sizeof cert, "%s/pki/%s%s.crt", t->env_dir, sub, account);
    snprintf(key, sizeof key, "%s/pki/%s%s.key", t->env_dir, sub, account);
    snprintf(ca, sizeof ca, "%s/pki/ca.crt", t->env_dir);
    cg_client_options o = {
        .server = server, .cert_file = cert, .key_file = key, .ca_file = ca, .timeout_ms = 10000};
    return o;
}

cg_client *cg_test_connect(const cg_test_server *t, const char *account)
{
    cg_client_options o = cg_test_options(t, account);
    cg_client *c = NULL;
    int rc = cg_client_connect(&c, &o);
    if (rc != 0)
        die("connect as %s: %s: %s", account, cg_err_name(rc), c ? cg_client_error(c) : "");
    return c;
}

static int log_has(const cg_test_server *t, va_list needles)
{
    FILE *f = fopen(t->log, "r");
    if (f == NULL)
        return 0;
    char line[4096];
    int found = 0;
    while (!found && fgets(line, sizeof line, f) != NULL) {
        va_list ap;
        va_copy(ap, needles);
        found = 1;
        const char *needle;
        while ((needle = va_arg(ap, const char *)) != NULL)
            if (strstr(line, needle) == NULL)
                found = 0;
        va_end(ap);
    }
    fclose(f);
    return found;
}

static struct {
    const char *account;
    cg_client *client;
} kept[32];

cg_client *cg_test_as(const cg_test_server *t, const char *account)
{
    size_t i = 0;
    for (; i < sizeof kept / sizeof kept[0] && kept[i].account != NULL; i++)
        if (strcmp(kept[i].account, account) == 0)
            return kept[i].client;
    if (i == sizeof kept / sizeof kept[0])
        die("more than %zu accounts kept", i);
    kept[i].client = cg_test_connect(t, account);
    kept[i].account = account;
    return kept[i].client;
}

void cg_test_forget_clients(void)
{
    for (size_t i = 0; i < sizeof kept / sizeof kept[0] && kept[i].account != NULL; i++) {
        cg_client_free(kept[i].client);
        kept[i].account = NULL;
        kept[i].client = NULL;
    }
}

ProtobufCMessage *cg_test_call(const cg_test_server *t, const char *account,
                               ProtobufCMessage *request, int want, const char *want_field)
{
    cg_client *c = cg_test_as(t, account);
    ProtobufCMessage *reply = NULL;
    int rc = cg_call(c, request, &reply);
    if (rc != want)
        fail_msg("%s as %s: got %s (%s), want %s", request->descriptor->short_name, account,
                 cg_err_name(rc), cg_client_error(c), cg_err_name(want));
    if (want_field != NULL)
        assert_string_equal(cg_client_error_field(c), want_field);
    return reply;
}

int cg_test_log_has(const cg_test_server *t, ...)
{
    va_list ap;
    va_start(ap, t);
    int found = log_has(t, ap);
    va_end(ap);
    return found;
}

int cg_test_log_wait(const cg_test_server *t, ...)
{
    long long deadline = cg_test_now_ms() + 10000;
    int found;
    for (;;) {
        va_list ap;
        va_start(ap, t);
        found = log_has(t, ap);
        va_end(ap);
        if (found || cg_test_now_ms() > deadline)
            return found;
        usleep(10000);
    }
}

/* Runs the shell command line cmd, its stdout into out; its exit status. */
static int run_cli(const char *cmd, char *out, size_t outlen)
{
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        die("popen: %s", strerror(errno));
    size_t n = 0;
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, p)) > 0) {
        if (out != NULL && n + 1 < outlen) {
            size_t take = got < outlen - 1 - n ? got : outlen - 1 - n;
            memcpy(out + n, buf, take);
            n += take;
        }
    }
    if (out != NULL)
        out[n] = '\0';
    int rc = pclose(p);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int cg_test_cli(const cg_test_server *t, const char *args, char *out, size_t outlen)
{
    /* English, whatever the locale of the test run: tests read its texts. */
    return cg_test_cli_lang(t, "C", 0, args, out, outlen);
}

int cg_test_cli_lang(const cg_test_server *t, const char *lang, int with_stderr, const char *args,
                     char *out, size_t outlen)
{
    char cmd[8192], err[1024];
    snprintf(err, sizeof err, with_stderr ? "2>&1" : "2>>'%s/cli.err'", t->dir);
    snprintf(cmd, sizeof cmd,
             "env -u LC_ALL -u LANGUAGE LANG='%s' CHENGGUAN_PKI='%s/pki' "
             "CHENGGUAN_SERVER=127.0.0.1:%d %s %s %s",
             lang, t->env_dir, t->port, CG_CLI_BIN, args, err);
    return run_cli(cmd, out, outlen);
}

int cg_test_raw_rcvbuf;

static int tcp_connect(cg_test_raw *r, const cg_test_server *t)
{
    memset(r, 0, sizeof *r);
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (r->fd >= 0 && cg_test_raw_rcvbuf > 0)
        setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &cg_test_raw_rcvbuf, sizeof cg_test_raw_rcvbuf);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)t->port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (r->fd < 0 || connect(r->fd, (struct sockaddr *)&a, sizeof a) != 0) {
        snprintf(r->err, sizeof r->err, "connect: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int cg_test_raw_open_tcp(cg_test_raw *r, const cg_test_server *t)
{
    return tcp_connect(r, t);
}

int cg_test_raw_open(cg_test_raw *r, const cg_test_server *t, const char *cert, const char *key)
{
    if (tcp_connect(r, t) != 0)
        return -1;
    char ca[700];
    cg_test_pki(t, "ca.crt", ca, sizeof ca);
    r->ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(r->ctx, ca, NULL);
    SSL_CTX_set_verify(r->ctx, SSL_VERIFY_PEER, NULL);
    if (cert != NULL && (SSL_CTX_use_certificate_chain_file(r->ctx, cert) != 1 ||
                         SSL_CTX_use_PrivateKey_file(r->ctx, key, SSL_FILETYPE_PEM) != 1)) {
        snprintf(r->err, sizeof r->err, "cannot load %s", cert);
        return -1;
    }
    r->ssl = SSL_new(r->ctx);
    SSL_set_fd(r->ssl, r->fd);
    if (SSL_connect(r->ssl) != 1) {
        snprintf(r->err, sizeof r->err, "handshake failed");
        return -1;
    }
    return 0;
}

int cg_test_raw_send(cg_test_raw *r, const void *bytes, size_t n)
{
    if (r->ssl == NULL)
        return (size_t)write(r->fd, bytes, n) == n ? 0 : -1;
    return SSL_write(r->ssl, bytes, (int)n) == (int)n ? 0 : -1;
}

void cg_test_raw_open_as(cg_test_raw *r, const cg_test_server *t, const char *account)
{
    char cert[700], key[700], rel[128];
    snprintf(rel, sizeof rel, "clients/%s.crt", account);
    cg_test_pki(t, rel, cert, sizeof cert);
    snprintf(rel, sizeof rel, "clients/%s.key", account);
    cg_test_pki(t, rel, key, sizeof key);
    assert_int_equal(cg_test_raw_open(r, t, cert, key), 0);
}

int cg_test_raw_send_env(cg_test_raw *r, const cg_envelope *env)
{
    cg_buf out = CG_BUF_INIT;
    int rc = cg_envelope_write(&out, env, 64u * 1024 * 1024);
    if (rc == 0)
        rc = cg_test_raw_send(r, cg_buf_head(&out), cg_buf_pending(&out));
    cg_buf_free(&out);
    return rc;
}

static int wait_readable(cg_test_raw *r, int timeout_ms)
{
    if (r->ssl != NULL && SSL_pending(r->ssl) > 0)
        return 1;
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(r->fd, &fds);
    return select(r->fd + 1, &fds, NULL, NULL, &tv) > 0;
}

/* Reads exactly n bytes; 0 or -1 on close, error or timeout. */
static int read_exact(cg_test_raw *r, uint8_t *buf, size_t n, long long deadline)
{
    size_t got = 0;
    while (got < n) {
        long long left = deadline - cg_test_now_ms();
        if (left <= 0 || !wait_readable(r, (int)left))
            return -1;
        int k = SSL_read(r->ssl, buf + got, (int)(n - got));
        if (k <= 0) {
            int e = SSL_get_error(r->ssl, k);
            if (e == SSL_ERROR_WANT_READ)
                continue;
            return -1;
        }
        got += (size_t)k;
    }
    return 0;
}

cg_envelope *cg_test_raw_recv(cg_test_raw *r, int timeout_ms)
{
    long long deadline = cg_test_now_ms() + timeout_ms;
    uint8_t hdr[4];
    if (read_exact(r, hdr, 4, deadline) != 0)
        return NULL;
    uint32_t n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
    uint8_t *payload = malloc(n ? n : 1);
    cg_envelope *env = NULL;
    if (read_exact(r, payload, n, deadline) == 0)
        env = cg_envelope_read(payload, n, NULL);
    free(payload);
    return env;
}

/* Sends env and returns 1 when the next envelope answers it with want. */
static int exchange(cg_test_raw *r, const cg_envelope *env, Chengguan__V1__Envelope__BodyCase want)
{
    if (cg_test_raw_send_env(r, env) != 0)
        return 0;
    cg_envelope *reply = cg_test_raw_recv(r, 10000);
    int ok = reply != NULL && reply->id == env->id && reply->body_case == want;
    cg_envelope_free(reply, NULL);
    return ok;
}

int cg_test_raw_hello(cg_test_raw *r)
{
    Chengguan__V1__Hello hello = CHENGGUAN__V1__HELLO__INIT;
    hello.protocol_version = 1;
    hello.client_name = "harness";
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = 1;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_HELLO;
    env.hello = &hello;
    return exchange(r, &env, CHENGGUAN__V1__ENVELOPE__BODY_WELCOME);
}

int cg_test_raw_subscribe(cg_test_raw *r, uint64_t after_seq, int from_head)
{
    Chengguan__V1__Subscribe sub = CHENGGUAN__V1__SUBSCRIBE__INIT;
    sub.after_seq = after_seq;
    sub.from_head = from_head;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = 2;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBE;
    env.subscribe = &sub;
    return exchange(r, &env, CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBED);
}

int cg_test_raw_wait_closed(cg_test_raw *r, int timeout_ms)
{
    long long deadline = cg_test_now_ms() + timeout_ms;
    for (;;) {
        long long left = deadline - cg_test_now_ms();
        if (left <= 0 || !wait_readable(r, (int)left))
            return 0;
        char buf[4096];
        int k = r->ssl ? SSL_read(r->ssl, buf, sizeof buf) : (int)read(r->fd, buf, sizeof buf);
        if (k <= 0) {
            if (r->ssl && SSL_get_error(r->ssl, k) == SSL_ERROR_WANT_READ)
                continue;
            return 1;
        }
    }
}

void cg_test_raw_close(cg_test_raw *r)
{
    SSL_free(r->ssl);
    SSL_CTX_free(r->ctx);
    if (r->fd > 0)
        close(r->fd);
    memset(r, 0, sizeof *r);
}

int cg_test_run_with_server(cg_test_server *t, const char *extra_ini,
                            const struct CMUnitTest *tests, size_t count)
{
    cg_test_server_start(t, extra_ini);
    int failed = _cmocka_run_group_tests(t->name, tests, count, NULL, NULL);
    cg_test_forget_clients();
    int status = cg_test_server_stop(t);
    if (status != 0) {
        fprintf(stderr, "chengguand exited %d after SIGTERM (want 0); see %s\n", status, t->log);
        failed++;
    }
    return failed;
}

int cg_test_clif(const cg_test_server *t, char *out, size_t outlen, const char *fmt, ...)
{
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return cg_test_cli(t, args, out, outlen);
}

void cg_test_cli_exits(const cg_test_server *t, int want, char *out, size_t outlen, const char *fmt,
                       ...)
{
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    int rc = cg_test_cli_lang(t, "C", 1, args, out, outlen);
    if (rc != want)
        fail_msg("%s: exit %d, not %d:\n%s", args, rc, want, out);
}

uint64_t cg_test_json_id(const char *text)
{
    json_t *o = json_loads(text, JSON_DISABLE_EOF_CHECK, NULL);
    uint64_t id = (uint64_t)json_integer_value(json_object_get(o, "id"));
    json_decref(o);
    return id;
}

uint64_t cg_test_make_compound(const cg_test_server *t, const char *account, const char *district,
                               const char *name, const char *property_account, const char *entered,
                               uint64_t *officer)
{
    Chengguan__V1__Compound c = CHENGGUAN__V1__COMPOUND__INIT;
    c.name = (char *)name;
    c.district = (char *)district;
    c.community = "测试社区";
    if (property_account != NULL)
        c.property_account = (char *)property_account;
    Chengguan__V1__CompoundAdd add = CHENGGUAN__V1__COMPOUND_ADD__INIT;
    add.compound = &c;
    Chengguan__V1__Compound *got =
        (Chengguan__V1__Compound *)cg_test_call(t, account, &add.base, 0, NULL);
    uint64_t id = got->id;
    cg_message_free(&got->base);

    /* a new person each time: one name and phone twice in a unit is refused */
    static unsigned made;
    char phone[16];
    snprintf(phone, sizeof phone, "1360000%04u", ++made % 10000);
    Chengguan__V1__Officer o = CHENGGUAN__V1__OFFICER__INIT;
    o.name = "网格员";
    o.unit = (char *)district; /* each district's unit has the district's code */
    o.phone = phone;
    Chengguan__V1__OfficerAdd oa = CHENGGUAN__V1__OFFICER_ADD__INIT;
    oa.officer = &o;
    Chengguan__V1__Officer *of =
        (Chengguan__V1__Officer *)cg_test_call(t, account, &oa.base, 0, NULL);
    *officer = of->id;
    cg_message_free(&of->base);

    Chengguan__V1__GridAssign ga = CHENGGUAN__V1__GRID_ASSIGN__INIT;
    ga.compound_id = id;
    ga.officer_id = *officer;
    cg_message_free(cg_test_call(t, account, &ga.base, 0, NULL));
    if (entered != NULL) {
        Chengguan__V1__CompoundEnter en = CHENGGUAN__V1__COMPOUND_ENTER__INIT;
        en.id = id;
        en.date = (char *)entered;
        cg_message_free(cg_test_call(t, account, &en.base, 0, NULL));
    }
    return id;
}

char *cg_test_read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 65536, n = 0, got;
    char *text = malloc(cap + 1);
    assert_non_null(text);
    while ((got = fread(text + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            text = realloc(text, (cap *= 2) + 1);
            assert_non_null(text);
        }
    }
    fclose(f);
    for (size_t i = 0; i < n; i++)
        if (text[i] == '\0')
            text[i] = ' ';
    text[n] = '\0';
    return text;
}

void cg_test_dev_ca(const cg_test_server *t, X509 **cert, EVP_PKEY **key)
{
    char path[700];
    FILE *f = fopen(cg_test_pki(t, "ca.crt", path, sizeof path), "r");
    assert_non_null(f);
    *cert = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    f = fopen(cg_test_pki(t, "ca.key", path, sizeof path), "r");
    assert_non_null(f);
    *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(*cert);
    assert_non_null(*key);
}

time_t cg_test_short_lived_cert(const cg_test_server *t, const char *cert, const char *key,
                                int seconds)
{
    X509 *ca;
    EVP_PKEY *ca_pkey;
    cg_test_dev_ca(t, &ca, &ca_pkey);

    EVP_PKEY *pkey = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    assert_non_null(pkey);
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), (long)time(NULL));
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    time_t expires = time(NULL) + seconds;
    X509_time_adj_ex(X509_getm_notAfter(x), 0, 0, &expires);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)"chengguan dev", -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)"hq", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(ca));
    X509_set_pubkey(x, pkey);
    /* A login certificate names clientAuth (the server requires it). */
    X509_EXTENSION *eku = X509V3_EXT_conf_nid(NULL, NULL, NID_ext_key_usage, "clientAuth");
    assert_non_null(eku);
    assert_int_equal(X509_add_ext(x, eku, -1), 1);
    X509_EXTENSION_free(eku);
    assert_true(X509_sign(x, ca_pkey, EVP_sha256()) > 0);

    FILE *f = fopen(cert, "w");
    assert_non_null(f);
    PEM_write_X509(f, x);
    fclose(f);
    f = fopen(key, "w");
    assert_non_null(f);
    PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL);
    fclose(f);
    X509_free(x);
    X509_free(ca);
    EVP_PKEY_free(pkey);
    EVP_PKEY_free(ca_pkey);
    return expires;
}

void cg_test_issue_cert(const cg_test_server *t, const char *name)
{
    char pki[700], cmd[2048];
    cg_test_pki(t, "", pki, sizeof pki);
    snprintf(cmd, sizeof cmd, "%s/scripts/dev-pki.sh '%s' --account %s >/dev/null", CG_SOURCE_DIR,
             pki, name);
    assert_int_equal(system(cmd), 0);
}

uint64_t cg_test_file_report(cg_client *c, uint64_t compound, uint32_t category, const char *text,
                             int *attached)
{
    Chengguan__V1__Report r = CHENGGUAN__V1__REPORT__INIT;
    r.compound_id = compound;
    r.category = category;
    r.text = (char *)text;
    r.dissuasion_failed = 1;
    Chengguan__V1__ReportSubmit req = CHENGGUAN__V1__REPORT_SUBMIT__INIT;
    req.report = &r;
    ProtobufCMessage *reply = NULL;
    int rc = cg_call(c, &req.base, &reply);
    if (rc != 0)
        fail_msg("report submit: %s (%s)", cg_err_name(rc), cg_client_error(c));
    Chengguan__V1__Report *got = (Chengguan__V1__Report *)reply;
    uint64_t id = got->id;
    if (attached != NULL)
        *attached = got->attached;
    cg_message_free(reply);
    return id;
}
