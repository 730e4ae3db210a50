/*
 * The event stream: events are rows written in the same transaction as the
 * change that caused them (sql/0005_reports.sql); this instance keeps ONE
 * listening connection, woken by a payload-less NOTIFY "doorbell", reads new
 * events by seq and pushes each to the subscribed sessions whose scope it is
 * in. A session that subscribes from an older seq first catches up from the
 * database, then joins the live stream; either way it sees every event of
 * its scope once, in strictly increasing seq.
 *
 * Why no event is lost between instances or to the outbox gap: public seqs
 * are assigned in the database only to events whose writing transaction
 * has ended (cg_internal.sequence_events, serialised across instances), so
 * no event ever appears below a seq already read.
 */
#ifndef CG_EVENTS_H
#define CG_EVENTS_H

#include "db/db.h"
#include "route.h"

#include <stdint.h>
#include <uv.h>

struct cg_server;
struct cg_session;

typedef struct cg_events {
    struct cg_server *server;
    cg_db *listen;     /* one connection: LISTEN, then the fan-out's reads */
    uint64_t frontier; /* every event up to this seq has been fanned out */
    int started;       /* frontier known */
    int reading;       /* a read is in flight... */
    int read_again;    /* ...and the doorbell rang meanwhile */
    int ring;          /* this instance wrote events: the next read rings */
    int rang;          /* the read in flight rings */
    uv_timer_t repoll; /* events wait for their transactions: look again soon */
    uint64_t repoll_ms;
    uv_timer_t pace;  /* the next read waits for READ_GAP_MS after the last... */
    int paced;        /* ...and is due when pace goes off */
    uint64_t read_at; /* when the last read was sent (loop time; 0: never) */
    int checking;     /* repoll is set for check_pending, not for a read */
    void (*closed)(void *arg);
    void *closed_arg;
} cg_events;

/* Opens the listening connection (in the background). 0, or -1 logged. */
int cg_events_start(cg_events *e, struct cg_server *server, const char *conninfo);

/* This instance wrote events: fan them out here now, with a read that also
 * rings the doorbell for the other instances (its NOTIFY in the read's own
 * statement, not a statement of its own, and not in the writer's
 * transaction, where it would serialise every writer's commit). The read
 * also gives the escalation timer the next deadline. Coalesced: cheap to
 * call often. */
void cg_events_ring(cg_events *e);

/* Starts the session's stream after after_seq (the Subscribed reply has
 * been sent). */
void cg_events_subscribe(cg_events *e, struct cg_session *s, uint64_t after_seq);

/* Some of the session's output was written: a catch-up waiting for it to
 * drain reads its next batch once it is below the low-water mark. */
void cg_events_drained(cg_events *e, struct cg_session *s);

/* Subscribe, the request that starts a session's stream. */
extern const cg_route_table cg_events_routes;

/* Closes the timer and the listening connection, then calls done(arg). */
void cg_events_close(cg_events *e, void (*done)(void *arg), void *arg);

#endif
