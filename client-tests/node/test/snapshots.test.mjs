// The mockaws package's snapshot calls against the server's
// /_mockaws/snapshots endpoints, and useMockaws restoring one before each test.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { S3Client, CreateBucketCommand, PutObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { startMockaws, useMockaws, MockawsError } from 'mockaws';
import { BIN } from './server.mjs';

const keysOf = async (s3, Bucket) => ((await s3.send(new ListObjectsV2Command({ Bucket }))).Contents ?? []).map((o) => o.Key);

describe('snapshot, restore, snapshots, deleteSnapshot', () => {
  let server;
  let s3;
  before(async () => {
    server = await startMockaws({ bin: BIN });
    s3 = new S3Client({ ...server.sdkConfig(), forcePathStyle: true });
  });
  after(async () => { assert.equal(await server.stop(), 0, server.logs()); });

  test('a restore brings back the state of the snapshot, as often as asked', async () => {
    const { client } = server;
    await s3.send(new CreateBucketCommand({ Bucket: 'snapped' }));
    await s3.send(new PutObjectCommand({ Bucket: 'snapped', Key: 'kept', Body: 'k' }));
    const taken = await client.snapshot(); // 'base'
    assert.equal(taken.name, 'base');
    assert.equal(taken.namespaces, 1);
    assert.equal(taken.journal_seq, null, 'taken without the journal');

    for (let round = 0; round < 3; round++) {
      await s3.send(new PutObjectCommand({ Bucket: 'snapped', Key: `later-${round}`, Body: 'x' }));
      assert.deepEqual(await keysOf(s3, 'snapped'), ['kept', `later-${round}`]);
      assert.deepEqual(await client.restore(), { restored: 'base' });
      assert.deepEqual(await keysOf(s3, 'snapped'), ['kept']);
    }
  });

  test('the same name replaces a snapshot; snapshots() lists them; deleteSnapshot forgets one', async () => {
    const { client } = server;
    await client.reset();
    await s3.send(new CreateBucketCommand({ Bucket: 'named' }));
    await client.snapshot('one');
    await s3.send(new PutObjectCommand({ Bucket: 'named', Key: 'a', Body: 'a' }));
    await client.snapshot('two');
    await s3.send(new PutObjectCommand({ Bucket: 'named', Key: 'b', Body: 'b' }));
    await client.snapshot('one'); // replaces the first: now a and b

    const listed = await client.snapshots();
    const names = listed.map((s) => s.name);
    assert.ok(names.includes('one') && names.includes('two'), names.join());
    assert.equal(names.filter((n) => n === 'one').length, 1);
    for (const s of listed) assert.equal(typeof s.created_ms, 'number');

    await client.restore('two');
    assert.deepEqual(await keysOf(s3, 'named'), ['a']);
    await client.restore('one');
    assert.deepEqual(await keysOf(s3, 'named'), ['a', 'b']);

    await client.deleteSnapshot('two');
    assert.ok(!(await client.snapshots()).some((s) => s.name === 'two'));
    await assert.rejects(client.restore('two'), (err) => {
      assert.ok(err instanceof MockawsError);
      assert.equal(err.status, 404);
      assert.equal(typeof err.serverMessage, 'string');
      return true;
    });
  });

  test('a snapshot taken with { journal: true } also drops the journal entries recorded after it', async () => {
    const { client } = server;
    await client.reset();
    await s3.send(new CreateBucketCommand({ Bucket: 'journaled' }));
    const [created] = await client.journal({ operation: 'CreateBucket' });
    const taken = await client.snapshot('with-journal', { journal: true });
    assert.equal(taken.journal_seq, created.seq, 'the last entry the snapshot keeps');
    await client.snapshot('without-journal');
    await s3.send(new PutObjectCommand({ Bucket: 'journaled', Key: 'a', Body: 'a' }));

    await client.restore('without-journal');
    assert.equal((await client.journal({ operation: 'PutObject' })).length, 1, 'a plain restore keeps the journal');
    await client.restore('with-journal');
    assert.deepEqual(await client.journal({ operation: 'PutObject' }), []);
    assert.equal((await client.journal({ operation: 'CreateBucket' })).length, 1, 'what came before the snapshot stays');
  });
});

describe('useMockaws with a snapshot restored before each test', () => {
  const aws = useMockaws({ before, after, beforeEach }, {
    bin: BIN,
    fixtures: { s3: { buckets: [{ name: 'fixture-bucket', objects: [{ key: 'seed', body: 's' }] }] } },
    snapshot: 'base',
    setup: async (server) => {
      await new S3Client({ ...server.sdkConfig(), forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'setup-bucket' }));
    },
  });
  const s3 = () => new S3Client({ ...aws.sdkConfig(), forcePathStyle: true });

  // The two tests run in this order; each would see the other's key without the restore.
  for (const name of ['first', 'second']) {
    test(`${name}: starts from the fixture and setup, without the other test's object`, async () => {
      assert.deepEqual(await keysOf(s3(), 'fixture-bucket'), ['seed']);
      assert.deepEqual(await keysOf(s3(), 'setup-bucket'), []);
      await s3().send(new PutObjectCommand({ Bucket: 'fixture-bucket', Key: name, Body: name }));
      await s3().send(new PutObjectCommand({ Bucket: 'setup-bucket', Key: name, Body: name }));
      assert.deepEqual(await keysOf(s3(), 'setup-bucket'), [name]);
    });
  }
});
