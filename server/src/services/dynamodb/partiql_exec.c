#include "services/dynamodb/partiql_exec.h"

#include <string.h>

#include "services/dynamodb/item.h"
#include "services/dynamodb/partiql.h"
#include "services/dynamodb/query.h"
#include "services/dynamodb/request.h"
#include "services/dynamodb/table.h"
#include "services/dynamodb/transact.h"
#include "services/dynamodb/value.h"

#define DUPLICATE_ITEM "Duplicate primary key exists in table"
#define INCOMPLETE_KEY "Where clause does not contain a mandatory equality on all key attributes"

/* ---- expressions ---- */

/* The names and values of the expressions a statement becomes. */
typedef struct xb {
    json_t *names;  /* ExpressionAttributeNames */
    json_t *values; /* ExpressionAttributeValues */
    GHashTable *ph; /* attribute name -> its placeholder (both owned) */
    unsigned nv;
    json_t *params; /* the request's Parameters (borrowed) */
    char *err;      /* the first error (g_malloc'd) */
} xb;

static void xb_init(xb *x, json_t *params)
{
    x->names = json_object();
    x->values = json_object();
    x->ph = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    x->nv = 0;
    x->params = params;
    x->err = NULL;
}

static void xb_clear(xb *x)
{
    json_decref(x->names);
    json_decref(x->values);
    g_hash_table_destroy(x->ph);
    g_free(x->err);
}

static void xb_fail(xb *x, char *msg)
{
    if (x->err)
        g_free(msg);
    else
        x->err = msg;
}

static void xb_name(xb *x, GString *s, const char *name)
{
    const char *ph = g_hash_table_lookup(x->ph, name);
    if (!ph) {
        char *p = g_strdup_printf("#n%u", g_hash_table_size(x->ph));
        json_object_set_new(x->names, p, json_string(name));
        g_hash_table_insert(x->ph, g_strdup(name), p);
        ph = p;
    }
    g_string_append(s, ph);
}

static size_t kids_n(const ddb_pql_node *n)
{
    return n->kids ? n->kids->len : 0;
}

static const ddb_pql_node *kid(const ddb_pql_node *n, size_t i)
{
    return g_ptr_array_index(n->kids, i);
}

static void xb_path(xb *x, GString *s, const ddb_pql_node *p)
{
    for (size_t i = 0; i < kids_n(p); i++) {
        const ddb_pql_node *c = kid(p, i);
        if (c->kind == DDB_PQL_NUM) {
            g_string_append_printf(s, "[%ld]", c->num);
            continue;
        }
        if (i)
            g_string_append_c(s, '.');
        xb_name(x, s, c->text);
    }
}

static void xb_value(xb *x, GString *s, const ddb_pql_node *v, const char *key)
{
    char *err = NULL;
    json_t *av = ddb_pql_value(v, x->params, key, &err);
    if (!av) {
        xb_fail(x, err);
        return;
    }
    char *ph = g_strdup_printf(":v%u", x->nv++);
    json_object_set_new(x->values, ph, av);
    g_string_append(s, ph);
    g_free(ph);
}

/* A path, a value or size(path): the operands of comparisons. */
static void xb_operand(xb *x, GString *s, const ddb_pql_node *n)
{
    if (n->kind == DDB_PQL_PATH)
        xb_path(x, s, n);
    else if (ddb_pql_is_value(n))
        xb_value(x, s, n, NULL);
    else if (n->kind == DDB_PQL_CALL && strcmp(n->text, "size") == 0 && kids_n(n) == 1 &&
             kid(n, 0)->kind == DDB_PQL_PATH) {
        g_string_append(s, "size(");
        xb_path(x, s, kid(n, 0));
        g_string_append_c(s, ')');
    } else if (n->kind == DDB_PQL_MISSING)
        xb_fail(x, g_strdup("MISSING must be compared using IS operator"));
    else if (n->kind == DDB_PQL_CALL)
        xb_fail(x, g_strdup_printf("Unrecognized function: %s", n->text));
    else
        xb_fail(x, g_strdup_printf("Unsupported operator in Condition Expression. Operator: %s",
                                   n->text ? n->text : "expression"));
}

/* IS's types, and DynamoDB's type names for attribute_type. */
static const char *const IS_TYPES[][2] = {
    {"NULL", "NULL"}, {"BOOLEAN", "BOOL"}, {"BLOB", "B"}, {"STRING", "S"},
    {"NUMERIC", "N"}, {"STRUCT", "M"},     {"TUPLE", "M"}, {"LIST", "L"},
};

static void xb_cond(xb *x, GString *s, const ddb_pql_node *n);

static bool compound(const ddb_pql_node *n)
{
    return n->kind == DDB_PQL_AND || n->kind == DDB_PQL_OR || n->kind == DDB_PQL_NOT;
}

/* A condition inside another: parenthesized when it is one of several. */
static void xb_sub(xb *x, GString *s, const ddb_pql_node *n)
{
    bool wrap = compound(n);
    if (wrap)
        g_string_append_c(s, '(');
    xb_cond(x, s, n);
    if (wrap)
        g_string_append_c(s, ')');
}

static void xb_is(xb *x, GString *s, const ddb_pql_node *n)
{
    const ddb_pql_node *p = kid(n, 0);
    if (p->kind != DDB_PQL_PATH) {
        xb_fail(x, g_strdup("The left hand side argument to IS must be a Variable Reference, Literal, or Path"));
        return;
    }
    if (strcmp(n->text, "MISSING") == 0) {
        g_string_append(s, n->num ? "attribute_exists(" : "attribute_not_exists(");
        xb_path(x, s, p);
        g_string_append_c(s, ')');
        return;
    }
    const char *type = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(IS_TYPES) && !type; i++)
        if (strcmp(n->text, IS_TYPES[i][0]) == 0)
            type = IS_TYPES[i][1];
    if (!type) {
        xb_fail(x, g_strdup_printf("Unsupported data type for IS operator: %s. Supported data types are [MISSING, "
                                   "NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]",
                                   n->text));
        return;
    }
    if (n->num)
        g_string_append(s, "NOT ");
    g_string_append(s, "attribute_type(");
    xb_path(x, s, p);
    char *ph = g_strdup_printf(":v%u", x->nv++);
    json_object_set_new(x->values, ph, json_pack("{s:s}", "S", type));
    g_string_append_printf(s, ", %s)", ph);
    g_free(ph);
}

