"""The inspection endpoints (GET /_mockaws/s3/..., dynamodb/..., sns/topics,
ec2/instances) read back what boto3 created: pages that follow `next`, one
object's body, tables and items through an index, topics with their
subscriptions and published counts, and EC2 instances whose next change
moves with the virtual clock without anything being settled."""
from .server import DEFAULT_ACCOUNT, ServerTestCase


class InspectCase(ServerTestCase):
    def get(self, path, **query):
        status, doc = self.server.control("GET", "/_mockaws/" + path, query=query or None)
        self.assertEqual(status, 200, doc)
        return doc

    def pages(self, path, key, **query):
        """Every entry of a paged list, following next; and how many pages."""
        out, n, token = [], 0, None
        while True:
            q = dict(query)
            if token:
                q["next"] = token
            doc = self.get(path, **q)
            out += doc[key]
            n += 1
            token = doc["next"]
            if token is None:
                return out, n
            self.assertLess(n, 1000)

    def test_s3_buckets_objects_and_one_object(self):
        s3 = self.server.client("s3")
        s3.create_bucket(Bucket="photos")
        s3.create_bucket(Bucket="logs")
        for i in range(250):
            s3.put_object(Bucket="photos", Key=f"2026/{i:03d}.jpg", Body=b"\xff\xd8" + bytes([i]))
        s3.put_object(Bucket="photos", Key="readme.txt", Body=b"hello", ContentType="text/plain")
        buckets = self.get("s3/buckets")["buckets"]
        self.assertEqual([b["name"] for b in buckets], ["logs", "photos"])
        photos = buckets[1]
        self.assertEqual(photos["objects"], 251)
        self.assertEqual(photos["owner"], DEFAULT_ACCOUNT)
        self.assertEqual(photos["region"], "us-east-1")
        self.assertEqual(photos["versioning"], "Off")

        objs, n = self.pages("s3/objects", "objects", bucket="photos", prefix="2026/", limit=100)
        self.assertEqual(n, 3)
        self.assertEqual([o["key"] for o in objs], [f"2026/{i:03d}.jpg" for i in range(250)])
        self.assertEqual(objs[0]["size"], 3)
        self.assertEqual(objs[0]["etag"], s3.head_object(Bucket="photos", Key="2026/000.jpg")["ETag"])

        root = self.get("s3/objects", bucket="photos", delimiter="/")
        self.assertEqual(root["prefixes"], ["2026/"])
        self.assertEqual([o["key"] for o in root["objects"]], ["readme.txt"])
        self.assertEqual(root["objects"][0]["content_type"], "text/plain")

        one = self.get("s3/object", bucket="photos", key="readme.txt")
        self.assertEqual((one["body"], one["body_size"], one["body_truncated"]), ("hello", 5, False))
        binary = self.get("s3/object", bucket="photos", key="2026/001.jpg")
        self.assertNotIn("body", binary)
        self.assertEqual(binary["body_base64"], "/9gB")

        s3.put_bucket_versioning(Bucket="logs", VersioningConfiguration={"Status": "Enabled"})
        vid = s3.put_object(Bucket="logs", Key="a.log", Body=b"x")["VersionId"]
        logs = self.get("s3/objects", bucket="logs")["objects"]
        self.assertEqual(logs[0]["version_id"], vid)

        for query, status in [({"bucket": "nope"}, 404), ({"bucket": "photos", "limit": "1001"}, 400),
                              ({"bucket": "photos", "next": "***"}, 400), ({}, 400)]:
            code, doc = self.server.control("GET", "/_mockaws/s3/objects", query=query)
            self.assertEqual(code, status, (query, doc))
            self.assertIn("error", doc)

    def test_dynamodb_tables_and_items(self):
        ddb = self.server.client("dynamodb")
        ddb.create_table(
            TableName="orders", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "N"},
                                  {"AttributeName": "status", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[{"IndexName": "by-status",
                                     "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "KEYS_ONLY"}}])
        ddb.get_waiter("table_exists").wait(TableName="orders", WaiterConfig={"Delay": 0.1, "MaxAttempts": 100})
        for i in range(120):
            item = {"pk": {"S": f"c{i % 9}"}, "sk": {"N": str(i)}}
            if i % 3 == 0:
                item["status"] = {"S": "open"}
            ddb.put_item(TableName="orders", Item=item)
        t = self.get("dynamodb/tables")["tables"][0]
        self.assertEqual((t["name"], t["items"], t["indexes"]), ("orders", 120, ["by-status"]))
        self.assertEqual(t["account"], DEFAULT_ACCOUNT)
        self.assertEqual(t["key_schema"][0], {"AttributeName": "pk", "KeyType": "HASH"})

        items, n = self.pages("dynamodb/items", "items", table="orders", limit=50)
        self.assertEqual(n, 3)
        self.assertEqual(sorted(int(i["sk"]["N"]) for i in items), list(range(120)))
        # the same order as a Scan
        scan = ddb.scan(TableName="orders")["Items"]
        self.assertEqual(items, scan)
        ix, _ = self.pages("dynamodb/items", "items", table="orders", index="by-status", limit=7)
        self.assertEqual(sorted(int(i["sk"]["N"]) for i in ix), list(range(0, 120, 3)))

        code, doc = self.server.control("GET", "/_mockaws/dynamodb/items", query={"table": "nope"})
        self.assertEqual(code, 404, doc)
        code, doc = self.server.control("GET", "/_mockaws/dynamodb/items",
                                        query={"table": "orders", "index": "nope"})
        self.assertEqual(code, 404, doc)

    def test_sns_topics(self):
        sns = self.server.client("sns")
        sqs = self.server.client("sqs")
        arn = sns.create_topic(Name="orders")["TopicArn"]
        q = sqs.create_queue(QueueName="orders-q")["QueueUrl"]
        qarn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sub = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=qarn)["SubscriptionArn"]
        for i in range(3):
            sns.publish(TopicArn=arn, Message=f"m{i}")
        topics = self.get("sns/topics")["topics"]
        self.assertEqual(len(topics), 1)
        t = topics[0]
        self.assertEqual((t["arn"], t["name"], t["published"]), (arn, "orders", 3))
        self.assertEqual(t["subscriptions"],
                         [{"protocol": "sqs", "endpoint": qarn, "arn": sub, "pending": False}])
        # what became of each message: GET /_mockaws/sns/messages
        msgs = self.get("sns/messages", topic_arn=arn)["messages"]
        self.assertEqual(len(msgs), 3)
        self.assertEqual(self.get("sns/topics", region="eu-west-1")["topics"], [])

    def test_ec2_instances_follow_the_clock(self):
        ec2 = self.server.client("ec2")
        self.server.control("POST", "/_mockaws/clock", {"mode": "virtual"})
        iid = ec2.run_instances(ImageId="ami-ab939b9c031512198", MinCount=1, MaxCount=1,
                                InstanceType="t3.micro")["Instances"][0]["InstanceId"]
        inst = self.get("ec2/instances")["instances"][0]
        self.assertEqual((inst["id"], inst["type"], inst["image"]), (iid, "t3.micro", "ami-ab939b9c031512198"))
        self.assertEqual((inst["state"], inst["next_state"]), ("pending", "running"))
        change = inst["next_change"]
        self.assertGreater(change, inst["state_since"])

        self.server.control("POST", "/_mockaws/clock", {"advance_ms": 1000})
        inst = self.get("ec2/instances")["instances"][0]
        self.assertEqual((inst["state"], inst["state_since"], inst["next_state"], inst["next_change"]),
                         ("running", change, None, None))
        ec2.stop_instances(InstanceIds=[iid])
        inst = self.get("ec2/instances")["instances"][0]
        self.assertEqual((inst["state"], inst["next_state"]), ("stopping", "stopped"))
        self.assertEqual(self.get("ec2/instances", region="eu-west-1")["instances"], [])
