/* The table of AWS services mockaws does not serve (core/unserved.c): a
 * signing name several models share resolves by the request's shape, and
 * each protocol's envelope is the one its SDK parses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/unserved.h"

static void lookup_by_shape(void **st)
{
    (void)st;
    assert_null(unserved_lookup("nosuchservice", NULL, false, "/"));
    assert_null(unserved_lookup("", NULL, false, "/"));
    assert_string_equal(unserved_lookup("lambda", NULL, false, "/")->protocol, "rest-json");
    assert_string_equal(unserved_lookup("route53", NULL, false, "/")->protocol, "rest-xml");
    assert_string_equal(unserved_lookup("monitoring", NULL, false, "/")->service_id, "CloudWatch");
    /* "ses" signs SES (query), SESv2 and Pinpoint Email (rest-json), Mail Manager (json) */
    assert_string_equal(unserved_lookup("ses", NULL, true, "/")->service_id, "SES");
    assert_string_equal(unserved_lookup("ses", "MailManagerSvc.ListAddonInstances", false, "/")->service_id,
                        "MailManager");
    assert_string_equal(unserved_lookup("ses", NULL, false, "/")->protocol, "rest-json");
    /* REST models of one name, told apart by their paths */
    assert_string_equal(unserved_lookup("ses", NULL, false, "/v2/email/identities")->service_id, "SESv2");
    assert_string_equal(unserved_lookup("ses", NULL, false, "/v1/email/identities")->service_id, "Pinpoint Email");
    assert_string_equal(unserved_lookup("apigateway", NULL, false, "/v2/apis")->service_id, "ApiGatewayV2");
    assert_string_equal(unserved_lookup("apigateway", NULL, false, "/restapis")->service_id, "API Gateway");
    /* a target prefix is matched whole, not as a prefix of a longer one */
    const unserved_service *k = unserved_lookup("kinesis", "Kinesis_2013.ListStreams", false, "/");
    assert_string_equal(k->service_id, "Kinesis");
}

static http_request with(http_header *h, size_t n)
{
    return (http_request){.method = "POST", .path = "/", .query = "", .host = "localhost", .headers = h,
                          .nheaders = n, .body = ""};
}

static void envelopes(void **st)
{
    (void)st;
    const unserved_service *kms = unserved_lookup("kms", "TrentService.ListKeys", false, "/");
    http_header json_h[] = {{"x-amz-target", "TrentService.ListKeys"},
                            {"content-type", "application/x-amz-json-1.1"}};
    http_request req = with(json_h, 2);
    http_response stored, *resp = &stored;
    http_response_init(resp);
    assert_string_equal(unserved_answer(kms, &req, false, "s3", "rid", resp), "NotImplemented");
    assert_int_equal(resp->status, 501);
    assert_string_equal(http_response_header(resp, "x-amzn-ErrorType"), "NotImplemented");
    assert_string_equal(http_response_header(resp, "Content-Type"), "application/x-amz-json-1.1");
    assert_string_equal(resp->body->str, "{\"__type\":\"NotImplemented\",\"message\":\"mockaws does not serve KMS "
                                         "(signing name 'kms'); it serves s3\"}");
    http_response_clear(resp);

    /* a message with markup characters stays well-formed XML */
    const unserved_service *r53 = unserved_lookup("route53", NULL, false, "/");
    req = with(NULL, 0);
    http_response_init(resp);
    unserved_answer(r53, &req, false, "<s3&>", "rid", resp);
    assert_non_null(strstr(resp->body->str, "<Code>NotImplemented</Code><Message>mockaws does not serve Route 53 "
                                            "(signing name &apos;route53&apos;); it serves &lt;s3&amp;&gt;</Message>"));
    assert_non_null(strstr(resp->body->str, "<RequestId>rid</RequestId></ErrorResponse>"));
    http_response_clear(resp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lookup_by_shape),
        cmocka_unit_test(envelopes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
