#include "i18n.h"
#include "field_text.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const ProtobufCFieldDescriptor *cg_field_named(const ProtobufCMessageDescriptor *d,
                                               const char *name)
{
    return protobuf_c_message_descriptor_get_field_by_name(d, name);
}

/* Strict decimal integer in [min, max]: "not an integer" or "out of range". */
static const char *integer(const char *s, long long min, long long max, json_t **out)
{
    if (!((s[0] >= '0' && s[0] <= '9') || (s[0] == '-' && s[1] >= '0' && s[1] <= '9')))
        return _("not an integer");
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end != '\0')
        return _("not an integer");
    if (errno == ERANGE || v < min || v > max)
        return _("out of range");
    *out = json_integer(v);
    return *out ? NULL : _("out of memory");
}

static const char *boolean(const char *s, json_t **out)
{
    static const char *const yes[] = {"on", "yes", "true", "1"};
    static const char *const no[] = {"off", "no", "false", "0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcmp(s, yes[i]) == 0 || strcmp(s, no[i]) == 0) {
            *out = json_boolean(strcmp(s, yes[i]) == 0);
            return NULL;
        }
    }
    return _("not on or off");
}

const char *cg_field_from_text(const ProtobufCFieldDescriptor *f, const char *text, json_t **out)
{
    *out = NULL;
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING:
        *out = json_string(text); /* NULL for invalid UTF-8 */
        return *out ? NULL : _("not valid UTF-8");
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        return integer(text, INT32_MIN, INT32_MAX, out);
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        return integer(text, 0, UINT32_MAX, out);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        return integer(text, INT64_MIN, INT64_MAX, out);
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return integer(text, 0, INT64_MAX, out); /* a JSON integer is signed */
    case PROTOBUF_C_TYPE_BOOL:
        return boolean(text, out);
    default:
        return _("not a type that can be written as text");
    }
}

const char *cg_field_list_from_text(const ProtobufCFieldDescriptor *f, const char *text,
                                    json_t **out, char *bad, size_t badlen)
{
    *out = json_array();
    if (*out == NULL)
        return _("out of memory");
    if (f->type == PROTOBUF_C_TYPE_STRING) {
        json_t *v;
        const char *why = cg_field_from_text(f, text, &v);
        if (why == NULL && json_array_append_new(*out, v) == 0)
            return NULL;
        snprintf(bad, badlen, "%s", text);
        json_decref(*out);
        *out = NULL;
        return why ? why : _("out of memory");
    }
    for (const char *item = text;; item++) {
        size_t len = strcspn(item, ",");
        char *one = strndup(item, len);
        json_t *v = NULL;
        const char *why = one == NULL ? _("out of memory")
                          : len == 0  ? "empty item in a list"
                                      : cg_field_from_text(f, one, &v);
        if (why == NULL && json_array_append_new(*out, v) != 0)
            why = _("out of memory");
        if (why != NULL) {
            snprintf(bad, badlen, "%s", len > 0 && one != NULL ? one : text);
            free(one);
            json_decref(*out);
            *out = NULL;
            return why;
        }
        free(one);
        item += len;
        if (*item == '\0')
            return NULL;
    }
}

char *cg_field_to_text(const json_t *v)
{
    char buf[32];
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING:
        return strdup(json_string_value(v));
    case JSON_INTEGER:
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        return strdup(buf);
    case JSON_REAL:
        snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
        return strdup(buf);
    case JSON_TRUE:
        return strdup("true");
    case JSON_FALSE:
        return strdup("false");
    default:
        return strdup("");
    }
}
