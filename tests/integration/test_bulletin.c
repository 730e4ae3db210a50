/*
 * The supervision bulletin (督查通报, issue 12): over a data set with known
 * answers (bulletin_known.sql: 12 compounds, chosen patrol weeks, requests,
 * reports, cases closed early and late, one rework, supervision orders,
 * co-construction days on the 15th, moved and missed, suggestions answered
 * in time, late and never, trainings),
 * every figure of the bulletin of 2021-03 equals the hand-computed value;
 * rates over too few cases are shown as such and not scored; a unit scored
 * on too little is not ranked. Units see their own row without the rank, hq
 * and supervision every unit and the ranking. The HTML page is
 * self-contained and renders in headless Chromium with every chart drawn;
 * the unit's summary carries the same figures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

#include "chengguan/v1/bulletin.pb-c.h"

static cg_test_server server;
static char out[1 << 17];

/* The hand-computed figures of 2021-03 (see bulletin_known.sql). */
typedef struct {
    const char *key;
    double numerator, denominator, score;
    const char *status;
} figure;

static const figure xinglongtai[] = {
    {"coverage", 7, 8, 87.5, "scored"},   /* 108 not entered */
    {"boards", 5, 8, 62.5, "scored"},     /* 106 up in April, 107 lacks a phone */
    {"ledger", 4, 8, 50, "scored"},       /* 101-104 */
    {"patrol", 29, 33, 87.9, "scored"},   /* 4 + 3 + 20 + 2 of 6 × 5 + 3 */
    {"patrols", 31, 0, 0, "shown"},       /* the voided one and February's not */
    {"requests", 5, 6, 83.3, "scored"},   /* 206 late, 207 voided */
    {"reports", 3, 5, 60, "scored"},      /* 40 and 180 minutes late */
    {"ack_minutes", 280, 5, 0, "shown"},  /* (10 + 20 + 30 + 40 + 180) / 5 = 56 */
    {"registered", 7, 0, 0, "shown"},     /* 301-307 */
    {"closure", 4, 6, 66.7, "scored"},    /* 306 rejected is out */
    {"on_time", 3, 5, 60, "scored"},      /* 302 late, 304 open */
    {"rework", 1, 5, 80, "scored"},       /* 303 of 300-303, 305: 100 × (1 - 1/5) */
    {"escalations", 2, 0, 0, "shown"},    /* a report and case 304 */
    {"orders", 2, 3, 66.7, "scored"},     /* the third answered a day late */
    {"illegal", 1, 0, 0, "scored"},       /* 307: zero growth missed */
    {"meetings", 1, 1, 100, "scored"},    /* 03-15 held; 03-28 is March's second day */
    {"suggestions", 3, 5, 60, "scored"},  /* 424 answered 04-02, after March; 425 never */
    {"trained", 3, 5, 60, "scored"},      /* 901, 903, 907 of 901, 903-905, 907 (not 906) */
    {"problems_found", 3, 0, 0, "shown"}, /* 462-464; 461 in February, 465 in April */
    {"problems_fixed", 2, 0, 0, "shown"}, /* 461, 462; 464 only in April */
    {"problems_open", 2, 0, 0, "shown"},  /* 463, 464 */
};

static const figure shuangtaizi[] = {
    {"coverage", 3, 3, 100, "scored"}, /* 112 closed on 03-20 */
    {"boards", 2, 3, 66.7, "scored"},
    {"ledger", 1, 3, 33.3, "scored"},
    {"patrol", 17, 18, 94.4, "scored"}, /* 112 due 3 weeks, patrolled 2 */
    {"patrols", 17, 0, 0, "shown"},
    {"requests", 2, 2, 0, "too_few"}, /* fewer than 5 */
    {"reports", 0, 0, 0, "none"},
    {"ack_minutes", 0, 0, 0, "none"},
    {"registered", 2, 0, 0, "shown"},
    {"closure", 2, 2, 0, "too_few"},
    {"on_time", 2, 2, 0, "too_few"},
    {"rework", 0, 2, 0, "too_few"},
    {"escalations", 0, 0, 0, "shown"},
    {"orders", 0, 0, 0, "none"},
    {"illegal", 0, 0, 100, "scored"},
    {"meetings", 1, 1, 100, "scored"},   /* 03-18, rescheduled */
    {"suggestions", 1, 1, 0, "too_few"}, /* fewer than 3 */
    {"trained", 1, 1, 100, "scored"},    /* 902 at the bureau-wide training */
    {"problems_found", 0, 0, 0, "shown"},
    {"problems_fixed", 0, 0, 0, "shown"},
    {"problems_open", 0, 0, 0, "shown"},
};

