#include "services/dynamodb/expr_eval.h"

#include <string.h>

#include "services/dynamodb/value.h"

#define INVALID_PATH "The document path provided in the update expression is invalid for update"
#define BAD_OPERAND "An operand in the update expression has an incorrect data type"
/* the same clash, ADD or DELETE on a value of another type, through AttributeUpdates */
#define LEGACY_MISMATCH "Type mismatch for attribute to update"
#define NO_ATTRIBUTE "The provided expression refers to an attribute that does not exist in the item"

/* ---- paths ---- */

static json_t *step(json_t *v, const ddb_path_el *el)
{
    json_t *p = ddb_value_payload(v);
    if (el->is_index)
        return ddb_value_type(v) == DDB_T_L && el->index >= 0 ? json_array_get(p, (size_t)el->index) : NULL;
    return ddb_value_type(v) == DDB_T_M ? json_object_get(p, el->name) : NULL;
}

json_t *ddb_path_get(json_t *item, const ddb_path *path)
{
    if (!item || path->n == 0 || path->el[0].is_index)
        return NULL;
    json_t *v = json_object_get(item, path->el[0].name);
    for (size_t i = 1; v && i < path->n; i++)
        v = step(v, &path->el[i]);
    /* a list element removed earlier in the same update is a placeholder */
    return json_is_object(v) ? v : NULL;
}

/* ---- conditions ---- */

static long utf16_units(json_t *s)
{
    const unsigned char *b = (const unsigned char *)json_string_value(s);
    size_t len = json_string_length(s);
    long n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((b[i] & 0xC0) != 0x80) + (b[i] >= 0xF0);
    return n;
}

static json_t *size_of(json_t *v)
{
    json_t *p = ddb_value_payload(v);
    long n;
    switch (ddb_value_type(v)) {
    case DDB_T_S:
        /* DynamoDB counts a string's length in UTF-16 code units (Java's
         * String.length()): one per character, two for one past U+FFFF,
         * which UTF-8 writes in four bytes (lead bytes 0xF0 and up) */
        n = utf16_units(p);
        break;
    case DDB_T_B:
        /* a binary's size is its bytes */
        n = (long)json_string_length(p);
        break;
    case DDB_T_SS:
    case DDB_T_NS:
    case DDB_T_BS:
    case DDB_T_L:
        n = (long)json_array_size(p);
        break;
    case DDB_T_M:
        n = (long)json_object_size(p);
        break;
    default:
        return NULL;
    }
    ddb_dec d;
    ddb_num_from_long(n, &d);
    return ddb_value_from_dec(&d);
}

/* An operand's value (new reference) or NULL when there is none. */
static json_t *operand_value(const ddb_operand *o, json_t *item)
{
    switch (o->kind) {
    case DDB_OPD_PATH: {
        json_t *v = ddb_path_get(item, &o->path);
        return v ? json_incref(v) : NULL;
    }
    case DDB_OPD_VALUE:
        return o->value ? json_incref(o->value) : NULL;
    case DDB_OPD_FUNC:
        if (o->func == DDB_F_SIZE && o->nargs == 1) {
            json_t *v = operand_value(o->args[0], item);
            json_t *s = v ? size_of(v) : NULL;
            json_decref(v);
            return s;
        }
        return NULL;
    default:
        return NULL;
    }
}

static bool is_ordered(ddb_type t)
{
    return t == DDB_T_S || t == DDB_T_N || t == DDB_T_B;
}

static bool compare(ddb_cmp op, json_t *a, json_t *b)
{
    if (op == DDB_CMP_EQ)
        return a && b && ddb_value_equal(a, b);
    if (op == DDB_CMP_NE)
        return !(a && b && ddb_value_equal(a, b));
    if (!a || !b || ddb_value_type(a) != ddb_value_type(b) || !is_ordered(ddb_value_type(a)))
        return false;
    int c = ddb_value_cmp(a, b);
    switch (op) {
    case DDB_CMP_LT: return c < 0;
    case DDB_CMP_LE: return c <= 0;
    case DDB_CMP_GT: return c > 0;
    case DDB_CMP_GE: return c >= 0;
    default: return false;
    }
}

