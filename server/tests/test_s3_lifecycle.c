/* Lifecycle rules on versioned buckets, executed on the virtual clock
 * (services/s3/lifecycle.c): NoncurrentVersionExpiration removes a version
 * NoncurrentDays after the next one was written, at the midnight UTC S3
 * rounds to, keeping the NewerNoncurrentVersions newest noncurrent ones;
 * ExpiredObjectDeleteMarker removes a delete marker left alone; locked
 * versions stay. Each boundary is checked one millisecond before and at
 * the time. CreateMultipartUpload and ListParts name the abort date. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mockaws.h"
#include "test_s3_call.h"

#define DAY_MS ((int64_t)86400 * 1000)

static int setup(void **st)
{
    if (s3_setup(st) != 0)
        return -1;
    return mockaws_clock_virtual(*st, 1) == 0 ? 0 : -1;
}

static int64_t midnight_after(int64_t ms)
{
    return ms % DAY_MS == 0 ? ms : (ms / DAY_MS + 1) * DAY_MS;
}

/* Advances the virtual clock to at (not before now). */
static void clock_to(server *s, int64_t at)
{
    int64_t now = mockaws_clock_now_ms(s);
    assert_true(at >= now);
    mockaws_clock_advance(s, (uint64_t)(at - now));
}

/* "versions/markers" of the keys under prefix, as ListObjectVersions lists
 * them (any request also runs the rules that are due). */
