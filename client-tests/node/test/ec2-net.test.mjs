// EC2 networking through the AWS SDK for JavaScript v3: a launch into a
// created VPC, subnet and security group with a created key pair, waited for
// with waitUntilInstanceRunning, then an Elastic IP on it and the dependencies
// that keep its subnet; plus the default VPC and a few errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey } from 'node:crypto';
import {
  EC2Client, CreateVpcCommand, DescribeImagesCommand, CreateSubnetCommand, CreateSecurityGroupCommand,
  AuthorizeSecurityGroupIngressCommand, CreateKeyPairCommand, DescribeKeyPairsCommand, RunInstancesCommand,
  DescribeInstancesCommand, DescribeNetworkInterfacesCommand, AllocateAddressCommand, AssociateAddressCommand,
  DeleteSubnetCommand, DescribeVpcsCommand, DescribeSecurityGroupsCommand, DescribeAccountAttributesCommand,
  TerminateInstancesCommand, ReleaseAddressCommand, DisassociateAddressCommand, paginateDescribeSubnets,
  waitUntilInstanceRunning, waitUntilInstanceTerminated,
} from '@aws-sdk/client-ec2';
import { startServer } from './server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

// the region's Amazon Linux 2023 image: catalogue ids differ per region, as on AWS
async function al2023(client) {
  const { Images } = await client.send(new DescribeImagesCommand({
    Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-2023.*-x86_64'] }],
  }));
  return Images[0].ImageId;
}

function ec2(region = 'us-east-1') {
  return new EC2Client({
    endpoint: server.endpoint,
    region,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
}

const fast = (client) => ({ client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.2 });

async function rejects(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.name, code, e.message);
    return true;
  });
}

test('launch into a created VPC, subnet and group with a created key pair', async () => {
  const client = ec2('eu-west-1');
  const { Vpc } = await client.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
  const { Subnet } = await client.send(new CreateSubnetCommand({
    VpcId: Vpc.VpcId, CidrBlock: '10.20.3.0/24', AvailabilityZone: 'eu-west-1b',
  }));
  assert.equal(Subnet.AvailableIpAddressCount, 251);
  const { GroupId } = await client.send(new CreateSecurityGroupCommand({
    GroupName: 'web', Description: 'web', VpcId: Vpc.VpcId,
  }));
  const auth = await client.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  }));
  assert.equal(auth.Return, true);
  assert.match(auth.SecurityGroupRules[0].SecurityGroupRuleId, /^sgr-[0-9a-f]{17}$/);

  const key = await client.send(new CreateKeyPairCommand({ KeyName: 'node-key' }));
  // AWS's fingerprint of a created RSA key: SHA-1 of its DER PKCS#8 form
  const der = createPrivateKey(key.KeyMaterial).export({ type: 'pkcs8', format: 'der' });
  const sha1 = createHash('sha1').update(der).digest('hex').match(/../g).join(':');
  assert.equal(key.KeyFingerprint, sha1);
  const { KeyPairs } = await client.send(new DescribeKeyPairsCommand({ KeyNames: ['node-key'] }));
  assert.equal(KeyPairs[0].KeyPairId, key.KeyPairId);

  const run = await client.send(new RunInstancesCommand({
    ImageId: await al2023(client), MinCount: 1, MaxCount: 1, SubnetId: Subnet.SubnetId, SecurityGroupIds: [GroupId], KeyName: 'node-key',
  }));
  const inst = run.Instances[0];
  assert.equal(inst.VpcId, Vpc.VpcId);
  assert.equal(inst.SubnetId, Subnet.SubnetId);
  assert.equal(inst.KeyName, 'node-key');
  assert.deepEqual(inst.SecurityGroups, [{ GroupId, GroupName: 'web' }]);
  assert.equal(inst.Placement.AvailabilityZone, 'eu-west-1b');
  assert.equal(inst.PrivateIpAddress, '10.20.3.4');
  assert.equal(inst.PrivateDnsName, 'ip-10-20-3-4.eu-west-1.compute.internal');
  assert.equal(inst.PublicIpAddress, undefined);

  await waitUntilInstanceRunning(fast(client), { InstanceIds: [inst.InstanceId] });
  const enis = await client.send(new DescribeNetworkInterfacesCommand({
    Filters: [{ Name: 'attachment.instance-id', Values: [inst.InstanceId] }],
  }));
  assert.equal(enis.NetworkInterfaces.length, 1);
  assert.equal(enis.NetworkInterfaces[0].PrivateIpAddress, '10.20.3.4');
  assert.equal(enis.NetworkInterfaces[0].VpcId, Vpc.VpcId);

  const addr = await client.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  const assoc = await client.send(new AssociateAddressCommand({
    AllocationId: addr.AllocationId, InstanceId: inst.InstanceId,
  }));
  const desc = await client.send(new DescribeInstancesCommand({ InstanceIds: [inst.InstanceId] }));
  const seen = desc.Reservations[0].Instances[0];
  assert.equal(seen.PublicIpAddress, addr.PublicIp);
  assert.equal(seen.NetworkInterfaces[0].Association.PublicIp, addr.PublicIp);

  await rejects(client.send(new DeleteSubnetCommand({ SubnetId: Subnet.SubnetId })), 'DependencyViolation');
  await rejects(client.send(new ReleaseAddressCommand({ AllocationId: addr.AllocationId })), 'InvalidIPAddress.InUse');
  await client.send(new DisassociateAddressCommand({ AssociationId: assoc.AssociationId }));
  await client.send(new ReleaseAddressCommand({ AllocationId: addr.AllocationId }));
  await client.send(new TerminateInstancesCommand({ InstanceIds: [inst.InstanceId] }));
  await waitUntilInstanceTerminated(fast(client), { InstanceIds: [inst.InstanceId] });
  await client.send(new DeleteSubnetCommand({ SubnetId: Subnet.SubnetId }));
});

test('the default VPC, its subnets and group are there from the start', async () => {
  const client = ec2('ap-south-1');
  const vpcs = await client.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
  assert.equal(vpcs.Vpcs.length, 1);
  assert.equal(vpcs.Vpcs[0].CidrBlock, '172.31.0.0/16');
  const subnets = [];
  for await (const page of paginateDescribeSubnets({ client, pageSize: 5 }, {})) subnets.push(...page.Subnets);
  assert.deepEqual(subnets.map((s) => s.AvailabilityZone).sort(), ['ap-south-1a', 'ap-south-1b', 'ap-south-1c']);
  const groups = await client.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }));
  assert.equal(groups.SecurityGroups[0].VpcId, vpcs.Vpcs[0].VpcId);
  const attrs = await client.send(new DescribeAccountAttributesCommand({ AttributeNames: ['default-vpc'] }));
  assert.equal(attrs.AccountAttributes[0].AttributeValues[0].AttributeValue, vpcs.Vpcs[0].VpcId);
  await rejects(client.send(new RunInstancesCommand({
    ImageId: await al2023(client), MinCount: 1, MaxCount: 1, KeyName: 'nobody',
  })), 'InvalidKeyPair.NotFound');
  await rejects(client.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })), 'InvalidVpc.Range');
});
