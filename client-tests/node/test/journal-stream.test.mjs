// GET /_mockaws/journal/stream read with fetch() and a ReadableStream, as
// the dashboard does (so that it can send the control token header).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startMockaws } from 'mockaws';
import { BIN, sdkConfig } from './server.mjs';

const TOKEN = 'node-stream-token';
const DEADLINE_MS = 30000; // generous: an awaited event, never a sleep

let server;
before(async () => { server = await startMockaws({ bin: BIN, controlToken: TOKEN }); });
after(async () => {
  const code = await server.stop();
  assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
});

// Opens the stream; next() resolves to the next event {event, id, data}
// (comments skipped), rejecting past the deadline.
async function openStream(query = '', headers = { 'X-Mockaws-Control-Token': TOKEN }) {
  const ac = new AbortController();
  const res = await fetch(`${server.endpoint}/_mockaws/journal/stream${query}`, { headers, signal: ac.signal });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  async function next() {
    const timer = setTimeout(() => ac.abort(), DEADLINE_MS);
    try {
      for (;;) {
        const end = buf.indexOf('\n\n');
        if (end >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const fields = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const i = line.indexOf(': ');
            fields[line.slice(0, i)] = line.slice(i + 2);
          }
          if (fields.event) return { event: fields.event, id: fields.id, data: JSON.parse(fields.data) };
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buf += value;
      }
    } finally {
      clearTimeout(timer);
    }
  }
  return { res, next, close: () => ac.abort() };
}

test('entries arrive as they are journaled, in order, as the journal lists them', async () => {
  const stream = await openStream();
  try {
    assert.equal(stream.res.status, 200);
    assert.equal(stream.res.headers.get('content-type'), 'text/event-stream');
    const sts = new STSClient(sdkConfig(server));
    await sts.send(new GetCallerIdentityCommand({}));
    await sts.send(new GetCallerIdentityCommand({}));
    const a = await stream.next();
    const b = await stream.next();
    assert.deepEqual([a.event, b.event], ['entry', 'entry']);
    assert.equal(Number(b.id), Number(a.id) + 1);
    assert.equal(a.data.operation, 'GetCallerIdentity');
    const listed = await server.client.journal({ since: Number(a.id) - 1 });
    assert.deepEqual(listed.slice(0, 2), [a.data, b.data]);
  } finally {
    stream.close();
  }
});

test('a clear is a reset event; without the token the stream is refused', async () => {
  const stream = await openStream();
  try {
    const res = await fetch(`${server.endpoint}/_mockaws/journal`, {
      method: 'DELETE', headers: { 'X-Mockaws-Control-Token': TOKEN },
    });
    assert.equal(res.status, 200);
    const ev = await stream.next();
    assert.deepEqual([ev.event, ev.data], ['reset', {}]);
  } finally {
    stream.close();
  }
  const refused = await fetch(`${server.endpoint}/_mockaws/journal/stream`);
  assert.equal(refused.status, 401);
  await refused.body?.cancel();
});
