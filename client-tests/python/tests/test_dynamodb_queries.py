"""DynamoDB reads, batches and transactions through boto3 (issue 6): the query and scan
paginators, parallel scans, secondary indexes, the resource layer's batch_writer and
batch_get_item retry loops over Unprocessed*, transactions with their cancellation
reasons and idempotency, time to live on the server clock, and throughput emulation under
the SDK's retry modes."""
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from .server import ServerTestCase


def _code(err):
    return err.exception.response["Error"]["Code"]


def _message(err):
    return err.exception.response["Error"]["Message"]


ORDERS = {
    "TableName": "orders",
    "KeySchema": [{"AttributeName": "cust", "KeyType": "HASH"},
                  {"AttributeName": "id", "KeyType": "RANGE"}],
    "AttributeDefinitions": [{"AttributeName": "cust", "AttributeType": "S"},
                             {"AttributeName": "id", "AttributeType": "N"},
                             {"AttributeName": "status", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "GlobalSecondaryIndexes": [{
        "IndexName": "byStatus",
        "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"},
                      {"AttributeName": "id", "KeyType": "RANGE"}],
        "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]}}],
}


class DynamoCase(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.ddb = self.server.client("dynamodb")
        self.resource = boto3.session.Session().resource(
            "dynamodb", endpoint_url=self.server.endpoint, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing")

    def load(self, doc):
        status, body = self.server.control("POST", "/_mockaws/state", doc)
        self.assertEqual(status, 200, body)

    def fault(self, rule):
        status, body = self.server.control("POST", "/_mockaws/faults", rule)
        self.assertEqual(status, 200, body)

    def clock(self, **body):
        status, doc = self.server.control("POST", "/_mockaws/clock", body)
        self.assertEqual(status, 200, doc)
        return doc

    def orders(self, n=50):
        self.load({"dynamodb": {"tables": [ORDERS]}})
        table = self.resource.Table("orders")
        with table.batch_writer() as batch:
            for i in range(n):
                item = {"cust": "ann" if i % 2 else "bob", "id": i, "total": Decimal(i) / 4,
                        "note": f"order {i}"}
                if i % 5:
                    item["status"] = "open" if i % 3 else "shut"
                batch.put_item(Item=item)
        return table


class QueryAndScan(DynamoCase):
    def test_query_paginator_walks_every_page_in_order(self):
        self.orders(200)
        pages = list(self.ddb.get_paginator("query").paginate(
            TableName="orders", KeyConditionExpression="cust = :c AND id BETWEEN :a AND :b",
            ExpressionAttributeValues={":c": {"S": "ann"}, ":a": {"N": "10"}, ":b": {"N": "150"}},
            PaginationConfig={"PageSize": 9}))
        ids = [int(i["id"]["N"]) for p in pages for i in p["Items"]]
        self.assertEqual(ids, list(range(11, 151, 2)))
        self.assertEqual(len(pages), 8)
        self.assertTrue(all("LastEvaluatedKey" in p for p in pages[:-1]))
        # backwards, through the paginator's build_full_result
        full = self.ddb.get_paginator("query").paginate(
            TableName="orders", KeyConditionExpression="cust = :c",
            ExpressionAttributeValues={":c": {"S": "bob"}}, ScanIndexForward=False,
            PaginationConfig={"PageSize": 7}).build_full_result()
        self.assertEqual([int(i["id"]["N"]) for i in full["Items"]], list(range(198, -1, -2)))
        self.assertEqual(full["Count"], 100)

    def test_resource_query_with_conditions_filters_and_projections(self):
        table = self.orders(60)
        resp = table.query(KeyConditionExpression=Key("cust").eq("ann") & Key("id").lt(20),
                           FilterExpression=Attr("total").gte(2), ProjectionExpression="id, #t",
                           ExpressionAttributeNames={"#t": "total"})
        self.assertEqual([i["id"] for i in resp["Items"]], [9, 11, 13, 15, 17, 19])
        self.assertEqual(resp["ScannedCount"], 10)
        self.assertEqual(set(resp["Items"][0]), {"id", "total"})
        resp = table.query(KeyConditionExpression=Key("cust").eq("bob"), Select="COUNT")
        self.assertEqual(resp["Count"], 30)
        self.assertNotIn("Items", resp)
        # the resource layer's own paging loop over LastEvaluatedKey
        seen, kwargs = [], {"KeyConditionExpression": Key("cust").eq("bob"), "Limit": 8}
        while True:
            resp = table.query(**kwargs)
            seen += [i["id"] for i in resp["Items"]]
            if "LastEvaluatedKey" not in resp:
                break
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        self.assertEqual(seen, list(range(0, 60, 2)))

    def test_scan_paginator_and_parallel_segments(self):
        self.load({"dynamodb": {"tables": [{
            "TableName": "wide", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "generate": {"count": 500, "size": 20}}]}})
        pages = list(self.ddb.get_paginator("scan").paginate(
            TableName="wide", PaginationConfig={"PageSize": 60}))
        ids = [i["id"]["S"] for p in pages for i in p["Items"]]
        self.assertEqual(len(ids), 500)
        self.assertEqual(len(set(ids)), 500)
        segments = []
        for seg in range(5):
            segments.append({i["id"]["S"]
                             for p in self.ddb.get_paginator("scan").paginate(
                                 TableName="wide", Segment=seg, TotalSegments=5,
                                 PaginationConfig={"PageSize": 33})
                             for i in p["Items"]})
        self.assertEqual(sum(len(s) for s in segments), 500)
        self.assertEqual(set().union(*segments), set(ids))
        self.assertTrue(all(len(s) > 0 for s in segments))

    def test_secondary_index_queries_and_counts(self):
        table = self.orders(40)
        resp = table.query(IndexName="byStatus", KeyConditionExpression=Key("status").eq("shut"))
        self.assertEqual([i["id"] for i in resp["Items"]], [3, 6, 9, 12, 18, 21, 24, 27, 33, 36, 39])
        # INCLUDE: keys and total, not note
        self.assertEqual(set(resp["Items"][0]), {"cust", "id", "status", "total"})
        resp = table.query(IndexName="byStatus", KeyConditionExpression=Key("status").eq("open"),
                           Limit=3)
        self.assertEqual(set(resp["LastEvaluatedKey"]), {"cust", "id", "status"})
        table.update_item(Key={"cust": "ann", "id": 3}, UpdateExpression="REMOVE #s",
                          ExpressionAttributeNames={"#s": "status"})
        resp = table.query(IndexName="byStatus", KeyConditionExpression=Key("status").eq("shut"))
        self.assertNotIn(3, [i["id"] for i in resp["Items"]])
        desc = self.ddb.describe_table(TableName="orders")["Table"]
        self.assertEqual(desc["GlobalSecondaryIndexes"][0]["ItemCount"], 31)
        self.assertGreater(desc["GlobalSecondaryIndexes"][0]["IndexSizeBytes"], 0)
        with self.assertRaises(ClientError) as err:
            table.query(IndexName="byStatus", KeyConditionExpression=Key("status").eq("open"),
                        ConsistentRead=True)
        self.assertEqual(_message(err), "Consistent reads are not supported on global secondary indexes")
        with self.assertRaises(ClientError) as err:
            table.query(KeyConditionExpression=Key("cust").eq("ann") | Key("id").eq(1))
        self.assertEqual(_code(err), "ValidationException")
        self.assertEqual(_message(err), "Invalid operator used in KeyConditionExpression: OR")

    def test_legacy_parameters(self):
        self.orders(20)
        resp = self.ddb.query(TableName="orders", KeyConditions={
            "cust": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "bob"}]},
            "id": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "10"}]}},
            QueryFilter={"status": {"ComparisonOperator": "NOT_NULL"}},
            AttributesToGet=["id"])
        self.assertEqual([i["id"]["N"] for i in resp["Items"]], ["12", "14", "16", "18"])
        with self.assertRaises(ClientError) as err:
            self.ddb.scan(TableName="orders", ScanFilter={"id": {"ComparisonOperator": "NULL"}},
                          ProjectionExpression="id")
        self.assertIn("Can not use both expression and non-expression parameters", _message(err))


