/* journal: a bounded ring of what the server answered, one entry per
 * request, for tests to assert on. It never holds credentials, session
 * tokens or signatures: only the fields below, and with capture on the
 * exchange as core/capture.h redacted it. */
#ifndef MOCKAWS_CORE_JOURNAL_H
#define MOCKAWS_CORE_JOURNAL_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct capture;

typedef struct journal_entry {
    uint64_t seq;            /* assigned by journal_add, from 1 */
    int64_t time_ms;         /* server clock when the request arrived */
    uint64_t connection;     /* id of the TCP connection */
    const char *request_id;
    const char *account;
    const char *region;
    const char *service;     /* NULL for requests no service took */
    const char *operation;
    const char *resource;
    int status;
    const char *error;       /* code, or NULL */
    const char *fault;       /* id of the fault rule that fired, or NULL */
    int64_t duration_us;
    const char *invocation_id; /* amz-sdk-invocation-id */
    int attempt;             /* from amz-sdk-request: attempt=N; 0 when absent */
    int max_attempts;        /* from amz-sdk-request: max=M; 0 when absent */
    const char *caller;      /* a call one service made to another (svc_invoke): the
                                calling service; NULL for a client's request */
    const char *principal;   /* --auth verify / enforce: who signed it (an ARN), or NULL */
    const char *authz;       /* --auth enforce: what decided (core/enforce.h), or NULL */
    struct capture *capture; /* --capture-bodies: the exchange, redacted (core/capture.h), or NULL;
                                journal_add takes ownership, and the journal frees it when the
                                entry leaves the ring */
} journal_entry;

typedef struct journal_filter {
    const char *service, *operation, *error; /* NULL = any */
    uint64_t since;                          /* entries with seq > since */
    size_t limit;                            /* 0 = all */
} journal_filter;

typedef struct journal journal;

journal *journal_new(size_t capacity);
void journal_free(journal *j);
/* Copies the entry, strings and all (the caller keeps its own; a ring slot
 * reuses its buffer, so adding allocates nothing once the ring is full of
 * entries as long). Returns the entry's seq. */
uint64_t journal_add(journal *j, const journal_entry *e);
/* The same, and *as_json (if not NULL) the entry as journal_entry_json
 * writes it, with its seq (new reference): for the request's log line. */
uint64_t journal_add_json(journal *j, const journal_entry *e, json_t **as_json);
/* {"entries": [...]}, oldest first (new reference). */
json_t *journal_query(journal *j, const journal_filter *f);
/* The entries matching f, oldest first, each as one(e, arg) makes it (a new
 * reference; called under the journal's lock): a JSON array (new reference). */
json_t *journal_map(journal *j, const journal_filter *f, json_t *(*one)(const journal_entry *e, void *arg),
                    void *arg);
/* The entry seq as journal_entry_json writes it, plus what was captured
 * ("request", "response"), or NULL when it is not (or no longer) there. */
json_t *journal_get(journal *j, uint64_t seq);
size_t journal_count(journal *j, const journal_filter *f);
void journal_clear(journal *j);
/* The seq of the last entry added (0: none yet), for a snapshot to come
 * back to. */
uint64_t journal_last_seq(journal *j);
/* Drops the entries added after seq (a restored snapshot's position).
 * Seqs are never handed out twice: the next entry still gets a new one, so
 * a client's "since" stays meaningful. */
void journal_truncate(journal *j, uint64_t seq);
/* The entry as JSON (new reference, never NULL). Client-given fields follow
 * core/jtext.h: "<field>_base64" beside any that is not UTF-8. */
json_t *journal_entry_json(const journal_entry *e);
/* Whether e passes f's service, operation, error and since (NULL: any). */
bool journal_matches(const journal_entry *e, const journal_filter *f);

/* Called after every add, clear and truncate, outside the journal's lock,
 * on the thread that made the change: a live reader (core/stream.h) learns
 * there is something to read. One listener; NULL fn removes it. */
typedef void (*journal_notify_fn)(void *arg);
void journal_set_notify(journal *j, journal_notify_fn fn, void *arg);

/* Reading by seq, for a reader that keeps its own position. Calls fn with
 * each entry held whose seq is above after, oldest first, until fn returns
 * false (under the journal's lock: fn must not call the journal). *epoch is
 * the caller's view of clears and truncates: when it is not the journal's
 * (and not 0, "any"), nothing is visited and false is returned. Either way
 * *epoch becomes the journal's, and *reset_after the last seq handed out
 * when it was last cleared or truncated (0: never): seqs up to it that are
 * missing went with the reset, not with the ring's turn. */
typedef bool (*journal_visit)(const journal_entry *e, void *arg);
bool journal_walk(journal *j, uint64_t after, uint64_t *epoch, uint64_t *reset_after, journal_visit fn,
                  void *arg);
/* time_ms as ISO 8601 in UTC with milliseconds ("2026-01-02T03:04:05.678Z"). */
void journal_time_iso(int64_t time_ms, char out[40]);

#endif
