"""GET /_mockaws/journal/stream: the journal as server-sent events, read with
http.client while boto3 makes calls to the same server."""
import http.client
import json
import time
import unittest

from .server import Server, ServerTestCase

DEADLINE = 30  # seconds an awaited event may take: generous, never a sleep


class Stream:
    """One open stream; events() yields (event, id, data) as they come."""

    def __init__(self, port, query="", headers=None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
        self.conn.request("GET", "/_mockaws/journal/stream" + query, headers=headers or {})
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = {k.lower(): v for k, v in self.resp.getheaders()}

    def next(self):
        """The next event (comments skipped); raises socket.timeout past DEADLINE."""
        fields = {}
        while True:
            line = self.resp.readline()
            if not line:
                raise EOFError("the stream ended")
            line = line.decode().rstrip("\n")
            if line == "":
                if "event" in fields:
                    data = json.loads(fields["data"])
                    return fields["event"], fields.get("id"), data
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(": ")
            fields[name] = value

    def take(self, n):
        return [self.next() for _ in range(n)]

    def close(self):
        self.conn.close()


class JournalStream(ServerTestCase):
    def open(self, query="", headers=None):
        st = Stream(self.server.port, query, headers)
        self.addCleanup(st.close)
        self.assertEqual(st.status, 200)
        self.assertEqual(st.headers["content-type"], "text/event-stream")
        self.assertEqual(st.headers["cache-control"], "no-cache")
        return st

    def test_live_in_order_as_listed(self):
        st = self.open()  # from now: the listener exists once the headers are back
        sts = self.server.client("sts")
        s3 = self.server.client("s3")
        sts.get_caller_identity()
        s3.create_bucket(Bucket="streamed")
        s3.put_object(Bucket="streamed", Key="k", Body=b"v")
        got = st.take(3)
        self.assertEqual([e for e, _, _ in got], ["entry"] * 3)
        self.assertEqual([d["operation"] for _, _, d in got], ["GetCallerIdentity", "CreateBucket", "PutObject"])
        self.assertEqual([i for _, i, _ in got], [str(d["seq"]) for _, _, d in got])
        # each entry exactly as GET /_mockaws/journal lists it
        _, listed = self.server.control("GET", "/_mockaws/journal")
        self.assertEqual([d for _, _, d in got], listed["entries"])

    def test_since_and_last_event_id(self):
        sts = self.server.client("sts")
        for _ in range(3):
            sts.get_caller_identity()
        st = self.open("?since=1")
        self.assertEqual([i for _, i, _ in st.take(2)], ["2", "3"])
        # EventSource's reconnect: Last-Event-ID wins over since
        again = self.open("?since=0", {"Last-Event-ID": "2"})
        self.assertEqual(again.next()[1], "3")
        sts.get_caller_identity()
        self.assertEqual(again.next()[1], "4")
        self.assertEqual(st.next()[1], "4")
        for bad in ("?since=x", "?since=-1"):
            status, _, body = self.server.request("GET", "/_mockaws/journal/stream" + bad)
            self.assertEqual(status, 400, body)
            self.assertIn("since", json.loads(body)["error"])

    def test_filters(self):
        by_service = self.open("?service=s3&since=0")
        by_error = self.open("?error=NoSuchBucket&since=0")
        sts = self.server.client("sts")
        s3 = self.server.client("s3")
        sts.get_caller_identity()
        s3.create_bucket(Bucket="filtered")
        with self.assertRaises(s3.exceptions.NoSuchBucket):
            s3.list_objects_v2(Bucket="missing")
        self.assertEqual([d["operation"] for _, _, d in by_service.take(2)], ["CreateBucket", "ListObjectsV2"])
        _, _, d = by_error.next()
        self.assertEqual((d["operation"], d["error"]), ("ListObjectsV2", "NoSuchBucket"))

    def test_reset_events(self):
        st = self.open()
        sts = self.server.client("sts")
        sts.get_caller_identity()
        self.assertEqual(st.next()[0], "entry")
        self.assertEqual(self.server.control("DELETE", "/_mockaws/journal")[0], 200)
        self.assertEqual(st.next()[:1], ("reset",))
        self.assertEqual(self.server.control("POST", "/_mockaws/snapshots", {"name": "s"})[0], 200)
        self.assertEqual(self.server.control("POST", "/_mockaws/reset")[0], 200)
        self.assertEqual(st.next()[0], "reset")
        self.assertEqual(self.server.control("POST", "/_mockaws/snapshots/s/restore")[0], 200)
        event, _, data = st.next()
        self.assertEqual((event, data), ("reset", {}))
        sts.get_caller_identity()
        event, seq, data = st.next()
        self.assertEqual((event, data["seq"]), ("entry", 2))

    def test_get_only(self):
        # (mockaws_control, which cannot stream, answers 400: test_stream.c)
        status, _, _ = self.server.request("POST", "/_mockaws/journal/stream", "{}",
                                           {"Content-Type": "application/json"})
        self.assertEqual(status, 405)


class Gap(ServerTestCase):
    server_args = ("--journal-size", "4")

    def test_gap_for_what_left_the_ring(self):
        sts = self.server.client("sts")
        for _ in range(10):
            sts.get_caller_identity()
        st = Stream(self.server.port, "?since=0")
        self.addCleanup(st.close)
        event, seq, data = st.next()
        self.assertEqual((event, seq, data), ("gap", "6", {"from": 1, "to": 6}))
        self.assertEqual([i for _, i, _ in st.take(4)], ["7", "8", "9", "10"])


class Limit(ServerTestCase):
    def test_64_listeners_then_503_and_a_closed_one_frees_its_place(self):
        streams = [Stream(self.server.port) for _ in range(64)]
        self.addCleanup(lambda: [s.close() for s in streams])
        self.assertEqual({s.status for s in streams}, {200})
        status, headers, body = self.server.request("GET", "/_mockaws/journal/stream")
        self.assertEqual(status, 503)
        self.assertEqual(headers["content-type"], "application/json")
        self.assertIn("listeners", json.loads(body)["error"])
        # the others still work: every one sees the next request
        self.server.client("sts").get_caller_identity()
        self.assertEqual({s.next()[1] for s in streams[:4]}, {"1"})
        # a client that hangs up frees its listener without any event to send
        streams.pop().close()
        deadline = time.monotonic() + DEADLINE
        while True:
            st = Stream(self.server.port)
            if st.status == 200:
                streams.append(st)
                break
            st.resp.read()
            st.close()
            self.assertLess(time.monotonic(), deadline, "a closed stream's listener was never freed")
            time.sleep(0.05)


class Guard(ServerTestCase):
    server_args = ("--control-token", "s3cret")

    def test_origin_and_token(self):
        status, _, body = self.server.request(
            "GET", "/_mockaws/journal/stream",
            headers={"X-Mockaws-Control-Token": "s3cret", "Origin": "http://evil.example"})
        self.assertEqual(status, 403, body)
        self.assertEqual(self.server.request("GET", "/_mockaws/journal/stream")[0], 401)
        st = Stream(self.server.port, headers={"X-Mockaws-Control-Token": "s3cret",
                                               "Origin": f"http://127.0.0.1:{self.server.port}"})
        self.addCleanup(st.close)
        self.assertEqual(st.status, 200)
        self.server.client("sts").get_caller_identity()
        self.assertEqual(st.next()[0], "entry")




class Stop(unittest.TestCase):
    def test_stop_ends_open_streams(self):
        server = Server()
        self.addCleanup(server.stop)
        waiting = Stream(server.port)  # suspended: nothing to send
        self.addCleanup(waiting.close)
        self.assertEqual(waiting.status, 200)
        self.assertEqual(server.stop(), 0, server.logs())
        with self.assertRaises(EOFError):
            waiting.next()


class Stalled(ServerTestCase):
    server_args = ("--journal-size", "50")

    def covered(self, stream, n):
        """Seqs stream sends until n are accounted for, as entries or in gaps."""
        seqs = []
        while len(seqs) < n:
            event, _, data = stream.next()
            if event == "entry":
                seqs.append(data["seq"])
            else:
                self.assertEqual(event, "gap")
                seqs.extend(range(data["from"], data["to"] + 1))
        return seqs

    def test_stalled_readers_hold_up_no_one_and_get_every_seq_or_a_gap(self):
        # two listeners that read nothing while 600 requests go by (the ring
        # holds 50): the requests are not held up, and each listener then gets
        # every seq once, in order, as an entry or inside a gap
        stalled = [Stream(self.server.port) for _ in range(2)]
        for st in stalled:
            self.addCleanup(st.close)
        sts = self.server.client("sts")
        n = 600
        for _ in range(n):
            sts.get_caller_identity()
        for st in stalled:
            self.assertEqual(self.covered(st, n), list(range(1, n + 1)))
        # and a listener opened now still gets what comes next
        fresh = Stream(self.server.port)
        self.addCleanup(fresh.close)
        sts.get_caller_identity()
        self.assertEqual(fresh.next()[1], str(n + 1))
