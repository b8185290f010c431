#include "services/dynamodb/partiql.h"

#include <stdlib.h>
#include <string.h>

#include "services/dynamodb/value.h"

#define MALFORMED "Statement wasn't well formed, can't be processed: "

/* ---- lexer ---- */

typedef enum tok_kind {
    TK_END,
    TK_IDENT,  /* bare word (keywords too) */
    TK_QIDENT, /* "quoted identifier" */
    TK_STRING, /* 'string' */
    TK_NUMBER,
    TK_PARAM,  /* ? */
    TK_PUNCT,  /* text: "(", "<=", "<<", ... */
} tok_kind;

typedef struct tok {
    tok_kind kind;
    char *text; /* unquoted text (g_malloc'd) */
} tok;

/* Words that cannot stand bare for an attribute name. */
static const char *const RESERVED[] = {
    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "BETWEEN", "IS", "MISSING", "NULL", "TRUE",
    "FALSE", "INSERT", "INTO", "VALUE", "VALUES", "UPDATE", "SET", "REMOVE", "DELETE", "RETURNING",
    "ORDER", "BY", "EXISTS", "LIMIT", "AS", "AT", "JOIN", "GROUP", "HAVING", "UNION", "CASE", "CAST",
};

static bool is_reserved(const char *w)
{
    for (size_t i = 0; i < G_N_ELEMENTS(RESERVED); i++)
        if (g_ascii_strcasecmp(w, RESERVED[i]) == 0)
            return true;
    return false;
}

/* The text inside quotes q, with doubled quotes as one; end past the
 * closing quote. NULL when the quote is not closed. */
static char *quoted(const char *s, size_t len, size_t *pos, char q)
{
    GString *out = g_string_new(NULL);
    size_t i = *pos + 1;
    while (i < len) {
        if (s[i] == q) {
            if (i + 1 < len && s[i + 1] == q) {
                g_string_append_c(out, q);
                i += 2;
                continue;
            }
            *pos = i + 1;
            return g_string_free(out, FALSE);
        }
        g_string_append_c(out, s[i++]);
    }
    g_string_free(out, TRUE);
    return NULL;
}

static void toks_free(GArray *toks)
{
    for (size_t i = 0; i < toks->len; i++)
        g_free(g_array_index(toks, tok, i).text);
    g_array_free(toks, TRUE);
}

