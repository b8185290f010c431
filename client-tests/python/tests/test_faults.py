"""Fault injection through real clients: retries, timeouts, resets, seeds,
and `mockaws run` scenarios. STS is the service under fault here; the S3,
DynamoDB, SNS and EC2 suites add their own service-specific faults."""
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

import botocore.exceptions
from botocore.config import Config

from .server import BIN, Server, ServerTestCase


def sts(server, **config):
    return server.client("sts", retries=config.pop("retries", None)) if not config else \
        __import__("boto3").session.Session().client(
            "sts", endpoint_url=server.endpoint, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing", config=Config(**config))


class Retries(ServerTestCase):
    def add_rule(self, rule):
        status, doc = self.server.control("POST", "/_mockaws/faults", rule)
        self.assertEqual(status, 200, doc)
        return doc["ids"]

    def attempts_of_one_invocation(self, operation):
        entries = self.server.journal(operation=operation)
        invocations = {e["invocation_id"] for e in entries}
        self.assertEqual(len(invocations), 1, entries)
        return entries

    def test_standard_retries_recover_from_two_throttles(self):
        self.add_rule({"id": "throttle", "service": "sts", "operation": "GetCallerIdentity",
                       "error": "Throttling", "times": 2})
        client = sts(self.server, retries={"mode": "standard"})
        resp = client.get_caller_identity()
        self.assertEqual(resp["ResponseMetadata"]["RetryAttempts"], 2)
        entries = self.attempts_of_one_invocation("GetCallerIdentity")
        self.assertEqual([e["attempt"] for e in entries], [1, 2, 3])
        self.assertEqual([e["error"] for e in entries], ["Throttling", "Throttling", None])
        self.assertEqual([e["fault"] for e in entries], ["throttle", "throttle", None])
        # STS sends its throttling as 400, as the real service does
        self.assertEqual([e["status"] for e in entries], [400, 400, 200])

    def test_legacy_retries_recover_from_four_throttles(self):
        self.add_rule({"service": "sts", "error": "Throttling", "times": 4})
        client = sts(self.server, retries={"mode": "legacy", "max_attempts": 4})
        resp = client.get_caller_identity()
        self.assertEqual(resp["ResponseMetadata"]["RetryAttempts"], 4)
        self.assertEqual(len(self.attempts_of_one_invocation("GetCallerIdentity")), 5)

    def test_retries_exhausted_surface_the_injected_error(self):
        self.add_rule({"service": "sts", "error": {"code": "Throttling", "message": "Rate exceeded"}})
        client = sts(self.server, retries={"mode": "standard", "total_max_attempts": 3})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            client.get_caller_identity()
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], "Throttling")
        self.assertEqual(err["Error"]["Message"], "Rate exceeded")
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(err["ResponseMetadata"]["RetryAttempts"], 2)
        self.assertEqual(len(self.attempts_of_one_invocation("GetCallerIdentity")), 3)

    def test_error_with_explicit_status_and_message(self):
        self.add_rule({"operation": "AssumeRole",
                       "error": {"code": "AccessDenied", "status": 403, "message": "not for you"}})
        client = sts(self.server, retries={"mode": "standard"})
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            client.assume_role(RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="s1")
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDenied")
        self.assertEqual(cm.exception.response["Error"]["Message"], "not for you")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        # other operations are untouched
        self.assertEqual(client.get_caller_identity()["Account"], "123456789012")

    def test_connection_reset_is_retried(self):
        self.add_rule({"id": "rst", "service": "sts", "connection": "reset", "times": 1})
        client = sts(self.server, retries={"mode": "standard"})
        resp = client.get_caller_identity()
        self.assertEqual(resp["ResponseMetadata"]["RetryAttempts"], 1)
        entries = self.attempts_of_one_invocation("GetCallerIdentity")
        self.assertEqual([e["fault"] for e in entries], ["rst", None])

    def test_connection_close_without_answer_is_retried(self):
        self.add_rule({"id": "cls", "service": "sts", "connection": "close", "times": 1})
        resp = sts(self.server, retries={"mode": "standard"}).get_caller_identity()
        self.assertEqual(resp["ResponseMetadata"]["RetryAttempts"], 1)

    def test_delay_trips_read_timeout_while_others_are_served(self):
        # The delay dwarfs anything a loaded machine adds; stopping the server
        # answers a held request at once, so it costs nothing.
        delay = 30
        self.add_rule({"id": "slow", "service": "sts", "operation": "AssumeRole", "delay_ms": delay * 1000})
        slow = sts(self.server, read_timeout=1, retries={"mode": "standard", "total_max_attempts": 1})
        fast = sts(self.server)

        def slow_call():
            start = time.monotonic()
            try:
                slow.assume_role(RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="s1")
                return "answered", time.monotonic() - start
            except botocore.exceptions.ReadTimeoutError:
                return "timeout", time.monotonic() - start

        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            future = pool.submit(slow_call)
            # the server journals a request when it has handled it, before the delay
            deadline = time.monotonic() + 60
            while not self.server.journal(operation="AssumeRole"):
                self.assertLess(time.monotonic(), deadline, "the slow request never reached the server")
                time.sleep(0.01)
            start = time.monotonic()
            for _ in range(5):
                fast.get_caller_identity()
            fast_elapsed = time.monotonic() - start
            outcome, slow_elapsed = future.result()
        self.assertEqual(outcome, "timeout")
        self.assertGreaterEqual(slow_elapsed, 0.9)
        # the client's 1 s timeout ended it, long before the server's answer
        self.assertLess(slow_elapsed, delay / 2)
        # served while the slow one was held, not queued behind its delay
        self.assertLess(fast_elapsed, delay / 2, "other clients must be served while one is delayed")
        [held] = self.server.journal(operation="AssumeRole")
        self.assertEqual(held["fault"], "slow")
        self.assertEqual(len(self.server.journal(operation="GetCallerIdentity", since=held["seq"])), 5)

    def test_timeout_holds_the_connection(self):
        self.add_rule({"service": "sts", "connection": "timeout", "times": 1})
        client = sts(self.server, read_timeout=1, retries={"mode": "standard"})
        start = time.monotonic()
        resp = client.get_caller_identity()  # first attempt times out, the retry succeeds
        self.assertGreaterEqual(time.monotonic() - start, 0.9)
        self.assertEqual(resp["ResponseMetadata"]["RetryAttempts"], 1)

    def test_rules_are_listed_with_counts_and_removed(self):
        ids = self.add_rule([{"id": "a", "operation": "AssumeRole", "error": "Throttling"},
                             {"operation": "GetCallerIdentity", "error": "Throttling", "after": 1, "times": 1}])
        self.assertEqual(ids[0], "a")
        client = sts(self.server, retries={"mode": "standard", "total_max_attempts": 1})
        client.get_caller_identity()
        with self.assertRaises(botocore.exceptions.ClientError):
            client.get_caller_identity()
        client.get_caller_identity()
        status, doc = self.server.control("GET", "/_mockaws/faults")
        second = doc["faults"][1]
        self.assertEqual((second["matched"], second["fired"], second["expired"]), (3, 1, True))
        self.assertEqual(self.server.control("DELETE", "/_mockaws/faults/a")[0], 200)
        self.assertEqual(self.server.control("DELETE", "/_mockaws/faults/a")[0], 404)
        self.assertEqual(self.server.control("DELETE", "/_mockaws/faults")[0], 200)
        self.assertEqual(self.server.control("GET", "/_mockaws/faults")[1], {"faults": []})

    def test_invalid_rules_are_refused_with_the_reason(self):
        cases = [
            ({"service": "sts", "resource": "(unclosed"}, "bad pattern"),
            ({"service": "sts", "teleport": True}, "unknown field \"teleport\""),
            ({"service": "sts", "error": "NoSuchErrorCode"}, "give its status"),
            ({"service": "sts"}, "needs an action"),
        ]
        for rule, reason in cases:
            status, doc = self.server.control("POST", "/_mockaws/faults", rule)
            self.assertEqual(status, 400, rule)
            self.assertIn(reason, doc["error"])


