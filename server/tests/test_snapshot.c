/* Snapshots (core/snapshot.c) through mockaws_start, the C API and
 * mockaws_control: each service's state taken and restored in both
 * directions (what is done after a snapshot does not reach it, what is
 * done after a restore does not either), names, 404s, replacing and
 * deleting, the journal option, fault rules with their counters, the
 * credential table, a service without a clone hook, and requests running
 * while restores happen seeing the old state or the new one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <string.h>

#include "core/api.h"
#include "core/server.h"
#include "test_form_call.h"
#include "test_s3_call.h"

static int setup(void **st)
{
    char err[256];
    mockaws_options o = {.seed = 17};
    server *s = mockaws_start(&o, err, sizeof err);
    if (!s)
        return -1;
    *st = s;
    return 0;
}

static int teardown(void **st)
{
    mockaws_stop(*st);
    return 0;
}

static int ctl(server *s, const char *method, const char *path, const char *body, json_t **out)
{
    char *text = NULL;
    int status = mockaws_control(s, method, path, body, &text);
    json_t *doc = json_loads(text, 0, NULL);
    if (!doc)
        fail_msg("%s %s answered %d with a body that is not JSON: %s", method, path, status, text);
    mockaws_free(text);
    if (out)
        *out = doc;
    else
        json_decref(doc);
    return status;
}

static void take(server *s, const char *name)
{
    char err[256] = "";
    if (mockaws_snapshot(s, name, err, sizeof err) != 0)
        fail_msg("snapshot %s: %s", name, err);
}

static void restore(server *s, const char *name)
{
    char err[256] = "";
    if (mockaws_restore(s, name, err, sizeof err) != 0)
        fail_msg("restore %s: %s", name, err);
}

/* A query request (form POST) to service, signed (in its scope only: the
 * server runs --auth off) with AKIDEXAMPLE. */
