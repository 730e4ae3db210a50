/*
 * The people in the loop (issue 11): accounts added and disabled by hq
 * (officer accounts bound to an officer of their unit, unit leaders), what
 * an officer account may see, and who gets which event: a report on a
 * compound goes to its grid officer's account, level-1 escalations to the
 * unit's leaders, nothing to another unit's officer.
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
#include "chengguan/v1/ledger.pb-c.h"
#include "chengguan/v1/orders.pb-c.h"
#include "chengguan/v1/patrol.pb-c.h"
#include "chengguan/v1/reports.pb-c.h"
#include "chengguan/v1/system.pb-c.h"

#define SETTINGS "ack_timeout = 1s\nsupervision_timeout = 30s\n"

static cg_test_server server;
static char out[1 << 16];

/* The officers (and their compounds) the accounts below are bound to. */
static uint64_t dawa_compound, dawa_officer, xlt_compound, xlt_officer;

/* AccountAdd as hq; want the outcome (and field) given. */
static void add_account(const char *as, const char *name, const char *role, const char *unit,
                        uint64_t officer, int want, const char *want_field)
{
    char subject[128];
    snprintf(subject, sizeof subject, "CN=%s,O=chengguan dev", name);
    Chengguan__V1__Account acc = CHENGGUAN__V1__ACCOUNT__INIT;
    acc.name = (char *)name;
    acc.role = (char *)role;
    acc.unit = (char *)unit;
    acc.officer_id = officer;
    acc.cert_subject = subject;
    Chengguan__V1__AccountAdd req = CHENGGUAN__V1__ACCOUNT_ADD__INIT;
    req.account = &acc;
    cg_message_free(cg_test_call(&server, as, &req.base, want, want_field));
}

static void get_compound(const char *as, uint64_t id, int want)
{
    Chengguan__V1__CompoundGet get = CHENGGUAN__V1__COMPOUND_GET__INIT;
    get.id = id;
    cg_message_free(cg_test_call(&server, as, &get.base, want, NULL));
}

static void setup_people(void)
{
    static int done;
    if (done++)
        return;
    dawa_compound = cg_test_make_compound(&server, "hq", "dawa", "大洼网格小区", "property-demo",
                                          "2021-02-01", &dawa_officer);
    xlt_compound = cg_test_make_compound(&server, "hq", "xinglongtai", "兴隆台网格小区",
                                         "property-demo", "2021-02-01", &xlt_officer);
    cg_test_issue_cert(&server, "ppl-ofc-dawa");
    cg_test_issue_cert(&server, "ppl-lead-dawa");
    cg_test_issue_cert(&server, "ppl-ofc-xlt");
    cg_test_issue_cert(&server, "ppl-temp");
    /* the officer account takes its officer's unit */
    add_account("hq", "ppl-ofc-dawa", "officer", "", dawa_officer, 0, NULL);
    add_account("hq", "ppl-lead-dawa", "unit_leader", "大洼分局", 0, 0, NULL);
    add_account("hq", "ppl-ofc-xlt", "officer", "xinglongtai", xlt_officer, 0, NULL);
}

/* --- accounts -------------------------------------------------------------- */

static void test_hq_adds_accounts(void **state)
{
    setup_people();
    cg_client *c = cg_test_as(&server, "ppl-ofc-dawa");
    const cg_welcome *w = cg_client_welcome(c);
    assert_string_equal(w->role, "officer");
    assert_string_equal(w->unit, "dawa");
    assert_string_equal(cg_client_welcome(cg_test_as(&server, "ppl-lead-dawa"))->role,
                        "unit_leader");

    /* the CLI lists them, with the officer's name */
    assert_int_equal(
        cg_test_cli(&server, "--as hq --json account list --role officer", out, sizeof out), 0);
    assert_non_null(strstr(out, "\"ppl-ofc-dawa\""));
    assert_non_null(strstr(out, "\"ppl-ofc-xlt\""));
    assert_null(strstr(out, "ppl-lead-dawa"));
    assert_non_null(strstr(out, "\"officer_id\":"));
}

