// Nothing a participant sends can stop a process: text the database would refuse, dates that are
// not instants, durations past the range of dates, ids that name the prototype of an object, an
// update sent straight to Temporal, and a write the database refuses for one event. Each is
// refused to its sender alone, and the same proposal or task then goes on for everyone else.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../db/client';
import { instantPattern, textPatterns } from '../domain/text';
import {
  answerInputUpdate, commentUpdate, proposalWorkflowId, refusals, signoffUpdate, submitInputUpdate, withdrawUpdate, type Actor,
} from '../workflows/messages';
import { decideRequestUpdate, reportProgressUpdate, requestChangeUpdate, taskWorkflowId } from '../workflows/task-messages';
import { adoptWith, eventually, launchBody, memberCodes, startMesa, type Mesa } from './harness';

let mesa: Mesa;
beforeAll(async () => {
  mesa = await startMesa();
}, 120_000);
afterAll(async () => {
  await mesa?.close();
});

const poisons = { nul: 'a\u0000b', surrogate: '\ud800' };

/** Expects a 400 that names `field`, in the contract's error body. */
async function expectRefusedField(answer: Promise<{ status: number; body: any }>, field: string) {
  const { status, body } = await answer;
  expect({ status, field: body?.error?.details?.field }).toEqual({ status: 400, field });
  expect(body.error.message).toContain(`«${field}»`);
}

