// The mockaws package itself (clients/node): starting and stopping servers,
// the environment it sets, and its control client driving real SDK calls.
// The snapshot calls are in snapshots.test.mjs and isolation.test.mjs.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { SQSClient, CreateQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { EC2Client, RunInstancesCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { startMockaws, connectMockaws, useMockaws, MockawsClient, MockawsError } from 'mockaws';
import { BIN } from './server.mjs';

// What `mockaws env` prints for an endpoint and region (null: unset): the
// helper must set the same, so the two cannot drift apart.
const printedEnv = (endpoint, region) => JSON.parse(execFileSync(BIN,
  ['env', '--format', 'json', '--endpoint', endpoint, '--region', region], { encoding: 'utf8' }));
const SDK_VARS = [...Object.keys(printedEnv('http://127.0.0.1:1', 'us-east-1')), 'MOCKAWS_ENDPOINT'];
const envOf = (names) => Object.fromEntries(names.map((n) => [n, process.env[n]]));

// A process that is gone, or a zombie its new parent has not reaped yet.
function gone(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code === 'ESRCH') return true;
    throw err;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function until(what, check) {
  const deadline = Date.now() + 60_000; // only bounds a failure
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `${what} within 60 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('startMockaws starts a server on a free port and stop() ends it with exit code 0', async () => {
  const server = await startMockaws({ bin: BIN });
  assert.match(server.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(server.endpoint, `http://127.0.0.1:${server.port}`);
  assert.notEqual(server.port, 4566);
  const health = await server.client.health();
  assert.equal(health.status, 'ok');
  assert.equal(health.services.s3, 'running');
  assert.match(server.logs(), /listening on http:\/\/127\.0\.0\.1:\d+/);
  assert.equal(await server.stop(), 0);
  assert.equal(await server.stop(), 0, 'a second stop() answers the same');
  assert.ok(gone(server.pid));
  await assert.rejects(server.client.health(), (err) => {
    assert.ok(err instanceof MockawsError);
    assert.equal(err.status, 0);
    assert.match(err.message, /did not answer/);
    return true;
  });
});

test('two servers at once get two ports and separate state', async () => {
  const [a, b] = await Promise.all([startMockaws({ bin: BIN }), startMockaws({ bin: BIN })]);
  try {
    assert.notEqual(a.port, b.port);
    await new S3Client({ ...a.sdkConfig(), forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'only-in-a' }));
    const buckets = async (s) => (await s.client.state()).namespaces.flatMap((ns) => ns.s3?.buckets ?? []).map((x) => x.name);
    assert.deepEqual(await buckets(a), ['only-in-a']);
    assert.deepEqual(await buckets(b), []);
  } finally {
    assert.deepEqual(await Promise.all([a.stop(), b.stop()]), [0, 0]);
  }
});

test('a server that dies before listening rejects with what it wrote to stderr', async () => {
  await assert.rejects(startMockaws({ bin: BIN, args: ['--no-such-flag'] }), (err) => {
    assert.ok(err instanceof MockawsError);
    assert.match(err.message, /exited with code 2 before listening/);
    assert.match(err.message, /unrecognized option '--no-such-flag'/);
    return true;
  });
  // a bad fixture is refused by the server at start: its reason reaches the test
  await assert.rejects(startMockaws({ bin: BIN, fixtures: { s3: { buckets: [{ nme: 'typo' }] } } }),
    (err) => err instanceof MockawsError && /before listening/.test(err.message) && /nme|name/.test(err.message));
});

test('a binary that is not there says how to name one', async () => {
  await assert.rejects(startMockaws({ bin: '/nonexistent/mockaws' }), (err) => {
    assert.ok(err instanceof MockawsError);
    assert.match(err.message, /'\/nonexistent\/mockaws' not found: pass \{ bin \}, set MOCKAWS_BIN/);
    return true;
  });
});

test('a server killed from outside makes stop() reject, naming the signal', async () => {
  const server = await startMockaws({ bin: BIN });
  process.kill(server.pid, 'SIGKILL');
  await assert.rejects(server.stop(), /mockaws ended by SIGKILL/);
});

test('a server the test process forgot to stop is killed when that process exits', async () => {
  const script = `import { startMockaws } from 'mockaws';
    const s = await startMockaws({ bin: ${JSON.stringify(BIN)} });
    console.log(s.pid); process.exit(0);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const code = await new Promise((r) => child.on('close', r));
  assert.equal(code, 0);
  const pid = Number(out.trim());
  assert.ok(pid > 0, `the child printed the server's pid: ${out}`);
  await until('the orphaned server is gone', () => gone(pid));
});

