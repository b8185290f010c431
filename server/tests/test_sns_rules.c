/* SNS's rules for what issue 19 added, without a server: E.164 numbers,
 * SMS length and segments, SMS attributes, filter-policy number limits,
 * platform application and endpoint attributes, data protection policies,
 * AddPermission's statements, and deep copies of the new state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "services/sns/platform.h"
#include "services/sns/policy.h"
#include "services/sns/sms.h"
#include "services/sns/store.h"
#include "test_linear.h"

static void e164(void **st)
{
    (void)st;
    const char *good[] = {"+15555550100", "15555550100", "+442071838750", "+123456789012345", NULL};
    const char *bad[] = {"+1a234", "12", "+0155512345", "NAA+15551234567", "+1234567890123456", "", "+",
                         "+1 555 555 0100", NULL};
    for (int i = 0; good[i]; i++)
        assert_true(sns_e164_ok(good[i]));
    for (int i = 0; bad[i]; i++)
        assert_false(sns_e164_ok(bad[i]));
    assert_false(sns_e164_ok(NULL));
}

static char *repeat(const char *unit, int n)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < n; i++)
        g_string_append(s, unit);
    return g_string_free(s, FALSE);
}

static void sms_length(void **st)
{
    (void)st;
    unsigned seg;
    struct {
        const char *unit;
        int n;
        bool ok;
        unsigned segments;
    } cases[] = {
        {"a", 160, true, 1},  {"a", 161, true, 2},   {"a", 1600, true, 11}, {"a", 1601, false, 0},
        {"\xc3\xa9", 160, true, 1}, /* é is GSM */
        {"\xd0\xb6", 70, true, 1},  {"\xd0\xb6", 71, true, 2}, {"\xd0\xb6", 1600, true, 24},
        {"^", 80, true, 1}, /* GSM's extension table: two septets each */
        {"^", 81, true, 2},
        {"\xf0\x9f\x98\x80", 35, true, 1}, /* an emoji: two UTF-16 units */
        {"\xf0\x9f\x98\x80", 1601, false, 0},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *text = repeat(cases[i].unit, cases[i].n);
        assert_int_equal(sns_sms_text_ok(text, &seg), cases[i].ok);
        if (cases[i].ok)
            assert_int_equal(seg, cases[i].segments);
        g_free(text);
    }
    assert_false(sns_sms_text_ok("\xff\xfe", &seg)); /* not UTF-8 */
}

static void sms_attributes(void **st)
{
    (void)st;
    sns_sms *s = sns_sms_new();
    char err[200];
    json_t *a = json_pack("{s:s, s:s}", "DefaultSMSType", "Transactional", "DefaultSenderID", "Shop1");
    assert_int_equal(sns_sms_set_attributes(s, a, err, sizeof err), 0);
    json_decref(a);
    struct {
        const char *name, *value, *msg;
    } bad[] = {{"Nope", "1", "Nope is not a valid attribute"},
               {"DefaultSenderID", "123", "DefaultSendID is not a valid attribute"},
               {"DefaultSenderID", "abcdefghijkl", "DefaultSendID is not a valid attribute"},
               {"DefaultSenderID", "a-b", "DefaultSendID is not a valid attribute"},
               {"DefaultSMSType", "Loud", "DefaultSMSType is invalid"},
               {"MonthlySpendLimit", "-1", "MonthlySpendLimit is invalid"},
               {"DeliveryStatusSuccessSamplingRate", "101", "DeliveryStatusSuccessSamplingRate is invalid"}};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        /* with a good one beside it, which must not be set either */
        a = json_pack("{s:s, s:s}", "DefaultSMSType", "Promotional", bad[i].name, bad[i].value);
        assert_int_equal(sns_sms_set_attributes(s, a, err, sizeof err), -1);
        assert_string_equal(err, bad[i].msg);
        json_decref(a);
    }
    json_t *filter = json_pack("[s, s]", "DefaultSMSType", "MonthlySpendLimit");
    json_t *got = sns_sms_attributes(s, filter);
    json_t *want = json_pack("{s:s, s:s}", "DefaultSMSType", "Transactional", "MonthlySpendLimit", "1");
    assert_true(json_equal(got, want));
    json_decref(got);
    json_decref(want);
    json_decref(filter);

    /* a snapshot's copy shares nothing */
    sns_sms_opt_out(s, "+15555550100");
    sns_sms *c = sns_sms_clone(s);
    sns_sms_opt_in(s, "+15555550100");
    assert_true(sns_sms_opted_out(c, "+15555550100"));
    assert_false(sns_sms_opted_out(s, "+15555550100"));
    sns_sms_free(c);
    sns_sms_free(s);
}

