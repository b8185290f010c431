/* embed_test: two mockaws servers embedded in one process, driven over HTTP
 * with libcurl and through the C API. Checks that each answers STS, that
 * their journals and state are their own, that fixtures load through the API,
 * and that both stop cleanly (run under valgrind too, for leaks). */
#include <mockaws.h>

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            failures++;                                                                    \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fputc('\n', stderr);                                                           \
        }                                                                                  \
    } while (0)

typedef struct buf {
    char *data;
    size_t len;
} buf;

static size_t collect(char *ptr, size_t size, size_t n, void *userdata)
{
    buf *b = userdata;
    size_t add = size * n;
    char *grown = realloc(b->data, b->len + add + 1);
    if (!grown)
        return 0;
    b->data = grown;
    memcpy(b->data + b->len, ptr, add);
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

/* POSTs an STS form with a signed-looking Authorization header for key.
 * Returns the HTTP status (0 on transport failure); body and headers are the
 * caller's to free. */
static long sts_post(const char *endpoint, const char *key, const char *form, buf *body,
                     buf *headers)
{
    CURL *c = curl_easy_init();
    if (!c)
        return 0;
    char auth[256];
    snprintf(auth, sizeof auth,
             "Authorization: AWS4-HMAC-SHA256 Credential=%s/20261129/us-east-1/sts/aws4_request, "
             "SignedHeaders=host;x-amz-date, Signature=00",
             key);
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, auth);
    h = curl_slist_append(h, "X-Amz-Date: 20261129T000000Z");
    h = curl_slist_append(h, "Content-Type: application/x-www-form-urlencoded; charset=utf-8");
    h = curl_slist_append(h, "amz-sdk-invocation-id: 0f0e0d0c-0b0a-4908-8706-050403020100");
    h = curl_slist_append(h, "amz-sdk-request: attempt=1; max=3");
    char url[256];
    snprintf(url, sizeof url, "%s/", endpoint);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L); /* generous: valgrind and a loaded machine are slow */
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    long status = 0;
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    else
        fprintf(stderr, "curl %s: %s\n", url, curl_easy_strerror(rc));
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

/* Is there a header line named name (lowercase) in the raw response headers? */
static int has_header(const char *headers, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = headers; line && *line;) {
        size_t i = 0;
        while (i < n && line[i] && (line[i] | 0x20) == name[i])
            i++;
        if (i == n && line[n] == ':')
            return 1;
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return 0;
}

static const char *GCI = "Action=GetCallerIdentity&Version=2011-06-15";

/* One GetCallerIdentity; checks the status and that the account is in the XML. */
static void expect_identity(mockaws *m, const char *key, const char *account)
{
    buf body = {0}, headers = {0};
    long status = sts_post(mockaws_endpoint(m), key, GCI, &body, &headers);
    CHECK(status == 200, "GetCallerIdentity on %s answered %ld: %s", mockaws_endpoint(m), status,
          body.data ? body.data : "");
    char want[64];
    snprintf(want, sizeof want, "<Account>%s</Account>", account);
    CHECK(body.data && strstr(body.data, want), "want %s in %s", want, body.data ? body.data : "");
    CHECK(body.data && strstr(body.data, "GetCallerIdentityResponse"), "root element: %s",
          body.data ? body.data : "");
    CHECK(has_header(headers.data, "x-amzn-requestid"), "no x-amzn-RequestId header in:\n%s",
          headers.data ? headers.data : "");
    free(body.data);
    free(headers.data);
}

static void test_endpoints(mockaws *a, mockaws *b)
{
    CHECK(mockaws_port(a) != 0 && mockaws_port(b) != 0, "ports %u %u", mockaws_port(a),
          mockaws_port(b));
    CHECK(mockaws_port(a) != mockaws_port(b), "two servers, one port %u", mockaws_port(a));
    char want[64];
    snprintf(want, sizeof want, "http://127.0.0.1:%u", mockaws_port(a));
    CHECK(strcmp(mockaws_endpoint(a), want) == 0, "endpoint %s, want %s", mockaws_endpoint(a),
          want);
    CHECK(mockaws_version() && mockaws_version()[0], "version");
}

