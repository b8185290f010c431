"""EC2 through boto3: the instance lifecycle behind the waiters (real time and
virtual clock), DryRun, EC2's errors, describe filters and pages, tags, client
tokens, fixtures and the eventual-consistency scenario."""
import json
import os
import time

from botocore.exceptions import ClientError, WaiterError

from .server import DEFAULT_ACCOUNT, ServerTestCase

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
AMI = "ami-ab939b9c031512198"
FAST = {"Delay": 0.1, "MaxAttempts": 100}


class Ec2Case(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.ec2 = self.server.client("ec2")

    def run_one(self, **kw):
        args = {"ImageId": AMI, "MinCount": 1, "MaxCount": 1, "InstanceType": "t3.micro"}
        args.update(kw)
        return self.ec2.run_instances(**args)["Instances"][0]["InstanceId"]

    def state(self, iid):
        r = self.ec2.describe_instances(InstanceIds=[iid])
        return r["Reservations"][0]["Instances"][0]["State"]["Name"]

    def clock(self, **body):
        status, doc = self.server.control("POST", "/_mockaws/clock", body)
        self.assertEqual(status, 200, doc)
        return doc

    def assert_code(self, ctx, code, status=400):
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        return err["Error"]["Message"]


class RealTimeWaiters(Ec2Case):
    def test_running_stopped_terminated(self):
        # pending lasts 1 s: frozen until the first poll has seen it, then real time
        self.clock(mode="virtual")
        resp = self.ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2, InstanceType="t3.micro")
        ids = [i["InstanceId"] for i in resp["Instances"]]
        self.assertEqual(len(ids), 2)
        self.assertTrue(resp["ReservationId"].startswith("r-"))
        self.assertEqual(resp["OwnerId"], DEFAULT_ACCOUNT)
        for i in resp["Instances"]:
            self.assertRegex(i["InstanceId"], r"^i-[0-9a-f]{17}$")
            self.assertEqual(i["State"], {"Code": 0, "Name": "pending"})
            self.assertRegex(i["PrivateIpAddress"], r"^172\.31\.\d+\.\d+$")
        # the first poll after RunInstances sees pending, as on AWS
        self.assertEqual(self.state(ids[0]), "pending")
        self.clock(mode="real")

        self.ec2.get_waiter("instance_exists").wait(InstanceIds=ids, WaiterConfig=FAST)
        started = time.monotonic()
        self.ec2.get_waiter("instance_running").wait(InstanceIds=ids, WaiterConfig=FAST)
        self.assertLess(time.monotonic() - started, 20)
        self.assertEqual(self.state(ids[0]), "running")

        changes = self.ec2.stop_instances(InstanceIds=ids)["StoppingInstances"]
        self.assertEqual(changes[0]["PreviousState"]["Name"], "running")
        self.assertEqual(changes[0]["CurrentState"]["Name"], "stopping")
        self.ec2.get_waiter("instance_stopped").wait(InstanceIds=ids, WaiterConfig=FAST)

        changes = self.ec2.terminate_instances(InstanceIds=ids)["TerminatingInstances"]
        self.assertEqual(changes[0]["PreviousState"]["Name"], "stopped")
        self.assertEqual(changes[0]["CurrentState"]["Name"], "shutting-down")
        self.ec2.get_waiter("instance_terminated").wait(InstanceIds=ids, WaiterConfig=FAST)
        self.assertEqual(self.state(ids[1]), "terminated")

    def test_status_ok(self):
        self.clock(mode="virtual")  # pending (1 s) until described, however slow the calls are
        iid = self.run_one()
        statuses = self.ec2.describe_instance_status(InstanceIds=[iid])["InstanceStatuses"]
        self.assertEqual(statuses, [])  # pending instances only with IncludeAllInstances
        self.clock(mode="real")
        self.ec2.get_waiter("instance_status_ok").wait(InstanceIds=[iid], WaiterConfig=FAST)
        [st] = self.ec2.describe_instance_status(InstanceIds=[iid])["InstanceStatuses"]
        self.assertEqual(st["InstanceStatus"]["Status"], "ok")
        self.assertEqual(st["SystemStatus"]["Status"], "ok")
        self.assertEqual(st["InstanceStatus"]["Details"], [{"Name": "reachability", "Status": "passed"}])

    def test_running_waiter_fails_on_terminated_instance(self):
        iid = self.run_one()
        self.ec2.terminate_instances(InstanceIds=[iid])
        with self.assertRaises(WaiterError) as ctx:
            self.ec2.get_waiter("instance_running").wait(InstanceIds=[iid], WaiterConfig=FAST)
        self.assertIn("terminal failure", str(ctx.exception))


