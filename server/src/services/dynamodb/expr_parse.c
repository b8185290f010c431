#include "services/dynamodb/expr_parse.h"

#include <string.h>

#include "services/dynamodb/expr_lex.h"
#include "services/dynamodb/reserved.h"
#include "services/dynamodb/value.h"

/* DynamoDB's limits on one expression. */
#define MAX_EXPR_BYTES 4096
#define MAX_IN_OPERANDS 100
#define MAX_OPERATORS 300

struct ddb_exprs {
    json_t *names;
    json_t *values;
    GPtrArray *arena;         /* g_free'd with the context */
    GHashTable *used_names;   /* keys of names that were used (borrowed) */
    GHashTable *used_values;
};

/* Semantic error classes; the grammar decides their precedence. Each keeps
 * the first message of its class. */
typedef enum slot {
    S_PARENS,
    S_UNKNOWN_FUNC,
    S_MISUSED,
    S_RESERVED,
    S_SECTION,
    S_NAME,    /* update: undefined name */
    S_VALUE,   /* update: undefined value */
    S_NAMEVAL, /* condition, projection: undefined name or value */
    S_OPERAND,
    S_DISTINCT,
    S_FUNCTION,
    S_OVERLAP,
    S_CONFLICT,
    S_CONDITION, /* condition: the first per-condition error (see leaf_done) */
    S_COUNT
} slot;

typedef enum grammar { G_CONDITION, G_UPDATE, G_PROJECTION } grammar;

typedef struct parser {
    ddb_exprs *x;
    grammar g;
    const char *src;
    size_t len;
    GArray *toks;
    size_t pos;
    size_t fail; /* the furthest token a parse attempt stopped at */
    char *slots[S_COUNT];
    GPtrArray *paths; /* ddb_path* seen, for overlap checks */
    /* what the paths seen cover, as keys of their leading steps (see
     * path_key) -> 1 + the index in paths of the first one: */
    GHashTable *prefixes; /* every leading part, the whole path included */
    GHashTable *wholes;   /* whole paths */
    GHashTable *forks;    /* a leading part and the kind of the step after it */
    int operators;
} parser;

/* ---- context ---- */

ddb_exprs *ddb_exprs_new(json_t *names, json_t *values)
{
    ddb_exprs *x = g_new0(ddb_exprs, 1);
    x->names = names;
    x->values = values;
    x->arena = g_ptr_array_new_with_free_func(g_free);
    x->used_names = g_hash_table_new(g_str_hash, g_str_equal);
    x->used_values = g_hash_table_new(g_str_hash, g_str_equal);
    return x;
}

void ddb_exprs_free(ddb_exprs *x)
{
    if (!x)
        return;
    g_ptr_array_unref(x->arena);
    g_hash_table_destroy(x->used_names);
    g_hash_table_destroy(x->used_values);
    g_free(x);
}

void *ddb_exprs_alloc(ddb_exprs *x, size_t size)
{
    void *p = g_malloc0(size ? size : 1);
    g_ptr_array_add(x->arena, p);
    return p;
}

const char *ddb_exprs_strdup(ddb_exprs *x, const char *s)
{
    char *d = g_strdup(s);
    g_ptr_array_add(x->arena, d);
    return d;
}

static const char *arena_strndup(ddb_exprs *x, const char *s, size_t n)
{
    char *d = g_strndup(s, n);
    g_ptr_array_add(x->arena, d);
    return d;
}

static bool key_ok(const char *k, char lead)
{
    if (k[0] != lead || !k[1])
        return false;
    for (const char *p = k + 1; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '_')
            return false;
    return true;
}

char *ddb_exprs_check_maps(ddb_exprs *x)
{
    const char *k;
    json_t *v;
    if (x->names) {
        if (json_object_size(x->names) == 0)
            return g_strdup("ExpressionAttributeNames must not be empty");
        json_object_foreach(x->names, k, v) {
            if (!key_ok(k, '#'))
                return g_strdup_printf("ExpressionAttributeNames contains invalid key: Syntax error; key: \"%s\"", k);
        }
    }
    if (x->values) {
        if (json_object_size(x->values) == 0)
            return g_strdup("ExpressionAttributeValues must not be empty");
        json_object_foreach(x->values, k, v) {
            if (!key_ok(k, ':'))
                return g_strdup_printf("ExpressionAttributeValues contains invalid key: Syntax error; key: \"%s\"",
                                       k);
        }
        json_object_foreach(x->values, k, v) {
            char *msg = ddb_value_check(v, 1);
            if (msg) {
                char *full = g_strdup_printf("ExpressionAttributeValues contains invalid value: %s for key %s", msg, k);
                g_free(msg);
                return full;
            }
        }
    }
    return NULL;
}

static char *unused(json_t *map, GHashTable *used, const char *what)
{
    if (!map)
        return NULL;
    GString *keys = NULL;
    const char *k;
    json_t *v;
    json_object_foreach(map, k, v) {
        if (g_hash_table_contains(used, k))
            continue;
        if (!keys)
            keys = g_string_new(NULL);
        else
            g_string_append(keys, ", ");
        g_string_append(keys, k);
    }
    if (!keys)
        return NULL;
    char *msg = g_strdup_printf("Value provided in %s unused in expressions: keys: {%s}", what, keys->str);
    g_string_free(keys, TRUE);
    return msg;
}

char *ddb_exprs_check_unused(ddb_exprs *x)
{
    char *m = unused(x->names, x->used_names, "ExpressionAttributeNames");
    return m ? m : unused(x->values, x->used_values, "ExpressionAttributeValues");
}

