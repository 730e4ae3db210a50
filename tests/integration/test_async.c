/*
 * The asynchronous client API (chengguan/async.h on libuv) against a real
 * server and database: calls and replies, the event stream, the server
 * stopped and restarted under a subscriber and under a mutation waiting for
 * its reply, call deadlines, the bounded queue, refusals that stop it, and
 * `chengguan watch` across a restart. Each test runs its own uv loop and
 * ends by closing it: every handle the library's adapter opened is closed.
 *
 * Clients that must survive a restart connect through a small TCP proxy on
 * the test's loop (the harness starts the server on a new port each time);
 * the proxy can also drop what the server sends, and cut connections.
 *
 * `test_async --example BUILD_DIR` instead builds docs/examples/
 * hotline_bridge.c against the installed library (integration/example.sh)
 * and runs it against the server.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chengguan/adapters/libuv.h"
#include "chengguan/async.h"
#include "harness.h"

static cg_test_server server;
static uv_loop_t loop;
static uv_timer_t tick; /* wakes uv_run(UV_RUN_ONCE) so that RUN_UNTIL sees the time */
static uint64_t compound_id;
static int report_count;

/* Runs the loop until cond holds or ms pass. */
#define RUN_UNTIL(cond, ms) CG_TEST_RUN_UNTIL(&loop, cond, ms)

static void on_tick(uv_timer_t *t)
{
}

/* --- a TCP proxy on the loop ---------------------------------------------- */

typedef struct link {
    uv_tcp_t down, up; /* the client's side, the server's side */
    uv_connect_t connect;
    int closing, closed;
    struct link *next;
} link;

static struct {
    uv_tcp_t listener;
    int port;
    int blackhole; /* drop what the server sends */
    link *links;
    int accepted;
} proxy;

static void link_closed(uv_handle_t *h)
{
    link *l = h->data;
    if (++l->closed < 2)
        return;
    for (link **p = &proxy.links; *p != NULL; p = &(*p)->next)
        if (*p == l) {
            *p = l->next;
            break;
        }
    free(l);
}

static void link_close(link *l)
{
    if (l->closing)
        return;
    l->closing = 1;
    uv_close((uv_handle_t *)&l->down, link_closed);
    uv_close((uv_handle_t *)&l->up, link_closed);
}

static void proxy_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    buf->base = malloc(65536);
    buf->len = buf->base ? 65536 : 0;
}

static void proxy_written(uv_write_t *w, int status)
{
    free(w->data);
    free(w);
}

static void proxy_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    link *l = s->data;
    int from_server = s == (uv_stream_t *)&l->up;
    if (n < 0) {
        free(buf->base);
        link_close(l);
        return;
    }
    if (n == 0 || (from_server && proxy.blackhole) || l->closing) {
        free(buf->base);
        return;
    }
    uv_write_t *w = malloc(sizeof *w);
    uv_buf_t out = uv_buf_init(buf->base, (unsigned)n);
    w->data = buf->base;
    if (uv_write(w, from_server ? (uv_stream_t *)&l->down : (uv_stream_t *)&l->up, &out, 1,
                 proxy_written) != 0) {
        proxy_written(w, 0);
        link_close(l);
    }
}

static void proxy_up_connected(uv_connect_t *c, int status)
{
    link *l = c->data;
    if (status != 0 || l->closing) {
        link_close(l);
        return;
    }
    uv_read_start((uv_stream_t *)&l->down, proxy_alloc, proxy_read);
    uv_read_start((uv_stream_t *)&l->up, proxy_alloc, proxy_read);
}

/* A client came: connect to wherever the server listens now. */
static void proxy_accept(uv_stream_t *listener, int status)
{
    link *l = calloc(1, sizeof *l);
    uv_tcp_init(&loop, &l->down);
    uv_tcp_init(&loop, &l->up);
    l->down.data = l->up.data = l->connect.data = l;
    l->next = proxy.links;
    proxy.links = l;
    proxy.accepted++;
    struct sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", server.port, &addr);
    if (uv_accept(listener, (uv_stream_t *)&l->down) != 0 ||
        uv_tcp_connect(&l->connect, &l->up, (struct sockaddr *)&addr, proxy_up_connected) != 0)
        link_close(l);
}

static void proxy_start(void)
{
    memset(&proxy, 0, sizeof proxy);
    struct sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", 0, &addr);
    assert_int_equal(uv_tcp_init(&loop, &proxy.listener), 0);
    assert_int_equal(uv_tcp_bind(&proxy.listener, (struct sockaddr *)&addr, 0), 0);
    assert_int_equal(uv_listen((uv_stream_t *)&proxy.listener, 16, proxy_accept), 0);
    int len = sizeof addr;
    uv_tcp_getsockname(&proxy.listener, (struct sockaddr *)&addr, &len);
    proxy.port = ntohs(addr.sin_port);
}

/* Cuts every connection through the proxy. */
static void proxy_cut(void)
{
    for (link *l = proxy.links; l != NULL; l = l->next)
        link_close(l);
}

/* --- each test's loop --------------------------------------------------------- */

static void loop_begin(void)
{
    assert_int_equal(uv_loop_init(&loop), 0);
    uv_timer_init(&loop, &tick);
    uv_timer_start(&tick, on_tick, 20, 20);
    proxy_start();
}

