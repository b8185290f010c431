/* IAM: users, roles, groups, managed and inline policies, access keys
 * (query protocol, 2010-05-08, one state per account). Access keys are
 * handed to the server's credential table so that requests signed with
 * them act as their user; identity_policies answers the core what applies
 * to a principal. */
#ifndef MOCKAWS_SERVICES_IAM_IAM_H
#define MOCKAWS_SERVICES_IAM_IAM_H

#include "services/service.h"

extern const svc_def iam_service;

#endif
