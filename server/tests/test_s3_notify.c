/* S3 event notifications through the whole pipeline, S3 to SNS and SQS: the
 * configuration's checks (ARNs, filters, overlaps, the destination's
 * existence and policy, x-amz-skip-destination-validation), the test event,
 * the records each operation publishes (created, removed, delete markers,
 * tagging, restore started and finished, lifecycle expirations on the
 * virtual clock), and the journal's entries for the deliveries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "test_s3_call.h"

#define SNS_AUTH "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=0"
#define TOPIC "arn:aws:sns:us-east-1:123456789012:events"
#define FORM "application/x-www-form-urlencoded"

static int setup(void **st) { return s3_setup_virtual(st, 5000); }

static int reset(void **st)
{
    s3r r = s3_call(*st, "POST", "/_mockaws/reset", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    return 0;
}

static void sns_ok(server *s, const char *form)
{
    s3r r = s3_call(s, "POST", "/", NULL, form, strlen(form), "authorization", SNS_AUTH, "content-type", FORM, NULL);
    if (r.status != 200)
        fprintf(stderr, "%s -> %d %s\n", form, r.status, r.body);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
}

/* A topic whose policy lets S3 publish for source_bucket ("*": any). */
static void topic_for_s3(server *s, const char *source_bucket)
{
    sns_ok(s, "Action=CreateTopic&Version=2010-03-31&Name=events");
    char *policy = g_strdup_printf(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
        "\"s3.amazonaws.com\"},\"Action\":\"SNS:Publish\",\"Resource\":\"%s\",\"Condition\":{\"ArnLike\":"
        "{\"aws:SourceArn\":\"arn:aws:s3:::%s\"}}}]}",
        TOPIC, source_bucket);
    char *enc = g_uri_escape_string(policy, NULL, FALSE);
    char *form = g_strdup_printf("Action=SetTopicAttributes&Version=2010-03-31&TopicArn=%s&AttributeName=Policy"
                                 "&AttributeValue=%s",
                                 TOPIC, enc);
    sns_ok(s, form);
    g_free(form);
    g_free(enc);
    g_free(policy);
}

static s3r put_config(server *s, const char *bucket, const char *xml, const char *skip)
{
    char *path = g_strdup_printf("/%s", bucket);
    s3r r = skip ? s3_call(s, "PUT", path, "notification", xml, strlen(xml), "x-amz-skip-destination-validation",
                           skip, NULL)
                 : s3_call(s, "PUT", path, "notification", xml, strlen(xml), NULL);
    g_free(path);
    return r;
}

#define TOPIC_CONFIG(events, filter)                                                                              \
    "<NotificationConfiguration><TopicConfiguration><Id>cfg</Id><Topic>" TOPIC "</Topic>" events filter          \
    "</TopicConfiguration></NotificationConfiguration>"
#define EV(e) "<Event>" e "</Event>"
#define PREFIX(p) "<Filter><S3Key><FilterRule><Name>prefix</Name><Value>" p "</Value></FilterRule></S3Key></Filter>"

/* The messages published to the topic so far, oldest first (a new
 * reference): each the parsed S3 message. */
static json_t *messages(server *s)
{
    s3r r = s3_call(s, "GET", "/_mockaws/sns/messages", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    json_t *doc = json_loads(r.body, 0, NULL);
    assert_non_null(doc);
    json_t *out = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(doc, "messages"), i, m) {
        assert_string_equal(json_string_value(json_object_get(m, "subject")), "Amazon S3 Notification");
        json_t *parsed = json_loads(json_string_value(json_object_get(m, "message")), 0, NULL);
        assert_non_null(parsed);
        json_array_append_new(out, parsed);
    }
    json_decref(doc);
    s3r_free(&r);
    return out;
}

/* The record of message i, and its "s3"."object". */
static json_t *record_of(json_t *msgs, size_t i)
{
    json_t *rec = json_array_get(json_object_get(json_array_get(msgs, i), "Records"), 0);
    assert_non_null(rec);
    return rec;
}

static const char *str_at(json_t *o, const char *a, const char *b, const char *c)
{
    json_t *v = json_object_get(o, a);
    if (b)
        v = json_object_get(v, b);
    if (c)
        v = json_object_get(v, c);
    return json_string_value(v);
}

