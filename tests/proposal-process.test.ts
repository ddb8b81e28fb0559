// Process 1 end to end through the HTTP API, on real Temporal and a real database.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposalAudit, proposalInputs, proposalSignoffs, tasks } from '../db/schema';
import { taskWorkflowId } from '../workflows/task-messages';
import { proposalWorkflowId } from '../workflows/messages';
import { eventually, keepHistory, launchBody, memberCodes, startMesa, type Mesa } from './harness';

let mesa: Mesa;
beforeAll(async () => { mesa = await startMesa(); });
afterAll(() => mesa?.close());

const launch = async (overrides: Record<string, unknown> = {}) => {
  const res = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody(overrides));
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const proposal = async (id: string) => (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body;
const signAll = async (id: string, position = 'aprueba', who = memberCodes) => {
  const answers = await Promise.all(who.map((code) => mesa.call(code, 'POST', `/api/v1/proposals/${id}/signoffs`, { position })));
  for (const a of answers) expect(a.status).toBe(200);
  return answers;
};

describe('a proposal from launch to agreement', () => {
  it('goes through the working group, the consultation and the round of all 22 members, and becomes an agreement with tasks', async () => {
    const id = await launch({
      actions: [
        { title: 'Módulo en el aeropuerto', responsible: ['MIGRACIONES', 'RREE'], dueIn: 'P90D', deliverable: 'Módulo operativo' },
        { title: 'Guía para retornantes', responsible: ['MTPE'], dueIn: 'P60D', deliverable: 'Guía publicada' },
      ],
    });
    // GT3 is coordinated by RREE: a ministry that is not its coordinator may not decide.
    expect((await mesa.call('MINSA', 'POST', `/api/v1/proposals/${id}/working-group-decision`, { decision: 'avanzar' })).status).toBe(403);
    const advanced = await mesa.call('RREE', 'POST', `/api/v1/proposals/${id}/working-group-decision`, { decision: 'avanzar', reason: 'El grupo está de acuerdo.' });
    expect(advanced.status).toBe(200);
    expect(advanced.body).toMatchObject({ stage: 'consulta', consultationOpen: true });

    const osc = await mesa.call('AFAMIPER', 'POST', `/api/v1/proposals/${id}/inputs`, { kind: 'cambio', paragraph: 2, text: 'Incluir a las familias de los retornantes.' });
    expect(osc.status).toBe(201);
    expect(osc.body).toMatchObject({ institution: 'AFAMIPER', kind: 'cambio', paragraph: 2, version: 1 });
    const oim = await mesa.call('OIM', 'POST', `/api/v1/proposals/${id}/inputs`, { kind: 'comentario', text: 'Opinión técnica favorable.' });
    expect(oim.status).toBe(201);

    // The round cannot open while an input is unanswered.
    const early = await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/advance`, {});
    expect(early.status).toBe(422);
    expect(early.body.error.message).toMatch(/Faltan responder 2 aporte/);

    const answered = await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/inputs/${osc.body.id}/answer`, { decision: 'acogida', reason: 'Se incorpora al párrafo 2.' });
    expect(answered.status).toBe(200);
    expect(answered.body.answer).toMatchObject({ decision: 'acogida', reason: 'Se incorpora al párrafo 2.' });
    await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/inputs/${oim.body.id}/answer`, { decision: 'parcialmente_acogida', reason: 'Se tomará en la guía.' });
    // The OSC sees what became of what it said.
    const inbox = (await mesa.call('AFAMIPER', 'GET', '/api/v1/inbox')).body.items;
    expect(inbox.filter((i: { kind: string; proposalId: string }) => i.kind === 'aporte_respondido' && i.proposalId === id)).toHaveLength(1);

    const round = await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/advance`, {});
    expect(round.status).toBe(200);
    expect(round.body).toMatchObject({ stage: 'conformidad', round: 1 });
    expect([...round.body.pendingSignoffs].sort()).toEqual(memberCodes);

    const pendingForMinsa = (await mesa.call('MINSA', 'GET', '/api/v1/proposals?pendingFor=MINSA')).body.items.map((p: { id: string }) => p.id);
    expect(pendingForMinsa).toContain(id);

    const pendingInInbox = async (code: string) => (await mesa.call(code, 'GET', '/api/v1/inbox')).body.items
      .filter((i: { kind: string; proposalId?: string }) => i.kind === 'pendiente' && i.proposalId === id);
    expect(await pendingInInbox('MINSA')).toEqual([expect.objectContaining({ title: expect.stringMatching(/^Su conformidad está pendiente/), dueAt: round.body.deadlines.conformidad })]);
    await signAll(id, 'aprueba', memberCodes.slice(0, 21));
    expect(await pendingInInbox('MINSA')).toEqual([]);
    expect(await pendingInInbox('SUNEDU')).toHaveLength(1);
    const last = await mesa.call('SUNEDU', 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba_con_observaciones', comment: 'Coordinar el reconocimiento de títulos.' });
    expect(last.body).toMatchObject({ institution: 'SUNEDU', position: 'aprueba_con_observaciones', version: 1 });

    const adopted = await eventually(async () => {
      const p = await proposal(id);
      return p.status === 'adoptada' ? p : undefined;
    });
    expect(adopted).toMatchObject({ stage: 'cerrada', number: expect.stringMatching(/^ACUERDO-\d{4}-\d{3}$/), pendingSignoffs: [] });
    expect(adopted.decision).toMatchObject({ outcome: 'adoptada', rule: 'consenso', counts: { answered: 22, aprueba: 21, aprueba_con_observaciones: 1, objeta: 0 } });
    expect(adopted.signoffs).toHaveLength(22);
    expect(adopted.tasks).toEqual([`${id}-t1`, `${id}-t2`]);

    for (const taskId of adopted.tasks) {
      expect((await mesa.client.workflow.getHandle(taskWorkflowId(taskId)).describe()).status.name).toBe('RUNNING');
    }
    const taskRows = await eventually(async () => {
      const rows = await mesa.database.db.select().from(tasks).where(eq(tasks.proposalId, id));
      return rows.length === 2 ? rows : undefined;
    });
    expect(taskRows.map((t) => [t.title, t.responsible, t.agreementNumber, t.status])).toEqual(expect.arrayContaining([
      ['Módulo en el aeropuerto', ['MIGRACIONES', 'RREE'], adopted.number, 'asignada'],
      ['Guía para retornantes', ['MTPE'], adopted.number, 'asignada'],
    ]));
    await eventually(async () => (await mesa.call('MTPE', 'GET', '/api/v1/inbox')).body.items.some((i: { kind: string }) => i.kind === 'tarea_asignada'));

    await keepHistory(mesa, 'proposal-adopted-after-consultation', proposalWorkflowId(id));
    const audit = (await mesa.call('DEFENSORIA', 'GET', `/api/v1/proposals/${id}/audit`)).body;
    expect(audit.verified).toBe(true);
    expect(audit.events[0]).toMatchObject({ seq: 1, action: 'lanzada', institution: 'SECRETARIA', prevHash: '0'.repeat(64) });
    expect(audit.events.at(-1)).toMatchObject({ action: 'adoptada' });
    expect(audit.events.filter((e: { action: string }) => e.action === 'conformidad')).toHaveLength(22);
    for (const [i, e] of audit.events.entries()) if (i > 0) expect(e.prevHash).toBe(audit.events[i - 1].hash);

    // Tampering with a stored entry is detected.
    await mesa.database.db.update(proposalAudit).set({ data: { forged: true } }).where(eq(proposalAudit.proposalId, id));
    expect((await mesa.call('DEFENSORIA', 'GET', `/api/v1/proposals/${id}/audit`)).body.verified).toBe(false);
  });

  it('after an objection goes back to revision, and a second round on version 2 adopts it', async () => {
    const id = await launch({ stages: ['conformidad'] });
    await signAll(id, 'aprueba', memberCodes.slice(1));
    const objection = await mesa.call(memberCodes[0]!, 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'objeta', comment: 'Falta el presupuesto.' });
    expect(objection.status).toBe(200);

    const observed = await eventually(async () => {
      const p = await proposal(id);
      return p.status === 'observada' ? p : undefined;
    });
    expect(observed).toMatchObject({ stage: 'revision', decision: { outcome: 'observada', round: 1, version: 1 } });
    // Not without a new text.
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/advance`, {})).status).toBe(422);

    const v2 = await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/versions`, { text: '1. Con presupuesto.\n\n2. Y plazos.', changeSummary: 'Se añade el presupuesto.' });
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ number: 2, changeSummary: 'Se añade el presupuesto.' });
    const second = await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/advance`, {});
    expect(second.body).toMatchObject({ stage: 'conformidad', status: 'en_curso', round: 2, currentVersion: 2, signoffs: [] });

    await signAll(id);
    const adopted = await eventually(async () => {
      const p = await proposal(id);
      return p.status === 'adoptada' ? p : undefined;
    });
    expect(adopted.decision).toMatchObject({ round: 2, version: 2, outcome: 'adoptada' });
    expect(adopted.signoffs.every((s: { version: number; round: number }) => s.version === 2 && s.round === 2)).toBe(true);
    expect(adopted.signoffHistory).toHaveLength(44);
    expect(adopted.versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);
    await keepHistory(mesa, 'proposal-objected-then-adopted', proposalWorkflowId(id));
  });

  it('refuses what the rules forbid, and records nothing', async () => {
    const id = await launch({ stages: ['grupo_de_trabajo', 'consulta', 'conformidad'] });
    const inputs = async () => (await mesa.database.db.select({ n: count() }).from(proposalInputs).where(eq(proposalInputs.proposalId, id)))[0]!.n;
    const signoffs = async () => (await mesa.database.db.select({ n: count() }).from(proposalSignoffs).where(eq(proposalSignoffs.proposalId, id)))[0]!.n;
    const auditLength = async () => (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}/audit`)).body.events.length;
    const before = await auditLength();

    // Before its consultation the proposal does not exist for civil society (docs/domain.md#lectura).
    const outside = await mesa.call('AFAMIPER', 'POST', `/api/v1/proposals/${id}/inputs`, { kind: 'comentario', text: 'Fuera de plazo.' });
    expect(outside.status).toBe(404);
    expect((await mesa.call('MINSA', 'POST', `/api/v1/proposals/${id}/inputs`, { kind: 'comentario', text: 'x' })).status).toBe(403);
    expect((await mesa.call('AFAMIPER', 'POST', `/api/v1/proposals/${id}/comments`, { text: 'x' })).status).toBe(403);
    expect((await mesa.call('MINSA', 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' })).status).toBe(409);

    await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/advance`, {});
    await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/advance`, {});
    expect((await proposal(id)).stage).toBe('conformidad');
    const afterRoundOpened = await auditLength();

    const observer = await mesa.call('DEFENSORIA', 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' });
    expect(observer.status).toBe(403);
    const forOther = await mesa.call('MINSA', 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba', institution: 'MINEDU' });
    expect(forOther.status).toBe(403);
    expect(forOther.body.error.message).toMatch(/MINSA/);
    const noReason = await mesa.call('MINSA', 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'objeta' });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.message).toMatch(/motivo/);
    const lateInput = await mesa.call('AFAMIPER', 'POST', `/api/v1/proposals/${id}/inputs`, { kind: 'comentario', text: 'Tarde.' });
    expect(lateInput.status).toBe(409);
    expect((await mesa.call('MINSA', 'POST', `/api/v1/proposals/${id}/versions`, { text: 'x', changeSummary: 'y' })).status).toBe(403);

    expect(await inputs()).toBe(0);
    expect(await signoffs()).toBe(0);
    expect(await auditLength()).toBe(afterRoundOpened);
    expect(afterRoundOpened).toBe(before + 3); // the two advances and the consultation's closing only

    // Observers and support bodies may comment during the round.
    expect((await mesa.call('DEFENSORIA', 'POST', `/api/v1/proposals/${id}/comments`, { text: 'Seguimos el proceso.' })).status).toBe(201);
    expect((await proposal(id)).comments).toEqual([expect.objectContaining({ institution: 'DEFENSORIA', text: 'Seguimos el proceso.' })]);
  });
});

