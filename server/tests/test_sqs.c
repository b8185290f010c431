/* SQS through the whole pipeline (JSON 1.0 with awsQueryCompatible errors,
 * model validation, handlers) without sockets, on the virtual clock:
 * visibility timeouts, delays, dead-letter moves and move tasks, FIFO
 * groups and deduplication, the MD5 of message attributes, the error
 * header, and fixtures. Bodies are written with single quotes for JSON's
 * double quotes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/pipeline.h"
#include "core/server.h"
#include "services/sqs/message.h"

#define Q "http://localhost:4566/123456789012/"

typedef struct reply {
    int status;
    json_t *body;
    char *query_error; /* x-amzn-query-error, or NULL */
} reply;

static reply vcall(server *s, const char *op, const char *fmt, va_list ap)
{
    char *body = g_strdup_vprintf(fmt, ap);
    for (char *p = body; *p; p++)
        if (*p == '\'')
            *p = '"';
    char target[96];
    g_snprintf(target, sizeof target, "AmazonSQS.%s", op);
    http_header h[3] = {
        {"authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/sqs/aws4_request, "
                          "SignedHeaders=host, Signature=0"},
        {"x-amz-target", target},
        {"content-type", "application/x-amz-json-1.0"},
    };
    http_request req = {.method = "POST", .path = "/", .query = "", .host = "localhost", .headers = h,
                        .nheaders = 3, .body = body, .body_len = strlen(body)};
    http_response resp;
    http_response_init(&resp);
    pipeline_outcome out;
    pipeline_handle(s, &req, 1, false, &resp, &out);
    size_t len;
    const char *b = http_response_body(&resp, &len);
    reply r = {resp.status, json_loadb(b, len, 0, NULL), g_strdup(http_response_header(&resp, "x-amzn-query-error"))};
    assert_non_null(r.body);
    http_response_clear(&resp);
    g_free(body);
    return r;
}

static reply call(server *s, const char *op, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    reply r = vcall(s, op, fmt, ap);
    va_end(ap);
    return r;
}

static void reply_free(reply *r)
{
    json_decref(r->body);
    g_free(r->query_error);
}

/* A call expected to succeed; its body (json_decref). */
static json_t *ok(server *s, const char *op, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    reply r = vcall(s, op, fmt, ap);
    va_end(ap);
    if (r.status != 200) {
        char *text = json_dumps(r.body, 0);
        fail_msg("%s: %d %s", op, r.status, text);
    }
    g_free(r.query_error);
    return r.body;
}

static void expect_error(reply r, int status, const char *type, const char *query_error)
{
    const char *t = json_string_value(json_object_get(r.body, "__type"));
    if (r.status != status || !t || strcmp(t, type) != 0 || !r.query_error ||
        strcmp(r.query_error, query_error) != 0) {
        char *text = json_dumps(r.body, 0);
        fail_msg("got %d %s [%s], want %d %s [%s]", r.status, text, r.query_error ? r.query_error : "-", status, type,
                 query_error);
    }
    reply_free(&r);
}

static int setup(void **st)
{
    char err[256];
    mockaws_options o = {.seed = 7};
    server *s = mockaws_start(&o, err, sizeof err);
    if (!s)
        return -1;
    mockaws_clock_virtual(s, 1);
    *st = s;
    return 0;
}

static int teardown(void **st)
{
    mockaws_stop(*st);
    return 0;
}

static void fresh(server *s)
{
    char *out = NULL;
    assert_int_equal(mockaws_control(s, "POST", "/_mockaws/reset", NULL, &out), 200);
    mockaws_free(out);
}

static const char *str_at(json_t *o, const char *a, size_t i, const char *k)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(o, a), i), k));
}

/* ---- MD5 ---- */

