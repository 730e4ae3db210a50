/*
 * Weekly patrols and residents' requests through the library, against a
 * real server and database: the rules of a patrol record, scope, weekly duty
 * and compliance over known weeks, a patrol stored once although its
 * connection was cut after sending, masked contacts and answer deadlines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;

static ProtobufCMessage *call(const char *account, ProtobufCMessage *req, int want,
                              const char *want_field)
{
    return cg_test_call(&server, account, req, want, want_field);
}

static uint64_t make_compound(const char *unit, const char *name, const char *entered,
                              uint64_t *officer)
{
    return cg_test_make_compound(&server, unit, unit, name, NULL, entered, officer);
}

/* Local wall-clock "YYYY-MM-DDTHH:MM:SS+08:00" for now + offset seconds. */
static const char *local_time(long offset, char *buf, size_t len)
{
    time_t t = time(NULL) + offset + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
    return buf;
}

typedef struct {
    Chengguan__V1__PatrolSubmit req;
    Chengguan__V1__Patrol patrol;
    uint64_t officers[2];
    Chengguan__V1__Finding findings[2];
    Chengguan__V1__Finding *findingp[2];
} patrol_form;

static void form_init(patrol_form *f, uint64_t compound, uint64_t officer, const char *start,
                      const char *end)
{
    chengguan__v1__patrol_submit__init(&f->req);
    chengguan__v1__patrol__init(&f->patrol);
    f->patrol.compound_id = compound;
    f->officers[0] = officer;
    f->patrol.officer_ids = f->officers;
    f->patrol.n_officer_ids = 1;
    f->patrol.start = (char *)start;
    f->patrol.end = (char *)end;
    f->req.patrol = &f->patrol;
}

static void test_patrol_record_and_findings(void **state)
{
    uint64_t officer, second;
    uint64_t id = make_compound("xinglongtai", "巡查一号", "2021-02-01", &officer);
    (void)make_compound("xinglongtai", "巡查一号乙", "2021-02-01", &second);
    char start[40], end[40];
    patrol_form f;
    form_init(&f, id, officer, local_time(-3600, start, sizeof start),
              local_time(-600, end, sizeof end));
    f.officers[1] = second;
    f.patrol.n_officer_ids = 2;
    for (int i = 0; i < 2; i++) {
        chengguan__v1__finding__init(&f.findings[i]);
        f.findingp[i] = &f.findings[i];
    }
    f.findings[0].category = 5;
    f.findings[0].text = "占用消防通道停放车辆";
    f.findings[0].action = "stopped_on_site";
    f.findings[1].category = 2;
    f.findings[1].text = "楼顶违法搭建";
    f.findings[1].action = "case_needed";
    f.patrol.findings = f.findingp;
    f.patrol.n_findings = 2;
    f.patrol.note = "夜间巡查";
    Chengguan__V1__Patrol *p = (Chengguan__V1__Patrol *)call("xinglongtai", &f.req.base, 0, NULL);
    assert_true(p->id > 0);
    assert_int_equal(p->n_officer_names, 2);
    assert_string_equal(p->officer_names[0], "网格员");
    assert_int_equal(p->n_findings, 2);
    assert_true(p->findings[0]->id > 0 && p->findings[1]->id > 0);
    assert_true(p->findings[0]->id != p->findings[1]->id);
    assert_string_equal(p->findings[1]->text, "楼顶违法搭建");
    assert_int_equal(strlen(p->week), 8); /* "2026-W48" */
    assert_string_equal(p->unit, "xinglongtai");

    /* The finding ids are stable: reading the patrol again gives the same. */
    Chengguan__V1__PatrolGet get = CHENGGUAN__V1__PATROL_GET__INIT;
    get.id = p->id;
    Chengguan__V1__Patrol *again = (Chengguan__V1__Patrol *)call("hq", &get.base, 0, NULL);
    assert_int_equal(again->findings[0]->id, p->findings[0]->id);
    cg_message_free(&again->base);
    /* Another unit may not read it; supervision may, but not submit. */
    call("dawa", &get.base, CG_ENOT_FOUND, "id");
    cg_message_free(call("supervision", &get.base, 0, NULL));
    call("supervision", &f.req.base, CG_EPERMISSION_DENIED, NULL);
    call("dawa", &f.req.base, CG_ENOT_FOUND, "compound_id");
    cg_message_free(&p->base);
}

