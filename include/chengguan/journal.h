/*
 * libchengguan's offline journal: a workstation keeps working while the
 * server cannot be reached.
 *
 * With a journal set on a cg_client, a mutation (a request with an
 * idempotency_key) that cannot reach the server is not lost: cg_call writes
 * it, with its key, to the journal directory and returns CG_EQUEUED. Later,
 * on a connected client, cg_client_flush_journal sends the entries in the
 * order they were queued, each with its own key, so an entry whose first
 * attempt did reach the server is not stored twice. An entry is removed
 * only once the server has answered it; one the server refuses for good is
 * kept, marked refused with the server's words, until a person deals with
 * it.
 *
 * "Cannot reach" means the call failed with CG_ECONNECT, CG_ECLOSED (also a
 * client whose cg_client_connect failed), CG_ETIMEOUT or CG_EUNAVAILABLE
 * (after the library's own retries). A certificate the server refuses
 * (CG_ETLS, CG_EUNAUTHENTICATED) is not queued: waiting does not help.
 *
 * On disk: one file per entry in the directory (made 0700 when missing),
 * named by the time it was queued, "<16 hex digits>-<8 hex digits>.pending"
 * (".refused" once refused). Each file is written to a temporary name,
 * fsync'ed, renamed into place and the directory fsync'ed before cg_call
 * returns CG_EQUEUED, so a queued entry survives a crash or a power cut.
 * A file holds "CGJ1", the payload length (4 bytes, big-endian), the
 * payload and its SHA-256: a file cut short or changed is found DAMAGED,
 * reported and left alone, never sent or deleted. Entries record the
 * SHA-256 of the client certificate they were made with and are sent only
 * on a connection with that certificate.
 *
 * Threads: a cg_client with its journal belongs to one thread. Several
 * processes may share a directory: an entry two of them send at once is
 * stored once, thanks to its key.
 */
#ifndef CHENGGUAN_JOURNAL_H
#define CHENGGUAN_JOURNAL_H

#include <stdint.h>

#include "chengguan/client.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CG_JOURNAL_PENDING = 1, /* waiting to be sent */
    CG_JOURNAL_REFUSED,     /* the server refused it for good; error says why */
    CG_JOURNAL_DAMAGED      /* the file cannot be read back (cut short, changed) */
} cg_journal_state;

/* One entry of a journal, valid during the callback that receives it. */
typedef struct {
    const char *name; /* file name in the directory */
    cg_journal_state state;
    int64_t queued_at_us;    /* when it was queued, microseconds since the epoch (0: DAMAGED) */
    const char *request;     /* the request's message name, e.g. "chengguan.v1.PatrolSubmit" */
    const char *key_hex;     /* its idempotency key in hex */
    const char *certificate; /* SHA-256 of the client certificate it was queued with, hex */
    const char *error;       /* REFUSED: "CODE: message" of the server; DAMAGED: what is wrong;
                                else "" */
    const char *reason;      /* REFUSED: the refusal's reason code (may be ""); else "" */
    const ProtobufCMessage *message; /* the request, NULL when DAMAGED */
} cg_journal_entry;

/*
 * From now on, mutations of c that cannot reach the server go to the
 * journal in dir (made, mode 0700, when missing); NULL turns it off. c may
 * be a client whose cg_client_connect failed for want of the server, as long
 * as its certificate was loaded. Returns 0, CG_EUSAGE (no certificate
 * loaded) or CG_EIO (the directory cannot be made or used), with
 * cg_client_error set.
 */
CG_EXTERN int cg_client_set_journal(cg_client *c, const char *dir);

/* The name of the entry the last CG_EQUEUED of cg_call wrote ("" before). */
CG_EXTERN const char *cg_client_queued(const cg_client *c);

/*
 * Calls cb for every entry of the journal in dir, in the order queued,
 * damaged ones included (and leftovers of a write that never finished).
 * A missing directory is an empty journal. Returns 0, cb's non-zero result
 * (which stops the walk), CG_EIO (the directory cannot be read) or
 * CG_ENOMEM.
 */
CG_EXTERN int cg_journal_list(const char *dir, int (*cb)(void *arg, const cg_journal_entry *e),
                              void *arg);

/*
 * Sends the pending entries of c's journal made with c's certificate, in
 * order, each with its idempotency key, on the connected client c. For each
 * one answered, cb (may be NULL) gets the entry, the status (0 or the
 * server's definite refusal) and the reply (NULL on a refusal; it belongs to
 * the library): an answered entry is removed, a refused one kept as
 * REFUSED. A failure that may pass (the connection, UNAVAILABLE, ABORTED,
 * RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED) stops the flush with that error
 * and leaves the entry and those after it pending. *sent (may be NULL)
 * counts the entries the server stored. Entries of another certificate and
 * damaged ones are left as they are. Returns 0 when every entry it could
 * send was answered, the failure that stopped it, CG_EUSAGE without a
 * journal, CG_EIO, or cb's non-zero result (which stops it).
 */
CG_EXTERN int cg_client_flush_journal(cg_client *c,
                                      int (*cb)(void *arg, const cg_journal_entry *e, int status,
                                                const ProtobufCMessage *reply),
                                      void *arg, int *sent);

#ifdef __cplusplus
}
#endif

#endif
