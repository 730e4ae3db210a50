/* chengguan case attach | attachments | download: the evidence of a case
 * (photos, PDFs, video clips), sent and fetched in chunks over one
 * connection and checked against its SHA-256 at both ends. An interrupted
 * attach run again resumes where the server's copy ends. */
#include "i18n.h"
#include "cli.h"
#include "cli_case_evidence.h"
#include "cli_request.h"
#include "proto_json.h"

#include "chengguan/v1/evidence.pb-c.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define SHA_LEN 32

static int no_memory(void)
{
    fprintf(stderr, "chengguan: %s\n", _("out of memory"));
    return CG_EXIT_CONNECT;
}

/* --- a progress bar on stderr, only on a terminal ------------------------- */

typedef struct {
    int on;
    int shown; /* the last percentage drawn, -1 for none */
} progress;

static void progress_start(progress *p)
{
    p->on = isatty(STDERR_FILENO);
    p->shown = -1;
}

static void progress_show(progress *p, uint64_t done, uint64_t total)
{
    int pct = total ? (int)(done * 100 / total) : 100;
    if (!p->on || pct == p->shown)
        return;
    p->shown = pct;
    char bar[41];
    int fill = pct * 40 / 100;
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(40 - fill));
    bar[40] = '\0';
    fprintf(stderr, "\r[%s] %3d%%  %llu/%llu", bar, pct, (unsigned long long)done,
            (unsigned long long)total);
}

static void progress_end(progress *p)
{
    if (p->on && p->shown >= 0)
        fputc('\n', stderr);
}

/* --- a file's SHA-256 and media type ------------------------------------------ */

/* The SHA-256 and size of the open file f, read from its start. 0 or -1. */
static int file_digest(FILE *f, uint8_t sha[SHA_LEN], uint64_t *size)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    static unsigned char buf[1 << 16];
    size_t n;
    int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    *size = 0;
    rewind(f);
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        ok = EVP_DigestUpdate(md, buf, n);
        *size += n;
    }
    ok = ok && !ferror(f) && EVP_DigestFinal_ex(md, sha, NULL);
    EVP_MD_CTX_free(md);
    return ok ? 0 : -1;
}

/* The media type of a file by its first bytes, else by its name's ending;
 * NULL when it is none of the kinds the server takes. */
