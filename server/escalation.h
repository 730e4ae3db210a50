/*
 * The escalation engine: deadlines are columns of the reports table; one
 * timer wakes the loop at the earliest, and cg_internal.escalate_due() claims
 * the due reports with FOR UPDATE SKIP LOCKED and fires each step once, so
 * several instances never fire a step twice and a restart loses nothing.
 */
#ifndef CG_ESCALATION_H
#define CG_ESCALATION_H

#include <stdint.h>
#include <uv.h>

struct cg_server;

typedef struct cg_escalation {
    struct cg_server *server;
    uv_timer_t timer;
    uint64_t wake_at; /* loop time the timer fires at (UINT64_MAX: not armed) */
    uint64_t hint;    /* while escalate_due runs: an earlier deadline heard of (0: none) */
    int running;      /* escalate_due is in flight */
} cg_escalation;

void cg_escalation_start(cg_escalation *x, struct cg_server *server);

/* A deadline somewhere (RFC 3339 UTC; "" for none), as the fan-out's read
 * reports it: wakes escalate_due then if that is sooner than the timer.
 * Nothing else runs escalate_due early: no query that no deadline asked
 * for. */
void cg_escalation_due(cg_escalation *x, const char *instant);

/* Stops the timer (closed asynchronously with the loop). */
void cg_escalation_stop(cg_escalation *x);

#endif
