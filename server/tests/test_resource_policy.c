/* svc_def.resource_policy: the policy --auth enforce evaluates beside the
 * caller's own, as the services store it: an S3 bucket's policy for the
 * bucket and its objects, an SNS topic's (its default one included). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "state/ns.h"
#include "test_s3_call.h"

#define POLICY "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\"," \
               "\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::pol/*\"}]}"

/* The policy of resource_arn as service svc answers it, in the default
 * namespace, and its owner. */
static json_t *policy_of(server *s, const char *svc, const char *arn, char owner[13])
{
    const svc_def *def = services_find(svc);
    assert_non_null(def->resource_policy);
    ns *n = ns_get(s->ns, def, "123456789012", "us-east-1");
    g_rw_lock_reader_lock(&n->lock);
    json_t *doc = def->resource_policy(n->state, "123456789012", "us-east-1", arn, owner);
    g_rw_lock_reader_unlock(&n->lock);
    return doc;
}

static void bucket_policy(void **st)
{
    server *s = *st;
    char owner[13] = "";
    s3_ok(s, "PUT", "/pol", NULL, NULL);
    assert_null(policy_of(s, "s3", "arn:aws:s3:::pol", owner)); /* none yet */
    s3_ok(s, "PUT", "/pol", "policy", POLICY);
    json_t *doc = policy_of(s, "s3", "arn:aws:s3:::pol/any/key", owner);
    assert_non_null(doc);
    assert_string_equal(owner, "123456789012");
    json_t *want = json_loads(POLICY, 0, NULL);
    assert_true(json_equal(doc, want));
    json_decref(want);
    json_decref(doc);
    assert_null(policy_of(s, "s3", "arn:aws:s3:::missing/k", owner));
    assert_null(policy_of(s, "s3", "arn:aws:sns:us-east-1:123456789012:t", owner));
}

static void topic_policy(void **st)
{
    server *s = *st;
    char owner[13] = "";
    const char *form = "Action=CreateTopic&Version=2010-03-31&Name=t";
    s3r r = s3_call(s, "POST", "/", NULL, form, strlen(form), "authorization",
                    "AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/sns/aws4_request, SignedHeaders=host, "
                    "Signature=0",
                    "content-type", "application/x-www-form-urlencoded", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    /* the default policy: the owner's account may act on its topic */
    json_t *doc = policy_of(s, "sns", "arn:aws:sns:us-east-1:123456789012:t", owner);
    assert_non_null(doc);
    assert_string_equal(owner, "123456789012");
    json_t *st0 = json_array_get(json_object_get(doc, "Statement"), 0);
    assert_string_equal(json_string_value(json_object_get(st0, "Effect")), "Allow");
    assert_non_null(json_object_get(json_object_get(st0, "Condition"), "StringEquals"));
    json_decref(doc);
    assert_null(policy_of(s, "sns", "arn:aws:sns:us-east-1:123456789012:none", owner));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bucket_policy),
        cmocka_unit_test(topic_policy),
    };
    return cmocka_run_group_tests(tests, s3_setup, s3_teardown);
}