static void md5_of_attributes(void **st)
{
    (void)st;
    /* the digests an independent implementation of AWS's documented
     * algorithm gives (client-tests/python/tests/test_sqs.py, attributes_md5) */
    json_t *one = json_loads("{\"a\": {\"DataType\": \"String\", \"StringValue\": \"x\"}}", 0, NULL);
    char md5[33];
    sqs_md5_attributes(one, md5);
    assert_string_equal(md5, "a512aac9938034acb0b3c3d965944bf1");
    json_t *three = json_pack("{s:{s:s, s:o}, s:{s:s, s:s}, s:{s:s, s:s}}", "b", "DataType", "Binary", "BinaryValue",
                              json_stringn_nocheck("\x00\x01\xff", 3), "n", "DataType", "Number.int", "StringValue", "42",
                              "s", "DataType", "String", "StringValue", "h\xc3\xa9llo");
    assert_non_null(three);
    sqs_md5_attributes(three, md5);
    assert_string_equal(md5, "903aef4c09b2fb424a009563b4960387");
    sqs_md5_attributes(NULL, md5);
    assert_string_equal(md5, "");
    json_decref(one);
    json_decref(three);
    assert_true(sqs_body_chars_ok("a\tb\r\n\xf0\x9f\x98\x80", 9));
    assert_false(sqs_body_chars_ok("a\x01", 2));
    assert_false(sqs_body_chars_ok("\xef\xbf\xbe", 3)); /* U+FFFE */
    assert_false(sqs_body_chars_ok("\xc3", 1));
}

/* ---- errors ---- */

static void errors_carry_the_query_code(void **st)
{
    server *s = *st;
    fresh(s);
    /* SQS's request ids are UUIDs, not DynamoDB's 52 characters */
    http_header h[2] = {
        {"authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/sqs/aws4_request, "
                          "SignedHeaders=host, Signature=0"},
        {"x-amz-target", "AmazonSQS.ListQueues"},
    };
    http_request req = {.method = "POST", .path = "/", .query = "", .host = "localhost", .headers = h,
                        .nheaders = 2, .body = "{}", .body_len = 2};
    http_response resp;
    http_response_init(&resp);
    pipeline_outcome out;
    pipeline_handle(s, &req, 1, false, &resp, &out);
    const char *id = http_response_header(&resp, "x-amzn-RequestId");
    assert_non_null(id);
    assert_int_equal(strlen(id), 36);
    assert_int_equal(id[8], '-');
    http_response_clear(&resp);

    expect_error(call(s, "GetQueueUrl", "{'QueueName': 'none'}"), 400, "com.amazonaws.sqs#QueueDoesNotExist",
                 "AWS.SimpleQueueService.NonExistentQueue;Sender");
    json_decref(ok(s, "CreateQueue", "{'QueueName': 'q'}"));
    expect_error(call(s, "CreateQueue", "{'QueueName': 'q', 'Attributes': {'DelaySeconds': '3'}}"), 400,
                 "com.amazonaws.sqs#QueueNameExists", "QueueAlreadyExists;Sender");
    expect_error(call(s, "SendMessage", "{'QueueUrl': '" Q "q'}"), 400, "com.amazonaws.sqs#MissingParameter",
                 "MissingParameter;Sender");
    expect_error(call(s, "DeleteMessage", "{'QueueUrl': '" Q "q', 'ReceiptHandle': 'x'}"), 404,
                 "com.amazonaws.sqs#ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid;Sender");
    json_decref(ok(s, "PurgeQueue", "{'QueueUrl': '" Q "q'}"));
    expect_error(call(s, "PurgeQueue", "{'QueueUrl': '" Q "q'}"), 403, "com.amazonaws.sqs#PurgeQueueInProgress",
                 "AWS.SimpleQueueService.PurgeQueueInProgress;Sender");
}

/* ---- visibility and delays ---- */

static json_t *receive(server *s, const char *queue, int max)
{
    return ok(s, "ReceiveMessage",
              "{'QueueUrl': '" Q "%s', 'MaxNumberOfMessages': %d, 'MessageSystemAttributeNames': ['All']}", queue,
              max);
}

