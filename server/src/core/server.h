/* server: one mockaws server: the object that owns its HTTP daemon,
 * services, state, clock and journal, and the small services every module
 * uses (random material, credentials, logging). It includes no core module
 * that includes it back, so the modules with a job (edge, registry,
 * fixtures, pipeline, control) all build on it.
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

/* Credentials handed out by STS, so that requests signed with them land in
 * the right account as the right principal. */
typedef struct server_cred {
    char *access_key;
    char *account;
    char *arn;
    char *user_id;
    int64_t expires_ms;     /* server clock; 0: never (an IAM user's key) */
    char *secret;           /* the secret access key, or NULL (not checked) */
    char *session_token;    /* temporary credentials' token, or NULL */
    char *role_arn;         /* an assumed role's ARN, whose policies apply, or NULL */
    char *session_policy;   /* a session policy's text, or NULL */
    char *session_tags;     /* an assumed role's session tags as JSON text, {"tags": {KEY: VALUE},
                               "transitive": [KEY]}, or NULL (svc_credentials.session_tags) */
} server_cred;

struct mockaws {
    struct MHD_Daemon *daemon;
    char host[256];
    unsigned port;
    char endpoint[300];
    unsigned threads;
    size_t max_body;
    gint capture_bodies; /* body bytes a journal entry keeps (core/capture.h); 0 = no capture.
                            Atomic: POST /_mockaws/capture sets it while requests run */

    srv_clock clock;
    journal *journal;
    ns_table *ns;
    fault_set *faults;
    GMutex scenario_lock;
    scenario *scenario; /* the one loaded last, for verify; owned */
    GRWLock reset_lock; /* requests read, reset writes */
    struct snapshot_store *snapshots; /* core/snapshot.h; owned, made and freed by core/api.c */

    /* the control plane (core/control.c) */
    char *control_token;  /* required of control requests when set; owned */
    char **allow_hosts;   /* Host names also taken for control requests (NULL-terminated, lowercase), or NULL */
    char *fixtures_dir;   /* resolved: where documents sent to the control API may name files; NULL: nowhere */
    json_t *kept_settings; /* what configures in the fixtures given at start, which a reset loads
                              again (core/fixtures.c, fixtures_keep_settings); JSON array or NULL, owned */
    struct persist *persist; /* --state-dir (core/persist.h), or NULL; owned (core/api.c) */

    const svc_def *const *services; /* what it serves: services_all, or a test's (core/api.h) */
    struct svc_rt *svcs; /* core/registry.h */
    size_t nsvcs;

    GMutex rand_lock;
    GRand *rand;

    GMutex cred_lock;
    GHashTable *creds; /* access key -> server_cred* */

    /* --auth (core/auth.c) */
    mockaws_auth_mode auth;
    gint transitions; /* mockaws_transitions; atomic: a fixture's "settings" may set it while
                         requests run. Configuration: a reset keeps it */
    GMutex sigkey_lock;
    GHashTable *sigkeys; /* "secret\nDATE/REGION/SERVICE" -> its SigV4 signing key (32
                            bytes); both owned; NULL under --auth off */
    struct decisions *decisions; /* what enforce decided (core/decisions.h); owned; NULL but
                                    under --auth enforce */

    _Atomic uint64_t next_conn;

    mockaws_log_level log_level;
    mockaws_log_format log_format;
    FILE *log;
    GMutex log_lock;

    /* connections waiting for a delayed answer (see core/edge.c) */
    GMutex delay_lock;
    GCond delay_cond;
    GList *delayed; /* sorted by due time */
    GHashTable *parked; /* parked requests (svc_park): key -> GQueue of the edge's
                           request contexts, each also in delayed; owned */
    GThread *delay_thread;
    bool stopping;

    /* the edge (see core/edge.c): bodies, connection limits, header deadline */
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
    struct stream_hub *streams; /* GET /_mockaws/journal/stream's listeners (core/stream.h) */
};

typedef struct mockaws server;

/* A server for the services (NULL-terminated) with everything but their
 * registry, the edge and fixtures (those are their modules' to set up: see
 * core/api.c); never NULL. */
server *server_new(const mockaws_options *opts, const svc_def *const *services);
/* Releases what server_new made, and faults and scenario; the edge must be
 * stopped first. */
void server_free(server *s);

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
/* The whole table, copied, for a snapshot (g_hash_table_destroy frees
 * it), and the table replaced by copies of such a one (which stays). */
GHashTable *server_cred_save(server *s);
void server_cred_restore(server *s, GHashTable *saved);
/* Forgets access_key (nothing when unknown). */
void server_cred_remove(server *s, const char *access_key);

/* The account a request is in, from its access key. */
void server_account_for_key(server *s, const char *access_key, char out[13]);

void server_log(server *s, mockaws_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
