#include "util.h"

#include <openssl/rand.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int cg__split_server(const char *s, char *host, size_t hostlen, char *port, size_t portlen)
{
    const char *h = s, *p = NULL;
    size_t hlen;
    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (end == NULL || (end[1] != '\0' && end[1] != ':'))
            return CG_EUSAGE;
        h = s + 1;
        hlen = (size_t)(end - h);
        p = end[1] == ':' ? end + 2 : NULL;
    } else {
        const char *colon = strrchr(s, ':');
        if (colon != NULL && strchr(s, ':') == colon) {
            hlen = (size_t)(colon - s);
            p = colon + 1;
        } else {
            hlen = strlen(s); /* no port, or a bare IPv6 address */
        }
    }
    if (p != NULL && (p[0] == '\0' || strspn(p, "0123456789") != strlen(p) || strlen(p) > 5))
        return CG_EUSAGE;
    if (hlen == 0 || hlen >= hostlen)
        return CG_EUSAGE;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    snprintf(port, portlen, "%s", p ? p : CG__DEFAULT_PORT);
    return 0;
}

ProtobufCBinaryData *cg__key_field(const ProtobufCMessage *m)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(m->descriptor, "idempotency_key");
    if (f == NULL || f->type != PROTOBUF_C_TYPE_BYTES || f->label == PROTOBUF_C_LABEL_REPEATED)
        return NULL;
    return (ProtobufCBinaryData *)((char *)m + f->offset);
}

ProtobufCBinaryData *cg__empty_key(ProtobufCMessage *m)
{
    ProtobufCBinaryData *key = cg__key_field(m);
    return key != NULL && key->len == 0 ? key : NULL;
}

int cg__jitter_ms(int ms)
{
    uint32_t r;
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
        r = (uint32_t)time(NULL);
    int half = ms / 2;
    return half + (int)(r % (uint32_t)(ms - half + 1));
}

int cg__unavailable_delay_ms(int n)
{
    int ms = CG_UNAVAILABLE_BACKOFF_MS;
    for (int i = 1; i < n && ms < 60000; i++)
        ms *= 2;
    return cg__jitter_ms(ms);
}

int cg__rate_limited_wait_ms(const Chengguan__V1__Error *err)
{
    if (err == NULL || strcmp(err->reason, "account.rate_limited") != 0)
        return -1;
    for (size_t i = 0; i < err->n_params; i++)
        if (strcmp(err->params[i]->name, "retry_after_ms") == 0) {
            long ms = strtol(err->params[i]->value, NULL, 10);
            return ms < 1 ? 1 : ms > 60000 ? 60000 : (int)ms;
        }
    return -1;
}