/* The functions of DynamoDB's conditions that PartiQL calls as they are. */
static const char *const COND_FUNCS[] = {"begins_with", "contains", "attribute_exists", "attribute_not_exists",
                                         "attribute_type"};

static void xb_cond(xb *x, GString *s, const ddb_pql_node *n)
{
    if (x->err)
        return;
    switch (n->kind) {
    case DDB_PQL_AND:
    case DDB_PQL_OR:
        for (size_t i = 0; i < kids_n(n); i++) {
            if (i)
                g_string_append(s, n->kind == DDB_PQL_AND ? " AND " : " OR ");
            xb_sub(x, s, kid(n, i));
        }
        return;
    case DDB_PQL_NOT:
        g_string_append(s, "NOT (");
        xb_cond(x, s, kid(n, 0));
        g_string_append_c(s, ')');
        return;
    case DDB_PQL_CMP:
        xb_operand(x, s, kid(n, 0));
        g_string_append_printf(s, " %s ", n->text);
        xb_operand(x, s, kid(n, 1));
        return;
    case DDB_PQL_BETWEEN:
        xb_operand(x, s, kid(n, 0));
        g_string_append(s, " BETWEEN ");
        xb_operand(x, s, kid(n, 1));
        g_string_append(s, " AND ");
        xb_operand(x, s, kid(n, 2));
        return;
    case DDB_PQL_IN:
        if (kid(n, 0)->kind != DDB_PQL_PATH) {
            xb_fail(x, g_strdup("IN operator must have a left hand argument of type Variable Reference and right "
                                "hand argument of type Seq with at least one member"));
            return;
        }
        xb_operand(x, s, kid(n, 0));
        g_string_append(s, " IN (");
        for (size_t i = 1; i < kids_n(n); i++) {
            if (i > 1)
                g_string_append(s, ", ");
            xb_operand(x, s, kid(n, i));
        }
        g_string_append_c(s, ')');
        return;
    case DDB_PQL_IS:
        xb_is(x, s, n);
        return;
    case DDB_PQL_CALL:
        for (size_t i = 0; i < G_N_ELEMENTS(COND_FUNCS); i++) {
            if (strcmp(n->text, COND_FUNCS[i]) == 0) {
                g_string_append_printf(s, "%s(", n->text);
                for (size_t k = 0; k < kids_n(n); k++) {
                    if (k)
                        g_string_append(s, ", ");
                    xb_operand(x, s, kid(n, k));
                }
                g_string_append_c(s, ')');
                return;
            }
        }
        xb_fail(x, g_strdup_printf("Unrecognized function: %s", n->text));
        return;
    default:
        xb_fail(x, g_strdup("WHERE clause must contain an expression that resolves to a boolean"));
        return;
    }
}

/* The conditions of a WHERE joined by AND. */
static char *xb_conds(xb *x, GPtrArray *conds, const char *prefix)
{
    GString *s = g_string_new(prefix);
    for (size_t i = 0; i < conds->len; i++) {
        if (s->len)
            g_string_append(s, " AND ");
        xb_sub(x, s, g_ptr_array_index(conds, i));
    }
    if (!s->len) {
        g_string_free(s, TRUE);
        return NULL;
    }
    return g_string_free(s, FALSE);
}

/* Puts names and values into a request, when there are any. */
static void xb_into(xb *x, json_t *in)
{
    if (json_object_size(x->names))
        json_object_set(in, "ExpressionAttributeNames", x->names);
    if (json_object_size(x->values))
        json_object_set(in, "ExpressionAttributeValues", x->values);
}

/* A SELECT's list of paths as the request's ProjectionExpression. */
static void xb_projection(xb *x, const ddb_pql_stmt *s, json_t *in)
{
    if (!s->proj)
        return;
    GString *pe = g_string_new(NULL);
    for (size_t i = 0; i < s->proj->len; i++) {
        if (i)
            g_string_append(pe, ", ");
        xb_path(x, pe, g_ptr_array_index(s->proj, i));
    }
    json_object_set_new(in, "ProjectionExpression", json_string(pe->str));
    g_string_free(pe, TRUE);
}

/* ---- WHERE and keys ---- */

/* The conditions a WHERE is the AND of (borrowed nodes). */
static GPtrArray *conjuncts(const ddb_pql_node *where)
{
    GPtrArray *out = g_ptr_array_new();
    if (!where)
        return out;
    if (where->kind == DDB_PQL_AND)
        for (size_t i = 0; i < kids_n(where); i++)
            g_ptr_array_add(out, (gpointer)kid(where, i));
    else
        g_ptr_array_add(out, (gpointer)where);
    return out;
}

/* The value of `name = value` (either way round), or NULL. */
static const ddb_pql_node *eq_value(const ddb_pql_node *c, const char *name)
{
    if (!name || c->kind != DDB_PQL_CMP || strcmp(c->text, "=") != 0)
        return NULL;
    for (int side = 0; side < 2; side++) {
        const char *n = ddb_pql_simple_name(kid(c, (size_t)side));
        if (n && strcmp(n, name) == 0 && ddb_pql_is_value(kid(c, (size_t)!side)))
            return kid(c, (size_t)!side);
    }
    return NULL;
}

/* `name IN [values]`: the node, or NULL. */
static const ddb_pql_node *in_values(const ddb_pql_node *c, const char *name)
{
    if (!name || c->kind != DDB_PQL_IN || g_strcmp0(ddb_pql_simple_name(kid(c, 0)), name) != 0)
        return NULL;
    for (size_t i = 1; i < kids_n(c); i++)
        if (!ddb_pql_is_value(kid(c, i)))
            return NULL;
    return c;
}

static int av_cmp(gconstpointer a, gconstpointer b, gpointer desc)
{
    int r = ddb_value_cmp(*(json_t *const *)a, *(json_t *const *)b);
    return desc ? -r : r;
}

/* The distinct values of pk IN [...], in the list's order or sorted (an
 * ORDER BY on the partition key): a new list, or NULL with x->err. */
