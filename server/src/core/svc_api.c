/* svc_api: the server side of services/svc_api.h. Each call is a narrow
 * door onto one of the server's parts (its random generator, the STS
 * credential table, the clock, the namespace table, jtext, fsref), so that
 * services never see struct mockaws. */
#include "services/svc_api.h"

#include <math.h>
#include <string.h>

#include "core/auth.h"
#include "core/enforce.h"
#include "core/fsref.h"
#include "core/edge.h"
#include "core/jtext.h"
#include "core/pipeline.h"
#include "core/registry.h"
#include "core/route.h"
#include "core/server.h"

void svc_random_bytes(svc_call *c, unsigned char *buf, size_t len) { server_random_bytes(c->srv, buf, len); }

void svc_random_string(svc_call *c, char *out, size_t n, const char *alphabet)
{
    server_random_string(c->srv, out, n, alphabet);
}

void svc_uuid(svc_call *c, char out[37]) { server_uuid(c->srv, out); }

bool svc_transitions_instant(const svc_call *c)
{
    return g_atomic_int_get(&c->srv->transitions) == MOCKAWS_TRANSITIONS_INSTANT;
}

const char *svc_partition(const char *region)
{
    /* Each prefix ends at its dash: us-isob-east-1 is not us-iso-. */
    static const char *const by_prefix[][2] = {
        {"cn-", "aws-cn"},       {"us-gov-", "aws-us-gov"}, {"us-isob-", "aws-iso-b"}, {"us-isof-", "aws-iso-f"},
        {"us-iso-", "aws-iso"},  {"eu-isoe-", "aws-iso-e"}, {"eusc-", "aws-eusc"},
    };
    for (size_t i = 0; region && i < G_N_ELEMENTS(by_prefix); i++)
        if (g_str_has_prefix(region, by_prefix[i][0]))
            return by_prefix[i][1];
    return "aws";
}

void svc_principal(svc_call *c, char **arn, char **user_id)
{
    server_cred cred;
    if (c->access_key[0] && server_cred_lookup(c->srv, c->access_key, &cred)) {
        *arn = g_strdup(cred.arn);
        *user_id = g_strdup(cred.user_id);
        server_cred_clear(&cred);
        return;
    }
    *arn = g_strdup_printf("arn:%s:iam::%s:root", svc_partition(c->region), c->account);
    *user_id = g_strdup(c->account);
}

void svc_account_for_key(svc_call *c, const char *access_key, char out[13])
{
    server_account_for_key(c->srv, access_key, out);
}

void svc_credentials_add_to(server *s, const svc_credentials *cred)
{
    /* server_cred_add copies: the casts only drop const for the struct */
    server_cred_add(s, &(server_cred){.access_key = (char *)cred->access_key,
                                      .account = (char *)cred->account,
                                      .arn = (char *)cred->arn,
                                      .user_id = (char *)cred->user_id,
                                      .expires_ms = cred->expires_ms,
                                      .secret = (char *)cred->secret,
                                      .session_token = (char *)cred->session_token,
                                      .role_arn = (char *)cred->role_arn,
                                      .session_policy = (char *)cred->session_policy,
                                      .session_tags = (char *)cred->session_tags});
}

void svc_credentials_add(svc_call *c, const svc_credentials *cred) { svc_credentials_add_to(c->srv, cred); }

void svc_credentials_remove(svc_call *c, const char *access_key) { server_cred_remove(c->srv, access_key); }

json_t *svc_caller_session_tags(svc_call *c)
{
    server_cred cred;
    if (!c->access_key[0] || !server_cred_lookup(c->srv, c->access_key, &cred))
        return NULL;
    json_t *tags = cred.session_tags ? json_loads(cred.session_tags, 0, NULL) : NULL;
    server_cred_clear(&cred);
    return tags;
}

bool svc_auth_enforced(svc_call *c) { return c->srv->auth == MOCKAWS_AUTH_ENFORCE; }

const char *svc_endpoint(svc_call *c) { return c->srv->endpoint; }

char *svc_url(svc_call *c, const char *query)
{
    GString *u = g_string_new(c->srv->endpoint);
    g_string_append_printf(u, "/?%s", query);
    /* the date is never checked; the scope only routes */
    if (strcmp(c->account, ROUTE_DEFAULT_ACCOUNT) || strcmp(c->region, ROUTE_DEFAULT_REGION))
        g_string_append_printf(u, "&X-Amz-Credential=%s%%2F20000101%%2F%s%%2F%s%%2Faws4_request", c->account,
                               c->region, c->svc->name);
    return g_string_free(u, FALSE);
}

