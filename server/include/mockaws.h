/* mockaws.h: embed the mockaws AWS test double in a C program.
 *
 *     char err[256];
 *     mockaws *m = mockaws_start(NULL, err, sizeof err);   // 127.0.0.1, free port
 *     if (!m) { fprintf(stderr, "%s\n", err); return 1; }
 *     printf("%s\n", mockaws_endpoint(m));                 // http://127.0.0.1:PORT
 *     ... point an SDK at it, or call mockaws_load_fixtures(), mockaws_journal() ...
 *     mockaws_stop(m);
 *
 * Every server is independent: several may run in one process. All calls are
 * thread-safe. Calls that can fail return 0 on success and -1 on failure, with
 * a message in err (when err is not NULL). Strings returned as `char *` are
 * the caller's to free with mockaws_free(). */
#ifndef MOCKAWS_H
#define MOCKAWS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define MOCKAWS_API __attribute__((visibility("default")))
#else
#define MOCKAWS_API
#endif

typedef struct mockaws mockaws;

/* The dummy credentials mockaws hands out (`mockaws env`, `mockaws run`, the
 * Python and Node helpers): obviously not AWS's (so a key that reaches AWS,
 * or a log, is recognised at once), yet of the form clients expect (20
 * characters from AKIA, a 40-character secret), and ending in EXAMPLE, as
 * AWS's documented examples do, so secret scanners pass them over. With
 * --auth verify they are the root of account 123456789012, as the older
 * test / test pair still is. */
#define MOCKAWS_DUMMY_ACCESS_KEY_ID "AKIAMOCKAWS00EXAMPLE"
#define MOCKAWS_DUMMY_SECRET_ACCESS_KEY "mockawsLocalOnlyNotARealSecretEXAMPLEKEY"

typedef enum mockaws_log_format { MOCKAWS_LOG_TEXT = 0, MOCKAWS_LOG_JSON = 1 } mockaws_log_format;

typedef enum mockaws_log_level {
    MOCKAWS_LOG_OFF = 0, /* the zero default: embedded servers are quiet */
    MOCKAWS_LOG_ERROR,
    MOCKAWS_LOG_WARN,
    MOCKAWS_LOG_INFO,    /* one line per request */
    MOCKAWS_LOG_DEBUG,
} mockaws_log_level;

/* Who may call (README "Authentication"). */
typedef enum mockaws_auth_mode {
    MOCKAWS_AUTH_OFF = 0, /* the default: any credentials, or none, work */
    MOCKAWS_AUTH_VERIFY,  /* signatures, access keys, session tokens and clock skew are checked */
    MOCKAWS_AUTH_ENFORCE, /* verify, then policies (for now: verify only) */
} mockaws_auth_mode;

/* How long the states that take time on AWS take (README "Coming from
 * moto"). */
typedef enum mockaws_transitions {
    MOCKAWS_TRANSITIONS_REALISTIC = 0, /* the default: tables are CREATING, instances pending, restores
                                          ongoing for a while, as on AWS */
    MOCKAWS_TRANSITIONS_INSTANT,       /* every such state is final at once (as moto has it) */
} mockaws_transitions;

