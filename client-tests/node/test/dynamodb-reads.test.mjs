// DynamoDB reads, batches and transactions through the AWS SDK for JavaScript v3 (issue 6):
// paginateQuery / paginateScan (client and DocumentClient), secondary indexes, batches with
// Unprocessed* from a fault rule, transactions with their cancellation reasons.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, QueryCommand, BatchWriteItemCommand, TransactWriteItemsCommand,
  TransactGetItemsCommand, paginateQuery, paginateScan, TransactionCanceledException,
  DescribeTimeToLiveCommand, UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient, BatchWriteCommand, BatchGetCommand, QueryCommand as DocQuery,
  paginateQuery as docPaginateQuery, paginateScan as docPaginateScan, TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { startServer } from './server.mjs';

let server;
let client;
let doc;

// a control request (mockaws package): rejects with the server's message unless 200
const control = (method, path, body) => server.client.request(method, path, body);

const ORDERS = {
  TableName: 'jsorders',
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [{ AttributeName: 'cust', KeyType: 'HASH' }, { AttributeName: 'id', KeyType: 'RANGE' }],
  AttributeDefinitions: [
    { AttributeName: 'cust', AttributeType: 'S' }, { AttributeName: 'id', AttributeType: 'N' },
    { AttributeName: 'status', AttributeType: 'S' },
  ],
  GlobalSecondaryIndexes: [{
    IndexName: 'byStatus',
    KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'id', KeyType: 'RANGE' }],
    Projection: { ProjectionType: 'ALL' },
  }],
};

before(async () => {
  server = await startServer();
  client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  doc = DynamoDBDocumentClient.from(client);
  await control('POST', '/_mockaws/state', {
    dynamodb: {
      tables: [ORDERS, {
        TableName: 'jswide', BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        generate: { count: 300, size: 16 },
      }],
    },
  });
  // 120 orders in batches of 25 with the DocumentClient
  for (let start = 0; start < 120; start += 25) {
    const items = [];
    for (let i = start; i < Math.min(start + 25, 120); i++) {
      items.push({ PutRequest: { Item: { cust: i % 2 ? 'ann' : 'bob', id: i, status: i % 3 ? 'open' : 'shut' } } });
    }
    const res = await doc.send(new BatchWriteCommand({ RequestItems: { jsorders: items } }));
    assert.deepEqual(res.UnprocessedItems, {});
  }
});

after(async () => {
  client.destroy();
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

test('paginateQuery walks every page of a key range, in order, both ways', async () => {
  const ids = [];
  let pages = 0;
  for await (const page of paginateQuery({ client, pageSize: 7 }, {
    TableName: 'jsorders',
    KeyConditionExpression: 'cust = :c AND id >= :lo',
    ExpressionAttributeValues: { ':c': { S: 'ann' }, ':lo': { N: '21' } },
  })) {
    pages += 1;
    ids.push(...page.Items.map((i) => Number(i.id.N)));
  }
  const want = [];
  for (let i = 21; i < 120; i += 2) want.push(i);
  assert.deepEqual(ids, want);
  assert.equal(pages, Math.ceil(want.length / 7) + (want.length % 7 === 0 ? 1 : 0));

  const back = [];
  for await (const page of docPaginateQuery({ client: doc, pageSize: 13 }, {
    TableName: 'jsorders', KeyConditionExpression: 'cust = :c', ExpressionAttributeValues: { ':c': 'bob' },
    ScanIndexForward: false,
  })) back.push(...page.Items.map((i) => i.id));
  assert.equal(back.length, 60);
  assert.equal(back[0], 118);
  assert.equal(back[59], 0);
});

test('paginateScan and parallel segments cover the table once', async () => {
  const all = new Set();
  for await (const page of paginateScan({ client, pageSize: 40 }, { TableName: 'jswide' })) {
    for (const item of page.Items) all.add(item.id.S);
  }
  assert.equal(all.size, 300);
  const segments = await Promise.all([0, 1, 2].map(async (segment) => {
    const ids = [];
    for await (const page of docPaginateScan({ client: doc, pageSize: 17 }, {
      TableName: 'jswide', Segment: segment, TotalSegments: 3,
    })) ids.push(...page.Items.map((i) => i.id));
    return ids;
  }));
  assert.equal(segments.flat().length, 300);
  assert.equal(new Set(segments.flat()).size, 300);
  for (const s of segments) assert.ok(s.length > 0);
});

test('a GSI query pages with the index keys in LastEvaluatedKey', async () => {
  const first = await doc.send(new DocQuery({
    TableName: 'jsorders', IndexName: 'byStatus', KeyConditionExpression: '#s = :s',
    ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': 'shut' }, Limit: 5,
  }));
  assert.deepEqual(first.Items.map((i) => i.id), [0, 3, 6, 9, 12]);
  assert.deepEqual(first.LastEvaluatedKey, { cust: 'bob', id: 12, status: 'shut' });
  await assert.rejects(client.send(new QueryCommand({
    TableName: 'jsorders', IndexName: 'byStatus', KeyConditionExpression: '#s = :s', ConsistentRead: true,
    ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'shut' } },
  })), { name: 'ValidationException', message: 'Consistent reads are not supported on global secondary indexes' });
});

