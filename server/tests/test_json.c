/* wire_json beyond the conformance vectors: what DynamoDB answers to bad
 * requests, and the error namespaces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "wire/wire.h"

static const char model_text[] =
    "{\"metadata\": {\"protocol\": \"json\", \"targetPrefix\": \"DynamoDB_20120810\","
    "  \"x-mockaws-error-namespace\": \"com.amazonaws.dynamodb.v20120810#\","
    "  \"x-mockaws-error-namespaces\": {\"ValidationException\": \"com.amazon.coral.validate#\"}},"
    " \"operations\": {\"Scan\": {\"name\": \"Scan\", \"input\": {\"shape\": \"ScanInput\"},"
    "                            \"output\": {\"shape\": \"ScanOutput\"}}},"
    " \"shapes\": {"
    "  \"ScanInput\": {\"type\": \"structure\", \"members\": {"
    "    \"TableName\": {\"shape\": \"S\"}, \"Limit\": {\"shape\": \"I\"},"
    "    \"ConsistentRead\": {\"shape\": \"B\"}, \"Key\": {\"shape\": \"Blob\"},"
    "    \"Names\": {\"shape\": \"L\"}, \"When\": {\"shape\": \"T\"}}},"
    "  \"ScanOutput\": {\"type\": \"structure\", \"members\": {"
    "    \"Count\": {\"shape\": \"I\"}, \"Ratio\": {\"shape\": \"D\"}, \"When\": {\"shape\": \"T\"},"
    "    \"Iso\": {\"shape\": \"T\", \"timestampFormat\": \"iso8601\"},"
    "    \"Renamed\": {\"shape\": \"S\", \"locationName\": \"renamed_on_wire\"}}},"
    "  \"ResourceNotFoundException\": {\"type\": \"structure\", \"exception\": true,"
    "    \"members\": {\"message\": {\"shape\": \"S\"}}},"
    "  \"TransactionCanceledException\": {\"type\": \"structure\", \"exception\": true,"
    "    \"members\": {\"Message\": {\"shape\": \"S\"}, \"CancellationReasons\": {\"shape\": \"L\"}}},"
    "  \"S\": {\"type\": \"string\"}, \"I\": {\"type\": \"integer\"}, \"B\": {\"type\": \"boolean\"},"
    "  \"D\": {\"type\": \"double\"}, \"T\": {\"type\": \"timestamp\"}, \"Blob\": {\"type\": \"blob\"},"
    "  \"L\": {\"type\": \"list\", \"member\": {\"shape\": \"S\"}}}}";

static int setup(void **state)
{
    char err[256];
    model *m = model_load(model_text, strlen(model_text), err, sizeof err);
    if (!m)
        fail_msg("%s", err);
    *state = m;
    return 0;
}

static int teardown(void **state)
{
    model_free(*state);
    return 0;
}

static http_request request(const char *target, const char *body, http_header *h)
{
    h->name = (char *)"x-amz-target";
    h->value = (char *)target;
    http_request r = {.method = "POST", .path = "/", .query = "", .host = "",
                      .headers = h, .nheaders = target ? 1 : 0,
                      .body = body, .body_len = strlen(body)};
    return r;
}

static void test_operation_name(void **state)
{
    const model *m = *state;
    http_header h;
    char buf[64];
    aws_error err = AWS_ERROR_INIT;

    http_request r = request("DynamoDB_20120810.Scan", "{}", &h);
    assert_string_equal(wire_json.operation_name(m, &r, buf, sizeof buf, &err), "Scan");

    const char *bad[] = {NULL, "", "Scan", "DynamoDB_20120810.", "Other_20120810.Scan", ".Scan"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = request(bad[i], "{}", &h);
        assert_null(wire_json.operation_name(m, &r, buf, sizeof buf, &err));
        assert_string_equal(err.code, "UnknownOperationException");
        assert_int_equal(err.status, 400);
        aws_error_clear(&err);
    }
}

static void expect_serialization_error(const model *m, const char *body, const char *message)
{
    http_header h;
    aws_error err = AWS_ERROR_INIT;
    json_t *in = NULL;
    http_request r = request("DynamoDB_20120810.Scan", body, &h);
    if (wire_json.parse_request(m, "Scan", &r, &in, &err) != -1)
        fail_msg("accepted: %s", body);
    assert_null(in);
    assert_string_equal(err.code, "SerializationException");
    assert_int_equal(err.status, 400);
    if (message)
        assert_string_equal(err.message, message);
    aws_error_clear(&err);
}

static void test_parse_request_errors(void **state)
{
    const model *m = *state;
    /* not JSON, or nothing at all: the bare exception, no library text */
    expect_serialization_error(m, "{", NULL);
    expect_serialization_error(m, "", NULL);
    expect_serialization_error(m, "  \n", NULL);
    expect_serialization_error(m, "[]", "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.ScanInput");
    expect_serialization_error(m, "{\"TableName\": {}}", "Start of structure or map found where not expected");
    expect_serialization_error(m, "{\"TableName\": 5}", "NUMBER_VALUE cannot be converted to String");
    expect_serialization_error(m, "{\"TableName\": 5.5}", "DECIMAL_VALUE cannot be converted to String");
    expect_serialization_error(m, "{\"TableName\": true}", "TRUE_VALUE cannot be converted to String");
    expect_serialization_error(m, "{\"TableName\": []}", "Unrecognized collection type class java.lang.String");
    expect_serialization_error(m, "{\"Limit\": \"5\"}", "STRING_VALUE cannot be converted to Integer");
    expect_serialization_error(m, "{\"Limit\": false}", "FALSE_VALUE cannot be converted to Integer");
    expect_serialization_error(m, "{\"Limit\": 4294967296}", NULL);
    expect_serialization_error(m, "{\"ConsistentRead\": \"maybe\"}", "Unexpected token received from parser");
    expect_serialization_error(m, "{\"ConsistentRead\": 1}", "NUMBER_VALUE cannot be converted to Boolean");
    expect_serialization_error(m, "{\"ConsistentRead\": 0.5}", "DECIMAL_VALUE cannot be converted to Boolean");
    expect_serialization_error(m, "{\"Key\": \"not base64!\"}",
                               "Base64 encoded length is expected a multiple of 4 bytes but found: 11");
    expect_serialization_error(m, "{\"Key\": \"+/+=\"}", "Invalid last non-pad Base64 character dectected");
    expect_serialization_error(m, "{\"Key\": \"=+/=\"}", "Invalid last non-pad Base64 character dectected");
    expect_serialization_error(m, "{\"Key\": \"AB==\"}", "Invalid last non-pad Base64 character dectected");
    expect_serialization_error(m, "{\"Key\": 5}", "only base-64-encoded strings are convertible to bytes");
    expect_serialization_error(m, "{\"Names\": \"a\"}", "Unexpected field type");
}

