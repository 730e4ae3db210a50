/*
 * The limits a request's content is checked against on the wire
 * (proto_check.h) under a server's settings: the rows of an import have
 * their own limit (max_import_rows), every other repeated field of a
 * request max_request_items. The dispatcher and the fuzz targets use it.
 */
#ifndef CG_REQUEST_LIMITS_H
#define CG_REQUEST_LIMITS_H

#include "config.h"
#include "proto_check.h"

/* Limits that read cfg, which must outlive them. */
cg_proto_limits cg_request_limits(const cg_config *cfg);

#endif
