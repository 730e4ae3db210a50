/*
 * UTF-8 as the protocol requires it: shortest form, no surrogates, nothing
 * above U+10FFFF (libunistring's u8_check). proto3 strings must be valid
 * UTF-8; protobuf-c does not check, so the server does (common/proto_check.c,
 * from dispatch.c) before any text reaches a handler.
 */
#ifndef CG_UTF8_H
#define CG_UTF8_H

#include <stddef.h>

/* What cg_utf8_check finds wrong with counted text. */
enum { CG_UTF8_BAD = 1, CG_UTF8_NUL = 2 };

/* 0 when the n bytes at s are valid UTF-8 without a NUL byte, else
 * CG_UTF8_NUL or CG_UTF8_BAD (whichever comes first). */
int cg_utf8_check(const char *s, size_t n);

#endif
