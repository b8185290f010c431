/* svc_def.authorize of every service: the IAM action and resource ARN
 * each operation is checked against under --auth enforce, as the Service
 * Authorization Reference lists them (docs/AWS-FACTS.md), one row per
 * case: the service, the operation, its input as the wire layer parses
 * it, and the checks expected ("action resource" joined by " | ", a
 * batch entry's check prefixed with "#i ", a check's own condition keys
 * after it as compact JSON). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "core/server.h"
#include "mockaws.h"
#include "services/service.h"
#include "services/svc_api.h"
#include "state/ns.h"

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
     "{\"s3:x-amz-acl\":\"public-read\",\"s3:requestobjecttag/a\":\"1\",\"s3:requestobjecttagkeys\":[\"a\"]}"},
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
    /* the tags a write gives its object: s3:RequestObjectTag/KEY (the key
     * lowercased, as condition key names are matched) and
     * s3:RequestObjectTagKeys as spelled */
    {"s3", "PutObject", "{\"Bucket\":\"b\",\"Key\":\"k\",\"Tagging\":\"Team=red&env=a%20b\"}",
     "s3:PutObject arn:aws:s3:::b/k | s3:PutObjectTagging arn:aws:s3:::b/k",
     "{\"s3:requestobjecttag/team\":\"red\",\"s3:requestobjecttag/env\":\"a b\","
     "\"s3:requestobjecttagkeys\":[\"Team\",\"env\"]}"},
    {"s3", "PutObjectTagging",
     "{\"Bucket\":\"b\",\"Key\":\"k\",\"Tagging\":{\"TagSet\":[{\"Key\":\"a\",\"Value\":\"1\"}]}}",
     "s3:PutObjectTagging arn:aws:s3:::b/k", "{\"s3:requestobjecttag/a\":\"1\",\"s3:requestobjecttagkeys\":[\"a\"]}"},
    {"s3", "PutObject", "{\"Bucket\":\"b\",\"Key\":\"k\",\"Tagging\":\"a=%zz\"}",
     "s3:PutObject arn:aws:s3:::b/k | s3:PutObjectTagging arn:aws:s3:::b/k", NULL},
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
    {"dynamodb", "CreateTable", "{\"TableName\":\"t\",\"Tags\":[{\"Key\":\"Team\",\"Value\":\"red\"}]}",
     "dynamodb:CreateTable arn:aws:dynamodb:us-east-1:123456789012:table/t",
     "{\"aws:requesttag/team\":\"red\",\"aws:tagkeys\":[\"Team\"]}"},
    {"dynamodb", "TagResource",
     "{\"ResourceArn\":\"arn:aws:dynamodb:us-east-1:123456789012:table/t\",\"Tags\":[{\"Key\":\"a\",\"Value\":\"1\"},"
     "{\"Key\":\"b\",\"Value\":\"2\"}]}",
     "dynamodb:TagResource arn:aws:dynamodb:us-east-1:123456789012:table/t",
     "{\"aws:requesttag/a\":\"1\",\"aws:requesttag/b\":\"2\",\"aws:tagkeys\":[\"a\",\"b\"]}"},
    {"dynamodb", "UntagResource",
     "{\"ResourceArn\":\"arn:aws:dynamodb:us-east-1:123456789012:table/t\",\"TagKeys\":[\"a\"]}",
     "dynamodb:UntagResource arn:aws:dynamodb:us-east-1:123456789012:table/t", "{\"aws:tagkeys\":[\"a\"]}"},
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
    {"sns", "CreateTopic", "{\"Name\":\"t\",\"Tags\":[{\"Key\":\"team\",\"Value\":\"red\"}]}",
     "sns:CreateTopic arn:aws:sns:us-east-1:123456789012:t",
     "{\"aws:requesttag/team\":\"red\",\"aws:tagkeys\":[\"team\"]}"},
    {"sns", "UntagResource", "{\"ResourceArn\":\"arn:aws:sns:us-east-1:123456789012:t\",\"TagKeys\":[\"x\",\"y\"]}",
     "sns:UntagResource arn:aws:sns:us-east-1:123456789012:t", "{\"aws:tagkeys\":[\"x\",\"y\"]}"},
    /* issue 19's: permissions and data protection are on the topic; SMS and
     * platform operations have no resource type (the Service Authorization
     * Reference's "*"), but a Publish names its endpoint */
    {"sns", "AddPermission", "{\"TopicArn\":\"arn:aws:sns:us-east-1:123456789012:t\",\"Label\":\"l\"}",
     "sns:AddPermission arn:aws:sns:us-east-1:123456789012:t", NULL},
    {"sns", "PutDataProtectionPolicy", "{\"ResourceArn\":\"arn:aws:sns:us-east-1:123456789012:t\"}",
     "sns:PutDataProtectionPolicy arn:aws:sns:us-east-1:123456789012:t", NULL},
    {"sns", "SetSMSAttributes", "{\"attributes\":{}}", "sns:SetSMSAttributes *", NULL},
    {"sns", "CreatePlatformEndpoint",
     "{\"PlatformApplicationArn\":\"arn:aws:sns:us-east-1:123456789012:app/GCM/a\",\"Token\":\"t\"}",
     "sns:CreatePlatformEndpoint *", NULL},
    {"sns", "Publish", "{\"TargetArn\":\"arn:aws:sns:us-east-1:123456789012:endpoint/GCM/a/1\",\"Message\":\"m\"}",
     "sns:Publish arn:aws:sns:us-east-1:123456789012:endpoint/GCM/a/1", NULL},
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
    /* a tag created without a value has an empty one */
    {"ec2", "CreateTags", "{\"Resources\":[\"i-1\"],\"Tags\":[{\"Key\":\"team\",\"Value\":\"red\"},{\"Key\":\"x\"}]}",
     "ec2:CreateTags arn:aws:ec2:us-east-1:123456789012:instance/i-1",
     "{\"ec2:createaction\":\"CreateTags\",\"aws:requesttag/team\":\"red\",\"aws:requesttag/x\":\"\","
     "\"aws:tagkeys\":[\"team\",\"x\"]}"},
    /* a tag deleted without a value names no value */
    {"ec2", "DeleteTags", "{\"Resources\":[\"i-1\"],\"Tags\":[{\"Key\":\"x\"}]}",
     "ec2:DeleteTags arn:aws:ec2:us-east-1:123456789012:instance/i-1", "{\"aws:tagkeys\":[\"x\"]}"},
    {"ec2", "RunInstances",
     "{\"ImageId\":\"ami-1\",\"SubnetId\":\"subnet-1\",\"SecurityGroupIds\":[\"sg-1\"],\"MinCount\":1,\"MaxCount\":1,"
     "\"TagSpecifications\":[{\"ResourceType\":\"instance\",\"Tags\":[{\"Key\":\"team\",\"Value\":\"red\"}]}]}",
     "ec2:RunInstances arn:aws:ec2:us-east-1:123456789012:instance/* | ec2:RunInstances "
     "arn:aws:ec2:us-east-1::image/ami-1 | ec2:RunInstances arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1 | "
     "ec2:RunInstances arn:aws:ec2:us-east-1:123456789012:network-interface/* | ec2:RunInstances "
     "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1 | ec2:RunInstances "
     "arn:aws:ec2:us-east-1:123456789012:volume/* | ec2:CreateTags arn:aws:ec2:us-east-1:123456789012:instance/* | "
     "ec2:CreateTags arn:aws:ec2:us-east-1:123456789012:volume/*",
     "{\"ec2:createaction\":\"RunInstances\",\"aws:requesttag/team\":\"red\",\"aws:tagkeys\":[\"team\"]}"},
    {"ec2", "AttachVolume", "{\"VolumeId\":\"vol-1\",\"InstanceId\":\"i-1\",\"Device\":\"/dev/sdf\"}",
     "ec2:AttachVolume arn:aws:ec2:us-east-1:123456789012:instance/i-1 | ec2:AttachVolume "
     "arn:aws:ec2:us-east-1:123456789012:volume/vol-1",
     NULL},
    /* the created type first, as the Service Authorization Reference lists them */
    {"ec2", "CreateImage", "{\"InstanceId\":\"i-1\",\"Name\":\"n\"}",
     "ec2:CreateImage arn:aws:ec2:us-east-1::image/* | ec2:CreateImage "
     "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
     NULL},
    {"ec2", "CreateVolume",
     "{\"AvailabilityZone\":\"us-east-1a\",\"Size\":1,\"TagSpecifications\":[{\"ResourceType\":\"volume\","
     "\"Tags\":[{\"Key\":\"team\",\"Value\":\"red\"}]}]}",
     "ec2:CreateVolume arn:aws:ec2:us-east-1:123456789012:volume/* | ec2:CreateTags "
     "arn:aws:ec2:us-east-1:123456789012:volume/*",
     "{\"ec2:createaction\":\"CreateVolume\",\"aws:requesttag/team\":\"red\",\"aws:tagkeys\":[\"team\"]}"},
    {"ec2", "DeleteLaunchTemplate", "{\"LaunchTemplateName\":\"web\"}",
     "ec2:DeleteLaunchTemplate arn:aws:ec2:us-east-1:123456789012:launch-template/*", NULL},
    {"ec2", "DescribeVolumes", "{}", "ec2:DescribeVolumes *", NULL},
    /* EC2 networking: what a create makes, every resource named by id */
    {"ec2", "CreateSubnet",
     "{\"VpcId\":\"vpc-1\",\"CidrBlock\":\"10.0.0.0/24\",\"TagSpecifications\":[{\"ResourceType\":\"subnet\","
     "\"Tags\":[{\"Key\":\"team\",\"Value\":\"red\"}]}]}",
     "ec2:CreateSubnet arn:aws:ec2:us-east-1:123456789012:subnet/* | ec2:CreateSubnet "
     "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1 | ec2:CreateTags arn:aws:ec2:us-east-1:123456789012:subnet/*",
     "{\"ec2:createaction\":\"CreateSubnet\",\"aws:requesttag/team\":\"red\",\"aws:tagkeys\":[\"team\"]}"},
    {"ec2", "DeleteSecurityGroup", "{\"GroupId\":\"sg-1\"}",
     "ec2:DeleteSecurityGroup arn:aws:ec2:us-east-1:123456789012:security-group/sg-1", NULL},
    {"ec2", "CreateKeyPair", "{\"KeyName\":\"k\"}", "ec2:CreateKeyPair arn:aws:ec2:us-east-1:123456789012:key-pair/k",
     NULL},
    {"ec2", "AssociateAddress", "{\"AllocationId\":\"eipalloc-1\",\"InstanceId\":\"i-1\"}",
     "ec2:AssociateAddress arn:aws:ec2:us-east-1:123456789012:instance/i-1 | ec2:AssociateAddress "
     "arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-1",
     NULL},
    {"ec2", "DescribeVpcs", "{}", "ec2:DescribeVpcs *", NULL},
    /* IAM: the entity's ARN with its path; the policy an attachment names */
    {"iam", "CreateUser",
     "{\"UserName\":\"u\",\"Path\":\"/eng/\",\"Tags\":[{\"Key\":\"Team\",\"Value\":\"red\"}]}",
     "iam:CreateUser arn:aws:iam::123456789012:user/eng/u",
     "{\"aws:requesttag/team\":\"red\",\"aws:tagkeys\":[\"Team\"]}"},
    {"iam", "AttachRolePolicy", "{\"RoleName\":\"r\",\"PolicyArn\":\"arn:aws:iam::aws:policy/ReadOnlyAccess\"}",
     "iam:AttachRolePolicy arn:aws:iam::123456789012:role/r",
     "{\"iam:policyarn\":\"arn:aws:iam::aws:policy/ReadOnlyAccess\"}"},
    {"iam", "PutUserPermissionsBoundary",
     "{\"UserName\":\"u\",\"PermissionsBoundary\":\"x\",\"PolicyArn\":\"arn:aws:iam::123456789012:policy/b\"}",
     "iam:PutUserPermissionsBoundary arn:aws:iam::123456789012:user/u",
     "{\"iam:permissionsboundary\":\"arn:aws:iam::123456789012:policy/b\"}"},
    {"iam", "AddUserToGroup", "{\"UserName\":\"u\",\"GroupName\":\"g\"}",
     "iam:AddUserToGroup arn:aws:iam::123456789012:group/g", NULL},
    {"iam", "CreatePolicy", "{\"PolicyName\":\"p\",\"Path\":\"/app/\",\"PolicyDocument\":\"{}\"}",
     "iam:CreatePolicy arn:aws:iam::123456789012:policy/app/p", NULL},
    {"iam", "GetPolicyVersion", "{\"PolicyArn\":\"arn:aws:iam::123456789012:policy/p\",\"VersionId\":\"v1\"}",
     "iam:GetPolicyVersion arn:aws:iam::123456789012:policy/p", NULL},
    {"iam", "UntagRole", "{\"RoleName\":\"r\",\"TagKeys\":[\"a\"]}", "iam:UntagRole arn:aws:iam::123456789012:role/r",
     "{\"aws:tagkeys\":[\"a\"]}"},
    {"iam", "ListUsers", "{}", "iam:ListUsers *", NULL},
    /* STS */
    /* session tags: sts:TagSession on the role too, and the request's tags */
    {"sts", "AssumeRole",
     "{\"RoleArn\":\"arn:aws:iam::123456789012:role/r\",\"RoleSessionName\":\"s\","
     "\"Tags\":[{\"Key\":\"Team\",\"Value\":\"red\"}],\"TransitiveTagKeys\":[\"Team\"]}",
     "sts:AssumeRole arn:aws:iam::123456789012:role/r | sts:TagSession arn:aws:iam::123456789012:role/r",
     "{\"aws:requesttag/team\":\"red\",\"aws:tagkeys\":[\"Team\"]}"},
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

