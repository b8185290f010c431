#include "core/ui.h"

#include <stdlib.h>
#include <string.h>

static const ui_asset *asset_named(const char *name)
{
    for (size_t i = 0; i < ui_nassets; i++)
        if (strcmp(ui_assets[i].name, name) == 0)
            return &ui_assets[i];
    return NULL;
}

const ui_asset *ui_lookup(const http_request *req)
{
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
        return NULL;
    const char *p = req->path;
    if (strcmp(p, "/") == 0 || strcmp(p, "/_mockaws/ui") == 0 || strcmp(p, "/_mockaws/ui/") == 0)
        return asset_named("index.html");
    if (strcmp(p, "/_mockaws/ui/app.js") == 0)
        return asset_named("app.js");
    if (strcmp(p, "/_mockaws/ui/app.css") == 0)
        return asset_named("app.css");
    return NULL;
}

/* The q of one media range's parameters ("; q=0.5"); 1 when absent. */
static double range_q(const char *params, size_t n)
{
    const char *end = params + n;
    for (const char *p = params; p < end; p++) {
        if (*p != ';')
            continue;
        p++;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p + 1 < end && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            char buf[16];
            size_t len = strcspn(p + 2, ";,");
            if (len >= sizeof buf || p + 2 + len > end)
                return 0;
            memcpy(buf, p + 2, len);
            buf[len] = '\0';
            return strtod(buf, NULL);
        }
    }
    return 1;
}

/* text/html is named with a q above 0 and no other range (the any-type
 * wildcard included) has a higher one. A browser's navigation sends
 * text/html first at q=1; SDKs send no Accept, the wildcard, or JSON. */
static bool accept_prefers_html(const char *accept)
{
    double html = 0, other = 0;
    const char *p = accept;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        if (!n)
            break;
        size_t type_len = strcspn(p, ";, \t");
        if (type_len > n)
            type_len = n;
        double q = range_q(p, n);
        bool is_html = (type_len == 9 && g_ascii_strncasecmp(p, "text/html", 9) == 0) ||
                       (type_len == 21 && g_ascii_strncasecmp(p, "application/xhtml+xml", 21) == 0);
        if (is_html) {
            if (q > html)
                html = q;
        } else if (q > other) {
            other = q;
        }
        p += n;
    }
    return html > 0 && html >= other;
}

bool ui_is_navigation(const http_request *req)
{
    if (strcmp(req->method, "GET") != 0 || strcmp(req->path, "/") != 0 || req->query[0])
        return false;
    const char *accept = NULL;
    for (size_t i = 0; i < req->nheaders; i++) {
        const char *name = req->headers[i].name;
        if (strcmp(name, "authorization") == 0 || g_str_has_prefix(name, "x-amz-"))
            return false;
        if (strcmp(name, "accept") == 0)
            accept = req->headers[i].value;
    }
    return accept && accept_prefers_html(accept);
}

void ui_serve(const ui_asset *a, http_response *resp)
{
    resp->status = 200;
    g_string_truncate(resp->body, 0);
    g_string_append_len(resp->body, (const char *)a->data, (gssize)a->len);
    http_response_set_header(resp, "Content-Type", a->type);
    /* Its own files only: no inline script or style, no other origin; the
     * API it calls is this origin's. */
    http_response_set_header(resp, "Content-Security-Policy",
                             "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                             "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    http_response_set_header(resp, "X-Content-Type-Options", "nosniff");
    http_response_set_header(resp, "Referrer-Policy", "no-referrer");
    http_response_set_header(resp, "X-Frame-Options", "DENY");
    http_response_set_header(resp, "Cache-Control", "no-cache");
    /* GET / is also S3's ListBuckets: a cache must not give one the other */
    http_response_set_header(resp, "Vary", "Accept, Authorization");
}
