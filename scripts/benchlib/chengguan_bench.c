/*
 * chengguan-bench — the load generator of scripts/bench (issue 14): drives
 * one chengguand (or, for memory, the holding server bench_hold) and prints
 * one line of figures per run, key value pairs that scripts/bench reads.
 *
 *   chengguan-bench MODE --server HOST:PORT --pki DIR [options]
 *
 * Modes (all but handshake on the asynchronous client library, every
 * connection a cg_async on one libuv loop):
 *   report-submit, patrol-submit, compound-show, report-list
 *       --clients N connections as --as ACCOUNT, each sending its next
 *       request as soon as the last one is answered (closed loop), for
 *       --seconds S once every client has had one answer. Client i works
 *       on --targets' entry i modulo their number (COMPOUND[:OFFICER],
 *       comma-separated); a patrol lasts one second, at a time of its own:
 *       2022-01-01 + --base + i * 100000 + n seconds, so that no two
 *       overlap. Prints requests, per_s, p50_ms, p99_ms, errors.
 *   handshake
 *       --clients N threads, each opening TLS connections one after the
 *       other for --seconds S (blocking OpenSSL: the library has no way to
 *       ask for a new connection), closing each after the handshake, or
 *       with --hello after Hello and Welcome; --resume offers the session
 *       of the thread's last connection. Prints handshakes, per_s, resumed.
 *   idle
 *       --connections N subscribed connections (from the head; hq and
 *       supervision alternately), opened at most 100 at a time; then the
 *       resident memory of --pid before and after. Prints connections,
 *       rss_before_kb, rss_after_kb, per_connection_kb.
 *   events
 *       --subscribers N subscribed connections (as in idle), then --reports
 *       R reports filed as --as ACCOUNT on the first target, one every
 *       20 ms. Latency of an event is from just before its ReportSubmit is
 *       sent to its arrival at a subscriber. Prints rtt p50/p99, event
 *       p50/p99, expected and arrived.
 *
 * Not a test: scripts/bench runs it (and test_bench_smoke for a second).
 */
#include "chengguan/adapters/libuv.h"
#include "chengguan/async.h"
#include "envelope.h"
#include "frame.h"
#include "tls_context.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_TARGETS        64
#define PATROL_EPOCH       1640995200 /* 2022-01-01T00:00:00Z */
#define CONNECTING_AT_ONCE 100

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "chengguan-bench: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* --- options ---------------------------------------------------------------- */

typedef struct {
    uint64_t compound, officer;
} target;

static struct {
    const char *mode, *server, *pki, *account;
    int clients, connections, subscribers, reports, hello, resume;
    double seconds;
    uint64_t base;
    long pid;
    target targets[MAX_TARGETS];
    int ntargets;
} opt = {.account = "hq", .clients = 1, .seconds = 5, .subscribers = 1000, .reports = 200};

static void parse_targets(const char *s)
{
    while (*s && opt.ntargets < MAX_TARGETS) {
        char *end;
        target *t = &opt.targets[opt.ntargets++];
        t->compound = strtoull(s, &end, 10);
        t->officer = *end == ':' ? strtoull(end + 1, &end, 10) : 0;
        if (*end != ',' && *end != '\0')
            die("bad --targets", s);
        s = *end ? end + 1 : end;
    }
}

