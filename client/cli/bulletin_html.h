/*
 * The supervision bulletin as one self-contained HTML page: no script, no
 * network, styles inline, charts as inline SVG: the table of indicators,
 * each indicator by unit, weekly patrol compliance over the period and new
 * illegal-construction cases by month. Texts are the CLI's (translated).
 */
#ifndef CG_CLI_BULLETIN_HTML_H
#define CG_CLI_BULLETIN_HTML_H

#include <jansson.h>
#include <stdio.h>

/* Writes the page of reply (a StatsBulletinReply as JSON). 0 or -1. */
int cg_bulletin_html(FILE *out, const json_t *reply);

/* Writes s with &, <, >, " and ' escaped. */
void cg_html_text(FILE *out, const char *s);

/* The head of a page titled title, with the shared styles, up to <body>. */
void cg_html_begin(FILE *out, const char *title);

#endif