void ddb_path_render(GString *out, const ddb_path *p)
{
    g_string_append_c(out, '[');
    for (size_t i = 0; i < p->n; i++) {
        if (i)
            g_string_append(out, ", ");
        if (p->el[i].is_index)
            g_string_append_printf(out, "[%ld]", p->el[i].index);
        else
            g_string_append(out, p->el[i].name);
    }
    g_string_append_c(out, ']');
}

/* ---- parser plumbing ---- */

static const ddb_tok *tok(parser *p)
{
    return &g_array_index(p->toks, ddb_tok, p->pos);
}

static const ddb_tok *tok_at(parser *p, size_t i)
{
    if (i >= p->toks->len)
        i = p->toks->len - 1;
    return &g_array_index(p->toks, ddb_tok, i);
}

static bool fail(parser *p)
{
    if (p->pos > p->fail)
        p->fail = p->pos;
    return false;
}

static bool accept(parser *p, ddb_tok_kind k)
{
    if (tok(p)->kind != k)
        return fail(p);
    p->pos++;
    return true;
}

static bool is_word(parser *p, const ddb_tok *t, const char *w)
{
    return ddb_tok_is_word(p->src, t, w);
}

/* Words the grammar itself uses, which cannot name attributes in it. */
static bool is_keyword(parser *p, const ddb_tok *t)
{
    static const char *const cond[] = {"AND", "OR", "NOT", "BETWEEN", "IN", NULL};
    static const char *const upd[] = {"SET", "REMOVE", "ADD", "DELETE", NULL};
    const char *const *list = p->g == G_CONDITION ? cond : p->g == G_UPDATE ? upd : NULL;
    for (size_t i = 0; list && list[i]; i++)
        if (is_word(p, t, list[i]))
            return true;
    return false;
}

static void set_slot(parser *p, slot s, char *msg)
{
    if (p->slots[s])
        g_free(msg);
    else
        p->slots[s] = msg;
}

static void *alloc(parser *p, size_t size)
{
    return ddb_exprs_alloc(p->x, size);
}

static ddb_operand **operand_array(parser *p, GPtrArray *a)
{
    ddb_operand **out = alloc(p, sizeof *out * (a->len ? a->len : 1));
    for (guint i = 0; i < a->len; i++)
        out[i] = a->pdata[i];
    return out;
}

/* ---- paths, values ---- */

static const char *resolve_name(parser *p, const ddb_tok *t)
{
    char *key = g_strndup(p->src + t->start, t->len);
    json_t *v = p->x->names ? json_object_get(p->x->names, key) : NULL;
    const char *out;
    if (v && json_is_string(v)) {
        /* the map's own key string outlives the parse */
        void *it = json_object_iter_at(p->x->names, key);
        g_hash_table_add(p->x->used_names, (gpointer)json_object_iter_key(it));
        out = json_string_value(v);
    } else {
        set_slot(p, p->g == G_UPDATE ? S_NAME : S_NAMEVAL,
                 g_strdup_printf("An expression attribute name used in the document path is not defined; "
                                 "attribute name: %s",
                                 key));
        out = arena_strndup(p->x, p->src + t->start, t->len);
    }
    g_free(key);
    return out;
}

static json_t *resolve_value(parser *p, const ddb_tok *t)
{
    char *key = g_strndup(p->src + t->start, t->len);
    json_t *v = p->x->values ? json_object_get(p->x->values, key) : NULL;
    if (v) {
        void *it = json_object_iter_at(p->x->values, key);
        g_hash_table_add(p->x->used_values, (gpointer)json_object_iter_key(it));
    } else {
        set_slot(p, p->g == G_UPDATE ? S_VALUE : S_NAMEVAL,
                 g_strdup_printf("An expression attribute value used in expression is not defined; attribute "
                                 "value: %s",
                                 key));
    }
    g_free(key);
    return v;
}

/* One name in a path: an identifier (checked against the reserved words)
 * or a #name. */
static bool path_name(parser *p, ddb_path_el *el)
{
    const ddb_tok *t = tok(p);
    if (t->kind == TK_IDENT && !is_keyword(p, t)) {
        if (ddb_reserved_word(p->src + t->start, t->len))
            set_slot(p, S_RESERVED,
                     g_strdup_printf("Attribute name is a reserved keyword; reserved keyword: %.*s", (int)t->len,
                                     p->src + t->start));
        el->name = arena_strndup(p->x, p->src + t->start, t->len);
    } else if (t->kind == TK_NAME) {
        el->name = resolve_name(p, t);
    } else {
        return fail(p);
    }
    el->is_index = false;
    p->pos++;
    return true;
}

static bool parse_path(parser *p, ddb_path *out)
{
    GArray *els = g_array_new(FALSE, TRUE, sizeof(ddb_path_el));
    ddb_path_el el = {0};
    bool ok = path_name(p, &el);
    if (ok)
        g_array_append_val(els, el);
    while (ok) {
        if (tok(p)->kind == TK_DOT) {
            p->pos++;
            ok = path_name(p, &el);
            if (ok)
                g_array_append_val(els, el);
        } else if (tok(p)->kind == TK_LBRACKET) {
            p->pos++;
            const ddb_tok *t = tok(p);
            /* list indexes are ints */
            if (t->kind != TK_NUMBER || t->len > 9) {
                ok = fail(p);
                break;
            }
            el.is_index = true;
            el.name = NULL;
            el.index = strtol(p->src + t->start, NULL, 10);
            p->pos++;
            ok = accept(p, TK_RBRACKET);
            if (ok)
                g_array_append_val(els, el);
        } else {
            break;
        }
    }
    if (ok) {
        out->n = els->len;
        out->el = alloc(p, sizeof(ddb_path_el) * els->len);
        memcpy(out->el, els->data, sizeof(ddb_path_el) * els->len);
    }
    g_array_unref(els);
    return ok;
}

