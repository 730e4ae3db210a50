/* chengguan meeting ...: co-construction days (城管执法共建日), held by each
 * unit on the 15th of every month (another day with a reason) with the
 * street, community, property companies, owners' committees and residents;
 * the suggestions made there get ids and are answered with `suggestion`. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"
#include "text_file.h"

#include "chengguan/v1/mechanism.pb-c.h"

#include <stdlib.h>
#include <string.h>

/* The parties of Participants, as the protocol spells them. */
static const char *const parties[] = {"street",           "community", "property",
                                      "owners_committee", "residents", NULL};

/* TRANSLATORS: who came to a co-construction day, shown as "街道 2, 社区 1" */
static const char *const party_names[] = {N_("street"), N_("community"), N_("property"),
                                          N_("owners committee"), N_("residents")};

/* Whether the party name p (len bytes) is party k: its protocol word or its
 * name in the person's language (街道=2). */
static int is_party(const char *p, size_t len, size_t k)
{
    const char *names[] = {parties[k], _(party_names[k])};
    for (size_t i = 0; i < 2; i++)
        if (strlen(names[i]) == len && strncmp(p, names[i], len) == 0)
            return 1;
    return 0;
}

/* `--participants street=N,community=N,...` (any of the parties, each at most
 * once) as the JSON of a Participants. */
static const char *participants_from_text(const char *text, json_t **out)
{
    *out = json_object();
    if (*out == NULL)
        return _("out of memory");
    const char *why = NULL;
    for (const char *p = text; *p != '\0' && why == NULL;) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        size_t k = 0;
        while (eq != NULL && parties[k] != NULL && !is_party(p, (size_t)(eq - p), k))
            k++;
        char *end = NULL;
        long n = eq != NULL ? strtol(eq + 1, &end, 10) : -1;
        if (eq == NULL || parties[k] == NULL || end == eq + 1 || end != p + len || n < 0 ||
            n > 1000)
            why = _("not PARTY=N,... (parties street, community, property, owners_committee, "
                    "residents; N 0-1000)");
        else if (json_object_get(*out, parties[k]) != NULL)
            why = _("a party is given twice");
        else
            json_object_set_new(*out, parties[k], json_integer(n));
        p += len + (p[len] == ',');
    }
    if (why != NULL) {
        json_decref(*out);
        *out = NULL;
    }
    return why;
}

static const cg_column suggestion_columns[] = {
    {.header = N_("suggestion"), .field = "id"},
    {.header = N_("text"), .field = "text"},
    {.header = N_("adopted"), .field = "adopted", .fmt = CG_FMT_ENUM},
    {.header = N_("answer"), .field = "answer"},
    {0},
};

static const cg_column meeting_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("date"), .field = "date"},
    {.header = N_("rescheduled reason"), .field = "rescheduled_reason"},
    {.header = N_("compounds concerned"), .field = "compounds"},
    {.header = N_("participants"), .field = "participants"},
    {.header = N_("minutes"), .field = "minutes"},
    {.header = N_("recorded at"), .field = "recorded_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("recorded by"), .field = "recorded_by"},
    {0},
};

static const cg_opt record_opts[] = {
    {.field = "unit", .arg = "UNIT", .help = N_("the unit that held it (hq: required)")},
    {.field = "date", .arg = "DATE", .required = 1, .help = N_("the day it was held, the 15th")},
    {.field = "rescheduled_reason",
     .arg = "TEXT",
     .help = N_("why it was not held on the 15th (required on another day)")},
    {.field = "compounds",
     .arg = "ID,...",
     .required = 1,
     .help = N_("the unit's compounds it was held for")},
    {.field = "participants",
     .arg = "PARTY=N,...",
     .required = 1,
     .help = N_("how many came: street, community, property, owners_committee, residents"),
     .from_text = participants_from_text},
    {.field = "minutes",
     .arg = "FILE",
     .help = N_("the minutes, a UTF-8 text file ('-': standard input)"),
     .from_text = cg_text_file},
    {.field = "suggestions",
     .option = "suggestion",
     .arg = "TEXT",
     .help = N_("an opinion or suggestion made there (again for more)")},
    {0},
};

static const cg_request_spec record_spec = {
    .in = {.request = &chengguan__v1__co_meeting_record__descriptor, .opts = record_opts},
    .columns = meeting_lines,
    .items = "suggestions",
    .item_columns = suggestion_columns,
};

static const cg_opt list_opts[] = {
    {.field = "month", .arg = "YYYY-MM", .help = N_("only the days held in this month")},
    {.field = "unit", .arg = "UNIT", .help = N_("only the days held by this unit")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("date"), .field = "date"},
    {.header = N_("rescheduled reason"), .field = "rescheduled_reason"},
    {.header = N_("compounds concerned"), .field = "compounds"},
    {.header = N_("participants"), .field = "participants"},
    {.header = N_("suggestions"), .field = "suggestions", .fmt = CG_FMT_COUNT},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__co_meeting_list__descriptor, .opts = list_opts},
    .cursor = "after_id",
    .next = "next_after_id",
    .newest_first = 1,
    .rows = "meetings",
    .columns = list_columns,
};

static const cg_opt missing_opts[] = {
    {.field = "month", .arg = "YYYY-MM", .required = 1, .help = N_("the month")},
    {0},
};

static const cg_column missing_columns[] = {
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("last co-construction day"), .field = "last_date"},
    {0},
};

static const cg_column missing_heading[] = {{.header = N_("month"), .field = "month"}, {0}};

static const cg_request_spec missing_spec = {
    .in = {.request = &chengguan__v1__co_meeting_missing__descriptor, .opts = missing_opts},
    .heading = missing_heading,
    .rows = "units",
    .columns = missing_columns,
};

static const cg_cli_command record = {
    .name = "meeting record",
    .args = "--date DATE --compounds ID,... --participants PARTY=N,... [--unit UNIT] "
            "[--rescheduled-reason TEXT] [--minutes FILE] [--suggestion TEXT]...",
    .summary = N_("record a co-construction day"),
    .help = N_("Records a co-construction day of the unit: held on the 15th of the month\n"
               "(another day needs --rescheduled-reason), for some of its compounds, with\n"
               "how many people of each party came. Each suggestion gets an id, answered\n"
               "with 'suggestion answer'.\n\n"),
    .run = cg_request_run,
    .spec = &record_spec,
};

static const cg_cli_command list = {
    .name = "meeting list",
    .args = "[--month YYYY-MM] [--unit UNIT]",
    .summary = N_("list co-construction days, newest first"),
    .help = N_("Lists the co-construction days this account may see, newest first.\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command missing = {
    .name = "meeting missing",
    .args = "--month YYYY-MM",
    .summary = N_("units that held no co-construction day in a month"),
    .help = N_("Lists the units that held no co-construction day in the month, with the\n"
               "last one they held before it.\n\n"),
    .run = cg_request_run,
    .spec = &missing_spec,
};

static const cg_cli_command *const subcommands[] = {&record, &list, &missing, NULL};

const cg_cli_command cg_cli_cmd_meeting = {
    .name = "meeting",
    .summary = N_("co-construction days and what was raised there"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
