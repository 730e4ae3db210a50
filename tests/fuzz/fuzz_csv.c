/*
 * libFuzzer target: `compound import` reading a CSV file as the CLI does
 * (cli_compound.c read_import): the bytes decoded (UTF-8 or GB18030,
 * csv.c), split into records, made into a CompoundImport's JSON
 * (compound_csv.c) and into the message that is sent. An import the file
 * reader accepts must make a message (its problems are reported by line
 * before that), and what the CLI would send must pass the server's wire
 * check for text (valid UTF-8, no NUL).
 * The records must also survive being written and read again
 * (cg_csv_write_row, as export writes them).
 */
#include "compound_csv.h"
#include "csv.h"
#include "error.h"
#include "proto_check.h"
#include "proto_json.h"

#include "chengguan/v1/ledger.pb-c.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t no_limit(const ProtobufCFieldDescriptor *f, void *arg)
{
    return SIZE_MAX;
}

/* Written with cg_csv_write_row and parsed again, csv's records come back. */
static void check_round_trip(const cg_csv *csv)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (out == NULL)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < csv->count; i++) {
        const cg_csv_record *r = &csv->records[i];
        if (r->nfields == 1 && r->fields[0][0] == '\0')
            continue; /* written as a blank line, which readers skip */
        if (cg_csv_write_row(out, (const char *const *)r->fields, r->nfields) != 0)
            abort();
        kept++;
    }
    fclose(out);
    cg_csv again;
    char err[256];
    if (cg_csv_parse(text, len, &again, err, sizeof err) != 0 || again.count != kept)
        abort();
    size_t k = 0;
    for (size_t i = 0; i < csv->count; i++) {
        const cg_csv_record *r = &csv->records[i];
        if (r->nfields == 1 && r->fields[0][0] == '\0')
            continue;
        const cg_csv_record *s = &again.records[k++];
        if (s->nfields != r->nfields)
            abort();
        for (size_t f = 0; f < r->nfields; f++)
            if (strcmp(r->fields[f], s->fields[f]) != 0)
                abort();
    }
    cg_csv_free(&again);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text, err[512];
    size_t len;
    const char *encoding;
    if (cg_csv_decode((const char *)data, size, &text, &len, &encoding, err, sizeof err) != 0)
        return 0;
    cg_csv csv;
    int bad = cg_csv_parse(text, len, &csv, err, sizeof err);
    free(text);
    if (bad != 0)
        return 0;
    check_round_trip(&csv);
    json_t *errors = json_array();
    json_t *req = cg_compound_csv_import(&csv, errors);
    cg_csv_free(&csv);
    json_decref(errors);
    if (req == NULL)
        return 0;
    char why[256];
    ProtobufCMessage *m =
        cg_proto_from_json(&chengguan__v1__compound_import__descriptor, req, why, sizeof why);
    json_decref(req);
    if (m == NULL)
        abort(); /* a problem of the file that no line was blamed for */
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *wire = malloc(n + 1);
    if (wire == NULL)
        abort();
    protobuf_c_message_pack(m, wire);
    cg_proto_limits limits = {no_limit, NULL};
    char path[160];
    if (cg_proto_check(&chengguan__v1__compound_import__descriptor, wire, n, &limits, path,
                       sizeof path, why, sizeof why) == CG_EINVALID_ARGUMENT)
        abort(); /* the server would refuse the file's text */
    free(wire);
    protobuf_c_message_free_unpacked(m, NULL);
    return 0;
}
