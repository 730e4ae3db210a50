/*
 * Supervision orders (督办/催办, issue 11): supervision orders the unit of a
 * report or a case to act by a deadline; the unit, its leaders and the
 * report's grid officer get order.issued, nobody else; the order shows in the
 * record's timeline; the unit or its officer answers it once
 * (order.answered); open orders past their deadline are listed as overdue.
 * Roles, scope, bad input and retries are refused or answered as the first
 * time, with nothing half-written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#include "chengguan/v1/accounts.pb-c.h"
#include "chengguan/v1/orders.pb-c.h"
#include "chengguan/v1/reports.pb-c.h"

static cg_test_server server;
static char out[1 << 16];

static uint64_t dawa_compound, dawa_officer, xlt_compound, xlt_officer;

static void add_account(const char *name, const char *role, const char *unit, uint64_t officer)
{
    char subject[128];
    snprintf(subject, sizeof subject, "CN=%s,O=chengguan dev", name);
    cg_test_issue_cert(&server, name);
    Chengguan__V1__Account acc = CHENGGUAN__V1__ACCOUNT__INIT;
    acc.name = (char *)name;
    acc.role = (char *)role;
    acc.unit = (char *)unit;
    acc.officer_id = officer;
    acc.cert_subject = subject;
    Chengguan__V1__AccountAdd req = CHENGGUAN__V1__ACCOUNT_ADD__INIT;
    req.account = &acc;
    cg_message_free(cg_test_call(&server, "hq", &req.base, 0, NULL));
}

static void setup(void)
{
    static int done;
    if (done++)
        return;
    dawa_compound = cg_test_make_compound(&server, "hq", "dawa", "大洼督办小区", "property-demo",
                                          "2021-02-01", &dawa_officer);
    xlt_compound = cg_test_make_compound(&server, "hq", "xinglongtai", "兴隆台督办小区",
                                         "property-demo", "2021-02-01", &xlt_officer);
    add_account("ord-ofc-dawa", "officer", "", dawa_officer);
    add_account("ord-lead-dawa", "unit_leader", "dawa", 0);
    add_account("ord-ofc-xlt", "officer", "", xlt_officer);
    add_account("ord-lead-xlt", "unit_leader", "xinglongtai", 0);
}

/* OrderIssue as account; returns the order (free it) or NULL when refused. */
static Chengguan__V1__Order *issue(const char *as, uint64_t report, uint64_t case_id,
                                   const char *text, const char *deadline, int want,
                                   const char *want_field)
{
    Chengguan__V1__Order o = CHENGGUAN__V1__ORDER__INIT;
    o.report_id = report;
    o.case_id = case_id;
    o.text = (char *)text;
    o.deadline = (char *)deadline;
    Chengguan__V1__OrderIssue req = CHENGGUAN__V1__ORDER_ISSUE__INIT;
    req.order = &o;
    return (Chengguan__V1__Order *)cg_test_call(&server, as, &req.base, want, want_field);
}

static Chengguan__V1__Order *answer(const char *as, uint64_t id, const char *text, int want,
                                    const char *want_field)
{
    Chengguan__V1__OrderAnswer req = CHENGGUAN__V1__ORDER_ANSWER__INIT;
    req.id = id;
    req.answer = (char *)text;
    return (Chengguan__V1__Order *)cg_test_call(&server, as, &req.base, want, want_field);
}

/* The number of orders in the database (nothing half-written). */
static int orders_are(int n)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT 1/(count(*) = %d)::int FROM supervision_orders", n);
    return cg_test_sql(&server, sql) == 0;
}

static int order_count(void)
{
    for (int n = 0; n < 1000; n++)
        if (orders_are(n))
            return n;
    return -1;
}

/* The order events of order id in s's stream over up to timeout_ms, as
 * kinds in order into buf; stops after stop_kind. Subscribed from the head. */
static const char *order_events(cg_test_raw *s, uint64_t id, const char *stop_kind, int timeout_ms,
                                char *buf, size_t len)
{
    buf[0] = '\0';
    long long deadline = cg_test_now_ms() + timeout_ms;
    while (cg_test_now_ms() < deadline) {
        cg_envelope *env = cg_test_raw_recv(s, (int)(deadline - cg_test_now_ms()));
        if (env == NULL)
            break;
        assert_int_equal(env->body_case, CHENGGUAN__V1__ENVELOPE__BODY_EVENT);
        const Chengguan__V1__Event *e = env->event;
        int stop = 0;
        if (e->order != NULL && e->order->id == id) {
            size_t n = strlen(buf);
            snprintf(buf + n, len - n, "%s%s", n ? " " : "", e->kind);
            stop = stop_kind != NULL && strcmp(e->kind, stop_kind) == 0;
        }
        cg_envelope_free(env, NULL);
        if (stop)
            break;
    }
    return buf;
}

