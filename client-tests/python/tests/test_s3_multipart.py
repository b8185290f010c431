"""S3 multipart uploads through boto3: upload_file / download_file of a 20 MiB file with
multipart transfers (client and resource), the low-level calls, part rules and their
errors, UploadPartCopy with ranges, ListParts and ListMultipartUploads with their
paginators, and per-part checksums.

Expected behaviour is AWS's (S3 API reference for CreateMultipartUpload, UploadPart,
UploadPartCopy, CompleteMultipartUpload, AbortMultipartUpload, ListParts,
ListMultipartUploads; docs/AWS-FACTS.md "Limits"), not whatever mockaws
happens to answer. ETags and checksums are computed here, independently.
"""
import datetime
import filecmp
import hashlib
import os

from boto3.s3.transfer import TransferConfig

from .s3util import (CHECKSUMS, MIB, ODD_KEYS, S3TestCase, body_of, composite_checksum,
                     content_md5,
                     etag_of, md5_hex, multipart_etag, tmp_file)

FIVE_MIB = 5 * MIB


class Transfers(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("xfer")
        self.config = TransferConfig(multipart_threshold=8 * MIB, multipart_chunksize=8 * MIB,
                                     max_concurrency=4)

    def count(self, operation):
        return len(self.server.journal(service="s3", operation=operation))

    def test_upload_file_and_download_file_20_mib(self):
        src, data, tmpdir = tmp_file(self, 20 * MIB, seed=1)
        key = "big files/20 MiB+\u00e9.bin"
        self.s3.upload_file(src, "xfer", key, Config=self.config)
        self.assertEqual(self.count("CreateMultipartUpload"), 1)
        self.assertEqual(self.count("UploadPart"), 3)
        self.assertEqual(self.count("CompleteMultipartUpload"), 1)

        parts = [data[0:8 * MIB], data[8 * MIB:16 * MIB], data[16 * MIB:]]
        head = self.s3.head_object(Bucket="xfer", Key=key)
        self.assertEqual(head["ContentLength"], 20 * MIB)
        self.assertEqual(head["ETag"], multipart_etag(parts))
        listed = self.s3.list_objects_v2(Bucket="xfer")["Contents"]
        self.assertEqual([(o["Key"], o["Size"], o["ETag"]) for o in listed],
                         [(key, 20 * MIB, multipart_etag(parts))])

        dst = os.path.join(tmpdir, "downloaded.bin")
        self.s3.download_file("xfer", key, dst, Config=self.config)
        self.assertTrue(filecmp.cmp(src, dst, shallow=False), "downloaded bytes differ")
        self.assertGreaterEqual(self.count("GetObject"), 3, "download used ranged GETs")
        self.assertEqual(self.count("CreateMultipartUpload"), 1)

    def test_resource_upload_and_download_fileobj(self):
        src, data, tmpdir = tmp_file(self, 20 * MIB, seed=2)
        bucket = self.s3r.Bucket("xfer")
        with open(src, "rb") as f:
            bucket.upload_fileobj(f, "via-resource", Config=self.config)
        obj = self.s3r.Object("xfer", "via-resource")
        self.assertEqual(obj.content_length, 20 * MIB)
        self.assertTrue(obj.e_tag.endswith('-3"'), obj.e_tag)
        dst = os.path.join(tmpdir, "copy.bin")
        with open(dst, "wb") as f:
            obj.download_fileobj(f, Config=self.config)
        with open(dst, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(),
                             hashlib.sha256(data).hexdigest())

    def test_small_file_uses_a_single_put(self):
        src, data, tmpdir = tmp_file(self, 1000, seed=3)
        self.s3.upload_file(src, "xfer", "small", Config=self.config)
        self.assertEqual(self.count("CreateMultipartUpload"), 0)
        self.assertEqual(self.s3.head_object(Bucket="xfer", Key="small")["ETag"], etag_of(data))


class LowLevel(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("mpu")

    def create(self, key="obj", **kwargs):
        resp = self.s3.create_multipart_upload(Bucket="mpu", Key=key, **kwargs)
        self.assertEqual((resp["Bucket"], resp["Key"]), ("mpu", key))
        self.assertTrue(resp["UploadId"])
        return resp["UploadId"]

    def part(self, upload_id, number, data, key="obj", **kwargs):
        resp = self.s3.upload_part(Bucket="mpu", Key=key, UploadId=upload_id, PartNumber=number,
                                   Body=data, **kwargs)
        self.assertEqual(resp["ETag"], etag_of(data))
        return {"PartNumber": number, "ETag": resp["ETag"]}

    def complete(self, upload_id, parts, key="obj"):
        return self.s3.complete_multipart_upload(Bucket="mpu", Key=key, UploadId=upload_id,
                                                 MultipartUpload={"Parts": parts})

    def test_three_parts_etag_list_parts_attributes(self):
        data = [body_of(FIVE_MIB, 10), body_of(FIVE_MIB, 11), b"!"]
        uid = self.create(ContentType="application/x-test", Metadata={"origin": "mpu"})
        # upload out of order: only the numbers matter
        parts = {n: self.part(uid, n, data[n - 1]) for n in (3, 1, 2)}

        listed = self.s3.list_parts(Bucket="mpu", Key="obj", UploadId=uid)
        self.assertEqual([(p["PartNumber"], p["Size"], p["ETag"]) for p in listed["Parts"]],
                         [(n, len(data[n - 1]), etag_of(data[n - 1])) for n in (1, 2, 3)])
        self.assertIs(listed["IsTruncated"], False)
        self.assertEqual(listed["StorageClass"], "STANDARD")
        for p in listed["Parts"]:
            self.assertIsInstance(p["LastModified"], datetime.datetime)
        # in progress: no object yet
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="mpu", Key="obj")

        done = self.complete(uid, [parts[1], parts[2], parts[3]])
        self.assertEqual(done["ETag"], multipart_etag(data))
        self.assertEqual((done["Bucket"], done["Key"]), ("mpu", "obj"))
        self.assertTrue(done["Location"])

        got = self.s3.get_object(Bucket="mpu", Key="obj")
        self.assertEqual(got["Body"].read(), b"".join(data))
        self.assertEqual(got["ETag"], multipart_etag(data))
        self.assertEqual(got["ContentType"], "application/x-test")
        self.assertEqual(got["Metadata"], {"origin": "mpu"})

        attrs = self.s3.get_object_attributes(
            Bucket="mpu", Key="obj", ObjectAttributes=["ETag", "ObjectParts", "ObjectSize"])
        self.assertEqual(attrs["ETag"], multipart_etag(data).strip('"'))
        self.assertEqual(attrs["ObjectSize"], len(b"".join(data)))
        self.assertEqual(attrs["ObjectParts"]["TotalPartsCount"], 3)

        # the upload is gone once completed
        self.assertS3Error("NoSuchUpload", 404, self.s3.list_parts, Bucket="mpu", Key="obj",
                           UploadId=uid)
        self.assertNotIn("Uploads", self.s3.list_multipart_uploads(Bucket="mpu"))

    def test_reuploading_a_part_replaces_it(self):
        uid = self.create()
        self.part(uid, 1, b"first version")
        p1 = self.part(uid, 1, b"second version")
        done = self.complete(uid, [p1])
        self.assertEqual(done["ETag"], multipart_etag([b"second version"]))
        self.assertEqual(self.s3.get_object(Bucket="mpu", Key="obj")["Body"].read(),
                         b"second version")

    def test_parts_need_not_be_contiguous(self):
        uid = self.create()
        a = self.part(uid, 2, body_of(FIVE_MIB, 1))
        b = self.part(uid, 7, b"tail")
        self.part(uid, 5, b"uploaded but left out of the list")
        done = self.complete(uid, [a, b])
        self.assertEqual(done["ETag"], multipart_etag([body_of(FIVE_MIB, 1), b"tail"]))
        self.assertEqual(self.s3.head_object(Bucket="mpu", Key="obj")["ContentLength"],
                         FIVE_MIB + 4)

    def test_entity_too_small(self):
        uid = self.create()
        p1 = self.part(uid, 1, b"x" * MIB)
        p2 = self.part(uid, 2, b"y")
        err, _ = self.assertS3Error("EntityTooSmall", 400, self.complete, uid, [p1, p2])
        # the upload survives a failed complete
        parts = self.s3.list_parts(Bucket="mpu", Key="obj", UploadId=uid)["Parts"]
        self.assertEqual([p["PartNumber"] for p in parts], [1, 2])
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="mpu", Key="obj")

    def test_unquoted_etags_in_complete(self):
        uid = self.create()
        p1 = self.part(uid, 1, body_of(FIVE_MIB, 3))
        p2 = self.part(uid, 2, b"tail")
        parts = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"].strip('"')} for p in (p1, p2)]
        self.assertEqual(self.complete(uid, parts)["ETag"],
                         multipart_etag([body_of(FIVE_MIB, 3), b"tail"]))

    def test_part_content_md5(self):
        uid = self.create()
        self.assertS3Error("BadDigest", 400, self.s3.upload_part, Bucket="mpu", Key="obj",
                           UploadId=uid, PartNumber=1, Body=b"part",
                           ContentMD5=content_md5(b"other"))
        self.assertNotIn("Parts", self.s3.list_parts(Bucket="mpu", Key="obj", UploadId=uid))

    def test_copy_of_a_multipart_object_is_single_part(self):
        data = [body_of(FIVE_MIB, 4), b"end"]
        uid = self.create()
        parts = [self.part(uid, 1, data[0]), self.part(uid, 2, data[1])]
        self.assertEqual(self.complete(uid, parts)["ETag"], multipart_etag(data))
        copied = self.s3.copy_object(Bucket="mpu", Key="copy", CopySource="mpu/obj")
        # CopyObject writes a new single-part object: its ETag is the MD5 of the bytes
        self.assertEqual(copied["CopyObjectResult"]["ETag"], etag_of(b"".join(data)))
        self.assertEqual(self.s3.head_object(Bucket="mpu", Key="copy")["ContentLength"],
                         FIVE_MIB + 3)

    def test_a_single_small_part_is_fine(self):
        uid = self.create()
        done = self.complete(uid, [self.part(uid, 1, b"tiny")])
        self.assertEqual(done["ETag"], multipart_etag([b"tiny"]))

    def test_invalid_part_order(self):
        uid = self.create()
        p1 = self.part(uid, 1, body_of(FIVE_MIB, 1))
        p2 = self.part(uid, 2, body_of(FIVE_MIB, 2))
        self.assertS3Error("InvalidPartOrder", 400, self.complete, uid, [p2, p1])

    def test_invalid_part(self):
        uid = self.create()
        p1 = self.part(uid, 1, body_of(FIVE_MIB, 1))
        p2 = self.part(uid, 2, b"end")
        wrong_etag = {"PartNumber": 2, "ETag": etag_of(b"something else")}
        self.assertS3Error("InvalidPart", 400, self.complete, uid, [p1, wrong_etag])
        never = {"PartNumber": 3, "ETag": etag_of(b"never uploaded")}
        self.assertS3Error("InvalidPart", 400, self.complete, uid, [p1, p2, never])
        # and after those failures the right list still completes
        self.assertEqual(self.complete(uid, [p1, p2])["ETag"],
                         multipart_etag([body_of(FIVE_MIB, 1), b"end"]))

    def test_empty_part_list_is_malformed_xml(self):
        uid = self.create()
        self.part(uid, 1, b"x")
        self.assertS3Error("MalformedXML", 400, self.complete, uid, [])

    def test_part_number_range(self):
        uid = self.create()
        for bad in (0, 10001):
            with self.subTest(part=bad):
                self.assertS3Error("InvalidArgument", 400, self.s3.upload_part, Bucket="mpu",
                                   Key="obj", UploadId=uid, PartNumber=bad, Body=b"x")
        self.part(uid, 10000, b"the last allowed number")

    def test_no_such_upload(self):
        bogus = "bogus-upload-id"
        self.assertS3Error("NoSuchUpload", 404, self.s3.upload_part, Bucket="mpu", Key="obj",
                           UploadId=bogus, PartNumber=1, Body=b"x")
        self.assertS3Error("NoSuchUpload", 404, self.s3.list_parts, Bucket="mpu", Key="obj",
                           UploadId=bogus)
        self.assertS3Error("NoSuchUpload", 404, self.complete, bogus,
                           [{"PartNumber": 1, "ETag": etag_of(b"x")}])
        self.assertS3Error("NoSuchUpload", 404, self.s3.abort_multipart_upload, Bucket="mpu",
                           Key="obj", UploadId=bogus)
        # an upload id is bound to its key
        uid = self.create(key="right-key")
        self.assertS3Error("NoSuchUpload", 404, self.s3.upload_part, Bucket="mpu",
                           Key="other-key", UploadId=uid, PartNumber=1, Body=b"x")

    def test_abort(self):
        uid = self.create()
        self.part(uid, 1, b"abandoned")
        resp = self.s3.abort_multipart_upload(Bucket="mpu", Key="obj", UploadId=uid)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertNotIn("Uploads", self.s3.list_multipart_uploads(Bucket="mpu"))
        self.assertS3Error("NoSuchUpload", 404, self.s3.upload_part, Bucket="mpu", Key="obj",
                           UploadId=uid, PartNumber=2, Body=b"x")
        self.assertS3Error("NoSuchUpload", 404, self.complete, uid,
                           [{"PartNumber": 1, "ETag": etag_of(b"abandoned")}])
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="mpu", Key="obj")
        self.assertEqual(self.s3.list_objects_v2(Bucket="mpu")["KeyCount"], 0)

    def test_odd_keys(self):
        for key in ODD_KEYS:
            with self.subTest(key=key):
                uid = self.create(key=key)
                p = self.part(uid, 1, key.encode(), key=key)
                self.assertEqual(self.complete(uid, [p], key=key)["Key"], key)
                self.assertEqual(self.s3.get_object(Bucket="mpu", Key=key)["Body"].read(),
                                 key.encode())


