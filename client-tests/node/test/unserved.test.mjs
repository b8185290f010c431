// A request for a service mockaws does not serve is answered in the protocol
// of that service's SDK (issue 19). No client of an unserved service is
// installed here, so clients of served ones of the same protocol are pointed
// at one: a last middleware re-addresses the signed request (credential
// scope, X-Amz-Target) as the other service's client would send it, and the
// SDK parses the answer with that protocol's error parser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { SNSClient, ListTopicsCommand } from '@aws-sdk/client-sns';
import { startServer, sdkConfig } from './server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

// Rewrites the signed request just before it is sent (the deserialize step
// wraps the transport): the scope's service, and the target when given.
function readdress(client, service, target) {
  client.middlewareStack.add((next) => async (args) => {
    const h = args.request.headers;
    h.authorization = h.authorization.replace(/\/[a-z0-9-]+\/aws4_request/, `/${service}/aws4_request`);
    if (target) h['x-amz-target'] = target;
    return next(args);
  }, { step: 'deserialize', name: 'readdress', priority: 'low' });
  return client;
}

test('a JSON service (Kinesis) is a ServiceException naming it', async () => {
  const client = readdress(new DynamoDBClient({ ...sdkConfig(server), maxAttempts: 3 }),
    'kinesis', 'Kinesis_20131202.ListStreams');
  const err = await client.send(new ListTablesCommand({})).then(() => null, (e) => e);
  assert.ok(err, 'the call fails');
  assert.equal(err.name, 'NotImplemented');
  assert.match(err.message, /^mockaws does not serve Kinesis \(signing name 'kinesis'\)/);
  assert.equal(err.$metadata.httpStatusCode, 501);
  assert.equal(err.$metadata.attempts, 1, 'a 501 is not retried');
  assert.equal(err.$fault, 'server');
});

test('a query service (CloudFormation) is a ServiceException naming it', async () => {
  const client = readdress(new SNSClient({ ...sdkConfig(server), maxAttempts: 3 }), 'cloudformation');
  const err = await client.send(new ListTopicsCommand({})).then(() => null, (e) => e);
  assert.ok(err, 'the call fails');
  assert.equal(err.name, 'NotImplemented');
  assert.match(err.message, /^mockaws does not serve CloudFormation/);
  assert.equal(err.$metadata.httpStatusCode, 501);
  assert.ok(err.$metadata.requestId, 'the request id is read from the XML');
});
