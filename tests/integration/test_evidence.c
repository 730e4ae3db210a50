/*
 * Evidence of a case against the real server: a multi-chunk upload through
 * the CLI and the download of the same bytes; a SHA-256 that does not match
 * refused with nothing attached; a file over max_attachment_bytes refused
 * before any byte is sent; an upload that stops halfway leaves nothing
 * visible and resumes to completion; who may attach, list and download;
 * retried chunks and commits change nothing; an expired upload is dropped. The server runs with
 * small frames so that a file of a few hundred kB takes many chunks.
 */
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/sha.h>

#include "harness.h"

#include "chengguan/v1/evidence.pb-c.h"

static cg_test_server server;
static char out[1 << 16];

#define UNIT  "liaodongwan"
#define LIMIT (300 * 1024)

static uint64_t compound, officer;

/* The CLI (LANG=C), stdout and stderr in out; fails the test unless it exits want. */
#define exits(want, ...) cg_test_cli_exits(&server, want, out, sizeof out, __VA_ARGS__)
#define OK(...)          exits(0, __VA_ARGS__)
#define REFUSED(...)     exits(2, __VA_ARGS__)

static void expect(const char *s)
{
    if (strstr(out, s) == NULL)
        fail_msg("expected '%s' in:\n%s", s, out);
}

static int count(const char *s)
{
    int n = 0;
    for (const char *p = out; (p = strstr(p, s)) != NULL; p++)
        n++;
    return n;
}

static uint64_t open_case(void)
{
    if (compound == 0)
        compound = cg_test_make_compound(&server, UNIT, UNIT, "证据小区", "property-demo",
                                         "2021-02-01", &officer);
    OK("--as " UNIT " --json case open --compound %llu --category 2 --source patrol "
       "--summary 楼顶违法搭建",
       (unsigned long long)compound);
    return cg_test_json_id(out);
}

/* n bytes that start like a JPEG, the rest from seed. */
static unsigned char *photo(size_t n, unsigned seed)
{
    unsigned char *b = malloc(n);
    assert_non_null(b);
    for (size_t k = 0; k < n; k++)
        b[k] = (unsigned char)((k * 2654435761u + seed) >> 13);
    memcpy(b, "\xFF\xD8\xFF\xE0", 4);
    return b;
}

