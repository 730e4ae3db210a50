/*
 * hotline_bridge: a starting point for a municipal system that talks to
 * chengguand from a long-running process (docs/integration.md).
 *
 * It keeps one connection open with libchengguan's asynchronous API on a
 * libuv loop, prints every event of its account's scope as one line, and,
 * given --compound, forwards one resident's complaint from the 12345 hotline
 * as a resident request. The library reconnects by itself, resumes the
 * event stream after the last seq printed, and retries the request with the
 * same idempotency key, so that it is filed once however often the network
 * breaks. It ends on SIGINT or SIGTERM, after --events events, or after
 * --seconds.
 *
 *   cc -o hotline_bridge hotline_bridge.c $(pkg-config --cflags --libs libchengguan libuv)
 *   ./hotline_bridge --server chengguan.example:7443 --cert hotline.crt \
 *       --key hotline.key --ca ca.crt --compound 42
 */
#define _POSIX_C_SOURCE 200809L

#include <chengguan/adapters/libuv.h>
#include <chengguan/async.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

typedef struct {
    cg_async *async;
    uv_signal_t sigint, sigterm;
    uv_timer_t limit;
    long max_events; /* 0: no limit */
    long events;
    int pending; /* requests not answered yet */
    int status;  /* exit status */
} bridge;

/* Ends the run: freeing the client closes its connection and its handles;
 * once ours are closed too, uv_run returns. */
static void stop(bridge *b, int status)
{
    if (b->async == NULL)
        return;
    b->status = status;
    cg_async_free(b->async);
    b->async = NULL;
    uv_close((uv_handle_t *)&b->sigint, NULL);
    uv_close((uv_handle_t *)&b->sigterm, NULL);
    uv_close((uv_handle_t *)&b->limit, NULL);
}

static void maybe_done(bridge *b)
{
    if (b->max_events > 0 && b->events >= b->max_events && b->pending == 0)
        stop(b, 0);
}

static void on_state(cg_async *a, cg_async_state state, int reason, void *arg)
{
    bridge *b = arg;
    if (state == CG_ASYNC_CONNECTED)
        fprintf(stderr, "connected as %s\n", cg_async_welcome(a)->account);
    else if (state == CG_ASYNC_DISCONNECTED)
        fprintf(stderr, "disconnected (%s): %s; retrying in %d ms\n", cg_err_name(reason),
                cg_async_error(a), cg_async_retry_ms(a));
    else { /* CG_ASYNC_STOPPED: a certificate or account problem, fix and restart */
        fprintf(stderr, "stopped (%s): %s\n", cg_err_name(reason), cg_async_error(a));
        stop(b, 2);
    }
}

static void on_event(cg_async *a, int status, const Chengguan__V1__Event *ev, void *arg)
{
    bridge *b = arg;
    if (status == CG_ECANCELLED) /* we freed the client */
        return;
    if (status != 0) {
        /* Refused (an after_seq beyond the newest event) or stopped: the
         * bridge goes on with its requests. */
        fprintf(stderr, "no event stream (%s): %s\n", cg_err_name(status), cg_async_error(a));
        return;
    }
    /* Store ev->seq durably in a real bridge, and pass it as --after on the
     * next start: the stream resumes there. */
    printf("event seq=%" PRIu64 " %s report=%" PRIu64 " unit=%s level=%" PRIu32 " %s\n", ev->seq,
           ev->kind, ev->report_id, ev->unit, ev->level, ev->text);
    fflush(stdout);
    b->events++;
    maybe_done(b);
}

static void on_request_filed(cg_async *a, int status, ProtobufCMessage *reply, void *arg)
{
    bridge *b = arg;
    b->pending--;
    if (status == 0) {
        Chengguan__V1__ResidentRequest *r = (Chengguan__V1__ResidentRequest *)reply;
        printf("request filed: id=%" PRIu64 " unit=%s answer due %s\n", r->id, r->unit,
               r->answer_due);
        fflush(stdout);
    } else if (status != CG_ECANCELLED) {
        /* A refusal names the field at fault; CG_ETIMEOUT means no answer
         * in time: the request may or may not have been filed. */
        fprintf(stderr, "request refused (%s): %s [%s]\n", cg_err_name(status), cg_async_error(a),
                cg_async_error_field(a));
        if (b->async != NULL)
            b->status = 1;
    }
    maybe_done(b);
}

