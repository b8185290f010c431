/* host: S3's virtual-hosted addressing, its route_host hook (services/service.h).
 * The bucket may be in the Host rather than the path: bucket.localhost,
 * bucket.s3.localhost, bucket.s3.REGION.localhost (and the same under
 * localhost.localstack.cloud and amazonaws.com); host names have no case,
 * so the bucket is the lowercased label. */
#ifndef MOCKAWS_S3_HOST_H
#define MOCKAWS_S3_HOST_H

#include "wire/http.h"

/* The path-style path of a virtual-hosted request ("/bucket" + its path;
 * g_malloc'd), or NULL when the host names no bucket; *region set
 * (g_malloc'd) when the host names one (s3.REGION, s3-REGION). */
char *s3_host_route(const http_request *req, char **region);

#endif
