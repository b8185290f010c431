"""A test written the way moto server-mode suites are (issue 19): one server
for the class, boto3 clients from AWS_ENDPOINT_URL, POST /moto-api/reset
between tests, and no waiters: the table is written the moment it is
created, the instance read running the moment it is launched. It passes
against mockaws started with --transitions instant."""
import os
import unittest
import urllib.request
from unittest import mock

import boto3

from tests.server import Server


class MotoStyle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server("--transitions", "instant")
        cls.env = mock.patch.dict(os.environ, {
            "AWS_ENDPOINT_URL": cls.server.endpoint, "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"})
        cls.env.start()

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()
        assert cls.server.stop() == 0, cls.server.logs()

    def setUp(self):
        # moto's own reset endpoint, as moto suites call it
        req = urllib.request.Request(f"{os.environ['AWS_ENDPOINT_URL']}/moto-api/reset", method="POST")
        with urllib.request.urlopen(req) as resp:
            self.assertEqual(resp.status, 200)

    def test_create_table_and_write_at_once(self):
        client = boto3.client("dynamodb")
        client.create_table(
            TableName="users",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST")
        table = boto3.resource("dynamodb").Table("users")
        table.put_item(Item={"id": "u1", "name": "Ada"})
        self.assertEqual(table.get_item(Key={"id": "u1"})["Item"]["name"], "Ada")
        self.assertEqual(client.describe_table(TableName="users")["Table"]["TableStatus"], "ACTIVE")

    def test_run_instances_and_read_running_at_once(self):
        ec2 = boto3.client("ec2")
        # an image EC2 knows: moto takes any id, EC2 and mockaws refuse an
        # unknown one (InvalidAMIID.NotFound); this is Amazon Linux 2023 in
        # us-east-1, from mockaws's catalogue
        reservation = ec2.run_instances(ImageId="ami-ab939b9c031512198", MinCount=2, MaxCount=2, InstanceType="t2.micro")
        ids = [i["InstanceId"] for i in reservation["Instances"]]
        states = [i["State"]["Name"] for r in ec2.describe_instances(InstanceIds=ids)["Reservations"]
                  for i in r["Instances"]]
        self.assertEqual(states, ["running", "running"])
        ec2.terminate_instances(InstanceIds=ids)
        states = [i["State"]["Name"] for r in ec2.describe_instances(InstanceIds=ids)["Reservations"]
                  for i in r["Instances"]]
        self.assertEqual(states, ["terminated", "terminated"])

    def test_reset_between_tests_left_no_table(self):
        # unittest runs it after test_create_table_...: only the reset emptied the table
        self.assertEqual(boto3.client("dynamodb").list_tables()["TableNames"], [])


if __name__ == "__main__":
    unittest.main()
