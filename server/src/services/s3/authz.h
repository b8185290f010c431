/* authz: the IAM authorizations an S3 request needs (svc_def.authorize):
 * the action and the bucket or object ARN of each, as the Service
 * Authorization Reference lists them (docs/AWS-FACTS.md, "Service
 * Authorization Reference"), and S3's condition keys. */
#ifndef MOCKAWS_S3_AUTHZ_H
#define MOCKAWS_S3_AUTHZ_H

#include "services/service.h"

void s3_authorize(svc_call *c, GArray *out, json_t *context);

#endif
