"""EC2 networking through boto3: the default VPC, VPCs, subnets, security
groups and their rules, key pairs, Elastic IPs, network interfaces, account
attributes, and RunInstances into what they make."""
import base64
import hashlib
import ipaddress
import json
import os
import shutil
import tempfile

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization

from .server import DEFAULT_ACCOUNT, Server, ServerTestCase

AMI = "ami-ab939b9c031512198"
FAST = {"Delay": 0.2, "MaxAttempts": 100}
# ssh-keygen -t rsa -b 2048; its MD5 over the DER public key, as AWS's user
# guide computes it for imported keys:
#   ssh-keygen -e -m PKCS8 -f k.pub | openssl pkey -pubin -outform DER | openssl md5 -c
RSA_PUB = ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDEa364kMPlz7PQAN5/ceunZk4MtVsBRbe+0/JA6xwe90Mn31V9KA+Glh"
           "hAfrSFT9YdvzuASE74fK22JqVNwkDpX2TP+PRUYPD/XpUxdbb7PUnOxXeGf/qoxlVY2w1KcfFT1HNvvYnP/YgvtN7ikrn/mBvzT"
           "9n70vHOf6Y7OAlcpX5oSXS3VuvDLWg+DNbxwP0WLqvtlu0No6q0+lFF+/k6H+XpiMJjQbeXH4oGZM5N7aU3D9KwQhcx8isy4OP9"
           "RFc9HjPp+X3g4TkJgD+Lmv+vSy97jZMKQxZvQgEevUKnhFqwHSUZUFkxTaqXxMaPbHTtMTp43H7VMrTZ+ChMGeYb test")
RSA_MD5 = "83:1f:7b:e4:13:16:84:e7:5a:a0:ea:73:19:0b:13:5f"
# ssh-keygen -t ed25519; `ssh-keygen -l` prints SHA256:Qg2p...09U8 (AWS pads the base64)
ED_PUB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKREO6aixnYidbm1p7t4Czr4Zc+FNN0Tx/IPNTsfns57 x"
ED_SHA256 = "Qg2pGL1AGooFmsVWamMv5JgYkI+qqjXb2bR1TWl09U8="


class NetCase(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.ec2 = self.server.client("ec2")

    def assert_code(self, ctx, code, status=400):
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        return err["Error"]["Message"]

    def vpc(self, cidr="10.0.0.0/16", **kw):
        return self.ec2.create_vpc(CidrBlock=cidr, **kw)["Vpc"]["VpcId"]

    def subnet(self, vpc, cidr, az="us-east-1a"):
        return self.ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]

    def default_vpc(self):
        return self.ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]


class DefaultVpc(NetCase):
    def test_every_region_has_one(self):
        v = self.default_vpc()
        self.assertEqual(v["CidrBlock"], "172.31.0.0/16")
        self.assertTrue(v["IsDefault"])
        self.assertEqual(v["State"], "available")
        self.assertEqual(v["OwnerId"], DEFAULT_ACCOUNT)
        subnets = self.ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [v["VpcId"]]}])["Subnets"]
        self.assertEqual(sorted(s["AvailabilityZone"] for s in subnets), [f"us-east-1{z}" for z in "abcdef"])
        for s in subnets:
            self.assertTrue(s["DefaultForAz"])
            self.assertTrue(s["MapPublicIpOnLaunch"])
            self.assertEqual(ipaddress.ip_network(s["CidrBlock"]).prefixlen, 20)
            self.assertEqual(s["AvailableIpAddressCount"], 4096 - 5)
        west = self.server.client("ec2", region="eu-west-1")
        self.assertEqual(len(west.describe_subnets()["Subnets"]), 3)
        groups = self.ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
        self.assertEqual(len(groups), 1)
        g = groups[0]
        self.assertEqual(g["VpcId"], v["VpcId"])
        self.assertEqual(g["IpPermissionsEgress"],
                         [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
                           "PrefixListIds": [], "UserIdGroupPairs": []}])
        self.assertEqual(g["IpPermissions"][0]["UserIdGroupPairs"],
                         [{"GroupId": g["GroupId"], "UserId": DEFAULT_ACCOUNT}])

    def test_instances_agree_with_it(self):
        inst = self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)["Instances"][0]
        v = self.default_vpc()
        self.assertEqual(inst["VpcId"], v["VpcId"])
        g = self.ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]
        self.assertEqual(inst["SecurityGroups"], [{"GroupId": g["GroupId"], "GroupName": "default"}])
        s = self.ec2.describe_subnets(SubnetIds=[inst["SubnetId"]])["Subnets"][0]
        self.assertEqual(s["AvailabilityZone"], inst["Placement"]["AvailabilityZone"])
        self.assertIn(ipaddress.ip_address(inst["PrivateIpAddress"]), ipaddress.ip_network(s["CidrBlock"]))
        self.assertIn("PublicIpAddress", inst)

    def test_default_vpc_delete_and_recreate(self):
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_default_vpc()
        self.assert_code(ctx, "DefaultVpcAlreadyExists")
        v = self.default_vpc()["VpcId"]
        with self.assertRaises(ClientError) as ctx:
            self.ec2.delete_vpc(VpcId=v)
        self.assert_code(ctx, "DependencyViolation")
        for s in self.ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [v]}])["Subnets"]:
            self.ec2.delete_subnet(SubnetId=s["SubnetId"])
        self.ec2.delete_vpc(VpcId=v)
        attrs = self.ec2.describe_account_attributes(AttributeNames=["default-vpc"])["AccountAttributes"]
        self.assertEqual(attrs[0]["AttributeValues"], [{"AttributeValue": "none"}])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)
        self.assert_code(ctx, "VPCIdNotSpecified")
        again = self.ec2.create_default_vpc()["Vpc"]
        self.assertTrue(again["IsDefault"])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_default_subnet(AvailabilityZone="us-east-1a")
        self.assert_code(ctx, "DefaultSubnetAlreadyExistsInAvailabilityZone")

    def test_account_attributes(self):
        attrs = {a["AttributeName"]: [v["AttributeValue"] for v in a["AttributeValues"]]
                 for a in self.ec2.describe_account_attributes()["AccountAttributes"]}
        self.assertEqual(attrs["supported-platforms"], ["VPC"])
        self.assertEqual(attrs["default-vpc"], [self.default_vpc()["VpcId"]])
        self.assertIn("max-instances", attrs)
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_account_attributes(DryRun=True)
        self.assert_code(ctx, "DryRunOperation", 412)


