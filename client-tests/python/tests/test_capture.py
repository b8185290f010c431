"""Request capture (--capture-bodies) seen from boto3: what the SDK sent and
got is in GET /_mockaws/journal/{seq}, the secrets it received are not (while
boto3 itself got them whole), presigned URLs lose their signatures, and
GET /_mockaws/journal.har is a HAR 1.2 document of the same calls."""
import json
import urllib.parse
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from .server import ServerTestCase


class Capture(ServerTestCase):
    server_args = ("--capture-bodies", "4096", "--dynamodb-delay-ms", "0")

    def entries(self, **filters):
        status, doc = self.server.control("GET", "/_mockaws/journal", query=filters or None)
        self.assertEqual(status, 200)
        return doc["entries"]

    def entry(self, operation):
        """The last entry of operation, as journal/{seq} gives it."""
        seq = self.entries(operation=operation)[-1]["seq"]
        status, doc = self.server.control("GET", f"/_mockaws/journal/{seq}")
        self.assertEqual(status, 200, doc)
        return doc

    def served(self):
        """Everything the control API serves about the journal, as text."""
        texts = []
        for e in self.entries():
            texts.append(json.dumps(self.server.control("GET", f"/_mockaws/journal/{e['seq']}")[1]))
        texts.append(json.dumps(self.server.control("GET", "/_mockaws/journal.har")[1]))
        return "\n".join(texts)

    def test_xml_and_json_bodies(self):
        s3 = self.server.client("s3")
        s3.create_bucket(Bucket="cap")
        s3.put_object(Bucket="cap", Key="k.txt", Body=b"hello capture", ContentType="text/plain")
        self.assertEqual(s3.get_object(Bucket="cap", Key="k.txt")["Body"].read(), b"hello capture")
        s3.list_objects_v2(Bucket="cap")
        put = self.entry("PutObject")
        self.assertEqual(put["request"]["method"], "PUT")
        self.assertEqual(put["request"]["path"], "/cap/k.txt")
        self.assertEqual(put["request"]["body_size"], len(b"hello capture"))
        auth = dict((n.lower(), v) for n, v in put["request"]["headers"])["authorization"]
        self.assertIn("Credential=testing/", auth)
        self.assertTrue(auth.endswith("Signature=REDACTED"), auth)
        self.assertEqual(self.entry("GetObject")["response"]["body"], "hello capture")
        listing = self.entry("ListObjectsV2")["response"]
        self.assertEqual(listing["status"], 200)
        self.assertIn("<Key>k.txt</Key>", listing["body"])
        self.assertFalse(listing["body_truncated"])

        ddb = self.server.client("dynamodb")
        ddb.create_table(TableName="cap", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
        ddb.put_item(TableName="cap", Item={"id": {"S": "a1"}})
        item = self.entry("PutItem")
        self.assertEqual(json.loads(item["request"]["body"])["Item"], {"id": {"S": "a1"}})
        self.assertEqual(self.entries(operation="PutItem")[-1]["method"], "POST")
        self.assertNotIn("request", self.entries(operation="PutItem")[-1])

    def test_sts_and_iam_secrets_redacted(self):
        iam = self.server.client("iam")
        iam.create_user(UserName="u")
        key = iam.create_access_key(UserName="u")["AccessKey"]
        self.assertEqual(len(key["SecretAccessKey"]), 40)
        try:  # the request is what matters: its password
            iam.create_login_profile(UserName="u", Password="Corr3ct-Horse!")
        except ClientError:
            pass
        creds = self.server.client("sts").assume_role(
            RoleArn="arn:aws:iam::123456789012:role/r", RoleSessionName="capture")["Credentials"]
        self.assertTrue(creds["SecretAccessKey"] and creds["SessionToken"])

        created = self.entry("CreateAccessKey")["response"]["body"]
        self.assertIn(key["AccessKeyId"], created)
        self.assertIn("<SecretAccessKey>REDACTED</SecretAccessKey>", created)
        assumed = self.entry("AssumeRole")["response"]["body"]
        self.assertIn("<SessionToken>REDACTED</SessionToken>", assumed)
        self.assertIn("Password=REDACTED", self.entry("CreateLoginProfile")["request"]["body"])
        served = self.served()
        for secret in (key["SecretAccessKey"], creds["SecretAccessKey"], creds["SessionToken"], "Corr3ct-Horse"):
            self.assertNotIn(secret, served)

    def test_presigned_urls(self):
        token = "FQoGZXIvYXdzEXAMPLETOKEN"
        self.server.client("s3").create_bucket(Bucket="pre")
        self.server.client("s3").put_object(Bucket="pre", Key="k", Body=b"x")
        signatures = []
        # SigV4's query parameters, then SigV2's
        for version, sig_param, kept in (("s3v4", "X-Amz-Signature", "X-Amz-Credential=testing"),
                                         ("s3", "Signature", "AWSAccessKeyId=testing")):
            s3 = boto3.session.Session().client(
                "s3", endpoint_url=self.server.endpoint, region_name="us-east-1", aws_access_key_id="testing",
                aws_secret_access_key="testing", aws_session_token=token,
                config=Config(signature_version=version))
            url = s3.generate_presigned_url("get_object", Params={"Bucket": "pre", "Key": "k"})
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
            signatures.append(query[sig_param][0])
            with urllib.request.urlopen(url) as resp:
                self.assertEqual(resp.read(), b"x")
            captured = self.entry("GetObject")["request"]["query"]
            self.assertIn(f"{sig_param}=REDACTED", captured)
            self.assertRegex(captured, "(?i)x-amz-security-token=REDACTED")
            self.assertIn(kept, captured)
        served = self.served()
        for signature in signatures:
            self.assertNotIn(signature, served)
            self.assertNotIn(urllib.parse.quote(signature, safe=""), served)
        self.assertNotIn(token, served)

    def test_har(self):
        s3 = self.server.client("s3")
        s3.create_bucket(Bucket="har")
        s3.put_object(Bucket="har", Key="a", Body=b"abc")
        status, har = self.server.control("GET", "/_mockaws/journal.har")
        self.assertEqual(status, 200)
        log = har["log"]
        self.assertEqual(log["version"], "1.2")
        self.assertEqual(log["creator"]["name"], "mockaws")
        self.assertEqual([e["_mockaws"]["operation"] for e in log["entries"]], ["CreateBucket", "PutObject"])
        put = log["entries"][1]
        self.assertEqual(put["request"]["method"], "PUT")
        self.assertTrue(put["request"]["url"].endswith("/har/a"), put["request"]["url"])
        self.assertEqual(put["request"]["postData"]["text"], "abc")
        self.assertEqual(put["response"]["status"], 200)
        for field in ("startedDateTime", "time", "cache", "timings"):
            self.assertIn(field, put)

    def test_runtime_switch(self):
        self.assertEqual(self.server.control("POST", "/_mockaws/capture", {"bodies": 0}), (200, {"bodies": 0}))
        self.server.client("s3").create_bucket(Bucket="off")
        self.assertNotIn("request", self.entry("CreateBucket"))
        self.assertEqual(self.server.control("POST", "/_mockaws/capture", {"bodies": 1 << 21})[0], 400)
        self.assertEqual(self.server.control("GET", "/_mockaws/capture"), (200, {"bodies": 0}))
