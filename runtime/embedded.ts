// `npm start`: the whole Mesa on one machine with no server to install. It finds or builds the
// Temporal CLI, runs a Temporal dev server that keeps its state in the data folder, opens PGlite
// in the same folder (or PostgreSQL with DATABASE_URL), and runs the worker and the API together.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { buildApp } from '../api/app';
import { warmReads } from '../api/warm-reads';
import { actorKeyInDataDir } from './actor-key';
import { connectTemporal, documentSettingsFor, openMesaDatabase } from './boot';
import { embeddedAuditKey } from './audit-key';
import { actaSignerFor } from './acta-key';
import { loadConfig } from './config';
import { demoEmail } from './demo';
import { lockDataDir } from './lock';
import { ignoreShutdownNoise, stopInOrder } from './process';
import { resolveTemporalCli } from './temporal-cli';
import { recommendedSettings, startDevServer, type DevServer } from './temporal-server';
import { nonWorkingDaysAhead } from '../db/non-working-days';
import { ensureSchedules } from './schedules';
import { startTracing } from './tracing';
import { channelsFor, createWorker } from './worker';

const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  const config = loadConfig('embedded');
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  const audit = { key: config.audit.key ?? embeddedAuditKey(dataDir), checkpointDir: resolve(config.audit.checkpointDir!) };
  // What is running, stopped in this order: the API (no new requests, in-flight ones finish), the
  // worker (its activities finish), the last spans, the connections, the Temporal server, the
  // database, the lock.
  const running: Record<'api' | 'worker' | 'tracing' | 'mailer' | 'connections' | 'temporalServer' | 'database', (() => Promise<unknown> | unknown) | null> = {
    api: null, worker: null, tracing: null, mailer: null, connections: null, temporalServer: null, database: null,
  };
  const stopAll = () => stopInOrder([running.api, running.worker, running.tracing, running.mailer, running.connections, running.temporalServer, running.database, unlock]);

  let stopping = false;
  ignoreShutdownNoise(() => stopping);
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: deteniendo Mesa…`);
    void stopAll().then(() => {
      say('Mesa detenida.');
      process.exit(0);
    });
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const tracing = await startTracing('mesa');
    if (tracing) running.tracing = () => tracing.shutdown();
    // MESA_ACTOR_KEY when given; otherwise one kept in the data folder.
    const actorKeys = config.actorKeys?.privateKey ? config.actorKeys : actorKeyInDataDir(dataDir);
    let devServer: DevServer | null = null;
    let address = config.temporal.address;
    if (!address) {
      const cli = await resolveTemporalCli(config.temporal.cliPath, say);
      say('Iniciando el servidor de Temporal…');
      devServer = await startDevServer({ cliPath: cli, dbFile: join(dataDir, 'temporal.db'), ui: true, namespace: config.temporal.namespace, settings: recommendedSettings });
      running.temporalServer = () => devServer?.stop();
      address = devServer.address;
    }

    say(config.databaseUrl ? 'Abriendo PostgreSQL…' : `Abriendo la base de datos embebida en ${join(dataDir, 'pglite')}…`);
    const database = await openMesaDatabase(
      config.databaseUrl ? { url: config.databaseUrl } : { pgliteDir: join(dataDir, 'pglite') },
      config.demoUsers ? { password: config.demoPassword } : 'lock',
    );
    running.database = () => database.close();
    await database.warm(warmReads);

    const temporal = await connectTemporal(config.temporal, address, actorKeys.privateKey, tracing);
    running.connections = () => temporal.close();

    say('Preparando el worker…');
    const channels = channelsFor(config);
    running.mailer = () => channels.mailer?.close();
    const worker = await createWorker({
      connection: temporal.native, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, db: database.db, channels, audit, maxCachedWorkflows: config.workflowCache, actorPublicKey: actorKeys.publicKey,
      actaSigner: actaSignerFor(config, dataDir), closeOfDay: config.closeOfDay, tracing,
    });
    const workerDone = worker.run();
    running.worker = async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerDone;
    };
    await ensureSchedules(temporal.client, config.temporal.taskQueue, 'mesa', await nonWorkingDaysAhead(database.db));

    const app = await buildApp({
      db: database.db, temporal: temporal.client, taskQueue: config.temporal.taskQueue, audit,
      // This console is read by a person: a line per request would bury the addresses printed below.
      tokenTtl: config.tokenTtl, bodyLimit: config.bodyLimit, logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel,
      publicUrl: config.publicUrl, trustProxy: config.trustProxy, webhookAllow: config.webhookAllow, sessions: config.sessions, closeOfDay: config.closeOfDay,
      tracer: tracing?.tracer,
      documents: documentSettingsFor(config),
    });
    running.api = () => app.close();
    await app.listen({ port: config.port, host: config.host });
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${(app.server.address() as { port: number }).port}`;

    say('');
    say(`Mesa está lista en ${url}`);
    say(`  API y documentación:  ${url}/docs`);
    say(`  Temporal:             ${address} (espacio de nombres «${config.temporal.namespace}»)`);
    if (devServer?.uiUrl) say(`  Temporal Web UI:      ${devServer.uiUrl}`);
    say(`  Datos:                ${dataDir}`);
    say(`  Correo saliente:      ${channels.mailer?.describe()}`);
    if (config.demoUsers) {
      say(`  Usuarios de demostración (contraseña: ${config.demoPassword}):`);
      say(`    Secretaría Técnica  ${demoEmail('SECRETARIA')}`);
      say(`    Ministerio (MINSA)  ${demoEmail('MINSA')}   — uno por institución: <código>@demo.mesa.test`);
    } else {
      say('  Usuarios:             sin usuarios de demostración sobre DATABASE_URL; créelos con npm run user,');
      say('                        o pídalos con MESA_DEMO_USERS=true (su contraseña es la de MESA_DEMO_PASSWORD).');
    }
    say('Ctrl-C para detener.');
  } catch (e) {
    console.error(`\nNo se pudo iniciar Mesa: ${(e as Error).message}`);
    await stopAll();
    process.exit(1);
  }
}

main().catch((e: Error) => {
  // Configuration errors and a second start on the same data folder land here.
  console.error(`\nNo se pudo iniciar Mesa: ${e.message}`);
  process.exit(1);
});
