// `npm run worker`: one Temporal worker against an existing Temporal service and PostgreSQL
// (production mode). Several may run at once: Temporal spreads the work among them.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { connectTemporal, openMesaDatabase } from './boot';
import { ConfigError, loadConfig, requireActorPublicKey } from './config';
import { runUntilSignal } from './process';
import { nonWorkingDaysAhead } from '../db/non-working-days';
import { ensureSchedules } from './schedules';
import { channelsFor, createWorker, watchDeliveryBacklog } from './worker';
import { actaSignerFor } from './acta-key';
import { startTracing } from './tracing';

await runUntilSignal('worker', async () => {
  const config = loadConfig('production');
  const actorPublicKey = requireActorPublicKey(config);
  const { key, checkpointDir } = config.audit;
  if (!checkpointDir) {
    throw new ConfigError('Configuración inválida: el worker necesita la variable «MESA_AUDIT_CHECKPOINT_DIR»: la carpeta (fuera de la base de datos, de solo agregar) donde deja los puntos de control firmados del registro de auditoría.');
  }
  Runtime.install({
    logger: new DefaultLogger(config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'INFO'),
    // The SDK's own metrics (task slots, polls, workflow and activity latencies and failures:
    // temporal_activity_execution_failed…) and the Mesa's, on one Prometheus endpoint.
    ...(config.metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: config.metricsAddress } } } } : {}),
  });
  const tracing = await startTracing('mesa-worker');
  const database = await openMesaDatabase({ url: config.databaseUrl! }, 'lock');
  const temporal = await connectTemporal(config.temporal, config.temporal.address!, null, tracing);
  const channels = channelsFor(config);
  if (!channels.mailer) console.warn('Sin SMTP_URL: no se enviarán correos (la bandeja y los webhooks sí funcionan).');
  const worker = await createWorker({
    connection: temporal.native, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, db: database.db, channels, audit: { key: key!, checkpointDir }, maxCachedWorkflows: config.workflowCache, actorPublicKey,
    actaSigner: actaSignerFor(config), closeOfDay: config.closeOfDay, tracing,
  });
  const done = worker.run();
  const backlog = watchDeliveryBacklog(database.db);
  await ensureSchedules(temporal.client, config.temporal.taskQueue, 'mesa', await nonWorkingDaysAhead(database.db));
  console.log(`Worker de Mesa en ${config.temporal.address}, cola «${config.temporal.taskQueue}».`);
  return async () => {
    clearInterval(backlog);
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await done;
    await tracing?.shutdown();
    channels.mailer?.close();
    await temporal.close();
    await database.close();
  };
});
