"""SQS through boto3: queues and their attributes, paging, messages and their
MD5 digests, long polling, visibility on the server clock, dead-letter queues
and redrive, FIFO order and deduplication, purge, batches with partial
failures, and errors with the query-era codes SDKs report."""
import hashlib
import os
import struct
import subprocess
import sys
import threading
import time
import unittest

from botocore.exceptions import ClientError

from .server import BIN, DEFAULT_ACCOUNT, ServerTestCase


def attributes_md5(attrs):
    """AWS's documented digest of message attributes: names sorted; each name,
    data type and value preceded by its 4-byte big-endian length, a transport
    byte (1 String/Number, 2 Binary) before the value."""
    out = b""
    for name in sorted(attrs):
        a = attrs[name]
        out += struct.pack(">I", len(name.encode())) + name.encode()
        dt = a["DataType"].encode()
        out += struct.pack(">I", len(dt)) + dt
        if a["DataType"].startswith("Binary"):
            v = a["BinaryValue"]
            out += b"\x02" + struct.pack(">I", len(v)) + v
        else:
            v = a["StringValue"].encode()
            out += b"\x01" + struct.pack(">I", len(v)) + v
    return hashlib.md5(out).hexdigest()


class SqsCase(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.sqs = self.server.client("sqs")

    def queue(self, name="q", **attrs):
        return self.sqs.create_queue(QueueName=name, Attributes={k: str(v) for k, v in attrs.items()})["QueueUrl"]

    def attrs(self, url, *names):
        return self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names) or ["All"])["Attributes"]

    def error(self, fn, code, status=400, **kw):
        with self.assertRaises(ClientError) as cm:
            fn(**kw)
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status)
        return err

    def clock(self, **body):
        status, doc = self.server.control("POST", "/_mockaws/clock", body=body)
        self.assertEqual(status, 200, doc)

    def receive(self, url, **kw):
        return self.sqs.receive_message(QueueUrl=url, **kw).get("Messages", [])