static void filter_numbers(void **st)
{
    (void)st;
    assert_true(sns_policy_number_ok(1e9));
    assert_true(sns_policy_number_ok(-1e9));
    assert_true(sns_policy_number_ok(0.12345));
    assert_true(sns_policy_number_ok(-999999999.99999));
    assert_false(sns_policy_number_ok(1e9 + 1));
    assert_false(sns_policy_number_ok(-1e10));
    assert_false(sns_policy_number_ok(0.123456));
    char err[300];
    const char *bad[] = {"{\"a\": [1000000001]}", "{\"a\": [{\"numeric\": [\">\", 0.000001]}]}",
                         "{\"a\": [{\"numeric\": [\">\", 0, \"<\", 2e9]}]}", NULL};
    for (int i = 0; bad[i]; i++) {
        assert_null(sns_policy_parse(bad[i], SNS_SCOPE_ATTRIBUTES, err, sizeof err));
        assert_non_null(strstr(err, "Numeric values must be between -1000000000 and 1000000000"));
    }
    sns_policy *p = sns_policy_parse("{\"a\": [{\"numeric\": [\">=\", -1000000000, \"<\", 0.5]}, 7.25]}",
                                     SNS_SCOPE_ATTRIBUTES, err, sizeof err);
    assert_non_null(p);
    sns_policy_free(p);
}

static void platform_rules(void **st)
{
    (void)st;
    char err[400];
    assert_int_equal(sns_app_name_check("ok_name-1.x", err, sizeof err), 0);
    assert_int_equal(sns_app_name_check("", err, sizeof err), -1);
    assert_string_equal(err, " Reason: cannot be empty");
    assert_int_equal(sns_app_name_check("a b", err, sizeof err), -1);
    assert_true(sns_platform_known("APNS_SANDBOX"));
    assert_false(sns_platform_known("apns"));

    struct {
        const char *platform;
        const char *attrs;
        const char *msg; /* NULL: accepted */
    } cases[] = {
        {"GCM", "{\"PlatformCredential\": \"k\"}", NULL},
        {"MPNS", "{}", NULL},
        {"APNS", "{\"PlatformCredential\": \"k\", \"PlatformPrincipal\": \"c\"}", NULL},
        {"APNS", "{\"PlatformCredential\": \"k\"}",
         "Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal"},
        {"ADM", "{\"PlatformPrincipal\": \"p\"}",
         "Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential"},
        {"GCM", "{\"PlatformCredential\": \"k\", \"Colour\": \"red\"}",
         "Attributes Reason: Invalid attribute name: Colour"},
        {"GCM", "{\"PlatformCredential\": \"k\", \"SuccessFeedbackSampleRate\": \"101\"}",
         "Attributes Reason: SuccessFeedbackSampleRate: Invalid value [101]. Must be 0 to 100."},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        json_t *a = json_loads(cases[i].attrs, 0, NULL);
        int rc = sns_app_attributes_check(cases[i].platform, a, true, err, sizeof err);
        assert_int_equal(rc, cases[i].msg ? -1 : 0);
        if (cases[i].msg)
            assert_string_equal(err, cases[i].msg);
        json_decref(a);
    }

    json_t *bad = json_pack("{s:s}", "Enabled", "yes");
    assert_int_equal(sns_endpoint_attributes_check(bad, err, sizeof err), -1);
    json_decref(bad);

    /* tokens index endpoints; a copy is deep */
    sns_platform *p = sns_platform_new();
    json_t *none = json_object();
    sns_app *app = sns_app_put(p, "arn:aws:sns:us-east-1:123456789012:app/GCM/a", "a", "GCM", none);
    json_decref(none);
    char *earn = sns_endpoint_arn(app, "u-1");
    assert_string_equal(earn, "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/a/u-1");
    sns_endpoint *e = sns_endpoint_add(p, app, earn, json_pack("{s:s, s:s}", "Enabled", "true", "Token", "t1"));
    assert_ptr_equal(sns_endpoint_by_token(app, "t1"), e);
    json_t *change = json_pack("{s:s}", "Token", "t2");
    sns_endpoint_set_attributes(e, change);
    json_decref(change);
    assert_null(sns_endpoint_by_token(app, "t1"));
    assert_ptr_equal(sns_endpoint_by_token(app, "t2"), e);
    sns_platform *c = sns_platform_clone(p);
    sns_endpoint_remove(p, e);
    assert_null(sns_endpoint_find(p, earn));
    assert_non_null(sns_endpoint_find(c, earn));
    assert_non_null(sns_endpoint_by_token(sns_app_find(c, app->arn), "t2"));
    g_free(earn);
    sns_platform_free(c);
    sns_platform_free(p);
}

