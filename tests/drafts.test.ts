// Drafts of proposals (docs/domain.md#borradores): the secretariat saves what it has, edits it,
// previews it and launches it once; nobody else sees or touches them.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginLaunch, getDraft } from '../db/drafts';
import { proposalDrafts, proposals } from '../db/schema';
import { proposalIdOfDraft } from '../api/routes/drafts';
import { launchBody, startMesa, type Mesa } from './harness';

let mesa: Mesa;
beforeAll(async () => {
  mesa = await startMesa();
});
afterAll(() => mesa?.close());

const db = () => mesa.database.db;
const call = (code: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) => mesa.app.inject({
  method, url, ...(payload ? { payload } : {}), headers: { authorization: `Bearer ${tokens.get(code)}` },
}).then((r) => ({ status: r.statusCode, body: r.body ? r.json() : null }));
const tokens = new Map<string, string>();
beforeAll(async () => {
  for (const code of ['SECRETARIA', 'MINSA', 'AFAMIPER', 'DEFENSORIA']) tokens.set(code, await mesa.login(code));
});
const proposalsTitled = async (title: string) => (await db().select({ n: count() }).from(proposals).where(eq(proposals.title, title)))[0]!.n;

/** The fields a proposal shows that come from what was launched, not from when. */
const launchedAs = (p: Record<string, unknown>) => {
  const { id: _id, createdAt: _c, updatedAt: _u, deadlines: _d, timeline, versions, launchedBy: _l, corrections: _k, ...rest } = p;
  return { ...rest, versions: (versions as Array<{ text: string }>).map((v) => v.text), timeline: (timeline as Array<{ event: string }>).map((e) => e.event) };
};

