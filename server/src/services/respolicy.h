/* respolicy: whether a resource policy (an SNS topic's, an SQS
 * queue's) lets an AWS service act on the resource for a source, as AWS
 * decides it when S3 checks an event destination: policy/policy.h's
 * policy_match on a request whose principal is the service, whose context
 * holds aws:SourceArn and aws:SourceAccount (any other condition key is
 * absent, and each operator treats an absent key as IAM does). An explicit
 * Deny wins over any Allow. */
#ifndef MOCKAWS_SERVICES_RESPOLICY_H
#define MOCKAWS_SERVICES_RESPOLICY_H

#include <stdbool.h>

#include "services/service.h"

typedef struct respolicy_request {
    const char *service;        /* the principal: "s3.amazonaws.com" */
    const char *action;         /* "sns:Publish" */
    const char *resource;       /* the resource's ARN */
    const char *source_arn;     /* aws:SourceArn ("arn:aws:s3:::bucket"), or NULL */
    const char *source_account; /* aws:SourceAccount, or NULL */
} respolicy_request;

/* policy: the policy document's text (NULL or unparsable: nothing is
 * allowed). Linear in the policy's size times the request's strings. */
bool respolicy_allows(const char *policy, const respolicy_request *r);

/* What SQS says of a queue another service would send to. */
typedef enum respolicy_queue_status {
    RESPOLICY_QUEUE_OK = 0,  /* it exists and its policy lets r's service send */
    RESPOLICY_QUEUE_MISSING, /* SQS has no such queue (or does not run) */
    RESPOLICY_QUEUE_DENIED,  /* its policy does not allow r */
} respolicy_queue_status;

/* Asks SQS, as the service c runs (svc_invoke: GetQueueAttributes for its
 * Policy), about the queue r->resource names
 * ("arn:aws:sqs:REGION:ACCOUNT:NAME"), and whether its policy lets
 * r->service do r->action (sqs:SendMessage) for r's source. *url
 * (g_malloc'd, NULL unless the queue exists) is the queue's URL, what
 * SendMessage takes. */
respolicy_queue_status respolicy_queue(svc_call *c, const respolicy_request *r, char **url);

#endif
