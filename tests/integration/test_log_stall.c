/*
 * A log reader that stops reading does not stop the server. chengguand runs
 * with its stderr on a small pipe that nobody reads while thousands of
 * requests log a line each: every ping is still answered. Then the reader
 * drains the pipe: the lines that did not fit are counted in a log_dropped
 * line, and what was buffered at shutdown comes out to the last line.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static cg_test_server server;
static pid_t child; /* the server, until the test has waited for it */

/* chengguand on server's config with stderr on a pipe of one page; returns
 * the pipe's read end, which nobody reads yet. */
static int spawn_with_stderr_pipe(pid_t *pid)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fcntl(fds[1], F_SETPIPE_SZ, 4096);
    *pid = fork();
    assert_true(*pid >= 0);
    if (*pid == 0) {
        dup2(fds[1], 2);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        close(fds[0]);
        execl(CG_SERVER_BIN, "chengguand", "--config", server.config, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    return fds[0];
}

/* Connects as hq with a timeout of timeout_ms, trying for 20 s while the
 * server starts. */
static cg_client *connect_when_up(int timeout_ms)
{
    cg_client_options o = cg_test_options(&server, "hq");
    o.timeout_ms = timeout_ms;
    long long deadline = cg_test_now_ms() + 20000;
    for (;;) {
        cg_client *c = NULL;
        if (cg_client_connect(&c, &o) == 0)
            return c;
        cg_client_free(c);
        assert_true(cg_test_now_ms() < deadline);
        usleep(50000);
    }
}

/* The reader of the log pipe, once it starts reading: everything until end
 * of file. */
typedef struct {
    int fd;
    pthread_mutex_t lock;
    char *buf;
    size_t len, cap;
} reader;

static void *read_to_eof(void *arg)
{
    reader *r = arg;
    char chunk[65536];
    ssize_t got;
    while ((got = read(r->fd, chunk, sizeof chunk)) > 0) {
        pthread_mutex_lock(&r->lock);
        if (r->len + (size_t)got + 1 > r->cap) {
            r->cap = 2 * (r->len + (size_t)got + 1);
            r->buf = realloc(r->buf, r->cap);
            assert_non_null(r->buf);
        }
        memcpy(r->buf + r->len, chunk, (size_t)got);
        r->len += (size_t)got;
        r->buf[r->len] = '\0';
        pthread_mutex_unlock(&r->lock);
    }
    return NULL;
}

static int reader_has(reader *r, const char *needle)
{
    pthread_mutex_lock(&r->lock);
    int found = r->buf != NULL && strstr(r->buf, needle) != NULL;
    pthread_mutex_unlock(&r->lock);
    return found;
}

static void test_stalled_stderr_does_not_stall_the_server(void **state)
{
    pid_t pid;
    int log = spawn_with_stderr_pipe(&pid);
    child = pid;
    cg_client *c = connect_when_up(5000);
    /* Each ping logs a line of about 120 bytes: 20,000 are about twice what
     * the server buffers. */
    for (int i = 0; i < 20; i++) {
        int ok = 0;
        assert_int_equal(cg_ping_pipelined(c, 1000, 0, &ok), 0);
        assert_int_equal(ok, 1000);
    }
    cg_client_free(c);
    /* A new connection (its own log lines) and single pings are answered
     * at once: a blocked loop would leave them to time out. */
    cg_client *probe = connect_when_up(1000);
    long long worst = 0;
    for (int i = 0; i < 20; i++) {
        long long t0 = cg_test_now_ms();
        assert_int_equal(cg_ping(probe, "still there", 11, NULL), 0);
        long long rtt = cg_test_now_ms() - t0;
        worst = rtt > worst ? rtt : worst;
    }
    printf("worst ping with stderr stalled: %lld ms\n", worst);
    cg_client_free(probe);

    /* The reader drains the pipe: the count of what was lost comes once the
     * writer has made room. */
    reader r = {.fd = log, .lock = PTHREAD_MUTEX_INITIALIZER};
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, read_to_eof, &r), 0);
    long long deadline = cg_test_now_ms() + 20000;
    while (!reader_has(&r, "event=log_dropped") && cg_test_now_ms() < deadline)
        usleep(20000);
    kill(pid, SIGTERM);
    int status;
    waitpid(pid, &status, 0);
    child = 0;
    pthread_join(thread, NULL);
    close(log);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_non_null(r.buf);

    unsigned long long dropped = 0;
    const char *out = r.buf;
    for (const char *p = out; (p = strstr(p, "event=log_dropped count=")) != NULL; p++)
        dropped += strtoull(p + strlen("event=log_dropped count="), NULL, 10);
    printf("log lines dropped: %llu of %zu bytes read\n", dropped, r.len);
    assert_true(dropped > 0);
    /* Shutdown flushed the buffer: its last lines are there. */
    assert_non_null(strstr(out, "event=stopped"));
    assert_non_null(strstr(out, "event=log_dropped_total count="));
    free(r.buf);
}

int main(void)
{
    cg_test_server_init(&server, "log_stall", 0);
    /* Writes the config (and its port) that the test's own server uses. */
    cg_test_server_start(&server, NULL);
    cg_test_server_stop(&server);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stalled_stderr_does_not_stall_the_server),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    if (child > 0) { /* a failed test left it running */
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
    }
    return failed;
}
