/* svc_api: what a service may ask of the server it runs in. It is the one
 * header a service includes (with service.h, which it brings): no file
 * under services/ includes anything from core/ (tools/check_includes.sh
 * keeps it so). Each call takes the request (svc_call) or, outside a
 * request (control hooks, fixtures), the opaque server handle; the server's
 * insides stay core's (implemented in core/svc_api.c).
 *
 * Everything here is thread-safe: handlers of different namespaces run at
 * once. Strings returned as "borrowed" live as long as the call or the
 * server, as said. */
#ifndef MOCKAWS_SERVICES_SVC_API_H
#define MOCKAWS_SERVICES_SVC_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "services/service.h"

/* ---- random material ----
 * From the server's one generator: a server started with a seed gives the
 * same ids in the same order, so tests can predict them. */
void svc_random_bytes(svc_call *c, unsigned char *buf, size_t len);
/* n characters drawn from alphabet, then a NUL (out has n + 1 bytes). */
void svc_random_string(svc_call *c, char *out, size_t n, const char *alphabet);
/* A version 4 UUID, lowercase (37 bytes with the NUL). */
void svc_uuid(svc_call *c, char out[37]);

/* ---- the caller ----
 * c->access_key, c->account and c->region are the caller's as routing found
 * them (docs/ARCHITECTURE.md, "Routing"). */

/* The principal the caller acts as: credentials STS handed out name their
 * role session or user; any other key is its account's root user
 * (arn:aws:iam::ACCOUNT:root, user id the account). Both g_malloc'd. */
void svc_principal(svc_call *c, char **arn, char **user_id);
/* The account an access key belongs to, as routing decides it for a
 * request signed with it: 12 digits are that account, a key from STS its
 * account, anything else (NULL too) 123456789012. */
void svc_account_for_key(svc_call *c, const char *access_key, char out[13]);

/* Credentials a service hands out (STS), so that a request signed with
 * access_key lands in account as the principal arn / user_id. The server
 * copies the strings. */
typedef struct svc_credentials {
    const char *access_key;
    const char *account;
    const char *arn;
    const char *user_id;
    int64_t expires_ms;         /* server clock; 0: never expires (an IAM user's key) */
    const char *secret;         /* the secret, which --auth verify checks signatures with;
                                   NULL: any */
    const char *session_token;  /* temporary credentials' token, which requests must carry
                                   (X-Amz-Security-Token), or NULL */
    const char *role_arn;       /* an assumed role: the role whose policies apply, or NULL */
    const char *session_policy; /* a session policy's text, or NULL */
    const char *session_tags;   /* an assumed role's session tags, the caller's
                                   aws:PrincipalTag/KEY over its role's tags: JSON text
                                   {"tags": {KEY: VALUE}, "transitive": [KEY]} (the keys
                                   passed on when the session assumes another role), or NULL */
} svc_credentials;
void svc_credentials_add(svc_call *c, const svc_credentials *cred);
/* The same outside a request (a fixture's keys: svc_fixture_ctx.srv). */
void svc_credentials_add_to(server *s, const svc_credentials *cred);
/* Forgets a key (an IAM access key deleted or made inactive). */
void svc_credentials_remove(svc_call *c, const char *access_key);
/* The caller's session tags (svc_credentials.session_tags) parsed (new
 * reference), or NULL when its key has none. */
json_t *svc_caller_session_tags(svc_call *c);

/* ---- forms signed in their body ----
 * S3's POST Object is signed by fields of its multipart body, which only
 * the handler reads: the core lets an unsigned multipart/form-data POST
 * that names an operation outside the model through its own signature
 * check (docs/ARCHITECTURE.md, "Who signed it"), and the handler must call
 * svc_form_signed before it acts, then svc_authorize once its input says
 * what the request does.
 *
 * svc_form_signed: under --auth verify and enforce, checks the signature
 * fields (names lower case: x-amz-algorithm, x-amz-credential, x-amz-date,
 * x-amz-signature, awsaccesskeyid, signature, x-amz-security-token) over
 * the "policy" field as sent, as core/auth.c checks a header signature:
 * access key, session token, expiry, signature. The signer becomes the
 * call's: c->access_key (for the rest of the call) and the journal's
 * principal. *region: the credential scope's (g_malloc'd; NULL for SigV2
 * and under --auth off, which checks nothing). 0, or -1 with c->err set in
 * S3's words. fields: lower-case name -> value, borrowed. */
