"""The server itself: CLI, control API, journal, routing of what no service takes,
garbage, response headers, concurrency."""
import datetime
import email.utils
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import xml.etree.ElementTree as ET

from .server import BIN, DEFAULT_ACCOUNT, Server, ServerTestCase, fake_auth

STS_NS = "{https://sts.amazonaws.com/doc/2011-06-15/}"
GCI = "Action=GetCallerIdentity&Version=2011-06-15"


def version_of_binary():
    out = subprocess.run([BIN, "--version"], capture_output=True, text=True, timeout=10)
    return out


class Cli(ServerTestCase):
    def test_stdout_announces_the_endpoint(self):
        want = re.compile(r"^mockaws (\S+) listening on http://127\.0\.0\.1:(\d+)$", re.M)
        # printed just after the port file is written: a loaded machine may take a while
        deadline = time.monotonic() + 30
        m = None
        while m is None and time.monotonic() < deadline:
            m = want.search(self.server.stdout())
            time.sleep(0.01)
        self.assertIsNotNone(m, f"no 'listening on' line on stdout (flushed?):\n"
                                f"{self.server.stdout()!r}")
        self.assertEqual(int(m.group(2)), self.server.port)

    def test_version_flag_matches_health(self):
        out = version_of_binary()
        self.assertEqual(out.returncode, 0, out.stderr)
        _, health = self.server.control("GET", "/_mockaws/health")
        self.assertIn(health["version"], out.stdout)

    def test_help_flag(self):
        out = subprocess.run([BIN, "--help"], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0, out.stderr)
        for flag in ("--port", "--port-file", "--fixtures", "--seed", "--journal-size",
                     "--log-format", "--log-level"):
            self.assertIn(flag, out.stdout)

    def test_unknown_flag_fails(self):
        out = subprocess.run([BIN, "--no-such-flag"], capture_output=True, text=True, timeout=10)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("no-such-flag", out.stderr)

    def test_port_in_use_fails_with_a_message(self):
        # A second server on a busy port must refuse to start: if both listened
        # (SO_REUSEPORT), the kernel would split one client's requests between
        # two servers with different state.
        proc = subprocess.Popen([BIN, "--host", "127.0.0.1", "--port", str(self.server.port)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # generous: a refusal under load (or ASan) can take seconds; one that
            # started listens until killed
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
            self.fail(f"a second server started on port {self.server.port}, which is in use: "
                      f"{out.strip()}")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(str(self.server.port), err)

    def test_missing_fixture_file_fails_with_a_message(self):
        out = subprocess.run([BIN, "--port", "0", "--fixtures", "/nonexistent/fx.json"],
                             capture_output=True, text=True, timeout=10)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("/nonexistent/fx.json", out.stderr)

    def test_sigint_stops_gracefully(self):
        other = Server()
        self.assertEqual(other.request("GET", "/_mockaws/health")[0], 200)
        other.proc.send_signal(signal.SIGINT)
        self.assertEqual(other.proc.wait(timeout=60), 0, other.logs())
        other.stop()


class Health(ServerTestCase):
    def test_mockaws_health(self):
        status, headers, body = self.server.request("GET", "/_mockaws/health")
        self.assertEqual(status, 200)
        self.assertTrue(headers.get("content-type", "").startswith("application/json"), headers)
        doc = json.loads(body)
        self.assertEqual(doc["status"], "ok")
        self.assertRegex(doc["version"], r"^\d+\.\d+\.\d+")
        self.assertIsInstance(doc["services"], dict)
        self.assertIn("sts", doc["services"])

    def test_localstack_health(self):
        status, doc = self.server.control("GET", "/_localstack/health")
        self.assertEqual(status, 200)
        self.assertIn("sts", doc["services"])

    def test_unknown_control_path_is_404(self):
        status, _ = self.server.control("GET", "/_mockaws/no-such-thing")
        self.assertEqual(status, 404)

    def test_state_round_trip(self):
        status, state = self.server.control("GET", "/_mockaws/state")
        self.assertEqual(status, 200)
        self.assertIsInstance(state, dict)
        status, _ = self.server.control("POST", "/_mockaws/state", body=state)
        self.assertIn(status, (200, 204))

    def test_state_rejects_bad_json(self):
        status, _, _ = self.server.request("POST", "/_mockaws/state", "{not json",
                                           {"Content-Type": "application/json"})
        self.assertEqual(status, 400)


class Journal(ServerTestCase):
    def make_traffic(self):
        sts = self.server.client("sts")
        for _ in range(3):
            sts.get_caller_identity()
        sts.assume_role(RoleArn="arn:aws:iam::210987654321:role/r", RoleSessionName="sess")
        status, _, _ = self.server.sts_form("Action=AssumeRole&Version=2011-06-15")
        self.assertEqual(status, 400)

    def test_entries_have_every_field_oldest_first(self):
        self.make_traffic()
        entries = self.server.journal(service="sts")
        self.assertEqual(len(entries), 5, entries)
        fields = {"seq", "time", "connection", "request_id", "account", "region", "service",
                  "operation", "resource", "status", "error", "fault", "duration_us",
                  "invocation_id", "attempt"}
        for e in entries:
            self.assertLessEqual(fields, set(e), f"missing {fields - set(e)}")
            self.assertIsInstance(e["duration_us"], int)
            self.assertGreaterEqual(e["duration_us"], 0)
            t = datetime.datetime.fromisoformat(e["time"].replace("Z", "+00:00"))
            now = datetime.datetime.now(datetime.timezone.utc)
            self.assertLess(abs((now - t).total_seconds()), 60, e["time"])
        seqs = [e["seq"] for e in entries]
        self.assertEqual(seqs, sorted(seqs))
        self.assertEqual(len(set(seqs)), len(seqs))
        self.assertEqual([e["operation"] for e in entries],
                         ["GetCallerIdentity"] * 3 + ["AssumeRole"] * 2)
        self.assertEqual(len({e["request_id"] for e in entries}), 5, "request ids are unique")

    def test_filters(self):
        self.make_traffic()
        self.assertEqual(len(self.server.journal(operation="GetCallerIdentity")), 3)
        self.assertEqual(len(self.server.journal(operation="AssumeRole")), 2)
        errors = self.server.journal(service="sts", error="ValidationError") or \
            self.server.journal(service="sts", error="MissingParameter")
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["status"], 400)
        self.assertEqual(self.server.journal(service="s3"), [])
        everything = self.server.journal(service="sts")
        # limit keeps the oldest matches; since is exclusive.
        limited = self.server.journal(service="sts", limit=2)
        self.assertEqual([e["seq"] for e in limited], [e["seq"] for e in everything[:2]])
        since = self.server.journal(service="sts", since=everything[2]["seq"])
        self.assertEqual([e["seq"] for e in since], [e["seq"] for e in everything[3:]])
        combined = self.server.journal(operation="GetCallerIdentity", since=everything[0]["seq"],
                                       limit=1)
        self.assertEqual([e["seq"] for e in combined], [everything[1]["seq"]])

    def test_delete_empties_it_and_seq_goes_on(self):
        self.make_traffic()
        last = self.server.journal(service="sts")[-1]["seq"]
        status, _ = self.server.control("DELETE", "/_mockaws/journal")
        self.assertIn(status, (200, 204))
        self.assertEqual(self.server.journal(), [])
        self.server.client("sts").get_caller_identity()
        [entry] = self.server.journal(service="sts")
        self.assertGreater(entry["seq"], last)

    def test_reset_empties_it(self):
        self.make_traffic()
        status, _ = self.server.control("POST", "/_mockaws/reset")
        self.assertIn(status, (200, 204))
        self.assertEqual(self.server.journal(service="sts"), [])
        self.assertEqual(self.server.client("sts").get_caller_identity()["Account"],
                         DEFAULT_ACCOUNT)

    def test_moto_api_reset_empties_it(self):
        self.make_traffic()
        status, _ = self.server.control("POST", "/moto-api/reset")
        self.assertEqual(status, 200)
        self.assertEqual(self.server.journal(service="sts"), [])

    def test_clock_advance_moves_server_time(self):
        status, _ = self.server.control("POST", "/_mockaws/clock", body={"advance_ms": 3600_000})
        self.assertIn(status, (200, 204))
        creds = self.server.client("sts").assume_role(
            RoleArn="arn:aws:iam::210987654321:role/r", RoleSessionName="sess")["Credentials"]
        now = datetime.datetime.now(datetime.timezone.utc)
        ahead = (creds["Expiration"] - now).total_seconds()
        # default DurationSeconds is 3600, on a clock one hour ahead
        self.assertTrue(7100 <= ahead <= 7300, f"Expiration is {ahead:.0f} s ahead")
        [entry] = self.server.journal(service="sts")
        t = datetime.datetime.fromisoformat(entry["time"].replace("Z", "+00:00"))
        self.assertTrue(3500 <= (t - now).total_seconds() <= 3700, entry["time"])

    def test_bad_filter_is_400(self):
        status, _ = self.server.control("GET", "/_mockaws/journal", query={"limit": "lots"})
        self.assertEqual(status, 400)


class SmallJournal(ServerTestCase):
    server_args = ("--journal-size", "3")

    def test_ring_keeps_the_newest(self):
        sts = self.server.client("sts")
        for _ in range(5):
            sts.get_caller_identity()
        entries = self.server.journal(service="sts")
        self.assertEqual([e["seq"] for e in entries], [3, 4, 5])


class Routing(ServerTestCase):
    def test_unknown_service_is_400_naming_it(self):
        status, _, body = self.server.sts_form("Action=DoThing&Version=2020-01-01",
                                               service="nosuchsvc")
        self.assertEqual(status, 400, body)
        self.assertIn(b"nosuchsvc", body)
        self.assertTrue(any(e["status"] == 400 for e in self.server.journal()),
                        "the refused request is journaled")

    def test_unknown_json_target_is_400_naming_it(self):
        status, _, body = self.server.request(
            "POST", "/", "{}", {"Content-Type": "application/x-amz-json-1.0",
                                "X-Amz-Target": "NoSuchService_20200101.DoThing",
                                "Authorization": fake_auth("nosuchsvc")})
        self.assertEqual(status, 400, body)
        self.assertTrue(b"NoSuchService_20200101" in body or b"nosuchsvc" in body, body)

    def test_sts_headers_and_request_id(self):
        status, headers, body = self.server.sts_form(GCI)
        self.assertEqual(status, 200, body)
        rid = headers.get("x-amzn-requestid")
        self.assertTrue(rid, headers)
        root = ET.fromstring(body)
        self.assertEqual(root.tag, STS_NS + "GetCallerIdentityResponse")
        self.assertEqual(root.findtext(f"{STS_NS}ResponseMetadata/{STS_NS}RequestId"), rid)
        self.assertEqual(root.findtext(f"{STS_NS}GetCallerIdentityResult/{STS_NS}Account"),
                         DEFAULT_ACCOUNT)
        self.assertTrue(headers.get("content-type", "").startswith("text/xml"), headers)
        date = email.utils.parsedate_to_datetime(headers["date"])
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - date).total_seconds()), 60, headers["date"])
        [entry] = self.server.journal(service="sts")
        self.assertEqual(entry["request_id"], rid)
        status2, headers2, _ = self.server.sts_form(GCI)
        self.assertNotEqual(headers2.get("x-amzn-requestid"), rid)

    def test_key_in_credential_scope_chooses_account(self):
        _, _, body = self.server.sts_form(GCI, key="444455556666")
        self.assertIn(b"<Account>444455556666</Account>", body)

    def test_form_in_query_string(self):
        # The query protocol also takes its parameters in a GET query string.
        status, _, body = self.server.request(
            "GET", "/?" + GCI, headers={"Authorization": fake_auth("sts")})
        self.assertEqual(status, 200, body)
        self.assertIn(b"<Account>123456789012</Account>", body)


