/* The control plane's guard and the files fixtures may name: what an
 * attacker (a web page the developer visits, or anyone on the network)
 * tried against the server, each refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "test_tmpdir.h"
#include "core/fsref.h"
#include "core/jtext.h"
#include "core/pipeline.h"
#include "core/server.h"
#include "test_s3_call.h"

/* A control request as it comes off the network: method, path, body (or
 * NULL), then header name/value pairs ending with NULL; "host" among them
 * sets the Host (default localhost:4566). Returns the status; *body (if
 * not NULL) gets the answer, which must always be a JSON document. */
static int ctl(server *s, const char *method, const char *path, const char *body, char **out, ...)
{
    http_header h[16];
    size_t n = 0;
    const char *host = "localhost:4566";
    va_list ap;
    va_start(ap, out);
    for (const char *name; n < 15 && (name = va_arg(ap, const char *));) {
        const char *value = va_arg(ap, const char *);
        if (strcmp(name, "host") == 0)
            host = value;
        h[n++] = (http_header){(char *)name, (char *)value};
    }
    va_end(ap);
    const char *q = strchr(path, '?');
    char *p = q ? g_strndup(path, (gsize)(q - path)) : g_strdup(path);
    http_request req = {.method = method, .path = p, .query = q ? q + 1 : "", .host = host, .headers = h,
                        .nheaders = n, .body = body ? body : "", .body_len = body ? strlen(body) : 0};
    http_response resp;
    http_response_init(&resp);
    pipeline_outcome oc;
    pipeline_handle(s, &req, 1, false, &resp, &oc);
    size_t len;
    const char *b = http_response_body(&resp, &len);
    json_error_t je;
    json_t *doc = json_loadb(b, len, 0, &je);
    if (!doc)
        fail_msg("%s %s answered %d with a body that is not JSON: '%.*s'", method, path, resp.status, (int)len, b);
    json_decref(doc);
    if (out)
        *out = g_strndup(b, len);
    int status = resp.status;
    http_response_clear(&resp);
    g_free(p);
    return status;
}

#define JSON_CT "content-type", "application/json"

typedef struct fx {
    char *dir;     /* a scratch directory */
    char *inside;  /* <dir>/fixtures: the server's fixtures directory */
    char *secret;  /* <dir>/secret.txt: outside it */
} fx;

static char *write_file(const char *dir, const char *name, const char *text)
{
    char *path = g_build_filename(dir, name, NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

static int fx_setup(void **st)
{
    fx *f = g_new0(fx, 1);
    f->dir = g_dir_make_tmp("mockaws-control-XXXXXX", NULL);
    f->inside = g_build_filename(f->dir, "fixtures", NULL);
    g_mkdir(f->inside, 0700);
    f->secret = write_file(f->dir, "secret.txt", "SECRETTOKEN and more\n");
    g_free(write_file(f->inside, "blob.txt", "inside bytes"));
    g_free(write_file(f->inside, "notjson.txt", "SECRETTOKEN\n"));
    g_free(write_file(f->inside, "fx.json", "{\"s3\": {\"buckets\": [{\"name\": \"from-fx\", \"objects\": "
                                            "[{\"key\": \"k\", \"file\": \"blob.txt\"}]}]}}"));
    char *link = g_build_filename(f->inside, "escape", NULL);
    assert_int_equal(symlink(f->secret, link), 0);
    g_free(link);
    char *devlink = g_build_filename(f->inside, "zero", NULL);
    assert_int_equal(symlink("/dev/zero", devlink), 0);
    g_free(devlink);
    /* larger than the cap, but sparse: costs no disk */
    char *big = g_build_filename(f->inside, "big.bin", NULL);
    int fd = open(big, O_CREAT | O_WRONLY, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)FSREF_MAX_FILE + 1), 0);
    close(fd);
    g_free(big);
    *st = f;
    return 0;
}

static int fx_teardown(void **st)
{
    fx *f = *st;
    test_rm_rf(f->dir);
    g_free(f->dir);
    g_free(f->inside);
    g_free(f->secret);
    g_free(f);
    return 0;
}

static server *start(const mockaws_options *o)
{
    char err[256];
    server *s = mockaws_start(o, err, sizeof err);
    if (!s)
        fail_msg("start: %s", err);
    return s;
}

