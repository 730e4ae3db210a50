/* chengguan calendar ...: the official holiday calendar and working days. */
#include "cli.h"
#include "cli_request.h"
#include "i18n.h"
#include "width.h"

#include "chengguan/v1/calendar.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- add-holiday, add-workday, add-year ----------------------------------- */

static const cg_opt day_operands[] = {
    {.field = "date", .arg = "DATE", .help = N_("the day (YYYY-MM-DD)")},
    {0},
};

static const cg_opt day_opts[] = {
    {.field = "name",
     .arg = "NAME",
     .required = 1,
     .help = N_("the holiday's name, as the notice gives it")},
    {.field = "reason",
     .arg = "TEXT",
     .required = 1,
     .help = N_("why: the notice, or what is corrected")},
    {0},
};

static const cg_column day_lines[] = {
    {.header = N_("date"), .field = "date"},
    {.header = N_("kind"), .field = "kind", .fmt = CG_FMT_ENUM},
    {.header = N_("name"), .field = "name"},
    {.header = N_("working day"), .field = "working", .fmt = CG_FMT_YESNO},
    {.header = N_("weekend"), .field = "weekend", .fmt = CG_FMT_YESNO},
    {.header = N_("reason"), .field = "reason"},
    {.header = N_("added by"), .field = "added_by"},
    {.header = N_("added at"), .field = "added_at", .fmt = CG_FMT_LOCAL},
    {0},
};

static const cg_request_spec holiday_spec = {
    .in = {.request = &chengguan__v1__calendar_holiday_add__descriptor,
           .operands = day_operands,
           .opts = day_opts},
    .columns = day_lines,
};

static const cg_request_spec workday_spec = {
    .in = {.request = &chengguan__v1__calendar_workday_add__descriptor,
           .operands = day_operands,
           .opts = day_opts},
    .columns = day_lines,
};

static const cg_opt year_operands[] = {
    {.field = "year", .arg = "YEAR", .help = N_("the year")},
    {0},
};

static const cg_opt year_opts[] = {
    {.field = "notice",
     .arg = "TITLE",
     .required = 1,
     .help = N_("the State Council notice the year's days follow")},
    {0},
};

static const cg_column year_lines[] = {
    {.header = N_("year"), .field = "year"},
    {.header = N_("notice"), .field = "notice"},
    {.header = N_("days off"), .field = "holidays"},
    {.header = N_("adjusted working days"), .field = "workdays"},
    {.header = N_("working days"), .field = "working_days"},
    {.header = N_("added by"), .field = "added_by"},
    {.header = N_("added at"), .field = "added_at", .fmt = CG_FMT_LOCAL},
    {0},
};

static const cg_request_spec year_spec = {
    .in = {.request = &chengguan__v1__calendar_year_add__descriptor,
           .operands = year_operands,
           .opts = year_opts},
    .columns = year_lines,
};

/* --- working-days --------------------------------------------------------- */

static const cg_opt span_opts[] = {
    {.field = "from", .arg = "DATE", .required = 1, .help = N_("the day counting starts after")},
    {.field = "to", .arg = "DATE", .required = 1, .help = N_("the last day counted")},
    {0},
};

static const cg_column span_lines[] = {
    {.header = N_("from"), .field = "from"},
    {.header = N_("to"), .field = "to"},
    {.header = N_("working days"), .field = "working_days"},
    {.header = N_("calendar days"), .field = "calendar_days"},
    {0},
};

static const cg_column span_days[] = {
    {.header = N_("date"), .field = "date"},
    {.header = N_("kind"), .field = "kind", .fmt = CG_FMT_ENUM},
    {.header = N_("name"), .field = "name"},
    {0},
};

static const cg_request_spec span_spec = {
    .in = {.request = &chengguan__v1__calendar_working_days__descriptor, .opts = span_opts},
    .columns = span_lines,
    .items = "days",
    .item_columns = span_days,
};

/* --- show: the year month by month ---------------------------------------- */

static const cg_opt show_opts[] = {
    {.field = "year", .arg = "YEAR", .required = 1, .help = N_("the year")},
    {0},
};

static const cg_request_spec show_spec = {
    .in = {.request = &chengguan__v1__calendar_show__descriptor, .opts = show_opts},
};

/* Each day of a month is a cell this many columns wide. */
#define CELL 5

/* Prints s and pads it with spaces to width columns. */
static void put_cell(const char *s, size_t width)
{
    size_t w = cg_display_width(s);
    fputs(s, stdout);
    for (; w < width; w++)
        putchar(' ');
}

/* Day of the week of y-m-d, 0 = Monday. */
static int weekday(int y, int m, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    time_t t = timegm(&tm);
    struct tm out;
    gmtime_r(&t, &out);
    return (out.tm_wday + 6) % 7;
}