static bool paths_equal(const ddb_path *a, const ddb_path *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        if (a->el[i].is_index != b->el[i].is_index)
            return false;
        if (a->el[i].is_index ? a->el[i].index != b->el[i].index : strcmp(a->el[i].name, b->el[i].name) != 0)
            return false;
    }
    return true;
}

/* Appends step i of a path to a key that spells its leading steps
 * unambiguously: "n<length>:<name>" or "i<index>;". */
static void path_key_step(GString *k, const ddb_path *path, size_t i)
{
    if (path->el[i].is_index)
        g_string_append_printf(k, "i%ld;", path->el[i].index);
    else
        g_string_append_printf(k, "n%zu:%s", strlen(path->el[i].name), path->el[i].name);
}

/* 1 + the index of the first path seen under key in table, or G_MAXUINT. */
static guint first_seen(GHashTable *table, const char *key)
{
    guint v = GPOINTER_TO_UINT(g_hash_table_lookup(table, key));
    return v ? v - 1 : G_MAXUINT;
}

static void remember(GHashTable *table, const char *key, guint index)
{
    if (!g_hash_table_contains(table, key))
        g_hash_table_insert(table, g_strdup(key), GUINT_TO_POINTER(index + 1));
}

static void path_message(parser *p, slot s, const char *what, const ddb_path *one, const ddb_path *two)
{
    GString *m = g_string_new(NULL);
    g_string_printf(m, "Two document paths %s with each other; must remove or rewrite one of these paths; path one: ",
                    what);
    ddb_path_render(m, one);
    g_string_append(m, ", path two: ");
    ddb_path_render(m, two);
    set_slot(p, s, g_string_free(m, FALSE));
}

/* Two paths of one update or projection may neither be one the prefix of
 * the other (overlap) nor disagree on whether a step is a name or an index
 * after the same leading steps (conflict). The paths seen are kept in hash
 * tables of their leading steps, so that each check costs the length of
 * the path, not the number of paths before it; the path reported is the
 * first one seen that clashes, as a pairwise scan in order would find. */
static void check_path(parser *p, ddb_path *path)
{
    if (p->slots[S_OVERLAP])
        return;
    guint overlap = G_MAXUINT, conflict = G_MAXUINT;
    GString *k = g_string_new(NULL);
    for (size_t i = 0; i < path->n; i++) {
        size_t base = k->len;
        /* a path seen with the same i leading steps and the other kind of step next */
        g_string_append(k, path->el[i].is_index ? "#n" : "#i");
        conflict = MIN(conflict, first_seen(p->forks, k->str));
        g_string_truncate(k, base);
        path_key_step(k, path, i);
        /* a path seen that is this one's first i + 1 steps */
        overlap = MIN(overlap, first_seen(p->wholes, k->str));
    }
    /* a path seen that starts with all of this one */
    overlap = MIN(overlap, first_seen(p->prefixes, k->str));
    if (conflict < overlap)
        path_message(p, S_CONFLICT, "conflict", p->paths->pdata[conflict], path);
    if (overlap != G_MAXUINT) {
        path_message(p, S_OVERLAP, "overlap", p->paths->pdata[overlap], path);
        g_string_free(k, TRUE);
        return;
    }
    guint index = p->paths->len;
    g_ptr_array_add(p->paths, path);
    g_string_truncate(k, 0);
    for (size_t i = 0; i < path->n; i++) {
        size_t base = k->len;
        g_string_append(k, path->el[i].is_index ? "#i" : "#n");
        remember(p->forks, k->str, index);
        g_string_truncate(k, base);
        path_key_step(k, path, i);
        remember(p->prefixes, k->str, index);
    }
    remember(p->wholes, k->str, index);
    g_string_free(k, TRUE);
}

/* ---- operands ---- */

static ddb_type operand_type(const ddb_operand *o, bool immediate);

static ddb_func func_of(parser *p, const char *name)
{
    static const struct {
        const char *name;
        ddb_func f;
        grammar g;
    } table[] = {
        {"attribute_exists", DDB_F_ATTRIBUTE_EXISTS, G_CONDITION},
        {"attribute_not_exists", DDB_F_ATTRIBUTE_NOT_EXISTS, G_CONDITION},
        {"attribute_type", DDB_F_ATTRIBUTE_TYPE, G_CONDITION},
        {"begins_with", DDB_F_BEGINS_WITH, G_CONDITION},
        {"contains", DDB_F_CONTAINS, G_CONDITION},
        {"size", DDB_F_SIZE, G_CONDITION},
        {"if_not_exists", DDB_F_IF_NOT_EXISTS, G_UPDATE},
        {"list_append", DDB_F_LIST_APPEND, G_UPDATE},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(table); i++)
        if (table[i].g == p->g && strcmp(table[i].name, name) == 0)
            return table[i].f;
    return DDB_F_UNKNOWN;
}

/* A value's type, or a function's result type; NONE when only the item
 * can tell. immediate: values only (the update grammar's view). */
