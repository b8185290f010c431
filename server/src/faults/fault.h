/* fault: rules that make the server misbehave on purpose, and the engine
 * that decides, per request, whether one fires.
 *
 * A rule (docs/ARCHITECTURE.md, "Fault rules") has matchers (service, operation,
 * resource, account, region: full-match PCRE2 patterns, compiled once; plain
 * literals are compared without the regex engine), one or more actions
 * (error, delay_ms, connection, or a service-specific partial failure) and a
 * schedule (after, times, every, probability, from_ms / until_ms). Rules
 * are tried in order; the first that fires wins. With no rules, matching
 * costs one atomic load.
 *
 * A fault_set is owned by its server and thread-safe. */
#ifndef MOCKAWS_FAULTS_FAULT_H
#define MOCKAWS_FAULTS_FAULT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum fault_conn {
    FAULT_CONN_NONE = 0,
    FAULT_CONN_RESET,   /* RST, no answer */
    FAULT_CONN_CLOSE,   /* orderly close, no answer */
    FAULT_CONN_TIMEOUT, /* hold the connection open, never answer */
} fault_conn;

/* What a request looks like to the matchers. */
typedef struct fault_request {
    const char *service, *operation, *resource, *account, *region; /* NULL = "" */
} fault_request;

/* What fired. Strings are copies the caller frees with fault_decision_clear. */
typedef struct fault_decision {
    char *rule_id;       /* NULL when nothing fired */
    char *error_code;    /* NULL: no error action */
    char *error_message; /* NULL: the catalog's */
    int error_status;    /* 0: the catalog's / model's */
    int64_t delay_ms;    /* 0: none */
    fault_conn conn;
    json_t *partial;     /* service-specific action ({"unprocessed": 0.5}, ...), new ref or NULL */
} fault_decision;

typedef struct fault_set fault_set;

/* Tells whether an error code without a status is known (to some service's
 * catalog or model), so that a rule naming an unknown one can be refused. */
typedef bool (*fault_code_known)(void *arg, const char *service, const char *code);

/* seed: the server's (0 = random). services: the names of the services
 * served (NULL-terminated; NULL = take any name), so that a rule whose service
 * pattern takes none of them is refused, and so that matching knows each
 * rule's services in advance. partial: the names of the partial-failure
 * actions some service reads (NULL-terminated, from svc_def.partial_actions;
 * NULL = none), each taking true/false or a share from 0 to 1; the engine
 * knows no service's own names. The set copies both lists. */
fault_set *fault_set_new(uint64_t seed, const char *const *services, const char *const *partial,
                         fault_code_known known, void *known_arg);
void fault_set_free(fault_set *f);

/* Adds one rule (an object) or several (an array), all or none. now_ms is the
 * server clock (from_ms / until_ms count from it). On success *ids is a new
 * array of the ids given. On refusal, err says exactly what is wrong. */
int fault_set_add(fault_set *f, json_t *rules, int64_t now_ms, json_t **ids, char *err, size_t errlen);
/* 0, or -1 when there is no rule with that id. */
int fault_set_remove(fault_set *f, const char *id);
void fault_set_clear(fault_set *f);
/* {"faults": [rule as given + "id", "matched", "fired", "expired"]} */
json_t *fault_set_json(fault_set *f);
size_t fault_set_count(fault_set *f);

/* The rules as they stand, for a snapshot: each with its counters and its
 * generator's state, so that a restored rule fires on the same requests
 * the original would have from there. Owned by the caller. */
typedef struct fault_saved fault_saved;
fault_saved *fault_set_save(fault_set *f);
void fault_saved_free(fault_saved *saved);
/* Replaces the rules by copies of saved's (which stays as it was). */
void fault_set_restore(fault_set *f, const fault_saved *saved);

/* Decides for one request; true when a rule fired (d filled). */
bool fault_set_decide(fault_set *f, const fault_request *req, int64_t now_ms, fault_decision *d);
void fault_decision_clear(fault_decision *d);

#endif