static void walk_report(uv_handle_t *h, void *arg)
{
    fprintf(stderr, "handle left open: %s\n", uv_handle_type_name(h->type));
}

/* Closes the proxy and the tick, runs the loop dry and closes it: fails if
 * anything (the library's adapter above all) left a handle open. */
static void loop_end(void)
{
    proxy_cut();
    uv_close((uv_handle_t *)&proxy.listener, NULL);
    uv_close((uv_handle_t *)&tick, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&loop) != 0) {
        uv_walk(&loop, walk_report, NULL);
        fail_msg("the loop still has handles");
    }
}

/* --- the async client under test ------------------------------------------------ */

#define MAX_EVENTS 4096

typedef struct {
    cg_async *a;
    int connected, disconnected, stopped;
    int last_reason;
    char last_error[512];
    uint64_t seq[MAX_EVENTS];
    uint64_t report[MAX_EVENTS];
    char kind[MAX_EVENTS][24];
    int nevents;
    int sub_status; /* the subscription's end, 0 while it runs */
    int free_after; /* free the client from the event callback after this many events */
} client;

static void on_state(cg_async *a, cg_async_state state, int reason, void *arg)
{
    client *c = arg;
    c->last_reason = reason;
    snprintf(c->last_error, sizeof c->last_error, "%s", cg_async_error(a));
    if (state == CG_ASYNC_CONNECTED)
        c->connected++;
    else if (state == CG_ASYNC_DISCONNECTED)
        c->disconnected++;
    else
        c->stopped++;
}

static void on_event(cg_async *a, int status, const Chengguan__V1__Event *ev, void *arg)
{
    client *c = arg;
    if (status != 0) {
        c->sub_status = status;
        return;
    }
    assert_true(c->nevents < MAX_EVENTS);
    c->seq[c->nevents] = ev->seq;
    c->report[c->nevents] = ev->report_id;
    snprintf(c->kind[c->nevents], sizeof c->kind[0], "%s", ev->kind);
    c->nevents++;
    if (c->free_after > 0 && c->nevents == c->free_after) {
        cg_async_free(a);
        c->a = NULL;
    }
}

/* A client of account through the proxy (via_proxy) or straight to the
 * server, attached to the loop. */
static void client_open(client *c, const char *account, int via_proxy, int timeout_ms)
{
    memset(c, 0, sizeof *c);
    cg_client_options o = cg_test_options(&server, account);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", via_proxy ? proxy.port : server.port);
    o.server = addr;
    o.timeout_ms = timeout_ms;
    c->a = cg_async_new(&o);
    assert_non_null(c->a);
    cg_async_on_state(c->a, on_state, c);
    assert_int_equal(cg_libuv_attach(c->a, &loop), 0);
}

/* client_open as hq through the proxy, then waits for the connection. */
static void client_connected(client *c, int timeout_ms)
{
    client_open(c, "hq", 1, timeout_ms);
    RUN_UNTIL(c->connected, 10000);
    assert_int_equal(c->connected, 1);
}

static void client_close(client *c)
{
    cg_async_free(c->a);
    c->a = NULL;
}

/* 1 when seqs strictly increase. */
static int in_order(const client *c)
{
    for (int i = 1; i < c->nevents; i++)
        if (c->seq[i] <= c->seq[i - 1])
            return 0;
    return 1;
}

/* How many report.filed events c saw for report id. */
static int filed_events(const client *c, uint64_t id)
{
    int n = 0;
    for (int i = 0; i < c->nevents; i++)
        n += c->report[i] == id && strcmp(c->kind[i], "report.filed") == 0;
    return n;
}

static int all_filed_once(const client *c, const uint64_t *ids, int n)
{
    for (int i = 0; i < n; i++)
        if (filed_events(c, ids[i]) != 1)
            return 0;
    return 1;
}

static int all_filed_seen(const client *c, const uint64_t *ids, int n)
{
    for (int i = 0; i < n; i++)
        if (filed_events(c, ids[i]) < 1)
            return 0;
    return 1;
}

/* --- the reply side ------------------------------------------------------------- */

typedef struct {
    int done;
    int status;
    char error[512];
    char field[64];
    ProtobufCMessage *reply; /* taken */
    long long at;            /* when it completed */
} result;

static void on_reply(cg_async *a, int status, ProtobufCMessage *reply, void *arg)
{
    result *r = arg;
    r->done++;
    r->status = status;
    r->at = cg_test_now_ms();
    snprintf(r->error, sizeof r->error, "%s", cg_async_error(a));
    snprintf(r->field, sizeof r->field, "%s", cg_async_error_field(a));
    if (status == 0)
        r->reply = cg_async_take_reply(a);
}

static void result_free(result *r)
{
    cg_message_free(r->reply);
    r->reply = NULL;
}

/* --- filing reports with the blocking API ---------------------------------------- */

static void report_init(Chengguan__V1__ReportSubmit *req, Chengguan__V1__Report *rep, char *text,
                        size_t len)
{
    chengguan__v1__report_submit__init(req);
    chengguan__v1__report__init(rep);
    snprintf(text, len, "async test report %d", ++report_count);
    rep->compound_id = compound_id;
    rep->category = (uint32_t)(report_count % 10) + 1;
    rep->text = text;
    req->report = rep;
}

