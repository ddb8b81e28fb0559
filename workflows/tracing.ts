// The workflows' part of a trace (runtime/tracing.ts): an update or signal handled runs in a span
// whose parent is the caller's (from Temporal's headers), and the activities and child workflows
// it starts carry that span to the worker that runs them. Only inside a trace a caller started:
// with traces off nothing here makes a span.
//
// Not the stock interceptors of @temporalio/interceptors-opentelemetry: theirs await around every
// call they wrap, which moves a workflow's continuations by a few microtasks and makes histories
// recorded without them (every proposal and task already running) fail to replay. These add no
// await: each call goes through as it would without them, its promise returned as is, and its span
// ends beside it. Span ids come from the run id and a counter, not from Math.random, so the
// workflow's own random sequence is untouched. Spans leave the sandbox through the `exporter` sink,
// never during replay.
import '@temporalio/interceptors-opentelemetry/lib/workflow/runtime';
import * as otel from '@opentelemetry/api';
import { BasicTracerProvider, type IdGenerator, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { extractContextFromHeaders, headersWithContext } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import { ContextManager } from '@temporalio/interceptors-opentelemetry/lib/workflow/context-manager';
import { SpanExporter } from '@temporalio/interceptors-opentelemetry/lib/workflow/span-exporter';
import { workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

/** FNV-1a, 32 bits, as 8 hex digits. */
function fnv(text: string, seed: number): string {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * Ids from the run, the workflow's clock and a count of this workflow's spans (kept on its own
 * globalThis, which the SDK keeps apart for each workflow): distinct for every span exported.
 */
const spanCount = '__mesaSpanCount';
class RunIdGenerator implements IdGenerator {
  private next(parts: number): string {
    const state = globalThis as unknown as Record<string, number | undefined>;
    state[spanCount] = (state[spanCount] ?? 0) + 1;
    const key = `${workflowInfo().runId}:${Date.now()}:${state[spanCount]}`;
    return [0x811c9dc5, 0x050c5d1f, 0x1b873593, 0x2f6b8d4e].slice(0, parts).map((seed) => fnv(key, seed)).join('');
  }
  generateTraceId = () => this.next(4);
  generateSpanId = () => this.next(2);
}

/** Hands each ended span to the sink at once: no timer, no batch, no promise in the workflow. */
class SinkProcessor implements SpanProcessor {
  private readonly exporter = new SpanExporter();
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.exporter.export([span], () => {});
  }
  forceFlush = () => Promise.resolve();
  shutdown = () => Promise.resolve();
}

let tracer: otel.Tracer | undefined;
let contextManager: ContextManager | undefined;
function workflowTracer(): otel.Tracer {
  if (!tracer) {
    contextManager = new ContextManager();
    const provider = new BasicTracerProvider({ idGenerator: new RunIdGenerator(), spanProcessors: [new SinkProcessor()] });
    provider.register({ contextManager });
    tracer = provider.getTracer('mesa-workflow');
  }
  return tracer;
}

/**
 * Runs `call` inside a new span, child of `parent` (the active context when absent), and returns
 * what it returns untouched; the span ends when that promise settles, failed if it rejects. Outside
 * any trace (a caller that sent none: traces are off; or what the workflow does on its own, a
 * deadline firing) it only runs `call`: no span is made, nothing reaches the sink.
 */
function traced<T>(name: string, attributes: otel.Attributes, parent: otel.Context | undefined, call: () => T): T {
  if (!parent && !otel.trace.getSpan(otel.context.active())) return call();
  const context = parent ?? otel.context.active();
  const span = workflowTracer().startSpan(name, { attributes }, context);
  const failed = (error: unknown) => {
    span.setStatus({ code: otel.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.end();
  };
  let result: T;
  try {
    result = otel.context.with(otel.trace.setSpan(context, span), call);
  } catch (e) {
    failed(e);
    throw e;
  }
  if (result instanceof Promise) result.then(() => span.end(), failed);
  else span.end();
  return result;
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [{
    validateUpdate: (input, next) => traced(`ValidateUpdate:${input.name}`, { temporalUpdateId: input.updateId }, extractContextFromHeaders(input.headers), () => next(input)),
    handleUpdate: (input, next) => traced(`HandleUpdate:${input.name}`, { temporalUpdateId: input.updateId }, extractContextFromHeaders(input.headers), () => next(input)),
    handleSignal: (input, next) => traced(`HandleSignal:${input.signalName}`, {}, extractContextFromHeaders(input.headers), () => next(input)),
  }],
  outbound: [{
    scheduleActivity: (input, next) => traced(`StartActivity:${input.activityType}`, {}, undefined, () => next({ ...input, headers: headersWithContext(input.headers) })),
    scheduleLocalActivity: (input, next) => traced(`StartActivity:${input.activityType}`, {}, undefined, () => next({ ...input, headers: headersWithContext(input.headers) })),
    startChildWorkflowExecution: (input, next) => traced(`StartChildWorkflow:${input.workflowType}`, {}, undefined, () => next({ ...input, headers: headersWithContext(input.headers) })),
  }],
  internals: [{
    dispose(input, next) {
      contextManager?.disable();
      next(input);
    },
  }],
});
