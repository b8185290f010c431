// The dashboard (GET /_mockaws/ui) in Debian's headless Chromium, driven by
// puppeteer-core, against a real server with a control token: the page loads
// without the token and asks for it, SDK calls appear in the list within a
// second, one opens to its capture, a throttling rule added through the form
// fires on the next call. Screenshots of each view go to
// $MOCKAWS_ARTIFACTS/ui (ctest: build/artifacts/ui).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient, CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { startServer } from './server.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TOKEN = 'dashboard-token';
const here = dirname(fileURLToPath(import.meta.url));
const SHOTS = join(process.env.MOCKAWS_ARTIFACTS ?? join(here, '..', '..', '..', 'build', 'artifacts'), 'ui');

if (!existsSync(CHROMIUM)) {
  throw new Error(`SKIPPED AS FAILURE: ${CHROMIUM} is missing: apt-get install chromium (deps/test.txt)`);
}
let puppeteer;
try {
  puppeteer = (await import('puppeteer-core')).default;
} catch (e) {
  throw new Error('SKIPPED AS FAILURE: puppeteer-core is not in node_modules: run npm ci in client-tests/node');
}

let server, browser, page, profile;
const problems = []; // script errors and CSP refusals in the page

const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const sts = () => new STSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: creds });
const s3 = () => new S3Client({ endpoint: server.endpoint, region: 'us-east-1', credentials: creds, forcePathStyle: true });
const ddb = () => new DynamoDBClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: creds });
const ec2 = () => new EC2Client({ endpoint: server.endpoint, region: 'us-east-1', credentials: creds });
const control = (path, init = {}) => fetch(server.endpoint + '/_mockaws' + path,
  { ...init, headers: { 'X-Mockaws-Control-Token': TOKEN, 'Content-Type': 'application/json', ...(init.headers || {}) } });

