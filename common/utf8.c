#include "utf8.h"

#include <string.h>

int cg_utf8_decode(const unsigned char *s, uint32_t *cp)
{
    int n;
    uint32_t min;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if ((s[0] & 0xE0) == 0xC0) {
        n = 2, min = 0x80, *cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3, min = 0x800, *cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4, min = 0x10000, *cp = s[0] & 0x07;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) /* also stops at the terminating NUL */
            return 0;
        *cp = *cp << 6 | (s[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return n;
}

int cg_utf8_check(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* A NUL-padded copy: the decoder stops there instead of reading past n. */
        unsigned char seq[5] = {0};
        size_t take = n - i < 4 ? n - i : 4;
        memcpy(seq, s + i, take);
        if (seq[0] == '\0')
            return CG_UTF8_NUL;
        uint32_t cp;
        int len = cg_utf8_decode(seq, &cp);
        if (len == 0)
            return CG_UTF8_BAD;
        i += (size_t)len;
    }
    return 0;
}
