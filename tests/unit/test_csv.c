/*
 * CSV as compound export writes it and compound import reads it: RFC 4180
 * quoting both ways, line numbers of records that span lines, CRLF/LF/CR,
 * UTF-8 with and without a byte-order mark, GBK converted, the rows of an
 * import with every problem named by line, and the Chinese headings both ways.
 */
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "compound_csv.h"
#include "csv.h"

static char err[512];

static void parse_ok(const char *text, cg_csv *csv)
{
    int rc = cg_csv_parse(text, strlen(text), csv, err, sizeof err);
    if (rc != 0)
        fail_msg("parse failed: %s", err);
}

static void test_plain_records(void **state)
{
    cg_csv csv;
    parse_ok("a,b,c\r\n1,,3\r\n", &csv);
    assert_int_equal(csv.count, 2);
    assert_int_equal(csv.records[0].nfields, 3);
    assert_string_equal(csv.records[0].fields[2], "c");
    assert_string_equal(csv.records[1].fields[1], "");
    assert_int_equal(csv.records[1].line, 2);
    cg_csv_free(&csv);
}

static void test_quoted_fields_and_line_numbers(void **state)
{
    cg_csv csv;
    /* line 1: header; lines 2-4: one record whose second field spans three
     * lines (LF then CRLF inside); line 5: a record; line 6 blank; line 7. */
    parse_ok("h1,h2,h3\n"
             "1,\"two\nlines\r\nthree\",\"a, \"\"quoted\"\" word\"\n"
             "2,\"\",x\n"
             "\n"
             "3,end,\"\"\"\"",
             &csv);
    assert_int_equal(csv.count, 4);
    assert_int_equal(csv.records[1].line, 2);
    assert_string_equal(csv.records[1].fields[1], "two\nlines\r\nthree");
    assert_string_equal(csv.records[1].fields[2], "a, \"quoted\" word");
    assert_int_equal(csv.records[2].line, 5);
    assert_string_equal(csv.records[2].fields[1], "");
    assert_int_equal(csv.records[3].line, 7);
    assert_string_equal(csv.records[3].fields[2], "\"");
    cg_csv_free(&csv);
}

static void test_line_endings(void **state)
{
    cg_csv csv;
    parse_ok("a,b\rc,d\ne,f\r\ng,", &csv);
    assert_int_equal(csv.count, 4);
    assert_int_equal(csv.records[1].line, 2);
    assert_int_equal(csv.records[2].line, 3);
    assert_int_equal(csv.records[3].line, 4);
    assert_int_equal(csv.records[3].nfields, 2); /* a trailing comma opens an empty field */
    assert_string_equal(csv.records[3].fields[1], "");
    cg_csv_free(&csv);
}

static void test_parse_errors(void **state)
{
    cg_csv csv;
    const char *open = "a,b\n1,\"never\nclosed\n";
    assert_int_equal(cg_csv_parse(open, strlen(open), &csv, err, sizeof err), -1);
    assert_string_equal(err, "line 2: quoted field not closed");
    assert_int_equal(csv.count, 0);
    const char *after = "a,b\n\"x\"y,2\n";
    assert_int_equal(cg_csv_parse(after, strlen(after), &csv, err, sizeof err), -1);
    assert_string_equal(err, "line 2: text after the closing quote of a field");
}

/* Writes rows with cg_csv_write_row into memory and returns the text. */
static char *write_rows(const char *const *fields, size_t nrows, size_t ncols)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    for (size_t r = 0; r < nrows; r++)
        assert_int_equal(cg_csv_write_row(out, fields + r * ncols, ncols), 0);
    fclose(out);
    return text;
}

static void test_write_quotes_only_where_needed(void **state)
{
    const char *row[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "兴隆台", ""};
    char *text = write_rows(row, 1, 6);
    assert_string_equal(text, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",兴隆台,\r\n");
    free(text);
}

