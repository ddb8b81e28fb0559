// A whole Mesa for one test file: its own database (a fresh PostgreSQL database when
// TEST_DATABASE_URL is set, in-memory PGlite otherwise), its own task queue and worker on the
// run's Temporal dev server, and the HTTP app called through inject.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { KeyObject } from 'node:crypto';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, inject } from 'vitest';
import { actorSigning } from '../api/actor-signing';
import { buildApp, type App } from '../api/app';
import type { AppDeps } from '../api/deps';
import { newToken } from '../api/auth';
import { seedMemberCodes } from '../db/registry';
import { insertToken } from '../db/users';
import { proposalSignoffs } from '../db/schema';
import type { Database, DatabaseTarget } from '../db/client';
import { newActorKeyPem, parseActorPrivateKey } from '../runtime/actor-key';
import { openMesaDatabase } from '../runtime/boot';
import { tracingClientInterceptors, type Tracing } from '../runtime/tracing';
import { createWorker } from '../runtime/worker';
import { smtpMailer, type Mailer } from '../activities/channels';
import { startSmtpCatcher, type SmtpCatcher } from '../scripts/receivers';
import { newSigningP12, p12Signer } from '../activities/acta-signer';

export const demoPassword = 'contraseña-de-prueba';

/** A fresh, empty PostgreSQL database for this file, dropped at the end. */
export async function freshPostgres(baseUrl: string): Promise<{ target: DatabaseTarget; drop(): Promise<void> }> {
  const name = `mesa_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    target: { url: url.toString() },
    drop: async () => {
      const again = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

export interface Mesa {
  app: App;
  database: Database;
  /** The API's client: every update it sends is signed with this Mesa's key, as the API does. */
  client: Client;
  /** This Mesa's own signing key (a new one per Mesa). */
  actorKey: KeyObject;
  /**
   * A client straight to Temporal, bypassing the API: unsigned, or signed with `key` (another
   * key, or this Mesa's with signatures that expire after `expiresIn` ms, negative for already expired).
   */
  temporalClient(sign?: { key: KeyObject; expiresIn?: number }): Client;
  taskQueue: string;
  /** The PostgreSQL database of this Mesa (null on in-memory PGlite). */
  databaseUrl: string | null;
  /** This Mesa's MESA_AUDIT_KEY and checkpoint folder, generated for it. */
  audit: { key: string; checkpointDir: string };
  /** A bearer token for the demo user of the institution with this code. */
  login(code: string): Promise<string>;
  /** An API call as the demo user of that institution: status and parsed body. */
  call(code: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

let runtimeInstalled = false;

export interface MesaOptions {
  /** Email for this Mesa; none by default (the inbox and any webhooks still work). */
  mailer?: Mailer;
  /** Settings of the HTTP app beyond the defaults below (trusted proxy, login limits…). */
  app?: Partial<AppDeps>;
  /** Traces of the API, the workflows and the activities (runtime/tracing.ts); none by default. */
  tracing?: Tracing;
}

/** The tests' receivers listen on 127.0.0.1: the one private target these Mesas accept for webhooks. */
export const testWebhookAllow = ['127.0.0.1'];

/** One Mesa for a test file: started before its tests and handed to `ready`, closed after them. */
export function withMesa(ready: (mesa: Mesa) => void | Promise<void>, options: MesaOptions = {}): void {
  let mesa: Mesa | undefined;
  beforeAll(async () => {
    mesa = await startMesa(options);
    await ready(mesa);
  });
  afterAll(() => mesa?.close());
}

export async function startMesa(options: MesaOptions = {}): Promise<Mesa> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const pg = process.env.TEST_DATABASE_URL ? await freshPostgres(process.env.TEST_DATABASE_URL) : null;
  const database = await openMesaDatabase(pg?.target ?? { pgliteDir: null }, { password: demoPassword }).catch(async (e: unknown) => {
    await pg?.drop();
    throw e;
  });
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const native = await NativeConnection.connect({ address });
  const actorKeys = parseActorPrivateKey(newActorKeyPem());
  const temporalClient = (sign?: { key: KeyObject; expiresIn?: number }) => new Client({
    connection, interceptors: { workflow: [...tracingClientInterceptors(options.tracing ?? null), ...(sign ? [actorSigning(sign.key, sign.expiresIn)] : [])] },
  });
  const client = temporalClient({ key: actorKeys.privateKey! });
  const taskQueue = `test-${randomBytes(6).toString('hex')}`;
  // Each Mesa signs its actas with a key of its own, generated here.
  const actaSigner = p12Signer(newSigningP12('Secretaría Técnica de la MTIGM (pruebas)', 'clave-de-pruebas'), 'clave-de-pruebas');
  const audit = { key: randomBytes(32).toString('base64url'), checkpointDir: join(await mkdtemp(join(tmpdir(), 'mesa-sellos-')), 'sellos') };
  const newWorker = async () => {
    const w = await createWorker({
      connection: native, namespace: 'default', taskQueue, db: database.db,
      channels: { mailer: options.mailer ?? null, publicUrl: 'http://mesa.test', webhookAllow: testWebhookAllow }, audit,
      workflowBundle: { codePath: inject('workflowBundlePath') }, actorPublicKey: actorKeys.publicKey, actaSigner, tracing: options.tracing ?? null,
    });
    return { worker: w, done: w.run() };
  };
  let running: Awaited<ReturnType<typeof newWorker>> | null = await newWorker();
  const stopWorker = async () => {
    if (!running) return;
    running.worker.shutdown();
    await running.done;
    running = null;
  };
  const app = await buildApp({
    db: database.db, temporal: client, taskQueue, audit, tokenTtl: 'PT1H', bodyLimit: 1_048_576, logLevel: 'silent',
    publicUrl: 'http://mesa.test', webhookAllow: testWebhookAllow,
    // Every test logs in from one address, some of them thousands of times with wrong input:
    // throttling would get in their way. Its own tests set the real limits.
    loginLimits: { perAccount: 1_000, perAddress: 100_000, windowSeconds: 900 },
    tracer: options.tracing?.tracer ?? null,
    ...options.app,
  });
  const tokens = new Map<string, string>();

  const call = async (code: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = {}) => {
    const token = await login(code);
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...headers }, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.body ? res.json() : null };
  };
  // A session issued straight into the database, as a login would: a real login costs a scrypt
  // at OWASP's parameters (about 0.4 s of CPU), and 22 of them at once would eat the few seconds
  // of a test round's deadline. Logging in itself is tested in auth and hardening-rest.
  async function login(code: string) {
    const known = tokens.get(code);
    if (known) return known;
    const { token, hash } = newToken();
    await insertToken(database.db, hash, `user_demo_${code.toLowerCase()}`, new Date(Date.now() + 3600_000));
    tokens.set(code, token);
    return token;
  }

  return {
    app, database, client, actorKey: actorKeys.privateKey!, temporalClient, taskQueue, audit, login, call,
    databaseUrl: pg && 'url' in pg.target ? pg.target.url : null,
    stopWorker,
    async startWorker() {
      if (!running) running = await newWorker();
    },
    async close() {
      await app.close();
      await stopWorker();
      await connection.close();
      await native.close();
      await database.close();
      await pg?.drop();
      await rm(dirname(audit.checkpointDir), { recursive: true, force: true });
    },
  };
}

/** A launch body that passes every rule; tests override what they are about. */
export function launchBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Protocolo de atención a retornantes en aeropuertos',
    summary: 'Atención coordinada a peruanos retornantes desde su llegada.',
    text: '1. La Superintendencia Nacional de Migraciones habilita un módulo.\n\n2. RREE informa a los consulados.',
    objectives: ['OE4'],
    populations: ['retornantes'],
    leadWorkingGroup: 'GT3',
    workingGroups: ['GT2'],
    actions: [{ title: 'Módulo de atención en el aeropuerto Jorge Chávez', responsible: ['MIGRACIONES', 'RREE'], dueIn: 'P90D', deliverable: 'Módulo operativo' }],
    ...overrides,
  };
}

/** Waits until `check` returns a value that is not undefined/false, polling every 100 ms. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Who a reminder that fired at `firedAt` may have reached, from the sign-offs on record: never a
 * member whose answer was recorded before it (a timer never fires early), and at most the members
 * still silent plus those whose answer came at or after it (on a loaded machine an answer sent
 * before the reminder can be recorded after it). The result does not depend on how fast the
 * machine is.
 */
export async function reminderAudience(mesa: Mesa, proposalId: string, firedAt: number): Promise<{ answeredBefore: string[]; mayBeReminded: string[] }> {
  const rows = await mesa.database.db.select({ institution: proposalSignoffs.institution, at: proposalSignoffs.at }).from(proposalSignoffs)
    .where(eq(proposalSignoffs.proposalId, proposalId));
  const answeredBefore = rows.filter((r) => r.at.getTime() < firedAt).map((r) => r.institution);
  return { answeredBefore, mayBeReminded: memberCodes.filter((code) => !answeredBefore.includes(code)) };
}

/** The 22 member institutions of the seed, in code order. */
export const memberCodes = seedMemberCodes();

/**
 * With MESA_RECORD_HISTORIES=1, keeps the workflow's history in tests/histories/, where the
 * replay test checks that changed workflow code still replays it. Without it, does nothing.
 */
export async function keepHistory(mesa: Mesa, name: string, workflowId: string, runId?: string): Promise<void> {
  if (process.env.MESA_RECORD_HISTORIES !== '1') return;
  // The CLI writes the standard JSON form of a history, the one replay reads (the latest run unless `runId`).
  const { stdout } = await execFileAsync(inject('temporalCliPath'), [
    'workflow', 'show', '--workflow-id', workflowId, ...(runId ? ['--run-id', runId] : []), '--address', inject('temporalAddress'), '--output', 'json',
  ], { maxBuffer: 64 * 1024 * 1024 });
  await mkdir(historiesDir, { recursive: true });
  await writeFile(join(historiesDir, `${name}.json`), stdout);
}

const execFileAsync = promisify(execFile);

export const historiesDir = fileURLToPath(new URL('./histories', import.meta.url));

/** Launches a proposal with these planned actions, has all 22 members approve it, and returns its task ids. */
export async function adoptWith(mesa: Mesa, actions: object[], overrides: Record<string, unknown> = {}): Promise<string[]> {
  const launched = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['conformidad'], actions, ...overrides }));
  const id = launched.body.id as string;
  await Promise.all(memberCodes.map((code) => mesa.call(code, 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' })));
  // Adopted means both: the proposal shows its agreement number, and its tasks are there.
  return eventually(async () => {
    const proposal = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`)).body;
    if (proposal.status !== 'adoptada') return undefined;
    const page = (await mesa.call('SECRETARIA', 'GET', `/api/v1/tasks?proposal=${id}`)).body;
    return page.items.length === actions.length ? page.items.map((t: { id: string }) => t.id).sort() : undefined;
  });
}

/**
 * A Mesa whose email goes through a real SMTP server on loopback, which keeps every message it
 * accepts; `close` stops the three.
 */
export async function startMesaWithEmail(): Promise<{ mesa: Mesa; smtp: SmtpCatcher; close(): Promise<void> }> {
  const smtp = await startSmtpCatcher();
  const mailer = smtpMailer(smtp.url, 'Mesa MTIGM <no-responder@mesa.mtigm.test>');
  const mesa = await startMesa({ mailer });
  return {
    mesa, smtp,
    async close() {
      await mesa.close();
      mailer.close();
      await smtp.close();
    },
  };
}
