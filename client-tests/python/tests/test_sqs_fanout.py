"""The fan-out into SQS through boto3: SNS topics delivering to queues (the JSON
envelope, raw delivery with the message attributes carried over, filter policies,
FIFO topic to FIFO queue in order, the queue's policy deciding whether SNS may
send, and the delivery record saying why not), and S3 event notifications sent to a
queue (the destination check, the test event, the event records as the message
body)."""
import json
import time
import urllib.request

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

    def test_a_queue_of_the_same_account_is_confirmed_at_once(self):
        topic = self.sns.create_topic(Name="local")["TopicArn"]
        _, arn = self.queue("local-inbox", "sns.amazonaws.com", topic)
        sub = self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
        self.assertTrue(sub.startswith(topic + ":"), sub)
        attrs = self.sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
        self.assertEqual(attrs["PendingConfirmation"], "false")

    def test_a_queue_of_another_account_confirms_the_subscription_first(self):
        # the topic's owner subscribes another account's queue: SNS sends the
        # queue a SubscriptionConfirmation and delivers nothing until its owner
        # visits the SubscribeURL
        topic = self.sns.create_topic(Name="shared")["TopicArn"]
        other = self.server.client("sqs", key="111122223333", region="eu-west-1")
        url = other.create_queue(QueueName="inbox")["QueueUrl"]
        arn = other.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.assertEqual(arn, "arn:aws:sqs:eu-west-1:111122223333:inbox")
        other.set_queue_attributes(QueueUrl=url, Attributes={"Policy": allow("sns.amazonaws.com", arn, topic)})
        resp = self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                                  Attributes={"RawMessageDelivery": "true"}, ReturnSubscriptionArn=True)
        sub = resp["SubscriptionArn"]
        self.assertEqual(self.sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
                         ["PendingConfirmation"], "true")
        self.sns.publish(TopicArn=topic, Message="too early")
        [m] = other.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
        other.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        conf = json.loads(m["Body"])  # never raw: SNS's own message
        self.assertEqual(conf["Type"], "SubscriptionConfirmation")
        self.assertEqual(conf["TopicArn"], topic)
        self.assertEqual(conf["Message"], f"You have chosen to subscribe to the topic {topic}.\nTo confirm the "
                                          "subscription, visit the SubscribeURL included in this message.")
        self.assertIn("Action=ConfirmSubscription", conf["SubscribeURL"])
        self.assertIn(conf["Token"], conf["SubscribeURL"])
        self.assertTrue(m["Body"].startswith('{\n  "Type" : "SubscriptionConfirmation",\n'), m["Body"])
        self.assertEqual([d[0]["status"] for d in self.deliveries(topic)], ["pending_confirmation"])
        self.assert_empty_other(other, url)

        # the queue's owner follows the link, unsigned
        with urllib.request.urlopen(conf["SubscribeURL"]) as r:
            self.assertEqual(r.status, 200)
            self.assertIn(sub, r.read().decode())
        self.assertEqual(self.sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
                         ["PendingConfirmation"], "false")
        self.sns.publish(TopicArn=topic, Message="across")
        [m] = other.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
        self.assertEqual(m["Body"], "across")
        # the topic's account has no such queue
        self.assert_empty(self.queue("inbox")[0])

    def assert_empty_other(self, client, url):
        self.assertEqual(client.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", []), [])

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


class SnsDeadLetters(FanoutCase):
    """A subscription's RedrivePolicy: what SNS could not deliver goes to its
    dead-letter queue, as it would have been delivered."""

    def dead_letter_queue(self, name, topic):
        url, arn = self.queue(name, "sns.amazonaws.com", topic)
        return url, arn, json.dumps({"deadLetterTargetArn": arn})

    def test_a_deleted_queue_sends_the_notification_to_the_dead_letter_queue(self):
        topic = self.sns.create_topic(Name="billing")["TopicArn"]
        url, arn = self.queue("billing-in", "sns.amazonaws.com", topic)
        dlq_url, dlq_arn, redrive = self.dead_letter_queue("billing-dlq", topic)
        sub = self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                                 Attributes={"RedrivePolicy": redrive})["SubscriptionArn"]
        self.assertEqual(self.sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["RedrivePolicy"],
                         redrive)
        self.sqs.delete_queue(QueueUrl=url)
        mid = self.sns.publish(TopicArn=topic, Message="invoice 7", Subject="Billing")["MessageId"]
        [m] = self.receive(dlq_url, 1)
        env = json.loads(m["Body"])  # what the queue would have got: the envelope
        self.assertEqual(list(env), [k for k in ENVELOPE_KEYS if k != "MessageAttributes"])
        self.assertEqual((env["Type"], env["MessageId"], env["Message"]), ("Notification", mid, "invoice 7"))
        [[d]] = self.deliveries(topic)
        self.assertEqual(d["status"], "failed")
        self.assertIn("NonExistentQueue", d["error"])
        self.assertEqual(d["dead_letter_queue"], dlq_arn)
        self.assertNotIn("dead_letter_error", d)

    def test_a_refusing_queue_sends_the_raw_message_with_its_attributes(self):
        topic = self.sns.create_topic(Name="audit")["TopicArn"]
        _, arn = self.queue("audit-in")  # no policy: SNS may not send
        dlq_url, dlq_arn, redrive = self.dead_letter_queue("audit-dlq", topic)
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                           Attributes={"RedrivePolicy": redrive, "RawMessageDelivery": "true"})
        self.sns.publish(TopicArn=topic, Message="login",
                         MessageAttributes={"user": {"DataType": "String", "StringValue": "ana"}})
        [m] = self.receive(dlq_url, 1, MessageAttributeNames=["All"])
        self.assertEqual(m["Body"], "login")
        self.assertEqual(m["MessageAttributes"], {"user": {"StringValue": "ana", "DataType": "String"}})
        [[d]] = self.deliveries(topic)
        self.assertEqual((d["status"], d["http_status"], d["dead_letter_queue"]), ("failed", 403, dlq_arn))

    def test_a_dead_letter_queue_that_refuses_sns_is_recorded(self):
        topic = self.sns.create_topic(Name="lost")["TopicArn"]
        _, arn = self.queue("lost-in")
        dlq_url, dlq_arn = self.queue("lost-dlq")  # its policy does not let SNS in either
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn,
                           Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})
        self.sns.publish(TopicArn=topic, Message="gone")
        self.assert_empty(dlq_url)
        [[d]] = self.deliveries(topic)
        self.assertEqual(d["dead_letter_queue"], dlq_arn)
        self.assertIn("AccessDenied", d["dead_letter_error"])

    def test_a_delivered_message_does_not_reach_the_dead_letter_queue(self):
        topic = self.sns.create_topic(Name="fine")["TopicArn"]
        url, arn = self.queue("fine-in", "sns.amazonaws.com", topic)
        dlq_url, _, redrive = self.dead_letter_queue("fine-dlq", topic)
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RedrivePolicy": redrive})
        self.sns.publish(TopicArn=topic, Message="ok")
        self.assertEqual(len(self.receive(url, 1)), 1)
        self.assert_empty(dlq_url)
        [[d]] = self.deliveries(topic)
        self.assertEqual(d["status"], "delivered")
        self.assertNotIn("dead_letter_queue", d)

    def test_redrive_policy_checks(self):
        topic = self.sns.create_topic(Name="checks")["TopicArn"]
        _, arn = self.queue("checks-in")
        sub = self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
        for value, message in (
                ("{", "Invalid parameter: RedrivePolicy: failed to parse JSON."),
                ('{"deadLetterTargetArn": "not-an-arn"}',
                 "Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn"),
                ('{"maxReceiveCount": 3}', "Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn")):
            with self.assertRaises(ClientError) as ctx:
                self.sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="RedrivePolicy",
                                                     AttributeValue=value)
            err = ctx.exception.response["Error"]
            self.assertEqual((err["Code"], err["Message"]), ("InvalidParameter", message), value)
        fifo = self.sns.create_topic(Name="checks.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
        _, fifo_arn = self.queue("checks-in.fifo")
        _, plain_dlq = self.queue("checks-dlq")
        with self.assertRaises(ClientError) as ctx:
            self.sns.subscribe(TopicArn=fifo, Protocol="sqs", Endpoint=fifo_arn,
                               Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": plain_dlq})})
        self.assertEqual(ctx.exception.response["Error"]["Message"],
                         "Invalid parameter: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription "
                         "to a FIFO Topic.")
        self.assertEqual(self.sns.list_subscriptions_by_topic(TopicArn=fifo)["Subscriptions"], [])


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
