/* S3's state_clone (issue 17): a clone shares the objects and copies the
 * rest, and from then on what either side changes the other never sees.
 *
 * One server; its S3 namespace's state is swapped between the original and
 * its clones, so that every request goes through the whole pipeline
 * against the state under test. Each change a request can make to a stored
 * object (tags, retention, legal hold, restore, overwrite, delete,
 * versions, in-place copy, object ACL) and to a bucket's small parts
 * (uploads, lifecycle, versioning) is made on one side and looked for on
 * both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "services/s3/s3.h"
#include "services/s3/restore.h"
#include "state/ns.h"
#include "test_s3_call.h"

#define BULK 5000 /* objects per bulk bucket: 10,000 in all, with the versions */
#define RESTORE_MS 1000
#define DAY_MS ((uint64_t)86400 * 1000)

static ns *s3_ns(server *s)
{
    return ns_get(s->ns, &s3_service, "", "");
}

static s3_bucket *bucket(void *state, const char *name)
{
    return g_tree_lookup(((s3_state *)state)->buckets, name);
}

/* A request whose status must be want; its answer (s3r_free it). */
static s3r call_expect(server *s, int want, const char *method, const char *path, const char *query, const char *body,
                       const char *h1, const char *v1, const char *h2, const char *v2)
{
    s3r r = s3_call(s, method, path, query, body, body ? strlen(body) : 0, h1, v1, h2, v2, NULL);
    if (r.status != want)
        fprintf(stderr, "%s %s?%s -> %d %s\n", method, path, query ? query : "", r.status, r.body);
    assert_int_equal(r.status, want);
    return r;
}

static void expect(server *s, int want, const char *method, const char *path, const char *query, const char *body,
                   const char *h1, const char *v1, const char *h2, const char *v2)
{
    s3r r = call_expect(s, want, method, path, query, body, h1, v1, h2, v2);
    s3r_free(&r);
}

static void put_bulk(s3_bucket *b, const char *body, int versions)
{
    static const unsigned char md5[16];
    s3_blob *blob = s3_blob_copy(body, strlen(body));
    char key[32];
    for (int i = 0; i < BULK / versions; i++) {
        g_snprintf(key, sizeof key, "bulk/%05d", i);
        for (int v = 0; v < versions; v++)
            s3_object_put(b, s3_object_new(key, blob, NULL, 1000, md5, 0));
    }
    s3_blob_unref(blob);
}

static char *version_id(server *s, const char *path, const char *body)
{
    s3r r = call_expect(s, 200, "PUT", path, NULL, body, NULL, NULL, NULL, NULL);
    char *id = g_strdup(s3r_header(&r, "x-amz-version-id"));
    s3r_free(&r);
    assert_non_null(id);
    return id;
}

/* What the test names across sides. */
typedef struct world {
    char *v1, *v2;   /* ver/doc's versions */
    char *upload_id; /* plain/mp's upload */
} world;