static result query(server *s, const char *service, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static result query(server *s, const char *service, const char *fmt, ...)
{
    static const struct {
        const char *service, *version;
    } versions[] = {{"iam", "2010-05-08"}, {"sts", "2011-06-15"}, {"sns", "2010-03-31"}, {"ec2", "2016-11-15"}};
    const char *version = "";
    for (size_t i = 0; i < G_N_ELEMENTS(versions); i++)
        if (strcmp(versions[i].service, service) == 0)
            version = versions[i].version;
    va_list ap;
    va_start(ap, fmt);
    char *params = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *body = g_strdup_printf("Version=%s&%s", version, params);
    char *auth = g_strdup_printf("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261207/us-east-1/%s/aws4_request, "
                                 "SignedHeaders=host, Signature=0",
                                 service);
    result r = form_call(s, "POST", NULL, auth, body);
    g_free(auth);
    g_free(body);
    g_free(params);
    return r;
}

/* Whether the answer's body holds text; status checked to be want. */
static bool answer_has(result r, int want, const char *text)
{
    if (r.status != want)
        fail_msg("status %d, want %d: %s", r.status, want, r.body);
    bool has = strstr(r.body, text) != NULL;
    rfree(&r);
    return has;
}

static result sqs(server *s, const char *op, const char *body)
{
    char target[64];
    g_snprintf(target, sizeof target, "AmazonSQS.%s", op);
    return json_call(s, "sqs", target, body);
}

/* An SQS operation on queue (a name in the default account): the body is
 * {"QueueUrl": ..., then the members fmt writes (may be "")}. */
static result on_queue(server *s, const char *op, const char *queue, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static result on_queue(server *s, const char *op, const char *queue, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *members = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    char *body = g_strdup_printf("{\"QueueUrl\": \"http://localhost:4566/123456789012/%s\"%s%s}", queue,
                                 *members ? ", " : "", members);
    result r = sqs(s, op, body);
    g_free(body);
    g_free(members);
    return r;
}

/* ---- the API ---- */

static void names_are_checked(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    char long_name[66];
    memset(long_name, 'a', 65);
    long_name[65] = '\0';
    const char *bad[] = {"{\"name\": \"\"}", "{\"name\": \"a/b\"}", "{\"name\": \"a b\"}", "{\"name\": \"caf\\u00e9\"}",
                         "{\"name\": 5}", "{}", "[]", "{\"name\": \"x\", \"journal\": \"yes\"}"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        json_t *out;
        if (ctl(s, "POST", "/_mockaws/snapshots", bad[i], &out) != 400)
            fail_msg("%s was taken", bad[i]);
        assert_non_null(json_string_value(json_object_get(out, "error")));
        json_decref(out);
    }
    char body[128];
    g_snprintf(body, sizeof body, "{\"name\": \"%s\"}", long_name);
    assert_int_equal(ctl(s, "POST", "/_mockaws/snapshots", body, NULL), 400);
    assert_int_equal(ctl(s, "POST", "/_mockaws/snapshots", "not json", NULL), 400);
    char err[256];
    assert_int_equal(mockaws_snapshot(s, long_name, err, sizeof err), -1);
    assert_non_null(strstr(err, "1 to 64"));
    assert_int_equal(mockaws_snapshot(s, NULL, err, sizeof err), -1);
    long_name[64] = '\0'; /* 64 is the most */
    assert_int_equal(mockaws_snapshot(s, long_name, err, sizeof err), 0);
    assert_int_equal(mockaws_snapshot(s, "A-z_0.9", NULL, 0), 0);
    assert_int_equal(mockaws_snapshot_delete(s, long_name, NULL, 0), 0);
    assert_int_equal(mockaws_snapshot_delete(s, "A-z_0.9", NULL, 0), 0);
}

static void unknown_names_are_404(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    json_t *out;
    assert_int_equal(ctl(s, "POST", "/_mockaws/snapshots/nope/restore", NULL, &out), 404);
    assert_string_equal(json_string_value(json_object_get(out, "error")), "no snapshot named 'nope'");
    json_decref(out);
    assert_int_equal(ctl(s, "DELETE", "/_mockaws/snapshots/nope", NULL, NULL), 404);
    assert_int_equal(ctl(s, "POST", "/_mockaws/snapshots/nope/undo", NULL, NULL), 404);
    assert_int_equal(ctl(s, "GET", "/_mockaws/snapshots/nope/restore", NULL, NULL), 405);
    assert_int_equal(ctl(s, "PUT", "/_mockaws/snapshots", "{}", NULL), 405);
    char err[256];
    assert_int_equal(mockaws_restore(s, "nope", err, sizeof err), -1);
    assert_string_equal(err, "no snapshot named 'nope'");
    assert_int_equal(mockaws_snapshot_delete(s, "nope", err, sizeof err), -1);
    assert_int_equal(mockaws_restore(s, NULL, NULL, 0), -1);
}

static void list_replace_delete(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    json_t *out;
    assert_int_equal(ctl(s, "POST", "/_mockaws/snapshots", "{\"name\": \"zeta\"}", &out), 200);
    assert_string_equal(json_string_value(json_object_get(out, "name")), "zeta");
    assert_int_equal(json_integer_value(json_object_get(out, "namespaces")), 0);
    assert_true(json_is_null(json_object_get(out, "journal_seq")));
    json_decref(out);
    assert_true(answer_has(sqs(s, "CreateQueue", "{\"QueueName\": \"q1\"}"), 200, "q1"));
    /* same name again: replaced, now with the queue */
    assert_int_equal(ctl(s, "POST", "/_mockaws/snapshots", "{\"name\": \"alpha\"}", NULL), 200);
    assert_int_equal(ctl(s, "POST", "/_mockaws/snapshots", "{\"name\": \"zeta\"}", &out), 200);
    assert_int_equal(json_integer_value(json_object_get(out, "namespaces")), 1);
    json_decref(out);

    assert_int_equal(ctl(s, "GET", "/_mockaws/snapshots", NULL, &out), 200);
    json_t *list = json_object_get(out, "snapshots");
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "name")), "alpha");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "name")), "zeta");
    for (size_t i = 0; i < 2; i++) {
        json_t *one = json_array_get(list, i);
        assert_int_equal(json_integer_value(json_object_get(one, "namespaces")), 1);
        assert_true(json_is_integer(json_object_get(one, "created_ms")));
        assert_true(json_is_null(json_object_get(one, "journal_seq")));
    }
    json_decref(out);

    mockaws_reset(s);
    assert_int_equal(ctl(s, "POST", "/_mockaws/snapshots/zeta/restore", NULL, &out), 200);
    assert_string_equal(json_string_value(json_object_get(out, "restored")), "zeta");
    json_decref(out);
    assert_true(answer_has(sqs(s, "ListQueues", "{}"), 200, "q1"));

    assert_int_equal(ctl(s, "DELETE", "/_mockaws/snapshots/zeta", NULL, &out), 200);
    assert_string_equal(json_string_value(json_object_get(out, "deleted")), "zeta");
    json_decref(out);
    assert_int_equal(ctl(s, "POST", "/_mockaws/snapshots/zeta/restore", NULL, NULL), 404);
    assert_int_equal(mockaws_snapshot_delete(s, "alpha", NULL, 0), 0);
    assert_int_equal(ctl(s, "GET", "/_mockaws/snapshots", NULL, &out), 200);
    assert_int_equal(json_array_size(json_object_get(out, "snapshots")), 0);
    json_decref(out);
}