/* Files a report as hq; returns its id. */
static uint64_t file_report(void)
{
    Chengguan__V1__ReportSubmit req;
    Chengguan__V1__Report rep;
    char text[64];
    report_init(&req, &rep, text, sizeof text);
    Chengguan__V1__Report *got =
        (Chengguan__V1__Report *)cg_test_call(&server, "hq", &req.base, 0, NULL);
    uint64_t id = got->id;
    assert_false(got->attached);
    cg_message_free(&got->base);
    return id;
}

/* How many reports carry text (ReportList, newest first, is enough for a
 * test's reports). */
static int reports_with_text(const char *text)
{
    Chengguan__V1__ReportList req = CHENGGUAN__V1__REPORT_LIST__INIT;
    req.limit = 5000;
    Chengguan__V1__ReportListReply *l =
        (Chengguan__V1__ReportListReply *)cg_test_call(&server, "hq", &req.base, 0, NULL);
    int n = 0;
    for (size_t i = 0; i < l->n_reports; i++)
        n += strcmp(l->reports[i]->text, text) == 0;
    cg_message_free(&l->base);
    return n;
}

static void restart_server(void)
{
    assert_int_equal(cg_test_server_stop(&server), 0);
    cg_test_forget_clients();
    cg_test_server_start(&server, "dedup_window = 0");
}

/* --- the tests ----------------------------------------------------------------- */

/* Calls made before the connection exists wait for it; replies match their
 * calls; a refusal carries the server's words and field; a reply can be
 * kept past its callback. */
static void test_call_and_reply(void **state)
{
    loop_begin();
    client c;
    client_open(&c, "hq", 0, 10000);
    Chengguan__V1__Ping ping = CHENGGUAN__V1__PING__INIT;
    ping.payload.data = (uint8_t *)"城管";
    ping.payload.len = strlen("城管");
    Chengguan__V1__WhoAmI who = CHENGGUAN__V1__WHO_AM_I__INIT;
    Chengguan__V1__CompoundGet get = CHENGGUAN__V1__COMPOUND_GET__INIT;
    get.id = 987654321;
    result r1 = {0}, r2 = {0}, r3 = {0};
    assert_int_equal(cg_async_call(c.a, &ping.base, on_reply, &r1), 0);
    assert_int_equal(cg_async_call(c.a, &who.base, on_reply, &r2), 0);
    assert_int_equal(cg_async_call(c.a, &get.base, on_reply, &r3), 0);
    assert_int_equal(cg_async_call(c.a, &ping.base, NULL, NULL), 0); /* nobody listens */
    assert_int_equal(r1.done + r2.done + r3.done, 0); /* never from inside the call */
    assert_null(cg_async_welcome(c.a));

    RUN_UNTIL(r1.done && r2.done && r3.done, 10000);
    assert_int_equal(c.connected, 1);
    assert_string_equal(cg_async_welcome(c.a)->account, "hq");
    assert_int_equal(r1.status, 0);
    Chengguan__V1__Pong *pong = (Chengguan__V1__Pong *)r1.reply;
    assert_string_equal(pong->base.descriptor->name, "chengguan.v1.Pong");
    assert_memory_equal(pong->payload.data, "城管", pong->payload.len);
    assert_int_equal(r2.status, 0);
    assert_string_equal(((Chengguan__V1__WhoAmIReply *)r2.reply)->account, "hq");
    assert_int_equal(r3.status, CG_ENOT_FOUND);
    assert_null(r3.reply);
    assert_non_null(strstr(r3.error, "987654321"));
    assert_string_equal(r3.field, "id");

    /* Calls made once connected go straight out. */
    result r4 = {0};
    assert_int_equal(cg_async_call(c.a, &who.base, on_reply, &r4), 0);
    RUN_UNTIL(r4.done, 10000);
    assert_int_equal(r4.status, 0);

    /* Not requests this API sends. */
    Chengguan__V1__Subscribe sub = CHENGGUAN__V1__SUBSCRIBE__INIT;
    Chengguan__V1__Pong notreq = CHENGGUAN__V1__PONG__INIT;
    assert_int_equal(cg_async_call(c.a, &sub.base, on_reply, NULL), CG_EUSAGE);
    assert_int_equal(cg_async_call(c.a, &notreq.base, on_reply, NULL), CG_EUSAGE);

    client_close(&c);
    result_free(&r1);
    result_free(&r2);
    result_free(&r4);
    loop_end();
    assert_int_equal(c.disconnected + c.stopped, 0);
}

/* A subscriber sees each report filed, once, in seq order; a second
 * subscriber from the first one's last seq sees only what came after. */
