// DynamoDB's real bugs of issue 14 through the AWS SDK for JavaScript v3: list
// indexes past the end, binary keys in batches, TTL as AWS does it (expired
// items read until the sweeper deletes them) and point-in-time recovery.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, PutItemCommand, GetItemCommand, UpdateItemCommand, BatchWriteItemCommand,
  BatchGetItemCommand, ScanCommand, DescribeContinuousBackupsCommand, UpdateContinuousBackupsCommand,
  TableNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { sdkConfig, startServer } from './server.mjs';

let server;
let client;
before(async () => {
  server = await startServer();
  client = new DynamoDBClient(sdkConfig(server));
});
after(async () => {
  client.destroy();
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

// a control request (mockaws package): rejects with the server's message unless 200
const control = (method, path, body) => server.client.request(method, `/_mockaws/${path}`, body);

const table = (name, type = 'S', extra = {}) => ({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: type }],
  ...extra,
});

test('list indexes past the end are appended in index order', async () => {
  await control('POST', 'state', { dynamodb: { tables: [table('jslists')] } });
  const Key = { pk: { S: 'a' } };
  await client.send(new PutItemCommand({ TableName: 'jslists', Item: { ...Key, c: { L: [{ N: '1' }, { N: '3' }] } } }));
  await client.send(new UpdateItemCommand({
    TableName: 'jslists', Key, UpdateExpression: 'SET c[4] = :x, c[2] = :y',
    ExpressionAttributeValues: { ':x': { S: 'x' }, ':y': { S: 'y' } },
  }));
  const got = await client.send(new GetItemCommand({ TableName: 'jslists', Key }));
  assert.deepEqual(got.Item.c.L, [{ N: '1' }, { N: '3' }, { S: 'y' }, { S: 'x' }]);
});

test('binary keys that are not UTF-8 are distinct keys', async () => {
  await control('POST', 'state', { dynamodb: { tables: [table('jsbins', 'B')] } });
  const keys = [Uint8Array.of(0x80), Uint8Array.of(0xff)];
  await client.send(new BatchWriteItemCommand({
    RequestItems: { jsbins: keys.map((k) => ({ PutRequest: { Item: { pk: { B: k } } } })) },
  }));
  const got = await client.send(new BatchGetItemCommand({
    RequestItems: { jsbins: { Keys: keys.map((k) => ({ pk: { B: k } })) } },
  }));
  assert.deepEqual(got.Responses.jsbins.map((i) => i.pk.B[0]).sort(), [0x80, 0xff]);
});

test('expired items are read until the TTL sweeper deletes them', async () => {
  await control('POST', 'state', {
    dynamodb: { tables: [table('jssessions', 'S', { TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true } })] },
  });
  const { now_ms: now } = await control('POST', 'clock', { mode: 'virtual' });
  try {
    const exp = String(Math.floor(now / 1000) - 1);
    await client.send(new PutItemCommand({ TableName: 'jssessions', Item: { pk: { S: 'old' }, exp: { N: exp } } }));
    const still = await client.send(new GetItemCommand({ TableName: 'jssessions', Key: { pk: { S: 'old' } } }));
    assert.equal(still.Item.exp.N, exp);
    await control('POST', 'clock', { advance_ms: 5000 });
    const scan = await client.send(new ScanCommand({ TableName: 'jssessions' }));
    assert.equal(scan.Count, 0);
    const { deletions } = await control('GET', 'dynamodb/ttl-deletions?table=jssessions');
    assert.equal(deletions.length, 1);
    assert.equal(deletions[0].userIdentity.principalId, 'dynamodb.amazonaws.com');
  } finally {
    await control('POST', 'clock', { mode: 'real' });
  }
});

test('point-in-time recovery is described and switched as DynamoDB does', async () => {
  await control('POST', 'state', { dynamodb: { tables: [table('jspitr')] } });
  const before = await client.send(new DescribeContinuousBackupsCommand({ TableName: 'jspitr' }));
  assert.equal(before.ContinuousBackupsDescription.ContinuousBackupsStatus, 'ENABLED');
  assert.equal(before.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus, 'DISABLED');
  const on = await client.send(new UpdateContinuousBackupsCommand({
    TableName: 'jspitr', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
  }));
  const p = on.ContinuousBackupsDescription.PointInTimeRecoveryDescription;
  assert.equal(p.PointInTimeRecoveryStatus, 'ENABLED');
  assert.equal(p.RecoveryPeriodInDays, 35);
  assert.ok(p.EarliestRestorableDateTime instanceof Date);
  await assert.rejects(client.send(new DescribeContinuousBackupsCommand({ TableName: 'jsnosuch' })),
    (err) => err instanceof TableNotFoundException && err.message === 'Table not found: jsnosuch');
});