/* The checks as the rows write them, released. */
static GString *checks_text(GArray *out)
{
    GString *got = g_string_new(NULL);
    for (guint j = 0; j < out->len; j++) {
        svc_authz *a = &g_array_index(out, svc_authz, j);
        if (j)
            g_string_append(got, " | ");
        if (a->entry >= 0)
            g_string_append_printf(got, "#%d ", a->entry);
        g_string_append_printf(got, "%s %s", a->action, a->resource);
        if (json_object_size(a->context)) {
            char *t = json_dumps(a->context, JSON_COMPACT | JSON_SORT_KEYS);
            g_string_append_printf(got, " %s", t);
            free(t);
        }
        svc_authz_clear(a);
    }
    return got;
}

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
        GString *got = checks_text(out);
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
        {"iam", "iam:CreateUser", "arn:aws:iam::123456789012:user/u", false, "identity-based policy", "AccessDenied",
         403,
         "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:CreateUser on resource: "
         "arn:aws:iam::123456789012:user/u because no identity-based policy allows the iam:CreateUser action"},
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

/* The condition keys authorize reads from the state (under the shared
 * lock): a resource's tags, an object's, a Query's partition key. */
static const char state_fixture[] =
    "{\"account\": \"123456789012\", \"region\": \"us-east-1\","
    " \"dynamodb\": {\"tables\": [{\"TableName\": \"orders\", \"BillingMode\": \"PAY_PER_REQUEST\","
    "  \"KeySchema\": [{\"AttributeName\": \"customer\", \"KeyType\": \"HASH\"},"
    "                {\"AttributeName\": \"placed\", \"KeyType\": \"RANGE\"}],"
    "  \"AttributeDefinitions\": [{\"AttributeName\": \"customer\", \"AttributeType\": \"S\"},"
    "                          {\"AttributeName\": \"placed\", \"AttributeType\": \"N\"},"
    "                          {\"AttributeName\": \"day\", \"AttributeType\": \"S\"}],"
    "  \"GlobalSecondaryIndexes\": [{\"IndexName\": \"by-day\","
    "    \"KeySchema\": [{\"AttributeName\": \"day\", \"KeyType\": \"HASH\"}],"
    "    \"Projection\": {\"ProjectionType\": \"ALL\"}}],"
    "  \"Tags\": [{\"Key\": \"Team\", \"Value\": \"red\"}]},"
    " {\"TableName\": \"items\", \"BillingMode\": \"PAY_PER_REQUEST\","
    "  \"KeySchema\": [{\"AttributeName\": \"id\", \"KeyType\": \"HASH\"}],"
    "  \"AttributeDefinitions\": [{\"AttributeName\": \"id\", \"AttributeType\": \"S\"}],"
    "  \"Tags\": [{\"Key\": \"team\", \"Value\": \"blue\"}]}]},"
    " \"sns\": {\"topics\": [{\"name\": \"alerts\", \"tags\": {\"team\": \"red\"}}]},"
    " \"ec2\": {\"instances\": [{\"id\": \"i-0123456789abcdef0\", \"state\": \"running\", \"type\": \"t3.micro\","
    "  \"image\": \"ami-0abcdef1234567890\", \"tags\": {\"team\": \"red\"}},"
    " {\"id\": \"i-0123456789abcdef1\", \"state\": \"running\", \"type\": \"t3.micro\","
    "  \"image\": \"ami-0abcdef1234567890\", \"tags\": {\"team\": \"blue\"}}]},"
    " \"s3\": {\"buckets\": [{\"name\": \"docs\", \"objects\": ["
    "  {\"key\": \"public.txt\", \"body\": \"x\", \"tags\": {\"Classification\": \"public\"}},"
    "  {\"key\": \"plain.txt\", \"body\": \"y\"}]}]},"
    " \"iam\": {\"users\": [{\"UserName\": \"alice\", \"Path\": \"/eng/\", \"Tags\": [{\"Key\": \"team\", \"Value\": \"red\"}]},"
    "                      {\"UserName\": \"bob\"}],"
    "          \"roles\": [{\"RoleName\": \"r\", \"Tags\": [{\"Key\": \"Dept\", \"Value\": \"ops\"}],"
    "            \"AssumeRolePolicyDocument\": {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\","
    "             \"Principal\": {\"AWS\": \"arn:aws:iam::123456789012:root\"}, \"Action\": \"sts:AssumeRole\"}]}}]}}";