static json_t *partition_keys(xb *x, const ddb_pql_node *in, const char *name, bool sorted, bool desc)
{
    GPtrArray *vals = g_ptr_array_new_with_free_func((GDestroyNotify)json_decref);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
    for (size_t i = 1; i < kids_n(in) && !x->err; i++) {
        char *err = NULL;
        json_t *v = ddb_pql_value(kid(in, i), x->params, name, &err);
        if (!v) {
            xb_fail(x, err);
            break;
        }
        /* distinct by the value's text (binaries base64, numbers as written
         * may differ: "1" and "1.0" are one key, so canonical first) */
        char *m = ddb_value_check(v, 1);
        if (m) {
            xb_fail(x, m);
            json_decref(v);
            break;
        }
        json_t *w = ddb_value_to_wire(v);
        char *text = json_dumps(w, JSON_COMPACT | JSON_ENCODE_ANY);
        json_decref(w);
        if (text && g_hash_table_add(seen, text))
            g_ptr_array_add(vals, v);
        else {
            if (!text)
                xb_fail(x, g_strdup_printf("Unsupported data type: %s under key %s", "value", name));
            json_decref(v);
        }
    }
    g_hash_table_destroy(seen);
    if (x->err) {
        g_ptr_array_free(vals, TRUE);
        return NULL;
    }
    if (sorted)
        g_ptr_array_sort_with_data(vals, av_cmp, GINT_TO_POINTER(desc));
    json_t *out = json_array();
    for (size_t i = 0; i < vals->len; i++)
        json_array_append(out, g_ptr_array_index(vals, i));
    g_ptr_array_free(vals, TRUE);
    return out;
}

/* Whether a condition reads the top-level attribute name anywhere. */
static bool mentions(const ddb_pql_node *n, const char *name)
{
    if (!name)
        return false;
    if (n->kind == DDB_PQL_PATH)
        return strcmp(kid(n, 0)->text, name) == 0;
    for (size_t i = 0; i < kids_n(n); i++)
        if (mentions(kid(n, i), name))
            return true;
    return false;
}

/* The Key map that the WHERE's equalities name, the other conditions in
 * rest; NULL and c->err when the key is not whole. */
static json_t *where_key(svc_call *c, const ddb_pql_node *where, const ddb_keydef *hash, const ddb_keydef *range,
                         json_t *params, GPtrArray *rest)
{
    GPtrArray *cs = conjuncts(where);
    json_t *key = json_object();
    char *err = NULL;
    for (size_t i = 0; i < cs->len && !err; i++) {
        const ddb_pql_node *cn = g_ptr_array_index(cs, i);
        const ddb_keydef *kd = NULL;
        const ddb_pql_node *v = NULL;
        if ((v = eq_value(cn, hash->name)))
            kd = hash;
        else if ((v = eq_value(cn, range->name)))
            kd = range;
        if (!kd) {
            g_ptr_array_add(rest, (gpointer)cn);
            continue;
        }
        if (json_object_get(key, kd->name)) {
            err = g_strdup_printf("Multiple conditions on same key %s. Only single item Update/Insert/Delete are "
                                  "supported",
                                  kd->name);
            break;
        }
        json_t *av = ddb_pql_value(v, params, kd->name, &err);
        if (av)
            json_object_set_new(key, kd->name, av);
    }
    g_ptr_array_free(cs, TRUE);
    if (!err && (!json_object_get(key, hash->name) || (range->name && !json_object_get(key, range->name))))
        err = g_strdup(INCOMPLETE_KEY);
    if (err) {
        ddb_validation_take(c, err);
        json_decref(key);
        return NULL;
    }
    return key;
}

/* ---- plans: a statement as the request of an item operation ---- */

typedef struct plan {
    ddb_pql_stmt *stmt;  /* owned */
    ddb_table *t;
    const char *op;      /* "Query", "PutItem", ... */
    svc_handler fn;
    json_t *in;          /* the request (owned) */
    json_t *keys;        /* a SELECT with pk IN [...]: the partition keys, one
                            Query each with its :k0 (owned), or NULL */
} plan;

static void plan_clear(plan *p)
{
    ddb_pql_free(p->stmt);
    json_decref(p->in);
    json_decref(p->keys);
    memset(p, 0, sizeof *p);
}

static bool is_read(const ddb_pql_stmt *s)
{
    return s->kind == DDB_PQL_SELECT;
}

static int xb_done(svc_call *c, xb *x)
{
    if (!x->err)
        return 0;
    ddb_validation_take(c, x->err);
    x->err = NULL;
    return -1;
}

/* A sort key condition as a key condition has it: the key on the left
 * ("5 < sk" is "sk > 5"). */
static void xb_key_cond(xb *x, GString *s, const ddb_pql_node *n)
{
    static const char *const flips[][2] = {{"=", "="}, {"<", ">"}, {"<=", ">="}, {">", "<"}, {">=", "<="}};
    if (n->kind != DDB_PQL_CMP || kid(n, 0)->kind == DDB_PQL_PATH) {
        xb_cond(x, s, n);
        return;
    }
    const char *op = n->text;
    for (size_t i = 0; i < G_N_ELEMENTS(flips); i++)
        if (strcmp(n->text, flips[i][0]) == 0)
            op = flips[i][1];
    xb_operand(x, s, kid(n, 1));
    g_string_append_printf(s, " %s ", op);
    xb_operand(x, s, kid(n, 0));
}

