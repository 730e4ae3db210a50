/* chengguan summary: a unit's periodic summary (定期总结) of management and
 * enforcement for a month or a quarter, as Markdown or HTML, from the
 * figures of its bulletin row. */
#include "bulletin_html.h"
#include "bulletin_view.h"
#include "cli.h"
#include "i18n.h"
#include "report_file.h"

#include <stdio.h>
#include <string.h>

static const cg_opt summary_opts[] = {
    {.field = "unit", .arg = "UNIT", .required = 1, .help = N_("the unit summarised")},
    {.field = "period",
     .arg = "PERIOD",
     .required = 1,
     .help = N_("a month (2021-03) or a quarter (2021-Q2)")},
    {0},
};

static const cg_opt summary_local[] = {
    {.option = "format", .arg = "FORMAT", .help = N_("markdown (default) or html")},
    {.option = "output",
     .arg = "FILE",
     .help = N_("write to FILE instead of standard output (-o)")},
    {0},
};

/* The sections of a summary and the indicators each shows, in order. The
 * problem list is filled by indicators the bulletin gains with the
 * rectification campaign (docs/assessment.md): until the reply has one of a
 * section's keys, the section says it is not recorded. */
static const struct {
    const char *title;
    const char *keys[8];
} sections[] = {
    {N_("Coverage and ledger"), {"coverage", "boards", "ledger"}},
    {N_("Patrols"), {"patrols", "patrol"}},
    {N_("Residents' requests and property reports"), {"requests", "reports", "ack_minutes"}},
    {N_("Cases"),
     {"registered", "closure", "on_time", "rework", "illegal", "escalations", "orders"}},
    {N_("Co-construction days"), {"meetings", "suggestions", "trained"}},
    {N_("Problem list"), {"problems_found", "problems_fixed", "problems_open"}},
};

static void heading(FILE *out, int html, int level, const char *text)
{
    if (html) {
        fprintf(out, "<h%d>", level);
        cg_html_text(out, text);
        fprintf(out, "</h%d>\n", level);
    } else
        fprintf(out, "%s %s\n\n", level == 1 ? "#" : "##", text);
}

static void line(FILE *out, int html, const char *label, const char *value)
{
    if (html) {
        fputs("<li>", out);
        cg_html_text(out, label);
        fputs(": <b>", out);
        cg_html_text(out, value);
        fputs("</b></li>\n", out);
    } else
        fprintf(out, "- %s: **%s**\n", label, value);
}

static int write_summary(FILE *out, const char *format, json_t *reply)
{
    int html = strcmp(format, "html") == 0;
    const json_t *unit = json_array_get(json_object_get(reply, "units"), 0);
    const char *name = json_string_value(json_object_get(unit, "unit_name"));
    char title[256], cell[128];
    snprintf(title, sizeof title, _("%s: management and enforcement in compounds, %s"),
             name != NULL ? name : "", json_string_value(json_object_get(reply, "period")));
    if (html)
        cg_html_begin(out, title);
    heading(out, html, 1, title);
    snprintf(title, sizeof title, _("Period %s to %s, figures as of %s."),
             json_string_value(json_object_get(reply, "first")),
             json_string_value(json_object_get(reply, "last")),
             json_string_value(json_object_get(reply, "as_of")));
    fprintf(out, html ? "<p>%s</p>\n" : "%s\n\n", title);
    for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++) {
        heading(out, html, 2, _(sections[s].title));
        int shown = 0;
        for (size_t k = 0; k < 8 && sections[s].keys[k] != NULL; k++) {
            const json_t *ind = cg_bulletin_indicator(reply, sections[s].keys[k]);
            if (ind == NULL)
                continue;
            if (html && !shown)
                fputs("<ul>\n", out);
            cg_bulletin_cell(ind, cg_bulletin_value(unit, sections[s].keys[k]), cell, sizeof cell);
            line(out, html, cg_bulletin_label(ind), cell);
            shown = 1;
        }
        if (shown)
            fputs(html ? "</ul>\n" : "\n", out);
        else
            fprintf(out, html ? "<p>%s</p>\n" : "%s\n\n", _("Not recorded in the system yet."));
    }
    heading(out, html, 2, _("Composite score"));
    cg_bulletin_score(unit, cell, sizeof cell);
    if (html)
        fputs("<ul>\n", out);
    line(out, html, _("composite score"), cell);
    fputs(html ? "</ul>\n</body>\n</html>\n" : "\n", out);
    return ferror(out) ? -1 : 0;
}

/* A month or a quarter: the server also takes a year, which a summary is not. */
static int check_period(const cg_cli_command *cmd, const json_t *req)
{
    const char *period = json_string_value(json_object_get(req, "period"));
    if (period == NULL || strchr(period, '-') == NULL)
        return cg_cli_usage_error(cmd, _("--period: a month (2021-03) or a quarter (2021-Q2)"));
    return 0;
}

static const char *const formats[] = {"markdown", "html", NULL};

static const cg_report_spec summary_spec = {
    .in = {.request = &chengguan__v1__stats_bulletin__descriptor,
           .opts = summary_opts,
           .local_opts = summary_local},
    .formats = formats,
    .formats_text = "markdown, html",
    .check = check_period,
    .write = write_summary,
};

const cg_cli_command cg_cli_cmd_summary = {
    .name = "summary",
    .args = "--unit UNIT --period 2021-03|2021-Q2 [--format markdown|html] [-o FILE]",
    .summary = N_("a unit's summary of management and enforcement for a month or quarter"),
    .help = N_("Writes the periodic summary of a unit: coverage and ledger, patrols,\n"
               "residents' requests and property reports, cases, co-construction\n"
               "days and the problem list, and the composite score, as Markdown or HTML\n"
               "to paste into the unit's written report. A unit summarises itself.\n\n"),
    .run = cg_report_run,
    .spec = &summary_spec,
};