static void parse(int argc, char **argv)
{
    if (argc < 2)
        die("usage: chengguan-bench MODE --server HOST:PORT --pki DIR [options] "
            "(see the comment at the top of scripts/benchlib/chengguan_bench.c)",
            NULL);
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strncmp(k, "--", 2) != 0 && opt.mode == NULL) {
            opt.mode = k;
            continue;
        }
        if (strcmp(k, "--hello") == 0) {
            opt.hello = 1;
            continue;
        }
        if (strcmp(k, "--resume") == 0) {
            opt.resume = 1;
            continue;
        }
        if (v == NULL)
            die("missing value of", k);
        i++;
        if (strcmp(k, "--server") == 0)
            opt.server = v;
        else if (strcmp(k, "--pki") == 0)
            opt.pki = v;
        else if (strcmp(k, "--as") == 0)
            opt.account = v;
        else if (strcmp(k, "--clients") == 0)
            opt.clients = atoi(v);
        else if (strcmp(k, "--connections") == 0)
            opt.connections = atoi(v);
        else if (strcmp(k, "--subscribers") == 0)
            opt.subscribers = atoi(v);
        else if (strcmp(k, "--reports") == 0)
            opt.reports = atoi(v);
        else if (strcmp(k, "--seconds") == 0)
            opt.seconds = atof(v);
        else if (strcmp(k, "--base") == 0)
            opt.base = strtoull(v, NULL, 10);
        else if (strcmp(k, "--pid") == 0)
            opt.pid = atol(v);
        else if (strcmp(k, "--targets") == 0)
            parse_targets(v);
        else
            die("unknown option", k);
    }
    if (opt.mode == NULL || opt.server == NULL || opt.pki == NULL || opt.clients < 1)
        die("MODE, --server and --pki are required, --clients at least 1", NULL);
    if (opt.ntargets == 0)
        opt.targets[opt.ntargets++] = (target){1, 1};
}

/* Options of the client library for ACCOUNT's dev certificate (kept for
 * the whole run). */
static cg_client_options client_options(const char *account)
{
    char path[3][512];
    snprintf(path[0], sizeof path[0], "%s/clients/%s.crt", opt.pki, account);
    snprintf(path[1], sizeof path[1], "%s/clients/%s.key", opt.pki, account);
    snprintf(path[2], sizeof path[2], "%s/ca.crt", opt.pki);
    return (cg_client_options){.server = opt.server,
                               .cert_file = strdup(path[0]),
                               .key_file = strdup(path[1]),
                               .ca_file = strdup(path[2]),
                               .timeout_ms = 60000};
}

static void free_options(cg_client_options *o)
{
    free((char *)o->cert_file);
    free((char *)o->key_file);
    free((char *)o->ca_file);
}

/* --- statistics --------------------------------------------------------------- */

typedef struct {
    double *v;
    size_t n, cap;
} samples;

static void samples_add(samples *s, double x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 1024;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (s->v == NULL)
            die("out of memory", NULL);
    }
    s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) in ms; sorts s. 0 without samples. */
static double quantile(samples *s, double q)
{
    if (s->n == 0)
        return 0;
    qsort(s->v, s->n, sizeof *s->v, cmp_double);
    size_t i = (size_t)(q * (double)s->n);
    return s->v[i < s->n ? i : s->n - 1];
}

/* --- closed-loop requests ----------------------------------------------------- */

typedef struct {
    cg_async *a;
    int index;
    uint64_t n; /* requests sent */
    double sent;
    int answered;
} worker;

static uv_loop_t *loop;
static struct {
    int warm; /* clients that have had an answer */
    int measuring, stopping;
    double t0, t1;
    uint64_t done, errors;
    samples lat;
} run;

static void send_next(worker *w);

static void on_reply(cg_async *a, int status, ProtobufCMessage *reply, void *arg)
{
    (void)reply;
    worker *w = arg;
    double t = now_ms();
    if (run.stopping) /* cancelled by cg_async_free at the end */
        return;
    if (status != 0) {
        if (run.errors++ == 0)
            fprintf(stderr, "chengguan-bench: %s: %s\n", opt.mode, cg_async_error(a));
    } else if (run.measuring) {
        run.done++;
        samples_add(&run.lat, t - w->sent);
    }
    if (!w->answered) {
        w->answered = 1;
        if (++run.warm == opt.clients) {
            run.measuring = 1;
            run.t0 = now_ms();
        }
    }
    send_next(w);
}

