/* S3 buckets and single objects through the whole pipeline: creation rules,
 * put/get/head with metadata, ranges, conditions, checksums and aws-chunked
 * bodies, copies, tagging, attributes, DeleteObjects, presigned expiry, and
 * what the journal records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_s3_call.h"

#define OTHER S3_AUTH("111122223333")

static void bucket_creation_rules(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/alpha", NULL, NULL);
    /* us-east-1 answers 200 to the owner creating it again */
    s3r r = s3_call(s, "PUT", "/alpha", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(s3r_header(&r, "Location"), "/alpha");
    s3r_free(&r);
    r = s3_call(s, "PUT", "/alpha", NULL, NULL, 0, "authorization", OTHER, NULL);
    assert_int_equal(r.status, 409);
    assert_non_null(strstr(r.body, "<Code>BucketAlreadyExists</Code>"));
    assert_non_null(strstr(r.body, "<BucketName>alpha</BucketName>"));
    s3r_free(&r);
    const char *bad[] = {"/ab", "/Upper", "/under_score", "/-dash", "/dots..dots", "/192.168.1.1", "/xn--punycode",
                         "/ends-s3alias"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        r = s3_call(s, "PUT", bad[i], NULL, NULL, 0, NULL);
        assert_int_equal(r.status, 400);
        assert_non_null(strstr(r.body, "<Code>InvalidBucketName</Code>"));
        s3r_free(&r);
    }
    /* regional endpoints want a matching constraint */
    const char *cfg = "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>"
                      "</CreateBucketConfiguration>";
    r = s3_call(s, "PUT", "/euro", NULL, NULL, 0, "authorization", S3_AUTH_REGION("AKID", "eu-west-1"), NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "IllegalLocationConstraintException"));
    s3r_free(&r);
    r = s3_call(s, "PUT", "/euro", NULL, cfg, strlen(cfg), "authorization", S3_AUTH_REGION("AKID", "eu-west-1"),
                NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/euro", NULL, cfg, strlen(cfg), "authorization", S3_AUTH_REGION("AKID", "eu-west-1"),
                NULL);
    assert_int_equal(r.status, 409);
    assert_non_null(strstr(r.body, "BucketAlreadyOwnedByYou"));
    s3r_free(&r);
    const char *mars = "<CreateBucketConfiguration><LocationConstraint>mars-1</LocationConstraint>"
                       "</CreateBucketConfiguration>";
    r = s3_call(s, "PUT", "/mars", NULL, mars, strlen(mars), NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "InvalidLocationConstraint"));
    s3r_free(&r);
    r = s3_call(s, "PUT", "/broken", NULL, "<CreateBucketConfiguration>", 27, NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "MalformedXML"));
    s3r_free(&r);

    /* location, head, region header */
    r = s3_call(s, "GET", "/euro", "location", NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\">eu-west-1</LocationConstraint>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/alpha", "location", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "\"></LocationConstraint>"));
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/euro", NULL, NULL, 0, "authorization", S3_AUTH_REGION("AKIDEXAMPLE", "eu-west-1"),
                NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(s3r_header(&r, "x-amz-bucket-region"), "eu-west-1");
    s3r_free(&r);
    /* signed for us-east-1: S3 names the bucket's region for the SDK to redirect to */
    r = s3_call(s, "HEAD", "/euro", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 400);
    assert_string_equal(s3r_header(&r, "x-amz-bucket-region"), "eu-west-1");
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/euro", NULL, NULL, 0, "authorization", OTHER, NULL);
    assert_int_equal(r.status, 403);
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/nothere", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 404);
    s3r_free(&r);

    /* only the owner's buckets are listed, with their regions */
    r = s3_call(s, "GET", "/", NULL, NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<Name>alpha</Name>"));
    assert_non_null(strstr(r.body, "<BucketRegion>eu-west-1</BucketRegion>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/", NULL, NULL, 0, "authorization", OTHER, NULL);
    assert_null(strstr(r.body, "<Name>alpha</Name>"));
    s3r_free(&r);

    /* not empty, then empty */
    s3_ok(s, "PUT", "/alpha/k", NULL, "x");
    r = s3_call(s, "DELETE", "/alpha", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 409);
    assert_non_null(strstr(r.body, "BucketNotEmpty"));
    s3r_free(&r);
    s3_ok(s, "DELETE", "/alpha/k", NULL, NULL);
    r = s3_call(s, "DELETE", "/alpha", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 204);
    s3r_free(&r);
    r = s3_call(s, "DELETE", "/alpha", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "NoSuchBucket"));
    s3r_free(&r);
}

