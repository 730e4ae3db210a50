/*
 * Terminal width of UTF-8 text, from libunistring's Unicode tables (uniwidth.h):
 * East Asian Wide and Fullwidth characters (兴隆台) take 2 columns, combining
 * marks and zero-width characters 0, controls 0, everything else 1. Ambiguous
 * characters (East Asian Width A: "·", "×", "→", "①") take 2 columns under a
 * Chinese, Japanese or Korean locale (LC_CTYPE), as CJK terminals draw them,
 * and 1 otherwise. Used to align tables that mix Chinese and Latin text.
 */
#ifndef CG_CLI_WIDTH_H
#define CG_CLI_WIDTH_H

#include <stddef.h>

/* Columns of a NUL-terminated UTF-8 string under the current LC_CTYPE. A
 * byte that is not part of a valid sequence (bad, overlong, surrogate,
 * truncated) counts as 1 column. */
size_t cg_display_width(const char *s);

#endif