const proposal = (id: string) => mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`).then((r) => r.body);

/** The demo user of an institution, as the API would name it to the workflow. */
async function actorFor(code: string): Promise<Actor> {
  const me = await mesa.call(code, 'GET', '/api/v1/me');
  return { userId: me.body.id, institution: code, kind: me.body.institution.kind };
}

/** Every member approves; the round closes and the proposal is adopted. */
async function adoptByAll(id: string, except: string[] = []) {
  const answers = await Promise.all(memberCodes.filter((c) => !except.includes(c))
    .map((code) => mesa.call(code, 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' })));
  expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
}

describe('text the database would refuse', () => {
  it('gives 400 naming the field on every proposal route that records text, and the proposal then takes its sign-offs and closes its round', async () => {
    const launch = (body: object) => mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', body);
    for (const bad of Object.values(poisons)) {
      await expectRefusedField(launch(launchBody({ title: bad })), 'title');
      await expectRefusedField(launch(launchBody({ summary: `Resumen ${bad}` })), 'summary');
      await expectRefusedField(launch(launchBody({ text: bad })), 'text');
      const action = launchBody().actions[0]!;
      await expectRefusedField(launch(launchBody({ actions: [{ ...action, title: bad }] })), 'actions[0].title');
      await expectRefusedField(launch(launchBody({ actions: [{ ...action, deliverable: bad }] })), 'actions[0].deliverable');
    }
    await expectRefusedField(launch(launchBody({ title: 'Título\ren dos líneas' })), 'title');

    const launched = await launch(launchBody({ stages: ['grupo_de_trabajo', 'consulta', 'revision', 'conformidad'] }));
    expect(launched.status).toBe(201);
    const id = launched.body.id as string;
    const path = `/api/v1/proposals/${id}`;

    for (const bad of Object.values(poisons)) {
      await expectRefusedField(mesa.call('SECRETARIA', 'POST', `${path}/working-group-decision`, { decision: 'devolver', reason: bad }), 'reason');
      await expectRefusedField(mesa.call('MINSA', 'POST', `${path}/comments`, { text: bad }), 'text');
      await expectRefusedField(mesa.call('SECRETARIA', 'POST', `${path}/withdraw`, { reason: bad }), 'reason');
    }
    expect((await mesa.call('SECRETARIA', 'POST', `${path}/working-group-decision`, { decision: 'avanzar' })).status).toBe(200);

    for (const bad of Object.values(poisons)) {
      await expectRefusedField(mesa.call('AFAMIPER', 'POST', `${path}/inputs`, { kind: 'comentario', text: bad }), 'text');
    }
    const input = await mesa.call('AFAMIPER', 'POST', `${path}/inputs`, { kind: 'comentario', text: 'Incluir a las familias.' });
    expect(input.status).toBe(201);
    const answer = `${path}/inputs/${input.body.id}/answer`;
    for (const bad of Object.values(poisons)) {
      await expectRefusedField(mesa.call('SECRETARIA', 'POST', answer, { decision: 'acogida', reason: bad }), 'reason');
    }
    expect((await mesa.call('SECRETARIA', 'POST', answer, { decision: 'acogida', reason: 'Se incorpora.' })).status).toBe(200);

    // An input is answered once; changing the answer is a correction that says it is one.
    const again = await mesa.call('SECRETARIA', 'POST', answer, { decision: 'no_acogida', reason: 'Otra respuesta.' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/correction/);
    const corrected = await mesa.call('SECRETARIA', 'POST', answer, { decision: 'parcialmente_acogida', reason: 'Se incorpora en parte.', correction: true });
    expect(corrected.status).toBe(200);
    expect(corrected.body.answer).toMatchObject({ decision: 'parcialmente_acogida' });
    const audit = (await mesa.call('SECRETARIA', 'GET', `${path}/audit`)).body;
    expect(audit.events.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['aporte_respondido', 'respuesta_corregida']));
    const told = (await mesa.call('AFAMIPER', 'GET', '/api/v1/inbox')).body;
    expect(JSON.stringify(told)).toContain('Se corrigió la respuesta a su aporte');

    expect((await mesa.call('SECRETARIA', 'POST', `${path}/advance`, {})).status).toBe(200);
    for (const bad of Object.values(poisons)) {
      await expectRefusedField(mesa.call('SECRETARIA', 'POST', `${path}/versions`, { text: bad, changeSummary: 'Cambios.' }), 'text');
      await expectRefusedField(mesa.call('SECRETARIA', 'POST', `${path}/versions`, { text: 'Texto nuevo.', changeSummary: bad }), 'changeSummary');
    }
    expect((await mesa.call('SECRETARIA', 'POST', `${path}/advance`, {})).status).toBe(200);
    expect((await proposal(id)).stage).toBe('conformidad');

    for (const bad of Object.values(poisons)) {
      await expectRefusedField(mesa.call('MINSA', 'POST', `${path}/signoffs`, { position: 'objeta', comment: bad }), 'comment');
    }
    await adoptByAll(id);
    const closed = await eventually(async () => ((await proposal(id)).status === 'adoptada' ? proposal(id) : undefined));
    expect(closed.pendingFor).toEqual([]);
    expect((await mesa.call('SECRETARIA', 'GET', `${path}/audit`)).body.verified).toBe(true);
  }, 120_000);

  it('gives 400 naming the field on every task route that records text, and the task is then completed and verified', async () => {
    const [taskId] = await adoptWith(mesa, [{ title: 'Registro de retornantes', responsible: ['MIGRACIONES', 'RREE'], dueIn: 'P60D', deliverable: 'Registro' }]);
    const path = `/api/v1/tasks/${taskId}`;
    for (const bad of Object.values(poisons)) {
      await expectRefusedField(mesa.call('MIGRACIONES', 'POST', `${path}/reassignment-request`, { reason: bad }), 'reason');
    }
    await expectRefusedField(mesa.call('MIGRACIONES', 'POST', `${path}/reassignment-request`, { reason: 'Más plazo.', proposedDueDate: '2027-01-01T23:59:60Z' }), 'proposedDueDate');
    await expectRefusedField(mesa.call('MIGRACIONES', 'POST', `${path}/reassignment-request`, { reason: 'Más plazo.', proposedDueDate: '2027-02-30T10:00:00Z' }), 'proposedDueDate');

    expect((await mesa.call('MIGRACIONES', 'POST', `${path}/reassignment-request`, { reason: 'No nos corresponde.' })).status).toBe(200);
    for (const bad of Object.values(poisons)) {
      await expectRefusedField(mesa.call('SECRETARIA', 'POST', `${path}/reassignment-decision`, { granted: false, comment: bad }), 'comment');
    }
    // Reassignment names active member institutions only: no OSC, no unknown code, no prototype name.
    for (const code of ['AFAMIPER', 'NADIE', '__proto__', 'constructor', 'toString']) {
      await expectRefusedField(mesa.call('SECRETARIA', 'POST', `${path}/reassignment-decision`, { granted: true, comment: 'Se reasigna.', responsible: [code] }), 'responsible[0]');
    }
    expect((await mesa.call('SECRETARIA', 'POST', `${path}/reassignment-decision`, { granted: false, comment: 'Le corresponde.' })).status).toBe(200);

    for (const code of ['MIGRACIONES', 'RREE']) expect((await mesa.call(code, 'POST', `${path}/accept`, {})).status).toBe(200);
    for (const bad of Object.values(poisons)) {
      await expectRefusedField(mesa.call('RREE', 'POST', `${path}/progress`, { percent: 50, note: bad }), 'note');
      await expectRefusedField(mesa.call('RREE', 'POST', `${path}/completion`, { summary: bad }), 'summary');
    }
    expect((await mesa.call('RREE', 'POST', `${path}/completion`, { summary: 'Consulados informados.' })).status).toBe(200);

    // Handing MIGRACIONES's part to RREE alone would leave only a completed line: refused.
    expect((await mesa.call('MIGRACIONES', 'POST', `${path}/reassignment-request`, { reason: 'Que lo termine RREE.' })).status).toBe(200);
    const onlyCompleted = await mesa.call('SECRETARIA', 'POST', `${path}/reassignment-decision`, { granted: true, comment: 'A RREE.', responsible: ['RREE'] });
    expect(onlyCompleted.status).toBe(422);
    expect(onlyCompleted.body.error.message).toMatch(/completaron/);
    const self = await mesa.call('SECRETARIA', 'POST', `${path}/reassignment-decision`, { granted: true, comment: 'A sí misma.', responsible: ['MIGRACIONES', 'MINSA'] });
    expect(self.status).toBe(422);
    expect((await mesa.call('SECRETARIA', 'POST', `${path}/reassignment-decision`, { granted: false, comment: 'Debe terminarla.' })).status).toBe(200);

    expect((await mesa.call('MIGRACIONES', 'POST', `${path}/completion`, { summary: 'Módulo operativo.' })).status).toBe(200);
    for (const bad of Object.values(poisons)) {
      await expectRefusedField(mesa.call('SECRETARIA', 'POST', `${path}/verification`, { accepted: true, comment: bad }), 'comment');
    }
    const verified = await mesa.call('SECRETARIA', 'POST', `${path}/verification`, { accepted: true, comment: 'Conforme.' });
    expect(verified.status).toBe(200);
    expect(verified.body.status).toBe('verificada');
  }, 120_000);
});

describe('dates, durations and ids that would stop a process', () => {
  it('refuses huge durations and prototype names at launch with 400, and launching still works', async () => {
    const launch = (body: object) => mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', body);
    const action = launchBody().actions[0]!;
    await expectRefusedField(launch(launchBody({ deadlines: { conformidad: 'P300000Y' } })), 'deadlines.conformidad');
    await expectRefusedField(launch(launchBody({ deadlines: { consulta: 'PT99999999999999999999S' } })), 'deadlines.consulta');
    await expectRefusedField(launch(launchBody({ extension: 'P11Y' })), 'extension');
    await expectRefusedField(launch(launchBody({ reminders: ['P300000Y'] })), 'reminders[0]');
    await expectRefusedField(launch(launchBody({ actions: [{ ...action, dueIn: 'PT99999999999999999999S' }] })), 'actions[0].dueIn');
    await expectRefusedField(launch(launchBody({ actions: [{ ...action, dueIn: 'P300000Y' }] })), 'actions[0].dueIn');
    await expectRefusedField(launch(launchBody({ actions: [{ ...action, reminders: ['P300000Y'] }] })), 'actions[0].reminders[0]');
    for (const code of ['__proto__', 'constructor', 'toString']) {
      await expectRefusedField(launch(launchBody({ leadWorkingGroup: code })), 'leadWorkingGroup');
      await expectRefusedField(launch(launchBody({ workingGroups: [code] })), 'workingGroups[0]');
      await expectRefusedField(launch(launchBody({ actions: [{ ...action, responsible: [code] }] })), 'actions[0].responsible[0]');
    }
    const launched = await launch(launchBody({ stages: ['consulta', 'conformidad'] }));
    expect(launched.status).toBe(201);
    const id = launched.body.id as string;

    // Prototype names as an input id, a proposal, a task or an institution: a clean 4xx, never a crash.
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const answered = await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/inputs/${name}/answer`, { decision: 'acogida', reason: 'Sí.' });
      expect(answered.status).toBe(404);
      expect((await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${name}`)).status).toBe(404);
      expect((await mesa.call('MINSA', 'POST', `/api/v1/tasks/${name}/accept`, {})).status).toBe(404);
      const contacts = await mesa.call('SECRETARIA', 'PUT', `/api/v1/institutions/${name}/contacts`, { titular: { name: 'A', email: 'a@b.pe' }, alterno: null, webhook: null });
      expect(contacts.status).toBeGreaterThanOrEqual(400);
      expect(contacts.status).toBeLessThan(500);
      expect(contacts.body.error.code).toBeTruthy();
    }
    const input = await mesa.call('OIM', 'POST', `/api/v1/proposals/${id}/inputs`, { kind: 'comentario', text: 'Aporte.' });
    expect(input.status).toBe(201);
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/inputs/${input.body.id}/answer`, { decision: 'acogida', reason: 'Sí.' })).status).toBe(200);
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/advance`, {})).status).toBe(200);
    await adoptByAll(id);
    await eventually(async () => (await proposal(id)).status === 'adoptada');
  }, 120_000);
});

describe('an update sent straight to Temporal', () => {
  /** The refusal's type, or null when the update was accepted. */
  async function refusalOf(run: () => Promise<unknown>): Promise<string | null> {
    try {
      await run();
      return null;
    } catch (e) {
      expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (e as WorkflowUpdateFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      return (cause as ApplicationFailure).type ?? null;
    }
  }

  it('is refused by its validator when it carries poison, and the proposal and its task still work', async () => {
    const launched = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['consulta', 'conformidad'] }));
    const id = launched.body.id as string;
    const handle = mesa.client.workflow.getHandle(proposalWorkflowId(id));
    const [minsa, oim, secretaria] = await Promise.all([actorFor('MINSA'), actorFor('OIM'), actorFor('SECRETARIA')]);
    for (const bad of Object.values(poisons)) {
      expect(await refusalOf(() => handle.executeUpdate(commentUpdate, { args: [{ actor: minsa, text: bad }] }))).toBe(refusals.invalid);
      expect(await refusalOf(() => handle.executeUpdate(submitInputUpdate, { args: [{ actor: oim, kind: 'comentario', text: bad }] }))).toBe(refusals.invalid);
      expect(await refusalOf(() => handle.executeUpdate(withdrawUpdate, { args: [{ actor: secretaria, reason: bad }] }))).toBe(refusals.invalid);
    }
    expect(await refusalOf(() => handle.executeUpdate(submitInputUpdate, { args: [{ actor: oim, kind: 'otro' as 'comentario', text: 'Aporte.' }] }))).toBe(refusals.invalid);
    for (const inputId of ['__proto__', 'constructor', 'toString']) {
      expect(await refusalOf(() => handle.executeUpdate(answerInputUpdate, { args: [{ actor: secretaria, inputId, decision: 'acogida', reason: 'Sí.' }] }))).toBe(refusals.notFound);
    }
    const { inputId } = await handle.executeUpdate(submitInputUpdate, { args: [{ actor: oim, kind: 'comentario', text: 'Aporte válido.' }] });
    expect(await refusalOf(() => handle.executeUpdate(answerInputUpdate, { args: [{ actor: secretaria, inputId, decision: 'acogida', reason: 'Sí.' }] }))).toBeNull();
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/advance`, {})).status).toBe(200);
    expect(await refusalOf(() => handle.executeUpdate(signoffUpdate, { args: [{ actor: minsa, position: 'veta' as 'aprueba' }] }))).toBe(refusals.invalid);
    expect(await refusalOf(() => handle.executeUpdate(signoffUpdate, { args: [{ actor: minsa, position: 'objeta', comment: poisons.nul }] }))).toBe(refusals.invalid);
    await adoptByAll(id);
    const adopted = await eventually(async () => ((await proposal(id)).status === 'adoptada' ? proposal(id) : undefined));

    const task = mesa.client.workflow.getHandle(taskWorkflowId(adopted.tasks[0]));
    const [migraciones, rree] = await Promise.all([actorFor('MIGRACIONES'), actorFor('RREE')]);
    expect(await refusalOf(() => task.executeUpdate(requestChangeUpdate, { args: [{ actor: migraciones, reason: 'Plazo.', proposedDueDate: '2027-01-01T23:59:60Z' }] }))).toBe(refusals.invalid);
    expect(await refusalOf(() => task.executeUpdate(requestChangeUpdate, { args: [{ actor: migraciones, reason: poisons.surrogate }] }))).toBe(refusals.invalid);
    expect(await refusalOf(() => task.executeUpdate(reportProgressUpdate, { args: [{ actor: { ...rree, institution: '__proto__' }, percent: 10 }] }))).toBe(refusals.forbidden);
    expect(await refusalOf(() => task.executeUpdate(reportProgressUpdate, { args: [{ actor: { ...rree, institution: 'constructor' }, percent: 10 }] }))).toBe(refusals.forbidden);
    expect(await refusalOf(() => task.executeUpdate(requestChangeUpdate, { args: [{ actor: migraciones, reason: 'No nos corresponde.' }] }))).toBeNull();
    expect(await refusalOf(() => task.executeUpdate(decideRequestUpdate, { args: [{ actor: secretaria, granted: true, comment: 'Sí.', responsible: ['__proto__'] }] }))).toBe(refusals.invalid);
    expect(await refusalOf(() => task.executeUpdate(decideRequestUpdate, { args: [{ actor: secretaria, granted: true, comment: 'Sí.', responsible: ['MINSA', 'MINSA'] }] }))).toBe(refusals.invalid);
    expect(await refusalOf(() => task.executeUpdate(decideRequestUpdate, { args: [{ actor: secretaria, granted: null as unknown as boolean, comment: 'Sí.' }] }))).toBe(refusals.invalid);
    const decided = await mesa.call('SECRETARIA', 'POST', `/api/v1/tasks/${adopted.tasks[0]}/reassignment-decision`, { granted: true, comment: 'A MINSA.', responsible: ['MINSA'] });
    expect(decided.status).toBe(200);
    expect(decided.body.responsible.sort()).toEqual(['MINSA', 'RREE']);
  }, 120_000);
});

