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
    {"dynamodb", "ListTables", "{}", "dynamodb:ListTables *", NULL},
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
