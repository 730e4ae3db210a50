/*
 * What the server counts for Prometheus: connections accepted, handshakes
 * by outcome, requests by type and status with their latency, events
 * pushed. Everything is counted on the loop, so plain integers suffice.
 * Gauges the server knows anyway (open connections, the database pool) and
 * what only the database knows (open reports by level, escalation steps:
 * the same for every instance) are read when a scrape asks
 * (metrics_http.c).
 */
#ifndef CG_METRICS_H
#define CG_METRICS_H

#include "buf.h"

#include <stdint.h>

typedef enum {
    CG_HANDSHAKE_OK,
    CG_HANDSHAKE_FAILED,  /* a TLS error or a certificate refused */
    CG_HANDSHAKE_TIMEOUT, /* handshake_timeout passed first */
    CG_HANDSHAKE_OUTCOMES
} cg_handshake_outcome;

/* Latency buckets of the request histogram (upper bounds, seconds). */
#define CG_METRICS_BUCKETS 14
/* Request types counted one by one; more (there are about 100) fold into
 * type="other". */
#define CG_METRICS_TYPES 256
/* Wire statuses 0 (OK) to 16. */
#define CG_METRICS_STATUSES 17

typedef struct {
    const char *type; /* the route's name (a literal: compared by address); NULL: free */
    uint64_t by_status[CG_METRICS_STATUSES];
    uint64_t by_bucket[CG_METRICS_BUCKETS + 1]; /* the last one: +Inf */
    uint64_t sum_us;
} cg_metrics_type;

typedef struct cg_metrics {
    double started; /* Unix time */
    uint64_t accepted;
    uint64_t handshakes[CG_HANDSHAKE_OUTCOMES];
    uint64_t events_pushed;
    cg_metrics_type types[CG_METRICS_TYPES];
    cg_metrics_type other;
} cg_metrics;

/* What a scrape reads at the moment it is answered; -1: unknown. */
typedef struct {
    int connections;        /* open client connections */
    int pending_handshakes; /* before Welcome */
    int subscribers;        /* connections subscribed to the event stream */
    int db_ready;           /* pool connections up */
    int db_pool_size;
    int db_queued; /* queries waiting for a connection */
    int db_queue_size;
    int db_up;                 /* the scrape's own query succeeded; the rest needs it */
    long long open_reports[3]; /* not resolved, by escalation level 0..2 */
    long long open_cases[3];   /* neither closed, rejected nor transferred, by level */
    long long report_steps[2]; /* escalation steps ever fired to level 1, 2 */
    long long case_steps[2];   /* the same for cases */
    double start_time_seconds; /* cg_metrics.started */
} cg_metrics_gauges;

/* Counts one finished request: its route's name, its CG_* status and how
 * long it took. */
void cg_metrics_request(cg_metrics *m, const char *type, int status, uint64_t elapsed_ns);

/* The Prometheus text exposition (format 0.0.4) of m and g, appended to
 * out. 0 or CG_ENOMEM. */
int cg_metrics_render(const cg_metrics *m, const cg_metrics_gauges *g, cg_buf *out);

#endif
