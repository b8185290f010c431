#!/usr/bin/env python3
"""Generate server/models/{s3,dynamodb,sns,ec2,sts,iam,sqs}.json from the installed botocore.

Each model keeps the operations mockaws implements, the shapes they reach
(input, output and error shapes, transitively), and the metadata; documentation
and endpoint-resolution traits are dropped. S3 (rest-xml, routed by method, URI
template and required bindings) also keeps every other operation, marked
"x-mockaws-trimmed": true, with only what routing reads: its "http" binding,
"deprecated", and an input structure holding just the required members bound
to the URI, a header or the query string (see trimmed_op). A few mockaws-only
keys are added:

  x-mockaws-source                  where the data came from (top level)
  metadata.x-mockaws-all-operations every operation of the full model, so the
                                    server can tell "not implemented by mockaws"
                                    from "no such operation"
  metadata.x-mockaws-error-namespace(s)  DynamoDB's and SQS's __type prefixes

and, for SQS (awsQueryCompatible), each error shape's query-era code and
status ("error": {"code", "httpStatusCode", "senderFault"}; see
SQS_QUERY_ERRORS), which the JSON protocol sends in x-amzn-query-error,

and, for S3, the XML root element of outputs whose root is not the shape name
(see S3_ROOTS), x-mockaws-xml-text on the member that is its root's text
(see S3_XML_TEXT), and x-mockaws-xml-interleave on flattened lists written as
one sequence (see S3_XML_INTERLEAVE).

The output is deterministic: object keys are sorted, except the "members" of a
structure, whose order is the order of the XML elements on the wire and of the
validation messages, so it is kept as botocore has it.

usage: tools/trim_models.py [--out server/models] [--check]
  --check  exit 1 (and write nothing) when a committed model differs
"""

import argparse
import json
import os
import sys

import botocore
import botocore.loaders

