/* partiql: DynamoDB's dialect of PartiQL, read into a statement tree.
 *
 * SELECT proj FROM "t"[."index"] [WHERE cond] [ORDER BY key [ASC|DESC], ...]
 * INSERT INTO "t" VALUE {...}
 * UPDATE "t" (SET path = value, ... | REMOVE path, ...)... WHERE cond
 *        [RETURNING (ALL|MODIFIED) (OLD|NEW) *]
 * DELETE FROM "t" WHERE cond [RETURNING ALL OLD *]
 * EXISTS(SELECT * FROM "t" WHERE cond)   (ExecuteTransaction only)
 *
 * Literals are 'strings', numbers, TRUE / FALSE / NULL, {'k': v} maps,
 * [lists], <<sets>> and ? parameters; conditions are comparisons, BETWEEN,
 * IN, AND / OR / NOT, IS [NOT] MISSING / NULL / a type, and the functions
 * of DynamoDB's expressions. Nothing here is evaluated: partiql_exec.c
 * turns a statement into the request of the item operation it stands for
 * (a Query, a PutItem ...) whose own expression evaluator does the work.
 *
 * Reading is one pass over the text (a lexer and a recursive descent
 * parser), linear in its length; nesting is bounded (DDB_PQL_MAX_DEPTH)
 * so that no input can exhaust the stack. Errors carry DynamoDB's
 * message: "Statement wasn't well formed, can't be processed: ..." and
 * the others of its ValidationExceptions. */
#ifndef MOCKAWS_DYNAMODB_PARTIQL_H
#define MOCKAWS_DYNAMODB_PARTIQL_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* How deep expressions and literals may nest (parentheses, NOT, maps,
 * lists). DynamoDB documents 32 levels for documents; a statement gets a
 * few more for the operators around them. */
#define DDB_PQL_MAX_DEPTH 64

typedef enum ddb_pql_node_kind {
    DDB_PQL_STR,     /* 'text' (text) */
    DDB_PQL_NUM,     /* 12.5 (text as written) */
    DDB_PQL_BOOL,    /* TRUE / FALSE (num: 1 / 0) */
    DDB_PQL_NULL,
    DDB_PQL_MISSING, /* only valid after IS */
    DDB_PQL_PARAM,   /* ? (num: its position, from 0) */
    DDB_PQL_MAP,     /* {k: v}: kids alternate key (STR) and value */
    DDB_PQL_LIST,    /* [a, b] */
    DDB_PQL_BAG,     /* <<a, b>> */
    DDB_PQL_PATH,    /* a.b[0]: kids are STR (names) and NUM (indexes) */
    DDB_PQL_CMP,     /* kids[0] op kids[1] (text: "=", "<>", "<", ...) */
    DDB_PQL_BETWEEN, /* kids[0] BETWEEN kids[1] AND kids[2] */
    DDB_PQL_IN,      /* kids[0] IN kids[1..] */
    DDB_PQL_AND,
    DDB_PQL_OR,
    DDB_PQL_NOT,
    DDB_PQL_IS,      /* kids[0] IS [NOT] type (text: "MISSING", "NULL", ...; num: 1 for NOT) */
    DDB_PQL_CALL,    /* text(kids...), text lowercased */
    DDB_PQL_ARITH,   /* kids[0] text kids[1], text "+" or "-" */
} ddb_pql_node_kind;

typedef struct ddb_pql_node {
    ddb_pql_node_kind kind;
    char *text;                   /* see the kinds (g_malloc'd), or NULL */
    long num;
    GPtrArray *kids;              /* ddb_pql_node* (owned), or NULL */
} ddb_pql_node;

typedef enum ddb_pql_kind {
    DDB_PQL_SELECT,
    DDB_PQL_INSERT,
    DDB_PQL_UPDATE,
    DDB_PQL_DELETE,
    DDB_PQL_EXISTS,
} ddb_pql_kind;

typedef enum ddb_pql_returning {
    DDB_PQL_RET_NONE,
    DDB_PQL_RET_ALL_OLD,
    DDB_PQL_RET_ALL_NEW,
    DDB_PQL_RET_MODIFIED_OLD,
    DDB_PQL_RET_MODIFIED_NEW,
} ddb_pql_returning;

/* One SET or REMOVE of an UPDATE. */
typedef struct ddb_pql_action {
    bool remove;
    ddb_pql_node *path;  /* owned */
    ddb_pql_node *value; /* SET: owned; REMOVE: NULL */
} ddb_pql_action;

/* One ORDER BY key. */
typedef struct ddb_pql_order {
    char *name;
    bool desc;
} ddb_pql_order;

typedef struct ddb_pql_stmt {
    ddb_pql_kind kind;
    char *table;             /* g_malloc'd */
    char *index;             /* SELECT FROM "t"."i", or NULL */
    GPtrArray *proj;         /* SELECT: ddb_pql_node* paths; NULL for * */
    ddb_pql_node *where;     /* or NULL */
    GArray *order;           /* ddb_pql_order, or NULL */
    ddb_pql_node *item;      /* INSERT: the MAP */
    GArray *actions;         /* UPDATE: ddb_pql_action */
    ddb_pql_returning returning;
    size_t nparams;          /* how many ? the statement has */
} ddb_pql_stmt;

/* Reads a statement of len bytes: the tree (ddb_pql_free), or NULL and
 * DynamoDB's message in *err (g_free). */
ddb_pql_stmt *ddb_pql_parse(const char *text, size_t len, char **err);
void ddb_pql_free(ddb_pql_stmt *s);

/* A literal or parameter subtree as an attribute value (new reference), with
 * ? taken from params (borrowed, a list of values as the wire gave them);
 * NULL and DynamoDB's message in *err (g_free) when it is not a value
 * (a path, a bag of mixed types, ...). key: the attribute it is the value
 * of, for messages. */
json_t *ddb_pql_value(const ddb_pql_node *n, json_t *params, const char *key, char **err);

/* Whether a subtree is a value (a literal or a parameter, however nested),
 * not a path or an operation. */
bool ddb_pql_is_value(const ddb_pql_node *n);

/* The name of a path of one plain component, or NULL. */
const char *ddb_pql_simple_name(const ddb_pql_node *n);

#endif
