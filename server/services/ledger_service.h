/*
 * The compound ledger (step 2): compounds and their history, officers and
 * the grid, entry, notice boards, demonstration compounds, publicity. Every
 * request is one SQL function of sql/api/ledger.sql (services/sql_call.c);
 * this file says who may call which.
 */
#ifndef CG_LEDGER_SERVICE_H
#define CG_LEDGER_SERVICE_H

#include "route.h"

extern const cg_route_table cg_ledger_routes;

#endif
