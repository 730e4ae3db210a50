#include "i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DOMAIN "chengguan"

/* DIR/locale beside /proc/self/exe (the build tree), or DIR/../share/locale
 * (an installed prefix, wherever it was moved: a package, a scratch root),
 * when it holds a catalogue; else NULL. */
static const char *beside_program(char *buf, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL)
        return NULL;
    *slash = '\0';
    static const char *const rel[] = {"locale", "../share/locale"};
    for (size_t k = 0; k < sizeof rel / sizeof rel[0]; k++) {
        char probe[PATH_MAX + 64];
        snprintf(probe, sizeof probe, "%s/%s/zh_CN/LC_MESSAGES/" DOMAIN ".mo", exe, rel[k]);
        if (access(probe, R_OK) == 0) {
            snprintf(buf, size, "%s/%s", exe, rel[k]);
            return buf;
        }
    }
    return NULL;
}

void cg_i18n_init(void)
{
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    char buf[PATH_MAX + 16];
    const char *dir = getenv("CHENGGUAN_LOCALEDIR");
    if (dir == NULL || *dir == '\0')
        dir = beside_program(buf, sizeof buf);
    bindtextdomain(DOMAIN, dir != NULL ? dir : CG_LOCALEDIR);
    bind_textdomain_codeset(DOMAIN, "UTF-8");
    textdomain(DOMAIN);
}
