#include "metrics_http.h"

#include "buf.h"
#include "error.h"
#include "log.h"
#include "metrics.h"
#include "server.h"
#include "session.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNAPSHOT_SQL "SELECT cg_internal.metrics_snapshot()::text"

typedef struct metrics_client {
    cg_metrics_http *http;
    struct metrics_client *prev, *next;
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_write_t write;
    int open_handles; /* freed when both are closed... */
    int querying;     /* ...and the database query has called back */
    int closing;
    char request[2048]; /* the request line and headers, nothing else is read */
    size_t len;
    cg_buf response;
} metrics_client;

static void maybe_free(metrics_client *c)
{
    if (c->open_handles > 0 || c->querying)
        return;
    cg_buf_free(&c->response);
    free(c);
}

static void on_handle_closed(uv_handle_t *h)
{
    metrics_client *c = h->data;
    c->open_handles--;
    maybe_free(c);
}

static void close_client(metrics_client *c)
{
    if (c->closing)
        return;
    c->closing = 1;
    cg_metrics_http *h = c->http;
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        h->first = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    h->clients--;
    uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
    uv_close((uv_handle_t *)&c->timer, on_handle_closed);
}

static void on_written(uv_write_t *w, int status)
{
    (void)status;
    close_client(w->data);
}

/* Sends status, the headers and body (n bytes), then closes. */
static void respond(metrics_client *c, const char *status, const char *extra_headers,
                    const char *body, size_t n)
{
    char head[256];
    int k = snprintf(head, sizeof head,
                     "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
                     "Connection: close\r\n\r\n",
                     status,
                     strncmp(status, "200", 3) == 0 ? "text/plain; version=0.0.4; charset=utf-8"
                                                    : "text/plain; charset=utf-8",
                     n, extra_headers);
    cg_buf_free(&c->response);
    if (cg_buf_append(&c->response, head, (size_t)k) != 0 ||
        cg_buf_append(&c->response, body, n) != 0) {
        close_client(c);
        return;
    }
    uv_buf_t b =
        uv_buf_init((char *)cg_buf_head(&c->response), (unsigned)cg_buf_pending(&c->response));
    c->write.data = c;
    if (uv_write(&c->write, (uv_stream_t *)&c->tcp, &b, 1, on_written) != 0)
        close_client(c);
}

static void respond_text(metrics_client *c, const char *status, const char *extra_headers,
                         const char *text)
{
    respond(c, status, extra_headers, text, strlen(text));
}

static long long level_count(json_t *j, const char *what, int level)
{
    char key[4];
    snprintf(key, sizeof key, "%d", level);
    return (long long)json_integer_value(json_object_get(json_object_get(j, what), key));
}

/* What the server itself knows, and from the snapshot (NULL: no database)
 * what only the database knows. */
static void gauges_of(const cg_server *s, json_t *snapshot, cg_metrics_gauges *g)
{
    memset(g, 0, sizeof *g);
    g->connections = s->nopen;
    g->pending_handshakes = s->pending.count;
    for (const cg_session *x = s->sessions; x != NULL; x = x->next)
        g->subscribers += x->sub_state != CG_SUB_OFF;
    g->db_ready = s->db ? cg_db_ready(s->db) : 0;
    g->db_queued = s->db ? cg_db_queued(s->db) : 0;
    g->db_pool_size = (int)s->cfg->db_pool_size;
    g->db_queue_size = (int)s->cfg->db_queue_size;
    g->start_time_seconds = s->metrics.started;
    g->db_up = snapshot != NULL;
    for (int l = 0; snapshot != NULL && l < 3; l++) {
        g->open_reports[l] = level_count(snapshot, "open_reports", l);
        g->open_cases[l] = level_count(snapshot, "open_cases", l);
        if (l > 0) {
            g->report_steps[l - 1] = level_count(snapshot, "report_escalations", l);
            g->case_steps[l - 1] = level_count(snapshot, "case_escalations", l);
        }
    }
}

static void send_metrics(metrics_client *c, json_t *snapshot)
{
    cg_metrics_gauges g;
    const cg_server *s = c->http->server;
    gauges_of(s, snapshot, &g);
    cg_buf body = CG_BUF_INIT;
    if (cg_metrics_render(&s->metrics, &g, &body) != 0) {
        cg_buf_free(&body);
        respond_text(c, "500 Internal Server Error", "", "out of memory\n");
        return;
    }
    respond(c, "200 OK", "", (const char *)cg_buf_head(&body), cg_buf_pending(&body));
    cg_buf_free(&body);
}

