"""--auth verify through boto3: signatures, access keys, presigned URLs, session tokens and
their expiry on the server's clock, each refused in the service's own words."""
import urllib.request
import urllib.error

import boto3
import botocore
from botocore.exceptions import ClientError

from .server import ServerTestCase


def fetch(url):
    """(status, body) of a plain GET."""
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class AuthVerify(ServerTestCase):
    server_args = ("--auth", "verify")

    def error(self, call):
        with self.assertRaises(ClientError) as cm:
            call()
        return cm.exception.response

    def s3_signing(self, version):
        return boto3.session.Session().client(
            "s3", endpoint_url=self.server.endpoint, region_name="us-east-1", aws_access_key_id="test",
            aws_secret_access_key="test", config=botocore.config.Config(signature_version=version))

    def advance(self, ms):
        status, _ = self.server.control("POST", "/_mockaws/clock", body={"advance_ms": ms})
        self.assertEqual(status, 200)

    def test_root_secret_works_everywhere(self):
        for key in ("test", "111122223333"):
            with self.subTest(key=key):
                s3 = self.server.client("s3", key=key, secret="test")
                s3.create_bucket(Bucket=f"bkt-{key}")
                s3.put_object(Bucket=f"bkt-{key}", Key="a b/ü+c", Body=b"x")
                self.assertEqual(s3.get_object(Bucket=f"bkt-{key}", Key="a b/ü+c")["Body"].read(), b"x")
                self.server.client("dynamodb", key=key, secret="test").list_tables()
                self.server.client("sns", key=key, secret="test").list_topics()
                self.server.client("ec2", key=key, secret="test").describe_instances()
                ident = self.server.client("sts", key=key, secret="test").get_caller_identity()
                self.assertEqual(ident["Account"], "123456789012" if key == "test" else key)

    def test_wrong_secret(self):
        r = self.error(lambda: self.server.client("s3", key="test", secret="nope").list_buckets())
        self.assertEqual(r["Error"]["Code"], "SignatureDoesNotMatch")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertIn("AWS4-HMAC-SHA256\n", r["Error"]["StringToSign"])
        self.assertIn("GET\n/\n", r["Error"]["CanonicalRequest"])
        self.assertEqual(r["Error"]["AWSAccessKeyId"], "test")
        r = self.error(lambda: self.server.client("dynamodb", key="test", secret="nope").list_tables())
        self.assertEqual(r["Error"]["Code"], "InvalidSignatureException")
        for svc, call in (("sns", "list_topics"), ("sts", "get_caller_identity"), ("ec2", "describe_instances")):
            with self.subTest(svc=svc):
                r = self.error(getattr(self.server.client(svc, key="test", secret="nope"), call))
                self.assertEqual(r["Error"]["Code"], "SignatureDoesNotMatch")
                self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_unknown_key(self):
        cases = (("s3", "list_buckets", "InvalidAccessKeyId", 403),
                 ("dynamodb", "list_tables", "UnrecognizedClientException", 400),
                 ("sns", "list_topics", "InvalidClientTokenId", 403),
                 ("sts", "get_caller_identity", "InvalidClientTokenId", 403),
                 ("ec2", "describe_instances", "AuthFailure", 401))
        for svc, call, code, status in cases:
            with self.subTest(svc=svc):
                r = self.error(getattr(self.server.client(svc, key="AKIANOSUCHKEY0000000", secret="test"), call))
                self.assertEqual(r["Error"]["Code"], code)
                self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], status)

    def test_unsigned(self):
        cfg = botocore.config.Config(signature_version=botocore.UNSIGNED)
        ddb = boto3.session.Session().client("dynamodb", endpoint_url=self.server.endpoint,
                                             region_name="us-east-1", config=cfg)
        r = self.error(ddb.list_tables)
        self.assertEqual(r["Error"]["Code"], "MissingAuthenticationTokenException")
        status, _ = fetch(f"{self.server.endpoint}/")
        self.assertEqual(status, 403)

    def test_skew(self):
        self.advance(16 * 60 * 1000)
        r = self.error(lambda: self.server.client("s3", key="test", secret="test").list_buckets())
        self.assertEqual(r["Error"]["Code"], "RequestTimeTooSkewed")
        self.assertEqual(r["Error"]["MaxAllowedSkewMilliseconds"], "900000")
        r = self.error(lambda: self.server.client("sts", key="test", secret="test").get_caller_identity())
        self.assertEqual(r["Error"]["Code"], "SignatureDoesNotMatch")
        self.assertRegex(r["Error"]["Message"], r"^Signature expired: \d{8}T\d{6}Z is now earlier than ")

    def test_presigned_v4_expires_on_server_clock(self):
        s3 = self.s3_signing("s3v4")
        s3.create_bucket(Bucket="bkt")
        s3.put_object(Bucket="bkt", Key="k", Body=b"hello")
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"}, ExpiresIn=300)
        self.assertEqual(fetch(url), (200, b"hello"))
        status, body = fetch(url.replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders="))
        self.assertEqual(status, 403)
        self.assertIn(b"<HeadersNotSigned>host</HeadersNotSigned>", body)
        bad = url.replace("Signature=", "Signature=0")
        status, body = fetch(bad)
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", body)
        self.advance(301 * 1000)
        status, body = fetch(url)
        self.assertEqual(status, 403)
        self.assertIn(b"<Message>Request has expired</Message>", body)
        self.assertIn(b"<X-Amz-Expires>300</X-Amz-Expires>", body)
        too_long = s3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"}, ExpiresIn=604801)
        status, body = fetch(too_long)
        self.assertEqual(status, 400)
        self.assertIn(b"AuthorizationQueryParametersError", body)

    def test_presigned_v2(self):
        s3 = self.server.client("s3", key="test", secret="test")
        s3.create_bucket(Bucket="bkt")
        s3.put_object(Bucket="bkt", Key="k", Body=b"v2")
        v2 = self.s3_signing("s3")
        url = v2.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"}, ExpiresIn=60)
        self.assertIn("AWSAccessKeyId=", url)
        self.assertEqual(fetch(url), (200, b"v2"))
        self.assertEqual(fetch(url.replace("Signature=", "Signature=A"))[0], 403)
        self.advance(61 * 1000)
        status, body = fetch(url)
        self.assertEqual(status, 403)
        self.assertIn(b"Request has expired", body)

    def test_assumed_role_credentials_work_then_expire(self):
        sts = self.server.client("sts", key="test", secret="test")
        creds = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="sess",
                                DurationSeconds=900)["Credentials"]
        def client(svc, secret=creds["SecretAccessKey"], token=creds["SessionToken"]):
            return self.server.client(svc, key=creds["AccessKeyId"], secret=secret, token=token)
        ident = client("sts").get_caller_identity()
        self.assertIn(":assumed-role/r/sess", ident["Arn"])
        client("s3").list_buckets()
        client("dynamodb").list_tables()
        r = self.error(client("s3", token="garbage").list_buckets)
        self.assertEqual(r["Error"]["Code"], "InvalidToken")
        r = self.error(client("s3", token=None).list_buckets)
        self.assertEqual(r["Error"]["Code"], "InvalidAccessKeyId")
        r = self.error(client("s3", secret="wrong").list_buckets)
        self.assertEqual(r["Error"]["Code"], "SignatureDoesNotMatch")
        self.advance(901 * 1000)
        # the client signs with its own clock, now 15 min behind the server's: the lapsed
        # token is what the services name, not the skew
        cases = (("s3", "list_buckets", "ExpiredToken", 400), ("dynamodb", "list_tables", "ExpiredTokenException", 400),
                 ("sts", "get_caller_identity", "ExpiredToken", 403), ("ec2", "describe_instances", "RequestExpired", 400))
        for svc, call, code, status in cases:
            with self.subTest(svc=svc):
                r = self.error(getattr(client(svc), call))
                self.assertEqual(r["Error"]["Code"], code)
                self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], status)


class AuthOffIsTheDefault(ServerTestCase):
    def test_any_secret_works(self):
        self.server.client("s3", key="test", secret="anything").list_buckets()
        self.server.client("dynamodb", key="AKIANOSUCHKEY0000000", secret="x").list_tables()