static GArray *lex(const char *s, size_t len, char **err)
{
    static const char *const two[] = {"<>", "!=", "<=", ">=", "<<", ">>", "||"};
    GArray *toks = g_array_new(FALSE, FALSE, sizeof(tok));
    size_t i = 0;
    while (i < len) {
        char ch = s[i];
        if (g_ascii_isspace(ch)) {
            i++;
            continue;
        }
        if (ch == '-' && i + 1 < len && s[i + 1] == '-') { /* comment to the end of the line */
            while (i < len && s[i] != '\n')
                i++;
            continue;
        }
        tok t = {TK_PUNCT, NULL};
        if (g_ascii_isalpha(ch) || ch == '_' || ch == '$') {
            size_t b = i;
            while (i < len && (g_ascii_isalnum(s[i]) || s[i] == '_' || s[i] == '$'))
                i++;
            t.kind = TK_IDENT;
            t.text = g_strndup(s + b, i - b);
        } else if (ch == '"' || ch == '\'') {
            t.kind = ch == '"' ? TK_QIDENT : TK_STRING;
            t.text = quoted(s, len, &i, ch);
            if (!t.text) {
                *err = g_strdup(MALFORMED "Unexpected end of statement");
                toks_free(toks);
                return NULL;
            }
        } else if (g_ascii_isdigit(ch) || (ch == '.' && i + 1 < len && g_ascii_isdigit(s[i + 1]))) {
            size_t b = i;
            while (i < len && g_ascii_isdigit(s[i]))
                i++;
            if (i < len && s[i] == '.') {
                i++;
                while (i < len && g_ascii_isdigit(s[i]))
                    i++;
            }
            if (i < len && (s[i] == 'e' || s[i] == 'E')) {
                size_t e = i + 1;
                if (e < len && (s[e] == '+' || s[e] == '-'))
                    e++;
                if (e < len && g_ascii_isdigit(s[e])) {
                    i = e;
                    while (i < len && g_ascii_isdigit(s[i]))
                        i++;
                }
            }
            t.kind = TK_NUMBER;
            t.text = g_strndup(s + b, i - b);
        } else if (ch == '?') {
            t.kind = TK_PARAM;
            i++;
        } else {
            for (size_t k = 0; k < G_N_ELEMENTS(two) && !t.text; k++)
                if (i + 1 < len && s[i] == two[k][0] && s[i + 1] == two[k][1])
                    t.text = g_strdup(two[k]);
            if (!t.text) {
                /* (strchr finds a NUL too: it would be a token of no length) */
                if (!ch || !strchr("(),.[]{}:*=<>+-;", ch)) {
                    *err = g_strdup_printf(MALFORMED "Unexpected character: %c", g_ascii_isprint(ch) ? ch : '?');
                    toks_free(toks);
                    return NULL;
                }
                t.text = g_strndup(&ch, 1);
            }
            i += strlen(t.text);
        }
        g_array_append_val(toks, t);
    }
    /* a statement may end with one semicolon */
    if (toks->len && g_array_index(toks, tok, toks->len - 1).kind == TK_PUNCT &&
        strcmp(g_array_index(toks, tok, toks->len - 1).text, ";") == 0) {
        g_free(g_array_index(toks, tok, toks->len - 1).text);
        g_array_set_size(toks, toks->len - 1);
    }
    tok end = {TK_END, NULL};
    g_array_append_val(toks, end);
    return toks;
}

/* ---- nodes ---- */

static void node_free(gpointer p);

static ddb_pql_node *node_new(ddb_pql_node_kind kind, char *text)
{
    ddb_pql_node *n = g_new0(ddb_pql_node, 1);
    n->kind = kind;
    n->text = text;
    return n;
}

static void node_add(ddb_pql_node *n, ddb_pql_node *kid)
{
    if (!n->kids)
        n->kids = g_ptr_array_new_with_free_func(node_free);
    g_ptr_array_add(n->kids, kid);
}

static void node_free(gpointer p)
{
    ddb_pql_node *n = p;
    if (!n)
        return;
    g_free(n->text);
    if (n->kids)
        g_ptr_array_free(n->kids, TRUE);
    g_free(n);
}

static ddb_pql_node *kid(const ddb_pql_node *n, size_t i)
{
    return g_ptr_array_index(n->kids, i);
}

static size_t nkids(const ddb_pql_node *n)
{
    return n->kids ? n->kids->len : 0;
}

/* ---- parser ---- */

typedef struct parser {
    GArray *toks;
    size_t pos;
    int depth;
    size_t nparams;
    char *err; /* the first error (g_malloc'd) */
} parser;

static tok *peek(parser *p)
{
    return &g_array_index(p->toks, tok, p->pos);
}

static tok *peek_at(parser *p, size_t ahead)
{
    size_t i = p->pos + ahead;
    if (i >= p->toks->len)
        i = p->toks->len - 1;
    return &g_array_index(p->toks, tok, i);
}

static bool failed(parser *p)
{
    return p->err != NULL;
}

static void fail(parser *p, const char *what)
{
    if (!p->err)
        p->err = g_strconcat(MALFORMED, what, NULL);
}

/* The generic error at the current token. */
static void unexpected(parser *p)
{
    tok *t = peek(p);
    if (t->kind == TK_END)
        fail(p, "Unexpected end of statement");
    else if (t->kind == TK_IDENT && is_reserved(t->text))
        fail(p, "Unexpected keyword");
    else
        fail(p, "Unexpected token");
}

