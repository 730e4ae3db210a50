/*
 * The supervision bulletin (StatsBulletinReply as JSON) shown to people:
 * each indicator's name and each figure's text, shared by the table, the
 * CSV and the HTML of `stats bulletin` and by `summary`.
 */
#ifndef CG_CLI_BULLETIN_VIEW_H
#define CG_CLI_BULLETIN_VIEW_H

#include <jansson.h>
#include <stddef.h>

/* The translated name of a BulletinIndicator (the server's Chinese name for
 * a key this client does not know). */
const char *cg_bulletin_label(const json_t *indicator);

/* The BulletinIndicator of key in reply, or NULL. */
const json_t *cg_bulletin_indicator(const json_t *reply, const char *key);

/* The BulletinValue of key in a BulletinUnit, or NULL. */
const json_t *cg_bulletin_value(const json_t *unit, const char *key);

/* A value as people read it, into buf: "83.3% (5/6)" for a rate, "12" for
 * a count, "35.2" for a mean, "too few (2/3)" when too few to score, "-"
 * with nothing to count. */
void cg_bulletin_cell(const json_t *indicator, const json_t *value, char *buf, size_t len);

/* A unit's composite score ("87.5") and its rank ("1", "not ranked", or
 * "-" when the reply has no ranking), into buf. */
void cg_bulletin_score(const json_t *unit, char *buf, size_t len);
void cg_bulletin_rank(const json_t *reply, const json_t *unit, char *buf, size_t len);

/* 1 when the indicator is a rate (rate or rate_low): its value is a share
 * and a chart draws it 0-100 %. */
int cg_bulletin_is_rate(const json_t *indicator);

#endif