/* The control plane's guard stands before the snapshot endpoints as before
 * every other: a page of another origin, a rebound Host, a form body. */
static int guarded(server *s, const char *method, const char *path, const char *host, const char *origin,
                   const char *ct)
{
    http_header h[2];
    size_t n = 0;
    if (origin)
        h[n++] = (http_header){"origin", (char *)origin};
    if (ct)
        h[n++] = (http_header){"content-type", (char *)ct};
    const char *body = "{\"name\": \"evil\"}";
    http_request req = {.method = method, .path = path, .query = "", .host = host, .headers = h, .nheaders = n,
                        .body = body, .body_len = strlen(body)};
    result r = pipeline_result(s, &req);
    rfree(&r);
    return r.status;
}

static void guard_stands_before_snapshots(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    take(s, "kept");
    const char *paths[][2] = {{"POST", "/_mockaws/snapshots"}, {"POST", "/_mockaws/snapshots/kept/restore"},
                              {"DELETE", "/_mockaws/snapshots/kept"}};
    for (size_t i = 0; i < G_N_ELEMENTS(paths); i++) {
        const char *m = paths[i][0], *p = paths[i][1];
        assert_int_equal(guarded(s, m, p, "localhost:4566", "http://evil.example", NULL), 403);
        assert_int_equal(guarded(s, m, p, "evil.example.com:4566", NULL, NULL), 403);
        assert_int_equal(guarded(s, m, p, "localhost:4566", NULL, "text/plain"), 415);
    }
    assert_int_equal(guarded(s, "GET", "/_mockaws/snapshots", "evil.example.com", NULL, NULL), 403);
    json_t *out;
    assert_int_equal(ctl(s, "GET", "/_mockaws/snapshots", NULL, &out), 200);
    json_t *list = json_object_get(out, "snapshots");
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "name")), "kept");
    json_decref(out);
    assert_int_equal(mockaws_snapshot_delete(s, "kept", NULL, 0), 0);
}

/* ---- each service, both ways ---- */

static void sqs_messages_both_ways(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    assert_true(answer_has(sqs(s, "CreateQueue", "{\"QueueName\": \"work\"}"), 200, "work"));
    assert_true(answer_has(on_queue(s, "SendMessage", "work", "\"MessageBody\": \"one\""), 200, "MessageId"));
    assert_true(answer_has(on_queue(s, "SendMessage", "work", "\"MessageBody\": \"two\""), 200, "MessageId"));
    /* "one" in flight, "two" visible */
    assert_true(answer_has(
        on_queue(s, "ReceiveMessage", "work", "\"MaxNumberOfMessages\": 1, \"VisibilityTimeout\": 600"), 200,
        "\"one\""));
    take(s, "sqs");

    /* after the snapshot: receive "two", send "three", make a second queue */
    assert_true(answer_has(on_queue(s, "ReceiveMessage", "work", "\"MaxNumberOfMessages\": 10"), 200, "\"two\""));
    assert_true(answer_has(on_queue(s, "SendMessage", "work", "\"MessageBody\": \"three\""), 200, "MessageId"));
    assert_true(answer_has(sqs(s, "CreateQueue", "{\"QueueName\": \"later\"}"), 200, "later"));

    restore(s, "sqs");
    assert_false(answer_has(sqs(s, "ListQueues", "{}"), 200, "later"));
    result r = on_queue(s, "GetQueueAttributes", "work", "\"AttributeNames\": [\"All\"]");
    assert_non_null(strstr(r.body, "\"ApproximateNumberOfMessages\":\"1\""));
    assert_non_null(strstr(r.body, "\"ApproximateNumberOfMessagesNotVisible\":\"1\""));
    rfree(&r);
    /* "two" is visible again, "one" still in flight, "three" never came */
    r = on_queue(s, "ReceiveMessage", "work", "\"MaxNumberOfMessages\": 10");
    assert_non_null(strstr(r.body, "\"two\""));
    assert_null(strstr(r.body, "\"one\""));
    assert_null(strstr(r.body, "\"three\""));
    rfree(&r);

    /* the other way: what the restored state does stays out of the snapshot */
    assert_true(answer_has(on_queue(s, "PurgeQueue", "work", "%s", ""), 200, ""));
    restore(s, "sqs");
    assert_true(answer_has(on_queue(s, "ReceiveMessage", "work", "\"MaxNumberOfMessages\": 10"), 200, "\"two\""));
    assert_int_equal(mockaws_snapshot_delete(s, "sqs", NULL, 0), 0);
}