describe('a write the database refuses for one event', () => {
  it('refuses that action alone; the others recorded at the same moment are kept, and the round still closes', async () => {
    // The test's own database refuses one comment and one sign-off, as it would any text it cannot store.
    const refuse = (table: string, column: string, text: string) => `
      create function refuse_${table}() returns trigger language plpgsql as $$
      begin
        if new.${column} = '${text}' then raise exception 'rechazado por la prueba' using errcode = '22021'; end if;
        return new;
      end $$;
      create trigger refuse_${table} before insert on ${table} for each row execute function refuse_${table}();`;
    await mesa.database.db.execute(sql.raw([
      refuse('proposal_comments', 'text', 'comentario rechazado'),
      refuse('proposal_signoffs', 'comment', 'firma rechazada'),
      refuse('task_progress', 'note', 'avance rechazado'),
    ].join('\n')));
    const launched = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({
      stages: ['conformidad'], actions: [{ title: 'Tarea', responsible: ['MINSA'], dueIn: 'P30D', deliverable: 'Informe' }],
    }));
    const id = launched.body.id as string;
    const path = `/api/v1/proposals/${id}`;

    // One refused comment and one refused sign-off among the answers of every other member.
    const [badComment, goodComment, badSignoff, ...signoffs] = await Promise.all([
      mesa.call('MINSA', 'POST', `${path}/comments`, { text: 'comentario rechazado' }),
      mesa.call('DEFENSORIA', 'POST', `${path}/comments`, { text: 'Comentario válido.' }),
      mesa.call('RREE', 'POST', `${path}/signoffs`, { position: 'aprueba_con_observaciones', comment: 'firma rechazada' }),
      ...memberCodes.filter((c) => c !== 'RREE').map((code) => mesa.call(code, 'POST', `${path}/signoffs`, { position: 'aprueba' })),
    ]);
    for (const refused of [badComment!, badSignoff!]) {
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('record_rejected');
      expect(refused.body.error.message).toMatch(/no pudo registrarse/);
    }
    expect(goodComment!.status).toBe(201);
    expect(signoffs.map((s) => s.status)).toEqual(signoffs.map(() => 200));

    // RREE's refused sign-off was not counted: the round waits for it, as the page shows.
    const waiting = await proposal(id);
    expect(waiting.status).toBe('en_curso');
    expect(waiting.pendingFor).toEqual(['RREE']);
    expect(waiting.comments.map((c: { text: string }) => c.text)).toEqual(['Comentario válido.']);
    const audit = (await mesa.call('SECRETARIA', 'GET', `${path}/audit`)).body;
    expect(audit.verified).toBe(true);
    expect(audit.events.filter((e: { action: string }) => e.action === 'registro_rechazado')).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toMatch(/comentario rechazado|firma rechazada/);

    // Later actions work: a comment, RREE's sign-off, and the round closes.
    expect((await mesa.call('MINSA', 'POST', `${path}/comments`, { text: 'Otro comentario.' })).status).toBe(201);
    expect((await mesa.call('RREE', 'POST', `${path}/signoffs`, { position: 'aprueba' })).status).toBe(200);
    const adopted = await eventually(async () => ((await proposal(id)).status === 'adoptada' ? proposal(id) : undefined));
    const signoffRows = rowsOf<{ n: number }>(await mesa.database.db.execute(sql`select count(*)::int as n from proposal_signoffs where proposal_id = ${id}`));
    expect(signoffRows[0]!.n).toBe(22);

    // The task goes on too: its refused progress report is refused alone.
    const taskPath = `/api/v1/tasks/${adopted.tasks[0]}`;
    expect((await mesa.call('MINSA', 'POST', `${taskPath}/accept`, {})).status).toBe(200);
    const badProgress = await mesa.call('MINSA', 'POST', `${taskPath}/progress`, { percent: 40, note: 'avance rechazado' });
    expect(badProgress.status).toBe(422);
    const task = (await mesa.call('MINSA', 'GET', taskPath)).body;
    expect(task.percent).toBe(0);
    expect((await mesa.call('MINSA', 'POST', `${taskPath}/progress`, { percent: 40, note: 'Avance real.' })).status).toBe(201);
    expect((await mesa.call('MINSA', 'POST', `${taskPath}/completion`, { summary: 'Informe entregado.' })).status).toBe(200);
    expect((await mesa.call('SECRETARIA', 'POST', `${taskPath}/verification`, { accepted: true, comment: '' })).body.status).toBe('verificada');
    expect((await mesa.call('SECRETARIA', 'GET', `${taskPath}/audit`)).body.verified).toBe(true);
  }, 120_000);
});

