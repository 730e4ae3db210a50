/*
 * chengguan/async.h on a libuv loop (header only, as hiredis does it): one
 * uv_poll_t for the client's socket of the moment and one uv_timer_t.
 *
 *     #include <chengguan/adapters/libuv.h>
 *
 *     cg_async *a = cg_async_new(&options);
 *     if (a == NULL || cg_libuv_attach(a, uv_default_loop()) != 0)
 *         ...
 *     uv_run(uv_default_loop(), UV_RUN_DEFAULT);
 *
 * Link with libuv as well (pkg-config --libs libchengguan libuv). The
 * handles are the client's: cg_async_free closes them, after which the loop
 * needs one more turn (uv_run) to finish closing before uv_loop_close.
 * While the client is stopped (CG_ASYNC_STOPPED) its handles are inactive
 * and do not keep uv_run from returning.
 */
#ifndef CHENGGUAN_ADAPTERS_LIBUV_H
#define CHENGGUAN_ADAPTERS_LIBUV_H

#include <stdlib.h>
#include <uv.h>

#include "chengguan/async.h"

typedef struct {
    cg_async *async; /* NULL once the client is freed */
    uv_loop_t *loop;
    uv_timer_t timer;
    uv_poll_t *poll; /* for fd, NULL when there is no socket */
    int fd;
    int events; /* UV_READABLE / UV_WRITABLE being watched */
} cg_libuv__adapter;

static inline void cg_libuv__free_handle(uv_handle_t *h)
{
    free(h);
}

static inline void cg_libuv__free_adapter(uv_handle_t *h)
{
    free(h->data);
}

static inline void cg_libuv__drop_poll(cg_libuv__adapter *ad)
{
    if (ad->poll == NULL)
        return;
    /* uv_close stops the watch at once; the memory goes in the callback. */
    uv_close((uv_handle_t *)ad->poll, cg_libuv__free_handle);
    ad->poll = NULL;
    ad->fd = -1;
    ad->events = 0;
}

static inline void cg_libuv__on_poll(uv_poll_t *p, int status, int events)
{
    cg_libuv__adapter *ad = (cg_libuv__adapter *)p->data;
    int watched = ad->events;
    if (status < 0) {
        /* libuv stopped the handle on POLLERR: let the core read and write
         * to learn what went wrong. */
        events = watched;
        ad->events = 0;
    }
    if ((events & UV_WRITABLE) && ad->async != NULL)
        cg_async_handle_write(ad->async);
    if ((events & (UV_READABLE | UV_DISCONNECT)) && ad->async != NULL && ad->poll == p)
        cg_async_handle_read(ad->async);
    /* Still the same socket and nothing asked for anything else: watch
     * again what was watched. */
    if (status < 0 && ad->async != NULL && ad->poll == p && ad->events == 0 &&
        uv_poll_start(p, watched, cg_libuv__on_poll) == 0)
        ad->events = watched;
}

static inline int cg_libuv__watch(void *data, int fd, int events)
{
    cg_libuv__adapter *ad = (cg_libuv__adapter *)data;
    if (ad->poll != NULL && fd != ad->fd)
        cg_libuv__drop_poll(ad);
    if (fd < 0)
        return 0;
    if (ad->poll == NULL) {
        uv_poll_t *p = (uv_poll_t *)malloc(sizeof *p);
        if (p == NULL)
            return CG_ENOMEM;
        if (uv_poll_init_socket(ad->loop, p, fd) != 0) {
            free(p);
            return CG_EIO;
        }
        p->data = ad;
        ad->poll = p;
        ad->fd = fd;
        ad->events = 0;
    }
    int want = ((events & CG_ASYNC_READ) ? UV_READABLE : 0) |
               ((events & CG_ASYNC_WRITE) ? UV_WRITABLE : 0);
    if (want == ad->events)
        return 0;
    int rc = want ? uv_poll_start(ad->poll, want, cg_libuv__on_poll) : uv_poll_stop(ad->poll);
    if (rc != 0)
        return CG_EIO;
    ad->events = want;
    return 0;
}

static inline void cg_libuv__on_timer(uv_timer_t *t)
{
    cg_libuv__adapter *ad = (cg_libuv__adapter *)t->data;
    if (ad->async != NULL)
        cg_async_handle_timer(ad->async);
}

static inline void cg_libuv__timer(void *data, int64_t ms)
{
    cg_libuv__adapter *ad = (cg_libuv__adapter *)data;
    if (ms < 0)
        uv_timer_stop(&ad->timer);
    else
        uv_timer_start(&ad->timer, cg_libuv__on_timer, (uint64_t)ms, 0);
}

static inline void cg_libuv__cleanup(void *data)
{
    cg_libuv__adapter *ad = (cg_libuv__adapter *)data;
    ad->async = NULL;
    cg_libuv__drop_poll(ad);
    uv_close((uv_handle_t *)&ad->timer, cg_libuv__free_adapter);
}

/*
 * Attaches a to loop and starts connecting (from the loop, not in this
 * call). Returns 0, CG_ENOMEM, or CG_EUSAGE when a is already attached.
 * The adapter's memory and handles are a's: cg_async_free releases them
 * (closing handles, so the loop must run once more and outlive them). On
 * the loop's thread only, like every call on a.
 */
static inline int cg_libuv_attach(cg_async *a, uv_loop_t *loop)
{
    cg_libuv__adapter *ad = (cg_libuv__adapter *)calloc(1, sizeof *ad);
    if (ad == NULL)
        return CG_ENOMEM;
    ad->async = a;
    ad->loop = loop;
    ad->fd = -1;
    uv_timer_init(loop, &ad->timer);
    ad->timer.data = ad;
    cg_async_hooks hooks = {ad, cg_libuv__watch, cg_libuv__timer, cg_libuv__cleanup};
    int rc = cg_async_attach(a, &hooks);
    if (rc != 0) {
        ad->async = NULL;
        uv_close((uv_handle_t *)&ad->timer, cg_libuv__free_adapter);
    }
    return rc;
}

#endif
