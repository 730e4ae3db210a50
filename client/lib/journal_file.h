/*
 * The files of the offline journal (chengguan/journal.h says the format):
 * one entry per file, written to a temporary name, fsync'ed, renamed into
 * place, the directory fsync'ed; read back only when its length and SHA-256
 * check.
 */
#ifndef CG_CLIENT_JOURNAL_FILE_H
#define CG_CLIENT_JOURNAL_FILE_H

#include "chengguan/journal.h"
#include "envelope.h"

#include <stddef.h>
#include <stdint.h>

#define CG__JOURNAL_PENDING ".pending"
#define CG__JOURNAL_REFUSED ".refused"
#define CG__JOURNAL_TMP     ".tmp-" /* prefix of a file being written */

/* An entry as stored. */
typedef struct {
    int64_t queued_at_us;
    uint8_t cert[32]; /* SHA-256 of the client certificate */
    uint8_t *env;     /* the packed Envelope (id 0, the request with its key) */
    size_t env_len;
    char reason[64]; /* of a refusal */
    char error[512]; /* of a refusal: "CODE: message" */
} cg__jrecord;

/* A new entry name, "<16 hex of queued_at_us>-<8 random hex>", into name
 * (at least 32 bytes). */
void cg__jfile_name(char *name, size_t len, int64_t queued_at_us);

/*
 * Writes r durably as dir/stem+suffix (suffix CG__JOURNAL_PENDING or
 * CG__JOURNAL_REFUSED). 0, or CG_EIO / CG_ENOMEM with why; nothing is left
 * under the final name unless all of it is on disk.
 */
int cg__jfile_write(const char *dir, const char *stem, const char *suffix, const cg__jrecord *r,
                    char *why, size_t whylen);

/*
 * Reads dir/file into r (r->env malloc'd: cg__jfile_release). 0; -1 when the
 * file is damaged (why says how); 1 when it is gone (another process sent
 * it); CG_EIO / CG_ENOMEM with why.
 */
int cg__jfile_read(const char *dir, const char *file, cg__jrecord *r, char *why, size_t whylen);

void cg__jfile_release(cg__jrecord *r);

/* Removes dir/file and makes that durable. 0 or CG_EIO with why. */
int cg__jfile_remove(const char *dir, const char *file, char *why, size_t whylen);

/*
 * The journal's file names (entries and unfinished writes) in the order
 * queued: *names malloc'd, each name too; free with cg__jfile_names_free.
 * A missing directory has none. The count, CG_EIO or CG_ENOMEM.
 */
int cg__jfile_names(const char *dir, char ***names);
void cg__jfile_names_free(char **names, int n);

#endif
