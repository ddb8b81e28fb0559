// `npm run bench`: the engine measured beside the raw Temporal floor, in one run, on the same
// servers. Starts the embedded stack (or uses TEMPORAL_ADDRESS and DATABASE_URL), shows progress
// on stderr, prints a table and writes every figure to bench-results/bench-<time>.json.
//   npm run bench                      all six measurements (five on the cluster)
//   npm run bench -- --quick           smaller sizes, for a first look
//   npm run bench -- --only reads,memory
//   npm run bench -- --rate 100        the reads' rate (requests per second; 200 by default)
//   npm run bench -- --cluster         on the production topology (runtime/cluster.ts), started
//                                      for the run on fresh databases and stopped after it: the
//                                      APIs behind haproxy and the workers in their own processes
//                                      (MESA_CLUSTER_WORKERS=1 for one worker)
import { randomBytes } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import postgres from 'postgres';
import { buildApp } from '../../api/app';
import { smtpMailer } from '../../activities/channels';
import { rowsOf } from '../../db/client';
import { planDeliveries } from '../../db/deliveries';
import { proposalListQuery, recordProposalLaunched } from '../../db/proposals';
import { seedMemberCodes } from '../../db/registry';
import { institutions } from '../../db/schema';
import { withDefaults } from '../../domain/proposal';
import { secretariat } from '../../domain/registry-codes';
import { actorKeyInDataDir, parseActorPrivateKey } from '../../runtime/actor-key';
import { startCluster, type Cluster } from '../../runtime/cluster';
import { connectTemporal, openMesaDatabase } from '../../runtime/boot';
import { loadClusterConfig, loadConfig } from '../../runtime/config';
import { demoEmail } from '../../runtime/demo';
import { resolveTemporalCli } from '../../runtime/temporal-cli';
import { recommendedSettings, startDevServer, type DevServer } from '../../runtime/temporal-server';
import { resolveTemporalServer } from '../../runtime/temporal-server-bin';
import { createWorker } from '../../runtime/worker';
import { startSmtpCatcher } from '../receivers';
import { floorActivities } from './floor-activities';
import { recordUpdate } from './floor-workflows';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const valueOf = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const onCluster = args.includes('--cluster');
const only = new Set((valueOf('only') ?? `signoffs,proposals,reads,memory,notifications${onCluster ? '' : ',rest'}`).split(','));
const sizes = {
  signoffRounds: 50,
  wholeProposals: quick ? [10, 50] : [10, 100, 500],
  readProposals: quick ? 2_000 : 10_000,
  readSeconds: quick ? 10 : 30,
  readRate: Number(valueOf('rate') ?? 200),
  memory: quick ? [200, 1_000] : [1_000, 10_000],
  notificationRounds: 10,
};
const password = 'banco-de-pruebas-2026';
const members = seedMemberCodes();

const say = (line: string) => process.stderr.write(`${line}\n`);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

// ---- statistics and load ---------------------------------------------------------------------

function percentiles(values: number[]) {
  const v = [...values].sort((a, b) => a - b);
  const at = (p: number) => Number((v[Math.min(v.length - 1, Math.floor((p / 100) * v.length))] ?? 0).toFixed(1));
  return { count: v.length, p50: at(50), p95: at(95), p99: at(99), max: Number((v.at(-1) ?? 0).toFixed(1)) };
}

/** At most `n` at once: a client pool, as a real population of users has, not 11,000 sockets. */
function limiter(n: number) {
  let active = 0;
  const queue: Array<() => void> = [];
  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    active += 1;
    try {
      return await job();
    } finally {
      active -= 1;
      queue.shift()?.();
    }
  };
}

const ratio = (ours: number, floor: number) => Number((ours / floor).toFixed(2));

// CPU: what a measure cost each kind of process, read from /proc before and after it. The sum over
// the stack per action is what sizes a deployment (how many actions a second a core takes), and
// beside the floor's it shows how much of a figure is work the floor does not do.
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU time (ms, user and system) of a process, with its children that ended and were waited for. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The fields after the command's name, from the state (proc(5)'s field 3): utime, stime, cutime
  // and cstime are fields 14 to 17. A PostgreSQL connection that closes adds its time to the
  // postmaster's cutime, so the group's sum keeps it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0) * 1000 / clockTicks;
}

async function postgresPids(): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  const named = await Promise.all(pids.map(async (d) => ((await readFile(`/proc/${d}/comm`, 'utf8').catch(() => '')).trim() === 'postgres' ? Number(d) : null)));
  return named.filter((pid): pid is number => pid !== null);
}

interface CpuCost {
  /** CPU ms per action, by group of processes, and in all. */
  perAction: Record<string, number>;
  totalPerAction: number;
  /** Cores kept busy on average while it ran. */
  cores: number;
}

