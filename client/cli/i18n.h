/*
 * Messages people read, through gettext (text domain "chengguan"). Mark a
 * string where it is written: _("...") where it is used, N_("...") in a
 * table that is translated later with _(). Machine output (--json, exit
 * codes) is never marked. po/zh_CN.po holds the Chinese; docs/cli.md says
 * how to update it.
 */
#ifndef CG_I18N_H
#define CG_I18N_H

#include <libintl.h>
#include <stddef.h>
#include <stdio.h>

#define _(s)  gettext(s)
#define N_(s) (s)
/* N_() with a context (msgctxt), for a word that reads differently by what
 * it describes: a case "closed" is 结案, a request "closed" 已关闭. Translated
 * with cg_pgettext(ctx, s). */
#define NC_(ctx, s) (s)

/* The translation of a text marked N_() in a table; NULL and "" as they are
 * (gettext("") is the catalogue's header). */
static inline const char *cg_i18n(const char *s)
{
    return s != NULL && s[0] != '\0' ? gettext(s) : s;
}

/* The translation of s in context ctx (NC_), s itself when there is none.
 * As gnulib's pgettext: the catalogue keys it "CONTEXT\004MSGID". */
static inline const char *cg_pgettext(const char *ctx, const char *s)
{
    char key[256];
    if ((size_t)snprintf(key, sizeof key, "%s\004%s", ctx, s) >= sizeof key)
        return s;
    const char *t = gettext(key);
    return t == key ? s : t;
}

/* The locale of the environment (LANG, LC_ALL, LC_MESSAGES) for messages,
 * character classes and time; numbers stay in the C locale so that parsing
 * and JSON do not change with it. The catalogue is looked for beside the
 * program first (the build tree: DIR/locale), then in CG_LOCALEDIR
 * (the install), or in $CHENGGUAN_LOCALEDIR when set. */
void cg_i18n_init(void);

#endif