static void send_next(worker *w)
{
    const target *t = &opt.targets[w->index % opt.ntargets];
    ProtobufCMessage *req;
    Chengguan__V1__Report report = CHENGGUAN__V1__REPORT__INIT;
    Chengguan__V1__ReportSubmit report_submit = CHENGGUAN__V1__REPORT_SUBMIT__INIT;
    Chengguan__V1__Patrol patrol = CHENGGUAN__V1__PATROL__INIT;
    Chengguan__V1__PatrolSubmit patrol_submit = CHENGGUAN__V1__PATROL_SUBMIT__INIT;
    Chengguan__V1__CompoundGet compound_get = CHENGGUAN__V1__COMPOUND_GET__INIT;
    Chengguan__V1__ReportList report_list = CHENGGUAN__V1__REPORT_LIST__INIT;
    uint64_t officer = t->officer;
    char start[32], end[32];
    if (strcmp(opt.mode, "report-submit") == 0) {
        report.compound_id = t->compound;
        report.category = (uint32_t)(1 + w->n % 10);
        report.text = "bench: 楼道堆放杂物";
        report_submit.report = &report;
        req = &report_submit.base;
    } else if (strcmp(opt.mode, "patrol-submit") == 0) {
        time_t at = (time_t)(PATROL_EPOCH + opt.base + (uint64_t)w->index * 100000 + w->n);
        time_t until = at + 1;
        strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%SZ", gmtime(&at));
        strftime(end, sizeof end, "%Y-%m-%dT%H:%M:%SZ", gmtime(&until));
        patrol.compound_id = t->compound;
        patrol.n_officer_ids = 1;
        patrol.officer_ids = &officer;
        patrol.start = start;
        patrol.end = end;
        patrol_submit.patrol = &patrol;
        req = &patrol_submit.base;
    } else if (strcmp(opt.mode, "compound-show") == 0) {
        compound_get.id = t->compound;
        req = &compound_get.base;
    } else {
        report_list.limit = 100;
        req = &report_list.base;
    }
    w->n++;
    w->sent = now_ms();
    int rc = cg_async_call(w->a, req, on_reply, w);
    if (rc != 0)
        die("cannot send", cg_async_error(w->a));
}

static void on_stop(uv_timer_t *t)
{
    if (!run.measuring) { /* not every client answered yet: wait on */
        uv_timer_start(t, on_stop, 100, 0);
        return;
    }
    if (now_ms() - run.t0 < opt.seconds * 1e3) {
        uv_timer_start(t, on_stop, (uint64_t)(opt.seconds * 1e3 - (now_ms() - run.t0)) + 1, 0);
        return;
    }
    run.t1 = now_ms();
    run.stopping = 1;
    run.measuring = 0;
    uv_stop(loop);
}

static int requests_mode(void)
{
    cg_client_options o = client_options(opt.account);
    worker *w = calloc((size_t)opt.clients, sizeof *w);
    for (int i = 0; i < opt.clients; i++) {
        w[i].index = i;
        if ((w[i].a = cg_async_new(&o)) == NULL || cg_libuv_attach(w[i].a, loop) != 0)
            die("cannot make a client", NULL);
        send_next(&w[i]);
    }
    uv_timer_t stop;
    uv_timer_init(loop, &stop);
    uv_timer_start(&stop, on_stop, (uint64_t)(opt.seconds * 1e3), 0);
    uv_run(loop, UV_RUN_DEFAULT);
    double secs = (run.t1 - run.t0) / 1e3;
    printf("mode %s clients %d requests %" PRIu64
           " seconds %.2f per_s %.1f p50_ms %.3f p99_ms %.3f "
           "errors %" PRIu64 "\n",
           opt.mode, opt.clients, run.done, secs, (double)run.done / secs, quantile(&run.lat, 0.5),
           quantile(&run.lat, 0.99), run.errors);
    for (int i = 0; i < opt.clients; i++)
        cg_async_free(w[i].a);
    uv_close((uv_handle_t *)&stop, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
    free(w);
    free(run.lat.v);
    free_options(&o);
    return run.errors == 0 ? 0 : 1;
}

/* --- TLS handshakes ----------------------------------------------------------- */

static struct sockaddr_in server_addr;
static const char *server_host;

static int tcp_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&server_addr, sizeof server_addr) != 0)
        die("cannot connect to", opt.server);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* Hello, then reads until Welcome; 0 or -1. */
