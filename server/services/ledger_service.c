#include "ledger_service.h"

#include "sql_call.h"

static const cg_route routes[] = {
    CG_SQL_ROUTE(COMPOUND_ADD, "compound.add", "compound_add"),
    CG_SQL_ROUTE(COMPOUND_UPDATE, "compound.update", "compound_update"),
    CG_SQL_ROUTE(COMPOUND_GET, "compound.get", "compound_get"),
    CG_SQL_ROUTE(COMPOUND_LIST, "compound.list", "compound_list"),
    CG_SQL_ROUTE(COMPOUND_HISTORY, "compound.history", "compound_history"),
    CG_SQL_ROUTE(COMPOUND_IMPORT, "compound.import", "compound_import"),
    CG_SQL_ROUTE(COMPOUND_ENTER, "compound.enter", "compound_enter"),
    CG_SQL_ROUTE(COMPOUND_CLOSE, "compound.close", "compound_close"),
    CG_SQL_ROUTE(COMPOUND_CORRECT_ENTRY, "compound.correct_entry", "compound_correct_entry"),
    CG_SQL_ROUTE(COMPOUND_DEMO, "compound.demo", "compound_demo"),
    CG_SQL_ROUTE(BOARD_SET, "board.set", "board_set"),
    CG_SQL_ROUTE(OFFICER_ADD, "officer.add", "officer_add"),
    CG_SQL_ROUTE(OFFICER_LIST, "officer.list", "officer_list"),
    CG_SQL_ROUTE(GRID_ASSIGN, "grid.assign", "grid_assign"),
    CG_SQL_ROUTE(GRID_SHOW, "grid.show", "grid_show"),
    CG_SQL_ROUTE(PUBLICITY_RECORD, "publicity.record", "publicity_record"),
    CG_SQL_ROUTE(PUBLICITY_LIST, "publicity.list", "publicity_list"),
    CG_SQL_ROUTE(LEDGER_SUMMARY, "ledger.summary", "ledger_summary"),
};

const cg_route_table cg_ledger_routes = CG_ROUTE_TABLE(routes);
