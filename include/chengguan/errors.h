/*
 * Every error chengguan reports, from one table (libuv's UV_ERRNO_MAP idea).
 *
 * Codes 1..16 are the wire status codes (the gRPC numbering of the proto
 * enum chengguan.v1.Code); codes from 100 up never travel on the wire and
 * describe local failures. Functions return 0 or a negative CG_E* value.
 */
#ifndef CHENGGUAN_ERRORS_H
#define CHENGGUAN_ERRORS_H

#if defined(__GNUC__)
#define CG_EXTERN __attribute__((visibility("default")))
#else
#define CG_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define CG_ERRNO_MAP(XX)                                                                           \
    XX(CANCELLED, 1, "the operation was cancelled")                                                \
    XX(UNKNOWN, 2, "unknown error")                                                                \
    XX(INVALID_ARGUMENT, 3, "invalid argument")                                                    \
    XX(DEADLINE_EXCEEDED, 4, "deadline exceeded")                                                  \
    XX(NOT_FOUND, 5, "not found")                                                                  \
    XX(ALREADY_EXISTS, 6, "already exists")                                                        \
    XX(PERMISSION_DENIED, 7, "permission denied")                                                  \
    XX(RESOURCE_EXHAUSTED, 8, "resource exhausted")                                                \
    XX(FAILED_PRECONDITION, 9, "failed precondition")                                              \
    XX(ABORTED, 10, "aborted")                                                                     \
    XX(OUT_OF_RANGE, 11, "out of range")                                                           \
    XX(UNIMPLEMENTED, 12, "not implemented")                                                       \
    XX(INTERNAL, 13, "internal error")                                                             \
    XX(UNAVAILABLE, 14, "service unavailable")                                                     \
    XX(DATA_LOSS, 15, "data loss")                                                                 \
    XX(UNAUTHENTICATED, 16, "unauthenticated")                                                     \
    XX(CONNECT, 100, "could not connect")                                                          \
    XX(TLS, 101, "TLS failure")                                                                    \
    XX(PROTOCOL, 102, "protocol violation")                                                        \
    XX(NOMEM, 103, "out of memory")                                                                \
    XX(TIMEOUT, 104, "timed out")                                                                  \
    XX(CLOSED, 105, "connection closed")                                                           \
    XX(USAGE, 106, "usage error")                                                                  \
    XX(IO, 107, "input/output error")                                                              \
    XX(QUEUED, 108, "queued in the journal, not sent yet")

typedef enum {
    CG_OK = 0,
#define XX(name, code, text) CG_E##name = -(code),
    CG_ERRNO_MAP(XX)
#undef XX
} cg_errno;

/* "invalid argument"; never NULL, also for codes not in the table. A static
 * string: never freed, valid for the life of the process. Any thread. */
CG_EXTERN const char *cg_strerror(int err);

/* "INVALID_ARGUMENT"; never NULL ("UNKNOWN" for codes not in the table). A
 * static string, as cg_strerror's. Any thread. */
CG_EXTERN const char *cg_err_name(int err);

#ifdef __cplusplus
}
#endif

#endif
