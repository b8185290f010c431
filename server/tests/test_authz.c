/* svc_def.authorize of every service: the IAM action and resource ARN
 * each operation is checked against under --auth enforce, as the Service
 * Authorization Reference lists them (docs/AWS-FACTS.md), one row per
 * case: the service, the operation, its input as the wire layer parses
 * it, and the checks expected ("action resource" joined by " | ", a
 * batch entry's check prefixed with "#i "). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <string.h>

#include "services/service.h"
#include "services/svc_api.h"

typedef struct authz_case {
    const char *service, *operation, *input, *want, *context;
} authz_case;

static const authz_case cases[] = {
    /* S3: operations are not actions */
    {"s3", "HeadObject", "{\"Bucket\":\"b\",\"Key\":\"k/x\"}", "s3:GetObject arn:aws:s3:::b/k/x", NULL},
    {"s3", "GetObject", "{\"Bucket\":\"b\",\"Key\":\"k\",\"VersionId\":\"v1\"}", "s3:GetObjectVersion arn:aws:s3:::b/k",
     "{\"s3:versionid\":\"v1\"}"},
    {"s3", "ListObjectsV2", "{\"Bucket\":\"b\",\"Prefix\":\"reports/\",\"Delimiter\":\"/\",\"MaxKeys\":5}",
     "s3:ListBucket arn:aws:s3:::b", "{\"s3:prefix\":\"reports/\",\"s3:delimiter\":\"/\",\"s3:max-keys\":\"5\"}"},
    {"s3", "HeadBucket", "{\"Bucket\":\"b\"}", "s3:ListBucket arn:aws:s3:::b", NULL},
    {"s3", "ListObjectVersions", "{\"Bucket\":\"b\"}", "s3:ListBucketVersions arn:aws:s3:::b", NULL},
    {"s3", "ListBuckets", "{}", "s3:ListAllMyBuckets *", NULL},
    {"s3", "PutObject", "{\"Bucket\":\"b\",\"Key\":\"k\",\"ACL\":\"public-read\",\"Tagging\":\"a=1\"}",
     "s3:PutObject arn:aws:s3:::b/k | s3:PutObjectAcl arn:aws:s3:::b/k | s3:PutObjectTagging arn:aws:s3:::b/k",
     "{\"s3:x-amz-acl\":\"public-read\"}"},
    {"s3", "CopyObject", "{\"Bucket\":\"b\",\"Key\":\"dst\",\"CopySource\":\"/src/a%20b?versionId=x\"}",
     "s3:GetObjectVersion arn:aws:s3:::src/a b | s3:PutObject arn:aws:s3:::b/dst", NULL},
    {"s3", "DeleteObjects",
     "{\"Bucket\":\"b\",\"Delete\":{\"Objects\":[{\"Key\":\"a\"},{\"Key\":\"c\",\"VersionId\":\"v\"}]}}",
     "#0 s3:DeleteObject arn:aws:s3:::b/a | #1 s3:DeleteObjectVersion arn:aws:s3:::b/c", NULL},
    {"s3", "CreateBucket", "{\"Bucket\":\"b\",\"ObjectLockEnabledForBucket\":true}",
     "s3:CreateBucket arn:aws:s3:::b | s3:PutBucketObjectLockConfiguration arn:aws:s3:::b | s3:PutBucketVersioning "
     "arn:aws:s3:::b",
     NULL},
    {"s3", "DeleteBucketCors", "{\"Bucket\":\"b\"}", "s3:PutBucketCORS arn:aws:s3:::b", NULL},
    {"s3", "GetBucketLifecycleConfiguration", "{\"Bucket\":\"b\"}", "s3:GetLifecycleConfiguration arn:aws:s3:::b",
     NULL},
    {"s3", "UploadPart", "{\"Bucket\":\"b\",\"Key\":\"k\",\"UploadId\":\"u\",\"PartNumber\":1}",
     "s3:PutObject arn:aws:s3:::b/k", NULL},
    {"s3", "ListParts", "{\"Bucket\":\"b\",\"Key\":\"k\",\"UploadId\":\"u\"}",
     "s3:ListMultipartUploadParts arn:aws:s3:::b/k", NULL},
    {"s3", "MockawsPreflightObject", "{\"Bucket\":\"b\",\"Key\":\"k\"}", "", NULL},
    /* DynamoDB */
    {"dynamodb", "GetItem", "{\"TableName\":\"orders\",\"Key\":{}}",
     "dynamodb:GetItem arn:aws:dynamodb:us-east-1:123456789012:table/orders", NULL},
    {"dynamodb", "Query", "{\"TableName\":\"orders\",\"IndexName\":\"by-day\"}",
     "dynamodb:Query arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/by-day", NULL},
    {"dynamodb", "ListTables", "{}", "dynamodb:ListTables arn:aws:dynamodb:us-east-1:123456789012:table/*", NULL},
    {"dynamodb", "DescribeLimits", "{}", "dynamodb:DescribeLimits *", NULL},
    {"dynamodb", "BatchWriteItem", "{\"RequestItems\":{\"a\":[],\"b\":[]}}",
     "dynamodb:BatchWriteItem arn:aws:dynamodb:us-east-1:123456789012:table/a | dynamodb:BatchWriteItem "
     "arn:aws:dynamodb:us-east-1:123456789012:table/b",
     NULL},
    {"dynamodb", "TransactWriteItems",
     "{\"TransactItems\":[{\"Put\":{\"TableName\":\"a\"}},{\"ConditionCheck\":{\"TableName\":\"b\"}}]}",
     "dynamodb:PutItem arn:aws:dynamodb:us-east-1:123456789012:table/a | dynamodb:ConditionCheckItem "
     "arn:aws:dynamodb:us-east-1:123456789012:table/b",
     "{\"dynamodb:enclosingoperation\":\"TransactWriteItems\"}"},
    {"dynamodb", "ExecuteStatement", "{\"Statement\":\"SELECT * FROM \\\"orders\\\".\\\"by-day\\\" WHERE pk = 1\"}",
     "dynamodb:PartiQLSelect arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/by-day", NULL},
    {"dynamodb", "BatchExecuteStatement",
     "{\"Statements\":[{\"Statement\":\"DELETE FROM \\\"t\\\" WHERE pk = 1\"},{\"Statement\":\"not a statement\"}]}",
     "dynamodb:PartiQLDelete arn:aws:dynamodb:us-east-1:123456789012:table/t", NULL},
    {"dynamodb", "DescribeTable", "{\"TableName\":\"arn:aws:dynamodb:eu-west-1:111122223333:table/x\"}",
     "dynamodb:DescribeTable arn:aws:dynamodb:eu-west-1:111122223333:table/x", NULL},
    /* SNS */
    {"sns", "Publish", "{\"TopicArn\":\"arn:aws:sns:us-east-1:123456789012:t\",\"Message\":\"m\"}",
     "sns:Publish arn:aws:sns:us-east-1:123456789012:t", NULL},
    {"sns", "PublishBatch", "{\"TopicArn\":\"arn:aws:sns:us-east-1:123456789012:t\"}",
     "sns:Publish arn:aws:sns:us-east-1:123456789012:t", NULL},
    {"sns", "CreateTopic", "{\"Name\":\"t\"}", "sns:CreateTopic arn:aws:sns:us-east-1:123456789012:t", NULL},
    {"sns", "Unsubscribe", "{\"SubscriptionArn\":\"arn:aws:sns:us-east-1:123456789012:t:5d2c\"}",
     "sns:Unsubscribe arn:aws:sns:us-east-1:123456789012:t", NULL},
    {"sns", "Subscribe",
     "{\"TopicArn\":\"arn:aws:sns:us-east-1:123456789012:t\",\"Protocol\":\"sqs\",\"Endpoint\":\"arn:q\"}",
     "sns:Subscribe arn:aws:sns:us-east-1:123456789012:t", "{\"sns:protocol\":\"sqs\",\"sns:endpoint\":\"arn:q\"}"},
    {"sns", "ListTopics", "{}", "sns:ListTopics *", NULL},
    /* EC2 */
    {"ec2", "DescribeInstances", "{\"InstanceIds\":[\"i-1\"]}", "ec2:DescribeInstances *", NULL},
    {"ec2", "StopInstances", "{\"InstanceIds\":[\"i-1\",\"i-2\"]}",
     "ec2:StopInstances arn:aws:ec2:us-east-1:123456789012:instance/i-1 | ec2:StopInstances "
     "arn:aws:ec2:us-east-1:123456789012:instance/i-2",
     NULL},
    {"ec2", "RunInstances", "{\"ImageId\":\"ami-1\",\"KeyName\":\"k\",\"MinCount\":1,\"MaxCount\":1}",
     "ec2:RunInstances arn:aws:ec2:us-east-1:123456789012:instance/* | ec2:RunInstances "
     "arn:aws:ec2:us-east-1::image/ami-1 | ec2:RunInstances arn:aws:ec2:us-east-1:123456789012:subnet/* | "
     "ec2:RunInstances arn:aws:ec2:us-east-1:123456789012:network-interface/* | ec2:RunInstances "
     "arn:aws:ec2:us-east-1:123456789012:security-group/* | ec2:RunInstances "
     "arn:aws:ec2:us-east-1:123456789012:volume/* | ec2:RunInstances arn:aws:ec2:us-east-1:123456789012:key-pair/k",
     NULL},
    {"ec2", "CreateTags", "{\"Resources\":[\"vol-1\"],\"Tags\":[]}",
     "ec2:CreateTags arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "{\"ec2:createaction\":\"CreateTags\"}"},
    /* STS */
    {"sts", "AssumeRole", "{\"RoleArn\":\"arn:aws:iam::123456789012:role/r\",\"RoleSessionName\":\"s\"}",
     "sts:AssumeRole arn:aws:iam::123456789012:role/r", NULL},
    {"sts", "GetCallerIdentity", "{}", "", NULL},
    /* SQS: any host form of a queue URL; batches are their single action */
    {"sqs", "SendMessageBatch", "{\"QueueUrl\":\"https://sqs.us-east-1.amazonaws.com/123456789012/q\"}",
     "sqs:SendMessage arn:aws:sqs:us-east-1:123456789012:q", NULL},
    {"sqs", "ReceiveMessage", "{\"QueueUrl\":\"http://localhost:4566/123456789012/q\"}",
     "sqs:ReceiveMessage arn:aws:sqs:us-east-1:123456789012:q", NULL},
    {"sqs", "CreateQueue", "{\"QueueName\":\"q\"}", "sqs:CreateQueue arn:aws:sqs:us-east-1:123456789012:q", NULL},
    {"sqs", "GetQueueUrl", "{\"QueueName\":\"q\",\"QueueOwnerAWSAccountId\":\"210987654321\"}",
     "sqs:GetQueueUrl arn:aws:sqs:us-east-1:210987654321:q", NULL},
    {"sqs", "StartMessageMoveTask", "{\"SourceArn\":\"arn:aws:sqs:us-east-1:123456789012:dlq\"}",
     "sqs:StartMessageMoveTask arn:aws:sqs:us-east-1:123456789012:dlq", NULL},
    {"sqs", "ListQueues", "{}", "sqs:ListQueues *", NULL},
};

