/*
 * Evidence of enforcement cases (step 5): chunked uploads checked against
 * their SHA-256, listing and chunked reads (sql/api/step5_evidence.sql).
 */
#ifndef CG_EVIDENCE_SERVICE_H
#define CG_EVIDENCE_SERVICE_H

#include "route.h"

extern const cg_route_table cg_evidence_routes;

#endif
