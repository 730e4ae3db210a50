#include "rate.h"

#include "chengguan/limits.h"

#include <stdlib.h>
#include <string.h>

struct cg_rate_bucket {
    char account[CG_ACCOUNT_NAME_MAX + 1]; /* "" for a free slot */
    double tokens;
    uint64_t at_ms; /* when tokens was last brought up to date */
};

void cg_rate_init(cg_rate *r, int64_t per_second, int64_t burst)
{
    memset(r, 0, sizeof *r);
    r->per_ms = (double)per_second / 1000.0;
    r->burst = (double)burst;
}

void cg_rate_free(cg_rate *r)
{
    free(r->slots);
    r->slots = NULL;
    r->cap = r->used = 0;
}

static size_t hash(const char *s)
{
    size_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The slot of account in slots[cap]: its bucket, or the free slot for it. */
static cg_rate_bucket *slot(cg_rate_bucket *slots, size_t cap, const char *account)
{
    size_t i = hash(account) & (cap - 1);
    while (slots[i].account[0] != '\0' && strcmp(slots[i].account, account) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

/* Keeps the table at most half full. 0 or -1 (out of memory). */
static int grow(cg_rate *r)
{
    if (2 * (r->used + 1) <= r->cap)
        return 0;
    size_t cap = r->cap ? 2 * r->cap : 64;
    cg_rate_bucket *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < r->cap; i++)
        if (r->slots[i].account[0] != '\0')
            *slot(slots, cap, r->slots[i].account) = r->slots[i];
    free(r->slots);
    r->slots = slots;
    r->cap = cap;
    return 0;
}

int64_t cg_rate_take(cg_rate *r, const char *account, uint64_t now_ms)
{
    if (account[0] == '\0' || strlen(account) > CG_ACCOUNT_NAME_MAX || grow(r) != 0)
        return 0;
    cg_rate_bucket *b = slot(r->slots, r->cap, account);
    if (b->account[0] == '\0') {
        strcpy(b->account, account);
        b->tokens = r->burst;
        b->at_ms = now_ms;
        r->used++;
    }
    if (now_ms > b->at_ms) {
        b->tokens += (double)(now_ms - b->at_ms) * r->per_ms;
        if (b->tokens > r->burst)
            b->tokens = r->burst;
        b->at_ms = now_ms;
    }
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
        return 0;
    }
    int64_t wait = (int64_t)((1.0 - b->tokens) / r->per_ms) + 1;
    return wait;
}
