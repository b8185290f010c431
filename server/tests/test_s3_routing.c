/* S3 routing by the model alone: every operation of S3's model (those
 * mockaws implements and the trimmed ones) is told apart by method, URI
 * template, query literals and required bindings; the unimplemented ones
 * answer 501 naming themselves; GetBucketLocation's body comes from the
 * model byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/embedded.h"
#include "test_s3_call.h"
#include "wire/model.h"
#include "wire/restxml.h"

static const model *s3_model(void)
{
    const model *m = embedded_model("s3");
    if (!m)
        fail_msg("s3 is not compiled in");
    return m;
}

/* The operations that tie for the best match of a request (at most 4). */
static size_t route(const model *m, const char *method, const char *path, const char *query,
                    const http_header *h, size_t nh, const char **names)
{
    http_request req = {.method = method, .path = path, .query = query ? query : "", .host = "localhost",
                        .headers = h, .nheaders = nh, .body = ""};
    return restxml_match_operations(m, &req, names, 4);
}

static void expect_route(const model *m, const char *method, const char *path, const char *query,
                         const char *header, const char *op)
{
    http_header h[1] = {{(char *)header, "v"}};
    const char *names[4] = {NULL};
    size_t n = route(m, method, path, query, h, header ? 1 : 0, names);
    if (n != 1 || strcmp(names[0], op) != 0)
        fail_msg("%s %s?%s%s%s: %zu match(es), first %s; want %s alone", method, path, query ? query : "",
                 header ? " with " : "", header ? header : "", n, n ? names[0] : "(none)", op);
}

/* Requests as SDKs send them: every operation mockaws implements, the
 * shapes of request that used to fool the matcher, and every row of the
 * subresource table s3.c kept before the model had all operations. */