static ddb_type operand_type(const ddb_operand *o, bool immediate)
{
    if (o->kind == DDB_OPD_VALUE)
        return o->value ? ddb_value_type(o->value) : DDB_T_NONE;
    if (immediate)
        return DDB_T_NONE;
    if (o->kind == DDB_OPD_PLUS || o->kind == DDB_OPD_MINUS)
        return DDB_T_N;
    if (o->kind != DDB_OPD_FUNC)
        return DDB_T_NONE;
    switch (o->func) {
    case DDB_F_SIZE:
        return DDB_T_N;
    case DDB_F_ATTRIBUTE_EXISTS:
    case DDB_F_ATTRIBUTE_NOT_EXISTS:
    case DDB_F_ATTRIBUTE_TYPE:
    case DDB_F_BEGINS_WITH:
    case DDB_F_CONTAINS:
        return DDB_T_BOOL;
    case DDB_F_IF_NOT_EXISTS:
        return o->nargs == 2 ? operand_type(o->args[1], false) : DDB_T_NONE;
    case DDB_F_LIST_APPEND:
        return DDB_T_L;
    case DDB_F_UNKNOWN:
        break;
    }
    return DDB_T_NONE;
}

static void wrong_operand_type(parser *p, const char *fname, const char *type)
{
    set_slot(p, S_FUNCTION,
             g_strdup_printf("Incorrect operand type for operator or function; operator or function: %s, operand "
                             "type: %s",
                             fname, type));
}

/* The first operand of a two-operand function or comparison must not be
 * the same path as the second. */
static void check_distinct(parser *p, const char *op, ddb_operand *a, ddb_operand *b)
{
    if (a->kind != DDB_OPD_PATH || b->kind != DDB_OPD_PATH || !paths_equal(&a->path, &b->path))
        return;
    GString *m = g_string_new(NULL);
    g_string_printf(m, "The first operand must be distinct from the remaining operands for this operator or "
                       "function; operator: %s, first operand: ",
                    op);
    ddb_path_render(m, &a->path);
    set_slot(p, S_DISTINCT, g_string_free(m, FALSE));
}

/* Condition functions other than size() are conditions, not operands. */
static void check_misused(parser *p, ddb_operand **ops, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ops[i]->kind == DDB_OPD_FUNC && ops[i]->func != DDB_F_SIZE && p->g == G_CONDITION)
            set_slot(p, S_MISUSED,
                     g_strdup_printf("The function is not allowed to be used this way in an expression; "
                                     "function: %s",
                                     ops[i]->fname));
}

static void check_function(parser *p, ddb_operand *f)
{
    if (f->func == DDB_F_UNKNOWN) {
        set_slot(p, S_UNKNOWN_FUNC, g_strdup_printf("Invalid function name; function: %s", f->fname));
        return;
    }
    size_t want = (f->func == DDB_F_ATTRIBUTE_EXISTS || f->func == DDB_F_ATTRIBUTE_NOT_EXISTS ||
                   f->func == DDB_F_SIZE)
                      ? 1
                      : 2;
    if (f->nargs != want) {
        set_slot(p, p->g == G_UPDATE ? S_FUNCTION : S_OPERAND,
                 g_strdup_printf("Incorrect number of operands for operator or function; operator or function: "
                                 "%s, number of operands: %zu",
                                 f->fname, f->nargs));
        return;
    }
    if (want == 2 && p->g == G_CONDITION)
        check_distinct(p, f->fname, f->args[0], f->args[1]);
    switch (f->func) {
    case DDB_F_ATTRIBUTE_EXISTS:
    case DDB_F_ATTRIBUTE_NOT_EXISTS:
    case DDB_F_IF_NOT_EXISTS:
        if (f->args[0]->kind != DDB_OPD_PATH)
            set_slot(p, S_FUNCTION,
                     g_strdup_printf("Operator or function requires a document path; operator or function: %s",
                                     f->fname));
        break;
    case DDB_F_BEGINS_WITH:
        for (size_t i = 0; i < 2; i++) {
            ddb_type t = operand_type(f->args[i], false);
            if (t != DDB_T_NONE && t != DDB_T_S && t != DDB_T_B) {
                wrong_operand_type(p, f->fname, ddb_type_name(t));
                break;
            }
        }
        break;
    case DDB_F_ATTRIBUTE_TYPE: {
        ddb_type t = operand_type(f->args[1], false);
        if (t != DDB_T_S) {
            wrong_operand_type(p, f->fname, t == DDB_T_NONE ? "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}" : ddb_type_name(t));
        } else {
            json_t *name = ddb_value_payload(f->args[1]->value);
            if (ddb_type_from_name(json_string_value(name)) == DDB_T_NONE)
                set_slot(p, S_FUNCTION,
                         g_strdup_printf("Invalid attribute type name found; type: %s, valid types: "
                                         "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
                                         json_string_value(name)));
        }
        break;
    }
    case DDB_F_SIZE: {
        ddb_type t = operand_type(f->args[0], false);
        if (t == DDB_T_N || t == DDB_T_BOOL || t == DDB_T_NULL)
            wrong_operand_type(p, f->fname, ddb_type_name(t));
        break;
    }
    case DDB_F_LIST_APPEND:
        for (size_t i = 0; i < 2; i++) {
            ddb_type t = operand_type(f->args[i], true);
            if (t != DDB_T_NONE && t != DDB_T_L) {
                wrong_operand_type(p, f->fname, ddb_type_name(t));
                break;
            }
        }
        break;
    case DDB_F_CONTAINS:
    case DDB_F_UNKNOWN:
        break;
    }
}

static ddb_operand *parse_operand(parser *p);

