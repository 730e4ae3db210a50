/* What people see of one compound (the reply of compound add, update, show,
 * enter, close, demo and of grid assign), line by line. */
#ifndef CG_CLI_COMPOUND_VIEW_H
#define CG_CLI_COMPOUND_VIEW_H

#include "view.h"

extern const cg_column cg_compound_lines[];

#endif
