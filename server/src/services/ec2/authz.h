/* authz: the IAM authorizations an EC2 request needs (svc_def.authorize):
 * ec2:<Operation> on each resource it touches (Describe* on "*",
 * RunInstances on every resource of the launch), docs/AWS-FACTS.md,
 * "Service Authorization Reference". */
#ifndef MOCKAWS_EC2_AUTHZ_H
#define MOCKAWS_EC2_AUTHZ_H

#include "services/service.h"

void ec2_authorize(svc_call *c, GArray *out, json_t *context);
/* svc_def.access_denied: 403 UnauthorizedOperation with the sentence and
 * an "Encoded authorization failure message": here the decoded message's
 * JSON (what STS DecodeAuthorizationMessage returns) in URL-safe base64,
 * so that it decodes without a key. */
void ec2_access_denied(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                       const char *by, aws_error *err);

#endif
