#include "services/dynamodb/value.h"

#include <string.h>

static const char *const TYPE_NAMES[] = {
    [DDB_T_NONE] = "", [DDB_T_S] = "S",       [DDB_T_N] = "N",   [DDB_T_B] = "B",
    [DDB_T_BOOL] = "BOOL", [DDB_T_NULL] = "NULL", [DDB_T_M] = "M", [DDB_T_L] = "L",
    [DDB_T_SS] = "SS", [DDB_T_NS] = "NS",     [DDB_T_BS] = "BS",
};

#define EMPTY_VALUE "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
#define MANY_TYPES                                                                                         \
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported " \
    "datatypes"
#define TOO_DEEP                                                                                     \
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond " \
    "supported limit"

const char *ddb_type_name(ddb_type t)
{
    return t <= DDB_T_BS ? TYPE_NAMES[t] : "";
}

ddb_type ddb_type_from_name(const char *name)
{
    for (int t = DDB_T_S; t <= DDB_T_BS; t++)
        if (strcmp(TYPE_NAMES[t], name) == 0)
            return (ddb_type)t;
    return DDB_T_NONE;
}

ddb_type ddb_value_type(json_t *av)
{
    if (!json_is_object(av))
        return DDB_T_NONE;
    void *it = json_object_iter(av);
    return it ? ddb_type_from_name(json_object_iter_key(it)) : DDB_T_NONE;
}

json_t *ddb_value_payload(json_t *av)
{
    void *it = json_is_object(av) ? json_object_iter(av) : NULL;
    return it ? json_object_iter_value(it) : NULL;
}

json_t *ddb_value_new(ddb_type t, json_t *payload)
{
    json_t *v = json_object();
    json_object_set_new(v, ddb_type_name(t), payload);
    return v;
}

/* ---- validation ---- */

static char *check_number(json_t *s)
{
    if (!json_is_string(s))
        return g_strdup("The parameter cannot be converted to a numeric value");
    ddb_dec d;
    ddb_num_status st = ddb_num_parse(json_string_value(s), json_string_length(s), &d);
    if (st != DDB_NUM_OK) {
        GString *m = g_string_new(NULL);
        ddb_num_message(m, st, json_string_value(s), json_string_length(s));
        return g_string_free(m, FALSE);
    }
    char *canon = ddb_num_to_string(&d);
    json_string_set(s, canon);
    g_free(canon);
    return NULL;
}

/* A set's members must be strings (binaries are strings of bytes). */
static bool members_are_strings(json_t *list)
{
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m) if (!json_is_string(m)) return false;
    return true;
}

static bool has_duplicate(json_t *list)
{
    GHashTable *seen = g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
    bool dup = false;
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m) {
        GBytes *b = g_bytes_new(json_string_value(m), json_string_length(m));
        if (!g_hash_table_add(seen, b)) {
            dup = true;
            break;
        }
    }
    g_hash_table_destroy(seen);
    return dup;
}

static void render_list(GString *out, json_t *list, bool base64)
{
    g_string_append_c(out, '[');
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m) {
        if (i)
            g_string_append(out, ", ");
        if (base64) {
            char *b = g_base64_encode((const guchar *)json_string_value(m), json_string_length(m));
            g_string_append(out, b);
            g_free(b);
        } else {
            g_string_append_len(out, json_string_value(m), (gssize)json_string_length(m));
        }
    }
    g_string_append_c(out, ']');
}