/* The Query (or Scan) of a SELECT. */
static int plan_select(svc_call *c, plan *p, json_t *params, xb *x)
{
    ddb_pql_stmt *s = p->stmt;
    const ddb_keydef *hash = &p->t->hash, *range = &p->t->range;
    if (s->index) {
        ddb_index *ix = ddb_table_index(p->t, s->index);
        if (ix) {
            hash = &ix->hash;
            range = &ix->range;
        }
        json_object_set_new(p->in, "IndexName", json_string(s->index));
    }
    GPtrArray *cs = conjuncts(s->where);
    GPtrArray *rest = g_ptr_array_new();
    const ddb_pql_node *hv = NULL, *rc = NULL;
    for (size_t i = 0; i < cs->len; i++) {
        const ddb_pql_node *cn = g_ptr_array_index(cs, i);
        if (!hv && ((hv = eq_value(cn, hash->name)) || (hv = in_values(cn, hash->name))))
            continue;
        g_ptr_array_add(rest, (gpointer)cn);
    }
    /* a Query may filter on no key attribute: the first condition on the
     * sort key joins the key condition, and any other makes it a Scan */
    for (size_t i = 0; hv && range->name && i < rest->len && !rc; i++) {
        const ddb_pql_node *cn = g_ptr_array_index(rest, i);
        bool on_range = false;
        if (cn->kind == DDB_PQL_CMP && strcmp(cn->text, "<>") != 0)
            on_range = (ddb_pql_simple_name(kid(cn, 0)) && ddb_pql_is_value(kid(cn, 1)) &&
                        strcmp(ddb_pql_simple_name(kid(cn, 0)), range->name) == 0) ||
                       (ddb_pql_simple_name(kid(cn, 1)) && ddb_pql_is_value(kid(cn, 0)) &&
                        strcmp(ddb_pql_simple_name(kid(cn, 1)), range->name) == 0);
        else if (cn->kind == DDB_PQL_BETWEEN)
            on_range = ddb_pql_simple_name(kid(cn, 0)) && strcmp(ddb_pql_simple_name(kid(cn, 0)), range->name) == 0 &&
                       ddb_pql_is_value(kid(cn, 1)) && ddb_pql_is_value(kid(cn, 2));
        else if (cn->kind == DDB_PQL_CALL && strcmp(cn->text, "begins_with") == 0 && kids_n(cn) == 2)
            on_range = ddb_pql_simple_name(kid(cn, 0)) &&
                       strcmp(ddb_pql_simple_name(kid(cn, 0)), range->name) == 0 && ddb_pql_is_value(kid(cn, 1));
        if (on_range) {
            rc = cn;
            g_ptr_array_remove_index(rest, (guint)i);
        }
    }
    for (size_t i = 0; hv && i < rest->len; i++) {
        const ddb_pql_node *cn = g_ptr_array_index(rest, i);
        if (mentions(cn, hash->name) || mentions(cn, range->name))
            hv = NULL;
    }
    bool query = hv != NULL;
    bool many = query && hv->kind == DDB_PQL_IN;
    if (s->order) {
        if (!query) {
            g_ptr_array_free(cs, TRUE);
            g_ptr_array_free(rest, TRUE);
            return ddb_validation(c, "Must have at least one non-optional hash key condition in WHERE clause when "
                                     "using ORDER BY clause.");
        }
        for (size_t i = 0; i < s->order->len; i++) {
            ddb_pql_order *o = &g_array_index(s->order, ddb_pql_order, i);
            if (g_strcmp0(o->name, hash->name) != 0 && g_strcmp0(o->name, range->name) != 0) {
                g_ptr_array_free(cs, TRUE);
                g_ptr_array_free(rest, TRUE);
                return ddb_validation(c, "Variable reference %s in ORDER BY clause must be part of the primary key",
                                      o->name);
            }
            if (g_strcmp0(o->name, range->name) == 0 || !range->name)
                json_object_set_new(p->in, "ScanIndexForward", json_boolean(!o->desc));
        }
        if (many && g_strcmp0(g_array_index(s->order, ddb_pql_order, 0).name, hash->name) != 0) {
            g_ptr_array_free(cs, TRUE);
            g_ptr_array_free(rest, TRUE);
            return ddb_validation(c, "Must have hash key in ORDER BY clause when more than one hash key condition "
                                     "specified in WHERE clause.");
        }
    }
    if (query) {
        GString *k = g_string_new(NULL);
        xb_name(x, k, hash->name);
        g_string_append(k, " = ");
        if (many) {
            bool desc = s->order && g_array_index(s->order, ddb_pql_order, 0).desc;
            p->keys = partition_keys(x, hv, hash->name, s->order != NULL, desc);
            if (p->keys)
                json_object_set(x->values, ":k0", json_array_get(p->keys, 0));
            g_string_append(k, ":k0");
        } else {
            xb_value(x, k, hv, hash->name);
        }
        if (rc) {
            g_string_append(k, " AND ");
            xb_key_cond(x, k, rc);
        }
        json_object_set_new(p->in, "KeyConditionExpression", json_string(k->str));
        g_string_free(k, TRUE);
        char *f = xb_conds(x, rest, "");
        if (f)
            json_object_set_new(p->in, "FilterExpression", json_string(f));
        g_free(f);
    } else if (s->where) {
        GString *f = g_string_new(NULL);
        xb_cond(x, f, s->where);
        json_object_set_new(p->in, "FilterExpression", json_string(f->str));
        g_string_free(f, TRUE);
    }
    g_ptr_array_free(cs, TRUE);
    g_ptr_array_free(rest, TRUE);
    xb_projection(x, s, p->in);
    p->op = query ? "Query" : "Scan";
    p->fn = query ? ddb_query : ddb_scan;
    return xb_done(c, x);
}

/* One SET value: a value, a path, a + b, list_append(a, b). */
static void xb_set_value(xb *x, GString *s, const ddb_pql_node *v)
{
    if (v->kind == DDB_PQL_ARITH) {
        xb_operand(x, s, kid(v, 0));
        g_string_append_printf(s, " %s ", v->text);
        xb_operand(x, s, kid(v, 1));
    } else if (v->kind == DDB_PQL_CALL && strcmp(v->text, "list_append") == 0 && kids_n(v) == 2) {
        g_string_append(s, "list_append(");
        xb_operand(x, s, kid(v, 0));
        g_string_append(s, ", ");
        xb_operand(x, s, kid(v, 1));
        g_string_append_c(s, ')');
    } else if (v->kind == DDB_PQL_PATH || ddb_pql_is_value(v)) {
        xb_operand(x, s, v);
    } else if (v->kind == DDB_PQL_CALL) {
        xb_fail(x, g_strdup_printf("Unrecognized function: %s", v->text));
    } else {
        xb_fail(x, g_strdup_printf("Unsupported operator in Update Expression. Operator: %s",
                                   v->text ? v->text : "expression"));
    }
}

/* Whether two paths are the same path. */
static bool same_path(const ddb_pql_node *a, const ddb_pql_node *b)
{
    if (a->kind != DDB_PQL_PATH || b->kind != DDB_PQL_PATH || kids_n(a) != kids_n(b))
        return false;
    for (size_t i = 0; i < kids_n(a); i++)
        if (kid(a, i)->kind != kid(b, i)->kind || strcmp(kid(a, i)->text, kid(b, i)->text) != 0)
            return false;
    return true;
}

