#include "metrics.h"

#include "error.h"

#include <stdarg.h>
#include <stdio.h>

static const double bucket_bounds[CG_METRICS_BUCKETS] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

/* The slot of a route name; names are literals, so their addresses are
 * their identity. */
static cg_metrics_type *slot_of(cg_metrics *m, const char *type)
{
    size_t h = ((uintptr_t)type >> 3) % CG_METRICS_TYPES;
    for (size_t i = 0; i < CG_METRICS_TYPES; i++) {
        cg_metrics_type *t = &m->types[(h + i) % CG_METRICS_TYPES];
        if (t->type == type)
            return t;
        if (t->type == NULL) {
            t->type = type;
            return t;
        }
    }
    return &m->other;
}

void cg_metrics_request(cg_metrics *m, const char *type, int status, uint64_t elapsed_ns)
{
    cg_metrics_type *t = slot_of(m, type);
    int wire = status == 0 ? 0 : cg_err_to_wire(status);
    if (wire < 0 || wire >= CG_METRICS_STATUSES)
        wire = cg_err_to_wire(CG_EINTERNAL);
    t->by_status[wire]++;
    double seconds = (double)elapsed_ns / 1e9;
    size_t b = 0;
    while (b < CG_METRICS_BUCKETS && seconds > bucket_bounds[b])
        b++;
    t->by_bucket[b]++;
    t->sum_us += elapsed_ns / 1000;
}

typedef struct {
    cg_buf *out;
    int failed;
} writer;

