#include "services/dynamodb/legacy.h"

#include <string.h>

#include "services/dynamodb/value.h"
#include "services/service.h"

#define PREFIX "One or more parameter values were invalid: "

static ddb_path single_path(ddb_exprs *x, const char *name)
{
    ddb_path p;
    p.n = 1;
    p.el = ddb_exprs_alloc(x, sizeof(ddb_path_el));
    p.el[0].name = ddb_exprs_strdup(x, name);
    return p;
}

static ddb_operand *path_operand(ddb_exprs *x, const char *name)
{
    ddb_operand *o = ddb_exprs_alloc(x, sizeof *o);
    o->kind = DDB_OPD_PATH;
    o->path = single_path(x, name);
    return o;
}

static ddb_operand *value_operand(ddb_exprs *x, json_t *v)
{
    ddb_operand *o = ddb_exprs_alloc(x, sizeof *o);
    o->kind = DDB_OPD_VALUE;
    o->value = v;
    return o;
}

static ddb_cond *func_cond(ddb_exprs *x, ddb_func f, const char *fname, const char *attr, json_t *v)
{
    ddb_operand *fo = ddb_exprs_alloc(x, sizeof *fo);
    fo->kind = DDB_OPD_FUNC;
    fo->func = f;
    fo->fname = fname;
    fo->nargs = v ? 2 : 1;
    fo->args = ddb_exprs_alloc(x, sizeof(ddb_operand *) * 2);
    fo->args[0] = path_operand(x, attr);
    if (v)
        fo->args[1] = value_operand(x, v);
    ddb_cond *c = ddb_exprs_alloc(x, sizeof *c);
    c->kind = DDB_C_FUNC;
    c->nops = 1;
    c->ops = ddb_exprs_alloc(x, sizeof(ddb_operand *));
    c->ops[0] = fo;
    return c;
}

static ddb_cond *not_cond(ddb_exprs *x, ddb_cond *a)
{
    ddb_cond *c = ddb_exprs_alloc(x, sizeof *c);
    c->kind = DDB_C_NOT;
    c->a = a;
    return c;
}

/* The condition a ComparisonOperator makes of attr and its values. */
static ddb_cond *comparison(ddb_exprs *x, const char *op, const char *attr, json_t *vals)
{
    static const struct {
        const char *name;
        ddb_cmp cmp;
    } cmps[] = {{"EQ", DDB_CMP_EQ}, {"NE", DDB_CMP_NE}, {"LT", DDB_CMP_LT},
                {"LE", DDB_CMP_LE}, {"GT", DDB_CMP_GT}, {"GE", DDB_CMP_GE}};
    for (size_t i = 0; i < G_N_ELEMENTS(cmps); i++) {
        if (strcmp(op, cmps[i].name) == 0) {
            ddb_cond *c = ddb_exprs_alloc(x, sizeof *c);
            c->kind = DDB_C_CMP;
            c->cmp = cmps[i].cmp;
            c->nops = 2;
            c->ops = ddb_exprs_alloc(x, sizeof(ddb_operand *) * 2);
            c->ops[0] = path_operand(x, attr);
            c->ops[1] = value_operand(x, json_array_get(vals, 0));
            return c;
        }
    }
    if (strcmp(op, "NULL") == 0)
        return func_cond(x, DDB_F_ATTRIBUTE_NOT_EXISTS, "attribute_not_exists", attr, NULL);
    if (strcmp(op, "NOT_NULL") == 0)
        return func_cond(x, DDB_F_ATTRIBUTE_EXISTS, "attribute_exists", attr, NULL);
    if (strcmp(op, "CONTAINS") == 0)
        return func_cond(x, DDB_F_CONTAINS, "contains", attr, json_array_get(vals, 0));
    if (strcmp(op, "NOT_CONTAINS") == 0) {
        /* true only of an attribute that is there and lacks the value */
        ddb_cond *both = ddb_exprs_alloc(x, sizeof *both);
        both->kind = DDB_C_AND;
        both->a = func_cond(x, DDB_F_ATTRIBUTE_EXISTS, "attribute_exists", attr, NULL);
        both->b = not_cond(x, func_cond(x, DDB_F_CONTAINS, "contains", attr, json_array_get(vals, 0)));
        return both;
    }
    if (strcmp(op, "BEGINS_WITH") == 0)
        return func_cond(x, DDB_F_BEGINS_WITH, "begins_with", attr, json_array_get(vals, 0));
    ddb_cond *c = ddb_exprs_alloc(x, sizeof *c);
    c->kind = strcmp(op, "BETWEEN") == 0 ? DDB_C_BETWEEN : DDB_C_IN;
    c->nops = 1 + json_array_size(vals);
    c->ops = ddb_exprs_alloc(x, sizeof(ddb_operand *) * c->nops);
    c->ops[0] = path_operand(x, attr);
    for (size_t i = 0; i < json_array_size(vals); i++)
        c->ops[i + 1] = value_operand(x, json_array_get(vals, i));
    return c;
}

