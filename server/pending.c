#include "pending.h"

#include "log.h"
#include "session.h"

#include <string.h>

void cg_pending_leave(cg_pending *p, cg_session *s)
{
    if (!s->pending)
        return;
    s->pending = 0;
    if (s->pending_prev != NULL)
        s->pending_prev->pending_next = s->pending_next;
    else
        p->oldest = s->pending_next;
    if (s->pending_next != NULL)
        s->pending_next->pending_prev = s->pending_prev;
    else
        p->newest = s->pending_prev;
    s->pending_prev = s->pending_next = NULL;
    p->count--;
}

/* Linear in the budget (a few hundred at most), once per accepted
 * connection. */
static int64_t pending_from(const cg_pending *p, const char *host)
{
    int64_t n = 0;
    for (const cg_session *x = p->oldest; x != NULL; x = x->pending_next)
        n += strcmp(x->host, host) == 0;
    return n;
}

/* The oldest still in the TLS handshake, else the oldest: a peer past the
 * handshake holds a certificate of ours, and a new client that got that far
 * during a flood is not pushed out by peers that never will. */
static cg_session *victim(const cg_pending *p)
{
    for (cg_session *x = p->oldest; x != NULL; x = x->pending_next)
        if (x->state == CG_SESSION_HANDSHAKE)
            return x;
    return p->oldest;
}

int cg_pending_admit(cg_pending *p, cg_session *s, int64_t max_total, int64_t max_per_ip)
{
    if (pending_from(p, s->host) >= max_per_ip)
        return -1;
    while (p->count >= max_total && p->oldest != NULL) {
        cg_session *old = victim(p);
        cg_log_line l;
        cg_log_begin(&l, CG_LOG_WARN, "handshake_evicted");
        cg_log_int(&l, "conn", (long long)old->id);
        cg_log_str(&l, "peer", old->peer);
        cg_log_str(&l, "reason", "max_pending_handshakes reached: the oldest makes room");
        cg_log_end(&l);
        cg_pending_leave(p, old);
        cg_session_close(old);
    }
    s->pending = 1;
    s->pending_prev = p->newest;
    s->pending_next = NULL;
    if (p->newest != NULL)
        p->newest->pending_next = s;
    else
        p->oldest = s;
    p->newest = s;
    p->count++;
    return 0;
}
