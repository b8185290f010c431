"""S3 bucket settings through boto3: ACLs and Object Ownership, tagging, CORS, lifecycle,
default encryption, public access block, request payment, logging, website, accelerate,
policy and notification configuration.

Expected behaviour is AWS's as docs/AWS-FACTS.md ("S3 in depth") records it: what a fresh
bucket answers, each Put's status and its errors, never what mockaws happens to answer.
"""
import datetime
import http.client
import json

from .s3util import S3TestCase, raw_s3, xml_error

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
PUBLIC_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::bkt/*"}]})
PRIVATE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
     "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::bkt"}]})


def status(resp):
    return resp["ResponseMetadata"]["HTTPStatusCode"]


class FreshBucket(S3TestCase):
    """Each Get on a bucket nobody configured answers S3's default or its own 404."""

    def setUp(self):
        super().setUp()
        self.make_bucket()

    def assertMissing(self, code, message, fn):
        err, _ = self.assertS3Error(code, 404, fn, Bucket="bkt")
        self.assertEqual(err["Message"], message)
        self.assertEqual(err["BucketName"], "bkt")

    def test_defaults(self):
        enc = self.s3.get_bucket_encryption(Bucket="bkt")["ServerSideEncryptionConfiguration"]
        self.assertEqual(enc["Rules"], [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                                         "BucketKeyEnabled": False}])
        own = self.s3.get_bucket_ownership_controls(Bucket="bkt")["OwnershipControls"]
        self.assertEqual(own["Rules"], [{"ObjectOwnership": "BucketOwnerEnforced"}])
        pab = self.s3.get_public_access_block(Bucket="bkt")["PublicAccessBlockConfiguration"]
        self.assertEqual(pab, {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                               "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        self.assertEqual(self.s3.get_bucket_request_payment(Bucket="bkt")["Payer"], "BucketOwner")
        self.assertNotIn("LoggingEnabled", self.s3.get_bucket_logging(Bucket="bkt"))
        self.assertNotIn("Status", self.s3.get_bucket_accelerate_configuration(Bucket="bkt"))
        notif = self.s3.get_bucket_notification_configuration(Bucket="bkt")
        self.assertNotIn("TopicConfigurations", notif)
        self.assertEqual(status(notif), 200)

    def test_missing_settings(self):
        self.assertMissing("NoSuchTagSet", "The TagSet does not exist", self.s3.get_bucket_tagging)
        self.assertMissing("NoSuchCORSConfiguration", "The CORS configuration does not exist",
                           self.s3.get_bucket_cors)
        self.assertMissing("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist",
                           self.s3.get_bucket_lifecycle_configuration)
        self.assertMissing("NoSuchBucketPolicy", "The bucket policy does not exist",
                           self.s3.get_bucket_policy)
        self.assertMissing("NoSuchBucketPolicy", "The bucket policy does not exist",
                           self.s3.get_bucket_policy_status)
        self.assertMissing("NoSuchWebsiteConfiguration",
                           "The specified bucket does not have a website configuration",
                           self.s3.get_bucket_website)

    def test_missing_bucket(self):
        for fn in (self.s3.get_bucket_acl, self.s3.get_bucket_tagging, self.s3.get_bucket_encryption,
                   self.s3.get_public_access_block, self.s3.delete_bucket_cors):
            err, _ = self.assertS3Error("NoSuchBucket", 404, fn, Bucket="nope")
            self.assertEqual(err["BucketName"], "nope")

    def test_settings_go_with_the_bucket(self):
        self.s3.put_bucket_tagging(Bucket="bkt", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
        self.s3.delete_bucket(Bucket="bkt")
        self.make_bucket()
        self.assertS3Error("NoSuchTagSet", 404, self.s3.get_bucket_tagging, Bucket="bkt")


class Tagging(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket()

    def test_put_get_delete(self):
        tags = [{"Key": "team", "Value": "a"}, {"Key": "env", "Value": ""}]
        self.assertEqual(status(self.s3.put_bucket_tagging(Bucket="bkt", Tagging={"TagSet": tags})), 204)
        self.assertEqual(self.s3.get_bucket_tagging(Bucket="bkt")["TagSet"], tags)
        self.assertEqual(status(self.s3.delete_bucket_tagging(Bucket="bkt")), 204)
        self.assertS3Error("NoSuchTagSet", 404, self.s3.get_bucket_tagging, Bucket="bkt")

    def test_empty_tag_set_is_none(self):
        self.s3.put_bucket_tagging(Bucket="bkt", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
        self.s3.put_bucket_tagging(Bucket="bkt", Tagging={"TagSet": []})
        self.assertS3Error("NoSuchTagSet", 404, self.s3.get_bucket_tagging, Bucket="bkt")

    def test_invalid_tags(self):
        cases = [
            ([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}],
             "Cannot provide multiple Tags with the same key"),
            ([{"Key": "aws:x", "Value": "1"}], "System tags cannot be added/updated by requester"),
            ([{"Key": "bad<key", "Value": "1"}], "The TagKey you have provided is invalid"),
            ([{"Key": "k", "Value": "bad>value"}], "The TagValue you have provided is invalid"),
        ]
        for tags, message in cases:
            err, _ = self.assertS3Error("InvalidTag", 400, self.s3.put_bucket_tagging, Bucket="bkt",
                                        Tagging={"TagSet": tags})
            self.assertEqual(err["Message"], message)
        self.assertS3Error("NoSuchTagSet", 404, self.s3.get_bucket_tagging, Bucket="bkt")


class Acl(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket()

    def owner_only(self, acl):
        owner = acl["Owner"]["ID"]
        self.assertEqual(len(owner), 64)
        self.assertEqual(acl["Grants"], [{"Grantee": {"ID": owner, "Type": "CanonicalUser"},
                                          "Permission": "FULL_CONTROL"}])

    def test_fresh_bucket_and_object_acl(self):
        self.owner_only(self.s3.get_bucket_acl(Bucket="bkt"))
        self.s3.put_object(Bucket="bkt", Key="k", Body=b"x")
        self.owner_only(self.s3.get_object_acl(Bucket="bkt", Key="k"))
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object_acl, Bucket="bkt", Key="none")

    def test_enforced_ownership_refuses_acls(self):
        for fn, kw in ((self.s3.put_bucket_acl, {"ACL": "public-read"}),
                       (self.s3.put_bucket_acl, {"GrantRead": f'uri="{ALL_USERS}"'}),
                       (self.s3.put_object, {"Key": "k", "Body": b"x", "ACL": "public-read"}),
                       (self.s3.create_multipart_upload, {"Key": "k", "ACL": "authenticated-read"})):
            err, _ = self.assertS3Error("AccessControlListNotSupported", 400, fn, Bucket="bkt", **kw)
            self.assertEqual(err["Message"], "The bucket does not allow ACLs")
        # owner-only ACLs are what the bucket has anyway
        self.assertEqual(status(self.s3.put_bucket_acl(Bucket="bkt", ACL="private")), 200)
        self.s3.put_object(Bucket="bkt", Key="k", Body=b"x", ACL="bucket-owner-full-control")
        self.assertEqual(self.s3.get_object(Bucket="bkt", Key="k")["Body"].read(), b"x")

    def test_acls_with_object_writer(self):
        self.s3.put_bucket_ownership_controls(
            Bucket="bkt", OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
        self.s3.delete_public_access_block(Bucket="bkt")
        self.s3.put_bucket_acl(Bucket="bkt", ACL="public-read")
        grants = self.s3.get_bucket_acl(Bucket="bkt")["Grants"]
        self.assertEqual(len(grants), 2)
        self.assertIn({"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"}, grants)
        # switching to BucketOwnerEnforced while others hold grants is refused
        err, _ = self.assertS3Error(
            "InvalidBucketAclWithObjectOwnership", 400, self.s3.put_bucket_ownership_controls, Bucket="bkt",
            OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
        self.s3.put_object(Bucket="bkt", Key="k", Body=b"x")
        self.s3.put_object_acl(Bucket="bkt", Key="k", ACL="public-read-write")
        grants = self.s3.get_object_acl(Bucket="bkt", Key="k")["Grants"]
        self.assertEqual(sorted(g["Permission"] for g in grants), ["FULL_CONTROL", "READ", "WRITE"])
        # a new object under the key starts over
        self.s3.put_object(Bucket="bkt", Key="k", Body=b"yy")
        self.owner_only(self.s3.get_object_acl(Bucket="bkt", Key="k"))
        # x-amz-acl on PutObject and CopyObject is the new object's ACL
        self.s3.put_object(Bucket="bkt", Key="pub", Body=b"p", ACL="public-read")
        self.assertIn({"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"},
                      self.s3.get_object_acl(Bucket="bkt", Key="pub")["Grants"])
        self.s3.copy_object(Bucket="bkt", Key="pub2", CopySource="bkt/k", ACL="authenticated-read")
        grants = self.s3.get_object_acl(Bucket="bkt", Key="pub2")["Grants"]
        self.assertEqual(grants[1]["Grantee"]["URI"], "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")

    def test_acl_in_xml(self):
        self.s3.put_bucket_ownership_controls(
            Bucket="bkt", OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
        owner = self.s3.get_bucket_acl(Bucket="bkt")["Owner"]
        other = "a" * 64
        policy = {"Owner": owner, "Grants": [
            {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"Type": "CanonicalUser", "ID": other}, "Permission": "READ_ACP"}]}
        self.s3.put_bucket_acl(Bucket="bkt", AccessControlPolicy=policy)
        grants = self.s3.get_bucket_acl(Bucket="bkt")["Grants"]
        self.assertEqual(grants[1], {"Grantee": {"Type": "CanonicalUser", "ID": other},
                                     "Permission": "READ_ACP"})

    def test_acl_errors(self):
        self.s3.put_bucket_ownership_controls(
            Bucket="bkt", OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
        err, _ = self.assertS3Error("InvalidRequest", 400, self.s3.put_bucket_acl, Bucket="bkt",
                                    ACL="private", GrantRead='uri="' + ALL_USERS + '"')
        self.assertEqual(err["Message"], "Specifying both Canned ACLs and Header Grants is not allowed")
        err, _ = self.assertS3Error("InvalidArgument", 400, self.s3.put_bucket_acl, Bucket="bkt",
                                    GrantRead='uri="http://acs.amazonaws.com/groups/global/Nobody"')
        self.assertEqual(err["Message"], "Invalid group uri")
        err, _ = self.assertS3Error("InvalidArgument", 400, self.s3.put_bucket_acl, Bucket="bkt",
                                    GrantRead="nonsense")
        self.assertEqual(err["Message"], "Argument format not recognized")
        self.assertEqual(err["ArgumentName"], "x-amz-grant-read")
        # no ACL at all
        st, _, body = raw_s3(self.server, "PUT", "/bkt?acl", body=b"")
        self.assertEqual(st, 400)
        code, _, el = xml_error(body)
        self.assertEqual(code, "MissingSecurityHeader")
        self.assertEqual(el.findtext("MissingHeaderName"), "x-amz-acl")
        # an unknown canned ACL: S3 leaves the message empty
        st, _, body = raw_s3(self.server, "PUT", "/bkt?acl", headers={"x-amz-acl": "everyone"})
        self.assertEqual(st, 400)
        code, message, el = xml_error(body)
        self.assertEqual((code, message or ""), ("InvalidArgument", ""))
        self.assertEqual(el.findtext("ArgumentName"), "x-amz-acl")
        self.assertEqual(el.findtext("ArgumentValue"), "everyone")

    def test_create_bucket_with_acl(self):
        err, _ = self.assertS3Error("InvalidBucketAclWithObjectOwnership", 400, self.s3.create_bucket,
                                    Bucket="pub", ACL="public-read")
        self.assertS3Error("404", 404, self.s3.head_bucket, Bucket="pub")
        self.s3.create_bucket(Bucket="pub", ACL="public-read", ObjectOwnership="ObjectWriter")
        self.assertEqual(self.s3.get_bucket_ownership_controls(Bucket="pub")["OwnershipControls"]["Rules"],
                         [{"ObjectOwnership": "ObjectWriter"}])
        self.assertEqual(len(self.s3.get_bucket_acl(Bucket="pub")["Grants"]), 2)
        self.s3.create_bucket(Bucket="priv", ACL="private")
        st, _, body = raw_s3(self.server, "PUT", "/odd", headers={"x-amz-object-ownership": "RandomValue"})
        self.assertEqual(st, 400)
        code, message, _ = xml_error(body)
        self.assertEqual((code, message), ("InvalidArgument", "Invalid x-amz-object-ownership header: RandomValue"))


class OwnershipAndPublicAccess(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket()

    def test_ownership_controls(self):
        rules = {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
        self.assertEqual(status(self.s3.put_bucket_ownership_controls(Bucket="bkt", OwnershipControls=rules)),
                         200)
        self.assertEqual(self.s3.get_bucket_ownership_controls(Bucket="bkt")["OwnershipControls"], rules)
        self.assertEqual(status(self.s3.delete_bucket_ownership_controls(Bucket="bkt")), 204)
        err, _ = self.assertS3Error("OwnershipControlsNotFoundError", 404,
                                    self.s3.get_bucket_ownership_controls, Bucket="bkt")
        self.assertEqual(err["Message"], "The bucket ownership controls were not found")
        self.assertEqual(status(self.s3.delete_bucket_ownership_controls(Bucket="bkt")), 204)
        self.assertS3Error("MalformedXML", 400, self.s3.put_bucket_ownership_controls, Bucket="bkt",
                           OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"},
                                                        {"ObjectOwnership": "ObjectWriter"}]})

    def test_public_access_block(self):
        cfg = {"BlockPublicAcls": False, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
               "RestrictPublicBuckets": False}
        self.assertEqual(status(self.s3.put_public_access_block(Bucket="bkt",
                                                                PublicAccessBlockConfiguration=cfg)), 200)
        self.assertEqual(self.s3.get_public_access_block(Bucket="bkt")["PublicAccessBlockConfiguration"], cfg)
        self.assertEqual(status(self.s3.delete_public_access_block(Bucket="bkt")), 204)
        err, _ = self.assertS3Error("NoSuchPublicAccessBlockConfiguration", 404,
                                    self.s3.get_public_access_block, Bucket="bkt")
        self.assertEqual(err["Message"], "The public access block configuration was not found")


class Cors(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket()

    def test_put_get_delete(self):
        rules = [{"ID": "r1", "AllowedHeaders": ["Authorization"], "AllowedMethods": ["GET", "PUT"],
                  "AllowedOrigins": ["http://*.example.com"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 300}]
        self.assertEqual(status(self.s3.put_bucket_cors(Bucket="bkt", CORSConfiguration={"CORSRules": rules})),
                         200)
        self.assertEqual(self.s3.get_bucket_cors(Bucket="bkt")["CORSRules"], rules)
        self.assertEqual(status(self.s3.delete_bucket_cors(Bucket="bkt")), 204)
        self.assertS3Error("NoSuchCORSConfiguration", 404, self.s3.get_bucket_cors, Bucket="bkt")
        self.assertEqual(status(self.s3.delete_bucket_cors(Bucket="bkt")), 204)

    def test_bad_method_and_empty(self):
        err, _ = self.assertS3Error("InvalidRequest", 400, self.s3.put_bucket_cors, Bucket="bkt",
                                    CORSConfiguration={"CORSRules": [{"AllowedMethods": ["MYMETHOD"],
                                                                      "AllowedOrigins": ["*"]}]})
        self.assertEqual(err["Message"],
                         "Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD")
        self.assertS3Error("MalformedXML", 400, self.s3.put_bucket_cors, Bucket="bkt",
                           CORSConfiguration={"CORSRules": []})


class CorsApplied(S3TestCase):
    """What a browser sees: the preflight, sent with no credentials by a plain HTTP
    client, and the Access-Control-* headers on the real request."""

    def setUp(self):
        super().setUp()
        self.make_bucket()
        self.s3.put_object(Bucket="bkt", Key="photo.jpg", Body=b"jpeg")

    def preflight(self, path, headers):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            conn.request("OPTIONS", path, headers=headers)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def forbidden(self, st, body, message, method, resource_type):
        self.assertEqual(st, 403)
        code, msg, el = xml_error(body)
        self.assertEqual((code, msg), ("AccessForbidden", message))
        self.assertEqual((el.findtext("Method"), el.findtext("ResourceType")), (method, resource_type))

    def test_preflight(self):
        st, _, body = self.preflight("/bkt/photo.jpg", {"Origin": "https://app.example.com",
                                                        "Access-Control-Request-Method": "PUT"})
        self.forbidden(st, body, "CORSResponse: CORS is not enabled for this bucket.", "PUT", "BUCKET")
        self.s3.put_bucket_cors(Bucket="bkt", CORSConfiguration={"CORSRules": [
            {"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET", "PUT"],
             "AllowedHeaders": ["Content-Type", "x-amz-*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}]})
        st, hdrs, body = self.preflight("/bkt/photo.jpg", {
            "Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "Content-Type, X-Amz-Meta-Owner"})
        self.assertEqual((st, body), (200, b""))
        self.assertEqual(hdrs["access-control-allow-origin"], "https://app.example.com")
        self.assertEqual(hdrs["access-control-allow-methods"], "GET, PUT")
        self.assertEqual(hdrs["access-control-allow-headers"], "content-type, x-amz-meta-owner")
        self.assertEqual(hdrs["access-control-expose-headers"], "ETag")
        self.assertEqual(hdrs["access-control-max-age"], "600")
        self.assertEqual(hdrs["access-control-allow-credentials"], "true")
        self.assertEqual(hdrs["vary"], "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")
        st, _, body = self.preflight("/bkt/photo.jpg", {"Origin": "https://evil.example.com",
                                                        "Access-Control-Request-Method": "GET"})
        self.forbidden(st, body, "CORSResponse: This CORS request is not allowed. This is usually because the "
                       "evalution of Origin, request method / Access-Control-Request-Method or "
                       "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
                       "GET", "OBJECT")
        st, _, body = self.preflight("/bkt/photo.jpg", {"Access-Control-Request-Method": "GET",
                                                        "Referer": "https://app.example.com/"})
        self.assertEqual(st, 400)
        self.assertEqual(xml_error(body)[:2], ("BadRequest", "Insufficient information. Origin request header needed."))
        st, _, body = self.preflight("/nobucket", {"Origin": "https://app.example.com"})
        self.forbidden(st, body, "CORSResponse: Bucket not found", "OPTIONS", "BUCKET")

    def test_headers_on_real_requests(self):
        self.s3.put_bucket_cors(Bucket="bkt", CORSConfiguration={"CORSRules": [
            {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]})
        st, hdrs, body = raw_s3(self.server, "GET", "/bkt/photo.jpg", headers={"Origin": "https://x.test"})
        self.assertEqual((st, body), (200, b"jpeg"))
        self.assertEqual(hdrs["access-control-allow-origin"], "*")
        self.assertEqual(hdrs["access-control-allow-methods"], "GET")
        self.assertNotIn("access-control-allow-credentials", hdrs)
        # a method no rule allows is served all the same, without CORS headers
        st, hdrs, _ = raw_s3(self.server, "PUT", "/bkt/other", body=b"x", headers={"Origin": "https://x.test"})
        self.assertEqual(st, 200)
        self.assertNotIn("access-control-allow-origin", hdrs)
        st, hdrs, _ = raw_s3(self.server, "GET", "/bkt/photo.jpg")
        self.assertNotIn("access-control-allow-origin", hdrs)


class Lifecycle(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket()

    def test_put_get_delete(self):
        rules = [{"ID": "expire", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
                  "Expiration": {"Days": 7}},
                 {"ID": "abort", "Filter": {}, "Status": "Enabled",
                  "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]
        resp = self.s3.put_bucket_lifecycle_configuration(Bucket="bkt", LifecycleConfiguration={"Rules": rules})
        self.assertEqual(status(resp), 200)
        got = self.s3.get_bucket_lifecycle_configuration(Bucket="bkt")
        self.assertEqual(got["Rules"], rules)
        self.assertEqual(got["TransitionDefaultMinimumObjectSize"], "all_storage_classes_128K")
        self.assertEqual(status(self.s3.delete_bucket_lifecycle(Bucket="bkt")), 204)
        self.assertS3Error("NoSuchLifecycleConfiguration", 404, self.s3.get_bucket_lifecycle_configuration,
                           Bucket="bkt")

    def advance_days(self, days):
        status_, _ = self.server.control("POST", "/_mockaws/clock", body={"mode": "virtual"})
        self.assertEqual(status_, 200)
        status_, _ = self.server.control("POST", "/_mockaws/clock", body={"advance_ms": days * 86400_000})
        self.assertEqual(status_, 200)

    def keys(self):
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket="bkt").get("Contents", [])]

    def test_expiration_runs_on_the_server_clock(self):
        self.s3.put_object(Bucket="bkt", Key="tmp/old", Body=b"x")
        self.s3.put_object(Bucket="bkt", Key="keep/me", Body=b"y")
        self.s3.put_object(Bucket="bkt", Key="tagged", Body=b"z", Tagging="class=scratch")
        self.s3.put_bucket_lifecycle_configuration(Bucket="bkt", LifecycleConfiguration={"Rules": [
            {"ID": "tmp-rule", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}},
            {"ID": "tag-rule", "Filter": {"Tag": {"Key": "class", "Value": "scratch"}}, "Status": "Enabled",
             "Expiration": {"Days": 3}},
            {"ID": "off", "Filter": {"Prefix": "keep/"}, "Status": "Disabled", "Expiration": {"Days": 1}}]})
        # x-amz-expiration: creation + Days, rounded up to the next midnight UTC
        head = self.s3.head_object(Bucket="bkt", Key="tmp/old")
        created = head["LastModified"].timestamp()
        midnight = (int(created + 86400) // 86400 + 1) * 86400
        expected = datetime.datetime.fromtimestamp(midnight, datetime.timezone.utc).strftime(
            "%a, %d %b %Y %H:%M:%S GMT")
        self.assertEqual(head["Expiration"], f'expiry-date="{expected}", rule-id="tmp-rule"')
        self.assertNotIn("Expiration", self.s3.head_object(Bucket="bkt", Key="keep/me"))
        upload = self.s3.create_multipart_upload(Bucket="bkt", Key="tmp/big")["UploadId"]
        self.advance_days(2)
        self.assertEqual(self.keys(), ["keep/me", "tagged"])
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="bkt", Key="tmp/old")
        # the upload is no object: only AbortIncompleteMultipartUpload ends it
        self.assertEqual([u["UploadId"] for u in self.s3.list_multipart_uploads(Bucket="bkt")["Uploads"]],
                         [upload])
        self.advance_days(2)
        self.assertEqual(self.keys(), ["keep/me"])

    def test_noncurrent_versions_and_lone_delete_markers_expire(self):
        self.s3.put_bucket_versioning(Bucket="bkt", VersioningConfiguration={"Status": "Enabled"})
        self.s3.put_bucket_lifecycle_configuration(Bucket="bkt", LifecycleConfiguration={"Rules": [
            {"ID": "old", "Filter": {"Prefix": "k"}, "Status": "Enabled",
             "NoncurrentVersionExpiration": {"NoncurrentDays": 1, "NewerNoncurrentVersions": 1}},
            {"ID": "markers", "Filter": {"Prefix": "gone/"}, "Status": "Enabled",
             "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
             "Expiration": {"ExpiredObjectDeleteMarker": True}}]})
        ids = [self.s3.put_object(Bucket="bkt", Key="k", Body=body)["VersionId"] for body in (b"1", b"2", b"3")]
        self.s3.put_object(Bucket="bkt", Key="gone/x", Body=b"x")
        self.s3.delete_object(Bucket="bkt", Key="gone/x")

        def listed(prefix):
            page = self.s3.list_object_versions(Bucket="bkt", Prefix=prefix)
            return ([v["VersionId"] for v in page.get("Versions", [])],
                    len(page.get("DeleteMarkers", [])))
        self.assertEqual(listed("k"), (ids[::-1], 0))
        # noncurrent for a day, rounded up to midnight UTC: gone within two days
        self.advance_days(2)
        # the newest noncurrent version is kept (NewerNoncurrentVersions), the older one goes
        self.assertEqual(listed("k"), ([ids[2], ids[1]], 0))
        # gone/x's version went as noncurrent, leaving its marker alone, which goes next
        self.assertEqual(listed("gone/")[0], [])
        self.advance_days(1)
        self.assertEqual(listed("gone/"), ([], 0))
        self.assertEqual(self.s3.get_object(Bucket="bkt", Key="k")["Body"].read(), b"3")

    def test_uploads_name_their_abort_date_and_rule(self):
        self.s3.put_bucket_lifecycle_configuration(Bucket="bkt", LifecycleConfiguration={"Rules": [
            {"ID": "abort-tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled",
             "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 3}}]})
        created = self.s3.create_multipart_upload(Bucket="bkt", Key="tmp/big")
        # initiation + 3 days, rounded up to the next midnight UTC
        initiated = self.s3.list_multipart_uploads(Bucket="bkt")["Uploads"][0]["Initiated"].timestamp()
        midnight = (int(initiated) + 3 * 86400) // 86400 * 86400 + 86400
        self.assertEqual(created["AbortDate"].timestamp(), midnight)
        self.assertEqual(created["AbortRuleId"], "abort-tmp")
        parts = self.s3.list_parts(Bucket="bkt", Key="tmp/big", UploadId=created["UploadId"])
        self.assertEqual(parts["AbortDate"], created["AbortDate"])
        self.assertEqual(parts["AbortRuleId"], "abort-tmp")
        other = self.s3.create_multipart_upload(Bucket="bkt", Key="keep/big")
        self.assertNotIn("AbortDate", other)
        self.assertNotIn("AbortRuleId", other)

    def test_abort_incomplete_uploads(self):
        self.s3.put_bucket_lifecycle_configuration(Bucket="bkt", LifecycleConfiguration={"Rules": [
            {"ID": "abort", "Filter": {"Prefix": ""}, "Status": "Enabled",
             "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2}}]})
        self.s3.create_multipart_upload(Bucket="bkt", Key="big")
        self.s3.put_object(Bucket="bkt", Key="small", Body=b"x")
        self.advance_days(1)
        self.assertEqual(len(self.s3.list_multipart_uploads(Bucket="bkt").get("Uploads", [])), 1)
        self.advance_days(2)
        self.assertNotIn("Uploads", self.s3.list_multipart_uploads(Bucket="bkt"))
        self.assertEqual(self.keys(), ["small"])  # objects are not touched by this rule

    def test_invalid_rules(self):
        def put(rule):
            return self.s3.put_bucket_lifecycle_configuration(Bucket="bkt",
                                                              LifecycleConfiguration={"Rules": [rule]})
        # neither Filter nor Prefix
        self.assertS3Error("MalformedXML", 400, put, {"ID": "x", "Status": "Enabled", "Expiration": {"Days": 1}})
        # two conditions in one Filter
        self.assertS3Error("MalformedXML", 400, put, {"Status": "Enabled", "Expiration": {"Days": 1},
                                                      "Filter": {"Prefix": "a", "ObjectSizeGreaterThan": 5}})
        # ExpiredObjectDeleteMarker with Days
        self.assertS3Error("MalformedXML", 400, put, {"Status": "Enabled", "Filter": {},
                                                      "Expiration": {"Days": 1, "ExpiredObjectDeleteMarker": True}})
        # NoncurrentDays is optional in the model but not to S3; neither may be zero
        for nve, name in [({"NewerNoncurrentVersions": 2}, "NoncurrentDays"),
                          ({"NoncurrentDays": 0}, "NoncurrentDays"),
                          ({"NoncurrentDays": 1, "NewerNoncurrentVersions": 0}, "NewerNoncurrentVersions")]:
            err, _ = self.assertS3Error("InvalidArgument", 400, put, {"Status": "Enabled", "Filter": {},
                                                                      "NoncurrentVersionExpiration": nve})
            self.assertEqual(err["Message"],
                             f"'{name}' for NoncurrentVersionExpiration action must be a positive integer")
        err, _ = self.assertS3Error("InvalidArgument", 400, put,
                                    {"Status": "Enabled", "Filter": {},
                                     "Expiration": {"Date": "2030-01-01T12:00:00Z"}})
        self.assertEqual(err["Message"], "'Date' must be at midnight GMT")
        err, _ = self.assertS3Error("InvalidRequest", 400, put, {
            "Status": "Enabled", "Expiration": {"Days": 1},
            "Filter": {"And": {"Tags": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}}})
        self.assertEqual(err["Message"], "Duplicate Tag Keys are not allowed.")
        self.assertS3Error("NoSuchLifecycleConfiguration", 404, self.s3.get_bucket_lifecycle_configuration,
                           Bucket="bkt")


class Encryption(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket()

    def test_kms_default_reflected_in_put(self):
        cfg = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                                 "KMSMasterKeyID": "alias/mine"},
                          "BucketKeyEnabled": True}]}
        self.assertEqual(status(self.s3.put_bucket_encryption(Bucket="bkt",
                                                              ServerSideEncryptionConfiguration=cfg)), 200)
        self.assertEqual(self.s3.get_bucket_encryption(Bucket="bkt")["ServerSideEncryptionConfiguration"], cfg)
        put = self.s3.put_object(Bucket="bkt", Key="k", Body=b"x")
        self.assertEqual((put["ServerSideEncryption"], put["SSEKMSKeyId"], put["BucketKeyEnabled"]),
                         ("aws:kms", "alias/mine", True))
        head = self.s3.head_object(Bucket="bkt", Key="k")
        self.assertEqual((head["ServerSideEncryption"], head["SSEKMSKeyId"]), ("aws:kms", "alias/mine"))
        copy = self.s3.copy_object(Bucket="bkt", Key="k2", CopySource="bkt/k")
        self.assertEqual(copy["ServerSideEncryption"], "aws:kms")
        self.assertEqual(status(self.s3.delete_bucket_encryption(Bucket="bkt")), 204)
        rules = self.s3.get_bucket_encryption(Bucket="bkt")["ServerSideEncryptionConfiguration"]["Rules"]
        self.assertEqual(rules[0]["ApplyServerSideEncryptionByDefault"], {"SSEAlgorithm": "AES256"})
        self.assertEqual(self.s3.put_object(Bucket="bkt", Key="k", Body=b"x")["ServerSideEncryption"], "AES256")

    def test_invalid(self):
        err, _ = self.assertS3Error("InvalidArgument", 400, self.s3.put_bucket_encryption, Bucket="bkt",
                                    ServerSideEncryptionConfiguration={"Rules": [{
                                        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256",
                                                                               "KMSMasterKeyID": "k"}}]})
        self.assertEqual(err["ArgumentName"], "ApplyServerSideEncryptionByDefault")
        self.assertS3Error("MalformedXML", 400, self.s3.put_bucket_encryption, Bucket="bkt",
                           ServerSideEncryptionConfiguration={"Rules": []})


class Policy(S3TestCase):
    def setUp(self):
        super().setUp()
        self.make_bucket()

    def test_put_get_delete_status(self):
        self.assertEqual(status(self.s3.put_bucket_policy(Bucket="bkt", Policy=PRIVATE_POLICY)), 204)
        self.assertEqual(self.s3.get_bucket_policy(Bucket="bkt")["Policy"], PRIVATE_POLICY)
        self.assertFalse(self.s3.get_bucket_policy_status(Bucket="bkt")["PolicyStatus"]["IsPublic"])
        self.assertEqual(status(self.s3.delete_bucket_policy(Bucket="bkt")), 204)
        self.assertEqual(status(self.s3.delete_bucket_policy(Bucket="bkt")), 204)
        self.assertS3Error("NoSuchBucketPolicy", 404, self.s3.get_bucket_policy, Bucket="bkt")

    def test_public_policy_blocked_then_allowed(self):
        self.assertS3Error("AccessDenied", 403, self.s3.put_bucket_policy, Bucket="bkt", Policy=PUBLIC_POLICY)
        self.s3.delete_public_access_block(Bucket="bkt")
        self.s3.put_bucket_policy(Bucket="bkt", Policy=PUBLIC_POLICY)
        self.assertTrue(self.s3.get_bucket_policy_status(Bucket="bkt")["PolicyStatus"]["IsPublic"])

    def test_malformed(self):
        for text, message in (("not json", "Policies must be valid JSON and the first byte must be '{'"),
                              ("{}", "Missing required field Statement"),
                              ("{\"Statement\": [", "This policy contains invalid Json")):
            err, _ = self.assertS3Error("MalformedPolicy", 400, self.s3.put_bucket_policy, Bucket="bkt",
                                        Policy=text)
            self.assertEqual(err["Message"], message)
        self.assertS3Error("NoSuchBucketPolicy", 404, self.s3.get_bucket_policy, Bucket="bkt")


class SmallSettings(S3TestCase):
    """Request payment, logging, website, accelerate, notification configuration."""

    def setUp(self):
        super().setUp()
        self.make_bucket()

    def test_request_payment(self):
        self.s3.put_bucket_request_payment(Bucket="bkt", RequestPaymentConfiguration={"Payer": "Requester"})
        self.assertEqual(self.s3.get_bucket_request_payment(Bucket="bkt")["Payer"], "Requester")
        st, _, body = raw_s3(self.server, "PUT", "/bkt?requestPayment", body=(
            '<RequestPaymentConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            "<Payer>Nobody</Payer></RequestPaymentConfiguration>"))
        self.assertEqual((st, xml_error(body)[0]), (400, "MalformedXML"))

    def test_logging(self):
        self.make_bucket("logs")
        status_ = {"LoggingEnabled": {"TargetBucket": "logs", "TargetPrefix": "bkt/"}}
        self.s3.put_bucket_logging(Bucket="bkt", BucketLoggingStatus=status_)
        self.assertEqual(self.s3.get_bucket_logging(Bucket="bkt")["LoggingEnabled"], status_["LoggingEnabled"])
        err, _ = self.assertS3Error("InvalidTargetBucketForLogging", 400, self.s3.put_bucket_logging, Bucket="bkt",
                                    BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "nope",
                                                                            "TargetPrefix": ""}})
        self.assertEqual(err["TargetBucket"], "nope")
        self.s3.put_bucket_logging(Bucket="bkt", BucketLoggingStatus={})
        self.assertNotIn("LoggingEnabled", self.s3.get_bucket_logging(Bucket="bkt"))

    def test_website(self):
        cfg = {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}}
        self.s3.put_bucket_website(Bucket="bkt", WebsiteConfiguration=cfg)
        got = self.s3.get_bucket_website(Bucket="bkt")
        self.assertEqual((got["IndexDocument"], got["ErrorDocument"]), (cfg["IndexDocument"], cfg["ErrorDocument"]))
        self.assertEqual(status(self.s3.delete_bucket_website(Bucket="bkt")), 204)
        self.assertS3Error("NoSuchWebsiteConfiguration", 404, self.s3.get_bucket_website, Bucket="bkt")
        err, _ = self.assertS3Error("InvalidArgument", 400, self.s3.put_bucket_website, Bucket="bkt",
                                    WebsiteConfiguration={"IndexDocument": {"Suffix": "a/b"}})
        self.assertEqual(err["Message"], "The IndexDocument Suffix is not well formed")
        err, _ = self.assertS3Error("InvalidArgument", 400, self.s3.put_bucket_website, Bucket="bkt",
                                    WebsiteConfiguration={"ErrorDocument": {"Key": "e.html"}})
        self.assertEqual(err["Message"],
                         "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty")

    def test_accelerate(self):
        self.s3.put_bucket_accelerate_configuration(Bucket="bkt", AccelerateConfiguration={"Status": "Enabled"})
        self.assertEqual(self.s3.get_bucket_accelerate_configuration(Bucket="bkt")["Status"], "Enabled")
        self.make_bucket("dotted.name")
        err, _ = self.assertS3Error("InvalidRequest", 400, self.s3.put_bucket_accelerate_configuration,
                                    Bucket="dotted.name", AccelerateConfiguration={"Status": "Enabled"})
        self.assertEqual(err["Message"],
                         "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names")

    def test_notification_configuration(self):
        topic = "arn:aws:sns:us-east-1:123456789012:events"
        cfg = {"TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"],
                                        "Filter": {"Key": {"FilterRules": [{"Name": "PREFIX", "Value": "in/"}]}}}]}
        self.s3.put_bucket_notification_configuration(Bucket="bkt", NotificationConfiguration=cfg,
                                                      SkipDestinationValidation=True)
        got = self.s3.get_bucket_notification_configuration(Bucket="bkt")["TopicConfigurations"][0]
        self.assertEqual(got["TopicArn"], topic)
        self.assertTrue(got["Id"])  # generated when absent
        self.assertEqual(got["Filter"]["Key"]["FilterRules"], [{"Name": "Prefix", "Value": "in/"}])
        err, _ = self.assertS3Error("InvalidArgument", 400, self.s3.put_bucket_notification_configuration,
                                    Bucket="bkt", NotificationConfiguration={"TopicConfigurations": [
                                        {"TopicArn": "not-an-arn", "Events": ["s3:ObjectCreated:*"]}]})
        self.assertEqual(err["Message"], "The ARN could not be parsed")
        self.assertEqual(err["ArgumentName"], "Topic")
        err, _ = self.assertS3Error("InvalidArgument", 400, self.s3.put_bucket_notification_configuration,
                                    Bucket="bkt", NotificationConfiguration={"TopicConfigurations": [
                                        {"TopicArn": topic, "Events": ["s3:ObjectCreated:*"],
                                         "Filter": {"Key": {"FilterRules": [{"Name": "middle", "Value": "x"}]}}}]})
        self.assertEqual(err["Message"], "filter rule name must be either prefix or suffix")
        self.s3.put_bucket_notification_configuration(Bucket="bkt", NotificationConfiguration={})
        self.assertNotIn("TopicConfigurations", self.s3.get_bucket_notification_configuration(Bucket="bkt"))


class SettingsInFixtures(S3TestCase):
    """A fixture's bucket may carry its settings, checked as the Put that stores each
    would check it; a state dump gives them back."""

    def test_load_and_dump(self):
        cors = {"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]}
        doc = {"s3": {"buckets": [{"name": "fixed", "settings": {
            "CORSConfiguration": cors,
            "Tagging": {"TagSet": [{"Key": "team", "Value": "a"}]},
            "Policy": PRIVATE_POLICY,
            "PublicAccessBlockConfiguration": None}}]}}
        status_, body = self.server.control("POST", "/_mockaws/state", body=doc)
        self.assertEqual(status_, 200, body)
        self.assertEqual(self.s3.get_bucket_cors(Bucket="fixed")["CORSRules"], cors["CORSRules"])
        self.assertEqual(self.s3.get_bucket_tagging(Bucket="fixed")["TagSet"], [{"Key": "team", "Value": "a"}])
        self.assertEqual(self.s3.get_bucket_policy(Bucket="fixed")["Policy"], PRIVATE_POLICY)
        self.assertS3Error("NoSuchPublicAccessBlockConfiguration", 404, self.s3.get_public_access_block,
                           Bucket="fixed")
        status_, state = self.server.control("GET", "/_mockaws/state")
        self.assertEqual(status_, 200)
        buckets = [b for ns in state["namespaces"] for b in ns.get("s3", {}).get("buckets", [])]
        dumped = [b for b in buckets if b["name"] == "fixed"][0]["settings"]
        self.assertEqual(dumped, doc["s3"]["buckets"][0]["settings"])

    def test_refused_settings_are_400(self):
        for settings in ({"Tagging": {"TagSet": "not a list"}}, {"NoSuchSetting": {}},
                         {"CORSConfiguration": {}}, "not an object"):
            with self.subTest(settings=settings):
                status_, _ = self.server.control("POST", "/_mockaws/state", body={
                    "s3": {"buckets": [{"name": "refused", "settings": settings}]}})
                self.assertEqual(status_, 400)
