/*
 * Integration-test harness: a real PostgreSQL, real certificates and a real
 * chengguand, one database and one server per test program.
 *
 * The shared environment (dev PKI with test certificates, a throwaway
 * PostgreSQL cluster) is made by the ctest fixture env.setup in the
 * directory $CG_TEST_ENV; each test creates its own database in it, migrates
 * it, loads the dev accounts, and runs its own server on a free port.
 */
#ifndef CG_TEST_HARNESS_H
#define CG_TEST_HARNESS_H

#include "chengguan/client.h"

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

typedef struct {
    char name[64];
    char env_dir[512];   /* $CG_TEST_ENV */
    char dir[600];       /* scratch directory of this test */
    char pg_dir[640];    /* the cluster this test uses */
    char conninfo[1024]; /* as postgres, for the tests themselves (RLS does not apply) */
    char config[700];
    char log[700]; /* the server's stderr */
    int port;
    pid_t pid;
} cg_test_server;

/*
 * Creates a fresh database named after the test in the shared cluster (or,
 * with private_cluster, initdb's a cluster of the test's own that it may stop
 * and start), migrates it and loads the dev accounts. Aborts the test
 * program on failure.
 */
void cg_test_server_init(cg_test_server *t, const char *name, int private_cluster);

/* The same without migrating or loading anything: an empty database. */
void cg_test_server_init_empty(cg_test_server *t, const char *name, int private_cluster);

/* Writes the config (extra_ini lines appended to [chengguand]) and starts
 * chengguand; returns once it accepts connections, its database pool has
 * connected and its event stream has started (or it said the database was
 * unreachable at start, or read-only). */
void cg_test_server_start(cg_test_server *t, const char *extra_ini);

/* Starts it again on the port it had (after cg_test_server_kill: clients
 * reconnect to the address they know). */
void cg_test_server_restart(cg_test_server *t, const char *extra_ini);

/* SIGTERM, then waits; returns the exit status (-1 if it had to be killed). */
int cg_test_server_stop(cg_test_server *t);

/* SIGKILL, then waits: a crash, nothing flushed or closed. */
void cg_test_server_kill(cg_test_server *t);

/* A second server on the same database as first (its own directory, port,
 * config and log), not started yet. */
void cg_test_server_share(cg_test_server *t, const cg_test_server *first, const char *name);

/* Runs chengguand in the foreground with args; returns its exit status. */
int cg_test_server_run(cg_test_server *t, const char *args);

/* Runs SQL on the test's database with psql; returns psql's exit status. */
int cg_test_sql(cg_test_server *t, const char *sql);

/* The first column of the first row of a query on the test's database as a
 * number (psql -At); -1 when psql fails or prints nothing. */
long long cg_test_sql_int(cg_test_server *t, const char *sql);

/* Stops / starts the test's private cluster. */
void cg_test_pg_stop(cg_test_server *t);
/* pg_ctl stop -m immediate: PostgreSQL crashes (recovery at the next start). */
void cg_test_pg_crash(cg_test_server *t);
void cg_test_pg_start(cg_test_server *t);

/* "path/to/pki/<rel>" in buf. */
const char *cg_test_pki(const cg_test_server *t, const char *rel, char *buf, size_t len);

/* Client options for dev account (or a test certificate under pki/test/
 * when account starts with "test/"). Paths live in the static storage of
 * this call until the next one. */
cg_client_options cg_test_options(const cg_test_server *t, const char *account);

/* Connects as account; aborts on failure. */
cg_client *cg_test_connect(const cg_test_server *t, const char *account);

/* A connection as account to t, opened on first use and kept: tests that
 * make many calls as a few accounts share them. */
cg_client *cg_test_as(const cg_test_server *t, const char *account);

/* Closes the connections of cg_test_as (before a server restarts; the test
 * runner does it before the server stops). */
void cg_test_forget_clients(void);

/*
 * cg_call as account, checking the outcome: fails the test unless it
 * returns want; when want_field is not NULL, the server must have named that
 * field. Returns the reply (free with cg_message_free), NULL on failure.
 */
ProtobufCMessage *cg_test_call(const cg_test_server *t, const char *account,
                               ProtobufCMessage *request, int want, const char *want_field);

/* 1 when the server's log has a line containing every one of the given
 * strings (NULL-terminated list). */
int cg_test_log_has(const cg_test_server *t, ...);

/* The same, waiting up to 10 s for the line: the server may log an event
 * after the client has already seen its effect. */
int cg_test_log_wait(const cg_test_server *t, ...);

/* Runs the CLI with args (a shell string) under LANG=C, capturing stdout
 * into out (may be NULL); returns its exit status. */
int cg_test_cli(const cg_test_server *t, const char *args, char *out, size_t outlen);

/* The CLI under the locale lang (LANG=lang, LC_ALL and LANGUAGE unset),
 * capturing stdout and, when with_stderr, stderr after it into out. */
int cg_test_cli_lang(const cg_test_server *t, const char *lang, int with_stderr, const char *args,
                     char *out, size_t outlen);

