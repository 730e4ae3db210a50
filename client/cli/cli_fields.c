#include "cli_fields.h"
#include "field_text.h"
#include "i18n.h"
#include "local_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPTS   64 /* options of one command at the most */
#define NAME_LEN   48
#define OPT_BASE   0x1000 /* getopt value of the first option */
#define HELP_WIDTH 22     /* "  --option ARG" padded to this, as cg_cli_print_help does */

/* --- the option tables ------------------------------------------------- */

/* One option of a command, resolved against the descriptors. */
typedef struct {
    const cg_opt *o;
    const ProtobufCFieldDescriptor *f; /* NULL for a local option */
    int is_value;                      /* fills in->values, not the request itself */
    size_t local;                      /* index in in->local_opts, for local options */
    char name[NAME_LEN];
} entry;

typedef struct {
    const cg_cli_command *cmd;
    const cg_input *in;
    entry e[MAX_OPTS];
    size_t n;
    json_t *req, *values, *given; /* given: field -> option that set it */
    const char **local;
} parse_ctx;

/* A programming mistake in a command table: says so and stops. */
__attribute__((noreturn)) static void bad_table(const cg_input *in, const char *field)
{
    fprintf(stderr, "chengguan: internal error: %s has no field '%s'\n", in->request->name, field);
    abort();
}

static void option_name(char *out, const cg_opt *o)
{
    snprintf(out, NAME_LEN, "%s", o->option ? o->option : o->field);
    for (char *p = out; *p; p++)
        if (*p == '_')
            *p = '-';
}

static const ProtobufCMessageDescriptor *values_desc(const cg_input *in)
{
    if (in->values == NULL)
        return NULL;
    const ProtobufCFieldDescriptor *f = cg_field_named(in->request, in->values);
    if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE)
        bad_table(in, in->values);
    return f->descriptor;
}

/* Resolves every option of in into e[]; returns how many. */
static size_t resolve(const cg_input *in, entry *e)
{
    const ProtobufCMessageDescriptor *vd = values_desc(in);
    size_t n = 0;
    for (int pass = 0; pass < 3; pass++) {
        const cg_opt *table = pass == 0 ? in->opts : pass == 1 ? in->value_opts : in->local_opts;
        const ProtobufCMessageDescriptor *d = pass == 0 ? in->request : vd;
        if (pass == 1 && table != NULL && vd == NULL)
            bad_table(in, "(value options without values)");
        for (size_t k = 0; table != NULL && table[k].help != NULL; k++) {
            if (n == MAX_OPTS || (pass == 2 && k >= CG_INPUT_MAX_LOCAL))
                bad_table(in, "(too many options)");
            entry *x = &e[n++];
            x->o = &table[k];
            x->is_value = pass == 1;
            x->local = k;
            x->f = NULL;
            if (pass < 2 && (x->f = cg_field_named(d, table[k].field)) == NULL)
                bad_table(in, table[k].field);
            option_name(x->name, &table[k]);
        }
    }
    return n;
}

/* A flag takes no value: it sets a constant, or a bool field to true. */
static int is_flag(const entry *x)
{
    return x->o->set != NULL || (x->f != NULL && x->f->type == PROTOBUF_C_TYPE_BOOL);
}

static int is_repeated(const entry *x)
{
    return x->f != NULL && x->f->label == PROTOBUF_C_LABEL_REPEATED;
}

static const char *arg_name(const cg_opt *o, const ProtobufCFieldDescriptor *f)
{
    if (o->arg != NULL)
        return o->arg;
    if (f == NULL || f->type == PROTOBUF_C_TYPE_STRING)
        return "TEXT";
    if (f->type == PROTOBUF_C_TYPE_BOOL)
        return "on|off";
    return f->label == PROTOBUF_C_LABEL_REPEATED ? "N[,N...]" : "N";
}

/* Appends "  LEFT  help" in the layout of cg_cli_print_help to out. */
static void help_line(FILE *out, const char *left, const char *help)
{
    if (strlen(left) + 2 > HELP_WIDTH)
        fprintf(out, "  %s\n  %-*s%s\n", left, HELP_WIDTH, "", help);
    else
        fprintf(out, "  %-*s%s\n", HELP_WIDTH, left, help);
}