class Batches(DynamoCase):
    def test_batch_writer_resends_unprocessed_items(self):
        self.load({"dynamodb": {"tables": [ORDERS]}})
        self.fault({"service": "dynamodb", "operation": "BatchWriteItem", "unprocessed": 0.5})
        table = self.resource.Table("orders")
        with table.batch_writer() as batch:
            for i in range(100):
                batch.put_item(Item={"cust": "c", "id": i})
        self.assertEqual(table.scan(Select="COUNT")["Count"], 100)
        calls = self.server.journal(service="dynamodb", operation="BatchWriteItem")
        self.assertGreater(len(calls), 4)
        self.assertTrue(all(c["fault"] for c in calls))

    def test_batch_get_item_retry_loop_over_unprocessed_keys(self):
        self.orders(30)
        self.fault({"service": "dynamodb", "operation": "BatchGetItem", "unprocessed": 0.5})
        request = {"orders": {"Keys": [{"cust": "bob" if i % 2 == 0 else "ann", "id": i}
                                       for i in range(30)],
                              "ProjectionExpression": "id"}}
        got, rounds = [], 0
        while request and rounds < 20:
            resp = self.resource.batch_get_item(RequestItems=request)
            got += [i["id"] for i in resp["Responses"]["orders"]]
            request = resp["UnprocessedKeys"]
            rounds += 1
            if request:
                # the keys come back with how to read them
                self.assertEqual(request["orders"]["ProjectionExpression"], "id")
        self.assertEqual(sorted(got), list(range(30)))
        self.assertGreater(rounds, 2)
        with self.assertRaises(ClientError) as err:
            self.ddb.batch_get_item(RequestItems={"orders": {"Keys": [
                {"cust": {"S": "a"}, "id": {"N": "1"}}, {"cust": {"S": "a"}, "id": {"N": "1"}}]}})
        self.assertEqual(_message(err), "Provided list of item keys contains duplicates")

    def test_batch_write_limits(self):
        self.load({"dynamodb": {"tables": [ORDERS]}})
        with self.assertRaises(ClientError) as err:
            self.ddb.batch_write_item(RequestItems={"orders": [
                {"PutRequest": {"Item": {"cust": {"S": "a"}, "id": {"N": "1"}}}},
                {"DeleteRequest": {"Key": {"cust": {"S": "a"}, "id": {"N": "1"}}}}]})
        self.assertEqual(_message(err), "Provided list of item keys contains duplicates")
        with self.assertRaises(ClientError) as err:
            self.ddb.batch_write_item(RequestItems={"orders": [
                {"PutRequest": {"Item": {"cust": {"S": "a"}, "id": {"N": str(i)}}}} for i in range(26)]})
        self.assertEqual(_code(err), "ValidationException")