char *ddb_value_check(json_t *av, int depth)
{
    if (!json_is_object(av) || json_object_size(av) == 0)
        return g_strdup(EMPTY_VALUE);
    if (depth > DDB_MAX_DEPTH)
        return g_strdup(TOO_DEEP);
    const char *key;
    json_t *v;
    /* Each type's own checks come before the "one type only" check, as
     * DynamoDB words it: {"S": "", "N": ""} is a number error. */
    json_object_foreach(av, key, v) {
        ddb_type t = ddb_type_from_name(key);
        char *msg = NULL;
        switch (t) {
        case DDB_T_N:
            msg = check_number(v);
            break;
        case DDB_T_NULL:
            if (!json_is_true(v))
                msg = g_strdup("One or more parameter values were invalid: Null attribute value types must "
                               "have the value of true");
            break;
        case DDB_T_SS:
        case DDB_T_NS:
        case DDB_T_BS:
            if (json_array_size(v) == 0) {
                msg = g_strdup(t == DDB_T_SS   ? "One or more parameter values were invalid: An string set  may "
                                                 "not be empty"
                               : t == DDB_T_NS ? "One or more parameter values were invalid: An number set  may "
                                                 "not be empty"
                                               : "One or more parameter values were invalid: Binary sets should "
                                                 "not be empty");
                break;
            }
            if (!members_are_strings(v)) {
                msg = g_strdup(EMPTY_VALUE);
                break;
            }
            if (t == DDB_T_NS) {
                size_t i;
                json_t *m;
                json_array_foreach(v, i, m) if (!msg) msg = check_number(m);
                if (!msg && has_duplicate(v))
                    msg = g_strdup("Input collection contains duplicates");
            } else if (has_duplicate(v)) {
                GString *m = g_string_new("One or more parameter values were invalid: Input collection ");
                render_list(m, v, t == DDB_T_BS);
                g_string_append(m, t == DDB_T_BS ? "of type BS contains duplicates." : " contains duplicates.");
                msg = g_string_free(m, FALSE);
            }
            break;
        case DDB_T_M: {
            const char *k;
            json_t *m;
            json_object_foreach(v, k, m) {
                if ((msg = ddb_value_check(m, depth + 1)))
                    break;
            }
            break;
        }
        case DDB_T_L: {
            size_t i;
            json_t *m;
            json_array_foreach(v, i, m) {
                if ((msg = ddb_value_check(m, depth + 1)))
                    break;
            }
            break;
        }
        default:
            break;
        }
        if (msg)
            return msg;
    }
    if (json_object_size(av) > 1)
        return g_strdup(MANY_TYPES);
    return NULL;
}

char *ddb_item_check(json_t *item)
{
    const char *k;
    json_t *v;
    json_object_foreach(item, k, v) {
        char *msg = ddb_value_check(v, 1);
        if (msg)
            return msg;
    }
    return NULL;
}

/* ---- size ---- */

static size_t number_size(json_t *s)
{
    ddb_dec d;
    if (!json_is_string(s) || ddb_num_parse(json_string_value(s), json_string_length(s), &d) != DDB_NUM_OK)
        return json_string_length(s);
    return ddb_num_size(&d);
}

size_t ddb_value_size(json_t *av)
{
    json_t *p = ddb_value_payload(av);
    size_t n = 0, i;
    json_t *m;
    switch (ddb_value_type(av)) {
    case DDB_T_S:
    case DDB_T_B:
        return json_string_length(p);
    case DDB_T_N:
        return number_size(p);
    case DDB_T_BOOL:
    case DDB_T_NULL:
        return 1;
    case DDB_T_SS:
    case DDB_T_BS:
        json_array_foreach(p, i, m) n += json_string_length(m);
        return n;
    case DDB_T_NS:
        json_array_foreach(p, i, m) n += number_size(m);
        return n;
    case DDB_T_L:
        n = 3;
        json_array_foreach(p, i, m) n += 1 + ddb_value_size(m);
        return n;
    case DDB_T_M: {
        n = 3;
        const char *k;
        json_object_foreach(p, k, m) n += strlen(k) + 1 + ddb_value_size(m);
        return n;
    }
    case DDB_T_NONE:
        break;
    }
    return 0;
}

size_t ddb_item_size(json_t *item)
{
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(item, k, v) n += strlen(k) + ddb_value_size(v);
    return n;
}

/* ---- comparison ---- */

static bool bytes_equal(json_t *a, json_t *b)
{
    return json_string_length(a) == json_string_length(b) &&
           memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
}

