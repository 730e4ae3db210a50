/*
 * bench_events — how long a report takes from its commit to the event
 * arriving at many subscribed workstations, next to a bare PostgreSQL
 * LISTEN/NOTIFY ping-pong measured in the same run.
 *
 *   bench_events SERVER PKI_DIR CONNINFO COMPOUND_ID [SUBSCRIBERS] [REPORTS]
 *
 * SUBSCRIBERS connections (as hq and supervision, alternately) subscribe to
 * the event stream; a writer thread files REPORTS reports as property-demo
 * on COMPOUND_ID, one every 20 ms. The main thread reads every subscriber
 * with poll() and stamps each event as it arrives. Latency is from just
 * before the writer sends ReportSubmit (so it includes the write and its
 * commit) to arrival. The reference times NOTIFY (autocommit) on one libpq
 * connection to its arrival on another that LISTENs. Run by
 * scripts/bench-events.sh; not a test.
 */
#include "chengguan/client.h"
#include "envelope.h"
#include "frame.h"
#include "tls_context.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_events: %s\n", what);
    exit(1);
}

typedef struct {
    int fd;
    SSL *ssl;
    cg_frame_decoder frames;
} subscriber;

static const char *server_host;
static int server_port;

static int tcp_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)server_port)};
    inet_pton(AF_INET, server_host, &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        die("cannot connect to the server");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static void send_env(subscriber *s, cg_envelope *env)
{
    cg_buf out = CG_BUF_INIT;
    if (cg_envelope_write(&out, env, 1 << 20) != 0 ||
        SSL_write(s->ssl, cg_buf_head(&out), (int)cg_buf_pending(&out)) <= 0)
        die("cannot send");
    cg_buf_free(&out);
}

/* Blocking read of the next envelope (set-up only). */
static cg_envelope *recv_env(subscriber *s)
{
    for (;;) {
        const uint8_t *p;
        size_t len;
        if (cg_frame_decoder_next(&s->frames, &p, &len) == 1)
            return cg_envelope_read(p, len, NULL);
        char buf[16384];
        int n = SSL_read(s->ssl, buf, sizeof buf);
        if (n <= 0)
            die("connection closed during set-up");
        cg_frame_decoder_feed(&s->frames, buf, (size_t)n);
    }
}

/* Connects, says Hello, subscribes after after_seq (from the head: after
 * nothing of the past); returns head_seq. */
static uint64_t subscribe(subscriber *s, SSL_CTX *ctx, uint64_t after_seq, int from_head)
{
    s->fd = tcp_connect();
    s->ssl = SSL_new(ctx);
    SSL_set_fd(s->ssl, s->fd);
    cg_tls_expect_host(s->ssl, server_host);
    if (SSL_connect(s->ssl) != 1)
        die("TLS handshake failed");
    cg_frame_decoder_init(&s->frames, 1 << 24);
    Chengguan__V1__Hello hello = CHENGGUAN__V1__HELLO__INIT;
    hello.protocol_version = 1;
    hello.client_name = "bench_events";
    cg_envelope env = CHENGGUAN__V1__ENVELOPE__INIT;
    env.id = 1;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_HELLO;
    env.hello = &hello;
    send_env(s, &env);
    cg_envelope *reply = recv_env(s);
    if (reply == NULL || reply->body_case != CHENGGUAN__V1__ENVELOPE__BODY_WELCOME)
        die("no Welcome (raise max_connections_per_account?)");
    cg_envelope_free(reply, NULL);
    Chengguan__V1__Subscribe sub = CHENGGUAN__V1__SUBSCRIBE__INIT;
    sub.after_seq = after_seq;
    sub.from_head = from_head;
    chengguan__v1__envelope__init(&env);
    env.id = 2;
    env.body_case = CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBE;
    env.subscribe = &sub;
    send_env(s, &env);
    reply = recv_env(s);
    if (reply == NULL || reply->body_case != CHENGGUAN__V1__ENVELOPE__BODY_SUBSCRIBED)
        die("no Subscribed");
    uint64_t head = reply->subscribed->head_seq;
    cg_envelope_free(reply, NULL);
    return head;
}

/* --- the writer ----------------------------------------------------------- */

typedef struct {
    uint64_t report_id;
    double sent, replied;
} filing;

static cg_client_options writer_options;
static uint64_t compound_id;
static int reports;
static filing *filings;
static volatile int writer_done;

static void *writer(void *arg)
{
    cg_client *c = NULL;
    if (cg_client_connect(&c, &writer_options) != 0)
        die("writer cannot connect as property-demo");
    for (int i = 0; i < reports; i++) {
        Chengguan__V1__Report r = CHENGGUAN__V1__REPORT__INIT;
        r.compound_id = compound_id;
        r.category = (uint32_t)(1 + i % 10);
        r.text = "bench: 楼道堆放杂物";
        Chengguan__V1__ReportSubmit req = CHENGGUAN__V1__REPORT_SUBMIT__INIT;
        req.report = &r;
        ProtobufCMessage *reply;
        filings[i].sent = now_ms();
        if (cg_call(c, &req.base, &reply) != 0)
            die(cg_client_error(c));
        filings[i].replied = now_ms();
        filings[i].report_id = ((Chengguan__V1__Report *)reply)->id;
        cg_message_free(reply);
        usleep(20000);
    }
    cg_client_free(c);
    writer_done = 1;
    return NULL;
}

/* --- statistics ---------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report_line(const char *what, double *v, size_t n)
{
    if (n == 0) {
        printf("%-44s no samples\n", what);
        return;
    }
    qsort(v, n, sizeof *v, cmp_double);
    printf("%-44s n=%-7zu p50=%.2f ms  p99=%.2f ms  max=%.2f ms\n", what, n, v[n / 2],
           v[(size_t)(n * 0.99)], v[n - 1]);
}

/* --- the reference: bare LISTEN/NOTIFY ----------------------------------- */

static void notify_reference(const char *conninfo, int samples)
{
    PGconn *listener = PQconnectdb(conninfo), *notifier = PQconnectdb(conninfo);
    if (PQstatus(listener) != CONNECTION_OK || PQstatus(notifier) != CONNECTION_OK)
        die("reference: cannot connect to PostgreSQL");
    PQclear(PQexec(listener, "LISTEN bench_reference"));
    double *lat = calloc((size_t)samples, sizeof *lat);
    for (int i = 0; i < samples; i++) {
        double t0 = now_ms();
        PQclear(PQexec(notifier, "NOTIFY bench_reference"));
        PGnotify *n = NULL;
        while (n == NULL) {
            fd_set fds;
            FD_ZERO(&fds);
            FD_SET(PQsocket(listener), &fds);
            struct timeval tv = {5, 0};
            if (select(PQsocket(listener) + 1, &fds, NULL, NULL, &tv) <= 0)
                die("reference: no notification within 5 s");
            PQconsumeInput(listener);
            n = PQnotifies(listener);
        }
        lat[i] = now_ms() - t0;
        PQfreemem(n);
        usleep(5000);
    }
    report_line("reference: NOTIFY -> LISTEN (libpq)", lat, (size_t)samples);
    free(lat);
    PQfinish(listener);
    PQfinish(notifier);
}

int main(int argc, char **argv)
{
    if (argc < 5)
        die("usage: bench_events HOST:PORT PKI_DIR CONNINFO COMPOUND_ID [SUBSCRIBERS] [REPORTS]");
    static char host[64];
    const char *colon = strrchr(argv[1], ':');
    if (colon == NULL)
        die("SERVER is HOST:PORT");
    snprintf(host, sizeof host, "%.*s", (int)(colon - argv[1]), argv[1]);
    server_host = host;
    server_port = atoi(colon + 1);
    const char *pki = argv[2], *conninfo = argv[3];
    compound_id = strtoull(argv[4], NULL, 10);
    int nsub = argc > 5 ? atoi(argv[5]) : 1000;
    reports = argc > 6 ? atoi(argv[6]) : 200;

    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);

    char cert[512], key[512], ca[512], err[512];
    snprintf(ca, sizeof ca, "%s/ca.crt", pki);
    SSL_CTX *ctx[2];
    const char *accounts[2] = {"hq", "supervision"};
    for (int k = 0; k < 2; k++) {
        snprintf(cert, sizeof cert, "%s/clients/%s.crt", pki, accounts[k]);
        snprintf(key, sizeof key, "%s/clients/%s.key", pki, accounts[k]);
        if ((ctx[k] = cg_tls_client_ctx(cert, key, ca, err, sizeof err)) == NULL)
            die(err);
    }
    /* A probe learns the head seq (it asks for nothing old), then every
     * subscriber starts from there: no history, only what the run files. */
    subscriber probe;
    uint64_t head = subscribe(&probe, ctx[0], 0, 1);
    SSL_free(probe.ssl);
    close(probe.fd);
    cg_frame_decoder_free(&probe.frames);

    subscriber *subs = calloc((size_t)nsub, sizeof *subs);
    struct pollfd *pfd = calloc((size_t)nsub, sizeof *pfd);
    double t_setup = now_ms();
    for (int i = 0; i < nsub; i++) {
        subscribe(&subs[i], ctx[i % 2], head, 0);
        fcntl(subs[i].fd, F_SETFL, fcntl(subs[i].fd, F_GETFL) | O_NONBLOCK);
        pfd[i] = (struct pollfd){.fd = subs[i].fd, .events = POLLIN};
    }
    fprintf(stderr, "bench_events: %d subscribers in %.0f ms, from seq %llu\n", nsub,
            now_ms() - t_setup, (unsigned long long)head);

    snprintf(cert, sizeof cert, "%s/clients/property-demo.crt", pki);
    snprintf(key, sizeof key, "%s/clients/property-demo.key", pki);
    static char server[80];
    snprintf(server, sizeof server, "%s:%d", server_host, server_port);
    writer_options = (cg_client_options){
        .server = server, .cert_file = cert, .key_file = key, .ca_file = ca, .timeout_ms = 10000};
    filings = calloc((size_t)reports, sizeof *filings);
    size_t cap = (size_t)nsub * (size_t)reports, n = 0;
    struct arrival {
        uint64_t report_id;
        double at;
    } *arrivals = calloc(cap, sizeof *arrivals);
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);

    /* Read every subscriber until all events came, or 10 s after the
     * writer finished. */
    double quiet_until = 0;
    while (n < cap) {
        if (writer_done && quiet_until == 0)
            quiet_until = now_ms() + 10000;
        if (quiet_until > 0 && now_ms() > quiet_until)
            break;
        if (poll(pfd, (nfds_t)nsub, 100) <= 0)
            continue;
        for (int i = 0; i < nsub; i++) {
            if (!(pfd[i].revents & POLLIN))
                continue;
            char buf[65536];
            int got;
            while ((got = SSL_read(subs[i].ssl, buf, sizeof buf)) > 0)
                cg_frame_decoder_feed(&subs[i].frames, buf, (size_t)got);
            double at = now_ms();
            const uint8_t *p;
            size_t len;
            while (cg_frame_decoder_next(&subs[i].frames, &p, &len) == 1) {
                cg_envelope *env = cg_envelope_read(p, len, NULL);
                if (env != NULL && env->body_case == CHENGGUAN__V1__ENVELOPE__BODY_EVENT &&
                    strcmp(env->event->kind, "report.filed") == 0 && n < cap)
                    arrivals[n++] = (struct arrival){env->event->report_id, at};
                cg_envelope_free(env, NULL);
            }
        }
    }
    pthread_join(t, NULL);

    double *lat = calloc(cap ? cap : 1, sizeof *lat), *rtt = calloc((size_t)reports, sizeof *rtt);
    size_t nl = 0;
    for (size_t a = 0; a < n; a++)
        for (int f = 0; f < reports; f++)
            if (filings[f].report_id == arrivals[a].report_id) {
                lat[nl++] = arrivals[a].at - filings[f].sent;
                break;
            }
    for (int f = 0; f < reports; f++)
        rtt[f] = filings[f].replied - filings[f].sent;
    printf("subscribers %d, reports %d, events expected %zu, arrived %zu\n", nsub, reports, cap, n);
    report_line("chengguan: ReportSubmit round trip", rtt, (size_t)reports);
    report_line("chengguan: submit -> event at a subscriber", lat, nl);
    notify_reference(conninfo, reports);
    return n == cap ? 0 : 1;
}
