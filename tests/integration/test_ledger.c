/*
 * The compound ledger through the library (cg_call), against a real server
 * and database: who may do what (and that a refusal changes nothing), bad
 * input naming its field, idempotent retries, history of every change, the
 * grid, entry, notice boards, publicity, the summary and import.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;

static ProtobufCMessage *call(const char *account, ProtobufCMessage *req, int want,
                              const char *want_field)
{
    return cg_test_call(&server, account, req, want, want_field);
}

static Chengguan__V1__Compound compound_template(const char *name, const char *district,
                                                 const char *community)
{
    Chengguan__V1__Compound c = CHENGGUAN__V1__COMPOUND__INIT;
    c.name = (char *)name;
    c.district = (char *)district;
    c.street = "兴隆街道";
    c.community = (char *)community;
    c.address = "盘锦市兴隆台区惠宾大街 88 号";
    c.households = 1200;
    c.buildings = 24;
    c.management_status = "property_company";
    c.property_company = "盘锦锦华物业服务有限公司";
    c.property_manager = "王丽";
    c.property_phone = "13840012345";
    c.street_contact = "张强";
    c.street_phone = "0427-2812345";
    c.community_contact = "李娜";
    c.community_phone = "13904270001";
    return c;
}

/* Adds a compound; returns its id. */
static uint64_t add(const char *account, Chengguan__V1__Compound *c)
{
    Chengguan__V1__CompoundAdd req = CHENGGUAN__V1__COMPOUND_ADD__INIT;
    req.compound = c;
    Chengguan__V1__Compound *got = (Chengguan__V1__Compound *)call(account, &req.base, 0, NULL);
    uint64_t id = got->id;
    cg_message_free(&got->base);
    return id;
}

static Chengguan__V1__Compound *get(const char *account, uint64_t id, int want)
{
    Chengguan__V1__CompoundGet req = CHENGGUAN__V1__COMPOUND_GET__INIT;
    req.id = id;
    return (Chengguan__V1__Compound *)call(account, &req.base, want, NULL);
}

static size_t history_length(uint64_t id)
{
    Chengguan__V1__CompoundHistory req = CHENGGUAN__V1__COMPOUND_HISTORY__INIT;
    req.id = id;
    Chengguan__V1__CompoundHistoryReply *h =
        (Chengguan__V1__CompoundHistoryReply *)call("hq", &req.base, 0, NULL);
    size_t n = h->n_entries;
    cg_message_free(&h->base);
    return n;
}

static void test_add_and_show_round_trip_chinese(void **state)
{
    Chengguan__V1__Compound c = compound_template("锦绣华城", "兴隆台区", "锦绣社区");
    uint64_t id = add("xinglongtai", &c);
    Chengguan__V1__Compound *got = get("xinglongtai", id, 0);
    assert_string_equal(got->name, "锦绣华城");
    assert_string_equal(got->district, "xinglongtai"); /* the Chinese name was an alias */
    assert_string_equal(got->unit, "xinglongtai");
    assert_string_equal(got->address, "盘锦市兴隆台区惠宾大街 88 号");
    assert_string_equal(got->property_company, "盘锦锦华物业服务有限公司");
    assert_true(got->complete);
    assert_int_equal(got->n_missing, 0);
    assert_true(got->board_missing);
    assert_string_equal(got->entered_on, "");
    assert_int_equal(got->version, 1);
    cg_message_free(&got->base);
    assert_int_equal(history_length(id), 1); /* "created" */
}

