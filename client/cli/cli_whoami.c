/* chengguan whoami: the account behind the certificate, as the server sees it. */
#include "i18n.h"
#include "cli.h"
#include "enum_text.h"
#include "output.h"

#include <stdio.h>

/* "-" for an empty value, so that the human table has no holes. */
static const char *or_dash(const char *s)
{
    return s[0] != '\0' ? s : "-";
}

static int print_human(const cg_whoami_reply *r)
{
    static const char *const labels[] = {
        N_("account"),      N_("display name"),    N_("role"), N_("unit"), N_("unit name"),
        N_("cert subject"), N_("cert fingerprint")};
    const char *const values[] = {r->account,   r->display_name, cg_enum_text(r->role), r->unit,
                                  r->unit_name, r->cert_subject, r->cert_fingerprint};
    cg_table *t = cg_table_new(2, NULL);
    for (size_t i = 0; t != NULL && i < sizeof labels / sizeof labels[0]; i++) {
        const char *row[] = {_(labels[i]), or_dash(values[i])};
        if (cg_table_add(t, row) != 0) {
            cg_table_free(t);
            t = NULL;
        }
    }
    if (t == NULL) {
        fprintf(stderr, _("chengguan: out of memory\n"));
        return -1;
    }
    cg_table_print(t, stdout);
    cg_table_free(t);
    return 0;
}

static int run(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv)
{
    int rc = cg_cli_getopt_none(cmd, argc, argv);
    if (rc >= 0)
        return rc;

    cg_client *c;
    rc = cg_cli_connect(cli, &c);
    if (rc != 0)
        return rc;
    cg_whoami_reply r;
    int err = cg_whoami(c, &r);
    if (err != 0) {
        rc = cg_cli_fail(c, err);
    } else if (cli->json) {
        if (cg_json_print(json_pack("{ss ss ss ss ss ss ss}", "account", r.account, "display_name",
                                    r.display_name, "role", r.role, "unit", r.unit, "unit_name",
                                    r.unit_name, "cert_subject", r.cert_subject, "cert_fingerprint",
                                    r.cert_fingerprint)) != 0)
            rc = CG_EXIT_CONNECT;
    } else if (print_human(&r) != 0) {
        rc = CG_EXIT_CONNECT;
    }
    cg_client_free(c);
    return rc;
}

const cg_cli_command cg_cli_cmd_whoami = {
    .name = "whoami",
    .args = "",
    .summary = N_("show the account, role and unit of this certificate"),
    .help = N_("Asks the server which account the client certificate maps to, as the\n"
               "database has it now.\n\n"
               "Options:\n"),
    .run = run,
};