class VirtualClockWaiters(Ec2Case):
    """With the clock frozen, nothing moves until the test advances it; then
    every waiter succeeds on its first poll, whatever its delay."""
    SLOW = {"Delay": 30, "MaxAttempts": 3}

    def test_every_waiter_finishes_at_once(self):
        self.clock(mode="virtual")
        iid = self.run_one()
        self.assertEqual(self.state(iid), "pending")
        self.assertEqual(self.state(iid), "pending")  # time does not pass by itself
        seen = self.server.journal(service="ec2")[-1]["seq"]
        self.ec2.get_waiter("instance_exists").wait(InstanceIds=[iid], WaiterConfig=self.SLOW)
        self.clock(advance_ms=1000)
        self.ec2.get_waiter("instance_running").wait(InstanceIds=[iid], WaiterConfig=self.SLOW)
        self.clock(advance_ms=2000)
        self.ec2.get_waiter("instance_status_ok").wait(InstanceIds=[iid], WaiterConfig=self.SLOW)
        self.ec2.stop_instances(InstanceIds=[iid])
        self.clock(advance_ms=1000)
        self.ec2.get_waiter("instance_stopped").wait(InstanceIds=[iid], WaiterConfig=self.SLOW)
        self.ec2.terminate_instances(InstanceIds=[iid])
        self.clock(advance_ms=1000)
        self.ec2.get_waiter("instance_terminated").wait(InstanceIds=[iid], WaiterConfig=self.SLOW)
        # one poll per waiter: a waiter that polled again had slept first
        polls = [e["operation"] for e in self.server.journal(service="ec2", since=seen)
                 if e["operation"].startswith("Describe")]
        self.assertEqual(polls, ["DescribeInstances", "DescribeInstances", "DescribeInstanceStatus",
                                 "DescribeInstances", "DescribeInstances"],
                         "a waiter slept: the virtual clock did not settle the state")
        # terminated instances disappear after an hour of server time
        self.clock(advance_ms=3600 * 1000)
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_instances(InstanceIds=[iid])
        self.assert_code(ctx, "InvalidInstanceID.NotFound")

    def test_transitions_from_fixture(self):
        status, doc = self.server.control("POST", "/_mockaws/state", {
            "ec2": {"transitions": {"pending_ms": 0, "pending_polls": 3}}})
        self.assertEqual(status, 200, doc)
        iid = self.run_one()
        seen = [self.state(iid) for _ in range(4)]
        self.assertEqual(seen, ["pending", "pending", "pending", "running"])


class DryRun(Ec2Case):
    def test_dry_run_launches_nothing(self):
        with self.assertRaises(ClientError) as ctx:
            self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, DryRun=True)
        msg = self.assert_code(ctx, "DryRunOperation", 412)
        self.assertEqual(msg, "Request would have succeeded, but DryRun flag is set.")
        self.assertEqual(self.ec2.describe_instances()["Reservations"], [])

    def test_dry_run_on_every_mutating_operation(self):
        self.clock(mode="virtual")  # still pending after all these calls, however slow they are
        iid = self.run_one()
        calls = [
            lambda: self.ec2.stop_instances(InstanceIds=[iid], DryRun=True),
            lambda: self.ec2.start_instances(InstanceIds=[iid], DryRun=True),
            lambda: self.ec2.reboot_instances(InstanceIds=[iid], DryRun=True),
            lambda: self.ec2.terminate_instances(InstanceIds=[iid], DryRun=True),
            lambda: self.ec2.create_tags(Resources=[iid], Tags=[{"Key": "k", "Value": "v"}], DryRun=True),
            lambda: self.ec2.delete_tags(Resources=[iid], DryRun=True),
            lambda: self.ec2.describe_instances(DryRun=True),
        ]
        for call in calls:
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assert_code(ctx, "DryRunOperation", 412)
        self.assertEqual(self.state(iid), "pending")
        self.assertEqual(self.ec2.describe_tags()["Tags"], [])


