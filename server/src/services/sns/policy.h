/* policy: SNS subscription filter policies, checked when set and applied at
 * delivery.
 *
 * A policy is a JSON object of conditions; every key must match (AND), any
 * condition in a key's list may (OR); "$or": [policy, ...] at any level
 * takes alternatives. The scope decides what keys name:
 *   MessageAttributes (default): message attribute names. String
 *     attributes match strings, Number attributes numbers, String.Array
 *     attributes match when any element does; Binary attributes only
 *     "exists".
 *   MessageBody: paths into the message parsed as JSON (nested objects
 *     nest; an array matches when any element does). A message that is not
 *     a JSON object matches nothing.
 * Conditions: exact strings, numbers, true / false / null, and the objects
 *   {"prefix": s}, {"suffix": s}, {"equals-ignore-case": s},
 *   {"anything-but": v | [v, ...] | {"prefix": s} | {"suffix": s}},
 *   {"numeric": ["<" | "<=" | "=" | ">=" | ">", n, ...]}, {"exists": bool}.
 * Limits as SNS has them: at most 5 keys, at most 150 combinations. */
#ifndef MOCKAWS_SNS_POLICY_H
#define MOCKAWS_SNS_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum sns_policy_scope {
    SNS_SCOPE_ATTRIBUTES = 0,
    SNS_SCOPE_BODY,
} sns_policy_scope;

typedef struct sns_policy sns_policy;

/* The policy in text, checked for scope. NULL with err set to SNS's
 * message (without the "Invalid parameter: FilterPolicy: " prefix). An
 * empty object is a valid policy that matches everything. */
sns_policy *sns_policy_parse(const char *text, sns_policy_scope scope, char *err, size_t errlen);
void sns_policy_free(sns_policy *p);

/* attributes: the Publish input's MessageAttributes ({name: {DataType,
 * StringValue | BinaryValue}}) or NULL; message: the message text. */
bool sns_policy_matches(const sns_policy *p, json_t *attributes, const char *message);

/* Whether x is a number a filter policy may hold: -1,000,000,000 to
 * 1,000,000,000 with at most five digits after the decimal point. */
bool sns_policy_number_ok(double x);

#endif