class Seeds(unittest.TestCase):
    def outcomes(self, seed):
        server = Server("--seed", str(seed))
        try:
            status, _ = server.control("POST", "/_mockaws/faults",
                                       {"service": "sts", "error": "Throttling", "probability": 0.5})
            self.assertEqual(status, 200)
            client = sts(server, retries={"mode": "standard", "total_max_attempts": 1})
            out = []
            for _ in range(40):
                try:
                    client.get_caller_identity()
                    out.append("ok")
                except botocore.exceptions.ClientError as e:
                    out.append(e.response["Error"]["Code"])
            return out
        finally:
            self.assertEqual(server.stop(), 0)

    def test_same_seed_same_outcomes(self):
        first, second, other = self.outcomes(7), self.outcomes(7), self.outcomes(8)
        self.assertEqual(first, second)
        self.assertNotEqual(first, other)
        self.assertTrue(5 < first.count("Throttling") < 35, first)


class Run(unittest.TestCase):
    def scenario(self, doc):
        fd, path = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(doc, f)
        self.addCleanup(os.unlink, path)
        return path

    def run_mockaws(self, *args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120, env=env)

    CLIENT = ("import boto3, botocore.config as c\n"
              "s = boto3.client('sts', config=c.Config(retries={'mode': 'standard'}))\n"
              "print(s.get_caller_identity()['Account'])\n")

    def test_scenario_met(self):
        path = self.scenario({
            "name": "throttled twice",
            "faults": [{"id": "t", "service": "sts", "error": "Throttling", "times": 2}],
            "expect": [{"operation": "GetCallerIdentity", "attempts_per_invocation": 3},
                       {"fault": "t", "count": 2},
                       {"error": None, "count": 1}]})
        r = self.run_mockaws("run", "--scenario", path, "--", sys.executable, "-c", self.CLIENT)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "123456789012")  # endpoint and credentials were set
        self.assertIn("3 of 3 expectations met", r.stderr)

    def test_unmet_expectation_fails_with_a_readable_report(self):
        path = self.scenario({
            "name": "expects too few attempts",
            "faults": [{"service": "sts", "error": "Throttling", "times": 2}],
            "expect": [{"operation": "GetCallerIdentity", "attempts_per_invocation": {"max": 2}},
                       {"sequence": ["AssumeRole", "GetCallerIdentity"]}]})
        r = self.run_mockaws("run", "--scenario", path, "--", sys.executable, "-c", self.CLIENT)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("0 of 2 expectations met", r.stderr)
        self.assertIn("the invocations made [3]", r.stderr)
        self.assertIn('the journal has ["GetCallerIdentity","GetCallerIdentity","GetCallerIdentity"]', r.stderr)

    def test_failing_command_exit_status_wins(self):
        path = self.scenario({"name": "n", "expect": [{"operation": "GetCallerIdentity", "count": 0}]})
        r = self.run_mockaws("run", "--scenario", path, "--", sys.executable, "-c", "raise SystemExit(7)")
        self.assertEqual(r.returncode, 7)

    def test_check(self):
        good = self.scenario({"name": "ok", "faults": [{"error": "Throttling"}], "expect": []})
        bad = self.scenario({"name": "bad", "faults": [{"error": "Throttling", "every": 0}]})
        r = self.run_mockaws("check", good)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.run_mockaws("check", bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn('"every" must be an integer of at least 1', r.stderr)

    def shipped(self, name, script):
        here = os.path.join(os.path.dirname(__file__), "..", "..", "..", "scenarios", name)
        return self.run_mockaws("run", "--scenario", here, "--", sys.executable, "-c", script)

    def test_shipped_retries_exhausted(self):
        r = self.shipped("sts-retries-exhausted.json",
                         "import boto3, botocore.config as c, botocore.exceptions as x\n"
                         "s = boto3.client('sts', config=c.Config(retries={'mode': 'standard'}))\n"
                         "try:\n"
                         "    s.get_caller_identity()\n"
                         "    raise SystemExit('expected Throttling')\n"
                         "except x.ClientError as e:\n"
                         "    assert e.response['Error']['Code'] == 'Throttling', e.response\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 of 2 expectations met", r.stderr)

    def test_shipped_connection_resets(self):
        r = self.shipped("connection-resets.json",
                         "import boto3, botocore.config as c\n"
                         "s = boto3.client('sts', config=c.Config(retries={'mode': 'standard'}))\n"
                         "assert s.get_caller_identity()['ResponseMetadata']['RetryAttempts'] == 2\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 of 2 expectations met", r.stderr)

    def test_shipped_slow_dependency(self):
        r = self.shipped("slow-dependency.json",
                         "import boto3, botocore.config as c, botocore.exceptions as x\n"
                         "cfg = c.Config(read_timeout=1, retries={'mode': 'standard', 'total_max_attempts': 1})\n"
                         "s = boto3.client('sts', config=cfg)\n"
                         "try:\n"
                         "    s.assume_role(RoleArn='arn:aws:iam::123456789012:role/r', RoleSessionName='slow')\n"
                         "    raise SystemExit('expected a read timeout')\n"
                         "except x.ReadTimeoutError:\n"
                         "    pass\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 of 1 expectations met", r.stderr)

    def test_shipped_scenarios_are_valid(self):
        here = os.path.join(os.path.dirname(__file__), "..", "..", "..", "scenarios")
        files = sorted(f for f in os.listdir(here) if f.endswith(".json"))
        self.assertTrue(files)
        r = self.run_mockaws("check", *[os.path.join(here, f) for f in files])
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
