// Issue 19's done-when through the AWS SDK for JavaScript v3: a launch
// template's instance in a created VPC, subnet and security group with a
// created key pair, waited for with waitUntilInstanceRunning, its volumes and
// network interface read back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  EC2Client, CreateKeyPairCommand, CreateVpcCommand, CreateSubnetCommand, CreateSecurityGroupCommand,
  AuthorizeSecurityGroupIngressCommand, DescribeImagesCommand, CreateLaunchTemplateCommand,
  RunInstancesCommand, DescribeInstancesCommand, DescribeVolumesCommand, DescribeNetworkInterfacesCommand,
  TerminateInstancesCommand, waitUntilInstanceRunning, waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import { startServer } from './server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

const fast = (client) => ({ client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.2 });

test('a launch template instance in a created VPC, with its volumes', async () => {
  const ec2 = new EC2Client({
    endpoint: server.endpoint, region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  const key = await ec2.send(new CreateKeyPairCommand({ KeyName: 'ops', KeyType: 'ed25519' }));
  assert.match(key.KeyMaterial, /BEGIN OPENSSH PRIVATE KEY/);
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
  const { Subnet } = await ec2.send(new CreateSubnetCommand({
    VpcId: Vpc.VpcId, CidrBlock: '10.9.4.0/22', AvailabilityZone: 'eu-west-1c',
  }));
  assert.equal(Subnet.AvailableIpAddressCount, 1019);
  const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({
    GroupName: 'app', Description: 'app tier', VpcId: Vpc.VpcId,
  }));
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
  }));
  const { Images } = await ec2.send(new DescribeImagesCommand({
    Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-2023.*-arm64'] }],
  }));
  assert.ok(Images.length > 0);
  const image = Images.sort((a, b) => b.CreationDate.localeCompare(a.CreationDate))[0];
  assert.equal(image.Architecture, 'arm64');
  const { LaunchTemplate } = await ec2.send(new CreateLaunchTemplateCommand({
    LaunchTemplateName: 'app',
    LaunchTemplateData: {
      ImageId: image.ImageId, InstanceType: 't4g.small', KeyName: 'ops',
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: Subnet.SubnetId, Groups: [GroupId] }],
      BlockDeviceMappings: [{ DeviceName: image.RootDeviceName, Ebs: { VolumeSize: 20, VolumeType: 'gp3' } }],
    },
  }));
  const run = await ec2.send(new RunInstancesCommand({
    LaunchTemplate: { LaunchTemplateName: 'app' }, MinCount: 2, MaxCount: 2,
  }));
  const ids = run.Instances.map((i) => i.InstanceId);
  await waitUntilInstanceRunning(fast(ec2), { InstanceIds: ids });

  const { Reservations } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
  const instances = Reservations.flatMap((r) => r.Instances);
  const addresses = new Set();
  for (const inst of instances) {
    assert.equal(inst.State.Name, 'running');
    assert.equal(inst.VpcId, Vpc.VpcId);
    assert.equal(inst.SubnetId, Subnet.SubnetId);
    assert.equal(inst.KeyName, 'ops');
    assert.equal(inst.Architecture, 'arm64');
    assert.deepEqual(inst.SecurityGroups.map((g) => g.GroupId), [GroupId]);
    assert.match(inst.PrivateIpAddress, /^10\.9\.[4-7]\.\d+$/);
    addresses.add(inst.PrivateIpAddress);
    const { Volumes } = await ec2.send(new DescribeVolumesCommand({
      Filters: [{ Name: 'attachment.instance-id', Values: [inst.InstanceId] }],
    }));
    assert.equal(Volumes.length, 1);
    assert.equal(Volumes[0].Size, 20);
    assert.equal(Volumes[0].State, 'in-use');
    assert.equal(Volumes[0].Attachments[0].DeleteOnTermination, true);
    const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({
      Filters: [{ Name: 'attachment.instance-id', Values: [inst.InstanceId] }],
    }));
    assert.equal(NetworkInterfaces.length, 1);
    assert.deepEqual(NetworkInterfaces[0].Groups.map((g) => g.GroupId), [GroupId]);
  }
  assert.equal(addresses.size, 2, 'each instance has its own address');

  await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
  await waitUntilInstanceTerminated(fast(ec2), { InstanceIds: ids });
  const gone = await ec2.send(new DescribeVolumesCommand({
    Filters: [{ Name: 'attachment.instance-id', Values: ids }],
  }));
  assert.deepEqual(gone.Volumes ?? [], [], 'DeleteOnTermination volumes go with their instance');
});
