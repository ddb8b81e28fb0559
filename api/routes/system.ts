import { sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../deps';
import { errorResponses, HealthBody, ReadyBody } from '../schemas';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);

export const systemRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get('/health', {
    schema: { operationId: 'getHealth', tags: ['sistema'], security: [], summary: 'El proceso está vivo.', response: { 200: HealthBody, ...errorResponses(400) } },
  }, async () => ({ status: 'ok' }));

  app.get('/ready', {
    schema: {
      operationId: 'getReadiness', tags: ['sistema'], security: [], summary: 'La base de datos y el servicio de workflows responden.',
      response: { 200: ReadyBody, ...errorResponses(400), 503: ReadyBody },
    },
  }, async (_req, reply) => {
    const [database, temporal] = await Promise.all([
      withTimeout(deps.db.execute(sql`select 1`), 2000).then(() => true, () => false),
      withTimeout(deps.temporal.connection.workflowService.getSystemInfo({}), 2000).then(() => true, () => false),
    ]);
    const ready = database && temporal;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', database, temporal });
  });
};
