/* What people see of one compound (the reply of compound add, update, show,
 * enter, close, demo and of grid assign), line by line. */
#ifndef CG_CLI_COMPOUND_VIEW_H
#define CG_CLI_COMPOUND_VIEW_H

#include "view.h"

extern const cg_column cg_compound_lines[];

/* The label of a compound's field as those lines show it, translated
 * ("entered_on" -> 进驻日期 under zh_CN); a field they lack as it is. */
const char *cg_compound_field_label(const char *field);

#endif