static void test_scope_and_roles(void **state)
{
    Chengguan__V1__Compound c = compound_template("双台花园", "shuangtaizi", "双台社区");
    c.property_account = "property-demo";
    uint64_t id = add("shuangtaizi", &c);

    /* Another unit neither sees nor changes it (to it, the compound does not
     * exist), nor adds in a district not its own. */
    get("dawa", id, CG_ENOT_FOUND);
    Chengguan__V1__Compound other = compound_template("越界小区", "shuangtaizi", "双台社区");
    Chengguan__V1__CompoundAdd add_req = CHENGGUAN__V1__COMPOUND_ADD__INIT;
    add_req.compound = &other;
    call("dawa", &add_req.base, CG_EPERMISSION_DENIED, NULL);

    Chengguan__V1__Compound values = CHENGGUAN__V1__COMPOUND__INIT;
    values.households = 1;
    char *fields[] = {"households"};
    Chengguan__V1__CompoundUpdate upd = CHENGGUAN__V1__COMPOUND_UPDATE__INIT;
    upd.id = id;
    upd.values = &values;
    upd.fields = fields;
    upd.n_fields = 1;
    call("dawa", &upd.base, CG_ENOT_FOUND, "id");
    call("supervision", &upd.base, CG_EPERMISSION_DENIED, NULL); /* inspects, does not edit */
    call("hotline", &upd.base, CG_EPERMISSION_DENIED, NULL);
    call("property-demo", &upd.base, CG_EPERMISSION_DENIED, NULL);

    /* hq, supervision, the hotline and the linked property company all see it. */
    const char *readers[] = {"hq", "supervision", "hotline", "property-demo"};
    for (size_t i = 0; i < 4; i++)
        cg_message_free(&get(readers[i], id, 0)->base);

    /* Demonstration status: hq and supervision only. */
    Chengguan__V1__CompoundDemo demo = CHENGGUAN__V1__COMPOUND_DEMO__INIT;
    demo.id = id;
    demo.demo = 1;
    call("shuangtaizi", &demo.base, CG_EPERMISSION_DENIED, NULL);
    Chengguan__V1__Compound *after =
        (Chengguan__V1__Compound *)call("supervision", &demo.base, 0, NULL);
    assert_true(after->demo);
    cg_message_free(&after->base);

    /* The hotline may list and show, nothing more. */
    Chengguan__V1__CompoundHistory hist = CHENGGUAN__V1__COMPOUND_HISTORY__INIT;
    hist.id = id;
    call("hotline", &hist.base, CG_EPERMISSION_DENIED, NULL);

    /* Nothing the refusals touched has changed: created + demo only. */
    Chengguan__V1__Compound *now = get("hq", id, 0);
    assert_int_equal(now->households, 1200);
    assert_int_equal(now->version, 2);
    cg_message_free(&now->base);
    assert_int_equal(history_length(id), 2);
}

static void test_property_company_sees_only_its_compounds(void **state)
{
    Chengguan__V1__Compound mine = compound_template("物业自管一号", "dawa", "大洼社区");
    mine.property_account = "property-demo";
    uint64_t mine_id = add("dawa", &mine);
    Chengguan__V1__Compound theirs = compound_template("别家小区", "dawa", "大洼社区");
    uint64_t theirs_id = add("dawa", &theirs);

    get("property-demo", theirs_id, CG_ENOT_FOUND);
    Chengguan__V1__CompoundList list = CHENGGUAN__V1__COMPOUND_LIST__INIT;
    Chengguan__V1__CompoundListReply *r =
        (Chengguan__V1__CompoundListReply *)call("property-demo", &list.base, 0, NULL);
    int saw_mine = 0;
    for (size_t i = 0; i < r->n_compounds; i++) {
        assert_string_equal(r->compounds[i]->property_account, "property-demo");
        saw_mine |= r->compounds[i]->id == mine_id;
    }
    assert_true(saw_mine);
    cg_message_free(&r->base);

    /* A unit lists its own district only; naming another unit is refused. */
    r = (Chengguan__V1__CompoundListReply *)call("dawa", &list.base, 0, NULL);
    for (size_t i = 0; i < r->n_compounds; i++)
        assert_string_equal(r->compounds[i]->district, "dawa");
    cg_message_free(&r->base);
    list.unit = "xinglongtai";
    call("dawa", &list.base, CG_EPERMISSION_DENIED, NULL);
}

static void expect_invalid(Chengguan__V1__Compound *c, const char *field)
{
    Chengguan__V1__CompoundAdd req = CHENGGUAN__V1__COMPOUND_ADD__INIT;
    req.compound = c;
    call("hq", &req.base, CG_EINVALID_ARGUMENT, field);
}

