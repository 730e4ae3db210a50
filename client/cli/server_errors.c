#include "server_errors.h"
#include "enum_text.h"

#include "i18n.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/*
 * The text of each Error.reason of docs/protocol.md. {name} stands for the
 * parameter of that name; the English msgid is what LANG=C shows, the
 * translation what a clerk reads. Keep the placeholders in the translation.
 */
typedef struct {
    const char *reason;
    const char *text;
} server_error;

static const server_error errors[] = {
    /* values of a request */
    {"value.required", N_("{field}: must be given")},
    {"value.too_long", N_("{field}: at most {max} characters (got {got})")},
    {"value.line_break", N_("{field}: must be one line, without control characters")},
    {"value.not_a_number", N_("{field}: not a whole number")},
    {"value.out_of_range", N_("{field}: must be {min} to {max} (got {got})")},
    {"value.not_one_of", N_("{field}: '{value}' is not one of {allowed}")},
    {"value.phone", N_("{field}: not a phone number: {value}")},
    {"value.not_a_date", N_("{field}: not a date (YYYY-MM-DD): {value}")},
    {"value.no_such_date", N_("{field}: no such date: {value}")},
    {"value.before_programme", N_("{field}: before the records begin ({first})")},
    {"value.after_today", N_("{field}: after today ({today})")},
    {"value.not_a_time", N_("{field}: not a time: {value}")},
    {"value.not_a_week", N_("{field}: not a week such as 2021-W09: {value}")},
    {"value.not_an_id", N_("{field}: not an id: {value}")},
    {"value.too_many", N_("{field}: at most {max} (got {got})")},
    {"value.twice", N_("{field}: {value} is given twice")},
    {"fields.unknown", N_("unknown field {value}")},
    {"fields.not_editable", N_("{value} cannot be changed this way")},
    {"period.reversed", N_("{field}: ends before it starts ({from})")},
    {"period.too_long", N_("{field}: a period spans at most {years} years")},
    {"period.invalid", N_("{field}: not a period such as 2021-03, 2021-Q2 or 2021: {value}")},
    {"category.unknown", N_("{field}: no violation category {value} (see 'chengguan categories')")},
    /* who and where */
    {"account.unknown", N_("unknown account {account}")},
    {"account.disabled", N_("account {account} is disabled")},
    {"account.not_property", N_("account {account} is not a property company's")},
    {"role.denied", N_("account {account} may not do this")},
    {"unit.unknown", N_("unknown unit {value}")},
    {"unit.out_of_scope", N_("unit {unit} is outside your scope")},
    {"unit.no_officers", N_("unit {unit} has no enforcement officers")},
    {"unit.no_district", N_("unit {unit} covers no district")},
    {"district.unknown", N_("unknown district {value}")},
    {"district.out_of_scope", N_("district {district} is outside your scope")},
    {"account.rate_limited",
     N_("too many requests from account {account}: try again in {retry_after_ms} ms")},
    {"idempotency_key.invalid", N_("the idempotency key must be 16 to 64 bytes")},
    {"idempotency_key.reused", N_("this idempotency key was used for another request")},
    {"idempotency_key.in_progress", N_("the request with this idempotency key is still running")},
    /* the ledger */
    {"compound.not_found", N_("compound {id} not found")},
    {"compound.not_yours", N_("compound {id} may not be changed by you")},
    {"compound.closed", N_("compound {id} was closed on {date}")},
    {"compound.exists",
     N_("compound '{name}' already exists in community '{community}' (id {id})")},
    {"compound.name_in_district",
     N_("compound '{name}' already exists in this district, community '{community}' (id {id}): "
        "give --force to add it anyway")},
    {"compound.version_changed",
     N_("compound {id} was changed meanwhile (version {version}, not {expected}): look again")},
    {"compound.already_entered", N_("compound {id} was already entered on {date}")},
    {"compound.no_grid_officer",
     N_("compound {id} has no grid officer: assign one before entering")},
    {"compound.not_entered", N_("compound {id} has not been entered")},
    {"compound.district_has_officer",
     N_("the district of compound {id} cannot change while it has a grid officer")},
    {"compound.patrol_before_entry",
     N_("patrol {patrol_id} of compound {id} started {start}: the entry date cannot be after it")},
    {"grid.since_before_previous",
     N_("{field}: {since} is before the previous assignment ({date})")},
    {"import.empty", N_("the file has no rows")},
    {"import.rows_invalid", N_("nothing was imported: {count} errors\n{lines}")},
    {"import.id_twice", N_("compound {id} is also on line {line}")},
    {"import.name_twice",
     N_("compound '{name}' of community '{community}' is also on line {line}")},
    {"officer.not_found", N_("officer {id} not found")},
    {"officer.other_unit", N_("officer {id} belongs to unit {unit}, not {expected}")},
    {"officer.badge_taken", N_("badge {badge} is already taken")},
    {"officer.exists", N_("officer {name} ({phone}) is already in unit {unit} (id {id})")},
    {"publicity.nothing", N_("notices and letters are both 0: nothing was delivered")},
    /* patrols and residents' requests */
    {"patrol.not_found", N_("patrol {id} not found")},
    {"patrol.ends_before_start", N_("the patrol ends ({end}) before it starts ({start})")},
    {"patrol.ends_in_future", N_("the patrol ends in the future ({end}; now {now})")},
    {"patrol.too_long",
     N_("a patrol lasts at most {max_hours} hours (this one {hours} h {minutes} min)")},
    {"patrol.before_entry",
     N_("the patrol starts {start}, before compound {id} was entered on {date}")},
    {"patrol.duplicate", N_("the same patrol was already recorded (patrol {id})")},
    {"patrol.officer_busy",
     N_("officer {officer_name} ({officer_id}) is on patrol {id} at that time")},
    {"patrol.not_yours", N_("patrol {id} may not be changed by you")},
    {"patrol.voided", N_("patrol {id} was already voided at {at}")},
    {"request.not_found", N_("request {id} not found")},
    {"request.not_yours", N_("request {id} may not be changed by you")},
    {"request.closed", N_("request {id} was closed at {at}")},
    {"request.voided", N_("request {id} was voided at {at}")},
    {"request.not_answered", N_("answer request {id} before closing it")},
    /* reports */
    {"report.not_found", N_("report {id} not found")},
    {"report.not_yours", N_("report {id} may not be handled by you")},
    {"report.already_acknowledged", N_("report {id} was already acknowledged")},
    {"report.not_acknowledged", N_("report {id} is not acknowledged: acknowledge it first")},
    {"report.already_resolved", N_("report {id} was already resolved")},
    /* the holiday calendar (h-calendar) */
    {"calendar.year_missing",
     N_("the holiday calendar has no year {year} (needed for {date}): enter its notice first "
        "(calendar add-holiday, add-workday, add-year)")},
    {"calendar.year_empty",
     N_("year {year} has no days of its notice entered yet: add them first")},
    {"calendar.year_exists", N_("year {year} is already in the calendar ({notice})")},
    /* enforcement cases */
    {"case.not_found", N_("case {id} not found")},
    {"case.not_yours", N_("case {id} may not be handled by you")},
    {"case.version_changed", N_("case {id} is at version {version}, not {expected}: someone "
                                "changed it meanwhile; look again")},
    {"case.move_not_allowed", N_("case {id} is {state}: it may move to {allowed}, not {to}")},
    {"case.verify_needed", N_("case {id} is verified by a verification: use case verify")},
    {"case.not_rectifying", N_("case {id} is {state}: only a rectifying case is verified")},
    {"case.not_closed", N_("case {id} is {state}: only a closed case is reopened")},
    {"case.reopen_too_late", N_("case {id} was closed at {closed_at}: more than {days} days ago")},
    {"case.at_in_future", N_("{field}: {at} is in the future")},
    {"case.at_before_previous", N_("{field}: {at} is before the previous step ({previous})")},
    {"case.at_before_source", N_("{field}: {at} is before its source was seen ({source_at})")},
    {"case.only_for_state", N_("{field}: only for a move to {state}")},
    {"case.fine_not_positive", N_("{field}: a fine is more than 0 yuan (got {value})")},
    {"case.fine_not_an_amount",
     N_("{field}: not an amount in yuan with at most 2 decimals: {value}")},
    {"case.deadline_before_decision", N_("{field}: {deadline} is before the decision ({decided})")},
    {"case.deadline_before_reopening",
     N_("{field}: {deadline} is before the reopening ({reopened})")},
    {"case.illegal_construction_category",
     N_("{field}: illegal construction only with category 2 (got {category})")},
    {"case.one_source", N_("a case comes from one finding, report or request at most")},
    {"case.source_mismatch",
     N_("{field}: a case from this item has source {expected}, not {value}")},
    {"case.other_compound", N_("{field}: it is of compound {compound_id}, not {expected}")},
    {"case.exists", N_("case {id} was already opened from it")},
    {"case.report_resolved", N_("report {id} was resolved {outcome}: no case from it")},
    {"finding.not_found", N_("finding {id} not found")},
    /* evidence of cases */
    {"case.evidence_not_yours", N_("case {id}: its evidence is for the bureau only")},
    {"attachment.too_large",
     N_("{field}: {size} bytes is over the limit of {limit} bytes for one attachment")},
    {"attachment.sha256_mismatch",
     N_("the bytes stored do not match the file's SHA-256: nothing attached; send it again")},
    {"attachment.exists", N_("case {id} already has this file as attachment {number}")},
    {"attachment.not_found", N_("case {id} has no attachment {number}")},
    {"attachment.bad_name", N_("{field}: a file name without a directory: {value}")},
    {"attachment.bad_sha256", N_("{field}: not the 32 bytes of a SHA-256")},
    {"attachment.lat_lon", N_("{field}: --lat and --lon go together")},
    {"upload.not_found", N_("upload {id} not found (it expired or was dropped: begin again)")},
    {"upload.offset", N_("the server has {received} bytes of upload {id}, not {offset}: send "
                         "from there")},
    {"upload.incomplete",
     N_("upload {id} has {received} of its {size} bytes: send the rest first")},
    {"upload.chunk_too_long", N_("{field}: at most {max} bytes in one chunk (got {got})")},
    {"upload.past_size", N_("{field}: {got} bytes, past the size given at the start ({size})")},
    /* accounts (issue 11, the people in the loop) */
    {"account.bad_name",
     N_("{value} is not an account name: a letter, then letters, digits, - or _")},
    {"account.officer_not_allowed",
     N_("only an officer account is bound to an officer (not role {role})")},
    {"account.unit_required", N_("an account of role {role} needs its unit")},
    {"account.unit_not_allowed", N_("an account of role {role} has no unit")},
    {"account.bad_subject", N_("{value} is not a certificate subject such as CN=name,O=org")},
    {"account.bad_fingerprint", N_("not the 64 hex digits of a SHA-256 fingerprint")},
    {"account.exists", N_("account {account} already exists")},
    {"account.subject_taken", N_("the certificate subject is already the account {account}")},
    {"account.officer_taken", N_("officer {id} already has the account {account}")},
    {"account.not_found", N_("account {account} not found")},
    {"account.self", N_("an account cannot disable itself")},
    {"account.already_disabled", N_("account {account} was already disabled at {at}")},
    /* supervision orders */
    {"order.one_record", N_("an order names one record: a report or a case")},
    {"order.deadline_past", N_("{field}: {deadline} is before today ({today})")},
    {"order.not_found", N_("order {id} not found")},
    {"order.answered", N_("order {id} was already answered at {at} by {account}")},
    /* the long-term mechanism (step 6) */
    {"value.not_a_month", N_("{field}: not a month such as 2021-03: {value}")},
    {"co_meeting.not_15th",
     N_("the co-construction day is the 15th: give a reason for holding it on {date}")},
    {"co_meeting.no_participants", N_("nobody came: give at least one participant")},
    {"suggestion.not_found", N_("suggestion {id} not found")},
    {"suggestion.answered", N_("suggestion {id} was already answered at {at} by {account}")},
    {"group.not_member", N_("{name} is not in the leadership group on {date}")},
    {"group.unchanged", N_("{name} already holds this place since {date}")},
    {"decision.deadline_before_meeting", N_("{field}: {deadline} is before the meeting ({date})")},
    {"decision.not_found", N_("decision {id} not found")},
    {"decision.not_yours", N_("decision {id} is followed up by {unit}")},
    {"decision.done", N_("decision {id} is already done")},
    {"practice.not_demo",
     N_("compound {id} is not a demonstration compound (see 'compound demo')")},
    {"practice.criteria_without_compound",
     N_("only a demonstration compound meets criteria: give --compound")},
    /* the hotline's work orders */
    {"work_order.not_hotline", N_("only the hotline gives a work-order number")},
    {"work_order.exists", N_("work order {work_order} was already filed ({kind} {id})")},
    /* the problem list and concentrated campaigns (step 6) */
    {"problem.not_found", N_("problem {id} not found")},
    {"problem.not_yours", N_("problem {id} may not be changed by you")},
    {"problem.done", N_("problem {id} is {status}: it needs no plan")},
    {"problem.deadline_before_found", N_("{field}: before the problem was found ({found_on})")},
    {"problem.verify_only", N_("supervision only verifies problems")},
    {"problem.transition", N_("problem {id} is {from}: it cannot become {to}")},
    {"problem.plan_needed",
     N_("problem {id} cannot be fixed at once: give it a rectification plan first "
        "('problem plan')")},
    {"campaign.not_found", N_("campaign {id} not found")},
    {"campaign.compound_outside", N_("campaign {id} does not cover compound {compound}")},
    {"campaign.compound_unit", N_("{field}: compound {compound} is not of the campaign's units")},
    {"campaign.outside_period", N_("{field}: {date} is outside campaign {id} ({from} to {to})")},
    {"campaign.case_outside",
     N_("case {case} is not of campaign {id}'s units and compounds, or not registered from "
        "{from} to {to}")},
    /* the generic reason of each wire code, for errors without a specific one */
    {"invalid_argument", N_("invalid request")},
    {"not_found", N_("not found")},
    {"already_exists", N_("already exists")},
    {"permission_denied", N_("not allowed for this account")},
    {"resource_exhausted", N_("the server is busy or the request is too large: try again later")},
    {"failed_precondition", N_("not possible in the current state")},
    {"aborted", N_("changed by someone else meanwhile: try again")},
    {"out_of_range", N_("out of range")},
    {"unimplemented", N_("this server does not do that yet")},
    {"internal", N_("internal error of the server (its log has the details)")},
    {"unavailable", N_("the server's database is unavailable: try again shortly")},
    {"unauthenticated", N_("this certificate belongs to no account")},
};