static void every_case(void **state)
{
    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const authz_case *k = &cases[i];
        const svc_def *def = services_find(k->service);
        assert_non_null(def);
        assert_non_null(def->authorize);
        json_t *input = json_loads(k->input, 0, NULL);
        assert_non_null(input);
        svc_call c = {.svc = def,
                      .account = "123456789012",
                      .region = "us-east-1",
                      .access_key = "AKID",
                      .operation = k->operation,
                      .input = input};
        GArray *out = g_array_new(FALSE, TRUE, sizeof(svc_authz));
        json_t *context = json_object();
        def->authorize(&c, out, context);
        GString *got = g_string_new(NULL);
        for (guint j = 0; j < out->len; j++) {
            svc_authz *a = &g_array_index(out, svc_authz, j);
            if (j)
                g_string_append(got, " | ");
            if (a->entry >= 0)
                g_string_append_printf(got, "#%d ", a->entry);
            g_string_append_printf(got, "%s %s", a->action, a->resource);
            g_free(a->resource);
        }
        if (strcmp(got->str, k->want) != 0)
            fail_msg("%s %s: got \"%s\", want \"%s\"", k->service, k->operation, got->str, k->want);
        json_t *want_ctx = k->context ? json_loads(k->context, 0, NULL) : json_object();
        if (!json_equal(want_ctx, context)) {
            char *t = json_dumps(context, JSON_COMPACT);
            fail_msg("%s %s: context %s, want %s", k->service, k->operation, t, k->context ? k->context : "{}");
        }
        json_decref(want_ctx);
        json_decref(context);
        g_string_free(got, TRUE);
        g_array_free(out, TRUE);
        json_decref(input);
    }
}

