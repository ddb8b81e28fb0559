// Run by npm after every install (package.json "postinstall"): two fixes to postgres.js 3.4.9,
// whose defects end the API or worker process when PostgreSQL cuts its connections (a failover,
// a restart, pg_terminate_backend). tests/faults.test.ts checks both: the process lives, and the
// pool serves again.
//
// 1. The write buffer outlives its connection. A small write buffered for the next tick runs on a
//    socket that is gone and throws outside any query ("Cannot read properties of null (reading
//    'write')"); and the buffer is never reset, so the next connection would send the dead one's
//    bytes before its own start-up. Upstream: porsager/postgres issues 1154 and 1208 (open).
//    Fix: the buffer and its timer belong to one socket. They are dropped when it closes, and a
//    write that finds no socket rejects what was waiting on it (CONNECTION_CLOSED, which every
//    caller already handles as "the database is unavailable") instead of throwing.
// 2. Each new connection first asks for the array types, in a query of the driver's own whose
//    promise is dropped: a connection ended at that moment rejects it with no one listening, an
//    unhandled rejection. And the ended connection's error stays behind: the driver opens a new
//    connection for the query waiting on it, then fails that query with the old error. Upstream:
//    issues 1192, 1205 and 1223 (open). Fix: that rejection is caught, and a connection that
//    closes while starting drops its own query and error before it opens again, so the waiting
//    query runs on the new one.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const expectedVersion = '3.4.9';
const fixes = [
  {
    marker: '/* mesa: write buffer bound to its socket */',
    replacements: [
      [
        '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
        '  function nextWrite(fn) {\n    /* mesa: write buffer bound to its socket */\n    if (!socket) {\n      chunk = nextWriteTimer = null\n      error(Errors.connection(\'CONNECTION_CLOSED\', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)',
      ],
      // terminate() and closed(): the pending write goes with the socket.
      ['    clearImmediate(nextWriteTimer)\n', '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n'],
    ],
  },
  {
    marker: '/* mesa: the array types query is awaited */',
    replacements: [
      ['        return fetchArrayTypes()\n', '        return fetchArrayTypes().catch(() => { /* mesa: the array types query is awaited */ })\n'],
      [
        '    if (initial)\n      return reconnect()\n',
        '    if (initial) {\n      query && queryError(query, Errors.connection(\'CONNECTION_CLOSED\', options))\n      query = errorResponse = null\n      return reconnect()\n    }\n',
      ],
    ],
  },
];

// The package's main file is cjs/src/index.js; its package.json is not exported.
const root = join(dirname(createRequire(import.meta.url).resolve('postgres')), '..', '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (version !== expectedVersion) {
  throw new Error(`scripts/patch-postgres.mjs corrige postgres ${expectedVersion}, pero está instalada la ${version}: revise si la versión nueva ya trae las correcciones.`);
}
for (const file of ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js'].map((f) => join(root, f))) {
  let text = readFileSync(file, 'utf8');
  for (const { marker, replacements } of fixes) {
    if (text.includes(marker)) continue;
    for (const [from, to] of replacements) {
      const parts = text.split(from);
      if (parts.length < 2) throw new Error(`scripts/patch-postgres.mjs: no se encontró el texto a corregir en ${file}.`);
      text = parts.join(to);
    }
  }
  writeFileSync(file, text);
}