/* All zero = defaults. */
typedef struct mockaws_options {
    const char *host;        /* address to listen on; NULL = "127.0.0.1" */
    unsigned port;           /* 0 = a free port */
    uint64_t seed;           /* seed for request ids, ids and fault probabilities; 0 = random */
    unsigned journal_size;   /* entries kept; 0 = 10000 */
    unsigned threads;        /* worker threads; 0 = number of CPUs (at least 2) */
    size_t max_body;         /* largest request body in bytes; 0 = 5 GiB (S3's single PUT) */
    const char *const *fixtures; /* NULL-terminated list of fixture files to load, or NULL */
    mockaws_log_level log_level;
    mockaws_log_format log_format;
    void *log_stream;        /* FILE* for logs; NULL = stderr */
    /* The control plane (README "Security"). */
    const char *fixtures_dir;  /* the directory whose files documents sent to the control API (and
                                  mockaws_load_fixtures_json) may name; NULL = none for the control API,
                                  the current directory for mockaws_load_fixtures_json */
    const char *control_token; /* when set, control requests over HTTP must send it (header
                                  X-Mockaws-Control-Token or Authorization: Bearer); NULL = none */
    const char *const *allow_hosts; /* NULL-terminated Host names (".suffix" for a domain, "*" for any) the
                                       control API also answers for; NULL = none */

    /* The edge: bodies and connections (0 = the default for each). */
    size_t body_spill;       /* body bytes kept in memory before the rest goes to an
                                unlinked temporary file in $TMPDIR; 0 = 1 MiB */
    unsigned header_timeout_ms; /* a request line and its headers must arrive within this,
                                however slowly they trickle; 0 = 20000 */
    unsigned max_connections;   /* open connections; 0 = what the open-file limit allows */
    unsigned max_connections_per_ip; /* per client address other than loopback; 0 = 1024 */

    /* DynamoDB (README "DynamoDB"); a fixture section's own settings win. */
    int dynamodb_delay_set;       /* nonzero: dynamodb_delay_ms applies; 0 = the default, 500 ms */
    unsigned dynamodb_delay_ms;   /* how long a table stays CREATING / UPDATING / DELETING */
    int dynamodb_throughput;      /* nonzero: throughput emulation for every provisioned table */
    int dynamodb_ttl_delay_set;   /* nonzero: dynamodb_ttl_delay_ms applies; 0 = the default, 5000 ms */
    unsigned dynamodb_ttl_delay_ms; /* how long after its expiry time the TTL sweeper deletes an item */

    /* S3 (README "S3"). */
    int s3_restore_set;           /* nonzero: s3_restore_ms applies; 0 = the default, 1000 ms */
    unsigned s3_restore_ms;       /* how long a RestoreObject of an archived object takes */

    /* SNS (README "SNS"). */
    int sns_insecure_tls;         /* nonzero: https:// subscribers' certificates are not checked
                                     (local test servers with self-signed ones); 0 = checked */

    mockaws_auth_mode auth;       /* 0 = off */

    /* Keeping state across restarts (README "Keeping state across restarts"):
     * the state saved in this directory (created, 0700, when missing) is loaded
     * at start instead of fixtures, and saved there again by mockaws_stop,
     * mockaws_state_save and POST /_mockaws/state/save. NULL = none. */
    const char *state_dir;

    /* Request capture (README "Seeing what the SDK sent"): each journal entry
     * keeps its request's and response's headers and the first capture_bodies
     * bytes of each body, secrets redacted; at most 1 MiB. 0 = off (the
     * control API's POST /_mockaws/capture changes it at run time). */
    size_t capture_bodies;

    /* DynamoDB tables, indexes, streams and TTL, EC2 instances, S3 archive
     * restores: realistic timing (0) or final at once. Startup fixtures'
     * "settings" may change it; a reset keeps it. */
    mockaws_transitions transitions;
} mockaws_options;

/* Starts a server. NULL and a message in err on failure. opts may be NULL. */
MOCKAWS_API mockaws *mockaws_start(const mockaws_options *opts, char *err, size_t errlen);
/* The port it listens on. */
MOCKAWS_API unsigned mockaws_port(const mockaws *m);
/* "http://HOST:PORT" (valid until mockaws_stop). */
MOCKAWS_API const char *mockaws_endpoint(const mockaws *m);
/* Stops serving, waits for requests in flight, frees everything. NULL is fine. */
MOCKAWS_API void mockaws_stop(mockaws *m);

/* State: fixtures in, state dump out (the same JSON format; see README).
 * Files a fixture names must be regular files, at most 256 MiB, inside the
 * fixture file's directory (for _json: inside opts.fixtures_dir, else the
 * current directory), symlinks resolved. */
MOCKAWS_API int mockaws_load_fixtures_json(mockaws *m, const char *json, char *err, size_t errlen);
MOCKAWS_API int mockaws_load_fixtures_file(mockaws *m, const char *path, char *err, size_t errlen);
MOCKAWS_API char *mockaws_state_json(mockaws *m);
/* Saves the state into opts.state_dir now (mockaws_stop saves too, and
 * logs a failure, which only this call reports). -1 without a state dir. */