static void test_patrol_rules_name_the_field(void **state)
{
    uint64_t officer, other, not_entered_officer;
    uint64_t id = make_compound("shuangtaizi", "巡查规则", "2021-03-01", &officer);
    uint64_t fresh = make_compound("shuangtaizi", "未进驻", NULL, &not_entered_officer);
    (void)make_compound("dawa", "别的单位", "2021-03-01", &other);
    char a[40], b[40];
    patrol_form f;

    form_init(&f, id, officer, local_time(-600, a, sizeof a), local_time(-3600, b, sizeof b));
    call("shuangtaizi", &f.req.base, CG_EINVALID_ARGUMENT, "end"); /* ends before it starts */
    form_init(&f, id, officer, local_time(-600, a, sizeof a), local_time(3600, b, sizeof b));
    call("shuangtaizi", &f.req.base, CG_EINVALID_ARGUMENT, "end"); /* an hour in the future */
    form_init(&f, id, officer, local_time(-30 * 3600, a, sizeof a), local_time(-60, b, sizeof b));
    call("shuangtaizi", &f.req.base, CG_EINVALID_ARGUMENT, "end"); /* longer than 24 h */
    form_init(&f, id, officer, "yesterday", local_time(-60, b, sizeof b));
    call("shuangtaizi", &f.req.base, CG_EINVALID_ARGUMENT, "start");
    form_init(&f, fresh, not_entered_officer, local_time(-600, a, sizeof a),
              local_time(-60, b, sizeof b));
    call("shuangtaizi", &f.req.base, CG_EFAILED_PRECONDITION, "compound_id");
    form_init(&f, id, other, local_time(-600, a, sizeof a), local_time(-60, b, sizeof b));
    call("shuangtaizi", &f.req.base, CG_ENOT_FOUND, "officer_ids"); /* another unit's */
    assert_null(strstr(cg_client_error(cg_test_as(&server, "shuangtaizi")), "dawa"));
    form_init(&f, id, officer, local_time(-600, a, sizeof a), local_time(-60, b, sizeof b));
    f.patrol.n_officer_ids = 0;
    call("shuangtaizi", &f.req.base, CG_EINVALID_ARGUMENT, "officer_ids");

    form_init(&f, id, officer, local_time(-600, a, sizeof a), local_time(-60, b, sizeof b));
    Chengguan__V1__Finding bad = CHENGGUAN__V1__FINDING__INIT, *badp = &bad;
    bad.category = 11;
    bad.text = "没有这一类";
    f.patrol.findings = &badp;
    f.patrol.n_findings = 1;
    call("shuangtaizi", &f.req.base, CG_EINVALID_ARGUMENT, "findings");
    /* Up to 5 minutes in the future is a clock difference, not an error. */
    form_init(&f, id, officer, local_time(-600, a, sizeof a), local_time(120, b, sizeof b));
    cg_message_free(call("shuangtaizi", &f.req.base, 0, NULL));
}

static size_t patrols_of(const char *account, uint64_t compound)
{
    Chengguan__V1__PatrolList list = CHENGGUAN__V1__PATROL_LIST__INIT;
    list.compound_id = compound;
    Chengguan__V1__PatrolListReply *r =
        (Chengguan__V1__PatrolListReply *)call(account, &list.base, 0, NULL);
    size_t n = r->n_patrols;
    cg_message_free(&r->base);
    return n;
}

static void test_cut_connection_then_retry_stores_once(void **state)
{
    uint64_t officer;
    uint64_t id = make_compound("panshan", "断线重试", "2021-04-01", &officer);
    char a[40], b[40];
    patrol_form f;
    form_init(&f, id, officer, local_time(-900, a, sizeof a), local_time(-300, b, sizeof b));
    uint8_t key[16];
    assert_int_equal(cg_idempotency_key(key), 0);
    f.req.idempotency_key.data = key;
    f.req.idempotency_key.len = sizeof key;

    /* The workstation sends the patrol and loses its connection before the
     * reply comes back. */
    char cert[700], kpath[700];
    cg_test_raw r;
    assert_int_equal(
        cg_test_raw_open(&r, &server,
                         cg_test_pki(&server, "clients/panshan.crt", cert, sizeof cert),
                         cg_test_pki(&server, "clients/panshan.key", kpath, sizeof kpath)),
        0);
    assert_true(cg_test_raw_hello(&r));
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = 2;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_PATROL_SUBMIT;
    env.patrol_submit = &f.req;
    assert_int_equal(cg_test_raw_send_env(&r, &env), 0);
    cg_test_raw_close(&r);

    /* It retries through the library with the same key, twice for good
     * measure: one patrol is stored, and every answer names it. */
    Chengguan__V1__Patrol *p1 = (Chengguan__V1__Patrol *)call("panshan", &f.req.base, 0, NULL);
    Chengguan__V1__Patrol *p2 = (Chengguan__V1__Patrol *)call("panshan", &f.req.base, 0, NULL);
    assert_int_equal(p1->id, p2->id);
    cg_message_free(&p1->base);
    cg_message_free(&p2->base);
    assert_int_equal(patrols_of("panshan", id), 1);
}