int svc_form_signed(svc_call *c, GHashTable *fields, char **region);
/* Under --auth enforce, the service's authorize hook on c->input as the
 * handler has filled it, for the caller c->access_key names (the form's
 * signer, which svc_form_signed set; the pipeline checked the operation's
 * empty input before the handler); the journal records what decided. 0
 * (also under off and verify), or -1 with c->err the service's
 * access_denied. */
int svc_authorize(svc_call *c);

/* Whether the server decides what callers may do (--auth enforce): then
 * a service applies the policies it owns itself (STS: a role's trust
 * policy). */
bool svc_auth_enforced(svc_call *c);

/* The partition a region belongs to, as ARNs name it: "aws-cn" for cn-*,
 * "aws-us-gov" for us-gov-*, "aws-iso" (us-iso-*), "aws-iso-b" (us-isob-*),
 * "aws-iso-e" (eu-isoe-*), "aws-iso-f" (us-isof-*), "aws-eusc" (eusc-*),
 * else "aws" (the partitions of botocore's endpoints.json, by region
 * prefix). Every ARN a service writes, a global service's too (IAM, STS,
 * S3's buckets), takes the partition of the request's region:
 * "arn:%s:sqs:...", svc_partition(c->region). region may be NULL ("aws").
 * A literal, never freed. */
const char *svc_partition(const char *region);

/* ---- the server ---- */

/* --transitions instant (mockaws_options.transitions, a fixture's
 * "settings"): whether what takes time on AWS must be final at once. A
 * service reads it where it would start a transition (a table CREATING, an
 * instance pending, an archive restore) and makes that transition end when
 * it begins; realistic timing (false) is the default. */
bool svc_transitions_instant(const svc_call *c);

/* "http://HOST:PORT", borrowed for the server's life. */
const char *svc_endpoint(svc_call *c);
/* A URL of this server for an unsigned GET that must reach the call's
 * service, account and region (a link a subscriber follows, SNS's
 * SubscribeURL): endpoint + "/?" + query, plus the X-Amz-Credential scope
 * that routing reads when account or region is not the default. query is
 * already encoded. g_malloc'd. */
char *svc_url(svc_call *c, const char *query);
/* The server clock now (virtual or real, milliseconds since the epoch).
 * c->now_ms is its value when the call began, which handlers should use so
 * that one request sees one time. */
int64_t svc_clock_ms(svc_call *c);
/* The same outside a request (control hooks). */
int64_t svc_server_clock_ms(server *s);

/* ---- namespaces ----
 * Calls fn with the state of every namespace of service svc (its account,
 * and its region: "" where the service's scope has none), in a stable order
 * (account, region), each under its namespace lock taken in mode
 * (SVC_LOCK_SHARED or SVC_LOCK_EXCLUSIVE; SVC_LOCK_NONE: none), for the
 * service's control endpoints and inspection. account / region: only those
 * (NULL: any). Never from a handler: the handler's own namespace is locked. */
typedef void (*svc_state_fn)(void *state, const char *account, const char *region, void *arg);
void svc_foreach_state(server *s, const svc_def *svc, const char *account, const char *region, svc_lock_mode mode,
                       svc_state_fn fn, void *arg);

/* c's namespace lock, held shared from svc_read_lock to svc_read_unlock
 * (with the lock svc_read_lock answered, borrowed), for an authorize hook
 * that reads c->state: the namespace is looked up once, where
 * svc_lock_shared and svc_unlock_shared look it up each. */
GRWLock *svc_read_lock(svc_call *c);
void svc_read_unlock(GRWLock *lock);

/* ---- access denied ----
 * AWS's sentence for a request a policy refused: "User: PRINCIPAL is not
 * authorized to perform: ACTION on resource: RESOURCE because no BY allows
 * the ACTION action", or "... with an explicit deny in a(n) BY" when a
 * Deny decided (g_malloc'd). quote: RESOURCE in double quotes (S3). */
char *svc_denied_message(const char *principal, const char *action, const char *resource, bool quote,
                         bool explicit_deny, const char *by);

/* ---- partial-failure faults ----
 * A fault rule's partial action (svc_def.partial_actions; its value a share
 * f from 0 to 1, in c->fault) fails that share of a batch of n entries. One
 * rule, for every service:
 *
 *   k = floor(f x n), where a product within 1e-9 of a whole number counts
 *       as that number (0.29 x 100 is 29);
 *   at least one of several: k = 1 when f > 0 and n > 1 gave 0;
 *   a lone entry (n = 1) fails only when f >= 1, so that a client's
 *       resend loop comes to an end;
 *   all n for f >= 1; none without the action or for f <= 0.
 *
 * svc_fault_share gives k; svc_fault_hits says whether entry i is one of
 * the k, which are spread evenly through the batch, deterministically. */