#define N_FIGURES (sizeof xinglongtai / sizeof xinglongtai[0])

static Chengguan__V1__StatsBulletinReply *bulletin(const char *account, const char *period,
                                                   const char *unit, int want, const char *field)
{
    Chengguan__V1__StatsBulletin req = CHENGGUAN__V1__STATS_BULLETIN__INIT;
    req.period = (char *)period;
    req.unit = (char *)unit;
    return (Chengguan__V1__StatsBulletinReply *)cg_test_call(&server, account, &req.base, want,
                                                             field);
}

static const Chengguan__V1__BulletinUnit *unit_of(const Chengguan__V1__StatsBulletinReply *r,
                                                  const char *code)
{
    for (size_t i = 0; i < r->n_units; i++)
        if (strcmp(r->units[i]->unit, code) == 0)
            return r->units[i];
    return NULL;
}

static void check_unit(const Chengguan__V1__BulletinUnit *u, const figure *want)
{
    assert_non_null(u);
    assert_int_equal(u->n_values, N_FIGURES);
    for (size_t i = 0; i < N_FIGURES; i++) {
        const Chengguan__V1__BulletinValue *v = u->values[i];
        print_message("%s %s: %g/%g score %g %s\n", u->unit, v->key, v->numerator, v->denominator,
                      v->score, v->status);
        assert_string_equal(v->key, want[i].key);
        assert_string_equal(v->status, want[i].status);
        assert_true(v->numerator == want[i].numerator);
        assert_true(v->denominator == want[i].denominator);
        assert_true(v->score == want[i].score);
        if (strcmp(v->status, "scored") == 0 && want[i].denominator > 0)
            assert_true(v->value > want[i].numerator / want[i].denominator - 0.0001 &&
                        v->value < want[i].numerator / want[i].denominator + 0.0001);
    }
}

static void load(void **state)
{
    (void)state;
    char sql[512];
    snprintf(sql, sizeof sql, "\\i '%s'\n", CG_BULLETIN_SQL);
    assert_int_equal(cg_test_sql(&server, sql), 0);
}

