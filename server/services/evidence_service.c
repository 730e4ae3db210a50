#include "evidence_service.h"

#include "sql_call.h"

/* Those who handle the case attach; those who see it whole read (the SQL
 * functions check the row scope and refuse a filer, who sees the state
 * only). */
#define HANDLE (CG_ROLE_UNIT | CG_ROLE_OFFICER | CG_ROLE_HQ)
#define READ   (CG_ROLES_ALL)

static const cg_route routes[] = {
    CG_SQL_ROUTE(CASE_ATTACH_BEGIN, "case.attach_begin", HANDLE, "case_attach_begin"),
    CG_SQL_ROUTE(CASE_ATTACH_CHUNK, "case.attach_chunk", HANDLE, "case_attach_chunk"),
    CG_SQL_ROUTE(CASE_ATTACH_COMMIT, "case.attach_commit", HANDLE, "case_attach_commit"),
    CG_SQL_ROUTE(CASE_ATTACHMENT_LIST, "case.attachment_list", READ, "case_attachment_list"),
    CG_SQL_ROUTE(CASE_ATTACHMENT_READ, "case.attachment_read", READ, "case_attachment_read"),
};

const cg_route_table cg_evidence_routes = CG_ROUTE_TABLE(routes);
