/* chunked: aws-chunked bodies as real SDKs send them, decoded in place, and
 * every malformed form refused without reading past the buffer.
 *
 * Every body is copied into a heap buffer of exactly its length (no NUL
 * after it), so that under -DMOCKAWS_SANITIZE=ON any read past the end is
 * an ASan error, not a silent pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "wire/checksum.h"
#include "wire/chunked.h"

#define LIT(s) s, sizeof(s) - 1

#define SIG_A "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
#define SIG_B "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
#define SIG_C "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
#define SIG_T "63bddb248ad2590c92712055f51b8e78ab024eead08276b24f010b0efd74843f"
/* A SigV4a (ECDSA) signature: DER in hex, padded with '*' to 144. */
#define SIG_4A                                                                                 \
    "3045022100b9c5b3c1e2f0a8d7e6c5b4a392817161504f3e2d1c0b0a99887766554433221102"             \
    "2041d5c8b7a6958473625140f3e2d1c0b0a9988776655443322110ffeedd********"

/* An exact-size heap copy: see the file comment. */
static char *dup_exact(const char *s, size_t len)
{
    char *b = g_malloc(len ? len : 1);
    memcpy(b, s, len);
    return b;
}

static int decode(const char *body, size_t len, chunked_result *out, char *err, size_t errlen,
                  GBytes **decoded)
{
    char *b = dup_exact(body, len);
    int rc = chunked_decode(b, len, out, err, errlen);
    if (decoded)
        *decoded = rc == 0 ? g_bytes_new(b, out->decoded_len) : NULL;
    g_free(b);
    return rc;
}

/* ---- real bodies ---------------------------------------------------------
 *
 * Captured on the wire from PutObject against a scratch server:
 * JS: @aws-sdk/client-s3 3.1174 over http, Body a Readable (one aws-chunk
 *     per piece the stream yields), x-amz-content-sha256
 *     STREAMING-UNSIGNED-PAYLOAD-TRAILER.
 * PY: botocore 1.43 over https with ChecksumAlgorithm set (over plain http
 *     it sends the checksum as a header instead). */
static const struct {
    const char *what;
    const char *body;
    size_t len;
    const char *decoded; /* its length is x-amz-decoded-content-length */
    const char *trailer;
    const char *value;
    checksum_algo algo;
} real[] = {
    {"JS crc32, two chunks",
     LIT("6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"),
     "hello world", "x-amz-checksum-crc32", "DUoRhQ==", CHECKSUM_CRC32},
    {"JS crc32c, three chunks",
     LIT("14\r\nThe quick brown fox \r\nb\r\njumps over \r\nc\r\nthe lazy dog\r\n0\r\n"
         "x-amz-checksum-crc32c:ImIEBA==\r\n\r\n"),
     "The quick brown fox jumps over the lazy dog", "x-amz-checksum-crc32c", "ImIEBA==",
     CHECKSUM_CRC32C},
    {"JS crc64nvme",
     LIT("3\r\nabc\r\n3\r\ndef\r\n0\r\nx-amz-checksum-crc64nvme:Pact6XRTYyA=\r\n\r\n"), "abcdef",
     "x-amz-checksum-crc64nvme", "Pact6XRTYyA=", CHECKSUM_CRC64NVME},
    {"JS sha256",
     LIT("3\r\nabc\r\n0\r\nx-amz-checksum-sha256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=\r\n"
         "\r\n"),
     "abc", "x-amz-checksum-sha256", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
     CHECKSUM_SHA256},
    {"JS sha1",
     LIT("2\r\nab\r\n1\r\nc\r\n0\r\nx-amz-checksum-sha1:qZk+NkcGgWq6PiVxeFDCbJzQ2J0=\r\n\r\n"),
     "abc", "x-amz-checksum-sha1", "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=", CHECKSUM_SHA1},
    {"JS empty", LIT("0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"), "", "x-amz-checksum-crc32",
     "AAAAAA==", CHECKSUM_CRC32},
    /* Data that looks like framing: CRLFs and a "0\r\n" inside chunks. */
    {"JS data holding CRLF and 0",
     LIT("7\r\nline1\r\n\r\n5\r\n\r\n0\r\n\r\n1\r\nx\r\n0\r\nx-amz-checksum-crc32:t3nusw==\r\n\r\n"),
     "line1\r\n\r\n0\r\nx", "x-amz-checksum-crc32", "t3nusw==", CHECKSUM_CRC32},
    {"PY crc32", LIT("b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"),
     "hello world", "x-amz-checksum-crc32", "DUoRhQ==", CHECKSUM_CRC32},
    {"PY empty", LIT("0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"), "", "x-amz-checksum-crc32",
     "AAAAAA==", CHECKSUM_CRC32},
    {"PY sha1", LIT("3\r\nabc\r\n0\r\nx-amz-checksum-sha1:qZk+NkcGgWq6PiVxeFDCbJzQ2J0=\r\n\r\n"),
     "abc", "x-amz-checksum-sha1", "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=", CHECKSUM_SHA1},
};

