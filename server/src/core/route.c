#include "route.h"

#include <string.h>

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

static bool host_is_ip(const char *h, size_t len)
{
    if (len && h[0] == '[')
        return true; /* IPv6 literal */
    for (size_t i = 0; i < len; i++)
        if (!g_ascii_isdigit(h[i]) && h[i] != '.')
            return false;
    return len > 0;
}

char *route_s3_bucket_from_host(const char *host, char **region)
{
    *region = NULL;
    if (!host || !*host)
        return NULL;
    size_t len = strcspn(host, ":");
    if (host[0] == '[')
        return NULL;
    if (host_is_ip(host, len))
        return NULL;
    static const char *const suffixes[] = {".localhost.localstack.cloud", ".localhost",
                                           ".amazonaws.com", NULL};
    size_t rest = 0;
    const char *sfx = NULL;
    for (size_t i = 0; suffixes[i]; i++) {
        size_t sl = strlen(suffixes[i]);
        if (len > sl && g_ascii_strncasecmp(host + len - sl, suffixes[i], sl) == 0) {
            sfx = suffixes[i];
            rest = len - sl;
            break;
        }
    }
    if (!sfx)
        return NULL;
    char *labels = g_ascii_strdown(host, (gssize)rest);
    char *bucket = NULL;
    /* rest is one of: s3 | s3.REGION | s3-REGION | BUCKET | BUCKET.s3 | BUCKET.s3.REGION */
    if (strcmp(labels, "s3") == 0 || g_str_has_prefix(labels, "s3.") || g_str_has_prefix(labels, "s3-")) {
        if (labels[2] == '.' || labels[2] == '-')
            *region = g_strdup(labels + 3);
    } else {
        char *s3 = strstr(labels, ".s3.");
        char *end = g_str_has_suffix(labels, ".s3") ? labels + strlen(labels) - 3 : NULL;
        /* Host names have no case: the bucket is the lowercased label. */
        if (s3) {
            *region = g_strdup(s3 + 4);
            bucket = g_strndup(labels, (gsize)(s3 - labels));
        } else if (end) {
            bucket = g_strndup(labels, (gsize)(end - labels));
        } else if (strcmp(sfx, ".amazonaws.com") != 0) {
            bucket = g_strndup(labels, rest);
        }
    }
    g_free(labels);
    if (*region && !**region) {
        g_free(*region);
        *region = NULL;
    }
    return bucket;
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
            svc = env->service_for_target(env->arg, target, dot ? (size_t)(dot - target) : strlen(target));
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
    if (strcmp(r->service, "s3") == 0) {
        char *host_region = NULL;
        char *bucket = route_s3_bucket_from_host(req->host, &host_region);
        if (bucket) {
            GString *p = g_string_new("/");
            http_percent_encode(p, bucket, strlen(bucket), false);
            g_string_append(p, req->path[0] == '/' ? req->path : "/");
            if (strcmp(req->path, "/") == 0)
                g_string_truncate(p, p->len - 1);
            r->s3_path = g_string_free(p, FALSE);
            g_free(bucket);
        }
        if (!r->region[0] && host_region)
            g_strlcpy(r->region, host_region, sizeof r->region);
        r->bucket_region = host_region;
    }
    if (!r->region[0])
        g_strlcpy(r->region, ROUTE_DEFAULT_REGION, sizeof r->region);
    return 0;
}

void route_clear(route *r)
{
    g_free(r->s3_path);
    g_free(r->bucket_region);
    r->s3_path = r->bucket_region = NULL;
}
