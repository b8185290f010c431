"""S3 objects through boto3 (client and resource): put/get/head/delete with headers and
metadata, ranges and conditional requests, copies, batch deletes, tagging, object
attributes, checksums and Content-MD5, presigned URLs, virtual-hosted addressing, and
keys with spaces, '+', '&', '?', '%', non-ASCII characters and a trailing '/'.

Expected behaviour is AWS's (S3 API reference for each operation, the S3 error-code
list, docs/AWS-FACTS.md), not whatever mockaws happens to answer.
"""
import datetime
import gzip
import hashlib
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from botocore.exceptions import ClientError

from .s3util import (CHECKSUMS, ODD_KEYS, OTHER_ACCOUNT, S3TestCase, body_of, content_md5, etag_of,
                     md5_hex, quote_key, raw_s3, resolve_localhost_subdomains, s3_client,
                     xml_error)

ALPHABET = b"abcdefghijklmnopqrstuvwxyz"
UTC = datetime.timezone.utc


def http_date(dt):
    return dt.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


class PutGetHead(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("obj")

    def test_put_get_head_with_every_header(self):
        body = gzip.compress(b"hello, world " * 100)
        expires = datetime.datetime(2030, 12, 1, 16, 0, 0, tzinfo=UTC)
        put = self.s3.put_object(
            Bucket="obj", Key="docs/page.html", Body=body, ContentType="text/html; charset=utf-8",
            ContentEncoding="gzip", CacheControl="max-age=60", ContentLanguage="fr",
            ContentDisposition='attachment; filename="page.html"', Expires=expires,
            Metadata={"Color": "blue", "two-words": "x y"}, Tagging="a=1&b=two%20words")
        self.assertEqual(put["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(put["ETag"], etag_of(body))

        got = self.s3.get_object(Bucket="obj", Key="docs/page.html")
        self.assertEqual(got["Body"].read(), body)
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(got["ETag"], etag_of(body))
        self.assertEqual(got["ContentLength"], len(body))
        self.assertEqual(got["ContentType"], "text/html; charset=utf-8")
        self.assertEqual(got["ContentEncoding"], "gzip")
        self.assertEqual(got["CacheControl"], "max-age=60")
        self.assertEqual(got["ContentLanguage"], "fr")
        self.assertEqual(got["ContentDisposition"], 'attachment; filename="page.html"')
        self.assertEqual(got["ExpiresString"], "Sun, 01 Dec 2030 16:00:00 GMT")
        # user metadata comes back with lowercase names
        self.assertEqual(got["Metadata"], {"color": "blue", "two-words": "x y"})
        self.assertEqual(got["TagCount"], 2)
        self.assertEqual(got["AcceptRanges"], "bytes")
        self.assertIsInstance(got["LastModified"], datetime.datetime)
        age = datetime.datetime.now(UTC) - got["LastModified"]
        self.assertLess(abs(age.total_seconds()), 120)

        head = self.s3.head_object(Bucket="obj", Key="docs/page.html")
        for field in ("ETag", "ContentLength", "ContentType", "ContentEncoding", "CacheControl",
                      "ContentLanguage", "ContentDisposition", "Metadata", "LastModified",
                      "ExpiresString"):
            self.assertEqual(head[field], got[field], field)

        tags = self.s3.get_object_tagging(Bucket="obj", Key="docs/page.html")["TagSet"]
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags),
                         [("a", "1"), ("b", "two words")])

    def test_default_content_type(self):
        status, _, _ = raw_s3(self.server, "PUT", "/obj/plain", body=b"data")
        self.assertEqual(status, 200)
        self.assertEqual(self.s3.head_object(Bucket="obj", Key="plain")["ContentType"],
                         "binary/octet-stream")

    def test_empty_object(self):
        put = self.s3.put_object(Bucket="obj", Key="empty", Body=b"")
        self.assertEqual(put["ETag"], '"d41d8cd98f00b204e9800998ecf8427e"')
        got = self.s3.get_object(Bucket="obj", Key="empty")
        self.assertEqual((got["ContentLength"], got["Body"].read()), (0, b""))

    def test_overwrite_replaces_data_and_metadata(self):
        self.s3.put_object(Bucket="obj", Key="k", Body=b"one", Metadata={"v": "1"},
                           ContentType="text/plain")
        self.s3.put_object(Bucket="obj", Key="k", Body=b"second")
        got = self.s3.get_object(Bucket="obj", Key="k")
        self.assertEqual(got["Body"].read(), b"second")
        self.assertEqual(got["Metadata"], {})
        self.assertEqual(got["ContentType"], "binary/octet-stream")

    def test_no_such_key_names_the_key(self):
        for key in ["missing", "dir/missing.txt"] + ODD_KEYS:
            with self.subTest(key=key):
                err, _ = self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="obj",
                                            Key=key)
                self.assertEqual(err["Key"], key)
                self.assertEqual(err["Message"], "The specified key does not exist.")
                # HEAD has no body: botocore reports the status as the code
                self.assertS3Error("404", 404, self.s3.head_object, Bucket="obj", Key=key)

    def test_no_such_bucket_on_object_operations(self):
        for fn, kwargs in [(self.s3.get_object, {"Key": "k"}),
                           (self.s3.put_object, {"Key": "k", "Body": b"x"}),
                           (self.s3.delete_object, {"Key": "k"}),
                           (self.s3.list_objects_v2, {})]:
            with self.subTest(op=fn.__name__):
                err, _ = self.assertS3Error("NoSuchBucket", 404, fn, Bucket="nobucket", **kwargs)
                self.assertEqual(err["BucketName"], "nobucket")
        self.assertS3Error("404", 404, self.s3.head_object, Bucket="nobucket", Key="k")

    def test_delete_object_is_idempotent(self):
        self.s3.put_object(Bucket="obj", Key="gone", Body=b"x")
        for _ in range(2):
            resp = self.s3.delete_object(Bucket="obj", Key="gone")
            self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        resp = self.s3.delete_object(Bucket="obj", Key="never-existed")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="obj", Key="gone")

    def test_response_header_overrides(self):
        self.s3.put_object(Bucket="obj", Key="k", Body=b"x", ContentType="text/plain")
        got = self.s3.get_object(
            Bucket="obj", Key="k", ResponseContentType="application/json",
            ResponseContentDisposition="inline", ResponseCacheControl="no-cache",
            ResponseContentLanguage="de", ResponseContentEncoding="identity",
            ResponseExpires=datetime.datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC))
        self.assertEqual(got["ContentType"], "application/json")
        self.assertEqual(got["ContentDisposition"], "inline")
        self.assertEqual(got["CacheControl"], "no-cache")
        self.assertEqual(got["ContentLanguage"], "de")
        self.assertEqual(got["ContentEncoding"], "identity")
        self.assertEqual(got["ExpiresString"], "Thu, 02 Jan 2031 03:04:05 GMT")
        # overrides do not change the stored object
        self.assertEqual(self.s3.head_object(Bucket="obj", Key="k")["ContentType"], "text/plain")

    def test_key_length_limit_is_1024_bytes(self):
        ok = "k" * 1024
        self.s3.put_object(Bucket="obj", Key=ok, Body=b"x")
        self.assertEqual(self.s3.get_object(Bucket="obj", Key=ok)["Body"].read(), b"x")
        self.assertS3Error("KeyTooLongError", 400, self.s3.put_object, Bucket="obj",
                           Key="k" * 1025, Body=b"x")
        # the limit is in UTF-8 bytes: 342 three-byte characters are 1026 bytes
        self.assertS3Error("KeyTooLongError", 400, self.s3.put_object, Bucket="obj",
                           Key="\u65e5" * 342, Body=b"x")
        self.assertEqual(self.s3.list_objects_v2(Bucket="obj")["KeyCount"], 1)

    def test_declared_size_over_5_gib_is_entity_too_large(self):
        # A single PUT is limited to 5 GiB, and EntityTooLarge is a 400 (S3 error-code
        # list). The declared Content-Length decides, before any body is sent: botocore
        # sends Expect: 100-continue with large bodies, and the answer must be the error,
        # not 100 Continue.
        import socket
        for declared in (5 * 1024 ** 3 + 1, 6 * 1024 ** 3):
            with self.subTest(content_length=declared):
                sock = socket.create_connection(("127.0.0.1", self.server.port), timeout=60)
                resp = b""
                try:
                    sock.sendall((
                        f"PUT /obj/huge HTTP/1.1\r\nHost: 127.0.0.1:{self.server.port}\r\n"
                        "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/"
                        "us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00\r\n"
                        "x-amz-content-sha256: UNSIGNED-PAYLOAD\r\nExpect: 100-continue\r\n"
                        f"Content-Length: {declared}\r\n\r\n").encode())
                    while b"</Error>" not in resp:
                        chunk = sock.recv(65536)
                        if not chunk:
                            break
                        resp += chunk
                except socket.timeout:
                    pass
                finally:
                    sock.close()
                self.assertTrue(resp.startswith(b"HTTP/1.1 400 "), resp[:200])
                self.assertIn(b"<Code>EntityTooLarge</Code>", resp)

    def test_concurrent_overwrites_are_never_torn(self):
        import threading
        size = 256 * 1024
        bodies = {bytes([c]) * size: etag_of(bytes([c]) * size) for c in b"ab"}
        self.s3.put_object(Bucket="obj", Key="hot", Body=b"a" * size)
        stop = threading.Event()
        problems = []

        def writer():
            c = self.client()
            i = 0
            while not stop.is_set():
                c.put_object(Bucket="obj", Key="hot", Body=(b"a", b"b")[i % 2] * size)
                i += 1

        def reader():
            c = self.client()
            while not stop.is_set():
                got = c.get_object(Bucket="obj", Key="hot")
                data = got["Body"].read()
                if data not in bodies or bodies[data] != got["ETag"]:
                    problems.append((len(data), data[:1], data[-1:], got["ETag"]))

        threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader)
                                                       for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(2)
        stop.set()
        for t in threads:
            t.join(30)
        self.assertEqual(problems, [], "a reader saw a torn object or a mismatched ETag")

    def test_large_single_put_round_trips(self):
        body = bytes(range(256)) * (3 * 4096)  # 3 MiB
        self.s3.put_object(Bucket="obj", Key="big", Body=body)
        got = self.s3.get_object(Bucket="obj", Key="big")
        self.assertEqual(got["ContentLength"], len(body))
        self.assertEqual(got["Body"].read(), body)


