/*
 * The Prometheus endpoint: plain HTTP on its own address (metrics_listen,
 * off by default), answering GET /metrics and nothing else. It is meant for
 * a scraper on the bureau's own network: bind it to a private address.
 *
 * Each scrape asks the database once (cg_internal.metrics_snapshot) for
 * what only the database knows; without the database it still answers,
 * with chengguan_database_up 0. At most CG_METRICS_HTTP_CLIENTS scrapes are
 * served at once and each has CG_METRICS_HTTP_TIMEOUT_MS to send its
 * request and take the answer; further connections are closed at once.
 */
#ifndef CG_METRICS_HTTP_H
#define CG_METRICS_HTTP_H

#include <uv.h>

#define CG_METRICS_HTTP_CLIENTS    8
#define CG_METRICS_HTTP_TIMEOUT_MS 10000

struct cg_server;

typedef struct cg_metrics_http {
    struct cg_server *server;
    uv_tcp_t listener;
    int listening;
    int clients; /* open scrape connections */
    struct metrics_client *first;
} cg_metrics_http;

/* Listens on address ("HOST:PORT"). 0, or -1 after logging why. */
int cg_metrics_http_start(cg_metrics_http *h, struct cg_server *server, const char *address);

/* Closes the listener and every scrape connection (nothing if not started). */
void cg_metrics_http_stop(cg_metrics_http *h);

#endif