class TestQueues(SqsCase):
    def test_create_is_idempotent_with_the_same_attributes(self):
        url = self.queue("jobs", VisibilityTimeout=40)
        self.assertEqual(url, f"{self.server.endpoint}/{DEFAULT_ACCOUNT}/jobs")
        self.assertEqual(self.queue("jobs", VisibilityTimeout=40), url)
        err = self.error(self.sqs.create_queue, "QueueAlreadyExists", QueueName="jobs",
                         Attributes={"VisibilityTimeout": "41"})
        self.assertIn("VisibilityTimeout", err["Error"]["Message"])
        self.assertEqual(err["ResponseMetadata"]["HTTPHeaders"]["x-amzn-query-error"],
                         "QueueAlreadyExists;Sender")

    def test_missing_queue_has_the_query_era_code(self):
        err = self.error(self.sqs.get_queue_url, "AWS.SimpleQueueService.NonExistentQueue", QueueName="nope")
        self.assertEqual(err["Error"]["Message"], "The specified queue does not exist.")
        self.error(self.sqs.send_message, "AWS.SimpleQueueService.NonExistentQueue",
                   QueueUrl=f"{self.server.endpoint}/{DEFAULT_ACCOUNT}/nope", MessageBody="x")

    def test_every_url_form_names_the_queue(self):
        self.queue("forms")
        for base in ("http://sqs.us-east-1.amazonaws.com", "https://queue.amazonaws.com",
                     "http://localhost:4566", self.server.endpoint):
            url = f"{base}/{DEFAULT_ACCOUNT}/forms"
            self.sqs.send_message(QueueUrl=url, MessageBody=base)
        self.assertEqual(self.attrs(f"http://localhost:4566/{DEFAULT_ACCOUNT}/forms",
                                    "ApproximateNumberOfMessages"),
                         {"ApproximateNumberOfMessages": "4"})
        self.error(self.sqs.send_message, "AWS.SimpleQueueService.NonExistentQueue",
                   QueueUrl="http://localhost:4566/000000000000/forms", MessageBody="x")

    def test_bad_names_and_attributes(self):
        self.error(self.sqs.create_queue, "InvalidParameterValue", QueueName="bad name")
        self.error(self.sqs.create_queue, "InvalidParameterValue", QueueName="a" * 81)
        self.error(self.sqs.create_queue, "InvalidParameterValue", QueueName="nofifo",
                   Attributes={"FifoQueue": "true"})
        err = self.error(self.sqs.create_queue, "InvalidAttributeValue", QueueName="q",
                         Attributes={"VisibilityTimeout": "43201"})
        self.assertEqual(err["Error"]["Message"], "Invalid value for the parameter VisibilityTimeout.")
        self.error(self.sqs.create_queue, "InvalidAttributeName", QueueName="q",
                   Attributes={"ContentBasedDeduplication": "true"})
        url = self.queue("q")
        self.error(self.sqs.set_queue_attributes, "InvalidAttributeValue", QueueUrl=url,
                   Attributes={"MessageRetentionPeriod": "59"})
        self.error(self.sqs.set_queue_attributes, "InvalidAttributeValue", QueueUrl=url,
                   Attributes={"DelaySeconds": "x"})

    def test_attributes_defaults_and_set(self):
        url = self.queue("attrs")
        a = self.attrs(url)
        self.assertEqual(a["VisibilityTimeout"], "30")
        self.assertEqual(a["MaximumMessageSize"], "1048576")
        self.assertEqual(a["MessageRetentionPeriod"], "345600")
        self.assertEqual(a["SqsManagedSseEnabled"], "true")
        self.assertEqual(a["QueueArn"], f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:attrs")
        self.assertNotIn("FifoQueue", a)
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "5", "Policy": "{}"})
        self.assertEqual(self.attrs(url, "DelaySeconds", "Policy"), {"DelaySeconds": "5", "Policy": "{}"})
        self.error(self.sqs.get_queue_attributes, "InvalidAttributeName", QueueUrl=url,
                   AttributeNames=["Bogus"])

    def test_list_prefix_and_paging(self):
        for i in range(7):
            self.queue(f"p-{i}")
        self.queue("other")
        urls = self.sqs.list_queues(QueueNamePrefix="p-")["QueueUrls"]
        self.assertEqual([u.rsplit("/", 1)[1] for u in urls], [f"p-{i}" for i in range(7)])
        pages = list(self.sqs.get_paginator("list_queues").paginate(PaginationConfig={"PageSize": 3}))
        self.assertEqual([len(p.get("QueueUrls", [])) for p in pages], [3, 3, 2])
        self.assertNotIn("QueueUrls", self.sqs.list_queues(QueueNamePrefix="zzz"))

    def test_delete_then_name_reusable_after_60s(self):
        self.clock(mode="virtual")
        url = self.queue("gone")
        self.sqs.delete_queue(QueueUrl=url)
        self.error(self.sqs.get_queue_url, "AWS.SimpleQueueService.NonExistentQueue", QueueName="gone")
        self.error(self.sqs.create_queue, "AWS.SimpleQueueService.QueueDeletedRecently", QueueName="gone")
        self.clock(advance_ms=60_000)
        self.assertEqual(self.queue("gone"), url)

    def test_tags(self):
        url = self.sqs.create_queue(QueueName="tagged", tags={"a": "1"})["QueueUrl"]
        self.sqs.tag_queue(QueueUrl=url, Tags={"b": "2"})
        self.sqs.untag_queue(QueueUrl=url, TagKeys=["a"])
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url)["Tags"], {"b": "2"})

    def test_messages_inspection(self):
        url = self.queue("seen")
        self.sqs.send_message(QueueUrl=url, MessageBody="now")
        self.sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
        self.queue("empty")
        status, doc = self.server.control("GET", "/_mockaws/sqs/messages", query={"queue": "seen"})
        self.assertEqual(status, 200)
        [q] = doc["queues"]
        self.assertEqual(q["arn"], f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:seen")
        self.assertEqual([m["body"] for m in q["messages"]], ["now", "later"])
        self.assertNotIn("delayed_until", q["messages"][0])
        self.assertIn("delayed_until", q["messages"][1])

    def test_purge_once_a_minute(self):
        self.clock(mode="virtual")
        url = self.queue("purged")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        self.sqs.purge_queue(QueueUrl=url)
        self.assertEqual(self.attrs(url, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"], "0")
        err = self.error(self.sqs.purge_queue, "AWS.SimpleQueueService.PurgeQueueInProgress", 403, QueueUrl=url)
        self.assertEqual(err["Error"]["Message"], "Only one PurgeQueue operation on purged is allowed every 60 seconds.")
        self.clock(advance_ms=60_000)
        self.sqs.purge_queue(QueueUrl=url)


class TestMessages(SqsCase):
    def test_md5s_are_awss(self):
        url = self.queue("md5")
        attrs = {"s": {"DataType": "String", "StringValue": "héllo"},
                 "n": {"DataType": "Number.int", "StringValue": "42"},
                 "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"}}
        sys_attrs = {"AWSTraceHeader": {"DataType": "String",
                                        "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"}}
        r = self.sqs.send_message(QueueUrl=url, MessageBody="body ☃", MessageAttributes=attrs,
                                  MessageSystemAttributes=sys_attrs)
        self.assertEqual(r["MD5OfMessageBody"], hashlib.md5("body ☃".encode()).hexdigest())
        self.assertEqual(r["MD5OfMessageAttributes"], attributes_md5(attrs))
        self.assertEqual(r["MD5OfMessageSystemAttributes"], attributes_md5(sys_attrs))
        m = self.receive(url, MessageAttributeNames=["All"], MessageSystemAttributeNames=["All"])[0]
        self.assertEqual(m["MessageAttributes"], attrs)
        self.assertEqual(m["MD5OfMessageAttributes"], attributes_md5(attrs))
        self.assertEqual(m["Attributes"]["AWSTraceHeader"], sys_attrs["AWSTraceHeader"]["StringValue"])
        # only the names asked for, and the digest of just those
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
        m = self.receive(url, MessageAttributeNames=["s", "n"])[0]
        self.assertEqual(set(m["MessageAttributes"]), {"s", "n"})
        self.assertEqual(m["MD5OfMessageAttributes"], attributes_md5({k: attrs[k] for k in ("s", "n")}))
        self.assertNotIn("Attributes", m)

    def test_body_rules(self):
        url = self.queue("bodies")
        err = self.error(self.sqs.send_message, "InvalidMessageContents", QueueUrl=url, MessageBody="a\x01b")
        self.assertIn("#x9 | #xA | #xD", err["Error"]["Message"])
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"MaximumMessageSize": "1024"})
        err = self.error(self.sqs.send_message, "InvalidParameterValue", QueueUrl=url, MessageBody="x" * 1025)
        self.assertEqual(err["Error"]["Message"],
                         "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.")
        self.sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
        self.error(self.sqs.send_message, "InvalidParameterValue", QueueUrl=url, MessageBody="x",
                   DelaySeconds=901)
        self.error(self.sqs.send_message, "InvalidParameterValue", QueueUrl=url, MessageBody="x",
                   MessageAttributes={"AWS.x": {"DataType": "String", "StringValue": "v"}})
        self.error(self.sqs.receive_message, "InvalidParameterValue", QueueUrl=url, MaxNumberOfMessages=11)
        self.error(self.sqs.receive_message, "InvalidParameterValue", QueueUrl=url, WaitTimeSeconds=21)

    def test_receipt_handles_change_and_delete(self):
        self.clock(mode="virtual")
        url = self.queue("handles", VisibilityTimeout=10)
        self.sqs.send_message(QueueUrl=url, MessageBody="m")
        first = self.receive(url)[0]
        self.assertEqual(self.receive(url), [])
        self.clock(advance_ms=10_000)
        again = self.receive(url, MessageSystemAttributeNames=["ApproximateReceiveCount",
                                                               "ApproximateFirstReceiveTimestamp"])[0]
        self.assertNotEqual(first["ReceiptHandle"], again["ReceiptHandle"])
        self.assertEqual(again["Attributes"]["ApproximateReceiveCount"], "2")
        # a handle from the earlier receive still deletes
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
        self.assertEqual(self.attrs(url, "ApproximateNumberOfMessagesNotVisible"),
                         {"ApproximateNumberOfMessagesNotVisible": "0"})
        self.error(self.sqs.delete_message, "ReceiptHandleIsInvalid", 404, QueueUrl=url, ReceiptHandle="garbage")

    def test_counts_and_delay(self):
        self.clock(mode="virtual")
        url = self.queue("counts", VisibilityTimeout=60)
        self.sqs.send_message(QueueUrl=url, MessageBody="now")
        self.sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=30)
        self.sqs.send_message(QueueUrl=url, MessageBody="taken")
        self.receive(url)
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                 "ApproximateNumberOfMessagesDelayed"]
        self.assertEqual([self.attrs(url, *names)[n] for n in names], ["1", "1", "1"])
        self.clock(advance_ms=30_000)
        self.assertEqual([self.attrs(url, *names)[n] for n in names], ["2", "1", "0"])
        self.clock(advance_ms=30_000)
        self.assertEqual([self.attrs(url, *names)[n] for n in names], ["3", "0", "0"])

    def test_visibility_lapses_on_the_virtual_clock(self):
        self.clock(mode="virtual")
        url = self.queue("vis")
        self.sqs.send_message(QueueUrl=url, MessageBody="job")
        m = self.receive(url, VisibilityTimeout=300)[0]
        self.assertEqual(self.receive(url), [])
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=600)
        self.clock(advance_ms=599_000)
        self.assertEqual(self.receive(url), [])
        self.clock(advance_ms=1_000)
        self.assertEqual([x["Body"] for x in self.receive(url)], ["job"])

    def test_message_not_inflight(self):
        self.clock(mode="virtual")
        url = self.queue("inflight", VisibilityTimeout=5)
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        m = self.receive(url)[0]
        self.clock(advance_ms=5_000)
        self.error(self.sqs.change_message_visibility, "AWS.SimpleQueueService.MessageNotInflight",
                   QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=10)

    def test_long_poll_answers_when_a_message_arrives(self):
        url = self.queue("poll")
        # a worker loop: it long-polls, another thread sends while it waits
        def send_later():
            time.sleep(0.5)
            self.server.client("sqs").send_message(QueueUrl=url, MessageBody="wake")
        t = threading.Thread(target=send_later)
        start = time.monotonic()
        t.start()
        msgs = self.receive(url, WaitTimeSeconds=20)
        elapsed = time.monotonic() - start
        t.join()
        self.assertEqual([m["Body"] for m in msgs], ["wake"])
        self.assertLess(elapsed, 10, "the parked receive was answered by the send, well before 20 s")
        # other requests are served while one waits: answered while the
        # poll is still parked (its thread has not returned), not after it
        parked = self.server.client("sqs")
        parked.get_queue_url(QueueName="poll")  # the client's own set-up done before the poll
        other = threading.Thread(target=lambda: parked.receive_message(QueueUrl=url, WaitTimeSeconds=5))
        other.start()
        time.sleep(0.5)  # time to park; were it not parked yet, it still could not have returned
        self.sqs.list_queues()
        self.assertTrue(other.is_alive(), "ListQueues was answered while the long poll was still parked")
        other.join()

    def test_long_poll_woken_for_nothing_keeps_its_own_deadline(self):
        url = self.queue("race")
        results = {}

        def poll(name):
            c = self.server.client("sqs")
            c.get_queue_url(QueueName="race")  # a fresh client's first-request set-up kept out of the timing
            t0 = time.monotonic()
            msgs = c.receive_message(QueueUrl=url, WaitTimeSeconds=4).get("Messages", [])
            results[name] = (time.monotonic() - t0, len(msgs))

        threads = [threading.Thread(target=poll, args=(n,)) for n in ("a", "b")]
        for t in threads:
            t.start()
        time.sleep(2)
        self.sqs.send_message(QueueUrl=url, MessageBody="one")  # one poll gets it
        for t in threads:
            t.join()
        self.assertEqual(sorted(n for _, n in results.values()), [0, 1])
        loser = [e for e, n in results.values() if n == 0][0]
        # parked again for what was left of its 4 s, not for 4 s more
        self.assertGreaterEqual(loser, 3.9)
        self.assertLess(loser, 5.5)

    def test_clock_moving_past_a_visibility_timeout_wakes_a_long_poll(self):
        self.clock(mode="virtual")
        url = self.queue("lapse", VisibilityTimeout=60)
        self.sqs.send_message(QueueUrl=url, MessageBody="retry me")
        self.receive(url)
        got = {}

        def poll():
            t0 = time.monotonic()
            got["msgs"] = self.server.client("sqs").receive_message(QueueUrl=url, WaitTimeSeconds=20).get(
                "Messages", [])
            got["elapsed"] = time.monotonic() - t0

        t = threading.Thread(target=poll)
        t.start()
        time.sleep(0.5)
        self.clock(advance_ms=60_000)
        t.join()
        self.assertEqual([m["Body"] for m in got["msgs"]], ["retry me"])
        self.assertLess(got["elapsed"], 10, "answered when the clock moved, not at the end of the wait")

    def test_long_poll_times_out_empty(self):
        url = self.queue("quiet")
        t0 = time.monotonic()
        self.assertEqual(self.receive(url, WaitTimeSeconds=1), [])
        self.assertGreaterEqual(time.monotonic() - t0, 0.9)