static void test_bad_input_names_the_field(void **state)
{
    char long_name[400] = "";
    for (int i = 0; i < 101; i++)
        strcat(long_name, "长");
    Chengguan__V1__Compound c;
    c = compound_template("", "dawa", "社区");
    expect_invalid(&c, "name");
    c = compound_template("   ", "dawa", "社区");
    expect_invalid(&c, "name");
    c = compound_template(long_name, "dawa", "社区");
    expect_invalid(&c, "name");
    c = compound_template("好名字", "atlantis", "社区");
    expect_invalid(&c, "district");
    c = compound_template("好名字", "dawa", "社区");
    c.households = -1;
    expect_invalid(&c, "households");
    c = compound_template("好名字", "dawa", "社区");
    c.street_phone = "12-34";
    expect_invalid(&c, "street_phone");
    c = compound_template("好名字", "dawa", "社区");
    c.management_status = "outsourced";
    expect_invalid(&c, "management_status");
    c = compound_template("好名字", "dawa", "社区");
    c.property_account = "hq"; /* not a property company */
    expect_invalid(&c, "property_account");

    /* The same name twice in one community. */
    c = compound_template("重名小区", "panshan", "胡家社区");
    add("panshan", &c);
    Chengguan__V1__CompoundAdd req = CHENGGUAN__V1__COMPOUND_ADD__INIT;
    req.compound = &c;
    call("panshan", &req.base, CG_EALREADY_EXISTS, NULL);
    /* ...and in another community of the district it is most often the same
     * one typed twice: refused, naming the existing one, unless forced. */
    c.community = "石新社区";
    call("panshan", &req.base, CG_EALREADY_EXISTS, "name");
    cg_client *pc = cg_test_as(&server, "panshan");
    assert_string_equal(cg_client_error_reason(pc), "compound.name_in_district");
    assert_string_equal(cg_client_error_param(pc, "community"), "胡家社区");
    assert_string_equal(cg_client_error_param(pc, "name"), "重名小区");
    assert_non_null(cg_client_error_param(pc, "id"));
    req.force = 1;
    cg_message_free(call("panshan", &req.base, 0, NULL));
}

static void test_dates_are_checked(void **state)
{
    Chengguan__V1__Compound c = compound_template("日期小区", "liaodongwan", "荣兴社区");
    uint64_t id = add("liaodongwan", &c);
    Chengguan__V1__PublicityRecord p = CHENGGUAN__V1__PUBLICITY_RECORD__INIT;
    p.compound_id = id;
    p.notices = 10;
    p.letters = 5;
    const char *bad[] = {"2021/02/01", "2021-2-1", "2021-02-30", "2020-12-31", "2099-01-01", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p.date = (char *)bad[i];
        call("liaodongwan", &p.base, CG_EINVALID_ARGUMENT, "date");
    }
    p.date = "2021-01-30";
    Chengguan__V1__Publicity *rec =
        (Chengguan__V1__Publicity *)call("liaodongwan", &p.base, 0, NULL);
    assert_int_equal(rec->notices, 10);
    assert_string_equal(rec->date, "2021-01-30");
    cg_message_free(&rec->base);
}

static void test_retried_key_changes_nothing_twice(void **state)
{
    Chengguan__V1__Compound c = compound_template("幂等小区", "xinglongtai", "振兴社区");
    Chengguan__V1__CompoundAdd req = CHENGGUAN__V1__COMPOUND_ADD__INIT;
    uint8_t key[16];
    assert_int_equal(cg_idempotency_key(key), 0);
    req.idempotency_key.data = key;
    req.idempotency_key.len = sizeof key;
    req.compound = &c;
    Chengguan__V1__Compound *a = (Chengguan__V1__Compound *)call("xinglongtai", &req.base, 0, NULL);
    Chengguan__V1__Compound *b = (Chengguan__V1__Compound *)call("xinglongtai", &req.base, 0, NULL);
    assert_int_equal(a->id, b->id);
    assert_string_equal(a->created_at, b->created_at);
    assert_int_equal(history_length(a->id), 1);

    /* The same key for a different request is refused. */
    c.name = "另一个小区";
    call("xinglongtai", &req.base, CG_EINVALID_ARGUMENT, "idempotency_key");
    cg_message_free(&a->base);
    cg_message_free(&b->base);

    /* A key must be 16 bytes at least. */
    req.idempotency_key.len = 8;
    call("xinglongtai", &req.base, CG_EINVALID_ARGUMENT, "idempotency_key");
}

