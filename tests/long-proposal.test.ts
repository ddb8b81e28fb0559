// A long consultation must not run into Temporal's limits: the workflow continues as new
// (carrying its whole state) long before, and every run's history stays short.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposalWorkflowId } from '../workflows/messages';
import { eventually, keepHistory, launchBody, memberCodes, startMesa, type Mesa } from './harness';

let mesa: Mesa;
beforeAll(async () => { mesa = await startMesa(); });
afterAll(() => mesa?.close());

const oscs = ['AFAMIPER', ...Array.from({ length: 13 }, (_, i) => `OSC${String(i + 2).padStart(2, '0')}`)];

/** Runs the calls `width` at a time, as a busy morning would. */
async function inParallel<T>(items: T[], width: number, call: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      await call(items[i]!, i);
    }
  }));
}

describe('a long proposal', () => {
  it('takes 200 inputs, 100 comments and 3 sign-off rounds with every run of its history far below the limits', async () => {
    const res = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['consulta', 'conformidad'] }));
    const id = res.body.id as string;
    const path = `/api/v1/proposals/${id}`;

    const inputIds: string[] = [];
    await inParallel(Array.from({ length: 200 }, (_, i) => i), 8, async (i) => {
      const r = await mesa.call(oscs[i % oscs.length]!, 'POST', `${path}/inputs`, { kind: 'comentario', text: `Aporte número ${i + 1}.` });
      expect(r.status).toBe(201);
      inputIds.push(r.body.id);
    });
    await inParallel(Array.from({ length: 100 }, (_, i) => i), 8, async (i) => {
      const r = await mesa.call(memberCodes[i % memberCodes.length]!, 'POST', `${path}/comments`, { text: `Comentario ${i + 1}.` });
      expect(r.status).toBe(201);
    });
    await inParallel(inputIds, 8, async (inputId) => {
      const r = await mesa.call('SECRETARIA', 'POST', `${path}/inputs/${inputId}/answer`, { decision: 'no_acogida', reason: 'Fuera del alcance.' });
      expect(r.status).toBe(200);
    });

    for (let round = 1; round <= 3; round++) {
      expect((await mesa.call('SECRETARIA', 'POST', `${path}/advance`, {})).status).toBe(200);
      await inParallel(memberCodes, 8, async (code) => {
        const objects = round < 3 && code === 'MEF';
        const r = await mesa.call(code, 'POST', `${path}/signoffs`, objects ? { position: 'objeta', comment: 'Sin presupuesto.' } : { position: 'aprueba' });
        expect(r.status).toBe(200);
      });
      const after = await eventually(async () => {
        const p = (await mesa.call('MINSA', 'GET', path)).body;
        return p.stage === 'revision' || p.stage === 'cerrada' ? p : undefined;
      });
      if (round < 3) {
        expect(after.status).toBe('observada');
        expect((await mesa.call('SECRETARIA', 'POST', `${path}/versions`, { text: `1. Versión ${round + 1}.`, changeSummary: 'Ajustes.' })).status).toBe(201);
      } else {
        expect(after.status).toBe('adoptada');
      }
    }

    const p = (await mesa.call('MINSA', 'GET', path)).body;
    expect(p.inputs).toHaveLength(200);
    expect(p.inputs.every((i: { answer?: unknown }) => i.answer)).toBe(true);
    expect(p.comments).toHaveLength(100);
    expect(p.signoffHistory).toHaveLength(66);
    expect(p.decision).toMatchObject({ round: 3, version: 3, outcome: 'adoptada' });
    expect((await mesa.call('MINSA', 'GET', `${path}/audit`)).body.verified).toBe(true);

    const runs: Array<{ status: string; historyLength: number }> = [];
    for await (const w of mesa.client.workflow.list({ query: `WorkflowId = '${proposalWorkflowId(id)}'` })) {
      runs.push({ status: w.status.name, historyLength: w.historyLength });
    }
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.filter((r) => r.status === 'CONTINUED_AS_NEW').length).toBe(runs.length - 1);
    for (const r of runs) expect(r.historyLength).toBeLessThan(10_000); // the hard limit is 51,200
    await keepHistory(mesa, 'proposal-continued-as-new-then-adopted', proposalWorkflowId(id));
  }, 180_000);
});
