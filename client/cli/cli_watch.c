/*
 * chengguan watch: the event stream of this account's scope as it comes,
 * through the asynchronous API on a libuv loop. The library reconnects by
 * itself and resumes after the last seq printed; notices go to stderr so
 * that stdout holds events only. Runs until SIGINT or SIGTERM.
 */
#include "i18n.h"
#include "chengguan/adapters/libuv.h"
#include "chengguan/async.h"
#include "cli.h"
#include "duration_text.h"
#include "output.h"
#include "proto_json.h"
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const cg_cli *cli;
    cg_async *async;
    uv_signal_t sigint, sigterm;
    int connections; /* times connected */
    int rc;          /* exit code */
} watch_run;

static const struct option watch_options[] = {
    {"after", required_argument, NULL, 'a'},
    {NULL, 0, NULL, 0},
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    long long *after = ctx;
    if (opt == 'a' && cg_cli_parse_int(arg, 0, INT64_MAX, after) == 0)
        return 0;
    return cg_cli_usage_error(&cg_cli_cmd_watch, _("--after wants a seq (0 or more), not '%s'"),
                              arg);
}

/* Ends the run: frees the client (its handles close) and the signal
 * handles; uv_run then returns. */
static void finish(watch_run *w, int rc)
{
    if (w->async == NULL)
        return;
    w->rc = rc;
    cg_async_free(w->async);
    w->async = NULL;
    uv_close((uv_handle_t *)&w->sigint, NULL);
    uv_close((uv_handle_t *)&w->sigterm, NULL);
}

/* Prints the failure err of the stream on stderr; returns its exit code. */
static int report_failure(cg_async *a, int err)
{
    int code = cg_cli_exit_code(err);
    if (code == CG_EXIT_REFUSED)
        fprintf(stderr, "chengguan: %s: %s\n", cg_err_name(err), cg_async_error(a));
    else
        fprintf(stderr, "chengguan: %s\n", cg_async_error(a));
    return code;
}

/* The item an event is about, as its label and the member holding its id:
 * the first of these that is set. */
static const struct {
    const char *field;
    const char *label;
} items[] = {
    /* TRANSLATORS: before a report's id in a line of `watch` */
    {"report_id", N_("report ")},
    /* TRANSLATORS: before a case's id in a line of `watch` */
    {"case_id", N_("case ")},
    /* TRANSLATORS: before a resident's request's id in a line of `watch` */
    {"request_id", N_("request ")},
};

/* One line for people: seq, local time, kind, unit, the report, case or
 * request, level, text. */
static int print_human(const json_t *ev)
{
    size_t item = 0;
    while (item + 1 < sizeof items / sizeof items[0] &&
           json_integer_value(json_object_get(ev, items[item].field)) == 0)
        item++;
    const struct {
        const char *field;
        const char *label;
        cg_fmt fmt;
    } cols[] = {
        {"seq", "#", CG_FMT_TEXT},
        {"at", "", CG_FMT_LOCAL},
        {"kind", "", CG_FMT_ENUM},
        {"unit", "", CG_FMT_UNIT},
        {items[item].field, items[item].label, CG_FMT_ID},
        /* TRANSLATORS: before the escalation level in a line of `watch` */
        {"level", N_("level "), CG_FMT_TEXT},
        {"text", "", CG_FMT_TEXT},
    };
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        char *s = cg_view_text(json_object_get(ev, cols[i].field), cols[i].fmt);
        if (s == NULL)
            return -1;
        printf("%s%s%s", i > 0 ? "  " : "", cols[i].label[0] != '\0' ? _(cols[i].label) : "", s);
        free(s);
    }
    putchar('\n');
    return fflush(stdout) == 0 ? 0 : -1;
}

static void on_event(cg_async *a, int status, const Chengguan__V1__Event *ev, void *arg)
{
    watch_run *w = arg;
    if (status != 0) {
        if (status != CG_ECANCELLED)
            finish(w, report_failure(a, status));
        return;
    }
    json_t *j = cg_proto_to_json(&ev->base);
    int rc = j == NULL ? -1 : w->cli->json ? cg_json_print(j) : print_human(j);
    if (!w->cli->json)
        json_decref(j);
    if (rc != 0) {
        fprintf(stderr, _("chengguan: cannot print the event of seq %llu\n"),
                (unsigned long long)ev->seq);
        finish(w, CG_EXIT_CONNECT);
    }
}

