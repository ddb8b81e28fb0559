// Process 2: an adopted agreement's tasks, through the HTTP API on real Temporal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskWorkflow } from '../workflows/task';
import { acceptTaskUpdate, taskWorkflowId } from '../workflows/task-messages';
import { adoptWith as adopt, eventually, keepHistory, startMesa, type Mesa } from './harness';

let mesa: Mesa;
beforeAll(async () => { mesa = await startMesa(); });
afterAll(() => mesa?.close());

const adoptWith = (actions: object[]) => adopt(mesa, actions);
const task = async (id: string) => (await mesa.call('SECRETARIA', 'GET', `/api/v1/tasks/${id}`)).body;
const post = (code: string, id: string, action: string, body: object = {}) => mesa.call(code, 'POST', `/api/v1/tasks/${id}/${action}`, body);
const action = (responsible: string[], extra: object = {}) => ({ title: 'Guía para retornantes', responsible, dueIn: 'P60D', deliverable: 'Guía publicada', ...extra });

describe('a task of an adopted agreement', () => {
  it('is accepted, reported on, completed and verified', async () => {
    const [id] = await adoptWith([action(['MTPE'])]);
    expect(await task(id!)).toMatchObject({ status: 'asignada', responsible: ['MTPE'], pendingFor: ['MTPE'], percent: 0 });
    const told = await eventually(async () => (await mesa.call('MTPE', 'GET', '/api/v1/inbox')).body.items
      .find((i: { kind: string; taskId: string }) => i.kind === 'tarea_asignada' && i.taskId === id));
    expect(told.read).toBe(false);
    expect((await mesa.call('MINSA', 'POST', `/api/v1/inbox/${encodeURIComponent(told.id)}/read`, {})).status).toBe(404);
    expect((await mesa.call('MTPE', 'POST', `/api/v1/inbox/${encodeURIComponent(told.id)}/read`, {})).body).toEqual({ id: told.id, read: true });
    expect((await mesa.call('MTPE', 'GET', '/api/v1/inbox')).body.items.find((i: { id: string }) => i.id === told.id).read).toBe(true);

    // What awaits MTPE comes first in its inbox, with the due date.
    const waiting = (await mesa.call('MTPE', 'GET', '/api/v1/inbox')).body.items[0];
    expect(waiting).toMatchObject({ kind: 'pendiente', taskId: id, title: 'Tarea por aceptar: Guía para retornantes', read: false });
    expect(waiting.dueAt).toBe((await task(id!)).dueAt);
    expect((await post('MTPE', id!, 'progress', { percent: 10, note: 'x' })).status).toBe(409); // not accepted yet
    expect((await post('MTPE', id!, 'accept')).body).toMatchObject({ status: 'en_ejecucion', accepted: ['MTPE'] });
    const progress = await post('MTPE', id!, 'progress', { percent: 40, note: 'Borrador listo.', evidenceUrl: 'https://www.gob.pe/mtpe/borrador' });
    expect(progress.status).toBe(201);
    expect(progress.body).toMatchObject({ institution: 'MTPE', percent: 40, note: 'Borrador listo.' });
    const back = await post('MTPE', id!, 'progress', { percent: 30 });
    expect(back.status).toBe(422);
    expect(back.body.error.message).toMatch(/note/);
    expect((await post('MTPE', id!, 'progress', { percent: 30, note: 'Se rehízo un capítulo.' })).status).toBe(201);

    expect((await post('MTPE', id!, 'completion', { summary: 'Guía publicada en gob.pe.' })).body).toMatchObject({ status: 'completada', percent: 100, pendingFor: ['SECRETARIA'] });
    expect((await post('MTPE', id!, 'verification', { accepted: true, comment: '' })).status).toBe(403);
    expect((await post('SECRETARIA', id!, 'verification', { accepted: true, comment: 'Conforme.' })).body).toMatchObject({ status: 'verificada', pendingFor: [] });
    expect((await post('MTPE', id!, 'progress', { percent: 100, note: 'x' })).status).toBe(409);

    const audit = (await mesa.call('MINSA', 'GET', `/api/v1/tasks/${id}/audit`)).body;
    expect(audit.verified).toBe(true);
    expect(audit.events.map((e: { action: string }) => e.action)).toEqual(['asignada', 'aceptada', 'avance', 'avance', 'completada', 'verificada']);
    await keepHistory(mesa, 'task-accepted-to-verified', taskWorkflowId(id!));
  });

  it('is returned with observations, reopened, and then accepted', async () => {
    const [id] = await adoptWith([action(['MINEDU'])]);
    await post('MINEDU', id!, 'accept');
    await post('MINEDU', id!, 'completion', { summary: 'Primera entrega.' });
    expect((await post('SECRETARIA', id!, 'verification', { accepted: false, comment: '' })).status).toBe(422);
    const returned = await post('SECRETARIA', id!, 'verification', { accepted: false, comment: 'Falta la versión en quechua.' });
    expect(returned.body).toMatchObject({ status: 'en_ejecucion', pendingFor: ['MINEDU'] });
    await eventually(async () => (await mesa.call('MINEDU', 'GET', '/api/v1/inbox')).body.items.some((i: { kind: string; title: string }) => i.kind === 'tarea_devuelta' && /quechua/.test(i.title)));
    await post('MINEDU', id!, 'completion', { summary: 'Con versión en quechua.' });
    expect((await post('SECRETARIA', id!, 'verification', { accepted: true, comment: 'Conforme.' })).body.status).toBe('verificada');
    await keepHistory(mesa, 'task-returned-then-verified', taskWorkflowId(id!));
  });

  it('with two institutions needs both to accept and both to complete', async () => {
    const [id] = await adoptWith([action(['MIGRACIONES', 'RREE'])]);
    expect((await post('MIGRACIONES', id!, 'accept')).body).toMatchObject({ status: 'asignada', pendingFor: ['RREE'] });
    expect((await post('MIGRACIONES', id!, 'completion', { summary: 'x' })).status).toBe(409);
    expect((await post('RREE', id!, 'accept')).body.status).toBe('en_ejecucion');
    await post('MIGRACIONES', id!, 'progress', { percent: 50, note: 'Módulo instalado.' });
    await post('RREE', id!, 'progress', { percent: 20, note: 'Consulados informados.' });
    const t = await task(id!);
    expect(t.lines).toEqual([
      { institution: 'MIGRACIONES', accepted: true, completed: false, percent: 50 },
      { institution: 'RREE', accepted: true, completed: false, percent: 20 },
    ]);
    expect(t.percent).toBe(35);
    expect((await post('MIGRACIONES', id!, 'completion', { summary: 'Listo.' })).body.status).toBe('en_ejecucion');
    expect((await post('RREE', id!, 'completion', { summary: 'Listo.' })).body.status).toBe('completada');
  });

  it('cannot be reported on by another ministry, and nothing is recorded', async () => {
    const [id] = await adoptWith([action(['MTPE'])]);
    await post('MTPE', id!, 'accept');
    const before = (await mesa.call('MTPE', 'GET', `/api/v1/tasks/${id}/audit`)).body.events.length;
    const res = await post('MINSA', id!, 'progress', { percent: 90, note: 'Intento ajeno.' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/MINSA no es responsable/);
    expect((await post('AFAMIPER', id!, 'progress', { percent: 90, note: 'x' })).status).toBe(403);
    expect((await task(id!)).progress).toEqual([]);
    expect((await mesa.call('MTPE', 'GET', `/api/v1/tasks/${id}/audit`)).body.events.length).toBe(before);
  });
});

describe('requests to change a task', () => {
  it('grants a new due date, and refuses a reassignment, which returns the task to the institution', async () => {
    const [dateTask, reassignTask] = await adoptWith([action(['PRODUCE']), action(['SUNAT'], { title: 'Beneficios tributarios' })]);
    const due = '2030-06-30T17:00:00.000Z';
    expect((await post('PRODUCE', dateTask!, 'reassignment-request', { reason: 'Requiere presupuesto 2030.', proposedDueDate: due })).body.pendingFor).toEqual(['SECRETARIA']);
    expect((await post('PRODUCE', dateTask!, 'accept')).status).toBe(409);
    const granted = await post('SECRETARIA', dateTask!, 'reassignment-decision', { granted: true, comment: 'Se concede.' });
    expect(granted.body).toMatchObject({ dueAt: due, status: 'asignada', pendingFor: ['PRODUCE'] });

    await post('SUNAT', reassignTask!, 'reassignment-request', { reason: 'Corresponde al MEF.' });
    const refused = await post('SECRETARIA', reassignTask!, 'reassignment-decision', { granted: false, comment: 'SUNAT tiene la competencia.' });
    expect(refused.body).toMatchObject({ responsible: ['SUNAT'], status: 'asignada', pendingFor: ['SUNAT'] });
    expect((await post('SUNAT', reassignTask!, 'accept')).body.status).toBe('en_ejecucion');
  });

  it('grants a reassignment to the institutions the secretariat names', async () => {
    const [id] = await adoptWith([action(['SUNAT'])]);
    await post('SUNAT', id!, 'reassignment-request', { reason: 'Corresponde al MEF.' });
    expect((await post('SECRETARIA', id!, 'reassignment-decision', { granted: true, comment: 'Se reasigna.' })).status).toBe(422);
    const moved = await post('SECRETARIA', id!, 'reassignment-decision', { granted: true, comment: 'Se reasigna.', responsible: ['MEF'] });
    expect(moved.body).toMatchObject({ responsible: ['MEF'], status: 'asignada', pendingFor: ['MEF'] });
    expect((await post('SUNAT', id!, 'accept')).status).toBe(403);
    expect((await post('MEF', id!, 'accept')).body.status).toBe('en_ejecucion');
  });
});

describe('deadlines', () => {
  it('reminds before the due date and escalates when overdue, to the institution and the secretariat', async () => {
    const [id] = await adoptWith([action(['MIMP'], { dueIn: 'PT4S', reminders: ['PT2S'] })]);
    await post('MIMP', id!, 'accept');
    const overdue = await eventually(async () => {
      const t = await task(id!);
      return t.overdue ? t : undefined;
    });
    expect(overdue.status).toBe('en_ejecucion');
    expect((await mesa.call('MIMP', 'GET', `/api/v1/tasks?overdue=true&institution=MIMP`)).body.items.map((t: { id: string }) => t.id)).toContain(id);
    const kinds = async (code: string) => (await mesa.call(code, 'GET', '/api/v1/inbox')).body.items
      .filter((i: { taskId?: string; kind: string }) => i.taskId === id && i.kind !== 'pendiente').map((i: { kind: string }) => i.kind).sort();
    await eventually(async () => (await kinds('SECRETARIA')).includes('tarea_vencida'));
    expect(await kinds('MIMP')).toEqual(['tarea_asignada', 'tarea_por_vencer', 'tarea_vencida']);
    await keepHistory(mesa, 'task-overdue', taskWorkflowId(id!));
  });
});

describe('a task that runs for months', () => {
  it('takes an acceptance sent the moment the task starts, before its assignment is recorded, as the next event', async () => {
    // The page can show a task a moment before its workflow learns the assignment is recorded; an
    // acceptance sent then is taken once the assignment is in, not refused.
    const [first] = await adoptWith([action(['MTPE'])]);
    const adopted = await task(first!);
    const taskId = `${adopted.proposalId}-t2`;
    const handle = await mesa.client.workflow.start(taskWorkflow, {
      taskQueue: mesa.taskQueue, workflowId: taskWorkflowId(taskId),
      args: [{ taskId, proposalId: adopted.proposalId, agreementNumber: adopted.agreementNumber, index: 2, action: action(['MTPE'], { title: 'Protocolo consular' }), adoptedAt: new Date().toISOString() }],
    });
    const mtpe = (await mesa.call('MTPE', 'GET', '/api/v1/me')).body;
    const accepted = await handle.executeUpdate(acceptTaskUpdate, { args: [{ actor: { userId: mtpe.id, institution: 'MTPE', kind: 'miembro' } }] });
    expect(accepted).toMatchObject({ seq: 2 });
    expect(await task(taskId)).toMatchObject({ status: 'en_ejecucion', accepted: ['MTPE'] });
    const audit = (await mesa.call('MTPE', 'GET', `/api/v1/tasks/${taskId}/audit`)).body;
    expect(audit.events.map((e: { action: string }) => e.action)).toEqual(['asignada', 'aceptada']);
  });

  it('continues as new when its run reaches the cap on updates, and keeps its state, reminders and trail', async () => {
    // The adopted proposal's own task shows the number; a second task of the same agreement is
    // started directly with a cap of 3 updates per run, so the test crosses run boundaries.
    const [first] = await adoptWith([action(['MTPE'])]);
    const adopted = await task(first!);
    const taskId = `${adopted.proposalId}-t2`;
    const planned = action(['MTPE', 'RREE'], { title: 'Protocolo consular' });
    await mesa.client.workflow.start(taskWorkflow, {
      taskQueue: mesa.taskQueue, workflowId: taskWorkflowId(taskId),
      args: [{ taskId, proposalId: adopted.proposalId, agreementNumber: adopted.agreementNumber, index: 2, action: planned, adoptedAt: new Date().toISOString(), updatesPerRun: 3 }],
    });
    const dueAt = (await eventually(async () => {
      const t = (await mesa.call('SECRETARIA', 'GET', `/api/v1/tasks/${taskId}`)).body;
      return t.status === 'asignada' ? t : undefined;
    })).dueAt;
    // Run 1: three updates, then the hand-over.
    expect((await post('MTPE', taskId, 'accept')).status).toBe(200);
    expect((await post('MTPE', taskId, 'progress', { percent: 30, note: 'Borrador.' })).status).toBe(201);
    expect((await post('RREE', taskId, 'reassignment-request', { reason: 'Sin presupuesto este año.', proposedDueDate: new Date(Date.now() + 200 * 86_400_000).toISOString() })).status).toBe(200);
    // Run 2: the request pending in run 1 is decided, the lines accepted in run 1 still count.
    const decided = await post('SECRETARIA', taskId, 'reassignment-decision', { granted: true, comment: 'Se amplía el plazo.' });
    expect(decided.status).toBe(200);
    expect(decided.body.dueAt).not.toBe(dueAt);
    expect((await post('MTPE', taskId, 'accept')).status).toBe(409); // already accepted, in the earlier run
    expect((await post('RREE', taskId, 'accept')).body).toMatchObject({ status: 'en_ejecucion', accepted: ['MTPE', 'RREE'] });
    expect((await post('MTPE', taskId, 'progress', { percent: 20 })).status).toBe(422); // down from 30 % needs a note
    // Run 3 and on: completion and verification.
    await post('MTPE', taskId, 'completion', { summary: 'Protocolo redactado.' });
    expect((await post('RREE', taskId, 'completion', { summary: 'Consulados informados.' })).body).toMatchObject({ status: 'completada', percent: 100 });
    expect((await post('SECRETARIA', taskId, 'verification', { accepted: true, comment: 'Conforme.' })).body.status).toBe('verificada');

    const audit = (await mesa.call('MINSA', 'GET', `/api/v1/tasks/${taskId}/audit`)).body;
    expect(audit.verified).toBe(true);
    expect(audit.events.map((e: { action: string }) => e.action)).toEqual([
      'asignada', 'aceptada', 'avance', 'nueva_fecha_solicitada', 'solicitud_concedida', 'aceptada', 'completada', 'completada', 'verificada',
    ]);
    const runs: Array<{ status: string; runId: string; startTime: Date }> = [];
    for await (const w of mesa.client.workflow.list({ query: `WorkflowId = '${taskWorkflowId(taskId)}'` })) runs.push({ status: w.status.name, runId: w.runId, startTime: w.startTime });
    expect(runs.filter((r) => r.status === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(2);
    expect(runs.filter((r) => r.status === 'COMPLETED')).toHaveLength(1);
    // The first run (assignment to hand-over) and the last (resumed to verification).
    const firstRun = runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime())[0]!;
    await keepHistory(mesa, 'task-continued-as-new-first-run', taskWorkflowId(taskId), firstRun.runId);
    await keepHistory(mesa, 'task-continued-as-new-then-verified', taskWorkflowId(taskId));
  });
});
