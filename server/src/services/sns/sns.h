/* sns: the SNS service: topics (standard and FIFO), subscriptions with
 * confirmation and filter policies, Publish / PublishBatch with delivery to
 * HTTP subscribers on this machine, and the inspection data behind
 * GET /_mockaws/sns/messages.
 *
 * One state per account and region (store.h). Delivery runs on a worker
 * thread per namespace (delivery.h); http:// and https:// endpoints on
 * loopback get real POSTs (https over TLS, certificates checked unless
 * --sns-insecure-tls). sqs endpoints get SQS's SendMessage at once (a queue
 * of another account first gets the SubscriptionConfirmation; a failed
 * delivery goes to the subscription's RedrivePolicy dead-letter queue).
 * SMS (a Publish's PhoneNumber, sms subscriptions; sms.h) and platform
 * endpoints (a Publish's TargetArn, application subscriptions; platform.h)
 * are recorded with what they would have been sent; other protocols
 * (lambda, email, firehose) are recorded, not sent.
 *
 * The "sns" fixture section:
 *   {"topics": [{"name": "orders" | "orders.fifo",
 *                "attributes": {"DisplayName": ..., ...},
 *                "tags": {"k": "v"},
 *                "subscriptions": [{"protocol": "http", "endpoint": "http://127.0.0.1:9000/",
 *                                   "attributes": {"RawMessageDelivery": "true", "FilterPolicy": "..."},
 *                                   "pending": false}]}],
 *    "sms": {...} (sms.h), "platform_applications": [...] (platform.h)}
 * Fixture subscriptions are confirmed unless "pending" is true, and get the
 * same ARN on every load. */
#ifndef MOCKAWS_SNS_SNS_H
#define MOCKAWS_SNS_SNS_H

#include <jansson.h>

#include "services/service.h"

extern const svc_def sns_service;

/* What was published, for the inspection API:
 *   {"messages": [{"message_id", "topic_arn", "account", "region", "subject",
 *                  "message", "message_structure", "attributes", "group_id",
 *                  "deduplication_id", "sequence_number", "time", "time_ms",
 *                  "deliveries": [{"subscription_arn", "protocol", "endpoint",
 *                                  "status", "attempts", "http_status", "error",
 *                                  "dead_letter_queue", "dead_letter_error"}]}],
 *    "confirmations": [{"type", "topic_arn", "subscription_arn", "token",
 *                       "subscribe_url", "status", "attempts", ...}]}
 * oldest first within each account and region. Absent fields are left out.
 * Filters (NULL = any) narrow by topic ARN, account and region. A
 * delivery's status is "queued", "retrying", "delivered", "failed",
 * "filtered" (its filter policy said no), "pending_confirmation" or
 * "recorded" (a protocol mockaws does not send to). New reference. */
json_t *sns_messages_json(server *s, const char *topic_arn, const char *account, const char *region);
/* Forgets what was published (and the confirmations) in every namespace.
 * Deliveries in flight still finish. */
void sns_messages_clear(server *s);

#endif
