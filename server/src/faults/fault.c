#define PCRE2_CODE_UNIT_WIDTH 8
#include "fault.h"

#include <glib.h>
#include <math.h>
#include "wire/regex.h"
#include <stdatomic.h>
#include <string.h>

/* A matcher: a literal compared as a string, or a compiled pattern. */
typedef struct matcher {
    char *literal;
    pcre2_code *re;
} matcher;

enum { M_SERVICE, M_OPERATION, M_RESOURCE, M_ACCOUNT, M_REGION, M_COUNT };
static const char *const matcher_names[M_COUNT] = {"service", "operation", "resource", "account", "region"};

typedef struct rule {
    char *id;
    json_t *source; /* the rule as given, with its id */
    matcher m[M_COUNT];
    bool has[M_COUNT];

    char *error_code;
    char *error_message;
    int error_status;
    int64_t delay_min, delay_max;
    bool has_delay;
    fault_conn conn;
    json_t *partial;

    uint64_t after, times, every;
    bool has_times;
    double probability; /* < 0: always */
    GRand *rand;
    int64_t from_abs, until_abs; /* server clock; 0 = open */

    uint32_t service_mask; /* bit i: the service matcher takes services[i] */

    uint64_t matched, fired; /* under sched_lock */
} rule;

#define MAX_SERVICES 32

/* Matching only reads the rules, so requests share the list lock; the
 * schedule counters of a rule that matched are kept under a mutex of their
 * own. Rules aimed at other services cost one mask test each: which services
 * a rule's service pattern takes is decided once, when it is added. */
struct fault_set {
    GRWLock lock;      /* the list */
    GMutex sched_lock; /* matched / fired / the rules' generators */
    GPtrArray *rules;  /* rule*, in order */
    _Atomic size_t count;
    uint64_t seed;
    uint64_t next_id;
    char *services[MAX_SERVICES];
    size_t nservices;
    char **partial;      /* partial-failure action names (NULL-terminated), or NULL */
    char *partial_names; /* ", a, b" for messages ("" for none) */
    fault_code_known known;
    void *known_arg;
    /* Operation patterns are few and operations fewer still: which rules'
     * operation patterns take an operation is worked out once per operation
     * name and kept until the rules change (op name -> bitmap by rule index). */
    GMutex cache_lock;
    GHashTable *op_cache;
};

static void rule_free(gpointer p)
{
    rule *r = p;
    for (int i = 0; i < M_COUNT; i++) {
        g_free(r->m[i].literal);
        if (r->m[i].re)
            pcre2_code_free(r->m[i].re);
    }
    g_free(r->id);
    g_free(r->error_code);
    g_free(r->error_message);
    json_decref(r->source);
    json_decref(r->partial);
    if (r->rand)
        g_rand_free(r->rand);
    g_free(r);
}

fault_set *fault_set_new(uint64_t seed, const char *const *services, const char *const *partial,
                         fault_code_known known, void *known_arg)
{
    fault_set *f = g_new0(fault_set, 1);
    f->partial = g_strdupv((char **)partial);
    GString *names = g_string_new(NULL);
    for (size_t i = 0; partial && partial[i]; i++)
        g_string_append_printf(names, ", %s", partial[i]);
    f->partial_names = g_string_free(names, FALSE);
    g_rw_lock_init(&f->lock);
    g_mutex_init(&f->sched_lock);
    for (size_t i = 0; services && services[i] && i < MAX_SERVICES; i++)
        f->services[f->nservices++] = g_strdup(services[i]);
    f->rules = g_ptr_array_new_with_free_func(rule_free);
    g_mutex_init(&f->cache_lock);
    f->op_cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    f->seed = seed;
    f->known = known;
    f->known_arg = known_arg;
    return f;
}

void fault_set_free(fault_set *f)
{
    if (!f)
        return;
    g_ptr_array_free(f->rules, TRUE);
    g_strfreev(f->partial);
    g_free(f->partial_names);
    for (size_t i = 0; i < f->nservices; i++)
        g_free(f->services[i]);
    g_hash_table_destroy(f->op_cache);
    g_mutex_clear(&f->cache_lock);
    g_rw_lock_clear(&f->lock);
    g_mutex_clear(&f->sched_lock);
    g_free(f);
}

static bool is_literal(const char *p)
{
    return strpbrk(p, "\\^$.|?*+()[]{}") == NULL;
}

