// `npm run api`: the HTTP API alone, against an existing Temporal service and PostgreSQL
// (production mode). Run as many as needed behind a load balancer.
import { buildApp } from '../api/app';
import { warmReads } from '../api/warm-reads';
import { connectTemporal, documentSettingsFor, openMesaDatabase } from './boot';
import { loadConfig, requireActorSigningKey } from './config';
import { runUntilSignal } from './process';
import { startTracing } from './tracing';

await runUntilSignal('API', async () => {
  const config = loadConfig('production');
  const { privateKey } = requireActorSigningKey(config);
  const tracing = await startTracing('mesa-api');
  const database = await openMesaDatabase({ url: config.databaseUrl! }, 'lock');
  await database.warm(warmReads);
  const temporal = await connectTemporal(config.temporal, config.temporal.address!, privateKey, tracing);
  const app = await buildApp({
    db: database.db, temporal: temporal.client, taskQueue: config.temporal.taskQueue,
    audit: { key: config.audit.key!, checkpointDir: config.audit.checkpointDir ?? null },
    tokenTtl: config.tokenTtl, bodyLimit: config.bodyLimit, logLevel: config.logLevel,
    publicUrl: config.publicUrl, trustProxy: config.trustProxy, webhookAllow: config.webhookAllow, sessions: config.sessions, closeOfDay: config.closeOfDay,
    tracer: tracing?.tracer,
    documents: documentSettingsFor(config),
  });
  await app.listen({ port: config.port, host: config.host });
  return async () => {
    await app.close();
    await tracing?.shutdown();
    await temporal.close();
    await database.close();
  };
});
