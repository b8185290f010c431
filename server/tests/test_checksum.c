/* checksum: known answers for the six algorithms S3 speaks, and the
 * table-driven CRCs against a bit-at-a-time oracle.
 *
 * The expected values were computed outside this code base: CRC-32,
 * CRC-32C and CRC-64/NVME with the AWS SDK for JavaScript v3
 * (@aws-sdk/checksums Crc32Js, Crc32cJs, Crc64NvmeJs), CRC-32 again with
 * botocore's Crc32Checksum, the hashes with Python's hashlib. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <string.h>

#include "wire/checksum.h"

enum { IN_EMPTY, IN_A, IN_ABC, IN_HW, IN_CHECK, IN_FOX, IN_PAT, IN_ZEROS, IN_ONES, N_INPUTS };

/* pat: b[i] = i * 31 + 7, long enough to run many 8-byte blocks and end on
 * a ragged tail (4099 = 8 * 512 + 3). */
#define PAT_LEN 4099

static unsigned char pat[PAT_LEN];
static unsigned char zeros[64];
static unsigned char ones[64];

static void input(int which, const void **data, size_t *len)
{
    switch (which) {
    case IN_EMPTY: *data = ""; *len = 0; return;
    case IN_A: *data = "a"; *len = 1; return;
    case IN_ABC: *data = "abc"; *len = 3; return;
    case IN_HW: *data = "hello world"; *len = 11; return;
    case IN_CHECK: *data = "123456789"; *len = 9; return;
    case IN_FOX: *data = "The quick brown fox jumps over the lazy dog"; *len = 43; return;
    case IN_PAT: *data = pat; *len = PAT_LEN; return;
    case IN_ZEROS: *data = zeros; *len = sizeof zeros; return;
    case IN_ONES: *data = ones; *len = sizeof ones; return;
    }
    fail_msg("no input %d", which);
}

static const char *const input_names[N_INPUTS] = {"empty", "a", "abc", "hello world", "123456789",
                                                  "fox", "pattern", "64 zeros", "64 0xff"};

static const struct {
    checksum_algo algo;
    const char *b64[N_INPUTS];
} known[] = {
    {CHECKSUM_CRC32,
     {"AAAAAA==", "6Le+Qw==", "NSRBwg==", "DUoRhQ==", "y/Q5Jg==", "QU+jOQ==", "7jmpzA==",
      "dY1jNg==", "D2GHug=="}},
    {CHECKSUM_CRC32C,
     {"AAAAAA==", "wdBDMA==", "Nks/tw==", "yZRlqg==", "4waSgw==", "ImIEBA==", "/0z/IQ==",
      "A8jrZw==", "L81OZg=="}},
    {CHECKSUM_CRC64NVME,
     {"AAAAAAAAAAA=", "jC+ERbTL/Dw=", "BeXKuz/B+us=", "jSnVw/bqjr4=", "rosUhgp5mIg=",
      "12xUBUlUwUM=", "rs4b9NGVBQ4=", "NkVHYFnZ6tY=", "MlT8Dqwucu8="}},
    {CHECKSUM_SHA1,
     {"2jmj7l5rSw0yVb/vlWAYkK/YBwk=", "hvfkN/qlp/zhXR3cuerq6jd2Z7g=",
      "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=", "Kq5sNclPz7QV2+lfQIuc6R7oRu0=",
      "98O8HYCOBHMq32eZZczDTKeuNEE=", "L9ThxnotKPzthJ7hu3bnORuT6xI=",
      "KoxaaE2JVp7cbNjURUHKzlOnoSQ=", "yNfQ7w7t+oLS6hqlkoRbmm1LArc=",
      "/8YmHkh++ox0Qgafcaz8SqgmmT0="}},
    {CHECKSUM_SHA256,
     {"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs=",
      "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=",
      "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=", "16j7swfXgJRpypq8sAguT41WUeRtPNt2LQLQvzfJ5ZI=",
      "yPlTOhdOAGbRyCi5Rv0SLQ47E9YbAR3POimWTjFirMY=", "9aX9QtFqIDAnmO9u0wmXm0MAPSMg2fDo6pgxqSdZ+0s=",
      "hmfnGClOng3x0wYAuj7rIB92Sq0trXJ0hkPkooXh0fc="}},
    {CHECKSUM_MD5,
     {"1B2M2Y8AsgTpgAmY7PhCfg==", "DMF1ucDxtqgxw5niaXcmYQ==", "kAFQmDzST7DWlj99KOF/cg==",
      "XrY7u+Ae7tCTyyK7j1rNww==", "JfnnlDI7RTiF9RgfG2JNCw==", "nhB9nTcrtoJr2B01QqQZ1g==",
      "wa9ifkDNq3Zk4iveNUDGPA==", "O108fSB+N9zu7dMB414uWA==", "qr0rKkUVBOEZokPY53X9rQ=="}},
};

