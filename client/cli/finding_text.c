#include "i18n.h"
#include "finding_text.h"
#include "category_text.h"

#include <string.h>

const char *const cg_finding_actions[] = {"stopped_on_site", "case_needed", "referred", "none",
                                          NULL};

static int is_action(const char *s)
{
    for (size_t i = 0; cg_finding_actions[i] != NULL; i++)
        if (strcmp(s, cg_finding_actions[i]) == 0)
            return 1;
    return 0;
}

const char *cg_finding_from_text(const char *text, json_t **out)
{
    *out = NULL;
    const char *colon = strchr(text, ':');
    if (colon == NULL)
        return _("not CATEGORY:TEXT[:ACTION]");
    json_t *category;
    const char *why = cg_category_from_textn(text, (size_t)(colon - text), &category);
    if (why != NULL)
        return why;
    const char *rest = colon + 1;
    const char *last = strrchr(rest, ':');
    const char *action = last != NULL && is_action(last + 1) ? last + 1 : NULL;
    size_t len = action != NULL ? (size_t)(last - rest) : strlen(rest);
    json_t *t = len > 0 ? json_stringn(rest, len) : NULL; /* NULL for invalid UTF-8 */
    if (t == NULL) {
        json_decref(category);
        return len == 0 ? _("TEXT is empty") : _("TEXT is not valid UTF-8");
    }
    *out = json_pack("{soso}", "category", category, "text", t);
    if (*out != NULL && action != NULL &&
        json_object_set_new(*out, "action", json_string(action)) != 0) {
        json_decref(*out);
        *out = NULL;
    }
    return *out != NULL ? NULL : _("out of memory");
}
