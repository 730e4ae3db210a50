/*
 * The audit trail (step 7): every kind of change a request can make leaves
 * exactly one audit row, with the account, the SHA-256 of the certificate it
 * connected with, the request's id, its idempotency key and type. The walk
 * covers every request of the protocol that carries an idempotency key (a
 * new one without a step here fails the test), and afterwards every
 * volatile cg_api function must have been seen in the log. A retry is not
 * recorded twice, a refusal not at all; the log refuses UPDATE, DELETE and
 * TRUNCATE; only hq and supervision read it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "envelope.h"
#include "harness.h"
#include "proto_json.h"
#include "reply_map.h"

#include "chengguan/v1/audit.pb-c.h"
#include "chengguan/v1/envelope.pb-c.h"
#include "chengguan/v1/ledger.pb-c.h"

static cg_test_server server;
static char out[1 << 17];

/*
 * One request of the walk: the Envelope body it is, the account that sends
 * it, its JSON (without the key) in which "@name" stands for an id saved
 * before, and the name to save its reply's id under (path: "a/0/id" for
 * the id of the first element of a). Requests without an idempotency key
 * (uploads being staged) change nothing the audit log records.
 */
typedef struct {
    const char *body, *account, *json, *save, *path;
} step;

#define X "xinglongtai"
static const step walk[] = {
    {"compound_add", X,
     "{\"compound\": {\"name\": \"审计小区\", \"district\": \"xinglongtai\", \"community\": "
     "\"测试社区\", \"property_account\": \"property-demo\"}}",
     "c", "id"},
    {"compound_add", X,
     "{\"compound\": {\"name\": \"拆迁小区\", \"district\": \"xinglongtai\", \"community\": "
     "\"测试社区\"}}",
     "c2", "id"},
    {"compound_update", X,
     "{\"id\": @c, \"values\": {\"households\": 100}, \"fields\": [\"households\"]}", NULL, NULL},
    {"compound_import", X,
     "{\"rows\": [{\"line\": 2, \"compound\": {\"name\": \"导入小区\", \"district\": "
     "\"xinglongtai\", \"community\": \"测试社区\"}}], \"fields\": [\"name\", \"district\", "
     "\"community\"]}",
     NULL, NULL},
    {"officer_add", X,
     "{\"officer\": {\"name\": \"审计员\", \"unit\": \"xinglongtai\", \"phone\": "
     "\"13600009999\"}}",
     "o", "id"},
    {"grid_assign", X, "{\"compound_id\": @c, \"officer_id\": @o}", NULL, NULL},
    {"compound_enter", X, "{\"id\": @c, \"date\": \"2021-03-09\"}", NULL, NULL},
    {"compound_correct_entry", X,
     "{\"id\": @c, \"date\": \"2021-03-08\", \"reason\": \"录入有误\"}", NULL, NULL},
    {"board_set", X,
     "{\"compound_id\": @c, \"installed_on\": \"2021-03-10\", \"duties\": \"公示职责\", "
     "\"contact_phone\": \"13600001111\", \"supervision_phone\": \"04271234567\"}",
     NULL, NULL},
    {"publicity_record", X,
     "{\"compound_id\": @c, \"date\": \"2021-03-11\", \"notices\": 1, \"letters\": 2}", NULL, NULL},
    {"compound_demo", "hq", "{\"id\": @c, \"demo\": true}", NULL, NULL},
    {"compound_close", X, "{\"id\": @c2, \"date\": \"2021-03-20\", \"reason\": \"整体拆迁\"}", NULL,
     NULL},
    {"patrol_submit", X,
     "{\"patrol\": {\"compound_id\": @c, \"officer_ids\": [@o], \"start\": "
     "\"2021-03-12T09:00\", \"end\": \"2021-03-12T10:00\", \"findings\": [{\"category\": 1, "
     "\"text\": \"楼道堆物\", \"action\": \"stopped_on_site\"}]}}",
     "pt", "id"},
    {"patrol_void", X, "{\"id\": @pt, \"reason\": \"录错了\"}", NULL, NULL},
    {"request_add", X,
     "{\"request\": {\"compound_id\": @c, \"channel\": \"in_person\", \"kind\": \"problem\", "
     "\"text\": \"反映楼道堆物\"}}",
     "rq", "id"},
    {"request_answer", X, "{\"id\": @rq, \"text\": \"已清理\"}", NULL, NULL},
    {"request_close", X, "{\"id\": @rq}", NULL, NULL},
    {"request_add", X,
     "{\"request\": {\"compound_id\": @c, \"channel\": \"in_person\", \"kind\": \"opinion\", "
     "\"text\": \"重复反映\"}}",
     "rq2", "id"},
    {"request_void", X, "{\"id\": @rq2, \"reason\": \"重复登记\"}", NULL, NULL},
    {"report_submit", "property-demo",
     "{\"report\": {\"compound_id\": @c, \"category\": 2, \"text\": \"有人搭建\", "
     "\"dissuasion_failed\": true}}",
     "rp", "id"},
    {"report_ack", X, "{\"id\": @rp, \"officer_id\": @o}", NULL, NULL},
    {"report_resolve", X, "{\"id\": @rp, \"outcome\": \"stopped\", \"note\": \"已制止\"}", NULL,
     NULL},
    {"order_issue", "supervision",
     "{\"order\": {\"report_id\": @rp, \"text\": \"请核实\", \"deadline\": \"2099-12-31\"}}", "od",
     "id"},
    {"order_answer", X, "{\"id\": @od, \"answer\": \"已核实处理\"}", NULL, NULL},
    {"case_open", X,
     "{\"case_file\": {\"compound_id\": @c, \"category\": 1, \"source\": \"patrol\", "
     "\"summary\": \"占道经营\"}, \"at\": \"2021-06-10T10:00\"}",
     "k", "id"},
    {"case_move", X, "{\"id\": @k, \"to\": \"investigating\"}", NULL, NULL},
    {"case_move", X,
     "{\"id\": @k, \"to\": \"decided\", \"penalty\": [\"rectify\"], \"deadline\": \"2099-12-31\"}",
     NULL, NULL},
    {"case_move", X, "{\"id\": @k, \"to\": \"rectifying\"}", NULL, NULL},
    {"case_verify", X, "{\"id\": @k, \"passed\": true, \"officer_id\": @o}", NULL, NULL},
    {"case_move", X, "{\"id\": @k, \"to\": \"closed\"}", NULL, NULL},
    {"case_reopen", X, "{\"id\": @k, \"reason\": \"复查发现反弹\", \"deadline\": \"2099-12-31\"}",
     NULL, NULL},
    {"case_attach_begin", X,
     "{\"case_id\": @k, \"name\": \"a.pdf\", \"media_type\": \"application/pdf\", \"size\": 3, "
     "\"sha256\": \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"}",
     "up", "upload_id"},
    {"case_attach_chunk", X, "{\"upload_id\": @up, \"offset\": 0, \"data\": \"616263\"}", NULL,
     NULL},
    {"case_attach_commit", X, "{\"upload_id\": @up}", NULL, NULL},
    {"calendar_holiday_add", "hq",
     "{\"date\": \"2099-10-02\", \"name\": \"国庆节\", \"reason\": \"国务院办公厅通知\"}", NULL,
     NULL},
    {"calendar_workday_add", "hq",
     "{\"date\": \"2099-10-10\", \"name\": \"国庆节调休\", \"reason\": \"国务院办公厅通知\"}", NULL,
     NULL},
    {"calendar_year_add", "supervision", "{\"year\": 2099, \"notice\": \"国务院办公厅通知\"}", NULL,
     NULL},
    {"limit_set", "supervision",
     "{\"category\": 1, \"kind\": \"registration\", \"days\": 7, \"day_kind\": \"working\", "
     "\"reason\": \"局务会决定\"}",
     NULL, NULL},
    {"account_add", "hq",
     "{\"account\": {\"name\": \"audit-officer\", \"role\": \"officer\", \"unit\": "
     "\"xinglongtai\", \"officer_id\": @o, \"cert_subject\": \"CN=audit-officer,O=chengguan "
     "dev\"}}",
     NULL, NULL},
    {"account_disable", "hq", "{\"name\": \"audit-officer\", \"reason\": \"调离\"}", NULL, NULL},
    {"co_meeting_record", X,
     "{\"date\": \"2021-03-15\", \"compounds\": [@c], \"participants\": {\"residents\": 3}, "
     "\"minutes\": \"共建日纪要\", \"suggestions\": [\"增设路灯\"]}",
     "sg", "suggestions/0/id"},
    {"suggestion_answer", X, "{\"id\": @sg, \"text\": \"已增设\", \"adopted\": \"yes\"}", NULL,
     NULL},
    {"group_member_set", "hq",
     "{\"name\": \"孙立\", \"role\": \"member\", \"post\": \"兴隆台分局局长\", \"unit\": "
     "\"xinglongtai\", \"from\": \"2021-03-01\"}",
     NULL, NULL},
    {"mech_meeting_record", X,
     "{\"kind\": \"three_party\", \"date\": \"2021-03-20\", \"topic\": \"停车秩序\", "
     "\"attendees\": \"街道、社区、物业\", \"compounds\": [@c], \"minutes\": \"会议纪要\", "
     "\"decisions\": [{\"text\": \"施划车位\", \"owner\": \"物业\", \"deadline\": "
     "\"2021-04-30\"}]}",
     "dc", "decisions/0/id"},
    {"decision_follow_up", X, "{\"id\": @dc, \"text\": \"已施划\", \"done\": true}", NULL, NULL},
    {"training_record", X,
     "{\"training\": {\"date\": \"2021-03-02\", \"topic\": \"执法程序\", \"hours\": 4, "
     "\"officers\": [@o]}}",
     NULL, NULL},
    {"practice_add", X,
     "{\"practice\": {\"title\": \"共建共治\", \"write_up\": \"做法与经验\", \"date\": "
     "\"2021-03-02\"}}",
     NULL, NULL},
    {"problem_add", X,
     "{\"compound_id\": @c, \"category\": 5, \"text\": \"消防通道堆物\", \"quick\": \"no\", "
     "\"found_on\": \"2021-06-03\"}",
     "pb", "id"},
    {"problem_plan", X,
     "{\"id\": @pb, \"measures\": \"限期清理\", \"owner\": \"王建国\", \"deadline\": "
     "\"2021-06-30\"}",
     NULL, NULL},
    {"problem_update", X, "{\"id\": @pb, \"status\": \"fixed\", \"note\": \"已清理\"}", NULL, NULL},
    {"campaign_action_add", X,
     "{\"action\": {\"title\": \"消防通道整治\", \"from\": \"2021-06-01\", \"to\": "
     "\"2021-06-30\", \"units\": [\"xinglongtai\"], \"categories\": [5]}}",
     "ca", "id"},
    {"campaign_action_link", X, "{\"id\": @ca, \"case_ids\": [@k]}", NULL, NULL},
};
#define WALK_STEPS (sizeof walk / sizeof walk[0])

