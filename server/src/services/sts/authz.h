/* authz: the IAM authorizations an STS request needs (svc_def.authorize):
 * sts:AssumeRole on the role (its trust policy decides too, in STS), none
 * for GetCallerIdentity and GetSessionToken (docs/AWS-FACTS.md). */
#ifndef MOCKAWS_STS_AUTHZ_H
#define MOCKAWS_STS_AUTHZ_H

#include "services/service.h"

void sts_authorize(svc_call *c, GArray *out, json_t *context);
/* svc_def.access_denied: 403 AccessDenied; STS's sentence has no reason
 * after the resource. */
void sts_access_denied(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                       const char *by, aws_error *err);

/* DecodeAuthorizationMessage: the JSON an EC2 denial encoded (its
 * "Encoded authorization failure message"); InvalidAuthorizationMessageException
 * for anything else. Needs sts:DecodeAuthorizationMessage under enforce. */
int sts_decode_authorization_message(svc_call *c);

#endif
