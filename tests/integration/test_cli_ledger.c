/*
 * The ledger through the CLI, as a clerk uses it: a CSV saved by Excel in
 * GBK is imported, Chinese text comes back unchanged, tables line up by
 * display width, export and import round-trip, and bad files are refused
 * with their line numbers and nothing applied.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <iconv.h>
#include <jansson.h>

#include "harness.h"
#include "width.h"

static cg_test_server server;
static char out[1 << 20];

static const char header[] =
    "name,district,street,community,address,households,buildings,management_status,"
    "property_company,property_manager,property_phone,street_contact,street_phone,"
    "community_contact,community_phone\n";

/* Writes text to the test's directory as name, converted to charset. */
static const char *write_file(const char *name, const char *text, const char *charset)
{
    static char path[800];
    snprintf(path, sizeof path, "%s/%s", server.dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (strcmp(charset, "UTF-8") == 0) {
        fputs(text, f);
    } else {
        iconv_t cd = iconv_open(charset, "UTF-8");
        assert_true(cd != (iconv_t)-1);
        char buf[8192], *in = (char *)text, *o = buf;
        size_t inleft = strlen(text), outleft = sizeof buf;
        assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
        iconv_close(cd);
        fwrite(buf, 1, sizeof buf - outleft, f);
    }
    fclose(f);
    return path;
}

/* The CLI with printf-style arguments, its output in out. */
#define cli(...) cg_test_clif(&server, out, sizeof out, __VA_ARGS__)

static void test_gbk_file_imports_and_chinese_round_trips(void **state)
{
    char csv[4096];
    snprintf(
        csv, sizeof csv,
        "%s"
        "渤海明珠,兴隆台区,渤海街道,明珠社区,盘锦市兴隆台区渤海路 1 号,800,12,property_company,"
        "盘锦万家物业有限公司,刘洋,13840011111,陈刚,0427-2811111,周敏,13904271111\n"
        "\"油田小区, 三区\",xinglongtai,兴隆街道,油田社区,\"盘锦市 \"\"老\"\"油田路\",450,9,"
        "self_managed,,,,吴海,0427-2812222,郑红,13904272222\n",
        header);
    const char *path = write_file("gbk.csv", csv, "GBK");
    assert_int_equal(cli("--as xinglongtai compound import %s", path), 0);
    assert_non_null(strstr(out, "2 created"));

    assert_int_equal(cli("--as xinglongtai --json compound list"), 0);
    int found = 0;
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        json_t *o = json_loads(line, 0, NULL);
        assert_non_null(o);
        const char *name = json_string_value(json_object_get(o, "name"));
        if (strcmp(name, "油田小区, 三区") == 0) {
            found++;
            assert_string_equal(json_string_value(json_object_get(o, "address")),
                                "盘锦市 \"老\"油田路");
            assert_string_equal(json_string_value(json_object_get(o, "management_status")),
                                "self_managed");
        } else if (strcmp(name, "渤海明珠") == 0) {
            found++;
            assert_string_equal(json_string_value(json_object_get(o, "property_company")),
                                "盘锦万家物业有限公司");
        }
        json_decref(o);
    }
    assert_int_equal(found, 2);
}

static void test_table_columns_line_up(void **state)
{
    assert_int_equal(cli("--as hq compound list --district xinglongtai"), 0);
    /* In every row, the district (column 3, by its Chinese name) starts at
     * the same display column, whatever Chinese names stand before it. */
    long col = -1;
    int rows = 0;
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        char *at = strstr(line, "兴隆台区");
        if (at == NULL)
            continue;
        char save = *at;
        *at = '\0';
        long w = (long)cg_display_width(line);
        *at = save;
        if (col < 0)
            col = w;
        assert_int_equal(w, col);
        rows++;
    }
    assert_true(rows >= 2);
}

static void test_export_import_round_trip(void **state)
{
    assert_int_equal(cli("--as xinglongtai compound export --format csv"), 0);
    assert_non_null(strstr(out, "id,name,district"));
    assert_non_null(strstr(out, "\"油田小区, 三区\""));
    const char *path = write_file("export.csv", out, "UTF-8");
    assert_int_equal(cli("--as xinglongtai compound import %s", path), 0);
    assert_non_null(strstr(out, "0 created, 0 updated, 2 unchanged"));
}

