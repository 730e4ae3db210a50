/*
 * The SQL of sql/, embedded into chengguand at build time
 * (cmake/embed_sql_run.cmake): the numbered migrations sql/NNNN_name.sql in
 * ascending version order, and the repeatable API set (every .sql file of
 * sql/api/) in name order with its checksum.
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

typedef struct {
    const char *name; /* "core.sql" */
    const char *sql;
} cg_api_file;

extern const cg_api_file cg_api_files[];
extern const int cg_api_files_count;
/* SHA-256 (64 lowercase hex digits) of every API file's name, a newline and
 * its contents, in name order. */
extern const char cg_api_checksum[];

/* The newest schema version this binary knows. */
static inline int cg_migrations_latest(void)
{
    return cg_migrations_count > 0 ? cg_migrations[cg_migrations_count - 1].version : 0;
}

#endif
