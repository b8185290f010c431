/* filter: EC2's Filter.N.Name / Filter.N.Value.M request parameter, shared by
 * the Describe* operations.
 *
 * Filters are ANDed; the values of one filter are ORed; a value may hold the
 * wildcards '*' (any run of characters) and '?' (one character), and '\'
 * makes the next character literal. Names are checked against the ones the
 * operation knows: EC2 refuses an unknown name ("The filter 'x' is invalid")
 * rather than ignoring it, and so does mockaws, so that a typo in a test's
 * filter fails there too instead of matching everything. */
#ifndef MOCKAWS_EC2_FILTER_H
#define MOCKAWS_EC2_FILTER_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "wire/awserr.h"

typedef struct ec2_filter {
    char *name;
    GPtrArray *values; /* char*, owned */
} ec2_filter;

/* The filters of an input's "Filters" member (NULL or a JSON array of
 * {Name, Values}). known: the names the operation takes, NULL-terminated; an
 * entry ending in ':' takes any name with that prefix ("tag:"). Returns a
 * new array of ec2_filter* (free with ec2_filters_free), or NULL with err
 * set to EC2's InvalidParameterValue. */
GPtrArray *ec2_filters_parse(json_t *filters, const char *const *known, aws_error *err);
void ec2_filters_free(GPtrArray *filters);

/* Whether s matches the wildcard pattern. */
bool ec2_wildcard_match(const char *pattern, const char *s);
/* Whether any of the filter's values matches s (NULL matches nothing). */
bool ec2_filter_accepts(const ec2_filter *f, const char *s);

#endif