static bool bytes_has_prefix(json_t *s, json_t *prefix)
{
    size_t n = json_string_length(prefix);
    return json_string_length(s) >= n && memcmp(json_string_value(s), json_string_value(prefix), n) == 0;
}

static bool bytes_contain(json_t *s, json_t *part)
{
    size_t n = json_string_length(s), m = json_string_length(part);
    if (m == 0)
        return true;
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(json_string_value(s) + i, json_string_value(part), m) == 0)
            return true;
    return false;
}

static bool contains(json_t *a, json_t *b)
{
    if (!a || !b)
        return false;
    ddb_type ta = ddb_value_type(a), tb = ddb_value_type(b);
    json_t *pa = ddb_value_payload(a), *pb = ddb_value_payload(b);
    if ((ta == DDB_T_S && tb == DDB_T_S) || (ta == DDB_T_B && tb == DDB_T_B))
        return bytes_contain(pa, pb);
    if ((ta == DDB_T_SS && tb == DDB_T_S) || (ta == DDB_T_NS && tb == DDB_T_N) || (ta == DDB_T_BS && tb == DDB_T_B)) {
        size_t i;
        json_t *m;
        json_array_foreach(pa, i, m) {
            json_t *elem = ddb_value_new(tb, json_incref(m));
            bool eq = ddb_value_equal(elem, b);
            json_decref(elem);
            if (eq)
                return true;
        }
        return false;
    }
    if (ta == DDB_T_L) {
        size_t i;
        json_t *m;
        json_array_foreach(pa, i, m) if (ddb_value_equal(m, b)) return true;
    }
    return false;
}

static bool eval_function(const ddb_operand *f, json_t *item)
{
    if (f->kind != DDB_OPD_FUNC)
        return false;
    json_t *a = f->nargs > 0 ? operand_value(f->args[0], item) : NULL;
    json_t *b = f->nargs > 1 ? operand_value(f->args[1], item) : NULL;
    bool r = false;
    switch (f->func) {
    case DDB_F_ATTRIBUTE_EXISTS:
        r = a != NULL;
        break;
    case DDB_F_ATTRIBUTE_NOT_EXISTS:
        r = a == NULL;
        break;
    case DDB_F_ATTRIBUTE_TYPE:
        r = a && b && ddb_value_type(b) == DDB_T_S &&
            strcmp(ddb_type_name(ddb_value_type(a)), json_string_value(ddb_value_payload(b))) == 0;
        break;
    case DDB_F_BEGINS_WITH: {
        ddb_type ta = ddb_value_type(a);
        r = a && b && (ta == DDB_T_S || ta == DDB_T_B) && ta == ddb_value_type(b) &&
            bytes_has_prefix(ddb_value_payload(a), ddb_value_payload(b));
        break;
    }
    case DDB_F_CONTAINS:
        r = contains(a, b);
        break;
    default:
        break;
    }
    json_decref(a);
    json_decref(b);
    return r;
}

bool ddb_cond_eval(const ddb_cond *c, json_t *item)
{
    switch (c->kind) {
    case DDB_C_AND:
        return ddb_cond_eval(c->a, item) && ddb_cond_eval(c->b, item);
    case DDB_C_OR:
        return ddb_cond_eval(c->a, item) || ddb_cond_eval(c->b, item);
    case DDB_C_NOT:
        return !ddb_cond_eval(c->a, item);
    case DDB_C_FUNC:
        return eval_function(c->ops[0], item);
    case DDB_C_CMP: {
        json_t *a = operand_value(c->ops[0], item), *b = operand_value(c->ops[1], item);
        bool r = compare(c->cmp, a, b);
        json_decref(a);
        json_decref(b);
        return r;
    }
    case DDB_C_BETWEEN: {
        json_t *a = operand_value(c->ops[0], item), *lo = operand_value(c->ops[1], item),
               *hi = operand_value(c->ops[2], item);
        bool r = compare(DDB_CMP_GE, a, lo) && compare(DDB_CMP_LE, a, hi);
        json_decref(a);
        json_decref(lo);
        json_decref(hi);
        return r;
    }
    case DDB_C_IN: {
        json_t *a = operand_value(c->ops[0], item);
        bool r = false;
        for (size_t i = 1; a && !r && i < c->nops; i++) {
            json_t *v = operand_value(c->ops[i], item);
            r = v && ddb_value_equal(a, v);
            json_decref(v);
        }
        json_decref(a);
        return r;
    }
    }
    return false;
}

