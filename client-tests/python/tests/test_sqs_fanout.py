"""The fan-out into SQS through boto3: SNS topics delivering to queues (the JSON
envelope, raw delivery with the message attributes carried over, filter policies,
FIFO topic to FIFO queue in order, the queue's policy deciding whether SNS may
send, and the delivery record saying why not), and S3 event notifications sent to a
queue (the destination check, the test event, the event records as the message
body)."""
import json
import time

from botocore.exceptions import ClientError

from .s3util import S3TestCase
from .server import DEFAULT_ACCOUNT

ENVELOPE_KEYS = ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
                 "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"]


def allow(service, queue_arn, source_arn):
    """A queue policy letting an AWS service send to the queue for one source."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": source_arn}},
        }],
    })


class FanoutCase(S3TestCase):
    def setUp(self):
        super().setUp()
        self.sns = self.server.client("sns")
        self.sqs = self.server.client("sqs")

    def queue(self, name, service=None, source_arn=None, **attributes):
        """A queue (its URL and ARN), with a policy for service and source when given."""
        if name.endswith(".fifo"):
            attributes["FifoQueue"] = "true"
        url = self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.assertEqual(arn, f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:{name}")
        if service:
            self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": allow(service, arn, source_arn)})
        return url, arn

    def receive(self, url, n, **kw):
        """n messages from the queue (deleted once read), in the order received."""
        got = []
        deadline = time.monotonic() + 30
        while len(got) < n:
            self.assertLess(time.monotonic(), deadline, f"the queue gave {len(got)} messages, wanted {n}")
            resp = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, **kw)
            for m in resp.get("Messages", []):
                got.append(m)
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        return got

    def assert_empty(self, url):
        resp = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        self.assertEqual(resp.get("Messages", []), [])

    def deliveries(self, topic_arn):
        status, doc = self.server.control("GET", "/_mockaws/sns/messages", query={"topic_arn": topic_arn})
        self.assertEqual(status, 200, doc)
        return [m["deliveries"] for m in doc["messages"]]


class SnsToSqs(FanoutCase):
    def test_fanout_to_an_enveloping_filtered_queue_and_a_raw_one(self):
        topic = self.sns.create_topic(Name="orders")["TopicArn"]
        env_url, env_arn = self.queue("orders-env", "sns.amazonaws.com", topic)
        raw_url, raw_arn = self.queue("orders-raw", "sns.amazonaws.com", topic)
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=env_arn,
                           Attributes={"FilterPolicy": json.dumps({"kind": ["order"]})})
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=raw_arn,
                           Attributes={"RawMessageDelivery": "true"})
        ids = []
        for kind, text in (("order", "order 1"), ("refund", "refund 1")):
            ids.append(self.sns.publish(TopicArn=topic, Message=text, Subject="Orders",
                                        MessageAttributes={
                                            "kind": {"DataType": "String", "StringValue": kind},
                                            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
                                        })["MessageId"])

        [m] = self.receive(env_url, 1)
        self.assert_empty(env_url)
        env = json.loads(m["Body"])
        self.assertEqual(list(env), ENVELOPE_KEYS)
        self.assertEqual(env["Type"], "Notification")
        self.assertEqual(env["MessageId"], ids[0])
        self.assertEqual(env["TopicArn"], topic)
        self.assertEqual(env["Subject"], "Orders")
        self.assertEqual(env["Message"], "order 1")
        self.assertEqual(env["SignatureVersion"], "1")
        self.assertRegex(env["Timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertIn("Action=Unsubscribe", env["UnsubscribeURL"])
        self.assertEqual(env["MessageAttributes"], {"kind": {"Type": "String", "Value": "order"},
                                                    "blob": {"Type": "Binary", "Value": "AAE="}})
        # the envelope is SNS's text, a member a line
        self.assertTrue(m["Body"].startswith('{\n  "Type" : "Notification",\n  "MessageId" : '), m["Body"])
        self.assertNotIn("MessageAttributes", m)  # enveloped: the attributes travel inside

        raw = self.receive(raw_url, 2, MessageAttributeNames=["All"])
        self.assertEqual([r["Body"] for r in raw], ["order 1", "refund 1"])
        self.assertEqual(raw[0]["MessageAttributes"], {
            "kind": {"StringValue": "order", "DataType": "String"},
            "blob": {"BinaryValue": b"\x00\x01", "DataType": "Binary"},
        })

        env_status, raw_status = zip(*[(d[0]["status"], d[1]["status"]) for d in self.deliveries(topic)])
        self.assertEqual(env_status, ("delivered", "filtered"))
        self.assertEqual(raw_status, ("delivered", "delivered"))
        # SNS's sends are in the journal as SQS calls SNS made
        sends = [e for e in self.server.journal(service="sqs") if e["operation"] == "SendMessage"]
        self.assertEqual([e.get("caller") for e in sends], ["sns"] * 3)

    def test_fifo_topic_to_fifo_queue_keeps_order_and_deduplicates(self):
        topic = self.sns.create_topic(Name="payments.fifo", Attributes={
            "FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
        url, arn = self.queue("payments.fifo", "sns.amazonaws.com", topic)
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                           Attributes={"RawMessageDelivery": "true"})
        for i in range(5):
            self.sns.publish(TopicArn=topic, Message=f"payment {i}", MessageGroupId="account-1")
        # the same content within five minutes: accepted by SNS, not sent again
        self.sns.publish(TopicArn=topic, Message="payment 0", MessageGroupId="account-1")
        got = self.receive(url, 5, MessageSystemAttributeNames=["MessageGroupId", "MessageDeduplicationId"])
        self.assertEqual([m["Body"] for m in got], [f"payment {i}" for i in range(5)])
        self.assertEqual({m["Attributes"]["MessageGroupId"] for m in got}, {"account-1"})
        self.assertEqual(len({m["Attributes"]["MessageDeduplicationId"] for m in got}), 5)
        self.assert_empty(url)

    def test_a_queue_in_another_account_and_region(self):
        topic = self.sns.create_topic(Name="shared")["TopicArn"]
        other = self.server.client("sqs", key="111122223333", region="eu-west-1")
        url = other.create_queue(QueueName="inbox")["QueueUrl"]
        arn = other.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.assertEqual(arn, "arn:aws:sqs:eu-west-1:111122223333:inbox")
        other.set_queue_attributes(QueueUrl=url, Attributes={"Policy": allow("sns.amazonaws.com", arn, topic)})
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
        self.sns.publish(TopicArn=topic, Message="across")
        [m] = other.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
        self.assertEqual(m["Body"], "across")
        # the topic's account has no such queue
        self.assert_empty(self.queue("inbox")[0])

    def test_a_standard_topic_cannot_subscribe_a_fifo_queue(self):
        topic = self.sns.create_topic(Name="plain")["TopicArn"]
        _, arn = self.queue("jobs.fifo")
        with self.assertRaises(ClientError) as ctx:
            self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], "InvalidParameter")
        self.assertEqual(err["Message"], "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be "
                                         "subscribed to standard SNS topics")

    def test_a_queue_whose_policy_refuses_sns_gets_nothing_and_the_record_says_why(self):
        topic = self.sns.create_topic(Name="alerts")["TopicArn"]
        other = self.sns.create_topic(Name="other")["TopicArn"]
        bare_url, bare_arn = self.queue("no-policy")  # same account, still no policy: refused
        wrong_url, wrong_arn = self.queue("other-topic-only", "sns.amazonaws.com", other)
        for arn in (bare_arn, wrong_arn):
            self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        self.sns.publish(TopicArn=topic, Message="alarm")  # the publisher sees no failure
        self.assert_empty(bare_url)
        self.assert_empty(wrong_url)
        [ds] = self.deliveries(topic)
        for d in ds:
            self.assertEqual(d["status"], "failed")
            self.assertEqual(d["http_status"], 403)
            self.assertIn("AccessDenied", d["error"])
            self.assertIn("sns.amazonaws.com sqs:SendMessage", d["error"])


class S3ToSqs(FanoutCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("uploads")

    def configure(self, queue_arn, **kw):
        return self.s3.put_bucket_notification_configuration(
            Bucket="uploads", NotificationConfiguration={"QueueConfigurations": [{
                "Id": "to-queue", "QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".csv"}]}}}]}, **kw)

    def test_the_destination_check(self):
        missing = f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:not-there"
        _, refusing = self.queue("refusing", "s3.amazonaws.com", "arn:aws:s3:::another-bucket")
        for arn, why in ((missing, "The destination queue does not exist"),
                         (refusing, "Permissions on the destination queue do not allow S3 to publish "
                                    "notifications from this bucket")):
            with self.assertRaises(ClientError) as ctx:
                self.configure(arn)
            err = ctx.exception.response["Error"]
            self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
            self.assertEqual(err["Code"], "InvalidArgument")
            self.assertEqual(err["Message"], "Unable to validate the following destination configurations")
            self.assertEqual(err["ArgumentName1"], arn)
            self.assertEqual(err["ArgumentValue1"], why)
        self.assertNotIn("QueueConfigurations", self.s3.get_bucket_notification_configuration(Bucket="uploads"))

    def test_an_upload_pipeline(self):
        url, arn = self.queue("uploads-events", "s3.amazonaws.com", "arn:aws:s3:::uploads")
        self.configure(arn)
        [test] = self.receive(url, 1)
        event = json.loads(test["Body"])
        self.assertEqual(list(event), ["Service", "Event", "Time", "Bucket", "RequestId", "HostId"])
        self.assertEqual((event["Service"], event["Event"], event["Bucket"]),
                         ("Amazon S3", "s3:TestEvent", "uploads"))

        put = self.s3.put_object(Bucket="uploads", Key="in/report 1.csv", Body=b"a,b\n1,2\n")
        self.s3.put_object(Bucket="uploads", Key="in/skip.txt", Body=b"not csv")
        [m] = self.receive(url, 1)
        self.assert_empty(url)
        [record] = json.loads(m["Body"])["Records"]  # the record itself: no SNS envelope
        self.assertEqual(record["eventSource"], "aws:s3")
        self.assertEqual(record["eventName"], "ObjectCreated:Put")
        self.assertEqual(record["awsRegion"], "us-east-1")
        self.assertEqual(record["s3"]["configurationId"], "to-queue")
        self.assertEqual(record["s3"]["bucket"]["name"], "uploads")
        obj = record["s3"]["object"]
        self.assertEqual(obj["key"], "in/report+1.csv")
        self.assertEqual(obj["size"], 8)
        self.assertEqual(obj["eTag"], put["ETag"].strip('"'))
        # the worker's side: the key, decoded, fetches the object
        key = obj["key"].replace("+", " ")
        self.assertEqual(self.s3.get_object(Bucket="uploads", Key=key)["Body"].read(), b"a,b\n1,2\n")
