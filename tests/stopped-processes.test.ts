// A process whose workflow an operator terminated (`temporal workflow terminate`) while the
// projection still shows it open: it is shown stopped, refuses actions saying so, leaves the
// inboxes, and the secretariat resumes it where it was or closes it with a reason.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProcesses } from '../engine/supervision';
import { proposalSignoffs } from '../db/schema';
import { proposalWorkflowId } from '../workflows/messages';
import { taskWorkflowId } from '../workflows/task-messages';
import { adoptWith, eventually, launchBody, memberCodes, startMesa, type Mesa } from './harness';
import { webVisitor as visitorOf } from './web-visitor';

let mesa: Mesa;
beforeAll(async () => {
  mesa = await startMesa();
});
afterAll(async () => {
  await mesa?.close();
});

const launchRound = async (title: string) => {
  const res = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ title, stages: ['conformidad'], reminders: [] }));
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const sign = (code: string, id: string) => mesa.call(code, 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' });
const terminate = (workflowId: string) => mesa.client.workflow.getHandle(workflowId).terminate('error de operación');
const pendingIn = async (code: string, id: string) => (await mesa.call(code, 'GET', '/api/v1/inbox')).body.items
  .some((i: { kind: string; proposalId?: string; taskId?: string }) => i.kind === 'pendiente' && (i.proposalId === id || i.taskId === id));

describe('a proposal whose workflow was terminated', () => {
  it('is shown stopped, refuses actions saying the secretariat can resume it, and resumed keeps its round', async () => {
    const id = await launchRound('Protocolo de retornantes: proceso detenido y reanudado');
    const early = memberCodes.slice(0, 5);
    for (const code of early) expect((await sign(code, id)).status).toBe(200);
    expect(await pendingIn('MINSA', id)).toBe(true);
    await terminate(proposalWorkflowId(id));

    // The first action after the stop finds it: 409 saying so, and the proposal is shown stopped.
    const refused = await sign('MINSA', id);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('stopped');
    expect(refused.body.error.message).toMatch(/está detenida.*Secretaría Técnica puede reanudarla/);
    const shown = (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body;
    expect(shown.status).toBe('en_curso');
    expect(shown.stopped).toMatchObject({ engineStatus: 'TERMINATED' });
    expect(await pendingIn('MINSA', id)).toBe(false);
    const stoppedList = (await mesa.call('SECRETARIA', 'GET', '/api/v1/processes/stopped')).body.items;
    expect(stoppedList).toContainEqual(expect.objectContaining({ kind: 'propuesta', id, title: 'Protocolo de retornantes: proceso detenido y reanudado' }));
    expect((await mesa.call('MINSA', 'GET', '/api/v1/processes/stopped')).status).toBe(403);

    // The page offers a member no sign-off, and the secretariat the recovery form.
    const minsa = await visitorOf(mesa.app, 'MINSA');
    const memberPage = await minsa.get(`/propuestas/${id}`);
    expect(memberPage).toContain('Detenida');
    expect(memberPage).not.toContain(`action="/propuestas/${id}/conformidad"`);
    const secretaria = await visitorOf(mesa.app, 'SECRETARIA');
    const page = await secretaria.get(`/propuestas/${id}`);
    expect(page).toContain(`action="/propuestas/${id}/recuperacion"`);
    const home = await secretaria.get('/');
    expect(home).toContain('Procesos detenidos');
    expect(home).toContain(`href="/propuestas/${id}"`);
    // Lists mark it too, from the database alone, and not the proposal beside it that runs.
    const running = await launchRound('Protocolo de retornantes: en curso al lado');
    const listed = (await mesa.call('SECRETARIA', 'GET', '/api/v1/proposals?limit=100')).body.items;
    expect(listed.find((p: { id: string }) => p.id === id)).toMatchObject({ stopped: true });
    expect(listed.find((p: { id: string }) => p.id === running)).not.toHaveProperty('stopped');
    expect(listed.filter((p: { stopped?: boolean }) => p.stopped)).toHaveLength(1);
    await secretaria.get(`/propuestas/${id}`);

    // Resumed from the web form: the round goes on with the five positions it had.
    const resumed = await secretaria.post(`/propuestas/${id}/recuperacion`, {
      _csrf: secretaria.csrf(), _once: secretaria.once(), action: 'reanudar', reason: 'Terminado por error al limpiar el servidor.',
    });
    expect(resumed.statusCode).toBe(303);
    expect((await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`)).body).not.toHaveProperty('stopped');
    expect(await pendingIn('MINSA', id)).toBe(true);
    const rest = await Promise.all(memberCodes.filter((c) => !early.includes(c)).map((code) => sign(code, id)));
    expect(rest.map((r) => r.status)).toEqual(Array(17).fill(200));
    const adopted = await eventually(async () => {
      const p = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`)).body;
      return p.status === 'adoptada' ? p : undefined;
    });
    expect(adopted.signoffs).toHaveLength(22);
    const rows = await mesa.database.db.select().from(proposalSignoffs).where(eq(proposalSignoffs.proposalId, id));
    expect(rows).toHaveLength(22);
    const audit = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}/audit`)).body;
    expect(audit.verified).toBe(true);
  }, 120_000);

  it('is found by the periodic check, and closed by the secretariat with its reason in the audit trail', async () => {
    const id = await launchRound('Protocolo de retornantes: proceso detenido y cerrado');
    expect((await sign('RREE', id)).status).toBe(200);
    await terminate(proposalWorkflowId(id));
    // The check reads Temporal's visibility listing, which can show a just-terminated workflow as
    // running for a moment: a later run of the check (every minute) finds it.
    const { stopped } = await eventually(async () => {
      const found = await checkProcesses(mesa.database.db, mesa.client);
      return found.stopped.some((s) => s.id === id) ? found : undefined;
    });
    expect(stopped).toContainEqual({ kind: 'propuesta', id });
    expect((await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`)).body.stopped).toMatchObject({ engineStatus: 'TERMINATED' });

    // Only the secretariat recovers, and only with a reason.
    expect((await mesa.call('MINSA', 'POST', `/api/v1/proposals/${id}/recovery`, { action: 'cerrar', reason: 'x' })).status).toBe(403);
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/recovery`, { action: 'cerrar', reason: '' })).status).toBe(400);
    const reason = 'Se reformulará en una nueva propuesta.';
    const closed = await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/recovery`, { action: 'cerrar', reason });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'retirada', stage: 'cerrada' });
    expect((await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`)).body).not.toHaveProperty('stopped');
    expect(await pendingIn('MINSA', id)).toBe(false);
    const audit = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}/audit`)).body;
    expect(audit.verified).toBe(true);
    expect(audit.events.at(-1)).toMatchObject({ action: 'cerrada_tras_detencion', data: expect.objectContaining({ reason }) });
    // Closed is closed: no action, no second recovery, and the check no longer lists it.
    expect((await sign('MINSA', id)).body.error.message).toMatch(/cerrada \(retirada\)/);
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/recovery`, { action: 'reanudar', reason })).status).toBe(409);
    expect((await checkProcesses(mesa.database.db, mesa.client)).stopped).not.toContainEqual({ kind: 'propuesta', id });
  }, 120_000);

  it('leaves running processes alone: the check lists none of them', async () => {
    const id = await launchRound('Protocolo de retornantes: en curso');
    const { stopped } = await checkProcesses(mesa.database.db, mesa.client);
    expect(stopped).not.toContainEqual({ kind: 'propuesta', id });
    const refused = await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/recovery`, { action: 'reanudar', reason: 'Por si acaso.' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/no está detenida/);
  });
});

