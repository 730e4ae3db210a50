/*
 * The CLI against a real server: output of whoami and ping as tables and as
 * JSON lines, help text, and the exit codes of docs/cli.md (0 ok, 1 usage,
 * 2 refused by the server, 3 could not connect or TLS failed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

static cg_test_server server;
static char out[65536];

static void test_whoami_table_lines_up_chinese(void **state)
{
    assert_int_equal(cg_test_cli(&server, "--as shuangtaizi whoami", out, sizeof out), 0);
    assert_non_null(strstr(out, "双台子分局"));
    /* Every value starts in the same display column: the label column is
     * padded to one width, so the lines "account ..." and "unit name ..."
     * put their values at the same byte offset (labels are ASCII). */
    const char *a = strstr(out, "shuangtaizi");
    const char *line_a = a;
    while (line_a > out && line_a[-1] != '\n')
        line_a--;
    const char *u = strstr(out, "unit name");
    assert_non_null(u);
    const char *v = strstr(u, "双台子分局");
    assert_int_equal(a - line_a, v - u);
}

static void test_whoami_json(void **state)
{
    assert_int_equal(cg_test_cli(&server, "--as hotline --json whoami", out, sizeof out), 0);
    json_error_t err;
    json_t *o = json_loads(out, JSON_DISABLE_EOF_CHECK, &err);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "account")), "hotline");
    assert_string_equal(json_string_value(json_object_get(o, "role")), "integration");
    assert_string_equal(json_string_value(json_object_get(o, "unit")), "");
    assert_string_equal(json_string_value(json_object_get(o, "display_name")),
                        "12345 市民服务热线");
    assert_int_equal(strlen(json_string_value(json_object_get(o, "cert_fingerprint"))), 64);
    json_decref(o);
}

static void test_ping_json_lines(void **state)
{
    assert_int_equal(
        cg_test_cli(&server, "--as dawa --json ping --count 3 --interval 10ms", out, sizeof out),
        0);
    int lines = 0, summaries = 0;
    for (char *line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        json_error_t err;
        json_t *o = json_loads(line, 0, &err);
        assert_non_null(o);
        if (json_is_true(json_object_get(o, "summary"))) {
            summaries++;
            assert_int_equal(json_integer_value(json_object_get(o, "ok")), 3);
        } else {
            lines++;
            assert_int_equal(json_integer_value(json_object_get(o, "seq")), lines);
            assert_true(json_real_value(json_object_get(o, "rtt_ms")) >= 0);
        }
        json_decref(o);
    }
    assert_int_equal(lines, 3);
    assert_int_equal(summaries, 1);
}

static void test_exit_codes(void **state)
{
    assert_int_equal(cg_test_cli(&server, "--help", out, sizeof out), 0);
    assert_non_null(strstr(out, "whoami"));
    assert_non_null(strstr(out, "ping"));
    assert_int_equal(cg_test_cli(&server, "ping --help", out, sizeof out), 0);
    assert_non_null(strstr(out, "--count"));

    assert_int_equal(cg_test_cli(&server, "--as hq no-such-command", NULL, 0), 1);
    assert_int_equal(cg_test_cli(&server, "--as hq ping --count zero", NULL, 0), 1);
    assert_int_equal(cg_test_cli(&server, "--as nobody whoami", NULL, 0), 1);

    char args[1024], cert[700], key[700];
    snprintf(args, sizeof args, "--cert %s --key %s whoami",
             cg_test_pki(&server, "test/stranger.crt", cert, sizeof cert),
             cg_test_pki(&server, "test/stranger.key", key, sizeof key));
    assert_int_equal(cg_test_cli(&server, args, NULL, 0), 2);

    snprintf(args, sizeof args, "--cert %s --key %s whoami",
             cg_test_pki(&server, "test/expired.crt", cert, sizeof cert),
             cg_test_pki(&server, "test/expired.key", key, sizeof key));
    assert_int_equal(cg_test_cli(&server, args, NULL, 0), 3);

    /* Port 1 on loopback: nobody listens. */
    assert_int_equal(cg_test_cli(&server, "--server 127.0.0.1:1 --as hq whoami", NULL, 0), 3);
}

/* Officers of unit dawa named name, from `officer list --json`. */
static int officers_named(const char *name)
{
    static char list[65536];
    assert_int_equal(
        cg_test_cli(&server, "--as hq --json officer list --unit dawa", list, sizeof list), 0);
    int n = 0;
    for (char *line = strtok(list, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        json_error_t err;
        json_t *o = json_loads(line, 0, &err);
        assert_non_null(o);
        n += strcmp(json_string_value(json_object_get(o, "name")), name) == 0;
        json_decref(o);
    }
    return n;
}

/* A script that retries a change with --idempotency-key gets it applied
 * once and the first answer again; the key is refused where it means
 * nothing. */
static void test_idempotency_key(void **state)
{
    const char *add = "--as hq --json --idempotency-key 7d0c1a6e-5b8f-4c2e-9a31-0f6b2d4e8c17 "
                      "officer add --name 重试警官 --unit dawa --phone 13600001111";
    char first[4096];
    assert_int_equal(cg_test_cli(&server, add, first, sizeof first), 0);
    assert_int_equal(cg_test_cli(&server, add, out, sizeof out), 0);
    assert_true(cg_test_json_id(first) > 0);
    assert_int_equal(cg_test_json_id(out), cg_test_json_id(first));
    assert_int_equal(officers_named("重试警官"), 1);

    /* The same key for a different change: the server refuses it. */
    assert_int_equal(cg_test_cli(&server,
                                 "--as hq --idempotency-key 7d0c1a6e-5b8f-4c2e-9a31-0f6b2d4e8c17 "
                                 "officer add --name 别的警官 --unit dawa --phone 13600001111",
                                 NULL, 0),
                     2);
    /* Too short, and commands that change nothing. */
    assert_int_equal(cg_test_cli(&server,
                                 "--as hq --idempotency-key short officer add --name x "
                                 "--unit dawa --phone 13600001111",
                                 NULL, 0),
                     1);
    const char *key = "--as hq --idempotency-key 0123456789abcdef0123 ";
    char args[256];
    const char *reads[] = {"whoami", "ping", "officer list", "compound export", NULL};
    for (int i = 0; reads[i] != NULL; i++) {
        snprintf(args, sizeof args, "%s%s", key, reads[i]);
        assert_int_equal(cg_test_cli(&server, args, NULL, 0), 1);
    }
    assert_int_equal(officers_named("别的警官") + officers_named("x"), 0);
}

int main(void)
{
    cg_test_server_init(&server, "cli", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whoami_table_lines_up_chinese),
        cmocka_unit_test(test_whoami_json),
        cmocka_unit_test(test_ping_json_lines),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_idempotency_key),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