static void test_subscription_sees_events(void **state)
{
    loop_begin();
    client c;
    client_open(&c, "hq", 0, 10000);
    assert_int_equal(cg_async_subscribe(c.a, 0, on_event, &c), 0);
    assert_int_equal(cg_async_subscribe(c.a, 0, on_event, &c), CG_EUSAGE);
    RUN_UNTIL(c.connected, 10000);
    uint64_t ids[6];
    for (int i = 0; i < 5; i++)
        ids[i] = file_report();
    RUN_UNTIL(all_filed_seen(&c, ids, 5), 10000);
    assert_true(all_filed_once(&c, ids, 5));
    assert_true(in_order(&c));
    uint64_t last = cg_async_last_seq(c.a);
    assert_int_equal(last, c.seq[c.nevents - 1]);

    client later;
    client_open(&later, "hq", 0, 10000);
    assert_int_equal(cg_async_subscribe(later.a, last, on_event, &later), 0);
    ids[5] = file_report();
    RUN_UNTIL(filed_events(&later, ids[5]) && filed_events(&c, ids[5]), 10000);
    assert_int_equal(later.nevents, 1);
    assert_true(later.seq[0] > last);
    assert_int_equal(filed_events(&c, ids[5]), 1);

    client_close(&c);
    client_close(&later);
    loop_end();
    assert_int_equal(c.sub_status, CG_ECANCELLED);
}

/* The server stops (SIGTERM) while events flow and starts again: the client
 * reconnects by itself, resubscribes from its last seq, and sees every
 * report filed before, across and after the gap exactly once, in order. */
static void test_server_restart_mid_stream(void **state)
{
    loop_begin();
    client c;
    client_open(&c, "hq", 1, 10000);
    assert_int_equal(cg_async_subscribe(c.a, 0, on_event, &c), 0);
    RUN_UNTIL(c.connected, 10000);
    uint64_t ids[15];
    for (int i = 0; i < 5; i++)
        ids[i] = file_report();
    RUN_UNTIL(all_filed_seen(&c, ids, 5), 10000);

    /* Five more, and the server goes down before the loop runs again: some
     * of their events may be in flight, some not yet sent. */
    for (int i = 5; i < 10; i++)
        ids[i] = file_report();
    restart_server();
    /* Filed while the client is still backing off. */
    for (int i = 10; i < 15; i++)
        ids[i] = file_report();
    RUN_UNTIL(all_filed_seen(&c, ids, 15), 20000);
    /* Time for duplicates to show, had there been any. */
    uint64_t later = file_report();
    RUN_UNTIL(filed_events(&c, later), 10000);

    assert_true(all_filed_once(&c, ids, 15));
    assert_int_equal(filed_events(&c, later), 1);
    assert_true(in_order(&c));
    assert_true(c.disconnected >= 1);
    assert_true(c.connected >= 2);
    assert_int_equal(c.stopped, 0);
    assert_int_equal(c.sub_status, 0);
    client_close(&c);
    loop_end();
}

/* Files a report through c's async client (text receives its text). */
static void submit_async(client *c, char *text, size_t len, result *r)
{
    Chengguan__V1__ReportSubmit req;
    Chengguan__V1__Report rep;
    report_init(&req, &rep, text, len);
    assert_int_equal(cg_async_call(c->a, &req.base, on_reply, r), 0);
    assert_int_equal(req.idempotency_key.len, 0); /* the caller's request is untouched */
}

/* r answered the report of text, which exists once; ends the test's loop. */
static void expect_filed_once(client *c, result *r, const char *text)
{
    assert_int_equal(r->done, 1);
    assert_int_equal(r->status, 0);
    assert_string_equal(((Chengguan__V1__Report *)r->reply)->text, text);
    assert_int_equal(reports_with_text(text), 1);
    result_free(r);
    client_close(c);
    loop_end();
}

/* A mutation whose reply is lost with its connection is sent again with the
 * same idempotency key: applied once, answered with the first outcome. */
static void test_mutation_resent_with_same_key(void **state)
{
    loop_begin();
    client c;
    client_connected(&c, 20000);
    proxy.blackhole = 1; /* the server's replies go nowhere */
    char text[64];
    result r = {0};
    submit_async(&c, text, sizeof text, &r);
    RUN_UNTIL(reports_with_text(text) == 1, 10000);
    assert_int_equal(reports_with_text(text), 1);
    assert_int_equal(r.done, 0);

    proxy.blackhole = 0;
    proxy_cut();
    RUN_UNTIL(r.done, 15000);
    assert_true(c.disconnected >= 1 && c.connected >= 2);
    expect_filed_once(&c, &r, text);
}

/* A reconnect resumes the TLS session of the connection before (the server
 * gave a ticket), and the resumed connection is still hq's. */
static void whoami_async(client *c, result *r)
{
    Chengguan__V1__WhoAmI who = CHENGGUAN__V1__WHO_AM_I__INIT;
    assert_int_equal(cg_async_call(c->a, &who.base, on_reply, r), 0);
    RUN_UNTIL(r->done, 10000);
    assert_int_equal(r->status, 0);
}

static void test_reconnect_resumes_tls_session(void **state)
{
    loop_begin();
    client c;
    client_connected(&c, 10000);
    assert_false(cg_async_tls_resumed(c.a));
    result before = {0}, after = {0};
    whoami_async(&c, &before);
    proxy_cut();
    RUN_UNTIL(c.connected >= 2, 15000);
    assert_int_equal(c.connected, 2);
    assert_true(cg_async_tls_resumed(c.a));
    assert_string_equal(cg_async_welcome(c.a)->account, "hq");
    whoami_async(&c, &after);
    const Chengguan__V1__WhoAmIReply *b = (Chengguan__V1__WhoAmIReply *)before.reply;
    const Chengguan__V1__WhoAmIReply *a = (Chengguan__V1__WhoAmIReply *)after.reply;
    assert_string_equal(a->account, "hq");
    assert_string_equal(a->cert_subject, b->cert_subject);
    assert_string_equal(a->cert_fingerprint, b->cert_fingerprint);
    result_free(&before);
    result_free(&after);
    client_close(&c);
    loop_end();
}

