/* chengguan stats bulletin: the supervision bulletin (督查通报) of a month,
 * a quarter or a year, as a table, CSV, JSON or one HTML file with charts. */
#include "bulletin_html.h"
#include "bulletin_view.h"
#include "cli.h"
#include "csv.h"
#include "i18n.h"
#include "local_time.h"
#include "output.h"
#include "report_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cg_opt bulletin_opts[] = {
    {.field = "period",
     .arg = "PERIOD",
     .required = 1,
     .help = N_("a month (2021-03), a quarter (2021-Q2) or a year (2021)")},
    {.field = "unit", .arg = "UNIT", .help = N_("only this unit's row")},
    {0},
};

static const cg_opt bulletin_local[] = {
    {.option = "format",
     .arg = "FORMAT",
     .help = N_("table (default), csv, json or html (one file with charts)")},
    {.option = "output",
     .arg = "FILE",
     .help = N_("write to FILE instead of standard output (-o)")},
    {0},
};

/* Indicators as rows, units as columns, then the score and the rank. */
static int print_table(FILE *out, const json_t *reply)
{
    const json_t *units = json_object_get(reply, "units");
    const json_t *inds = json_object_get(reply, "indicators");
    size_t nu = json_array_size(units), ncols = nu + 2;
    const char **row = calloc(ncols, sizeof *row);
    char(*cells)[96] = calloc(ncols, sizeof *cells);
    cg_table *t = row != NULL && cells != NULL ? cg_table_new(ncols, NULL) : NULL;
    int rc = t != NULL ? 0 : -1;
    size_t i, u;
    const json_t *ind, *unit;
    if (rc == 0) {
        row[0] = _("indicator");
        row[1] = _("weight");
        json_array_foreach(units, u, unit) row[u + 2] =
            json_string_value(json_object_get(unit, "unit_name"));
        rc = cg_table_add(t, row);
    }
    json_array_foreach(inds, i, ind)
    {
        if (rc != 0)
            break;
        row[0] = cg_bulletin_label(ind);
        snprintf(cells[1], sizeof cells[1], "%lld",
                 (long long)json_integer_value(json_object_get(ind, "weight")));
        row[1] = cells[1];
        const char *key = json_string_value(json_object_get(ind, "key"));
        json_array_foreach(units, u, unit)
        {
            cg_bulletin_cell(ind, cg_bulletin_value(unit, key), cells[u + 2], sizeof cells[u + 2]);
            row[u + 2] = cells[u + 2];
        }
        rc = cg_table_add(t, row);
    }
    for (int k = 0; rc == 0 && k < 2; k++) {
        row[0] = k == 0 ? _("composite score") : _("rank");
        row[1] = "";
        json_array_foreach(units, u, unit)
        {
            if (k == 0)
                cg_bulletin_score(unit, cells[u + 2], sizeof cells[u + 2]);
            else
                cg_bulletin_rank(reply, unit, cells[u + 2], sizeof cells[u + 2]);
            row[u + 2] = cells[u + 2];
        }
        rc = cg_table_add(t, row);
    }
    if (rc == 0) {
        fprintf(out, _("Supervision bulletin %s (%s to %s)\n\n"),
                json_string_value(json_object_get(reply, "period")),
                json_string_value(json_object_get(reply, "first")),
                json_string_value(json_object_get(reply, "as_of")));
        cg_table_print(t, out);
        fputs(_("\nRates as share (numerator/denominator); \"too few\": not scored, the\n"
                "composite is over the indicators scored (docs/assessment.md).\n"),
              out);
    }
    cg_table_free(t);
    free(cells);
    free(row);
    return rc;
}

/* One row per unit and indicator, then the unit's composite (indicator
 * "score"): keys and numbers as they are, for a spreadsheet. */
