#include "core/enforce.h"

#include <string.h>

#include "core/decisions.h"
#include "core/server.h"
#include "policy/policy.h"
#include "services/tagctx.h"
#include "state/ns.h"
#include "wire/timefmt.h"

static bool is_root(const enforce_caller *who)
{
    return who->principal_arn && g_str_has_suffix(who->principal_arn, ":root");
}

/* The service that holds identities (IAM) and the caller's namespace of
 * it, or NULL when none is registered. */
static const svc_def *identities(server *s, const enforce_caller *who, ns **n)
{
    for (size_t i = 0; i < s->nsvcs; i++) {
        if (s->svcs[i].def->identity_policies) {
            *n = ns_get(s->ns, s->svcs[i].def, who->account, "");
            return s->svcs[i].def;
        }
    }
    return NULL;
}

/* The ARN that names the caller's IAM user or role. */
static const char *identity_arn(const enforce_caller *who)
{
    return who->role_arn ? who->role_arn : who->principal_arn;
}

/* An assumed role's session tags (the caller's credential entry, which
 * the caller of enforce_request already holds) as aws:PrincipalTag/KEY, set
 * before the role's own so that they win over a role tag of the same key. */
static void session_tags(const enforce_caller *who, json_t *ctx)
{
    if (!who->session_tags)
        return;
    json_t *doc = json_loads(who->session_tags, 0, NULL);
    tagctx_set(ctx, "aws:principaltag/", json_object_get(doc, "tags"), NULL);
    json_decref(doc);
}

/* aws:PrincipalTag/KEY: the caller's tags (a user's or role's, an assumed
 * role's session tags over its role's). */
static void principal_tags(server *s, const enforce_caller *who, json_t *ctx)
{
    if (who->role_arn)
        session_tags(who, ctx);
    ns *n;
    const svc_def *def = identities(s, who, &n);
    if (!def || !def->principal_tags)
        return;
    g_rw_lock_reader_lock(&n->lock);
    json_t *tags = def->principal_tags(n->state, identity_arn(who));
    g_rw_lock_reader_unlock(&n->lock);
    tagctx_set(ctx, "aws:principaltag/", tags, NULL);
    json_decref(tags);
}

/* The condition keys every request carries (policy_request.context). */
static json_t *global_context(const svc_call *c, const enforce_caller *who)
{
    json_t *ctx = json_object();
    const char *arn = who->principal_arn ? who->principal_arn : "";
    if (who->principal_arn) {
        json_object_set_new(ctx, "aws:principalarn", json_string(arn));
        json_object_set_new(ctx, "aws:principalaccount", json_string(who->account));
        json_object_set_new(ctx, "aws:userid", json_string(who->user_id ? who->user_id : who->account));
        json_object_set_new(ctx, "aws:principaltype",
                            json_string(is_root(who) ? "Account" : who->role_arn ? "AssumedRole" : "User"));
    } else {
        json_object_set_new(ctx, "aws:principaltype", json_string("Anonymous"));
    }
    const char *user = strstr(arn, ":user/");
    if (user) /* the name after the path */
        json_object_set_new(ctx, "aws:username", json_string(strrchr(user, '/') + 1));
    GString *t = g_string_new(NULL);
    timefmt_format(t, (double)(c->now_ms / 1000), TIMEFMT_ISO8601);
    json_object_set_new(ctx, "aws:currenttime", json_string(t->str));
    g_string_free(t, TRUE);
    json_object_set_new(ctx, "aws:epochtime", json_sprintf("%" G_GINT64_FORMAT, c->now_ms / 1000));
    json_object_set_new(ctx, "aws:securetransport", json_string("false"));
    json_object_set_new(ctx, "aws:sourceip", json_string("127.0.0.1"));
    json_object_set_new(ctx, "aws:requestedregion", json_string(c->region));
    if (who->principal_arn && !is_root(who) && c->srv)
        principal_tags(c->srv, who, ctx);
    return ctx;
}

/* The caller's identity-based policies and boundary, from the service
 * that holds identities (none registered: no policies). */
static json_t *identity_policies(server *s, const enforce_caller *who, json_t **boundary)
{
    *boundary = NULL;
    ns *n;
    const svc_def *def = identities(s, who, &n);
    if (!def)
        return json_array();
    g_rw_lock_reader_lock(&n->lock);
    json_t *docs = def->identity_policies(n->state, identity_arn(who), boundary);
    g_rw_lock_reader_unlock(&n->lock);
    return docs;
}

