#include "ref_names.h"

#include <string.h>

const char *cg_ref_name_of(const cg_ref_name *table, const char *code)
{
    for (size_t i = 0; table[i].code != NULL; i++)
        if (strcmp(table[i].code, code) == 0)
            return table[i].name;
    return NULL;
}
