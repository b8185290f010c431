// POST Object through @aws-sdk/s3-presigned-post: the form a web app hands a browser,
// posted as a browser posts it (fetch with FormData, the file appended last). Expected
// answers are S3's (docs/AWS-FACTS.md, "POST Object"), computed here, not read back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { S3Client, CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { startServer } from './server.mjs';

let server;
let s3;
before(async () => {
  server = await startServer();
  s3 = new S3Client({
    endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'browser' }));
});
after(async () => {
  s3.destroy();
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

const etagOf = (b) => `"${createHash('md5').update(b).digest('hex')}"`;
const codeOf = (xml) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
const messageOf = (xml) => /<Message>([^<]*)<\/Message>/.exec(xml)?.[1]
  ?.replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&amp;', '&');

async function upload({ url, fields }, bytes, { extra = {}, filename = 'photo.png' } = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...fields, ...extra })) form.append(k, v);
  form.append('file', new Blob([bytes], { type: 'image/png' }), filename);
  const res = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

test('a presigned form stores the object, ${filename} and all', async () => {
  const post = await createPresignedPost(s3, {
    Bucket: 'browser', Key: 'avatars/${filename}',
    Conditions: [['starts-with', '$key', 'avatars/'], ['content-length-range', 1, 1024],
      ['starts-with', '$Content-Type', 'image/']],
    Fields: { 'Content-Type': 'image/png' },
    Expires: 600,
  });
  const bytes = Buffer.from('\x89PNG fake image');
  const res = await upload(post, bytes);
  assert.equal(res.status, 204, res.body);
  assert.equal(res.headers.get('etag'), etagOf(bytes));
  const got = await s3.send(new GetObjectCommand({ Bucket: 'browser', Key: 'avatars/photo.png' }));
  assert.deepEqual(Buffer.from(await got.Body.transformToByteArray()), bytes);
  assert.equal(got.ContentType, 'image/png');
});

test('success_action_status 201 answers the PostResponse document', async () => {
  const post = await createPresignedPost(s3, {
    Bucket: 'browser', Key: 'doc.txt', Fields: { success_action_status: '201' },
    Conditions: [{ success_action_status: '201' }], Expires: 600,
  });
  const res = await upload(post, Buffer.from('doc'));
  assert.equal(res.status, 201);
  assert.match(res.body, /<PostResponse xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
  assert.match(res.body, /<Bucket>browser<\/Bucket><Key>doc.txt<\/Key>/);
  assert.equal(res.headers.get('etag'), etagOf(Buffer.from('doc')));
});

test('the policy is enforced: size, key prefix, extra fields, expiry', async () => {
  const sized = await createPresignedPost(s3, {
    Bucket: 'browser', Key: 'small', Conditions: [['content-length-range', 0, 4]], Expires: 600,
  });
  let res = await upload(sized, Buffer.from('too large'));
  assert.equal(res.status, 400);
  assert.equal(codeOf(res.body), 'EntityTooLarge');
  assert.match(res.body, /<ProposedSize>9<\/ProposedSize><MaxSizeAllowed>4<\/MaxSizeAllowed>/);

  const scoped = await createPresignedPost(s3, {
    Bucket: 'browser', Key: 'user-1/${filename}', Conditions: [['starts-with', '$key', 'user-1/']], Expires: 600,
  });
  res = await upload(scoped, Buffer.from('x'), { extra: { key: 'user-2/x' } });
  assert.equal(res.status, 403);
  assert.equal(codeOf(res.body), 'AccessDenied');
  assert.equal(messageOf(res.body),
    'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user-1/"]');

  res = await upload(scoped, Buffer.from('x'), { extra: { 'x-amz-meta-extra': 'no' } });
  assert.equal(res.status, 403);
  assert.equal(messageOf(res.body), 'Invalid according to Policy: Extra input fields: x-amz-meta-extra');

  const brief = await createPresignedPost(s3, { Bucket: 'browser', Key: 'late', Expires: 30 });
  await server.client.clock.advance(60000);
  res = await upload(brief, Buffer.from('x'));
  assert.equal(res.status, 403);
  assert.equal(messageOf(res.body), 'Invalid according to Policy: Policy expired.');
});
