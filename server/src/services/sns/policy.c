#include "services/sns/policy.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "services/service.h"

#define MAX_KEYS 5
#define MAX_COMBINATIONS 150
#define MAX_DEPTH 16
#define MAX_POLICY_BYTES (256 * 1024)
/* Numbers SNS matches: -10^9 to 10^9, five digits after the point. */
#define MAX_NUMBER 1e9
#define NUMBER_SCALE 1e5

struct sns_policy {
    json_t *doc;
    sns_policy_scope scope;
};

/* ---- checking ---- */

typedef struct check {
    sns_policy_scope scope;
    int keys;
    char *err;
    size_t errlen;
} check;

static bool fail(check *c, const char *fmt, const char *arg)
{
    g_snprintf(c->err, c->errlen, fmt, arg);
    return false;
}

bool sns_policy_number_ok(double x)
{
    if (!isfinite(x) || x < -MAX_NUMBER || x > MAX_NUMBER)
        return false;
    double scaled = x * NUMBER_SCALE;
    return fabs(scaled - round(scaled)) <= 1e-6 * fmax(1.0, fabs(scaled));
}

static const char *const number_range_msg =
    "Numeric values must be between -1000000000 and 1000000000 with at most 5 digits after the decimal point";

static bool is_scalar(json_t *v) { return json_is_string(v) || json_is_number(v) || json_is_boolean(v) || json_is_null(v); }

static bool numeric_op(const char *op)
{
    return op && (!strcmp(op, "<") || !strcmp(op, "<=") || !strcmp(op, "=") || !strcmp(op, ">=") || !strcmp(op, ">"));
}

static bool check_condition(check *c, json_t *cond)
{
    if (json_is_number(cond) && !sns_policy_number_ok(json_number_value(cond)))
        return fail(c, "%s", number_range_msg);
    if (is_scalar(cond))
        return true;
    if (!json_is_object(cond))
        return fail(c, "Match value must be String, number, true, false, or null", NULL);
    if (json_object_size(cond) != 1)
        return fail(c, "Only one key allowed in match expression", NULL);
    const char *op = json_object_iter_key(json_object_iter(cond));
    json_t *v = json_object_iter_value(json_object_iter(cond));
    if (!strcmp(op, "prefix") || !strcmp(op, "suffix") || !strcmp(op, "equals-ignore-case")) {
        if (!json_is_string(v))
            return fail(c, "Value of %s must be a string", op);
        return true;
    }
    if (!strcmp(op, "exists")) {
        if (!json_is_boolean(v))
            return fail(c, "exists match pattern must be either true or false.", NULL);
        return true;
    }
    if (!strcmp(op, "anything-but")) {
        if (json_is_string(v) || json_is_number(v))
            return true;
        if (json_is_array(v)) {
            size_t i;
            json_t *x;
            if (!json_array_size(v))
                return fail(c, "Empty arrays are not allowed", NULL);
            json_array_foreach(v, i, x) if (!json_is_string(x) && !json_is_number(x)) return fail(
                c, "Inside anything but list, start|null|boolean is not supported.", NULL);
            return true;
        }
        if (json_is_object(v) && json_object_size(v) == 1) {
            json_t *p = json_object_get(v, "prefix"), *s = json_object_get(v, "suffix");
            if ((p && json_is_string(p)) || (s && json_is_string(s)))
                return true;
        }
        return fail(c, "Value of anything-but must be an array or single string/number value.", NULL);
    }
    if (!strcmp(op, "numeric")) {
        size_t n = json_array_size(v);
        if (!json_is_array(v) || (n != 2 && n != 4))
            return fail(c, "Value of numeric must be an array.", NULL);
        for (size_t i = 0; i < n; i += 2) {
            const char *o = json_string_value(json_array_get(v, i));
            if (!numeric_op(o))
                return fail(c, "Unrecognized numeric range operator: %s", o ? o : "null");
            if (!json_is_number(json_array_get(v, i + 1)))
                return fail(c, "Value of %s must be numeric", o);
            if (!sns_policy_number_ok(json_number_value(json_array_get(v, i + 1))))
                return fail(c, "%s", number_range_msg);
        }
        if (n == 4) {
            const char *lo = json_string_value(json_array_get(v, 0)), *hi = json_string_value(json_array_get(v, 2));
            if (lo[0] != '>' || hi[0] != '<' ||
                json_number_value(json_array_get(v, 1)) >= json_number_value(json_array_get(v, 3)))
                return fail(c, "Bottom must be less than top", NULL);
        }
        return true;
    }
    return fail(c, "Unrecognized match type %s", op);
}