static void list_buckets_pages(void **st)
{
    server *s = *st;
    const char *names[] = {"/lb-c", "/lb-a", "/lb-b", "/other-x"};
    for (size_t i = 0; i < 4; i++)
        s3_ok(s, "PUT", names[i], NULL, NULL);
    s3r r = s3_call(s, "GET", "/", "max-buckets=2&prefix=lb-", NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<Name>lb-a</Name>"));
    assert_non_null(strstr(r.body, "<Name>lb-b</Name>"));
    assert_null(strstr(r.body, "lb-c"));
    assert_non_null(strstr(r.body, "<Prefix>lb-</Prefix>"));
    char *tok = s3_xml_text(r.body, "ContinuationToken");
    assert_non_null(tok);
    s3r_free(&r);
    char *q = g_strdup_printf("max-buckets=2&prefix=lb-&continuation-token=%s", tok);
    r = s3_call(s, "GET", "/", q, NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<Name>lb-c</Name>"));
    assert_int_equal(s3_count(r.body, "<Bucket>"), 1);
    assert_null(strstr(r.body, "<ContinuationToken>"));
    s3r_free(&r);
    g_free(q);
    /* a token is the account's own */
    q = g_strdup_printf("continuation-token=%s", tok);
    r = s3_call(s, "GET", "/", q, NULL, 0, "authorization", OTHER, NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<ArgumentName>continuation-token</ArgumentName>"));
    s3r_free(&r);
    g_free(q);
    g_free(tok);
    r = s3_call(s, "GET", "/", "max-buckets=0", NULL, 0, NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
}

static void put_get_head_with_metadata(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/objs", NULL, NULL);
    s3r r = s3_call(s, "PUT", "/objs/dir/hello%20world.txt", NULL, "hello world", 11, "content-type", "text/plain",
                    "cache-control", "no-cache", "content-disposition", "inline", "content-language", "en",
                    "x-amz-meta-colour", "blue", "x-amz-tagging", "a=1&b=two", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(s3r_header(&r, "ETag"), "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"");
    s3r_free(&r);
    r = s3_call(s, "GET", "/objs/dir/hello%20world.txt", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "hello world");
    assert_non_null(r.ext); /* sent from the stored blob, not copied */
    assert_string_equal(s3r_header(&r, "Content-Type"), "text/plain");
    assert_string_equal(s3r_header(&r, "Cache-Control"), "no-cache");
    assert_string_equal(s3r_header(&r, "Content-Disposition"), "inline");
    assert_string_equal(s3r_header(&r, "Content-Language"), "en");
    assert_string_equal(s3r_header(&r, "x-amz-meta-colour"), "blue");
    assert_string_equal(s3r_header(&r, "x-amz-tagging-count"), "2");
    assert_string_equal(s3r_header(&r, "accept-ranges"), "bytes");
    assert_non_null(s3r_header(&r, "Last-Modified"));
    s3r_free(&r);
    /* the same bytes go out twice without a copy */
    s3r r2 = s3_call(s, "GET", "/objs/dir/hello%20world.txt", NULL, NULL, 0, NULL);
    r = s3_call(s, "HEAD", "/objs/dir/hello%20world.txt", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_ptr_equal(r.ext, r2.ext);
    assert_int_equal(r.len, 11); /* the length libmicrohttpd announces */
    s3r_free(&r);
    s3r_free(&r2);
    /* default content type, overrides */
    s3_ok(s, "PUT", "/objs/plain", NULL, "abc");
    r = s3_call(s, "GET", "/objs/plain", "response-content-type=x%2Fy&response-cache-control=max-age%3D1", NULL, 0,
                NULL);
    assert_string_equal(s3r_header(&r, "Content-Type"), "x/y");
    assert_string_equal(s3r_header(&r, "Cache-Control"), "max-age=1");
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/objs/plain", NULL, NULL, 0, NULL);
    assert_string_equal(s3r_header(&r, "Content-Type"), "binary/octet-stream");
    s3r_free(&r);
    /* missing keys name the key; HEAD says only the status */
    r = s3_call(s, "GET", "/objs/missing%2Fkey", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "<Code>NoSuchKey</Code>"));
    assert_non_null(strstr(r.body, "<Key>missing/key</Key>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/nobucket/k", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "<Code>NoSuchBucket</Code>"));
    s3r_free(&r);
    /* keys at the limit and over it */
    GString *p = g_string_new("/objs/");
    for (int i = 0; i < 1024; i++)
        g_string_append_c(p, 'k');
    r = s3_call(s, "PUT", p->str, NULL, "x", 1, NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    g_string_append_c(p, 'k');
    r = s3_call(s, "PUT", p->str, NULL, "x", 1, NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>KeyTooLongError</Code>"));
    assert_non_null(strstr(r.body, "<Size>1025</Size>"));
    s3r_free(&r);
    g_string_free(p, TRUE);
    /* a key that is not UTF-8 */
    r = s3_call(s, "PUT", "/objs/bad%FF", NULL, "x", 1, NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    /* metadata over 2 KB */
    char big[2100];
    memset(big, 'v', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    r = s3_call(s, "PUT", "/objs/meta", NULL, "x", 1, "x-amz-meta-big", big, NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "MetadataTooLarge"));
    s3r_free(&r);
    /* DeleteObject is idempotent */
    for (int i = 0; i < 2; i++) {
        r = s3_call(s, "DELETE", "/objs/plain", NULL, NULL, 0, NULL);
        assert_int_equal(r.status, 204);
        s3r_free(&r);
    }
}

static void ranges_and_conditions(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/cond", NULL, NULL);
    s3r r = s3_call(s, "PUT", "/cond/k", NULL, "0123456789", 10, NULL);
    char *etag = g_strdup(s3r_header(&r, "ETag"));
    s3r_free(&r);
    struct {
        const char *range;
        const char *body;
        const char *content_range;
    } cases[] = {
        {"bytes=0-3", "0123", "bytes 0-3/10"},
        {"bytes=7-", "789", "bytes 7-9/10"},
        {"bytes=-2", "89", "bytes 8-9/10"},
        {"bytes=5-100", "56789", "bytes 5-9/10"},
        {"bytes=-100", "0123456789", "bytes 0-9/10"},
        {"bytes=0-1,3-4", "0123456789", NULL}, /* several ranges: the whole object */
        {"chars=1-2", "0123456789", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        r = s3_call(s, "GET", "/cond/k", NULL, NULL, 0, "range", cases[i].range, NULL);
        assert_string_equal(r.body, cases[i].body);
        const char *cr = s3r_header(&r, "Content-Range");
        if (cases[i].content_range)
            assert_string_equal(cr, cases[i].content_range);
        else
            assert_null(cr);
        s3r_free(&r);
    }
    r = s3_call(s, "GET", "/cond/k", NULL, NULL, 0, "range", "bytes=10-", NULL);
    assert_int_equal(r.status, 416);
    assert_non_null(strstr(r.body, "<Code>InvalidRange</Code>"));
    assert_non_null(strstr(r.body, "<ActualObjectSize>10</ActualObjectSize>"));
    s3r_free(&r);

    r = s3_call(s, "GET", "/cond/k", NULL, NULL, 0, "if-match", etag, NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    r = s3_call(s, "GET", "/cond/k", NULL, NULL, 0, "if-match", "\"other\"", NULL);
    assert_int_equal(r.status, 412);
    assert_non_null(strstr(r.body, "<Condition>If-Match</Condition>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/cond/k", NULL, NULL, 0, "if-none-match", etag, NULL);
    assert_int_equal(r.status, 304);
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/cond/k", NULL, NULL, 0, "if-none-match", "*", NULL);
    assert_int_equal(r.status, 304);
    s3r_free(&r);
    r = s3_call(s, "GET", "/cond/k", NULL, NULL, 0, "if-modified-since", "Sat, 01 Jan 2100 00:00:00 GMT", NULL);
    assert_int_equal(r.status, 304);
    s3r_free(&r);
    r = s3_call(s, "GET", "/cond/k", NULL, NULL, 0, "if-unmodified-since", "Sat, 01 Jan 2000 00:00:00 GMT", NULL);
    assert_int_equal(r.status, 412);
    s3r_free(&r);
    /* If-Match decides over If-Unmodified-Since; If-None-Match over If-Modified-Since */
    r = s3_call(s, "GET", "/cond/k", NULL, NULL, 0, "if-match", etag, "if-unmodified-since",
                "Sat, 01 Jan 2000 00:00:00 GMT", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    r = s3_call(s, "GET", "/cond/k", NULL, NULL, 0, "if-none-match", "\"other\"", "if-modified-since",
                "Sat, 01 Jan 2100 00:00:00 GMT", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    /* conditional writes */
    r = s3_call(s, "PUT", "/cond/k", NULL, "x", 1, "if-none-match", "*", NULL);
    assert_int_equal(r.status, 412);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/cond/new", NULL, "x", 1, "if-none-match", "*", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    g_free(etag);
}

static void ranges_answer_206(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/partial", NULL, NULL);
    s3_ok(s, "PUT", "/partial/k", NULL, "0123456789");
    s3r r = s3_call(s, "GET", "/partial/k", NULL, NULL, 0, "range", "bytes=2-3", NULL);
    assert_string_equal(r.body, "23");
    assert_int_equal(r.status, 206);
    assert_string_equal(s3r_header(&r, "Content-Range"), "bytes 2-3/10");
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/partial/k", NULL, NULL, 0, "range", "bytes=-4", NULL);
    assert_int_equal(r.status, 206);
    assert_int_equal(r.len, 4);
    s3r_free(&r);
    r = s3_call(s, "GET", "/partial/k", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
}

static void checksums_and_digests(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/sums", NULL, NULL);
    /* CRC32("hello") = 0x3610a686 */
    s3r r = s3_call(s, "PUT", "/sums/a", NULL, "hello", 5, "x-amz-checksum-crc32", "NhCmhg==",
                    "x-amz-sdk-checksum-algorithm", "CRC32", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(s3r_header(&r, "x-amz-checksum-crc32"), "NhCmhg==");
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/sums/a", NULL, NULL, 0, "x-amz-checksum-mode", "ENABLED", NULL);
    assert_string_equal(s3r_header(&r, "x-amz-checksum-crc32"), "NhCmhg==");
    assert_string_equal(s3r_header(&r, "x-amz-checksum-type"), "FULL_OBJECT");
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/sums/a", NULL, NULL, 0, NULL);
    assert_null(s3r_header(&r, "x-amz-checksum-crc32")); /* only when asked */
    s3r_free(&r);
    r = s3_call(s, "PUT", "/sums/b", NULL, "hellO", 5, "x-amz-checksum-crc32", "NhCmhg==", NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>BadDigest</Code>"));
    assert_non_null(strstr(r.body, "The CRC32 you specified did not match the calculated checksum."));
    s3r_free(&r);
    r = s3_call(s, "PUT", "/sums/b", NULL, "hello", 5, "x-amz-checksum-crc32", "not base64!", NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "InvalidRequest"));
    s3r_free(&r);
    r = s3_call(s, "PUT", "/sums/b", NULL, "hello", 5, "x-amz-checksum-crc32", "NhCmhg==", "x-amz-checksum-sha1",
                "qvTGHdzF6KLavt4PO0gs2a6pQ00=", NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "Multiple checksum Types are not allowed"));
    s3r_free(&r);
    r = s3_call(s, "PUT", "/sums/b", NULL, "hello", 5, "x-amz-sdk-checksum-algorithm", "CRC32", NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    /* SHA-256 and Content-MD5 ("hello": XUFAKrxLKna5cZ2REBfFkg==) */
    r = s3_call(s, "PUT", "/sums/c", NULL, "hello", 5, "content-md5", "XUFAKrxLKna5cZ2REBfFkg==",
                "x-amz-checksum-sha256", "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/sums/c", NULL, "hellO", 5, "content-md5", "XUFAKrxLKna5cZ2REBfFkg==", NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>BadDigest</Code>"));
    s3r_free(&r);
    r = s3_call(s, "PUT", "/sums/c", NULL, "hello", 5, "content-md5", "short", NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>InvalidDigest</Code>"));
    s3r_free(&r);
    /* a SigV4-signed payload: x-amz-content-sha256 is the body's SHA-256 */
    const char *sha = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    r = s3_call(s, "PUT", "/sums/d", NULL, "hello", 5, "x-amz-content-sha256", sha, NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/sums/d", NULL, "hellO", 5, "x-amz-content-sha256", sha, NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>XAmzContentSHA256Mismatch</Code>"));
    assert_non_null(strstr(r.body, "<ClientComputedContentSHA256>2cf24dba"));
    s3r_free(&r);
    r = s3_call(s, "PUT", "/sums/d", NULL, "hello", 5, "x-amz-content-sha256", "not-a-hash", NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<ArgumentName>x-amz-content-sha256</ArgumentName>"));
    s3r_free(&r);
    r = s3_call(s, "PUT", "/sums/d", NULL, "hellO", 5, "x-amz-content-sha256", "UNSIGNED-PAYLOAD", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
}

static void every_checksum_algorithm(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/algos", NULL, NULL);
    /* the check values of "123456789" */
    const char *const cases[][3] = {
        {"x-amz-checksum-crc32c", "4waSgw==", "CRC32C"},
        {"x-amz-checksum-crc64nvme", "rosUhgp5mIg=", "CRC64NVME"},
        {"x-amz-checksum-sha1", "98O8HYCOBHMq32eZZczDTKeuNEE=", "SHA1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *path = g_strdup_printf("/algos/k%zu", i);
        s3r r = s3_call(s, "PUT", path, NULL, "123456789", 9, cases[i][0], cases[i][1], NULL);
        assert_int_equal(r.status, 200);
        assert_string_equal(s3r_header(&r, cases[i][0]), cases[i][1]);
        s3r_free(&r);
        r = s3_call(s, "GET", path, NULL, NULL, 0, "x-amz-checksum-mode", "ENABLED", NULL);
        assert_string_equal(s3r_header(&r, cases[i][0]), cases[i][1]);
        s3r_free(&r);
        r = s3_call(s, "PUT", path, NULL, "123456780", 9, cases[i][0], cases[i][1], NULL);
        assert_int_equal(r.status, 400);
        char *msg = g_strdup_printf("The %s you specified did not match the calculated checksum.", cases[i][2]);
        assert_non_null(strstr(r.body, msg));
        g_free(msg);
        s3r_free(&r);
        g_free(path);
    }
    /* listings name the algorithm */
    s3r r = s3_call(s, "GET", "/algos", "list-type=2", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm>"));
    s3r_free(&r);
}

static void virtual_hosted_names(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/vhost", NULL, NULL);
    s3_ok(s, "PUT", "/vhost/a%20b", NULL, "found");
    const char *hosts[] = {"vhost.localhost:4566", "vhost.s3.localhost", "vhost.s3.us-east-1.localhost:1",
                           "VHost.localhost"};
    for (size_t i = 0; i < 4; i++) {
        s3r r = s3_call(s, "GET", "/a%20b", NULL, NULL, 0, "host", hosts[i], NULL);
        assert_int_equal(r.status, 200);
        assert_string_equal(r.body, "found");
        s3r_free(&r);
    }
    /* path style keeps the case it was given: no such bucket */
    s3r r = s3_call(s, "GET", "/VHost/a%20b", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 404);
    s3r_free(&r);
    r = s3_call(s, "GET", "/", "list-type=2", NULL, 0, "host", "vhost.s3.localhost", NULL);
    assert_non_null(strstr(r.body, "<Name>vhost</Name>"));
    assert_non_null(strstr(r.body, "<Key>a b</Key>"));
    s3r_free(&r);
}

static void aws_chunked_bodies(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/chunks", NULL, NULL);
    /* unsigned chunks with a trailing checksum, as the JS SDK v3 sends them */
    const char *body = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    s3r r = s3_call(s, "PUT", "/chunks/a", NULL, body, strlen(body), "content-encoding", "aws-chunked",
                    "x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-decoded-content-length",
                    "11", "x-amz-trailer", "x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm", "CRC32",
                    "content-type", "text/plain", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(s3r_header(&r, "ETag"), "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"");
    s3r_free(&r);
    r = s3_call(s, "GET", "/chunks/a", NULL, NULL, 0, "x-amz-checksum-mode", "ENABLED", NULL);
    assert_string_equal(r.body, "hello world");
    assert_null(s3r_header(&r, "Content-Encoding")); /* aws-chunked is not the object's encoding */
    assert_string_equal(s3r_header(&r, "x-amz-checksum-crc32"), "DUoRhQ==");
    s3r_free(&r);
    /* signed chunks; other encodings are kept */
    const char *sig = "chunk-signature=0000000000000000000000000000000000000000000000000000000000000000";
    char *signed_body = g_strdup_printf("5;%s\r\nhello\r\n0;%s\r\n\r\n", sig, sig);
    r = s3_call(s, "PUT", "/chunks/b", NULL, signed_body, strlen(signed_body), "content-encoding",
                "aws-chunked,gzip", "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                "x-amz-decoded-content-length", "5", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    r = s3_call(s, "GET", "/chunks/b", NULL, NULL, 0, NULL);
    assert_string_equal(r.body, "hello");
    assert_string_equal(s3r_header(&r, "Content-Encoding"), "gzip");
    s3r_free(&r);
    g_free(signed_body);
    /* a wrong trailer checksum, a wrong decoded length, a broken body */
    const char *bad = "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n";
    r = s3_call(s, "PUT", "/chunks/c", NULL, bad, strlen(bad), "content-encoding", "aws-chunked",
                "x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-trailer", "x-amz-checksum-crc32",
                NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "BadDigest"));
    s3r_free(&r);
    const char *ok = "5\r\nhello\r\n0\r\n\r\n";
    r = s3_call(s, "PUT", "/chunks/c", NULL, ok, strlen(ok), "content-encoding", "aws-chunked",
                "x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-decoded-content-length", "6",
                NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    const char *broken = "zz\r\nhello";
    r = s3_call(s, "PUT", "/chunks/c", NULL, broken, strlen(broken), "content-encoding", "aws-chunked",
                "x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/chunks/c", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 404); /* nothing half-stored */
    s3r_free(&r);
}

static void copies(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/copy", NULL, NULL);
    s3_ok(s, "PUT", "/copy-dst", NULL, NULL);
    s3r r = s3_call(s, "PUT", "/copy/src%20key%2B%26", NULL, "payload", 7, "content-type", "text/x-src",
                    "x-amz-meta-m", "1", "x-amz-tagging", "t=1", NULL);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/copy-dst/c1", NULL, NULL, 0, "x-amz-copy-source", "copy/src%20key%2B%26", NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<CopyObjectResult"));
    assert_non_null(strstr(r.body, "<ETag>&quot;"));
    assert_non_null(strstr(r.body, "<LastModified>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/copy-dst/c1", NULL, NULL, 0, NULL);
    assert_string_equal(r.body, "payload");
    assert_string_equal(s3r_header(&r, "Content-Type"), "text/x-src");
    assert_string_equal(s3r_header(&r, "x-amz-meta-m"), "1");
    assert_string_equal(s3r_header(&r, "x-amz-tagging-count"), "1");
    s3r_free(&r);
    /* REPLACE takes the request's metadata; a leading slash and ?versionId=null are fine */
    r = s3_call(s, "PUT", "/copy-dst/c2", NULL, NULL, 0, "x-amz-copy-source", "/copy/src%20key%2B%26?versionId=null",
                "x-amz-metadata-directive", "REPLACE", "content-type", "text/x-new", "x-amz-meta-n", "2", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/copy-dst/c2", NULL, NULL, 0, NULL);
    assert_string_equal(s3r_header(&r, "Content-Type"), "text/x-new");
    assert_null(s3r_header(&r, "x-amz-meta-m"));
    assert_string_equal(s3r_header(&r, "x-amz-meta-n"), "2");
    s3r_free(&r);
    /* onto itself: only with a change */
    r = s3_call(s, "PUT", "/copy/src%20key%2B%26", NULL, NULL, 0, "x-amz-copy-source", "copy/src%20key%2B%26", NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "This copy request is illegal because it is trying to copy an object to itself"));
    s3r_free(&r);
    r = s3_call(s, "PUT", "/copy/src%20key%2B%26", NULL, NULL, 0, "x-amz-copy-source", "copy/src%20key%2B%26",
                "x-amz-metadata-directive", "REPLACE", "x-amz-meta-z", "9", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    r = s3_call(s, "GET", "/copy/src%20key%2B%26", NULL, NULL, 0, NULL);
    assert_string_equal(r.body, "payload");
    assert_string_equal(s3r_header(&r, "x-amz-meta-z"), "9");
    s3r_free(&r);
    /* errors: missing source, bad header, failed condition, other account's bucket */
    r = s3_call(s, "PUT", "/copy-dst/c3", NULL, NULL, 0, "x-amz-copy-source", "copy/none", NULL);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "<Key>none</Key>"));
    s3r_free(&r);
    r = s3_call(s, "PUT", "/copy-dst/c3", NULL, NULL, 0, "x-amz-copy-source", "justabucket", NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "InvalidArgument"));
    s3r_free(&r);
    r = s3_call(s, "PUT", "/copy-dst/c3", NULL, NULL, 0, "x-amz-copy-source", "copy/src%20key%2B%26",
                "x-amz-copy-source-if-match", "\"nope\"", NULL);
    assert_int_equal(r.status, 412);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/theirs", NULL, NULL, 0, "authorization", OTHER, NULL);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/theirs/k", NULL, "x", 1, "authorization", OTHER, NULL);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/copy-dst/c4", NULL, NULL, 0, "x-amz-copy-source", "theirs/k", NULL);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "AccessDenied"));
    s3r_free(&r);
}

static void tagging_and_attributes(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/tags", NULL, NULL);
    s3_ok(s, "PUT", "/tags/k", NULL, "12345");
    const char *tagging = "<Tagging><TagSet><Tag><Key>env</Key><Value>prod</Value></Tag>"
                          "<Tag><Key>team</Key><Value>a b</Value></Tag></TagSet></Tagging>";
    s3r r = s3_call(s, "PUT", "/tags/k", "tagging", tagging, strlen(tagging), NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    r = s3_call(s, "GET", "/tags/k", "tagging", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<Tag><Key>env</Key><Value>prod</Value></Tag>"));
    assert_non_null(strstr(r.body, "<Tag><Key>team</Key><Value>a b</Value></Tag>"));
    s3r_free(&r);
    GString *many = g_string_new("<Tagging><TagSet>");
    for (int i = 0; i < 11; i++)
        g_string_append_printf(many, "<Tag><Key>k%d</Key><Value>v</Value></Tag>", i);
    g_string_append(many, "</TagSet></Tagging>");
    r = s3_call(s, "PUT", "/tags/k", "tagging", many->str, many->len, NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    g_string_free(many, TRUE);
    const char *dup = "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag>"
                      "<Tag><Key>a</Key><Value>2</Value></Tag></TagSet></Tagging>";
    r = s3_call(s, "PUT", "/tags/k", "tagging", dup, strlen(dup), NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "InvalidTag"));
    s3r_free(&r);
    const char *aws = "<Tagging><TagSet><Tag><Key>aws:x</Key><Value>1</Value></Tag></TagSet></Tagging>";
    r = s3_call(s, "PUT", "/tags/k", "tagging", aws, strlen(aws), NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/tags/k", "tagging", "<Tagging><TagSet>", 17, NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "MalformedXML"));
    s3r_free(&r);
    r = s3_call(s, "DELETE", "/tags/k", "tagging", NULL, 0, NULL);
    assert_int_equal(r.status, 204);
    s3r_free(&r);
    r = s3_call(s, "GET", "/tags/k", "tagging", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<TagSet></TagSet>") ? "" : strstr(r.body, "<TagSet/>"));
    s3r_free(&r);

    r = s3_call(s, "GET", "/tags/k", "attributes", NULL, 0, "x-amz-object-attributes", "ETag,ObjectSize,StorageClass",
                NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<ETag>827ccb0eea8a706c4c34a16891f84e7b</ETag>")); /* unquoted here */
    assert_non_null(strstr(r.body, "<ObjectSize>5</ObjectSize>"));
    assert_non_null(strstr(r.body, "<StorageClass>STANDARD</StorageClass>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/tags/k", "attributes", NULL, 0, "x-amz-object-attributes", "Colour", NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
}

/* A NUL (%00) in a key or a query parameter is never where the value
 * ends: "a%00b" does not write "a", prefix=c%00zzz does not list "c". */
static void nul_is_never_a_place_to_cut(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/nulls", NULL, NULL);
    s3_ok(s, "PUT", "/nulls/c", NULL, "1");
    s3r r = s3_call(s, "PUT", "/nulls/a%00b", NULL, "x", 1, NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>InvalidArgument</Code>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/nulls/a", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 404);
    s3r_free(&r);
    r = s3_call(s, "GET", "/nulls", "list-type=2&prefix=c%00zzz", NULL, 0, NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>InvalidArgument</Code>"));
    assert_non_null(strstr(r.body, "<ArgumentName>prefix</ArgumentName>"));
    assert_null(strstr(r.body, "<Key>c</Key>"));
    s3r_free(&r);
    /* nor in the tags of a PUT */
    r = s3_call(s, "PUT", "/nulls/d", NULL, "x", 1, "x-amz-tagging", "k=v%00w", NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "The TagValue you have provided is invalid"));
    s3r_free(&r);
    r = s3_call(s, "PUT", "/nulls/d", NULL, "x", 1, "x-amz-tagging", "a=b&k%00x=v", NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "The TagKey you have provided is invalid"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/nulls/d", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 404);
    s3r_free(&r);
}

/* Header values are the client's bytes, UTF-8 or not, and come back as sent;
 * one such value must not cost the answer its other headers. */
static void headers_of_any_bytes(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/bytes", NULL, NULL);
    s3r r = s3_call(s, "PUT", "/bytes/o", NULL, "x", 1, "content-type", "te\xffxt", "cache-control", "no\xfe",
                    "x-amz-meta-a", "\xff\xfe", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    const char *methods[] = {"GET", "HEAD"};
    for (size_t i = 0; i < 2; i++) {
        r = s3_call(s, methods[i], "/bytes/o", NULL, NULL, 0, NULL);
        assert_int_equal(r.status, 200);
        assert_non_null(s3r_header(&r, "ETag"));
        assert_non_null(s3r_header(&r, "Last-Modified"));
        assert_string_equal(s3r_header(&r, "Content-Type"), "te\xffxt");
        assert_string_equal(s3r_header(&r, "Cache-Control"), "no\xfe");
        assert_string_equal(s3r_header(&r, "x-amz-meta-a"), "\xff\xfe");
        s3r_free(&r);
    }
}

static void delete_objects(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/many", NULL, NULL);
    s3_ok(s, "PUT", "/many/a", NULL, "1");
    s3_ok(s, "PUT", "/many/b", NULL, "2");
    const char *del = "<Delete><Object><Key>a</Key></Object><Object><Key>nothere</Key></Object></Delete>";
    s3r r = s3_call(s, "POST", "/many", "delete", del, strlen(del), NULL);
    assert_int_equal(r.status, 400); /* no Content-MD5, no checksum */
    assert_non_null(strstr(r.body, "Missing required header for this request: Content-MD5"));
    s3r_free(&r);
    char *md5 = s3_content_md5(del);
    r = s3_call(s, "POST", "/many", "delete", del, strlen(del), "content-md5", md5, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<Deleted><Key>a</Key></Deleted>"));
    assert_non_null(strstr(r.body, "<Deleted><Key>nothere</Key></Deleted>"));
    s3r_free(&r);
    const char *quiet = "<Delete><Quiet>true</Quiet><Object><Key>b</Key></Object></Delete>";
    r = s3_call(s, "POST", "/many", "delete", quiet, strlen(quiet), "content-md5", md5, NULL);
    assert_int_equal(r.status, 400); /* the digest is the other body's */
    assert_non_null(strstr(r.body, "BadDigest"));
    s3r_free(&r);
    g_free(md5);
    md5 = s3_content_md5(quiet);
    r = s3_call(s, "POST", "/many", "delete", quiet, strlen(quiet), "content-md5", md5, NULL);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "<Deleted>"));
    s3r_free(&r);
    g_free(md5);
    r = s3_call(s, "HEAD", "/many/b", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 404);
    s3r_free(&r);
    r = s3_call(s, "POST", "/many", "delete", "<Delete><Object>", 16, "content-md5", "AAAAAAAAAAAAAAAAAAAAAA==", NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
}

static void unimplemented_subresources_touch_nothing(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/keepme", NULL, NULL);
    s3r r = s3_call(s, "DELETE", "/keepme", "replication", NULL, 0, NULL);
    assert_int_equal(r.status, 501);
    assert_non_null(strstr(r.body, "NotImplemented"));
    s3r_free(&r);
    r = s3_call(s, "PUT", "/keepme", "replication", "<ReplicationConfiguration/>", 27, NULL);
    assert_int_equal(r.status, 501);
    s3r_free(&r);
    r = s3_call(s, "GET", "/keepme", "analytics", NULL, 0, NULL);
    assert_int_equal(r.status, 501);
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/keepme", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    /* methods S3 has nothing for */
    r = s3_call(s, "POST", "/keepme/k", NULL, "x", 1, NULL);
    assert_int_equal(r.status, 405);
    assert_non_null(strstr(r.body, "<Code>MethodNotAllowed</Code>"));
    s3r_free(&r);
    r = s3_call(s, "PATCH", "/keepme/k", NULL, "x", 1, NULL);
    assert_int_equal(r.status, 405);
    s3r_free(&r);
}

static void presigned_expiry(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/pre", NULL, NULL);
    s3_ok(s, "PUT", "/pre/k", NULL, "x");
    const char *base = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20200101%2Fus-east-1%2Fs3%2F"
                       "aws4_request&X-Amz-SignedHeaders=host&X-Amz-Signature=00";
    char *expired = g_strdup_printf("%s&X-Amz-Date=20200101T000000Z&X-Amz-Expires=60", base);
    s3r r = s3_call(s, "GET", "/pre/k", expired, NULL, 0, "authorization", "", NULL);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "<Message>Request has expired</Message>"));
    assert_non_null(strstr(r.body, "<X-Amz-Expires>60</X-Amz-Expires>"));
    s3r_free(&r);
    char *week = g_strdup_printf("%s&X-Amz-Date=20200101T000000Z&X-Amz-Expires=604801", base);
    r = s3_call(s, "GET", "/pre/k", week, NULL, 0, "authorization", "", NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "AuthorizationQueryParametersError"));
    s3r_free(&r);
    GDateTime *now = g_date_time_new_now_utc();
    char *stamp = g_date_time_format(now, "%Y%m%dT%H%M%SZ");
    char *fresh = g_strdup_printf("%s&X-Amz-Date=%s&X-Amz-Expires=600", base, stamp);
    r = s3_call(s, "GET", "/pre/k", fresh, NULL, 0, "authorization", "", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "x");
    s3r_free(&r);
    /* SigV2 */
    r = s3_call(s, "GET", "/pre/k", "AWSAccessKeyId=AKID&Signature=x&Expires=1000", NULL, 0, "authorization", "",
                NULL);
    assert_int_equal(r.status, 403);
    s3r_free(&r);
    g_free(stamp);
    g_date_time_unref(now);
    g_free(expired);
    g_free(week);
    g_free(fresh);
}

static void journal_names_bucket_and_key(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/journ", NULL, NULL);
    s3_ok(s, "PUT", "/journ/a%2Fb", NULL, "x");
    char *j = mockaws_journal_json(s, "{\"service\": \"s3\", \"operation\": \"PutObject\"}");
    assert_non_null(strstr(j, "\"resource\": \"journ/a/b\"") ? j : strstr(j, "\"resource\":\"journ/a/b\""));
    mockaws_free(j);
    j = mockaws_journal_json(s, "{\"service\": \"s3\", \"operation\": \"CreateBucket\"}");
    assert_true(strstr(j, "\"resource\": \"journ\"") || strstr(j, "\"resource\":\"journ\""));
    mockaws_free(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bucket_creation_rules),
        cmocka_unit_test(list_buckets_pages),
        cmocka_unit_test(put_get_head_with_metadata),
        cmocka_unit_test(ranges_and_conditions),
        cmocka_unit_test(ranges_answer_206),
        cmocka_unit_test(checksums_and_digests),
        cmocka_unit_test(every_checksum_algorithm),
        cmocka_unit_test(virtual_hosted_names),
        cmocka_unit_test(aws_chunked_bodies),
        cmocka_unit_test(copies),
        cmocka_unit_test(tagging_and_attributes),
        cmocka_unit_test(delete_objects),
        cmocka_unit_test(headers_of_any_bytes),
        cmocka_unit_test(nul_is_never_a_place_to_cut),
        cmocka_unit_test(unimplemented_subresources_touch_nothing),
        cmocka_unit_test(presigned_expiry),
        cmocka_unit_test(journal_names_bucket_and_key),
    };
    return cmocka_run_group_tests(tests, s3_setup, s3_teardown);
}
