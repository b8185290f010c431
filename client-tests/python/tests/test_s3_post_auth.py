"""POST Object signatures under --auth verify and enforce: boto3's generate_presigned_post
(SigV4 and botocore's SigV2 signer) and a SigV2 form built by hand, posted as a browser
posts them. Expected answers are S3's (docs/AWS-FACTS.md, "POST Object", "Signature")."""
import base64
import hashlib
import hmac
import json
import xml.etree.ElementTree as ET

import boto3
from botocore.config import Config

from .server import DEFAULT_ACCOUNT, ServerTestCase
from .test_s3_post import multipart

MISMATCH = ("The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.")


class FormCase(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = self.server.client("s3", key="test", secret="test")
        self.s3.create_bucket(Bucket="uploads")

    def presigner(self, akid="test", secret="test", token=None, version="s3v4", region="us-east-1"):
        return boto3.session.Session().client(
            "s3", endpoint_url=self.server.endpoint, region_name=region, aws_access_key_id=akid,
            aws_secret_access_key=secret, aws_session_token=token, config=Config(signature_version=version))

    def post(self, fields, data=b"x", bucket="uploads"):
        body, ctype = multipart(fields, data)
        return self.server.request("POST", f"/{bucket}", body, {"Content-Type": ctype})

    def presigned(self, obj="k", **signer):
        return dict(self.presigner(**signer).generate_presigned_post("uploads", obj, ExpiresIn=600)["fields"])

    def error(self, status, body):
        root = ET.fromstring(body)
        return status, root.findtext("Code"), root.findtext("Message"), root

    def stored(self):
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket="uploads").get("Contents", [])]


