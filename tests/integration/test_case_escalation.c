/*
 * The escalation of an overdue case against the real server (short timings:
 * supervision_timeout 2 s, remind_every 1 s): a case whose rectification
 * deadline was yesterday (back-dated with --at) is escalated at once to the
 * unit and its leaders (case.overdue level 1), then to supervision (level
 * 2), then reminded; once it is verified and closed, nothing more comes.
 */
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

#include "chengguan/v1/accounts.pb-c.h"
#include "chengguan/v1/reports.pb-c.h"

#define SETTINGS "supervision_timeout = 2s\nremind_every = 1s\n"
#define UNIT     "liaodongwan"
#define LEADER   "esc-lead"

static cg_test_server server;
static char out[1 << 16];

#define OK(...) cg_test_cli_exits(&server, 0, out, sizeof out, __VA_ARGS__)

static void expect(const char *s)
{
    if (strstr(out, s) == NULL)
        fail_msg("expected '%s' in:\n%s", s, out);
}

/* YYYY-MM-DD of Beijing's today + days. */
static void beijing_day(int days, char *buf, size_t len)
{
    time_t t = time(NULL) + 8 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d", &tm);
}

static void add_leader(void)
{
    cg_test_issue_cert(&server, LEADER);
    Chengguan__V1__Account acc = CHENGGUAN__V1__ACCOUNT__INIT;
    acc.name = LEADER;
    acc.role = "unit_leader";
    acc.unit = UNIT;
    acc.cert_subject = "CN=" LEADER ",O=chengguan dev";
    Chengguan__V1__AccountAdd req = CHENGGUAN__V1__ACCOUNT_ADD__INIT;
    req.account = &acc;
    cg_message_free(cg_test_call(&server, "hq", &req.base, 0, NULL));
}

static void subscribe(cg_test_raw *r, const char *account)
{
    cg_test_raw_open_as(r, &server, account);
    assert_true(cg_test_raw_hello(r));
    assert_true(cg_test_raw_subscribe(r, 0, 1));
}

/* The events of case id in r's stream over up to timeout_ms, as
 * "kind/level" words into buf: with until_reminder its escalation events
 * (case.overdue, case.reminder) up to the first reminder, else all. */
static const char *escalations(cg_test_raw *r, uint64_t id, int until_reminder, int timeout_ms,
                               char *buf, size_t len)
{
    buf[0] = '\0';
    long long deadline = cg_test_now_ms() + timeout_ms;
    while (cg_test_now_ms() < deadline) {
        cg_envelope *env = cg_test_raw_recv(r, (int)(deadline - cg_test_now_ms()));
        if (env == NULL)
            break;
        assert_int_equal(env->body_case, CHENGGUAN__V1__ENVELOPE__BODY_EVENT);
        const Chengguan__V1__Event *e = env->event;
        int stop = 0;
        int escalation =
            strcmp(e->kind, "case.overdue") == 0 || strcmp(e->kind, "case.reminder") == 0;
        if (e->case_id == id && (escalation || !until_reminder)) {
            size_t n = strlen(buf);
            snprintf(buf + n, len - n, "%s%s/%u", n ? " " : "", e->kind, e->level);
            stop = until_reminder && strcmp(e->kind, "case.reminder") == 0;
        }
        cg_envelope_free(env, NULL);
        if (stop)
            break;
    }
    return buf;
}

/* Over 3 s, r's last event of case id is its close. */
static void expect_closed_last(cg_test_raw *r, uint64_t id)
{
    char buf[1024];
    escalations(r, id, 0, 3000, buf, sizeof buf);
    const char *last = strrchr(buf, ' ');
    last = last ? last + 1 : buf;
    if (strcmp(last, "case.moved/0") != 0)
        fail_msg("events after the close of case %llu: %s", (unsigned long long)id, buf);
}

static void test_overdue_case_escalates_until_closed(void **state)
{
    uint64_t officer;
    uint64_t compound = cg_test_make_compound(&server, UNIT, UNIT, "督办小区", "property-demo",
                                              "2021-02-01", &officer);
    add_leader();
    cg_test_raw unit, lead, sup;
    subscribe(&unit, UNIT);
    subscribe(&lead, LEADER);
    subscribe(&sup, "supervision");

    char opened[32], decided[32], deadline[16], rectifying[32];
    beijing_day(-10, opened, sizeof opened);
    strcat(opened, "T09:00");
    beijing_day(-9, decided, sizeof decided);
    strcat(decided, "T09:00");
    beijing_day(-1, deadline, sizeof deadline);
    beijing_day(-8, rectifying, sizeof rectifying);
    strcat(rectifying, "T09:00");
    OK("--as " UNIT " --json case open --compound %llu --category 2 --source patrol "
       "--summary 占道经营 --at %s",
       (unsigned long long)compound, opened);
    uint64_t id = cg_test_json_id(out);
    OK("--as " UNIT " case move %llu --to investigating --at %s", (unsigned long long)id, opened);
    OK("--as " UNIT " case move %llu --to decided --penalty rectify --deadline %s --at %s",
       (unsigned long long)id, deadline, decided);
    OK("--as " UNIT " case move %llu --to rectifying --at %s", (unsigned long long)id, rectifying);

    /* level 1 at once, level 2 two seconds later, then a reminder a second
     * after that: the unit, its leader and supervision each see all three */
    char buf[512];
    const char *ladder = "case.overdue/1 case.overdue/2 case.reminder/1";
    assert_string_equal(escalations(&unit, id, 1, 15000, buf, sizeof buf), ladder);
    assert_string_equal(escalations(&lead, id, 1, 15000, buf, sizeof buf), ladder);
    assert_string_equal(escalations(&sup, id, 1, 15000, buf, sizeof buf), ladder);

    /* verified and closed: nothing after the close (case.moved), though
     * remind_every is 1 s */
    OK("--as " UNIT " case verify %llu --officer %llu --passed", (unsigned long long)id,
       (unsigned long long)officer);
    OK("--as " UNIT " --json case move %llu --to closed", (unsigned long long)id);
    expect_closed_last(&unit, id);
    expect_closed_last(&sup, id);

    /* the steps are in the case's timeline, the server's, in words */
    OK("--as " UNIT " --json case show %llu", (unsigned long long)id);
    expect("\"kind\":\"escalated\",");
    expect("\"level\":2");
    expect("\"kind\":\"reminder\",");
    char words[96];
    snprintf(words, sizeof words, "已超过整改期限 %s，升级至督查科", deadline);
    expect(words);
    char show[64];
    snprintf(show, sizeof show, "--as " UNIT " case show %llu", (unsigned long long)id);
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 0, show, out, sizeof out), 0);
    expect("升级至单位领导");
    expect("提醒");

    /* reopened with a new deadline: not overdue, and its ladder starts again
     * only when that deadline passes (end of today: nothing now) */
    char today[16];
    beijing_day(0, today, sizeof today);
    OK("--as " UNIT " --json case reopen %llu --reason 原处又占道 --deadline %s",
       (unsigned long long)id, today);
    expect("\"overdue\":false");
    escalations(&unit, id, 0, 3000, buf, sizeof buf);
    assert_string_equal(buf, "case.moved/0");
    OK("--as " UNIT " --json case show %llu", (unsigned long long)id);
    expect("\"kind\":\"escalated\","); /* the earlier ladder stays */

    cg_test_raw_close(&unit);
    cg_test_raw_close(&lead);
    cg_test_raw_close(&sup);
}

int main(void)
{
    cg_test_server_init(&server, "case_escalation", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overdue_case_escalates_until_closed),
    };
    return CG_TEST_RUN(&server, SETTINGS, tests);
}
