/* chengguan queue list|flush: the offline queue (cli_queue.h). */
#include "cli_queue.h"
#include "i18n.h"
#include "local_time.h"
#include "output.h"

#include "chengguan/journal.h"
#include "proto_json.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cg_cli_queue_dir(const cg_cli *cli, const char *setting)
{
    static char dir[PATH_MAX];
    if (setting == NULL || strcmp(setting, "off") == 0)
        return NULL;
    if (strcmp(setting, "on") != 0)
        return setting;
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int n;
    if (xdg != NULL && xdg[0] == '/')
        n = snprintf(dir, sizeof dir, "%s/chengguan/journal/%s", xdg, cli->profile);
    else if (home != NULL && home[0] != '\0')
        n = snprintf(dir, sizeof dir, "%s/.local/state/chengguan/journal/%s", home, cli->profile);
    else
        n = snprintf(dir, sizeof dir, "./chengguan-journal/%s", cli->profile);
    return n > 0 && (size_t)n < sizeof dir ? dir : NULL;
}

/* "PatrolSubmit" of "chengguan.v1.PatrolSubmit". */
static const char *short_name(const char *request)
{
    const char *dot = strrchr(request, '.');
    return dot != NULL ? dot + 1 : request;
}

/* What one flush did, for its report. */
typedef struct {
    const cg_cli *cli;
    FILE *out; /* the human lines: stdout for queue flush, stderr before another command */
    int refused;
} flush_report;

static int on_sent(void *arg, const cg_journal_entry *e, int status, const ProtobufCMessage *reply)
{
    flush_report *f = arg;
    if (f->cli->json && f->out == stdout) {
        json_t *line =
            json_pack("{ss ss ss ss}", "entry", e->name, "request", e->request, "idempotency_key",
                      e->key_hex, "status", status == 0 ? "sent" : "refused");
        if (line != NULL && status == 0 && reply != NULL)
            json_object_set_new(line, "reply", cg_proto_to_json(reply));
        if (line != NULL && status != 0) {
            json_object_set_new(line, "error", json_string(e->error));
            json_object_set_new(line, "reason", json_string(e->reason));
        }
        if (cg_json_print(line) != 0)
            return CG_EXIT_CONNECT;
    } else if (status == 0) {
        json_t *j = reply != NULL ? cg_proto_to_json(reply) : NULL;
        json_int_t id = json_integer_value(json_object_get(j, "id"));
        json_decref(j);
        if (id > 0)
            fprintf(f->out, _("sent from the offline queue: %s (%s), stored as id %lld\n"), e->name,
                    short_name(e->request), (long long)id);
        else
            fprintf(f->out, _("sent from the offline queue: %s (%s)\n"), e->name,
                    short_name(e->request));
    } else {
        fprintf(f->out, _("refused by the server, kept in the offline queue: %s (%s): %s\n"),
                e->name, short_name(e->request), e->error);
    }
    if (status != 0)
        f->refused++;
    return 0;
}

int cg_cli_queue_attach(const cg_cli *cli, cg_client *c, int err, int send_later)
{
    int unreachable =
        err == CG_ECONNECT || err == CG_ECLOSED || err == CG_ETIMEOUT || err == CG_EUNAVAILABLE;
    if (err != 0 && !(send_later && unreachable))
        return cg_cli_fail(c, err);
    if (err != 0)
        fprintf(stderr, "chengguan: %s\n", cg_client_error(c));
    int rc = cg_client_set_journal(c, cli->journal);
    if (rc != 0)
        return cg_cli_fail(c, rc);
    if (err != 0)
        return 0;
    flush_report f = {cli, stderr, 0};
    rc = cg_client_flush_journal(c, on_sent, &f, NULL);
    if (rc != 0)
        fprintf(stderr, _("chengguan: the offline queue was not sent: %s\n"), cg_client_error(c));
    return 0;
}

/* --- list ------------------------------------------------------------------ */

static const char *state_text(cg_journal_state s)
{
    return s == CG_JOURNAL_PENDING   ? _("waiting")
           : s == CG_JOURNAL_REFUSED ? _("refused")
                                     : _("damaged");
}

static const char *state_name(cg_journal_state s)
{
    return s == CG_JOURNAL_PENDING ? "pending" : s == CG_JOURNAL_REFUSED ? "refused" : "damaged";
}

typedef struct {
    const cg_cli *cli;
    cg_table *table;
    int damaged;
} list_ctx;

static int on_entry(void *arg, const cg_journal_entry *e)
{
    list_ctx *l = arg;
    char at[64] = "-";
    if (e->state == CG_JOURNAL_DAMAGED)
        l->damaged++;
    if (l->cli->json) {
        if (e->queued_at_us != 0)
            cg_time_rfc3339(e->queued_at_us, 0, at, sizeof at);
        json_t *line = json_pack(
            "{ss ss ss ss ss ss ss ss}", "entry", e->name, "state", state_name(e->state),
            "queued_at", e->queued_at_us ? at : "", "request", e->request, "idempotency_key",
            e->key_hex, "certificate", e->certificate, "error", e->error, "reason", e->reason);
        if (line != NULL && e->message != NULL)
            json_object_set_new(line, "body", cg_proto_to_json(e->message));
        return cg_json_print(line) != 0 ? CG_EXIT_CONNECT : 0;
    }
    if (e->queued_at_us != 0)
        cg_time_text(e->queued_at_us, at, sizeof at);
    const char *row[] = {e->name, state_text(e->state), at,
                         e->request[0] ? short_name(e->request) : "-", e->error[0] ? e->error : ""};
    return cg_table_add(l->table, row) != 0 ? CG_EXIT_CONNECT : 0;
}