static const struct {
    const char *method, *path, *query, *header, *op;
} cases[] = {
    /* implemented */
    {"GET", "/", NULL, NULL, "ListBuckets"},
    {"PUT", "/b", NULL, NULL, "CreateBucket"},
    {"DELETE", "/b", NULL, NULL, "DeleteBucket"},
    {"HEAD", "/b", NULL, NULL, "HeadBucket"},
    {"GET", "/b", "location", NULL, "GetBucketLocation"},
    {"PUT", "/b/k", NULL, NULL, "PutObject"},
    {"PUT", "/b/k", NULL, "content-md5", "PutObject"},
    {"GET", "/b/k", NULL, NULL, "GetObject"},
    {"GET", "/b/a/deep/key", "versionId=v1", NULL, "GetObject"},
    {"HEAD", "/b/k", NULL, NULL, "HeadObject"},
    {"DELETE", "/b/k", NULL, NULL, "DeleteObject"},
    {"DELETE", "/b/k", "versionId=v1", NULL, "DeleteObject"},
    {"POST", "/b", "delete", NULL, "DeleteObjects"},
    {"PUT", "/b/k", NULL, "x-amz-copy-source", "CopyObject"},
    {"GET", "/b/k", "tagging", NULL, "GetObjectTagging"},
    {"PUT", "/b/k", "tagging", NULL, "PutObjectTagging"},
    {"DELETE", "/b/k", "tagging", NULL, "DeleteObjectTagging"},
    {"GET", "/b/k", "attributes", "x-amz-object-attributes", "GetObjectAttributes"},
    {"GET", "/b/k", "attributes", NULL, "GetObjectAttributes"},
    {"GET", "/b", "list-type=2", NULL, "ListObjectsV2"},
    {"GET", "/b", "list-type=2&prefix=a&delimiter=%2F", NULL, "ListObjectsV2"},
    {"GET", "/b", NULL, NULL, "ListObjects"},
    {"GET", "/b/", NULL, NULL, "ListObjects"},
    {"GET", "/b", "prefix=a&marker=m&max-keys=2", NULL, "ListObjects"},
    {"POST", "/b/k", "uploads", NULL, "CreateMultipartUpload"},
    {"PUT", "/b/k", "partNumber=1&uploadId=u", NULL, "UploadPart"},
    {"PUT", "/b/k", "partNumber=1&uploadId=u", "x-amz-copy-source", "UploadPartCopy"},
    {"POST", "/b/k", "uploadId=u", NULL, "CompleteMultipartUpload"},
    {"DELETE", "/b/k", "uploadId=u", NULL, "AbortMultipartUpload"},
    {"GET", "/b/k", "uploadId=u", NULL, "ListParts"},
    {"GET", "/b/k", "uploadId=u&max-parts=2&part-number-marker=1", NULL, "ListParts"},
    {"GET", "/b", "uploads", NULL, "ListMultipartUploads"},
    /* the former subresource table, bucket level */
    {"GET", "/b", "acl", NULL, "GetBucketAcl"},
    {"GET", "/b", "cors", NULL, "GetBucketCors"},
    {"GET", "/b", "encryption", NULL, "GetBucketEncryption"},
    {"GET", "/b", "lifecycle", NULL, "GetBucketLifecycleConfiguration"},
    {"GET", "/b", "logging", NULL, "GetBucketLogging"},
    {"GET", "/b", "notification", NULL, "GetBucketNotificationConfiguration"},
    {"GET", "/b", "ownershipControls", NULL, "GetBucketOwnershipControls"},
    {"GET", "/b", "policy", NULL, "GetBucketPolicy"},
    {"GET", "/b", "policyStatus", NULL, "GetBucketPolicyStatus"},
    {"GET", "/b", "publicAccessBlock", NULL, "GetPublicAccessBlock"},
    {"GET", "/b", "replication", NULL, "GetBucketReplication"},
    {"GET", "/b", "requestPayment", NULL, "GetBucketRequestPayment"},
    {"GET", "/b", "tagging", NULL, "GetBucketTagging"},
    {"GET", "/b", "versioning", NULL, "GetBucketVersioning"},
    {"GET", "/b", "website", NULL, "GetBucketWebsite"},
    {"GET", "/b", "accelerate", NULL, "GetBucketAccelerateConfiguration"},
    {"GET", "/b", "object-lock", NULL, "GetObjectLockConfiguration"},
    {"GET", "/b", "versions", NULL, "ListObjectVersions"},
    {"GET", "/b", "versions&prefix=a", NULL, "ListObjectVersions"},
    {"GET", "/b", "analytics", NULL, "ListBucketAnalyticsConfigurations"},
    {"GET", "/b", "metrics", NULL, "ListBucketMetricsConfigurations"},
    {"GET", "/b", "inventory", NULL, "ListBucketInventoryConfigurations"},
    {"GET", "/b", "intelligent-tiering", NULL, "ListBucketIntelligentTieringConfigurations"},
    {"PUT", "/b", "acl", NULL, "PutBucketAcl"},
    {"PUT", "/b", "cors", NULL, "PutBucketCors"},
    {"PUT", "/b", "encryption", NULL, "PutBucketEncryption"},
    {"PUT", "/b", "lifecycle", NULL, "PutBucketLifecycleConfiguration"},
    {"PUT", "/b", "logging", NULL, "PutBucketLogging"},
    {"PUT", "/b", "notification", NULL, "PutBucketNotificationConfiguration"},
    {"PUT", "/b", "ownershipControls", NULL, "PutBucketOwnershipControls"},
    {"PUT", "/b", "policy", NULL, "PutBucketPolicy"},
    {"PUT", "/b", "publicAccessBlock", NULL, "PutPublicAccessBlock"},
    {"PUT", "/b", "replication", NULL, "PutBucketReplication"},
    {"PUT", "/b", "requestPayment", NULL, "PutBucketRequestPayment"},
    {"PUT", "/b", "tagging", NULL, "PutBucketTagging"},
    {"PUT", "/b", "versioning", NULL, "PutBucketVersioning"},
    {"PUT", "/b", "website", NULL, "PutBucketWebsite"},
    {"PUT", "/b", "accelerate", NULL, "PutBucketAccelerateConfiguration"},
    {"PUT", "/b", "object-lock", NULL, "PutObjectLockConfiguration"},
    {"PUT", "/b", "analytics&id=a", NULL, "PutBucketAnalyticsConfiguration"},
    {"PUT", "/b", "metrics&id=a", NULL, "PutBucketMetricsConfiguration"},
    {"PUT", "/b", "inventory&id=a", NULL, "PutBucketInventoryConfiguration"},
    {"PUT", "/b", "intelligent-tiering&id=a", NULL, "PutBucketIntelligentTieringConfiguration"},
    {"DELETE", "/b", "cors", NULL, "DeleteBucketCors"},
    {"DELETE", "/b", "encryption", NULL, "DeleteBucketEncryption"},
    {"DELETE", "/b", "lifecycle", NULL, "DeleteBucketLifecycle"},
    {"DELETE", "/b", "ownershipControls", NULL, "DeleteBucketOwnershipControls"},
    {"DELETE", "/b", "policy", NULL, "DeleteBucketPolicy"},
    {"DELETE", "/b", "publicAccessBlock", NULL, "DeletePublicAccessBlock"},
    {"DELETE", "/b", "replication", NULL, "DeleteBucketReplication"},
    {"DELETE", "/b", "tagging", NULL, "DeleteBucketTagging"},
    {"DELETE", "/b", "website", NULL, "DeleteBucketWebsite"},
    {"DELETE", "/b", "analytics&id=a", NULL, "DeleteBucketAnalyticsConfiguration"},
    {"DELETE", "/b", "metrics&id=a", NULL, "DeleteBucketMetricsConfiguration"},
    {"DELETE", "/b", "inventory&id=a", NULL, "DeleteBucketInventoryConfiguration"},
    {"DELETE", "/b", "intelligent-tiering&id=a", NULL, "DeleteBucketIntelligentTieringConfiguration"},
    /* ... and object level */
    {"GET", "/b/k", "acl", NULL, "GetObjectAcl"},
    {"GET", "/b/k", "legal-hold", NULL, "GetObjectLegalHold"},
    {"GET", "/b/k", "retention", NULL, "GetObjectRetention"},
    {"GET", "/b/k", "torrent", NULL, "GetObjectTorrent"},
    {"PUT", "/b/k", "acl", NULL, "PutObjectAcl"},
    {"PUT", "/b/k", "legal-hold", NULL, "PutObjectLegalHold"},
    {"PUT", "/b/k", "retention", NULL, "PutObjectRetention"},
    {"POST", "/b/k", "restore", NULL, "RestoreObject"},
    {"POST", "/b/k", "select&select-type=2", NULL, "SelectObjectContent"},
    /* the table had RenameObject as a POST: the model says PUT, with its source */
    {"PUT", "/b/k", "renameObject", "x-amz-rename-source", "RenameObject"},
    /* with the configuration id the single-configuration operation wins */
    {"GET", "/b", "analytics&id=a", NULL, "GetBucketAnalyticsConfiguration"},
    {"GET", "/b", "metrics&id=a", NULL, "GetBucketMetricsConfiguration"},
    {"GET", "/b", "session", NULL, "CreateSession"},
};

