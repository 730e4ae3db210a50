/* chengguan ping: round trips to the server, reported like ping(8). */
#include "i18n.h"
#include "cli.h"
#include "local_time.h"
#include "output.h"
#include "units.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAX_PAYLOAD 65536

typedef struct {
    long long count;
    long long size;
    uint64_t interval_ms;
} ping_opts;

static const struct option ping_options[] = {
    {"count", required_argument, NULL, 'c'},
    {"size", required_argument, NULL, 's'},
    {"interval", required_argument, NULL, 'i'},
    {NULL, 0, NULL, 0},
};

static int on_opt(int opt, const char *arg, void *ctx)
{
    ping_opts *o = ctx;
    switch (opt) {
    case 'c':
        if (cg_cli_parse_int(arg, 1, 1000000, &o->count) != 0)
            return cg_cli_usage_error(&cg_cli_cmd_ping, _("--count wants 1 to 1000000, not '%s'"),
                                      arg);
        return 0;
    case 's':
        if (cg_cli_parse_int(arg, 0, MAX_PAYLOAD, &o->size) != 0)
            return cg_cli_usage_error(&cg_cli_cmd_ping, _("--size wants 0 to %d bytes, not '%s'"),
                                      MAX_PAYLOAD, arg);
        return 0;
    case 'i':
        if (cg_duration_parse(arg, &o->interval_ms) != 0)
            return cg_cli_usage_error(&cg_cli_cmd_ping, _("bad --interval '%s' (e.g. 200ms, 1s)"),
                                      arg);
        return 0;
    }
    return CG_EXIT_USAGE;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(uint64_t ms)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* A (non-negative) duration in milliseconds rounded to the microsecond. */
static double round_ms(double ms)
{
    return (double)(long long)(ms * 1000 + 0.5) / 1000;
}

static json_t *ms_or_null(int ok, double ms)
{
    return ok ? json_real(round_ms(ms)) : json_null();
}

static int run(const cg_cli *cli, const cg_cli_command *cmd, int argc, char **argv)
{
    ping_opts o = {.count = 4, .size = 56, .interval_ms = 1000};
    int operands;
    int rc = cg_cli_getopt(cmd, argc, argv, "c:s:i:", ping_options, on_opt, &o, &operands);
    if (rc >= 0)
        return rc;
    if (operands < argc)
        return cg_cli_usage_error(cmd, _("unexpected argument '%s'"), argv[operands]);

    unsigned char *payload = malloc(o.size ? (size_t)o.size : 1);
    if (payload == NULL) {
        fprintf(stderr, _("chengguan: out of memory\n"));
        return CG_EXIT_CONNECT;
    }
    cg_client *c;
    rc = cg_cli_connect(cli, &c);
    if (rc != 0) {
        free(payload);
        return rc;
    }
    if (!cli->json)
        printf(_("PING %s as %s: %lld bytes of payload\n"), cli->server,
               cg_client_welcome(c)->account, o.size);

    long long ok = 0, seq;
    double min = 0, max = 0, sum = 0;
    for (seq = 1; seq <= o.count; seq++) {
        for (long long i = 0; i < o.size; i++)
            payload[i] = (unsigned char)(seq * 31 + i);
        int64_t server_us = 0;
        double t0 = now_ms();
        int err = cg_ping(c, payload, (size_t)o.size, &server_us);
        double rtt = now_ms() - t0;
        if (err != 0) {
            rc = cg_cli_fail(c, err);
            if (err != CG_ETIMEOUT)
                break; /* a timeout loses one ping; anything else ends the run */
        } else {
            char when[40];
            cg_time_rfc3339(server_us, 1, when, sizeof when);
            if (ok == 0 || rtt < min)
                min = rtt;
            if (ok == 0 || rtt > max)
                max = rtt;
            sum += rtt;
            ok++;
            if (cli->json) {
                cg_json_print(json_pack("{sI sI so ss}", "seq", (json_int_t)seq, "bytes",
                                        (json_int_t)o.size, "rtt_ms", json_real(round_ms(rtt)),
                                        "server_time", when));
            } else {
                char local[32];
                cg_time_text(server_us, local, sizeof local);
                printf(_("%lld bytes from %s: seq=%lld time=%.3f ms server_time=%s\n"), o.size,
                       cli->server, seq, rtt, local);
                fflush(stdout);
            }
        }
        if (seq < o.count && o.interval_ms > 0)
            sleep_ms(o.interval_ms);
    }
    long long sent = seq > o.count ? o.count : seq;
    if (cli->json) {
        cg_json_print(json_pack("{sb sI sI so so so}", "summary", 1, "count", (json_int_t)sent,
                                "ok", (json_int_t)ok, "min_ms", ms_or_null(ok > 0, min), "avg_ms",
                                ms_or_null(ok > 0, ok ? sum / (double)ok : 0), "max_ms",
                                ms_or_null(ok > 0, max)));
    } else {
        printf(_("\n--- %s ping statistics ---\n%lld sent, %lld ok, %lld failed\n"), cli->server,
               sent, ok, sent - ok);
        if (ok > 0)
            printf(_("rtt min/avg/max = %.3f/%.3f/%.3f ms\n"), min, sum / (double)ok, max);
    }
    cg_client_free(c);
    free(payload);
    return rc;
}

const cg_cli_command cg_cli_cmd_ping = {
    .name = "ping",
    .args = "[--count N] [--size BYTES] [--interval DURATION]",
    .summary = N_("measure round trips to the server"),
    .help = N_("Sends Ping requests one at a time and prints each round trip and a summary.\n\n"
               "Options:\n"
               "  -c, --count N         number of pings, 1 to 1000000 (default 4)\n"
               "  -s, --size BYTES      payload size, 0 to 65536 (default 56)\n"
               "  -i, --interval DUR    pause between pings, e.g. 200ms, 1s (default 1s)\n"),
    .run = run,
};