static int bytes_cmp(json_t *a, json_t *b)
{
    size_t la = json_string_length(a), lb = json_string_length(b);
    int c = memcmp(json_string_value(a), json_string_value(b), la < lb ? la : lb);
    if (c)
        return c < 0 ? -1 : 1;
    return la == lb ? 0 : la < lb ? -1 : 1;
}

/* Stored and validated numbers are canonical, so equal numbers are equal
 * strings; anything else is compared by value. */
static bool numbers_equal(json_t *a, json_t *b)
{
    if (bytes_equal(a, b))
        return true;
    ddb_dec da, db;
    return ddb_num_parse(json_string_value(a), json_string_length(a), &da) == DDB_NUM_OK &&
           ddb_num_parse(json_string_value(b), json_string_length(b), &db) == DDB_NUM_OK && ddb_num_cmp(&da, &db) == 0;
}

/* The bytes a set member is told apart by: a number's canonical text (so
 * that "1.0" and "1" are one), anything else its bytes. */
static GBytes *member_key(json_t *m, bool numbers)
{
    ddb_dec d;
    if (numbers && ddb_num_parse(json_string_value(m), json_string_length(m), &d) == DDB_NUM_OK) {
        char *canon = ddb_num_to_string(&d);
        return g_bytes_new_take(canon, strlen(canon));
    }
    return g_bytes_new(json_string_value(m), json_string_length(m));
}

GHashTable *ddb_set_index_new(json_t *members, bool numbers)
{
    GHashTable *idx = g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m) if (json_is_string(m)) g_hash_table_add(idx, member_key(m, numbers));
    return idx;
}

bool ddb_set_index_add(GHashTable *idx, json_t *m, bool numbers)
{
    return g_hash_table_add(idx, member_key(m, numbers));
}

bool ddb_set_index_has(GHashTable *idx, json_t *m, bool numbers)
{
    GBytes *k = member_key(m, numbers);
    bool found = g_hash_table_contains(idx, k);
    g_bytes_unref(k);
    return found;
}

