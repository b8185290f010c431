/* What --auth keeps between requests, through the pipeline with signed
 * requests: the SigV4 signing key per (secret, date, region, service)
 * (core/auth.c) and enforce's decisions per (caller, action, resource)
 * (core/enforce.h), which a policy write must make it forget at once and
 * which a decision that read a condition key never comes from. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "test_signed_call.h"

#define USER_KEY "AKIAUSERCACHE0000001"
#define USER_SECRET "user/secret/for/tests/only/000000000000"
#define ALLOW_READ                                                                                                    \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","                  \
    "\"Resource\":\"arn:aws:s3:::bkt/*\"}]}"
#define DENY_READ                                                                                                     \
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\","                   \
    "\"Resource\":\"arn:aws:s3:::bkt/*\"}]}"

static const char fixture[] = "{\"account\":\"123456789012\",\"iam\":{\"users\":[{\"UserName\":\"u\","
                              "\"AccessKeys\":[{\"AccessKeyId\":\"" USER_KEY "\",\"SecretAccessKey\":\"" USER_SECRET
                              "\",\"Status\":\"Active\"}],\"Policies\":{\"read\":" ALLOW_READ "}}]}}";

static int start(void **st, mockaws_auth_mode mode)
{
    *st = signed_server_start(mode, fixture);
    return *st ? 0 : -1;
}

/* an enforcing server with the user, and the object bkt/k the root made */
static int enforce_setup(void **st)
{
    if (start(st, MOCKAWS_AUTH_ENFORCE) != 0)
        return -1;
    const req_spec mk[] = {{.service = "s3", .method = "PUT", .path = "/bkt", .key = "test", .secret = "test"},
                           {.service = "s3", .method = "PUT", .path = "/bkt/k", .body = "x", .key = "test",
                            .secret = "test"}};
    for (size_t i = 0; i < G_N_ELEMENTS(mk); i++) {
        result r = send_req(*st, &mk[i]);
        int status = r.status;
        if (status != 200)
            fprintf(stderr, "setup %zu: %d %s\n", i, status, r.body);
        g_free(r.body);
        if (status != 200)
            return -1;
    }
    return 0;
}

static int verify_setup(void **st) { return start(st, MOCKAWS_AUTH_VERIFY); }

static int teardown(void **st)
{
    mockaws_stop(*st);
    return 0;
}

/* The user's GetObject of bkt/k: its status. */
static int user_get(server *s)
{
    req_spec rs = {.service = "s3", .method = "GET", .path = "/bkt/k", .key = USER_KEY, .secret = USER_SECRET};
    result r = send_req(s, &rs);
    g_free(r.body);
    return r.status;
}

/* An IAM call of the root's: Action=action&UserName=u&PolicyName=read and
 * the document, if any. */
static void root_iam(server *s, const char *action, const char *doc)
{
    char *esc = doc ? g_uri_escape_string(doc, NULL, FALSE) : NULL;
    char *body = g_strdup_printf("Action=%s&Version=2010-05-08&UserName=u&PolicyName=read%s%s", action,
                                 esc ? "&PolicyDocument=" : "", esc ? esc : "");
    req_spec rs = {.service = "iam", .method = "POST", .path = "/", .body = body, .key = "test", .secret = "test"};
    result r = send_req(s, &rs);
    if (r.status != 200)
        fail_msg("%s: %d %s", action, r.status, r.body);
    g_free(r.body);
    g_free(body);
    g_free(esc);
}

static int root_s3(server *s, const char *method, const char *query, const char *body)
{
    req_spec rs = {.service = "s3", .method = method, .path = "/bkt", .query = query, .body = body, .key = "test",
                   .secret = "test"};
    result r = send_req(s, &rs);
    g_free(r.body);
    return r.status;
}

/* The journal's authz of every GetObject, oldest first (g_strfreev). */
static char **get_authz(server *s)
{
    char *text = mockaws_journal_json(s, "{\"operation\":\"GetObject\"}");
    json_t *j = json_loads(text, 0, NULL);
    json_t *entries = json_object_get(j, "entries");
    char **out = g_new0(char *, json_array_size(entries) + 1);
    for (size_t i = 0; i < json_array_size(entries); i++) {
        const char *a = json_string_value(json_object_get(json_array_get(entries, i), "authz"));
        out[i] = g_strdup(a ? a : "(none)");
    }
    json_decref(j);
    free(text);
    return out;
}

