// Plenary sessions end to end through the HTTP API, on real Temporal and a real database:
// convocation with its calendar invitation, attendance and quorum, second call, decisions in
// session, and the acta's observation round.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer, OutgoingMail } from '../activities/channels';
import { sessionDefaults } from '../domain/session';
import { eventually, launchBody, memberCodes, startMesa, type Mesa } from './harness';

let mesa: Mesa;
const sent: OutgoingMail[] = [];
const mailer: Mailer = { send: async (m) => { sent.push(m); return 'aceptado'; }, describe: () => 'memoria', close: () => {} };

beforeAll(async () => {
  mesa = await startMesa({
    mailer,
    app: { logLevel: 'error', sessions: { notice: 'PT0S', rules: { ...sessionDefaults, secondCallWait: 'PT3S' } } },
  });
});
afterAll(() => mesa?.close());

const soon = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
const waitUntil = (iso: string) => new Promise((r) => setTimeout(r, Math.max(Date.parse(iso) - Date.now() + 200, 0)));
const get = async (id: string) => (await mesa.call('SECRETARIA', 'GET', `/api/v1/sessions/${id}`)).body;

async function convene(body: Record<string, unknown>) {
  const res = await mesa.call('SECRETARIA', 'POST', '/api/v1/sessions', { kind: 'ordinaria', place: 'Sala Raúl Porras, RREE', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; startsAt: string; [k: string]: unknown };
}

/** A proposal launched straight into its sign-off round, so a session may decide it. */
async function inRound(title: string, overrides: Record<string, unknown> = {}) {
  const res = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ title, stages: ['conformidad'], deadlines: { conformidad: 'P10D' }, ...overrides }));
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  await eventually(async () => (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`)).body.stage === 'conformidad');
  return id;
}

const invitations = (sessionId: string) => sent.filter((m) => m.calendar?.includes(`UID:sesion-${sessionId}@mesa.mtigm`));

describe('a session without quorum', () => {
  it('goes to a second call, where a smaller quorum lets it open', async () => {
    const s = await convene({ startsAt: soon(5), agenda: [{ kind: 'otro', title: 'Informe de la Secretaría Técnica' }] });
    await waitUntil(s.startsAt);
    const few = memberCodes.slice(0, 8);
    const first = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/open`, { present: few });
    expect(first.status).toBe(409);
    expect(first.body.error.message).toMatch(/Sin quórum: 8 miembros presentes, se requieren 12/);
    const waiting = await get(s.id);
    expect(waiting).toMatchObject({ status: 'convocada', call: 2, quorum: { required: 12, present: 8, met: false, call: 1 } });
    // Not before the second call's hour.
    const early = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/open`, { present: few });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/segunda convocatoria es el/);
    await waitUntil(waiting.secondCallAt);
    const second = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/open`, { present: few });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body).toMatchObject({ status: 'en_curso', present: few, quorum: { required: 8, present: 8, met: true, call: 2 } });
    // Everyone invited was told of the second call.
    const inbox = (await mesa.call('MINSA', 'GET', '/api/v1/inbox')).body.items;
    expect(inbox.some((i: { kind: string }) => i.kind === 'segunda_convocatoria')).toBe(true);
  });

  it('is suspended when the second call has no quorum either, and is convened again with the same agenda', async () => {
    const s = await convene({ startsAt: soon(2), agenda: [{ kind: 'otro', title: 'Plan de trabajo 2027' }] });
    await waitUntil(s.startsAt);
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/open`, { present: ['MINSA'] })).status).toBe(409);
    await waitUntil((await get(s.id)).secondCallAt);
    const second = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/open`, { present: ['MINSA'] });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/suspendida/);
    expect((await get(s.id)).status).toBe('suspendida');
    const again = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/reschedule`, { startsAt: soon(3600) });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'convocada', call: 1, sequence: 1, agenda: [{ n: 1, title: 'Plan de trabajo 2027', status: 'pendiente' }] });
  });
});

describe('the convocation', () => {
  it('sends a calendar invitation that ical.js reads, updates it when rescheduled and cancels it', async () => {
    const startsAt = new Date(Math.ceil((Date.now() + 86_400_000) / 1000) * 1000).toISOString();
    const s = await convene({ startsAt, videoUrl: 'https://meet.example.org/mesa', agenda: [{ kind: 'otro', title: 'Balance del semestre; próximos pasos' }] });
    const first = await eventually(async () => invitations(s.id).find((m) => m.to === 'minsa@demo.mesa.test'));
    const parse = (text: string) => {
      const cal = new ICAL.Component(ICAL.parse(text));
      const event = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
      return { method: cal.getFirstPropertyValue('method'), event };
    };
    const invitation = parse(first.calendar!);
    expect(invitation.method).toBe('REQUEST');
    expect(invitation.event.uid).toBe(`sesion-${s.id}@mesa.mtigm`);
    expect(invitation.event.sequence).toBe(0);
    expect(invitation.event.startDate.toJSDate().toISOString()).toBe(startsAt);
    expect(invitation.event.location).toBe('Sala Raúl Porras, RREE');
    expect(invitation.event.description).toContain('1. Balance del semestre; próximos pasos');
    expect(invitation.event.attendees.map((a) => a.getFirstValue())).toEqual(['mailto:minsa@demo.mesa.test']);

    const later = new Date(Date.parse(startsAt) + 3600_000).toISOString();
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/reschedule`, { startsAt: later })).status).toBe(200);
    const update = parse(await eventually(async () => invitations(s.id).find((m) => m.to === 'minsa@demo.mesa.test' && m.calendar!.includes('SEQUENCE:1'))?.calendar ?? undefined));
    expect(update.method).toBe('REQUEST');
    expect(update.event.sequence).toBe(1);
    expect(update.event.startDate.toJSDate().toISOString()).toBe(later);

    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/cancel`, { reason: 'Coincide con el Consejo de Ministros' })).status).toBe(200);
    const cancel = parse(await eventually(async () => invitations(s.id).find((m) => m.to === 'minsa@demo.mesa.test' && m.calendar!.includes('METHOD:CANCEL'))?.calendar ?? undefined));
    expect(cancel.event.sequence).toBe(2);
    expect(cancel.event.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect((await get(s.id)).status).toBe('cancelada');
  });

  it('reminds only the institutions that have not confirmed', async () => {
    const s = await convene({ startsAt: soon(8), reminders: ['PT5S'], agenda: [{ kind: 'otro', title: 'Coordinación de la feria de servicios' }] });
    const confirmed = await mesa.call('MINSA', 'POST', `/api/v1/sessions/${s.id}/confirmations`, { attends: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.confirmations).toEqual([{ institution: 'MINSA', attends: true, representative: { name: expect.any(String), email: expect.any(String) }, at: expect.any(String) }]);
    const reminded = await eventually(async () => {
      const items = (await mesa.call('MTPE', 'GET', '/api/v1/inbox')).body.items as Array<{ kind: string; title: string }>;
      return items.find((i) => i.kind === 'confirmacion_pendiente' && i.title.includes('confirme'));
    }, 20_000);
    expect(reminded).toBeDefined();
    const minsa = (await mesa.call('MINSA', 'GET', '/api/v1/inbox')).body.items as Array<{ kind: string }>;
    expect(minsa.filter((i) => i.kind === 'confirmacion_pendiente')).toEqual([]);
  });
});

describe('bad input', () => {
  it('refuses a session in the past, an agenda item that is not a decidable proposal, and changes nothing', async () => {
    const before = (await mesa.call('SECRETARIA', 'GET', '/api/v1/sessions')).body.items.length;
    const past = await mesa.call('SECRETARIA', 'POST', '/api/v1/sessions', { kind: 'ordinaria', startsAt: '2020-01-10T10:00:00-05:00', agenda: [{ kind: 'otro', title: 'x' }] });
    expect(past.status).toBe(422);
    expect(past.body.error.message).toMatch(/«startsAt».*ya pasó/);
    const inGroup = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ title: 'Aún en grupo de trabajo' }));
    const notDecidable = await mesa.call('SECRETARIA', 'POST', '/api/v1/sessions', { kind: 'ordinaria', startsAt: soon(3600), agenda: [{ kind: 'propuesta', proposalId: inGroup.body.id }] });
    expect(notDecidable.status).toBe(422);
    expect(notDecidable.body.error).toMatchObject({ code: 'business_rule', details: { field: 'agenda[0].proposalId' } });
    expect(notDecidable.body.error.message).toMatch(/no está en una etapa que se decida en sesión/);
    const unknown = await mesa.call('SECRETARIA', 'POST', '/api/v1/sessions', { kind: 'ordinaria', startsAt: soon(3600), agenda: [{ kind: 'propuesta', proposalId: 'prop_nada' }] });
    expect(unknown.status).toBe(422);
    expect((await mesa.call('SECRETARIA', 'GET', '/api/v1/sessions')).body.items.length).toBe(before);
  });

  it('refuses a second opening, a position from an absent institution and an early approval of the acta, and changes nothing', async () => {
    const s = await convene({ startsAt: soon(2), agenda: [{ kind: 'propuesta', proposalId: await inRound('Registro de retornantes') }] });
    await waitUntil(s.startsAt);
    const present = memberCodes.slice(0, 15);
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/open`, { present })).status).toBe(200);
    const again = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/open`, { present: memberCodes });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/ya está abierta/);
    const absent = memberCodes[20]!;
    const own = await mesa.call(absent, 'POST', `/api/v1/sessions/${s.id}/items/1/positions`, { position: 'aprueba' });
    expect(own.status).toBe(422);
    expect(own.body.error.message).toBe(`${absent} no está presente en la sesión: una institución ausente no toma posición.`);
    const onBehalf = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/items/1/positions`, { position: 'aprueba', institution: absent });
    expect(onBehalf.status).toBe(422);
    const after = await get(s.id);
    expect(after.present).toEqual(present);
    expect(after.agenda[0].history).toEqual([]);

    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/items/1/defer`, { reason: 'Falta el informe legal' })).status).toBe(200);
    const closed = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/close`, { observationDeadline: 'P5D' });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.acta).toMatchObject({ status: 'en_observacion', version: 1 });
    expect((await mesa.call(present[0]!, 'POST', `/api/v1/sessions/${s.id}/acta/conformity`, {})).status).toBe(200);
    const early = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/acta/approval`, {});
    expect(early.status).toBe(422);
    expect(early.body.error.message).toMatch(/aún no responden: /);
    expect((await get(s.id)).acta.status).toBe('en_observacion');
  });
});
