// mockaws dashboard. Plain ES2020, no framework, no network but this server's
// control API. Server data reaches the page only through textContent (journal
// entries carry client bytes), never through innerHTML.
'use strict';

const TOKEN_KEY = 'mockaws-control-token';
const MAX_ENTRIES = 5000; // kept in the page
const MAX_ROWS = 1000; // drawn at once

const $ = (id) => document.getElementById(id);

// h('td', {class: 'num'}, 'text', node...): an element, children as text nodes.
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids) {
    if (kid === undefined || kid === null || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}
const clear = (el) => { while (el.firstChild) el.removeChild(el.firstChild); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const str = (v) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function msg(el, text, good) {
  el.textContent = text || '';
  el.className = 'msg' + (text ? (good ? ' good' : ' bad') : '');
}

// ---- the control API ----

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

let token = sessionStorage.getItem(TOKEN_KEY) || '';
let tokenWaiters = [];

function askToken(wrong) {
  const form = $('token-form');
  if (form.hidden) {
    form.hidden = false;
    $('token-input').focus();
  }
  if (wrong) $('token-input').setAttribute('aria-invalid', 'true');
}
function tokenGiven() { return new Promise((r) => tokenWaiters.push(r)); }

function headers(json) {
  const hd = {};
  if (token) hd['X-Mockaws-Control-Token'] = token;
  if (json) hd['Content-Type'] = 'application/json';
  return hd;
}

// The answer's JSON; throws ApiError with the server's own {"error"} message.
async function api(method, path, body) {
  const init = { method, headers: headers(body !== undefined), cache: 'no-store' };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const r = await fetch('/_mockaws' + path, init);
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  if (r.status === 401) askToken(!!token);
  if (!r.ok) throw new ApiError(r.status, (data && data.error) || `${method} /_mockaws${path}: ${r.status}`);
  return data;
}
const qs = (o) => Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)
  .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

// ---- views and keys ----

const views = ['requests', 'faults', 'state', 'clock'];
let view = 'requests';

function show(name) {
  view = name;
  for (const v of views) {
    $('view-' + v).hidden = v !== name;
    const tab = $('tab-' + v);
    tab.setAttribute('aria-selected', String(v === name));
    tab.tabIndex = v === name ? 0 : -1;
  }
  if (location.hash !== '#' + name) history.replaceState(null, '', '#' + name);
  if (name === 'faults') loadFaults();
  if (name === 'state') loadState();
  if (name === 'clock') { loadClock(); loadScenario(); }
}

function typing(e) {
  const t = e.target;
  return t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}

document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'Escape') {
    if (typing(e)) { e.target.blur(); return; }
    if (!$('detail').hidden) { closeDetail(); return; }
    if (!$('help').hidden) toggleHelp();
    return;
  }
  if (typing(e)) return;
  const n = '1234'.indexOf(e.key);
  if (n >= 0) { show(views[n]); $('tab-' + views[n]).focus(); e.preventDefault(); return; }
  if (e.key === '?') { toggleHelp(); return; }
  if (view !== 'requests') return;
  if (e.key === '/') { e.preventDefault(); $('f-text').focus(); $('f-text').select(); }
  else if (e.key === 'g') { $('f-group').checked = !$('f-group').checked; render(); }
  else if (e.key === 'p') { $('f-pause').checked = !$('f-pause').checked; pauseChanged(); }
  else if (e.key === 'j' || e.key === 'ArrowDown') { moveSel(1); e.preventDefault(); }
  else if (e.key === 'k' || e.key === 'ArrowUp') { moveSel(-1); e.preventDefault(); }
  else if (e.key === 'Home') { moveSel(-Infinity); e.preventDefault(); }
  else if (e.key === 'End') { moveSel(Infinity); e.preventDefault(); }
  else if (e.key === 'Enter' && selKey !== null) { openSelected(); e.preventDefault(); }
});

// arrows between the tabs, as a tablist does
$('tabs').addEventListener('keydown', (e) => {
  const i = views.indexOf(view);
  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
    const next = views[(i + (e.key === 'ArrowRight' ? 1 : views.length - 1)) % views.length];
    show(next); $('tab-' + next).focus(); e.preventDefault(); e.stopPropagation();
  }
});
for (const v of views) $('tab-' + v).addEventListener('click', () => show(v));

function toggleHelp() {
  const help = $('help');
  help.hidden = !help.hidden;
  $('help-toggle').setAttribute('aria-expanded', String(!help.hidden));
}
$('help-toggle').addEventListener('click', toggleHelp);

$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  token = $('token-input').value.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  $('token-input').removeAttribute('aria-invalid');
  $('token-form').hidden = true;
  const w = tokenWaiters; tokenWaiters = [];
  w.forEach((r) => r());
  show(view);
});

// ---- requests: the journal, live ----

let entries = []; // oldest first
let lastSeq = 0;
let selKey = null; // the selected row: 'g:<invocation>' or 's:<seq>'
let paused = false;
let renderQueued = false;

function addEntries(list) {
  for (const e of list) {
    if (typeof e.seq !== 'number' || e.seq <= lastSeq) continue;
    entries.push(e);
    lastSeq = e.seq;
  }
  if (entries.length > MAX_ENTRIES) entries.splice(0, entries.length - MAX_ENTRIES);
  queueRender();
  entriesArrived();
}