/* A mutation made while the server is down waits, goes out once it is
 * back, and is applied once. */
static void test_mutation_queued_while_down(void **state)
{
    loop_begin();
    client c;
    client_connected(&c, 30000);
    assert_int_equal(cg_test_server_stop(&server), 0);
    cg_test_forget_clients();
    RUN_UNTIL(c.disconnected >= 2, 10000); /* the loss, then a failed attempt */
    assert_null(cg_async_welcome(c.a));
    assert_true(cg_async_retry_ms(c.a) > 0);

    char text[64];
    result r = {0};
    submit_async(&c, text, sizeof text, &r);
    RUN_UNTIL(r.done, 600);
    assert_int_equal(r.done, 0);

    cg_test_server_start(&server, "dedup_window = 0");
    RUN_UNTIL(r.done, 20000);
    expect_filed_once(&c, &r, text);
}

/* A call's deadline counts from the call: no reply (the server's bytes
 * dropped) or no connection (nothing listening), CG_ETIMEOUT either way. */
static void test_call_timeouts(void **state)
{
    loop_begin();
    client c;
    client_connected(&c, 600);
    proxy.blackhole = 1;
    Chengguan__V1__Ping ping = CHENGGUAN__V1__PING__INIT;
    result r = {0};
    long long t0 = cg_test_now_ms();
    assert_int_equal(cg_async_call(c.a, &ping.base, on_reply, &r), 0);
    RUN_UNTIL(r.done, 5000);
    assert_int_equal(r.status, CG_ETIMEOUT);
    assert_true(r.at - t0 >= 600 && r.at - t0 < 3000);
    assert_non_null(strstr(r.error, "no reply within 600 ms"));
    client_close(&c);

    /* Nothing listens on the proxy's old port once it is closed. */
    proxy_cut();
    uv_close((uv_handle_t *)&proxy.listener, NULL);
    uv_run(&loop, UV_RUN_NOWAIT);
    client_open(&c, "hq", 1, 600);
    result q = {0};
    t0 = cg_test_now_ms();
    assert_int_equal(cg_async_call(c.a, &ping.base, on_reply, &q), 0);
    RUN_UNTIL(q.done, 5000);
    assert_int_equal(q.status, CG_ETIMEOUT);
    assert_true(q.at - t0 >= 600 && q.at - t0 < 3000);
    assert_non_null(strstr(q.error, "not connected"));
    assert_true(c.disconnected >= 1);
    assert_int_equal(c.last_reason, CG_ECONNECT);
    client_close(&c);
    /* loop_end closes the listener: make a new one for it. */
    proxy_start();
    loop_end();
}

static void count_cancelled(cg_async *a, int status, ProtobufCMessage *reply, void *arg)
{
    if (status == CG_ECANCELLED)
        (*(int *)arg)++;
}

/* While disconnected at most CG_ASYNC_MAX_QUEUE calls wait; freeing the
 * client cancels them all through their callbacks. */
static void test_queue_is_bounded(void **state)
{
    loop_begin();
    client c;
    client_open(&c, "hq", 1, 60000);
    uv_close((uv_handle_t *)&proxy.listener, NULL); /* nothing answers */
    Chengguan__V1__Ping ping = CHENGGUAN__V1__PING__INIT;
    int cancelled = 0;
    for (int i = 0; i < CG_ASYNC_MAX_QUEUE; i++)
        assert_int_equal(cg_async_call(c.a, &ping.base, count_cancelled, &cancelled), 0);
    assert_int_equal(cg_async_call(c.a, &ping.base, count_cancelled, &cancelled),
                     CG_ERESOURCE_EXHAUSTED);
    RUN_UNTIL(c.disconnected >= 2, 5000);
    assert_int_equal(cancelled, 0);
    client_close(&c);
    assert_int_equal(cancelled, CG_ASYNC_MAX_QUEUE);
    proxy_start();
    loop_end();
}

/* Refusals that reconnecting cannot fix stop the client at once, and what
 * waited gets the reason; a subscription refused ends alone. */
