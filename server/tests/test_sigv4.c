/* sigv4: the signer's pieces against published vectors: cases of the AWS
 * SigV4 test suite (awslabs/aws-c-auth tests/aws-signing-test-suite/v4,
 * Apache-2.0: see server/tests/vectors/NOTICE) and S3's worked example of a
 * GET with a Range header (S3 API Reference, "Signature Calculations for
 * the Authorization Header: Transferring Payload in a Single Chunk"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/sigv4.h"

#define SUITE_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SUITE_SCOPE "20150830/us-east-1/service/aws4_request"
#define SUITE_DATE "20150830T123600Z"
#define EMPTY_SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* The signature of a request of the suite (host example.amazonaws.com). */
static void suite_sign(const char *method, const char *path, const char *query, const http_header *extra,
                       size_t nextra, const char *signed_headers, bool normalize, char sig[65])
{
    http_header h[8] = {{"host", "example.amazonaws.com"}, {"x-amz-date", SUITE_DATE}};
    size_t n = 2;
    for (size_t i = 0; i < nextra; i++)
        h[n++] = extra[i];
    GString *uri = g_string_new(NULL), *creq = g_string_new(NULL), *sts = g_string_new(NULL);
    sigv4_canonical_uri(uri, path, strlen(path), normalize);
    assert_true(sigv4_canonical_request(creq, method, uri->str, query, NULL, h, n, signed_headers, EMPTY_SHA));
    sigv4_string_to_sign(sts, SUITE_DATE, SUITE_SCOPE, creq->str, creq->len);
    guint8 key[SIGV4_KEY_LEN];
    sigv4_signing_key(SUITE_SECRET, "20150830", "us-east-1", "service", key);
    sigv4_hmac_hex(key, sizeof key, sts->str, sts->len, sig);
    /* and in one pass, as core/auth.c signs: the URI written in place, the
     * key kept keyed, the string to sign not built */
    GString *creq1 = g_string_new(NULL);
    assert_true(sigv4_canonical_request_path(creq1, method, path, strlen(path), normalize, query, NULL, h, n,
                                             signed_headers, EMPTY_SHA));
    assert_string_equal(creq1->str, creq->str);
    sigv4_key k;
    sigv4_key_init(&k, SUITE_SECRET, "20150830", "us-east-1", "service");
    assert_memory_equal(k.key, key, sizeof key);
    char sig1[65];
    sigv4_sign(&k, SUITE_DATE, SUITE_SCOPE, creq1->str, creq1->len, sig1);
    assert_string_equal(sig1, sig);
    g_string_free(creq1, TRUE);
    g_string_free(uri, TRUE);
    g_string_free(creq, TRUE);
    g_string_free(sts, TRUE);
}

static void expect_suite(const char *method, const char *path, const char *query, const http_header *extra,
                         size_t nextra, const char *signed_headers, bool normalize, const char *want)
{
    char sig[65];
    suite_sign(method, path, query, extra, nextra, signed_headers, normalize, sig);
    if (strcmp(sig, want) != 0)
        fail_msg("%s %s?%s: signature %s, want %s", method, path, query, sig, want);
}

