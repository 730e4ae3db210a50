/*
 * Replies shown to people: the JSON form of a reply (proto_json.h) turned
 * into table cells. Empty values show as "-", booleans as yes/no, line
 * breaks and tabs inside text as spaces so that a row stays one line.
 * Instants and weeks show in Beijing time (local_time.h), enumerations
 * translated, units and districts by their Chinese names, by their field's
 * name even in a column of plain text. Headers are translated (N_() in the
 * tables, _() here).
 */
#ifndef CG_CLI_VIEW_H
#define CG_CLI_VIEW_H

#include "output.h"

#include <jansson.h>

typedef enum {
    CG_FMT_TEXT = 0,   /* as it is; integers in decimal; lists joined with ", " */
    CG_FMT_ID,         /* an id: 0 shows as "-" */
    CG_FMT_YESNO,      /* true: "yes", false: "no" */
    CG_FMT_MISSING,    /* true: "missing", false: "ok" */
    CG_FMT_PERCENT,    /* a share 0..1 as a percentage with one decimal: "83.3%" */
    CG_FMT_FLAG,       /* true: "yes", false: "-" (a mark that stands out in a column) */
    CG_FMT_COUNT,      /* a list: how many elements it has */
    CG_FMT_LOCAL,      /* an RFC 3339 instant in Beijing time (local_time.h), to the
                          minute: "2021-03-01 09:30"; text that is not an instant as it is */
    CG_FMT_WEEK,       /* an ISO week with its dates: "2021-W10 (03-08 – 03-14)" */
    CG_FMT_ENUM,       /* a value of an enumeration, translated (enum_text.h) */
    CG_FMT_CASE_STATE, /* a case's state or a comma list of them, translated */
    CG_FMT_UNIT,       /* a unit's code as its Chinese name: "兴隆台分局" */
    CG_FMT_DISTRICT,   /* a district's code as its Chinese name: "兴隆台区" */
    CG_FMT_FIELD,      /* a compound's field name (or a list) as its line in compound show:
                          "community_contact" -> "社区联系人" (compound_view.h) */
} cg_fmt;

/* One column of a table, or one line of a vertical table; a table of them
 * ends with an entry whose field is NULL. */
typedef struct {
    const char *header; /* N_("..."), translated when shown; NULL: the field name
                           with '_' -> ' ' */
    const char *field;
    cg_fmt fmt;
    /* "FIELD=VALUE": the cell is "-" unless the object's FIELD is VALUE (a
     * case's `passed` means something on its verifications only) */
    const char *only_when;
} cg_column;

/* The text of v shown as fmt (v may be NULL: "-"). malloc'd; NULL when
 * memory ran out. */
char *cg_view_text(const json_t *v, cg_fmt fmt);

/* A table with one row per element, headed by the columns. */
cg_table *cg_view_table_new(const cg_column *cols);

/* Appends the row of obj. 0 or -1. */
int cg_view_table_add(cg_table *t, const cg_column *cols, const json_t *obj);

/* A two-column "label  value" table of obj: the columns given, or when cols
 * is NULL every member in order (booleans as yes/no, ids of 0 as "-"). */
cg_table *cg_view_vertical(const json_t *obj, const cg_column *cols);

#endif