static int setup(void **state)
{
    for (size_t i = 0; i < PAT_LEN; i++)
        pat[i] = (unsigned char)(i * 31 + 7);
    memset(zeros, 0, sizeof zeros);
    memset(ones, 0xff, sizeof ones);
    return 0;
}

static void test_known_answers(void **state)
{
    int failures = 0;
    for (size_t k = 0; k < G_N_ELEMENTS(known); k++) {
        for (int i = 0; i < N_INPUTS; i++) {
            const void *data;
            size_t len;
            input(i, &data, &len);
            char *got = checksum_base64(known[k].algo, data, len);
            if (strcmp(got, known[k].b64[i]) != 0) {
                print_error("%s(%s) = %s, want %s\n", checksum_algo_name(known[k].algo),
                            input_names[i], got, known[k].b64[i]);
                failures++;
            }
            g_free(got);
        }
    }
    assert_int_equal(failures, 0);
}

/* The published check values ("123456789") of the CRC catalogue, as
 * integers: they pin down init, reflection and xorout, not only the
 * polynomial. */
static void test_check_values(void **state)
{
    assert_true(checksum_crc32c(0, "123456789", 9) == 0xE3069283u);
    assert_true(checksum_crc64nvme(0, "123456789", 9) == UINT64_C(0xAE8B14860A799888));
    assert_true(checksum_crc32c(0, "", 0) == 0);
    assert_true(checksum_crc64nvme(0, "", 0) == 0);
    assert_true(checksum_crc32c(0, NULL, 0) == 0);
    assert_true(checksum_crc32c(0x12345678u, NULL, 0) == 0x12345678u);
    assert_true(checksum_crc64nvme(UINT64_C(0x1122334455667788), NULL, 0) ==
                UINT64_C(0x1122334455667788));
}

/* The wire form is the base64 of the big-endian register. */
static void test_digest_bytes_big_endian(void **state)
{
    unsigned char out[8];
    checksum_ctx c;

    checksum_init(&c, CHECKSUM_CRC32);
    checksum_update(&c, "hello world", 11);
    checksum_final(&c, out);
    assert_memory_equal(out, "\x0d\x4a\x11\x85", 4);

    checksum_init(&c, CHECKSUM_CRC32C);
    checksum_update(&c, "123456789", 9);
    checksum_final(&c, out);
    assert_memory_equal(out, "\xe3\x06\x92\x83", 4);

    checksum_init(&c, CHECKSUM_CRC64NVME);
    checksum_update(&c, "123456789", 9);
    checksum_final(&c, out);
    assert_memory_equal(out, "\xae\x8b\x14\x86\x0a\x79\x98\x88", 8);
}

static uint32_t crc32c_bitwise(uint32_t crc, const unsigned char *p, size_t len)
{
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
    }
    return ~crc;
}

