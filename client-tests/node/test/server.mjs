// Start and stop a real mockaws server for one test file: --port 0 --port-file.
// The binary is $MOCKAWS_BIN (set by ctest), or build/bin/mockaws in the tree.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.MOCKAWS_BIN ?? join(here, '..', '..', '..', 'build', 'bin', 'mockaws');

// An SDK client's settings for a started server (its endpoint, a region,
// throwaway credentials).
export const sdkConfig = (server) => ({
  endpoint: server.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});

export async function startServer(...extraArgs) {
  const dir = mkdtempSync(join(tmpdir(), 'mockaws-node-'));
  const portFile = join(dir, 'port');
  const proc = spawn(BIN, ['--host', '127.0.0.1', '--port', '0', '--port-file', portFile, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  proc.stdout.on('data', (d) => { logs += d; });
  proc.stderr.on('data', (d) => { logs += d; });
  let exited = null;
  const exit = new Promise((resolve) => proc.on('exit', (code, signal) => {
    exited = { code, signal };
    resolve(exited);
  }));

  const deadline = Date.now() + 60_000; // generous: a loaded machine (and ASan) starts slowly
  let port = null;
  while (port === null) {
    if (exited) throw new Error(`mockaws exited (${JSON.stringify(exited)}) before listening:\n${logs}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`mockaws wrote no port file within 60 s:\n${logs}`);
    }
    try {
      const text = readFileSync(portFile, 'utf8').trim();
      if (/^\d+$/.test(text)) port = Number(text);
    } catch { /* not yet */ }
    if (port === null) await new Promise((r) => setTimeout(r, 5));
  }
  const endpoint = `http://127.0.0.1:${port}`;

  return {
    port,
    endpoint,
    logs: () => logs,
    async journal(filters = {}) {
      const qs = new URLSearchParams(filters).toString();
      const res = await fetch(`${endpoint}/_mockaws/journal${qs ? `?${qs}` : ''}`);
      if (res.status !== 200) throw new Error(`GET journal answered ${res.status}`);
      return (await res.json()).entries;
    },
    // SIGTERM; resolves to the exit code (0 for a graceful stop).
    async stop() {
      if (!exited) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
      const { code, signal } = await exit;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      if (signal) throw new Error(`mockaws ended by ${signal}:\n${logs}`);
      return code;
    },
  };
}
