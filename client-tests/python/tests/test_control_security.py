"""The control plane against an attacker, over real sockets: files the
control API may read, the Host / Origin / Content-Type / token guard, and
answers that stay well-formed whatever bytes a client sends."""
import base64
import json
import os
import socket
import tempfile
import shutil
import subprocess

from .server import BIN, Server, ServerTestCase, fake_auth

JSON = {"Content-Type": "application/json"}


def raw(port, request: bytes) -> bytes:
    """Sends bytes as they are (http.client refuses some), returns the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        chunks = []
        while True:
            c = s.recv(65536)
            if not c:
                break
            chunks.append(c)
    return b"".join(chunks)


def split(answer: bytes):
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, body


class Files(ServerTestCase):
    def post_state_naming(self, path):
        doc = {"s3": {"buckets": [{"name": "filebkt", "objects": [{"key": "k", "file": path}]}]}}
        return self.server.request("POST", "/_mockaws/state", json.dumps(doc), JSON)

    def test_state_cannot_name_files_on_the_machine(self):
        for path in ("/etc/passwd", "../../etc/hostname", "/proc/self/environ", "/dev/zero"):
            status, _, body = self.post_state_naming(path)
            self.assertEqual(status, 400, f"{path}: {body[:200]!r}")
            self.assertIn(b"may not name files", body)
            self.assertNotIn(b"root:", body)

    def test_scenario_does_not_echo_a_file(self):
        status, _, body = self.server.request("POST", "/_mockaws/scenario",
                                              json.dumps({"fixtures": "/etc/passwd"}), JSON)
        self.assertEqual(status, 400)
        self.assertNotIn(b"root", body)


class FixturesDir(ServerTestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="mockaws-fxdir-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.inside = os.path.join(self.dir, "in")
        os.mkdir(self.inside)
        with open(os.path.join(self.inside, "data.bin"), "wb") as f:
            f.write(b"\x00inside\xff")
        with open(os.path.join(self.dir, "secret.txt"), "w") as f:
            f.write("SECRETTOKEN\n")
        os.symlink(os.path.join(self.dir, "secret.txt"), os.path.join(self.inside, "link"))
        self.server_args = ("--fixtures-dir", self.inside)
        super().setUp()

    def state(self, path):
        doc = {"s3": {"buckets": [{"name": "fxdir", "objects": [{"key": "k", "file": path}]}]}}
        return self.server.control("POST", "/_mockaws/state", body=doc)

    def test_only_regular_files_inside(self):
        self.assertEqual(self.state("data.bin")[0], 200)
        got = self.server.client("s3").get_object(Bucket="fxdir", Key="k")["Body"].read()
        self.assertEqual(got, b"\x00inside\xff")
        for path in ("../secret.txt", os.path.join(self.dir, "secret.txt"), "link", "/etc/passwd", "/dev/zero",
                     "."):
            status, doc = self.state(path)
            self.assertEqual(status, 400, path)
            self.assertNotIn("SECRETTOKEN", json.dumps(doc))


class Guard(ServerTestCase):
    def test_host_that_a_rebound_page_would_send_is_refused(self):
        for host in ("evil.example.com:%d", "127.0.0.1.nip.io:%d"):
            status, _, body = self.server.request("POST", "/_mockaws/reset", None,
                                                  {"Host": host % self.server.port})
            self.assertEqual(status, 403, body)
            self.assertIsInstance(json.loads(body), dict)
        for host in ("localhost:%d", "127.0.0.1:%d", "mockaws:%d", "[::1]:%d", "bucket.localhost:%d"):
            status, _, body = self.server.request("GET", "/_mockaws/journal", None,
                                                  {"Host": host % self.server.port})
            self.assertEqual(status, 200, f"{host}: {body!r}")

    def test_aws_traffic_takes_any_host(self):
        status, _, body = self.server.request(
            "PUT", "/anyhost", None,
            {"Host": "evil.example.com", "Authorization": fake_auth("s3"),
             "X-Amz-Date": "20261129T000000Z"})
        self.assertEqual(status, 200, body)
        # virtual-hosted style through a *.localhost name
        status, _, body = self.server.request(
            "PUT", "/k", "v",
            {"Host": f"anyhost.localhost:{self.server.port}", "Authorization": fake_auth("s3"),
             "X-Amz-Date": "20261129T000000Z"})
        self.assertEqual(status, 200, body)
        got = self.server.client("s3").get_object(Bucket="anyhost", Key="k")["Body"].read()
        self.assertEqual(got, b"v")

    def test_cross_origin_and_simple_bodies_are_refused(self):
        status, _, body = self.server.request("POST", "/_mockaws/reset", None,
                                              {"Origin": "http://evil.example.com"})
        self.assertEqual(status, 403, body)
        for ct in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
            status, _, body = self.server.request("POST", "/_mockaws/faults",
                                                  '{"service": "s3", "error": "SlowDown"}',
                                                  {"Content-Type": ct})
            self.assertEqual(status, 415, f"{ct}: {body!r}")
        status, doc = self.server.control("GET", "/_mockaws/faults")
        self.assertEqual(doc["faults"], [])
        # what the README's curl lines send
        status, _, _ = self.server.request("POST", "/_mockaws/reset")
        self.assertEqual(status, 200)

    def test_curl_as_the_readme_writes_it(self):
        if not shutil.which("curl"):
            self.skipTest("curl not installed")
        out = subprocess.run(["curl", "-fsS", "-X", "POST", f"{self.server.endpoint}/_mockaws/clock",
                              "-H", "Content-Type: application/json", "-d", '{"advance_ms": 5}'],
                             capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0, out.stderr)
        out = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                              f"{self.server.endpoint}/_mockaws/clock", "-d", '{"advance_ms": 5}'],
                             capture_output=True, text=True, timeout=10)
        self.assertEqual(out.stdout, "415")


class AllowHost(ServerTestCase):
    server_args = ("--allow-host", "mock.ci.example.com", "--allow-host", ".team.example")

    def test_named_hosts_are_allowed(self):
        for host, want in (("mock.ci.example.com", 200), ("a.team.example:1", 200), ("team.example", 200),
                           ("other.example.com", 403), ("xteam.example", 403)):
            status, _, body = self.server.request("GET", "/_mockaws/journal", None, {"Host": host})
            self.assertEqual(status, want, f"{host}: {body!r}")

    def test_help_lists_the_flags(self):
        out = subprocess.run([BIN, "--help"], capture_output=True, text=True, timeout=10)
        for flag in ("--fixtures-dir", "--control-token", "--allow-host", "MOCKAWS_CONTROL_TOKEN"):
            self.assertIn(flag, out.stdout)


class Token(ServerTestCase):
    server_args = ("--control-token", "t0ken")

    def test_token_is_required(self):
        status, _, body = self.server.request("POST", "/_mockaws/reset")
        self.assertEqual(status, 401, body)
        self.assertEqual(self.server.request("POST", "/_mockaws/reset", None,
                                             {"X-Mockaws-Control-Token": "nope"})[0], 401)
        self.assertEqual(self.server.request("POST", "/_mockaws/reset", None,
                                             {"X-Mockaws-Control-Token": "t0ken"})[0], 200)
        self.assertEqual(self.server.request("POST", "/moto-api/reset", None,
                                             {"Authorization": "Bearer t0ken"})[0], 200)
        self.assertEqual(self.server.request("GET", "/_mockaws/health")[0], 200)
        # with the token, a shared server answers for its network name
        self.assertEqual(self.server.request("GET", "/_mockaws/journal", None,
                                             {"Host": "mock.team.example.com",
                                              "X-Mockaws-Control-Token": "t0ken"})[0], 200)

    def test_token_from_the_environment(self):
        env = dict(os.environ, MOCKAWS_CONTROL_TOKEN="envtok")
        tmp = tempfile.mkdtemp(prefix="mockaws-tok-")
        self.addCleanup(shutil.rmtree, tmp, True)
        port_file = os.path.join(tmp, "port")
        proc = subprocess.Popen([BIN, "--port", "0", "--port-file", port_file, "--log-level", "off"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(1000):
                if os.path.exists(port_file) and open(port_file).read().endswith("\n"):
                    break
                import time
                time.sleep(0.01)
            port = int(open(port_file).read())
            status, _ = split(raw(port, b"POST /_mockaws/reset HTTP/1.1\r\nHost: localhost\r\n"
                                        b"Connection: close\r\nContent-Length: 0\r\n\r\n"))
            self.assertEqual(status, 401)
            status, _ = split(raw(port, b"POST /_mockaws/reset HTTP/1.1\r\nHost: localhost\r\n"
                                        b"X-Mockaws-Control-Token: envtok\r\n"
                                        b"Connection: close\r\nContent-Length: 0\r\n\r\n"))
            self.assertEqual(status, 200)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


class Bytes(ServerTestCase):
    def put(self, path, headers=b"", body=b"x"):
        req = (b"PUT " + path + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
               b"Authorization: " + fake_auth("s3").encode() + b"\r\nX-Amz-Date: 20261129T000000Z\r\n"
               + headers + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        return split(raw(self.server.port, req))

    def test_metadata_that_is_not_utf8_keeps_the_state_dump(self):
        self.assertEqual(self.put(b"/rawmeta", body=b"")[0], 200)
        self.assertEqual(self.put(b"/rawmeta/obj", b"x-amz-meta-a: \xff\xfe\r\n")[0], 200)
        status, _, body = self.server.request("GET", "/_mockaws/state")
        self.assertEqual(status, 200)
        self.assertTrue(body, "GET /_mockaws/state answered an empty body")
        state = json.loads(body)
        obj = state["namespaces"][0]["s3"]["buckets"][0]["objects"][0]
        self.assertEqual(base64.b64decode(obj["metadata"]["a_base64"]), b"\xff\xfe")
        # round trip: reset, load the dump, the bytes are back
        self.server.control("POST", "/_mockaws/reset")
        status, _ = self.server.control("POST", "/_mockaws/state", body=state)
        self.assertEqual(status, 200)
        answer = raw(self.server.port, b"GET /rawmeta/obj HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                                       b"Authorization: " + fake_auth("s3").encode() + b"\r\n\r\n")
        self.assertIn(b"x-amz-meta-a: \xff\xfe\r\n", answer)

    def test_journal_keeps_the_entry(self):
        self.assertEqual(self.put(b"/rawjournal", body=b"")[0], 200)
        self.put(b"/rawjournal/obj", b"amz-sdk-invocation-id: \xff\r\n")
        entries = self.server.journal()
        self.assertEqual(len(entries), 2, entries)
        self.assertEqual(base64.b64decode(entries[1]["invocation_id_base64"]), b"\xff")

    def test_bad_bytes_in_control_path_and_scope_answer_json(self):
        status, body = split(raw(self.server.port, b"GET /_mockaws/\xff HTTP/1.1\r\nHost: localhost\r\n"
                                                   b"Connection: close\r\n\r\n"))
        self.assertEqual(status, 404)
        self.assertIn("no control endpoint", json.loads(body)["error"])
        auth = fake_auth("s\xff").encode("latin-1")
        status, body = split(raw(self.server.port, b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                                                   b"Authorization: " + auth + b"\r\n\r\n"))
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["__type"], "UnknownService")


class JsonLogs(ServerTestCase):
    server_args = ("--log-format", "json", "--log-level", "info")

    def test_log_lines_carry_the_journal_seq(self):
        sts = self.server.client("sts")
        for _ in range(3):
            sts.get_caller_identity()
        self.server.stop()
        seqs = []
        for line in self.server.logs().splitlines():
            line = line.strip()
            if line.startswith("{"):
                doc = json.loads(line)
                if "seq" in doc:
                    seqs.append(doc["seq"])
        self.assertEqual(seqs, [1, 2, 3])
