"""IAM through boto3: the setup a test writes (user, access key, inline and
managed policies, group, role), keys that sign as their user, IAM's errors,
paging, and AWS_ENDPOINT_URL reaching the iam client."""
import json
import os
import unittest.mock

import boto3
from botocore.exceptions import ClientError

from .server import DEFAULT_ACCOUNT, ServerTestCase

ALLOW_S3 = {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
TRUST = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole"}]}


class IamSetup(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.iam = self.server.client("iam")

    def error(self, fn, **kwargs):
        with self.assertRaises(ClientError) as cm:
            fn(**kwargs)
        return cm.exception.response

    def test_user_key_policy_group_role(self):
        user = self.iam.create_user(UserName="ci", Path="/bots/")["User"]
        self.assertEqual(user["Arn"], f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/bots/ci")
        self.assertRegex(user["UserId"], r"^AIDA[A-Z0-9]{17}$")

        key = self.iam.create_access_key(UserName="ci")["AccessKey"]
        self.assertRegex(key["AccessKeyId"], r"^AKIA[A-Z0-9]{16}$")
        self.assertEqual(len(key["SecretAccessKey"]), 40)
        self.assertEqual(key["Status"], "Active")

        # botocore decodes the URL-encoded document back into a dict
        self.iam.put_user_policy(UserName="ci", PolicyName="s3", PolicyDocument=json.dumps(ALLOW_S3))
        got = self.iam.get_user_policy(UserName="ci", PolicyName="s3")
        self.assertEqual(got["PolicyDocument"], ALLOW_S3)

        arn = self.iam.create_policy(PolicyName="read", PolicyDocument=json.dumps(ALLOW_S3),
                                     Description="d")["Policy"]["Arn"]
        self.iam.create_group(GroupName="devs")
        self.iam.attach_group_policy(GroupName="devs", PolicyArn=arn)
        self.iam.add_user_to_group(GroupName="devs", UserName="ci")
        groups = self.iam.list_groups_for_user(UserName="ci")["Groups"]
        self.assertEqual([g["GroupName"] for g in groups], ["devs"])
        members = self.iam.get_group(GroupName="devs")["Users"]
        self.assertEqual([u["UserName"] for u in members], ["ci"])

        role = self.iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
        self.assertRegex(role["RoleId"], r"^AROA[A-Z0-9]{17}$")
        self.iam.attach_role_policy(RoleName="fn", PolicyArn=arn)
        got = self.iam.get_role(RoleName="fn")["Role"]
        self.assertEqual(got["AssumeRolePolicyDocument"], TRUST)
        self.assertEqual(got["MaxSessionDuration"], 3600)
        attached = self.iam.list_attached_role_policies(RoleName="fn")["AttachedPolicies"]
        self.assertEqual(attached, [{"PolicyName": "read", "PolicyArn": arn}])
        self.assertEqual(self.iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"], 2)

        # the key signs as its user, for STS and for IAM
        as_ci = dict(key=key["AccessKeyId"], secret=key["SecretAccessKey"])
        ident = self.server.client("sts", **as_ci).get_caller_identity()
        self.assertEqual(ident["Arn"], user["Arn"])
        self.assertEqual(ident["UserId"], user["UserId"])
        self.assertEqual(self.server.client("iam", **as_ci).get_user()["User"]["UserName"], "ci")

    def test_errors(self):
        self.iam.create_user(UserName="a")
        resp = self.error(self.iam.create_user, UserName="A")
        self.assertEqual(resp["Error"]["Code"], "EntityAlreadyExists")
        self.assertEqual(resp["Error"]["Message"], "User with name A already exists.")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 409)
        resp = self.error(self.iam.get_role, RoleName="nope")
        self.assertEqual(resp["Error"]["Code"], "NoSuchEntity")
        self.assertEqual(resp["Error"]["Message"], "The role with name nope cannot be found.")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 404)
        resp = self.error(self.iam.put_user_policy, UserName="a", PolicyName="p", PolicyDocument="nope")
        self.assertEqual(resp["Error"]["Code"], "MalformedPolicyDocument")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.iam.create_access_key(UserName="a")
        self.iam.create_access_key(UserName="a")
        resp = self.error(self.iam.create_access_key, UserName="a")
        self.assertEqual(resp["Error"]["Code"], "LimitExceeded")
        self.assertEqual(resp["Error"]["Message"], "Cannot exceed quota for AccessKeysPerUser: 2")
        resp = self.error(self.iam.delete_user, UserName="a")
        self.assertEqual(resp["Error"]["Code"], "DeleteConflict")
        resp = self.error(self.iam.create_group, GroupName="x" * 129)
        self.assertEqual(resp["Error"]["Code"], "ValidationError")

    def test_paginator_walks_every_page(self):
        for i in range(7):
            self.iam.create_role(RoleName=f"r{i}", AssumeRolePolicyDocument=json.dumps(TRUST))
        pages = list(self.iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 3}))
        self.assertEqual(len(pages), 3)
        names = [r["RoleName"] for p in pages for r in p["Roles"]]
        self.assertEqual(names, [f"r{i}" for i in range(7)])

    def test_endpoint_from_the_environment(self):
        # botocore needs a region to sign with once the endpoint is not IAM's
        # own; IAM is global, so one region's client sees what another made
        env = {"AWS_ENDPOINT_URL": self.server.endpoint, "AWS_ACCESS_KEY_ID": "testing",
               "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1",
               "AWS_REGION": "eu-west-1"}
        with unittest.mock.patch.dict(os.environ, env):
            client = boto3.session.Session().client("iam")
            client.create_user(UserName="env")
        self.assertEqual(self.iam.get_user(UserName="env")["User"]["UserName"], "env")
        [entry] = self.server.journal(service="iam", operation="CreateUser")
        self.assertEqual(entry["account"], DEFAULT_ACCOUNT)