static void build(server *s, world *w)
{
    expect(s, 200, "PUT", "/plain", NULL, NULL, NULL, NULL, NULL, NULL);
    expect(s, 200, "PUT", "/ver", NULL, NULL, NULL, NULL, NULL, NULL);
    expect(s, 200, "PUT", "/ver", "versioning",
           "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>", NULL, NULL, NULL, NULL);
    expect(s, 200, "PUT", "/lock", NULL, NULL, "x-amz-bucket-object-lock-enabled", "true", NULL, NULL);
    put_bulk(bucket(s3_ns(s)->state, "plain"), "bulk", 1);
    put_bulk(bucket(s3_ns(s)->state, "ver"), "bulk", 2);

    expect(s, 200, "PUT", "/plain/tagged", NULL, "t", "x-amz-tagging", "a=1", NULL, NULL);
    expect(s, 200, "PUT", "/plain/doc", NULL, "v0", NULL, NULL, NULL, NULL);
    expect(s, 200, "PUT", "/plain/exp/x", NULL, "e", NULL, NULL, NULL, NULL);
    expect(s, 200, "PUT", "/plain", "ownershipControls",
           "<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>", NULL,
           NULL, NULL, NULL);
    expect(s, 200, "PUT", "/plain/acl", NULL, "a", "x-amz-grant-read",
           "uri=\"http://acs.amazonaws.com/groups/s3/LogDelivery\"", NULL, NULL);
    w->v1 = version_id(s, "/ver/doc", "v1");
    w->v2 = version_id(s, "/ver/doc", "v2");
    expect(s, 200, "PUT", "/lock/held", NULL, "h", NULL, NULL, NULL, NULL);
    /* an archived object being restored, and one not */
    expect(s, 200, "PUT", "/plain/cold", NULL, "c", "x-amz-storage-class", "GLACIER", NULL, NULL);
    expect(s, 202, "POST", "/plain/cold", "restore", "<RestoreRequest><Days>1</Days></RestoreRequest>", NULL, NULL,
           NULL, NULL);
    expect(s, 200, "PUT", "/plain/cold2", NULL, "c", "x-amz-storage-class", "GLACIER", NULL, NULL);
    /* an upload in progress */
    s3r r = call_expect(s, 200, "POST", "/plain/mp", "uploads", NULL, NULL, NULL, NULL, NULL);
    w->upload_id = s3_xml_text(r.body, "UploadId");
    s3r_free(&r);
    char *q = g_strdup_printf("partNumber=1&uploadId=%s", w->upload_id);
    expect(s, 200, "PUT", "/plain/mp", q, "part1", NULL, NULL, NULL, NULL);
    g_free(q);
    expect(s, 200, "PUT", "/plain", "lifecycle",
           "<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>exp/</Prefix></Filter><Status>Enabled</Status>"
           "<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>",
           NULL, NULL, NULL, NULL);
}

static void mutate(server *s, const world *w)
{
    expect(s, 200, "PUT", "/plain/tagged", "tagging",
           "<Tagging><TagSet><Tag><Key>b</Key><Value>2</Value></Tag></TagSet></Tagging>", NULL, NULL, NULL, NULL);
    expect(s, 204, "DELETE", "/plain/doc", NULL, NULL, NULL, NULL, NULL, NULL);
    expect(s, 200, "PUT", "/plain/new", NULL, "n", NULL, NULL, NULL, NULL);
    expect(s, 200, "PUT", "/plain/bulk/00007", NULL, "changed", NULL, NULL, NULL, NULL);
    expect(s, 204, "DELETE", "/plain/bulk/00008", NULL, NULL, NULL, NULL, NULL, NULL);
    expect(s, 200, "PUT", "/plain/bulk/00009", NULL, NULL, "x-amz-copy-source", "/plain/bulk/00009",
           "x-amz-storage-class", "STANDARD_IA"); /* a copy in place */
    expect(s, 200, "PUT", "/plain/acl", "acl", NULL, "x-amz-acl", "private", NULL, NULL);
    /* the current version (in objects and versions) and a noncurrent one */
    const char *tags = "<Tagging><TagSet><Tag><Key>v</Key><Value>x</Value></Tag></TagSet></Tagging>";
    expect(s, 200, "PUT", "/ver/doc", "tagging", tags, NULL, NULL, NULL, NULL);
    char *q = g_strdup_printf("tagging&versionId=%s", w->v1);
    expect(s, 200, "PUT", "/ver/doc", q, tags, NULL, NULL, NULL, NULL);
    g_free(q);
    expect(s, 200, "PUT", "/ver/doc", NULL, "v3", NULL, NULL, NULL, NULL);
    q = g_strdup_printf("versionId=%s", w->v2);
    expect(s, 204, "DELETE", "/ver/doc", q, NULL, NULL, NULL, NULL, NULL);
    g_free(q);
    expect(s, 204, "DELETE", "/ver/bulk/00003", NULL, NULL, NULL, NULL, NULL, NULL); /* a marker */
    expect(s, 200, "PUT", "/ver", "versioning",
           "<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>", NULL, NULL, NULL, NULL);
    expect(s, 200, "PUT", "/lock/held", "legal-hold", "<LegalHold><Status>ON</Status></LegalHold>", NULL, NULL,
           NULL, NULL);
    expect(s, 200, "PUT", "/lock/held", "retention",
           "<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2099-01-01T00:00:00Z</RetainUntilDate></Retention>",
           NULL, NULL, NULL, NULL);
    expect(s, 202, "POST", "/plain/cold2", "restore", "<RestoreRequest><Days>1</Days></RestoreRequest>", NULL, NULL,
           NULL, NULL);
    q = g_strdup_printf("partNumber=2&uploadId=%s", w->upload_id);
    expect(s, 200, "PUT", "/plain/mp", q, "part2", NULL, NULL, NULL, NULL);
    g_free(q);
    expect(s, 204, "DELETE", "/plain", "lifecycle", NULL, NULL, NULL, NULL, NULL);
}