function queueRender() {
  if (paused || renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => { renderQueued = false; render(); });
}

function pauseChanged() {
  paused = $('f-pause').checked;
  if (!paused) render();
}

const filterIds = ['service', 'operation', 'resource', 'status', 'error', 'fault'];
function currentFilter() {
  const f = { text: $('f-text').value.trim().toLowerCase(), failed: $('f-errors').checked };
  for (const k of filterIds) f[k] = $('f-' + k).value.trim().toLowerCase();
  const slow = Number($('f-slow').value.trim());
  f.slowUs = $('f-slow').value.trim() && Number.isFinite(slow) ? slow * 1000 : null;
  return f;
}
function matches(e, f) {
  for (const k of filterIds) {
    if (!f[k]) continue;
    const v = str(e[k]).toLowerCase();
    if (k === 'status' ? !v.startsWith(f[k]) : !v.includes(f[k])) return false;
  }
  if (f.failed && !(e.status >= 400 || e.error || e.fault)) return false;
  if (f.slowUs !== null && !((e.duration_us || 0) >= f.slowUs)) return false;
  if (f.text) {
    const all = [e.time, e.service, e.operation, e.resource, e.status, e.error, e.fault, e.request_id,
      e.account, e.region, e.principal, e.caller].map(str).join(' ').toLowerCase();
    if (!all.includes(f.text)) return false;
  }
  return true;
}

// Rows: one per invocation (its attempts in order) or one per entry.
function rows() {
  const f = currentFilter();
  const group = $('f-group').checked;
  const out = [];
  const byInv = new Map();
  for (const e of entries) {
    if (group && e.invocation_id) {
      let g = byInv.get(e.invocation_id);
      if (!g) {
        g = { key: 'g:' + e.invocation_id, attempts: [], hit: false };
        byInv.set(e.invocation_id, g);
        out.push(g);
      }
      g.attempts.push(e);
      if (matches(e, f)) g.hit = true;
    } else {
      out.push({ key: 's:' + e.seq, attempts: [e], hit: matches(e, f) });
    }
  }
  return out.filter((r) => r.hit);
}

function statusClass(s) { return s >= 500 ? 'st-bad' : s >= 400 ? 'st-warn' : 'st-ok'; }
function fmtTime(e) {
  const t = str(e.time);
  const m = /T(\d\d:\d\d:\d\d(?:\.\d+)?)/.exec(t);
  return m ? m[1] : t;
}
function fmtDur(us) {
  if (typeof us !== 'number') return '';
  return us >= 1000000 ? (us / 1e6).toFixed(2) + ' s' : us >= 1000 ? (us / 1000).toFixed(1) + ' ms' : us + ' µs';
}
const endMs = (e) => e.time_ms + (e.duration_us || 0) / 1000;

// "Throttling ×2, then 200 after 180 ms of backoff"
function attemptsText(atts) {
  if (atts.length < 2) {
    const a = atts[0];
    return a.attempt ? `attempt ${a.attempt}${a.max_attempts ? '/' + a.max_attempts : ''}` : '';
  }
  const fails = new Map();
  for (const a of atts.slice(0, -1)) {
    const k = a.error || String(a.status);
    fails.set(k, (fails.get(k) || 0) + 1);
  }
  let backoff = 0;
  for (let i = 1; i < atts.length; i++) backoff += Math.max(0, atts[i].time_ms - endMs(atts[i - 1]));
  const last = atts[atts.length - 1];
  const failed = [...fails].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(', ');
  const outcome = last.error ? `${last.error} (${last.status})` : `${last.status}`;
  return `${failed}, then ${outcome} after ${Math.round(backoff)} ms of backoff`;
}

function timeline(atts) {
  const t0 = atts[0].time_ms;
  const span = Math.max(1, Math.max(...atts.map(endMs)) - t0);
  const tl = h('span', { class: 'timeline', 'aria-hidden': 'true' });
  for (const a of atts) {
    const bar = h('span', { class: 'bar' + (a.fault ? ' fault' : a.status >= 400 || a.error ? ' err' : ''),
      title: `attempt ${a.attempt || '?'}: ${a.status}${a.error ? ' ' + a.error : ''} at +${a.time_ms - t0} ms` });
    bar.style.left = ((a.time_ms - t0) / span * 100).toFixed(2) + '%';
    bar.style.width = Math.max(2, ((a.duration_us || 0) / 1000) / span * 100).toFixed(2) + '%';
    tl.append(bar);
  }
  return tl;
}

