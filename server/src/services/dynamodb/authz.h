/* authz: the IAM authorizations a DynamoDB request needs
 * (svc_def.authorize): the action and table or index ARN of each, per item
 * for batches and transactions, and by statement kind for PartiQL
 * (docs/AWS-FACTS.md, "Service Authorization Reference"). */
#ifndef MOCKAWS_DYNAMODB_AUTHZ_H
#define MOCKAWS_DYNAMODB_AUTHZ_H

#include "services/service.h"

void ddb_authorize(svc_call *c, GArray *out, json_t *context);

#endif