KEEP = {
    "sqs": [
        "CreateQueue", "GetQueueUrl", "ListQueues", "DeleteQueue", "GetQueueAttributes",
        "SetQueueAttributes", "PurgeQueue", "TagQueue", "UntagQueue", "ListQueueTags",
        "SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch",
        "ChangeMessageVisibility", "ChangeMessageVisibilityBatch", "ListDeadLetterSourceQueues",
        "StartMessageMoveTask", "ListMessageMoveTasks", "CancelMessageMoveTask",
        "AddPermission", "RemovePermission",
    ],
    "iam": [
        "CreateUser", "GetUser", "ListUsers", "DeleteUser", "CreateRole", "GetRole", "ListRoles",
        "DeleteRole", "CreateGroup", "GetGroup", "ListGroups", "DeleteGroup", "CreatePolicy",
        "GetPolicy", "ListPolicies", "DeletePolicy", "CreateAccessKey", "ListAccessKeys",
        "DeleteAccessKey", "UpdateAccessKey", "PutUserPolicy", "GetUserPolicy", "DeleteUserPolicy",
        "ListUserPolicies", "PutRolePolicy", "GetRolePolicy", "DeleteRolePolicy", "ListRolePolicies",
        "PutGroupPolicy", "GetGroupPolicy", "DeleteGroupPolicy", "ListGroupPolicies",
        "AttachUserPolicy", "DetachUserPolicy", "ListAttachedUserPolicies", "AttachRolePolicy",
        "DetachRolePolicy", "ListAttachedRolePolicies", "AttachGroupPolicy", "DetachGroupPolicy",
        "ListAttachedGroupPolicies", "AddUserToGroup", "RemoveUserFromGroup", "ListGroupsForUser",
        "GetPolicyVersion", "CreatePolicyVersion", "ListPolicyVersions", "DeletePolicyVersion",
        "SetDefaultPolicyVersion", "UpdateAssumeRolePolicy", "PutUserPermissionsBoundary",
        "DeleteUserPermissionsBoundary", "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary",
        "TagUser", "UntagUser", "ListUserTags", "TagRole", "UntagRole", "ListRoleTags",
    ],
    "sts": ["GetCallerIdentity", "AssumeRole", "GetSessionToken", "GetAccessKeyInfo",
            "DecodeAuthorizationMessage"],
    "s3": [
        "CreateBucket", "DeleteBucket", "HeadBucket", "ListBuckets", "GetBucketLocation",
        "PutObject", "GetObject", "HeadObject", "DeleteObject", "DeleteObjects", "CopyObject",
        "GetObjectTagging", "PutObjectTagging", "DeleteObjectTagging", "GetObjectAttributes",
        "ListObjectsV2", "ListObjects", "CreateMultipartUpload", "UploadPart", "UploadPartCopy",
        "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts", "ListMultipartUploads",
        # bucket settings (services/s3/config.c)
        "GetBucketAcl", "PutBucketAcl", "GetObjectAcl", "PutObjectAcl",
        "GetBucketOwnershipControls", "PutBucketOwnershipControls", "DeleteBucketOwnershipControls",
        "GetBucketTagging", "PutBucketTagging", "DeleteBucketTagging",
        "GetBucketCors", "PutBucketCors", "DeleteBucketCors",
        "GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration", "DeleteBucketLifecycle",
        "GetBucketEncryption", "PutBucketEncryption", "DeleteBucketEncryption",
        "GetPublicAccessBlock", "PutPublicAccessBlock", "DeletePublicAccessBlock",
        "GetBucketRequestPayment", "PutBucketRequestPayment", "GetBucketLogging", "PutBucketLogging",
        "GetBucketWebsite", "PutBucketWebsite", "DeleteBucketWebsite",
        "GetBucketAccelerateConfiguration", "PutBucketAccelerateConfiguration",
        "GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy", "GetBucketPolicyStatus",
        "GetBucketNotificationConfiguration", "PutBucketNotificationConfiguration",
        # versioning and object lock
        "PutBucketVersioning", "GetBucketVersioning", "ListObjectVersions",
        "PutObjectLockConfiguration", "GetObjectLockConfiguration", "PutObjectRetention",
        "GetObjectRetention", "PutObjectLegalHold", "GetObjectLegalHold",
        # fix (issue 13): archive storage classes
        "RestoreObject",
    ],
    "dynamodb": [
        "CreateTable", "DescribeTable", "ListTables", "UpdateTable", "DeleteTable", "TagResource",
        "UntagResource", "ListTagsOfResource", "DescribeLimits", "DescribeEndpoints", "PutItem",
        "GetItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem",
        "TransactWriteItems", "TransactGetItems", "UpdateTimeToLive", "DescribeTimeToLive",
        # PartiQL (services/dynamodb/partiql.c)
        "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction",
        # fix (issue 14): point-in-time recovery settings, which Terraform and CDK read
        "DescribeContinuousBackups", "UpdateContinuousBackups",
    ],
    "sns": [
        "CreateTopic", "DeleteTopic", "ListTopics", "GetTopicAttributes", "SetTopicAttributes",
        "TagResource", "UntagResource", "ListTagsForResource", "Subscribe", "ConfirmSubscription",
        "Unsubscribe", "ListSubscriptions", "ListSubscriptionsByTopic",
        "GetSubscriptionAttributes", "SetSubscriptionAttributes", "Publish", "PublishBatch",
        # issue 19: the rest of SNS
        "AddPermission", "RemovePermission", "GetDataProtectionPolicy", "PutDataProtectionPolicy",
        "CheckIfPhoneNumberIsOptedOut", "ListPhoneNumbersOptedOut", "OptInPhoneNumber",
        "GetSMSAttributes", "SetSMSAttributes", "GetSMSSandboxAccountStatus",
        "CreateSMSSandboxPhoneNumber", "DeleteSMSSandboxPhoneNumber", "VerifySMSSandboxPhoneNumber",
        "ListSMSSandboxPhoneNumbers", "ListOriginationNumbers",
        "CreatePlatformApplication", "DeletePlatformApplication", "ListPlatformApplications",
        "GetPlatformApplicationAttributes", "SetPlatformApplicationAttributes",
        "CreatePlatformEndpoint", "DeleteEndpoint", "ListEndpointsByPlatformApplication",
        "GetEndpointAttributes", "SetEndpointAttributes",
    ],
    "ec2": [
        "RunInstances", "DescribeInstances", "DescribeInstanceStatus", "StartInstances",
        "StopInstances", "RebootInstances", "TerminateInstances", "CreateTags", "DeleteTags",
        "DescribeTags", "DescribeRegions", "DescribeAvailabilityZones",
        # issue 19: networking (services/ec2/net.c)
        "CreateVpc", "DescribeVpcs", "DeleteVpc", "CreateDefaultVpc", "DescribeVpcAttribute",
        "ModifyVpcAttribute", "CreateSubnet", "DescribeSubnets", "DeleteSubnet",
        "ModifySubnetAttribute", "CreateDefaultSubnet", "CreateSecurityGroup",
        "DescribeSecurityGroups", "DeleteSecurityGroup", "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
        "DescribeSecurityGroupRules", "CreateKeyPair", "ImportKeyPair", "DescribeKeyPairs",
        "DeleteKeyPair", "AllocateAddress", "ReleaseAddress", "AssociateAddress",
        "DisassociateAddress", "DescribeAddresses", "CreateNetworkInterface",
        "DescribeNetworkInterfaces", "DeleteNetworkInterface", "AttachNetworkInterface",
        "DetachNetworkInterface", "DescribeAccountAttributes",
        # issue 19: images, types, volumes, attributes, launch templates
        "DescribeImages", "CreateImage", "DeregisterImage", "DescribeImageAttribute",
        "DescribeInstanceTypes", "DescribeInstanceTypeOfferings", "CreateVolume", "DescribeVolumes",
        "DeleteVolume", "AttachVolume", "DetachVolume", "ModifyVolume", "DescribeVolumeStatus",
        "DescribeInstanceAttribute", "ModifyInstanceAttribute", "CreateLaunchTemplate",
        "CreateLaunchTemplateVersion", "DescribeLaunchTemplates", "DescribeLaunchTemplateVersions",
        "DeleteLaunchTemplate", "DeleteLaunchTemplateVersions", "ModifyLaunchTemplate",
        "GetLaunchTemplateData",
    ],
}

