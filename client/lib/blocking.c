#include "blocking.h"
#include "error.h"
#include "messages.h"

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int64_t cg__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int poll_timeout(int64_t deadline_ms)
{
    int64_t left = deadline_ms - cg__now_ms();
    if (left <= 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

/* Waits for a non-blocking connect on fd. 0, an errno value, or -1 on timeout. */
static int connect_wait(int fd, int64_t deadline_ms)
{
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int timeout = poll_timeout(deadline_ms);
        int r = poll(&p, 1, timeout);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return errno;
        if (r == 0 && timeout == 0)
            return -1;
        if (r == 0)
            continue;
        int soerr = 0;
        socklen_t len = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
            return errno;
        return soerr;
    }
}

int cg__tcp_connect(const char *host, const char *port, int64_t deadline_ms, char *err,
                    size_t errlen)
{
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0) {
        snprintf(err, errlen, _("cannot resolve %s: %s"), host, gai_strerror(gai));
        return CG_ECONNECT;
    }
    int rc = CG_ECONNECT;
    snprintf(err, errlen, _("no address for %s"), host);
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        int fd =
            socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            snprintf(err, errlen, _("socket: %s"), strerror(errno));
            continue;
        }
        int e = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ? 0 : errno;
        if (e == EINPROGRESS)
            e = connect_wait(fd, deadline_ms);
        if (e == 0) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            freeaddrinfo(res);
            return fd;
        }
        close(fd);
        if (e < 0) {
            snprintf(err, errlen, _("connect to %s port %s: timed out"), host, port);
            rc = CG_ETIMEOUT;
            break;
        }
        snprintf(err, errlen, _("connect to %s port %s: %s"), host, port, strerror(e));
    }
    freeaddrinfo(res);
    return rc;
}

/* Writes as much of c->out as the socket takes. Fails c on a socket error. */
static void flush_out(int fd, cg__conn *c)
{
    while (cg_buf_pending(&c->out) > 0) {
        ssize_t n = send(fd, cg_buf_head(&c->out), cg_buf_pending(&c->out), MSG_NOSIGNAL);
        if (n > 0) {
            cg_buf_consume(&c->out, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            cg__conn_fail(c, CG_ECLOSED, "send: %s", strerror(errno));
            cg_buf_consume(&c->out, cg_buf_pending(&c->out));
            return;
        }
    }
}

int cg__io_wait(int fd, cg__conn *c, const int *done, int64_t deadline_ms)
{
    for (;;) {
        flush_out(fd, c);
        if (done ? *done : cg_buf_pending(&c->out) == 0)
            return 0;
        if (done != NULL && c->state == CG__CONN_FAILED)
            return c->failure;
        /* Past the deadline, one last look (timeout 0) at the socket. */
        int timeout = poll_timeout(deadline_ms);
        struct pollfd p = {.fd = fd, .events = 0};
        if (done != NULL)
            p.events |= POLLIN;
        if (cg_buf_pending(&c->out) > 0)
            p.events |= POLLOUT;
        int r = poll(&p, 1, timeout);
        if (r < 0 && errno != EINTR) {
            cg__conn_fail(c, CG_EIO, "poll: %s", strerror(errno));
            return c->failure;
        }
        if (r == 0 && timeout == 0)
            return CG_ETIMEOUT;
        /* Only read while waiting for a reply: a flush ends on the next send
         * when the peer is gone. */
        if (r <= 0 || done == NULL || (p.revents & (POLLIN | POLLHUP | POLLERR)) == 0)
            continue;
        uint8_t buf[65536];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n > 0)
            cg__conn_feed(c, buf, (size_t)n);
        else if (n == 0)
            cg__conn_feed_eof(c);
        else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
            cg__conn_fail(c, CG_ECLOSED, "recv: %s", strerror(errno));
    }
}