static void test_real_bodies(void **state)
{
    for (size_t i = 0; i < G_N_ELEMENTS(real); i++) {
        chunked_result r;
        char err[256];
        char *b = dup_exact(real[i].body, real[i].len);
        if (chunked_decode(b, real[i].len, &r, err, sizeof err) != 0)
            fail_msg("%s: refused: %s", real[i].what, err);
        size_t want = strlen(real[i].decoded);
        assert_int_equal(r.decoded_len, want);
        /* in place: the decoded bytes start the buffer */
        assert_memory_equal(b, real[i].decoded, want);
        assert_int_equal(r.ntrailers, 1);
        assert_string_equal(r.trailers[0].name, real[i].trailer);
        assert_string_equal(chunked_trailer_get(&r, real[i].trailer), real[i].value);
        /* and the SDK's checksum is the one the server computes */
        char *mine = checksum_base64(real[i].algo, b, r.decoded_len);
        assert_string_equal(mine, real[i].value);
        g_free(mine);
        assert_int_equal(checksum_algo_from_header(r.trailers[0].name), real[i].algo);
        chunked_result_clear(&r);
        assert_null(r.trailers);
        assert_int_equal(r.ntrailers, 0);
        g_free(b);

        /* The unsigned-trailer form is what these requests announced. */
        b = dup_exact(real[i].body, real[i].len);
        assert_int_equal(chunked_decode_as(b, real[i].len, "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                           &r, err, sizeof err),
                         0);
        chunked_result_clear(&r);
        g_free(b);
    }
}

/* Every proper prefix of a valid body is a truncated upload and must be
 * refused: that is what catches an off-by-one at each boundary. */
static void test_truncations_refused(void **state)
{
    for (size_t i = 0; i < G_N_ELEMENTS(real); i++) {
        for (size_t n = 0; n < real[i].len; n++) {
            chunked_result r;
            char err[256] = "";
            if (decode(real[i].body, n, &r, err, sizeof err, NULL) == 0)
                fail_msg("%s: prefix of %zu bytes accepted", real[i].what, n);
            assert_true(err[0] != '\0');
            assert_int_equal(r.ntrailers, 0);
            assert_null(r.trailers);
        }
    }
}

/* ---- signed bodies -------------------------------------------------------
 *
 * The shape of the AWS SigV4 streaming example (64 KiB + 1 KiB of 'a', then
 * the final chunk). Signatures are checked for syntax only. */
static GString *signed_example(void)
{
    GString *s = g_string_new("10000;chunk-signature=" SIG_A "\r\n");
    for (int i = 0; i < 65536; i++)
        g_string_append_c(s, 'a');
    g_string_append(s, "\r\n400;chunk-signature=" SIG_B "\r\n");
    for (int i = 0; i < 1024; i++)
        g_string_append_c(s, 'a');
    g_string_append(s, "\r\n0;chunk-signature=" SIG_C "\r\n");
    return s;
}

static void expect_all_a(const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i] != 'a')
            fail_msg("decoded byte %zu is 0x%02x", i, (unsigned char)b[i]);
}

