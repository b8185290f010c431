"""Start and stop a real mockaws server for one test, and talk to it.

Every test gets its own server on a free port (--port 0 --port-file), so tests
never see each other's state or journal. The binary is $MOCKAWS_BIN (set by
ctest), or build/bin/mockaws in the source tree.
"""
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import boto3
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BIN = os.path.join(HERE, "..", "..", "..", "build", "bin", "mockaws")
BIN = os.environ.get("MOCKAWS_BIN", DEFAULT_BIN)

DEFAULT_ACCOUNT = "123456789012"
STS_FORM_CT = "application/x-www-form-urlencoded; charset=utf-8"


def fake_auth(service, region="us-east-1", key="AKIDEXAMPLE"):
    """An Authorization header that looks signed; mockaws does not verify signatures."""
    return (f"AWS4-HMAC-SHA256 Credential={key}/20261129/{region}/{service}/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=00")


class Server:
    def __init__(self, *extra_args):
        self.tmp = tempfile.mkdtemp(prefix="mockaws-test-")
        port_file = os.path.join(self.tmp, "port")
        self.stdout_path = os.path.join(self.tmp, "stdout")
        self.stderr_path = os.path.join(self.tmp, "stderr")
        self.args = [BIN, "--host", "127.0.0.1", "--port", "0", "--port-file", port_file,
                     *extra_args]
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(self.args, stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL)
        # generous: a loaded machine (and ASan) can be slow to start a server
        deadline = time.monotonic() + 60
        self.port = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mockaws exited with {self.proc.returncode} before listening:"
                                   f"\n{self.logs()}")
            try:
                with open(port_file) as f:
                    text = f.read()
                if text.endswith("\n") or text.strip().isdigit():
                    self.port = int(text.strip())
                    break
            except (FileNotFoundError, ValueError):
                pass
            time.sleep(0.005)
        if self.port is None:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"mockaws wrote no port file within 60 s:\n{self.logs()}")
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def logs(self):
        if getattr(self, "final_logs", None) is not None:
            return self.final_logs
        out = []
        for p in (self.stdout_path, self.stderr_path):
            try:
                with open(p, errors="replace") as f:
                    out.append(f.read()[-4000:])
            except OSError:
                pass
        return "\n".join(out)

    def stdout(self):
        with open(self.stdout_path, errors="replace") as f:
            return f.read()

    def stop(self):
        """SIGTERM, then the exit code (0 expected: a graceful stop). The
        server's output stays readable through logs() afterwards."""
        timed_out = False
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                timed_out = True
        if os.path.isdir(self.tmp):
            self.final_logs = self.logs()
            shutil.rmtree(self.tmp, ignore_errors=True)
        if timed_out:
            raise AssertionError(f"mockaws did not stop within 60 s of SIGTERM:\n{self.logs()}")
        return self.proc.returncode

    # ---- raw HTTP ----
    def request(self, method, path, body=None, headers=None, timeout=60):
        """(status, headers as a dict with lowercase names, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if isinstance(body, str):
                body = body.encode()
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def control(self, method, path, body=None, query=None):
        """A control API call; returns (status, parsed JSON or None)."""
        url = path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {}
        if body is not None:
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
        status, _, data = self.request(method, url, body, headers)
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = None
        return status, parsed

    def journal(self, **filters):
        status, doc = self.control("GET", "/_mockaws/journal", query=filters)
        assert status == 200, f"GET journal answered {status}: {doc}"
        return doc["entries"]

    def sts_form(self, body, key="AKIDEXAMPLE", region="us-east-1", service="sts"):
        headers = {"Content-Type": STS_FORM_CT, "Authorization": fake_auth(service, region, key),
                   "X-Amz-Date": "20261129T000000Z"}
        return self.request("POST", "/", body, headers)

    # ---- SDK clients ----
    def client(self, service, key="testing", secret="testing", token=None, region="us-east-1",
               retries=None):
        cfg = Config(retries=retries) if retries else None
        return boto3.session.Session().client(
            service, endpoint_url=self.endpoint, region_name=region, aws_access_key_id=key,
            aws_secret_access_key=secret, aws_session_token=token, config=cfg)


class ServerTestCase(unittest.TestCase):
    """Starts a fresh server before each test and stops it after."""
    server_args = ()

    def setUp(self):
        self.server = Server(*self.server_args)
        self.addCleanup(self._stop)

    def _stop(self):
        code = self.server.stop()
        self.assertEqual(code, 0, f"mockaws exit code after SIGTERM:\n{self.server.logs()}")
