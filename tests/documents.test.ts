// Attached documents and the agreement PDF, through the HTTP API on real Temporal and the test
// database: what is kept is exactly what was sent, what is refused leaves nothing behind, and a
// document is read only by those who may read what it belongs to.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderStore } from '../engine/documents';
import { adoptWith, launchBody, memberCodes, startMesa, type Mesa } from './harness';
import { docx, pdf, png, xlsx } from './documents-fixtures';

const run = promisify(execFile);
let mesa: Mesa;
let folder: string;
const maxBytes = 64 * 1024;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'mesa-documentos-'));
  // The scanner: a script that calls infected (exit 1) any file with the EICAR test string in it.
  const scanner = join(folder, 'antivirus.sh');
  await writeFile(scanner, '#!/bin/sh\nif grep -q "EICAR-STANDARD-ANTIVIRUS-TEST-FILE" "$1"; then exit 1; fi\nexit 0\n', { mode: 0o755 });
  mesa = await startMesa({ app: { documents: { store: folderStore(join(folder, 'almacen')), maxBytes, scanCommand: `sh ${scanner}` } } });
});
afterAll(async () => {
  await mesa?.close();
  await rm(folder, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function upload(code: string, url: string, bytes: Uint8Array, type = 'application/octet-stream') {
  const res = await mesa.app.inject({ method: 'POST', url, payload: Buffer.from(bytes), headers: { authorization: `Bearer ${await mesa.login(code)}`, 'content-type': type } });
  return { status: res.statusCode, body: res.json() };
}

async function download(code: string, url: string) {
  return mesa.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await mesa.login(code)}` } });
}

/** Every file the store holds, by name (its SHA-256). */
const stored = async () => (await readdir(join(folder, 'almacen'), { recursive: true }).catch(() => [] as string[])).map((f) => String(f).split('/').at(-1)!).filter((f) => /^[0-9a-f]{64}$/.test(f));

async function launched() {
  const res = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['consulta', 'conformidad'], deadlines: { consulta: 'P10D', conformidad: 'P10D' } }));
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('documents attached to a proposal', () => {
  it('come back byte for byte, with their SHA-256, and every download is logged', async () => {
    const id = await launched();
    const sent = pdf('Informe técnico de la DIGEMIN');
    const attached = await upload('SECRETARIA', `/api/v1/proposals/${id}/attachments?filename=${encodeURIComponent('Informe técnico.pdf')}`, sent, 'application/pdf');
    expect(attached.status).toBe(201);
    expect(attached.body).toMatchObject({ object: 'propuesta', filename: 'Informe técnico.pdf', mediaType: 'application/pdf', size: sent.length, sha256: sha256(sent), institution: 'SECRETARIA' });
    expect(await stored()).toContain(sha256(sent));

    // A retry of the same upload is the same attachment.
    const again = await upload('SECRETARIA', `/api/v1/proposals/${id}/attachments?filename=${encodeURIComponent('Informe técnico.pdf')}`, sent, 'application/pdf');
    expect(again.body.id).toBe(attached.body.id);
    expect((await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}/attachments`)).body.items.map((a: { id: string }) => a.id)).toEqual([attached.body.id]);

    const got = await download('MINSA', attached.body.url);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(sha256(got.rawPayload)).toBe(sha256(sent));
    expect(got.rawPayload.equals(Buffer.from(sent))).toBe(true);
    const log = await mesa.call('SECRETARIA', 'GET', `${attached.body.url}/downloads`);
    expect(log.body.items).toEqual([expect.objectContaining({ institution: 'MINSA', userId: 'user_demo_minsa' })]);
    expect((await mesa.call('MINSA', 'GET', `${attached.body.url}/downloads`)).status).toBe(403);

    // A version's document and a Word file.
    const word = docx();
    const onVersion = await upload('SECRETARIA', `/api/v1/proposals/${id}/attachments?filename=anexo.docx&version=1`, word);
    expect(onVersion.body).toMatchObject({ object: 'version', ref: '1', mediaType: expect.stringContaining('wordprocessingml') });
    expect((await upload('SECRETARIA', `/api/v1/proposals/${id}/attachments?filename=anexo.docx&version=7`, word)).status).toBe(404);
    expect((await upload('MINSA', `/api/v1/proposals/${id}/attachments?filename=anexo.docx`, word)).status).toBe(403);
  });

  it('refuses a file of another type, one named for another type, and one too large, keeping nothing', async () => {
    const id = await launched();
    const before = await stored();
    const url = (name: string) => `/api/v1/proposals/${id}/attachments?filename=${encodeURIComponent(name)}`;

    const script = await upload('SECRETARIA', url('informe.pdf'), new TextEncoder().encode('#!/bin/sh\nrm -rf /\n'), 'application/pdf');
    expect(script.status).toBe(415);
    expect(script.body.error).toMatchObject({ code: 'unsupported_file_type', details: { field: 'archivo' } });
    expect(script.body.error.message).toMatch(/«archivo».*PDF/);

    const renamed = await upload('SECRETARIA', url('foto.pdf'), png());
    expect(renamed.status).toBe(415);
    expect(renamed.body.error.message).toMatch(/PNG.*\.png/);

    const big = new Uint8Array(maxBytes + 1);
    big.set(pdf('x'));
    const tooLarge = await upload('SECRETARIA', url('grande.pdf'), big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toMatchObject({ code: 'file_too_large', details: { field: 'archivo', maxBytes } });
    expect(tooLarge.body.error.message).toContain('64 KiB');

    expect((await upload('SECRETARIA', url('vacio.pdf'), new Uint8Array())).status).toBe(400);
    expect(await stored()).toEqual(before);
    expect((await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}/attachments`)).body.items).toEqual([]);
  });

  it('refuses an infected file with 422, keeping nothing', async () => {
    const id = await launched();
    const before = await stored();
    const infected = pdf('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*');
    const res = await upload('SECRETARIA', `/api/v1/proposals/${id}/attachments?filename=virus.pdf`, infected);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'infected_file', details: { field: 'archivo' } });
    expect(await stored()).toEqual(before);
    expect(await stored()).not.toContain(sha256(infected));
    expect((await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}/attachments`)).body.items).toEqual([]);
  });

  it('of a proposal not yet public are hidden from civil society; in consultation they are read, and an input carries its own', async () => {
    const osc = (await mesa.call('SECRETARIA', 'GET', '/api/v1/institutions')).body.find((i: { kind: string }) => i.kind === 'osc').code as string;
    // Still with its working group: not public.
    const inGroup = (await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody())).body.id as string;
    const hidden = await upload('SECRETARIA', `/api/v1/proposals/${inGroup}/attachments?filename=interno.pdf`, pdf('interno'));
    expect(hidden.status).toBe(201);
    expect((await download(osc, hidden.body.url)).statusCode).toBe(404);
    expect((await mesa.call(osc, 'GET', `/api/v1/proposals/${inGroup}/attachments`)).status).toBe(404);
    expect((await mesa.call('SECRETARIA', 'GET', `${hidden.body.url}/downloads`)).body.items).toEqual([]);

    const id = await launched();
    const doc = await upload('SECRETARIA', `/api/v1/proposals/${id}/attachments?filename=borrador.pdf`, pdf('borrador'));
    expect(doc.status).toBe(201);
    // In consultation it is public: the OSC reads it and attaches a document to its own input.
    const given = await mesa.call(osc, 'POST', `/api/v1/proposals/${id}/inputs`, { kind: 'comentario', text: 'Adjuntamos un estudio.' });
    expect(given.status).toBe(201);
    const onInput = await upload(osc, `/api/v1/proposals/${id}/attachments?filename=estudio.xlsx&input=${given.body.id}`, xlsx());
    expect(onInput.status).toBe(201);
    expect(onInput.body).toMatchObject({ object: 'aporte', ref: given.body.id, institution: osc });
    expect((await download(osc, doc.body.url)).statusCode).toBe(200);
    expect((await upload('MINSA', `/api/v1/proposals/${id}/attachments?filename=otro.pdf&input=${given.body.id}`, pdf('x'))).status).toBe(403);
  });
});

