"""A request for an AWS service mockaws does not serve is answered in that
service's own protocol (issue 19): boto3 raises a ClientError whose code is
NotImplemented and whose message names the service, never a parse error,
and does not retry it."""
import json
import unittest

from botocore.config import Config
from botocore.exceptions import ClientError

from tests.server import ServerTestCase, fake_auth

# (client, call, the service id the message names, the protocol boto3 speaks)
CALLS = [
    ("lambda", lambda c: c.list_functions(), "Lambda", "rest-json"),
    ("kinesis", lambda c: c.list_streams(), "Kinesis", "json"),
    ("kms", lambda c: c.list_keys(), "KMS", "json"),
    ("cloudwatch", lambda c: c.list_metrics(), "CloudWatch", "json"),
    ("ses", lambda c: c.list_identities(), "SES", "query"),
    ("route53", lambda c: c.list_hosted_zones(), "Route 53", "rest-xml"),
    ("secretsmanager", lambda c: c.list_secrets(), "Secrets Manager", "json"),
    ("cloudformation", lambda c: c.list_stacks(), "CloudFormation", "query"),
    # signs as "ses", like SES (query) and Pinpoint Email (rest-json): told apart by its paths
    ("sesv2", lambda c: c.list_email_identities(), "SESv2", "rest-json"),
]


class Unserved(ServerTestCase):
    def client(self, name):
        return self.server.client(name, retries={"max_attempts": 3, "mode": "standard"})

    def test_each_protocol_raises_a_clean_client_error(self):
        for name, call, service_id, protocol in CALLS:
            with self.subTest(service=name):
                client = self.client(name)
                # the protocol this botocore speaks to it (CloudWatch offers CBOR, JSON, query)
                self.assertEqual(client.meta.service_model.resolved_protocol, protocol)
                with self.assertRaises(ClientError) as caught:
                    call(client)
                err = caught.exception.response
                self.assertEqual(err["Error"]["Code"], "NotImplemented")
                self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 501)
                self.assertIn(f"mockaws does not serve {service_id}", err["Error"]["Message"])
                self.assertIn("it serves dynamodb", err["Error"]["Message"])
                self.assertEqual(err["ResponseMetadata"]["RetryAttempts"], 0, "a 501 is not retried")
        entries = self.server.journal()
        self.assertEqual(len(entries), len(CALLS))
        self.assertEqual({e["error"] for e in entries}, {"NotImplemented"})

    def test_query_form_answers_xml(self):
        status, headers, body = self.server.request(
            "POST", "/", "Action=ListStacks&Version=2010-05-15",
            {"Content-Type": "application/x-www-form-urlencoded", "Authorization": fake_auth("cloudformation")})
        self.assertEqual(status, 501)
        self.assertEqual(headers["content-type"], "text/xml")
        self.assertIn(b"<ErrorResponse><Error><Type>Receiver</Type><Code>NotImplemented</Code>", body)
        self.assertIn(b"<RequestId>", body)

    def test_cbor_request_answers_cbor(self):
        status, headers, body = self.server.request(
            "POST", "/service/GraniteServiceVersion20100801/operation/ListMetrics", b"\xa0",
            {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor",
             "Authorization": fake_auth("monitoring")})
        self.assertEqual(status, 501)
        self.assertEqual(headers["smithy-protocol"], "rpc-v2-cbor")
        # a map of two text pairs: __type -> NotImplemented, message -> ...
        self.assertEqual(body[:1], b"\xa2")
        self.assertIn(b"\x66__type\x6eNotImplemented\x67message", body)
        self.assertIn(b"mockaws does not serve CloudWatch", body)

    def test_unsigned_json_target_answers_json(self):
        status, headers, body = self.server.request(
            "POST", "/", "{}", {"Content-Type": "application/x-amz-json-1.1",
                                "X-Amz-Target": "Kinesis_20131202.ListStreams"})
        self.assertEqual(status, 501)
        self.assertEqual(headers["x-amzn-errortype"], "NotImplemented")
        self.assertIn("mockaws does not serve Kinesis", json.loads(body)["message"])

    def test_a_name_no_aws_service_signs_with_stays_unknown(self):
        status, _, body = self.server.request("GET", "/", None, {"Authorization": fake_auth("nosuchservice")})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["__type"], "UnknownService")


if __name__ == "__main__":
    unittest.main()