static void test_account_add_refusals(void **state)
{
    setup_people();
    /* a role that may not */
    add_account("dawa", "ppl-x", "officer", "", dawa_officer, CG_EPERMISSION_DENIED, NULL);
    add_account("supervision", "ppl-x", "unit_leader", "dawa", 0, CG_EPERMISSION_DENIED, NULL);
    add_account("ppl-ofc-dawa", "ppl-x", "unit_leader", "dawa", 0, CG_EPERMISSION_DENIED, NULL);
    /* bad input */
    add_account("hq", "ppl-x", "boss", "dawa", 0, CG_EINVALID_ARGUMENT, "role");
    add_account("hq", "Ppl X", "unit_leader", "dawa", 0, CG_EINVALID_ARGUMENT, "name");
    add_account("hq", "ppl-x", "unit_leader", "", 0, CG_EINVALID_ARGUMENT, "unit");
    add_account("hq", "ppl-x", "unit_leader", "nowhere", 0, CG_EINVALID_ARGUMENT, "unit");
    add_account("hq", "ppl-x", "officer", "", 0, CG_EINVALID_ARGUMENT, "officer_id");
    add_account("hq", "ppl-x", "officer", "", 999999, CG_ENOT_FOUND, "officer_id");
    add_account("hq", "ppl-x", "unit_leader", "dawa", dawa_officer, CG_EINVALID_ARGUMENT,
                "officer_id");
    add_account("hq", "ppl-x", "property", "dawa", 0, CG_EINVALID_ARGUMENT, "unit");
    /* another unit's officer */
    add_account("hq", "ppl-x", "officer", "xinglongtai", dawa_officer, CG_EINVALID_ARGUMENT,
                "officer_id");
    /* taken: the name, the officer, the certificate subject */
    add_account("hq", "ppl-ofc-dawa", "unit_leader", "dawa", 0, CG_EALREADY_EXISTS, "name");
    add_account("hq", "ppl-x", "officer", "", dawa_officer, CG_EALREADY_EXISTS, "officer_id");
    Chengguan__V1__Account acc = CHENGGUAN__V1__ACCOUNT__INIT;
    acc.name = "ppl-x";
    acc.role = "unit_leader";
    acc.unit = "dawa";
    acc.cert_subject = "CN=dawa,O=chengguan dev";
    Chengguan__V1__AccountAdd req = CHENGGUAN__V1__ACCOUNT_ADD__INIT;
    req.account = &acc;
    assert_null(cg_test_call(&server, "hq", &req.base, CG_EALREADY_EXISTS, "cert_subject"));
    acc.cert_subject = "hello";
    assert_null(cg_test_call(&server, "hq", &req.base, CG_EINVALID_ARGUMENT, "cert_subject"));
    acc.cert_subject = "CN=ppl-x,O=chengguan dev";
    acc.cert_fingerprint = "abc";
    assert_null(cg_test_call(&server, "hq", &req.base, CG_EINVALID_ARGUMENT, "cert_fingerprint"));
    /* nothing of it was stored */
    assert_int_equal(cg_test_sql(&server, "SELECT 1/(1 - count(*))::int FROM accounts "
                                          "WHERE name = 'ppl-x'"),
                     0);
}