test('unprocessed batches come back to be sent again', async () => {
  await control('POST', '/_mockaws/faults', { service: 'dynamodb', operation: 'BatchWriteItem', unprocessed: 0.5 });
  let request = { jsorders: [] };
  for (let i = 0; i < 20; i++) request.jsorders.push({ PutRequest: { Item: { cust: 'cat', id: i } } });
  let calls = 0;
  while (Object.keys(request).length && calls < 20) {
    const res = await doc.send(new BatchWriteCommand({ RequestItems: request }));
    request = res.UnprocessedItems;
    calls += 1;
  }
  assert.equal(calls, 5);
  await control('POST', '/_mockaws/faults', { service: 'dynamodb', operation: 'BatchGetItem', unprocessed: 0.5 });
  let keys = { jsorders: { Keys: Array.from({ length: 20 }, (_, i) => ({ cust: 'cat', id: i })) } };
  const got = [];
  while (Object.keys(keys).length) {
    const res = await doc.send(new BatchGetCommand({ RequestItems: keys }));
    got.push(...res.Responses.jsorders.map((i) => i.id));
    keys = res.UnprocessedKeys;
  }
  assert.deepEqual(got.sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  await control('DELETE', '/_mockaws/faults');
  await assert.rejects(client.send(new BatchWriteItemCommand({
    RequestItems: {
      jsorders: [
        { PutRequest: { Item: { cust: { S: 'x' }, id: { N: '1' } } } },
        { PutRequest: { Item: { cust: { S: 'x' }, id: { N: '1' } } } },
      ],
    },
  })), { name: 'ValidationException', message: 'Provided list of item keys contains duplicates' });
});

test('a cancelled transaction says why, per action, and writes nothing', async () => {
  await doc.send(new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: 'jsorders', Item: { cust: 'dan', id: 1, total: 10 } } },
      { Update: { TableName: 'jsorders', Key: { cust: 'ann', id: 1 }, UpdateExpression: 'SET seen = :t', ExpressionAttributeValues: { ':t': true } } },
    ],
  }));
  const err = await client.send(new TransactWriteItemsCommand({
    TransactItems: [
      { ConditionCheck: { TableName: 'jsorders', Key: { cust: { S: 'dan' }, id: { N: '1' } }, ConditionExpression: '#t > :n', ExpressionAttributeNames: { '#t': 'total' }, ExpressionAttributeValues: { ':n': { N: '100' } }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
      { Delete: { TableName: 'jsorders', Key: { cust: { S: 'ann' }, id: { N: '1' } } } },
    ],
  })).then(() => null, (e) => e);
  assert.ok(err instanceof TransactionCanceledException, String(err));
  assert.equal(err.message, 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]');
  assert.deepEqual(err.CancellationReasons.map((r) => r.Code), ['ConditionalCheckFailed', 'None']);
  assert.equal(err.CancellationReasons[0].Item.total.N, '10');
  const still = await client.send(new TransactGetItemsCommand({
    TransactItems: [{ Get: { TableName: 'jsorders', Key: { cust: { S: 'ann' }, id: { N: '1' } } } }],
  }));
  assert.equal(still.Responses[0].Item.seen.BOOL, true);
});

test('time to live is set and described', async () => {
  // ENABLING lasts 500 ms of server time: on a frozen clock it ends when the test says
  await control('POST', '/_mockaws/clock', { mode: 'virtual' });
  try {
    await client.send(new UpdateTimeToLiveCommand({ TableName: 'jsorders', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }));
    const res = await client.send(new DescribeTimeToLiveCommand({ TableName: 'jsorders' }));
    assert.equal(res.TimeToLiveDescription.AttributeName, 'exp');
    assert.equal(res.TimeToLiveDescription.TimeToLiveStatus, 'ENABLING');
    await control('POST', '/_mockaws/clock', { advance_ms: 5000 });
    const later = await client.send(new DescribeTimeToLiveCommand({ TableName: 'jsorders' }));
    assert.deepEqual(later.TimeToLiveDescription, { AttributeName: 'exp', TimeToLiveStatus: 'ENABLED' });
  } finally {
    await control('POST', '/_mockaws/clock', { mode: 'real' });
  }
});
