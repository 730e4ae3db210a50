#include "penalty_text.h"

#include "i18n.h"

#include <string.h>

static const struct {
    const char *word, *zh;
} penalties[] = {
    {"warning", "警告"},     {"fine", "罚款"},         {"rectify", "责令整改"},
    {"rectify", "限期整改"}, {"demolish", "责令拆除"},
};

/* The protocol word of the n bytes at s, or NULL. */
static const char *penalty_word(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof penalties / sizeof penalties[0]; i++)
        if ((strlen(penalties[i].word) == n && memcmp(s, penalties[i].word, n) == 0) ||
            (strlen(penalties[i].zh) == n && memcmp(s, penalties[i].zh, n) == 0))
            return penalties[i].word;
    return NULL;
}

/* The length of the separator at s (',', '，' or '、'), else 0. */
static size_t separator(const char *s)
{
    if (*s == ',')
        return 1;
    if (strncmp(s, "，", strlen("，")) == 0 || strncmp(s, "、", strlen("、")) == 0)
        return strlen("，"); /* both 3 bytes in UTF-8 */
    return 0;
}

const char *cg_penalty_from_text(const char *text, json_t **out)
{
    *out = json_array();
    if (*out == NULL)
        return _("out of memory");
    const char *item = text;
    for (const char *p = text;; p++) {
        size_t sep = *p == '\0' ? 1 : separator(p);
        if (sep == 0)
            continue;
        const char *word = penalty_word(item, (size_t)(p - item));
        if (word == NULL || json_array_append_new(*out, json_string(word)) != 0) {
            json_decref(*out);
            *out = NULL;
            return word == NULL ? _("not one of warning, fine, rectify, demolish")
                                : _("out of memory");
        }
        if (*p == '\0')
            return NULL;
        item = p + sep;
        p = item - 1;
    }
}
