// What an operator scrapes from an API process: requests, latency and errors by route, at /metrics;
// and the request id every answer carries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBody, startMesa, type Mesa } from './harness';

let mesa: Mesa;
beforeAll(async () => { mesa = await startMesa(); });
afterAll(() => mesa?.close());

const scrape = async () => {
  const res = await mesa.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  return res.body;
};
const sample = (text: string, series: string) => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.split(' ')[1] ?? NaN);

describe('the API\'s metrics', () => {
  it('count requests and errors by route pattern and status, and time them by route', async () => {
    const launched = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody());
    expect(launched.status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await mesa.call('MINSA', 'GET', `/api/v1/proposals/${launched.body.id}`)).status).toBe(200);
    expect((await mesa.call('MINSA', 'GET', '/api/v1/proposals/no-existe')).status).toBe(404);
    expect((await mesa.call('MINSA', 'POST', '/api/v1/proposals', launchBody())).status).toBe(403);

    const text = await scrape();
    const byId = 'method="GET",route="/api/v1/proposals/:id"';
    expect(sample(text, `mesa_http_requests_total{${byId},status="200"}`)).toBe(3);
    expect(sample(text, `mesa_http_requests_total{${byId},status="404"}`)).toBe(1);
    expect(sample(text, `mesa_http_requests_total{method="POST",route="/api/v1/proposals",status="201"}`)).toBe(1);
    expect(sample(text, `mesa_http_errors_total{${byId},status="404",kind="cliente"}`)).toBe(1);
    expect(sample(text, `mesa_http_errors_total{method="POST",route="/api/v1/proposals",status="403",kind="cliente"}`)).toBe(1);
    expect(sample(text, `mesa_http_request_duration_seconds_count{${byId}}`)).toBe(4);
    expect(sample(text, `mesa_http_request_duration_seconds_bucket{le="+Inf",${byId}}`)).toBe(4);
    // The process's own figures, and no series per path: the id never becomes a label.
    expect(text).toMatch(/^mesa_api_process_resident_memory_bytes \d+/m);
    expect(text).not.toContain(launched.body.id);
  });

  it('answers every request with its id, keeping a well-formed one the balancer sent', async () => {
    const given = await mesa.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'balanceador-1234' } });
    expect(given.headers['x-request-id']).toBe('balanceador-1234');
    const odd = await mesa.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'no válido {}' } });
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
