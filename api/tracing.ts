// Each HTTP request in a span of its own (runtime/tracing.ts turns traces on): the parent of the
// Temporal client's spans for the updates it sends, and so of the workflow's and the activity's.
// A caller that sends W3C `traceparent` gets its trace continued; every log line of the request
// carries the trace id, so a log line leads to its trace and back.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const spans = new WeakMap<FastifyRequest, Span>();

/** On the root instance, before the other hooks, so that everything a request does runs inside its span. */
export function traceRequests(app: FastifyInstance, tracer: Tracer): void {
  app.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url;
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    // The route's pattern (/api/v1/proposals/:id/signoffs), never the path: names stay few.
    const span = tracer.startSpan(route ? `${request.method} ${route}` : request.method, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'url.path': request.url.split('?')[0]!, 'http.route': route ?? '', 'mesa.request_id': request.id },
    }, parent);
    spans.set(request, span);
    request.log = request.log.child({ traceId: span.spanContext().traceId });
    reply.log = request.log;
    context.with(trace.setSpan(parent, span), done);
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    // A client's 4xx is the client's; only the server's own failures mark the span as an error.
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    if (request.user) span.setAttributes({ 'mesa.user': request.user.id, 'mesa.institution': request.user.institution.code });
    span.end();
  });
  app.addHook('onError', async (request, _reply, error) => {
    spans.get(request)?.recordException(error);
  });
  // A caller that hangs up gets no response: its span ends here instead.
  app.addHook('onRequestAbort', async (request) => {
    spans.get(request)?.setAttribute('mesa.aborted', true).end();
  });
}
