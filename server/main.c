/*
 * chengguand — the city server of the "enforcement enters residential
 * compounds" programme. See docs/operations.md.
 */
#include "config.h"
#include "db/migrate.h"
#include "db/migrations.h"
#include "error.h"
#include "log.h"
#include "server.h"
#include "tls_context.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: chengguand [--config FILE] [--migrate | --check-config]\n"
            "\n"
            "  -c, --config FILE   INI file with a [chengguand] section (see docs/operations.md);\n"
            "                      every setting may also come from CHENGGUAN_<NAME>\n"
            "      --migrate       apply the SQL migrations this binary carries, then exit\n"
            "      --check-config  load and check the settings and the TLS files they name, then\n"
            "                      exit (0 valid, 1 not, with the reason)\n"
            "  -V, --version       print the version and the schema version, then exit\n"
            "  -h, --help          this text\n"
            "\n"
            "Signals: SIGTERM or SIGINT stop accepting, finish requests in flight, and exit 0;\n"
            "SIGHUP loads tls_cert, tls_key, tls_ca and tls_crl again without dropping\n"
            "connections (they are also looked at every tls_reload_interval).\n");
}

/* Descriptors besides the connections: the pool, the event stream, the
 * listener, stdio, libuv's own, with room to spare. */
#define FD_RESERVE 64

/* Lets many idle workstations connect: lift the soft descriptor limit. A
 * limit below max_connections would make accept fail before the limit is
 * reached (libuv then closes every connection it cannot take): say so. */
static void raise_fd_limit(const cg_config *cfg)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)cfg->max_connections + FD_RESERVE) {
        char have[24], want[24];
        snprintf(have, sizeof have, "%llu", (unsigned long long)rl.rlim_cur);
        snprintf(want, sizeof want, "%lld", (long long)cfg->max_connections + FD_RESERVE);
        cg_log_kv(CG_LOG_WARN, "fd_limit_low", "limit", have, "needed", want, "action",
                  "raise the hard limit (LimitNOFILE=) or lower max_connections", CG_LOG_END);
    }
}

/* Refuses to serve a database whose schema this binary does not match: its
 * numbered version, and then the checksum of its API set. A database that
 * cannot be reached now is fine: the pool keeps trying. */
static int check_schema(const cg_config *cfg)
{
    char err[512];
    cg_schema_state st;
    int rc = cg_migrate_status(cfg->database, &st, err, sizeof err);
    if (rc != 0) {
        cg_log_kv(CG_LOG_WARN, "db_unreachable_at_start", "error", err, "action",
                  "serving; requests get UNAVAILABLE until it is back", CG_LOG_END);
        return 0;
    }
    if (st.unconfined) {
        cg_log_kv(CG_LOG_ERROR, "db_role_unconfined", "action",
                  "connect as a role that owns no table and is neither superuser nor BYPASSRLS "
                  "(docs/operations.md, Database roles)",
                  CG_LOG_END);
        return -1;
    }
    int latest = cg_migrations_latest();
    if (st.version == latest && strcmp(st.api_checksum, cg_api_checksum) == 0)
        return 0;
    if (st.version == latest) {
        /* Same tables, other functions: which binary is newer is unknown. */
        cg_log_kv(CG_LOG_ERROR, "api_mismatch", "found",
                  st.api_checksum[0] ? st.api_checksum : "none", "known", cg_api_checksum, "action",
                  "run chengguand --migrate with the binary that is to serve", CG_LOG_END);
        return -1;
    }
    char have[16], want[16];
    snprintf(have, sizeof have, "%d", st.version);
    snprintf(want, sizeof want, "%d", latest);
    cg_log_kv(CG_LOG_ERROR, st.version > latest ? "schema_too_new" : "schema_too_old", "found",
              have, "known", want, "action",
              st.version > latest ? "upgrade chengguand" : "run chengguand --migrate", CG_LOG_END);
    return -1;
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, 'c'}, {"migrate", no_argument, NULL, 'm'},
        {"check-config", no_argument, NULL, 'k'}, {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *config_path = NULL;
    int migrate = 0, check_only = 0, opt;
    while ((opt = getopt_long(argc, argv, "c:Vh", options, NULL)) != -1) {
        switch (opt) {
        case 'c':
            config_path = optarg;
            break;
        case 'm':
            migrate = 1;
            break;
        case 'k':
            check_only = 1;
            break;
        case 'V':
            printf("chengguand %s (schema %d, api %.12s)\n", CG_VERSION, cg_migrations_latest(),
                   cg_api_checksum);
            return 0;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "chengguand: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 1;
    }

    cg_config cfg;
    char err[512];
    if (cg_config_load(&cfg, config_path,
                       migrate && !check_only ? CG_CONFIG_MIGRATE : CG_CONFIG_SERVE, err,
                       sizeof err) != 0) {
        fprintf(stderr, "chengguand: %s\n", err);
        cg_config_free(&cfg);
        return 1;
    }
    cg_log_setup((cg_log_level)cg_log_level_parse(cfg.log_level),
                 strcmp(cfg.log_format, "json") == 0);

    int status = 0;
    if (check_only) {
        /* The TLS files as the server would load them: present, readable,
         * the key matching the certificate. The database is not tried. */
        SSL_CTX *ctx =
            cg_tls_server_ctx(cfg.tls_cert, cfg.tls_key, cfg.tls_ca, cfg.tls_crl, err, sizeof err);
        if (ctx != NULL)
            printf("configuration is valid (listen %s)\n", cfg.listen);
        else
            fprintf(stderr, "chengguand: %s\n", err);
        status = ctx != NULL ? 0 : 1;
        SSL_CTX_free(ctx);
    } else if (migrate) {
        const char *owner = cfg.migrate_database[0] ? cfg.migrate_database : cfg.database;
        if (cg_migrate_apply(owner, err, sizeof err) != 0) {
            fprintf(stderr, "chengguand: migrate: %s\n", err);
            status = 1;
        }
    } else if (check_schema(&cfg) != 0) {
        status = 1;
    } else {
        signal(SIGPIPE, SIG_IGN);
        /* Until the server's own handler (tls_reload.c) takes over: a closed
         * terminal must not stop it. */
        signal(SIGHUP, SIG_IGN);
        raise_fd_limit(&cfg);
        /* From here on a stalled stderr must not stall the loop. */
        if (cg_log_start_writer() != 0)
            cg_log_kv(CG_LOG_WARN, "log_writer_failed", "action", "logging synchronously",
                      CG_LOG_END);
        uv_loop_t *loop = uv_default_loop();
        cg_server server;
        if (cg_server_start(&server, loop, &cfg) != 0) {
            uv_run(loop, UV_RUN_DEFAULT); /* lets the handles it opened finish closing */
            status = 1;
        } else {
            cg_log_kv(CG_LOG_INFO, "started", "version", CG_VERSION, CG_LOG_END);
            uv_run(loop, UV_RUN_DEFAULT);
            status = server.exit_code;
        }
        if (uv_loop_close(loop) != 0)
            cg_log_kv(CG_LOG_WARN, "loop_not_empty_at_exit", CG_LOG_END);
        if (cg_log_dropped() > 0) {
            cg_log_line l;
            cg_log_begin(&l, CG_LOG_WARN, "log_dropped_total");
            cg_log_int(&l, "count", (long long)cg_log_dropped());
            cg_log_end(&l);
        }
        cg_log_stop_writer();
    }
    cg_config_free(&cfg);
    return status;
}
