// The production topology on one machine: Temporal's four services (history, matching, frontend,
// worker) as separate processes on PostgreSQL, the Mesa's API processes behind haproxy and its
// workers, each in its own process. The same files an operator takes to real machines drive it:
// deploy/temporal/mesa.yaml (read by every Temporal service), deploy/haproxy.cfg, and the
// `npm run api` / `npm run worker` entry points. `npm run cluster` (runtime/cluster-main.ts) and
// tests/cluster.test.ts both start it from here.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { connect as tcpConnect, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import proto from '@temporalio/proto';
import postgres from 'postgres';
import { actorKeyInDataDir } from './actor-key';
import { embeddedAuditKey } from './audit-key';
import { openMesaDatabase } from './boot';
import { ConfigError, loadConfig, type ClusterConfig } from './config';
import { mesaSearchAttributeKeys } from '../workflows/search-attributes';
import type { TemporalServerBinaries } from './temporal-server-bin';

const root = fileURLToPath(new URL('..', import.meta.url));
export const deployDir = join(root, 'deploy');

/** The Temporal services in the order they start; they stop in the reverse order. */
export const temporalServices = ['history', 'matching', 'frontend', 'worker'] as const;
type TemporalService = (typeof temporalServices)[number];

/** Port of each service from TEMPORAL_PORT_BASE, as deploy/temporal/mesa.yaml computes them. */
export function temporalPorts(base: number): Record<TemporalService, { grpc: number; membership: number; metrics: number }> {
  const offset = { frontend: 0, history: 1, matching: 2, worker: 6 };
  const metrics = { frontend: 20, history: 21, matching: 22, worker: 23 };
  return Object.fromEntries(temporalServices.map((s) => [s, { grpc: base + offset[s], membership: base - 300 + offset[s], metrics: base + metrics[s] }])) as never;
}

/** Where worker `n` serves its Prometheus metrics: PORT+10+n. */
export const workerMetricsPort = (c: ClusterConfig, n: number) => c.balancerPort + 10 + n;

/**
 * The connections each Temporal service may open to its store and to visibility
 * (deploy/temporal/mesa.yaml, TEMPORAL_PG_MAX_CONNS and TEMPORAL_PG_VISIBILITY_MAX_CONNS), by what
 * it does: history writes every transition and feeds visibility, matching and frontend read and
 * write a little, the worker service runs Temporal's own system workflows. With the same pools in
 * every service, as the configuration's defaults give, the four could open 120 under load, more
 * than PostgreSQL's default of 100 alone.
 */
export const temporalPools: Record<TemporalService, { store: number; visibility: number }> = {
  history: { store: 12, visibility: 3 }, matching: { store: 5, visibility: 1 }, frontend: { store: 5, visibility: 3 }, worker: { store: 2, visibility: 1 },
};
/** A Mesa process's pool (db/client.ts), and the connection its start takes to migrate. */
const mesaConnections = 10 + 1;

export interface ClusterProcess {
  readonly name: string;
  readonly log: string;
  pid(): number | undefined;
  alive(): boolean;
  /** Starts it (if it is not running) and waits until it is ready. */
  start(): Promise<void>;
  /** Asks it to stop (SIGTERM; haproxy: its graceful SIGUSR1) and waits; SIGKILL after 30 s. Resolves with its exit code. */
  stop(): Promise<number | null>;
  /** Kills it at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** The exit code of its last run (null while running, or if killed by a signal). */
  exitCode(): number | null;
}

export interface Cluster {
  /** The balancer: the one address users and ministries' systems are given. */
  url: string;
  apis: string[];
  temporalAddress: string;
  namespace: string;
  /** The connection options for Temporal's frontend (TLS included when configured). */
  temporalConnection: ConnectionOptions;
  databaseUrls: { temporal: string; visibility: string; mesa: string };
  /** Every process by name: temporal-history, temporal-matching, temporal-frontend, temporal-worker, mesa-worker-1…, mesa-api-1…, haproxy. */
  processes: Map<string, ClusterProcess>;
  /** The environment every Mesa process runs with (as an operator's /etc/mesa/mesa.env would hold it). */
  mesaEnv: Record<string, string>;
  /** Stops everything in order: balancer, APIs, workers, then Temporal. Resolves with every exit code. */
  stop(): Promise<Record<string, number | null>>;
}