static void subscribe(cg_test_raw *s, const char *account)
{
    cg_test_raw_open_as(s, &server, account);
    assert_true(cg_test_raw_hello(s));
    assert_true(cg_test_raw_subscribe(s, 0, 1));
}

/* An order on a report reaches the unit, its leaders and the grid officer;
 * not the property company that filed it, nor another unit's people; the
 * officer answers; both steps are in the report's timeline. */
static void test_order_on_report(void **state)
{
    setup();
    enum { UNIT, LEAD, OFC, SUP, PROP, OTHER_OFC, OTHER_LEAD, N };
    static const char *const who[N] = {"dawa",        "ord-lead-dawa", "ord-ofc-dawa",
                                       "supervision", "property-demo", "ord-ofc-xlt",
                                       "ord-lead-xlt"};
    cg_test_raw subs[N];
    for (int i = 0; i < N; i++)
        subscribe(&subs[i], who[i]);
    uint64_t report = cg_test_file_report(cg_test_as(&server, "property-demo"), dawa_compound, 4,
                                          "楼道堆放杂物，劝阻无效", NULL);
    Chengguan__V1__Order *o =
        issue("supervision", report, 0, "请三日内核实处置并报告", "2099-12-31", 0, NULL);
    assert_non_null(o);
    uint64_t id = o->id;
    assert_int_equal(o->report_id, report);
    assert_string_equal(o->unit, "dawa");
    assert_int_equal(o->compound_id, dawa_compound);
    assert_true(o->open);
    assert_false(o->overdue);
    assert_string_equal(o->issued_by, "supervision");
    cg_message_free(&o->base);

    o = answer("ord-ofc-dawa", id, "已责令清理，现场已恢复", 0, NULL);
    assert_non_null(o);
    assert_false(o->open);
    assert_string_equal(o->answered_by, "ord-ofc-dawa");
    cg_message_free(&o->base);

    char buf[256];
    for (int i = UNIT; i <= SUP; i++)
        assert_string_equal(order_events(&subs[i], id, "order.answered", 10000, buf, sizeof buf),
                            "order.issued order.answered");
    for (int i = PROP; i < N; i++)
        assert_string_equal(order_events(&subs[i], id, NULL, 1000, buf, sizeof buf), "");
    for (int i = 0; i < N; i++)
        cg_test_raw_close(&subs[i]);

    /* the timeline: for the unit, not for the property company */
    assert_int_equal(cg_test_clif(&server, out, sizeof out, "--as dawa --json report show %llu",
                                  (unsigned long long)report),
                     0);
    assert_non_null(strstr(out, "\"kind\":\"order\""));
    assert_non_null(strstr(out, "请三日内核实处置并报告"));
    assert_non_null(strstr(out, "\"kind\":\"order_answered\""));
    assert_non_null(strstr(out, "已责令清理"));
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as property-demo --json report show %llu",
                                  (unsigned long long)report),
                     0);
    assert_null(strstr(out, "\"order"));
    assert_null(strstr(out, "请三日内核实处置并报告"));
    (void)state;
}

/* An order on a case, through the CLI; in the case's timeline; answered
 * by the unit; a second answer is refused. */
static void test_order_on_case(void **state)
{
    setup();
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as dawa --json case open --compound %llu --category 2 "
                                  "--source patrol --summary 屋顶违法搭建 --illegal-construction",
                                  (unsigned long long)dawa_compound),
                     0);
    unsigned long long case_id = cg_test_json_id(out);
    assert_true(case_id > 0);
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as supervision --json order issue --case %llu --text "
                                  "限期拆除违法搭建 --deadline 2099-01-31",
                                  case_id),
                     0);
    unsigned long long id = cg_test_json_id(out);
    assert_true(id > 0);
    assert_non_null(strstr(out, "\"case_id\":"));
    assert_int_equal(
        cg_test_clif(&server, out, sizeof out, "--as ord-lead-dawa --json case show %llu", case_id),
        0);
    assert_non_null(strstr(out, "限期拆除违法搭建"));
    /* leaders read, they do not answer; another unit does not see it */
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as ord-lead-dawa order answer %llu --answer x", id),
                     2);
    assert_null(answer("xinglongtai", id, "x", CG_ENOT_FOUND, "id"));
    assert_null(answer("ord-ofc-xlt", id, "x", CG_ENOT_FOUND, "id"));
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as dawa --json order answer %llu --answer 已拆除", id),
                     0);
    assert_non_null(strstr(out, "\"answered_by\":\"dawa\""));
    Chengguan__V1__Order *o = answer("ord-ofc-dawa", id, "again", CG_EFAILED_PRECONDITION, "id");
    assert_null(o);
    /* the answer stands */
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as supervision --json order list --case %llu", case_id),
                     0);
    assert_non_null(strstr(out, "已拆除"));
    assert_null(strstr(out, "again"));
    (void)state;
}