/* What each step sent and got: its key (hex) and the audit entry found. */
static struct {
    char key[33];
    int mutation; /* carries an idempotency key */
} sent[WALK_STEPS];

static struct {
    char name[8];
    json_int_t id;
} saved[32];
static size_t n_saved;

static json_int_t saved_id(const char *name, size_t len)
{
    for (size_t i = 0; i < n_saved; i++)
        if (strlen(saved[i].name) == len && strncmp(saved[i].name, name, len) == 0)
            return saved[i].id;
    fail_msg("no id saved as %.*s", (int)len, name);
    return 0;
}

/* The step's JSON with every @name replaced by its saved id. */
static json_t *step_json(const step *s)
{
    char text[2048];
    size_t n = 0;
    for (const char *p = s->json; *p != '\0' && n + 24 < sizeof text;) {
        if (*p != '@') {
            text[n++] = *p++;
            continue;
        }
        size_t len = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz0123456789");
        n += (size_t)snprintf(text + n, sizeof text - n, "%lld", (long long)saved_id(p + 1, len));
        p += 1 + len;
    }
    text[n] = '\0';
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    if (j == NULL)
        fail_msg("%s: bad JSON: %s", s->body, err.text);
    return j;
}

static const ProtobufCFieldDescriptor *body_field(const char *name)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(&chengguan__v1__envelope__descriptor, name);
    if (f == NULL)
        fail_msg("no Envelope body %s", name);
    return f;
}