/* ---- projections ---- */

/* A projection under construction: either a whole value, or the projected
 * members of a map, or the projected elements of a list (by index). */
typedef struct pnode {
    json_t *value;
    GHashTable *fields; /* name -> pnode */
    GPtrArray *order;   /* field names in first-seen order (borrowed) */
    GTree *elems;       /* index -> pnode */
} pnode;

static void pnode_free(gpointer p)
{
    pnode *n = p;
    if (!n)
        return;
    json_decref(n->value);
    if (n->fields)
        g_hash_table_destroy(n->fields);
    if (n->order)
        g_ptr_array_unref(n->order);
    if (n->elems)
        g_tree_destroy(n->elems);
    g_free(n);
}

static gint index_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    long x = GPOINTER_TO_SIZE(a), y = GPOINTER_TO_SIZE(b);
    return x < y ? -1 : x > y;
}

static pnode *child(pnode *n, const ddb_path_el *el)
{
    if (el->is_index) {
        if (!n->elems)
            n->elems = g_tree_new_full(index_cmp, NULL, NULL, pnode_free);
        pnode *c = g_tree_lookup(n->elems, GSIZE_TO_POINTER((gsize)el->index));
        if (!c) {
            c = g_new0(pnode, 1);
            g_tree_insert(n->elems, GSIZE_TO_POINTER((gsize)el->index), c);
        }
        return c;
    }
    if (!n->fields) {
        n->fields = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, pnode_free);
        n->order = g_ptr_array_new();
    }
    pnode *c = g_hash_table_lookup(n->fields, el->name);
    if (!c) {
        c = g_new0(pnode, 1);
        g_hash_table_insert(n->fields, (gpointer)el->name, c);
        g_ptr_array_add(n->order, (gpointer)el->name);
    }
    return c;
}

static json_t *pnode_emit(pnode *n);

static json_t *emit_fields(pnode *n)
{
    json_t *obj = json_object();
    for (guint i = 0; n->order && i < n->order->len; i++) {
        const char *name = n->order->pdata[i];
        json_t *v = pnode_emit(g_hash_table_lookup(n->fields, name));
        if (v)
            json_object_set_new(obj, name, v);
    }
    return obj;
}

static gboolean emit_elem(gpointer key, gpointer value, gpointer arr)
{
    json_t *v = pnode_emit(value);
    if (v)
        json_array_append_new(arr, v);
    return FALSE;
}

static json_t *pnode_emit(pnode *n)
{
    if (n->value)
        return json_incref(n->value);
    if (n->fields)
        return ddb_value_new(DDB_T_M, emit_fields(n));
    if (n->elems) {
        json_t *arr = json_array();
        g_tree_foreach(n->elems, emit_elem, arr);
        return ddb_value_new(DDB_T_L, arr);
    }
    return NULL;
}

json_t *ddb_project(json_t *item, const ddb_path *paths, size_t n)
{
    pnode root = {0};
    for (size_t i = 0; i < n; i++) {
        json_t *v = ddb_path_get(item, &paths[i]);
        if (!v)
            continue;
        pnode *node = &root;
        for (size_t k = 0; k < paths[i].n; k++)
            node = child(node, &paths[i].el[k]);
        if (!node->value)
            node->value = json_incref(v);
    }
    json_t *out = emit_fields(&root);
    if (root.fields)
        g_hash_table_destroy(root.fields);
    if (root.order)
        g_ptr_array_unref(root.order);
    return out;
}

