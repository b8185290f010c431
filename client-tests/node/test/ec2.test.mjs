// EC2 through the AWS SDK for JavaScript v3: the waiters in real time and on
// the virtual clock, DryRun, errors, paginators, filters and tags.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  EC2Client, RunInstancesCommand, DescribeInstancesCommand, StopInstancesCommand, StartInstancesCommand,
  TerminateInstancesCommand, CreateTagsCommand, DescribeTagsCommand, DescribeInstanceStatusCommand,
  paginateDescribeInstances, waitUntilInstanceExists, waitUntilInstanceRunning, waitUntilInstanceStopped,
  waitUntilInstanceTerminated, waitUntilInstanceStatusOk, DescribeImagesCommand,
  CreateLaunchTemplateCommand, DescribeVolumesCommand,
} from '@aws-sdk/client-ec2';
import { startServer } from './server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

function ec2(region = 'us-east-1') {
  return new EC2Client({
    endpoint: server.endpoint,
    region,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
}

// a control request (mockaws package): rejects with the server's message unless 200
const control = (method, path, body) => server.client.request(method, `/_mockaws/${path}`, body);

// the most recent Amazon Linux 2023 of the client's region (image ids differ per region)
async function al2023(client) {
  const r = await client.send(new DescribeImagesCommand({
    Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['al2023-ami-2023.*-x86_64'] }],
  }));
  return r.Images.sort((a, b) => b.CreationDate.localeCompare(a.CreationDate))[0].ImageId;
}

async function launch(client, extra = {}) {
  const r = await client.send(new RunInstancesCommand({ ImageId: await al2023(client), MinCount: 1, MaxCount: 1, ...extra }));
  return r.Instances[0].InstanceId;
}

async function stateOf(client, id) {
  const r = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return r.Reservations[0].Instances[0].State.Name;
}

const fast = (client) => ({ client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.2 });

// Runs body on a frozen server clock: pending (1 s) lasts however slow the calls are.
async function frozen(body) {
  await control('POST', 'clock', { mode: 'virtual' });
  try {
    return await body();
  } finally {
    await control('POST', 'clock', { mode: 'real' });
  }
}

