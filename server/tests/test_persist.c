/* --state-dir (core/persist.c): a save and a second server on the same
 * directory give back the same state; a save that fails before its rename
 * leaves the previous state.json; torn, corrupt or altered state, and
 * names that lead out of the directory, are refused with the file named
 * and no file changed; bodies are written once and collected; a 10 MiB
 * body makes the round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_tmpdir.h"
#include "test_s3_call.h"

typedef struct fx {
    char *dir;
    char *state; /* dir/state.json */
} fx;

static int setup(void **st)
{
    fx *f = g_new0(fx, 1);
    f->dir = g_dir_make_tmp("mockaws-persist-XXXXXX", NULL);
    f->state = g_build_filename(f->dir, "state.json", NULL);
    *st = f;
    return f->dir ? 0 : -1;
}

static int teardown(void **st)
{
    fx *f = *st;
    test_rm_rf(f->dir);
    g_free(f->dir);
    g_free(f->state);
    g_free(f);
    return 0;
}

/* A server on dir, or NULL with why in err. */
static server *start_on(const char *dir, const char *const *fixtures, char *err, size_t errlen)
{
    mockaws_options o = {.seed = 7, .state_dir = dir, .fixtures = fixtures};
    return mockaws_start(&o, err, errlen);
}

static server *start_ok(const char *dir)
{
    char err[1024];
    server *s = start_on(dir, NULL, err, sizeof err);
    if (!s)
        fprintf(stderr, "start: %s\n", err);
    assert_non_null(s);
    return s;
}

static void put(server *s, const char *path, const char *body, size_t len)
{
    s3r r = s3_call(s, "PUT", path, NULL, body, len, NULL);
    if (r.status != 200)
        fprintf(stderr, "PUT %s -> %d %s\n", path, r.status, r.body);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
}

static gint by_name(gconstpointer a, gconstpointer b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every file under dir (relative name -> its bytes), for "left as it was". */
static void listing_into(GString *out, const char *root, const char *rel)
{
    char *path = rel ? g_build_filename(root, rel, NULL) : g_strdup(root);
    GDir *d = g_dir_open(path, 0, NULL);
    if (d) {
        GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
        for (const char *n; (n = g_dir_read_name(d));)
            g_ptr_array_add(names, g_strdup(n));
        g_dir_close(d);
        g_ptr_array_sort(names, by_name);
        for (guint i = 0; i < names->len; i++) {
            char *r = rel ? g_build_filename(rel, names->pdata[i], NULL) : g_strdup(names->pdata[i]);
            listing_into(out, root, r);
            g_free(r);
        }
        g_ptr_array_free(names, TRUE);
    } else {
        char *data = NULL;
        gsize len = 0;
        g_file_get_contents(path, &data, &len, NULL);
        char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
        g_string_append_printf(out, "%s %s\n", rel, sum);
        g_free(sum);
        g_free(data);
    }
    g_free(path);
}

static char *listing(const char *dir)
{
    GString *s = g_string_new(NULL);
    listing_into(s, dir, NULL);
    return g_string_free(s, FALSE);
}

static size_t count_bodies(const char *dir)
{
    char *bodies = g_build_filename(dir, "bodies", NULL);
    GDir *d = g_dir_open(bodies, 0, NULL);
    size_t n = 0;
    while (d && g_dir_read_name(d))
        n++;
    if (d)
        g_dir_close(d);
    g_free(bodies);
    return n;
}

static void write_file(const char *path, const char *data, gssize len)
{
    assert_true(g_file_set_contents(path, data, len, NULL));
}

/* A state of every kind a service keeps, saved by mockaws_stop. */
static void fill(server *s)
{
    char err[512];
    static const char *const files[] = {"dynamodb", "sns", "sqs", "iam", "ec2"};
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        char *path = g_strdup_printf(MOCKAWS_SOURCE_DIR "/fixtures/%s-example.json", files[i]);
        int rc = mockaws_load_fixtures_file(s, path, err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "%s: %s\n", path, err);
        assert_int_equal(rc, 0);
        g_free(path);
    }
    put(s, "/keep", NULL, 0);
    put(s, "/keep/text.txt", "some text", 9);
    put(s, "/keep/copy.txt", "some text", 9); /* the same bytes: one file */
    put(s, "/keep/binary", "\x00\x01\xff\xfe", 4);
    put(s, "/keep/empty", "", 0);
    char *ids = NULL;
    assert_int_equal(mockaws_faults_add(s, "{\"id\": \"slow-sqs\", \"service\": \"sqs\", \"delay_ms\": 1}", &ids,
                                        err, sizeof err),
                     0);
    mockaws_free(ids);
}

