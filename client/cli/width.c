#include "width.h"

#include <string.h>
#include <unicase.h>
#include <unistr.h>
#include <uniwidth.h>

/* libunistring takes the rule for ambiguous characters from an encoding
 * name: a CJK encoding ("GBK") selects the wide rule. The text is UTF-8
 * either way; the name only chooses the rule, by the locale's language. */
static const char *width_rule(void)
{
    const char *lang = uc_locale_language();
    int cjk = strcmp(lang, "zh") == 0 || strcmp(lang, "ja") == 0 || strcmp(lang, "ko") == 0;
    return cjk ? "GBK" : "UTF-8";
}

size_t cg_display_width(const char *s)
{
    const char *rule = width_rule();
    const uint8_t *p = (const uint8_t *)s;
    size_t left = strlen(s), width = 0;
    while (left > 0) {
        ucs4_t uc;
        int n = u8_mbtouc(&uc, p, left);
        if (u8_check(p, (size_t)n) != NULL) {
            width += (size_t)n; /* not valid UTF-8: a column per byte */
        } else {
            int w = uc_width(uc, rule);
            width += w > 0 ? (size_t)w : 0; /* controls (-1) take none */
        }
        p += n;
        left -= (size_t)n;
    }
    return width;
}
