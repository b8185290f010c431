/* dynamodb: the DynamoDB service definition (operations, state, fixtures)
 * that services.c registers with the core. */
#ifndef MOCKAWS_DYNAMODB_DYNAMODB_H
#define MOCKAWS_DYNAMODB_DYNAMODB_H

#include "services/service.h"

extern const svc_def dynamodb_service;

#endif