static void test_refusals(void **state)
{
    setup();
    uint64_t report = cg_test_file_report(cg_test_as(&server, "property-demo"), xlt_compound, 3,
                                          "私拉电线", NULL);
    int before = order_count();
    /* roles: only supervision issues */
    static const char *const not_issuers[] = {
        "hq", "dawa", "hotline", "property-demo", "ord-ofc-dawa", "ord-lead-dawa"};
    for (size_t i = 0; i < sizeof not_issuers / sizeof not_issuers[0]; i++)
        assert_null(
            issue(not_issuers[i], report, 0, "x", "2099-01-01", CG_EPERMISSION_DENIED, NULL));
    /* bad input */
    assert_null(issue("supervision", 0, 0, "x", "2099-01-01", CG_EINVALID_ARGUMENT, "report_id"));
    assert_null(
        issue("supervision", report, 1, "x", "2099-01-01", CG_EINVALID_ARGUMENT, "report_id"));
    assert_null(issue("supervision", report, 0, "", "2099-01-01", CG_EINVALID_ARGUMENT, "text"));
    assert_null(issue("supervision", report, 0, "x", "", CG_EINVALID_ARGUMENT, "deadline"));
    assert_null(
        issue("supervision", report, 0, "x", "2099-02-30", CG_EINVALID_ARGUMENT, "deadline"));
    assert_null(issue("supervision", report, 0, "x", "tomorrow", CG_EINVALID_ARGUMENT, "deadline"));
    assert_null(
        issue("supervision", report, 0, "x", "2021-03-01", CG_EINVALID_ARGUMENT, "deadline"));
    char big[2100];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_null(issue("supervision", report, 0, big, "2099-01-01", CG_EINVALID_ARGUMENT, "text"));
    assert_null(issue("supervision", 999999, 0, "x", "2099-01-01", CG_ENOT_FOUND, "id"));
    assert_null(issue("supervision", 0, 999999, "x", "2099-01-01", CG_ENOT_FOUND, "id"));
    assert_int_equal(order_count(), before);

    /* answers: roles, bad input, unknown */
    Chengguan__V1__Order *o = issue("supervision", report, 0, "核实", "2099-01-01", 0, NULL);
    uint64_t id = o->id;
    cg_message_free(&o->base);
    assert_null(answer("supervision", id, "x", CG_EPERMISSION_DENIED, NULL));
    assert_null(answer("hq", id, "x", CG_EPERMISSION_DENIED, NULL));
    assert_null(answer("property-demo", id, "x", CG_EPERMISSION_DENIED, NULL));
    assert_null(answer("ord-lead-xlt", id, "x", CG_EPERMISSION_DENIED, NULL));
    assert_null(answer("xinglongtai", id, "", CG_EINVALID_ARGUMENT, "answer"));
    assert_null(answer("xinglongtai", 0, "x", CG_EINVALID_ARGUMENT, "id"));
    assert_null(answer("xinglongtai", 999999, "x", CG_ENOT_FOUND, "id"));
    assert_int_equal(cg_test_sql(&server, "SELECT 1/(count(*) = 0)::int FROM supervision_orders "
                                          "WHERE answered_at IS NOT NULL AND answer = 'x'"),
                     0);
    /* lists: the property company and the hotline read none; a unit's
     * people only their unit's */
    assert_int_equal(cg_test_cli(&server, "--as property-demo order list", out, sizeof out), 2);
    assert_int_equal(
        cg_test_cli(&server, "--as ord-ofc-dawa order list --unit xinglongtai", out, sizeof out),
        2);
    (void)state;
}

/* A retried issue or answer (same idempotency key) gets the first reply and
 * changes nothing. */