static int has_key(const ProtobufCMessageDescriptor *d)
{
    return protobuf_c_message_descriptor_get_field_by_name(d, "idempotency_key") != NULL;
}

/* Sends step i with a key of its own; returns the reply as JSON. */
static json_t *send_step(size_t i)
{
    const step *s = &walk[i];
    const ProtobufCMessageDescriptor *d = body_field(s->body)->descriptor;
    json_t *j = step_json(s);
    sent[i].mutation = has_key(d);
    if (sent[i].mutation) {
        snprintf(sent[i].key, sizeof sent[i].key, "a0d17%03zu%024x", i, (unsigned)rand());
        json_object_set_new(j, "idempotency_key", json_string(sent[i].key));
    }
    char why[256];
    ProtobufCMessage *m = cg_proto_from_json(d, j, why, sizeof why);
    json_decref(j);
    if (m == NULL)
        fail_msg("%s: %s", s->body, why);
    ProtobufCMessage *reply = NULL;
    cg_client *c = cg_test_as(&server, s->account);
    int err = cg_call(c, m, &reply);
    protobuf_c_message_free_unpacked(m, NULL);
    if (err != 0)
        fail_msg("step %zu %s as %s: %s: %s (%s)", i, s->body, s->account, cg_err_name(err),
                 cg_client_error(c), cg_client_error_field(c));
    json_t *r = cg_proto_to_json(reply);
    cg_message_free(reply);
    return r;
}

