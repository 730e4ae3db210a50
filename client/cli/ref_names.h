/*
 * The Chinese names of units and districts by code (xinglongtai: 兴隆台分局,
 * 兴隆台区), generated at build time from the reference data of the SQL
 * migrations (cmake/ref_names.cmake): one source for the names.
 */
#ifndef CG_CLI_REF_NAMES_H
#define CG_CLI_REF_NAMES_H

typedef struct {
    const char *code;
    const char *name; /* name_zh */
} cg_ref_name;

/* Each table ends with an entry whose code is NULL. */
extern const cg_ref_name cg_unit_names[];
extern const cg_ref_name cg_district_names[];

/* The name of code in table, or NULL. */
const char *cg_ref_name_of(const cg_ref_name *table, const char *code);

#endif
