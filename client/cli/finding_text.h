/*
 * A patrol finding written on the command line, `--finding
 * CATEGORY:TEXT[:ACTION][:illegal_construction]`, as the JSON of a
 * chengguan.v1.Finding.
 */
#ifndef CG_CLI_FINDING_TEXT_H
#define CG_CLI_FINDING_TEXT_H

#include <jansson.h>

/* The actions a finding may record, as the protocol spells them. */
extern const char *const cg_finding_actions[];

/* The last word that flags a finding as illegal construction (违法搭建, which
 * is accepted too). */
#define CG_FINDING_ILLEGAL "illegal_construction"

/*
 * CATEGORY is a violation code 1-10 or a name (category_text.h, resolved
 * once connected) and ends at the first ':'. When the part after the last
 * ':' of the rest is CG_FINDING_ILLEGAL (or 违法搭建), the finding is flagged
 * and that part is dropped; then when the part after the last ':' is one of
 * cg_finding_actions, it is the action and TEXT is what comes before it;
 * otherwise the whole rest is TEXT, colons and all ("3:门口堆物:已清理" is
 * category 3, text "门口堆物:已清理"). TEXT must not be empty. Returns NULL
 * with *out set to {"category": N or NAME, "text": T[, "action":
 * A][, "illegal_construction": true]}, or why not.
 */
const char *cg_finding_from_text(const char *text, json_t **out);

#endif