/* An operand, maybe in parentheses, as many as it likes: "((x))" parses,
 * and redundant_parens() words it afterwards, as DynamoDB does. A path may
 * go on after its parentheses: "((b.c)).d" is b.c.d. */
static ddb_operand *parse_operand_p(parser *p)
{
    if (tok(p)->kind != TK_LPAREN)
        return parse_operand(p);
    p->pos++;
    ddb_operand *o = parse_operand_p(p);
    if (!o || !accept(p, TK_RPAREN))
        return NULL;
    while (o->kind == DDB_OPD_PATH && tok(p)->kind == TK_DOT) {
        p->pos++;
        ddb_path more;
        if (!parse_path(p, &more))
            return NULL;
        ddb_path_el *els = alloc(p, sizeof(ddb_path_el) * (o->path.n + more.n));
        memcpy(els, o->path.el, sizeof(ddb_path_el) * o->path.n);
        memcpy(els + o->path.n, more.el, sizeof(ddb_path_el) * more.n);
        o->path.el = els;
        o->path.n += more.n;
    }
    return o;
}

static ddb_operand *parse_function(parser *p)
{
    const ddb_tok *name = tok(p);
    ddb_operand *f = alloc(p, sizeof *f);
    f->kind = DDB_OPD_FUNC;
    f->fname = arena_strndup(p->x, p->src + name->start, name->len);
    f->func = func_of(p, f->fname);
    p->pos += 2; /* name ( */
    GPtrArray *args = g_ptr_array_new();
    bool ok = true;
    for (;;) {
        ddb_operand *a = parse_operand_p(p);
        if (!a) {
            ok = false;
            break;
        }
        g_ptr_array_add(args, a);
        if (tok(p)->kind == TK_COMMA) {
            p->pos++;
            continue;
        }
        ok = accept(p, TK_RPAREN);
        break;
    }
    f->nargs = args->len;
    f->args = operand_array(p, args);
    g_ptr_array_unref(args);
    if (!ok)
        return NULL;
    p->operators++;
    check_misused(p, f->args, f->nargs);
    check_function(p, f);
    return f;
}

static ddb_operand *parse_operand(parser *p)
{
    const ddb_tok *t = tok(p);
    if (t->kind == TK_IDENT && !is_keyword(p, t) && tok_at(p, p->pos + 1)->kind == TK_LPAREN &&
        p->g != G_PROJECTION)
        return parse_function(p);
    if (t->kind == TK_VALUE && p->g != G_PROJECTION) {
        ddb_operand *o = alloc(p, sizeof *o);
        o->kind = DDB_OPD_VALUE;
        o->value = resolve_value(p, t);
        p->pos++;
        return o;
    }
    ddb_operand *o = alloc(p, sizeof *o);
    o->kind = DDB_OPD_PATH;
    return parse_path(p, &o->path) ? o : NULL;
}

/* ---- conditions ---- */

static ddb_cond *parse_or(parser *p);

static ddb_cond *cond_new(parser *p, ddb_cond_kind k)
{
    ddb_cond *c = alloc(p, sizeof *c);
    c->kind = k;
    return c;
}

/* After each simple condition, its first error (in this order) becomes
 * the condition error, unless an earlier condition already gave one. */
static void leaf_done(parser *p)
{
    static const slot order[] = {S_NAMEVAL, S_OPERAND, S_DISTINCT, S_FUNCTION};
    if (p->slots[S_CONDITION])
        return;
    for (size_t i = 0; i < G_N_ELEMENTS(order); i++) {
        if (p->slots[order[i]]) {
            p->slots[S_CONDITION] = g_strdup(p->slots[order[i]]);
            return;
        }
    }
}

/* size() alone is not a condition. */
static void check_bare_size(parser *p, ddb_cond *c)
{
    if (c && c->kind == DDB_C_FUNC && c->ops[0]->func == DDB_F_SIZE)
        set_slot(p, S_MISUSED,
                 g_strdup("The function is not allowed to be used this way in an expression; function: size"));
}

static bool is_comparator(ddb_tok_kind k)
{
    return k == TK_EQ || k == TK_NE || k == TK_LT || k == TK_LE || k == TK_GT || k == TK_GE;
}

static void check_between(parser *p, ddb_operand *lo, ddb_operand *hi)
{
    if (lo->kind != DDB_OPD_VALUE || hi->kind != DDB_OPD_VALUE || !lo->value || !hi->value)
        return;
    ddb_type a = ddb_value_type(lo->value), b = ddb_value_type(hi->value);
    GString *m = g_string_new(NULL);
    if (a != b)
        g_string_append(m, "The BETWEEN operator requires same data type for lower and upper bounds; ");
    else if (ddb_value_cmp(lo->value, hi->value) > 0)
        g_string_append(m, "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ");
    if (m->len == 0) {
        g_string_free(m, TRUE);
        return;
    }
    g_string_append(m, "lower bound operand: AttributeValue: ");
    ddb_value_render(m, lo->value);
    g_string_append(m, ", upper bound operand: AttributeValue: ");
    ddb_value_render(m, hi->value);
    set_slot(p, S_FUNCTION, g_string_free(m, FALSE));
}

static const char *cmp_symbol(ddb_cmp c)
{
    static const char *const s[] = {"=", "<>", "<", "<=", ">", ">="};
    return s[c];
}