# Keys that carry prose or only feed the SDKs' endpoint resolution.
DROP_KEYS = {
    "documentation", "documentationUrl", "examples", "deprecatedMessage", "deprecatedSince",
    "contextParam", "staticContextParams", "operationContextParams", "clientContextParams",
}

S3_NS = {"uri": "http://s3.amazonaws.com/doc/2006-03-01/"}

# rest-xml output shapes whose XML root element is not named after the shape
# (S3 API reference, "Response Syntax" of each operation). Payload members are
# handled by their own shape: CopyObjectOutput's payload is the
# CopyObjectResult shape, UploadPartCopyOutput's is CopyPartResult.
S3_ROOTS = {
    "ListObjectsV2Output": "ListBucketResult",
    "ListObjectsOutput": "ListBucketResult",
    "ListBucketsOutput": "ListAllMyBucketsResult",
    "GetBucketLocationOutput": "LocationConstraint",
    "CreateMultipartUploadOutput": "InitiateMultipartUploadResult",
    "CompleteMultipartUploadOutput": "CompleteMultipartUploadResult",
    "ListPartsOutput": "ListPartsResult",
    "ListMultipartUploadsOutput": "ListMultipartUploadsResult",
    "DeleteObjectsOutput": "DeleteResult",
    "GetObjectTaggingOutput": "Tagging",
    "GetObjectAttributesOutput": "GetObjectAttributesResponse",
    "ListObjectVersionsOutput": "ListVersionsResult",
    "GetBucketAclOutput": "AccessControlPolicy",
    "GetObjectAclOutput": "AccessControlPolicy",
    "GetBucketTaggingOutput": "Tagging",
    "GetBucketCorsOutput": "CORSConfiguration",
    "GetBucketLifecycleConfigurationOutput": "LifecycleConfiguration",
    "GetBucketRequestPaymentOutput": "RequestPaymentConfiguration",
    "GetBucketLoggingOutput": "BucketLoggingStatus",
    "GetBucketWebsiteOutput": "WebsiteConfiguration",
    "GetBucketAccelerateConfigurationOutput": "AccelerateConfiguration",
    "GetBucketVersioningOutput": "VersioningConfiguration",
    "CopyObjectResult": "CopyObjectResult",
    "CopyPartResult": "CopyPartResult",
}

