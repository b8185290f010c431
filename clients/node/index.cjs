'use strict';
// mockaws for Node tests: start a server (or reach a running one) and drive
// its control API (/_mockaws/...). No dependencies: Node >= 18 has fetch.
// index.js re-exports this file for `import`; types are in index.d.ts.

const { spawn } = require('node:child_process');
const { rmSync } = require('node:fs');
const { mkdtemp, readFile, rm, writeFile } = require('node:fs/promises');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const TOKEN_HEADER = 'x-mockaws-control-token';
const LOG_KEEP = 256 * 1024; // the tail of the server's output kept for errors

class MockawsError extends Error {
  // status: the HTTP status (0 when the server could not be reached);
  // serverMessage: the server's own "error" text, when it sent one.
  constructor(message, { status = 0, method, path, serverMessage, body, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'MockawsError';
    this.status = status;
    this.method = method;
    this.path = path;
    this.serverMessage = serverMessage;
    this.body = body;
  }
}

// A function that is also an object with a clear(): journal(filters) and
// journal.clear(), snsMessages(filters) and snsMessages.clear().
const withClear = (fn, clear) => Object.assign(fn, { clear });

// Query string from filters, dropping undefined and null.
function query(filters) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters ?? {})) {
    if (v !== undefined && v !== null) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// http://HOST:PORT of an endpoint given with or without its scheme.
function originOf(endpoint) {
  const text = String(endpoint);
  return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`).origin;
}

class MockawsClient {
  constructor(endpoint, { token = process.env.MOCKAWS_CONTROL_TOKEN } = {}) {
    if (!endpoint) throw new TypeError('MockawsClient needs an endpoint (http://HOST:PORT)');
    this.endpoint = originOf(endpoint);
    this.token = token || undefined;
    const self = this;
    this.journal = withClear(
      async (filters = {}) => (await self.request('GET', `/_mockaws/journal${query(filters)}`)).entries,
      async () => { await self.request('DELETE', '/_mockaws/journal'); },
    );
    this.faults = {
      // One rule gives its id, a list of rules their ids (all or none are added).
      async add(ruleOrRules) {
        const { ids } = await self.request('POST', '/_mockaws/faults', ruleOrRules);
        return Array.isArray(ruleOrRules) ? ids : ids[0];
      },
      async remove(id) { await self.request('DELETE', `/_mockaws/faults/${encodeURIComponent(id)}`); },
      async clear() { await self.request('DELETE', '/_mockaws/faults'); },
      async list() { return (await self.request('GET', '/_mockaws/faults')).faults; },
    };
    this.clock = {
      get: () => self.request('GET', '/_mockaws/clock'),
      async now() { return (await self.request('GET', '/_mockaws/clock')).now_ms; },
      virtual: () => self.request('POST', '/_mockaws/clock', { mode: 'virtual' }),
      real: () => self.request('POST', '/_mockaws/clock', { mode: 'real' }),
      advance(ms) {
        if (!Number.isSafeInteger(ms) || ms < 0) {
          return Promise.reject(new TypeError(`clock.advance takes whole milliseconds >= 0, got ${ms}`));
        }
        return self.request('POST', '/_mockaws/clock', { advance_ms: ms });
      },
    };
    this.snsMessages = withClear(
      (filters = {}) => self.request('GET', `/_mockaws/sns/messages${query(filters)}`),
      async () => { await self.request('DELETE', '/_mockaws/sns/messages'); },
    );
  }

  // One control request: the parsed JSON answer, or a MockawsError.
  async request(method, path, body) {
    const headers = {};
    if (this.token) headers[TOKEN_HEADER] = this.token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await fetch(this.endpoint + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new MockawsError(`${method} ${path}: mockaws at ${this.endpoint} did not answer (${err.cause?.code ?? err.message})`,
        { method, path, cause: err });
    }
    const text = await res.text();
    let parsed;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
    if (!res.ok) {
      const serverMessage = typeof parsed?.error === 'string' ? parsed.error : undefined;
      throw new MockawsError(`${method} ${path}: ${res.status} ${serverMessage ?? text.trim()}`,
        { status: res.status, method, path, serverMessage, body: parsed ?? text });
    }
    return parsed;
  }

  health() { return this.request('GET', '/_mockaws/health'); }
  async reset() { await this.request('POST', '/_mockaws/reset'); }
  state() { return this.request('GET', '/_mockaws/state'); }
  async load(doc) { await this.request('POST', '/_mockaws/state', doc); }
  saveState() { return this.request('POST', '/_mockaws/state/save'); }

  snapshot(name = 'base', { journal } = {}) {
    const body = { name };
    if (journal !== undefined) body.journal = journal;
    return this.request('POST', '/_mockaws/snapshots', body);
  }
  restore(name = 'base') { return this.request('POST', `/_mockaws/snapshots/${encodeURIComponent(name)}/restore`); }
  async snapshots() { return (await this.request('GET', '/_mockaws/snapshots')).snapshots; }
  async deleteSnapshot(name) { await this.request('DELETE', `/_mockaws/snapshots/${encodeURIComponent(name)}`); }

  async scenario(doc) { await this.request('POST', '/_mockaws/scenario', doc); }
  verify() { return this.request('GET', '/_mockaws/scenario/verify'); }
  async sqsMessages(filters = {}) { return (await this.request('GET', `/_mockaws/sqs/messages${query(filters)}`)).queues; }
}

const DEFAULT_REGION = 'us-east-1';
// The dummy credentials `mockaws env` prints: obviously not AWS's (a request
// that reaches AWS with them, or a log, says so) yet of the form clients
// expect; --auth verify knows them as the root of account 123456789012.
const DUMMY_ACCESS_KEY_ID = 'AKIAMOCKAWS00EXAMPLE';
const DUMMY_SECRET_ACCESS_KEY = 'mockawsLocalOnlyNotARealSecretEXAMPLEKEY';

// What an AWS SDK (or the CLI) reads to talk to this endpoint with throwaway
// credentials. MOCKAWS_ENDPOINT lets connectMockaws() in another process or
// worker find the server.
// The same variables `mockaws env --format json` prints (a test compares),
// with an AWS_ENDPOINT_URL_<SERVICE> per served service: SDKs prefer those to
// AWS_ENDPOINT_URL, so one left in the shell could send a service elsewhere.
const SERVED = ['S3', 'DYNAMODB', 'SNS', 'SQS', 'EC2', 'STS', 'IAM'];

function sdkEnv(endpoint, region) {
  const env = { AWS_ENDPOINT_URL: endpoint };
  for (const svc of SERVED) env[`AWS_ENDPOINT_URL_${svc}`] = endpoint;
  return Object.assign(env, {
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false',
    AWS_ACCESS_KEY_ID: DUMMY_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: DUMMY_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN: undefined,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
    MOCKAWS_ENDPOINT: endpoint,
  });
}

// Sets vars on process.env (undefined deletes); returns the undo.
function applyEnv(vars) {
  const saved = Object.keys(vars).map((k) => [k, Object.prototype.hasOwnProperty.call(process.env, k), process.env[k]]);
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, had, v] of saved) {
      if (had) process.env[k] = v;
      else delete process.env[k];
    }
  };
}

// The handle startMockaws and connectMockaws give.
function handle({ endpoint, region, token, stop, logs, pid }) {
  const url = new URL(originOf(endpoint));
  const env = sdkEnv(url.origin, region);
  const client = new MockawsClient(url.origin, { token });
  const h = {
    endpoint: url.origin,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    region,
    pid,
    client,
    env,
    // An AWS SDK v3 client's settings: new S3Client({ ...mockaws.sdkConfig(), forcePathStyle: true }).
    sdkConfig: () => ({
      endpoint: url.origin, region,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    }),
    logs,
    stop,
  };
  return h;
}

function connectMockaws(endpoint = process.env.MOCKAWS_ENDPOINT, { token, region = DEFAULT_REGION, setEnv = false } = {}) {
  if (!endpoint) throw new TypeError('connectMockaws needs an endpoint, or MOCKAWS_ENDPOINT set');
  let undo = null;
  const h = handle({
    endpoint, region, token,
    logs: () => '',
    // Not ours to stop: only the environment is put back.
    async stop() { if (undo) { undo(); undo = null; } return null; },
  });
  if (setEnv) undo = applyEnv(h.env);
  return h;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Every server this process started and has not seen exit (with its
// temporary directory), killed if the process exits without stopping them.
// A process killed by a signal runs no exit handler: its servers stay.
const live = new Map();
let exitHook = false;
function track(proc, dir) {
  live.set(proc, dir);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const [p, d] of live) {
        p.kill('SIGKILL');
        rmSync(d, { recursive: true, force: true });
      }
    });
  }
}

async function startMockaws(options = {}) {
  const {
    bin = process.env.MOCKAWS_BIN || 'mockaws',
    args = [],
    port = 0,
    host = '127.0.0.1',
    fixtures,
    env,
    stdio = 'pipe',
    setEnv = false,
    region = DEFAULT_REGION,
    controlToken,
    startTimeoutMs = 60_000,
    stopTimeoutMs = 60_000,
  } = options;
  // A server someone else runs (a Jest globalSetup, CI's container) is used
  // unless these options ask for a server of one's own.
  const shaping = ['bin', 'args', 'port', 'host', 'fixtures', 'env', 'controlToken'].some((k) => options[k] !== undefined);
  if (process.env.MOCKAWS_ENDPOINT && !shaping) {
    return connectMockaws(process.env.MOCKAWS_ENDPOINT, { token: controlToken, region, setEnv });
  }
  if (!['pipe', 'inherit', 'ignore'].includes(stdio)) throw new TypeError(`stdio is 'pipe', 'inherit' or 'ignore', not ${stdio}`);

  const dir = await mkdtemp(join(tmpdir(), 'mockaws-'));
  const portFile = join(dir, 'port');
  const argv = ['--host', host, '--port', String(port), '--port-file', portFile];
  const docs = fixtures === undefined ? [] : Array.isArray(fixtures) ? fixtures : [fixtures];
  for (const [i, f] of docs.entries()) {
    let path = f;
    if (typeof f !== 'string') { // a document: written for --fixtures to read before listening
      path = join(dir, `fixtures-${i}.json`);
      await writeFile(path, JSON.stringify(f));
    }
    argv.push('--fixtures', path);
  }
  if (controlToken) argv.push('--control-token', controlToken);
  argv.push(...args);

  let logText = '';
  const keep = (d) => {
    logText += d;
    if (logText.length > 2 * LOG_KEEP) logText = logText.slice(-LOG_KEEP);
  };
  const logs = () => logText;
  const proc = spawn(bin, argv, {
    stdio: ['ignore', stdio, stdio],
    env: env ? { ...process.env, ...env } : process.env,
  });
  if (stdio === 'pipe') {
    proc.stdout.setEncoding('utf8').on('data', keep);
    proc.stderr.setEncoding('utf8').on('data', keep);
  }
  let exited = null;
  const exit = new Promise((resolve) => {
    proc.on('error', (err) => { exited = { error: err }; resolve(exited); });
    proc.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); });
  }).then((e) => {
    live.delete(proc);
    return e;
  });
  // 'exit' can come before the pipes have given everything the server wrote
  const closed = stdio === 'pipe' ? new Promise((r) => { proc.on('close', r); proc.on('error', r); }) : exit;
  track(proc, dir);
  const cleanup = () => rm(dir, { recursive: true, force: true });

  const deadline = Date.now() + startTimeoutMs;
  let boundPort = null;
  while (boundPort === null) {
    if (exited) {
      await closed;
      await cleanup();
      if (exited.error) {
        throw new MockawsError(exited.error.code === 'ENOENT'
          ? `mockaws binary '${bin}' not found: pass { bin }, set MOCKAWS_BIN, or put mockaws on PATH`
          : `could not start mockaws ('${bin}'): ${exited.error.message}`, { cause: exited.error });
      }
      const how = exited.signal ? `was killed by ${exited.signal}` : `exited with code ${exited.code}`;
      throw new MockawsError(`mockaws ${how} before listening${stdio === 'pipe' ? `:\n${logText}` : ''}`);
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      await exit;
      await cleanup();
      throw new MockawsError(`mockaws was not listening within ${startTimeoutMs} ms:\n${logText}`);
    }
    const text = await readFile(portFile, 'utf8').catch(() => '');
    if (/^\d+\s*$/.test(text)) boundPort = Number(text);
    else await sleep(5);
  }

  let undo = null;
  const connectHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const urlHost = connectHost.includes(':') ? `[${connectHost}]` : connectHost;
  let stopping = null;
  const h = handle({
    endpoint: `http://${urlHost}:${boundPort}`,
    region,
    token: controlToken,
    pid: proc.pid,
    logs,
    // SIGTERM (the server finishes the requests in flight), SIGKILL after
    // stopTimeoutMs. The exit code; a MockawsError when it ended by a signal.
    stop() {
      stopping ??= (async () => {
        if (undo) { undo(); undo = null; }
        if (!exited) proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), stopTimeoutMs);
        const e = await exit;
        clearTimeout(timer);
        await closed;
        await cleanup();
        if (e.signal) throw new MockawsError(`mockaws ended by ${e.signal}${stdio === 'pipe' ? `:\n${logText}` : ''}`);
        return e.code;
      })();
      return stopping;
    },
  });
  if (setEnv) undo = applyEnv(h.env);
  return h;
}

