#include "error.h"

const char *cg_strerror(int err)
{
    switch (err) {
    case CG_OK:
        return "success";
#define XX(name, code, text)                                                                       \
    case CG_E##name:                                                                               \
        return text;
        CG_ERRNO_MAP(XX)
#undef XX
    }
    return "unknown error code";
}

const char *cg_err_name(int err)
{
    switch (err) {
    case CG_OK:
        return "OK";
#define XX(name, code, text)                                                                       \
    case CG_E##name:                                                                               \
        return #name;
        CG_ERRNO_MAP(XX)
#undef XX
    }
    return "UNKNOWN";
}

int cg_err_to_wire(int err)
{
    return (err <= CG_ECANCELLED && err >= CG_EUNAUTHENTICATED) ? -err : 0;
}

int cg_err_from_wire(int code)
{
    return (code >= 1 && code <= 16) ? -code : CG_EUNKNOWN;
}

const char *cg_err_reason(int err)
{
    /* Indexed by wire status; the generic reasons of docs/protocol.md. */
    static const char *const reasons[] = {"",
                                          "cancelled",
                                          "unknown",
                                          "invalid_argument",
                                          "deadline_exceeded",
                                          "not_found",
                                          "already_exists",
                                          "permission_denied",
                                          "resource_exhausted",
                                          "failed_precondition",
                                          "aborted",
                                          "out_of_range",
                                          "unimplemented",
                                          "internal",
                                          "unavailable",
                                          "data_loss",
                                          "unauthenticated"};
    return reasons[cg_err_to_wire(err)];
}