/* The resource's policy and owner, asked of the service its ARN names
 * (arn:PARTITION:SERVICE:REGION:ACCOUNT:...: an IAM role's trust policy for
 * sts:AssumeRole comes from IAM), in the namespace the ARN names, the
 * call's where it names none (S3's global ARNs). */
static json_t *resource_policy(server *s, svc_call *c, const char *arn, char owner[13])
{
    owner[0] = '\0';
    if (strcmp(arn, "*") == 0)
        return NULL;
    gchar **p = g_strsplit(arn, ":", 6);
    bool parts = g_strv_length(p) == 6;
    svc_rt *rt = parts ? registry_service(s, p[2]) : NULL;
    if (!rt || !rt->def->resource_policy) {
        g_strfreev(p);
        return NULL;
    }
    const char *region = *p[3] ? p[3] : c->region, *account = *p[4] ? p[4] : c->account;
    ns *n = ns_get(s->ns, rt->def, account, region);
    g_rw_lock_reader_lock(&n->lock);
    json_t *doc = rt->def->resource_policy(n->state, account, region, arn, owner);
    g_rw_lock_reader_unlock(&n->lock);
    g_strfreev(p);
    return doc;
}

/* ---- the decisions kept (core/decisions.h) ---- */

/* Each part length-prefixed: an S3 key may hold any byte, so no separator
 * could tell the parts apart. (No printf: this runs on every request.) */