static int compile_matcher(matcher *m, const char *field, const char *pattern, char *err, size_t errlen)
{
    if (is_literal(pattern)) {
        m->literal = g_strdup(pattern);
        return 0;
    }
    int code;
    PCRE2_SIZE off;
    m->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                          PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF, &code, &off, NULL);
    if (!m->re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof msg);
        g_snprintf(err, errlen, "\"%s\": bad pattern '%s' at offset %zu: %s", field, pattern, (size_t)off,
                   (char *)msg);
        return -1;
    }
    pcre2_jit_compile(m->re, PCRE2_JIT_COMPLETE); /* best effort: falls back to the interpreter */
    return 0;
}

static bool matcher_matches(const matcher *m, const char *s, pcre2_match_data *md)
{
    if (!s)
        s = "";
    if (m->literal)
        return strcmp(m->literal, s) == 0;
    return regex_match(m->re, s, strlen(s), md);
}

static bool get_uint(json_t *v, const char *field, uint64_t *out, char *err, size_t errlen)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        g_snprintf(err, errlen, "\"%s\" must be a non-negative integer", field);
        return false;
    }
    *out = (uint64_t)json_integer_value(v);
    return true;
}

static bool get_fraction(json_t *v, const char *field, double *out, char *err, size_t errlen)
{
    if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1) {
        g_snprintf(err, errlen, "\"%s\" must be a number from 0 to 1", field);
        return false;
    }
    *out = json_number_value(v);
    return true;
}

static int parse_error(rule *r, json_t *v, const char *service, fault_set *f, char *err, size_t errlen)
{
    json_t *code = v, *status = NULL, *message = NULL;
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            if (strcmp(k, "code") && strcmp(k, "status") && strcmp(k, "message")) {
                g_snprintf(err, errlen, "\"error\": unknown field \"%s\" (takes code, status, message)", k);
                return -1;
            }
        }
        code = json_object_get(v, "code");
        status = json_object_get(v, "status");
        message = json_object_get(v, "message");
    }
    if (!json_is_string(code) || !json_string_length(code)) {
        g_snprintf(err, errlen, "\"error\" must be an error code or {\"code\", \"status\", \"message\"}");
        return -1;
    }
    if (status && (!json_is_integer(status) || json_integer_value(status) < 300 ||
                   json_integer_value(status) > 599)) {
        g_snprintf(err, errlen, "\"error\".\"status\" must be an HTTP status from 300 to 599");
        return -1;
    }
    if (message && !json_is_string(message)) {
        g_snprintf(err, errlen, "\"error\".\"message\" must be a string");
        return -1;
    }
    r->error_code = g_strdup(json_string_value(code));
    r->error_status = status ? (int)json_integer_value(status) : 0;
    r->error_message = message ? g_strdup(json_string_value(message)) : NULL;
    if (!status && f->known && !f->known(f->known_arg, service, r->error_code)) {
        g_snprintf(err, errlen,
                   "\"error\": '%s' is not an error code mockaws knows%s%s; give its status as "
                   "{\"code\": \"%s\", \"status\": N}",
                   r->error_code, service ? " for " : "", service ? service : "", r->error_code);
        return -1;
    }
    return 0;
}

static int parse_delay(rule *r, json_t *v, char *err, size_t errlen)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        r->delay_min = r->delay_max = json_integer_value(v);
    } else if (json_is_object(v) && json_is_integer(json_object_get(v, "min")) &&
               json_is_integer(json_object_get(v, "max")) && json_object_size(v) == 2) {
        r->delay_min = json_integer_value(json_object_get(v, "min"));
        r->delay_max = json_integer_value(json_object_get(v, "max"));
        if (r->delay_min < 0 || r->delay_max < r->delay_min) {
            g_snprintf(err, errlen, "\"delay_ms\": need 0 <= min <= max");
            return -1;
        }
    } else {
        g_snprintf(err, errlen, "\"delay_ms\" must be a number of milliseconds or {\"min\": N, \"max\": M}");
        return -1;
    }
    if (r->delay_max > 3600 * 1000) {
        g_snprintf(err, errlen, "\"delay_ms\" must be at most one hour");
        return -1;
    }
    r->has_delay = true;
    return 0;
}

