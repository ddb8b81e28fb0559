// The sign-off round: silence, quorum, majorities, reminders, concurrency and a worker crash.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxItems, proposalSignoffs } from '../db/schema';
import { proposalWorkflowId } from '../workflows/messages';
import { eventually, keepHistory, launchBody, memberCodes, reminderAudience, startMesa, type Mesa } from './harness';

let mesa: Mesa;
beforeAll(async () => { mesa = await startMesa(); });
afterAll(() => mesa?.close());

const launchRound = async (overrides: Record<string, unknown> = {}) => {
  const res = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['conformidad'], ...overrides }));
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const sign = (code: string, id: string, position = 'aprueba', extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  mesa.call(code, 'POST', `/api/v1/proposals/${id}/signoffs`, { position, ...(position === 'objeta' ? { comment: 'No estamos de acuerdo.' } : {}), ...extra }, headers);
const closed = (id: string, timeoutMs = 30_000) => eventually(async () => {
  const p = (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body;
  return p.stage === 'cerrada' || p.status === 'observada' ? p : undefined;
}, timeoutMs);

describe('silence at the deadline', () => {
  it('records a silent member as tacit approval and adopts the proposal', async () => {
    const id = await launchRound({ deadlines: { conformidad: 'PT8S' }, reminders: [] });
    const silent = 'MINCUL';
    const answers = await Promise.all(memberCodes.filter((c) => c !== silent).map((code) => sign(code, id)));
    expect(answers.map((a) => a.status)).toEqual(Array(21).fill(200));
    const p = await closed(id);
    expect(p.status).toBe('adoptada');
    const tacit = p.signoffs.find((s: { institution: string }) => s.institution === silent);
    expect(tacit).toMatchObject({ position: 'aprueba', tacit: true, comment: expect.stringMatching(/Sin respuesta — conformidad tácita/) });
    expect(p.signoffs.filter((s: { tacit: boolean }) => s.tacit)).toHaveLength(1);
    expect(p.decision.counts).toMatchObject({ answered: 22, tacit: 1 });
    await keepHistory(mesa, 'round-with-tacit-approval', proposalWorkflowId(id));
    // The silent institution and the secretariat were told, once each.
    const escalations = () => mesa.database.db.select().from(inboxItems).where(and(eq(inboxItems.proposalId, id), eq(inboxItems.kind, 'escalamiento')));
    const told = await eventually(async () => ((await escalations()).length >= 2 ? escalations() : undefined));
    expect(told.map((i) => i.institution).sort()).toEqual(['MINCUL', 'SECRETARIA']);
  });

  it('under sin_efecto counts silence as nothing, and a failed quorum sends the proposal back', async () => {
    const id = await launchRound({ deadlines: { conformidad: 'PT6S' }, reminders: [], silencePolicy: 'sin_efecto', quorum: 0.5 });
    const answers = await Promise.all(memberCodes.slice(0, 10).map((code) => sign(code, id)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const p = await closed(id);
    expect(p).toMatchObject({ status: 'observada', stage: 'revision', decision: { outcome: 'observada', quorumMet: false, counts: { answered: 10, tacit: 0 } } });
    expect(p.signoffs.some((s: { tacit: boolean }) => s.tacit)).toBe(false);
  });

  it('under prorroga extends the round once, then counts silence as tacit', async () => {
    const id = await launchRound({ deadlines: { conformidad: 'PT6S' }, extension: 'PT3S', reminders: [], silencePolicy: 'prorroga' });
    const first = (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body.deadlines.conformidad;
    const answers = await Promise.all(memberCodes.slice(0, 21).map((code) => sign(code, id)));
    expect(answers.map((a) => a.status)).toEqual(Array(21).fill(200));
    const extended = await eventually(async () => {
      const p = (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body;
      return p.deadlines.conformidad !== first ? p : undefined;
    });
    expect(Date.parse(extended.deadlines.conformidad) - Date.parse(first)).toBe(3000);
    expect(extended.timeline.map((t: { event: string }) => t.event)).toContain('prorroga');
    const p = await closed(id);
    expect(p.status).toBe('adoptada');
    expect(p.decision.counts.tacit).toBe(1);
    await keepHistory(mesa, 'round-extended-then-tacit', proposalWorkflowId(id));
  });
});

describe('majorities', () => {
  it.each([
    [14, 7, 'adoptada'],
    [13, 8, 'rechazada'],
  ])('mayoria_calificada with %i for and %i against (one abstains) is %s', async (inFavour, against, outcome) => {
    const id = await launchRound({ decisionRule: 'mayoria_calificada' });
    const positions = [...Array(inFavour).fill('aprueba'), ...Array(against).fill('objeta'), 'se_abstiene'];
    const answers = await Promise.all(memberCodes.map((code, i) => sign(code, id, positions[i])));
    for (const a of answers) expect(a.status).toBe(200);
    const p = await closed(id);
    expect(p.status).toBe(outcome);
    expect(p.decision.counts).toMatchObject({ aprueba: inFavour, objeta: against, se_abstiene: 1 });
  });
});

describe('reminders', () => {
  it('reach only the members that have not answered, once per reminder', async () => {
    const id = await launchRound({ deadlines: { conformidad: 'PT12S' }, reminders: ['PT8S', 'PT4S'] });
    const deadline = Date.parse((await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body.deadlines.conformidad);
    const quiet = ['MEF', 'SUNAT'];
    const answers = await Promise.all(memberCodes.filter((c) => !quiet.includes(c)).map((code) => sign(code, id)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    await closed(id);
    const all = await mesa.database.db.select().from(inboxItems).where(and(eq(inboxItems.proposalId, id), eq(inboxItems.kind, 'recordatorio')));
    // Two reminders, each to the two quiet members, once; never to a member that had answered
    // when it fired (normally: the two quiet members only, whatever the machine's load).
    for (const [before, ms] of [['PT8S', 8000], ['PT4S', 4000]] as const) {
      const to = all.filter((r) => r.id.includes(`|${before}:`)).map((r) => r.institution);
      expect(to).toEqual(expect.arrayContaining(quiet));
      expect(new Set(to).size).toBe(to.length);
      const { mayBeReminded } = await reminderAudience(mesa, id, deadline - ms);
      expect(to.filter((code) => !mayBeReminded.includes(code))).toEqual([]);
    }
  });
});

describe('many members at once', () => {
  it('records exactly 22 sign-offs when all answer in the same instant and every request is retried with its key', async () => {
    const id = await launchRound({ deadlines: { conformidad: 'PT1H' } });
    const requests = memberCodes.flatMap((code) => {
      const headers = { 'idempotency-key': `conformidad-${code}` };
      return [sign(code, id, 'aprueba', {}, headers), sign(code, id, 'aprueba', {}, headers)];
    });
    const answers = await Promise.all(requests);
    expect(answers.map((a) => a.status)).toEqual(Array(44).fill(200));
    const p = await closed(id);
    expect(p.status).toBe('adoptada');
    const rows = await mesa.database.db.select().from(proposalSignoffs).where(eq(proposalSignoffs.proposalId, id));
    expect(rows).toHaveLength(22);
    expect(new Set(rows.map((r) => r.institution)).size).toBe(22);
  });

  it('keeps every acknowledged sign-off when the worker stops mid-round, and the round completes with a new worker', async () => {
    const id = await launchRound({ deadlines: { conformidad: 'PT1H' } });
    const acknowledged = memberCodes.slice(0, 10);
    for (const code of acknowledged) expect((await sign(code, id)).status).toBe(200);

    await mesa.stopWorker();
    // Requests made while no worker runs wait; they are answered once a worker is back.
    const pending = memberCodes.slice(10).map((code) => sign(code, id));
    await new Promise((r) => setTimeout(r, 1500));
    const stored = await mesa.database.db.select().from(proposalSignoffs).where(eq(proposalSignoffs.proposalId, id));
    expect(stored.map((s) => s.institution).sort()).toEqual([...acknowledged].sort());

    await mesa.startWorker();
    const answers = await Promise.all(pending);
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    const p = await closed(id);
    expect(p.status).toBe('adoptada');
    expect(p.signoffs).toHaveLength(22);
  });
});