static char *entries(server *s, const char *bucket, const char *prefix)
{
    char *path = g_strdup_printf("/%s", bucket);
    char *q = g_strdup_printf("versions&prefix=%s", prefix);
    s3r r = s3_call(s, "GET", path, q, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    char *out = g_strdup_printf("%d/%d", s3_count(r.body, "<Version>"), s3_count(r.body, "<DeleteMarker>"));
    s3r_free(&r);
    g_free(q);
    g_free(path);
    return out;
}

static void assert_entries(server *s, const char *bucket, const char *prefix, const char *want)
{
    char *got = entries(s, bucket, prefix);
    assert_string_equal(got, want);
    g_free(got);
}

static void versioned_bucket(server *s, const char *name, const char *lifecycle)
{
    char *path = g_strdup_printf("/%s", name);
    s3_ok(s, "PUT", path, NULL, NULL);
    s3_ok(s, "PUT", path, "versioning", "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>");
    s3_ok(s, "PUT", path, "lifecycle", lifecycle);
    g_free(path);
}

static void noncurrent_versions_expire(void **st)
{
    server *s = *st;
    versioned_bucket(s, "ncv",
                     "<LifecycleConfiguration><Rule><ID>nc</ID><Filter><Prefix>k</Prefix></Filter>"
                     "<Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>2</NoncurrentDays>"
                     "<NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>"
                     "<Rule><ID>all</ID><Filter><Prefix>j</Prefix></Filter><Status>Enabled</Status>"
                     "<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>"
                     "</Rule></LifecycleConfiguration>");
    int64_t t0 = mockaws_clock_now_ms(s) / 1000 * 1000; /* S3 keeps whole seconds */
    s3_ok(s, "PUT", "/ncv/k", NULL, "1");
    s3_ok(s, "PUT", "/ncv/k", NULL, "2");
    s3_ok(s, "PUT", "/ncv/k", NULL, "3");
    s3_ok(s, "PUT", "/ncv/j", NULL, "1");
    s3_ok(s, "PUT", "/ncv/other", NULL, "1");
    s3_ok(s, "PUT", "/ncv/other", NULL, "2");
    /* k's first two versions became noncurrent at t0: due at the midnight after t0 + 2 days */
    int64_t due = midnight_after(t0 + 2 * DAY_MS);
    clock_to(s, due - 1);
    assert_entries(s, "ncv", "k", "3/0");
    clock_to(s, due);
    /* the oldest goes; the newest noncurrent one stays (NewerNoncurrentVersions 1) */
    assert_entries(s, "ncv", "k", "2/0");
    s3r r = s3_call(s, "GET", "/ncv/k", NULL, NULL, 0, NULL);
    assert_string_equal(r.body, "3");
    s3r_free(&r);
    /* j has one version, current: nothing to do, nor for keys no rule names */
    assert_entries(s, "ncv", "j", "1/0");
    assert_entries(s, "ncv", "other", "2/0");

    /* j overwritten now: its old version is noncurrent from now on, one day */
    int64_t t1 = mockaws_clock_now_ms(s) / 1000 * 1000;
    s3_ok(s, "PUT", "/ncv/j", NULL, "2");
    due = midnight_after(t1 + DAY_MS);
    clock_to(s, due - 1);
    assert_entries(s, "ncv", "j", "2/0");
    clock_to(s, due);
    assert_entries(s, "ncv", "j", "1/0");
}

/* A delete marker over a version: the version goes as noncurrent, then
 * the marker, alone, by ExpiredObjectDeleteMarker; a marker alone from the
 * start goes at the next midnight; a marker over a version stays. */
static void expired_delete_markers_go(void **st)
{
    server *s = *st;
    versioned_bucket(s, "dmk",
                     "<LifecycleConfiguration><Rule><ID>m</ID><Filter><Prefix>m/</Prefix></Filter>"
                     "<Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>"
                     "</Expiration><NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays>"
                     "</NoncurrentVersionExpiration></Rule>"
                     "<Rule><ID>keep</ID><Filter><Prefix>n/</Prefix></Filter><Status>Enabled</Status>"
                     "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>"
                     "</LifecycleConfiguration>");
    int64_t t0 = mockaws_clock_now_ms(s) / 1000 * 1000;
    s3_ok(s, "PUT", "/dmk/m/a", NULL, "1");
    s3_ok(s, "DELETE", "/dmk/m/a", NULL, NULL);
    s3_ok(s, "DELETE", "/dmk/m/b", NULL, NULL); /* a marker with nothing under it */
    s3_ok(s, "PUT", "/dmk/n/a", NULL, "1");
    s3_ok(s, "DELETE", "/dmk/n/a", NULL, NULL);
    int64_t midnight = midnight_after(t0 + 1);
    clock_to(s, midnight - 1);
    assert_entries(s, "dmk", "m/b", "0/1");
    clock_to(s, midnight);
    assert_entries(s, "dmk", "m/b", "0/0");
    assert_entries(s, "dmk", "m/a", "1/1");
    int64_t due = midnight_after(t0 + 3 * DAY_MS);
    clock_to(s, due - 1);
    assert_entries(s, "dmk", "m/a", "1/1");
    clock_to(s, due);
    /* the version went; the marker is alone now, and goes by the next midnight */
    assert_entries(s, "dmk", "m/a", "0/1");
    clock_to(s, due + DAY_MS);
    assert_entries(s, "dmk", "m/a", "0/0");
    /* n/a's marker has a version under it, which no rule removes */
    assert_entries(s, "dmk", "n/a", "1/1");
}

/* Lifecycle deletes no version under a legal hold or a retention. */
static void locked_versions_stay(void **st)
{
    server *s = *st;
    s3r r = s3_call(s, "PUT", "/lk2", NULL, NULL, 0, "x-amz-bucket-object-lock-enabled", "true", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    s3_ok(s, "PUT", "/lk2", "lifecycle",
          "<LifecycleConfiguration><Rule><ID>nc</ID><Filter></Filter><Status>Enabled</Status>"
          "<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>"
          "</Rule></LifecycleConfiguration>");
    int64_t t0 = mockaws_clock_now_ms(s) / 1000 * 1000;
    /* Content-MD5 of "1" and "2", which lock-enabled buckets require */
    const char *md5_1 = "xMpCOKC5I4INzFCab3WEmw==", *md5_2 = "yB5yjZ1ML2NvBn+JzBSGLA==";
    const char *puts[][4] = {{"/lk2/held", "1", md5_1, "ON"}, {"/lk2/held", "2", md5_2, "OFF"},
                             {"/lk2/free", "1", md5_1, "OFF"}, {"/lk2/free", "2", md5_2, "OFF"}};
    char *held = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(puts); i++) {
        r = s3_call(s, "PUT", puts[i][0], NULL, puts[i][1], 1, "content-md5", puts[i][2],
                    "x-amz-object-lock-legal-hold", puts[i][3], NULL);
        assert_int_equal(r.status, 200);
        if (!held)
            held = g_strdup(s3r_header(&r, "x-amz-version-id"));
        s3r_free(&r);
    }
    clock_to(s, midnight_after(t0 + DAY_MS) + DAY_MS);
    assert_entries(s, "lk2", "held", "2/0");
    assert_entries(s, "lk2", "free", "1/0");
    /* the hold lifted, the version long due goes at the next request */
    char *q = g_strdup_printf("legal-hold&versionId=%s", held);
    const char *off = "<LegalHold><Status>OFF</Status></LegalHold>";
    r = s3_call(s, "PUT", "/lk2/held", q, off, strlen(off), "content-md5", "An8G3mv4SfhAibzslQjGDw==", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    assert_entries(s, "lk2", "held", "1/0");
    g_free(q);
    g_free(held);
}

static void assert_header(const s3r *r, const char *name, const char *want)
{
    const char *got = s3r_header(r, name);
    assert_non_null(got);
    assert_string_equal(got, want);
}

/* The HTTP date S3 writes for a time (ms). */
static char *http_date(int64_t ms)
{
    GDateTime *t = g_date_time_new_from_unix_utc(ms / 1000);
    char *out = g_date_time_format(t, "%a, %d %b %Y %H:%M:%S GMT");
    g_date_time_unref(t);
    return out;
}

/* CreateMultipartUpload and ListParts name the abort date (initiation +
 * DaysAfterInitiation, rounded up to midnight UTC) and the rule of the
 * earliest enabled abort rule for the key; none when no rule applies. */
static void abort_date_headers(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/abt", NULL, NULL);
    s3_ok(s, "PUT", "/abt", "lifecycle",
          "<LifecycleConfiguration><Rule><ID>two-days</ID><Filter><Prefix>up/</Prefix></Filter><Status>Enabled</Status>"
          "<AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload>"
          "</Rule><Rule><ID>off</ID><Filter><Prefix>up/</Prefix></Filter><Status>Disabled</Status>"
          "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>"
          "</Rule><Rule><ID>five</ID><Filter></Filter><Status>Enabled</Status>"
          "<AbortIncompleteMultipartUpload><DaysAfterInitiation>5</DaysAfterInitiation></AbortIncompleteMultipartUpload>"
          "</Rule><Rule><ID>exp</ID><Filter><Prefix>x/</Prefix></Filter><Status>Enabled</Status>"
          "<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>");
    mockaws_clock_advance(s, 12345); /* not on a second */
    int64_t now = mockaws_clock_now_ms(s);
    const struct {
        const char *path, *rule;
        int days;
    } cases[] = {{"/abt/up/a", "two-days", 2}, {"/abt/down/a", "five", 5}};
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *want = http_date(midnight_after(now + cases[i].days * DAY_MS));
        s3r r = s3_call(s, "POST", cases[i].path, "uploads", NULL, 0, NULL);
        assert_int_equal(r.status, 200);
        assert_header(&r, "x-amz-abort-date", want);
        assert_header(&r, "x-amz-abort-rule-id", cases[i].rule);
        char *id = s3_xml_text(r.body, "UploadId");
        s3r_free(&r);
        char *q = g_strdup_printf("uploadId=%s", id);
        mockaws_clock_advance(s, DAY_MS); /* the date stays the initiation's */
        r = s3_call(s, "GET", cases[i].path, q, NULL, 0, NULL);
        assert_int_equal(r.status, 200);
        assert_header(&r, "x-amz-abort-date", want);
        assert_header(&r, "x-amz-abort-rule-id", cases[i].rule);
        s3r_free(&r);
        now = mockaws_clock_now_ms(s);
        g_free(q);
        g_free(id);
        g_free(want);
    }
    /* no abort rule for the bucket's keys: no headers */
    s3_ok(s, "PUT", "/abt2", NULL, NULL);
    s3r r = s3_call(s, "POST", "/abt2/up/a", "uploads", NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_null(s3r_header(&r, "x-amz-abort-date"));
    assert_null(s3r_header(&r, "x-amz-abort-rule-id"));
    s3r_free(&r);
}

/* NoncurrentDays is required by S3 (optional in the model) and positive,
 * as NewerNoncurrentVersions is; an empty NoncurrentVersionExpiration is
 * MalformedXML. Nothing is stored. */
static void noncurrent_rule_errors(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/ncbad", NULL, NULL);
    static const struct {
        const char *nve, *code, *arg;
    } bad[] = {
        {"<NewerNoncurrentVersions>2</NewerNoncurrentVersions>", "InvalidArgument", "NoncurrentDays"},
        {"<NoncurrentDays>0</NoncurrentDays>", "InvalidArgument", "NoncurrentDays"},
        {"<NoncurrentDays>-3</NoncurrentDays>", "InvalidArgument", "NoncurrentDays"},
        {"<NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>0</NewerNoncurrentVersions>", "InvalidArgument",
         "NewerNoncurrentVersions"},
        {"", "MalformedXML", NULL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        char *doc = g_strdup_printf("<LifecycleConfiguration><Rule><Filter></Filter><Status>Enabled</Status>"
                                    "<NoncurrentVersionExpiration>%s</NoncurrentVersionExpiration></Rule>"
                                    "</LifecycleConfiguration>",
                                    bad[i].nve);
        s3r r = s3_call(s, "PUT", "/ncbad", "lifecycle", doc, strlen(doc), NULL);
        assert_int_equal(r.status, 400);
        char *code = s3_xml_text(r.body, "Code");
        assert_string_equal(code, bad[i].code);
        g_free(code);
        if (bad[i].arg) {
            char *arg = s3_xml_text(r.body, "ArgumentName");
            assert_string_equal(arg, bad[i].arg);
            char *msg = s3_xml_text(r.body, "Message");
            /* as the body spells it: the XML writer escapes the quotes */
            char *want = g_strdup_printf("&apos;%s&apos; for NoncurrentVersionExpiration action must be a positive "
                                         "integer",
                                         bad[i].arg);
            assert_string_equal(msg, want);
            g_free(want);
            g_free(msg);
            g_free(arg);
        }
        s3r_free(&r);
        g_free(doc);
    }
    s3r r = s3_call(s, "GET", "/ncbad", "lifecycle", NULL, 0, NULL);
    assert_int_equal(r.status, 404);
    s3r_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(noncurrent_versions_expire, setup, s3_teardown),
        cmocka_unit_test_setup_teardown(expired_delete_markers_go, setup, s3_teardown),
        cmocka_unit_test_setup_teardown(locked_versions_stay, setup, s3_teardown),
        cmocka_unit_test_setup_teardown(abort_date_headers, setup, s3_teardown),
        cmocka_unit_test_setup_teardown(noncurrent_rule_errors, setup, s3_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
