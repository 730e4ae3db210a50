/*
 * The one clock people read: Beijing time (Asia/Shanghai, UTC+8 all year, no
 * daylight saving since 1991). Every instant shown to a person is written by
 * cg_time_text ("2021-03-09 10:00"); every instant in --json is RFC 3339 with
 * the +08:00 offset (the server answers in UTC; cg_time_json_local rewrites
 * them); ISO weeks are shown with their dates ("2021-W10 (03-08 – 03-14)").
 * Nothing here depends on the TZ variable or the C library's time zone.
 */
#ifndef CG_CLI_LOCAL_TIME_H
#define CG_CLI_LOCAL_TIME_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define CG_LOCAL_OFFSET_S (8 * 3600) /* Asia/Shanghai */

/* An RFC 3339 instant "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)"
 * ('T' or a space) as microseconds since the epoch, the fraction cut to
 * microseconds. 0, or -1 when s is not one. */
int cg_time_parse(const char *s, int64_t *us);

/* "2021-03-09 10:00": the instant us in Beijing time, to the minute. */
void cg_time_text(int64_t us, char *buf, size_t len);

/* "2021-03-09 10:00" for an RFC 3339 instant s; 0, or -1 when s is not one. */
int cg_time_text_of(const char *s, char *buf, size_t len);

/* "2021-03-09T10:00:00.123+08:00": us in RFC 3339 with Beijing's offset,
 * with milliseconds when ms is non-zero. */
void cg_time_rfc3339(int64_t us, int ms, char *buf, size_t len);

/* The current instant as cg_time_rfc3339 writes it, to the second: what an
 * option that takes an instant sends for the word "now". */
void cg_time_now(char *buf, size_t len);

/* Whether a reply member of this name holds an instant: "at", "start", "end"
 * and names ending in "_at" or "_due" (created_at, ack_due, ...). */
int cg_time_is_instant_name(const char *key);

/*
 * Rewrites in place, in v and every object and array inside it, the instants
 * of the server's replies (RFC 3339 in UTC) into +08:00, keeping their
 * fraction: "2021-03-01T01:30:00.000Z" -> "2021-03-01T09:30:00.000+08:00".
 * Only members that hold instants by their name are touched
 * (cg_time_is_instant_name); a value there that is not an instant ("" for
 * none) is left as it is.
 */
void cg_time_json_local(json_t *v);

/* An ISO week "YYYY-Www", the week number with one or two digits and 'W' in
 * either case ("2021-W9", "2021-w09"), written as the protocol spells it
 * ("2021-W09") in buf (at least 9 bytes). 0, or -1 when s is not one (a
 * week 53 of a year that has 52 is left for the server to refuse). */
int cg_week_parse(const char *s, char *buf, size_t len);

/* "2021-W10 (03-08 – 03-14)": the week "YYYY-Www" with its Monday and Sunday;
 * 0, or -1 when week is not one. */
int cg_week_text(const char *week, char *buf, size_t len);

#endif