static void put(writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(writer *w, const char *fmt, ...)
{
    if (w->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || cg_buf_reserve(w->out, (size_t)n + 1) != 0) {
        w->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf((char *)w->out->data + w->out->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    w->out->len += (size_t)n;
}

static void family(writer *w, const char *name, const char *type, const char *help)
{
    put(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void gauge(writer *w, const char *name, const char *help, long long value)
{
    if (value < 0)
        return; /* unknown: no sample rather than a false one */
    family(w, name, "gauge", help);
    put(w, "%s %lld\n", name, value);
}

/* Route names are our own literals ("report.submit"): nothing in them
 * needs escaping in a label value. */
static void requests(writer *w, const cg_metrics *m)
{
    family(w, "chengguan_requests_total", "counter",
           "Requests answered, by request type and status (OK or the error code).");
    for (size_t i = 0; i <= CG_METRICS_TYPES; i++) {
        const cg_metrics_type *t = i < CG_METRICS_TYPES ? &m->types[i] : &m->other;
        const char *name = i < CG_METRICS_TYPES ? t->type : "other";
        if (name == NULL)
            continue;
        for (int s = 0; s < CG_METRICS_STATUSES; s++)
            if (t->by_status[s] > 0)
                put(w, "chengguan_requests_total{type=\"%s\",code=\"%s\"} %llu\n", name,
                    s == 0 ? "OK" : cg_err_name(cg_err_from_wire(s)),
                    (unsigned long long)t->by_status[s]);
    }
    family(w, "chengguan_request_duration_seconds", "histogram",
           "Time from a request's arrival to its answer, by request type.");
    for (size_t i = 0; i <= CG_METRICS_TYPES; i++) {
        const cg_metrics_type *t = i < CG_METRICS_TYPES ? &m->types[i] : &m->other;
        const char *name = i < CG_METRICS_TYPES ? t->type : "other";
        uint64_t count = 0;
        for (int b = 0; b <= CG_METRICS_BUCKETS; b++)
            count += t->by_bucket[b];
        if (name == NULL || count == 0)
            continue;
        uint64_t cumulative = 0;
        for (int b = 0; b < CG_METRICS_BUCKETS; b++) {
            cumulative += t->by_bucket[b];
            put(w, "chengguan_request_duration_seconds_bucket{type=\"%s\",le=\"%g\"} %llu\n", name,
                bucket_bounds[b], (unsigned long long)cumulative);
        }
        put(w, "chengguan_request_duration_seconds_bucket{type=\"%s\",le=\"+Inf\"} %llu\n", name,
            (unsigned long long)count);
        put(w, "chengguan_request_duration_seconds_sum{type=\"%s\"} %.6f\n", name,
            (double)t->sum_us / 1e6);
        put(w, "chengguan_request_duration_seconds_count{type=\"%s\"} %llu\n", name,
            (unsigned long long)count);
    }
}

static void by_level(writer *w, const char *name, const char *help, const long long *v, int n,
                     int first)
{
    family(w, name, "gauge", help);
    for (int i = 0; i < n; i++)
        put(w, "%s{level=\"%d\"} %lld\n", name, first + i, v[i]);
}

static void database(writer *w, const cg_metrics_gauges *g)
{
    gauge(w, "chengguan_database_up", "1 when this scrape's own database query succeeded.",
          g->db_up);
    gauge(w, "chengguan_db_pool_ready", "Database connections up.", g->db_ready);
    gauge(w, "chengguan_db_pool_size", "Database connections configured (db_pool_size).",
          g->db_pool_size);
    gauge(w, "chengguan_db_queue_length", "Queries waiting for a database connection.",
          g->db_queued);
    gauge(w, "chengguan_db_queue_size",
          "Queries that may wait before requests are refused (db_queue_size).", g->db_queue_size);
    if (g->db_up != 1)
        return;
    by_level(w, "chengguan_open_reports",
             "Reports not yet resolved, by escalation level (database-wide).", g->open_reports, 3,
             0);
    by_level(w, "chengguan_open_cases",
             "Cases not closed, rejected or transferred, by escalation level (database-wide).",
             g->open_cases, 3, 0);
    family(w, "chengguan_escalations_total", "counter",
           "Escalation steps fired, by what escalated and level (database-wide: every instance "
           "shows the same).");
    for (int l = 0; l < 2; l++)
        put(w, "chengguan_escalations_total{kind=\"report\",level=\"%d\"} %lld\n", l + 1,
            g->report_steps[l]);
    for (int l = 0; l < 2; l++)
        put(w, "chengguan_escalations_total{kind=\"case\",level=\"%d\"} %lld\n", l + 1,
            g->case_steps[l]);
}

int cg_metrics_render(const cg_metrics *m, const cg_metrics_gauges *g, cg_buf *out)
{
    writer w = {out, 0};
    family(&w, "chengguan_build_info", "gauge", "The server's version.");
    put(&w, "chengguan_build_info{version=\"%s\"} 1\n", CG_VERSION);
    family(&w, "process_start_time_seconds", "gauge", "When the server started (Unix time).");
    put(&w, "process_start_time_seconds %.3f\n", g->start_time_seconds);

    gauge(&w, "chengguan_connections", "Open client connections.", g->connections);
    gauge(&w, "chengguan_pending_handshakes", "Connections not yet past Hello.",
          g->pending_handshakes);
    gauge(&w, "chengguan_subscribers", "Connections subscribed to the event stream.",
          g->subscribers);
    family(&w, "chengguan_connections_accepted_total", "counter", "Client connections accepted.");
    put(&w, "chengguan_connections_accepted_total %llu\n", (unsigned long long)m->accepted);
    family(&w, "chengguan_handshakes_total", "counter",
           "TLS handshakes by result: ok, failed (TLS error or certificate refused), timeout.");
    static const char *const outcome[CG_HANDSHAKE_OUTCOMES] = {"ok", "failed", "timeout"};
    for (int i = 0; i < CG_HANDSHAKE_OUTCOMES; i++)
        put(&w, "chengguan_handshakes_total{result=\"%s\"} %llu\n", outcome[i],
            (unsigned long long)m->handshakes[i]);
    family(&w, "chengguan_events_pushed_total", "counter",
           "Events written to subscribers (live and catch-up).");
    put(&w, "chengguan_events_pushed_total %llu\n", (unsigned long long)m->events_pushed);

    requests(&w, m);
    database(&w, g);
    return w.failed ? CG_ENOMEM : 0;
}