static rule *parse_rule(fault_set *f, json_t *v, int64_t now_ms, char *err, size_t errlen)
{
    if (!json_is_object(v)) {
        g_snprintf(err, errlen, "a fault rule must be a JSON object");
        return NULL;
    }
    rule *r = g_new0(rule, 1);
    r->probability = -1;
    const char *key;
    json_t *x;
    const char *service = json_string_value(json_object_get(v, "service"));
    if (service && !is_literal(service))
        service = NULL;
    bool action = false;
    json_object_foreach(v, key, x) {
        int mi = -1;
        for (int i = 0; i < M_COUNT; i++)
            if (strcmp(key, matcher_names[i]) == 0)
                mi = i;
        /* a service's partial failure: the service reads it (svc_call.fault) */
        bool partial = f->partial && g_strv_contains((const char *const *)f->partial, key);
        if (mi >= 0) {
            if (!json_is_string(x)) {
                g_snprintf(err, errlen, "\"%s\" must be a string (a full-match pattern)", key);
                goto fail;
            }
            if (compile_matcher(&r->m[mi], key, json_string_value(x), err, errlen) != 0)
                goto fail;
            r->has[mi] = true;
        } else if (strcmp(key, "id") == 0) {
            if (!json_is_string(x) || !json_string_length(x)) {
                g_snprintf(err, errlen, "\"id\" must be a non-empty string");
                goto fail;
            }
            r->id = g_strdup(json_string_value(x));
        } else if (strcmp(key, "description") == 0 || strcmp(key, "name") == 0) {
            /* for people */
        } else if (strcmp(key, "error") == 0) {
            if (parse_error(r, x, service, f, err, errlen) != 0)
                goto fail;
            action = true;
        } else if (strcmp(key, "delay_ms") == 0) {
            if (parse_delay(r, x, err, errlen) != 0)
                goto fail;
            action = true;
        } else if (strcmp(key, "connection") == 0) {
            const char *c = json_string_value(x);
            r->conn = !c ? FAULT_CONN_NONE
                      : !strcmp(c, "reset")   ? FAULT_CONN_RESET
                      : !strcmp(c, "close")   ? FAULT_CONN_CLOSE
                      : !strcmp(c, "timeout") ? FAULT_CONN_TIMEOUT
                                              : FAULT_CONN_NONE;
            if (r->conn == FAULT_CONN_NONE) {
                g_snprintf(err, errlen, "\"connection\" must be \"reset\", \"close\" or \"timeout\"");
                goto fail;
            }
            action = true;
        } else if (partial) {
            double d;
            if (json_is_boolean(x))
                d = json_is_true(x);
            else if (!get_fraction(x, key, &d, err, errlen))
                goto fail;
            if (!r->partial)
                r->partial = json_object();
            json_object_set_new(r->partial, key, json_real(d));
            action = true;
        } else if (strcmp(key, "after") == 0) {
            if (!get_uint(x, key, &r->after, err, errlen))
                goto fail;
        } else if (strcmp(key, "times") == 0) {
            if (!get_uint(x, key, &r->times, err, errlen))
                goto fail;
            r->has_times = true;
        } else if (strcmp(key, "every") == 0) {
            if (!get_uint(x, key, &r->every, err, errlen) || r->every == 0) {
                g_snprintf(err, errlen, "\"every\" must be an integer of at least 1");
                goto fail;
            }
        } else if (strcmp(key, "probability") == 0) {
            if (!get_fraction(x, key, &r->probability, err, errlen))
                goto fail;
        } else if (strcmp(key, "seed") == 0) {
            if (!json_is_integer(x)) {
                g_snprintf(err, errlen, "\"seed\" must be an integer");
                goto fail;
            }
        } else if (strcmp(key, "from_ms") == 0 || strcmp(key, "until_ms") == 0) {
            uint64_t ms;
            if (!get_uint(x, key, &ms, err, errlen))
                goto fail;
            if (key[0] == 'f')
                r->from_abs = now_ms + (int64_t)ms;
            else
                r->until_abs = now_ms + (int64_t)ms;
        } else {
            g_snprintf(err, errlen,
                       "unknown field \"%s\" in a fault rule (matchers: service, operation, resource, account, "
                       "region; actions: error, delay_ms, connection%s; schedule: after, times, every, "
                       "probability, seed, from_ms, until_ms)",
                       key, f->partial_names);
            goto fail;
        }
    }
    if (!action) {
        g_snprintf(err, errlen, "a fault rule needs an action: error, delay_ms, connection or a partial failure");
        goto fail;
    }
    if (f->nservices) {
        pcre2_match_data *md = pcre2_match_data_create(4, NULL);
        for (size_t i = 0; i < f->nservices; i++)
            if (!r->has[M_SERVICE] || matcher_matches(&r->m[M_SERVICE], f->services[i], md))
                r->service_mask |= 1u << i;
        pcre2_match_data_free(md);
        if (!r->service_mask) {
            GString *names = g_string_new(NULL);
            for (size_t i = 0; i < f->nservices; i++)
                g_string_append_printf(names, "%s%s", i ? ", " : "", f->services[i]);
            g_snprintf(err, errlen, "\"service\": '%s' matches no service mockaws serves (%s)",
                       json_string_value(json_object_get(v, "service")), names->str);
            g_string_free(names, TRUE);
            goto fail;
        }
    } else {
        r->service_mask = UINT32_MAX;
    }
    if (r->conn != FAULT_CONN_NONE && (r->error_code || r->partial)) {
        g_snprintf(err, errlen, "\"connection\" cannot be combined with \"error\" or a partial failure");
        goto fail;
    }
    if (r->from_abs && r->until_abs && r->until_abs <= r->from_abs) {
        g_snprintf(err, errlen, "\"until_ms\" must be after \"from_ms\"");
        goto fail;
    }
    /* The same seed gives the same outcomes: the rule's own seed, else one
     * derived from the server's seed and the rule's id. */
    json_t *seed = json_object_get(v, "seed");
    if (!r->id)
        r->id = g_strdup_printf("fault-%" G_GUINT64_FORMAT, ++f->next_id);
    if (seed)
        r->rand = g_rand_new_with_seed((guint32)json_integer_value(seed));
    else if (f->seed)
        r->rand = g_rand_new_with_seed((guint32)(f->seed ^ g_str_hash(r->id)));
    else
        r->rand = g_rand_new();
    r->source = json_deep_copy(v);
    json_object_set_new(r->source, "id", json_string(r->id));
    return r;
fail:
    rule_free(r);
    return NULL;
}

