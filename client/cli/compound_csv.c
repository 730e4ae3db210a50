#include "compound_csv.h"
#include "field_text.h"
#include "i18n.h"

#include "chengguan/v1/ledger.pb-c.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A new compound needs these; other columns may be left out. */
static const char *const needed_for_new[] = {"name", "district"};
#define N_NEEDED (sizeof needed_for_new / sizeof needed_for_new[0])

static const ProtobufCMessageDescriptor *compound = &chengguan__v1__compound__descriptor;

/* The management statuses as an office writes them. */
static const char *const statuses[][2] = {
    {"property_company", "物业管理"},
    {"self_managed", "自管"},
    {"none", "无物业"},
};
#define N_STATUSES (sizeof statuses / sizeof statuses[0])

/* from = 0: the Chinese of a status code; 1: the code of its Chinese. */
static const char *status_text(const char *s, int from)
{
    for (size_t i = 0; i < N_STATUSES; i++)
        if (strcmp(statuses[i][from], s) == 0)
            return statuses[i][!from];
    return NULL;
}

/* --management-status: the code, or the Chinese an office writes. */
static const char *status_from_text(const char *text, json_t **out)
{
    const char *code = status_text(text, 1);
    *out = json_string(code != NULL ? code : text);
    return *out != NULL ? NULL : _("not valid UTF-8");
}

const cg_opt cg_compound_fields[] = {
    {.field = "name", .help = N_("compound name, 1-100 characters")},
    {.field = "district",
     .arg = "CODE",
     .help = N_("xinglongtai, shuangtaizi, dawa, liaodongwan, panshan, or the Chinese name")},
    {.field = "street", .help = N_("street office")},
    {.field = "community", .help = N_("community")},
    {.field = "address", .help = N_("address")},
    {.field = "households", .help = N_("number of households")},
    {.field = "buildings", .help = N_("number of buildings")},
    {.field = "management_status",
     .arg = "STATUS",
     .from_text = status_from_text,
     .help = N_("property_company, self_managed or none (or in Chinese: \"物业管理\", "
                "\"自管\", \"无物业\")")},
    {.field = "property_company", .help = N_("property-management company")},
    {.field = "property_manager", .help = N_("its person in charge")},
    {.field = "property_phone", .arg = "PHONE", .help = N_("that person's phone")},
    {.field = "street_contact", .help = N_("person in charge at the street office")},
    {.field = "street_phone", .arg = "PHONE", .help = N_("that person's phone")},
    {.field = "community_contact", .help = N_("person in charge at the community")},
    {.field = "community_phone", .arg = "PHONE", .help = N_("that person's phone")},
    {.field = "owners_committee_contact", .help = N_("owners' committee contact, optional")},
    {.field = "owners_committee_phone",
     .arg = "PHONE",
     .help = N_("that contact's phone, optional")},
    {.field = "property_account",
     .arg = "ACCOUNT",
     .help = N_("account of the property company that may report on the compound")},
    {0},
};

/* A column of the file: a Compound field, its Chinese heading (fixed: an
 * office's files use these whatever the locale), another heading import
 * takes, and whether import skips it (what the server keeps itself). */
typedef struct {
    const char *field;
    const char *zh;
    const char *zh_alt;
    int read_only;
} column;

static const column columns[] = {
    {"id", "编号", "序号", 0},
    {"name", "小区名称", "小区", 0},
    {"district", "区", "所属区", 0},
    {"street", "街道", "所属街道", 0},
    {"community", "社区", "所属社区", 0},
    {"address", "地址", "详细地址", 0},
    {"households", "户数", NULL, 0},
    {"buildings", "楼栋数", "楼栋", 0},
    {"management_status", "管理状态", "管理方式", 0},
    {"property_company", "物业服务企业", "物业公司", 0},
    {"property_manager", "物业负责人", NULL, 0},
    {"property_phone", "物业负责人电话", "物业电话", 0},
    {"street_contact", "街道负责人", NULL, 0},
    {"street_phone", "街道负责人电话", "街道电话", 0},
    {"community_contact", "社区负责人", NULL, 0},
    {"community_phone", "社区负责人电话", "社区电话", 0},
    {"owners_committee_contact", "业委会联系人", "业主委员会联系人", 0},
    {"owners_committee_phone", "业委会联系电话", "业主委员会联系电话", 0},
    {"property_account", "物业账号", NULL, 0},
    {"grid_officer_name", "网格员", NULL, 1},
    {"grid_officer_phone", "网格员电话", NULL, 1},
    {"entered_on", "进驻日期", NULL, 1},
    {"board_installed_on", "公示牌设置日期", NULL, 1},
    {"board_duties", "公示牌职责", NULL, 1},
    {"board_contact_phone", "公示牌联系电话", NULL, 1},
    {"board_supervision_phone", "公示牌监督电话", NULL, 1},
};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