export interface ClusterOptions {
  config: ClusterConfig;
  binaries: TemporalServerBinaries;
  /** The environment the Mesa's own settings come from (SMTP_URL, MESA_ACTOR_KEY, TEMPORAL_TLS_*…). */
  env?: NodeJS.ProcessEnv;
  say?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Every check that can fail on a wrong setting, before anything starts: so a mistake gets one
 * sentence naming the setting, and nothing is left half started.
 */
async function preflight(o: ClusterOptions, mesaEnv: Record<string, string>): Promise<void> {
  const c = o.config;
  if (spawnSync(c.haproxy, ['-v'], { stdio: 'ignore' }).status !== 0) {
    throw new ConfigError(`Configuración inválida: no se encontró el balanceador «${c.haproxy}» (variable «HAPROXY_PATH»): instálelo con «apt-get install haproxy».`);
  }
  const apiPorts = Array.from({ length: c.apis }, (_, i) => c.balancerPort + 1 + i);
  const metricsPorts = Array.from({ length: c.workers }, (_, i) => workerMetricsPort(c, i + 1));
  for (const port of [c.balancerPort, ...apiPorts, ...metricsPorts]) {
    if (!(await portFree(port))) throw new ConfigError(`Configuración inválida: el puerto ${port} ya está en uso (variable «PORT»: el balanceador usa PORT, las API los siguientes y las métricas de los workers PORT+11…).`);
  }
  for (const [service, ports] of Object.entries(temporalPorts(c.temporalPortBase))) {
    for (const port of [ports.grpc, ports.membership, ports.metrics]) {
      if (!(await portFree(port))) throw new ConfigError(`Configuración inválida: el puerto ${port} de Temporal (${service}) ya está en uso (variable «TEMPORAL_PORT_BASE»).`);
    }
  }
  // The Mesa's own settings, checked as its processes will check them.
  loadConfig('production', mesaEnv);
  const admin = postgres(c.adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  let limits: { max: number; reserved: number };
  try {
    const [row] = await admin<Array<{ max: string; reserved: string }>>`select current_setting('max_connections') as max, current_setting('superuser_reserved_connections') as reserved`;
    limits = { max: Number(row!.max), reserved: Number(row!.reserved) };
  } catch (e) {
    throw new ConfigError(`Configuración inválida: no se pudo conectar a PostgreSQL con «MESA_CLUSTER_DATABASE_URL» (${(e as Error).message}).`);
  } finally {
    await admin.end({ timeout: 1 });
  }
  // A server that cannot hold every pool refuses connections only under load ("too many
  // clients"), which the processes would take for an outage: it is refused here instead. Ten are
  // left for whoever else connects (psql, a backup, the bench).
  const temporal = Object.values(temporalPools).reduce((sum, p) => sum + p.store + p.visibility, 0);
  const needed = temporal + (c.apis + c.workers) * mesaConnections + 10;
  if (needed > limits.max - limits.reserved) {
    throw new ConfigError(`Configuración inválida: PostgreSQL admite ${limits.max} conexiones («max_connections», ${limits.reserved} de ellas reservadas), y el clúster necesita ${needed}: ${temporal} para los cuatro servicios de Temporal, ${mesaConnections} por cada una de las ${c.apis} API y los ${c.workers} workers de Mesa, y 10 para herramientas. Suba «max_connections» en postgresql.conf (y reinicie PostgreSQL) o inicie menos procesos («MESA_CLUSTER_APIS», «MESA_CLUSTER_WORKERS»).`);
  }
}

/** Creates the three databases if they are missing. */
async function ensureDatabases(c: ClusterConfig): Promise<void> {
  const admin = postgres(c.adminUrl, { max: 1, onnotice: () => {} });
  try {
    for (const name of Object.values(c.databases)) {
      const [found] = await admin`select 1 from pg_database where datname = ${name}`;
      if (!found) await admin.unsafe(`create database "${name}"`);
    }
  } catch (e) {
    throw new ConfigError(`Configuración inválida: el usuario de «MESA_CLUSTER_DATABASE_URL» no pudo crear las bases de datos (${(e as Error).message}).`);
  } finally {
    await admin.end({ timeout: 1 });
  }
}

/**
 * Temporal's schemas, with its own tool: created on an empty database, brought up to the version
 * this server needs on an older one (a no-op when current).
 */
async function migrateTemporal(o: ClusterOptions): Promise<void> {
  const c = o.config;
  const admin = new URL(c.adminUrl);
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12', SQL_HOST: admin.hostname, SQL_PORT: admin.port || '5432',
    SQL_USER: decodeURIComponent(admin.username || 'postgres'), SQL_PASSWORD: decodeURIComponent(admin.password),
  };
  for (const [database, folder] of [[c.databases.temporal, 'temporal'], [c.databases.visibility, 'visibility']] as const) {
    const sql = postgres(databaseUrl(c.adminUrl, database), { max: 1, onnotice: () => {} });
    const [versioned] = await sql`select 1 from information_schema.tables where table_name = 'schema_version'`.finally(() => sql.end({ timeout: 1 }));
    const tool = (...args: string[]) => {
      const run = spawnSync(o.binaries.sqlTool, ['--plugin', 'postgres12', '--db', database, ...args], { env, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`temporal-sql-tool ${args[0]} en «${database}» falló: ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' ')}`);
    };
    if (!versioned) tool('setup-schema', '-v', '0.0');
    tool('update-schema', '-d', join(o.binaries.schemaDir, folder, 'versioned'));
  }
}

/** One child process with its log file, started again on demand. */
function processOf(name: string, log: string, spawnIt: () => ChildProcess, ready: (p: { output: () => string; exited: () => boolean }) => Promise<void>, gentle: NodeJS.Signals = 'SIGTERM'): ClusterProcess {
  let child: ChildProcess | null = null;
  let exit: Promise<void> = Promise.resolve();
  let code: number | null = null;
  let out: WriteStream | null = null;
  let tail = '';
  const alive = () => child !== null && child.exitCode === null && child.signalCode === null;
  const waitExit = async (ms: number) => Promise.race([exit.then(() => true), sleep(ms).then(() => false)]);
  const self: ClusterProcess = {
    name, log,
    pid: () => child?.pid,
    alive,
    exitCode: () => code,
    async start() {
      if (alive()) return;
      out = createWriteStream(log, { flags: 'a' });
      out.write(`\n--- ${new Date().toISOString()} inicio de ${name}\n`);
      tail = '';
      code = null;
      const c = spawnIt();
      child = c;
      const keep = (chunk: Buffer) => {
        out?.write(chunk);
        tail = (tail + chunk.toString('utf8')).slice(-8000);
      };
      c.stdout?.on('data', keep);
      c.stderr?.on('data', keep);
      exit = new Promise((resolve) => c.once('exit', (exitCode) => {
        code = exitCode;
        resolve();
      }));
      try {
        await ready({ output: () => tail, exited: () => !alive() });
      } catch (e) {
        await self.kill();
        throw new Error(`${name} no arrancó: ${(e as Error).message}\n${tail.trim().split('\n').slice(-5).map((l) => l.slice(0, 400)).join('\n')}\n(registro completo: ${log})`);
      }
    },
    async stop() {
      if (!alive()) return code;
      child!.kill(gentle);
      if (!(await waitExit(30_000))) {
        child!.kill('SIGKILL');
        await exit;
      }
      out?.end();
      return code;
    },
    async kill() {
      if (alive()) child!.kill('SIGKILL');
      await exit;
      out?.end();
    },
  };
  return self;
}

/** Polls `check` until it holds; fails at once if the process died, or after `timeoutMs`. */
async function until(what: string, p: { exited: () => boolean }, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (p.exited()) throw new Error(`el proceso terminó antes de ${what}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`no llegó a ${what} en ${Math.round(timeoutMs / 1000)} s`);
    await sleep(250);
  }
}

async function httpReady(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status === 200;
}

/** The namespace (retention: 30 days) and the Mesa's search attributes, once. */
async function ensureNamespace(connection: Connection, namespace: string, say: (l: string) => void): Promise<void> {
  const service = connection.workflowService;
  const exists = await service.describeNamespace({ namespace }).then(() => true, () => false);
  if (!exists) {
    await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('30 days') });
    say(`Espacio de nombres «${namespace}» creado; los servicios lo conocerán en unos segundos…`);
    // Every service refreshes its namespace cache every 10 s (system.namespaceCacheRefreshInterval).
    await sleep(11_000);
  }
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = mesaSearchAttributeKeys.filter((key) => !(customAttributes && key.name in customAttributes));
  if (missing.length) {
    await connection.operatorService.addSearchAttributes({
      namespace, searchAttributes: Object.fromEntries(missing.map((key) => [key.name, proto.temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`]])),
    });
  }
}

