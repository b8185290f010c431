// SNS's SMS and platform endpoints through the AWS SDK for JavaScript v3:
// SMS attributes and a publish to a phone number, a platform application
// with an endpoint that gets a structured message's own key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  SNSClient, SetSMSAttributesCommand, GetSMSAttributesCommand, PublishCommand,
  CreatePlatformApplicationCommand, CreatePlatformEndpointCommand, GetEndpointAttributesCommand,
  CheckIfPhoneNumberIsOptedOutCommand, InvalidParameterException,
} from '@aws-sdk/client-sns';
import { startServer } from './server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

const client = () => new SNSClient({
  endpoint: server.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});

async function lastMessage() {
  const res = await fetch(`${server.endpoint}/_mockaws/sns/messages`);
  assert.equal(res.status, 200);
  const doc = await res.json();
  return doc.messages.at(-1);
}

test('SMS attributes, a publish to a phone number and its errors', async () => {
  const sns = client();
  await sns.send(new SetSMSAttributesCommand({ attributes: { DefaultSMSType: 'Transactional' } }));
  const got = await sns.send(new GetSMSAttributesCommand({ attributes: ['DefaultSMSType'] }));
  assert.deepEqual(got.attributes, { DefaultSMSType: 'Transactional' });
  const { MessageId } = await sns.send(new PublishCommand({ PhoneNumber: '+15555550100', Message: 'hello' }));
  const msg = await lastMessage();
  assert.equal(msg.message_id, MessageId);
  assert.equal(msg.sms.sms_type, 'Transactional');
  assert.equal(msg.deliveries[0].status, 'recorded');
  const opted = await sns.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '+15555550100' }));
  assert.equal(opted.isOptedOut, false);
  await assert.rejects(sns.send(new PublishCommand({ PhoneNumber: '+15555550100', Message: 'x'.repeat(1601) })),
    (e) => e instanceof InvalidParameterException && e.message === 'Invalid parameter: Message too long');
});

test('a platform endpoint gets its platform key of a structured message', async () => {
  const sns = client();
  const { PlatformApplicationArn } = await sns.send(new CreatePlatformApplicationCommand({
    Name: 'android', Platform: 'GCM', Attributes: { PlatformCredential: 'key' },
  }));
  const { EndpointArn } = await sns.send(new CreatePlatformEndpointCommand({
    PlatformApplicationArn, Token: 'device-token',
  }));
  const attrs = await sns.send(new GetEndpointAttributesCommand({ EndpointArn }));
  assert.deepEqual(attrs.Attributes, { Enabled: 'true', Token: 'device-token' });
  const gcm = JSON.stringify({ notification: { title: 'hi' } });
  await sns.send(new PublishCommand({
    TargetArn: EndpointArn, MessageStructure: 'json', Message: JSON.stringify({ default: 'plain', GCM: gcm }),
  }));
  const msg = await lastMessage();
  assert.equal(msg.target_arn, EndpointArn);
  assert.equal(msg.deliveries[0].payload, gcm);
});