static void test_refusals_stop(void **state)
{
    loop_begin();
    Chengguan__V1__Ping ping = CHENGGUAN__V1__PING__INIT;

    /* A certificate without an account: UNAUTHENTICATED at Hello. */
    client c;
    client_open(&c, "test/stranger", 0, 10000);
    result r = {0};
    assert_int_equal(cg_async_call(c.a, &ping.base, on_reply, &r), 0);
    RUN_UNTIL(c.stopped, 10000);
    assert_int_equal(c.stopped, 1);
    assert_int_equal(c.last_reason, CG_EUNAUTHENTICATED);
    assert_int_equal(c.disconnected, 0);
    assert_int_equal(r.status, CG_EUNAUTHENTICATED);
    assert_int_equal(cg_async_call(c.a, &ping.base, on_reply, &r), CG_EUNAUTHENTICATED);
    client_close(&c);

    /* An expired certificate: the server's TLS alert. */
    client_open(&c, "test/expired", 0, 10000);
    RUN_UNTIL(c.stopped, 10000);
    assert_int_equal(c.last_reason, CG_ETLS);
    assert_int_equal(c.disconnected, 0);
    client_close(&c);

    /* A certificate file that is not there: reported once attached. */
    memset(&c, 0, sizeof c);
    cg_client_options o = cg_test_options(&server, "hq");
    o.cert_file = "/nonexistent/hq.crt";
    c.a = cg_async_new(&o);
    assert_non_null(c.a);
    cg_async_on_state(c.a, on_state, &c);
    assert_int_equal(cg_async_call(c.a, &ping.base, on_reply, &r), CG_EUSAGE);
    assert_int_equal(cg_libuv_attach(c.a, &loop), 0);
    assert_int_equal(c.stopped, 0);
    RUN_UNTIL(c.stopped, 5000);
    assert_int_equal(c.last_reason, CG_EUSAGE);
    assert_non_null(strstr(c.last_error, "/nonexistent/hq.crt"));
    client_close(&c);

    /* A subscription the server refuses (after a seq no event will ever
     * have: OUT_OF_RANGE) ends; the connection goes on. (Until issue 11
     * this was the hotline's, refused as a role with no stream.) */
    client_open(&c, "hotline", 0, 10000);
    assert_int_equal(cg_async_subscribe(c.a, UINT64_C(1) << 60, on_event, &c), 0);
    RUN_UNTIL(c.sub_status != 0, 10000);
    assert_int_equal(c.sub_status, CG_EOUT_OF_RANGE);
    result p = {0};
    assert_int_equal(cg_async_call(c.a, &ping.base, on_reply, &p), 0);
    RUN_UNTIL(p.done, 10000);
    assert_int_equal(p.status, 0);
    result_free(&p);
    assert_int_equal(c.connected, 1);
    assert_int_equal(c.disconnected + c.stopped, 0);
    client_close(&c);
    loop_end();
}

/* Freeing the client from inside its own event callback. */
static void test_free_from_callback(void **state)
{
    loop_begin();
    client c;
    client_open(&c, "hq", 0, 10000);
    c.free_after = 2;
    assert_int_equal(cg_async_subscribe(c.a, 0, on_event, &c), 0);
    RUN_UNTIL(c.connected, 10000);
    file_report();
    file_report();
    file_report();
    RUN_UNTIL(c.a == NULL, 10000);
    assert_null(c.a);
    assert_int_equal(c.nevents, 2);
    loop_end();
}

/* --- chengguan watch ----------------------------------------------------------- */

typedef struct {
    uv_process_t proc;
    uv_pipe_t out, err;
    char stdout_buf[1 << 16];
    size_t stdout_len;
    char stderr_buf[1 << 14];
    size_t stderr_len;
    int exited;
    int64_t status;
    int term_signal;
    int open_handles;
} child;

static void child_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    static char scratch[65536];
    buf->base = scratch;
    buf->len = sizeof scratch;
}

static void child_closed(uv_handle_t *h)
{
    ((child *)h->data)->open_handles--;
}

static void child_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    child *c = s->data;
    int is_out = s == (uv_stream_t *)&c->out;
    char *dst = is_out ? c->stdout_buf : c->stderr_buf;
    size_t *len = is_out ? &c->stdout_len : &c->stderr_len;
    size_t cap = is_out ? sizeof c->stdout_buf : sizeof c->stderr_buf;
    if (n < 0) {
        uv_close((uv_handle_t *)s, child_closed);
        return;
    }
    size_t take = (size_t)n < cap - 1 - *len ? (size_t)n : cap - 1 - *len;
    memcpy(dst + *len, buf->base, take);
    *len += take;
    dst[*len] = '\0';
}

static void child_exit(uv_process_t *p, int64_t status, int term_signal)
{
    child *c = p->data;
    c->exited = 1;
    c->status = status;
    c->term_signal = term_signal;
    uv_close((uv_handle_t *)p, child_closed);
}

static void child_spawn(child *c, char **args)
{
    memset(c, 0, sizeof *c);
    c->proc.data = c->out.data = c->err.data = c;
    uv_pipe_init(&loop, &c->out, 0);
    uv_pipe_init(&loop, &c->err, 0);
    uv_stdio_container_t stdio[3] = {
        {.flags = UV_IGNORE},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&c->out},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&c->err},
    };
    uv_process_options_t o = {
        .exit_cb = child_exit, .file = args[0], .args = args, .stdio_count = 3, .stdio = stdio};
    int rc = uv_spawn(&loop, &c->proc, &o);
    if (rc != 0)
        fail_msg("spawn %s: %s", args[0], uv_strerror(rc));
    c->open_handles = 3;
    uv_read_start((uv_stream_t *)&c->out, child_alloc, child_read);
    uv_read_start((uv_stream_t *)&c->err, child_alloc, child_read);
}

