import { describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { idempotencyKeys, proposals } from '../db/schema';
import { proposalWorkflowId, stateQuery } from '../workflows/messages';
import { launchBody, withMesa, type Mesa } from './harness';

let mesa: Mesa;
let secretaria: string;
withMesa(async (started) => {
  mesa = started;
  secretaria = await mesa.login('SECRETARIA');
});

const launch = (payload: unknown, headers: Record<string, string> = {}, token = secretaria) =>
  mesa.app.inject({ method: 'POST', url: '/api/v1/proposals', payload: payload as object, headers: { authorization: `Bearer ${token}`, ...headers } });
const get = (url: string, token = secretaria) => mesa.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
const proposalCount = async () => (await mesa.database.db.select({ n: count() }).from(proposals))[0]!.n;

describe('launching a proposal', () => {
  it('starts a running workflow and shows the proposal in the list and in detail', async () => {
    const res = await launch(launchBody({ stages: ['grupo_de_trabajo', 'conformidad'], deadlines: { grupo_de_trabajo: 'P7D' } }));
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      status: 'en_curso', stage: 'grupo_de_trabajo', currentVersion: 1, leadWorkingGroup: 'GT3', workingGroups: ['GT2'],
      objectives: ['OE4'], populations: ['retornantes'], launchedBy: { institution: 'SECRETARIA' },
      rules: { stages: ['grupo_de_trabajo', 'conformidad'], decisionRule: 'consenso', quorum: 0.5, silencePolicy: 'conformidad_tacita' },
      versions: [{ number: 1, text: launchBody().text }],
      timeline: [{ stage: 'grupo_de_trabajo', event: 'lanzada' }],
      inputs: [], signoffs: [], pendingSignoffs: [], comments: [], tasks: [],
    });
    // The working group's deadline is seven days after launch, computed by the workflow.
    const due = Date.parse(created.deadlines.grupo_de_trabajo) - Date.parse(created.createdAt);
    expect(due).toBe(7 * 24 * 3600 * 1000);

    const handle = mesa.client.workflow.getHandle(proposalWorkflowId(created.id));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(await handle.query(stateQuery)).toMatchObject({ stage: 'grupo_de_trabajo', status: 'en_curso', recorded: true });

    const detail = await get(`/api/v1/proposals/${created.id}`, await mesa.login('MINSA'));
    expect(detail.statusCode).toBe(200);
    // The same proposal; who launched it is named by user to the secretariat only.
    expect(detail.json()).toEqual({ ...created, launchedBy: { institution: 'SECRETARIA' } });
    expect(created.launchedBy.userId).toBe('user_demo_secretaria');
    const list = await get('/api/v1/proposals', await mesa.login('DEFENSORIA'));
    expect(list.json().items.map((p: { id: string }) => p.id)).toContain(created.id);
    // Civil society reads it only once it reaches its consultation.
    const oscList = await get('/api/v1/proposals', await mesa.login('AFAMIPER'));
    expect(oscList.json().items.map((p: { id: string }) => p.id)).not.toContain(created.id);
  });

  it('is refused with 403 for an OSC, and nothing is created', async () => {
    const before = await proposalCount();
    const res = await launch(launchBody({ title: 'Propuesta de una OSC' }), {}, await mesa.login('AFAMIPER'));
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('Secretaría Técnica') });
    expect(await proposalCount()).toBe(before);
    const workflows = mesa.client.workflow.list({ query: `TaskQueue = '${mesa.taskQueue}' AND ExecutionStatus = 'Running'` });
    for await (const w of workflows) expect(w.workflowId).not.toContain('Propuesta de una OSC');
  });

  it('is refused with 403 for a ministry too, before the body is even looked at', async () => {
    const res = await launch({ nonsense: true }, {}, await mesa.login('MINSA'));
    expect(res.statusCode).toBe(403);
  });

  it('yields one proposal when the same POST is retried with one Idempotency-Key, even concurrently', async () => {
    const before = await proposalCount();
    const body = launchBody({ title: 'Retorno seguro: ventanilla única' });
    const headers = { 'idempotency-key': 'lanzamiento-ventanilla-1' };
    const answers = await Promise.all([launch(body, headers), launch(body, headers), launch(body, headers)]);
    const again = await launch(body, headers);
    for (const a of [...answers, again]) expect(a.statusCode).toBe(201);
    const ids = new Set([...answers, again].map((a) => a.json().id));
    expect(ids.size).toBe(1);
    expect(again.json()).toEqual(answers[0]!.json());
    expect(await proposalCount()).toBe(before + 1);
  });

  it('never starts a second workflow for a keyed launch, even when retried after the proposal closed', async () => {
    const body = launchBody({ title: 'Retirada antes del reintento' });
    const headers = { 'idempotency-key': 'lanzamiento-cerrado-1' };
    const first = (await launch(body, headers)).json();
    const withdrawn = await mesa.app.inject({
      method: 'POST', url: `/api/v1/proposals/${first.id}/withdraw`, payload: { reason: 'Duplicada.' }, headers: { authorization: `Bearer ${secretaria}` },
    });
    expect(withdrawn.statusCode).toBe(200);
    // As if the stored answer had been lost: the retry reaches Temporal again.
    await mesa.database.db.delete(idempotencyKeys);
    const before = await proposalCount();
    const retry = await launch(body, headers);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toMatchObject({ id: first.id, status: 'retirada' });
    expect(await proposalCount()).toBe(before);
    expect((await mesa.client.workflow.getHandle(proposalWorkflowId(first.id)).describe()).status.name).toBe('COMPLETED');
  });

  it('answers 409 when an Idempotency-Key is reused with another body, and changes nothing', async () => {
    const headers = { 'idempotency-key': 'lanzamiento-2' };
    expect((await launch(launchBody({ title: 'Primera' }), headers)).statusCode).toBe(201);
    const before = await proposalCount();
    const res = await launch(launchBody({ title: 'Otra distinta' }), headers);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('idempotency_conflict');
    expect(await proposalCount()).toBe(before);
  });

  it.each([
    [{ ...launchBody(), title: undefined }, 'title', /obligatorio/],
    [launchBody({ objectives: ['OE9'] }), 'objectives[0]', /OE1, OE2, OE3, OE4, OE5/],
    [launchBody({ quorum: 2 }), 'quorum', /menor o igual/],
    [launchBody({ urgency: 'alta' }), 'urgency', /no está permitido/],
    [launchBody({ leadWorkingGroup: 'GT9' }), 'leadWorkingGroup', /GT9/],
    [launchBody({ deadlines: { consulta: 'diez días' } }), 'deadlines.consulta', /ISO 8601/],
    [launchBody({ stages: ['conformidad', 'consulta'] }), 'stages', /orden/],
    [launchBody({ stages: ['grupo_de_trabajo'] }), 'stages', /conformidad/],
    [launchBody({ actions: [{ title: 'x', responsible: ['DEFENSORIA'], dueIn: 'P1D', deliverable: 'y' }] }), 'actions[0].responsible[0]', /miembro/],
  ])('answers 400 naming the field for a malformed body (%#), and creates nothing', async (body, field, message) => {
    const before = await proposalCount();
    const res = await launch(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_body', details: { field } });
    expect(res.json().error.message).toMatch(message);
    expect(res.json().error.message).toContain(field.split(/[.[]/)[0]);
    expect(await proposalCount()).toBe(before);
  });

  it('answers 400 for a body that is not JSON, and 413 for one that is too large', async () => {
    const broken = await mesa.app.inject({
      method: 'POST', url: '/api/v1/proposals', payload: '{"title": ',
      headers: { authorization: `Bearer ${secretaria}`, 'content-type': 'application/json' },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('invalid_body');
    const huge = await launch(launchBody({ text: 'x'.repeat(1_100_000) }));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('body_too_large');
  });
});

describe('listing proposals', () => {
  it('filters by stage, objective, working group and text, and pages with a cursor', async () => {
    const token = await mesa.login('RREE');
    const oe5 = (await launch(launchBody({ title: 'Integración laboral de extranjeros', objectives: ['OE5'], populations: ['extranjeros'], leadWorkingGroup: 'GT4', workingGroups: [], stages: ['consulta', 'conformidad'] }))).json();
    const ids = async (query: string) => (await get(`/api/v1/proposals?${query}`, token)).json().items.map((p: { id: string }) => p.id);

    expect(await ids('objective=OE5')).toEqual([oe5.id]);
    expect(await ids('stage=consulta')).toEqual([oe5.id]);
    expect(await ids('workingGroup=GT4')).toEqual([oe5.id]);
    expect(await ids('q=laboral%20de%20EXTRANJEROS')).toEqual([oe5.id]);
    expect(await ids('workingGroup=GT2')).not.toContain(oe5.id);

    const all: string[] = await ids('limit=200');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = (await get(`/api/v1/proposals?limit=2${cursor ? `&cursor=${cursor}` : ''}`, token)).json();
      seen.push(...page.items.map((p: { id: string }) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(all.length).toBeGreaterThan(2);
  });

  it('answers 400 naming the parameter for a bad filter, and 404 for an unknown proposal', async () => {
    const bad = await get('/api/v1/proposals?stage=archivada');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_query', details: { field: 'stage' } });
    expect((await get('/api/v1/proposals?cursor=basura')).json().error.details.field).toBe('cursor');
    const missing = await get('/api/v1/proposals/prop_inexistente');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
    const action = await mesa.call('MINSA', 'POST', '/api/v1/proposals/prop_inexistente/signoffs', { position: 'aprueba' });
    expect(action.status).toBe(404);
    expect(action.body.error.message).toContain('prop_inexistente');
  });
});
