/*
 * Enforcement cases against the real server, through the CLI: opening
 * (directly, from a report, which is resolved case_needed and links back,
 * from a finding or a request), the workflow with its refusals naming the
 * allowed states, the decision's penalty, late paper records (--at),
 * version-checked concurrency, verification, rework and reopening, lists,
 * stats, and who may do what. Every refusal leaves the case as it was.
 */
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;
static char out[1 << 16];

#define UNIT "liaodongwan"

static uint64_t compound, officer;

static void setup_compound(void)
{
    if (compound == 0)
        compound = cg_test_make_compound(&server, UNIT, UNIT, "案件小区", "property-demo",
                                         "2021-02-01", &officer);
}

/* The command is refused (exit 2) with every one of the given strings in
 * what it printed. */
#define REFUSED(...) exits(2, __VA_ARGS__)
#define OK(...)      exits(0, __VA_ARGS__)

/* The command exits with want, or the test fails showing what it printed. */
#define exits(want, ...) cg_test_cli_exits(&server, want, out, sizeof out, __VA_ARGS__)

static void expect(const char *s)
{
    if (strstr(out, s) == NULL)
        fail_msg("expected '%s' in:\n%s", s, out);
}

static uint64_t open_case(const char *extra)
{
    setup_compound();
    OK("--as " UNIT " --json case open --compound %llu --category 2 "
       "--source patrol --summary 楼顶违法搭建 %s",
       (unsigned long long)compound, extra);
    return cg_test_json_id(out);
}

/* The state and version of case id, as hq reads it. */
static void expect_state(uint64_t id, const char *state, int version)
{
    OK("--as hq --json case show %llu", (unsigned long long)id);
    char want[96];
    snprintf(want, sizeof want, "\"state\":\"%s\"", state);
    expect(want);
    snprintf(want, sizeof want, "\"version\":%d,", version);
    expect(want);
}

static void test_open_directly_and_show(void **state)
{
    uint64_t id = open_case("--illegal-construction --party 张三 --location 3号楼顶");
    expect("\"state\":\"registered\"");
    expect("\"illegal_construction\":true");
    expect("\"next_states\":\"investigating,rejected,transferred\"");
    OK("--as " UNIT " case show %llu", (unsigned long long)id);
    expect("张三");
    expect("opened");

    /* bad input: nothing is stored */
    OK("--as hq --json case list --compound %llu", (unsigned long long)compound);
    size_t before = strlen(out);
    /* (the CLI knows the categories; the server checks them again) */
    exits(1, "--as " UNIT " case open --compound %llu --category 11 --source patrol --summary x",
          (unsigned long long)compound);
    REFUSED("--as " UNIT " case open --compound %llu --category 3 --illegal-construction "
            "--source patrol --summary x",
            (unsigned long long)compound);
    expect("category 2");
    REFUSED("--as " UNIT " case open --compound %llu --category 2 --source nowhere --summary x",
            (unsigned long long)compound);
    REFUSED("--as " UNIT " case open --compound %llu --category 2 --source patrol --summary x "
            "--at 2099-01-01T10:00",
            (unsigned long long)compound);
    expect("future");
    /* another unit does not see the compound; supervision may not open */
    REFUSED("--as dawa case open --compound %llu --category 2 --source patrol --summary x",
            (unsigned long long)compound);
    expect("NOT_FOUND");
    REFUSED("--as supervision case open --compound %llu --category 2 --source patrol --summary x",
            (unsigned long long)compound);
    expect("PERMISSION_DENIED");
    OK("--as hq --json case list --compound %llu", (unsigned long long)compound);
    assert_int_equal(strlen(out), before);
}

