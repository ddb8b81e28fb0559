// The S3-compatible document store against a real S3-compatible server (gofakes3, in memory, built
// by runtime/gofakes3.ts), configured as the engine is: from MESA_S3_* through loadConfig and
// documentSettingsFor. gofakes3 does not verify AWS Signature V4 (it accepts any key), so the
// signature itself is checked only against AWS's documented example, not here.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, type DocumentStore } from '../engine/documents';
import { documentSettingsFor } from '../runtime/boot';
import { loadConfig } from '../runtime/config';
import { resolveGofakes3 } from '../runtime/gofakes3';
import { launchBody, startMesa, type Mesa } from './harness';
import { pdf } from './documents-fixtures';

const bucket = 'mesa-documentos';
const prefix = 'documentos/';
let server: ChildProcess;
let endpoint: string;

const freePort = () => new Promise<number>((resolve, reject) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  }).on('error', reject);
});

/** The document settings exactly as the engine builds them from its environment. */
const settingsFrom = (env: Record<string, string>) => documentSettingsFor(loadConfig('embedded', {
  MESA_S3_ENDPOINT: endpoint, MESA_S3_BUCKET: bucket, MESA_S3_ACCESS_KEY_ID: 'mesa', MESA_S3_SECRET_ACCESS_KEY: 'secreto-de-prueba', MESA_S3_PREFIX: prefix, ...env,
}));
const storeFrom = (env: Record<string, string>) => settingsFrom(env).store;

/** The keys the bucket holds, read with a plain ListObjects (gofakes3 asks for no signature). */
async function keys(): Promise<string[]> {
  const res = await fetch(`${endpoint}/${bucket}?prefix=`);
  expect(res.status).toBe(200);
  return [...(await res.text()).matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!);
}

beforeAll(async () => {
  const path = await resolveGofakes3();
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  server = spawn(path, ['-backend', 'memory', '-host', `127.0.0.1:${port}`, '-initialbucket', bucket, '-quiet'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${endpoint}/${bucket}`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gofakes3 no respondió en ${endpoint}`);
}, 600_000);
afterAll(() => { server?.kill(); });

describe('the S3-compatible document store', () => {
  let store: DocumentStore;
  beforeAll(() => { store = storeFrom({}); });

  it('is the one the engine builds from MESA_S3_*', () => {
    expect(store.describe()).toBe(`${endpoint}/${bucket}/${prefix}`);
  });

  it('gives back the same bytes, kept under their SHA-256 below the prefix, once however often they are put', async () => {
    const bytes = pdf('Acta de la sesión ordinaria');
    const sha = sha256Hex(bytes);
    await store.put(sha, bytes);
    const got = await store.get(sha);
    expect(got && Buffer.from(got).equals(Buffer.from(bytes))).toBe(true);
    expect(await keys()).toContain(`${prefix}${sha}`);

    // The object under that key is those bytes, as any S3 client would read them.
    const raw = await fetch(`${endpoint}/${bucket}/${prefix}${sha}`);
    expect(sha256Hex(new Uint8Array(await raw.arrayBuffer()))).toBe(sha);

    // A retried upload changes nothing: still one object for that content.
    const before = await keys();
    await store.put(sha, bytes);
    expect(await keys()).toEqual(before);
    expect(before.filter((k) => k.endsWith(sha))).toHaveLength(1);
  });

  it('reads a document it never kept as missing', async () => {
    expect(await store.get(sha256Hex(new TextEncoder().encode('nunca guardado')))).toBeNull();
  });

  it('reports a refusal by the server with a clear error (a bucket that does not exist)', async () => {
    const elsewhere = storeFrom({ MESA_S3_BUCKET: 'bucket-inexistente' });
    const bytes = new TextEncoder().encode('informe');
    await expect(elsewhere.put(sha256Hex(bytes), bytes)).rejects.toThrow(/El almacén S3 rechazó guardar el documento \(404\): .*NoSuchBucket/s);
  });
});

describe('an attachment through the API kept in the S3-compatible store', () => {
  let mesa: Mesa;
  beforeAll(async () => {
    mesa = await startMesa({ app: { documents: settingsFrom({ MESA_S3_PREFIX: 'api/' }) } });
  });
  afterAll(() => mesa?.close());

  it('is uploaded to a proposal, kept in the bucket and downloaded byte for byte; once lost from the bucket, it is unavailable', async () => {
    const launched = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody());
    expect(launched.status).toBe(201);
    const sent = pdf('Informe técnico en S3');
    const res = await mesa.app.inject({
      method: 'POST', url: `/api/v1/proposals/${launched.body.id}/attachments?filename=informe.pdf`, payload: Buffer.from(sent),
      headers: { authorization: `Bearer ${await mesa.login('SECRETARIA')}`, 'content-type': 'application/pdf' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ sha256: sha256Hex(sent), size: sent.length });
    expect(await keys()).toContain(`api/${sha256Hex(sent)}`);

    const got = await mesa.app.inject({ method: 'GET', url: res.json().url, headers: { authorization: `Bearer ${await mesa.login('MINSA')}` } });
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(Buffer.from(sent))).toBe(true);

    // An object lost from the bucket is told as unavailable (503), never served as something else.
    expect((await fetch(`${endpoint}/${bucket}/api/${sha256Hex(sent)}`, { method: 'DELETE' })).status).toBe(204);
    const lost = await mesa.app.inject({ method: 'GET', url: res.json().url, headers: { authorization: `Bearer ${await mesa.login('MINSA')}` } });
    expect(lost.statusCode).toBe(503);
  });
});