static void identity_policy_writes_forget(void **st)
{
    server *s = *st;
    mockaws_journal_clear(s);
    assert_int_equal(user_get(s), 200);
    assert_int_equal(user_get(s), 200); /* the kept decision, explained the same */
    char **authz = get_authz(s);
    assert_int_equal(g_strv_length(authz), 2);
    assert_string_equal(authz[0], "s3:GetObject on arn:aws:s3:::bkt/k: allowed by Statement[0] of the identity-based "
                                  "policy");
    assert_string_equal(authz[1], authz[0]);
    g_strfreev(authz);

    root_iam(s, "PutUserPolicy", DENY_READ);
    assert_int_equal(user_get(s), 403);
    root_iam(s, "PutUserPolicy", ALLOW_READ);
    assert_int_equal(user_get(s), 200);
    root_iam(s, "DeleteUserPolicy", NULL);
    assert_int_equal(user_get(s), 403);
    assert_int_equal(user_get(s), 403); /* the kept implicit deny */
    root_iam(s, "PutUserPolicy", ALLOW_READ);
    assert_int_equal(user_get(s), 200);
}

static void bucket_policy_writes_forget(void **st)
{
    server *s = *st;
    assert_int_equal(user_get(s), 200);
    assert_int_equal(root_s3(s, "PUT", "policy",
                             "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"NoU\",\"Effect\":\"Deny\","
                             "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:user/u\"},\"Action\":\"s3:GetObject\","
                             "\"Resource\":\"arn:aws:s3:::bkt/*\"}]}"),
                     204);
    assert_int_equal(user_get(s), 403);
    assert_int_equal(root_s3(s, "DELETE", "policy", NULL), 204);
    assert_int_equal(user_get(s), 200);
}

/* A statement with a Condition: decided anew each time, so the clock
 * alone (no write) turns the Allow into a deny. */
static void conditioned_never_kept(void **st)
{
    server *s = *st;
    char until[32];
    GDateTime *t = g_date_time_new_from_unix_utc(mockaws_clock_now_ms(s) / 1000 + 3600);
    char *f = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
    g_strlcpy(until, f, sizeof until);
    g_free(f);
    g_date_time_unref(t);
    char *doc = g_strdup_printf("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                                "\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\",\"Condition\":{\"DateLessThan\":"
                                "{\"aws:CurrentTime\":\"%s\"}}}]}",
                                until);
    root_iam(s, "PutUserPolicy", doc);
    g_free(doc);
    assert_int_equal(user_get(s), 200);
    assert_int_equal(user_get(s), 200);
    mockaws_clock_advance(s, 2 * 3600 * 1000);
    assert_int_equal(user_get(s), 403);
}

/* Each part of the signing key's scope and its secret tells cached keys
 * apart: a key kept for one and used for another fails the signature. */
static void signing_key_per_secret_date_region_service(void **st)
{
    server *s = *st;
    req_spec base = {.service = "dynamodb", .method = "POST", .path = "/", .body = "{}", .key = "test",
                     .secret = "test"};
    req_spec v[5] = {base, base, base, base, base};
    v[1].region = "eu-west-1";                           /* the region */
    v[2].service = "s3", v[2].method = "GET", v[2].body = NULL; /* the service */
    v[3].key = USER_KEY, v[3].secret = USER_SECRET;      /* the secret */
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < 4; i++) {
            for (int twice = 0; twice < 2; twice++) {
                result r = send_req(s, &v[i]);
                if (r.status != 200)
                    fail_msg("variant %zu, round %d: %d %s", i, round, r.status, r.body);
                g_free(r.body);
            }
        }
        mockaws_clock_advance(s, 24 * 3600 * 1000); /* the date */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(identity_policy_writes_forget, enforce_setup, teardown),
        cmocka_unit_test_setup_teardown(bucket_policy_writes_forget, enforce_setup, teardown),
        cmocka_unit_test_setup_teardown(conditioned_never_kept, enforce_setup, teardown),
        cmocka_unit_test_setup_teardown(signing_key_per_secret_date_region_service, verify_setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