size_t svc_fault_share(const svc_call *c, const char *action, size_t n);
bool svc_fault_hits(size_t i, size_t k, size_t n);

/* ---- answering later ----
 * A handler that has nothing to answer yet (a long poll) parks its request:
 * it calls svc_park and returns 0 without output. Nothing is answered or
 * journaled; the connection is suspended (no worker waits) until another
 * request calls svc_wake with the same key in the same namespace, or
 * timeout_ms pass, whichever comes first. Then the request runs again from
 * the start (a new svc_call on the same input, under the same lock mode),
 * and that run answers: svc_park_expired tells it whether its time ran out
 * (then it must answer with what it has; it may park again otherwise, for
 * what is left of its time). A client that hangs up while its request is
 * parked is dropped with it. A handler that parks must not take the body
 * (svc_take_body): the next run reads it again.
 *
 * svc_park returns false when the request cannot be held (the C door
 * mockaws_control and unit tests that drive the pipeline directly): the
 * handler answers at once. key: the handler's own name for what the request
 * waits for (a queue's ARN), copied. The request is listed under the key as
 * soon as svc_park returns, so a svc_wake after the handler's decision (made
 * under the namespace lock) is never lost. timeout_ms: at most
 * SVC_PARK_MAX_MS (longer waits are cut to it). */
#define SVC_PARK_MAX_MS ((int64_t)3600 * 1000)
bool svc_park(svc_call *c, const char *key, int64_t timeout_ms);
bool svc_park_expired(const svc_call *c);
/* How long the request has been parked so far, in real milliseconds (0 on
 * its first run): a run woken early that still has nothing parks again for
 * what is left of its own time. */
int64_t svc_park_waited_ms(const svc_call *c);
/* Wakes every request parked on key in c's namespace; how many. */
size_t svc_wake(svc_call *c, const char *key);
/* Wakes at most max of them, the longest parked first (one per message a
 * queue gained, rather than every poller for each); how many. One woken
 * whose client hangs up before it runs again passes the wake to the next. */
size_t svc_wake_some(svc_call *c, const char *key, size_t max);
/* How many requests are parked on key in c's namespace. */
size_t svc_parked(svc_call *c, const char *key);

/* ---- one service acting on another ----
 * What an AWS service does to another on its own (S3 publishing an event
 * to an SNS topic): svc_invoke runs operation of service in namespace
 * (account, region) as a call of its own, while the caller's handler still
 * holds its namespace lock. The input (borrowed) is checked against the
 * service's model as a request's is; the operation's handler runs under
 * the lock it declares, after that namespace's due work. No fault rule
 * applies (faults are for clients' requests). The call is journaled as a
 * request, with "caller" naming the calling service.
 *
 * A service may call only services of a higher svc_def.invoke_rank (the
 * one lock order; a call against it is refused as InternalError and
 * logged). 0 and *output (new reference, never NULL), or -1 and err set:
 * the service's own error, resolved against its catalog (message filled),
 * or 503 ServiceUnavailable when the server does not serve the service. */
int svc_invoke(svc_call *c, const char *service, const char *account, const char *region, const char *operation,
               json_t *input, json_t **output, aws_error *err);

/* ---- fixtures and state dumps ----
 * JSON carries only UTF-8 while a client's bytes may be anything; these
 * apply the server's one rule (core/jtext.h, docs/ARCHITECTURE.md). */

/* obj[name] = the bytes, invalid UTF-8 replaced by U+FFFD, plus
 * obj[name "_base64"] with the exact bytes when they are not UTF-8. */
void svc_json_set_bytes(json_t *obj, const char *name, const char *s, size_t len);
/* Strict base64 (standard alphabet, padded): *out g_malloc'd, NUL after
 * *len bytes. False on anything else. */
bool svc_base64_decode(const char *text, size_t text_len, char **out, size_t *len);
/* base64url without padding (RFC 4648 section 5), for tokens that travel
 * in query strings (S3's continuation tokens, the inspection endpoints'
 * pages): g_malloc'd. */
char *svc_base64url_encode(const void *data, size_t len);
/* The bytes back (*out g_malloc'd, NUL after *len bytes); false for
 * anything but that alphabet (or an impossible length). */
bool svc_base64url_decode(const char *text, char **out, size_t *len);
/* Reads a file a fixture entry names, confined to ctx->base_dir (no file
 * when it is NULL), a regular file of at most 256 MiB: 0 and *data
 * (g_malloc'd, NUL after *len bytes), or -1 and why in err. */
int svc_fixture_read_file(const svc_fixture_ctx *ctx, const char *name, char **data, size_t *len, char *err,
                          size_t errlen);

#endif