static void test_officer_sees_its_unit_and_changes_nothing(void **state)
{
    setup_people();
    get_compound("ppl-ofc-dawa", dawa_compound, 0);
    get_compound("ppl-lead-dawa", dawa_compound, 0);
    /* another unit's compound does not exist for them */
    get_compound("ppl-ofc-dawa", xlt_compound, CG_ENOT_FOUND);
    get_compound("ppl-lead-dawa", xlt_compound, CG_ENOT_FOUND);
    /* their unit's list only; naming another unit is out of scope */
    Chengguan__V1__CompoundList list = CHENGGUAN__V1__COMPOUND_LIST__INIT;
    Chengguan__V1__CompoundListReply *r = (Chengguan__V1__CompoundListReply *)cg_test_call(
        &server, "ppl-ofc-dawa", &list.base, 0, NULL);
    assert_int_equal(r->n_compounds, 1);
    assert_int_equal(r->compounds[0]->id, dawa_compound);
    cg_message_free(&r->base);
    list.unit = "xinglongtai";
    assert_null(cg_test_call(&server, "ppl-ofc-dawa", &list.base, CG_EPERMISSION_DENIED, "unit"));
    /* no changes, no account management */
    Chengguan__V1__CompoundClose close = CHENGGUAN__V1__COMPOUND_CLOSE__INIT;
    close.id = dawa_compound;
    close.date = "2021-06-30";
    assert_null(cg_test_call(&server, "ppl-ofc-dawa", &close.base, CG_EPERMISSION_DENIED, NULL));
    Chengguan__V1__AccountList al = CHENGGUAN__V1__ACCOUNT_LIST__INIT;
    assert_null(cg_test_call(&server, "ppl-lead-dawa", &al.base, CG_EPERMISSION_DENIED, NULL));
}

/* Officers open and move their unit's cases; leaders read them and the
 * counts; neither reaches another unit's. */
static void test_officers_handle_cases_leaders_read_them(void **state)
{
    setup_people();
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as ppl-ofc-dawa --json case open --compound %llu --category 4 "
                                  "--source patrol --summary 楼道堆放杂物",
                                  (unsigned long long)dawa_compound),
                     0);
    unsigned long long id = cg_test_json_id(out);
    assert_true(id > 0);
    assert_int_equal(
        cg_test_clif(&server, out, sizeof out, "--as ppl-lead-dawa --json case show %llu", id), 0);
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as ppl-lead-dawa case move %llu --to investigating", id),
                     2); /* leaders read */
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as ppl-ofc-dawa --json case move %llu --to investigating", id),
                     0);
    assert_non_null(strstr(out, "\"state\":\"investigating\""));
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as ppl-lead-dawa --json case stats --from 2026-01-01 --to "
                                  "2026-11-30"),
                     0);
    /* another unit's officer: the case does not exist; nor may it open one here */
    assert_int_equal(cg_test_clif(&server, out, sizeof out, "--as ppl-ofc-xlt case show %llu", id),
                     2);
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as ppl-ofc-xlt case open --compound %llu --category 4 "
                                  "--source patrol --summary x",
                                  (unsigned long long)dawa_compound),
                     2);
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as ppl-lead-dawa case open --compound %llu --category 4 "
                                  "--source patrol --summary x",
                                  (unsigned long long)dawa_compound),
                     2);
    (void)state;
}

static void test_disable_account(void **state)
{
    setup_people();
    add_account("hq", "ppl-temp", "unit_leader", "dawa", 0, 0, NULL);
    cg_client_free(cg_test_connect(&server, "ppl-temp")); /* connects while enabled */
    /* bad input and refusals first */
    assert_int_equal(cg_test_cli(&server, "--as hq account disable ppl-temp", NULL, 0), 1);
    Chengguan__V1__AccountDisable d = CHENGGUAN__V1__ACCOUNT_DISABLE__INIT;
    d.name = "ppl-temp";
    d.reason = "";
    assert_null(cg_test_call(&server, "hq", &d.base, CG_EINVALID_ARGUMENT, "reason"));
    d.reason = "调离";
    assert_null(cg_test_call(&server, "dawa", &d.base, CG_EPERMISSION_DENIED, NULL));
    d.name = "hq";
    assert_null(cg_test_call(&server, "hq", &d.base, CG_EFAILED_PRECONDITION, "name"));
    d.name = "nobody-here";
    assert_null(cg_test_call(&server, "hq", &d.base, CG_ENOT_FOUND, "name"));

    assert_int_equal(cg_test_cli(&server,
                                 "--as hq --json account disable ppl-temp --reason 调离大洼分局",
                                 out, sizeof out),
                     0);
    assert_non_null(strstr(out, "\"disabled_by\":\"hq\""));
    assert_non_null(strstr(out, "调离大洼分局"));
    d.name = "ppl-temp";
    assert_null(cg_test_call(&server, "hq", &d.base, CG_EFAILED_PRECONDITION, "name"));
    /* it can no longer connect; listed only with --all */
    cg_client_options o = cg_test_options(&server, "ppl-temp");
    cg_client *c = NULL;
    assert_int_equal(cg_client_connect(&c, &o), CG_EPERMISSION_DENIED);
    cg_client_free(c);
    assert_int_equal(cg_test_cli(&server, "--as hq --json account list", out, sizeof out), 0);
    assert_null(strstr(out, "ppl-temp"));
    assert_int_equal(cg_test_cli(&server, "--as hq --json account list --all", out, sizeof out), 0);
    assert_non_null(strstr(out, "ppl-temp"));
}