static void sqs_fifo_groups_survive(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    assert_true(answer_has(sqs(s, "CreateQueue",
                               "{\"QueueName\": \"f.fifo\", \"Attributes\": {\"FifoQueue\": \"true\", "
                               "\"ContentBasedDeduplication\": \"true\"}}"),
                           200, "f.fifo"));
    const char *msgs[][2] = {{"a1", "A"}, {"a2", "A"}, {"b1", "B"}};
    for (size_t i = 0; i < G_N_ELEMENTS(msgs); i++)
        assert_true(answer_has(on_queue(s, "SendMessage", "f.fifo",
                                        "\"MessageBody\": \"%s\", \"MessageGroupId\": \"%s\"", msgs[i][0],
                                        msgs[i][1]),
                               200, "SequenceNumber"));
    /* group A blocked by a1 in flight */
    assert_true(answer_has(
        on_queue(s, "ReceiveMessage", "f.fifo", "\"MaxNumberOfMessages\": 1, \"VisibilityTimeout\": 600"), 200,
        "\"a1\""));
    take(s, "fifo");
    restore(s, "fifo");
    result r = on_queue(s, "ReceiveMessage", "f.fifo", "\"MaxNumberOfMessages\": 10");
    assert_non_null(strstr(r.body, "\"b1\""));
    assert_null(strstr(r.body, "\"a2\"")); /* still blocked behind a1 */
    rfree(&r);
    /* deduplication came along: the same body again is dropped */
    assert_true(answer_has(
        on_queue(s, "SendMessage", "f.fifo", "\"MessageBody\": \"b1\", \"MessageGroupId\": \"B\""), 200,
        "MessageId"));
    r = on_queue(s, "GetQueueAttributes", "f.fifo", "\"AttributeNames\": [\"All\"]");
    assert_non_null(strstr(r.body, "\"ApproximateNumberOfMessages\":\"1\"")); /* a2 only */
    rfree(&r);
    assert_int_equal(mockaws_snapshot_delete(s, "fifo", NULL, 0), 0);
}

static void sns_topics_and_log_both_ways(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    const char *arn = "arn:aws:sns:us-east-1:123456789012:news";
    assert_true(answer_has(query(s, "sns", "Action=CreateTopic&Name=news"), 200, arn));
    assert_true(answer_has(query(s, "sns",
                                 "Action=Subscribe&TopicArn=%s&Protocol=email&Endpoint=a%%40example.com"
                                 "&Attributes.entry.1.key=FilterPolicy"
                                 "&Attributes.entry.1.value=%%7B%%22kind%%22%%3A%%5B%%22x%%22%%5D%%7D",
                                 arn),
                           200, "SubscriptionArn"));
    assert_true(answer_has(query(s, "sns", "Action=Publish&TopicArn=%s&Message=first", arn), 200, "MessageId"));
    take(s, "sns");

    assert_true(answer_has(query(s, "sns", "Action=Publish&TopicArn=%s&Message=second", arn), 200, "MessageId"));
    assert_true(answer_has(query(s, "sns", "Action=CreateTopic&Name=later"), 200, "later"));
    restore(s, "sns");

    assert_false(answer_has(query(s, "sns", "Action=ListTopics"), 200, "later"));
    json_t *out;
    assert_int_equal(ctl(s, "GET", "/_mockaws/sns/messages", NULL, &out), 200);
    char *text = json_dumps(out, 0);
    assert_non_null(strstr(text, "first"));
    assert_null(strstr(text, "second"));
    g_free(text);
    json_decref(out);
    /* the subscription and its filter came along */
    result r = query(s, "sns", "Action=ListSubscriptionsByTopic&TopicArn=%s", arn);
    assert_non_null(strstr(r.body, "a@example.com"));
    rfree(&r);

    /* the other way */
    assert_true(answer_has(query(s, "sns", "Action=DeleteTopic&TopicArn=%s", arn), 200, ""));
    restore(s, "sns");
    assert_true(answer_has(query(s, "sns", "Action=ListTopics"), 200, arn));
    assert_int_equal(mockaws_snapshot_delete(s, "sns", NULL, 0), 0);
}

