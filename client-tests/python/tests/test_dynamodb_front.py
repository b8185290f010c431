"""DynamoDB's front end and its words, as boto3 and raw HTTP see them:
SerializationException under "Message" (and bare for what is not JSON),
booleans written as words, canonical base64, a NUL inside a string, the
52-character request id, bare UnknownOperationException, DeleteTable's and
CreateTable's answers, and ValidationException wording (docs/AWS-FACTS.md,
"DynamoDB front end and wording")."""
import json
import re

from botocore.exceptions import ClientError

from .server import fake_auth
from .test_dynamodb import DynamoTestCase, _code, _message


class FrontEnd(DynamoTestCase):
    def raw(self, target, body):
        """(status, headers, parsed body) of a request boto3 would not send."""
        if not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        status, headers, data = self.server.request(
            "POST", "/", body,
            {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.0",
             "Authorization": fake_auth("dynamodb")})
        return status, headers, json.loads(data)

    def assert_serialization(self, op, body, message):
        status, _, doc = self.raw(f"DynamoDB_20120810.{op}", body)
        self.assertEqual(status, 400, body)
        self.assertEqual(doc, {"__type": "com.amazon.coral.service#SerializationException",
                               "Message": message}, body)

    def test_bodies_that_are_not_input_get_the_bare_exception(self):
        for body in ["", "hi", "{\"Limit\": 1", "  "]:
            status, _, doc = self.raw("DynamoDB_20120810.ListTables", body)
            self.assertEqual(status, 400, repr(body))
            self.assertEqual(doc, {"__type": "com.amazon.coral.service#SerializationException"},
                             repr(body))
        for target in ["DynamoDB_20120810.ListTable", "whatever"]:
            status, _, doc = self.raw(target, {})
            self.assertEqual(status, 400)
            self.assertEqual(doc, {"__type": "com.amazon.coral.service#UnknownOperationException"})

    def test_request_id_is_52_characters(self):
        _, headers, _ = self.raw("DynamoDB_20120810.ListTables", {})
        self.assertRegex(headers["x-amzn-requestid"], r"^[0-9A-Z]{52}$")
        meta = self.ddb.list_tables()["ResponseMetadata"]
        self.assertRegex(meta["RequestId"], r"^[0-9A-Z]{52}$")

    def test_serialization_words(self):
        self.make_table()
        cases = [
            ("GetItem", {"TableName": 5}, "NUMBER_VALUE cannot be converted to String"),
            ("GetItem", {"TableName": 5.5}, "DECIMAL_VALUE cannot be converted to String"),
            ("GetItem", {"TableName": True}, "TRUE_VALUE cannot be converted to String"),
            ("GetItem", {"TableName": {}}, "Start of structure or map found where not expected"),
            ("GetItem", {"TableName": "items", "ConsistentRead": "maybe"},
             "Unexpected token received from parser"),
            ("GetItem", {"TableName": "items", "ConsistentRead": 2},
             "NUMBER_VALUE cannot be converted to Boolean"),
            ("GetItem", {"TableName": "items", "Key": "x"}, "Unexpected field type"),
            ("GetItem", {"TableName": "items", "Key": {"pk": "x"}}, "Unexpected value type in payload"),
            ("ListTables", {"Limit": "5"}, "STRING_VALUE cannot be converted to Integer"),
            ("PutItem", {"TableName": "items", "Item": {"pk": {"S": "a"}, "b": {"B": "+/+="}}},
             "Invalid last non-pad Base64 character dectected"),
            ("PutItem", {"TableName": "items", "Item": {"pk": {"S": "a"}, "b": {"B": "23456"}}},
             "Base64 encoded length is expected a multiple of 4 bytes but found: 5"),
            ("PutItem", {"TableName": "items", "Item": {"pk": {"S": "a"}, "b": {"BOOL": 1}}},
             "NUMBER_VALUE cannot be converted to Boolean"),
        ]
        for op, body, message in cases:
            self.assert_serialization(op, body, message)
        self.assertEqual(self.ddb.scan(TableName="items")["Count"], 0)

    def test_booleans_as_words(self):
        self.make_table()
        status, _, doc = self.raw("DynamoDB_20120810.PutItem", {
            "TableName": "items",
            "Item": {"pk": {"S": "a"}, "t": {"BOOL": "yes"}, "f": {"BOOL": "FALSE"}, "n": {"NULL": "1"}}})
        self.assertEqual((status, doc), (200, {}))
        status, _, doc = self.raw("DynamoDB_20120810.GetItem", {
            "TableName": "items", "Key": {"pk": {"S": "a"}}, "ConsistentRead": "true"})
        self.assertEqual(status, 200)
        self.assertEqual(doc["Item"], {"pk": {"S": "a"}, "t": {"BOOL": True}, "f": {"BOOL": False},
                                       "n": {"NULL": True}})
        status, _, doc = self.raw("DynamoDB_20120810.PutItem", {
            "TableName": "items", "Item": {"pk": {"S": "b"}, "n": {"NULL": "no"}}})
        self.assertEqual(status, 400)
        self.assertEqual(doc["message"], "One or more parameter values were invalid: Null attribute "
                                         "value types must have the value of true")

    def test_nul_inside_a_string_is_stored(self):
        self.make_table()
        self.ddb.put_item(TableName="items", Item={"pk": {"S": "abc\u0000"}, "v": {"S": "\u0000x"},
                                                   "ss": {"SS": ["\u0000", "\u0000\u0000"]}})
        self.ddb.put_item(TableName="items", Item={"pk": {"S": "abc"}, "v": {"S": "plain"}})
        item = self.ddb.get_item(TableName="items", Key={"pk": {"S": "abc\u0000"}})["Item"]
        self.assertEqual(item["pk"], {"S": "abc\u0000"})
        self.assertEqual(item["v"], {"S": "\u0000x"})
        self.assertEqual(sorted(item["ss"]["SS"]), ["\u0000", "\u0000\u0000"])
        self.assertEqual(self.ddb.get_item(TableName="items", Key={"pk": {"S": "abc"}})["Item"]["v"],
                         {"S": "plain"})
        out = self.ddb.scan(TableName="items", FilterExpression="v = :v",
                            ExpressionAttributeValues={":v": {"S": "\u0000x"}})
        self.assertEqual(out["Count"], 1)

    def test_table_answers(self):
        out = self.ddb.create_table(
            TableName="items", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "g", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            GlobalSecondaryIndexes=[{"IndexName": "by_g",
                                     "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "ALL"}}])["TableDescription"]
        self.assertEqual(out["BillingModeSummary"], {"BillingMode": "PAY_PER_REQUEST"})
        self.assertNotIn("Backfilling", out["GlobalSecondaryIndexes"][0])
        self.advance()
        desc = self.ddb.describe_table(TableName="items")["Table"]
        self.assertIn("LastUpdateToPayPerRequestDateTime", desc["BillingModeSummary"])
        out = self.ddb.delete_table(TableName="items")["TableDescription"]
        self.assertEqual(out["TableStatus"], "DELETING")
        for kept in ["TableName", "TableId", "TableArn", "BillingModeSummary", "ProvisionedThroughput",
                     "TableSizeBytes", "ItemCount"]:
            self.assertIn(kept, out)
        for gone in ["AttributeDefinitions", "KeySchema", "CreationDateTime", "GlobalSecondaryIndexes",
                     "LocalSecondaryIndexes"]:
            self.assertNotIn(gone, out)

    def test_validation_words(self):
        self.make_table()
        requests = [{"PutRequest": {"Item": {"pk": {"S": str(i)}}}} for i in range(26)]
        with self.assertRaises(ClientError) as err:
            self.ddb.batch_write_item(RequestItems={"items": requests})
        self.assertEqual(_code(err), "ValidationException")
        self.assertRegex(_message(err), re.escape("1 validation error detected: Value '{items=[") + ".*" +
                         re.escape("]}' at 'requestItems' failed to satisfy constraint: Map value must "
                                   "satisfy constraint: [Member must have length less than or equal to "
                                   "25, Member must have length greater than or equal to 1]") + "$")

        status, _, doc = self.raw("DynamoDB_20120810.Query", {
            "TableName": "abc;", "ReturnConsumedCapacity": "hi", "AttributesToGet": [],
            "IndexName": "abc;", "Select": "hi", "Limit": -1,
            "KeyConditions": {"a": {}, "b": {"ComparisonOperator": ""}}, "ConditionalOperator": "AN",
            "QueryFilter": {"a": {}, "b": {"ComparisonOperator": ""}}})
        self.assertEqual(status, 400)
        self.assertTrue(doc["message"].startswith("10 validation errors detected: "), doc)
        self.assertEqual(doc["message"].count(" failed to satisfy constraint: "), 10)

        self.ddb.put_item(TableName="items", Item={"pk": {"S": "a"}, "b": {"SS": ["1"]}})
        with self.assertRaises(ClientError) as err:
            self.ddb.update_item(TableName="items", Key={"pk": {"S": "a"}},
                                 AttributeUpdates={"b": {"Action": "ADD", "Value": {"NS": ["1"]}}})
        self.assertEqual(_message(err), "Type mismatch for attribute to update")

        with self.assertRaises(ClientError) as err:
            self.ddb.scan(TableName="items", FilterExpression="pk = pk and pk > ((#v))",
                          ExpressionAttributeNames={"#v": "v"})
        self.assertEqual(_message(err), "Invalid FilterExpression: The expression has redundant parentheses;")
