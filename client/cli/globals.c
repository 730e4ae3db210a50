#include "globals.h"
#include "cli_queue.h"
#include "i18n.h"
#include "profile.h"
#include "units.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SERVER "127.0.0.1:7443"
#define DEFAULT_PKI    "./var/pki"

enum {
    G_SERVER = CG_CLI_GLOBAL_BASE,
    G_CERT,
    G_KEY,
    G_CA,
    G_AS,
    G_JSON,
    G_TIMEOUT,
    G_IDEMPOTENCY_KEY,
    G_PROFILE
};

const struct option cg_cli_global_options[] = {
    {"server", required_argument, NULL, G_SERVER},
    {"cert", required_argument, NULL, G_CERT},
    {"key", required_argument, NULL, G_KEY},
    {"ca", required_argument, NULL, G_CA},
    {"as", required_argument, NULL, G_AS},
    {"json", no_argument, NULL, G_JSON},
    {"timeout", required_argument, NULL, G_TIMEOUT},
    {"idempotency-key", required_argument, NULL, G_IDEMPOTENCY_KEY},
    {"profile", required_argument, NULL, G_PROFILE},
    {NULL, 0, NULL, 0},
};

void cg_cli_global_opt(cg_cli_args *a, int opt, const char *arg)
{
    switch (opt) {
    case G_SERVER:
        a->server = arg;
        break;
    case G_CERT:
        a->cert = arg;
        break;
    case G_KEY:
        a->key = arg;
        break;
    case G_CA:
        a->ca = arg;
        break;
    case G_AS:
        a->account = arg;
        break;
    case G_JSON:
        a->json = 1;
        break;
    case G_TIMEOUT:
        a->timeout = arg;
        break;
    case G_IDEMPOTENCY_KEY:
        a->idempotency_key = arg;
        break;
    case G_PROFILE:
        a->profile = arg;
        break;
    }
}

/* The one invocation of the process (main.c starts it). */
static struct {
    cg_cli_args *args;
    cg_cli *cli;
    const cg_cli_command *top;
} inv;

void cg_cli_begin(cg_cli_args *args, cg_cli *cli, const cg_cli_command *top)
{
    inv.args = args;
    inv.cli = cli;
    inv.top = top;
}

cg_cli_args *cg_cli_current_args(void)
{
    return inv.args;
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v != NULL && v[0] != '\0' ? v : NULL;
}

/* The first non-NULL of the n arguments. */
static const char *first(int n, ...)
{
    va_list ap;
    const char *v = NULL;
    va_start(ap, n);
    while (n-- > 0 && v == NULL)
        v = va_arg(ap, const char *);
    va_end(ap);
    return v;
}

/* Paths of an account of the dev PKI. */
typedef struct {
    char cert[PATH_MAX], key[PATH_MAX], ca[PATH_MAX];
} pki_paths;

/* The paths of account (NULL: none) into p; p, or NULL for no account. */
static const pki_paths *paths_of(pki_paths *p, const char *pki, const char *account)
{
    if (account == NULL)
        return NULL;
    snprintf(p->cert, sizeof p->cert, "%s/clients/%s.crt", pki, account);
    snprintf(p->key, sizeof p->key, "%s/clients/%s.key", pki, account);
    snprintf(p->ca, sizeof p->ca, "%s/ca.crt", pki);
    return p;
}

/* The profile of the invocation into cli: its values, or why it cannot be
 * used in cli->profile_error (said when the command connects). */
static void read_profile(cg_cli *cli, cg_profile *p, const cg_cli_args *a)
{
    static char path[PATH_MAX], why[PATH_MAX + 256];
    const char *named = first(2, a->profile, env("CHENGGUAN_PROFILE"));
    cli->profile = named ? named : "default";
    *p = (cg_profile){.name = cli->profile};
    if (cg_profile_path(path, sizeof path) != 0) {
        if (named != NULL) {
            snprintf(why, sizeof why, "%s",
                     _("no profile: neither XDG_CONFIG_HOME nor HOME is set"));
            cli->profile_error = why;
        }
        return;
    }
    cli->profile_file = path;
    if (cg_profile_load(p, path, cli->profile, why, sizeof why) != 0) {
        cli->profile_error = why;
    } else if (named != NULL && !p->found) {
        if (p->exists)
            snprintf(why, sizeof why, _("no profile '%s' in %s (profiles: %s)"), named, path,
                     p->sections[0] ? p->sections : _("none"));
        else
            snprintf(why, sizeof why,
                     _("no profile '%s': %s does not exist (write it with 'chengguan config "
                       "init')"),
                     named, path);
        cli->profile_error = why;
    }
}