describe('a task whose workflow was terminated', () => {
  it('refuses acceptance as stopped and, resumed, is accepted by its ministry', async () => {
    const [taskId] = await adoptWith(mesa, [{ title: 'Módulo de atención', responsible: ['MIGRACIONES'], dueIn: 'P90D', deliverable: 'Módulo operativo' }]);
    await eventually(async () => pendingIn('MIGRACIONES', taskId!));
    await terminate(taskWorkflowId(taskId!));
    const refused = await mesa.call('MIGRACIONES', 'POST', `/api/v1/tasks/${taskId}/accept`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/La tarea está detenida/);
    expect((await mesa.call('MIGRACIONES', 'GET', `/api/v1/tasks/${taskId}`)).body.stopped).toMatchObject({ engineStatus: 'TERMINATED' });
    // The list of tasks says so too, and of each task what its own page says.
    const listed = (await mesa.call('MIGRACIONES', 'GET', '/api/v1/tasks?institution=MIGRACIONES')).body.items as Array<{ id: string; stopped?: boolean }>;
    expect(listed.find((t) => t.id === taskId)).toMatchObject({ stopped: true });
    for (const t of listed) {
      expect(Boolean(t.stopped), t.id).toBe(Boolean((await mesa.call('MIGRACIONES', 'GET', `/api/v1/tasks/${t.id}`)).body.stopped));
    }
    expect(await pendingIn('MIGRACIONES', taskId!)).toBe(false);
    const closing = await mesa.call('SECRETARIA', 'POST', `/api/v1/tasks/${taskId}/recovery`, { action: 'cerrar', reason: 'No.' });
    expect(closing.status).toBe(422);
    const resumed = await mesa.call('SECRETARIA', 'POST', `/api/v1/tasks/${taskId}/recovery`, { action: 'reanudar', reason: 'Terminada por error.' });
    expect(resumed.status).toBe(200);
    const accepted = await mesa.call('MIGRACIONES', 'POST', `/api/v1/tasks/${taskId}/accept`, {});
    expect(accepted.status).toBe(200);
    expect(accepted.body.accepted).toEqual(['MIGRACIONES']);
  }, 120_000);
});
