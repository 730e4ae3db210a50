/*
 * The values of the protocol's enumerations (a report's status, a request's
 * channel, a finding's action, a compound's management_status, ...) as
 * people read them: translated through gettext (open -> 未办结). --json keeps
 * the protocol's words.
 */
#ifndef CG_CLI_ENUM_TEXT_H
#define CG_CLI_ENUM_TEXT_H

/* Whether the reply member called field holds an enumeration value. */
int cg_enum_field(const char *field);

/* The text of value for people; value itself when it is not a known one. */
const char *cg_enum_text(const char *value);

#endif