static void test_isolation(mockaws *a, mockaws *b)
{
    expect_identity(a, "AKIDEXAMPLE", "123456789012");
    expect_identity(a, "111122223333", "111122223333");
    expect_identity(b, "444455556666", "444455556666");

    size_t na = mockaws_journal_count(a, "sts", "GetCallerIdentity", NULL);
    size_t nb = mockaws_journal_count(b, "sts", "GetCallerIdentity", NULL);
    CHECK(na == 2, "server A journal has %zu GetCallerIdentity, want 2", na);
    CHECK(nb == 1, "server B journal has %zu GetCallerIdentity, want 1", nb);
    CHECK(mockaws_journal_count(a, NULL, NULL, NULL) == 2, "A total %zu",
          mockaws_journal_count(a, NULL, NULL, NULL));
    CHECK(mockaws_journal_count(a, "sts", "AssumeRole", NULL) == 0, "A AssumeRole");
    CHECK(mockaws_journal_count(a, "sts", NULL, "ValidationError") == 0, "A errors");

    /* The journal as JSON: B's entry carries B's account and the SDK headers. */
    char *j = mockaws_journal_json(b, "{\"service\": \"sts\"}");
    CHECK(j && strstr(j, "\"444455556666\""), "B journal: %s", j ? j : "(null)");
    CHECK(j && !strstr(j, "111122223333"), "B journal shows A's caller: %s", j ? j : "(null)");
    CHECK(j && strstr(j, "0f0e0d0c-0b0a-4908-8706-050403020100"), "invocation id: %s",
          j ? j : "(null)");
    mockaws_free(j);

    /* An error lands in the journal with its code. */
    buf body = {0}, headers = {0};
    long status = sts_post(mockaws_endpoint(b), "AKIDEXAMPLE",
                           "Action=AssumeRole&Version=2011-06-15&RoleSessionName=s", &body,
                           &headers);
    CHECK(status == 400, "AssumeRole without RoleArn answered %ld", status);
    CHECK(body.data && strstr(body.data, "<ErrorResponse"), "error envelope: %s",
          body.data ? body.data : "");
    free(body.data);
    free(headers.data);
    CHECK(mockaws_journal_count(b, "sts", "AssumeRole", NULL) == 1, "B AssumeRole count");
    CHECK(mockaws_journal_count(a, "sts", "AssumeRole", NULL) == 0, "A sees B's AssumeRole");

    mockaws_journal_clear(a);
    CHECK(mockaws_journal_count(a, NULL, NULL, NULL) == 0, "A cleared");
    CHECK(mockaws_journal_count(b, NULL, NULL, NULL) == 2, "clearing A cleared B: %zu",
          mockaws_journal_count(b, NULL, NULL, NULL));
}

static void test_control(mockaws *a)
{
    char *out = NULL;
    int status = mockaws_control(a, "GET", "health", NULL, &out);
    CHECK(status == 200, "control GET health: %d", status);
    CHECK(out && strstr(out, "\"ok\""), "health body: %s", out ? out : "(null)");
    mockaws_free(out);

    out = NULL;
    status = mockaws_control(a, "GET", "no-such-endpoint", NULL, &out);
    CHECK(status == 404, "control GET no-such-endpoint: %d", status);
    mockaws_free(out);
}

static void test_fixtures(mockaws *a, mockaws *b)
{
    char err[512] = "";
    CHECK(mockaws_load_fixtures_json(a, "{\"account\": \"123456789012\", \"region\": \"us-east-1\"}",
                                     err, sizeof err) == 0,
          "minimal fixture refused: %s", err);

    err[0] = '\0';
    CHECK(mockaws_load_fixtures_json(a, "{not json", err, sizeof err) == -1, "bad JSON accepted");
    CHECK(err[0] != '\0', "no message for bad JSON");

    err[0] = '\0';
    CHECK(mockaws_load_fixtures_file(a, "/nonexistent/fixtures.json", err, sizeof err) == -1,
          "missing file accepted");
    CHECK(strstr(err, "/nonexistent/fixtures.json") != NULL, "message does not name the file: %s",
          err);

    /* A state dump is a fixture: A's state loads into B. */
    char *state = mockaws_state_json(a);
    CHECK(state && state[0] == '{', "state dump: %s", state ? state : "(null)");
    if (state) {
        err[0] = '\0';
        CHECK(mockaws_load_fixtures_json(b, state, err, sizeof err) == 0,
              "B refused A's state dump: %s", err);
    }
    mockaws_free(state);

    /* Fixtures leave the journal alone; reset empties it. */
    mockaws_reset(b);
    CHECK(mockaws_journal_count(b, NULL, NULL, NULL) == 0, "reset left %zu entries",
          mockaws_journal_count(b, NULL, NULL, NULL));
    expect_identity(b, "AKIDEXAMPLE", "123456789012");
}

static void test_clock(mockaws *a)
{
    CHECK(mockaws_clock_virtual(a, 1) == 0, "virtual clock");
    int64_t t0 = mockaws_clock_now_ms(a);
    mockaws_clock_advance(a, 60000);
    int64_t t1 = mockaws_clock_now_ms(a);
    CHECK(t1 - t0 == 60000, "advanced %lld ms, want 60000", (long long)(t1 - t0));
    CHECK(mockaws_clock_virtual(a, 0) == 0, "real clock");
}

int main(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "curl_global_init failed\n");
        return 1;
    }
    char err[512] = "";
    mockaws_options opts = {.host = "127.0.0.1", .port = 0, .seed = 42, .threads = 2};
    mockaws *a = mockaws_start(&opts, err, sizeof err);
    if (!a) {
        fprintf(stderr, "FAIL: mockaws_start A: %s\n", err);
        return 1;
    }
    mockaws *b = mockaws_start(NULL, err, sizeof err);
    if (!b) {
        fprintf(stderr, "FAIL: mockaws_start B: %s\n", err);
        mockaws_stop(a);
        return 1;
    }

    /* Starting on a port that is taken fails with a message, not a crash. */
    mockaws_options taken = {.host = "127.0.0.1", .port = mockaws_port(a)};
    err[0] = '\0';
    mockaws *c = mockaws_start(&taken, err, sizeof err);
    CHECK(c == NULL, "second server on port %u started", mockaws_port(a));
    CHECK(err[0] != '\0', "no message for a taken port");
    mockaws_stop(c);

    test_endpoints(a, b);
    test_isolation(a, b);
    test_control(a);
    test_fixtures(a, b);
    test_clock(a);

    mockaws_stop(a);
    mockaws_stop(b);
    mockaws_stop(NULL);
    curl_global_cleanup();

    if (failures) {
        fprintf(stderr, "embed_test: %d check(s) failed\n", failures);
        return 1;
    }
    printf("embed_test: all checks passed\n");
    return 0;
}