test('setEnv points SDKs built without settings at the server, and stop() puts the environment back', async () => {
  const saved = envOf(SDK_VARS);
  process.env.AWS_REGION = 'eu-west-3';
  process.env.AWS_SESSION_TOKEN = 'a-developer-session-token';
  delete process.env.AWS_ENDPOINT_URL;
  const before = envOf(SDK_VARS);
  let server;
  try {
    server = await startMockaws({ bin: BIN, setEnv: true, region: 'ap-south-1' });
    assert.equal(process.env.AWS_ENDPOINT_URL, server.endpoint);
    assert.equal(process.env.MOCKAWS_ENDPOINT, server.endpoint);
    assert.equal(process.env.AWS_REGION, 'ap-south-1');
    assert.equal(process.env.AWS_DEFAULT_REGION, 'ap-south-1');
    assert.equal(process.env.AWS_ACCESS_KEY_ID, 'AKIAMOCKAWS00EXAMPLE');
    assert.equal('AWS_SESSION_TOKEN' in process.env, false, 'a stale session token is taken away');
    assert.deepEqual(Object.keys(server.env).sort(), [...SDK_VARS].sort());
    const printed = printedEnv(server.endpoint, 'ap-south-1');
    for (const [k, v] of Object.entries(printed)) {
      assert.equal(server.env[k], v ?? undefined, `${k} as mockaws env prints it`);
      assert.equal(process.env[k], v ?? undefined, `${k} set`);
    }

    const out = await new STSClient({}).send(new GetCallerIdentityCommand({}));
    assert.equal(out.Account, '123456789012');
    const [entry] = await server.client.journal({ operation: 'GetCallerIdentity' });
    assert.equal(entry.region, 'ap-south-1', 'the SDK took its region from the environment');

    assert.equal(await server.stop(), 0);
    server = undefined;
    assert.deepEqual(envOf(SDK_VARS), before);
  } finally {
    // a failed assertion must not leave the server running (the file would hang)
    if (server) await server.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('options.env reaches the server process', async () => {
  // the server reads MOCKAWS_SEED like --seed: the same seed, the same request ids
  const ids = [];
  for (let i = 0; i < 2; i++) {
    const server = await startMockaws({ bin: BIN, env: { MOCKAWS_SEED: '4242' } });
    await new STSClient(server.sdkConfig()).send(new GetCallerIdentityCommand({}));
    ids.push((await server.client.journal())[0].request_id);
    assert.equal(await server.stop(), 0);
  }
  assert.equal(ids[0], ids[1]);
  const other = await startMockaws({ bin: BIN, env: { MOCKAWS_SEED: '4243' } });
  await new STSClient(other.sdkConfig()).send(new GetCallerIdentityCommand({}));
  assert.notEqual((await other.client.journal())[0].request_id, ids[0]);
  assert.equal(await other.stop(), 0);
});

test('fixtures given as documents and as files are loaded before the server listens', async () => {
  const server = await startMockaws({
    bin: BIN,
    fixtures: [{ s3: { buckets: [{ name: 'from-doc', objects: [{ key: 'k', body: 'hello' }] }] } },
      new URL('../../../fixtures/s3-example.json', import.meta.url).pathname],
  });
  try {
    const s3 = new S3Client({ ...server.sdkConfig(), forcePathStyle: true });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'from-doc', Key: 'k' }));
    assert.equal(await got.Body.transformToString(), 'hello');
    const names = (await server.client.state()).namespaces.flatMap((ns) => ns.s3?.buckets ?? []).map((b) => b.name);
    assert.ok(names.length > 1 && names.includes('from-doc'), names.join());
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

describe('the control client', () => {
  let server;
  let s3;
  before(async () => {
    server = await startMockaws({ bin: BIN });
    s3 = new S3Client({ ...server.sdkConfig(), forcePathStyle: true, maxAttempts: 1 });
  });
  after(async () => { assert.equal(await server.stop(), 0, server.logs()); });
  beforeEach(async () => { await server.client.reset(); });

  test('a fault fires on a JS SDK call; list, remove and clear manage the rules', async () => {
    const { client } = server;
    await s3.send(new CreateBucketCommand({ Bucket: 'bkt' }));
    const id = await client.faults.add({ id: 'slow-down', service: 's3', operation: 'PutObject', error: 'SlowDown', times: 1 });
    assert.equal(id, 'slow-down');
    await assert.rejects(s3.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'k', Body: 'x' })), (err) => {
      assert.equal(err.name, 'SlowDown');
      assert.equal(err.$metadata.httpStatusCode, 503);
      return true;
    });
    await s3.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'k', Body: 'x' })); // times: 1, spent
    const [rule] = await client.faults.list();
    assert.deepEqual([rule.id, rule.matched, rule.fired, rule.expired], ['slow-down', 2, 1, true]);
    assert.deepEqual((await client.journal({ operation: 'PutObject' })).map((e) => e.fault), ['slow-down', null]);

    const ids = await client.faults.add([{ service: 'sts', error: 'Throttling' }, { service: 'sqs', delay_ms: 1 }]);
    assert.equal(ids.length, 2);
    await client.faults.remove('slow-down');
    assert.deepEqual((await client.faults.list()).map((r) => r.id), ids);
    await client.faults.clear();
    assert.deepEqual(await client.faults.list(), []);
  });

  test('refusals reject with a MockawsError carrying the status and the server\'s words', async () => {
    await assert.rejects(server.client.faults.remove('no-such-rule'), (err) => {
      assert.ok(err instanceof MockawsError);
      assert.equal(err.status, 404);
      assert.equal(err.serverMessage, "no fault rule with id 'no-such-rule'");
      assert.equal(err.method, 'DELETE');
      assert.equal(err.path, '/_mockaws/faults/no-such-rule');
      return true;
    });
    await assert.rejects(server.client.faults.add({ service: 's3', explode: true }), (err) => {
      assert.equal(err.status, 400);
      assert.match(err.serverMessage, /explode/);
      return true;
    });
    await assert.rejects(server.client.verify(), { status: 404, serverMessage: 'no scenario is loaded' });
    await assert.rejects(server.client.clock.advance(-5), TypeError);
  });

  test('journal filters by service, operation, error, since and limit, and clears', async () => {
    const { client } = server;
    await s3.send(new CreateBucketCommand({ Bucket: 'jrn' }));
    await s3.send(new PutObjectCommand({ Bucket: 'jrn', Key: 'a', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: 'jrn', Key: 'b', Body: 'b' }));
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: 'jrn', Key: 'missing' })), { name: 'NoSuchKey' });
    await new STSClient(server.sdkConfig()).send(new GetCallerIdentityCommand({}));

    const all = await client.journal();
    assert.deepEqual(all.map((e) => e.operation), ['CreateBucket', 'PutObject', 'PutObject', 'GetObject', 'GetCallerIdentity']);
    assert.deepEqual((await client.journal({ service: 's3' })).map((e) => e.operation),
      ['CreateBucket', 'PutObject', 'PutObject', 'GetObject']);
    assert.deepEqual((await client.journal({ operation: 'PutObject' })).map((e) => e.resource), ['jrn/a', 'jrn/b']);
    const [miss, ...more] = await client.journal({ error: 'NoSuchKey' });
    assert.deepEqual([miss.operation, miss.status, more.length], ['GetObject', 404, 0]);
    assert.deepEqual((await client.journal({ since: all[2].seq })).map((e) => e.seq), [all[3].seq, all[4].seq]);
    assert.equal((await client.journal({ limit: 2 })).length, 2);
    await client.journal.clear();
    assert.deepEqual(await client.journal(), []);
  });

  test('clock: virtual freezes it, advance moves it and the work it makes due (EC2 pending to running)', async () => {
    const { clock } = server.client;
    const frozen = await clock.virtual();
    assert.equal(frozen.mode, 'virtual');
    const ec2 = new EC2Client(server.sdkConfig());
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-ab939b9c031512198', MinCount: 1, MaxCount: 1 }));
    const id = run.Instances[0].InstanceId;
    const stateOf = async () => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })))
      .Reservations[0].Instances[0].State.Name;
    try {
      assert.equal(await clock.now(), frozen.now_ms, 'a frozen clock does not move');
      assert.equal(await stateOf(), 'pending');
      const moved = await clock.advance(999);
      assert.equal(moved.now_ms, frozen.now_ms + 999);
      assert.equal(await stateOf(), 'pending');
      await clock.advance(1);
      assert.equal(await stateOf(), 'running');
    } finally {
      assert.equal((await clock.real()).mode, 'real');
    }
    assert.equal((await clock.get()).mode, 'real');
  });

  test('load, state, scenario with verify, and the SNS and SQS message views', async () => {
    const { client } = server;
    await client.load({ sqs: { queues: [{ name: 'jobs' }] }, s3: { buckets: [{ name: 'loaded' }] } });
    const ns = (await client.state()).namespaces;
    assert.deepEqual(ns.flatMap((n) => n.s3?.buckets ?? []).map((b) => b.name), ['loaded']);

    const sqs = new SQSClient(server.sdkConfig());
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'jobs' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'do it' }));
    const [queue, ...others] = await client.sqsMessages({ queue: 'jobs' });
    assert.equal(others.length, 0);
    assert.equal(queue.name, 'jobs');
    assert.deepEqual(queue.messages.map((m) => m.body), ['do it']);
    const sns = await client.snsMessages();
    assert.deepEqual([sns.messages, sns.confirmations], [[], []]);
    await client.snsMessages.clear();

    await client.scenario({ name: 'one send', expect: [{ service: 'sqs', operation: 'SendMessage', count: 2 }] });
    let report = await client.verify();
    assert.equal(report.passed, false, 'one SendMessage so far');
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
    report = await client.verify();
    assert.equal(report.name, 'one send');
    assert.equal(report.passed, true, JSON.stringify(report));
  });
});

