"""The edge: bodies of any allowed size, slow and idle clients, connection
limits, absolute-form targets, request heads over the limits.

Raw sockets throughout: these are the things SDKs never do on purpose."""
import hashlib
import json
import resource
import select
import socket
import threading
import time
import xml.etree.ElementTree as ET

from .server import ServerTestCase, fake_auth

GIB = 1024 ** 3
MIB = 1024 ** 2


def proc_status(pid, field):
    """A field of /proc/PID/status in kB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def read_response(sock, timeout=10):
    """(status, headers with lowercase names, body) of one answer."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before an answer: {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    want = int(headers.get("content-length", "0"))
    while len(rest) < want:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest


def exchange(port, data, timeout=10):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        return read_response(s, timeout)


def raise_fd_limit(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        if hard != resource.RLIM_INFINITY and hard < want:
            raise AssertionError(f"this test needs {want} descriptors; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


class Bodies(ServerTestCase):
    def put_bucket(self, name="edge-bucket"):
        status, _, body = self.server.request("PUT", f"/{name}", headers={"Authorization": fake_auth("s3")})
        self.assertEqual(status, 200, body)
        return name

    def test_announced_length_reserves_nothing(self):
        # Each of these announces 4 GiB + 1 (under the 5 GiB limit) and sends
        # a few bytes: the server must not reserve what was announced.
        bucket = self.put_bucket()
        pid = self.server.proc.pid
        before = proc_status(pid, "VmSize")
        socks = []
        try:
            for i in range(4):
                s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
                s.sendall(f"PUT /{bucket}/slow{i} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          f"Content-Length: {4 * GIB + 1}\r\n\r\n".encode() + b"x" * 1000)
                socks.append(s)
            # the server has read the heads: a request on another connection is answered after them
            status, _, _ = self.server.request("GET", "/_mockaws/health")
            self.assertEqual(status, 200)
            grown_kb = proc_status(pid, "VmSize") - before
            self.assertLess(grown_kb, 512 * 1024,
                            f"4 announced 4 GiB bodies grew the address space by {grown_kb} kB")
            self.assertLess(proc_status(pid, "RssAnon"), 512 * 1024)
        finally:
            for s in socks:
                s.close()

    def test_body_over_4_gib(self):
        # A 32-bit body length aborted the server here (GLib: "would overflow").
        bucket = self.put_bucket()
        size = 4 * GIB + 3 * MIB + 17
        block = bytes(range(256)) * (4 * MIB // 256)
        md5 = hashlib.md5()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=120) as s:
            s.sendall(f"PUT /{bucket}/big HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {size}\r\n"
                      f"Authorization: {fake_auth('s3')}\r\n\r\n".encode())
            left = size
            while left:
                piece = block if left >= len(block) else block[:left]
                md5.update(piece)
                s.sendall(piece)
                left -= len(piece)
            status, headers, body = read_response(s, timeout=300)
        self.assertEqual(status, 200, body[:500])
        self.assertEqual(headers["etag"], f'"{md5.hexdigest()}"')
        pid = self.server.proc.pid
        # held in file-backed pages, not anonymous memory
        self.assertLess(proc_status(pid, "RssAnon"), 1024 * 1024)
        status, headers, _ = self.server.request("HEAD", f"/{bucket}/big")
        self.assertEqual(status, 200)
        self.assertEqual(int(headers["content-length"]), size)
        self.assertEqual(headers["etag"], f'"{md5.hexdigest()}"')
        # the tail, through a range: the right bytes past 4 GiB
        status, _, tail = self.server.request("GET", f"/{bucket}/big", headers={"Range": "bytes=-1000"})
        self.assertEqual(status, 206)
        rem = size % len(block)
        self.assertEqual(tail, (block + block[:rem])[-1000:])
        status, _, _ = self.server.request("DELETE", f"/{bucket}/big")
        self.assertEqual(status, 204)


    def test_large_objects_live_in_file_backed_memory(self):
        # A PutObject body and an object assembled from parts are mappings of
        # (deleted) temporary files, not anonymous memory.
        s3 = self.server.client("s3")
        bucket = self.put_bucket()
        s3.put_object(Bucket=bucket, Key="single", Body=b"s" * (3 * MIB))
        up = s3.create_multipart_upload(Bucket=bucket, Key="assembled")
        parts = []
        for n, size in ((1, 5 * MIB), (2, 3 * MIB)):
            etag = s3.upload_part(Bucket=bucket, Key="assembled", UploadId=up["UploadId"], PartNumber=n,
                                  Body=bytes([n]) * size)["ETag"]
            parts.append({"PartNumber": n, "ETag": etag})
        s3.complete_multipart_upload(Bucket=bucket, Key="assembled", UploadId=up["UploadId"],
                                     MultipartUpload={"Parts": parts})
        sizes = deleted_file_mappings(self.server.proc.pid)
        self.assertIn(3 * MIB, sizes)
        self.assertIn(8 * MIB, sizes)
        got = s3.get_object(Bucket=bucket, Key="assembled")["Body"].read()
        self.assertEqual(got, b"\x01" * (5 * MIB) + b"\x02" * (3 * MIB))


def deleted_file_mappings(pid):
    """Sizes of the process's mappings of deleted files."""
    sizes = []
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            if line.rstrip().endswith("(deleted)"):
                start, end = (int(x, 16) for x in line.split()[0].split("-"))
                sizes.append(end - start)
    return sizes


class SlowClients(ServerTestCase):
    server_args = ("--header-timeout", "2000")
    TRICKLERS = 1100  # over libmicrohttpd's default limit of 1020

    def test_slowloris_neither_blocks_others_nor_stays(self):
        raise_fd_limit(self.TRICKLERS + 200)
        port = self.server.port
        socks = []
        stop = threading.Event()
        try:
            for _ in range(self.TRICKLERS):
                s = socket.create_connection(("127.0.0.1", port), timeout=10)
                s.sendall(b"GET /_mockaws/health HTTP/1.1\r\nHost: x\r\n")
                s.setblocking(False)
                socks.append(s)

            def trickle():
                # a byte per connection every 200 ms: each one resets an idle timeout
                while not stop.is_set():
                    for s in socks:
                        try:
                            s.send(b"a")
                        except OSError:
                            pass
                    stop.wait(0.2)

            t = threading.Thread(target=trickle, daemon=True)
            t.start()
            time.sleep(0.5)
            worst = 0.0
            for _ in range(10):
                start = time.monotonic()
                status, _, _ = exchange(port, b"GET /_mockaws/health HTTP/1.1\r\nHost: x\r\n"
                                              b"Connection: close\r\n\r\n", timeout=5)
                worst = max(worst, time.monotonic() - start)
                self.assertEqual(status, 200)
            self.assertLess(worst, 1.0, f"another client waited {worst:.3f} s")

            # Past the 2 s header deadline every trickler is dropped, bytes or not.
            deadline = time.monotonic() + 8
            open_socks = {s.fileno(): s for s in socks}
            poller = select.poll()
            for fd in open_socks:
                poller.register(fd, select.POLLIN)
            while open_socks and time.monotonic() < deadline:
                for fd, _ in poller.poll(200):
                    try:
                        if open_socks[fd].recv(4096) != b"":
                            continue
                    except BlockingIOError:
                        continue
                    except OSError:
                        pass
                    poller.unregister(fd)
                    del open_socks[fd]
            self.assertEqual(len(open_socks), 0,
                             f"{len(open_socks)} of {len(socks)} trickling connections still open")
        finally:
            stop.set()
            for s in socks:
                s.close()

    def test_idle_keep_alive_connection_is_not_a_slow_client(self):
        # Answered, then silent: that is keep-alive, not a slow request head.
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(b"GET /_mockaws/health HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(read_response(s)[0], 200)
            time.sleep(3.5)
            s.sendall(b"GET /_mockaws/health HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(read_response(s)[0], 200)

    def test_held_connection_is_let_go_when_the_client_leaves(self):
        status, doc = self.server.control("POST", "/_mockaws/faults",
                                          {"service": "sts", "connection": "timeout"})
        self.assertEqual(status, 200, doc)
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      + f"Authorization: {fake_auth('sts')}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                      + body)
            # held: no answer
            self.assertEqual(select.select([s], [], [], 0.5)[0], [])
            local_port = s.getsockname()[1]
        # The server's end must not wait in CLOSE_WAIT for the hold to end.
        deadline = time.monotonic() + 5
        while close_wait(self.server.port, local_port) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertFalse(close_wait(self.server.port, local_port),
                         "the server kept the connection in CLOSE_WAIT after its client left")


def close_wait(server_port, client_port):
    """Whether the server's socket for that client is in CLOSE_WAIT."""
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            parts = line.split()
            local, remote, state = parts[1], parts[2], parts[3]
            if (int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == client_port
                    and state == "08"):
                return True
    return False


class Targets(ServerTestCase):
    def test_absolute_form_target(self):
        status, _, _ = self.server.request("PUT", "/abs-bucket", headers={"Authorization": fake_auth("s3")})
        self.assertEqual(status, 200)
        status, _, _ = self.server.request("PUT", "/abs-bucket/k", body=b"proxied",
                                           headers={"Authorization": fake_auth("s3")})
        self.assertEqual(status, 200)
        # what a proxy sends: the target names the host; the Host header is the proxy's concern
        status, _, body = exchange(self.server.port,
                                   f"GET http://127.0.0.1:{self.server.port}/abs-bucket/k HTTP/1.1\r\n"
                                   f"Host: proxy.invalid\r\nConnection: close\r\n\r\n".encode())
        self.assertEqual((status, body), (200, b"proxied"))
        # virtual-hosted style through the target's authority
        status, _, body = exchange(self.server.port,
                                   f"GET http://abs-bucket.s3.localhost:{self.server.port}/k HTTP/1.1\r\n"
                                   f"Host: proxy.invalid\r\nConnection: close\r\n\r\n".encode())
        self.assertEqual((status, body), (200, b"proxied"))
        # the control API through a proxy
        status, _, body = exchange(self.server.port,
                                   f"GET http://127.0.0.1:{self.server.port}/_mockaws/health HTTP/1.1\r\n"
                                   f"Host: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["status"], "ok")

    def test_repeated_headers_fold_and_do_not_outlive_their_request(self):
        # The edge keeps each connection's header buffers from one request to
        # the next: the second request on the connection must see its own
        # headers only, and a header sent twice (any case) folds into one.
        status, _, body = self.server.request("PUT", "/fold-bucket", headers={"Authorization": fake_auth("s3")})
        self.assertEqual(status, 200, body)
        auth = f"Authorization: {fake_auth('s3')}\r\n".encode()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(b"PUT /fold-bucket/a HTTP/1.1\r\nHost: x\r\n" + auth
                      + b"X-Amz-Meta-Color: red\r\nx-amz-meta-shade: dark\r\nx-amz-meta-COLOR: blue\r\n"
                      + b"X-Amz-Meta-Color: green\r\nContent-Length: 1\r\n\r\na")
            status, _, body = read_response(s)
            self.assertEqual(status, 200, body)
            s.sendall(b"PUT /fold-bucket/b HTTP/1.1\r\nHost: x\r\n" + auth + b"Content-Length: 1\r\n\r\nb")
            status, _, body = read_response(s)
            self.assertEqual(status, 200, body)
            s.sendall(b"GET /fold-bucket/a HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n")
            status, a, _ = read_response(s)
            self.assertEqual(status, 200)
            s.sendall(b"GET /fold-bucket/b HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n")
            status, b, _ = read_response(s)
            self.assertEqual(status, 200)
        self.assertEqual(a.get("x-amz-meta-color"), "red,blue,green")
        self.assertEqual(a.get("x-amz-meta-shade"), "dark")
        self.assertNotIn("x-amz-meta-color", b)
        self.assertNotIn("x-amz-meta-shade", b)

    def test_oversized_head_gets_an_aws_error_not_html(self):
        big = b"a" * 40000
        for name, extra, kind in (
                ("s3 header", b"X-Big: " + big + b"\r\n", "xml"),
                ("dynamodb header", b"X-Amz-Target: DynamoDB_20120810.ListTables\r\nX-Big: " + big + b"\r\n",
                 "json")):
            with self.subTest(name):
                status, headers, body = exchange(self.server.port,
                                                 b"GET /some-bucket/k HTTP/1.1\r\nHost: x\r\n" + extra
                                                 + b"Connection: close\r\n\r\n")
                self.assertEqual(status, 400, body[:300])
                self.assertNotIn(b"<html", body.lower())
                if kind == "xml":
                    # as S3 answers it
                    self.assertEqual(headers["content-type"], "application/xml")
                    self.assertEqual(ET.fromstring(body).findtext("Code"), "RequestHeaderSectionTooLarge")
                    self.assertEqual(ET.fromstring(body).findtext("MaxSizeAllowed"), "8192")
                else:
                    self.assertEqual(json.loads(body)["__type"], "RequestHeaderSectionTooLarge")
        with self.subTest("long target"):
            status, headers, body = exchange(self.server.port,
                                             b"GET /some-bucket/" + big + b" HTTP/1.1\r\nHost: x\r\n"
                                             b"Connection: close\r\n\r\n")
            self.assertEqual(status, 400, body[:300])
            self.assertEqual(ET.fromstring(body).findtext("Code"), "RequestHeaderSectionTooLarge")
        with self.subTest("just under S3's 8 KiB"):
            status, _, body = exchange(self.server.port,
                                       b"GET /_mockaws/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 7000
                                       + b"\r\nConnection: close\r\n\r\n")
            self.assertEqual(status, 200, body[:300])
        status, _, _ = self.server.request("GET", "/_mockaws/health")
        self.assertEqual(status, 200)
