"""S3 buckets through boto3 (client and resource): create, head, list with paging,
location, delete, name rules, ownership across accounts and regions, the error envelope.

Expected behaviour is AWS's (S3 API reference: CreateBucket, DeleteBucket, HeadBucket,
ListBuckets, GetBucketLocation; "Bucket naming rules"; the S3 error-code list), not
whatever mockaws happens to answer.
"""
import datetime
import xml.etree.ElementTree as ET

from botocore.exceptions import ClientError

from .s3util import (DEFAULT_ACCOUNT, OTHER_ACCOUNT, S3TestCase, error_of, raw_s3,
                     s3_client, xml_error)


class CreateAndDelete(S3TestCase):
    def test_create_head_list_delete(self):
        resp = self.s3.create_bucket(Bucket="alpha")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        # us-east-1 answers Location: /<bucket>
        self.assertEqual(resp["Location"], "/alpha")
        self.assertTrue(resp["ResponseMetadata"]["RequestId"])
        self.assertTrue(resp["ResponseMetadata"]["HostId"])

        head = self.s3.head_bucket(Bucket="alpha")
        self.assertEqual(head["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(head["BucketRegion"], "us-east-1")  # x-amz-bucket-region

        listed = self.s3.list_buckets()
        self.assertEqual([b["Name"] for b in listed["Buckets"]], ["alpha"])
        created = listed["Buckets"][0]["CreationDate"]
        self.assertIsInstance(created, datetime.datetime)
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - created).total_seconds()), 120, created)
        self.assertTrue(listed["Owner"]["ID"], listed)
        self.assertNotIn("ContinuationToken", listed)

        resp = self.s3.delete_bucket(Bucket="alpha")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(self.s3.list_buckets()["Buckets"], [])
        self.assertS3Error("404", 404, self.s3.head_bucket, Bucket="alpha")

    def test_delete_missing_bucket_is_no_such_bucket(self):
        err, _ = self.assertS3Error("NoSuchBucket", 404, self.s3.delete_bucket, Bucket="nope")
        self.assertEqual(err["Message"], "The specified bucket does not exist")
        self.assertEqual(err["BucketName"], "nope")

    def test_delete_non_empty_bucket_is_bucket_not_empty(self):
        self.make_bucket("full")
        self.s3.put_object(Bucket="full", Key="k", Body=b"x")
        err, _ = self.assertS3Error("BucketNotEmpty", 409, self.s3.delete_bucket, Bucket="full")
        self.assertEqual(err["BucketName"], "full")
        # still there, object intact
        self.assertEqual(self.s3.get_object(Bucket="full", Key="k")["Body"].read(), b"x")
        self.s3.delete_object(Bucket="full", Key="k")
        self.assertEqual(self.s3.delete_bucket(Bucket="full")["ResponseMetadata"]
                         ["HTTPStatusCode"], 204)

    def test_waiters(self):
        cfg = {"Delay": 1, "MaxAttempts": 2}
        self.make_bucket("waited")
        self.s3.get_waiter("bucket_exists").wait(Bucket="waited", WaiterConfig=cfg)
        self.s3.delete_bucket(Bucket="waited")
        self.s3.get_waiter("bucket_not_exists").wait(Bucket="waited", WaiterConfig=cfg)


