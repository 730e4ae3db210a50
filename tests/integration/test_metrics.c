/*
 * The Prometheus endpoint (metrics_listen): every figure a scrape shows
 * moves with what the test does — requests by type and code, handshakes,
 * connections, events pushed, open reports and escalations by level, the
 * database going away — the text parses as the exposition format, and
 * anything but GET /metrics is refused without harm.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;
static int metrics_port;

/* Sends request as it is to the metrics port; returns the whole answer
 * (malloc'd, NUL-terminated), read until the server closes. */
static char *http(const char *request, size_t n)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)metrics_port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(write(fd, request, n), (ssize_t)n);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    ssize_t k;
    while ((k = read(fd, out + len, cap - len - 1)) > 0) {
        len += (size_t)k;
        if (cap - len < 4096)
            out = realloc(out, cap *= 2);
    }
    out[len] = '\0';
    close(fd);
    return out;
}

static char *scrape(void)
{
    const char *get = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test\r\n\r\n";
    char *answer = http(get, strlen(get));
    assert_true(strncmp(answer, "HTTP/1.1 200 OK\r\n", 17) == 0);
    assert_non_null(strstr(answer, "Content-Type: text/plain; version=0.0.4"));
    return answer;
}

/* The value of the sample written exactly as series ("name{labels}");
 * -1 when the scrape has no such sample. */
static double sample(const char *text, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = text; (p = strstr(p, series)) != NULL; p += n)
        if ((p == text || p[-1] == '\n') && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    return -1;
}

static double scrape_one(const char *series)
{
    char *text = scrape();
    double v = sample(text, series);
    free(text);
    return v;
}

static void test_requests_by_type_and_code(void **state)
{
    (void)state;
    const char *ping_ok = "chengguan_requests_total{type=\"ping\",code=\"OK\"}";
    const char *get_missing = "chengguan_requests_total{type=\"compound.get\",code=\"NOT_FOUND\"}";
    const char *ping_count = "chengguan_request_duration_seconds_count{type=\"ping\"}";
    const char *ping_inf = "chengguan_request_duration_seconds_bucket{type=\"ping\",le=\"+Inf\"}";
    double pings = scrape_one(ping_ok), missing = scrape_one(get_missing);
    cg_client *c = cg_test_as(&server, "hq");
    for (int i = 0; i < 3; i++)
        assert_int_equal(cg_ping(c, "m", 1, NULL), 0);
    Chengguan__V1__CompoundGet get = CHENGGUAN__V1__COMPOUND_GET__INIT;
    get.id = 987654321;
    cg_message_free(cg_test_call(&server, "hq", &get.base, CG_ENOT_FOUND, NULL));

    char *text = scrape();
    assert_true(sample(text, ping_ok) == (pings < 0 ? 0 : pings) + 3);
    assert_true(sample(text, get_missing) == (missing < 0 ? 0 : missing) + 1);
    /* The histogram counts every ping, and its +Inf bucket is the count. */
    assert_true(sample(text, ping_count) >= 3);
    assert_true(sample(text, ping_inf) == sample(text, ping_count));
    assert_true(sample(text, "chengguan_request_duration_seconds_sum{type=\"ping\"}") >= 0);
    assert_true(sample(text, "chengguan_connections") >= 1);
    assert_true(sample(text, "chengguan_database_up") == 1);
    assert_true(sample(text, "chengguan_db_pool_ready") >= 1);
    assert_true(sample(text, "chengguan_db_queue_size") == 1024);
    assert_non_null(strstr(text, "\nchengguan_build_info{version=\""));
    free(text);
}