# Output members that are the text of the root element itself rather than a
# child of it: GetBucketLocation answers
# <LocationConstraint xmlns="...">eu-west-1</LocationConstraint>.
S3_XML_TEXT = {"GetBucketLocationOutput": "LocationConstraint"}

# Flattened output lists whose elements S3 mixes in one listing order:
# ListObjectVersions lists <Version> and <DeleteMarker> by key, then newest
# first (wire/restxml.h, RESTXML_ORDER_KEY).
S3_XML_INTERLEAVE = {"ListObjectVersionsOutput": ["Versions", "DeleteMarkers"]}

# Enums S3 itself reads more leniently than the model says: notification
# filter rule names are taken in any case ("PREFIX") and stored as
# Prefix / Suffix; anything else is S3's own InvalidArgument, not MalformedXML
# (services/s3/config.c checks them).
S3_LENIENT_ENUMS = ["FilterRuleName"]

# ReceiveMessage's deprecated AttributeNames: botocore types it as
# QueueAttributeName, but SQS takes the message system attribute names there
# (MessageGroupId, SequenceNumber, ...; aws/aws-sdk issue 56), so the member
# gets a list of plain strings of its own, which the handler checks against
# both lists (services/sqs/messages.c). GetQueueAttributes keeps the enum.
SQS_LENIENT_MEMBERS = {("ReceiveMessageRequest", "AttributeNames"): "ReceiveAttributeNameList"}

# CORS preflight: browsers send OPTIONS to a bucket or an object, which S3
# answers from the bucket's CORS configuration but botocore does not model
# (no SDK sends it). Two mockaws-only operations route it, one per URI
# template, and carry the Access-Control-* headers (services/s3/config.c).
def s3_preflight_ops():
    def header(name):
        return {"shape": "MockawsHeaderText", "location": "header", "locationName": name}
    common = {
        "Origin": header("Origin"),
        "AccessControlRequestMethod": header("Access-Control-Request-Method"),
        "AccessControlRequestHeaders": header("Access-Control-Request-Headers"),
    }
    bucket = {"shape": "BucketName", "location": "uri", "locationName": "Bucket"}
    key = {"shape": "ObjectKey", "location": "uri", "locationName": "Key"}
    shapes = {
        "MockawsHeaderText": {"type": "string"},
        "MockawsPreflightBucketRequest": {"type": "structure", "required": ["Bucket"],
                                          "members": dict(Bucket=bucket, **common)},
        "MockawsPreflightObjectRequest": {"type": "structure", "required": ["Bucket", "Key"],
                                          "members": dict(Bucket=bucket, Key=key, **common)},
        "MockawsPreflightOutput": {"type": "structure", "members": {
            m: header(h) for m, h in [
                ("AllowOrigin", "Access-Control-Allow-Origin"),
                ("AllowMethods", "Access-Control-Allow-Methods"),
                ("AllowHeaders", "Access-Control-Allow-Headers"),
                ("ExposeHeaders", "Access-Control-Expose-Headers"),
                ("MaxAge", "Access-Control-Max-Age"),
                ("AllowCredentials", "Access-Control-Allow-Credentials"),
                ("Vary", "Vary")]}},
    }
    ops = {
        "MockawsPreflightBucket": {"name": "MockawsPreflightBucket",
                                   "http": {"method": "OPTIONS", "requestUri": "/{Bucket}"},
                                   "input": {"shape": "MockawsPreflightBucketRequest"},
                                   "output": {"shape": "MockawsPreflightOutput"}},
        "MockawsPreflightObject": {"name": "MockawsPreflightObject",
                                   "http": {"method": "OPTIONS", "requestUri": "/{Bucket}/{Key+}"},
                                   "input": {"shape": "MockawsPreflightObjectRequest"},
                                   "output": {"shape": "MockawsPreflightOutput"}},
    }
    return ops, shapes

