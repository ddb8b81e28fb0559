// The HTTP service as one function: everything it needs is passed in, so the embedded mode, the
// production API process and the tests all build the very same app.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Db } from '../db/client';
import { authenticate } from './auth';
import { installErrorHandlers } from './errors';
import { authRoutes, meRoutes } from './routes/auth';
import { proposalActionRoutes } from './routes/proposal-actions';
import { proposalRoutes } from './routes/proposals';
import { recoveryRoutes } from './routes/recovery';
import { inboxRoutes } from './routes/inbox';
import { calendarRoutes } from './routes/calendar';
import { reportRoutes } from './routes/reports';
import { notificationRoutes } from './routes/notifications';
import { taskRoutes } from './routes/tasks';
import { registryRoutes } from './routes/registry';
import { systemRoutes } from './routes/system';
import { webRoutes } from './web/routes';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  tokenTtl: string;
  bodyLimit: number;
  logLevel: string;
}

export type App = FastifyInstance;

export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    logger: deps.logLevel === 'silent' ? false : { level: deps.logLevel },
    bodyLimit: deps.bodyLimit,
    // Unknown fields are an error (400), never silently dropped; query strings are coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    requestTimeout: 60_000,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('user', null);
  installErrorHandlers(app);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Mesa — API de la Mesa de Trabajo Intersectorial para la Gestión Migratoria',
        version: '1',
        description: 'Propuestas, conformidades y tareas de la MTIGM. Errores: {"error": {"code", "message", "details"}}.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(systemRoutes, { deps });
  await app.register(authRoutes, { deps, prefix: '/api/v1' });
  await app.register(calendarRoutes, { deps });
  await app.register(async (scope) => {
    scope.addHook('onRequest', authenticate(deps.db));
    await scope.register(meRoutes, { deps });
    await scope.register(registryRoutes, { deps });
    await scope.register(proposalRoutes, { deps });
    await scope.register(proposalActionRoutes, { deps });
    await scope.register(inboxRoutes, { deps });
    await scope.register(taskRoutes, { deps });
    await scope.register(reportRoutes, { deps });
    await scope.register(notificationRoutes, { deps });
    await scope.register(recoveryRoutes, { deps });
  }, { prefix: '/api/v1' });
  await app.register(webRoutes, { deps, root: app });
  return app;
}