describe('JSON bodies', () => {
  it('are taken as sent: null is not false, ["x"] is not "x", "" is not null; query strings are still coerced', async () => {
    const launched = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['conformidad'] }));
    const id = launched.body.id as string;
    await expectRefusedField(mesa.call('MINSA', 'POST', `/api/v1/proposals/${id}/comments`, { text: ['x'] }), 'text');
    await expectRefusedField(mesa.call('MINSA', 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba', comment: null }), 'comment');
    await expectRefusedField(mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ quorum: '0.5' })), 'quorum');
    await expectRefusedField(mesa.call('SECRETARIA', 'POST', '/api/v1/tasks/nada/reassignment-decision', { granted: null, comment: 'No.' }), 'granted');
    await expectRefusedField(mesa.call('SECRETARIA', 'POST', '/api/v1/tasks/nada/verification', { accepted: 'true', comment: 'Sí.' }), 'accepted');
    const contacts = { titular: { name: 'Titular', email: 'titular@minsa.gob.pe' }, alterno: { name: 'Alterno', email: 'alterno@minsa.gob.pe' }, webhook: null };
    expect((await mesa.call('SECRETARIA', 'PUT', '/api/v1/institutions/MINSA/contacts', contacts)).status).toBe(200);
    await expectRefusedField(mesa.call('SECRETARIA', 'PUT', '/api/v1/institutions/MINSA/contacts', { ...contacts, alterno: '' }), 'alterno');
    expect((await mesa.call('SECRETARIA', 'GET', '/api/v1/institutions/MINSA/contacts')).body.alterno).toMatchObject({ name: 'Alterno' });
    await expectRefusedField(mesa.call('SECRETARIA', 'PUT', '/api/v1/institutions/MINSA/contacts', { ...contacts, titular: { ...contacts.titular, name: 'Nombre\u0000' } }), 'titular.name');

    const listed = await mesa.call('SECRETARIA', 'GET', '/api/v1/tasks?overdue=false&limit=2');
    expect(listed.status).toBe(200);
    expect(Array.isArray(listed.body.items)).toBe(true);
    expect((await mesa.call('SECRETARIA', 'GET', '/api/v1/proposals')).body.items.length).toBeGreaterThan(0);
    expect((await mesa.call('MINSA', 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' })).status).toBe(200);
  }, 60_000);
});

describe('the published contract', () => {
  it('describes the text and date rules in /openapi.json', async () => {
    const doc = (await mesa.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const body = (path: string) => doc.paths[path].post.requestBody.content['application/json'].schema;
    expect(body('/api/v1/proposals/{id}/comments').properties.text.pattern).toBe(textPatterns.text);
    expect(body('/api/v1/proposals').properties.title.pattern).toBe(textPatterns.line);
    expect(body('/api/v1/tasks/{id}/reassignment-request').properties.proposedDueDate.pattern).toBe(instantPattern);
    expect(body('/api/v1/proposals/{id}/inputs/{inputId}/answer').properties.correction.type).toBe('boolean');
  });
});
