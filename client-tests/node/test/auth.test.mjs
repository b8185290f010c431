// --auth verify through the AWS SDK for JavaScript v3: the root secret `test` signs right,
// anything else is refused in each service's own words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { startServer } from './server.mjs';

let server;
before(async () => { server = await startServer('--auth', 'verify'); });
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

const creds = (accessKeyId, secretAccessKey, sessionToken) => ({ accessKeyId, secretAccessKey, sessionToken });
const s3 = (c) => new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: c });
const ddb = (c) => new DynamoDBClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: c });
const sts = (c) => new STSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: c });

test('the root key signs S3 uploads (aws-chunked with a trailer included) and reads', async () => {
  const c = s3(creds('test', 'test'));
  await c.send(new CreateBucketCommand({ Bucket: 'js-auth' }));
  await c.send(new PutObjectCommand({ Bucket: 'js-auth', Key: 'a b/c', Body: 'hello' }));
  const got = await c.send(new GetObjectCommand({ Bucket: 'js-auth', Key: 'a b/c' }));
  assert.equal(await got.Body.transformToString(), 'hello');
  await ddb(creds('111122223333', 'test')).send(new ListTablesCommand({}));
});

test('a wrong secret is SignatureDoesNotMatch / InvalidSignatureException', async () => {
  await assert.rejects(s3(creds('test', 'wrong')).send(new ListBucketsCommand({})),
    (e) => e.name === 'SignatureDoesNotMatch' && e.$metadata.httpStatusCode === 403);
  await assert.rejects(ddb(creds('test', 'wrong')).send(new ListTablesCommand({})),
    (e) => e.name === 'InvalidSignatureException' && e.$metadata.httpStatusCode === 400);
});

test('an unknown key is InvalidAccessKeyId / UnrecognizedClientException', async () => {
  await assert.rejects(s3(creds('AKIANOSUCHKEY0000000', 'test')).send(new ListBucketsCommand({})),
    (e) => e.name === 'InvalidAccessKeyId' && e.$metadata.httpStatusCode === 403);
  await assert.rejects(ddb(creds('AKIANOSUCHKEY0000000', 'test')).send(new ListTablesCommand({})),
    (e) => e.name === 'UnrecognizedClientException');
});

test('AssumeRole credentials sign with their secret and token', async () => {
  const r = await sts(creds('test', 'test')).send(new AssumeRoleCommand({
    RoleArn: 'arn:aws:iam::123456789012:role/r', RoleSessionName: 'js' }));
  const c = r.Credentials;
  const id = await sts(creds(c.AccessKeyId, c.SecretAccessKey, c.SessionToken)).send(new GetCallerIdentityCommand({}));
  assert.equal(id.Arn, 'arn:aws:sts::123456789012:assumed-role/r/js');
  await assert.rejects(sts(creds(c.AccessKeyId, c.SecretAccessKey, 'not-the-token')).send(new GetCallerIdentityCommand({})),
    (e) => e.name === 'InvalidClientTokenId' && e.$metadata.httpStatusCode === 403);
});