static int days_in_month(int y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : n[m - 1];
}

/* The mark of a day in effect: holiday or working day; "" for a plain day. */
static const char *mark_of(const json_t *days, int y, int m, int d)
{
    char date[48];
    snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
    size_t i;
    json_t *day;
    json_array_foreach(days, i, day)
    {
        if (!json_is_true(json_object_get(day, "in_effect")) ||
            strcmp(json_string_value(json_object_get(day, "date")), date) != 0)
            continue;
        /* TRANSLATORS: the mark of a public holiday day off in calendar show (休) */
        return json_is_true(json_object_get(day, "working")) ? _("W") : _("H");
    }
    return "";
}

static void print_month(const json_t *days, int y, int m)
{
    /* TRANSLATORS: the title of a month in calendar show: year, month */
    printf(_("%1$d-%2$02d"), y, m);
    putchar('\n');
    static const char *const names[] = {N_("Mo"), N_("Tu"), N_("We"), N_("Th"),
                                        N_("Fr"), N_("Sa"), N_("Su")};
    for (int i = 0; i < 7; i++)
        put_cell(_(names[i]), i < 6 ? CELL : 0);
    putchar('\n');
    int col = weekday(y, m, 1);
    for (int i = 0; i < col; i++)
        put_cell("", CELL);
    for (int d = 1; d <= days_in_month(y, m); d++) {
        char cell[32];
        snprintf(cell, sizeof cell, "%2d%s", d, mark_of(days, y, m, d));
        put_cell(cell, col < 6 ? CELL : 0);
        if (++col == 7 && d < days_in_month(y, m)) {
            putchar('\n');
            col = 0;
        }
    }
    putchar('\n');
    /* the named days of the month, runs of one holiday on one line */
    size_t i, n = json_array_size(days);
    char prefix[48];
    snprintf(prefix, sizeof prefix, "%04d-%02d-", y, m);
    for (i = 0; i < n; i++) {
        json_t *day = json_array_get(days, i);
        const char *date = json_string_value(json_object_get(day, "date"));
        if (!json_is_true(json_object_get(day, "in_effect")) || strncmp(date, prefix, 8) != 0)
            continue;
        const char *kind = json_string_value(json_object_get(day, "kind"));
        const char *name = json_string_value(json_object_get(day, "name"));
        const char *last = date;
        size_t j = i + 1;
        for (; j < n; j++) {
            json_t *next = json_array_get(days, j);
            const char *nd = json_string_value(json_object_get(next, "date"));
            if (!json_is_true(json_object_get(next, "in_effect")))
                continue;
            if (strncmp(nd, prefix, 8) != 0 ||
                strcmp(json_string_value(json_object_get(next, "kind")), kind) != 0 ||
                strcmp(json_string_value(json_object_get(next, "name")), name) != 0 ||
                atoi(nd + 8) != atoi(last + 8) + 1)
                break;
            last = nd;
        }
        if (strcmp(last, date) == 0)
            printf("  %s  %s  %s\n", date + 5, cg_i18n(kind), name);
        else
            printf("  %s – %s  %s  %s\n", date + 5, last + 5, cg_i18n(kind), name);
        i = j - 1;
    }
    putchar('\n');
}

/* Entries made by accounts, the replaced ones too: the calendar's history. */
static const cg_column history_columns[] = {
    {.header = N_("date"), .field = "date"},
    {.header = N_("kind"), .field = "kind", .fmt = CG_FMT_ENUM},
    {.header = N_("name"), .field = "name"},
    {.header = N_("in effect"), .field = "in_effect", .fmt = CG_FMT_YESNO},
    {.header = N_("reason"), .field = "reason"},
    {.header = N_("added by"), .field = "added_by"},
    {.header = N_("added at"), .field = "added_at", .fmt = CG_FMT_LOCAL},
    {0},
};

static int print_history(const json_t *days)
{
    cg_table *t = cg_view_table_new(history_columns);
    if (t == NULL)
        return -1;
    size_t i, rows = 0;
    json_t *day;
    json_array_foreach(days, i, day)
    {
        const char *by = json_string_value(json_object_get(day, "added_by"));
        if (by == NULL || by[0] == '\0')
            continue;
        if (cg_view_table_add(t, history_columns, day) != 0) {
            cg_table_free(t);
            return -1;
        }
        rows++;
    }
    if (rows > 0) {
        printf("%s\n", _("Entered or corrected by operators:"));
        cg_table_print(t, stdout);
    }
    cg_table_free(t);
    return 0;
}

