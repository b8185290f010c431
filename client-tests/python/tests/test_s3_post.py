"""POST Object: boto3's generate_presigned_post, posted as a browser posts it
(multipart/form-data built here, sent with http.client), for both of
botocore's form signers. Expected answers are S3's (docs/AWS-FACTS.md,
"POST Object")."""
import hashlib
import unittest
import uuid
import xml.etree.ElementTree as ET

from botocore.config import Config

from .s3util import S3_NS
from .server import ServerTestCase


def multipart(fields, file_bytes, filename="report.csv", after=None):
    """The body and Content-Type of a browser's form: fields, then the file
    (S3 reads nothing after it), then `after`."""
    boundary = "----pyform" + uuid.uuid4().hex
    out = []
    for name, value in fields.items():
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                   + str(value).encode() + b"\r\n")
    out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
               'Content-Type: text/csv\r\n\r\n'.encode() + file_bytes + b"\r\n")
    for name, value in (after or {}).items():
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


class PresignedPostTest(ServerTestCase):
    signature_version = "s3v4"

    def setUp(self):
        super().setUp()
        self.s3 = self.server.client("s3")
        self.s3.create_bucket(Bucket="uploads")
        self.presigner = self._client(self.signature_version)

    def _client(self, version):
        import boto3
        return boto3.session.Session().client(
            "s3", endpoint_url=self.server.endpoint, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",
            config=Config(signature_version=version))

    def post(self, presigned, data, filename="report.csv", extra=None, after=None, path=None):
        fields = dict(presigned["fields"])
        fields.update(extra or {})
        body, ctype = multipart(fields, data, filename, after)
        # the URL boto3 gives names the bucket path-style on this endpoint
        target = path or presigned["url"][len(self.server.endpoint):]
        return self.server.request("POST", target, body, {"Content-Type": ctype})

    def error(self, body):
        root = ET.fromstring(body)
        return root.findtext("Code"), root.findtext("Message"), root

    def test_stores_the_object_with_filename_and_fields(self):
        p = self.presigner.generate_presigned_post(
            "uploads", "incoming/${filename}",
            Fields={"Content-Type": "text/csv", "x-amz-meta-owner": "ana", "success_action_status": "201"},
            Conditions=[["starts-with", "$key", "incoming/"], {"Content-Type": "text/csv"},
                        ["starts-with", "$x-amz-meta-owner", ""], {"success_action_status": "201"},
                        ["content-length-range", 1, 1024]],
            ExpiresIn=600)
        data = b"id,name\n1,ana\n"
        status, headers, body = self.post(p, data, after={"ignored-after-file": "x"})
        self.assertEqual(status, 201, body)
        etag = '"%s"' % hashlib.md5(data).hexdigest()
        root = ET.fromstring(body)
        self.assertEqual(root.tag, S3_NS + "PostResponse")
        self.assertEqual(root.findtext(S3_NS + "Bucket"), "uploads")
        self.assertEqual(root.findtext(S3_NS + "Key"), "incoming/report.csv")
        self.assertEqual(root.findtext(S3_NS + "ETag"), etag)
        self.assertEqual(headers["etag"], etag)
        self.assertEqual(headers["location"], root.findtext(S3_NS + "Location"))
        got = self.s3.get_object(Bucket="uploads", Key="incoming/report.csv")
        self.assertEqual(got["Body"].read(), data)
        self.assertEqual(got["ContentType"], "text/csv")
        self.assertEqual(got["Metadata"], {"owner": "ana"})

    def test_default_answer_is_204_and_redirect_is_303(self):
        p = self.presigner.generate_presigned_post("uploads", "a.txt", ExpiresIn=600)
        status, headers, body = self.post(p, b"plain")
        self.assertEqual((status, body), (204, b""))
        self.assertEqual(headers["etag"], '"%s"' % hashlib.md5(b"plain").hexdigest())

        p = self.presigner.generate_presigned_post(
            "uploads", "b.txt", Fields={"success_action_redirect": "https://app.example/done"},
            Conditions=[{"success_action_redirect": "https://app.example/done"}], ExpiresIn=600)
        status, headers, _ = self.post(p, b"r")
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], "https://app.example/done?bucket=uploads&key=b.txt&etag=%22"
                         + hashlib.md5(b"r").hexdigest() + "%22")

    def test_too_large(self):
        p = self.presigner.generate_presigned_post(
            "uploads", "big", Conditions=[["content-length-range", 0, 10]], ExpiresIn=600)
        status, _, body = self.post(p, b"x" * 11)
        self.assertEqual(status, 400)
        code, message, root = self.error(body)
        self.assertEqual(code, "EntityTooLarge")
        self.assertEqual(message, "Your proposed upload exceeds the maximum allowed size")
        self.assertEqual(root.findtext("ProposedSize"), "11")
        self.assertEqual(root.findtext("MaxSizeAllowed"), "10")
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="uploads"))

    def test_wrong_key_prefix(self):
        p = self.presigner.generate_presigned_post(
            "uploads", "user-1/${filename}", Conditions=[["starts-with", "$key", "user-1/"]], ExpiresIn=600)
        status, _, body = self.post(p, b"x", extra={"key": "user-2/stolen"})
        self.assertEqual(status, 403)
        code, message, _ = self.error(body)
        self.assertEqual(code, "AccessDenied")
        self.assertEqual(message, 'Invalid according to Policy: Policy Condition failed: '
                                  '["starts-with", "$key", "user-1/"]')

    def test_expired(self):
        p = self.presigner.generate_presigned_post("uploads", "late", ExpiresIn=60)
        status, _ = self.server.control("POST", "/_mockaws/clock", {"advance_ms": 120_000})
        self.assertEqual(status, 200)
        status, _, body = self.post(p, b"x")
        self.assertEqual(status, 403)
        self.assertEqual(self.error(body)[:2], ("AccessDenied", "Invalid according to Policy: Policy expired."))

    def test_field_not_in_policy(self):
        p = self.presigner.generate_presigned_post("uploads", "k", ExpiresIn=600)
        status, _, body = self.post(p, b"x", extra={"x-amz-meta-sneaky": "1"})
        self.assertEqual(status, 403)
        self.assertEqual(self.error(body)[:2], ("AccessDenied",
                                                "Invalid according to Policy: Extra input fields: x-amz-meta-sneaky"))

    def test_tampered_signature_fields(self):
        # under --auth off (these tests) no signature is verified, so a changed
        # value goes unnoticed (test_s3_post_auth.py checks them under verify);
        # a form stripped of it is refused as S3 refuses it
        p = self.presigner.generate_presigned_post("uploads", "k", ExpiresIn=600)
        name = "x-amz-signature" if "x-amz-signature" in p["fields"] else "signature"
        del p["fields"][name]
        status, _, body = self.post(p, b"x")
        self.assertEqual(status, 400)
        code, message, root = self.error(body)
        self.assertEqual(code, "InvalidArgument")
        spelled = "X-Amz-Signature" if name == "x-amz-signature" else "Signature"
        self.assertEqual(message, f"Bucket POST must contain a field named '{spelled}'.  "
                                  "If it is specified, please check the order of the fields.")
        self.assertEqual(root.findtext("ArgumentName"), spelled)

    def test_acl_field(self):
        # a fresh bucket is BucketOwnerEnforced: acl public-read is refused as PutObject's x-amz-acl is
        p = self.presigner.generate_presigned_post(
            "uploads", "pub.txt", Fields={"acl": "public-read"}, Conditions=[{"acl": "public-read"}], ExpiresIn=600)
        status, _, body = self.post(p, b"x")
        self.assertEqual(status, 400, body)
        self.assertEqual(self.error(body)[:2], ("AccessControlListNotSupported", "The bucket does not allow ACLs"))
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="uploads"))
        owner_full = self.presigner.generate_presigned_post(
            "uploads", "mine.txt", Fields={"acl": "bucket-owner-full-control"},
            Conditions=[{"acl": "bucket-owner-full-control"}], ExpiresIn=600)
        self.assertEqual(self.post(owner_full, b"x")[0], 204)

        # where ACLs are on, the object gets the canned ACL's grants
        self.s3.create_bucket(Bucket="open-uploads", ObjectOwnership="ObjectWriter")
        self.s3.delete_public_access_block(Bucket="open-uploads")
        p = self.presigner.generate_presigned_post(
            "open-uploads", "pub.txt", Fields={"acl": "public-read"}, Conditions=[{"acl": "public-read"}],
            ExpiresIn=600)
        status, _, body = self.post(p, b"x")
        self.assertEqual(status, 204, body)
        grants = self.s3.get_object_acl(Bucket="open-uploads", Key="pub.txt")["Grants"]
        self.assertEqual(sorted((g["Grantee"]["Type"], g["Grantee"].get("URI"), g["Permission"]) for g in grants),
                         [("CanonicalUser", None, "FULL_CONTROL"),
                          ("Group", "http://acs.amazonaws.com/groups/global/AllUsers", "READ")])

    def test_not_a_form(self):
        status, _, body = self.server.request("POST", "/uploads", b"key=k",
                                              {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 412)
        code, _, root = self.error(body)
        self.assertEqual(code, "PreconditionFailed")
        self.assertEqual(root.findtext("Condition"), "Bucket POST must be of the enclosure-type multipart/form-data")


class PresignedPostSigV2Test(PresignedPostTest):
    """botocore's HmacV1 form signer: AWSAccessKeyId and signature."""
    signature_version = "s3"


if __name__ == "__main__":
    unittest.main()
