"""DynamoDB's PartiQL through boto3 (issue 14): ExecuteStatement SELECT with
paging, INSERT of an item that exists, UPDATE ... RETURNING, DELETE, a
cancelled ExecuteTransaction and a BatchExecuteStatement with an error in one
statement, against tables made by CreateTable."""
from botocore.exceptions import ClientError

from .test_dynamodb import DynamoTestCase


class PartiQLTest(DynamoTestCase):
    def setUp(self):
        super().setUp()
        self.make_table("orders", range_key=("n", "N"))
        for i in range(1, 8):
            self.ddb.put_item(TableName="orders", Item={
                "pk": {"S": "alice"}, "n": {"N": str(i)}, "total": {"N": str(i * 10)},
                "tags": {"L": [{"S": "t%d" % i}]}})
        self.ddb.put_item(TableName="orders", Item={"pk": {"S": "bob"}, "n": {"N": "1"}})

    def run_statement(self, statement, **kw):
        return self.ddb.execute_statement(Statement=statement, **kw)

    def test_select_pages_with_next_token(self):
        seen, token, pages = [], None, 0
        while True:
            kw = {"Limit": 3, "Parameters": [{"S": "alice"}]}
            if token:
                kw["NextToken"] = token
            out = self.run_statement('SELECT n, total FROM "orders" WHERE pk = ? AND n >= 2', **kw)
            pages += 1
            seen += [int(i["n"]["N"]) for i in out["Items"]]
            for item in out["Items"]:
                self.assertEqual(set(item), {"n", "total"})
            token = out.get("NextToken")
            if not token:
                break
        self.assertEqual(seen, [2, 3, 4, 5, 6, 7])
        self.assertGreaterEqual(pages, 2)

    def test_select_order_by_desc_and_nested_path(self):
        out = self.run_statement(
            "SELECT n, tags[0] FROM \"orders\" WHERE pk = 'alice' AND n BETWEEN 2 AND 4 ORDER BY n DESC")
        self.assertEqual([i["n"]["N"] for i in out["Items"]], ["4", "3", "2"])
        self.assertEqual(out["Items"][0]["tags"], {"L": [{"S": "t4"}]})

    def test_select_without_key_is_a_scan_with_a_filter(self):
        out = self.run_statement('SELECT pk FROM "orders" WHERE total > 55 OR pk = \'bob\'')
        self.assertEqual(sorted(i["pk"]["S"] for i in out["Items"]), ["alice", "alice", "bob"])

    def test_next_token_of_another_statement_is_refused(self):
        out = self.run_statement("SELECT * FROM \"orders\" WHERE pk = 'alice'", Limit=1)
        with self.assertRaises(ClientError) as err:
            self.run_statement("SELECT * FROM \"orders\" WHERE pk = 'bob'", NextToken=out["NextToken"])
        self.assertEqual(err.exception.response["Error"]["Code"], "ValidationException")
        self.assertEqual(err.exception.response["Error"]["Message"], "NextToken does not match request")

    def test_insert_of_an_existing_item_is_a_duplicate(self):
        self.run_statement("INSERT INTO \"orders\" VALUE {'pk': 'carol', 'n': 1, 'tags': <<'a', 'b'>>}")
        got = self.ddb.get_item(TableName="orders", Key={"pk": {"S": "carol"}, "n": {"N": "1"}})["Item"]
        self.assertEqual(sorted(got["tags"]["SS"]), ["a", "b"])
        with self.assertRaises(ClientError) as err:
            self.run_statement("INSERT INTO \"orders\" VALUE {'pk': 'carol', 'n': 1}")
        self.assertEqual(err.exception.response["Error"]["Code"], "DuplicateItemException")
        self.assertEqual(err.exception.response["Error"]["Message"], "Duplicate primary key exists in table")
        # the item is as it was
        got = self.ddb.get_item(TableName="orders", Key={"pk": {"S": "carol"}, "n": {"N": "1"}})["Item"]
        self.assertIn("tags", got)

    def test_update_returning(self):
        out = self.run_statement(
            "UPDATE \"orders\" SET total = total + 1 SET tags = list_append(tags, ['x']) "
            "WHERE pk = 'alice' AND n = 1 RETURNING ALL NEW *")
        self.assertEqual(out["Items"][0]["total"], {"N": "11"})
        self.assertEqual(out["Items"][0]["tags"], {"L": [{"S": "t1"}, {"S": "x"}]})
        out = self.run_statement(
            "UPDATE \"orders\" REMOVE tags WHERE pk = 'alice' AND n = 1 RETURNING MODIFIED OLD *")
        self.assertEqual(out["Items"], [{"tags": {"L": [{"S": "t1"}, {"S": "x"}]}}])
        # an UPDATE never creates an item
        with self.assertRaises(ClientError) as err:
            self.run_statement("UPDATE \"orders\" SET total = 1 WHERE pk = 'nobody' AND n = 1")
        self.assertEqual(err.exception.response["Error"]["Code"], "ConditionalCheckFailedException")
        with self.assertRaises(ClientError) as err:
            self.run_statement("UPDATE \"orders\" SET total = 1 WHERE pk = 'alice'")
        self.assertEqual(err.exception.response["Error"]["Message"],
                         "Where clause does not contain a mandatory equality on all key attributes")

    def test_delete_with_condition(self):
        with self.assertRaises(ClientError) as err:
            self.run_statement("DELETE FROM \"orders\" WHERE pk = 'alice' AND n = 2 AND total = 999")
        self.assertEqual(err.exception.response["Error"]["Code"], "ConditionalCheckFailedException")
        out = self.run_statement("DELETE FROM \"orders\" WHERE pk = 'alice' AND n = 2 RETURNING ALL OLD *")
        self.assertEqual(out["Items"][0]["total"], {"N": "20"})
        self.assertNotIn("Item", self.ddb.get_item(TableName="orders",
                                                   Key={"pk": {"S": "alice"}, "n": {"N": "2"}}))
        # a missing item is no error
        out = self.run_statement("DELETE FROM \"orders\" WHERE pk = 'alice' AND n = 2 RETURNING ALL OLD *")
        self.assertEqual(out["Items"], [])

    def test_transaction_cancelled(self):
        with self.assertRaises(ClientError) as err:
            self.ddb.execute_transaction(TransactStatements=[
                {"Statement": "UPDATE \"orders\" SET total = 0 WHERE pk = ? AND n = ?",
                 "Parameters": [{"S": "alice"}, {"N": "3"}]},
                {"Statement": "INSERT INTO \"orders\" VALUE {'pk': 'bob', 'n': 1}"},
            ])
        resp = err.exception.response
        self.assertEqual(resp["Error"]["Code"], "TransactionCanceledException")
        self.assertEqual([r["Code"] for r in resp["CancellationReasons"]], ["None", "DuplicateItem"])
        self.assertIn("[None, DuplicateItem]", resp["Error"]["Message"])
        # nothing was written
        got = self.ddb.get_item(TableName="orders", Key={"pk": {"S": "alice"}, "n": {"N": "3"}})["Item"]
        self.assertEqual(got["total"], {"N": "30"})
        out = self.ddb.execute_transaction(TransactStatements=[
            {"Statement": "SELECT total FROM \"orders\" WHERE pk = 'alice' AND n = 3"},
            {"Statement": "SELECT * FROM \"orders\" WHERE pk = 'alice' AND n = 99"},
        ])
        self.assertEqual(out["Responses"], [{"Item": {"total": {"N": "30"}}}, {}])

    def test_batch_with_a_failing_statement(self):
        out = self.ddb.batch_execute_statement(Statements=[
            {"Statement": "INSERT INTO \"orders\" VALUE {'pk': 'dave', 'n': 1}"},
            {"Statement": "INSERT INTO \"orders\" VALUE {'pk': 'bob', 'n': 1}"},
            {"Statement": "UPDATE \"orders\" SET total = 5 WHERE pk = 'alice'"},
        ])
        r = out["Responses"]
        self.assertNotIn("Error", r[0])
        self.assertEqual(r[0]["TableName"], "orders")
        self.assertEqual(r[1]["Error"], {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"})
        self.assertEqual(r[2]["Error"]["Code"], "ValidationError")
        out = self.ddb.batch_execute_statement(Statements=[
            {"Statement": "SELECT * FROM \"orders\" WHERE pk = 'dave' AND n = 1"},
            {"Statement": "SELECT * FROM \"missing\" WHERE pk = 'dave' AND n = 1"},
        ])
        self.assertEqual(out["Responses"][0]["Item"]["pk"], {"S": "dave"})
        self.assertEqual(out["Responses"][1]["Error"]["Code"], "ResourceNotFound")
        with self.assertRaises(ClientError) as err:
            self.ddb.batch_execute_statement(Statements=[
                {"Statement": "SELECT * FROM \"orders\" WHERE pk = 'dave' AND n = 1"},
                {"Statement": "DELETE FROM \"orders\" WHERE pk = 'dave' AND n = 1"},
            ])
        self.assertEqual(err.exception.response["Error"]["Code"], "ValidationException")

    def test_malformed_statement(self):
        with self.assertRaises(ClientError) as err:
            self.run_statement("SELEKT * FROM \"orders\"")
        self.assertEqual(err.exception.response["Error"]["Code"], "ValidationException")
        self.assertEqual(err.exception.response["Error"]["Message"],
                         "Statement wasn't well formed, can't be processed: Expected data manipulation")
        self.assertEqual(err.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
