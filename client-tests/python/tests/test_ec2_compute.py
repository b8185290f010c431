"""EC2 around the instance through boto3: the image catalogue and the images
an account makes, instance types, volumes (created, attached, launched with
an instance, DeleteOnTermination), instance attributes, launch templates and
RunInstances from one, and DescribeInstances' documented filters."""
from botocore.exceptions import ClientError

from .server import DEFAULT_ACCOUNT, ServerTestCase

FAST = {"Delay": 0.1, "MaxAttempts": 100}


class ComputeCase(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.ec2 = self.server.client("ec2")

    def clock(self, **body):
        status, doc = self.server.control("POST", "/_mockaws/clock", body)
        self.assertEqual(status, 200, doc)

    def assert_code(self, ctx, code, status=400):
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        return err["Error"]["Message"]

    def al2023(self, arch="x86_64", client=None):
        """The most recent Amazon Linux 2023 AMI: the query everyone writes."""
        images = (client or self.ec2).describe_images(
            Owners=["amazon"], Filters=[{"Name": "name", "Values": [f"al2023-ami-2023.*-{arch}"]}])["Images"]
        return sorted(images, key=lambda i: i["CreationDate"])[-1]

    def launch(self, **kw):
        args = {"ImageId": self.al2023()["ImageId"], "MinCount": 1, "MaxCount": 1, "InstanceType": "t3.micro"}
        args.update(kw)
        return self.ec2.run_instances(**args)["Instances"][0]

    def instance(self, iid):
        return self.ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]