static bool is_word(tok *t, const char *w)
{
    return t->kind == TK_IDENT && g_ascii_strcasecmp(t->text, w) == 0;
}

static bool is_punct(tok *t, const char *c)
{
    return t->kind == TK_PUNCT && strcmp(t->text, c) == 0;
}

static bool accept_word(parser *p, const char *w)
{
    if (!is_word(peek(p), w))
        return false;
    p->pos++;
    return true;
}

static bool accept_punct(parser *p, const char *c)
{
    if (!is_punct(peek(p), c))
        return false;
    p->pos++;
    return true;
}

static bool expect_word(parser *p, const char *w)
{
    if (accept_word(p, w))
        return true;
    unexpected(p);
    return false;
}

static bool expect_punct(parser *p, const char *c)
{
    if (accept_punct(p, c))
        return true;
    unexpected(p);
    return false;
}

static bool enter(parser *p)
{
    if (++p->depth > DDB_PQL_MAX_DEPTH) {
        fail(p, "Expression nesting is too deep");
        return false;
    }
    return true;
}

static void leave(parser *p)
{
    p->depth--;
}

/* An attribute name: a bare word that is not reserved, or a quoted one. */
static char *name(parser *p)
{
    tok *t = peek(p);
    if (t->kind == TK_QIDENT || (t->kind == TK_IDENT && !is_reserved(t->text))) {
        p->pos++;
        return g_strdup(t->text);
    }
    unexpected(p);
    return NULL;
}

/* name {. name | [number] | ['name']} */
static ddb_pql_node *path(parser *p)
{
    char *first = name(p);
    if (!first)
        return NULL;
    ddb_pql_node *n = node_new(DDB_PQL_PATH, NULL);
    node_add(n, node_new(DDB_PQL_STR, first));
    for (;;) {
        if (accept_punct(p, ".")) {
            char *c = name(p);
            if (!c)
                break;
            node_add(n, node_new(DDB_PQL_STR, c));
        } else if (accept_punct(p, "[")) {
            tok *t = peek(p);
            if (t->kind == TK_NUMBER && strspn(t->text, "0123456789") == strlen(t->text) &&
                strlen(t->text) < 10) {
                ddb_pql_node *ix = node_new(DDB_PQL_NUM, g_strdup(t->text));
                ix->num = strtol(t->text, NULL, 10);
                node_add(n, ix);
            } else if (t->kind == TK_STRING) {
                node_add(n, node_new(DDB_PQL_STR, g_strdup(t->text)));
            } else {
                unexpected(p);
                break;
            }
            p->pos++;
            if (!expect_punct(p, "]"))
                break;
        } else {
            break;
        }
    }
    if (failed(p)) {
        node_free(n);
        return NULL;
    }
    return n;
}

static ddb_pql_node *expr(parser *p);
static ddb_pql_node *value(parser *p);

/* Comma-separated values up to close; into n. */
static void value_list(parser *p, ddb_pql_node *n, const char *close)
{
    if (accept_punct(p, close))
        return;
    do {
        ddb_pql_node *v = value(p);
        if (!v)
            return;
        node_add(n, v);
    } while (accept_punct(p, ","));
    expect_punct(p, close);
}

/* {'k': v, ...} */
static ddb_pql_node *map_literal(parser *p)
{
    ddb_pql_node *n = node_new(DDB_PQL_MAP, NULL);
    if (!accept_punct(p, "}")) {
        do {
            tok *t = peek(p);
            if (t->kind != TK_STRING && t->kind != TK_QIDENT) {
                unexpected(p);
                break;
            }
            node_add(n, node_new(DDB_PQL_STR, g_strdup(t->text)));
            p->pos++;
            if (!expect_punct(p, ":"))
                break;
            ddb_pql_node *v = value(p);
            if (!v)
                break;
            node_add(n, v);
        } while (accept_punct(p, ","));
        if (!failed(p))
            expect_punct(p, "}");
    }
    if (failed(p)) {
        node_free(n);
        return NULL;
    }
    return n;
}