function render() {
  const all = rows();
  const shown = all.slice(-MAX_ROWS).reverse(); // newest first
  const body = $('req-body');
  const frag = document.createDocumentFragment();
  for (const r of shown) {
    const atts = r.attempts, last = atts[atts.length - 1], first = atts[0];
    const sel = r.key === selKey;
    const tr = h('tr', { 'data-key': r.key, 'data-seq': last.seq, tabindex: sel ? 0 : -1,
      'aria-selected': String(sel), class: last.fault ? 'faulted' : undefined },
    h('td', { class: 'mono' }, fmtTime(first)),
    h('td', {}, str(last.service)),
    h('td', {}, str(last.operation), last.caller ? h('span', { class: 'note' }, ` (by ${last.caller})`) : null),
    h('td', { title: str(last.resource) }, str(last.resource)),
    h('td', { class: statusClass(last.status) }, str(last.status)),
    h('td', { class: last.error ? 'st-bad' : '' }, str(last.error)),
    h('td', { class: 'fault-tag' }, [...new Set(atts.map((a) => a.fault).filter(Boolean))].join(', ')),
    h('td', { class: 'num' }, fmtDur(atts.length > 1 ? (endMs(last) - first.time_ms) * 1000 : last.duration_us)),
    h('td', {}, atts.length > 1 ? timeline(atts) : null, h('span', { class: 'attempts-text' }, attemptsText(atts))));
    frag.append(tr);
  }
  const hadFocus = body.contains(document.activeElement);
  clear(body);
  body.append(frag);
  $('req-empty').hidden = shown.length > 0;
  $('req-count').textContent = `${all.length} shown of ${entries.length}` + (all.length > MAX_ROWS ? ` (newest ${MAX_ROWS} drawn)` : '');
  if (hadFocus) { const s = selectedRow(); if (s) s.focus({ preventScroll: true }); }
}

