#include "i18n.h"
#include "finding_text.h"

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
    int category = 0;
    const char *p = text;
    for (; p < colon && *p >= '0' && *p <= '9' && category <= 10; p++)
        category = category * 10 + (*p - '0');
    if (p != colon || category < 1 || category > 10)
        return _("CATEGORY is not a violation code 1 to 10");
    const char *rest = colon + 1;
    const char *last = strrchr(rest, ':');
    const char *action = last != NULL && is_action(last + 1) ? last + 1 : NULL;
    size_t len = action != NULL ? (size_t)(last - rest) : strlen(rest);
    if (len == 0)
        return _("TEXT is empty");
    json_t *t = json_stringn(rest, len); /* NULL for invalid UTF-8 */
    if (t == NULL)
        return _("TEXT is not valid UTF-8");
    *out = json_pack("{siso}", "category", category, "text", t);
    if (*out != NULL && action != NULL &&
        json_object_set_new(*out, "action", json_string(action)) != 0) {
        json_decref(*out);
        *out = NULL;
    }
    return *out != NULL ? NULL : _("out of memory");
}
