// --auth enforce through the AWS SDK for JavaScript v3: IAM users made through the IAM API by the
// root key are allowed what their policies allow and refused the rest in each service's own words
// (docs/AWS-FACTS.md, "AccessDenied per service"); EC2's DryRun answers whether the call would pass.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient, CreateTableCommand, GetItemCommand, PutItemCommand, QueryCommand, waitUntilTableExists }
  from '@aws-sdk/client-dynamodb';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { IAMClient, CreateUserCommand, PutUserPolicyCommand, CreateAccessKeyCommand, TagUserCommand }
  from '@aws-sdk/client-iam';
import { startServer } from './server.mjs';

const ACCOUNT = '123456789012';
let server;
before(async () => { server = await startServer('--auth', 'enforce'); });
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

const root = { accessKeyId: 'test', secretAccessKey: 'test' };
const cfg = (credentials) => ({ endpoint: server.endpoint, region: 'us-east-1', credentials });
const s3 = (c) => new S3Client({ ...cfg(c), forcePathStyle: true });
const ddb = (c) => new DynamoDBClient(cfg(c));
const ec2 = (c) => new EC2Client(cfg(c));

// userWith(NAME, ...STATEMENTS): an IAM user with that inline policy, and its access key
async function userWith(name, ...statements) {
  const iam = new IAMClient(cfg(root));
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(new PutUserPolicyCommand({
    UserName: name, PolicyName: 'p',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
  const { AccessKey: k } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { accessKeyId: k.AccessKeyId, secretAccessKey: k.SecretAccessKey };
}

const refusedWith = (name, status, check = () => true) => (e) => {
  assert.equal(e.name, name, e.message);
  assert.equal(e.$metadata.httpStatusCode, status);
  return check(e);
};

test('a user allowed s3:GetObject on reports/* reads reports/x and is refused payroll/x', async () => {
  await s3(root).send(new CreateBucketCommand({ Bucket: 'js-corp' }));
  for (const Key of ['reports/x', 'payroll/x']) {
    await s3(root).send(new PutObjectCommand({ Bucket: 'js-corp', Key, Body: Key }));
  }
  const alice = s3(await userWith('js-alice',
    { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::js-corp/reports/*' }));
  const got = await alice.send(new GetObjectCommand({ Bucket: 'js-corp', Key: 'reports/x' }));
  assert.equal(await got.Body.transformToString(), 'reports/x');
  await assert.rejects(alice.send(new GetObjectCommand({ Bucket: 'js-corp', Key: 'payroll/x' })),
    refusedWith('AccessDenied', 403, (e) => {
      assert.equal(e.message, `User: arn:aws:iam::${ACCOUNT}:user/js-alice is not authorized to perform: `
        + 's3:GetObject on resource: "arn:aws:s3:::js-corp/payroll/x" because no identity-based policy '
        + 'allows the s3:GetObject action');
      return true;
    }));
});

test('a user that may read a table but not write it gets AccessDeniedException on PutItem', async () => {
  await ddb(root).send(new CreateTableCommand({
    TableName: 'js-ledger', BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }));
  await waitUntilTableExists({ client: ddb(root), maxWaitTime: 30, minDelay: 0.2, maxDelay: 0.5 },
    { TableName: 'js-ledger' });
  const table = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/js-ledger`;
  const bob = ddb(await userWith('js-bob', { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: table }));
  const got = await bob.send(new GetItemCommand({ TableName: 'js-ledger', Key: { id: { S: 'a' } } }));
  assert.equal(got.Item, undefined);
  await assert.rejects(bob.send(new PutItemCommand({ TableName: 'js-ledger', Item: { id: { S: 'a' } } })),
    refusedWith('AccessDeniedException', 400, (e) => {
      assert.equal(e.message, `User: arn:aws:iam::${ACCOUNT}:user/js-bob is not authorized to perform: `
        + `dynamodb:PutItem on resource: ${table} because no identity-based policy allows the `
        + 'dynamodb:PutItem action');
      return true;
    }));
});

test('EC2 DryRun: DryRunOperation when ec2:RunInstances is allowed, UnauthorizedOperation when not', async () => {
  const run = { ImageId: 'ami-ab939b9c031512198', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, DryRun: true };
  const allowed = ec2(await userWith('js-launcher', { Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' }));
  await assert.rejects(allowed.send(new RunInstancesCommand(run)),
    refusedWith('DryRunOperation', 412, (e) => {
      assert.equal(e.message, 'Request would have succeeded, but DryRun flag is set.');
      return true;
    }));
  const denied = ec2(await userWith('js-viewer', { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }));
  await assert.rejects(denied.send(new RunInstancesCommand(run)),
    refusedWith('UnauthorizedOperation', 403, (e) => {
      assert.match(e.message, /^You are not authorized to perform this operation\. User: arn:aws:iam::\d{12}:user\/js-viewer is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:\d{12}:\S+ because no identity-based policy allows the ec2:RunInstances action\. Encoded authorization failure message: [A-Za-z0-9_=-]+$/);
      return true;
    }));
});

// the tag condition keys: a user tagged team=red whose policy asks aws:ResourceTag/team to equal
// ${aws:PrincipalTag/team} reads the tables tagged team=red and is refused those tagged team=blue;
// dynamodb:LeadingKeys holds a Query's partition key
test('a user tagged team=red reads the tables of its team, and only its own partition', async () => {
  for (const [TableName, team] of [['js-red', 'red'], ['js-blue', 'blue']]) {
    await ddb(root).send(new CreateTableCommand({
      TableName, BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'owner', AttributeType: 'S' }],
      Tags: [{ Key: 'team', Value: team }] }));
    await waitUntilTableExists({ client: ddb(root), minDelay: 1, maxWaitTime: 30 }, { TableName });
    for (const owner of ['js-ann', 'js-zed']) {
      await ddb(root).send(new PutItemCommand({ TableName, Item: { owner: { S: owner } } }));
    }
  }
  const ann = ddb(await userWith('js-ann', {
    Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: '*',
    Condition: {
      StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' },
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:username}'] } } }));
  await new IAMClient(cfg(root)).send(new TagUserCommand({ UserName: 'js-ann', Tags: [{ Key: 'team', Value: 'red' }] }));
  const key = (owner) => ({ owner: { S: owner } });
  const query = (TableName, owner) => new QueryCommand({
    TableName, KeyConditionExpression: '#o = :o', ExpressionAttributeNames: { '#o': 'owner' },
    ExpressionAttributeValues: { ':o': { S: owner } } });
  const denied = refusedWith('AccessDeniedException', 400);

  const got = await ann.send(new GetItemCommand({ TableName: 'js-red', Key: key('js-ann') }));
  assert.deepEqual(got.Item, key('js-ann'));
  assert.equal((await ann.send(query('js-red', 'js-ann'))).Count, 1);
  await assert.rejects(ann.send(new GetItemCommand({ TableName: 'js-blue', Key: key('js-ann') })), denied);
  await assert.rejects(ann.send(query('js-blue', 'js-ann')), denied);
  await assert.rejects(ann.send(query('js-red', 'js-zed')), denied);
});
