/*
 * Scale-out (issue 14): two chengguand on one PostgreSQL behind HAProxy
 * (Debian's haproxy, TCP mode, the haproxy.cfg of docs/operations.md
 * "Several instances"), clients of the asynchronous library connecting only
 * through it. Subscribers sit on both instances and every event reaches
 * each of them; each escalation step fires once although both instances run
 * the engine; one instance is killed (SIGKILL) while reports are being
 * filed, and its clients move to the other through HAProxy with nothing
 * lost: every acknowledged submit is stored once, and every subscriber's
 * stream goes on from its last seq with no gap and no duplicate. Both
 * instances share tls_ticket_keys, so the clients that move resume their
 * TLS sessions on the other instance instead of making full handshakes.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "chengguan/adapters/libuv.h"
#include "chengguan/async.h"
#include "harness.h"
#include "tls_context.h"

#include <openssl/rand.h>

/* No dedup window: every submit is a report of its own. No reminders and no
 * resolve deadline within the test: each report makes exactly three events
 * (filed, escalated 1, escalated 2). */
#define TIMEOUTS                                                                                   \
    "ack_timeout = 1s\nsupervision_timeout = 2s\nresolve_timeout = 1h\nremind_every = 1h\n"        \
    "dedup_window = 0\n"

/* TIMEOUTS and the shared tls_ticket_keys (written by main). */
static char settings[1024];

#define SUBSCRIBERS 4
#define SUBMITTERS  2
#define PER_PHASE   12 /* reports each submitter files before the kill, and again across it */
#define REPORTS     (SUBMITTERS * PER_PHASE * 2)
#define MAX_EVENTS  1024

static cg_test_server first, second;
static uv_loop_t loop;
static uv_timer_t tick; /* wakes uv_run(UV_RUN_ONCE) so that RUN_UNTIL sees the time */
static pid_t haproxy_pid;
static int haproxy_port;
static char haproxy_sock[100]; /* sun_path is short: under /tmp */
static uint64_t compound;

#define RUN_UNTIL(cond, ms) CG_TEST_RUN_UNTIL(&loop, cond, ms)

static void on_tick(uv_timer_t *t)
{
}

/* --- haproxy ---------------------------------------------------------------- */

/* The configuration docs/operations.md shows, on the test's ports. */
static void write_haproxy_cfg(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "global\n"
            "    maxconn 4096\n"
            "    stats socket %s mode 600 level admin\n"
            "defaults\n"
            "    mode tcp\n"
            "    timeout connect 2s\n"
            "    timeout client 1h\n"
            "    timeout server 1h\n"
            "    option clitcpka\n"
            "    option srvtcpka\n"
            "    retries 3\n"
            "    option redispatch 1\n"
            "frontend chengguan\n"
            "    bind 127.0.0.1:%d\n"
            "    default_backend chengguand\n"
            "backend chengguand\n"
            "    balance roundrobin\n"
            "    default-server check inter 500ms fall 2 rise 2 on-marked-down shutdown-sessions\n"
            "    server a 127.0.0.1:%d\n"
            "    server b 127.0.0.1:%d\n",
            haproxy_sock, haproxy_port, first.port, second.port);
    fclose(f);
}

/* "show stat" on the stats socket into buf; 0, or -1 when it does not answer. */
static int haproxy_stat(char *buf, size_t cap)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", haproxy_sock);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        write(fd, "show stat\n", 10) != 10) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    size_t used = 0;
    ssize_t n;
    while (used + 1 < cap && (n = read(fd, buf + used, cap - 1 - used)) > 0)
        used += (size_t)n;
    buf[used] = '\0';
    close(fd);
    return used > 0 ? 0 : -1;
}

/* Of backend server name ("a", "b"): column col of its "show stat" line
 * (4: current sessions, 17: status) into out. 0, or -1 when absent. */
static int server_stat(const char *name, int col, char *out, size_t outlen)
{
    static char stat[65536];
    char prefix[64];
    if (haproxy_stat(stat, sizeof stat) != 0)
        return -1;
    snprintf(prefix, sizeof prefix, "\nchengguand,%s,", name);
    const char *line = strstr(stat, prefix);
    if (line == NULL)
        return -1;
    line++;
    for (int i = 0; i < col && line != NULL; i++)
        line = strchr(line, ',') ? strchr(line, ',') + 1 : NULL;
    if (line == NULL)
        return -1;
    snprintf(out, outlen, "%.*s", (int)strcspn(line, ",\n"), line);
    return 0;
}

static int sessions_on(const char *name)
{
    char v[32];
    return server_stat(name, 4, v, sizeof v) == 0 ? atoi(v) : -1;
}