static void from_state(void **state)
{
    (void)state;
    static const struct {
        const char *service, *operation, *input, *context;
        const char *want; /* the checks as every_case writes them, or NULL: not compared */
    } rows[] = {
        /* a table's tags, whatever names it; an item's partition key */
        {"dynamodb", "GetItem", "{\"TableName\":\"orders\",\"Key\":{\"customer\":{\"S\":\"alice\"},\"placed\":{\"N\":\"1\"}}}",
         "{\"aws:resourcetag/team\":\"red\",\"dynamodb:leadingkeys\":[\"alice\"]}", NULL},
        {"dynamodb", "DescribeTable", "{\"TableName\":\"arn:aws:dynamodb:us-east-1:123456789012:table/orders\"}",
         "{\"aws:resourcetag/team\":\"red\"}", NULL},
        {"dynamodb", "DescribeTable", "{\"TableName\":\"arn:aws:dynamodb:eu-west-1:123456789012:table/orders\"}", "{}", NULL},
        {"dynamodb", "DescribeTable", "{\"TableName\":\"nothere\"}", "{}", NULL},
        {"dynamodb", "UntagResource",
         "{\"ResourceArn\":\"arn:aws:dynamodb:us-east-1:123456789012:table/orders\",\"TagKeys\":[\"Team\"]}",
         "{\"aws:resourcetag/team\":\"red\",\"aws:tagkeys\":[\"Team\"]}", NULL},
        /* a Query's equality on the partition key, by expression (names
         * and values substituted) or KeyConditions; on an index, the
         * index's partition key */
        {"dynamodb", "Query",
         "{\"TableName\":\"orders\",\"KeyConditionExpression\":\"#c = :c AND placed > :p\","
         "\"ExpressionAttributeNames\":{\"#c\":\"customer\"},"
         "\"ExpressionAttributeValues\":{\":c\":{\"S\":\"bob\"},\":p\":{\"N\":\"0\"}}}",
         "{\"aws:resourcetag/team\":\"red\",\"dynamodb:leadingkeys\":[\"bob\"]}", NULL},
        {"dynamodb", "Query",
         "{\"TableName\":\"orders\",\"KeyConditions\":{\"customer\":{\"ComparisonOperator\":\"EQ\","
         "\"AttributeValueList\":[{\"S\":\"carol\"}]}}}",
         "{\"aws:resourcetag/team\":\"red\",\"dynamodb:leadingkeys\":[\"carol\"]}", NULL},
        {"dynamodb", "Query",
         "{\"TableName\":\"orders\",\"IndexName\":\"by-day\",\"KeyConditionExpression\":\"#d = :d\","
         "\"ExpressionAttributeNames\":{\"#d\":\"day\"},\"ExpressionAttributeValues\":{\":d\":{\"S\":\"mon\"}}}",
         "{\"aws:resourcetag/team\":\"red\",\"dynamodb:leadingkeys\":[\"mon\"]}", NULL},
        /* no equality on the partition key, or an expression that does not
         * parse: no leading key */
        {"dynamodb", "Query",
         "{\"TableName\":\"orders\",\"KeyConditionExpression\":\"customer = :c OR customer = :d\","
         "\"ExpressionAttributeValues\":{\":c\":{\"S\":\"a\"},\":d\":{\"S\":\"b\"}}}",
         "{\"aws:resourcetag/team\":\"red\"}", NULL},
        {"dynamodb", "Query", "{\"TableName\":\"orders\",\"KeyConditionExpression\":\"customer = :missing\"}",
         "{\"aws:resourcetag/team\":\"red\"}", NULL},
        {"sns", "Publish", "{\"TopicArn\":\"arn:aws:sns:us-east-1:123456789012:alerts\",\"Message\":\"m\"}",
         "{\"aws:resourcetag/team\":\"red\"}", NULL},
        /* a resource's tags are its check's own: a request may name
         * several, whose tags differ (an unknown one has none) */
        {"ec2", "StopInstances", "{\"InstanceIds\":[\"i-0123456789abcdef0\"]}", "{}",
         "ec2:StopInstances arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0 "
         "{\"aws:resourcetag/team\":\"red\",\"ec2:resourcetag/team\":\"red\"}"},
        {"ec2", "StopInstances",
         "{\"InstanceIds\":[\"i-0123456789abcdef0\",\"i-0123456789abcdef1\",\"i-0000000000000000f\"]}", "{}",
         "ec2:StopInstances arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0 "
         "{\"aws:resourcetag/team\":\"red\",\"ec2:resourcetag/team\":\"red\"} | "
         "ec2:StopInstances arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef1 "
         "{\"aws:resourcetag/team\":\"blue\",\"ec2:resourcetag/team\":\"blue\"} | "
         "ec2:StopInstances arn:aws:ec2:us-east-1:123456789012:instance/i-0000000000000000f"},
        {"ec2", "CreateTags",
         "{\"Resources\":[\"i-0123456789abcdef1\",7,\"i-0123456789abcdef0\"],\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}",
         "{\"ec2:createaction\":\"CreateTags\",\"aws:requesttag/k\":\"v\",\"aws:tagkeys\":[\"k\"]}",
         "ec2:CreateTags arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef1 "
         "{\"aws:resourcetag/team\":\"blue\",\"ec2:resourcetag/team\":\"blue\"} | "
         "ec2:CreateTags arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0 "
         "{\"aws:resourcetag/team\":\"red\",\"ec2:resourcetag/team\":\"red\"}"},
        /* a batch over several tables: each table's tags and leading keys
         * are its check's */
        {"dynamodb", "BatchGetItem",
         "{\"RequestItems\":{\"orders\":{\"Keys\":[{\"customer\":{\"S\":\"alice\"},\"placed\":{\"N\":\"1\"}},"
         "{\"customer\":{\"S\":\"bob\"},\"placed\":{\"N\":\"2\"}}]},"
         "\"items\":{\"Keys\":[{\"id\":{\"S\":\"x\"}}]},\"nothere\":{\"Keys\":[{\"id\":{\"S\":\"y\"}}]}}}",
         "{}",
         "dynamodb:BatchGetItem arn:aws:dynamodb:us-east-1:123456789012:table/orders "
         "{\"aws:resourcetag/team\":\"red\",\"dynamodb:leadingkeys\":[\"alice\",\"bob\"]} | "
         "dynamodb:BatchGetItem arn:aws:dynamodb:us-east-1:123456789012:table/items "
         "{\"aws:resourcetag/team\":\"blue\",\"dynamodb:leadingkeys\":[\"x\"]} | "
         "dynamodb:BatchGetItem arn:aws:dynamodb:us-east-1:123456789012:table/nothere"},
        {"dynamodb", "BatchWriteItem",
         "{\"RequestItems\":{\"items\":[{\"PutRequest\":{\"Item\":{\"id\":{\"S\":\"p\"},\"n\":{\"N\":\"1\"}}}},"
         "{\"DeleteRequest\":{\"Key\":{\"id\":{\"S\":\"d\"}}}}]}}",
         "{}",
         "dynamodb:BatchWriteItem arn:aws:dynamodb:us-east-1:123456789012:table/items "
         "{\"aws:resourcetag/team\":\"blue\",\"dynamodb:leadingkeys\":[\"p\",\"d\"]}"},
        /* PartiQL: each statement's table's tags */
        {"dynamodb", "ExecuteStatement", "{\"Statement\":\"SELECT * FROM \\\"orders\\\" WHERE customer = 'a'\"}", "{}",
         "dynamodb:PartiQLSelect arn:aws:dynamodb:us-east-1:123456789012:table/orders {\"aws:resourcetag/team\":\"red\"}"},
        {"dynamodb", "BatchExecuteStatement",
         "{\"Statements\":[{\"Statement\":\"SELECT * FROM items WHERE id = 'x'\"},{\"Statement\":\"not partiql\"},"
         "{\"Statement\":\"DELETE FROM \\\"orders\\\" WHERE customer = 'a' AND placed = 1\"},"
         "{\"Statement\":\"SELECT * FROM nothere\"}]}",
         "{}",
         "dynamodb:PartiQLSelect arn:aws:dynamodb:us-east-1:123456789012:table/items {\"aws:resourcetag/team\":\"blue\"} | "
         "dynamodb:PartiQLDelete arn:aws:dynamodb:us-east-1:123456789012:table/orders {\"aws:resourcetag/team\":\"red\"} | "
         "dynamodb:PartiQLSelect arn:aws:dynamodb:us-east-1:123456789012:table/nothere"},
        {"dynamodb", "TransactWriteItems",
         "{\"TransactItems\":[{\"Put\":{\"TableName\":\"orders\",\"Item\":{\"customer\":{\"S\":\"carol\"},"
         "\"placed\":{\"N\":\"3\"}}}},{\"ConditionCheck\":{\"TableName\":\"items\",\"Key\":{\"id\":{\"S\":\"z\"}}}}]}",
         "{\"dynamodb:enclosingoperation\":\"TransactWriteItems\"}",
         "dynamodb:PutItem arn:aws:dynamodb:us-east-1:123456789012:table/orders "
         "{\"aws:resourcetag/team\":\"red\",\"dynamodb:leadingkeys\":[\"carol\"]} | "
         "dynamodb:ConditionCheckItem arn:aws:dynamodb:us-east-1:123456789012:table/items "
         "{\"aws:resourcetag/team\":\"blue\",\"dynamodb:leadingkeys\":[\"z\"]}"},
        {"s3", "GetObject", "{\"Bucket\":\"docs\",\"Key\":\"public.txt\"}",
         "{\"s3:existingobjecttag/classification\":\"public\"}", NULL},
        {"s3", "GetObjectTagging", "{\"Bucket\":\"docs\",\"Key\":\"public.txt\"}",
         "{\"s3:existingobjecttag/classification\":\"public\"}", NULL},
        {"s3", "GetObject", "{\"Bucket\":\"docs\",\"Key\":\"plain.txt\"}", "{}", NULL},
        {"s3", "GetObject", "{\"Bucket\":\"docs\",\"Key\":\"public.txt\",\"VersionId\":\"bad\"}",
         "{\"s3:versionid\":\"bad\"}", NULL},
        /* S3 has no existing-tag key for writes and deletes */
        {"s3", "DeleteObject", "{\"Bucket\":\"docs\",\"Key\":\"public.txt\"}", "{}", NULL},
        {"s3", "PutObject", "{\"Bucket\":\"docs\",\"Key\":\"public.txt\"}", "{}", NULL},
        /* an IAM user's or role's tags, both spellings; its ARN as stored */
        {"iam", "GetUser", "{\"UserName\":\"ALICE\"}", "{\"iam:resourcetag/team\":\"red\",\"aws:resourcetag/team\":\"red\"}",
         "iam:GetUser arn:aws:iam::123456789012:user/eng/alice"},
        {"iam", "TagRole", "{\"RoleName\":\"r\",\"Tags\":[{\"Key\":\"x\",\"Value\":\"1\"}]}",
         "{\"aws:requesttag/x\":\"1\",\"aws:tagkeys\":[\"x\"],\"iam:resourcetag/dept\":\"ops\","
         "\"aws:resourcetag/dept\":\"ops\"}",
         "iam:TagRole arn:aws:iam::123456789012:role/r"},
        /* no UserName: the caller's own (the test key is its account's root) */
        {"iam", "ListAccessKeys", "{}", "{}", "iam:ListAccessKeys arn:aws:iam::123456789012:root"},
    };
    char err[256];
    mockaws *m = mockaws_start(NULL, err, sizeof err);
    assert_non_null(m);
    if (mockaws_load_fixtures_json(m, state_fixture, err, sizeof err) != 0)
        fail_msg("fixture: %s", err);
    server *s = m;
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        const svc_def *def = services_find(rows[i].service);
        json_t *input = json_loads(rows[i].input, 0, NULL);
        assert_non_null(input);
        svc_call c = {.srv = s,
                      .svc = def,
                      .account = "123456789012",
                      .region = "us-east-1",
                      .access_key = "AKID",
                      .operation = rows[i].operation,
                      .input = input,
                      .state = ns_get(s->ns, def, "123456789012", "us-east-1")->state};
        GArray *out = g_array_new(FALSE, TRUE, sizeof(svc_authz));
        json_t *context = json_object(), *want = json_loads(rows[i].context, 0, NULL);
        def->authorize(&c, out, context);
        if (!json_equal(want, context)) {
            char *t = json_dumps(context, JSON_COMPACT);
            fail_msg("%s %s (row %zu): context %s, want %s", rows[i].service, rows[i].operation, i, t,
                     rows[i].context);
        }
        GString *got = checks_text(out);
        if (rows[i].want && strcmp(got->str, rows[i].want) != 0)
            fail_msg("%s %s (row %zu): got \"%s\", want \"%s\"", rows[i].service, rows[i].operation, i, got->str,
                     rows[i].want);
        g_string_free(got, TRUE);
        g_array_free(out, TRUE);
        json_decref(context);
        json_decref(want);
        json_decref(input);
    }
    /* IAM answers a user's or role's tags, for aws:PrincipalTag/KEY */
    const svc_def *iam = services_find("iam");
    assert_non_null(iam->principal_tags);
    void *st = ns_get(s->ns, iam, "123456789012", "")->state;
    json_t *tags = iam->principal_tags(st, "arn:aws:iam::123456789012:user/eng/alice");
    json_t *want = json_pack("{s:s}", "team", "red");
    assert_true(json_equal(tags, want));
    json_decref(tags);
    json_decref(want);
    tags = iam->principal_tags(st, "arn:aws:iam::123456789012:role/r");
    want = json_pack("{s:s}", "Dept", "ops");
    assert_true(json_equal(tags, want));
    json_decref(tags);
    json_decref(want);
    assert_null(iam->principal_tags(st, "arn:aws:iam::123456789012:user/bob"));
    assert_null(iam->principal_tags(st, "arn:aws:iam::123456789012:user/nobody"));
    assert_null(iam->principal_tags(st, "arn:aws:iam::999999999999:user/eng/alice"));
    assert_null(iam->principal_tags(st, "arn:aws:iam::123456789012:user/alice")); /* not its path */
    mockaws_stop(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_case),
        cmocka_unit_test(denials),
        cmocka_unit_test(from_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
