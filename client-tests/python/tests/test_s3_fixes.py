"""The S3 behaviours real clients found missing (issue 13), through boto3 and raw
requests: '+' in a key's path, PartNumber on a single-part object, DeleteObject with
If-Match, ETags that lost a quote, CopyObject and the website redirect, repeated
CompleteMultipartUpload, SigV2 presigned PUTs carrying metadata, the default
CRC64NVME checksum, GetObjectAttributes of a multipart object, and region redirects.

Expected values are the live service's (docs/AWS-FACTS.md, "The fixes listed in
issue 13"), never what mockaws happens to answer.
"""
from .s3util import (CHECKSUMS, S3TestCase, body_of, etag_of, raw_s3, xml_error)


class PlusInPath(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("plus")

    def test_plus_in_path_is_a_space(self):
        status, _, _ = raw_s3(self.server, "PUT", "/plus/a+b+c", body=b"spaced")
        self.assertEqual(status, 200)
        self.assertEqual(self.s3.get_object(Bucket="plus", Key="a b c")["Body"].read(), b"spaced")
        keys = [o["Key"] for o in self.s3.list_objects_v2(Bucket="plus")["Contents"]]
        self.assertEqual(keys, ["a b c"])

    def test_encoded_plus_is_a_plus(self):
        self.s3.put_object(Bucket="plus", Key="x+y", Body=b"plus")  # boto3 sends %2B
        status, _, body = raw_s3(self.server, "GET", "/plus/x%2By")
        self.assertEqual((status, body), (200, b"plus"))
        status, _, body = raw_s3(self.server, "GET", "/plus/x+y")
        self.assertEqual(status, 404)
        self.assertEqual(xml_error(body)[0], "NoSuchKey")


class PartNumberOfSinglePart(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("pnum")
        self.s3.put_object(Bucket="pnum", Key="ten", Body=b"0123456789")

    def test_get_part_one_is_206_with_content_range(self):
        got = self.s3.get_object(Bucket="pnum", Key="ten", PartNumber=1)
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(got["ContentRange"], "bytes 0-9/10")
        self.assertEqual(got["ContentLength"], 10)
        self.assertNotIn("PartsCount", got)
        self.assertEqual(got["Body"].read(), b"0123456789")

    def test_head_part_one_is_206(self):
        got = self.s3.head_object(Bucket="pnum", Key="ten", PartNumber=1)
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(got["ContentRange"], "bytes 0-9/10")
        self.assertEqual(got["ContentLength"], 10)

    def test_part_two_is_unsatisfiable(self):
        self.assertS3Error("InvalidPartNumber", 416, self.s3.get_object, Bucket="pnum", Key="ten",
                           PartNumber=2)


class DeleteIfMatch(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("dim")
        self.etag = self.s3.put_object(Bucket="dim", Key="k", Body=b"data")["ETag"]

    def test_missing_key_is_no_such_key(self):
        self.assertS3Error("NoSuchKey", 404, self.s3.delete_object, Bucket="dim", Key="nope",
                           IfMatch=self.etag)

    def test_wrong_etag_is_412(self):
        err, _ = self.assertS3Error("PreconditionFailed", 412, self.s3.delete_object, Bucket="dim",
                                    Key="k", IfMatch='"00000000000000000000000000000000"')
        self.assertEqual(err.get("Condition"), "If-Match")

    def test_etag_with_one_quote_matches(self):
        bare = self.etag.strip('"')
        for variant in (bare + '"', '"' + bare):
            with self.subTest(variant=variant):
                self.s3.put_object(Bucket="dim", Key="k", Body=b"data")
                got = self.s3.get_object(Bucket="dim", Key="k", IfMatch=variant)
                self.assertEqual(got["Body"].read(), b"data")
                resp = self.s3.delete_object(Bucket="dim", Key="k", IfMatch=variant)
                self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)


class CopyWebsiteRedirect(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("web")
        self.s3.put_object(Bucket="web", Key="src", Body=b"page", WebsiteRedirectLocation="/target")

    def test_copy_keeps_the_redirect(self):
        self.s3.copy_object(Bucket="web", Key="dst", CopySource={"Bucket": "web", "Key": "src"})
        head = self.s3.head_object(Bucket="web", Key="dst")
        self.assertEqual(head.get("WebsiteRedirectLocation"), "/target")

    def test_copy_in_place_with_a_redirect_stores_it(self):
        self.s3.copy_object(Bucket="web", Key="src", CopySource={"Bucket": "web", "Key": "src"},
                            WebsiteRedirectLocation="/elsewhere")
        head = self.s3.head_object(Bucket="web", Key="src")
        self.assertEqual(head.get("WebsiteRedirectLocation"), "/elsewhere")


class RepeatedComplete(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("mpu")

    def upload(self, key):
        up = self.s3.create_multipart_upload(Bucket="mpu", Key=key)
        part = self.s3.upload_part(Bucket="mpu", Key=key, UploadId=up["UploadId"], PartNumber=1,
                                   Body=b"only part")
        return up["UploadId"], {"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}

    def test_second_complete_answers_the_same(self):
        uid, parts = self.upload("big")
        first = self.s3.complete_multipart_upload(Bucket="mpu", Key="big", UploadId=uid,
                                                  MultipartUpload=parts)
        again = self.s3.complete_multipart_upload(Bucket="mpu", Key="big", UploadId=uid,
                                                  MultipartUpload=parts)
        self.assertEqual(again["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(again["ETag"], first["ETag"])
        self.assertEqual((again["Bucket"], again["Key"]), ("mpu", "big"))
        self.assertEqual(self.s3.get_object(Bucket="mpu", Key="big")["Body"].read(), b"only part")

    def test_complete_under_another_key_is_no_such_upload(self):
        uid, parts = self.upload("big")
        self.s3.complete_multipart_upload(Bucket="mpu", Key="big", UploadId=uid, MultipartUpload=parts)
        self.assertS3Error("NoSuchUpload", 404, self.s3.complete_multipart_upload, Bucket="mpu",
                           Key="other", UploadId=uid, MultipartUpload=parts)

    def test_abort_after_complete_is_still_no_such_upload(self):
        uid, parts = self.upload("big")
        self.s3.complete_multipart_upload(Bucket="mpu", Key="big", UploadId=uid, MultipartUpload=parts)
        self.assertS3Error("NoSuchUpload", 404, self.s3.list_parts, Bucket="mpu", Key="big",
                           UploadId=uid)

    def test_complete_with_other_parts_after_complete_is_no_such_upload(self):
        uid, parts = self.upload("big")
        self.s3.complete_multipart_upload(Bucket="mpu", Key="big", UploadId=uid, MultipartUpload=parts)
        other = {"Parts": [{"PartNumber": 2, "ETag": parts["Parts"][0]["ETag"]}]}
        self.assertS3Error("NoSuchUpload", 404, self.s3.complete_multipart_upload, Bucket="mpu",
                           Key="big", UploadId=uid, MultipartUpload=other)