/* A complaint as the hotline took it, forwarded to the compound's unit. The
 * message is copied by cg_async_call: locals are fine. The library gives it
 * a fresh idempotency key and keeps that key for every retry. */
static int forward_complaint(bridge *b, uint64_t compound)
{
    Chengguan__V1__ResidentRequest req = CHENGGUAN__V1__RESIDENT_REQUEST__INIT;
    req.compound_id = compound;
    req.channel = "hotline";
    req.kind = "problem";
    req.text = "12345 转办：小区内有人私搭乱建，物业劝阻无效";
    req.contact = "王先生/13800001234";
    Chengguan__V1__RequestAdd add = CHENGGUAN__V1__REQUEST_ADD__INIT;
    add.request = &req;
    int rc = cg_async_call(b->async, &add.base, on_request_filed, b);
    if (rc == 0)
        b->pending++;
    return rc;
}

static void on_signal(uv_signal_t *s, int signum)
{
    (void)signum;
    stop(s->data, 0);
}

static void on_limit(uv_timer_t *t)
{
    stop(t->data, 0);
}

static const char *arg_after(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "%s needs a value\n", argv[*i]);
        exit(1);
    }
    return argv[++*i];
}

int main(int argc, char **argv)
{
    cg_client_options opt = {.client_name = "hotline-bridge/1.0"};
    uint64_t after = 0, compound = 0;
    long seconds = 0;
    bridge b = {.status = 0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--server") == 0)
            opt.server = arg_after(argc, argv, &i);
        else if (strcmp(argv[i], "--cert") == 0)
            opt.cert_file = arg_after(argc, argv, &i);
        else if (strcmp(argv[i], "--key") == 0)
            opt.key_file = arg_after(argc, argv, &i);
        else if (strcmp(argv[i], "--ca") == 0)
            opt.ca_file = arg_after(argc, argv, &i);
        else if (strcmp(argv[i], "--after") == 0)
            after = strtoull(arg_after(argc, argv, &i), NULL, 10);
        else if (strcmp(argv[i], "--compound") == 0)
            compound = strtoull(arg_after(argc, argv, &i), NULL, 10);
        else if (strcmp(argv[i], "--events") == 0)
            b.max_events = strtol(arg_after(argc, argv, &i), NULL, 10);
        else if (strcmp(argv[i], "--seconds") == 0)
            seconds = strtol(arg_after(argc, argv, &i), NULL, 10);
        else {
            fprintf(stderr,
                    "usage: %s --server HOST:PORT --cert FILE --key FILE --ca FILE\n"
                    "       [--after SEQ] [--compound ID] [--events N] [--seconds S]\n",
                    argv[0]);
            return 1;
        }
    }

    uv_loop_t *loop = uv_default_loop();
    b.async = cg_async_new(&opt);
    if (b.async == NULL || cg_libuv_attach(b.async, loop) != 0) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    cg_async_on_state(b.async, on_state, &b);
    /* Both wait for the connection; nothing is sent from inside these calls. */
    cg_async_subscribe(b.async, after, on_event, &b);
    if (compound != 0 && forward_complaint(&b, compound) != 0) {
        fprintf(stderr, "cannot forward: %s\n", cg_async_error(b.async));
        return 1;
    }

    uv_signal_init(loop, &b.sigint);
    uv_signal_init(loop, &b.sigterm);
    uv_timer_init(loop, &b.limit);
    b.sigint.data = b.sigterm.data = b.limit.data = &b;
    uv_signal_start(&b.sigint, on_signal, SIGINT);
    uv_signal_start(&b.sigterm, on_signal, SIGTERM);
    if (seconds > 0)
        uv_timer_start(&b.limit, on_limit, (uint64_t)seconds * 1000, 0);

    uv_run(loop, UV_RUN_DEFAULT);
    return uv_loop_close(loop) == 0 ? b.status : 1;
}
