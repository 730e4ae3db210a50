/*
 * Command lines that fill a protocol request, driven by the message
 * descriptors: `--households 120` sets the int32 field households, `--demo`
 * the bool field demo, `--district 兴隆台区` the string field district. A
 * command describes its operands and options in small tables of cg_opt; the
 * option names, value types, strict number parsing, --help text and
 * "required" checks come from here, and the result is the request as a JSON
 * object (see proto_json.h), ready for cg_proto_from_json.
 */
#ifndef CG_CLI_FIELDS_H
#define CG_CLI_FIELDS_H

#include "cli.h"

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

/*
 * One operand or option; a table of them ends with an entry whose help is NULL.
 * An option on a repeated field may be given again and adds to the list; on a
 * repeated number field each value may also be a comma list ("--officer 3,5").
 */
typedef struct {
    const char *field;  /* the field it fills (unused for local options) */
    const char *option; /* long option name; NULL: field with '_' -> '-' */
    const char *arg;    /* name of the value in --help ("N", "DATE"); NULL: by the field's type */
    const char *set;    /* a flag that sets the string field to this value (--entered -> "yes") */
    int required;       /* the option must be given */
    const char *help;   /* one line for --help */
    int now;            /* an instant: the word "now" stands for the current one (cg_time_now) */
    /* A value written in a form of its own, e.g. a Finding as CATEGORY:TEXT[:ACTION]:
     * returns NULL with *out set to its JSON, or why not. NULL: by the field's type.
     * For a repeated field an array is the items the value adds (a list of them). */
    const char *(*from_text)(const char *text, json_t **out);
} cg_opt;

/* What a command line fills in a request. */
typedef struct {
    const ProtobufCMessageDescriptor *request;
    const cg_opt *operands;   /* fields of the request, in order; NULL for none */
    const cg_opt *opts;       /* options on fields of the request */
    const char *values;       /* a message field of the request that value_opts fill */
    const cg_opt *value_opts; /* options on the fields of that message */
    const char *fields_list;  /* repeated string field of the request naming the value_opts
                                 given, in order (CompoundUpdate.fields); NULL for none */
    const char *preset;       /* JSON object the request starts from, e.g. {"limit":1000} */
    const cg_opt *local_opts; /* options the command reads itself (local[]), not fields */
} cg_input;

#define CG_INPUT_MAX_LOCAL 8 /* local options of one command at the most */

/*
 * Parses the operands and options of argv (argv[0] is the command) into a
 * new JSON object *req. Values of local options go to local[k], k being
 * the option's index in in->local_opts (NULL when not given). With a
 * fields_list, at least one value option must be given. Returns -1 to go on,
 * or an exit code to stop with: CG_EXIT_OK after --help (printed with the
 * generated option list), CG_EXIT_USAGE after a mistake (reported).
 */
int cg_input_parse(const cg_cli_command *cmd, const cg_input *in, int argc, char **argv,
                   json_t **req, const char *local[CG_INPUT_MAX_LOCAL]);

/* The --help text of a command: intro (may be NULL), then the operands and
 * options of in, one line each. malloc'd; NULL when memory ran out. */
char *cg_input_help(const cg_input *in, const char *intro);

#endif