/* combos: the number of combinations the object stands for. */
static bool check_object(check *c, json_t *obj, int depth, long *combos)
{
    if (depth > MAX_DEPTH)
        return fail(c, "Filter policy is too deeply nested", NULL);
    const char *key;
    json_t *v;
    *combos = 1;
    json_object_foreach(obj, key, v) {
        long here = 1;
        if (!strcmp(key, "$or")) {
            if (!json_is_array(v) || json_array_size(v) < 2)
                return fail(c, "Or condition must have at least 2 filter policies", NULL);
            size_t i;
            json_t *alt;
            here = 0;
            json_array_foreach(v, i, alt) {
                long sub;
                if (!json_is_object(alt) || !check_object(c, alt, depth + 1, &sub))
                    return json_is_object(alt) ? false : fail(c, "Or condition must hold filter policies", NULL);
                here += sub;
            }
        } else if (json_is_array(v)) {
            if (!json_array_size(v))
                return fail(c, "Empty arrays are not allowed", NULL);
            size_t i;
            json_t *cond;
            json_array_foreach(v, i, cond) if (!check_condition(c, cond)) return false;
            c->keys++;
            here = (long)json_array_size(v);
        } else if (json_is_object(v)) {
            if (c->scope == SNS_SCOPE_ATTRIBUTES)
                return fail(c, "Filter policy scope MessageAttributes does not support nested filter policy", NULL);
            if (!check_object(c, v, depth + 1, &here))
                return false;
        } else {
            return fail(c, "Match value for key %s must be an array", key);
        }
        if (c->keys > MAX_KEYS)
            return fail(c, "Filter policy can not have more than 5 keys", NULL);
        *combos *= here;
        if (*combos > MAX_COMBINATIONS)
            return fail(c, "Filter policy is too complex", NULL);
    }
    return true;
}

sns_policy *sns_policy_parse(const char *text, sns_policy_scope scope, char *err, size_t errlen)
{
    if (strlen(text) > MAX_POLICY_BYTES) {
        g_snprintf(err, errlen, "Filter policy is too long");
        return NULL;
    }
    json_error_t je;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        g_snprintf(err, errlen, "failed to parse JSON. %s", je.text);
        return NULL;
    }
    if (!json_is_object(doc)) {
        json_decref(doc);
        g_snprintf(err, errlen, "Filter policy must be a JSON object");
        return NULL;
    }
    check c = {.scope = scope, .err = err, .errlen = errlen};
    long combos;
    if (!check_object(&c, doc, 0, &combos)) {
        json_decref(doc);
        return NULL;
    }
    sns_policy *p = g_new0(sns_policy, 1);
    p->doc = doc;
    p->scope = scope;
    return p;
}

void sns_policy_free(sns_policy *p)
{
    if (!p)
        return;
    json_decref(p->doc);
    g_free(p);
}

/* ---- matching ---- */

static bool numeric_holds(json_t *spec, double x)
{
    for (size_t i = 0; i + 1 < json_array_size(spec); i += 2) {
        const char *op = json_string_value(json_array_get(spec, i));
        double n = json_number_value(json_array_get(spec, i + 1));
        bool ok = !strcmp(op, "<")    ? x < n
                  : !strcmp(op, "<=") ? x <= n
                  : !strcmp(op, "=")  ? x == n
                  : !strcmp(op, ">=") ? x >= n
                                      : x > n;
        if (!ok)
            return false;
    }
    return true;
}

static bool scalar_equal(json_t *a, json_t *b)
{
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    return json_equal(a, b);
}

/* One condition against one present value. */
static bool condition_matches(json_t *cond, json_t *v)
{
    if (!json_is_object(cond))
        return scalar_equal(cond, v);
    const char *op = json_object_iter_key(json_object_iter(cond));
    json_t *arg = json_object_iter_value(json_object_iter(cond));
    const char *s = json_string_value(v);
    if (!strcmp(op, "prefix"))
        return s && g_str_has_prefix(s, json_string_value(arg));
    if (!strcmp(op, "suffix"))
        return s && g_str_has_suffix(s, json_string_value(arg));
    if (!strcmp(op, "equals-ignore-case")) {
        if (!s)
            return false;
        char *a = g_utf8_casefold(s, -1), *b = g_utf8_casefold(json_string_value(arg), -1);
        bool eq = strcmp(a, b) == 0;
        g_free(a);
        g_free(b);
        return eq;
    }
    if (!strcmp(op, "numeric"))
        return json_is_number(v) && numeric_holds(arg, json_number_value(v));
    if (!strcmp(op, "exists"))
        return json_is_true(arg);
    if (!strcmp(op, "anything-but")) {
        if (json_is_array(arg)) {
            size_t i;
            json_t *x;
            json_array_foreach(arg, i, x) if (scalar_equal(x, v)) return false;
            return true;
        }
        if (json_is_object(arg)) {
            json_t *p = json_object_get(arg, "prefix"), *sx = json_object_get(arg, "suffix");
            if (!s)
                return true;
            return p ? !g_str_has_prefix(s, json_string_value(p)) : !g_str_has_suffix(s, json_string_value(sx));
        }
        return !scalar_equal(arg, v);
    }
    return false;
}