/* A boolean may come as a word, as Coral's reader takes it. */
static void test_parse_request_boolean_words(void **state)
{
    const model *m = *state;
    const char *words[] = {"true", "TRUE", "yes", "Yes", "1", "false", "False", "no", "NO", "0"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        http_header h;
        aws_error err = AWS_ERROR_INIT;
        json_t *in = NULL;
        char *body = g_strdup_printf("{\"ConsistentRead\": \"%s\"}", words[i]);
        http_request r = request("DynamoDB_20120810.Scan", body, &h);
        assert_int_equal(wire_json.parse_request(m, "Scan", &r, &in, &err), 0);
        assert_true(json_is_boolean(json_object_get(in, "ConsistentRead")));
        assert_int_equal(json_is_true(json_object_get(in, "ConsistentRead")), i < 5);
        json_decref(in);
        g_free(body);
    }
}

static void test_parse_request_lenient_where_aws_is(void **state)
{
    const model *m = *state;
    http_header h;
    aws_error err = AWS_ERROR_INIT;
    json_t *in = NULL;
    /* unknown members and nulls: all fine */
    http_request r = request("DynamoDB_20120810.Scan", "{}", &h);
    assert_int_equal(wire_json.parse_request(m, "Scan", &r, &in, &err), 0);
    assert_int_equal(json_object_size(in), 0);
    json_decref(in);

    r = request("DynamoDB_20120810.Scan",
                "{\"TableName\": \"t\\u0000\", \"Bogus\": [1], \"Limit\": null, \"Key\": \"AP8=\","
                " \"When\": 1.5}", &h);
    assert_int_equal(wire_json.parse_request(m, "Scan", &r, &in, &err), 0);
    /* a NUL inside a string is kept */
    json_t *name = json_object_get(in, "TableName");
    assert_int_equal(json_string_length(name), 2);
    assert_memory_equal(json_string_value(name), "t\0", 2);
    assert_null(json_object_get(in, "Bogus"));
    assert_null(json_object_get(in, "Limit"));
    json_t *key = json_object_get(in, "Key");
    assert_int_equal(json_string_length(key), 2);
    assert_memory_equal(json_string_value(key), "\0\xff", 2);
    assert_true(json_real_value(json_object_get(in, "When")) == 1.5);
    json_decref(in);
}

