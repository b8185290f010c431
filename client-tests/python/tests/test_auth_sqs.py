"""--auth verify on SQS: a JSON service that kept its query-era codes (awsQueryCompatible), so
each refusal is the query protocol's code and status, carried in the x-amzn-query-error header
that boto3 reads ClientError's code from, with Coral's own error shape as __type."""
import boto3
import botocore
from botocore.exceptions import ClientError

from .server import ServerTestCase


class SqsAuthErrors(ServerTestCase):
    server_args = ("--auth", "verify")

    def refusal(self, client):
        with self.assertRaises(ClientError) as cm:
            client.list_queues()
        return cm.exception.response

    def assertRefused(self, r, code, status, message=None):
        self.assertEqual(r["Error"]["Code"], code)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], status)
        self.assertEqual(r["ResponseMetadata"]["HTTPHeaders"]["x-amzn-query-error"], f"{code};Sender")
        self.assertEqual(r["Error"]["QueryErrorCode"], code)  # the __type's shape
        if message:
            self.assertRegex(r["Error"]["Message"], message)

    def test_unknown_key(self):
        r = self.refusal(self.server.client("sqs", key="AKIANOSUCHKEY0000000", secret="test"))
        self.assertRefused(r, "InvalidClientTokenId", 403, r"^The security token included in the request is invalid\.$")

    def test_bad_signature(self):
        r = self.refusal(self.server.client("sqs", key="test", secret="wrong"))
        self.assertRefused(r, "SignatureDoesNotMatch", 403, r"^The request signature we calculated does not match")

    def test_skew(self):
        status, _ = self.server.control("POST", "/_mockaws/clock", body={"advance_ms": 16 * 60 * 1000})
        self.assertEqual(status, 200)
        r = self.refusal(self.server.client("sqs", key="test", secret="test"))
        self.assertRefused(r, "SignatureDoesNotMatch", 403, r"^Signature expired: \d{8}T\d{6}Z is now earlier than ")

    def test_missing_bad_and_expired_token(self):
        sts = self.server.client("sts", key="test", secret="test")
        creds = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="sess",
                                DurationSeconds=900)["Credentials"]

        def sqs(token):
            return self.server.client("sqs", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=token)

        self.assertEqual(sqs(creds["SessionToken"]).list_queues()["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertRefused(self.refusal(sqs(None)), "InvalidClientTokenId", 403)
        self.assertRefused(self.refusal(sqs("garbage")), "InvalidClientTokenId", 403)
        status, _ = self.server.control("POST", "/_mockaws/clock", body={"advance_ms": 901 * 1000})
        self.assertEqual(status, 200)
        self.assertRefused(self.refusal(sqs(creds["SessionToken"])), "ExpiredToken", 403,
                           r"^The security token included in the request is expired$")

    def test_unsigned(self):
        sqs = boto3.session.Session().client("sqs", endpoint_url=self.server.endpoint, region_name="us-east-1",
                                             config=botocore.config.Config(signature_version=botocore.UNSIGNED))
        self.assertRefused(self.refusal(sqs), "MissingAuthenticationToken", 403,
                           r"^Request is missing Authentication Token$")