class Transactions(DynamoCase):
    def setUp(self):
        super().setUp()
        self.load({"dynamodb": {"tables": [{
            "TableName": "accounts", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "items": [{"id": {"S": "alice"}, "balance": {"N": "100"}},
                      {"id": {"S": "bob"}, "balance": {"N": "5"}}]}]}})

    def transfer(self, src, dst, amount, **extra):
        return self.ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": "accounts", "Key": {"id": {"S": src}},
                        "UpdateExpression": "SET balance = balance - :a",
                        "ConditionExpression": "balance >= :a",
                        "ExpressionAttributeValues": {":a": {"N": str(amount)}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Update": {"TableName": "accounts", "Key": {"id": {"S": dst}},
                        "UpdateExpression": "SET balance = balance + :a",
                        "ExpressionAttributeValues": {":a": {"N": str(amount)}}}}], **extra)

    def balances(self):
        table = self.resource.Table("accounts")
        return [table.get_item(Key={"id": n})["Item"]["balance"] for n in ("alice", "bob")]

    def test_all_or_nothing_with_cancellation_reasons(self):
        self.transfer("alice", "bob", 30)
        self.assertEqual(self.balances(), [70, 35])
        with self.assertRaises(ClientError) as err:
            self.transfer("bob", "alice", 50)
        self.assertEqual(_code(err), "TransactionCanceledException")
        self.assertEqual(_message(err), "Transaction cancelled, please refer cancellation reasons "
                                        "for specific reasons [ConditionalCheckFailed, None]")
        reasons = err.exception.response["CancellationReasons"]
        self.assertEqual([r["Code"] for r in reasons], ["ConditionalCheckFailed", "None"])
        self.assertEqual(reasons[0]["Item"]["balance"], {"N": "35"})
        self.assertEqual(self.balances(), [70, 35])
        # the modeled exception class carries the same
        with self.assertRaises(self.ddb.exceptions.TransactionCanceledException):
            self.transfer("bob", "alice", 50)

    def test_client_request_token_is_idempotent(self):
        self.transfer("alice", "bob", 10, ClientRequestToken="t-1")
        self.transfer("alice", "bob", 10, ClientRequestToken="t-1")
        self.assertEqual(self.balances(), [90, 15])
        with self.assertRaises(ClientError) as err:
            self.transfer("alice", "bob", 11, ClientRequestToken="t-1")
        self.assertEqual(_code(err), "IdempotentParameterMismatchException")
        # boto3 fills in a fresh token itself: two calls, two transfers
        self.transfer("alice", "bob", 10)
        self.transfer("alice", "bob", 10)
        self.assertEqual(self.balances(), [70, 35])

    def test_transaction_conflict_fault_and_transact_get(self):
        self.fault({"service": "dynamodb", "operation": "TransactWriteItems",
                    "transaction_conflict": 1.0, "times": 1})
        with self.assertRaises(ClientError) as err:
            self.transfer("alice", "bob", 1)
        reasons = err.exception.response["CancellationReasons"]
        self.assertEqual([r["Code"] for r in reasons], ["TransactionConflict"] * 2)
        self.transfer("alice", "bob", 1)
        resp = self.ddb.transact_get_items(TransactItems=[
            {"Get": {"TableName": "accounts", "Key": {"id": {"S": "alice"}}}},
            {"Get": {"TableName": "accounts", "Key": {"id": {"S": "nobody"}}}},
            {"Get": {"TableName": "accounts", "Key": {"id": {"S": "bob"}},
                     "ProjectionExpression": "balance"}}])
        self.assertEqual(resp["Responses"][0]["Item"]["balance"], {"N": "99"})
        self.assertEqual(resp["Responses"][1], {})
        self.assertEqual(resp["Responses"][2]["Item"], {"balance": {"N": "6"}})
        with self.assertRaises(ClientError) as err:
            self.ddb.transact_write_items(TransactItems=[
                {"Put": {"TableName": "accounts", "Item": {"id": {"S": "x"}}}},
                {"Delete": {"TableName": "accounts", "Key": {"id": {"S": "x"}}}}])
        self.assertEqual(_message(err), "Transaction request cannot include multiple operations on one item")


