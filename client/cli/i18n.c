#include "i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DOMAIN "chengguan"

/* DIR/locale beside /proc/self/exe when it holds a catalogue, else NULL. */
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
    char probe[PATH_MAX + 64];
    snprintf(probe, sizeof probe, "%s/locale/zh_CN/LC_MESSAGES/" DOMAIN ".mo", exe);
    if (access(probe, R_OK) != 0)
        return NULL;
    snprintf(buf, size, "%s/locale", exe);
    return buf;
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