function selectedRow() {
  return selKey === null ? null : [...$('req-body').rows].find((tr) => tr.dataset.key === selKey) || null;
}
function select(tr, focus) {
  const prev = selectedRow();
  if (prev) { prev.setAttribute('aria-selected', 'false'); prev.tabIndex = -1; }
  selKey = tr.dataset.key;
  tr.setAttribute('aria-selected', 'true');
  tr.tabIndex = 0;
  if (focus) tr.focus();
  tr.scrollIntoView({ block: 'nearest' });
}
function moveSel(d) {
  const list = [...$('req-body').rows];
  if (!list.length) return;
  const cur = list.indexOf(selectedRow());
  let i = cur < 0 ? 0 : cur + (Number.isFinite(d) ? d : d > 0 ? list.length : -list.length);
  i = Math.max(0, Math.min(list.length - 1, i));
  select(list[i], true);
}
$('req-body').addEventListener('click', (e) => {
  const tr = e.target.closest('tr');
  if (!tr) return;
  select(tr, true);
  openSelected();
});
$('filters').addEventListener('input', render);
$('filters').addEventListener('submit', (e) => e.preventDefault());
$('f-pause').addEventListener('change', pauseChanged);
$('clear-list').addEventListener('click', () => { entries = []; selKey = null; render(); });
// The journal as HTTP Archive (h-capture's journal.har), fetched with the
// token and saved from memory: a plain link could not send the token.
$('har').addEventListener('click', async () => {
  const f = currentFilter();
  const r = await fetch('/_mockaws/journal.har?' + qs({ service: f.service, operation: f.operation, error: f.error }),
    { headers: headers(false), cache: 'no-store' });
  if (!r.ok) { $('req-count').textContent = `HAR not available (${r.status})`; return; }
  const url = URL.createObjectURL(await r.blob());
  const a = h('a', { href: url, download: 'mockaws.har' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
});

// ---- one request in full ----

let detailSeq = null;

function closeDetail() {
  $('detail').hidden = true;
  detailSeq = null;
  const s = selectedRow();
  if (s) s.focus();
}
$('detail-close').addEventListener('click', closeDetail);

function openSelected() {
  const tr = selectedRow();
  if (!tr) return;
  const atts = selKey.startsWith('g:')
    ? entries.filter((e) => 'g:' + e.invocation_id === selKey)
    : entries.filter((e) => 's:' + e.seq === selKey);
  if (!atts.length) return;
  openDetail(atts, atts[atts.length - 1].seq);
}

async function openDetail(atts, seq) {
  const d = $('detail');
  d.hidden = false;
  detailSeq = seq;
  const e = atts.find((a) => a.seq === seq) || atts[atts.length - 1];
  $('detail-title').textContent = `${str(e.service)} ${str(e.operation)} · #${e.seq}`;
  const bar = $('detail-attempts');
  clear(bar);
  if (atts.length > 1) {
    bar.append(h('span', { class: 'note' }, attemptsText(atts) + ': '));
    for (const a of atts) {
      bar.append(h('button', { type: 'button', 'aria-pressed': String(a.seq === seq),
        onclick: () => openDetail(atts, a.seq) },
      `attempt ${a.attempt || '?'}: ${a.status}${a.error ? ' ' + a.error : ''}`));
    }
  }
  const dl = $('detail-summary');
  clear(dl);
  const fields = ['time', 'request_id', 'account', 'region', 'service', 'operation', 'resource', 'status', 'error',
    'fault', 'duration_us', 'invocation_id', 'attempt', 'max_attempts', 'caller', 'principal'];
  for (const k of fields) {
    if (e[k] === undefined || e[k] === null) continue;
    dl.append(h('dt', {}, k), h('dd', {}, k === 'duration_us' ? fmtDur(e[k]) : str(e[k])));
  }
  const body = $('detail-body');
  clear(body);
  body.append(h('p', { class: 'note' }, 'loading the capture…'));
  let full = null, why = '';
  try { full = await api('GET', '/journal/' + e.seq); } catch (err) {
    why = err.status === 404 ? 'This server keeps no capture of this request (GET /_mockaws/journal/{seq} answered 404).' : err.message;
  }
  if (detailSeq !== seq) return; // another was opened meanwhile
  clear(body);
  if (!full || (!full.request && !full.response)) {
    body.append(h('p', { class: 'note' }, why || 'No headers or bodies were captured for this request (POST /_mockaws/capture {"bodies": N} keeps them).'));
    return;
  }
  if (full.request) body.append(...message('Request', full.request, true, e));
  if (full.response) body.append(...message('Response', full.response, false, e));
}

function header(hdrs, name) {
  for (const [k, v] of hdrs || []) if (String(k).toLowerCase() === name) return String(v);
  return '';
}

function message(title, m, isReq, e) {
  const out = [];
  const line = isReq ? `${str(m.method)} ${str(m.path)}${m.query ? '?' + m.query : ''}` : `HTTP ${str(m.status)}`;
  out.push(h('h3', {}, title), h('p', { class: 'mono' }, line));
  const tb = h('tbody');
  for (const [k, v] of m.headers || []) tb.append(h('tr', {}, h('td', {}, str(k)), h('td', {}, str(v))));
  out.push(h('table', { class: 'grid headers' }, tb));
  const size = typeof m.body_size === 'number' ? `${m.body_size} bytes` : '';
  if (typeof m.body === 'string' && m.body.length) {
    const kind = bodyKind(header(m.headers, 'content-type'), m.body);
    out.push(h('p', { class: 'note' }, `body, ${kind}${size ? ', ' + size : ''}${m.body_truncated ? ', truncated' : ''}`));
    out.push(h('pre', { class: 'code body-' + kind }, pretty(kind, m.body)));
  } else if (typeof m.body_base64 === 'string') {
    out.push(h('p', { class: 'note' }, `binary body${size ? ', ' + size : ''}${m.body_truncated ? ', truncated' : ''} (base64)`));
    out.push(h('pre', { class: 'code' }, m.body_base64.slice(0, 4096)));
  } else if (m.body_withheld) {
    out.push(h('p', { class: 'note' }, `body withheld: ${str(m.body_withheld)}${size ? ' (' + size + ')' : ''}`));
  } else if (m.body_size) {
    out.push(h('p', { class: 'note' }, `body of ${size}, not captured`));
  }
  return out;
}

function bodyKind(ct, body) {
  ct = ct.toLowerCase();
  if (ct.includes('json')) return 'json';
  if (ct.includes('xml')) return 'xml';
  if (ct.includes('x-www-form-urlencoded')) return 'form';
  const t = body.trimStart();
  if (t.startsWith('<')) return 'xml';
  if (t.startsWith('{') || t.startsWith('[')) return 'json';
  if (/^[\w.%-]+=[^\s]*(&[\w.%-]+=[^\s]*)*$/.test(t)) return 'form';
  return 'text';
}

function pretty(kind, body) {
  try {
    if (kind === 'json') return JSON.stringify(JSON.parse(body), null, 2);
    if (kind === 'xml') return prettyXml(body);
    if (kind === 'form') return prettyForm(body);
  } catch (e) { /* shown as sent */ }
  return body;
}

function prettyForm(body) {
  const dec = (s) => { try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch (e) { return s; } };
  return body.split('&').filter(Boolean).map((p) => {
    const i = p.indexOf('=');
    return i < 0 ? dec(p) : `${dec(p.slice(0, i))} = ${dec(p.slice(i + 1))}`;
  }).join('\n');
}

// Indents XML by its tags; an element holding only text stays on one line.
function prettyXml(s) {
  const tokens = s.match(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<[^>]*>|[^<]+/g) || [];
  const out = [];
  let depth = 0;
  const pad = () => '  '.repeat(Math.max(0, depth));
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t.startsWith('<') || t.startsWith('<![CDATA[')) {
      if (t.trim()) out.push(pad() + t.trim());
      continue;
    }
    if (t.startsWith('</')) { depth--; out.push(pad() + t); continue; }
    if (t.startsWith('<?') || t.startsWith('<!') || t.endsWith('/>')) { out.push(pad() + t); continue; }
    const a = tokens[i + 1], b = tokens[i + 2];
    if (a !== undefined && a.startsWith('</')) { out.push(pad() + t + a); i += 1; continue; }
    if (a !== undefined && !a.startsWith('<') && b !== undefined && b.startsWith('</')) {
      out.push(pad() + t + a + b); i += 2; continue;
    }
    out.push(pad() + t);
    depth++;
  }
  return out.join('\n');
}

// ---- the live feed: the stream, or the journal polled where there is none ----

function setConn(cls, text) {
  const c = $('conn');
  c.className = 'conn ' + cls;
  c.textContent = text;
}