static int print_year(const json_t *reply)
{
    const json_t *year = json_object_get(reply, "year");
    const json_t *days = json_object_get(reply, "days");
    int y = (int)json_integer_value(json_object_get(year, "year"));
    if (json_is_true(json_object_get(year, "known")))
        printf(_("%d: %lld working days (%s)\n"), y,
               (long long)json_integer_value(json_object_get(year, "working_days")),
               json_string_value(json_object_get(year, "notice")));
    else if (json_is_true(json_object_get(year, "provisional")))
        printf(_("%d: %lld working days, provisional: the statutory holidays only, until its "
                 "notice is entered (%s)\n"),
               y, (long long)json_integer_value(json_object_get(year, "working_days")),
               json_string_value(json_object_get(year, "notice")));
    else
        printf(_("%d is not in the calendar yet: its notice was not entered, so its days "
                 "cannot be counted\n"),
               y);
    printf("%s\n\n", _("H: public holiday, day off; W: working day on a weekend (adjusted)"));
    for (int m = 1; m <= 12; m++)
        print_month(days, y, m);
    return print_history(days);
}

static int run_show(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv)
{
    json_t *req;
    const char *local[CG_INPUT_MAX_LOCAL];
    int rc = cg_input_parse(cmd, &show_spec.in, argc, argv, &req, local);
    if (rc >= 0)
        return rc;
    if ((rc = cg_cli_refuse_key(cli, cmd)) != 0) {
        json_decref(req);
        return rc;
    }
    cg_client *c;
    rc = cg_cli_connect(cli, &c);
    json_t *reply = NULL;
    if (rc == 0) {
        rc = cg_request_call(c, show_spec.in.request, req, &reply);
        cg_client_free(c);
    }
    json_decref(req);
    if (rc != 0)
        return rc;
    if (cli->json)
        return cg_json_print(reply) == 0 ? 0 : CG_EXIT_CONNECT;
    rc = print_year(reply);
    json_decref(reply);
    if (rc != 0 || fflush(stdout) != 0) {
        fprintf(stderr, _("chengguan: writing standard output failed\n"));
        return CG_EXIT_CONNECT;
    }
    return 0;
}

/* --- the group ------------------------------------------------------------ */

static const cg_cli_command add_holiday = {
    .name = "calendar add-holiday",
    .args = "DATE --name NAME --reason TEXT",
    .summary = N_("make a day a public holiday, day off"),
    .help = N_("Adds a day off to the holiday calendar (hq, supervision): a day of a new\n"
               "year's notice, or a correction. The day's earlier entries stay as its\n"
               "history; the latest is in effect.\n\n"),
    .run = cg_request_run,
    .spec = &holiday_spec,
};

static const cg_cli_command add_workday = {
    .name = "calendar add-workday",
    .args = "DATE --name NAME --reason TEXT",
    .summary = N_("make a day a working day (an adjusted weekend day)"),
    .help = N_("Adds a working day to the holiday calendar (hq, supervision): a Saturday\n"
               "or Sunday worked to make up a holiday, or the correction of a day\n"
               "wrongly entered as a holiday. The latest entry of a day is in effect.\n\n"),
    .run = cg_request_run,
    .spec = &workday_spec,
};

static const cg_cli_command add_year = {
    .name = "calendar add-year",
    .args = "YEAR --notice TITLE",
    .summary = N_("declare a year's holidays entered in full"),
    .help = N_("Declares that every day of the year's notice is entered (hq, supervision):\n"
               "from then on its days can be counted. Until then a time limit that\n"
               "reaches into the year is refused. Once per year.\n\n"),
    .run = cg_request_run,
    .spec = &year_spec,
};

static const cg_cli_command show = {
    .name = "calendar show",
    .args = "--year YEAR",
    .summary = N_("the holiday calendar of a year, month by month"),
    .help = N_("Shows the year month by month: days off marked H, working weekend days\n"
               "marked W, the holidays of each month by name, then the entries made or\n"
               "corrected by operators (--json: the year and every entry).\n\n"),
    .run = run_show,
    .spec = &show_spec,
};

static const cg_cli_command working_days = {
    .name = "calendar working-days",
    .args = "--from DATE --to DATE",
    .summary = N_("count the working days between two dates"),
    .help = N_("Counts the working days after --from up to and including --to, as time\n"
               "limits count (the first day is not counted), and lists the holidays and\n"
               "working weekend days between.\n\n"),
    .run = cg_request_run,
    .spec = &span_spec,
};

static const cg_cli_command *const subcommands[] = {
    &show, &working_days, &add_holiday, &add_workday, &add_year, NULL,
};

const cg_cli_command cg_cli_cmd_calendar = {
    .name = "calendar",
    .summary = N_("the official holiday calendar and working days"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