/* SET path = set_add(path, <<..>>): ADD (DELETE for set_delete). */
static bool xb_set_op(xb *x, GString *out, const ddb_pql_action *a)
{
    const ddb_pql_node *v = a->value;
    const char *op = v->kind == DDB_PQL_CALL ? v->text : "";
    if (strcmp(op, "set_add") != 0 && strcmp(op, "set_delete") != 0)
        return false;
    const char *up = strcmp(op, "set_add") == 0 ? "ADD" : "DELETE";
    if (kids_n(v) != 2)
        xb_fail(x, g_strdup_printf("SET_%s must have exactly two arguments", up));
    else if (!same_path(kid(v, 0), a->path))
        xb_fail(x, g_strdup_printf("The first argument to SET_%s must equal the assignment value", up));
    else if (kid(v, 1)->kind != DDB_PQL_BAG && kid(v, 1)->kind != DDB_PQL_PARAM)
        xb_fail(x, g_strdup_printf("The second argument to SET_%s must be a value with type SET", up));
    if (x->err)
        return true;
    if (out->len)
        g_string_append(out, ", ");
    xb_path(x, out, a->path);
    g_string_append_c(out, ' ');
    xb_value(x, out, kid(v, 1), NULL);
    return true;
}

static char *update_expression(xb *x, const ddb_pql_stmt *s)
{
    GString *set = g_string_new(NULL), *rem = g_string_new(NULL), *add = g_string_new(NULL),
            *del = g_string_new(NULL);
    for (size_t i = 0; i < s->actions->len && !x->err; i++) {
        const ddb_pql_action *a = &g_array_index(s->actions, ddb_pql_action, i);
        if (a->remove) {
            if (rem->len)
                g_string_append(rem, ", ");
            xb_path(x, rem, a->path);
            continue;
        }
        bool is_add = a->value->kind == DDB_PQL_CALL && strcmp(a->value->text, "set_add") == 0;
        if (xb_set_op(x, is_add ? add : del, a))
            continue;
        if (set->len)
            g_string_append(set, ", ");
        xb_path(x, set, a->path);
        g_string_append(set, " = ");
        xb_set_value(x, set, a->value);
    }
    GString *all = g_string_new(NULL);
    const char *const kw[] = {"SET", "REMOVE", "ADD", "DELETE"};
    GString *parts[] = {set, rem, add, del};
    for (size_t i = 0; i < G_N_ELEMENTS(parts); i++) {
        if (parts[i]->len)
            g_string_append_printf(all, "%s%s %s", all->len ? " " : "", kw[i], parts[i]->str);
        g_string_free(parts[i], TRUE);
    }
    return g_string_free(all, FALSE);
}

/* The request of a write (PutItem, UpdateItem, DeleteItem) or of a
 * transaction's ConditionCheck. */
static int plan_write(svc_call *c, plan *p, json_t *params, xb *x)
{
    ddb_pql_stmt *s = p->stmt;
    GString *ph = g_string_new(NULL);
    if (s->kind == DDB_PQL_INSERT) {
        xb_name(x, ph, p->t->hash.name);
        char *err = NULL;
        json_t *item = ddb_pql_value(s->item, params, NULL, &err);
        if (!item) {
            g_string_free(ph, TRUE);
            return ddb_validation_take(c, err);
        }
        json_t *m = json_incref(ddb_value_payload(item));
        json_decref(item);
        const ddb_keydef *keys[] = {&p->t->hash, &p->t->range};
        for (size_t i = 0; i < 2; i++) {
            if (keys[i]->name && !json_object_get(m, keys[i]->name)) {
                json_decref(m);
                g_string_free(ph, TRUE);
                return ddb_validation(c, "One or more parameter values were invalid: Missing the key %s in the item",
                                      keys[i]->name);
            }
        }
        json_object_set_new(p->in, "Item", m);
        g_string_prepend(ph, "attribute_not_exists(");
        g_string_append_c(ph, ')');
        json_object_set_new(p->in, "ConditionExpression", json_string(ph->str));
        g_string_free(ph, TRUE);
        p->op = "PutItem";
        p->fn = ddb_put_item;
        return xb_done(c, x);
    }
    GPtrArray *rest = g_ptr_array_new();
    json_t *key = where_key(c, s->where, &p->t->hash, &p->t->range, params, rest);
    if (!key) {
        g_ptr_array_free(rest, TRUE);
        g_string_free(ph, TRUE);
        return -1;
    }
    json_object_set_new(p->in, "Key", key);
    char *cond = NULL;
    if (s->kind == DDB_PQL_UPDATE || s->kind == DDB_PQL_EXISTS) {
        /* an UPDATE changes an item that is there; it never creates one */
        xb_name(x, ph, p->t->hash.name);
        g_string_prepend(ph, "attribute_exists(");
        g_string_append_c(ph, ')');
        cond = xb_conds(x, rest, ph->str);
    } else if (rest->len) {
        /* a DELETE of an item that is not there is no error */
        xb_name(x, ph, p->t->hash.name);
        g_string_prepend(ph, "attribute_not_exists(");
        g_string_append(ph, ") OR (");
        char *c2 = xb_conds(x, rest, "");
        cond = g_strconcat(ph->str, c2, ")", NULL);
        g_free(c2);
    }
    g_string_free(ph, TRUE);
    g_ptr_array_free(rest, TRUE);
    if (cond)
        json_object_set_new(p->in, "ConditionExpression", json_string(cond));
    g_free(cond);
    if (s->kind == DDB_PQL_UPDATE) {
        char *u = update_expression(x, s);
        json_object_set_new(p->in, "UpdateExpression", json_string(u));
        g_free(u);
        p->op = "UpdateItem";
        p->fn = ddb_update_item;
    } else {
        p->op = s->kind == DDB_PQL_EXISTS ? "ConditionCheck" : "DeleteItem";
        p->fn = ddb_delete_item;
    }
    return xb_done(c, x);
}

