/* Multipart uploads: create, parts (plain and copied ranges), listing with
 * pages, the completion rules and the ETag they give, abort. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_s3_call.h"

#define MIB (1024 * 1024)

static char *create(server *s, const char *path, const char *algo)
{
    s3r r = algo ? s3_call(s, "POST", path, "uploads", NULL, 0, "x-amz-checksum-algorithm", algo, "content-type",
                           "video/mp4", "x-amz-meta-m", "1", NULL)
                 : s3_call(s, "POST", path, "uploads", NULL, 0, "content-type", "video/mp4", "x-amz-meta-m", "1", NULL);
    assert_int_equal(r.status, 200);
    char *id = s3_xml_text(r.body, "UploadId");
    assert_non_null(id);
    s3r_free(&r);
    return id;
}

static char *part(server *s, const char *path, const char *id, int n, const char *data, size_t len)
{
    char *q = g_strdup_printf("partNumber=%d&uploadId=%s", n, id);
    s3r r = s3_call(s, "PUT", path, q, data, len, NULL);
    g_free(q);
    assert_int_equal(r.status, 200);
    char *etag = g_strdup(s3r_header(&r, "ETag"));
    s3r_free(&r);
    return etag;
}

static void md5_of(const char *data, size_t len, guint8 out[16])
{
    GChecksum *c = g_checksum_new(G_CHECKSUM_MD5);
    g_checksum_update(c, (const guchar *)data, (gssize)len);
    gsize n = 16;
    g_checksum_get_digest(c, out, &n);
    g_checksum_free(c);
}

static void full_upload(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/mpu", NULL, NULL);
    char *id = create(s, "/mpu/big%20file", NULL);
    char *p1 = g_malloc(5 * MIB);
    memset(p1, 'a', 5 * MIB);
    const char *p2 = "tail";
    char *e2 = part(s, "/mpu/big%20file", id, 2, p2, 4);
    char *e1 = part(s, "/mpu/big%20file", id, 1, p1, 5 * MIB);
    char *e1again = part(s, "/mpu/big%20file", id, 1, p1, 5 * MIB); /* a part uploaded again replaces it */
    assert_string_equal(e1, e1again);

    /* ListParts in pages */
    char *q = g_strdup_printf("uploadId=%s&max-parts=1", id);
    s3r r = s3_call(s, "GET", "/mpu/big%20file", q, NULL, 0, NULL);
    g_free(q);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<PartNumber>1</PartNumber>"));
    assert_null(strstr(r.body, "<PartNumber>2</PartNumber>"));
    assert_non_null(strstr(r.body, "<IsTruncated>true</IsTruncated>"));
    assert_non_null(strstr(r.body, "<NextPartNumberMarker>1</NextPartNumberMarker>"));
    assert_non_null(strstr(r.body, "<Size>5242880</Size>"));
    s3r_free(&r);
    q = g_strdup_printf("uploadId=%s&part-number-marker=1", id);
    r = s3_call(s, "GET", "/mpu/big%20file", q, NULL, 0, NULL);
    g_free(q);
    assert_non_null(strstr(r.body, "<PartNumber>2</PartNumber>"));
    assert_non_null(strstr(r.body, "<IsTruncated>false</IsTruncated>"));
    s3r_free(&r);

    /* completion rules */
    char *qid = g_strdup_printf("uploadId=%s", id);
    char *body = g_strdup_printf("<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>%s</ETag></Part>"
                                 "<Part><PartNumber>1</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>",
                                 e2, e1);
    r = s3_call(s, "POST", "/mpu/big%20file", qid, body, strlen(body), NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>InvalidPartOrder</Code>"));
    s3r_free(&r);
    g_free(body);
    body = g_strdup_printf("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"0000\"</ETag></Part>"
                           "</CompleteMultipartUpload>");
    r = s3_call(s, "POST", "/mpu/big%20file", qid, body, strlen(body), NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>InvalidPart</Code>"));
    s3r_free(&r);
    g_free(body);
    body = g_strdup_printf("<CompleteMultipartUpload><Part><PartNumber>3</PartNumber><ETag>%s</ETag></Part>"
                           "</CompleteMultipartUpload>",
                           e2);
    r = s3_call(s, "POST", "/mpu/big%20file", qid, body, strlen(body), NULL);
    assert_non_null(strstr(r.body, "<Code>InvalidPart</Code>"));
    s3r_free(&r);
    g_free(body);
    r = s3_call(s, "POST", "/mpu/big%20file", qid, "<CompleteMultipartUpload>", 25, NULL);
    assert_non_null(strstr(r.body, "<Code>MalformedXML</Code>"));
    s3r_free(&r);
    r = s3_call(s, "POST", "/mpu/big%20file", qid, "<CompleteMultipartUpload/>", 26, NULL);
    assert_non_null(strstr(r.body, "<Code>MalformedXML</Code>"));
    s3r_free(&r);

    /* ETags without quotes are fine */
    char *e1bare = g_strndup(e1 + 1, 32);
    body = g_strdup_printf("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>%s</ETag></Part>"
                           "<Part><PartNumber>2</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>",
                           e1bare, e2);
    r = s3_call(s, "POST", "/mpu/big%20file", qid, body, strlen(body), NULL);
    assert_int_equal(r.status, 200);
    /* ETag: md5 of the binary part md5s, then the count */
    guint8 d1[16], d2[16], both[32], fin[16];
    md5_of(p1, 5 * MIB, d1);
    md5_of(p2, 4, d2);
    memcpy(both, d1, 16);
    memcpy(both + 16, d2, 16);
    md5_of((const char *)both, 32, fin);
    GString *want = g_string_new("<ETag>&quot;");
    for (int i = 0; i < 16; i++)
        g_string_append_printf(want, "%02x", fin[i]);
    g_string_append(want, "-2&quot;</ETag>");
    assert_non_null(strstr(r.body, want->str));
    assert_non_null(strstr(r.body, "<Key>big file</Key>"));
    assert_non_null(strstr(r.body, "<Location>http://localhost/mpu/big%20file</Location>"));
    g_string_free(want, TRUE);
    s3r_free(&r);
    g_free(body);

    /* the object: its bytes, metadata from the creation, its parts */
    r = s3_call(s, "GET", "/mpu/big%20file", NULL, NULL, 0, NULL);
    assert_int_equal(r.len, 5 * MIB + 4);
    assert_memory_equal(r.body, p1, 5 * MIB);
    assert_string_equal(r.body + 5 * MIB, "tail");
    assert_string_equal(s3r_header(&r, "Content-Type"), "video/mp4");
    assert_string_equal(s3r_header(&r, "x-amz-meta-m"), "1");
    s3r_free(&r);
    r = s3_call(s, "GET", "/mpu/big%20file", "partNumber=2", NULL, 0, NULL);
    assert_string_equal(r.body, "tail");
    assert_string_equal(s3r_header(&r, "x-amz-mp-parts-count"), "2");
    assert_string_equal(s3r_header(&r, "Content-Range"), "bytes 5242880-5242883/5242884");
    s3r_free(&r);
    r = s3_call(s, "GET", "/mpu/big%20file", "partNumber=3", NULL, 0, NULL);
    assert_int_equal(r.status, 416);
    s3r_free(&r);
    r = s3_call(s, "GET", "/mpu/big%20file", "attributes", NULL, 0, "x-amz-object-attributes", "ObjectParts", NULL);
    assert_non_null(strstr(r.body, "<PartsCount>2</PartsCount>"));
    s3r_free(&r);
    /* the upload is gone */
    r = s3_call(s, "POST", "/mpu/big%20file", qid, "<CompleteMultipartUpload/>", 26, NULL);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "<Code>NoSuchUpload</Code>"));
    s3r_free(&r);
    g_free(e1bare);
    g_free(qid);
    g_free(e1);
    g_free(e1again);
    g_free(e2);
    g_free(p1);
    g_free(id);
}