/** What `work` cost in CPU, over `actions` actions, and how long it took (ms). */
async function cpuOf<T>(actions: number, work: () => Promise<T>): Promise<{ result: T; cpu: CpuCost; wall: number }> {
  const byGroup = async () => {
    const groups = await stack.processGroups();
    if (onCluster || config.databaseUrl) groups.PostgreSQL = await postgresPids();
    const sums: Record<string, number> = {};
    for (const [name, pids] of Object.entries(groups)) sums[name] = (await Promise.all(pids.map(cpuMs))).reduce((a, b) => a + b, 0);
    return sums;
  };
  const before = await byGroup();
  const t0 = performance.now();
  const result = await work();
  const wall = performance.now() - t0;
  const after = await byGroup();
  const perAction: Record<string, number> = {};
  let total = 0;
  for (const [name, ms] of Object.entries(after)) {
    const spent = ms - (before[name] ?? 0);
    total += spent;
    perAction[name] = Number((spent / actions).toFixed(2));
  }
  return { result, cpu: { perAction, totalPerAction: Number((total / actions).toFixed(1)), cores: Number((total / wall).toFixed(2)) }, wall };
}

/** Shows where each side's CPU went, and adds the row that compares them. */
function recordCpu(what: string, ours: CpuCost, floor: CpuCost) {
  for (const [side, cost] of [['Mesa', ours], ['piso', floor]] as const) {
    const parts = Object.entries(cost.perAction).filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]).map(([name, ms]) => `${name} ${ms}`);
    say(`    CPU por ${what}, ${side} (ms): ${parts.join(', ')}; ${cost.cores} núcleos ocupados de ${cpus().length}`);
  }
  record([`CPU por ${what}, todos los procesos (ms)`, String(ours.totalPerAction), String(floor.totalPerAction), `${ratio(ours.totalPerAction, floor.totalPerAction)}×`, '']);
}

