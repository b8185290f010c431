/* ListObjectsV2 and ListObjects: order, prefixes and delimiters, pages and
 * their tokens (stateless, tamper-evident), encoding-type=url, v1 markers;
 * and the helpers underneath: tokens, seeks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "services/s3/store.h"
#include "services/s3/token.h"
#include "test_s3_call.h"

static void put_keys(server *s, const char *bucket, const char *const *keys, size_t n)
{
    char *b = g_strdup_printf("/%s", bucket);
    s3_ok(s, "PUT", b, NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        GString *p = g_string_new(b);
        g_string_append_c(p, '/');
        http_percent_encode(p, keys[i], strlen(keys[i]), true);
        s3_ok(s, "PUT", p->str, NULL, keys[i]);
        g_string_free(p, TRUE);
    }
    g_free(b);
}

/* Every <Key> of a body, in order, joined by '|'. */
static char *keys_of(const char *body, const char *tag)
{
    GString *out = g_string_new(NULL);
    char *open = g_strdup_printf("<%s>", tag);
    bool first = true;
    for (const char *p = body; (p = strstr(p, open));) {
        p += strlen(open);
        if (!first)
            g_string_append_c(out, '|');
        first = false;
        g_string_append_len(out, p, (gssize)strcspn(p, "<"));
    }
    g_free(open);
    return g_string_free(out, FALSE);
}

