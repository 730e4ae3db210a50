/*
 * Internal side of the error table: conversion to and from wire codes.
 * The table itself is public, in include/chengguan/errors.h.
 */
#ifndef CG_ERROR_H
#define CG_ERROR_H

#include "chengguan/errors.h"

/* The wire status (1..16) of err, or 0 when err does not travel on the wire. */
int cg_err_to_wire(int err);

/* The CG_E* value for a wire status; unknown statuses map to CG_EUNKNOWN. */
int cg_err_from_wire(int code);

/* The generic Error.reason of err's wire status ("invalid_argument"), for
 * errors no more specific reason was given for; "" when err does not travel
 * on the wire. */
const char *cg_err_reason(int err);

#endif