class Vpcs(NetCase):
    def test_create_describe_attributes_delete(self):
        r = self.ec2.create_vpc(CidrBlock="10.1.0.0/16",
                                TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "a"}]}])
        v = r["Vpc"]
        self.assertRegex(v["VpcId"], r"^vpc-[0-9a-f]{17}$")
        self.assertFalse(v["IsDefault"])
        self.assertEqual(v["Tags"], [{"Key": "Name", "Value": "a"}])
        self.ec2.get_waiter("vpc_available").wait(VpcIds=[v["VpcId"]], WaiterConfig=FAST)
        got = self.ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["a"]}])["Vpcs"]
        self.assertEqual([x["VpcId"] for x in got], [v["VpcId"]])
        # a VPC has its own default group
        groups = self.ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [v["VpcId"]]}])["SecurityGroups"]
        self.assertEqual([g["GroupName"] for g in groups], ["default"])
        a = self.ec2.describe_vpc_attribute(VpcId=v["VpcId"], Attribute="enableDnsHostnames")
        self.assertEqual(a["EnableDnsHostnames"], {"Value": False})
        self.ec2.modify_vpc_attribute(VpcId=v["VpcId"], EnableDnsHostnames={"Value": True})
        a = self.ec2.describe_vpc_attribute(VpcId=v["VpcId"], Attribute="enableDnsHostnames")
        self.assertEqual(a["EnableDnsHostnames"], {"Value": True})
        self.assertEqual(self.ec2.describe_vpc_attribute(VpcId=v["VpcId"], Attribute="enableDnsSupport")
                         ["EnableDnsSupport"], {"Value": True})
        self.ec2.delete_vpc(VpcId=v["VpcId"])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_vpcs(VpcIds=[v["VpcId"]])
        self.assertEqual(self.assert_code(ctx, "InvalidVpcID.NotFound"), f"The vpc ID '{v['VpcId']}' does not exist")
        # its default group went with it
        self.assertEqual(self.ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [v["VpcId"]]}])["SecurityGroups"], [])

    def test_cidr_checks(self):
        for cidr in ("10.0.0.0/8", "10.0.0.0/29", "10.0.0.1/16"):
            with self.assertRaises(ClientError) as ctx:
                self.ec2.create_vpc(CidrBlock=cidr)
            self.assertEqual(self.assert_code(ctx, "InvalidVpc.Range"), f"The CIDR '{cidr}' is invalid.")
        for cidr in ("10.0.0/16", "banana", "10.0.0.0/33", "300.0.0.0/16"):
            with self.assertRaises(ClientError) as ctx:
                self.ec2.create_vpc(CidrBlock=cidr)
            self.assert_code(ctx, "InvalidParameterValue")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_vpc(CidrBlock="10.0.0.0/16", DryRun=True)
        self.assert_code(ctx, "DryRunOperation", 412)
        self.assertEqual(len(self.ec2.describe_vpcs()["Vpcs"]), 1)

    def test_ids_filters_paging(self):
        ids = [self.vpc(f"10.{i}.0.0/16") for i in range(4)]
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_vpcs(VpcIds=["vpc-nothex!"])
        self.assert_code(ctx, "InvalidVpcID.Malformed")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_vpcs(Filters=[{"Name": "colour", "Values": ["x"]}])
        self.assertEqual(self.assert_code(ctx, "InvalidParameterValue"), "The filter 'colour' is invalid")
        got = self.ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.[12].*", "10.3.0.0/16"]}])["Vpcs"]
        self.assertEqual(len(got), 1)  # '[' is no wildcard
        got = self.ec2.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.?.0.0/16"]}])["Vpcs"]
        self.assertEqual(sorted(v["VpcId"] for v in got), sorted(ids))
        # boto3 checks the bound itself unless told not to
        raw = boto3.session.Session().client("ec2", endpoint_url=self.server.endpoint, region_name="us-east-1",
                                             aws_access_key_id="testing", aws_secret_access_key="testing",
                                             config=Config(parameter_validation=False))
        with self.assertRaises(ClientError) as ctx:
            raw.describe_vpcs(MaxResults=4)
        self.assertIn("4", self.assert_code(ctx, "InvalidParameterValue"))
        seen = []
        for page in self.ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": 5}):
            self.assertLessEqual(len(page["Vpcs"]), 5)
            seen += [v["VpcId"] for v in page["Vpcs"]]
        self.assertEqual(len(seen), 5)
        first = self.ec2.describe_vpcs(MaxResults=5)
        self.assertNotIn("NextToken", first)
        with self.assertRaises(ClientError) as ctx:
            self.vpc("10.9.0.0/16")
        self.assert_code(ctx, "VpcLimitExceeded")


