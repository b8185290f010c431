/* journal: a bounded ring of what the server answered, one entry per
 * request, for tests to assert on. It never holds credentials, session
 * tokens or signatures: only the fields below. */
#ifndef MOCKAWS_CORE_JOURNAL_H
#define MOCKAWS_CORE_JOURNAL_H

#include <glib.h>
#include <jansson.h>
#include <stdint.h>

typedef struct journal_entry {
    uint64_t seq;            /* assigned by journal_add, from 1 */
    int64_t time_ms;         /* server clock when the request arrived */
    uint64_t connection;     /* id of the TCP connection */
    char *request_id;
    char *account;
    char *region;
    char *service;           /* NULL for requests no service took */
    char *operation;
    char *resource;
    int status;
    char *error;             /* code, or NULL */
    char *fault;             /* id of the fault rule that fired, or NULL */
    int64_t duration_us;
    char *invocation_id;     /* amz-sdk-invocation-id */
    int attempt;             /* from amz-sdk-request: attempt=N; 0 when absent */
    int max_attempts;        /* from amz-sdk-request: max=M; 0 when absent */
} journal_entry;

typedef struct journal_filter {
    const char *service, *operation, *error; /* NULL = any */
    uint64_t since;                          /* entries with seq > since */
    size_t limit;                            /* 0 = all */
} journal_filter;

typedef struct journal journal;

journal *journal_new(size_t capacity);
void journal_free(journal *j);
/* Frees the entry's strings (an entry that will not be added). */
void journal_entry_clear(journal_entry *e);
/* Takes ownership of the entry's strings (the struct itself is copied).
 * Returns the entry's seq. */
uint64_t journal_add(journal *j, journal_entry *e);
/* The same, and *as_json (if not NULL) the entry as journal_entry_json
 * writes it, with its seq (new reference): for the request's log line. */
uint64_t journal_add_json(journal *j, journal_entry *e, json_t **as_json);
/* {"entries": [...]}, oldest first (new reference). */
json_t *journal_query(journal *j, const journal_filter *f);
size_t journal_count(journal *j, const journal_filter *f);
void journal_clear(journal *j);
/* The entry as JSON (new reference, never NULL). Client-given fields follow
 * core/jtext.h: "<field>_base64" beside any that is not UTF-8. */
json_t *journal_entry_json(const journal_entry *e);

#endif