class TestBatches(SqsCase):
    def test_partial_failures_and_batch_errors(self):
        url = self.queue("batch")
        r = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "ok1", "MessageBody": "a"},
            {"Id": "bad", "MessageBody": "b", "DelaySeconds": 1000},
            {"Id": "ok2", "MessageBody": "c", "MessageAttributes": {"k": {"DataType": "String",
                                                                          "StringValue": "v"}}}])
        self.assertEqual(sorted(e["Id"] for e in r["Successful"]), ["ok1", "ok2"])
        ok2 = [e for e in r["Successful"] if e["Id"] == "ok2"][0]
        self.assertEqual(ok2["MD5OfMessageBody"], hashlib.md5(b"c").hexdigest())
        self.assertEqual(ok2["MD5OfMessageAttributes"],
                         attributes_md5({"k": {"DataType": "String", "StringValue": "v"}}))
        self.assertEqual(r["Failed"], [{"Id": "bad", "SenderFault": True, "Code": "InvalidParameterValue",
                                        "Message": "Value 1000 for parameter DelaySeconds is invalid. Reason: "
                                                   "DelaySeconds must be >= 0 and <= 900."}])
        self.error(self.sqs.send_message_batch, "AWS.SimpleQueueService.EmptyBatchRequest", QueueUrl=url,
                   Entries=[])
        self.error(self.sqs.send_message_batch, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
                   QueueUrl=url, Entries=[{"Id": f"i{i}", "MessageBody": "x"} for i in range(11)])
        self.error(self.sqs.send_message_batch, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", QueueUrl=url,
                   Entries=[{"Id": "same", "MessageBody": "x"}, {"Id": "same", "MessageBody": "y"}])
        self.error(self.sqs.send_message_batch, "AWS.SimpleQueueService.InvalidBatchEntryId", QueueUrl=url,
                   Entries=[{"Id": "no spaces", "MessageBody": "x"}])
        self.error(self.sqs.send_message_batch, "AWS.SimpleQueueService.BatchRequestTooLong", QueueUrl=url,
                   Entries=[{"Id": f"i{i}", "MessageBody": "x" * 200_000} for i in range(6)])
        msgs = self.receive(url, MaxNumberOfMessages=10)
        self.assertEqual(len(msgs), 2)
        d = self.sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": "a", "ReceiptHandle": msgs[0]["ReceiptHandle"]}, {"Id": "b", "ReceiptHandle": "nope"}])
        self.assertEqual(d["Successful"], [{"Id": "a"}])
        self.assertEqual(d["Failed"][0]["Code"], "ReceiptHandleIsInvalid")

    def test_fault_fails_entries(self):
        status, doc = self.server.control("POST", "/_mockaws/faults", body={
            "service": "sqs", "operation": "SendMessageBatch", "failed_entries": 0.5})
        self.assertEqual(status, 200, doc)
        url = self.queue("faulty")
        r = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": f"e{i}", "MessageBody": str(i)} for i in range(4)])
        self.assertEqual(len(r["Successful"]), 2)
        self.assertEqual([(f["Code"], f["SenderFault"]) for f in r["Failed"]], [("InternalError", False)] * 2)