/* Every figure as computed by hand; the composite and the rank. */
static void test_known_answers(void **state)
{
    (void)state;
    Chengguan__V1__StatsBulletinReply *r = bulletin("supervision", "2021-03", "", 0, NULL);
    assert_non_null(r);
    assert_string_equal(r->first, "2021-03-01");
    assert_string_equal(r->last, "2021-03-31");
    assert_string_equal(r->as_of, "2021-03-31");
    assert_true(r->ranking);
    assert_int_equal(r->n_indicators, N_FIGURES);
    assert_int_equal(r->n_units, 5); /* the five district units, in code order */
    assert_string_equal(r->units[0]->unit, "dawa");

    const Chengguan__V1__BulletinUnit *x = unit_of(r, "xinglongtai");
    check_unit(x, xinglongtai);
    assert_true(x->values[7]->value == 56); /* mean minutes to acknowledge */
    /* coverage, boards, ledger, patrol, requests, reports, closure,
     * on_time, rework, orders, illegal, meetings, suggestions, trained:
     * (87.5×5 + 62.5×5 + 50×5 + 87.879×10 + 83.333×10 + 60×10 + 66.667×5
     *  + 60×10 + 80×5 + 66.667×5 + 0×10 + 100×10 + 60×5 + 60×5) / 100
     * = 6578.79 / 100 = 65.79 */
    assert_true(x->score == 65.8);
    assert_int_equal(x->scored_weight, 100);
    assert_int_equal(x->rank, 1);

    const Chengguan__V1__BulletinUnit *s = unit_of(r, "shuangtaizi");
    check_unit(s, shuangtaizi);
    /* coverage, boards, ledger, patrol, illegal, meetings, trained:
     * (100×5 + 66.667×5 + 33.333×5 + 94.444×10 + 100×10 + 100×10 + 100×5)
     * / 50 = 4444.44 / 50 = 88.89, but 50 of 100 is below 60 %: not ranked
     * on so little */
    assert_true(s->score == 88.9);
    assert_int_equal(s->scored_weight, 50);
    assert_int_equal(s->rank, 0);
    /* no co-construction day in March: 0 of 1 month; with the zero target
     * (100×10 + 0×10) / 20 = 50, not ranked either */
    const Chengguan__V1__BulletinUnit *d = unit_of(r, "dawa");
    assert_string_equal(d->values[15]->key, "meetings");
    assert_true(d->values[15]->numerator == 0 && d->values[15]->denominator == 1);
    assert_string_equal(d->values[15]->status, "scored");
    assert_string_equal(d->values[16]->status, "none"); /* no suggestions made */
    assert_true(d->score == 50.0);
    assert_int_equal(d->scored_weight, 20);
    assert_int_equal(d->rank, 0);

    /* the chart series: 5 weeks, 3 of them with 107 due too */
    size_t weeks = 0;
    for (size_t i = 0; i < r->n_weeks; i++)
        if (strcmp(r->weeks[i]->unit, "xinglongtai") == 0) {
            weeks++;
            if (strcmp(r->weeks[i]->week, "2021-W11") == 0) { /* 101 missed it */
                assert_int_equal(r->weeks[i]->due, 7);
                assert_int_equal(r->weeks[i]->patrolled, 6);
            }
        }
    assert_int_equal(weeks, 5);
    assert_int_equal(r->n_months, 1);
    assert_string_equal(r->months[0]->month, "2021-03");
    assert_int_equal(r->months[0]->cases, 1);
    cg_message_free(&r->base);

    /* a quarter and a year hold March */
    r = bulletin("hq", "2021-Q1", "xinglongtai", 0, NULL);
    assert_non_null(r);
    assert_string_equal(r->first, "2021-01-01");
    assert_string_equal(r->last, "2021-03-31");
    assert_int_equal(r->n_units, 1);
    assert_true(r->units[0]->values[8]->numerator == 8); /* 300 registered in February too */
    assert_int_equal(r->units[0]->rank, 1);              /* among all units */
    /* January's day is before the programme: February's and March's due,
     * both held; February's 2 suggestions answered too: 5 of 7 */
    assert_true(r->units[0]->values[15]->numerator == 2 &&
                r->units[0]->values[15]->denominator == 2);
    assert_true(r->units[0]->values[16]->numerator == 5 &&
                r->units[0]->values[16]->denominator == 7);
    cg_message_free(&r->base);

    /* the year under way is counted up to today (Beijing) */
    char year[8], today[16];
    time_t now = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(year, sizeof year, "%Y", &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    r = bulletin("hq", year, "", 0, NULL);
    assert_non_null(r);
    assert_string_equal(r->as_of, today);
    assert_int_equal(strncmp(r->last, year, 4), 0);
    assert_string_equal(r->last + 4, "-12-31");
    cg_message_free(&r->base);
}

/* A unit sees its own row and no rank; others are refused. */
static void test_scope(void **state)
{
    (void)state;
    Chengguan__V1__StatsBulletinReply *r = bulletin("xinglongtai", "2021-03", "", 0, NULL);
    assert_non_null(r);
    assert_false(r->ranking);
    assert_int_equal(r->n_units, 1);
    assert_string_equal(r->units[0]->unit, "xinglongtai");
    assert_int_equal(r->units[0]->rank, 0);
    check_unit(r->units[0], xinglongtai);
    for (size_t i = 0; i < r->n_weeks; i++)
        assert_string_equal(r->weeks[i]->unit, "xinglongtai");
    cg_message_free(&r->base);

    assert_null(bulletin("xinglongtai", "2021-03", "shuangtaizi", CG_EPERMISSION_DENIED, "unit"));
    assert_null(bulletin("property-demo", "2021-03", "", CG_EPERMISSION_DENIED, NULL));
    assert_null(bulletin("hq", "2021-13", "", CG_EINVALID_ARGUMENT, "period"));
    assert_null(bulletin("hq", "2021-Q5", "", CG_EINVALID_ARGUMENT, "period"));
    assert_null(bulletin("hq", "March", "", CG_EINVALID_ARGUMENT, "period"));
    assert_null(bulletin("hq", "", "", CG_EINVALID_ARGUMENT, "period"));
    assert_null(bulletin("hq", "2020", "", CG_EINVALID_ARGUMENT, "period"));
    assert_null(bulletin("hq", "2099-01", "", CG_EINVALID_ARGUMENT, "period"));
    assert_null(bulletin("hq", "2021-03", "detachment", CG_EINVALID_ARGUMENT, "unit"));

    /* the CLI: the refusal in Chinese, the unit's table without a rank */
    cg_test_cli_exits(&server, 1, out, sizeof out,
                      "--as hq stats bulletin --period 2021-03 --format pdf");
    assert_non_null(strstr(out, "pdf"));
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 1,
                                      "--as hq stats bulletin --period 2021-13", out, sizeof out),
                     2);
    assert_non_null(strstr(out, "2021-Q2"));
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 0,
                                      "--as xinglongtai stats bulletin --period 2021-03", out,
                                      sizeof out),
                     0);
    assert_non_null(strstr(out, "按期结案率"));
    assert_non_null(strstr(out, "60.0% (3/5)"));
    assert_null(strstr(out, "双台子分局"));
}

