#include "utf8.h"

#include <stdint.h>
#include <string.h>
#include <unistr.h>

int cg_utf8_check(const char *s, size_t n)
{
    const char *bad = (const char *)u8_check((const uint8_t *)s, n);
    const char *nul = memchr(s, '\0', bad != NULL ? (size_t)(bad - s) : n);
    if (nul != NULL)
        return CG_UTF8_NUL; /* valid UTF-8 to u8_check, not to the protocol */
    return bad != NULL ? CG_UTF8_BAD : 0;
}