int cg_compound_csv_write_header(FILE *out, int zh)
{
    const char *cells[N_COLUMNS];
    for (size_t i = 0; i < N_COLUMNS; i++)
        cells[i] = zh ? columns[i].zh : columns[i].field;
    return cg_csv_write_row(out, cells, N_COLUMNS);
}

int cg_compound_csv_write(FILE *out, const json_t *obj, int zh)
{
    char *cells[N_COLUMNS];
    int rc = 0;
    for (size_t i = 0; i < N_COLUMNS; i++) {
        const json_t *v = json_object_get(obj, columns[i].field);
        const char *status = zh && strcmp(columns[i].field, "management_status") == 0
                                 ? status_text(json_string_value(v) ? json_string_value(v) : "", 0)
                                 : NULL;
        cells[i] = status ? strdup(status) : cg_field_to_text(v);
        if (cells[i] == NULL)
            rc = -1;
    }
    if (rc == 0)
        rc = cg_csv_write_row(out, (const char *const *)cells, N_COLUMNS);
    for (size_t i = 0; i < N_COLUMNS; i++)
        free(cells[i]);
    return rc;
}

static void problem(json_t *errors, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(json_t *errors, unsigned line, const char *fmt, ...)
{
    char msg[512];
    int len = snprintf(msg, sizeof msg, _("line %u: "), line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + len, sizeof msg - (size_t)len, fmt, ap);
    va_end(ap);
    json_array_append_new(errors, json_string(msg));
}

/* s without the spaces and tabs around it into out; -1 when it does not fit. */
static int trim(const char *s, char *out, size_t len)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= len)
        return -1;
    memcpy(out, s, n);
    out[n] = '\0';
    return 0;
}

/* The column a header cell names: the field name (any case, '-' for '_')
 * or a Chinese heading; NULL for none. */
static const column *column_named(const char *cell)
{
    char name[64];
    if (trim(cell, name, sizeof name) != 0)
        return NULL;
    for (char *p = name; *p; p++)
        *p = *p == '-' ? '_' : (char)tolower((unsigned char)*p);
    for (size_t c = 0; c < N_COLUMNS; c++)
        if (strcmp(columns[c].field, name) == 0 || strcmp(columns[c].zh, name) == 0 ||
            (columns[c].zh_alt != NULL && strcmp(columns[c].zh_alt, name) == 0))
            return &columns[c];
    return NULL;
}

/* Maps each header cell to a Compound field into fields[] (NULL for a column
 * import skips); 0, or -1 after adding the problems to errors. */
static int read_header(const cg_csv_record *h, const ProtobufCFieldDescriptor **fields,
                       json_t *errors)
{
    size_t before = json_array_size(errors), writable = 0;
    int has[N_COLUMNS] = {0}, id = 0;
    for (size_t k = 0; k < h->nfields; k++) {
        const column *c = column_named(h->fields[k]);
        fields[k] = NULL;
        if (c == NULL) {
            problem(errors, h->line,
                    _("unknown column '%s' (the columns are those of 'compound export': "
                      "id, name, district, ..., or their Chinese headings, those of "
                      "'compound export --headings zh')"),
                    h->fields[k]);
            continue;
        }
        if (has[c - columns]++)
            problem(errors, h->line, _("column '%s' appears twice"), h->fields[k]);
        if (c->read_only)
            continue;
        fields[k] = cg_field_named(compound, c->field);
        id |= c == &columns[0];
        writable += c != &columns[0];
    }
    if (json_array_size(errors) == before && writable == 0)
        problem(errors, h->line, "%s",
                id ? _("no column but 'id': nothing to import") : _("no column to import"));
    return json_array_size(errors) > before ? -1 : 0;
}

/* The line of the first row that adds a compound (its id empty, or no id
 * column), or 0 when every row has an id. Rows of the wrong length are left
 * to read_row. */
static unsigned first_new_row(const cg_csv *csv, const ProtobufCFieldDescriptor **fields)
{
    const cg_csv_record *h = &csv->records[0];
    size_t id = 0;
    while (id < h->nfields && (fields[id] == NULL || fields[id]->id != 1))
        id++;
    for (size_t i = 1; i < csv->count; i++) {
        const cg_csv_record *r = &csv->records[i];
        char cell[2];
        if (r->nfields != h->nfields)
            continue;
        if (id == h->nfields || (trim(r->fields[id], cell, sizeof cell) == 0 && cell[0] == '\0'))
            return r->line;
    }
    return 0;
}

