/* The S3 version index (store.c) and version ids (version.c): the null
 * version before and after versioning is turned on, Enabled and Suspended
 * writes, delete markers, deleting a version brings the next one back,
 * listing seeks over every version; ids round-trip and are told apart from
 * malformed ones; ListObjectVersions through the pipeline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "services/s3/restore.h"
#include "services/s3/store.h"
#include "services/s3/version.h"
#include "test_s3_call.h"
#include "wire/restxml.h"

static s3_object *obj(s3_bucket *b, const char *key, const char *body)
{
    static const unsigned char md5[16];
    s3_blob *blob = s3_blob_copy(body, strlen(body));
    s3_object *o = s3_object_new(key, blob, NULL, 1000, md5, 0);
    s3_blob_unref(blob);
    s3_object_put(b, o);
    return o;
}

/* The object's bytes as a string (a blob has no terminating NUL). */
static void assert_body(const s3_object *o, const char *want)
{
    assert_non_null(o);
    assert_int_equal(o->blob->len, strlen(want));
    assert_memory_equal(o->blob->data, want, strlen(want));
}

/* Every entry from the seek to the end, "key:body" or "key:-" for a marker,
 * '*' after the null version. */
static char *walk(s3_bucket *b, const char *key, uint64_t vseq)
{
    GString *g = g_string_new(NULL);
    pmap_iter it;
    for (const s3_object *v = s3_version_seek(b, &it, key, vseq); v; v = pmap_next(&it)) {
        g_string_append_printf(g, "%s%s:%.*s%s", g->len ? " " : "", v->key,
                               v->blob ? (int)v->blob->len : 1, v->blob ? v->blob->data : "-",
                               (v->vflags & S3_V_NULL) ? "*" : "");
    }
    return g_string_free(g, FALSE);
}

static void assert_walk(s3_bucket *b, const char *key, uint64_t vseq, const char *want)
{
    char *got = walk(b, key, vseq);
    assert_string_equal(got, want);
    g_free(got);
}

static void null_version_then_versions(void **unused)
{
    s3_state *st = s3_state_new(S3_RESTORE_DEFAULT_MS);
    s3_bucket *b = s3_bucket_add(st, "idx", "us-east-1", "123456789012", 0);
    obj(b, "k", "a");
    obj(b, "k", "b"); /* unversioned: replaces */
    assert_false(s3_versioned(b));
    assert_int_equal(pmap_count(&b->versions), 0);
    assert_body(s3_object_get(b, "k"), "b");
    assert_body(s3_version_get(b, "k", 0), "b");
    assert_walk(b, "", UINT64_MAX, "k:b*");

    s3_versioning_set(b, S3_VERSIONING_ENABLED);
    assert_true(s3_versioned(b));
    assert_int_equal(pmap_count(&b->versions), 1);
    s3_object *v1 = obj(b, "k", "c");
    s3_object *v2 = obj(b, "k", "d");
    obj(b, "j", "e");
    assert_true(v2->vseq > v1->vseq);
    assert_false(v1->vflags & S3_V_NULL);
    assert_body(s3_object_get(b, "k"), "d");
    assert_walk(b, "", UINT64_MAX, "j:e k:d k:c k:b*");
    assert_ptr_equal(s3_version_get(b, "k", v1->vseq), v1);
    assert_body(s3_version_get(b, "k", 0), "b");
    /* seeks: within a key, after a key, from a key */
    assert_walk(b, "k", v2->vseq, "k:c k:b*");
    assert_walk(b, "j", 0, "k:d k:c k:b*");
    assert_walk(b, "k", 0, "");
    assert_walk(b, "jj", UINT64_MAX, "k:d k:c k:b*");

    /* a marker hides the key; deleting it brings the version back */
    s3_object *m = s3_object_remove(b, "k", 2000);
    assert_non_null(m);
    assert_true(m->vflags & S3_V_MARKER);
    assert_null(s3_object_get(b, "k"));
    assert_ptr_equal(s3_version_latest(b, "k"), m);
    assert_walk(b, "k", UINT64_MAX, "k:- k:d k:c k:b*");
    s3_version_delete(b, m);
    assert_ptr_equal(s3_object_get(b, "k"), v2);
    /* deleting the current version makes the next one current */
    s3_version_delete(b, v2);
    assert_ptr_equal(s3_object_get(b, "k"), v1);
    /* and the object delete of the unversioned API drops the current version */
    assert_true(s3_object_delete(b, "k"));
    assert_body(s3_object_get(b, "k"), "b");
    s3_state_free(st);
}