static char *state_with_file(const char *file)
{
    json_t *d = json_pack("{s:{s:[{s:s, s:[{s:s, s:s}]}]}}", "s3", "buckets", "name", "filebkt", "objects", "key",
                          "k", "file", file);
    char *t = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    return t;
}

/* POST /_mockaws/state naming a file: refused, the file not echoed. */
static void expect_state_refused(server *s, const char *file, const char *why)
{
    char *body = state_with_file(file), *out = NULL;
    int status = ctl(s, "POST", "/_mockaws/state", body, &out, JSON_CT, NULL);
    if (status != 400)
        fail_msg("state naming %s answered %d: %s", file, status, out);
    if (!strstr(out, why))
        fail_msg("state naming %s: message does not say '%s': %s", file, why, out);
    assert_null(strstr(out, "root:"));
    assert_null(strstr(out, "SECRETTOKEN"));
    free(body);
    g_free(out);
}

static void control_api_names_no_files_by_default(void **st)
{
    fx *f = *st;
    server *s = start(NULL);
    expect_state_refused(s, "/etc/passwd", "may not name files");
    expect_state_refused(s, "../../etc/hostname", "may not name files");
    expect_state_refused(s, "/proc/self/environ", "may not name files");
    expect_state_refused(s, "/dev/zero", "may not name files");
    expect_state_refused(s, f->secret, "may not name files");
    /* the C door is the control API too */
    char *body = state_with_file("/etc/passwd"), *out = NULL;
    assert_int_equal(mockaws_control(s, "POST", "state", body, &out), 400);
    assert_null(strstr(out, "root:"));
    mockaws_free(out);
    free(body);
    /* and a scenario naming a file echoes nothing of it */
    char *sc = g_strdup_printf("{\"fixtures\": \"%s\"}", f->secret);
    assert_int_equal(ctl(s, "POST", "/_mockaws/scenario", sc, &out, JSON_CT, NULL), 400);
    assert_null(strstr(out, "SECRETTOKEN"));
    assert_non_null(strstr(out, "may not name files"));
    g_free(out);
    g_free(sc);
    assert_int_equal(ctl(s, "POST", "/_mockaws/scenario", "{\"fixtures\": \"/etc/shadow\"}", &out, JSON_CT, NULL),
                     400);
    g_free(out);
    mockaws_stop(s);
}

static void fixtures_dir_confines_files(void **st)
{
    fx *f = *st;
    mockaws_options o = {.fixtures_dir = f->inside};
    server *s = start(&o);
    expect_state_refused(s, "/etc/passwd", "outside");
    expect_state_refused(s, "../../etc/hostname", "outside");
    expect_state_refused(s, "../secret.txt", "outside");
    expect_state_refused(s, f->secret, "outside");
    expect_state_refused(s, "escape", "symlink");
    expect_state_refused(s, "zero", "symlink");
    expect_state_refused(s, "big.bin", "larger than");
    expect_state_refused(s, ".", "not a regular file");
    expect_state_refused(s, "missing.bin", "No such file");
    /* a file inside is fine, relative or absolute */
    char *body = state_with_file("blob.txt"), *out = NULL;
    assert_int_equal(ctl(s, "POST", "/_mockaws/state", body, &out, JSON_CT, NULL), 200);
    g_free(out);
    free(body);
    char *abs = g_build_filename(f->inside, "blob.txt", NULL);
    body = state_with_file(abs);
    assert_int_equal(ctl(s, "POST", "/_mockaws/state", body, &out, JSON_CT, NULL), 200);
    g_free(out);
    free(body);
    g_free(abs);
    s3r r = s3_call(s, "GET", "/filebkt/k", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "inside bytes");
    s3r_free(&r);
    /* a scenario's fixture file inside, and the files it names beside it */
    assert_int_equal(ctl(s, "POST", "/_mockaws/scenario", "{\"fixtures\": \"fx.json\"}", &out, JSON_CT, NULL), 200);
    g_free(out);
    r = s3_call(s, "GET", "/from-fx/k", NULL, NULL, 0, NULL);
    assert_string_equal(r.body, "inside bytes");
    s3r_free(&r);
    /* a file that is not JSON: where, never what */
    assert_int_equal(ctl(s, "POST", "/_mockaws/scenario", "{\"fixtures\": \"notjson.txt\"}", &out, JSON_CT, NULL),
                     400);
    assert_non_null(strstr(out, "line 1"));
    assert_null(strstr(out, "SECRETTOKEN"));
    g_free(out);
    assert_int_equal(ctl(s, "POST", "/_mockaws/scenario", "{\"fixtures\": \"../secret.txt\"}", &out, JSON_CT, NULL),
                     400);
    assert_null(strstr(out, "SECRETTOKEN"));
    g_free(out);
    mockaws_stop(s);

    /* /dev/zero from a directory that holds it: not a regular file, refused at once */
    mockaws_options dev = {.fixtures_dir = "/dev"};
    s = start(&dev);
    expect_state_refused(s, "zero", "not a regular file");
    mockaws_stop(s);

    /* a fixtures directory that is none fails the start */
    char err[256];
    mockaws_options bad = {.fixtures_dir = f->secret};
    assert_null(mockaws_start(&bad, err, sizeof err));
    assert_non_null(strstr(err, "not a directory"));
}