/* The hex SHA-256 of the dev certificate of account, as the server sees it. */
static void cert_sha256(const char *account, char hex[65])
{
    cg_client_options o = cg_test_options(&server, account);
    FILE *f = fopen(o.cert_file, "r");
    assert_non_null(f);
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(x);
    unsigned char md[32];
    unsigned int n = 0;
    assert_int_equal(X509_digest(x, EVP_sha256(), md, &n), 1);
    X509_free(x);
    for (unsigned int k = 0; k < n; k++)
        snprintf(hex + 2 * k, 3, "%02x", md[k]);
}

/* The audit entries newest first (as account, filtered by the JSON filter),
 * every page of them. */
static json_t *audit_entries(const char *account, const char *filter)
{
    json_t *all = json_array();
    json_int_t after = 0;
    do {
        json_t *req = json_loads(filter ? filter : "{}", 0, NULL);
        json_object_set_new(req, "after_id", json_integer(after));
        json_object_set_new(req, "limit", json_integer(20));
        ProtobufCMessage *m =
            cg_proto_from_json(&chengguan__v1__audit_list__descriptor, req, NULL, 0);
        json_decref(req);
        assert_non_null(m);
        ProtobufCMessage *reply = cg_test_call(&server, account, m, 0, NULL);
        protobuf_c_message_free_unpacked(m, NULL);
        assert_non_null(reply);
        json_t *r = cg_proto_to_json(reply);
        cg_message_free(reply);
        json_array_extend(all, json_object_get(r, "entries"));
        after = json_integer_value(json_object_get(r, "next_after_id"));
        json_decref(r);
    } while (after != 0);
    return all;
}