static void data_protection(void **st)
{
    (void)st;
    char err[200];
    assert_int_equal(sns_data_protection_check("{\"Name\": \"n\", \"Version\": \"2021-06-01\", \"Statement\": [{}]}",
                                               err, sizeof err),
                     0);
    const char *bad[] = {"nope", "[]", "{\"Name\": \"n\", \"Version\": \"2021-06-01\", \"Statement\": []}",
                         "{\"Version\": \"2021-06-01\", \"Statement\": [{}]}",
                         "{\"Name\": \"n\", \"Version\": \"2012-10-17\", \"Statement\": [{}]}",
                         "{\"Name\": \"n\", \"Version\": \"2021-06-01\", \"Statement\": [{}], \"Extra\": 1}",
                         "{\"Name\": \"n\", \"Version\": \"2021-06-01\", \"Statement\": [1]}", NULL};
    for (int i = 0; bad[i]; i++) {
        assert_int_equal(sns_data_protection_check(bad[i], err, sizeof err), -1);
        assert_true(g_str_has_prefix(err, "DataProtectionPolicy Reason: "));
    }
}

static void permissions(void **st)
{
    (void)st;
    sns_state *s = sns_state_new(false);
    sns_topic *t = sns_topic_add(s, "arn:aws:sns:us-east-1:123456789012:t", "t", false);
    char err[200];
    json_t *accounts = json_pack("[s]", "111122223333"), *actions = json_pack("[s]", "Publish");
    assert_int_equal(sns_topic_add_permission(t, "123456789012", "L", accounts, actions, err, sizeof err), 0);
    assert_int_equal(sns_topic_add_permission(t, "123456789012", "L", accounts, actions, err, sizeof err), -1);
    assert_string_equal(err, "Statement already exists");
    json_t *policy = json_loads(svc_str(t->attrs, "Policy"), 0, NULL);
    json_t *added = json_array_get(json_object_get(policy, "Statement"), 1);
    json_t *want = json_pack("{s:s, s:s, s:{s:s}, s:s, s:s}", "Sid", "L", "Effect", "Allow", "Principal", "AWS",
                             "arn:aws:iam::111122223333:root", "Action", "SNS:Publish", "Resource", t->arn);
    assert_true(json_equal(added, want));
    json_decref(want);
    json_decref(policy);
    json_t *bad_account = json_pack("[s]", "12");
    assert_int_equal(sns_topic_add_permission(t, "123456789012", "M", bad_account, actions, err, sizeof err), -1);
    json_decref(bad_account);
    sns_topic_remove_permission(t, "123456789012", "L");
    sns_topic_remove_permission(t, "123456789012", "L");
    policy = json_loads(svc_str(t->attrs, "Policy"), 0, NULL);
    assert_int_equal(json_array_size(json_object_get(policy, "Statement")), 1);
    json_decref(policy);
    json_decref(accounts);
    json_decref(actions);
    sns_state_free(s);
}

/* SMS text checks are linear in the text's length. */
static void sms_check_work(void *ctx, int n)
{
    (void)ctx;
    char *text = repeat("\xd0\xb6", n);
    unsigned seg;
    assert_false(sns_sms_text_ok(text, &seg) && n > SNS_SMS_MAX_CHARS);
    g_free(text);
}

static void sms_check_is_linear(void **st)
{
    (void)st;
    assert_true(linear_in_size(sms_check_work, NULL, 1 << 20));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(e164),
        cmocka_unit_test(sms_length),
        cmocka_unit_test(sms_attributes),
        cmocka_unit_test(filter_numbers),
        cmocka_unit_test(platform_rules),
        cmocka_unit_test(data_protection),
        cmocka_unit_test(permissions),
        cmocka_unit_test(sms_check_is_linear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