/* A simple condition: a comparison, BETWEEN, IN, or a function. */
static ddb_cond *parse_simple(parser *p)
{
    ddb_operand *lhs = parse_operand_p(p);
    if (!lhs)
        return NULL;
    const ddb_tok *t = tok(p);
    ddb_cond *c;
    if (is_comparator(t->kind)) {
        c = cond_new(p, DDB_C_CMP);
        c->cmp = t->kind == TK_EQ   ? DDB_CMP_EQ
                 : t->kind == TK_NE ? DDB_CMP_NE
                 : t->kind == TK_LT ? DDB_CMP_LT
                 : t->kind == TK_LE ? DDB_CMP_LE
                 : t->kind == TK_GT ? DDB_CMP_GT
                                    : DDB_CMP_GE;
        p->pos++;
        ddb_operand *rhs = parse_operand_p(p);
        if (!rhs)
            return NULL;
        c->nops = 2;
        c->ops = alloc(p, sizeof(ddb_operand *) * 2);
        c->ops[0] = lhs;
        c->ops[1] = rhs;
        p->operators++;
        check_misused(p, c->ops, 2);
        check_distinct(p, cmp_symbol(c->cmp), lhs, rhs);
    } else if (is_word(p, t, "BETWEEN")) {
        p->pos++;
        ddb_operand *lo = parse_operand_p(p);
        if (!lo)
            return NULL;
        if (!is_word(p, tok(p), "AND"))
            return fail(p), NULL;
        p->pos++;
        ddb_operand *hi = parse_operand_p(p);
        if (!hi)
            return NULL;
        c = cond_new(p, DDB_C_BETWEEN);
        c->nops = 3;
        c->ops = alloc(p, sizeof(ddb_operand *) * 3);
        c->ops[0] = lhs;
        c->ops[1] = lo;
        c->ops[2] = hi;
        p->operators++;
        check_misused(p, c->ops, 3);
        check_between(p, lo, hi);
    } else if (is_word(p, t, "IN")) {
        p->pos++;
        if (!accept(p, TK_LPAREN))
            return NULL;
        GPtrArray *ops = g_ptr_array_new();
        g_ptr_array_add(ops, lhs);
        bool ok = true;
        for (;;) {
            ddb_operand *o = parse_operand_p(p);
            if (!o) {
                ok = false;
                break;
            }
            g_ptr_array_add(ops, o);
            if (tok(p)->kind == TK_COMMA) {
                p->pos++;
                continue;
            }
            ok = accept(p, TK_RPAREN);
            break;
        }
        c = cond_new(p, DDB_C_IN);
        c->nops = ops->len;
        c->ops = operand_array(p, ops);
        g_ptr_array_unref(ops);
        if (!ok)
            return NULL;
        p->operators++;
        check_misused(p, c->ops, c->nops);
        if (c->nops - 1 > MAX_IN_OPERANDS)
            set_slot(p, S_OPERAND,
                     g_strdup_printf("The IN operator is provided with too many operands; number of operands: %zu",
                                     c->nops - 1));
    } else if (lhs->kind == DDB_OPD_FUNC) {
        c = cond_new(p, DDB_C_FUNC);
        c->nops = 1;
        c->ops = alloc(p, sizeof(ddb_operand *));
        c->ops[0] = lhs;
    } else {
        return fail(p), NULL;
    }
    leaf_done(p);
    return c;
}

static ddb_cond *parse_primary(parser *p)
{
    if (tok(p)->kind == TK_LPAREN) {
        /* "(" starts either a condition in parentheses or a parenthesized
         * operand of a comparison: try the first, fall back on the second */
        size_t save = p->pos;
        p->pos++;
        ddb_cond *c = parse_or(p);
        if (c && tok(p)->kind == TK_RPAREN) {
            p->pos++;
            const ddb_tok *t = tok(p);
            if (!is_comparator(t->kind) && !is_word(p, t, "BETWEEN") && !is_word(p, t, "IN"))
                return c;
        }
        p->pos = save;
    }
    return parse_simple(p);
}

static ddb_cond *parse_not(parser *p)
{
    if (is_word(p, tok(p), "NOT")) {
        p->pos++;
        ddb_cond *a = parse_not(p);
        if (!a)
            return NULL;
        check_bare_size(p, a);
        ddb_cond *c = cond_new(p, DDB_C_NOT);
        c->a = a;
        p->operators++;
        return c;
    }
    return parse_primary(p);
}

static ddb_cond *parse_binary(parser *p, const char *word, ddb_cond_kind kind, ddb_cond *(*next)(parser *))
{
    ddb_cond *l = next(p);
    if (!l)
        return NULL;
    while (is_word(p, tok(p), word)) {
        p->pos++;
        ddb_cond *r = next(p);
        if (!r)
            return NULL;
        check_bare_size(p, l);
        check_bare_size(p, r);
        ddb_cond *c = cond_new(p, kind);
        c->a = l;
        c->b = r;
        p->operators++;
        l = c;
    }
    return l;
}

static ddb_cond *parse_and(parser *p)
{
    return parse_binary(p, "AND", DDB_C_AND, parse_not);
}

static ddb_cond *parse_or(parser *p)
{
    return parse_binary(p, "OR", DDB_C_OR, parse_and);
}