/* The table, the CSV and the summary carry the same figures. */
static void test_cli_formats(void **state)
{
    (void)state;
    assert_int_equal(cg_test_cli_lang(&server, "zh_CN.UTF-8", 0,
                                      "--as hq stats bulletin --period 2021-03", out, sizeof out),
                     0);
    print_message("%s", out);
    assert_non_null(strstr(out, "进驻覆盖率"));
    assert_non_null(strstr(out, "87.5% (7/8)"));
    assert_non_null(strstr(out, "样本不足 (2/2)"));
    assert_non_null(strstr(out, "65.8"));
    assert_non_null(strstr(out, "不排名"));
    /* the mechanism's rows in Chinese; 双台子's one suggestion too few */
    assert_non_null(strstr(out, "共建日开展率"));
    assert_non_null(strstr(out, "意见建议答复率"));
    assert_non_null(strstr(out, "执法人员培训率"));
    assert_non_null(strstr(out, "60.0% (3/5)"));
    assert_non_null(strstr(out, "样本不足 (1/1)"));

    cg_test_cli_exits(&server, 0, out, sizeof out,
                      "--as hq stats bulletin --period 2021-03 --format csv");
    assert_non_null(strstr(out, "unit,unit_name,indicator,"));
    assert_non_null(
        strstr(out, "xinglongtai,兴隆台分局,on_time,按期结案率,3,5,0.6,60,scored,10,1"));
    assert_non_null(strstr(out, "shuangtaizi,双台子分局,score,,,,88.9,88.9,,50,0"));

    char path[800];
    snprintf(path, sizeof path, "%s/summary.md", server.dir);
    assert_int_equal(
        cg_test_clif(&server, out, sizeof out,
                     "--as xinglongtai summary --unit xinglongtai --period 2021-03 -o '%s'", path),
        0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    fclose(f);
    print_message("%s", out);
    assert_non_null(strstr(out, "# "));
    assert_non_null(strstr(out, "**87.5% (7/8)**"));
    assert_non_null(strstr(out, "**31**"));
    assert_non_null(strstr(out, "**65.8**"));
    assert_non_null(strstr(out, "## Co-construction days\n\n"
                                "- months with a co-construction day: **100.0% (1/1)**\n"
                                "- suggestions answered: **60.0% (3/5)**\n"
                                "- officers trained: **60.0% (3/5)**\n"));
    assert_non_null(strstr(out, "## Problem list\n\n"
                                "- problems found: **3**\n"
                                "- problems fixed: **2**\n"
                                "- problems not fixed at the end: **2**\n"));
    cg_test_cli_exits(&server, 1, out, sizeof out,
                      "--as xinglongtai summary --unit xinglongtai --period 2021");
    /* the same as HTML, and another unit's summary is refused */
    assert_int_equal(
        cg_test_clif(&server, out, sizeof out,
                     "--as hq summary --unit 兴隆台分局 --period 2021-03 --format html"),
        0);
    assert_non_null(strstr(out, "<h1>"));
    assert_non_null(strstr(out, "<li>entry coverage: <b>87.5% (7/8)</b></li>"));
    assert_null(strstr(out, "<script"));
    cg_test_cli_exits(&server, 2, out, sizeof out,
                      "--as xinglongtai summary --unit shuangtaizi --period 2021-03");
}

/* Reads the file at path into out. */
static void slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    fclose(f);
}

