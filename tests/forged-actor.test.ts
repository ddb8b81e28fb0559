// Temporal is reachable without the API: an update sent straight to it must prove, by the API's
// signature, who acts. Unsigned, forged, moved, expired or altered, it is refused with a reason
// in Spanish and nothing is recorded; the same action through the API works.
import { randomUUID } from 'node:crypto';
import { Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { signActorProof } from '../api/actor-signing';
import { newActorKeyPem, parseActorPrivateKey } from '../runtime/actor-key';
import { actorProofHeader, type ActorProof } from '../workflows/actor-proof';
import { commentUpdate, proposalWorkflowId, refusals, signoffUpdate, type Actor } from '../workflows/messages';
import { acceptTaskUpdate, taskWorkflowId } from '../workflows/task-messages';
import { adoptWith, launchBody, withMesa, type Mesa } from './harness';

let mesa: Mesa;
let proposal: string;
let other: string;
let minsa: Actor;
withMesa(async (started) => {
  mesa = started;
  const launch = async () => (await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['conformidad'] }))).body.id as string;
  [proposal, other] = [await launch(), await launch()];
  const me = (await mesa.call('MINSA', 'GET', '/api/v1/me')).body;
  minsa = { userId: me.id, institution: 'MINSA', kind: 'miembro' };
});

const forgedText = 'Comentario que MINSA nunca escribió.';

/** A client straight to Temporal that sends exactly this proof with every update. */
const sending = (proof: ActorProof, updateId: string) => new Client({
  connection: mesa.client.connection,
  interceptors: { workflow: [{
    startUpdate: (input, next) => next({
      ...input, options: { ...input.options, updateId }, headers: { ...input.headers, [actorProofHeader]: defaultPayloadConverter.toPayload(proof) },
    }),
  }] },
});

const inOneMinute = () => new Date(Date.now() + 60_000).toISOString();

/** The refusal an update gets, as the API would see it. */
async function refusal<A>(client: Client, workflowId: string, update: UpdateDefinition<unknown, [A]>, arg: A) {
  const e = await client.workflow.getHandle(workflowId).executeUpdate(update, { args: [arg] }).then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (e as WorkflowUpdateFailedError).cause as ApplicationFailure;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause.type).toBe(refusals.untrusted);
  return cause.message;
}

/** Nothing of the forged actions is anywhere: not on the proposal's page, not in its trail. */
async function nothingRecorded() {
  const p = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${proposal}`)).body;
  expect(p.comments.map((c: { text: string }) => c.text)).not.toContain(forgedText);
  expect(p.signoffs.map((s: { institution: string }) => s.institution)).not.toContain('MINSA');
  const audit = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${proposal}/audit`)).body;
  expect(audit.events.map((e: { action: string }) => e.action)).toEqual(['lanzada']);
}

