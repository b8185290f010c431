// IAM through the AWS SDK for JavaScript v3: the setup a test writes, and
// documents as the JS SDK hands them over (URL-encoded: it does not decode
// them as botocore does).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient, CreateUserCommand, CreateAccessKeyCommand, PutUserPolicyCommand, GetUserPolicyCommand,
  CreateRoleCommand, GetRoleCommand, CreatePolicyCommand, AttachRolePolicyCommand,
  ListAttachedRolePoliciesCommand, GetUserCommand, ListUsersCommand, paginateListUsers,
} from '@aws-sdk/client-iam';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startServer } from './server.mjs';

const ALLOW = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

let server;
before(async () => { server = await startServer(); });
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

function client(Client, credentials) {
  return new Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: credentials ?? { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
}

test('user, access key and inline policy; the key signs as the user', async () => {
  const iam = client(IAMClient);
  const { User } = await iam.send(new CreateUserCommand({ UserName: 'js', Path: '/sdk/' }));
  assert.equal(User.Arn, 'arn:aws:iam::123456789012:user/sdk/js');
  assert.match(User.UserId, /^AIDA[A-Z0-9]{17}$/);
  assert.ok(User.CreateDate instanceof Date);

  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'js' }));
  assert.match(AccessKey.AccessKeyId, /^AKIA[A-Z0-9]{16}$/);
  assert.equal(AccessKey.SecretAccessKey.length, 40);

  await iam.send(new PutUserPolicyCommand({ UserName: 'js', PolicyName: 'p', PolicyDocument: JSON.stringify(ALLOW) }));
  const got = await iam.send(new GetUserPolicyCommand({ UserName: 'js', PolicyName: 'p' }));
  assert.match(got.PolicyDocument, /^%7B%22Version%22/);
  assert.deepEqual(JSON.parse(decodeURIComponent(got.PolicyDocument)), ALLOW);

  const creds = { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
  const id = await client(STSClient, creds).send(new GetCallerIdentityCommand({}));
  assert.equal(id.Arn, User.Arn);
  const me = await client(IAMClient, creds).send(new GetUserCommand({}));
  assert.equal(me.User.UserName, 'js');
});

test('role with a trust policy and an attached managed policy', async () => {
  const iam = client(IAMClient);
  await iam.send(new CreateRoleCommand({ RoleName: 'svc', AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
  const { Policy } = await iam.send(new CreatePolicyCommand({ PolicyName: 'svc-s3', PolicyDocument: JSON.stringify(ALLOW) }));
  assert.match(Policy.PolicyId, /^ANPA[A-Z0-9]{17}$/);
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'svc', PolicyArn: Policy.Arn }));
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'svc' }));
  assert.deepEqual(JSON.parse(decodeURIComponent(Role.AssumeRolePolicyDocument)), TRUST);
  assert.equal(Role.MaxSessionDuration, 3600);
  const att = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'svc' }));
  assert.deepEqual(att.AttachedPolicies, [{ PolicyName: 'svc-s3', PolicyArn: Policy.Arn }]);
  assert.equal(att.IsTruncated, false);
});

test('errors carry IAM code, status and message', async () => {
  const iam = client(IAMClient);
  await iam.send(new CreateUserCommand({ UserName: 'dup' }));
  await assert.rejects(iam.send(new CreateUserCommand({ UserName: 'dup' })), (e) => {
    assert.equal(e.name, 'EntityAlreadyExistsException');
    assert.equal(e.$metadata.httpStatusCode, 409);
    assert.equal(e.message, 'User with name dup already exists.');
    return true;
  });
  await assert.rejects(iam.send(new GetUserCommand({ UserName: 'ghost' })), (e) => {
    assert.equal(e.name, 'NoSuchEntityException');
    assert.equal(e.$metadata.httpStatusCode, 404);
    return true;
  });
});

test('the paginator follows Marker to the end', async () => {
  const iam = client(IAMClient);
  for (let i = 0; i < 5; i++) await iam.send(new CreateUserCommand({ UserName: `page${i}`, Path: '/pages/' }));
  const names = [];
  let pages = 0;
  for await (const page of paginateListUsers({ client: iam, pageSize: 2 }, { PathPrefix: '/pages/' })) {
    pages++;
    names.push(...page.Users.map((u) => u.UserName));
  }
  assert.equal(pages, 3);
  assert.deepEqual(names, ['page0', 'page1', 'page2', 'page3', 'page4']);
  const one = await iam.send(new ListUsersCommand({ PathPrefix: '/pages/', MaxItems: 4 }));
  assert.equal(one.IsTruncated, true);
  assert.ok(one.Marker);
});
