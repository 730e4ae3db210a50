/*
 * The authorisation table (sql/api/authz.sql) walked whole against a running
 * server, from the table itself: the test reads cg_internal.authz_matrix and
 * sends every request of it as an account of every role, so a new line is
 * walked without being named here, and a request of the protocol without a
 * line fails the first test.
 *
 *   - an allowed cell passes the role check (whatever else it answers to an
 *     empty request, never PERMISSION_DENIED);
 *   - a refused cell is PERMISSION_DENIED, by the dispatcher and, called
 *     directly, by the SQL function's own check (cg_internal.authorize), and
 *     changes nothing: every table but the event queue is the same after,
 *     row for row;
 *   - no reply and no event gives an account a row of another scope: unit
 *     xinglongtai, its officer and its leader, the property company and the
 *     hotline each have rows of their own and see nobody else's.
 */
#include "harness.h"

#include "envelope.h"
#include "proto_json.h"
#include "reply_map.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

static cg_test_server server;

/* The matrix's columns, and an account of each role. */
#define ROLES 8
static const char *const roles[ROLES] = {"hq",          "supervision", "section",  "unit",
                                         "unit_leader", "officer",     "property", "integration"};
static const char *const accounts[ROLES] = {
    "hq",           "supervision",   "authz-section", "xinglongtai",
    "authz-leader", "authz-officer", "property-demo", "hotline"};

/* The requests without an SQL function (answered in C). */
static const char *const in_c[] = {"hello", "ping", "whoami", "subscribe"};

typedef struct {
    char request[64];
    char scope[ROLES][4]; /* all, own, - */
    const ProtobufCFieldDescriptor *field;
} line;

static line lines[256];
static int nlines;

/* What each account must never see: the other scope's markers. */
static const char *const *hidden_from(const char *account)
{
    static const char *const of_unit_a[] = {"authz-b", NULL};
    static const char *const of_hotline[] = {"authz-a report", "authz-a case", "authz-a request",
                                             NULL};
    static const char *const of_unit_b[] = {"authz-a", NULL};
    static const char *const none[] = {NULL};
    if (strcmp(account, "xinglongtai") == 0 || strcmp(account, "authz-leader") == 0 ||
        strcmp(account, "authz-officer") == 0 || strcmp(account, "property-demo") == 0)
        return of_unit_a;
    if (strcmp(account, "hotline") == 0)
        return of_hotline;
    if (strcmp(account, "shuangtaizi") == 0)
        return of_unit_b;
    return none;
}

static PGconn *db(void)
{
    static PGconn *pg;
    if (pg == NULL) {
        pg = PQconnectdb(server.conninfo);
        if (PQstatus(pg) != CONNECTION_OK)
            fail_msg("connect to the test database: %s", PQerrorMessage(pg));
    }
    return pg;
}

/* The Envelope field of a request name: "compound.add" -> compound_add; the
 * few names that differ are spelt out. */
static const ProtobufCFieldDescriptor *field_of(const char *request)
{
    static const char *const other[][2] = {{"calendar.add_holiday", "calendar_holiday_add"},
                                           {"calendar.add_workday", "calendar_workday_add"},
                                           {"calendar.add_year", "calendar_year_add"},
                                           {"whoami", "who_am_i"}};
    char name[64];
    snprintf(name, sizeof name, "%s", request);
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        if (strcmp(request, other[i][0]) == 0)
            snprintf(name, sizeof name, "%s", other[i][1]);
    for (char *p = name; *p; p++)
        if (*p == '.')
            *p = '_';
    return protobuf_c_message_descriptor_get_field_by_name(&chengguan__v1__envelope__descriptor,
                                                           name);
}

static void read_matrix(void)
{
    if (nlines > 0)
        return;
    PGresult *res = PQexec(db(), "SELECT request, hq, supervision, section, unit, unit_leader, "
                                 "officer, property, integration FROM cg_internal.authz_matrix");
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    assert_true(PQntuples(res) > 90 && PQntuples(res) <= 256);
    for (int i = 0; i < PQntuples(res); i++) {
        line *l = &lines[nlines++];
        snprintf(l->request, sizeof l->request, "%s", PQgetvalue(res, i, 0));
        for (int r = 0; r < ROLES; r++)
            snprintf(l->scope[r], sizeof l->scope[r], "%s", PQgetvalue(res, i, r + 1));
        l->field = field_of(l->request);
        if (l->field == NULL)
            fail_msg("%s: the table names a request the protocol does not have", l->request);
    }
    PQclear(res);
}