static rule *find(fault_set *f, const char *id, guint *index)
{
    for (guint i = 0; i < f->rules->len; i++) {
        rule *r = g_ptr_array_index(f->rules, i);
        if (strcmp(r->id, id) == 0) {
            if (index)
                *index = i;
            return r;
        }
    }
    return NULL;
}

int fault_set_add(fault_set *f, json_t *rules, int64_t now_ms, json_t **ids, char *err, size_t errlen)
{
    json_t *list = json_is_array(rules) ? json_incref(rules) : json_pack("[O]", rules);
    GPtrArray *parsed = g_ptr_array_new_with_free_func(rule_free);
    g_rw_lock_writer_lock(&f->lock);
    size_t i;
    json_t *v;
    int rc = 0;
    json_array_foreach(list, i, v) {
        char one[400];
        rule *r = parse_rule(f, v, now_ms, one, sizeof one);
        if (!r) {
            if (json_array_size(list) > 1)
                g_snprintf(err, errlen, "rule %zu: %s", i, one);
            else
                g_strlcpy(err, one, errlen);
            rc = -1;
            break;
        }
        bool dup = find(f, r->id, NULL) != NULL;
        for (guint k = 0; k < parsed->len && !dup; k++)
            dup = strcmp(((rule *)g_ptr_array_index(parsed, k))->id, r->id) == 0;
        if (dup) {
            g_snprintf(err, errlen, "a rule with id \"%s\" already exists", r->id);
            rule_free(r);
            rc = -1;
            break;
        }
        g_ptr_array_add(parsed, r);
    }
    if (rc == 0) {
        *ids = json_array();
        for (guint k = 0; k < parsed->len; k++) {
            rule *r = g_ptr_array_index(parsed, k);
            json_array_append_new(*ids, json_string(r->id));
            g_ptr_array_add(f->rules, r);
        }
        g_ptr_array_set_free_func(parsed, NULL);
        atomic_store(&f->count, f->rules->len);
        g_hash_table_remove_all(f->op_cache);
    }
    g_rw_lock_writer_unlock(&f->lock);
    g_ptr_array_free(parsed, TRUE);
    json_decref(list);
    return rc;
}

/* A rule of its own with r's definition, counters and generator state;
 * patterns are copied compiled (pcre2 copies leave the JIT code behind). */