char *cg_input_help(const cg_input *in, const char *intro)
{
    entry e[MAX_OPTS];
    size_t n = resolve(in, e);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out == NULL)
        return NULL;
    if (intro != NULL)
        fputs(cg_i18n(intro), out);
    if (in->operands != NULL && in->operands[0].help != NULL) {
        fputs(_("Arguments:\n"), out);
        for (size_t k = 0; in->operands[k].help != NULL; k++) {
            const cg_opt *o = &in->operands[k];
            if (cg_field_named(in->request, o->field) == NULL)
                bad_table(in, o->field);
            help_line(out, o->arg ? o->arg : o->field, cg_i18n(o->help));
        }
        fputc('\n', out);
    }
    fputs(_("Options:\n"), out);
    for (size_t k = 0; k < n; k++) {
        char left[128];
        if (is_flag(&e[k]))
            snprintf(left, sizeof left, "--%s", e[k].name);
        else
            snprintf(left, sizeof left, "--%s %s", e[k].name, arg_name(e[k].o, e[k].f));
        char help[512];
        snprintf(help, sizeof help, "%s%s%s", cg_i18n(e[k].o->help),
                 is_repeated(&e[k]) && !is_flag(&e[k]) ? _(" (repeatable)") : "",
                 e[k].o->required ? _(" (required)") : "");
        help_line(out, left, help);
    }
    if (fclose(out) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* The kind of value a field takes, for the hidden --list-options. */
static const char *value_kind(const cg_opt *o, const ProtobufCFieldDescriptor *f)
{
    if (f == NULL || o->from_text != NULL || o->now)
        return "value";
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING:
        return "text";
    case PROTOBUF_C_TYPE_BOOL:
        return "bool";
    case PROTOBUF_C_TYPE_ENUM:
        return "enum";
    case PROTOBUF_C_TYPE_MESSAGE:
    case PROTOBUF_C_TYPE_BYTES:
        return "value";
    default:
        return "number";
    }
}

/* The operands and options of in, one a line, for completion and tests:
 * "operand|option<TAB>NAME<TAB>ARG or -<TAB>required 0/1<TAB>kind". */
static void list_options(const cg_input *in)
{
    entry e[MAX_OPTS];
    size_t n = resolve(in, e);
    for (size_t k = 0; in->operands != NULL && in->operands[k].help != NULL; k++) {
        const cg_opt *o = &in->operands[k];
        const ProtobufCFieldDescriptor *f = cg_field_named(in->request, o->field);
        printf("operand\t%s\t%s\t1\t%s\n", o->arg ? o->arg : o->field, arg_name(o, f),
               value_kind(o, f));
    }
    for (size_t k = 0; k < n; k++)
        printf("option\t--%s\t%s\t%d\t%s\n", e[k].name,
               is_flag(&e[k]) ? "-" : arg_name(e[k].o, e[k].f), e[k].o->required,
               is_flag(&e[k]) ? "flag" : value_kind(e[k].o, e[k].f));
}

/* --- parsing ------------------------------------------------------------- */

static int set_value(parse_ctx *p, const entry *x, json_t *v)
{
    json_t *target = x->is_value ? p->values : p->req;
    const char *key = x->f->name;
    /* given is keyed by the field's place: "values.name" apart from "name". */
    char place[NAME_LEN * 2];
    snprintf(place, sizeof place, "%s%s", x->is_value ? "values." : "", key);
    const char *before = json_string_value(json_object_get(p->given, place));
    if (before != NULL && x->o->set != NULL && strcmp(before, x->name) != 0) {
        json_decref(v);
        return cg_cli_usage_error(p->cmd, _("--%s and --%s exclude each other"), before, x->name);
    }
    json_object_set_new(p->given, place, json_string(x->name));
    /* A repeated field: v holds the items this option adds to the list. */
    json_t *sofar = is_repeated(x) ? json_object_get(target, key) : NULL;
    int failed = sofar != NULL ? json_array_extend(sofar, v) : json_object_set(target, key, v);
    json_decref(v);
    if (failed)
        return cg_cli_usage_error(p->cmd, "out of memory");
    if (x->is_value && p->in->fields_list != NULL) {
        json_t *list = json_object_get(p->req, p->in->fields_list);
        size_t i;
        json_t *item;
        json_array_foreach(list, i, item)
        {
            if (strcmp(json_string_value(item), key) == 0)
                return 0;
        }
        json_array_append_new(list, json_string(key));
    }
    return 0;
}

/* The JSON of an option's value (for a repeated field, the array of the
 * items it adds), or why not with the part at fault in bad. */
static const char *value_from_text(const entry *x, const char *arg, json_t **v, char *bad,
                                   size_t badlen)
{
    char now[40];
    if (x->o->now && strcmp(arg, "now") == 0) {
        cg_time_now(now, sizeof now);
        arg = now;
    }
    if (x->o->from_text == NULL && is_repeated(x))
        return cg_field_list_from_text(x->f, arg, v, bad, badlen);
    snprintf(bad, badlen, "%s", arg);
    const char *why = x->o->from_text ? x->o->from_text(arg, v) : cg_field_from_text(x->f, arg, v);
    if (why == NULL && is_repeated(x) && !json_is_array(*v)) {
        json_t *list = json_array();
        if (list == NULL)
            json_decref(*v);
        if (list == NULL || json_array_append_new(list, *v) != 0) { /* which frees *v */
            json_decref(list);
            list = NULL;
            why = _("out of memory");
        }
        *v = list;
    }
    return why;
}