static void visibility_and_delay_on_the_clock(void **st)
{
    server *s = *st;
    fresh(s);
    json_decref(ok(s, "CreateQueue", "{'QueueName': 'v', 'Attributes': {'VisibilityTimeout': '20'}}"));
    json_decref(ok(s, "SendMessage", "{'QueueUrl': '" Q "v', 'MessageBody': 'a'}"));
    json_decref(ok(s, "SendMessage", "{'QueueUrl': '" Q "v', 'MessageBody': 'b', 'DelaySeconds': 10}"));
    json_t *r = receive(s, "v", 10);
    assert_int_equal(json_array_size(json_object_get(r, "Messages")), 1);
    assert_string_equal(str_at(r, "Messages", 0, "Body"), "a");
    json_decref(r);
    mockaws_clock_advance(s, 10000);
    r = receive(s, "v", 10);
    assert_string_equal(str_at(r, "Messages", 0, "Body"), "b");
    assert_int_equal(json_array_size(json_object_get(r, "Messages")), 1);
    json_decref(r);
    mockaws_clock_advance(s, 9999);
    r = receive(s, "v", 10);
    assert_null(json_object_get(r, "Messages"));
    json_decref(r);
    mockaws_clock_advance(s, 1);
    r = receive(s, "v", 10);
    assert_string_equal(str_at(r, "Messages", 0, "Body"), "a");
    json_t *attrs = json_object_get(json_array_get(json_object_get(r, "Messages"), 0), "Attributes");
    assert_string_equal(json_string_value(json_object_get(attrs, "ApproximateReceiveCount")), "2");
    json_decref(r);
}

/* ---- dead letters ---- */

static void dead_letter_on_the_receive_past_the_count(void **st)
{
    server *s = *st;
    fresh(s);
    json_decref(ok(s, "CreateQueue", "{'QueueName': 'dlq'}"));
    json_decref(ok(s, "CreateQueue",
                   "{'QueueName': 'src', 'Attributes': {'VisibilityTimeout': '1', 'RedrivePolicy': "
                   "'{\\'deadLetterTargetArn\\':\\'arn:aws:sqs:us-east-1:123456789012:dlq\\',\\'maxReceiveCount\\':2}'}}"));
    json_decref(ok(s, "SendMessage", "{'QueueUrl': '" Q "src', 'MessageBody': 'poison'}"));
    for (int i = 0; i < 2; i++) {
        json_t *r = receive(s, "src", 1);
        assert_int_equal(json_array_size(json_object_get(r, "Messages")), 1);
        json_decref(r);
        mockaws_clock_advance(s, 1000);
    }
    json_t *r = receive(s, "src", 1);
    assert_null(json_object_get(r, "Messages"));
    json_decref(r);
    r = receive(s, "dlq", 1);
    assert_string_equal(str_at(r, "Messages", 0, "Body"), "poison");
    json_t *attrs = json_object_get(json_array_get(json_object_get(r, "Messages"), 0), "Attributes");
    assert_string_equal(json_string_value(json_object_get(attrs, "DeadLetterQueueSourceArn")),
                        "arn:aws:sqs:us-east-1:123456789012:src");
    json_decref(r);
    /* a move task takes it back to src once its visibility lapses */
    mockaws_clock_advance(s, 30000);
    json_decref(ok(s, "StartMessageMoveTask", "{'SourceArn': 'arn:aws:sqs:us-east-1:123456789012:dlq'}"));
    mockaws_clock_advance(s, 1);
    r = ok(s, "ListMessageMoveTasks", "{'SourceArn': 'arn:aws:sqs:us-east-1:123456789012:dlq'}");
    assert_string_equal(str_at(r, "Results", 0, "Status"), "COMPLETED");
    json_decref(r);
    r = receive(s, "src", 1);
    assert_string_equal(str_at(r, "Messages", 0, "Body"), "poison");
    json_decref(r);
}

