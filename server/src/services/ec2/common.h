/* common: what every EC2 handler module says the same way: DryRun, ids of
 * the form EC2 issues, MaxResults / NextToken, tags and TagSpecifications,
 * and Describe* filters read off the answer's own JSON. */
#ifndef MOCKAWS_EC2_COMMON_H
#define MOCKAWS_EC2_COMMON_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "services/ec2/filter.h"
#include "services/service.h"

#define EC2_MAX_TAGS 50

/* DryRun=true: c->err says the request would have succeeded; true then. */
bool ec2_dry_run(svc_call *c);
/* s is min..max lowercase hex digits. */
bool ec2_all_hex(const char *s, size_t min, size_t max);
/* prefix + 17 random hex digits into out. */
void ec2_new_id(svc_call *c, const char *prefix, char *out, size_t outlen);
/* prefix followed by 8 or 17 lowercase hex digits. */
bool ec2_id_ok(const char *id, const char *prefix);

/* MaxResults within lo..hi as EC2 words a value outside; *max = 0 when
 * absent. */
bool ec2_max_results(svc_call *c, int64_t lo, int64_t hi, int64_t *max);
/* Opaque page tokens: a position (g_free the encoded one). */
char *ec2_token_encode(uint64_t pos);
bool ec2_token_decode(svc_call *c, uint64_t *pos);
/* MaxResults (lo..hi) and NextToken of c's input applied to items (a JSON
 * array, stolen): the page, into c->output under key, with NextToken. -1
 * with c->err set when either is invalid. */
int ec2_page_out(svc_call *c, json_t *items, const char *key, int64_t lo, int64_t hi);

/* {k: v} as [{"Key", "Value"}] (new reference). */
json_t *ec2_tags_json(json_t *tags);
/* [{"Key", "Value"}] as EC2 accepts them (no aws: prefix, lengths); -1
 * with c->err set. */
int ec2_check_tags(svc_call *c, json_t *tags);
/* The tags input's TagSpecifications give resource type rt, as {k: v} (new
 * reference); NULL with c->err set when a specification is invalid. */
json_t *ec2_spec_tags(svc_call *c, json_t *input, const char *rt);

/* A filter name and where its value lies in the described item: members
 * separated by '.', arrays crossed (any element may match); a path ending
 * in "@time" reads epoch seconds as EC2's ISO 8601 time. NULL path: a
 * filter EC2 documents on data mockaws does not keep, which matches
 * nothing (as an absent value on AWS). A name ending in ':' is a prefix. */
typedef struct ec2_filter_path {
    const char *name;
    const char *path;
} ec2_filter_path;

/* The filters of c's input checked against the table (tag:, tag-key and
 * tag-value are always known and read the item's "Tags"). NULL with c->err
 * set. */
GPtrArray *ec2_filters_from(svc_call *c, const ec2_filter_path *table);
/* Whether item passes every filter. */
bool ec2_filters_match(GPtrArray *filters, const ec2_filter_path *table, json_t *item);

/* The values (or keys) of a hash table as a new array (borrowed items):
 * what GLib 2.76 offers, for older GLibs. */
GPtrArray *ec2_hash_values(GHashTable *t);
GPtrArray *ec2_hash_keys(GHashTable *t);

/* seconds since the epoch as "2024-12-11T20:37:10.000Z" (g_free). */
char *ec2_iso_time(int64_t seconds);

#endif