/* svc_def.access_denied: each service's code, status and sentence. */
static void denials(void **state)
{
    (void)state;
    static const struct {
        const char *service, *action, *resource;
        bool explicit_deny;
        const char *by, *code;
        int status;
        const char *message; /* a prefix of it */
    } rows[] = {
        {"s3", "s3:GetObject", "arn:aws:s3:::b/k", false, "identity-based policy", "AccessDenied", 403,
         "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: s3:GetObject on resource: "
         "\"arn:aws:s3:::b/k\" because no identity-based policy allows the s3:GetObject action"},
        {"s3", "s3:PutObject", "arn:aws:s3:::b/k", true, "resource-based policy", "AccessDenied", 403,
         "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: s3:PutObject on resource: "
         "\"arn:aws:s3:::b/k\" with an explicit deny in a resource-based policy"},
        {"dynamodb", "dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:123456789012:table/T", false,
         "identity-based policy", "AccessDeniedException", 400,
         "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: dynamodb:PutItem on resource: "
         "arn:aws:dynamodb:us-east-1:123456789012:table/T because no identity-based policy allows the "
         "dynamodb:PutItem action"},
        {"dynamodb", "dynamodb:Query", "arn:aws:dynamodb:us-east-1:123456789012:table/T/index/I", true,
         "identity-based policy", "AccessDeniedException", 400,
         "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: dynamodb:Query on resource: "
         "arn:aws:dynamodb:us-east-1:123456789012:table/T/index/I with an explicit deny in an identity-based policy"},
        {"sns", "sns:Publish", "arn:aws:sns:us-east-1:123456789012:t", false, "identity-based policy",
         "AuthorizationError", 403,
         "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: SNS:Publish on resource: "
         "arn:aws:sns:us-east-1:123456789012:t because no identity-based policy allows the SNS:Publish action"},
        {"ec2", "ec2:RunInstances", "arn:aws:ec2:us-east-1:123456789012:instance/*", false, "identity-based policy",
         "UnauthorizedOperation", 403,
         "You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/alice is not "
         "authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:123456789012:instance/* "
         "because no identity-based policy allows the ec2:RunInstances action. Encoded authorization failure "
         "message: "},
        {"sts", "sts:AssumeRole", "arn:aws:iam::123456789012:role/r", false, "identity-based policy", "AccessDenied",
         403,
         "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: "
         "arn:aws:iam::123456789012:role/r"},
        {"sqs", "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q", false, "identity-based policy",
         "AccessDenied", 403,
         "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sqs:SendMessage on resource: "
         "arn:aws:sqs:us-east-1:123456789012:q because no identity-based policy allows the sqs:SendMessage action"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        const svc_def *def = services_find(rows[i].service);
        assert_non_null(def->access_denied);
        svc_call c = {.svc = def, .account = "123456789012", .region = "us-east-1", .access_key = "AKID"};
        svc_authz a = {.resource = (char *)rows[i].resource, .entry = -1};
        g_strlcpy(a.action, rows[i].action, sizeof a.action);
        aws_error err = AWS_ERROR_INIT;
        def->access_denied(&c, "arn:aws:iam::123456789012:user/alice", &a, rows[i].explicit_deny, rows[i].by, &err);
        assert_string_equal(err.code, rows[i].code);
        assert_int_equal(err.status, rows[i].status);
        if (!g_str_has_prefix(err.message, rows[i].message))
            fail_msg("%s: \"%s\"", rows[i].service, err.message);
        if (strcmp(rows[i].service, "ec2") == 0) {
            /* the encoded message decodes to DecodeAuthorizationMessage's JSON */
            char *blob = g_strdup(err.message + strlen(rows[i].message));
            for (char *p = blob; *p; p++)
                *p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
            gsize n;
            guchar *text = g_base64_decode(blob, &n);
            json_t *d = json_loadb((const char *)text, n, 0, NULL);
            assert_non_null(d);
            assert_true(json_is_false(json_object_get(d, "allowed")));
            assert_string_equal(json_string_value(json_object_get(json_object_get(d, "context"), "action")),
                                "ec2:RunInstances");
            json_decref(d);
            g_free(text);
            g_free(blob);
        } else {
            assert_string_equal(err.message, rows[i].message);
        }
        aws_error_clear(&err);
    }
    /* an unsigned S3 request: S3's bare words */
    svc_call anon = {.svc = services_find("s3"), .account = "123456789012", .region = "us-east-1", .access_key = ""};
    svc_authz a = {.resource = "arn:aws:s3:::b/k", .entry = -1, .action = "s3:GetObject"};
    aws_error err = AWS_ERROR_INIT;
    anon.svc->access_denied(&anon, NULL, &a, false, "identity-based policy", &err);
    assert_string_equal(err.message, "Access Denied");
    aws_error_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_case),
        cmocka_unit_test(denials),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
