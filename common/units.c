#include "units.h"
#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *suffix;
    uint64_t factor;
} unit;

static const unit duration_units[] = {
    {"", 1000}, {"ms", 1}, {"s", 1000}, {"min", 60000}, {"h", 3600000}, {"d", 86400000}, {NULL, 0},
};

static const unit size_units[] = {
    {"", 1}, {"B", 1}, {"kB", 1024}, {"MB", 1024 * 1024}, {"GB", 1024 * 1024 * 1024}, {NULL, 0},
};

static int parse_with_units(const char *s, const unit *units, uint64_t *out)
{
    if (s == NULL || !isdigit((unsigned char)*s))
        return CG_EINVALID_ARGUMENT;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0)
        return CG_EINVALID_ARGUMENT;
    while (*end == ' ')
        end++;
    for (const unit *u = units; u->suffix != NULL; u++) {
        if (strcmp(end, u->suffix) != 0)
            continue;
        if (v > UINT64_MAX / u->factor)
            return CG_EINVALID_ARGUMENT;
        *out = v * u->factor;
        return 0;
    }
    return CG_EINVALID_ARGUMENT;
}

int cg_duration_parse(const char *s, uint64_t *ms)
{
    return parse_with_units(s, duration_units, ms);
}

int cg_size_parse(const char *s, uint64_t *bytes)
{
    return parse_with_units(s, size_units, bytes);
}
