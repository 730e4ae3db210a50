#include "category_text.h"
#include "i18n.h"

#include "chengguan/v1/system.pb-c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *cg_category_from_textn(const char *text, size_t len, json_t **out)
{
    *out = NULL;
    if (len == 0)
        return _("not a violation category: give its number 1 to 10 or its name");
    if (text[0] >= '0' && text[0] <= '9') {
        long long v = 0;
        for (size_t i = 0; i < len; i++) {
            if (text[i] < '0' || text[i] > '9' || (v = v * 10 + (text[i] - '0')) > 10)
                return _("not a violation code 1 to 10");
        }
        if (v < 1)
            return _("not a violation code 1 to 10");
        *out = json_integer(v);
    } else if ((unsigned char)text[0] < 0x80 &&
               !((text[0] | 0x20) >= 'a' && (text[0] | 0x20) <= 'z')) {
        return _("not a violation code 1 to 10, nor a category name");
    } else {
        *out = json_stringn(text, len); /* NULL for invalid UTF-8 */
        if (*out == NULL)
            return _("not valid UTF-8");
    }
    return NULL;
}

const char *cg_category_from_text(const char *text, json_t **out)
{
    return cg_category_from_textn(text, strlen(text), out);
}

/* How well name fits what was typed: 3 whole, 2 its start, 1 inside it
 * (消防 in 占用消防通道), 0 not. ASCII letters in any case. */
static int fit(const char *name, const char *typed)
{
    if (strcasecmp(name, typed) == 0)
        return 3;
    if (strncasecmp(name, typed, strlen(typed)) == 0)
        return 2;
    return strstr(name, typed) != NULL ? 1 : 0;
}

/* The category typed names: the one that fits best, when no other fits as
 * well; else 0 after the usage error with the choices. */
static uint32_t lookup(const cg_cli_command *cmd, const Chengguan__V1__CategoryListReply *list,
                       const char *typed)
{
    const Chengguan__V1__Category *best = NULL;
    int best_fit = 0, ties = 0;
    for (size_t i = 0; i < list->n_categories; i++) {
        const Chengguan__V1__Category *k = list->categories[i];
        int f = fit(k->name_zh, typed);
        if (fit(k->name, typed) > f)
            f = fit(k->name, typed);
        if (fit(k->name_en, typed) > f)
            f = fit(k->name_en, typed);
        if (f > best_fit)
            best = k, best_fit = f, ties = 1;
        else if (f == best_fit && f > 0)
            ties++;
    }
    if (best_fit > 0 && ties == 1)
        return best->code;
    char choices[2048] = "";
    size_t used = 0;
    for (size_t i = 0; i < list->n_categories && used < sizeof choices; i++) {
        const Chengguan__V1__Category *k = list->categories[i];
        int n = snprintf(choices + used, sizeof choices - used, "\n  %2u  %s (%s)", k->code,
                         k->name_zh, k->name);
        if (n > 0)
            used += (size_t)n;
    }
    cg_cli_usage_error(cmd,
                       best_fit == 0 ? _("--category '%s' is not a violation category; one of:%s")
                                     : _("--category '%s' fits several categories; one of:%s"),
                       typed, choices);
    return 0;
}

/* Resolves the names in j against list (fetched on the first name). */
static int resolve(const cg_cli_command *cmd, cg_client *c, json_t *j,
                   Chengguan__V1__CategoryListReply **list)
{
    if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v)
        {
            int rc = resolve(cmd, c, v, list);
            if (rc != 0)
                return rc;
        }
        return 0;
    }
    if (!json_is_object(j))
        return 0;
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        int rc;
        if (strcmp(key, "category") == 0 && json_is_string(v)) {
            if (*list == NULL) {
                Chengguan__V1__CategoryList req = CHENGGUAN__V1__CATEGORY_LIST__INIT;
                ProtobufCMessage *reply = NULL;
                int err = cg_call(c, &req.base, &reply);
                if (err != 0)
                    return cg_cli_fail(c, err);
                *list = (Chengguan__V1__CategoryListReply *)reply;
            }
            uint32_t code = lookup(cmd, *list, json_string_value(v));
            if (code == 0)
                return CG_EXIT_USAGE;
            rc = json_object_set_new(j, key, json_integer(code)) != 0 ? CG_EXIT_USAGE : 0;
        } else {
            rc = resolve(cmd, c, v, list);
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

int cg_category_resolve(const cg_cli_command *cmd, cg_client *c, json_t *req)
{
    Chengguan__V1__CategoryListReply *list = NULL;
    int rc = resolve(cmd, c, req, &list);
    if (list != NULL)
        cg_message_free(&list->base);
    return rc;
}
