#include "bulletin_view.h"

#include "i18n.h"

#include <stdio.h>
#include <string.h>

/* The indicators of docs/assessment.md by key. */
static const struct {
    const char *key, *label;
} labels[] = {
    {"coverage", N_("entry coverage")},
    {"boards", N_("notice-board coverage")},
    {"ledger", N_("ledger completeness")},
    {"patrol", N_("patrol compliance")},
    {"patrols", N_("patrols")},
    {"requests", N_("requests answered on time")},
    {"reports", N_("reports acknowledged on time")},
    {"ack_minutes", N_("mean time to acknowledge (minutes)")},
    {"registered", N_("cases registered")},
    {"closure", N_("case closure rate")},
    {"on_time", N_("cases closed on time")},
    {"rework", N_("rework rate")},
    {"escalations", N_("escalations to supervision")},
    {"orders", N_("supervision orders answered on time")},
    {"illegal", N_("new illegal-construction cases")},
    {"meetings", N_("months with a co-construction day")},
    {"suggestions", N_("suggestions answered")},
    {"trained", N_("officers trained")},
    {"problems_found", N_("problems found")},
    {"problems_fixed", N_("problems fixed")},
    {"problems_open", N_("problems not fixed at the end")},
};

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL ? s : "";
}

static double num(const json_t *obj, const char *key)
{
    return json_number_value(json_object_get(obj, key));
}

const char *cg_bulletin_label(const json_t *indicator)
{
    const char *key = str(indicator, "key");
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].key, key) == 0)
            return _(labels[i].label);
    return str(indicator, "name");
}

static const json_t *find(const json_t *list, const char *key)
{
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v) if (strcmp(str(v, "key"), key) == 0) return v;
    return NULL;
}

const json_t *cg_bulletin_indicator(const json_t *reply, const char *key)
{
    return find(json_object_get(reply, "indicators"), key);
}

const json_t *cg_bulletin_value(const json_t *unit, const char *key)
{
    return find(json_object_get(unit, "values"), key);
}

int cg_bulletin_is_rate(const json_t *indicator)
{
    return strncmp(str(indicator, "kind"), "rate", 4) == 0;
}

void cg_bulletin_cell(const json_t *indicator, const json_t *value, char *buf, size_t len)
{
    const char *status = str(value, "status");
    const char *kind = str(indicator, "kind");
    double n = num(value, "numerator"), d = num(value, "denominator");
    if (value == NULL || strcmp(status, "none") == 0)
        snprintf(buf, len, "-");
    else if (strcmp(status, "too_few") == 0) {
        char base[64];
        snprintf(base, sizeof base, "%.0f/%.0f", n, d);
        /* TRANSLATORS: a rate over too few cases to score; %s is "2/3". */
        snprintf(buf, len, _("too few (%s)"), base);
    } else if (cg_bulletin_is_rate(indicator))
        snprintf(buf, len, "%.1f%% (%.0f/%.0f)", 100 * num(value, "value"), n, d);
    else if (strcmp(kind, "mean") == 0)
        snprintf(buf, len, "%.1f", num(value, "value"));
    else
        snprintf(buf, len, "%.0f", n);
}

void cg_bulletin_score(const json_t *unit, char *buf, size_t len)
{
    if (json_integer_value(json_object_get(unit, "scored_weight")) == 0)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.1f", num(unit, "score"));
}

void cg_bulletin_rank(const json_t *reply, const json_t *unit, char *buf, size_t len)
{
    json_int_t rank = json_integer_value(json_object_get(unit, "rank"));
    if (!json_is_true(json_object_get(reply, "ranking")))
        snprintf(buf, len, "-");
    else if (rank == 0)
        snprintf(buf, len, "%s", _("not ranked"));
    else
        snprintf(buf, len, "%lld", (long long)rank);
}