static void test_handshakes_and_connections(void **state)
{
    (void)state;
    const char *ok = "chengguan_handshakes_total{result=\"ok\"}";
    const char *failed = "chengguan_handshakes_total{result=\"failed\"}";
    char *before = scrape();
    double ok0 = sample(before, ok), failed0 = sample(before, failed);
    double accepted0 = sample(before, "chengguan_connections_accepted_total");
    free(before);

    cg_client *c = cg_test_connect(&server, "supervision");
    /* Not TLS at all: the handshake fails. */
    cg_test_raw raw;
    assert_int_equal(cg_test_raw_open_tcp(&raw, &server), 0);
    assert_int_equal(cg_test_raw_send(&raw, "GET / HTTP/1.0\r\n\r\n", 18), 0);
    assert_true(cg_test_raw_wait_closed(&raw, 5000));
    cg_test_raw_close(&raw);

    char *text = scrape();
    assert_true(sample(text, ok) == ok0 + 1);
    assert_true(sample(text, failed) == failed0 + 1);
    assert_true(sample(text, "chengguan_connections_accepted_total") == accepted0 + 2);
    free(text);
    cg_client_free(c);
}

static uint64_t a_compound(void)
{
    static uint64_t id;
    if (id == 0) {
        uint64_t officer;
        id = cg_test_make_compound(&server, "hq", "dawa", "翠苑小区", NULL, NULL, &officer);
    }
    return id;
}

static void test_events_and_open_reports(void **state)
{
    (void)state;
    cg_test_raw sub;
    cg_test_raw_open_as(&sub, &server, "hq");
    assert_true(cg_test_raw_hello(&sub));
    assert_true(cg_test_raw_subscribe(&sub, 0, 1));
    assert_true(scrape_one("chengguan_subscribers") >= 1);
    double pushed = scrape_one("chengguan_events_pushed_total");

    cg_test_file_report(cg_test_as(&server, "hq"), a_compound(), 3, "楼道堆放杂物", NULL);
    cg_envelope *env = cg_test_raw_recv(&sub, 10000);
    assert_non_null(env);
    assert_int_equal(env->body_case, CHENGGUAN__V1__ENVELOPE__BODY_EVENT);
    cg_envelope_free(env, NULL);
    assert_true(scrape_one("chengguan_events_pushed_total") >= pushed + 1);
    cg_test_raw_close(&sub);

    /* Open reports by level are the database's own count (summed over the
     * levels: one may escalate between the two looks). */
    char *text = scrape();
    double open = 0;
    for (int level = 0; level < 3; level++) {
        char series[64];
        snprintf(series, sizeof series, "chengguan_open_reports{level=\"%d\"}", level);
        assert_true(sample(text, series) >= 0);
        open += sample(text, series);
    }
    free(text);
    long long want = cg_test_sql_int(&server, "SELECT count(*) FROM reports WHERE status <> "
                                              "'resolved'");
    assert_true(want >= 1);
    assert_true(open == (double)want);
}

/* ack_timeout is 300 ms here: a report nobody acknowledges escalates to
 * level 1, and the scrape counts the step. */
static void test_escalations_by_level(void **state)
{
    (void)state;
    const char *steps = "chengguan_escalations_total{kind=\"report\",level=\"1\"}";
    double before = scrape_one(steps);
    uint64_t id =
        cg_test_file_report(cg_test_as(&server, "hq"), a_compound(), 5, "占用消防通道", NULL);
    assert_true(id > 0);
    /* Every report at level 1 (level 2 is an hour away): the count holds
     * still while the test compares. */
    const char *waiting = "SELECT count(*) FROM reports WHERE level = 0";
    long long deadline = cg_test_now_ms() + 15000;
    while (cg_test_sql_int(&server, waiting) != 0 && cg_test_now_ms() < deadline)
        usleep(100 * 1000);
    assert_int_equal(cg_test_sql_int(&server, waiting), 0);
    long long total = cg_test_sql_int(
        &server, "SELECT count(*) FROM report_timeline WHERE kind = 'escalated' AND level = 1");
    double after = scrape_one(steps);
    assert_true(after >= before + 1);
    assert_true(after == (double)total);
    assert_true(scrape_one("chengguan_open_reports{level=\"1\"}") >= 1);
}

