/* authz: the IAM authorizations an S3 request needs (svc_def.authorize):
 * the action and the bucket or object ARN of each, as the Service
 * Authorization Reference lists them (docs/AWS-FACTS.md, "Service
 * Authorization Reference"), and S3's condition keys. */
#ifndef MOCKAWS_S3_AUTHZ_H
#define MOCKAWS_S3_AUTHZ_H

#include "services/service.h"

void s3_authorize(svc_call *c, GArray *out, json_t *context);
/* svc_def.access_denied: 403 AccessDenied, the resource in quotes as S3
 * writes it; an unsigned request gets S3's bare "Access Denied". */
void s3_access_denied(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                      const char *by, aws_error *err);

/* svc_def.resource_policy: the bucket's policy, for "arn:aws:s3:::B" and
 * "arn:aws:s3:::B/KEY"; owner is the bucket's owner. */
json_t *s3_resource_policy(void *state, const char *account, const char *region, const char *resource_arn,
                           char owner[13]);

#endif
