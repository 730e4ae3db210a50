/*
 * The values of the protocol's enumerations (a report's status, a request's
 * channel, a finding's action, a compound's management_status, ...) as
 * people read them: translated through gettext (open -> 未办结). --json keeps
 * the protocol's words.
 */
#ifndef CG_CLI_ENUM_TEXT_H
#define CG_CLI_ENUM_TEXT_H

#include <stddef.h>

/* Whether the reply member called field holds an enumeration value. */
int cg_enum_field(const char *field);

/* The text of value for people; value itself when it is not a known one. */
const char *cg_enum_text(const char *value);

/* Whether the reply member called field holds a case's state, or a comma
 * list of them (next_states). */
int cg_case_state_field(const char *field);

/* The states of value, one or a list separated by ',' or ", ", for people
 * ("decided,transferred" -> "处罚决定、移送"), written to buf; unknown ones as
 * they are. */
const char *cg_case_states_text(const char *value, char *buf, size_t len);

#endif