/* The same with the arguments formatted printf-style. */
int cg_test_clif(const cg_test_server *t, char *out, size_t outlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The CLI under LANG=C with stdout and stderr in out, the arguments
 * formatted printf-style; fails the test, showing what it printed, unless it
 * exits want. */
void cg_test_cli_exits(const cg_test_server *t, int want, char *out, size_t outlen, const char *fmt,
                       ...) __attribute__((format(printf, 5, 6)));

/* The "id" of the first JSON object in text (0 when there is none). */
uint64_t cg_test_json_id(const char *text);

/*
 * Starts the server with extra_ini, runs the cmocka tests, stops the server;
 * returns the number of failures, counting a non-zero exit after SIGTERM as
 * one more. CG_TEST_RUN passes the array's length.
 */
struct CMUnitTest;
int cg_test_run_with_server(cg_test_server *t, const char *extra_ini,
                            const struct CMUnitTest *tests, size_t count);
#define CG_TEST_RUN(t, extra_ini, tests)                                                           \
    cg_test_run_with_server(t, extra_ini, tests, sizeof tests / sizeof tests[0])

/*
 * A compound of district with a new grid officer of its unit, made as
 * account: linked to property_account and entered on `entered` when those
 * are not NULL. Returns its id; *officer gets the officer's. Fails the test
 * on any refusal.
 */
uint64_t cg_test_make_compound(const cg_test_server *t, const char *account, const char *district,
                               const char *name, const char *property_account, const char *entered,
                               uint64_t *officer);

/* Files a report (dissuasion failed) on c; returns its id, and *attached
 * (when not NULL) whether it joined an open one. Fails the test on any
 * refusal. */
uint64_t cg_test_file_report(cg_client *c, uint64_t compound, uint32_t category, const char *text,
                             int *attached);

/* A development certificate for a new account, as an operator issues it
 * (scripts/dev-pki.sh --account). */
void cg_test_issue_cert(const cg_test_server *t, const char *name);

/* The whole file at path as a string, NUL bytes turned into spaces (the
 * output of a program that also printed binary replies); malloc'd. Fails
 * the test when it cannot be read. */
char *cg_test_read_text(const char *path);

/* The dev CA's certificate and key (pki/ca.crt, ca.key), for tests that
 * sign their own certificates or CRLs. Free with X509_free, EVP_PKEY_free. */
struct x509_st;
struct evp_pkey_st;
void cg_test_dev_ca(const cg_test_server *t, struct x509_st **cert, struct evp_pkey_st **key);

/* A certificate for hq's subject (with clientAuth) signed by the dev CA,
 * valid for the next seconds, written with its key to cert and key;
 * returns when it expires. */
time_t cg_test_short_lived_cert(const cg_test_server *t, const char *cert, const char *key,
                                int seconds);

/* Runs the libuv loop one iteration at a time until cond holds or ms pass
 * (a repeating timer on the loop keeps uv_run from sleeping past ms). */
#define CG_TEST_RUN_UNTIL(loop, cond, ms)                                                          \
    do {                                                                                           \
        long long until_ = cg_test_now_ms() + (ms);                                                \
        while (!(cond) && cg_test_now_ms() < until_)                                               \
            uv_run((loop), UV_RUN_ONCE);                                                           \
    } while (0)

/* A port nobody listens on right now (the kernel's choice for port 0). */
int cg_test_free_port(void);

/* Milliseconds on a monotonic clock. */
long long cg_test_now_ms(void);

#endif

/*
 * A raw TLS connection for sending what no well-behaved client sends: bad
 * frames, garbage, nothing at all. Blocking OpenSSL on a socket.
 */
#include "envelope.h"
#include <openssl/ssl.h>

typedef struct {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    char err[512];
} cg_test_raw;

/* When > 0, raw connections opened from now on ask the kernel for a receive
 * buffer this small: a peer that stops reading then backs up into the
 * server quickly. */
extern int cg_test_raw_rcvbuf;

/* TCP connect and TLS handshake with cert/key (both NULL: no client
 * certificate). 0, or -1 with r->err set. Always call cg_test_raw_close. */
int cg_test_raw_open(cg_test_raw *r, const cg_test_server *t, const char *cert, const char *key);

/* cg_test_raw_open with the dev certificate of account; fails the test
 * when the handshake does not succeed. */
void cg_test_raw_open_as(cg_test_raw *r, const cg_test_server *t, const char *account);

/* TCP connect only (no TLS): for peers that say nothing. */
int cg_test_raw_open_tcp(cg_test_raw *r, const cg_test_server *t);

int cg_test_raw_send(cg_test_raw *r, const void *bytes, size_t n);
int cg_test_raw_send_env(cg_test_raw *r, const cg_envelope *env);

/* Next envelope, or NULL on close, error or after timeout_ms. */
cg_envelope *cg_test_raw_recv(cg_test_raw *r, int timeout_ms);

/* Sends Hello (id 1) and returns 1 when Welcome comes back. */
int cg_test_raw_hello(cg_test_raw *r);

/* Sends Subscribe (id 2) after after_seq, or from the head, and returns 1
 * when Subscribed comes back. */
int cg_test_raw_subscribe(cg_test_raw *r, uint64_t after_seq, int from_head);

/* 1 when the peer closes the connection within timeout_ms. */
int cg_test_raw_wait_closed(cg_test_raw *r, int timeout_ms);

void cg_test_raw_close(cg_test_raw *r);