/* The answer's body contains needle (or does not). */
static void body_has(server *s, int status, const char *path, const char *query, const char *needle, bool has)
{
    s3r r = call_expect(s, status, "GET", path, query, NULL, NULL, NULL, NULL, NULL);
    if ((strstr(r.body, needle) != NULL) != has)
        fprintf(stderr, "GET %s?%s: %s %s in %s\n", path, query ? query : "", has ? "no" : "unexpected", needle,
                r.body);
    assert_int_equal(strstr(r.body, needle) != NULL, has);
    s3r_free(&r);
}

static void head_header(server *s, const char *path, const char *name, const char *want)
{
    s3r r = call_expect(s, 200, "HEAD", path, NULL, NULL, NULL, NULL, NULL, NULL);
    const char *got = s3r_header(&r, name);
    if (want)
        assert_string_equal(got ? got : "(none)", want);
    else
        assert_null(got);
    s3r_free(&r);
}

/* The state as build left it (changed: false) or as mutate left it. */
static void check(server *s, const world *w, bool changed)
{
    body_has(s, 200, "/plain/tagged", "tagging", "<Key>b</Key>", changed);
    body_has(s, 200, "/plain/tagged", "tagging", "<Key>a</Key>", !changed);
    body_has(s, changed ? 404 : 200, "/plain/doc", NULL, changed ? "NoSuchKey" : "v0", true);
    body_has(s, changed ? 200 : 404, "/plain/new", NULL, changed ? "n" : "NoSuchKey", true);
    body_has(s, 200, "/plain/bulk/00007", NULL, changed ? "changed" : "bulk", true);
    body_has(s, changed ? 404 : 200, "/plain/bulk/00008", NULL, changed ? "NoSuchKey" : "bulk", true);
    body_has(s, 200, "/plain", "list-type=2&prefix=bulk/0000&start-after=bulk/00005",
             changed ? "<KeyCount>3</KeyCount>" : "<KeyCount>4</KeyCount>", true);
    body_has(s, 200, "/plain", "list-type=2&prefix=bulk/&start-after=bulk/04990", "<KeyCount>9</KeyCount>", true);
    head_header(s, "/plain/bulk/00009", "x-amz-storage-class", changed ? "STANDARD_IA" : NULL);
    body_has(s, 200, "/plain/acl", "acl", "LogDelivery", !changed);
    body_has(s, 200, "/ver/doc", "tagging", "<Key>v</Key>", false); /* v3 has none */
    char *q = g_strdup_printf("tagging&versionId=%s", w->v1);
    body_has(s, 200, "/ver/doc", q, "<Key>v</Key>", changed);
    g_free(q);
    body_has(s, 200, "/ver/doc", NULL, changed ? "v3" : "v2", true);
    q = g_strdup_printf("versionId=%s", w->v2);
    body_has(s, changed ? 404 : 200, "/ver/doc", q, changed ? "NoSuchVersion" : "v2", true);
    g_free(q);
    body_has(s, 200, "/ver", "versions&prefix=doc", "<DeleteMarker>", false);
    body_has(s, 200, "/ver", "versions&prefix=bulk/00003", "<DeleteMarker>", changed);
    body_has(s, changed ? 404 : 200, "/ver/bulk/00003", NULL, changed ? "NoSuchKey" : "bulk", true);
    body_has(s, 200, "/ver", "versioning", changed ? "Suspended" : "Enabled", true);
    body_has(s, changed ? 200 : 404, "/lock/held", "legal-hold", changed ? "<Status>ON" : "NoSuchObjectLockConfiguration",
             true);
    body_has(s, changed ? 200 : 404, "/lock/held", "retention", changed ? "GOVERNANCE" : "NoSuchObjectLockConfiguration",
             true);
    head_header(s, "/plain/cold2", "x-amz-restore", changed ? "ongoing-request=\"true\"" : NULL);
    q = g_strdup_printf("uploadId=%s", w->upload_id);
    body_has(s, 200, "/plain/mp", q, "<PartNumber>2</PartNumber>", changed);
    body_has(s, 200, "/plain/mp", q, "<PartNumber>1</PartNumber>", true);
    g_free(q);
    body_has(s, changed ? 404 : 200, "/plain", "lifecycle", changed ? "NoSuchLifecycleConfiguration" : "<ID>r</ID>",
             true);
}

