// One way to open the database: PostgreSQL when a URL is given, PGlite (embedded, in a data
// folder or in memory) otherwise. PGlite runs in a thread of its own and speaks PostgreSQL's wire
// protocol (db/pglite-server.mjs), so both are read and written through the same driver and the
// same code, and nothing above this file knows which one it has.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate as migrateDrizzle } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  /** Applies the committed drizzle-kit migrations that are not applied yet. */
  migrate(): Promise<void>;
  /**
   * Opens every connection of the pool and runs `reads` on each, before the first request. A new
   * PostgreSQL connection costs a process, and the first time it runs a statement it reads the
   * tables' descriptions and plans it from nothing (a search also loads the Spanish stemmer and the
   * accent rules): some 40 ms for a list's first statements, 4 ms after. Left to the first requests,
   * a burst right after a start pays it for every connection at once.
   */
  warm(reads: (db: Db) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** Any fixed number, the same in every process of the Mesa. */
const migrationLock = 7_041_2017;

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export type DatabaseTarget = { url: string } | { pgliteDir: string | null };

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if ('url' in target) return overConnections(target.url, 10);
  const pglite = await startPglite(target.pgliteDir);
  // PGlite is one PostgreSQL session: one connection, which its thread serves in turn.
  const database = overConnections(pglite.address, 1);
  return { ...database, close: async () => { await database.close(); await pglite.close(); } };
}

/** A PostgreSQL URL, or where PGlite's thread listens. */
type Address = string | { host: string; port: number };

function overConnections(address: Address, connections: number): Database {
  const open = (options: postgres.Options<Record<string, never>>) => (typeof address === 'string' ? postgres(address, options) : postgres({ ...address, ...options }));
  // Every statement planned for its own values. postgres.js prepares each statement once per
  // connection, and after five runs PostgreSQL may keep one generic plan for all values: for a
  // search that plan parses the words again for every proposal it ranks and reads every match
  // from proposals before taking one page, 20 ms instead of 4 with 10,000 proposals. Planning a
  // list costs some 0.3 ms.
  const sql = open({ max: connections, onnotice: () => {}, connection: { plan_cache_mode: 'force_custom_plan' } });
  const db = drizzle(preparing(sql), { schema });
  return {
    db: db as unknown as Db,
    // Several API and worker processes may start together: an advisory lock lets one of them
    // migrate while the others wait, instead of racing to create the same tables.
    migrate: async () => {
      // One session, so that the lock and the migration share it: the pool itself when it is one
      // connection.
      const session = connections === 1 ? sql : open({ max: 1, onnotice: () => {} });
      try {
        await session`select pg_advisory_lock(${migrationLock})`;
        await migrateDrizzle(drizzle(session), { migrationsFolder });
      } finally {
        if (session === sql) await session`select pg_advisory_unlock(${migrationLock})`;
        else await session.end({ timeout: 5 });
      }
    },
    warm: async (reads) => {
      const reserved = await Promise.all(Array.from({ length: connections }, () => sql.reserve()));
      try {
        // drizzle reads the driver's options from its client, which a reserved connection does
        // not carry: they are its pool's.
        await Promise.all(reserved.map((connection) => reads(drizzle(preparing(Object.assign(connection, { options: sql.options })), { schema }) as unknown as Db)));
      } finally {
        for (const connection of reserved) connection.release();
      }
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/**
 * The client given to drizzle, with every statement prepared. drizzle asks postgres.js not to
 * prepare a statement unless the query is given a name, and an unprepared statement with
 * parameters costs two round trips: postgres.js first has it parsed and described to learn its
 * parameters' types, then binds and runs it, and the database parses it again the next time.
 * Prepared, each connection parses a statement once and runs it after in one round trip.
 * Transactions and savepoints hand drizzle a client of their own, prepared the same way.
 */
type Client = postgres.Sql | postgres.TransactionSql | postgres.ReservedSql;
function preparing<C extends Client>(client: C): C {
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key === 'unsafe') {
        return (query: string, parameters?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, parameters, { ...options, prepare: true });
      }
      if (key === 'begin' || key === 'savepoint') {
        return (...args: unknown[]) => {
          const inside = args.pop() as (client: Client) => unknown;
          return (target as unknown as Record<string, (...a: unknown[]) => unknown>)[key]!(...args, (client: Client) => inside(preparing(client)));
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

/**
 * Starts PGlite in a thread of its own, on its data folder (in memory when null). It listens on a
 * Unix socket in a folder of its own that only this user can enter (mode 0700), removed on close.
 */
export async function startPglite(dataDir: string | null): Promise<{ address: { host: string; port: number }; close(): Promise<void> }> {
  // A new data folder is created by a thread that then ends: creating the database from PGlite's
  // image leaves some 400 MiB of garbage that the serving thread, idle afterwards, kept for a
  // minute or more (README «Performance»).
  if (dataDir && !existsSync(join(dataDir, 'PG_VERSION'))) {
    const creating = await pgliteThread({ dataDir, createOnly: true });
    await creating.terminate();
  }
  const folder = mkdtempSync(join(tmpdir(), 'mesa-pglite-'));
  // postgres.js finds a server's socket as PostgreSQL names it: <folder>/.s.PGSQL.<port>.
  const address = { host: folder, port: 5432 };
  const removeFolder = () => rmSync(folder, { recursive: true, force: true });
  let closing = false;
  const thread = await pgliteThread({ dataDir, socket: join(folder, `.s.PGSQL.${address.port}`) }).catch((e: unknown) => {
    removeFolder();
    throw e;
  });
  // Without its database the engine cannot go on: it stops rather than answer every request with
  // an error.
  thread.on('exit', (code) => {
    removeFolder();
    if (closing) return;
    console.error(`La base de datos embebida se detuvo (${thread.failure?.message ?? `código ${code}`}); Mesa se detiene.`);
    process.exit(1);
  });
  return {
    address,
    close: async () => {
      closing = true;
      const closed = new Promise((resolve) => thread.once('message', resolve));
      thread.postMessage('close');
      await closed;
      await thread.terminate();
    },
  };
}

/** PGlite's thread (db/pglite-server.mjs), once it has said it is ready; its data folder, or null in memory. */
async function pgliteThread(workerData: { dataDir: string | null; createOnly?: true; socket?: string }): Promise<Worker & { failure: Error | null }> {
  const { dataDir } = workerData;
  // execArgv: the thread is plain JavaScript and needs none of the engine's loaders.
  const thread = Object.assign(new Worker(new URL('./pglite-server.mjs', import.meta.url), { workerData, execArgv: [] }), { failure: null as Error | null });
  thread.on('error', (e) => { thread.failure = e; });
  await new Promise<void>((resolve, reject) => {
    thread.once('message', () => resolve());
    thread.once('exit', () => reject(new Error(`no se pudo abrir la base de datos embebida${dataDir ? ` en ${dataDir}` : ''}: ${thread.failure?.message ?? 'su hilo terminó'}`)));
  });
  return thread;
}

/** The rows of a raw `db.execute`, typed: postgres.js returns them as the result itself. */
export function rowsOf<T>(result: unknown): T[] {
  return result as T[];
}