static int hello(SSL *ssl)
{
    Chengguan__V1__Hello h = CHENGGUAN__V1__HELLO__INIT;
    h.protocol_version = 1;
    h.client_name = "chengguan-bench";
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = 1;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_HELLO;
    env.hello = &h;
    cg_buf out = CG_BUF_INIT;
    int rc = cg_envelope_write(&out, &env, 1 << 20) == 0 &&
                     SSL_write(ssl, cg_buf_head(&out), (int)cg_buf_pending(&out)) > 0
                 ? 0
                 : -1;
    cg_buf_free(&out);
    cg_frame_decoder frames;
    cg_frame_decoder_init(&frames, 1 << 20);
    for (int welcomed = 0; rc == 0 && !welcomed;) {
        const uint8_t *p;
        size_t len;
        if (cg_frame_decoder_next(&frames, &p, &len) == 1) {
            cg_envelope *e = cg_envelope_read(p, len, NULL);
            welcomed = e != NULL && e->body_case == CHENGGUAN__V1__ENVELOPE__BODY_WELCOME;
            rc = welcomed ? 0 : -1;
            cg_envelope_free(e, NULL);
            continue;
        }
        char buf[4096];
        int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0)
            rc = -1;
        else
            cg_frame_decoder_feed(&frames, buf, (size_t)n);
    }
    cg_frame_decoder_free(&frames);
    return rc;
}

typedef struct {
    pthread_t thread;
    long handshakes, resumed;
} shaker;

static volatile int shaking_stops;

static void *shake(void *arg)
{
    shaker *s = arg;
    cg_client_options o = client_options(opt.account);
    char err[512];
    SSL_CTX *ctx = cg_tls_client_ctx(o.cert_file, o.key_file, o.ca_file, err, sizeof err);
    if (ctx == NULL)
        die("client TLS context", err);
    while (!shaking_stops) {
        int fd = tcp_connect();
        SSL *ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        cg_tls_expect_host(ssl, server_host);
        if (opt.resume)
            cg_tls_offer_session(ssl);
        if (SSL_connect(ssl) != 1 || (opt.hello && hello(ssl) != 0))
            die("handshake failed", cg_tls_error_string(err, sizeof err));
        s->handshakes++;
        s->resumed += SSL_session_reused(ssl);
        SSL_shutdown(ssl);
        SSL_free(ssl);
        close(fd);
    }
    SSL_CTX_free(ctx);
    free_options(&o);
    return NULL;
}

static int handshake_mode(void)
{
    shaker *s = calloc((size_t)opt.clients, sizeof *s);
    double t0 = now_ms();
    for (int i = 0; i < opt.clients; i++)
        pthread_create(&s[i].thread, NULL, shake, &s[i]);
    usleep((useconds_t)(opt.seconds * 1e6));
    shaking_stops = 1;
    long n = 0, resumed = 0;
    for (int i = 0; i < opt.clients; i++) {
        pthread_join(s[i].thread, NULL);
        n += s[i].handshakes;
        resumed += s[i].resumed;
    }
    double secs = (now_ms() - t0) / 1e3;
    printf("mode handshake clients %d hello %d resume %d handshakes %ld seconds %.2f per_s %.1f "
           "resumed %ld\n",
           opt.clients, opt.hello, opt.resume, n, secs, (double)n / secs, resumed);
    free(s);
    return 0;
}

/* --- subscribed connections (idle, events) ------------------------------------ */

typedef struct {
    uint64_t report_id;
    double at;
} arrival;

static struct {
    cg_async **subs;
    int opened, subscribed, target;
    cg_client_options options[2];
    uv_timer_t tick;
    arrival *arrivals;
    size_t narrivals, cap;
} fleet;

static void on_event(cg_async *a, int status, const Chengguan__V1__Event *e, void *arg)
{
    (void)arg;
    if (status == CG_ECANCELLED) /* close_fleet */
        return;
    if (status != 0)
        die("a subscription ended", cg_async_error(a));
    if (fleet.arrivals != NULL && strcmp(e->kind, "report.filed") == 0 &&
        fleet.narrivals < fleet.cap)
        fleet.arrivals[fleet.narrivals++] = (arrival){e->report_id, now_ms()};
}

