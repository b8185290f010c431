/* respolicy: a resource policy's answer to "may this AWS service act on
 * the resource for this source", as S3 asks an event destination. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>

#include "services/respolicy.h"

#define TOPIC "arn:aws:sns:us-east-1:123456789012:t"

static const respolicy_request s3_publish = {.service = "s3.amazonaws.com",
                                             .action = "sns:Publish",
                                             .resource = TOPIC,
                                             .source_arn = "arn:aws:s3:::photos",
                                             .source_account = "123456789012"};

static bool allows(const char *statement)
{
    char *doc = g_strdup_printf("{\"Version\":\"2012-10-17\",\"Statement\":[%s]}", statement);
    bool ok = respolicy_allows(doc, &s3_publish);
    g_free(doc);
    return ok;
}

static void principals_and_actions(void **state)
{
    (void)state;
    assert_true(allows("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"},"
                       "\"Action\":\"SNS:Publish\",\"Resource\":\"" TOPIC "\"}"));
    assert_true(allows("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sns:*\",\"Resource\":\"*\"}"));
    assert_true(allows("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":[\"sns:Subscribe\","
                       "\"sns:Pub?ish\"],\"Resource\":\"arn:aws:sns:*:123456789012:*\"}"));
    /* another service, another action, another resource */
    assert_false(allows("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"events.amazonaws.com\"},"
                        "\"Action\":\"sns:Publish\",\"Resource\":\"" TOPIC "\"}"));
    assert_false(allows("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sns:Subscribe\",\"Resource\":\"*\"}"));
    assert_false(allows("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sns:Publish\","
                        "\"Resource\":\"arn:aws:sns:us-east-1:123456789012:other\"}"));
    /* an account's principals are not a service */
    assert_false(allows("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},"
                        "\"Action\":\"sns:Publish\",\"Resource\":\"" TOPIC "\"}"));
}

static void conditions(void **state)
{
    (void)state;
    assert_true(allows("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sns:Publish\",\"Resource\":\"*\","
                       "\"Condition\":{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:s3:::pho*\"},"
                       "\"StringEquals\":{\"aws:SourceAccount\":\"123456789012\"}}}"));
    assert_false(allows("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sns:Publish\",\"Resource\":\"*\","
                        "\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:s3:::other\"}}}"));
    /* SNS's default policy: a key S3's request does not carry */
    assert_false(allows("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"SNS:Publish\","
                        "\"Resource\":\"" TOPIC "\",\"Condition\":{\"StringEquals\":{\"AWS:SourceOwner\":"
                        "\"123456789012\"}}}"));
    /* ...unless IfExists */
    assert_true(allows("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sns:Publish\",\"Resource\":\"*\","
                       "\"Condition\":{\"StringEqualsIfExists\":{\"AWS:SourceOwner\":\"1\"}}}"));
    assert_true(allows("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sns:Publish\",\"Resource\":\"*\","
                       "\"Condition\":{\"ArnNotLike\":{\"aws:SourceArn\":\"arn:aws:s3:::secret*\"}}}"));
}

static void deny_wins_and_bad_documents(void **state)
{
    (void)state;
    assert_false(allows("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"},"
                        "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"sns:Publish\",\"Resource\":\"*\"}"));
    assert_false(respolicy_allows(NULL, &s3_publish));
    assert_false(respolicy_allows("not json", &s3_publish));
    assert_false(respolicy_allows("{\"Statement\":\"x\"}", &s3_publish));
    /* one statement as an object, not a list */
    assert_true(respolicy_allows("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sns:Publish\","
                                 "\"Resource\":\"*\"}}",
                                 &s3_publish));
    /* many stars against a long resource: no blow-up */
    GString *p = g_string_new("arn:");
    for (int i = 0; i < 200; i++)
        g_string_append(p, "*a");
    g_string_append(p, "b");
    GString *res = g_string_new("arn:");
    for (int i = 0; i < 5000; i++)
        g_string_append_c(res, 'a');
    respolicy_request r = s3_publish;
    r.resource = res->str;
    char *doc = g_strdup_printf("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sns:Publish\","
                                "\"Resource\":\"%s\"}}",
                                p->str);
    assert_false(respolicy_allows(doc, &r));
    g_free(doc);
    g_string_free(p, TRUE);
    g_string_free(res, TRUE);
}

/* NotPrincipal, NotAction and NotResource are evaluated as IAM does (they
 * were once taken never to apply) */
static void negated_elements(void **state)
{
    (void)state;
    /* deny everyone but EventBridge: S3 is denied */
    assert_false(allows("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sns:Publish\",\"Resource\":\"*\"},"
                        "{\"Effect\":\"Deny\",\"NotPrincipal\":{\"Service\":\"events.amazonaws.com\"},"
                        "\"Action\":\"sns:Publish\",\"Resource\":\"*\"}"));
    assert_true(allows("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":\"sns:Subscribe\","
                       "\"NotResource\":\"arn:aws:sns:us-east-1:123456789012:other\"}"));
    assert_false(allows("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":\"sns:Pub*\",\"Resource\":\"*\"}"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(principals_and_actions),
        cmocka_unit_test(conditions),
        cmocka_unit_test(deny_wins_and_bad_documents),
        cmocka_unit_test(negated_elements),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