// One server for a file of tests, with the hooks of node:test, Jest or
// Vitest: useMockaws({ before, after, beforeEach }) or
// useMockaws({ beforeAll, afterAll, beforeEach }). With `snapshot`, the state
// after start (fixtures loaded, `setup` run) is snapshotted under that name,
// journal included, and restored before each test; the restore brings back
// state, fault rules and journal, and the clock's mode is put back here (its
// time only moves on).
function useMockaws(hooks, options = {}) {
  const { snapshot, setup, ...startOptions } = options;
  const before = hooks.before ?? hooks.beforeAll;
  const after = hooks.after ?? hooks.afterAll;
  if (typeof before !== 'function' || typeof after !== 'function') {
    throw new TypeError('useMockaws needs the hooks { before, after } (node:test) or { beforeAll, afterAll } (Jest, Vitest)');
  }
  if (snapshot && typeof hooks.beforeEach !== 'function') {
    throw new TypeError('useMockaws with `snapshot` needs the beforeEach hook too');
  }
  let server = null;
  let baseMode = 'real';
  const need = () => {
    if (!server) throw new Error('mockaws is not started yet: use it inside tests or hooks, not at load time');
    return server;
  };
  before(async () => {
    server = await startMockaws(startOptions);
    if (setup) await setup(server);
    if (snapshot) {
      await server.client.snapshot(snapshot, { journal: true });
      baseMode = (await server.client.clock.get()).mode;
    }
  });
  after(async () => {
    if (!server) return;
    const code = await server.stop();
    // a server that does not exit 0 on SIGTERM has something to say (a leak, an error)
    if (code !== 0 && code !== null) throw new Error(`mockaws exited with code ${code} on stop:\n${server.logs()}`);
  });
  if (snapshot) {
    hooks.beforeEach(async () => {
      const { client } = need();
      await client.restore(snapshot);
      if ((await client.clock.get()).mode !== baseMode) await client.clock[baseMode]();
    });
  }
  return {
    get server() { return need(); },
    get client() { return need().client; },
    get endpoint() { return need().endpoint; },
    get env() { return need().env; },
    sdkConfig: () => need().sdkConfig(),
  };
}

module.exports = { startMockaws, connectMockaws, useMockaws, MockawsClient, MockawsError };