static void test_open_from_report_links_both_ways(void **state)
{
    setup_compound();
    cg_client *c = cg_test_as(&server, "property-demo");
    uint64_t report = cg_test_file_report(c, compound, 2, "楼顶在搭彩钢房", NULL);
    /* not acknowledged yet: refused, the report stays open */
    REFUSED("--as " UNIT " case open --compound %llu --category 2 --from-report %llu --summary x",
            (unsigned long long)compound, (unsigned long long)report);
    expect("FAILED_PRECONDITION");
    OK("--as " UNIT " report ack %llu --officer %llu", (unsigned long long)report,
       (unsigned long long)officer);
    /* a report's case has source report */
    REFUSED("--as " UNIT " case open --compound %llu --category 2 --source patrol "
            "--from-report %llu --summary x",
            (unsigned long long)compound, (unsigned long long)report);
    expect("source");
    OK("--as " UNIT " --json case open --compound %llu --category 2 "
       "--from-report %llu --summary 彩钢房立案",
       (unsigned long long)compound, (unsigned long long)report);
    uint64_t id = cg_test_json_id(out);
    expect("\"source\":\"report\"");
    char want[64];
    snprintf(want, sizeof want, "\"report_id\":%llu", (unsigned long long)report);
    expect(want);
    OK("--as " UNIT " --json report show %llu", (unsigned long long)report);
    expect("\"status\":\"resolved\"");
    expect("\"outcome\":\"case_needed\"");
    snprintf(want, sizeof want, "\"case_id\":%llu", (unsigned long long)id);
    expect(want);
    /* one case per report */
    REFUSED("--as " UNIT " case open --compound %llu --category 2 --from-report %llu --summary x",
            (unsigned long long)compound, (unsigned long long)report);
    expect("ALREADY_EXISTS");

    /* the property company sees the state only, and no other case */
    OK("--as property-demo --json case show %llu", (unsigned long long)id);
    expect("\"state\":\"registered\"");
    assert_null(strstr(out, "彩钢房立案"));
    OK("--as property-demo --json case list");
    assert_int_equal(cg_test_json_id(out), id);
    assert_null(strstr(out, "楼顶违法搭建"));
    REFUSED("--as property-demo case move %llu --to investigating", (unsigned long long)id);
    expect("PERMISSION_DENIED");
    REFUSED("--as hotline case show %llu", (unsigned long long)id);
    expect("NOT_FOUND");
}

/* Reports and patrol findings carry the illegal-construction mark (违法搭建)
 * too, category 2 only, and a case of category 2 opened from a marked one is
 * marked without being told. */
static void test_illegal_construction_on_reports_and_findings(void **state)
{
    uint64_t officer2;
    uint64_t site = cg_test_make_compound(&server, UNIT, UNIT, "违建小区", "property-demo",
                                          "2021-02-01", &officer2);
    OK("--as hq --json report list --unit " UNIT);
    size_t before = strlen(out);
    REFUSED("--as property-demo report submit --compound %llu --category 3 --text 楼道堆物 "
            "--illegal-construction",
            (unsigned long long)site);
    expect("category 2");
    OK("--as hq --json report list --unit " UNIT);
    assert_int_equal(strlen(out), before);
    OK("--as property-demo --json report submit --compound %llu --category 2 --text 楼顶在搭彩钢房 "
       "--illegal-construction",
       (unsigned long long)site);
    expect("\"illegal_construction\":true");
    uint64_t report = cg_test_json_id(out);
    OK("--as " UNIT " report ack %llu --officer %llu", (unsigned long long)report,
       (unsigned long long)officer2);
    OK("--as " UNIT " --json case open --compound %llu --category 2 --from-report %llu "
       "--summary 彩钢房立案",
       (unsigned long long)site, (unsigned long long)report);
    expect("\"illegal_construction\":true");

    /* a finding: refused on another category, nothing stored */
    REFUSED("--as " UNIT " patrol submit --compound %llu --officer %llu --start 2026-11-02T09:00 "
            "--end 2026-11-02T10:00 --finding 3:楼道堆物:illegal_construction",
            (unsigned long long)site, (unsigned long long)officer2);
    expect("findings[0].illegal_construction");
    OK("--as " UNIT " --json patrol submit --compound %llu --officer %llu --start 2026-11-02T09:00 "
       "--end 2026-11-02T10:00 --finding 4:x --finding 2:后院违建平房:case_needed:违法搭建",
       (unsigned long long)site, (unsigned long long)officer2);
    expect("\"illegal_construction\":false},{\"id\"");
    expect("\"illegal_construction\":true}]");
    uint64_t finding = 0;
    const char *f = strstr(out, "\"category\":2,");
    assert_non_null(f);
    while (f > out && strncmp(f, "{\"id\":", 6) != 0)
        f--;
    finding = strtoull(f + 6, NULL, 10);
    assert_true(finding > 0);
    OK("--as " UNIT " --json case open --compound %llu --category 2 --from-finding %llu "
       "--summary 后院违建立案",
       (unsigned long long)site, (unsigned long long)finding);
    expect("\"illegal_construction\":true");
    /* the clerk's view says so */
    OK("--as " UNIT " report show %llu", (unsigned long long)report);
    expect("illegal construction");
}

