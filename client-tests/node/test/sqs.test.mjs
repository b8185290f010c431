// SQS through the AWS SDK for JavaScript v3 (AWS JSON 1.0, awsQueryCompatible),
// issue 16's list: a worker loop that long-polls, fails a message three times
// and finds it in the dead-letter queue; a visibility timeout lapsing on the
// virtual clock; FIFO order across groups; SNS to SQS with a filter policy; an
// S3 upload landing as an event; SendMessageBatch with a failed entry injected.
// Along the way the SDK's own checks run: it verifies MD5OfMessageBody and
// MD5OfMessageAttributes of every send and receive, and names errors by the
// shape while keeping the query-era code.
//
// Each test uses its own server: the virtual clock and fault rules are
// server-wide, so tests must not share them.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  SQSClient, CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, GetQueueUrlCommand,
  SendMessageCommand, SendMessageBatchCommand, ReceiveMessageCommand, DeleteMessageCommand,
  QueueDoesNotExist,
} from '@aws-sdk/client-sqs';
import { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand } from '@aws-sdk/client-sns';
import {
  S3Client, CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { startServer, sdkConfig } from './server.mjs';

let server;
let sqs;
beforeEach(async () => {
  server = await startServer();
  sqs = new SQSClient(sdkConfig(server));
});
afterEach(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

// a control request (mockaws package): rejects with the server's message unless 200
const control = (method, path, body) => server.client.request(method, `/_mockaws/${path}`, body);
const clock = (body) => control('POST', 'clock', body);

async function createQueue(QueueName, Attributes = {}) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName, Attributes }));
  const { Attributes: a } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { QueueUrl, QueueArn: a.QueueArn };
}

// Lets `service` send to the queue for one source ARN (SNS topic, S3 bucket).
async function allow(queue, service, sourceArn) {
  const policy = {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow', Principal: { Service: service }, Action: 'sqs:SendMessage', Resource: queue.QueueArn,
      Condition: { ArnEquals: { 'aws:SourceArn': sourceArn } },
    }],
  };
  await sqs.send(new SetQueueAttributesCommand({
    QueueUrl: queue.QueueUrl, Attributes: { Policy: JSON.stringify(policy) },
  }));
}

const receive = async (QueueUrl, extra = {}) => (await sqs.send(new ReceiveMessageCommand({
  QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, ...extra,
}))).Messages ?? [];

test('a worker that fails a message three times finds it in the dead-letter queue', async () => {
  await clock({ mode: 'virtual' });
  const dlq = await createQueue('node-dlq');
  const work = await createQueue('node-work', {
    VisibilityTimeout: '30',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.QueueArn, maxReceiveCount: 3 }),
  });
  await sqs.send(new SendMessageCommand({ QueueUrl: work.QueueUrl, MessageBody: 'poison' }));

  // The worker: long-poll, handle, delete only what was handled. Its handler
  // always throws; after each failure the virtual clock runs the visibility
  // timeout out, so the message comes back at once instead of in 30 s.
  const attempts = [];
  for (let round = 0; round < 4; round++) {
    const msgs = await receive(work.QueueUrl, {
      WaitTimeSeconds: round < 3 ? 20 : 1, MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    for (const m of msgs) {
      try {
        throw new Error(`cannot handle ${m.Body}`);
      } catch {
        attempts.push(m.Attributes.ApproximateReceiveCount);
      }
    }
    await clock({ advance_ms: 30_000 });
  }
  assert.deepEqual(attempts, ['1', '2', '3'], 'three receives, then the message moved on');

  const [dead] = await receive(dlq.QueueUrl, { WaitTimeSeconds: 20, MessageSystemAttributeNames: ['All'] });
  assert.equal(dead.Body, 'poison');
  assert.equal(dead.Attributes.DeadLetterQueueSourceArn, work.QueueArn);
  assert.deepEqual(await receive(work.QueueUrl), []);
});