async function shot(name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}
// The rows of the request list as the page shows them.
const listRows = () => page.$$eval('#req-body tr', (trs) => trs.map((tr) => ({
  key: tr.dataset.key, seq: Number(tr.dataset.seq),
  cells: [...tr.cells].map((td) => td.textContent),
  bars: tr.querySelectorAll('.timeline .bar').length,
})));

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer('--control-token', TOKEN);
  profile = mkdtempSync(join(tmpdir(), 'mockaws-chromium-'));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--user-data-dir=${profile}`],
    defaultViewport: { width: 1366, height: 800 }, // a laptop screen
  });
  page = await browser.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // failed loads are the page's own 401s and the 404s of endpoints this server lacks
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text());
  });
});

after(async () => {
  if (browser) await browser.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `mockaws exit code after SIGTERM:\n${server.logs()}`);
  }
});

test('the page is served without the token, with its security headers; the API still needs it', async () => {
  const r = await fetch(server.endpoint + '/_mockaws/ui');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
  const html = await r.text();
  assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]|\son[a-z]+=|style=/i, 'no inline script, handler or style');
  for (const [path, type] of [['/_mockaws/ui/app.js', /^text\/javascript/], ['/_mockaws/ui/app.css', /^text\/css/]]) {
    const a = await fetch(server.endpoint + path);
    assert.equal(a.status, 200, path);
    assert.match(a.headers.get('content-type'), type, path);
    assert.equal(a.headers.get('x-content-type-options'), 'nosniff', path);
  }
  assert.equal((await fetch(server.endpoint + '/_mockaws/faults')).status, 401);
  assert.equal((await fetch(server.endpoint + '/_mockaws/ui/nothing')).status, 401, 'only the page goes without the token');
});

test("GET / is the page for a browser's navigation only: S3's ListBuckets is unaffected", async () => {
  const nav = await fetch(server.endpoint + '/', {
    headers: { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
  });
  assert.equal(nav.status, 200);
  assert.match(nav.headers.get('content-type'), /^text\/html/);
  assert.match(await nav.text(), /<title>mockaws<\/title>/);
  // what is not a navigation goes to S3 as before
  for (const headers of [{}, { Accept: '*/*' }, { Accept: 'application/xml, text/html;q=0.5' }]) {
    const r = await fetch(server.endpoint + '/', { headers });
    assert.match(await r.text(), /^<\?xml/, JSON.stringify(headers));
  }
  const q = await fetch(server.endpoint + '/?x-id=ListBuckets', { headers: { Accept: 'text/html' } });
  assert.match(await q.text(), /^<\?xml/, 'a query is not a navigation');
  await s3().send(new CreateBucketCommand({ Bucket: 'nav-check' }));
  const out = await s3().send(new ListBucketsCommand({}));
  assert.deepEqual(out.Buckets.map((b) => b.Name), ['nav-check']);
});

test('the dashboard asks for the token, then shows SDK calls within a second', async () => {
  await page.goto(server.endpoint + '/', { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#token-form:not([hidden])', { timeout: 5000 });
  await shot('token');
  await page.type('#token-input', TOKEN);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#token-form', { hidden: true });
  await page.waitForFunction(() => /live|polling/.test(document.getElementById('conn').textContent), { timeout: 5000 });
  // what was journaled before the page opened is listed
  await page.waitForFunction(() => [...document.querySelectorAll('#req-body tr')].some((tr) => tr.textContent.includes('ListBuckets')), { timeout: 2000 });

  await sts().send(new GetCallerIdentityCommand({}));
  await page.waitForFunction(() => [...document.querySelectorAll('#req-body tr')]
    .some((tr) => tr.cells[2].textContent === 'GetCallerIdentity'), { timeout: 1000, polling: 50 });

  // client bytes reach the page as text, never as markup
  await s3().send(new PutObjectCommand({ Bucket: 'nav-check', Key: '<img src=x onerror=alert(1)>.xml', Body: '<a/>' }));
  await page.waitForFunction(() => document.getElementById('req-body').textContent.includes('<img src=x'), { timeout: 1000, polling: 50 });
  assert.equal(await page.$$eval('#req-body img', (x) => x.length), 0);
  await shot('requests');
});

test('a request opens, by keyboard, to its capture pretty-printed', async () => {
  // is capture built into this server (h-capture)? then ask it to keep bodies
  const probe = await control('/journal/1');
  const capture = !(probe.status === 404 && /no control endpoint/.test((await probe.json()).error));
  if (capture) assert.equal((await control('/capture', { method: 'POST', body: JSON.stringify({ bodies: 65536 }) })).status, 200);
  await s3().send(new GetObjectCommand({ Bucket: 'nav-check', Key: '<img src=x onerror=alert(1)>.xml' })).then((o) => o.Body.transformToString());
  await s3().send(new ListBucketsCommand({}));
  await page.waitForFunction(() => document.querySelector('#req-body tr')?.cells[2].textContent === 'ListBuckets', { timeout: 1000, polling: 50 });

  await page.focus('#req-body tr');
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#detail:not([hidden])');
  assert.match(await page.$eval('#detail-title', (e) => e.textContent), /s3 ListBuckets/);
  await page.waitForFunction(() => !document.getElementById('detail-body').textContent.includes('loading'));
  if (capture) {
    const xml = await page.$eval('#detail-body pre.body-xml', (e) => e.textContent);
    assert.match(xml, /<ListAllMyBucketsResult[^>]*>\n\s+<Buckets>/, 'the XML, indented');
    assert.match(xml, /<Name>nav-check<\/Name>/);
    await page.$eval('#detail-body pre.body-xml', (e) => e.scrollIntoView({ block: 'end' }));
  } else {
    assert.match(await page.$eval('#detail-body', (e) => e.textContent), /keeps no capture/);
  }
  await shot('request-detail');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#detail', { hidden: true });
  // the focus is back on the list: j moves down it
  await page.keyboard.press('j');
  assert.equal(await page.$eval('#req-body', (b) => b.rows[1].getAttribute('aria-selected')), 'true');

  if (capture) {
    // Save HAR: the journal as HTTP Archive, fetched with the token
    const har = join(SHOTS, 'mockaws.har');
    rmSync(har, { force: true });
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: SHOTS });
    await page.click('#har');
    for (let i = 0; i < 100 && !existsSync(har); i++) await new Promise((r) => setTimeout(r, 50));
    const log = JSON.parse(readFileSync(har, 'utf8')).log;
    assert.equal(log.version, '1.2');
    assert.ok(log.entries.some((e) => e.request.url.includes('x-id=ListBuckets')));
  }
});

test('a throttling rule added through the form fires on the next call, shown as one invocation', async () => {
  await page.keyboard.press('2');
  await page.waitForSelector('#view-faults:not([hidden])');
  // the JSON box: the server's own parser says what is wrong
  await page.$eval('#fault-json', (t) => { t.value = '{"service": "sts", "eror": "Throttling"}'; });
  await page.click('#fault-json-form button[type=submit]');
  await page.waitForFunction(() => /Refused: .*eror/.test(document.getElementById('fault-msg').textContent));

  await page.type('#fault-form [name=id]', 'ui-throttle');
  await page.type('#fault-form [name=service]', 'sts');
  await page.type('#fault-form [name=operation]', 'GetCallerIdentity');
  await page.type('#fault-form [name=error]', 'Throttling');
  await page.type('#fault-form [name=times]', '2');
  await page.click('#fault-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('fault-msg').textContent === 'Added ui-throttle.');
  await page.waitForSelector('#faults-body tr[data-id="ui-throttle"]');

  const out = await sts().send(new GetCallerIdentityCommand({}));
  assert.equal(out.$metadata.attempts, 3, 'throttled twice, then succeeded');
  // the counters follow the journal, without a click
  await page.waitForFunction(() => document.querySelector('#faults-body tr[data-id="ui-throttle"] .fired')?.textContent === '2', { timeout: 3000 });
  await shot('faults');

  await page.keyboard.press('1');
  const grouped = await page.waitForFunction(() => {
    const tr = [...document.querySelectorAll('#req-body tr')].find((r) => r.cells[6].textContent === 'ui-throttle');
    return tr && tr.querySelectorAll('.timeline .bar').length === 3 ? tr.cells[8].textContent : null;
  }, { timeout: 1000, polling: 50 });
  assert.match(await grouped.jsonValue(), /^Throttling ×2, then 200 after \d+ ms of backoff$/);
  await shot('requests-grouped');

  // filtering on the fault column keeps that invocation only
  await page.keyboard.press('/');
  await page.keyboard.press('Escape');
  await page.type('#f-fault', 'ui-throttle');
  const rows = await listRows();
  assert.equal(rows.length, 1);
  assert.equal(rows[0].bars, 3);
  await page.$eval('#f-fault', (i) => { i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true })); });
  // and a minimum duration that no request took keeps none
  await page.type('#f-slow', '100000');
  assert.equal((await listRows()).length, 0);
  await page.$eval('#f-slow', (i) => { i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.keyboard.press('Escape');

  // remove it
  await page.keyboard.press('2');
  // (clicked in the page: the table may be redrawn between a lookup and a click)
  await page.waitForSelector('#faults-body tr[data-id="ui-throttle"] button');
  await page.$eval('#faults-body tr[data-id="ui-throttle"] button', (b) => b.click());
  await page.waitForSelector('#faults-body tr[data-id="ui-throttle"]', { hidden: true });
});

test('the state and clock views', async () => {
  await page.keyboard.press('3');
  await page.waitForSelector('#view-state:not([hidden])');
  const inspect = (await control('/s3/buckets')).status === 200;
  if (inspect) {
    await page.waitForFunction(() => document.getElementById('s3-buckets').textContent.includes('nav-check'));
    await page.click('#s3-buckets button');
    await page.waitForFunction(() => document.querySelector('#s3-objects tbody').textContent.includes('onerror'));
  } else {
    await page.waitForFunction(() => /not available on this server/.test(document.getElementById('state-msg').textContent));
  }
  await shot('state-s3');
  if (inspect) {
    await ddb().send(new CreateTableCommand({ TableName: 'orders', BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }));
    await new Promise((r) => setTimeout(r, 700)); // CREATING lasts 500 ms
    await ddb().send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'order-1' }, total: { N: '42' } } }));
    await page.click('.subtabs [data-state=dynamodb]');
    await page.waitForFunction(() => document.getElementById('ddb-tables').textContent.includes('orders'));
    await page.click('#ddb-tables button');
    await page.waitForFunction(() => /order-1/.test(document.querySelector('#ddb-items tbody').textContent));
    await shot('state-dynamodb');
    const run = await ec2().send(new RunInstancesCommand({ ImageId: 'ami-ab939b9c031512198', MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' }));
    await page.click('.subtabs [data-state=ec2]');
    await page.waitForFunction((id) => document.querySelector('#ec2-instances tbody').textContent.includes(id), {}, run.Instances[0].InstanceId);
    await shot('state-ec2');
  }
  await page.click('.subtabs [data-state=sns]');
  await page.waitForFunction(() => document.querySelector('#sns-messages tbody').textContent.includes('nothing published'));
  await shot('state-sns');

  await page.keyboard.press('4');
  await page.waitForSelector('#view-clock:not([hidden])');
  await page.waitForFunction(() => document.getElementById('scenario-head').textContent.includes('No scenario'));
  // a scenario's expectations, one met and one not
  const loaded = await control('/scenario', { method: 'POST', body: JSON.stringify({ name: 'ui-check', expect: [
    { description: 'the caller was asked', service: 'sts', operation: 'GetCallerIdentity', count: { min: 1 } },
    { description: 'the bucket was deleted', service: 's3', operation: 'DeleteBucket', count: 1 }] }) });
  assert.equal(loaded.status, 200, await loaded.text());
  await page.click('#scenario-refresh');
  await page.waitForFunction(() => /ui-check: some expectations unmet/.test(document.getElementById('scenario-head').textContent));
  assert.deepEqual(await page.$$eval('#scenario-table tbody tr', (trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent])),
    [['the caller was asked', 'met'], ['the bucket was deleted', 'unmet']]);
  await page.click('#clock-virtual');
  await page.waitForFunction(() => document.getElementById('clock-mode').textContent === 'Virtual clock');
  const before = (await (await control('/clock')).json()).now_ms;
  await page.$eval('#clock-advance', (i) => { i.value = '60000'; });
  await page.click('#clock-form button[type=submit]');
  await page.waitForFunction((want) => document.getElementById('clock-now').textContent === new Date(want).toISOString(), {}, before + 60000);
  await shot('clock');

  // reset, in two steps
  await page.click('#reset');
  await page.click('#reset-confirm');
  await page.waitForFunction(() => /^Reset/.test(document.getElementById('clock-msg').textContent));
  assert.deepEqual((await (await control('/journal')).json()).entries, []);
  await page.keyboard.press('1');
  assert.equal(await page.$$eval('#req-body tr', (r) => r.length), 0);
  assert.deepEqual(problems, [], 'no script error or CSP refusal in the page');
});