static uint64_t crc64nvme_bitwise(uint64_t crc, const unsigned char *p, size_t len)
{
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (UINT64_C(0x9A6C9329AC4BC9B5) & (0 - (crc & 1)));
    }
    return ~crc;
}

/* Every length 0..300 at every offset 0..7: exercises the 8-byte blocks,
 * the tails and unaligned starts against the slow, obviously right form. */
static void test_crc_against_bitwise(void **state)
{
    GRand *r = g_rand_new_with_seed(42);
    unsigned char buf[320];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)g_rand_int(r);
    g_rand_free(r);

    for (size_t off = 0; off < 8; off++) {
        for (size_t len = 0; len <= 300; len++) {
            uint32_t a = checksum_crc32c(0, buf + off, len);
            uint32_t b = crc32c_bitwise(0, buf + off, len);
            if (a != b)
                fail_msg("crc32c off %zu len %zu: %08x, want %08x", off, len, a, b);
            uint64_t c = checksum_crc64nvme(0, buf + off, len);
            uint64_t d = crc64nvme_bitwise(0, buf + off, len);
            if (c != d)
                fail_msg("crc64nvme off %zu len %zu: %016llx, want %016llx", off, len,
                         (unsigned long long)c, (unsigned long long)d);
        }
    }
}

/* Continuing from a previous result must equal one pass over the whole. */
static void test_crc_continuation(void **state)
{
    for (size_t cut = 0; cut <= PAT_LEN; cut += (cut < 40 ? 1 : 97)) {
        uint32_t a = checksum_crc32c(checksum_crc32c(0, pat, cut), pat + cut, PAT_LEN - cut);
        assert_true(a == checksum_crc32c(0, pat, PAT_LEN));
        uint64_t b = checksum_crc64nvme(checksum_crc64nvme(0, pat, cut), pat + cut, PAT_LEN - cut);
        assert_true(b == checksum_crc64nvme(0, pat, PAT_LEN));
    }
}

/* Streaming uploads feed the context one aws-chunk at a time, in sizes that
 * have nothing to do with 8 or 64: every algorithm must not care. */
static void test_incremental_matches_one_shot(void **state)
{
    static const size_t steps[] = {1, 3, 7, 8, 9, 63, 64, 65, 1000};
    for (size_t k = 0; k < G_N_ELEMENTS(known); k++) {
        for (size_t s = 0; s < G_N_ELEMENTS(steps); s++) {
            checksum_ctx c;
            checksum_init(&c, known[k].algo);
            for (size_t at = 0; at < PAT_LEN; at += steps[s]) {
                size_t n = PAT_LEN - at < steps[s] ? PAT_LEN - at : steps[s];
                checksum_update(&c, pat + at, n);
                checksum_update(&c, NULL, 0);
            }
            char *got = checksum_final_base64(&c);
            if (strcmp(got, known[k].b64[IN_PAT]) != 0)
                fail_msg("%s in steps of %zu: %s, want %s", checksum_algo_name(known[k].algo),
                         steps[s], got, known[k].b64[IN_PAT]);
            g_free(got);
        }
    }
}

