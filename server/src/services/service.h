/* service: what a service plugs into the core.
 *
 * A service is a model, an error catalog, a table of handlers and a state
 * object per namespace (account x region). The core routes a request to the
 * service, parses its input with the wire layer, takes the namespace lock
 * and calls the handler; the handler works on the input tree and the state
 * and leaves an output tree or an error in the call. Handlers never write
 * XML or JSON and never touch sockets. */
#ifndef MOCKAWS_SERVICES_SERVICE_H
#define MOCKAWS_SERVICES_SERVICE_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "mockaws.h"
#include "wire/awserr.h"
#include "wire/http.h"
#include "wire/model.h"
#include "wire/validate.h"

typedef struct mockaws server;
typedef struct svc_def svc_def;

/* One request, as a handler sees it. */
typedef struct svc_call {
    server *srv;
    const svc_def *svc;
    const model *model;
    const char *account;     /* 12 digits */
    const char *region;
    const char *access_key;  /* the caller's access key id ("" when unsigned) */
    const char *operation;
    const char *request_id;
    const http_request *req; /* raw request (streaming bodies, extra headers) */
    json_t *input;           /* parsed, validated input (borrowed) */
    void *state;             /* this namespace's state, locked for the call */
    int64_t now_ms;          /* server clock at the start of the call */

    json_t *output;          /* set by the handler (owned by the call) */
    aws_error err;           /* set by the handler on failure */
    http_response *resp;     /* for handlers that add headers or stream bodies */
    char *resource;          /* for the journal: NULL = what resource_of said
                                (g_malloc'd, owned) */
    json_t *fault;           /* a fault rule's partial-failure actions for this
                                request ({"unprocessed": 0.5}, ...: names from
                                svc_def.partial_actions), or NULL */
    struct svc_park_state *park; /* the core's, for svc_park (services/svc_api.h) */
    struct svc_signer *signer;   /* the core's, for svc_form_signed (services/svc_api.h);
                                    NULL outside a client's request */
    const GArray *denied;    /* --auth enforce: the batch entries (int indexes, svc_authz.entry)
                                the caller may not touch, which the handler answers as
                                refused one by one (S3 DeleteObjects); NULL: none */
} svc_call;

/* 0 = success (output may stay NULL: an empty answer), -1 = c->err is set. */
typedef int (*svc_handler)(svc_call *c);

/* How the core holds the namespace lock around an operation's handler. */
typedef enum svc_lock_mode {
    SVC_LOCK_EXCLUSIVE = 0, /* the write lock: the handler runs alone (the default) */
    SVC_LOCK_SHARED,        /* the read lock: runs concurrently with other shared ones */
    SVC_LOCK_NONE,          /* no lock: the handler takes it itself, for the parts that
                               touch the state, with svc_lock_shared / svc_lock_exclusive
                               (S3's uploads hash their bodies with no lock held) */
} svc_lock_mode;

typedef struct svc_op {
    const char *name;
    svc_handler fn;
    svc_lock_mode lock;
} svc_op;

/* The namespace lock of c's state, for SVC_LOCK_NONE handlers: each lock
 * call paired with the unlock call of the same mode before the handler
 * returns. c->state stays valid between them (a reset waits for the
 * request), but whatever the handler found in it under one lock may be gone
 * under the next: look it up again. */
void svc_lock_shared(svc_call *c);
void svc_unlock_shared(svc_call *c);
void svc_lock_exclusive(svc_call *c);
void svc_unlock_exclusive(svc_call *c);

/* Where a fixture section lands. */
typedef struct svc_fixture_ctx {
    const char *account;
    const char *region;
    const char *base_dir; /* the directory files it names must lie in (core/fsref.h): the
                             fixture file's, --fixtures-dir for documents sent to the
                             control API, or NULL when they may name no files */
    int64_t now_ms;
    /* Checks value against the model's input shape of operation op, as a
     * request's input is checked (required members, types, lengths,
     * ranges, patterns), so that a fixture entry written in an operation's
     * shape (a DynamoDB table in CreateTable's) reaches the service only
     * in a form a request could have had. 0, or -1 with the violations
     * worded in err. */
    int (*check_input)(const struct svc_fixture_ctx *ctx, const char *op, json_t *value, char *err,
                       size_t errlen);
    void *core; /* check_input's own */
    server *srv; /* the server, for the svc_api.h calls that take one (credentials a
                    fixture hands out: svc_credentials_add_to) */
} svc_fixture_ctx;

