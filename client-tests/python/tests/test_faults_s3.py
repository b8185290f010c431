"""Faults on S3 through boto3: the service's own throttling (503 SlowDown)
under a paginator, AccessDenied on one prefix, and the shipped S3
scenarios run end to end with `mockaws run`."""
import os
import subprocess
import sys
import unittest

import botocore.exceptions

from .server import BIN, ServerTestCase

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "..", "..", "..", "scenarios")


class S3Faults(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = self.server.client("s3", retries={"mode": "standard", "max_attempts": 3})

    def fault(self, rule):
        status, doc = self.server.control("POST", "/_mockaws/faults", rule)
        self.assertEqual(status, 200, doc)

    def test_paginator_survives_slowdown(self):
        self.s3.create_bucket(Bucket="logs")
        keys = [f"day/{i:04d}" for i in range(23)]
        for k in keys:
            self.s3.put_object(Bucket="logs", Key=k, Body=b"x")
        self.fault({"id": "slow", "service": "s3", "operation": "ListObjectsV2", "error": "SlowDown",
                    "every": 2})
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket="logs", PaginationConfig={"PageSize": 5})
        seen = [o["Key"] for page in pages for o in page.get("Contents", [])]
        self.assertEqual(seen, keys)
        entries = self.server.journal(operation="ListObjectsV2")
        throttled = [e for e in entries if e["error"] == "SlowDown"]
        self.assertTrue(throttled)
        # S3's throttling is a 503, in S3's envelope
        self.assertEqual({e["status"] for e in throttled}, {503})
        self.assertEqual(len([e for e in entries if e["error"] is None]), 5)

    def test_slowdown_retries_exhausted(self):
        self.s3.create_bucket(Bucket="busy")
        self.fault({"service": "s3", "operation": "GetObject", "error": "SlowDown"})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.s3.get_object(Bucket="busy", Key="k")
        resp = cm.exception.response
        self.assertEqual(resp["Error"]["Code"], "SlowDown")
        self.assertEqual(resp["Error"]["Message"], "Please reduce your request rate.")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 503)
        # max_attempts counts retries: 1 + 3 attempts, all in one invocation
        self.assertEqual(resp["ResponseMetadata"]["RetryAttempts"], 3)
        entries = self.server.journal(operation="GetObject")
        self.assertEqual(len(entries), 4)
        self.assertEqual(len({e["invocation_id"] for e in entries}), 1)

    def test_access_denied_on_one_prefix(self):
        self.s3.create_bucket(Bucket="bucket")
        self.s3.put_object(Bucket="bucket", Key="secret/a.txt", Body=b"s")
        self.s3.put_object(Bucket="bucket", Key="public/a.txt", Body=b"p")
        self.fault({"id": "deny", "service": "s3", "resource": "bucket/secret/.*", "error": "AccessDenied"})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.s3.get_object(Bucket="bucket", Key="secret/a.txt")
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDenied")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(cm.exception.response["ResponseMetadata"]["RetryAttempts"], 0)
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.s3.put_object(Bucket="bucket", Key="secret/b.txt", Body=b"x")
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDenied")
        # the rest of the bucket is untouched
        self.assertEqual(self.s3.get_object(Bucket="bucket", Key="public/a.txt")["Body"].read(), b"p")
        keys = [o["Key"] for o in self.s3.list_objects_v2(Bucket="bucket")["Contents"]]
        self.assertEqual(keys, ["public/a.txt", "secret/a.txt"])
        # a HEAD error has no body but the right status
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.s3.head_object(Bucket="bucket", Key="secret/a.txt")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)


class S3Scenarios(unittest.TestCase):
    def run_scenario(self, name, script):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        return subprocess.run([BIN, "run", "--scenario", os.path.join(SCENARIOS, name), "--",
                               sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                              env=env)

    def test_throttled_listing_scenario(self):
        script = ("import boto3, botocore.config as c\n"
                  "s3 = boto3.client('s3', config=c.Config(retries={'mode': 'standard'}))\n"
                  "keys = [o['Key'] for p in s3.get_paginator('list_objects_v2').paginate(Bucket='logs')\n"
                  "        for o in p.get('Contents', [])]\n"
                  "assert len(keys) == 2500 == len(set(keys)), len(keys)\n")
        r = self.run_scenario("s3-throttled-listing.json", script)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("3 of 3 expectations met", r.stderr)

    def test_access_denied_scenario(self):
        script = ("import boto3, botocore.exceptions as x\n"
                  "s3 = boto3.client('s3')\n"
                  "assert s3.get_object(Bucket='reports', Key='public/summary.txt')['Body'].read() == b'all good'\n"
                  "try:\n"
                  "    s3.get_object(Bucket='reports', Key='secret/salaries.csv')\n"
                  "    raise SystemExit('expected AccessDenied')\n"
                  "except x.ClientError as e:\n"
                  "    assert e.response['Error']['Code'] == 'AccessDenied'\n")
        r = self.run_scenario("s3-access-denied-prefix.json", script)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("2 of 2 expectations met", r.stderr)


if __name__ == "__main__":
    unittest.main()
