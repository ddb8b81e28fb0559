// OpenTelemetry traces, on when an OTLP endpoint is given (the standard OTEL_* variables) and off,
// at no cost, otherwise. One trace follows an action from the HTTP request (api/tracing.ts)
// through the workflow update it sends and into the activity that records it: the Temporal client
// and activity interceptors of @temporalio/interceptors-opentelemetry, and the workflows' own
// (workflows/tracing.ts), carry the context in Temporal's headers from one process to the next.
// The SDK, its exporters and the interceptors are loaded only when traces are on, so that a process
// with traces off (the default) does not hold them in memory.
import type { Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type * as TemporalOpenTelemetry from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import { ConfigError } from './config';

export interface Tracing {
  tracer: Tracer;
  processor: SpanProcessor;
  resource: Resource;
  /** Temporal's interceptors and workflow exporter for OpenTelemetry. */
  temporal: typeof TemporalOpenTelemetry;
  /** Sends the spans still buffered and stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * What the standard variables ask for: no traces when no endpoint is set, OTEL_SDK_DISABLED is
 * true or OTEL_TRACES_EXPORTER is none; otherwise the OTLP/HTTP encoding to send them in.
 */
export function tracesExport(env: NodeJS.ProcessEnv): 'none' | 'http/protobuf' | 'http/json' {
  const endpointVariable = ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'].find((name) => env[name]?.trim());
  if (!endpointVariable || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return 'none';
  const exporters = (env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',').map((e) => e.trim().toLowerCase());
  if (exporters.includes('none')) return 'none';
  if (!exporters.every((e) => e === 'otlp')) {
    throw new ConfigError(`Configuración inválida: «OTEL_TRACES_EXPORTER» admite «otlp» o «none», no «${env.OTEL_TRACES_EXPORTER}».`);
  }
  const endpoint = env[endpointVariable]!.trim();
  if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) {
    throw new ConfigError(`Configuración inválida: «${endpointVariable}» debe ser una dirección http(s):// del receptor OTLP, no «${endpoint}».`);
  }
  const protocolVariable = ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'].find((name) => env[name]?.trim());
  const protocol = protocolVariable ? env[protocolVariable]!.trim() : 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new ConfigError(`Configuración inválida: «${protocolVariable}» admite «http/protobuf» o «http/json» (OTLP sobre HTTP), no «${protocol}».`);
  }
  return protocol;
}

/**
 * Starts exporting this process's spans, named `service` unless OTEL_SERVICE_NAME says otherwise
 * (OTEL_RESOURCE_ATTRIBUTES adds to them); null when traces are off. Registers the tracer
 * globally, with the context that follows async calls and W3C trace context in headers. The
 * exporter and the batching read the rest of the standard variables (headers, timeout,
 * compression, OTEL_BSP_*) from the environment themselves.
 */
export async function startTracing(service: string): Promise<Tracing | null> {
  const encoding = tracesExport(process.env);
  if (encoding === 'none') return null;
  const [{ envDetectorSync, Resource }, { BatchSpanProcessor }, { NodeTracerProvider }, temporal, { OTLPTraceExporter }] = await Promise.all([
    import('@opentelemetry/resources'), import('@opentelemetry/sdk-trace-base'), import('@opentelemetry/sdk-trace-node'), import('@temporalio/interceptors-opentelemetry'),
    encoding === 'http/json' ? import('@opentelemetry/exporter-trace-otlp-http') : import('@opentelemetry/exporter-trace-otlp-proto'),
  ]);
  const resource = Resource.default().merge(new Resource({ 'service.name': service })).merge(envDetectorSync.detect());
  const processor = new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  return { tracer: provider.getTracer('mesa'), processor, resource, temporal, shutdown: () => provider.shutdown() };
}

/** The Temporal client's interceptor: every start, update and query gets its span, its context in the headers. */
export const tracingClientInterceptors = (tracing: Tracing | null): WorkflowClientInterceptor[] =>
  tracing ? [new tracing.temporal.OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })] : [];

/** Each activity runs in a span whose parent is the workflow's, from the activity's headers. */
export const tracingActivityInterceptors = (tracing: Tracing | null): ActivityInterceptorsFactory[] =>
  tracing ? [(ctx) => ({ inbound: new tracing.temporal.OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }), outbound: new tracing.temporal.OpenTelemetryActivityOutboundInterceptor(ctx) })] : [];

/**
 * Where the workflows' spans leave the sandbox: to this process's exporter, or nowhere when
 * traces are off (the sink must exist either way: the bundle always calls it). Each span names
 * its workflow, run and type; not the rest of the workflow's info (search attributes, memo),
 * which the stock exporter would copy into every span.
 */
export function tracingSinks(tracing: Tracing | null): InjectedSinks<{ exporter: TemporalOpenTelemetry.OpenTelemetryWorkflowExporter }> {
  if (!tracing) return { exporter: { export: { fn: () => {} } } };
  const stock = tracing.temporal.makeWorkflowExporter(tracing.processor, tracing.resource).export;
  return {
    exporter: {
      export: { fn: ({ workflowId, runId, workflowType }, spans) => stock.fn({ workflowId, runId, workflowType } as WorkflowInfo, spans) },
    },
  };
}
