/*
 * Connections that never finish the TLS handshake. A flood of 1,000 from
 * many addresses: a new client still completes Hello and a ping, because the
 * oldest half-open connections make room (max_pending_handshakes). A flood
 * from one address: past max_pending_handshakes_per_ip it is refused, and
 * connections past Hello do not count. A flood together with a client that
 * sends a frame one byte a second: other clients' requests take about their
 * usual time. docs/reliability.md records the figures this prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <pthread.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

/* The shipped defaults (docs/operations.md). */
#define MAX_PENDING        256
#define MAX_PENDING_PER_IP 32

#define FLOOD       1000
#define FLOOD_ADDRS 40 /* 25 each from 127.0.0.10 to 127.0.0.49: under the per-address budget */

static cg_test_server server;

/* A TCP connection to the server from 127.0.0.<host> (all of 127/8 is
 * loopback), sending nothing or, when partial is set, the header of a TLS
 * handshake record whose body never comes. -1 on failure. */
static int connect_from(int host, int partial)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in src = {.sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)host)};
    struct sockaddr_in dst = {.sin_family = AF_INET,
                              .sin_port = htons((uint16_t)server.port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    static const uint8_t record[] = {0x16, 0x03, 0x01, 0x02, 0x00};
    if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof src) != 0 ||
        connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0 ||
        (partial && write(fd, record, sizeof record) != (ssize_t)sizeof record)) {
        print_message("connect from 127.0.0.%d: %s\n", host, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* 1 when the server has closed fd (end of file or a reset), 0 while it is
 * open. Never blocks. */
static int closed_by_server(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0)
        return 0;
    char byte;
    ssize_t n = recv(fd, &byte, 1, MSG_DONTWAIT | MSG_PEEK);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

/* How many of fds[from..to) the server has closed, waiting up to timeout_ms
 * for at least want of them. */
static int wait_closed(const int *fds, int from, int to, int want, int timeout_ms)
{
    long long deadline = cg_test_now_ms() + timeout_ms;
    for (;;) {
        int n = 0;
        for (int i = from; i < to; i++)
            n += closed_by_server(fds[i]);
        if (n >= want || cg_test_now_ms() > deadline)
            return n;
        usleep(20000);
    }
}

/* Connect, Hello and a ping as a well-behaved client; returns the time it
 * took in ms, or -1 when any of it failed. */
static long long legitimate_client(void)
{
    long long t0 = cg_test_now_ms();
    cg_client_options o = cg_test_options(&server, "supervision");
    cg_client *c = NULL;
    int rc = cg_client_connect(&c, &o);
    if (rc == 0)
        rc = cg_ping(c, "still here", 10, NULL);
    if (rc != 0)
        print_message("legitimate client: %s (%s)\n", cg_strerror(rc), c ? cg_client_error(c) : "");
    cg_client_free(c);
    return rc == 0 ? cg_test_now_ms() - t0 : -1;
}

static void test_flood_leaves_room_for_new_clients(void **state)
{
    static int fds[FLOOD];
    long long t0 = cg_test_now_ms();
    for (int i = 0; i < FLOOD; i++) {
        fds[i] = connect_from(10 + i % FLOOD_ADDRS, i % 2);
        assert_true(fds[i] >= 0);
    }
    long long flood_ms = cg_test_now_ms() - t0;

    long long ms = legitimate_client();
    /* The oldest made room: at most the budget of the flood is still open,
     * and the newest are among them. */
    int closed = wait_closed(fds, 0, FLOOD, FLOOD - MAX_PENDING, 10000);
    int oldest_closed = closed_by_server(fds[0]), newest_open = !closed_by_server(fds[FLOOD - 1]);
    print_message("flood of %d half-open connections from %d addresses opened in %lld ms; "
                  "legitimate client connected, said Hello and pinged in %lld ms; "
                  "%d of the flood closed by the server\n",
                  FLOOD, FLOOD_ADDRS, flood_ms, ms, closed);
    for (int i = 0; i < FLOOD; i++)
        close(fds[i]);
    assert_true(ms >= 0);
    assert_true(ms < 5000);
    assert_true(closed >= FLOOD - MAX_PENDING);
    assert_true(oldest_closed);
    assert_true(newest_open);
    assert_true(cg_test_log_wait(&server, "event=handshake_evicted", NULL));
}

static void test_one_address_gets_its_budget(void **state)
{
    enum { N = MAX_PENDING_PER_IP + 10 };
    int fds[N];
    for (int i = 0; i < N; i++) {
        fds[i] = connect_from(200, i % 2);
        assert_true(fds[i] >= 0);
    }
    /* The ten past the budget are refused; the others wait for their
     * handshake (30 s here), and a client from elsewhere is served. */
    int refused = wait_closed(fds, MAX_PENDING_PER_IP, N, N - MAX_PENDING_PER_IP, 10000);
    int kept_closed = wait_closed(fds, 0, MAX_PENDING_PER_IP, 0, 0);
    long long ms = legitimate_client();
    print_message("one address opened %d half-open connections: %d refused, %d of the first %d "
                  "closed; legitimate client from another address served in %lld ms\n",
                  N, refused, kept_closed, MAX_PENDING_PER_IP, ms);
    for (int i = 0; i < N; i++)
        close(fds[i]);
    assert_int_equal(refused, N - MAX_PENDING_PER_IP);
    assert_int_equal(kept_closed, 0);
    assert_true(ms >= 0);
    assert_true(cg_test_log_wait(&server, "event=connection_refused",
                                 "max_pending_handshakes_per_ip", "peer=127.0.0.200:", NULL));

    /* Past Hello a connection no longer counts: more clients than the
     * budget from one address (127.0.0.1) all get in. */
    cg_client *c[MAX_PENDING_PER_IP + 2];
    for (int i = 0; i < MAX_PENDING_PER_IP + 2; i++)
        c[i] = cg_test_connect(&server, "supervision");
    for (int i = 0; i < MAX_PENDING_PER_IP + 2; i++)
        cg_client_free(c[i]);
}

/* A client past Hello that sends a frame one byte a second until told to
 * stop (frame_timeout, 30 s by default, would cut it off later). */
typedef struct {
    cg_test_raw r;
    volatile int stop;
    int sent;
} trickle;

static void *trickle_bytes(void *arg)
{
    trickle *t = arg;
    static const uint8_t frame[] = {0, 0, 0, 100}; /* a header announcing 100 bytes */
    uint8_t byte = 0x08;
    for (int i = 0; !t->stop; i++) {
        const uint8_t *b = i < (int)sizeof frame ? &frame[i] : &byte;
        if (cg_test_raw_send(&t->r, b, 1) != 0)
            break;
        t->sent++;
        for (int ms = 0; ms < 1000 && !t->stop; ms += 50)
            usleep(50000);
    }
    return NULL;
}

/* The worst of n legitimate clients (connect, Hello, ping, WhoAmI, one
 * after another); -1 when any failed. */
static long long worst_of(int n)
{
    long long worst = 0;
    for (int i = 0; i < n; i++) {
        long long t0 = cg_test_now_ms();
        cg_client_options o = cg_test_options(&server, "supervision");
        cg_client *c = NULL;
        cg_whoami_reply me;
        int rc = cg_client_connect(&c, &o);
        if (rc == 0)
            rc = cg_ping(c, "still here", 10, NULL);
        if (rc == 0)
            rc = cg_whoami(c, &me);
        if (rc != 0)
            print_message("legitimate client: %s (%s)\n", cg_strerror(rc),
                          c ? cg_client_error(c) : "");
        cg_client_free(c);
        if (rc != 0)
            return -1;
        long long ms = cg_test_now_ms() - t0;
        worst = ms > worst ? ms : worst;
    }
    return worst;
}

static void test_flood_and_slow_client(void **state)
{
    enum { CLIENTS = 20 };
    long long before = worst_of(CLIENTS);

    static trickle slow;
    cg_test_raw_open_as(&slow.r, &server, "hq");
    assert_true(cg_test_raw_hello(&slow.r));
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, trickle_bytes, &slow), 0);
    static int fds[FLOOD];
    for (int i = 0; i < FLOOD; i++) {
        fds[i] = connect_from(60 + i % FLOOD_ADDRS, i % 2);
        assert_true(fds[i] >= 0);
    }
    /* Clients keep coming while the slow one sends its first 4 bytes. */
    long long during = 0;
    int served = 0;
    while (during >= 0 && (served < CLIENTS || slow.sent < 4)) {
        long long ms = worst_of(1);
        during = ms < 0 || ms > during ? ms : during;
        served++;
    }
    slow.stop = 1;
    pthread_join(thread, NULL);
    int slow_open = !cg_test_raw_wait_closed(&slow.r, 0);
    print_message("legitimate clients (connect, Hello, ping, WhoAmI): worst of %d %lld ms alone, "
                  "worst of %d %lld ms beside %d half-open connections and a client sending one "
                  "byte a second (%d bytes sent, still connected: %s)\n",
                  CLIENTS, before, served, during, FLOOD, slow.sent, slow_open ? "yes" : "no");
    for (int i = 0; i < FLOOD; i++)
        close(fds[i]);
    cg_test_raw_close(&slow.r);
    assert_true(before >= 0);
    assert_true(during >= 0);
    assert_true(during < 5000); /* generous: a few ms on an idle machine */
    assert_true(slow.sent > 0);
}

int main(void)
{
    /* The flood's sockets and the server's (which inherits the limit). */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < 2 * FLOOD) {
        fprintf(stderr, "test_flood needs %d file descriptors, the limit is %llu\n", 2 * FLOOD,
                (unsigned long long)rl.rlim_cur);
        return 1;
    }
    cg_test_server_init(&server, "flood", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flood_leaves_room_for_new_clients),
        cmocka_unit_test(test_one_address_gets_its_budget),
        cmocka_unit_test(test_flood_and_slow_client),
    };
    /* A long handshake timeout: a lockout would outlast the test's patience. */
    return CG_TEST_RUN(&server, "handshake_timeout = 30s\n", tests);
}
