/* expr_eval: parsed expressions applied to items.
 *
 * Conditions are evaluated with DynamoDB's semantics (comparisons only
 * between values of one type, missing attributes make a comparison false
 * and "<>" true, size() of an unsized value makes its comparison false);
 * projections build the item's subset, lists compacted in index order;
 * updates evaluate every SET value against the item as it was, then apply
 * the actions in order on a copy. Items are never modified in place. */
#ifndef MOCKAWS_DYNAMODB_EXPR_EVAL_H
#define MOCKAWS_DYNAMODB_EXPR_EVAL_H

#include <jansson.h>
#include <stdbool.h>

#include "services/dynamodb/expr_parse.h"

/* The value at path in item (borrowed), or NULL. item may be NULL. */
json_t *ddb_path_get(json_t *item, const ddb_path *path);

/* Whether item (NULL: no item) satisfies c. */
bool ddb_cond_eval(const ddb_cond *c, json_t *item);

/* The projection of item (new reference; never NULL). */
json_t *ddb_project(json_t *item, const ddb_path *paths, size_t n);

/* Applies u to a copy of item (NULL: an item with no attributes yet):
 * the new item (new reference), or NULL and DynamoDB's message in *err
 * (g_free). */
json_t *ddb_update_apply(const ddb_update *u, json_t *item, char **err);

#endif
