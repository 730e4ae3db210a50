/*
 * chengguan-bench (scripts/bench's load generator) for a fraction of a
 * second in each of its modes against the test server: every request
 * answered without an error, resumed handshakes resumed, every event
 * arrives at every subscriber, and the memory figure is read. Keeps the
 * benchmark working between its (manual) runs; measures nothing.
 */
#include <setjmp.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;
static uint64_t compound, officer;

/* Runs chengguan-bench MODE ARGS against the server; its one line of
 * figures in out. Fails the test when it exits non-zero. */
static void bench(char *out, size_t outlen, const char *mode, const char *args)
{
    char pki[700], cmd[2048];
    cg_test_pki(&server, "", pki, sizeof pki);
    snprintf(cmd, sizeof cmd, "'%s' %s --server 127.0.0.1:%d --pki '%s' %s 2>>'%s/bench.log'",
             CG_BENCH_BIN, mode, server.port, pki, args, server.dir);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    out[0] = '\0';
    if (fgets(out, (int)outlen, p) == NULL)
        out[0] = '\0';
    int rc = pclose(p);
    if (rc != 0)
        fprintf(stderr, "%s -> %d: %s (see %s/bench.log)\n", cmd, rc, out, server.dir);
    assert_int_equal(rc, 0);
}

/* The number after " KEY " in line. */
static double field(const char *line, const char *key)
{
    char k[64];
    snprintf(k, sizeof k, " %s ", key);
    const char *at = strstr(line, k);
    assert_non_null(at);
    return atof(at + strlen(k));
}

static void test_requests(void **state)
{
    (void)state;
    char out[512], args[128];
    snprintf(args, sizeof args, "--clients 2 --seconds 0.5 --targets %" PRIu64, compound);
    bench(out, sizeof out, "report-submit", args);
    assert_true(field(out, "requests") > 0);
    assert_int_equal(field(out, "errors"), 0);
    snprintf(args, sizeof args, "--clients 2 --seconds 0.5 --targets %" PRIu64 ":%" PRIu64,
             compound, officer);
    bench(out, sizeof out, "patrol-submit", args);
    assert_true(field(out, "requests") > 0);
    snprintf(args, sizeof args, "--seconds 0.3 --targets %" PRIu64, compound);
    bench(out, sizeof out, "compound-show", args);
    assert_true(field(out, "p99_ms") > 0);
    bench(out, sizeof out, "report-list", "--seconds 0.3");
    assert_true(field(out, "p99_ms") > 0);
}

static void test_handshakes(void **state)
{
    (void)state;
    char out[512];
    bench(out, sizeof out, "handshake", "--clients 1 --seconds 0.3 --hello");
    assert_true(field(out, "handshakes") > 0);
    assert_int_equal(field(out, "resumed"), 0);
    bench(out, sizeof out, "handshake", "--clients 1 --seconds 0.3 --hello --resume");
    /* all but the first, which had no session to offer */
    assert_int_equal(field(out, "resumed"), field(out, "handshakes") - 1);
}

static void test_subscribers(void **state)
{
    (void)state;
    char out[512], args[128];
    snprintf(args, sizeof args, "--subscribers 4 --reports 3 --targets %" PRIu64, compound);
    bench(out, sizeof out, "events", args);
    assert_int_equal(field(out, "arrived"), 12);
    snprintf(args, sizeof args, "--connections 20 --pid %ld", (long)server.pid);
    bench(out, sizeof out, "idle", args);
    assert_int_equal(field(out, "connections"), 20);
    assert_true(field(out, "rss_after_kb") > 0);
}

int main(void)
{
    cg_test_server_init(&server, "bench_smoke", 0);
    cg_test_server_start(&server, "dedup_window = 0");
    compound =
        cg_test_make_compound(&server, "hq", "dawa", "基准测试小区", NULL, "2021-03-01", &officer);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests),
        cmocka_unit_test(test_handshakes),
        cmocka_unit_test(test_subscribers),
    };
    int failed = cmocka_run_group_tests_name("bench_smoke", tests, NULL, NULL);
    cg_test_forget_clients();
    if (cg_test_server_stop(&server) != 0)
        failed++;
    return failed != 0;
}