/* Every 20 ms: opens more connections while fewer than CONNECTING_AT_ONCE
 * are still on their way, and stops the loop once all are subscribed. */
static void on_tick(uv_timer_t *t)
{
    int waiting = 0;
    fleet.subscribed = 0;
    for (int i = 0; i < fleet.opened; i++) {
        if (cg_async_last_seq(fleet.subs[i]) != CG_FROM_HEAD)
            fleet.subscribed++;
        else
            waiting++;
    }
    while (waiting < CONNECTING_AT_ONCE && fleet.opened < fleet.target) {
        cg_async *a = cg_async_new(&fleet.options[fleet.opened % 2]);
        if (a == NULL || cg_libuv_attach(a, loop) != 0 ||
            cg_async_subscribe(a, CG_FROM_HEAD, on_event, NULL) != 0)
            die("cannot make a subscriber", NULL);
        fleet.subs[fleet.opened++] = a;
        waiting++;
    }
    if (fleet.subscribed == fleet.target) {
        uv_timer_stop(t);
        uv_stop(loop);
    }
}

static void open_fleet(int n)
{
    fleet.target = n;
    fleet.subs = calloc((size_t)n, sizeof *fleet.subs);
    fleet.options[0] = client_options("hq");
    fleet.options[1] = client_options("supervision");
    uv_timer_init(loop, &fleet.tick);
    uv_timer_start(&fleet.tick, on_tick, 0, 20);
    double t0 = now_ms();
    uv_run(loop, UV_RUN_DEFAULT);
    fprintf(stderr, "chengguan-bench: %d subscribed connections in %.1f s\n", n,
            (now_ms() - t0) / 1e3);
}