class TestDeadLetters(SqsCase):
    def test_worker_fails_three_times_then_dead_letter(self):
        self.clock(mode="virtual")
        dlq = self.queue("dlq")
        dlq_arn = self.attrs(dlq, "QueueArn")["QueueArn"]
        src = self.queue("work", VisibilityTimeout=10,
                         RedrivePolicy=f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"3"}}')
        self.sqs.send_message(QueueUrl=src, MessageBody="poison")
        for attempt in range(3):
            msgs = self.receive(src, WaitTimeSeconds=1)
            self.assertEqual(len(msgs), 1, attempt)  # processing fails: not deleted
            self.clock(advance_ms=10_000)
        self.assertEqual(self.receive(src), [])
        moved = self.receive(dlq, MessageSystemAttributeNames=["All"])
        self.assertEqual([m["Body"] for m in moved], ["poison"])
        self.assertEqual(moved[0]["Attributes"]["DeadLetterQueueSourceArn"],
                         f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:work")
        self.assertEqual(self.sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"], [src])

    def test_redrive_policy_checks(self):
        dlq = self.queue("dlq2")
        arn = self.attrs(dlq, "QueueArn")["QueueArn"]
        src = self.queue("src2")
        for bad in ('not json', f'{{"deadLetterTargetArn":"{arn}","maxReceiveCount":0}}',
                    '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:none","maxReceiveCount":1}'):
            self.error(self.sqs.set_queue_attributes, "InvalidParameterValue", QueueUrl=src,
                       Attributes={"RedrivePolicy": bad})
        self.sqs.set_queue_attributes(QueueUrl=dlq, Attributes={
            "RedriveAllowPolicy": '{"redrivePermission":"denyAll"}'})
        self.error(self.sqs.set_queue_attributes, "InvalidParameterValue", QueueUrl=src,
                   Attributes={"RedrivePolicy": f'{{"deadLetterTargetArn":"{arn}","maxReceiveCount":2}}'})

    def test_move_task_redrives_to_the_source(self):
        self.clock(mode="virtual")
        dlq = self.queue("dead")
        arn = self.attrs(dlq, "QueueArn")["QueueArn"]
        src = self.queue("live", VisibilityTimeout=1,
                         RedrivePolicy=f'{{"deadLetterTargetArn":"{arn}","maxReceiveCount":1}}')
        for i in range(3):
            self.sqs.send_message(QueueUrl=src, MessageBody=f"m{i}")
        self.receive(src, MaxNumberOfMessages=10)
        self.clock(advance_ms=1_000)
        self.assertEqual(self.receive(src, MaxNumberOfMessages=10), [])
        self.assertEqual(self.attrs(dlq, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"], "3")
        self.error(self.sqs.start_message_move_task, "InvalidParameterValue", SourceArn=self.attrs(src)["QueueArn"])
        handle = self.sqs.start_message_move_task(SourceArn=arn)["TaskHandle"]
        tasks = self.sqs.list_message_move_tasks(SourceArn=arn)["Results"]
        self.assertEqual(tasks[0]["Status"], "COMPLETED")
        self.assertEqual(tasks[0]["ApproximateNumberOfMessagesMoved"], 3)
        self.assertEqual(sorted(m["Body"] for m in self.receive(src, MaxNumberOfMessages=10)), ["m0", "m1", "m2"])
        self.error(self.sqs.cancel_message_move_task, "ResourceNotFoundException", 404, TaskHandle=handle)


class TestFifo(SqsCase):
    def fifo(self, name="f.fifo", **attrs):
        return self.queue(name, FifoQueue="true", **attrs)

    def test_order_groups_and_dedup(self):
        url = self.fifo(ContentBasedDeduplication="true")
        self.assertEqual(self.attrs(url, "FifoQueue", "DeduplicationScope"),
                         {"FifoQueue": "true", "DeduplicationScope": "queue"})
        seqs = []
        for i in range(4):
            r = self.sqs.send_message(QueueUrl=url, MessageBody=f"a{i}", MessageGroupId="A")
            seqs.append(int(r["SequenceNumber"]))
        self.assertEqual(seqs, sorted(seqs))
        self.sqs.send_message(QueueUrl=url, MessageBody="b0", MessageGroupId="B")
        # the same content within 5 minutes is accepted and not delivered
        self.sqs.send_message(QueueUrl=url, MessageBody="a0", MessageGroupId="A")
        self.sqs.send_message(QueueUrl=url, MessageBody="other", MessageGroupId="A", MessageDeduplicationId="a0x")
        self.sqs.send_message(QueueUrl=url, MessageBody="dup", MessageGroupId="A", MessageDeduplicationId="a0x")
        first = self.receive(url, MaxNumberOfMessages=2)
        self.assertEqual([m["Body"] for m in first], ["a0", "a1"])
        # group A is blocked while its batch is in flight; B is not
        self.assertEqual([m["Body"] for m in self.receive(url, MaxNumberOfMessages=10)], ["b0"])
        self.assertEqual(self.receive(url, MaxNumberOfMessages=10), [])
        for m in first:
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        self.assertEqual([m["Body"] for m in self.receive(url, MaxNumberOfMessages=10)], ["a2", "a3", "other"])

    def test_fifo_rules(self):
        url = self.fifo("rules.fifo")
        self.error(self.sqs.send_message, "MissingParameter", QueueUrl=url, MessageBody="x")
        self.error(self.sqs.send_message, "InvalidParameterValue", QueueUrl=url, MessageBody="x",
                   MessageGroupId="g")
        self.error(self.sqs.send_message, "InvalidParameterValue", QueueUrl=url, MessageBody="x",
                   MessageGroupId="g", MessageDeduplicationId="d", DelaySeconds=5)
        std = self.queue("std")
        self.error(self.sqs.send_message, "InvalidParameterValue", QueueUrl=std, MessageBody="x",
                   MessageDeduplicationId="d")

    def test_receive_attempt_id_returns_the_same_messages(self):
        url = self.fifo("attempt.fifo")
        for i in range(3):
            self.sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId=f"g{i}",
                                  MessageDeduplicationId=f"d{i}")
        a = self.receive(url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")
        b = self.receive(url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")
        self.assertEqual([(m["MessageId"], m["ReceiptHandle"]) for m in a],
                         [(m["MessageId"], m["ReceiptHandle"]) for m in b])
        self.assertEqual([m["Body"] for m in self.receive(url, MaxNumberOfMessages=10)], ["m2"])


class TestReceiveAttributeNames(SqsCase):
    def test_legacy_attribute_names_take_the_system_attribute_names(self):
        url = self.queue("names.fifo", FifoQueue="true")
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g1",
                                     MessageDeduplicationId="d1")
        names = ["MessageGroupId", "MessageDeduplicationId", "SequenceNumber", "AWSTraceHeader", "SenderId"]
        m = self.receive(url, AttributeNames=names, VisibilityTimeout=0)[0]
        self.assertEqual(m["Attributes"]["MessageGroupId"], "g1")
        self.assertEqual(m["Attributes"]["MessageDeduplicationId"], "d1")
        self.assertEqual(m["Attributes"]["SequenceNumber"], sent["SequenceNumber"])
        self.assertNotIn("SentTimestamp", m["Attributes"])
        # a queue attribute name (as the SDKs type the member) names nothing a message has
        m = self.receive(url, AttributeNames=["VisibilityTimeout", "SentTimestamp"], VisibilityTimeout=0)[0]
        self.assertEqual(set(m["Attributes"]), {"SentTimestamp"})
        m = self.receive(url, MessageSystemAttributeNames=["MessageGroupId"], VisibilityTimeout=0)[0]
        self.assertEqual(m["Attributes"], {"MessageGroupId": "g1"})
        for member in ("AttributeNames", "MessageSystemAttributeNames"):
            err = self.error(self.receive, "InvalidAttributeName", url=url, **{member: ["SentTimestamp", "Bogus"]})
            self.assertEqual(err["Error"]["Message"], "Unknown Attribute Bogus.")
        # the message system names are not queue attributes
        self.error(self.sqs.get_queue_attributes, "InvalidAttributeName", QueueUrl=url,
                   AttributeNames=["MessageGroupId"])


class TestPermissions(SqsCase):
    def policy(self, url):
        import json
        text = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get(
            "Attributes", {}).get("Policy")
        return json.loads(text) if text else None

    def test_add_and_remove_edit_the_policy(self):
        url = self.queue("shared")
        arn = self.attrs(url, "QueueArn")["QueueArn"]
        self.sqs.add_permission(QueueUrl=url, Label="one", AWSAccountIds=["111122223333"],
                                Actions=["SendMessage"])
        self.sqs.add_permission(QueueUrl=url, Label="two", AWSAccountIds=["111122223333", "444455556666"],
                                Actions=["ReceiveMessage", "DeleteMessage"])
        doc = self.policy(url)
        self.assertEqual(doc["Version"], "2012-10-17")
        self.assertEqual(doc["Id"], f"{arn}/SQSDefaultPolicy")
        self.assertEqual(doc["Statement"], [
            {"Sid": "one", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": "SQS:SendMessage", "Resource": arn},
            {"Sid": "two", "Effect": "Allow",
             "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]},
             "Action": ["SQS:ReceiveMessage", "SQS:DeleteMessage"], "Resource": arn}])
        self.sqs.remove_permission(QueueUrl=url, Label="one")
        self.assertEqual([s["Sid"] for s in self.policy(url)["Statement"]], ["two"])
        self.sqs.remove_permission(QueueUrl=url, Label="two")
        self.assertIsNone(self.policy(url))

    def test_errors(self):
        url = self.queue("guarded")
        add = self.sqs.add_permission
        add(QueueUrl=url, Label="dup", AWSAccountIds=["111122223333"], Actions=["*"])
        err = self.error(add, "InvalidParameterValue", QueueUrl=url, Label="dup", AWSAccountIds=["111122223333"],
                         Actions=["SendMessage"])
        self.assertEqual(err["Error"]["Message"], "Value dup for parameter Label is invalid. Reason: Already exists.")
        err = self.error(self.sqs.remove_permission, "InvalidParameterValue", QueueUrl=url, Label="nope")
        self.assertEqual(err["Error"]["Message"],
                         "Value nope for parameter Label is invalid. Reason: can't find label on existing policy.")
        err = self.error(add, "InvalidParameterValue", QueueUrl=url, Label="owner", AWSAccountIds=["111122223333"],
                         Actions=["DeleteQueue"])
        self.assertEqual(err["Error"]["Message"], "Value SQS:DeleteQueue for parameter ActionName is invalid. "
                                                  "Reason: Only the queue owner is allowed to invoke this action.")
        err = self.error(add, "InvalidParameterValue", QueueUrl=url, Label="bogus", AWSAccountIds=["111122223333"],
                         Actions=["Fly"])
        self.assertIn("Value SQS:Fly for parameter ActionName is invalid.", err["Error"]["Message"])
        self.error(add, "InvalidParameterValue", QueueUrl=url, Label="bad label", AWSAccountIds=["111122223333"],
                   Actions=["SendMessage"])
        self.error(add, "InvalidParameterValue", QueueUrl=url, Label="acct", AWSAccountIds=["12"],
                   Actions=["SendMessage"])
        err = self.error(add, "OverLimit", 403, QueueUrl=url, Label="many", AWSAccountIds=["111122223333"],
                         Actions=["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
                                  "GetQueueAttributes", "GetQueueUrl", "PurgeQueue", "ListDeadLetterSourceQueues"])
        self.assertEqual(err["Error"]["Message"],
                         "8 actions were found in a statement from the submitted policy, max allowed is 7")
        for i in range(19):
            add(QueueUrl=url, Label=f"l{i}", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
        self.error(add, "OverLimit", 403, QueueUrl=url, Label="l20", AWSAccountIds=["111122223333"],
                   Actions=["SendMessage"])
        self.assertEqual(len(self.policy(url)["Statement"]), 20)
        self.error(add, "AWS.SimpleQueueService.NonExistentQueue", QueueUrl=url + "-gone", Label="x",
                   AWSAccountIds=["111122223333"], Actions=["SendMessage"])


class TestQueryDoorUnknownAction(SqsCase):
    def test_unknown_action_is_invalid_action(self):
        import urllib.parse
        import xml.etree.ElementTree as ET
        body = urllib.parse.urlencode({"Action": "FlyAway", "Version": "2012-11-05"})
        status, hdrs, data = self.server.request("POST", "/", body, {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/sqs/aws4_request, "
                             "SignedHeaders=host, Signature=00"})
        self.assertEqual(status, 400, data)
        ns = "{http://queue.amazonaws.com/doc/2012-11-05/}"
        err = ET.fromstring(data).find(f"{ns}Error")
        self.assertEqual(err.find(f"{ns}Code").text, "InvalidAction")
        self.assertEqual(err.find(f"{ns}Message").text, "The action FlyAway is not valid for this web service.")
        self.assertEqual(err.find(f"{ns}Type").text, "Sender")


class TestFaults(SqsCase):
    def rule(self, **rule):
        status, doc = self.server.control("POST", "/_mockaws/faults", body={"service": "sqs", **rule})
        self.assertEqual(status, 200, doc)

    def test_throttled_send_is_retried_by_the_sdk(self):
        url = self.queue("throttled")
        self.rule(operation="SendMessage", error="RequestThrottled", times=2)
        sqs = self.server.client("sqs", retries={"mode": "standard", "max_attempts": 5})
        r = sqs.send_message(QueueUrl=url, MessageBody="x")
        self.assertEqual(r["ResponseMetadata"]["RetryAttempts"], 2)
        sent = self.server.journal(operation="SendMessage")
        self.assertEqual([e["status"] for e in sent], [403, 403, 200])
        self.assertEqual(len(self.receive(url)), 1)
        # what the SDK saw on a throttled answer: the query-era code in x-amzn-query-error
        self.rule(operation="SendMessage", error="RequestThrottled", times=1)
        once = self.server.client("sqs", retries={"mode": "standard", "total_max_attempts": 1})
        err = self.error(once.send_message, "RequestThrottled", 403, QueueUrl=url, MessageBody="y")
        self.assertEqual(err["ResponseMetadata"]["HTTPHeaders"]["x-amzn-query-error"], "RequestThrottled;Sender")

    def test_over_limit_on_receive(self):
        url = self.queue("limited")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        self.rule(operation="ReceiveMessage", error="OverLimit", times=1)
        err = self.error(self.receive, "OverLimit", 403, url=url)
        self.assertEqual(err["ResponseMetadata"]["HTTPHeaders"]["x-amzn-query-error"], "OverLimit;Sender")
        self.assertEqual(len(self.receive(url)), 1)

    def test_failed_entries_on_delete_and_visibility_batches(self):
        url = self.queue("partial")
        for i in range(4):
            self.sqs.send_message(QueueUrl=url, MessageBody=str(i))
        msgs = self.receive(url, MaxNumberOfMessages=10)
        self.assertEqual(len(msgs), 4)
        self.rule(operation="ChangeMessageVisibilityBatch", failed_entries=0.5)
        r = self.sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
            {"Id": f"e{i}", "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 60}
            for i, m in enumerate(msgs)])
        self.assertEqual((len(r["Successful"]), len(r["Failed"])), (2, 2))
        self.assertEqual({(f["Code"], f["SenderFault"]) for f in r["Failed"]}, {("InternalError", False)})
        self.rule(operation="DeleteMessageBatch", failed_entries=True)
        r = self.sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": f"e{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)])
        self.assertEqual((r.get("Successful", []), len(r["Failed"])), ([], 4))
        # nothing was deleted: the four are still there
        status, doc = self.server.control("GET", "/_mockaws/sqs/messages", query={"queue": "partial"})
        self.assertEqual(len(doc["queues"][0]["messages"]), 4)

    def test_delay_on_receive(self):
        url = self.queue("slow")
        self.sqs.send_message(QueueUrl=url, MessageBody="x")
        self.rule(operation="ReceiveMessage", delay_ms=300, times=1)
        t0 = time.monotonic()
        self.assertEqual(len(self.receive(url)), 1)
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)
        entry = self.server.journal(operation="ReceiveMessage")[0]
        self.assertIsNotNone(entry["fault"])


class TestScenarioOnDeliveries(unittest.TestCase):
    """scenarios/sqs-fanout-with-failures.json through `mockaws run`: its
    expectations tell SNS's deliveries (caller "sns") from the client's own
    sends (caller null)."""
    CLIENT = """
import boto3
sns, sqs = boto3.client("sns"), boto3.client("sqs")
topic = sns.list_topics()["Topics"][0]["TopicArn"]
for i in range(PUBLISHES):
    sns.publish(TopicArn=topic, Message=f"order {i}")
url = sqs.get_queue_url(QueueName="orders")["QueueUrl"]
entries = [{"Id": f"e{i}", "MessageBody": f"job {i}"} for i in range(4)]
while entries:
    failed = {f["Id"] for f in sqs.send_message_batch(QueueUrl=url, Entries=entries).get("Failed", [])}
    entries = [e for e in entries if e["Id"] in failed]
bodies = []
while True:
    msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    if not msgs:
        break
    bodies += [m["Body"] for m in msgs]
assert sorted(bodies) == [f"job {i}" for i in range(4)] + [f"order {i}" for i in range(PUBLISHES)], bodies
"""

    def run_scenario(self, publishes):
        path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "scenarios", "sqs-fanout-with-failures.json")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        script = self.CLIENT.replace("PUBLISHES", str(publishes))
        return subprocess.run([BIN, "run", "--scenario", path, "--", sys.executable, "-c", script],
                              capture_output=True, text=True, timeout=120, env=env)

    def test_deliveries_and_resent_batch_met(self):
        r = self.run_scenario(3)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("4 of 4 expectations met", r.stderr)

    def test_a_missing_delivery_is_reported(self):
        r = self.run_scenario(2)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("3 of 4 expectations met", r.stderr)
        self.assertIn('"caller":"sns"', r.stderr)
