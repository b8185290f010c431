"""S3 versioning and object lock through boto3: Get/PutBucketVersioning, version ids
on every write, delete markers, the null version, GET / HEAD / DELETE / copy by
versionId, DeleteObjects with versions, ListObjectVersions paging, and object lock
(configuration, retention, legal hold, their enforcement and the governance bypass).

Expected behaviour is AWS's as docs/AWS-FACTS.md records it ("Versioning", "Object
lock", "Bucket settings on a fresh bucket"), not whatever mockaws answers.
"""
import datetime
import re
import xml.etree.ElementTree as ET

from .s3util import S3_NS, S3TestCase, content_md5, raw_s3, xml_error

VERSION_ID = re.compile(r"^[A-Za-z0-9._]{32}$")


def future(days=1):
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)


class VersioningConfiguration(S3TestCase):
    def test_fresh_bucket_has_no_status_then_enabled_then_suspended(self):
        self.make_bucket("vbkt")
        got = self.s3.get_bucket_versioning(Bucket="vbkt")
        self.assertNotIn("Status", got)
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.s3.put_bucket_versioning(Bucket="vbkt", VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(self.s3.get_bucket_versioning(Bucket="vbkt")["Status"], "Enabled")
        self.s3.put_bucket_versioning(Bucket="vbkt", VersioningConfiguration={"Status": "Suspended"})
        self.assertEqual(self.s3.get_bucket_versioning(Bucket="vbkt")["Status"], "Suspended")

    def test_bad_configurations(self):
        self.make_bucket("vbkt")
        for body, code in [
            ("<VersioningConfiguration><Status>enabled</Status></VersioningConfiguration>", "MalformedXML"),
            ("<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>", "MalformedXML"),
            ("<VersioningConfiguration></VersioningConfiguration>",
             "IllegalVersioningConfigurationException"),
        ]:
            with self.subTest(body):
                status, _, data = raw_s3(self.server, "PUT", "/vbkt?versioning", body,
                                         {"Content-MD5": content_md5(body.encode())})
                self.assertEqual(status, 400, data)
                self.assertEqual(xml_error(data)[0], code)
        self.assertNotIn("Status", self.s3.get_bucket_versioning(Bucket="vbkt"))

    def test_missing_bucket(self):
        err, _ = self.assertS3Error("NoSuchBucket", 404, self.s3.get_bucket_versioning, Bucket="nope")
        self.assertEqual(err["BucketName"], "nope")


class Versions(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("vbkt")
        self.s3.put_bucket_versioning(Bucket="vbkt", VersioningConfiguration={"Status": "Enabled"})

    def test_every_write_gets_a_version_and_old_ones_stay_readable(self):
        v1 = self.s3.put_object(Bucket="vbkt", Key="k", Body=b"one")["VersionId"]
        v2 = self.s3.put_object(Bucket="vbkt", Key="k", Body=b"two")["VersionId"]
        self.assertRegex(v1, VERSION_ID)
        self.assertRegex(v2, VERSION_ID)
        self.assertNotEqual(v1, v2)
        got = self.s3.get_object(Bucket="vbkt", Key="k")
        self.assertEqual(got["Body"].read(), b"two")
        self.assertEqual(got["VersionId"], v2)
        old = self.s3.get_object(Bucket="vbkt", Key="k", VersionId=v1)
        self.assertEqual(old["Body"].read(), b"one")
        self.assertEqual(old["VersionId"], v1)
        self.assertEqual(self.s3.head_object(Bucket="vbkt", Key="k", VersionId=v1)["ContentLength"], 3)
        # copy and multipart make versions too
        cp = self.s3.copy_object(Bucket="vbkt", Key="c", CopySource={"Bucket": "vbkt", "Key": "k", "VersionId": v1})
        self.assertRegex(cp["VersionId"], VERSION_ID)
        self.assertEqual(cp["CopySourceVersionId"], v1)
        self.assertEqual(self.s3.get_object(Bucket="vbkt", Key="c")["Body"].read(), b"one")
        up = self.s3.create_multipart_upload(Bucket="vbkt", Key="m")["UploadId"]
        etag = self.s3.upload_part(Bucket="vbkt", Key="m", UploadId=up, PartNumber=1, Body=b"mp")["ETag"]
        done = self.s3.complete_multipart_upload(Bucket="vbkt", Key="m", UploadId=up,
                                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        self.assertRegex(done["VersionId"], VERSION_ID)

    def test_version_ids_that_are_bad_or_missing(self):
        self.s3.put_object(Bucket="vbkt", Key="k", Body=b"x")
        err, _ = self.assertS3Error("InvalidArgument", 400, self.s3.get_object, Bucket="vbkt", Key="k",
                                    VersionId="not-a-version")
        self.assertEqual(err["Message"], "Invalid version id specified")
        err, _ = self.assertS3Error("NoSuchVersion", 404, self.s3.get_object, Bucket="vbkt", Key="k",
                                    VersionId="A" * 32)
        self.assertEqual(err["Message"], "The specified version does not exist.")
        self.assertEqual(err["VersionId"], "A" * 32)
        self.assertS3Error("404", 404, self.s3.head_object, Bucket="vbkt", Key="k", VersionId="A" * 32)

    def test_delete_adds_markers_and_version_delete_removes_them(self):
        v1 = self.s3.put_object(Bucket="vbkt", Key="k", Body=b"one")["VersionId"]
        d = self.s3.delete_object(Bucket="vbkt", Key="k")
        self.assertEqual(d["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertTrue(d["DeleteMarker"])
        marker = d["VersionId"]
        self.assertRegex(marker, VERSION_ID)
        # the key is gone, its marker named; the old version is still there
        err, resp = self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="vbkt", Key="k")
        hdrs = resp["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(hdrs["x-amz-delete-marker"], "true")
        self.assertEqual(hdrs["x-amz-version-id"], marker)
        self.assertEqual(self.s3.get_object(Bucket="vbkt", Key="k", VersionId=v1)["Body"].read(), b"one")
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="vbkt"))
        # GET of the marker itself: 405 with its headers
        err, resp = self.assertS3Error("MethodNotAllowed", 405, self.s3.get_object, Bucket="vbkt", Key="k",
                                       VersionId=marker)
        self.assertEqual(err["ResourceType"], "DeleteMarker")
        self.assertEqual(err["Method"], "GET")
        hdrs = resp["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(hdrs["x-amz-delete-marker"], "true")
        self.assertEqual(hdrs["allow"], "DELETE")
        self.assertS3Error("InvalidRequest", 400, self.s3.copy_object, Bucket="vbkt", Key="c",
                           CopySource={"Bucket": "vbkt", "Key": "k", "VersionId": marker})
        # deleting the marker brings the object back
        d = self.s3.delete_object(Bucket="vbkt", Key="k", VersionId=marker)
        self.assertTrue(d["DeleteMarker"])
        self.assertEqual(d["VersionId"], marker)
        self.assertEqual(self.s3.get_object(Bucket="vbkt", Key="k")["Body"].read(), b"one")
        # deleting the last version removes the key for good
        d = self.s3.delete_object(Bucket="vbkt", Key="k", VersionId=v1)
        self.assertEqual(d["VersionId"], v1)
        self.assertNotIn("DeleteMarker", d)
        self.assertNotIn("Versions", self.s3.list_object_versions(Bucket="vbkt"))
        self.s3.delete_bucket(Bucket="vbkt")

    def test_bucket_with_versions_or_markers_is_not_empty(self):
        self.s3.put_object(Bucket="vbkt", Key="k", Body=b"x")
        self.s3.delete_object(Bucket="vbkt", Key="k")
        self.assertS3Error("BucketNotEmpty", 409, self.s3.delete_bucket, Bucket="vbkt")

    def test_delete_objects_with_versions(self):
        v1 = self.s3.put_object(Bucket="vbkt", Key="a", Body=b"1")["VersionId"]
        self.s3.put_object(Bucket="vbkt", Key="b", Body=b"2")
        out = self.s3.delete_objects(Bucket="vbkt", Delete={"Objects": [
            {"Key": "a", "VersionId": v1}, {"Key": "b"}, {"Key": "c", "VersionId": "B" * 32}]})
        deleted = {d["Key"]: d for d in out["Deleted"]}
        self.assertEqual(deleted["a"]["VersionId"], v1)
        self.assertNotIn("DeleteMarker", deleted["a"])
        self.assertTrue(deleted["b"]["DeleteMarker"])
        self.assertRegex(deleted["b"]["DeleteMarkerVersionId"], VERSION_ID)
        self.assertNotIn("VersionId", deleted["b"])
        self.assertEqual([(e["Key"], e["Code"], e["VersionId"]) for e in out["Errors"]],
                         [("c", "NoSuchVersion", "B" * 32)])
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="vbkt", Key="a")

    def test_tagging_by_version(self):
        v1 = self.s3.put_object(Bucket="vbkt", Key="k", Body=b"1", Tagging="a=1")["VersionId"]
        self.s3.put_object(Bucket="vbkt", Key="k", Body=b"2", Tagging="a=2")
        got = self.s3.get_object_tagging(Bucket="vbkt", Key="k", VersionId=v1)
        self.assertEqual(got["TagSet"], [{"Key": "a", "Value": "1"}])
        self.assertEqual(got["VersionId"], v1)
        self.s3.put_object_tagging(Bucket="vbkt", Key="k", VersionId=v1, Tagging={"TagSet": []})
        self.assertEqual(self.s3.get_object_tagging(Bucket="vbkt", Key="k", VersionId=v1)["TagSet"], [])
        self.assertEqual(self.s3.get_object_tagging(Bucket="vbkt", Key="k")["TagSet"], [{"Key": "a", "Value": "2"}])


class NullVersion(S3TestCase):
    def test_unversioned_objects_are_the_null_version(self):
        self.make_bucket("nbkt")
        put = self.s3.put_object(Bucket="nbkt", Key="k", Body=b"old")
        self.assertNotIn("VersionId", put)
        self.assertEqual(self.s3.get_object(Bucket="nbkt", Key="k", VersionId="null")["Body"].read(), b"old")
        # a real-looking id on a bucket never versioned is refused
        self.assertS3Error("InvalidArgument", 400, self.s3.get_object, Bucket="nbkt", Key="k", VersionId="A" * 32)
        listed = self.s3.list_object_versions(Bucket="nbkt")
        self.assertEqual([(v["Key"], v["VersionId"], v["IsLatest"]) for v in listed["Versions"]],
                         [("k", "null", True)])
        # enabling keeps it as the null version beneath the new ones
        self.s3.put_bucket_versioning(Bucket="nbkt", VersioningConfiguration={"Status": "Enabled"})
        new = self.s3.put_object(Bucket="nbkt", Key="k", Body=b"new")["VersionId"]
        listed = self.s3.list_object_versions(Bucket="nbkt")
        self.assertEqual([(v["VersionId"], v["IsLatest"]) for v in listed["Versions"]],
                         [(new, True), ("null", False)])
        self.assertEqual(self.s3.get_object(Bucket="nbkt", Key="k", VersionId="null")["Body"].read(), b"old")

    def test_suspended_writes_replace_the_null_version(self):
        self.make_bucket("sbkt")
        self.s3.put_bucket_versioning(Bucket="sbkt", VersioningConfiguration={"Status": "Enabled"})
        kept = self.s3.put_object(Bucket="sbkt", Key="k", Body=b"v1")["VersionId"]
        self.s3.put_bucket_versioning(Bucket="sbkt", VersioningConfiguration={"Status": "Suspended"})
        put = self.s3.put_object(Bucket="sbkt", Key="k", Body=b"n1")
        self.assertNotIn("VersionId", put)
        self.s3.put_object(Bucket="sbkt", Key="k", Body=b"n2")
        versions = self.s3.list_object_versions(Bucket="sbkt")["Versions"]
        self.assertEqual([(v["VersionId"], v["Size"]) for v in versions], [("null", 2), (kept, 2)])
        self.assertEqual(self.s3.get_object(Bucket="sbkt", Key="k")["Body"].read(), b"n2")
        # a delete while suspended is a null marker, replacing the null version
        d = self.s3.delete_object(Bucket="sbkt", Key="k")
        self.assertTrue(d["DeleteMarker"])
        self.assertEqual(d["VersionId"], "null")
        listed = self.s3.list_object_versions(Bucket="sbkt")
        self.assertEqual([m["VersionId"] for m in listed["DeleteMarkers"]], ["null"])
        self.assertEqual([v["VersionId"] for v in listed["Versions"]], [kept])


class ListVersions(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket("lbkt")
        self.s3.put_bucket_versioning(Bucket="lbkt", VersioningConfiguration={"Status": "Enabled"})
        self.ids = {}
        for key in ["a", "b", "b", "c/1", "c/2", "d"]:
            self.ids.setdefault(key, []).insert(0, self.s3.put_object(Bucket="lbkt", Key=key, Body=key)["VersionId"])
        self.ids.setdefault("b", []).insert(0, self.s3.delete_object(Bucket="lbkt", Key="b")["VersionId"])

    def everything(self, **kwargs):
        """Every entry of every page as (key or prefix, version id or None, latest)."""
        seen, pages = [], 0
        kw = dict(kwargs)
        while True:
            page = self.s3.list_object_versions(Bucket="lbkt", **kw)
            pages += 1
            entries = [(v["Key"], v["VersionId"], v["IsLatest"]) for v in page.get("Versions", [])]
            entries += [(m["Key"], m["VersionId"], m["IsLatest"]) for m in page.get("DeleteMarkers", [])]
            entries.sort(key=lambda e: (e[0], 0 if e[2] else 1))
            seen += entries + [(p["Prefix"], None, None) for p in page.get("CommonPrefixes", [])]
            if not page["IsTruncated"]:
                return seen, pages
            kw["KeyMarker"] = page["NextKeyMarker"]
            if "NextVersionIdMarker" in page:
                kw["VersionIdMarker"] = page["NextVersionIdMarker"]
            else:
                kw.pop("VersionIdMarker", None)

    def test_one_page_in_order(self):
        page = self.s3.list_object_versions(Bucket="lbkt")
        self.assertFalse(page["IsTruncated"])
        self.assertEqual(page["KeyMarker"], "")
        self.assertEqual(page["VersionIdMarker"], "")
        self.assertEqual(page["MaxKeys"], 1000)
        self.assertEqual([(v["Key"], v["VersionId"], v["IsLatest"]) for v in page["Versions"]],
                         [("a", self.ids["a"][0], True), ("b", self.ids["b"][1], False),
                          ("b", self.ids["b"][2], False), ("c/1", self.ids["c/1"][0], True),
                          ("c/2", self.ids["c/2"][0], True), ("d", self.ids["d"][0], True)])
        self.assertEqual([(m["Key"], m["VersionId"], m["IsLatest"]) for m in page["DeleteMarkers"]],
                         [("b", self.ids["b"][0], True)])
        v = page["Versions"][0]
        self.assertEqual(v["ETag"], '"0cc175b9c0f1b6a831c399e269772661"')
        self.assertEqual(v["Size"], 1)
        self.assertEqual(v["StorageClass"], "STANDARD")
        self.assertTrue(v["Owner"]["ID"])

    def test_versions_and_markers_are_one_sequence_on_the_wire(self):
        # e: a version, a marker over it, a version over that; listing order is
        # newest first with markers and versions mixed, not all Versions first
        e = [self.s3.put_object(Bucket="lbkt", Key="e", Body=b"e")["VersionId"]]
        e.insert(0, self.s3.delete_object(Bucket="lbkt", Key="e")["VersionId"])
        e.insert(0, self.s3.put_object(Bucket="lbkt", Key="e", Body=b"e")["VersionId"])
        raw = []
        self.s3.meta.events.register("after-call.s3.ListObjectVersions",
                                     lambda http_response, **kw: raw.append(http_response.content))
        page = self.s3.list_object_versions(Bucket="lbkt", Prefix="b")
        page_e = self.s3.list_object_versions(Bucket="lbkt", Prefix="e")
        order = [(el.tag.replace(S3_NS, ""), el.findtext(f"{S3_NS}VersionId"))
                 for body in raw for el in ET.fromstring(body)
                 if el.tag in (f"{S3_NS}Version", f"{S3_NS}DeleteMarker")]
        self.assertEqual(order, [("DeleteMarker", self.ids["b"][0]), ("Version", self.ids["b"][1]),
                                 ("Version", self.ids["b"][2]),
                                 ("Version", e[0]), ("DeleteMarker", e[1]), ("Version", e[2])])
        # boto3 still reads both lists out of the mixed sequence
        self.assertEqual([m["VersionId"] for m in page["DeleteMarkers"]], self.ids["b"][:1])
        self.assertEqual([v["VersionId"] for v in page["Versions"]], self.ids["b"][1:])
        self.assertEqual([(v["VersionId"], v["IsLatest"]) for v in page_e["Versions"]],
                         [(e[0], True), (e[2], False)])
        self.assertEqual([(m["VersionId"], m["IsLatest"]) for m in page_e["DeleteMarkers"]], [(e[1], False)])

    def test_paging_by_one_visits_each_entry_once(self):
        full, _ = self.everything()
        self.assertEqual(len(full), 7)
        paged, pages = self.everything(MaxKeys=1)
        self.assertEqual(paged, full)
        self.assertEqual(pages, 7)

    def test_delimiter_and_prefix(self):
        page = self.s3.list_object_versions(Bucket="lbkt", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in page["CommonPrefixes"]], ["c/"])
        self.assertNotIn("c/1", [v["Key"] for v in page["Versions"]])
        paged, _ = self.everything(Delimiter="/", MaxKeys=2)
        self.assertIn(("c/", None, None), paged)
        self.assertEqual(len(paged), 6)
        page = self.s3.list_object_versions(Bucket="lbkt", Prefix="c/")
        self.assertEqual([v["Key"] for v in page["Versions"]], ["c/1", "c/2"])

    def test_key_marker_alone_skips_every_version_of_the_key(self):
        page = self.s3.list_object_versions(Bucket="lbkt", KeyMarker="b")
        self.assertEqual([v["Key"] for v in page["Versions"]], ["c/1", "c/2", "d"])
        self.assertNotIn("DeleteMarkers", page)
        page = self.s3.list_object_versions(Bucket="lbkt", KeyMarker="b", VersionIdMarker=self.ids["b"][1])
        self.assertEqual([v["VersionId"] for v in page["Versions"]][:1], [self.ids["b"][2]])
        self.assertFalse(page["Versions"][0]["IsLatest"])

    def test_bad_markers(self):
        err, _ = self.assertS3Error("InvalidArgument", 400, self.s3.list_object_versions, Bucket="lbkt",
                                    VersionIdMarker=self.ids["a"][0])
        self.assertEqual(err["Message"], "A version-id marker cannot be specified without a key marker.")
        self.assertEqual(err["ArgumentName"], "version-id-marker")
        self.assertS3Error("InvalidArgument", 400, self.s3.list_object_versions, Bucket="lbkt",
                           KeyMarker="a", VersionIdMarker="bad")


class ObjectLock(S3TestCase):
    def lock_bucket(self, name="locked"):
        self.s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
        return name

    def test_create_with_lock_turns_versioning_on(self):
        self.lock_bucket()
        self.assertEqual(self.s3.get_bucket_versioning(Bucket="locked")["Status"], "Enabled")
        got = self.s3.get_object_lock_configuration(Bucket="locked")["ObjectLockConfiguration"]
        self.assertEqual(got, {"ObjectLockEnabled": "Enabled"})
        err, _ = self.assertS3Error("InvalidBucketState", 409, self.s3.put_bucket_versioning, Bucket="locked",
                                    VersioningConfiguration={"Status": "Suspended"})
        self.assertIn("Object Lock configuration is present", err["Message"])

    def test_configuration_needs_versioning_and_is_404_when_unset(self):
        self.make_bucket("plain")
        err, _ = self.assertS3Error("ObjectLockConfigurationNotFoundError", 404,
                                    self.s3.get_object_lock_configuration, Bucket="plain")
        self.assertEqual(err["BucketName"], "plain")
        cfg = {"ObjectLockEnabled": "Enabled",
               "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
        self.assertS3Error("InvalidBucketState", 409, self.s3.put_object_lock_configuration, Bucket="plain",
                           ObjectLockConfiguration=cfg)
        self.s3.put_bucket_versioning(Bucket="plain", VersioningConfiguration={"Status": "Enabled"})
        self.s3.put_object_lock_configuration(Bucket="plain", ObjectLockConfiguration=cfg)
        self.assertEqual(self.s3.get_object_lock_configuration(Bucket="plain")["ObjectLockConfiguration"], cfg)
        # the default retention applies to new versions
        self.s3.put_object(Bucket="plain", Key="k", Body=b"x")
        head = self.s3.head_object(Bucket="plain", Key="k")
        self.assertEqual(head["ObjectLockMode"], "GOVERNANCE")
        self.assertGreater(head["ObjectLockRetainUntilDate"], future(0))
        self.assertS3Error("MalformedXML", 400, self.s3.put_object_lock_configuration, Bucket="plain",
                           ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {
                               "DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}}})

    def test_retention_and_legal_hold_on_a_bucket_without_lock(self):
        self.make_bucket("plain")
        self.s3.put_object(Bucket="plain", Key="k", Body=b"x")
        err, _ = self.assertS3Error("InvalidRequest", 400, self.s3.get_object_retention, Bucket="plain", Key="k")
        self.assertEqual(err["Message"], "Bucket is missing Object Lock Configuration")
        self.assertS3Error("InvalidRequest", 400, self.s3.put_object_legal_hold, Bucket="plain", Key="k",
                           LegalHold={"Status": "ON"})
        err, _ = self.assertS3Error("InvalidArgument", 400, self.s3.delete_object, Bucket="plain", Key="k",
                                    BypassGovernanceRetention=True)
        self.assertEqual(err["Message"],
                         "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.")

    def test_governance_retention_blocks_version_delete_unless_bypassed(self):
        self.lock_bucket()
        vid = self.s3.put_object(Bucket="locked", Key="k", Body=b"x")["VersionId"]
        self.assertS3Error("NoSuchObjectLockConfiguration", 404, self.s3.get_object_retention,
                           Bucket="locked", Key="k")
        until = future(1).replace(microsecond=0)
        self.s3.put_object_retention(Bucket="locked", Key="k", VersionId=vid,
                                     Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until})
        got = self.s3.get_object_retention(Bucket="locked", Key="k", VersionId=vid)["Retention"]
        self.assertEqual((got["Mode"], got["RetainUntilDate"]), ("GOVERNANCE", until))
        err, _ = self.assertS3Error("AccessDenied", 403, self.s3.delete_object, Bucket="locked", Key="k",
                                    VersionId=vid)
        self.assertEqual(err["Message"], "Access Denied because object protected by object lock.")
        # shortening is refused without the bypass
        self.assertS3Error("AccessDenied", 403, self.s3.put_object_retention, Bucket="locked", Key="k",
                           VersionId=vid, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": future(0.5)})
        # a delete without a version id only adds a marker
        self.assertTrue(self.s3.delete_object(Bucket="locked", Key="k")["DeleteMarker"])
        out = self.s3.delete_objects(Bucket="locked", Delete={"Objects": [{"Key": "k", "VersionId": vid}]})
        self.assertEqual([(e["Code"], e["VersionId"]) for e in out["Errors"]], [("AccessDenied", vid)])
        d = self.s3.delete_object(Bucket="locked", Key="k", VersionId=vid, BypassGovernanceRetention=True)
        self.assertEqual(d["VersionId"], vid)
        self.assertS3Error("NoSuchVersion", 404, self.s3.get_object, Bucket="locked", Key="k", VersionId=vid)

    def test_compliance_and_legal_hold_cannot_be_bypassed(self):
        self.lock_bucket()
        c = self.s3.put_object(Bucket="locked", Key="c", Body=b"x", ObjectLockMode="COMPLIANCE",
                               ObjectLockRetainUntilDate=future(1))["VersionId"]
        self.assertEqual(self.s3.head_object(Bucket="locked", Key="c")["ObjectLockMode"], "COMPLIANCE")
        self.assertS3Error("AccessDenied", 403, self.s3.delete_object, Bucket="locked", Key="c", VersionId=c,
                           BypassGovernanceRetention=True)
        self.assertS3Error("AccessDenied", 403, self.s3.put_object_retention, Bucket="locked", Key="c",
                           VersionId=c, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": future(2)},
                           BypassGovernanceRetention=True)
        h = self.s3.put_object(Bucket="locked", Key="h", Body=b"x")["VersionId"]
        self.assertS3Error("NoSuchObjectLockConfiguration", 404, self.s3.get_object_legal_hold,
                           Bucket="locked", Key="h")
        self.s3.put_object_legal_hold(Bucket="locked", Key="h", LegalHold={"Status": "ON"})
        self.assertEqual(self.s3.get_object_legal_hold(Bucket="locked", Key="h")["LegalHold"], {"Status": "ON"})
        self.assertS3Error("AccessDenied", 403, self.s3.delete_object, Bucket="locked", Key="h", VersionId=h,
                           BypassGovernanceRetention=True)
        self.s3.put_object_legal_hold(Bucket="locked", Key="h", LegalHold={"Status": "OFF"})
        self.s3.delete_object(Bucket="locked", Key="h", VersionId=h)
        # overwriting a locked key just adds a version
        self.assertRegex(self.s3.put_object(Bucket="locked", Key="c", Body=b"y")["VersionId"], VERSION_ID)

    def test_bad_lock_headers(self):
        self.lock_bucket()
        err, _ = self.assertS3Error("InvalidArgument", 400, self.s3.put_object, Bucket="locked", Key="k",
                                    Body=b"x", ObjectLockMode="GOVERNANCE")
        self.assertEqual(err["Message"],
                         "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
        err, _ = self.assertS3Error("InvalidArgument", 400, self.s3.put_object, Bucket="locked", Key="k",
                                    Body=b"x", ObjectLockMode="WORM", ObjectLockRetainUntilDate=future(1))
        self.assertEqual(err["Message"], "Unknown wormMode directive.")
        self.assertEqual(err["ArgumentName"], "x-amz-object-lock-mode")
        self.assertEqual(err["ArgumentValue"], "WORM")
        self.s3.put_object(Bucket="locked", Key="k", Body=b"x")
        err, _ = self.assertS3Error("InvalidArgument", 400, self.s3.put_object_retention, Bucket="locked",
                                    Key="k", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": future(-1)})
        self.assertEqual(err["Message"], "The retain until date must be in the future!")
        self.assertEqual(err["ArgumentName"], "RetainUntilDate")