/* Reads and plans one statement with its parameters. 0, or -1 with c->err. */
static int plan_make(svc_call *c, plan *p, json_t *statement, json_t *params)
{
    memset(p, 0, sizeof *p);
    if (!json_is_string(statement))
        return ddb_validation(c, "Statement wasn't well formed, can't be processed: Expected data manipulation");
    char *err = NULL;
    /* the whole string: a NUL inside is read as what it is */
    p->stmt = ddb_pql_parse(json_string_value(statement), json_string_length(statement), &err);
    if (!p->stmt)
        return ddb_validation_take(c, err);
    if (p->stmt->nparams != json_array_size(params))
        return ddb_validation(c, "Number of parameters in request and statement don't match.");
    if (p->stmt->kind != DDB_PQL_SELECT && p->stmt->index)
        return ddb_validation(c, "This operation is not supported on an index");
    p->t = ddb_usable_table(c, p->stmt->table);
    if (!p->t)
        return -1;
    p->in = json_pack("{s:s}", "TableName", p->stmt->table);
    xb x;
    xb_init(&x, params);
    int rc = is_read(p->stmt) ? plan_select(c, p, params, &x) : plan_write(c, p, params, &x);
    if (rc == 0)
        xb_into(&x, p->in);
    xb_clear(&x);
    return rc;
}

/* A SELECT as a GetItem of the item its WHERE names by its whole key, for
 * batches and transactions. 0, or -1 with c->err (message: what to say
 * when the key is not whole). */
static int plan_get(svc_call *c, plan *p, json_t *params, const char *message)
{
    ddb_pql_stmt *s = p->stmt;
    GPtrArray *rest = g_ptr_array_new();
    json_t *key = where_key(c, s->where, &p->t->hash, &p->t->range, params, rest);
    bool extra = rest->len > 0;
    g_ptr_array_free(rest, TRUE);
    if (!key || extra || s->index) {
        json_decref(key);
        aws_error_clear(&c->err);
        return ddb_validation(c, "%s", s->index ? "Reads on indices are not supported within transactions." : message);
    }
    json_t *in = json_pack("{s:s, s:o}", "TableName", s->table, "Key", key);
    xb x;
    xb_init(&x, params);
    xb_projection(&x, s, in);
    xb_into(&x, in);
    xb_clear(&x);
    json_decref(p->in);
    p->in = in;
    p->op = "GetItem";
    p->fn = ddb_get_item;
    return 0;
}

/* ---- calls ---- */

/* Runs an operation's handler on another request, as part of this call. */
static int subcall(svc_call *c, svc_handler fn, const char *op, json_t *in, json_t **out)
{
    svc_call sub = *c;
    sub.operation = op;
    sub.input = in;
    sub.output = NULL;
    sub.err = (aws_error)AWS_ERROR_INIT;
    sub.resource = NULL;
    int rc = fn(&sub);
    g_free(sub.resource);
    if (rc != 0) {
        aws_error_move(&c->err, &sub.err);
        json_decref(sub.output);
        return -1;
    }
    *out = sub.output ? sub.output : json_object();
    return 0;
}

static void copy_member(json_t *to, json_t *from, const char *name)
{
    json_t *v = json_object_get(from, name);
    if (v)
        json_object_set(to, name, v);
}

/* ---- NextToken ---- */

static char *statement_digest(const char *text)
{
    return g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
}

/* Where the next page starts: the key to go on from (NULL: the start of
 * the partition) in the part-th partition key of an IN (0 otherwise). */
static char *token_encode(json_t *last_key, size_t part, const char *text)
{
    char *digest = statement_digest(text);
    json_t *t = json_pack("{s:s, s:I}", "d", digest, "i", (json_int_t)part);
    if (last_key)
        json_object_set_new(t, "k", ddb_item_to_wire(last_key));
    char *raw = json_dumps(t, JSON_COMPACT | JSON_SORT_KEYS);
    char *tok = g_base64_encode((const guchar *)raw, strlen(raw));
    free(raw);
    json_decref(t);
    g_free(digest);
    return tok;
}

/* A NextToken read back: its start key (*key, NULL for none) and part
 * (below nparts). 0, or -1 with c->err. */
static int token_decode(svc_call *c, const char *tok, const char *text, size_t nparts, json_t **key, size_t *part)
{
    gsize n = 0;
    guchar *raw = g_base64_decode(tok, &n);
    json_t *t = raw && n ? json_loadb((const char *)raw, n, 0, NULL) : NULL;
    g_free(raw);
    const char *d = svc_str(t, "d");
    json_t *k = json_object_get(t, "k"), *i = json_object_get(t, "i");
    char *m = NULL;
    *key = d && json_is_object(k) ? ddb_item_from_wire(k, &m) : NULL;
    g_free(m);
    bool ok = d && json_is_integer(i) && json_integer_value(i) >= 0 && (size_t)json_integer_value(i) < nparts &&
              (*key || !k);
    if (!ok) {
        json_decref(*key);
        *key = NULL;
        json_decref(t);
        return ddb_validation(c, "Invalid NextToken");
    }
    *part = (size_t)json_integer_value(i);
    char *digest = statement_digest(text);
    bool same = strcmp(digest, d) == 0;
    g_free(digest);
    json_decref(t);
    if (!same) {
        json_decref(*key);
        *key = NULL;
        return ddb_validation(c, "NextToken does not match request");
    }
    return 0;
}

/* ---- ExecuteStatement ---- */

static const char *const RETURN_VALUES[] = {"NONE", "ALL_OLD", "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"};

/* A write's answer: Items, with the item RETURNING asked for. */
static json_t *write_output(json_t *sub)
{
    json_t *items = json_array();
    json_t *attrs = json_object_get(sub, "Attributes");
    if (json_object_size(attrs))
        json_array_append(items, attrs);
    json_t *out = json_pack("{s:o}", "Items", items);
    copy_member(out, sub, "ConsumedCapacity");
    return out;
}

/* A SELECT: its Query or Scan, or one Query per partition key of an IN
 * until the page is full, with the NextToken of where it stopped. */
