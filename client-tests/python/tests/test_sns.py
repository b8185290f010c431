"""SNS through boto3: topics, subscriptions, Publish / PublishBatch rules, FIFO,
delivery to a local HTTP subscriber (confirmation, envelope, raw delivery,
filter policies, retries) and the inspection API."""
import json
import os
import ssl
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.config import Config
from botocore.exceptions import ClientError

from .server import DEFAULT_ACCOUNT, ServerTestCase

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")


class Subscriber:
    """An HTTP endpoint on loopback that records what SNS POSTs to it and,
    when asked, confirms subscriptions by fetching the SubscribeURL. With
    tls=(certificate file, key file) it is an https endpoint."""

    def __init__(self, confirm=True, statuses=(), tls=None):
        self.requests = []
        self.statuses = list(statuses)
        self.confirm = confirm
        self.lock = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with outer.lock:
                    index = len(outer.requests)
                    outer.requests.append((self.path, headers, body))
                    status = outer.statuses[index] if index < len(outer.statuses) else 200
                    outer.lock.notify_all()
                if outer.confirm and headers.get("x-amz-sns-message-type") == "SubscriptionConfirmation":
                    url = json.loads(body)["SubscribeURL"]
                    urllib.request.urlopen(url, timeout=60).read()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.httpd.server_port}/sns"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait(self, n, timeout=60):
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self.requests) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"subscriber got {len(self.requests)} requests, wanted {n}")
                self.lock.wait(left)
            return list(self.requests)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class SnsCase(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.sns = self.server.client("sns")

    def subscriber(self, **kw):
        sub = Subscriber(**kw)
        self.addCleanup(sub.close)
        return sub

    def messages(self, **filters):
        status, doc = self.server.control("GET", "/_mockaws/sns/messages", query=filters or None)
        self.assertEqual(status, 200, doc)
        return doc

    def wait_delivery(self, topic_arn, index, status, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            msgs = self.messages(topic_arn=topic_arn)["messages"]
            if len(msgs) > index and msgs[index]["deliveries"] and msgs[index]["deliveries"][0]["status"] == status:
                return msgs[index]["deliveries"][0]
            if time.monotonic() > deadline:
                self.fail(f"no delivery reached {status}: {json.dumps(msgs, indent=1)}")
            time.sleep(0.02)

    def wait_confirmed(self, sub_arn, timeout=60):
        deadline = time.monotonic() + timeout
        while self.sns.get_subscription_attributes(SubscriptionArn=sub_arn)["Attributes"]["PendingConfirmation"] != "false":
            if time.monotonic() > deadline:
                self.fail("the subscription was not confirmed")
            time.sleep(0.02)

    def code(self, ctx, status=400):
        err = ctx.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        return err["Error"]["Code"], err["Error"]["Message"]


class Topics(SnsCase):
    def test_create_is_idempotent_and_lists_in_pages(self):
        arn = self.sns.create_topic(Name="orders")["TopicArn"]
        self.assertEqual(arn, f"arn:aws:sns:us-east-1:{DEFAULT_ACCOUNT}:orders")
        self.assertEqual(self.sns.create_topic(Name="orders")["TopicArn"], arn)
        for i in range(149):
            self.sns.create_topic(Name=f"t{i:03d}")
        pages = list(self.sns.get_paginator("list_topics").paginate())
        self.assertEqual(len(pages), 2)
        self.assertEqual(sum(len(p["Topics"]) for p in pages), 150)

    def test_names_and_fifo(self):
        with self.assertRaises(ClientError) as ctx:
            self.sns.create_topic(Name="has space")
        self.assertEqual(self.code(ctx), ("InvalidParameter", "Invalid parameter: Topic Name"))
        with self.assertRaises(ClientError) as ctx:
            self.sns.create_topic(Name="jobs", Attributes={"FifoTopic": "true"})
        self.assertIn("Fifo Topic names must end with .fifo", self.code(ctx)[1])
        arn = self.sns.create_topic(Name="jobs.fifo", Attributes={"FifoTopic": "true",
                                                                   "ContentBasedDeduplication": "true"})["TopicArn"]
        attrs = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual(attrs["FifoTopic"], "true")
        self.assertEqual(attrs["ContentBasedDeduplication"], "true")
        with self.assertRaises(ClientError) as ctx:
            self.sns.create_topic(Name="jobs.fifo", Attributes={"FifoTopic": "true", "DisplayName": "other"})
        self.assertIn("different attributes", self.code(ctx)[1])

    def test_attributes_tags_delete(self):
        arn = self.sns.create_topic(Name="t", Tags=[{"Key": "team", "Value": "a"}])["TopicArn"]
        self.sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Hello")
        attrs = self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        self.assertEqual(attrs["DisplayName"], "Hello")
        self.assertEqual(attrs["TopicArn"], arn)
        self.assertEqual(attrs["Owner"], DEFAULT_ACCOUNT)
        self.assertEqual(json.loads(attrs["Policy"])["Statement"][0]["Resource"], arn)
        self.sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"}])
        self.sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
        self.assertEqual(self.sns.list_tags_for_resource(ResourceArn=arn)["Tags"], [{"Key": "env", "Value": "test"}])
        self.sns.delete_topic(TopicArn=arn)
        self.sns.delete_topic(TopicArn=arn)  # deleting twice is fine
        with self.assertRaises(ClientError) as ctx:
            self.sns.get_topic_attributes(TopicArn=arn)
        self.assertEqual(self.code(ctx, 404), ("NotFound", "Topic does not exist"))


class Subscriptions(SnsCase):
    def test_protocols_and_confirmation(self):
        arn = self.sns.create_topic(Name="t")["TopicArn"]
        q = self.sns.subscribe(TopicArn=arn, Protocol="sqs",
                               Endpoint=f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:q")["SubscriptionArn"]
        self.assertTrue(q.startswith(arn + ":"))
        self.assertEqual(self.sns.subscribe(TopicArn=arn, Protocol="sqs",
                                            Endpoint=f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:q")["SubscriptionArn"], q)
        pending = self.sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="ops@example.com")
        self.assertEqual(pending["SubscriptionArn"], "pending confirmation")
        subs = self.sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
        self.assertEqual(sorted(s["SubscriptionArn"] for s in subs), sorted([q, "PendingConfirmation"]))
        # mockaws sends no email: the token is in the inspection data
        [conf] = self.messages()["confirmations"]
        self.assertEqual(conf["status"], "recorded")
        confirmed = self.sns.confirm_subscription(TopicArn=arn, Token=conf["token"])["SubscriptionArn"]
        attrs = self.sns.get_subscription_attributes(SubscriptionArn=confirmed)["Attributes"]
        self.assertEqual(attrs["PendingConfirmation"], "false")
        self.assertEqual(attrs["Protocol"], "email")
        with self.assertRaises(ClientError) as ctx:
            self.sns.confirm_subscription(TopicArn=arn, Token="nope")
        self.assertEqual(self.code(ctx), ("InvalidParameter", "Invalid parameter: Token"))
        with self.assertRaises(ClientError) as ctx:
            self.sns.subscribe(TopicArn=arn, Protocol="smoke-signal", Endpoint="x")
        self.assertIn("does not support this protocol string", self.code(ctx)[1])
        self.sns.unsubscribe(SubscriptionArn=q)
        with self.assertRaises(ClientError) as ctx:
            self.sns.get_subscription_attributes(SubscriptionArn=q)
        self.assertEqual(self.code(ctx, 404), ("NotFound", "Subscription does not exist"))

    def test_list_subscriptions_paginates(self):
        arn = self.sns.create_topic(Name="t")["TopicArn"]
        for i in range(120):
            self.sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:q{i}")
        pages = list(self.sns.get_paginator("list_subscriptions").paginate())
        self.assertEqual([len(p["Subscriptions"]) for p in pages], [100, 20])

    def test_attribute_rules(self):
        arn = self.sns.create_topic(Name="t")["TopicArn"]
        lam = self.sns.subscribe(TopicArn=arn, Protocol="lambda",
                                 Endpoint=f"arn:aws:lambda:us-east-1:{DEFAULT_ACCOUNT}:function:f")["SubscriptionArn"]
        with self.assertRaises(ClientError) as ctx:
            self.sns.set_subscription_attributes(SubscriptionArn=lam, AttributeName="RawMessageDelivery",
                                                 AttributeValue="true")
        self.assertIn("does not support raw message delivery", self.code(ctx)[1])
        with self.assertRaises(ClientError) as ctx:
            self.sns.set_subscription_attributes(SubscriptionArn=lam, AttributeName="FilterPolicy",
                                                 AttributeValue='{"a": "b"}')
        self.assertEqual(self.code(ctx)[0], "InvalidParameter")
        self.sns.set_subscription_attributes(SubscriptionArn=lam, AttributeName="FilterPolicy",
                                             AttributeValue='{"a": ["b"]}')
        attrs = self.sns.get_subscription_attributes(SubscriptionArn=lam)["Attributes"]
        self.assertEqual(attrs["FilterPolicy"], '{"a": ["b"]}')
        self.assertEqual(attrs["FilterPolicyScope"], "MessageAttributes")


class Publishing(SnsCase):
    def test_publish_and_inspect(self):
        arn = self.sns.create_topic(Name="t")["TopicArn"]
        mid = self.sns.publish(TopicArn=arn, Message="hello", Subject="Greeting", MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "created"},
            "n": {"DataType": "Number", "StringValue": "3"},
            "raw": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})["MessageId"]
        [m] = self.messages(topic_arn=arn)["messages"]
        self.assertEqual(m["message_id"], mid)
        self.assertEqual(m["message"], "hello")
        self.assertEqual(m["subject"], "Greeting")
        self.assertEqual(m["account"], DEFAULT_ACCOUNT)
        self.assertEqual(m["region"], "us-east-1")
        self.assertEqual(m["attributes"]["kind"], {"DataType": "String", "StringValue": "created"})
        self.assertEqual(m["attributes"]["raw"]["BinaryValue"], "AAE=")
        self.assertEqual(m["deliveries"], [])
        self.assertEqual(self.messages(topic_arn=arn + "x")["messages"], [])
        self.assertEqual(self.messages(region="eu-west-1")["messages"], [])
        status, _ = self.server.control("DELETE", "/_mockaws/sns/messages")
        self.assertEqual(status, 200)
        self.assertEqual(self.messages()["messages"], [])

    def test_validation(self):
        arn = self.sns.create_topic(Name="t")["TopicArn"]
        cases = [
            (dict(Message=""), "InvalidParameter", "Invalid parameter: Empty message"),
            (dict(Message="x" * 262145), "InvalidParameter", "Invalid parameter: Message too long"),
            (dict(Message="x", MessageStructure="json"), "InvalidParameter",
             "Invalid parameter: Message Structure - JSON message body failed to parse"),
            (dict(Message='{"sqs": "x"}', MessageStructure="json"), "InvalidParameter",
             "Invalid parameter: Message Structure - No default entry in JSON message body"),
            (dict(Message="x", MessageAttributes={"a": {"DataType": "Date", "StringValue": "x"}}),
             "ParameterValueInvalid",
             "The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes "
             "is Binary, Number, and String."),
            (dict(Message="x", MessageAttributes={"a": {"DataType": "Number", "StringValue": "ten"}}),
             "ParameterValueInvalid", "Could not cast message attribute 'a' value to number."),
        ]
        for kw, code, msg in cases:
            with self.subTest(kw=str(kw)[:60]):
                with self.assertRaises(ClientError) as ctx:
                    self.sns.publish(TopicArn=arn, **kw)
                self.assertEqual(self.code(ctx), (code, msg))
        self.sns.publish(TopicArn=arn, Message="x" * 262144)
        with self.assertRaises(ClientError) as ctx:
            self.sns.publish(TopicArn=arn + "-missing", Message="x")
        self.assertEqual(self.code(ctx, 404), ("NotFound", "Topic does not exist"))

    def test_fifo(self):
        arn = self.sns.create_topic(Name="jobs.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
        with self.assertRaises(ClientError) as ctx:
            self.sns.publish(TopicArn=arn, Message="x", MessageDeduplicationId="d")
        self.assertEqual(self.code(ctx)[1], "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
        a = self.sns.publish(TopicArn=arn, Message="x", MessageGroupId="g", MessageDeduplicationId="d1")
        b = self.sns.publish(TopicArn=arn, Message="y", MessageGroupId="g", MessageDeduplicationId="d1")
        c = self.sns.publish(TopicArn=arn, Message="z", MessageGroupId="g", MessageDeduplicationId="d2")
        self.assertEqual(a["MessageId"], b["MessageId"])
        self.assertEqual(a["SequenceNumber"], b["SequenceNumber"])
        self.assertGreater(int(c["SequenceNumber"]), int(a["SequenceNumber"]))
        self.assertEqual(len(a["SequenceNumber"]), 20)
        msgs = self.messages(topic_arn=arn)["messages"]
        self.assertEqual([m["message"] for m in msgs], ["x", "z"])
        self.assertEqual(msgs[0]["group_id"], "g")

    def test_publish_batch(self):
        arn = self.sns.create_topic(Name="t")["TopicArn"]
        r = self.sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
            {"Id": str(i), "Message": f"m{i}"} for i in range(10)])
        self.assertEqual(len(r["Successful"]), 10)
        self.assertEqual(r["Failed"], [])
        with self.assertRaises(ClientError) as ctx:
            self.sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
                {"Id": str(i), "Message": "m"} for i in range(11)])
        self.assertEqual(self.code(ctx)[0], "TooManyEntriesInBatchRequest")
        with self.assertRaises(ClientError) as ctx:
            self.sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
                {"Id": "a", "Message": "m"}, {"Id": "a", "Message": "n"}])
        self.assertEqual(self.code(ctx)[0], "BatchEntryIdsNotDistinct")

    def test_failed_entries_fault(self):
        arn = self.sns.create_topic(Name="t")["TopicArn"]
        status, doc = self.server.control("POST", "/_mockaws/faults", {
            "service": "sns", "operation": "PublishBatch", "failed_entries": 0.3})
        self.assertEqual(status, 200, doc)
        r = self.sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
            {"Id": f"e{i}", "Message": "m"} for i in range(10)])
        self.assertEqual(len(r["Successful"]), 7)
        self.assertEqual(len(r["Failed"]), 3)
        for f in r["Failed"]:
            self.assertEqual(f["Code"], "InternalError")
            self.assertFalse(f["SenderFault"])
        self.assertEqual(len(self.messages(topic_arn=arn)["messages"]), 7)