static json_t *body_of(const http_response *resp)
{
    size_t len;
    const char *b = http_response_body(resp, &len);
    json_t *doc = json_loadb(b, len, 0, NULL);
    assert_non_null(doc);
    return doc;
}

static void test_serialize_output(void **state)
{
    const model *m = *state;
    http_response resp;
    http_response_init(&resp);
    json_t *out = json_pack("{s:i, s:f, s:i, s:f, s:s, s:s}", "Count", 3, "Ratio", 0.5, "When",
                            1398796238, "Iso", 946845296.123, "Renamed", "x", "NotInModel", "y");
    assert_int_equal(wire_json.serialize_output(m, "Scan", out, "rid", &resp), 0);
    assert_int_equal(resp.status, 200);
    assert_string_equal(http_response_header(&resp, "content-type"), "application/x-amz-json-1.0");
    json_t *doc = body_of(&resp);
    assert_int_equal(json_integer_value(json_object_get(doc, "When")), 1398796238);
    assert_string_equal(json_string_value(json_object_get(doc, "Iso")), "2000-01-02T20:34:56.123Z");
    assert_string_equal(json_string_value(json_object_get(doc, "renamed_on_wire")), "x");
    assert_null(json_object_get(doc, "NotInModel"));
    json_decref(doc);
    json_decref(out);
    http_response_clear(&resp);

    /* a millisecond timestamp reads as one, not as its double's 17 digits */
    http_response_init(&resp);
    out = json_pack("{s:f}", "When", 1796620200.216);
    assert_int_equal(wire_json.serialize_output(m, "Scan", out, "rid", &resp), 0);
    size_t len;
    const char *body = http_response_body(&resp, &len);
    char *text = g_strndup(body, len);
    assert_string_equal(text, "{\"When\":1796620200.216}");
    g_free(text);
    json_decref(out);
    http_response_clear(&resp);
}

static void expect_type(const model *m, const char *code, int status, const char *type)
{
    http_response resp;
    http_response_init(&resp);
    aws_error err = AWS_ERROR_INIT;
    aws_error_set_status(&err, status, code, "boom");
    wire_json.serialize_error(m, "Scan", &err, "rid", &resp);
    assert_int_equal(resp.status, status);
    json_t *doc = body_of(&resp);
    assert_string_equal(json_string_value(json_object_get(doc, "__type")), type);
    /* DynamoDB's front end writes its SerializationException's "Message"
     * capitalised, the services' errors "message" */
    bool capital = strstr(code, "SerializationException") != NULL;
    assert_string_equal(json_string_value(json_object_get(doc, capital ? "Message" : "message")), "boom");
    assert_null(json_object_get(doc, capital ? "message" : "Message"));
    json_decref(doc);

    /* and botocore's reading of it gives the bare code back */
    json_t *o = NULL;
    aws_error back = AWS_ERROR_INIT;
    assert_int_equal(wire_json.parse_response(m, "Scan", &resp, &o, &back), -1);
    const char *hash = strrchr(code, '#');
    assert_string_equal(back.code, hash ? hash + 1 : code);
    assert_string_equal(back.message, "boom");
    aws_error_clear(&back);
    aws_error_clear(&err);
    http_response_clear(&resp);
}

