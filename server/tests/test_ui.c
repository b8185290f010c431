/* The dashboard's serving (core/ui.c): which requests get the page, that an
 * SDK's GET / stays S3's ListBuckets, the headers that keep the page to
 * itself, and that only the page's own files pass the guard without the
 * control token. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>

#include "core/pipeline.h"
#include "core/server.h"
#include "core/ui.h"

#define BROWSER_ACCEPT "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"

typedef struct answer {
    int status;
    char *type; /* Content-Type, g_malloc'd, or NULL */
    char *csp;
    char *nosniff;
    char *referrer;
    char *body;
} answer;

static void answer_clear(answer *a)
{
    g_free(a->type);
    g_free(a->csp);
    g_free(a->nosniff);
    g_free(a->referrer);
    g_free(a->body);
}

/* GET (or method) path[?query] through the network's path, with header
 * name/value pairs ending with NULL. */
static answer get(server *s, const char *method, const char *path, ...)
{
    http_header h[16];
    size_t n = 0;
    va_list ap;
    va_start(ap, path);
    for (const char *name; n < 15 && (name = va_arg(ap, const char *));)
        h[n++] = (http_header){(char *)name, (char *)va_arg(ap, const char *)};
    va_end(ap);
    const char *q = strchr(path, '?');
    char *p = q ? g_strndup(path, (gsize)(q - path)) : g_strdup(path);
    http_request req = {.method = method, .path = p, .query = q ? q + 1 : "", .host = "localhost:4566",
                        .headers = h, .nheaders = n, .body = "", .body_len = 0};
    http_response resp;
    http_response_init(&resp);
    pipeline_outcome oc;
    pipeline_handle(s, &req, 1, false, &resp, &oc);
    size_t len;
    const char *b = http_response_body(&resp, &len);
    answer a = {
        .status = resp.status,
        .type = g_strdup(http_response_header(&resp, "Content-Type")),
        .csp = g_strdup(http_response_header(&resp, "Content-Security-Policy")),
        .nosniff = g_strdup(http_response_header(&resp, "X-Content-Type-Options")),
        .referrer = g_strdup(http_response_header(&resp, "Referrer-Policy")),
        .body = g_strndup(b, len),
    };
    http_response_clear(&resp);
    g_free(p);
    return a;
}

static server *start(const char *token)
{
    char err[256];
    mockaws_options o = {.control_token = token};
    server *s = mockaws_start(&o, err, sizeof err);
    if (!s)
        fail_msg("start: %s", err);
    return s;
}

static void assert_page(answer *a, const char *type_prefix)
{
    assert_int_equal(a->status, 200);
    assert_non_null(a->type);
    assert_true(g_str_has_prefix(a->type, type_prefix));
    assert_non_null(a->csp);
    assert_non_null(strstr(a->csp, "default-src 'self'"));
    assert_null(strstr(a->csp, "unsafe-inline"));
    assert_string_equal(a->nosniff, "nosniff");
    assert_string_equal(a->referrer, "no-referrer");
}

static void files_are_embedded(void **st)
{
    const char *want[] = {"index.html", "app.js", "app.css"};
    assert_int_equal(ui_nassets, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(ui_assets[i].name, want[i]);
        assert_true(ui_assets[i].len > 100);
        assert_int_equal(ui_assets[i].data[ui_assets[i].len], 0);
    }
    /* the page loads its files by the paths ui_lookup serves */
    const char *html = (const char *)ui_assets[0].data;
    assert_non_null(strstr(html, "src=\"/_mockaws/ui/app.js\""));
    assert_non_null(strstr(html, "href=\"/_mockaws/ui/app.css\""));
}

static void page_and_files_without_the_token(void **st)
{
    server *s = start("s3cr3t");
    struct {
        const char *path, *type;
    } files[] = {{"/_mockaws/ui", "text/html"},
                 {"/_mockaws/ui/", "text/html"},
                 {"/_mockaws/ui/app.js", "text/javascript"},
                 {"/_mockaws/ui/app.css", "text/css"}};
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        answer a = get(s, "GET", files[i].path, NULL);
        assert_page(&a, files[i].type);
        answer_clear(&a);
    }
    /* nothing else: the API, other names under ui/, other methods */
    const char *refused[] = {"/_mockaws/journal", "/_mockaws/ui/index.htm", "/_mockaws/ui/app.js/x",
                             "/_mockaws/uix"};
    for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
        answer a = get(s, "GET", refused[i], NULL);
        assert_int_equal(a.status, 401);
        answer_clear(&a);
    }
    answer a = get(s, "POST", "/_mockaws/ui", NULL);
    assert_int_equal(a.status, 401);
    answer_clear(&a);
    /* the guard's other rules still hold for the page */
    a = get(s, "GET", "/_mockaws/ui", "origin", "http://evil.example.com", NULL);
    assert_int_equal(a.status, 403);
    answer_clear(&a);
    mockaws_stop(s);
}

static void root_is_the_page_for_a_navigation_only(void **st)
{
    server *s = start(NULL);
    answer a = get(s, "GET", "/", "accept", BROWSER_ACCEPT, NULL);
    assert_page(&a, "text/html");
    assert_non_null(strstr(a.body, "<title>mockaws</title>"));
    answer_clear(&a);
    a = get(s, "GET", "/", "accept", "text/html", NULL);
    assert_page(&a, "text/html");
    answer_clear(&a);
    /* S3's ListBuckets: no Accept, a wildcard, XML first, a query, a
     * signature, any x-amz- header, HEAD */
    struct {
        const char *method, *path, *h1, *v1, *h2, *v2;
    } sdk[] = {
        {"GET", "/", NULL, NULL, NULL, NULL},
        {"GET", "/", "accept", "*/*", NULL, NULL},
        {"GET", "/", "accept", "application/xml, text/html;q=0.9", NULL, NULL},
        {"GET", "/", "accept", "text/html;q=0", NULL, NULL},
        {"GET", "/?x-id=ListBuckets", "accept", BROWSER_ACCEPT, NULL, NULL},
        {"GET", "/", "accept", BROWSER_ACCEPT, "authorization", "AWS4-HMAC-SHA256 Credential=AKID/x"},
        {"GET", "/", "accept", BROWSER_ACCEPT, "x-amz-date", "20260101T000000Z"},
        {"HEAD", "/", "accept", BROWSER_ACCEPT, NULL, NULL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(sdk); i++) {
        answer b = get(s, sdk[i].method, sdk[i].path, sdk[i].h1, sdk[i].v1, sdk[i].h2, sdk[i].v2, NULL);
        assert_null(b.csp);
        if (b.type && strstr(b.type, "text/html"))
            fail_msg("case %zu: %s %s got the page", i, sdk[i].method, sdk[i].path);
        answer_clear(&b);
    }
    answer b = get(s, "GET", "/", NULL);
    assert_int_equal(b.status, 200);
    assert_non_null(strstr(b.body, "ListAllMyBucketsResult"));
    answer_clear(&b);
    mockaws_stop(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(files_are_embedded),
        cmocka_unit_test(page_and_files_without_the_token),
        cmocka_unit_test(root_is_the_page_for_a_navigation_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