static uint32_t due_count(const char *account, const char *week, uint64_t compound)
{
    Chengguan__V1__PatrolDue due = CHENGGUAN__V1__PATROL_DUE__INIT;
    due.week = (char *)week;
    Chengguan__V1__PatrolDueReply *r =
        (Chengguan__V1__PatrolDueReply *)call(account, &due.base, 0, NULL);
    uint32_t n = 0;
    for (size_t i = 0; i < r->n_compounds; i++)
        n += r->compounds[i]->compound_id == compound;
    cg_message_free(&r->base);
    return n;
}

static void submit_at(const char *unit, uint64_t compound, uint64_t officer, const char *start,
                      const char *end)
{
    patrol_form f;
    form_init(&f, compound, officer, start, end);
    cg_message_free(call(unit, &f.req.base, 0, NULL));
}

static void test_weekly_duty_and_compliance(void **state)
{
    uint64_t officer;
    /* Entered on Monday 2021-02-01 (week 2021-W05): due from W06 on. */
    uint64_t id = make_compound("liaodongwan", "每周巡查", "2021-02-01", &officer);
    assert_int_equal(due_count("liaodongwan", "2021-W05", id), 0);
    assert_int_equal(due_count("liaodongwan", "2021-W06", id), 1);
    submit_at("liaodongwan", id, officer, "2021-02-09T09:00", "2021-02-09T10:30"); /* W06 */
    submit_at("liaodongwan", id, officer, "2021-02-24T14:00:00+08:00",
              "2021-02-24T15:00"); /* W08 */
    assert_int_equal(due_count("liaodongwan", "2021-W06", id), 0);
    assert_int_equal(due_count("liaodongwan", "2021-W07", id), 1);
    /* The current week, by default: nobody patrolled it yet. */
    assert_int_equal(due_count("liaodongwan", "", id), 1);
    Chengguan__V1__PatrolDue bad = CHENGGUAN__V1__PATROL_DUE__INIT;
    bad.week = "2021-W5";
    call("liaodongwan", &bad.base, CG_EINVALID_ARGUMENT, "week");
}

static void test_compliance_counts_compound_weeks(void **state)
{
    uint64_t officer;
    uint64_t id = make_compound("dawa", "合规统计", "2021-02-01", &officer);
    submit_at("dawa", id, officer, "2021-02-10T09:00", "2021-02-10T10:00"); /* W06 */
    submit_at("dawa", id, officer, "2021-02-11T09:00", "2021-02-11T10:00"); /* W06 again */
    submit_at("dawa", id, officer, "2021-02-26T09:00", "2021-02-26T10:00"); /* W08 */
    Chengguan__V1__PatrolCompliance pc = CHENGGUAN__V1__PATROL_COMPLIANCE__INIT;
    pc.from = "2021-02-01";
    pc.to = "2021-02-28";
    pc.unit = "dawa";
    Chengguan__V1__PatrolComplianceReply *r =
        (Chengguan__V1__PatrolComplianceReply *)call("supervision", &pc.base, 0, NULL);
    assert_string_equal(r->from_week, "2021-W05");
    assert_string_equal(r->to_week, "2021-W08");
    assert_int_equal(r->n_units, 1);
    /* Only this compound of dawa was entered by February 2021. */
    assert_int_equal(r->units[0]->due, 3);       /* W06, W07, W08 */
    assert_int_equal(r->units[0]->patrolled, 2); /* W06, W08 */
    assert_true(r->units[0]->share > 0.66 && r->units[0]->share < 0.67);
    assert_non_null(r->total);
    assert_int_equal(r->total->due, 3);
    cg_message_free(&r->base);

    pc.to = "2021-01-31"; /* before from */
    call("supervision", &pc.base, CG_EINVALID_ARGUMENT, "to");
    pc.to = "2021-02-28";
    pc.unit = "xinglongtai"; /* not dawa's to look at */
    call("dawa", &pc.base, CG_EPERMISSION_DENIED, NULL);
}