/* How many lines of the child's stdout mention "report_id": id. */
static int json_lines_for(const child *c, uint64_t id)
{
    char needle[48];
    snprintf(needle, sizeof needle, "\"report_id\":%llu,", (unsigned long long)id);
    int n = 0;
    for (const char *p = c->stdout_buf; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static int watch_saw_all(const child *c, const uint64_t *ids, int n)
{
    for (int i = 0; i < n; i++)
        if (json_lines_for(c, ids[i]) < 1)
            return 0;
    return 1;
}

/* chengguan --json watch prints each event as one JSON object, keeps going
 * across a server restart (saying so on stderr), and exits 0 on SIGINT. */
static void test_cli_watch_across_restart(void **state)
{
    loop_begin();
    char addr[64], pki[700], cert[800], key[800], ca[800];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", proxy.port);
    cg_test_pki(&server, "", pki, sizeof pki);
    snprintf(cert, sizeof cert, "%sclients/supervision.crt", pki);
    snprintf(key, sizeof key, "%sclients/supervision.key", pki);
    snprintf(ca, sizeof ca, "%sca.crt", pki);
    uint64_t ids[6];
    ids[0] = file_report(); /* before: seen through catch-up */
    char *args[] = {CG_CLI_BIN, "--server", addr,     "--cert", cert,      "--key", key,
                    "--ca",     ca,         "--json", "watch",  "--after", "0",     NULL};
    child w;
    child_spawn(&w, args);
    RUN_UNTIL(strstr(w.stderr_buf, "connected as supervision") || w.exited, 10000);
    ids[1] = file_report();
    ids[2] = file_report();
    RUN_UNTIL(watch_saw_all(&w, ids, 3) || w.exited, 10000);
    restart_server();
    for (int i = 3; i < 6; i++)
        ids[i] = file_report();
    RUN_UNTIL(watch_saw_all(&w, ids, 6) || w.exited, 20000);
    uv_process_kill(&w.proc, SIGINT);
    RUN_UNTIL(w.open_handles == 0, 10000);

    fprintf(stderr, "watch stderr:\n%s", w.stderr_buf);
    assert_int_equal(w.open_handles, 0);
    assert_int_equal(w.term_signal, 0);
    assert_int_equal(w.status, 0);
    for (int i = 0; i < 6; i++)
        assert_int_equal(json_lines_for(&w, ids[i]), 1);
    assert_non_null(strstr(w.stderr_buf, "reconnecting in"));
    assert_non_null(strstr(w.stderr_buf, "reconnected as supervision"));
    /* One object per line, every one an event. */
    int lines = 0;
    for (const char *p = w.stdout_buf; *p; p = strchr(p, '\n') + 1) {
        assert_true(strncmp(p, "{\"seq\":", 7) == 0);
        lines++;
        assert_non_null(strchr(p, '\n'));
    }
    assert_true(lines >= 6);
    loop_end();
}

/* chengguan watch for people: one line per event, exit status 0 on
 * SIGTERM; a certificate the server refuses ends it at once with exit
 * status 3 (TLS) instead of retrying. */
static void test_cli_watch_human(void **state)
{
    loop_begin();
    uint64_t id = file_report();
    char line[64], case_line[64], out[4096];
    snprintf(line, sizeof line, "  report %llu  level 0  ", (unsigned long long)id);
    /* an event of a case (no report) names the case */
    uint64_t officer;
    uint64_t compound = cg_test_make_compound(&server, "xinglongtai", "xinglongtai", "看板小区",
                                              "property-demo", "2021-02-01", &officer);
    cg_test_cli_exits(&server, 0, out, sizeof out,
                      "--as xinglongtai --json case open --compound %llu --category 3 "
                      "--source patrol --summary 楼道堆物",
                      (unsigned long long)compound);
    snprintf(case_line, sizeof case_line, "  case.opened  兴隆台分局  case %llu  level 0  ",
             (unsigned long long)cg_test_json_id(out));
    char addr[64], pki[700], cert[800], key[800], ca[800];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", server.port);
    cg_test_pki(&server, "", pki, sizeof pki);
    snprintf(cert, sizeof cert, "%sclients/xinglongtai.crt", pki);
    snprintf(key, sizeof key, "%sclients/xinglongtai.key", pki);
    snprintf(ca, sizeof ca, "%sca.crt", pki);
    char *args[] = {CG_CLI_BIN, "--server", addr,    "--cert",  cert, "--key", key,
                    "--ca",     ca,         "watch", "--after", "0",  NULL};
    child w;
    child_spawn(&w, args);
    RUN_UNTIL((strstr(w.stdout_buf, line) && strstr(w.stdout_buf, case_line)) || w.exited, 10000);
    uv_process_kill(&w.proc, SIGTERM);
    RUN_UNTIL(w.open_handles == 0, 10000);
    assert_int_equal(w.open_handles, 0);
    assert_int_equal(w.term_signal, 0);
    assert_int_equal(w.status, 0);
    assert_non_null(strstr(w.stdout_buf, line));
    assert_non_null(strstr(w.stdout_buf, "  report.filed  兴隆台分局  "));
    assert_non_null(strstr(w.stdout_buf, case_line));

    snprintf(cert, sizeof cert, "%stest/expired.crt", pki);
    snprintf(key, sizeof key, "%stest/expired.key", pki);
    long long t0 = cg_test_now_ms();
    child_spawn(&w, args);
    RUN_UNTIL(w.open_handles == 0, 20000);
    if (!w.exited) {
        uv_process_kill(&w.proc, SIGKILL);
        RUN_UNTIL(w.open_handles == 0, 10000);
        fail_msg("watch kept going with a refused certificate");
    }
    assert_int_equal(w.status, 3);
    assert_true(cg_test_now_ms() - t0 < 10000);
    assert_non_null(strstr(w.stderr_buf, "certificate expired"));
    loop_end();
}

/* --- the example program of docs/integration.md ---------------------------------- */

static int run_example(const char *build_dir)
{
    /* Reports filed before it starts reach it through catch-up. */
    uint64_t ids[3];
    for (int i = 0; i < 3; i++)
        ids[i] = file_report();
    char dir[800], cmd[8192];
    snprintf(dir, sizeof dir, "%s/example", server.dir);
    snprintf(cmd, sizeof cmd, "'%s/tests/integration/example.sh' '%s' '%s' >'%s.build.log' 2>&1",
             CG_SOURCE_DIR, build_dir, dir, dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "example.sh failed; see %s.build.log\n", dir);
        return 1;
    }
    char pki[700];
    cg_test_pki(&server, "", pki, sizeof pki);
    snprintf(cmd, sizeof cmd,
             "'%s/hotline_bridge' --server 127.0.0.1:%d --cert '%sclients/xinglongtai.crt' "
             "--key '%sclients/xinglongtai.key' --ca '%sca.crt' --compound %llu --events 3 "
             "--seconds 30 >'%s.out' 2>'%s.err'",
             dir, server.port, pki, pki, pki, (unsigned long long)compound_id, dir, dir);
    int rc = system(cmd);
    snprintf(cmd, sizeof cmd, "cat '%s.out' '%s.err'", dir, dir);
    if (system(cmd) != 0 || rc != 0) {
        fprintf(stderr, "hotline_bridge exited with %d\n", rc);
        return 1;
    }
    char path[900], out[16384];
    snprintf(path, sizeof path, "%s.out", dir);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(out, 1, sizeof out - 1, f) : 0;
    out[n] = '\0';
    if (f)
        fclose(f);
    int failed = 0;
    for (int i = 0; i < 3; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, " report.filed report=%llu ", (unsigned long long)ids[i]);
        if (strstr(out, needle) == NULL) {
            fprintf(stderr, "no line with '%s'\n", needle);
            failed++;
        }
    }
    if (strstr(out, "request filed: id=") == NULL) {
        fprintf(stderr, "no resident request was filed\n");
        failed++;
    }
    /* And the time limit alone ends it, cleanly. */
    snprintf(cmd, sizeof cmd,
             "'%s/hotline_bridge' --server 127.0.0.1:%d --cert '%sclients/hotline.crt' "
             "--key '%sclients/hotline.key' --ca '%sca.crt' --seconds 1 >/dev/null",
             dir, server.port, pki, pki, pki);
    if (system(cmd) != 0) {
        fprintf(stderr, "hotline_bridge --seconds 1 as hotline did not exit 0\n");
        failed++;
    }
    return failed;
}

