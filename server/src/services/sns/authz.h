/* authz: the IAM authorizations an SNS request needs (svc_def.authorize):
 * sns:<Operation> on the topic it concerns, "*" for the listings
 * (docs/AWS-FACTS.md, "Service Authorization Reference"). */
#ifndef MOCKAWS_SNS_AUTHZ_H
#define MOCKAWS_SNS_AUTHZ_H

#include "services/service.h"

void sns_authorize(svc_call *c, GArray *out, json_t *context);
/* svc_def.access_denied: 403 AuthorizationError, the action written with
 * SNS's upper-case prefix ("SNS:Publish"). */
void sns_access_denied(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                       const char *by, aws_error *err);

/* svc_def.resource_policy: the topic's policy (SNS's default one when none
 * was set); owner is the topic's account. */
json_t *sns_resource_policy(void *state, const char *account, const char *region, const char *resource_arn,
                            char owner[13]);

#endif
