#include "duration_text.h"

#include "i18n.h"

#include <stdio.h>

void cg_duration_text(uint64_t ms, char *buf, size_t len)
{
    unsigned long long n;
    const char *fmt;
    if (ms != 0 && ms % 86400000 == 0) {
        n = ms / 86400000;
        fmt = ngettext("%llu day", "%llu days", n);
    } else if (ms != 0 && ms % 3600000 == 0) {
        n = ms / 3600000;
        fmt = ngettext("%llu hour", "%llu hours", n);
    } else if (ms != 0 && ms % 60000 == 0) {
        n = ms / 60000;
        fmt = ngettext("%llu minute", "%llu minutes", n);
    } else if (ms % 1000 == 0) {
        n = ms / 1000;
        fmt = ngettext("%llu second", "%llu seconds", n);
    } else {
        n = ms;
        /* TRANSLATORS: milliseconds */
        fmt = ngettext("%llu ms", "%llu ms", n);
    }
    snprintf(buf, len, fmt, n);
}
