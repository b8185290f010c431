"""Records the raw HTTP requests real AWS SDK calls (boto3) send, through a
recording proxy in front of a running mockaws, for seeds of fuzz_pipeline and
fuzz_wire_*. Used by make_seeds.py; needs boto3 and a built mockaws.

Requests are written as the fuzz targets read them: request line, headers,
blank line, body, with a Content-Length (an HTTP/1.1 chunked upload is
de-chunked as libmicrohttpd would hand it over)."""
import os
import socket
import subprocess
import threading
import time


def _read_request(conn):
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = conn.recv(65536)
        if not d:
            return None
        buf += d
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    headers = [l.split(b":", 1) for l in lines[1:]]
    names = {k.strip().lower(): v.strip() for k, v in headers}
    if names.get(b"transfer-encoding", b"").lower() == b"chunked":
        body = b""
        while True:
            while b"\r\n" not in rest:
                rest += conn.recv(65536)
            size_line, rest = rest.split(b"\r\n", 1)
            n = int(size_line.split(b";")[0], 16)
            while len(rest) < n + 2:
                rest += conn.recv(65536)
            body += rest[:n]
            rest = rest[n + 2:]
            if n == 0:
                break
        headers = [(k, v) for k, v in headers if k.strip().lower() != b"transfer-encoding"]
        headers.append((b"Content-Length", b" %d" % len(body)))
    else:
        n = int(names.get(b"content-length", b"0"))
        while len(rest) < n:
            rest += conn.recv(65536)
        body = rest[:n]
    out = lines[0] + b"\r\n" + b"".join(k + b":" + v + b"\r\n" for k, v in headers if k.strip().lower() != b"connection")
    return out + b"\r\n" + body


class Recorder:
    """A proxy on a free port that records every request and forwards it to
    mockaws on upstream_port, one connection per request."""

    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.requests = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            conn, _ = self.sock.accept()
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        with conn:
            req = _read_request(conn)
            if req is None:
                return
            self.requests.append(req)
            head, body = req.split(b"\r\n\r\n", 1)
            up = socket.create_connection(("127.0.0.1", self.upstream))
            up.sendall(head + b"\r\nConnection: close\r\n\r\n" + body)
            resp = b""
            while True:
                d = up.recv(65536)
                if not d:
                    break
                resp += d
            up.close()
            conn.sendall(resp)

    def take(self):
        out, self.requests = self.requests, []
        return out


def start_mockaws(binary):
    """mockaws with the seed the fuzz targets' server uses (7), so that the ids
    it hands out (upload ids, instance ids) are the ones a replayed session
    meets in fuzz_pipeline."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    p = subprocess.Popen([binary, "--port", str(port), "--seed", "7"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return p, port
        except OSError:
            time.sleep(0.05)
    p.kill()
    raise RuntimeError("mockaws did not start")


class _Missing(dict):
    """What a failed call returns, so that a session goes on with
    placeholder values (the request that failed is recorded all the same)."""

    def __missing__(self, key):
        return "missing"


class _Tolerant:
    def __init__(self, client):
        self._c = client

    def __getattr__(self, name):
        fn = getattr(self._c, name)

        def call(**kw):
            try:
                return fn(**kw)
            except Exception as e:
                print("capture %s: %s" % (name, e))
                return _Missing()
        return call


def sessions(binary, scripts):
    """Runs each (name, fn(client_factory)) against a fresh mockaws behind a
    recorder; returns {name: [raw request, ...]}."""
    import boto3
    from botocore.config import Config

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    out = {}
    for name, fn in scripts:
        proc, port = start_mockaws(binary)
        try:
            rec = Recorder(port)
            cfg = Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"})

            def client(service, rec=rec, cfg=cfg):
                return _Tolerant(boto3.client(service, endpoint_url="http://127.0.0.1:%d" % rec.port,
                                              region_name="us-east-1", config=cfg))

            try:
                fn(client)
            except Exception as e:  # a seed need not succeed: record what was sent
                print("capture %s: %s" % (name, e))
            time.sleep(0.1)
            out[name] = rec.take()
        finally:
            proc.kill()
            proc.wait()
    return out
