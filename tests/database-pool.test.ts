// The API's pool of PostgreSQL connections: opened whole before the first request, each
// connection having run the API's usual reads, and every statement planned for its own values
// (db/client.ts).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmReads } from '../api/warm-reads';
import { openDatabase, rowsOf, type Database } from '../db/client';
import { freshPostgres } from './harness';

describe.runIf(process.env.TEST_DATABASE_URL)('the pool on PostgreSQL', () => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const pg = await freshPostgres(process.env.TEST_DATABASE_URL!);
    drop = pg.drop;
    database = await openDatabase(pg.target);
    await database.migrate();
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('runs the API\'s reads on each of its ten connections before the first request', async () => {
    const backends: number[] = [];
    await database.warm(async (db) => {
      backends.push(rowsOf<{ pid: number }>(await db.execute(sql`select pg_backend_pid() as pid`))[0]!.pid);
      await warmReads(db);
    });
    expect(new Set(backends).size).toBe(10);
    // The same connections serve the requests afterwards: none is opened again.
    const after = await Promise.all(Array.from({ length: 20 }, async () =>
      rowsOf<{ pid: number }>(await database.db.execute(sql`select pg_backend_pid() as pid, pg_sleep(0.01)`))[0]!.pid));
    expect(new Set(after)).toEqual(new Set(backends));
  });

  it('plans every statement for its own values', async () => {
    const [setting] = rowsOf<{ plan_cache_mode: string }>(await database.db.execute(sql`show plan_cache_mode`));
    expect(setting!.plan_cache_mode).toBe('force_custom_plan');
  });
});
