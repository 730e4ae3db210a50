/*
 * The client in another language (examples/python): protoc makes the
 * Python modules from proto/ into the test's directory, and the program,
 * run by Debian's python3 with python3-protobuf, says Hello over mutual
 * TLS, files a report (twice, under one idempotency key), and prints the
 * report's event from the stream. The database must then hold the report
 * once, and the event line must name it.
 */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Debian's interpreter: python3-protobuf is installed for it, not for
 * another python3 that may come first on PATH. */
#define PYTHON "/usr/bin/python3"

static cg_test_server server;

/* Runs cmd (a shell string) with stdout and stderr into path; its status. */
static int run(const char *cmd, const char *path)
{
    char line[8192];
    snprintf(line, sizeof line, "%s >'%s' 2>&1", cmd, path);
    int rc = system(line);
    if (rc != 0) {
        char *text = cg_test_read_text(path);
        fprintf(stderr, "%s\n-> %d\n%s\n", cmd, rc, text);
        free(text);
    }
    return rc;
}

static void python_files_report_and_sees_its_event(void **state)
{
    (void)state;
    uint64_t officer;
    uint64_t compound = cg_test_make_compound(&server, "hq", "xinglongtai", "Python小区", NULL,
                                              "2021-03-01", &officer);

    char gen[800], log[900], cmd[4096];
    snprintf(gen, sizeof gen, "%s/python-gen", server.dir);
    snprintf(log, sizeof log, "%s/protoc.log", server.dir);
    snprintf(cmd, sizeof cmd,
             "rm -rf '%s' && mkdir -p '%s' && protoc -I '%s/proto' --python_out='%s' "
             "'%s'/proto/chengguan/v1/*.proto",
             gen, gen, CG_SOURCE_DIR, gen, CG_SOURCE_DIR);
    assert_int_equal(run(cmd, log), 0);

    char pki[700];
    cg_test_pki(&server, "", pki, sizeof pki);
    snprintf(log, sizeof log, "%s/python.out", server.dir);
    snprintf(cmd, sizeof cmd,
             PYTHON " '%s/examples/python/chengguan_client.py' --generated '%s' "
                    "--server 127.0.0.1:%d --cert '%sclients/xinglongtai.crt' "
                    "--key '%sclients/xinglongtai.key' --ca '%sca.crt' --compound %llu "
                    "--category 3 --seconds 30",
             CG_SOURCE_DIR, gen, server.port, pki, pki, pki, (unsigned long long)compound);
    assert_int_equal(run(cmd, log), 0);
    char *out = cg_test_read_text(log);
    fprintf(stderr, "%s", out);

    assert_non_null(strstr(out, "welcome account=xinglongtai role=unit unit=xinglongtai\n"));
    const char *line = strstr(out, "report id=");
    assert_non_null(line);
    unsigned long long id = strtoull(line + strlen("report id="), NULL, 10);
    assert_true(id > 0);
    char want[128];
    snprintf(want, sizeof want, "retry id=%llu\n", id);
    assert_non_null(strstr(out, want));
    snprintf(want, sizeof want, " kind=report.filed report=%llu text=", id);
    assert_non_null(strstr(out, want));

    /* Stored once, with its text, by the account of the certificate. */
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM reports WHERE compound_id = %llu AND reporter = 'xinglongtai' "
             "AND text LIKE 'Python 客户端%%'",
             (unsigned long long)compound);
    assert_int_equal(cg_test_sql_int(&server, sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE report_id = %llu", id);
    assert_int_equal(cg_test_sql_int(&server, sql), 1);
    free(out);
}

int main(void)
{
    cg_test_server_init(&server, "python", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(python_files_report_and_sees_its_event),
    };
    return CG_TEST_RUN(&server, "dedup_window = 0", tests);
}
