/* keycond: a Query's key conditions, from a KeyConditionExpression (after
 * the expression parser) or from the legacy KeyConditions map, checked the
 * way DynamoDB checks them: first their form ("Invalid operator used in
 * KeyConditionExpression: OR", one condition per key, one or two
 * conditions), then, once the table or index is known, against its key
 * schema ("Query condition missed key schema element: id", "Query key
 * condition not supported", types). */
#ifndef MOCKAWS_DYNAMODB_KEYCOND_H
#define MOCKAWS_DYNAMODB_KEYCOND_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "services/dynamodb/expr_parse.h"
#include "services/dynamodb/store.h"
#include "services/dynamodb/table.h"

typedef enum ddb_kc_op {
    DDB_KC_EQ,
    DDB_KC_LT,
    DDB_KC_LE,
    DDB_KC_GT,
    DDB_KC_GE,
    DDB_KC_BETWEEN,
    DDB_KC_BEGINS_WITH,
    DDB_KC_OTHER, /* a legacy operator no key can serve (NE, IN, ...) */
} ddb_kc_op;

typedef struct ddb_keycond {
    const char *attr;   /* borrowed from the request or the expression arena */
    ddb_kc_op op;
    json_t *v[2];       /* the values (borrowed); BETWEEN has two */
    size_t nv;
} ddb_keycond;

#define DDB_KC_MAX 8

typedef struct ddb_keyconds {
    ddb_keycond c[DDB_KC_MAX];
    size_t n;
} ddb_keyconds;

/* From a parsed KeyConditionExpression. NULL or DynamoDB's message
 * (g_free). */
char *ddb_keyconds_from_expr(const ddb_cond *cond, ddb_keyconds *out);
/* From a KeyConditions map whose values ddb_legacy_filter has checked. */
char *ddb_keyconds_from_legacy(json_t *map, ddb_keyconds *out);

/* The condition on attr, or NULL. */
const ddb_keycond *ddb_keyconds_find(const ddb_keyconds *k, const char *attr);

/* The checks against the key schema the query reads (hash, and range
 * when it has one), for one key attribute: NULL or DynamoDB's message. */
char *ddb_keyconds_check(const ddb_keyconds *k, const ddb_keydef *key, bool is_hash, bool schema_has_range);

/* Whether value (an attribute value of the key's type) satisfies c. */
bool ddb_keycond_match(const ddb_keycond *c, json_t *value);

#endif
