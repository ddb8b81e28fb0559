// Run by npm after every install (package.json "postinstall"): fixes postgres.js 3.4.9's write
// buffer, which outlives its connection. When PostgreSQL cuts a connection (a failover, a restart,
// pg_terminate_backend), a small write buffered for the next tick runs on a socket that is gone and
// throws outside any query ("Cannot read properties of null (reading 'write')"): the API or worker
// process exits. And the buffer is never reset, so the next connection would send the dead one's
// bytes before its own start-up. Upstream: porsager/postgres issues 1154 and 1208 (open).
// tests/faults.test.ts cuts the connections of a busy pool and checks that the process lives.
//
// The fix: the buffer and its timer belong to one socket. They are dropped when it closes, and a
// write that finds no socket rejects what was waiting on it (CONNECTION_CLOSED, which every caller
// already handles as "the database is unavailable") instead of throwing.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const expectedVersion = '3.4.9';
const marker = '/* mesa: write buffer bound to its socket */';
const replacements = [
  [
    '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    `  function nextWrite(fn) {\n    ${marker}\n    if (!socket) {\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
  ],
  // terminate() and closed(): the pending write goes with the socket.
  ['    clearImmediate(nextWriteTimer)\n', '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n'],
];

// The package's main file is cjs/src/index.js; its package.json is not exported.
const root = join(dirname(createRequire(import.meta.url).resolve('postgres')), '..', '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (version !== expectedVersion) {
  throw new Error(`scripts/patch-postgres.mjs corrige postgres ${expectedVersion}, pero está instalada la ${version}: revise si la versión nueva ya trae la corrección.`);
}
for (const file of ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js'].map((f) => join(root, f))) {
  let text = readFileSync(file, 'utf8');
  if (text.includes(marker)) continue;
  for (const [from, to] of replacements) {
    const parts = text.split(from);
    if (parts.length < 2) throw new Error(`scripts/patch-postgres.mjs: no se encontró el texto a corregir en ${file}.`);
    text = parts.join(to);
  }
  writeFileSync(file, text);
}
