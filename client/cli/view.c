#include "view.h"
#include "compound_view.h"
#include "enum_text.h"
#include "i18n.h"
#include "local_time.h"
#include "ref_names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A copy of s with line breaks and tabs as spaces; "-" for "". */
static char *one_line(const char *s)
{
    char *t = strdup(s[0] != '\0' ? s : "-");
    for (char *p = t; p != NULL && *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    return t;
}

/* The elements of array a, each as fmt, joined with ", ". */
static char *joined(const json_t *a, cg_fmt fmt)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out == NULL)
        return NULL;
    size_t i;
    json_t *item;
    json_array_foreach(a, i, item)
    {
        char *s = cg_view_text(item, fmt);
        fprintf(out, "%s%s", i > 0 ? ", " : "", s ? s : "");
        free(s);
    }
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    return len > 0 ? text : (free(text), strdup("-"));
}

/* An object (the participants of a co-construction day) as "label value"
 * pairs, each label the member's name translated as a heading is. */
static char *members(const json_t *o)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out == NULL)
        return NULL;
    const char *key;
    json_t *item;
    int first = 1;
    json_object_foreach((json_t *)o, key, item)
    {
        char name[64];
        snprintf(name, sizeof name, "%s", key);
        for (char *p = name; *p; p++)
            if (*p == '_')
                *p = ' ';
        char *s = cg_view_text(item, CG_FMT_TEXT);
        fprintf(out, "%s%s %s", first ? "" : ", ", cg_i18n(name), s ? s : "");
        free(s);
        first = 0;
    }
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    return len > 0 ? text : (free(text), strdup("-"));
}

char *cg_view_text(const json_t *v, cg_fmt fmt)
{
    char buf[64];
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING:
        if (fmt == CG_FMT_LOCAL && cg_time_text_of(json_string_value(v), buf, sizeof buf) == 0)
            return strdup(buf);
        if (fmt == CG_FMT_WEEK && cg_week_text(json_string_value(v), buf, sizeof buf) == 0)
            return strdup(buf);
        if (fmt == CG_FMT_ENUM && json_string_length(v) > 0)
            return one_line(cg_enum_text(json_string_value(v)));
        if (fmt == CG_FMT_CASE_STATE && json_string_length(v) > 0) {
            char states[256];
            return one_line(cg_case_states_text(json_string_value(v), states, sizeof states));
        }
        if (fmt == CG_FMT_FIELD)
            return one_line(cg_compound_field_label(json_string_value(v)));
        if (fmt == CG_FMT_UNIT || fmt == CG_FMT_DISTRICT) {
            const char *name = cg_ref_name_of(
                fmt == CG_FMT_UNIT ? cg_unit_names : cg_district_names, json_string_value(v));
            return one_line(name != NULL ? name : json_string_value(v));
        }
        return one_line(json_string_value(v));
    case JSON_INTEGER:
        if (fmt == CG_FMT_ID && json_integer_value(v) == 0)
            return strdup("-");
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        return strdup(buf);
    case JSON_REAL:
        if (fmt == CG_FMT_PERCENT)
            snprintf(buf, sizeof buf, "%.1f%%", json_real_value(v) * 100.0);
        else
            snprintf(buf, sizeof buf, "%g", json_real_value(v));
        return strdup(buf);
    case JSON_TRUE:
    case JSON_FALSE:
        if (fmt == CG_FMT_MISSING)
            return strdup(json_is_true(v) ? _("missing") : _("ok"));
        if (fmt == CG_FMT_FLAG)
            return strdup(json_is_true(v) ? _("yes") : "-");
        return strdup(json_is_true(v) ? _("yes") : _("no"));
    case JSON_ARRAY:
        if (fmt == CG_FMT_COUNT) {
            snprintf(buf, sizeof buf, "%zu", json_array_size(v));
            return strdup(buf);
        }
        return joined(v, fmt);
    case JSON_OBJECT:
        return members(v);
    default:
        return strdup("-");
    }
}

/* The header of c: its own translated, or the field name with '_' -> ' ',
 * translated when the catalogue has that text (a heading of another table). */
static void header_of(const cg_column *c, char *buf, size_t len)
{
    char name[64];
    snprintf(name, sizeof name, "%s", c->header ? c->header : c->field);
    for (char *p = name; *p; p++)
        if (*p == '_')
            *p = ' ';
    snprintf(buf, len, "%s", cg_i18n(name));
}

static size_t count(const cg_column *cols)
{
    size_t n = 0;
    while (cols[n].field != NULL)
        n++;
    return n;
}