/* --- who gets which event ------------------------------------------------- */

typedef struct {
    cg_test_raw raw;
    uint64_t last_seq;
} subscriber;

/* Subscribes from the head (live events only) or, with catch_up, from the
 * first event (the catch-up from the database). */
static void subscribe(subscriber *s, const char *account, int catch_up)
{
    cg_test_raw_open_as(&s->raw, &server, account);
    assert_true(cg_test_raw_hello(&s->raw));
    assert_true(cg_test_raw_subscribe(&s->raw, 0, !catch_up));
    s->last_seq = 0;
}

/* The events of report in s's stream over up to timeout_ms, as "kind/level"
 * words in order into buf; stops early after the event stop_kind/stop_level. */
static const char *events_of(subscriber *s, uint64_t report, const char *stop_kind,
                             uint32_t stop_level, int timeout_ms, char *buf, size_t len)
{
    buf[0] = '\0';
    long long deadline = cg_test_now_ms() + timeout_ms;
    while (cg_test_now_ms() < deadline) {
        cg_envelope *env = cg_test_raw_recv(&s->raw, (int)(deadline - cg_test_now_ms()));
        if (env == NULL)
            break;
        assert_int_equal(env->body_case, CHENGGUAN__V1__ENVELOPE__BODY_EVENT);
        const Chengguan__V1__Event *e = env->event;
        assert_true(e->seq > s->last_seq);
        s->last_seq = e->seq;
        int stop = 0;
        if (e->report_id == report) {
            size_t n = strlen(buf);
            snprintf(buf + n, len - n, "%s%s/%u", n ? " " : "", e->kind, e->level);
            stop = stop_kind != NULL && strcmp(e->kind, stop_kind) == 0 && e->level == stop_level;
        }
        cg_envelope_free(env, NULL);
        if (stop)
            break;
    }
    return buf;
}