static int is_in_c(const char *request)
{
    for (size_t i = 0; i < sizeof in_c / sizeof in_c[0]; i++)
        if (strcmp(request, in_c[i]) == 0)
            return 1;
    return 0;
}

/* --- the world: rows of two units, a company and the hotline ------------- */

static uint64_t compound_a, compound_b, officer_a, report_a, report_b, case_a, case_b, request_a,
    request_b;

static void add_account(const char *name, const char *role, const char *unit, uint64_t officer)
{
    cg_test_issue_cert(&server, name);
    char sql[512], officer_id[24] = "NULL";
    if (officer != 0)
        snprintf(officer_id, sizeof officer_id, "%llu", (unsigned long long)officer);
    snprintf(sql, sizeof sql,
             "INSERT INTO accounts (name, role, unit_code, officer_id, cert_subject) "
             "VALUES ('%s', '%s', '%s', %s, 'CN=%s,O=chengguan dev')",
             name, role, unit, officer_id, name);
    assert_int_equal(cg_test_sql(&server, sql), 0);
}

/* Sends req as account, which must succeed: the id of what it made. */
static uint64_t made(const char *account, ProtobufCMessage *req)
{
    ProtobufCMessage *got = cg_test_call(&server, account, req, 0, NULL);
    assert_non_null(got);
    const ProtobufCFieldDescriptor *id =
        protobuf_c_message_descriptor_get_field_by_name(got->descriptor, "id");
    assert_non_null(id);
    uint64_t v = *(const uint64_t *)(const void *)((const char *)got + id->offset);
    cg_message_free(got);
    return v;
}

static uint64_t open_case(const char *account, uint64_t compound, const char *summary)
{
    Chengguan__V1__Case k = CHENGGUAN__V1__CASE__INIT;
    k.compound_id = compound;
    k.category = 2;
    k.source = "patrol";
    k.summary = (char *)summary;
    Chengguan__V1__CaseOpen open = CHENGGUAN__V1__CASE_OPEN__INIT;
    open.case_file = &k;
    return made(account, &open.base);
}

static uint64_t add_request(const char *account, uint64_t compound, const char *channel,
                            const char *text)
{
    Chengguan__V1__ResidentRequest q = CHENGGUAN__V1__RESIDENT_REQUEST__INIT;
    q.compound_id = compound;
    q.channel = (char *)channel;
    q.kind = "problem";
    q.text = (char *)text;
    Chengguan__V1__RequestAdd add = CHENGGUAN__V1__REQUEST_ADD__INIT;
    add.request = &q;
    return made(account, &add.base);
}

static void answer_request(const char *account, uint64_t id)
{
    Chengguan__V1__RequestAnswer a = CHENGGUAN__V1__REQUEST_ANSWER__INIT;
    a.id = id;
    a.text = "已处理";
    cg_message_free(cg_test_call(&server, account, &a.base, 0, NULL));
}

static void world(void)
{
    if (compound_a != 0)
        return;
    uint64_t officer_b;
    compound_a = cg_test_make_compound(&server, "xinglongtai", "xinglongtai", "authz-a 小区",
                                       "property-demo", NULL, &officer_a);
    compound_b = cg_test_make_compound(&server, "shuangtaizi", "shuangtaizi", "authz-b 小区", NULL,
                                       NULL, &officer_b);
    add_account("authz-section", "section", "hq", 0);
    add_account("authz-leader", "unit_leader", "xinglongtai", 0);
    add_account("authz-officer", "officer", "xinglongtai", officer_a);
    report_a = cg_test_file_report(cg_test_as(&server, "property-demo"), compound_a, 3,
                                   "authz-a report", NULL);
    report_b =
        cg_test_file_report(cg_test_as(&server, "hotline"), compound_b, 3, "authz-b report", NULL);
    case_a = open_case("xinglongtai", compound_a, "authz-a case");
    case_b = open_case("shuangtaizi", compound_b, "authz-b case");
    request_a = add_request("xinglongtai", compound_a, "in_person", "authz-a request");
    request_b = add_request("hotline", compound_b, "hotline", "authz-b request");
    answer_request("xinglongtai", request_a);
    answer_request("shuangtaizi", request_b);
}