/* Fixture files the command line or C caller names: their own files lie
 * in their directory. */
static void fixture_files_name_files_beside_them(void **st)
{
    fx *f = *st;
    server *s = start(NULL);
    char err[512];
    char *fxs[] = {
        g_strdup_printf("{\"s3\": {\"buckets\": [{\"name\": \"bkt-1\", \"objects\": [{\"key\": \"k\", \"file\": \"%s\"}]}]}}",
                        f->secret),
        g_strdup("{\"s3\": {\"buckets\": [{\"name\": \"bkt-1\", \"objects\": [{\"key\": \"k\", \"file\": \"../secret.txt\"}]}]}}"),
        g_strdup("{\"s3\": {\"buckets\": [{\"name\": \"bkt-1\", \"objects\": [{\"key\": \"k\", \"file\": \"escape\"}]}]}}"),
        g_strdup("{\"s3\": {\"buckets\": [{\"name\": \"bkt-1\", \"objects\": [{\"key\": \"k\", \"file\": \"zero\"}]}]}}"),
    };
    for (size_t i = 0; i < G_N_ELEMENTS(fxs); i++) {
        char *path = write_file(f->inside, "named.json", fxs[i]);
        err[0] = '\0';
        if (mockaws_load_fixtures_file(s, path, err, sizeof err) == 0)
            fail_msg("fixture %s was loaded", fxs[i]);
        assert_null(strstr(err, "SECRETTOKEN"));
        g_free(path);
        g_free(fxs[i]);
    }
    char *ok = g_build_filename(f->inside, "fx.json", NULL);
    assert_int_equal(mockaws_load_fixtures_file(s, ok, err, sizeof err), 0);
    g_free(ok);
    /* a scenario file the same way */
    char *scp = write_file(f->inside, "sc.json", "{\"fixtures\": \"../secret.txt\"}");
    assert_int_not_equal(mockaws_scenario_load_file(s, scp, err, sizeof err), 0);
    assert_null(strstr(err, "SECRETTOKEN"));
    g_free(scp);
    /* a directory whose name is not UTF-8 is a directory all the same */
    char *odd = g_build_filename(f->dir, "odd\xff", NULL);
    g_mkdir(odd, 0700);
    g_free(write_file(odd, "blob.txt", "odd bytes"));
    g_free(write_file(odd, "fx.json", "{\"s3\": {\"buckets\": [{\"name\": \"odd-dir\", \"objects\": "
                                       "[{\"key\": \"k\", \"file\": \"blob.txt\"}]}]}}"));
    char *oddsc = write_file(odd, "sc.json", "{\"fixtures\": \"fx.json\"}");
    if (mockaws_scenario_load_file(s, oddsc, err, sizeof err) != 0)
        fail_msg("scenario in a directory named with a byte that is not UTF-8: %s", err);
    s3r r = s3_call(s, "GET", "/odd-dir/k", NULL, NULL, 0, NULL);
    assert_string_equal(r.body, "odd bytes");
    s3r_free(&r);
    g_free(oddsc);
    g_free(odd);
    /* the JSON call: files in the fixtures directory only */
    mockaws_stop(s);
    mockaws_options o = {.fixtures_dir = f->inside};
    s = start(&o);
    if (mockaws_load_fixtures_json(
            s, "{\"s3\": {\"buckets\": [{\"name\": \"bkt-2\", \"objects\": [{\"key\": \"k\", \"file\": \"blob.txt\"}]}]}}",
            err, sizeof err) != 0)
        fail_msg("a file in the fixtures directory: %s", err);
    assert_int_not_equal(mockaws_load_fixtures_json(s, "{\"s3\": {\"buckets\": [{\"name\": \"bkt-3\", \"objects\": [{\"key\": "
                                                       "\"k\", \"file\": \"/etc/passwd\"}]}]}}",
                                                    err, sizeof err),
                         0);
    assert_non_null(strstr(err, "outside"));
    mockaws_stop(s);
}

