// Correcting a proposal's description after launch (docs/domain.md#correccion-de-datos): the
// secretariat's audited action, with a reason, shown before and after; the text is not touched.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAll } from '../api/audit';
import { getProposalRow } from '../db/proposals';
import { launchBody, startMesa, type Mesa } from './harness';

let mesa: Mesa;
beforeAll(async () => {
  mesa = await startMesa();
});
afterAll(() => mesa?.close());

const launch = async (title: string) => {
  const res = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ title }));
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const correct = (code: string, id: string, body: object) => mesa.call(code, 'POST', `/api/v1/proposals/${id}/corrections`, body);

describe('a correction of the description', () => {
  it('changes title and populations, keeps the text, and is in the audit trail, the timeline and the proposal, before and after', async () => {
    const id = await launch('Protocolo de retorno con errata');
    const res = await correct('SECRETARIA', id, { title: 'Protocolo de retorno', populations: ['retornantes', 'exterior'], objectives: ['OE4'], reason: 'El título tenía una errata.' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      title: 'Protocolo de retorno', populations: ['retornantes', 'exterior'], objectives: ['OE4'], currentVersion: 1,
      versions: [{ number: 1, text: launchBody().text }],
      corrections: [{
        fields: ['title', 'populations'], reason: 'El título tenía una errata.', institution: 'SECRETARIA',
        before: { title: 'Protocolo de retorno con errata', populations: ['retornantes'] }, after: { title: 'Protocolo de retorno', populations: ['retornantes', 'exterior'] },
      }],
    });
    expect(res.body.timeline.map((e: { event: string }) => e.event)).toEqual(['lanzada', 'datos_corregidos:title,populations']);
    // Lists and search read the corrected columns; the plan too.
    const row = (await getProposalRow(mesa.database.db, id))!;
    expect(row).toMatchObject({ title: 'Protocolo de retorno', populations: ['retornantes', 'exterior'], plan: { title: 'Protocolo de retorno', text: launchBody().text } });
    const found = await mesa.call('MINSA', 'GET', `/api/v1/proposals?q=${encodeURIComponent('Protocolo de retorno')}`);
    expect(found.body.items.map((p: { title: string }) => p.title)).toContain('Protocolo de retorno');

    const audit = await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}/audit`);
    expect(audit.body).toMatchObject({ verified: true, problems: [] });
    expect(audit.body.events.at(-1)).toMatchObject({
      action: 'datos_corregidos', institution: 'SECRETARIA', actor: 'user_demo_secretaria',
      data: { fields: ['title', 'populations'], reason: 'El título tenía una errata.', before: { title: 'Protocolo de retorno con errata' }, after: { title: 'Protocolo de retorno' } },
    });
    // What `npm run audit:verify` runs: every trail verifies, this one with its correction.
    const lines: string[] = [];
    const all = await verifyAll({ db: mesa.database.db, temporal: mesa.client, audit: mesa.audit }, (l) => lines.push(l));
    expect(all.problems).toEqual([]);

    // Later notices carry the corrected title.
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/withdraw`, { reason: 'Se reformula.' })).status).toBe(200);
    const inbox = await mesa.call('MINSA', 'GET', '/api/v1/inbox');
    expect(inbox.body.items.map((n: { title: string }) => n.title)).toContain('Propuesta retirada: Protocolo de retorno');
  });

  it('published otherwise than the trail says is detected', async () => {
    const id = await launch('Título a alterar');
    expect((await correct('SECRETARIA', id, { title: 'Título corregido', reason: 'Precisión.' })).status).toBe(200);
    await mesa.database.db.execute(sql`update proposals set title = 'Título falso' where id = ${id}`);
    const audit = await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}/audit`);
    expect(audit.body.verified).toBe(false);
    expect(audit.body.problems).toContainEqual(expect.objectContaining({ field: 'proposals.title', message: expect.stringContaining('«Título corregido»') }));
  });

  it('by anyone but the secretariat is 403, without a reason or without a change 422, the text 400; nothing changes', async () => {
    const id = await launch('Sin cambios ajenos');
    const before = await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`);
    for (const code of ['MINSA', 'DEFENSORIA', 'OIM']) {
      expect((await correct(code, id, { title: 'Intruso', reason: 'Porque sí.' })).status).toBe(403);
    }
    expect(await correct('SECRETARIA', id, { title: 'Otro', reason: '   ' })).toMatchObject({ status: 422, body: { error: { message: 'Una corrección de datos requiere un motivo.' } } });
    expect((await correct('SECRETARIA', id, { title: 'Sin cambios ajenos', reason: 'Nada.' })).status).toBe(422);
    expect(await correct('SECRETARIA', id, { text: 'Otro texto.', reason: 'No se puede.' })).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('«text»') } } });
    expect((await correct('SECRETARIA', id, { title: 'Otro' })).status).toBe(400);
    const after = await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`);
    expect(after.body).toEqual(before.body);
    expect((await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}/audit`)).body.events.map((e: { action: string }) => e.action)).toEqual(['lanzada']);
  });
});
