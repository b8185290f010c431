// Fault injection through the AWS SDK for JavaScript v3 (standard retries by
// default: 3 attempts).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startServer } from './server.mjs';

let server;
before(async () => { server = await startServer('--seed', '11'); });
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});
beforeEach(async () => {
  await server.client.faults.clear();
  await server.client.journal.clear();
});

const addFault = (rule) => server.client.faults.add(rule);

function sts(extra = {}) {
  return new STSClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    ...extra,
  });
}

test('standard retries recover from two throttles: one invocation, three attempts', async () => {
  await addFault({ id: 'throttle', service: 'sts', error: 'Throttling', times: 2 });
  const out = await sts().send(new GetCallerIdentityCommand({}));
  assert.equal(out.Account, '123456789012');
  assert.equal(out.$metadata.attempts, 3);
  const entries = await server.journal({ operation: 'GetCallerIdentity' });
  assert.equal(new Set(entries.map((e) => e.invocation_id)).size, 1);
  assert.deepEqual(entries.map((e) => e.attempt), [1, 2, 3]);
  assert.deepEqual(entries.map((e) => e.fault), ['throttle', 'throttle', null]);
});

test('retries exhausted: the injected code and status reach the caller', async () => {
  await addFault({ service: 'sts', error: 'Throttling' });
  await assert.rejects(sts().send(new GetCallerIdentityCommand({})), (err) => {
    assert.equal(err.name, 'Throttling');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.$metadata.attempts, 3);
    return true;
  });
  const entries = await server.journal({ operation: 'GetCallerIdentity', error: 'Throttling' });
  assert.equal(entries.length, 3);
});

test('a connection reset is retried', async () => {
  await addFault({ id: 'rst', service: 'sts', connection: 'reset', times: 1 });
  const out = await sts().send(new GetCallerIdentityCommand({}));
  assert.equal(out.$metadata.attempts, 2);
  const entries = await server.journal({ operation: 'GetCallerIdentity' });
  assert.deepEqual(entries.map((e) => e.fault), ['rst', null]);
});

test('a delay beyond the request timeout fails the call while others are served', async () => {
  // The delay dwarfs anything a loaded machine adds; stopping the server
  // answers a held request at once, so it costs nothing.
  const delayMs = 30_000;
  await addFault({ id: 'slow', service: 'sts', operation: 'GetCallerIdentity', delay_ms: delayMs, times: 1 });
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
  const slow = sts({ maxAttempts: 1, requestHandler: new NodeHttpHandler({ requestTimeout: 1000, throwOnRequestTimeout: true }) });
  const started = Date.now();
  const pending = slow.send(new GetCallerIdentityCommand({})).then(() => 'answered', () => 'failed');
  // the server journals a request when it has handled it, before the delay:
  // from then on the rule (times: 1) is spent and the slow request is held
  const deadline = Date.now() + 60_000;
  let held;
  for (;;) {
    [held] = await server.journal({ operation: 'GetCallerIdentity' });
    if (held) break;
    assert.ok(Date.now() < deadline, 'the slow request never reached the server');
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(held.fault, 'slow');
  const t0 = Date.now();
  await sts().send(new GetCallerIdentityCommand({}));
  const fastTook = Date.now() - t0;
  assert.ok(fastTook < delayMs / 2, `another client is served at once, not after the delay (${fastTook} ms)`);
  assert.equal(await pending, 'failed');
  const took = Date.now() - started;
  // the client's 1 s timeout ended it, long before the server's answer
  assert.ok(took >= 900 && took < delayMs / 2, `gave up after ${took} ms`);
});