int64_t svc_clock_ms(svc_call *c) { return clock_now_ms(&c->srv->clock); }
int64_t svc_server_clock_ms(server *s) { return clock_now_ms(&s->clock); }

/* ---- namespaces ---- */

typedef struct foreach_ctx {
    const svc_def *svc;
    const char *account, *region;
    svc_lock_mode mode;
    svc_state_fn fn;
    void *arg;
} foreach_ctx;

static void foreach_ns(ns *n, void *arg)
{
    foreach_ctx *q = arg;
    if (n->svc != q->svc || (q->account && strcmp(q->account, n->account)) ||
        (q->region && strcmp(q->region, n->region)))
        return;
    if (q->mode == SVC_LOCK_SHARED)
        g_rw_lock_reader_lock(&n->lock);
    else if (q->mode == SVC_LOCK_EXCLUSIVE)
        g_rw_lock_writer_lock(&n->lock);
    q->fn(n->state, n->account, n->region, q->arg);
    if (q->mode == SVC_LOCK_SHARED)
        g_rw_lock_reader_unlock(&n->lock);
    else if (q->mode == SVC_LOCK_EXCLUSIVE)
        g_rw_lock_writer_unlock(&n->lock);
}

void svc_foreach_state(server *s, const svc_def *svc, const char *account, const char *region, svc_lock_mode mode,
                       svc_state_fn fn, void *arg)
{
    foreach_ctx q = {svc, account, region, mode, fn, arg};
    ns_table_foreach(s->ns, foreach_ns, &q);
}

GRWLock *svc_read_lock(svc_call *c)
{
    GRWLock *lock = &ns_get(c->srv->ns, c->svc, c->account, c->region)->lock;
    g_rw_lock_reader_lock(lock);
    return lock;
}

void svc_read_unlock(GRWLock *lock) { g_rw_lock_reader_unlock(lock); }

/* ---- partial-failure faults ---- */

size_t svc_fault_share(const svc_call *c, const char *action, size_t n)
{
    json_t *f = c->fault ? json_object_get(c->fault, action) : NULL;
    if (!f || n == 0)
        return 0;
    double frac = json_number_value(f);
    if (frac <= 0)
        return 0;
    if (frac >= 1)
        return n;
    /* the tolerance keeps a share that decimal cannot write exactly in
     * binary (0.29) from losing an entry to the rounding of its product */
    size_t k = (size_t)floor(frac * (double)n + 1e-9);
    if (k >= n)
        k = n - 1;
    return k == 0 && n > 1 ? 1 : k;
}

bool svc_fault_hits(size_t i, size_t k, size_t n) { return n && ((i + 1) * k) / n > (i * k) / n; }

/* ---- answering later ---- */

/* Keys are per namespace, as svc_call sees it: service, account, region. */
static char *park_key(svc_call *c, const char *key)
{
    return g_strdup_printf("%s\x1f%s\x1f%s\x1f%s", c->svc->name, c->account, c->region, key);
}

bool svc_park(svc_call *c, const char *key, int64_t timeout_ms)
{
    if (!c->park || !c->park->edge)
        return false;
    /* listed under its key now, while the handler still holds the
     * namespace lock: a svc_wake that follows the handler's decision finds
     * it even before the connection is suspended */
    char *k = park_key(c, key);
    edge_park_begin(c->srv, c->park->edge, k);
    g_free(k);
    c->park->parked = true;
    c->park->timeout_ms = CLAMP(timeout_ms, 0, SVC_PARK_MAX_MS);
    return true;
}

bool svc_park_expired(const svc_call *c) { return c->park && c->park->expired; }

int64_t svc_park_waited_ms(const svc_call *c) { return c->park ? c->park->waited_ms : 0; }

size_t svc_wake_some(svc_call *c, const char *key, size_t max)
{
    char *k = park_key(c, key);
    size_t n = edge_wake(c->srv, k, max);
    g_free(k);
    return n;
}

size_t svc_wake(svc_call *c, const char *key) { return svc_wake_some(c, key, SIZE_MAX); }

size_t svc_parked(svc_call *c, const char *key)
{
    char *k = park_key(c, key);
    size_t n = edge_parked(c->srv, k);
    g_free(k);
    return n;
}

/* ---- fixtures and state dumps ---- */

void svc_json_set_bytes(json_t *obj, const char *name, const char *s, size_t len) { jtext_set(obj, name, s, len); }

bool svc_base64_decode(const char *text, size_t text_len, char **out, size_t *len)
{
    return jtext_base64_decode(text, text_len, out, len);
}

char *svc_base64url_encode(const void *data, size_t len)
{
    char *b = g_base64_encode(data, len);
    size_t n = strlen(b);
    while (n && b[n - 1] == '=')
        b[--n] = '\0';
    for (char *p = b; *p; p++)
        *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
    return b;
}