/** A process's resident memory, as the kernel counts it. */
const residentBytes = async (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

// ---- the stack -------------------------------------------------------------------------------

Runtime.install({ logger: new DefaultLogger('WARN') });
const config = loadConfig('embedded');
const dir = await mkdtemp(join(tmpdir(), 'mesa-bench-'));
const audit = { key: config.audit.key ?? randomBytes(32).toString('base64url'), checkpointDir: join(dir, 'sellos-auditoria') };
/** This run's name: its task queues and the floor's workflow ids carry it. */
const run = `bench-${randomBytes(4).toString('hex')}`;
const floorQueue = `${run}-piso`;

/**
 * Where the engine runs during the measurements: the API's address, the Mesa's database (for
 * seeding and query plans), a Temporal client for the floor, and the process ids of its workers.
 */
interface Stack {
  base: string;
  db: Awaited<ReturnType<typeof openMesaDatabase>>['db'];
  temporal: Awaited<ReturnType<typeof connectTemporal>>;
  namespace: string;
  temporalAddress: string;
  /** The Mesa's task queue, and the key its workers check actors with. */
  taskQueue: string;
  actorPublicKey: string;
  /** The Mesa's workers as processes of their own; none when the worker runs in this process. */
  workerPids: () => number[];
  /** Stops the Mesa's worker that runs in this process, if any (the memory measure runs it alone). */
  stopLocalWorker: () => Promise<void>;
  /** The stack's processes by what they do, for the CPU each measure costs (PostgreSQL's are added to them). */
  processGroups: () => Promise<Record<string, number[]>>;
  close: () => Promise<void>;
}

/** The embedded stack in this process (or TEMPORAL_ADDRESS and DATABASE_URL): API and worker together. */
async function embeddedStack(): Promise<Stack> {
  let server: DevServer | null = null;
  if (!config.temporal.address) {
    say('Iniciando el servidor de Temporal…');
    server = await startDevServer({ cliPath: await resolveTemporalCli(process.env.TEMPORAL_CLI_PATH, say), settings: recommendedSettings });
  }
  const address = config.temporal.address ?? server!.address;
  const database = await openMesaDatabase(config.databaseUrl ? { url: config.databaseUrl } : { pgliteDir: join(dir, 'pglite') }, { password });
  const actorKeys = actorKeyInDataDir(dir);
  const temporal = await connectTemporal(config.temporal, address, actorKeys.privateKey);
  const taskQueue = run;
  const worker = await createWorker({ connection: temporal.native, namespace: config.temporal.namespace, taskQueue, db: database.db, channels: { mailer: null, publicUrl: 'http://localhost' }, audit, maxCachedWorkflows: config.workflowCache, actorPublicKey: actorKeys.publicKey });
  const running = worker.run();
  const app = await buildApp({ db: database.db, temporal: temporal.client, taskQueue, audit, tokenTtl: 'PT12H', bodyLimit: 1_048_576, logLevel: 'silent', publicUrl: 'http://localhost' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const stopWorker = async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  };
  return {
    base: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, db: database.db, temporal, namespace: config.temporal.namespace,
    temporalAddress: address, taskQueue, actorPublicKey: actorKeys.publicKey,
    workerPids: () => [], stopLocalWorker: stopWorker,
    processGroups: async () => {
      const groups: Record<string, number[]> = { 'este proceso: API, worker, base embebida, carga y piso': [process.pid] };
      // The Temporal dev server, and whatever else this process started, by command name.
      for (const pid of (await processTree(process.pid)).slice(1)) {
        const name = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim();
        (groups[name] ??= []).push(pid);
      }
      return groups;
    },
    close: async () => {
      await app.close();
      await stopWorker();
      await temporal.close();
      await database.close();
      await server?.stop();
    },
  };
}

/** The production topology on fresh databases: Temporal's four services, the APIs behind haproxy, the workers. */
async function clusterStack(): Promise<Stack> {
  const clusterConfig = loadClusterConfig({ ...process.env, MESA_CLUSTER_DB_PREFIX: `banco_${randomBytes(3).toString('hex')}_`,
    // Kept after the run: each process's log (registros/) explains a failed request.
    MESA_CLUSTER_DIR: join('bench-results', `cluster-${new Date().toISOString().replace(/[:.]/g, '-')}`) });
  const binaries = await resolveTemporalServer(clusterConfig.serverDir, say);
  const cluster: Cluster = await startCluster({ config: clusterConfig, binaries, say, env: { ...process.env, LOG_LEVEL: 'warn', MESA_AUDIT_KEY: audit.key } });
  const database = await openMesaDatabase({ url: cluster.databaseUrls.mesa }, { password });
  const mesaConfig = loadConfig('production', cluster.mesaEnv);
  const temporal = await connectTemporal(mesaConfig.temporal, cluster.temporalAddress, null);
  const workers = [...cluster.processes.keys()].filter((name) => name.startsWith('mesa-worker-'));
  say(`Clúster listo: ${cluster.apis.length} API detrás de ${cluster.url}, ${workers.length} worker(s).`);
  return {
    base: cluster.url, db: database.db, temporal, namespace: cluster.namespace,
    temporalAddress: cluster.temporalAddress, taskQueue: mesaConfig.temporal.taskQueue, actorPublicKey: parseActorPrivateKey(cluster.mesaEnv.MESA_ACTOR_KEY!).publicKey,
    workerPids: () => workers.map((name) => cluster.processes.get(name)!.pid()!),
    stopLocalWorker: async () => {},
    processGroups: async () => {
      // The two APIs as one group, the workers as another: what a measure costs each kind of process.
      const groups: Record<string, number[]> = { 'banco: carga y worker del piso': [process.pid] };
      for (const [name, p] of cluster.processes) {
        const pid = p.pid();
        if (pid !== undefined) (groups[name.replace(/-\d+$/, '')] ??= []).push(pid);
      }
      return groups;
    },
    close: async () => {
      await temporal.close();
      await database.close();
      await cluster.stop();
      const admin = postgres(clusterConfig.adminUrl, { max: 1, onnotice: () => {} });
      try {
        for (const name of Object.values(clusterConfig.databases)) await admin.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}

const stack = onCluster ? await clusterStack() : await embeddedStack();
const { base, db, taskQueue } = stack;
const client = stack.temporal.client;
const floorWorker = await Worker.create({
  connection: stack.temporal.native, namespace: stack.namespace, taskQueue: floorQueue,
  workflowsPath: fileURLToPath(new URL('./floor-workflows.ts', import.meta.url)), activities: floorActivities,
});
const floorRunning = floorWorker.run();

/** Requests sent again after the connection closed under them (counted in the results). */
let resent = 0;

/**
 * One request as the web pages send it: a POST carries an Idempotency-Key, so that when a
 * kept-alive connection is closed under it (a balancer's idle timeout crossing the request) it is
 * sent again and recorded once. The time counts from the first attempt.
 */
async function http(method: 'GET' | 'POST', token: string, path: string, body?: unknown): Promise<{ status: number; body: any; ms: number }> {
  const t0 = performance.now();
  const headers = {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(body ? { 'content-type': 'application/json', 'idempotency-key': randomBytes(12).toString('hex') } : {}),
  };
  const send = async (attempt: number): Promise<Response> => {
    try {
      return await fetch(`${base}${path}`, { method, ...(body ? { body: JSON.stringify(body) } : {}), headers });
    } catch (e) {
      if (attempt >= 3) throw e;
      resent += 1;
      return send(attempt + 1);
    }
  };
  const res = await send(1);
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { status: res.status, body: text ? JSON.parse(text) : null, ms };
}
const tokens = new Map<string, string>();
async function token(code: string) {
  if (!tokens.has(code)) tokens.set(code, (await http('POST', '', '/api/v1/auth/token', { email: demoEmail(code), password })).body.token);
  return tokens.get(code)!;
}
for (const code of [...members, secretariat, 'AFAMIPER']) await token(code);

const launch = async (title: string, extra: Record<string, unknown> = {}) => (await http('POST', await token(secretariat), '/api/v1/proposals', {
  title, summary: 'Medición del motor', text: '1. Primer párrafo.\n\n2. Segundo párrafo.', objectives: ['OE4'], populations: ['retornantes'],
  leadWorkingGroup: 'GT3', ...extra,
})).body.id as string;

const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  topology: onCluster ? 'cluster: Temporal history, matching, frontend and worker services on PostgreSQL; the APIs behind haproxy and the workers, each a process of its own'
    : 'embedded: API and worker in this process',
  database: onCluster || config.databaseUrl ? 'postgresql' : 'pglite',
  temporal: onCluster ? 'cluster (PostgreSQL)' : config.temporal.address ? 'external' : 'embedded dev server (SQLite)',
};
const table: string[][] = [];
/** A row of the final table, also shown as soon as it is measured (a run stopped later keeps it). */
const record = (cells: string[]) => {
  table.push(cells);
  say(`    → ${cells.filter(Boolean).join(' | ')}`);
};

// ---- 1. sign-off latency ---------------------------------------------------------------------

async function signoffLatency() {
  const n = sizes.signoffRounds;
  say(`[${elapsed()}] 1. Latencia de conformidad: ${n} propuestas en ronda, ${n * 22} conformidades por HTTP…`);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await launch(`Conformidad ${i + 1}`, { stages: ['conformidad'], deadlines: { conformidad: 'P10D' } }));
  const ours: number[] = [];
  // One client per proposal, its 22 members one after another: all rounds at once.
  const { cpu: oursCpu } = await cpuOf(n * 22, () => Promise.all(ids.map(async (id) => {
    for (const code of members) ours.push((await http('POST', await token(code), `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' })).ms);
  })));
  say(`[${elapsed()}]    piso: ${n * 22} executeUpdate sobre un workflow mínimo…`);
  const handles = await Promise.all(Array.from({ length: n }, (_, i) => client.workflow.start('floorRecorder', {
    taskQueue: floorQueue, workflowId: `piso-conformidad-${run}-${i}`, args: [{ updates: 22 }],
  })));
  const floor: number[] = [];
  const { cpu: floorCpu } = await cpuOf(n * 22, () => Promise.all(handles.map(async (h) => {
    for (const code of members) {
      const t0 = performance.now();
      await h.executeUpdate(recordUpdate, { args: [code] });
      floor.push(performance.now() - t0);
    }
  })));
  const o = percentiles(ours);
  const f = percentiles(floor);
  results.signoffs = { proposals: n, ours: o, floor: f, p99Ratio: ratio(o.p99, f.p99), cpu: { ours: oursCpu, floor: floorCpu } };
  record(['Conformidad, p50 / p95 / p99 (ms)', `${o.p50} / ${o.p95} / ${o.p99}`, `${f.p50} / ${f.p95} / ${f.p99}`, `${ratio(o.p99, f.p99)}× (p99)`, '≤ 1.5×']);
  recordCpu('conformidad', oursCpu, floorCpu);
}

// ---- 2. whole proposals ----------------------------------------------------------------------

/** Launch → working group → consultation with 2 inputs answered → round of 22 → decision → its task. */
async function wholeProposal(i: number, gate: ReturnType<typeof limiter>) {
  const secretaria = await token(secretariat);
  const id = await gate(() => launch(`Propuesta completa ${i}`, { actions: [{ title: 'Acción', responsible: ['MINSA'], dueIn: 'P90D', deliverable: 'Informe' }] }));
  const post = (code: string, path: string, body: unknown) => gate(async () => http('POST', await token(code), `/api/v1/proposals/${id}${path}`, body));
  await post(secretariat, '/working-group-decision', { decision: 'avanzar', reason: '' });
  const inputs = [];
  for (let k = 0; k < 2; k++) inputs.push((await post('AFAMIPER', '/inputs', { kind: 'comentario', text: `Aporte ${k + 1}` })).body.id);
  for (const inputId of inputs) await post(secretariat, `/inputs/${inputId}/answer`, { decision: 'acogida', reason: 'Se incorpora.' });
  await post(secretariat, '/advance', {});
  await Promise.all(members.map((code) => post(code, '/signoffs', { position: 'aprueba' })));
  // Done when its task exists: the decision was taken and the task workflow recorded it.
  for (;;) {
    const page = await gate(() => http('GET', secretaria, `/api/v1/tasks?proposal=${id}`));
    if (page.body.items.length > 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}
const updatesPerProposal = 1 + 1 + 2 + 2 + 1 + 22;

async function floorProposal(i: number, gate: ReturnType<typeof limiter>, n: number) {
  const h = await gate(() => client.workflow.start('floorProcess', { taskQueue: floorQueue, workflowId: `piso-propuesta-${run}-${n}-${i}`, args: [{ updates: updatesPerProposal - 1 }] }));
  for (let k = 0; k < 6; k++) await gate(() => h.executeUpdate(recordUpdate, { args: [`paso-${k}`] }));
  await Promise.all(members.map((code) => gate(() => h.executeUpdate(recordUpdate, { args: [code] }))));
  await h.result();
}

async function wholeProposals() {
  const curve = [];
  for (const n of sizes.wholeProposals) {
    say(`[${elapsed()}] 2. Propuestas completas: ${n} a la vez (${n * updatesPerProposal} acciones por HTTP)…`);
    const gate = limiter(200);
    const { cpu: oursCpu, wall: oursMs } = await cpuOf(n, () => Promise.all(Array.from({ length: n }, (_, i) => wholeProposal(i, gate))));
    const oursMin = oursMs / 60_000;
    say(`[${elapsed()}]    piso: ${n} workflows mínimos con ${updatesPerProposal} updates y actividades vacías…`);
    const { cpu: floorCpu, wall: floorMs } = await cpuOf(n, () => Promise.all(Array.from({ length: n }, (_, i) => floorProposal(i, gate, n))));
    const floorMin = floorMs / 60_000;
    const point = {
      proposals: n, oursPerMinute: Number((n / oursMin).toFixed(1)), floorPerMinute: Number((n / floorMin).toFixed(1)), ratio: ratio(oursMin === 0 ? 0 : n / oursMin, n / floorMin),
      cpu: { ours: oursCpu, floor: floorCpu },
    };
    curve.push(point);
    record([`Propuestas completas, N = ${n} (por minuto)`, String(point.oursPerMinute), String(point.floorPerMinute), `${point.ratio}×`, '≥ 0.8×']);
    recordCpu(`propuesta completa (N = ${n})`, oursCpu, floorCpu);
  }
  results.wholeProposals = curve;
}

// ---- 3. reads --------------------------------------------------------------------------------

async function seedProposals(count: number) {
  const n = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from proposals`))[0]?.n ?? 0;
  const stages = ['grupo_de_trabajo', 'consulta', 'conformidad', 'cerrada'] as const;
  const words = ['retornantes', 'frontera', 'salud', 'educación', 'empleo', 'documentación', 'niñez', 'refugio'];
  const gate = limiter(8);
  const jobs = [];
  for (let i = Number(n); i < count; i++) {
    const stage = stages[i % stages.length]!;
    const plan = withDefaults({
      title: `Propuesta ${i} sobre ${words[i % words.length]} y ${words[(i * 7) % words.length]}`, summary: `Resumen ${i}`, text: '1. Texto.',
      objectives: [`OE${(i % 5) + 1}`], populations: ['retornantes'], leadWorkingGroup: `GT${(i % 4) + 1}`,
    } as never);
    const at = new Date(Date.now() - (count - i) * 60_000).toISOString();
    const pendingFor = stage === 'conformidad' ? members.filter((_, k) => (k + i) % 3 !== 0) : stage === 'cerrada' ? [] : [secretariat];
    jobs.push(gate(() => recordProposalLaunched(db, audit.key, {
      proposalId: `prop_lectura_${String(i).padStart(6, '0')}`, plan, launchedBy: { userId: 'user_demo_secretaria', institution: secretariat }, at,
      snapshot: {
        status: stage === 'cerrada' ? 'adoptada' : 'en_curso', stage, currentVersion: 1, deadlines: { [stage]: at }, pendingFor, round: stage === 'conformidad' ? 1 : 0,
        consultationOpen: stage === 'consulta', number: null, decision: null, tasks: [],
      },
      effects: [],
    }, { publicUrl: 'http://localhost', email: false })));
  }
  await Promise.all(jobs);
}

async function reads() {
  const count = sizes.readProposals;
  say(`[${elapsed()}] 3. Lecturas: ${count} propuestas en la base…`);
  // The proposals seeded here have no workflow. On the cluster the periodic check for stopped
  // processes (runtime/schedules.ts, every minute) would take each of them for a stopped process
  // and ask Temporal about it, thousands of calls a minute that no real Mesa makes; it stays
  // paused for the rest of the run (the cluster is dropped after it).
  if (onCluster) await client.schedule.getHandle('mesa-vigilancia').pause('banco de pruebas: propuestas sembradas sin workflow');
  await seedProposals(count);
  // As autovacuum leaves the table soon after such a burst of writes: the GIN indexes' pending
  // entries merged (until then every search and pendingFor scan reads them all) and the planner's
  // statistics current. The search table too: without its statistics the planner expects a few
  // matches where a quarter of the proposals match, and scans it instead of its index.
  await db.execute(sql`vacuum analyze proposals, proposal_search`);
  const minsa = await token('MINSA');
  const queries = ['/api/v1/proposals?pendingFor=MINSA', '/api/v1/proposals?stage=conformidad', '/api/v1/proposals?q=frontera'];
  /**
   * A fixed rate, timed from when each request was due (a slow answer cannot hide the ones behind
   * it), sent from a thread of its own so the load generator does not compete with the server's
   * event loop, as autocannon in another process would not. Before the clock starts, the thread
   * loads its HTTP client and opens its connections with a few `/health` requests: without that,
   * the first second measured the load generator's own start (the floor's first second had a p99
   * of 66 ms against 4–12 ms in every later one).
   */
  const atRate = (paths: string[], rate: number, seconds: number) => new Promise<ReturnType<typeof percentiles> & { bySecond: Array<{ p50: number; p99: number; max: number }> }>((resolve, reject) => {
    const load = new Thread(`
      const { parentPort, workerData: w } = require('node:worker_threads');
      (async () => {
        for (let k = 0; k < 3; k++) await Promise.all(Array.from({ length: 16 }, () => fetch(w.base + '/health').then((r) => r.arrayBuffer())));
        const total = w.rate * w.seconds, latencies = new Array(total), t0 = performance.now();
        await Promise.all(Array.from({ length: total }, async (_, i) => {
          const due = t0 + (i * 1000) / w.rate;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const res = await fetch(w.base + w.paths[i % w.paths.length], { headers: { authorization: 'Bearer ' + w.token } });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(w.paths[i % w.paths.length] + ': ' + res.status);
          latencies[i] = performance.now() - due;
        }));
        parentPort.postMessage(latencies);
      })().catch((e) => { throw e; });
    `, { eval: true, workerData: { base, paths, rate, seconds, token: minsa } });
    // By the second each request was due, too: a tail from the run's first seconds (connections
    // opening) reads differently from one spread over the run (a queue).
    load.once('message', (latencies: number[]) => resolve({
      ...percentiles(latencies),
      bySecond: Array.from({ length: seconds }, (_, k) => percentiles(latencies.slice(k * rate, (k + 1) * rate))).map(({ p50, p99, max }) => ({ p50, p99, max })),
    }));
    load.once('error', reject);
  });
  // One at a time first: the cost of a request without any queue in front of it.
  const alone: number[] = [];
  for (let i = 0; i < 150; i++) alone.push((await http('GET', minsa, queries[i % queries.length]!)).ms);
  const unloaded = percentiles(alone.slice(30));
  say(`[${elapsed()}]    ${sizes.readRate} peticiones/s durante ${sizes.readSeconds} s con filtros pendingFor, stage y q…`);
  const { result: ours, cpu: oursCpu } = await cpuOf(sizes.readRate * sizes.readSeconds, () => atRate(queries, sizes.readRate, sizes.readSeconds));
  say(`[${elapsed()}]    piso: GET /health al mismo ritmo…`);
  const floorSeconds = Math.min(10, sizes.readSeconds);
  const { result: floor, cpu: floorCpu } = await cpuOf(sizes.readRate * floorSeconds, () => atRate(['/health'], sizes.readRate, floorSeconds));
  const plans: Record<string, string[]> = {};
  for (const [name, filters] of Object.entries({ pendingFor: { pendingFor: 'MINSA' }, stage: { stage: 'conformidad' as const }, q: { q: 'frontera' } })) {
    const explained = await db.execute(sql`explain analyze ${proposalListQuery(db, { ...filters, limit: 50 })}`);
    plans[name] = rowsOf<Record<string, string>>(explained).map((r) => Object.values(r)[0]!);
  }
  results.reads = { proposals: count, rate: sizes.readRate, seconds: sizes.readSeconds, unloaded, ours, floor, plans, cpu: { ours: oursCpu, floor: floorCpu } };
  say(`[${elapsed()}]    una a la vez: p50 ${unloaded.p50} ms, p99 ${unloaded.p99} ms`);
  say(`    p99 de cada segundo (ms): ${ours.bySecond.map((s) => s.p99).join(', ')}`);
  record([`Lecturas filtradas, ${count} propuestas, p50 / p99 (ms)`, `${ours.p50} / ${ours.p99}`, `${floor.p50} / ${floor.p99}`, '', 'p99 < 20 ms']);
  recordCpu('lectura', oursCpu, floorCpu);
}

// ---- 4. worker memory ------------------------------------------------------------------------

async function memory() {
  // The worker's resident memory: on the cluster, each worker process's; with PostgreSQL the worker
  // runs alone in a process of its own (`npm run worker`); with PGlite it can only be this
  // process, database included.
  let child: ChildProcess | null = null;
  if (!onCluster && config.databaseUrl) {
    await stack.stopLocalWorker();
    child = spawn(process.execPath, ['runtime/launch.mjs', 'runtime/worker-main.ts'], {
      env: {
        ...process.env, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'warn',
        // What production requires of a worker: the audit trail's key and folder, the API's public key.
        MESA_AUDIT_KEY: audit.key, MESA_AUDIT_CHECKPOINT_DIR: audit.checkpointDir, MESA_ACTOR_PUBLIC_KEY: stack.actorPublicKey,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('Worker de Mesa')) resolve(); });
      child!.once('exit', (code) => reject(new Error(`npm run worker terminó (${code})`)));
    });
  }
  const pids = onCluster ? stack.workerPids() : child ? [child.pid!] : [process.pid];
  /** The largest worker's resident memory (each worker holds its share of the open proposals). */
  const rss = async () => Math.max(...await Promise.all(pids.map(residentBytes)));
  const points = [];
  let launched = 0;
  const baseline = await rss();
  try {
    for (const target of sizes.memory) {
      say(`[${elapsed()}] 4. Memoria: ${target} propuestas esperando en su ronda…`);
      const gate = limiter(50);
      const jobs = [];
      for (; launched < target; launched++) {
        const i = launched;
        jobs.push(gate(() => launch(`Memoria ${i}`, { stages: ['conformidad'], deadlines: { conformidad: 'P30D' }, reminders: [] })));
        if ((launched + 1) % 1000 === 0) await Promise.all(jobs).then(() => say(`[${elapsed()}]    ${launched + 1} lanzadas…`));
      }
      await Promise.all(jobs);
      await new Promise((r) => setTimeout(r, 5000)); // let the workflows settle into waiting
      (globalThis as { gc?: () => void }).gc?.();
      const mib = Math.round((await rss()) / 2 ** 20);
      points.push({ proposals: target, rssMiB: mib });
      record([`Memoria residente del worker, ${target} propuestas abiertas (MiB)`, String(mib), `${Math.round(baseline / 2 ** 20)} (sin propuestas)`, '', '< 1024 MiB']);
    }
  } finally {
    child?.kill('SIGTERM');
  }
  results.memory = {
    measured: onCluster ? `the largest of the cluster's ${pids.length} worker process(es)` : child ? 'the worker process alone (npm run worker)' : 'this process: worker, API and the embedded PGlite database together',
    baselineMiB: Math.round(baseline / 2 ** 20), points,
  };
}

// ---- 5. notifications ------------------------------------------------------------------------

async function notifications() {
  const rounds = sizes.notificationRounds;
  say(`[${elapsed()}] 5. Correo: ${rounds} rondas a las 41 instituciones hacia un servidor SMTP local…`);
  const smtp = await startSmtpCatcher();
  const mailer = smtpMailer(smtp.url, 'Mesa <no-responder@mesa.mtigm.test>');
  const mailQueue = `${run}-correo`;
  const mailWorker = await createWorker({ connection: stack.temporal.native, namespace: stack.namespace, taskQueue: mailQueue, db, channels: { mailer, publicUrl: 'http://localhost' }, audit, actorPublicKey: stack.actorPublicKey });
  const mailRunning = mailWorker.run();
  try {
    const codes = (await db.select({ code: institutions.code, kind: institutions.kind }).from(institutions)).filter((i) => i.kind !== 'secretaria').map((i) => i.code);
    // One round first, not counted: a worker's first workflow task loads the workflow bundle and
    // its first mail opens the SMTP connections, once per worker and not per message.
    const warmKey = `banco:${run}:primera`;
    const warm = await planDeliveries(db, { key: warmKey, recipients: codes, kind: 'conformidad_solicitada', title: 'Ronda previa' }, { publicUrl: 'http://localhost', email: true });
    await (await client.workflow.start('deliveryWorkflow', { taskQueue: mailQueue, workflowId: `entregas:${warmKey}`, args: [{ key: warmKey }] })).result();
    if (smtp.mails.length !== warm) throw new Error(`Correo: la ronda previa dejó ${smtp.mails.length} mensajes de ${warm}`);
    const before = smtp.mails.length;
    const t0 = performance.now();
    const planned = await Promise.all(Array.from({ length: rounds }, async (_, r) => {
      const key = `banco:${run}:${r}`;
      const count = await planDeliveries(db, { key, recipients: codes, kind: 'conformidad_solicitada', title: `Se solicita su conformidad: ronda ${r + 1}` }, { publicUrl: 'http://localhost', email: true });
      await client.workflow.start('deliveryWorkflow', { taskQueue: mailQueue, workflowId: `entregas:${key}`, args: [{ key }] });
      return count;
    }));
    const expected = planned.reduce((a, b) => a + b, 0);
    // Where the time goes: the way to the first message (starts, workflow tasks, activities), then the sending.
    let first = 0;
    while (smtp.mails.length - before < expected) {
      if (!first && smtp.mails.length > before) first = performance.now();
      await new Promise((r) => setTimeout(r, 5));
    }
    const done = performance.now();
    // All of them may have come between two looks: then the first came no later than the last.
    if (!first) first = done;
    const ours = expected / ((done - t0) / 1000);
    const firstMs = Math.round(first - t0);
    const afterFirst = (expected - 1) / (Math.max(done - first, 1) / 1000);
    say(`[${elapsed()}]    el primer mensaje a los ${firstMs} ms; desde él, ${afterFirst.toFixed(0)} mensajes/s`);
    // Each once: a retried batch that sent again would show here as a repeated Message-ID.
    await new Promise((r) => setTimeout(r, 1000));
    const ids = new Set(smtp.mails.slice(before).map((m) => m.messageId));
    if (smtp.mails.length - before !== expected || ids.size !== expected) throw new Error(`Correo: ${smtp.mails.length - before} mensajes (${ids.size} distintos) de ${expected}`);
    say(`[${elapsed()}]    piso: los mismos ${expected} mensajes directamente con nodemailer…`);
    const direct = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: 8, maxMessages: 1000 });
    const t1 = performance.now();
    await Promise.all(Array.from({ length: expected }, (_, i) => direct.sendMail({ from: 'piso@mesa.test', to: `piso${i}@mesa.test`, subject: 'Piso', text: 'Mensaje del piso.', html: '<p>Mensaje del piso.</p>' })));
    const floor = expected / ((performance.now() - t1) / 1000);
    direct.close();
    results.notifications = { rounds, messages: expected, oursPerSecond: Number(ours.toFixed(1)), firstMessageMs: firstMs, afterFirstPerSecond: Number(afterFirst.toFixed(1)), floorPerSecond: Number(floor.toFixed(1)), ratio: ratio(ours, floor) };
    record([`Correo, ${expected} mensajes (por segundo)`, ours.toFixed(0), floor.toFixed(0), `${ratio(ours, floor)}×`, '≥ 200/s']);
  } finally {
    mailWorker.shutdown();
    await mailRunning;
    mailer.close();
    await smtp.close();
  }
}

// ---- 6. the embedded default at rest ------------------------------------------------------------

/**
 * Every process of a tree, its root first. /proc lists a process's children by the thread that
 * started them, so every thread's list is read (a child started by a worker thread counts too).
 */
async function processTree(pid: number): Promise<number[]> {
  const threads = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const lists = await Promise.all(threads.map((t) => readFile(`/proc/${pid}/task/${t}/children`, 'utf8').catch(() => '')));
  const children = lists.join(' ').split(' ').filter(Boolean).map(Number);
  return [pid, ...(await Promise.all(children.map(processTree))).flat()];
}

/**
 * `npm start` as a newcomer runs it (on an empty data folder), measured once it is ready and has
 * settled: the resident memory of the whole stack, its own process, the Temporal dev server and
 * whatever else it started.
 */
async function atRest() {
  say(`[${elapsed()}] 6. En reposo: npm start sobre una carpeta de datos vacía…`);
  const data = join(dir, 'en-reposo');
  // package.json's own `start` command (`NAME=value … node …`) with the settings it gives
  // (glibc's allocator), run without a shell so that the process measured and stopped is the
  // engine itself (npm's process is not counted). The bench's own NODE_OPTIONS (--expose-gc) is
  // left out: `npm start` has none, and it alone added about 70 MiB.
  const words = (JSON.parse(await readFile('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/);
  const settings = Object.fromEntries(words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => w.split('=') as [string, string]));
  const [command, ...args] = words.filter((w) => !/^[A-Z_]+=/.test(w));
  const { NODE_OPTIONS: _benchOnly, ...env } = process.env;
  const engine = spawn(command === 'node' ? process.execPath : command!, args, {
    env: { ...env, ...settings, MESA_DATA_DIR: data, PORT: '0', DATABASE_URL: '', TEMPORAL_ADDRESS: '' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      engine.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('Mesa está lista')) resolve(); });
      engine.once('exit', (code) => reject(new Error(`npm start terminó (${code})`)));
    });
    // At rest the engine still polls Temporal and collects garbage now and then, so its memory
    // swings by some tens of MiB: a sample a second for a minute, after 15 s to settle, and the
    // median of the totals reported (the highest too).
    await new Promise((r) => setTimeout(r, 15_000));
    const samples: Array<Array<{ command: string; rssMiB: number }>> = [];
    for (let i = 0; i < 60; i++) {
      samples.push(await Promise.all((await processTree(engine.pid!)).map(async (pid) => ({
        command: (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').slice(0, 3).join(' ').slice(0, 80),
        rssMiB: Math.round((await residentBytes(pid)) / 2 ** 20),
      }))));
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const totalOf = (processes: Array<{ rssMiB: number }>) => processes.reduce((sum, p) => sum + p.rssMiB, 0);
    samples.sort((a, b) => totalOf(a) - totalOf(b));
    const processes = samples[samples.length >> 1]!;
    const [total, highest] = [totalOf(processes), totalOf(samples.at(-1)!)];
    results.atRest = { totalMiB: total, highestMiB: highest, processes };
    for (const p of processes) say(`    ${String(p.rssMiB).padStart(5)} MiB  ${p.command}`);
    say(`    la más alta de las 60 muestras: ${highest} MiB`);
    record(['Pila embebida en reposo, memoria residente (MiB)', String(total), '', '', '< 600 MiB']);
  } finally {
    // The engine may have ended already (the rejection above); waiting for its exit would not end.
    if (engine.exitCode === null && engine.signalCode === null) {
      engine.kill('SIGTERM');
      await new Promise((r) => engine.once('exit', r));
    }
  }
}

try {
  if (only.has('signoffs')) await signoffLatency();
  if (only.has('proposals')) await wholeProposals();
  if (only.has('reads')) await reads();
  if (only.has('notifications')) await notifications();
  if (only.has('memory')) await memory();
  if (only.has('rest') && !onCluster) await atRest();
  const widths = [52, 22, 22, 14, 12];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' ');
  console.log(line(['medida', 'Mesa', 'piso', 'razón', 'meta']));
  for (const row of table) console.log(line(row));
  await mkdir('bench-results', { recursive: true });
  const file = join('bench-results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  results.resentRequests = resent;
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  say(`[${elapsed()}] Cifras en ${file}`);
} finally {
  floorWorker.shutdown();
  await floorRunning;
  await stack.close();
  await rm(dir, { recursive: true, force: true });
}