static int on_opt(int opt, const char *arg, void *ctx)
{
    parse_ctx *p = ctx;
    if (opt < OPT_BASE || (size_t)(opt - OPT_BASE) >= p->n)
        return cg_cli_usage_error(p->cmd, "unknown option");
    const entry *x = &p->e[opt - OPT_BASE];
    if (x->f == NULL) {
        p->local[x->local] = x->o->set ? x->o->set : arg;
        return 0;
    }
    json_t *v = NULL;
    if (x->o->set != NULL) {
        v = json_string(x->o->set);
    } else if (is_flag(x)) {
        v = json_true();
    } else {
        char bad[256];
        const char *why = value_from_text(x, arg, &v, bad, sizeof bad);
        if (why != NULL)
            return cg_cli_usage_error(p->cmd, "--%s: %s: '%s'", x->name, why, bad);
    }
    return set_value(p, x, v);
}

static int parse_operands(parse_ctx *p, int argc, char **argv, int first)
{
    int i = first;
    for (size_t k = 0; p->in->operands != NULL && p->in->operands[k].help != NULL; k++, i++) {
        const cg_opt *o = &p->in->operands[k];
        const char *name = o->arg ? o->arg : o->field;
        if (i >= argc)
            return cg_cli_usage_error(p->cmd, _("missing %s"), name);
        json_t *v;
        const char *why = cg_field_from_text(cg_field_named(p->in->request, o->field), argv[i], &v);
        if (why != NULL)
            return cg_cli_usage_error(p->cmd, "%s: %s: '%s'", name, why, argv[i]);
        json_object_set_new(p->req, o->field, v);
    }
    if (i < argc)
        return cg_cli_usage_error(p->cmd, _("unexpected argument '%s'"), argv[i]);
    return 0;
}

static int check_required(parse_ctx *p)
{
    if (p->in->fields_list != NULL &&
        json_array_size(json_object_get(p->req, p->in->fields_list)) == 0)
        return cg_cli_usage_error(p->cmd, "%s",
                                  _("nothing to change: give at least one field option"));
    for (size_t k = 0; k < p->n; k++) {
        const entry *x = &p->e[k];
        if (!x->o->required)
            continue;
        char place[NAME_LEN * 2];
        snprintf(place, sizeof place, "%s%s", x->is_value ? "values." : "", x->f ? x->f->name : "");
        int given = x->f ? json_object_get(p->given, place) != NULL : p->local[x->local] != NULL;
        if (!given)
            return cg_cli_usage_error(p->cmd, _("--%s is required"), x->name);
    }
    return 0;
}

/* The request to start from: the preset, with the values message and the
 * fields list in place. NULL when memory ran out. */
static json_t *new_request(const cg_input *in)
{
    json_t *req = in->preset ? json_loads(in->preset, 0, NULL) : json_object();
    if (req == NULL && in->preset != NULL)
        bad_table(in, in->preset);
    if (req != NULL && in->values != NULL)
        json_object_set_new(req, in->values, json_object());
    if (req != NULL && in->fields_list != NULL)
        json_object_set_new(req, in->fields_list, json_array());
    return req;
}

int cg_input_parse(const cg_cli_command *cmd, const cg_input *in, int argc, char **argv,
                   json_t **req, const char *local[CG_INPUT_MAX_LOCAL])
{
    *req = NULL;
    for (size_t k = 0; k < CG_INPUT_MAX_LOCAL; k++)
        local[k] = NULL;
    if (argc == 2 && strcmp(argv[1], "--list-options") == 0) {
        list_options(in);
        return CG_EXIT_OK;
    }
    parse_ctx *p = calloc(1, sizeof *p);
    struct option *longopts = calloc(MAX_OPTS + 1, sizeof *longopts);
    char *help = cg_input_help(in, cmd->help);
    if (p != NULL) {
        p->req = new_request(in);
        p->given = json_object();
    }
    if (p == NULL || longopts == NULL || help == NULL || p->req == NULL || p->given == NULL) {
        if (p != NULL) {
            json_decref(p->req);
            json_decref(p->given);
        }
        free(p);
        free(longopts);
        free(help);
        return cg_cli_usage_error(cmd, "out of memory");
    }
    p->cmd = cmd;
    p->in = in;
    p->local = local;
    p->values = in->values ? json_object_get(p->req, in->values) : NULL;
    p->n = resolve(in, p->e);
    for (size_t k = 0; k < p->n; k++)
        longopts[k] =
            (struct option){p->e[k].name, is_flag(&p->e[k]) ? no_argument : required_argument, NULL,
                            (int)(OPT_BASE + k)};

    /* The same command with the generated option list as its help. */
    cg_cli_command with_help = *cmd;
    with_help.help = help;
    p->cmd = &with_help;
    int operands;
    int rc = cg_cli_getopt(&with_help, argc, argv, "", longopts, on_opt, p, &operands);
    if (rc < 0 && (parse_operands(p, argc, argv, operands) != 0 || check_required(p) != 0))
        rc = CG_EXIT_USAGE;
    if (rc < 0)
        *req = json_incref(p->req);
    json_decref(p->req);
    json_decref(p->given);
    free(p);
    free(longopts);
    free(help);
    return rc;
}