static int is_up(const char *name)
{
    char v[32];
    return server_stat(name, 17, v, sizeof v) == 0 && strcmp(v, "UP") == 0;
}

static void haproxy_start(void)
{
    char cfg[800], log[800];
    snprintf(cfg, sizeof cfg, "%s/haproxy.cfg", first.dir);
    snprintf(log, sizeof log, "%s/haproxy.log", first.dir);
    snprintf(haproxy_sock, sizeof haproxy_sock, "/tmp/cg_haproxy_%d.sock", (int)getpid());
    haproxy_port = cg_test_free_port();
    write_haproxy_cfg(cfg);
    haproxy_pid = fork();
    assert_true(haproxy_pid >= 0);
    if (haproxy_pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        /* Debian installs it in /usr/sbin, which a user's PATH may lack. */
        execl("/usr/sbin/haproxy", "haproxy", "-db", "-f", cfg, (char *)NULL);
        execlp("haproxy", "haproxy", "-db", "-f", cfg, (char *)NULL);
        fprintf(stderr, "cannot run haproxy (scripts/deps.sh installs it): %s\n", strerror(errno));
        _exit(127);
    }
    long long until = cg_test_now_ms() + 10000;
    while (!(is_up("a") && is_up("b")) && cg_test_now_ms() < until)
        usleep(50000);
    if (!(is_up("a") && is_up("b"))) {
        char *text = cg_test_read_text(log);
        fail_msg("haproxy did not come up with both servers UP:\n%s", text);
    }
}

static void haproxy_stop(void)
{
    if (haproxy_pid <= 0)
        return;
    kill(haproxy_pid, SIGTERM);
    waitpid(haproxy_pid, NULL, 0);
    haproxy_pid = 0;
    unlink(haproxy_sock);
}

/* --- clients through haproxy ----------------------------------------------- */

typedef struct {
    cg_async *a;
    int connected, disconnected, stopped;
    uint64_t seq[MAX_EVENTS]; /* events of the test's compound */
    uint64_t last_seq;        /* of any event */
    int nevents, out_of_order, sub_status;
} client;

static void on_state(cg_async *a, cg_async_state state, int reason, void *arg)
{
    client *c = arg;
    c->connected += state == CG_ASYNC_CONNECTED;
    c->disconnected += state == CG_ASYNC_DISCONNECTED;
    c->stopped += state == CG_ASYNC_STOPPED;
}

static void on_event(cg_async *a, int status, const Chengguan__V1__Event *ev, void *arg)
{
    client *c = arg;
    if (status != 0) {
        c->sub_status = status;
        return;
    }
    c->out_of_order += ev->seq <= c->last_seq;
    c->last_seq = ev->seq;
    if (ev->compound_id == compound && c->nevents < MAX_EVENTS)
        c->seq[c->nevents++] = ev->seq;
}

/* A client of account connecting through haproxy; returns once connected
 * (one at a time, so that round robin puts them on alternate instances). */
static void client_open(client *c, const char *account)
{
    memset(c, 0, sizeof *c);
    cg_client_options o = cg_test_options(&first, account);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", haproxy_port);
    o.server = addr;
    o.timeout_ms = 60000; /* a call's deadline, across reconnects */
    c->a = cg_async_new(&o);
    assert_non_null(c->a);
    cg_async_on_state(c->a, on_state, c);
    assert_int_equal(cg_libuv_attach(c->a, &loop), 0);
    RUN_UNTIL(c->connected, 10000);
    assert_int_equal(c->connected, 1);
}

static client subs[SUBSCRIBERS], submitters[SUBMITTERS];

typedef struct {
    int done, status;
    uint64_t id;
} submit;

static submit submits[REPORTS];
static int nsubmits;

static void on_submitted(cg_async *a, int status, ProtobufCMessage *reply, void *arg)
{
    submit *s = arg;
    s->done = 1;
    s->status = status;
    if (status == 0)
        s->id = ((Chengguan__V1__Report *)reply)->id;
    else
        print_message("submit failed: %s (%s)\n", cg_err_name(status), cg_async_error(a));
}

/* Queues PER_PHASE reports on each submitter (each gets its own
 * idempotency key from the library, kept across its resends). */
static void file_reports(void)
{
    for (int i = 0; i < PER_PHASE; i++)
        for (int k = 0; k < SUBMITTERS; k++) {
            char text[64];
            snprintf(text, sizeof text, "经负载均衡上报 %d", nsubmits);
            Chengguan__V1__Report r = CHENGGUAN__V1__REPORT__INIT;
            r.compound_id = compound;
            r.category = (uint32_t)(1 + nsubmits % 10);
            r.text = text;
            r.dissuasion_failed = 1;
            Chengguan__V1__ReportSubmit req = CHENGGUAN__V1__REPORT_SUBMIT__INIT;
            req.report = &r;
            submit *s = &submits[nsubmits++];
            assert_int_equal(cg_async_call(submitters[k].a, &req.base, on_submitted, s), 0);
        }
}

