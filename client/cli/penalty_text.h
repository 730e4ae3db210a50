/*
 * The penalties of a decision (处罚决定) written on the command line:
 * `--penalty warning,rectify` or `--penalty 警告、责令整改`, as the JSON array
 * of CaseMove.penalty.
 */
#ifndef CG_CLI_PENALTY_TEXT_H
#define CG_CLI_PENALTY_TEXT_H

#include <jansson.h>

/*
 * text is one penalty or a list of them separated by ',', '，' or '、'; each
 * is a protocol word (warning, fine, rectify, demolish) or its Chinese name
 * (警告, 罚款, 责令整改 or 限期整改, 责令拆除). Returns NULL with *out set to
 * the array of protocol words, or why not.
 */
const char *cg_penalty_from_text(const char *text, json_t **out);

#endif