static int run_read(svc_call *c, plan *p, json_t *in, const char *text, json_t **out)
{
    copy_member(p->in, in, "ConsistentRead");
    size_t nparts = p->keys ? json_array_size(p->keys) : 1, part = 0;
    json_t *esk = NULL;
    const char *tok = svc_str(in, "NextToken");
    if (tok && token_decode(c, tok, text, nparts, &esk, &part) != 0)
        return -1;
    json_int_t limit = json_integer_value(json_object_get(in, "Limit")), got = 0;
    json_t *items = json_array(), *cc = NULL;
    char *next = NULL;
    int rc = 0;
    for (; part < nparts; part++) {
        if (p->keys)
            json_object_set(json_object_get(p->in, "ExpressionAttributeValues"), ":k0",
                            json_array_get(p->keys, part));
        if (esk)
            json_object_set_new(p->in, "ExclusiveStartKey", esk);
        else
            json_object_del(p->in, "ExclusiveStartKey");
        esk = NULL;
        if (limit)
            json_object_set_new(p->in, "Limit", json_integer(limit - got));
        json_t *sub;
        if ((rc = subcall(c, p->fn, p->op, p->in, &sub)) != 0)
            break;
        json_array_extend(items, json_object_get(sub, "Items"));
        got += (json_int_t)json_array_size(json_object_get(sub, "Items"));
        json_t *sc = json_object_get(sub, "ConsumedCapacity");
        if (sc && !cc)
            cc = json_deep_copy(sc);
        else if (sc)
            json_object_set_new(cc, "CapacityUnits",
                                json_real(json_number_value(json_object_get(cc, "CapacityUnits")) +
                                          json_number_value(json_object_get(sc, "CapacityUnits"))));
        json_t *lek = json_object_get(sub, "LastEvaluatedKey");
        if (lek)
            next = token_encode(lek, part, text);
        else if (limit && got >= limit && part + 1 < nparts)
            next = token_encode(NULL, part + 1, text);
        json_decref(sub);
        if (next)
            break;
    }
    if (rc != 0) {
        json_decref(items);
        json_decref(cc);
        return -1;
    }
    json_t *o = json_pack("{s:o}", "Items", items);
    if (next)
        json_object_set_new(o, "NextToken", json_string(next));
    g_free(next);
    if (cc)
        json_object_set_new(o, "ConsumedCapacity", cc);
    *out = o;
    return 0;
}

/* A single statement's run, with the request's options; the answer in
 * *out. in: the ExecuteStatement request (or a batch's statement). */
static int run_one(svc_call *c, plan *p, json_t *in, json_t **out)
{
    const char *text = svc_str(in, "Statement");
    copy_member(p->in, c->input, "ReturnConsumedCapacity");
    if (is_read(p->stmt))
        return run_read(c, p, in, text, out);
    if (p->stmt->returning != DDB_PQL_RET_NONE)
        json_object_set_new(p->in, "ReturnValues", json_string(RETURN_VALUES[p->stmt->returning]));
    copy_member(p->in, in, "ReturnValuesOnConditionCheckFailure");
    json_t *sub;
    if (subcall(c, p->fn, p->op, p->in, &sub) != 0) {
        if (p->stmt->kind == DDB_PQL_INSERT && g_strcmp0(c->err.code, "ConditionalCheckFailedException") == 0)
            aws_error_set(&c->err, "DuplicateItemException", DUPLICATE_ITEM);
        return -1;
    }
    *out = write_output(sub);
    json_decref(sub);
    return 0;
}

int ddb_execute_statement(svc_call *c)
{
    plan p;
    json_t *params = json_object_get(c->input, "Parameters");
    int rc = plan_make(c, &p, json_object_get(c->input, "Statement"), params);
    if (rc == 0 && p.stmt->kind == DDB_PQL_EXISTS)
        rc = ddb_validation(c, "EXISTS can only be used in ExecuteTransaction write requests.");
    if (rc == 0)
        rc = run_one(c, &p, c->input, &c->output);
    plan_clear(&p);
    return rc;
}

static void add_table(GString *out, GHashTable *seen, json_t *statement)
{
    if (!json_is_string(statement))
        return;
    char *err = NULL;
    ddb_pql_stmt *s = ddb_pql_parse(json_string_value(statement), json_string_length(statement), &err);
    g_free(err);
    /* (g_hash_table_add takes the key even when it is there already) */
    if (s && !g_hash_table_contains(seen, s->table)) {
        g_string_append_printf(out, "%s%s", out->len ? "," : "", s->table);
        g_hash_table_add(seen, s->table);
        s->table = NULL; /* the set owns it now */
    }
    ddb_pql_free(s);
}

char *ddb_pql_tables(json_t *input)
{
    GString *out = g_string_new(NULL);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    add_table(out, seen, json_object_get(input, "Statement"));
    static const char *const lists[] = {"Statements", "TransactStatements"};
    for (size_t k = 0; k < G_N_ELEMENTS(lists); k++) {
        size_t i;
        json_t *st;
        json_array_foreach(json_object_get(input, lists[k]), i, st) add_table(out, seen, json_object_get(st, "Statement"));
    }
    g_hash_table_destroy(seen);
    if (!out->len) {
        g_string_free(out, TRUE);
        return NULL;
    }
    return g_string_free(out, FALSE);
}

/* ---- BatchExecuteStatement ---- */

/* A statement's error as a batch reports it: DynamoDB's code without
 * "Exception" (and its own names for a few). */