static void close_on(const char *unit, uint64_t compound, const char *date)
{
    Chengguan__V1__CompoundClose c = CHENGGUAN__V1__COMPOUND_CLOSE__INIT;
    c.id = compound;
    c.date = (char *)date;
    c.reason = "拆迁";
    cg_message_free(call(unit, &c.base, 0, NULL));
}

/* A patrol at start (one hour long) as unit: the week it was counted in, or
 * "" after the refusal want (with the field compound_id). */
static void patrol_week(const char *unit, uint64_t compound, uint64_t officer, const char *start,
                        const char *end, int want, char *week, size_t len)
{
    patrol_form f;
    form_init(&f, compound, officer, start, end);
    Chengguan__V1__Patrol *p =
        (Chengguan__V1__Patrol *)call(unit, &f.req.base, want, want ? "compound_id" : NULL);
    snprintf(week, len, "%s", p ? p->week : "");
    if (p)
        cg_message_free(&p->base);
}

/* Total compound-weeks due and patrolled over [from, to] in unit. */
static void compliance(const char *unit, const char *from, const char *to, uint32_t *due,
                       uint32_t *patrolled)
{
    Chengguan__V1__PatrolCompliance pc = CHENGGUAN__V1__PATROL_COMPLIANCE__INIT;
    pc.from = (char *)from;
    pc.to = (char *)to;
    pc.unit = (char *)unit;
    Chengguan__V1__PatrolComplianceReply *r =
        (Chengguan__V1__PatrolComplianceReply *)call("hq", &pc.base, 0, NULL);
    *due = r->total->due;
    *patrolled = r->total->patrolled;
    cg_message_free(&r->base);
}

/* A compound is due only in weeks in which it is open on at least one day
 * (closed from closed_on on), and a patrol that started while it was open
 * may be recorded after it closed. Weeks are Beijing-time ISO weeks. */
static void test_week_rule_of_closed_compounds(void **state)
{
    char week[16];
    uint32_t due0, pat0, due1, pat1;

    /* Closed on Monday 2021-03-08 (W10): due in W09, not in W10. */
    uint64_t officer;
    uint64_t mon = make_compound("panshan", "周一关闭", "2021-02-01", &officer);
    compliance("panshan", "2021-03-01", "2021-03-14", &due0, &pat0);
    assert_int_equal(due_count("panshan", "2021-W10", mon), 1);
    close_on("panshan", mon, "2021-03-08");
    assert_int_equal(due_count("panshan", "2021-W09", mon), 1);
    assert_int_equal(due_count("panshan", "2021-W10", mon), 0);
    compliance("panshan", "2021-03-01", "2021-03-14", &due1, &pat1);
    assert_int_equal(due1, due0 - 1); /* W10 is no longer due */
    /* Sunday 23:30 Beijing time (15:30 UTC), recorded after the closing:
     * accepted, in W09. Monday 00:30 Beijing time is still Sunday in UTC,
     * but the compound is closed then. */
    patrol_week("panshan", mon, officer, "2021-03-07T15:30Z", "2021-03-07T23:59+08:00", 0, week,
                sizeof week);
    assert_string_equal(week, "2021-W09");
    assert_int_equal(due_count("panshan", "2021-W09", mon), 0);
    patrol_week("panshan", mon, officer, "2021-03-07T16:30Z", "2021-03-07T17:00Z",
                CG_EFAILED_PRECONDITION, week, sizeof week);
    compliance("panshan", "2021-03-01", "2021-03-14", &due1, &pat1);
    assert_int_equal(pat1, pat0 + 1);

    /* Closed on Thursday 2021-03-11: open three days of W10, so due in it. */
    uint64_t thu = make_compound("panshan", "周四关闭", "2021-02-01", &officer);
    close_on("panshan", thu, "2021-03-11");
    assert_int_equal(due_count("panshan", "2021-W10", thu), 1);
    assert_int_equal(due_count("panshan", "2021-W11", thu), 0);
    patrol_week("panshan", thu, officer, "2021-03-10T23:00", "2021-03-10T23:59", 0, week,
                sizeof week);
    assert_string_equal(week, "2021-W10");
    patrol_week("panshan", thu, officer, "2021-03-11T00:00", "2021-03-11T01:00",
                CG_EFAILED_PRECONDITION, week, sizeof week);

    /* The year boundary: 2025-12-29 to 2026-01-04 is 2026-W01. Closed on
     * Monday 2026-01-05: due in 2025-W52 and 2026-W01, not in 2026-W02. */
    uint64_t year = make_compound("panshan", "跨年关闭", "2025-12-15", &officer);
    compliance("panshan", "2025-12-22", "2026-01-11", &due0, &pat0);
    close_on("panshan", year, "2026-01-05");
    assert_int_equal(due_count("panshan", "2025-W52", year), 1);
    assert_int_equal(due_count("panshan", "2026-W01", year), 1);
    assert_int_equal(due_count("panshan", "2026-W02", year), 0);
    compliance("panshan", "2025-12-22", "2026-01-11", &due1, &pat1);
    assert_int_equal(due1, due0 - 1);
    patrol_week("panshan", year, officer, "2025-12-31T10:00", "2025-12-31T11:00", 0, week,
                sizeof week);
    assert_string_equal(week, "2026-W01");
    patrol_week("panshan", year, officer, "2026-01-04T23:30+08:00", "2026-01-04T23:59+08:00", 0,
                week, sizeof week);
    assert_string_equal(week, "2026-W01");
    patrol_week("panshan", year, officer, "2026-01-05T00:30+08:00", "2026-01-05T01:00+08:00",
                CG_EFAILED_PRECONDITION, week, sizeof week);
    assert_int_equal(due_count("panshan", "2026-W01", year), 0);
    compliance("panshan", "2025-12-22", "2026-01-11", &due1, &pat1);
    assert_int_equal(pat1, pat0 + 1); /* one week, two patrols */
    (void)state;
}