class Subnets(NetCase):
    def test_ranges_conflicts_counts(self):
        v = self.vpc()
        s = self.ec2.create_subnet(VpcId=v, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1b")["Subnet"]
        self.assertEqual(s["AvailableIpAddressCount"], 251)
        self.assertEqual(s["AvailabilityZoneId"], "use1-az2")
        self.assertFalse(s["MapPublicIpOnLaunch"])
        self.assertFalse(s["DefaultForAz"])
        self.assertEqual(s["SubnetArn"], f"arn:aws:ec2:us-east-1:{DEFAULT_ACCOUNT}:subnet/{s['SubnetId']}")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_subnet(VpcId=v, CidrBlock="10.0.1.128/25")
        self.assertEqual(self.assert_code(ctx, "InvalidSubnet.Conflict"),
                         "The CIDR '10.0.1.128/25' conflicts with another subnet")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_subnet(VpcId=v, CidrBlock="10.1.0.0/24")
        self.assert_code(ctx, "InvalidSubnet.Range")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_subnet(VpcId=v, CidrBlock="10.0.2.0/29")
        self.assert_code(ctx, "InvalidSubnet.Range")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_subnet(VpcId=v, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1q")
        self.assertEqual(self.assert_code(ctx, "InvalidParameterValue"),
                         "Value (us-east-1q) for parameter availabilityZone is invalid. Subnets can currently only "
                         "be created in the following availability zones: us-east-1a, us-east-1b, us-east-1c, "
                         "us-east-1d, us-east-1e, us-east-1f.")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_subnet(VpcId="vpc-0123456789abcdef0", CidrBlock="10.0.2.0/24")
        self.assert_code(ctx, "InvalidVpcID.NotFound")
        self.ec2.modify_subnet_attribute(SubnetId=s["SubnetId"], MapPublicIpOnLaunch={"Value": True})
        got = self.ec2.describe_subnets(Filters=[{"Name": "map-public-ip-on-launch", "Values": ["true"]},
                                                 {"Name": "vpc-id", "Values": [v]}])["Subnets"]
        self.assertEqual([x["SubnetId"] for x in got], [s["SubnetId"]])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.delete_vpc(VpcId=v)
        self.assertEqual(self.assert_code(ctx, "DependencyViolation"),
                         f"The vpc '{v}' has dependencies and cannot be deleted.")
        self.ec2.delete_subnet(SubnetId=s["SubnetId"])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.delete_subnet(SubnetId=s["SubnetId"])
        self.assert_code(ctx, "InvalidSubnetID.NotFound")
        self.ec2.delete_vpc(VpcId=v)

    def test_paging(self):
        pages = list(self.ec2.get_paginator("describe_subnets").paginate(PaginationConfig={"PageSize": 5}))
        self.assertEqual([len(p["Subnets"]) for p in pages], [5, 1])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_subnets(NextToken="garbage!")
        self.assert_code(ctx, "InvalidParameterValue")


class SecurityGroups(NetCase):
    def test_rules_lifecycle(self):
        v = self.vpc()
        g = self.ec2.create_security_group(GroupName="web", Description="web tier", VpcId=v)
        gid = g["GroupId"]
        self.assertEqual(g["SecurityGroupArn"], f"arn:aws:ec2:us-east-1:{DEFAULT_ACCOUNT}:security-group/{gid}")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_security_group(GroupName="web", Description="again", VpcId=v)
        self.assertEqual(self.assert_code(ctx, "InvalidGroup.Duplicate"),
                         f"The security group 'web' already exists for VPC '{v}'")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_security_group(GroupName="default", Description="x", VpcId=v)
        self.assert_code(ctx, "InvalidParameterValue")
        other = self.ec2.create_security_group(GroupName="db", Description="db", VpcId=v)["GroupId"]
        r = self.ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
             "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "office"}, {"CidrIp": "192.168.1.7/24"}]},
            {"IpProtocol": "6", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": other}],
             "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}], "PrefixListIds": [{"PrefixListId": "pl-12345678"}]},
        ])
        self.assertTrue(r["Return"])
        rules = r["SecurityGroupRules"]
        self.assertEqual(len(rules), 5)
        for rule in rules:
            self.assertRegex(rule["SecurityGroupRuleId"], r"^sgr-[0-9a-f]{17}$")
            self.assertFalse(rule["IsEgress"])
            self.assertEqual(rule["GroupId"], gid)
        self.assertEqual(rules[1]["CidrIpv4"], "192.168.1.0/24")  # host bits cleared, as EC2 does
        self.assertEqual(rules[0]["Description"], "office")
        self.assertEqual([r["ReferencedGroupInfo"]["GroupId"] for r in rules if "ReferencedGroupInfo" in r], [other])
        # the legacy flat form names the same rule: a duplicate
        with self.assertRaises(ClientError) as ctx:
            self.ec2.authorize_security_group_ingress(GroupId=gid, IpProtocol="tcp", FromPort=22, ToPort=22,
                                                      CidrIp="10.0.0.0/8")
        self.assertEqual(self.assert_code(ctx, "InvalidPermission.Duplicate"),
                         'the specified rule "peer: 10.0.0.0/8, TCP, from port: 22, to port: 22, ALLOW" already exists')
        desc = self.ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]
        perms = {(p["IpProtocol"], p.get("FromPort")): p for p in desc["IpPermissions"]}
        self.assertEqual(perms[("tcp", 22)]["IpRanges"],
                         [{"CidrIp": "10.0.0.0/8", "Description": "office"}, {"CidrIp": "192.168.1.0/24"}])
        self.assertEqual(perms[("tcp", 443)]["UserIdGroupPairs"], [{"GroupId": other, "UserId": DEFAULT_ACCOUNT}])
        self.assertEqual(perms[("tcp", 443)]["PrefixListIds"], [{"PrefixListId": "pl-12345678"}])
        # filters reach into the rules
        got = self.ec2.describe_security_groups(Filters=[{"Name": "ip-permission.cidr", "Values": ["10.0.0.0/8"]}])
        self.assertEqual([x["GroupId"] for x in got["SecurityGroups"]], [gid])
        got = self.ec2.describe_security_groups(Filters=[{"Name": "ip-permission.group-id", "Values": [other]}])
        self.assertEqual([x["GroupId"] for x in got["SecurityGroups"]], [gid])
        all_rules = self.ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [gid]}])
        self.assertEqual(len(all_rules["SecurityGroupRules"]), 6)  # five in, one egress
        one = self.ec2.describe_security_group_rules(SecurityGroupRuleIds=[rules[0]["SecurityGroupRuleId"]])
        self.assertEqual(one["SecurityGroupRules"][0]["CidrIpv4"], "10.0.0.0/8")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_security_group_rules(SecurityGroupRuleIds=["sgr-0123456789abcdef0"])
        self.assert_code(ctx, "InvalidSecurityGroupRuleId.NotFound")
        # a referenced group cannot go
        with self.assertRaises(ClientError) as ctx:
            self.ec2.delete_security_group(GroupId=other)
        self.assertEqual(self.assert_code(ctx, "DependencyViolation"), f"resource {other} has a dependent object")
        # revoke: by permission and by rule id; an unknown rule is refused
        self.ec2.revoke_security_group_ingress(GroupId=gid, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": other}]}])
        self.ec2.revoke_security_group_ingress(GroupId=gid, SecurityGroupRuleIds=[rules[1]["SecurityGroupRuleId"]])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.revoke_security_group_ingress(GroupId=gid, IpProtocol="udp", FromPort=53, ToPort=53,
                                                   CidrIp="0.0.0.0/0")
        self.assert_code(ctx, "InvalidPermission.NotFound")
        self.ec2.delete_security_group(GroupId=other)
        # egress: the default all-traffic rule, revoked and put back
        self.ec2.revoke_security_group_egress(GroupId=gid, IpPermissions=[
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        desc = self.ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]
        self.assertEqual(desc["IpPermissionsEgress"], [])
        r = self.ec2.authorize_security_group_egress(GroupId=gid, IpPermissions=[
            {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        self.assertTrue(r["SecurityGroupRules"][0]["IsEgress"])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        self.assert_code(ctx, "InvalidParameterValue")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
                {"IpProtocol": "banana", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        self.assert_code(ctx, "InvalidParameterValue")

    def test_names_default_vpc_and_errors(self):
        gid = self.ec2.create_security_group(GroupName="app", Description="app")["GroupId"]
        self.assertEqual(self.ec2.describe_security_groups(GroupNames=["app"])["SecurityGroups"][0]["VpcId"],
                         self.default_vpc()["VpcId"])
        self.ec2.authorize_security_group_ingress(GroupName="app", IpProtocol="tcp", FromPort=80, ToPort=80,
                                                  CidrIp="0.0.0.0/0")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_security_groups(GroupNames=["nope"])
        self.assert_code(ctx, "InvalidGroup.NotFound")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_security_groups(GroupIds=["sg-0123456789abcdef0"])
        self.assertEqual(self.assert_code(ctx, "InvalidGroup.NotFound"),
                         "The security group 'sg-0123456789abcdef0' does not exist")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_security_groups(GroupIds=["web"])
        self.assert_code(ctx, "InvalidGroupId.Malformed")
        default = self.ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]
        with self.assertRaises(ClientError) as ctx:
            self.ec2.delete_security_group(GroupId=default)
        self.assert_code(ctx, "CannotDelete")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.delete_security_group(GroupId=gid, DryRun=True)
        self.assert_code(ctx, "DryRunOperation", 412)
        self.assertEqual(self.ec2.delete_security_group(GroupName="app")["GroupId"], gid)


class KeyPairs(NetCase):
    def test_create_rsa(self):
        k = self.ec2.create_key_pair(KeyName="deploy",
                                     TagSpecifications=[{"ResourceType": "key-pair",
                                                         "Tags": [{"Key": "team", "Value": "a"}]}])
        self.assertRegex(k["KeyPairId"], r"^key-[0-9a-f]{17}$")
        self.assertTrue(k["KeyMaterial"].startswith("-----BEGIN RSA PRIVATE KEY-----\n"))
        key = serialization.load_pem_private_key(k["KeyMaterial"].encode(), password=None)
        self.assertEqual(key.key_size, 2048)
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        sha1 = hashlib.sha1(der).hexdigest()
        self.assertEqual(k["KeyFingerprint"], ":".join(sha1[i:i + 2] for i in range(0, 40, 2)))
        self.assertEqual(k["Tags"], [{"Key": "team", "Value": "a"}])
        got = self.ec2.describe_key_pairs(KeyNames=["deploy"], IncludePublicKey=True)["KeyPairs"][0]
        self.assertEqual(got["KeyType"], "rsa")
        self.assertEqual(got["KeyFingerprint"], k["KeyFingerprint"])
        pub = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        self.assertEqual(got["PublicKey"].split()[:2], pub.decode().split()[:2])
        self.assertNotIn("PublicKey", self.ec2.describe_key_pairs(KeyNames=["deploy"])["KeyPairs"][0])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_key_pair(KeyName="deploy")
        self.assert_code(ctx, "InvalidKeyPair.Duplicate")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_key_pair(KeyName="p", KeyFormat="ppk")
        self.assert_code(ctx, "UnsupportedOperation")

    def test_create_ed25519(self):
        k = self.ec2.create_key_pair(KeyName="ed", KeyType="ed25519")
        self.assertTrue(k["KeyMaterial"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----\n"))
        key = serialization.load_ssh_private_key(k["KeyMaterial"].encode(), password=None)
        blob = base64.b64decode(key.public_key().public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).split()[1])
        self.assertEqual(k["KeyFingerprint"], base64.b64encode(hashlib.sha256(blob).digest()).decode())

    def test_import_describe_delete(self):
        r = self.ec2.import_key_pair(KeyName="mine", PublicKeyMaterial=RSA_PUB.encode())
        self.assertEqual(r["KeyFingerprint"], RSA_MD5)
        r = self.ec2.import_key_pair(KeyName="ed", PublicKeyMaterial=ED_PUB.encode())
        self.assertEqual(r["KeyFingerprint"], ED_SHA256)
        for junk in (b"not a key", b"ssh-rsa AAAA", b"ssh-ed25519 " + base64.b64encode(b"\0\0\0\x0bssh-ed25519")):
            with self.assertRaises(ClientError) as ctx:
                self.ec2.import_key_pair(KeyName="bad", PublicKeyMaterial=junk)
            self.assertEqual(self.assert_code(ctx, "InvalidKey.Format"),
                             "Key is not in valid OpenSSH public key format")
        got = self.ec2.describe_key_pairs(Filters=[{"Name": "fingerprint", "Values": [RSA_MD5]}])["KeyPairs"]
        self.assertEqual([k["KeyName"] for k in got], ["mine"])
        ids = [k["KeyPairId"] for k in self.ec2.describe_key_pairs()["KeyPairs"]]
        self.assertEqual(len(ids), 2)
        self.assertEqual(self.ec2.describe_key_pairs(KeyPairIds=[ids[1]])["KeyPairs"][0]["KeyName"], "ed")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_key_pairs(KeyNames=["ghost"])
        self.assertEqual(self.assert_code(ctx, "InvalidKeyPair.NotFound"), "The key pair 'ghost' does not exist")
        self.ec2.delete_key_pair(KeyName="mine")
        self.ec2.delete_key_pair(KeyName="mine")  # idempotent, as on EC2
        self.ec2.delete_key_pair(KeyPairId=ids[1])
        self.assertEqual(self.ec2.describe_key_pairs()["KeyPairs"], [])


class Launch(NetCase):
    def test_into_created_vpc(self):
        vpc = self.vpc("10.5.0.0/16")
        sub = self.subnet(vpc, "10.5.1.0/24", "us-east-1c")
        sg = self.ec2.create_security_group(GroupName="ssh", Description="ssh", VpcId=vpc)["GroupId"]
        self.ec2.authorize_security_group_ingress(GroupId=sg, IpProtocol="tcp", FromPort=22, ToPort=22,
                                                  CidrIp="0.0.0.0/0")
        self.ec2.create_key_pair(KeyName="k")
        inst = self.ec2.run_instances(ImageId=AMI, MinCount=2, MaxCount=2, SubnetId=sub, SecurityGroupIds=[sg],
                                      KeyName="k")["Instances"]
        a, b = inst
        for i in inst:
            self.assertEqual(i["VpcId"], vpc)
            self.assertEqual(i["SubnetId"], sub)
            self.assertEqual(i["KeyName"], "k")
            self.assertEqual(i["SecurityGroups"], [{"GroupId": sg, "GroupName": "ssh"}])
            self.assertEqual(i["Placement"]["AvailabilityZone"], "us-east-1c")
            self.assertIn(ipaddress.ip_address(i["PrivateIpAddress"]), ipaddress.ip_network("10.5.1.0/24"))
            self.assertNotIn("PublicIpAddress", i)  # the subnet maps none
            self.assertEqual(i["PrivateDnsName"], "ip-" + i["PrivateIpAddress"].replace(".", "-") + ".ec2.internal")
        self.assertEqual([a["PrivateIpAddress"], b["PrivateIpAddress"]], ["10.5.1.4", "10.5.1.5"])
        eni = a["NetworkInterfaces"][0]
        self.assertEqual(eni["Attachment"]["DeviceIndex"], 0)
        self.assertTrue(eni["Attachment"]["DeleteOnTermination"])
        got = self.ec2.describe_network_interfaces(
            Filters=[{"Name": "attachment.instance-id", "Values": [a["InstanceId"]]}])["NetworkInterfaces"]
        self.assertEqual([e["NetworkInterfaceId"] for e in got], [eni["NetworkInterfaceId"]])
        self.assertEqual(got[0]["SubnetId"], sub)
        self.assertEqual(got[0]["Groups"], [{"GroupId": sg, "GroupName": "ssh"}])
        self.assertEqual(got[0]["Status"], "in-use")
        self.assertEqual(len(self.ec2.describe_network_interfaces(
            Filters=[{"Name": "private-dns-name", "Values": [a["PrivateDnsName"]]}])["NetworkInterfaces"]), 1)
        self.assertEqual(self.ec2.describe_subnets(SubnetIds=[sub])["Subnets"][0]["AvailableIpAddressCount"], 249)
        # an Elastic IP shows as the instance's public address
        self.ec2.get_waiter("instance_running").wait(InstanceIds=[a["InstanceId"]], WaiterConfig=FAST)
        alloc = self.ec2.allocate_address(Domain="vpc")
        self.assertRegex(alloc["AllocationId"], r"^eipalloc-[0-9a-f]{17}$")
        self.assertIn(ipaddress.ip_address(alloc["PublicIp"]), ipaddress.ip_network("198.51.100.0/24"))
        assoc = self.ec2.associate_address(AllocationId=alloc["AllocationId"], InstanceId=a["InstanceId"])
        self.assertRegex(assoc["AssociationId"], r"^eipassoc-[0-9a-f]{17}$")
        desc = self.ec2.describe_instances(InstanceIds=[a["InstanceId"]])["Reservations"][0]["Instances"][0]
        self.assertEqual(desc["PublicIpAddress"], alloc["PublicIp"])
        self.assertEqual(desc["NetworkInterfaces"][0]["Association"]["PublicIp"], alloc["PublicIp"])
        addr = self.ec2.describe_addresses(AllocationIds=[alloc["AllocationId"]])["Addresses"][0]
        self.assertEqual(addr["InstanceId"], a["InstanceId"])
        self.assertEqual(addr["NetworkInterfaceId"], eni["NetworkInterfaceId"])
        self.assertEqual(addr["PrivateIpAddress"], a["PrivateIpAddress"])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.release_address(AllocationId=alloc["AllocationId"])
        self.assert_code(ctx, "InvalidIPAddress.InUse")
        # nothing in use can go
        with self.assertRaises(ClientError) as ctx:
            self.ec2.delete_subnet(SubnetId=sub)
        self.assertEqual(self.assert_code(ctx, "DependencyViolation"),
                         f"The subnet '{sub}' has dependencies and cannot be deleted.")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.delete_security_group(GroupId=sg)
        self.assert_code(ctx, "DependencyViolation")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
        self.assert_code(ctx, "InvalidNetworkInterface.InUse")
        # terminated, they let go: the address is free, the ENI is gone
        self.ec2.terminate_instances(InstanceIds=[a["InstanceId"], b["InstanceId"]])
        self.ec2.get_waiter("instance_terminated").wait(InstanceIds=[a["InstanceId"], b["InstanceId"]],
                                                        WaiterConfig=FAST)
        addr = self.ec2.describe_addresses(AllocationIds=[alloc["AllocationId"]])["Addresses"][0]
        self.assertNotIn("AssociationId", addr)
        self.assertEqual(self.ec2.describe_network_interfaces(
            Filters=[{"Name": "subnet-id", "Values": [sub]}])["NetworkInterfaces"], [])
        self.ec2.release_address(AllocationId=alloc["AllocationId"])
        self.ec2.delete_security_group(GroupId=sg)
        self.ec2.delete_subnet(SubnetId=sub)

    def test_launch_checks(self):
        vpc = self.vpc()
        sub = self.subnet(vpc, "10.0.0.0/28", "us-east-1a")
        sg_default = self.ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]["GroupId"]
        cases = [
            (dict(SubnetId="subnet-0123456789abcdef0"), "InvalidSubnetID.NotFound",
             "The subnet ID 'subnet-0123456789abcdef0' does not exist"),
            (dict(SecurityGroupIds=["sg-0123456789abcdef0"]), "InvalidGroup.NotFound",
             "The security group 'sg-0123456789abcdef0' does not exist"),
            (dict(SubnetId=sub, SecurityGroupIds=[sg_default]), "InvalidParameter",
             f"Security group {sg_default} and subnet {sub} belong to different networks."),
            (dict(KeyName="ghost"), "InvalidKeyPair.NotFound", "The key pair 'ghost' does not exist"),
            (dict(SubnetId=sub, SecurityGroups=["default"]), "InvalidParameterCombination",
             "The parameter groupName cannot be used with the parameter subnet"),
            (dict(SubnetId=sub, PrivateIpAddress="10.9.9.9"), "InvalidParameterValue",
             "Address 10.9.9.9 does not fall within the subnet's address range"),
            (dict(SubnetId=sub, Placement={"AvailabilityZone": "us-east-1b"}), "InvalidParameterValue",
             f"Value (us-east-1b) for parameter availabilityZone is invalid. Subnet '{sub}' is in the "
             "availability zone us-east-1a"),
            (dict(SubnetId=sub, NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": sub}]),
             "InvalidParameterCombination", None),
            (dict(SecurityGroupIds=[sg_default], NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": sub}]),
             "InvalidParameterCombination", None),
            (dict(SubnetId=sub, MinCount=12, MaxCount=12), "InsufficientFreeAddressesInSubnet", None),
        ]
        for kw, code, message in cases:
            args = dict(ImageId=AMI, MinCount=1, MaxCount=1)
            args.update(kw)
            with self.subTest(kw=kw):
                with self.assertRaises(ClientError) as ctx:
                    self.ec2.run_instances(**args)
                got = self.assert_code(ctx, code)
                if message:
                    self.assertEqual(got, message)
        # a /28 has 11 addresses: MaxCount beyond them launches what fits
        r = self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=20, SubnetId=sub)
        self.assertEqual(len(r["Instances"]), 11)
        ips = {i["PrivateIpAddress"] for i in r["Instances"]}
        self.assertEqual(len(ips), 11)

    def test_private_ip_and_interface_forms(self):
        vpc = self.vpc()
        sub = self.subnet(vpc, "10.0.1.0/24")
        self.ec2.modify_subnet_attribute(SubnetId=sub, MapPublicIpOnLaunch={"Value": True})
        i = self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=sub,
                                   PrivateIpAddress="10.0.1.50")["Instances"][0]
        self.assertEqual(i["PrivateIpAddress"], "10.0.1.50")
        self.assertIn("PublicIpAddress", i)
        with self.assertRaises(ClientError) as ctx:
            self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=sub, PrivateIpAddress="10.0.1.50")
        self.assertEqual(self.assert_code(ctx, "InvalidIPAddress.InUse"), "Address 10.0.1.50 is in use.")
        j = self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, NetworkInterfaces=[
            {"DeviceIndex": 0, "SubnetId": sub, "AssociatePublicIpAddress": False}])["Instances"][0]
        self.assertEqual(j["SubnetId"], sub)
        self.assertNotIn("PublicIpAddress", j)
        # an interface made beforehand becomes the instance's primary one
        eni = self.ec2.create_network_interface(SubnetId=sub, Description="pre-made")["NetworkInterface"]
        k = self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, NetworkInterfaces=[
            {"DeviceIndex": 0, "NetworkInterfaceId": eni["NetworkInterfaceId"]}])["Instances"][0]
        self.assertEqual(k["PrivateIpAddress"], eni["PrivateIpAddress"])
        self.assertEqual(k["NetworkInterfaces"][0]["NetworkInterfaceId"], eni["NetworkInterfaceId"])
        self.assertEqual(len(k["NetworkInterfaces"]), 1)


class Interfaces(NetCase):
    def test_create_attach_detach_delete(self):
        vpc = self.vpc()
        sub = self.subnet(vpc, "10.0.2.0/24", "us-east-1a")
        e = self.ec2.create_network_interface(SubnetId=sub, PrivateIpAddress="10.0.2.10",
                                              TagSpecifications=[{"ResourceType": "network-interface",
                                                                  "Tags": [{"Key": "k", "Value": "v"}]}])
        e = e["NetworkInterface"]
        eid = e["NetworkInterfaceId"]
        self.assertEqual(e["Status"], "available")
        self.assertEqual(e["PrivateIpAddress"], "10.0.2.10")
        self.assertEqual(e["TagSet"], [{"Key": "k", "Value": "v"}])
        self.assertEqual(e["AvailabilityZone"], "us-east-1a")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_network_interface(SubnetId=sub, PrivateIpAddress="10.0.2.10")
        self.assert_code(ctx, "InvalidIPAddress.InUse")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_network_interface(SubnetId=sub, PrivateIpAddress="10.0.2.1")
        self.assert_code(ctx, "InvalidParameterValue")
        iid = self.ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, SubnetId=sub)["Instances"][0]["InstanceId"]
        with self.assertRaises(ClientError) as ctx:  # still pending
            self.ec2.attach_network_interface(NetworkInterfaceId=eid, InstanceId=iid, DeviceIndex=1)
        self.assert_code(ctx, "IncorrectInstanceState")
        self.ec2.get_waiter("instance_running").wait(InstanceIds=[iid], WaiterConfig=FAST)
        with self.assertRaises(ClientError) as ctx:
            self.ec2.attach_network_interface(NetworkInterfaceId=eid, InstanceId=iid, DeviceIndex=0)
        self.assert_code(ctx, "InvalidParameterValue")
        att = self.ec2.attach_network_interface(NetworkInterfaceId=eid, InstanceId=iid, DeviceIndex=1)
        self.assertRegex(att["AttachmentId"], r"^eni-attach-[0-9a-f]{17}$")
        desc = self.ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
        self.assertEqual(sorted(n["Attachment"]["DeviceIndex"] for n in desc["NetworkInterfaces"]), [0, 1])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.delete_network_interface(NetworkInterfaceId=eid)
        self.assert_code(ctx, "InvalidNetworkInterface.InUse")
        primary = [n for n in desc["NetworkInterfaces"] if n["Attachment"]["DeviceIndex"] == 0][0]
        with self.assertRaises(ClientError) as ctx:
            self.ec2.detach_network_interface(AttachmentId=primary["Attachment"]["AttachmentId"])
        self.assert_code(ctx, "OperationNotPermitted")
        # an address on the secondary interface
        alloc = self.ec2.allocate_address()["AllocationId"]
        self.ec2.associate_address(AllocationId=alloc, NetworkInterfaceId=eid)
        got = self.ec2.describe_network_interfaces(NetworkInterfaceIds=[eid])["NetworkInterfaces"][0]
        self.assertEqual(got["Association"]["AllocationId"], alloc)
        self.assertEqual(self.ec2.describe_network_interfaces(
            Filters=[{"Name": "association.allocation-id", "Values": [alloc]}])["NetworkInterfaces"][0]
            ["NetworkInterfaceId"], eid)
        self.ec2.disassociate_address(AssociationId=got["Association"]["AssociationId"])
        self.ec2.detach_network_interface(AttachmentId=att["AttachmentId"])
        self.assertEqual(self.ec2.describe_network_interfaces(NetworkInterfaceIds=[eid])
                         ["NetworkInterfaces"][0]["Status"], "available")
        self.ec2.delete_network_interface(NetworkInterfaceId=eid)
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_network_interfaces(NetworkInterfaceIds=[eid])
        self.assertEqual(self.assert_code(ctx, "InvalidNetworkInterfaceID.NotFound"),
                         f"The networkInterface ID '{eid}' does not exist")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_network_interfaces(Filters=[{"Name": "nope", "Values": ["x"]}])
        self.assert_code(ctx, "InvalidParameterValue")


class Addresses(NetCase):
    def test_allocate_release_errors(self):
        allocs = [self.ec2.allocate_address(Domain="vpc") for _ in range(5)]
        self.assertEqual([a["PublicIp"] for a in allocs], [f"198.51.100.{i}" for i in range(1, 6)])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.allocate_address(Domain="vpc")
        self.assert_code(ctx, "AddressLimitExceeded")
        got = self.ec2.describe_addresses(Filters=[{"Name": "public-ip", "Values": ["198.51.100.3"]}])["Addresses"]
        self.assertEqual([a["AllocationId"] for a in got], [allocs[2]["AllocationId"]])
        self.assertEqual(self.ec2.describe_addresses(PublicIps=["198.51.100.4"])["Addresses"][0]["AllocationId"],
                         allocs[3]["AllocationId"])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_addresses(AllocationIds=["eipalloc-0123456789abcdef0"])
        self.assert_code(ctx, "InvalidAllocationID.NotFound")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.release_address(AllocationId="eipalloc-0123456789abcdef0")
        self.assertEqual(self.assert_code(ctx, "InvalidAllocationID.NotFound"),
                         "The allocation ID 'eipalloc-0123456789abcdef0' does not exist")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.release_address(PublicIp="203.0.113.77")
        self.assert_code(ctx, "AuthFailure", 401)
        with self.assertRaises(ClientError) as ctx:
            self.ec2.disassociate_address(AssociationId="eipassoc-0123456789abcdef0")
        self.assert_code(ctx, "InvalidAssociationID.NotFound")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.release_address(PublicIp="198.51.100.1")
        self.assertEqual(self.assert_code(ctx, "InvalidParameterValue"),
                         "You must specify an allocation id when releasing a VPC elastic IP address")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.release_address(PublicIp="198.51.100.1", AllocationId=allocs[0]["AllocationId"])
        self.assert_code(ctx, "InvalidParameterCombination")
        self.ec2.release_address(AllocationId=allocs[0]["AllocationId"])
        # the lowest free address comes back first
        self.assertEqual(self.ec2.allocate_address()["PublicIp"], "198.51.100.1")


class Persistence(NetCase):
    def test_snapshot_restores_networking(self):
        sg = self.ec2.create_security_group(GroupName="snap", Description="d")["GroupId"]
        self.ec2.authorize_security_group_ingress(GroupId=sg, IpProtocol="tcp", FromPort=80, ToPort=80,
                                                  CidrIp="0.0.0.0/0")
        status, doc = self.server.control("POST", "/_mockaws/snapshots", {"name": "base"})
        self.assertEqual(status, 200, doc)
        # changed after the snapshot: a rule revoked, a VPC and a key made
        self.ec2.revoke_security_group_ingress(GroupId=sg, IpProtocol="tcp", FromPort=80, ToPort=80,
                                               CidrIp="0.0.0.0/0")
        vpc = self.vpc()
        self.ec2.import_key_pair(KeyName="later", PublicKeyMaterial=ED_PUB.encode())
        status, doc = self.server.control("POST", "/_mockaws/snapshots/base/restore")
        self.assertEqual(status, 200, doc)
        g = self.ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]
        self.assertEqual(g["IpPermissions"][0]["IpRanges"], [{"CidrIp": "0.0.0.0/0"}])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_vpcs(VpcIds=[vpc])
        self.assert_code(ctx, "InvalidVpcID.NotFound")
        self.assertEqual(self.ec2.describe_key_pairs()["KeyPairs"], [])


    def test_state_dir_keeps_networking(self):
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        s1 = Server("--state-dir", d)
        try:
            c = s1.client("ec2")
            vpc = c.create_vpc(CidrBlock="10.7.0.0/16",
                               TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "n", "Value": "v"}]}])
            vpc = vpc["Vpc"]["VpcId"]
            sub = c.create_subnet(VpcId=vpc, CidrBlock="10.7.0.0/24")["Subnet"]["SubnetId"]
            sg = c.create_security_group(GroupName="g", Description="d", VpcId=vpc)["GroupId"]
            c.authorize_security_group_ingress(GroupId=sg, IpProtocol="tcp", FromPort=1, ToPort=2, CidrIp="1.2.3.4/32")
            c.import_key_pair(KeyName="k", PublicKeyMaterial=RSA_PUB.encode())
            alloc = c.allocate_address()["AllocationId"]
        finally:
            self.assertEqual(s1.stop(), 0, s1.logs())
        s2 = Server("--state-dir", d)
        try:
            c = s2.client("ec2")
            v = c.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]
            self.assertEqual(v["Tags"], [{"Key": "n", "Value": "v"}])
            self.assertEqual(c.describe_subnets(SubnetIds=[sub])["Subnets"][0]["CidrBlock"], "10.7.0.0/24")
            g = c.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]
            self.assertEqual(g["IpPermissions"][0]["IpRanges"], [{"CidrIp": "1.2.3.4/32"}])
            self.assertEqual(c.describe_key_pairs(KeyNames=["k"])["KeyPairs"][0]["KeyFingerprint"], RSA_MD5)
            self.assertEqual(c.describe_addresses(AllocationIds=[alloc])["Addresses"][0]["PublicIp"],
                             "198.51.100.1")
            self.assertEqual(len(c.describe_vpcs()["Vpcs"]), 2)
        finally:
            self.assertEqual(s2.stop(), 0, s2.logs())