describe('documents of a task', () => {
  it('go with a progress report, and civil society can neither list nor download them; its refusal is not logged', async () => {
    const [taskId] = await adoptWith(mesa, [{ title: 'Guía para retornantes', responsible: ['MTPE'], dueIn: 'P60D', deliverable: 'Guía publicada' }]);
    const url = `/api/v1/tasks/${taskId}/attachments`;
    expect((await upload('MTPE', `${url}?filename=avance.pdf&on=avance`, pdf('avance'))).status).toBe(409);
    await mesa.call('MTPE', 'POST', `/api/v1/tasks/${taskId}/accept`, {});
    await mesa.call('MTPE', 'POST', `/api/v1/tasks/${taskId}/progress`, { percent: 40, note: 'Borrador listo.' });
    const attached = await upload('MTPE', `${url}?filename=avance.pdf&on=avance`, pdf('avance'));
    expect(attached.status).toBe(201);
    expect(attached.body.object).toBe('avance');
    expect((await upload('MINSA', `${url}?filename=avance.pdf&on=avance`, pdf('ajeno'))).status).toBe(403);

    const osc = (await mesa.call('SECRETARIA', 'GET', '/api/v1/institutions')).body.find((i: { kind: string }) => i.kind === 'osc').code as string;
    expect((await mesa.call(osc, 'GET', url)).body.items).toEqual([]);
    const refused = await download(osc, attached.body.url);
    expect([403, 404]).toContain(refused.statusCode);
    expect(refused.rawPayload.toString()).not.toContain('avance');
    expect((await mesa.call('SECRETARIA', 'GET', `${attached.body.url}/downloads`)).body.items).toEqual([]);

    expect((await download('SECRETARIA', attached.body.url)).statusCode).toBe(200);
    expect((await mesa.call('SECRETARIA', 'GET', `${attached.body.url}/downloads`)).body.items).toEqual([expect.objectContaining({ institution: 'SECRETARIA' })]);
    expect((await mesa.call('MINSA', 'GET', url)).body.items.map((a: { id: string }) => a.id)).toEqual([attached.body.id]);
  });
});