static int print_csv(FILE *out, const json_t *reply)
{
    static const char *const header[] = {"unit",      "unit_name",   "indicator", "indicator_name",
                                         "numerator", "denominator", "value",     "score",
                                         "status",    "weight",      "rank"};
    enum { N = sizeof header / sizeof header[0] };
    int rc = cg_csv_write_row(out, header, N);
    size_t i, u;
    const json_t *ind, *unit;
    json_array_foreach(json_object_get(reply, "units"), u, unit)
    {
        char num[7][32];
        const char *f[N];
        f[0] = json_string_value(json_object_get(unit, "unit"));
        f[1] = json_string_value(json_object_get(unit, "unit_name"));
        snprintf(num[6], sizeof num[6], "%lld",
                 (long long)json_integer_value(json_object_get(unit, "rank")));
        f[10] = num[6];
        json_array_foreach(json_object_get(reply, "indicators"), i, ind)
        {
            const char *key = json_string_value(json_object_get(ind, "key"));
            const json_t *v = cg_bulletin_value(unit, key);
            f[2] = key;
            f[3] = json_string_value(json_object_get(ind, "name"));
            snprintf(num[0], 32, "%g", json_number_value(json_object_get(v, "numerator")));
            snprintf(num[1], 32, "%g", json_number_value(json_object_get(v, "denominator")));
            snprintf(num[2], 32, "%g", json_number_value(json_object_get(v, "value")));
            snprintf(num[3], 32, "%g", json_number_value(json_object_get(v, "score")));
            snprintf(num[4], 32, "%lld",
                     (long long)json_integer_value(json_object_get(ind, "weight")));
            f[4] = num[0];
            f[5] = num[1];
            f[6] = num[2];
            f[7] = num[3];
            f[8] = json_string_value(json_object_get(v, "status"));
            f[9] = num[4];
            if (rc == 0)
                rc = cg_csv_write_row(out, f, N);
        }
        snprintf(num[3], 32, "%g", json_number_value(json_object_get(unit, "score")));
        snprintf(num[4], 32, "%lld",
                 (long long)json_integer_value(json_object_get(unit, "scored_weight")));
        const char *s[N] = {f[0], f[1], "score", "", "", "", num[3], num[3], "", num[4], num[6]};
        if (rc == 0)
            rc = cg_csv_write_row(out, s, N);
    }
    return rc;
}

static int write_bulletin(FILE *out, const char *format, json_t *reply)
{
    if (strcmp(format, "json") == 0) {
        cg_time_json_local(reply);
        return json_dumpf(reply, out, JSON_COMPACT) == 0 && fputc('\n', out) != EOF ? 0 : -1;
    }
    if (strcmp(format, "csv") == 0)
        return print_csv(out, reply);
    if (strcmp(format, "html") == 0)
        return cg_bulletin_html(out, reply);
    return print_table(out, reply);
}

static const char *const formats[] = {"table", "csv", "json", "html", NULL};

static const cg_report_spec bulletin_spec = {
    .in = {.request = &chengguan__v1__stats_bulletin__descriptor,
           .opts = bulletin_opts,
           .local_opts = bulletin_local},
    .formats = formats,
    .formats_text = "table, csv, json, html",
    .write = write_bulletin,
};

static const cg_cli_command bulletin_cmd = {
    .name = "stats bulletin",
    .args = "--period 2021-03|2021-Q2|2021 [--unit UNIT] [--format table|csv|json|html] [-o FILE]",
    .summary = N_("the supervision bulletin: indicators, score and rank per unit"),
    .help = N_("Per district unit over a month, a quarter or a year: the indicators of the\n"
               "assessment (docs/assessment.md), each unit's composite score and its rank.\n"
               "A rate over too few cases is shown as such and not scored; a unit scored\n"
               "on too little is not ranked. A unit sees its own row, without the rank;\n"
               "hq and supervision see every unit and the ranking. --format html writes one\n"
               "self-contained page with the table and charts (open it in a browser).\n\n"),
    .run = cg_report_run,
    .spec = &bulletin_spec,
};

static const cg_cli_command *const subcommands[] = {&bulletin_cmd, NULL};

const cg_cli_command cg_cli_cmd_stats = {
    .name = "stats",
    .summary = N_("supervision statistics: the bulletin"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