static void host_rules(void **st)
{
    mockaws_options o = {.allow_hosts = (const char *const[]){"mock.example.com", ".corp.example", NULL}};
    server *s = start(&o);
    const char *ok[] = {"localhost:4566", "LOCALHOST", "127.0.0.1:4566", "127.9.9.9", "[::1]:4566", "::1",
                        "bucket.localhost:4566", "mockaws:4566", "mockaws", "10.0.0.7:4566", "localhost.",
                        "mock.example.com:4566", "a.corp.example", "corp.example", "127.0.0.1"};
    for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
        char *out;
        int st2 = ctl(s, "GET", "/_mockaws/journal", NULL, &out, "host", ok[i], NULL);
        if (st2 != 200)
            fail_msg("Host %s answered %d: %s", ok[i], st2, out);
        g_free(out);
    }
    const char *bad[] = {"evil.example.com:4566", "attacker.test", "localhost.evil.com", "127.0.0.1.nip.io:4566",
                         "mock.example.com.evil.net", "xcorp.example"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        char *out;
        int st2 = ctl(s, "POST", "/_mockaws/reset", NULL, &out, "host", bad[i], NULL);
        if (st2 != 403)
            fail_msg("Host %s answered %d: %s", bad[i], st2, out);
        g_free(out);
        assert_int_equal(ctl(s, "GET", "/_mockaws/state", NULL, NULL, "host", bad[i], NULL), 403);
        assert_int_equal(ctl(s, "GET", "/_localstack/health", NULL, NULL, "host", bad[i], NULL), 403);
        assert_int_equal(ctl(s, "POST", "/moto-api/reset", NULL, NULL, "host", bad[i], NULL), 403);
    }
    /* the AWS traffic is not the control API: any Host */
    s3r r = s3_call(s, "PUT", "/anyhost", NULL, NULL, 0, "host", "evil.example.com:4566", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    r = s3_call(s, "GET", "/", NULL, NULL, 0, "host", "anyhost.s3.amazonaws.com.evil.example", NULL);
    assert_int_not_equal(r.status, 403);
    s3r_free(&r);
    mockaws_stop(s);

    /* its own --host name */
    mockaws_options own = {.host = "localhost"};
    s = start(&own);
    assert_int_equal(ctl(s, "GET", "/_mockaws/health", NULL, NULL, "host", "localhost:1", NULL), 200);
    mockaws_stop(s);
}

