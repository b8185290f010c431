/* validate: an input tree checked against the model's constraints:
 * required members, enums, min / max (ranges for numbers, lengths for
 * strings, blobs, lists and maps), and patterns (PCRE2, compiled once per
 * pattern and cached in the validator). A string or map key holding a NUL
 * is a VIOLATION_PATTERN whatever its shape (pattern "[^\u0000]*" where
 * the shape has none): handlers read C strings and would see it cut short;
 * validator_allow_nul exempts the shapes a service reads by length.
 *
 * The validator finds violations; the service decides how to word them
 * (each service has its own validation error). */
#ifndef MOCKAWS_WIRE_VALIDATE_H
#define MOCKAWS_WIRE_VALIDATE_H

#include <jansson.h>
#include <glib.h>
#include <stddef.h>

#include "awserr.h"
#include "model.h"

typedef enum violation_kind {
    VIOLATION_REQUIRED,
    VIOLATION_ENUM,
    VIOLATION_MIN,        /* number below min */
    VIOLATION_MAX,        /* number above max */
    VIOLATION_MIN_LENGTH, /* string/blob/list/map shorter than min */
    VIOLATION_MAX_LENGTH,
    VIOLATION_PATTERN,
    VIOLATION_TYPE,       /* a value of the wrong JSON type for its shape */
} violation_kind;

typedef struct violation {
    violation_kind kind;
    char path[256];       /* dotted path from the input root, members as
                             named in the model: "Tags.member.1.Key" style is
                             the service's business; here "Tags[0].Key" */
    const char *member;   /* the last member name (points into the model) */
    const mshape *shape;  /* the shape whose constraint failed (NULL for a
                             missing required member) */
    json_t *value;        /* the offending value (borrowed), NULL if missing */
    long long limit;      /* min / max for the range and length kinds */
    const char *pattern;  /* for VIOLATION_PATTERN */
    const char *const *enum_values; /* for VIOLATION_ENUM: the shape's values (borrowed from the model) */
    size_t n_enum_values;
} violation;

typedef struct validator validator;

/* One validator per model (it compiles each shape's pattern on first use
 * and keeps it; thread-safe). */
validator *validator_new(const model *m);
void validator_free(validator *v);
/* Lets the strings of the named string shape hold a NUL, for a service
 * whose handlers read them by their length (DynamoDB's attribute values).
 * False when the model has no such string shape. Before the first check. */
bool validator_allow_nul(validator *v, const char *shape_name);

/* Checks input against the shape (one of the validator's model). Fills up
 * to max violations in order of the model's members, depth first; returns
 * how many were found (0 = ok). */
size_t validator_check(validator *v, const mshape *shape, json_t *input, violation *out, size_t max);

/* The Coral wording most AWS services use:
 * "1 validation error detected: Value 'x' at 'roleArn' failed to satisfy
 * constraint: Member must have length greater than or equal to 20"
 * ("2 validation errors detected: ...; ..." for several). The member path
 * is written with a lowercase first letter, as the services do. */
void validate_coral_message(GString *out, const violation *v, size_t n);

#endif