static Chengguan__V1__ResidentRequest *get_request(const char *account, uint64_t id)
{
    Chengguan__V1__RequestGet get = CHENGGUAN__V1__REQUEST_GET__INIT;
    get.id = id;
    return (Chengguan__V1__ResidentRequest *)call(account, &get.base, 0, NULL);
}

static void test_requests_are_answered_and_contacts_masked(void **state)
{
    uint64_t officer;
    uint64_t compound = make_compound("xinglongtai", "居民诉求", "2021-02-01", &officer);
    Chengguan__V1__ResidentRequest rr = CHENGGUAN__V1__RESIDENT_REQUEST__INIT;
    rr.compound_id = compound;
    rr.channel = "notice_board_phone";
    rr.kind = "problem";
    rr.text = "楼下有人私种小菜园";
    rr.contact = "张三丰/13812345678";
    Chengguan__V1__RequestAdd add = CHENGGUAN__V1__REQUEST_ADD__INIT;
    add.request = &rr;
    Chengguan__V1__ResidentRequest *got =
        (Chengguan__V1__ResidentRequest *)call("xinglongtai", &add.base, 0, NULL);
    uint64_t id = got->id;
    assert_string_equal(got->status, "open");
    assert_string_equal(got->contact, "张三丰/13812345678"); /* the compound's own unit */
    assert_false(got->overdue);
    assert_true(strlen(got->answer_due) > 0);
    cg_message_free(&got->base);

    got = get_request("hq", id);
    assert_string_equal(got->contact, "张**/138****5678");
    cg_message_free(&got->base);
    got = get_request("supervision", id);
    assert_string_equal(got->contact, "张**/138****5678");
    cg_message_free(&got->base);

    /* Closing needs an answer first. */
    Chengguan__V1__RequestClose close = CHENGGUAN__V1__REQUEST_CLOSE__INIT;
    close.id = id;
    call("xinglongtai", &close.base, CG_EFAILED_PRECONDITION, NULL);
    Chengguan__V1__RequestAnswer ans = CHENGGUAN__V1__REQUEST_ANSWER__INIT;
    ans.id = id;
    ans.text = "已责令拆除并恢复绿地";
    call("dawa", &ans.base, CG_ENOT_FOUND, "id");
    got = (Chengguan__V1__ResidentRequest *)call("xinglongtai", &ans.base, 0, NULL);
    assert_string_equal(got->status, "answered");
    assert_string_equal(got->answer, "已责令拆除并恢复绿地");
    cg_message_free(&got->base);
    got = (Chengguan__V1__ResidentRequest *)call("xinglongtai", &close.base, 0, NULL);
    assert_string_equal(got->status, "closed");
    cg_message_free(&got->base);
    call("xinglongtai", &ans.base, CG_EFAILED_PRECONDITION, NULL); /* closed */

    /* Bad values name their field. */
    rr.channel = "wechat";
    call("xinglongtai", &add.base, CG_EINVALID_ARGUMENT, "channel");
    rr.channel = "in_person";
    rr.kind = "complaint";
    call("xinglongtai", &add.base, CG_EINVALID_ARGUMENT, "kind");
}