async function feed() {
  try {
    addEntries((await api('GET', '/journal')).entries || []);
  } catch (e) {
    setConn('down', e.status === 401 ? 'token needed' : 'cannot read the journal');
    if (e.status === 401) await tokenGiven(); else await sleep(2000);
    return feed();
  }
  let wait = 500;
  for (;;) {
    let r;
    try {
      r = await fetch(`/_mockaws/journal/stream?since=${lastSeq}`, { headers: headers(false), cache: 'no-store' });
    } catch (e) {
      setConn('down', 'disconnected, retrying');
      await sleep(wait); wait = Math.min(wait * 2, 5000);
      continue;
    }
    if (r.status === 401) { askToken(!!token); setConn('down', 'token needed'); await tokenGiven(); continue; }
    const ct = r.headers.get('content-type') || '';
    if (!r.ok || !ct.startsWith('text/event-stream')) {
      try { await r.body.cancel(); } catch (e) { /* gone already */ }
      return poll(); // a server without the stream
    }
    setConn('live', 'live');
    wait = 500;
    try { await readStream(r.body); } catch (e) { /* dropped: reconnect from lastSeq */ }
    setConn('down', 'reconnecting');
    await sleep(wait);
  }
}

async function readStream(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value.replace(/\r\n?/g, '\n');
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      let event = 'message', data = [];
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue;
        const c = line.indexOf(':');
        const field = c < 0 ? line : line.slice(0, c);
        const val = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
        if (field === 'event') event = val;
        else if (field === 'data') data.push(val);
      }
      onEvent(event, data.join('\n'));
    }
  }
}

function onEvent(event, data) {
  if (event === 'entry' || event === 'message') {
    try { addEntries([JSON.parse(data)]); } catch (e) { /* not an entry */ }
  } else if (event === 'reset') {
    entries = []; selKey = null; render();
  } else if (event === 'gap') {
    let g = {};
    try { g = JSON.parse(data); } catch (e) { /* no range */ }
    setConn('live', `live (entries ${str(g.from)}–${str(g.to)} were dropped before they could be sent)`);
  }
}

// Without the stream: the journal since the last entry seen, twice a second
// (a cheap query: only the entries after that seq).
async function poll() {
  setConn('poll', 'polling (no stream on this server)');
  for (;;) {
    try {
      addEntries((await api('GET', '/journal?since=' + lastSeq)).entries || []);
      setConn('poll', 'polling (no stream on this server)');
    } catch (e) {
      setConn('down', e.status === 401 ? 'token needed' : 'disconnected, retrying');
      if (e.status === 401) await tokenGiven();
    }
    await sleep(500);
  }
}

// New entries change the counters of the view on screen: refresh it, at most
// once a second, and only when entries arrive.
let refreshTimer = null;
function entriesArrived() {
  if (refreshTimer || (view !== 'faults' && view !== 'clock')) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    if (view === 'faults') loadFaults();
    if (view === 'clock') loadScenario();
  }, 1000);
}

// ---- fault rules ----

const MATCHERS = ['service', 'operation', 'resource', 'account', 'region'];
const SCHEDULE = ['after', 'times', 'every', 'probability', 'seed', 'from_ms', 'until_ms'];
const COUNTERS = ['id', 'matched', 'fired', 'expired'];

async function loadFaults() {
  let data;
  try { data = await api('GET', '/faults'); } catch (e) { msg($('fault-msg'), e.message); return; }
  const tb = $('faults-body');
  clear(tb);
  const rules = (data && data.faults) || [];
  for (const r of rules) {
    const match = [], action = [], sched = [];
    for (const [k, v] of Object.entries(r)) {
      if (COUNTERS.includes(k) || k === 'description' || k === 'name') continue;
      const kv = `${k}=${str(v)}`;
      if (MATCHERS.includes(k)) match.push(kv); else if (SCHEDULE.includes(k)) sched.push(kv); else action.push(kv);
    }
    tb.append(h('tr', { 'data-id': str(r.id) },
      h('td', { class: 'mono' }, str(r.id)),
      h('td', { class: 'wrap' }, match.join(' ') || 'every request'),
      h('td', { class: 'wrap' }, action.join(' ')),
      h('td', { class: 'wrap' }, sched.join(' ')),
      h('td', { class: 'num matched' }, str(r.matched)),
      h('td', { class: 'num fired' }, str(r.fired)),
      h('td', {}, r.expired ? 'expired' : 'active'),
      h('td', {}, h('button', { type: 'button', class: 'danger', 'aria-label': `Remove rule ${str(r.id)}`,
        onclick: () => removeFault(r.id) }, 'Remove'))));
  }
  $('faults-empty').hidden = rules.length > 0;
}

async function removeFault(id) {
  try {
    await api('DELETE', '/faults/' + encodeURIComponent(id));
    msg($('fault-msg'), `Removed ${id}.`, true);
  } catch (e) { msg($('fault-msg'), e.message); }
  loadFaults();
}

async function addFaults(body, form) {
  try {
    const r = await api('POST', '/faults', body);
    msg($('fault-msg'), `Added ${(r.ids || []).join(', ')}.`, true);
    if (form) form.reset();
  } catch (e) { msg($('fault-msg'), `Refused: ${e.message}`); }
  loadFaults();
}