/* A literal, a parameter, a path, a function call or a parenthesized
 * expression. */
static ddb_pql_node *primary(parser *p)
{
    if (!enter(p))
        return NULL;
    ddb_pql_node *n = NULL;
    tok *t = peek(p);
    if (t->kind == TK_STRING) {
        n = node_new(DDB_PQL_STR, g_strdup(t->text));
        p->pos++;
    } else if (t->kind == TK_NUMBER || (is_punct(t, "-") && peek_at(p, 1)->kind == TK_NUMBER)) {
        bool neg = t->kind == TK_PUNCT;
        if (neg)
            p->pos++;
        n = node_new(DDB_PQL_NUM, g_strconcat(neg ? "-" : "", peek(p)->text, NULL));
        p->pos++;
    } else if (t->kind == TK_PARAM) {
        n = node_new(DDB_PQL_PARAM, NULL);
        n->num = (long)p->nparams++;
        p->pos++;
    } else if (is_word(t, "TRUE") || is_word(t, "FALSE")) {
        n = node_new(DDB_PQL_BOOL, NULL);
        n->num = is_word(t, "TRUE");
        p->pos++;
    } else if (is_word(t, "NULL")) {
        n = node_new(DDB_PQL_NULL, NULL);
        p->pos++;
    } else if (is_word(t, "MISSING")) {
        n = node_new(DDB_PQL_MISSING, NULL);
        p->pos++;
    } else if (accept_punct(p, "{")) {
        n = map_literal(p);
    } else if (accept_punct(p, "[")) {
        n = node_new(DDB_PQL_LIST, NULL);
        value_list(p, n, "]");
    } else if (accept_punct(p, "<<")) {
        n = node_new(DDB_PQL_BAG, NULL);
        value_list(p, n, ">>");
    } else if (accept_punct(p, "(")) {
        n = expr(p);
        if (n)
            expect_punct(p, ")");
    } else if (t->kind == TK_IDENT && !is_reserved(t->text) && is_punct(peek_at(p, 1), "(")) {
        n = node_new(DDB_PQL_CALL, g_ascii_strdown(t->text, -1));
        p->pos += 2;
        value_list(p, n, ")");
    } else {
        n = path(p);
    }
    leave(p);
    if (failed(p)) {
        node_free(n);
        return NULL;
    }
    return n;
}

/* primary {(+|-) primary}: the values of SET. */
static ddb_pql_node *value(parser *p)
{
    ddb_pql_node *n = primary(p);
    while (n && (is_punct(peek(p), "+") || is_punct(peek(p), "-"))) {
        ddb_pql_node *a = node_new(DDB_PQL_ARITH, g_strdup(peek(p)->text));
        p->pos++;
        node_add(a, n);
        n = a;
        ddb_pql_node *r = primary(p);
        if (!r) {
            node_free(n);
            return NULL;
        }
        node_add(n, r);
    }
    return n;
}

static const char *const CMP_OPS[] = {"=", "<>", "!=", "<", "<=", ">", ">="};