/* A clone shares the object maps: the same objects, not copies. */
static void assert_shared(void *a, void *b)
{
    s3_bucket *x = bucket(a, "plain"), *y = bucket(b, "plain");
    assert_ptr_not_equal(x, y);
    assert_int_equal(pmap_count(&x->objects), pmap_count(&y->objects));
    assert_ptr_equal(s3_object_get(x, "bulk/00001"), s3_object_get(y, "bulk/00001"));
    assert_ptr_equal(x->objects.root, y->objects.root);
    x = bucket(a, "ver"), y = bucket(b, "ver");
    assert_ptr_equal(x->versions.root, y->versions.root);
    assert_ptr_equal(x->nulls.root, y->nulls.root);
}

static void clone_then_change_either_side(void **state)
{
    server *s = *state;
    ns *n = s3_ns(s);
    world w = {0};
    build(s, &w);
    void *a = n->state;
    void *b = s3_service.state_clone(a, NULL);
    assert_shared(a, b);

    /* the clone changes: the original does not see it */
    n->state = b;
    mutate(s, &w);
    check(s, &w, true);
    n->state = a;
    check(s, &w, false);

    /* the original changes: a clone of it taken before does not see it */
    void *c = s3_service.state_clone(a, NULL);
    mutate(s, &w);
    check(s, &w, true);
    n->state = c;
    check(s, &w, false);
    n->state = b;
    check(s, &w, true);

    /* the restore in progress when the snapshots were taken finishes on
     * each side (its job was copied) */
    mockaws_clock_advance(s, RESTORE_MS);
    void *sides[] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        n->state = sides[i];
        s3r r = call_expect(s, 200, "HEAD", "/plain/cold", NULL, NULL, NULL, NULL, NULL, NULL);
        assert_true(g_str_has_prefix(s3r_header(&r, "x-amz-restore"), "ongoing-request=\"false\""));
        s3r_free(&r);
    }
    /* lifecycle: a and b dropped the configuration, c kept it and expires
     * exp/x once the clock is past its day */
    mockaws_clock_advance(s, 3 * DAY_MS);
    n->state = c;
    expect(s, 404, "GET", "/plain/exp/x", NULL, NULL, NULL, NULL, NULL, NULL);
    n->state = a;
    expect(s, 200, "GET", "/plain/exp/x", NULL, NULL, NULL, NULL, NULL, NULL);
    n->state = b;
    expect(s, 200, "GET", "/plain/exp/x", NULL, NULL, NULL, NULL, NULL, NULL);

    /* freed in either order: b before a (its source), a before c (its clone) */
    s3_service.state_free(b);
    n->state = c;
    s3_service.state_free(a);
    check(s, &w, false);
    g_free(w.v1);
    g_free(w.v2);
    g_free(w.upload_id);
}