/* Runs headless Chromium with args on the file at path; its standard
 * output in out. Fails the test unless it exits 0. */
static void chromium(const char *args, const char *path)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage "
             "--user-data-dir='%s/chromium' %s 'file://%s' 2>/dev/null",
             server.dir, args, path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    assert_int_equal(pclose(p), 0);
}

/* The page is one file with nothing to fetch, and Chromium draws it: every
 * chart has a size, nothing spills out of its SVG, the table has a row per
 * indicator and the two totals. */
static void test_html_in_chromium(void **state)
{
    (void)state;
    char page[800], probe[800];
    snprintf(page, sizeof page, "%s/bulletin.html", server.dir);
    assert_int_equal(
        cg_test_clif(&server, out, sizeof out,
                     "--as supervision stats bulletin --period 2021-03 --format html -o '%s'",
                     page),
        0);
    slurp(page);
    assert_non_null(strstr(out, "<svg"));
    assert_null(strstr(out, "<script"));
    assert_null(strstr(out, "src="));
    assert_null(strstr(out, "href="));
    assert_null(strstr(out, "https:"));
    assert_null(strstr(out, "url("));
    assert_non_null(strstr(out, "87.5% (7/8)"));

    /* a copy with a probe that measures what Chromium laid out */
    snprintf(probe, sizeof probe, "%s/probe.html", server.dir);
    FILE *f = fopen(probe, "w");
    assert_non_null(f);
    char *end = strstr(out, "</body>");
    assert_non_null(end);
    fwrite(out, 1, (size_t)(end - out), f);
    fputs(
        "<script>\n"
        "var bad = [], charts = 0;\n"
        "document.querySelectorAll('svg').forEach(function (s) {\n"
        "  charts++;\n"
        "  var r = s.getBoundingClientRect();\n"
        "  if (r.width < 100 || r.height < 50) bad.push('small svg');\n"
        "  var boxes = [];\n"
        "  s.querySelectorAll('rect').forEach(function (r) { boxes.push(r.getBBox()); });\n"
        "  s.querySelectorAll('text').forEach(function (t) {\n"
        "    var b = t.getBBox();\n"
        "    if (b.width <= 0 || b.x < -1 || b.x + b.width > s.viewBox.baseVal.width + 1)\n"
        "      bad.push('text out: ' + t.textContent);\n"
        "    boxes.forEach(function (o) {\n"
        "      if (b.x < o.x + o.width && o.x < b.x + b.width && b.y < o.y + o.height &&\n"
        "          o.y < b.y + b.height)\n"
        "        bad.push('text over: ' + t.textContent);\n"
        "    });\n"
        "    boxes.push(b);\n"
        "  });\n"
        "});\n"
        "var lines = document.querySelectorAll('#weekly polyline').length;\n"
        "var rows = document.querySelectorAll('#bulletin tbody tr').length;\n"
        "var w = document.getElementById('bulletin').getBoundingClientRect().width;\n"
        "document.body.setAttribute('data-probe', 'charts=' + charts + ' lines=' + lines +\n"
        "  ' rows=' + rows + ' table=' + (w > 300) + ' bad=' + bad.length + ' ' + bad.join('|'));\n"
        "</script></body></html>\n",
        f);
    fclose(f);
    chromium("--dump-dom", probe);
    char *probe_attr = strstr(out, "data-probe=\"");
    assert_non_null(probe_attr);
    print_message("%.200s\n", probe_attr);
    /* weekly, monthly, composite and the 21 indicators; a line for each
     * unit with compounds due; 21 indicators and the 2 totals */
    assert_non_null(strstr(probe_attr, "charts=24 lines=2 rows=23 table=true bad=0 "));

    /* and a screenshot has something drawn */
    char shot[900];
    snprintf(shot, sizeof shot, "--window-size=1200,2400 --screenshot='%s/bulletin.png'",
             server.dir);
    chromium(shot, page);
    snprintf(page, sizeof page, "%s/bulletin.png", server.dir);
    f = fopen(page, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    assert_true(ftell(f) > 20000);
    fclose(f);
}

int main(void)
{
    cg_test_server_init(&server, "bulletin", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load),
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_cli_formats),
        cmocka_unit_test(test_html_in_chromium),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
