"""--transitions instant (issue 19): what takes time on AWS (tables
CREATING, indexes backfilling, TTL ENABLING, instances pending, stopping and
shutting down, archive restores) is final at once; realistic timing stays
the default; and settings given at start survive both reset endpoints."""
import json
import os
import tempfile
import unittest
from unittest import mock

from botocore.exceptions import ClientError

from tests.server import Server, ServerTestCase

AMI = "ami-ab939b9c031512198"  # Amazon Linux 2023 x86_64 in us-east-1 (the catalogue)
KEY = [{"AttributeName": "pk", "KeyType": "HASH"}]
ATTRS = [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}]


def create_table(ddb, name="orders"):
    return ddb.create_table(TableName=name, KeySchema=KEY, AttributeDefinitions=ATTRS[:1],
                            BillingMode="PAY_PER_REQUEST")["TableDescription"]


def put_at_once(ddb, name="orders"):
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"S": "x"}})


def instance_state(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["State"]["Name"]


def restore_header(s3):
    s3.create_bucket(Bucket="cold")
    s3.put_object(Bucket="cold", Key="g", Body=b"glacier bytes", StorageClass="GLACIER")
    s3.restore_object(Bucket="cold", Key="g",
                      RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Standard"}})
    return s3.head_object(Bucket="cold", Key="g").get("Restore")


class Instant(ServerTestCase):
    server_args = ("--transitions", "instant")

    def test_dynamodb_table_index_and_ttl_are_final_at_once(self):
        ddb = self.server.client("dynamodb")
        self.assertEqual(create_table(ddb)["TableStatus"], "ACTIVE")
        put_at_once(ddb)
        ddb.update_table(TableName="orders", AttributeDefinitions=ATTRS, GlobalSecondaryIndexUpdates=[
            {"Create": {"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "ALL"}}}])
        table = ddb.describe_table(TableName="orders")["Table"]
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertEqual(table["GlobalSecondaryIndexes"][0]["IndexStatus"], "ACTIVE")
        self.assertNotIn("Backfilling", table["GlobalSecondaryIndexes"][0])
        got = ddb.query(TableName="orders", IndexName="by-g", KeyConditionExpression="g = :g",
                        ExpressionAttributeValues={":g": {"S": "x"}})
        self.assertEqual(got["Count"], 1)
        ddb.update_time_to_live(TableName="orders",
                                TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
        ttl = ddb.describe_time_to_live(TableName="orders")["TimeToLiveDescription"]
        self.assertEqual(ttl["TimeToLiveStatus"], "ENABLED")
        ddb.delete_table(TableName="orders")
        with self.assertRaises(ClientError) as gone:
            ddb.describe_table(TableName="orders")
        self.assertEqual(gone.exception.response["Error"]["Code"], "ResourceNotFoundException")

    def test_ec2_instances_reach_their_next_state_at_once(self):
        ec2 = self.server.client("ec2")
        launched = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro")
        iid = launched["Instances"][0]["InstanceId"]
        self.assertEqual(instance_state(ec2, iid), "running")
        status = ec2.describe_instance_status(InstanceIds=[iid])["InstanceStatuses"][0]
        self.assertEqual(status["InstanceStatus"]["Status"], "ok")
        ec2.stop_instances(InstanceIds=[iid])
        self.assertEqual(instance_state(ec2, iid), "stopped")
        ec2.start_instances(InstanceIds=[iid])
        self.assertEqual(instance_state(ec2, iid), "running")
        ec2.terminate_instances(InstanceIds=[iid])
        self.assertEqual(instance_state(ec2, iid), "terminated")

    def test_ec2_volumes_and_images_are_ready_at_once(self):
        ec2 = self.server.client("ec2")
        iid = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
        root = ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [iid]}])["Volumes"][0]
        self.assertEqual(root["Attachments"][0]["State"], "attached")
        vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=4)["VolumeId"]
        self.assertEqual(ec2.describe_volumes(VolumeIds=[vol])["Volumes"][0]["State"], "available")
        ec2.attach_volume(VolumeId=vol, InstanceId=iid, Device="/dev/sdf")
        got = ec2.describe_volumes(VolumeIds=[vol])["Volumes"][0]
        self.assertEqual((got["State"], got["Attachments"][0]["State"]), ("in-use", "attached"))
        image = ec2.create_image(InstanceId=iid, Name="baked")["ImageId"]
        self.assertEqual(ec2.describe_images(ImageIds=[image])["Images"][0]["State"], "available")

    def test_s3_restore_finishes_at_once(self):
        self.assertIn('ongoing-request="false"', restore_header(self.server.client("s3")))


class Realistic(ServerTestCase):
    """Without the flag AWS's timing holds, as before."""

    def test_dynamodb_table_is_creating(self):
        ddb = self.server.client("dynamodb")
        self.assertEqual(create_table(ddb)["TableStatus"], "CREATING")
        with self.assertRaises(ClientError) as early:
            put_at_once(ddb)
        self.assertEqual(early.exception.response["Error"]["Code"], "ResourceNotFoundException")

    def test_ec2_instance_is_pending(self):
        ec2 = self.server.client("ec2")
        iid = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
        self.assertEqual(instance_state(ec2, iid), "pending")

    def test_ec2_volume_is_creating(self):
        ec2 = self.server.client("ec2")
        # a frozen clock: "creating" lasts however slow the machine is
        self.assertEqual(self.server.control("POST", "/_mockaws/clock", {"mode": "virtual"})[0], 200)
        try:
            vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=4)["VolumeId"]
            self.assertEqual(ec2.describe_volumes(VolumeIds=[vol])["Volumes"][0]["State"], "creating")
        finally:
            self.server.control("POST", "/_mockaws/clock", {"mode": "real"})

    def test_s3_restore_is_ongoing(self):
        self.assertIn('ongoing-request="true"', restore_header(self.server.client("s3")))


class SettingsSurviveReset(unittest.TestCase):
    """Reset clears state, not configuration: flags, environment, and the
    startup fixtures' settings stay through /_mockaws/reset and
    /moto-api/reset."""

    def start(self, *args, env=None):
        with mock.patch.dict(os.environ, env or {}):
            server = Server(*args)
        self.addCleanup(lambda: self.assertEqual(server.stop(), 0, server.logs()))
        return server

    def reset_both_ways(self, server, check):
        for path in ("/_mockaws/reset", "/moto-api/reset"):
            with self.subTest(reset=path):
                self.assertEqual(server.control("POST", path)[0], 200)
                check()

    def test_flag_survives(self):
        server = self.start("--transitions", "instant")
        ddb = server.client("dynamodb")

        def instant():
            create_table(ddb)
            put_at_once(ddb)
        instant()
        self.reset_both_ways(server, instant)

    def test_environment_survives(self):
        server = self.start(env={"MOCKAWS_TRANSITIONS": "instant"})
        ec2 = server.client("ec2")

        def running():
            iid = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
            self.assertEqual(instance_state(ec2, iid), "running")
        running()
        self.reset_both_ways(server, running)

    def test_startup_fixture_settings_survive(self):
        doc = {"settings": {"transitions": "instant"},
               "dynamodb": {"ttl_delay_ms": 1234, "tables": [
                   {"TableName": "seeded", "KeySchema": KEY, "AttributeDefinitions": ATTRS[:1],
                    "BillingMode": "PAY_PER_REQUEST"}]},
               "ec2": {"transitions": {"terminated_visible_ms": 4321}}}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(doc, f)
        self.addCleanup(os.unlink, f.name)
        server = self.start("--fixtures", f.name)
        ddb = server.client("dynamodb")

        def configured():
            # the state went: the seeded table is gone ...
            self.assertNotIn("seeded", ddb.list_tables()["TableNames"])
            # ... the settings stayed: instant transitions, and the sections' own
            create_table(ddb, "fresh")
            put_at_once(ddb, "fresh")
            ddb.delete_table(TableName="fresh")
            status, state = server.control("GET", "/_mockaws/state")
            self.assertEqual(status, 200)
            sections = {k: v for ns in state["namespaces"] for k, v in ns.items()}
            self.assertEqual(sections["dynamodb"].get("ttl_delay_ms"), 1234, state)
            self.assertEqual(sections["ec2"]["transitions"]["terminated_visible_ms"], 4321, state)
        self.assertIn("seeded", ddb.list_tables()["TableNames"])
        self.reset_both_ways(server, configured)


class SettingsRefused(unittest.TestCase):
    def test_bad_settings_are_refused(self):
        for settings, why in (({"transitions": "fast"}, '"transitions" must be'),
                              ({"speed": 1}, 'unknown setting "speed"'),
                              ("instant", '"settings" must be an object')):
            with self.subTest(settings=settings):
                s = Server()
                try:
                    status, body = s.control("POST", "/_mockaws/state", {"settings": settings})
                    self.assertEqual(status, 400)
                    self.assertIn(why, body["error"])
                finally:
                    self.assertEqual(s.stop(), 0)


if __name__ == "__main__":
    unittest.main()