static void test_grid_officer_first_leaders_on_escalation(void **state)
{
    setup_people();
    subscriber ofc, lead, other, unit;
    subscribe(&ofc, "ppl-ofc-dawa", 0);
    subscribe(&lead, "ppl-lead-dawa", 0);
    subscribe(&other, "ppl-ofc-xlt", 0);
    subscribe(&unit, "dawa", 0);
    uint64_t report = cg_test_file_report(cg_test_as(&server, "property-demo"), dawa_compound, 4,
                                          "楼道堆放杂物，劝阻无效", NULL);
    char a[512], b[512];
    /* the grid officer gets the report as it is filed, then its escalation;
     * the leaders only the escalation (ack_timeout 1 s); the unit both */
    assert_string_equal(events_of(&ofc, report, "report.escalated", 1, 10000, a, sizeof a),
                        "report.filed/0 report.escalated/1");
    assert_string_equal(events_of(&lead, report, "report.escalated", 1, 10000, b, sizeof b),
                        "report.escalated/1");
    assert_string_equal(events_of(&unit, report, "report.escalated", 1, 10000, b, sizeof b),
                        "report.filed/0 report.escalated/1");
    /* another unit's officer: nothing */
    assert_string_equal(events_of(&other, report, NULL, 0, 1500, b, sizeof b), "");

    /* the catch-up from the database follows the same rule (SQL scope) */
    subscriber again;
    subscribe(&again, "ppl-lead-dawa", 1);
    assert_string_equal(events_of(&again, report, "report.escalated", 1, 5000, b, sizeof b),
                        "report.escalated/1");
    subscriber again_other;
    subscribe(&again_other, "ppl-ofc-xlt", 1);
    assert_string_equal(events_of(&again_other, report, NULL, 0, 1000, b, sizeof b), "");
    subscriber again_ofc;
    subscribe(&again_ofc, "ppl-ofc-dawa", 1);
    assert_string_equal(events_of(&again_ofc, report, "report.escalated", 1, 5000, b, sizeof b),
                        "report.filed/0 report.escalated/1");
    cg_test_raw_close(&ofc.raw);
    cg_test_raw_close(&lead.raw);
    cg_test_raw_close(&other.raw);
    cg_test_raw_close(&unit.raw);
    cg_test_raw_close(&again.raw);
    cg_test_raw_close(&again_other.raw);
    cg_test_raw_close(&again_ofc.raw);
}

/* --- the hotline's work orders ----------------------------------------------- */

static Chengguan__V1__ResidentRequest *hotline_request(const char *as, const char *work_order,
                                                       int want, const char *want_field)
{
    Chengguan__V1__ResidentRequest q = CHENGGUAN__V1__RESIDENT_REQUEST__INIT;
    q.compound_id = dawa_compound;
    q.channel = "hotline";
    q.kind = "problem";
    q.text = "楼下烧烤油烟扰民";
    q.contact = "张三/13812345678";
    q.work_order = (char *)work_order;
    Chengguan__V1__RequestAdd req = CHENGGUAN__V1__REQUEST_ADD__INIT;
    req.request = &q;
    return (Chengguan__V1__ResidentRequest *)cg_test_call(&server, as, &req.base, want, want_field);
}

static Chengguan__V1__Report *hotline_report(const char *as, const char *work_order, int want,
                                             const char *want_field)
{
    Chengguan__V1__Report r = CHENGGUAN__V1__REPORT__INIT;
    r.compound_id = dawa_compound;
    r.category = 4;
    r.text = "市民来电：楼道堆放杂物";
    r.work_order = (char *)work_order;
    Chengguan__V1__ReportSubmit req = CHENGGUAN__V1__REPORT_SUBMIT__INIT;
    req.report = &r;
    return (Chengguan__V1__Report *)cg_test_call(&server, as, &req.base, want, want_field);
}

/* Every event in s's stream over timeout_ms (or up to stop_kind), as kinds. */
static const char *kinds_of(cg_test_raw *s, const char *stop_kind, int timeout_ms, char *buf,
                            size_t len)
{
    buf[0] = '\0';
    long long deadline = cg_test_now_ms() + timeout_ms;
    while (cg_test_now_ms() < deadline) {
        cg_envelope *env = cg_test_raw_recv(s, (int)(deadline - cg_test_now_ms()));
        if (env == NULL)
            break;
        assert_int_equal(env->body_case, CHENGGUAN__V1__ENVELOPE__BODY_EVENT);
        size_t n = strlen(buf);
        snprintf(buf + n, len - n, "%s%s", n ? " " : "", env->event->kind);
        int stop = stop_kind != NULL && strcmp(env->event->kind, stop_kind) == 0;
        if (env->event->request != NULL) /* the contact masked */
            assert_null(strstr(env->event->request->contact, "12345678"));
        cg_envelope_free(env, NULL);
        if (stop)
            break;
    }
    return buf;
}