class TimeAndThroughput(DynamoCase):
    def test_expired_items_disappear_on_the_server_clock(self):
        table = self.orders(4)
        now = self.clock(mode="virtual")["now_ms"] // 1000  # the server's time, not this machine's
        self.ddb.update_time_to_live(TableName="orders", TimeToLiveSpecification={
            "Enabled": True, "AttributeName": "expires"})
        table.put_item(Item={"cust": "ttl", "id": 1, "expires": now + 60})
        table.put_item(Item={"cust": "ttl", "id": 2, "expires": now + 3600})
        q = {"KeyConditionExpression": Key("cust").eq("ttl")}
        self.assertEqual(table.query(**q)["Count"], 2)
        self.clock(advance_ms=120_000)
        self.assertEqual([i["id"] for i in table.query(**q)["Items"]], [2])
        self.assertNotIn("Item", table.get_item(Key={"cust": "ttl", "id": 1}))
        desc = self.ddb.describe_time_to_live(TableName="orders")["TimeToLiveDescription"]
        self.assertEqual(desc, {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"})
        with self.assertRaises(ClientError) as err:
            self.ddb.update_time_to_live(TableName="orders", TimeToLiveSpecification={
                "Enabled": True, "AttributeName": "expires"})
        self.assertEqual(_message(err), "TimeToLive is already enabled")

    def test_throughput_emulation_meets_standard_retries(self):
        self.load({"dynamodb": {"burst_seconds": 0, "tables": [{
            "TableName": "slow", "emulate_throughput": True,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}]}})
        # on a virtual clock the bucket refills only when the test says so
        self.clock(mode="virtual")
        client = self.server.client("dynamodb", retries={"mode": "standard", "total_max_attempts": 3})
        client.put_item(TableName="slow", Item={"id": {"S": "a"}})
        with self.assertRaises(ClientError) as err:
            client.put_item(TableName="slow", Item={"id": {"S": "b"}})
        self.assertEqual(_code(err), "ProvisionedThroughputExceededException")
        attempts = self.server.journal(service="dynamodb", operation="PutItem",
                                       error="ProvisionedThroughputExceededException")
        self.assertEqual(len(attempts), 3)
        self.assertEqual(len({a["invocation_id"] for a in attempts}), 1)
        self.clock(advance_ms=1000)
        client.put_item(TableName="slow", Item={"id": {"S": "b"}})