static void test_signed_chunks(void **state)
{
    GString *s = signed_example();
    g_string_append(s, "\r\n");
    chunked_result r;
    char err[256];
    char *b = dup_exact(s->str, s->len);
    if (chunked_decode(b, s->len, &r, err, sizeof err) != 0)
        fail_msg("refused: %s", err);
    assert_int_equal(r.decoded_len, 66560);
    expect_all_a(b, r.decoded_len);
    assert_int_equal(r.ntrailers, 0);
    chunked_result_clear(&r);
    g_free(b);

    b = dup_exact(s->str, s->len);
    assert_int_equal(
        chunked_decode_as(b, s->len, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", &r, err, sizeof err), 0);
    chunked_result_clear(&r);
    g_free(b);

    /* the same body announced as unsigned, or as carrying trailers */
    static const char *const wrong[] = {"STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
                                        "STREAMING-SOMETHING-NEW"};
    for (size_t i = 0; i < G_N_ELEMENTS(wrong); i++) {
        b = dup_exact(s->str, s->len);
        err[0] = '\0';
        if (chunked_decode_as(b, s->len, wrong[i], &r, err, sizeof err) == 0)
            fail_msg("signed body accepted as %s", wrong[i]);
        assert_true(err[0] != '\0');
        assert_int_equal(r.ntrailers, 0);
        g_free(b);
    }
    g_string_free(s, TRUE);
}

static void test_signed_trailer(void **state)
{
    GString *s = signed_example();
    char *crc = checksum_base64(CHECKSUM_CRC32C, NULL, 0);
    {
        GString *data = g_string_new(NULL);
        for (int i = 0; i < 66560; i++)
            g_string_append_c(data, 'a');
        g_free(crc);
        crc = checksum_base64(CHECKSUM_CRC32C, data->str, data->len);
        g_string_free(data, TRUE);
    }
    g_string_append_printf(s,
                           "x-amz-checksum-crc32c:%s\r\n"
                           "x-amz-trailer-signature:" SIG_T "\r\n\r\n",
                           crc);
    chunked_result r;
    char err[256];
    char *b = dup_exact(s->str, s->len);
    if (chunked_decode_as(b, s->len, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", &r, err,
                          sizeof err) != 0)
        fail_msg("refused: %s", err);
    assert_int_equal(r.decoded_len, 66560);
    expect_all_a(b, r.decoded_len);
    assert_int_equal(r.ntrailers, 2);
    assert_string_equal(chunked_trailer_get(&r, "x-amz-checksum-crc32c"), crc);
    assert_string_equal(chunked_trailer_get(&r, "X-Amz-Trailer-Signature"), SIG_T);
    assert_null(chunked_trailer_get(&r, "x-amz-checksum-crc32"));
    char *mine = checksum_base64(CHECKSUM_CRC32C, b, r.decoded_len);
    assert_string_equal(mine, crc);
    g_free(mine);
    chunked_result_clear(&r);
    g_free(b);

    /* Not allowed where the payload declares no trailers. */
    b = dup_exact(s->str, s->len);
    assert_int_equal(
        chunked_decode_as(b, s->len, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", &r, err, sizeof err), -1);
    g_free(b);
    g_string_free(s, TRUE);
    g_free(crc);
}

static void test_sigv4a_signatures(void **state)
{
    static const char body[] = "5;chunk-signature=" SIG_4A "\r\nhello\r\n"
                               "0;chunk-signature=" SIG_4A "\r\n"
                               "x-amz-checksum-crc32:NhCmhg==\r\n"
                               "x-amz-trailer-signature:" SIG_4A "\r\n\r\n";
    chunked_result r;
    char err[256];
    char *b = dup_exact(body, sizeof body - 1);
    if (chunked_decode_as(b, sizeof body - 1, "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER", &r,
                          err, sizeof err) != 0)
        fail_msg("refused: %s", err);
    assert_int_equal(r.decoded_len, 5);
    assert_memory_equal(b, "hello", 5);
    assert_string_equal(chunked_trailer_get(&r, "x-amz-checksum-crc32"), "NhCmhg==");
    chunked_result_clear(&r);
    g_free(b);
}

/* ---- in place, many chunks ---------------------------------------------- */

/* 1 MiB of pseudo-random bytes in chunks of every size from 1 up, encoded,
 * decoded in place, compared byte for byte and by checksum. */
static void test_many_chunks_in_place(void **state)
{
    enum { N = 1 << 20 };
    GRand *rnd = g_rand_new_with_seed(7);
    unsigned char *src = g_malloc(N);
    for (size_t i = 0; i < N; i++)
        src[i] = (unsigned char)g_rand_int(rnd);
    g_rand_free(rnd);

    GString *s = g_string_new(NULL);
    size_t chunks = 0;
    for (size_t at = 0, step = 1; at < N; at += step, step = step * 3 / 2 + 1, chunks++) {
        size_t n = N - at < step ? N - at : step;
        /* alternate hex digit case: both are legal */
        g_string_append_printf(s, chunks % 2 ? "%zX\r\n" : "%zx\r\n", n);
        g_string_append_len(s, (const char *)src + at, (gssize)n);
        g_string_append(s, "\r\n");
    }
    char *crc = checksum_base64(CHECKSUM_CRC64NVME, src, N);
    g_string_append_printf(s, "0\r\nX-Amz-Checksum-CRC64NVME: %s \r\n\r\n", crc);
    assert_true(chunks > 20);

    chunked_result r;
    char err[256];
    size_t len = s->len;
    char *b = dup_exact(s->str, len);
    g_string_free(s, TRUE);
    if (chunked_decode(b, len, &r, err, sizeof err) != 0)
        fail_msg("refused: %s", err);
    assert_int_equal(r.decoded_len, N);
    assert_memory_equal(b, src, N);
    /* names are lowercased, optional whitespace around values dropped */
    assert_string_equal(r.trailers[0].name, "x-amz-checksum-crc64nvme");
    assert_string_equal(r.trailers[0].value, crc);
    char *mine = checksum_base64(CHECKSUM_CRC64NVME, b, r.decoded_len);
    assert_string_equal(mine, crc);
    g_free(mine);
    chunked_result_clear(&r);
    chunked_result_clear(&r); /* twice is harmless */
    g_free(b);
    g_free(crc);
    g_free(src);
}

static void test_no_trailers(void **state)
{
    static const struct {
        const char *body;
        size_t len;
        const char *decoded;
    } ok[] = {
        {LIT("0\r\n\r\n"), ""},
        {LIT("000\r\n\r\n"), ""},
        {LIT("5\r\nhello\r\n0\r\n\r\n"), "hello"},
        {LIT("0005\r\nhello\r\n0\r\n\r\n"), "hello"},
        {LIT("1\r\n\0\r\n0\r\n\r\n"), ""}, /* one NUL byte: checked below */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
        chunked_result r;
        char err[256];
        GBytes *d;
        if (decode(ok[i].body, ok[i].len, &r, err, sizeof err, &d) != 0)
            fail_msg("case %zu refused: %s", i, err);
        size_t want = i == 4 ? 1 : strlen(ok[i].decoded);
        assert_int_equal(g_bytes_get_size(d), want);
        assert_memory_equal(g_bytes_get_data(d, NULL), i == 4 ? "\0" : ok[i].decoded, want);
        assert_int_equal(r.ntrailers, 0);
        assert_null(chunked_trailer_get(&r, "x-amz-checksum-crc32"));
        g_bytes_unref(d);
        chunked_result_clear(&r);
    }
}

/* ---- malformed ---------------------------------------------------------- */

static const struct {
    const char *what;
    const char *body;
    size_t len;
    const char *why; /* in the message: the right check refused it */
} bad[] = {
    {"empty body", LIT(""), "final zero-size chunk"},
    {"no final chunk", LIT("6\r\nhello \r\n"), "final zero-size chunk"},
    {"no final chunk after two", LIT("1\r\na\r\n1\r\nb\r\n"), "final zero-size chunk"},
    {"bad hex", LIT("g\r\nhello \r\n0\r\n\r\n"), "hex chunk size"},
    {"no size", LIT("\r\nhello\r\n0\r\n\r\n"), "hex chunk size"},
    {"negative size", LIT("-1\r\na\r\n0\r\n\r\n"), "hex chunk size"},
    {"0x prefix", LIT("0x5\r\nhello\r\n0\r\n\r\n"), "not ended by CRLF"},
    {"space before size", LIT(" 5\r\nhello\r\n0\r\n\r\n"), "hex chunk size"},
    {"space after size", LIT("5 \r\nhello\r\n0\r\n\r\n"), "not ended by CRLF"},
    {"NUL after size", LIT("5\0\r\nhello\r\n0\r\n\r\n"), "not ended by CRLF"},
    {"size too big by one", LIT("6\r\nhello\r\n0\r\n\r\n"), "data not followed by CRLF"},
    {"size too small by one", LIT("4\r\nhello\r\n0\r\n\r\n"), "data not followed by CRLF"},
    {"size past the end", LIT("ff\r\nhello\r\n0\r\n\r\n"), "past the end"},
    {"size 2^64-1", LIT("ffffffffffffffff\r\nhello\r\n0\r\n\r\n"), "past the end"},
    {"size wraps to 5 in 64 bits", LIT("10000000000000005\r\nhello\r\n0\r\n\r\n"), "past the end"},
    {"17 zero digits", LIT("00000000000000000\r\n\r\n"), "more than 16 hex digits"},
    {"size 7fffffff", LIT("7fffffff\r\nhello\r\n0\r\n\r\n"), "past the end"},
    {"bare LF after size", LIT("5\nhello\r\n0\r\n\r\n"), "not ended by CRLF"},
    {"bare CR after size", LIT("5\rhello\r\n0\r\n\r\n"), "not ended by CRLF"},
    {"LF-only framing", LIT("5\nhello\n0\n\n"), "not ended by CRLF"},
    {"no CRLF after data", LIT("5\r\nhello0\r\n\r\n"), "data not followed by CRLF"},
    {"LF after data", LIT("5\r\nhello\n0\r\n\r\n"), "data not followed by CRLF"},
    {"data cut short", LIT("5\r\nhel"), "past the end"},
    {"CR then end", LIT("5\r\nhello\r"), "data not followed by CRLF"},
    {"final chunk without CRLF", LIT("0"), "cut short"},
    {"final chunk then end", LIT("5\r\nhello\r\n0\r\n"), "empty line"},
    {"final chunk, half CRLF", LIT("0\r\n\r"), "trailer line not ended"},
    {"trailer without blank line", LIT("0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n"), "empty line"},
    {"trailer cut mid-line", LIT("0\r\nx-amz-checksum-crc32:DUoRhQ=="), "trailer line not ended"},
    {"trailer with bare LF", LIT("0\r\nx-amz-checksum-crc32:DUoRhQ==\n\r\n"),
     "trailer line not ended"},
    {"trailer with bare CR", LIT("0\r\nx-amz-checksum-crc32:DUo\rRhQ==\r\n\r\n"),
     "trailer line not ended"},
    {"trailer without colon", LIT("0\r\nx-amz-checksum-crc32 DUoRhQ==\r\n\r\n"), "name:value"},
    {"trailer with empty name", LIT("0\r\n:DUoRhQ==\r\n\r\n"), "name:value"},
    {"trailer with empty value", LIT("0\r\nx-amz-checksum-crc32:\r\n\r\n"), "empty value"},
    {"trailer with blank value", LIT("0\r\nx-amz-checksum-crc32:  \r\n\r\n"), "empty value"},
    {"space in trailer name", LIT("0\r\nx-amz checksum:abc\r\n\r\n"), "name:value"},
    {"space before colon", LIT("0\r\nx-amz-checksum-crc32 :DUoRhQ==\r\n\r\n"), "name:value"},
    {"obs-fold continuation", LIT("0\r\nx-amz-checksum-crc32:DUoR\r\n hQ==\r\n\r\n"), "name:value"},
    {"control char in value", LIT("0\r\nx-amz-checksum-crc32:DUo\x01RhQ==\r\n\r\n"),
     "control character"},
    {"NUL in value", LIT("0\r\nx-amz-checksum-crc32:DUo\0RhQ==\r\n\r\n"), "control character"},
    {"DEL in value", LIT("0\r\nx-amz-checksum-crc32:DUo\x7fRhQ==\r\n\r\n"), "control character"},
    {"NUL in name", LIT("0\r\nx-amz\0:DUoRhQ==\r\n\r\n"), "name:value"},
    {"repeated trailer",
     LIT("0\r\nx-amz-checksum-crc32:DUoRhQ==\r\nX-Amz-Checksum-Crc32:DUoRhQ==\r\n\r\n"),
     "repeated"},
    {"bytes after the end", LIT("0\r\n\r\ngarbage"), "after the end"},
    {"extra CRLF after the end", LIT("0\r\n\r\n\r\n"), "after the end"},
    {"second body after the end", LIT("0\r\n\r\n0\r\n\r\n"), "after the end"},
    {"unknown extension", LIT("5;foo=bar\r\nhello\r\n0\r\n\r\n"), "unknown chunk extension"},
    {"empty extension", LIT("5;\r\nhello\r\n0\r\n\r\n"), "unknown chunk extension"},
    {"signature with no value", LIT("5;chunk-signature=\r\nhello\r\n0\r\n\r\n"),
     "malformed chunk-signature"},
    {"short signature", LIT("5;chunk-signature=abc\r\nhello\r\n0\r\n\r\n"),
     "malformed chunk-signature"},
    {"63-digit signature",
     LIT("5;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a28864\r\n"
         "hello\r\n0;chunk-signature=" SIG_C "\r\n\r\n"), "malformed chunk-signature"},
    {"65-digit signature",
     LIT("5;chunk-signature=" SIG_A "0\r\nhello\r\n0;chunk-signature=" SIG_C "\r\n\r\n"),
     "malformed chunk-signature"},
    {"non-hex signature",
     LIT("5;chunk-signature=zd80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"
         "hello\r\n0;chunk-signature=" SIG_C "\r\n\r\n"), "malformed chunk-signature"},
    {"space before signature",
     LIT("5; chunk-signature=" SIG_A "\r\nhello\r\n0;chunk-signature=" SIG_C "\r\n\r\n"),
     "unknown chunk extension"},
    {"two extensions",
     LIT("5;chunk-signature=" SIG_A ";x=y\r\nhello\r\n0;chunk-signature=" SIG_C "\r\n\r\n"),
     "malformed chunk-signature"},
    {"all-star SigV4a signature",
     LIT("5;chunk-signature="
         "****************************************************************************************"
         "********************************************************\r\nhello\r\n0\r\n\r\n"),
     "malformed chunk-signature"},
    {"SigV4a signature one short",
     LIT("5;chunk-signature="
         "3045022100b9c5b3c1e2f0a8d7e6c5b4a392817161504f3e2d1c0b0a99887766554433221102"
         "2041d5c8b7a6958473625140f3e2d1c0b0a9988776655443322110ffeedd*******"
         "\r\nhello\r\n0;chunk-signature=" SIG_C "\r\n\r\n"), "malformed chunk-signature"},
    {"SigV4a signature with star inside",
     LIT("5;chunk-signature="
         "3045022100b9c5b3c1e2f0a8d7e6c5b4a392817161504f3e2d1c0b0a99887766554433221102"
         "2041d5c8b7a6958473625140f3e2d1c0b0a9988776655443322110ffeedd*******0"
         "\r\nhello\r\n0;chunk-signature=" SIG_C "\r\n\r\n"), "malformed chunk-signature"},
    {"signed then unsigned chunk",
     LIT("5;chunk-signature=" SIG_A "\r\nhello\r\n0\r\n\r\n"), "mixed"},
    {"unsigned then signed chunk",
     LIT("5\r\nhello\r\n0;chunk-signature=" SIG_C "\r\n\r\n"), "mixed"},
    {"trailer signature on unsigned chunks",
     LIT("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\nx-amz-trailer-signature:" SIG_T
         "\r\n\r\n"), "unsigned chunks"},
    {"signed chunks, unsigned trailer",
     LIT("5;chunk-signature=" SIG_A "\r\nhello\r\n0;chunk-signature=" SIG_C
         "\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"), "carry no x-amz-trailer-signature"},
    {"trailer after the trailer signature",
     LIT("0;chunk-signature=" SIG_C "\r\nx-amz-trailer-signature:" SIG_T
         "\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"), "follows x-amz-trailer-signature"},
    {"malformed trailer signature",
     LIT("0;chunk-signature=" SIG_C "\r\nx-amz-checksum-crc32:AAAAAA==\r\n"
         "x-amz-trailer-signature:xyz\r\n\r\n"), "malformed x-amz-trailer-signature"},
    {"two trailer signatures",
     LIT("0;chunk-signature=" SIG_C "\r\nx-amz-trailer-signature:" SIG_T
         "\r\nx-amz-trailer-signature:" SIG_T "\r\n\r\n"), "follows x-amz-trailer-signature"},
    {"junk instead of CRLF after data", LIT("5\r\nhelloXX0\r\n\r\n"), "data not followed by CRLF"},
    {"HTTP chunk left on top (transfer-encoding not removed)",
     LIT("1f\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n\r\n0\r\n\r\n"), "final zero-size chunk"},
};

static void test_malformed(void **state)
{
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        chunked_result r;
        char err[256] = "";
        memset(&r, 0x5a, sizeof r); /* decode must reset it even on failure */
        if (decode(bad[i].body, bad[i].len, &r, err, sizeof err, NULL) == 0)
            fail_msg("accepted: %s", bad[i].what);
        if (!strstr(err, bad[i].why))
            fail_msg("%s: refused for another reason: %s", bad[i].what, err);
        assert_int_equal(r.ntrailers, 0);
        assert_null(r.trailers);
        assert_int_equal(r.decoded_len, 0);
        chunked_result_clear(&r);
    }
}

static void test_too_many_and_too_long_trailers(void **state)
{
    chunked_result r;
    char err[256];

    GString *s = g_string_new("0\r\n");
    for (int i = 0; i < 16; i++)
        g_string_append_printf(s, "x-t-%d:v\r\n", i);
    g_string_append(s, "\r\n");
    assert_int_equal(decode(s->str, s->len, &r, err, sizeof err, NULL), 0);
    assert_int_equal(r.ntrailers, 16);
    assert_string_equal(chunked_trailer_get(&r, "x-t-15"), "v");
    chunked_result_clear(&r);

    g_string_truncate(s, s->len - 2);
    g_string_append(s, "x-t-16:v\r\n\r\n");
    assert_int_equal(decode(s->str, s->len, &r, err, sizeof err, NULL), -1);
    assert_null(r.trailers);
    assert_non_null(strstr(err, "too many"));

    g_string_assign(s, "0\r\nx-long:");
    for (int i = 0; i < 5000; i++)
        g_string_append_c(s, 'v');
    g_string_append(s, "\r\n\r\n");
    assert_int_equal(decode(s->str, s->len, &r, err, sizeof err, NULL), -1);
    assert_non_null(strstr(err, "not ended by CRLF"));
    g_string_free(s, TRUE);
}

/* Every single-byte change of a valid body either decodes to something no
 * longer than the body or is refused: never a crash, never an overread (the
 * sanitizer build is the judge). */
static void test_mutations_never_crash(void **state)
{
    static const unsigned char subst[] = {'\0', '\r', '\n', '0', '1', 'f', 'F', ';', ':', ' ', 0xff};
    GString *signed_body = g_string_new("5;chunk-signature=" SIG_A "\r\nhello\r\n"
                                        "0;chunk-signature=" SIG_C "\r\n"
                                        "x-amz-checksum-crc32:NhCmhg==\r\n"
                                        "x-amz-trailer-signature:" SIG_T "\r\n\r\n");
    const char *bodies[] = {real[1].body, real[6].body, signed_body->str};
    size_t lens[] = {real[1].len, real[6].len, signed_body->len};
    size_t accepted = 0, refused = 0;
    for (size_t k = 0; k < G_N_ELEMENTS(bodies); k++) {
        for (size_t at = 0; at < lens[k]; at++) {
            for (size_t j = 0; j < sizeof subst; j++) {
                char *b = dup_exact(bodies[k], lens[k]);
                b[at] = (char)subst[j];
                chunked_result r;
                char err[64];
                if (chunked_decode(b, lens[k], &r, err, sizeof err) == 0) {
                    assert_true(r.decoded_len <= lens[k]);
                    accepted++;
                } else {
                    refused++;
                }
                chunked_result_clear(&r);
                g_free(b);
            }
        }
    }
    /* most mutations break the framing; a few only change data or a value */
    assert_true(refused > accepted);
    assert_true(accepted > 0);
    g_string_free(signed_body, TRUE);
}

static void test_random_garbage(void **state)
{
    GRand *rnd = g_rand_new_with_seed(1234);
    static const char alphabet[] = "0123456789abcdefABCDEF;:=\r\n \t-xz";
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = (size_t)g_rand_int_range(rnd, 0, 64);
        char *b = g_malloc(len ? len : 1);
        for (size_t i = 0; i < len; i++)
            b[i] = alphabet[g_rand_int_range(rnd, 0, (gint32)(sizeof alphabet - 1))];
        chunked_result r;
        if (chunked_decode(b, len, &r, NULL, 0) == 0)
            assert_true(r.decoded_len <= len);
        chunked_result_clear(&r);
        g_free(b);
    }
    g_rand_free(rnd);
}

/* The message buffer is optional and never overrun. */
static void test_error_buffer(void **state)
{
    chunked_result r;
    char small[8];
    memset(small, 'x', sizeof small);
    assert_int_equal(decode(LIT("zz"), &r, NULL, 0, NULL), -1);
    assert_int_equal(decode(LIT("zz"), &r, small, sizeof small, NULL), -1);
    assert_int_equal(small[sizeof small - 1], '\0');
    assert_true(strlen(small) == sizeof small - 1);

    char err[256];
    assert_int_equal(decode(LIT("5\r\nhello\r\n"), &r, err, sizeof err, NULL), -1);
    assert_non_null(strstr(err, "final"));
    assert_int_equal(decode(LIT("ff\r\nhello\r\n0\r\n\r\n"), &r, err, sizeof err, NULL), -1);
    assert_non_null(strstr(err, "past the end"));
}

/* ---- detection ---------------------------------------------------------- */

static bool is_chunked(const char *ce, const char *sha)
{
    http_header h[2];
    size_t n = 0;
    if (ce)
        h[n++] = (http_header){.name = "content-encoding", .value = (char *)ce};
    if (sha)
        h[n++] = (http_header){.name = "x-amz-content-sha256", .value = (char *)sha};
    http_request req = {.method = "PUT", .path = "/b/k", .query = "", .host = "",
                        .headers = h, .nheaders = n, .body = "", .body_len = 0};
    return chunked_is_aws_chunked(&req);
}

static void test_is_aws_chunked(void **state)
{
    assert_true(is_chunked("aws-chunked", NULL));
    assert_true(is_chunked("AWS-Chunked", NULL));
    assert_true(is_chunked("gzip, aws-chunked", NULL));
    assert_true(is_chunked("aws-chunked,gzip", NULL));
    assert_true(is_chunked(NULL, "STREAMING-UNSIGNED-PAYLOAD-TRAILER"));
    assert_true(is_chunked(NULL, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
    assert_true(is_chunked("gzip", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"));
    assert_false(is_chunked(NULL, NULL));
    assert_false(is_chunked("gzip", NULL));
    assert_false(is_chunked("aws-chunkedx", NULL));
    assert_false(is_chunked("not-aws-chunked", NULL));
    assert_false(is_chunked("", "UNSIGNED-PAYLOAD"));
    assert_false(is_chunked(NULL, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

static void test_decode_as_modes(void **state)
{
    chunked_result r;
    char err[256];
    /* not a streaming value: plain decoding */
    assert_int_equal(decode(LIT("5\r\nhello\r\n0\r\n\r\n"), &r, err, sizeof err, NULL), 0);
    char *b = dup_exact(LIT("5\r\nhello\r\n0\r\n\r\n"));
    assert_int_equal(chunked_decode_as(b, 15, NULL, &r, err, sizeof err), 0);
    g_free(b);
    b = dup_exact(LIT("5\r\nhello\r\n0\r\n\r\n"));
    assert_int_equal(chunked_decode_as(b, 15, "UNSIGNED-PAYLOAD", &r, err, sizeof err), 0);
    g_free(b);
    b = dup_exact(LIT("5\r\nhello\r\n0\r\n\r\n"));
    assert_int_equal(
        chunked_decode_as(b, 15, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "chunk-signature"));
    g_free(b);
    /* signed trailer form without its trailer signature */
    static const char st[] =
        "5;chunk-signature=" SIG_A "\r\nhello\r\n0;chunk-signature=" SIG_C "\r\n\r\n";
    b = dup_exact(st, sizeof st - 1);
    assert_int_equal(chunked_decode_as(b, sizeof st - 1, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
                                       &r, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "x-amz-trailer-signature"));
    g_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_bodies),
        cmocka_unit_test(test_truncations_refused),
        cmocka_unit_test(test_signed_chunks),
        cmocka_unit_test(test_signed_trailer),
        cmocka_unit_test(test_sigv4a_signatures),
        cmocka_unit_test(test_many_chunks_in_place),
        cmocka_unit_test(test_no_trailers),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_too_many_and_too_long_trailers),
        cmocka_unit_test(test_mutations_never_crash),
        cmocka_unit_test(test_random_garbage),
        cmocka_unit_test(test_error_buffer),
        cmocka_unit_test(test_is_aws_chunked),
        cmocka_unit_test(test_decode_as_modes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