static void write_file(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* 1 when the file at path holds exactly b[0..n). */
static int same_file(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    unsigned char *got = malloc(n + 1);
    size_t k = fread(got, 1, n + 1, f);
    fclose(f);
    int same = k == n && memcmp(got, b, n) == 0;
    free(got);
    return same;
}

static void scratch(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", server.dir, name);
}

/* CaseAttachBegin as account for bytes b[0..n) (with the SHA-256 of sha_of,
 * n bytes, when it is not NULL). */
static Chengguan__V1__CaseUpload *begin(const char *account, uint64_t id, const unsigned char *b,
                                        size_t n, const unsigned char *sha_of, int want)
{
    unsigned char sha[SHA256_DIGEST_LENGTH];
    SHA256(sha_of ? sha_of : b, n, sha);
    Chengguan__V1__CaseAttachBegin m = CHENGGUAN__V1__CASE_ATTACH_BEGIN__INIT;
    m.case_id = id;
    m.name = "photo.jpg";
    m.media_type = "image/jpeg";
    m.size = n;
    m.sha256.data = sha;
    m.sha256.len = sizeof sha;
    return (Chengguan__V1__CaseUpload *)cg_test_call(&server, account, &m.base, want, NULL);
}

/* Sends b[from..to) in the server's chunks; returns what it has then. */
static uint64_t send_chunks(const char *account, const Chengguan__V1__CaseUpload *u,
                            const unsigned char *b, uint64_t from, uint64_t to)
{
    uint64_t off = from;
    while (off < to) {
        Chengguan__V1__CaseAttachChunk m = CHENGGUAN__V1__CASE_ATTACH_CHUNK__INIT;
        m.upload_id = u->upload_id;
        m.offset = off;
        m.data.data = (uint8_t *)b + off;
        m.data.len = to - off < u->chunk_bytes ? to - off : u->chunk_bytes;
        Chengguan__V1__CaseUpload *r =
            (Chengguan__V1__CaseUpload *)cg_test_call(&server, account, &m.base, 0, NULL);
        assert_non_null(r);
        assert_int_equal(r->received, off + m.data.len);
        off = r->received;
        cg_message_free(&r->base);
    }
    return off;
}

/* Sends b[0..len) again, which the server has: it still has `has`. */
static void resend(const char *account, const Chengguan__V1__CaseUpload *u, const unsigned char *b,
                   size_t len, uint64_t has)
{
    Chengguan__V1__CaseAttachChunk m = CHENGGUAN__V1__CASE_ATTACH_CHUNK__INIT;
    m.upload_id = u->upload_id;
    m.data.data = (uint8_t *)b;
    m.data.len = len;
    Chengguan__V1__CaseUpload *r =
        (Chengguan__V1__CaseUpload *)cg_test_call(&server, account, &m.base, 0, NULL);
    assert_non_null(r);
    assert_int_equal(r->received, has);
    cg_message_free(&r->base);
}

static ProtobufCMessage *commit(const char *account, uint64_t upload, const uint8_t key[16],
                                int want, const char *field)
{
    Chengguan__V1__CaseAttachCommit m = CHENGGUAN__V1__CASE_ATTACH_COMMIT__INIT;
    m.idempotency_key.data = (uint8_t *)key;
    m.idempotency_key.len = 16;
    m.upload_id = upload;
    return cg_test_call(&server, account, &m.base, want, field);
}

static void test_round_trip_and_timeline(void **state)
{
    uint64_t id = open_case();
    size_t n = 200 * 1024 + 17;
    unsigned char *b = photo(n, 1);
    char in[700], got[700];
    scratch(in, sizeof in, "现场.jpg");
    scratch(got, sizeof got, "downloaded.jpg");
    write_file(in, b, n);

    /* the server takes chunks of a quarter of three quarters of 64 kB */
    Chengguan__V1__CaseUpload *u = begin(UNIT, id, b, n, NULL, 0);
    assert_non_null(u);
    assert_true(u->chunk_bytes < n / 8);
    assert_int_equal(u->received, 0);
    cg_message_free(&u->base);

    OK("--as " UNIT " case attach %llu '%s' --note 楼顶全景 --taken-at 2021-03-02T09:30 "
       "--lat 40.6653 --lon 122.0738",
       (unsigned long long)id, in);
    expect("现场.jpg");
    expect("image/jpeg");
    OK("--as " UNIT " --json case attachments %llu", (unsigned long long)id);
    expect("\"number\":1,");
    expect("\"note\":\"楼顶全景\"");
    expect("\"lat\":\"40.665300\"");
    char size[32];
    snprintf(size, sizeof size, "\"size\":%zu", n);
    expect(size);

    OK("--as " UNIT " case download %llu 1 -o '%s'", (unsigned long long)id, got);
    assert_true(same_file(got, b, n));
    /* supervision reads the whole case, so it downloads too */
    OK("--as supervision case download %llu 1 --output '%s'", (unsigned long long)id, got);
    assert_true(same_file(got, b, n));
    REFUSED("--as " UNIT " case download %llu 2 -o '%s'", (unsigned long long)id, got);
    expect("NOT_FOUND");

    OK("--as " UNIT " --json case show %llu", (unsigned long long)id);
    expect("\"kind\":\"attached\"");
    expect("\"attachment_name\":\"现场.jpg\"");

    /* the same file again is the attachment that exists */
    REFUSED("--as " UNIT " case attach %llu '%s'", (unsigned long long)id, in);
    expect("ALREADY_EXISTS");
    expect("attachment 1");
    free(b);
}

static void test_sha_mismatch_leaves_nothing(void **state)
{
    uint64_t id = open_case();
    size_t n = 50 * 1024;
    unsigned char *b = photo(n, 2), *other = photo(n, 3);
    /* the SHA-256 of other bytes than those sent */
    Chengguan__V1__CaseUpload *u = begin(UNIT, id, b, n, other, 0);
    assert_non_null(u);
    assert_int_equal(send_chunks(UNIT, u, b, 0, n), n);
    uint8_t key[16];
    assert_int_equal(cg_idempotency_key(key), 0);
    assert_null(commit(UNIT, u->upload_id, key, CG_EINVALID_ARGUMENT, "sha256"));
    OK("--as " UNIT " --json case attachments %llu", (unsigned long long)id);
    assert_int_equal(count("\"number\""), 0);
    OK("--as " UNIT " --json case show %llu", (unsigned long long)id);
    assert_null(strstr(out, "attached"));
    /* begun again, the bad copy is dropped: it starts from 0 */
    cg_message_free(&u->base);
    u = begin(UNIT, id, b, n, other, 0);
    assert_int_equal(u->received, 0);
    cg_message_free(&u->base);
    free(b);
    free(other);
}

static void test_over_the_limit(void **state)
{
    uint64_t id = open_case();
    size_t n = LIMIT + 1;
    unsigned char *b = photo(n, 4);
    char in[700];
    scratch(in, sizeof in, "big.jpg");
    write_file(in, b, n);
    REFUSED("--as " UNIT " case attach %llu '%s'", (unsigned long long)id, in);
    expect("INVALID_ARGUMENT");
    expect("over the limit of 307200 bytes");
    OK("--as " UNIT " --json case attachments %llu", (unsigned long long)id);
    assert_int_equal(count("\"number\""), 0);
    free(b);
}

static void test_halfway_then_resume(void **state)
{
    uint64_t id = open_case();
    size_t n = 120 * 1024 + 5;
    unsigned char *b = photo(n, 5);
    char in[700], got[700];
    scratch(in, sizeof in, "resume.jpg");
    scratch(got, sizeof got, "resumed.jpg");
    write_file(in, b, n);

    Chengguan__V1__CaseUpload *u = begin(UNIT, id, b, n, NULL, 0);
    uint64_t half = send_chunks(UNIT, u, b, 0, n / 2);
    /* a chunk sent again changes nothing; one out of order is refused */
    resend(UNIT, u, b, u->chunk_bytes, half);
    Chengguan__V1__CaseAttachChunk skip = CHENGGUAN__V1__CASE_ATTACH_CHUNK__INIT;
    skip.upload_id = u->upload_id;
    skip.offset = half + 10;
    skip.data.data = b + half + 10;
    skip.data.len = 10;
    assert_null(cg_test_call(&server, UNIT, &skip.base, CG_EFAILED_PRECONDITION, "offset"));
    /* committing half a file is refused */
    uint8_t key[16];
    assert_int_equal(cg_idempotency_key(key), 0);
    assert_null(commit(UNIT, u->upload_id, key, CG_EFAILED_PRECONDITION, "upload_id"));
    cg_message_free(&u->base);
    /* the connection drops */
    cg_test_forget_clients();
    OK("--as " UNIT " --json case attachments %llu", (unsigned long long)id);
    assert_int_equal(count("\"number\""), 0);

    /* begun again: where the server's copy ends */
    u = begin(UNIT, id, b, n, NULL, 0);
    assert_int_equal(u->received, half);
    cg_message_free(&u->base);
    OK("--as " UNIT " case attach %llu '%s'", (unsigned long long)id, in);
    char resumed[64];
    snprintf(resumed, sizeof resumed, "the server has %llu of %zu bytes", (unsigned long long)half,
             n);
    expect(resumed);
    OK("--as " UNIT " case download %llu 1 -o '%s'", (unsigned long long)id, got);
    assert_true(same_file(got, b, n));
    free(b);
}

static void test_roles_and_idempotent_commit(void **state)
{
    uint64_t id = open_case();
    size_t n = 20 * 1024;
    unsigned char *b = photo(n, 6);
    char in[700], got[700];
    scratch(in, sizeof in, "roles.jpg");
    scratch(got, sizeof got, "roles-out.jpg");
    write_file(in, b, n);

    /* supervision reads, does not attach; another unit does not see it */
    REFUSED("--as supervision case attach %llu '%s'", (unsigned long long)id, in);
    expect("PERMISSION_DENIED");
    REFUSED("--as dawa case attach %llu '%s'", (unsigned long long)id, in);
    expect("NOT_FOUND");
    REFUSED("--as dawa case attachments %llu", (unsigned long long)id);
    expect("NOT_FOUND");
    /* a property company attaches nothing */
    assert_null(begin("property-demo", id, b, n, NULL, CG_EPERMISSION_DENIED));

    /* the same commit twice: one attachment */
    Chengguan__V1__CaseUpload *u = begin(UNIT, id, b, n, NULL, 0);
    send_chunks(UNIT, u, b, 0, n);
    uint8_t key[16];
    assert_int_equal(cg_idempotency_key(key), 0);
    Chengguan__V1__CaseAttachment *a1 =
        (Chengguan__V1__CaseAttachment *)commit(UNIT, u->upload_id, key, 0, NULL);
    Chengguan__V1__CaseAttachment *a2 =
        (Chengguan__V1__CaseAttachment *)commit(UNIT, u->upload_id, key, 0, NULL);
    assert_non_null(a1);
    assert_non_null(a2);
    assert_int_equal(a1->number, 1);
    assert_int_equal(a2->number, 1);
    /* a chunk sent again after the commit changes nothing either */
    resend(UNIT, u, b, u->chunk_bytes < n ? u->chunk_bytes : n, n);
    cg_message_free(&a1->base);
    cg_message_free(&a2->base);
    cg_message_free(&u->base);
    OK("--as supervision --json case attachments %llu", (unsigned long long)id);
    assert_int_equal(count("\"number\""), 1);
    /* the property company sees the state of its cases only, not their evidence */
    REFUSED("--as property-demo case attachments %llu", (unsigned long long)id);
    free(b);
}

static void test_expired_upload_dropped(void **state)
{
    uint64_t id = open_case();
    size_t n = 30 * 1024;
    unsigned char *b = photo(n, 7);
    Chengguan__V1__CaseUpload *u = begin(UNIT, id, b, n, NULL, 0);
    uint64_t half = send_chunks(UNIT, u, b, 0, n / 2);
    assert_true(half > 0);
    /* its upload_expiry passes */
    char sql[160];
    snprintf(sql, sizeof sql,
             "UPDATE case_uploads SET expires_at = now() - interval '1 s' WHERE id = %llu",
             (unsigned long long)u->upload_id);
    assert_int_equal(cg_test_sql(&server, sql), 0);
    Chengguan__V1__CaseAttachChunk m = CHENGGUAN__V1__CASE_ATTACH_CHUNK__INIT;
    m.upload_id = u->upload_id;
    m.offset = half;
    m.data.data = b + half;
    m.data.len = 10;
    assert_null(cg_test_call(&server, UNIT, &m.base, CG_ENOT_FOUND, "upload_id"));
    /* the next start drops it with its chunks: the file starts again from 0 */
    Chengguan__V1__CaseUpload *again = begin(UNIT, id, b, n, NULL, 0);
    assert_int_equal(again->received, 0);
    assert_true(again->upload_id != u->upload_id);
    snprintf(sql, sizeof sql,
             "DO $$ BEGIN IF EXISTS (SELECT 1 FROM case_upload_chunks WHERE upload_id = %llu) "
             "THEN RAISE 'chunks left'; END IF; END $$",
             (unsigned long long)u->upload_id);
    assert_int_equal(cg_test_sql(&server, sql), 0);
    cg_message_free(&u->base);
    cg_message_free(&again->base);
    free(b);
}

int main(void)
{
    cg_test_server_init(&server, "evidence", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_and_timeline),
        cmocka_unit_test(test_sha_mismatch_leaves_nothing),
        cmocka_unit_test(test_over_the_limit),
        cmocka_unit_test(test_halfway_then_resume),
        cmocka_unit_test(test_roles_and_idempotent_commit),
        cmocka_unit_test(test_expired_upload_dropped),
    };
    return CG_TEST_RUN(&server, "max_frame_bytes = 64kB\nmax_attachment_bytes = 300kB\n", tests);
}
