"""SQS's query protocol door: the form requests older SDKs and the aws CLI of some
distributions send (Action=...&Version=2012-11-05, signed with SigV4 by botocore's own
signer, often posted to the queue's URL), answered in XML in SQS's namespace with
flattened lists and maps, and errors in the query envelope with the query-era codes.
The same queues are seen through boto3's JSON client."""
import hashlib
import urllib.parse
import xml.etree.ElementTree as ET

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from .server import DEFAULT_ACCOUNT, ServerTestCase

NS = "http://queue.amazonaws.com/doc/2012-11-05/"
Q = "{%s}" % NS
FORM = "application/x-www-form-urlencoded; charset=utf-8"


class QueryDoor(ServerTestCase):
    def call(self, action, path="/", signed=True, body=None, **params):
        """(status, headers, parsed XML root) of a query request (body: the form as is)."""
        if body is None:
            body = urllib.parse.urlencode({"Action": action, "Version": "2012-11-05", **params})
        headers = {"Content-Type": FORM}
        if signed:
            req = AWSRequest(method="POST", url=self.server.endpoint + path, data=body, headers=headers)
            SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "sqs", "us-east-1").add_auth(req)
            headers = dict(req.headers.items())
        status, hdrs, data = self.server.request("POST", path, body, headers)
        root = ET.fromstring(data)
        return status, hdrs, root

    def ok(self, action, path="/", **params):
        status, hdrs, root = self.call(action, path, **params)
        self.assertEqual(status, 200, ET.tostring(root))
        self.assertEqual(root.tag, f"{Q}{action}Response")
        self.assertTrue(hdrs["content-type"].startswith("text/xml"), hdrs)
        rid = root.find(f"{Q}ResponseMetadata/{Q}RequestId").text
        self.assertEqual(rid, hdrs["x-amzn-requestid"])
        return root.find(f"{Q}{action}Result")

    def make_queue(self, name="jobs"):
        result = self.ok("CreateQueue", QueueName=name, **{
            "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "40",
            "Attribute.2.Name": "DelaySeconds", "Attribute.2.Value": "0",
            "Tag.1.Key": "team", "Tag.1.Value": "payments"})
        url = result.find(f"{Q}QueueUrl").text
        self.assertEqual(url, f"{self.server.endpoint}/{DEFAULT_ACCOUNT}/{name}")
        return url

    def test_a_queue_worked_entirely_over_the_query_protocol(self):
        url = self.make_queue()
        self.make_queue("other")
        urls = [e.text for e in self.ok("ListQueues").findall(f"{Q}QueueUrl")]
        self.assertEqual(sorted(urls), [f"{self.server.endpoint}/{DEFAULT_ACCOUNT}/{n}" for n in ("jobs", "other")])

        attrs = self.ok("GetQueueAttributes", QueueUrl=url, **{"AttributeName.1": "VisibilityTimeout"})
        self.assertEqual([(a.find(f"{Q}Name").text, a.find(f"{Q}Value").text)
                          for a in attrs.findall(f"{Q}Attribute")], [("VisibilityTimeout", "40")])
        tags = self.ok("ListQueueTags", QueueUrl=url)
        self.assertEqual([(t.find(f"{Q}Key").text, t.find(f"{Q}Value").text) for t in tags.findall(f"{Q}Tag")],
                         [("team", "payments")])

        # posted to the queue's URL, which names the queue: no QueueUrl in the form
        sent = self.ok("SendMessage", f"/{DEFAULT_ACCOUNT}/jobs", MessageBody="hello", **{
            "MessageAttribute.1.Name": "kind", "MessageAttribute.1.Value.DataType": "String",
            "MessageAttribute.1.Value.StringValue": "created"})
        self.assertEqual(sent.find(f"{Q}MD5OfMessageBody").text, hashlib.md5(b"hello").hexdigest())
        message_id = sent.find(f"{Q}MessageId").text

        got = self.ok("ReceiveMessage", QueueUrl=url, **{"AttributeName.1": "All", "MessageAttributeName.1": "All"})
        [m] = got.findall(f"{Q}Message")
        self.assertEqual(m.find(f"{Q}MessageId").text, message_id)
        self.assertEqual(m.find(f"{Q}Body").text, "hello")
        names = {a.find(f"{Q}Name").text: a.find(f"{Q}Value").text for a in m.findall(f"{Q}Attribute")}
        self.assertEqual(names["ApproximateReceiveCount"], "1")
        self.assertIn("SentTimestamp", names)
        [ma] = m.findall(f"{Q}MessageAttribute")
        self.assertEqual(ma.find(f"{Q}Name").text, "kind")
        self.assertEqual(ma.find(f"{Q}Value/{Q}StringValue").text, "created")
        self.assertEqual(ma.find(f"{Q}Value/{Q}DataType").text, "String")

        self.ok("DeleteMessage", QueueUrl=url, ReceiptHandle=m.find(f"{Q}ReceiptHandle").text)
        self.assertEqual(self.ok("ReceiveMessage", QueueUrl=url).findall(f"{Q}Message"), [])

    def test_batches_use_the_flattened_entry_names(self):
        url = self.make_queue()
        result = self.ok("SendMessageBatch", QueueUrl=url, **{
            "SendMessageBatchRequestEntry.1.Id": "a", "SendMessageBatchRequestEntry.1.MessageBody": "one",
            "SendMessageBatchRequestEntry.2.Id": "b", "SendMessageBatchRequestEntry.2.MessageBody": "two"})
        ids = [e.find(f"{Q}Id").text for e in result.findall(f"{Q}SendMessageBatchResultEntry")]
        self.assertEqual(sorted(ids), ["a", "b"])
        got = self.ok("ReceiveMessage", QueueUrl=url, MaxNumberOfMessages="10")
        handles = [m.find(f"{Q}ReceiptHandle").text for m in got.findall(f"{Q}Message")]
        self.assertEqual(len(handles), 2)
        params = {}
        for i, h in enumerate(handles, 1):
            params[f"DeleteMessageBatchRequestEntry.{i}.Id"] = f"d{i}"
            params[f"DeleteMessageBatchRequestEntry.{i}.ReceiptHandle"] = h
        deleted = self.ok("DeleteMessageBatch", QueueUrl=url, **params)
        self.assertEqual(sorted(e.find(f"{Q}Id").text for e in deleted.findall(f"{Q}DeleteMessageBatchResultEntry")),
                         ["d1", "d2"])

    def test_errors_are_query_envelopes_with_the_query_era_codes(self):
        status, hdrs, root = self.call("GetQueueUrl", QueueName="not-there")
        self.assertEqual(status, 400)
        self.assertEqual(root.tag, f"{Q}ErrorResponse")
        err = root.find(f"{Q}Error")
        self.assertEqual(err.find(f"{Q}Type").text, "Sender")
        self.assertEqual(err.find(f"{Q}Code").text, "AWS.SimpleQueueService.NonExistentQueue")
        self.assertTrue(err.find(f"{Q}Message").text)
        self.assertIsNotNone(err.find(f"{Q}Detail"))
        self.assertEqual(root.find(f"{Q}RequestId").text, hdrs["x-amzn-requestid"])
        # forms the query protocol cannot read are its errors, not JSON's
        for body, status, code in (("Version=2012-11-05&QueueName=q", 400, "MissingAction"),
                                   ("Action=GetQueueUrl&Version=2012-11-05&QueueName=%zz", 404,
                                    "MalformedQueryString")):
            got, _, root = self.call(None, body=body)
            self.assertEqual((got, root.tag, root.find(f"{Q}Error/{Q}Code").text),
                             (status, f"{Q}ErrorResponse", code))
        # a request the JSON protocol would have refused the same way
        status, _, root = self.call("CreateQueue", QueueName="bad name!")
        self.assertEqual(status, 400)
        self.assertEqual(root.find(f"{Q}Error/{Q}Type").text, "Sender")

    def test_json_and_query_clients_share_the_queues(self):
        sqs = self.server.client("sqs")
        url = sqs.create_queue(QueueName="shared")["QueueUrl"]
        self.ok("SendMessage", QueueUrl=url, MessageBody="from query")
        [m] = sqs.receive_message(QueueUrl=url)["Messages"]
        self.assertEqual(m["Body"], "from query")

    def test_an_unsigned_form_is_routed_by_its_version(self):
        url = self.make_queue()
        status, _, root = self.call("GetQueueUrl", signed=False, QueueName="jobs")
        self.assertEqual(status, 200, ET.tostring(root))
        self.assertEqual(root.find(f"{Q}GetQueueUrlResult/{Q}QueueUrl").text, url)
