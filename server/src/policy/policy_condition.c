#include "policy/policy_condition.h"

#include <arpa/inet.h>
#include <glib.h>
#include <math.h>
#include <string.h>

#include "policy/policy_wild.h"

typedef enum cond_family {
    F_STRING,
    F_STRING_CI,
    F_STRING_LIKE,
    F_NUMERIC,
    F_DATE,
    F_BOOL,
    F_BINARY,
    F_IP,
    F_ARN,
    F_NULL,
} cond_family;

typedef enum cond_cmp { CMP_EQ, CMP_LT, CMP_LE, CMP_GT, CMP_GE } cond_cmp;
typedef enum cond_set { SET_PLAIN, SET_ANY, SET_ALL } cond_set;

typedef struct cond_op {
    cond_family family;
    cond_cmp cmp;
    bool negate;    /* the operator's answer for one value is "none of the policy's values" */
    bool if_exists; /* an absent key holds */
    cond_set set;
} cond_op;

static const struct {
    const char *name;
    cond_family family;
    cond_cmp cmp;
    bool negate;
} ops[] = {
    {"StringEquals", F_STRING, CMP_EQ, false},
    {"StringNotEquals", F_STRING, CMP_EQ, true},
    {"StringEqualsIgnoreCase", F_STRING_CI, CMP_EQ, false},
    {"StringNotEqualsIgnoreCase", F_STRING_CI, CMP_EQ, true},
    {"StringLike", F_STRING_LIKE, CMP_EQ, false},
    {"StringNotLike", F_STRING_LIKE, CMP_EQ, true},
    {"NumericEquals", F_NUMERIC, CMP_EQ, false},
    {"NumericNotEquals", F_NUMERIC, CMP_EQ, true},
    {"NumericLessThan", F_NUMERIC, CMP_LT, false},
    {"NumericLessThanEquals", F_NUMERIC, CMP_LE, false},
    {"NumericGreaterThan", F_NUMERIC, CMP_GT, false},
    {"NumericGreaterThanEquals", F_NUMERIC, CMP_GE, false},
    {"DateEquals", F_DATE, CMP_EQ, false},
    {"DateNotEquals", F_DATE, CMP_EQ, true},
    {"DateLessThan", F_DATE, CMP_LT, false},
    {"DateLessThanEquals", F_DATE, CMP_LE, false},
    {"DateGreaterThan", F_DATE, CMP_GT, false},
    {"DateGreaterThanEquals", F_DATE, CMP_GE, false},
    {"Bool", F_BOOL, CMP_EQ, false},
    {"BinaryEquals", F_BINARY, CMP_EQ, false},
    {"IpAddress", F_IP, CMP_EQ, false},
    {"NotIpAddress", F_IP, CMP_EQ, true},
    {"ArnEquals", F_ARN, CMP_EQ, false},
    {"ArnLike", F_ARN, CMP_EQ, false},
    {"ArnNotEquals", F_ARN, CMP_EQ, true},
    {"ArnNotLike", F_ARN, CMP_EQ, true},
    {"Null", F_NULL, CMP_EQ, false},
};

/* An operator's name as IAM spells it (case-sensitive), or false. */
static bool parse_op(const char *name, cond_op *op)
{
    *op = (cond_op){0};
    if (g_str_has_prefix(name, "ForAnyValue:")) {
        op->set = SET_ANY;
        name += strlen("ForAnyValue:");
    } else if (g_str_has_prefix(name, "ForAllValues:")) {
        op->set = SET_ALL;
        name += strlen("ForAllValues:");
    }
    size_t n = strlen(name);
    if (n > 8 && strcmp(name + n - 8, "IfExists") == 0) {
        op->if_exists = true;
        n -= 8;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(ops); i++) {
        if (strlen(ops[i].name) == n && strncmp(ops[i].name, name, n) == 0) {
            op->family = ops[i].family;
            op->cmp = ops[i].cmp;
            op->negate = ops[i].negate;
            /* Null asks whether the key exists: IfExists and the set
             * qualifiers make no sense on it */
            return !(op->family == F_NULL && (op->if_exists || op->set != SET_PLAIN));
        }
    }
    return false;
}

