// Issue 17's done-when for Node: 200 node:test tests share one server whose
// world is 10,000 S3 objects and 10,000 DynamoDB items; each restores the
// snapshot `base` first, checks that no other test's writes are visible and
// that the world is as loaded, then writes its own marker into new keys and
// into the world itself. It prints what the restores took.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import {
  S3Client, ListObjectsV2Command, GetObjectCommand, HeadObjectCommand, PutObjectCommand, DeleteObjectCommand,
} from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient, ScanCommand, BatchGetCommand, BatchWriteCommand, UpdateCommand, DeleteCommand,
} from '@aws-sdk/lib-dynamodb';
import { startMockaws } from 'mockaws';
import { BIN } from './server.mjs';

const TESTS = 200;
const WORLD = 10_000;
const SIZE = 16;
// The generate forms (docs/ARCHITECTURE.md, "Fixtures"): keys obj/00000 ..
// obj/09999, each body the alphabet from 'a'; items pk 0000000000 ..
// 0000009999, each with `data` of SIZE x's.
const FIXTURE = {
  s3: { buckets: [{ name: 'world', objects: [{ generate: { prefix: 'obj/', count: WORLD, size: SIZE } }] }] },
  dynamodb: {
    tables: [{
      TableName: 'world', BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      generate: { count: WORLD, size: SIZE },
    }],
  },
};
const BODY = 'abcdefghijklmnopqrstuvwxyz'.slice(0, SIZE);
const DATA = 'x'.repeat(SIZE);
// What every test changes in the world, so that a leak from any earlier test shows.
const OVERWRITTEN_KEY = 'obj/00000';
const DELETED_KEY = 'obj/05000';
const UPDATED_PK = '0000000000';
const DELETED_PK = '0000005000';

let server;
let s3;
let ddb;
const restoreMs = [];
let suiteStart;

before(async () => {
  const t0 = performance.now();
  server = await startMockaws({ bin: BIN, fixtures: FIXTURE });
  const loaded = performance.now();
  const snap = await server.client.snapshot('base');
  console.log(`world: ${WORLD} objects and ${WORLD} items; start with the fixture ${(loaded - t0).toFixed(0)} ms, `
    + `snapshot ${(performance.now() - loaded).toFixed(1)} ms (${snap.namespaces} namespace(s))`);
  s3 = new S3Client({ ...server.sdkConfig(), forcePathStyle: true, maxAttempts: 1 });
  ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ ...server.sdkConfig(), maxAttempts: 1 }));
  suiteStart = performance.now();
});

after(async () => {
  const total = performance.now() - suiteStart;
  const sorted = [...restoreMs].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  if (sorted.length) {
    console.log(`${sorted.length} restores of 'base' (client-side, one HTTP call each): median ${at(0.5).toFixed(2)} ms, `
      + `p90 ${at(0.9).toFixed(2)} ms, max ${sorted[sorted.length - 1].toFixed(2)} ms; `
      + `${TESTS} tests in ${(total / 1000).toFixed(2)} s`);
  }
  if (server) assert.equal(await server.stop(), 0, server.logs());
});

beforeEach(async () => {
  const t0 = performance.now();
  await server.client.restore('base');
  restoreMs.push(performance.now() - t0);
});

// Everything under written/ (S3) and pk w/... (DynamoDB): the tests' own keys.
async function writtenKeys() {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: 'world', Prefix: 'written/' }));
  return (out.Contents ?? []).map((o) => o.Key);
}

// The whole table in one pass: how many items, and the pks of those a test
// wrote (the filter keeps the answer small).
async function scanWorld() {
  let scanned = 0;
  const written = [];
  let ExclusiveStartKey;
  do {
    const page = await ddb.send(new ScanCommand({
      TableName: 'world', ProjectionExpression: 'pk', FilterExpression: 'begins_with(pk, :w)',
      ExpressionAttributeValues: { ':w': 'w/' }, ExclusiveStartKey,
    }));
    scanned += page.ScannedCount;
    written.push(...page.Items.map((item) => item.pk));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return { scanned, written: written.sort() };
}

async function assertWorldAsLoaded() {
  const first = await s3.send(new GetObjectCommand({ Bucket: 'world', Key: OVERWRITTEN_KEY }));
  assert.equal(await first.Body.transformToString(), BODY, `${OVERWRITTEN_KEY} is as generated`);
  assert.equal(first.Metadata?.marker, undefined);
  await s3.send(new HeadObjectCommand({ Bucket: 'world', Key: DELETED_KEY })); // rejects when gone
  const last = await s3.send(new ListObjectsV2Command({ Bucket: 'world', Prefix: 'obj/', StartAfter: 'obj/09998' }));
  assert.deepEqual(last.Contents.map((o) => o.Key), ['obj/09999']);

  const got = await ddb.send(new BatchGetCommand({ RequestItems: { world: { Keys: [{ pk: UPDATED_PK }, { pk: DELETED_PK }] } } }));
  const items = Object.fromEntries(got.Responses.world.map((i) => [i.pk, i]));
  assert.deepEqual(items[UPDATED_PK], { pk: UPDATED_PK, data: DATA });
  assert.deepEqual(items[DELETED_PK], { pk: DELETED_PK, data: DATA });
}

for (let i = 0; i < TESTS; i++) {
  const marker = `test-${String(i).padStart(3, '0')}`;
  test(`${marker} sees only the world, then writes its own`, async () => {
    assert.deepEqual(await writtenKeys(), [], 'no other test\'s objects are visible');
    const before = await scanWorld();
    assert.deepEqual(before.written, [], 'no other test\'s items are visible');
    assert.equal(before.scanned, WORLD, 'every item of the world is there, and no more');
    await assertWorldAsLoaded();

    // new keys, and changes to the world every test makes
    await Promise.all([
      s3.send(new PutObjectCommand({ Bucket: 'world', Key: `written/${marker}/a`, Body: marker })),
      s3.send(new PutObjectCommand({ Bucket: 'world', Key: `written/${marker}/b`, Body: marker })),
      s3.send(new PutObjectCommand({ Bucket: 'world', Key: OVERWRITTEN_KEY, Body: marker, Metadata: { marker } })),
      s3.send(new DeleteObjectCommand({ Bucket: 'world', Key: DELETED_KEY })),
      ddb.send(new BatchWriteCommand({
        RequestItems: { world: [{ PutRequest: { Item: { pk: `w/${marker}/a`, marker } } }, { PutRequest: { Item: { pk: `w/${marker}/b`, marker } } }] },
      })),
      ddb.send(new UpdateCommand({
        TableName: 'world', Key: { pk: UPDATED_PK }, UpdateExpression: 'SET marker = :m', ExpressionAttributeValues: { ':m': marker },
      })),
      ddb.send(new DeleteCommand({ TableName: 'world', Key: { pk: DELETED_PK } })),
    ]);

    assert.deepEqual(await writtenKeys(), [`written/${marker}/a`, `written/${marker}/b`]);
    const afterWrites = await scanWorld();
    assert.deepEqual(afterWrites.written, [`w/${marker}/a`, `w/${marker}/b`]);
    assert.equal(afterWrites.scanned, WORLD + 2 - 1);
    const mine = await s3.send(new GetObjectCommand({ Bucket: 'world', Key: OVERWRITTEN_KEY }));
    assert.equal(await mine.Body.transformToString(), marker);
  });
}
