/*
 * Crashes under load. Sixteen clients submit patrols and reports, each
 * request with its own idempotency key, sending it again with the same key
 * (reconnecting when the connection is gone) until it is acknowledged. In
 * the middle the server is killed with SIGKILL and started again, or
 * PostgreSQL is stopped with pg_ctl -m immediate and started again (the
 * server reconnects by itself). Afterwards every request is acknowledged and
 * stored exactly once: 0 lost, 0 duplicated. docs/reliability.md records the
 * figures this prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>

#include "harness.h"

#define CLIENTS    16
#define PER_CLIENT 24 /* requests each, patrols and reports in turn */
#define TOTAL      (CLIENTS * PER_CLIENT)

static cg_test_server server;
static uint64_t compound, officer;

typedef struct {
    int index;
    int phase;
    char addr[64], cert[2][700], key[2][700], ca[700]; /* 0: patrols (dawa), 1: reports (hq) */
    int acked;
    int failures; /* attempts that did not succeed, reconnects included */
    char last_error[256];
} worker;

static volatile int acked_total;

static void copy_options(worker *w, int which, const char *account)
{
    cg_client_options o = cg_test_options(&server, account);
    snprintf(w->addr, sizeof w->addr, "%s", o.server);
    snprintf(w->cert[which], sizeof w->cert[which], "%s", o.cert_file);
    snprintf(w->key[which], sizeof w->key[which], "%s", o.key_file);
    snprintf(w->ca, sizeof w->ca, "%s", o.ca_file);
}

/* An answer after which the same request is sent again on the same
 * connection: the server is up but cannot serve it yet. */
static int retry_in_place(int rc)
{
    return rc == CG_EUNAVAILABLE || rc == CG_ERESOURCE_EXHAUSTED || rc == CG_EABORTED;
}

/* Sends req (its key set) as account which until it is acknowledged; the
 * connection in *c is made or remade as needed. 0, or -1 past deadline. */
static int until_acknowledged(worker *w, int which, cg_client **c, ProtobufCMessage *req,
                              long long deadline)
{
    while (cg_test_now_ms() < deadline) {
        int rc;
        if (*c == NULL) {
            cg_client_options o = {.server = w->addr,
                                   .cert_file = w->cert[which],
                                   .key_file = w->key[which],
                                   .ca_file = w->ca,
                                   .timeout_ms = 5000};
            rc = cg_client_connect(c, &o);
            if (rc != 0) {
                snprintf(w->last_error, sizeof w->last_error, "connect: %s", cg_err_name(rc));
                cg_client_free(*c);
                *c = NULL;
                w->failures++;
                usleep(100000);
                continue;
            }
        }
        ProtobufCMessage *reply = NULL;
        rc = cg_call(*c, req, &reply);
        if (rc == 0) {
            cg_message_free(reply);
            return 0;
        }
        w->failures++;
        snprintf(w->last_error, sizeof w->last_error, "%s: %s", cg_err_name(rc),
                 cg_client_error(*c));
        if (!retry_in_place(rc)) {
            cg_client_free(*c);
            *c = NULL;
        }
        usleep(50000);
    }
    return -1;
}

static void *work(void *arg)
{
    worker *w = arg;
    cg_client *c[2] = {NULL, NULL};
    long long deadline = cg_test_now_ms() + 45000;
    for (int i = 0; i < PER_CLIENT; i++) {
        int n = (w->phase * CLIENTS + w->index) * PER_CLIENT + i; /* unique in the test */
        char text[64], start[40], end[40];
        snprintf(text, sizeof text, "fault %d c%d n%d", w->phase, w->index, i);
        uint8_t key[16];
        if (cg_idempotency_key(key) != 0)
            break;
        int which = i % 2;
        int rc;
        if (which == 0) {
            /* One officer: each patrol an hour of its own, from March 2021. */
            time_t t = 1614556800 + (time_t)n * 3600; /* 2021-03-01T00:00:00Z */
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(start, sizeof start, "%Y-%m-%dT%H:00:00Z", &tm);
            strftime(end, sizeof end, "%Y-%m-%dT%H:30:00Z", &tm);
            Chengguan__V1__PatrolSubmit req = CHENGGUAN__V1__PATROL_SUBMIT__INIT;
            Chengguan__V1__Patrol p = CHENGGUAN__V1__PATROL__INIT;
            uint64_t officers[] = {officer};
            p.compound_id = compound;
            p.officer_ids = officers;
            p.n_officer_ids = 1;
            p.start = start;
            p.end = end;
            p.note = text;
            req.patrol = &p;
            req.idempotency_key.data = key;
            req.idempotency_key.len = sizeof key;
            rc = until_acknowledged(w, which, &c[which], &req.base, deadline);
        } else {
            Chengguan__V1__ReportSubmit req = CHENGGUAN__V1__REPORT_SUBMIT__INIT;
            Chengguan__V1__Report r = CHENGGUAN__V1__REPORT__INIT;
            r.compound_id = compound;
            r.category = 3;
            r.text = text;
            r.dissuasion_failed = 1;
            req.report = &r;
            req.idempotency_key.data = key;
            req.idempotency_key.len = sizeof key;
            rc = until_acknowledged(w, which, &c[which], &req.base, deadline);
        }
        if (rc != 0)
            break;
        w->acked++;
        __atomic_add_fetch(&acked_total, 1, __ATOMIC_RELAXED);
    }
    cg_client_free(c[0]);
    cg_client_free(c[1]);
    return NULL;
}