# S3 checks CreateBucket's LocationConstraint against the endpoint's region
# before its spelling (us-east-1 sent to us-west-2 is
# IllegalLocationConstraintException, not InvalidLocationConstraint), while the
# validator applies an enum before any handler runs: the values move to a shape
# of their own, which only the handler reads (docs/AWS-FACTS.md).
S3_HANDLER_ENUMS = {"BucketLocationConstraint": "MockawsLocationConstraints"}

# Services routed by the model's HTTP bindings: their operations mockaws does
# not implement stay in the model for routing (PUT /b?versioning must not be
# taken for CreateBucket).
ROUTED_BY_BINDING = {"s3"}

# The one shape the routing-only members of trimmed operations point at when
# their own shape is not kept anyway.
STUB_SHAPE = "MockawsStub"

DYNAMODB_NS = "com.amazonaws.dynamodb.v20120810#"
# Errors raised by the Coral framework in front of DynamoDB rather than by
# DynamoDB itself carry the framework's namespace in __type.
DYNAMODB_NAMESPACES = {
    "ValidationException": "com.amazon.coral.validate#",
    "SerializationException": "com.amazon.coral.service#",
    "UnknownOperationException": "com.amazon.coral.service#",
    "UnrecognizedClientException": "com.amazon.coral.service#",
    "MissingAuthenticationTokenException": "com.amazon.coral.service#",
    "InvalidSignatureException": "com.amazon.coral.service#",
    "IncompleteSignatureException": "com.amazon.coral.service#",
    "AccessDeniedException": "com.amazon.coral.service#",
    "ExpiredTokenException": "com.amazon.coral.service#",
    "ThrottlingException": "com.amazon.coral.availability#",
}