/* Fails the test when text holds a marker account may not see. */
static void check_hidden(const char *account, const char *what, const char *text)
{
    for (const char *const *m = hidden_from(account); *m != NULL; m++)
        if (strstr(text, *m) != NULL)
            fail_msg("%s as %s: the answer holds a row of another scope (%s): %.400s", what,
                     account, *m, text);
}

/* The reply as JSON text; free() it. */
static char *reply_text(const ProtobufCMessage *reply)
{
    json_t *j = cg_proto_to_json(reply);
    assert_non_null(j);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    assert_non_null(text);
    return text;
}

static void check_reply(const char *account, const char *what, const ProtobufCMessage *reply)
{
    char *text = reply_text(reply);
    check_hidden(account, what, text);
    free(text);
}

/* A list of the world's rows with scope all has both units' rows: the
 * table's "all" is what the SQL gives (its "own", check_hidden). */
static void check_all(const line *l, const char *account, const ProtobufCMessage *reply)
{
    static const char *const lists[][3] = {
        {"compound.list", "authz-a 小区", "authz-b 小区"},
        {"report.list", "authz-a report", "authz-b report"},
        {"case.list", "authz-a case", "authz-b case"},
        {"request.list", "authz-a request", "authz-b request"},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        if (strcmp(l->request, lists[i][0]) != 0)
            continue;
        char *text = reply_text(reply);
        if (strstr(text, lists[i][1]) == NULL || strstr(text, lists[i][2]) == NULL)
            fail_msg("%s as %s (scope all): not every unit's rows: %.400s", l->request, account,
                     text);
        free(text);
    }
}

/* Sends request (an empty message of its type) as account: its status. */
static int send_empty(const line *l, const char *account, ProtobufCMessage **reply)
{
    const ProtobufCMessageDescriptor *desc = l->field->descriptor;
    ProtobufCMessage *m = calloc(1, desc->sizeof_message);
    assert_non_null(m);
    protobuf_c_message_init(desc, m);
    *reply = NULL;
    int rc = cg_call(cg_test_as(&server, account), m, reply);
    free(m);
    return rc;
}

/* --- tests --------------------------------------------------------------- */

/* Every request of the protocol has a line, and every line is a request. */
static void test_every_request_has_a_line(void **state)
{
    (void)state;
    read_matrix();
    const ProtobufCMessageDescriptor *env = &chengguan__v1__envelope__descriptor;
    int requests = 0;
    for (unsigned f = 0; f < env->n_fields; f++) {
        const ProtobufCFieldDescriptor *field = &env->fields[f];
        if (cg_reply_case((Chengguan__V1__Envelope__BodyCase)field->id) ==
            CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET)
            continue;
        requests++;
        int found = 0;
        for (int i = 0; i < nlines; i++)
            found += lines[i].field == field;
        if (found != 1)
            fail_msg("request %s has %d lines in sql/api/authz.sql", field->name, found);
    }
    assert_int_equal(requests, nlines);
    /* the SQL routes are the functions of their field's name */
    for (int i = 0; i < nlines; i++) {
        char sql[160];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                 "WHERE n.nspname = 'cg_api' AND p.proname = '%s'",
                 lines[i].field->name);
        long long n = cg_test_sql_int(&server, sql);
        if (n != !is_in_c(lines[i].request))
            fail_msg("%s: %lld functions cg_api.%s", lines[i].request, n, lines[i].field->name);
    }
}

/* Each allowed cell passes the role check; the replies of the accounts
 * with scope own hold nothing of another scope. Hello is each account's
 * connection; Subscribe is answered Subscribed. */
static void test_allowed_cells_pass(void **state)
{
    (void)state;
    read_matrix();
    world();
    int cells = 0;
    for (int i = 0; i < nlines; i++) {
        const line *l = &lines[i];
        for (int r = 0; r < ROLES; r++) {
            if (strcmp(l->scope[r], "-") == 0)
                continue;
            cells++;
            if (strcmp(l->request, "hello") == 0) {
                assert_non_null(cg_test_as(&server, accounts[r]));
                continue;
            }
            if (strcmp(l->request, "subscribe") == 0) {
                cg_test_raw raw;
                cg_test_raw_open_as(&raw, &server, accounts[r]);
                assert_true(cg_test_raw_hello(&raw));
                assert_true(cg_test_raw_subscribe(&raw, 0, 1));
                cg_test_raw_close(&raw);
                continue;
            }
            ProtobufCMessage *reply;
            int rc = send_empty(l, accounts[r], &reply);
            if (rc == CG_EPERMISSION_DENIED)
                fail_msg("%s as %s (%s, scope %s): PERMISSION_DENIED: %s", l->request, accounts[r],
                         roles[r], l->scope[r], cg_client_error(cg_test_as(&server, accounts[r])));
            if (rc == 0) {
                check_reply(accounts[r], l->request, reply);
                if (strcmp(l->scope[r], "all") == 0)
                    check_all(l, accounts[r], reply);
                cg_message_free(reply);
            }
        }
    }
    printf("# %d allowed cells\n", cells);
}

