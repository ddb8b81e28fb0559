import { sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../deps';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);

export const systemRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get('/health', { schema: { security: [], summary: 'El proceso está vivo.' } }, async () => ({ status: 'ok' }));

  app.get('/ready', { schema: { security: [], summary: 'La base de datos y el servicio de workflows responden.' } }, async (_req, reply) => {
    const [database, temporal] = await Promise.all([
      withTimeout(deps.db.execute(sql`select 1`), 2000).then(() => true, () => false),
      withTimeout(deps.temporal.connection.workflowService.getSystemInfo({}), 2000).then(() => true, () => false),
    ]);
    const ready = database && temporal;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', database, temporal });
  });
};