static void test_error_namespaces(void **state)
{
    const model *m = *state;
    expect_type(m, "ResourceNotFoundException", 400,
                "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
    expect_type(m, "ValidationException", 400, "com.amazon.coral.validate#ValidationException");
    expect_type(m, "com.amazon.coral.service#SerializationException", 400,
                "com.amazon.coral.service#SerializationException");
    expect_type(m, "InternalServerError", 500,
                "com.amazonaws.dynamodb.v20120810#InternalServerError");
}

/* the message goes under the error shape's own member name, and the
 * shape's other members come along */
static void test_error_message_key_and_fields(void **state)
{
    const model *m = *state;
    http_response resp;
    http_response_init(&resp);
    aws_error err = AWS_ERROR_INIT;
    aws_error_set_status(&err, 400, "TransactionCanceledException", "cancelled");
    aws_error_field(&err, "CancellationReasons", json_pack("[s]", "None"));
    wire_json.serialize_error(m, "Scan", &err, "rid", &resp);
    json_t *doc = body_of(&resp);
    assert_string_equal(json_string_value(json_object_get(doc, "Message")), "cancelled");
    assert_null(json_object_get(doc, "message"));
    assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "CancellationReasons"), 0)),
                        "None");
    json_decref(doc);

    json_t *o = NULL;
    aws_error back = AWS_ERROR_INIT;
    assert_int_equal(wire_json.parse_response(m, "Scan", &resp, &o, &back), -1);
    assert_string_equal(back.message, "cancelled");
    assert_int_equal(back.status, 400);
    assert_non_null(json_object_get(back.fields, "CancellationReasons"));
    aws_error_clear(&back);
    aws_error_clear(&err);
    http_response_clear(&resp);
}

/* A tree jansson cannot write (a string that is not UTF-8): no output
 * leaves a body half written, and an error falls back to its bare
 * envelope, never to a body that a partial write left behind. */
static void test_unwritable_trees(void **state)
{
    const model *m = *state;
    http_response resp;
    http_response_init(&resp);
    json_t *out = json_pack("{s:i, s:o}", "Count", 1, "Renamed", json_stringn_nocheck("ok\xff", 3));
    assert_int_equal(wire_json.serialize_output(m, "Scan", out, "rid", &resp), -1);
    size_t len;
    http_response_body(&resp, &len);
    assert_int_equal(len, 0);
    json_decref(out);
    http_response_clear(&resp);

    http_response_init(&resp);
    aws_error err = AWS_ERROR_INIT;
    aws_error_set_status(&err, 400, "TransactionCanceledException", "cancelled");
    aws_error_field(&err, "CancellationReasons", json_pack("[s, o]", "None", json_stringn_nocheck("\xfe", 1)));
    wire_json.serialize_error(m, "Scan", &err, "rid", &resp);
    const char *body = http_response_body(&resp, &len);
    const char *want = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionCanceledException\"}";
    assert_int_equal(len, strlen(want));
    assert_memory_equal(body, want, len);
    assert_int_equal(resp.status, 400);
    aws_error_clear(&err);
    http_response_clear(&resp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operation_name),
        cmocka_unit_test(test_parse_request_errors),
        cmocka_unit_test(test_parse_request_boolean_words),
        cmocka_unit_test(test_parse_request_lenient_where_aws_is),
        cmocka_unit_test(test_serialize_output),
        cmocka_unit_test(test_error_namespaces),
        cmocka_unit_test(test_error_message_key_and_fields),
        cmocka_unit_test(test_unwritable_trees),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