/* ---- updates ---- */

static json_t *update_operand(const ddb_operand *o, json_t *item, char **err);

static json_t *arithmetic(const ddb_operand *o, json_t *item, char **err)
{
    json_t *a = update_operand(o->args[0], item, err);
    if (!a)
        return NULL;
    json_t *b = update_operand(o->args[1], item, err);
    if (!b) {
        json_decref(a);
        return NULL;
    }
    ddb_dec da, db, r;
    json_t *out = NULL;
    if (!ddb_value_dec(a, &da) || !ddb_value_dec(b, &db)) {
        *err = g_strdup(BAD_OPERAND);
    } else {
        ddb_num_status st = ddb_num_add(&da, &db, o->kind == DDB_OPD_MINUS, &r);
        if (st != DDB_NUM_OK) {
            GString *m = g_string_new(NULL);
            ddb_num_message(m, st, "", 0);
            *err = g_string_free(m, FALSE);
        } else {
            out = ddb_value_from_dec(&r);
        }
    }
    json_decref(a);
    json_decref(b);
    return out;
}

/* The value of a SET operand against the item before the update (new
 * reference), or NULL and *err. */
static json_t *update_operand(const ddb_operand *o, json_t *item, char **err)
{
    switch (o->kind) {
    case DDB_OPD_PATH: {
        json_t *v = ddb_path_get(item, &o->path);
        if (!v)
            *err = g_strdup(NO_ATTRIBUTE);
        return v ? json_incref(v) : NULL;
    }
    case DDB_OPD_VALUE:
        if (!o->value)
            *err = g_strdup(NO_ATTRIBUTE);
        return o->value ? json_incref(o->value) : NULL;
    case DDB_OPD_PLUS:
    case DDB_OPD_MINUS:
        return arithmetic(o, item, err);
    case DDB_OPD_FUNC:
        if (o->func == DDB_F_IF_NOT_EXISTS && o->nargs == 2) {
            json_t *v = o->args[0]->kind == DDB_OPD_PATH ? ddb_path_get(item, &o->args[0]->path) : NULL;
            return v ? json_incref(v) : update_operand(o->args[1], item, err);
        }
        if (o->func == DDB_F_LIST_APPEND && o->nargs == 2) {
            json_t *a = update_operand(o->args[0], item, err);
            if (!a)
                return NULL;
            json_t *b = update_operand(o->args[1], item, err);
            if (!b) {
                json_decref(a);
                return NULL;
            }
            json_t *out = NULL;
            if (ddb_value_type(a) != DDB_T_L || ddb_value_type(b) != DDB_T_L) {
                *err = g_strdup(BAD_OPERAND);
            } else {
                json_t *l = json_array();
                json_array_extend(l, ddb_value_payload(a));
                json_array_extend(l, ddb_value_payload(b));
                out = ddb_value_new(DDB_T_L, l);
            }
            json_decref(a);
            json_decref(b);
            return out;
        }
        *err = g_strdup(BAD_OPERAND);
        return NULL;
    }
    *err = g_strdup(BAD_OPERAND);
    return NULL;
}

/* Where an action's path lands in the item being built: a map (key) or a
 * list (index). */
typedef struct slotref {
    json_t *map;  /* object of name -> value, or NULL */
    const char *key;
    json_t *list; /* array of values, or NULL */
    size_t index;
    GArray *appends; /* tail_write: writes past a list's end, kept for the end */
} slotref;

/* A write to a list index past its end. DynamoDB appends these after the
 * update's other actions, in index order (not the order written), so that
 * SET c[4] = :x, c[2] = :y on [1, 3] gives [1, 3, y, x]. */
