/*
 * Setting values with units, written as PostgreSQL writes them:
 * durations "250ms", "30s", "15min", "4h", "3d" (a bare number is seconds)
 * and sizes "512", "64kB", "4MB", "1GB" (a bare number is bytes; multiples
 * of 1024).
 */
#ifndef CG_UNITS_H
#define CG_UNITS_H

#include <stdint.h>

/* 0 with *ms set, or CG_EINVALID_ARGUMENT. */
int cg_duration_parse(const char *s, uint64_t *ms);

/* 0 with *bytes set, or CG_EINVALID_ARGUMENT. */
int cg_size_parse(const char *s, uint64_t *bytes);

#endif