static const char *media_type(const unsigned char *h, size_t n, const char *name)
{
    if (n >= 3 && memcmp(h, "\xFF\xD8\xFF", 3) == 0)
        return "image/jpeg";
    if (n >= 8 && memcmp(h, "\x89PNG\r\n\x1A\n", 8) == 0)
        return "image/png";
    if (n >= 5 && memcmp(h, "%PDF-", 5) == 0)
        return "application/pdf";
    if (n >= 12 && memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WEBP", 4) == 0)
        return "image/webp";
    if (n >= 12 && memcmp(h + 4, "ftyp", 4) == 0) {
        const unsigned char *brand = h + 8;
        if (memcmp(brand, "qt  ", 4) == 0)
            return "video/quicktime";
        if (memcmp(brand, "heic", 4) == 0 || memcmp(brand, "heix", 4) == 0 ||
            memcmp(brand, "mif1", 4) == 0 || memcmp(brand, "msf1", 4) == 0)
            return "image/heic";
        return "video/mp4";
    }
    static const char *const by_ending[][2] = {
        {".jpg", "image/jpeg"},  {".jpeg", "image/jpeg"},     {".png", "image/png"},
        {".webp", "image/webp"}, {".heic", "image/heic"},     {".pdf", "application/pdf"},
        {".mp4", "video/mp4"},   {".mov", "video/quicktime"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t k = 0; dot != NULL && k < sizeof by_ending / sizeof by_ending[0]; k++)
        if (strcasecmp(dot, by_ending[k][0]) == 0)
            return by_ending[k][1];
    return NULL;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t k = 0; k < n; k++)
        sprintf(out + 2 * k, "%02x", b[k]);
}

/* --- attach -------------------------------------------------------------------- */

static const cg_column attachment_lines[] = {
    {.header = N_("case"), .field = "case_id"},
    {.header = N_("number"), .field = "number"},
    {.header = N_("name"), .field = "name"},
    {.header = N_("media type"), .field = "media_type"},
    {.header = N_("size"), .field = "size"},
    {.header = N_("SHA-256"), .field = "sha256"},
    {.header = N_("note"), .field = "note"},
    {.header = N_("taken at"), .field = "taken_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("latitude"), .field = "lat"},
    {.header = N_("longitude"), .field = "lon"},
    {.header = N_("account"), .field = "account"},
    {.header = N_("attached at"), .field = "attached_at", .fmt = CG_FMT_LOCAL},
    {0},
};

static const cg_opt attach_operands[] = {
    {.field = "case_id", .arg = "ID", .required = 1, .help = N_("the case's id")},
    {.field = "name",
     .arg = "FILE",
     .required = 1,
     .help = N_("a photo, PDF or video clip (its name is kept without the directory)")},
    {0},
};

static const cg_opt attach_opts[] = {
    {.field = "note", .help = N_("what it shows, up to 2000 characters")},
    {.field = "taken_at",
     .arg = "TIME",
     .now = 1,
     .help = N_("when it was taken (Beijing time unless given an offset)")},
    {.field = "lat", .arg = "DEGREES", .help = N_("where it was taken: latitude (with --lon)")},
    {.field = "lon", .arg = "DEGREES", .help = N_("and longitude")},
    {0},
};

static const cg_request_spec attach_spec = {
    .in = {.request = &chengguan__v1__case_attach_begin__descriptor,
           .operands = attach_operands,
           .opts = attach_opts},
    .columns = attachment_lines,
};

/* Sends the file from the offset the server has, then commits. Returns 0
 * with *done set to the attachment as JSON, or an exit code after saying
 * why. */
static int upload(const cg_cli *cli, cg_client *c, FILE *f, json_t *begin, json_t **done)
{
    json_t *up;
    int rc = cg_request_call(c, &chengguan__v1__case_attach_begin__descriptor, begin, &up);
    if (rc != 0)
        return rc;
    uint64_t id = (uint64_t)json_integer_value(json_object_get(up, "upload_id"));
    uint64_t off = (uint64_t)json_integer_value(json_object_get(up, "received"));
    uint64_t size = (uint64_t)json_integer_value(json_object_get(up, "size"));
    size_t chunk = (size_t)json_integer_value(json_object_get(up, "chunk_bytes"));
    json_decref(up);
    if (chunk == 0 || chunk > (1u << 24))
        chunk = 1u << 16;
    if (off > 0)
        fprintf(stderr, _("chengguan: resuming: the server has %llu of %llu bytes\n"),
                (unsigned long long)off, (unsigned long long)size);
    uint8_t *buf = malloc(chunk);
    if (buf == NULL)
        return no_memory();
    progress bar;
    progress_start(&bar);
    progress_show(&bar, off, size);
    rc = fseeko(f, (off_t)off, SEEK_SET) == 0 ? 0 : CG_EXIT_USAGE;
    while (rc == 0 && off < size) {
        size_t n = fread(buf, 1, size - off < chunk ? (size_t)(size - off) : chunk, f);
        if (n == 0) {
            fprintf(stderr, _("chengguan: the file got shorter while it was sent\n"));
            rc = CG_EXIT_USAGE;
            break;
        }
        Chengguan__V1__CaseAttachChunk m = CHENGGUAN__V1__CASE_ATTACH_CHUNK__INIT;
        m.upload_id = id;
        m.offset = off;
        m.data.data = buf;
        m.data.len = n;
        ProtobufCMessage *r;
        int err = cg_call(c, &m.base, &r);
        if (err != 0) {
            progress_end(&bar);
            rc = cg_cli_fail(c, err);
            break;
        }
        off = ((Chengguan__V1__CaseUpload *)r)->received;
        cg_message_free(r);
        progress_show(&bar, off, size);
        if (fseeko(f, (off_t)off, SEEK_SET) != 0)
            rc = CG_EXIT_USAGE;
    }
    free(buf);
    if (rc != 0)
        return rc;
    progress_end(&bar);
    json_t *commit = json_pack("{s:I}", "upload_id", (json_int_t)id);
    uint8_t key[CG_CLI_KEY_MAX];
    size_t keylen = cli->idempotency_key ? strlen(cli->idempotency_key) : 16;
    if (cli->idempotency_key)
        memcpy(key, cli->idempotency_key, keylen);
    else if (cg_idempotency_key(key) != 0)
        keylen = 0;
    char keyhex[2 * CG_CLI_KEY_MAX + 1];
    hex(key, keylen, keyhex);
    if (commit == NULL ||
        json_object_set_new(commit, "idempotency_key", json_string(keyhex)) != 0) {
        json_decref(commit);
        return no_memory();
    }
    rc = cg_request_call(c, &chengguan__v1__case_attach_commit__descriptor, commit, done);
    json_decref(commit);
    return rc;
}

static int run_attach(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv)
{
    json_t *req;
    const char *local[CG_INPUT_MAX_LOCAL];
    int rc = cg_input_parse(cmd, &attach_spec.in, argc, argv, &req, local);
    if (rc >= 0)
        return rc;
    char *path = strdup(json_string_value(json_object_get(req, "name")));
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (f == NULL) {
        rc = path ? cg_cli_usage_error(cmd, _("cannot read '%s': %s"), path, strerror(errno))
                  : no_memory();
        free(path);
        json_decref(req);
        return rc;
    }
    unsigned char head[16];
    size_t n = fread(head, 1, sizeof head, f);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const char *type = media_type(head, n, base);
    uint8_t sha[SHA_LEN];
    uint64_t size = 0;
    char shahex[2 * SHA_LEN + 1];
    if (type == NULL)
        rc = cg_cli_usage_error(cmd,
                                _("'%s' is not a photo (JPEG, PNG, WebP, HEIC), a PDF or a "
                                  "video clip (MP4, QuickTime)"),
                                path);
    else if (file_digest(f, sha, &size) != 0)
        rc = cg_cli_usage_error(cmd, _("cannot read '%s': %s"), path, strerror(errno));
    else if (size == 0)
        rc = cg_cli_usage_error(cmd, _("'%s' is empty"), path);
    if (rc < 0) {
        hex(sha, SHA_LEN, shahex);
        json_object_set_new(req, "name", json_string(base));
        json_object_set_new(req, "media_type", json_string(type));
        json_object_set_new(req, "size", json_integer((json_int_t)size));
        json_object_set_new(req, "sha256", json_string(shahex));
        cg_client *c;
        rc = cg_cli_connect(cli, &c);
        json_t *done = NULL;
        if (rc == 0) {
            rc = upload(cli, c, f, req, &done);
            cg_client_free(c);
        }
        if (rc == 0 && cli->json)
            rc = cg_json_print(done) != 0 ? CG_EXIT_CONNECT : 0;
        else if (rc == 0) {
            cg_table *t = cg_view_vertical(done, attachment_lines);
            if (t == NULL)
                rc = no_memory();
            cg_table_print(t, stdout);
            cg_table_free(t);
            json_decref(done);
        }
    }
    fclose(f);
    free(path);
    json_decref(req);
    return rc;
}

/* --- attachments ----------------------------------------------------------------- */

static const cg_column list_columns[] = {
    {.header = N_("number"), .field = "number"},
    {.header = N_("name"), .field = "name"},
    {.header = N_("media type"), .field = "media_type"},
    {.header = N_("size"), .field = "size"},
    {.header = N_("taken at"), .field = "taken_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("account"), .field = "account"},
    {.header = N_("attached at"), .field = "attached_at", .fmt = CG_FMT_LOCAL},
    {.header = N_("note"), .field = "note"},
    {0},
};

static const cg_opt case_operand[] = {
    {.field = "case_id", .arg = "ID", .required = 1, .help = N_("the case's id")}, {0}};

static const cg_request_spec list_spec = {
    .in = {.request = &chengguan__v1__case_attachment_list__descriptor, .operands = case_operand},
    .rows = "attachments",
    .columns = list_columns,
};

/* --- download -------------------------------------------------------------------- */

static const cg_opt download_operands[] = {
    {.field = "case_id", .arg = "ID", .required = 1, .help = N_("the case's id")},
    {.field = "number", .arg = "N", .required = 1, .help = N_("the attachment's number")},
    {0},
};

static const cg_opt download_local[] = {
    {.option = "output",
     .arg = "FILE",
     .required = 1,
     .help = N_("where to write it (-o; written only once its SHA-256 matches)")},
    {0},
};

static const cg_request_spec download_spec = {
    .in = {.request = &chengguan__v1__case_attachment_read__descriptor,
           .operands = download_operands,
           .local_opts = download_local},
};

/* Reads the attachment chunk by chunk into out, hashing as it goes. 0 when
 * every byte came and the SHA-256 is the one the server holds. */
static int fetch(cg_client *c, uint64_t id, uint32_t number, FILE *out, const char *name)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(md);
        return no_memory();
    }
    progress bar;
    progress_start(&bar);
    uint64_t off = 0, size = 0;
    uint8_t want[SHA_LEN] = {0}, got[SHA_LEN];
    int rc = 0;
    do {
        Chengguan__V1__CaseAttachmentRead m = CHENGGUAN__V1__CASE_ATTACHMENT_READ__INIT;
        m.case_id = id;
        m.number = number;
        m.offset = off;
        ProtobufCMessage *r;
        int err = cg_call(c, &m.base, &r);
        if (err != 0) {
            progress_end(&bar);
            rc = cg_cli_fail(c, err);
            break;
        }
        Chengguan__V1__CaseAttachmentData *d = (Chengguan__V1__CaseAttachmentData *)r;
        size = d->size;
        if (d->sha256.len == SHA_LEN)
            memcpy(want, d->sha256.data, SHA_LEN);
        if (d->data.len == 0 && off < size) {
            fprintf(stderr, _("chengguan: the server sent no bytes at offset %llu\n"),
                    (unsigned long long)off);
            rc = CG_EXIT_CONNECT;
        } else if (fwrite(d->data.data, 1, d->data.len, out) != d->data.len) {
            fprintf(stderr, _("chengguan: writing %s: %s\n"), name, strerror(errno));
            rc = CG_EXIT_USAGE;
        } else {
            EVP_DigestUpdate(md, d->data.data, d->data.len);
            off += d->data.len;
            progress_show(&bar, off, size);
        }
        cg_message_free(r);
    } while (rc == 0 && off < size);
    if (rc == 0) {
        progress_end(&bar);
        EVP_DigestFinal_ex(md, got, NULL);
        if (memcmp(got, want, SHA_LEN) != 0) {
            fprintf(stderr,
                    _("chengguan: the bytes received do not match the attachment's "
                      "SHA-256: %s not written\n"),
                    name);
            rc = CG_EXIT_CONNECT;
        }
    }
    EVP_MD_CTX_free(md);
    return rc;
}

static int run_download(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv)
{
    /* -o FILE is --output FILE */
    for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++)
        if (strcmp(argv[k], "-o") == 0)
            argv[k] = "--output";
    json_t *req;
    const char *local[CG_INPUT_MAX_LOCAL];
    int rc = cg_input_parse(cmd, &download_spec.in, argc, argv, &req, local);
    if (rc >= 0)
        return rc;
    if ((rc = cg_cli_refuse_key(cli, cmd)) != 0) {
        json_decref(req);
        return rc;
    }
    uint64_t id = (uint64_t)json_integer_value(json_object_get(req, "case_id"));
    uint32_t number = (uint32_t)json_integer_value(json_object_get(req, "number"));
    json_decref(req);
    const char *name = local[0];
    size_t len = strlen(name);
    char *tmp = malloc(len + 16);
    if (tmp == NULL)
        return no_memory();
    snprintf(tmp, len + 16, "%s.part-XXXXXX", name);
    int fd = mkstemp(tmp);
    FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (out == NULL) {
        rc = cg_cli_usage_error(cmd, _("cannot write '%s': %s"), name, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return rc;
    }
    cg_client *c;
    rc = cg_cli_connect(cli, &c);
    if (rc == 0) {
        rc = fetch(c, id, number, out, name);
        cg_client_free(c);
    }
    if (fclose(out) != 0 && rc == 0) {
        fprintf(stderr, _("chengguan: writing %s: %s\n"), name, strerror(errno));
        rc = CG_EXIT_USAGE;
    }
    if (rc == 0 && rename(tmp, name) != 0) {
        fprintf(stderr, _("chengguan: writing %s: %s\n"), name, strerror(errno));
        rc = CG_EXIT_USAGE;
    }
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

/* --- the commands ------------------------------------------------------------------ */

const cg_cli_command cg_cli_case_attach = {
    .name = "case attach",
    .args = "ID FILE [--note TEXT] [--taken-at TIME] [--lat DEGREES --lon DEGREES]",
    .summary = N_("attach a photo, PDF or video clip to a case as evidence"),
    .help = N_("Sends the file in chunks, with its SHA-256; the server checks it before the\n"
               "attachment exists (numbered from 1 in the order attached). Run again after\n"
               "an interruption, it resumes where the server's copy ends. A progress bar\n"
               "is drawn on a terminal. The type is read from the file's first bytes.\n\n"),
    .run = run_attach,
    .spec = &attach_spec,
};

const cg_cli_command cg_cli_case_attachments = {
    .name = "case attachments",
    .args = "ID",
    .summary = N_("list a case's attachments"),
    .help = N_("Lists the evidence of a case in the order attached (--json: one object\n"
               "per attachment).\n\n"),
    .run = cg_request_run,
    .spec = &list_spec,
};

const cg_cli_command cg_cli_case_download = {
    .name = "case download",
    .args = "ID N -o FILE",
    .summary = N_("fetch an attachment of a case"),
    .help = N_("Fetches attachment N in chunks into a temporary file beside FILE and\n"
               "renames it to FILE only when its SHA-256 matches the server's.\n\n"),
    .run = run_download,
    .spec = &download_spec,
};