typedef struct {
    worker w[CLIENTS];
    pthread_t thread[CLIENTS];
    long long started;
} load;

static void load_start(load *l, int phase)
{
    acked_total = 0;
    l->started = cg_test_now_ms();
    for (int i = 0; i < CLIENTS; i++) {
        worker *w = &l->w[i];
        memset(w, 0, sizeof *w);
        w->index = i;
        w->phase = phase;
        copy_options(w, 0, "dawa");
        copy_options(w, 1, "hq");
        assert_int_equal(pthread_create(&l->thread[i], NULL, work, w), 0);
    }
}

/* Waits until a third of the load has been acknowledged: the fault comes
 * while requests are in flight. */
static void load_wait_third(void)
{
    long long deadline = cg_test_now_ms() + 30000;
    while (__atomic_load_n(&acked_total, __ATOMIC_RELAXED) < TOTAL / 3 &&
           cg_test_now_ms() < deadline)
        usleep(5000);
}

/* Joins the workers and checks the database: every request acknowledged
 * and stored once. Returns the attempts that failed and were sent again. */
static int load_check(load *l, int phase, const char *fault, long long fault_ms)
{
    int acked = 0, failures = 0;
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(l->thread[i], NULL);
        acked += l->w[i].acked;
        failures += l->w[i].failures;
        if (l->w[i].acked != PER_CLIENT)
            print_message("client %d: %d acknowledged, last error %s\n", i, l->w[i].acked,
                          l->w[i].last_error);
    }
    long long ms = cg_test_now_ms() - l->started;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT (SELECT count(*) FROM patrols WHERE note LIKE 'fault %d %%') + "
             "(SELECT count(*) FROM reports WHERE text LIKE 'fault %d %%')",
             phase, phase);
    long long stored = cg_test_sql_int(&server, sql);
    snprintf(sql, sizeof sql,
             "SELECT (SELECT count(DISTINCT note) FROM patrols WHERE note LIKE 'fault %d %%') + "
             "(SELECT count(DISTINCT text) FROM reports WHERE text LIKE 'fault %d %%')",
             phase, phase);
    long long distinct = cg_test_sql_int(&server, sql);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM idempotency_keys WHERE method IN ('patrol_submit', "
             "'report_submit') AND coalesce(result->>'note', result->>'text') LIKE 'fault %d %%'",
             phase);
    long long keys = cg_test_sql_int(&server, sql);
    /* and the audit trail has each change once, under its key */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log a JOIN idempotency_keys k "
             "ON k.account = a.account AND k.key = a.idempotency_key "
             "WHERE k.method IN ('patrol_submit', 'report_submit') "
             "AND coalesce(k.result->>'note', k.result->>'text') LIKE 'fault %d %%'",
             phase);
    long long audited = cg_test_sql_int(&server, sql);
    print_message("%s: %d clients, %d of %d requests acknowledged in %lld ms (fault for %lld ms, "
                  "%d failed attempts retried); stored %lld, lost %lld, duplicated %lld, "
                  "idempotency keys %lld, audit rows %lld\n",
                  fault, CLIENTS, acked, TOTAL, ms, fault_ms, failures, stored,
                  (long long)acked - distinct, stored - distinct, keys, audited);
    assert_int_equal(acked, TOTAL);
    assert_int_equal(distinct, TOTAL); /* 0 lost */
    assert_int_equal(stored, TOTAL);   /* 0 duplicated */
    assert_int_equal(keys, TOTAL);     /* each key once, with its own reply */
    assert_int_equal(audited, TOTAL);  /* each change audited once */
    return failures;
}

/* The faults, each ending once the server can be reached again. */
static void kill_server(void)
{
    cg_test_server_kill(&server);
    usleep(300000);
    cg_test_server_restart(&server, "dedup_window = 0\n");
}

static void crash_database(void)
{
    cg_test_pg_crash(&server);
    usleep(500000);
    cg_test_pg_start(&server);
}

/* Runs load phase with fault when a third of it is acknowledged, checks
 * it; returns the attempts that failed and were sent again. */
static int under_load(int phase, void (*fault)(void), const char *name)
{
    load l;
    load_start(&l, phase);
    load_wait_third();
    long long t0 = cg_test_now_ms();
    fault();
    return load_check(&l, phase, name, cg_test_now_ms() - t0);
}

static void test_server_killed_under_load(void **state)
{
    /* The kill did hit requests in flight: clients had to reconnect. */
    assert_true(under_load(1, kill_server, "kill -9 of the server") > 0);
}

static void test_database_crash_under_load(void **state)
{
    under_load(2, crash_database, "pg_ctl stop -m immediate");
    /* The crash did hit the load: requests were answered UNAVAILABLE (and
     * sent again by the library or the client). */
    assert_true(cg_test_log_wait(&server, "event=db_disconnected", NULL));
    assert_true(cg_test_log_has(&server, "method=report.submit", "status=UNAVAILABLE", NULL) ||
                cg_test_log_has(&server, "method=patrol.submit", "status=UNAVAILABLE", NULL));
}

int main(void)
{
    cg_test_server_init(&server, "faults", 1);
    cg_test_server_start(&server, "dedup_window = 0\n");
    compound =
        cg_test_make_compound(&server, "hq", "dawa", "故障小区", NULL, "2021-02-01", &officer);
    cg_test_forget_clients();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_killed_under_load),
        cmocka_unit_test(test_database_crash_under_load),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    if (cg_test_server_stop(&server) != 0)
        failed++;
    cg_test_pg_stop(&server);
    return failed;
}
