/* tagctx: the tag condition keys of --auth enforce (aws:RequestTag/KEY,
 * aws:TagKeys, aws:ResourceTag/KEY and the services' own spellings of
 * them: ec2:ResourceTag/KEY, s3:ExistingObjectTag/KEY,
 * s3:RequestObjectTag/KEY, s3:RequestObjectTagKeys), as each service's
 * authorize hook sets them in a request's context from the tags a request
 * names or a resource holds. Condition key names are matched without
 * regard to case (the evaluator lowercases the name it looks up), the tag
 * key within them too, so the context holds them lowercased; values keep
 * their case. When two tags differ only by the case of their keys, the
 * first one sets the key. Linear in the number of tags. */
#ifndef MOCKAWS_SERVICES_TAGCTX_H
#define MOCKAWS_SERVICES_TAGCTX_H

#include <jansson.h>

/* Sets PREFIX+KEY (prefix already lowercase, "aws:resourcetag/") to each
 * tag's value. tags (borrowed): a {key: value} object, or a list of
 * {"Key", "Value"}; a listed tag without a
 * Value takes absent_value, or sets nothing when that is NULL. Anything
 * else, or NULL, sets nothing. */
void tagctx_set(json_t *context, const char *prefix, json_t *tags, const char *absent_value);

/* The keys of tags (as tagctx_set reads them, or a list of key strings,
 * UntagResource's TagKeys) appended as they are spelled to the
 * multivalued key name (lowercase: "aws:tagkeys"), made when missing. */
void tagctx_keys(json_t *context, const char *name, json_t *tags);

/* A request that creates or changes tags: aws:RequestTag/KEY for each
 * (absent_value as for tagctx_set) and aws:TagKeys. */
void tagctx_request(json_t *context, json_t *tags, const char *absent_value);

#endif
