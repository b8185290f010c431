/* POST Object, the browser form upload (services/s3/post.c): the form,
 * the policy, the answers, and hostile bodies. Expected values are S3's
 * (docs/AWS-FACTS.md, "POST Object"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "services/s3/post.h"
#include "test_s3_call.h"

#define BOUNDARY "----mockawsform7d3"
#define FORM_CT "multipart/form-data; boundary=" BOUNDARY
#define FUTURE "2099-01-01T00:00:00Z"
#define SIGV4_CONDS                                                                                           \
    "{\"x-amz-algorithm\": \"AWS4-HMAC-SHA256\"}, "                                                          \
    "{\"x-amz-credential\": \"AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request\"}, "                         \
    "{\"x-amz-date\": \"20261129T000000Z\"}"

/* base64 of {"expiration": exp, "conditions": [conds]} (g_free). */
static char *policy(const char *exp, const char *conds)
{
    char *doc = g_strdup_printf("{\"expiration\": \"%s\", \"conditions\": [%s]}", exp, conds);
    char *b = g_base64_encode((const guchar *)doc, strlen(doc));
    g_free(doc);
    return b;
}

/* A form: name/value pairs (NULL-ended), then the file part when data is
 * not NULL; fields named in `after` follow the file. */
static GString *form_v(const char *filename, const char *data, size_t dlen, va_list ap)
{
    GString *g = g_string_new(NULL);
    for (const char *n; (n = va_arg(ap, const char *));)
        g_string_append_printf(g, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n", n,
                               va_arg(ap, const char *));
    if (data) {
        g_string_append(g, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"");
        if (filename)
            g_string_append_printf(g, "; filename=\"%s\"", filename);
        g_string_append(g, "\r\nContent-Type: application/octet-stream\r\n\r\n");
        g_string_append_len(g, data, (gssize)dlen);
        g_string_append(g, "\r\n");
    }
    g_string_append(g, "--" BOUNDARY "--\r\n");
    return g;
}

static GString *form(const char *filename, const char *data, size_t dlen, ...)
{
    va_list ap;
    va_start(ap, dlen);
    GString *g = form_v(filename, data, dlen, ap);
    va_end(ap);
    return g;
}

static s3r post(server *s, const char *path, GString *body)
{
    s3r r = s3_call(s, "POST", path, NULL, body->str, body->len, "content-type", FORM_CT, "authorization", "",
                    NULL);
    g_string_free(body, TRUE);
    return r;
}

/* A SigV4 form for bucket b with the given extra conditions and fields. */
static s3r post_v4(server *s, const char *b, const char *conds, const char *data, size_t dlen, ...)
{
    char *all = g_strdup_printf("{\"bucket\": \"%s\"}, " SIGV4_CONDS "%s%s", b, *conds ? ", " : "", conds);
    char *p = policy(FUTURE, all);
    g_free(all);
    GString *g = g_string_new(NULL);
    g_string_append_printf(g,
                           "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"x-amz-algorithm\"\r\n\r\n"
                           "AWS4-HMAC-SHA256\r\n"
                           "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"x-amz-credential\"\r\n\r\n"
                           "AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request\r\n"
                           "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"x-amz-date\"\r\n\r\n"
                           "20261129T000000Z\r\n"
                           "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"x-amz-signature\"\r\n\r\n"
                           "%064d\r\n"
                           "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"policy\"\r\n\r\n%s\r\n",
                           0, p);
    g_free(p);
    va_list ap;
    va_start(ap, dlen);
    GString *rest = form_v("photo.jpg", data, dlen, ap);
    va_end(ap);
    g_string_append_len(g, rest->str, (gssize)rest->len);
    g_string_free(rest, TRUE);
    char *path = g_strdup_printf("/%s", b);
    s3r r = post(s, path, g);
    g_free(path);
    return r;
}

