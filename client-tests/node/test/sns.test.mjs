// SNS through the AWS SDK for JavaScript v3: topics, an HTTP subscriber that
// confirms and receives notifications, PublishBatch, FIFO, errors, the
// inspection API and the throttling scenario.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand, PublishBatchCommand,
  GetSubscriptionAttributesCommand, ListTopicsCommand, paginateListTopics, GetTopicAttributesCommand,
} from '@aws-sdk/client-sns';
import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ACCOUNT = '123456789012';
let server;
before(async () => { server = await startServer(); });
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

function sns(region = 'us-east-1') {
  return new SNSClient({
    endpoint: server.endpoint,
    region,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
}

async function control(method, path, body) {
  const res = await fetch(`${server.endpoint}/_mockaws/${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, doc: await res.json() };
}

async function messages(query = {}) {
  const { status, doc } = await control('GET', `sns/messages?${new URLSearchParams(query)}`);
  assert.equal(status, 200, JSON.stringify(doc));
  return doc;
}

async function eventually(check, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// An HTTP endpoint on loopback that confirms subscriptions by fetching the
// SubscribeURL, and records what it receives.
async function subscriber() {
  const received = [];
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', async () => {
      received.push({ headers: req.headers, body });
      if (req.headers['x-amz-sns-message-type'] === 'SubscriptionConfirmation') {
        await fetch(JSON.parse(body).SubscribeURL);
      }
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${srv.address().port}/hook`, received, close: () => srv.close() };
}

test('an HTTP subscriber is confirmed and receives the notification', async () => {
  const client = sns();
  const sub = await subscriber();
  try {
    const { TopicArn } = await client.send(new CreateTopicCommand({ Name: 'node-orders' }));
    const { SubscriptionArn } = await client.send(new SubscribeCommand({
      TopicArn, Protocol: 'http', Endpoint: sub.url, ReturnSubscriptionArn: true,
    }));
    await eventually(async () => {
      const a = await client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
      return a.Attributes.PendingConfirmation === 'false';
    }, 'the confirmation');
    const { MessageId } = await client.send(new PublishCommand({
      TopicArn, Message: 'hello', Subject: 'Hi',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'created' } },
    }));
    const note = await eventually(() => sub.received.find((r) => r.headers['x-amz-sns-message-type'] === 'Notification'),
      'the notification');
    const env = JSON.parse(note.body);
    assert.equal(env.Type, 'Notification');
    assert.equal(env.MessageId, MessageId);
    assert.equal(env.TopicArn, TopicArn);
    assert.equal(env.Message, 'hello');
    assert.equal(env.Subject, 'Hi');
    assert.deepEqual(env.MessageAttributes, { kind: { Type: 'String', Value: 'created' } });
    assert.equal(note.headers['x-amz-sns-subscription-arn'], SubscriptionArn);
    const doc = await eventually(async () => {
      const d = await messages({ topic_arn: TopicArn });
      return d.messages[0]?.deliveries[0]?.status === 'delivered' && d;
    }, 'the delivery status');
    assert.equal(doc.messages[0].message_id, MessageId);
    assert.equal(doc.messages[0].deliveries[0].http_status, 200);
  } finally {
    sub.close();
  }
});

test('PublishBatch, FIFO sequence numbers and deduplication', async () => {
  const client = sns('eu-west-1');
  const { TopicArn } = await client.send(new CreateTopicCommand({
    Name: 'node-jobs.fifo', Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' },
  }));
  const r = await client.send(new PublishBatchCommand({
    TopicArn,
    PublishBatchRequestEntries: [
      { Id: 'a', Message: 'one', MessageGroupId: 'g' },
      { Id: 'b', Message: 'two', MessageGroupId: 'g' },
      { Id: 'c', Message: 'one', MessageGroupId: 'g' },
    ],
  }));
  assert.equal(r.Successful.length, 3);
  assert.equal(r.Failed?.length ?? 0, 0);
  const [a, b, c] = r.Successful;
  assert.ok(BigInt(b.SequenceNumber) > BigInt(a.SequenceNumber));
  assert.equal(c.MessageId, a.MessageId, 'same content within five minutes: deduplicated');
  const doc = await messages({ topic_arn: TopicArn, region: 'eu-west-1' });
  assert.deepEqual(doc.messages.map((m) => m.message), ['one', 'two']);
  await assert.rejects(client.send(new PublishCommand({ TopicArn, Message: 'x' })), (err) => {
    assert.equal(err.name, 'InvalidParameterException');
    assert.equal(err.message, 'Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
    return true;
  });
});

test('errors surface as the SDK exceptions', async () => {
  const client = sns();
  await assert.rejects(
    client.send(new PublishCommand({ TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:missing`, Message: 'x' })),
    (err) => {
      assert.equal(err.name, 'NotFoundException');
      assert.equal(err.$metadata.httpStatusCode, 404);
      return true;
    });
  await assert.rejects(client.send(new CreateTopicCommand({ Name: 'bad name' })),
    (err) => err.name === 'InvalidParameterException' && err.message === 'Invalid parameter: Topic Name');
  const { TopicArn } = await client.send(new CreateTopicCommand({ Name: 'node-errors' }));
  await assert.rejects(client.send(new PublishCommand({
    TopicArn, Message: 'x', MessageAttributes: { a: { DataType: 'Number', StringValue: 'ten' } },
  })), (err) => {
    assert.equal(err.name, 'InvalidParameterValueException');
    assert.equal(err.message, "Could not cast message attribute 'a' value to number.");
    return true;
  });
  const attrs = await client.send(new GetTopicAttributesCommand({ TopicArn }));
  assert.equal(attrs.Attributes.TopicArn, TopicArn);
});

test('ListTopics paginates by 100', async () => {
  const client = sns('ap-south-1');
  for (let i = 0; i < 120; i++) await client.send(new CreateTopicCommand({ Name: `page-${i}` }));
  const sizes = [];
  for await (const page of paginateListTopics({ client }, {})) sizes.push(page.Topics.length);
  assert.deepEqual(sizes, [100, 20]);
  const first = await client.send(new ListTopicsCommand({}));
  assert.ok(first.NextToken);
});

test('the throttling scenario: the SDK retries 429 Throttled and gets through', async () => {
  await control('POST', 'reset');
  const scenario = JSON.parse(readFileSync(join(here, '..', '..', '..', 'scenarios', 'sns-throttled-publish.json'), 'utf8'));
  const loaded = await control('POST', 'scenario', scenario);
  assert.equal(loaded.status, 200, JSON.stringify(loaded.doc));
  const client = sns();
  const r = await client.send(new PublishCommand({
    TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:notifications`, Message: 'x',
  }));
  assert.equal(r.$metadata.attempts, 3);
  const verify = await control('GET', 'scenario/verify');
  assert.equal(verify.doc.passed, true, JSON.stringify(verify.doc, null, 1));
});