class Images(ComputeCase):
    def test_most_recent_al2023(self):
        img = self.al2023()
        self.assertEqual(img["Name"], "al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64")
        self.assertRegex(img["ImageId"], r"^ami-[0-9a-f]{17}$")
        self.assertEqual(img["ImageOwnerAlias"], "amazon")
        self.assertEqual(img["OwnerId"], "137112412989")
        self.assertEqual(img["Architecture"], "x86_64")
        self.assertEqual(img["RootDeviceName"], "/dev/xvda")
        self.assertEqual(img["State"], "available")
        self.assertTrue(img["Public"])
        ebs = img["BlockDeviceMappings"][0]["Ebs"]
        self.assertEqual((ebs["VolumeSize"], ebs["VolumeType"]), (8, "gp3"))
        self.assertRegex(ebs["SnapshotId"], r"^snap-[0-9a-f]{17}$")
        self.assertEqual(self.al2023("arm64")["Architecture"], "arm64")
        # per region ids, stable across servers
        other = self.al2023(client=self.server.client("ec2", region="eu-west-1"))
        self.assertEqual(other["Name"], img["Name"])
        self.assertNotEqual(other["ImageId"], img["ImageId"])

    def test_owners_and_filters(self):
        canonical = self.ec2.describe_images(Owners=["099720109477"])["Images"]
        self.assertTrue(canonical)
        self.assertTrue(all(i["Name"].startswith("ubuntu/images/") for i in canonical))
        self.assertTrue(all("ImageOwnerAlias" not in i for i in canonical))
        amazon = self.ec2.describe_images(Owners=["amazon"])["Images"]
        self.assertNotIn("099720109477", {i["OwnerId"] for i in amazon})
        self.assertEqual(self.ec2.describe_images(Owners=["self"])["Images"], [])
        win = self.ec2.describe_images(Filters=[{"Name": "platform", "Values": ["windows"]}])["Images"]
        self.assertEqual([i["Name"][:37] for i in win], ["Windows_Server-2022-English-Full-Base"])
        arm = self.ec2.describe_images(Filters=[{"Name": "architecture", "Values": ["arm64"]},
                                                {"Name": "owner-alias", "Values": ["amazon"]}])["Images"]
        self.assertTrue(arm and all(i["Architecture"] == "arm64" for i in arm))
        jammy = self.ec2.describe_images(Filters=[{"Name": "name", "Values": ["ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"]}])["Images"]
        self.assertEqual(len(jammy), 1)
        self.assertEqual(self.ec2.describe_images(Filters=[{"Name": "is-public", "Values": ["false"]}])["Images"], [])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_images(Filters=[{"Name": "colour", "Values": ["x"]}])
        self.assertEqual(self.assert_code(ctx, "InvalidParameterValue"), "The filter 'colour' is invalid")

    def test_ids_and_paging(self):
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_images(ImageIds=["ami-0123456789abcdef0"])
        self.assertEqual(self.assert_code(ctx, "InvalidAMIID.NotFound"),
                         "The image id '[ami-0123456789abcdef0]' does not exist")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_images(ImageIds=["ami-nope"])
        self.assert_code(ctx, "InvalidAMIID.Malformed")
        all_images = self.ec2.describe_images()["Images"]
        pages = list(self.ec2.get_paginator("describe_images").paginate(PaginationConfig={"PageSize": 3}))
        self.assertGreater(len(pages), 1)
        self.assertEqual([i["ImageId"] for p in pages for i in p["Images"]], [i["ImageId"] for i in all_images])

    def test_tags_of_an_own_image_follow_create_and_delete_tags(self):
        self.clock(mode="virtual")
        iid = self.launch()["InstanceId"]
        self.clock(advance_ms=1000)  # running: an instance can be imaged
        ami = self.ec2.create_image(InstanceId=iid, Name="tagged", TagSpecifications=[
            {"ResourceType": "image", "Tags": [{"Key": "made", "Value": "create"}]}])["ImageId"]
        self.ec2.create_tags(Resources=[ami], Tags=[{"Key": "team", "Value": "web"}])
        self.ec2.delete_tags(Resources=[ami], Tags=[{"Key": "made"}])
        shown = self.ec2.describe_images(ImageIds=[ami])["Images"][0]
        self.assertEqual(shown["Tags"], [{"Key": "team", "Value": "web"}])
        by_tag = self.ec2.describe_images(Owners=["self"], Filters=[{"Name": "tag:team", "Values": ["web"]}])
        self.assertEqual([i["ImageId"] for i in by_tag["Images"]], [ami])
        listed = self.ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [ami]}])["Tags"]
        self.assertEqual([(t["Key"], t["Value"], t["ResourceType"]) for t in listed], [("team", "web", "image")])

    def test_run_instances_checks_its_image(self):
        with self.assertRaises(ClientError) as ctx:
            self.ec2.run_instances(ImageId="ami-0123456789abcdef0", MinCount=1, MaxCount=1)
        self.assertEqual(self.assert_code(ctx, "InvalidAMIID.NotFound"),
                         "The image id '[ami-0123456789abcdef0]' does not exist")
        with self.assertRaises(ClientError) as ctx:
            self.launch(ImageId=self.al2023("arm64")["ImageId"], InstanceType="t3.micro")
        self.assertIn("The architecture 'x86_64' of the specified instance type does not match the architecture "
                      "'arm64' of the specified AMI", self.assert_code(ctx, "InvalidParameterValue"))
        inst = self.launch(ImageId=self.al2023("arm64")["ImageId"], InstanceType="t4g.micro")
        self.assertEqual(inst["Architecture"], "arm64")
        win = self.ec2.describe_images(Filters=[{"Name": "platform", "Values": ["windows"]}])["Images"][0]
        inst = self.launch(ImageId=win["ImageId"], InstanceType="m5.large")
        self.assertEqual((inst["Platform"], inst["RootDeviceName"], inst["PlatformDetails"]),
                         ("windows", "/dev/sda1", "Windows"))
        # no type: EC2's documented default
        plain = self.ec2.run_instances(ImageId=self.al2023()["ImageId"], MinCount=1, MaxCount=1)
        self.assertEqual(plain["Instances"][0]["InstanceType"], "m1.small")

    def test_create_describe_deregister(self):
        self.clock(mode="virtual")
        inst = self.launch()
        self.clock(advance_ms=1000)
        ami = self.ec2.create_image(InstanceId=inst["InstanceId"], Name="my-app 1.0", Description="mine",
                                    NoReboot=True)["ImageId"]
        img = self.ec2.describe_images(ImageIds=[ami])["Images"][0]
        self.assertEqual((img["State"], img["OwnerId"], img["Public"], img["Name"]),
                         ("pending", DEFAULT_ACCOUNT, False, "my-app 1.0"))
        self.assertEqual(img["BlockDeviceMappings"][0]["DeviceName"], "/dev/xvda")
        self.clock(advance_ms=1000)
        self.assertEqual(self.ec2.describe_images(Owners=["self"])["Images"][0]["State"], "available")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_image(InstanceId=inst["InstanceId"], Name="my-app 1.0")
        self.assertEqual(self.assert_code(ctx, "InvalidAMIName.Duplicate"),
                         f"AMI name my-app 1.0 is already in use by AMI {ami}")
        attr = self.ec2.describe_image_attribute(ImageId=ami, Attribute="description")
        self.assertEqual(attr["Description"], {"Value": "mine"})
        # an image launches like the catalogue's
        self.assertEqual(self.launch(ImageId=ami)["ImageId"], ami)
        with self.assertRaises(ClientError) as ctx:
            self.ec2.deregister_image(ImageId=self.al2023()["ImageId"])
        self.assert_code(ctx, "AuthFailure", 401)
        self.ec2.deregister_image(ImageId=ami)
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_images(ImageIds=[ami])
        self.assert_code(ctx, "InvalidAMIID.NotFound")