static void save_and_restart_give_the_same_state(void **st)
{
    fx *f = *st;
    server *s = start_ok(f->dir);
    fill(s);
    char *before = mockaws_state_json(s), *faults_before = mockaws_faults_json(s);
    mockaws_stop(s); /* saves */
    assert_true(g_file_test(f->state, G_FILE_TEST_IS_REGULAR));
    assert_int_equal(count_bodies(f->dir), 2); /* "some text" once, and the binary; the empty body inline */

    s = start_ok(f->dir);
    char *after = mockaws_state_json(s), *faults_after = mockaws_faults_json(s);
    assert_string_equal(before, after);
    assert_non_null(strstr(faults_after, "\"slow-sqs\""));
    s3r r = s3_call(s, "GET", "/keep/binary", NULL, NULL, 0, NULL);
    assert_int_equal(r.len, 4);
    assert_memory_equal(r.body, "\x00\x01\xff\xfe", 4);
    s3r_free(&r);
    mockaws_stop(s);
    /* a saved state is a fixture: --fixtures DIR/state.json loads it as well */
    mockaws_options o = {.seed = 7, .fixtures = (const char *const[]){f->state, NULL}};
    char err[512];
    s = mockaws_start(&o, err, sizeof err);
    assert_non_null(s);
    char *as_fixture = mockaws_state_json(s);
    assert_string_equal(before, as_fixture);
    mockaws_stop(s);
    mockaws_free(as_fixture);
    mockaws_free(before);
    mockaws_free(after);
    mockaws_free(faults_before);
    mockaws_free(faults_after);
}

/* POST /_mockaws/state/save, which must succeed: its "bytes". */
static json_int_t save_bytes(server *s, const char *want_path)
{
    char *out = NULL;
    assert_int_equal(mockaws_control(s, "POST", "state/save", NULL, &out), 200);
    json_t *j = json_loads(out, 0, NULL);
    if (want_path)
        assert_string_equal(json_string_value(json_object_get(j, "saved")), want_path);
    json_int_t n = json_integer_value(json_object_get(j, "bytes"));
    json_decref(j);
    mockaws_free(out);
    return n;
}

static void control_endpoint_saves(void **st)
{
    fx *f = *st;
    server *s = start_ok(f->dir);
    put(s, "/ctl", NULL, 0);
    put(s, "/ctl/a", "abc", 3);
    char *real = realpath(f->dir, NULL);
    char *want = g_build_filename(real, "state.json", NULL);
    json_int_t bytes = save_bytes(s, want);
    struct stat sb;
    assert_int_equal(stat(want, &sb), 0);
    assert_int_equal(bytes, sb.st_size + 3); /* the document and the body */
    char *out = NULL;
    assert_int_equal(mockaws_control(s, "GET", "state/save", NULL, &out), 405);
    mockaws_free(out);
    mockaws_stop(s);
    /* a server without a state dir says how to get one */
    mockaws_options o = {.seed = 7};
    char err[512];
    s = mockaws_start(&o, err, sizeof err);
    assert_int_equal(mockaws_control(s, "POST", "state/save", NULL, &out), 409);
    assert_non_null(strstr(out, "--state-dir"));
    mockaws_free(out);
    assert_int_equal(mockaws_state_save(s, err, sizeof err), -1);
    assert_non_null(strstr(err, "state_dir"));
    mockaws_stop(s);
    free(real);
    g_free(want);
}