static void test_workflow_refusals_and_penalty(void **state)
{
    uint64_t id = open_case("--at 2021-02-20T09:00"); /* a paper record */
    REFUSED("--as " UNIT " case move %llu --to decided --penalty warning", (unsigned long long)id);
    expect("FAILED_PRECONDITION");
    expect("investigating, rejected, transferred");
    REFUSED("--as " UNIT " case move %llu --to rejected", (unsigned long long)id);
    expect("reason");
    REFUSED("--as " UNIT " case move %llu --to transferred", (unsigned long long)id);
    expect("department");
    REFUSED("--as " UNIT " case move %llu --to investigating --penalty warning",
            (unsigned long long)id);
    REFUSED("--as dawa case move %llu --to investigating", (unsigned long long)id);
    expect("NOT_FOUND");
    expect_state(id, "registered", 1);

    OK("--as " UNIT " --json case move %llu --to investigating --version 1 "
       "--at 2021-03-01T09:00",
       (unsigned long long)id);
    expect("\"version\":2,");
    /* a stale version: refused, never a lost update */
    REFUSED("--as " UNIT " case move %llu --to transferred --department 规划局 --version 1",
            (unsigned long long)id);
    expect("FAILED_PRECONDITION");
    expect("version 2, not 1");
    /* --at: not before the previous step */
    REFUSED("--as " UNIT " case move %llu --to decided --penalty warning --at 2021-02-28T09:00",
            (unsigned long long)id);
    expect("before the previous step");

    /* the decision's penalty */
    REFUSED("--as " UNIT " case move %llu --to decided", (unsigned long long)id);
    expect("penalty");
    REFUSED("--as " UNIT " case move %llu --to decided --penalty fine --fine 0",
            (unsigned long long)id);
    expect("more than 0");
    REFUSED("--as " UNIT " case move %llu --to decided --penalty fine --fine -50",
            (unsigned long long)id);
    expect("more than 0");
    /* (the CLI knows the penalties; the server checks them again) */
    exits(1, "--as " UNIT " case move %llu --to decided --penalty jail", (unsigned long long)id);
    REFUSED("--as " UNIT " case move %llu --to decided --penalty rectify --at 2021-03-10T10:00",
            (unsigned long long)id);
    expect("deadline");
    REFUSED("--as " UNIT " case move %llu --to decided --penalty rectify --deadline 2021-03-09 "
            "--at 2021-03-10T10:00",
            (unsigned long long)id);
    expect("before the decision");
    expect_state(id, "investigating", 2);
    OK("--as " UNIT " --json case move %llu --to decided --penalty 责令整改,warning "
       "--fine 2000.50 --deadline 2021-03-31 "
       "--at 2021-03-10T10:00 --note 当场送达",
       (unsigned long long)id);
    expect("\"fine_yuan\":\"2000.50\"");
    expect("\"deadline\":\"2021-03-31\"");
    expect("\"overdue\":true"); /* decided, the deadline long past */
    expect("fine");

    /* rectifying, then closing needs a verification first */
    OK("--as " UNIT " case move %llu --to rectifying", (unsigned long long)id);
    REFUSED("--as " UNIT " case move %llu --to closed", (unsigned long long)id);
    expect("FAILED_PRECONDITION");
    REFUSED("--as " UNIT " case move %llu --to verified", (unsigned long long)id);
    expect("case verify");
    /* the timeline: at and recorded-at side by side */
    OK("--as hq --json case show %llu", (unsigned long long)id);
    expect("\"at\":\"2021-03-10T10:00:00.000+08:00\"");
    expect("\"recorded_at\":\"20");
    expect("\"note\":\"当场送达\"");
}

