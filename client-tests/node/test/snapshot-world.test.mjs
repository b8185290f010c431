// Snapshots through the AWS SDK for JavaScript v3 and the control API: a
// world of S3 objects, DynamoDB items, an SQS message and an SNS topic taken
// once, changed by a test, restored, and changed again the other way; the
// control API's answers for list, unknown names and delete.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import {
  DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, ScanCommand, DeleteTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  SQSClient, CreateQueueCommand, SendMessageCommand, ReceiveMessageCommand, PurgeQueueCommand,
} from '@aws-sdk/client-sqs';
import { SNSClient, CreateTopicCommand, ListTopicsCommand } from '@aws-sdk/client-sns';
import { startServer, sdkConfig } from './server.mjs';

let server;
beforeEach(async () => {
  server = await startServer();
});
afterEach(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

async function control(method, path, body) {
  const res = await fetch(`${server.endpoint}/_mockaws/${path}`, {
    method, body: body && JSON.stringify(body), headers: body ? { 'content-type': 'application/json' } : {},
  });
  return { status: res.status, doc: await res.json() };
}

async function restore(name) {
  const { status, doc } = await control('POST', `snapshots/${name}/restore`);
  assert.equal(status, 200, JSON.stringify(doc));
  assert.deepEqual(doc, { restored: name });
}

test('a world restored, both ways, across S3, DynamoDB, SQS and SNS', async () => {
  const cfg = sdkConfig(server);
  const s3 = new S3Client({ ...cfg, forcePathStyle: true });
  const ddb = new DynamoDBClient(cfg);
  const sqs = new SQSClient(cfg);
  const sns = new SNSClient(cfg);

  await s3.send(new CreateBucketCommand({ Bucket: 'world' }));
  for (let i = 0; i < 20; i++) {
    await s3.send(new PutObjectCommand({ Bucket: 'world', Key: `k${i}`, Body: `v${i}` }));
  }
  await ddb.send(new CreateTableCommand({
    TableName: 'items', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  }));
  await control('POST', 'clock', { advance_ms: 60000 }); // past CREATING
  await ddb.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'a' }, v: { S: 'one' } } }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'work' }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'job' }));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'news' }));

  const taken = await control('POST', 'snapshots', { name: 'world' });
  assert.equal(taken.status, 200);
  assert.equal(taken.doc.name, 'world');
  assert.equal(taken.doc.journal_seq, null);
  assert.ok(taken.doc.namespaces >= 4);

  // a test's changes
  await s3.send(new PutObjectCommand({ Bucket: 'world', Key: 'k0', Body: 'changed' }));
  await s3.send(new PutObjectCommand({ Bucket: 'world', Key: 'extra', Body: 'x' }));
  await ddb.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'a' }, v: { S: 'two' } } }));
  await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 600 }));
  await sns.send(new CreateTopicCommand({ Name: 'later' }));

  await restore('world');
  const k0 = await s3.send(new GetObjectCommand({ Bucket: 'world', Key: 'k0' }));
  assert.equal(await k0.Body.transformToString(), 'v0');
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'world' }));
  assert.equal(listed.KeyCount, 20);
  const item = await ddb.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'a' } } }));
  assert.deepEqual(item.Item.v, { S: 'one' });
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
  assert.deepEqual(got.Messages.map((m) => m.Body), ['job']);
  const topics = await sns.send(new ListTopicsCommand({}));
  assert.deepEqual(topics.Topics.map((t) => t.TopicArn), [TopicArn]);

  // the other way: what the restored world does stays out of the snapshot
  await ddb.send(new DeleteTableCommand({ TableName: 'items' }));
  await sqs.send(new PurgeQueueCommand({ QueueUrl }));
  await restore('world');
  const scan = await ddb.send(new ScanCommand({ TableName: 'items' }));
  assert.equal(scan.Count, 1);
  const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
  assert.deepEqual(again.Messages.map((m) => m.Body), ['job']);
});

test('list, unknown names, bad names and delete', async () => {
  assert.equal((await control('POST', 'snapshots', { name: 'b' })).status, 200);
  assert.equal((await control('POST', 'snapshots', { name: 'a', journal: true })).status, 200);
  const { doc } = await control('GET', 'snapshots');
  assert.deepEqual(doc.snapshots.map((s) => s.name), ['a', 'b']);
  assert.equal(typeof doc.snapshots[0].journal_seq, 'number');
  assert.equal(doc.snapshots[1].journal_seq, null);
  for (const name of ['', 'a/b', 'x'.repeat(65)]) {
    const bad = await control('POST', 'snapshots', { name });
    assert.equal(bad.status, 400, name);
    assert.match(bad.doc.error, /1 to 64/);
  }
  const missing = await control('POST', 'snapshots/nope/restore');
  assert.equal(missing.status, 404);
  assert.match(missing.doc.error, /nope/);
  assert.deepEqual(await control('DELETE', 'snapshots/a'), { status: 200, doc: { deleted: 'a' } });
  assert.equal((await control('DELETE', 'snapshots/a')).status, 404);
});
