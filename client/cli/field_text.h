/*
 * Values of protocol fields written as text, as a command-line option or a
 * CSV cell gives them, and back: the JSON form of proto_json.h on one side,
 * the text a person types or a spreadsheet holds on the other.
 */
#ifndef CG_CLI_FIELD_TEXT_H
#define CG_CLI_FIELD_TEXT_H

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

/* The field called name of d, or NULL. */
const ProtobufCFieldDescriptor *cg_field_named(const ProtobufCMessageDescriptor *d,
                                               const char *name);

/*
 * The JSON value of text for field f: a string for string fields (which must
 * be valid UTF-8), an integer for integer fields (decimal, strictly: no
 * spaces, no '+', within the field's range; unsigned fields take no minus),
 * true or false for bool fields (on/off, yes/no, true/false, 1/0). Returns
 * NULL with *out set, or why not: "not an integer", "out of range", "not on
 * or off", "not valid UTF-8".
 */
const char *cg_field_from_text(const ProtobufCFieldDescriptor *f, const char *text, json_t **out);

/*
 * The items that text adds to the repeated field f, as a JSON array: for
 * number and bool fields a comma-separated list ("3,5,8"; no empty items),
 * each item as cg_field_from_text reads it; for string fields the whole text
 * as one item (text may hold commas). Returns NULL with *out set, or why not
 * with the bad item copied to bad.
 */
const char *cg_field_list_from_text(const ProtobufCFieldDescriptor *f, const char *text,
                                    json_t **out, char *bad, size_t badlen);

/* The text of a JSON scalar: a string as it is, an integer in decimal, a
 * boolean as true/false, null as "". malloc'd; NULL when memory ran out. */
char *cg_field_to_text(const json_t *v);

#endif