typedef struct tail_write {
    json_t *list;
    size_t index;
    json_t *value; /* owned */
} tail_write;

static gint tail_cmp(gconstpointer pa, gconstpointer pb)
{
    const tail_write *a = pa, *b = pb;
    return a->index < b->index ? -1 : a->index > b->index;
}

static bool locate(json_t *item, const ddb_path *path, slotref *out)
{
    memset(out, 0, sizeof *out);
    const ddb_path_el *last = &path->el[path->n - 1];
    json_t *container;
    if (path->n == 1) {
        if (last->is_index)
            return false;
        out->map = item;
        out->key = last->name;
        return true;
    }
    ddb_path parent = {path->el, path->n - 1};
    json_t *pv = ddb_path_get(item, &parent);
    if (!pv)
        return false;
    container = ddb_value_payload(pv);
    if (last->is_index) {
        if (ddb_value_type(pv) != DDB_T_L || last->index < 0)
            return false;
        out->list = container;
        out->index = (size_t)last->index;
    } else {
        if (ddb_value_type(pv) != DDB_T_M)
            return false;
        out->map = container;
        out->key = last->name;
    }
    return true;
}

static json_t *slot_get(const slotref *s)
{
    json_t *v = s->map ? json_object_get(s->map, s->key) : json_array_get(s->list, s->index);
    return json_is_object(v) ? v : NULL;
}

/* Steals v. A list index past the end waits in s->appends. */
static void slot_set(const slotref *s, json_t *v)
{
    if (s->map) {
        json_object_set_new(s->map, s->key, v);
    } else if (s->index < json_array_size(s->list)) {
        json_array_set_new(s->list, s->index, v);
    } else {
        tail_write w = {s->list, s->index, v};
        g_array_append_val(s->appends, w);
    }
}

static bool is_set(ddb_type t)
{
    return t == DDB_T_SS || t == DDB_T_NS || t == DDB_T_BS;
}

/* ADD: numbers add up, sets unite; a missing attribute takes the value. */
static char *apply_add(const slotref *s, json_t *v)
{
    json_t *cur = slot_get(s);
    ddb_type vt = ddb_value_type(v);
    if (!cur) {
        slot_set(s, json_deep_copy(v));
        return NULL;
    }
    if (ddb_value_type(cur) != vt)
        return g_strdup(BAD_OPERAND);
    if (vt == DDB_T_N) {
        ddb_dec a, b, r;
        if (!ddb_value_dec(cur, &a) || !ddb_value_dec(v, &b))
            return g_strdup(BAD_OPERAND);
        ddb_num_status st = ddb_num_add(&a, &b, false, &r);
        if (st != DDB_NUM_OK) {
            GString *m = g_string_new(NULL);
            ddb_num_message(m, st, "", 0);
            return g_string_free(m, FALSE);
        }
        slot_set(s, ddb_value_from_dec(&r));
        return NULL;
    }
    if (vt == DDB_T_L) {
        /* only AttributeUpdates' ADD gets here: it appends */
        json_t *l = json_deep_copy(ddb_value_payload(cur));
        json_array_extend(l, ddb_value_payload(v));
        slot_set(s, ddb_value_new(DDB_T_L, l));
        return NULL;
    }
    if (!is_set(vt))
        return g_strdup(BAD_OPERAND);
    json_t *merged = json_deep_copy(ddb_value_payload(cur));
    GHashTable *idx = ddb_set_index_new(merged, vt == DDB_T_NS);
    size_t i;
    json_t *m;
    json_array_foreach(ddb_value_payload(v), i, m) if (ddb_set_index_add(idx, m, vt == DDB_T_NS))
        json_array_append(merged, m);
    g_hash_table_destroy(idx);
    slot_set(s, ddb_value_new(vt, merged));
    return NULL;
}