/* The entries of all whose idempotency key is key: how many, the last in *e. */
static int entries_with_key(const json_t *all, const char *key, const json_t **e)
{
    int n = 0;
    size_t i;
    const json_t *v;
    json_array_foreach(all, i, v)
    {
        if (strcmp(json_string_value(json_object_get(v, "idempotency_key")), key) == 0) {
            n++;
            *e = v;
        }
    }
    return n;
}

static void test_walk(void **state)
{
    /* every request of the protocol that carries a key has a step */
    const ProtobufCMessageDescriptor *env = &chengguan__v1__envelope__descriptor;
    for (unsigned f = 0; f < env->n_fields; f++) {
        const ProtobufCFieldDescriptor *fd = &env->fields[f];
        if (fd->type != PROTOBUF_C_TYPE_MESSAGE || cg_reply_case(fd->id) == 0 ||
            !has_key(fd->descriptor))
            continue;
        size_t i = 0;
        while (i < WALK_STEPS && strcmp(walk[i].body, fd->name) != 0)
            i++;
        if (i == WALK_STEPS)
            fail_msg("the mutating request %s has no step in the audit walk", fd->name);
    }

    for (size_t i = 0; i < WALK_STEPS; i++) {
        json_t *r = send_step(i);
        if (walk[i].save != NULL) {
            json_t *v = r;
            char path[64];
            snprintf(path, sizeof path, "%s", walk[i].path);
            for (char *p = strtok(path, "/"); p != NULL && v != NULL; p = strtok(NULL, "/"))
                v = json_is_array(v) ? json_array_get(v, (size_t)atoi(p)) : json_object_get(v, p);
            if (!json_is_integer(v))
                fail_msg("step %zu %s: no %s in the reply", i, walk[i].body, walk[i].path);
            snprintf(saved[n_saved].name, sizeof saved[n_saved].name, "%s", walk[i].save);
            saved[n_saved++].id = json_integer_value(v);
        }
        json_decref(r);
    }

    json_t *all = audit_entries("hq", NULL);
    size_t mutations = 0;
    for (size_t i = 0; i < WALK_STEPS; i++) {
        const json_t *e = NULL;
        int n = entries_with_key(all, sent[i].key, &e);
        if (!sent[i].mutation)
            continue;
        mutations++;
        if (n != 1)
            fail_msg("step %zu %s: %d audit entries", i, walk[i].body, n);
        char want[65];
        cert_sha256(walk[i].account, want);
        assert_string_equal(json_string_value(json_object_get(e, "account")), walk[i].account);
        assert_string_equal(json_string_value(json_object_get(e, "cert_sha256")), want);
        assert_true(json_integer_value(json_object_get(e, "request_id")) > 0);
        /* the route's name, as in the server log: compound_add -> compound.add etc. */
        const char *type = json_string_value(json_object_get(e, "type"));
        assert_true(strchr(type, '.') != NULL);
        assert_non_null(strstr(json_string_value(json_object_get(e, "at")), "Z"));
        /* a change to a record names it */
        const char *id = strstr(walk[i].json, "\"id\": @");
        if (id != NULL) {
            char words[64];
            snprintf(words, sizeof words, "id=%lld",
                     (long long)saved_id(id + 7,
                                         strspn(id + 7, "abcdefghijklmnopqrstuvwxyz0123456789")));
            const char *summary = json_string_value(json_object_get(e, "summary"));
            if (strncmp(summary, words, strlen(words)) != 0)
                fail_msg("step %zu %s: summary '%s', want %s first", i, walk[i].body, summary,
                         words);
        }
    }
    /* nothing else was recorded */
    assert_int_equal(json_array_size(all), mutations);
    json_decref(all);

    /* every function that may write is one the walk saw in the log, but for
     * the staging of uploads (their commit is the change) */
    assert_int_equal(
        cg_test_sql(&server,
                    "DO $$ DECLARE missing text; BEGIN "
                    "SELECT string_agg(p.proname, ', ') INTO missing FROM pg_proc p "
                    "WHERE p.pronamespace = 'cg_api'::regnamespace AND p.provolatile = 'v' "
                    "AND p.proname NOT IN ('case_attach_begin', 'case_attach_chunk') "
                    "AND NOT EXISTS (SELECT 1 FROM audit_log l WHERE l.method = p.proname); "
                    "IF missing IS NOT NULL THEN RAISE EXCEPTION 'not in the audit walk: %', "
                    "missing; END IF; END $$"),
        0);
    (void)state;
}

