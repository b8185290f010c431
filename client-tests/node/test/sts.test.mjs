// STS through the AWS SDK for JavaScript v3.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { startServer } from './server.mjs';

const ROLE_ACCOUNT = '210987654321';
const ROLE_ARN = `arn:aws:iam::${ROLE_ACCOUNT}:role/r`;

let server;
before(async () => { server = await startServer(); });
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

function sts(credentials, region = 'us-east-1') {
  return new STSClient({
    endpoint: server.endpoint,
    region,
    credentials: credentials ?? { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
}

test('GetCallerIdentity with a plain key is the default account', async () => {
  const id = await sts().send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, '123456789012');
  assert.match(id.Arn, /123456789012/);
  assert.ok(id.UserId, 'UserId is set');
  assert.ok(id.$metadata.requestId, 'request id surfaced by the SDK');
  assert.equal(id.$metadata.httpStatusCode, 200);
});

test('GetCallerIdentity with a 12-digit key is that account', async () => {
  const id = await sts({ accessKeyId: '111122223333', secretAccessKey: 'x' })
    .send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, '111122223333');
});

test('AssumeRole credentials land in the role account', async () => {
  const resp = await sts().send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'sess' }));
  const c = resp.Credentials;
  assert.ok(c.AccessKeyId && c.SecretAccessKey && c.SessionToken, 'credentials are complete');
  assert.ok(c.Expiration instanceof Date, 'Expiration parses as a date');
  assert.ok(c.Expiration.getTime() > Date.now(), 'Expiration is in the future');
  assert.equal(resp.AssumedRoleUser.Arn, `arn:aws:sts::${ROLE_ACCOUNT}:assumed-role/r/sess`);

  const role = sts({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken });
  const id = await role.send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, ROLE_ACCOUNT);
  assert.equal(id.Arn, `arn:aws:sts::${ROLE_ACCOUNT}:assumed-role/r/sess`);
});

test('AssumeRole errors surface as the SDK exception with its code', async () => {
  await assert.rejects(
    sts().send(new AssumeRoleCommand({ RoleArn: 'this-is-not-an-arn-at-all-really', RoleSessionName: 'sess' })),
    (err) => {
      assert.equal(err.name, 'ValidationError');
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.ok(err.$metadata.requestId, 'request id on the error');
      return true;
    });
});

test('journal sees the SDK v3 invocation id and attempt', async () => {
  const seen = (await server.journal({ service: 'sts' })).length;
  const id = await sts(undefined, 'eu-central-1').send(new GetCallerIdentityCommand({}));
  const entries = await server.journal({ service: 'sts' });
  assert.equal(entries.length, seen + 1);
  const e = entries.at(-1);
  assert.equal(e.operation, 'GetCallerIdentity');
  assert.equal(e.region, 'eu-central-1');
  assert.equal(e.request_id, id.$metadata.requestId);
  assert.equal(e.attempt, 1);
  assert.equal(e.max_attempts, 3);
  assert.match(e.invocation_id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
});