static void test_suite_paths(void **state)
{
    (void)state;
    expect_suite("GET", "/\xe1\x88\xb4", "", NULL, 0, "host;x-amz-date", true,
                 "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
    expect_suite("GET", "/example1/example2/../..", "", NULL, 0, "host;x-amz-date", true,
                 "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    /* S3's rule: no normalisation, "//" stays */
    expect_suite("GET", "//example//", "", NULL, 0, "host;x-amz-date", false,
                 "87cca117541a147f6df867677d98a7d80dff226d2bfca9e4ffa899665623c7e5");
    expect_suite("GET", "/example space/", "", NULL, 0, "host;x-amz-date", true,
                 "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741");
}

static void test_suite_query_and_headers(void **state)
{
    (void)state;
    expect_suite("GET", "/", "Param2=value2&Param1=value1", NULL, 0, "host;x-amz-date", true,
                 "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
    /* names lower case, values trimmed, inner runs of spaces collapsed */
    http_header trim[] = {{"my-header1", " value1"}, {"my-header2", " \"a   b   c\""}};
    expect_suite("GET", "/", "", trim, 2, "host;my-header1;my-header2;x-amz-date", true,
                 "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
}

static void test_s3_example(void **state)
{
    (void)state;
    http_header h[] = {{"host", "examplebucket.s3.amazonaws.com"},
                       {"range", "bytes=0-9"},
                       {"x-amz-content-sha256", EMPTY_SHA},
                       {"x-amz-date", "20130524T000000Z"}};
    GString *uri = g_string_new(NULL), *creq = g_string_new(NULL), *sts = g_string_new(NULL);
    sigv4_canonical_uri(uri, "/test.txt", 9, false);
    assert_true(sigv4_canonical_request(creq, "GET", uri->str, "", NULL, h, 4,
                                        "host;range;x-amz-content-sha256;x-amz-date", EMPTY_SHA));
    sigv4_string_to_sign(sts, "20130524T000000Z", "20130524/us-east-1/s3/aws4_request", creq->str, creq->len);
    guint8 key[SIGV4_KEY_LEN];
    sigv4_signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3", key);
    char sig[65];
    sigv4_hmac_hex(key, sizeof key, sts->str, sts->len, sig);
    assert_string_equal(sig, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    g_string_free(uri, TRUE);
    g_string_free(creq, TRUE);
    g_string_free(sts, TRUE);
}

/* S3's chunked-upload example ("… Transferring Payload in Multiple
 * Chunks"): the seed signature, then each chunk's signing the one before. */
static void test_s3_chunked_example(void **state)
{
    (void)state;
    http_header h[] = {{"content-encoding", "aws-chunked"},
                       {"content-length", "66824"},
                       {"host", "s3.amazonaws.com"},
                       {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
                       {"x-amz-date", "20130524T000000Z"},
                       {"x-amz-decoded-content-length", "66560"},
                       {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
    const char *scope = "20130524/us-east-1/s3/aws4_request";
    GString *uri = g_string_new(NULL), *creq = g_string_new(NULL), *sts = g_string_new(NULL);
    sigv4_canonical_uri(uri, "/examplebucket/chunkObject.txt", 30, false);
    assert_true(sigv4_canonical_request(creq, "PUT", uri->str, "", NULL, h, G_N_ELEMENTS(h),
                                        "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                                        "x-amz-decoded-content-length;x-amz-storage-class",
                                        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
    sigv4_string_to_sign(sts, "20130524T000000Z", scope, creq->str, creq->len);
    guint8 key[SIGV4_KEY_LEN];
    sigv4_signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3", key);
    char sig[65];
    sigv4_hmac_hex(key, sizeof key, sts->str, sts->len, sig);
    assert_string_equal(sig, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");

    static const char *const want[] = {"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
                                       "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
                                       "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"};
    static const size_t sizes[] = {65536, 1024, 0};
    char *data = g_malloc(65536);
    memset(data, 'a', 65536);
    for (int i = 0; i < 3; i++) {
        char hash[65];
        sigv4_sha256_hex(data, sizes[i], hash);
        g_string_printf(sts, "AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n%s\n%s\n%s\n%s", scope, sig, EMPTY_SHA, hash);
        sigv4_hmac_hex(key, sizeof key, sts->str, sts->len, sig);
        assert_string_equal(sig, want[i]);
    }
    g_free(data);
    g_string_free(uri, TRUE);
    g_string_free(creq, TRUE);
    g_string_free(sts, TRUE);
}

static void test_query_encoding(void **state)
{
    (void)state;
    GString *q = g_string_new(NULL);
    /* sorted by encoded name then value; a bare name is "name="; '+' is a plus */
    assert_true(sigv4_canonical_query(q, "b=2&a=x+y&a=%20w&flag&X-Amz-Signature=abc", "X-Amz-Signature"));
    assert_string_equal(q->str, "a=%20w&a=x%2By&b=2&flag=");
    g_string_truncate(q, 0);
    assert_false(sigv4_canonical_query(q, "a=%zz", NULL));
    g_string_free(q, TRUE);
    /* a repeated header's values join with ',' in the order received */
    http_header h[] = {{"x-b", "2"}, {"x-a", "1"}, {"x-b", "  3 "}};
    GString *c = g_string_new(NULL);
    assert_true(sigv4_canonical_request(c, "PUT", "/", "", NULL, h, 3, "x-a;x-b", "UNSIGNED-PAYLOAD"));
    assert_string_equal(c->str, "PUT\n/\n\nx-a:1\nx-b:2,3\n\nx-a;x-b\nUNSIGNED-PAYLOAD");
    /* so do more of them than sort on the stack, among others */
    http_header many[70];
    char values[70][4];
    GString *want = g_string_new("PUT\n/\n\nx-a:1\nx-b:");
    for (int i = 0; i < 70; i++) {
        g_snprintf(values[i], sizeof values[i], "%d", 69 - i);
        many[i] = i % 2 ? (http_header){"x-b", values[i]} : (http_header){"x-c", values[i]};
        if (i % 2)
            g_string_append_printf(want, "%s%s", i > 1 ? "," : "", values[i]);
    }
    many[68] = (http_header){"x-a", "1"};
    g_string_append(want, "\n\nx-a;x-b\nUNSIGNED-PAYLOAD");
    g_string_truncate(c, 0);
    assert_true(sigv4_canonical_request(c, "PUT", "/", "", NULL, many, 70, "x-a;x-b", "UNSIGNED-PAYLOAD"));
    assert_string_equal(c->str, want->str);
    g_string_free(want, TRUE);
    g_string_free(c, TRUE);
}

static void test_v2_and_equal(void **state)
{
    (void)state;
    /* S3's SigV2 query-string example (S3 Developer Guide, "Query string
     * request authentication alternative") */
    const char *sts = "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg";
    char *sig = sigv4_v2_signature("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sts, strlen(sts));
    assert_string_equal(sig, "NpgCjnDzrM+WFzoENXmpNDUsSn8=");
    g_free(sig);
    assert_true(sigv4_equal("abc", "abc"));
    assert_false(sigv4_equal("abc", "abd"));
    assert_false(sigv4_equal("abc", "ab"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suite_paths), cmocka_unit_test(test_suite_query_and_headers),
        cmocka_unit_test(test_s3_example),  cmocka_unit_test(test_s3_chunked_example),
        cmocka_unit_test(test_query_encoding),
        cmocka_unit_test(test_v2_and_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