/* Where a state dump puts bytes it would rather not write inside the JSON
 * (core/persist.c, --state-dir). */
typedef struct svc_dump_ctx {
    /* Stores the len bytes at data (read during the call only) as a file
     * beside the document, and returns its name relative to the document's
     * directory for the fixture's "file" member (g_malloc'd), or NULL when it
     * could not: the core then abandons the whole dump, so what the service
     * writes in its place does not matter. */
    char *(*store_body)(const struct svc_dump_ctx *ctx, const void *data, size_t len);
    void *core; /* store_body's own */
} svc_dump_ctx;

/* How far one state object reaches. */
typedef enum svc_scope {
    SVC_SCOPE_REGION = 0, /* one state per account and region (DynamoDB, SNS, EC2) */
    SVC_SCOPE_ACCOUNT,    /* one per account (STS) */
    SVC_SCOPE_GLOBAL,     /* one for the whole server (S3: bucket names are global) */
} svc_scope;

/* The most violations a service may list in one answer (max_violations). */
#define SVC_MAX_VIOLATIONS 16

/* One IAM authorization a request needs under --auth enforce: an action on
 * a resource, as the Service Authorization Reference lists them. */
typedef struct svc_authz {
    char action[64]; /* "s3:GetObject" */
    char *resource;  /* the resource's ARN ("*" for an action on none), g_malloc'd */
    int entry;       /* -1: the request stands or falls by it; i: the batch entry i
                        alone (S3 DeleteObjects answers a denied key in its result) */
    json_t *context; /* the condition keys of this check alone (names lowercased), over
                        the request's (a key here hides the request's of that name): the
                        tags of the one instance of several a request names, a table's
                        dynamodb:LeadingKeys in a batch; owned; NULL: none */
} svc_authz;

/* Appends an authorization to out (a GArray of svc_authz), taking
 * resource (g_malloc'd). */
static inline void svc_authz_add(GArray *out, const char *action, char *resource, int entry)
{
    svc_authz a = {.resource = resource, .entry = entry};
    g_strlcpy(a.action, action, sizeof a.action);
    g_array_append_val(out, a);
}

/* The check appended last to out (borrowed). */
static inline svc_authz *svc_authz_last(GArray *out) { return &g_array_index(out, svc_authz, out->len - 1); }

/* a's own context (made on first use; borrowed), for the keys that are its
 * alone. */
static inline json_t *svc_authz_context(svc_authz *a)
{
    if (!a->context)
        a->context = json_object();
    return a->context;
}

/* Releases what an authorization owns (its resource and context). */
static inline void svc_authz_clear(svc_authz *a)
{
    g_free(a->resource);
    json_decref(a->context);
    a->resource = NULL;
    a->context = NULL;
}

struct svc_def {
    const char *name;        /* signing name: "s3", "dynamodb", "sns", "ec2", "sts"; also names
                                the model (server/models/NAME.json) and error catalog
                                (server/models/errors/NAME.json) compiled into the library */
    const svc_op *ops;       /* terminated by {NULL, NULL} */
    svc_scope scope;

