/* authz: the IAM authorizations an EC2 request needs (svc_def.authorize):
 * ec2:<Operation> on each resource it touches (Describe* on "*",
 * RunInstances on every resource of the launch), docs/AWS-FACTS.md,
 * "Service Authorization Reference". */
#ifndef MOCKAWS_EC2_AUTHZ_H
#define MOCKAWS_EC2_AUTHZ_H

#include "services/service.h"

void ec2_authorize(svc_call *c, GArray *out, json_t *context);

#endif
