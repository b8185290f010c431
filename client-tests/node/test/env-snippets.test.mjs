// The JavaScript snippets of `mockaws env --client` (the README's "Clients"
// section shows the same text): the SDK v3 settings, run as printed against
// a server checking signatures, and the guard module that stops node:test
// when an endpoint is not local.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CreateBucketCommand, PutObjectCommand, ListObjectsV2Command, GetObjectCommand,
  DeleteObjectCommand, DeleteBucketCommand, HeadBucketCommand,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { BIN, startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const snippet = (client, endpoint) =>
  execFileSync(BIN, ['env', '--client', client, '--endpoint', endpoint], { encoding: 'utf8' });

let server;
before(async () => { server = await startServer('--auth', 'verify'); });
after(async () => { await server.stop(); });

test('the js-v3 snippet as printed round-trips an object', async () => {
  // beside the tests, so that its imports resolve to this node_modules
  const dir = mkdtempSync(join(here, '.snippet-'));
  try {
    const file = join(dir, 'clients.mjs');
    writeFileSync(file, `${snippet('js-v3', server.endpoint)}export { s3, sqs };\n`);
    const { s3, sqs } = await import(pathToFileURL(file).href);
    const body = randomBytes(70000);
    await s3.send(new CreateBucketCommand({ Bucket: 'env-jsv3' }));
    await s3.send(new PutObjectCommand({ Bucket: 'env-jsv3', Key: 'dir/payload.bin', Body: body }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'env-jsv3' }));
    assert.deepEqual(listed.Contents.map((o) => [o.Key, o.Size]), [['dir/payload.bin', 70000]]);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'env-jsv3', Key: 'dir/payload.bin' }));
    assert.ok(Buffer.from(await got.Body.transformToByteArray()).equals(body));
    await s3.send(new DeleteObjectCommand({ Bucket: 'env-jsv3', Key: 'dir/payload.bin' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'env-jsv3' }));
    await assert.rejects(s3.send(new HeadBucketCommand({ Bucket: 'env-jsv3' })), { name: 'NotFound' });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'q' }));
    assert.match(QueueUrl, /\/123456789012\/q$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the node-guard module stops a test file unless every endpoint is local', () => {
  const dir = mkdtempSync(join(here, '.snippet-'));
  try {
    writeFileSync(join(dir, 'aws-guard.mjs'), snippet('node-guard', server.endpoint));
    writeFileSync(join(dir, 'it.test.mjs'),
      "import './aws-guard.mjs';\nimport { test } from 'node:test';\ntest('ran', () => console.log('RAN'));\n");
    // NODE_TEST_CONTEXT would make the child report to this runner, not print
    const clean = Object.fromEntries(Object.entries(process.env)
      .filter(([k]) => !k.startsWith('AWS_') && k !== 'NODE_TEST_CONTEXT'));
    const run = (env) => spawnSync(process.execPath, ['--test', join(dir, 'it.test.mjs')],
      { env: { ...clean, ...env }, encoding: 'utf8' });

    const ok = run({ AWS_ENDPOINT_URL: server.endpoint, AWS_ENDPOINT_URL_S3: 'http://[::1]:1',
      AWS_ACCESS_KEY_ID: 'AKIAMOCKAWS00EXAMPLE' });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /RAN/);

    for (const [env, why] of [
      [{}, /AWS_ENDPOINT_URL is not set/],
      [{ AWS_ENDPOINT_URL: 'https://s3.amazonaws.com' }, /AWS_ENDPOINT_URL=https:\/\/s3.amazonaws.com is not local/],
      [{ AWS_ENDPOINT_URL: server.endpoint, AWS_ENDPOINT_URL_SNS: 'http://128.0.0.1' }, /AWS_ENDPOINT_URL_SNS=.* is not local/],
      [{ AWS_ENDPOINT_URL: server.endpoint, AWS_ACCESS_KEY_ID: 'ASIAZZZZZZZZZZZZZZZZ' }, /looks like a real key/],
    ]) {
      const r = run(env);
      assert.notEqual(r.status, 0, JSON.stringify(env));
      assert.match(r.stdout + r.stderr, why);
      assert.doesNotMatch(r.stdout, /RAN/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