class InstanceTypes(ComputeCase):
    def test_describe_and_filters(self):
        t = self.ec2.describe_instance_types(InstanceTypes=["t3.micro"])["InstanceTypes"][0]
        self.assertEqual((t["VCpuInfo"]["DefaultVCpus"], t["MemoryInfo"]["SizeInMiB"]), (2, 1024))
        self.assertTrue(t["FreeTierEligible"])
        self.assertTrue(t["BurstablePerformanceSupported"])
        self.assertEqual(t["Hypervisor"], "nitro")
        self.assertEqual(t["ProcessorInfo"]["SupportedArchitectures"], ["x86_64"])
        free = self.ec2.describe_instance_types(Filters=[{"Name": "free-tier-eligible", "Values": ["true"]}])
        self.assertEqual(sorted(x["InstanceType"] for x in free["InstanceTypes"]), ["t2.micro", "t3.micro"])
        arm = self.ec2.describe_instance_types(Filters=[
            {"Name": "processor-info.supported-architecture", "Values": ["arm64"]},
            {"Name": "vcpu-info.default-vcpus", "Values": ["2"]}])["InstanceTypes"]
        self.assertIn("m7g.large", [x["InstanceType"] for x in arm])
        self.assertTrue(all(x["VCpuInfo"]["DefaultVCpus"] == 2 for x in arm))
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_instance_types(InstanceTypes=["t3.micro", "m5.24xlarge"])
        self.assertEqual(self.assert_code(ctx, "InvalidInstanceType"),
                         "The following supplied instance types do not exist: [m5.24xlarge]")
        pages = list(self.ec2.get_paginator("describe_instance_types").paginate(PaginationConfig={"PageSize": 20}))
        names = [x["InstanceType"] for p in pages for x in p["InstanceTypes"]]
        self.assertGreater(len(pages), 2)
        self.assertEqual(len(names), len(set(names)))
        offers = self.ec2.describe_instance_type_offerings(
            LocationType="availability-zone", Filters=[{"Name": "instance-type", "Values": ["t3.micro"]}])
        self.assertEqual(len(offers["InstanceTypeOfferings"]), 6)

    def test_run_instances_refuses_an_unknown_type(self):
        with self.assertRaises(ClientError) as ctx:
            self.launch(InstanceType="x9.huge")
        self.assert_code(ctx, "InvalidParameterValue")


