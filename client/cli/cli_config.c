/* chengguan config ...: the client profile (profile.h). */
#include "cli.h"
#include "i18n.h"
#include "output.h"
#include "profile.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct option init_options[] = {
    {"force", no_argument, NULL, 'f'},
    {NULL, 0, NULL, 0},
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    (void)arg;
    *(int *)ctx = opt == 'f';
    return 0;
}

static int run_init(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv)
{
    int force = 0, operands;
    int rc = cg_cli_getopt(cmd, argc, argv, "", init_options, on_opt, &force, &operands);
    if (rc >= 0)
        return rc;
    if (operands < argc)
        return cg_cli_usage_error(cmd, _("unexpected argument '%s'"), argv[operands]);
    if (cg_cli_refuse_key(cli, cmd) != 0)
        return CG_EXIT_USAGE;
    if (cli->profile_file == NULL)
        return cg_cli_usage_error(cmd, "%s",
                                  _("no place for client.conf: neither XDG_CONFIG_HOME nor "
                                    "HOME is set"));
    /* The profile may be missing: it is the one being written. */
    cg_cli now = *cli;
    now.profile_error = NULL;
    cg_client_options opt;
    if ((rc = cg_cli_client_options(&now, &opt)) != 0)
        return rc;
    static char cert[PATH_MAX], key[PATH_MAX], ca[PATH_MAX], timeout[32];
    if (realpath(cli->cert, cert) == NULL || realpath(cli->key, key) == NULL ||
        realpath(cli->ca, ca) == NULL) {
        fprintf(stderr, "chengguan: %s\n", strerror(errno));
        return CG_EXIT_USAGE;
    }
    const char *value[CG_PROFILE_NKEYS] = {[CG_PROFILE_SERVER] = cli->server,
                                           [CG_PROFILE_CERT] = cert,
                                           [CG_PROFILE_KEY] = key,
                                           [CG_PROFILE_CA] = ca};
    if (cli->timeout_ms > 0) {
        snprintf(timeout, sizeof timeout, "%dms", cli->timeout_ms);
        value[CG_PROFILE_TIMEOUT] = timeout;
    }
    char err[PATH_MAX + 256];
    if (cg_profile_write(cli->profile_file, cli->profile, value, force, err, sizeof err) != 0) {
        fprintf(stderr, "chengguan: %s\n", err);
        return CG_EXIT_USAGE;
    }
    if (cli->json) {
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "file", cli->profile_file, "profile",
                      cli->profile, "server", cli->server, "cert", cert, "key", key, "ca", ca);
        return o != NULL && cg_json_print(o) == 0 ? 0 : CG_EXIT_CONNECT;
    }
    printf(_("Wrote profile '%s' to %s: server %s, certificate %s.\n"), cli->profile,
           cli->profile_file, cli->server, cert);
    return 0;
}

static const cg_cli_command init = {
    .name = "config init",
    .args = "[--force]",
    .summary = N_("write a client profile from the current options"),
    .help = N_("Writes the profile named by --profile (default: default) into client.conf\n"
               "($XDG_CONFIG_HOME/chengguan/ or ~/.config/chengguan/, mode 0600) with the\n"
               "server, certificate, key and CA the global options name now, so that\n"
               "later commands need none of them. Other profiles of the file are kept.\n\n"
               "Options:\n"
               "  --force               replace the profile when it is there already\n"),
    .run = run_init,
};

static const cg_cli_command *const subcommands[] = {&init, NULL};

const cg_cli_command cg_cli_cmd_config = {
    .name = "config",
    .summary = N_("client profiles (client.conf)"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