/* Every row of every table but the event queue (whose seqs the stream's
 * readers hand out), as one digest. */
static char *snapshot(void)
{
    PGresult *res = PQexec(
        db(), "SELECT string_agg(t.tablename || ':' || (xpath('/row/h/text()', query_to_xml(format("
              "'SELECT md5(coalesce(string_agg(r::text, ''|'' ORDER BY r::text), '''')) AS h "
              "FROM %I.%I r', t.schemaname, t.tablename), false, true, '')))[1]::text, ' ' "
              "ORDER BY t.tablename) || ' events:' || (SELECT count(*) FROM events) "
              "FROM pg_tables t WHERE t.schemaname = 'public' AND t.tablename <> 'events'");
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fail_msg("snapshot: %s", PQerrorMessage(db()));
    char *s = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    return s;
}

/* The SQL function of l called directly as account: CG007 from authorize. */
static void check_sql_refuses(const line *l, const char *account)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT cg_api.%s($1, '{}'::jsonb)", l->field->name);
    const char *params[] = {account};
    PGresult *res = PQexecParams(db(), sql, 1, NULL, params, NULL, NULL, 0);
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    char want[96];
    snprintf(want, sizeof want, "may not use %s", l->request);
    if (state == NULL || strcmp(state, "CG007") != 0 || msg == NULL || strstr(msg, want) == NULL)
        fail_msg("cg_api.%s as %s: %s %s, not CG007 \"%s\"", l->field->name, account,
                 state ? state : "success", msg ? msg : "", want);
    PQclear(res);
}

/* Each refused cell is PERMISSION_DENIED on the wire and in SQL, and the
 * whole walk changes nothing. */
static void test_refused_cells_change_nothing(void **state)
{
    (void)state;
    read_matrix();
    world();
    char *before = snapshot();
    int cells = 0;
    for (int i = 0; i < nlines; i++) {
        const line *l = &lines[i];
        for (int r = 0; r < ROLES; r++) {
            if (strcmp(l->scope[r], "-") != 0)
                continue;
            cells++;
            if (strcmp(l->request, "hello") == 0 || strcmp(l->request, "subscribe") == 0)
                fail_msg("%s refused to %s: the walk cannot send it", l->request, roles[r]);
            ProtobufCMessage *reply;
            int rc = send_empty(l, accounts[r], &reply);
            if (rc != CG_EPERMISSION_DENIED)
                fail_msg("%s as %s (%s): %s, not PERMISSION_DENIED", l->request, accounts[r],
                         roles[r], cg_err_name(rc));
            if (!is_in_c(l->request))
                check_sql_refuses(l, accounts[r]);
        }
    }
    char *after = snapshot();
    assert_string_equal(before, after);
    free(before);
    free(after);
    printf("# %d refused cells\n", cells);
    assert_true(cells > 300);
}

/* A get of another scope's row is answered as if it did not exist. */
static void expect_not_found(const char *account, ProtobufCMessage *get)
{
    ProtobufCMessage *reply = cg_test_call(&server, account, get, CG_ENOT_FOUND, NULL);
    assert_null(reply);
}