int cg_cli_finish(const cg_cli_command *cmd)
{
    if (inv.args == NULL)
        return 0;
    const cg_cli_args *a = inv.args;
    cg_cli *cli = inv.cli;
    cli->json = a->json;
    cli->idempotency_key = a->idempotency_key;
    if (a->idempotency_key != NULL && (strlen(a->idempotency_key) < CG_CLI_KEY_MIN ||
                                       strlen(a->idempotency_key) > CG_CLI_KEY_MAX))
        return cg_cli_usage_error(cmd, _("--idempotency-key: %d to %d bytes, not %zu"),
                                  CG_CLI_KEY_MIN, CG_CLI_KEY_MAX, strlen(a->idempotency_key));
    /* ping, whoami, watch: the commands that are not groups only read. */
    if (inv.top->subcommands == NULL && cg_cli_refuse_key(cli, cmd) != 0)
        return CG_EXIT_USAGE;

    static cg_profile prof; /* its values stay for the command */
    cg_profile_free(&prof);
    read_profile(cli, &prof, a);
    const char *const *pv = (const char *const *)prof.value;

    const char *timeout = first(2, a->timeout, pv[CG_PROFILE_TIMEOUT]);
    if (timeout != NULL) {
        uint64_t ms;
        if (cg_duration_parse(timeout, &ms) != 0 || ms == 0 || ms > INT_MAX)
            return cg_cli_usage_error(cmd, _("bad --timeout '%s' (e.g. 500ms, 5s, 1min)"), timeout);
        cli->timeout_ms = (int)ms;
    }
    cli->server =
        first(4, a->server, env("CHENGGUAN_SERVER"), pv[CG_PROFILE_SERVER], DEFAULT_SERVER);

    /* --cert/--key/--ca, then --as, then CHENGGUAN_CERT/KEY/CA, then
     * CHENGGUAN_AS, then the profile's cert/key/ca, then its as; the CA
     * falls back to the dev PKI's. */
    static pki_paths as_p, env_p, prof_p, dflt_p;
    cli->pki = first(2, env("CHENGGUAN_PKI"), DEFAULT_PKI);
    const char *env_as = env("CHENGGUAN_AS");
    const pki_paths *as = paths_of(&as_p, cli->pki, a->account);
    const pki_paths *eas = paths_of(&env_p, cli->pki, env_as);
    const pki_paths *pas = paths_of(&prof_p, cli->pki, pv[CG_PROFILE_AS]);
    paths_of(&dflt_p, cli->pki, "");
#define P(x, f) ((x) ? (x)->f : NULL)
    cli->cert = first(6, a->cert, P(as, cert), env("CHENGGUAN_CERT"), P(eas, cert),
                      pv[CG_PROFILE_CERT], P(pas, cert));
    cli->key = first(6, a->key, P(as, key), env("CHENGGUAN_KEY"), P(eas, key), pv[CG_PROFILE_KEY],
                     P(pas, key));
    cli->ca =
        first(6, a->ca, P(as, ca), env("CHENGGUAN_CA"), pv[CG_PROFILE_CA], P(pas, ca), dflt_p.ca);
#undef P
    cli->journal =
        cg_cli_queue_dir(cli, first(2, env("CHENGGUAN_JOURNAL"), pv[CG_PROFILE_JOURNAL]));
    /* The account whose certificate is used, to name it when it is missing. */
    cli->account = a->cert                 ? NULL
                   : a->account            ? a->account
                   : env("CHENGGUAN_CERT") ? NULL
                   : env_as                ? env_as
                   : pv[CG_PROFILE_CERT]   ? NULL
                                           : pv[CG_PROFILE_AS];
    return 0;
}
