"""S3 listing through boto3: ListObjectsV2 (prefix, delimiter, max-keys, continuation
tokens, start-after, encoding-type=url, fetch-owner), ListObjects v1 (marker, NextMarker
rules), their paginators, UTF-8 byte order, odd keys, and buckets loaded from fixtures
(inline bodies, files, and the `generate` form).

Expected behaviour is AWS's (S3 API reference: ListObjectsV2, ListObjects;
docs/AWS-FACTS.md "Pagination"), not whatever mockaws happens to answer.
"""
import base64
import json
import os
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET

from .s3util import ODD_KEYS, S3_NS, S3TestCase, raw_s3, xml_error

NS = S3_NS

TREE = ["a/1", "a/2", "a/b/3", "a/b/4", "b", "c/", "c/d", "d e/f", "plus+/g", "~tilde",
        "\u00e9/h", "\u65e5\u672c/i"]


def utf8_sorted(keys):
    return sorted(keys, key=lambda k: k.encode("utf-8"))


class Basics(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("lst")
        for key in TREE:
            self.s3.put_object(Bucket="lst", Key=key, Body=key.encode())

    def test_fields_of_a_plain_listing(self):
        resp = self.s3.list_objects_v2(Bucket="lst")
        self.assertEqual(resp["Name"], "lst")
        self.assertEqual(resp["Prefix"], "")
        self.assertEqual(resp["MaxKeys"], 1000)
        self.assertEqual(resp["KeyCount"], len(TREE))
        self.assertIs(resp["IsTruncated"], False)
        self.assertNotIn("NextContinuationToken", resp)
        self.assertNotIn("CommonPrefixes", resp)
        self.assertEqual(resp["EncodingType"], "url")  # boto3 asked for it
        self.assertEqual([o["Key"] for o in resp["Contents"]], utf8_sorted(TREE))
        for o in resp["Contents"]:
            self.assertEqual(o["Size"], len(o["Key"].encode()))
            self.assertEqual(o["StorageClass"], "STANDARD")
            self.assertRegex(o["ETag"], r'^"[0-9a-f]{32}"$')
            self.assertIn("LastModified", o)
            self.assertNotIn("Owner", o)  # only with fetch-owner=true

    def test_fetch_owner(self):
        resp = self.s3.list_objects_v2(Bucket="lst", FetchOwner=True, MaxKeys=2)
        for o in resp["Contents"]:
            self.assertTrue(o["Owner"]["ID"], o)

    def test_utf8_byte_order(self):
        self.make_bucket("order")
        # U+FF01 sorts after U+1F600 in UTF-16 but before it in UTF-8
        keys = ["Z", "a", "~", "\u00e9", "\u65e5\u672c", "\uff01", "\U0001F600", "A", "0", " "]
        for k in keys:
            self.s3.put_object(Bucket="order", Key=k, Body=b"")
        got = [o["Key"] for o in self.s3.list_objects_v2(Bucket="order")["Contents"]]
        self.assertEqual(got, utf8_sorted(keys))

    def test_prefix_and_delimiter(self):
        resp = self.s3.list_objects_v2(Bucket="lst", Prefix="a/", Delimiter="/")
        self.assertEqual([o["Key"] for o in resp["Contents"]], ["a/1", "a/2"])
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["a/b/"])
        self.assertEqual(resp["KeyCount"], 3)  # keys and prefixes together
        self.assertEqual((resp["Prefix"], resp["Delimiter"]), ("a/", "/"))

        root = self.s3.list_objects_v2(Bucket="lst", Delimiter="/")
        self.assertEqual([o["Key"] for o in root["Contents"]], ["b", "~tilde"])
        self.assertEqual([p["Prefix"] for p in root["CommonPrefixes"]],
                         ["a/", "c/", "d e/", "plus+/", "\u00e9/", "\u65e5\u672c/"])
        self.assertEqual(root["KeyCount"], 8)

        # the key 'c/' itself is listed under its own prefix
        c = self.s3.list_objects_v2(Bucket="lst", Prefix="c/", Delimiter="/")
        self.assertEqual([o["Key"] for o in c["Contents"]], ["c/", "c/d"])
        self.assertNotIn("CommonPrefixes", c)

        none = self.s3.list_objects_v2(Bucket="lst", Prefix="zzz")
        self.assertEqual(none["KeyCount"], 0)
        self.assertNotIn("Contents", none)

    def test_other_delimiters(self):
        resp = self.s3.list_objects_v2(Bucket="lst", Delimiter="b")
        # every key holding a 'b' after the (empty) prefix rolls up to the first 'b'
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["a/b", "b"])
        self.assertEqual([o["Key"] for o in resp["Contents"]],
                         utf8_sorted(k for k in TREE if "b" not in k))

    def test_prefix_edges_and_long_delimiters(self):
        # a prefix ending inside a key segment rolls up at the next delimiter
        resp = self.s3.list_objects_v2(Bucket="lst", Prefix="a/b", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["a/b/"])
        self.assertNotIn("Contents", resp)
        # start-after before the prefix starts at the prefix; after it, nothing is left
        resp = self.s3.list_objects_v2(Bucket="lst", Prefix="c/", StartAfter="a")
        self.assertEqual([o["Key"] for o in resp["Contents"]], ["c/", "c/d"])
        resp = self.s3.list_objects_v2(Bucket="lst", Prefix="c/", StartAfter="d")
        self.assertEqual(resp["KeyCount"], 0)
        # a delimiter of several characters
        self.make_bucket("multi-delim")
        for k in ["x::y::z", "x::w", "xy", "x:y"]:
            self.s3.put_object(Bucket="multi-delim", Key=k, Body=b"")
        resp = self.s3.list_objects_v2(Bucket="multi-delim", Delimiter="::")
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["x::"])
        self.assertEqual([o["Key"] for o in resp["Contents"]], ["x:y", "xy"])
        resp = self.s3.list_objects_v2(Bucket="multi-delim", Prefix="x::", Delimiter="::")
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["x::y::"])
        self.assertEqual([o["Key"] for o in resp["Contents"]], ["x::w"])

    def test_timestamps_as_s3_writes_them(self):
        # ListBucketResult LastModified: ISO 8601 with milliseconds, e.g.
        # 2009-10-12T17:50:30.000Z (S3 API reference, ListObjectsV2 sample response)
        status, _, body = raw_s3(self.server, "GET", "/lst?list-type=2&max-keys=1")
        self.assertEqual(status, 200)
        stamp = ET.fromstring(body).findtext(f"{NS}Contents/{NS}LastModified")
        self.assertRegex(stamp, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

    def test_max_keys_counts_keys_and_prefixes(self):
        entries = ["a/", "b", "c/", "d e/", "plus+/", "~tilde", "\u00e9/", "\u65e5\u672c/"]
        seen, token, pages = [], None, 0
        while True:
            kwargs = {"Bucket": "lst", "Delimiter": "/", "MaxKeys": 3}
            if token:
                kwargs["ContinuationToken"] = token
            resp = self.s3.list_objects_v2(**kwargs)
            pages += 1
            page = sorted([o["Key"] for o in resp.get("Contents", [])] +
                          [p["Prefix"] for p in resp.get("CommonPrefixes", [])],
                          key=lambda k: k.encode())
            self.assertEqual(resp["KeyCount"], len(page))
            self.assertLessEqual(len(page), 3)
            seen += page
            if not resp["IsTruncated"]:
                self.assertNotIn("NextContinuationToken", resp)
                break
            self.assertEqual(len(page), 3)
            token = resp["NextContinuationToken"]
            if token and "ContinuationToken" in kwargs:
                self.assertEqual(resp["ContinuationToken"], kwargs["ContinuationToken"])
        self.assertEqual(seen, entries)
        self.assertEqual(pages, 3)

    def test_start_after(self):
        resp = self.s3.list_objects_v2(Bucket="lst", StartAfter="a/b/3")
        self.assertEqual(resp["StartAfter"], "a/b/3")
        self.assertEqual([o["Key"] for o in resp["Contents"]][:2], ["a/b/4", "b"])
        # a start-after that is not a key
        resp = self.s3.list_objects_v2(Bucket="lst", StartAfter="c/a")
        self.assertEqual(resp["Contents"][0]["Key"], "c/d")
        # start-after is ignored once a continuation token is given
        first = self.s3.list_objects_v2(Bucket="lst", MaxKeys=2)
        second = self.s3.list_objects_v2(Bucket="lst", MaxKeys=2, StartAfter="zzzz",
                                         ContinuationToken=first["NextContinuationToken"])
        self.assertEqual([o["Key"] for o in second["Contents"]], ["a/b/3", "a/b/4"])

    def test_bad_continuation_token(self):
        self.assertS3Error("InvalidArgument", 400, self.s3.list_objects_v2, Bucket="lst",
                           ContinuationToken="not-a-token")
        token = self.s3.list_objects_v2(Bucket="lst", MaxKeys=1)["NextContinuationToken"]
        # tampered: change one character in the middle
        i = len(token) // 2
        tampered = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
        self.assertS3Error("InvalidArgument", 400, self.s3.list_objects_v2, Bucket="lst",
                           ContinuationToken=tampered)

    def test_empty_bucket(self):
        self.make_bucket("empty")
        resp = self.s3.list_objects_v2(Bucket="empty")
        self.assertEqual((resp["KeyCount"], resp["IsTruncated"]), (0, False))
        self.assertNotIn("Contents", resp)
        v1 = self.s3.list_objects(Bucket="empty")
        self.assertNotIn("Contents", v1)
        self.assertIs(v1["IsTruncated"], False)


class Encoding(S3TestCase):
    KEYS = ODD_KEYS + ["ctl\x01char", "tab\tand\nnewline"]

    def setUp(self):
        super().setUp()
        self.make_bucket("enc")
        for key in self.KEYS:
            self.s3.put_object(Bucket="enc", Key=key, Body=b"x")

    def test_boto3_sees_exact_keys(self):
        v2 = [o["Key"] for o in self.s3.list_objects_v2(Bucket="enc")["Contents"]]
        self.assertEqual(v2, utf8_sorted(self.KEYS))
        v1 = [o["Key"] for o in self.s3.list_objects(Bucket="enc")["Contents"]]
        self.assertEqual(v1, utf8_sorted(self.KEYS))
        resp = self.s3.list_objects_v2(Bucket="enc", Prefix="a b+c", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]],
                         ["a b+c&d?e%f\u00e9\u65e5\u672c/"])
        self.assertEqual(resp["Prefix"], "a b+c")

    def test_explicit_encoding_type_is_left_encoded(self):
        # botocore decodes only when it added EncodingType itself
        resp = self.s3.list_objects_v2(Bucket="enc", EncodingType="url")
        keys = [o["Key"] for o in resp["Contents"]]
        self.assertEqual([urllib.parse.unquote_plus(k) for k in keys], utf8_sorted(self.KEYS))
        for k in keys:
            self.assertNotRegex(k, r"[ +&?\x00-\x1f\u0080-\U0010ffff]", k)

    def test_raw_encoded_xml(self):
        q = urllib.parse.urlencode({"list-type": "2", "encoding-type": "url", "delimiter": "/",
                                    "prefix": "a b+c", "start-after": "a b"})
        status, _, body = raw_s3(self.server, "GET", f"/enc?{q}")
        self.assertEqual(status, 200, body)
        root = ET.fromstring(body)
        self.assertEqual(root.findtext(NS + "EncodingType"), "url")
        for field, want in [("Prefix", "a b+c"), ("Delimiter", "/"), ("StartAfter", "a b")]:
            raw = root.findtext(NS + field)
            self.assertEqual(urllib.parse.unquote_plus(raw), want, field)
        self.assertNotIn(" ", root.findtext(NS + "Prefix"))
        self.assertIn("%2B", root.findtext(NS + "Prefix"))
        [cp] = root.findall(f"{NS}CommonPrefixes/{NS}Prefix")
        self.assertEqual(urllib.parse.unquote_plus(cp.text), "a b+c&d?e%f\u00e9\u65e5\u672c/")
        self.assertIn("%2B", cp.text)
        self.assertIn("%25", cp.text)
        self.assertIn("%C3%A9", cp.text.upper())
        self.assertTrue(cp.text.endswith("/"), "'/' is not encoded")

        q = urllib.parse.urlencode({"list-type": "2", "encoding-type": "url"})
        _, _, body = raw_s3(self.server, "GET", f"/enc?{q}")
        keys = [k.text for k in ET.fromstring(body).iter(NS + "Key")]
        self.assertEqual([urllib.parse.unquote_plus(k) for k in keys], utf8_sorted(self.KEYS))
        self.assertTrue(any(k.upper().startswith("CAF%C3%A9/") for k in keys), keys)

    def test_raw_without_encoding(self):
        keys = [k for k in ODD_KEYS]  # XML-safe ones
        self.make_bucket("plain")
        for k in keys:
            self.s3.put_object(Bucket="plain", Key=k, Body=b"x")
        status, _, body = raw_s3(self.server, "GET", "/plain?list-type=2")
        self.assertEqual(status, 200)
        root = ET.fromstring(body)
        self.assertIsNone(root.find(NS + "EncodingType"))
        self.assertEqual([k.text for k in root.iter(NS + "Key")], utf8_sorted(keys))

    def test_markers_and_start_after_with_odd_keys(self):
        # botocore URL-decodes Marker, NextMarker and StartAfter too: the server must
        # encode them under encoding-type=url, or '+' and '%' come back changed
        full = self.s3.get_paginator("list_objects").paginate(
            Bucket="enc", Delimiter="/", PaginationConfig={"PageSize": 1}).build_full_result()
        entries = sorted([o["Key"] for o in full.get("Contents", [])] +
                         [p["Prefix"] for p in full.get("CommonPrefixes", [])],
                         key=lambda k: k.encode())
        want = sorted({k if "/" not in k else k[:k.index("/") + 1] for k in self.KEYS},
                      key=lambda k: k.encode())
        self.assertEqual(entries, want)
        page = self.s3.list_objects(Bucket="enc", Delimiter="/", MaxKeys=1,
                                    Marker="percent%20not-a-space%2B")
        self.assertEqual(page["Marker"], "percent%20not-a-space%2B")
        self.assertEqual(page["NextMarker"], (page.get("Contents") or
                                              [{"Key": page["CommonPrefixes"][0]["Prefix"]}]
                                              )[0]["Key"])
        after = self.s3.list_objects_v2(Bucket="enc", StartAfter="plus+sign.txt")
        self.assertEqual(after["StartAfter"], "plus+sign.txt")
        self.assertEqual([o["Key"] for o in after["Contents"]],
                         [k for k in utf8_sorted(self.KEYS) if k.encode() > b"plus+sign.txt"])
        pages = list(self.s3.get_paginator("list_objects_v2").paginate(
            Bucket="enc", StartAfter="a", PaginationConfig={"PageSize": 2}))
        self.assertEqual([o["Key"] for p in pages for o in p["Contents"]],
                         [k for k in utf8_sorted(self.KEYS) if k.encode() > b"a"])

    def test_bad_encoding_type(self):
        status, _, body = raw_s3(self.server, "GET", "/enc?list-type=2&encoding-type=base64")
        self.assertEqual(status, 400)
        self.assertEqual(xml_error(body)[0], "InvalidArgument")