/* A scalar JSON value as the string IAM compares (numbers and booleans
 * as written), or NULL for other types. */
static const char *scalar(json_t *v, char buf[static 64])
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        g_snprintf(buf, 64, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return buf;
    }
    if (json_is_real(v)) {
        g_ascii_dtostr(buf, 64, json_real_value(v));
        return buf;
    }
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    return NULL;
}

/* A decimal number ("10", "-1.5", "1e3"); not strtod's hex, inf or nan. */
static bool parse_number(const char *s, double *out)
{
    if (!*s || g_ascii_isspace(*s) || strpbrk(s, "xXnN"))
        return false;
    char *end;
    *out = g_ascii_strtod(s, &end);
    return *end == '\0' && isfinite(*out);
}

/* ISO 8601 (a date alone is its midnight UTC; no zone means UTC) or
 * epoch seconds, in microseconds. */
static bool parse_date(const char *s, gint64 *out)
{
    double secs;
    if (g_ascii_isdigit(*s) && strchr(s, '-') == NULL && parse_number(s, &secs)) {
        if (fabs(secs) > 1e13)
            return false;
        *out = (gint64)(secs * G_USEC_PER_SEC);
        return true;
    }
    size_t n = strlen(s);
    if (n > 64)
        return false;
    char buf[80];
    g_snprintf(buf, sizeof buf, n == 10 ? "%sT00:00:00Z" : "%s", s);
    GTimeZone *utc = g_time_zone_new_utc();
    GDateTime *dt = g_date_time_new_from_iso8601(buf, utc);
    g_time_zone_unref(utc);
    if (!dt)
        return false;
    *out = g_date_time_to_unix(dt) * G_USEC_PER_SEC + g_date_time_get_microsecond(dt);
    g_date_time_unref(dt);
    return true;
}

typedef struct ip_net {
    int family;
    unsigned char addr[16];
    int bits;
} ip_net;

/* An address, or a CIDR block ("10.0.0.0/8", "2001:db8::/32"); a bare
 * address is its /32 (/128). */
static bool parse_ip(const char *s, ip_net *out)
{
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    char buf[INET6_ADDRSTRLEN + 1];
    if (n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    int max;
    if (inet_pton(AF_INET, buf, out->addr) == 1) {
        out->family = AF_INET;
        max = 32;
    } else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
        out->family = AF_INET6;
        max = 128;
    } else {
        return false;
    }
    out->bits = max;
    if (slash) {
        const char *b = slash + 1;
        if (!g_ascii_isdigit(*b) || strlen(b) > 3)
            return false;
        char *end;
        long bits = strtol(b, &end, 10);
        if (*end || bits > max)
            return false;
        out->bits = (int)bits;
    }
    return true;
}

static bool ip_in(const ip_net *net, const ip_net *ip)
{
    if (net->family != ip->family)
        return false;
    int full = net->bits / 8, rest = net->bits % 8;
    if (memcmp(net->addr, ip->addr, (size_t)full) != 0)
        return false;
    if (!rest)
        return true;
    unsigned char mask = (unsigned char)(0xFF << (8 - rest));
    return (net->addr[full] & mask) == (ip->addr[full] & mask);
}

static bool compare(cond_cmp cmp, double a, double b)
{
    switch (cmp) {
    case CMP_EQ: return a == b;
    case CMP_LT: return a < b;
    case CMP_LE: return a <= b;
    case CMP_GT: return a > b;
    case CMP_GE: return a >= b;
    }
    return false;
}

static bool compare64(cond_cmp cmp, gint64 a, gint64 b)
{
    return compare(cmp, a < b ? -1 : a > b, 0);
}

