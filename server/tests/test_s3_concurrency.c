/* S3 under concurrent requests: uploads hash their bodies outside the
 * namespace lock while readers and listings go on; readers see a whole old object or a
 * whole new one, never a mix; parts of one upload arrive in parallel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_s3_call.h"

#define SIZE (256 * 1024)
#define ROUNDS 60

typedef struct job {
    server *s;
    int id;
    int torn;
    int failed;
} job;

/* Version v of an object: SIZE bytes of one letter. */
static char *version(int v)
{
    char *b = g_malloc(SIZE);
    memset(b, 'a' + v, SIZE);
    return b;
}

static gpointer writer(gpointer arg)
{
    job *j = arg;
    char *body = version(j->id);
    for (int i = 0; i < ROUNDS; i++) {
        char path[32];
        g_snprintf(path, sizeof path, "/conc/k%d", i % 4);
        s3r r = s3_call(j->s, "PUT", path, NULL, body, SIZE, NULL);
        if (r.status != 200)
            j->failed++;
        s3r_free(&r);
    }
    g_free(body);
    return NULL;
}

static gpointer reader(gpointer arg)
{
    job *j = arg;
    for (int i = 0; i < ROUNDS * 2; i++) {
        char path[32];
        g_snprintf(path, sizeof path, "/conc/k%d", i % 4);
        s3r r = s3_call(j->s, "GET", path, NULL, NULL, 0, NULL);
        if (r.status == 200) {
            /* one letter throughout, and the whole of it */
            if (r.len != SIZE)
                j->torn++;
            for (size_t k = 1; k < r.len; k++)
                if (r.body[k] != r.body[0]) {
                    j->torn++;
                    break;
                }
        } else if (r.status != 404) {
            j->failed++;
        }
        s3r_free(&r);
        r = s3_call(j->s, "GET", "/conc", "list-type=2", NULL, 0, NULL);
        if (r.status != 200)
            j->failed++;
        s3r_free(&r);
    }
    return NULL;
}

static void readers_never_see_half_objects(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/conc", NULL, NULL);
    job jobs[6];
    GThread *t[6];
    for (int i = 0; i < 6; i++) {
        jobs[i] = (job){.s = s, .id = i};
        t[i] = g_thread_new("s3", i < 3 ? writer : reader, &jobs[i]);
    }
    for (int i = 0; i < 6; i++)
        g_thread_join(t[i]);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(jobs[i].torn, 0);
        assert_int_equal(jobs[i].failed, 0);
    }
    s3r r = s3_call(s, "GET", "/conc", "list-type=2", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<KeyCount>4</KeyCount>"));
    s3r_free(&r);
}

typedef struct part_job {
    server *s;
    const char *id;
    int first;
    int failed;
} part_job;

static gpointer part_uploader(gpointer arg)
{
    part_job *j = arg;
    char *body = version(j->first % 26);
    for (int n = j->first; n < j->first + 10; n++) {
        char *q = g_strdup_printf("partNumber=%d&uploadId=%s", n, j->id);
        s3r r = s3_call(j->s, "PUT", "/conc/mp", q, body, 1000, NULL);
        if (r.status != 200)
            j->failed++;
        s3r_free(&r);
        g_free(q);
    }
    g_free(body);
    return NULL;
}

static void parts_in_parallel(void **st)
{
    server *s = *st;
    s3r r = s3_call(s, "POST", "/conc/mp", "uploads", NULL, 0, NULL);
    char *id = s3_xml_text(r.body, "UploadId");
    s3r_free(&r);
    part_job jobs[4];
    GThread *t[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (part_job){.s = s, .id = id, .first = 1 + 10 * i};
        t[i] = g_thread_new("part", part_uploader, &jobs[i]);
    }
    for (int i = 0; i < 4; i++) {
        g_thread_join(t[i]);
        assert_int_equal(jobs[i].failed, 0);
    }
    char *q = g_strdup_printf("uploadId=%s", id);
    r = s3_call(s, "GET", "/conc/mp", q, NULL, 0, NULL);
    assert_int_equal(s3_count(r.body, "<Part>"), 40);
    assert_non_null(strstr(r.body, "<PartNumber>40</PartNumber>"));
    s3r_free(&r);
    r = s3_call(s, "DELETE", "/conc/mp", q, NULL, 0, NULL);
    assert_int_equal(r.status, 204);
    s3r_free(&r);
    g_free(q);
    g_free(id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(readers_never_see_half_objects),
        cmocka_unit_test(parts_in_parallel),
    };
    return cmocka_run_group_tests(tests, s3_setup, s3_teardown);
}