cg_table *cg_view_table_new(const cg_column *cols)
{
    size_t n = count(cols);
    char(*names)[64] = calloc(n ? n : 1, sizeof *names);
    const char **header = calloc(n ? n : 1, sizeof *header);
    cg_table *t = NULL;
    if (names != NULL && header != NULL) {
        for (size_t i = 0; i < n; i++) {
            header_of(&cols[i], names[i], sizeof names[i]);
            header[i] = names[i];
        }
        t = cg_table_new(n, header);
    }
    free(names);
    free(header);
    return t;
}

/* Adds one row of n cells made by cg_view_text; frees them. 0 or -1. */
static int add_cells(cg_table *t, char **cells, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        if (cells[i] == NULL)
            rc = -1;
    if (rc == 0)
        rc = cg_table_add(t, (const char *const *)cells);
    for (size_t i = 0; i < n; i++)
        free(cells[i]);
    return rc;
}

/* fmt, or for plain text the format the field's name asks for: instants in
 * Beijing time, ISO weeks with their dates, enumerations translated, units
 * and districts by name, wherever they are shown. */
static cg_fmt fmt_of(const char *field, cg_fmt fmt)
{
    size_t n = strlen(field);
    if (fmt != CG_FMT_TEXT)
        return fmt;
    if (cg_time_is_instant_name(field))
        return CG_FMT_LOCAL;
    if (strcmp(field, "week") == 0 || (n > 5 && strcmp(field + n - 5, "_week") == 0))
        return CG_FMT_WEEK;
    if (cg_enum_field(field))
        return CG_FMT_ENUM;
    if (cg_case_state_field(field))
        return CG_FMT_CASE_STATE;
    if (strcmp(field, "unit") == 0)
        return CG_FMT_UNIT;
    if (strcmp(field, "district") == 0)
        return CG_FMT_DISTRICT;
    return fmt;
}

/* The value of column c in obj: NULL (shown "-") when c applies only when
 * another member has a value that obj's has not. */
static const json_t *column_value(const cg_column *c, const json_t *obj)
{
    const char *eq = c->only_when != NULL ? strchr(c->only_when, '=') : NULL;
    if (eq != NULL) {
        char field[64];
        snprintf(field, sizeof field, "%.*s", (int)(eq - c->only_when), c->only_when);
        const char *v = json_string_value(json_object_get(obj, field));
        if (v == NULL || strcmp(v, eq + 1) != 0)
            return NULL;
    }
    return json_object_get(obj, c->field);
}

int cg_view_table_add(cg_table *t, const cg_column *cols, const json_t *obj)
{
    size_t n = count(cols);
    char **cells = calloc(n ? n : 1, sizeof *cells);
    if (cells == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        cells[i] = cg_view_text(column_value(&cols[i], obj), fmt_of(cols[i].field, cols[i].fmt));
    int rc = add_cells(t, cells, n);
    free(cells);
    return rc;
}

/* How a member shown without a column says how is shown. */
static cg_fmt default_fmt(const char *key, const json_t *v)
{
    size_t len = strlen(key);
    if (json_is_integer(v) &&
        (strcmp(key, "id") == 0 || (len > 3 && strcmp(key + len - 3, "_id") == 0)))
        return CG_FMT_ID;
    return json_is_boolean(v) ? CG_FMT_YESNO : fmt_of(key, CG_FMT_TEXT);
}

cg_table *cg_view_vertical(const json_t *obj, const cg_column *cols)
{
    cg_table *t = cg_table_new(2, NULL);
    int rc = t != NULL ? 0 : -1;
    if (cols != NULL) {
        for (size_t i = 0; rc == 0 && cols[i].field != NULL; i++) {
            char label[64];
            header_of(&cols[i], label, sizeof label);
            char *cells[] = {strdup(label), cg_view_text(column_value(&cols[i], obj),
                                                         fmt_of(cols[i].field, cols[i].fmt))};
            rc = add_cells(t, cells, 2);
        }
    } else {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)obj, key, v)
        {
            cg_column c = {.field = key, .fmt = default_fmt(key, v)};
            char label[64];
            header_of(&c, label, sizeof label);
            char *cells[] = {strdup(label), cg_view_text(v, c.fmt)};
            if (rc == 0)
                rc = add_cells(t, cells, 2);
            else
                free(cells[0]), free(cells[1]);
        }
    }
    if (rc != 0) {
        cg_table_free(t);
        return NULL;
    }
    return t;
}