/* ---- FIFO ---- */

static void fifo_groups_and_dedup(void **st)
{
    server *s = *st;
    fresh(s);
    json_decref(ok(s, "CreateQueue", "{'QueueName': 'f.fifo', 'Attributes': {'FifoQueue': 'true'}}"));
    const char *sends[][3] = {{"g1", "a", "d1"}, {"g1", "b", "d2"}, {"g2", "c", "d3"}, {"g1", "dup", "d1"}};
    for (size_t i = 0; i < G_N_ELEMENTS(sends); i++)
        json_decref(ok(s, "SendMessage",
                       "{'QueueUrl': '" Q "f.fifo', 'MessageBody': '%s', 'MessageGroupId': '%s', "
                       "'MessageDeduplicationId': '%s'}",
                       sends[i][1], sends[i][0], sends[i][2]));
    json_t *r = receive(s, "f.fifo", 1);
    assert_string_equal(str_at(r, "Messages", 0, "Body"), "a");
    const char *handle = str_at(r, "Messages", 0, "ReceiptHandle");
    char *h = g_strdup(handle);
    json_decref(r);
    /* g1 is blocked while "a" is in flight: only g2 */
    r = receive(s, "f.fifo", 10);
    assert_int_equal(json_array_size(json_object_get(r, "Messages")), 1);
    assert_string_equal(str_at(r, "Messages", 0, "Body"), "c");
    json_decref(r);
    json_decref(ok(s, "DeleteMessage", "{'QueueUrl': '" Q "f.fifo', 'ReceiptHandle': '%s'}", h));
    g_free(h);
    r = receive(s, "f.fifo", 10);
    assert_int_equal(json_array_size(json_object_get(r, "Messages")), 1); /* the duplicate was not kept */
    assert_string_equal(str_at(r, "Messages", 0, "Body"), "b");
    json_decref(r);
    /* the dedup id is free again after 5 minutes */
    mockaws_clock_advance(s, 5 * 60 * 1000);
    json_decref(ok(s, "SendMessage",
                   "{'QueueUrl': '" Q "f.fifo', 'MessageBody': 'again', 'MessageGroupId': 'g3', "
                   "'MessageDeduplicationId': 'd1'}"));
    r = receive(s, "f.fifo", 10);
    bool again = false;
    for (size_t i = 0; i < json_array_size(json_object_get(r, "Messages")); i++)
        again = again || strcmp(str_at(r, "Messages", i, "Body"), "again") == 0;
    assert_true(again);
    json_decref(r);
}

/* ---- fixtures ---- */

static void fixtures_round_trip(void **st)
{
    server *s = *st;
    fresh(s);
    char *out = NULL;
    assert_int_equal(mockaws_control(s, "POST", "/_mockaws/state",
                                     "{\"sqs\": {\"queues\": [{\"name\": \"fx\", \"attributes\": "
                                     "{\"VisibilityTimeout\": \"7\"}, \"tags\": {\"t\": \"1\"}, \"messages\": "
                                     "[{\"body\": \"hi\"}]}]}}",
                                     &out),
                     200);
    mockaws_free(out);
    json_t *r = receive(s, "fx", 1);
    assert_string_equal(str_at(r, "Messages", 0, "Body"), "hi");
    json_decref(r);
    assert_int_equal(mockaws_control(s, "GET", "/_mockaws/state", NULL, &out), 200);
    assert_non_null(strstr(out, "\"VisibilityTimeout\":\"7\""));
    mockaws_free(out);
    assert_int_equal(
        mockaws_control(s, "POST", "/_mockaws/state", "{\"sqs\": {\"queues\": [{\"name\": \"bad name\"}]}}", &out),
        400);
    mockaws_free(out);
    assert_int_equal(mockaws_control(s, "POST", "/_mockaws/state",
                                     "{\"sqs\": {\"queues\": [{\"name\": \"m\", \"messages\": [{\"body\": \"\"}]}]}}",
                                     &out),
                     400);
    mockaws_free(out);
}

