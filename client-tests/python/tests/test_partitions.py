"""ARNs carry the partition of the request's region (issue 19): aws-cn in
cn-north-1, aws-us-gov in us-gov-west-1, global services (IAM, STS, S3)
included, and policies written with those ARNs decide as they say."""
import json
import unittest

from botocore.exceptions import ClientError

from tests.server import DEFAULT_ACCOUNT, ServerTestCase

ROLE_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


class PartitionArns(ServerTestCase):
    def check_region(self, region, partition):
        prefix = f"arn:{partition}:"
        sns = self.server.client("sns", region=region)
        topic = sns.create_topic(Name="t")["TopicArn"]
        self.assertEqual(topic, f"{prefix}sns:{region}:{DEFAULT_ACCOUNT}:t")

        sqs = self.server.client("sqs", region=region)
        url = sqs.create_queue(QueueName="q")["QueueUrl"]
        qarn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.assertEqual(qarn, f"{prefix}sqs:{region}:{DEFAULT_ACCOUNT}:q")

        ddb = self.server.client("dynamodb", region=region)
        table = ddb.create_table(TableName="tbl", BillingMode="PAY_PER_REQUEST",
                                 KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                                 AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])
        self.assertEqual(table["TableDescription"]["TableArn"],
                         f"{prefix}dynamodb:{region}:{DEFAULT_ACCOUNT}:table/tbl")

        iam = self.server.client("iam", region=region)
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=ROLE_TRUST)["Role"]
        self.assertEqual(role["Arn"], f"{prefix}iam::{DEFAULT_ACCOUNT}:role/r")

        sts = self.server.client("sts", region=region)
        self.assertEqual(sts.get_caller_identity()["Arn"], f"{prefix}iam::{DEFAULT_ACCOUNT}:root")

    def test_china(self):
        self.check_region("cn-north-1", "aws-cn")

    def test_govcloud(self):
        self.check_region("us-gov-west-1", "aws-us-gov")

    def test_commercial_unchanged(self):
        sns = self.server.client("sns", region="eu-west-1")
        self.assertEqual(sns.create_topic(Name="t")["TopicArn"], f"arn:aws:sns:eu-west-1:{DEFAULT_ACCOUNT}:t")


class PartitionPolicies(ServerTestCase):
    """An identity policy written for China: arn:aws-cn: resources allow and
    deny in cn-north-1 as they say."""
    server_args = ("--auth", "enforce")

    def test_identity_policy_in_aws_cn(self):
        region = "cn-north-1"
        admin = self.server.client("iam", key="123456789012", secret="test", region=region)
        admin.create_user(UserName="u")
        admin.put_user_policy(UserName="u", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sqs:*",
                           "Resource": f"arn:aws-cn:sqs:{region}:{DEFAULT_ACCOUNT}:allowed-*"},
                          {"Effect": "Deny", "Action": "sqs:CreateQueue",
                           "Resource": f"arn:aws-cn:sqs:{region}:{DEFAULT_ACCOUNT}:allowed-not"}]}))
        key = admin.create_access_key(UserName="u")["AccessKey"]
        sqs = self.server.client("sqs", key=key["AccessKeyId"], secret=key["SecretAccessKey"], region=region)
        url = sqs.create_queue(QueueName="allowed-1")["QueueUrl"]
        self.assertTrue(url.endswith("/allowed-1"))
        with self.assertRaises(ClientError) as denied:
            sqs.create_queue(QueueName="allowed-not")
        self.assertIn(f"arn:aws-cn:sqs:{region}:{DEFAULT_ACCOUNT}:allowed-not",
                      denied.exception.response["Error"]["Message"])
        with self.assertRaises(ClientError):
            sqs.create_queue(QueueName="other")
        # the same policy does not reach the commercial partition's queues
        sqs_us = self.server.client("sqs", key=key["AccessKeyId"], secret=key["SecretAccessKey"],
                                    region="us-east-1")
        with self.assertRaises(ClientError):
            sqs_us.create_queue(QueueName="allowed-2")


if __name__ == "__main__":
    unittest.main()
