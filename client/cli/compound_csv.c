#include "compound_csv.h"
#include "field_text.h"

#include "chengguan/v1/ledger.pb-c.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLUMNS 24

/* A new compound needs these; other columns may be left out. */
static const char *const needed_for_new[] = {"name", "district"};
#define N_NEEDED (sizeof needed_for_new / sizeof needed_for_new[0])

static const ProtobufCMessageDescriptor *compound = &chengguan__v1__compound__descriptor;

const cg_opt cg_compound_fields[] = {
    {.field = "name", .help = "compound name (小区名称), 1-100 characters"},
    {.field = "district",
     .arg = "CODE",
     .help = "xinglongtai, shuangtaizi, dawa, liaodongwan, panshan, or the Chinese name"},
    {.field = "street", .help = "street office (街道)"},
    {.field = "community", .help = "community (社区)"},
    {.field = "address", .help = "address"},
    {.field = "households", .help = "number of households (户数)"},
    {.field = "buildings", .help = "number of buildings (楼栋数)"},
    {.field = "management_status",
     .arg = "STATUS",
     .help = "property_company, self_managed or none"},
    {.field = "property_company", .help = "property-management company (物业服务企业)"},
    {.field = "property_manager", .help = "its person in charge"},
    {.field = "property_phone", .arg = "PHONE", .help = "that person's phone"},
    {.field = "street_contact", .help = "person in charge at the street office"},
    {.field = "street_phone", .arg = "PHONE", .help = "that person's phone"},
    {.field = "community_contact", .help = "person in charge at the community"},
    {.field = "community_phone", .arg = "PHONE", .help = "that person's phone"},
    {.field = "owners_committee_contact",
     .help = "owners' committee (业主委员会) contact, optional"},
    {.field = "owners_committee_phone", .arg = "PHONE", .help = "that contact's phone, optional"},
    {.field = "property_account",
     .arg = "ACCOUNT",
     .help = "account of the property company that may report on the compound"},
    {0},
};

const char *const *cg_compound_csv_columns(size_t *n)
{
    static const char *names[MAX_COLUMNS] = {"id"};
    static size_t count;
    if (count == 0)
        for (count = 1; cg_compound_fields[count - 1].help != NULL; count++)
            names[count] = cg_compound_fields[count - 1].field;
    *n = count;
    return names;
}

int cg_compound_csv_write_header(FILE *out)
{
    size_t n;
    const char *const *cols = cg_compound_csv_columns(&n);
    return cg_csv_write_row(out, cols, n);
}

int cg_compound_csv_write(FILE *out, const json_t *obj)
{
    size_t n;
    const char *const *cols = cg_compound_csv_columns(&n);
    char *cells[MAX_COLUMNS];
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        if ((cells[i] = cg_field_to_text(json_object_get(obj, cols[i]))) == NULL)
            rc = -1;
    if (rc == 0)
        rc = cg_csv_write_row(out, (const char *const *)cells, n);
    for (size_t i = 0; i < n; i++)
        free(cells[i]);
    return rc;
}

static void problem(json_t *errors, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(json_t *errors, unsigned line, const char *fmt, ...)
{
    char msg[512];
    int len = snprintf(msg, sizeof msg, "line %u: ", line);
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

/* The column a header cell names: trimmed, lower case, '-' as '_' ("" when
 * too long to be one). */
static void column_name(const char *cell, char *out, size_t len)
{
    if (trim(cell, out, len) != 0)
        out[0] = '\0';
    for (char *p = out; *p; p++)
        *p = *p == '-' ? '_' : (char)tolower((unsigned char)*p);
}

/* Maps each header cell to a Compound field into fields[]; 0, or -1 after
 * adding the problems to errors. */
static int read_header(const cg_csv_record *h, const ProtobufCFieldDescriptor **fields,
                       json_t *errors)
{
    size_t ncols;
    const char *const *cols = cg_compound_csv_columns(&ncols);
    size_t before = json_array_size(errors);
    int has[MAX_COLUMNS] = {0};
    for (size_t k = 0; k < h->nfields; k++) {
        char name[64];
        column_name(h->fields[k], name, sizeof name);
        fields[k] = NULL;
        for (size_t c = 0; c < ncols && fields[k] == NULL; c++) {
            if (strcmp(cols[c], name) != 0)
                continue;
            if (has[c]++)
                problem(errors, h->line, "column '%s' appears twice", h->fields[k]);
            fields[k] = cg_field_named(compound, cols[c]);
        }
        if (fields[k] == NULL)
            problem(errors, h->line,
                    "unknown column '%s' (the columns are those of 'compound export --format "
                    "csv': id, name, district, ..., management_status, ...)",
                    h->fields[k]);
    }
    if (json_array_size(errors) == before && h->nfields == (size_t)has[0])
        problem(errors, h->line, "no column but 'id': nothing to import");
    return json_array_size(errors) > before ? -1 : 0;
}

/* The line of the first row that adds a compound (its id empty, or no id
 * column), or 0 when every row has an id. Rows of the wrong length are left
 * to read_row. */
static unsigned first_new_row(const cg_csv *csv, const ProtobufCFieldDescriptor **fields)
{
    const cg_csv_record *h = &csv->records[0];
    size_t id = 0;
    while (id < h->nfields && fields[id]->id != 1)
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
        id_column |= fields[k]->id == 1;
    for (size_t n = 0; line != 0 && n < N_NEEDED; n++) {
        size_t k = 0;
        while (k < h->nfields && strcmp(fields[k]->name, needed_for_new[n]) != 0)
            k++;
        if (k < h->nfields)
            continue;
        ok = 0;
        if (id_column)
            problem(errors, h->line,
                    "no column '%s': line %u has no id, and a new compound needs a name and "
                    "a district",
                    needed_for_new[n], line);
        else
            problem(errors, h->line, "no column '%s'", needed_for_new[n]);
    }
    return ok ? 0 : -1;
}

/* The ImportRow of record r, or NULL after adding its problems to errors. */
static json_t *read_row(const cg_csv_record *r, const ProtobufCFieldDescriptor **fields,
                        size_t ncols, json_t *errors)
{
    if (r->nfields != ncols) {
        problem(errors, r->line, "expected %zu fields, found %zu", ncols, r->nfields);
        return NULL;
    }
    json_t *c = json_object();
    int ok = c != NULL;
    for (size_t k = 0; c != NULL && k < ncols; k++) {
        const ProtobufCFieldDescriptor *f = fields[k];
        const char *text = r->fields[k];
        json_t *v = NULL;
        if (f->type != PROTOBUF_C_TYPE_STRING) {
            /* A number: spaces around it do not matter, empty is 0 (no id: a new compound). */
            char number[32];
            const char *why = "not an integer";
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
            problem(errors, r->line, "%s: %s", f->name, "not valid UTF-8");
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
        if (fields[k]->id != 1 && json_array_append_new(list, json_string(fields[k]->name)) != 0) {
            json_decref(list);
            list = NULL;
        }
    return list;
}

json_t *cg_compound_csv_import(const cg_csv *csv, json_t *errors)
{
    if (csv->count == 0) {
        json_array_append_new(errors, json_string("line 1: no header row (the columns are those "
                                                  "of 'compound export --format csv')"));
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