describe('an update sent straight to Temporal', () => {
  it('is refused without a signature', async () => {
    const arg = { actor: minsa, text: forgedText };
    expect(await refusal(mesa.temporalClient(), proposalWorkflowId(proposal), commentUpdate, arg)).toMatch(/^Acción rechazada: no viene firmada por la API de Mesa/);
    expect(await refusal(mesa.temporalClient(), proposalWorkflowId(proposal), signoffUpdate, { actor: minsa, position: 'objeta', comment: 'No.' }))
      .toMatch(/no viene firmada/);
    await nothingRecorded();
  });

  it('is refused when signed with another key', async () => {
    const forger = parseActorPrivateKey(newActorKeyPem()).privateKey!;
    expect(await refusal(mesa.temporalClient({ key: forger }), proposalWorkflowId(proposal), commentUpdate, { actor: minsa, text: forgedText }))
      .toMatch(/^Acción rechazada: la firma de quién actúa no corresponde a esta acción/);
    await nothingRecorded();
  });

  it('is refused with a signature made for another proposal, another action or another update id', async () => {
    const args = [{ actor: minsa, text: forgedText }];
    const updateId = randomUUID();
    const signed = (workflowId: string, updateName: string, id = updateId) =>
      signActorProof(mesa.actorKey, { workflowId, updateName, updateId: id, expiresAt: inOneMinute(), args });
    const target = proposalWorkflowId(proposal);
    for (const proof of [signed(proposalWorkflowId(other), 'comment'), signed(target, 'withdraw'), signed(target, 'comment', randomUUID())]) {
      expect(await refusal(sending(proof, updateId), target, commentUpdate, args[0]!)).toMatch(/no corresponde a esta acción/);
    }
    // The same proof, untouched, is accepted: the refusals above come from what was moved.
    const ok = await sending(signed(target, 'comment'), updateId).workflow.getHandle(target).executeUpdate(commentUpdate, { args: [args[0]!] });
    expect(ok.commentId).toBeTruthy();
    const p = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${proposal}`)).body;
    expect(p.comments.filter((c: { text: string }) => c.text === forgedText)).toHaveLength(1);
  });

  it('is refused once its signature has expired', async () => {
    const late = mesa.temporalClient({ key: mesa.actorKey, expiresIn: -1_000 });
    expect(await refusal(late, proposalWorkflowId(other), commentUpdate, { actor: minsa, text: forgedText }))
      .toBe('Acción rechazada: la firma de quién actúa venció. Repita la acción desde Mesa.');
  });

  it('is refused when a validly signed actor is changed to another institution', async () => {
    const pcm = { ...minsa, institution: 'PCM' };
    const updateId = randomUUID();
    const target = proposalWorkflowId(other);
    const proof = signActorProof(mesa.actorKey, {
      workflowId: target, updateName: 'signoff', updateId, expiresAt: inOneMinute(), args: [{ actor: pcm, position: 'aprueba' }],
    });
    expect(await refusal(sending(proof, updateId), target, signoffUpdate, { actor: minsa, position: 'objeta', comment: 'No.' }))
      .toMatch(/no corresponde a esta acción/);
    const p = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${other}`)).body;
    expect(p.signoffs).toEqual([]);
    expect(p.comments).toEqual([]);
    const audit = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${other}/audit`)).body;
    expect(audit.events.map((e: { action: string }) => e.action)).toEqual(['lanzada']);
  });

  it('is refused on a task too, which the same action through the API then takes', async () => {
    const [taskId] = await adoptWith(mesa, [{ title: 'Módulo en el aeropuerto', responsible: ['MINSA'], dueIn: 'P30D', deliverable: 'Módulo' }]);
    const before = (await mesa.call('MINSA', 'GET', `/api/v1/tasks/${taskId}/audit`)).body.events.length;
    expect(await refusal(mesa.temporalClient(), taskWorkflowId(taskId!), acceptTaskUpdate, { actor: minsa })).toMatch(/no viene firmada/);
    expect((await mesa.call('MINSA', 'GET', `/api/v1/tasks/${taskId}`)).body.status).toBe('asignada');
    expect((await mesa.call('MINSA', 'GET', `/api/v1/tasks/${taskId}/audit`)).body.events).toHaveLength(before);
    expect((await mesa.call('MINSA', 'POST', `/api/v1/tasks/${taskId}/accept`, {})).status).toBe(200);
  });
});

describe('a workflow the worker rebuilds from its history', () => {
  // How workflows started before actors were signed come to check them: the key is part of the
  // worker's code, not of any history, so a workflow replayed on a new worker checks at once.
  it('checks who acts as soon as it runs again', async () => {
    await mesa.stopWorker();
    await mesa.startWorker();
    expect(await refusal(mesa.temporalClient(), proposalWorkflowId(other), commentUpdate, { actor: minsa, text: forgedText })).toMatch(/no viene firmada/);
  });
});

describe('the same actions through the API', () => {
  it('are signed and recorded as the signed-in user', async () => {
    expect((await mesa.call('MINSA', 'POST', `/api/v1/proposals/${other}/comments`, { text: 'Comentario de MINSA.' })).status).toBe(201);
    expect((await mesa.call('MINSA', 'POST', `/api/v1/proposals/${other}/signoffs`, { position: 'aprueba' })).status).toBe(200);
    const p = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${other}`)).body;
    expect(p.comments.map((c: { institution: string; text: string }) => [c.institution, c.text])).toEqual([['MINSA', 'Comentario de MINSA.']]);
    expect(p.signoffs.map((s: { institution: string }) => s.institution)).toEqual(['MINSA']);
  });
});