test('a visibility timeout lapses on the virtual clock and wakes a parked long poll', async () => {
  await clock({ mode: 'virtual' });
  const { QueueUrl } = await createQueue('node-lapse', { VisibilityTimeout: '600' });
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'retry me' }));
  const [first] = await receive(QueueUrl);
  assert.equal(first.Body, 'retry me');
  await clock({ advance_ms: 599_000 });
  assert.deepEqual(await receive(QueueUrl), [], 'still in flight one second before the timeout');

  // a worker parked in a 20 s long poll is answered when the clock moves,
  // not at the end of its wait (the bound leaves 15 s for a loaded machine)
  const started = Date.now();
  const parked = receive(QueueUrl, { WaitTimeSeconds: 20, MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
  await clock({ advance_ms: 1_000 });
  const [again] = await parked;
  assert.ok(Date.now() - started < 15_000, `the parked receive took ${Date.now() - started} ms`);
  assert.equal(again.MessageId, first.MessageId);
  assert.equal(again.Attributes.ApproximateReceiveCount, '2');
  assert.notEqual(again.ReceiptHandle, first.ReceiptHandle);
});

test('FIFO keeps each group in order and one group in flight blocks only itself', async () => {
  const { QueueUrl } = await createQueue('node-ledger.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  for (const [group, n] of [['a', 1], ['b', 1], ['a', 2], ['b', 2], ['a', 3], ['b', 3]]) {
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `${group}${n}`, MessageGroupId: group }));
  }
  const one = async () => (await receive(QueueUrl, { MaxNumberOfMessages: 1 }))[0];
  const a1 = await one();
  assert.equal(a1.Body, 'a1');
  const b1 = await one();
  assert.equal(b1.Body, 'b1', 'group a has a message in flight: b goes on');
  assert.equal(await one(), undefined, 'both groups have one in flight');
  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: a1.ReceiptHandle }));
  assert.equal((await one()).Body, 'a2');
  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: b1.ReceiptHandle }));
  // group a is held by a2 in flight; b's remaining messages come in order
  const rest = await receive(QueueUrl, { MessageSystemAttributeNames: ['MessageGroupId'] });
  assert.deepEqual(rest.map((m) => [m.Attributes.MessageGroupId, m.Body]), [['b', 'b2'], ['b', 'b3']]);
});

test('SNS delivers to a queue only what its filter policy lets through', async () => {
  const sns = new SNSClient(sdkConfig(server));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'node-orders' }));
  const big = await createQueue('node-big-orders');
  const all = await createQueue('node-all-orders');
  await allow(big, 'sns.amazonaws.com', TopicArn);
  await allow(all, 'sns.amazonaws.com', TopicArn);
  await sns.send(new SubscribeCommand({
    TopicArn, Protocol: 'sqs', Endpoint: big.QueueArn,
    Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ total: [{ numeric: ['>=', 100] }] }) },
  }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: all.QueueArn }));
  for (const total of [20, 250]) {
    await sns.send(new PublishCommand({
      TopicArn, Message: `order of ${total}`,
      MessageAttributes: { total: { DataType: 'Number', StringValue: String(total) } },
    }));
  }
  // raw delivery carries the attributes: the SDK checks their MD5 on receive
  const got = await receive(big.QueueUrl, { WaitTimeSeconds: 20, MessageAttributeNames: ['All'] });
  assert.deepEqual(got.map((m) => m.Body), ['order of 250']);
  assert.deepEqual(got[0].MessageAttributes.total, { DataType: 'Number', StringValue: '250' });
  const everything = [];
  while (everything.length < 2) {
    everything.push(...await receive(all.QueueUrl, { WaitTimeSeconds: 20 }));
  }
  assert.deepEqual(everything.map((m) => JSON.parse(m.Body).Message).sort(), ['order of 20', 'order of 250']);
  assert.deepEqual(await receive(big.QueueUrl), [], 'the small order was filtered out');
});

test('an S3 upload lands in the queue as an event record', async () => {
  const s3 = new S3Client({ ...sdkConfig(server), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'node-uploads' }));
  const q = await createQueue('node-upload-events');
  await allow(q, 's3.amazonaws.com', 'arn:aws:s3:::node-uploads');
  await s3.send(new PutBucketNotificationConfigurationCommand({
    Bucket: 'node-uploads',
    NotificationConfiguration: {
      QueueConfigurations: [{
        Id: 'csv-in', QueueArn: q.QueueArn, Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }, { Name: 'suffix', Value: '.csv' }] } },
      }],
    },
  }));
  const [testEvent] = await receive(q.QueueUrl, { WaitTimeSeconds: 20 });
  const te = JSON.parse(testEvent.Body);
  assert.deepEqual([te.Service, te.Event, te.Bucket], ['Amazon S3', 's3:TestEvent', 'node-uploads']);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: q.QueueUrl, ReceiptHandle: testEvent.ReceiptHandle }));

  const put = await s3.send(new PutObjectCommand({ Bucket: 'node-uploads', Key: 'in/day 1.csv', Body: 'a,b\n1,2\n' }));
  await s3.send(new PutObjectCommand({ Bucket: 'node-uploads', Key: 'in/notes.txt', Body: 'skipped' }));
  const [m] = await receive(q.QueueUrl, { WaitTimeSeconds: 20 });
  const [record] = JSON.parse(m.Body).Records;
  assert.equal(record.eventSource, 'aws:s3');
  assert.equal(record.eventName, 'ObjectCreated:Put');
  assert.equal(record.s3.configurationId, 'csv-in');
  assert.equal(record.s3.bucket.name, 'node-uploads');
  assert.equal(record.s3.object.key, 'in/day+1.csv');
  assert.equal(record.s3.object.size, 8);
  assert.equal(record.s3.object.eTag, put.ETag.replaceAll('"', ''));
  await sqs.send(new DeleteMessageCommand({ QueueUrl: q.QueueUrl, ReceiptHandle: m.ReceiptHandle }));
  assert.deepEqual(await receive(q.QueueUrl), [], 'notes.txt matched no filter');
});