static void destination_is_checked(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/evbucket", NULL, NULL);
    /* no such topic yet */
    s3r r = put_config(s, "evbucket", TOPIC_CONFIG(EV("s3:ObjectCreated:*"), ""), NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Message>Unable to validate the following destination configurations</Message>"));
    assert_non_null(strstr(r.body, "<ArgumentName1>" TOPIC "</ArgumentName1>"));
    s3r_free(&r);
    /* the topic's default policy does not let S3 publish */
    sns_ok(s, "Action=CreateTopic&Version=2010-03-31&Name=events");
    r = put_config(s, "evbucket", TOPIC_CONFIG(EV("s3:ObjectCreated:*"), ""), NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<ArgumentValue1>Permissions on the destination topic"));
    s3r_free(&r);
    /* a policy for another bucket does not either */
    topic_for_s3(s, "other-bucket");
    r = put_config(s, "evbucket", TOPIC_CONFIG(EV("s3:ObjectCreated:*"), ""), NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    /* unless the check is skipped */
    r = put_config(s, "evbucket", TOPIC_CONFIG(EV("s3:ObjectCreated:*"), ""), "true");
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    /* a policy for this bucket does */
    topic_for_s3(s, "evbucket");
    r = put_config(s, "evbucket", TOPIC_CONFIG(EV("s3:ObjectCreated:*"), ""), NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    /* the checks each destination went through are in the journal, made by S3 */
    r = s3_call(s, "GET", "/_mockaws/journal", "operation=GetTopicAttributes", NULL, 0, NULL);
    assert_int_equal(s3_count(r.body, "\"caller\":\"s3\""), 4);
    s3r_free(&r);
}

static void configuration_errors(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/evbucket", NULL, NULL);
    topic_for_s3(s, "*");
    s3r r = put_config(s, "evbucket",
                       "<NotificationConfiguration><TopicConfiguration><Topic>arn:aws:sqs:us-east-1:1:q</Topic>"
                       EV("s3:ObjectCreated:*") "</TopicConfiguration></NotificationConfiguration>",
                       NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Message>The ARN could not be parsed</Message>"));
    assert_non_null(strstr(r.body, "<ArgumentName>Topic</ArgumentName>"));
    s3r_free(&r);
    r = put_config(s, "evbucket",
                   TOPIC_CONFIG(EV("s3:ObjectCreated:*"), "<Filter><S3Key><FilterRule><Name>middle</Name><Value>x"
                                                           "</Value></FilterRule></S3Key></Filter>"),
                   NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "filter rule name must be either prefix or suffix"));
    s3r_free(&r);
    /* two configurations that take the same event for the same keys */
    r = put_config(s, "evbucket",
                   "<NotificationConfiguration><TopicConfiguration><Topic>" TOPIC "</Topic>" EV("s3:ObjectCreated:*")
                   PREFIX("a/") "</TopicConfiguration><TopicConfiguration><Topic>" TOPIC "</Topic>"
                   EV("s3:ObjectCreated:Put") PREFIX("a/b") "</TopicConfiguration></NotificationConfiguration>",
                   NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "Configurations overlap."));
    s3r_free(&r);
    /* disjoint prefixes, or different events, do not overlap */
    r = put_config(s, "evbucket",
                   "<NotificationConfiguration><TopicConfiguration><Topic>" TOPIC "</Topic>" EV("s3:ObjectCreated:*")
                   PREFIX("a/") "</TopicConfiguration><TopicConfiguration><Topic>" TOPIC "</Topic>"
                   EV("s3:ObjectCreated:Put") PREFIX("b/") "</TopicConfiguration><TopicConfiguration><Topic>" TOPIC
                   "</Topic>" EV("s3:ObjectRemoved:*") PREFIX("a/") "</TopicConfiguration></NotificationConfiguration>",
                   NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    /* a topic in another region than the bucket's */
    r = put_config(s, "evbucket",
                   "<NotificationConfiguration><TopicConfiguration><Topic>arn:aws:sns:eu-west-1:123456789012:events"
                   "</Topic>" EV("s3:ObjectCreated:*") "</TopicConfiguration></NotificationConfiguration>",
                   NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "The notification destination service region is not valid"));
    s3r_free(&r);
    /* a queue that is not there */
    r = put_config(s, "evbucket",
                   "<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:123456789012:q"
                   "</Queue>" EV("s3:ObjectCreated:*") "</QueueConfiguration></NotificationConfiguration>",
                   NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<ArgumentValue1>The destination queue does not exist</ArgumentValue1>"));
    s3r_free(&r);
}

#define SQS_AUTH "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"
#define QUEUE "arn:aws:sqs:us-east-1:123456789012:uploads"
#define QUEUE_CONFIG                                                                                              \
    "<NotificationConfiguration><QueueConfiguration><Id>to-queue</Id><Queue>" QUEUE "</Queue>"                    \
    EV("s3:ObjectCreated:*") "</QueueConfiguration></NotificationConfiguration>"

/* An SQS operation (JSON 1.0) that must succeed: its answer (a new reference). */
static json_t *sqs_ok(server *s, const char *op, json_t *in)
{
    char *target = g_strdup_printf("AmazonSQS.%s", op);
    char *body = json_dumps(in, JSON_COMPACT);
    s3r r = s3_call(s, "POST", "/", NULL, body, strlen(body), "authorization", SQS_AUTH, "x-amz-target", target,
                    "content-type", "application/x-amz-json-1.0", NULL);
    if (r.status != 200)
        fprintf(stderr, "%s %s -> %d %s\n", op, body, r.status, r.body);
    assert_int_equal(r.status, 200);
    json_t *out = json_loads(r.body, 0, NULL);
    assert_non_null(out);
    s3r_free(&r);
    free(body);
    g_free(target);
    json_decref(in);
    return out;
}

/* The body of the one message waiting in the queue at url, deleted (a new string). */
static char *take_message(server *s, const char *url)
{
    json_t *got = sqs_ok(s, "ReceiveMessage", json_pack("{s:s, s:i}", "QueueUrl", url, "MaxNumberOfMessages", 10));
    json_t *msgs = json_object_get(got, "Messages");
    assert_int_equal(json_array_size(msgs), 1);
    json_t *m = json_array_get(msgs, 0);
    char *body = g_strdup(json_string_value(json_object_get(m, "Body")));
    json_decref(sqs_ok(s, "DeleteMessage", json_pack("{s:s, s:O}", "QueueUrl", url, "ReceiptHandle",
                                                     json_object_get(m, "ReceiptHandle"))));
    json_decref(got);
    return body;
}

static void queues_are_checked_and_sent_records(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/evbucket", NULL, NULL);
    json_t *q = sqs_ok(s, "CreateQueue", json_pack("{s:s}", "QueueName", "uploads"));
    const char *url = json_string_value(json_object_get(q, "QueueUrl"));
    /* the queue is there, but its (absent) policy does not let S3 send */
    s3r r = put_config(s, "evbucket", QUEUE_CONFIG, NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<ArgumentName1>" QUEUE "</ArgumentName1>"));
    assert_non_null(strstr(r.body, "<ArgumentValue1>Permissions on the destination queue do not allow S3 to "
                                   "publish notifications from this bucket</ArgumentValue1>"));
    s3r_free(&r);
    char *policy = g_strdup_printf(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
        "\"s3.amazonaws.com\"},\"Action\":\"sqs:SendMessage\",\"Resource\":\"%s\",\"Condition\":{\"ArnLike\":"
        "{\"aws:SourceArn\":\"arn:aws:s3:::evbucket\"}}}]}",
        QUEUE);
    json_decref(sqs_ok(s, "SetQueueAttributes",
                       json_pack("{s:s, s:{s:s}}", "QueueUrl", url, "Attributes", "Policy", policy)));
    g_free(policy);
    r = put_config(s, "evbucket", QUEUE_CONFIG, NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    /* the test event, as the message body itself */
    char *body = take_message(s, url);
    json_t *ev = json_loads(body, 0, NULL);
    assert_string_equal(str_at(ev, "Event", NULL, NULL), "s3:TestEvent");
    assert_string_equal(str_at(ev, "Bucket", NULL, NULL), "evbucket");
    json_decref(ev);
    g_free(body);
    /* an upload's record */
    s3_ok(s, "PUT", "/evbucket/in/a.txt", NULL, "hello");
    body = take_message(s, url);
    json_t *msg = json_loads(body, 0, NULL);
    json_t *rec = json_array_get(json_object_get(msg, "Records"), 0);
    assert_string_equal(str_at(rec, "eventName", NULL, NULL), "ObjectCreated:Put");
    assert_string_equal(str_at(rec, "s3", "configurationId", NULL), "to-queue");
    assert_string_equal(str_at(rec, "s3", "object", "key"), "in/a.txt");
    json_decref(msg);
    g_free(body);
    /* S3's sends are in the journal as SQS calls made by S3 */
    r = s3_call(s, "GET", "/_mockaws/journal", "operation=SendMessage", NULL, 0, NULL);
    assert_int_equal(s3_count(r.body, "\"caller\":\"s3\""), 2);
    s3r_free(&r);
    json_decref(q);
}

static void events_are_published(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/evbucket", NULL, NULL);
    topic_for_s3(s, "evbucket");
    s3r r = put_config(s, "evbucket",
                       TOPIC_CONFIG(EV("s3:ObjectCreated:*") EV("s3:ObjectRemoved:*") EV("s3:ObjectTagging:*"),
                                    PREFIX("in/")),
                       NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    s3_ok(s, "PUT", "/evbucket/in/a%20b=c", NULL, "hello");
    s3_ok(s, "PUT", "/evbucket/out/skipped", NULL, "hello");
    s3r c = s3_call(s, "PUT", "/evbucket/in/copy", NULL, NULL, 0, "x-amz-copy-source", "/evbucket/out/skipped", NULL);
    assert_int_equal(c.status, 200);
    s3r_free(&c);
    s3_ok(s, "PUT", "/evbucket/in/copy", "tagging",
          "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>");
    s3_ok(s, "DELETE", "/evbucket/in/copy", NULL, NULL);

    json_t *msgs = messages(s);
    assert_int_equal(json_array_size(msgs), 5);
    json_t *test = json_array_get(msgs, 0);
    assert_string_equal(json_string_value(json_object_get(test, "Event")), "s3:TestEvent");
    assert_string_equal(json_string_value(json_object_get(test, "Bucket")), "evbucket");

    json_t *put = record_of(msgs, 1);
    assert_string_equal(str_at(put, "eventName", NULL, NULL), "ObjectCreated:Put");
    assert_string_equal(str_at(put, "eventVersion", NULL, NULL), "2.1");
    assert_string_equal(str_at(put, "eventSource", NULL, NULL), "aws:s3");
    assert_string_equal(str_at(put, "awsRegion", NULL, NULL), "us-east-1");
    assert_string_equal(str_at(put, "s3", "configurationId", NULL), "cfg");
    assert_string_equal(str_at(put, "s3", "bucket", "arn"), "arn:aws:s3:::evbucket");
    json_t *obj = json_object_get(json_object_get(put, "s3"), "object");
    /* form-encoded: the space a '+', '=' escaped, '/' kept */
    assert_string_equal(str_at(obj, "key", NULL, NULL), "in/a+b%3Dc");
    assert_int_equal(json_integer_value(json_object_get(obj, "size")), 5);
    assert_string_equal(str_at(obj, "eTag", NULL, NULL), "5d41402abc4b2a76b9719d911017c592");
    assert_null(json_object_get(obj, "versionId")); /* unversioned bucket */
    const char *seq1 = str_at(obj, "sequencer", NULL, NULL);
    assert_int_equal(strlen(seq1), 18);

    json_t *copy = record_of(msgs, 2);
    assert_string_equal(str_at(copy, "eventName", NULL, NULL), "ObjectCreated:Copy");
    const char *seq2 = str_at(copy, "s3", "object", "sequencer");
    assert_true(strcmp(seq2, seq1) > 0);
    json_t *tag = record_of(msgs, 3);
    assert_string_equal(str_at(tag, "eventName", NULL, NULL), "ObjectTagging:Put");
    assert_string_equal(str_at(tag, "eventVersion", NULL, NULL), "2.3");
    json_t *del = record_of(msgs, 4);
    assert_string_equal(str_at(del, "eventName", NULL, NULL), "ObjectRemoved:Delete");
    assert_null(json_object_get(json_object_get(json_object_get(del, "s3"), "object"), "size"));
    json_decref(msgs);

    /* each delivery is an SNS Publish in the journal, made by S3 */
    r = s3_call(s, "GET", "/_mockaws/journal", "operation=Publish", NULL, 0, NULL);
    assert_int_equal(s3_count(r.body, "\"caller\":\"s3\""), 5);
    s3r_free(&r);
}

static void versioned_deletes(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/evbucket", NULL, NULL);
    s3_ok(s, "PUT", "/evbucket", "versioning",
          "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>");
    topic_for_s3(s, "evbucket");
    s3r r = put_config(s, "evbucket", TOPIC_CONFIG(EV("s3:ObjectRemoved:*") EV("s3:ObjectCreated:Put"), ""), NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/evbucket/k", NULL, "v1", 2, NULL);
    char *vid = g_strdup(s3r_header(&r, "x-amz-version-id"));
    s3r_free(&r);
    r = s3_call(s, "DELETE", "/evbucket/k", NULL, NULL, 0, NULL);
    char *marker = g_strdup(s3r_header(&r, "x-amz-version-id"));
    s3r_free(&r);
    const char *del = "<Delete><Object><Key>k</Key></Object></Delete>";
    char *md5 = s3_content_md5(del);
    r = s3_call(s, "POST", "/evbucket", "delete", del, strlen(del), "content-md5", md5, NULL);
    g_free(md5);
    assert_int_equal(r.status, 200);
    s3r_free(&r);

    json_t *msgs = messages(s);
    assert_int_equal(json_array_size(msgs), 4);
    assert_string_equal(str_at(record_of(msgs, 1), "s3", "object", "versionId"), vid);
    json_t *m = record_of(msgs, 2);
    assert_string_equal(str_at(m, "eventName", NULL, NULL), "ObjectRemoved:DeleteMarkerCreated");
    assert_string_equal(str_at(m, "s3", "object", "versionId"), marker);
    assert_string_equal(str_at(m, "s3", "object", "eTag"), "d41d8cd98f00b204e9800998ecf8427e");
    assert_string_equal(str_at(record_of(msgs, 3), "eventName", NULL, NULL), "ObjectRemoved:DeleteMarkerCreated");
    json_decref(msgs);
    g_free(vid);
    g_free(marker);
}

/* S3's own doings, on the virtual clock: a restore finishing and a
 * lifecycle expiration send their events when the clock passes them,
 * without a request to S3. */
static void clock_driven_events(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/evbucket", NULL, NULL);
    topic_for_s3(s, "evbucket");
    s3r r = put_config(s, "evbucket",
                       TOPIC_CONFIG(EV("s3:ObjectRestore:*") EV("s3:LifecycleExpiration:*"), ""), NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/evbucket/cold", NULL, "frozen", 6, "x-amz-storage-class", "GLACIER", NULL);
    s3r_free(&r);
    const char *rr = "<RestoreRequest><Days>1</Days></RestoreRequest>";
    r = s3_call(s, "POST", "/evbucket/cold", "restore", rr, strlen(rr), NULL);
    assert_int_equal(r.status, 202);
    s3r_free(&r);
    json_t *msgs = messages(s);
    assert_int_equal(json_array_size(msgs), 2);
    assert_string_equal(str_at(record_of(msgs, 1), "eventName", NULL, NULL), "ObjectRestore:Post");
    json_decref(msgs);

    mockaws_clock_advance(s, 4999);
    msgs = messages(s);
    assert_int_equal(json_array_size(msgs), 2);
    json_decref(msgs);
    mockaws_clock_advance(s, 1);
    msgs = messages(s);
    assert_int_equal(json_array_size(msgs), 3);
    json_t *done = record_of(msgs, 2);
    assert_string_equal(str_at(done, "eventName", NULL, NULL), "ObjectRestore:Completed");
    assert_string_equal(str_at(done, "glacierEventData", "restoreEventData", "lifecycleRestoreStorageClass"),
                        "GLACIER");
    assert_non_null(str_at(done, "glacierEventData", "restoreEventData", "lifecycleRestorationExpiryTime"));
    json_decref(msgs);

    s3_ok(s, "PUT", "/evbucket", "lifecycle",
          "<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status>"
          "<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>");
    s3_ok(s, "PUT", "/evbucket/tmp/x", NULL, "gone soon");
    mockaws_clock_advance(s, (uint64_t)2 * 86400 * 1000);
    msgs = messages(s);
    assert_int_equal(json_array_size(msgs), 4);
    json_t *exp = record_of(msgs, 3);
    assert_string_equal(str_at(exp, "eventName", NULL, NULL), "LifecycleExpiration:Delete");
    assert_string_equal(str_at(exp, "s3", "object", "key"), "tmp/x");
    assert_string_equal(str_at(exp, "userIdentity", "principalId", NULL), "s3.amazonaws.com");
    json_decref(msgs);
    r = s3_call(s, "GET", "/evbucket/tmp/x", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 404);
    s3r_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(destination_is_checked, reset),
        cmocka_unit_test_setup(configuration_errors, reset),
        cmocka_unit_test_setup(events_are_published, reset),
        cmocka_unit_test_setup(queues_are_checked_and_sent_records, reset),
        cmocka_unit_test_setup(versioned_deletes, reset),
        cmocka_unit_test_setup(clock_driven_events, reset),
    };
    return cmocka_run_group_tests(tests, setup, s3_teardown);
}