static void order_prefix_delimiter(void **st)
{
    server *s = *st;
    const char *keys[] = {"b", "a/2", "a/1", "a/sub/x", "c d", "c+d", "\xc3\xa9", "z", "a", "ab/1"};
    put_keys(s, "lst", keys, 10);
    s3r r = s3_call(s, "GET", "/lst", "list-type=2", NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    char *k = keys_of(r.body, "Key");
    assert_string_equal(k, "a|a/1|a/2|a/sub/x|ab/1|b|c d|c+d|z|\xc3\xa9"); /* UTF-8 byte order */
    g_free(k);
    assert_non_null(strstr(r.body, "<KeyCount>10</KeyCount>"));
    assert_non_null(strstr(r.body, "<IsTruncated>false</IsTruncated>"));
    assert_non_null(strstr(r.body, "<MaxKeys>1000</MaxKeys>"));
    assert_null(strstr(r.body, "<Owner>"));
    assert_null(strstr(r.body, "NextContinuationToken"));
    s3r_free(&r);

    r = s3_call(s, "GET", "/lst", "list-type=2&delimiter=%2F", NULL, 0, NULL);
    k = keys_of(r.body, "Key");
    assert_string_equal(k, "a|b|c d|c+d|z|\xc3\xa9");
    g_free(k);
    k = keys_of(r.body, "Prefix");
    assert_string_equal(k, "|a/|ab/"); /* the request's empty Prefix, then the common prefixes */
    g_free(k);
    assert_non_null(strstr(r.body, "<KeyCount>8</KeyCount>"));
    s3r_free(&r);

    r = s3_call(s, "GET", "/lst", "list-type=2&prefix=a%2F&delimiter=%2F", NULL, 0, NULL);
    k = keys_of(r.body, "Key");
    assert_string_equal(k, "a/1|a/2");
    g_free(k);
    assert_non_null(strstr(r.body, "<CommonPrefixes><Prefix>a/sub/</Prefix></CommonPrefixes>"));
    s3r_free(&r);

    /* fetch-owner, start-after */
    r = s3_call(s, "GET", "/lst", "list-type=2&fetch-owner=true&start-after=c%2Bd&max-keys=1", NULL, 0, NULL);
    k = keys_of(r.body, "Key");
    assert_string_equal(k, "z");
    g_free(k);
    assert_non_null(strstr(r.body, "<Owner><ID>"));
    assert_null(strstr(r.body, "DisplayName")); /* S3 stopped sending it */
    assert_non_null(strstr(r.body, "<StartAfter>c+d</StartAfter>"));
    assert_non_null(strstr(r.body, "<IsTruncated>true</IsTruncated>"));
    s3r_free(&r);

    /* max-keys: 0, over 1000, negative */
    r = s3_call(s, "GET", "/lst", "list-type=2&max-keys=0", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<KeyCount>0</KeyCount>"));
    assert_non_null(strstr(r.body, "<IsTruncated>false</IsTruncated>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/lst", "list-type=2&max-keys=5000", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<MaxKeys>1000</MaxKeys>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/lst", "list-type=2&max-keys=-1", NULL, 0, NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    r = s3_call(s, "GET", "/lst", "list-type=2&max-keys=abc", NULL, 0, NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
}

static void url_encoding(void **st)
{
    server *s = *st;
    const char *keys[] = {"sp ace/x", "plus+/y", "amp&?/z", "\xc3\xbc/w"};
    put_keys(s, "enc", keys, 4);
    s3r r = s3_call(s, "GET", "/enc", "list-type=2&encoding-type=url&delimiter=%2F&start-after=a%20b", NULL, 0, NULL);
    char *k = keys_of(r.body, "Prefix");
    assert_string_equal(k, "|amp%26%3F/|plus%2B/|sp%20ace/|%C3%BC/");
    g_free(k);
    assert_non_null(strstr(r.body, "<EncodingType>url</EncodingType>"));
    assert_non_null(strstr(r.body, "<StartAfter>a%20b</StartAfter>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/enc", "list-type=2&encoding-type=url&prefix=sp%20", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<Key>sp%20ace/x</Key>"));
    assert_non_null(strstr(r.body, "<Prefix>sp%20</Prefix>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/enc", "list-type=2&prefix=plus", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<Key>plus+/y</Key>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/enc", "list-type=2&encoding-type=base64", NULL, 0, NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
}

/* Walks every page of a listing and returns the keys and prefixes seen. */
static char *walk(server *s, const char *bucket, const char *extra, int page, int *pages)
{
    GString *all = g_string_new(NULL);
    char *token = NULL;
    *pages = 0;
    char *path = g_strdup_printf("/%s", bucket);
    for (;;) {
        char *q = g_strdup_printf("list-type=2&max-keys=%d%s%s%s", page, extra, token ? "&continuation-token=" : "",
                                  token ? token : "");
        s3r r = s3_call(s, "GET", path, q, NULL, 0, NULL);
        g_free(q);
        assert_int_equal(r.status, 200);
        (*pages)++;
        char *k = keys_of(r.body, "Key");
        char *kc = s3_xml_text(r.body, "KeyCount");
        /* KeyCount counts keys and common prefixes */
        int n = s3_count(r.body, "<Key>") + s3_count(r.body, "<CommonPrefixes>");
        assert_int_equal(atoi(kc), n);
        g_free(kc);
        if (*k) {
            if (all->len)
                g_string_append_c(all, '|');
            g_string_append(all, k);
        }
        g_free(k);
        for (const char *p = r.body; (p = strstr(p, "<CommonPrefixes><Prefix>"));) {
            p += strlen("<CommonPrefixes><Prefix>");
            g_string_append(all, all->len ? "|P:" : "P:");
            g_string_append_len(all, p, (gssize)strcspn(p, "<"));
        }
        g_free(token);
        token = s3_xml_text(r.body, "NextContinuationToken");
        bool truncated = strstr(r.body, "<IsTruncated>true</IsTruncated>") != NULL;
        assert_int_equal(truncated, token != NULL);
        s3r_free(&r);
        if (!token)
            break;
    }
    g_free(path);
    return g_string_free(all, FALSE);
}

static void pages_and_tokens(void **st)
{
    server *s = *st;
    const char *keys[] = {"a/1", "a/2", "a/3", "b", "c/1", "c/2", "d", "e/x/1", "f"};
    put_keys(s, "pages", keys, 9);
    int pages;
    char *all = walk(s, "pages", "", 2, &pages);
    assert_string_equal(all, "a/1|a/2|a/3|b|c/1|c/2|d|e/x/1|f");
    assert_int_equal(pages, 5);
    g_free(all);
    /* one entry per page, prefixes resume past themselves */
    all = walk(s, "pages", "&delimiter=%2F", 1, &pages);
    assert_string_equal(all, "P:a/|b|P:c/|d|P:e/|f");
    assert_int_equal(pages, 6);
    g_free(all);
    /* start-after is ignored once a token is there */
    all = walk(s, "pages", "&start-after=c", 3, &pages);
    assert_string_equal(all, "c/1|c/2|d|e/x/1|f");
    g_free(all);

    /* bad tokens: garbage, tampered, another bucket's */
    s3r r = s3_call(s, "GET", "/pages", "list-type=2&max-keys=1", NULL, 0, NULL);
    char *tok = s3_xml_text(r.body, "NextContinuationToken");
    s3r_free(&r);
    assert_non_null(tok);
    const char *bad[] = {"", "%21%21%21", "AAAA", "bm90IGEgdG9rZW4gYXQgYWxs"};
    for (size_t i = 0; i < 4; i++) {
        char *q = g_strdup_printf("list-type=2&continuation-token=%s", bad[i]);
        r = s3_call(s, "GET", "/pages", q, NULL, 0, NULL);
        assert_int_equal(r.status, 400);
        assert_non_null(strstr(r.body, "<Code>InvalidArgument</Code>"));
        assert_non_null(strstr(r.body, "<Message>The continuation token provided is incorrect</Message>"));
        assert_non_null(strstr(r.body, "<ArgumentName>continuation-token</ArgumentName>"));
        s3r_free(&r);
        g_free(q);
    }
    char *tampered = g_strdup(tok);
    tampered[0] = tampered[0] == 'A' ? 'B' : 'A';
    char *q = g_strdup_printf("list-type=2&continuation-token=%s", tampered);
    r = s3_call(s, "GET", "/pages", q, NULL, 0, NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    g_free(q);
    s3_ok(s, "PUT", "/pages2", NULL, NULL);
    q = g_strdup_printf("list-type=2&continuation-token=%s", tok);
    r = s3_call(s, "GET", "/pages2", q, NULL, 0, NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    r = s3_call(s, "GET", "/pages", q, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<Key>a/2</Key>"));
    s3r_free(&r);
    g_free(q);
    g_free(tampered);
    g_free(tok);
}

static void list_v1_markers(void **st)
{
    server *s = *st;
    const char *keys[] = {"a/1", "a/2", "b", "c/1", "d"};
    put_keys(s, "ver1", keys, 5);
    s3r r = s3_call(s, "GET", "/ver1", "max-keys=2", NULL, 0, NULL);
    char *k = keys_of(r.body, "Key");
    assert_string_equal(k, "a/1|a/2");
    g_free(k);
    assert_non_null(strstr(r.body, "<IsTruncated>true</IsTruncated>"));
    assert_null(strstr(r.body, "<NextMarker>")); /* only with a delimiter */
    assert_non_null(strstr(r.body, "<Marker></Marker>"));
    assert_non_null(strstr(r.body, "<Owner><ID>")); /* v1 always names owners */
    assert_null(strstr(r.body, "DisplayName"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/ver1", "max-keys=2&marker=a%2F2", NULL, 0, NULL);
    k = keys_of(r.body, "Key");
    assert_string_equal(k, "b|c/1");
    g_free(k);
    assert_non_null(strstr(r.body, "<Marker>a/2</Marker>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/ver1", "max-keys=1&delimiter=%2F", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<NextMarker>a/</NextMarker>"));
    s3r_free(&r);
    /* a marker that is a common prefix resumes past it */
    r = s3_call(s, "GET", "/ver1", "max-keys=2&delimiter=%2F&marker=a%2F", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<Key>b</Key>"));
    assert_non_null(strstr(r.body, "<CommonPrefixes><Prefix>c/</Prefix></CommonPrefixes>"));
    assert_null(strstr(r.body, "<Prefix>a/</Prefix>"));
    assert_non_null(strstr(r.body, "<NextMarker>c/</NextMarker>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/ver1", "encoding-type=url&marker=a%2F1&delimiter=%2F", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<Marker>a/1</Marker>"));
    s3r_free(&r);
}

static void large_generated_bucket(void **st)
{
    server *s = *st;
    char err[256];
    const char *fx = "{\"s3\": {\"buckets\": [{\"name\": \"gen\", \"objects\": ["
                     "{\"generate\": {\"prefix\": \"deep/\", \"count\": 200000, \"size\": 3}},"
                     "{\"generate\": {\"prefix\": \"top\", \"count\": 12, \"size\": 1}}]}]}}";
    assert_int_equal(mockaws_load_fixtures_json(s, fx, err, sizeof err), 0);
    /* 200000 keys roll up into one prefix in one page */
    s3r r = s3_call(s, "GET", "/gen", "list-type=2&delimiter=%2F", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<CommonPrefixes><Prefix>deep/</Prefix></CommonPrefixes>"));
    assert_non_null(strstr(r.body, "<KeyCount>13</KeyCount>"));
    assert_non_null(strstr(r.body, "<Key>top00</Key>"));
    assert_non_null(strstr(r.body, "<Key>top11</Key>"));
    s3r_free(&r);
    /* a page from deep inside: keys zero-padded to the digits of count */
    r = s3_call(s, "GET", "/gen", "list-type=2&start-after=deep%2F149999&max-keys=2", NULL, 0, NULL);
    char *k = keys_of(r.body, "Key");
    assert_string_equal(k, "deep/150000|deep/150001");
    g_free(k);
    assert_non_null(strstr(r.body, "<Size>3</Size>"));
    assert_non_null(strstr(r.body, "<ETag>&quot;900150983cd24fb0d6963f7d28e17f72&quot;</ETag>")); /* md5("abc") */
    s3r_free(&r);
    r = s3_call(s, "GET", "/gen/deep/199999", NULL, NULL, 0, NULL);
    assert_string_equal(r.body, "abc");
    s3r_free(&r);
}

static void tokens_unit(void **st)
{
    unsigned char secret[S3_TOKEN_SECRET_LEN] = {1, 2, 3};
    char *t = s3_token_encode(secret, "bkt", "a/b c", 5);
    assert_null(strpbrk(t, "+/=")); /* safe in a query string */
    char *key;
    size_t len;
    assert_true(s3_token_decode(secret, "bkt", t, &key, &len));
    assert_string_equal(key, "a/b c");
    assert_int_equal(len, 5);
    g_free(key);
    assert_false(s3_token_decode(secret, "other", t, &key, &len));
    unsigned char other[S3_TOKEN_SECRET_LEN] = {9};
    assert_false(s3_token_decode(other, "bkt", t, &key, &len));
    g_free(t);
    t = s3_token_encode(secret, "bkt", "", 0);
    assert_true(s3_token_decode(secret, "bkt", t, &key, &len));
    assert_int_equal(len, 0);
    g_free(key);
    g_free(t);
}

/* The seeks over a bucket's maps, objects and versions alike. */
static void seeks_unit(void **st)
{
    s3_state *state = s3_state_new(0);
    s3_bucket *b = s3_bucket_add(state, "bkt", "us-east-1", "123456789012", 0);
    char *data;
    s3_blob *blob = s3_blob_alloc(0, &data);
    unsigned char md5[16] = {0};
    const char *keys[] = {"a", "a/", "a/x", "a/y", "a0", "b", "\xc3\xa9"};
    for (int pass = 0; pass < 2; pass++) {
        /* the second pass: every key twice more, as versions */
        for (size_t i = 0; i < 7; i++)
            s3_object_put(b, s3_object_new(keys[i], blob, NULL, 0, md5, 0));
        bool versions = pass == 1;
        pmap_iter it;
        const s3_object *o = pmap_seek(&b->objects, &it, "a/", false);
        assert_string_equal(o->key, "a/");
        assert_string_equal(((s3_object *)pmap_next(&it))->key, "a/x");
        assert_string_equal(((s3_object *)pmap_seek(&b->objects, &it, "a/", true))->key, "a/x");
        assert_string_equal(s3_seek_past_prefix(b, versions, &it, "a/", 2)->key, "a0");
        o = s3_seek_past_prefix(b, versions, &it, "b", 1);
        assert_string_equal(o->key, "\xc3\xa9");
        if (versions) /* newest first: the next is the older version of the same key */
            assert_true(((s3_object *)pmap_next(&it))->vseq < o->vseq);
        assert_null(s3_seek_past_prefix(b, versions, &it, "\xc3", 1));
        assert_null(s3_seek_past_prefix(b, versions, &it, "\xff", 1));
        s3_versioning_set(b, S3_VERSIONING_ENABLED);
        s3_object_put(b, s3_object_new("\xc3\xa9", blob, NULL, 0, md5, 0));
    }
    char *succ = s3_prefix_successor("a\xff\xff", 3);
    assert_string_equal(succ, "b");
    g_free(succ);
    assert_null(s3_prefix_successor("\xff", 1));
    s3_blob_unref(blob);
    s3_state_free(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(order_prefix_delimiter),
        cmocka_unit_test(url_encoding),
        cmocka_unit_test(pages_and_tokens),
        cmocka_unit_test(list_v1_markers),
        cmocka_unit_test(large_generated_bucket),
        cmocka_unit_test(tokens_unit),
        cmocka_unit_test(seeks_unit),
    };
    return cmocka_run_group_tests(tests, s3_setup, s3_teardown);
}
