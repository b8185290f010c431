/* control: the control API, JSON over HTTP under /_mockaws/ (plus the peers'
 * /moto-api/reset and /_localstack/health for drop-in use). A thin door onto
 * the same calls as mockaws.h, guarded against callers that are not the
 * developer's own tools. */
#ifndef MOCKAWS_CORE_CONTROL_H
#define MOCKAWS_CORE_CONTROL_H

#include <stdbool.h>

#include "wire/http.h"

typedef struct mockaws server;

bool control_matches(const char *path);
/* A control request from the network: answered only when it passes the
 * guard (token, Host, Origin, Content-Type; README "Security"). */
void control_handle(server *s, const http_request *req, http_response *resp);
/* The same without the guard, for the C caller (mockaws_control). */
void control_dispatch(server *s, const http_request *req, http_response *resp);

#endif