static const char *batch_code(const char *code)
{
    static const char *const map[][2] = {
        {"ConditionalCheckFailedException", "ConditionalCheckFailed"},
        {"DuplicateItemException", "DuplicateItem"},
        {"ValidationException", "ValidationError"},
        {"ResourceNotFoundException", "ResourceNotFound"},
        {"ProvisionedThroughputExceededException", "ProvisionedThroughputExceeded"},
        {"TransactionConflictException", "TransactionConflict"},
        {"ItemCollectionSizeLimitExceededException", "ItemCollectionSizeLimitExceeded"},
        {"RequestLimitExceeded", "RequestLimitExceeded"},
        {"ThrottlingException", "ThrottlingError"},
        {"AccessDeniedException", "AccessDenied"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(map); i++)
        if (g_strcmp0(code, map[i][0]) == 0)
            return map[i][1];
    return "InternalServerError";
}

/* Adds a statement's ConsumedCapacity to the per-table totals. */
static void add_capacity(json_t *totals, json_t *sub)
{
    json_t *cc = json_object_get(sub, "ConsumedCapacity");
    const char *t = svc_str(cc, "TableName");
    if (!t)
        return;
    json_t *e = json_object_get(totals, t);
    double units = json_number_value(json_object_get(cc, "CapacityUnits"));
    if (!e) {
        json_object_set_new(totals, t, json_real(units));
        return;
    }
    json_real_set(e, json_real_value(e) + units);
}

static json_t *capacity_list(json_t *totals)
{
    json_t *list = json_array();
    const char *t;
    json_t *u;
    json_object_foreach(totals, t, u) {
        json_array_append_new(list, json_pack("{s:s, s:O}", "TableName", t, "CapacityUnits", u));
    }
    return list;
}

int ddb_batch_execute_statement(svc_call *c)
{
    json_t *stmts = json_object_get(c->input, "Statements");
    size_t n = json_array_size(stmts);
    plan *plans = g_new0(plan, n ? n : 1);
    aws_error *errs = g_new0(aws_error, n ? n : 1);
    size_t reads = 0, writes = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *st = json_array_get(stmts, i);
        errs[i] = (aws_error)AWS_ERROR_INIT;
        svc_call sc = *c;
        sc.err = (aws_error)AWS_ERROR_INIT;
        if (plan_make(&sc, &plans[i], json_object_get(st, "Statement"), json_object_get(st, "Parameters")) == 0 &&
            plans[i].stmt->kind == DDB_PQL_EXISTS)
            ddb_validation(&sc, "EXISTS can only be used in ExecuteTransaction write requests.");
        if (plans[i].stmt && plans[i].stmt->kind != DDB_PQL_EXISTS)
            is_read(plans[i].stmt) ? reads++ : writes++;
        if (!aws_error_is_set(&sc.err) && is_read(plans[i].stmt))
            plan_get(&sc, &plans[i], json_object_get(st, "Parameters"),
                     "Select statements within BatchExecuteStatement must specify the primary key in the where "
                     "clause.");
        aws_error_move(&errs[i], &sc.err);
    }
    int rc = 0;
    if (reads && writes) {
        rc = ddb_validation(c, "Unsupported operation: Batch must consist of only read statements or only write "
                               "statements");
        goto out;
    }
    json_t *responses = json_array(), *totals = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *st = json_array_get(stmts, i);
        json_t *r = json_object();
        if (plans[i].stmt)
            json_object_set_new(r, "TableName", json_string(plans[i].stmt->table));
        json_t *sub = NULL;
        if (!aws_error_is_set(&errs[i])) {
            if (is_read(plans[i].stmt)) {
                copy_member(plans[i].in, st, "ConsistentRead");
                copy_member(plans[i].in, c->input, "ReturnConsumedCapacity");
                if (subcall(c, plans[i].fn, plans[i].op, plans[i].in, &sub) == 0)
                    copy_member(r, sub, "Item");
            } else if (run_one(c, &plans[i], st, &sub) != 0) {
                sub = NULL;
            }
            if (aws_error_is_set(&c->err))
                aws_error_move(&errs[i], &c->err);
        }
        if (aws_error_is_set(&errs[i])) {
            json_object_set_new(r, "Error", json_pack("{s:s, s:s}", "Code", batch_code(errs[i].code), "Message",
                                                      errs[i].message ? errs[i].message : ""));
        } else if (sub) {
            add_capacity(totals, sub);
        }
        json_decref(sub);
        json_array_append_new(responses, r);
    }
    c->output = json_pack("{s:o}", "Responses", responses);
    if (ddb_consumed_wanted(c, NULL))
        json_object_set_new(c->output, "ConsumedCapacity", capacity_list(totals));
    json_decref(totals);
out:
    for (size_t i = 0; i < n; i++) {
        plan_clear(&plans[i]);
        aws_error_clear(&errs[i]);
    }
    g_free(plans);
    g_free(errs);
    return rc;
}

/* ---- ExecuteTransaction ---- */

/* An action of TransactWriteItems from a write's request. */
static json_t *transact_action(plan *p)
{
    const char *kind = p->stmt->kind == DDB_PQL_INSERT   ? "Put"
                       : p->stmt->kind == DDB_PQL_UPDATE ? "Update"
                       : p->stmt->kind == DDB_PQL_DELETE ? "Delete"
                                                         : "ConditionCheck";
    return json_pack("{s:O}", kind, p->in);
}

/* An INSERT whose item was there is DuplicateItem, not a failed check. */
static void duplicate_reasons(svc_call *c, plan *plans, size_t n)
{
    json_t *reasons = json_object_get(c->err.fields, "CancellationReasons");
    if (!reasons)
        return;
    GString *codes = g_string_new(NULL);
    for (size_t i = 0; i < n && i < json_array_size(reasons); i++) {
        json_t *r = json_array_get(reasons, i);
        if (plans[i].stmt->kind == DDB_PQL_INSERT && g_strcmp0(svc_str(r, "Code"), "ConditionalCheckFailed") == 0) {
            json_object_set_new(r, "Code", json_string("DuplicateItem"));
            json_object_set_new(r, "Message", json_string(DUPLICATE_ITEM));
        }
        g_string_append_printf(codes, "%s%s", i ? ", " : "", svc_str(r, "Code"));
    }
    g_free(c->err.message);
    c->err.message = g_strdup_printf(
        "Transaction cancelled, please refer cancellation reasons for specific reasons [%s]", codes->str);
    g_string_free(codes, TRUE);
}

int ddb_execute_transaction(svc_call *c)
{
    json_t *stmts = json_object_get(c->input, "TransactStatements");
    size_t n = json_array_size(stmts);
    plan *plans = g_new0(plan, n ? n : 1);
    int rc = 0;
    size_t reads = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *st = json_array_get(stmts, i);
        rc = plan_make(c, &plans[i], json_object_get(st, "Statement"), json_object_get(st, "Parameters"));
        if (rc == 0 && is_read(plans[i].stmt)) {
            reads++;
            rc = plan_get(c, &plans[i], json_object_get(st, "Parameters"),
                          "Select statements within ExecuteTransaction must specify the primary key in the where "
                          "clause.");
        }
    }
    if (rc == 0 && reads && reads != n)
        rc = ddb_validation(c, "Unsupported operation in transaction.");
    if (rc == 0) {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, reads ? json_pack("{s:O}", "Get", plans[i].in) : transact_action(&plans[i]));
        json_t *in = json_pack("{s:o}", "TransactItems", items);
        copy_member(in, c->input, "ClientRequestToken");
        copy_member(in, c->input, "ReturnConsumedCapacity");
        json_t *out = NULL;
        rc = subcall(c, reads ? ddb_transact_get_items : ddb_transact_write_items,
                     reads ? "TransactGetItems" : "TransactWriteItems", in, &out);
        json_decref(in);
        if (rc != 0)
            duplicate_reasons(c, plans, n);
        else
            c->output = out;
    }
    for (size_t i = 0; i < n; i++)
        plan_clear(&plans[i]);
    g_free(plans);
    return rc;
}