static void visibility_limit_counts_from_the_receive(void **st)
{
    server *s = *st;
    fresh(s);
    json_decref(ok(s, "CreateQueue", "{'QueueName': 'lim'}"));
    json_decref(ok(s, "SendMessage", "{'QueueUrl': '" Q "lim', 'MessageBody': 'x'}"));
    json_t *r = receive(s, "lim", 1);
    char *h = g_strdup(str_at(r, "Messages", 0, "ReceiptHandle"));
    json_decref(r);
    json_decref(ok(s, "ChangeMessageVisibility",
                   "{'QueueUrl': '" Q "lim', 'ReceiptHandle': '%s', 'VisibilityTimeout': 43200}", h));
    mockaws_clock_advance(s, 1000);
    reply e = call(s, "ChangeMessageVisibility",
                   "{'QueueUrl': '" Q "lim', 'ReceiptHandle': '%s', 'VisibilityTimeout': 43200}", h);
    assert_int_equal(e.status, 400);
    assert_string_equal(json_string_value(json_object_get(e.body, "message")),
                        "Value 43200 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for "
                        "the message is beyond the limit [43200 seconds]");
    reply_free(&e);
    json_decref(ok(s, "ChangeMessageVisibility",
                   "{'QueueUrl': '" Q "lim', 'ReceiptHandle': '%s', 'VisibilityTimeout': 43199}", h));
    g_free(h);
}

static void retention_drops_old_messages(void **st)
{
    server *s = *st;
    fresh(s);
    json_decref(ok(s, "CreateQueue", "{'QueueName': 'r', 'Attributes': {'MessageRetentionPeriod': '60'}}"));
    json_decref(ok(s, "SendMessage", "{'QueueUrl': '" Q "r', 'MessageBody': 'old'}"));
    mockaws_clock_advance(s, 30000);
    json_decref(ok(s, "SendMessage", "{'QueueUrl': '" Q "r', 'MessageBody': 'young'}"));
    mockaws_clock_advance(s, 30000);
    json_t *r = receive(s, "r", 10);
    assert_int_equal(json_array_size(json_object_get(r, "Messages")), 1);
    assert_string_equal(str_at(r, "Messages", 0, "Body"), "young");
    json_decref(r);
}

/* Malformed input of every kind gets a 4xx in SQS's envelope, never a
 * crash or a 5xx. */
