#include "services/respolicy.h"

#include <glib.h>
#include <jansson.h>
#include <string.h>

/* Calls pred on v, or on each string of v when it is an array: whether
 * any holds. */
typedef bool (*str_pred)(const char *s, const void *arg);

static bool any_string(json_t *v, str_pred pred, const void *arg)
{
    if (json_is_string(v))
        return pred(json_string_value(v), arg);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
        if (json_is_string(e) && pred(json_string_value(e), arg))
            return true;
    }
    return false;
}

/* IAM's wildcards: '*' any run, '?' one character; case folded for
 * actions, exact for ARNs and other values. The two-pointer match (back to
 * the last '*' on a miss): O(pattern x text) at worst, never exponential. */
static bool glob(const char *p, const char *s, bool fold)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        char pc = fold ? g_ascii_tolower(*p) : *p, sc = fold ? g_ascii_tolower(*s) : *s;
        if (*p == '*') {
            star = p++;
            resume = s;
        } else if (*p && (*p == '?' || pc == sc)) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

static bool action_matches(const char *pattern, const void *action) { return glob(pattern, action, true); }
static bool value_matches(const char *pattern, const void *value) { return glob(pattern, value, false); }
static bool value_equals(const char *want, const void *value) { return strcmp(want, value) == 0; }
static bool service_is(const char *s, const void *svc) { return strcmp(s, "*") == 0 || strcmp(s, svc) == 0; }

static bool principal_matches(json_t *principal, const char *service)
{
    if (json_is_string(principal))
        return strcmp(json_string_value(principal), "*") == 0;
    /* {"AWS": "*"} names everyone, services too */
    json_t *aws = json_object_get(principal, "AWS");
    if (aws && any_string(aws, value_equals, "*"))
        return true;
    json_t *svc = json_object_get(principal, "Service");
    return svc && any_string(svc, service_is, service);
}

/* The value of a condition key in the request, or NULL when absent. */
static const char *context_value(const char *key, const respolicy_request *r)
{
    if (g_ascii_strcasecmp(key, "aws:SourceArn") == 0)
        return r->source_arn;
    if (g_ascii_strcasecmp(key, "aws:SourceAccount") == 0)
        return r->source_account;
    return NULL;
}

/* One operator of a Condition block over its keys: all keys must hold. */
static bool operator_holds(const char *op, json_t *keys, const respolicy_request *r)
{
    size_t oplen = strlen(op);
    bool if_exists = oplen > 8 && strcmp(op + oplen - 8, "IfExists") == 0;
    char *base = g_strndup(op, if_exists ? oplen - 8 : oplen);
    bool negate = false, like = false, known = true;
    if (!strcmp(base, "StringEquals") || !strcmp(base, "ArnEquals"))
        ;
    else if (!strcmp(base, "StringLike") || !strcmp(base, "ArnLike"))
        like = true;
    else if (!strcmp(base, "StringNotEquals") || !strcmp(base, "ArnNotEquals"))
        negate = true;
    else if (!strcmp(base, "StringNotLike") || !strcmp(base, "ArnNotLike"))
        negate = like = true;
    else
        known = strcmp(base, "Null") == 0;
    bool is_null = strcmp(base, "Null") == 0;
    g_free(base);
    const char *key;
    json_t *want;
    json_object_foreach(keys, key, want) {
        const char *have = context_value(key, r);
        if (is_null) {
            /* {"Null": {"k": "true"}}: holds when k is absent */
            bool absent_wanted = any_string(want, value_equals, "true");
            if ((have == NULL) != absent_wanted)
                return false;
            continue;
        }
        if (!known)
            return false; /* an operator this check does not evaluate never grants */
        if (!have) {
            if (if_exists)
                continue;
            return false;
        }
        bool hit = any_string(want, like ? value_matches : value_equals, have);
        if (hit == negate)
            return false;
    }
    return true;
}

static bool statement_applies(json_t *st, const respolicy_request *r)
{
    /* NotPrincipal / NotAction / NotResource are not evaluated here: such a
     * statement is taken not to apply */
    if (json_object_get(st, "NotPrincipal") || json_object_get(st, "NotAction") ||
        json_object_get(st, "NotResource"))
        return false;
    if (!principal_matches(json_object_get(st, "Principal"), r->service))
        return false;
    if (!any_string(json_object_get(st, "Action"), action_matches, r->action))
        return false;
    if (!any_string(json_object_get(st, "Resource"), value_matches, r->resource))
        return false;
    const char *op;
    json_t *keys;
    json_object_foreach(json_object_get(st, "Condition"), op, keys) {
        if (!operator_holds(op, keys, r))
            return false;
    }
    return true;
}

bool respolicy_allows(const char *policy, const respolicy_request *r)
{
    if (!policy)
        return false;
    json_t *doc = json_loads(policy, 0, NULL);
    json_t *sts = json_object_get(doc, "Statement");
    bool allow = false, deny = false;
    if (json_is_object(sts)) {
        json_t *one = json_array();
        json_array_append(one, sts);
        sts = one;
    } else {
        json_incref(sts);
    }
    size_t i;
    json_t *st;
    json_array_foreach(sts, i, st) {
        if (!statement_applies(st, r))
            continue;
        const char *effect = json_string_value(json_object_get(st, "Effect"));
        if (effect && strcmp(effect, "Deny") == 0)
            deny = true;
        else if (effect && strcmp(effect, "Allow") == 0)
            allow = true;
    }
    json_decref(sts);
    json_decref(doc);
    return allow && !deny;
}
