/* policy_condition: a statement's Condition block: IAM's operators
 * (String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, Arn*, Null),
 * their ...IfExists forms and the ForAllValues: / ForAnyValue: set
 * qualifiers, checked when a document is stored and evaluated against a
 * request's context keys (docs/AWS-FACTS.md, "Policy evaluation"). */
#ifndef MOCKAWS_POLICY_POLICY_CONDITION_H
#define MOCKAWS_POLICY_POLICY_CONDITION_H

#include <jansson.h>
#include <stdbool.h>

/* Whether cond (a statement's "Condition" object) has only known
 * operators, keys that name a vendor, and values of each operator's type.
 * 0, or -1 with IAM's MalformedPolicyDocument message in err. */
int policy_condition_check(json_t *cond, char *err, size_t errlen);

/* Whether every operator of cond holds for ctx (policy_request.context);
 * vars: the document's Version substitutes policy variables. A NULL cond
 * holds. Linear in the block times the request's values. */
bool policy_condition_holds(json_t *cond, json_t *ctx, bool vars);

#endif