test('with a control token the client sends it; without, the server refuses', async () => {
  const server = await startMockaws({ bin: BIN, controlToken: 'tok-123' });
  try {
    assert.deepEqual(await server.client.faults.list(), []);
    await assert.rejects(new MockawsClient(server.endpoint, { token: '' }).faults.list(), { status: 401 });
    await assert.rejects(new MockawsClient(server.endpoint, { token: 'wrong' }).faults.list(), { status: 401 });
    assert.deepEqual(await new MockawsClient(server.endpoint, { token: 'tok-123' }).faults.list(), []);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('connectMockaws drives a running server; its stop() leaves it running; startMockaws honours MOCKAWS_ENDPOINT', async () => {
  const server = await startMockaws({ bin: BIN });
  const saved = process.env.MOCKAWS_ENDPOINT;
  try {
    const conn = connectMockaws(`${server.endpoint}/`);
    assert.equal(conn.endpoint, server.endpoint);
    assert.equal(conn.port, server.port);
    assert.equal(conn.pid, undefined);
    assert.equal(connectMockaws(`127.0.0.1:${server.port}`).endpoint, server.endpoint, 'http:// is the default');
    await conn.client.faults.add({ id: 'seen-by-both', service: 'sts', error: 'Throttling' });
    assert.deepEqual((await server.client.faults.list()).map((r) => r.id), ['seen-by-both']);
    assert.equal(await conn.stop(), null);
    assert.equal((await server.client.health()).status, 'ok');

    process.env.MOCKAWS_ENDPOINT = server.endpoint;
    const reused = await startMockaws();
    assert.equal(reused.endpoint, server.endpoint);
    assert.deepEqual((await reused.client.faults.list()).map((r) => r.id), ['seen-by-both']);
    await reused.stop();
    // options that shape a server of one's own start one
    const own = await startMockaws({ bin: BIN });
    assert.notEqual(own.endpoint, server.endpoint);
    assert.equal(await own.stop(), 0);
    assert.equal((await server.client.health()).status, 'ok');
  } finally {
    if (saved === undefined) delete process.env.MOCKAWS_ENDPOINT;
    else process.env.MOCKAWS_ENDPOINT = saved;
    assert.equal(await server.stop(), 0);
  }
  assert.throws(() => connectMockaws(undefined), /needs an endpoint, or MOCKAWS_ENDPOINT/);
});

describe('useMockaws with the hooks of node:test', () => {
  const aws = useMockaws({ before, after, beforeEach }, { bin: BIN, setup: (s) => s.client.load({ s3: { buckets: [{ name: 'set-up' }] } }) });

  test('starts one server for the suite and hands out its client and SDK settings', async () => {
    assert.match(aws.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(aws.server.endpoint, aws.endpoint);
    assert.equal(aws.env.AWS_ENDPOINT_URL, aws.endpoint);
    const s3 = new S3Client({ ...aws.sdkConfig(), forcePathStyle: true });
    await s3.send(new PutObjectCommand({ Bucket: 'set-up', Key: 'k', Body: 'v' }));
    assert.equal((await aws.client.journal({ operation: 'PutObject' })).length, 1);
  });

  test('refuses to be used outside tests and without its hooks', () => {
    assert.throws(() => useMockaws({ beforeEach }, {}), /needs the hooks/);
    assert.throws(() => useMockaws({ before, after }, { snapshot: 'base' }), /needs the beforeEach hook/);
    const idle = useMockaws({ beforeAll: () => {}, afterAll: () => {} }); // hooks that never run
    assert.throws(() => idle.client, /mockaws is not started yet/);
  });
});
