/*
 * A duration as a clerk writes it: a whole number of the largest unit that
 * fits it exactly, "5 秒", "2 小时", "3 天" (English: "5 s", "2 h", "3 days"),
 * through gettext with plural forms.
 */
#ifndef CG_CLI_DURATION_TEXT_H
#define CG_CLI_DURATION_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* ms as text in buf: days, hours, minutes or seconds when it is a whole
 * number of one of them, else milliseconds. */
void cg_duration_text(uint64_t ms, char *buf, size_t len);

#endif