static bool binary_equal(const char *a, const char *b)
{
    gsize an, bn;
    guchar *da = g_base64_decode(a, &an), *db = g_base64_decode(b, &bn);
    bool eq = an == bn && memcmp(da, db, an) == 0;
    g_free(da);
    g_free(db);
    return eq;
}

/* Whether the request's value have satisfies the operator's positive form
 * against one policy value want (its variables already substituted into
 * an escaped pattern when esc). */
static bool one_value(const cond_op *op, const char *want, size_t wn, bool esc, const char *have)
{
    size_t hn = strlen(have);
    switch (op->family) {
    case F_STRING: return policy_wild_equal(want, wn, have, hn, false, esc);
    case F_STRING_CI: return policy_wild_equal(want, wn, have, hn, true, esc);
    case F_STRING_LIKE: return policy_wild_match(want, wn, have, hn, false, esc);
    case F_ARN: return policy_wild_arn(want, wn, have, hn, esc);
    case F_NUMERIC: {
        double w, h;
        /* the request's value against the policy's: "NumericLessThan 10"
         * holds for 5 */
        return parse_number(want, &w) && parse_number(have, &h) && compare(op->cmp, h, w);
    }
    case F_DATE: {
        gint64 w, h;
        return parse_date(want, &w) && parse_date(have, &h) && compare64(op->cmp, h, w);
    }
    case F_BOOL: return g_ascii_strcasecmp(want, have) == 0;
    case F_BINARY: return binary_equal(want, have);
    case F_IP: {
        ip_net net, ip;
        return parse_ip(want, &net) && parse_ip(have, &ip) && ip.bits == (ip.family == AF_INET ? 32 : 128) &&
               ip_in(&net, &ip);
    }
    case F_NULL: break;
    }
    return false;
}

/* Whether have matches any of the policy's values for the key (OR). */
static bool any_policy_value(const cond_op *op, json_t *wants, const char *have, json_t *ctx, bool vars,
                             GString **scratch)
{
    json_t *one[1] = {wants};
    json_t **list = json_is_array(wants) ? NULL : one;
    size_t n = list ? 1 : json_array_size(wants);
    for (size_t i = 0; i < n; i++) {
        char buf[64];
        const char *want = scalar(list ? list[i] : json_array_get(wants, i), buf);
        if (!want)
            continue;
        bool esc = false;
        size_t wn = strlen(want);
        if (vars && strstr(want, "${")) {
            if (!*scratch)
                *scratch = g_string_sized_new(64);
            if (!policy_wild_expand(want, ctx, *scratch))
                continue; /* an absent variable: this value matches nothing */
            want = (*scratch)->str;
            wn = (*scratch)->len;
            esc = true;
        }
        if (one_value(op, want, wn, esc, have))
            return true;
    }
    return false;
}

static bool is_absent(json_t *have)
{
    return !have || json_is_null(have) || (json_is_array(have) && json_array_size(have) == 0);
}