/* --- set-up --------------------------------------------------------------------- */

/* The compound the reports are about, and no dedup window, so that every
 * report starts its own ladder. */
static void make_compound(void)
{
    Chengguan__V1__Compound c = CHENGGUAN__V1__COMPOUND__INIT;
    c.name = "异步小区";
    c.district = "xinglongtai";
    c.community = "异步社区";
    Chengguan__V1__CompoundAdd add = CHENGGUAN__V1__COMPOUND_ADD__INIT;
    add.compound = &c;
    Chengguan__V1__Compound *got =
        (Chengguan__V1__Compound *)cg_test_call(&server, "hq", &add.base, 0, NULL);
    if (got == NULL)
        exit(1);
    compound_id = got->id;
    cg_message_free(&got->base);
}

int main(int argc, char **argv)
{
    /* The CLIs it spawns speak English, whatever the locale of the run. */
    setenv("LANG", "C", 1);
    unsetenv("LC_ALL");
    unsetenv("LANGUAGE");
    if (argc == 3 && strcmp(argv[1], "--example") == 0) {
        cg_test_server_init(&server, "async_example", 0);
        cg_test_server_start(&server, "dedup_window = 0");
        make_compound();
        int failed = run_example(argv[2]);
        cg_test_forget_clients();
        if (cg_test_server_stop(&server) != 0)
            failed++;
        return failed != 0;
    }
    cg_test_server_init(&server, "async", 0);
    cg_test_server_start(&server, "dedup_window = 0");
    make_compound();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_call_and_reply),
        cmocka_unit_test(test_subscription_sees_events),
        cmocka_unit_test(test_server_restart_mid_stream),
        cmocka_unit_test(test_mutation_resent_with_same_key),
        cmocka_unit_test(test_reconnect_resumes_tls_session),
        cmocka_unit_test(test_mutation_queued_while_down),
        cmocka_unit_test(test_call_timeouts),
        cmocka_unit_test(test_queue_is_bounded),
        cmocka_unit_test(test_refusals_stop),
        cmocka_unit_test(test_free_from_callback),
        cmocka_unit_test(test_cli_watch_across_restart),
        cmocka_unit_test(test_cli_watch_human),
    };
    int failed = cmocka_run_group_tests_name("async", tests, NULL, NULL);
    cg_test_forget_clients();
    if (cg_test_server_stop(&server) != 0)
        failed++;
    return failed;
}
