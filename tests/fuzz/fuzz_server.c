#include "fuzz_server.h"

#include "envelope.h"
#include "proto_json.h"
#include "reply_map.h"
#include "request_limits.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

static cg_config cfg;
static int loaded;

const cg_config *cg_fuzz_config(void)
{
    if (!loaded) {
        /* The three files the server requires are named, never read here;
         * every other setting keeps its shipped default. */
        setenv("CHENGGUAN_TLS_CERT", "unused.crt", 1);
        setenv("CHENGGUAN_TLS_KEY", "unused.key", 1);
        setenv("CHENGGUAN_TLS_CA", "unused-ca.crt", 1);
        char err[256];
        if (cg_config_load(&cfg, NULL, CG_CONFIG_SERVE, err, sizeof err) != 0) {
            fprintf(stderr, "fuzz: settings: %s\n", err);
            abort();
        }
        loaded = 1;
    }
    return &cfg;
}

/* Bytes jansson holds now and at most since the last reset, each block
 * counted with a header of 16 bytes as glibc's malloc takes (the same count
 * with or without ASan). */
static size_t json_now, json_peak;

typedef union {
    size_t size;
    max_align_t align;
} header;

static void *json_alloc(size_t n)
{
    header *h = malloc(sizeof *h + n);
    if (h == NULL)
        return NULL;
    h->size = n + 16;
    json_now += h->size;
    if (json_now > json_peak)
        json_peak = json_now;
    return h + 1;
}

static void json_release(void *p)
{
    if (p == NULL)
        return;
    header *h = (header *)p - 1;
    json_now -= h->size;
    free(h);
}

void cg_fuzz_server_payload(const uint8_t *payload, size_t len)
{
    const cg_config *c = cg_fuzz_config();
    json_set_alloc_funcs(json_alloc, json_release);
    cg_alloc_budget budget;
    cg_alloc_budget_init(&budget, (size_t)c->max_unpacked_bytes);
    cg_envelope *env = cg_envelope_read(payload, len, &budget.base);
    if (env == NULL) {
        (void)cg_envelope_peek_id(payload, len);
        return;
    }
    cg_proto_limits limits = cg_request_limits(c);
    char path[160], why[128];
    const ProtobufCMessage *body = cg_envelope_body(env);
    if (body != NULL && cg_reply_case(env->body_case) != CHENGGUAN__V1__ENVELOPE__BODY__NOT_SET &&
        cg_proto_check(&chengguan__v1__envelope__descriptor, payload, len, &limits, path,
                       sizeof path, why, sizeof why) == 0) {
        json_now = json_peak = 0;
        json_t *j = cg_proto_to_json(body);
        char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
        size_t cost = json_peak;
        json_release(text); /* json_dumps allocates with jansson's allocator */
        json_decref(j);
        int on_loop = budget.used <= CG_INLINE_JSON_UNPACKED_BYTES;
        size_t bound = on_loop ? CG_FUZZ_JSON_ON_LOOP
                               : CG_FUZZ_JSON_PER_UNPACKED * (size_t)c->max_unpacked_bytes;
        if (cost > bound) {
            fprintf(stderr,
                    "fuzz: %zu-byte request (%zu bytes unpacked) became %zu bytes of JSON%s "
                    "(bound %zu)\n",
                    len, budget.used, cost, on_loop ? " on the loop" : "", bound);
            abort();
        }
    }
    cg_envelope_free(env, NULL);
}
