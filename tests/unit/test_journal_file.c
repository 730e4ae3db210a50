/*
 * The files of libchengguan's offline journal (client/lib/journal_file.c):
 * an entry reads back as written; one cut short at any length, with a byte
 * changed anywhere, with bytes added, or left unfinished by a crash before
 * its rename is reported damaged, never read as an entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "journal_file.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/cg-journal-XXXXXX");
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static uint8_t payload[40] = "an envelope, as far as the file cares";

static void write_entry(const char *stem)
{
    cg__jrecord r = {.queued_at_us = 1764489600123456, .env = payload, .env_len = sizeof payload};
    memset(r.cert, 0xab, sizeof r.cert);
    snprintf(r.reason, sizeof r.reason, "compound.not_found");
    snprintf(r.error, sizeof r.error, "NOT_FOUND: compound 9 not found");
    char why[256];
    assert_int_equal(cg__jfile_write(dir, stem, CG__JOURNAL_PENDING, &r, why, sizeof why), 0);
}

/* The bytes of dir/file into buf; their number. */
static size_t slurp(const char *file, uint8_t *buf, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, len, f);
    fclose(f);
    return n;
}

static void spill(const char *file, const uint8_t *buf, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    fclose(f);
}

static int read_entry(const char *file, cg__jrecord *r, char *why, size_t len)
{
    int rc = cg__jfile_read(dir, file, r, why, len);
    if (rc == 0)
        cg__jfile_release(r);
    return rc;
}

static void test_round_trip(void **state)
{
    (void)state;
    write_entry("0000000000000001-00000001");
    cg__jrecord r;
    char why[256];
    assert_int_equal(cg__jfile_read(dir, "0000000000000001-00000001.pending", &r, why, sizeof why),
                     0);
    assert_int_equal(r.queued_at_us, 1764489600123456);
    assert_int_equal(r.env_len, sizeof payload);
    assert_memory_equal(r.env, payload, sizeof payload);
    assert_int_equal(r.cert[31], 0xab);
    assert_string_equal(r.reason, "compound.not_found");
    assert_string_equal(r.error, "NOT_FOUND: compound 9 not found");
    cg__jfile_release(&r);
    /* No temporary file is left, and the name lists. */
    char **names;
    int n = cg__jfile_names(dir, &names);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "0000000000000001-00000001.pending");
    cg__jfile_names_free(names, n);
}

static void test_every_damage_is_found(void **state)
{
    (void)state;
    write_entry("0000000000000002-00000002");
    const char *name = "0000000000000002-00000002.pending";
    uint8_t whole[1024], buf[1100];
    size_t size = slurp(name, whole, sizeof whole);
    assert_true(size > 100 && size < sizeof whole);
    cg__jrecord r;
    char why[256];
    /* Cut short at every length. */
    for (size_t cut = 0; cut < size; cut++) {
        spill(name, whole, cut);
        assert_int_equal(read_entry(name, &r, why, sizeof why), -1);
    }
    /* One bit changed at every place. */
    for (size_t at = 0; at < size; at++) {
        memcpy(buf, whole, size);
        buf[at] ^= 0x10;
        spill(name, buf, size);
        assert_int_equal(read_entry(name, &r, why, sizeof why), -1);
    }
    assert_non_null(strstr(why, "checksum"));
    /* Bytes added. */
    memcpy(buf, whole, size);
    memcpy(buf + size, "xx", 2);
    spill(name, buf, size + 2);
    assert_int_equal(read_entry(name, &r, why, sizeof why), -1);
    /* A write that never reached its rename. */
    spill(CG__JOURNAL_TMP "0000000000000003-00000003.pending", whole, size);
    assert_int_equal(
        read_entry(CG__JOURNAL_TMP "0000000000000003-00000003.pending", &r, why, sizeof why), -1);
    assert_non_null(strstr(why, "unfinished"));
    /* And a file that went away meanwhile is neither. */
    assert_int_equal(read_entry("0000000000000009-00000009.pending", &r, why, sizeof why), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_damage_is_found),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