    /* The service's settings, from its own fields of the server's options
     * (mockaws_options, which the CLI fills from its flags and documented
     * environment variables; a service never reads the environment): an
     * object made once per server and handed to every state_new (NULL
     * hook: none). config_free releases it when the server stops. */
    void *(*config_new)(const mockaws_options *opts);
    void (*config_free)(void *config);
    /* A namespace's state; config is config_new's object (borrowed), or NULL. */
    void *(*state_new)(const void *config);
    void (*state_free)(void *state);
    /* A second state holding what state holds, for snapshots (core/snapshot.c):
     * afterwards, what one changes the other never sees. The core calls it
     * with no request running (it holds the server's reset lock for
     * writing), to take a snapshot and to restore one, so it must cost what
     * a test can pay before each test: O(1) in the number of objects and
     * items, sharing them (state/pmap.h, refcounted bodies and items) rather
     * than copying. config as for state_new. NULL: the service keeps no
     * state (state_new NULL) or cannot be snapshotted (taking one fails). */
    void *(*state_clone)(const void *state, const void *config);
    /* Fixture section for this service and namespace; err on refusal. */
    int (*state_load)(void *state, json_t *section, const svc_fixture_ctx *ctx, char *err,
                      size_t errlen);
    /* The members of the fixture section that set the service's settings
     * rather than state (DynamoDB's "table_delay_ms"; NULL-terminated; NULL:
     * none). Configuration: a reset loads them again as the fixtures given at
     * start had them (core/fixtures.c, fixtures_keep_settings). */
    const char *const *fixture_settings;
    /* The section as the fixture format has it (new reference), or NULL when
     * empty. ctx NULL: everything inline (GET /_mockaws/state); else bulky
     * bytes (S3's bodies) may go through ctx->store_body into files the
     * section names ("file"); a service with none ignores it. */
    json_t *(*state_dump)(void *state, const svc_dump_ctx *ctx);

    /* Words a model validation failure the service's way. NULL: Coral's
     * ValidationError/ValidationException wording with validation_code. */
    void (*validation_error)(const violation *v, size_t n, aws_error *e);
    const char *validation_code;
    /* How many violations one answer lists at most (DynamoDB: 10); 0: 8,
     * SVC_MAX_VIOLATIONS at most. */
    size_t max_violations;
    /* String shapes whose values may hold a NUL: the service's handlers
     * read them by their length (validator_allow_nul). NULL-terminated; NULL: none. */
    const char *const *nul_strings;

    /* The resource a request names, from its input, for fault matching and
     * the journal (S3 "bucket/key", DynamoDB the table, SNS the topic ARN,
     * EC2 the instance ids). g_malloc'd, or NULL for none. */
    char *(*resource_of)(const char *operation, json_t *input);

    /* Endpoints of the service's own under /_mockaws/<name>/ (SNS's
     * messages): subpath is what follows that prefix. Returns the answer
     * (new reference) with *status set, or NULL when there is no such
     * endpoint. NULL hook: none. */
    json_t *(*control)(server *s, const char *method, const char *subpath, const http_params *query,
                       int *status);

    /* Picks the operation when the protocol's rules alone cannot (S3: PUT
     * /{Bucket}/{Key+} is CopyObject with x-amz-copy-source). NULL: the
     * protocol's operation_name. Same contract as operation_name. */
    const char *(*choose_operation)(const model *m, const http_request *req, char *buf, size_t buflen,
                                    aws_error *err);

    /* The error this service answers for a request naming no operation or
     * one it does not have (InvalidAction, UnknownOperationException, ...). */
    const char *unknown_operation_code;
    int unknown_operation_status;

    /* The partial-failure fault actions this service reads from
     * svc_call.fault (NULL-terminated; NULL: none): a fault rule may name
     * them ({"unprocessed": 0.5}), each with true/false or a share from 0 to
     * 1, which the handler turns into a count with svc_fault_share
     * (services/svc_api.h). The fault engine knows only these names. */
    const char *const *partial_actions;

    /* Every answer carries x-amz-crc32, the CRC32 of its body (DynamoDB's
     * own header, not JSON 1.0's: docs/AWS-FACTS.md). */
    bool body_crc32;

    /* Work a service does on the server clock rather than for a request
     * (S3's lifecycle rules). due_ms says when the state next has some, read
     * without the namespace lock (an atomic); when a request finds the clock
     * past it, the core runs maintain under the namespace's exclusive lock
     * before the request's handler; moving the clock (POST /_mockaws/clock)
     * runs it in every namespace where it is due. NULL: none. */
    int64_t (*due_ms)(void *state);
    /* c is a call of its own: the request's that found the work due, or
     * one the core makes after the clock moved (no input, no operation);
     * maintain reads c->state and c->now_ms, may call other services
     * (svc_invoke) and answers nothing. */
    void (*maintain)(svc_call *c);

