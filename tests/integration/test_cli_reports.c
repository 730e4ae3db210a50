/*
 * Rapid handling through the CLI, as a property company and a duty officer
 * use it: a report filed by property-demo reaches the compound's unit, a
 * second one is attached to it, the timeline shows every step in Beijing
 * time, the unit acknowledges and resolves, other units and bad command
 * lines are refused, and the list filters open and escalated reports.
 */
#define _GNU_SOURCE /* timegm */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

/* A report escalates to level 1 a second after it was filed. */
#define SETTINGS "ack_timeout = 1s\nsupervision_timeout = 1h\n"

static cg_test_server server;
static char out[1 << 20];
static unsigned long long compound, officer, report;

/* The CLI with printf-style arguments, its output in out. */
#define cli(...) cg_test_clif(&server, out, sizeof out, __VA_ARGS__)

/* The first JSON object in out. */
static json_t *output_object(void)
{
    json_t *o = json_loads(out, JSON_DISABLE_EOF_CHECK, NULL);
    assert_non_null(o);
    return o;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    assert_non_null(s);
    return s;
}

static long long num(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* The kinds of the timeline of report id, joined with ' ' into buf. */
static const char *timeline_kinds(unsigned long long id, char *buf, size_t len)
{
    assert_int_equal(cli("--as xinglongtai --json report show %llu", id), 0);
    json_t *r = output_object();
    size_t i, n = 0;
    json_t *e;
    buf[0] = '\0';
    json_array_foreach(json_object_get(r, "timeline"), i, e)
    {
        n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", i ? " " : "", str(e, "kind"));
    }
    json_decref(r);
    return buf;
}

/* An instant of --json, RFC 3339 in Beijing time
 * ("2026-11-30T16:26:10.797+08:00"), as a table shows it: to the minute. */
static void beijing_minute(const char *instant, char *buf, size_t len)
{
    assert_int_equal(strlen(instant), 29);
    assert_string_equal(instant + 23, "+08:00");
    snprintf(buf, len, "%.10s %.5s", instant, instant + 11);
}

static int setup(void **state)
{
    /* A compound of xinglongtai managed by property-demo, with a grid
     * officer, made with the CLI itself. */
    assert_int_equal(cli("--as xinglongtai --json compound add --name 处置小区 --district "
                         "xinglongtai --community 处置社区 --property-account property-demo"),
                     0);
    compound = cg_test_json_id(out);
    assert_int_equal(cli("--as xinglongtai --json officer add --name 刘网格 --unit xinglongtai "
                         "--phone 13500005555"),
                     0);
    officer = cg_test_json_id(out);
    assert_int_equal(cli("--as xinglongtai grid assign %llu --officer %llu", compound, officer), 0);
    return 0;
}

static void test_submit_and_timeline(void **state)
{
    assert_int_equal(cli("--as property-demo --json report submit --compound %llu --category 5 "
                         "--text 占用消防通道 --dissuasion-failed --location '3号楼东侧'",
                         compound),
                     0);
    json_t *r = output_object();
    report = (unsigned long long)num(r, "id");
    assert_true(report > 0);
    assert_string_equal(str(r, "unit"), "xinglongtai");
    assert_int_equal(num(r, "grid_officer_id"), officer);
    assert_string_equal(str(r, "reporter"), "property-demo");
    assert_string_equal(str(r, "status"), "open");
    assert_string_equal(str(r, "location"), "3号楼东侧");
    assert_true(json_is_true(json_object_get(r, "dissuasion_failed")));
    assert_true(json_is_false(json_object_get(r, "attached")));
    json_decref(r);

    /* The same compound and category again: attached to the open report,
     * which the command says and prints. */
    assert_int_equal(cli("--as property-demo report submit --compound %llu --category 5 "
                         "--text 又堆上了",
                         compound),
                     0);
    char line[64];
    snprintf(line, sizeof line, "attached to open report %llu\n", report);
    assert_true(strncmp(out, line, strlen(line)) == 0);
    assert_non_null(strstr(out, "duplicates "));

    /* The timeline, with its times in Beijing time. */
    assert_int_equal(cli("--as xinglongtai --json report show %llu", report), 0);
    r = output_object();
    assert_int_equal(num(r, "duplicates"), 1);
    json_t *timeline = json_object_get(r, "timeline");
    assert_true(json_array_size(timeline) >= 2);
    assert_string_equal(str(json_array_get(timeline, 0), "kind"), "filed");
    /* (an escalation may come between: ack_timeout is a second) */
    char kinds[512];
    assert_non_null(strstr(timeline_kinds(report, kinds, sizeof kinds), " duplicate"));
    char filed[32];
    beijing_minute(str(r, "filed_at"), filed, sizeof filed);
    json_decref(r);

    assert_int_equal(cli("--as property-demo report show %llu", report), 0);
    assert_non_null(strstr(out, "compound name"));
    assert_non_null(strstr(out, "处置小区"));
    assert_non_null(strstr(out, "3号楼东侧"));
    assert_non_null(strstr(out, "\nat "));
    assert_non_null(strstr(out, "kind"));
    assert_non_null(strstr(out, "duplicate"));
    assert_non_null(strstr(out, "又堆上了"));
    assert_non_null(strstr(out, filed));
    assert_null(strstr(out, "Z\n")); /* no RFC 3339 instant left for people */
}

static void test_ack_and_resolve(void **state)
{
    char kinds[512];
    /* Another unit may not step in; a property company may not at all; a
     * report is acknowledged before it is resolved. */
    assert_int_equal(cli("--as dawa report ack %llu --officer %llu", report, officer), 2);
    assert_int_equal(cli("--as property-demo report ack %llu --officer %llu", report, officer), 2);
    assert_int_equal(
        cli("--as xinglongtai report resolve %llu --outcome stopped --note 已劝离", report), 2);

    assert_int_equal(cli("--as xinglongtai --json report ack %llu --officer %llu", report, officer),
                     0);
    json_t *r = output_object();
    assert_string_equal(str(r, "status"), "acknowledged");
    assert_int_equal(num(r, "officer_id"), officer);
    assert_string_equal(str(r, "acknowledged_by"), "xinglongtai");
    json_decref(r);
    assert_int_equal(cli("--as xinglongtai report ack %llu --officer %llu", report, officer), 2);

    /* Usage errors, caught before anything is sent. */
    assert_int_equal(
        cli("--as xinglongtai report resolve %llu --outcome fixed --note 已劝离", report), 1);
    assert_int_equal(cli("--as xinglongtai report resolve %llu --outcome stopped", report), 1);
    assert_int_equal(cli("--as xinglongtai report resolve --outcome stopped --note x"), 1);

    assert_int_equal(
        cli("--as xinglongtai report resolve %llu --outcome stopped --note 已劝离并清理", report),
        0);
    assert_non_null(strstr(out, "resolved"));
    assert_non_null(strstr(out, "已劝离并清理"));
    const char *k = timeline_kinds(report, kinds, sizeof kinds);
    assert_true(strncmp(k, "filed ", 6) == 0);
    assert_non_null(strstr(k, " duplicate"));
    assert_non_null(strstr(k, "acknowledged"));
    assert_non_null(strstr(k + strlen(k) - strlen("resolved"), "resolved"));
}

static void test_bad_submissions(void **state)
{
    assert_int_equal(cli("--as property-demo report submit --compound %llu --category 5", compound),
                     1);
    assert_int_equal(
        cli("--as property-demo report submit --compound %llu --category 11 --text x", compound),
        1);
    assert_int_equal(cli("--as property-demo report submit --category 5 --text x"), 1);
    /* Another unit's compound, and a role that files no reports. */
    assert_int_equal(cli("--as dawa report submit --compound %llu --category 5 --text x", compound),
                     2);
    assert_int_equal(
        cli("--as supervision report submit --compound %llu --category 5 --text x", compound), 2);
}

static void test_list_open_and_escalated(void **state)
{
    /* A report of another category starts a ladder of its own; not
     * acknowledged within ack_timeout, it climbs to level 1. */
    assert_int_equal(cli("--as xinglongtai --json report submit --compound %llu --category 3 "
                         "--text 楼道堆物",
                         compound),
                     0);
    unsigned long long open = cg_test_json_id(out);
    assert_true(open != report);
    long long level = 0;
    for (int i = 0; i < 100 && level < 1; i++) {
        assert_int_equal(cli("--as xinglongtai --json report show %llu", open), 0);
        json_t *r = output_object();
        level = num(r, "level");
        json_decref(r);
        if (level < 1)
            usleep(100 * 1000);
    }
    assert_int_equal(level, 1);
    char kinds[512];
    assert_non_null(strstr(timeline_kinds(open, kinds, sizeof kinds), "escalated"));

    /* --open: one object per line, every one not resolved; the resolved
     * report is not among them. */
    assert_int_equal(cli("--as xinglongtai --json report list --open"), 0);
    int lines = 0, seen = 0;
    for (char *line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        json_t *r = json_loads(line, 0, NULL);
        assert_non_null(r);
        assert_string_not_equal(str(r, "status"), "resolved");
        assert_true(num(r, "id") != (long long)report);
        seen += num(r, "id") == (long long)open;
        lines++;
        json_decref(r);
    }
    assert_int_equal(seen, 1);
    assert_true(lines >= 1);

    /* Filters for people: --level 1 lists the escalated report; the table
     * has its columns; another unit sees none of them. */
    assert_int_equal(cli("--as supervision report list --level 1 --unit xinglongtai"), 0);
    assert_non_null(strstr(out, "ack due"));
    assert_non_null(strstr(out, "duplicates"));
    assert_non_null(strstr(out, "处置小区"));
    assert_int_equal(cli("--as dawa --json report list"), 0);
    assert_string_equal(out, "");
    assert_int_equal(cli("--as xinglongtai report list --level 3"), 2);
}

int main(void)
{
    cg_test_server_init(&server, "cli_reports", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_submit_and_timeline, setup),
        cmocka_unit_test(test_ack_and_resolve),
        cmocka_unit_test(test_bad_submissions),
        cmocka_unit_test(test_list_open_and_escalated),
    };
    return CG_TEST_RUN(&server, SETTINGS, tests);
}