static void ec2_instances_both_ways(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    mockaws_clock_virtual(s, 1);
    result r = query(s, "ec2", "Action=RunInstances&ImageId=ami-ab939b9c031512198&MinCount=1&MaxCount=1&InstanceType=t3.micro");
    assert_int_equal(r.status, 200);
    const char *at = strstr(r.body, "<instanceId>");
    assert_non_null(at);
    char id[32];
    g_strlcpy(id, at + strlen("<instanceId>"), 20);
    rfree(&r);
    mockaws_clock_advance(s, 5000);
    assert_true(answer_has(query(s, "ec2", "Action=DescribeInstances&InstanceId.1=%s", id), 200, "running"));
    take(s, "ec2");

    assert_true(answer_has(query(s, "ec2", "Action=StopInstances&InstanceId.1=%s", id), 200, "stopping"));
    mockaws_clock_advance(s, 5000);
    assert_true(answer_has(query(s, "ec2", "Action=DescribeInstances&InstanceId.1=%s", id), 200, "stopped"));
    restore(s, "ec2");
    assert_true(answer_has(query(s, "ec2", "Action=DescribeInstances&InstanceId.1=%s", id), 200, "running"));

    assert_true(answer_has(query(s, "ec2", "Action=TerminateInstances&InstanceId.1=%s", id), 200, "shutting-down"));
    restore(s, "ec2");
    assert_true(answer_has(query(s, "ec2", "Action=DescribeInstances&InstanceId.1=%s", id), 200, "running"));
    mockaws_clock_virtual(s, 0);
    assert_int_equal(mockaws_snapshot_delete(s, "ec2", NULL, 0), 0);
}

static result ddb(server *s, const char *op, const char *body)
{
    char target[64];
    g_snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
    return json_call(s, "dynamodb", target, body);
}

/* The body of GET /bucket/key, or "" with its status when that is not 200
 * (g_malloc'd). */
static char *s3_get(server *s, const char *path)
{
    s3r r = s3_call(s, "GET", path, NULL, NULL, 0, NULL);
    char *body = r.status == 200 ? g_strdup(r.body) : g_strdup_printf("%d", r.status);
    s3r_free(&r);
    return body;
}

static void s3_put(server *s, const char *path, const char *body)
{
    s3r r = s3_call(s, "PUT", path, NULL, body, body ? strlen(body) : 0, NULL);
    if (r.status != 200)
        fail_msg("PUT %s: %d %s", path, r.status, r.body);
    s3r_free(&r);
}

static void s3_and_dynamodb_both_ways(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    s3_put(s, "/snapbucket", NULL);
    s3_put(s, "/snapbucket/k", "one");
    assert_true(answer_has(ddb(s, "CreateTable",
                               "{\"TableName\": \"snaptable\", \"BillingMode\": \"PAY_PER_REQUEST\", "
                               "\"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}], "
                               "\"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}]}"),
                           200, "TableDescription"));
    mockaws_clock_advance(s, 60000); /* past CREATING */
    const char *get = "{\"TableName\": \"snaptable\", \"Key\": {\"pk\": {\"S\": \"a\"}}}";
    assert_true(answer_has(ddb(s, "PutItem", "{\"TableName\": \"snaptable\", \"Item\": {\"pk\": {\"S\": \"a\"}, "
                                             "\"v\": {\"S\": \"one\"}}}"),
                           200, ""));
    take(s, "data");

    s3_put(s, "/snapbucket/k", "two");
    s3_put(s, "/snapbucket/new", "x");
    assert_true(answer_has(ddb(s, "PutItem", "{\"TableName\": \"snaptable\", \"Item\": {\"pk\": {\"S\": \"a\"}, "
                                             "\"v\": {\"S\": \"two\"}}}"),
                           200, ""));
    restore(s, "data");
    char *body = s3_get(s, "/snapbucket/k");
    assert_string_equal(body, "one");
    g_free(body);
    body = s3_get(s, "/snapbucket/new");
    assert_string_equal(body, "404");
    g_free(body);
    assert_true(answer_has(ddb(s, "GetItem", get), 200, "\"one\""));

    /* the other way: the restored world's writes stay out of the snapshot */
    s3_put(s, "/snapbucket/k", "three");
    assert_true(answer_has(ddb(s, "DeleteTable", "{\"TableName\": \"snaptable\"}"), 200, ""));
    restore(s, "data");
    body = s3_get(s, "/snapbucket/k");
    assert_string_equal(body, "one");
    g_free(body);
    assert_true(answer_has(ddb(s, "GetItem", get), 200, "\"one\""));
    assert_int_equal(mockaws_snapshot_delete(s, "data", NULL, 0), 0);
}