/* "((x))": a parenthesized group whose whole content is one more group. */
static bool redundant_parens(parser *p)
{
    size_t n = p->toks->len;
    for (size_t i = 0; i + 1 < n; i++) {
        if (tok_at(p, i)->kind != TK_LPAREN || tok_at(p, i + 1)->kind != TK_LPAREN)
            continue;
        /* the matches of both parentheses */
        size_t close[2] = {0, 0};
        for (int k = 0; k < 2; k++) {
            int depth = 0;
            for (size_t j = i + (size_t)k; j < n; j++) {
                ddb_tok_kind kind = tok_at(p, j)->kind;
                if (kind == TK_LPAREN)
                    depth++;
                else if (kind == TK_RPAREN && --depth == 0) {
                    close[k] = j;
                    break;
                }
            }
        }
        if (close[0] && close[1] && close[1] + 1 == close[0])
            return true;
    }
    return false;
}

/* ---- entry points ---- */

static char *prefixed(const char *what, const char *msg)
{
    return g_strdup_printf("Invalid %s: %s", what, msg);
}

/* Lexes and sets the parser up; an error for an empty or oversized
 * expression. */
static char *start(parser *p, ddb_exprs *x, grammar g, const char *what, const char *src)
{
    memset(p, 0, sizeof *p);
    p->x = x;
    p->g = g;
    p->src = src;
    p->len = strlen(src);
    if (p->len == 0)
        return prefixed(what, "The expression can not be empty;");
    if (p->len > MAX_EXPR_BYTES) {
        char *m = g_strdup_printf("Expression size has exceeded the maximum allowed size; expression size: %zu",
                                  p->len);
        char *full = prefixed(what, m);
        g_free(m);
        return full;
    }
    p->toks = ddb_lex(src, p->len);
    p->paths = g_ptr_array_new();
    p->prefixes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    p->wholes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    p->forks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return NULL;
}

static void finish(parser *p)
{
    for (int i = 0; i < S_COUNT; i++)
        g_free(p->slots[i]);
    if (p->toks)
        g_array_unref(p->toks);
    if (p->paths)
        g_ptr_array_unref(p->paths);
    if (p->prefixes) {
        g_hash_table_destroy(p->prefixes);
        g_hash_table_destroy(p->wholes);
        g_hash_table_destroy(p->forks);
    }
}

static char *syntax_error(parser *p, const char *what)
{
    GString *m = g_string_new(NULL);
    ddb_lex_syntax_error(m, p->src, p->len, p->toks, p->fail);
    char *full = prefixed(what, m->str);
    g_string_free(m, TRUE);
    return full;
}

/* The first set slot of order, prefixed; NULL when none. */
static char *first_error(parser *p, const char *what, const slot *order, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p->slots[order[i]])
            return prefixed(what, p->slots[order[i]]);
    return NULL;
}

static char *too_many_operators(parser *p, const char *what)
{
    if (p->operators <= MAX_OPERATORS)
        return NULL;
    char *m = g_strdup_printf("The expression contains too many operators; operator count: %d", p->operators);
    char *full = prefixed(what, m);
    g_free(m);
    return full;
}

ddb_cond *ddb_parse_condition(ddb_exprs *x, const char *what, const char *src, char **err)
{
    parser p;
    *err = start(&p, x, G_CONDITION, what, src);
    ddb_cond *c = NULL;
    if (!*err) {
        c = parse_or(&p);
        if (c && tok(&p)->kind != TK_EOF) {
            fail(&p);
            c = NULL;
        }
        if (!c) {
            *err = syntax_error(&p, what);
        } else {
            check_bare_size(&p, c);
            if (redundant_parens(&p))
                set_slot(&p, S_PARENS, g_strdup("The expression has redundant parentheses;"));
            static const slot order[] = {S_PARENS, S_UNKNOWN_FUNC, S_MISUSED, S_RESERVED, S_CONDITION};
            *err = first_error(&p, what, order, G_N_ELEMENTS(order));
            if (!*err)
                *err = too_many_operators(&p, what);
            if (*err)
                c = NULL;
        }
    }
    finish(&p);
    return c;
}

static bool parse_action(parser *p, ddb_action_kind kind, GArray *out)
{
    ddb_action a = {.kind = kind};
    if (!parse_path(p, &a.path))
        return false;
    if (kind == DDB_U_SET) {
        if (!accept(p, TK_EQ))
            return false;
        /* SET a = (b + c) and SET a = b + c alike */
        ddb_operand *v = NULL;
        size_t save = p->pos;
        bool wrapped = tok(p)->kind == TK_LPAREN;
        for (int attempt = wrapped ? 0 : 1; attempt < 2 && !v; attempt++) {
            p->pos = save + (attempt == 0 ? 1 : 0);
            ddb_operand *l = parse_operand_p(p);
            if (!l)
                continue;
            ddb_tok_kind k = tok(p)->kind;
            if (k == TK_PLUS || k == TK_MINUS) {
                p->pos++;
                ddb_operand *r = parse_operand_p(p);
                if (!r)
                    continue;
                ddb_operand *op = alloc(p, sizeof *op);
                op->kind = k == TK_PLUS ? DDB_OPD_PLUS : DDB_OPD_MINUS;
                op->fname = k == TK_PLUS ? "+" : "-";
                op->nargs = 2;
                op->args = alloc(p, sizeof(ddb_operand *) * 2);
                op->args[0] = l;
                op->args[1] = r;
                for (size_t i = 0; i < 2; i++) {
                    ddb_type t = operand_type(op->args[i], true);
                    if (t != DDB_T_NONE && t != DDB_T_N) {
                        wrong_operand_type(p, op->fname, ddb_type_name(t));
                        break;
                    }
                }
                l = op;
            }
            if (attempt == 0) {
                /* "(a) + b" is not "(a)" followed by junk: the wrapped
                 * reading holds only when the action ends at the ")" */
                if (!accept(p, TK_RPAREN))
                    continue;
                const ddb_tok *t = tok(p);
                if (t->kind != TK_COMMA && t->kind != TK_EOF && !is_keyword(p, t))
                    continue;
            }
            v = l;
        }
        if (!v)
            return false;
        a.value = v;
    } else if (kind == DDB_U_ADD || kind == DDB_U_DELETE) {
        const ddb_tok *t = tok(p);
        if (t->kind != TK_VALUE)
            return fail(p);
        ddb_operand *v = alloc(p, sizeof *v);
        v->kind = DDB_OPD_VALUE;
        v->value = resolve_value(p, t);
        p->pos++;
        a.value = v;
        ddb_type vt = v->value ? ddb_value_type(v->value) : DDB_T_NONE;
        static const char *const names[] = {[DDB_T_S] = "STRING", [DDB_T_N] = "NUMBER", [DDB_T_B] = "BINARY",
                                            [DDB_T_NULL] = "NULL", [DDB_T_BOOL] = "BOOLEAN", [DDB_T_L] = "LIST",
                                            [DDB_T_M] = "MAP"};
        bool scalar = vt == DDB_T_S || vt == DDB_T_N || vt == DDB_T_B || vt == DDB_T_NULL || vt == DDB_T_BOOL ||
                      vt == DDB_T_L || vt == DDB_T_M;
        if (scalar && !(kind == DDB_U_ADD && vt == DDB_T_N))
            set_slot(p, S_OPERAND,
                     g_strdup_printf("Incorrect operand type for operator or function; operator: %s, operand type: "
                                     "%s",
                                     kind == DDB_U_ADD ? "ADD" : "DELETE", names[vt]));
    }
    g_array_append_val(out, a);
    return true;
}

