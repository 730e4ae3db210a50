/*
 * UTF-8 as the protocol requires it: shortest form, no surrogates, nothing
 * above U+10FFFF. proto3 strings must be valid UTF-8; protobuf-c does not
 * check, so the server does (dispatch.c) before any text reaches a handler.
 */
#ifndef CG_UTF8_H
#define CG_UTF8_H

#include <stdint.h>

/* Decodes one sequence at s (NUL-terminated text). Returns its length (1..4)
 * with *cp set, or 0 when s does not start a valid sequence. */
int cg_utf8_decode(const unsigned char *s, uint32_t *cp);

/* 1 when the NUL-terminated s is valid UTF-8. */
int cg_utf8_valid(const char *s);

#endif
