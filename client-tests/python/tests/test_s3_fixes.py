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


def raw_client(test, **kwargs):
    """A client that sends no checksum of its own (boto3 adds CRC32 by default)."""
    from .s3util import s3_client
    return s3_client(test.server, request_checksum_calculation="when_required",
                     response_checksum_validation="when_required", **kwargs)


class DefaultChecksum(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("crc")
        self.plain = raw_client(self)

    def test_put_without_checksum_gets_crc64nvme(self):
        body = body_of(1000, seed=3)
        put = self.plain.put_object(Bucket="crc", Key="k", Body=body)
        headers = put["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(headers.get("x-amz-checksum-crc64nvme"), CHECKSUMS["CRC64NVME"](body))
        self.assertEqual(headers.get("x-amz-checksum-type"), "FULL_OBJECT")
        head = self.s3.head_object(Bucket="crc", Key="k", ChecksumMode="ENABLED")
        self.assertEqual(head.get("ChecksumCRC64NVME"), CHECKSUMS["CRC64NVME"](body))
        listed = self.s3.list_objects_v2(Bucket="crc")["Contents"][0]
        self.assertEqual(listed.get("ChecksumAlgorithm"), ["CRC64NVME"])
        self.assertEqual(listed.get("ChecksumType"), "FULL_OBJECT")

    def test_empty_object(self):
        put = self.plain.put_object(Bucket="crc", Key="empty", Body=b"")
        self.assertEqual(put["ResponseMetadata"]["HTTPHeaders"].get("x-amz-checksum-crc64nvme"),
                         "AAAAAAAAAAA=")

    def test_client_algorithm_is_kept(self):
        put = self.s3.put_object(Bucket="crc", Key="k", Body=b"abc", ChecksumAlgorithm="CRC32")
        self.assertEqual(put.get("ChecksumCRC32"), CHECKSUMS["CRC32"](b"abc"))
        self.assertNotIn("ChecksumCRC64NVME", put)

    def test_multipart_without_algorithm(self):
        parts = [body_of(5 * 1024 * 1024, seed=1), b"tail"]
        up = self.plain.create_multipart_upload(Bucket="crc", Key="mp")
        etags = []
        for i, data in enumerate(parts, 1):
            etags.append(self.plain.upload_part(Bucket="crc", Key="mp", UploadId=up["UploadId"],
                                                PartNumber=i, Body=data)["ETag"])
        done = self.plain.complete_multipart_upload(
            Bucket="crc", Key="mp", UploadId=up["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": i, "ETag": e} for i, e in enumerate(etags, 1)]})
        whole = CHECKSUMS["CRC64NVME"](b"".join(parts))
        self.assertEqual(done.get("ChecksumCRC64NVME"), whole)
        self.assertEqual(done.get("ChecksumType"), "FULL_OBJECT")
        self.assertTrue(done["ETag"].endswith('-2"'))
        attrs = self.s3.get_object_attributes(Bucket="crc", Key="mp",
                                              ObjectAttributes=["Checksum", "ObjectParts"])
        self.assertEqual(attrs["Checksum"], {"ChecksumCRC64NVME": whole, "ChecksumType": "FULL_OBJECT"})
        self.assertEqual(attrs["ObjectParts"].get("TotalPartsCount"), 2)
        self.assertNotIn("Parts", attrs["ObjectParts"])