class HttpDelivery(SnsCase):
    def test_confirm_then_deliver_the_envelope(self):
        sub = self.subscriber()
        arn = self.sns.create_topic(Name="t")["TopicArn"]
        sub_arn = self.sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=sub.url,
                                     ReturnSubscriptionArn=True)["SubscriptionArn"]
        self.wait_confirmed(sub_arn)
        path, headers, body = sub.wait(1)[0]
        self.assertEqual(path, "/sns")
        self.assertEqual(headers["x-amz-sns-message-type"], "SubscriptionConfirmation")
        conf = json.loads(body)
        self.assertEqual(conf["TopicArn"], arn)
        self.assertTrue(conf["SubscribeURL"].startswith(self.server.endpoint))

        mid = self.sns.publish(TopicArn=arn, Message="hello", Subject="Hi", MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "created"}})["MessageId"]
        path, headers, body = sub.wait(2)[1]
        self.assertEqual(headers["x-amz-sns-message-type"], "Notification")
        self.assertEqual(headers["x-amz-sns-message-id"], mid)
        self.assertEqual(headers["x-amz-sns-topic-arn"], arn)
        self.assertEqual(headers["x-amz-sns-subscription-arn"], sub_arn)
        self.assertTrue(headers["content-type"].startswith("text/plain"))
        env = json.loads(body)
        for field in ("Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion",
                      "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"):
            self.assertIn(field, env)
        self.assertEqual(env["Message"], "hello")
        self.assertEqual(env["MessageAttributes"], {"kind": {"Type": "String", "Value": "created"}})
        d = self.wait_delivery(arn, 0, "delivered")
        self.assertEqual(d["attempts"], 1)
        self.assertEqual(d["http_status"], 200)

    def test_raw_delivery_filters_and_retries(self):
        sub = self.subscriber(statuses=[200, 500, 502])  # confirmation, then two failures
        arn = self.sns.create_topic(Name="t")["TopicArn"]
        sub_arn = self.sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=sub.url, ReturnSubscriptionArn=True,
                                     Attributes={"RawMessageDelivery": "true",
                                                 "FilterPolicyScope": "MessageBody",
                                                 "FilterPolicy": json.dumps({"order": {"total": [{"numeric": [">", 100]}]}})
                                                 })["SubscriptionArn"]
        self.wait_confirmed(sub_arn)
        self.sns.publish(TopicArn=arn, Message=json.dumps({"order": {"total": 50}}))
        self.sns.publish(TopicArn=arn, Message=json.dumps({"order": {"total": 150}}))
        d = self.wait_delivery(arn, 1, "delivered")
        self.assertEqual(d["attempts"], 3)
        self.assertEqual(self.messages(topic_arn=arn)["messages"][0]["deliveries"][0]["status"], "filtered")
        requests = sub.wait(4)
        self.assertEqual(len(requests), 4)
        _, headers, body = requests[-1]
        self.assertEqual(headers["x-amz-sns-rawdelivery"], "true")
        self.assertEqual(json.loads(body), {"order": {"total": 150}})

    def test_attribute_filter_policy(self):
        sub = self.subscriber()
        arn = self.sns.create_topic(Name="t")["TopicArn"]
        sub_arn = self.sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=sub.url, ReturnSubscriptionArn=True,
                                     Attributes={"FilterPolicy": json.dumps({
                                         "kind": [{"prefix": "order-"}], "price": [{"numeric": ["<", 10]}]})})[
            "SubscriptionArn"]
        self.wait_confirmed(sub_arn)

        def publish(kind, price):
            self.sns.publish(TopicArn=arn, Message="m", MessageAttributes={
                "kind": {"DataType": "String", "StringValue": kind},
                "price": {"DataType": "Number", "StringValue": str(price)}})

        publish("order-created", 5)
        publish("order-created", 50)
        publish("refund", 5)
        self.wait_delivery(arn, 0, "delivered")
        statuses = [m["deliveries"][0]["status"] for m in self.messages(topic_arn=arn)["messages"]]
        self.assertEqual(statuses, ["delivered", "filtered", "filtered"])

    def test_other_protocols_are_recorded(self):
        arn = self.sns.create_topic(Name="t")["TopicArn"]
        self.sns.subscribe(TopicArn=arn, Protocol="lambda",
                           Endpoint=f"arn:aws:lambda:us-east-1:{DEFAULT_ACCOUNT}:function:f")
        self.sns.publish(TopicArn=arn, Message="m")
        [m] = self.messages(topic_arn=arn)["messages"]
        self.assertEqual(m["deliveries"][0]["status"], "recorded")
        self.assertEqual(m["deliveries"][0]["protocol"], "lambda")

    def test_a_queue_that_is_not_there_fails_the_delivery_not_the_publish(self):
        arn = self.sns.create_topic(Name="t")["TopicArn"]
        self.sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:q")
        self.sns.publish(TopicArn=arn, Message="m")
        [m] = self.messages(topic_arn=arn)["messages"]
        self.assertEqual(m["deliveries"][0]["status"], "failed")
        self.assertIn("NonExistentQueue", m["deliveries"][0]["error"])


