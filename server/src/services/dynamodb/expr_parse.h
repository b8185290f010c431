/* expr_parse: DynamoDB's expression language parsed into trees, with
 * DynamoDB's own validation and messages.
 *
 * An expression context (ddb_exprs) belongs to one request: it holds the
 * request's ExpressionAttributeNames / Values, parses each of its
 * expressions against them (names and values are resolved while parsing),
 * tracks which names and values were used, and owns every tree it built
 * (one arena, freed with the context). Errors come back as the full
 * ValidationException message ("Invalid UpdateExpression: Syntax error;
 * token: ..."), in DynamoDB's order of precedence:
 *
 *   condition  : syntax, redundant parentheses, unknown function, misused
 *                function, reserved word, then per condition the first of
 *                undefined name/value, operand count, distinct operands,
 *                operand types;
 *   update     : syntax, reserved word, unknown function, repeated
 *                section, undefined name, undefined value, overlapping
 *                paths, conflicting paths, operand types, function operands;
 *   projection : syntax, reserved word, undefined name, overlapping paths,
 *                conflicting paths. */
#ifndef MOCKAWS_DYNAMODB_EXPR_PARSE_H
#define MOCKAWS_DYNAMODB_EXPR_PARSE_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- trees ---- */

typedef struct ddb_path_el {
    const char *name; /* resolved attribute name (arena) when !is_index */
    long index;
    bool is_index;
} ddb_path_el;

typedef struct ddb_path {
    ddb_path_el *el; /* arena */
    size_t n;
} ddb_path;

typedef enum ddb_func {
    DDB_F_UNKNOWN = 0,
    DDB_F_ATTRIBUTE_EXISTS,
    DDB_F_ATTRIBUTE_NOT_EXISTS,
    DDB_F_ATTRIBUTE_TYPE,
    DDB_F_BEGINS_WITH,
    DDB_F_CONTAINS,
    DDB_F_SIZE,
    DDB_F_IF_NOT_EXISTS,
    DDB_F_LIST_APPEND,
} ddb_func;

typedef enum ddb_operand_kind {
    DDB_OPD_PATH,
    DDB_OPD_VALUE,
    DDB_OPD_FUNC,
    DDB_OPD_PLUS,
    DDB_OPD_MINUS,
} ddb_operand_kind;

typedef struct ddb_operand {
    ddb_operand_kind kind;
    ddb_path path;               /* PATH */
    json_t *value;               /* VALUE: the attribute value (borrowed from the request) */
    ddb_func func;               /* FUNC */
    const char *fname;           /* FUNC */
    struct ddb_operand **args;   /* FUNC (nargs), PLUS / MINUS (2) */
    size_t nargs;
} ddb_operand;

typedef enum ddb_cond_kind {
    DDB_C_AND,
    DDB_C_OR,
    DDB_C_NOT,
    DDB_C_CMP,
    DDB_C_BETWEEN,
    DDB_C_IN,
    DDB_C_FUNC, /* a function used as a condition: ops[0] */
} ddb_cond_kind;

typedef enum ddb_cmp {
    DDB_CMP_EQ,
    DDB_CMP_NE,
    DDB_CMP_LT,
    DDB_CMP_LE,
    DDB_CMP_GT,
    DDB_CMP_GE,
} ddb_cmp;

typedef struct ddb_cond {
    ddb_cond_kind kind;
    ddb_cmp cmp;              /* CMP */
    struct ddb_cond *a, *b;   /* AND / OR (a, b), NOT (a) */
    ddb_operand **ops;        /* CMP: 2, BETWEEN: 3, IN: 1 + n, FUNC: 1 */
    size_t nops;
} ddb_cond;

typedef enum ddb_action_kind {
    DDB_U_SET,
    DDB_U_REMOVE,
    DDB_U_ADD,
    DDB_U_DELETE,
} ddb_action_kind;

typedef struct ddb_action {
    ddb_action_kind kind;
    ddb_path path;
    ddb_operand *value; /* SET: the value expression; ADD / DELETE: a VALUE operand */
} ddb_action;

typedef struct ddb_update {
    ddb_action *actions; /* in the order written */
    size_t n;
    bool legacy;         /* from AttributeUpdates, which words a type clash its own way */
} ddb_update;

typedef struct ddb_projection {
    ddb_path *paths;
    size_t n;
} ddb_projection;

/* ---- context ---- */

typedef struct ddb_exprs ddb_exprs;

/* names / values: the request's ExpressionAttributeNames / Values (either
 * may be NULL; borrowed, must outlive the context). */
ddb_exprs *ddb_exprs_new(json_t *names, json_t *values);
void ddb_exprs_free(ddb_exprs *x);

/* Checks the maps themselves: not empty, well-formed keys, valid values
 * (numbers put in canonical form). NULL or a message (g_free). */
char *ddb_exprs_check_maps(ddb_exprs *x);

/* Parse one expression; NULL and *err (g_free) on failure. what names the
 * parameter in messages ("ConditionExpression", "FilterExpression",
 * "KeyConditionExpression"). */
ddb_cond *ddb_parse_condition(ddb_exprs *x, const char *what, const char *src, char **err);
ddb_update *ddb_parse_update(ddb_exprs *x, const char *src, char **err);
ddb_projection *ddb_parse_projection(ddb_exprs *x, const char *src, char **err);

/* After every expression of the request was parsed: names or values that
 * none used ("Value provided in ExpressionAttributeNames unused in
 * expressions: keys: {#a}"). NULL or a message (g_free). */
char *ddb_exprs_check_unused(ddb_exprs *x);

/* Arena allocations for trees built outside the parser (legacy
 * parameters turned into trees): zeroed, freed with the context. */
void *ddb_exprs_alloc(ddb_exprs *x, size_t size);
const char *ddb_exprs_strdup(ddb_exprs *x, const char *s);

/* "[a, b, [2]]": a path as DynamoDB prints it in messages. */
void ddb_path_render(GString *out, const ddb_path *p);

#endif
