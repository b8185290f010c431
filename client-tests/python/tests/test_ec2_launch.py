"""Issue 19's done-when, end to end through boto3: an instance launched from a
launch template into a created VPC, subnet and security group with a created
key pair, found by the classic "latest Amazon Linux 2023" image query, waited
for, its volumes seen and, after termination, handled as DeleteOnTermination
says."""
import ipaddress

from botocore.exceptions import ClientError

from .server import ServerTestCase

FAST = {"Delay": 0.1, "MaxAttempts": 100}


class LaunchIntoCreatedNetwork(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.ec2 = self.server.client("ec2")

    def latest_al2023(self):
        images = self.ec2.describe_images(
            Owners=["amazon"],
            Filters=[{"Name": "name", "Values": ["al2023-ami-2023.*-x86_64"]},
                     {"Name": "state", "Values": ["available"]}])["Images"]
        self.assertTrue(images, "the catalogue has Amazon Linux 2023 for x86_64")
        return max(images, key=lambda i: i["CreationDate"])["ImageId"]

    def test_template_launch_into_vpc_with_volumes(self):
        ec2 = self.ec2
        key = ec2.create_key_pair(KeyName="deploy")
        self.assertIn("BEGIN", key["KeyMaterial"])
        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24",
                                   AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
        sg = ec2.create_security_group(GroupName="web", Description="web tier", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        image = self.latest_al2023()
        lt = ec2.create_launch_template(
            LaunchTemplateName="web",
            LaunchTemplateData={
                "ImageId": image, "InstanceType": "t3.micro", "KeyName": "deploy",
                "SecurityGroupIds": [sg],
                "BlockDeviceMappings": [
                    {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 16, "VolumeType": "gp3",
                                                        "DeleteOnTermination": True}},
                    {"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 8, "DeleteOnTermination": False}},
                ]})["LaunchTemplate"]
        run = ec2.run_instances(LaunchTemplate={"LaunchTemplateId": lt["LaunchTemplateId"],
                                                "Version": "$Latest"},
                                SubnetId=subnet, MinCount=1, MaxCount=1)
        iid = run["Instances"][0]["InstanceId"]
        ec2.get_waiter("instance_running").wait(InstanceIds=[iid], WaiterConfig=FAST)

        inst = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
        self.assertEqual(inst["State"]["Name"], "running")
        self.assertEqual(inst["ImageId"], image)
        self.assertEqual(inst["InstanceType"], "t3.micro")
        self.assertEqual(inst["KeyName"], "deploy")
        self.assertEqual(inst["VpcId"], vpc)
        self.assertEqual(inst["SubnetId"], subnet)
        self.assertEqual(inst["Placement"]["AvailabilityZone"], "us-east-1b")
        self.assertEqual([g["GroupId"] for g in inst["SecurityGroups"]], [sg])
        self.assertIn(ipaddress.ip_address(inst["PrivateIpAddress"]), ipaddress.ip_network("10.20.1.0/24"))
        tags = {t["Key"]: t["Value"] for t in inst.get("Tags", [])}
        self.assertEqual(tags.get("aws:ec2launchtemplate:id"), lt["LaunchTemplateId"])
        self.assertEqual(tags.get("aws:ec2launchtemplate:version"), "1")

        enis = ec2.describe_network_interfaces(
            Filters=[{"Name": "attachment.instance-id", "Values": [iid]}])["NetworkInterfaces"]
        self.assertEqual(len(enis), 1)
        self.assertEqual(enis[0]["SubnetId"], subnet)
        self.assertEqual(enis[0]["PrivateIpAddress"], inst["PrivateIpAddress"])

        vols = ec2.describe_volumes(
            Filters=[{"Name": "attachment.instance-id", "Values": [iid]}])["Volumes"]
        by_dev = {v["Attachments"][0]["Device"]: v for v in vols}
        self.assertEqual(sorted(by_dev), ["/dev/sdf", "/dev/xvda"])
        self.assertEqual(by_dev["/dev/xvda"]["Size"], 16)
        self.assertEqual(by_dev["/dev/xvda"]["VolumeType"], "gp3")
        self.assertEqual(by_dev["/dev/sdf"]["Size"], 8)
        for v in vols:
            self.assertEqual(v["State"], "in-use")
            self.assertEqual(v["AvailabilityZone"], "us-east-1b")
        shown = {m["DeviceName"]: m["Ebs"]["VolumeId"] for m in inst["BlockDeviceMappings"]}
        self.assertEqual(shown, {d: v["VolumeId"] for d, v in by_dev.items()})

        # the subnet is in use while the instance lives
        with self.assertRaises(ClientError) as ctx:
            ec2.delete_subnet(SubnetId=subnet)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "DependencyViolation")

        ec2.terminate_instances(InstanceIds=[iid])
        ec2.get_waiter("instance_terminated").wait(InstanceIds=[iid], WaiterConfig=FAST)
        left = ec2.describe_volumes(VolumeIds=[by_dev["/dev/sdf"]["VolumeId"]])["Volumes"][0]
        self.assertEqual(left["State"], "available")
        self.assertEqual(left.get("Attachments", []), [])
        with self.assertRaises(ClientError) as ctx:
            ec2.describe_volumes(VolumeIds=[by_dev["/dev/xvda"]["VolumeId"]])
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidVolume.NotFound")
        # with the instance gone, its network can go too
        ec2.delete_volume(VolumeId=left["VolumeId"])
        ec2.delete_subnet(SubnetId=subnet)
        ec2.delete_security_group(GroupId=sg)
        ec2.delete_vpc(VpcId=vpc)
        self.assertEqual(ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Vpcs"], [])