/* value [op value | [NOT] BETWEEN .. AND .. | [NOT] IN (list) | IS [NOT] type] */
static ddb_pql_node *predicate(parser *p)
{
    ddb_pql_node *left = value(p);
    if (!left)
        return NULL;
    tok *t = peek(p);
    for (size_t i = 0; i < G_N_ELEMENTS(CMP_OPS); i++) {
        if (is_punct(t, CMP_OPS[i])) {
            p->pos++;
            ddb_pql_node *n = node_new(DDB_PQL_CMP, g_strdup(i == 2 ? "<>" : CMP_OPS[i]));
            node_add(n, left);
            ddb_pql_node *right = value(p);
            if (!right) {
                node_free(n);
                return NULL;
            }
            node_add(n, right);
            return n;
        }
    }
    if (is_word(t, "IS")) {
        p->pos++;
        ddb_pql_node *n = node_new(DDB_PQL_IS, NULL);
        node_add(n, left);
        n->num = accept_word(p, "NOT");
        tok *ty = peek(p);
        if (ty->kind != TK_IDENT) {
            unexpected(p);
            node_free(n);
            return NULL;
        }
        n->text = g_ascii_strup(ty->text, -1);
        p->pos++;
        return n;
    }
    bool negate = false;
    if (is_word(t, "NOT") && (is_word(peek_at(p, 1), "BETWEEN") || is_word(peek_at(p, 1), "IN"))) {
        negate = true;
        p->pos++;
        t = peek(p);
    }
    ddb_pql_node *n = NULL;
    if (accept_word(p, "BETWEEN")) {
        n = node_new(DDB_PQL_BETWEEN, NULL);
        node_add(n, left);
        ddb_pql_node *lo = value(p);
        if (lo) {
            node_add(n, lo);
            if (expect_word(p, "AND")) {
                ddb_pql_node *hi = value(p);
                if (hi)
                    node_add(n, hi);
            }
        }
    } else if (accept_word(p, "IN")) {
        n = node_new(DDB_PQL_IN, NULL);
        node_add(n, left);
        if (accept_punct(p, "["))
            value_list(p, n, "]");
        else if (accept_punct(p, "("))
            value_list(p, n, ")");
        else
            unexpected(p);
        if (!failed(p) && nkids(n) < 2)
            p->err = g_strdup("IN operator must have a left hand argument of type Variable Reference and right "
                              "hand argument of type Seq with at least one member");
    } else {
        return left;
    }
    if (failed(p)) {
        node_free(n);
        return NULL;
    }
    if (negate) {
        ddb_pql_node *no = node_new(DDB_PQL_NOT, NULL);
        node_add(no, n);
        n = no;
    }
    return n;
}

static ddb_pql_node *not_expr(parser *p)
{
    if (!is_word(peek(p), "NOT"))
        return predicate(p);
    p->pos++;
    if (!enter(p))
        return NULL;
    ddb_pql_node *inner = not_expr(p);
    leave(p);
    if (!inner)
        return NULL;
    ddb_pql_node *n = node_new(DDB_PQL_NOT, NULL);
    node_add(n, inner);
    return n;
}

/* Chains of one operator build one flat node. */
static ddb_pql_node *binary(parser *p, const char *word, ddb_pql_node_kind kind, ddb_pql_node *(*sub)(parser *))
{
    ddb_pql_node *n = sub(p);
    if (!n || !is_word(peek(p), word))
        return n;
    ddb_pql_node *all = node_new(kind, NULL);
    node_add(all, n);
    while (accept_word(p, word)) {
        ddb_pql_node *r = sub(p);
        if (!r) {
            node_free(all);
            return NULL;
        }
        node_add(all, r);
    }
    return all;
}

static ddb_pql_node *and_expr(parser *p)
{
    return binary(p, "AND", DDB_PQL_AND, not_expr);
}

static ddb_pql_node *expr(parser *p)
{
    return binary(p, "OR", DDB_PQL_OR, and_expr);
}

/* "t" or "t"."index" */
static bool source(parser *p, ddb_pql_stmt *s, bool index_ok)
{
    s->table = name(p);
    if (!s->table)
        return false;
    if (accept_punct(p, ".")) {
        if (!index_ok) {
            p->err = g_strdup("FROM clause may only contain a single table name in data manipulation statements");
            return false;
        }
        s->index = name(p);
        if (!s->index)
            return false;
        if (is_punct(peek(p), ".")) {
            p->err = g_strdup("A path may contain at most 2 components in the FROM clause");
            return false;
        }
    }
    return true;
}