static void test_hotline_files_and_follows_its_own(void **state)
{
    uint64_t officer;
    uint64_t compound = make_compound("shuangtaizi", "热线来电", "2021-02-01", &officer);
    Chengguan__V1__ResidentRequest rr = CHENGGUAN__V1__RESIDENT_REQUEST__INIT;
    rr.compound_id = compound;
    rr.channel = "hotline";
    rr.kind = "problem";
    rr.text = "12345 转办：垃圾清运不及时";
    rr.contact = "李四/13998765432";
    Chengguan__V1__RequestAdd add = CHENGGUAN__V1__REQUEST_ADD__INIT;
    add.request = &rr;
    Chengguan__V1__ResidentRequest *got =
        (Chengguan__V1__ResidentRequest *)call("hotline", &add.base, 0, NULL);
    uint64_t id = got->id;
    assert_string_equal(got->contact, "李*/139****5432");
    cg_message_free(&got->base);

    Chengguan__V1__RequestList list = CHENGGUAN__V1__REQUEST_LIST__INIT;
    Chengguan__V1__RequestListReply *r =
        (Chengguan__V1__RequestListReply *)call("hotline", &list.base, 0, NULL);
    for (size_t i = 0; i < r->n_requests; i++)
        assert_string_equal(r->requests[i]->created_by, "hotline");
    cg_message_free(&r->base);

    Chengguan__V1__RequestAnswer ans = CHENGGUAN__V1__REQUEST_ANSWER__INIT;
    ans.id = id;
    ans.text = "回复";
    call("hotline", &ans.base, CG_EPERMISSION_DENIED, NULL);
    got = get_request("shuangtaizi", id);
    assert_string_equal(got->contact, "李四/13998765432");
    cg_message_free(&got->base);
}

/* With request_answer_days = 0 a request is due at once: unanswered, it is
 * overdue and listed as such. */
static void test_overdue_requests_are_listed(void **state)
{
    cg_test_forget_clients();
    assert_int_equal(cg_test_server_stop(&server), 0);
    cg_test_server_start(&server, "request_answer_days = 0");
    uint64_t officer;
    uint64_t compound = make_compound("panshan", "逾期未复", "2021-02-01", &officer);
    Chengguan__V1__ResidentRequest rr = CHENGGUAN__V1__RESIDENT_REQUEST__INIT;
    rr.compound_id = compound;
    rr.channel = "in_person";
    rr.kind = "suggestion";
    rr.text = "建议增设电动车充电桩";
    Chengguan__V1__RequestAdd add = CHENGGUAN__V1__REQUEST_ADD__INIT;
    add.request = &rr;
    Chengguan__V1__ResidentRequest *got =
        (Chengguan__V1__ResidentRequest *)call("panshan", &add.base, 0, NULL);
    uint64_t id = got->id;
    cg_message_free(&got->base);

    long long deadline = cg_test_now_ms() + 5000;
    int overdue = 0;
    while (!overdue && cg_test_now_ms() < deadline) {
        Chengguan__V1__RequestList list = CHENGGUAN__V1__REQUEST_LIST__INIT;
        list.overdue = 1;
        Chengguan__V1__RequestListReply *r =
            (Chengguan__V1__RequestListReply *)call("panshan", &list.base, 0, NULL);
        for (size_t i = 0; i < r->n_requests; i++)
            overdue |= r->requests[i]->id == id && r->requests[i]->overdue;
        cg_message_free(&r->base);
    }
    assert_true(overdue);
}

int main(void)
{
    cg_test_server_init(&server, "patrols", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patrol_record_and_findings),
        cmocka_unit_test(test_patrol_rules_name_the_field),
        cmocka_unit_test(test_cut_connection_then_retry_stores_once),
        cmocka_unit_test(test_weekly_duty_and_compliance),
        cmocka_unit_test(test_compliance_counts_compound_weeks),
        cmocka_unit_test(test_week_rule_of_closed_compounds),
        cmocka_unit_test(test_requests_are_answered_and_contacts_masked),
        cmocka_unit_test(test_hotline_files_and_follows_its_own),
        cmocka_unit_test(test_overdue_requests_are_listed),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