class Errors(Ec2Case):
    def test_malformed_and_not_found(self):
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_instances(InstanceIds=["i-nope"])
        self.assertEqual(self.assert_code(ctx, "InvalidInstanceID.Malformed"), 'Invalid id: "i-nope"')
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_instances(InstanceIds=["i-0123456789abcdef0"])
        self.assertEqual(self.assert_code(ctx, "InvalidInstanceID.NotFound"),
                         "The instance ID 'i-0123456789abcdef0' does not exist")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.stop_instances(InstanceIds=["i-12345678", "i-87654321"])
        self.assertEqual(self.assert_code(ctx, "InvalidInstanceID.NotFound"),
                         "The instance IDs 'i-12345678, i-87654321' do not exist")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.run_instances(ImageId="ami-bad", MinCount=1, MaxCount=1)
        self.assertEqual(self.assert_code(ctx, "InvalidAMIID.Malformed"), 'Invalid id: "ami-bad" (expecting "ami-...")')

    def test_incorrect_instance_state(self):
        self.clock(mode="virtual")  # still pending when stopped, however slow the calls are
        iid = self.run_one()
        with self.assertRaises(ClientError) as ctx:
            self.ec2.stop_instances(InstanceIds=[iid])
        self.assertIn("never reached the 'running' state", self.assert_code(ctx, "IncorrectInstanceState"))
        self.ec2.terminate_instances(InstanceIds=[iid])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.start_instances(InstanceIds=[iid])
        self.assert_code(ctx, "IncorrectInstanceState")

    def test_error_envelope_is_ec2s(self):
        status, _, body = self.server.request(
            "POST", "/", "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-x",
            {"Content-Type": "application/x-www-form-urlencoded",
             "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/ec2/aws4_request, Signature=0"})
        self.assertEqual(status, 400)
        self.assertIn(b"<Response><Errors><Error><Code>InvalidInstanceID.Malformed</Code>", body)
        self.assertIn(b"<RequestID>", body)

    def test_max_results_rules(self):
        iid = self.run_one()
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_instances(InstanceIds=[iid], MaxResults=5)
        self.assert_code(ctx, "InvalidParameterCombination")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_instances(MaxResults=3)
        self.assertIn("Value ( 3 ) for parameter maxResults is invalid", self.assert_code(ctx, "InvalidParameterValue"))


