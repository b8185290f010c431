/* lifecycle: a bucket's lifecycle rules executed on the server clock.
 *
 * Expiration (Days, Date) removes current objects, AbortIncompleteMultipartUpload
 * aborts uploads, each at the midnight UTC S3 rounds their time up to. Nothing
 * scans a bucket per request: each bucket keeps the earliest time its rules
 * have work (lifecycle_due_ms), the state the earliest of all its buckets, and
 * the core runs s3_lifecycle_run (svc_def.maintain) under the exclusive lock
 * only once a request finds the clock past it; a sweep of a bucket then looks
 * at its objects once and sets the next time. Writes lower a bucket's time to
 * the earliest a new object could expire (s3_lifecycle_note_write).
 *
 * On a versioned bucket a sweep walks the versions map once, each key's
 * newest first: Expiration adds a delete marker instead of deleting;
 * NoncurrentVersionExpiration removes a version NoncurrentDays after it
 * became noncurrent (when the entry above it was written), keeping the
 * NewerNoncurrentVersions newest noncurrent ones; a delete marker left alone
 * goes by ExpiredObjectDeleteMarker (the midnight after it was made) or by an
 * Expiration Days rule (once as old as an object would be). Versions under a
 * legal hold or retention stay (until the retention ends; a lifted hold or a
 * shortened retention brings the bucket's time forward). */
#ifndef MOCKAWS_S3_LIFECYCLE_H
#define MOCKAWS_S3_LIFECYCLE_H

#include <stdint.h>

#include "services/s3/store.h"
#include "services/service.h"

/* svc_def.due_ms / maintain: the state's next due time (lock-free read), and
 * the sweep of every bucket due by now (exclusive lock held). */
int64_t s3_lifecycle_due(void *state);
void s3_lifecycle_run(svc_call *c);

/* After a write to b (object or upload created, tags changed) or a new
 * lifecycle configuration: b is due no later than the earliest its rules can
 * act on what the write made. Any lock (atomic). */
void s3_lifecycle_note_write(s3_state *st, s3_bucket *b, int64_t now_ms);
/* v's legal hold or retention changed: a sweep may have skipped it while
 * it was locked, so b is due no later than a rule could remove it. O(log n). */
void s3_lifecycle_note_lock(s3_state *st, s3_bucket *b, const s3_object *v);
/* A new lifecycle configuration: sweep b at the next request. */
void s3_lifecycle_note_config(s3_state *st, s3_bucket *b);

/* When o is due to expire by an enabled Expiration rule (ms, INT64_MAX: never)
 * and the rule's ID (borrowed, NULL when none or no ID), for the
 * x-amz-expiration header. */
int64_t s3_lifecycle_expiry(const s3_bucket *b, const s3_object *o, const char **rule_id);
/* The same for an upload by an enabled AbortIncompleteMultipartUpload rule
 * (initiation + DaysAfterInitiation, rounded up to midnight UTC), for
 * x-amz-abort-date and x-amz-abort-rule-id. */
int64_t s3_lifecycle_abort(const s3_bucket *b, const s3_upload *u, const char **rule_id);

#endif
