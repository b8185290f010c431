"""S3 event notifications to SNS through boto3: the destination check S3 makes when a
configuration is put (the topic must exist and its policy let s3.amazonaws.com publish
for the bucket), x-amz-skip-destination-validation, the test event, and the event
records an HTTP subscriber of the topic receives for uploads, copies, multipart
uploads, deletes and delete markers, with prefix / suffix filters; then lifecycle
expirations and finished restores, sent when the (virtual) clock passes them.

Expected values are the live service's (docs/AWS-FACTS.md, "Event notifications").
"""
import hashlib
import json
import time
import urllib.parse

from botocore.exceptions import ClientError

from .s3util import S3TestCase
from .test_sns import Subscriber


def s3_may_publish(topic_arn, bucket):
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "SNS:Publish",
            "Resource": topic_arn,
            "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"}},
        }],
    })


class Notifications(S3TestCase):
    server_args = ("--s3-restore-ms", "60000")

    def setUp(self):
        super().setUp()
        self.sns = self.server.client("sns")
        self.make_bucket("uploads")
        self.topic = self.sns.create_topic(Name="uploads-events")["TopicArn"]

    def allow_s3(self, bucket="uploads"):
        self.sns.set_topic_attributes(TopicArn=self.topic, AttributeName="Policy",
                                      AttributeValue=s3_may_publish(self.topic, bucket))

    def configure(self, events, rules=(), bucket="uploads", **kw):
        cfg = {"TopicArn": self.topic, "Events": list(events), "Id": "to-topic"}
        if rules:
            cfg["Filter"] = {"Key": {"FilterRules": [{"Name": n, "Value": v} for n, v in rules]}}
        return self.s3.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"TopicConfigurations": [cfg]}, **kw)

    def subscribe(self):
        """An HTTP subscriber of the topic, confirmed; returns it."""
        sub = Subscriber(confirm=True)
        self.addCleanup(sub.close)
        arn = self.sns.subscribe(TopicArn=self.topic, Protocol="http", Endpoint=sub.url,
                                 ReturnSubscriptionArn=True)["SubscriptionArn"]
        sub.wait(1)
        deadline = time.monotonic() + 60
        while self.sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["PendingConfirmation"] != "false":
            self.assertLess(time.monotonic(), deadline, "the subscription was not confirmed")
            time.sleep(0.02)
        return sub

    @staticmethod
    def notifications(sub, n):
        """The S3 messages among the first n + 1 requests (the confirmation first)."""
        out = []
        for _, headers, body in sub.wait(n + 1)[1:]:
            env = json.loads(body)
            assert headers["x-amz-sns-message-type"] == "Notification", headers
            assert env["Subject"] == "Amazon S3 Notification", env
            out.append(json.loads(env["Message"]))
        return out

    def test_the_destination_must_let_s3_publish(self):
        with self.assertRaises(ClientError) as ctx:
            self.configure(["s3:ObjectCreated:*"])
        err = ctx.exception.response["Error"]
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(err["Code"], "InvalidArgument")
        self.assertEqual(err["Message"], "Unable to validate the following destination configurations")
        self.assertEqual(err["ArgumentName1"], self.topic)
        # a configuration that was refused is not stored
        self.assertNotIn("TopicConfigurations",
                         self.s3.get_bucket_notification_configuration(Bucket="uploads"))
        # skipping the check stores it anyway
        self.configure(["s3:ObjectCreated:*"], SkipDestinationValidation=True)
        got = self.s3.get_bucket_notification_configuration(Bucket="uploads")
        self.assertEqual(got["TopicConfigurations"][0]["TopicArn"], self.topic)

    def test_a_subscriber_receives_the_records(self):
        self.allow_s3()
        sub = self.subscribe()
        self.configure(["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                       rules=[("prefix", "in/"), ("suffix", ".csv")])
        self.s3.put_object(Bucket="uploads", Key="in/day one.csv", Body=b"a,b\n1,2\n")
        self.s3.put_object(Bucket="uploads", Key="in/skip.txt", Body=b"not csv")
        self.s3.put_object(Bucket="uploads", Key="out/skip.csv", Body=b"not in/")
        self.s3.copy_object(Bucket="uploads", Key="in/copy.csv",
                            CopySource={"Bucket": "uploads", "Key": "out/skip.csv"})
        mpu = self.s3.create_multipart_upload(Bucket="uploads", Key="in/big.csv")
        part = self.s3.upload_part(Bucket="uploads", Key="in/big.csv", UploadId=mpu["UploadId"],
                                   PartNumber=1, Body=b"x" * 10)
        done = self.s3.complete_multipart_upload(
            Bucket="uploads", Key="in/big.csv", UploadId=mpu["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        self.s3.delete_object(Bucket="uploads", Key="in/copy.csv")

        msgs = self.notifications(sub, 5)
        self.assertEqual(msgs[0]["Event"], "s3:TestEvent")
        self.assertEqual(msgs[0]["Service"], "Amazon S3")
        self.assertEqual(msgs[0]["Bucket"], "uploads")
        records = [m["Records"][0] for m in msgs[1:]]
        self.assertEqual([r["eventName"] for r in records],
                         ["ObjectCreated:Put", "ObjectCreated:Copy",
                          "ObjectCreated:CompleteMultipartUpload", "ObjectRemoved:Delete"])
        put = records[0]
        self.assertEqual(put["eventSource"], "aws:s3")
        self.assertEqual(put["awsRegion"], "us-east-1")
        self.assertEqual(put["s3"]["configurationId"], "to-topic")
        self.assertEqual(put["s3"]["bucket"]["name"], "uploads")
        self.assertEqual(put["s3"]["bucket"]["arn"], "arn:aws:s3:::uploads")
        obj = put["s3"]["object"]
        self.assertEqual(obj["key"], "in/day+one.csv")
        self.assertEqual(urllib.parse.unquote_plus(obj["key"]), "in/day one.csv")
        self.assertEqual(obj["size"], 8)
        self.assertEqual(obj["eTag"], hashlib.md5(b"a,b\n1,2\n").hexdigest())
        self.assertEqual(records[2]["s3"]["object"]["eTag"], done["ETag"].strip('"'))
        self.assertNotIn("size", records[3]["s3"]["object"])
        seqs = [r["s3"]["object"]["sequencer"] for r in records]
        self.assertEqual(seqs, sorted(seqs))
        # each delivery is in the journal as an SNS Publish made by S3
        _, journal = self.server.control("GET", "/_mockaws/journal", query={"operation": "Publish"})
        self.assertEqual([e.get("caller") for e in journal["entries"]], ["s3"] * 5)

    def test_versioned_deletes_make_marker_events(self):
        self.allow_s3()
        self.s3.put_bucket_versioning(Bucket="uploads", VersioningConfiguration={"Status": "Enabled"})
        sub = self.subscribe()
        self.configure(["s3:ObjectRemoved:DeleteMarkerCreated", "s3:ObjectCreated:Put"])
        v = self.s3.put_object(Bucket="uploads", Key="k", Body=b"v1")["VersionId"]
        marker = self.s3.delete_object(Bucket="uploads", Key="k")["VersionId"]
        self.s3.delete_object(Bucket="uploads", Key="k", VersionId=v)  # ObjectRemoved:Delete: not taken
        self.s3.put_object(Bucket="uploads", Key="k2", Body=b"v1")
        records = [m["Records"][0] for m in self.notifications(sub, 4)[1:]]
        self.assertEqual([r["eventName"] for r in records],
                         ["ObjectCreated:Put", "ObjectRemoved:DeleteMarkerCreated", "ObjectCreated:Put"])
        self.assertEqual(records[0]["s3"]["object"]["versionId"], v)
        self.assertEqual(records[1]["s3"]["object"]["versionId"], marker)

    def test_lifecycle_and_restore_events_follow_the_clock(self):
        self.allow_s3()
        self.assertEqual(self.server.control("POST", "/_mockaws/clock", {"mode": "virtual"})[0], 200)
        self.configure(["s3:ObjectRestore:*", "s3:LifecycleExpiration:*"])
        self.s3.put_object(Bucket="uploads", Key="cold", Body=b"frozen", StorageClass="GLACIER")
        self.s3.restore_object(Bucket="uploads", Key="cold", RestoreRequest={"Days": 1})
        self.s3.put_bucket_lifecycle_configuration(Bucket="uploads", LifecycleConfiguration={"Rules": [{
            "ID": "tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}}]})
        self.s3.put_object(Bucket="uploads", Key="tmp/x", Body=b"soon gone")

        def names():
            _, doc = self.server.control("GET", "/_mockaws/sns/messages", query={"topic_arn": self.topic})
            out = []
            for m in doc["messages"]:
                body = json.loads(m["message"])
                out.append(body["Records"][0]["eventName"] if "Records" in body else body["Event"])
            return out

        self.assertEqual(names(), ["s3:TestEvent", "ObjectRestore:Post"])
        # moving the clock is enough: no S3 request is needed for S3's own doings
        self.assertEqual(self.server.control("POST", "/_mockaws/clock", {"advance_ms": 60000})[0], 200)
        self.assertEqual(names(), ["s3:TestEvent", "ObjectRestore:Post", "ObjectRestore:Completed"])
        self.assertEqual(self.server.control("POST", "/_mockaws/clock",
                                             {"advance_ms": 2 * 86400 * 1000})[0], 200)
        self.assertEqual(names()[-1], "LifecycleExpiration:Delete")
        with self.assertRaises(ClientError):
            self.s3.head_object(Bucket="uploads", Key="tmp/x")