    /* Where the service stands in the one order in which namespace locks
     * are taken when a service calls another (svc_invoke): a service may
     * call only services of a higher rank, so that no two ever wait on
     * each other (S3 1, SNS 2). 0: it calls none and none calls it. */
    int invoke_rank;

    /* Called after each handler that ran (not one that parked), with the
     * namespace lock still held as its operation declared (exclusive for
     * SVC_LOCK_NONE operations, which are writes), to add what every answer
     * of the service carries, error or not, to c->resp (S3: the CORS headers
     * of a request with Origin), and what a write leaves besides the
     * handler's own work. rc is the handler's. NULL: none. */
    void (*after_call)(svc_call *c, int rc);

    /* The authorizations c's request needs under --auth enforce, appended
     * to out (svc_authz, in the order they are checked), and the request's
     * own condition keys set in context (names lowercased: "s3:prefix",
     * "dynamodb:leadingkeys"), those of one resource of several the request
     * names in its check's own (svc_authz.context, svc_authz_context). Reads c->input, c->operation, c->account,
     * c->region, and c->state only under a lock it takes itself
     * (svc_lock_shared: DynamoDB reads a table's key schema): it runs before
     * the handler, with no lock held. NULL: the service's requests are not
     * checked. */
    void (*authorize)(svc_call *c, GArray *out, json_t *context);

    /* The resource-based policy of the resource an authorization names
     * (S3: the bucket's policy, for the bucket and its objects; SNS: the
     * topic's, its default included), parsed (new reference), and the
     * account that owns the resource in owner; NULL when the resource has
     * none or does not exist. state is the namespace of (account, region),
     * the caller's, read under its shared lock. NULL hook: the service's
     * resources have no policies. */
    json_t *(*resource_policy)(void *state, const char *account, const char *region, const char *resource_arn,
                               char owner[13]);

    /* The error a request denied under --auth enforce gets, in the
     * service's own code, status and words: principal_arn is the caller's,
     * a the check that failed, explicit_deny whether a Deny statement
     * decided, by the kind of policy that did (or that no Allow was found
     * in): "identity-based policy", "resource-based policy", "permissions
     * boundary", "session policy". NULL: 403 AccessDenied "Access Denied". */
    void (*access_denied)(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                          const char *by, aws_error *err);

    /* For the service that holds identities (IAM): the identity-based
     * policies that apply to principal_arn, one of this namespace's users
     * or roles (a user's inline and attached policies and its groups'; a
     * role's), as an array of parsed policy documents (new reference; empty
     * when it has none or is unknown), and *boundary its permissions
     * boundary's document (new reference) or NULL. The core asks it under
     * the namespace's shared lock when it evaluates a request (--auth
     * enforce). NULL: the service holds none. */
    json_t *(*identity_policies)(void *state, const char *principal_arn, json_t **boundary);
    /* For the service that holds identities (IAM): the tags of
     * principal_arn, one of this namespace's users or roles, as a {key:
     * value} object (new reference), or NULL when it has none or is
     * unknown: the aws:PrincipalTag/KEY condition keys (and policy
     * variables) of its requests. Asked as identity_policies is. NULL:
     * the service holds none. */
    json_t *(*principal_tags)(void *state, const char *principal_arn);

    /* Routing by Host, for requests routed to this service (S3's
     * virtual-hosted buckets): the path the request has when addressed
     * path-style (g_malloc'd), or NULL to keep its own; *region set
     * (g_malloc'd) when the host names one. NULL: the host routes nothing. */
    char *(*route_host)(const http_request *req, char **region);
};

/* The request body, handed over without a copy when the server allows it
 * (else copied), finished (body_data / body_len). The caller owns the result
 * (body_free); c->req->body must not be used afterwards. */
body_buf *svc_take_body(svc_call *c);

/* Reading input and state trees, the one way every service does: member k
 * of o as a string (borrowed from o), NULL when o is no object, lacks k, or
 * k is no string; and whether member k is JSON true. */
static inline const char *svc_str(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static inline bool svc_true(json_t *o, const char *k) { return json_is_true(json_object_get(o, k)); }

/* Every service compiled in, NULL-terminated. */
extern const svc_def *const services_all[];
const svc_def *services_find(const char *name);

#endif
