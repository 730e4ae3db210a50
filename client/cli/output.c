#include "output.h"
#include "local_time.h"
#include "width.h"

#include <stdlib.h>
#include <string.h>

struct cg_table {
    size_t ncols;
    size_t nrows;
    size_t cap;
    char **cells; /* nrows * ncols, row-major; row 0 is the header if any */
};

static int add_row(cg_table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        char **p = realloc(t->cells, cap * t->ncols * sizeof *p);
        if (p == NULL)
            return -1;
        t->cells = p;
        t->cap = cap;
    }
    char **row = t->cells + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++) {
        row[i] = strdup(cells[i] ? cells[i] : "");
        if (row[i] == NULL) {
            while (i > 0)
                free(row[--i]);
            return -1;
        }
    }
    t->nrows++;
    return 0;
}

cg_table *cg_table_new(size_t ncols, const char *const *header)
{
    cg_table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->ncols = ncols;
    if (header != NULL && add_row(t, header) != 0) {
        cg_table_free(t);
        return NULL;
    }
    return t;
}

int cg_table_add(cg_table *t, const char *const *cells)
{
    return add_row(t, cells);
}

void cg_table_print(const cg_table *t, FILE *out)
{
    size_t *widths = calloc(t->ncols, sizeof *widths);
    if (widths == NULL)
        return;
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            size_t w = cg_display_width(t->cells[r * t->ncols + c]);
            if (w > widths[c])
                widths[c] = w;
        }
    }
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            fputs(cell, out);
            if (c + 1 < t->ncols)
                fprintf(out, "%*s", (int)(widths[c] - cg_display_width(cell) + 2), "");
        }
        fputc('\n', out);
    }
    free(widths);
}

void cg_table_free(cg_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

int cg_json_print(json_t *obj)
{
    if (obj == NULL)
        return -1;
    cg_time_json_local(obj);
    /* Reals as 0.412, not 0.41199999999999998. */
    int rc = json_dumpf(obj, stdout, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(obj);
    fputc('\n', stdout);
    fflush(stdout);
    return rc;
}
