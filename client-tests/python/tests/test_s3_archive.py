"""S3 archive storage classes through boto3: GLACIER and DEEP_ARCHIVE objects refuse GET
and CopyObject until restored, RestoreObject answers 202 / 409 / 200 as the restore
goes, x-amz-restore tells where it is, and the restore finishes after --s3-restore-ms
on the server clock (virtual here, so no test waits).

Expected values are the live service's (docs/AWS-FACTS.md, "Archive storage classes
and RestoreObject").
"""
import datetime
import re

from .s3util import S3TestCase, raw_s3

RESTORE_MS = 60000
EXPIRY = re.compile(r'^ongoing-request="false", expiry-date="(\w{3}, \d\d \w{3} \d{4} 00:00:00 GMT)"$')


class Archive(S3TestCase):
    server_args = ("--s3-restore-ms", str(RESTORE_MS))

    def setUp(self):
        super().setUp()
        self.assertEqual(self.server.control("POST", "/_mockaws/clock", {"mode": "virtual"})[0], 200)
        self.make_bucket("cold")
        self.s3.put_object(Bucket="cold", Key="g", Body=b"glacier bytes", StorageClass="GLACIER")
        self.s3.put_object(Bucket="cold", Key="d", Body=b"deep bytes", StorageClass="DEEP_ARCHIVE")

    def advance(self, ms):
        self.assertEqual(self.server.control("POST", "/_mockaws/clock", {"advance_ms": ms})[0], 200)

    def restore(self, key, days=2):
        return self.s3.restore_object(Bucket="cold", Key=key,
                                      RestoreRequest={"Days": days,
                                                      "GlacierJobParameters": {"Tier": "Standard"}})

    def test_unrestored_get_and_copy_are_invalid_object_state(self):
        for key, cls in (("g", "GLACIER"), ("d", "DEEP_ARCHIVE")):
            with self.subTest(key=key):
                err, _ = self.assertS3Error("InvalidObjectState", 403, self.s3.get_object,
                                            Bucket="cold", Key=key)
                self.assertEqual(err.get("StorageClass"), cls)
                self.assertEqual(err.get("Message"),
                                 "The operation is not valid for the object's storage class")
                self.assertS3Error("InvalidObjectState", 403, self.s3.copy_object, Bucket="cold",
                                   Key="copy", CopySource={"Bucket": "cold", "Key": key})
                head = self.s3.head_object(Bucket="cold", Key=key)
                self.assertEqual(head["StorageClass"], cls)
                self.assertNotIn("Restore", head)

    def test_glacier_ir_reads_directly(self):
        self.s3.put_object(Bucket="cold", Key="ir", Body=b"instant", StorageClass="GLACIER_IR")
        self.assertEqual(self.s3.get_object(Bucket="cold", Key="ir")["Body"].read(), b"instant")

    def test_restore_runs_on_the_server_clock(self):
        first = self.restore("g")
        self.assertEqual(first["ResponseMetadata"]["HTTPStatusCode"], 202)
        head = self.s3.head_object(Bucket="cold", Key="g")
        self.assertEqual(head.get("Restore"), 'ongoing-request="true"')
        err, _ = self.assertS3Error("RestoreAlreadyInProgress", 409, self.restore, "g")
        self.assertEqual(err.get("Message"), "Object restore is already in progress")
        self.assertS3Error("InvalidObjectState", 403, self.s3.get_object, Bucket="cold", Key="g")

        self.advance(RESTORE_MS)
        head = self.s3.head_object(Bucket="cold", Key="g")
        self.assertRegex(head.get("Restore", ""), EXPIRY)
        got = self.s3.get_object(Bucket="cold", Key="g")
        self.assertEqual(got["Body"].read(), b"glacier bytes")
        self.assertEqual(got["StorageClass"], "GLACIER")
        self.assertRegex(got.get("Restore", ""), EXPIRY)
        self.s3.copy_object(Bucket="cold", Key="copy", CopySource={"Bucket": "cold", "Key": "g"})
        self.assertEqual(self.s3.get_object(Bucket="cold", Key="copy")["Body"].read(), b"glacier bytes")

        again = self.restore("g", days=5)
        self.assertEqual(again["ResponseMetadata"]["HTTPStatusCode"], 200)
        later = EXPIRY.match(self.s3.head_object(Bucket="cold", Key="g")["Restore"]).group(1)
        earlier = EXPIRY.match(head["Restore"]).group(1)
        parse = lambda s: datetime.datetime.strptime(s, "%a, %d %b %Y %H:%M:%S GMT")
        self.assertGreater(parse(later), parse(earlier))

    def test_restored_copy_expires(self):
        self.restore("d", days=1)
        self.advance(RESTORE_MS)
        self.assertEqual(self.s3.get_object(Bucket="cold", Key="d")["Body"].read(), b"deep bytes")
        self.advance(3 * 86400 * 1000)
        self.assertS3Error("InvalidObjectState", 403, self.s3.get_object, Bucket="cold", Key="d")

    def test_restore_of_a_standard_object_is_refused(self):
        self.s3.put_object(Bucket="cold", Key="std", Body=b"x")
        err, _ = self.assertS3Error("InvalidObjectState", 403, self.restore, "std")
        self.assertEqual(err.get("Message"), "Restore is not allowed for the object's current storage class")

    def test_restore_of_a_missing_key_is_no_such_key(self):
        self.assertS3Error("NoSuchKey", 404, self.restore, "absent")

    def test_restore_without_days_is_malformed(self):
        status, _, body = raw_s3(self.server, "POST", "/cold/g?restore",
                                 body="<RestoreRequest><GlacierJobParameters><Tier>Bulk</Tier>"
                                      "</GlacierJobParameters></RestoreRequest>")
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>MalformedXML</Code>", body)