test('waiters in real time: exists, running, status ok, stopped, terminated', async () => {
  const client = ec2('us-west-2');
  const id = await frozen(async () => {
    const r = await client.send(new RunInstancesCommand({ ImageId: await al2023(client), MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' }));
    const launched = r.Instances[0].InstanceId;
    assert.match(launched, /^i-[0-9a-f]{17}$/);
    assert.deepEqual(r.Instances[0].State, { Code: 0, Name: 'pending' });
    assert.equal(await stateOf(client, launched), 'pending');
    return launched;
  });
  let w = await waitUntilInstanceExists(fast(client), { InstanceIds: [id] });
  assert.equal(w.state, 'SUCCESS');
  w = await waitUntilInstanceRunning(fast(client), { InstanceIds: [id] });
  assert.equal(w.state, 'SUCCESS');
  w = await waitUntilInstanceStatusOk(fast(client), { InstanceIds: [id] });
  assert.equal(w.state, 'SUCCESS');
  const stop = await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
  assert.equal(stop.StoppingInstances[0].CurrentState.Name, 'stopping');
  assert.equal(stop.StoppingInstances[0].PreviousState.Name, 'running');
  w = await waitUntilInstanceStopped(fast(client), { InstanceIds: [id] });
  assert.equal(w.state, 'SUCCESS');
  await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  w = await waitUntilInstanceTerminated(fast(client), { InstanceIds: [id] });
  assert.equal(w.state, 'SUCCESS');
});

test('waiters on the virtual clock finish without sleeping', async () => {
  // a region of its own: the clock is the server's, the instances the region's
  const client = ec2('eu-central-1');
  await control('POST', 'clock', { mode: 'virtual' });
  try {
    const slow = { client, maxWaitTime: 120, minDelay: 30, maxDelay: 60 };
    const id = await launch(client);
    assert.equal(await stateOf(client, id), 'pending');
    const seen = (await server.journal({ service: 'ec2' })).at(-1).seq;
    await control('POST', 'clock', { advance_ms: 1000 });
    assert.equal((await waitUntilInstanceRunning(slow, { InstanceIds: [id] })).state, 'SUCCESS');
    await control('POST', 'clock', { advance_ms: 2000 });
    assert.equal((await waitUntilInstanceStatusOk(slow, { InstanceIds: [id] })).state, 'SUCCESS');
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await control('POST', 'clock', { advance_ms: 1000 });
    assert.equal((await waitUntilInstanceStopped(slow, { InstanceIds: [id] })).state, 'SUCCESS');
    await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
    await control('POST', 'clock', { advance_ms: 1000 });
    assert.equal((await waitUntilInstanceRunning(slow, { InstanceIds: [id] })).state, 'SUCCESS');
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await control('POST', 'clock', { advance_ms: 1000 });
    assert.equal((await waitUntilInstanceTerminated(slow, { InstanceIds: [id] })).state, 'SUCCESS');
    // one poll per waiter: a waiter that polled again had slept first
    const polls = (await server.journal({ service: 'ec2', since: seen }))
      .filter((e) => e.region === 'eu-central-1' && e.operation.startsWith('Describe')).map((e) => e.operation);
    assert.deepEqual(polls, ['DescribeInstances', 'DescribeInstanceStatus', 'DescribeInstances', 'DescribeInstances',
      'DescribeInstances'], 'a waiter slept');
  } finally {
    await control('POST', 'clock', { mode: 'real' });
  }
});

test('the running waiter fails when the instance is terminated', async () => {
  const client = ec2('ap-south-1');
  const id = await launch(client);
  await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  await assert.rejects(waitUntilInstanceRunning(fast(client), { InstanceIds: [id] }), (err) => {
    assert.match(String(err.message ?? err), /FAILURE|failure/);
    return true;
  });
});

test('DryRun answers 412 DryRunOperation and launches nothing', async () => {
  const client = ec2('ca-central-1');
  await assert.rejects(
    client.send(new RunInstancesCommand({ ImageId: await al2023(client), MinCount: 1, MaxCount: 1, DryRun: true })),
    (err) => {
      assert.equal(err.name, 'DryRunOperation');
      assert.equal(err.$metadata.httpStatusCode, 412);
      assert.equal(err.message, 'Request would have succeeded, but DryRun flag is set.');
      return true;
    });
  const r = await client.send(new DescribeInstancesCommand({}));
  assert.deepEqual(r.Reservations, []);
});

test('EC2 errors surface with their codes', async () => frozen(async () => {
  const client = ec2();
  await assert.rejects(client.send(new DescribeInstancesCommand({ InstanceIds: ['i-nope'] })), (err) => {
    assert.equal(err.name, 'InvalidInstanceID.Malformed');
    assert.equal(err.message, 'Invalid id: "i-nope"');
    return true;
  });
  await assert.rejects(client.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })), (err) => {
    assert.equal(err.name, 'InvalidInstanceID.NotFound');
    assert.equal(err.message, "The instance ID 'i-0123456789abcdef0' does not exist");
    assert.equal(err.$metadata.httpStatusCode, 400);
    return true;
  });
  const id = await launch(client);
  await assert.rejects(client.send(new StopInstancesCommand({ InstanceIds: [id] })), (err) => {
    assert.equal(err.name, 'IncorrectInstanceState');
    return true;
  });
  await assert.rejects(client.send(new DescribeInstancesCommand({ InstanceIds: [id], MaxResults: 5 })),
    (err) => err.name === 'InvalidParameterCombination');
}));