SQS_NS = "com.amazonaws.sqs#"
# SQS moved from the query protocol to JSON 1.0 keeping its query-era error
# codes (Smithy's awsQueryError trait, which botocore's model does not carry):
# the service sends them in x-amzn-query-error and SDKs report them as the
# error code. Shape -> (query code, HTTP status), from the SQS Smithy model
# (docs/AWS-FACTS.md, "SQS"). Shapes not listed have no such trait: their
# query code is their name and their status 400.
SQS_QUERY_ERRORS = {
    "BatchEntryIdsNotDistinct": ("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400),
    "BatchRequestTooLong": ("AWS.SimpleQueueService.BatchRequestTooLong", 400),
    "EmptyBatchRequest": ("AWS.SimpleQueueService.EmptyBatchRequest", 400),
    "InvalidAddress": ("InvalidAddress", 404),
    "InvalidBatchEntryId": ("AWS.SimpleQueueService.InvalidBatchEntryId", 400),
    "InvalidSecurity": ("InvalidSecurity", 403),
    "KmsAccessDenied": ("KMS.AccessDeniedException", 400),
    "KmsDisabled": ("KMS.DisabledException", 400),
    "KmsInvalidKeyUsage": ("KMS.InvalidKeyUsageException", 400),
    "KmsInvalidState": ("KMS.InvalidStateException", 400),
    "KmsNotFound": ("KMS.NotFoundException", 400),
    "KmsOptInRequired": ("KMS.OptInRequired", 403),
    "KmsThrottled": ("KMS.ThrottlingException", 400),
    "MessageNotInflight": ("AWS.SimpleQueueService.MessageNotInflight", 400),
    "OverLimit": ("OverLimit", 403),
    "PurgeQueueInProgress": ("AWS.SimpleQueueService.PurgeQueueInProgress", 403),
    "QueueDeletedRecently": ("AWS.SimpleQueueService.QueueDeletedRecently", 400),
    "QueueDoesNotExist": ("AWS.SimpleQueueService.NonExistentQueue", 400),
    "QueueNameExists": ("QueueAlreadyExists", 400),
    "ReceiptHandleIsInvalid": ("ReceiptHandleIsInvalid", 404),
    "RequestThrottled": ("RequestThrottled", 403),
    "ResourceNotFoundException": ("ResourceNotFoundException", 404),
    "TooManyEntriesInBatchRequest": ("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400),
    "UnsupportedOperation": ("AWS.SimpleQueueService.UnsupportedOperation", 400),
}

NOTICE = """\
The service models in this directory

    {files}

are derived from the data files of the botocore package, version {version}
(data/<service>/<api-version>/service-2.json), by tools/trim_models.py:
operations and shapes that mockaws does not implement were removed (S3
keeps the HTTP bindings of the operations it does not implement),
documentation was removed, and a few keys prefixed "x-mockaws-" (and, for
S3, XML root element names) were added.

botocore
Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved.
Licensed under the Apache License, Version 2.0 (the "License"); you may not
use these files except in compliance with the License. You may obtain a copy
of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
License for the specific language governing permissions and limitations under
the License.

The error catalogs in errors/ are curated by the mockaws authors from the AWS
error references; they are not part of botocore.
"""


def strip(value):
    """A copy of value without the DROP_KEYS (at any depth)."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in DROP_KEYS}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def shape_refs(shape):
    """Names of the shapes a shape refers to directly."""
    refs = []
    for member in shape.get("members", {}).values():
        refs.append(member["shape"])
    for key in ("member", "key", "value"):
        if key in shape:
            refs.append(shape[key]["shape"])
    return refs


def trimmed_op(full, name, shapes):
    """Operation name as routing needs it (method, URI template, deprecation
    and the required members bound outside the body), and its input shape,
    added to shapes unless a kept operation already brought the full one."""
    op = full["operations"][name]
    out = {"name": name, "http": dict(op["http"]), "x-mockaws-trimmed": True}
    if op.get("deprecated"):
        out["deprecated"] = True
    if "input" not in op:
        return out
    iname = op["input"]["shape"]
    out["input"] = {"shape": iname}
    if iname in shapes:
        return out
    full_in = full["shapes"][iname]
    members = {}
    for member in full_in.get("required", []):
        ref = full_in["members"][member]
        if ref.get("location") not in ("uri", "querystring", "header"):
            continue
        kept = {k: ref[k] for k in ("location", "locationName") if k in ref}
        kept["shape"] = ref["shape"] if ref["shape"] in shapes else STUB_SHAPE
        if kept["shape"] == STUB_SHAPE:
            shapes[STUB_SHAPE] = {"type": "string"}
        members[member] = kept
    shapes[iname] = {"type": "structure", "required": list(members), "members": members}
    return out


def trim(service, full):
    ops = {}
    todo = []
    for name in KEEP[service]:
        op = full["operations"][name]
        ops[name] = strip(op)
        for key in ("input", "output"):
            if key in op:
                todo.append(op[key]["shape"])
        todo.extend(e["shape"] for e in op.get("errors", []))

    shapes = {}
    while todo:
        name = todo.pop()
        if name in shapes:
            continue
        shape = strip(full["shapes"][name])
        shapes[name] = shape
        todo.extend(shape_refs(shape))

    if service in ROUTED_BY_BINDING:
        for name in sorted(full["operations"]):
            if name not in ops:
                ops[name] = trimmed_op(full, name, shapes)

    if service == "s3":
        for name, root in S3_ROOTS.items():
            if name in shapes:
                shapes[name]["locationName"] = root
                shapes[name]["xmlNamespace"] = dict(S3_NS)
        for name, member in S3_XML_TEXT.items():
            shapes[name]["members"][member]["x-mockaws-xml-text"] = True
        for name, members in S3_XML_INTERLEAVE.items():
            for member in members:
                shapes[name]["members"][member]["x-mockaws-xml-interleave"] = True
        for name in S3_LENIENT_ENUMS:
            shapes[name].pop("enum", None)
        pre_ops, pre_shapes = s3_preflight_ops()
        ops.update(pre_ops)
        shapes.update(pre_shapes)
        for name, values in S3_HANDLER_ENUMS.items():
            if name in shapes:
                shapes[values] = {"type": "string", "enum": shapes[name].pop("enum")}

    meta = strip(full["metadata"])
    meta["x-mockaws-all-operations"] = sorted(full["operations"])
    if service == "sqs":
        meta["x-mockaws-error-namespace"] = SQS_NS
        for (struct, member), list_name in SQS_LENIENT_MEMBERS.items():
            shapes[list_name] = {"type": "list", "member": {"shape": "String"}}
            shapes[struct]["members"][member]["shape"] = list_name
        for name, (code, status) in SQS_QUERY_ERRORS.items():
            if name in shapes:
                shapes[name]["error"] = {"code": code, "httpStatusCode": status, "senderFault": True}
    if service == "dynamodb":
        meta["x-mockaws-error-namespace"] = DYNAMODB_NS
        meta["x-mockaws-error-namespaces"] = dict(DYNAMODB_NAMESPACES)

    return {"version": full.get("version", "2.0"), "metadata": meta, "operations": ops,
            "shapes": shapes}


def ordered(value, in_members=False):
    """Sorts object keys for a stable file, except a structure's members."""
    if isinstance(value, dict):
        keys = list(value) if in_members else sorted(value)
        return {k: ordered(value[k], k == "members" and not in_members) for k in keys}
    if isinstance(value, list):
        return [ordered(v) for v in value]
    return value


def source_file(loader, service, version):
    """The data file botocore loaded, relative to its package directory."""
    base = os.path.dirname(botocore.__file__)
    for path in loader.search_paths:
        for suffix in ("service-2.json", "service-2.json.gz"):
            full = os.path.join(path, service, version, suffix)
            if os.path.exists(full):
                return os.path.relpath(full, base)
    return "data/%s/%s/service-2.json" % (service, version)


def render(doc):
    return json.dumps(ordered(doc), indent=1, separators=(",", ":"), ensure_ascii=False) + "\n"


# SQS's query door (wire/query.c, FLAVOR_COMPAT). SQS moved from the query
# protocol to JSON 1.0 late in 2023 and still answers the query protocol,
# which older SDKs and the aws CLI of some distributions speak. Its JSON
# model lost the query-era names, so they are kept here, from botocore's
# last query model of SQS (botocore commit 79c92132e, 2023-11-22,
# data/sqs/2012-11-05/service-2.json; Apache-2.0 like the rest): per shape,
#   "flattened"          the list or map is flattened (Attribute.1.Name)
#   "name"               the shape's own locationName
#   "member", "key", "value"   the locationName of a list's member, a map's
#                        key and value
#   "members"            structure member -> locationName
#   "flattened_members"  structure members flattened at the reference
# They go into the JSON model as "x-mockaws-query-name" (a locationName
# would rename the member on the JSON wire too) and "flattened" (which the
# JSON protocol ignores). MessageSystemAttributeList came after the move:
# its name follows AttributeNameList's.
QUERY_NAMES = {
    "sqs": {
        "metadata": {"xmlNamespace": "http://queue.amazonaws.com/doc/2012-11-05/",
                     "x-mockaws-query-path-member": "QueueUrl"},
        "shapes": {
            "AWSAccountIdList": {"flattened": True, "member": "AWSAccountId"},
            "ActionNameList": {"flattened": True, "member": "ActionName"},
            "AttributeNameList": {"flattened": True, "member": "AttributeName"},
            "ReceiveAttributeNameList": {"flattened": True, "member": "AttributeName"},
            "BatchResultErrorEntryList": {"flattened": True, "member": "BatchResultErrorEntry"},
            "BinaryList": {"member": "BinaryListValue"},
            "ChangeMessageVisibilityBatchRequestEntryList": {
                "flattened": True, "member": "ChangeMessageVisibilityBatchRequestEntry"},
            "ChangeMessageVisibilityBatchResultEntryList": {
                "flattened": True, "member": "ChangeMessageVisibilityBatchResultEntry"},
            "CreateQueueRequest": {"members": {"Attributes": "Attribute", "tags": "Tag"}},
            "DeleteMessageBatchRequestEntryList": {"flattened": True, "member": "DeleteMessageBatchRequestEntry"},
            "DeleteMessageBatchResultEntryList": {"flattened": True, "member": "DeleteMessageBatchResultEntry"},
            "GetQueueAttributesResult": {"members": {"Attributes": "Attribute"}},
            "ListMessageMoveTasksResultEntryList": {"flattened": True, "member": "ListMessageMoveTasksResultEntry"},
            "ListQueueTagsResult": {"members": {"Tags": "Tag"}},
            "Message": {"members": {"Attributes": "Attribute", "MessageAttributes": "MessageAttribute"}},
            "MessageAttributeNameList": {"flattened": True, "member": "MessageAttributeName"},
            "MessageAttributeValue": {
                "members": {"StringListValues": "StringListValue", "BinaryListValues": "BinaryListValue"},
                "flattened_members": ["StringListValues", "BinaryListValues"]},
            "MessageBodyAttributeMap": {"flattened": True, "key": "Name", "value": "Value"},
            "MessageBodySystemAttributeMap": {"flattened": True, "key": "Name", "value": "Value"},
            "MessageList": {"flattened": True, "member": "Message"},
            "MessageSystemAttributeList": {"flattened": True, "member": "MessageSystemAttributeName"},
            "MessageSystemAttributeMap": {"flattened": True, "name": "Attribute", "key": "Name", "value": "Value"},
            "MessageSystemAttributeValue": {
                "members": {"StringListValues": "StringListValue", "BinaryListValues": "BinaryListValue"},
                "flattened_members": ["StringListValues", "BinaryListValues"]},
            "QueueAttributeMap": {"flattened": True, "name": "Attribute", "key": "Name", "value": "Value"},
            "QueueUrlList": {"flattened": True, "member": "QueueUrl"},
            "SendMessageBatchRequestEntry": {
                "members": {"MessageAttributes": "MessageAttribute", "MessageSystemAttributes": "MessageSystemAttribute"}},
            "SendMessageBatchRequestEntryList": {"flattened": True, "member": "SendMessageBatchRequestEntry"},
            "SendMessageBatchResultEntryList": {"flattened": True, "member": "SendMessageBatchResultEntry"},
            "SendMessageRequest": {
                "members": {"MessageAttributes": "MessageAttribute", "MessageSystemAttributes": "MessageSystemAttribute"}},
            "SetQueueAttributesRequest": {"members": {"Attributes": "Attribute"}},
            "StringList": {"member": "StringListValue"},
            "TagKeyList": {"flattened": True, "member": "TagKey"},
            "TagMap": {"flattened": True, "name": "Tag", "key": "Key", "value": "Value"},
        },
    },
}


def add_query_names(doc, names):
    """QUERY_NAMES[service] into a trimmed model (shapes it does not keep
    are skipped)."""
    doc["metadata"].update(names["metadata"])
    qn = "x-mockaws-query-name"
    for name, q in names["shapes"].items():
        shape = doc["shapes"].get(name)
        if shape is None:
            continue
        if q.get("flattened"):
            shape["flattened"] = True
        if "name" in q:
            shape[qn] = q["name"]
        for part in ("member", "key", "value"):
            if part in q:
                shape[part][qn] = q[part]
        for member, wire in q.get("members", {}).items():
            shape["members"][member][qn] = wire
        for member in q.get("flattened_members", ()):
            shape["members"][member]["flattened"] = True


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "server", "models"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    loader = botocore.loaders.Loader()
    outputs = {}
    for service in KEEP:
        version = loader.determine_latest_version(service, "service-2")
        full = loader.load_service_model(service, "service-2", version)
        missing = [op for op in KEEP[service] if op not in full["operations"]]
        if missing:
            sys.exit("%s: botocore has no operation %s" % (service, ", ".join(missing)))
        doc = trim(service, full)
        if service in QUERY_NAMES:
            add_query_names(doc, QUERY_NAMES[service])
        doc["x-mockaws-source"] = (
            "botocore %s %s, trimmed by tools/trim_models.py; Apache-2.0, see server/models/NOTICE"
            % (botocore.__version__, source_file(loader, service, version)))
        outputs["%s.json" % service] = render(doc)

    files = ", ".join(sorted(outputs))
    outputs["NOTICE"] = NOTICE.format(files=files, version=botocore.__version__)

    stale = []
    for name, text in outputs.items():
        path = os.path.join(args.out, name)
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                old = f.read()
        if old == text:
            continue
        stale.append(name)
        if not args.check:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if args.check and stale:
        sys.exit("out of date: " + ", ".join(stale))
    for name in sorted(outputs):
        print("%-14s %8d bytes%s" % (name, len(outputs[name].encode()),
                                     " (written)" if name in stale and not args.check else ""))


if __name__ == "__main__":
    main()