static void test_round_trip(void **state)
{
    const char *rows[] = {
        "id", "name",       "note",
        "1",  "兴隆小区",   "a, b",
        "2",  "\"quoted\"", "line one\nline two",
        "3",  "CR\r\nLF",   "",
        "",   "  spaces  ", "石油街道，全角逗号",
    };
    char *text = write_rows(rows, 5, 3);
    cg_csv csv;
    parse_ok(text, &csv);
    assert_int_equal(csv.count, 5);
    for (size_t r = 0; r < 5; r++) {
        assert_int_equal(csv.records[r].nfields, 3);
        for (size_t c = 0; c < 3; c++)
            assert_string_equal(csv.records[r].fields[c], rows[r * 3 + c]);
    }
    /* Line numbers count the line breaks inside quoted fields. */
    assert_int_equal(csv.records[2].line, 3);
    assert_int_equal(csv.records[3].line, 5);
    assert_int_equal(csv.records[4].line, 7);
    cg_csv_free(&csv);
    free(text);
}

/* --- encodings ----------------------------------------------------------- */

static char *to_gbk(const char *utf8, size_t *len)
{
    iconv_t cd = iconv_open("GBK", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inleft = strlen(utf8), outleft = inleft * 2 + 1;
    char *out = malloc(outleft), *o = out, *in = (char *)utf8;
    assert_int_not_equal(iconv(cd, &in, &inleft, &o, &outleft), (size_t)-1);
    iconv_close(cd);
    *len = (size_t)(o - out);
    return out;
}

static void test_decode_utf8_and_bom(void **state)
{
    const char *encoding;
    char *text;
    size_t len;
    const char *plain = "name\n兴隆小区\n";
    assert_int_equal(cg_csv_decode(plain, strlen(plain), &text, &len, &encoding, err, sizeof err),
                     0);
    assert_string_equal(text, plain);
    assert_string_equal(encoding, "UTF-8");
    free(text);
    const char *bom = "\xEF\xBB\xBFname\n兴隆小区\n";
    assert_int_equal(cg_csv_decode(bom, strlen(bom), &text, &len, &encoding, err, sizeof err), 0);
    assert_string_equal(text, plain);
    assert_int_equal(len, strlen(plain));
    free(text);
    /* Four-byte sequences are UTF-8; a surrogate (ED A0 80) and an overlong
     * '/' (C0 AF) are not, whatever else they may be. */
    const char *wide = "name\n\xF0\xA0\x80\x80\xE5\xB0\x8F\xE5\x8C\xBA\n";
    assert_int_equal(cg_csv_decode(wide, strlen(wide), &text, &len, &encoding, err, sizeof err), 0);
    assert_string_equal(encoding, "UTF-8");
    assert_string_equal(text, wide);
    free(text);
    const char *const not_utf8[] = {"name\n\xED\xA0\x80\n", "name\n\xC0\xAF\n"};
    for (size_t i = 0; i < 2; i++) {
        text = NULL;
        int rc = cg_csv_decode(not_utf8[i], strlen(not_utf8[i]), &text, &len, &encoding, err,
                               sizeof err);
        assert_true(rc != 0 || strcmp(encoding, "UTF-8") != 0);
        free(text);
    }
}

static void test_decode_gbk(void **state)
{
    const char *utf8 = "name,district\n兴隆小区,兴隆台区\n\"石油，小区\",大洼区\n";
    size_t gbklen;
    char *gbk = to_gbk(utf8, &gbklen);
    assert_int_not_equal(gbklen, strlen(utf8)); /* really other bytes */
    const char *encoding;
    char *text;
    size_t len;
    assert_int_equal(cg_csv_decode(gbk, gbklen, &text, &len, &encoding, err, sizeof err), 0);
    assert_string_equal(encoding, "GB18030");
    assert_string_equal(text, utf8);
    cg_csv csv;
    parse_ok(text, &csv);
    assert_string_equal(csv.records[2].fields[0], "石油，小区");
    cg_csv_free(&csv);
    free(text);
    free(gbk);
}

static void test_decode_refuses(void **state)
{
    const char *encoding;
    char *text;
    size_t len;
    /* 0xFF is neither UTF-8 nor GB18030. */
    const char *junk = "name\nok\n\xFF\xFF\n";
    assert_int_equal(cg_csv_decode(junk, strlen(junk), &text, &len, &encoding, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "line 3: neither UTF-8 nor GBK"));
    const char utf16[] = "\xFF\xFEn\0a\0";
    assert_int_equal(
        cg_csv_decode(utf16, sizeof utf16 - 1, &text, &len, &encoding, err, sizeof err), -1);
    assert_non_null(strstr(err, "UTF-16"));
    const char nul[] = "a\nb\0c";
    assert_int_equal(cg_csv_decode(nul, sizeof nul - 1, &text, &len, &encoding, err, sizeof err),
                     -1);
    assert_string_equal(err, "line 2: NUL byte: not a text file");
}

/* --- compound rows ------------------------------------------------------- */

static const char header[] =
    "id,name,district,street,community,address,households,buildings,management_status,"
    "property_company,property_manager,property_phone,street_contact,street_phone,"
    "community_contact,community_phone,owners_committee_contact,owners_committee_phone,"
    "property_account";

/* What export adds after them and import skips. */
static const char kept_by_server[] =
    ",grid_officer_name,grid_officer_phone,entered_on,board_installed_on,board_duties,"
    "board_contact_phone,board_supervision_phone";

static const char header_zh[] =
    "编号,小区名称,区,街道,社区,地址,户数,楼栋数,管理状态,物业服务企业,物业负责人,物业负责人电话,"
    "街道负责人,街道负责人电话,社区负责人,社区负责人电话,业委会联系人,业委会联系电话,物业账号,"
    "网格员,网格员电话,进驻日期,公示牌设置日期,公示牌职责,公示牌联系电话,公示牌监督电话";

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static long long num(const json_t *obj, const char *key)
{
    return json_integer_value(json_object_get(obj, key));
}

/* The CompoundImport of text, or NULL with the problems in *errors (a new
 * array). */
static json_t *import_of(const char *text, json_t **errors)
{
    cg_csv csv;
    parse_ok(text, &csv);
    *errors = json_array();
    json_t *imp = cg_compound_csv_import(&csv, *errors);
    cg_csv_free(&csv);
    return imp;
}

/* The rows of an import. */
static json_t *rows_in(const json_t *imp)
{
    return json_object_get(imp, "rows");
}

/* Its fields, comma-separated, into buf. */
static const char *fields_in(const json_t *imp, char *buf, size_t len)
{
    size_t i;
    json_t *f;
    buf[0] = '\0';
    json_array_foreach(json_object_get(imp, "fields"), i, f)
    {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", i ? "," : "", json_string_value(f));
    }
    return buf;
}

static void assert_errors(const json_t *errors, const char *const *want, size_t n)
{
    assert_int_equal(json_array_size(errors), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(json_string_value(json_array_get(errors, i)), want[i]);
}

static void test_export_header_is_the_contract(void **state)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_int_equal(cg_compound_csv_write_header(out, 0), 0);
    assert_int_equal(cg_compound_csv_write_header(out, 1), 0);
    fclose(out);
    char want[sizeof header + sizeof kept_by_server + sizeof header_zh + 4];
    snprintf(want, sizeof want, "%s%s\r\n%s\r\n", header, kept_by_server, header_zh);
    assert_string_equal(text, want);
    free(text);
}

/* The compound of test_export_then_import, with what the server keeps. */
static json_t *sample_compound(void)
{
    return json_pack("{sI ss ss ss si si ss ss ss ss ss ss}", "id", (json_int_t)7, "name",
                     "兴隆, \"小区\"", "district", "xinglongtai", "address", "一号\n二号",
                     "households", 320, "buildings", 8, "unit", "xinglongtai", "management_status",
                     "self_managed", "grid_officer_name", "王警官", "entered_on", "2021-03-09",
                     "board_installed_on", "2021-03-10", "board_supervision_phone", "12345");
}

/* Chinese headings and statuses out, the same compound back in; the server's
 * columns are written (grid officer, entry date, notice board) and skipped. */
static void test_export_zh_then_import(void **state)
{
    json_t *c = sample_compound();
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cg_compound_csv_write_header(out, 1);
    cg_compound_csv_write(out, c, 1);
    fclose(out);
    assert_non_null(strstr(text, ",自管,"));
    assert_non_null(strstr(text, ",王警官,,2021-03-09,2021-03-10,,,12345\r\n"));
    json_t *errors;
    json_t *imp = import_of(text, &errors);
    assert_non_null(imp);
    char fields[512];
    assert_string_equal(fields_in(imp, fields, sizeof fields), strchr(header, ',') + 1);
    json_t *back = json_object_get(json_array_get(rows_in(imp), 0), "compound");
    assert_int_equal(num(back, "id"), 7);
    assert_string_equal(str(back, "name"), "兴隆, \"小区\"");
    assert_string_equal(str(back, "management_status"), "self_managed");
    assert_null(json_object_get(back, "grid_officer_name"));
    assert_null(json_object_get(back, "entered_on"));
    json_decref(imp);
    json_decref(errors);
    json_decref(c);
    free(text);
}

/* An office's own file: GBK, a few Chinese headings in its own order, a
 * heading of another spelling (小区), statuses in Chinese. */
static void test_import_gbk_with_chinese_headings(void **state)
{
    const char *utf8 = "小区,区,街道,社区,户数,管理状态\r\n"
                       "惠宾家园,兴隆台区,兴隆街道,惠宾社区,420,物业管理\r\n"
                       "红旗小区,双台子区,红旗街道,红旗社区,510,无物业\r\n";
    size_t gbklen;
    char *gbk = to_gbk(utf8, &gbklen);
    char *text;
    size_t len;
    const char *encoding;
    assert_int_equal(cg_csv_decode(gbk, gbklen, &text, &len, &encoding, err, sizeof err), 0);
    assert_string_equal(encoding, "GB18030");
    json_t *errors;
    json_t *imp = import_of(text, &errors);
    assert_non_null(imp);
    char fields[256];
    assert_string_equal(fields_in(imp, fields, sizeof fields),
                        "name,district,street,community,households,management_status");
    json_t *second = json_object_get(json_array_get(rows_in(imp), 1), "compound");
    assert_string_equal(str(second, "name"), "红旗小区");
    assert_string_equal(str(second, "district"), "双台子区");
    assert_int_equal(num(second, "households"), 510);
    assert_string_equal(str(second, "management_status"), "none");
    json_decref(imp);
    json_decref(errors);
    free(text);
    free(gbk);
}

static void test_export_then_import(void **state)
{
    json_t *c = sample_compound();
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cg_compound_csv_write_header(out, 0);
    cg_compound_csv_write(out, c, 0);
    fclose(out);
    json_t *errors;
    json_t *imp = import_of(text, &errors);
    assert_non_null(imp);
    char fields[512];
    assert_string_equal(fields_in(imp, fields, sizeof fields), strchr(header, ',') + 1);
    json_t *rows = rows_in(imp);
    assert_int_equal(json_array_size(rows), 1);
    json_t *row = json_array_get(rows, 0);
    assert_int_equal(num(row, "line"), 2);
    json_t *back = json_object_get(row, "compound");
    assert_int_equal(num(back, "id"), 7);
    assert_string_equal(str(back, "name"), "兴隆, \"小区\"");
    assert_string_equal(str(back, "address"), "一号\n二号");
    assert_int_equal(num(back, "households"), 320);
    assert_string_equal(str(back, "street"), "");
    assert_null(json_object_get(back, "unit")); /* read-only: not a column */
    json_decref(imp);
    json_decref(errors);
    json_decref(c);
    free(text);
}

static void test_import_without_id_and_with_dashes(void **state)
{
    json_t *errors;
    json_t *imp = import_of(" Name ,district,management-status,households\n"
                            "兴隆小区,兴隆台区,self_managed,\n"
                            "石油小区,xinglongtai,none, 12 \n",
                            &errors);
    assert_non_null(imp);
    char fields[256];
    assert_string_equal(fields_in(imp, fields, sizeof fields),
                        "name,district,management_status,households");
    json_t *rows = rows_in(imp);
    json_t *first = json_object_get(json_array_get(rows, 0), "compound");
    assert_null(json_object_get(first, "id"));
    assert_string_equal(str(first, "management_status"), "self_managed");
    assert_int_equal(num(first, "households"), 0);
    json_t *second = json_object_get(json_array_get(rows, 1), "compound");
    assert_int_equal(num(second, "households"), 12);
    json_decref(imp);
    json_decref(errors);
}

static void test_import_problems_by_line(void **state)
{
    json_t *errors;
    json_t *rows = import_of("name,district,households,buildings\n"
                             "a,xinglongtai,1,2\n"
                             "b,xinglongtai,1\n"
                             "\"c\nstill c\",xinglongtai,many,2\n"
                             "d,xinglongtai,1,2,extra\n"
                             "e,xinglongtai,-3,2.5\n",
                             &errors);
    assert_null(rows);
    const char *want[] = {
        "line 3: expected 4 fields, found 3",
        "line 4: households: not an integer",
        "line 6: expected 4 fields, found 5",
        "line 7: buildings: not an integer",
    };
    assert_errors(errors, want, 4);
    json_decref(errors);
}

static void test_import_header_problems(void **state)
{
    json_t *errors;
    assert_null(import_of("name,colour,name\nx,y,z\n", &errors));
    const char *want[] = {
        "line 1: unknown column 'colour' (the columns are those of 'compound export': id, "
        "name, district, ..., or their Chinese headings, those of 'compound export --headings "
        "zh')",
        "line 1: column 'name' appears twice",
    };
    assert_errors(errors, want, 2);
    json_decref(errors);

    /* Without an id every row adds a compound: name and district are needed. */
    assert_null(import_of("households,street\n5,x\n", &errors));
    const char *new_rows[] = {"line 1: no column 'name'", "line 1: no column 'district'"};
    assert_errors(errors, new_rows, 2);
    json_decref(errors);

    /* With an id column, only when some row has no id. */
    assert_null(import_of("id,households,district\n1,5,dawa\n,6,dawa\n", &errors));
    const char *one_new[] = {"line 1: no column 'name': line 3 has no id, and a new compound "
                             "needs a name and a district"};
    assert_errors(errors, one_new, 1);
    json_decref(errors);

    /* A column besides id is needed: no fields would mean every field. */
    assert_null(import_of("id\n1\n", &errors));
    const char *only_id[] = {"line 1: no column but 'id': nothing to import"};
    assert_errors(errors, only_id, 1);
    json_decref(errors);
    assert_null(import_of("网格员,进驻日期\n王警官,2021-03-09\n", &errors));
    const char *only_kept[] = {"line 1: no column to import"};
    assert_errors(errors, only_kept, 1);
    json_decref(errors);

    cg_csv empty = {0};
    errors = json_array();
    assert_null(cg_compound_csv_import(&empty, errors));
    assert_int_equal(json_array_size(errors), 1);
    json_decref(errors);
}

/* With ids, a file of some columns changes only those fields: no column is
 * needed, and the fields sent are the file's columns but id. */
static void test_import_some_columns_with_ids(void **state)
{
    json_t *errors;
    json_t *imp = import_of("Households,ID\n1200, 7\n 90,8\n", &errors);
    assert_non_null(imp);
    char fields[64];
    assert_string_equal(fields_in(imp, fields, sizeof fields), "households");
    json_t *rows = rows_in(imp);
    assert_int_equal(json_array_size(rows), 2);
    json_t *first = json_object_get(json_array_get(rows, 0), "compound");
    assert_int_equal(num(first, "id"), 7);
    assert_int_equal(num(first, "households"), 1200);
    assert_int_equal(json_object_size(first), 2); /* nothing but the file's columns */
    assert_int_equal(num(json_object_get(json_array_get(rows, 1), "compound"), "id"), 8);
    json_decref(imp);
    json_decref(errors);
}

static void test_import_bad_id(void **state)
{
    char text[2048];
    snprintf(text, sizeof text, "%s\nx%s\n%s\n", header, strchr(header, ','),
             "7,n,dawa,,,,,,,,,,,,,,,,");
    json_t *errors;
    assert_null(import_of(text, &errors));
    const char *want[] = {"line 2: id: not an integer", "line 2: households: not an integer",
                          "line 2: buildings: not an integer"};
    assert_errors(errors, want, 3);
    json_decref(errors);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_records),
        cmocka_unit_test(test_quoted_fields_and_line_numbers),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_write_quotes_only_where_needed),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_decode_utf8_and_bom),
        cmocka_unit_test(test_decode_gbk),
        cmocka_unit_test(test_decode_refuses),
        cmocka_unit_test(test_export_header_is_the_contract),
        cmocka_unit_test(test_export_then_import),
        cmocka_unit_test(test_export_zh_then_import),
        cmocka_unit_test(test_import_gbk_with_chinese_headings),
        cmocka_unit_test(test_import_without_id_and_with_dashes),
        cmocka_unit_test(test_import_problems_by_line),
        cmocka_unit_test(test_import_header_problems),
        cmocka_unit_test(test_import_some_columns_with_ids),
        cmocka_unit_test(test_import_bad_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
