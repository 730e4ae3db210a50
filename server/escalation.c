#include "escalation.h"

#include "error.h"
#include "events.h"
#include "log.h"
#include "server.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

/* However far the next deadline, look again at least this often: another
 * instance may have filed a report whose doorbell this one missed. */
#define MAX_SLEEP_MS 60000
#define RETRY_MS     1000
#define BUSY_MS      250
#define SLACK_MS     5

static void run(cg_escalation *x);

static void on_timer(uv_timer_t *t)
{
    run(t->data);
}

static void arm(cg_escalation *x, uint64_t ms)
{
    x->wake_at = uv_now(x->server->loop) + ms;
    uv_timer_start(&x->timer, on_timer, ms, 0);
}

/* Milliseconds from now until an RFC 3339 UTC instant ("" or bad: -1). */
static long long ms_until(const char *instant)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int ms = 0;
    if (sscanf(instant, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) < 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long then = (long long)timegm(&tm) * 1000 + ms;
    long long diff = then - ((long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
    return diff < 0 ? 0 : diff;
}

/* Logs each report or case whose steps failed (escalate_due rolled it back
 * alone; it is tried again at the next wake-up). */
static void log_failed(json_t *failed)
{
    size_t i;
    json_t *f;
    json_array_foreach(failed, i, f)
    {
        json_t *kase = json_object_get(f, "case");
        cg_log_line l;
        cg_log_begin(&l, CG_LOG_ERROR,
                     kase ? "escalation_case_failed" : "escalation_report_failed");
        if (kase)
            cg_log_int(&l, "case", json_integer_value(kase));
        else
            cg_log_int(&l, "report", json_integer_value(json_object_get(f, "report")));
        cg_log_str(&l, "sqlstate", json_string_value(json_object_get(f, "sqlstate")));
        cg_log_str(&l, "error", json_string_value(json_object_get(f, "error")));
        cg_log_end(&l);
    }
}

static void on_escalated(void *arg, int status, const PGresult *res)
{
    cg_escalation *x = arg;
    x->running = 0;
    if (uv_is_closing((uv_handle_t *)&x->timer))
        return;
    long long sleep_ms = RETRY_MS;
    if (status == 0) {
        json_t *j = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
        long long fired = json_integer_value(json_object_get(j, "fired"));
        const char *deadline = json_string_value(json_object_get(j, "next_deadline"));
        long long next = ms_until(deadline ? deadline : "");
        log_failed(json_object_get(j, "failed"));
        json_decref(j);
        if (fired > 0) {
            cg_log_line l;
            cg_log_begin(&l, CG_LOG_INFO, "escalation_steps");
            cg_log_int(&l, "fired", fired);
            cg_log_end(&l);
            cg_events_ring(&x->server->events);
        }
        /* A little after the deadline: instants are rounded to the ms. */
        sleep_ms = next < 0 || next > MAX_SLEEP_MS ? MAX_SLEEP_MS : next + SLACK_MS;
        /* Due but nothing fired: another instance holds those reports. Do
         * not spin while it works on them. */
        if (fired == 0 && sleep_ms < BUSY_MS)
            sleep_ms = BUSY_MS;
    } else if (status != CG_EUNAVAILABLE) {
        cg_log_kv(CG_LOG_ERROR, "escalation_failed", "error", res ? PQresultErrorMessage(res) : "",
                  CG_LOG_END);
    }
    uint64_t now = uv_now(x->server->loop);
    if (x->hint != 0 && x->hint < now + (uint64_t)sleep_ms)
        sleep_ms = x->hint > now ? (long long)(x->hint - now) : 0;
    x->hint = 0;
    arm(x, (uint64_t)sleep_ms);
}

static void run(cg_escalation *x)
{
    x->wake_at = UINT64_MAX;
    int rc = cg_db_query(x->server->db, "SELECT cg_internal.escalate_due()::text", 0, NULL,
                         on_escalated, x);
    if (rc == 0)
        x->running = 1;
    else
        arm(x, RETRY_MS);
}

void cg_escalation_start(cg_escalation *x, cg_server *server)
{
    memset(x, 0, sizeof *x);
    x->server = server;
    uv_timer_init(server->loop, &x->timer);
    x->timer.data = x;
    arm(x, 0);
}

void cg_escalation_due(cg_escalation *x, const char *instant)
{
    long long ms = ms_until(instant);
    if (x->server == NULL || ms < 0 || uv_is_closing((uv_handle_t *)&x->timer))
        return;
    uint64_t at = uv_now(x->server->loop) + (uint64_t)ms + SLACK_MS;
    if (x->running) {
        if (x->hint == 0 || at < x->hint)
            x->hint = at;
    } else if (at < x->wake_at) {
        arm(x, (uint64_t)ms + SLACK_MS);
    }
}

void cg_escalation_stop(cg_escalation *x)
{
    uv_close((uv_handle_t *)&x->timer, NULL);
}