class PostVerify(FormCase):
    server_args = ("--auth", "verify")

    def test_a_good_key_uploads(self):
        for version in ("s3v4", "s3"):
            with self.subTest(version=version):
                status, _, body = self.post(self.presigned(f"good-{version}", version=version), b"data")
                self.assertEqual(status, 204, body)
                got = self.s3.get_object(Bucket="uploads", Key=f"good-{version}")["Body"].read()
                self.assertEqual(got, b"data")
        entry = self.server.journal(operation="PostObject")[-1]
        self.assertEqual(entry["principal"], f"arn:aws:iam::{DEFAULT_ACCOUNT}:root")

    def test_a_wrong_secret_does_not_match(self):
        for version, name in (("s3v4", "x-amz-signature"), ("s3", "signature")):
            with self.subTest(version=version):
                fields = self.presigned(secret="wrong", version=version)
                status, code, message, root = self.error(*self.post(fields)[::2])
                self.assertEqual((status, code, message), (403, "SignatureDoesNotMatch", MISMATCH))
                # what S3 signs for a form is its policy as sent
                self.assertEqual(root.findtext("StringToSign"), fields["policy"])
                self.assertEqual(root.findtext("SignatureProvided"), fields[name])
                self.assertEqual(root.findtext("AWSAccessKeyId"), "test")
                self.assertEqual(root.findtext("StringToSignBytes"),
                                 " ".join("%02x" % b for b in fields["policy"].encode()))
        self.assertEqual(self.stored(), [])

    def test_a_tampered_policy_does_not_match(self):
        fields = self.presigned()
        fields["policy"] = base64.b64encode(b'{"expiration": "2099-01-01T00:00:00Z", "conditions": []}').decode()
        self.assertEqual(self.error(*self.post(fields)[::2])[:2], (403, "SignatureDoesNotMatch"))

    def test_an_unknown_key(self):
        status, code, message, root = self.error(*self.post(self.presigned(akid="AKIANOSUCHKEY0000000"))[::2])
        self.assertEqual((status, code, message),
                         (403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."))
        self.assertEqual(root.findtext("AWSAccessKeyId"), "AKIANOSUCHKEY0000000")

    def test_the_policy_still_expires_on_the_virtual_clock(self):
        status, _ = self.server.control("POST", "/_mockaws/clock", {"mode": "virtual"})
        self.assertEqual(status, 200)
        fields = dict(self.presigner().generate_presigned_post("uploads", "late", ExpiresIn=60)["fields"])
        status, _ = self.server.control("POST", "/_mockaws/clock", {"advance_ms": 120_000})
        self.assertEqual(status, 200)
        self.assertEqual(self.error(*self.post(fields)[::2])[:3],
                         (403, "AccessDenied", "Invalid according to Policy: Policy expired."))

    def test_a_form_without_signature_fields_is_anonymous(self):
        fields = {k: v for k, v in self.presigned().items() if k in ("key", "policy")}
        self.assertEqual(self.error(*self.post(fields)[::2])[:3], (403, "AccessDenied", "Access Denied"))

    def test_a_signature_without_its_policy_or_credential(self):
        for name, spelled in (("policy", "Policy"), ("x-amz-credential", "X-Amz-Credential")):
            with self.subTest(name=name):
                fields = self.presigned()
                del fields[name]
                status, code, _, root = self.error(*self.post(fields)[::2])
                self.assertEqual((status, code), (400, "InvalidArgument"))
                self.assertEqual(root.findtext("ArgumentName"), spelled)

    def test_a_scope_for_another_region_or_service(self):
        fields = self.presigned(region="eu-west-1")
        status, code, message, root = self.error(*self.post(fields)[::2])
        self.assertEqual((status, code), (400, "AuthorizationQueryParametersError"))
        self.assertEqual(message, "Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is wrong; "
                                  "expecting 'us-east-1'")
        self.assertEqual(root.findtext("Region"), "us-east-1")

        fields = self.presigned()
        fields["x-amz-credential"] = fields["x-amz-credential"].replace("/s3/", "/sts/")
        status, code, message, _ = self.error(*self.post(fields)[::2])
        self.assertEqual((status, code), (400, "AuthorizationQueryParametersError"))
        self.assertIn('incorrect service "sts"', message)
        self.assertEqual(self.stored(), [])

    def test_temporary_credentials(self):
        sts = self.server.client("sts", key="test", secret="test")
        creds = sts.get_session_token(DurationSeconds=900)["Credentials"]
        signer = dict(akid=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"])
        self.assertEqual(self.post(self.presigned("temp", **signer))[0], 204)

        fields = self.presigned("temp", **signer)
        fields["x-amz-security-token"] = "garbage"
        self.assertEqual(self.error(*self.post(fields)[::2])[:2], (400, "InvalidToken"))

        fields = self.presigned("temp", **signer)
        self.server.control("POST", "/_mockaws/clock", {"advance_ms": 901_000})
        status, code, message, root = self.error(*self.post(fields)[::2])
        self.assertEqual((status, code, message), (400, "ExpiredToken", "The provided token has expired."))
        self.assertEqual(root.findtext("Token-0"), creds["SessionToken"])

    def test_a_hand_built_sigv2_form(self):
        policy = base64.b64encode(json.dumps({
            "expiration": "2099-01-01T00:00:00Z",
            "conditions": [{"bucket": "uploads"}, ["starts-with", "$key", "v2/"]]}).encode()).decode()
        signature = base64.b64encode(hmac.new(b"test", policy.encode(), hashlib.sha1).digest()).decode()
        fields = {"key": "v2/by-hand", "AWSAccessKeyId": "test", "policy": policy, "signature": signature}
        status, _, body = self.post(fields, b"v2")
        self.assertEqual(status, 204, body)
        self.assertEqual(self.s3.get_object(Bucket="uploads", Key="v2/by-hand")["Body"].read(), b"v2")

        wrong = base64.b64encode(hmac.new(b"nope", policy.encode(), hashlib.sha1).digest()).decode()
        status, code, _, root = self.error(*self.post(dict(fields, signature=wrong))[::2])
        self.assertEqual((status, code), (403, "SignatureDoesNotMatch"))
        self.assertEqual((root.findtext("StringToSign"), root.findtext("SignatureProvided")), (policy, wrong))

    def test_an_unsigned_multipart_post_to_another_operation_is_refused(self):
        # only the form upload is signed in its body: ?delete, or a POST on an object
        # (no operation of S3's), is refused as any unsigned request
        for path in ("/uploads?delete", "/uploads/some-key"):
            with self.subTest(path=path):
                status, _, body = self.server.request("POST", path, b"--x--\r\n",
                                                      {"Content-Type": "multipart/form-data; boundary=x"})
                self.assertEqual(self.error(status, body)[:3], (403, "AccessDenied", "Access Denied"))


class PostOff(FormCase):
    def test_nothing_is_checked(self):
        status, _, body = self.post(self.presigned(secret="wrong"))
        self.assertEqual(status, 204, body)


class PostEnforce(FormCase):
    server_args = ("--auth", "enforce")

    def test_a_user_limited_to_uploads(self):
        iam = self.server.client("iam", key="test", secret="test")
        iam.create_user(UserName="uploader")
        iam.put_user_policy(UserName="uploader", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Sid": "Uploads", "Effect": "Allow", "Action": "s3:PutObject",
                           "Resource": "arn:aws:s3:::uploads/uploads/*"}]}))
        key = iam.create_access_key(UserName="uploader")["AccessKey"]
        signer = dict(akid=key["AccessKeyId"], secret=key["SecretAccessKey"])
        user = f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/uploader"

        status, _, body = self.post(self.presigned("uploads/a.txt", **signer))
        self.assertEqual(status, 204, body)
        ok = self.server.journal(operation="PostObject")[-1]
        self.assertEqual(ok["principal"], user)
        self.assertEqual(ok["authz"], "s3:PutObject on arn:aws:s3:::uploads/uploads/a.txt: allowed by Uploads of "
                                      "the identity-based policy")

        status, code, message, _ = self.error(*self.post(self.presigned("private/b.txt", **signer))[::2])
        self.assertEqual((status, code), (403, "AccessDenied"))
        self.assertEqual(message, f'User: {user} is not authorized to perform: s3:PutObject on resource: '
                                  f'"arn:aws:s3:::uploads/private/b.txt" because no identity-based policy '
                                  f'allows the s3:PutObject action')
        self.assertEqual(self.stored(), ["uploads/a.txt"])
        refused = self.server.journal(operation="PostObject")[-1]
        self.assertEqual((refused["principal"], refused["error"]), (user, "AccessDenied"))

    def test_the_root_key_posts_anywhere_in_its_account(self):
        self.assertEqual(self.post(self.presigned("any/where"))[0], 204)

    def test_a_form_signed_in_its_headers_too(self):
        # no browser sends one, but a client may: the headers' signer is checked as for any
        # request, and decides
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        body, ctype = multipart(self.presigned("signed/twice"), b"x")
        req = AWSRequest("POST", f"{self.server.endpoint}/uploads", data=body, headers={"Content-Type": ctype})
        S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(req)
        status, _, answer = self.server.request("POST", "/uploads", body, dict(req.headers.items()))
        self.assertEqual(status, 204, answer)
        self.assertEqual(self.stored(), ["signed/twice"])