static void test_names(void **state)
{
    static const struct {
        checksum_algo a;
        const char *name;
        const char *header;
        size_t size;
    } t[] = {
        {CHECKSUM_CRC32, "CRC32", "x-amz-checksum-crc32", 4},
        {CHECKSUM_CRC32C, "CRC32C", "x-amz-checksum-crc32c", 4},
        {CHECKSUM_CRC64NVME, "CRC64NVME", "x-amz-checksum-crc64nvme", 8},
        {CHECKSUM_SHA1, "SHA1", "x-amz-checksum-sha1", 20},
        {CHECKSUM_SHA256, "SHA256", "x-amz-checksum-sha256", 32},
        {CHECKSUM_MD5, "MD5", NULL, 16},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
        assert_string_equal(checksum_algo_name(t[i].a), t[i].name);
        assert_int_equal(checksum_algo_from_name(t[i].name), t[i].a);
        char *lower = g_ascii_strdown(t[i].name, -1);
        assert_int_equal(checksum_algo_from_name(lower), t[i].a);
        g_free(lower);
        assert_int_equal(checksum_size(t[i].a), t[i].size);
        if (t[i].header) {
            assert_string_equal(checksum_header_name(t[i].a), t[i].header);
            assert_int_equal(checksum_algo_from_header(t[i].header), t[i].a);
            char *upper = g_ascii_strup(t[i].header, -1);
            assert_int_equal(checksum_algo_from_header(upper), t[i].a);
            g_free(upper);
        } else {
            assert_null(checksum_header_name(t[i].a));
        }
    }
    static const char *const unknown[] = {"", "CRC", "CRC32 ", "crc64", "SHA-256", "SHA512",
                                          "x-amz-checksum-crc32", "NONE"};
    for (size_t i = 0; i < G_N_ELEMENTS(unknown); i++)
        assert_int_equal(checksum_algo_from_name(unknown[i]), CHECKSUM_NONE);
    assert_int_equal(checksum_algo_from_name(NULL), CHECKSUM_NONE);
    assert_int_equal(checksum_algo_from_header(NULL), CHECKSUM_NONE);
    assert_int_equal(checksum_algo_from_header("crc32"), CHECKSUM_NONE);
    assert_int_equal(checksum_algo_from_header("x-amz-checksum-md5"), CHECKSUM_NONE);
    assert_int_equal(checksum_algo_from_header("x-amz-checksum-crc32x"), CHECKSUM_NONE);
    assert_int_equal(checksum_size(CHECKSUM_NONE), 0);
    assert_null(checksum_algo_name(CHECKSUM_NONE));
    assert_null(checksum_header_name(CHECKSUM_NONE));
}

static void test_md5_hex(void **state)
{
    char hex[33];
    memset(hex, 'x', sizeof hex);
    checksum_md5_hex("", 0, hex);
    assert_string_equal(hex, "d41d8cd98f00b204e9800998ecf8427e");
    checksum_md5_hex("hello world", 11, hex);
    assert_string_equal(hex, "5eb63bbbe01eeed093cb22bb8f5acdc3");
    checksum_md5_hex(pat, PAT_LEN, hex);
    assert_string_equal(hex, "c1af627e40cdab7664e22bde3540c63c");
}

/* A context for CHECKSUM_NONE is inert rather than a crash: the S3 handler
 * may build one before it knows whether the request names an algorithm. */
static void test_none(void **state)
{
    checksum_ctx c;
    checksum_init(&c, CHECKSUM_NONE);
    checksum_update(&c, "abc", 3);
    char *s = checksum_final_base64(&c);
    assert_string_equal(s, "");
    g_free(s);
    s = checksum_base64(CHECKSUM_NONE, "abc", 3);
    assert_string_equal(s, "");
    g_free(s);
}

/* final releases the GChecksum: run under ASan, a leak here fails. Calling
 * final twice must not double-free either. */
static void test_final_releases(void **state)
{
    unsigned char out[32];
    checksum_ctx c;
    checksum_init(&c, CHECKSUM_SHA256);
    checksum_update(&c, "abc", 3);
    checksum_final(&c, out);
    assert_null(c.gchecksum);
    checksum_final(&c, out);
    /* A freshly initialised context after final works as new. */
    checksum_init(&c, CHECKSUM_CRC32C);
    checksum_update(&c, "123456789", 9);
    checksum_final(&c, out);
    assert_memory_equal(out, "\xe3\x06\x92\x83", 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_check_values),
        cmocka_unit_test(test_digest_bytes_big_endian),
        cmocka_unit_test(test_crc_against_bitwise),
        cmocka_unit_test(test_crc_continuation),
        cmocka_unit_test(test_incremental_matches_one_shot),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_md5_hex),
        cmocka_unit_test(test_none),
        cmocka_unit_test(test_final_releases),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
