"""--auth enforce through boto3: session tags. AssumeRole's Tags become the session's
aws:PrincipalTag/KEY (over the role's own tag of that key), need sts:TagSession in the role's
trust policy, are AssumeRole's aws:RequestTag/KEY and aws:TagKeys, and TransitiveTagKeys pass on
to the sessions a session assumes in turn."""
import json

from botocore.exceptions import ClientError

from .server import DEFAULT_ACCOUNT, ServerTestCase
from .test_enforce import iam_user, policy

ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/"


class SessionTags(ServerTestCase):
    server_args = ("--auth", "enforce")

    def setUp(self):
        super().setUp()
        self.iam = self.server.client("iam", key="test", secret="test")
        ddb = self.server.client("dynamodb", key="test", secret="test")
        for team in ("red", "blue"):
            ddb.create_table(TableName=f"{team}-orders", BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                             Tags=[{"Key": "team", "Value": team}])
            ddb.get_waiter("table_exists").wait(TableName=f"{team}-orders", WaiterConfig={"Delay": 0.05})
            ddb.put_item(TableName=f"{team}-orders", Item={"id": {"S": "1"}})
        # a role tagged blue whose sessions read the tables of their team, and may go on to
        # assume the second role, which reads likewise
        for name in ("reader", "second"):
            self.role(name, ["sts:AssumeRole", "sts:TagSession"], {"team": "blue"})
            self.iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=policy({
                "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}, {
                "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": ROLE + "second"}))
        self.ann = iam_user(self.server, self.iam, "ann", {
            "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*"})("sts")

    def role(self, name, trusted_actions, tags):
        self.iam.create_role(RoleName=name, Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
                             AssumeRolePolicyDocument=policy({
                                 "Effect": "Allow", "Action": trusted_actions,
                                 "Principal": {"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"}}))

    def session(self, sts, role, tags=None, **kw):
        if tags is not None:
            kw["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        creds = sts.assume_role(RoleArn=ROLE + role, RoleSessionName="sess", **kw)["Credentials"]
        return lambda svc: self.server.client(svc, key=creds["AccessKeyId"], secret=creds["SecretAccessKey"],
                                              token=creds["SessionToken"])

    def refused(self, call):
        with self.assertRaises(ClientError) as cm:
            call()
        r = cm.exception.response
        return r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Code"], r["Error"]["Message"]

    def reads(self, client):
        ddb = client("dynamodb")
        out = {}
        for team in ("red", "blue"):
            try:
                ddb.get_item(TableName=f"{team}-orders", Key={"id": {"S": "1"}})
                out[team] = True
            except ClientError as e:
                self.assertEqual(e.response["Error"]["Code"], "AccessDeniedException")
                out[team] = False
        return out

    def test_a_session_tagged_red_reads_red_tables_only(self):
        # untagged, the session has its role's tag
        self.assertEqual(self.reads(self.session(self.ann, "reader")), {"red": False, "blue": True})
        # the session's tag wins over the role's of the same key, whatever its case
        self.assertEqual(self.reads(self.session(self.ann, "reader", {"Team": "red"})), {"red": True, "blue": False})

    def test_tags_need_tag_session_in_the_trust_policy(self):
        self.role("plain", ["sts:AssumeRole"], {})
        status, code, msg = self.refused(lambda: self.session(self.ann, "plain", {"team": "red"}))
        self.assertEqual((status, code), (403, "AccessDenied"))
        self.assertEqual(msg, f"User: arn:aws:iam::{DEFAULT_ACCOUNT}:user/ann is not authorized to perform: "
                              f"sts:TagSession on resource: {ROLE}plain")
        status, code, _ = self.refused(lambda: self.session(self.ann, "plain", {"team": "red"},
                                                            TransitiveTagKeys=["team"]))
        self.assertEqual((status, code), (403, "AccessDenied"))
        self.session(self.ann, "plain")  # no tags: sts:AssumeRole alone

    def test_assume_role_sees_the_tags_as_request_tags(self):
        bob = iam_user(self.server, self.iam, "bob", {
            "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestTag/team": "red"},
                          "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}})("sts")
        self.assertEqual(self.refused(lambda: self.session(bob, "reader", {"team": "blue"}))[:2], (403, "AccessDenied"))
        self.assertEqual(self.refused(lambda: self.session(bob, "reader", {"team": "red", "cost": "1"}))[:2],
                         (403, "AccessDenied"))
        self.assertEqual(self.reads(self.session(bob, "reader", {"team": "red"})), {"red": True, "blue": False})

    def test_transitive_tags_carry_over_in_a_role_chain(self):
        first = self.session(self.ann, "reader", {"team": "red", "cost": "1"}, TransitiveTagKeys=["team"])
        second = self.session(first("sts"), "second")
        self.assertEqual(self.reads(second), {"red": True, "blue": False})
        # an inherited transitive key cannot be set again
        status, code, msg = self.refused(lambda: self.session(first("sts"), "second", {"TEAM": "blue"}))
        self.assertEqual((status, code), (400, "InvalidParameterValue"))
        self.assertIn("conflicts with a transitive tag key from the calling session", msg)
        # a tag that was not transitive does not carry over: the role's own tag applies
        plain = self.session(self.ann, "reader", {"team": "red"})
        self.assertEqual(self.reads(self.session(plain("sts"), "second")), {"red": False, "blue": True})

    def test_bad_tags_are_refused(self):
        cases = (({"team": "red", "TEAM": "blue"}, {}, "Duplicate tag keys found"),
                 ({"team": "red"}, {"TransitiveTagKeys": ["cost"]}, "transitive tag key must be included"))
        for tags, kw, words in cases:
            with self.subTest(words=words):
                status, code, msg = self.refused(lambda: self.session(self.ann, "reader", tags, **kw))
                self.assertEqual((status, code), (400, "InvalidParameterValue"))
                self.assertIn(words, msg)
        status, code, _ = self.refused(lambda: self.session(self.ann, "reader", {f"k{i}": "v" for i in range(51)}))
        self.assertEqual((status, code), (400, "ValidationError"))
