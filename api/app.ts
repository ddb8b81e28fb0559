// The HTTP service as one function: everything it needs is passed in, so the embedded mode, the
// production API process and the tests all build the very same app.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { normalizeStrings } from '../domain/text';
import { authenticate } from './auth';
import { clientErrorHandler, frameworkErrors, installErrorHandlers } from './errors';
import { refuseControlCharacters, securityHeaders } from './http-guards';
import type { AppDeps } from './deps';
import { authRoutes, meRoutes } from './routes/auth';
import { accountRoutes, passwordLinkRoutes } from './routes/accounts';
import { proposalActionRoutes } from './routes/proposal-actions';
import { proposalRoutes } from './routes/proposals';
import { draftRoutes } from './routes/drafts';
import { recoveryRoutes } from './routes/recovery';
import { inboxRoutes } from './routes/inbox';
import { calendarRoutes } from './routes/calendar';
import { nonWorkingDayRoutes } from './routes/non-working-days';
import { reportRoutes } from './routes/reports';
import { notificationRoutes } from './routes/notifications';
import { taskRoutes } from './routes/tasks';
import { sessionRoutes } from './routes/sessions';
import { registryRoutes } from './routes/registry';
import { documentRoutes } from './routes/documents';
import { systemRoutes } from './routes/system';
import { webRoutes } from './web/routes';
import { documentTags } from './schemas';
import { installMetrics } from './metrics';
import { trackRequests } from './request-context';
import { traceRequests } from './tracing';

export type App = FastifyInstance;

/** Keys whose values are compared byte for byte (and never shown): kept exactly as sent. */
const verbatim = new Set(['password', 'secret']);

/**
 * Unknown fields are an error (400), never silently dropped. Query strings and path parameters
 * arrive as text and are coerced to their schema's types (and take its defaults); a JSON body is
 * taken as sent: `null` is not `false`, `["x"]` is not `"x"`.
 */
function validatorFor(coerceTypes: 'array' | false) {
  const ajv = new Ajv({ removeAdditional: false, coerceTypes, useDefaults: true, allErrors: false, addUsedSchema: false });
  addFormats(ajv);
  return ajv;
}

export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    logger: deps.logLevel === 'silent' ? false : { level: deps.logLevel },
    bodyLimit: deps.bodyLimit,
    requestTimeout: 60_000,
    trustProxy: deps.trustProxy ?? false,
    frameworkErrors,
    clientErrorHandler,
    // One id per request in every log line and in the answer's X-Request-Id: the balancer's when
    // it sends a well-formed one (deploy/haproxy.cfg), a new one otherwise.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('user', null);
  const bodies = validatorFor(false);
  const requests = validatorFor('array');
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : requests).compile(schema));
  installErrorHandlers(app);
  if (deps.tracer) traceRequests(app, deps.tracer);
  trackRequests(app);
  app.addHook('onRequest', async (request, reply) => { reply.header('x-request-id', request.id); });
  installMetrics(app);
  app.addHook('onRequest', refuseControlCharacters);
  app.addHook('onSend', securityHeaders);
  // Every text is stored NFC with LF line breaks (domain/text.ts): normalized before the schema
  // checks it, so what is validated is exactly what is kept. An uploaded file's bytes are kept as sent.
  app.addHook('preValidation', async (request) => {
    if (request.body && typeof request.body === 'object' && !Buffer.isBuffer(request.body)) request.body = normalizeStrings(request.body, verbatim);
  });

  await app.register(swagger, {
    openapi: {
      // 3.1: its schemas are JSON Schema 2020-12, which is what TypeBox writes (numeric
      // exclusiveMinimum, type "null" in unions); 3.0 would need each of them rewritten.
      openapi: '3.1.0',
      info: {
        title: 'Mesa — API de la Mesa de Trabajo Intersectorial para la Gestión Migratoria',
        version: '1',
        description: 'Propuestas, conformidades y tareas de la MTIGM. Errores: {"error": {"code", "message", "details"}}.',
        contact: { name: 'Secretaría Técnica de la MTIGM' },
      },
      servers: [{ url: deps.publicUrl, description: 'Este servicio (MESA_PUBLIC_URL).' }],
      tags: documentTags,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(systemRoutes, { deps });
  await app.register(authRoutes, { deps, prefix: '/api/v1' });
  await app.register(passwordLinkRoutes, { deps, prefix: '/api/v1' });
  await app.register(calendarRoutes, { deps });
  await app.register(async (scope) => {
    scope.addHook('onRequest', authenticate(deps.db));
    await scope.register(meRoutes, { deps });
    await scope.register(accountRoutes, { deps });
    await scope.register(registryRoutes, { deps });
    await scope.register(proposalRoutes, { deps });
    await scope.register(proposalActionRoutes, { deps });
    await scope.register(draftRoutes, { deps });
    await scope.register(inboxRoutes, { deps });
    await scope.register(taskRoutes, { deps });
    await scope.register(sessionRoutes, { deps });
    await scope.register(reportRoutes, { deps });
    await scope.register(notificationRoutes, { deps });
    await scope.register(recoveryRoutes, { deps });
    await scope.register(nonWorkingDayRoutes, { deps });
    await scope.register(documentRoutes, { deps });
  }, { prefix: '/api/v1' });
  // The HTML pages are no part of the API: kept out of its document.
  await app.register(async (pages) => {
    pages.addHook('onRoute', (route) => { route.schema = { ...route.schema, hide: true }; });
    await pages.register(webRoutes, { deps, root: app });
  });
  return app;
}