describe('a draft', () => {
  it('is saved with only part of the launch, and says what launching still needs, field by field', async () => {
    const saved = await call('SECRETARIA', 'POST', '/api/v1/proposal-drafts', { title: 'Retorno seguro (borrador)', objectives: ['OE4'] });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ status: 'borrador', proposalId: null, content: { title: 'Retorno seguro (borrador)', objectives: ['OE4'] } });
    expect(saved.body.launchProblems.map((p: { field: string }) => p.field).sort()).toEqual(['leadWorkingGroup', 'populations', 'summary', 'text']);
    const list = await call('SECRETARIA', 'GET', '/api/v1/proposal-drafts');
    expect(list.body.items).toContainEqual(expect.objectContaining({ id: saved.body.id, title: 'Retorno seguro (borrador)', ready: false }));
  });

  it('is checked for what it holds: a wrong value is refused naming its field, and nothing is saved', async () => {
    const before = (await db().select({ n: count() }).from(proposalDrafts))[0]!.n;
    const bad = await call('SECRETARIA', 'POST', '/api/v1/proposal-drafts', { title: 'Con grupo inexistente', leadWorkingGroup: 'GT99', actions: [{ title: 'Algo', responsible: ['NOEXISTE'] }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('«leadWorkingGroup»');
    expect(bad.body.error.details.problems.map((p: { field: string }) => p.field)).toEqual(['leadWorkingGroup', 'actions[0].responsible[0]']);
    const shape = await call('SECRETARIA', 'POST', '/api/v1/proposal-drafts', { objectives: ['OE9'] });
    expect(shape.status).toBe(400);
    expect((await db().select({ n: count() }).from(proposalDrafts))[0]!.n).toBe(before);
  });

  it('is edited, previewed with its dates, refused at launch with every problem at once, then launched', async () => {
    const { body: draft } = await call('SECRETARIA', 'POST', '/api/v1/proposal-drafts', { title: 'Protocolo (borrador)', actions: [{ title: 'Módulo' }] });
    const early = await call('SECRETARIA', 'POST', `/api/v1/proposal-drafts/${draft.id}/launch`, {});
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('draft_incomplete');
    const fields = early.body.error.details.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['summary', 'text', 'objectives', 'populations', 'leadWorkingGroup', 'actions[0].responsible', 'actions[0].dueIn', 'actions[0].deliverable']));
    expect((await getDraft(db(), draft.id))!.status).toBe('borrador');

    const content = launchBody({ title: 'Protocolo desde un borrador', stages: ['grupo_de_trabajo', 'conformidad'], deadlines: { grupo_de_trabajo: { workingDays: 10 } } });
    const edited = await call('SECRETARIA', 'PUT', `/api/v1/proposal-drafts/${draft.id}`, content);
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ content, launchProblems: [] });

    const preview = await call('SECRETARIA', 'GET', `/api/v1/proposal-drafts/${draft.id}/preview`);
    expect(preview.status).toBe(200);
    const [group, round] = preview.body.stages;
    // The round opens when the group's term ends; the action is due 90 days after the last stage closes.
    expect(round.opensAt).toBe(group.dueAt);
    expect(Date.parse(group.dueAt)).toBeGreaterThan(Date.now() + 13 * 86_400_000);
    expect(Date.parse(preview.body.actionsDueAt[0]) - Date.parse(round.dueAt)).toBe(90 * 86_400_000);
    expect(preview.body.plan).toMatchObject({ decisionRule: 'consenso', silencePolicy: 'conformidad_tacita', title: 'Protocolo desde un borrador' });

    const launched = await call('SECRETARIA', 'POST', `/api/v1/proposal-drafts/${draft.id}/launch`, {});
    expect(launched.status).toBe(201);
    expect(launched.body.id).toBe(proposalIdOfDraft(draft.id));
    // The same proposal a direct launch of the same fields gives.
    const direct = await call('SECRETARIA', 'POST', '/api/v1/proposals', content);
    expect(direct.status).toBe(201);
    expect(launchedAs(launched.body)).toEqual(launchedAs(direct.body));

    // Launched: read-only, pointing at its proposal.
    expect(await call('SECRETARIA', 'GET', `/api/v1/proposal-drafts/${draft.id}`)).toMatchObject({ status: 200, body: { status: 'lanzado', proposalId: launched.body.id } });
    expect((await call('SECRETARIA', 'PUT', `/api/v1/proposal-drafts/${draft.id}`, { title: 'Otro' })).status).toBe(409);
    expect((await call('SECRETARIA', 'DELETE', `/api/v1/proposal-drafts/${draft.id}`)).status).toBe(409);
    expect((await getDraft(db(), draft.id))!.content.title).toBe('Protocolo desde un borrador');
  });

  it('launched twice, or twice at once, is one proposal', async () => {
    const title = 'Una sola propuesta por borrador';
    const { body: draft } = await call('SECRETARIA', 'POST', '/api/v1/proposal-drafts', launchBody({ title }));
    const [a, b] = await Promise.all([1, 2].map(() => call('SECRETARIA', 'POST', `/api/v1/proposal-drafts/${draft.id}/launch`, {})));
    const again = await call('SECRETARIA', 'POST', `/api/v1/proposal-drafts/${draft.id}/launch`, {});
    expect([a!.status, b!.status, again.status]).toEqual([201, 201, 201]);
    expect(new Set([a!.body.id, b!.body.id, again.body.id]).size).toBe(1);
    expect(await proposalsTitled(title)).toBe(1);
  });

  it('left half launched by a crash is launched by the next attempt, as the proposal it was going to be', async () => {
    const title = 'Lanzamiento interrumpido';
    const { body: draft } = await call('SECRETARIA', 'POST', '/api/v1/proposal-drafts', launchBody({ title }));
    // The process died after fixing the proposal's id, before starting its workflow.
    await beginLaunch(db(), draft.id, proposalIdOfDraft(draft.id), 'user_demo_secretaria', new Date());
    expect((await call('SECRETARIA', 'PUT', `/api/v1/proposal-drafts/${draft.id}`, { title: 'Cambiado' })).status).toBe(409);
    const resumed = await call('SECRETARIA', 'POST', `/api/v1/proposal-drafts/${draft.id}/launch`, {});
    expect(resumed).toMatchObject({ status: 201, body: { id: proposalIdOfDraft(draft.id), title } });
    expect((await getDraft(db(), draft.id))!).toMatchObject({ status: 'lanzado', proposalId: resumed.body.id });
    expect(await proposalsTitled(title)).toBe(1);
  });

  it('is discarded: gone from the list, never launched', async () => {
    const { body: draft } = await call('SECRETARIA', 'POST', '/api/v1/proposal-drafts', launchBody({ title: 'Se descarta' }));
    expect(await call('SECRETARIA', 'DELETE', `/api/v1/proposal-drafts/${draft.id}`)).toMatchObject({ status: 200, body: { status: 'descartado' } });
    expect((await call('SECRETARIA', 'POST', `/api/v1/proposal-drafts/${draft.id}/launch`, {})).status).toBe(409);
    expect((await call('SECRETARIA', 'GET', '/api/v1/proposal-drafts')).body.items.map((d: { id: string }) => d.id)).not.toContain(draft.id);
    expect(await proposalsTitled('Se descarta')).toBe(0);
  });

  it('is the secretariat\'s alone: anyone else gets 403 and nothing changes', async () => {
    const { body: draft } = await call('SECRETARIA', 'POST', '/api/v1/proposal-drafts', launchBody({ title: 'Solo de la Secretaría' }));
    const stored = await getDraft(db(), draft.id);
    const drafts = (await db().select({ n: count() }).from(proposalDrafts))[0]!.n;
    for (const code of ['MINSA', 'AFAMIPER', 'DEFENSORIA']) {
      expect((await call(code, 'GET', '/api/v1/proposal-drafts')).status).toBe(403);
      expect((await call(code, 'GET', `/api/v1/proposal-drafts/${draft.id}`)).status).toBe(403);
      expect((await call(code, 'GET', `/api/v1/proposal-drafts/${draft.id}/preview`)).status).toBe(403);
      expect((await call(code, 'POST', '/api/v1/proposal-drafts', { title: 'Intruso' })).status).toBe(403);
      expect((await call(code, 'PUT', `/api/v1/proposal-drafts/${draft.id}`, { title: 'Intruso' })).status).toBe(403);
      expect((await call(code, 'DELETE', `/api/v1/proposal-drafts/${draft.id}`)).status).toBe(403);
      expect((await call(code, 'POST', `/api/v1/proposal-drafts/${draft.id}/launch`, {})).status).toBe(403);
    }
    expect(await getDraft(db(), draft.id)).toEqual(stored);
    expect((await db().select({ n: count() }).from(proposalDrafts))[0]!.n).toBe(drafts);
    expect(await proposalsTitled('Solo de la Secretaría')).toBe(0);
    expect((await call('SECRETARIA', 'GET', '/api/v1/proposal-drafts/draft_no_existe')).status).toBe(404);
  });
});
