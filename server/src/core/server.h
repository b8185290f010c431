/* server: one mockaws server: its HTTP daemon, services, state, clock,
 * journal and the request pipeline that ties them together.
 *
 * struct mockaws is the public opaque type of mockaws.h; inside the library
 * it is called `server`. Everything a server owns hangs off it, so several
 * servers live side by side in one process. */
#ifndef MOCKAWS_CORE_SERVER_H
#define MOCKAWS_CORE_SERVER_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/embedded.h"
#include "core/journal.h"
#include "faults/fault.h"
#include "faults/scenario.h"
#include "mockaws.h"
#include "services/service.h"
#include "state/ns.h"
#include "wire/errcat.h"
#include "wire/validate.h"
#include "wire/wire.h"

/* A service as one server runs it: its definition, its protocol, and what
 * is loaded for it on its first request (model, catalog, validator, the
 * names of every operation AWS has), so that starting a server parses no
 * model. Use server_service_ready() before touching the loaded part. */
typedef struct svc_rt {
    const svc_def *def;
    const struct embedded_meta *meta;
    const wire_protocol *proto;
    GHashTable *handlers; /* op name -> const svc_op* */

    gsize loaded;         /* g_once_init: 1 = tried */
    char *load_error;     /* why loading failed, or NULL */
    model *model;
    errcat *errors;
    validator *validator;
    GHashTable *aws_ops;  /* every op name AWS has (set) */
} svc_rt;

/* Credentials handed out by STS, so that requests signed with them land in
 * the right account as the right principal. */
typedef struct server_cred {
    char *access_key;
    char *account;
    char *arn;
    char *user_id;
    int64_t expires_ms;
} server_cred;

/* What the pipeline decided about one request. */
typedef struct server_outcome {
    int64_t delay_ms;   /* hold the answer this long (connection suspended) */
    fault_conn conn;    /* answer (NONE), or reset / close / hold the connection */
} server_outcome;

struct mockaws {
    struct MHD_Daemon *daemon;
    char host[256];
    unsigned port;
    char endpoint[300];
    unsigned threads;
    size_t max_body;

    srv_clock clock;
    journal *journal;
    ns_table *ns;
    fault_set *faults;
    GMutex scenario_lock;
    scenario *scenario; /* the one loaded last, for verify; owned */
    GRWLock reset_lock; /* requests read, reset writes */

    /* the control plane (core/control.c) */
    char *control_token;  /* required of control requests when set; owned */
    char **allow_hosts;   /* Host names also taken for control requests (NULL-terminated, lowercase), or NULL */
    char *fixtures_dir;   /* resolved: where documents sent to the control API may name files; NULL: nowhere */

    svc_rt *svcs;
    size_t nsvcs;

    GMutex rand_lock;
    GRand *rand;

    GMutex cred_lock;
    GHashTable *creds; /* access key -> server_cred* */

    _Atomic uint64_t next_conn;

    mockaws_log_level log_level;
    mockaws_log_format log_format;
    FILE *log;
    GMutex log_lock;

    /* connections waiting for a delayed answer (see server.c) */
    GMutex delay_lock;
    GCond delay_cond;
    GList *delayed; /* sorted by due time */
    GThread *delay_thread;
    bool stopping;

    /* the edge (see server.c): bodies, connection limits, header deadline */
    size_t body_spill;
    int64_t header_timeout_us;
    unsigned max_conns;
    unsigned max_conns_per_ip;
    GMutex edge_lock;
    GCond edge_cond;
    GHashTable *conns;   /* open connections: conn_info* (set), owned */
    GHashTable *per_ip;  /* client address text -> open connections (non-loopback) */
    GThread *edge_thread;
    bool edge_stopping;
};

typedef struct mockaws server;

/* The whole pipeline for one request read in full, without HTTP glue:
 * control API, routing, parsing, the handler, serialization, journal.
 * conn: the connection id for the journal. The response is the caller's. */
void server_handle(server *s, const http_request *req, uint64_t conn, bool too_large,
                   http_response *resp, server_outcome *out);

svc_rt *server_service(server *s, const char *name);
/* Loads the service's model, catalog and validator once; false (and a
 * message in err) when its embedded data is broken. */
bool server_service_ready(svc_rt *rt, char *err, size_t errlen);

/* Random material from the server's seeded generator. */
void server_random_bytes(server *s, unsigned char *buf, size_t len);
/* n characters from alphabet */
void server_random_string(server *s, char *out, size_t n, const char *alphabet);
/* A version 4 UUID, lowercase (37 bytes with the NUL). */
void server_uuid(server *s, char out[37]);

/* Credentials (STS). The server takes copies of the strings. */
void server_cred_add(server *s, const server_cred *c);
/* Copies the entry into *out (strings g_malloc'd: server_cred_clear). */
bool server_cred_lookup(server *s, const char *access_key, server_cred *out);
void server_cred_clear(server_cred *c);

/* The account a request is in, from its access key. */
void server_account_for_key(server *s, const char *access_key, char out[13]);

/* Fixtures / state: the document format of docs/ARCHITECTURE.md. Files the
 * document names are read from inside base_dir (NULL: it may name none;
 * core/fsref.h). Members written by the jtext rule ("<name>_base64") are
 * restored in doc first. */
int server_load_state(server *s, json_t *doc, const char *base_dir, char *err, size_t errlen);
json_t *server_dump_state(server *s);
void server_reset(server *s);

/* Applies a scenario (fixtures, faults, clock) and keeps it for
 * server_verify_scenario. Takes ownership of sc, also on failure. */
int server_apply_scenario(server *s, scenario *sc, char *err, size_t errlen);
/* The report of scenario_verify for the scenario loaded last, or NULL. */
json_t *server_verify_scenario(server *s);

void server_log(server *s, mockaws_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
