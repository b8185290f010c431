"""--state-dir: the real binary keeps what boto3 wrote across a SIGTERM and a
restart, and refuses to start on a state.json that is not whole."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from .server import BIN, Server


class StateDir(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="mockaws-state-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.state = os.path.join(self.dir, "state.json")

    def start(self):
        server = Server("--state-dir", self.dir, "--dynamodb-delay-ms", "0")
        self.addCleanup(server.stop)
        return server

    def stop(self, server):
        code = server.stop()
        self.assertEqual(code, 0, server.logs())
        return server.logs()

    def write_everything(self, srv):
        s3 = srv.client("s3")
        s3.create_bucket(Bucket="keep")
        s3.put_object(Bucket="keep", Key="text.txt", Body=b"hello, state", ContentType="text/plain",
                      Metadata={"who": "me"})
        s3.put_object(Bucket="keep", Key="binary.bin", Body=bytes(range(256)) * 64)
        s3.put_object(Bucket="keep", Key="empty", Body=b"")
        up = s3.create_multipart_upload(Bucket="keep", Key="multi")
        parts = []
        for n, chunk in enumerate([b"a" * (5 << 20), b"tail"], start=1):
            r = s3.upload_part(Bucket="keep", Key="multi", UploadId=up["UploadId"], PartNumber=n, Body=chunk)
            parts.append({"PartNumber": n, "ETag": r["ETag"]})
        s3.complete_multipart_upload(Bucket="keep", Key="multi", UploadId=up["UploadId"],
                                     MultipartUpload={"Parts": parts})

        ddb = srv.client("dynamodb")
        ddb.create_table(TableName="things", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        ddb.get_waiter("table_exists").wait(TableName="things", WaiterConfig={"Delay": 0.1})
        for i in range(3):
            ddb.put_item(TableName="things", Item={
                "id": {"S": f"t{i}"}, "n": {"N": f"{i}.5"}, "b": {"B": bytes([i, 255])},
                "l": {"L": [{"S": "x"}, {"N": "1"}]}, "m": {"M": {"k": {"BOOL": True}}}})

        sns = srv.client("sns")
        sns.create_topic(Name="events", Attributes={"DisplayName": "Events"})
        sns.create_topic(Name="alerts")

        sqs = srv.client("sqs")
        url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="first job")
        sqs.send_message(QueueUrl=url, MessageBody="second job",
                         MessageAttributes={"kind": {"DataType": "String", "StringValue": "urgent"}})

        iam = srv.client("iam")
        iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "core"}])
        iam.create_user(UserName="bob", Path="/ops/")

        # CreateTags on a volume and on an id of a kind mockaws does not model
        ec2 = srv.client("ec2")
        vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=2)["VolumeId"]
        ec2.create_tags(Resources=[vol, "igw-0123456789abcdef0"], Tags=[{"Key": "keep", "Value": "yes"}])
        self.volume = vol

    def read_everything(self, srv):
        s3 = srv.client("s3")
        got = s3.get_object(Bucket="keep", Key="text.txt")
        self.assertEqual(got["Body"].read(), b"hello, state")
        self.assertEqual(got["ContentType"], "text/plain")
        self.assertEqual(got["Metadata"], {"who": "me"})
        self.assertEqual(s3.get_object(Bucket="keep", Key="binary.bin")["Body"].read(), bytes(range(256)) * 64)
        self.assertEqual(s3.get_object(Bucket="keep", Key="empty")["Body"].read(), b"")
        self.assertEqual(s3.get_object(Bucket="keep", Key="multi")["Body"].read(), b"a" * (5 << 20) + b"tail")

        ddb = srv.client("dynamodb")
        for i in range(3):
            item = ddb.get_item(TableName="things", Key={"id": {"S": f"t{i}"}}, ConsistentRead=True)["Item"]
            self.assertEqual(item["n"], {"N": f"{i}.5"})
            self.assertEqual(item["b"], {"B": bytes([i, 255])})
            self.assertEqual(item["l"], {"L": [{"S": "x"}, {"N": "1"}]})
            self.assertEqual(item["m"], {"M": {"k": {"BOOL": True}}})
        self.assertEqual(ddb.describe_table(TableName="things")["Table"]["TableStatus"], "ACTIVE")

        sns = srv.client("sns")
        arns = sorted(t["TopicArn"] for t in sns.list_topics()["Topics"])
        self.assertEqual([a.rsplit(":", 1)[1] for a in arns], ["alerts", "events"])
        events = [a for a in arns if a.endswith(":events")][0]
        self.assertEqual(sns.get_topic_attributes(TopicArn=events)["Attributes"]["DisplayName"], "Events")

        sqs = srv.client("sqs")
        url = sqs.get_queue_url(QueueName="jobs")["QueueUrl"]
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])["Messages"]
        self.assertEqual(sorted(m["Body"] for m in msgs), ["first job", "second job"])
        urgent = [m for m in msgs if m["Body"] == "second job"][0]
        self.assertEqual(urgent["MessageAttributes"]["kind"]["StringValue"], "urgent")

        iam = srv.client("iam")
        self.assertEqual(iam.list_user_tags(UserName="alice")["Tags"], [{"Key": "team", "Value": "core"}])
        self.assertEqual(iam.get_user(UserName="bob")["User"]["Path"], "/ops/")

        ec2 = srv.client("ec2")
        tagged = ec2.describe_tags(Filters=[{"Name": "key", "Values": ["keep"]}])["Tags"]
        self.assertEqual(sorted(t["ResourceId"] for t in tagged), sorted([self.volume, "igw-0123456789abcdef0"]))

    def test_state_survives_sigterm_and_restart(self):
        srv = self.start()
        self.write_everything(srv)
        logs = self.stop(srv)
        self.assertIn("state: saved", logs)
        with open(self.state) as f:
            doc = json.load(f)  # a fixture document
        self.assertIn("namespaces", doc)
        self.assertTrue(os.listdir(os.path.join(self.dir, "bodies")))

        srv = self.start()
        self.assertIn("state: loaded", srv.logs())
        self.read_everything(srv)
        self.stop(srv)

    def test_save_endpoint_answers_path_and_bytes(self):
        srv = self.start()
        srv.client("s3").create_bucket(Bucket="saved-now")
        status, body = srv.control("POST", "/_mockaws/state/save")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["saved"], os.path.join(os.path.realpath(self.dir), "state.json"))
        self.assertEqual(body["bytes"], os.path.getsize(self.state))
        with open(self.state) as f:
            self.assertIn("saved-now", f.read())
        # the control API's guard applies: a web page of another origin may not save
        status, _, _ = srv.request("POST", "/_mockaws/state/save", headers={"Origin": "http://evil.example"})
        self.assertEqual(status, 403)
        self.stop(srv)

    def test_corrupt_state_is_refused_and_left_as_it_was(self):
        srv = self.start()
        srv.client("sns").create_topic(Name="t")
        self.stop(srv)
        with open(self.state, "rb") as f:
            good = f.read()
        torn = good[: len(good) // 2]
        with open(self.state, "wb") as f:
            f.write(torn)
        out = subprocess.run([BIN, "--port", "0", "--state-dir", self.dir], capture_output=True, text=True,
                             timeout=60, stdin=subprocess.DEVNULL)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn(os.path.join(os.path.realpath(self.dir), "state.json"), out.stderr)
        self.assertIn("not valid JSON at line", out.stderr)
        self.assertNotIn("listening", out.stdout)
        with open(self.state, "rb") as f:
            self.assertEqual(f.read(), torn)
        # the save before stays beside it, to go back to
        self.assertIn("state.prev.json", out.stderr)


if __name__ == "__main__":
    unittest.main()