class Volumes(ComputeCase):
    def test_launch_volumes_and_delete_on_termination(self):
        self.clock(mode="virtual")
        inst = self.launch(
            BlockDeviceMappings=[
                {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 20}},
                {"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 50, "VolumeType": "io1", "Iops": 1000,
                                                   "DeleteOnTermination": False}},
            ],
            TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "team", "Value": "red"}]}])
        iid = inst["InstanceId"]
        self.assertEqual([m["DeviceName"] for m in inst["BlockDeviceMappings"]], ["/dev/xvda", "/dev/sdf"])
        vols = self.ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [iid]}])["Volumes"]
        by_dev = {v["Attachments"][0]["Device"]: v for v in vols}
        root, data = by_dev["/dev/xvda"], by_dev["/dev/sdf"]
        self.assertEqual((root["Size"], root["VolumeType"], root["Iops"], root["Throughput"]), (20, "gp3", 3000, 125))
        self.assertEqual((data["Size"], data["VolumeType"], data["Iops"]), (50, "io1", 1000))
        self.assertTrue(root["Attachments"][0]["DeleteOnTermination"])
        self.assertFalse(data["Attachments"][0]["DeleteOnTermination"])
        self.assertEqual(root["State"], "in-use")
        self.assertEqual(root["Tags"], [{"Key": "team", "Value": "red"}])
        self.assertEqual(root["SnapshotId"], self.al2023()["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"])
        kept = self.ec2.describe_volumes(Filters=[{"Name": "attachment.delete-on-termination", "Values": ["false"]}])
        self.assertEqual([v["VolumeId"] for v in kept["Volumes"]], [data["VolumeId"]])
        self.ec2.terminate_instances(InstanceIds=[iid])
        self.clock(advance_ms=2000)
        self.ec2.get_waiter("instance_terminated").wait(InstanceIds=[iid], WaiterConfig=FAST)
        left = self.ec2.describe_volumes()["Volumes"]
        self.assertEqual([(v["VolumeId"], v["State"], v["Attachments"]) for v in left],
                         [(data["VolumeId"], "available", [])])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_volumes(VolumeIds=[root["VolumeId"]])
        self.assertEqual(self.assert_code(ctx, "InvalidVolume.NotFound"),
                         f"The volume '{root['VolumeId']}' does not exist.")

    def test_mapping_errors(self):
        ami = self.al2023()["ImageId"]
        cases = [
            ([{"DeviceName": "/dev/sdf"}], "MissingParameter"),
            ([{"DeviceName": "/dev/sdf", "Ebs": {"VolumeType": "gp3"}}], "MissingParameter"),
            ([{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 4}}], "InvalidBlockDeviceMapping"),
            ([{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 10, "VolumeType": "io1"}}],
             "InvalidParameterCombination"),
        ]
        for bdm, code in cases:
            with self.subTest(bdm=bdm):
                with self.assertRaises(ClientError) as ctx:
                    self.ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, BlockDeviceMappings=bdm)
                msg = self.assert_code(ctx, code)
                if code == "InvalidBlockDeviceMapping":
                    self.assertRegex(msg, r"^Volume of size 4GB is smaller than snapshot 'snap-[0-9a-f]{17}', "
                                          r"expect size >= 8GB$")
        self.assertEqual(self.ec2.describe_instances()["Reservations"], [])
        # NoDevice drops the image's device; the instance then has none
        inst = self.launch(BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "NoDevice": ""}])
        self.assertEqual(inst["BlockDeviceMappings"], [])
        with self.assertRaises(ClientError) as ctx:
            self.launch(HibernationOptions={"Configured": True})
        self.assert_code(ctx, "UnsupportedHibernationConfiguration")
        inst = self.launch(HibernationOptions={"Configured": True},
                           BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True}}])
        self.assertEqual(inst["HibernationOptions"], {"Configured": True})

    def test_create_attach_detach_delete(self):
        self.clock(mode="virtual")
        inst = self.launch(Placement={"AvailabilityZone": "us-east-1b"})
        vol = self.ec2.create_volume(AvailabilityZone="us-east-1b", Size=10, VolumeType="gp3",
                                     TagSpecifications=[{"ResourceType": "volume",
                                                         "Tags": [{"Key": "Name", "Value": "data"}]}])
        vid = vol["VolumeId"]
        self.assertEqual((vol["State"], vol["Size"], vol["Iops"], vol["Throughput"]), ("creating", 10, 3000, 125))
        with self.assertRaises(ClientError) as ctx:
            self.ec2.attach_volume(VolumeId=vid, InstanceId=inst["InstanceId"], Device="/dev/sdf")
        self.assert_code(ctx, "IncorrectState")
        self.clock(advance_ms=1000)
        self.ec2.get_waiter("volume_available").wait(VolumeIds=[vid], WaiterConfig=FAST)
        other = self.ec2.create_volume(AvailabilityZone="us-east-1c", Size=10)["VolumeId"]
        self.clock(advance_ms=1000)
        with self.assertRaises(ClientError) as ctx:
            self.ec2.attach_volume(VolumeId=other, InstanceId=inst["InstanceId"], Device="/dev/sdg")
        self.assert_code(ctx, "InvalidVolume.ZoneMismatch")
        att = self.ec2.attach_volume(VolumeId=vid, InstanceId=inst["InstanceId"], Device="/dev/sdf")
        self.assertEqual((att["State"], att["Device"]), ("attaching", "/dev/sdf"))
        self.ec2.get_waiter("volume_in_use").wait(VolumeIds=[vid], WaiterConfig=FAST)
        with self.assertRaises(ClientError) as ctx:
            self.ec2.attach_volume(VolumeId=vid, InstanceId=inst["InstanceId"], Device="/dev/sdh")
        self.assert_code(ctx, "VolumeInUse")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.delete_volume(VolumeId=vid)
        self.assert_code(ctx, "VolumeInUse")
        self.assertIn("/dev/sdf", [m["DeviceName"] for m in self.instance(inst["InstanceId"])["BlockDeviceMappings"]])
        root = self.instance(inst["InstanceId"])["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
        with self.assertRaises(ClientError) as ctx:
            self.ec2.detach_volume(VolumeId=root)
        self.assert_code(ctx, "OperationNotPermitted")
        self.assertEqual(self.ec2.detach_volume(VolumeId=vid)["State"], "detaching")
        mod = self.ec2.modify_volume(VolumeId=vid, Size=20, Iops=6000)["VolumeModification"]
        self.assertEqual((mod["TargetSize"], mod["TargetIops"], mod["OriginalSize"]), (20, 6000, 10))
        with self.assertRaises(ClientError) as ctx:
            self.ec2.modify_volume(VolumeId=vid, Size=5)
        self.assert_code(ctx, "InvalidParameterValue")
        st = self.ec2.describe_volume_status(VolumeIds=[vid])["VolumeStatuses"][0]
        self.assertEqual(st["VolumeStatus"]["Status"], "ok")
        self.ec2.delete_volume(VolumeId=vid)
        with self.assertRaises(ClientError) as ctx:
            self.ec2.delete_volume(VolumeId=vid)
        self.assert_code(ctx, "InvalidVolume.NotFound")

    def test_create_volume_bounds(self):
        cases = [
            ({"Size": 0, "VolumeType": "gp2"}, "InvalidParameterValue",
             "The volume size is invalid for gp2 volumes: 0 GiB. gp2 volumes must be at least 1 GiB in size. "
             "Please specify a volume size above the minimum limit."),
            ({"Size": 100, "VolumeType": "st1"}, "InvalidParameterValue", None),
            ({"Size": 10, "VolumeType": "gp2", "Iops": 300}, "InvalidParameterCombination",
             "The parameter iops is not supported for gp2 volumes."),
            ({"Size": 10, "VolumeType": "io2"}, "InvalidParameterCombination",
             "The parameter iops must be specified for io2 volumes."),
            ({"Size": 10, "VolumeType": "io1", "Iops": 1000}, "InvalidParameterValue", None),
            ({"Size": 10, "VolumeType": "gp2", "Throughput": 200}, "InvalidParameterCombination", None),
            ({"VolumeType": "gp3"}, "MissingParameter", None),
        ]
        for args, code, msg in cases:
            with self.subTest(args=args):
                with self.assertRaises(ClientError) as ctx:
                    self.ec2.create_volume(AvailabilityZone="us-east-1a", **args)
                got = self.assert_code(ctx, code)
                if msg:
                    self.assertEqual(got, msg)
        self.assertEqual(self.ec2.describe_volumes()["Volumes"], [])
        pages = []
        for _ in range(7):
            self.ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)
        pages = list(self.ec2.get_paginator("describe_volumes").paginate(PaginationConfig={"PageSize": 5}))
        self.assertEqual([len(p["Volumes"]) for p in pages], [5, 2])


