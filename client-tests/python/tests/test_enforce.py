"""--auth enforce through boto3: the account's root may do anything in its own account;
a caller with no policy that allows an action is refused in each service's own words
(S3 403 AccessDenied with the resource quoted, DynamoDB 400 AccessDeniedException, SNS
403 AuthorizationError, EC2 403 UnauthorizedOperation with a message STS decodes);
S3 DeleteObjects refuses the denied keys one by one; another account's bucket needs its
policy's Allow.

Expected wording: docs/AWS-FACTS.md, "AccessDenied per service".
"""
import base64
import json

from botocore.exceptions import ClientError

from .server import DEFAULT_ACCOUNT, ServerTestCase

ROLE_ARN = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/worker"
SESSION_ARN = f"arn:aws:sts::{DEFAULT_ACCOUNT}:assumed-role/worker/job"


class Enforce(ServerTestCase):
    server_args = ("--auth", "enforce")

    def setUp(self):
        super().setUp()
        self.root = {svc: self.server.client(svc, key="test", secret="test")
                     for svc in ("s3", "dynamodb", "sns", "ec2", "sts")}
        self.root["s3"].create_bucket(Bucket="data")
        self.root["s3"].put_object(Bucket="data", Key="reports/a", Body=b"a")
        # a user that may assume the role, and a role that trusts it but has no policies:
        # every check of the role's session is an implicit deny
        iam = self.server.client("iam", key="test", secret="test")
        iam.create_user(UserName="runner")
        iam.put_user_policy(UserName="runner", PolicyName="assume", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE_ARN}]}))
        iam.create_role(RoleName="worker", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Principal": {"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/runner"}}]}))
        key = iam.create_access_key(UserName="runner")["AccessKey"]
        self.runner = self.server.client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
        creds = self.runner.assume_role(RoleArn=ROLE_ARN, RoleSessionName="job")["Credentials"]
        self.worker = lambda svc: self.server.client(svc, key=creds["AccessKeyId"],
                                                     secret=creds["SecretAccessKey"],
                                                     token=creds["SessionToken"])

    def refused(self, call):
        with self.assertRaises(ClientError) as cm:
            call()
        err = cm.exception.response
        return err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Code"], err["Error"].get("Message", "")

    def test_assume_role_follows_the_trust_policy(self):
        with self.assertRaises(ClientError) as cm:
            self.root["sts"].assume_role(RoleArn=ROLE_ARN, RoleSessionName="ss")
        self.assertEqual(cm.exception.response["Error"]["Message"], "Roles may not be assumed by root accounts.")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        # a role whose trust policy names someone else
        iam = self.server.client("iam", key="test", secret="test")
        iam.create_role(RoleName="other", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Principal": {"Service": "ec2.amazonaws.com"}}]}))
        iam.put_user_policy(UserName="runner", PolicyName="all", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}]}))
        other = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/other"
        status, code, msg = self.refused(lambda: self.runner.assume_role(RoleArn=other, RoleSessionName="ss"))
        self.assertEqual((status, code), (403, "AccessDenied"))
        self.assertEqual(msg, f"User: arn:aws:iam::{DEFAULT_ACCOUNT}:user/runner is not authorized to perform: "
                              f"sts:AssumeRole on resource: {other}")
        # a role that does not exist, likewise
        status, code, _ = self.refused(lambda: self.runner.assume_role(
            RoleArn=f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/none", RoleSessionName="ss"))
        self.assertEqual((status, code), (403, "AccessDenied"))
        # a user of the same account that the trust policy names needs no policy of its own
        iam.create_user(UserName="direct")
        iam.create_role(RoleName="named", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Principal": {"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/direct"}}]}))
        key = iam.create_access_key(UserName="direct")["AccessKey"]
        direct = self.server.client("sts", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
        named = direct.assume_role(RoleArn=f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/named", RoleSessionName="ss")
        self.assertEqual(named["AssumedRoleUser"]["Arn"], f"arn:aws:sts::{DEFAULT_ACCOUNT}:assumed-role/named/ss")
        # longer than the role's MaxSessionDuration (3600 by default)
        status, code, msg = self.refused(lambda: self.runner.assume_role(RoleArn=ROLE_ARN, RoleSessionName="ss",
                                                                         DurationSeconds=7200))
        self.assertEqual((status, code), (400, "ValidationError"))
        self.assertEqual(msg, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")

    def test_root_may_do_anything_in_its_account(self):
        self.assertEqual(self.root["s3"].get_object(Bucket="data", Key="reports/a")["Body"].read(), b"a")
        self.root["dynamodb"].list_tables()
        self.root["sns"].create_topic(Name="t")
        self.root["ec2"].describe_instances()

    def test_no_policy_allows_it(self):
        status, code, msg = self.refused(lambda: self.worker("s3").get_object(Bucket="data", Key="reports/a"))
        self.assertEqual((status, code), (403, "AccessDenied"))
        self.assertEqual(msg, f'User: {SESSION_ARN} is not authorized to perform: s3:GetObject on resource: '
                              f'"arn:aws:s3:::data/reports/a" because no identity-based policy allows the '
                              f's3:GetObject action')
        status, code, msg = self.refused(lambda: self.worker("s3").list_objects_v2(Bucket="data"))
        self.assertIn('s3:ListBucket on resource: "arn:aws:s3:::data"', msg)
        status, code, msg = self.refused(lambda: self.worker("dynamodb").list_tables())
        self.assertEqual((status, code), (400, "AccessDeniedException"))
        self.assertIn(f"dynamodb:ListTables on resource: arn:aws:dynamodb:us-east-1:{DEFAULT_ACCOUNT}:table/*",
                      msg)
        status, code, msg = self.refused(
            lambda: self.worker("sns").publish(TopicArn=f"arn:aws:sns:us-east-1:{DEFAULT_ACCOUNT}:t",
                                               Message="m"))
        self.assertEqual((status, code), (403, "AuthorizationError"))
        self.assertIn("SNS:Publish", msg)

    def test_ec2_denial_decodes(self):
        status, code, msg = self.refused(
            lambda: self.worker("ec2").run_instances(ImageId="ami-ab939b9c031512198", MinCount=1, MaxCount=1))
        self.assertEqual((status, code), (403, "UnauthorizedOperation"))
        self.assertTrue(msg.startswith("You are not authorized to perform this operation. User: "), msg)
        blob = msg.split("Encoded authorization failure message: ", 1)[1]
        decoded = json.loads(self.root["sts"].decode_authorization_message(EncodedMessage=blob)["DecodedMessage"])
        self.assertFalse(decoded["allowed"])
        self.assertEqual(decoded["context"]["action"], "ec2:RunInstances")
        self.assertEqual(decoded["context"]["principal"]["arn"], SESSION_ARN)
        # the blob is URL-safe base64 of that JSON
        self.assertEqual(json.loads(base64.urlsafe_b64decode(blob)), decoded)

    def test_delete_objects_refuses_key_by_key(self):
        out = self.worker("s3").delete_objects(Bucket="data", Delete={"Objects": [{"Key": "reports/a"}]})
        self.assertEqual([(e["Key"], e["Code"]) for e in out["Errors"]], [("reports/a", "AccessDenied")])
        self.assertNotIn("Deleted", out)
        # nothing was deleted
        self.root["s3"].head_object(Bucket="data", Key="reports/a")

    def test_another_accounts_bucket_needs_its_policy(self):
        other = self.server.client("s3", key="111122223333", secret="test")
        other.create_bucket(Bucket="theirs")
        other.put_object(Bucket="theirs", Key="k", Body=b"x")
        status, code, _ = self.refused(lambda: self.root["s3"].get_object(Bucket="theirs", Key="k"))
        self.assertEqual((status, code), (403, "AccessDenied"))
        self.assertEqual(other.get_object(Bucket="theirs", Key="k")["Body"].read(), b"x")


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def iam_user(server, iam, name, *statements, tags=None):
    """An IAM user (tagged {key: value}) with an inline policy of the statements: a function
    giving its client of a service."""
    iam.create_user(UserName=name, Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()])
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy(*statements))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return lambda svc: server.client(svc, key=key["AccessKeyId"], secret=key["SecretAccessKey"])


class EnforceWithIam(ServerTestCase):
    """IAM users and their policies decide: the scenarios of issue 15's tests."""
    server_args = ("--auth", "enforce")

    def setUp(self):
        super().setUp()
        self.iam = self.server.client("iam", key="test", secret="test")
        self.s3_root = self.server.client("s3", key="test", secret="test")
        self.s3_root.create_bucket(Bucket="corp")
        for key in ("reports/q1", "payroll/x"):
            self.s3_root.put_object(Bucket="corp", Key=key, Body=b"data")

    def user(self, name, *statements):
        return iam_user(self.server, self.iam, name, *statements)

    def code(self, call):
        with self.assertRaises(ClientError) as cm:
            call()
        return cm.exception.response["Error"]["Code"]

    def test_a_user_limited_to_reports(self):
        alice = self.user("alice",
                          {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::corp/reports/*"},
                          {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::corp",
                           "Condition": {"StringLike": {"s3:prefix": "reports/*"}}})
        s3 = alice("s3")
        self.assertEqual(s3.get_object(Bucket="corp", Key="reports/q1")["Body"].read(), b"data")
        self.assertEqual([o["Key"] for o in s3.list_objects_v2(Bucket="corp", Prefix="reports/")["Contents"]],
                         ["reports/q1"])
        self.assertEqual(self.code(lambda: s3.get_object(Bucket="corp", Key="payroll/x")), "AccessDenied")
        self.assertEqual(self.code(lambda: s3.list_objects_v2(Bucket="corp", Prefix="payroll/")), "AccessDenied")
        self.assertEqual(self.code(lambda: s3.put_object(Bucket="corp", Key="reports/q2", Body=b"x")),
                         "AccessDenied")

    def test_the_journal_says_who_and_why(self):
        alice = self.user("alice", {"Sid": "Reports", "Effect": "Allow", "Action": "s3:GetObject",
                                    "Resource": "arn:aws:s3:::corp/reports/*"})
        s3 = alice("s3")
        s3.get_object(Bucket="corp", Key="reports/q1")
        with self.assertRaises(ClientError):
            s3.get_object(Bucket="corp", Key="payroll/x")
        _, doc = self.server.control("GET", "/_mockaws/journal", query={"operation": "GetObject"})
        ok, refused = doc["entries"][-2:]
        self.assertEqual(ok["principal"], f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/alice")
        self.assertEqual(ok["authz"], "s3:GetObject on arn:aws:s3:::corp/reports/q1: allowed by Reports of the "
                                      "identity-based policy")
        self.assertEqual(refused["authz"], "s3:GetObject on arn:aws:s3:::corp/payroll/x: denied: no "
                                           "identity-based policy allows it")
        self.assertEqual(refused["error"], "AccessDenied")
        # no secret reaches the journal
        self.assertNotIn("Secret", json.dumps(doc))

    def test_leading_keys_keep_a_user_in_its_partition(self):
        ddb_root = self.server.client("dynamodb", key="test", secret="test")
        ddb_root.create_table(TableName="notes", KeySchema=[{"AttributeName": "owner", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "owner", "AttributeType": "S"}],
                              BillingMode="PAY_PER_REQUEST")
        ddb_root.get_waiter("table_exists").wait(TableName="notes", WaiterConfig={"Delay": 0.1})
        alice = self.user("alice", {
            "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
            "Resource": f"arn:aws:dynamodb:us-east-1:{DEFAULT_ACCOUNT}:table/notes",
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}}})
        ddb = alice("dynamodb")
        ddb.put_item(TableName="notes", Item={"owner": {"S": "alice"}, "text": {"S": "mine"}})
        self.assertEqual(ddb.get_item(TableName="notes", Key={"owner": {"S": "alice"}})["Item"]["text"]["S"], "mine")
        self.assertEqual(self.code(lambda: ddb.put_item(TableName="notes", Item={"owner": {"S": "bob"}})),
                         "AccessDeniedException")
        self.assertEqual(self.code(lambda: ddb.get_item(TableName="notes", Key={"owner": {"S": "bob"}})),
                         "AccessDeniedException")

    def test_an_explicit_deny_wins(self):
        bob = self.user("bob", {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::corp/payroll/*"})
        s3 = bob("s3")
        s3.get_object(Bucket="corp", Key="reports/q1")
        with self.assertRaises(ClientError) as cm:
            s3.get_object(Bucket="corp", Key="payroll/x")
        self.assertIn("with an explicit deny in an identity-based policy", cm.exception.response["Error"]["Message"])

    def test_a_bucket_policy_denying_unencrypted_uploads(self):
        self.s3_root.put_bucket_policy(Bucket="corp", Policy=policy(
            {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::corp/*",
             "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}}))
        # the root user too: an explicit deny in a resource policy stops everyone
        with self.assertRaises(ClientError) as cm:
            self.s3_root.put_object(Bucket="corp", Key="plain", Body=b"x")
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDenied")
        self.s3_root.put_object(Bucket="corp", Key="sealed", Body=b"x", ServerSideEncryption="aws:kms")

    def test_groups_and_managed_policies(self):
        arn = self.iam.create_policy(PolicyName="tables", PolicyDocument=policy(
            {"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:GetItem"],
             "Resource": f"arn:aws:dynamodb:us-east-1:{DEFAULT_ACCOUNT}:table/orders"}))["Policy"]["Arn"]
        self.iam.create_group(GroupName="writers")
        self.iam.attach_group_policy(GroupName="writers", PolicyArn=arn)
        carol = self.user("carol")
        self.iam.add_user_to_group(GroupName="writers", UserName="carol")
        ddb_root = self.server.client("dynamodb", key="test", secret="test")
        for name in ("orders", "audit"):
            ddb_root.create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                                  AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                  BillingMode="PAY_PER_REQUEST")
        ddb_root.get_waiter("table_exists").wait(TableName="orders", WaiterConfig={"Delay": 0.1})
        ddb_root.get_waiter("table_exists").wait(TableName="audit", WaiterConfig={"Delay": 0.1})
        ddb = carol("dynamodb")
        ddb.put_item(TableName="orders", Item={"id": {"S": "1"}})
        self.assertEqual(self.code(lambda: ddb.put_item(TableName="audit", Item={"id": {"S": "1"}})),
                         "AccessDeniedException")
        self.iam.remove_user_from_group(GroupName="writers", UserName="carol")
        self.assertEqual(self.code(lambda: ddb.get_item(TableName="orders", Key={"id": {"S": "1"}})),
                         "AccessDeniedException")

    def test_a_policy_change_decides_the_next_identical_request(self):
        # enforce keeps decisions between identical requests; every policy write forgets them
        dave = self.user("dave", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::corp/*"})
        s3 = dave("s3")
        get = lambda: s3.get_object(Bucket="corp", Key="reports/q1")  # noqa: E731
        get()
        get()
        self.iam.put_user_policy(UserName="dave", PolicyName="p", PolicyDocument=policy(
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::corp/*"}))
        self.assertEqual(self.code(get), "AccessDenied")
        self.iam.delete_user_policy(UserName="dave", PolicyName="p")
        self.assertEqual(self.code(get), "AccessDenied")
        self.assertEqual(self.code(get), "AccessDenied")
        # a group's managed policy, then a bucket policy's deny over it
        arn = self.iam.create_policy(PolicyName="read-corp", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::corp/*"}))["Policy"]["Arn"]
        self.iam.create_group(GroupName="readers")
        self.iam.attach_group_policy(GroupName="readers", PolicyArn=arn)
        self.assertEqual(self.code(get), "AccessDenied")
        self.iam.add_user_to_group(GroupName="readers", UserName="dave")
        self.assertEqual(get()["Body"].read(), b"data")
        self.s3_root.put_bucket_policy(Bucket="corp", Policy=policy(
            {"Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/dave"},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::corp/*"}))
        self.assertEqual(self.code(get), "AccessDenied")
        self.s3_root.delete_bucket_policy(Bucket="corp")
        self.assertEqual(get()["Body"].read(), b"data")
