/* api: the calls of mockaws.h (server/include), each a thin door into the
 * module that does the work; and, for the library's own tests, a server
 * that runs services of the test's choosing (test_svc_api.c drives parked
 * requests through a service made for it). */
#ifndef MOCKAWS_CORE_API_H
#define MOCKAWS_CORE_API_H

#include <stddef.h>

#include "mockaws.h"
#include "services/service.h"

/* mockaws_start with these services (NULL-terminated, borrowed for the
 * server's life) instead of services_all. */
mockaws *api_start_with(const mockaws_options *opts, const svc_def *const *services, char *err, size_t errlen);

#endif