class PartCopy(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("partcopy")
        self.source = body_of(6 * MIB, 42)
        self.src_key = "source with space+plus&\u00e9"
        self.s3.put_object(Bucket="partcopy", Key=self.src_key, Body=self.source)

    def test_upload_part_copy_with_ranges(self):
        uid = self.s3.create_multipart_upload(Bucket="partcopy", Key="assembled")["UploadId"]
        src = {"Bucket": "partcopy", "Key": self.src_key}
        first = self.s3.upload_part_copy(Bucket="partcopy", Key="assembled", UploadId=uid,
                                         PartNumber=1, CopySource=src,
                                         CopySourceRange=f"bytes=0-{FIVE_MIB - 1}")
        # a whole-object copy in the middle
        second = self.s3.upload_part_copy(Bucket="partcopy", Key="assembled", UploadId=uid,
                                          PartNumber=2, CopySource=src)
        # the last part may be small
        third = self.s3.upload_part_copy(Bucket="partcopy", Key="assembled", UploadId=uid,
                                         PartNumber=3, CopySource=src,
                                         CopySourceRange=f"bytes={FIVE_MIB}-{6 * MIB - 1}")
        pieces = [self.source[:FIVE_MIB], self.source, self.source[FIVE_MIB:]]
        for resp, piece in zip([first, second, third], pieces):
            self.assertEqual(resp["CopyPartResult"]["ETag"], etag_of(piece))
            self.assertIsInstance(resp["CopyPartResult"]["LastModified"], datetime.datetime)
        parts = [{"PartNumber": i + 1, "ETag": r["CopyPartResult"]["ETag"]}
                 for i, r in enumerate([first, second, third])]
        done = self.s3.complete_multipart_upload(Bucket="partcopy", Key="assembled",
                                                 UploadId=uid, MultipartUpload={"Parts": parts})
        self.assertEqual(done["ETag"], multipart_etag(pieces))
        got = self.s3.get_object(Bucket="partcopy", Key="assembled")["Body"].read()
        self.assertEqual(hashlib.md5(got).hexdigest(), md5_hex(b"".join(pieces)))

    def test_bad_range_and_missing_source(self):
        uid = self.s3.create_multipart_upload(Bucket="partcopy", Key="x")["UploadId"]
        self.assertS3Error("InvalidArgument", 400, self.s3.upload_part_copy, Bucket="partcopy", Key="x",
                           UploadId=uid, PartNumber=1,
                           CopySource={"Bucket": "partcopy", "Key": self.src_key},
                           CopySourceRange=f"bytes=0-{6 * MIB}")
        self.assertS3Error("NoSuchKey", 404, self.s3.upload_part_copy, Bucket="partcopy", Key="x",
                           UploadId=uid, PartNumber=1, CopySource={"Bucket": "partcopy", "Key": "nope"})
        self.assertS3Error("NoSuchUpload", 404, self.s3.upload_part_copy, Bucket="partcopy", Key="x",
                           UploadId="bogus", PartNumber=1,
                           CopySource={"Bucket": "partcopy", "Key": self.src_key})


class Listing(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("uploads")

    def test_list_parts_paging_and_paginator(self):
        uid = self.s3.create_multipart_upload(Bucket="uploads", Key="k")["UploadId"]
        for n in range(1, 6):
            self.s3.upload_part(Bucket="uploads", Key="k", UploadId=uid, PartNumber=n,
                                Body=f"part {n}".encode())
        page = self.s3.list_parts(Bucket="uploads", Key="k", UploadId=uid, MaxParts=2)
        self.assertEqual([p["PartNumber"] for p in page["Parts"]], [1, 2])
        self.assertIs(page["IsTruncated"], True)
        self.assertEqual(page["NextPartNumberMarker"], 2)
        self.assertEqual(page["MaxParts"], 2)
        page = self.s3.list_parts(Bucket="uploads", Key="k", UploadId=uid, MaxParts=2,
                                  PartNumberMarker=2)
        self.assertEqual([p["PartNumber"] for p in page["Parts"]], [3, 4])
        self.assertEqual(page["PartNumberMarker"], 2)
        page = self.s3.list_parts(Bucket="uploads", Key="k", UploadId=uid, PartNumberMarker=4)
        self.assertEqual([p["PartNumber"] for p in page["Parts"]], [5])
        self.assertIs(page["IsTruncated"], False)

        pages = list(self.s3.get_paginator("list_parts").paginate(
            Bucket="uploads", Key="k", UploadId=uid, PaginationConfig={"PageSize": 2}))
        self.assertEqual([[p["PartNumber"] for p in pg["Parts"]] for pg in pages],
                         [[1, 2], [3, 4], [5]])
        self.assertEqual(pages[0]["UploadId"], uid)
        self.assertTrue(pages[0]["Initiator"]["ID"])
        self.assertTrue(pages[0]["Owner"]["ID"])

    def test_list_multipart_uploads_paging_and_paginator(self):
        made = []
        for key in ["b", "a", "dir/c", "b", "dir/d"]:
            uid = self.s3.create_multipart_upload(Bucket="uploads", Key=key)["UploadId"]
            made.append((key, uid))
        resp = self.s3.list_multipart_uploads(Bucket="uploads")
        got = [(u["Key"], u["UploadId"]) for u in resp["Uploads"]]
        # sorted by key; uploads of one key in the order they were initiated
        self.assertEqual([k for k, _ in got], ["a", "b", "b", "dir/c", "dir/d"])
        self.assertEqual([u for k, u in got if k == "b"], [u for k, u in made if k == "b"])
        for u in resp["Uploads"]:
            self.assertIsInstance(u["Initiated"], datetime.datetime)
            self.assertEqual(u["StorageClass"], "STANDARD")
            self.assertTrue(u["Owner"]["ID"])
            self.assertTrue(u["Initiator"]["ID"])
        self.assertIs(resp["IsTruncated"], False)

        first = self.s3.list_multipart_uploads(Bucket="uploads", MaxUploads=2)
        self.assertEqual([u["Key"] for u in first["Uploads"]], ["a", "b"])
        self.assertIs(first["IsTruncated"], True)
        self.assertEqual(first["NextKeyMarker"], "b")
        self.assertEqual(first["NextUploadIdMarker"], got[1][1])
        second = self.s3.list_multipart_uploads(Bucket="uploads", MaxUploads=2,
                                                KeyMarker=first["NextKeyMarker"],
                                                UploadIdMarker=first["NextUploadIdMarker"])
        self.assertEqual([(u["Key"], u["UploadId"]) for u in second["Uploads"]], got[2:4])

        pages = list(self.s3.get_paginator("list_multipart_uploads").paginate(
            Bucket="uploads", PaginationConfig={"PageSize": 2}))
        self.assertEqual([len(p.get("Uploads", [])) for p in pages], [2, 2, 1])
        self.assertEqual([(u["Key"], u["UploadId"]) for p in pages for u in p["Uploads"]], got)

        prefixed = self.s3.list_multipart_uploads(Bucket="uploads", Prefix="dir/")
        self.assertEqual([u["Key"] for u in prefixed["Uploads"]], ["dir/c", "dir/d"])
        rolled = self.s3.list_multipart_uploads(Bucket="uploads", Delimiter="/")
        self.assertEqual([u["Key"] for u in rolled["Uploads"]], ["a", "b", "b"])
        self.assertEqual([p["Prefix"] for p in rolled["CommonPrefixes"]], ["dir/"])

        # a key marker alone skips every upload of that key
        after_b = self.s3.list_multipart_uploads(Bucket="uploads", KeyMarker="b")
        self.assertEqual([u["Key"] for u in after_b["Uploads"]], ["dir/c", "dir/d"])


class PartChecksums(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("checks")

    def run_upload(self, algo):
        data = [body_of(FIVE_MIB, 7), b"checksummed tail"]
        key = f"ck-{algo}"
        uid = self.s3.create_multipart_upload(Bucket="checks", Key=key,
                                              ChecksumAlgorithm=algo)["UploadId"]
        parts = []
        for n, d in enumerate(data, 1):
            resp = self.s3.upload_part(Bucket="checks", Key=key, UploadId=uid, PartNumber=n, Body=d,
                                       ChecksumAlgorithm=algo)
            self.assertEqual(resp[f"Checksum{algo}"], CHECKSUMS[algo](d))
            parts.append({"PartNumber": n, "ETag": resp["ETag"],
                          f"Checksum{algo}": resp[f"Checksum{algo}"]})
        listed = self.s3.list_parts(Bucket="checks", Key=key, UploadId=uid)
        self.assertEqual(listed["ChecksumAlgorithm"], algo)
        self.assertEqual([p[f"Checksum{algo}"] for p in listed["Parts"]],
                         [CHECKSUMS[algo](d) for d in data])
        done = self.s3.complete_multipart_upload(Bucket="checks", Key=key, UploadId=uid,
                                                 MultipartUpload={"Parts": parts})
        want = composite_checksum(algo, data)
        self.assertEqual(done[f"Checksum{algo}"], want)
        self.assertEqual(done["ETag"], multipart_etag(data))
        head = self.s3.head_object(Bucket="checks", Key=key, ChecksumMode="ENABLED")
        self.assertEqual(head[f"Checksum{algo}"], want)
        self.assertEqual(head["ChecksumType"], "COMPOSITE")
        attrs = self.s3.get_object_attributes(Bucket="checks", Key=key,
                                              ObjectAttributes=["Checksum", "ObjectParts"])
        # GetObjectAttributes drops the "-N" part count (AWS-FACTS, GetObjectAttributes)
        self.assertEqual(attrs["Checksum"][f"Checksum{algo}"], want.rsplit("-", 1)[0])
        self.assertEqual(attrs["ObjectParts"]["TotalPartsCount"], 2)
        self.assertEqual([p[f"Checksum{algo}"] for p in attrs["ObjectParts"]["Parts"]],
                         [CHECKSUMS[algo](d) for d in data])
        self.assertEqual(self.s3.get_object(Bucket="checks", Key=key)["Body"].read(), b"".join(data))

    def test_sha256_parts(self):
        self.run_upload("SHA256")

    def test_crc32_parts(self):
        self.run_upload("CRC32")

    def test_wrong_part_checksum_is_bad_digest(self):
        uid = self.s3.create_multipart_upload(Bucket="checks", Key="bad",
                                              ChecksumAlgorithm="SHA256")["UploadId"]
        self.assertS3Error("BadDigest", 400, self.s3.upload_part, Bucket="checks", Key="bad",
                           UploadId=uid, PartNumber=1, Body=b"data",
                           ChecksumSHA256=CHECKSUMS["SHA256"](b"other"))
        self.assertNotIn("Parts", self.s3.list_parts(Bucket="checks", Key="bad", UploadId=uid))
