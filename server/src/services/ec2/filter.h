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

/* Paging of Describe* calls: MaxResults (5..1000, worded as EC2 does; *max
 * = 0 when absent) and NextToken, an opaque position in the filtered
 * listing. false with err set. */
bool ec2_page_size(json_t *input, int64_t *max, aws_error *err);
bool ec2_page_token_parse(json_t *input, uint64_t *pos, aws_error *err);
/* g_free it */
char *ec2_page_token(uint64_t pos);

#endif