static void small_parts_and_copies(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/mpu2", NULL, NULL);
    s3_ok(s, "PUT", "/mpu2/src", NULL, "0123456789");
    char *id = create(s, "/mpu2/dst", "SHA256");
    char *e1 = part(s, "/mpu2/dst", id, 1, "ab", 2);
    char *q = g_strdup_printf("partNumber=2&uploadId=%s", id);
    s3r r = s3_call(s, "PUT", "/mpu2/dst", q, NULL, 0, "x-amz-copy-source", "mpu2/src", "x-amz-copy-source-range",
                    "bytes=2-5", NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<CopyPartResult"));
    char *e2 = s3_xml_text(r.body, "ETag");
    s3r_free(&r);
    r = s3_call(s, "PUT", "/mpu2/dst", q, NULL, 0, "x-amz-copy-source", "mpu2/src", "x-amz-copy-source-range",
                "bytes=5-20", NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/mpu2/dst", q, NULL, 0, "x-amz-copy-source", "mpu2/src", "x-amz-copy-source-range",
                "5-6", NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    g_free(q);
    /* a part of another checksum algorithm than the upload's */
    q = g_strdup_printf("partNumber=3&uploadId=%s", id);
    r = s3_call(s, "PUT", "/mpu2/dst", q, "x", 1, "x-amz-checksum-crc32", "jNwWgw==", NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum Type: crc32"));
    s3r_free(&r);
    g_free(q);
    /* part numbers */
    q = g_strdup_printf("partNumber=10001&uploadId=%s", id);
    r = s3_call(s, "PUT", "/mpu2/dst", q, "x", 1, NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<ArgumentName>partNumber</ArgumentName>"));
    s3r_free(&r);
    g_free(q);
    r = s3_call(s, "PUT", "/mpu2/dst", "partNumber=1&uploadId=nope", "x", 1, NULL);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "<UploadId>nope</UploadId>"));
    s3r_free(&r);

    /* all but the last part must be 5 MiB */
    char *qid = g_strdup_printf("uploadId=%s", id);
    char *body = g_strdup_printf("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>%s</ETag></Part>"
                                 "<Part><PartNumber>2</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>",
                                 e1, e2);
    r = s3_call(s, "POST", "/mpu2/dst", qid, body, strlen(body), NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>EntityTooSmall</Code>"));
    assert_non_null(strstr(r.body, "<MinSizeAllowed>5242880</MinSizeAllowed>"));
    s3r_free(&r);
    g_free(body);
    /* one part alone may be small; the checksum is composite */
    body = g_strdup_printf("<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>%s</ETag></Part>"
                           "</CompleteMultipartUpload>",
                           e2);
    r = s3_call(s, "POST", "/mpu2/dst", qid, body, strlen(body), NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "-1&quot;</ETag>"));
    assert_non_null(strstr(r.body, "<ChecksumType>COMPOSITE</ChecksumType>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/mpu2/dst", NULL, NULL, 0, "x-amz-checksum-mode", "ENABLED", NULL);
    assert_string_equal(r.body, "2345");
    assert_true(g_str_has_suffix(s3r_header(&r, "x-amz-checksum-sha256"), "-1"));
    s3r_free(&r);
    g_free(body);
    g_free(qid);
    g_free(e1);
    g_free(e2);
    g_free(id);
}

static void list_uploads_and_abort(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/mpu3", NULL, NULL);
    char *a1 = create(s, "/mpu3/a", NULL);
    char *a2 = create(s, "/mpu3/a", NULL);
    char *b = create(s, "/mpu3/dir/b", NULL);
    char *c = create(s, "/mpu3/dir/c", NULL);
    char *z = create(s, "/mpu3/z", NULL);
    s3r r = s3_call(s, "GET", "/mpu3", "uploads", NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(s3_count(r.body, "<Upload>"), 5);
    /* a's two uploads, oldest first */
    const char *pa1 = strstr(r.body, a1), *pa2 = strstr(r.body, a2);
    assert_non_null(pa1);
    assert_non_null(pa2);
    assert_true(pa1 < pa2);
    s3r_free(&r);
    r = s3_call(s, "GET", "/mpu3", "uploads&max-uploads=1", NULL, 0, NULL);
    assert_int_equal(s3_count(r.body, "<Upload>"), 1);
    assert_non_null(strstr(r.body, "<NextKeyMarker>a</NextKeyMarker>"));
    char *next = s3_xml_text(r.body, "NextUploadIdMarker");
    assert_string_equal(next, a1);
    s3r_free(&r);
    char *q = g_strdup_printf("uploads&max-uploads=1&key-marker=a&upload-id-marker=%s", next);
    r = s3_call(s, "GET", "/mpu3", q, NULL, 0, NULL);
    assert_non_null(strstr(r.body, a2));
    s3r_free(&r);
    g_free(q);
    r = s3_call(s, "GET", "/mpu3", "uploads&delimiter=%2F", NULL, 0, NULL);
    assert_int_equal(s3_count(r.body, "<Upload>"), 3);
    assert_non_null(strstr(r.body, "<CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/mpu3", "uploads&prefix=dir%2F&key-marker=dir%2Fb", NULL, 0, NULL);
    assert_int_equal(s3_count(r.body, "<Upload>"), 1);
    assert_non_null(strstr(r.body, c));
    s3r_free(&r);
    /* abort */
    q = g_strdup_printf("uploadId=%s", z);
    r = s3_call(s, "DELETE", "/mpu3/z", q, NULL, 0, NULL);
    assert_int_equal(r.status, 204);
    s3r_free(&r);
    r = s3_call(s, "DELETE", "/mpu3/z", q, NULL, 0, NULL);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "NoSuchUpload"));
    s3r_free(&r);
    g_free(q);
    /* an upload id used under another key is unknown there */
    q = g_strdup_printf("uploadId=%s", b);
    r = s3_call(s, "GET", "/mpu3/a", q, NULL, 0, NULL);
    assert_int_equal(r.status, 404);
    s3r_free(&r);
    g_free(q);
    g_free(next);
    g_free(a1);
    g_free(a2);
    g_free(b);
    g_free(c);
    g_free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_upload),
        cmocka_unit_test(small_parts_and_copies),
        cmocka_unit_test(list_uploads_and_abort),
    };
    return cmocka_run_group_tests(tests, s3_setup, s3_teardown);
}