/* As an office opens it in Excel: Chinese headings after a UTF-8 BOM, the
 * grid officer, entry and notice-board columns; read back unchanged. */
static void test_export_zh_with_bom_round_trips(void **state)
{
    assert_int_equal(cli("--as xinglongtai compound export --headings zh"), 0);
    assert_memory_equal(out, "\xEF\xBB\xBF编号,小区名称,区,街道,社区,", 3 + 38);
    assert_non_null(strstr(out, ",网格员,网格员电话,进驻日期,公示牌设置日期,"));
    const char *path = write_file("export-zh.csv", out, "UTF-8");
    assert_int_equal(cli("--as xinglongtai compound import %s", path), 0);
    assert_non_null(strstr(out, "0 created, 0 updated, 2 unchanged"));
    assert_int_equal(cli("--as xinglongtai compound export --headings zh --no-bom"), 0);
    assert_memory_equal(out, "编号,", 7);
    assert_int_equal(cli("--as xinglongtai compound export --bom"), 0);
    assert_memory_equal(out, "\xEF\xBB\xBFid,name,", 11);
    assert_int_equal(cli("--as xinglongtai compound export --headings fr"), 1);
}

static void test_bad_files_name_their_lines_and_change_nothing(void **state)
{
    char csv[4096];
    /* Found by the CLI before anything is sent: exit 1. */
    snprintf(csv, sizeof csv,
             "%s"
             "甲小区,dawa,街道,社区,地址,10,1,none,,,,张,13904270001,李,13904270002\n"
             "乙小区,dawa,街道,社区,地址,many,1,none,,,,张,13904270001,李,13904270002\n",
             header);
    assert_int_equal(cli("--as dawa compound import %s", write_file("bad1.csv", csv, "UTF-8")), 1);
    /* Found by the server: exit 2, every bad row listed, nothing applied. */
    snprintf(csv, sizeof csv,
             "%s"
             "丙小区,dawa,街道,社区,地址,10,1,none,,,,张,12-34,李,13904270002\n"
             "丁小区,dawa,街道,社区,地址,10,1,none,,,,张,13904270001,李,13904270002\n"
             "戊小区,atlantis,街道,社区,地址,10,1,none,,,,张,13904270001,李,13904270002\n",
             header);
    assert_int_equal(cli("--as dawa compound import %s", write_file("bad2.csv", csv, "UTF-8")), 2);
    char err[4096] = "";
    char errpath[800];
    snprintf(errpath, sizeof errpath, "%s/cli.err", server.dir);
    FILE *f = fopen(errpath, "r");
    assert_non_null(f);
    size_t n = fread(err, 1, sizeof err - 1, f);
    err[n] = '\0';
    fclose(f);
    assert_non_null(strstr(err, "line 2: street_phone"));
    assert_non_null(strstr(err, "line 4: district"));
    assert_int_equal(cli("--as dawa --json compound list"), 0);
    assert_null(strstr(out, "丁小区"));
}

static void test_refusals_exit_2(void **state)
{
    assert_int_equal(cli("--as hotline compound add --name 热线小区 --district dawa"), 2);
    assert_int_equal(cli("--as supervision compound add --name 督查小区 --district dawa"), 2);
    assert_int_equal(cli("--as dawa compound add --name 重名 --district dawa"), 0);
    assert_int_equal(cli("--as dawa compound add --name 重名 --district dawa"), 2);
    assert_int_equal(cli("--as dawa compound add --name 负数 --district dawa --households -3"), 2);
    assert_int_equal(cli("--as dawa compound add --name 坏数 --district dawa --households x"), 1);
}

int main(void)
{
    cg_test_server_init(&server, "cli_ledger", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gbk_file_imports_and_chinese_round_trips),
        cmocka_unit_test(test_table_columns_line_up),
        cmocka_unit_test(test_export_import_round_trip),
        cmocka_unit_test(test_export_zh_with_bom_round_trips),
        cmocka_unit_test(test_bad_files_name_their_lines_and_change_nothing),
        cmocka_unit_test(test_refusals_exit_2),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
