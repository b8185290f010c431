// Start and stop a real mockaws server for one test file, through the mockaws
// package (clients/node) as users do. The binary is $MOCKAWS_BIN (set by
// ctest), or build/bin/mockaws in the tree.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockaws } from 'mockaws';

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.MOCKAWS_BIN ?? join(here, '..', '..', '..', 'build', 'bin', 'mockaws');

// An SDK client's settings for a started server (its endpoint, a region,
// throwaway credentials).
export const sdkConfig = (server) => ({
  endpoint: server.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});

// The package's handle (endpoint, port, client, logs(), stop() resolving to
// the exit code) plus journal(filters), which the older tests call on it.
export async function startServer(...extraArgs) {
  const server = await startMockaws({ bin: BIN, args: extraArgs });
  return Object.assign(server, { journal: server.client.journal });
}