static void a_failed_save_leaves_the_previous_state(void **st)
{
    fx *f = *st;
    server *s = start_ok(f->dir);
    put(s, "/atomic", NULL, 0);
    put(s, "/atomic/one", "first", 5);
    char err[1024];
    assert_int_equal(mockaws_state_save(s, err, sizeof err), 0);
    char *good = listing(f->dir);
    /* the next save cannot write its temporary file: it fails before the rename */
    put(s, "/atomic/two", "second", 6);
    char *tmp = g_build_filename(f->dir, "state.json.tmp", NULL);
    char *inside = g_build_filename(tmp, "x", NULL);
    assert_int_equal(mkdir(tmp, 0700), 0);
    write_file(inside, "x", 1);
    assert_int_equal(mockaws_state_save(s, err, sizeof err), -1);
    assert_non_null(strstr(err, "state.json.tmp"));
    unlink(inside);
    rmdir(tmp);
    /* state.json and state.prev.json as they were; only the new body is new */
    char *now = listing(f->dir);
    char *hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, "second", -1);
    char *line = g_strdup_printf("bodies/%s ", hex);
    char *at = strstr(now, line);
    assert_non_null(at);
    memmove(at, strchr(at, '\n') + 1, strlen(strchr(at, '\n') + 1) + 1);
    assert_string_equal(now, good);
    mockaws_stop(s); /* which saves: "two" is there now */
    char *saved = NULL;
    g_file_get_contents(f->state, &saved, NULL, NULL);
    assert_non_null(strstr(saved, "\"two\""));
    g_free(saved);
    g_free(now);
    g_free(hex);
    g_free(line);
    /* a crash mid-save leaves a temporary document and a temporary body:
     * the next start loads state.json, the next save clears them */
    write_file(tmp, "{\"namespaces\": [", -1);
    char *tmp_body = g_build_filename(f->dir, "bodies",
                                      "0000000000000000000000000000000000000000000000000000000000000000.tmp", NULL);
    write_file(tmp_body, "half", -1);
    s = start_ok(f->dir);
    s3r r = s3_call(s, "GET", "/atomic/two", NULL, NULL, 0, NULL);
    assert_string_equal(r.body, "second");
    s3r_free(&r);
    assert_int_equal(mockaws_state_save(s, err, sizeof err), 0);
    assert_false(g_file_test(tmp, G_FILE_TEST_EXISTS));
    assert_false(g_file_test(tmp_body, G_FILE_TEST_EXISTS));
    mockaws_stop(s);
    g_free(good);
    g_free(tmp);
    g_free(inside);
    g_free(tmp_body);
}

/* Start must fail with a message holding each of want (NULL-ended), no
 * file in dir changed. */
static void refused(fx *f, const char *const *want)
{
    char *before = listing(f->dir);
    char err[2048];
    server *s = start_on(f->dir, NULL, err, sizeof err);
    if (s)
        fprintf(stderr, "started on a state it should refuse\n");
    assert_null(s);
    for (const char *const *w = want; *w; w++) {
        if (!strstr(err, *w))
            fprintf(stderr, "'%s' not in: %s\n", *w, err);
        assert_non_null(strstr(err, *w));
    }
    char *after = listing(f->dir);
    assert_string_equal(before, after);
    g_free(before);
    g_free(after);
}

/* A saved state with one object "/bad/k" holding "body!"; its body file's path. */
static char *saved_one(fx *f)
{
    server *s = start_ok(f->dir);
    put(s, "/bad", NULL, 0);
    put(s, "/bad/k", "body!", 5);
    mockaws_stop(s);
    char *hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, "body!", 5);
    char *path = g_build_filename(f->dir, "bodies", hex, NULL);
    g_free(hex);
    assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    return path;
}

