// The production topology, as real processes: Temporal's four services on PostgreSQL with mutual
// TLS at the frontend and between services, two Mesa APIs behind haproxy and two Mesa workers
// (runtime/cluster.ts). A proposal goes through its stages to an agreement with tasks while
// PostgreSQL closes the Mesa's and Temporal's databases for a few seconds, a worker is killed, a
// history service restarted and an API killed; its traces link the API's requests to the
// workers' updates and activities; then a backup is restored into fresh databases and the
// cluster, started on them, carries on the open proposals.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, newToken } from '../api/auth';
import { openDatabase } from '../db/client';
import { institutionId } from '../db/registry';
import { proposalSignoffs, tasks } from '../db/schema';
import { insertToken, upsertUser } from '../db/users';
import { backupDatabases, restoreDatabases } from '../runtime/backup';
import { startCluster, temporalPorts, workerMetricsPort, type Cluster } from '../runtime/cluster';
import { loadClusterConfig, type ClusterConfig } from '../runtime/config';
import { resolveTemporalServer, type TemporalServerBinaries } from '../runtime/temporal-server-bin';
import { mesaSearchAttributeKeys } from '../workflows/search-attributes';
import { eventually, launchBody, memberCodes } from './harness';
import { startOtlpReceiver } from './otlp-receiver';
import { freeBase } from './ports';

