"""STS through boto3: identity by access key, AssumeRole, errors, SDK retry headers."""
import base64
import datetime
import json
import re
import uuid
import xml.etree.ElementTree as ET

from botocore.exceptions import ClientError

from .server import DEFAULT_ACCOUNT, ServerTestCase

ROLE_ACCOUNT = "210987654321"
ROLE_ARN = f"arn:aws:iam::{ROLE_ACCOUNT}:role/r"
STS_NS = "{https://sts.amazonaws.com/doc/2011-06-15/}"


class GetCallerIdentity(ServerTestCase):
    def test_plain_key_maps_to_default_account(self):
        ident = self.server.client("sts", key="testing").get_caller_identity()
        self.assertEqual(ident["Account"], DEFAULT_ACCOUNT)
        self.assertIn(DEFAULT_ACCOUNT, ident["Arn"])
        self.assertTrue(ident["Arn"].startswith("arn:aws:"), ident["Arn"])
        self.assertTrue(ident["UserId"])
        self.assertEqual(ident["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_twelve_digit_key_is_that_account(self):
        ident = self.server.client("sts", key="111122223333").get_caller_identity()
        self.assertEqual(ident["Account"], "111122223333")
        self.assertIn("111122223333", ident["Arn"])

    def test_not_quite_twelve_digits_is_default_account(self):
        for key in ("11112222333", "1111222233334", "11112222333x"):
            with self.subTest(key=key):
                ident = self.server.client("sts", key=key).get_caller_identity()
                self.assertEqual(ident["Account"], DEFAULT_ACCOUNT)

    def test_region_from_client_lands_in_journal(self):
        self.server.client("sts", region="eu-west-1").get_caller_identity()
        [entry] = self.server.journal(service="sts")
        self.assertEqual(entry["region"], "eu-west-1")
        self.assertEqual(entry["account"], DEFAULT_ACCOUNT)
        self.assertEqual(entry["operation"], "GetCallerIdentity")
        self.assertEqual(entry["status"], 200)
        self.assertIsNone(entry["error"])


class AssumeRole(ServerTestCase):
    def test_assumed_credentials_land_in_role_account(self):
        sts = self.server.client("sts")
        resp = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="sess")
        creds = resp["Credentials"]
        for field in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"):
            self.assertTrue(creds.get(field), f"Credentials.{field} missing: {creds}")
        self.assertIsInstance(creds["Expiration"], datetime.datetime)
        self.assertGreater(creds["Expiration"],
                           datetime.datetime.now(datetime.timezone.utc))
        self.assertEqual(resp["AssumedRoleUser"]["Arn"],
                         f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/r/sess")
        self.assertTrue(resp["AssumedRoleUser"]["AssumedRoleId"].endswith(":sess"),
                        resp["AssumedRoleUser"])

        role = self.server.client("sts", key=creds["AccessKeyId"],
                                  secret=creds["SecretAccessKey"], token=creds["SessionToken"])
        ident = role.get_caller_identity()
        self.assertEqual(ident["Account"], ROLE_ACCOUNT)
        self.assertEqual(ident["Arn"], f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/r/sess")
        # The original caller is unchanged.
        self.assertEqual(sts.get_caller_identity()["Account"], DEFAULT_ACCOUNT)

    def test_two_sessions_get_distinct_credentials(self):
        sts = self.server.client("sts")
        a = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="sa")["Credentials"]
        b = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="sb")["Credentials"]
        self.assertNotEqual(a["AccessKeyId"], b["AccessKeyId"])
        ident_b = self.server.client("sts", key=b["AccessKeyId"], secret=b["SecretAccessKey"],
                                     token=b["SessionToken"]).get_caller_identity()
        self.assertEqual(ident_b["Arn"], f"arn:aws:sts::{ROLE_ACCOUNT}:assumed-role/r/sb")

    def test_duration_seconds_sets_expiration(self):
        sts = self.server.client("sts")
        # measured on the server's clock, frozen: however long the call takes
        status, clock = self.server.control("POST", "/_mockaws/clock", {"mode": "virtual"})
        self.assertEqual(status, 200, clock)
        now = datetime.datetime.fromtimestamp(clock["now_ms"] / 1000, datetime.timezone.utc)
        creds = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="sess",
                                DurationSeconds=900)["Credentials"]
        delta = (creds["Expiration"] - now).total_seconds()
        # Expiration is given to the whole second
        self.assertTrue(899 < delta <= 900, f"Expiration {delta:.3f} s away, expected 900")

    def test_missing_role_arn_is_a_validation_error(self):
        # botocore validates required members itself, so send the form by hand.
        status, headers, body = self.server.sts_form(
            "Action=AssumeRole&Version=2011-06-15&RoleSessionName=sess")
        self.assertEqual(status, 400, body)
        root = ET.fromstring(body)
        self.assertEqual(root.tag, STS_NS + "ErrorResponse", body)
        code = root.findtext(f"{STS_NS}Error/{STS_NS}Code")
        self.assertIn(code, ("ValidationError", "MissingParameter"), body)
        self.assertEqual(root.findtext(f"{STS_NS}Error/{STS_NS}Type"), "Sender", body)
        self.assertRegex(root.findtext(f"{STS_NS}Error/{STS_NS}Message") or "",
                         re.compile("rolearn", re.I))
        self.assertEqual(root.findtext(f"{STS_NS}RequestId"), headers.get("x-amzn-requestid"))
        [entry] = self.server.journal(service="sts")
        self.assertEqual(entry["operation"], "AssumeRole")
        self.assertEqual(entry["error"], code)
        self.assertEqual(entry["status"], 400)

    def test_one_character_session_name_is_a_validation_error(self):
        # RoleSessionName has a minimum length of 2 in the STS model; botocore
        # checks that itself, so send the form by hand.
        status, _, body = self.server.sts_form(
            "Action=AssumeRole&Version=2011-06-15&RoleSessionName=s"
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A210987654321%3Arole%2Fr")
        self.assertEqual(status, 400, body)
        root = ET.fromstring(body)
        self.assertEqual(root.findtext(f"{STS_NS}Error/{STS_NS}Code"), "ValidationError", body)
        self.assertRegex(root.findtext(f"{STS_NS}Error/{STS_NS}Message") or "",
                         re.compile("rolesessionname", re.I))

    def test_malformed_role_arn_is_rejected_through_boto3(self):
        sts = self.server.client("sts")
        with self.assertRaises(ClientError) as cm:
            sts.assume_role(RoleArn="this-is-not-an-arn-at-all-really", RoleSessionName="sess")
        err = cm.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(err["Error"]["Code"], "ValidationError")

    def test_unknown_action_is_invalid_action(self):
        status, _, body = self.server.sts_form("Action=NoSuchThing&Version=2011-06-15")
        self.assertEqual(status, 400, body)
        root = ET.fromstring(body)
        self.assertEqual(root.findtext(f"{STS_NS}Error/{STS_NS}Code"), "InvalidAction", body)
        self.assertIn("NoSuchThing", root.findtext(f"{STS_NS}Error/{STS_NS}Message") or "")


class RetryHeaders(ServerTestCase):
    def test_standard_mode_attempt_and_invocation_in_journal(self):
        sts = self.server.client("sts", retries={"mode": "standard"})
        first = sts.get_caller_identity()
        sts.get_caller_identity()
        entries = self.server.journal(service="sts", operation="GetCallerIdentity")
        self.assertEqual(len(entries), 2, entries)
        for e in entries:
            # botocore sends "amz-sdk-request: attempt=1" alone on a first
            # attempt; "max=" only joins once the retry handler has run.
            self.assertEqual(e["attempt"], 1, e)
            self.assertIsNone(e.get("max_attempts"), e)
            uuid.UUID(e["invocation_id"])  # raises if not a UUID
        self.assertNotEqual(entries[0]["invocation_id"], entries[1]["invocation_id"],
                            "each call is its own invocation")
        self.assertEqual(entries[0]["request_id"], first["ResponseMetadata"]["RequestId"])
        # boto3 keeps its connection open: both calls come over one TCP connection.
        self.assertEqual(entries[0]["connection"], entries[1]["connection"])

    def test_legacy_mode_sends_the_same_headers(self):
        self.server.client("sts", retries={"mode": "legacy"}).get_caller_identity()
        [entry] = self.server.journal(service="sts")
        self.assertEqual(entry["attempt"], 1, entry)
        uuid.UUID(entry["invocation_id"])

    def test_journal_never_holds_credentials(self):
        sts = self.server.client("sts", key="AKIASECRETKEYID00001", secret="SECRETSECRET")
        creds = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="sess")["Credentials"]
        self.server.client("sts", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"],
                           token=creds["SessionToken"]).get_caller_identity()
        status, _, raw = self.server.request("GET", "/_mockaws/journal")
        self.assertEqual(status, 200)
        text = raw.decode()
        for secret in ("SECRETSECRET", creds["SecretAccessKey"], creds["SessionToken"],
                       "Signature="):
            self.assertNotIn(secret, text)


