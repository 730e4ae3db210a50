#include "text_file.h"

#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cg_text_file(const char *path, json_t **out)
{
    *out = NULL;
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL)
        return _("cannot open the file");
    char *buf = malloc(CG_TEXT_FILE_MAX + 1);
    size_t n = buf != NULL ? fread(buf, 1, CG_TEXT_FILE_MAX + 1, f) : 0;
    int failed = buf == NULL || ferror(f);
    if (f != stdin)
        fclose(f);
    const char *why = NULL;
    if (failed)
        why = _("cannot read the file");
    else if (n > CG_TEXT_FILE_MAX)
        why = _("the file is too large (at most 80000 bytes)");
    else if ((*out = json_stringn(buf, n)) == NULL)
        why = _("the file is not UTF-8 text");
    free(buf);
    return why;
}
