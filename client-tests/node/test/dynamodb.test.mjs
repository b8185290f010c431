// DynamoDB through the AWS SDK for JavaScript v3: the low-level client, its
// waiters, and the DynamoDBDocumentClient of @aws-sdk/lib-dynamodb.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, DeleteTableCommand, ListTablesCommand,
  PutItemCommand, GetItemCommand, UpdateItemCommand, TagResourceCommand, ListTagsOfResourceCommand,
  waitUntilTableExists, waitUntilTableNotExists, ConditionalCheckFailedException, ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient, PutCommand, GetCommand, UpdateCommand, DeleteCommand,
} from '@aws-sdk/lib-dynamodb';
import { startServer } from './server.mjs';

let server;
let client;
let doc;
before(async () => {
  server = await startServer();
  client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
});
after(async () => {
  client.destroy();
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

const clock = (body) => server.client.request('POST', '/_mockaws/clock', body);

const advanceClock = (ms = 5000) => clock({ advance_ms: ms });

async function createTable(name, extra = {}) {
  await client.send(new CreateTableCommand({
    TableName: name,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...extra,
  }));
}

test('create, wait until it exists, describe, list, delete, wait until gone', async () => {
  // CREATING lasts 500 ms of server time: frozen until it has been seen, then real time
  await clock({ mode: 'virtual' });
  try {
    await createTable('jsorders', { Tags: [{ Key: 'team', Value: 'js' }] });
    const first = await client.send(new DescribeTableCommand({ TableName: 'jsorders' }));
    assert.equal(first.Table.TableStatus, 'CREATING');
    assert.ok(first.Table.CreationDateTime instanceof Date);
  } finally {
    await clock({ mode: 'real' });
  }
  const res = await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.2, maxDelay: 0.5 },
    { TableName: 'jsorders' });
  assert.equal(res.state, 'SUCCESS');
  const desc = await client.send(new DescribeTableCommand({ TableName: 'jsorders' }));
  assert.equal(desc.Table.TableStatus, 'ACTIVE');
  assert.equal(desc.Table.KeySchema[1].AttributeName, 'sk');
  const tags = await client.send(new ListTagsOfResourceCommand({ ResourceArn: desc.Table.TableArn }));
  assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'js' }]);
  await client.send(new TagResourceCommand({ ResourceArn: desc.Table.TableArn, Tags: [{ Key: 'x', Value: 'y' }] }));
  const listed = await client.send(new ListTablesCommand({}));
  assert.ok(listed.TableNames.includes('jsorders'));

  const del = await client.send(new DeleteTableCommand({ TableName: 'jsorders' }));
  assert.equal(del.TableDescription.TableStatus, 'DELETING');
  const gone = await waitUntilTableNotExists({ client, maxWaitTime: 30, minDelay: 0.2, maxDelay: 0.5 },
    { TableName: 'jsorders' });
  assert.equal(gone.state, 'SUCCESS');
  await assert.rejects(client.send(new DescribeTableCommand({ TableName: 'jsorders' })),
    (e) => e instanceof ResourceNotFoundException && e.message === 'Requested resource not found: Table: jsorders not found');
});