/* The AccessKeyId in an answer (g_malloc'd). */
static char *access_key_in(result r)
{
    assert_int_equal(r.status, 200);
    const char *at = strstr(r.body, "<AccessKeyId>");
    assert_non_null(at);
    at += strlen("<AccessKeyId>");
    char *key = g_strndup(at, strcspn(at, "<"));
    rfree(&r);
    return key;
}

static bool key_known(server *s, const char *key)
{
    server_cred c;
    bool known = server_cred_lookup(s, key, &c);
    if (known)
        server_cred_clear(&c);
    return known;
}

static void iam_users_and_credentials(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    assert_true(answer_has(query(s, "iam", "Action=CreateUser&UserName=alice"), 200, "alice"));
    char *alice_key = access_key_in(query(s, "iam", "Action=CreateAccessKey&UserName=alice"));
    take(s, "iam");

    assert_true(answer_has(query(s, "iam", "Action=CreateUser&UserName=bob"), 200, "bob"));
    char *bob_key = access_key_in(query(s, "iam", "Action=CreateAccessKey&UserName=bob"));
    char *session = access_key_in(query(s, "sts", "Action=GetSessionToken"));
    assert_true(answer_has(query(s, "iam", "Action=DeleteAccessKey&UserName=alice&AccessKeyId=%s", alice_key), 200,
                           ""));
    assert_false(key_known(s, alice_key));
    assert_true(key_known(s, bob_key) && key_known(s, session));
    take(s, "later");

    restore(s, "iam");
    assert_true(key_known(s, alice_key));
    assert_false(key_known(s, bob_key));
    assert_false(key_known(s, session));
    assert_false(answer_has(query(s, "iam", "Action=ListUsers"), 200, "bob"));
    assert_true(answer_has(query(s, "iam", "Action=ListAccessKeys&UserName=alice"), 200, alice_key));

    restore(s, "later");
    assert_false(key_known(s, alice_key));
    assert_true(key_known(s, bob_key) && key_known(s, session));
    assert_true(answer_has(query(s, "iam", "Action=ListUsers"), 200, "bob"));
    g_free(alice_key);
    g_free(bob_key);
    g_free(session);
    assert_int_equal(mockaws_snapshot_delete(s, "iam", NULL, 0), 0);
    assert_int_equal(mockaws_snapshot_delete(s, "later", NULL, 0), 0);
}

/* ---- faults and the journal ---- */

static json_int_t rule_count(server *s, const char *field)
{
    char *text = mockaws_faults_json(s);
    json_t *doc = json_loads(text, 0, NULL);
    mockaws_free(text);
    json_int_t n = json_integer_value(json_object_get(json_array_get(json_object_get(doc, "faults"), 0), field));
    assert_int_equal(json_array_size(json_object_get(doc, "faults")), 1);
    json_decref(doc);
    return n;
}

static void faults_come_back_with_counters(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    char err[256];
    assert_int_equal(mockaws_faults_add(s,
                                        "{\"service\": \"sqs\", \"operation\": \"ListQueues\", \"times\": 2, "
                                        "\"error\": {\"code\": \"Boom\", \"status\": 503}}",
                                        NULL, err, sizeof err),
                     0);
    assert_true(answer_has(sqs(s, "ListQueues", "{}"), 503, "Boom"));
    take(s, "faults");
    assert_true(answer_has(sqs(s, "ListQueues", "{}"), 503, "Boom"));
    assert_int_equal(rule_count(s, "fired"), 2);
    assert_true(answer_has(sqs(s, "ListQueues", "{}"), 200, "")); /* spent */

    restore(s, "faults");
    assert_int_equal(rule_count(s, "fired"), 1);
    assert_int_equal(rule_count(s, "matched"), 1);
    assert_true(answer_has(sqs(s, "ListQueues", "{}"), 503, "Boom")); /* its second time */
    assert_true(answer_has(sqs(s, "ListQueues", "{}"), 200, ""));

    /* rules added after the snapshot go, rules removed come back */
    mockaws_faults_clear(s);
    restore(s, "faults");
    assert_int_equal(rule_count(s, "fired"), 1);
    assert_int_equal(mockaws_snapshot_delete(s, "faults", NULL, 0), 0);
}

