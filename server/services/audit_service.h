/*
 * The audit trail (step 7): AuditList, answered by cg_api.audit_list
 * (sql/api/step7_audit.sql). The rows themselves are written by every
 * mutation's own transaction (cg_internal.idem_end), not here.
 */
#ifndef CG_AUDIT_SERVICE_H
#define CG_AUDIT_SERVICE_H

#include "route.h"

extern const cg_route_table cg_audit_routes;

#endif
