/* inspect: S3's read-only inspection endpoints (svc_def.control), for the
 * dashboard and tests that look inside:
 *
 *   GET /_mockaws/s3/buckets   every bucket with its object count
 *   GET /_mockaws/s3/objects   a page of a bucket's objects (bucket, prefix,
 *                              delimiter, limit, next): ListObjectsV2's seeks
 *   GET /_mockaws/s3/object    one object's metadata and the first 4 KiB
 *                              of its body (bucket, key)
 *
 * Everything is read under the namespace lock held shared; nothing is
 * changed. */
#ifndef MOCKAWS_S3_INSPECT_H
#define MOCKAWS_S3_INSPECT_H

#include <jansson.h>

#include "services/service.h"

#define S3_INSPECT_BODY 4096 /* how much of a body GET /_mockaws/s3/object shows */

json_t *s3_control(server *s, const char *method, const char *subpath, const http_params *query, int *status);

#endif
