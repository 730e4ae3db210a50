/*
 * The per-account request rate: one token bucket per account, shared by all
 * of its connections (max_request_rate tokens a second, at most
 * max_request_burst saved up). Buckets are kept for the server's lifetime so
 * that reconnecting does not refill one; only accounts that passed Hello get
 * one, so there are at most as many as the accounts table has rows.
 */
#ifndef CG_RATE_H
#define CG_RATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct cg_rate_bucket cg_rate_bucket;

typedef struct {
    cg_rate_bucket *slots; /* open addressing, a power of two of them */
    size_t cap, used;
    double per_ms, burst;
} cg_rate;

void cg_rate_init(cg_rate *r, int64_t per_second, int64_t burst);
void cg_rate_free(cg_rate *r);

/*
 * Takes one request of account (not "") at now_ms (a monotonic clock). 0
 * when it may run; otherwise how many ms until it could (at least 1). Out of memory
 * for a new account's bucket lets the request run: the limit is a fairness
 * guard, not a security boundary.
 */
int64_t cg_rate_take(cg_rate *r, const char *account, uint64_t now_ms);

#endif
