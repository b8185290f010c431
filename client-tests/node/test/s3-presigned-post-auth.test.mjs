// POST Object under --auth verify through @aws-sdk/s3-presigned-post: a form signed with the
// right secret uploads, one signed with a wrong secret is S3's 403 SignatureDoesNotMatch over
// the policy it signs (docs/AWS-FACTS.md, "POST Object", "Signature").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { S3Client, CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { startServer } from './server.mjs';

let server;
before(async () => {
  server = await startServer('--auth', 'verify');
  await client('test').send(new CreateBucketCommand({ Bucket: 'signed-forms' }));
});
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

function client(secretAccessKey) {
  return new S3Client({
    endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey },
  });
}

async function upload({ url, fields }, bytes) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([bytes]), 'f.bin');
  const res = await fetch(url, { method: 'POST', body: form });
  return { status: res.status, body: await res.text() };
}

const element = (xml, name) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

test('the form is signed over its policy with the signer\'s secret', async () => {
  const good = await createPresignedPost(client('test'), { Bucket: 'signed-forms', Key: 'ok.bin', Expires: 600 });
  let res = await upload(good, Buffer.from('signed'));
  assert.equal(res.status, 204, res.body);
  const got = await client('test').send(new GetObjectCommand({ Bucket: 'signed-forms', Key: 'ok.bin' }));
  assert.equal(await got.Body.transformToString(), 'signed');

  const bad = await createPresignedPost(client('wrong'), { Bucket: 'signed-forms', Key: 'no.bin', Expires: 600 });
  res = await upload(bad, Buffer.from('forged'));
  assert.equal(res.status, 403);
  assert.equal(element(res.body, 'Code'), 'SignatureDoesNotMatch');
  assert.equal(element(res.body, 'StringToSign'), bad.fields.Policy);
  assert.equal(element(res.body, 'SignatureProvided'), bad.fields['X-Amz-Signature']);
  assert.equal(element(res.body, 'AWSAccessKeyId'), 'test');
});
