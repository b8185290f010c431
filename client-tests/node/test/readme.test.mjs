// The README's node:test example (Quick start), run as written: the file is
// cut out of README.md, so that the example cannot rot. It is written beside
// these tests, so that it resolves its imports from this package's
// node_modules as a user's test would from theirs, and removed after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const MARK = '// test/orders.test.mjs';

test('the README node:test example passes', async () => {
  const readme = await readFile(path.join(here, '..', '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf(MARK);
  assert.ok(start >= 0, `README.md has no block starting with ${MARK}`);
  const code = readme.slice(start, readme.indexOf('```', start));
  const file = path.join(here, `readme-example-${process.pid}.mjs`);
  await writeFile(file, code);
  try {
    // without NODE_TEST_CONTEXT, which would make the child report to this runner
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const out = await new Promise((resolve) => {
      execFile(process.execPath, ['--test', '--test-reporter=tap', file], { timeout: 120000, env },
               (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stdout, stderr }));
    });
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /^# pass 1$/m);
    assert.match(out.stdout, /^# fail 0$/m);
  } finally {
    await rm(file, { force: true });
  }
});
