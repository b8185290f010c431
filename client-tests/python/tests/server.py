"""Start and stop a real mockaws server for one test, and talk to it.

Every test gets its own server on a free port (--port 0 --port-file), so tests
never see each other's state or journal. The binary is $MOCKAWS_BIN (set by
ctest), or build/bin/mockaws in the source tree.
"""
import http.client
import json
import os
import sys
import unittest
import urllib.parse

import boto3
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BIN = os.path.join(HERE, "..", "..", "..", "build", "bin", "mockaws")
BIN = os.environ.get("MOCKAWS_BIN", DEFAULT_BIN)

# the mockaws package from this tree, so that these suites need no install
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "clients", "python"))
from mockaws import ServerProcess  # noqa: E402

DEFAULT_ACCOUNT = "123456789012"
STS_FORM_CT = "application/x-www-form-urlencoded; charset=utf-8"


def fake_auth(service, region="us-east-1", key="AKIDEXAMPLE"):
    """An Authorization header that looks signed; mockaws does not verify signatures."""
    return (f"AWS4-HMAC-SHA256 Credential={key}/20261129/{region}/{service}/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=00")


class Server:
    """A server of our own (mockaws.ServerProcess), with raw HTTP, the control
    API answering (status, document), and boto3 clients on top. Starting
    raises mockaws.MockawsError, with the server's output, when it exits or
    does not listen within 60 s."""

    def __init__(self, *extra_args):
        self.process = ServerProcess(BIN, extra_args).start()
        self.mockaws = self.process.client
        self.proc = self.process.proc
        self.port = self.process.port
        self.endpoint = self.process.endpoint

    def logs(self):
        """The server's stdout and stderr (their last 8000 characters), also after stop()."""
        return self.process.output()

    def stdout(self):
        return self.process.stdout()

    def stop(self):
        """SIGTERM, then the exit code (0 expected: a graceful stop; SIGKILL and
        -9 after 60 s). The output stays readable through logs() afterwards."""
        return self.process.stop()

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
        return self.mockaws.journal(**filters)

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