static void test_update_keeps_history(void **state)
{
    Chengguan__V1__Compound c = compound_template("历史小区", "xinglongtai", "友谊社区");
    uint64_t id = add("xinglongtai", &c);
    Chengguan__V1__Compound values = CHENGGUAN__V1__COMPOUND__INIT;
    values.households = 1300;
    values.address = "新地址 1 号";
    values.name = "历史小区"; /* unchanged: no history row */
    char *fields[] = {"households", "address", "name"};
    Chengguan__V1__CompoundUpdate upd = CHENGGUAN__V1__COMPOUND_UPDATE__INIT;
    upd.id = id;
    upd.values = &values;
    upd.fields = fields;
    upd.n_fields = 3;
    Chengguan__V1__Compound *got =
        (Chengguan__V1__Compound *)call("xinglongtai", &upd.base, 0, NULL);
    assert_int_equal(got->households, 1300);
    assert_int_equal(got->version, 2);
    cg_message_free(&got->base);

    Chengguan__V1__CompoundHistory hq = CHENGGUAN__V1__COMPOUND_HISTORY__INIT;
    hq.id = id;
    Chengguan__V1__CompoundHistoryReply *h =
        (Chengguan__V1__CompoundHistoryReply *)call("xinglongtai", &hq.base, 0, NULL);
    assert_int_equal(h->n_entries, 3);
    int saw_households = 0;
    for (size_t i = 0; i < h->n_entries; i++)
        if (strcmp(h->entries[i]->field, "households") == 0) {
            saw_households = 1;
            assert_string_equal(h->entries[i]->old_value, "1200");
            assert_string_equal(h->entries[i]->new_value, "1300");
            assert_string_equal(h->entries[i]->account, "xinglongtai");
            assert_true(strlen(h->entries[i]->at) > 0);
        }
    assert_true(saw_households);
    cg_message_free(&h->base);

    /* Optimistic concurrency: an old version is refused. */
    upd.expected_version = 1;
    call("xinglongtai", &upd.base, CG_EABORTED, NULL);
    /* Unknown or read-only field names are refused. */
    upd.expected_version = 0;
    char *bad_fields[] = {"entered_on"};
    upd.fields = bad_fields;
    upd.n_fields = 1;
    call("xinglongtai", &upd.base, CG_EINVALID_ARGUMENT, "fields");
}

static uint64_t add_officer(const char *account, const char *name, const char *unit)
{
    Chengguan__V1__Officer o = CHENGGUAN__V1__OFFICER__INIT;
    o.name = (char *)name;
    o.unit = (char *)unit;
    o.phone = "13500001111";
    Chengguan__V1__OfficerAdd req = CHENGGUAN__V1__OFFICER_ADD__INIT;
    req.officer = &o;
    Chengguan__V1__Officer *got = (Chengguan__V1__Officer *)call(account, &req.base, 0, NULL);
    uint64_t id = got->id;
    assert_string_equal(got->name, name);
    cg_message_free(&got->base);
    return id;
}