/* The text is what Prometheus's own parser reads (Debian's python3-prometheus-client),
 * with the types it declares. */
static void test_exposition_parses(void **state)
{
    (void)state;
    char *text = scrape();
    char *body = strstr(text, "\r\n\r\n") + 4;
    char path[700];
    snprintf(path, sizeof path, "%s/metrics.txt", server.dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(body, f);
    fclose(f);
    free(text);
    char cmd[1600];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import sys\n"
             "from prometheus_client.parser import text_string_to_metric_families as p\n"
             "fams = {f.name: f.type for f in p(open(sys.argv[1]).read())}\n"
             "want = {\"chengguan_requests\": \"counter\", \"chengguan_request_duration_seconds\": "
             "\"histogram\", \"chengguan_connections\": \"gauge\", \"chengguan_handshakes\": "
             "\"counter\", \"chengguan_events_pushed\": \"counter\", \"chengguan_open_reports\": "
             "\"gauge\", \"chengguan_escalations\": \"counter\", \"chengguan_db_queue_length\": "
             "\"gauge\"}\n"
             "bad = {k: fams.get(k) for k in want if fams.get(k) != want[k]}\n"
             "sys.exit(\"wrong or missing: %%s\" %% bad if bad else 0)' %s",
             path);
    assert_int_equal(system(cmd), 0);
}

static void test_refuses_other_requests(void **state)
{
    (void)state;
    struct {
        const char *request, *status;
    } cases[] = {
        {"GET /nope HTTP/1.1\r\n\r\n", "HTTP/1.1 404 "},
        {"POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 405 "},
        {"\x16\x03\x01 not http\r\n\r\n", "HTTP/1.1 400 "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *answer = http(cases[i].request, strlen(cases[i].request));
        assert_true(strncmp(answer, cases[i].status, strlen(cases[i].status)) == 0);
        free(answer);
    }
    /* A request head that never ends is cut off at its limit. */
    char big[4096];
    memset(big, 'a', sizeof big);
    memcpy(big, "GET /metrics HTTP/1.1\r\nX: ", 26);
    char *answer = http(big, sizeof big);
    assert_true(strncmp(answer, "HTTP/1.1 431 ", 13) == 0);
    free(answer);
    /* The endpoint and the server are still there. */
    free(scrape());
    assert_int_equal(cg_ping(cg_test_as(&server, "hq"), "m", 1, NULL), 0);
}

/* Without the database the scrape still answers, saying so. */
static void test_database_down(void **state)
{
    (void)state;
    cg_test_forget_clients();
    cg_test_pg_stop(&server);
    long long deadline = cg_test_now_ms() + 15000;
    while (scrape_one("chengguan_database_up") != 0 && cg_test_now_ms() < deadline)
        usleep(100 * 1000);
    char *text = scrape();
    assert_true(sample(text, "chengguan_database_up") == 0);
    assert_true(sample(text, "chengguan_open_reports{level=\"0\"}") == -1);
    free(text);
    cg_test_pg_start(&server);
    deadline = cg_test_now_ms() + 30000;
    while (scrape_one("chengguan_database_up") != 1 && cg_test_now_ms() < deadline)
        usleep(200 * 1000);
    assert_true(scrape_one("chengguan_database_up") == 1);
}

int main(void)
{
    cg_test_server_init(&server, "metrics", 1);
    metrics_port = cg_test_free_port();
    char ini[160];
    snprintf(ini, sizeof ini, "metrics_listen = 127.0.0.1:%d\nack_timeout = 300ms\n", metrics_port);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests_by_type_and_code),
        cmocka_unit_test(test_handshakes_and_connections),
        cmocka_unit_test(test_events_and_open_reports),
        cmocka_unit_test(test_escalations_by_level),
        cmocka_unit_test(test_exposition_parses),
        cmocka_unit_test(test_refuses_other_requests),
        cmocka_unit_test(test_database_down),
    };
    return CG_TEST_RUN(&server, ini, tests);
}