/* The hotline files requests and reports with its own work-order numbers
 * (unique, searchable) and receives on its stream the status changes of
 * what it filed, and nothing else: not its reports' filing, escalations or
 * reminders, not other reports, not supervision orders. */
static void test_hotline_work_orders(void **state)
{
    setup_people();
    cg_test_raw hot;
    cg_test_raw_open_as(&hot, &server, "hotline");
    assert_true(cg_test_raw_hello(&hot));
    assert_true(cg_test_raw_subscribe(&hot, 0, 1));

    Chengguan__V1__ResidentRequest *q = hotline_request("hotline", "GD-2026-0001", 0, NULL);
    uint64_t request = q->id;
    assert_string_equal(q->work_order, "GD-2026-0001");
    cg_message_free(&q->base);
    Chengguan__V1__Report *r = hotline_report("hotline", "GD-2026-0002", 0, NULL);
    uint64_t report = r->id;
    assert_string_equal(r->work_order, "GD-2026-0002");
    assert_false(r->attached);
    cg_message_free(&r->base);
    /* a second report of the same compound and category is its own (its
     * own work order), not joined */
    r = hotline_report("hotline", "GD-2026-0003", 0, NULL);
    assert_true(r->id != report);
    cg_message_free(&r->base);

    /* a retry (the same idempotency key) gets the first reply, not "taken" */
    uint8_t key[16] = "hotline-retry-01";
    Chengguan__V1__ResidentRequest rq = CHENGGUAN__V1__RESIDENT_REQUEST__INIT;
    rq.compound_id = dawa_compound;
    rq.channel = "hotline";
    rq.kind = "opinion";
    rq.text = "建议增设垃圾分类投放点";
    rq.work_order = "GD-2026-0004";
    Chengguan__V1__RequestAdd add = CHENGGUAN__V1__REQUEST_ADD__INIT;
    add.idempotency_key.data = key;
    add.idempotency_key.len = sizeof key;
    add.request = &rq;
    Chengguan__V1__ResidentRequest *first =
        (Chengguan__V1__ResidentRequest *)cg_test_call(&server, "hotline", &add.base, 0, NULL);
    Chengguan__V1__ResidentRequest *again =
        (Chengguan__V1__ResidentRequest *)cg_test_call(&server, "hotline", &add.base, 0, NULL);
    assert_int_equal(first->id, again->id);
    cg_message_free(&first->base);
    cg_message_free(&again->base);

    /* bad input: taken, too long, from another role */
    assert_null(hotline_request("hotline", "GD-2026-0001", CG_EALREADY_EXISTS, "work_order"));
    assert_null(hotline_report("hotline", "GD-2026-0002", CG_EALREADY_EXISTS, "work_order"));
    char big[70];
    memset(big, '9', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_null(hotline_request("hotline", big, CG_EINVALID_ARGUMENT, "work_order"));
    assert_null(hotline_request("dawa", "GD-2026-0009", CG_EINVALID_ARGUMENT, "work_order"));
    assert_null(
        hotline_report("property-demo", "GD-2026-0009", CG_EINVALID_ARGUMENT, "work_order"));
    assert_int_equal(cg_test_sql(&server, "SELECT 1/(count(*) = 0)::int FROM resident_requests "
                                          "WHERE work_order = 'GD-2026-0009'"),
                     0);

    /* searchable, by the hotline and by the unit */
    assert_int_equal(cg_test_cli(&server,
                                 "--as hotline --json request list --work-order GD-2026-0001", out,
                                 sizeof out),
                     0);
    assert_true(cg_test_json_id(out) == request);
    assert_int_equal(cg_test_cli(&server, "--as dawa --json report list --work-order GD-2026-0002",
                                 out, sizeof out),
                     0);
    assert_true(cg_test_json_id(out) == report);
    assert_null(strstr(out, "GD-2026-0003"));
    /* the hotline reads its own reports only */
    uint64_t other = cg_test_file_report(cg_test_as(&server, "property-demo"), dawa_compound, 5,
                                         "占用消防通道", NULL);
    Chengguan__V1__ReportGet get = CHENGGUAN__V1__REPORT_GET__INIT;
    get.id = other;
    assert_null(cg_test_call(&server, "hotline", &get.base, CG_ENOT_FOUND, "id"));
    get.id = report;
    cg_message_free(cg_test_call(&server, "hotline", &get.base, 0, NULL));
    assert_int_equal(cg_test_cli(&server, "--as hotline --json report list", out, sizeof out), 0);
    assert_null(strstr(out, "占用消防通道"));

    /* what happens to its items */
    Chengguan__V1__RequestAnswer ans = CHENGGUAN__V1__REQUEST_ANSWER__INIT;
    ans.id = request;
    ans.text = "已联系商户整改";
    cg_message_free(cg_test_call(&server, "dawa", &ans.base, 0, NULL));
    Chengguan__V1__RequestClose cl = CHENGGUAN__V1__REQUEST_CLOSE__INIT;
    cl.id = request;
    cg_message_free(cg_test_call(&server, "dawa", &cl.base, 0, NULL));
    Chengguan__V1__ReportAck ack = CHENGGUAN__V1__REPORT_ACK__INIT;
    ack.officer_id = dawa_officer;
    ack.id = other; /* not the hotline's */
    cg_message_free(cg_test_call(&server, "dawa", &ack.base, 0, NULL));
    ack.id = report;
    cg_message_free(cg_test_call(&server, "dawa", &ack.base, 0, NULL));
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as dawa --json case open --compound %llu --category 4 "
                                  "--source report --from-report %llu --summary 楼道堆放杂物",
                                  (unsigned long long)dawa_compound, (unsigned long long)report),
                     0);
    unsigned long long case_id = cg_test_json_id(out);
    assert_int_equal(cg_test_clif(&server, out, sizeof out,
                                  "--as dawa case move %llu --to investigating", case_id),
                     0);
    Chengguan__V1__OrderIssue oi = CHENGGUAN__V1__ORDER_ISSUE__INIT;
    Chengguan__V1__Order o = CHENGGUAN__V1__ORDER__INIT;
    o.report_id = report;
    o.text = "督办";
    o.deadline = "2099-01-01";
    oi.order = &o;
    cg_message_free(cg_test_call(&server, "supervision", &oi.base, 0, NULL));

    static const char want[] = "request.answered request.closed report.acknowledged case.opened "
                               "report.resolved case.moved";
    char buf[1024];
    assert_string_equal(kinds_of(&hot, NULL, 2500, buf, sizeof buf), want);
    cg_test_raw_close(&hot);
    /* the catch-up from the database: the same (SQL scope) */
    cg_test_raw_open_as(&hot, &server, "hotline");
    assert_true(cg_test_raw_hello(&hot));
    assert_true(cg_test_raw_subscribe(&hot, 0, 0));
    assert_string_equal(kinds_of(&hot, "case.moved", 5000, buf, sizeof buf), want);
    cg_test_raw_close(&hot);
    /* the case as the hotline reads it: its state */
    assert_int_equal(
        cg_test_clif(&server, out, sizeof out, "--as hotline --json case show %llu", case_id), 0);
    assert_non_null(strstr(out, "\"state\":\"investigating\""));
    (void)state;
}

int main(void)
{
    cg_test_server_init(&server, "people", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hq_adds_accounts),
        cmocka_unit_test(test_account_add_refusals),
        cmocka_unit_test(test_officer_sees_its_unit_and_changes_nothing),
        cmocka_unit_test(test_officers_handle_cases_leaders_read_them),
        cmocka_unit_test(test_disable_account),
        cmocka_unit_test(test_grid_officer_first_leaders_on_escalation),
        cmocka_unit_test(test_hotline_work_orders),
    };
    return CG_TEST_RUN(&server, SETTINGS, tests);
}