class V1(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("list-v1")
        for key in TREE:
            self.s3.put_object(Bucket="list-v1", Key=key, Body=b"x")

    def test_marker_and_next_marker_rules(self):
        first = self.s3.list_objects(Bucket="list-v1", MaxKeys=3)
        self.assertEqual([o["Key"] for o in first["Contents"]], ["a/1", "a/2", "a/b/3"])
        self.assertIs(first["IsTruncated"], True)
        # without a delimiter there is no NextMarker: the client goes on from the last key
        self.assertNotIn("NextMarker", first)
        self.assertEqual(first["Marker"], "")
        nxt = self.s3.list_objects(Bucket="list-v1", MaxKeys=3, Marker="a/b/3")
        self.assertEqual(nxt["Marker"], "a/b/3")
        self.assertEqual([o["Key"] for o in nxt["Contents"]], ["a/b/4", "b", "c/"])

        # with a delimiter, NextMarker is given when truncated
        d = self.s3.list_objects(Bucket="list-v1", MaxKeys=2, Delimiter="/")
        self.assertIs(d["IsTruncated"], True)
        self.assertEqual([p["Prefix"] for p in d["CommonPrefixes"]], ["a/"])
        self.assertEqual([o["Key"] for o in d["Contents"]], ["b"])
        self.assertEqual(d["NextMarker"], "b")
        d2 = self.s3.list_objects(Bucket="list-v1", MaxKeys=2, Delimiter="/", Marker=d["NextMarker"])
        self.assertEqual([p["Prefix"] for p in d2["CommonPrefixes"]], ["c/", "d e/"])
        self.assertEqual(d2["NextMarker"], "d e/")
        last = self.s3.list_objects(Bucket="list-v1", Delimiter="/", Marker="plus+/")
        self.assertIs(last["IsTruncated"], False)
        self.assertNotIn("NextMarker", last)

    def test_v1_paginator_with_and_without_delimiter(self):
        pages = list(self.s3.get_paginator("list_objects").paginate(
            Bucket="list-v1", PaginationConfig={"PageSize": 5}))
        self.assertEqual([len(p["Contents"]) for p in pages], [5, 5, 2])
        self.assertEqual([o["Key"] for p in pages for o in p["Contents"]], utf8_sorted(TREE))
        full = self.s3.get_paginator("list_objects").paginate(
            Bucket="list-v1", Delimiter="/", PaginationConfig={"PageSize": 2}).build_full_result()
        self.assertEqual([o["Key"] for o in full["Contents"]], ["b", "~tilde"])
        self.assertEqual([p["Prefix"] for p in full["CommonPrefixes"]],
                         ["a/", "c/", "d e/", "plus+/", "\u00e9/", "\u65e5\u672c/"])


class Paginators(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("pages")
        self.keys = [f"dir{i % 3}/key {i:02d}+&" for i in range(25)]
        for key in self.keys:
            self.s3.put_object(Bucket="pages", Key=key, Body=b"x")

    def test_list_objects_v2_page_size(self):
        pages = list(self.s3.get_paginator("list_objects_v2").paginate(
            Bucket="pages", PaginationConfig={"PageSize": 7}))
        self.assertEqual([p["KeyCount"] for p in pages], [7, 7, 7, 4])
        self.assertEqual([o["Key"] for p in pages for o in p["Contents"]], utf8_sorted(self.keys))
        for p in pages[:-1]:
            self.assertIs(p["IsTruncated"], True)
            self.assertEqual(p["MaxKeys"], 7)

    def test_max_items_and_starting_token(self):
        pager = self.s3.get_paginator("list_objects_v2")
        part = pager.paginate(Bucket="pages", PaginationConfig={
            "PageSize": 4, "MaxItems": 10}).build_full_result()
        self.assertEqual([o["Key"] for o in part["Contents"]], utf8_sorted(self.keys)[:10])
        rest = pager.paginate(Bucket="pages", PaginationConfig={
            "PageSize": 4, "StartingToken": part["NextToken"]}).build_full_result()
        self.assertEqual([o["Key"] for o in rest["Contents"]], utf8_sorted(self.keys)[10:])

    def test_with_delimiter_and_prefix(self):
        full = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket="pages", Delimiter="/", PaginationConfig={"PageSize": 1}).build_full_result()
        self.assertEqual([p["Prefix"] for p in full["CommonPrefixes"]], ["dir0/", "dir1/", "dir2/"])
        self.assertNotIn("Contents", full)
        full = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket="pages", Prefix="dir1/", PaginationConfig={"PageSize": 3}).build_full_result()
        self.assertEqual([o["Key"] for o in full["Contents"]],
                         utf8_sorted(k for k in self.keys if k.startswith("dir1/")))

    def test_search_expression(self):
        pager = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket="pages", PaginationConfig={"PageSize": 6})
        sizes = list(pager.search("Contents[].Size"))
        self.assertEqual(sizes, [1] * 25)

    def test_resource_collection_pages(self):
        bucket = self.s3r.Bucket("pages")
        pages = list(bucket.objects.page_size(10).pages())
        self.assertEqual([len(p) for p in pages], [10, 10, 5])
        self.assertEqual([o.key for o in bucket.objects.filter(Prefix="dir2/").limit(3)],
                         utf8_sorted(k for k in self.keys if k.startswith("dir2/"))[:3])


