"""Snapshots through boto3 and the control API: each service's state taken,
changed, restored (S3 objects with versions and tags, DynamoDB tables and
items, SNS topics and the published-message log, SQS messages visible and in
flight, EC2 instance states, IAM users and keys), an STS session's
credentials working or refused after a restore (--auth verify), and the
control API's answers: names, 404s, list, replace, delete, journal option."""
import threading
import time
import unittest

from botocore.exceptions import ClientError

from .server import ServerTestCase


class SnapshotCase(ServerTestCase):
    server_args = ("--auth", "verify")

    def client(self, svc, **kw):
        kw.setdefault("key", "test")
        kw.setdefault("secret", "test")
        return self.server.client(svc, **kw)

    def take(self, name, **extra):
        status, doc = self.server.control("POST", "/_mockaws/snapshots", {"name": name, **extra})
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["name"], name)
        return doc

    def restore(self, name):
        status, doc = self.server.control("POST", f"/_mockaws/snapshots/{name}/restore", {})
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc, {"restored": name})

    def code(self, call):
        with self.assertRaises(ClientError) as cm:
            call()
        return cm.exception.response["Error"]["Code"]

    # ---- the API ----

    def test_names_list_replace_delete(self):
        for bad in ("", "a/b", "x" * 65, "sp ace", 7, None):
            with self.subTest(name=bad):
                status, doc = self.server.control("POST", "/_mockaws/snapshots", {"name": bad})
                self.assertEqual(status, 400)
                self.assertIn("error", doc)
        status, doc = self.server.control("POST", "/_mockaws/snapshots", {"name": "x", "journal": 1})
        self.assertEqual(status, 400)
        self.take("x" * 64)
        self.assertEqual(self.take("b"), {"name": "b", "namespaces": 0, "journal_seq": None})
        self.client("sqs").create_queue(QueueName="q")
        doc = self.take("a")
        self.assertEqual(doc["namespaces"], 1)
        self.take("b")  # replaced: now with the queue
        status, doc = self.server.control("GET", "/_mockaws/snapshots")
        self.assertEqual(status, 200)
        names = [s["name"] for s in doc["snapshots"]]
        self.assertEqual(names, ["a", "b", "x" * 64])
        for s in doc["snapshots"]:
            self.assertEqual(set(s), {"name", "namespaces", "journal_seq", "created_ms"})
        self.assertEqual(doc["snapshots"][1]["namespaces"], 1)
        self.client("sqs").delete_queue(QueueUrl=self.client("sqs").get_queue_url(QueueName="q")["QueueUrl"])
        self.restore("b")
        self.client("sqs").get_queue_url(QueueName="q")

        for method, path in (("POST", "/_mockaws/snapshots/nope/restore"), ("DELETE", "/_mockaws/snapshots/nope")):
            status, doc = self.server.control(method, path)
            self.assertEqual(status, 404)
            self.assertIn("nope", doc["error"])
        status, doc = self.server.control("DELETE", "/_mockaws/snapshots/b")
        self.assertEqual((status, doc), (200, {"deleted": "b"}))
        status, _ = self.server.control("POST", "/_mockaws/snapshots/b/restore")
        self.assertEqual(status, 404)

    def test_journal_option(self):
        sqs = self.client("sqs")
        sqs.list_queues()
        seq = self.take("j", journal=True)["journal_seq"]
        self.assertEqual(seq, self.server.journal()[-1]["seq"])
        for _ in range(3):
            sqs.list_queues()
        self.restore("j")
        self.assertEqual([e["seq"] for e in self.server.journal()][-1], seq)
        sqs.list_queues()
        self.assertGreater(self.server.journal()[-1]["seq"], seq + 3)

    def test_faults_come_back_with_counters(self):
        status, doc = self.server.control("POST", "/_mockaws/faults", {
            "service": "sqs", "operation": "ListQueues", "times": 2, "error": {"code": "Boom", "status": 503}})
        self.assertEqual(status, 200)
        # one attempt per call: the SDK's retries would spend the rule
        sqs = self.server.client("sqs", key="test", secret="test",
                                 retries={"total_max_attempts": 1, "mode": "standard"})
        self.assertEqual(self.code(sqs.list_queues), "Boom")
        self.take("f")
        self.assertEqual(self.code(sqs.list_queues), "Boom")
        sqs.list_queues()
        self.restore("f")
        _, doc = self.server.control("GET", "/_mockaws/faults")
        self.assertEqual(doc["faults"][0]["fired"], 1)
        self.assertEqual(self.code(sqs.list_queues), "Boom")
        sqs.list_queues()

    # ---- each service ----

    def test_s3_objects_versions_and_tags(self):
        s3 = self.client("s3")
        s3.create_bucket(Bucket="snap")
        s3.put_bucket_versioning(Bucket="snap", VersioningConfiguration={"Status": "Enabled"})
        v1 = s3.put_object(Bucket="snap", Key="k", Body=b"one", Tagging="t=one")["VersionId"]
        self.take("s3")

        v2 = s3.put_object(Bucket="snap", Key="k", Body=b"two")["VersionId"]
        s3.put_object_tagging(Bucket="snap", Key="k", VersionId=v1, Tagging={"TagSet": [{"Key": "t", "Value": "x"}]})
        s3.put_object(Bucket="snap", Key="later", Body=b"x")
        self.restore("s3")

        self.assertEqual(s3.get_object(Bucket="snap", Key="k")["Body"].read(), b"one")
        versions = s3.list_object_versions(Bucket="snap")["Versions"]
        self.assertEqual([v["VersionId"] for v in versions], [v1])
        self.assertEqual(self.code(lambda: s3.get_object(Bucket="snap", Key="k", VersionId=v2)), "NoSuchVersion")
        self.assertEqual(s3.get_object_tagging(Bucket="snap", Key="k")["TagSet"], [{"Key": "t", "Value": "one"}])
        self.assertEqual(self.code(lambda: s3.head_object(Bucket="snap", Key="later")), "404")

        # the other way: the restored world's changes stay out of the snapshot
        s3.delete_object(Bucket="snap", Key="k", VersionId=v1)
        self.restore("s3")
        self.assertEqual(s3.get_object(Bucket="snap", Key="k", VersionId=v1)["Body"].read(), b"one")

    def test_dynamodb_tables_and_items(self):
        ddb = self.client("dynamodb")
        ddb.create_table(TableName="snaptable", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        self.server.control("POST", "/_mockaws/clock", {"advance_ms": 60000})
        ddb.put_item(TableName="snaptable", Item={"pk": {"S": "a"}, "v": {"S": "one"}})
        self.take("ddb")

        ddb.put_item(TableName="snaptable", Item={"pk": {"S": "a"}, "v": {"S": "two"}})
        ddb.put_item(TableName="snaptable", Item={"pk": {"S": "b"}})
        ddb.create_table(TableName="latertable", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
        self.restore("ddb")
        self.assertEqual(ddb.list_tables()["TableNames"], ["snaptable"])
        item = ddb.get_item(TableName="snaptable", Key={"pk": {"S": "a"}})["Item"]
        self.assertEqual(item["v"], {"S": "one"})
        self.assertEqual(ddb.scan(TableName="snaptable")["Count"], 1)

        ddb.delete_table(TableName="snaptable")
        self.restore("ddb")
        self.assertEqual(ddb.scan(TableName="snaptable")["Count"], 1)

    def test_sns_topics_and_published_log(self):
        sns = self.client("sns")
        arn = sns.create_topic(Name="news")["TopicArn"]
        sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="a@example.com")
        sns.publish(TopicArn=arn, Message="first")
        self.take("sns")

        sns.publish(TopicArn=arn, Message="second")
        sns.create_topic(Name="later")
        self.restore("sns")
        self.assertEqual([t["TopicArn"] for t in sns.list_topics()["Topics"]], [arn])
        _, doc = self.server.control("GET", "/_mockaws/sns/messages")
        self.assertEqual([m["message"] for m in doc["messages"]], ["first"])
        subs = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
        self.assertEqual([s["Endpoint"] for s in subs], ["a@example.com"])

        sns.delete_topic(TopicArn=arn)
        self.restore("sns")
        self.assertEqual(len(sns.list_topics()["Topics"]), 1)

    def test_sqs_messages_and_in_flight(self):
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName="work")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="one")
        sqs.send_message(QueueUrl=url, MessageBody="two")
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=600)["Messages"]
        self.assertEqual(got[0]["Body"], "one")
        handle = got[0]["ReceiptHandle"]
        self.take("sqs")

        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
        sqs.send_message(QueueUrl=url, MessageBody="three")
        sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
        self.restore("sqs")
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attrs["ApproximateNumberOfMessages"], "1")
        self.assertEqual(attrs["ApproximateNumberOfMessagesNotVisible"], "1")
        bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
        self.assertEqual(bodies, ["two"])
        # the in-flight message's receipt handle from before the snapshot works again
        sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(attrs["ApproximateNumberOfMessagesNotVisible"], "1")  # "two", just received

    def test_long_poll_across_a_restore(self):
        """A ReceiveMessage parked when the snapshot is restored runs again
        against the restored queue, as after a reset: a message sent after the
        restore reaches it. (Whether the poll had parked before the restore
        is the scheduler's; the outcome is the same either way.)"""
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName="polled")["QueueUrl"]
        self.take("empty")
        got = {}

        def poll():
            poller = self.client("sqs")
            got["r"] = poller.receive_message(QueueUrl=url, WaitTimeSeconds=20, MaxNumberOfMessages=1)
        t = threading.Thread(target=poll)
        t.start()
        time.sleep(0.5)  # lets the poll park, most of the time
        self.restore("empty")
        sqs.send_message(QueueUrl=url, MessageBody="after")
        t.join(30)
        self.assertFalse(t.is_alive())
        self.assertEqual([m["Body"] for m in got["r"]["Messages"]], ["after"])

    def test_ec2_instance_state(self):
        ec2 = self.client("ec2")
        self.server.control("POST", "/_mockaws/clock", {"mode": "virtual"})
        iid = ec2.run_instances(ImageId="ami-ab939b9c031512198", MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
        self.server.control("POST", "/_mockaws/clock", {"advance_ms": 5000})

        def state():
            return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"]
        self.assertEqual(state(), "running")
        self.take("ec2")
        ec2.stop_instances(InstanceIds=[iid])
        self.server.control("POST", "/_mockaws/clock", {"advance_ms": 5000})
        self.assertEqual(state(), "stopped")
        self.restore("ec2")
        self.assertEqual(state(), "running")

    def test_iam_users_keys_and_sts_sessions(self):
        iam = self.client("iam")
        iam.create_user(UserName="alice")
        alice = iam.create_access_key(UserName="alice")["AccessKey"]
        sts = self.client("sts")
        session = sts.get_session_token()["Credentials"]
        self.take("before")

        iam.create_user(UserName="bob")
        bob = iam.create_access_key(UserName="bob")["AccessKey"]
        iam.delete_access_key(UserName="alice", AccessKeyId=alice["AccessKeyId"])
        later = sts.get_session_token()["Credentials"]

        def works(key, secret, token=None):
            c = self.server.client("sts", key=key, secret=secret, token=token,
                                   retries={"total_max_attempts": 1, "mode": "standard"})
            try:
                c.get_caller_identity()
                return True
            except ClientError as e:
                self.assertEqual(e.response["Error"]["Code"], "InvalidClientTokenId")
                return False

        self.assertFalse(works(alice["AccessKeyId"], alice["SecretAccessKey"]))
        self.restore("before")
        self.assertTrue(works(alice["AccessKeyId"], alice["SecretAccessKey"]))
        self.assertTrue(works(session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"]))
        self.assertFalse(works(bob["AccessKeyId"], bob["SecretAccessKey"]))
        self.assertFalse(works(later["AccessKeyId"], later["SecretAccessKey"], later["SessionToken"]))
        self.assertEqual([u["UserName"] for u in iam.list_users()["Users"]], ["alice"])


if __name__ == "__main__":
    unittest.main()