MOCKAWS_API int mockaws_state_save(mockaws *m, char *err, size_t errlen);
/* Forgets all state and empties the journal. */
MOCKAWS_API void mockaws_reset(mockaws *m);

/* Snapshots (README "Snapshots"): the whole state (every service, account
 * and region, fault rules with their counters, handed-out credentials)
 * kept under name (1-64 of [A-Za-z0-9._-]; an existing one is replaced),
 * made current again by restore in time that does not grow with the
 * number of objects, and forgotten by delete. 0, or -1 with err set (an
 * invalid or unknown name, a service that cannot be snapshotted). */
MOCKAWS_API int mockaws_snapshot(mockaws *m, const char *name, char *err, size_t errlen);
MOCKAWS_API int mockaws_restore(mockaws *m, const char *name, char *err, size_t errlen);
MOCKAWS_API int mockaws_snapshot_delete(mockaws *m, const char *name, char *err, size_t errlen);

/* Journal. filter is a JSON object with any of service, operation, error,
 * since (seq), limit; NULL for all. Returns {"entries": [...]}, oldest first. */
MOCKAWS_API char *mockaws_journal_json(mockaws *m, const char *filter_json);
/* Requests in the journal matching (NULL = any) service, operation, error. */
MOCKAWS_API size_t mockaws_journal_count(mockaws *m, const char *service, const char *operation,
                                         const char *error);
MOCKAWS_API void mockaws_journal_clear(mockaws *m);

/* Clock: real by default. Virtual mode freezes server time at its current
 * value; advance moves it forward (in real mode too, as an offset), then
 * does the work that became due (lifecycle expirations, finished restores
 * and the events they send) before it returns. */
MOCKAWS_API int mockaws_clock_virtual(mockaws *m, int on);
MOCKAWS_API void mockaws_clock_advance(mockaws *m, uint64_t ms);
/* Server time, milliseconds since the epoch. */
MOCKAWS_API int64_t mockaws_clock_now_ms(mockaws *m);

/* Fault rules (the rule format is in the README): one rule object or a list.
 * On success *ids_json (if not NULL) is the JSON list of their ids. */
MOCKAWS_API int mockaws_faults_add(mockaws *m, const char *rules_json, char **ids_json, char *err,
                                   size_t errlen);
/* 0, or -1 when no rule has that id. */
MOCKAWS_API int mockaws_faults_remove(mockaws *m, const char *id);
MOCKAWS_API void mockaws_faults_clear(mockaws *m);
/* {"faults": [...]} with each rule's matched / fired counts. */
MOCKAWS_API char *mockaws_faults_json(mockaws *m);

/* Scenarios: load one (fixtures, faults, clock) and later check its
 * expectations against the journal. verify returns 1 when all are met, 0
 * when some are not, -1 when no scenario is loaded; *report_json (if not
 * NULL) gets the report. */
MOCKAWS_API int mockaws_scenario_load_file(mockaws *m, const char *path, char *err, size_t errlen);
MOCKAWS_API int mockaws_scenario_verify(mockaws *m, char **report_json);
/* A verify report as text for people: a summary line, then each failed
 * expectation with what the journal actually holds. */
MOCKAWS_API char *mockaws_scenario_report_text(const char *report_json);

/* The control API's JSON in one call: method "GET"/"POST"/"DELETE", path
 * under /_mockaws/ (e.g. "faults"), body or NULL. Returns the HTTP status and
 * the response body in *out (mockaws_free). The C caller needs no token and
 * passes no Host check; documents it sends name files as over HTTP (only
 * inside opts.fixtures_dir). "journal/stream" is HTTP's only (a stream of
 * events): here it is 400, saying to read "journal?since=SEQ" instead. */
MOCKAWS_API int mockaws_control(mockaws *m, const char *method, const char *path, const char *body,
                                char **out);

MOCKAWS_API void mockaws_free(void *p);
MOCKAWS_API const char *mockaws_version(void);

#ifdef __cplusplus
}
#endif
#endif
