"""DynamoDB through boto3: the low-level client and the resource layer
(Table, boto3.dynamodb.conditions), waiters, every expression form, exact
numbers, errors by code and message, x-amz-crc32."""
import decimal
import json
import os
import subprocess
import zlib
from unittest import mock
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from .server import BIN, Server, ServerTestCase, fake_auth


def _code(err):
    return err.exception.response["Error"]["Code"]


def _message(err):
    return err.exception.response["Error"]["Message"]


class DynamoTestCase(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.ddb = self.server.client("dynamodb")
        self.resource = boto3.session.Session().resource(
            "dynamodb", endpoint_url=self.server.endpoint, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing")

    def clock(self, mode):
        status, _ = self.server.control("POST", "/_mockaws/clock", {"mode": mode})
        self.assertEqual(status, 200)

    def clock_real_after_first_call(self, **_):
        status, doc = self.server.control("GET", "/_mockaws/clock")
        if doc["mode"] == "virtual":
            self.clock("real")

    def advance(self, ms=5000):
        status, _ = self.server.control("POST", "/_mockaws/clock", {"advance_ms": ms})
        self.assertEqual(status, 200)

    def make_table(self, name="items", range_key=None, **extra):
        keys = [{"AttributeName": "pk", "KeyType": "HASH"}]
        defs = [{"AttributeName": "pk", "AttributeType": "S"}]
        if range_key:
            keys.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
            defs.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
        self.ddb.create_table(TableName=name, KeySchema=keys, AttributeDefinitions=defs,
                              BillingMode="PAY_PER_REQUEST", **extra)
        # the table turns ACTIVE on the server clock: jump it instead of waiting
        self.advance()
        return self.resource.Table(name)


class Tables(DynamoTestCase):
    def test_create_wait_describe_list_delete(self):
        # CREATING lasts 500 ms of server time: frozen until the waiter's first
        # poll has seen it, then real time again, however slow this machine is
        self.clock("virtual")
        resp = self.ddb.create_table(
            TableName="orders",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"},
                       {"AttributeName": "ts", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                                  {"AttributeName": "ts", "AttributeType": "N"},
                                  {"AttributeName": "cust", "AttributeType": "S"}],
            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
            GlobalSecondaryIndexes=[{
                "IndexName": "byCustomer",
                "KeySchema": [{"AttributeName": "cust", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
            Tags=[{"Key": "team", "Value": "shop"}])
        desc = resp["TableDescription"]
        self.assertEqual(desc["TableStatus"], "CREATING")
        self.assertEqual(desc["TableArn"], "arn:aws:dynamodb:us-east-1:123456789012:table/orders")
        self.assertEqual(desc["GlobalSecondaryIndexes"][0]["IndexStatus"], "CREATING")
        self.assertEqual(desc["StreamSpecification"]["StreamViewType"], "NEW_IMAGE")
        self.assertTrue(desc["LatestStreamArn"].startswith(desc["TableArn"] + "/stream/"))

        # the waiter really polls: CREATING first, then ACTIVE
        self.ddb.meta.events.register("after-call.dynamodb.DescribeTable", self.clock_real_after_first_call)
        self.ddb.get_waiter("table_exists").wait(TableName="orders",
                                                 WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
        self.ddb.meta.events.unregister("after-call.dynamodb.DescribeTable", self.clock_real_after_first_call)
        polls = self.server.journal(service="dynamodb", operation="DescribeTable")
        self.assertGreaterEqual(len(polls), 2, polls)
        table = self.ddb.describe_table(TableName="orders")["Table"]
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertEqual(table["GlobalSecondaryIndexes"][0]["IndexStatus"], "ACTIVE")
        self.assertEqual(table["ProvisionedThroughput"]["ReadCapacityUnits"], 5)
        self.assertEqual(table["ItemCount"], 0)
        self.assertEqual(len(table["TableId"]), 36)

        self.assertEqual(self.ddb.list_tables()["TableNames"], ["orders"])
        tags = self.ddb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"]
        self.assertEqual(tags, [{"Key": "team", "Value": "shop"}])

        self.assertEqual(self.ddb.delete_table(TableName="orders")["TableDescription"]["TableStatus"],
                         "DELETING")
        self.ddb.get_waiter("table_not_exists").wait(TableName="orders",
                                                     WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
        self.assertEqual(self.ddb.list_tables()["TableNames"], [])

    def test_resource_create_and_wait(self):
        table = self.resource.create_table(
            TableName="people", KeySchema=[{"AttributeName": "name", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "name", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST")
        table.meta.client.get_waiter("table_exists").wait(TableName="people",
                                                          WaiterConfig={"Delay": 0.2})
        table.reload()
        self.assertEqual(table.table_status, "ACTIVE")
        self.assertEqual(table.billing_mode_summary["BillingMode"], "PAY_PER_REQUEST")

    def test_list_tables_pages(self):
        for i in range(5):
            self.ddb.create_table(TableName=f"t{i:02d}",
                                  KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                                  AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                                  BillingMode="PAY_PER_REQUEST")
        first = self.ddb.list_tables(Limit=2)
        self.assertEqual(first["TableNames"], ["t00", "t01"])
        self.assertEqual(first["LastEvaluatedTableName"], "t01")
        names = [n for page in self.ddb.get_paginator("list_tables").paginate(
            PaginationConfig={"PageSize": 2}) for n in page["TableNames"]]
        self.assertEqual(names, [f"t{i:02d}" for i in range(5)])

    def test_table_errors(self):
        with self.assertRaises(ClientError) as e:
            self.ddb.describe_table(TableName="nope")
        self.assertEqual(_code(e), "ResourceNotFoundException")
        self.assertEqual(_message(e), "Requested resource not found: Table: nope not found")
        self.make_table("dup")
        with self.assertRaises(ClientError) as e:
            self.make_table("dup")
        self.assertEqual(_code(e), "ResourceInUseException")
        self.assertEqual(_message(e), "Table already exists: dup")
        with self.assertRaises(ClientError) as e:
            self.ddb.create_table(TableName="bad", KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
                                  AttributeDefinitions=[{"AttributeName": "b", "AttributeType": "S"}],
                                  BillingMode="PAY_PER_REQUEST")
        self.assertEqual(_code(e), "ValidationException")
        self.assertEqual(_message(e), "One or more parameter values were invalid: Some index key attributes "
                                      "are not defined in AttributeDefinitions. Keys: [a], "
                                      "AttributeDefinitions: [b]")
        with self.assertRaises(ClientError) as e:
            self.ddb.create_table(TableName="ab", KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
                                  AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}],
                                  BillingMode="PAY_PER_REQUEST")
        self.assertEqual(_message(e),
                         "TableName must be at least 3 characters long and at most 255 characters long")

    def test_update_table_and_tags(self):
        # UPDATING lasts 500 ms of server time: only advance() ends it
        self.clock("virtual")
        self.ddb.create_table(TableName="prov", KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}],
                              ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
        self.advance()
        desc = self.ddb.update_table(TableName="prov", ProvisionedThroughput={
            "ReadCapacityUnits": 3, "WriteCapacityUnits": 2})["TableDescription"]
        self.assertEqual(desc["TableStatus"], "UPDATING")
        self.assertIn("LastIncreaseDateTime", desc["ProvisionedThroughput"])
        with self.assertRaises(ClientError) as e:
            self.ddb.delete_table(TableName="prov")
        self.assertEqual(_code(e), "ResourceInUseException")
        self.advance()
        self.ddb.update_table(TableName="prov", BillingMode="PAY_PER_REQUEST")
        self.advance()
        table = self.ddb.describe_table(TableName="prov")["Table"]
        self.assertEqual(table["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual(table["ProvisionedThroughput"]["ReadCapacityUnits"], 0)
        arn = table["TableArn"]
        self.ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
        self.ddb.untag_resource(ResourceArn=arn, TagKeys=["a"])
        self.assertEqual(self.ddb.list_tags_of_resource(ResourceArn=arn)["Tags"], [{"Key": "b", "Value": "2"}])
        limits = self.ddb.describe_limits()
        self.assertEqual(limits["TableMaxWriteCapacityUnits"], 40000)
        self.assertEqual(self.ddb.describe_endpoints()["Endpoints"][0]["CachePeriodInMinutes"], 1440)


class Configuration(DynamoTestCase):
    """The server's DynamoDB settings come from its flags, or their
    environment variables, which only the CLI reads."""

    def created_status(self, server):
        ddb = server.client("dynamodb")
        status, _ = server.control("POST", "/_mockaws/clock", {"mode": "virtual"})
        self.assertEqual(status, 200)
        ddb.create_table(TableName="cfg", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        return ddb.describe_table(TableName="cfg")["Table"]["TableStatus"]

    def dump(self, server):
        server.client("dynamodb").list_tables()
        status, doc = server.control("GET", "/_mockaws/state")
        self.assertEqual(status, 200)
        return doc["namespaces"][0]["dynamodb"]

    def other_server(self, *args, env=None):
        with mock.patch.dict(os.environ, env or {}):
            server = Server(*args)
        self.addCleanup(server.stop)
        return server

    def test_default_delay_keeps_tables_creating(self):
        self.assertEqual(self.created_status(self.server), "CREATING")
        self.assertNotIn("throughput_emulation", self.dump(self.server))

    def test_delay_flag(self):
        server = self.other_server("--dynamodb-delay-ms", "0")
        self.assertEqual(self.created_status(server), "ACTIVE")
        self.assertEqual(self.dump(server)["table_delay_ms"], 0)

    def test_delay_environment_variable(self):
        server = self.other_server(env={"MOCKAWS_DYNAMODB_DELAY_MS": "0"})
        self.assertEqual(self.created_status(server), "ACTIVE")

    def test_throughput_flag_and_environment_variable(self):
        self.assertTrue(self.dump(self.other_server("--dynamodb-throughput"))["throughput_emulation"])
        server = self.other_server(env={"MOCKAWS_DYNAMODB_THROUGHPUT": "true"})
        self.assertTrue(self.dump(server)["throughput_emulation"])

    def test_bad_values_stop_the_server_with_a_message(self):
        for args, env, said in [
                (["--dynamodb-delay-ms", "soon"], {}, "--dynamodb-delay-ms: 'soon' is not a number"),
                ([], {"MOCKAWS_DYNAMODB_DELAY_MS": "-5"}, "--dynamodb-delay-ms: '-5' is not a number"),
                ([], {"MOCKAWS_DYNAMODB_THROUGHPUT": "maybe"}, "'maybe' is not 1, true, 0 or false")]:
            out = subprocess.run([BIN, "--port", "0", *args], capture_output=True, text=True, timeout=30,
                                 env={**os.environ, **env})
            self.assertEqual(out.returncode, 2, out.stderr)
            self.assertIn(said, out.stderr)


class Items(DynamoTestCase):
    def test_resource_put_get_update_delete(self):
        table = self.make_table()
        item = {"pk": "a", "num": Decimal("1.50"), "bin": b"\x00\xff", "flag": True, "nothing": None,
                "tags": {"x", "y"}, "nums": {Decimal(1), Decimal(2)}, "seq": ["s", 2, {"deep": [True]}],
                "map": {"k": "v", "n": 3}}
        table.put_item(Item=item)
        got = table.get_item(Key={"pk": "a"}, ConsistentRead=True)["Item"]
        self.assertEqual(got["num"], Decimal("1.5"))
        self.assertEqual(got["bin"].value, b"\x00\xff")
        self.assertIs(got["flag"], True)
        self.assertIsNone(got["nothing"])
        self.assertEqual(got["tags"], {"x", "y"})
        self.assertEqual(got["seq"][2]["deep"], [True])

        resp = table.update_item(
            Key={"pk": "a"},
            UpdateExpression="SET #m.k = :v, num = num + :one, seq[9] = :end, cnt = if_not_exists(cnt, :zero) "
                             "+ :one REMOVE seq[0], flag ADD tags :more DELETE nums :one_set",
            ConditionExpression=Attr("num").gt(1) & Attr("tags").contains("x"),
            ExpressionAttributeNames={"#m": "map"},
            ExpressionAttributeValues={":v": "w", ":one": 1, ":end": "last", ":zero": 0, ":more": {"z"},
                                       ":one_set": {Decimal(1)}},
            ReturnValues="ALL_NEW")["Attributes"]
        self.assertEqual(resp["map"]["k"], "w")
        self.assertEqual(resp["num"], Decimal("2.5"))
        self.assertEqual(resp["seq"], [2, {"deep": [True]}, "last"])
        self.assertEqual(resp["cnt"], 1)
        self.assertNotIn("flag", resp)
        self.assertEqual(resp["tags"], {"x", "y", "z"})
        self.assertEqual(resp["nums"], {Decimal(2)})

        old = table.update_item(Key={"pk": "a"}, UpdateExpression="SET num = :n",
                                ExpressionAttributeValues={":n": 7}, ReturnValues="UPDATED_OLD")["Attributes"]
        self.assertEqual(old, {"num": Decimal("2.5")})

        proj = table.get_item(Key={"pk": "a"}, ProjectionExpression="#m.n, seq[1].deep",
                              ExpressionAttributeNames={"#m": "map"})["Item"]
        self.assertEqual(proj, {"map": {"n": 3}, "seq": [{"deep": [True]}]})

        deleted = table.delete_item(Key={"pk": "a"}, ConditionExpression=Key("pk").eq("a"),
                                    ReturnValues="ALL_OLD")["Attributes"]
        self.assertEqual(deleted["num"], 7)
        self.assertNotIn("Item", table.get_item(Key={"pk": "a"}))

    def test_38_digit_number_survives_add(self):
        table = self.make_table()
        big = Decimal("12345678901234567890123456789012345678")
        table.put_item(Item={"pk": "n", "v": big, "f": Decimal("1.234567890123456789012345678901234567")})
        with decimal.localcontext(boto3.dynamodb.types.DYNAMODB_CONTEXT):
            out = table.update_item(Key={"pk": "n"}, UpdateExpression="ADD v :one, f :tiny",
                                    ExpressionAttributeValues={
                                        ":one": Decimal(1),
                                        ":tiny": Decimal("0.000000000000000000000000000000000001")},
                                    ReturnValues="ALL_NEW")["Attributes"]
        self.assertEqual(out["v"], Decimal("12345678901234567890123456789012345679"))
        self.assertEqual(str(out["f"]), "1.234567890123456789012345678901234568")
        # and the low-level client sees the exact string
        raw = self.ddb.get_item(TableName="items", Key={"pk": {"S": "n"}})["Item"]
        self.assertEqual(raw["v"]["N"], "12345678901234567890123456789012345679")
        with self.assertRaises(ClientError) as e:
            self.ddb.update_item(TableName="items", Key={"pk": {"S": "n"}}, UpdateExpression="ADD v :x",
                                 ExpressionAttributeValues={":x": {"N": "0.5"}})
        self.assertEqual(_message(e), "Attempting to store more than 38 significant digits in a Number")

    def test_conditional_failures(self):
        table = self.make_table()
        table.put_item(Item={"pk": "a", "v": 1})
        with self.assertRaises(ClientError) as e:
            table.put_item(Item={"pk": "a"}, ConditionExpression=Attr("pk").not_exists())
        self.assertEqual(_code(e), "ConditionalCheckFailedException")
        self.assertEqual(_message(e), "The conditional request failed")
        with self.assertRaises(self.ddb.exceptions.ConditionalCheckFailedException) as e:
            self.ddb.update_item(TableName="items", Key={"pk": {"S": "a"}}, UpdateExpression="SET v = :two",
                                 ConditionExpression="v > :two",
                                 ExpressionAttributeValues={":two": {"N": "2"}},
                                 ReturnValuesOnConditionCheckFailure="ALL_OLD")
        self.assertEqual(e.exception.response["Item"], {"pk": {"S": "a"}, "v": {"N": "1"}})
        with self.assertRaises(ClientError) as e:
            table.delete_item(Key={"pk": "a"},
                              ConditionExpression=Attr("v").between(5, 9) | Attr("v").is_in([3, 4]))
        self.assertEqual(_code(e), "ConditionalCheckFailedException")
        table.delete_item(Key={"pk": "a"}, ConditionExpression=Attr("v").lt(2) & ~Attr("w").exists()
                          & Attr("v").attribute_type("N"))

    def test_validation_messages(self):
        self.make_table("things", range_key=("sk", "N"))
        cases = [
            (dict(Item={"pk": {"S": "a"}}),
             "One or more parameter values were invalid: Missing the key sk in the item"),
            (dict(Item={"pk": {"N": "1"}, "sk": {"N": "1"}}),
             "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"),
            (dict(Item={"pk": {"S": ""}, "sk": {"N": "1"}}),
             "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
             "contain an empty string value. Key: pk"),
            (dict(Item={"pk": {"S": "a"}, "sk": {"N": "abc"}}),
             "The parameter cannot be converted to a numeric value: abc"),
            (dict(Item={"pk": {"S": "a"}, "sk": {"N": "1e126"}}),
             "Number overflow. Attempting to store a number with magnitude larger than supported range"),
            (dict(Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "s": {"SS": ["a", "a"]}}),
             "One or more parameter values were invalid: Input collection [a, a] contains duplicates."),
            (dict(Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "s": {"SS": []}}),
             "One or more parameter values were invalid: An string set  may not be empty"),
            (dict(Item={"pk": {"S": "a"}, "sk": {"N": "1"}}, ConditionExpression="attribute_exists(status)"),
             "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"),
            (dict(Item={"pk": {"S": "a"}, "sk": {"N": "1"}}, ConditionExpression="a = :x"),
             "Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
             "attribute value: :x"),
            (dict(Item={"pk": {"S": "a"}, "sk": {"N": "1"}}, ConditionExpression="a = :x",
                  ExpressionAttributeValues={":x": {"S": "1"}, ":y": {"S": "2"}}),
             "Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}"),
            (dict(Item={"pk": {"S": "a"}, "sk": {"N": "1"}}, ConditionExpression="a = = :x",
                  ExpressionAttributeValues={":x": {"S": "1"}}),
             "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"= = :x\""),
            (dict(Item={"pk": {"S": "a"}, "sk": {"N": "1"}}, ReturnValues="ALL_NEW"),
             "ReturnValues can only be ALL_OLD or NONE"),
        ]
        for params, message in cases:
            with self.subTest(message=message):
                with self.assertRaises(ClientError) as e:
                    self.ddb.put_item(TableName="things", **params)
                self.assertEqual(_code(e), "ValidationException")
                self.assertEqual(_message(e), message)
        with self.assertRaises(ClientError) as e:
            self.ddb.get_item(TableName="things", Key={"pk": {"S": "a"}})
        self.assertEqual(_message(e), "The provided key element does not match the schema")
        with self.assertRaises(ClientError) as e:
            self.ddb.update_item(TableName="things", Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
                                 UpdateExpression="SET x = :v SET y = :v",
                                 ExpressionAttributeValues={":v": {"S": "1"}})
        self.assertEqual(_message(e), 'Invalid UpdateExpression: The "SET" section can only be used once '
                                      'in an update expression;')
        with self.assertRaises(ClientError) as e:
            self.ddb.get_item(TableName="missing", Key={"pk": {"S": "a"}})
        self.assertEqual(_code(e), "ResourceNotFoundException")
        self.assertEqual(_message(e), "Requested resource not found")
        # error envelopes carry the right __type namespaces
        status, _, body = self.server.request(
            "POST", "/", json.dumps({"TableName": "things", "Key": {"pk": {"S": "a"}}}),
            {"X-Amz-Target": "DynamoDB_20120810.GetItem", "Content-Type": "application/x-amz-json-1.0",
             "Authorization": fake_auth("dynamodb")})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["__type"], "com.amazon.coral.validate#ValidationException")

    def test_item_size_limit(self):
        table = self.make_table()
        # pk "k" (2+1) + name "b" (1) + value: exactly 400 KB fits
        table.put_item(Item={"pk": "k", "b": "a" * (409600 - 4)})
        with self.assertRaises(ClientError) as e:
            table.put_item(Item={"pk": "k", "b": "a" * (409600 - 3)})
        self.assertEqual(_message(e), "Item size has exceeded the maximum allowed size")
        with self.assertRaises(ClientError) as e:
            table.update_item(Key={"pk": "k"}, UpdateExpression="SET c = :x",
                              ExpressionAttributeValues={":x": "xx"})
        self.assertEqual(_message(e), "Item size to update has exceeded the maximum allowed size")

    def test_consumed_capacity(self):
        table = self.make_table()
        out = table.put_item(Item={"pk": "a", "d": "x" * 1500}, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(out["ConsumedCapacity"], {"TableName": "items", "CapacityUnits": 2.0})
        out = table.get_item(Key={"pk": "a"}, ReturnConsumedCapacity="INDEXES")
        self.assertEqual(out["ConsumedCapacity"]["CapacityUnits"], 0.5)
        self.assertEqual(out["ConsumedCapacity"]["Table"], {"CapacityUnits": 0.5})
        out = table.get_item(Key={"pk": "a"}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(out["ConsumedCapacity"]["CapacityUnits"], 1.0)

    def test_crc32_header_verifies(self):
        self.make_table()
        for target, body in [("ListTables", {}), ("DescribeTable", {"TableName": "items"}),
                             ("GetItem", {"TableName": "items", "Key": {"pk": {"S": "zz"}}}),
                             ("DescribeTable", {"TableName": "nope"})]:
            status, headers, data = self.server.request(
                "POST", "/", json.dumps(body),
                {"X-Amz-Target": f"DynamoDB_20120810.{target}",
                 "Content-Type": "application/x-amz-json-1.0", "Authorization": fake_auth("dynamodb")})
            self.assertEqual(int(headers["x-amz-crc32"]), zlib.crc32(data), target)

    def test_fixtures_load_and_dump(self):
        status, _ = self.server.control("POST", "/_mockaws/state", {"dynamodb": {"tables": [{
            "TableName": "seeded", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
            "items": [{"id": {"S": "one"}, "b": {"B": "AAE="}}, {"id": {"S": "two"}}]}]}})
        self.assertEqual(status, 200)
        table = self.resource.Table("seeded")
        self.assertEqual(table.table_status, "ACTIVE")  # fixtures load ACTIVE
        self.assertEqual(table.get_item(Key={"id": "one"})["Item"]["b"].value, b"\x00\x01")
        status, doc = self.server.control("GET", "/_mockaws/state")
        [ns] = [n for n in doc["namespaces"] if "dynamodb" in n]
        [dumped] = ns["dynamodb"]["tables"]
        self.assertEqual(dumped["TableName"], "seeded")
        self.assertEqual(sorted(i["id"]["S"] for i in dumped["items"]), ["one", "two"])
