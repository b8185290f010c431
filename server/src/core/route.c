#include "route.h"

#include <string.h>

#include "core/unserved.h"

int route_parse_credential(const char *cred, size_t len, route *r)
{
    /* AKID/DATE/REGION/SERVICE/aws4_request */
    const char *parts[5];
    size_t lens[5];
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len && n < 5; i++) {
        if (i == len || cred[i] == '/') {
            parts[n] = cred + start;
            lens[n] = i - start;
            n++;
            start = i + 1;
        }
    }
    if (n < 4 || lens[0] == 0 || lens[0] >= sizeof r->access_key || lens[2] >= sizeof r->region ||
        lens[3] == 0 || lens[3] >= sizeof r->service)
        return -1;
    memcpy(r->access_key, parts[0], lens[0]);
    r->access_key[lens[0]] = '\0';
    if (lens[2]) {
        memcpy(r->region, parts[2], lens[2]);
        r->region[lens[2]] = '\0';
    }
    memcpy(r->service, parts[3], lens[3]);
    r->service[lens[3]] = '\0';
    return 0;
}

static int from_authorization(const char *auth, route *r)
{
    const char *c = strstr(auth, "Credential=");
    if (!c)
        return -1;
    c += strlen("Credential=");
    size_t len = strcspn(c, ", ");
    return route_parse_credential(c, len, r);
}

int route_request(const route_env *env, const http_request *req, const http_params *query,
                  const http_params *form, route *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    const char *auth = http_request_header(req, "authorization");
    const char *cred = query ? http_params_get(query, "X-Amz-Credential") : NULL;
    bool signed_v4 = false;
    if (auth && g_str_has_prefix(auth, "AWS4-")) {
        if (from_authorization(auth, r) != 0) {
            g_snprintf(err, errlen, "malformed credential scope in the Authorization header");
            return -1;
        }
        signed_v4 = true;
    } else if (cred) {
        if (route_parse_credential(cred, strlen(cred), r) != 0) {
            g_snprintf(err, errlen, "malformed X-Amz-Credential: '%s'", cred);
            return -1;
        }
        signed_v4 = true;
    }
    if (!signed_v4) {
        const char *target = http_request_header(req, "x-amz-target");
        const char *action = form ? http_params_get(form, "Action") : NULL;
        const char *version = form ? http_params_get(form, "Version") : NULL;
        if (!action && query) {
            action = http_params_get(query, "Action");
            version = http_params_get(query, "Version");
        }
        const char *svc = NULL;
        if (target) {
            const char *dot = strchr(target, '.');
            size_t len = dot ? (size_t)(dot - target) : strlen(target);
            svc = env->service_for_target(env->arg, target, len);
            /* a JSON service mockaws does not serve is still not S3's */
            const unserved_service *u = svc ? NULL : unserved_by_target(target, len);
            svc = u ? u->signing_name : svc;
        } else if (action && version) {
            svc = env->service_for_version(env->arg, version);
        }
        g_strlcpy(r->service, svc ? svc : "s3", sizeof r->service);
        if (auth && g_str_has_prefix(auth, "AWS ")) {
            /* SigV2 (S3 only): "AWS AKID:signature" */
            size_t n = strcspn(auth + 4, ":");
            if (n < sizeof r->access_key)
                g_strlcpy(r->access_key, auth + 4, n + 1);
        } else if (query && http_params_get(query, "AWSAccessKeyId")) {
            g_strlcpy(r->access_key, http_params_get(query, "AWSAccessKeyId"), sizeof r->access_key);
        }
    }
    const svc_def *d = env->service_def(env->arg, r->service);
    if (d && d->route_host) {
        char *host_region = NULL;
        r->path = d->route_host(req, &host_region);
        if (!r->region[0] && host_region)
            g_strlcpy(r->region, host_region, sizeof r->region);
        g_free(host_region);
    }
    if (!r->region[0])
        g_strlcpy(r->region, ROUTE_DEFAULT_REGION, sizeof r->region);
    return 0;
}

void route_clear(route *r)
{
    g_free(r->path);
    r->path = NULL;
}