static void corrupt_state_is_refused(void **st)
{
    fx *f = *st;
    char *body = saved_one(f);
    char *good = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(f->state, &good, &len, NULL));
    /* not JSON: the line and column */
    write_file(f->state, "{\"namespaces\": [\n  {\"account\": }\n]}\n", -1);
    refused(f, (const char *const[]){f->state, "not valid JSON at line 2", NULL});
    /* torn: the first half of a good file */
    write_file(f->state, good, (gssize)len / 2);
    refused(f, (const char *const[]){f->state, "not valid JSON", NULL});
    /* JSON, but not a state */
    write_file(f->state, "[1, 2]", -1);
    refused(f, (const char *const[]){f->state, "not a saved state", NULL});
    /* a section a service refuses */
    write_file(f->state, "{\"namespaces\": [{\"s3\": {\"buckets\": [{\"name\": \"NO\"}]}}]}", -1);
    refused(f, (const char *const[]){f->state, "bucket name 'NO'", NULL});
    write_file(f->state, good, (gssize)len);
    /* the body altered */
    write_file(body, "body?", -1);
    refused(f, (const char *const[]){f->state, body, "do not match", NULL});
    /* the body missing */
    unlink(body);
    refused(f, (const char *const[]){f->state, body, "No such file", NULL});
    /* put back, it loads */
    write_file(body, "body!", -1);
    server *s = start_ok(f->dir);
    s3r r = s3_call(s, "GET", "/bad/k", NULL, NULL, 0, NULL);
    assert_string_equal(r.body, "body!");
    s3r_free(&r);
    mockaws_stop(s);
    g_free(good);
    g_free(body);
}

static void names_cannot_leave_the_directory(void **st)
{
    fx *f = *st;
    char *body = saved_one(f);
    char *outside = g_build_filename(g_get_tmp_dir(), "mockaws-persist-outside", NULL);
    write_file(outside, "secret", -1);
    char *hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, "secret", -1);
    static const char *const names[] = {"../../../../etc/passwd", "/etc/passwd", "bodies/../state.json",
                                        "bodies/../../mockaws-persist-outside", "bodies/x", "bodies/%s/..",
                                        "bodies/%s"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        char *name = g_strdup_printf(names[i], hex);
        if (i == G_N_ELEMENTS(names) - 1) {
            /* the right name for the bytes, but a symlink to a file outside */
            char *link = g_build_filename(f->dir, "bodies", hex, NULL);
            assert_int_equal(symlink(outside, link), 0);
            g_free(link);
        }
        char *doc = g_strdup_printf("{\"namespaces\": [{\"s3\": {\"buckets\": [{\"name\": \"bad\", \"objects\": "
                                    "[{\"key\": \"k\", \"file\": \"%s\"}]}]}}]}",
                                    name);
        write_file(f->state, doc, -1);
        const char *why = i == G_N_ELEMENTS(names) - 1 ? "not a regular file" : "must name a body";
        refused(f, (const char *const[]){f->state, why, NULL});
        g_free(doc);
        g_free(name);
    }
    /* nor through a bodies directory that is a symlink to one outside */
    char *bodies = g_build_filename(f->dir, "bodies", NULL);
    char *elsewhere = g_dir_make_tmp("mockaws-persist-elsewhere-XXXXXX", NULL);
    char *there = g_build_filename(elsewhere, hex, NULL);
    write_file(there, "secret", -1);
    test_rm_rf(bodies);
    assert_int_equal(symlink(elsewhere, bodies), 0);
    refused(f, (const char *const[]){f->state, "bodies is not a directory", NULL});
    test_rm_rf(elsewhere);
    unlink(outside);
    g_free(elsewhere);
    g_free(there);
    g_free(bodies);
    g_free(outside);
    g_free(hex);
    g_free(body);
}