static void journal_position_is_optional(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    for (int i = 0; i < 2; i++)
        assert_true(answer_has(sqs(s, "ListQueues", "{}"), 200, ""));
    json_t *out;
    assert_int_equal(ctl(s, "POST", "/_mockaws/snapshots", "{\"name\": \"j\", \"journal\": true}", &out), 200);
    json_int_t seq = json_integer_value(json_object_get(out, "journal_seq"));
    assert_true(seq >= 2);
    json_decref(out);
    assert_int_equal(ctl(s, "POST", "/_mockaws/snapshots", "{\"name\": \"nj\", \"journal\": false}", NULL), 200);
    for (int i = 0; i < 3; i++)
        assert_true(answer_has(sqs(s, "ListQueues", "{}"), 200, ""));
    assert_int_equal(mockaws_journal_count(s, "sqs", "ListQueues", NULL), 5);

    restore(s, "nj"); /* no position: the journal stays */
    assert_int_equal(mockaws_journal_count(s, "sqs", "ListQueues", NULL), 5);
    restore(s, "j");
    assert_int_equal(mockaws_journal_count(s, "sqs", "ListQueues", NULL), 2);
    /* new entries get new seqs, past the dropped ones */
    assert_true(answer_has(sqs(s, "ListQueues", "{}"), 200, ""));
    char *text = mockaws_journal_json(s, NULL);
    json_t *doc = json_loads(text, 0, NULL);
    mockaws_free(text);
    json_t *entries = json_object_get(doc, "entries");
    assert_int_equal(json_array_size(entries), 3);
    assert_true(json_integer_value(json_object_get(json_array_get(entries, 2), "seq")) > seq + 3);
    json_decref(doc);
    assert_int_equal(mockaws_snapshot_delete(s, "j", NULL, 0), 0);
    assert_int_equal(mockaws_snapshot_delete(s, "nj", NULL, 0), 0);
}

/* A scenario's "snapshot" is taken after its fixtures, faults and clock:
 * restoring it brings the fixtures and the unspent rule back. */
static void scenario_takes_its_snapshot(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    const char *doc = "{\"name\": \"setup\", \"snapshot\": \"after-setup\","
                      " \"fixtures\": {\"sqs\": {\"queues\": [{\"name\": \"from-fixture\"}]}},"
                      " \"faults\": [{\"service\": \"sqs\", \"operation\": \"GetQueueUrl\", \"times\": 1,"
                      " \"error\": {\"code\": \"Boom\", \"status\": 503}}]}";
    json_t *out;
    if (ctl(s, "POST", "/_mockaws/scenario", doc, &out) != 200)
        fail_msg("%s", json_string_value(json_object_get(out, "error")));
    json_decref(out);
    assert_true(answer_has(sqs(s, "GetQueueUrl", "{\"QueueName\": \"from-fixture\"}"), 503, "Boom"));
    assert_true(answer_has(sqs(s, "DeleteQueue", "{\"QueueUrl\": \"http://localhost:4566/123456789012/from-fixture\"}"),
                           200, ""));
    restore(s, "after-setup");
    assert_true(answer_has(sqs(s, "GetQueueUrl", "{\"QueueName\": \"from-fixture\"}"), 503, "Boom"));
    assert_true(answer_has(sqs(s, "GetQueueUrl", "{\"QueueName\": \"from-fixture\"}"), 200, "from-fixture"));
    /* a name a snapshot cannot have refuses the scenario */
    assert_int_equal(ctl(s, "POST", "/_mockaws/scenario", "{\"snapshot\": \"no way\"}", NULL), 400);
    assert_int_equal(mockaws_snapshot_delete(s, "after-setup", NULL, 0), 0);
}

/* ---- a service that cannot be cloned ---- */