describe('withdrawal', () => {
  it.each([
    ['grupo_de_trabajo', 0],
    ['consulta', 1],
    ['revision', 2],
    ['conformidad', 3],
  ])('is possible in %s, with a reason, and every action after it gets 409', async (stage, advances) => {
    const id = await launch({ stages: ['grupo_de_trabajo', 'consulta', 'revision', 'conformidad'] });
    for (let i = 0; i < advances; i++) expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/advance`, {})).status).toBe(200);
    expect((await proposal(id)).stage).toBe(stage);

    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/withdraw`, { reason: '  ' })).status).toBe(422);
    expect((await mesa.call('RREE', 'POST', `/api/v1/proposals/${id}/withdraw`, { reason: 'x' })).status).toBe(403);
    const withdrawn = await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/withdraw`, { reason: 'Se reformulará con el MEF.' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'retirada', stage: 'cerrada' });

    for (const [code, path, body] of [
      ['SECRETARIA', 'advance', {}],
      ['SECRETARIA', 'withdraw', { reason: 'otra vez' }],
      ['MINSA', 'signoffs', { position: 'aprueba' }],
      ['AFAMIPER', 'inputs', { kind: 'comentario', text: 'x' }],
      ['MINSA', 'comments', { text: 'x' }],
    ] as const) {
      const res = await mesa.call(code, 'POST', `/api/v1/proposals/${id}/${path}`, body);
      // Withdrawn before its consultation, the proposal never existed for civil society.
      if (code === 'AFAMIPER' && advances === 0) {
        expect(res.status).toBe(404);
        continue;
      }
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/cerrada/);
    }
    await keepHistory(mesa, `proposal-withdrawn-in-${stage}`, proposalWorkflowId(id));
  });
});
