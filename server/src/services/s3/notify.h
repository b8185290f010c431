/* notify: S3 event notifications. A bucket's NotificationConfiguration
 * (config.c stores it) is checked here when it is put: ARNs, filter rules,
 * overlapping configurations, and each destination asked whether it exists
 * and lets S3 send to it, as S3 does unless the request says
 * x-amz-skip-destination-validation. A configuration that was stored sends
 * s3:TestEvent to its destinations; from then on each object event that a
 * configuration's events and filters take is sent as S3's event record,
 * through svc_invoke: published to an SNS topic (the journal shows an SNS
 * Publish whose caller is s3), or as the body of a message to an SQS
 * queue (SendMessage, while its policy lets S3 send; no SNS envelope).
 *
 * Topics and queues are checked the same way (they exist, in the bucket's
 * region, and their policy lets s3.amazonaws.com publish or send for the
 * bucket: respolicy.h). Function destinations fail the check (mockaws
 * serves no Lambda) and, when the check is skipped, are sent nothing. */
#ifndef MOCKAWS_S3_NOTIFY_H
#define MOCKAWS_S3_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "services/s3/store.h"
#include "services/service.h"

/* PutBucketNotificationConfiguration's check of doc (a copy of the input,
 * which it completes: generated Ids, filter rule names as S3 spells them).
 * 0, or -1 with c->err. */
int s3_notify_check(svc_call *c, s3_bucket *b, json_t *doc);
/* After the configuration was stored: the test event to each destination. */
void s3_notify_configured(svc_call *c, s3_bucket *b);

/* One event about an object. */
typedef struct s3_event {
    const char *name;       /* "ObjectCreated:Put", without "s3:" */
    const char *key;
    int64_t size;           /* -1: the record has none */
    const char *etag;       /* without quotes, or NULL */
    const char *version_id; /* or NULL (unversioned buckets) */
    json_t *extra;          /* members added to the record's "s3"."object"'s
                               sibling "glacierEventData" etc.: a record-level
                               object merged into the record, or NULL (borrowed) */
    bool by_s3;             /* done by S3 itself (lifecycle, a finished restore), not
                               the caller */
} s3_event;

/* Sends ev to every destination of b's configuration whose events and
 * filters take it. Needs the exclusive lock. */
void s3_notify(svc_call *c, s3_bucket *b, const s3_event *ev);
/* The events an operation that succeeded causes (s3.c's after_call, under
 * the exclusive lock for writes). */
void s3_notify_after_call(svc_call *c, s3_bucket *b);
/* An event S3 itself causes about o (a version or marker of b: a lifecycle
 * expiration, a finished restore), with record members extra (borrowed,
 * or NULL). */
void s3_notify_object(svc_call *c, s3_bucket *b, const char *name, const s3_object *o, json_t *extra);

#endif