$('fault-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = e.target, rule = {};
  const val = (n) => f.elements[n].value.trim();
  for (const k of ['id', ...MATCHERS.slice(0, 3), 'connection']) if (val(k)) rule[k] = val(k);
  for (const k of ['delay_ms', 'after', 'times', 'every', 'probability']) {
    if (val(k)) rule[k] = Number.isNaN(Number(val(k))) ? val(k) : Number(val(k)); // the server says what is wrong
  }
  if (val('error')) {
    rule.error = val('status') ? { code: val('error'), status: Number(val('status')) } : val('error');
  } else if (val('status')) {
    rule.error = { code: 'InjectedFault', status: Number(val('status')) };
  }
  addFaults(rule, f);
});
$('fault-json-form').addEventListener('submit', (e) => {
  e.preventDefault();
  addFaults($('fault-json').value); // sent as typed: the server's parser judges it
});
$('faults-refresh').addEventListener('click', loadFaults);
$('faults-clear').addEventListener('click', async () => {
  try { await api('DELETE', '/faults'); msg($('fault-msg'), 'Removed all rules.', true); } catch (e) { msg($('fault-msg'), e.message); }
  loadFaults();
});

// ---- state ----

let stateTab = 's3';
const pick = (o, ...names) => {
  if (typeof o !== 'object' || o === null) return str(o);
  for (const n of names) if (o[n] !== undefined && o[n] !== null) return str(o[n]);
  return '';
};
const listOf = (data, ...names) => {
  if (Array.isArray(data)) return data;
  for (const n of names) if (data && Array.isArray(data[n])) return data[n];
  return [];
};
function unavailable(err, what) {
  return err.status === 404 && !/no bucket|no table|does not exist|not found/i.test(err.message)
    ? `${what} is not available on this server (${err.message}).` : err.message;
}

document.querySelectorAll('.subtabs [data-state]').forEach((b) => b.addEventListener('click', () => {
  stateTab = b.dataset.state;
  loadState();
}));
$('state-refresh').addEventListener('click', () => loadState());

function loadState() {
  for (const b of document.querySelectorAll('.subtabs [data-state]')) b.setAttribute('aria-pressed', String(b.dataset.state === stateTab));
  for (const s of ['s3', 'dynamodb', 'sns', 'ec2']) $('state-' + s).hidden = s !== stateTab;
  msg($('state-msg'), '');
  ({ s3: loadBuckets, dynamodb: loadTables, sns: loadTopics, ec2: loadInstances })[stateTab]();
}

// a list of buttons, one per thing, the chosen one pressed
function pickList(ul, items, label, sub, isChosen, onpick) {
  clear(ul);
  for (const it of items) {
    const b = h('button', { type: 'button', 'aria-pressed': String(isChosen(it)) },
      label(it), sub(it) ? h('span', { class: 'sub' }, sub(it)) : null);
    b.addEventListener('click', () => {
      ul.querySelectorAll('button').forEach((x) => x.setAttribute('aria-pressed', String(x === b)));
      onpick(it);
    });
    ul.append(h('li', {}, b));
  }
  if (!items.length) ul.append(h('li', { class: 'note' }, 'none'));
}

// S3
const s3 = { bucket: null, next: null };
async function loadBuckets() {
  try {
    const data = await api('GET', '/s3/buckets');
    const list = listOf(data, 'buckets', 'Buckets');
    pickList($('s3-buckets'), list, (b) => pick(b, 'name', 'Name', 'bucket'),
      (b) => [pick(b, 'region'), b.objects !== undefined ? `${b.objects} object${b.objects === 1 ? '' : 's'}` : ''].filter(Boolean).join(' · '),
      (b) => pick(b, 'name', 'Name', 'bucket') === s3.bucket, (b) => { s3.bucket = pick(b, 'name', 'Name', 'bucket'); $('s3-prefix').value = ''; loadObjects(null); });
    if (data && data.next) $('s3-buckets').append(h('li', { class: 'note' }, 'the first page only'));
    if (s3.bucket) loadObjects(null);
  } catch (e) { msg($('state-msg'), unavailable(e, 'S3 inspection (GET /_mockaws/s3/buckets)')); }
}
async function loadObjects(next) {
  if (!s3.bucket) return;
  $('s3-bucket').textContent = s3.bucket;
  $('s3-object').hidden = true;
  try {
    const data = await api('GET', '/s3/objects?' + qs({ bucket: s3.bucket, prefix: $('s3-prefix').value,
      delimiter: $('s3-delim').value, limit: 100, next }));
    s3.next = data.next || null;
    $('s3-next').disabled = !s3.next;
    const chips = $('s3-prefixes');
    clear(chips);
    for (const p of data.prefixes || []) {
      const name = typeof p === 'string' ? p : pick(p, 'prefix', 'Prefix');
      chips.append(h('li', {}, h('button', { type: 'button', onclick: () => { $('s3-prefix').value = name; loadObjects(null); } }, name)));
    }
    const tb = $('s3-objects').tBodies[0];
    clear(tb);
    for (const o of data.objects || []) {
      tb.append(h('tr', {},
        h('td', {}, h('button', { type: 'button', class: 'quiet', onclick: () => showObject(o.key) }, str(o.key))),
        h('td', { class: 'num' }, str(o.size)), h('td', {}, str(o.last_modified)), h('td', {}, str(o.storage_class)),
        h('td', {}, str(o.content_type)), h('td', { class: 'mono' }, str(o.etag))));
    }
    if (!(data.objects || []).length) tb.append(h('tr', {}, h('td', { colspan: 6, class: 'note' }, 'no objects under this prefix')));
  } catch (e) { msg($('state-msg'), unavailable(e, 'S3 objects (GET /_mockaws/s3/objects)')); }
}
async function showObject(key) {
  const pre = $('s3-object');
  try {
    const o = await api('GET', '/s3/object?' + qs({ bucket: s3.bucket, key }));
    pre.textContent = JSON.stringify(o, null, 2);
  } catch (e) { pre.textContent = e.message; }
  pre.hidden = false;
}
$('s3-form').addEventListener('submit', (e) => { e.preventDefault(); loadObjects(null); });
$('s3-next').addEventListener('click', () => loadObjects(s3.next));