/* "2021-03-09T02:00:00.000Z" (RFC 3339 UTC) as Beijing time "2021-03-09 10:00";
 * 0, or -1 when value is not such an instant. */
static int beijing(const char *value, char *out, size_t len)
{
    struct tm tm = {0};
    int used = 0;
    if (sscanf(value, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6 ||
        used != 19 || strchr(value + used, 'Z') == NULL)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm) + 8 * 3600;
    gmtime_r(&t, &tm);
    strftime(out, len, "%Y-%m-%d %H:%M", &tm);
    return 0;
}

/* Appends the text of fmt with its {name} parameters from c to out; the
 * states of a case's reasons (case.*) in words. */
static void expand(const cg_client *c, const char *fmt, char *out, size_t len)
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = fmt; *p != '\0' && n + 1 < len;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (close == NULL) {
            out[n++] = *p++;
            out[n] = '\0';
            continue;
        }
        char name[64], when[32];
        snprintf(name, sizeof name, "%.*s", (int)(close - p - 1), p + 1);
        const char *v = cg_client_error_param(c, name);
        char states[256];
        if (v == NULL)
            v = "?";
        else if (beijing(v, when, sizeof when) == 0)
            v = when;
        else if (strncmp(cg_client_error_reason(c), "case.", 5) == 0 &&
                 (strcmp(name, "state") == 0 || strcmp(name, "to") == 0 ||
                  strcmp(name, "allowed") == 0))
            v = cg_case_states_text(v, states, sizeof states);
        else if (strcmp(name, "outcome") == 0)
            v = cg_enum_text(v);
        n += (size_t)snprintf(out + n, len - n, "%s", v);
        if (n >= len)
            n = len - 1;
        p = close + 1;
    }
}

const char *cg_cli_server_error_text(const cg_client *c, char *buf, size_t len)
{
    const char *reason = cg_client_error_reason(c);
    for (size_t i = 0; reason[0] != '\0' && i < sizeof errors / sizeof errors[0]; i++) {
        if (strcmp(errors[i].reason, reason) == 0) {
            expand(c, _(errors[i].text), buf, len);
            return buf;
        }
    }
    return NULL;
}
