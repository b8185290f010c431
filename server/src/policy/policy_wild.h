/* policy_wild: the patterns of policy documents: IAM's wildcards ('*' any
 * run, '?' one character), ARNs matched segment by segment, and policy
 * variables (${aws:username}) substituted from a request's context.
 *
 * A pattern whose variables were substituted is "escaped": a backslash
 * makes the next character literal, so that ${*} and a substituted value
 * holding '*' match only themselves. A pattern as written in the document
 * is not escaped. */
#ifndef MOCKAWS_POLICY_POLICY_WILD_H
#define MOCKAWS_POLICY_POLICY_WILD_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Whether text[0..tn) matches pattern[0..pn); fold: ASCII case folded.
 * The two-pointer match (back to the last '*' on a miss): O(pn x tn) at
 * worst, never exponential, no allocation. */
bool policy_wild_match(const char *pattern, size_t pn, const char *text, size_t tn, bool fold, bool escaped);

/* Whether text equals pattern read literally (only escapes interpreted). */
bool policy_wild_equal(const char *pattern, size_t pn, const char *text, size_t tn, bool fold, bool escaped);

/* An ARN pattern against an ARN: the first five colon-separated parts one
 * by one (a '*' does not cross a ':'), the rest (the resource part, which
 * may hold colons) as a whole. "*" alone matches anything. */
bool policy_wild_arn(const char *pattern, size_t pn, const char *text, size_t tn, bool escaped);

/* The request's value of a condition key or variable (names are
 * case-insensitive; the context's names are lowercased), or NULL when
 * absent. Borrowed from ctx. */
json_t *policy_wild_context(json_t *ctx, const char *name, size_t len);

/* Substitutes the policy variables of value (${name}, ${name, 'default'},
 * and the escapes ${*} ${?} ${$}) into out (reset first) as an escaped
 * pattern. False when a variable is absent from ctx and has no default:
 * the entry then matches nothing. Linear in value plus what it inserts. */
bool policy_wild_expand(const char *value, json_t *ctx, GString *out);

#endif