/* The number of audit entries of the account. */
static size_t count_of(const char *account)
{
    char filter[128];
    snprintf(filter, sizeof filter, "{\"account\": \"%s\"}", account);
    json_t *all = audit_entries("supervision", filter);
    size_t n = json_array_size(all);
    json_decref(all);
    return n;
}

static void test_retry_and_refusal(void **state)
{
    size_t before = count_of("dawa");
    /* a retry with the same key gets the first reply and no second entry */
    char req[512];
    snprintf(req, sizeof req,
             "{\"idempotency_key\": \"%s\", \"officer\": {\"name\": \"重试员\", \"unit\": "
             "\"dawa\", \"phone\": \"13600008888\"}}",
             "bb0000000000000000000000000000aa");
    json_t *j = json_loads(req, 0, NULL);
    ProtobufCMessage *m = cg_proto_from_json(body_field("officer_add")->descriptor, j, NULL, 0);
    json_decref(j);
    for (int k = 0; k < 3; k++)
        cg_message_free(cg_test_call(&server, "dawa", m, 0, NULL));
    protobuf_c_message_free_unpacked(m, NULL);
    assert_int_equal(count_of("dawa"), before + 1);

    /* refused: nothing changed, nothing recorded (the server log has it) */
    j = json_loads("{\"idempotency_key\": \"cc0000000000000000000000000000aa\", \"id\": 999999, "
                   "\"date\": \"2021-03-01\"}",
                   0, NULL);
    m = cg_proto_from_json(body_field("compound_enter")->descriptor, j, NULL, 0);
    json_decref(j);
    cg_message_free(cg_test_call(&server, "dawa", m, CG_ENOT_FOUND, NULL));
    protobuf_c_message_free_unpacked(m, NULL);
    assert_int_equal(count_of("dawa"), before + 1);
    assert_true(
        cg_test_log_wait(&server, "account=dawa", "method=compound.enter", "NOT_FOUND", NULL));
    (void)state;
}

/* A request id is the client's to choose: the largest the wire check lets
 * through (2^63 - 1) is recorded as it is and the log stays readable. */