static void order_by(parser *p, ddb_pql_stmt *s)
{
    s->order = g_array_new(FALSE, FALSE, sizeof(ddb_pql_order));
    do {
        char *k = name(p);
        if (!k)
            return;
        ddb_pql_order o = {k, false};
        if (accept_word(p, "DESC"))
            o.desc = true;
        else
            accept_word(p, "ASC");
        g_array_append_val(s->order, o);
    } while (accept_punct(p, ","));
}

static void select_stmt(parser *p, ddb_pql_stmt *s)
{
    if (accept_punct(p, "*")) {
        if (is_punct(peek(p), ",")) {
            p->err = g_strdup("Other attributes should not be present in the projection when '*' is used.");
            return;
        }
    } else {
        s->proj = g_ptr_array_new_with_free_func(node_free);
        do {
            if (is_punct(peek(p), "*")) {
                p->err = g_strdup("Other attributes should not be present in the projection when '*' is used.");
                return;
            }
            ddb_pql_node *n = path(p);
            if (!n)
                return;
            g_ptr_array_add(s->proj, n);
        } while (accept_punct(p, ","));
    }
    if (!expect_word(p, "FROM") || !source(p, s, true))
        return;
    if (accept_word(p, "WHERE") && !(s->where = expr(p)))
        return;
    if (accept_word(p, "ORDER")) {
        if (!expect_word(p, "BY"))
            return;
        if (!s->where) {
            p->err = g_strdup("Must have WHERE clause in the statement when using ORDER BY clause.");
            return;
        }
        order_by(p, s);
    }
}

static void returning(parser *p, ddb_pql_stmt *s)
{
    if (!accept_word(p, "RETURNING"))
        return;
    bool all = accept_word(p, "ALL");
    if (!all && !expect_word(p, "MODIFIED"))
        return;
    bool old = accept_word(p, "OLD");
    if (!old && !expect_word(p, "NEW"))
        return;
    if (!accept_punct(p, "*")) {
        p->err = g_strdup("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause");
        return;
    }
    if (is_punct(peek(p), ",")) {
        p->err = g_strdup("Invalid syntax with multiple returning elements in RETURNING clause");
        return;
    }
    s->returning = all ? (old ? DDB_PQL_RET_ALL_OLD : DDB_PQL_RET_ALL_NEW)
                       : (old ? DDB_PQL_RET_MODIFIED_OLD : DDB_PQL_RET_MODIFIED_NEW);
}

static void update_stmt(parser *p, ddb_pql_stmt *s)
{
    if (!source(p, s, false))
        return;
    s->actions = g_array_new(FALSE, FALSE, sizeof(ddb_pql_action));
    for (;;) {
        bool remove;
        if (accept_word(p, "SET"))
            remove = false;
        else if (accept_word(p, "REMOVE"))
            remove = true;
        else
            break;
        do {
            ddb_pql_action a = {remove, path(p), NULL};
            if (!a.path)
                return;
            g_array_append_val(s->actions, a);
            if (!remove) {
                if (!expect_punct(p, "="))
                    return;
                ddb_pql_node *v = value(p);
                if (!v)
                    return;
                g_array_index(s->actions, ddb_pql_action, s->actions->len - 1).value = v;
            }
        } while (accept_punct(p, ","));
    }
    if (!s->actions->len) {
        unexpected(p);
        return;
    }
    if (!expect_word(p, "WHERE") || !(s->where = expr(p)))
        return;
    returning(p, s);
}

static void delete_stmt(parser *p, ddb_pql_stmt *s)
{
    if (!expect_word(p, "FROM") || !source(p, s, false))
        return;
    if (!expect_word(p, "WHERE") || !(s->where = expr(p)))
        return;
    returning(p, s);
    if (!failed(p) && s->returning != DDB_PQL_RET_NONE && s->returning != DDB_PQL_RET_ALL_OLD) {
        static const char *const names[] = {"", "ALL OLD *", "ALL NEW *", "MODIFIED OLD *", "MODIFIED NEW *"};
        p->err = g_strdup_printf("Invalid returning clause: RETURNING %s. Only RETURNING ALL OLD * is allowed in "
                                 "DELETE statements.",
                                 names[s->returning]);
    }
}