describe('the agreement PDF', () => {
  it('carries the number, the adopted text, the vote and every member institution', async () => {
    const [taskId] = await adoptWith(mesa, [{ title: 'Módulo de atención en el aeropuerto', responsible: ['MIGRACIONES'], dueIn: 'P90D', deliverable: 'Módulo operativo' }]);
    const task = (await mesa.call('SECRETARIA', 'GET', `/api/v1/tasks/${taskId}`)).body;
    const proposal = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${task.proposalId}`)).body;
    const res = await download('SECRETARIA', `/api/v1/proposals/${task.proposalId}/agreement.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const dir = await mkdtemp(join(tmpdir(), 'mesa-acuerdo-'));
    try {
      await writeFile(join(dir, 'acuerdo.pdf'), res.rawPayload);
      const { stdout } = await run('pdftotext', ['-layout', join(dir, 'acuerdo.pdf'), '-']);
      const text = stdout.replace(/\s+/g, ' ');
      expect(text).toContain(proposal.number);
      expect(text).toContain('Protocolo de atención a retornantes en aeropuertos');
      expect(text).toContain('La Superintendencia Nacional de Migraciones habilita un módulo.');
      expect(text).toContain('Regla de decisión: Consenso');
      expect(text).toContain('Módulo de atención en el aeropuerto');
      expect(memberCodes).toHaveLength(22);
      for (const code of memberCodes) expect(text).toMatch(new RegExp(`\\d+\\. ${code} - [^:]+: Aprueba`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect((await download('MINSA', `/api/v1/proposals/${await launched()}/agreement.pdf`)).statusCode).toBe(409);
  });
});