static void suspended_writes_share_the_null_version(void **unused)
{
    s3_state *st = s3_state_new(S3_RESTORE_DEFAULT_MS);
    s3_bucket *b = s3_bucket_add(st, "sus", "us-east-1", "123456789012", 0);
    s3_versioning_set(b, S3_VERSIONING_ENABLED);
    obj(b, "k", "a");
    s3_versioning_set(b, S3_VERSIONING_SUSPENDED);
    obj(b, "k", "b");
    obj(b, "k", "c");
    assert_walk(b, "", UINT64_MAX, "k:c* k:a");
    s3_object *m = s3_object_remove(b, "k", 0);
    assert_true(m->vflags & S3_V_NULL);
    assert_walk(b, "", UINT64_MAX, "k:-* k:a");
    assert_null(s3_object_get(b, "k"));
    /* a key never seen gets a marker too, and nothing else changes */
    assert_non_null(s3_object_remove(b, "new", 0));
    assert_walk(b, "", UINT64_MAX, "k:-* k:a new:-*");
    s3_state_free(st);
}

static void version_ids(void **unused)
{
    s3_object o = {.vflags = 0};
    char id[S3_VERSION_ID_LEN + 1], other[S3_VERSION_ID_LEN + 1];
    uint64_t seqs[] = {1, 2, 63, 64, 1000000, UINT64_MAX - 1, UINT64_MAX};
    for (size_t i = 0; i < G_N_ELEMENTS(seqs); i++) {
        o.vseq = seqs[i];
        s3_version_id(&o, id);
        assert_int_equal(strlen(id), S3_VERSION_ID_LEN);
        assert_int_equal(strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"),
                         S3_VERSION_ID_LEN);
        uint64_t back;
        assert_int_equal(s3_version_parse(id, &back), S3_VID_OK);
        assert_true(back == seqs[i]);
    }
    o.vseq = 1;
    s3_version_id(&o, id);
    o.vseq = 2;
    s3_version_id(&o, other);
    assert_true(strncmp(id, other, 8) != 0); /* successive ids do not look alike */
    o.vflags = S3_V_NULL;
    s3_version_id(&o, id);
    assert_string_equal(id, "null");
    uint64_t v = 7;
    assert_int_equal(s3_version_parse("null", &v), S3_VID_OK);
    assert_true(v == 0);
    /* the right shape but not ours, or one character off: no such version */
    assert_int_equal(s3_version_parse("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &v), S3_VID_UNKNOWN);
    o.vflags = 0;
    o.vseq = 42;
    s3_version_id(&o, id);
    id[3] = id[3] == 'x' ? 'y' : 'x';
    assert_int_equal(s3_version_parse(id, &v), S3_VID_UNKNOWN);
    const char *bad[] = {"", "nul", "NULL", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        assert_int_equal(s3_version_parse(bad[i], &v), S3_VID_MALFORMED);
}

/* Through the pipeline: one key with many versions pages by one with
 * version-id markers, each version once, newest first. */
static void list_versions_pages(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/pages", NULL, NULL);
    s3_ok(s, "PUT", "/pages", "versioning",
          "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>");
    for (int i = 0; i < 5; i++) {
        char body[2] = {(char)('0' + i), 0};
        s3_ok(s, "PUT", "/pages/k", NULL, body);
    }
    s3_ok(s, "PUT", "/pages/l", NULL, "x");
    GString *seen = g_string_new(NULL);
    char *km = NULL, *vm = NULL;
    for (int page = 0; page < 10; page++) {
        char *q = km ? g_strdup_printf("versions&max-keys=1&key-marker=%s&version-id-marker=%s", km, vm)
                     : g_strdup("versions&max-keys=1");
        s3r r = s3_call(s, "GET", "/pages", q, NULL, 0, NULL);
        assert_int_equal(r.status, 200);
        char *size = s3_xml_text(r.body, "Size");
        char *latest = s3_xml_text(r.body, "IsLatest");
        g_string_append_printf(seen, "%s%s ", size, strcmp(latest, "true") == 0 ? "L" : "");
        g_free(size);
        g_free(latest);
        char *trunc = s3_xml_text(r.body, "IsTruncated");
        bool more = strcmp(trunc, "true") == 0;
        g_free(trunc);
        g_free(km);
        g_free(vm);
        km = more ? s3_xml_text(r.body, "NextKeyMarker") : NULL;
        vm = more ? s3_xml_text(r.body, "NextVersionIdMarker") : NULL;
        s3r_free(&r);
        g_free(q);
        if (!more)
            break;
    }
    /* five versions of k (sizes all 1), the newest first and latest, then l */
    assert_string_equal(seen->str, "1L 1 1 1 1 1L ");
    g_string_free(seen, TRUE);
    /* a marker without a key marker, and a malformed one */
    s3r r = s3_call(s, "GET", "/pages", "versions&version-id-marker=null", NULL, 0, NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    r = s3_call(s, "GET", "/pages", "versions&key-marker=k&version-id-marker=%00", NULL, 0, NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
}

/* The page's <Version> / <DeleteMarker> elements in document order, as
 * "V" / "D" each followed by its <Key>. */
static char *entry_order(const char *xml)
{
    GString *g = g_string_new(NULL);
    for (const char *p = xml; (p = strstr(p, "<")); p++) {
        bool v = g_str_has_prefix(p, "<Version>"), d = g_str_has_prefix(p, "<DeleteMarker>");
        if (!v && !d)
            continue;
        char *key = s3_xml_text(p, "Key");
        g_string_append_printf(g, "%s%c%s", g->len ? " " : "", v ? 'V' : 'D', key);
        g_free(key);
    }
    return g_string_free(g, FALSE);
}

/* Versions and delete markers are one listing: by key, then newest first,
 * markers and versions mixed as they were written (not all Versions
 * first), and a page cut in the middle keeps that order. */
static void list_versions_interleaved(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/mixed", NULL, NULL);
    s3_ok(s, "PUT", "/mixed", "versioning",
          "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>");
    s3_ok(s, "PUT", "/mixed/a", NULL, "1");
    s3_ok(s, "DELETE", "/mixed/a", NULL, NULL);
    s3_ok(s, "PUT", "/mixed/a", NULL, "2");
    s3_ok(s, "DELETE", "/mixed/b", NULL, NULL);
    s3_ok(s, "PUT", "/mixed/c", NULL, "3");
    s3_ok(s, "DELETE", "/mixed/c", NULL, NULL);
    s3r r = s3_call(s, "GET", "/mixed", "versions", NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    char *got = entry_order(r.body);
    assert_string_equal(got, "Va Da Va Db Dc Vc");
    g_free(got);
    s3r_free(&r);
    r = s3_call(s, "GET", "/mixed", "versions&max-keys=4", NULL, 0, NULL);
    got = entry_order(r.body);
    assert_string_equal(got, "Va Da Va Db");
    g_free(got);
    /* the listing position is the serializer's, never the client's */
    assert_null(strstr(r.body, RESTXML_ORDER_KEY));
    s3r_free(&r);
}

/* Fixtures: a versioned bucket's generated keys are written as versions,
 * and the dump names the versioning state. */
static void fixture_versions(void **st)
{
    server *s = *st;
    char err[256];
    const char *fx = "{\"s3\": {\"buckets\": [{\"name\": \"fx-ver\", \"versioning\": \"Enabled\", \"objects\": ["
                     "{\"generate\": {\"prefix\": \"k\", \"count\": 2, \"size\": 1, \"versions\": 3}}]}]}}";
    assert_int_equal(mockaws_load_fixtures_json(s, fx, err, sizeof err), 0);
    s3r r = s3_call(s, "GET", "/fx-ver", "versions", NULL, 0, NULL);
    assert_int_equal(s3_count(r.body, "<Version>"), 6);
    assert_int_equal(s3_count(r.body, "<IsLatest>true</IsLatest>"), 2);
    s3r_free(&r);
    r = s3_call(s, "GET", "/fx-ver", "versioning", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<Status>Enabled</Status>"));
    s3r_free(&r);
    char *dump = mockaws_state_json(s);
    assert_non_null(strstr(dump, "\"versioning\":\"Enabled\""));
    free(dump);
    const char *bad[] = {
        "{\"s3\": {\"buckets\": [{\"name\": \"fx-bad\", \"versioning\": \"enabled\"}]}}",
        "{\"s3\": {\"buckets\": [{\"name\": \"fx-bad\", \"objects\": [{\"generate\": {\"count\": 2, "
        "\"versions\": 0}}]}]}}",
        "{\"s3\": {\"buckets\": [{\"name\": \"fx-bad\", \"objects\": [{\"generate\": {\"count\": 100000, "
        "\"versions\": 100000}}]}]}}",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        assert_int_not_equal(mockaws_load_fixtures_json(s, bad[i], err, sizeof err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_version_then_versions),
        cmocka_unit_test(suspended_writes_share_the_null_version),
        cmocka_unit_test(version_ids),
        cmocka_unit_test_setup_teardown(list_versions_pages, s3_setup, s3_teardown),
        cmocka_unit_test_setup_teardown(list_versions_interleaved, s3_setup, s3_teardown),
        cmocka_unit_test_setup_teardown(fixture_versions, s3_setup, s3_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
