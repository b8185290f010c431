/* inspect: EC2's read-only inspection endpoint (svc_def.control):
 *
 *   GET /_mockaws/ec2/instances   every instance (account, region, limit,
 *                                 next) in launch order: its state as a
 *                                 describe at the server's clock would see
 *                                 it, since when, and what it becomes next
 *                                 and when
 *
 * Read under the namespace lock held shared. Nothing is settled: the state
 * is computed on a copy (instance.h's settle-on-read, without the write),
 * and no describe poll is counted. */
#ifndef MOCKAWS_EC2_INSPECT_H
#define MOCKAWS_EC2_INSPECT_H

#include <jansson.h>

#include "services/service.h"

json_t *ec2_control(server *s, const char *method, const char *subpath, const http_params *query, int *status);

#endif