static void test_grid_entry_and_board(void **state)
{
    Chengguan__V1__Compound c = compound_template("网格小区", "xinglongtai", "新工社区");
    uint64_t id = add("xinglongtai", &c);
    uint64_t mine = add_officer("xinglongtai", "赵队员", "xinglongtai");
    uint64_t theirs = add_officer("dawa", "钱队员", "dawa");

    /* Entry needs a grid officer first. */
    Chengguan__V1__CompoundEnter enter = CHENGGUAN__V1__COMPOUND_ENTER__INIT;
    enter.id = id;
    enter.date = "2021-02-20";
    call("xinglongtai", &enter.base, CG_EFAILED_PRECONDITION, NULL);

    Chengguan__V1__GridAssign assign = CHENGGUAN__V1__GRID_ASSIGN__INIT;
    assign.compound_id = id;
    assign.officer_id = theirs;
    call("xinglongtai", &assign.base, CG_ENOT_FOUND, "officer_id"); /* another unit's */
    assign.officer_id = mine;
    Chengguan__V1__Compound *got =
        (Chengguan__V1__Compound *)call("xinglongtai", &assign.base, 0, NULL);
    assert_int_equal(got->grid_officer_id, mine);
    assert_string_equal(got->grid_officer_name, "赵队员");
    cg_message_free(&got->base);

    got = (Chengguan__V1__Compound *)call("xinglongtai", &enter.base, 0, NULL);
    assert_string_equal(got->entered_on, "2021-02-20");
    cg_message_free(&got->base);
    enter.date = "2021-03-01";
    call("xinglongtai", &enter.base, CG_EFAILED_PRECONDITION, NULL); /* once only */

    /* A new grid officer: the earlier one stays in the history. */
    uint64_t second = add_officer("xinglongtai", "孙队员", "兴隆台分局");
    assign.officer_id = second;
    cg_message_free(call("xinglongtai", &assign.base, 0, NULL));
    Chengguan__V1__CompoundHistory hq = CHENGGUAN__V1__COMPOUND_HISTORY__INIT;
    hq.id = id;
    Chengguan__V1__CompoundHistoryReply *h =
        (Chengguan__V1__CompoundHistoryReply *)call("hq", &hq.base, 0, NULL);
    int grid_changes = 0;
    for (size_t i = 0; i < h->n_entries; i++)
        if (strcmp(h->entries[i]->field, "grid_officer") == 0) {
            grid_changes++;
            if (grid_changes == 2)
                assert_non_null(strstr(h->entries[i]->old_value, "赵队员"));
        }
    assert_int_equal(grid_changes, 2);
    cg_message_free(&h->base);

    /* Notice board: all four values, or INVALID_ARGUMENT naming the missing one. */
    Chengguan__V1__BoardSet board = CHENGGUAN__V1__BOARD_SET__INIT;
    board.compound_id = id;
    board.installed_on = "2021-03-05";
    board.duties = "负责小区内违法建设、占用消防通道等行为的查处";
    board.contact_phone = "13500001111";
    call("xinglongtai", &board.base, CG_EINVALID_ARGUMENT, "supervision_phone");
    board.supervision_phone = "12319";
    got = (Chengguan__V1__Compound *)call("xinglongtai", &board.base, 0, NULL);
    assert_false(got->board_missing);
    assert_string_equal(got->board_duties, "负责小区内违法建设、占用消防通道等行为的查处");
    cg_message_free(&got->base);
}

static void test_summary_counts(void **state)
{
    Chengguan__V1__LedgerSummary req = CHENGGUAN__V1__LEDGER_SUMMARY__INIT;
    Chengguan__V1__LedgerSummaryReply *r =
        (Chengguan__V1__LedgerSummaryReply *)call("supervision", &req.base, 0, NULL);
    assert_int_equal(r->n_units, 5);
    uint32_t sum = 0;
    for (size_t i = 0; i < r->n_units; i++) {
        sum += r->units[i]->compounds;
        assert_true(r->units[i]->entered_share >= 0 && r->units[i]->entered_share <= 1);
    }
    assert_non_null(r->total);
    assert_int_equal(r->total->compounds, sum);
    cg_message_free(&r->base);

    /* A unit sees its own line only. */
    r = (Chengguan__V1__LedgerSummaryReply *)call("dawa", &req.base, 0, NULL);
    assert_int_equal(r->n_units, 1);
    assert_string_equal(r->units[0]->unit, "dawa");
    cg_message_free(&r->base);
}

