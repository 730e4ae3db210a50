/*
 * Client profiles: client.conf, an INI file (read with libinih) in
 * $XDG_CONFIG_HOME/chengguan/ (default ~/.config/chengguan/). Each section
 * is a profile holding what a workstation would otherwise type every time:
 *
 *     [default]
 *     server = 10.0.0.5:7443
 *     cert = /home/clerk/.config/chengguan/dawa.crt
 *     key = /home/clerk/.config/chengguan/dawa.key
 *     ca = /home/clerk/.config/chengguan/ca.crt
 *
 * Keys: server, cert, key, ca, as (an account of the dev PKI), timeout,
 * journal (the offline queue: on, off or a directory; cli_queue.h).
 * A relative path is relative to the file's directory; "~/" is $HOME.
 */
#ifndef CG_CLI_PROFILE_H
#define CG_CLI_PROFILE_H

#include <limits.h>
#include <stddef.h>

enum {
    CG_PROFILE_SERVER,
    CG_PROFILE_CERT,
    CG_PROFILE_KEY,
    CG_PROFILE_CA,
    CG_PROFILE_AS,
    CG_PROFILE_TIMEOUT,
    CG_PROFILE_JOURNAL,
    CG_PROFILE_NKEYS
};

/* The key names, in the order of the enum. */
extern const char *const cg_profile_keys[CG_PROFILE_NKEYS];

typedef struct {
    char path[PATH_MAX];           /* the file */
    const char *name;              /* the profile looked for */
    int exists;                    /* the file exists */
    int found;                     /* it has a section name */
    char *value[CG_PROFILE_NKEYS]; /* malloc'd, NULL when not set; paths made absolute */
    char sections[256];            /* the profiles of the file, ", "-separated */
} cg_profile;

/* The path of client.conf into buf. 0, or -1 when neither XDG_CONFIG_HOME
 * nor HOME is set. */
int cg_profile_path(char *buf, size_t len);

/*
 * Reads the section name of the file path into p (which owns its values
 * until cg_profile_free). A file that does not exist has no profiles: 0 with
 * found 0. -1 with why in err for a file that cannot be read, a syntax error
 * or an unknown key (naming the line).
 */
int cg_profile_load(cg_profile *p, const char *path, const char *name, char *err, size_t errlen);

void cg_profile_free(cg_profile *p);

/*
 * Writes the section name with values (indexed like cg_profile_keys, NULL
 * ones left out) into path: the directory is made (0700) when missing, the
 * other sections of the file are kept, and the file is replaced atomically
 * with mode 0600. A section that is there already is replaced only when
 * replace is set. 0, or -1 with why in err.
 */
int cg_profile_write(const char *path, const char *name, const char *const value[CG_PROFILE_NKEYS],
                     int replace, char *err, size_t errlen);

#endif
