/* authz: the IAM authorizations an SQS request needs (svc_def.authorize):
 * sqs:<Operation> on the queue's ARN (the batch operations are their
 * single form's action), "*" for ListQueues; the queue's Policy attribute
 * as its resource policy (docs/AWS-FACTS.md, "SQS"). */
#ifndef MOCKAWS_SQS_AUTHZ_H
#define MOCKAWS_SQS_AUTHZ_H

#include "services/service.h"

void sqs_authorize(svc_call *c, GArray *out, json_t *context);
/* svc_def.access_denied: 403 AccessDenied in AWS's words. */
void sqs_access_denied(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                       const char *by, aws_error *err);
/* svc_def.resource_policy: the queue's Policy, owner its account. */
json_t *sqs_resource_policy(void *state, const char *account, const char *region, const char *resource_arn,
                            char owner[13]);

#endif
