#include "services/s3/host.h"

#include <glib.h>
#include <string.h>

static bool host_is_ip(const char *h, size_t len)
{
    if (len && h[0] == '[')
        return true; /* IPv6 literal */
    for (size_t i = 0; i < len; i++)
        if (!g_ascii_isdigit(h[i]) && h[i] != '.')
            return false;
    return len > 0;
}

/* The bucket named by the host (g_malloc'd) or NULL for a path-style host;
 * *region set (g_malloc'd) for s3.REGION hosts. */
static char *bucket_from_host(const char *host, char **region)
{
    *region = NULL;
    if (!host || !*host)
        return NULL;
    size_t len = strcspn(host, ":");
    if (host[0] == '[')
        return NULL;
    if (host_is_ip(host, len))
        return NULL;
    /* .amazonaws.com.cn: the China regions' endpoints (aws-cn) */
    static const char *const suffixes[] = {".localhost.localstack.cloud", ".localhost", ".amazonaws.com",
                                           ".amazonaws.com.cn", NULL};
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
        } else if (!g_str_has_prefix(sfx, ".amazonaws.com")) {
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

char *s3_host_route(const http_request *req, char **region)
{
    char *bucket = bucket_from_host(req->host, region);
    if (!bucket)
        return NULL;
    GString *p = g_string_new("/");
    http_percent_encode(p, bucket, strlen(bucket), false);
    g_string_append(p, req->path[0] == '/' ? req->path : "/");
    if (strcmp(req->path, "/") == 0)
        g_string_truncate(p, p->len - 1);
    g_free(bucket);
    return g_string_free(p, FALSE);
}
