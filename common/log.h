/*
 * One line per event on stderr, as logfmt (default) or JSON:
 *
 *   ts=2026-11-30T08:00:00.123Z level=info event=connect conn=7 peer=127.0.0.1:50322
 *   {"ts":"2026-11-30T08:00:00.123Z","level":"info","event":"connect","conn":7,...}
 *
 * A line is built on the stack with cg_log_begin / cg_log_str / cg_log_int /
 * cg_log_end; cg_log_kv is the short form for string-only lines.
 *
 * Lines are written synchronously until cg_log_start_writer: from then on
 * cg_log_end only copies the line into a bounded buffer (CG_LOG_BUFFER_BYTES)
 * that a writer thread drains to stderr, so a log reader that stalls never
 * stalls the caller. A line that finds the buffer full is dropped and
 * counted; once the writer has made room it writes
 * "event=log_dropped count=N" where the lines went missing.
 */
#ifndef CG_LOG_H
#define CG_LOG_H

#include <stddef.h>

typedef enum { CG_LOG_DEBUG, CG_LOG_INFO, CG_LOG_WARN, CG_LOG_ERROR } cg_log_level;

typedef struct {
    char buf[2048];
    size_t len;
    int active; /* 0 when the level is filtered out: the other calls do nothing */
} cg_log_line;

void cg_log_setup(cg_log_level min_level, int json);

/* What the writer thread may hold back; also the most one stall can lose
 * no line of. */
#define CG_LOG_BUFFER_BYTES (1024 * 1024)

/* How long cg_log_stop_writer waits for the buffer to reach stderr. */
#define CG_LOG_FLUSH_TIMEOUT_MS 5000

/* Starts the writer thread. 0, or -1 when it cannot (logging stays
 * synchronous). Call from one thread, before any other thread logs. */
int cg_log_start_writer(void);

/* Writes out what is buffered (at most CG_LOG_FLUSH_TIMEOUT_MS: a reader
 * that never reads does not keep the process from exiting) and returns to
 * synchronous writes. */
void cg_log_stop_writer(void);

/* Lines dropped because the buffer was full, since the start. */
unsigned long long cg_log_dropped(void);

/* "debug", "info", "warn"/"warning", "error" -> level; -1 when unknown. */
int cg_log_level_parse(const char *s);

void cg_log_begin(cg_log_line *l, cg_log_level level, const char *event);
void cg_log_str(cg_log_line *l, const char *key, const char *value);
void cg_log_int(cg_log_line *l, const char *key, long long value);
void cg_log_end(cg_log_line *l);

/* Ends the key/value list of cg_log_kv: a typed null pointer, because a bare
 * NULL may be an int, which a variadic function must not read as a pointer. */
#define CG_LOG_END ((const char *)NULL)

/* cg_log_kv(level, event, key1, value1, key2, value2, ..., CG_LOG_END) */
void cg_log_kv(cg_log_level level, const char *event, ...) __attribute__((sentinel));

#endif