/** Reads a TLS file for the Temporal client, naming the variable when it cannot. */
async function readTlsFile(path: string, variable: string): Promise<Buffer> {
  return readFile(path).catch(() => {
    throw new ConfigError(`Configuración inválida: no se pudo leer el archivo de la variable «${variable}» («${path}»).`);
  });
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const c = o.config;
  const say = o.say ?? (() => {});
  const dir = resolve(c.dir);
  const logs = join(dir, 'registros');
  mkdirSync(logs, { recursive: true });
  const ports = temporalPorts(c.temporalPortBase);
  const temporalAddress = `127.0.0.1:${ports.frontend.grpc}`;
  const databaseUrls = { temporal: databaseUrl(c.adminUrl, c.databases.temporal), visibility: databaseUrl(c.adminUrl, c.databases.visibility), mesa: databaseUrl(c.adminUrl, c.databases.mesa) };
  const apiPorts = Array.from({ length: c.apis }, (_, i) => c.balancerPort + 1 + i);
  const env = o.env ?? process.env;

  // The Mesa's processes: keys from the environment when given, otherwise kept in the cluster's
  // folder so that a restart keeps signatures and audit seals valid.
  if (!env.MESA_ACTOR_KEY) actorKeyInDataDir(dir);
  const actorKey = env.MESA_ACTOR_KEY ?? await readFile(join(dir, 'clave-actor.pem'), 'utf8');
  const tlsClient: Record<string, string> = c.tls && !env.TEMPORAL_TLS_CLIENT_CERT_PATH
    ? { TEMPORAL_TLS_CLIENT_CERT_PATH: c.tls.cert, TEMPORAL_TLS_CLIENT_KEY_PATH: c.tls.key, TEMPORAL_TLS_SERVER_CA_CERT_PATH: c.tls.ca, TEMPORAL_TLS_SERVER_NAME: c.tls.name }
    : {};
  const mesaEnv: Record<string, string> = {
    ...Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    ...tlsClient,
    DATABASE_URL: databaseUrls.mesa,
    TEMPORAL_ADDRESS: temporalAddress,
    MESA_ACTOR_KEY: actorKey,
    MESA_AUDIT_KEY: env.MESA_AUDIT_KEY ?? embeddedAuditKey(dir),
    MESA_AUDIT_CHECKPOINT_DIR: env.MESA_AUDIT_CHECKPOINT_DIR ?? join(dir, 'sellos-auditoria'),
    MESA_PUBLIC_URL: env.MESA_PUBLIC_URL ?? `http://localhost:${c.balancerPort}`,
    // Only the balancer on this machine is believed about the client's address and scheme.
    MESA_TRUST_PROXY: env.MESA_TRUST_PROXY ?? '127.0.0.1',
  };
  delete mesaEnv.PORT;
  const namespace = loadConfig('production', mesaEnv).temporal.namespace;

  await preflight(o, mesaEnv);
  say('Preparando las bases de datos (Temporal y Mesa)…');
  await ensureDatabases(c);
  await migrateTemporal(o);
  const migrated = await openMesaDatabase({ url: databaseUrls.mesa }, 'lock');
  await migrated.close();

  const admin = new URL(c.adminUrl);
  const temporalEnv = {
    ...process.env,
    TEMPORAL_PG_HOST: admin.hostname, TEMPORAL_PG_PORT: admin.port || '5432',
    TEMPORAL_PG_USER: decodeURIComponent(admin.username || 'postgres'), TEMPORAL_PG_PASSWORD: decodeURIComponent(admin.password),
    TEMPORAL_PG_DATABASE: c.databases.temporal, TEMPORAL_PG_VISIBILITY_DATABASE: c.databases.visibility,
    TEMPORAL_PORT_BASE: String(c.temporalPortBase), TEMPORAL_DYNAMIC_CONFIG: join(deployDir, 'temporal', 'dynamicconfig.yaml'),
    ...(c.tls ? { TEMPORAL_SERVER_TLS_CERT: c.tls.cert, TEMPORAL_SERVER_TLS_KEY: c.tls.key, TEMPORAL_SERVER_TLS_CA: c.tls.ca, TEMPORAL_SERVER_TLS_NAME: c.tls.name } : {}),
  };
  const temporalConnection: ConnectionOptions = { address: temporalAddress };
  if (c.tls) {
    const [crt, key, ca] = await Promise.all([readTlsFile(c.tls.cert, 'TEMPORAL_SERVER_TLS_CERT'), readTlsFile(c.tls.key, 'TEMPORAL_SERVER_TLS_KEY'), readTlsFile(c.tls.ca, 'TEMPORAL_SERVER_TLS_CA')]);
    temporalConnection.tls = { serverNameOverride: c.tls.name, serverRootCACertificate: ca, clientCertPair: { crt, key } };
  }

  const processes = new Map<string, ClusterProcess>();
  const detached: SpawnOptions = { detached: true, stdio: ['ignore', 'pipe', 'pipe'] };
  for (const service of temporalServices) {
    const name = `temporal-${service}`;
    processes.set(name, processOf(name, join(logs, `${name}.log`),
      () => spawn(o.binaries.server, ['--root', deployDir, '--config', 'temporal', '--env', 'mesa', '--allow-no-auth', 'start', '--service', service], {
        ...detached,
        env: {
          ...temporalEnv, TEMPORAL_METRICS_PORT: String(ports[service].metrics),
          TEMPORAL_PG_MAX_CONNS: String(temporalPools[service].store), TEMPORAL_PG_VISIBILITY_MAX_CONNS: String(temporalPools[service].visibility),
        },
      }),
      async (p) => {
        // Every service joins the membership ring on its membership port (the worker service
        // serves no gRPC of its own).
        await until('unirse al anillo de servicios', p, () => portOpen(ports[service].membership), 180_000);
        if (service !== 'frontend') return;
        await until('responder', p, async () => {
          const connection = await Connection.connect({ ...temporalConnection, connectTimeout: 1000 });
          try {
            await connection.workflowService.getSystemInfo({});
            return true;
          } finally {
            await connection.close();
          }
        }, 180_000);
      }));
  }
  const mesaProcess = (name: string, entry: string, extra: Record<string, string>, ready: Parameters<typeof processOf>[3]) =>
    processes.set(name, processOf(name, join(logs, `${name}.log`),
      () => spawn(process.execPath, [join(root, 'runtime', 'launch.mjs'), join(root, 'runtime', entry)], { ...detached, cwd: root, env: { ...mesaEnv, ...extra } }), ready));
  for (let i = 1; i <= c.workers; i++) {
    mesaProcess(`mesa-worker-${i}`, 'worker-main.ts', { MESA_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPort(c, i)}` }, (p) => until('conectarse a Temporal', p, async () => /Worker de Mesa en/.test(p.output()), 180_000));
  }
  apiPorts.forEach((port, i) => {
    mesaProcess(`mesa-api-${i + 1}`, 'api-main.ts', { PORT: String(port), HOST: '127.0.0.1' }, (p) => until('estar lista', p, () => httpReady(`http://127.0.0.1:${port}/ready`), 120_000));
  });
  // deploy/haproxy.cfg with one `server` line per API process started here.
  const template = await readFile(join(deployDir, 'haproxy.cfg'), 'utf8');
  const servers = apiPorts.map((port, i) => `    server api${i + 1} 127.0.0.1:${port} check`).join('\n');
  const balancerConfig = join(dir, 'haproxy.cfg');
  await writeFile(balancerConfig, template.replace(/^\s*server api\d+ .*$(\n\s*server api\d+ .*$)*/m, servers));
  const balancerEnv = { ...process.env, MESA_BALANCER_BIND: `127.0.0.1:${c.balancerPort}` };
  processes.set('haproxy', processOf('haproxy', join(logs, 'haproxy.log'),
    () => spawn(c.haproxy, ['-db', '-f', balancerConfig], { ...detached, env: balancerEnv }),
    (p) => until('atender en el balanceador', p, () => httpReady(`http://127.0.0.1:${c.balancerPort}/ready`), 60_000),
    // Its graceful stop: no new connections, requests in flight finish.
    'SIGUSR1'));

  const order = [...processes.keys()];
  const stopOrder = ['haproxy', ...order.filter((n) => n.startsWith('mesa-api')), ...order.filter((n) => n.startsWith('mesa-worker')),
    'temporal-frontend', 'temporal-worker', 'temporal-matching', 'temporal-history'];
  const stop = async () => {
    const codes: Record<string, number | null> = {};
    for (const name of stopOrder) codes[name] = await processes.get(name)!.stop();
    return codes;
  };

  try {
    say('Iniciando los servicios de Temporal (history, matching, frontend, worker)…');
    // History first: on an empty database the first service to start writes the cluster's
    // metadata, and services starting together would race to write it.
    await processes.get('temporal-history')!.start();
    await Promise.all(temporalServices.filter((s) => s !== 'history').map((s) => processes.get(`temporal-${s}`)!.start()));
    const connection = await Connection.connect(temporalConnection);
    try {
      await ensureNamespace(connection, namespace, say);
    } finally {
      await connection.close();
    }
    say(`Iniciando ${c.workers} workers y ${c.apis} API de Mesa…`);
    await Promise.all(order.filter((n) => n.startsWith('mesa-')).map((n) => processes.get(n)!.start()));
    say('Iniciando el balanceador (haproxy)…');
    await processes.get('haproxy')!.start();
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url: `http://127.0.0.1:${c.balancerPort}`,
    apis: apiPorts.map((p) => `http://127.0.0.1:${p}`),
    temporalAddress, namespace, temporalConnection, databaseUrls, processes, mesaEnv, stop,
  };
}
