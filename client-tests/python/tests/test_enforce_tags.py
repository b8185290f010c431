"""--auth enforce through boto3: the tag condition keys, in the attribute-based (ABAC)
patterns users write. A user's tags are aws:PrincipalTag/KEY (and the policy variable
${aws:PrincipalTag/KEY}); a table's or topic's tags aws:ResourceTag/KEY; the tags a
request creates aws:RequestTag/KEY and aws:TagKeys; an object's tags
s3:ExistingObjectTag/KEY; a Query's partition key dynamodb:LeadingKeys.
"""
from botocore.exceptions import ClientError

from .server import DEFAULT_ACCOUNT, ServerTestCase
from .test_enforce import iam_user


class EnforceTags(ServerTestCase):
    server_args = ("--auth", "enforce")

    def setUp(self):
        super().setUp()
        self.iam = self.server.client("iam", key="test", secret="test")

    def user(self, name, tags, *statements):
        return iam_user(self.server, self.iam, name, *statements, tags=tags)

    def refused(self, call, code):
        with self.assertRaises(ClientError) as cm:
            call()
        self.assertEqual(cm.exception.response["Error"]["Code"], code)

    def red_and_blue_tables(self):
        """red-orders tagged team=red and blue-orders team=blue; the root's client."""
        root = self.server.client("dynamodb", key="test", secret="test")
        self.table(root, "red-orders", "red")
        self.table(root, "blue-orders", "blue")
        return root

    def table(self, ddb, name, team):
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "owner", "KeyType": "HASH"},
                                    {"AttributeName": "n", "KeyType": "RANGE"}],
                         AttributeDefinitions=[{"AttributeName": "owner", "AttributeType": "S"},
                                               {"AttributeName": "n", "AttributeType": "N"}],
                         Tags=[{"Key": "team", "Value": team}])
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.05})
        for owner in ("ann", "zed"):
            ddb.put_item(TableName=name, Item={"owner": {"S": owner}, "n": {"N": "1"}})

    def test_principal_tag_matches_resource_tag(self):
        root = self.red_and_blue_tables()
        ann = self.user("ann", {"team": "red"}, {
            "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}})
        ddb = ann("dynamodb")
        key = {"owner": {"S": "ann"}, "n": {"N": "1"}}
        query = {"KeyConditionExpression": "#o = :o", "ExpressionAttributeNames": {"#o": "owner"},
                 "ExpressionAttributeValues": {":o": {"S": "ann"}}}
        self.assertEqual(ddb.get_item(TableName="red-orders", Key=key)["Item"], key)
        self.assertEqual(ddb.query(TableName="red-orders", **query)["Count"], 1)
        self.refused(lambda: ddb.get_item(TableName="blue-orders", Key=key), "AccessDeniedException")
        self.refused(lambda: ddb.query(TableName="blue-orders", **query), "AccessDeniedException")
        # the tag moves, and the access with it
        root.tag_resource(ResourceArn=f"arn:aws:dynamodb:us-east-1:{DEFAULT_ACCOUNT}:table/blue-orders",
                          Tags=[{"Key": "team", "Value": "red"}])
        self.assertEqual(ddb.get_item(TableName="blue-orders", Key=key)["Item"], key)

    def test_query_outside_the_callers_partition_is_refused(self):
        root = self.server.client("dynamodb", key="test", secret="test")
        self.table(root, "orders", "red")
        ann = self.user("ann", {}, {
            "Effect": "Allow", "Action": "dynamodb:Query",
            "Resource": f"arn:aws:dynamodb:us-east-1:{DEFAULT_ACCOUNT}:table/orders",
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}}})
        ddb = ann("dynamodb")
        mine = ddb.query(TableName="orders", KeyConditionExpression="#o = :o AND n > :n",
                         ExpressionAttributeNames={"#o": "owner"},
                         ExpressionAttributeValues={":o": {"S": "ann"}, ":n": {"N": "0"}})
        self.assertEqual([i["owner"]["S"] for i in mine["Items"]], ["ann"])
        self.refused(lambda: ddb.query(TableName="orders", KeyConditionExpression="#o = :o",
                                       ExpressionAttributeNames={"#o": "owner"},
                                       ExpressionAttributeValues={":o": {"S": "zed"}}),
                     "AccessDeniedException")
        # the legacy KeyConditions name the partition too
        self.refused(lambda: ddb.query(TableName="orders", KeyConditions={
            "owner": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "zed"}]}}),
            "AccessDeniedException")

    # the request-tag pattern: creating is allowed only with the caller's team as the one tag
    REQUEST_TAG = {"StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"},
                   "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}

    def test_create_topic_needs_the_request_tag(self):
        ann = self.user("ann", {"team": "red"}, {
            "Effect": "Allow", "Action": "sns:CreateTopic", "Resource": "*", "Condition": self.REQUEST_TAG})
        sns = ann("sns")
        self.refused(lambda: sns.create_topic(Name="untagged"), "AuthorizationError")
        self.refused(lambda: sns.create_topic(Name="blue", Tags=[{"Key": "team", "Value": "blue"}]),
                     "AuthorizationError")
        self.refused(lambda: sns.create_topic(Name="extra", Tags=[{"Key": "team", "Value": "red"},
                                                                 {"Key": "cost", "Value": "1"}]),
                     "AuthorizationError")
        arn = sns.create_topic(Name="red", Tags=[{"Key": "team", "Value": "red"}])["TopicArn"]
        self.assertEqual(arn, f"arn:aws:sns:us-east-1:{DEFAULT_ACCOUNT}:red")

    def test_run_instances_needs_the_request_tag(self):
        ann = self.user("ann", {"team": "red"}, {
            "Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "arn:aws:ec2:*:*:instance/*",
            "Condition": self.REQUEST_TAG}, {
            "Effect": "Allow", "Action": "ec2:RunInstances",
            "NotResource": "arn:aws:ec2:*:*:instance/*"}, {
            "Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
            "Condition": {"StringEquals": {"ec2:CreateAction": "RunInstances"}}})
        ec2 = ann("ec2")

        def run(tags):
            spec = [{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]
            return ec2.run_instances(ImageId="ami-ab939b9c031512198", MinCount=1, MaxCount=1,
                                     **({"TagSpecifications": spec} if tags else {}))

        self.refused(lambda: run({}), "UnauthorizedOperation")
        self.refused(lambda: run({"team": "blue"}), "UnauthorizedOperation")
        self.refused(lambda: run({"team": "red", "cost": "1"}), "UnauthorizedOperation")
        started = run({"team": "red"})["Instances"][0]
        self.assertEqual(started["Tags"], [{"Key": "team", "Value": "red"}])

    def test_get_object_only_when_tagged_public(self):
        s3 = self.server.client("s3", key="test", secret="test")
        s3.create_bucket(Bucket="docs")
        s3.put_object(Bucket="docs", Key="open.txt", Body=b"open", Tagging="classification=public")
        s3.put_object(Bucket="docs", Key="closed.txt", Body=b"closed", Tagging="classification=secret")
        s3.put_object(Bucket="docs", Key="plain.txt", Body=b"plain")
        ann = self.user("ann", {}, {
            "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*",
            "Condition": {"StringEquals": {"s3:ExistingObjectTag/classification": "public"}}})
        mine = ann("s3")
        self.assertEqual(mine.get_object(Bucket="docs", Key="open.txt")["Body"].read(), b"open")
        self.refused(lambda: mine.get_object(Bucket="docs", Key="closed.txt"), "AccessDenied")
        self.refused(lambda: mine.get_object(Bucket="docs", Key="plain.txt"), "AccessDenied")
        # retagging the object changes the answer
        s3.put_object_tagging(Bucket="docs", Key="closed.txt",
                              Tagging={"TagSet": [{"Key": "classification", "Value": "public"}]})
        self.assertEqual(mine.get_object(Bucket="docs", Key="closed.txt")["Body"].read(), b"closed")

    def test_iam_by_request_and_resource_tags(self):
        ann = self.user("ann", {"team": "red"}, {
            "Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*", "Condition": self.REQUEST_TAG}, {
            "Effect": "Allow", "Action": ["iam:GetUser", "iam:DeleteUser"], "Resource": "*",
            "Condition": {"StringEquals": {"iam:ResourceTag/team": "${aws:PrincipalTag/team}"}}})
        iam = ann("iam")
        with self.assertRaises(ClientError) as cm:
            iam.create_user(UserName="untagged")
        err = cm.exception.response
        self.assertEqual((err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Code"]), (403, "AccessDenied"))
        self.assertEqual(err["Error"]["Message"],
                         f"User: arn:aws:iam::{DEFAULT_ACCOUNT}:user/ann is not authorized to perform: "
                         f"iam:CreateUser on resource: arn:aws:iam::{DEFAULT_ACCOUNT}:user/untagged because no "
                         f"identity-based policy allows the iam:CreateUser action")
        made = iam.create_user(UserName="bot", Path="/bots/", Tags=[{"Key": "team", "Value": "red"}])["User"]
        self.assertEqual(made["Arn"], f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/bots/bot")
        self.assertEqual(iam.get_user(UserName="bot")["User"]["Arn"], made["Arn"])
        self.iam.create_user(UserName="other", Tags=[{"Key": "team", "Value": "blue"}])
        self.refused(lambda: iam.get_user(UserName="other"), "AccessDenied")
        self.refused(lambda: iam.delete_user(UserName="other"), "AccessDenied")
        iam.delete_user(UserName="bot")

    # ---- a request naming several resources: each check has its resource's keys ----

    def test_stop_instances_refused_for_one_blue_instance(self):
        root = self.server.client("ec2", key="test", secret="test")
        status, _ = self.server.control("POST", "/_mockaws/clock", {"mode": "virtual"})
        self.assertEqual(status, 200)

        def started(team):
            return root.run_instances(ImageId="ami-ab939b9c031512198", MinCount=1, MaxCount=1, TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": "team", "Value": team}]}])["Instances"][0]["InstanceId"]

        red, blue = started("red"), started("blue")
        self.server.control("POST", "/_mockaws/clock", {"advance_ms": 60000})  # both running
        ann = self.user("ann", {}, {
            "Effect": "Allow", "Action": "ec2:StopInstances", "Resource": "*"}, {
            "Effect": "Deny", "Action": "ec2:StopInstances", "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}})
        ec2 = ann("ec2")
        self.refused(lambda: ec2.stop_instances(InstanceIds=[red, blue]), "UnauthorizedOperation")
        self.refused(lambda: ec2.stop_instances(InstanceIds=[blue, red]), "UnauthorizedOperation")
        state = root.describe_instances(InstanceIds=[red, blue])["Reservations"]
        self.assertEqual({i["State"]["Name"] for r in state for i in r["Instances"]}, {"running"})
        stopped = ec2.stop_instances(InstanceIds=[red])["StoppingInstances"]
        self.assertEqual([i["InstanceId"] for i in stopped], [red])

    def test_batch_get_item_decided_table_by_table(self):
        root = self.red_and_blue_tables()
        ann = self.user("ann", {"team": "red"}, {
            "Effect": "Allow", "Action": "dynamodb:BatchGetItem", "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"},
                          "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}}})
        ddb = ann("dynamodb")
        key = {"owner": {"S": "ann"}, "n": {"N": "1"}}
        got = ddb.batch_get_item(RequestItems={"red-orders": {"Keys": [key]}})["Responses"]
        self.assertEqual(got, {"red-orders": [key]})
        self.refused(lambda: ddb.batch_get_item(RequestItems={"red-orders": {"Keys": [key]},
                                                              "blue-orders": {"Keys": [key]}}),
                     "AccessDeniedException")
        # another partition of the allowed table
        zed = {"owner": {"S": "zed"}, "n": {"N": "1"}}
        self.refused(lambda: ddb.batch_get_item(RequestItems={"red-orders": {"Keys": [key, zed]}}),
                     "AccessDeniedException")

    def test_transact_write_decided_item_by_item(self):
        root = self.red_and_blue_tables()
        ann = self.user("ann", {}, {
            "Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:ConditionCheckItem"], "Resource": "*"}, {
            "Effect": "Deny", "Action": "dynamodb:PutItem", "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "blue"}}})
        ddb = ann("dynamodb")

        def put(table, owner):
            return {"Put": {"TableName": table, "Item": {"owner": {"S": owner}, "n": {"N": "2"}}}}

        check = {"ConditionCheck": {"TableName": "blue-orders", "Key": {"owner": {"S": "ann"}, "n": {"N": "1"}},
                                    "ConditionExpression": "attribute_exists(#o)",
                                    "ExpressionAttributeNames": {"#o": "owner"}}}
        self.refused(lambda: ddb.transact_write_items(TransactItems=[put("red-orders", "ann"),
                                                                     put("blue-orders", "ann")]),
                     "AccessDeniedException")
        ddb.transact_write_items(TransactItems=[put("red-orders", "ann"), check])
        self.assertIn("Item", root.get_item(TableName="red-orders", Key={"owner": {"S": "ann"}, "n": {"N": "2"}}))

    def test_partiql_statement_sees_its_tables_tags(self):
        root = self.red_and_blue_tables()
        ann = self.user("ann", {"team": "red"}, {
            "Effect": "Allow", "Action": "dynamodb:PartiQLSelect", "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}})
        ddb = ann("dynamodb")
        select = "SELECT * FROM \"{}\" WHERE \"owner\" = 'ann'"
        self.assertEqual(len(ddb.execute_statement(Statement=select.format("red-orders"))["Items"]), 1)
        self.refused(lambda: ddb.execute_statement(Statement=select.format("blue-orders")), "AccessDeniedException")
