#define _GNU_SOURCE /* asprintf */
#include "profile.h"
#include "i18n.h"

#include <ini.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const cg_profile_keys[CG_PROFILE_NKEYS] = {"server", "cert",    "key",    "ca",
                                                       "as",     "timeout", "journal"};

int cg_profile_path(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int n;
    if (xdg != NULL && xdg[0] == '/')
        n = snprintf(buf, len, "%s/chengguan/client.conf", xdg);
    else if (home != NULL && home[0] != '\0')
        n = snprintf(buf, len, "%s/.config/chengguan/client.conf", home);
    else
        return -1;
    return n > 0 && (size_t)n < len ? 0 : -1;
}

/* What the handler needs besides the profile. */
typedef struct {
    cg_profile *p;
    char *err;
    size_t errlen;
    int failed;
} load_ctx;

/* A path of the file made absolute: "~/x" under $HOME, "x" beside the file. */
static char *absolute(const char *file, const char *v)
{
    const char *home = getenv("HOME");
    char *out = NULL;
    if (v[0] == '/' || v[0] == '\0')
        return strdup(v);
    if (strncmp(v, "~/", 2) == 0 && home != NULL)
        return asprintf(&out, "%s/%s", home, v + 2) < 0 ? NULL : out;
    const char *slash = strrchr(file, '/');
    int dirlen = slash ? (int)(slash - file) : 1;
    return asprintf(&out, "%.*s/%s", dirlen, slash ? file : ".", v) < 0 ? NULL : out;
}

/* Adds section to the list of p's sections once. Debian's libinih calls the
 * handler for keys only, so a section without keys is not listed. */
static void note_section(cg_profile *p, const char *section)
{
    if (strcmp(section, p->name) == 0)
        p->found = 1;
    size_t used = strlen(p->sections), n = strlen(section);
    for (const char *s = p->sections; (s = strstr(s, section)) != NULL; s += n)
        if ((s == p->sections || s[-1] == ' ') && (s[n] == ',' || s[n] == '\0'))
            return;
    snprintf(p->sections + used, sizeof p->sections - used, "%s%s", used ? ", " : "", section);
}

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
    load_ctx *x = user;
    cg_profile *p = x->p;
    note_section(p, section);
    int k = 0;
    while (k < CG_PROFILE_NKEYS && strcmp(cg_profile_keys[k], key) != 0)
        k++;
    if (k == CG_PROFILE_NKEYS) {
        snprintf(x->err, x->errlen, _("%s, profile [%s]: unknown key '%s' (known: %s)"), p->path,
                 section, key, "server, cert, key, ca, as, timeout, journal");
        x->failed = 1;
        return 0;
    }
    if (strcmp(section, p->name) != 0)
        return 1;
    int is_path =
        k == CG_PROFILE_CERT || k == CG_PROFILE_KEY || k == CG_PROFILE_CA ||
        (k == CG_PROFILE_JOURNAL && strcmp(value, "on") != 0 && strcmp(value, "off") != 0);
    free(p->value[k]);
    p->value[k] = is_path ? absolute(p->path, value) : strdup(value);
    return 1;
}

int cg_profile_load(cg_profile *p, const char *path, const char *name, char *err, size_t errlen)
{
    *p = (cg_profile){.name = name};
    snprintf(p->path, sizeof p->path, "%s", path);
    FILE *f = fopen(path, "r");
    if (f == NULL && errno == ENOENT)
        return 0;
    if (f == NULL) {
        snprintf(err, errlen, _("cannot read %s: %s"), path, strerror(errno));
        return -1;
    }
    p->exists = 1;
    load_ctx x = {p, err, errlen, 0};
    int line = ini_parse_file(f, on_entry, &x);
    fclose(f);
    if (line != 0 && !x.failed)
        snprintf(err, errlen, _("%s, line %d: not a line of an INI file"), path, line);
    if (line != 0) {
        cg_profile_free(p);
        return -1;
    }
    return 0;
}

void cg_profile_free(cg_profile *p)
{
    for (int k = 0; k < CG_PROFILE_NKEYS; k++) {
        free(p->value[k]);
        p->value[k] = NULL;
    }
}

/* Makes the directories of path's parent, 0700. 0 or -1 (errno). */
static int make_parent(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* Copies the lines of in to out but those of section name. */
static void copy_other_sections(FILE *in, FILE *out, const char *name)
{
    char line[4096];
    int skipping = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        const char *s = line + strspn(line, " \t");
        if (s[0] == '[') {
            size_t n = strlen(name);
            skipping = strncmp(s + 1, name, n) == 0 && s[n + 1] == ']';
        }
        if (!skipping)
            fputs(line, out);
    }
}

int cg_profile_write(const char *path, const char *name, const char *const value[CG_PROFILE_NKEYS],
                     int replace, char *err, size_t errlen)
{
    cg_profile old;
    if (cg_profile_load(&old, path, name, err, errlen) != 0)
        return -1;
    cg_profile_free(&old);
    if (old.found && !replace) {
        snprintf(err, errlen, _("%s already has a profile '%s' (use --force to replace it)"), path,
                 name);
        return -1;
    }
    char tmp[PATH_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    int fd = -1;
    FILE *out = NULL;
    if (make_parent(path) == 0 && (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0)
        out = fdopen(fd, "w");
    if (out == NULL) {
        snprintf(err, errlen, _("cannot write %s: %s"), tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    FILE *in = old.exists ? fopen(path, "r") : NULL;
    if (in != NULL) {
        copy_other_sections(in, out, name);
        fclose(in);
    }
    fprintf(out, "[%s]\n", name);
    for (int k = 0; k < CG_PROFILE_NKEYS; k++)
        if (value[k] != NULL)
            fprintf(out, "%s = %s\n", cg_profile_keys[k], value[k]);
    int failed = ferror(out) | fflush(out) | fsync(fd);
    if (fclose(out) != 0 || failed || rename(tmp, path) != 0) {
        snprintf(err, errlen, _("cannot write %s: %s"), path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
