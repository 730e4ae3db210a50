/*
 * How a workstation reaches the server: global options after the command,
 * client profiles (client.conf, --profile, CHENGGUAN_PROFILE, config init),
 * an unknown --as account, and a private key others may read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

static cg_test_server server;
static char out[65536], err[65536], conf_dir[700], conf[800];

/* Runs the CLI with args; its standard error is left in err. */
static int cli(const char *fmt, ...)
{
    char args[2048], path[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(path, sizeof path, "%s/cli.err", server.dir);
    fclose(fopen(path, "w"));
    int rc = cg_test_cli(&server, args, out, sizeof out);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(err, 1, sizeof err - 1, f) : 0;
    err[n] = '\0';
    if (f)
        fclose(f);
    return rc;
}

/* The account of whoami's JSON in out. */
static const char *account(void)
{
    static char name[64];
    json_t *o = json_loads(out, JSON_DISABLE_EOF_CHECK, NULL);
    snprintf(name, sizeof name, "%s", o ? json_string_value(json_object_get(o, "account")) : "");
    json_decref(o);
    return name;
}

static int setup(void **state)
{
    snprintf(conf_dir, sizeof conf_dir, "%s/xdg", server.dir);
    snprintf(conf, sizeof conf, "%s/chengguan/client.conf", conf_dir);
    setenv("XDG_CONFIG_HOME", conf_dir, 1);
    unsetenv("CHENGGUAN_PROFILE");
    unsetenv("CHENGGUAN_AS");
    remove(conf);
    return 0;
}

static void test_global_options_after_the_command(void **state)
{
    assert_int_equal(cli("whoami --as dawa --json"), 0);
    assert_string_equal(account(), "dawa");
    assert_int_equal(cli("--as hq --json officer list --unit dawa"), 0);
    char before[sizeof out];
    snprintf(before, sizeof before, "%s", out);
    assert_int_equal(cli("officer list --unit dawa --json --as hq"), 0);
    assert_string_equal(out, before);
    assert_int_equal(cli("officer --as hq list --json --unit dawa"), 0);
    assert_string_equal(out, before);
    /* The value of an option that happens to look like a global one is a
     * value: the server is asked for the district "--json". */
    assert_int_equal(cli("--as hq compound list --district --json"), 2);
    assert_non_null(strstr(err, "district"));
}

static void test_profile_written_and_used(void **state)
{
    assert_int_equal(cli("--as dawa config init"), 0);
    struct stat st;
    assert_int_equal(stat(conf, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* No --as: the default profile's certificate. */
    assert_int_equal(cli("whoami --json"), 0);
    assert_string_equal(account(), "dawa");
    /* A second profile beside it, by --profile and by CHENGGUAN_PROFILE. */
    assert_int_equal(cli("--as hq --profile boss config init --timeout 5s"), 0);
    assert_int_equal(cli("--profile boss whoami --json"), 0);
    assert_string_equal(account(), "hq");
    setenv("CHENGGUAN_PROFILE", "boss", 1);
    assert_int_equal(cli("whoami --json"), 0);
    assert_string_equal(account(), "hq");
    /* The command line wins over the profile. */
    assert_int_equal(cli("whoami --json --as shuangtaizi"), 0);
    assert_string_equal(account(), "shuangtaizi");
    unsetenv("CHENGGUAN_PROFILE");
    assert_int_equal(cli("whoami --json"), 0);
    assert_string_equal(account(), "dawa");
    /* An existing profile is replaced only with --force. */
    assert_int_equal(cli("--as hotline config init"), 1);
    assert_non_null(strstr(err, "--force"));
    assert_int_equal(cli("--as hotline config init --force"), 0);
    assert_int_equal(cli("whoami --json"), 0);
    assert_string_equal(account(), "hotline");
    assert_int_equal(cli("--profile boss whoami --json"), 0);
    assert_string_equal(account(), "hq");
}

static void test_profile_mistakes(void **state)
{
    assert_int_equal(cli("--as dawa --profile boss config init"), 0);
    assert_int_equal(cli("--profile nosuch whoami"), 1);
    assert_non_null(strstr(err, "'nosuch'"));
    assert_non_null(strstr(err, "boss"));
    FILE *f = fopen(conf, "a");
    fputs("[broken]\ncolour = blue\n", f);
    fclose(f);
    assert_int_equal(cli("whoami"), 1);
    assert_non_null(strstr(err, "'colour'"));
}

static void test_unknown_account_lists_the_accounts(void **state)
{
    assert_int_equal(cli("--as nobody whoami"), 1);
    assert_non_null(strstr(err, "'nobody'"));
    assert_non_null(strstr(err, "dawa"));
    assert_non_null(strstr(err, "hq"));
}

static void test_key_others_may_read_is_refused(void **state)
{
    char key[800], cmd[3000];
    snprintf(key, sizeof key, "%s/open.key", server.dir);
    snprintf(cmd, sizeof cmd, "cp '%s/pki/clients/dawa.key' '%s' && chmod 644 '%s'", server.env_dir,
             key, key);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(cli("whoami --as dawa --key '%s'", key), 1);
    assert_non_null(strstr(err, "chmod 600"));
    assert_non_null(strstr(err, key));
    chmod(key, 0600);
    assert_int_equal(cli("whoami --as dawa --key '%s' --json", key), 0);
    assert_string_equal(account(), "dawa");
}

int main(void)
{
    cg_test_server_init(&server, "cli_profile", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_global_options_after_the_command, setup),
        cmocka_unit_test_setup(test_profile_written_and_used, setup),
        cmocka_unit_test_setup(test_profile_mistakes, setup),
        cmocka_unit_test_setup(test_unknown_account_lists_the_accounts, setup),
        cmocka_unit_test_setup(test_key_others_may_read_is_refused, setup),
    };
    return CG_TEST_RUN(&server, NULL, tests);
}