static void test_largest_request_id(void **state)
{
    cg_test_raw r;
    cg_test_raw_open_as(&r, &server, "shuangtaizi");
    assert_true(cg_test_raw_hello(&r));
    Chengguan__V1__Officer o = CHENGGUAN__V1__OFFICER__INIT;
    o.name = "大号员";
    o.unit = "shuangtaizi";
    o.phone = "13600007777";
    uint8_t key[16] = {0xdd, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    Chengguan__V1__OfficerAdd add = CHENGGUAN__V1__OFFICER_ADD__INIT;
    add.officer = &o;
    add.idempotency_key.data = key;
    add.idempotency_key.len = sizeof key;
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = INT64_MAX;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_OFFICER_ADD;
    env.officer_add = &add;
    assert_int_equal(cg_test_raw_send_env(&r, &env), 0);
    cg_envelope *got = cg_test_raw_recv(&r, 10000);
    assert_non_null(got);
    if (got->body_case == CHENGGUAN__V1__ENVELOPE__BODY_ERROR)
        fail_msg("%s", got->error->message);
    assert_int_equal(got->body_case, CHENGGUAN__V1__ENVELOPE__BODY_OFFICER);
    assert_true(got->id == INT64_MAX);
    cg_envelope_free(got, NULL);
    cg_test_raw_close(&r);

    json_t *all = audit_entries("hq", "{\"account\": \"shuangtaizi\"}");
    assert_int_equal(json_array_size(all), 1);
    assert_true(json_integer_value(json_object_get(json_array_get(all, 0), "request_id")) ==
                INT64_MAX);
    json_decref(all);
    (void)state;
}

static void test_append_only(void **state)
{
    size_t before = count_of("dawa");
    assert_true(before > 0);
    assert_int_not_equal(cg_test_sql(&server, "UPDATE audit_log SET account = 'hq'"), 0);
    assert_int_not_equal(cg_test_sql(&server, "UPDATE audit_log SET summary = ''"), 0);
    assert_int_not_equal(cg_test_sql(&server, "DELETE FROM audit_log"), 0);
    assert_int_not_equal(cg_test_sql(&server, "TRUNCATE audit_log"), 0);
    assert_int_equal(count_of("dawa"), before);
    (void)state;
}

static void test_who_reads(void **state)
{
    json_t *j = json_object();
    ProtobufCMessage *m = cg_proto_from_json(&chengguan__v1__audit_list__descriptor, j, NULL, 0);
    json_decref(j);
    const char *refused[] = {"xinglongtai", "property-demo", "hotline"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        cg_message_free(cg_test_call(&server, refused[i], m, CG_EPERMISSION_DENIED, NULL));
    protobuf_c_message_free_unpacked(m, NULL);

    /* filters: type, account, period, paging */
    json_t *all = audit_entries("supervision", "{\"type\": \"case.move\"}");
    assert_int_equal(json_array_size(all), 4);
    json_decref(all);
    /* a record keyed by its name or date is named by it */
    all = audit_entries("supervision", "{\"type\": \"account.add\"}");
    assert_int_equal(json_array_size(all), 1);
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(all, 0), "summary")),
                           "name=audit-officer"));
    json_decref(all);
    all = audit_entries("supervision", "{\"type\": \"calendar_holiday_add\"}");
    assert_int_equal(json_array_size(all), 1);
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(all, 0), "summary")),
                           "date=2099-10-02"));
    json_decref(all);
    all = audit_entries("supervision", "{\"type\": \"case_move\", \"account\": \"hq\"}");
    assert_int_equal(json_array_size(all), 0);
    json_decref(all);
    all = audit_entries("supervision", "{\"to\": \"2021-01-01\"}");
    assert_int_equal(json_array_size(all), 0);
    json_decref(all);
    json_t *today = audit_entries("supervision", "{\"from\": \"2021-01-01T00:00\"}");
    json_t *every = audit_entries("supervision", NULL);
    assert_int_equal(json_array_size(today), json_array_size(every));
    json_decref(today);
    json_decref(every);
    j = json_loads("{\"from\": \"2021-02-30\"}", 0, NULL);
    m = cg_proto_from_json(&chengguan__v1__audit_list__descriptor, j, NULL, 0);
    json_decref(j);
    cg_message_free(cg_test_call(&server, "hq", m, CG_EINVALID_ARGUMENT, "from"));
    protobuf_c_message_free_unpacked(m, NULL);

    /* the CLI: in Chinese, times in Beijing time */
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 0,
                                      "--as supervision audit list --type compound.add --limit 1",
                                      out, sizeof out),
                     0);
    assert_non_null(strstr(out, "请求类型"));
    assert_non_null(strstr(out, "compound.add"));
    assert_non_null(strstr(out, "xinglongtai"));
    cg_test_cli_exits(&server, 0, out, sizeof out, "--as hq --json audit list --account dawa");
    assert_non_null(strstr(out, "bb0000000000000000000000000000aa"));
    cg_test_cli_exits(&server, 2, out, sizeof out, "--as dawa audit list");
    assert_non_null(strstr(out, "PERMISSION_DENIED"));
    (void)state;
}

int main(void)
{
    cg_test_server_init(&server, "audit", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walk),
        cmocka_unit_test(test_retry_and_refusal),
        cmocka_unit_test(test_largest_request_id),
        cmocka_unit_test(test_append_only),
        cmocka_unit_test(test_who_reads),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
