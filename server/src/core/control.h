/* control: the control API, JSON over HTTP under /_mockaws/ (plus the peers'
 * /moto-api/reset and /_localstack/health for drop-in use). A thin door onto
 * the same calls as mockaws.h. */
#ifndef MOCKAWS_CORE_CONTROL_H
#define MOCKAWS_CORE_CONTROL_H

#include <stdbool.h>

#include "wire/http.h"

typedef struct mockaws server;

bool control_matches(const char *path);
void control_handle(server *s, const http_request *req, http_response *resp);

#endif