static void bad_input_is_refused(void **st)
{
    server *s = *st;
    fresh(s);
    json_decref(ok(s, "CreateQueue", "{'QueueName': 'h'}"));
    json_decref(ok(s, "CreateQueue", "{'QueueName': 'h.fifo', 'Attributes': {'FifoQueue': 'true'}}"));
    static const char *const cases[][2] = {
        {"CreateQueue", "{'QueueName': ''}"},
        {"CreateQueue", "{'QueueName': 'x', 'Attributes': {'VisibilityTimeout': ''}}"},
        {"CreateQueue", "{'QueueName': 'x', 'Attributes': {'VisibilityTimeout': '99999999999999999999'}}"},
        {"CreateQueue", "{'QueueName': 'x', 'Attributes': {'RedrivePolicy': '[]'}}"},
        {"CreateQueue", "{'QueueName': 'x', 'Attributes': {'RedriveAllowPolicy': '{}'}}"},
        {"CreateQueue", "{'QueueName': 'x', 'Attributes': {'Policy': 'nope'}}"},
        {"CreateQueue", "{'QueueName': 'x', 'Attributes': 7}"},
        {"CreateQueue", "{'QueueName': 'x', 'Attributes': {'FifoQueue': 'maybe'}}"},
        {"SendMessage", "{'QueueUrl': '', 'MessageBody': 'x'}"},
        {"SendMessage", "{'QueueUrl': 'http://', 'MessageBody': 'x'}"},
        {"SendMessage", "{'QueueUrl': '/123456789012/h/extra', 'MessageBody': 'x'}"},
        {"SendMessage", "{'QueueUrl': '" Q "h', 'MessageBody': ''}"},
        {"SendMessage", "{'QueueUrl': '" Q "h', 'MessageBody': 'x', 'DelaySeconds': -1}"},
        {"SendMessage", "{'QueueUrl': '" Q "h', 'MessageBody': 'x', 'MessageAttributes': {'a': {}}}"},
        {"SendMessage", "{'QueueUrl': '" Q "h', 'MessageBody': 'x', 'MessageAttributes': {'a': {'DataType': "
                        "'Number', 'StringValue': 'abc'}}}"},
        {"SendMessage", "{'QueueUrl': '" Q "h', 'MessageBody': 'x', 'MessageAttributes': {'a': {'DataType': "
                        "'Binary', 'StringValue': 'abc'}}}"},
        {"SendMessage", "{'QueueUrl': '" Q "h', 'MessageBody': 'x', 'MessageSystemAttributes': {'Other': "
                        "{'DataType': 'String', 'StringValue': 'v'}}}"},
        {"SendMessage", "{'QueueUrl': '" Q "h.fifo', 'MessageBody': 'x', 'MessageGroupId': 'g\\u00e9', "
                        "'MessageDeduplicationId': 'd'}"},
        {"SendMessageBatch", "{'QueueUrl': '" Q "h', 'Entries': [{'Id': '', 'MessageBody': 'x'}]}"},
        {"SendMessageBatch", "{'QueueUrl': '" Q "h', 'Entries': {}}"},
        {"ReceiveMessage", "{'QueueUrl': '" Q "h', 'MaxNumberOfMessages': 0}"},
        {"ReceiveMessage", "{'QueueUrl': '" Q "h', 'VisibilityTimeout': -5}"},
        {"ReceiveMessage", "{'QueueUrl': '" Q "h', 'MessageSystemAttributeNames': ['Nope']}"},
        {"ReceiveMessage", "{'QueueUrl': '" Q "h.fifo', 'ReceiveRequestAttemptId': ''}"},
        {"DeleteMessage", "{'QueueUrl': '" Q "h', 'ReceiptHandle': '" "MToxOmFybjphd3M6c3FzOnVzLWVhc3QtMToxMjM0NTY3ODkwMTI6eg==" "'}"},
        {"DeleteMessage", "{'QueueUrl': '" Q "h', 'ReceiptHandle': '===='}"},
        {"ChangeMessageVisibility", "{'QueueUrl': '" Q "h', 'ReceiptHandle': 'x', 'VisibilityTimeout': 1}"},
        {"DeleteMessageBatch", "{'QueueUrl': '" Q "h', 'Entries': []}"},
        {"ListQueues", "{'MaxResults': 1001}"},
        {"ListQueues", "{'MaxResults': 1, 'NextToken': '!!'}"},
        {"TagQueue", "{'QueueUrl': '" Q "h', 'Tags': {'aws:x': 'y'}}"},
        {"StartMessageMoveTask", "{'SourceArn': 'arn:aws:sqs:us-east-1:123456789012:none'}"},
        {"StartMessageMoveTask", "{'SourceArn': 'arn:aws:sqs:us-east-1:123456789012:h'}"},
        {"CancelMessageMoveTask", "{'TaskHandle': 'bm90IGpzb24='}"},
        {"ListMessageMoveTasks", "{'SourceArn': 'arn:aws:sqs:us-east-1:123456789012:h', 'MaxResults': 11}"},
        {"GetQueueAttributes", "{'QueueUrl': '" Q "h', 'AttributeNames': ['Nope']}"},
        {"SetQueueAttributes", "{'QueueUrl': '" Q "h', 'Attributes': {'QueueArn': 'x'}}"},
        {"SetQueueAttributes", "{'QueueUrl': '" Q "h', 'Attributes': {'FifoQueue': 'true'}}"},
        {"AddPermission", "{'QueueUrl': '" Q "h', 'Label': 'l', 'AWSAccountIds': [], 'Actions': []}"},
        {"NoSuchOperation", "{}"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        reply r = call(s, cases[i][0], "%s", cases[i][1]);
        if (r.status < 400 || (r.status >= 500 && strcmp(cases[i][0], "AddPermission") != 0) || !r.query_error)
            fail_msg("%s %s: %d %s", cases[i][0], cases[i][1], r.status, json_dumps(r.body, 0));
        reply_free(&r);
    }
}

static void example_fixture(void **st)
{
    server *s = *st;
    fresh(s);
    char err[256];
    assert_int_equal(mockaws_load_fixtures_file(s, MOCKAWS_SOURCE_DIR "/fixtures/sqs-example.json", err, sizeof err),
                     0);
    json_t *r = ok(s, "GetQueueAttributes",
                   "{'QueueUrl': '" Q "orders-created', 'AttributeNames': ['ApproximateNumberOfMessages', "
                   "'ApproximateNumberOfMessagesDelayed']}");
    json_t *a = json_object_get(r, "Attributes");
    assert_string_equal(json_string_value(json_object_get(a, "ApproximateNumberOfMessages")), "1");
    assert_string_equal(json_string_value(json_object_get(a, "ApproximateNumberOfMessagesDelayed")), "1");
    json_decref(r);
    r = ok(s, "ListDeadLetterSourceQueues", "{'QueueUrl': '" Q "orders-dlq'}");
    assert_non_null(strstr(json_string_value(json_array_get(json_object_get(r, "queueUrls"), 0)), "/orders-created"));
    json_decref(r);
    r = receive(s, "payments.fifo", 1);
    assert_string_equal(str_at(r, "Messages", 0, "Body"), "pay 1");
    json_decref(r);
}

/* ---- AddPermission, RemovePermission ---- */

static const char *policy_of(server *s, const char *queue, json_t **holder)
{
    char *in = g_strdup_printf("{'QueueUrl': '" Q "%s', 'AttributeNames': ['Policy']}", queue);
    *holder = ok(s, "GetQueueAttributes", "%s", in);
    g_free(in);
    return json_string_value(json_object_get(json_object_get(*holder, "Attributes"), "Policy"));
}

static void permissions_edit_the_policy(void **st)
{
    server *s = *st;
    fresh(s);
    json_decref(ok(s, "CreateQueue", "{'QueueName': 'p'}"));
    json_decref(ok(s, "AddPermission",
                   "{'QueueUrl': '" Q "p', 'Label': 'l1', 'AWSAccountIds': ['111122223333'], 'Actions': ['*']}"));
    json_t *h;
    json_t *doc = json_loads(policy_of(s, "p", &h), 0, NULL);
    json_decref(h);
    json_t *want = json_loads("{\"Version\": \"2012-10-17\", \"Id\": \"arn:aws:sqs:us-east-1:123456789012:p/SQSDefaultPolicy\","
                              "\"Statement\": [{\"Sid\": \"l1\", \"Effect\": \"Allow\", \"Principal\": "
                              "{\"AWS\": \"arn:aws:iam::111122223333:root\"}, \"Action\": \"SQS:*\", "
                              "\"Resource\": \"arn:aws:sqs:us-east-1:123456789012:p\"}]}",
                              0, NULL);
    assert_true(json_equal(doc, want));
    json_decref(doc);
    json_decref(want);
    expect_error(call(s, "AddPermission",
                      "{'QueueUrl': '" Q "p', 'Label': 'l1', 'AWSAccountIds': ['111122223333'], 'Actions': ['*']}"),
                 400, "com.amazonaws.sqs#InvalidParameterValue", "InvalidParameterValue;Sender");
    expect_error(call(s, "AddPermission",
                      "{'QueueUrl': '" Q "p', 'Label': 'l2', 'AWSAccountIds': ['111122223333'], 'Actions': "
                      "['CreateQueue']}"),
                 400, "com.amazonaws.sqs#InvalidParameterValue", "InvalidParameterValue;Sender");
    expect_error(call(s, "AddPermission",
                      "{'QueueUrl': '" Q "p', 'Label': 'l2', 'AWSAccountIds': [], 'Actions': ['*']}"),
                 400, "com.amazonaws.sqs#MissingParameter", "MissingParameter;Sender");
    expect_error(call(s, "RemovePermission", "{'QueueUrl': '" Q "p', 'Label': 'nope'}"), 400,
                 "com.amazonaws.sqs#InvalidParameterValue", "InvalidParameterValue;Sender");
    json_decref(ok(s, "RemovePermission", "{'QueueUrl': '" Q "p', 'Label': 'l1'}"));
    assert_null(policy_of(s, "p", &h));
    json_decref(h);

    /* a fixture's policy that is no JSON object is replaced, never read */
    char *out = NULL;
    assert_int_equal(mockaws_control(s, "POST", "/_mockaws/state",
                                     "{\"sqs\": {\"queues\": [{\"name\": \"fxp\", \"attributes\": "
                                     "{\"Policy\": \"not json\"}}]}}",
                                     &out),
                     200);
    mockaws_free(out);
    json_decref(ok(s, "AddPermission",
                   "{'QueueUrl': '" Q "fxp', 'Label': 'l', 'AWSAccountIds': ['111122223333'], 'Actions': "
                   "['SendMessage', 'ReceiveMessage']}"));
    doc = json_loads(policy_of(s, "fxp", &h), 0, NULL);
    json_decref(h);
    assert_int_equal(json_array_size(json_object_get(json_array_get(json_object_get(doc, "Statement"), 0), "Action")),
                     2);
    json_decref(doc);
}

static void legacy_attribute_names(void **st)
{
    server *s = *st;
    fresh(s);
    json_decref(ok(s, "CreateQueue", "{'QueueName': 'n.fifo', 'Attributes': {'FifoQueue': 'true'}}"));
    json_decref(ok(s, "SendMessage",
                   "{'QueueUrl': '" Q "n.fifo', 'MessageBody': 'b', 'MessageGroupId': 'g', "
                   "'MessageDeduplicationId': 'd'}"));
    json_t *r = ok(s, "ReceiveMessage",
                   "{'QueueUrl': '" Q "n.fifo', 'AttributeNames': ['MessageGroupId', 'SequenceNumber', "
                   "'Policy']}");
    json_t *a = json_object_get(json_array_get(json_object_get(r, "Messages"), 0), "Attributes");
    assert_string_equal(json_string_value(json_object_get(a, "MessageGroupId")), "g");
    assert_non_null(json_object_get(a, "SequenceNumber"));
    assert_int_equal(json_object_size(a), 2);
    json_decref(r);
    expect_error(call(s, "ReceiveMessage", "{'QueueUrl': '" Q "n.fifo', 'AttributeNames': ['Nope']}"), 400,
                 "com.amazonaws.sqs#InvalidAttributeName", "InvalidAttributeName;Sender");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(md5_of_attributes),
        cmocka_unit_test(errors_carry_the_query_code),
        cmocka_unit_test(visibility_and_delay_on_the_clock),
        cmocka_unit_test(dead_letter_on_the_receive_past_the_count),
        cmocka_unit_test(fifo_groups_and_dedup),
        cmocka_unit_test(fixtures_round_trip),
        cmocka_unit_test(example_fixture),
        cmocka_unit_test(retention_drops_old_messages),
        cmocka_unit_test(visibility_limit_counts_from_the_receive),
        cmocka_unit_test(bad_input_is_refused),
        cmocka_unit_test(permissions_edit_the_policy),
        cmocka_unit_test(legacy_attribute_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