/* s3_object_mut copies only what something else may see, and the copy
 * takes the original's place in every map of the bucket. */
static void mut_copies_only_when_shared(void **unused)
{
    static const unsigned char md5[16];
    s3_state *st = s3_state_new(RESTORE_MS);
    s3_bucket *b = s3_bucket_add(st, "b", "us-east-1", "123456789012", 0);
    s3_blob *blob = s3_blob_copy("x", 1);
    s3_object_put(b, s3_object_new("k", blob, NULL, 1000, md5, 0));
    s3_object *o = s3_object_get(b, "k");
    assert_ptr_equal(s3_object_mut(b, o), o); /* nothing else holds it */

    s3_state *snap = s3_state_clone(st);
    s3_object *m = s3_object_mut(b, o);
    assert_ptr_not_equal(m, o);
    assert_ptr_equal(s3_object_get(b, "k"), m);
    assert_ptr_equal(s3_object_get(bucket(snap, "b"), "k"), o);
    assert_ptr_equal(m->blob, o->blob); /* the bytes are shared */
    assert_ptr_equal(s3_object_mut(b, m), m);

    /* versioned: a null version that is current sits in three maps */
    s3_versioning_set(b, S3_VERSIONING_ENABLED);
    s3_object *m2 = s3_object_mut(b, m);
    assert_ptr_not_equal(m2, m);
    assert_ptr_equal(s3_object_get(b, "k"), m2);
    assert_ptr_equal(s3_version_get(b, "k", 0), m2);
    assert_ptr_equal(s3_version_get(b, "k", m2->vseq), m2);
    /* a noncurrent version that is not the null one: the versions map's
     * alone, changed in place */
    s3_object_put(b, s3_object_new("k", blob, NULL, 2000, md5, 0));
    s3_object *v2 = s3_object_get(b, "k");
    s3_object_put(b, s3_object_new("k", blob, NULL, 3000, md5, 0));
    assert_ptr_equal(s3_object_mut(b, v2), v2);
    /* deleting the current version makes v2 current again, in both maps */
    s3_version_delete(b, s3_object_get(b, "k"));
    assert_ptr_equal(s3_object_get(b, "k"), v2);
    assert_ptr_not_equal(s3_object_mut(b, v2), v2);
    s3_blob_unref(blob);
    s3_state_free(st);
    s3_state_free(snap);
}

/* The clone's cost at 10,000 objects and versions: printed, not asserted
 * (the budget, 5 ms for a whole restore, is the core's to measure). */
static void clone_cost(void **state)
{
    server *s = *state;
    world w = {0};
    build(s, &w);
    void *a = s3_ns(s)->state;
    enum { ROUNDS = 200 };
    gint64 t0 = g_get_monotonic_time();
    for (int i = 0; i < ROUNDS; i++)
        s3_service.state_free(s3_service.state_clone(a, NULL));
    gint64 t1 = g_get_monotonic_time();
    size_t objects = pmap_count(&bucket(a, "plain")->objects) + pmap_count(&bucket(a, "ver")->versions);
    printf("s3 state_clone + state_free of %zu objects and versions: %.1f us each (%d rounds)\n", objects,
           (double)(t1 - t0) / ROUNDS, ROUNDS);
    assert_true(objects >= 2 * BULK);
    g_free(w.v1);
    g_free(w.v2);
    g_free(w.upload_id);
}

static int setup(void **st)
{
    return s3_setup_virtual(st, RESTORE_MS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(clone_then_change_either_side, setup, s3_teardown),
        cmocka_unit_test_setup_teardown(clone_cost, setup, s3_teardown),
        cmocka_unit_test(mut_copies_only_when_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