test('paginator, filters and tags', async () => frozen(async () => {
  const client = ec2('sa-east-1');
  await client.send(new RunInstancesCommand({
    ImageId: await al2023(client), MinCount: 7, MaxCount: 7,
    TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'app', Value: 'api' }] }],
  }));
  const ids = [];
  let pages = 0;
  for await (const page of paginateDescribeInstances({ client, pageSize: 5 }, {})) {
    pages++;
    for (const res of page.Reservations) for (const i of res.Instances) ids.push(i.InstanceId);
  }
  assert.equal(pages, 2);
  assert.equal(new Set(ids).size, 7);

  const f = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:app', Values: ['a*'] }] }));
  assert.equal(f.Reservations[0].Instances.length, 7);
  const none = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:app', Values: ['web'] }] }));
  assert.deepEqual(none.Reservations, []);

  await client.send(new CreateTagsCommand({ Resources: [ids[0]], Tags: [{ Key: 'owner', Value: 'me' }] }));
  const tags = await client.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['owner'] }] }));
  assert.deepEqual(tags.Tags, [{ Key: 'owner', ResourceId: ids[0], ResourceType: 'instance', Value: 'me' }]);

  const st = await client.send(new DescribeInstanceStatusCommand({ IncludeAllInstances: true }));
  assert.equal(st.InstanceStatuses.length, 7);
  assert.ok(st.InstanceStatuses.every((s) => s.InstanceState.Name === 'pending'));
}));

test('launch from a launch template, see its volumes, wait until running', async () => {
  const client = ec2('eu-west-2');
  const ami = await al2023(client);
  const lt = await client.send(new CreateLaunchTemplateCommand({
    LaunchTemplateName: 'web',
    LaunchTemplateData: {
      ImageId: ami, InstanceType: 't3.small',
      BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 20, DeleteOnTermination: false } }],
      TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'app', Value: 'web' }] }],
    },
  }));
  const id = lt.LaunchTemplate.LaunchTemplateId;
  const r = await client.send(new RunInstancesCommand({
    MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateId: id, Version: '$Default' },
  }));
  const inst = r.Instances[0];
  assert.equal(inst.ImageId, ami);
  assert.equal(inst.InstanceType, 't3.small');
  assert.deepEqual(Object.fromEntries(inst.Tags.map((t) => [t.Key, t.Value])),
    { 'aws:ec2launchtemplate:id': id, 'aws:ec2launchtemplate:version': '1' });
  await waitUntilInstanceRunning({ client, minDelay: 1, maxWaitTime: 30 }, { InstanceIds: [inst.InstanceId] });
  const vols = await client.send(new DescribeVolumesCommand({
    Filters: [{ Name: 'attachment.instance-id', Values: [inst.InstanceId] }],
  }));
  const byDevice = Object.fromEntries(vols.Volumes.map((v) => [v.Attachments[0].Device, v]));
  assert.deepEqual(Object.keys(byDevice).sort(), ['/dev/sdf', '/dev/xvda']);
  assert.equal(byDevice['/dev/sdf'].Size, 20);
  assert.equal(byDevice['/dev/sdf'].Attachments[0].DeleteOnTermination, false);
  assert.equal(byDevice['/dev/xvda'].Attachments[0].DeleteOnTermination, true);
  assert.equal(byDevice['/dev/xvda'].State, 'in-use');
  assert.deepEqual(byDevice['/dev/sdf'].Tags, [{ Key: 'app', Value: 'web' }]);
  await client.send(new TerminateInstancesCommand({ InstanceIds: [inst.InstanceId] }));
  await waitUntilInstanceTerminated({ client, minDelay: 1, maxWaitTime: 30 }, { InstanceIds: [inst.InstanceId] });
  const left = await client.send(new DescribeVolumesCommand({}));
  assert.deepEqual(left.Volumes.map((v) => [v.VolumeId, v.State]), [[byDevice['/dev/sdf'].VolumeId, 'available']]);
});
