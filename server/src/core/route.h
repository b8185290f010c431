/* route: which service, account and region a request is for, decided from
 * the request alone (docs/ARCHITECTURE.md, "the path of a request"):
 *   1. the SigV4 credential scope (Authorization header, or X-Amz-Credential
 *      of a presigned URL) names the signing service and the region;
 *   2. unsigned: X-Amz-Target names a JSON service by its target prefix,
 *      Action + Version a query / ec2 service by its API version;
 *   3. anything else is S3 (anonymous and SigV2-presigned requests).
 * Then the chosen service's route_host hook may route by Host (S3's
 * virtual-hosted buckets get their bucket moved into the path, so that S3
 * sees every request path-style; a region the host names counts when the
 * request is not signed). */
#ifndef MOCKAWS_CORE_ROUTE_H
#define MOCKAWS_CORE_ROUTE_H

#include <glib.h>

#include "services/service.h"
#include "wire/http.h"

#define ROUTE_DEFAULT_ACCOUNT "123456789012"
#define ROUTE_DEFAULT_REGION "us-east-1"

typedef struct route {
    char service[32];     /* signing name from the scope, or inferred */
    char region[32];
    char access_key[129]; /* "" when unsigned */
    char *path;           /* the path the service's route_host gave the request
                             (S3 virtual-hosted: the bucket put in front;
                             g_malloc'd), else NULL */
} route;

/* Callbacks into the server for what routing cannot know by itself. */
typedef struct route_env {
    /* service whose JSON target prefix is `prefix`, or NULL */
    const char *(*service_for_target)(void *arg, const char *prefix, size_t len);
    /* service whose query API version is `version`, or NULL */
    const char *(*service_for_version)(void *arg, const char *version);
    /* the service named `name` (for its route_host hook), or NULL */
    const svc_def *(*service_def)(void *arg, const char *name);
    void *arg;
} route_env;

/* Fills r. Returns 0, or -1 with a message for a request whose credential
 * scope is malformed. form: the parsed form body (or NULL when the body is
 * not a form). The service named may be one mockaws does not serve: the
 * caller checks. */
int route_request(const route_env *env, const http_request *req, const http_params *query,
                  const http_params *form, route *r, char *err, size_t errlen);
void route_clear(route *r);

/* The credential scope out of an Authorization header value or an
 * X-Amz-Credential value: AKID/DATE/REGION/SERVICE/aws4_request. */
int route_parse_credential(const char *cred, size_t len, route *r);

#endif