static void test_verify_rework_close_reopen(void **state)
{
    uint64_t id = open_case("");
    OK("--as " UNIT " case move %llu --to investigating", (unsigned long long)id);
    OK("--as " UNIT " case move %llu --to decided --penalty demolish "
       "--deadline 2099-12-31",
       (unsigned long long)id);
    REFUSED("--as " UNIT " case verify %llu --officer %llu --passed", (unsigned long long)id,
            (unsigned long long)officer);
    expect("rectifying");
    OK("--as " UNIT " case move %llu --to rectifying", (unsigned long long)id);
    /* a failed verification needs a note, stays rectifying and counts as rework */
    REFUSED("--as " UNIT " case verify %llu --officer %llu", (unsigned long long)id,
            (unsigned long long)officer);
    OK("--as " UNIT " --json case verify %llu --officer %llu --note 未拆除", (unsigned long long)id,
       (unsigned long long)officer);
    expect("\"state\":\"rectifying\"");
    expect("\"rework\":1");
    OK("--as " UNIT " --json case verify %llu --officer %llu --passed", (unsigned long long)id,
       (unsigned long long)officer);
    expect("\"state\":\"verified\"");
    OK("--as " UNIT " --json case move %llu --to closed", (unsigned long long)id);
    expect("\"state\":\"closed\"");
    expect("\"next_states\":\"\"");
    REFUSED("--as " UNIT " case move %llu --to rectifying", (unsigned long long)id);
    expect("may move to -,");
    exits(1, "--as " UNIT " case reopen %llu --deadline 2099-12-31",
          (unsigned long long)id); /* no reason */
    exits(1, "--as " UNIT " case reopen %llu --reason 原处又搭", (unsigned long long)id);
    REFUSED("--as " UNIT " case reopen %llu --reason 原处又搭 --deadline 2021-06-01",
            (unsigned long long)id);
    expect("before the reopening");
    OK("--as " UNIT " --json case reopen %llu --reason 原处又搭 --deadline 2099-06-30",
       (unsigned long long)id);
    expect("\"state\":\"rectifying\"");
    expect("\"rework\":2");
    expect("\"deadline\":\"2099-06-30\"");
    OK("--as " UNIT " case show %llu", (unsigned long long)id);
    expect("reopened");
    expect("verified");

    /* closed more than 90 days before the reopening: too late */
    uint64_t old = open_case("--at 2021-03-01T09:00");
    const char *steps[] = {"--to investigating --at 2021-03-02T09:00",
                           "--to decided --penalty warning --at 2021-03-03T09:00",
                           "--to rectifying --at 2021-03-04T09:00", NULL};
    for (int i = 0; steps[i] != NULL; i++)
        OK("--as " UNIT " case move %llu %s", (unsigned long long)old, steps[i]);
    OK("--as " UNIT " case verify %llu --officer %llu --passed "
       "--at 2021-03-05T09:00",
       (unsigned long long)old, (unsigned long long)officer);
    OK("--as " UNIT " case move %llu --to closed --at 2021-03-06T09:00", (unsigned long long)old);
    REFUSED("--as " UNIT " case reopen %llu --reason 又搭了 --deadline 2099-12-31",
            (unsigned long long)old);
    expect("90 days");
    expect_state(old, "closed", 6);
}

/* Two officers at once with the version they saw: one wins, the other is
 * refused; the case moved once. */
static void test_concurrent_moves(void **state)
{
    uint64_t id = open_case("");
    char cmd[2][512];
    for (int i = 0; i < 2; i++)
        snprintf(cmd[i], sizeof cmd[i], "--as %s case move %llu --to %s --version 1 %s",
                 i == 0 ? UNIT : "hq", (unsigned long long)id,
                 i == 0 ? "investigating" : "transferred", i == 0 ? "" : "--department 规划局");
    int ok = 0, refused = 0;
    for (int i = 0; i < 2; i++) {
        int rc = cg_test_cli_lang(&server, "C", 1, cmd[i], out, sizeof out);
        if (rc == 0)
            ok++;
        else if (rc == 2 && strstr(out, "version") != NULL)
            refused++;
    }
    assert_int_equal(ok, 1);
    assert_int_equal(refused, 1);
    expect_state(id, "investigating", 2);
}

static void test_list_and_stats(void **state)
{
    setup_compound();
    OK("--as hq --json case list --state closed --unit " UNIT);
    expect("\"state\":\"closed\"");
    assert_null(strstr(out, "\"state\":\"registered\""));
    OK("--as hq --json case list --illegal-construction");
    expect("\"illegal_construction\":true");
    assert_null(strstr(out, "\"illegal_construction\":false"));
    OK("--as hq --json case list --overdue");
    assert_null(strstr(out, "\"overdue\":false"));
    OK("--as hq --json case list --from 2021-03-01 --to 2021-03-01");
    expect("\"registered_at\":\"2021-03-01T09:00:00.000+08:00\"");
    OK("--as dawa --json case list");
    assert_int_equal(cg_test_json_id(out), 0);
    REFUSED("--as dawa case list --unit " UNIT);
    REFUSED("--as hq case list --state nowhere");

    /* March 2021: one case registered, decided with a warning, closed */
    OK("--as supervision --json case stats --from 2021-03-01 --to 2021-03-31");
    expect("\"unit\":\"" UNIT "\",\"category\":2");
    expect("\"opened\":1,\"closed\":1");
    OK("--as " UNIT " case stats --from 2021-03-01 --to 2021-03-31");
    REFUSED("--as hotline case stats --from 2021-03-01 --to 2021-03-31");
    REFUSED("--as hq case stats --from 2021-03-31 --to 2021-03-01");
}

int main(void)
{
    cg_test_server_init(&server, "cases", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_directly_and_show),
        cmocka_unit_test(test_open_from_report_links_both_ways),
        cmocka_unit_test(test_illegal_construction_on_reports_and_findings),
        cmocka_unit_test(test_workflow_refusals_and_penalty),
        cmocka_unit_test(test_verify_rework_close_reopen),
        cmocka_unit_test(test_concurrent_moves),
        cmocka_unit_test(test_list_and_stats),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