// DynamoDB
const ddb = { table: null, next: null };
async function loadTables() {
  try {
    const data = await api('GET', '/dynamodb/tables');
    pickList($('ddb-tables'), listOf(data, 'tables', 'Tables'), (t) => pick(t, 'name', 'table', 'TableName'),
      (t) => [pick(t, 'region'), pick(t, 'account'), t.items !== undefined ? `${t.items} item${t.items === 1 ? '' : 's'}` : '', pick(t, 'status')].filter(Boolean).join(' · '),
      (t) => !!ddb.table && pick(t, 'name', 'table', 'TableName') === ddb.table.name && pick(t, 'account') === ddb.table.account && pick(t, 'region') === ddb.table.region,
      (t) => { ddb.table = { name: pick(t, 'name', 'table', 'TableName'), account: pick(t, 'account'), region: pick(t, 'region') }; loadItems(null); });
    if (ddb.table) loadItems(null);
  } catch (e) { msg($('state-msg'), unavailable(e, 'DynamoDB inspection (GET /_mockaws/dynamodb/tables)')); }
}
// {"S": "x"} -> x, for reading; the full JSON is in the cell's title
function ddbValue(v) {
  if (!v || typeof v !== 'object') return str(v);
  const [t, x] = Object.entries(v)[0] || [];
  if (t === 'S' || t === 'N' || t === 'B') return str(x);
  if (t === 'BOOL' || t === 'NULL') return str(x);
  return JSON.stringify(v);
}
async function loadItems(next) {
  if (!ddb.table) return;
  $('ddb-table').textContent = ddb.table.name;
  try {
    const data = await api('GET', '/dynamodb/items?' + qs({ table: ddb.table.name, account: ddb.table.account,
      region: ddb.table.region, limit: 50, next }));
    const items = data.items || [];
    ddb.next = data.next || null;
    $('ddb-next').disabled = !ddb.next;
    $('ddb-first').disabled = !next;
    const cols = [];
    for (const it of items) for (const k of Object.keys(it)) if (!cols.includes(k) && cols.length < 12) cols.push(k);
    const t = $('ddb-items');
    clear(t.tHead); clear(t.tBodies[0]);
    t.tHead.append(h('tr', {}, ...cols.map((c) => h('th', {}, c))));
    for (const it of items) {
      t.tBodies[0].append(h('tr', {}, ...cols.map((c) => h('td', { title: it[c] === undefined ? '' : JSON.stringify(it[c]) }, it[c] === undefined ? '' : ddbValue(it[c])))));
    }
    if (!items.length) t.tBodies[0].append(h('tr', {}, h('td', { class: 'note' }, 'no items')));
  } catch (e) { msg($('state-msg'), unavailable(e, 'DynamoDB items (GET /_mockaws/dynamodb/items)')); }
}
$('ddb-next').addEventListener('click', () => loadItems(ddb.next));
$('ddb-first').addEventListener('click', () => loadItems(null));

// SNS: topics (h-inspect) and what was published (the SNS hook)
let snsTopic = null;
async function loadTopics() {
  try {
    const data = await api('GET', '/sns/topics');
    pickList($('sns-topics'), listOf(data, 'topics', 'Topics'), (t) => pick(t, 'name', 'arn', 'topic_arn', 'TopicArn'),
      (t) => [t.subscription_count !== undefined ? `${t.subscription_count} subscriptions` : '',
        t.published !== undefined ? `${t.published} published` : ''].filter(Boolean).join(' · '), (t) => pick(t, 'arn', 'topic_arn', 'TopicArn', 'name') === snsTopic, (t) => { snsTopic = pick(t, 'arn', 'topic_arn', 'TopicArn', 'name'); loadMessages(); });
  } catch (e) {
    clear($('sns-topics'));
    $('sns-topics').append(h('li', { class: 'note' }, unavailable(e, 'the topic list (GET /_mockaws/sns/topics)')));
  }
  loadMessages();
}
async function loadMessages() {
  $('sns-topic').textContent = snsTopic ? `Published to ${snsTopic}` : 'Published messages (all topics)';
  try {
    const data = await api('GET', '/sns/messages?' + qs({ topic_arn: snsTopic }));
    const tb = $('sns-messages').tBodies[0];
    clear(tb);
    for (const m of data.messages || []) {
      const dels = (m.deliveries || []).map((d) => `${pick(d, 'status')}${d.attempts ? ' ×' + d.attempts : ''} ${pick(d, 'endpoint', 'protocol', 'subscription_arn')}`);
      tb.append(h('tr', {}, h('td', {}, str(m.time)), h('td', { title: str(m.topic_arn) }, str(m.topic_arn)),
        h('td', {}, str(m.subject)), h('td', { class: 'wrap' }, str(m.message)),
        h('td', { class: 'wrap' }, dels.join('\n') || 'no subscribers')));
    }
    if (!(data.messages || []).length) tb.append(h('tr', {}, h('td', { colspan: 5, class: 'note' }, 'nothing published')));
  } catch (e) { msg($('state-msg'), e.message); }
}