static bool count_ok(const char *op, size_t n)
{
    if (!strcmp(op, "NULL") || !strcmp(op, "NOT_NULL"))
        return n == 0;
    if (!strcmp(op, "IN"))
        return n > 0;
    if (!strcmp(op, "BETWEEN"))
        return n == 2;
    return n == 1;
}

/* The types each operator takes. */
static bool type_ok(const char *op, ddb_type t)
{
    bool scalar = t == DDB_T_S || t == DDB_T_N || t == DDB_T_B;
    if (!strcmp(op, "EQ") || !strcmp(op, "NE"))
        return scalar || t == DDB_T_SS || t == DDB_T_NS || t == DDB_T_BS || t == DDB_T_L || t == DDB_T_M ||
               t == DDB_T_BOOL || t == DDB_T_NULL;
    if (!strcmp(op, "BEGINS_WITH"))
        return t == DDB_T_S || t == DDB_T_B;
    return scalar;
}

/* Checks the values of one condition and the operator's use of them. */
static char *values_check(const char *op, json_t *vals)
{
    size_t i;
    json_t *v;
    json_array_foreach(vals, i, v) {
        char *m = ddb_value_check(v, 1);
        if (m)
            return m;
    }
    if (!count_ok(op, json_array_size(vals)))
        return g_strdup_printf(PREFIX "Invalid number of argument(s) for the %s ComparisonOperator", op);
    ddb_type first = ddb_value_type(json_array_get(vals, 0));
    json_array_foreach(vals, i, v) if (ddb_value_type(v) != first) return g_strdup(PREFIX "AttributeValues inside "
                                                                                          "AttributeValueList must be "
                                                                                          "of same type");
    json_array_foreach(vals, i, v) if (!type_ok(op, ddb_value_type(v))) return g_strdup_printf(
        PREFIX "ComparisonOperator %s is not valid for %s AttributeValue type", op, ddb_type_name(ddb_value_type(v)));
    if (!strcmp(op, "BETWEEN") && ddb_value_cmp(json_array_get(vals, 0), json_array_get(vals, 1)) > 0)
        return g_strdup("The BETWEEN condition was provided a range where the lower bound is greater than the upper "
                        "bound");
    return NULL;
}

static ddb_cond *combine(ddb_exprs *x, ddb_cond *all, ddb_cond *c, const char *conditional)
{
    if (!all)
        return c;
    ddb_cond *j = ddb_exprs_alloc(x, sizeof *j);
    j->kind = conditional && !strcmp(conditional, "OR") ? DDB_C_OR : DDB_C_AND;
    j->a = all;
    j->b = c;
    return j;
}

char *ddb_legacy_expected(ddb_exprs *x, json_t *expected, const char *conditional, ddb_cond **out)
{
    *out = NULL;
    const char *k;
    json_t *e;
    json_object_foreach(expected, k, e) {
        json_t *avl = json_object_get(e, "AttributeValueList"), *value = json_object_get(e, "Value");
        json_t *exists = json_object_get(e, "Exists");
        const char *op = svc_str(e, "ComparisonOperator");
        ddb_cond *c;
        if (avl && value)
            return g_strdup_printf(PREFIX "Value and AttributeValueList cannot be used together for Attribute: %s",
                                   k);
        if (op) {
            if (exists)
                return g_strdup_printf(PREFIX "Exists and ComparisonOperator cannot be used together for "
                                              "Attribute: %s",
                                       k);
            if (strcmp(op, "NULL") && strcmp(op, "NOT_NULL") && !avl && !value)
                return g_strdup_printf(PREFIX "Value or AttributeValueList must be used with ComparisonOperator: %s "
                                              "for Attribute: %s",
                                       op, k);
            json_t *vals = avl ? json_incref(avl) : value ? json_pack("[O]", value) : json_array();
            char *m = values_check(op, vals);
            if (m) {
                json_decref(vals);
                return m;
            }
            /* the operands borrow the request's values, not the list */
            c = comparison(x, op, k, vals);
            json_decref(vals);
        } else if (avl) {
            return g_strdup_printf(PREFIX "AttributeValueList can only be used with a ComparisonOperator for "
                                          "Attribute: %s",
                                   k);
        } else {
            bool want = !exists || json_is_true(exists);
            if (want && !value)
                return g_strdup_printf(PREFIX "Value must be provided when Exists is %s for Attribute: %s",
                                       exists ? "true" : "null", k);
            if (!want && value)
                return g_strdup_printf(PREFIX "Value cannot be used when Exists is false for Attribute: %s", k);
            if (value) {
                char *m = ddb_value_check(value, 1);
                if (m)
                    return m;
                json_t *vals = json_pack("[O]", value);
                c = comparison(x, "EQ", k, vals);
                json_decref(vals);
            } else {
                c = func_cond(x, DDB_F_ATTRIBUTE_NOT_EXISTS, "attribute_not_exists", k, NULL);
            }
        }
        *out = combine(x, *out, c, conditional);
    }
    return NULL;
}