static void service_without_clone_is_named(void **st)
{
    (void)st;
    extern const svc_def sqs_service;
    static svc_def unclonable;
    unclonable = sqs_service;
    unclonable.state_clone = NULL;
    const svc_def *const services[] = {&unclonable, NULL};
    char err[256];
    mockaws *s = api_start_with(&(mockaws_options){0}, services, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(mockaws_snapshot(s, "empty", err, sizeof err), 0); /* nothing touched yet */
    assert_true(answer_has(sqs(s, "CreateQueue", "{\"QueueName\": \"q\"}"), 200, "q"));
    json_t *out;
    assert_int_equal(ctl(s, "POST", "/_mockaws/snapshots", "{\"name\": \"full\"}", &out), 400);
    assert_non_null(strstr(json_string_value(json_object_get(out, "error")), "sqs"));
    json_decref(out);
    assert_int_equal(ctl(s, "GET", "/_mockaws/snapshots", NULL, &out), 200);
    assert_int_equal(json_array_size(json_object_get(out, "snapshots")), 1); /* "full" was not kept */
    json_decref(out);
    mockaws_stop(s);
}

/* ---- restores while requests run ---- */

typedef struct writer {
    server *s;
    atomic_bool stop;
    atomic_bool failed; /* set after bad is written */
    atomic_int rounds;
    char bad[256]; /* the first inconsistent read */
} writer;

/* Tags the queue with v<i> and reads the tag back: a restore may come
 * between the two, so the read sees v<i> or the snapshot's "base", and
 * nothing else. */
static gpointer write_read(gpointer arg)
{
    writer *w = arg;
    for (int i = 0; !atomic_load(&w->stop) && !atomic_load(&w->failed); i++) {
        char want[32];
        g_snprintf(want, sizeof want, "\"v%d\"", i);
        result r = on_queue(w->s, "TagQueue", "tagged", "\"Tags\": {\"k\": %s}", want);
        if (r.status != 200)
            g_snprintf(w->bad, sizeof w->bad, "TagQueue: %d %s", r.status, r.body);
        atomic_store(&w->failed, r.status != 200);
        rfree(&r);
        r = on_queue(w->s, "ListQueueTags", "tagged", "%s", "");
        if (r.status != 200 || (!strstr(r.body, want) && !strstr(r.body, "\"base\""))) {
            g_snprintf(w->bad, sizeof w->bad, "round %d read %d %s", i, r.status, r.body);
            atomic_store(&w->failed, true);
        }
        rfree(&r);
        atomic_store(&w->rounds, i + 1);
    }
    return NULL;
}

/* PutObject of v<i> then GetObject, the same way. */
static gpointer put_get(gpointer arg)
{
    writer *w = arg;
    for (int i = 0; !atomic_load(&w->stop) && !atomic_load(&w->failed); i++) {
        char want[32];
        g_snprintf(want, sizeof want, "v%d", i);
        s3r r = s3_call(w->s, "PUT", "/racebucket/k", NULL, want, strlen(want), NULL);
        if (r.status != 200) {
            g_snprintf(w->bad, sizeof w->bad, "PutObject: %d %s", r.status, r.body);
            atomic_store(&w->failed, true);
        }
        s3r_free(&r);
        char *got = s3_get(w->s, "/racebucket/k");
        if (strcmp(got, want) != 0 && strcmp(got, "base") != 0) {
            g_snprintf(w->bad, sizeof w->bad, "round %d read '%s'", i, got);
            atomic_store(&w->failed, true);
        }
        g_free(got);
        atomic_store(&w->rounds, i + 1);
    }
    return NULL;
}

static void run_against_restores(server *s, GThreadFunc fn)
{
    take(s, "base");
    writer w = {.s = s};
    GThread *t = g_thread_new("writer", fn, &w);
    /* at least 300 restores and 200 of the writer's rounds, however the two
     * threads are scheduled */
    for (int i = 0; (i < 300 || atomic_load(&w.rounds) < 200) && !atomic_load(&w.failed); i++)
        restore(s, "base");
    atomic_store(&w.stop, true);
    g_thread_join(t);
    if (atomic_load(&w.failed))
        fail_msg("%s", w.bad);
    assert_true(atomic_load(&w.rounds) >= 200);
    assert_int_equal(mockaws_snapshot_delete(s, "base", NULL, 0), 0);
}

static void objects_read_old_or_new(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    s3_put(s, "/racebucket", NULL);
    s3_put(s, "/racebucket/k", "base");
    run_against_restores(s, put_get);
}

static void queue_tags_read_old_or_new(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    assert_true(answer_has(sqs(s, "CreateQueue", "{\"QueueName\": \"tagged\", \"tags\": {\"k\": \"base\"}}"), 200,
                           "tagged"));
    run_against_restores(s, write_read);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_are_checked),
        cmocka_unit_test(unknown_names_are_404),
        cmocka_unit_test(list_replace_delete),
        cmocka_unit_test(guard_stands_before_snapshots),
        cmocka_unit_test(sqs_messages_both_ways),
        cmocka_unit_test(sqs_fifo_groups_survive),
        cmocka_unit_test(sns_topics_and_log_both_ways),
        cmocka_unit_test(ec2_instances_both_ways),
        cmocka_unit_test(iam_users_and_credentials),
        cmocka_unit_test(faults_come_back_with_counters),
        cmocka_unit_test(journal_position_is_optional),
        cmocka_unit_test(scenario_takes_its_snapshot),
        cmocka_unit_test(service_without_clone_is_named),
        cmocka_unit_test(queue_tags_read_old_or_new),
        cmocka_unit_test(s3_and_dynamodb_both_ways),
        cmocka_unit_test(objects_read_old_or_new),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
