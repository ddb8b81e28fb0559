// Measures one sign-off request (p50, p99) with N proposals in their round at once, every member
// signing through the HTTP API: the real stack in one process (Temporal dev server, PGlite or
// DATABASE_URL, worker, API). Usage: npm run measure:signoffs [-- <proposals>]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { buildApp } from '../api/app';
import { connectTemporal, openMesaDatabase } from '../runtime/boot';
import { loadConfig } from '../runtime/config';
import { demoEmail } from '../runtime/demo';
import { resolveTemporalCli } from '../runtime/temporal-cli';
import { recommendedSettings, startDevServer } from '../runtime/temporal-server';
import { createWorker } from '../runtime/worker';

const proposals = Number(process.argv[2] ?? 50);
const members = ['INEI', 'INPE', 'MEF', 'MIDIS', 'MIGRACIONES', 'MIMP', 'MINCETUR', 'MINCUL', 'MINEDU', 'MININTER', 'MINJUSDH',
  'MINSA', 'MPFN', 'MTPE', 'MVCS', 'ONP', 'PCM', 'PRODUCE', 'RENIEC', 'RREE', 'SUNAT', 'SUNEDU'];

Runtime.install({ logger: new DefaultLogger('WARN') });
const config = loadConfig('embedded');
const dir = await mkdtemp(join(tmpdir(), 'mesa-measure-'));
const server = await startDevServer({ cliPath: await resolveTemporalCli(), settings: recommendedSettings });
const database = await openMesaDatabase(config.databaseUrl ? { url: config.databaseUrl } : { pgliteDir: join(dir, 'pglite') }, 'medicion-2026');
const temporal = await connectTemporal(config.temporal, server.address);
const worker = await createWorker({ connection: temporal.native, namespace: 'default', taskQueue: 'measure', db: database.db, channels: { mailer: null, publicUrl: 'http://localhost' } });
const running = worker.run();
const app = await buildApp({ db: database.db, temporal: temporal.client, taskQueue: 'measure', tokenTtl: 'PT1H', bodyLimit: 1_048_576, logLevel: 'silent' });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

const post = async (token: string, path: string, body: unknown) => {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
};
const login = async (code: string) => (await post('', '/api/v1/auth/token', { email: demoEmail(code), password: 'medicion-2026' })).token as string;

try {
  const secretaria = await login('SECRETARIA');
  const tokens = Object.fromEntries(await Promise.all(members.map(async (c) => [c, await login(c)] as const)));
  const ids: string[] = [];
  for (let i = 0; i < proposals; i++) {
    const p = await post(secretaria, '/api/v1/proposals', {
      title: `Propuesta de medición ${i + 1}`, summary: 'Medición', text: '1. Texto.', objectives: ['OE1'], populations: ['exterior'],
      leadWorkingGroup: 'GT2', stages: ['conformidad'], deadlines: { conformidad: 'P10D' },
    });
    ids.push(p.id);
  }
  console.error(`${proposals} propuestas en ronda; enviando ${proposals * members.length} conformidades…`);
  const latencies: number[] = [];
  const started = performance.now();
  // One client per proposal, its 22 members answering one after another: all rounds at once.
  await Promise.all(ids.map(async (id) => {
    for (const code of members) {
      const t0 = performance.now();
      await post(tokens[code]!, `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' });
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
  console.log(JSON.stringify({
    proposals, signoffs: latencies.length, database: config.databaseUrl ? 'postgresql' : 'pglite',
    p50ms: Number(pct(50)), p95ms: Number(pct(95)), p99ms: Number(pct(99)), maxms: Number(latencies.at(-1)!.toFixed(1)),
    perSecond: Number((latencies.length / seconds).toFixed(1)),
  }));
} finally {
  await app.close();
  worker.shutdown();
  await running;
  await temporal.close();
  await database.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
