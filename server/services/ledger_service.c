#include "ledger_service.h"

#include "sql_call.h"

/* Who may do what; the rows each account may touch are decided in SQL. */
#define READ_ALL (CG_ROLE_HQ | CG_ROLE_SUPERVISION | CG_ROLE_SECTION | CG_ROLE_UNIT)
#define READ_OWN                                                                                   \
    (READ_ALL | CG_ROLE_PROPERTY | CG_ROLE_INTEGRATION | CG_ROLES_UNIT_PEOPLE) /* get and list */
#define EDIT (CG_ROLE_HQ | CG_ROLE_UNIT) /* supervision inspects, it does not keep ledgers */
#define DEMO (CG_ROLE_HQ | CG_ROLE_SUPERVISION)

static const cg_route routes[] = {
    CG_SQL_ROUTE(COMPOUND_ADD, "compound.add", EDIT, "compound_add"),
    CG_SQL_ROUTE(COMPOUND_UPDATE, "compound.update", EDIT, "compound_update"),
    CG_SQL_ROUTE(COMPOUND_GET, "compound.get", READ_OWN, "compound_get"),
    CG_SQL_ROUTE(COMPOUND_LIST, "compound.list", READ_OWN, "compound_list"),
    CG_SQL_ROUTE(COMPOUND_HISTORY, "compound.history", READ_ALL, "compound_history"),
    CG_SQL_ROUTE(COMPOUND_IMPORT, "compound.import", EDIT, "compound_import"),
    CG_SQL_ROUTE(COMPOUND_ENTER, "compound.enter", EDIT, "compound_enter"),
    CG_SQL_ROUTE(COMPOUND_CLOSE, "compound.close", EDIT, "compound_close"),
    CG_SQL_ROUTE(COMPOUND_CORRECT_ENTRY, "compound.correct_entry", EDIT, "compound_correct_entry"),
    CG_SQL_ROUTE(COMPOUND_DEMO, "compound.demo", DEMO, "compound_demo"),
    CG_SQL_ROUTE(BOARD_SET, "board.set", EDIT, "board_set"),
    CG_SQL_ROUTE(OFFICER_ADD, "officer.add", EDIT, "officer_add"),
    CG_SQL_ROUTE(OFFICER_LIST, "officer.list", READ_ALL, "officer_list"),
    CG_SQL_ROUTE(GRID_ASSIGN, "grid.assign", EDIT, "grid_assign"),
    CG_SQL_ROUTE(GRID_SHOW, "grid.show", READ_ALL, "grid_show"),
    CG_SQL_ROUTE(PUBLICITY_RECORD, "publicity.record", EDIT, "publicity_record"),
    CG_SQL_ROUTE(PUBLICITY_LIST, "publicity.list", READ_ALL, "publicity_list"),
    CG_SQL_ROUTE(LEDGER_SUMMARY, "ledger.summary", READ_ALL, "ledger_summary"),
};

const cg_route_table cg_ledger_routes = CG_ROUTE_TABLE(routes);