static void test_import_is_all_or_nothing(void **state)
{
    Chengguan__V1__Compound a = compound_template("导入一号", "shuangtaizi", "导入社区");
    Chengguan__V1__Compound b = compound_template("导入二号", "shuangtaizi", "导入社区");
    b.households = -5;
    Chengguan__V1__Compound c = compound_template("导入三号", "shuangtaizi", "导入社区");
    c.community_phone = "phone";
    Chengguan__V1__ImportRow rows[3] = {CHENGGUAN__V1__IMPORT_ROW__INIT,
                                        CHENGGUAN__V1__IMPORT_ROW__INIT,
                                        CHENGGUAN__V1__IMPORT_ROW__INIT};
    Chengguan__V1__Compound *cs[] = {&a, &b, &c};
    Chengguan__V1__ImportRow *rowp[3];
    for (int i = 0; i < 3; i++) {
        rows[i].line = (uint32_t)(i + 2);
        rows[i].compound = cs[i];
        rowp[i] = &rows[i];
    }
    Chengguan__V1__CompoundImport imp = CHENGGUAN__V1__COMPOUND_IMPORT__INIT;
    imp.rows = rowp;
    imp.n_rows = 3;
    call("shuangtaizi", &imp.base, CG_EINVALID_ARGUMENT, NULL);
    const char *msg = cg_client_error(cg_test_as(&server, "shuangtaizi"));
    assert_non_null(strstr(msg, "line 3: households"));
    assert_non_null(strstr(msg, "line 4: community_phone"));
    assert_null(strstr(msg, "line 2"));

    /* Nothing was applied: the good row is not there. */
    Chengguan__V1__CompoundList list = CHENGGUAN__V1__COMPOUND_LIST__INIT;
    list.limit = 5000;
    Chengguan__V1__CompoundListReply *r =
        (Chengguan__V1__CompoundListReply *)call("shuangtaizi", &list.base, 0, NULL);
    for (size_t i = 0; i < r->n_compounds; i++)
        assert_string_not_equal(r->compounds[i]->name, "导入一号");
    cg_message_free(&r->base);

    b.households = 50;
    c.community_phone = "0427-6612345";
    Chengguan__V1__CompoundImportReply *ok =
        (Chengguan__V1__CompoundImportReply *)call("shuangtaizi", &imp.base, 0, NULL);
    assert_int_equal(ok->created, 3);
    cg_message_free(&ok->base);
}

/* Imports one row as account; returns the reply, or NULL after checking
 * the refusal. */
static Chengguan__V1__CompoundImportReply *import_one_as(const char *account,
                                                         Chengguan__V1__Compound *c, char **fields,
                                                         size_t n_fields, int want)
{
    Chengguan__V1__ImportRow row = CHENGGUAN__V1__IMPORT_ROW__INIT;
    row.line = 2;
    row.compound = c;
    Chengguan__V1__ImportRow *rows[] = {&row};
    Chengguan__V1__CompoundImport imp = CHENGGUAN__V1__COMPOUND_IMPORT__INIT;
    imp.rows = rows;
    imp.n_rows = 1;
    imp.fields = fields;
    imp.n_fields = n_fields;
    return (Chengguan__V1__CompoundImportReply *)call(account, &imp.base, want,
                                                      want == 0 ? NULL : "rows");
}

static Chengguan__V1__CompoundImportReply *import_one(Chengguan__V1__Compound *c, char **fields,
                                                      size_t n_fields, int want)
{
    return import_one_as("liaodongwan", c, fields, n_fields, want);
}

