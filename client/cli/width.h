/*
 * Terminal width of UTF-8 text, independent of the locale: East Asian Wide
 * and Fullwidth characters (Unicode's EastAsianWidth W and F, e.g. 兴隆台)
 * take 2 columns, combining marks and zero-width characters 0, everything
 * else 1. Used to align tables that mix Chinese and Latin text.
 */
#ifndef CG_CLI_WIDTH_H
#define CG_CLI_WIDTH_H

#include <stddef.h>
#include <stdint.h>

/* Columns of one code point: 0, 1 or 2. Controls count 0. */
int cg_char_width(uint32_t cp);

/* Columns of a NUL-terminated UTF-8 string. A byte that does not start a
 * valid sequence (bad, overlong, surrogate, truncated) counts as 1 column. */
size_t cg_display_width(const char *s);

#endif