/* The columns a new compound needs and the file lacks, when some row adds
 * one; 0, or -1 after adding the problems to errors. */
static int check_needed(const cg_csv *csv, const ProtobufCFieldDescriptor **fields, json_t *errors)
{
    const cg_csv_record *h = &csv->records[0];
    unsigned line = first_new_row(csv, fields);
    int id_column = 0, ok = 1;
    for (size_t k = 0; k < h->nfields; k++)
        id_column |= fields[k] != NULL && fields[k]->id == 1;
    for (size_t n = 0; line != 0 && n < N_NEEDED; n++) {
        size_t k = 0;
        while (k < h->nfields &&
               (fields[k] == NULL || strcmp(fields[k]->name, needed_for_new[n]) != 0))
            k++;
        if (k < h->nfields)
            continue;
        ok = 0;
        if (id_column)
            problem(errors, h->line,
                    _("no column '%s': line %u has no id, and a new compound needs a name and "
                      "a district"),
                    needed_for_new[n], line);
        else
            problem(errors, h->line, _("no column '%s'"), needed_for_new[n]);
    }
    return ok ? 0 : -1;
}

/* The ImportRow of record r, or NULL after adding its problems to errors. */
static json_t *read_row(const cg_csv_record *r, const ProtobufCFieldDescriptor **fields,
                        size_t ncols, json_t *errors)
{
    if (r->nfields != ncols) {
        problem(errors, r->line, _("expected %zu fields, found %zu"), ncols, r->nfields);
        return NULL;
    }
    json_t *c = json_object();
    int ok = c != NULL;
    for (size_t k = 0; c != NULL && k < ncols; k++) {
        const ProtobufCFieldDescriptor *f = fields[k];
        const char *text = r->fields[k];
        json_t *v = NULL;
        if (f == NULL) /* read-only: the server keeps it */
            continue;
        if (strcmp(f->name, "management_status") == 0 && status_text(text, 1) != NULL)
            text = status_text(text, 1);
        if (f->type != PROTOBUF_C_TYPE_STRING) {
            /* A number: spaces around it do not matter, empty is 0 (no id: a new compound). */
            char number[32];
            const char *why = _("not an integer");
            if (trim(text, number, sizeof number) == 0) {
                if (number[0] == '\0') {
                    if (f->id != 1)
                        json_object_set_new(c, f->name, json_integer(0));
                    continue;
                }
                why = cg_field_from_text(f, number, &v);
            }
            if (why != NULL) {
                problem(errors, r->line, "%s: %s", f->name, why);
                ok = 0;
                continue;
            }
        } else if (cg_field_from_text(f, text, &v) != NULL) {
            problem(errors, r->line, "%s: %s", f->name, _("not valid UTF-8"));
            ok = 0;
            continue;
        }
        json_object_set_new(c, f->name, v);
    }
    if (!ok) {
        json_decref(c);
        return NULL;
    }
    return json_pack("{sI so}", "line", (json_int_t)r->line, "compound", c);
}

/* The fields of the file's columns but id, in their order. */
static json_t *field_list(const cg_csv_record *h, const ProtobufCFieldDescriptor **fields)
{
    json_t *list = json_array();
    for (size_t k = 0; list != NULL && k < h->nfields; k++)
        if (fields[k] != NULL && fields[k]->id != 1 &&
            json_array_append_new(list, json_string(fields[k]->name)) != 0) {
            json_decref(list);
            list = NULL;
        }
    return list;
}

json_t *cg_compound_csv_import(const cg_csv *csv, json_t *errors)
{
    if (csv->count == 0) {
        json_array_append_new(errors, json_string(_("line 1: no header row (the columns are "
                                                    "those of 'compound export')")));
        return NULL;
    }
    const cg_csv_record *h = &csv->records[0];
    const ProtobufCFieldDescriptor **fields = calloc(h->nfields, sizeof *fields);
    json_t *rows = json_array();
    if (fields == NULL || rows == NULL || read_header(h, fields, errors) != 0 ||
        check_needed(csv, fields, errors) != 0) {
        free(fields);
        json_decref(rows);
        return NULL;
    }
    size_t before = json_array_size(errors);
    for (size_t i = 1; i < csv->count; i++) {
        json_t *row = read_row(&csv->records[i], fields, h->nfields, errors);
        if (row != NULL)
            json_array_append_new(rows, row);
    }
    json_t *list = field_list(h, fields);
    free(fields);
    if (json_array_size(errors) > before || list == NULL) {
        json_decref(rows);
        json_decref(list);
        return NULL;
    }
    return json_pack("{so so}", "fields", list, "rows", rows);
}