class Attributes(ComputeCase):
    def test_describe_and_modify(self):
        self.clock(mode="virtual")
        # boto3 base64-encodes UserData; EC2 keeps and answers the base64
        inst = self.launch(UserData="hello", DisableApiStop=True, InstanceInitiatedShutdownBehavior="terminate",
                           EbsOptimized=True)
        iid = inst["InstanceId"]
        self.assertTrue(inst["EbsOptimized"])

        def attr(name):
            r = self.ec2.describe_instance_attribute(InstanceId=iid, Attribute=name)
            self.assertEqual(r["InstanceId"], iid)
            return r

        self.assertEqual(attr("instanceType")["InstanceType"], {"Value": "t3.micro"})
        self.assertEqual(attr("userData")["UserData"], {"Value": "aGVsbG8="})
        self.assertEqual(attr("disableApiStop")["DisableApiStop"], {"Value": True})
        self.assertEqual(attr("disableApiTermination")["DisableApiTermination"], {"Value": False})
        self.assertEqual(attr("instanceInitiatedShutdownBehavior")["InstanceInitiatedShutdownBehavior"],
                         {"Value": "terminate"})
        self.assertEqual(attr("rootDeviceName")["RootDeviceName"], {"Value": "/dev/xvda"})
        self.assertEqual(attr("ebsOptimized")["EbsOptimized"], {"Value": True})
        self.assertEqual(attr("sourceDestCheck")["SourceDestCheck"], {"Value": True})
        self.assertEqual(len(attr("groupSet")["Groups"]), 1)
        self.assertEqual(attr("blockDeviceMapping")["BlockDeviceMappings"][0]["DeviceName"], "/dev/xvda")
        self.clock(advance_ms=1000)
        with self.assertRaises(ClientError) as ctx:
            self.ec2.modify_instance_attribute(InstanceId=iid, InstanceType={"Value": "t3.large"})
        self.assertEqual(self.assert_code(ctx, "IncorrectInstanceState"),
                         f"The instance '{iid}' is not in the 'stopped' state.")
        self.ec2.modify_instance_attribute(InstanceId=iid, SourceDestCheck={"Value": False})
        self.assertEqual(attr("sourceDestCheck")["SourceDestCheck"], {"Value": False})
        self.assertFalse(self.instance(iid)["SourceDestCheck"])
        self.ec2.modify_instance_attribute(InstanceId=iid, Attribute="disableApiTermination", Value="true")
        self.assertEqual(attr("disableApiTermination")["DisableApiTermination"], {"Value": True})
        self.ec2.modify_instance_attribute(InstanceId=iid, BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"DeleteOnTermination": False}}])
        self.assertFalse(self.instance(iid)["BlockDeviceMappings"][0]["Ebs"]["DeleteOnTermination"])
        self.ec2.modify_instance_attribute(InstanceId=iid, DisableApiTermination={"Value": False})
        self.ec2.stop_instances(InstanceIds=[iid])
        self.clock(advance_ms=1000)
        self.ec2.get_waiter("instance_stopped").wait(InstanceIds=[iid], WaiterConfig=FAST)
        self.ec2.modify_instance_attribute(InstanceId=iid, InstanceType={"Value": "t3.large"})
        self.assertEqual(self.instance(iid)["InstanceType"], "t3.large")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.modify_instance_attribute(InstanceId=iid, InstanceType={"Value": "t4g.large"})
        self.assert_code(ctx, "InvalidInstanceAttributeValue")
        # the root volume stays after terminate now
        root = self.instance(iid)["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
        self.ec2.terminate_instances(InstanceIds=[iid])
        self.clock(advance_ms=1000)
        self.ec2.get_waiter("instance_terminated").wait(InstanceIds=[iid], WaiterConfig=FAST)
        self.assertEqual(self.ec2.describe_volumes(VolumeIds=[root])["Volumes"][0]["State"], "available")

    def test_launch_parameters_shown_back(self):
        inst = self.launch(
            Placement={"AvailabilityZone": "us-east-1c", "Tenancy": "dedicated"},
            MetadataOptions={"HttpTokens": "optional", "HttpPutResponseHopLimit": 3},
            IamInstanceProfile={"Name": "web"},
            Monitoring={"Enabled": True},
            CreditSpecification={"CpuCredits": "standard"},
            MaintenanceOptions={"AutoRecovery": "disabled"},
        )
        got = self.instance(inst["InstanceId"])
        self.assertEqual(got["Placement"]["Tenancy"], "dedicated")
        self.assertEqual(got["Placement"]["AvailabilityZone"], "us-east-1c")
        self.assertEqual(got["MetadataOptions"]["HttpTokens"], "optional")
        self.assertEqual(got["MetadataOptions"]["HttpPutResponseHopLimit"], 3)
        self.assertEqual(got["IamInstanceProfile"]["Arn"], f"arn:aws:iam::{DEFAULT_ACCOUNT}:instance-profile/web")
        self.assertRegex(got["IamInstanceProfile"]["Id"], r"^AIPA[0-9A-F]{17}$")
        self.assertEqual(got["MaintenanceOptions"], {"AutoRecovery": "disabled"})
        self.assertEqual(got["Monitoring"], {"State": "enabled"})
        flt = lambda name, *values: self.ec2.describe_instances(  # noqa: E731
            Filters=[{"Name": name, "Values": list(values)}])["Reservations"]
        self.assertEqual(len(flt("tenancy", "dedicated")), 1)
        self.assertEqual(len(flt("metadata-options.http-tokens", "optional")), 1)
        self.assertEqual(len(flt("iam-instance-profile.arn", "*:instance-profile/web")), 1)
        self.assertEqual(len(flt("block-device-mapping.device-name", "/dev/xvda")), 1)
        self.assertEqual(len(flt("hibernation-options.configured", "false")), 1)
        self.assertEqual(len(flt("network-interface.private-dns-name", got["PrivateDnsName"])), 1)
        self.assertEqual(len(flt("network-interface.mac-address", "0e:*")), 1)
        self.assertEqual(len(flt("owner-id", DEFAULT_ACCOUNT)), 1)
        # documented, about data mockaws does not keep: matches nothing
        self.assertEqual(flt("state-reason-code", "Client.UserInitiatedShutdown"), [])
        self.assertEqual(flt("spot-instance-request-id", "*"), [])
        self.assertEqual(flt("capacity-reservation-id", "cr-*"), [])


class LaunchTemplates(ComputeCase):
    def data(self, **kw):
        d = {"ImageId": self.al2023()["ImageId"], "InstanceType": "t3.small",
             "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "from", "Value": "template"}]}]}
        d.update(kw)
        return d

    def test_versions(self):
        lt = self.ec2.create_launch_template(LaunchTemplateName="web", VersionDescription="first",
                                             LaunchTemplateData=self.data())["LaunchTemplate"]
        self.assertRegex(lt["LaunchTemplateId"], r"^lt-[0-9a-f]{17}$")
        self.assertEqual((lt["DefaultVersionNumber"], lt["LatestVersionNumber"]), (1, 1))
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_launch_template(LaunchTemplateName="web", LaunchTemplateData=self.data())
        self.assertEqual(self.assert_code(ctx, "InvalidLaunchTemplateName.AlreadyExistsException"),
                         "Launch template name already in use.")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.create_launch_template(LaunchTemplateName="no spaces!", LaunchTemplateData=self.data())
        self.assert_code(ctx, "InvalidLaunchTemplateName.MalformedException")
        v2 = self.ec2.create_launch_template_version(LaunchTemplateName="web", SourceVersion="1",
                                                     VersionDescription="bigger",
                                                     LaunchTemplateData={"InstanceType": "t3.large"})
        v2 = v2["LaunchTemplateVersion"]
        self.assertEqual(v2["VersionNumber"], 2)
        self.assertEqual(v2["LaunchTemplateData"]["ImageId"], self.al2023()["ImageId"])
        self.assertEqual(v2["LaunchTemplateData"]["InstanceType"], "t3.large")
        self.assertFalse(v2["DefaultVersion"])
        latest = self.ec2.describe_launch_template_versions(LaunchTemplateName="web", Versions=["$Latest"])
        self.assertEqual([v["VersionNumber"] for v in latest["LaunchTemplateVersions"]], [2])
        dflt = self.ec2.describe_launch_template_versions(LaunchTemplateId=lt["LaunchTemplateId"],
                                                          Versions=["$Default"])
        self.assertEqual([v["VersionNumber"] for v in dflt["LaunchTemplateVersions"]], [1])
        ranged = self.ec2.describe_launch_template_versions(LaunchTemplateName="web", MinVersion="2")
        self.assertEqual([v["VersionNumber"] for v in ranged["LaunchTemplateVersions"]], [2])
        mod = self.ec2.modify_launch_template(LaunchTemplateName="web", DefaultVersion="2")["LaunchTemplate"]
        self.assertEqual(mod["DefaultVersionNumber"], 2)
        gone = self.ec2.delete_launch_template_versions(LaunchTemplateName="web", Versions=["2", "1", "9"])
        self.assertEqual([v["VersionNumber"] for v in gone["SuccessfullyDeletedLaunchTemplateVersions"]], [1])
        self.assertEqual([v["ResponseError"]["Code"] for v in gone["UnsuccessfullyDeletedLaunchTemplateVersions"]],
                         ["launchTemplateVersionIsDefaultVersion", "launchTemplateVersionDoesNotExist"])
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_launch_templates(LaunchTemplateNames=["nope"])
        self.assertEqual(self.assert_code(ctx, "InvalidLaunchTemplateName.NotFoundException"),
                         "The specified launch template, with template name nope, does not exist.")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.describe_launch_templates(LaunchTemplateIds=["lt-0123456789abcdef0"])
        self.assertEqual(self.assert_code(ctx, "InvalidLaunchTemplateId.NotFound"),
                         "The specified launch template, with template ID lt-0123456789abcdef0, does not exist.")
        for n in range(3):
            self.ec2.create_launch_template(LaunchTemplateName=f"t-{n}", LaunchTemplateData=self.data())
        pages = list(self.ec2.get_paginator("describe_launch_templates").paginate(PaginationConfig={"PageSize": 3}))
        self.assertEqual([len(p["LaunchTemplates"]) for p in pages], [3, 1])
        named = self.ec2.describe_launch_templates(Filters=[{"Name": "launch-template-name", "Values": ["t-*"]}])
        self.assertEqual(len(named["LaunchTemplates"]), 3)
        self.ec2.delete_launch_template(LaunchTemplateName="web")
        self.assertEqual(len(self.ec2.describe_launch_templates()["LaunchTemplates"]), 3)

    def test_run_instances_from_a_template(self):
        self.clock(mode="virtual")
        lt = self.ec2.create_launch_template(
            LaunchTemplateName="app",
            LaunchTemplateData=self.data(
                BlockDeviceMappings=[{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 30, "VolumeType": "gp3"}}],
                MetadataOptions={"HttpTokens": "required"}))["LaunchTemplate"]
        # the request wins over the template
        r = self.ec2.run_instances(MinCount=1, MaxCount=1, InstanceType="t3.medium",
                                   LaunchTemplate={"LaunchTemplateId": lt["LaunchTemplateId"], "Version": "$Latest"})
        inst = r["Instances"][0]
        iid = inst["InstanceId"]
        self.assertEqual(inst["ImageId"], self.al2023()["ImageId"])
        self.assertEqual(inst["InstanceType"], "t3.medium")
        tags = {t["Key"]: t["Value"] for t in inst["Tags"]}
        self.assertEqual(tags, {"from": "template", "aws:ec2launchtemplate:id": lt["LaunchTemplateId"],
                                "aws:ec2launchtemplate:version": "1"})
        self.clock(advance_ms=1000)
        self.ec2.get_waiter("instance_running").wait(InstanceIds=[iid], WaiterConfig=FAST)
        vols = self.ec2.describe_volumes(Filters=[{"Name": "attachment.instance-id", "Values": [iid]}])["Volumes"]
        self.assertEqual(sorted((v["Attachments"][0]["Device"], v["Size"]) for v in vols),
                         [("/dev/sdf", 30), ("/dev/xvda", 8)])
        self.assertTrue(all(v["Attachments"][0]["State"] == "attached" for v in vols))
        by_name = self.ec2.run_instances(MinCount=1, MaxCount=1, LaunchTemplate={"LaunchTemplateName": "app"})
        self.assertEqual(by_name["Instances"][0]["InstanceType"], "t3.small")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.run_instances(MinCount=1, MaxCount=1, LaunchTemplate={"LaunchTemplateName": "nope"})
        self.assert_code(ctx, "InvalidLaunchTemplateName.NotFoundException")
        with self.assertRaises(ClientError) as ctx:
            self.ec2.run_instances(MinCount=1, MaxCount=1,
                                   LaunchTemplate={"LaunchTemplateId": lt["LaunchTemplateId"], "Version": "7"})
        self.assert_code(ctx, "InvalidLaunchTemplateId.VersionNotFound")
        data = self.ec2.get_launch_template_data(InstanceId=iid)["LaunchTemplateData"]
        self.assertEqual((data["ImageId"], data["InstanceType"]), (inst["ImageId"], "t3.medium"))
        self.assertEqual(sorted(m["DeviceName"] for m in data["BlockDeviceMappings"]), ["/dev/sdf", "/dev/xvda"])


class Persistence(ComputeCase):
    def test_snapshot_keeps_volumes_images_templates(self):
        self.clock(mode="virtual")
        inst = self.launch(EbsOptimized=True)
        self.clock(advance_ms=1000)
        ami = self.ec2.create_image(InstanceId=inst["InstanceId"], Name="kept")["ImageId"]
        self.ec2.create_launch_template(LaunchTemplateName="kept", LaunchTemplateData={"InstanceType": "t3.nano"})
        vol = self.ec2.create_volume(AvailabilityZone="us-east-1a", Size=3)["VolumeId"]
        status, doc = self.server.control("GET", "/_mockaws/state")
        self.assertEqual(status, 200, doc)
        status, doc2 = self.server.control("POST", "/_mockaws/reset", {})
        self.assertEqual(status, 200, doc2)
        self.assertEqual(self.ec2.describe_volumes()["Volumes"], [])
        status, doc3 = self.server.control("POST", "/_mockaws/state", doc)
        self.assertEqual(status, 200, doc3)
        self.assertIn(vol, [v["VolumeId"] for v in self.ec2.describe_volumes()["Volumes"]])
        self.assertEqual(self.ec2.describe_images(Owners=["self"])["Images"][0]["ImageId"], ami)
        self.assertEqual(self.ec2.describe_launch_templates()["LaunchTemplates"][0]["LaunchTemplateName"], "kept")
        self.assertTrue(self.instance(inst["InstanceId"])["EbsOptimized"])