static void test_import_some_fields_and_closed_rows(void **state)
{
    Chengguan__V1__Compound c = compound_template("部分导入", "liaodongwan", "荣滨社区");
    uint64_t id = add("liaodongwan", &c);

    /* fields = [households]: a row with an id changes households only; its
     * other values (a name here) are not columns and leave the compound be. */
    Chengguan__V1__Compound row = CHENGGUAN__V1__COMPOUND__INIT;
    row.id = id;
    row.households = 1500;
    row.name = "不是这一列";
    char *households[] = {"households"};
    Chengguan__V1__CompoundImportReply *r = import_one(&row, households, 1, 0);
    assert_int_equal(r->created, 0);
    assert_int_equal(r->updated, 1);
    assert_int_equal(r->unchanged, 0);
    cg_message_free(&r->base);
    Chengguan__V1__Compound *got = get("liaodongwan", id, 0);
    assert_int_equal(got->households, 1500);
    assert_string_equal(got->name, "部分导入");
    assert_string_equal(got->district, "liaodongwan");
    assert_string_equal(got->community, "荣滨社区");
    assert_string_equal(got->address, c.address);
    assert_int_equal(got->buildings, 24);
    assert_string_equal(got->management_status, "property_company");
    assert_string_equal(got->property_company, c.property_company);
    assert_string_equal(got->street_phone, c.street_phone);
    assert_string_equal(got->community_phone, c.community_phone);
    assert_true(got->complete);
    assert_int_equal(got->version, 2);
    cg_message_free(&got->base);
    assert_int_equal(history_length(id), 2); /* created, households */

    /* Unknown and read-only names are refused on fields. */
    char *unknown[] = {"households", "colour"};
    Chengguan__V1__ImportRow one = CHENGGUAN__V1__IMPORT_ROW__INIT;
    one.line = 2;
    one.compound = &row;
    Chengguan__V1__ImportRow *rows[] = {&one};
    Chengguan__V1__CompoundImport imp = CHENGGUAN__V1__COMPOUND_IMPORT__INIT;
    imp.rows = rows;
    imp.n_rows = 1;
    imp.fields = unknown;
    imp.n_fields = 2;
    call("liaodongwan", &imp.base, CG_EINVALID_ARGUMENT, "fields");
    char *read_only[] = {"unit"};
    imp.fields = read_only;
    imp.n_fields = 1;
    call("liaodongwan", &imp.base, CG_EINVALID_ARGUMENT, "fields");

    /* A row without an id creates a compound of these fields only: without
     * name and district among them it is refused, as a row without them. */
    Chengguan__V1__Compound fresh = compound_template("新建小区", "liaodongwan", "荣滨社区");
    import_one(&fresh, households, 1, CG_EINVALID_ARGUMENT);
    const char *msg = cg_client_error(cg_test_as(&server, "liaodongwan"));
    assert_non_null(strstr(msg, "line 2: name: must not be empty"));
    assert_non_null(strstr(msg, "line 2: district: must not be empty"));

    /* A closed compound: its row as exported, changing nothing, counts as
     * unchanged; a row that would change it is refused. */
    Chengguan__V1__CompoundClose close = CHENGGUAN__V1__COMPOUND_CLOSE__INIT;
    close.id = id;
    close.date = "2021-06-01";
    cg_message_free(call("liaodongwan", &close.base, 0, NULL));
    Chengguan__V1__Compound *closed = get("liaodongwan", id, 0);
    r = import_one(closed, NULL, 0, 0);
    assert_int_equal(r->unchanged, 1);
    assert_int_equal(r->updated, 0);
    cg_message_free(&r->base);
    r = import_one(closed, households, 1, 0);
    assert_int_equal(r->unchanged, 1);
    cg_message_free(&r->base);
    closed->households = 1501;
    import_one(closed, households, 1, CG_EINVALID_ARGUMENT);
    char want[128];
    snprintf(want, sizeof want, "line 2: id: compound %llu was closed on 2021-06-01",
             (unsigned long long)id);
    assert_non_null(strstr(cg_client_error(cg_test_as(&server, "liaodongwan")), want));
    cg_message_free(&closed->base);
    got = get("liaodongwan", id, 0);
    assert_int_equal(got->households, 1500);
    assert_int_equal(got->version, 3); /* households, closed */
    cg_message_free(&got->base);
}

