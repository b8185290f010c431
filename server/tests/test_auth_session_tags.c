/* An assumed role's session tags under --auth enforce, through the
 * pipeline with signed requests: the credential entry's session_tags
 * (core/server.h) are the caller's aws:PrincipalTag/KEY, over its role's
 * tag of the same key (core/enforce.c), and a credential without them has
 * its role's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_signed_call.h"

#define ROLE "arn:aws:iam::123456789012:role/reader"

/* a role tagged blue that may read the objects of bkt when its caller's team is red */
static const char fixture[] =
    "{\"account\":\"123456789012\",\"iam\":{\"roles\":[{\"RoleName\":\"reader\","
    "\"Tags\":[{\"Key\":\"team\",\"Value\":\"blue\"}],"
    "\"AssumeRolePolicyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
    "\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"sts:AssumeRole\"}]},"
    "\"Policies\":{\"read\":{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
    "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bkt/*\","
    "\"Condition\":{\"StringEquals\":{\"aws:PrincipalTag/team\":\"red\"}}}]}}}]}}";

static int setup(void **st)
{
    server *s = signed_server_start(MOCKAWS_AUTH_ENFORCE, fixture);
    *st = s;
    if (!s)
        return -1;
    const req_spec mk[] = {{.service = "s3", .method = "PUT", .path = "/bkt", .key = "test", .secret = "test"},
                           {.service = "s3", .method = "PUT", .path = "/bkt/k", .body = "x", .key = "test",
                            .secret = "test"}};
    for (size_t i = 0; i < G_N_ELEMENTS(mk); i++) {
        result r = send_req(s, &mk[i]);
        int status = r.status;
        g_free(r.body);
        if (status != 200)
            return -1;
    }
    return 0;
}

static int teardown(void **st)
{
    mockaws_stop(*st);
    return 0;
}

/* A session of the role with these session tags (NULL: none): the status
 * of its GetObject of bkt/k. */
static int session_get(server *s, const char *key, const char *session_tags)
{
    server_cred_add(s, &(server_cred){.access_key = (char *)key,
                                      .account = "123456789012",
                                      .arn = "arn:aws:sts::123456789012:assumed-role/reader/s",
                                      .user_id = "AROAREADER:s",
                                      .secret = "sessionsecret",
                                      .session_token = "tok",
                                      .role_arn = ROLE,
                                      .session_tags = (char *)session_tags});
    req_spec rs = {.service = "s3", .method = "GET", .path = "/bkt/k", .key = key, .secret = "sessionsecret",
                   .token = "tok"};
    result r = send_req(s, &rs);
    g_free(r.body);
    return r.status;
}

static void session_tags_over_the_roles(void **st)
{
    server *s = *st;
    /* the role's own tag (blue) */
    assert_int_equal(session_get(s, "ASIASESSION000000001", NULL), 403);
    /* the session's tag wins over the role's of the same key, in any case */
    assert_int_equal(session_get(s, "ASIASESSION000000002", "{\"tags\":{\"Team\":\"red\"},\"transitive\":[]}"), 200);
    assert_int_equal(session_get(s, "ASIASESSION000000003", "{\"tags\":{\"team\":\"green\"},\"transitive\":[]}"),
                     403);
    /* another key leaves the role's */
    assert_int_equal(session_get(s, "ASIASESSION000000004", "{\"tags\":{\"cost\":\"red\"},\"transitive\":[]}"), 403);
    /* what is no JSON object holds no tags */
    assert_int_equal(session_get(s, "ASIASESSION000000005", "not json"), 403);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(session_tags_over_the_roles, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