class Scenario(SnsCase):
    def load(self):
        with open(os.path.join(ROOT, "scenarios", "sns-throttled-publish.json")) as f:
            status, doc = self.server.control("POST", "/_mockaws/scenario", json.load(f))
        self.assertEqual(status, 200, doc)
        return f"arn:aws:sns:us-east-1:{DEFAULT_ACCOUNT}:notifications"

    def test_legacy_retries_get_through(self):
        arn = self.load()
        sns = self.server.client("sns", retries={"mode": "legacy"})
        sns.publish(TopicArn=arn, Message="x")
        status, report = self.server.control("GET", "/_mockaws/scenario/verify")
        self.assertTrue(report["passed"], json.dumps(report, indent=1))

    def test_standard_mode_does_not_retry_sns_throttled(self):
        arn = self.load()
        sns = self.server.client("sns", retries={"mode": "standard"})
        with self.assertRaises(ClientError) as ctx:
            sns.publish(TopicArn=arn, Message="x")
        self.assertEqual(self.code(ctx, 429), ("Throttled", "Rate exceeded"))
        status, report = self.server.control("GET", "/_mockaws/scenario/verify")
        self.assertFalse(report["passed"])


class Fixtures(ServerTestCase):
    server_args = ("--fixtures", os.path.join(ROOT, "fixtures", "sns-example.json"))

    def test_fixture_topics(self):
        sns = self.server.client("sns")
        arns = sorted(t["TopicArn"] for t in sns.list_topics()["Topics"])
        self.assertEqual(arns, [f"arn:aws:sns:us-east-1:{DEFAULT_ACCOUNT}:orders",
                                f"arn:aws:sns:us-east-1:{DEFAULT_ACCOUNT}:payments.fifo"])
        subs = sns.list_subscriptions_by_topic(TopicArn=arns[0])["Subscriptions"]
        self.assertEqual(len(subs), 2)
        r = sns.publish(TopicArn=arns[1], Message="pay", MessageGroupId="g")
        self.assertIn("SequenceNumber", r)


