"""SNS beyond topics, through boto3: Add/RemovePermission, data protection
policies, SMS (attributes, opt-outs, the sandbox, publishing to a phone
number), platform applications and endpoints (publishing to one, fan-out to
application subscriptions), filter-policy number limits, PublishBatch's
total size, and https subscribers over TLS with and without certificate
checks."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from botocore.exceptions import ClientError

from .server import DEFAULT_ACCOUNT, Server, ServerTestCase
from .test_sns import Subscriber

PHONE = "+15555550100"


class SnsMore(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.sns = self.server.client("sns")

    def error(self, fn, status=400, **kw):
        with self.assertRaises(ClientError) as ctx:
            fn(**kw)
        err = ctx.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        return err["Error"]["Code"], err["Error"]["Message"]

    def messages(self):
        status, doc = self.server.control("GET", "/_mockaws/sns/messages")
        self.assertEqual(status, 200, doc)
        return doc["messages"]

    def load(self, doc):
        status, body = self.server.control("POST", "/_mockaws/state", doc)
        self.assertEqual(status, 200, body)


class Permissions(SnsMore):
    def policy(self, arn):
        return json.loads(self.sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])

    def test_add_and_remove_permission(self):
        arn = self.sns.create_topic(Name="perm")["TopicArn"]
        self.sns.add_permission(TopicArn=arn, Label="pub", AWSAccountId=["111122223333"],
                                ActionName=["Publish", "Subscribe"])
        self.sns.add_permission(TopicArn=arn, Label="one", AWSAccountId=["111122223333", "444455556666"],
                                ActionName=["Publish"])
        stmts = self.policy(arn)["Statement"]
        self.assertEqual(stmts[0]["Sid"], "__default_statement_ID")
        self.assertEqual(stmts[1], {"Sid": "pub", "Effect": "Allow",
                                    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                                    "Action": ["SNS:Publish", "SNS:Subscribe"], "Resource": arn})
        self.assertEqual(list(stmts[1]), ["Sid", "Effect", "Principal", "Action", "Resource"])
        self.assertEqual(stmts[2]["Principal"]["AWS"],
                         ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"])
        self.assertEqual(stmts[2]["Action"], "SNS:Publish")
        self.assertEqual(self.error(self.sns.add_permission, TopicArn=arn, Label="pub",
                                    AWSAccountId=["111122223333"], ActionName=["Publish"]),
                         ("InvalidParameter", "Invalid parameter: Statement already exists"))
        self.assertEqual(self.error(self.sns.add_permission, TopicArn=arn, Label="x",
                                    AWSAccountId=["111122223333"], ActionName=["CreateTopic"]),
                         ("InvalidParameter", "Invalid parameter: Policy statement action out of service scope!"))
        self.assertEqual(self.error(self.sns.add_permission, TopicArn=arn, Label="",
                                    AWSAccountId=["111122223333"], ActionName=["Publish"]),
                         ("InvalidParameter", "Invalid parameter: Label"))
        self.assertEqual(self.error(self.sns.add_permission, 404, TopicArn=arn + "-gone", Label="x",
                                    AWSAccountId=["111122223333"], ActionName=["Publish"]),
                         ("NotFound", "Topic does not exist"))
        self.sns.remove_permission(TopicArn=arn, Label="pub")
        self.sns.remove_permission(TopicArn=arn, Label="never-there")  # no error, as on SNS
        self.assertEqual([s["Sid"] for s in self.policy(arn)["Statement"]], ["__default_statement_ID", "one"])


class DataProtection(SnsMore):
    DOC = {"Name": "policy", "Description": "test", "Version": "2021-06-01",
           "Statement": [{"Sid": "deny-email", "DataDirection": "Inbound", "Principal": ["*"],
                          "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
                          "Operation": {"Deny": {}}}]}

    def test_put_get_and_create_topic(self):
        arn = self.sns.create_topic(Name="dp")["TopicArn"]
        self.assertEqual(self.sns.get_data_protection_policy(ResourceArn=arn)["DataProtectionPolicy"], "")
        text = json.dumps(self.DOC)
        self.sns.put_data_protection_policy(ResourceArn=arn, DataProtectionPolicy=text)
        self.assertEqual(self.sns.get_data_protection_policy(ResourceArn=arn)["DataProtectionPolicy"], text)
        # not one of the topic's attributes
        self.assertNotIn("DataProtectionPolicy", self.sns.get_topic_attributes(TopicArn=arn)["Attributes"])
        arn2 = self.sns.create_topic(Name="dp2", DataProtectionPolicy=text)["TopicArn"]
        self.assertEqual(self.sns.get_data_protection_policy(ResourceArn=arn2)["DataProtectionPolicy"], text)
        for bad in ("not json", "[]", json.dumps({**self.DOC, "Version": "2012-10-17"}),
                    json.dumps({k: v for k, v in self.DOC.items() if k != "Name"}),
                    json.dumps({**self.DOC, "Statement": []})):
            code, msg = self.error(self.sns.put_data_protection_policy, ResourceArn=arn, DataProtectionPolicy=bad)
            self.assertEqual(code, "InvalidParameter")
            self.assertTrue(msg.startswith("Invalid parameter: DataProtectionPolicy Reason: "), msg)
        # a bad one changed nothing
        self.assertEqual(self.sns.get_data_protection_policy(ResourceArn=arn)["DataProtectionPolicy"], text)
        self.assertEqual(self.error(self.sns.get_data_protection_policy, 404, ResourceArn=arn + "x")[0], "NotFound")


class Sms(SnsMore):
    def test_attributes(self):
        self.assertEqual(self.sns.get_sms_attributes()["attributes"], {"MonthlySpendLimit": "1"})
        self.sns.set_sms_attributes(attributes={"DefaultSMSType": "Transactional", "DefaultSenderID": "MyCo1",
                                                "DeliveryStatusSuccessSamplingRate": "50",
                                                "UsageReportS3Bucket": "reports"})
        got = self.sns.get_sms_attributes()["attributes"]
        self.assertEqual(got["DefaultSMSType"], "Transactional")
        self.assertEqual(got["MonthlySpendLimit"], "1")
        self.assertEqual(self.sns.get_sms_attributes(attributes=["DefaultSenderID", "Nope"])["attributes"],
                         {"DefaultSenderID": "MyCo1"})
        cases = [({"Bogus": "1"}, "Bogus is not a valid attribute"),
                 ({"DefaultSenderID": "123456"}, "DefaultSendID is not a valid attribute"),
                 ({"DefaultSenderID": "ABCDEFGHIJKL"}, "DefaultSendID is not a valid attribute"),
                 ({"DefaultSMSType": "Loud"}, "DefaultSMSType is invalid")]
        for attrs, msg in cases:
            self.assertEqual(self.error(self.sns.set_sms_attributes, attributes=attrs), ("InvalidParameter", msg))
        # all or nothing
        self.assertEqual(self.error(self.sns.set_sms_attributes,
                                    attributes={"DefaultSMSType": "Promotional", "Bogus": "1"})[0], "InvalidParameter")
        self.assertEqual(self.sns.get_sms_attributes(attributes=["DefaultSMSType"])["attributes"],
                         {"DefaultSMSType": "Transactional"})

    def test_publish_to_a_phone_number(self):
        self.sns.set_sms_attributes(attributes={"DefaultSenderID": "Shop"})
        mid = self.sns.publish(PhoneNumber=PHONE, Message="your code is 42", MessageAttributes={
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
            "AWS.SNS.SMS.MaxPrice": {"DataType": "Number", "StringValue": "0.50"}})["MessageId"]
        msg = self.messages()[-1]
        self.assertEqual(msg["message_id"], mid)
        self.assertEqual(msg["phone_number"], PHONE)
        self.assertEqual(msg["sms"], {"sms_type": "Transactional", "segments": 1, "sender_id": "Shop",
                                      "max_price": "0.50"})
        self.assertEqual(msg["deliveries"][0]["status"], "recorded")
        self.assertEqual(msg["deliveries"][0]["endpoint"], PHONE)
        # 1600 characters at most: GSM text takes segments of 153, other text (UCS-2) of 67
        self.sns.publish(PhoneNumber=PHONE, Message="é" * 1600)
        self.assertEqual(self.messages()[-1]["sms"]["segments"], 11)
        self.sns.publish(PhoneNumber=PHONE, Message="ж" * 1600)
        self.assertEqual(self.messages()[-1]["sms"]["segments"], 24)
        self.assertEqual(self.error(self.sns.publish, PhoneNumber=PHONE, Message="x" * 1601),
                         ("InvalidParameter", "Invalid parameter: Message too long"))
        for bad in ("+1a234", "12345", "NAA+15551234567", "+0155512345"):
            self.assertEqual(self.error(self.sns.publish, PhoneNumber=bad, Message="x"),
                             ("InvalidParameter", f"Invalid parameter: PhoneNumber Reason: {bad} is not valid to publish to"))

    def test_opt_outs(self):
        # a number opts out by replying STOP: in mockaws, the fixture says so
        self.load({"sns": {"sms": {"opted_out": [f"+1555555{i:04d}" for i in range(150)]}}})
        self.assertTrue(self.sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550007")["isOptedOut"])
        self.assertFalse(self.sns.check_if_phone_number_is_opted_out(phoneNumber="+15555559999")["isOptedOut"])
        first = self.sns.list_phone_numbers_opted_out()
        self.assertEqual(len(first["phoneNumbers"]), 100)
        rest = self.sns.list_phone_numbers_opted_out(nextToken=first["nextToken"])
        self.assertNotIn("nextToken", rest)
        self.assertEqual(sorted(first["phoneNumbers"] + rest["phoneNumbers"]),
                         [f"+1555555{i:04d}" for i in range(150)])
        pages = list(self.sns.get_paginator("list_phone_numbers_opted_out").paginate())
        self.assertEqual(sum(len(p["phoneNumbers"]) for p in pages), 150)
        # publishing to an opted-out number succeeds and sends nothing
        self.assertIn("MessageId", self.sns.publish(PhoneNumber="+15555550007", Message="sale!"))
        d = self.messages()[-1]["deliveries"][0]
        self.assertEqual(d["status"], "failed")
        self.assertIn("opted out", d["error"])
        self.sns.opt_in_phone_number(phoneNumber="+15555550007")
        self.assertFalse(self.sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550007")["isOptedOut"])
        for fn in (self.sns.opt_in_phone_number, self.sns.check_if_phone_number_is_opted_out):
            self.assertEqual(self.error(fn, phoneNumber="not-a-number"),
                             ("InvalidParameter", "Invalid parameter: PhoneNumber Reason: input incorrectly formatted"))
        self.assertEqual(self.error(self.sns.list_phone_numbers_opted_out, nextToken="garbage!")[0],
                         "InvalidParameter")

    def test_sandbox(self):
        self.assertFalse(self.sns.get_sms_sandbox_account_status()["IsInSandbox"])
        self.load({"sns": {"sms": {"in_sandbox": True}}})
        self.assertTrue(self.sns.get_sms_sandbox_account_status()["IsInSandbox"])
        self.sns.create_sms_sandbox_phone_number(PhoneNumber=PHONE, LanguageCode="en-US")
        self.assertEqual(self.sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"],
                         [{"PhoneNumber": PHONE, "Status": "Pending"}])
        # the one-time password SNS "texted" is in the messages log
        otp = self.messages()[-1]
        self.assertEqual(otp["phone_number"], PHONE)
        self.assertIn("123456", otp["message"])
        # in the sandbox, an unverified number is not texted
        self.sns.publish(PhoneNumber=PHONE, Message="before")
        self.assertIn("sandbox", self.messages()[-1]["deliveries"][0]["error"])
        with self.assertRaises(ClientError) as ctx:
            self.sns.verify_sms_sandbox_phone_number(PhoneNumber=PHONE, OneTimePassword="654321")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "VerificationException")
        self.sns.verify_sms_sandbox_phone_number(PhoneNumber=PHONE, OneTimePassword="123456")
        self.assertEqual(self.sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"][0]["Status"], "Verified")
        self.sns.publish(PhoneNumber=PHONE, Message="after")
        self.assertEqual(self.messages()[-1]["deliveries"][0]["status"], "recorded")
        for i in range(3):
            self.sns.create_sms_sandbox_phone_number(PhoneNumber=f"+1555555020{i}")
        pages = list(self.sns.get_paginator("list_sms_sandbox_phone_numbers").paginate(
            PaginationConfig={"PageSize": 2}))
        self.assertEqual([len(p["PhoneNumbers"]) for p in pages], [2, 2])
        self.sns.delete_sms_sandbox_phone_number(PhoneNumber=PHONE)
        self.assertEqual(self.error(self.sns.delete_sms_sandbox_phone_number, 404, PhoneNumber=PHONE)[0],
                         "ResourceNotFound")
        self.assertEqual(self.error(self.sns.verify_sms_sandbox_phone_number, 404, PhoneNumber=PHONE,
                                    OneTimePassword="123456")[0], "ResourceNotFound")
        self.assertEqual(self.sns.list_origination_numbers()["PhoneNumbers"], [])


class Platform(SnsMore):
    def app(self, name="app", platform="GCM", **attrs):
        attrs = attrs or {"PlatformCredential": "server-key"}
        return self.sns.create_platform_application(Name=name, Platform=platform, Attributes=attrs)[
            "PlatformApplicationArn"]

    def test_applications(self):
        arn = self.app()
        self.assertEqual(arn, f"arn:aws:sns:us-east-1:{DEFAULT_ACCOUNT}:app/GCM/app")
        apns = self.app("ios", "APNS", PlatformCredential="key", PlatformPrincipal="cert")
        self.assertEqual(apns, f"arn:aws:sns:us-east-1:{DEFAULT_ACCOUNT}:app/APNS/ios")
        # the credentials are kept, never shown
        self.assertEqual(self.sns.get_platform_application_attributes(PlatformApplicationArn=apns)["Attributes"],
                         {"Enabled": "true"})
        self.sns.set_platform_application_attributes(PlatformApplicationArn=arn,
                                                      Attributes={"SuccessFeedbackSampleRate": "50"})
        self.assertEqual(self.sns.get_platform_application_attributes(PlatformApplicationArn=arn)["Attributes"],
                         {"Enabled": "true", "SuccessFeedbackSampleRate": "50"})
        errors = [
            (dict(Name="a@", Platform="GCM", Attributes={"PlatformCredential": "k"}),
             "Invalid parameter: a@ Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'"),
            (dict(Name="a" * 257, Platform="GCM", Attributes={"PlatformCredential": "k"}),
             f"Invalid parameter: {'a' * 257} Reason: must be at most 256 characters long"),
            (dict(Name="a", Platform="AAA", Attributes={"PlatformCredential": "k"}),
             "Invalid parameter: Platform Reason: AAA is not supported"),
            (dict(Name="a", Platform="ADM", Attributes={"PlatformCredential": "k"}),
             "Invalid parameter: Attributes Reason: PlatformCredential attribute provided without PlatformPrincipal"),
            (dict(Name="a", Platform="ADM", Attributes={"PlatformPrincipal": "p"}),
             "Invalid parameter: Attributes Reason: PlatformPrincipal attribute provided without PlatformCredential"),
        ]
        for kw, msg in errors:
            self.assertEqual(self.error(self.sns.create_platform_application, **kw), ("InvalidParameter", msg))
        self.assertEqual(self.error(self.sns.get_platform_application_attributes, PlatformApplicationArn="x"),
                         ("InvalidParameter",
                          "Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 elements, not 1"))
        self.assertEqual(self.error(self.sns.get_platform_application_attributes, 404,
                                    PlatformApplicationArn=arn + "x"),
                         ("NotFound", "PlatformApplication does not exist"))
        for i in range(120):
            self.app(f"bulk{i:03d}")
        pages = list(self.sns.get_paginator("list_platform_applications").paginate())
        self.assertEqual([len(p["PlatformApplications"]) for p in pages], [100, 22])
        self.sns.delete_platform_application(PlatformApplicationArn=apns)
        self.sns.delete_platform_application(PlatformApplicationArn=apns)  # idempotent

    def test_endpoints(self):
        app = self.app()
        ep = self.sns.create_platform_endpoint(PlatformApplicationArn=app, Token="tok-1",
                                               CustomUserData="user 1")["EndpointArn"]
        self.assertTrue(ep.startswith(f"arn:aws:sns:us-east-1:{DEFAULT_ACCOUNT}:endpoint/GCM/app/"), ep)
        # idempotent for the same token and attributes
        self.assertEqual(self.sns.create_platform_endpoint(PlatformApplicationArn=app, Token="tok-1",
                                                           CustomUserData="user 1")["EndpointArn"], ep)
        self.assertEqual(self.error(self.sns.create_platform_endpoint, PlatformApplicationArn=app, Token="tok-1",
                                    CustomUserData="user 2"),
                         ("InvalidParameter", f"Invalid parameter: Token Reason: Endpoint {ep} already exists with "
                                              "the same Token, but different attributes."))
        self.assertEqual(self.sns.get_endpoint_attributes(EndpointArn=ep)["Attributes"],
                         {"Enabled": "true", "Token": "tok-1", "CustomUserData": "user 1"})
        self.sns.set_endpoint_attributes(EndpointArn=ep, Attributes={"Enabled": "false", "Token": "tok-2"})
        self.assertEqual(self.sns.get_endpoint_attributes(EndpointArn=ep)["Attributes"]["Token"], "tok-2")
        bad_attrs = [({"PlatformPrincipal": "x"}, "Invalid parameter: Attributes Reason: Invalid attribute name: PlatformPrincipal"),
                     ({"CustomUserData": "x" * 2049}, "Invalid parameter: Attributes Reason: Invalid value for "
                      "attribute: CustomUserData: must be at most 2048 bytes long in UTF-8 encoding")]
        for attrs, msg in bad_attrs:
            self.assertEqual(self.error(self.sns.set_endpoint_attributes, EndpointArn=ep, Attributes=attrs),
                             ("InvalidParameter", msg))
        self.assertEqual(self.error(self.sns.get_endpoint_attributes, EndpointArn=app.replace(":app/", ":endpoint/")),
                         ("InvalidParameter",
                          "Invalid parameter: EndpointArn Reason: Wrong number of slashes in relative portion of the ARN."))
        self.assertEqual(self.error(self.sns.get_endpoint_attributes, 404, EndpointArn=ep + "x"),
                         ("NotFound", "Endpoint does not exist"))
        for i in range(105):
            self.sns.create_platform_endpoint(PlatformApplicationArn=app, Token=f"bulk-{i}")
        pages = list(self.sns.get_paginator("list_endpoints_by_platform_application").paginate(
            PlatformApplicationArn=app))
        self.assertEqual([len(p["Endpoints"]) for p in pages], [100, 6])
        self.sns.delete_endpoint(EndpointArn=ep)
        self.sns.delete_endpoint(EndpointArn=ep)  # idempotent
        self.assertEqual(self.error(self.sns.get_endpoint_attributes, 404, EndpointArn=ep)[0], "NotFound")
        # deleting the application takes its endpoints
        other = self.sns.create_platform_endpoint(PlatformApplicationArn=app, Token="last")["EndpointArn"]
        self.sns.delete_platform_application(PlatformApplicationArn=app)
        self.assertEqual(self.error(self.sns.get_endpoint_attributes, 404, EndpointArn=other)[0], "NotFound")
        self.assertEqual(self.error(self.sns.list_endpoints_by_platform_application, 404,
                                    PlatformApplicationArn=app), ("NotFound", "PlatformApplication does not exist"))

    def test_publish_to_endpoints(self):
        app = self.app("ios", "APNS", PlatformCredential="key", PlatformPrincipal="cert")
        ep = self.sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device")["EndpointArn"]
        apns = json.dumps({"aps": {"alert": "hi"}})
        mid = self.sns.publish(TargetArn=ep, MessageStructure="json",
                               Message=json.dumps({"default": "plain", "APNS": apns}))["MessageId"]
        msg = self.messages()[-1]
        self.assertEqual(msg["message_id"], mid)
        self.assertEqual(msg["target_arn"], ep)
        self.assertEqual(msg["deliveries"][0]["status"], "recorded")
        self.assertEqual(msg["deliveries"][0]["payload"], apns)
        # an application subscription gets the fan-out
        topic = self.sns.create_topic(Name="push")["TopicArn"]
        sub = self.sns.subscribe(TopicArn=topic, Protocol="application", Endpoint=ep)["SubscriptionArn"]
        self.assertTrue(sub.startswith(topic + ":"), sub)
        self.sns.publish(TopicArn=topic, Message="to all devices")
        d = self.messages()[-1]["deliveries"][0]
        self.assertEqual((d["protocol"], d["endpoint"], d["status"], d["payload"]),
                         ("application", ep, "recorded", "to all devices"))
        self.assertEqual(self.error(self.sns.subscribe, TopicArn=topic, Protocol="application",
                                    Endpoint=ep + "x")[0], "InvalidParameter")
        # a disabled endpoint refuses a direct publish; a fan-out to it fails
        self.sns.set_endpoint_attributes(EndpointArn=ep, Attributes={"Enabled": "false"})
        self.assertEqual(self.error(self.sns.publish, TargetArn=ep, Message="x"),
                         ("EndpointDisabled", "Endpoint is disabled"))
        self.sns.publish(TopicArn=topic, Message="again")
        d = self.messages()[-1]["deliveries"][0]
        self.assertEqual((d["status"], d["error"]), ("failed", "Endpoint is disabled"))
        self.assertEqual(self.error(self.sns.publish, TargetArn=ep + "x", Message="x"),
                         ("InvalidParameter",
                          "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified"))

    def test_fixture_round_trip(self):
        app = self.app("fx", "ADM", PlatformCredential="secret", PlatformPrincipal="client")
        self.sns.create_platform_endpoint(PlatformApplicationArn=app, Token="t1", CustomUserData="u")
        self.sns.set_sms_attributes(attributes={"DefaultSMSType": "Transactional"})
        status, state = self.server.control("GET", "/_mockaws/state")
        self.assertEqual(status, 200, state)
        saved = state["namespaces"][0]["sns"]
        self.assertEqual([a["name"] for a in saved["platform_applications"]], ["fx"])
        self.assertEqual(saved["platform_applications"][0]["endpoints"],
                         [{"token": "t1", "enabled": True, "custom_user_data": "u"}])
        self.assertEqual(saved["sms"]["attributes"], {"DefaultSMSType": "Transactional"})
        self.server.control("POST", "/_mockaws/reset")
        self.assertEqual(self.sns.list_platform_applications()["PlatformApplications"], [])
        self.load(state)
        self.assertEqual(len(self.sns.list_endpoints_by_platform_application(PlatformApplicationArn=app)["Endpoints"]),
                         1)
        self.assertEqual(self.sns.get_sms_attributes(attributes=["DefaultSMSType"])["attributes"],
                         {"DefaultSMSType": "Transactional"})


    def test_snapshot_restores_sms_and_platform_state(self):
        app = self.app()
        ep = self.sns.create_platform_endpoint(PlatformApplicationArn=app, Token="t")["EndpointArn"]
        self.load({"sns": {"sms": {"opted_out": [PHONE]}}})
        status, doc = self.server.control("POST", "/_mockaws/snapshots", {"name": "base"})
        self.assertEqual(status, 200, doc)
        self.sns.set_endpoint_attributes(EndpointArn=ep, Attributes={"Enabled": "false"})
        self.sns.opt_in_phone_number(phoneNumber=PHONE)
        self.sns.delete_platform_application(PlatformApplicationArn=self.app("other"))
        status, doc = self.server.control("POST", "/_mockaws/snapshots/base/restore")
        self.assertEqual(status, 200, doc)
        self.assertEqual(self.sns.get_endpoint_attributes(EndpointArn=ep)["Attributes"]["Enabled"], "true")
        self.assertTrue(self.sns.check_if_phone_number_is_opted_out(phoneNumber=PHONE)["isOptedOut"])


class Limits(SnsMore):
    def test_filter_policy_numbers(self):
        topic = self.sns.create_topic(Name="limits")["TopicArn"]
        ok = self.sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com", Attributes={
            "FilterPolicy": json.dumps({"price": [{"numeric": [">=", -1000000000, "<=", 1000000000]}, 0.12345]})})
        self.assertIn("SubscriptionArn", ok)
        for bad in ([{"numeric": [">", 1000000001]}], [1.123456], [{"numeric": ["<", -1e10]}]):
            code, msg = self.error(self.sns.subscribe, TopicArn=topic, Protocol="email", Endpoint="b@example.com",
                                   Attributes={"FilterPolicy": json.dumps({"price": bad})})
            self.assertEqual(code, "InvalidParameter")
            self.assertIn("FilterPolicy: Numeric values must be between -1000000000 and 1000000000", msg)
        code, msg = self.error(self.sns.subscribe, TopicArn=topic, Protocol="email", Endpoint="b@example.com",
                               Attributes={"FilterPolicy": json.dumps({f"k{i}": ["v"] for i in range(6)})})
        self.assertIn("Filter policy can not have more than 5 keys", msg)
        code, msg = self.error(self.sns.subscribe, TopicArn=topic, Protocol="email", Endpoint="b@example.com",
                               Attributes={"FilterPolicy": json.dumps({"a": list(range(13)), "b": list(range(12))})})
        self.assertIn("Filter policy is too complex", msg)

    def test_publish_batch_counts_attributes(self):
        topic = self.sns.create_topic(Name="batch")["TopicArn"]
        attrs = {"big": {"DataType": "String", "StringValue": "v" * 60000}}
        entries = [{"Id": f"e{i}", "Message": "m" * 10000, "MessageAttributes": attrs} for i in range(4)]
        self.assertEqual(self.error(self.sns.publish_batch, TopicArn=topic, PublishBatchRequestEntries=entries)[0],
                         "BatchRequestTooLong")
        self.assertEqual(len(self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries[:3])[
            "Successful"]), 3)


def self_signed(directory):
    """A certificate for 127.0.0.1 and its key, made by openssl."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


