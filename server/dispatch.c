#include "dispatch.h"

#include "envelope.h"
#include "error.h"
#include "request.h"
#include "services/system_service.h"

#include <stdio.h>

typedef void (*cg_handler)(cg_request *r, const cg_envelope *env);

typedef struct {
    Chengguan__V1__Envelope__BodyCase body;
    const char *name;
    unsigned roles; /* who may call it; 0 for Hello, which comes before any role */
    cg_handler handler;
} route;

static const route routes[] = {
    {CHENGGUAN__V1__ENVELOPE__BODY_HELLO, "hello", 0, cg_system_hello},
    {CHENGGUAN__V1__ENVELOPE__BODY_PING, "ping", CG_ROLES_ALL, cg_system_ping},
    {CHENGGUAN__V1__ENVELOPE__BODY_WHO_AM_I, "whoami", CG_ROLES_ALL, cg_system_whoami},
};

static const route *find_route(Chengguan__V1__Envelope__BodyCase body)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (routes[i].body == body)
            return &routes[i];
    return NULL;
}

/* Why a session may not use route r now, or NULL when it may. */
static const char *refusal(const cg_session *s, const route *r, int *code)
{
    if (r->body == CHENGGUAN__V1__ENVELOPE__BODY_HELLO) {
        *code = CG_EFAILED_PRECONDITION;
        return s->state == CG_SESSION_AWAIT_HELLO ? NULL : "Hello was already sent";
    }
    if (s->state != CG_SESSION_READY) {
        *code = CG_EFAILED_PRECONDITION;
        return "send Hello first";
    }
    if ((r->roles & s->role) == 0) {
        *code = CG_EPERMISSION_DENIED;
        return "this account's role may not use this request";
    }
    return NULL;
}

void cg_dispatch(cg_session *s, const uint8_t *payload, size_t len)
{
    cg_envelope *env = cg_envelope_read(payload, len, NULL);
    if (env == NULL) {
        cg_request *r = cg_request_new(s, cg_envelope_peek_id(payload, len), "?");
        if (r == NULL)
            return;
        cg_request_fail(r, CG_EINVALID_ARGUMENT,
                        "malformed frame: payload is not a chengguan.v1.Envelope", NULL);
        return;
    }
    const route *rt = find_route(env->body_case);
    cg_request *r = cg_request_new(s, env->id, rt ? rt->name : "?");
    if (r == NULL) {
        cg_session_send_error(s, env->id, CG_ERESOURCE_EXHAUSTED, "out of memory", NULL);
        cg_envelope_free(env, NULL);
        return;
    }
    int code;
    const char *why;
    if (env->id == 0) {
        cg_request_fail(r, CG_EINVALID_ARGUMENT, "request id 0 is reserved for pushes", "id");
    } else if (rt == NULL) {
        char msg[96];
        if (env->body_case == CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET)
            snprintf(msg, sizeof msg, "empty or unknown message (not in this server's protocol)");
        else
            snprintf(msg, sizeof msg, "message %d is not a request", (int)env->body_case);
        cg_request_fail(r, CG_EINVALID_ARGUMENT, msg, NULL);
    } else if ((why = refusal(s, rt, &code)) != NULL) {
        cg_request_fail(r, code, why, NULL);
    } else {
        rt->handler(r, env);
    }
    cg_envelope_free(env, NULL);
}
