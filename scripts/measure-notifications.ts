// Measures email throughput: rounds of messages to the 41 institutions of the Mesa, rendered,
// recorded and sent through a real SMTP server on loopback by the delivery workflows, as in a
// sign-off round. Usage: npm run measure:notifications [-- <rounds at once>]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { smtpMailer } from '../activities/channels';
import { planDeliveries } from '../db/deliveries';
import { institutions } from '../db/schema';
import { connectTemporal, openMesaDatabase } from '../runtime/boot';
import { loadConfig } from '../runtime/config';
import { resolveTemporalCli } from '../runtime/temporal-cli';
import { recommendedSettings, startDevServer } from '../runtime/temporal-server';
import { createWorker } from '../runtime/worker';
import { startSmtpCatcher } from '../tests/receivers';

const rounds = Number(process.argv[2] ?? 10);

Runtime.install({ logger: new DefaultLogger('WARN') });
const config = loadConfig('embedded');
const dir = await mkdtemp(join(tmpdir(), 'mesa-measure-'));
const server = await startDevServer({ cliPath: await resolveTemporalCli(), settings: recommendedSettings });
const database = await openMesaDatabase(config.databaseUrl ? { url: config.databaseUrl } : { pgliteDir: join(dir, 'pglite') }, 'medicion-2026');
const temporal = await connectTemporal(config.temporal, server.address);
const smtp = await startSmtpCatcher();
const mailer = smtpMailer(smtp.url, 'Mesa MTIGM <no-responder@mesa.mtigm.test>');
const worker = await createWorker({ connection: temporal.native, namespace: 'default', taskQueue: 'measure', db: database.db, channels: { mailer, publicUrl: 'http://localhost' } });
const running = worker.run();

try {
  const codes = (await database.db.select({ code: institutions.code, kind: institutions.kind }).from(institutions))
    .filter((i) => i.kind !== 'secretaria').map((i) => i.code);
  const measure = async (count: number) => {
    const before = smtp.mails.length;
    const started = performance.now();
    const planned = await Promise.all(Array.from({ length: count }, async (_, r) => {
      const key = `medicion:${Date.now()}:${count}:${r}`;
      const n = await planDeliveries(database.db, { key, recipients: codes, kind: 'conformidad_solicitada', title: `Se solicita su conformidad: medición ${r + 1}` }, { publicUrl: 'http://localhost', email: true });
      await temporal.client.workflow.start('deliveryWorkflow', { taskQueue: 'measure', workflowId: `entregas:${key}`, args: [{ key }] });
      return n;
    }));
    const expected = planned.reduce((a, b) => a + b, 0);
    while (smtp.mails.length - before < expected) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - started) / 1000;
    return { rounds: count, institutions: codes.length, messages: expected, seconds: Number(seconds.toFixed(2)), perSecond: Number((expected / seconds).toFixed(1)) };
  };
  console.error(`Calentando; luego 1 ronda y ${rounds} rondas a la vez a ${41} instituciones…`);
  await measure(1);
  console.log(JSON.stringify({ database: config.databaseUrl ? 'postgresql' : 'pglite', one: await measure(1), many: await measure(rounds) }));
} finally {
  worker.shutdown();
  await running;
  mailer.close();
  await smtp.close();
  await temporal.close();
  await database.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