test('SendMessageBatch reports the entry a fault rule failed, and resending it works', async () => {
  const { QueueUrl } = await createQueue('node-batch');
  await control('POST', 'faults', {
    service: 'sqs', operation: 'SendMessageBatch', failed_entries: 0.5, times: 1,
  });
  const entries = [0, 1, 2, 3].map((i) => ({
    Id: `e${i}`, MessageBody: `job ${i}`,
    MessageAttributes: { n: { DataType: 'Number', StringValue: String(i) } },
  }));
  // the SDK checks each successful entry's MD5s against what it sent
  const first = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries }));
  assert.equal(first.Successful.length, 2);
  assert.equal(first.Failed.length, 2);
  for (const f of first.Failed) {
    assert.equal(f.Code, 'InternalError');
    assert.equal(f.SenderFault, false);
  }
  const failedIds = new Set(first.Failed.map((f) => f.Id));
  const retry = await sqs.send(new SendMessageBatchCommand({
    QueueUrl, Entries: entries.filter((e) => failedIds.has(e.Id)),
  }));
  assert.deepEqual(retry.Failed ?? [], [], 'the rule fired once');
  const bodies = [];
  for (let i = 0; i < 10 && bodies.length < 4; i++) {
    for (const m of await receive(QueueUrl, { WaitTimeSeconds: 1, MessageAttributeNames: ['All'] })) {
      bodies.push(m.Body);
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  assert.deepEqual(bodies.sort(), ['job 0', 'job 1', 'job 2', 'job 3']);
});

test('the SDK verifies the MD5s of message attributes of every type without throwing', async () => {
  const { QueueUrl } = await createQueue('node-md5');
  const MessageAttributes = {
    kind: { DataType: 'String', StringValue: 'résumé ✓' },
    count: { DataType: 'Number.int', StringValue: '42' },
    blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 254, 255]) },
  };
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'body ✓', MessageAttributes }));
  assert.match(sent.MD5OfMessageAttributes, /^[0-9a-f]{32}$/);
  const [m] = await receive(QueueUrl, { MessageAttributeNames: ['All'] });
  assert.equal(m.MD5OfBody, sent.MD5OfMessageBody);
  assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.deepEqual(m.MessageAttributes.kind, MessageAttributes.kind);
  assert.deepEqual(m.MessageAttributes.count, MessageAttributes.count);
  assert.deepEqual([...m.MessageAttributes.blob.BinaryValue], [0, 1, 254, 255]);
});

test('a missing queue is QueueDoesNotExist with its query-era code', async () => {
  const err = await sqs.send(new GetQueueUrlCommand({ QueueName: 'node-not-there' })).then(
    () => assert.fail('GetQueueUrl of a missing queue succeeded'), (e) => e);
  assert.ok(err instanceof QueueDoesNotExist, `${err.name}: ${err.message}`);
  assert.equal(err.name, 'QueueDoesNotExist');
  assert.equal(err.Code, 'AWS.SimpleQueueService.NonExistentQueue');
  assert.equal(err.Type, 'Sender');
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.equal(err.$fault, 'client');
  const send = await sqs.send(new SendMessageCommand({
    QueueUrl: `${server.endpoint}/123456789012/node-not-there`, MessageBody: 'x',
  })).then(() => assert.fail('SendMessage to a missing queue succeeded'), (e) => e);
  assert.equal(send.name, 'QueueDoesNotExist');
});