class OddKeys(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("odd")

    def test_put_get_head_delete_each(self):
        for i, key in enumerate(ODD_KEYS):
            with self.subTest(key=key):
                body = f"body {i} {key}".encode()
                self.assertEqual(self.s3.put_object(Bucket="odd", Key=key, Body=body)["ETag"],
                                 etag_of(body))
                self.assertEqual(self.s3.get_object(Bucket="odd", Key=key)["Body"].read(), body)
                self.assertEqual(self.s3.head_object(Bucket="odd", Key=key)["ContentLength"],
                                 len(body))
        listed = [o["Key"] for o in self.s3.list_objects_v2(Bucket="odd")["Contents"]]
        self.assertEqual(listed, sorted(ODD_KEYS, key=lambda k: k.encode()))
        for key in ODD_KEYS:
            self.s3.delete_object(Bucket="odd", Key=key)
        self.assertEqual(self.s3.list_objects_v2(Bucket="odd")["KeyCount"], 0)

    def test_key_is_not_a_prefix_of_a_similar_one(self):
        # 'a+b' and 'a b' are different keys; so are 'x%20y' and 'x y'
        pairs = [("a+b", b"plus"), ("a b", b"space"), ("x%20y", b"pct"), ("x y", b"sp2")]
        for key, body in pairs:
            self.s3.put_object(Bucket="odd", Key=key, Body=body)
        for key, body in pairs:
            self.assertEqual(self.s3.get_object(Bucket="odd", Key=key)["Body"].read(), body, key)
        self.assertEqual(self.s3.list_objects_v2(Bucket="odd")["KeyCount"], 4)

    def test_raw_path_is_percent_decoded_once(self):
        # '+' in a path is a space, as S3 reads it (AWS-FACTS); %2B is a plus; %2520 is '%20'
        for path, key in [("/odd/a+b", "a b"), ("/odd/c%2Bd", "c+d"), ("/odd/e%20f", "e f"),
                          ("/odd/g%2520h", "g%20h"), ("/odd/%E6%97%A5", "\u65e5")]:
            with self.subTest(path=path):
                status, _, _ = raw_s3(self.server, "PUT", path, body=key.encode())
                self.assertEqual(status, 200)
                self.assertEqual(self.s3.get_object(Bucket="odd", Key=key)["Body"].read(),
                                 key.encode())

    def test_resource_api_with_odd_keys(self):
        bucket = self.s3r.Bucket("odd")
        for key in ODD_KEYS:
            bucket.put_object(Key=key, Body=key.encode())
        for summary in bucket.objects.all():
            self.assertEqual(summary.get()["Body"].read(), summary.key.encode())
        obj = self.s3r.Object("odd", ODD_KEYS[0])
        obj.load()
        self.assertEqual(obj.content_length, len(ODD_KEYS[0].encode()))
        self.assertEqual(obj.e_tag, etag_of(ODD_KEYS[0].encode()))
        bucket.objects.filter(Prefix="caf").delete()
        left = sorted(o.key for o in bucket.objects.all())
        self.assertEqual(left, sorted((k for k in ODD_KEYS if not k.startswith("caf")),
                                      key=lambda k: k.encode()))


class RangesAndConditions(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("rng")
        put = self.s3.put_object(Bucket="rng", Key="abc", Body=ALPHABET)
        self.etag = put["ETag"]
        self.modified = self.s3.head_object(Bucket="rng", Key="abc")["LastModified"]

    def get(self, **kwargs):
        return self.s3.get_object(Bucket="rng", Key="abc", **kwargs)

    def test_ranges(self):
        cases = [("bytes=0-4", b"abcde", "bytes 0-4/26"),
                 ("bytes=20-", b"uvwxyz", "bytes 20-25/26"),
                 ("bytes=-3", b"xyz", "bytes 23-25/26"),
                 ("bytes=10-1000", ALPHABET[10:], "bytes 10-25/26"),
                 ("bytes=25-25", b"z", "bytes 25-25/26"),
                 ("bytes=-100", ALPHABET, "bytes 0-25/26")]
        for rng, body, content_range in cases:
            with self.subTest(range=rng):
                got = self.get(Range=rng)
                self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
                self.assertEqual(got["Body"].read(), body)
                self.assertEqual(got["ContentRange"], content_range)
                self.assertEqual(got["ContentLength"], len(body))
                self.assertEqual(got["ETag"], self.etag)

    def test_unsatisfiable_range_is_invalid_range(self):
        for rng in ("bytes=26-", "bytes=100-200"):
            with self.subTest(range=rng):
                err, resp = self.assertS3Error("InvalidRange", 416, self.get, Range=rng)
                self.assertEqual(err["Message"], "The requested range is not satisfiable")
                self.assertEqual(err.get("ActualObjectSize"), "26")
                self.assertEqual(err.get("RangeRequested"), rng)

    def test_head_with_range(self):
        head = self.s3.head_object(Bucket="rng", Key="abc", Range="bytes=2-5")
        self.assertEqual(head["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(head["ContentLength"], 4)
        self.assertEqual(head["ContentRange"], "bytes 2-5/26")

    def test_if_match(self):
        self.assertEqual(self.get(IfMatch=self.etag)["Body"].read(), ALPHABET)
        err, _ = self.assertS3Error("PreconditionFailed", 412, self.get, IfMatch='"0000"')
        self.assertEqual(err.get("Condition"), "If-Match")
        self.assertS3Error("412", 412, self.s3.head_object, Bucket="rng", Key="abc",
                           IfMatch='"0000"')

    def test_if_none_match(self):
        _, resp = self.assertS3Error("304", 304, self.get, IfNoneMatch=self.etag)
        # a 304 still names the version the client holds, and has no body
        headers = resp["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(headers.get("etag"), self.etag)
        self.assertIn("last-modified", headers)
        self.assertEqual(headers.get("content-length", "0"), "0")
        self.assertS3Error("304", 304, self.s3.head_object, Bucket="rng", Key="abc",
                           IfNoneMatch=self.etag)
        self.assertEqual(self.get(IfNoneMatch='"0000"')["Body"].read(), ALPHABET)

    def test_if_modified_since(self):
        self.assertS3Error("304", 304, self.get, IfModifiedSince=self.modified)
        earlier = self.modified - datetime.timedelta(hours=1)
        self.assertEqual(self.get(IfModifiedSince=earlier)["Body"].read(), ALPHABET)

    def test_if_unmodified_since(self):
        earlier = self.modified - datetime.timedelta(hours=1)
        err, _ = self.assertS3Error("PreconditionFailed", 412, self.get,
                                    IfUnmodifiedSince=earlier)
        self.assertEqual(err.get("Condition"), "If-Unmodified-Since")
        self.assertEqual(self.get(IfUnmodifiedSince=self.modified)["Body"].read(), ALPHABET)

    def test_documented_precedence(self):
        earlier = self.modified - datetime.timedelta(hours=1)
        # If-Match true and If-Unmodified-Since false: 200
        got = self.get(IfMatch=self.etag, IfUnmodifiedSince=earlier)
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 200)
        # If-None-Match false and If-Modified-Since true: 304
        self.assertS3Error("304", 304, self.get, IfNoneMatch=self.etag, IfModifiedSince=earlier)

    def test_range_with_condition(self):
        got = self.get(Range="bytes=0-0", IfMatch=self.etag)
        self.assertEqual((got["ResponseMetadata"]["HTTPStatusCode"], got["Body"].read()),
                         (206, b"a"))
        self.assertS3Error("PreconditionFailed", 412, self.get, Range="bytes=0-0",
                           IfMatch='"0000"')


class Copy(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("src")
        self.make_bucket("dst")
        self.body = b"copy me " * 64
        self.etag = self.s3.put_object(
            Bucket="src", Key="orig", Body=self.body, ContentType="text/x-orig",
            Metadata={"m": "1"}, Tagging="t=1")["ETag"]

    def test_copy_keeps_metadata_by_default(self):
        resp = self.s3.copy_object(Bucket="dst", Key="copied",
                                   CopySource={"Bucket": "src", "Key": "orig"})
        self.assertEqual(resp["CopyObjectResult"]["ETag"], self.etag)
        self.assertIsInstance(resp["CopyObjectResult"]["LastModified"], datetime.datetime)
        got = self.s3.get_object(Bucket="dst", Key="copied")
        self.assertEqual(got["Body"].read(), self.body)
        self.assertEqual(got["ContentType"], "text/x-orig")
        self.assertEqual(got["Metadata"], {"m": "1"})
        self.assertEqual(self.s3.get_object_tagging(Bucket="dst", Key="copied")["TagSet"],
                         [{"Key": "t", "Value": "1"}])
        # the source is untouched
        self.assertEqual(self.s3.get_object(Bucket="src", Key="orig")["Body"].read(), self.body)

    def test_copy_replace_metadata_and_tags(self):
        self.s3.copy_object(Bucket="dst", Key="replaced", CopySource="src/orig",
                            MetadataDirective="REPLACE", ContentType="text/x-new",
                            Metadata={"n": "2"}, TaggingDirective="REPLACE", Tagging="u=2")
        got = self.s3.get_object(Bucket="dst", Key="replaced")
        self.assertEqual(got["Body"].read(), self.body)
        self.assertEqual(got["ContentType"], "text/x-new")
        self.assertEqual(got["Metadata"], {"n": "2"})
        self.assertEqual(self.s3.get_object_tagging(Bucket="dst", Key="replaced")["TagSet"],
                         [{"Key": "u", "Value": "2"}])

    def test_copy_odd_keys_both_ways(self):
        for i, key in enumerate(ODD_KEYS):
            with self.subTest(key=key):
                body = f"odd {i}".encode()
                self.s3.put_object(Bucket="src", Key=key, Body=body)
                target = "copy of " + key
                self.s3.copy_object(Bucket="dst", Key=target,
                                    CopySource={"Bucket": "src", "Key": key})
                self.assertEqual(self.s3.get_object(Bucket="dst", Key=target)["Body"].read(),
                                 body)

    def test_raw_copy_source_is_url_decoded(self):
        self.s3.put_object(Bucket="src", Key="a b+c&d?e", Body=b"raw")
        for source in ["/src/a%20b%2Bc%26d%3Fe", "src/a%20b%2Bc%26d%3Fe"]:
            with self.subTest(source=source):
                status, _, body = raw_s3(self.server, "PUT", "/dst/target",
                                         headers={"x-amz-copy-source": source})
                self.assertEqual(status, 200, body)
                root = ET.fromstring(body)
                self.assertEqual(root.tag.split("}")[-1], "CopyObjectResult")
                self.assertEqual(self.s3.get_object(Bucket="dst", Key="target")["Body"].read(),
                                 b"raw")

    def test_copy_onto_itself(self):
        self.assertS3Error("InvalidRequest", 400, self.s3.copy_object, Bucket="src", Key="orig",
                           CopySource={"Bucket": "src", "Key": "orig"})
        self.s3.copy_object(Bucket="src", Key="orig", CopySource={"Bucket": "src", "Key": "orig"},
                            MetadataDirective="REPLACE", Metadata={"fresh": "yes"})
        got = self.s3.get_object(Bucket="src", Key="orig")
        self.assertEqual(got["Body"].read(), self.body)
        self.assertEqual(got["Metadata"], {"fresh": "yes"})

    def test_copy_errors(self):
        self.assertS3Error("NoSuchKey", 404, self.s3.copy_object, Bucket="dst", Key="x",
                           CopySource={"Bucket": "src", "Key": "absent"})
        self.assertS3Error("NoSuchBucket", 404, self.s3.copy_object, Bucket="dst", Key="x",
                           CopySource={"Bucket": "no-such-src", "Key": "orig"})
        self.assertS3Error("NoSuchBucket", 404, self.s3.copy_object, Bucket="no-such-dst",
                           Key="x", CopySource={"Bucket": "src", "Key": "orig"})
        self.assertS3Error("PreconditionFailed", 412, self.s3.copy_object, Bucket="dst", Key="x",
                           CopySource={"Bucket": "src", "Key": "orig"}, CopySourceIfMatch='"0"')
        # for a copy, a failed If-None-Match is 412 as well, not 304
        self.assertS3Error("PreconditionFailed", 412, self.s3.copy_object, Bucket="dst", Key="x",
                           CopySource={"Bucket": "src", "Key": "orig"},
                           CopySourceIfNoneMatch=self.etag)
        ok = self.s3.copy_object(Bucket="dst", Key="x", CopySource={"Bucket": "src", "Key": "orig"},
                                 CopySourceIfMatch=self.etag)
        self.assertEqual(ok["CopyObjectResult"]["ETag"], self.etag)

    def test_resource_copy_from(self):
        obj = self.s3r.Object("dst", "via-resource")
        obj.copy_from(CopySource={"Bucket": "src", "Key": "orig"})
        self.assertEqual(obj.get()["Body"].read(), self.body)
        self.s3r.Bucket("dst").copy({"Bucket": "src", "Key": "orig"}, "via-managed-copy")
        self.assertEqual(self.s3r.Object("dst", "via-managed-copy").get()["Body"].read(),
                         self.body)


class DeleteObjects(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("del")
        for key in ["a", "b", "c"] + ODD_KEYS:
            self.s3.put_object(Bucket="del", Key=key, Body=b"x")

    def keys(self):
        return {o["Key"] for o in self.s3.list_objects_v2(Bucket="del").get("Contents", [])}

    def test_verbose_reports_every_key_including_missing_ones(self):
        resp = self.s3.delete_objects(Bucket="del", Delete={"Objects": [
            {"Key": "a"}, {"Key": "b"}, {"Key": "never-existed"}]})
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        # "if the object specified in the request is not found, Amazon S3 returns the
        # result as deleted"
        self.assertEqual(sorted(d["Key"] for d in resp["Deleted"]), ["a", "b", "never-existed"])
        self.assertNotIn("Errors", resp)
        self.assertEqual(self.keys(), {"c"} | set(ODD_KEYS))

    def test_quiet_reports_nothing_on_success(self):
        resp = self.s3.delete_objects(Bucket="del", Delete={
            "Objects": [{"Key": "a"}, {"Key": "c"}], "Quiet": True})
        self.assertNotIn("Deleted", resp)
        self.assertNotIn("Errors", resp)
        self.assertEqual(self.keys(), {"b"} | set(ODD_KEYS))

    def test_odd_keys(self):
        resp = self.s3.delete_objects(Bucket="del", Delete={
            "Objects": [{"Key": k} for k in ODD_KEYS]})
        self.assertEqual(sorted(d["Key"] for d in resp["Deleted"]), sorted(ODD_KEYS))
        self.assertEqual(self.keys(), {"a", "b", "c"})

    def test_per_key_error(self):
        # An invalid version id of one key fails that key alone; the others are deleted.
        objects = [{"Key": "a"}, {"Key": "b", "VersionId": "abc"}, {"Key": "c"}]
        resp = self.s3.delete_objects(Bucket="del", Delete={"Objects": objects})
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(sorted(d["Key"] for d in resp["Deleted"]), ["a", "c"])
        self.assertEqual(resp["Errors"], [{
            "Key": "b", "VersionId": "abc", "Code": "NoSuchVersion",
            "Message": "The specified version does not exist."}])
        self.assertIn("b", self.keys())
        # Quiet mode still reports errors
        resp = self.s3.delete_objects(Bucket="del", Delete={
            "Objects": [{"Key": "b", "VersionId": "abc"}, {"Key": "with space.txt"}],
            "Quiet": True})
        self.assertNotIn("Deleted", resp)
        self.assertEqual([e["Key"] for e in resp["Errors"]], ["b"])
        self.assertNotIn("with space.txt", self.keys())

    def test_more_than_1000_keys_is_malformed_xml(self):
        resp = self.s3.delete_objects(Bucket="del", Delete={
            "Objects": [{"Key": f"k{i}"} for i in range(999)] + [{"Key": "a"}]})
        self.assertEqual(len(resp["Deleted"]), 1000)
        objects = [{"Key": f"k{i}"} for i in range(1001)]
        self.assertS3Error("MalformedXML", 400, self.s3.delete_objects, Bucket="del",
                           Delete={"Objects": objects})

    def test_missing_bucket(self):
        self.assertS3Error("NoSuchBucket", 404, self.s3.delete_objects, Bucket="nope",
                           Delete={"Objects": [{"Key": "a"}]})


class Tagging(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("tags")
        self.s3.put_object(Bucket="tags", Key="k", Body=b"x")

    def test_put_get_delete(self):
        tagset = [{"Key": "env", "Value": "test"}, {"Key": "owner", "Value": "a b/c+d"}]
        resp = self.s3.put_object_tagging(Bucket="tags", Key="k", Tagging={"TagSet": tagset})
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        got = self.s3.get_object_tagging(Bucket="tags", Key="k")["TagSet"]
        self.assertEqual(sorted(got, key=lambda t: t["Key"]), tagset)
        self.assertEqual(self.s3.get_object(Bucket="tags", Key="k")["TagCount"], 2)
        resp = self.s3.delete_object_tagging(Bucket="tags", Key="k")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(self.s3.get_object_tagging(Bucket="tags", Key="k")["TagSet"], [])
        self.assertNotIn("TagCount", self.s3.get_object(Bucket="tags", Key="k"))

    def test_put_replaces_the_whole_set(self):
        self.s3.put_object_tagging(Bucket="tags", Key="k",
                                   Tagging={"TagSet": [{"Key": "a", "Value": "1"}]})
        self.s3.put_object_tagging(Bucket="tags", Key="k",
                                   Tagging={"TagSet": [{"Key": "b", "Value": "2"}]})
        self.assertEqual(self.s3.get_object_tagging(Bucket="tags", Key="k")["TagSet"],
                         [{"Key": "b", "Value": "2"}])

    def test_errors(self):
        for fn in (self.s3.get_object_tagging, self.s3.delete_object_tagging):
            self.assertS3Error("NoSuchKey", 404, fn, Bucket="tags", Key="absent")
        self.assertS3Error("NoSuchKey", 404, self.s3.put_object_tagging, Bucket="tags",
                           Key="absent", Tagging={"TagSet": []})
        eleven = [{"Key": f"k{i}", "Value": "v"} for i in range(11)]
        self.assertS3Error("BadRequest", 400, self.s3.put_object_tagging, Bucket="tags", Key="k",
                           Tagging={"TagSet": eleven})
        dup = [{"Key": "same", "Value": "1"}, {"Key": "same", "Value": "2"}]
        self.assertS3Error("InvalidTag", 400, self.s3.put_object_tagging, Bucket="tags", Key="k",
                           Tagging={"TagSet": dup})
        self.assertEqual(self.s3.get_object_tagging(Bucket="tags", Key="k")["TagSet"], [])


class Attributes(S3TestCase):
    def test_single_part_object(self):
        self.make_bucket("attrs")
        body = b"attributes" * 10
        self.s3.put_object(Bucket="attrs", Key="k", Body=body, ChecksumAlgorithm="SHA256")
        resp = self.s3.get_object_attributes(
            Bucket="attrs", Key="k",
            ObjectAttributes=["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"])
        # GetObjectAttributes answers the ETag without quotes
        self.assertEqual(resp["ETag"], md5_hex(body))
        self.assertEqual(resp["ObjectSize"], len(body))
        self.assertEqual(resp["StorageClass"], "STANDARD")
        self.assertEqual(resp["Checksum"]["ChecksumSHA256"], CHECKSUMS["SHA256"](body))
        self.assertNotIn("ObjectParts", resp)
        self.assertIsInstance(resp["LastModified"], datetime.datetime)

        only_size = self.s3.get_object_attributes(Bucket="attrs", Key="k",
                                                  ObjectAttributes=["ObjectSize"])
        self.assertEqual(only_size["ObjectSize"], len(body))
        self.assertNotIn("ETag", only_size)
        self.assertNotIn("StorageClass", only_size)

        self.assertS3Error("NoSuchKey", 404, self.s3.get_object_attributes, Bucket="attrs",
                           Key="absent", ObjectAttributes=["ETag"])


class Checksums(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("sums")
        self.data = b"The quick brown fox jumps over the lazy dog\n" * 50

    def capture_headers(self, client, event):
        seen = []
        def grab(request, **_):
            seen.append({k.lower(): v.decode() if isinstance(v, bytes) else v
                         for k, v in request.headers.items()})

        client.meta.events.register(event, grab)
        return seen

    def test_sdk_computed_algorithms(self):
        for algo in ("CRC32", "SHA1", "SHA256"):
            with self.subTest(algorithm=algo):
                key = f"by-sdk-{algo}"
                want = CHECKSUMS[algo](self.data)
                put = self.s3.put_object(Bucket="sums", Key=key, Body=self.data,
                                         ChecksumAlgorithm=algo)
                self.assertEqual(put[f"Checksum{algo}"], want)
                got = self.s3.get_object(Bucket="sums", Key=key, ChecksumMode="ENABLED")
                self.assertEqual(got["Body"].read(), self.data)
                self.assertEqual(got[f"Checksum{algo}"], want)
                head = self.s3.head_object(Bucket="sums", Key=key, ChecksumMode="ENABLED")
                self.assertEqual(head[f"Checksum{algo}"], want)
                self.assertEqual(head.get("ChecksumType"), "FULL_OBJECT")

    def test_caller_supplied_crc32c_and_crc64nvme(self):
        # botocore needs awscrt to compute these; the caller can supply the value itself
        for algo in ("CRC32C", "CRC64NVME"):
            with self.subTest(algorithm=algo):
                key = f"by-caller-{algo}"
                want = CHECKSUMS[algo](self.data)
                put = self.s3.put_object(Bucket="sums", Key=key, Body=self.data,
                                         **{f"Checksum{algo}": want})
                self.assertEqual(put[f"Checksum{algo}"], want)
                head = self.s3.head_object(Bucket="sums", Key=key, ChecksumMode="ENABLED")
                self.assertEqual(head[f"Checksum{algo}"], want)
                got = self.s3.get_object(Bucket="sums", Key=key, ChecksumMode="ENABLED")
                self.assertEqual(got[f"Checksum{algo}"], want)
                self.assertEqual(got["Body"].read(), self.data)

    def test_default_crc32_is_sent_and_stored(self):
        sent = self.capture_headers(self.s3, "before-send.s3.PutObject")
        self.s3.put_object(Bucket="sums", Key="default", Body=self.data)
        self.assertEqual(sent[-1].get("x-amz-checksum-crc32"), CHECKSUMS["CRC32"](self.data),
                         "botocore's default (when_supported) sends CRC32")
        got = self.s3.get_object(Bucket="sums", Key="default", ChecksumMode="ENABLED")
        self.assertEqual(got["ChecksumCRC32"], CHECKSUMS["CRC32"](self.data))

    def test_checksums_only_with_checksum_mode(self):
        self.s3.put_object(Bucket="sums", Key="k", Body=self.data, ChecksumAlgorithm="SHA256")
        status, headers, body = raw_s3(self.server, "GET", "/sums/k")
        self.assertEqual((status, body), (200, self.data))
        self.assertNotIn("x-amz-checksum-sha256", headers)
        status, headers, _ = raw_s3(self.server, "GET", "/sums/k",
                                    headers={"x-amz-checksum-mode": "ENABLED"})
        self.assertEqual(headers.get("x-amz-checksum-sha256"), CHECKSUMS["SHA256"](self.data))

    def test_wrong_checksum_value_is_bad_digest(self):
        for algo in ("CRC32", "CRC32C", "SHA1", "SHA256"):
            with self.subTest(algorithm=algo):
                wrong = CHECKSUMS[algo](b"something else")
                self.assertS3Error("BadDigest", 400, self.s3.put_object, Bucket="sums",
                                   Key=f"wrong-{algo}", Body=self.data,
                                   **{f"Checksum{algo}": wrong})
                self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="sums",
                                   Key=f"wrong-{algo}")

    def test_header_corrupted_after_the_sdk_computed_it(self):
        client = self.client()

        def corrupt(request, **_):
            request.headers["x-amz-checksum-crc32"] = CHECKSUMS["CRC32"](b"not the body")

        client.meta.events.register("before-send.s3.PutObject", corrupt)
        self.assertS3Error("BadDigest", 400, client.put_object, Bucket="sums", Key="corrupt",
                           Body=self.data)
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="sums", Key="corrupt")

    def test_malformed_checksum_value_is_invalid_request(self):
        self.assertS3Error("InvalidRequest", 400, self.s3.put_object, Bucket="sums", Key="bad",
                           Body=self.data, ChecksumCRC32="not-base64!!")

    def test_content_md5(self):
        ok = self.s3.put_object(Bucket="sums", Key="md5", Body=self.data,
                                ContentMD5=content_md5(self.data))
        self.assertEqual(ok["ETag"], etag_of(self.data))
        self.assertS3Error("BadDigest", 400, self.s3.put_object, Bucket="sums", Key="md5-bad",
                           Body=self.data, ContentMD5=content_md5(b"other"))
        self.assertS3Error("InvalidDigest", 400, self.s3.put_object, Bucket="sums",
                           Key="md5-malformed", Body=self.data, ContentMD5="abc")
        self.assertEqual(sorted(o["Key"] for o in
                                self.s3.list_objects_v2(Bucket="sums")["Contents"]), ["md5"])

    def test_raw_content_md5_mismatch(self):
        status, _, body = raw_s3(self.server, "PUT", "/sums/raw", body=b"abc",
                                 headers={"Content-MD5": content_md5(b"abd")})
        self.assertEqual(status, 400)
        self.assertEqual(xml_error(body)[0], "BadDigest")


def aws_chunked(data, chunk=65536, signed=False, trailer=None, trailer_signed=False):
    """An aws-chunked body: data in chunks, each '<hex size>[;chunk-signature=<sig>]\\r\\n
    <bytes>\\r\\n', a final zero chunk, then optional trailer lines and a blank line."""
    sig = ";chunk-signature=" + "0" * 64 if signed else ""
    out = bytearray()
    for off in range(0, len(data), chunk):
        piece = data[off:off + chunk]
        out += f"{len(piece):x}{sig}\r\n".encode() + piece + b"\r\n"
    out += f"0{sig}\r\n".encode()
    if trailer:
        name, value = trailer
        out += f"{name}:{value}\r\n".encode()
        if trailer_signed:
            out += b"x-amz-trailer-signature:" + b"0" * 64 + b"\r\n"
    out += b"\r\n"
    return bytes(out)


class AwsChunked(S3TestCase):
    """Request bodies in aws-chunked encoding, as the SDKs send them (AWS-FACTS.md,
    'Streaming uploads'; S3 'Signature Calculations for the Authorization Header:
    Transferring Payload in Multiple Chunks'): the object holds exactly the decoded
    bytes, and a trailing checksum is verified and stored."""

    def setUp(self):
        super().setUp()
        self.make_bucket("chunked")
        self.data = body_of(200_000, 9)

    def put(self, key, body, sha, extra=None, data=None):
        data = self.data if data is None else data
        headers = {"Content-Encoding": "aws-chunked", "x-amz-content-sha256": sha,
                   "x-amz-decoded-content-length": str(len(data))}
        headers.update(extra or {})
        return raw_s3(self.server, "PUT", f"/chunked/{key}", body=body, headers=headers)

    def stored(self, key):
        got = self.s3.get_object(Bucket="chunked", Key=key, ChecksumMode="ENABLED")
        return got, got["Body"].read()

    def test_signed_chunks(self):
        status, headers, body = self.put("signed", aws_chunked(self.data, signed=True),
                                         "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("etag"), etag_of(self.data))
        got, data = self.stored("signed")
        self.assertEqual(data, self.data)
        self.assertEqual(got["ContentLength"], len(self.data))
        self.assertNotIn("ContentEncoding", got)

    def test_signed_chunks_with_trailer(self):
        crc = CHECKSUMS["CRC32"](self.data)
        body = aws_chunked(self.data, signed=True, trailer=("x-amz-checksum-crc32", crc),
                           trailer_signed=True)
        status, _, resp = self.put("signed-trailer", body,
                                   "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
                                   {"x-amz-trailer": "x-amz-checksum-crc32"})
        self.assertEqual(status, 200, resp)
        got, data = self.stored("signed-trailer")
        self.assertEqual(data, self.data)
        self.assertEqual(got["ChecksumCRC32"], crc)

    def test_unsigned_with_trailer(self):
        for algo in ("CRC32", "CRC32C", "SHA256"):
            with self.subTest(algorithm=algo):
                value = CHECKSUMS[algo](self.data)
                name = f"x-amz-checksum-{algo.lower()}"
                body = aws_chunked(self.data, chunk=8192, trailer=(name, value))
                status, headers, resp = self.put(f"unsigned-{algo}", body,
                                                 "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                                 {"x-amz-trailer": name})
                self.assertEqual(status, 200, resp)
                self.assertEqual(headers.get(name), value)
                got, data = self.stored(f"unsigned-{algo}")
                self.assertEqual(data, self.data)
                self.assertEqual(got[f"Checksum{algo}"], value)

    def test_wrong_trailer_checksum_is_bad_digest(self):
        body = aws_chunked(self.data, trailer=("x-amz-checksum-crc32",
                                               CHECKSUMS["CRC32"](b"not it")))
        status, _, resp = self.put("bad-trailer", body, "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                   {"x-amz-trailer": "x-amz-checksum-crc32"})
        self.assertEqual(status, 400)
        self.assertEqual(xml_error(resp)[0], "BadDigest")
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="chunked",
                           Key="bad-trailer")

    def test_other_content_encodings_are_kept(self):
        status, _, resp = self.put("gz", aws_chunked(self.data, signed=True),
                                   "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                                   {"Content-Encoding": "aws-chunked,gzip"})
        self.assertEqual(status, 200, resp)
        got, data = self.stored("gz")
        self.assertEqual(data, self.data)
        self.assertEqual(got["ContentEncoding"], "gzip")

    def test_empty_body(self):
        status, headers, resp = self.put("empty", aws_chunked(b"", signed=True),
                                         "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", data=b"")
        self.assertEqual(status, 200, resp)
        self.assertEqual(headers.get("etag"), '"d41d8cd98f00b204e9800998ecf8427e"')
        self.assertEqual(self.stored("empty")[1], b"")

    def test_upload_part_in_aws_chunked(self):
        uid = self.s3.create_multipart_upload(Bucket="chunked", Key="mp")["UploadId"]
        crc = CHECKSUMS["CRC32"](self.data)
        body = aws_chunked(self.data, trailer=("x-amz-checksum-crc32", crc))
        status, headers, resp = raw_s3(
            self.server, "PUT", f"/chunked/mp?partNumber=1&uploadId={uid}", body=body,
            headers={"Content-Encoding": "aws-chunked",
                     "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                     "x-amz-decoded-content-length": str(len(self.data)),
                     "x-amz-trailer": "x-amz-checksum-crc32"})
        self.assertEqual(status, 200, resp)
        self.assertEqual(headers.get("etag"), etag_of(self.data))
        self.s3.complete_multipart_upload(Bucket="chunked", Key="mp", UploadId=uid,
                                          MultipartUpload={"Parts": [
                                              {"PartNumber": 1, "ETag": etag_of(self.data)}]})
        self.assertEqual(self.stored("mp")[1], self.data)


class PayloadHash(S3TestCase):
    def test_content_sha256_mismatch(self):
        # botocore signs the payload over plain HTTP: x-amz-content-sha256 is the body's
        # SHA-256 in hex, and S3 checks it
        self.make_bucket("hashes")
        other = hashlib.sha256(b"other").hexdigest()
        status, _, body = raw_s3(self.server, "PUT", "/hashes/k", body=b"data",
                                 headers={"x-amz-content-sha256": other})
        self.assertEqual(status, 400)
        self.assertEqual(xml_error(body)[0], "XAmzContentSHA256Mismatch")
        right = hashlib.sha256(b"data").hexdigest()
        status, _, _ = raw_s3(self.server, "PUT", "/hashes/k", body=b"data",
                              headers={"x-amz-content-sha256": right})
        self.assertEqual(status, 200)


class Presigned(S3TestCase):
    """Query-string authentication. boto3 presigns with SigV2 (AWSAccessKeyId, Signature,
    Expires) unless the client is configured for SigV4 (X-Amz-Credential, ...); both are
    served."""

    def setUp(self):
        super().setUp()
        self.make_bucket("pre")
        self.v4 = self.client(signature_version="s3v4")

    def fetch(self, url, method="GET", data=None):
        req = urllib.request.Request(url, data=data, method=method)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()

    def round_trip(self, client, key):
        body = f"presigned {key}".encode()
        put_url = client.generate_presigned_url(
            "put_object", Params={"Bucket": "pre", "Key": key}, ExpiresIn=300)
        status, headers, _ = self.fetch(put_url, "PUT", body)
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("etag"), etag_of(body))
        self.assertEqual(self.s3.get_object(Bucket="pre", Key=key)["Body"].read(), body)

        get_url = client.generate_presigned_url(
            "get_object", Params={"Bucket": "pre", "Key": key}, ExpiresIn=300)
        status, headers, got = self.fetch(get_url)
        self.assertEqual((status, got), (200, body))

        head_url = client.generate_presigned_url(
            "head_object", Params={"Bucket": "pre", "Key": key}, ExpiresIn=300)
        status, headers, got = self.fetch(head_url, "HEAD")
        self.assertEqual((status, got), (200, b""))
        self.assertEqual(headers.get("content-length"), str(len(body)))
        self.assertEqual(headers.get("etag"), etag_of(body))
        return put_url

    def test_sigv4_get_put_head(self):
        for key in ["plain.txt"] + ODD_KEYS:
            with self.subTest(key=key):
                url = self.round_trip(self.v4, key)
                self.assertIn("X-Amz-Credential=", url)
                self.assertIn("X-Amz-Signature=", url)

    def test_default_presign_get_put_head(self):
        for key in ["plain.txt", "a b+c&d?e%f\u00e9\u65e5\u672c/"]:
            with self.subTest(key=key):
                self.round_trip(self.s3, key)

    def test_missing_key(self):
        url = self.v4.generate_presigned_url("get_object",
                                             Params={"Bucket": "pre", "Key": "absent"})
        status, _, body = self.fetch(url)
        self.assertEqual(status, 404)
        code, _, root = xml_error(body)
        self.assertEqual((code, root.findtext("Key")), ("NoSuchKey", "absent"))

    def test_response_overrides_in_presigned_get(self):
        self.s3.put_object(Bucket="pre", Key="dl", Body=b"x")
        url = self.v4.generate_presigned_url("get_object", Params={
            "Bucket": "pre", "Key": "dl", "ResponseContentDisposition": "attachment; filename=a.txt",
            "ResponseContentType": "text/plain"})
        status, headers, _ = self.fetch(url)
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("content-disposition"), "attachment; filename=a.txt")
        self.assertEqual(headers.get("content-type"), "text/plain")

    def test_presigned_by_another_account_is_denied(self):
        self.s3.put_object(Bucket="pre", Key="mine", Body=b"x")
        other = self.client(key=OTHER_ACCOUNT, signature_version="s3v4")
        url = other.generate_presigned_url("get_object", Params={"Bucket": "pre", "Key": "mine"})
        status, _, body = self.fetch(url)
        self.assertEqual(status, 403)
        self.assertEqual(xml_error(body)[0], "AccessDenied")

    def test_expiry_longer_than_a_week_is_rejected(self):
        self.s3.put_object(Bucket="pre", Key="k", Body=b"x")
        url = self.v4.generate_presigned_url("get_object", Params={"Bucket": "pre", "Key": "k"},
                                             ExpiresIn=604801)
        status, _, body = self.fetch(url)
        self.assertEqual(status, 400)
        self.assertEqual(xml_error(body)[0], "AuthorizationQueryParametersError")
        url = self.v4.generate_presigned_url("get_object", Params={"Bucket": "pre", "Key": "k"},
                                             ExpiresIn=604800)
        self.assertEqual(self.fetch(url)[0], 200)

    def test_expired_url_is_access_denied(self):
        self.s3.put_object(Bucket="pre", Key="soon", Body=b"x")
        url = self.v4.generate_presigned_url("get_object", Params={"Bucket": "pre", "Key": "soon"},
                                             ExpiresIn=1)
        time.sleep(2.2)
        status, _, body = self.fetch(url)
        self.assertEqual(status, 403)
        code, message, _ = xml_error(body)
        self.assertEqual((code, message), ("AccessDenied", "Request has expired"))


class VirtualHosted(S3TestCase):
    def virtual_client(self, region="us-east-1"):
        client = s3_client(self.server, addressing="virtual", region=region,
                           endpoint=f"http://localhost:{self.server.port}")
        hosts = []
        client.meta.events.register(
            "before-send.s3", lambda request, **_: hosts.append(
                urllib.parse.urlsplit(request.url).netloc))
        return client, hosts

    def test_sdk_in_virtual_hosted_style(self):
        client, hosts = self.virtual_client()
        with resolve_localhost_subdomains():
            client.create_bucket(Bucket="vhost")
            for key in ["plain"] + ODD_KEYS:
                client.put_object(Bucket="vhost", Key=key, Body=key.encode())
                self.assertEqual(client.get_object(Bucket="vhost", Key=key)["Body"].read(),
                                 key.encode())
            listed = [o["Key"] for o in client.list_objects_v2(Bucket="vhost")["Contents"]]
            client.copy_object(Bucket="vhost", Key="copied",
                               CopySource={"Bucket": "vhost", "Key": "plain"})
            client.delete_objects(Bucket="vhost", Delete={"Objects": [{"Key": "copied"}]})
            head = client.head_bucket(Bucket="vhost")
        self.assertEqual(head["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertTrue(hosts and all(h == f"vhost.localhost:{self.server.port}" for h in hosts),
                        f"requests did not go to the virtual host: {set(hosts)}")
        self.assertEqual(listed, sorted(["plain"] + ODD_KEYS, key=lambda k: k.encode()))
        # the same bucket, seen path-style
        self.assertEqual(self.s3.get_object(Bucket="vhost", Key="plain")["Body"].read(), b"plain")
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="vhost", Key="copied")

    def test_host_forms(self):
        self.make_bucket("hosted")
        self.s3.put_object(Bucket="hosted", Key="a b/c+d", Body=b"found")
        port = self.server.port
        for host in [f"hosted.localhost:{port}", "hosted.localhost",
                     f"hosted.s3.localhost:{port}", f"hosted.s3.us-east-1.localhost:{port}",
                     f"HOSTED.localhost:{port}"]:
            with self.subTest(host=host):
                status, _, body = raw_s3(self.server, "GET", "/a%20b/c%2Bd", host=host)
                self.assertEqual((status, body), (200, b"found"))
        # the bucket's root lists it
        status, _, body = raw_s3(self.server, "GET", "/?list-type=2",
                                 host=f"hosted.s3.localhost:{port}")
        self.assertEqual(status, 200)
        root = ET.fromstring(body)
        ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
        self.assertEqual(root.findtext(f"{ns}Name"), "hosted")
        self.assertEqual(root.findtext(f"{ns}Contents/{ns}Key"), "a b/c+d")
        # path style on an s3.localhost host
        status, _, body = raw_s3(self.server, "GET", "/hosted/a%20b/c%2Bd",
                                 host=f"s3.localhost:{port}")
        self.assertEqual((status, body), (200, b"found"))
        # a missing bucket named by the host
        status, _, body = raw_s3(self.server, "GET", "/k", host=f"absent.localhost:{port}")
        self.assertEqual(status, 404)
        code, _, root = xml_error(body)
        self.assertEqual((code, root.findtext("BucketName")), ("NoSuchBucket", "absent"))

    def test_host_is_case_insensitive(self):
        # RFC 3986 3.2.2 / RFC 9110 4.2.3: the host is case-insensitive, and bucket
        # names are lowercase, so HOSTED.localhost names the bucket 'hosted'
        self.make_bucket("hosted")
        self.s3.put_object(Bucket="hosted", Key="k", Body=b"found")
        status, _, body = raw_s3(self.server, "GET", "/k", host=f"HOSTED.localhost:{self.server.port}")
        self.assertEqual((status, body), (200, b"found"))

    def test_regional_virtual_host(self):
        eu = self.client(region="eu-west-1")
        self.make_bucket("euro", client=eu, region="eu-west-1")
        eu.put_object(Bucket="euro", Key="k", Body=b"eu")
        status, _, body = raw_s3(self.server, "GET", "/k", region="eu-west-1",
                                 host=f"euro.s3.eu-west-1.localhost:{self.server.port}")
        self.assertEqual((status, body), (200, b"eu"))
