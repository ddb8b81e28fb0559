// The embedded database in a thread of its own: PGlite, served over PostgreSQL's wire protocol,
// so that the engine reads and writes it with the same driver and the same code as a PostgreSQL
// server (db/client.ts), and its queries do not take the thread that answers requests. Plain
// JavaScript, as a worker thread is started by Node itself, without the engine's TypeScript loader.
//
// It listens on a Unix socket in a folder only the engine's user can enter (workerData.socket), as
// PostgreSQL does: PGlite asks no password, and on loopback any local user could connect.
//
// PGlite is one PostgreSQL session: it serves one connection at a time, and the engine opens one.
// When that connection closes, whatever it left (an open transaction, prepared statements,
// settings) is discarded, so that the next one starts as on a fresh server.
import { createServer } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

const sslRequest = 80877103;
const cancelRequest = 80877102;
const protocolVersion3 = 196608;
const terminate = 0x58; // 'X'

// unaccent: the Spanish full-text search ignores accents (db/migrations/0009), as on PostgreSQL;
// pg_trgm: the typed letters of a search are found by an index (db/migrations/0020).
// shared_buffers: PostgreSQL's default of 128 MB is touched when PGlite starts and stays resident;
// 32 MB holds the embedded Mesa's working set (README «Performance»).
const pglite = new PGlite({
  ...(workerData.dataDir ? { dataDir: workerData.dataDir } : {}),
  extensions: { unaccent, pg_trgm },
  startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'],
});

/** The length of the first complete message in `buffer`, or 0 while it is incomplete. */
function firstMessageLength(buffer, started) {
  // Before the startup message, messages have no type byte: a length, then a code.
  const length = started ? 1 + (buffer.length >= 5 ? buffer.readInt32BE(1) : Infinity) : buffer.length >= 4 ? buffer.readInt32BE(0) : Infinity;
  return buffer.length >= length ? length : 0;
}

/**
 * PGlite answers the startup message but ignores the settings it carries (the engine sends
 * `plan_cache_mode`, db/client.ts): they are set here, for the session, as PostgreSQL would.
 */
async function applySettings(startup) {
  const fields = startup.toString('utf8', 8, startup.length - 1).split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (['user', 'database', 'options', 'replication'].includes(fields[i])) continue;
    await pglite.query('select set_config($1, $2, false)', [fields[i], fields[i + 1]]);
  }
}

// One session at a time: a connection that arrives while another is open waits for its turn.
let turn = Promise.resolve();

const sockets = new Set();

function serve(socket) {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.pause();
  socket.setNoDelay(true);
  turn = turn.then(() => session(socket));
}

/** Serves `socket` until it closes, then discards what it left. */
function session(socket) {
  let pending = Buffer.alloc(0);
  let started = false;
  let work = Promise.resolve();
  const handle = async () => {
    for (let length = firstMessageLength(pending, started); length > 0; length = firstMessageLength(pending, started)) {
      const message = pending.subarray(0, length);
      pending = pending.subarray(length);
      // Before the startup message a message has no type byte: its code follows its length.
      const code = started ? null : message.readInt32BE(4);
      if (code === sslRequest) { socket.write('N'); continue; }
      if (code === cancelRequest) continue;
      if (started && message[0] === terminate) {
        socket.end();
        return;
      }
      await pglite.execProtocolRawStream(new Uint8Array(message), {
        onRawData: (data) => { if (socket.writable) socket.write(Buffer.from(data)); },
      });
      if (code === protocolVersion3) {
        started = true;
        await applySettings(message);
      }
    }
  };
  socket.on('data', (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    work = work.then(handle).catch(() => socket.destroy());
  });
  socket.on('error', () => socket.destroy());
  return new Promise((resolve) => {
    socket.on('close', () => {
      work.then(async () => {
        if (pglite.isInTransaction()) await pglite.exec('ROLLBACK');
        await pglite.exec('DISCARD ALL');
      }).catch(() => {}).finally(resolve);
    });
    socket.resume();
  });
}

await pglite.waitReady;
if (workerData.createOnly) {
  // The first start creates the database from PGlite's image in a thread of its own that ends
  // here: the garbage of creating it goes with the thread instead of staying in the one that serves
  // (db/client.ts, startPglite).
  await pglite.close();
  parentPort.postMessage('created');
} else {
  const server = createServer(serve);
  server.listen(workerData.socket, () => parentPort.postMessage('listening'));
  parentPort.on('message', async (message) => {
    if (message !== 'close') return;
    server.close();
    for (const socket of sockets) socket.destroy();
    await turn;
    await pglite.close();
    parentPort.postMessage('closed');
  });
}