@unittest.skipUnless(shutil.which("openssl"), "openssl not installed")
class HttpsDelivery(unittest.TestCase):
    def setUp(self):
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        self.sub = Subscriber(tls=self_signed(directory))
        self.addCleanup(self.sub.close)

    def server(self, *args):
        srv = Server(*args)
        self.addCleanup(srv.stop)
        return srv

    def confirmation(self, srv):
        deadline = time.monotonic() + 60
        while True:
            status, doc = srv.control("GET", "/_mockaws/sns/messages")
            self.assertEqual(status, 200, doc)
            c = doc["confirmations"][0]
            if c["status"] in ("delivered", "failed"):
                return c
            if time.monotonic() > deadline:
                self.fail(f"the confirmation did not finish: {c}")
            time.sleep(0.05)

    def test_certificate_checked_by_default(self):
        srv = self.server()
        sns = srv.client("sns")
        topic = sns.create_topic(Name="tls")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=self.sub.url)
        c = self.confirmation(srv)
        self.assertEqual(c["status"], "failed")
        self.assertIn("certificate failed verification", c["error"])
        self.assertEqual(self.sub.requests, [])  # nothing got through

    def test_insecure_flag_delivers_over_tls(self):
        srv = self.server("--sns-insecure-tls")
        sns = srv.client("sns")
        topic = sns.create_topic(Name="tls")["TopicArn"]
        sub = sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=self.sub.url,
                            ReturnSubscriptionArn=True)["SubscriptionArn"]
        self.assertEqual(self.confirmation(srv)["status"], "delivered")
        deadline = time.monotonic() + 60
        while sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["PendingConfirmation"] != "false":
            self.assertLess(time.monotonic(), deadline, "not confirmed")
            time.sleep(0.05)
        sns.publish(TopicArn=topic, Message="over tls")
        _, headers, body = self.sub.wait(2)[1]
        self.assertEqual(headers["x-amz-sns-message-type"], "Notification")
        self.assertEqual(json.loads(body)["Message"], "over tls")


if __name__ == "__main__":
    unittest.main()