class AttributesOfCompositeMultipart(S3TestCase):
    def test_checksum_has_no_part_count(self):
        from .s3util import composite_checksum
        self.make_bucket("attr")
        parts = [body_of(5 * 1024 * 1024, seed=2), b"end"]
        up = self.s3.create_multipart_upload(Bucket="attr", Key="mp", ChecksumAlgorithm="CRC32")
        done_parts = []
        for i, data in enumerate(parts, 1):
            r = self.s3.upload_part(Bucket="attr", Key="mp", UploadId=up["UploadId"], PartNumber=i,
                                    Body=data, ChecksumAlgorithm="CRC32")
            done_parts.append({"PartNumber": i, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
        done = self.s3.complete_multipart_upload(Bucket="attr", Key="mp", UploadId=up["UploadId"],
                                                 MultipartUpload={"Parts": done_parts})
        composite = composite_checksum("CRC32", parts)
        self.assertEqual(done["ChecksumCRC32"], composite)
        attrs = self.s3.get_object_attributes(Bucket="attr", Key="mp",
                                              ObjectAttributes=["Checksum", "ObjectParts"])
        self.assertEqual(attrs["Checksum"], {"ChecksumCRC32": composite.rsplit("-", 1)[0],
                                             "ChecksumType": "COMPOSITE"})
        self.assertEqual(attrs["ObjectParts"]["TotalPartsCount"], 2)
        self.assertEqual([p["PartNumber"] for p in attrs["ObjectParts"]["Parts"]], [1, 2])


class RegionRedirect(S3TestCase):
    def setUp(self):
        super().setUp()
        self.west = self.client(region="us-west-2")
        self.make_bucket("westbkt", client=self.west, region="us-west-2")

    def test_wrong_region_is_authorization_header_malformed(self):
        status, headers, body = raw_s3(self.server, "GET", "/westbkt?list-type=2", region="us-east-1")
        self.assertEqual(status, 400)
        code, message, root = xml_error(body)
        self.assertEqual(code, "AuthorizationHeaderMalformed")
        self.assertEqual(message, "The authorization header is malformed; the region 'us-east-1' is wrong; "
                                  "expecting 'us-west-2'")
        self.assertEqual(root.findtext("Region"), "us-west-2")
        self.assertEqual(headers.get("x-amz-bucket-region"), "us-west-2")

    def test_head_answers_the_region_without_a_body(self):
        status, headers, body = raw_s3(self.server, "HEAD", "/westbkt", region="eu-west-1")
        self.assertEqual(status, 400)
        self.assertEqual(headers.get("x-amz-bucket-region"), "us-west-2")
        self.assertEqual(body, b"")

    def test_right_region_and_unsigned_location_are_served(self):
        status, _, _ = raw_s3(self.server, "GET", "/westbkt?list-type=2", region="us-west-2")
        self.assertEqual(status, 200)
        status, _, body = raw_s3(self.server, "GET", "/westbkt?location", region="us-east-1")
        self.assertEqual(status, 200)
        self.assertIn(b"us-west-2", body)

    def test_boto3_client_for_the_wrong_region_is_redirected(self):
        east = self.client(region="us-east-1")
        east.put_object(Bucket="westbkt", Key="k", Body=b"redirected")
        self.assertEqual(east.get_object(Bucket="westbkt", Key="k")["Body"].read(), b"redirected")
        self.assertEqual(east.head_object(Bucket="westbkt", Key="k")["ContentLength"], 10)
        head = east.head_bucket(Bucket="westbkt")
        self.assertEqual(head["BucketRegion"], "us-west-2")
        self.assertEqual([o["Key"] for o in east.list_objects_v2(Bucket="westbkt")["Contents"]], ["k"])
        # and the object really is in the bucket the right region's client sees
        self.assertEqual(self.west.get_object(Bucket="westbkt", Key="k")["Body"].read(), b"redirected")


class PresignedMetadata(S3TestCase):
    def test_sigv2_presigned_put_keeps_query_metadata(self):
        import urllib.request
        from .s3util import s3_client
        self.make_bucket("presign")
        signer = s3_client(self.server, signature_version="s3")
        url = signer.generate_presigned_url(
            "put_object", Params={"Bucket": "presign", "Key": "k", "Metadata": {"foo": "bar"}},
            ExpiresIn=3600)
        self.assertIn("x-amz-meta-foo=bar", url)
        self.assertIn("AWSAccessKeyId=", url)
        req = urllib.request.Request(url, data=b"presigned body", method="PUT")
        with urllib.request.urlopen(req) as resp:
            self.assertEqual(resp.status, 200)
        head = self.s3.head_object(Bucket="presign", Key="k")
        self.assertEqual(head["Metadata"], {"foo": "bar"})


class LocationConstraintOrder(S3TestCase):
    def create(self, endpoint_region, constraint):
        body = ("<CreateBucketConfiguration><LocationConstraint>%s</LocationConstraint>"
                "</CreateBucketConfiguration>" % constraint)
        return raw_s3(self.server, "PUT", "/order-bkt", body=body, region=endpoint_region)

    def test_region_is_checked_before_the_value(self):
        for constraint in ("us-east-1", "bar", "EU", "eu-west-1"):
            with self.subTest(constraint=constraint):
                status, _, body = self.create("us-west-2", constraint)
                self.assertEqual(status, 400)
                code, message, _ = xml_error(body)
                self.assertEqual(code, "IllegalLocationConstraintException")
                self.assertEqual(message, f"The {constraint} location constraint is incompatible for "
                                          "the region specific endpoint this request was sent to.")

    def test_boto3_in_us_west_2_with_us_east_1(self):
        west = self.client(region="us-west-2")
        self.assertS3Error("IllegalLocationConstraintException", 400, west.create_bucket,
                           Bucket="order-bkt",
                           CreateBucketConfiguration={"LocationConstraint": "us-east-1"})

    def test_global_endpoint_checks_the_value(self):
        for constraint in ("us-east-1", "bar"):
            with self.subTest(constraint=constraint):
                status, _, body = self.create("us-east-1", constraint)
                self.assertEqual(status, 400)
                code, _, root = xml_error(body)
                self.assertEqual(code, "InvalidLocationConstraint")
                self.assertEqual(root.findtext("LocationConstraint"), constraint)
        status, _, _ = self.create("us-west-2", "us-west-2")
        self.assertEqual(status, 200)