static int submits_done(void)
{
    for (int i = 0; i < nsubmits; i++)
        if (!submits[i].done)
            return 0;
    return 1;
}

static int submits_acked(void)
{
    int n = 0;
    for (int i = 0; i < nsubmits; i++)
        n += submits[i].done && submits[i].status == 0;
    return n;
}

/* Events of the test's compound in the database (sequenced ones). */
static long long db_events(const char *what)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM events WHERE compound_id = %llu AND seq IS NOT NULL",
             what, (unsigned long long)compound);
    return cg_test_sql_int(&first, sql);
}

static int all_subscribers_have(int n)
{
    for (int i = 0; i < SUBSCRIBERS; i++)
        if (subs[i].nevents < n)
            return 0;
    return 1;
}

/* Every client is connected: each that lost its connection has a new one. */
static int all_connected(void)
{
    for (int i = 0; i < SUBSCRIBERS; i++)
        if (subs[i].connected <= subs[i].disconnected)
            return 0;
    for (int k = 0; k < SUBMITTERS; k++)
        if (submitters[k].connected <= submitters[k].disconnected)
            return 0;
    return 1;
}

/* --- the test ---------------------------------------------------------------- */

static void test_two_instances_behind_haproxy(void **state)
{
    cg_test_server_share(&second, &first, "haproxy_b");
    cg_test_server_start(&second, settings);
    haproxy_start();
    uint64_t officer;
    compound = cg_test_make_compound(&first, "hq", "dawa", "负载均衡测试", "property-demo", NULL,
                                     &officer);

    assert_int_equal(uv_loop_init(&loop), 0);
    uv_timer_init(&loop, &tick);
    uv_timer_start(&tick, on_tick, 20, 20);

    /* Subscribers on both instances, then one submitter on each. */
    for (int i = 0; i < SUBSCRIBERS; i++) {
        client_open(&subs[i], i % 2 ? "supervision" : "hq");
        assert_int_equal(cg_async_subscribe(subs[i].a, CG_FROM_HEAD, on_event, &subs[i]), 0);
    }
    RUN_UNTIL(cg_async_last_seq(subs[SUBSCRIBERS - 1].a) > 0, 2000);
    int on_a = sessions_on("a"), on_b = sessions_on("b");
    print_message("subscribers: %d on a, %d on b\n", on_a, on_b);
    assert_true(on_a >= 1 && on_b >= 1);
    for (int k = 0; k < SUBMITTERS; k++)
        client_open(&submitters[k], "property-demo");
    assert_int_equal(sessions_on("a") + sessions_on("b"), SUBSCRIBERS + SUBMITTERS);

    /* Every event reaches the subscribers of both instances. */
    file_reports();
    RUN_UNTIL(submits_done(), 30000);
    assert_int_equal(submits_acked(), nsubmits);
    RUN_UNTIL(all_subscribers_have(nsubmits), 10000);
    for (int i = 0; i < SUBSCRIBERS; i++)
        assert_true(subs[i].nevents >= nsubmits);

    /* More reports, and instance a is killed while they are in flight. */
    int before = nsubmits;
    file_reports();
    RUN_UNTIL(submits_acked() >= before + 2, 10000);
    cg_test_forget_clients(); /* the harness's own connections to a */
    long long killed_at = cg_test_now_ms();
    cg_test_server_kill(&first);
    RUN_UNTIL(submits_done(), 60000);
    long long moved_ms = cg_test_now_ms() - killed_at;
    assert_int_equal(submits_acked(), nsubmits);
    assert_int_equal(nsubmits, REPORTS);
    /* The submits can all be acknowledged while a subscriber of a still
     * waits out its back-off (a random 125-250 ms after the loss):
     * resumption shows only on a connection. */
    RUN_UNTIL(all_connected(), 10000);

    int moved_subs = 0, moved_submitters = 0;
    for (int i = 0; i < SUBSCRIBERS; i++) {
        assert_int_equal(subs[i].stopped, 0);
        assert_int_equal(subs[i].sub_status, 0);
        moved_subs += subs[i].disconnected > 0;
        /* b resumes a's session: the ticket keys are the same. */
        if (subs[i].disconnected > 0)
            assert_true(cg_async_tls_resumed(subs[i].a));
    }
    for (int k = 0; k < SUBMITTERS; k++) {
        moved_submitters += submitters[k].disconnected > 0;
        if (submitters[k].disconnected > 0)
            assert_true(cg_async_tls_resumed(submitters[k].a));
    }
    print_message("a killed: %d subscribers and %d submitters moved to b, each resuming its TLS "
                  "session; the submits in flight were all acknowledged %lld ms after the kill\n",
                  moved_subs, moved_submitters, moved_ms);
    assert_true(moved_subs >= 1 && moved_submitters >= 1);
    assert_int_equal(sessions_on("b"), SUBSCRIBERS + SUBMITTERS);

    /* Every acknowledged submit is stored once. */
    char sql[256];
    snprintf(
        sql, sizeof sql,
        "SELECT count(*) FROM reports WHERE compound_id = %llu AND text LIKE '经负载均衡上报 %%'",
        (unsigned long long)compound);
    assert_int_equal(cg_test_sql_int(&first, sql), REPORTS);
    snprintf(sql, sizeof sql,
             "SELECT count(DISTINCT text) FROM reports WHERE compound_id = %llu AND text LIKE "
             "'经负载均衡上报 %%'",
             (unsigned long long)compound);
    assert_int_equal(cg_test_sql_int(&first, sql), REPORTS);
    for (int i = 0; i < REPORTS; i++)
        for (int j = i + 1; j < REPORTS; j++)
            assert_true(submits[i].id != submits[j].id);

    /* Each report escalates to level 1 and 2 once, though both engines ran
     * (and one died); wait for the last level-2 step. */
    long long until = cg_test_now_ms() + 20000;
    while (db_events("count(*) FILTER (WHERE kind = 'report.escalated' AND level = 2)") < REPORTS &&
           cg_test_now_ms() < until)
        RUN_UNTIL(0, 300);
    RUN_UNTIL(0, 1500); /* a second firing would come now */
    assert_int_equal(db_events("count(*) FILTER (WHERE kind = 'report.escalated' AND level = 1)"),
                     REPORTS);
    assert_int_equal(db_events("count(*) FILTER (WHERE kind = 'report.escalated' AND level = 2)"),
                     REPORTS);
    assert_int_equal(db_events("count(*)"), 3 * REPORTS);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM report_timeline t JOIN reports r ON r.id = t.report_id WHERE "
             "r.compound_id = %llu AND t.kind = 'escalated'",
             (unsigned long long)compound);
    assert_int_equal(cg_test_sql_int(&first, sql), 2 * REPORTS);

    /* Every subscriber has the compound's whole stream: the same seqs as
     * the database, none twice, none missing, in order. */
    long long n = db_events("count(*)"), sum = db_events("sum(seq)");
    RUN_UNTIL(all_subscribers_have((int)n), 10000);
    for (int i = 0; i < SUBSCRIBERS; i++) {
        long long got = 0;
        for (int e = 0; e < subs[i].nevents; e++)
            got += (long long)subs[i].seq[e];
        assert_int_equal(subs[i].out_of_order, 0);
        assert_int_equal(subs[i].nevents, n);
        assert_int_equal(got, sum);
    }
    print_message("%d reports, %lld events: each of %d subscribers got all of them once, in "
                  "order; each escalation step fired once\n",
                  REPORTS, n, SUBSCRIBERS);

    for (int i = 0; i < SUBSCRIBERS; i++)
        cg_async_free(subs[i].a);
    for (int k = 0; k < SUBMITTERS; k++)
        cg_async_free(submitters[k].a);
    uv_close((uv_handle_t *)&tick, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&loop), 0);
    haproxy_stop();
    assert_int_equal(cg_test_server_stop(&second), 0);
    cg_test_server_start(&first, settings); /* for the runner, which stops it */
}

/* Whatever happened, nothing of the test is left running. */
static int teardown(void **state)
{
    haproxy_stop();
    if (second.pid > 0)
        cg_test_server_kill(&second);
    return 0;
}

int main(void)
{
    cg_test_server_init(&first, "haproxy", 0);
    char keys[800];
    snprintf(keys, sizeof keys, "%s/ticket.keys", first.dir);
    unsigned char bytes[CG_TLS_TICKET_KEYS_BYTES];
    FILE *f = fopen(keys, "wb");
    if (RAND_bytes(bytes, sizeof bytes) != 1 || f == NULL ||
        fwrite(bytes, 1, sizeof bytes, f) != sizeof bytes) {
        fprintf(stderr, "cannot write %s\n", keys);
        return 1;
    }
    fclose(f);
    snprintf(settings, sizeof settings, "%stls_ticket_keys = %s\n", TIMEOUTS, keys);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_two_instances_behind_haproxy, teardown),
    };
    return CG_TEST_RUN(&first, settings, tests);
}
