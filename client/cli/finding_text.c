#include "i18n.h"
#include "finding_text.h"
#include "category_text.h"

#include <string.h>

const char *const cg_finding_actions[] = {"stopped_on_site", "case_needed", "referred", "none",
                                          NULL};

/* Whether the part of text after its last ':' is word: then *end is that ':'. */
static int ends_with_word(const char *text, size_t len, int (*is_word)(const char *, size_t),
                          size_t *end)
{
    const char *last = NULL;
    for (const char *p = text; p < text + len; p++)
        if (*p == ':')
            last = p;
    if (last == NULL || !is_word(last + 1, (size_t)(text + len - (last + 1))))
        return 0;
    *end = (size_t)(last - text);
    return 1;
}

static int is_action_n(const char *s, size_t n)
{
    for (size_t i = 0; cg_finding_actions[i] != NULL; i++)
        if (strlen(cg_finding_actions[i]) == n && memcmp(s, cg_finding_actions[i], n) == 0)
            return 1;
    return 0;
}

static int is_illegal_construction(const char *s, size_t n)
{
    return (n == strlen(CG_FINDING_ILLEGAL) && memcmp(s, CG_FINDING_ILLEGAL, n) == 0) ||
           (n == strlen("违法搭建") && memcmp(s, "违法搭建", n) == 0);
}

const char *cg_finding_from_text(const char *text, json_t **out)
{
    *out = NULL;
    const char *colon = strchr(text, ':');
    if (colon == NULL)
        return _("not CATEGORY:TEXT[:ACTION][:illegal_construction]");
    json_t *category;
    const char *why = cg_category_from_textn(text, (size_t)(colon - text), &category);
    if (why != NULL)
        return why;
    const char *rest = colon + 1;
    size_t len = strlen(rest);
    int illegal = ends_with_word(rest, len, is_illegal_construction, &len);
    size_t text_len = len;
    const char *action =
        ends_with_word(rest, len, is_action_n, &text_len) ? rest + text_len + 1 : NULL;
    size_t action_len = len - text_len - (action != NULL);
    json_t *t = text_len > 0 ? json_stringn(rest, text_len) : NULL; /* NULL for invalid UTF-8 */
    if (t == NULL) {
        json_decref(category);
        return text_len == 0 ? _("TEXT is empty") : _("TEXT is not valid UTF-8");
    }
    *out = json_pack("{soso}", "category", category, "text", t);
    if (*out != NULL && action != NULL &&
        json_object_set_new(*out, "action", json_stringn(action, action_len)) != 0) {
        json_decref(*out);
        *out = NULL;
    }
    if (*out != NULL && illegal &&
        json_object_set_new(*out, "illegal_construction", json_true()) != 0) {
        json_decref(*out);
        *out = NULL;
    }
    return *out != NULL ? NULL : _("out of memory");
}