static void on_snapshot(void *arg, int status, const PGresult *res)
{
    metrics_client *c = arg;
    c->querying = 0;
    if (c->closing) {
        maybe_free(c);
        return;
    }
    json_t *j = NULL;
    if (status == 0 && PQntuples(res) == 1)
        j = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    else if (status != CG_EUNAVAILABLE)
        cg_log_kv(CG_LOG_WARN, "metrics_query_failed", "error",
                  res ? PQresultErrorMessage(res) : cg_strerror(status), CG_LOG_END);
    send_metrics(c, j);
    json_decref(j);
}

/* The request line of a complete request head: GET /metrics only. */
static void serve(metrics_client *c)
{
    char method[8], target[256];
    int end = 0;
    c->request[c->len] = '\0';
    sscanf(c->request, "%7[A-Z] %255s HTTP/1.%*1[01]%n", method, target, &end);
    if (end == 0 || (c->request[end] != '\r' && c->request[end] != '\n')) {
        respond_text(c, "400 Bad Request", "", "bad request\n");
        return;
    }
    size_t path_len = strcspn(target, "?");
    if (path_len != strlen("/metrics") || strncmp(target, "/metrics", path_len) != 0) {
        respond_text(c, "404 Not Found", "", "not found: the metrics are at /metrics\n");
        return;
    }
    if (strcmp(method, "GET") != 0) {
        respond_text(c, "405 Method Not Allowed", "Allow: GET\r\n", "only GET\n");
        return;
    }
    cg_server *s = c->http->server;
    if (s->db != NULL && cg_db_query(s->db, SNAPSHOT_SQL, 0, NULL, on_snapshot, c) == 0) {
        c->querying = 1;
        return;
    }
    send_metrics(c, NULL);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    metrics_client *c = h->data;
    /* one byte kept for the NUL serve() adds */
    *buf = uv_buf_init(c->request + c->len, (unsigned)(sizeof c->request - 1 - c->len));
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    (void)buf;
    metrics_client *c = stream->data;
    if (nread < 0) {
        close_client(c);
        return;
    }
    c->len += (size_t)nread;
    c->request[c->len] = '\0';
    if (strstr(c->request, "\r\n\r\n") != NULL || strstr(c->request, "\n\n") != NULL) {
        uv_read_stop(stream);
        serve(c);
    } else if (c->len == sizeof c->request - 1) {
        uv_read_stop(stream);
        respond_text(c, "431 Request Header Fields Too Large", "", "request head too large\n");
    }
}

static void on_timeout(uv_timer_t *t)
{
    close_client(t->data);
}

static void on_connection(uv_stream_t *listener, int status)
{
    cg_metrics_http *h = listener->data;
    if (status < 0)
        return;
    metrics_client *c = calloc(1, sizeof *c);
    if (c == NULL)
        return;
    c->http = h;
    uv_tcp_init(listener->loop, &c->tcp);
    uv_timer_init(listener->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->open_handles = 2;
    c->next = h->first;
    if (h->first != NULL)
        h->first->prev = c;
    h->first = c;
    h->clients++;
    if (uv_accept(listener, (uv_stream_t *)&c->tcp) != 0 || h->clients > CG_METRICS_HTTP_CLIENTS) {
        close_client(c);
        return;
    }
    uv_timer_start(&c->timer, on_timeout, CG_METRICS_HTTP_TIMEOUT_MS, 0);
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0)
        close_client(c);
}

int cg_metrics_http_start(cg_metrics_http *h, cg_server *server, const char *address)
{
    memset(h, 0, sizeof *h);
    h->server = server;
    if (cg_server_listen(server, &h->listener, address, on_connection, h) != 0)
        return -1;
    h->listening = 1;
    return 0;
}

void cg_metrics_http_stop(cg_metrics_http *h)
{
    if (!h->listening)
        return;
    h->listening = 0;
    uv_close((uv_handle_t *)&h->listener, NULL);
    while (h->first != NULL)
        close_client(h->first);
}
