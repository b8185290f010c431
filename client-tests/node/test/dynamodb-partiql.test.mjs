// DynamoDB's PartiQL through the AWS SDK for JavaScript v3 (issue 14): ExecuteStatement
// SELECT paged by NextToken, INSERT of an item that exists, UPDATE ... RETURNING, DELETE,
// a cancelled ExecuteTransaction and a BatchExecuteStatement with one failing statement,
// against a table made by CreateTable; and the DocumentClient's ExecuteStatementCommand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, CreateTableCommand, ExecuteStatementCommand, BatchExecuteStatementCommand,
  ExecuteTransactionCommand, TransactionCanceledException, DuplicateItemException,
  ConditionalCheckFailedException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ExecuteStatementCommand as DocExecute } from '@aws-sdk/lib-dynamodb';
import { startServer } from './server.mjs';

let server;
let client;
let doc;

// a control request (mockaws package): rejects with the server's message unless 200
const control = (method, path, body) => server.client.request(method, path, body);

const run = (Statement, extra = {}) => client.send(new ExecuteStatementCommand({ Statement, ...extra }));

before(async () => {
  server = await startServer();
  client = new DynamoDBClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  doc = DynamoDBDocumentClient.from(client);
  await client.send(new CreateTableCommand({
    TableName: 'pqorders',
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'cust', KeyType: 'HASH' }, { AttributeName: 'id', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'cust', AttributeType: 'S' }, { AttributeName: 'id', AttributeType: 'N' }],
  }));
  // the table turns ACTIVE on the server clock: move it instead of waiting
  await control('POST', '/_mockaws/clock', { advance_ms: 5000 });
  for (let id = 1; id <= 9; id++) {
    await run(`INSERT INTO "pqorders" VALUE {'cust': 'ann', 'id': ${id}, 'qty': ?}`, {
      Parameters: [{ N: String(id * 2) }],
    });
  }
});

after(async () => {
  client.destroy();
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

test('SELECT pages by NextToken through every matching item, in key order', async () => {
  const ids = [];
  let NextToken;
  let pages = 0;
  do {
    const res = await run('SELECT id FROM "pqorders" WHERE cust = ? AND id > 2', {
      Parameters: [{ S: 'ann' }], Limit: 2, NextToken,
    });
    pages += 1;
    ids.push(...res.Items.map((i) => Number(i.id.N)));
    NextToken = res.NextToken;
  } while (NextToken);
  assert.deepEqual(ids, [3, 4, 5, 6, 7, 8, 9]);
  assert.ok(pages >= 4);
});

test('INSERT of an item that exists is DuplicateItemException', async () => {
  await assert.rejects(run(`INSERT INTO "pqorders" VALUE {'cust': 'ann', 'id': 1}`), (err) => {
    assert.ok(err instanceof DuplicateItemException);
    assert.equal(err.message, 'Duplicate primary key exists in table');
    assert.equal(err.$metadata.httpStatusCode, 400);
    return true;
  });
});

test('UPDATE ... RETURNING answers with the item, and never creates one', async () => {
  const res = await run(`UPDATE "pqorders" SET qty = qty + 100 WHERE cust = 'ann' AND id = 1 RETURNING ALL OLD *`);
  assert.equal(res.Items[0].qty.N, '2');
  const now = await run(`SELECT qty FROM "pqorders" WHERE cust = 'ann' AND id = 1`);
  assert.deepEqual(now.Items, [{ qty: { N: '102' } }]);
  await assert.rejects(run(`UPDATE "pqorders" SET qty = 1 WHERE cust = 'zed' AND id = 1`),
    (err) => err instanceof ConditionalCheckFailedException);
});

test('DELETE removes the item its key names, on its condition', async () => {
  await assert.rejects(run(`DELETE FROM "pqorders" WHERE cust = 'ann' AND id = 9 AND qty = 0`),
    (err) => err instanceof ConditionalCheckFailedException);
  await run(`DELETE FROM "pqorders" WHERE cust = 'ann' AND id = 9 AND qty = 18`);
  const res = await run(`SELECT * FROM "pqorders" WHERE cust = 'ann' AND id = 9`);
  assert.deepEqual(res.Items, []);
});

test('a cancelled ExecuteTransaction writes nothing and gives each statement its reason', async () => {
  await assert.rejects(client.send(new ExecuteTransactionCommand({
    TransactStatements: [
      { Statement: `UPDATE "pqorders" SET qty = 0 WHERE cust = 'ann' AND id = 2` },
      { Statement: `INSERT INTO "pqorders" VALUE {'cust': 'ann', 'id': 3}` },
    ],
  })), (err) => {
    assert.ok(err instanceof TransactionCanceledException);
    assert.deepEqual(err.CancellationReasons.map((r) => r.Code), ['None', 'DuplicateItem']);
    return true;
  });
  const res = await run(`SELECT qty FROM "pqorders" WHERE cust = 'ann' AND id = 2`);
  assert.equal(res.Items[0].qty.N, '4');
});

test('BatchExecuteStatement answers each statement, an error in one among them', async () => {
  const res = await client.send(new BatchExecuteStatementCommand({
    Statements: [
      { Statement: `UPDATE "pqorders" SET qty = 5 WHERE cust = 'ann' AND id = 5` },
      { Statement: `INSERT INTO "pqorders" VALUE {'cust': 'ann', 'id': 5}` },
      { Statement: `DELETE FROM "pqorders" WHERE qty = 5` },
    ],
  }));
  assert.equal(res.Responses.length, 3);
  assert.equal(res.Responses[0].Error, undefined);
  assert.deepEqual(res.Responses[1].Error, { Code: 'DuplicateItem', Message: 'Duplicate primary key exists in table' });
  assert.equal(res.Responses[2].Error.Code, 'ValidationError');
});

test('the DocumentClient marshals parameters and unmarshals items', async () => {
  const res = await doc.send(new DocExecute({
    Statement: 'SELECT cust, id, qty FROM "pqorders" WHERE cust = ? AND id = ?',
    Parameters: ['ann', 4],
  }));
  assert.deepEqual(res.Items, [{ cust: 'ann', id: 4, qty: 8 }]);
});
