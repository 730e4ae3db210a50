/*
 * The offline journal of a cg_client (chengguan/journal.h): what client.c
 * and journal.c tell each other. client.c keeps a cg__journal per client and
 * hands cg__journal_queue the mutations that could not reach the server.
 */
#ifndef CG_CLIENT_JOURNAL_H
#define CG_CLIENT_JOURNAL_H

#include "chengguan/journal.h"
#include "envelope.h"

#include <limits.h>
#include <openssl/ssl.h>
#include <stdint.h>

typedef struct cg__journal {
    char dir[PATH_MAX];
    uint8_t cert[32]; /* SHA-256 of the client's certificate */
    char queued[64];  /* the entry the last CG_EQUEUED wrote */
} cg__journal;

/* From client.c: the client's journal slot, its TLS context (NULL when its
 * certificate was not loaded), and its error. */
cg__journal **cg__client_journal(cg_client *c);
SSL_CTX *cg__client_ssl_ctx(const cg_client *c);
int cg__client_set_error(cg_client *c, int err, const char *msg);

/* 1 when a mutation that failed with err belongs in the journal: the
 * server could not be reached, or could not take it now. */
int cg__journal_wants(int err);

/*
 * Writes env (a request whose idempotency key is set) durably to c's
 * journal j. Returns CG_EQUEUED with the client's error saying where, or
 * CG_EIO / CG_ENOMEM when it could not be kept (the error says so, after
 * what kept it from the server).
 */
int cg__journal_queue(cg_client *c, cg__journal *j, const cg_envelope *env);

#endif