static void browser_requests_are_refused(void **st)
{
    server *s = start(NULL);
    char *out;
    /* a cross-origin page */
    assert_int_equal(ctl(s, "POST", "/_mockaws/reset", NULL, &out, "origin", "http://evil.example.com", NULL), 403);
    assert_non_null(strstr(out, "origin"));
    g_free(out);
    assert_int_equal(ctl(s, "GET", "/_mockaws/state", NULL, NULL, "origin", "null", NULL), 403);
    assert_int_equal(ctl(s, "POST", "/_mockaws/state", "{}", NULL, JSON_CT, "origin", "http://localhost:3000", NULL),
                     403);
    /* its own origin is fine */
    assert_int_equal(ctl(s, "POST", "/_mockaws/state", "{}", NULL, JSON_CT, "origin", "http://localhost:4566", NULL),
                     200);
    /* bodies a form or a no-preflight fetch can send */
    const char *cts[] = {"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                         "multipart/form-data; boundary=x", "application/jsonx", ""};
    for (size_t i = 0; i < G_N_ELEMENTS(cts); i++) {
        int st2 = ctl(s, "POST", "/_mockaws/faults", "{\"service\": \"s3\", \"error\": \"SlowDown\"}", &out,
                      "content-type", cts[i], NULL);
        if (st2 != 415)
            fail_msg("content-type '%s' answered %d: %s", cts[i], st2, out);
        g_free(out);
    }
    assert_int_equal(ctl(s, "POST", "/_mockaws/reset", NULL, NULL, "content-type", "text/plain", NULL), 415);
    assert_int_equal(ctl(s, "DELETE", "/_mockaws/faults", NULL, NULL, "content-type", "text/plain", NULL), 415);
    assert_int_equal(ctl(s, "POST", "/_mockaws/clock", "{\"advance_ms\": 1}", NULL, "content-type",
                         "Application/JSON; charset=utf-8", NULL),
                     200);
    assert_int_equal(ctl(s, "POST", "/_mockaws/reset", NULL, NULL, NULL), 200);
    /* reads take any content type */
    assert_int_equal(ctl(s, "GET", "/_mockaws/journal", NULL, NULL, "content-type", "text/plain", NULL), 200);
    /* the S3 API takes what browsers send (a POST policy upload is a form) */
    s3r r = s3_call(s, "PUT", "/formbkt", NULL, NULL, 0, "origin", "http://evil.example.com", "content-type",
                    "text/plain", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    mockaws_stop(s);
}

static void token_when_set(void **st)
{
    mockaws_options o = {.control_token = "s3cr3t"};
    server *s = start(&o);
    char *out;
    assert_int_equal(ctl(s, "POST", "/_mockaws/reset", NULL, &out, NULL), 401);
    assert_non_null(strstr(out, "token"));
    g_free(out);
    assert_int_equal(ctl(s, "GET", "/_mockaws/journal", NULL, NULL, "x-mockaws-control-token", "wrong", NULL), 401);
    assert_int_equal(ctl(s, "GET", "/_mockaws/journal", NULL, NULL, "x-mockaws-control-token", "s3cr3t0", NULL), 401);
    assert_int_equal(ctl(s, "GET", "/_mockaws/journal", NULL, NULL, "x-mockaws-control-token", "s3cr3", NULL), 401);
    assert_int_equal(ctl(s, "GET", "/_mockaws/journal", NULL, NULL, "authorization", "Bearer nope", NULL), 401);
    assert_int_equal(ctl(s, "POST", "/moto-api/reset", NULL, NULL, NULL), 401);
    assert_int_equal(ctl(s, "POST", "/_mockaws/reset", NULL, NULL, "x-mockaws-control-token", "s3cr3t", NULL), 200);
    assert_int_equal(ctl(s, "POST", "/_mockaws/reset", NULL, NULL, "authorization", "Bearer s3cr3t", NULL), 200);
    /* the token stands in for the Host check (a server shared on a network) */
    assert_int_equal(ctl(s, "GET", "/_mockaws/state", NULL, NULL, "host", "mock.team.example.com:4566",
                         "x-mockaws-control-token", "s3cr3t", NULL),
                     200);
    assert_int_equal(ctl(s, "GET", "/_mockaws/state", NULL, NULL, "host", "mock.team.example.com:4566", NULL), 401);
    /* but not for the browser rules */
    assert_int_equal(ctl(s, "POST", "/_mockaws/reset", NULL, NULL, "x-mockaws-control-token", "s3cr3t", "origin",
                         "http://evil.example.com", NULL),
                     403);
    /* readiness probes need no secret */
    assert_int_equal(ctl(s, "GET", "/_mockaws/health", NULL, NULL, NULL), 200);
    assert_int_equal(ctl(s, "GET", "/_localstack/health", NULL, NULL, NULL), 200);
    /* the C caller needs none */
    assert_int_equal(mockaws_control(s, "POST", "reset", NULL, &out), 200);
    mockaws_free(out);
    mockaws_stop(s);
}

/* One PutObject with metadata that is not UTF-8 once emptied GET /_mockaws/state. */
static void bytes_that_are_not_utf8_keep_their_documents(void **st)
{
    server *s = start(NULL);
    s3r r = s3_call(s, "PUT", "/rawbkt", NULL, NULL, 0, NULL);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/rawbkt/meta", NULL, "x", 1, "x-amz-meta-a", "\xff\xfe", "content-type", "te\xffxt",
                    NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/rawbkt/meta2", NULL, "z", 1, "x-amz-meta-b", "\xff", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    /* S3 takes only UTF-8 keys over the wire, but a fixture may hold any */
    char err[256];
    assert_int_equal(mockaws_load_fixtures_json(
                         s, "{\"s3\": {\"buckets\": [{\"name\": \"rawbkt\", \"objects\": [{\"key_base64\": \"a/9leQ==\", \"body\": \"y\"}]}]}}",
                         err, sizeof err),
                     0);

    char *state = NULL;
    assert_int_equal(ctl(s, "GET", "/_mockaws/state", NULL, &state, NULL), 200);
    json_t *doc = json_loads(state, 0, NULL);
    assert_non_null(doc);
    json_t *objs = json_object_get(
        json_array_get(json_object_get(json_object_get(json_array_get(json_object_get(doc, "namespaces"), 0), "s3"),
                                       "buckets"),
                       0),
        "objects");
    assert_int_equal(json_array_size(objs), 3);
    json_t *raw = json_array_get(objs, 0), *meta = json_array_get(objs, 1);
    assert_string_equal(json_string_value(json_object_get(raw, "key_base64")), "a/9leQ==");
    assert_string_equal(json_string_value(json_object_get(raw, "key")), "k\xEF\xBF\xBD" "ey");
    json_t *md = json_object_get(meta, "metadata");
    assert_string_equal(json_string_value(json_object_get(md, "a")), "\xEF\xBF\xBD\xEF\xBF\xBD");
    assert_string_equal(json_string_value(json_object_get(md, "a_base64")), "//4=");
    assert_string_equal(json_string_value(json_object_get(meta, "content_type_base64")), "dGX/eHQ=");
    json_decref(doc);
    /* the dump loads back as it was: the bytes, not their replacement */
    char *c_dump = mockaws_state_json(s);
    mockaws_reset(s);
    char *out;
    if (ctl(s, "POST", "/_mockaws/state", state, &out, JSON_CT, NULL) != 200)
        fail_msg("the dump did not load back: %s", out);
    g_free(out);
    r = s3_call(s, "GET", "/rawbkt/meta", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "x");
    s3r_free(&r);
    r = s3_call(s, "GET", "/rawbkt/meta2", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(s3r_header(&r, "x-amz-meta-b"), "\xff");
    s3r_free(&r);
    char *again = mockaws_state_json(s);
    assert_string_equal(again, c_dump);
    mockaws_free(again);
    mockaws_free(c_dump);
    g_free(state);
    assert_int_not_equal(mockaws_load_fixtures_json(
                             s, "{\"s3\": {\"buckets\": [{\"name\": \"rawbkt\", \"objects\": [{\"key_base64\": \"!!\"}]}]}}",
                             err, sizeof err),
                         0);
    mockaws_stop(s);
}

static void journal_keeps_entries_with_any_bytes(void **st)
{
    server *s = start(NULL);
    s3r r = s3_call(s, "PUT", "/jbkt", NULL, NULL, 0, NULL);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/jbkt/%FF%FE", NULL, "x", 1, "amz-sdk-invocation-id", "inv\xff", NULL);
    s3r_free(&r);
    /* a service in the credential scope that is not UTF-8 */
    r = s3_call(s, "GET", "/", NULL, NULL, 0, "authorization",
                "AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/s\xff/aws4_request, SignedHeaders=host, "
                "Signature=0",
                NULL);
    assert_int_equal(r.status, 400);
    json_t *err = json_loads(r.body, 0, NULL);
    assert_non_null(err);
    assert_string_equal(json_string_value(json_object_get(err, "__type")), "UnknownService");
    json_decref(err);
    s3r_free(&r);
    char *out;
    assert_int_equal(ctl(s, "GET", "/_mockaws/journal", NULL, &out, NULL), 200);
    json_t *doc = json_loads(out, 0, NULL);
    json_t *entries = json_object_get(doc, "entries");
    assert_int_equal(json_array_size(entries), 3);
    json_t *put = json_array_get(entries, 1), *unknown = json_array_get(entries, 2);
    assert_string_equal(json_string_value(json_object_get(put, "resource_base64")),
                        "amJrdC///g=="); /* "jbkt/\xff\xfe" */
    assert_string_equal(json_string_value(json_object_get(put, "invocation_id_base64")), "aW52/w==");
    assert_string_equal(json_string_value(json_object_get(unknown, "service_base64")), "c/8=");
    json_decref(doc);
    g_free(out);
    mockaws_stop(s);
}

static void control_paths_with_any_bytes_answer_json(void **st)
{
    server *s = start(NULL);
    char *out;
    assert_int_equal(ctl(s, "GET", "/_mockaws/\xff\xfe", NULL, &out, NULL), 404);
    assert_non_null(strstr(out, "no control endpoint"));
    g_free(out);
    assert_int_equal(ctl(s, "DELETE", "/_mockaws/faults/\xff", NULL, &out, NULL), 404);
    g_free(out);
    assert_int_equal(ctl(s, "GET", "/_mockaws/journal?since=\xff", NULL, &out, NULL), 400);
    g_free(out);
    assert_int_equal(ctl(s, "GET", "/_mockaws/health", NULL, NULL, "host", "evil\xff.example.com", NULL), 403);
    assert_int_equal(ctl(s, "POST", "/_mockaws/reset", NULL, NULL, "content-type", "text/\xff", NULL), 415);
    mockaws_stop(s);
}

static void log_lines_carry_the_seq(void **st)
{
    FILE *log = tmpfile();
    mockaws_options o = {.log_level = MOCKAWS_LOG_INFO, .log_format = MOCKAWS_LOG_JSON, .log_stream = log};
    server *s = start(&o);
    for (int i = 0; i < 3; i++) {
        s3r r = s3_call(s, "GET", i == 2 ? "/%FF" : "/", NULL, NULL, 0, NULL);
        s3r_free(&r);
    }
    mockaws_stop(s);
    rewind(log);
    char line[4096];
    int n = 0;
    while (fgets(line, sizeof line, log)) {
        json_t *o2 = json_loads(line, 0, NULL);
        if (!o2)
            fail_msg("log line is not JSON: %s", line);
        n++;
        assert_int_equal(json_integer_value(json_object_get(o2, "seq")), n);
        json_decref(o2);
    }
    assert_int_equal(n, 3);
    fclose(log);
}

static void jtext_round_trip(void **st)
{
    json_t *o = json_pack("{s:o, s:[o], s:s}", "k", json_stringn_nocheck("a\xff\0b", 4), "list",
                          json_stringn_nocheck("\xc3", 1), "ok", "fine");
    assert_null(json_dumps(o, 0));
    char *t = jtext_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    assert_string_equal(t, "{\"k\":\"a\\uFFFD\\u0000b\",\"k_base64\":\"Yf8AYg==\",\"list\":[\"\\uFFFD\"],\"ok\":\"fine\"}");
    /* the tree given is not changed: it may be live state */
    assert_int_equal(json_string_length(json_object_get(o, "k")), 4);
    json_t *back = json_loads(t, JSON_ALLOW_NUL, NULL);
    jtext_restore(back);
    assert_int_equal(json_string_length(json_object_get(back, "k")), 4);
    assert_memory_equal(json_string_value(json_object_get(back, "k")), "a\xff\0b", 4);
    assert_null(json_object_get(back, "k_base64"));
    json_decref(back);
    free(t);
    json_decref(o);
    /* a pair that jtext_set would not write stays as it is */
    json_t *d = json_pack("{s:s, s:s, s:s, s:s}", "body", "x", "body_base64", "eA==", "m", "\xEF\xBF\xBD", "m_base64",
                          "/w=!");
    jtext_restore(d);
    assert_string_equal(json_string_value(json_object_get(d, "body_base64")), "eA==");
    assert_string_equal(json_string_value(json_object_get(d, "m_base64")), "/w=!");
    json_decref(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(control_api_names_no_files_by_default),
        cmocka_unit_test(fixtures_dir_confines_files),
        cmocka_unit_test(fixture_files_name_files_beside_them),
        cmocka_unit_test(host_rules),
        cmocka_unit_test(browser_requests_are_refused),
        cmocka_unit_test(token_when_set),
        cmocka_unit_test(bytes_that_are_not_utf8_keep_their_documents),
        cmocka_unit_test(journal_keeps_entries_with_any_bytes),
        cmocka_unit_test(control_paths_with_any_bytes_answer_json),
        cmocka_unit_test(log_lines_carry_the_seq),
        cmocka_unit_test(jtext_round_trip),
    };
    return cmocka_run_group_tests(tests, fx_setup, fx_teardown);
}