class HostileInput(SnsCase):
    """Input SNS refuses is refused whole: never cut at a NUL, never written
    into a delivery's request head, and long lists checked in one pass."""

    def test_nul_in_a_name_is_refused_not_cut(self):
        with self.assertRaises(ClientError) as ctx:
            self.sns.create_topic(Name="zz\x00..")
        self.assertEqual(self.code(ctx), ("InvalidParameter", "Invalid parameter: Topic Name"))
        arns = [t["TopicArn"] for t in self.sns.list_topics()["Topics"]]
        self.assertFalse(any(a.endswith(":zz") for a in arns), arns)
        arn = self.sns.create_topic(Name="t")["TopicArn"]
        with self.assertRaises(ClientError) as ctx:
            self.sns.publish(TopicArn=arn, Message="hello\x00world")
        self.assertEqual(self.code(ctx), ("InvalidParameter", "Invalid parameter: Message"))
        self.assertEqual(self.messages(topic_arn=arn)["messages"], [])

    def test_endpoint_with_control_characters_is_refused(self):
        sub = self.subscriber()
        arn = self.sns.create_topic(Name="t")["TopicArn"]
        for endpoint in (sub.url + "\r\nX-Injected: 1", sub.url + "\n", sub.url + "\x00", sub.url + " x"):
            with self.assertRaises(ClientError) as ctx:
                self.sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=endpoint)
            self.assertEqual(self.code(ctx), ("InvalidParameter", "Invalid parameter: Endpoint"), repr(endpoint))
        self.assertEqual(self.sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"], [])
        self.assertEqual(sub.requests, [])

    def test_tag_quota_comes_before_the_tags(self):
        tags = [{"Key": f"k{i}", "Value": "v"} for i in range(20000)]
        tags.append({"Key": "k0", "Value": "v"})
        started = time.monotonic()
        with self.assertRaises(ClientError) as ctx:
            self.sns.create_topic(Name="t", Tags=tags)
        self.assertEqual(self.code(ctx), ("TagLimitExceeded",
                                          "Could not complete request: tag quota of per resource exceeded"))
        self.assertLess(time.monotonic() - started, 5.0)