bool svc_base64url_decode(const char *text, char **out, size_t *len)
{
    size_t n = strlen(text);
    if (n % 4 == 1)
        return false;
    char *std = g_malloc(n + 3);
    for (size_t i = 0; i < n; i++) {
        char ch = text[i];
        if (!g_ascii_isalnum(ch) && ch != '-' && ch != '_') {
            g_free(std);
            return false;
        }
        std[i] = ch == '-' ? '+' : ch == '_' ? '/' : ch;
    }
    size_t m = n;
    while (m % 4)
        std[m++] = '=';
    std[m] = '\0';
    gsize rawlen = 0;
    guchar *raw = g_base64_decode(std, &rawlen);
    g_free(std);
    *out = g_realloc(raw, rawlen + 1);
    (*out)[rawlen] = '\0';
    *len = rawlen;
    return true;
}

int svc_fixture_read_file(const svc_fixture_ctx *ctx, const char *name, char **data, size_t *len, char *err,
                          size_t errlen)
{
    return fsref_read(ctx->base_dir, name, FSREF_MAX_FILE, data, len, NULL, err, errlen);
}

/* ---- access denied ---- */

char *svc_denied_message(const char *principal, const char *action, const char *resource, bool quote,
                         bool explicit_deny, const char *by)
{
    GString *m = g_string_new(NULL);
    g_string_printf(m, "User: %s is not authorized to perform: %s on resource: %s%s%s", principal, action,
                    quote ? "\"" : "", resource, quote ? "\"" : "");
    if (explicit_deny)
        g_string_append_printf(m, " with an explicit deny in %s %s", strchr("aeiou", by[0]) ? "an" : "a", by);
    else
        g_string_append_printf(m, " because no %s allows the %s action", by, action);
    return g_string_free(m, FALSE);
}

/* ---- forms signed in their body ---- */

int svc_form_signed(svc_call *c, GHashTable *fields, char **region)
{
    *region = NULL;
    if (c->srv->auth == MOCKAWS_AUTH_OFF)
        return 0;
    auth_form f = {.policy = g_hash_table_lookup(fields, "policy"),
                   .algorithm = g_hash_table_lookup(fields, "x-amz-algorithm"),
                   .credential = g_hash_table_lookup(fields, "x-amz-credential"),
                   .date = g_hash_table_lookup(fields, "x-amz-date"),
                   .signature = g_hash_table_lookup(fields, "x-amz-signature"),
                   .access_key_id = g_hash_table_lookup(fields, "awsaccesskeyid"),
                   .signature_v2 = g_hash_table_lookup(fields, "signature"),
                   .security_token = g_hash_table_lookup(fields, "x-amz-security-token")};
    char *key;
    if (auth_form_check(c->srv, &f, &key, region, &c->err) != 0)
        return -1;
    if (!c->signer) {
        g_free(key); /* not a client's request: nobody to name */
        return 0;
    }
    svc_signer *who = c->signer;
    auth_signer_clear(who);
    who->access_key = key;
    server_cred cred;
    if (server_cred_lookup(c->srv, key, &cred)) {
        who->principal = g_strdup(cred.arn);
        server_cred_clear(&cred);
    } else {
        char account[13];
        server_account_for_key(c->srv, key, account);
        who->principal = g_strdup_printf("arn:%s:iam::%s:root", svc_partition(c->region), account);
    }
    c->access_key = who->access_key;
    return 0;
}

int svc_authorize(svc_call *c)
{
    if (c->srv->auth != MOCKAWS_AUTH_ENFORCE)
        return 0;
    svc_rt *rt = registry_service(c->srv, c->svc->name);
    /* the call's key: the form's (svc_form_signed), else its headers' */
    server_cred cred = {0};
    bool known = c->access_key[0] && server_cred_lookup(c->srv, c->access_key, &cred);
    char *root = known ? NULL : g_strdup_printf("arn:%s:iam::%s:root", svc_partition(c->region), c->account);
    enforce_caller caller = {.principal_arn = known ? cred.arn : root,
                             .account = known ? cred.account : c->account,
                             .user_id = known ? cred.user_id : c->account,
                             .role_arn = cred.role_arn,
                             .session_policy = cred.session_policy,
                             .session_tags = cred.session_tags};
    char *why = NULL;
    int rc = rt ? enforce_request(c->srv, rt, c, &caller, NULL, &c->err, &why) : 0;
    if (c->signer) {
        g_free(c->signer->authz);
        c->signer->authz = why;
    } else {
        g_free(why);
    }
    g_free(root);
    server_cred_clear(&cred);
    return rc;
}