static void routes_by_the_model(void **st)
{
    (void)st;
    const model *m = s3_model();
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        expect_route(m, cases[i].method, cases[i].path, cases[i].query, cases[i].header, cases[i].op);
}

/* The one request S3 would route that its model's twin outranks. */
static const char *outranked_by(const mop *op)
{
    static const char *const pairs[][2] = {
        /* deprecated: the current operation of the same template answers */
        {"GetBucketLifecycle", "GetBucketLifecycleConfiguration"},
        {"PutBucketLifecycle", "PutBucketLifecycleConfiguration"},
        {"GetBucketNotification", "GetBucketNotificationConfiguration"},
        {"PutBucketNotification", "PutBucketNotificationConfiguration"},
        /* S3 Express's, on its own endpoint */
        {"ListDirectoryBuckets", "ListBuckets"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(pairs); i++)
        if (strcmp(op->name, pairs[i][0]) == 0)
            return pairs[i][1];
    return op->name;
}

/* Every operation of the model, asked for the way its binding says (its
 * template with "b" and "k" for the labels, its query literals, and its
 * required headers and query parameters), routes back to itself. */
static void every_operation_routes_to_itself(void **st)
{
    (void)st;
    const model *m = s3_model();
    assert_true(m->nops > 100);
    for (uint32_t i = 0; i < m->nops; i++) {
        const mop *op = &m->ops[i];
        assert_non_null(op->request_uri);
        GString *path = g_string_new(NULL);
        const char *u = op->request_uri;
        for (; *u && *u != '?'; u++) {
            if (*u != '{') {
                g_string_append_c(path, *u);
                continue;
            }
            g_string_append(path, strncmp(u, "{Key+}", 6) == 0 ? "k" : "b");
            u = strchr(u, '}');
        }
        GString *query = g_string_new(*u == '?' ? u + 1 : "");
        http_header h[8];
        size_t nh = 0;
        const mshape *in = op->input ? op->input->shape : NULL;
        for (uint32_t k = 0; in && k < in->nmembers; k++) {
            const mmember *r = &in->members[k];
            const char *name = r->t.location_name ? r->t.location_name : r->name;
            if (!(r->t.flags & MF_REQUIRED))
                continue;
            if (r->location == ML_HEADER && nh < G_N_ELEMENTS(h))
                h[nh++] = (http_header){(char *)name, "v"};
            else if (r->location == ML_QUERYSTRING)
                g_string_append_printf(query, "%s%s=v", query->len ? "&" : "", name);
        }
        const char *names[4] = {NULL};
        size_t n = route(m, op->http_method, path->str, query->str, h, nh, names);
        const char *want = outranked_by(op);
        if (n != 1 || strcmp(names[0], want) != 0)
            fail_msg("%s (%s %s?%s): %zu match(es), first %s; want %s", op->name, op->http_method, path->str,
                     query->str, n, n ? names[0] : "(none)", want);
        g_string_free(path, TRUE);
        g_string_free(query, TRUE);
    }
}

/* Through the whole pipeline: an operation S3 has and mockaws does not
 * is a 501 NotImplemented naming it, and touches nothing. */
static void unimplemented_answer_501_by_name(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/routed", NULL, NULL);
    s3_ok(s, "PUT", "/routed/k", NULL, "x");
    const model *m = s3_model();
    size_t seen = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const mop *op = model_find_op(m, cases[i].op);
        assert_non_null(op);
        if (!(op->flags & MF_TRIMMED))
            continue;
        seen++;
        char *path = g_strconcat("/routed", cases[i].path + 2, NULL);
        s3r r = cases[i].header ? s3_call(s, cases[i].method, path, cases[i].query, NULL, 0, cases[i].header,
                                          "routed/k", NULL)
                                : s3_call(s, cases[i].method, path, cases[i].query, NULL, 0, NULL);
        char *code = s3_xml_text(r.body, "Code");
        char *msg = s3_xml_text(r.body, "Message");
        if (r.status != 501 || g_strcmp0(code, "NotImplemented") != 0 || !msg || !strstr(msg, cases[i].op))
            fail_msg("%s %s?%s: %d %s", cases[i].method, path, cases[i].query, r.status, r.body);
        g_free(code);
        g_free(msg);
        g_free(path);
        s3r_free(&r);
    }
    /* a floor, not a count: it falls as operations get implemented (32
     * rows of the table were unimplemented once the bucket settings were) */
    assert_true(seen >= 10);
    /* nothing was deleted or replaced on the way */
    s3r r = s3_call(s, "GET", "/routed/k", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "x");
    s3r_free(&r);
}

/* S3's answer, byte for byte: the region as the root element's text, empty
 * for us-east-1. */
static void bucket_location_bytes(void **st)
{
    server *s = *st;
    const char *cfg = "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>"
                      "</CreateBucketConfiguration>";
    s3r r = s3_call(s, "PUT", "/where-eu", NULL, cfg, strlen(cfg), NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    s3_ok(s, "PUT", "/where-us", NULL, NULL);
    r = s3_call(s, "GET", "/where-eu", "location", NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                                "eu-west-1</LocationConstraint>");
    assert_string_equal(s3r_header(&r, "Content-Type"), "application/xml");
    s3r_free(&r);
    r = s3_call(s, "GET", "/where-us", "location", NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                                "</LocationConstraint>");
    s3r_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(routes_by_the_model),
        cmocka_unit_test(every_operation_routes_to_itself),
        cmocka_unit_test(unimplemented_answer_501_by_name),
        cmocka_unit_test(bucket_location_bytes),
    };
    return cmocka_run_group_tests(tests, s3_setup, s3_teardown);
}