static void test_closed_compound_is_kept_but_frozen(void **state)
{
    Chengguan__V1__Compound c = compound_template("拆迁小区", "dawa", "田家社区");
    uint64_t id = add("dawa", &c);
    Chengguan__V1__CompoundClose close = CHENGGUAN__V1__COMPOUND_CLOSE__INIT;
    close.id = id;
    close.date = "2021-06-01";
    close.reason = "整体拆迁";
    Chengguan__V1__Compound *got = (Chengguan__V1__Compound *)call("dawa", &close.base, 0, NULL);
    assert_string_equal(got->closed_on, "2021-06-01");
    cg_message_free(&got->base);
    call("dawa", &close.base, CG_EFAILED_PRECONDITION, NULL);
    got = get("dawa", id, 0); /* still there */
    assert_string_equal(got->close_reason, "整体拆迁");
    cg_message_free(&got->base);
}

/* A row out of the caller's scope is answered exactly like a row that does
 * not exist, and no error names another unit's row. */
static void test_out_of_scope_is_answered_as_missing(void **state)
{
    Chengguan__V1__Compound c = compound_template("范围之外", "xinglongtai", "兴隆社区");
    uint64_t id = add("xinglongtai", &c);
    char want[64];

    get("dawa", id, CG_ENOT_FOUND);
    snprintf(want, sizeof want, "compound %llu not found", (unsigned long long)id);
    assert_string_equal(cg_client_error(cg_test_as(&server, "dawa")), want);
    get("dawa", id + 1000000, CG_ENOT_FOUND);
    snprintf(want, sizeof want, "compound %llu not found", (unsigned long long)(id + 1000000));
    assert_string_equal(cg_client_error(cg_test_as(&server, "dawa")), want);

    /* An import naming another unit's compound. */
    Chengguan__V1__Compound row = CHENGGUAN__V1__COMPOUND__INIT;
    row.id = id;
    row.households = 1;
    char *households[] = {"households"};
    import_one_as("dawa", &row, households, 1, CG_EINVALID_ARGUMENT);
    snprintf(want, sizeof want, "line 2: id: compound %llu not found", (unsigned long long)id);
    assert_non_null(strstr(cg_client_error(cg_test_as(&server, "dawa")), want));
    assert_null(strstr(cg_client_error(cg_test_as(&server, "dawa")), "scope"));

    /* A badge another unit's officer has: taken, without naming the officer. */
    Chengguan__V1__Officer o = CHENGGUAN__V1__OFFICER__INIT;
    o.name = "范围之外警员";
    o.unit = "xinglongtai";
    o.phone = "13500001111";
    o.badge = "XLT-范围-1";
    Chengguan__V1__OfficerAdd req = CHENGGUAN__V1__OFFICER_ADD__INIT;
    req.officer = &o;
    Chengguan__V1__Officer *got = (Chengguan__V1__Officer *)call("xinglongtai", &req.base, 0, NULL);
    char officer[32];
    snprintf(officer, sizeof officer, "officer %llu", (unsigned long long)got->id);
    cg_message_free(&got->base);
    o.unit = "dawa";
    call("dawa", &req.base, CG_EALREADY_EXISTS, "badge");
    assert_null(strstr(cg_client_error(cg_test_as(&server, "dawa")), officer));
    (void)state;
}

int main(void)
{
    cg_test_server_init(&server, "ledger", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_and_show_round_trip_chinese),
        cmocka_unit_test(test_scope_and_roles),
        cmocka_unit_test(test_property_company_sees_only_its_compounds),
        cmocka_unit_test(test_bad_input_names_the_field),
        cmocka_unit_test(test_dates_are_checked),
        cmocka_unit_test(test_retried_key_changes_nothing_twice),
        cmocka_unit_test(test_update_keeps_history),
        cmocka_unit_test(test_grid_entry_and_board),
        cmocka_unit_test(test_summary_counts),
        cmocka_unit_test(test_import_is_all_or_nothing),
        cmocka_unit_test(test_import_some_fields_and_closed_rows),
        cmocka_unit_test(test_closed_compound_is_kept_but_frozen),
        cmocka_unit_test(test_out_of_scope_is_answered_as_missing),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
