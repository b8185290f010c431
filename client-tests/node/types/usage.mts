// The helper's types as a user's test sees them: `tsc -p types` (ctest
// client/node/types) fails when index.d.ts and this use drift apart. It is
// never run; a line marked @ts-expect-error must stay an error.
import { startMockaws, connectMockaws, useMockaws, MockawsClient, MockawsError } from 'mockaws';
import type { FaultRule, JournalEntry, SnapshotInfo, SnapshotTaken, ClockState, Mockaws } from 'mockaws';

declare const before: (fn: () => Promise<void>) => void;
declare const after: (fn: () => Promise<void>) => void;
declare const beforeEach: (fn: () => Promise<void>) => void;

export async function usage(): Promise<void> {
  const server: Mockaws = await startMockaws({
    args: ['--seed', '11'],
    fixtures: [{ s3: { buckets: [{ name: 'b' }] } }, 'fixtures/s3-example.json'],
    env: { MOCKAWS_DYNAMODB_DELAY_MS: '1' },
    stdio: 'pipe',
    setEnv: true,
  });
  const endpoint: string = server.endpoint;
  const port: number = server.port;
  const region: string = server.env.AWS_REGION;
  const cfg: { endpoint: string; region: string } = server.sdkConfig();
  const { client } = server;

  const taken: SnapshotTaken = await client.snapshot('base', { journal: true });
  const seq: number | null = taken.journal_seq;
  const list: SnapshotInfo[] = await client.snapshots();
  const created: number | undefined = list[0]?.created_ms;
  const restored: string = (await client.restore()).restored;
  await client.deleteSnapshot('base');

  const rule: FaultRule = { service: 's3', operation: 'GetObject', error: 'SlowDown', times: 2 };
  const id: string = await client.faults.add(rule);
  const ids: string[] = await client.faults.add([rule, { delay_ms: { min: 1, max: 5 } }]);
  await client.faults.remove(id);
  const fired: number | undefined = (await client.faults.list())[0]?.fired;
  await client.faults.clear();
  // @ts-expect-error: connection takes reset, close or timeout
  await client.faults.add({ connection: 'hang' });

  const entries: JournalEntry[] = await client.journal({ service: 's3', operation: 'PutObject', since: seq ?? 0, limit: 5 });
  const fault: string | null | undefined = entries[0]?.fault;
  await client.journal.clear();
  // @ts-expect-error: the journal has no such filter
  await client.journal({ bucket: 'b' });

  const clock: ClockState = await client.clock.virtual();
  const later: number = (await client.clock.advance(1000)).now_ms;
  const now: number = await client.clock.now();
  await client.clock.real();

  await client.reset();
  await client.load({ namespaces: [{ account: '123456789012', s3: { buckets: [] } }] });
  const dump = await client.state();
  const namespaces: number = dump.namespaces.length;
  await client.scenario({ name: 's', faults: [rule], expect: [{ operation: 'PutObject', count: 1 }] });
  const passed: boolean = (await client.verify()).passed;
  const topics: string[] = (await client.snsMessages({ topic_arn: 'arn' })).messages.map((m) => m.topic_arn);
  await client.snsMessages.clear();
  const queues: string[] = (await client.sqsMessages({ queue: 'q' })).map((q) => q.name);
  const version: string = (await client.health()).version;
  await client.saveState();
  const raw = await client.request<{ deletions: unknown[] }>('GET', '/_mockaws/dynamodb/ttl-deletions');

  try {
    await client.restore('missing');
  } catch (err) {
    if (err instanceof MockawsError) {
      const status: number = err.status;
      const said: string | undefined = err.serverMessage;
      void status, said;
    }
  }
  const code: number | null = await server.stop();

  const other = connectMockaws(endpoint, { token: 't' });
  const direct = new MockawsClient('http://127.0.0.1:4566', { token: 't' });
  await direct.health();
  await other.stop();

  const used = useMockaws({ before, after, beforeEach }, {
    snapshot: 'base',
    setup: async (s) => { await s.client.load({ s3: {} }); },
  });
  const usedClient: MockawsClient = used.client;
  // @ts-expect-error: the hooks are required
  useMockaws({}, {});

  void [endpoint, port, region, cfg, created, restored, ids, fired, fault, clock, later, now, namespaces,
    passed, topics, queues, version, raw, code, usedClient];
}