test('DocumentClient put / get / update / delete with expressions', async () => {
  await createTable('jsdocs');
  await advanceClock();
  await doc.send(new PutCommand({
    TableName: 'jsdocs',
    Item: { pk: 'user#1', sk: 1, name: 'Ann', score: 10.5, tags: new Set(['a', 'b']), profile: { city: 'Oslo', langs: ['no', 'en'] }, bin: new Uint8Array([0, 255]), nothing: null },
    ConditionExpression: 'attribute_not_exists(pk)',
  }));
  const got = await doc.send(new GetCommand({ TableName: 'jsdocs', Key: { pk: 'user#1', sk: 1 }, ConsistentRead: true }));
  assert.equal(got.Item.name, 'Ann');
  assert.equal(got.Item.score, 10.5);
  assert.deepEqual([...got.Item.tags].sort(), ['a', 'b']);
  assert.deepEqual(got.Item.profile.langs, ['no', 'en']);
  assert.deepEqual([...got.Item.bin], [0, 255]);
  assert.equal(got.Item.nothing, null);

  const upd = await doc.send(new UpdateCommand({
    TableName: 'jsdocs',
    Key: { pk: 'user#1', sk: 1 },
    UpdateExpression: 'SET score = score + :d, #p.city = :c, #p.langs = list_append(#p.langs, :more) '
      + 'REMOVE nothing ADD visits :one DELETE tags :gone',
    ConditionExpression: 'score BETWEEN :lo AND :hi AND contains(#p.langs, :en) AND size(#n) = :three',
    ExpressionAttributeNames: { '#p': 'profile', '#n': 'name' },
    ExpressionAttributeValues: {
      ':d': 2, ':c': 'Bergen', ':more': ['de'], ':one': 1, ':gone': new Set(['a']),
      ':lo': 10, ':hi': 11, ':en': 'en', ':three': 3,
    },
    ReturnValues: 'ALL_NEW',
  }));
  assert.equal(upd.Attributes.score, 12.5);
  assert.equal(upd.Attributes.profile.city, 'Bergen');
  assert.deepEqual(upd.Attributes.profile.langs, ['no', 'en', 'de']);
  assert.equal(upd.Attributes.visits, 1);
  assert.deepEqual([...upd.Attributes.tags], ['b']);
  assert.ok(!('nothing' in upd.Attributes));

  const proj = await doc.send(new GetCommand({
    TableName: 'jsdocs', Key: { pk: 'user#1', sk: 1 }, ProjectionExpression: '#p.city, visits',
    ExpressionAttributeNames: { '#p': 'profile' },
  }));
  assert.deepEqual(proj.Item, { profile: { city: 'Bergen' }, visits: 1 });

  await assert.rejects(doc.send(new PutCommand({
    TableName: 'jsdocs', Item: { pk: 'user#1', sk: 1 }, ConditionExpression: 'attribute_not_exists(pk)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  })), (e) => {
    assert.ok(e instanceof ConditionalCheckFailedException);
    assert.equal(e.message, 'The conditional request failed');
    assert.equal(e.Item.name.S, 'Ann');
    return true;
  });

  const old = await doc.send(new DeleteCommand({ TableName: 'jsdocs', Key: { pk: 'user#1', sk: 1 }, ReturnValues: 'ALL_OLD' }));
  assert.equal(old.Attributes.name, 'Ann');
  const after = await doc.send(new GetCommand({ TableName: 'jsdocs', Key: { pk: 'user#1', sk: 1 } }));
  assert.equal(after.Item, undefined);
});

test('exact 38-digit numbers through the low-level client', async () => {
  await createTable('jsnums');
  await advanceClock();
  await client.send(new PutItemCommand({
    TableName: 'jsnums', Item: { pk: { S: 'n' }, sk: { N: '0' }, v: { N: '99999999999999999999999999999999999998' } },
  }));
  const out = await client.send(new UpdateItemCommand({
    TableName: 'jsnums', Key: { pk: { S: 'n' }, sk: { N: '0' } }, UpdateExpression: 'ADD v :one',
    ExpressionAttributeValues: { ':one': { N: '1' } }, ReturnValues: 'UPDATED_NEW',
  }));
  assert.deepEqual(out.Attributes, { v: { N: '99999999999999999999999999999999999999' } });
  const got = await client.send(new GetItemCommand({ TableName: 'jsnums', Key: { pk: { S: 'n' }, sk: { N: '0.0' } } }));
  assert.equal(got.Item.v.N, '99999999999999999999999999999999999999');
});

test('validation errors carry DynamoDB messages', async () => {
  await createTable('jserrs');
  await advanceClock();
  const cases = [
    [{ Item: { pk: { S: 'a' } } }, 'One or more parameter values were invalid: Missing the key sk in the item'],
    [{ Item: { pk: { S: 'a' }, sk: { N: 'x' } } }, 'The parameter cannot be converted to a numeric value: x'],
    [{ Item: { pk: { S: 'a' }, sk: { N: '1' } }, ExpressionAttributeNames: { '#a': 'a' } },
      'ExpressionAttributeNames can only be specified when using expressions'],
    [{ Item: { pk: { S: 'a' }, sk: { N: '1' } }, ConditionExpression: 'begins_with(name, :p)', ExpressionAttributeValues: { ':p': { S: 'x' } } },
      'Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name'],
  ];
  for (const [params, message] of cases) {
    await assert.rejects(client.send(new PutItemCommand({ TableName: 'jserrs', ...params })), (e) => {
      assert.equal(e.name, 'ValidationException');
      assert.equal(e.message, message);
      return true;
    });
  }
});