/* An element's text with XML's five entities undone (g_free). */
static char *xml_text(const char *xml, const char *tag)
{
    char *raw = s3_xml_text(xml, tag);
    if (!raw)
        return NULL;
    static const char *const ent[][2] = {{"&quot;", "\""}, {"&apos;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}};
    GString *g = g_string_new(raw);
    g_free(raw);
    for (size_t i = 0; i < G_N_ELEMENTS(ent); i++)
        g_string_replace(g, ent[i][0], ent[i][1], 0);
    return g_string_free(g, FALSE);
}

static void expect_error(s3r *r, int status, const char *code, const char *message)
{
    if (r->status != status || !strstr(r->body, code))
        fprintf(stderr, "got %d %s\n", r->status, r->body);
    assert_int_equal(r->status, status);
    char *c = s3_xml_text(r->body, "Code");
    assert_string_equal(c, code);
    g_free(c);
    if (message) {
        char *m = xml_text(r->body, "Message");
        assert_string_equal(m, message);
        g_free(m);
    }
    s3r_free(r);
}

static char *get_body(server *s, const char *path)
{
    s3r r = s3_call(s, "GET", path, NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    char *b = g_strndup(r.body, r.len);
    s3r_free(&r);
    return b;
}

static void stores_with_sigv4_and_filename(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/post-a", NULL, NULL);
    s3r r = post_v4(s, "post-a", "[\"starts-with\", \"$key\", \"up/\"], [\"content-length-range\", 1, 100]",
                    "hello", 5, "key", "up/${filename}", NULL);
    assert_int_equal(r.status, 204);
    assert_int_equal(r.len, 0);
    assert_string_equal(s3r_header(&r, "ETag"), "\"5d41402abc4b2a76b9719d911017c592\"");
    s3r_free(&r);
    char *b = get_body(s, "/post-a/up/photo.jpg");
    assert_string_equal(b, "hello");
    g_free(b);
}

static void answers_200_201_303(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/post-b", NULL, NULL);
    s3r r = post_v4(s, "post-b", "{\"key\": \"k\"}, {\"success_action_status\": \"200\"}", "x", 1, "key", "k",
                    "success_action_status", "200", NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    s3r_free(&r);

    r = post_v4(s, "post-b", "{\"key\": \"a b\"}, [\"eq\", \"$success_action_status\", \"201\"]", "x", 1, "key",
                "a b", "success_action_status", "201", NULL);
    assert_int_equal(r.status, 201);
    assert_non_null(strstr(r.body, "<PostResponse xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"));
    assert_non_null(strstr(r.body, "<Bucket>post-b</Bucket><Key>a b</Key>"));
    assert_non_null(strstr(r.body, "<ETag>&quot;9dd4e461268c8034f5c8564e155c67a6&quot;</ETag>") ||
                    strstr(r.body, "<ETag>\"9dd4e461268c8034f5c8564e155c67a6\"</ETag>"));
    assert_true(g_str_has_suffix(s3r_header(&r, "Location"), "/post-b/a%20b"));
    s3r_free(&r);

    /* a status S3 does not know is 204 */
    r = post_v4(s, "post-b", "{\"key\": \"k\"}, {\"success_action_status\": \"404\"}", "x", 1, "key", "k",
                "success_action_status", "404", NULL);
    assert_int_equal(r.status, 204);
    s3r_free(&r);

    r = post_v4(s, "post-b", "{\"key\": \"k\"}, [\"starts-with\", \"$success_action_redirect\", \"http://\"]", "x", 1,
                "key", "k", "success_action_redirect", "http://app.test/done?x=1", NULL);
    assert_int_equal(r.status, 303);
    assert_string_equal(s3r_header(&r, "Location"),
                        "http://app.test/done?x=1&bucket=post-b&key=k&etag=%229dd4e461268c8034f5c8564e155c67a6%22");
    s3r_free(&r);

    /* not an absolute URL: ignored */
    r = post_v4(s, "post-b", "{\"key\": \"k\"}, {\"success_action_redirect\": \"/wrong/relative\"}", "x", 1, "key",
                "k", "success_action_redirect", "/wrong/relative", NULL);
    assert_int_equal(r.status, 204);
    s3r_free(&r);
}

static void policy_conditions(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/post-c", NULL, NULL);
    s3r r = post_v4(s, "post-c", "[\"starts-with\", \"$key\", \"up/\"]", "x", 1, "key", "down/x", NULL);
    expect_error(&r, 403, "AccessDenied",
                 "Invalid according to Policy: Policy Condition failed: [\"starts-with\", \"$key\", \"up/\"]");

    /* the exact-match form fails as its eq form */
    r = post_v4(s, "post-c", "{\"key\": \"a\"}", "x", 1, "key", "b", NULL);
    expect_error(&r, 403, "AccessDenied", "Invalid according to Policy: Policy Condition failed: [\"eq\", \"$key\", \"a\"]");

    r = post_v4(s, "post-c", "{\"key\": \"a\"}, [\"content-length-range\", 1, 3]", "abcd", 4, "key", "a", NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<ProposedSize>4</ProposedSize><MaxSizeAllowed>3</MaxSizeAllowed>"));
    expect_error(&r, 400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");

    r = post_v4(s, "post-c", "{\"key\": \"a\"}, [\"content-length-range\", \"2\", \"3\"]", "a", 1, "key", "a", NULL);
    assert_non_null(strstr(r.body, "<MinSizeAllowed>2</MinSizeAllowed>"));
    expect_error(&r, 400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size");

    r = post_v4(s, "post-c", "{\"key\": \"a\"}, [\"content-length-range\", \"test\", \"10\"]", "a", 1, "key", "a", NULL);
    expect_error(&r, 403, "AccessDenied",
                 "Invalid according to Policy: Policy Condition failed: [\"content-length-range\", \"test\", \"10\"]");

    r = post_v4(s, "post-c", "{\"key\": \"a\"}, [\"content-length-range\", -1, 10]", "a", 1, "key", "a", NULL);
    expect_error(&r, 400, "InvalidPolicyDocument", NULL);
    r = post_v4(s, "post-c", "{\"key\": \"a\"}, [\"content-length-range\", 10]", "a", 1, "key", "a", NULL);
    expect_error(&r, 400, "InvalidPolicyDocument", NULL);

    /* every field needs a condition */
    r = post_v4(s, "post-c", "{\"key\": \"a\"}", "a", 1, "key", "a", "x-amz-meta-colour", "red", "Content-Type",
                "text/plain", NULL);
    expect_error(&r, 403, "AccessDenied", "Invalid according to Policy: Extra input fields: x-amz-meta-colour, content-type");

    /* a condition name without '$' names nothing */
    r = post_v4(s, "post-c", "[\"eq\", \"key\", \"a\"]", "a", 1, "key", "a", NULL);
    expect_error(&r, 403, "AccessDenied", "Invalid according to Policy: Policy Condition failed: [\"eq\", \"key\", \"a\"]");

    /* names and operators in any case; x-ignore- fields need nothing;
     * fields after the file are ignored */
    r = post_v4(s, "post-c", "[\"StArTs-WiTh\", \"$KeY\", \"\"]", "data", 4, "kEy", "any", "x-ignore-me", "1", NULL);
    assert_int_equal(r.status, 204);
    s3r_free(&r);
}

static void policy_document_errors(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/post-d", NULL, NULL);
    char *p = policy("2000-01-01T00:00:00Z", "{\"bucket\": \"post-d\"}, {\"key\": \"k\"}, " SIGV4_CONDS);
    s3r r = post(s, "/post-d",
                 form("f", "x", 1, "key", "k", "x-amz-algorithm", "AWS4-HMAC-SHA256", "x-amz-credential",
                      "AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request", "x-amz-date", "20261129T000000Z",
                      "x-amz-signature", "00", "policy", p, NULL));
    g_free(p);
    expect_error(&r, 403, "AccessDenied", "Invalid according to Policy: Policy expired.");

    const char *bad[] = {"not base64!", "eyJ4Ijog", /* {"x": */ NULL};
    for (size_t i = 0; bad[i]; i++) {
        r = post(s, "/post-d",
                 form("f", "x", 1, "key", "k", "AWSAccessKeyId", "AKIDEXAMPLE", "signature", "c2ln", "policy", bad[i],
                      NULL));
        expect_error(&r, 400, "InvalidPolicyDocument", NULL);
    }
    p = policy(FUTURE, "{\"bucket\": \"post-d\", \"key\": \"k\"}");
    r = post(s, "/post-d", form("f", "x", 1, "key", "k", "AWSAccessKeyId", "AKIDEXAMPLE", "signature", "c2ln", "policy", p, NULL));
    g_free(p);
    expect_error(&r, 400, "InvalidPolicyDocument",
                 "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");

    /* no bucket condition: the bucket is an extra field */
    p = policy(FUTURE, "{\"key\": \"k\"}");
    r = post(s, "/post-d", form("f", "x", 1, "key", "k", "AWSAccessKeyId", "AKIDEXAMPLE", "signature", "c2ln", "policy", p, NULL));
    expect_error(&r, 403, "AccessDenied", "Invalid according to Policy: Extra input fields: bucket");
    /* a policy for another bucket */
    g_free(p);
    p = policy(FUTURE, "{\"bucket\": \"other\"}, {\"key\": \"k\"}");
    r = post(s, "/post-d", form("f", "x", 1, "key", "k", "AWSAccessKeyId", "AKIDEXAMPLE", "signature", "c2ln", "policy", p, NULL));
    g_free(p);
    expect_error(&r, 403, "AccessDenied", NULL);

    p = policy("tomorrow", "{\"bucket\": \"post-d\"}");
    r = post(s, "/post-d", form("f", "x", 1, "key", "k", "AWSAccessKeyId", "AKIDEXAMPLE", "signature", "c2ln", "policy", p, NULL));
    g_free(p);
    expect_error(&r, 400, "InvalidPolicyDocument", NULL);

    /* SigV2 forms store as SigV4 ones do */
    p = policy(FUTURE, "{\"bucket\": \"post-d\"}, {\"key\": \"k2\"}");
    r = post(s, "/post-d", form("f", "v2", 2, "key", "k2", "AWSAccessKeyId", "AKIDEXAMPLE", "signature", "c2ln", "policy", p, NULL));
    g_free(p);
    assert_int_equal(r.status, 204);
    s3r_free(&r);
}

static void form_errors(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/post-e", NULL, NULL);
    s3r r = s3_call(s, "POST", "/post-e", NULL, "a=b", 3, "content-type", "application/x-www-form-urlencoded",
                    "authorization", "", NULL);
    assert_non_null(strstr(r.body, "<Condition>Bucket POST must be of the enclosure-type multipart/form-data</Condition>"));
    expect_error(&r, 412, "PreconditionFailed", NULL);

    /* a missing auth field is named as S3 spells it */
    r = post(s, "/post-e", form("f", "x", 1, "key", "k", "x-amz-credential", "AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request", NULL));
    assert_non_null(strstr(r.body, "<ArgumentName>X-Amz-Algorithm</ArgumentName>"));
    expect_error(&r, 400, "InvalidArgument",
                 "Bucket POST must contain a field named 'X-Amz-Algorithm'.  If it is specified, please check the "
                 "order of the fields.");
    r = post(s, "/post-e", form("f", "x", 1, "key", "k", "signature", "c2ln", "policy", "e30=", NULL));
    assert_non_null(strstr(r.body, "<ArgumentName>AWSAccessKeyId</ArgumentName>"));
    expect_error(&r, 400, "InvalidArgument", NULL);

    /* no auth at all: the bucket is private */
    r = post(s, "/post-e", form("f", "x", 1, "key", "k", NULL));
    expect_error(&r, 403, "AccessDenied", "Access Denied");

    r = post_v4(s, "post-e", "{\"key\": \"k\"}", NULL, 0, "key", "k", NULL);
    expect_error(&r, 400, "InvalidArgument", "POST requires exactly one file upload per request.");
    r = post_v4(s, "post-e", "", "x", 1, NULL);
    assert_non_null(strstr(r.body, "<ArgumentName>key</ArgumentName>"));
    expect_error(&r, 400, "InvalidArgument", NULL);

    /* no such bucket, and another account's bucket */
    r = post_v4(s, "post-none", "{\"key\": \"k\"}", "x", 1, "key", "k", NULL);
    expect_error(&r, 404, "NoSuchBucket", NULL);
    s3r o = s3_call(s, "PUT", "/post-theirs", NULL, NULL, 0, "authorization", S3_AUTH("111122223333"), NULL);
    assert_int_equal(o.status, 200);
    s3r_free(&o);
    r = post_v4(s, "post-theirs", "{\"key\": \"k\"}", "x", 1, "key", "k", NULL);
    expect_error(&r, 403, "AccessDenied", NULL);
}

static void object_fields(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/post-f", NULL, NULL);
    const char *tagging = "<Tagging><TagSet><Tag><Key>team</Key><Value>a b</Value></Tag></TagSet></Tagging>";
    s3r r = post_v4(s, "post-f",
                    "{\"key\": \"obj\"}, [\"starts-with\", \"$Content-Type\", \"text/\"], "
                    "[\"starts-with\", \"$x-amz-meta-colour\", \"\"], [\"starts-with\", \"$tagging\", \"\"], "
                    "[\"eq\", \"$x-amz-storage-class\", \"STANDARD_IA\"], [\"eq\", \"$acl\", \"private\"]",
                    "text", 4, "key", "obj", "Content-Type", "text/plain", "X-Amz-Meta-Colour", "red", "tagging",
                    tagging, "x-amz-storage-class", "STANDARD_IA", "acl", "private", NULL);
    assert_int_equal(r.status, 204);
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/post-f/obj", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(s3r_header(&r, "Content-Type"), "text/plain");
    assert_string_equal(s3r_header(&r, "x-amz-meta-colour"), "red");
    assert_string_equal(s3r_header(&r, "x-amz-storage-class"), "STANDARD_IA");
    assert_string_equal(s3r_header(&r, "x-amz-tagging-count"), "1");
    s3r_free(&r);
    r = s3_call(s, "GET", "/post-f/obj", "tagging", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<Key>team</Key><Value>a b</Value>"));
    s3r_free(&r);

    /* without a Content-Type field: binary/octet-stream */
    r = post_v4(s, "post-f", "{\"key\": \"plain\"}", "x", 1, "key", "plain", NULL);
    assert_int_equal(r.status, 204);
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/post-f/plain", NULL, NULL, 0, NULL);
    assert_string_equal(s3r_header(&r, "Content-Type"), "binary/octet-stream");
    s3r_free(&r);

    r = post_v4(s, "post-f", "{\"key\": \"t\"}, [\"starts-with\", \"$tagging\", \"\"]", "x", 1, "key", "t", "tagging",
                "<Tagging><TagSet>", NULL);
    expect_error(&r, 400, "MalformedXML", NULL);
    r = post_v4(s, "post-f", "{\"key\": \"t\"}, [\"starts-with\", \"$x-amz-storage-class\", \"\"]", "x", 1, "key", "t",
                "x-amz-storage-class", "FAST", NULL);
    assert_non_null(strstr(r.body, "<StorageClassRequested>FAST</StorageClassRequested>"));
    expect_error(&r, 400, "InvalidStorageClass", NULL);
    /* nothing was stored by the refused forms */
    r = s3_call(s, "HEAD", "/post-f/t", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 404);
    s3r_free(&r);

    /* checksums: the SHA-256 of "hello" */
    const char *sha = "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=";
    r = post_v4(s, "post-f", "{\"key\": \"c\"}, {\"x-amz-checksum-sha256\": \"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=\"}",
                "hello", 5, "key", "c", "x-amz-checksum-sha256", sha, NULL);
    assert_int_equal(r.status, 204);
    assert_string_equal(s3r_header(&r, "x-amz-checksum-sha256"), sha);
    s3r_free(&r);
    r = post_v4(s, "post-f", "{\"key\": \"c\"}, {\"x-amz-checksum-sha256\": \"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=\"}",
                "hellO", 5, "key", "c", "x-amz-checksum-sha256", sha, NULL);
    expect_error(&r, 400, "BadDigest", NULL);
}

/* The acl field is PutObject's x-amz-acl: refused with
 * AccessControlListNotSupported where Object Ownership disables ACLs
 * (nothing stored), else the new object's ACL. */
static void acl_field(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/post-acl", NULL, NULL); /* BucketOwnerEnforced */
    const char *cond = "{\"key\": \"o\"}, [\"starts-with\", \"$acl\", \"\"]";
    s3r r = post_v4(s, "post-acl", cond, "x", 1, "key", "o", "acl", "public-read", NULL);
    expect_error(&r, 400, "AccessControlListNotSupported", "The bucket does not allow ACLs");
    r = s3_call(s, "HEAD", "/post-acl/o", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 404);
    s3r_free(&r);
    const char *allowed[] = {"bucket-owner-full-control", "private"};
    for (size_t i = 0; i < G_N_ELEMENTS(allowed); i++) {
        r = post_v4(s, "post-acl", cond, "x", 1, "key", "o", "acl", allowed[i], NULL);
        assert_int_equal(r.status, 204);
        s3r_free(&r);
    }
    r = post_v4(s, "post-acl", cond, "x", 1, "key", "o", "acl", "everyone", NULL);
    expect_error(&r, 400, "InvalidArgument", NULL);

    /* a bucket that takes ACLs: the object gets the canned grants */
    s3_ok(s, "PUT", "/post-acl2", NULL, NULL);
    s3_ok(s, "PUT", "/post-acl2", "ownershipControls",
          "<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>");
    s3_ok(s, "DELETE", "/post-acl2", "publicAccessBlock", NULL);
    r = post_v4(s, "post-acl2", cond, "x", 1, "key", "o", "acl", "public-read", NULL);
    assert_int_equal(r.status, 204);
    s3r_free(&r);
    r = s3_call(s, "GET", "/post-acl2/o", "acl", NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(s3_count(r.body, "<Grant>"), 2);
    assert_non_null(strstr(r.body, "<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI>"));
    assert_non_null(strstr(r.body, "<Permission>READ</Permission>"));
    s3r_free(&r);
    /* a later upload without acl is private again */
    r = post_v4(s, "post-acl2", "{\"key\": \"o\"}", "y", 1, "key", "o", NULL);
    assert_int_equal(r.status, 204);
    s3r_free(&r);
    r = s3_call(s, "GET", "/post-acl2/o", "acl", NULL, 0, NULL);
    assert_int_equal(s3_count(r.body, "<Grant>"), 1);
    s3r_free(&r);
}

static void virtual_host(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/post-g", NULL, NULL);
    char *p = policy(FUTURE, "{\"bucket\": \"post-g\"}, {\"key\": \"v\"}");
    GString *g = form("f", "vh", 2, "key", "v", "AWSAccessKeyId", "AKIDEXAMPLE", "signature", "c2ln", "policy", p, NULL);
    g_free(p);
    s3r r = s3_call(s, "POST", "/", NULL, g->str, g->len, "content-type", FORM_CT, "authorization", "", "host",
                    "post-g.s3.localhost", NULL);
    g_string_free(g, TRUE);
    assert_int_equal(r.status, 204);
    s3r_free(&r);
    char *b = get_body(s, "/post-g/v");
    assert_string_equal(b, "vh");
    g_free(b);
    /* ?delete is still DeleteObjects, not a form */
    r = s3_call(s, "POST", "/post-g", "delete", "<Delete/>", 9, "authorization", "", NULL);
    expect_error(&r, 400, "MalformedXML", NULL); /* DeleteObjects' answer to an empty <Delete/> */
}

/* Bodies built to trip the parser: each is a MalformedPOSTRequest (or a
 * clean refusal), and the boundary scan stays linear. */
static void hostile_bodies(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/post-h", NULL, NULL);
    const char *cts[] = {"multipart/form-data", "multipart/form-data; boundary=",
                         "multipart/form-data; boundary=" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
    for (size_t i = 0; i < G_N_ELEMENTS(cts); i++) {
        s3r r = s3_call(s, "POST", "/post-h", NULL, "--x\r\n\r\n", 7, "content-type", cts[i], "authorization", "", NULL);
        expect_error(&r, 400, "MalformedPOSTRequest",
                     "The body of your POST request is not well-formed multipart/form-data.");
    }
    static const char nul_value[] =
        "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\na\0b\r\n--" BOUNDARY "--";
    const char *bodies[] = {
        "",                                     /* empty */
        "--" BOUNDARY,                          /* a boundary at the very end */
        "--" BOUNDARY "\r\n",                   /* a part that never ends */
        "\n--" BOUNDARY "\r\nno headers end",   /* a boundary after a lone \n at the start */
        "--" BOUNDARY "\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" BOUNDARY "--", /* no name */
        /* a file with no name (fuzz_pipeline found its filename leaked) */
        "--" BOUNDARY "\r\nContent-Disposition: form-data; filename=\"f\"\r\n\r\nx\r\n--" BOUNDARY "--\r\n",
        nul_value, /* a field holding a NUL */
    };
    size_t lens[] = {0, strlen(bodies[1]), strlen(bodies[2]), strlen(bodies[3]), strlen(bodies[4]),
                     strlen(bodies[5]), sizeof nul_value - 1};
    for (size_t i = 0; i < G_N_ELEMENTS(bodies); i++) {
        s3r r = s3_call(s, "POST", "/post-h", NULL, bodies[i], lens[i], "content-type", FORM_CT, "authorization", "",
                        NULL);
        if (r.status != 400)
            fprintf(stderr, "body %zu: %d %s\n", i, r.status, r.body);
        assert_int_equal(r.status, 400);
        s3r_free(&r);
    }
    /* 4 MiB of dashes against a boundary of 69 dashes and an x: each dash
     * costs one compare of at most 70 bytes, never a rescan */
    size_t n = 4 * 1024 * 1024;
    char *dashes = g_malloc(n);
    memset(dashes, '-', n);
    s3r r = s3_call(s, "POST", "/post-h", NULL, dashes, n, "content-type",
                    "multipart/form-data; boundary=---------------------------------------------------------------------x",
                    "authorization", "", NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    g_free(dashes);
}

/* The module beneath the handler, directly. */
static void form_parse_unit(void **st)
{
    GString *g = form("a.txt", "bytes\r\n--not", 13, "KEY", "k", "x-amz-meta-A", "1", NULL);
    g_string_append(g, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"after\"\r\n\r\nz\r\n--" BOUNDARY "--\r\n");
    s3_post_form f;
    aws_error err = AWS_ERROR_INIT;
    assert_int_equal(s3_post_form_parse(FORM_CT, g->str, g->len, &f, &err), 0);
    assert_string_equal(g_hash_table_lookup(f.fields, "key"), "k");
    assert_string_equal(g_hash_table_lookup(f.fields, "x-amz-meta-a"), "1");
    assert_null(g_hash_table_lookup(f.fields, "after"));
    assert_true(f.has_file);
    assert_int_equal(f.file_len, 13);
    assert_memory_equal(f.bytes->data + f.file_off, "bytes\r\n--not", 13);
    assert_string_equal(f.filename, "a.txt");
    s3_post_form_clear(&f);
    g_string_free(g, TRUE);

    /* RFC 2046 allows nothing after the closing delimiter */
    g = form("a", "x", 1, "key", "k", NULL);
    g_string_truncate(g, g->len - 2);
    assert_true(g_str_has_suffix(g->str, "--" BOUNDARY "--"));
    assert_int_equal(s3_post_form_parse(FORM_CT, g->str, g->len, &f, &err), 0);
    assert_int_equal(f.file_len, 1);
    s3_post_form_clear(&f);
    /* ... but the delimiter must be complete */
    g_string_truncate(g, g->len - 2);
    assert_int_equal(s3_post_form_parse(FORM_CT, g->str, g->len, &f, &err), -1);
    assert_string_equal(err.code, "MalformedPOSTRequest");
    aws_error_clear(&err);
    g_string_free(g, TRUE);

    /* a repeated field is refused, not resolved silently */
    g = form("a", "x", 1, "key", "a", "Key", "b", NULL);
    assert_int_equal(s3_post_form_parse(FORM_CT, g->str, g->len, &f, &err), -1);
    assert_string_equal(err.code, "InvalidArgument");
    aws_error_clear(&err);
    g_string_free(g, TRUE);
    (void)st;
}

/* libsoup is opened at run time: the library the parser names loads with
 * every function it calls, and a missing one (or one without those
 * functions) is the 501 a form upload would get, naming the package. */
static void soup_loaded_at_run_time(void **st)
{
    aws_error err = AWS_ERROR_INIT;
    assert_int_equal(s3_post_soup_probe(S3_POST_SOUP_LIBRARY, &err), 0);
    assert_null(err.code);

    const char *absent[] = {"libsoup-absent.so.0", "libz.so.1"};
    for (size_t i = 0; i < G_N_ELEMENTS(absent); i++) {
        assert_int_equal(s3_post_soup_probe(absent[i], &err), -1);
        assert_int_equal(err.status, 501);
        assert_string_equal(err.code, "NotImplemented");
        assert_non_null(strstr(err.message, absent[i]));
        assert_non_null(strstr(err.message, "libsoup-3.0-0"));
        aws_error_clear(&err);
    }
    (void)st;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stores_with_sigv4_and_filename),
        cmocka_unit_test(answers_200_201_303),
        cmocka_unit_test(policy_conditions),
        cmocka_unit_test(policy_document_errors),
        cmocka_unit_test(form_errors),
        cmocka_unit_test(object_fields),
        cmocka_unit_test(acl_field),
        cmocka_unit_test(virtual_host),
        cmocka_unit_test(hostile_bodies),
        cmocka_unit_test(form_parse_unit),
        cmocka_unit_test(soup_loaded_at_run_time),
    };
    return cmocka_run_group_tests(tests, s3_setup, s3_teardown);
}
