// One way to open the database: PostgreSQL when a URL is given, PGlite (embedded, in a data
// folder or in memory) otherwise. Both speak the same drizzle API, so nothing above this file
// knows which one it has.
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
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
   * a burst right after a start pays it for every connection at once. Nothing to do on PGlite.
   */
  warm(reads: (db: Db) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** Any fixed number, the same in every process of the Mesa. */
const migrationLock = 7_041_2017;

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export type DatabaseTarget = { url: string } | { pgliteDir: string | null };

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if ('url' in target) {
    const connections = 10;
    // Every statement planned for its own values. postgres.js prepares each statement once per
    // connection, and after five runs PostgreSQL may keep one generic plan for all values: for a
    // search that plan parses the words again for every proposal it ranks and reads every match
    // from proposals before taking one page, 20 ms instead of 4 with 10,000 proposals. Planning a
    // list costs some 0.3 ms.
    const sql = postgres(target.url, { max: connections, onnotice: () => {}, connection: { plan_cache_mode: 'force_custom_plan' } });
    const db = drizzlePostgres(sql, { schema });
    return {
      db: db as unknown as Db,
      // Several API and worker processes may start together: an advisory lock lets one of them
      // migrate while the others wait, instead of racing to create the same tables.
      migrate: async () => {
        // One connection, so the lock and the migration share a session.
        const session = postgres(target.url, { max: 1, onnotice: () => {} });
        try {
          await session`select pg_advisory_lock(${migrationLock})`;
          await migratePostgres(drizzlePostgres(session), { migrationsFolder });
        } finally {
          await session.end({ timeout: 5 });
        }
      },
      warm: async (reads) => {
        const reserved = await Promise.all(Array.from({ length: connections }, () => sql.reserve()));
        try {
          // drizzle reads the driver's options from its client, which a reserved connection does
          // not carry: they are its pool's.
          await Promise.all(reserved.map((connection) => reads(drizzlePostgres(Object.assign(connection, { options: sql.options }), { schema }) as unknown as Db)));
        } finally {
          for (const connection of reserved) connection.release();
        }
      },
      close: () => sql.end({ timeout: 5 }),
    };
  }
  // unaccent: the Spanish full-text search ignores accents (db/migrations/0009), as on PostgreSQL;
  // pg_trgm: the typed letters of a search are found by an index (db/migrations/0020).
  // shared_buffers: PostgreSQL's default of 128 MB is touched when PGlite starts and stays resident
  // in the engine's process; 32 MB holds the embedded Mesa's working set (README «Performance»).
  const client = new PGlite({
    ...(target.pgliteDir ? { dataDir: target.pgliteDir } : {}), extensions: { unaccent, pg_trgm },
    startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'],
  });
  await client.waitReady;
  const db = drizzlePglite(client, { schema });
  return {
    db: db as unknown as Db,
    migrate: () => migratePglite(db, { migrationsFolder }),
    warm: async () => {},
    close: () => client.close(),
  };
}

/** Rows of a raw `db.execute`: postgres.js returns them as the result itself, PGlite under `.rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}