class Ownership(S3TestCase):
    def test_recreate_own_bucket_in_us_east_1_is_200(self):
        # "For legacy compatibility, if you re-create an existing bucket that you already
        # own in the North Virginia Region, Amazon S3 returns 200 OK" (error-code list,
        # BucketAlreadyOwnedByYou)
        self.make_bucket("mine")
        self.s3.put_object(Bucket="mine", Key="k", Body=b"kept")
        resp = self.s3.create_bucket(Bucket="mine")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(self.s3.get_object(Bucket="mine", Key="k")["Body"].read(), b"kept")
        self.assertEqual([b["Name"] for b in self.s3.list_buckets()["Buckets"]], ["mine"])

    def test_recreate_own_bucket_elsewhere_is_already_owned(self):
        eu = self.client(region="eu-west-1")
        self.make_bucket("mine-eu", client=eu, region="eu-west-1")
        err, _ = self.assertS3Error(
            "BucketAlreadyOwnedByYou", 409, eu.create_bucket, Bucket="mine-eu",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        self.assertEqual(err["BucketName"], "mine-eu")

    def test_own_us_east_1_bucket_created_again_from_another_region(self):
        # The bucket namespace is global: the name is taken even from eu-west-1.
        self.make_bucket("global-name")
        eu = self.client(region="eu-west-1")
        self.assertS3Error("BucketAlreadyOwnedByYou", 409, eu.create_bucket,
                           Bucket="global-name",
                           CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})

    def test_another_accounts_name_is_already_exists(self):
        self.make_bucket("taken")
        other = self.client(key=OTHER_ACCOUNT)
        self.assertS3Error("BucketAlreadyExists", 409, other.create_bucket, Bucket="taken")
        other_eu = self.client(key=OTHER_ACCOUNT, region="eu-west-1")
        self.assertS3Error("BucketAlreadyExists", 409, other_eu.create_bucket, Bucket="taken",
                           CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        # neither account sees a second bucket, and the other account lists none
        self.assertEqual([b["Name"] for b in self.s3.list_buckets()["Buckets"]], ["taken"])
        self.assertEqual(other.list_buckets()["Buckets"], [])

    def test_another_accounts_bucket_is_access_denied(self):
        # No bucket policy, no ACL grant: another account is denied, not told NoSuchBucket.
        self.make_bucket("private")
        self.s3.put_object(Bucket="private", Key="k", Body=b"secret")
        other = self.client(key=OTHER_ACCOUNT)
        self.assertS3Error("403", 403, other.head_bucket, Bucket="private")
        self.assertS3Error("AccessDenied", 403, other.get_object, Bucket="private", Key="k")
        self.assertS3Error("AccessDenied", 403, other.list_objects_v2, Bucket="private")
        self.assertS3Error("AccessDenied", 403, other.put_object, Bucket="private", Key="x",
                           Body=b"y")
        self.assertS3Error("AccessDenied", 403, other.delete_bucket, Bucket="private")
        self.assertEqual(self.s3.get_object(Bucket="private", Key="k")["Body"].read(),
                         b"secret")
        self.assertEqual(self.s3.list_objects_v2(Bucket="private")["KeyCount"], 1)


class Names(S3TestCase):
    INVALID = [
        "ab",                       # 3..63 characters
        "a" * 64,
        "UPPERCASE",                # lowercase only
        "under_score",
        "-starts-with-dash",        # begin and end with a letter or digit
        "ends-with-dash-",
        ".starts-with-dot",
        "two..dots",                # no adjacent periods
        "192.168.5.4",              # not formatted as an IP address
        "xn--prefix",               # reserved prefixes and suffixes
        "sthree-prefix",
        "name-s3alias",
        "name--ol-s3",
    ]

    def test_invalid_names_are_rejected(self):
        for name in self.INVALID:
            with self.subTest(name=name):
                self.assertS3Error("InvalidBucketName", 400, self.s3.create_bucket, Bucket=name)
        self.assertEqual(self.s3.list_buckets()["Buckets"], [])

    def test_valid_edge_names(self):
        names = ["abc", "a" * 63, "0digits-and.dots9", "my.bucket.name"]
        for name in names:
            with self.subTest(name=name):
                self.s3.create_bucket(Bucket=name)
                self.s3.head_bucket(Bucket=name)
        self.assertEqual([b["Name"] for b in self.s3.list_buckets()["Buckets"]], sorted(names))


class Location(S3TestCase):
    def test_get_bucket_location(self):
        self.make_bucket("east")
        self.assertIsNone(self.s3.get_bucket_location(Bucket="east").get("LocationConstraint"))
        eu = self.client(region="eu-west-1")
        self.make_bucket("west", client=eu, region="eu-west-1")
        self.assertEqual(eu.get_bucket_location(Bucket="west")["LocationConstraint"],
                         "eu-west-1")
        self.assertEqual(eu.head_bucket(Bucket="west")["BucketRegion"], "eu-west-1")
        # GetBucketLocation exists to find a bucket's region from anywhere
        self.assertEqual(self.s3.get_bucket_location(Bucket="west")["LocationConstraint"],
                         "eu-west-1")
        self.assertS3Error("NoSuchBucket", 404, self.s3.get_bucket_location, Bucket="nope")

    def test_regional_bucket_lists_with_its_region(self):
        eu = self.client(region="eu-west-1")
        self.make_bucket("west", client=eu, region="eu-west-1")
        eu.put_object(Bucket="west", Key="k", Body=b"v")
        self.assertEqual(eu.get_object(Bucket="west", Key="k")["Body"].read(), b"v")
        names = [b["Name"] for b in eu.list_buckets()["Buckets"]]
        self.assertEqual(names, ["west"])

    def test_unspecified_constraint_outside_us_east_1(self):
        eu = self.client(region="eu-west-1")
        self.assertS3Error("IllegalLocationConstraintException", 400, eu.create_bucket,
                           Bucket="no-constraint")
        self.assertEqual(eu.list_buckets()["Buckets"], [])

    def test_us_east_1_as_explicit_constraint_is_invalid(self):
        self.assertS3Error("InvalidLocationConstraint", 400, self.s3.create_bucket,
                           Bucket="explicit", CreateBucketConfiguration={
                               "LocationConstraint": "us-east-1"})


class ListBuckets(S3TestCase):
    NAMES = ["b-one", "b-two", "a-first", "c-last", "b-three"]

    def setUp(self):
        super().setUp()
        for n in self.NAMES:
            self.s3.create_bucket(Bucket=n)

    def test_sorted_by_name(self):
        names = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        self.assertEqual(names, sorted(self.NAMES))

    def test_max_buckets_and_continuation_token(self):
        first = self.s3.list_buckets(MaxBuckets=2)
        self.assertEqual([b["Name"] for b in first["Buckets"]], ["a-first", "b-one"])
        self.assertTrue(first.get("ContinuationToken"), first)
        second = self.s3.list_buckets(MaxBuckets=2, ContinuationToken=first["ContinuationToken"])
        self.assertEqual([b["Name"] for b in second["Buckets"]], ["b-three", "b-two"])
        third = self.s3.list_buckets(MaxBuckets=2, ContinuationToken=second["ContinuationToken"])
        self.assertEqual([b["Name"] for b in third["Buckets"]], ["c-last"])
        self.assertNotIn("ContinuationToken", third)

    def test_prefix(self):
        resp = self.s3.list_buckets(Prefix="b-")
        self.assertEqual([b["Name"] for b in resp["Buckets"]], ["b-one", "b-three", "b-two"])
        self.assertEqual(resp["Prefix"], "b-")
        self.assertEqual(self.s3.list_buckets(Prefix="zzz")["Buckets"], [])

    def test_paginator(self):
        pages = list(self.s3.get_paginator("list_buckets").paginate(
            PaginationConfig={"PageSize": 2}))
        self.assertEqual([len(p["Buckets"]) for p in pages], [2, 2, 1])
        names = [b["Name"] for p in pages for b in p["Buckets"]]
        self.assertEqual(names, sorted(self.NAMES))
        # paginate with a prefix and MaxItems
        got = self.s3.get_paginator("list_buckets").paginate(
            Prefix="b-", PaginationConfig={"PageSize": 1}).build_full_result()
        self.assertEqual([b["Name"] for b in got["Buckets"]], ["b-one", "b-three", "b-two"])

    def test_other_account_sees_only_its_own(self):
        other = self.client(key=OTHER_ACCOUNT)
        other.create_bucket(Bucket="theirs")
        self.assertEqual([b["Name"] for b in other.list_buckets()["Buckets"]], ["theirs"])
        self.assertNotIn("theirs", [b["Name"] for b in self.s3.list_buckets()["Buckets"]])


class Resource(S3TestCase):
    def test_resource_buckets(self):
        bucket = self.s3r.create_bucket(Bucket="res")
        self.assertEqual(bucket.name, "res")
        self.s3r.create_bucket(Bucket="res2")
        self.assertEqual(sorted(b.name for b in self.s3r.buckets.all()), ["res", "res2"])
        self.assertIsInstance(self.s3r.Bucket("res").creation_date, datetime.datetime)
        bucket.put_object(Key="a", Body=b"1")
        bucket.put_object(Key="b/c", Body=b"2")
        bucket.objects.all().delete()
        self.assertEqual(list(bucket.objects.all()), [])
        bucket.delete()
        bucket.wait_until_not_exists(WaiterConfig={"Delay": 1, "MaxAttempts": 2})
        self.assertEqual(sorted(b.name for b in self.s3r.buckets.all()), ["res2"])


class Envelope(S3TestCase):
    def test_error_body_and_headers(self):
        status, headers, body = raw_s3(self.server, "GET", "/no-such-bucket/some/key")
        self.assertEqual(status, 404)
        self.assertTrue(headers.get("content-type", "").startswith("application/xml"), headers)
        code, message, root = xml_error(body)
        self.assertEqual(code, "NoSuchBucket")
        self.assertEqual(message, "The specified bucket does not exist")
        self.assertEqual(root.findtext("BucketName"), "no-such-bucket")
        self.assertEqual(root.findtext("RequestId"), headers.get("x-amz-request-id"))
        self.assertTrue(root.findtext("HostId"))
        self.assertTrue(headers.get("x-amz-id-2"))

    def test_head_errors_have_no_body(self):
        status, headers, body = raw_s3(self.server, "HEAD", "/no-such-bucket")
        self.assertEqual(status, 404)
        self.assertEqual(body, b"")
        self.assertTrue(headers.get("x-amz-request-id"))
        self.make_bucket("bkt-head")
        status, _, body = raw_s3(self.server, "HEAD", "/bkt-head/missing")
        self.assertEqual((status, body), (404, b""))

    def test_list_buckets_xml_shape(self):
        self.make_bucket("shape")
        status, headers, body = raw_s3(self.server, "GET", "/")
        self.assertEqual(status, 200)
        root = ET.fromstring(body)
        ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
        self.assertEqual(root.tag, ns + "ListAllMyBucketsResult")
        self.assertEqual(root.findtext(f"{ns}Buckets/{ns}Bucket/{ns}Name"), "shape")
        self.assertTrue(root.findtext(f"{ns}Owner/{ns}ID"))
        created = root.findtext(f"{ns}Buckets/{ns}Bucket/{ns}CreationDate")
        # ISO 8601 with milliseconds and Z, e.g. 2026-11-29T12:00:00.000Z
        self.assertRegex(created, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")

    def test_unsupported_method_on_object_is_method_not_allowed(self):
        self.make_bucket("methods")
        status, _, body = raw_s3(self.server, "PATCH", "/methods/k", body=b"x")
        self.assertEqual(status, 405)
        self.assertEqual(xml_error(body)[0], "MethodNotAllowed")


class Unimplemented(S3TestCase):
    """Operations S3 has and mockaws does not are recognised by the model: 501
    NotImplemented naming the operation, never a look-alike that shares the path
    (PUT /b?versioning is not CreateBucket, DELETE /b?replication not DeleteBucket)."""

    def test_unimplemented_calls_are_501_naming_the_operation(self):
        self.make_bucket("unimpl")
        self.s3.put_object(Bucket="unimpl", Key="k", Body=b"x")
        calls = [
            ("PutBucketVersioning", self.s3.put_bucket_versioning,
             {"Bucket": "unimpl", "VersioningConfiguration": {"Status": "Enabled"}}),
            ("GetBucketReplication", self.s3.get_bucket_replication, {"Bucket": "unimpl"}),
            ("GetBucketMetricsConfiguration", self.s3.get_bucket_metrics_configuration,
             {"Bucket": "unimpl", "Id": "m"}),
            ("DeleteBucketReplication", self.s3.delete_bucket_replication, {"Bucket": "unimpl"}),
            ("ListObjectVersions", self.s3.list_object_versions, {"Bucket": "unimpl"}),
            ("GetObjectLegalHold", self.s3.get_object_legal_hold, {"Bucket": "unimpl", "Key": "k"}),
        ]
        for op, fn, kwargs in calls:
            with self.subTest(op):
                err, _ = self.assertS3Error("NotImplemented", 501, fn, **kwargs)
                self.assertIn(op, err.get("Message", ""))
        # nothing was created, replaced or deleted on the way
        self.assertEqual(self.s3.get_object(Bucket="unimpl", Key="k")["Body"].read(), b"x")
        self.assertEqual([b["Name"] for b in self.s3.list_buckets()["Buckets"]], ["unimpl"])