static bool key_holds(const cond_op *op, const char *key, json_t *wants, json_t *ctx, bool vars, GString **scratch)
{
    json_t *have = policy_wild_context(ctx, key, strlen(key));
    bool absent = is_absent(have);
    if (op->family == F_NULL) {
        /* "true": the key must be absent; "false": present (any value listed) */
        json_t *one[1] = {wants};
        size_t n = json_is_array(wants) ? json_array_size(wants) : 1;
        for (size_t i = 0; i < n; i++) {
            char buf[64];
            const char *w = scalar(json_is_array(wants) ? json_array_get(wants, i) : one[0], buf);
            if (w && (g_ascii_strcasecmp(w, "true") == 0) == absent)
                return true;
        }
        return false;
    }
    if (absent) {
        if (op->if_exists)
            return true;
        if (op->set == SET_ANY)
            return false;
        if (op->set == SET_ALL)
            return true;
        return op->negate;
    }
    /* a set qualifier asks it of each request value (for a negated
     * operator: the value matches none of the policy's values); a plain
     * operator asks whether any request value matches, then negates */
    bool per_value_negate = op->negate && op->set != SET_PLAIN;
    size_t n = json_is_array(have) ? json_array_size(have) : 1;
    bool any = false, all = true;
    for (size_t i = 0; i < n; i++) {
        char buf[64];
        const char *h = scalar(json_is_array(have) ? json_array_get(have, i) : have, buf);
        bool hit = h && any_policy_value(op, wants, h, ctx, vars, scratch);
        bool holds = per_value_negate ? !hit : hit;
        any = any || holds;
        all = all && holds;
    }
    switch (op->set) {
    case SET_ANY: return any;
    case SET_ALL: return all;
    case SET_PLAIN: return op->negate ? !any : any;
    }
    return false;
}

bool policy_condition_holds(json_t *cond, json_t *ctx, bool vars)
{
    if (!json_is_object(cond))
        return true;
    GString *scratch = NULL; /* for substituted variables, made when one is met */
    bool ok = true;
    const char *name;
    json_t *keys;
    json_object_foreach(cond, name, keys) {
        cond_op op;
        if (!parse_op(name, &op) || !json_is_object(keys)) {
            ok = false; /* a document that was not checked: an unknown operator grants nothing */
            break;
        }
        const char *key;
        json_t *wants;
        json_object_foreach(keys, key, wants) {
            if (!key_holds(&op, key, wants, ctx, vars, &scratch)) {
                ok = false;
                break;
            }
        }
        if (!ok)
            break;
    }
    if (scratch)
        g_string_free(scratch, TRUE);
    return ok;
}

/* A value's type for its operator (values holding a variable are
 * substituted at evaluation, so only their shape is checked). */
static bool value_ok(const cond_op *op, json_t *v)
{
    char buf[64];
    const char *s = scalar(v, buf);
    if (!s)
        return false;
    if (strstr(s, "${"))
        return true;
    double d;
    gint64 t;
    ip_net ip;
    switch (op->family) {
    case F_NUMERIC: return parse_number(s, &d);
    case F_DATE: return parse_date(s, &t);
    case F_BOOL:
    case F_NULL: return g_ascii_strcasecmp(s, "true") == 0 || g_ascii_strcasecmp(s, "false") == 0;
    case F_IP: return parse_ip(s, &ip);
    default: return true;
    }
}

int policy_condition_check(json_t *cond, char *err, size_t errlen)
{
    if (!json_is_object(cond))
        goto syntax;
    const char *name;
    json_t *keys;
    json_object_foreach(cond, name, keys) {
        cond_op op;
        if (!parse_op(name, &op) || !json_is_object(keys) || json_object_size(keys) == 0)
            goto syntax;
        const char *key;
        json_t *wants;
        json_object_foreach(keys, key, wants) {
            /* the vendor prefix: before any '/' (tag keys may hold colons) */
            const char *slash = strchr(key, '/');
            size_t pre = slash ? (size_t)(slash - key) : strlen(key);
            const char *colon = memchr(key, ':', pre);
            if (!colon || colon == key) {
                g_snprintf(err, errlen, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
                return -1;
            }
            if (memchr(colon + 1, ':', pre - (size_t)(colon + 1 - key))) {
                g_snprintf(err, errlen, "Actions/Condition can contain only one colon.");
                return -1;
            }
            if (json_is_array(wants)) {
                size_t i;
                json_t *w;
                json_array_foreach(wants, i, w) {
                    if (!value_ok(&op, w))
                        goto syntax;
                }
            } else if (!value_ok(&op, wants)) {
                goto syntax;
            }
        }
    }
    return 0;
syntax:
    g_snprintf(err, errlen, "Syntax errors in policy.");
    return -1;
}