static void insert_stmt(parser *p, ddb_pql_stmt *s)
{
    if (!expect_word(p, "INTO") || !source(p, s, false))
        return;
    if (is_word(peek(p), "VALUES")) {
        p->err = g_strdup("Unsupported operation: Inserting multiple items in a single statement is not supported, "
                          "use \"INSERT INTO tableName VALUE item\" instead");
        return;
    }
    if (!expect_word(p, "VALUE"))
        return;
    if (!is_punct(peek(p), "{")) {
        p->err = g_strdup("Unsupported format in item expression. Please use struct format {...} to express item "
                          "values for insert statement.");
        return;
    }
    s->item = primary(p);
    if (!failed(p) && is_word(peek(p), "RETURNING"))
        p->err = g_strdup("RETURNING is not supported in INSERT");
}

ddb_pql_stmt *ddb_pql_parse(const char *text, size_t len, char **err)
{
    /* A statement from the wire is UTF-8 already; one from elsewhere must be
     * too, or its strings could not become attribute values. */
    const char *bad = NULL;
    if (!g_utf8_validate_len(text, len, &bad)) {
        *err = g_strdup(MALFORMED "Unexpected character: ?");
        return NULL;
    }
    GArray *toks = lex(text, len, err);
    if (!toks)
        return NULL;
    parser p = {toks, 0, 0, 0, NULL};
    ddb_pql_stmt *s = g_new0(ddb_pql_stmt, 1);
    if (accept_word(&p, "SELECT")) {
        s->kind = DDB_PQL_SELECT;
        select_stmt(&p, s);
    } else if (accept_word(&p, "INSERT")) {
        s->kind = DDB_PQL_INSERT;
        insert_stmt(&p, s);
    } else if (accept_word(&p, "UPDATE")) {
        s->kind = DDB_PQL_UPDATE;
        update_stmt(&p, s);
    } else if (accept_word(&p, "DELETE")) {
        s->kind = DDB_PQL_DELETE;
        delete_stmt(&p, s);
    } else if (accept_word(&p, "EXISTS")) {
        s->kind = DDB_PQL_EXISTS;
        if (expect_punct(&p, "(") && expect_word(&p, "SELECT")) {
            select_stmt(&p, s);
            if (!failed(&p))
                expect_punct(&p, ")");
        }
    } else {
        fail(&p, "Expected data manipulation");
    }
    if (!failed(&p) && peek(&p)->kind != TK_END)
        unexpected(&p);
    s->nparams = p.nparams;
    toks_free(toks);
    if (failed(&p)) {
        *err = p.err;
        ddb_pql_free(s);
        return NULL;
    }
    return s;
}

void ddb_pql_free(ddb_pql_stmt *s)
{
    if (!s)
        return;
    g_free(s->table);
    g_free(s->index);
    if (s->proj)
        g_ptr_array_free(s->proj, TRUE);
    node_free(s->where);
    if (s->order) {
        for (size_t i = 0; i < s->order->len; i++)
            g_free(g_array_index(s->order, ddb_pql_order, i).name);
        g_array_free(s->order, TRUE);
    }
    node_free(s->item);
    if (s->actions) {
        for (size_t i = 0; i < s->actions->len; i++) {
            ddb_pql_action *a = &g_array_index(s->actions, ddb_pql_action, i);
            node_free(a->path);
            node_free(a->value);
        }
        g_array_free(s->actions, TRUE);
    }
    g_free(s);
}

/* ---- values ---- */

