// OpenTelemetry traces (runtime/tracing.ts): with an OTLP endpoint set, one sign-off is one trace
// from the HTTP request through the workflow update to the activity that records it, continuing
// the trace its caller sent; without one, nothing is exported; a wrong setting is named.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracesExport, startTracing, type Tracing } from '../runtime/tracing';
import { eventually, launchBody, memberCodes, startMesa, type Mesa } from './harness';
import { startOtlpReceiver, type ReceivedSpan } from './otlp-receiver';

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let tracing: Tracing;
let mesa: Mesa;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // As an operator sets them; the batch goes out every 100 ms instead of every 5 s.
  Object.assign(process.env, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' });
  tracing = (await startTracing('mesa-pruebas'))!;
  mesa = await startMesa({ tracing });
});

afterAll(async () => {
  await mesa?.close();
  await tracing?.shutdown();
  await receiver?.close();
});

describe('traces', () => {
  it('follow a sign-off from the request through the workflow update to the activity that records it', async () => {
    const launched = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['conformidad'] }));
    expect(launched.status).toBe(201);
    const id = launched.body.id as string;
    // The caller's own trace (W3C trace context), as a ministry's traced system would send it.
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const signed = await mesa.call(memberCodes[0]!, 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' }, { traceparent: `00-${traceId}-${callerSpan}-01` });
    expect(signed.status).toBe(200);

    const names = ['POST /api/v1/proposals/:id/signoffs', 'StartWorkflowUpdate:signoff', 'ValidateUpdate:signoff', 'HandleUpdate:signoff', 'StartActivity:recordProposalEvents', 'RunActivity:recordProposalEvents'];
    const trace = await eventually(async () => {
      const mine = receiver.spans.filter((s) => s.traceId === traceId);
      return names.every((n) => mine.some((s) => s.name === n)) ? mine : undefined;
    });
    const span = (name: string) => trace.find((s) => s.name === name)!;
    const request = span('POST /api/v1/proposals/:id/signoffs');
    expect(request).toMatchObject({ service: 'mesa-pruebas', parentSpanId: callerSpan, attributes: { 'http.route': '/api/v1/proposals/:id/signoffs', 'http.response.status_code': 200, 'mesa.institution': memberCodes[0] } });
    // Each step is the child of the one before it: request → update sent → update handled →
    // activity scheduled → activity run.
    const chain = ['POST /api/v1/proposals/:id/signoffs', 'StartWorkflowUpdate:signoff', 'HandleUpdate:signoff', 'StartActivity:recordProposalEvents', 'RunActivity:recordProposalEvents'];
    for (let i = 1; i < chain.length; i++) expect(span(chain[i]!).parentSpanId, chain[i]).toBe(span(chain[i - 1]!).spanId);
    expect(span('HandleUpdate:signoff').attributes).toEqual({ temporalUpdateId: expect.any(String), workflowId: `proposal-${id}`, runId: expect.any(String), workflowType: 'proposalWorkflow' });
    // The launch was a trace of its own.
    expect(receiver.spans.some((s: ReceivedSpan) => s.name === 'POST /api/v1/proposals' && s.traceId !== traceId)).toBe(true);
  });
});

describe('the tracing settings', () => {
  it('export nothing unless an OTLP endpoint is given', () => {
    expect(tracesExport({})).toBe('none');
    expect(tracesExport({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_SDK_DISABLED: 'true' })).toBe('none');
    expect(tracesExport({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe('none');
    expect(tracesExport({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' })).toBe('http/protobuf');
    expect(tracesExport({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otel/v1/traces', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBe('http/json');
  });

  it('name the variable that is wrong', () => {
    expect(() => tracesExport({ OTEL_EXPORTER_OTLP_ENDPOINT: 'otel:4318' })).toThrow(/«OTEL_EXPORTER_OTLP_ENDPOINT» debe ser una dirección http/);
    expect(() => tracesExport({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4317', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' })).toThrow(/«OTEL_EXPORTER_OTLP_TRACES_PROTOCOL» admite «http\/protobuf» o «http\/json»/);
    expect(() => tracesExport({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/«OTEL_TRACES_EXPORTER»/);
  });
});
