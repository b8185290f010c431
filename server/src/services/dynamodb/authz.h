/* authz: the IAM authorizations a DynamoDB request needs
 * (svc_def.authorize): the action and table or index ARN of each, per item
 * for batches and transactions, and by statement kind for PartiQL
 * (docs/AWS-FACTS.md, "Service Authorization Reference"). */
#ifndef MOCKAWS_DYNAMODB_AUTHZ_H
#define MOCKAWS_DYNAMODB_AUTHZ_H

#include "services/service.h"

void ddb_authorize(svc_call *c, GArray *out, json_t *context);
/* svc_def.access_denied: 400 AccessDeniedException, the resource bare. */
void ddb_access_denied(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                       const char *by, aws_error *err);

#endif
