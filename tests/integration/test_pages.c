/*
 * List pages are bounded by bytes as well as rows: with a small
 * max_frame_bytes, lists whose rows are large come back in several pages,
 * each of which fits in a frame, and paging with next_after_id yields every
 * row once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define FRAME 64000 /* 64kB */
#define ROWS  12

static cg_test_server server;

static ProtobufCMessage *call(const char *account, ProtobufCMessage *req, int want)
{
    return cg_test_call(&server, account, req, want, NULL);
}

/* n characters of Chinese text (3 bytes each in UTF-8). */
static char *long_text(char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        strcat(buf, "巡");
    return buf;
}

/* Checks a page: at least one row (so paging moves on), fewer than all, and
 * packed within a frame. Returns its row count. */
static size_t check_page(const ProtobufCMessage *reply, size_t rows)
{
    assert_true(rows >= 1);
    assert_true(rows < ROWS);
    assert_true(protobuf_c_message_get_packed_size(reply) < FRAME);
    return rows;
}

/* What the CLI printed with --json: one line per row. */
static char json_out[1 << 20];

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (const char *p = text; (p = strchr(p, '\n')) != NULL; p++)
        n++;
    return n;
}

static void test_patrol_pages_fit_a_frame(void **state)
{
    uint64_t officer;
    uint64_t compound = cg_test_make_compound(&server, "xinglongtai", "xinglongtai", "大巡查小区",
                                              NULL, "2021-02-01", &officer);
    static char text[3 * 1000 + 1];
    long_text(text, 1000);
    for (int i = 0; i < ROWS; i++) {
        Chengguan__V1__Finding f[5], *fp[5];
        for (int k = 0; k < 5; k++) {
            chengguan__v1__finding__init(&f[k]);
            f[k].category = (uint32_t)(k + 1);
            f[k].text = text;
            fp[k] = &f[k];
        }
        char start[32], end[32];
        snprintf(start, sizeof start, "2021-03-%02dT09:00", i + 1);
        snprintf(end, sizeof end, "2021-03-%02dT10:00", i + 1);
        Chengguan__V1__Patrol p = CHENGGUAN__V1__PATROL__INIT;
        p.compound_id = compound;
        p.officer_ids = &officer;
        p.n_officer_ids = 1;
        p.start = start;
        p.end = end;
        p.findings = fp;
        p.n_findings = 5;
        Chengguan__V1__PatrolSubmit req = CHENGGUAN__V1__PATROL_SUBMIT__INIT;
        req.patrol = &p;
        cg_message_free(call("xinglongtai", &req.base, 0));
    }

    Chengguan__V1__PatrolList list = CHENGGUAN__V1__PATROL_LIST__INIT;
    list.compound_id = compound;
    size_t seen = 0, pages = 0;
    uint64_t last = UINT64_MAX;
    do {
        Chengguan__V1__PatrolListReply *r =
            (Chengguan__V1__PatrolListReply *)call("xinglongtai", &list.base, 0);
        assert_non_null(r);
        seen += check_page(&r->base, r->n_patrols);
        for (size_t i = 0; i < r->n_patrols; i++) {
            assert_true(r->patrols[i]->id < last); /* newest first, each once */
            last = r->patrols[i]->id;
        }
        list.after_id = r->next_after_id;
        pages++;
        cg_message_free(&r->base);
    } while (list.after_id != 0);
    assert_int_equal(seen, ROWS);
    assert_true(pages >= 3);
    /* the CLI follows the same pages, newest first */
    assert_int_equal(cg_test_clif(&server, json_out, sizeof json_out,
                                  "--as xinglongtai --json patrol list --compound %llu",
                                  (unsigned long long)compound),
                     0);
    assert_int_equal(count_lines(json_out), ROWS);
    (void)state;
}

static void test_report_pages_fit_a_frame(void **state)
{
    uint64_t officer;
    uint64_t compound =
        cg_test_make_compound(&server, "hq", "dawa", "大报告小区", NULL, NULL, &officer);
    static char text[3 * 2000 + 1];
    long_text(text, 2000);
    for (int i = 0; i < ROWS; i++) {
        Chengguan__V1__Report r = CHENGGUAN__V1__REPORT__INIT;
        r.compound_id = compound;
        r.category = (uint32_t)(i % 10 + 1);
        r.text = text;
        Chengguan__V1__ReportSubmit req = CHENGGUAN__V1__REPORT_SUBMIT__INIT;
        req.report = &r;
        cg_message_free(call("dawa", &req.base, 0));
    }
    Chengguan__V1__ReportList list = CHENGGUAN__V1__REPORT_LIST__INIT;
    size_t seen = 0;
    do {
        Chengguan__V1__ReportListReply *r =
            (Chengguan__V1__ReportListReply *)call("dawa", &list.base, 0);
        assert_non_null(r);
        seen += check_page(&r->base, r->n_reports);
        list.after_id = r->next_after_id;
        cg_message_free(&r->base);
    } while (list.after_id != 0);
    assert_int_equal(seen, ROWS);
    assert_int_equal(
        cg_test_cli(&server, "--as dawa --json report list", json_out, sizeof json_out), 0);
    assert_int_equal(count_lines(json_out), ROWS);
    (void)state;
}

int main(void)
{
    cg_test_server_init(&server, "pages", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patrol_pages_fit_a_frame),
        cmocka_unit_test(test_report_pages_fit_a_frame),
    };
    /* dedup_window = 0: every report is its own. */
    return CG_TEST_RUN(&server, "max_frame_bytes = 64kB\ndedup_window = 0s", tests);
}