static rule *rule_copy(const rule *r)
{
    rule *c = g_new(rule, 1);
    *c = *r;
    c->id = g_strdup(r->id);
    c->source = json_deep_copy(r->source);
    for (int i = 0; i < M_COUNT; i++) {
        c->m[i].literal = g_strdup(r->m[i].literal);
        c->m[i].re = r->m[i].re ? pcre2_code_copy(r->m[i].re) : NULL;
        if (c->m[i].re)
            pcre2_jit_compile(c->m[i].re, PCRE2_JIT_COMPLETE);
    }
    c->error_code = g_strdup(r->error_code);
    c->error_message = g_strdup(r->error_message);
    c->partial = json_deep_copy(r->partial);
    c->rand = r->rand ? g_rand_copy(r->rand) : NULL;
    return c;
}

struct fault_saved {
    GPtrArray *rules; /* rule*, owned, never matched against */
    uint64_t next_id;
};

/* Copies of src's rules into dst; the caller holds what guards src and
 * dst's lists, and sched_lock for the counters and generators. */
static void copy_rules(GPtrArray *dst, const GPtrArray *src)
{
    for (guint i = 0; i < src->len; i++)
        g_ptr_array_add(dst, rule_copy(g_ptr_array_index(src, i)));
}

fault_saved *fault_set_save(fault_set *f)
{
    fault_saved *saved = g_new0(fault_saved, 1);
    saved->rules = g_ptr_array_new_with_free_func(rule_free);
    g_rw_lock_reader_lock(&f->lock);
    g_mutex_lock(&f->sched_lock);
    copy_rules(saved->rules, f->rules);
    saved->next_id = f->next_id;
    g_mutex_unlock(&f->sched_lock);
    g_rw_lock_reader_unlock(&f->lock);
    return saved;
}

void fault_saved_free(fault_saved *saved)
{
    if (!saved)
        return;
    g_ptr_array_free(saved->rules, TRUE);
    g_free(saved);
}

void fault_set_restore(fault_set *f, const fault_saved *saved)
{
    GPtrArray *fresh = g_ptr_array_new_with_free_func(rule_free);
    copy_rules(fresh, saved->rules);
    g_rw_lock_writer_lock(&f->lock);
    GPtrArray *old = f->rules;
    f->rules = fresh;
    f->next_id = saved->next_id;
    atomic_store(&f->count, f->rules->len);
    g_hash_table_remove_all(f->op_cache);
    g_rw_lock_writer_unlock(&f->lock);
    g_ptr_array_free(old, TRUE);
}

int fault_set_remove(fault_set *f, const char *id)
{
    g_rw_lock_writer_lock(&f->lock);
    guint index;
    rule *r = find(f, id, &index);
    if (r)
        g_ptr_array_remove_index(f->rules, index);
    atomic_store(&f->count, f->rules->len);
    g_hash_table_remove_all(f->op_cache);
    g_rw_lock_writer_unlock(&f->lock);
    return r ? 0 : -1;
}

void fault_set_clear(fault_set *f)
{
    g_rw_lock_writer_lock(&f->lock);
    g_ptr_array_set_size(f->rules, 0);
    atomic_store(&f->count, 0);
    g_hash_table_remove_all(f->op_cache);
    g_rw_lock_writer_unlock(&f->lock);
}

size_t fault_set_count(fault_set *f)
{
    return atomic_load(&f->count);
}

json_t *fault_set_json(fault_set *f)
{
    json_t *list = json_array();
    g_rw_lock_reader_lock(&f->lock);
    g_mutex_lock(&f->sched_lock);
    for (guint i = 0; i < f->rules->len; i++) {
        rule *r = g_ptr_array_index(f->rules, i);
        json_t *o = json_deep_copy(r->source);
        json_object_set_new(o, "matched", json_integer((json_int_t)r->matched));
        json_object_set_new(o, "fired", json_integer((json_int_t)r->fired));
        json_object_set_new(o, "expired", json_boolean(r->has_times && r->fired >= r->times));
        json_array_append_new(list, o);
    }
    g_mutex_unlock(&f->sched_lock);
    g_rw_lock_reader_unlock(&f->lock);
    return json_pack("{s:o}", "faults", list);
}

/* Which rules' operation patterns take op: bit i for rule i. The caller holds
 * the list's read lock, so the bitmap lives as long as it needs to. */