static void on_state(cg_async *a, cg_async_state state, int reason, void *arg)
{
    watch_run *w = arg;
    switch (state) {
    case CG_ASYNC_CONNECTED:
        if (cg_async_last_seq(a) == CG_FROM_HEAD)
            fprintf(stderr, _("chengguan: %s as %s, new events\n"),
                    w->connections++ ? _("reconnected") : _("connected"),
                    cg_async_welcome(a)->account);
        else
            fprintf(stderr, _("chengguan: %s as %s, events after seq %llu\n"),
                    w->connections++ ? _("reconnected") : _("connected"),
                    cg_async_welcome(a)->account, (unsigned long long)cg_async_last_seq(a));
        break;
    case CG_ASYNC_DISCONNECTED: {
        char wait[32];
        cg_duration_text((uint64_t)cg_async_retry_ms(a), wait, sizeof wait);
        fprintf(stderr, _("chengguan: %s; reconnecting in %s\n"), cg_async_error(a), wait);
        break;
    }
    case CG_ASYNC_STOPPED:
        finish(w, report_failure(a, reason));
        break;
    }
}

static void on_signal(uv_signal_t *s, int signum)
{
    finish(s->data, CG_EXIT_OK);
}

static int run(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv)
{
    long long after = -1; /* no --after: only new events */
    int operands;
    int rc = cg_cli_getopt(cmd, argc, argv, "", watch_options, on_opt, &after, &operands);
    if (rc >= 0)
        return rc;
    if (operands < argc)
        return cg_cli_usage_error(cmd, _("unexpected argument '%s'"), argv[operands]);
    cg_client_options opt;
    if ((rc = cg_cli_client_options(cli, &opt)) != 0)
        return rc;
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) {
        fprintf(stderr, _("chengguan: cannot start an event loop\n"));
        return CG_EXIT_CONNECT;
    }
    watch_run w = {.cli = cli, .rc = CG_EXIT_OK};
    w.async = cg_async_new(&opt);
    if (w.async == NULL || cg_libuv_attach(w.async, &loop) != 0) {
        fprintf(stderr, _("chengguan: out of memory\n"));
        cg_async_free(w.async);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        return CG_EXIT_CONNECT;
    }
    cg_async_on_state(w.async, on_state, &w);
    /* Stopped already (bad options) is reported through on_state. */
    cg_async_subscribe(w.async, after < 0 ? CG_FROM_HEAD : (uint64_t)after, on_event, &w);
    uv_signal_init(&loop, &w.sigint);
    uv_signal_init(&loop, &w.sigterm);
    w.sigint.data = w.sigterm.data = &w;
    uv_signal_start(&w.sigint, on_signal, SIGINT);
    uv_signal_start(&w.sigterm, on_signal, SIGTERM);

    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return w.rc;
}

const cg_cli_command cg_cli_cmd_watch = {
    .name = "watch",
    .args = "[--after SEQ]",
    .summary = N_("print the events of your scope as they come"),
    .help = N_("Subscribes to the event stream (reports filed, escalated, acknowledged,\n"
               "resolved, ...) of this account's scope and prints each event as it comes:\n"
               "seq, local time, kind, unit, report, level and text on one line, or with\n"
               "--json one object per line with every field of the Event. When the\n"
               "connection drops it reconnects by itself and resumes after the last seq\n"
               "printed, so that no event is missed or printed twice; notices about the\n"
               "connection go to stderr. Runs until interrupted (SIGINT or SIGTERM: exit\n"
               "status 0). A refusal that reconnecting cannot fix (certificate, account)\n"
               "ends it with the usual exit status.\n\n"
               "Options:\n"
               "  --after SEQ           the events after SEQ first (0: every past event of your\n"
               "                        scope; the last seq a previous run printed to resume\n"
               "                        it), then new ones; without it only new events\n"),
    .run = run,
};
