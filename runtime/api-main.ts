// `npm run api`: the HTTP API alone, against an existing Temporal service and PostgreSQL
// (production mode). Run as many as needed behind a load balancer.
import { buildApp } from '../api/app';
import { connectTemporal, openMesaDatabase } from './boot';
import { loadConfig, requireActorSigningKey } from './config';
import { runUntilSignal } from './process';

await runUntilSignal('API', async () => {
  const config = loadConfig('production');
  const { privateKey } = requireActorSigningKey(config);
  const database = await openMesaDatabase({ url: config.databaseUrl! }, 'lock');
  const temporal = await connectTemporal(config.temporal, config.temporal.address!, privateKey);
  const app = await buildApp({
    db: database.db, temporal: temporal.client, taskQueue: config.temporal.taskQueue,
    audit: { key: config.audit.key!, checkpointDir: config.audit.checkpointDir ?? null },
    tokenTtl: config.tokenTtl, bodyLimit: config.bodyLimit, logLevel: config.logLevel,
    publicUrl: config.publicUrl, trustProxy: config.trustProxy, webhookAllow: config.webhookAllow, sessions: config.sessions, closeOfDay: config.closeOfDay,
  });
  await app.listen({ port: config.port, host: config.host });
  return async () => {
    await app.close();
    await temporal.close();
    await database.close();
  };
});
