#include "evidence_service.h"

#include "sql_call.h"

static const cg_route routes[] = {
    CG_SQL_ROUTE(CASE_ATTACH_BEGIN, "case.attach_begin", "case_attach_begin"),
    CG_SQL_ROUTE(CASE_ATTACH_CHUNK, "case.attach_chunk", "case_attach_chunk"),
    CG_SQL_ROUTE(CASE_ATTACH_COMMIT, "case.attach_commit", "case_attach_commit"),
    CG_SQL_ROUTE(CASE_ATTACHMENT_LIST, "case.attachment_list", "case_attachment_list"),
    CG_SQL_ROUTE(CASE_ATTACHMENT_READ, "case.attachment_read", "case_attachment_read"),
};

const cg_route_table cg_evidence_routes = CG_ROUTE_TABLE(routes);
