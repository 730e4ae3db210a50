/* chengguan coordination ...: meetings of the leadership group (领导小组,
 * hq) and the three-party coordination meetings (街道社区·物业·城管) of a
 * unit, with the decisions taken there: what, who is in charge, by when;
 * followed up with `decision`. */
#include "i18n.h"
#include "cli.h"
#include "cli_request.h"
#include "text_file.h"

#include "chengguan/v1/mechanism.pb-c.h"

#include <string.h>

/* `--decision DEADLINE:OWNER:TEXT` as the JSON of a Decision: the deadline
 * YYYY-MM-DD, the owner up to the next ':', the text all the rest. */
static const char *decision_from_text(const char *text, json_t **out)
{
    *out = NULL;
    const char *c1 = strchr(text, ':');
    const char *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
    if (c2 == NULL || c1 == text || c2 == c1 + 1 || c2[1] == '\0')
        return _("not DEADLINE:OWNER:TEXT");
    json_t *deadline = json_stringn(text, (size_t)(c1 - text));
    json_t *owner = json_stringn(c1 + 1, (size_t)(c2 - c1 - 1));
    json_t *t = json_string(c2 + 1);
    if (deadline == NULL || owner == NULL || t == NULL) {
        json_decref(deadline);
        json_decref(owner);
        json_decref(t);
        return _("not valid UTF-8");
    }
    *out = json_pack("{sososo}", "deadline", deadline, "owner", owner, "text", t);
    return *out != NULL ? NULL : _("out of memory");
}

static const cg_column decision_columns[] = {
    {.header = N_("decision"), .field = "id"},
    {.header = N_("text"), .field = "text"},
    {.header = N_("owner"), .field = "owner"},
    {.header = N_("due by"), .field = "deadline"},
    {0},
};

static const cg_column meeting_lines[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("kind"), .field = "kind"},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("date"), .field = "date"},
    {.header = N_("topic"), .field = "topic"},
    {.header = N_("attendees"), .field = "attendees"},
    {.header = N_("compounds concerned"), .field = "compounds"},
    {.header = N_("minutes"), .field = "minutes"},
    {.header = N_("recorded at"), .field = "recorded_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("recorded by"), .field = "recorded_by"},
    {0},
};

static const cg_opt record_opts[] = {
    {.field = "kind",
     .arg = "leadership|three_party",
     .required = 1,
     .help = N_("a meeting of the leadership group (hq) or a three-party one")},
    {.field = "unit",
     .arg = "UNIT",
     .help = N_("three_party: the unit that held it (hq: required)")},
    {.field = "date", .arg = "DATE", .required = 1, .help = N_("the day it was held")},
    {.field = "topic", .arg = "TEXT", .required = 1, .help = N_("what it was about")},
    {.field = "attendees", .arg = "TEXT", .required = 1, .help = N_("who came")},
    {.field = "compounds", .arg = "ID,...", .help = N_("the compounds concerned")},
    {.field = "minutes",
     .arg = "FILE",
     .help = N_("the minutes, a UTF-8 text file ('-': standard input)"),
     .from_text = cg_text_file},
    {.field = "decisions",
     .option = "decision",
     .arg = "DEADLINE:OWNER:TEXT",
     .help = N_("a decision, who carries it out and by when (again for more)"),
     .from_text = decision_from_text},
    {0},
};

static const cg_request_spec record_spec = {
    .in = {.request = &chengguan__v1__mech_meeting_record__descriptor, .opts = record_opts},
    .columns = meeting_lines,
    .items = "decisions",
    .item_columns = decision_columns,
};

static const cg_opt list_opts[] = {
    {.field = "kind", .arg = "leadership|three_party", .help = N_("only meetings of this kind")},
    {.field = "unit", .arg = "UNIT", .help = N_("only the meetings of this unit")},
    {.field = "month", .arg = "YYYY-MM", .help = N_("only the meetings of this month")},
    {0},
};

static const cg_column list_columns[] = {
    {.header = N_("id"), .field = "id"},
    {.header = N_("kind"), .field = "kind"},
    {.header = N_("unit"), .field = "unit", .fmt = CG_FMT_UNIT},
    {.header = N_("date"), .field = "date"},
    {.header = N_("topic"), .field = "topic"},
    {.header = N_("decisions"), .field = "decisions", .fmt = CG_FMT_COUNT},
    {0},
};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__mech_meeting_list__descriptor, .opts = list_opts},
    .cursor = "after_id",
    .next = "next_after_id",
    .newest_first = 1,
    .rows = "meetings",
    .columns = list_columns,
};

static const cg_cli_command record = {
    .name = "coordination record",
    .args = "--kind leadership|three_party --date DATE --topic TEXT --attendees TEXT "
            "[--unit UNIT] [--compounds ID,...] [--minutes FILE] "
            "[--decision DEADLINE:OWNER:TEXT]...",
    .summary = N_("record a leadership-group or three-party coordination meeting"),
    .help = N_("Records a meeting of the leadership group (hq only) or a unit's three-party\n"
               "coordination meeting with its decisions; each decision\n"
               "gets an id and is followed up with 'decision follow-up'.\n\n"),
    .run = cg_request_run,
    .spec = &record_spec,
};

static const cg_cli_command list = {
    .name = "coordination list",
    .args = "[--kind leadership|three_party] [--unit UNIT] [--month YYYY-MM]",
    .summary = N_("list leadership-group and three-party meetings, newest first"),
    .help = N_("Lists the meetings this account may see, newest first.\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

static const cg_cli_command *const subcommands[] = {&record, &list, NULL};

const cg_cli_command cg_cli_cmd_coordination = {
    .name = "coordination",
    .summary = N_("leadership-group and three-party coordination meetings"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
