/*
 * The escalation engine: deadlines are columns of the reports table; one
 * timer wakes the loop at the earliest, and cg_internal.escalate_due() claims
 * the due reports with FOR UPDATE SKIP LOCKED and fires each step once, so
 * several instances never fire a step twice and a restart loses nothing.
 */
#ifndef CG_ESCALATION_H
#define CG_ESCALATION_H

#include <uv.h>

struct cg_server;

typedef struct cg_escalation {
    struct cg_server *server;
    uv_timer_t timer;
    int running; /* escalate_due is in flight... */
    int again;   /* ...and a poke came meanwhile */
} cg_escalation;

void cg_escalation_start(cg_escalation *x, struct cg_server *server);

/* Something changed (a new report here or elsewhere): look again now. */
void cg_escalation_poke(cg_escalation *x);

/* Stops the timer (closed asynchronously with the loop). */
void cg_escalation_stop(cg_escalation *x);

#endif
