"""The Python snippets of `mockaws env --client` (the README's "Clients"
section shows the same text): boto3's settings, run as printed against a
server checking signatures, and the conftest.py that makes pytest refuse to
run when an endpoint is not local."""
import os
import subprocess
import sys
import tempfile

from .server import BIN, ServerTestCase


def snippet(client, endpoint):
    return subprocess.run([BIN, "env", "--client", client, "--endpoint", endpoint],
                          check=True, capture_output=True, text=True).stdout


class Boto3Snippet(ServerTestCase):
    server_args = ("--auth", "verify")

    def test_printed_settings_round_trip_an_object(self):
        names = {}
        # only what the snippet sets: no endpoint or keys from outside
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
        saved, os.environ = os.environ, env
        try:
            exec(snippet("boto3", self.server.endpoint), names)
        finally:
            os.environ = saved
        s3, sqs = names["s3"], names["sqs"]
        body = os.urandom(70000)
        s3.create_bucket(Bucket="env-boto3")
        s3.put_object(Bucket="env-boto3", Key="dir/payload.bin", Body=body)
        listed = s3.list_objects_v2(Bucket="env-boto3")["Contents"]
        self.assertEqual([(o["Key"], o["Size"]) for o in listed], [("dir/payload.bin", 70000)])
        self.assertEqual(s3.get_object(Bucket="env-boto3", Key="dir/payload.bin")["Body"].read(), body)
        s3.delete_object(Bucket="env-boto3", Key="dir/payload.bin")
        s3.delete_bucket(Bucket="env-boto3")
        self.assertNotIn("env-boto3", [b["Name"] for b in s3.list_buckets()["Buckets"]])
        # the dummy key is the root of the default account
        url = sqs.create_queue(QueueName="q")["QueueUrl"]
        self.assertTrue(url.endswith("/123456789012/q"), url)


class PytestGuard(ServerTestCase):
    """conftest.py as printed: pytest exits 3 before any test when an
    endpoint is not local or the key looks real, and runs otherwise."""

    def run_pytest(self, **env_over):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "conftest.py"), "w") as f:
                f.write(snippet("pytest-guard", self.server.endpoint))
            with open(os.path.join(d, "test_it.py"), "w") as f:
                f.write("def test_ran():\n    print('RAN')\n")
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update(env_over)
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            return subprocess.run([self.python, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", d],
                                  capture_output=True, text=True, env=env, cwd=d)

    def setUp(self):
        super().setUp()
        # this python, else Debian's (python3-pytest in deps/test.txt)
        for py in (sys.executable, "/usr/bin/python3"):
            if subprocess.run([py, "-c", "import pytest"], capture_output=True).returncode == 0:
                self.python = py
                return
        self.fail("no python3 with pytest (deps/test.txt: python3-pytest)")

    def test_local_endpoint_runs(self):
        r = self.run_pytest(AWS_ENDPOINT_URL=self.server.endpoint,
                            AWS_ENDPOINT_URL_S3="http://localhost:1",
                            AWS_ACCESS_KEY_ID="AKIAMOCKAWS00EXAMPLE")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("RAN", r.stdout)

    def test_refusals(self):
        cases = [
            ({}, "AWS_ENDPOINT_URL is not set"),
            ({"AWS_ENDPOINT_URL": "https://sts.amazonaws.com"}, "is not local"),
            ({"AWS_ENDPOINT_URL": self.server.endpoint, "AWS_ENDPOINT_URL_SQS": "http://10.0.0.1:4566"},
             "AWS_ENDPOINT_URL_SQS=http://10.0.0.1:4566 is not local"),
            ({"AWS_ENDPOINT_URL": self.server.endpoint, "AWS_ACCESS_KEY_ID": "AKIAZZZZZZZZZZZZZZZZ"},
             "looks like a real key"),
        ]
        for env, why in cases:
            with self.subTest(env=env):
                r = self.run_pytest(**env)
                self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
                self.assertIn(why, r.stdout + r.stderr)
                self.assertNotIn("RAN", r.stdout)
