// DynamoDB's front end and its words through the AWS SDK for JavaScript v3:
// the request id, a NUL inside a string, DeleteTable's and CreateTable's
// answers, ValidationException wording; and over fetch what the SDK would
// not send (docs/AWS-FACTS.md, "DynamoDB front end and wording").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, DeleteTableCommand, ListTablesCommand,
  PutItemCommand, GetItemCommand, UpdateItemCommand, BatchWriteItemCommand,
} from '@aws-sdk/client-dynamodb';
import { startServer } from './server.mjs';

let server;
let client;
before(async () => {
  server = await startServer();
  client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
});
after(async () => {
  client.destroy();
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

const advanceClock = (ms = 5000) => server.client.clock.advance(ms);

async function raw(op, body) {
  const res = await fetch(server.endpoint, {
    method: 'POST',
    headers: {
      'x-amz-target': `DynamoDB_20120810.${op}`,
      'content-type': 'application/x-amz-json-1.0',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/dynamodb/aws4_request, '
        + 'SignedHeaders=host, Signature=0',
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

async function makeTable(name, extra = {}) {
  const out = await client.send(new CreateTableCommand({
    TableName: name,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, ...(extra.defs ?? [])],
    BillingMode: 'PAY_PER_REQUEST',
    ...(extra.gsis ? { GlobalSecondaryIndexes: extra.gsis } : {}),
  }));
  await advanceClock();
  return out.TableDescription;
}

test('request ids are 52 characters of [0-9A-Z]', async () => {
  const out = await client.send(new ListTablesCommand({}));
  assert.match(out.$metadata.requestId, /^[0-9A-Z]{52}$/);
});

test('bodies that are not input get the bare SerializationException', async () => {
  for (const body of ['', 'hi', '{"Limit": 1']) {
    const res = await raw('ListTables', body);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { __type: 'com.amazon.coral.service#SerializationException' });
  }
  const res = await raw('ListTable', {});
  assert.deepEqual(res.body, { __type: 'com.amazon.coral.service#UnknownOperationException' });
});

test('SerializationException says Message, in DynamoDB\'s words', async () => {
  await makeTable('words');
  const cases = [
    [{ TableName: 5 }, 'NUMBER_VALUE cannot be converted to String'],
    [{ TableName: 'words', ConsistentRead: 'maybe' }, 'Unexpected token received from parser'],
    [{ TableName: 'words', Key: { pk: { B: '+/+=' } } }, 'Invalid last non-pad Base64 character dectected'],
    [{ TableName: 'words', Key: 'x' }, 'Unexpected field type'],
  ];
  for (const [body, message] of cases) {
    const res = await raw('GetItem', body);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { __type: 'com.amazon.coral.service#SerializationException', Message: message });
  }
  const ok = await raw('GetItem', { TableName: 'words', Key: { pk: { S: 'a' } }, ConsistentRead: 'true' });
  assert.equal(ok.status, 200);
});

test('a NUL inside a string is stored and comes back', async () => {
  await makeTable('nul');
  await client.send(new PutItemCommand({
    TableName: 'nul', Item: { pk: { S: 'abc\u0000' }, v: { S: '\u0000x' } },
  }));
  await client.send(new PutItemCommand({ TableName: 'nul', Item: { pk: { S: 'abc' }, v: { S: 'plain' } } }));
  const out = await client.send(new GetItemCommand({ TableName: 'nul', Key: { pk: { S: 'abc\u0000' } } }));
  assert.deepEqual(out.Item, { pk: { S: 'abc\u0000' }, v: { S: '\u0000x' } });
});

test('CreateTable, DescribeTable and DeleteTable answer with DynamoDB\'s fields', async () => {
  const created = await makeTable('shapes', {
    defs: [{ AttributeName: 'g', AttributeType: 'S' }],
    gsis: [{ IndexName: 'by_g', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'ALL' } }],
  });
  assert.deepEqual(created.BillingModeSummary, { BillingMode: 'PAY_PER_REQUEST' });
  assert.equal(created.GlobalSecondaryIndexes[0].Backfilling, undefined);
  const described = (await client.send(new DescribeTableCommand({ TableName: 'shapes' }))).Table;
  assert.ok(described.BillingModeSummary.LastUpdateToPayPerRequestDateTime instanceof Date);
  const deleted = (await client.send(new DeleteTableCommand({ TableName: 'shapes' }))).TableDescription;
  assert.equal(deleted.TableStatus, 'DELETING');
  for (const gone of ['AttributeDefinitions', 'KeySchema', 'CreationDateTime', 'GlobalSecondaryIndexes']) {
    assert.equal(deleted[gone], undefined, gone);
  }
  for (const kept of ['TableName', 'TableId', 'TableArn', 'BillingModeSummary', 'ItemCount']) {
    assert.notEqual(deleted[kept], undefined, kept);
  }
});

test('ValidationException in today\'s words', async () => {
  await makeTable('valid');
  const requests = Array.from({ length: 26 }, (_, i) => ({ PutRequest: { Item: { pk: { S: String(i) } } } }));
  await assert.rejects(client.send(new BatchWriteItemCommand({ RequestItems: { valid: requests } })), (err) => {
    assert.equal(err.name, 'ValidationException');
    assert.ok(err.message.endsWith('Map value must satisfy constraint: [Member must have length less than or '
      + 'equal to 25, Member must have length greater than or equal to 1]'), err.message);
    return true;
  });
  await client.send(new PutItemCommand({ TableName: 'valid', Item: { pk: { S: 'a' }, b: { SS: ['1'] } } }));
  await assert.rejects(client.send(new UpdateItemCommand({
    TableName: 'valid', Key: { pk: { S: 'a' } }, AttributeUpdates: { b: { Action: 'DELETE', Value: { NS: ['1'] } } },
  })), { name: 'ValidationException', message: 'Type mismatch for attribute to update' });
});