// EC2
async function loadInstances() {
  let now = null;
  try { now = (await api('GET', '/clock')).now_ms; } catch (e) { /* shown without "in N s" */ }
  try {
    const data = await api('GET', '/ec2/instances');
    const tb = $('ec2-instances').tBodies[0];
    clear(tb);
    for (const i of listOf(data, 'instances')) {
      let when = str(i.next_change);
      const at = typeof i.next_change === 'number' ? i.next_change : Date.parse(i.next_change);
      if (i.next_change !== null && i.next_change !== undefined && Number.isFinite(at) && now !== null) {
        when = `${str(i.next_change)} (in ${((at - now) / 1000).toFixed(1)} s of server clock)`;
      } else if (i.next_state && i.polls_left !== undefined) {
        when = `after ${i.polls_left} more describe call(s)`;
      }
      tb.append(h('tr', {}, h('td', { class: 'mono' }, str(i.id)), h('td', {}, str(i.type)), h('td', {}, str(i.state)),
        h('td', {}, str(i.next_state)), h('td', {}, when), h('td', {}, str(i.account)), h('td', {}, str(i.region))));
    }
    if (!listOf(data, 'instances').length) tb.append(h('tr', {}, h('td', { colspan: 7, class: 'note' }, 'no instances')));
  } catch (e) { msg($('state-msg'), unavailable(e, 'EC2 inspection (GET /_mockaws/ec2/instances)')); }
}

// ---- clock, reset, scenario ----

function showClock(c) {
  $('clock-mode').textContent = c.mode === 'virtual' ? 'Virtual clock' : 'Real clock';
  const t = $('clock-now');
  t.textContent = new Date(c.now_ms).toISOString();
  t.setAttribute('datetime', t.textContent);
  $('clock-virtual').setAttribute('aria-pressed', String(c.mode === 'virtual'));
  $('clock-real').setAttribute('aria-pressed', String(c.mode !== 'virtual'));
}
async function loadClock() {
  try { showClock(await api('GET', '/clock')); } catch (e) { msg($('clock-msg'), e.message); }
}
async function setClock(body) {
  try { showClock(await api('POST', '/clock', body)); msg($('clock-msg'), ''); } catch (e) { msg($('clock-msg'), e.message); }
}
$('clock-virtual').addEventListener('click', () => setClock({ mode: 'virtual' }));
$('clock-real').addEventListener('click', () => setClock({ mode: 'real' }));
$('clock-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const n = Number($('clock-advance').value);
  setClock({ advance_ms: Number.isInteger(n) ? n : $('clock-advance').value });
});

function resetAsk(on) {
  $('reset').hidden = on;
  $('reset-confirm').hidden = !on;
  $('reset-cancel').hidden = !on;
  (on ? $('reset-confirm') : $('reset')).focus();
}
$('reset').addEventListener('click', () => resetAsk(true));
$('reset-cancel').addEventListener('click', () => resetAsk(false));
$('reset-confirm').addEventListener('click', async () => {
  try {
    await api('POST', '/reset');
    entries = []; selKey = null; render();
    msg($('clock-msg'), 'Reset: state, rules, credentials and journal dropped.', true);
  } catch (e) { msg($('clock-msg'), e.message); }
  resetAsk(false);
  loadScenario();
});

async function loadScenario() {
  const tb = $('scenario-table').tBodies[0];
  let r;
  try { r = await api('GET', '/scenario/verify'); } catch (e) {
    clear(tb);
    $('scenario-head').textContent = e.status === 404 ? 'No scenario is loaded (mockaws run, or POST /_mockaws/scenario).' : e.message;
    $('scenario-table').hidden = true;
    return;
  }
  $('scenario-table').hidden = false;
  $('scenario-head').textContent = `${str(r.name) || 'Scenario'}: ${r.passed ? 'all expectations met' : 'some expectations unmet'}`;
  clear(tb);
  for (const x of r.results || []) {
    const exp = x.expect && typeof x.expect === 'object' ? (x.expect.description || JSON.stringify(x.expect)) : str(x.expect);
    tb.append(h('tr', {}, h('td', { class: 'wrap' }, exp), h('td', { class: x.passed ? 'met' : 'unmet' }, x.passed ? 'met' : 'unmet'),
      h('td', { class: 'wrap' }, str(x.actual)), h('td', { class: 'wrap' }, str(x.message))));
  }
}
$('scenario-refresh').addEventListener('click', loadScenario);

// ---- start ----

const first = location.hash.slice(1);
show(views.includes(first) ? first : 'requests');
render();
feed();
