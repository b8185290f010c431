/* authz: the IAM authorizations an IAM request needs (svc_def.authorize):
 * iam:<Operation> on the user, role, group or managed policy it concerns
 * (its ARN with its path), "*" for the listings; the condition keys of the
 * tags it creates (aws:RequestTag/KEY, aws:TagKeys) and of the user's or
 * role's own (iam:ResourceTag/KEY, aws:ResourceTag/KEY), and the policy an
 * attachment names (iam:PolicyARN, iam:PermissionsBoundary). */
#ifndef MOCKAWS_IAM_AUTHZ_H
#define MOCKAWS_IAM_AUTHZ_H

#include "services/service.h"

void iam_authorize(svc_call *c, GArray *out, json_t *context);
/* svc_def.access_denied: 403 AccessDenied with AWS's shared sentence. */
void iam_access_denied(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                       const char *by, aws_error *err);

#endif