class DescribeAndTags(Ec2Case):
    def test_paginator_walks_every_instance(self):
        self.ec2.run_instances(ImageId=AMI, MinCount=12, MaxCount=12)
        pages = list(self.ec2.get_paginator("describe_instances").paginate(PaginationConfig={"PageSize": 5}))
        self.assertEqual(len(pages), 3)
        ids = [i["InstanceId"] for p in pages for r in p["Reservations"] for i in r["Instances"]]
        self.assertEqual(len(ids), 12)
        self.assertEqual(len(set(ids)), 12)
        self.assertNotIn("NextToken", pages[-1])

    def test_filters(self):
        self.clock(mode="virtual")  # both still pending when filtered, however slow the calls are
        web = self.run_one(TagSpecifications=[{"ResourceType": "instance",
                                                 "Tags": [{"Key": "Name", "Value": "web-1"}]}])
        db = self.run_one(InstanceType="m5.large", TagSpecifications=[{"ResourceType": "instance",
                                                                          "Tags": [{"Key": "role", "Value": "db"}]}])

        def ids(*filters):
            r = self.ec2.describe_instances(Filters=list(filters))
            return sorted(i["InstanceId"] for res in r["Reservations"] for i in res["Instances"])

        self.assertEqual(ids({"Name": "tag:Name", "Values": ["web-*"]}), [web])
        self.assertEqual(ids({"Name": "tag-key", "Values": ["role"]}), [db])
        self.assertEqual(ids({"Name": "instance-type", "Values": ["m5.*"]}), [db])
        self.assertEqual(ids({"Name": "instance-state-name", "Values": ["pending"]}), sorted([web, db]))
        self.assertEqual(ids({"Name": "instance-state-name", "Values": ["running"]}), [])
        self.assertEqual(ids({"Name": "image-id", "Values": [AMI]}, {"Name": "tag-value", "Values": ["d?"]}), [db])
        with self.assertRaises(ClientError) as ctx:
            ids({"Name": "colour", "Values": ["red"]})
        self.assertEqual(self.assert_code(ctx, "InvalidParameterValue"), "The filter 'colour' is invalid")

    def test_tags(self):
        iid = self.run_one()
        self.ec2.create_tags(Resources=[iid], Tags=[{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "a"}])
        tags = self.ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [iid]}])["Tags"]
        self.assertEqual({(t["Key"], t["Value"], t["ResourceType"]) for t in tags},
                         {("env", "test", "instance"), ("team", "a", "instance")})
        self.ec2.delete_tags(Resources=[iid], Tags=[{"Key": "team"}])
        inst = self.ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
        self.assertEqual(inst["Tags"], [{"Key": "env", "Value": "test"}])

    def test_client_token_is_idempotent(self):
        a = self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, ClientToken="once")
        b = self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, ClientToken="once")
        self.assertEqual(a["Instances"][0]["InstanceId"], b["Instances"][0]["InstanceId"])
        self.assertEqual(a["ReservationId"], b["ReservationId"])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2, ClientToken="once")
        self.assert_code(ctx, "IdempotentParameterMismatch")

    def test_regions_and_zones(self):
        regions = [r["RegionName"] for r in self.ec2.describe_regions()["Regions"]]
        self.assertIn("us-east-1", regions)
        self.assertIn("eu-west-1", regions)
        zones = self.server.client("ec2", region="eu-west-1").describe_availability_zones()["AvailabilityZones"]
        self.assertEqual([z["ZoneName"] for z in zones], ["eu-west-1a", "eu-west-1b", "eu-west-1c"])
        self.assertTrue(all(z["State"] == "available" for z in zones))

    def test_regions_are_separate(self):
        iid = self.run_one()
        other = self.server.client("ec2", region="eu-west-1")
        self.assertEqual(other.describe_instances()["Reservations"], [])
        with self.assertRaises(ClientError) as ctx:
            other.describe_instances(InstanceIds=[iid])
        self.assert_code(ctx, "InvalidInstanceID.NotFound")

    def test_journal_names_the_instances(self):
        iid = self.run_one()
        self.ec2.describe_instances(InstanceIds=[iid])
        entries = self.server.journal(service="ec2")
        self.assertEqual([e["operation"] for e in entries], ["RunInstances", "DescribeInstances"])
        self.assertEqual(entries[0]["resource"], iid)
        self.assertEqual(entries[1]["resource"], iid)


class EventualConsistency(Ec2Case):
    def test_waiters_retry_through_not_found(self):
        with open(os.path.join(ROOT, "scenarios", "ec2-eventual-consistency.json")) as f:
            scenario = json.load(f)
        status, doc = self.server.control("POST", "/_mockaws/scenario", scenario)
        self.assertEqual(status, 200, doc)
        iid = self.run_one()
        self.ec2.get_waiter("instance_exists").wait(InstanceIds=[iid], WaiterConfig=FAST)
        self.ec2.get_waiter("instance_running").wait(InstanceIds=[iid], WaiterConfig=FAST)
        errors = self.server.journal(service="ec2", operation="DescribeInstances",
                                     error="InvalidInstanceID.NotFound")
        self.assertEqual(len(errors), 2)
        status, report = self.server.control("GET", "/_mockaws/scenario/verify")
        self.assertEqual(status, 200)
        self.assertTrue(report["passed"], json.dumps(report, indent=1))

    def test_a_single_describe_fails(self):
        with open(os.path.join(ROOT, "scenarios", "ec2-eventual-consistency.json")) as f:
            self.server.control("POST", "/_mockaws/scenario", json.load(f))
        iid = self.run_one()
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_instances(InstanceIds=[iid])
        self.assert_code(ctx, "InvalidInstanceID.NotFound")


class Fixtures(ServerTestCase):
    server_args = ("--fixtures", os.path.join(ROOT, "fixtures", "ec2-example.json"))

    def test_fixture_instances(self):
        ec2 = self.server.client("ec2")
        r = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["web-1"]}])
        [inst] = r["Reservations"][0]["Instances"]
        self.assertEqual(inst["InstanceId"], "i-0123456789abcdef0")
        self.assertEqual(inst["State"]["Name"], "running")
        self.assertEqual(inst["Placement"]["AvailabilityZone"], "us-east-1b")
        self.assertEqual(inst["KeyName"], "deploy")
        ec2.start_instances(InstanceIds=["i-0fedcba9876543210"])
        ec2.get_waiter("instance_running").wait(InstanceIds=["i-0fedcba9876543210"], WaiterConfig=FAST)