static void test_gets_of_another_scope_find_nothing(void **state)
{
    (void)state;
    world();
    const char *own_a[] = {"xinglongtai", "authz-leader", "authz-officer", "property-demo"};
    for (size_t i = 0; i < sizeof own_a / sizeof own_a[0]; i++) {
        Chengguan__V1__CompoundGet cg = CHENGGUAN__V1__COMPOUND_GET__INIT;
        cg.id = compound_b;
        expect_not_found(own_a[i], &cg.base);
        Chengguan__V1__ReportGet rg = CHENGGUAN__V1__REPORT_GET__INIT;
        rg.id = report_b;
        expect_not_found(own_a[i], &rg.base);
        Chengguan__V1__CaseGet kg = CHENGGUAN__V1__CASE_GET__INIT;
        kg.id = case_b;
        expect_not_found(own_a[i], &kg.base);
    }
    Chengguan__V1__RequestGet qg = CHENGGUAN__V1__REQUEST_GET__INIT;
    qg.id = request_b;
    expect_not_found("xinglongtai", &qg.base);
    qg.id = request_a;
    expect_not_found("hotline", &qg.base);
    Chengguan__V1__ReportGet rg = CHENGGUAN__V1__REPORT_GET__INIT;
    rg.id = report_a;
    expect_not_found("hotline", &rg.base);
    Chengguan__V1__CaseGet kg = CHENGGUAN__V1__CASE_GET__INIT;
    kg.id = case_a;
    expect_not_found("hotline", &kg.base);

    /* and their own rows they do see (the checks above are not vacuous) */
    rg.id = report_a;
    ProtobufCMessage *own = cg_test_call(&server, "property-demo", &rg.base, 0, NULL);
    assert_non_null(own);
    check_reply("property-demo", "report.get", own);
    cg_message_free(own);
    Chengguan__V1__CompoundList cl = CHENGGUAN__V1__COMPOUND_LIST__INIT;
    ProtobufCMessage *list = cg_test_call(&server, "authz-officer", &cl.base, 0, NULL);
    char *text = reply_text(list);
    assert_non_null(strstr(text, "authz-a 小区"));
    free(text);
    cg_message_free(list);
}

/* Each account's stream from the start: what it must have, and nothing of
 * another scope. */
static void expect_stream(const char *account, uint64_t must_report, uint64_t must_request)
{
    cg_test_raw raw;
    cg_test_raw_open_as(&raw, &server, account);
    assert_true(cg_test_raw_hello(&raw));
    assert_true(cg_test_raw_subscribe(&raw, 0, 0));
    int got_report = must_report == 0, got_request = must_request == 0, events = 0;
    cg_envelope *env;
    while ((env = cg_test_raw_recv(&raw, 1000)) != NULL) {
        assert_int_equal(env->body_case, CHENGGUAN__V1__ENVELOPE__BODY_EVENT);
        const Chengguan__V1__Event *e = env->event;
        events++;
        check_reply(account, e->kind, &e->base);
        got_report |= e->report_id == must_report;
        got_request |= e->request_id == must_request;
        cg_envelope_free(env, NULL);
    }
    cg_test_raw_close(&raw);
    if (!got_report || !got_request)
        fail_msg("%s: %d events, without its own report %llu or request %llu", account, events,
                 (unsigned long long)must_report, (unsigned long long)must_request);
}

static void test_events_of_another_scope_never_arrive(void **state)
{
    (void)state;
    world();
    expect_stream("xinglongtai", report_a, request_a);
    expect_stream("authz-officer", report_a, 0);
    expect_stream("authz-leader", 0, 0);
    expect_stream("property-demo", report_a, 0);
    expect_stream("hotline", 0, request_b); /* status changes only: not report.filed */
    expect_stream("shuangtaizi", report_b, request_b);
}

/* A server whose table lacks a route's line (ping's) does not start: it
 * names the route and exits 1, before it listens. */
static void test_a_route_without_a_line_stops_the_server(void **state)
{
    (void)state;
    char log[700], cmd[2400];
    snprintf(log, sizeof log, "%s/gap.log", server.dir);
    snprintf(cmd, sizeof cmd, "timeout 20 '%s' --config '%s' >'%s' 2>&1", CG_AUTHZ_GAP_BIN,
             server.config, log);
    int rc = system(cmd);
    assert_true(WIFEXITED(rc));
    assert_int_equal(WEXITSTATUS(rc), 1);
    char *text = cg_test_read_text(log);
    assert_non_null(strstr(text, "event=authz_missing request=ping"));
    assert_null(strstr(text, "event=listening"));
    free(text);
}

int main(void)
{
    cg_test_server_init(&server, "authz", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_request_has_a_line),
        cmocka_unit_test(test_allowed_cells_pass),
        cmocka_unit_test(test_refused_cells_change_nothing),
        cmocka_unit_test(test_gets_of_another_scope_find_nothing),
        cmocka_unit_test(test_events_of_another_scope_never_arrive),
        cmocka_unit_test(test_a_route_without_a_line_stops_the_server),
    };
    return CG_TEST_RUN(&server, "max_request_rate = 100000\nmax_request_burst = 100000\n", tests);
}