/* DELETE: take elements out of a set; an emptied set goes away. */
static char *apply_delete(const slotref *s, json_t *v, GPtrArray *holed)
{
    json_t *cur = slot_get(s);
    ddb_type vt = ddb_value_type(v);
    if (!cur)
        return NULL;
    if (ddb_value_type(cur) != vt || !is_set(vt))
        return g_strdup(BAD_OPERAND);
    json_t *kept = json_array();
    GHashTable *gone = ddb_set_index_new(ddb_value_payload(v), vt == DDB_T_NS);
    size_t i;
    json_t *m;
    json_array_foreach(ddb_value_payload(cur), i, m) if (!ddb_set_index_has(gone, m, vt == DDB_T_NS))
        json_array_append(kept, m);
    g_hash_table_destroy(gone);
    if (json_array_size(kept) == 0) {
        json_decref(kept);
        if (s->map) {
            json_object_del(s->map, s->key);
        } else {
            json_array_set_new(s->list, s->index, json_null());
            g_ptr_array_add(holed, s->list);
        }
        return NULL;
    }
    slot_set(s, ddb_value_new(vt, kept));
    return NULL;
}

json_t *ddb_update_apply(const ddb_update *u, json_t *item, char **err)
{
    *err = NULL;
    json_t *orig = item ? item : json_object();
    json_t **set_values = g_new0(json_t *, u->n ? u->n : 1);
    json_t *out = NULL;
    /* every SET value is computed from the item as it was */
    for (size_t i = 0; i < u->n && !*err; i++)
        if (u->actions[i].kind == DDB_U_SET)
            set_values[i] = update_operand(u->actions[i].value, orig, err);

    GPtrArray *holed = g_ptr_array_new(); /* lists with removed elements */
    GArray *appends = g_array_new(FALSE, FALSE, sizeof(tail_write));
    if (!*err) {
        out = json_deep_copy(orig);
        for (size_t i = 0; i < u->n && !*err; i++) {
            const ddb_action *a = &u->actions[i];
            slotref s;
            if (!locate(out, &a->path, &s)) {
                *err = g_strdup(INVALID_PATH);
                break;
            }
            s.appends = appends;
            switch (a->kind) {
            case DDB_U_SET:
                slot_set(&s, json_deep_copy(set_values[i]));
                break;
            case DDB_U_REMOVE:
                if (s.map) {
                    json_object_del(s.map, s.key);
                } else if (s.index < json_array_size(s.list)) {
                    /* a placeholder keeps the other indexes of this update
                     * pointing where they pointed; swept below */
                    json_array_set_new(s.list, s.index, json_null());
                    g_ptr_array_add(holed, s.list);
                }
                break;
            case DDB_U_ADD:
                *err = apply_add(&s, a->value->value);
                break;
            case DDB_U_DELETE:
                *err = apply_delete(&s, a->value->value, holed);
                break;
            }
        }
        if (*err && u->legacy && strcmp(*err, BAD_OPERAND) == 0) {
            g_free(*err);
            *err = g_strdup(LEGACY_MISMATCH);
        }
        for (guint k = 0; k < holed->len; k++) {
            json_t *list = holed->pdata[k];
            for (size_t i = json_array_size(list); i-- > 0;)
                if (json_is_null(json_array_get(list, i)))
                    json_array_remove(list, i);
        }
        /* an update names each path once, so no index repeats within a
         * list; each list receives its own in index order */
        g_array_sort(appends, tail_cmp);
        for (guint k = 0; k < appends->len; k++) {
            tail_write *w = &g_array_index(appends, tail_write, k);
            json_array_append_new(w->list, w->value);
            w->value = NULL;
        }
        if (*err) {
            json_decref(out);
            out = NULL;
        }
    }
    g_ptr_array_unref(holed);
    for (guint k = 0; k < appends->len; k++)
        json_decref(g_array_index(appends, tail_write, k).value);
    g_array_unref(appends);
    for (size_t i = 0; i < u->n; i++)
        json_decref(set_values[i]);
    g_free(set_values);
    if (!item)
        json_decref(orig);
    return out;
}