static void bodies_are_written_once_and_collected(void **st)
{
    fx *f = *st;
    server *s = start_ok(f->dir);
    put(s, "/dedup", NULL, 0);
    char key[32], body[32];
    for (int i = 0; i < 50; i++) {
        g_snprintf(key, sizeof key, "/dedup/k%02d", i);
        g_snprintf(body, sizeof body, "body %d", i % 5); /* five distinct bodies */
        put(s, key, body, strlen(body));
    }
    json_int_t first = save_bytes(s, NULL);
    assert_int_equal(count_bodies(f->dir), 5);
    struct stat st1;
    char *hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, "body 0", -1);
    char *b0 = g_build_filename(f->dir, "bodies", hex, NULL);
    assert_int_equal(stat(b0, &st1), 0);
    /* nothing changed: the second save writes the document alone */
    json_int_t second = save_bytes(s, NULL);
    struct stat sb;
    assert_int_equal(stat(f->state, &sb), 0);
    assert_int_equal(second, sb.st_size);
    assert_int_equal(first, sb.st_size + 5 * 6);
    struct stat st2;
    assert_int_equal(stat(b0, &st2), 0);
    assert_int_equal(st1.st_ino, st2.st_ino); /* the same file, not rewritten */
    /* "body 0" gone from every key: state.prev.json still names it after
     * one save, nothing after two */
    for (int i = 0; i < 50; i += 5) {
        g_snprintf(key, sizeof key, "/dedup/k%02d", i);
        s3r r = s3_call(s, "DELETE", key, NULL, NULL, 0, NULL);
        assert_int_equal(r.status, 204);
        s3r_free(&r);
    }
    char err[512];
    assert_int_equal(mockaws_state_save(s, err, sizeof err), 0);
    assert_true(g_file_test(b0, G_FILE_TEST_EXISTS));
    assert_int_equal(mockaws_state_save(s, err, sizeof err), 0);
    assert_false(g_file_test(b0, G_FILE_TEST_EXISTS));
    assert_int_equal(count_bodies(f->dir), 4);
    mockaws_stop(s);
    g_free(hex);
    g_free(b0);
}

static void a_10_mib_body_makes_the_round_trip(void **st)
{
    fx *f = *st;
    size_t n = (size_t)10 << 20;
    char *big = g_malloc(n);
    GRand *rnd = g_rand_new_with_seed(17);
    for (size_t i = 0; i < n; i += 4) {
        guint32 v = g_rand_int(rnd);
        memcpy(big + i, &v, 4);
    }
    g_rand_free(rnd);
    server *s = start_ok(f->dir);
    put(s, "/big", NULL, 0);
    put(s, "/big/blob", big, n); /* a file-backed body (the spill is 64 bytes) */
    mockaws_stop(s);
    char *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)big, n);
    char *path = g_build_filename(f->dir, "bodies", hex, NULL);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, n);
    s = start_ok(f->dir);
    s3r r = s3_call(s, "GET", "/big/blob", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, n);
    assert_memory_equal(r.body, big, n);
    s3r_free(&r);
    mockaws_stop(s);
    g_free(hex);
    g_free(path);
    g_free(big);
}

static void one_server_per_directory(void **st)
{
    fx *f = *st;
    server *s = start_ok(f->dir);
    char err[512];
    assert_null(start_on(f->dir, NULL, err, sizeof err));
    assert_non_null(strstr(err, "another mockaws server"));
    mockaws_stop(s);
    s = start_ok(f->dir); /* free again */
    mockaws_stop(s);
}

static void the_saved_state_wins_over_fixtures(void **st)
{
    fx *f = *st;
    const char *const fixtures[] = {MOCKAWS_SOURCE_DIR "/fixtures/sns-example.json", NULL};
    char err[512];
    /* none saved: the fixtures load */
    server *s = start_on(f->dir, fixtures, err, sizeof err);
    assert_non_null(s);
    char *state = mockaws_state_json(s);
    assert_non_null(strstr(state, "\"sns\""));
    mockaws_free(state);
    mockaws_reset(s);
    put(s, "/mine", NULL, 0);
    mockaws_stop(s);
    /* saved (without SNS): the fixtures are not loaded over it */
    s = start_on(f->dir, fixtures, err, sizeof err);
    assert_non_null(s);
    state = mockaws_state_json(s);
    assert_non_null(strstr(state, "\"mine\""));
    assert_null(strstr(state, "\"sns\""));
    mockaws_stop(s);
    mockaws_free(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(save_and_restart_give_the_same_state, setup, teardown),
        cmocka_unit_test_setup_teardown(control_endpoint_saves, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_save_leaves_the_previous_state, setup, teardown),
        cmocka_unit_test_setup_teardown(corrupt_state_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(names_cannot_leave_the_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(bodies_are_written_once_and_collected, setup, teardown),
        cmocka_unit_test_setup_teardown(a_10_mib_body_makes_the_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(one_server_per_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(the_saved_state_wins_over_fixtures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