static const guint8 *operation_bits(fault_set *f, const char *op)
{
    g_mutex_lock(&f->cache_lock);
    guint8 *bits = g_hash_table_lookup(f->op_cache, op);
    if (!bits) {
        bits = g_malloc0(f->rules->len / 8 + 1);
        pcre2_match_data *md = pcre2_match_data_create(4, NULL);
        for (guint i = 0; i < f->rules->len; i++) {
            const rule *r = g_ptr_array_index(f->rules, i);
            if (r->has[M_OPERATION] && matcher_matches(&r->m[M_OPERATION], op, md))
                bits[i / 8] |= (guint8)(1u << (i % 8));
        }
        pcre2_match_data_free(md);
        g_hash_table_insert(f->op_cache, g_strdup(op), bits);
    }
    g_mutex_unlock(&f->cache_lock);
    return bits;
}

/* md is created on first need: most checks are literal or fail on the mask. */
static bool rule_matches(const rule *r, guint index, const fault_request *q, uint32_t service_bit,
                         const guint8 *op_bits, pcre2_match_data **md)
{
    if (!(r->service_mask & service_bit))
        return false;
    const char *vals[M_COUNT] = {q->service, q->operation, q->resource, q->account, q->region};
    for (int i = 0; i < M_COUNT; i++) {
        if (!r->has[i] || (i == M_SERVICE && service_bit != UINT32_MAX))
            continue;
        if (i == M_OPERATION && op_bits) {
            if (!(op_bits[index / 8] & (1u << (index % 8))))
                return false;
            continue;
        }
        if (r->m[i].re && !*md)
            *md = pcre2_match_data_create(4, NULL);
        if (!matcher_matches(&r->m[i], vals[i], *md))
            return false;
    }
    return true;
}

/* The schedule, for a request that matched (r->matched already counts it). */
static bool rule_fires(rule *r, int64_t now_ms)
{
    if (r->has_times && r->fired >= r->times)
        return false;
    if (r->from_abs && now_ms < r->from_abs)
        return false;
    if (r->until_abs && now_ms >= r->until_abs)
        return false;
    if (r->matched <= r->after)
        return false;
    if (r->every && (r->matched - r->after) % r->every != 0)
        return false;
    if (r->probability >= 0 && g_rand_double(r->rand) >= r->probability)
        return false;
    return true;
}

bool fault_set_decide(fault_set *f, const fault_request *q, int64_t now_ms, fault_decision *d)
{
    memset(d, 0, sizeof *d);
    if (atomic_load(&f->count) == 0)
        return false;
    /* A service outside the list (never, from the server) falls back to
     * matching the pattern itself. */
    uint32_t service_bit = UINT32_MAX;
    for (size_t i = 0; i < f->nservices; i++)
        if (q->service && strcmp(q->service, f->services[i]) == 0)
            service_bit = 1u << i;
    pcre2_match_data *md = NULL;
    bool fired = false;
    g_rw_lock_reader_lock(&f->lock);
    const guint8 *op_bits = q->operation ? operation_bits(f, q->operation) : NULL;
    for (guint i = 0; i < f->rules->len && !fired; i++) {
        rule *r = g_ptr_array_index(f->rules, i);
        if (!rule_matches(r, i, q, service_bit, op_bits, &md))
            continue;
        g_mutex_lock(&f->sched_lock);
        r->matched++;
        if (rule_fires(r, now_ms)) {
            r->fired++;
            fired = true;
            d->rule_id = g_strdup(r->id);
            d->error_code = g_strdup(r->error_code);
            d->error_message = g_strdup(r->error_message);
            d->error_status = r->error_status;
            d->conn = r->conn;
            d->partial = json_incref(r->partial);
            if (r->has_delay)
                d->delay_ms = r->delay_min == r->delay_max
                                  ? r->delay_min
                                  : r->delay_min + (int64_t)g_rand_int_range(r->rand, 0,
                                                                             (gint32)(r->delay_max - r->delay_min + 1));
        }
        g_mutex_unlock(&f->sched_lock);
    }
    g_rw_lock_reader_unlock(&f->lock);
    if (md)
        pcre2_match_data_free(md);
    return fired;
}

void fault_decision_clear(fault_decision *d)
{
    g_free(d->rule_id);
    g_free(d->error_code);
    g_free(d->error_message);
    json_decref(d->partial);
    memset(d, 0, sizeof *d);
}