char *ddb_legacy_filter(ddb_exprs *x, json_t *conditions, const char *conditional, ddb_cond **out)
{
    *out = NULL;
    const char *k;
    json_t *e;
    json_object_foreach(conditions, k, e) {
        const char *op = svc_str(e, "ComparisonOperator");
        json_t *avl = json_object_get(e, "AttributeValueList");
        json_t *vals = avl ? json_incref(avl) : json_array();
        char *m = op ? values_check(op, vals) : g_strdup(PREFIX "ComparisonOperator must not be null");
        if (m) {
            json_decref(vals);
            return m;
        }
        *out = combine(x, *out, comparison(x, op, k, vals), conditional);
        json_decref(vals);
    }
    return NULL;
}

char *ddb_legacy_attributes_to_get(ddb_exprs *x, json_t *names, ddb_projection **out)
{
    *out = NULL;
    size_t n = json_array_size(names);
    /* a hash set: a list of any length costs linear time */
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < n; i++) {
        const char *name = json_string_value(json_array_get(names, i));
        if (name && !g_hash_table_add(seen, (gpointer)name)) {
            g_hash_table_destroy(seen);
            return g_strdup_printf(PREFIX "Duplicate value in attribute name: %s", name);
        }
    }
    g_hash_table_destroy(seen);
    ddb_projection *p = ddb_exprs_alloc(x, sizeof *p);
    p->n = n;
    p->paths = ddb_exprs_alloc(x, sizeof(ddb_path) * (n ? n : 1));
    for (size_t i = 0; i < n; i++)
        p->paths[i] = single_path(x, json_string_value(json_array_get(names, i)));
    *out = p;
    return NULL;
}

char *ddb_legacy_attribute_updates(ddb_exprs *x, json_t *updates, ddb_update **out)
{
    *out = NULL;
    size_t n = json_object_size(updates), i = 0;
    ddb_update *u = ddb_exprs_alloc(x, sizeof *u);
    u->actions = ddb_exprs_alloc(x, sizeof(ddb_action) * (n ? n : 1));
    const char *k;
    json_t *e;
    json_object_foreach(updates, k, e) {
        json_t *value = json_object_get(e, "Value");
        const char *action = svc_str(e, "Action");
        if (!action)
            action = "PUT";
        if (value) {
            char *m = ddb_value_check(value, 1);
            if (m)
                return m;
        }
        ddb_type t = ddb_value_type(value);
        if (!value && strcmp(action, "DELETE") != 0)
            return g_strdup(PREFIX "Only DELETE action is allowed when no attribute value is specified");
        if (value && !strcmp(action, "DELETE") && t != DDB_T_SS && t != DDB_T_NS && t != DDB_T_BS)
            return g_strdup_printf(PREFIX "DELETE action with value is not supported for the type %s",
                                   ddb_type_name(t));
        if (value && !strcmp(action, "ADD") && t != DDB_T_L && t != DDB_T_SS && t != DDB_T_NS && t != DDB_T_BS &&
            t != DDB_T_N)
            return g_strdup_printf(PREFIX "ADD action is not supported for the type %s", ddb_type_name(t));
        ddb_action *a = &u->actions[i++];
        a->path = single_path(x, k);
        if (!strcmp(action, "PUT")) {
            a->kind = DDB_U_SET;
            a->value = value_operand(x, value);
        } else if (!strcmp(action, "ADD")) {
            a->kind = DDB_U_ADD;
            a->value = value_operand(x, value);
        } else if (value) {
            a->kind = DDB_U_DELETE;
            a->value = value_operand(x, value);
        } else {
            a->kind = DDB_U_REMOVE;
        }
    }
    u->n = i;
    u->legacy = true;
    *out = u;
    return NULL;
}