static guint bytes_hash(const char *s, size_t n)
{
    guint h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

guint ddb_json_hash(gconstpointer p)
{
    json_t *v = (json_t *)p;
    guint h = (guint)json_typeof(v) * 0x9e3779b9u;
    switch (json_typeof(v)) {
    case JSON_STRING:
        return h ^ bytes_hash(json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return h ^ (guint)json_integer_value(v) ^ (guint)((guint64)json_integer_value(v) >> 32);
    case JSON_REAL:
        return h ^ g_double_hash(&(gdouble){json_real_value(v)});
    case JSON_ARRAY: {
        size_t i;
        json_t *m;
        json_array_foreach(v, i, m) h = h * 31 + ddb_json_hash(m);
        return h;
    }
    case JSON_OBJECT: {
        /* a sum: the members' order does not matter */
        const char *k;
        json_t *m;
        json_object_foreach(v, k, m) h += bytes_hash(k, strlen(k)) * 31 ^ ddb_json_hash(m);
        return h;
    }
    default:
        return h;
    }
}

gboolean ddb_json_equal(gconstpointer a, gconstpointer b)
{
    return json_equal((json_t *)a, (json_t *)b);
}

bool ddb_value_equal(json_t *a, json_t *b)
{
    ddb_type t = ddb_value_type(a);
    if (t == DDB_T_NONE || t != ddb_value_type(b))
        return false;
    json_t *pa = ddb_value_payload(a), *pb = ddb_value_payload(b);
    size_t i;
    json_t *m;
    switch (t) {
    case DDB_T_S:
    case DDB_T_B:
        return bytes_equal(pa, pb);
    case DDB_T_N:
        return numbers_equal(pa, pb);
    case DDB_T_BOOL:
        return json_is_true(pa) == json_is_true(pb);
    case DDB_T_NULL:
        return true;
    case DDB_T_SS:
    case DDB_T_NS:
    case DDB_T_BS:
        if (json_array_size(pa) != json_array_size(pb))
            return false;
    {
        /* sets have no repeats: same size and every member of a in b */
        GHashTable *idx = ddb_set_index_new(pb, t == DDB_T_NS);
        bool same = true;
        json_array_foreach(pa, i, m) if (same && !ddb_set_index_has(idx, m, t == DDB_T_NS)) same = false;
        g_hash_table_destroy(idx);
        return same;
    }
    case DDB_T_L:
        if (json_array_size(pa) != json_array_size(pb))
            return false;
        json_array_foreach(pa, i, m) if (!ddb_value_equal(m, json_array_get(pb, i))) return false;
        return true;
    case DDB_T_M: {
        if (json_object_size(pa) != json_object_size(pb))
            return false;
        const char *k;
        json_object_foreach(pa, k, m) {
            json_t *o = json_object_get(pb, k);
            if (!o || !ddb_value_equal(m, o))
                return false;
        }
        return true;
    }
    case DDB_T_NONE:
        break;
    }
    return false;
}

int ddb_value_cmp(json_t *a, json_t *b)
{
    ddb_type t = ddb_value_type(a);
    if (t != ddb_value_type(b))
        return 0;
    json_t *pa = ddb_value_payload(a), *pb = ddb_value_payload(b);
    if (t == DDB_T_S || t == DDB_T_B)
        return bytes_cmp(pa, pb);
    if (t == DDB_T_N)
        return ddb_num_cmp_str(json_string_value(pa), json_string_value(pb));
    return 0;
}

bool ddb_value_dec(json_t *av, ddb_dec *out)
{
    json_t *p = ddb_value_payload(av);
    return ddb_value_type(av) == DDB_T_N && json_is_string(p) &&
           ddb_num_parse(json_string_value(p), json_string_length(p), out) == DDB_NUM_OK;
}

json_t *ddb_value_from_dec(const ddb_dec *d)
{
    char *s = ddb_num_to_string(d);
    json_t *v = ddb_value_new(DDB_T_N, json_string(s));
    g_free(s);
    return v;
}

/* ---- wire form ---- */

static bool base64_ok(const char *s, size_t len)
{
    if (len % 4)
        return false;
    size_t pad = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '=')
            pad++;
        else if (pad || !(g_ascii_isalnum(c) || c == '+' || c == '/'))
            return false;
    }
    return pad <= 2;
}

static json_t *from_base64(json_t *s, char **err)
{
    if (!json_is_string(s) || !base64_ok(json_string_value(s), json_string_length(s))) {
        *err = g_strdup("a binary value must be a base64 string");
        return NULL;
    }
    gsize n = 0;
    guchar *raw = g_base64_decode(json_string_value(s), &n);
    json_t *out = json_stringn_nocheck((const char *)raw, n);
    g_free(raw);
    return out;
}