static void close_fleet(void)
{
    for (int i = 0; i < fleet.opened; i++)
        cg_async_free(fleet.subs[i]);
    uv_close((uv_handle_t *)&fleet.tick, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
    free(fleet.subs);
    free(fleet.arrivals);
    free_options(&fleet.options[0]);
    free_options(&fleet.options[1]);
}

/* VmRSS of pid in kB. */
static long rss_kb(long pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    if (f != NULL)
        fclose(f);
    if (kb < 0)
        die("cannot read the resident memory of --pid", path);
    return kb;
}

static int idle_mode(void)
{
    if (opt.pid <= 0 || opt.connections < 1)
        die("idle needs --pid and --connections", NULL);
    long before = rss_kb(opt.pid);
    open_fleet(opt.connections);
    sleep(1); /* let the server settle */
    long after = rss_kb(opt.pid);
    printf("mode idle connections %d rss_before_kb %ld rss_after_kb %ld per_connection_kb %.2f\n",
           opt.connections, before, after, (double)(after - before) / opt.connections);
    close_fleet();
    return 0;
}

typedef struct {
    uint64_t report_id;
    double sent, replied;
} filing;

static struct {
    cg_async *a;
    filing *filings;
    int sent, replied;
    uv_timer_t every;
    double quiet_until;
} writer;

static void on_filed(cg_async *a, int status, ProtobufCMessage *reply, void *arg)
{
    filing *f = arg;
    if (status != 0)
        die("a report was refused", cg_async_error(a));
    f->replied = now_ms();
    f->report_id = ((Chengguan__V1__Report *)reply)->id;
    writer.replied++;
}

static void on_writer_tick(uv_timer_t *t)
{
    if (writer.sent < opt.reports) {
        Chengguan__V1__Report r = CHENGGUAN__V1__REPORT__INIT;
        r.compound_id = opt.targets[0].compound;
        r.category = (uint32_t)(1 + writer.sent % 10);
        r.text = "bench: 楼道堆放杂物";
        Chengguan__V1__ReportSubmit req = CHENGGUAN__V1__REPORT_SUBMIT__INIT;
        req.report = &r;
        filing *f = &writer.filings[writer.sent++];
        f->sent = now_ms();
        if (cg_async_call(writer.a, &req.base, on_filed, f) != 0)
            die("cannot file", cg_async_error(writer.a));
        return;
    }
    /* All sent: wait for every event, or 10 s after the last reply. */
    if (writer.replied == opt.reports && writer.quiet_until == 0)
        writer.quiet_until = now_ms() + 10000;
    if (fleet.narrivals == fleet.cap || (writer.quiet_until > 0 && now_ms() > writer.quiet_until)) {
        uv_timer_stop(t);
        uv_stop(loop);
    }
}

/* The writer files its first report once connected, so that no round
 * trip includes the handshake. */
static void on_writer_state(cg_async *a, cg_async_state state, int reason, void *arg)
{
    (void)arg;
    if (state == CG_ASYNC_STOPPED)
        die("the writer cannot connect", cg_async_error(a));
    if (state == CG_ASYNC_CONNECTED && reason == 0 && !uv_is_active((uv_handle_t *)&writer.every))
        uv_timer_start(&writer.every, on_writer_tick, 0, 20);
}

static int events_mode(void)
{
    open_fleet(opt.subscribers);
    fleet.cap = (size_t)opt.subscribers * (size_t)opt.reports;
    fleet.arrivals = calloc(fleet.cap, sizeof *fleet.arrivals);
    writer.filings = calloc((size_t)opt.reports, sizeof *writer.filings);
    cg_client_options o = client_options(opt.account);
    uv_timer_init(loop, &writer.every);
    if ((writer.a = cg_async_new(&o)) == NULL)
        die("cannot make the writer", NULL);
    cg_async_on_state(writer.a, on_writer_state, NULL);
    if (cg_libuv_attach(writer.a, loop) != 0)
        die("cannot make the writer", NULL);
    uv_run(loop, UV_RUN_DEFAULT);

    samples rtt = {0}, lat = {0};
    for (int f = 0; f < writer.replied; f++)
        samples_add(&rtt, writer.filings[f].replied - writer.filings[f].sent);
    for (size_t i = 0; i < fleet.narrivals; i++)
        for (int f = 0; f < opt.reports; f++)
            if (writer.filings[f].report_id == fleet.arrivals[i].report_id) {
                samples_add(&lat, fleet.arrivals[i].at - writer.filings[f].sent);
                break;
            }
    printf("mode events subscribers %d reports %d expected %zu arrived %zu rtt_p50_ms %.3f "
           "rtt_p99_ms %.3f event_p50_ms %.3f event_p99_ms %.3f\n",
           opt.subscribers, opt.reports, fleet.cap, fleet.narrivals, quantile(&rtt, 0.5),
           quantile(&rtt, 0.99), quantile(&lat, 0.5), quantile(&lat, 0.99));
    cg_async_free(writer.a);
    uv_close((uv_handle_t *)&writer.every, NULL);
    int all = fleet.narrivals == fleet.cap;
    close_fleet();
    free(writer.filings);
    free(rtt.v);
    free(lat.v);
    free_options(&o);
    return all ? 0 : 1;
}

int main(int argc, char **argv)
{
    parse(argc, argv);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);

    static char host[64];
    const char *colon = strrchr(opt.server, ':');
    if (colon == NULL || colon - opt.server >= (long)sizeof host)
        die("--server is HOST:PORT (an IPv4 address)", opt.server);
    snprintf(host, sizeof host, "%.*s", (int)(colon - opt.server), opt.server);
    server_host = host;
    server_addr =
        (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
    if (inet_pton(AF_INET, host, &server_addr.sin_addr) != 1)
        die("--server is HOST:PORT (an IPv4 address)", opt.server);

    loop = uv_default_loop();
    int rc;
    if (strcmp(opt.mode, "handshake") == 0)
        rc = handshake_mode();
    else if (strcmp(opt.mode, "idle") == 0)
        rc = idle_mode();
    else if (strcmp(opt.mode, "events") == 0)
        rc = events_mode();
    else if (strcmp(opt.mode, "report-submit") == 0 || strcmp(opt.mode, "patrol-submit") == 0 ||
             strcmp(opt.mode, "compound-show") == 0 || strcmp(opt.mode, "report-list") == 0)
        rc = requests_mode();
    else
        die("unknown mode", opt.mode);
    uv_loop_close(loop);
    return rc;
}
