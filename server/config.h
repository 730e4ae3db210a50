/*
 * chengguand's settings: defaults, then the INI file ([chengguand] section,
 * parsed with libinih), then CHENGGUAN_<NAME> environment variables. See
 * docs/operations.md for each setting.
 */
#ifndef CG_CONFIG_H
#define CG_CONFIG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *listen;         /* "HOST:PORT" */
    char *metrics_listen; /* "HOST:PORT" of the Prometheus endpoint; "": none */
    char *tls_cert;
    char *tls_key;
    char *tls_ca;
    char *tls_crl;               /* optional: "" for none */
    char *tls_ticket_keys;       /* optional: shared by instances; "" = made at start */
    int64_t tls_reload_interval; /* ms: how often the TLS files are looked at */
    char *database;              /* libpq conninfo */
    char *migrate_database;      /* conninfo --migrate uses (the schema's owner); "": database */
    int64_t db_pool_size;
    int64_t db_queue_size;
    int64_t max_connections;
    int64_t max_connections_per_account;
    int64_t max_inflight;      /* requests in flight per connection */
    int64_t max_request_rate;  /* requests a second per account, all its connections */
    int64_t max_request_burst; /* ...of which this many may come at once */
    int64_t max_frame_bytes;
    int64_t max_output_bytes;       /* a connection whose unsent output passes this is cut off */
    int64_t max_hello_frame_bytes;  /* frames before Welcome */
    int64_t max_unpacked_bytes;     /* what one request may take once unpacked */
    int64_t max_import_rows;        /* CompoundImport.rows */
    int64_t max_request_items;      /* any other repeated field of a request */
    int64_t max_pending_handshakes; /* connections before Welcome, in all... */
    int64_t max_pending_handshakes_per_ip; /* ...and from one address */
    /* Durations in milliseconds. */
    int64_t idle_timeout; /* 0: never */
    int64_t handshake_timeout;
    int64_t frame_timeout;          /* a started frame must be complete within this */
    int64_t account_check_interval; /* how often live sessions' accounts are re-read */
    int64_t shutdown_timeout;
    /* Read by the SQL functions (cg_config_conninfo); a report keeps the
     * timings it was filed with. Durations in milliseconds. */
    int64_t request_answer_days; /* a resident's request must be answered within this */
    int64_t ack_timeout;         /* a report not acknowledged: to the unit's leadership */
    int64_t supervision_timeout; /* still not acknowledged: to supervision */
    int64_t resolve_timeout;     /* acknowledged, not resolved: to supervision */
    int64_t remind_every;        /* then a reminder to the unit this often */
    int64_t dedup_window;        /* a second report of the same kind joins the open one */
    /* Evidence of cases: the largest attachment (bytes); an unfinished
     * upload is dropped this long after its last chunk. */
    int64_t max_attachment_bytes;
    int64_t upload_expiry;
    char *log_level;
    char *log_format; /* logfmt | json */
} cg_config;

/* What the settings are loaded for: serving (and --check-config) needs the
 * TLS files; --migrate only talks to the database. */
typedef enum { CG_CONFIG_SERVE, CG_CONFIG_MIGRATE } cg_config_use;

/*
 * Loads defaults, then path (may be NULL), then the environment, and checks
 * every value `use` needs. Returns 0, or -1 with a message naming the file,
 * line and setting written into err.
 */
int cg_config_load(cg_config *c, const char *path, cg_config_use use, char *err, size_t errlen);

void cg_config_free(cg_config *c);

/* The database conninfo with the settings the SQL functions read, as cg.*
 * startup options (see db/conninfo.h). malloc'd; NULL with err set. */
char *cg_config_conninfo(const cg_config *c, char *err, size_t errlen);

/* Splits "host:port" or "[v6]:port". 0 or -1. */
int cg_config_split_listen(const char *listen, char *host, size_t hostlen, int *port);

#endif
