/*
 * The SQL migrations of sql/NNNN_name.sql, embedded into chengguand at build
 * time (cmake/embed_sql_run.cmake), in ascending version order.
 */
#ifndef CG_MIGRATIONS_H
#define CG_MIGRATIONS_H

typedef struct {
    int version;      /* NNNN */
    const char *name; /* "0001_core" */
    const char *sql;
} cg_migration;

extern const cg_migration cg_migrations[];
extern const int cg_migrations_count;

/* The newest schema version this binary knows. */
static inline int cg_migrations_latest(void)
{
    return cg_migrations_count > 0 ? cg_migrations[cg_migrations_count - 1].version : 0;
}

#endif