ddb_update *ddb_parse_update(ddb_exprs *x, const char *src, char **err)
{
    static const char *what = "UpdateExpression";
    static const struct {
        const char *word;
        ddb_action_kind kind;
    } sections[] = {{"SET", DDB_U_SET}, {"REMOVE", DDB_U_REMOVE}, {"ADD", DDB_U_ADD}, {"DELETE", DDB_U_DELETE}};
    parser p;
    *err = start(&p, x, G_UPDATE, what, src);
    if (*err) {
        finish(&p);
        return NULL;
    }
    GArray *actions = g_array_new(FALSE, TRUE, sizeof(ddb_action));
    bool seen[4] = {false, false, false, false};
    bool ok = true;
    do {
        size_t s = 0;
        while (s < G_N_ELEMENTS(sections) && !is_word(&p, tok(&p), sections[s].word))
            s++;
        if (s == G_N_ELEMENTS(sections)) {
            ok = fail(&p);
            break;
        }
        if (seen[s])
            set_slot(&p, S_SECTION,
                     g_strdup_printf("The \"%s\" section can only be used once in an update expression;",
                                     sections[s].word));
        seen[s] = true;
        p.pos++;
        do {
            ok = parse_action(&p, sections[s].kind, actions);
        } while (ok && tok(&p)->kind == TK_COMMA && (p.pos++, true));
    } while (ok && tok(&p)->kind != TK_EOF);

    ddb_update *u = NULL;
    if (!ok) {
        *err = syntax_error(&p, what);
    } else {
        u = ddb_exprs_alloc(x, sizeof *u);
        u->n = actions->len;
        u->actions = ddb_exprs_alloc(x, sizeof(ddb_action) * actions->len);
        memcpy(u->actions, actions->data, sizeof(ddb_action) * actions->len);
        for (size_t i = 0; i < u->n; i++)
            check_path(&p, &u->actions[i].path);
        static const slot order[] = {S_RESERVED, S_UNKNOWN_FUNC, S_SECTION, S_NAME,    S_VALUE,
                                     S_OVERLAP,  S_CONFLICT,     S_OPERAND, S_FUNCTION};
        *err = first_error(&p, what, order, G_N_ELEMENTS(order));
        if (*err)
            u = NULL;
    }
    g_array_unref(actions);
    finish(&p);
    return u;
}

ddb_projection *ddb_parse_projection(ddb_exprs *x, const char *src, char **err)
{
    static const char *what = "ProjectionExpression";
    parser p;
    *err = start(&p, x, G_PROJECTION, what, src);
    if (*err) {
        finish(&p);
        return NULL;
    }
    GArray *paths = g_array_new(FALSE, TRUE, sizeof(ddb_path));
    bool ok;
    do {
        ddb_path path;
        ok = parse_path(&p, &path);
        if (ok)
            g_array_append_val(paths, path);
    } while (ok && tok(&p)->kind == TK_COMMA && (p.pos++, true));
    if (ok && tok(&p)->kind != TK_EOF)
        ok = fail(&p);
    ddb_projection *pr = NULL;
    if (!ok) {
        *err = syntax_error(&p, what);
    } else {
        pr = ddb_exprs_alloc(x, sizeof *pr);
        pr->n = paths->len;
        pr->paths = ddb_exprs_alloc(x, sizeof(ddb_path) * paths->len);
        memcpy(pr->paths, paths->data, sizeof(ddb_path) * paths->len);
        for (size_t i = 0; i < pr->n; i++)
            check_path(&p, &pr->paths[i]);
        static const slot order[] = {S_RESERVED, S_NAMEVAL, S_OVERLAP, S_CONFLICT};
        *err = first_error(&p, what, order, G_N_ELEMENTS(order));
        if (*err)
            pr = NULL;
    }
    g_array_unref(paths);
    finish(&p);
    return pr;
}