bool ddb_pql_is_value(const ddb_pql_node *n)
{
    switch (n->kind) {
    case DDB_PQL_STR:
    case DDB_PQL_NUM:
    case DDB_PQL_BOOL:
    case DDB_PQL_NULL:
    case DDB_PQL_PARAM:
        return true;
    case DDB_PQL_MAP:
    case DDB_PQL_LIST:
    case DDB_PQL_BAG:
        /* literals nest as deep as the parser let them: bounded */
        for (size_t i = 0; i < nkids(n); i++)
            if (!ddb_pql_is_value(kid(n, i)))
                return false;
        return true;
    default:
        return false;
    }
}

const char *ddb_pql_simple_name(const ddb_pql_node *n)
{
    if (n->kind != DDB_PQL_PATH || nkids(n) != 1 || kid(n, 0)->kind != DDB_PQL_STR)
        return NULL;
    return kid(n, 0)->text;
}

static json_t *bag_value(const ddb_pql_node *n, json_t *params, const char *key, char **err)
{
    if (!nkids(n)) {
        *err = g_strdup("Empty bags are not supported");
        return NULL;
    }
    json_t *members = json_array();
    ddb_type t = DDB_T_NONE;
    for (size_t i = 0; i < nkids(n); i++) {
        json_t *v = ddb_pql_value(kid(n, i), params, key, err);
        if (!v)
            break;
        ddb_type vt = ddb_value_type(v);
        if ((vt != DDB_T_S && vt != DDB_T_N && vt != DDB_T_B) || (t != DDB_T_NONE && vt != t)) {
            *err = g_strdup("Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags");
            json_decref(v);
            break;
        }
        t = vt;
        json_array_append(members, ddb_value_payload(v));
        json_decref(v);
    }
    if (*err) {
        json_decref(members);
        return NULL;
    }
    return ddb_value_new(t == DDB_T_S ? DDB_T_SS : t == DDB_T_N ? DDB_T_NS : DDB_T_BS, members);
}

json_t *ddb_pql_value(const ddb_pql_node *n, json_t *params, const char *key, char **err)
{
    switch (n->kind) {
    case DDB_PQL_STR:
        return json_pack("{s:s}", "S", n->text);
    case DDB_PQL_NUM:
        return json_pack("{s:s}", "N", n->text);
    case DDB_PQL_BOOL:
        return json_pack("{s:b}", "BOOL", (int)n->num);
    case DDB_PQL_NULL:
        return json_pack("{s:b}", "NULL", 1);
    case DDB_PQL_PARAM: {
        json_t *v = json_array_get(params, (size_t)n->num);
        if (!v) {
            *err = g_strdup("Number of parameters in request and statement don't match.");
            return NULL;
        }
        return json_deep_copy(v);
    }
    case DDB_PQL_MAP: {
        json_t *m = json_object();
        for (size_t i = 0; i + 1 < nkids(n); i += 2) {
            const char *k = kid(n, i)->text;
            if (json_object_get(m, k)) {
                *err = g_strdup_printf("Duplicate keys in tuple. Key: %s under %s", k, key ? key : "item");
                break;
            }
            json_t *v = ddb_pql_value(kid(n, i + 1), params, k, err);
            if (!v)
                break;
            json_object_set_new(m, k, v);
        }
        if (*err) {
            json_decref(m);
            return NULL;
        }
        return ddb_value_new(DDB_T_M, m);
    }
    case DDB_PQL_LIST: {
        json_t *l = json_array();
        for (size_t i = 0; i < nkids(n); i++) {
            json_t *v = ddb_pql_value(kid(n, i), params, key, err);
            if (!v)
                break;
            json_array_append_new(l, v);
        }
        if (*err) {
            json_decref(l);
            return NULL;
        }
        return ddb_value_new(DDB_T_L, l);
    }
    case DDB_PQL_BAG:
        return bag_value(n, params, key, err);
    case DDB_PQL_MISSING:
        *err = g_strdup("MISSING must be compared using IS operator");
        return NULL;
    default:
        *err = g_strdup_printf("Unsupported data type: %s under key %s", "expression", key ? key : "item");
        return NULL;
    }
}
