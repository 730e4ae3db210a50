/*
 * A long text given as a file on the command line (a meeting's minutes, a
 * good practice's write-up): `--minutes 纪要.txt`, or `-` for standard input.
 */
#ifndef CG_CLI_TEXT_FILE_H
#define CG_CLI_TEXT_FILE_H

#include <jansson.h>

/* The most bytes read from such a file: the server takes 20000 characters,
 * at most 4 bytes each in UTF-8. */
#define CG_TEXT_FILE_MAX (20000 * 4)

/* A cg_opt from_text: reads the file named path (or standard input for "-")
 * whole into *out as a JSON string. Returns NULL, or why not (unreadable,
 * larger than CG_TEXT_FILE_MAX, not UTF-8). */
const char *cg_text_file(const char *path, json_t **out);

#endif