def raw_exchange(port, data, close_after_send=False, timeout=60):
    """Send raw bytes; return the status code of the answer, or None if the
    server closed the connection without one."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        if close_after_send:
            return None
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
        m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
        return int(m.group(1)) if m else None
    except (ConnectionResetError, BrokenPipeError):
        return None
    finally:
        s.close()


class Garbage(ServerTestCase):
    def assert_healthy(self, after):
        status, doc = self.server.control("GET", "/_mockaws/health")
        self.assertEqual(status, 200, f"unhealthy after {after}")
        self.assertEqual(doc["status"], "ok")

    def test_garbage_bodies_are_4xx(self):
        sts = {"Authorization": fake_auth("sts"),
               "Content-Type": "application/x-www-form-urlencoded"}
        cases = {
            "binary form": ("POST", "/", b"\x00\xff\xfe\x80garbage=\x01%", sts),
            "empty form": ("POST", "/", b"", sts),
            "empty action": ("POST", "/", b"Action=&Version=", sts),
            "bad percent-escape": ("POST", "/", b"Action=GetCallerIdentity%zz&Version=%", sts),
            "json to a query service": ("POST", "/", b'{"Action": "GetCallerIdentity"}',
                                        {**sts, "Content-Type": "application/json"}),
            "bad json target": ("POST", "/", b"{not json",
                                {"Authorization": fake_auth("dynamodb"),
                                 "Content-Type": "application/x-amz-json-1.0",
                                 "X-Amz-Target": "DynamoDB_20120810.ListTables"}),
            "bad authorization": ("POST", "/", GCI.encode(),
                                  {"Authorization": "AWS4-HMAC-SHA256 Credential=",
                                   "Content-Type": "application/x-www-form-urlencoded"}),
        }
        for name, (method, path, body, headers) in cases.items():
            with self.subTest(name):
                status, _, resp = self.server.request(method, path, body, headers)
                self.assertTrue(400 <= status < 500, f"{name}: {status} {resp[:300]!r}")
                self.assert_healthy(name)
        self.assertEqual(self.server.client("sts").get_caller_identity()["Account"],
                         DEFAULT_ACCOUNT)

    def test_garbage_bytes_on_the_socket(self):
        port = self.server.port
        cases = {
            "not http": (b"GARBAGE\r\n\r\n", False),
            "binary": (os.urandom(2048) + b"\r\n\r\n", False),
            "header without a colon": (b"GET /_mockaws/health HTTP/1.1\r\nHost: x\r\n"
                                       b"this is not a header\r\n\r\n", False),
            "bad chunked": (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                            b"Content-Type: application/x-www-form-urlencoded\r\n\r\nzz\r\n", False),
            "short body then close": (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
                                      b"\r\nAction=", True),
            "headers cut off": (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Le", True),
        }
        for name, (data, close) in cases.items():
            with self.subTest(name):
                status = raw_exchange(port, data, close_after_send=close)
                if status is not None:
                    self.assertTrue(400 <= status < 500, f"{name}: answered {status}")
                self.assert_healthy(name)
        self.assertEqual(self.server.client("sts").get_caller_identity()["Account"],
                         DEFAULT_ACCOUNT)

    def test_huge_header_does_not_hurt(self):
        # Well formed, only big: the server may serve it or refuse it, not fall over.
        data = (b"GET /_mockaws/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1_000_000
                + b"\r\n\r\n")
        status = raw_exchange(self.server.port, data)
        self.assertTrue(status is None or status == 200 or 400 <= status < 500, status)
        self.assert_healthy("a 1 MB header")


class Concurrency(ServerTestCase):
    def test_parallel_clients(self):
        threads, per_thread = 8, 25
        failures = []

        def work(i):
            try:
                key = f"{100000000000 + i}"
                sts = self.server.client("sts", key=key)
                for _ in range(per_thread):
                    if sts.get_caller_identity()["Account"] != key:
                        failures.append(f"thread {i}: wrong account")
            except Exception as e:  # noqa: BLE001 - any failure fails the test below
                failures.append(f"thread {i}: {e!r}")

        ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        self.assertEqual(failures, [])
        entries = self.server.journal(service="sts")
        self.assertEqual(len(entries), threads * per_thread)
        self.assertEqual(len({e["seq"] for e in entries}), threads * per_thread)
        self.assertEqual(len({e["request_id"] for e in entries}), threads * per_thread)
        by_account = {}
        for e in entries:
            by_account[e["account"]] = by_account.get(e["account"], 0) + 1
        self.assertEqual(by_account, {f"{100000000000 + i}": per_thread for i in range(threads)})
