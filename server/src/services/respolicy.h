/* respolicy: whether a resource policy (an SNS topic's, later an SQS
 * queue's) lets an AWS service act on the resource for a source, as AWS
 * decides it when S3 checks an event destination. Only what such a check
 * needs: the service principal, the action, the resource, and conditions
 * on aws:SourceArn and aws:SourceAccount; any other condition key is
 * absent from the request, so its condition fails (IfExists and Null as
 * IAM treats an absent key). An explicit Deny wins over any Allow.
 * The full evaluation of identities and policies is the IAM issue's. */
#ifndef MOCKAWS_SERVICES_RESPOLICY_H
#define MOCKAWS_SERVICES_RESPOLICY_H

#include <stdbool.h>

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

#endif
