// The published contract is whole: every API operation says who it is (operationId, tags), what
// it answers on success and how it refuses, so a client can be generated from it and an
// independent linter (npm run lint:openapi) passes it. The HTML pages are no part of it.
import { describe, expect, it } from 'vitest';
import { openapiDocument } from '../api/openapi';

interface Operation {
  operationId?: string; tags?: string[]; summary?: string; security?: unknown[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: { type?: string; format?: string; properties?: Record<string, unknown> } }> }>;
}
interface Document {
  openapi: string; servers?: Array<{ url: string }>; tags?: Array<{ name: string }>;
  paths: Record<string, Record<string, Operation>>;
}

const publicUrl = 'https://mesa.mtigm.example';
const doc = await openapiDocument(publicUrl) as unknown as Document;
const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ label: `${method.toUpperCase()} ${path}`, path, op })));
const api = operations.filter((o) => o.path.startsWith('/api/v1/'));

describe('the OpenAPI document', () => {
  it('names every API operation once, in camelCase, under a declared tag, with a summary', () => {
    expect(api.length).toBeGreaterThanOrEqual(39);
    const declared = new Set(doc.tags?.map((t) => t.name));
    for (const { label, op } of api) {
      expect(op.operationId, label).toMatch(/^[a-z][a-zA-Z0-9]*$/);
      expect(op.tags?.length, label).toBeGreaterThan(0);
      for (const tag of op.tags ?? []) expect(declared.has(tag), `${label}: tag ${tag}`).toBe(true);
      expect(op.summary, label).toBeTruthy();
    }
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every API operation its success answer with a schema and its 4xx answers with the error body, each described', () => {
    for (const { label, op } of api) {
      const statuses = Object.keys(op.responses ?? {});
      const success = statuses.filter((s) => /^2\d\d$/.test(s));
      expect(success, label).toHaveLength(1);
      const content = op.responses![success[0]!]!.content ?? {};
      // 204 No Content answers with no body at all; a file download with its bytes, described as
      // binary; every other success with a JSON schema.
      if (success[0] === '204') expect(content, label).toEqual({});
      else if (!content['application/json']) expect(Object.values(content).map((c) => c.schema?.format), label).toEqual(['binary']);
      else expect(content['application/json'].schema, label).toBeDefined();
      for (const s of statuses) expect(op.responses![s]!.description, `${label} ${s}`).not.toBe('Default Response');
      const refusals = statuses.filter((s) => /^4\d\d$/.test(s));
      expect(refusals.length, label).toBeGreaterThan(0);
      for (const s of refusals) {
        expect(op.responses![s]!.content?.['application/json']?.schema?.properties, `${label} ${s}`).toHaveProperty('error');
      }
    }
  });

  it('says who must be signed in: every authenticated operation declares its 401', () => {
    // Only signing in and the forgotten-password routes are open (security: []); every other one needs a session.
    const open = new Set(['POST /api/v1/auth/token', 'POST /api/v1/auth/password-reset', 'POST /api/v1/auth/password-reset/complete']);
    expect(api.filter((o) => Array.isArray(o.op.security) && o.op.security.length === 0).map((o) => o.label).sort()).toEqual([...open].sort());
    for (const { label, op } of api.filter((o) => !open.has(o.label))) expect(Object.keys(op.responses ?? {}), label).toContain('401');
  });

  it('declares the CSV and iCalendar answers next to the JSON ones', () => {
    for (const path of ['/api/v1/reports/pnm', '/api/v1/reports/institutions']) {
      expect(Object.keys(doc.paths[path]!.get!.responses!['200']!.content!)).toEqual(['application/json', 'text/csv']);
    }
    expect(Object.keys(doc.paths['/calendar/{file}']!.get!.responses!['200']!.content!)).toEqual(['text/calendar']);
  });

  it('leaves the HTML pages out and names the server from the configured public URL', () => {
    const outside = operations.filter((o) => !o.path.startsWith('/api/v1/')).map((o) => o.label);
    expect(outside.sort()).toEqual(['GET /calendar/{file}', 'GET /health', 'GET /ready']);
    expect(doc.servers).toEqual([expect.objectContaining({ url: publicUrl })]);
  });

  it('is OpenAPI 3.1, whose schemas are the JSON Schema TypeBox writes (a numeric exclusiveMinimum)', () => {
    expect(doc.openapi).toBe('3.1.0');
    const launch = doc.paths['/api/v1/proposals']!.post as unknown as { requestBody: { content: Record<string, { schema: { properties: Record<string, { exclusiveMinimum?: unknown }> } }> } };
    expect(launch.requestBody.content['application/json']!.schema.properties.quorum!.exclusiveMinimum).toBe(0);
  });
});
