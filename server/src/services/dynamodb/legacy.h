/* legacy: DynamoDB's pre-expression parameters (Expected with
 * ConditionalOperator, AttributesToGet, AttributeUpdates) checked with
 * DynamoDB's messages and turned into the same trees the expression parser
 * builds, so that one evaluator serves both. Query and Scan's KeyConditions,
 * QueryFilter and ScanFilter use the same conditions as Expected. */
#ifndef MOCKAWS_DYNAMODB_LEGACY_H
#define MOCKAWS_DYNAMODB_LEGACY_H

#include <jansson.h>

#include "services/dynamodb/expr_parse.h"

/* Checks and converts a map of attribute name -> ExpectedAttributeValue
 * (conditional: "AND"/"OR"/NULL). NULL on success (*out may stay NULL for
 * an empty map), else DynamoDB's message (g_free). */
char *ddb_legacy_expected(ddb_exprs *x, json_t *expected, const char *conditional, ddb_cond **out);

/* The same for filter conditions (QueryFilter / ScanFilter / KeyConditions:
 * {ComparisonOperator, AttributeValueList}). */
char *ddb_legacy_filter(ddb_exprs *x, json_t *conditions, const char *conditional, ddb_cond **out);

/* AttributesToGet -> projection. */
char *ddb_legacy_attributes_to_get(ddb_exprs *x, json_t *names, ddb_projection **out);

/* AttributeUpdates -> update actions. */
char *ddb_legacy_attribute_updates(ddb_exprs *x, json_t *updates, ddb_update **out);

#endif