/* The queue's directory, or NULL after saying there is none. */
static const char *queue_dir(const cg_cli *cli, const cg_cli_command *cmd)
{
    if (cli->journal == NULL)
        cg_cli_usage_error(cmd, "%s",
                           _("the offline queue is off: set 'journal = on' in the profile "
                             "(client.conf) or CHENGGUAN_JOURNAL=on"));
    return cli->journal;
}

static int run_list(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv)
{
    int rc = cg_cli_getopt_none(cmd, argc, argv);
    if (rc >= 0)
        return rc;
    const char *dir = queue_dir(cli, cmd);
    if (dir == NULL)
        return CG_EXIT_USAGE;
    const char *header[] = {_("entry"), _("state"), _("queued at"), _("change"), _("note")};
    list_ctx l = {cli, cli->json ? NULL : cg_table_new(5, header), 0};
    if (!cli->json && l.table == NULL)
        return CG_EXIT_CONNECT;
    rc = cg_journal_list(dir, on_entry, &l);
    if (rc < 0) {
        fprintf(stderr, _("chengguan: cannot read the offline queue %s: %s\n"), dir,
                cg_strerror(rc));
        rc = CG_EXIT_CONNECT;
    }
    if (l.table != NULL) {
        if (rc == 0)
            cg_table_print(l.table, stdout);
        cg_table_free(l.table);
    }
    if (rc == 0 && l.damaged > 0)
        fprintf(stderr,
                _("chengguan: %d entries of the offline queue in %s are damaged (cut short by a "
                  "crash or changed) and cannot be sent; look at them, then remove them\n"),
                l.damaged, dir);
    return rc;
}

/* --- flush ----------------------------------------------------------------- */

/* What is left in the queue after a flush. */
typedef struct {
    int pending, refused, damaged;
} left_count;

static int count_left(void *arg, const cg_journal_entry *e)
{
    left_count *n = arg;
    if (e->state == CG_JOURNAL_PENDING)
        n->pending++;
    else if (e->state == CG_JOURNAL_REFUSED)
        n->refused++;
    else {
        n->damaged++;
        fprintf(stderr, _("chengguan: damaged entry of the offline queue, not sent: %s: %s\n"),
                e->name, e->error);
    }
    return 0;
}

static int run_flush(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv)
{
    int rc = cg_cli_getopt_none(cmd, argc, argv);
    if (rc >= 0)
        return rc;
    if (queue_dir(cli, cmd) == NULL)
        return CG_EXIT_USAGE;
    cg_client *c;
    if ((rc = cg_cli_connect_for(cli, &c, CG_CLI_QUEUE)) != 0)
        return rc;
    int err = cg_client_set_journal(c, cli->journal);
    flush_report f = {cli, stdout, 0};
    int sent = 0;
    if (err == 0)
        err = cg_client_flush_journal(c, on_sent, &f, &sent);
    rc = err != 0 ? cg_cli_fail(c, err) : 0;
    cg_client_free(c);
    left_count n = {0, 0, 0};
    if (cg_journal_list(cli->journal, count_left, &n) != 0)
        return rc != 0 ? rc : CG_EXIT_CONNECT;
    if (!cli->json)
        printf(_("sent %d; left in the offline queue: %d waiting, %d refused, %d damaged\n"), sent,
               n.pending, n.refused, n.damaged);
    if (rc != 0)
        return rc;
    if (f.refused > 0)
        return CG_EXIT_REFUSED;
    return n.pending > 0 || n.damaged > 0 ? CG_EXIT_QUEUED : CG_EXIT_OK;
}

static const cg_cli_command list = {
    .name = "queue list",
    .args = "",
    .summary = N_("show the changes waiting in the offline queue"),
    .help = N_("Shows every entry of the offline queue in the order queued: its name,\n"
               "state (waiting, refused by the server, or damaged: a file cut short by a\n"
               "crash or changed, which is never sent), when it was queued, the request,\n"
               "and the server's refusal or the damage (--json: one object per entry,\n"
               "with the request as \"body\"). Needs no server.\n\n"
               "Options:\n"),
    .run = run_list,
};

static const cg_cli_command flush = {
    .name = "queue flush",
    .args = "",
    .summary = N_("send the changes waiting in the offline queue"),
    .help = N_("Sends the waiting entries of the offline queue made with this certificate,\n"
               "in the order queued, each with its idempotency key: an entry the server\n"
               "already has is not stored again. An entry the server answered leaves the\n"
               "queue; one it refused stays, marked refused. Exit status 0 when the queue\n"
               "is empty of waiting entries, 2 when the server refused one, 3 when the\n"
               "connection failed, 4 when entries stay (damaged, or of another\n"
               "certificate).\n\n"
               "Options:\n"),
    .run = run_flush,
};

static const cg_cli_command *const subcommands[] = {&list, &flush, NULL};

const cg_cli_command cg_cli_cmd_queue = {
    .name = "queue",
    .summary = N_("the offline queue: changes kept while the server could not be reached"),
    .help = N_("With 'journal = on' in the profile (or CHENGGUAN_JOURNAL=on, or a\n"
               "directory), a change that cannot reach the server is kept in the offline\n"
               "queue (exit status 4) and sent by 'queue flush' or by the next command\n"
               "that reaches the server.\n\n"),
    .run = cg_cli_group_run,
    .subcommands = subcommands,
};
