/* cond: byte ranges (Range, x-amz-copy-source-range) and conditional
 * requests (If-Match, If-None-Match, If-Modified-Since,
 * If-Unmodified-Since and their x-amz-copy-source-if-* twins). */
#ifndef MOCKAWS_S3_COND_H
#define MOCKAWS_S3_COND_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum s3_range_result {
    S3_RANGE_NONE,          /* no range, or one S3 ignores (malformed, several ranges): whole object */
    S3_RANGE_OK,            /* [first, last] */
    S3_RANGE_UNSATISFIABLE, /* 416 InvalidRange */
} s3_range_result;

/* "bytes=a-b", "bytes=a-", "bytes=-n" against an object of size bytes. */
s3_range_result s3_range_parse(const char *header, uint64_t size, uint64_t *first, uint64_t *last);

/* x-amz-copy-source-range is stricter: exactly "bytes=a-b" with a <= b.
 * False when malformed. */
bool s3_copy_range_parse(const char *header, uint64_t *first, uint64_t *last);

typedef enum s3_cond_result {
    S3_COND_OK,
    S3_COND_NOT_MODIFIED, /* 304 (a copy source answers 412 instead) */
    S3_COND_FAILED,       /* 412 */
} s3_cond_result;

/* The four conditions (each may be NULL; the times as trees hold them) with
 * S3's precedence: If-Match decides over If-Unmodified-Since, If-None-Match
 * over If-Modified-Since; 412s are checked before 304s. etag: unquoted,
 * "hex" or "hex-N". *condition (may be NULL) names the header that
 * decided a failure ("If-Match", ...). */
s3_cond_result s3_cond_check(const char *etag, int64_t mtime_ms, const char *if_match,
                             const char *if_none_match, json_t *if_modified_since,
                             json_t *if_unmodified_since, const char **condition);

/* Does a header's entity-tag list ("*", "\"a\", \"b\"", W/ forms) name etag? */
bool s3_etag_listed(const char *list, const char *etag);

#endif