class SessionTokenAndKeyInfo(ServerTestCase):
    def test_session_token_keeps_the_callers_identity(self):
        user = self.server.client("sts", key="111122223333")
        me = user.get_caller_identity()
        creds = user.get_session_token(DurationSeconds=900)["Credentials"]
        for field in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"):
            self.assertTrue(creds.get(field), f"Credentials.{field} missing: {creds}")
        session = self.server.client("sts", key=creds["AccessKeyId"],
                                     secret=creds["SecretAccessKey"], token=creds["SessionToken"])
        ident = session.get_caller_identity()
        self.assertEqual(ident["Account"], "111122223333")
        self.assertEqual(ident["Arn"], me["Arn"])

    def test_access_key_info_names_the_owning_account(self):
        sts = self.server.client("sts")
        creds = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="sess")["Credentials"]
        info = sts.get_access_key_info(AccessKeyId=creds["AccessKeyId"])
        self.assertEqual(info["Account"], ROLE_ACCOUNT)
        info = sts.get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE")
        self.assertEqual(info["Account"], DEFAULT_ACCOUNT)


class DecodeAuthorizationMessage(ServerTestCase):
    """The encoded message of an EC2 denial decodes to the JSON AWS documents
    (allowed, explicitDeny, matchedStatements, failures, context); anything else
    is InvalidAuthorizationMessageException."""

    def test_an_encoded_denial_decodes(self):
        message = {"allowed": False, "explicitDeny": False, "matchedStatements": {"items": []},
                   "failures": {"items": []},
                   "context": {"principal": {"arn": f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/alice"},
                               "action": "ec2:RunInstances",
                               "resource": f"arn:aws:ec2:us-east-1:{DEFAULT_ACCOUNT}:instance/*",
                               "conditions": {"items": []}}}
        blob = base64.urlsafe_b64encode(json.dumps(message).encode()).decode()
        decoded = self.server.client("sts").decode_authorization_message(EncodedMessage=blob)["DecodedMessage"]
        self.assertEqual(json.loads(decoded), message)

    def test_anything_else_is_refused(self):
        sts = self.server.client("sts")
        for blob in ("not base64!", base64.urlsafe_b64encode(b"[1, 2]").decode()):
            with self.subTest(blob=blob), self.assertRaises(ClientError) as ctx:
                sts.decode_authorization_message(EncodedMessage=blob)
            err = ctx.exception.response
            self.assertEqual(err["Error"]["Code"], "InvalidAuthorizationMessageException")
            self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
