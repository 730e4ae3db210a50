#include "request.h"

#include "error.h"
#include "log.h"
#include "server.h"

#include <stdio.h>
#include <stdlib.h>

cg_request *cg_request_new(cg_session *s, uint64_t id, const cg_route *route)
{
    cg_request *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->server = s->server;
    r->session = s;
    r->id = id;
    r->route = route;
    r->started_ns = uv_hrtime();
    r->next = s->requests;
    if (s->requests != NULL)
        s->requests->prev = r;
    s->requests = r;
    s->inflight++;
    return r;
}

void cg_request_drop_envelope(cg_request *r)
{
    cg_envelope_free(r->env, NULL);
    r->env = NULL;
}

void cg__request_detach(cg_request *r)
{
    cg_session *s = r->session;
    if (s == NULL)
        return;
    if (r->prev != NULL)
        r->prev->next = r->next;
    else
        s->requests = r->next;
    if (r->next != NULL)
        r->next->prev = r->prev;
    r->prev = r->next = NULL;
    r->session = NULL;
    s->inflight--;
}

static void log_request(const cg_request *r, const cg_session *s, int code, const char *message)
{
    cg_log_line l;
    cg_log_begin(&l, code == 0 ? CG_LOG_INFO : CG_LOG_WARN, "request");
    if (s != NULL) {
        cg_log_int(&l, "conn", (long long)s->id);
        if (s->account[0] != '\0')
            cg_log_str(&l, "account", s->account);
    }
    cg_log_int(&l, "id", (long long)r->id);
    cg_log_str(&l, "method", r->route->name);
    cg_log_str(&l, "status", cg_err_name(code));
    if (code != 0 && message != NULL)
        cg_log_str(&l, "error", message);
    cg_log_int(&l, "us", (long long)((uv_hrtime() - r->started_ns) / 1000));
    if (s == NULL)
        cg_log_str(&l, "dropped", "session closed");
    cg_log_end(&l);
}

/* Detaches, logs, frees, and lets the session take its next frame. */
static void finish(cg_request *r, int code, const char *message)
{
    cg_session *s = r->session;
    log_request(r, s, code, message);
    cg_metrics_request(&r->server->metrics, r->route->name, code, uv_hrtime() - r->started_ns);
    cg__request_detach(r);
    cg_request_drop_envelope(r);
    free(r);
    if (s != NULL)
        cg_session_request_done(s);
}

void cg_request_reply(cg_request *r, cg_envelope *reply)
{
    if (r->session != NULL) {
        reply->id = r->id;
        if (cg_session_send(r->session, reply) == CG_ERESOURCE_EXHAUSTED) {
            char msg[160];
            snprintf(msg, sizeof msg,
                     "reply too large (%zu bytes, max_frame_bytes is %lld): ask for a smaller "
                     "page",
                     protobuf_c_message_get_packed_size(&reply->base),
                     (long long)r->server->cfg->max_frame_bytes);
            cg_request_fail(r, CG_ERESOURCE_EXHAUSTED, msg, NULL);
            return;
        }
    }
    finish(r, 0, NULL);
}

void cg_request_fail(cg_request *r, int code, const char *message, const char *field)
{
    cg_request_fail_reason(r, code, message, field, NULL, 0, NULL);
}

void cg_request_fail_reason(cg_request *r, int code, const char *message, const char *field,
                            const char *reason, size_t n_params, Chengguan__V1__ErrorParam **params)
{
    if (message == NULL)
        message = cg_strerror(code);
    if (r->session != NULL) {
        cg_envelope env;
        Chengguan__V1__Error err;
        cg_envelope_set_error(&env, &err, r->id, code, message, field);
        if (reason != NULL && reason[0] != '\0')
            err.reason = (char *)reason;
        err.n_params = n_params;
        err.params = params;
        cg_session_send(r->session, &env);
    }
    finish(r, code, message);
}

void cg_request_fail_db(cg_request *r, int status, const PGresult *res)
{
    if (status == CG_EUNAVAILABLE) {
        cg_request_fail(r, status, "database unavailable, try again shortly", NULL);
        return;
    }
    if (status == CG_ERESOURCE_EXHAUSTED) {
        cg_request_fail(r, status, "server busy: database queue full, try again shortly", NULL);
        return;
    }
    cg_log_kv(CG_LOG_ERROR, "db_error", "method", r->route->name, "error",
              res ? PQresultErrorMessage(res) : cg_strerror(status), CG_LOG_END);
    cg_request_fail(r, CG_EINTERNAL, NULL, NULL);
}

void cg_request_end(cg_request *r)
{
    finish(r, 0, NULL);
}
