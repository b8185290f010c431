"""DynamoDB's real bugs of issue 14 through boto3: list indexes past the end,
binary keys in batches, size() in UTF-16 code units, UpdateTable's old throughput
while UPDATING and its check order, the LSI fetch charge, TTL as AWS does it
(expired items stay until the sweeper comes; its setting and its record) and the
point-in-time recovery settings infrastructure tools read."""
import os
import subprocess
from unittest import mock

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from .server import BIN, Server, ServerTestCase


def _code(err):
    return err.exception.response["Error"]["Code"]


def _message(err):
    return err.exception.response["Error"]["Message"]


def table_def(name, key_type="S", **extra):
    return {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": key_type}], **extra}


class Fixes(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.ddb = self.server.client("dynamodb")

    def load(self, doc):
        status, body = self.server.control("POST", "/_mockaws/state", doc)
        self.assertEqual(status, 200, body)

    def clock(self, **body):
        status, doc = self.server.control("POST", "/_mockaws/clock", body)
        self.assertEqual(status, 200, doc)
        return doc

    def test_list_indexes_past_the_end_append_in_index_order(self):
        self.load({"dynamodb": {"tables": [table_def("lists")]}})
        key = {"pk": {"S": "a"}}
        self.ddb.put_item(TableName="lists", Item={**key, "c": {"L": [{"N": "1"}, {"N": "3"}]}})
        self.ddb.update_item(TableName="lists", Key=key, UpdateExpression="SET c[4] = :x, c[2] = :y",
                             ExpressionAttributeValues={":x": {"S": "x"}, ":y": {"S": "y"}})
        got = self.ddb.get_item(TableName="lists", Key=key)["Item"]["c"]["L"]
        self.assertEqual(got, [{"N": "1"}, {"N": "3"}, {"S": "y"}, {"S": "x"}])
        self.ddb.update_item(TableName="lists", Key=key, UpdateExpression="ADD c[8] :ss, c[6] :n",
                             ExpressionAttributeValues={":ss": {"SS": ["s"]}, ":n": {"N": "5"}})
        got = self.ddb.get_item(TableName="lists", Key=key)["Item"]["c"]["L"]
        self.assertEqual(got[4:], [{"N": "5"}, {"SS": ["s"]}])
        # removals go by the indexes as they were
        self.ddb.update_item(TableName="lists", Key=key, UpdateExpression="REMOVE c[0], c[2], c[5]")
        got = self.ddb.get_item(TableName="lists", Key=key)["Item"]["c"]["L"]
        self.assertEqual(got, [{"N": "3"}, {"S": "x"}, {"N": "5"}])

    def test_size_counts_utf16_code_units(self):
        self.load({"dynamodb": {"tables": [table_def("sizes")]}})
        self.ddb.put_item(TableName="sizes", Item={"pk": {"S": "a"}, "s": {"S": "\u00e9\U0001d11e"}})
        # two code units for U+1D11E: 3, where UTF-8 has 6 bytes
        self.ddb.update_item(TableName="sizes", Key={"pk": {"S": "a"}}, UpdateExpression="SET ok = :t",
                             ConditionExpression="size(s) = :three",
                             ExpressionAttributeValues={":three": {"N": "3"}, ":t": {"BOOL": True}})
        self.assertTrue(self.ddb.get_item(TableName="sizes", Key={"pk": {"S": "a"}})["Item"]["ok"]["BOOL"])

    def test_distinct_binary_keys_are_not_duplicates(self):
        self.load({"dynamodb": {"tables": [table_def("bins", "B")]}})
        keys = [b"\x80", b"\xff", b"\x00a", b"\x00b"]
        self.ddb.batch_write_item(RequestItems={"bins": [
            {"PutRequest": {"Item": {"pk": {"B": k}}}} for k in keys]})
        got = self.ddb.batch_get_item(RequestItems={"bins": {"Keys": [{"pk": {"B": k}} for k in keys]}})
        self.assertEqual(sorted(i["pk"]["B"] for i in got["Responses"]["bins"]), sorted(keys))
        with self.assertRaises(ClientError) as err:
            self.ddb.batch_get_item(RequestItems={"bins": {"Keys": [{"pk": {"B": b"\x80"}}, {"pk": {"B": b"\x80"}}]}})
        self.assertEqual(_message(err), "Provided list of item keys contains duplicates")

    def test_update_table_shows_the_old_throughput_while_updating(self):
        self.load({"dynamodb": {"tables": [{
            "TableName": "prov", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}]}})
        self.clock(mode="virtual")
        out = self.ddb.update_table(TableName="prov", ProvisionedThroughput={
            "ReadCapacityUnits": 9, "WriteCapacityUnits": 8})["TableDescription"]
        self.assertEqual(out["TableStatus"], "UPDATING")
        self.assertEqual(out["ProvisionedThroughput"]["ReadCapacityUnits"], 5)
        self.clock(advance_ms=5000)
        table = self.ddb.describe_table(TableName="prov")["Table"]
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertEqual((table["ProvisionedThroughput"]["ReadCapacityUnits"],
                          table["ProvisionedThroughput"]["WriteCapacityUnits"]), (9, 8))
        with self.assertRaises(ClientError) as err:
            self.ddb.update_table(TableName="prov", GlobalSecondaryIndexUpdates=[
                {"Delete": {"IndexName": "nope1"}}, {"Delete": {"IndexName": "nope2"}}])
        self.assertEqual(_code(err), "LimitExceededException")
        self.assertEqual(_message(err), "Subscriber limit exceeded: Only 1 online index can be created or "
                                        "deleted simultaneously per table")

    def test_lsi_fetch_is_charged_to_the_table(self):
        self.load({"dynamodb": {"tables": [{
            "TableName": "lsi", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "sk", "AttributeType": "N"},
                                     {"AttributeName": "when", "AttributeType": "N"}],
            "LocalSecondaryIndexes": [{"IndexName": "byWhen", "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "when", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}}]}]}})
        for i in range(3):
            self.ddb.put_item(TableName="lsi", Item={"pk": {"S": "p"}, "sk": {"N": str(i)},
                                                     "when": {"N": str(i)}, "body": {"S": "x" * 5000}})
        out = self.ddb.query(TableName="lsi", IndexName="byWhen", KeyConditionExpression="pk = :p",
                             ExpressionAttributeValues={":p": {"S": "p"}}, Select="ALL_ATTRIBUTES",
                             ConsistentRead=True, ReturnConsumedCapacity="INDEXES")
        self.assertEqual(out["Count"], 3)
        # each fetched item is 5 KB: two units each; the index read, one
        cc = out["ConsumedCapacity"]
        self.assertEqual(cc["Table"]["CapacityUnits"], 6.0)
        self.assertEqual(cc["LocalSecondaryIndexes"]["byWhen"]["CapacityUnits"], 1.0)
        self.assertEqual(cc["CapacityUnits"], 7.0)

    def test_expired_items_stay_until_the_sweeper_deletes_them(self):
        self.load({"dynamodb": {"tables": [table_def("sessions", TimeToLiveSpecification={
            "AttributeName": "exp", "Enabled": True})]}})
        now = self.clock(mode="virtual")["now_ms"] // 1000
        self.ddb.put_item(TableName="sessions", Item={"pk": {"S": "old"}, "exp": {"N": str(now - 1)}})
        self.ddb.put_item(TableName="sessions", Item={"pk": {"S": "new"}, "exp": {"N": str(now + 3600)}})
        # expired, and still read, scanned and counted: code must filter on the attribute
        self.assertIn("Item", self.ddb.get_item(TableName="sessions", Key={"pk": {"S": "old"}}))
        self.assertEqual(self.ddb.scan(TableName="sessions")["Count"], 2)
        self.clock(advance_ms=5000)
        self.assertNotIn("Item", self.ddb.get_item(TableName="sessions", Key={"pk": {"S": "old"}}))
        self.assertEqual(self.ddb.scan(TableName="sessions")["Count"], 1)
        status, doc = self.server.control("GET", "/_mockaws/dynamodb/ttl-deletions", query={"table": "sessions"})
        self.assertEqual(status, 200, doc)
        self.assertEqual(len(doc["deletions"]), 1)
        record = doc["deletions"][0]
        self.assertEqual(record["eventName"], "REMOVE")
        self.assertEqual(record["userIdentity"], {"type": "Service", "principalId": "dynamodb.amazonaws.com"})
        self.assertEqual(record["dynamodb"]["Keys"], {"pk": {"S": "old"}})
        self.assertEqual(record["awsRegion"], "us-east-1")

    def test_point_in_time_recovery_settings(self):
        self.load({"dynamodb": {"tables": [table_def("pitr")]}})
        desc = self.ddb.describe_continuous_backups(TableName="pitr")["ContinuousBackupsDescription"]
        self.assertEqual(desc, {"ContinuousBackupsStatus": "ENABLED",
                                "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}})
        out = self.ddb.update_continuous_backups(TableName="pitr", PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 14})["ContinuousBackupsDescription"]
        p = out["PointInTimeRecoveryDescription"]
        self.assertEqual(p["PointInTimeRecoveryStatus"], "ENABLED")
        self.assertEqual(p["RecoveryPeriodInDays"], 14)
        self.assertLessEqual(p["EarliestRestorableDateTime"], p["LatestRestorableDateTime"])
        with self.assertRaises(ClientError) as err:
            self.ddb.describe_continuous_backups(TableName="nosuch")
        self.assertEqual(_code(err), "TableNotFoundException")
        self.assertEqual(_message(err), "Table not found: nosuch")
        self.assertEqual(err.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)


class TtlDelaySetting(ServerTestCase):
    def other_server(self, *args, env=None):
        with mock.patch.dict(os.environ, env or {}):
            server = Server(*args)
        self.addCleanup(server.stop)
        return server

    def dump(self, server):
        # a region's state exists once it is first called
        server.client("dynamodb").list_tables()
        status, doc = server.control("GET", "/_mockaws/state")
        self.assertEqual(status, 200)
        # a namespace with nothing to keep is left out of the dump
        return doc["namespaces"][0]["dynamodb"] if doc["namespaces"] else {}

    def test_flag_and_environment_variable(self):
        self.assertNotIn("ttl_delay_ms", self.dump(self.server))
        self.assertEqual(self.dump(self.other_server("--dynamodb-ttl-delay-ms", "0"))["ttl_delay_ms"], 0)
        server = self.other_server(env={"MOCKAWS_DYNAMODB_TTL_DELAY_MS": "60000"})
        self.assertEqual(self.dump(server)["ttl_delay_ms"], 60000)

    def test_bad_value_stops_the_server_with_a_message(self):
        out = subprocess.run([BIN, "--port", "0", "--dynamodb-ttl-delay-ms", "later"], capture_output=True,
                             text=True, timeout=30)
        self.assertEqual(out.returncode, 2, out.stderr)
        self.assertIn("--dynamodb-ttl-delay-ms: 'later' is not a number", out.stderr)