json_t *ddb_value_from_wire(json_t *wire, char **err)
{
    if (!json_is_object(wire)) {
        *err = g_strdup("an attribute value must be an object such as {\"S\": \"text\"}");
        return NULL;
    }
    json_t *out = json_object();
    const char *key;
    json_t *v;
    json_object_foreach(wire, key, v) {
        ddb_type t = ddb_type_from_name(key);
        json_t *conv = NULL;
        switch (t) {
        case DDB_T_S:
        case DDB_T_N:
            if (json_is_string(v))
                conv = json_incref(v);
            break;
        case DDB_T_B:
            conv = from_base64(v, err);
            if (!conv) {
                json_decref(out);
                return NULL;
            }
            break;
        case DDB_T_BOOL:
        case DDB_T_NULL:
            if (json_is_boolean(v))
                conv = json_incref(v);
            break;
        case DDB_T_SS:
        case DDB_T_NS:
        case DDB_T_BS:
            if (json_is_array(v)) {
                conv = json_array();
                size_t i;
                json_t *m;
                json_array_foreach(v, i, m) {
                    json_t *c = t == DDB_T_BS ? from_base64(m, err) : json_is_string(m) ? json_incref(m) : NULL;
                    if (!c) {
                        if (!*err)
                            *err = g_strdup_printf("the members of a %s must be strings", key);
                        json_decref(conv);
                        json_decref(out);
                        return NULL;
                    }
                    json_array_append_new(conv, c);
                }
            }
            break;
        case DDB_T_L:
            if (json_is_array(v)) {
                conv = json_array();
                size_t i;
                json_t *m;
                json_array_foreach(v, i, m) {
                    json_t *c = ddb_value_from_wire(m, err);
                    if (!c) {
                        json_decref(conv);
                        json_decref(out);
                        return NULL;
                    }
                    json_array_append_new(conv, c);
                }
            }
            break;
        case DDB_T_M:
            if (json_is_object(v)) {
                conv = ddb_item_from_wire(v, err);
                if (!conv) {
                    json_decref(out);
                    return NULL;
                }
            }
            break;
        case DDB_T_NONE:
            *err = g_strdup_printf("unknown attribute value type \"%s\"", key);
            json_decref(out);
            return NULL;
        }
        if (!conv) {
            *err = g_strdup_printf("the %s member of an attribute value has the wrong JSON type", key);
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, key, conv);
    }
    return out;
}

json_t *ddb_item_from_wire(json_t *wire, char **err)
{
    if (!json_is_object(wire)) {
        *err = g_strdup("an item must be an object of attribute values");
        return NULL;
    }
    json_t *out = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(wire, k, v) {
        json_t *c = ddb_value_from_wire(v, err);
        if (!c) {
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, k, c);
    }
    return out;
}

static json_t *to_base64(json_t *s)
{
    char *b = g_base64_encode((const guchar *)json_string_value(s), json_string_length(s));
    json_t *out = json_string(b);
    g_free(b);
    return out;
}

json_t *ddb_value_to_wire(json_t *av)
{
    ddb_type t = ddb_value_type(av);
    json_t *p = ddb_value_payload(av);
    json_t *conv;
    size_t i;
    json_t *m;
    switch (t) {
    case DDB_T_B:
        conv = to_base64(p);
        break;
    case DDB_T_BS:
        conv = json_array();
        json_array_foreach(p, i, m) json_array_append_new(conv, to_base64(m));
        break;
    case DDB_T_L:
        conv = json_array();
        json_array_foreach(p, i, m) json_array_append_new(conv, ddb_value_to_wire(m));
        break;
    case DDB_T_M:
        conv = ddb_item_to_wire(p);
        break;
    case DDB_T_NONE:
        return json_object();
    default:
        conv = json_deep_copy(p);
        break;
    }
    return ddb_value_new(t, conv);
}

json_t *ddb_item_to_wire(json_t *item)
{
    json_t *out = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(item, k, v) json_object_set_new(out, k, ddb_value_to_wire(v));
    return out;
}

void ddb_value_render(GString *out, json_t *av)
{
    ddb_type t = ddb_value_type(av);
    json_t *p = ddb_value_payload(av);
    g_string_append_printf(out, "{%s:", ddb_type_name(t));
    switch (t) {
    case DDB_T_S:
    case DDB_T_N:
        g_string_append_len(out, json_string_value(p), (gssize)json_string_length(p));
        break;
    case DDB_T_B: {
        char *b = g_base64_encode((const guchar *)json_string_value(p), json_string_length(p));
        g_string_append(out, b);
        g_free(b);
        break;
    }
    case DDB_T_BOOL:
    case DDB_T_NULL:
        g_string_append(out, json_is_true(p) ? "true" : "false");
        break;
    case DDB_T_SS:
    case DDB_T_NS:
    case DDB_T_BS:
        render_list(out, p, t == DDB_T_BS);
        break;
    default:
        g_string_append(out, "...");
        break;
    }
    g_string_append_c(out, '}');
}
