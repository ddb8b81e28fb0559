// What an operator watches of an API process, in Prometheus's text format at GET /metrics: requests
// by route and status, their latency by route, errors, and the process's own figures (memory, CPU,
// event-loop lag). Each app has its own registry, so several apps in one process never mix counts.
// The balancer keeps /metrics from the outside (deploy/haproxy.cfg): only the scraper reaches it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** On the root instance (not a plugin of its own), so its hook sees every route. */
export function installMetrics(app: FastifyInstance): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mesa_api_' });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'mesa_http_requests_total', help: 'Peticiones HTTP atendidas, por ruta y estado.', labelNames, registers: [registry] });
  const errors = new Counter({ name: 'mesa_http_errors_total', help: 'Respuestas de error (4xx del cliente, 5xx del servidor), por ruta.', labelNames: [...labelNames, 'kind'], registers: [registry] });
  const latency = new Histogram({
    name: 'mesa_http_request_duration_seconds', help: 'Tiempo de respuesta por ruta.', labelNames: ['method', 'route'], registers: [registry],
    buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30],
  });

  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    // The route's pattern (/api/v1/proposals/:id), never the path itself: one series per route.
    const route = request.routeOptions.url ?? 'sin_ruta';
    if (route === '/metrics') return;
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (reply.statusCode >= 400) errors.inc({ ...labels, kind: reply.statusCode >= 500 ? 'servidor' : 'cliente' });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