/* A key's condition list against its values (NULL = the key is absent; an
 * empty array = present but nothing to compare, like a Binary attribute). */
static bool key_matches(json_t *conds, json_t *values)
{
    size_t i, j;
    json_t *cond, *v;
    json_array_foreach(conds, i, cond) {
        json_t *exists = json_is_object(cond) ? json_object_get(cond, "exists") : NULL;
        if (exists) {
            if (json_is_true(exists) == (values != NULL))
                return true;
            continue;
        }
        json_array_foreach(values, j, v) if (condition_matches(cond, v)) return true;
    }
    return false;
}

/* The values of a message attribute as the policy sees them, or NULL when
 * the attribute is absent. New reference. */
static json_t *attribute_values(json_t *attrs, const char *name)
{
    json_t *a = json_object_get(attrs, name);
    if (!a)
        return NULL;
    const char *type = svc_str(a, "DataType");
    const char *sv = svc_str(a, "StringValue");
    json_t *out = json_array();
    if (!type || !sv)
        return out;
    if (g_str_has_prefix(type, "String.Array")) {
        json_t *arr = json_loads(sv, JSON_DECODE_ANY, NULL);
        if (json_is_array(arr))
            json_array_extend(out, arr);
        json_decref(arr);
    } else if (g_str_has_prefix(type, "Number")) {
        char *end;
        double d = g_ascii_strtod(sv, &end);
        if (*sv && !*end && isfinite(d))
            json_array_append_new(out, json_real(d));
    } else if (g_str_has_prefix(type, "String")) {
        json_array_append_new(out, json_string(sv));
    }
    return out;
}

static bool attributes_match(json_t *policy, json_t *attrs)
{
    const char *key;
    json_t *v;
    json_object_foreach(policy, key, v) {
        bool ok;
        if (!strcmp(key, "$or")) {
            size_t i;
            json_t *alt;
            ok = false;
            json_array_foreach(v, i, alt) ok = ok || attributes_match(alt, attrs);
        } else {
            json_t *vals = attribute_values(attrs, key);
            ok = key_matches(v, vals);
            json_decref(vals);
        }
        if (!ok)
            return false;
    }
    return true;
}

static bool body_matches(json_t *policy, json_t *node)
{
    const char *key;
    json_t *v;
    json_object_foreach(policy, key, v) {
        bool ok = false;
        if (!strcmp(key, "$or")) {
            size_t i;
            json_t *alt;
            json_array_foreach(v, i, alt) ok = ok || body_matches(alt, node);
        } else if (json_is_array(v)) {
            json_t *x = json_object_get(node, key);
            json_t *vals = NULL;
            if (x) {
                vals = json_is_array(x) ? json_incref(x) : json_pack("[O]", x);
            }
            ok = key_matches(v, vals);
            json_decref(vals);
        } else {
            json_t *child = json_object_get(node, key);
            if (json_is_object(child)) {
                ok = body_matches(v, child);
            } else if (json_is_array(child)) {
                size_t i;
                json_t *el;
                json_array_foreach(child, i, el) ok = ok || (json_is_object(el) && body_matches(v, el));
            } else {
                /* nothing under the key: only "exists": false leaves can match */
                json_t *empty = json_object();
                ok = body_matches(v, empty);
                json_decref(empty);
            }
        }
        if (!ok)
            return false;
    }
    return true;
}

bool sns_policy_matches(const sns_policy *p, json_t *attributes, const char *message)
{
    if (!p)
        return true;
    if (p->scope == SNS_SCOPE_ATTRIBUTES)
        return attributes_match(p->doc, attributes);
    json_t *body = json_loads(message ? message : "", 0, NULL);
    bool ok = json_is_object(body) && body_matches(p->doc, body);
    json_decref(body);
    return ok;
}
