// The fan-out into SQS through the AWS SDK for JavaScript v3: a worker that
// long-polls a queue fed by an SNS topic (the SDK checks each message's MD5),
// unwraps the SNS envelope, handles and deletes each message; and a FIFO topic
// whose raw deliveries a worker reads in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand,
} from '@aws-sdk/client-sns';
import {
  SQSClient, CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand,
  ReceiveMessageCommand, DeleteMessageCommand,
} from '@aws-sdk/client-sqs';
import { startServer, sdkConfig } from './server.mjs';

let server;
let sns;
let sqs;
before(async () => {
  server = await startServer();
  sns = new SNSClient(sdkConfig(server));
  sqs = new SQSClient(sdkConfig(server));
});
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

// A queue that topicArn's SNS deliveries may reach (its policy says so).
async function queueFor(name, topicArn, attributes = {}) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const policy = {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: Attributes.QueueArn,
      Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
    }],
  };
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: JSON.stringify(policy) } }));
  return { QueueUrl, QueueArn: Attributes.QueueArn };
}

// Long-polls until it has handled `want` messages; each is handed to handle()
// and deleted. Resolves to what handle() returned, in order.
async function worker(QueueUrl, want, handle, extra = {}) {
  const done = [];
  while (done.length < want) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
      QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20, ...extra,
    }));
    for (const m of Messages) {
      done.push(handle(m));
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return done;
}

test('a worker long-polling a queue fed by SNS gets each notification as it is published', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'node-orders' }));
  const { QueueUrl, QueueArn } = await queueFor('node-orders-worker', TopicArn);
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: QueueArn }));

  // the worker is waiting in a long poll before anything is published
  const started = Date.now();
  const running = worker(QueueUrl, 3, (m) => {
    const env = JSON.parse(m.Body);
    assert.equal(env.Type, 'Notification');
    assert.equal(env.TopicArn, TopicArn);
    return { id: env.MessageId, order: JSON.parse(env.Message), kind: env.MessageAttributes.kind.Value };
  });
  const published = [];
  for (let i = 1; i <= 3; i++) {
    const { MessageId } = await sns.send(new PublishCommand({
      TopicArn, Message: JSON.stringify({ order: i }),
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'created' } },
    }));
    published.push(MessageId);
  }
  const handled = await running;
  // a message wakes the long poll: three of them did not each wait out its 20 s
  assert.ok(Date.now() - started < 20_000, `the worker took ${Date.now() - started} ms`);
  assert.deepEqual(handled.map((h) => h.id).sort(), [...published].sort());
  assert.deepEqual(handled.map((h) => h.order.order).sort(), [1, 2, 3]);
  assert.ok(handled.every((h) => h.kind === 'created'));
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
  assert.equal(Messages.length, 0, 'every message was deleted');
});

test('a FIFO topic delivers raw messages to a FIFO queue in order', async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({
    Name: 'node-ledger.fifo', Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' },
  }));
  const { QueueUrl, QueueArn } = await queueFor('node-ledger.fifo', TopicArn, { FifoQueue: 'true' });
  await sns.send(new SubscribeCommand({
    TopicArn, Protocol: 'sqs', Endpoint: QueueArn, Attributes: { RawMessageDelivery: 'true' },
  }));
  for (let i = 0; i < 6; i++) {
    await sns.send(new PublishCommand({
      TopicArn, Message: `entry ${i}`, MessageGroupId: i % 2 ? 'odd' : 'even',
      MessageAttributes: { n: { DataType: 'Number', StringValue: String(i) } },
    }));
  }
  const got = await worker(QueueUrl, 6, (m) => ({
    body: m.Body, group: m.Attributes.MessageGroupId, n: m.MessageAttributes.n.StringValue,
  }), { MessageSystemAttributeNames: ['MessageGroupId'], MessageAttributeNames: ['All'] });
  for (const group of ['even', 'odd']) {
    const mine = got.filter((g) => g.group === group).map((g) => g.body);
    const want = [0, 1, 2, 3, 4, 5].filter((i) => (i % 2 ? 'odd' : 'even') === group).map((i) => `entry ${i}`);
    assert.deepEqual(mine, want, `group ${group} in order`);
  }
  assert.deepEqual(got.map((g) => g.n).sort(), ['0', '1', '2', '3', '4', '5']);
});