class Fixtures(S3TestCase):
    def setUp(self):
        self.fixture_dir = tempfile.mkdtemp(prefix="mockaws-s3-fx-")
        self.addCleanup(lambda: __import__("shutil").rmtree(self.fixture_dir, True))
        self.file_bytes = bytes(range(256)) * 3
        with open(os.path.join(self.fixture_dir, "blob.bin"), "wb") as f:
            f.write(self.file_bytes)
        fixture = {"s3": {"buckets": [
            {"name": "fixture-bkt", "objects": [
                {"key": "text.txt", "body": "hello fixture"},
                {"key": "b64.bin", "body_base64": base64.b64encode(b"\x00\x01\xfe\xff").decode()},
                {"key": "from file", "file": "blob.bin"},
                {"generate": {"prefix": "gen/", "count": 1100, "size": 16}}]},
            {"name": "fixture-empty", "objects": []}]}}
        path = os.path.join(self.fixture_dir, "fixture.json")
        with open(path, "w") as f:
            json.dump(fixture, f)
        self.server_args = ("--fixtures", path)
        super().setUp()

    def test_inline_file_and_generated_objects(self):
        get = lambda k: self.s3.get_object(Bucket="fixture-bkt", Key=k)["Body"].read()
        self.assertEqual(get("text.txt"), b"hello fixture")
        self.assertEqual(get("b64.bin"), b"\x00\x01\xfe\xff")
        self.assertEqual(get("from file"), self.file_bytes)
        # count 1100 gives keys zero-padded to 4 digits: gen/0000 .. gen/1099
        self.assertEqual(len(get("gen/0000")), 16)
        self.assertEqual(len(get("gen/1099")), 16)
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="fixture-bkt", Key="gen/1100")
        self.assertEqual(self.s3.list_objects_v2(Bucket="fixture-empty")["KeyCount"], 0)

    def test_max_keys_is_capped_at_1000(self):
        first = self.s3.list_objects_v2(Bucket="fixture-bkt", Prefix="gen/", MaxKeys=5000)
        self.assertEqual(first["KeyCount"], 1000)
        self.assertIs(first["IsTruncated"], True)
        self.assertEqual(first["Contents"][0]["Key"], "gen/0000")
        self.assertEqual(first["Contents"][-1]["Key"], "gen/0999")
        default = self.s3.list_objects_v2(Bucket="fixture-bkt", Prefix="gen/")
        self.assertEqual(default["KeyCount"], 1000)
        rest = self.s3.list_objects_v2(Bucket="fixture-bkt", Prefix="gen/",
                                       ContinuationToken=first["NextContinuationToken"])
        self.assertEqual(rest["KeyCount"], 100)
        self.assertEqual(rest["Contents"][-1]["Key"], "gen/1099")
        self.assertIs(rest["IsTruncated"], False)

    def test_paginate_the_generated_bucket(self):
        pages = list(self.s3.get_paginator("list_objects_v2").paginate(Bucket="fixture-bkt"))
        self.assertEqual([p["KeyCount"] for p in pages], [1000, 103])
        keys = [o["Key"] for p in pages for o in p["Contents"]]
        self.assertEqual(keys, utf8_sorted(keys))
        self.assertEqual(len(set(keys)), 1103)