const sh = promisify(execFile);
const baseUrl = process.env.TEST_DATABASE_URL;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Certificates as an operator makes them with openssl: a CA, the services' certificate, the Mesa's client certificate, and a stranger's. */
async function certificates(dir: string) {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = async (name: string) => sh('openssl', ['req', '-x509', ...ec, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`), '-days', '2', '-subj', `/CN=${name}`]);
  const signed = async (name: string, by: string, ext: string) => {
    await writeFile(join(dir, `${name}.ext`), ext);
    await sh('openssl', ['req', ...ec, '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.csr`), '-subj', `/CN=${name}`]);
    await sh('openssl', ['x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', join(dir, `${by}.pem`), '-CAkey', join(dir, `${by}.key`), '-CAcreateserial',
      '-out', join(dir, `${name}.pem`), '-days', '2', '-extfile', join(dir, `${name}.ext`)]);
  };
  await ca('mesa-ca');
  await ca('otra-ca');
  await signed('temporal', 'mesa-ca', 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:temporal,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  await signed('mesa-cliente', 'mesa-ca', 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  await signed('extrano', 'otra-ca', 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
  return (name: string) => ({ cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) });
}

let binaries: TemporalServerBinaries;
let work: string;
let cert: Awaited<ReturnType<typeof certificates>>;
let clusterEnv: Record<string, string>;
let mesaEnv: Record<string, string>;
let config: ClusterConfig;
let cluster: Cluster | null = null;
const prefixes: string[] = [];
const tokens = new Map<string, string>();
let retries = 0;
let traces: Awaited<ReturnType<typeof startOtlpReceiver>>;

const newPrefix = () => {
  const prefix = `mesa_cluster_${randomBytes(4).toString('hex')}_`;
  prefixes.push(prefix);
  return prefix;
};

/** One session per institution, issued into the Mesa's database as a login would (a login's scrypt is tested elsewhere). */
async function issueTokens(mesaUrl: string) {
  const database = await openDatabase({ url: mesaUrl });
  try {
    const passwordHash = await hashPassword(randomBytes(16).toString('hex'));
    for (const code of ['SECRETARIA', 'AFAMIPER', 'DEFENSORIA', ...memberCodes]) {
      const id = `user_cluster_${code.toLowerCase()}`;
      await upsertUser(database.db, { id, email: `${code.toLowerCase()}@cluster.mesa.test`, name: `Usuario ${code}`, institutionId: institutionId(code), passwordHash, admin: code === 'SECRETARIA' });
      const { token, hash } = newToken();
      await insertToken(database.db, hash, id, new Date(Date.now() + 3600_000));
      tokens.set(code, token);
    }
  } finally {
    await database.close();
  }
}

/**
 * The API through the balancer, as a ministry's system calls it: every POST carries an
 * Idempotency-Key, and while the answer is 502/503/504 or the connection fails (an API or a
 * Temporal service going down) it is sent again, with the same key.
 */
async function call(code: string, method: 'GET' | 'POST', path: string, body?: object): Promise<{ status: number; body: any }> {
  const key = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${cluster!.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${tokens.get(code)}`, ...(body ? { 'content-type': 'application/json' } : {}), ...(method === 'POST' ? { 'idempotency-key': key } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(90_000),
      });
      const text = await res.text();
      if ([502, 503, 504].includes(res.status) && attempt < 120) {
        retries += 1;
        await sleep(500);
        continue;
      }
      return { status: res.status, body: text ? JSON.parse(text) : null };
    } catch (e) {
      if (attempt >= 120) throw e;
      retries += 1;
      await sleep(500);
    }
  }
}
const proposal = async (id: string) => (await call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body;
const sign = (code: string, id: string) => call(code, 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' });
const signAll = async (id: string, who: string[]) => {
  const answers = await Promise.all(who.map((code) => sign(code, id)));
  expect(answers.map((a) => a.status)).toEqual(who.map(() => 200));
};

beforeAll(async () => {
  if (!baseUrl) throw new Error('TEST_DATABASE_URL hace falta: el clúster corre sobre PostgreSQL.');
  // Built once per machine (about 7 minutes on two cores) and cached outside the clone.
  binaries = await resolveTemporalServer(undefined);
  work = await mkdtemp(join(tmpdir(), 'mesa-cluster-'));
  cert = await certificates(work);
  // Before the ports are chosen, so that its own port is not one of them.
  traces = await startOtlpReceiver();
  const temporalBase = await freeBase([...Object.values(temporalPorts(0)).flatMap((p) => [p.grpc, p.membership, p.metrics]), 10], 20_000, 30_000);
  const balancer = await freeBase([0, 1, 2, 11, 12], 10_000, 19_000);
  clusterEnv = {
    MESA_CLUSTER_DATABASE_URL: baseUrl, MESA_CLUSTER_DIR: join(work, 'cluster'), PORT: String(balancer), TEMPORAL_PORT_BASE: String(temporalBase),
    TEMPORAL_SERVER_TLS_CERT: cert('temporal').cert, TEMPORAL_SERVER_TLS_KEY: cert('temporal').key, TEMPORAL_SERVER_TLS_CA: join(work, 'mesa-ca.pem'),
  };
  // The Mesa's processes show their own client certificate, not the services', and send their
  // spans to the receiver of this test.
  mesaEnv = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: traces.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200',
    TEMPORAL_TLS_CLIENT_CERT_PATH: cert('mesa-cliente').cert, TEMPORAL_TLS_CLIENT_KEY_PATH: cert('mesa-cliente').key,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(work, 'mesa-ca.pem'), TEMPORAL_TLS_SERVER_NAME: 'temporal',
  };
  config = loadClusterConfig({ ...clusterEnv, MESA_CLUSTER_DB_PREFIX: newPrefix() });
  cluster = await startCluster({ config, binaries, env: mesaEnv });
  await issueTokens(cluster.databaseUrls.mesa);
}, 20 * 60_000);

afterAll(async () => {
  await cluster?.stop();
  await traces?.close();
  if (baseUrl) {
    const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
    for (const prefix of prefixes) {
      for (const db of ['temporal', 'temporal_visibility', 'mesa']) await admin.unsafe(`drop database if exists "${prefix}${db}" with (force)`);
    }
    await admin.end();
  }
  if (work) await rm(work, { recursive: true, force: true });
}, 180_000);

/**
 * PostgreSQL refuses every connection to `databases` (those open are cut), as during a failover or
 * a restart of the server; the server itself, shared with other databases, stays up. Resolves once
 * they are closed, with the step that opens them again.
 */
async function closeDatabases(databases: string[]): Promise<() => Promise<void>> {
  const admin = postgres(baseUrl!, { max: 1, onnotice: () => {} });
  const reopen = async () => {
    try {
      for (const name of databases) await admin.unsafe(`alter database "${name}" allow_connections true`);
    } finally {
      await admin.end();
    }
  };
  try {
    for (const name of databases) await admin.unsafe(`alter database "${name}" allow_connections false`);
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname in ${admin(databases)} and pid <> pg_backend_pid()`;
  } catch (e) {
    await reopen();
    throw e;
  }
  return reopen;
}

/** The processes that exited on their own, each with the end of its log: why it gave up. */
const gaveUp = () => Promise.all([...cluster!.processes.values()].filter((p) => !p.alive()).map(async (p) => {
  const log = await readFile(p.log, 'utf8').catch(() => '');
  return `${p.name}:\n${log.trim().split('\n').slice(-20).map((l) => l.slice(0, 600)).join('\n')}`;
}));

describe('the Mesa on a Temporal cluster, behind a balancer', () => {
  it('takes a proposal through its stages to an agreement with tasks while PostgreSQL, a worker, a history service and an API fail', async () => {
    const launched = await call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({
      title: 'Protocolo de retornantes en el clúster',
      actions: [
        { title: 'Módulo en el aeropuerto', responsible: ['MIGRACIONES', 'RREE'], dueIn: 'P90D', deliverable: 'Módulo operativo' },
        { title: 'Guía para retornantes', responsible: ['MTPE'], dueIn: 'P60D', deliverable: 'Guía publicada' },
      ],
    }));
    expect(launched.status).toBe(201);
    const id = launched.body.id as string;
    expect((await call('RREE', 'POST', `/api/v1/proposals/${id}/working-group-decision`, { decision: 'avanzar', reason: 'El grupo está de acuerdo.' })).body).toMatchObject({ stage: 'consulta' });
    const input = await call('AFAMIPER', 'POST', `/api/v1/proposals/${id}/inputs`, { kind: 'cambio', paragraph: 2, text: 'Incluir a las familias de los retornantes.' });
    expect(input.status).toBe(201);
    expect((await call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/inputs/${input.body.id}/answer`, { decision: 'acogida', reason: 'Se incorpora.' })).status).toBe(200);
    expect((await call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/advance`, {})).body).toMatchObject({ stage: 'conformidad' });

    // The round of 22, in four waves, each with a fault. PostgreSQL closes the Mesa's database and
    // Temporal's two for 8 s while half of the first wave is under way, and the other half is sent
    // while they are closed: the API answers 503 and is asked again, the recording activities
    // fail and are retried, Temporal's services wait.
    const waves = [memberCodes.slice(0, 6), memberCodes.slice(6, 11), memberCodes.slice(11, 16), memberCodes.slice(16)];
    const retriesBefore = retries;
    const underWay = waves[0]!.slice(0, 3).map((code) => sign(code, id));
    const reopen = await closeDatabases(Object.values(config.databases));
    const sentMeanwhile = waves[0]!.slice(3).map((code) => sign(code, id));
    await sleep(8000);
    await reopen();
    expect((await Promise.all([...underWay, ...sentMeanwhile])).map((a) => a.status)).toEqual(waves[0]!.map(() => 200));
    expect(retries).toBeGreaterThan(retriesBefore);
    // No process gave up on the way.
    expect(await gaveUp()).toEqual([]);
    const worker = cluster!.processes.get('mesa-worker-1')!;
    await worker.kill();
    await signAll(id, waves[1]!);
    const history = cluster!.processes.get('temporal-history')!;
    await history.stop();
    await history.start();
    await signAll(id, waves[2]!);
    const api = cluster!.processes.get('mesa-api-1')!;
    const lastWave = Promise.all(waves[3]!.map((code) => sign(code, id)));
    await api.kill();
    expect((await lastWave).map((a) => a.status)).toEqual(waves[3]!.map(() => 200));

    const adopted = await eventually(async () => {
      const p = await proposal(id);
      return p.status === 'adoptada' ? p : undefined;
    }, 120_000);
    // Every sign-off acknowledged is there, once.
    expect(adopted.signoffs.map((s: { institution: string }) => s.institution).sort()).toEqual([...memberCodes].sort());
    expect(adopted.decision.counts).toMatchObject({ answered: 22, aprueba: 22, tacit: 0 });
    const database = await openDatabase({ url: cluster!.databaseUrls.mesa });
    try {
      expect(await database.db.select().from(proposalSignoffs).where(eq(proposalSignoffs.proposalId, id))).toHaveLength(22);
      const rows = await eventually(async () => {
        const found = await database.db.select().from(tasks).where(eq(tasks.proposalId, id));
        return found.length === 2 ? found : undefined;
      });
      expect(rows.map((t) => t.agreementNumber)).toEqual([adopted.number, adopted.number]);
    } finally {
      await database.close();
    }
    const audit = (await call('DEFENSORIA', 'GET', `/api/v1/proposals/${id}/audit`)).body;
    expect(audit.verified).toBe(true);
    expect(audit.events.filter((e: { action: string }) => e.action === 'conformidad')).toHaveLength(22);

    // The tasks go on: each responsible ministry accepts its own.
    for (const [taskId, who] of [[`${id}-t1`, 'MIGRACIONES'], [`${id}-t2`, 'MTPE']] as const) {
      const accepted = await call(who, 'POST', `/api/v1/tasks/${taskId}/accept`, {});
      expect(accepted.status).toBe(200);
      expect(accepted.body.accepted).toEqual([who]);
    }
    // The failed processes come back, and the faults were real: clients had to repeat requests.
    await worker.start();
    await api.start();
    expect(retries).toBeGreaterThan(0);

    // What the operator sees of it. The API that stayed up counted the sign-offs it took…
    const apiMetrics = await (await fetch(`${cluster!.apis[1]}/metrics`)).text();
    expect(apiMetrics).toMatch(/^mesa_http_requests_total\{method="POST",route="\/api\/v1\/proposals\/:id\/signoffs",status="200"\} [1-9]/m);
    expect(apiMetrics).toMatch(/^mesa_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/proposals\/:id\/signoffs"\} [1-9]/m);
    // …which the balancer does not show to the outside;
    expect((await fetch(`${cluster!.url}/metrics`)).status).toBe(404);
    // the worker that stayed up serves the SDK's metrics and the delivery backlog;
    const workerMetrics = await (await fetch(`http://127.0.0.1:${workerMetricsPort(config, 2)}/metrics`)).text();
    expect(workerMetrics).toMatch(/^temporal_workflow_task_execution_latency/m);
    expect(workerMetrics).toMatch(/^mesa_delivery_backlog\{.*channel="email".*\} \d+/m);
    // and every API log line is JSON, with the request's id, who acted, and the workflow and update.
    const lines = (await Promise.all(cluster!.apis.map((_, i) => readFile(cluster!.processes.get(`mesa-api-${i + 1}`)!.log, 'utf8'))))
      .join('\n').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const sent = lines.filter((l) => l.workflowId === `proposal-${id}` && l.update === 'signoff');
    expect(sent.length).toBeGreaterThanOrEqual(22);
    expect(sent).toContainEqual(expect.objectContaining({ reqId: expect.any(String), user: 'user_cluster_minsa', institution: 'MINSA', updateId: expect.any(String), traceId: expect.stringMatching(/^[0-9a-f]{32}$/) }));

    // One trace follows a sign-off across processes: the API's request and the update it sent, the
    // worker's handling of the update and the activity that recorded it. (Sign-offs recorded
    // together share the activity of the first of them.)
    const linked = await eventually(async () => {
      const found = sent.map((l) => traces.spans.filter((s) => s.traceId === l.traceId)).find((spans) =>
        spans.some((s) => s.service === 'mesa-api' && s.name === 'POST /api/v1/proposals/:id/signoffs')
        && spans.some((s) => s.service === 'mesa-api' && s.name === 'StartWorkflowUpdate:signoff')
        && spans.some((s) => s.service === 'mesa-worker' && s.name === 'HandleUpdate:signoff')
        && spans.some((s) => s.service === 'mesa-worker' && s.name === 'RunActivity:recordProposalEvents'));
      return found;
    });
    expect(new Set(linked.map((s) => s.traceId)).size).toBe(1);
  }, 10 * 60_000);

  it('refuses Temporal clients without a certificate from the Mesa\'s authority, and registers the Mesa\'s search attributes', async () => {
    const ca = await readFile(join(work, 'mesa-ca.pem'));
    const reachable = async (clientCertPair?: { crt: Buffer; key: Buffer }) => {
      try {
        const connection = await Connection.connect({ address: cluster!.temporalAddress, connectTimeout: 3000, tls: { serverRootCACertificate: ca, serverNameOverride: 'temporal', ...(clientCertPair ? { clientCertPair } : {}) } });
        try {
          await connection.withDeadline(Date.now() + 3000, () => connection.workflowService.getSystemInfo({}));
          return true;
        } finally {
          await connection.close();
        }
      } catch {
        return false;
      }
    };
    const pair = async (name: string) => ({ crt: await readFile(cert(name).cert), key: await readFile(cert(name).key) });
    expect(await reachable()).toBe(false);
    expect(await reachable(await pair('extrano'))).toBe(false);
    expect(await reachable(await pair('mesa-cliente'))).toBe(true);
    // Plain text is refused too.
    const plain = await Connection.connect({ address: cluster!.temporalAddress, connectTimeout: 3000 }).then(
      (c) => c.withDeadline(Date.now() + 3000, () => c.workflowService.getSystemInfo({})).then(() => true, () => false).finally(() => c.close()),
      () => false,
    );
    expect(plain).toBe(false);

    const connection = await Connection.connect(cluster!.temporalConnection);
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: cluster!.namespace });
      expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(mesaSearchAttributeKeys.map((k) => k.name)));
    } finally {
      await connection.close();
    }
  }, 60_000);

  it('is restored from a backup into fresh databases, and the open proposals carry on: a sign-off is taken and a deadline fires', async () => {
    const launch = async (title: string, deadline: string) => {
      const res = await call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ title, stages: ['conformidad'], deadlines: { conformidad: deadline }, reminders: [] }));
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const longRound = await launch('Ronda larga, respaldada a medio camino', 'P10D');
    await signAll(longRound, memberCodes.slice(0, 10));
    // Its deadline must fall after the backup: 21 sign-offs, the listing and the dump take well
    // under a minute on a quiet machine, but more than one while CI runs another test beside this.
    const shortRound = await launch('Ronda corta que vence después del respaldo', 'PT150S');
    await signAll(shortRound, memberCodes.slice(0, 21));

    // Temporal's own listing finds the Mesa's rounds by stage, as an operator asks it, with mTLS.
    const listed = await eventually(async () => {
      const { stdout } = await sh(process.env.TEMPORAL_CLI_PATH ?? 'temporal', [
        'workflow', 'list', '--address', cluster!.temporalAddress, '--namespace', cluster!.namespace,
        '--tls-cert-path', cert('mesa-cliente').cert, '--tls-key-path', cert('mesa-cliente').key, '--tls-ca-path', join(work, 'mesa-ca.pem'), '--tls-server-name', 'temporal',
        '--query', "MesaStage='conformidad' AND MesaKind='propuesta'", '--output', 'json',
      ]);
      const ids = [...stdout.matchAll(/"workflowId":\s*"([^"]+)"/g)].map((match) => match[1]!);
      return ids.includes(`proposal-${longRound}`) && ids.includes(`proposal-${shortRound}`) ? ids : undefined;
    });
    expect(listed.every((workflowId) => workflowId.startsWith('proposal-'))).toBe(true);

    const folder = join(work, 'respaldo');
    const manifest = await backupDatabases(cluster!.databaseUrls, folder);
    expect(manifest.dumps.map((d) => d.role)).toEqual(['temporal', 'visibility', 'mesa']);
    expect((await proposal(shortRound)).status).toBe('en_curso');

    // Every process of the first cluster stops cleanly, killed ones included (they were restarted).
    const codes = await cluster!.stop();
    expect(codes).toEqual(Object.fromEntries(Object.keys(codes).map((name) => [name, 0])));
    expect(Object.keys(codes)).toHaveLength(9);
    cluster = null;

    const restoredConfig = loadClusterConfig({ ...clusterEnv, MESA_CLUSTER_DB_PREFIX: newPrefix() });
    const urls = { temporal: '', visibility: '', mesa: '' };
    for (const role of ['temporal', 'visibility', 'mesa'] as const) {
      const url = new URL(baseUrl!);
      url.pathname = `/${restoredConfig.databases[role]}`;
      urls[role] = url.toString();
    }
    await restoreDatabases(folder, baseUrl!, urls);
    // The same folder: the same keys (signatures, audit seals) as before the disaster.
    cluster = await startCluster({ config: restoredConfig, binaries, env: mesaEnv });
    expect(cluster.databaseUrls).toEqual(urls);

    const taken = await sign(memberCodes[10]!, longRound);
    expect(taken.status).toBe(200);
    expect((await proposal(longRound)).signoffs).toHaveLength(11);
    const closed = await eventually(async () => {
      const p = await proposal(shortRound);
      return p.status === 'adoptada' ? p : undefined;
    }, 180_000);
    expect(closed.decision.counts).toMatchObject({ answered: 22, tacit: 1 });
    const audit = (await call('DEFENSORIA', 'GET', `/api/v1/proposals/${longRound}/audit`)).body;
    expect(audit.verified).toBe(true);
  }, 10 * 60_000);
});