static void key_part(GString *k, const char *v)
{
    size_t n = v ? strlen(v) : 0;
    char digits[24];
    size_t i = sizeof digits;
    do {
        digits[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    g_string_append_len(k, digits + i, (gssize)(sizeof digits - i));
    g_string_append_c(k, v ? ':' : '-');
    if (v)
        g_string_append(k, v);
}

/* Everything check() reads but the context and the stored policies (which
 * the generation covers): the caller, the call's namespace (the resource's
 * where its ARN names none), the action and the resource. */
static char *decision_key(const svc_call *c, const enforce_caller *who, const svc_authz *a)
{
    GString *k = g_string_sized_new(160);
    key_part(k, who->principal_arn);
    key_part(k, who->account);
    key_part(k, who->role_arn);
    key_part(k, c->account);
    key_part(k, c->region);
    key_part(k, a->action);
    key_part(k, a->resource);
    return g_string_free(k, FALSE);
}

/* One check: the decision, in *by which kind of policy made it, and in
 * *statement (g_free) the statement that did, when one did. */
static policy_decision check(server *s, svc_call *c, const enforce_caller *who, const policy_set *mine,
                             const svc_authz *a, json_t *context, char **by, char **statement, bool *read_context)
{
    char owner[13];
    json_t *resource = resource_policy(s, c, a->resource, owner);
    policy_request r = {.principal_arn = who->principal_arn,
                        .principal_account = who->account,
                        .action = a->action,
                        .resource = a->resource,
                        .context = context,
                        .read_context = read_context};
    policy_result res = {0};
    if (is_root(who) && (!*owner || strcmp(owner, who->account) == 0)) {
        /* the root user in its own account: only an explicit deny in the
         * resource's policy stops it */
        res.decision = resource && policy_match(resource, &r, &res.statement) == POLICY_EXPLICIT_DENY
                           ? POLICY_EXPLICIT_DENY
                           : POLICY_ALLOW;
        res.by = res.decision == POLICY_ALLOW ? "the account's root user" : "resource-based policy";
    } else {
        policy_set set = *mine;
        set.resource = resource;
        set.resource_account = *owner ? owner : who->account;
        policy_evaluate(&set, &r, &res);
    }
    policy_decision d = res.decision;
    *by = g_strdup(res.by ? res.by : "identity-based policy");
    *statement = res.statement;
    res.statement = NULL;
    policy_result_clear(&res);
    json_decref(resource);
    return d;
}

/* The journal's account of one check. */
static char *explain(const svc_authz *a, policy_decision d, const char *by, const char *statement)
{
    if (d == POLICY_ALLOW)
        return statement ? g_strdup_printf("%s on %s: allowed by %s of the %s", a->action, a->resource, statement, by)
                         : g_strdup_printf("%s on %s: allowed as %s", a->action, a->resource, by);
    if (d == POLICY_EXPLICIT_DENY)
        return g_strdup_printf("%s on %s: explicitly denied by %s of the %s", a->action, a->resource,
                               statement ? statement : "a statement", by);
    return g_strdup_printf("%s on %s: denied: no %s allows it", a->action, a->resource, by);
}

/* What the checks that miss the cache need, made once, on the first. */
typedef struct lazy {
    bool made;
    json_t *context; /* the service's keys, then the global ones under them */
    policy_set mine;
} lazy;

static void lazy_make(lazy *l, server *s, const svc_call *c, const enforce_caller *who)
{
    if (l->made)
        return;
    l->made = true;
    /* the request-wide keys under the service's (which win, as when they
     * were set first and the service's over them) */
    json_t *global = global_context(c, who);
    json_object_update_missing(l->context, global);
    json_decref(global);
    if (who->principal_arn && !is_root(who))
        l->mine.identity = identity_policies(s, who, &l->mine.boundary);
    if (who->session_policy) {
        json_t *doc = json_loads(who->session_policy, 0, NULL);
        l->mine.session = json_array();
        if (doc)
            json_array_append_new(l->mine.session, doc);
    }
}

/* The context one check is evaluated against (new reference): the
 * request's, with the check's own keys over it. A shallow copy: the values
 * are shared, and no evaluation writes to them. */
static json_t *check_context(json_t *request, const svc_authz *a)
{
    if (!json_object_size(a->context))
        return json_incref(request);
    json_t *ctx = json_copy(request);
    json_object_update(ctx, a->context);
    return ctx;
}

int enforce_request(server *s, svc_rt *rt, svc_call *c, const enforce_caller *who, GArray **denied,
                    aws_error *err, char **why)
{
    if (denied)
        *denied = NULL;
    if (why)
        *why = NULL;
    if (!rt->def->authorize)
        return 0;
    /* the generation before any policy is read: a decision made on what a
     * write then changes is not kept */
    decisions *cache = s->decisions;
    uint64_t gen = decisions_generation(cache);
    GArray *checks = g_array_new(FALSE, TRUE, sizeof(svc_authz));
    lazy l = {.context = json_object()};
    rt->def->authorize(c, checks, l.context);
    /* A session policy is the credentials', not the principal's: such a
     * caller's decisions are not kept. */
    bool cacheable = cache && !who->session_policy;
    int rc = 0;
    bool refused = false;
    for (guint i = 0; i < checks->len && rc == 0; i++) {
        svc_authz *a = &g_array_index(checks, svc_authz, i);
        char *by = NULL, *statement = NULL, *text = NULL;
        char *key = cacheable ? decision_key(c, who, a) : NULL;
        policy_decision d;
        if (!key || !decisions_get(cache, key, &d, &by, &statement, &text)) {
            lazy_make(&l, s, c, who);
            /* Kept only when no condition key was read: the decision is then
             * a function of the key's parts and the stored policies, and a
             * write to those moves the generation (decisions_forget). */
            bool read_context = false;
            json_t *context = check_context(l.context, a);
            d = check(s, c, who, &l.mine, a, context, &by, &statement, &read_context);
            json_decref(context);
            text = explain(a, d, by, statement);
            if (key && !read_context) {
                decisions_put(cache, gen, key, d, by, statement, text);
                key = NULL;
            }
        }
        g_free(key);
        /* the journal keeps the first refusal, else the last check */
        if (why && !refused) {
            g_free(*why);
            *why = text;
            text = NULL;
            refused = d != POLICY_ALLOW;
        }
        g_free(text);
        g_free(statement);
        if (d != POLICY_ALLOW) {
            if (a->entry >= 0 && denied) {
                if (!*denied)
                    *denied = g_array_new(FALSE, FALSE, sizeof(int));
                g_array_append_val(*denied, a->entry);
            } else if (rt->def->access_denied) {
                rt->def->access_denied(c, who->principal_arn, a, d == POLICY_EXPLICIT_DENY, by, err);
                rc = -1;
            } else {
                aws_error_set_status(err, 403, "AccessDenied", "Access Denied");
                rc = -1;
            }
        }
        g_free(by);
    }
    for (guint i = 0; i < checks->len; i++)
        svc_authz_clear(&g_array_index(checks, svc_authz, i));
    g_array_free(checks, TRUE);
    json_decref(l.context);
    json_decref(l.mine.identity);
    json_decref(l.mine.boundary);
    json_decref(l.mine.session);
    return rc;
}