static void test_retries(void **state)
{
    setup();
    uint64_t report = cg_test_file_report(cg_test_as(&server, "property-demo"), dawa_compound, 5,
                                          "占用消防通道", NULL);
    int before = order_count();
    uint8_t key[16] = "order-retry-key1";
    Chengguan__V1__Order o = CHENGGUAN__V1__ORDER__INIT;
    o.report_id = report;
    o.text = "立即清理消防通道";
    o.deadline = "2099-06-01";
    Chengguan__V1__OrderIssue req = CHENGGUAN__V1__ORDER_ISSUE__INIT;
    req.idempotency_key.data = key;
    req.idempotency_key.len = sizeof key;
    req.order = &o;
    Chengguan__V1__Order *a =
        (Chengguan__V1__Order *)cg_test_call(&server, "supervision", &req.base, 0, NULL);
    Chengguan__V1__Order *b =
        (Chengguan__V1__Order *)cg_test_call(&server, "supervision", &req.base, 0, NULL);
    assert_int_equal(a->id, b->id);
    assert_int_equal(order_count(), before + 1);
    /* the same key with another request is refused */
    o.text = "别的";
    assert_null(
        cg_test_call(&server, "supervision", &req.base, CG_EINVALID_ARGUMENT, "idempotency_key"));

    uint8_t akey[16] = "answer-retry-key";
    Chengguan__V1__OrderAnswer ans = CHENGGUAN__V1__ORDER_ANSWER__INIT;
    ans.idempotency_key.data = akey;
    ans.idempotency_key.len = sizeof akey;
    ans.id = a->id;
    ans.answer = "已清理";
    Chengguan__V1__Order *c =
        (Chengguan__V1__Order *)cg_test_call(&server, "dawa", &ans.base, 0, NULL);
    Chengguan__V1__Order *d =
        (Chengguan__V1__Order *)cg_test_call(&server, "dawa", &ans.base, 0, NULL);
    assert_string_equal(c->answered_at, d->answered_at);
    cg_message_free(&a->base);
    cg_message_free(&b->base);
    cg_message_free(&c->base);
    cg_message_free(&d->base);
    (void)state;
}

/* Open orders past their deadline are overdue: listed with --overdue until
 * answered; --open lists every unanswered one. */
static void test_overdue(void **state)
{
    setup();
    uint64_t report = cg_test_file_report(cg_test_as(&server, "property-demo"), xlt_compound, 6,
                                          "毁坏绿地", NULL);
    char sql[512];
    /* an order issued long ago, whose deadline has passed (paper records) */
    snprintf(sql, sizeof sql,
             "INSERT INTO supervision_orders (report_id, unit_code, compound_id, text, deadline, "
             "issued_at, issued_by) VALUES (%llu, 'xinglongtai', %llu, '逾期未答复的督办', "
             "'2021-03-05', '2021-03-01', 'supervision')",
             (unsigned long long)report, (unsigned long long)xlt_compound);
    assert_int_equal(cg_test_sql(&server, sql), 0);
    Chengguan__V1__Order *o =
        issue("supervision", report, 0, "未到期的督办", "2099-01-01", 0, NULL);
    cg_message_free(&o->base);

    assert_int_equal(
        cg_test_cli(&server, "--as supervision --json order list --overdue", out, sizeof out), 0);
    assert_non_null(strstr(out, "逾期未答复的督办"));
    assert_null(strstr(out, "未到期的督办"));
    assert_non_null(strstr(out, "\"overdue\":true"));
    assert_int_equal(
        cg_test_cli(&server, "--as ord-lead-xlt --json order list --open", out, sizeof out), 0);
    assert_non_null(strstr(out, "逾期未答复的督办"));
    assert_non_null(strstr(out, "未到期的督办"));
    /* not another unit's */
    assert_int_equal(
        cg_test_cli(&server, "--as ord-lead-dawa --json order list --open", out, sizeof out), 0);
    assert_null(strstr(out, "逾期未答复的督办"));
    /* answered: no longer overdue */
    assert_int_equal(cg_test_sql(&server, "UPDATE supervision_orders SET answer = '已处理', "
                                          "answered_at = now(), answered_by = 'xinglongtai' "
                                          "WHERE text = '逾期未答复的督办'"),
                     0);
    assert_int_equal(
        cg_test_cli(&server, "--as supervision --json order list --overdue", out, sizeof out), 0);
    assert_null(strstr(out, "逾期未答复的督办"));
    /* the text table under zh_CN */
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 0,
                                      "--as supervision order list --open", out, sizeof out),
                     0);
    assert_non_null(strstr(out, "未到期的督办"));
    (void)state;
}

int main(void)
{
    cg_test_server_init(&server, "orders", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_on_report), cmocka_unit_test(test_order_on_case),
        cmocka_unit_test(test_refusals),        cmocka_unit_test(test_retries),
        cmocka_unit_test(test_overdue),
    };
    return CG_TEST_RUN(&server, "ack_timeout = 1h\n", tests);
}
