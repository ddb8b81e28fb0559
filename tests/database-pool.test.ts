// The connections to the database, the same code on PostgreSQL and on the embedded PGlite
// (db/client.ts): every statement prepared once per connection and planned for its own values,
// and PostgreSQL's pool opened whole before the first request. PGlite is served from a thread of
// its own over PostgreSQL's protocol (db/pglite-server.mjs), one session at a time.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmReads } from '../api/warm-reads';
import { openDatabase, rowsOf, startPglite, type Database } from '../db/client';
import { freshPostgres } from './harness';

const targets: Array<[string, number, () => Promise<{ database: Database; drop(): Promise<void> }>]> = [
  ['PGlite', 1, async () => ({ database: await openDatabase({ pgliteDir: null }), drop: async () => {} })],
  ...(process.env.TEST_DATABASE_URL ? [['PostgreSQL', 10, async () => {
    const pg = await freshPostgres(process.env.TEST_DATABASE_URL!);
    return { database: await openDatabase(pg.target), drop: pg.drop };
  }] as [string, number, () => Promise<{ database: Database; drop(): Promise<void> }>]] : []),
];

describe.each(targets)('the connections on %s', (_name, connections, open) => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ database, drop } = await open());
    await database.migrate();
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('run the API\'s reads on each connection before the first request, and serve the requests on the same ones', async () => {
    const backends: number[] = [];
    await database.warm(async (db) => {
      backends.push(rowsOf<{ pid: number }>(await db.execute(sql`select pg_backend_pid() as pid`))[0]!.pid);
      await warmReads(db);
    });
    expect(backends).toHaveLength(connections);
    expect(new Set(backends).size).toBe(connections);
    const after = await Promise.all(Array.from({ length: 20 }, async () =>
      rowsOf<{ pid: number }>(await database.db.execute(sql`select pg_backend_pid() as pid, pg_sleep(0.01)`))[0]!.pid));
    expect(new Set(after)).toEqual(new Set(backends));
  });

  it('prepare each statement once per connection, so that it is not parsed again at every request', async () => {
    await database.warm(async (db) => {
      await warmReads(db);
      await warmReads(db);
      const prepared = rowsOf<{ statement: string }>(await db.execute(sql`select statement from pg_prepared_statements`)).map((r) => r.statement);
      // The proposals' page, the search and the tasks' page each prepared once, not once per run.
      const pages = prepared.filter((s) => s.includes('from "proposals"') || s.includes('from "tasks"'));
      expect(pages.length).toBeGreaterThanOrEqual(2);
      expect(new Set(pages).size).toBe(pages.length);
    });
  });

  it('plan every statement for its own values', async () => {
    const [setting] = rowsOf<{ plan_cache_mode: string }>(await database.db.execute(sql`show plan_cache_mode`));
    expect(setting!.plan_cache_mode).toBe('force_custom_plan');
  });
});

describe('the embedded PGlite served over PostgreSQL\'s protocol', () => {
  let pglite: Awaited<ReturnType<typeof startPglite>>;
  beforeAll(async () => {
    pglite = await startPglite(null);
    const setup = postgres({ ...pglite.address, max: 1, onnotice: () => {} });
    await setup`create table entries (id int primary key)`;
    await setup.end();
  });
  afterAll(async () => {
    await pglite?.close();
    // Closed, it leaves no socket behind.
    expect(existsSync(pglite.address.host)).toBe(false);
  });

  it('listens only on a Unix socket in a folder that only its user can enter', () => {
    expect(statSync(pglite.address.host).mode & 0o777).toBe(0o700);
    expect(statSync(join(pglite.address.host, `.s.PGSQL.${pglite.address.port}`)).isSocket()).toBe(true);
  });

  it('discards what a closed connection left: its open transaction and its prepared statements', async () => {
    const first = postgres({ ...pglite.address, max: 1, onnotice: () => {} });
    const session = await first.reserve();
    await session`begin`;
    await session`insert into entries values (${1})`;
    expect(rowsOf<{ n: number }>(await session`select count(*)::int as n from pg_prepared_statements where statement like 'insert into entries%'`)[0]!.n).toBe(1);
    session.release();
    await first.end({ timeout: 0 });

    const second = postgres({ ...pglite.address, max: 1, onnotice: () => {} });
    const [state] = await second`select (select count(*)::int from entries) as entries, (select count(*)::int from pg_prepared_statements where statement like 'insert into entries%') as prepared`;
    await second.end();
    expect(state).toEqual({ entries: 0, prepared: 0 });
  });

  it('serves one connection at a time: a second one waits for the first to close, then is served', async () => {
    const first = postgres({ ...pglite.address, max: 1, onnotice: () => {} });
    await first`insert into entries values (${2})`;
    const second = postgres({ ...pglite.address, max: 1, onnotice: () => {} });
    let answered = false;
    const waiting = second`select count(*)::int as n from entries`.then((rows) => { answered = true; return rows; });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    await first.end();
    expect((await waiting)[0]!.n).toBe(1);
    await second.end();
  });
});

describe('the embedded PGlite in a data folder', () => {
  const parent = mkdtempSync(join(tmpdir(), 'mesa-datos-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('creates a new folder on the first start (in a thread that then ends) and finds what was written there on the next', async () => {
    const dataDir = join(parent, 'datos');
    for (const firstStart of [true, false]) {
      const pglite = await startPglite(dataDir);
      const client = postgres({ ...pglite.address, max: 1, onnotice: () => {} });
      if (firstStart) await client`create table entries as select 1 as n`;
      expect(await client`select n from entries`).toEqual([{ n: 1 }]);
      await client.end();
      await pglite.close();
    }
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
  });

  it('says in Spanish which folder it could not open, and why', async () => {
    const notAFolder = join(parent, 'un-archivo');
    writeFileSync(notAFolder, '');
    await expect(startPglite(join(notAFolder, 'datos'))).rejects.toThrow(`no se pudo abrir la base de datos embebida en ${join(notAFolder, 'datos')}`);
  });
});
