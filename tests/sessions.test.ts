// Plenary sessions end to end through the HTTP API, on real Temporal and a real database:
// convocation with its calendar invitation, attendance and quorum, second call, decisions in
// session, and the acta's observation round.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer, OutgoingMail } from '../activities/channels';
import { limaDate, limaDay, WorkingCalendar } from '../domain/calendar';
import { sessionDefaults, type SessionSettings } from '../domain/session';
import { eventually, launchBody, memberCodes, startMesa, type Mesa } from './harness';

let mesa: Mesa;
const sent: OutgoingMail[] = [];
const mailer: Mailer = { send: async (m) => { sent.push(m); return 'aceptado'; }, describe: () => 'memoria', close: () => {} };

/** The API reads the notice on each convocation: one test sets the defaults, the others run in exact time. */
const settings: SessionSettings = { notice: 'PT0S', rules: { ...sessionDefaults, secondCallWait: 'PT3S' } };

beforeAll(async () => {
  mesa = await startMesa({ mailer, app: { sessions: settings } });
  // Sessions here start seconds after they are convened: the first call's log-in must not eat them.
  await Promise.all(['SECRETARIA', ...memberCodes].map((code) => mesa.login(code)));
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

/**
 * A session that starts a few seconds after it is convened. On a loaded machine the convocation
 * itself can take longer than that, and a start already past is refused: then it is convened
 * again a little further ahead.
 */
async function conveneSoon(body: Record<string, unknown>) {
  for (let seconds = 3; ; seconds *= 2) {
    const res = await mesa.call('SECRETARIA', 'POST', '/api/v1/sessions', { kind: 'ordinaria', place: 'Sala Raúl Porras, RREE', ...body, startsAt: soon(seconds) });
    if (res.status === 201 || seconds >= 48) {
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as { id: string; startsAt: string; [k: string]: unknown };
    }
  }
}

/** A session convened for a few seconds from now on this agenda, and opened when it starts with these members present. */
async function openedSession(agenda: object[], present: string[]) {
  const s = await conveneSoon({ agenda });
  await waitUntil(s.startsAt);
  const opening = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/open`, { present });
  expect(opening.status, JSON.stringify(opening.body)).toBe(200);
  return { s, opening: opening.body as { quorum: Record<string, unknown> } };
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
    const s = await conveneSoon({ agenda: [{ kind: 'otro', title: 'Informe de la Secretaría Técnica' }] });
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
    const s = await conveneSoon({ agenda: [{ kind: 'otro', title: 'Plan de trabajo 2027' }] });
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

  it('goes out the default notice of working days before the session, which is held on a working day of the Mesa\'s calendar', async () => {
    settings.notice = null;
    try {
      const today = limaDate(new Date());
      const calendar = new WorkingCalendar();
      const at = (date: string) => new Date(`${date}T10:00:00-05:00`).toISOString();
      const agenda = [{ kind: 'otro', title: 'Plan anual de trabajo' }];
      const post = (body: Record<string, unknown>) => mesa.call('SECRETARIA', 'POST', '/api/v1/sessions', { agenda, ...body });
      const before = (await mesa.call('SECRETARIA', 'GET', '/api/v1/sessions')).body.items.length;

      // An ordinary session: 5 working days of notice; the fourth working day is too soon.
      const early = await post({ kind: 'ordinaria', startsAt: at(calendar.addWorkingDays(today, 4)) });
      expect(early.status).toBe(422);
      expect(early.body.error).toMatchObject({ code: 'business_rule', details: { field: 'startsAt' } });
      expect(early.body.error.message).toMatch(/^Una sesión ordinaria se convoca con 5 días hábiles de anticipación: «startsAt» no puede ser antes del /);

      // No session is held on a day the Mesa declares non-working.
      const sixth = calendar.addWorkingDays(today, 6);
      expect((await mesa.call('SECRETARIA', 'POST', '/api/v1/calendar/non-working-days', { date: sixth, reason: 'Día no laborable decretado' })).status).toBe(201);
      try {
        const decreed = await post({ kind: 'ordinaria', startsAt: at(sixth) });
        expect(decreed.status).toBe(422);
        expect(decreed.body.error.details).toEqual({ field: 'startsAt', in: 'body' });
        expect(decreed.body.error.message).toMatch(/no es día hábil en el calendario de la Mesa/);
      } finally {
        expect((await mesa.call('SECRETARIA', 'DELETE', `/api/v1/calendar/non-working-days/${sixth}`)).status).toBe(204);
      }
      let saturday = limaDay(calendar.addWorkingDays(today, 5));
      while (saturday.weekday !== 6) saturday = saturday.plus({ days: 1 });
      const weekend = await post({ kind: 'ordinaria', startsAt: at(saturday.toISODate()!) });
      expect(weekend.status).toBe(422);
      expect(weekend.body.error.message).toMatch(/^La fecha de la sesión \(«startsAt»\) cae el sábado .* que no es día hábil/);
      expect((await mesa.call('SECRETARIA', 'GET', '/api/v1/sessions')).body.items.length).toBe(before);

      // An extraordinary session: 2 working days. Its convocation goes out at once, so at least
      // that many working days before it; a new date is held to the same rules.
      const day = calendar.addWorkingDays(today, 2);
      const s = await convene({ kind: 'extraordinaria', startsAt: at(day), agenda });
      const told = await eventually(async () => ((await mesa.call('MINSA', 'GET', '/api/v1/inbox')).body.items as Array<{ kind: string; at: string; title: string }>)
        .find((i) => i.kind === 'convocatoria' && i.title.startsWith('Convocatoria a sesión extraordinaria')));
      expect(calendar.countWorkingDays(limaDate(new Date(told.at)), day)).toBeGreaterThanOrEqual(2);
      const moved = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/reschedule`, { startsAt: at(saturday.toISODate()!) });
      expect(moved.status).toBe(422);
      expect(moved.body.error.details).toEqual({ field: 'startsAt', in: 'body' });
      expect((await get(s.id)).startsAt).toBe(at(day));
      expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/cancel`, { reason: 'Se atiende en la sesión ordinaria' })).status).toBe(200);
    } finally {
      settings.notice = 'PT0S';
    }
  });

  it('reminds only the institutions that have not confirmed', async () => {
    const s = await convene({ startsAt: soon(40), reminders: ['PT32S'], agenda: [{ kind: 'otro', title: 'Coordinación de la feria de servicios' }] });
    const confirmed = await mesa.call('MINSA', 'POST', `/api/v1/sessions/${s.id}/confirmations`, { attends: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.confirmations).toEqual([{ institution: 'MINSA', attends: true, representative: { name: expect.any(String), email: expect.any(String) }, at: expect.any(String) }]);
    const reminded = await eventually(async () => {
      const items = (await mesa.call('MTPE', 'GET', '/api/v1/inbox')).body.items as Array<{ kind: string; title: string }>;
      return items.find((i) => i.kind === 'confirmacion_pendiente' && i.title.includes('confirme'));
    }, 20_000);
    expect(reminded).toBeDefined();
    // Only this session's reminders: another session convened for tomorrow may remind MINSA too.
    const minsa = (await mesa.call('MINSA', 'GET', '/api/v1/inbox')).body.items as Array<{ id: string; kind: string }>;
    expect(minsa.filter((i) => i.kind === 'confirmacion_pendiente' && i.id.startsWith(`sesion-${s.id}:`))).toEqual([]);
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
    const proposalId = await inRound('Registro de retornantes');
    const present = memberCodes.slice(0, 15);
    const { s } = await openedSession([{ kind: 'propuesta', proposalId }], present);
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
    expect((await mesa.call('MINSA', 'GET', `/api/v1/sessions/${s.id}/acta.pdf`)).status).toBe(404);
  });
});

describe('decisions in session', () => {
  it('a session with quorum adopts two proposals exactly as a written round would, and defers a third', async () => {
    const actions = [{ title: 'Módulo de atención', responsible: ['MIGRACIONES'], dueIn: 'P90D', deliverable: 'Módulo operativo' }];
    const consensus = await inRound('Protocolo de retornantes en aeropuertos', { actions });
    const majority = await inRound('Guía de trámites para extranjeros', { decisionRule: 'mayoria_simple', actions: [...actions, { ...actions[0], title: 'Guía publicada', responsible: ['RREE'] }] });
    const later = await inRound('Registro de organizaciones de migrantes');
    const present = memberCodes.slice(0, 14);
    const absent = memberCodes.slice(14);
    const { s, opening } = await openedSession([
      { kind: 'propuesta', proposalId: consensus }, { kind: 'propuesta', proposalId: majority }, { kind: 'propuesta', proposalId: later },
      { kind: 'otro', title: 'Varios' },
    ], present);
    expect(opening.quorum).toEqual({ required: 12, present: 14, met: true, call: 1 });

    const positions = async (n: number, objecting: string[]) => {
      const answers = await Promise.all(present.map((code) => mesa.call(code, 'POST', `/api/v1/sessions/${s.id}/items/${n}/positions`,
        objecting.includes(code) ? { position: 'objeta', comment: 'El presupuesto no alcanza.' } : { position: 'aprueba' })));
      for (const a of answers) expect(a.status).toBe(200);
    };
    await positions(1, []);
    const first = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/items/1/close`, { summary: 'Se revisó el protocolo; consenso.' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ n: 1, status: 'cerrado', outcome: 'adoptada', number: expect.stringMatching(/^ACUERDO-\d{4}-\d{3}$/), absent });
    expect(first.body.counts).toMatchObject({ members: 14, answered: 14, aprueba: 14, objeta: 0, tacit: 0 });

    await positions(2, present.slice(0, 4));
    const second = (await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/items/2/close`, { summary: 'Cuatro objeciones por presupuesto.' })).body;
    expect(second).toMatchObject({ outcome: 'adoptada', counts: { members: 14, aprueba: 10, objeta: 4 } });
    expect(second.number).not.toBe(first.body.number);

    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/items/3/defer`, { reason: 'Falta la opinión de la comisión con la sociedad civil.' })).body)
      .toMatchObject({ n: 3, status: 'diferido', outcome: null });
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/items/4/close`, { summary: 'Sin otros asuntos.' })).status).toBe(200);

    // The proposals' own workflows adopt them: number, tasks, notices and their own trail.
    for (const [id, item, tasks] of [[consensus, first.body, 1], [majority, second, 2]] as const) {
      const adopted = await eventually(async () => {
        const p = (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body;
        return p.status === 'adoptada' && p.tasks.length === tasks ? p : undefined;
      });
      expect(adopted).toMatchObject({ number: item.number, stage: 'cerrada', decision: { outcome: 'adoptada', counts: { members: 14 }, session: { id: s.id, n: item.n } } });
      const taskPage = await eventually(async () => {
        const page = (await mesa.call('SECRETARIA', 'GET', `/api/v1/tasks?proposal=${id}`)).body;
        return page.items.length === tasks ? page : undefined;
      });
      expect(taskPage.items.every((t: { agreementNumber: string }) => t.agreementNumber === item.number)).toBe(true);
      const trail = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}/audit`)).body;
      expect(trail.verified).toBe(true);
      expect(trail.events.at(-1)).toMatchObject({ action: 'adoptada', data: { number: item.number } });
      const inbox = (await mesa.call('MIGRACIONES', 'GET', '/api/v1/inbox')).body.items as Array<{ kind: string; proposalId?: string }>;
      expect(inbox.some((i) => i.kind === 'decision' && i.proposalId === id)).toBe(true);
    }
    const deferred = (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${later}`)).body;
    expect(deferred).toMatchObject({ status: 'en_curso', stage: 'conformidad' });

    const closed = (await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/close`, { observationDeadline: { days: 5 } })).body;
    expect(closed.status).toBe('cerrada');
    expect(closed.acta.text).toContain(`Acuerdo: ${first.body.number}.`);
    expect(closed.acta.text).toContain('Tareas creadas:');
    expect(closed.acta.text).toContain('Diferido a la próxima sesión: Falta la opinión de la comisión con la sociedad civil.');
    expect(closed.acta.text).toContain(`Ausentes: ${absent.join(', ')}.`);

    const report = (await mesa.call('SECRETARIA', 'GET', `/api/v1/reports/sessions?year=${new Date(s.startsAt).getUTCFullYear()}`)).body;
    expect(report.agreements.inSession).toBeGreaterThanOrEqual(2);
    expect(report.attendance.find((a: { institution: string }) => a.institution === absent[0])).toMatchObject({ present: expect.any(Number) });
    const held = report.attendance.find((a: { institution: string }) => a.institution === present[0]);
    expect(held.present).toBeGreaterThanOrEqual(1);
  }, 150_000);

  it('a proposal whose plan says it is decided in session waits without a written round until a session adopts it', async () => {
    const actions = [{ title: 'Protocolo difundido', responsible: ['MINSA'], dueIn: 'P60D', deliverable: 'Protocolo publicado' }];
    const proposalId = await inRound('Protocolo de salud para caminantes', { decisionInSession: true, actions });
    const waiting = (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${proposalId}`)).body;
    expect(waiting).toMatchObject({ status: 'en_curso', stage: 'conformidad', pendingSignoffs: [], signoffs: [], rules: { decisionInSession: true } });
    // No written round: no member is asked for its sign-off, and one sent is refused with nothing recorded.
    const inbox = (await mesa.call('MINSA', 'GET', '/api/v1/inbox')).body.items as Array<{ kind: string; proposalId?: string }>;
    expect(inbox.filter((i) => i.proposalId === proposalId).map((i) => i.kind)).not.toContain('conformidad_solicitada');
    const refused = await mesa.call('MINSA', 'POST', `/api/v1/proposals/${proposalId}/signoffs`, { position: 'aprueba' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('Esta propuesta se decide en sesión plenaria');
    const trail = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${proposalId}/audit`)).body;
    expect(trail.events.map((e: { action: string }) => e.action)).not.toContain('conformidad');
    expect((await mesa.call('MINSA', 'GET', `/api/v1/proposals/${proposalId}`)).body.signoffs).toEqual([]);

    const present = memberCodes.slice(0, 13);
    const { s, opening } = await openedSession([{ kind: 'propuesta', proposalId }], present);
    expect(opening.quorum.met).toBe(true);
    for (const code of present) expect((await mesa.call(code, 'POST', `/api/v1/sessions/${s.id}/items/1/positions`, { position: 'aprueba' })).status).toBe(200);
    const item = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/items/1/close`, { summary: 'Aprobado por los presentes.' });
    expect(item.status, JSON.stringify(item.body)).toBe(200);
    expect(item.body).toMatchObject({ outcome: 'adoptada', number: expect.stringMatching(/^ACUERDO-\d{4}-\d{3}$/), counts: { members: 13, aprueba: 13 } });
    const adopted = await eventually(async () => {
      const p = (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${proposalId}`)).body;
      return p.status === 'adoptada' && p.tasks.length === 1 ? p : undefined;
    });
    expect(adopted).toMatchObject({ number: item.body.number, stage: 'cerrada', decision: { outcome: 'adoptada', session: { id: s.id, n: 1 } } });
    const tasks = await eventually(async () => {
      const page = (await mesa.call('SECRETARIA', 'GET', `/api/v1/tasks?proposal=${proposalId}`)).body;
      return page.items.length === 1 ? page : undefined;
    });
    expect(tasks.items[0]).toMatchObject({ agreementNumber: item.body.number });
  }, 150_000);

  it('lets a present member change its position while the item is open, and the secretariat record one on behalf of another', async () => {
    const proposalId = await inRound('Ventanilla única para retornantes');
    const present = memberCodes.slice(0, 12);
    const { s } = await openedSession([{ kind: 'propuesta', proposalId }], present);
    const position = (code: string, body: object) => mesa.call(code, 'POST', `/api/v1/sessions/${s.id}/items/1/positions`, body);
    const member = present[0]!;
    expect((await position(member, { position: 'aprueba' })).body).toMatchObject({ n: 1, institution: member, position: 'aprueba', onBehalf: false });
    const objection = await position(member, { position: 'objeta' });
    expect(objection.status).toBe(422);
    expect(objection.body.error.message).toMatch(/requiere un comentario/);
    expect((await position(member, { position: 'objeta', comment: 'Falta el presupuesto del módulo.' })).status).toBe(200);
    expect((await position(member, { position: 'aprueba_con_observaciones', comment: 'Con el presupuesto en el anexo.' })).status).toBe(200);
    const byProxy = await position('SECRETARIA', { position: 'se_abstiene', institution: present[1]! });
    expect(byProxy.status).toBe(200);
    expect(byProxy.body).toMatchObject({ institution: present[1], position: 'se_abstiene', onBehalf: true });
    // An observer never takes a position.
    expect((await position('DEFENSORIA', { position: 'aprueba' })).status).toBe(403);

    const item = (await get(s.id)).agenda[0];
    expect(item.positions).toEqual([
      expect.objectContaining({ institution: member, position: 'aprueba_con_observaciones', comment: 'Con el presupuesto en el anexo.', onBehalf: false }),
      expect.objectContaining({ institution: present[1], position: 'se_abstiene', onBehalf: true }),
    ]);
    expect(item.history.map((p: { position: string }) => p.position)).toEqual(['aprueba', 'objeta', 'aprueba_con_observaciones', 'se_abstiene']);
    // The trail says who recorded each position, and that one was recorded on the member's behalf.
    const audit = (await mesa.call('SECRETARIA', 'GET', `/api/v1/sessions/${s.id}/audit`)).body;
    expect(audit.verified).toBe(true);
    expect(audit.events.filter((e: { action: string }) => e.action === 'posicion_cambiada').map((e: { data: { previous: string } }) => e.data.previous)).toEqual(['aprueba', 'objeta']);
    expect(audit.events.find((e: { action: string; data: { onBehalf?: boolean } }) => e.action === 'posicion' && e.data.onBehalf)).toMatchObject({ institution: 'SECRETARIA' });
    // Closing needs every present member's position.
    const early = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/items/1/close`, { summary: 'Debate sobre el presupuesto.' });
    expect(early.status).toBe(422);
    expect(early.body.error.message).toMatch(/Falta la posición de/);
  });
});

const exec = promisify(execFile);

describe('the acta', () => {
  it('closes its observation round by silence, is signed, and pdfsig finds the signature valid, then broken after one byte changes', async () => {
    const s = await conveneSoon({ agenda: [{ kind: 'otro', title: 'Informe sobre la feria binacional' }] });
    await waitUntil(s.startsAt);
    const present = [...memberCodes.slice(0, 12), 'DEFENSORIA'];
    expect((await mesa.call('MINSA', 'POST', `/api/v1/sessions/${s.id}/confirmations`, { attends: true, representative: { name: 'Dra. Rosa Quispe', email: 'rquispe@minsa.gob.pe' } })).status).toBe(200);
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/open`, { present })).status).toBe(200);
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/items/1/close`, { summary: 'La Secretaría informó; sin observaciones.' })).body)
      .toMatchObject({ n: 1, status: 'cerrado', outcome: 'tratado', summary: 'La Secretaría informó; sin observaciones.' });
    const closed = await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/close`, { observationDeadline: 'PT4S' });
    expect(closed.status).toBe(200);
    expect(closed.body.acta.text).toMatch(/ACTA DE LA SESIÓN ORDINARIA/);
    expect(closed.body.acta.text).toMatch(/MINSA, representada por Dra\. Rosa Quispe/);
    expect(closed.body.acta.text).toMatch(/Deliberación: La Secretaría informó; sin observaciones\./);
    expect((await mesa.call(present[0]!, 'POST', `/api/v1/sessions/${s.id}/acta/conformity`, {})).status).toBe(200);
    // Only those who attended answer.
    expect((await mesa.call(memberCodes[20]!, 'POST', `/api/v1/sessions/${s.id}/acta/observations`, { text: 'x' })).status).toBe(403);

    const approved = await eventually(async () => {
      const now = await get(s.id);
      return now.status === 'acta_aprobada' && now.acta.sha256 ? now : undefined;
    }, 30_000);
    expect(approved.acta.answers[present[0]!]).toBe('conforme');
    expect(approved.acta.answers[present[1]!]).toBe('silencio');
    expect(approved.acta.answers.DEFENSORIA).toBe('silencio');
    const audit = (await mesa.call('SECRETARIA', 'GET', `/api/v1/sessions/${s.id}/audit`)).body;
    expect(audit.verified).toBe(true);
    const approval = audit.events.find((e: { action: string }) => e.action === 'acta_aprobada');
    expect(approval.data.note).toMatch(/^Aprobada por silencio de: /);
    expect(approval.data.silent).toHaveLength(present.length - 1);
    expect(audit.events.find((e: { action: string }) => e.action === 'acta_firmada').data.sha256).toBe(approved.acta.sha256);

    const token = await mesa.login('MTPE');
    const pdf = await mesa.app.inject({ method: 'GET', url: `/api/v1/sessions/${s.id}/acta.pdf`, headers: { authorization: `Bearer ${token}` } });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const described = await mesa.call('MTPE', 'GET', `/api/v1/sessions/${s.id}/acta.pdf`, undefined, { accept: 'application/json' });
    expect(described.body).toMatchObject({ sha256: approved.acta.sha256, version: 1, pdf: pdf.rawPayload.toString('base64') });
    const dir = await mkdtemp(join(tmpdir(), 'acta-'));
    try {
      const original = join(dir, 'acta.pdf');
      await writeFile(original, pdf.rawPayload);
      const valid = await exec('pdfsig', [original]);
      expect(valid.stdout, valid.stdout).toContain('Signature Type: ETSI.CAdES.detached');
      expect(valid.stdout).toContain('Total document signed');
      expect(valid.stdout, valid.stdout).toContain('Signature Validation: Signature is Valid.');

      const altered = Buffer.from(pdf.rawPayload);
      const at = altered.indexOf('/Type /Page');
      altered[at + 7] = altered[at + 7] === 0x51 ? 0x52 : 0x51;
      const broken = join(dir, 'alterada.pdf');
      await writeFile(broken, altered);
      const check = await exec('pdfsig', [broken]).catch((e: { stdout: string }) => e);
      expect(check.stdout).toContain('Signature Validation: Digest Mismatch.');

      const verify = (bytes: Buffer) => mesa.call('MTPE', 'POST', `/api/v1/sessions/${s.id}/acta/verification`, { pdf: bytes.toString('base64') });
      expect((await verify(pdf.rawPayload)).body).toMatchObject({ matches: true, sha256: approved.acta.sha256 });
      expect((await verify(altered)).body).toMatchObject({ matches: false, original: { sha256: approved.acta.sha256 } });
      const notPdf = await verify(Buffer.from('Acta de la sesión, en texto'));
      expect(notPdf.status).toBe(422);
      expect(notPdf.body.error).toMatchObject({ code: 'not_a_pdf', details: { field: 'pdf' } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the session\'s audit trail', () => {
  it('is sealed by the signed checkpoint: its last entry deleted after the workflow ended is reported', async () => {
    const startsAt = new Date(Math.ceil((Date.now() + 86_400_000) / 1000) * 1000).toISOString();
    const s = await convene({ startsAt, agenda: [{ kind: 'otro', title: 'Balance de la campaña de regularización' }] });
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/sessions/${s.id}/cancel`, { reason: 'Se reprogramará en enero' })).status).toBe(200);
    await eventually(async () => (await mesa.client.workflow.getHandle(`session-${s.id}`).describe()).status.name === 'COMPLETED');
    const sealed = await mesa.client.workflow.execute('auditCheckpointWorkflow', { taskQueue: mesa.taskQueue, workflowId: `sello-${s.id}`, args: [] }) as { written: boolean };
    expect(sealed.written).toBe(true);
    const [file] = (await readdir(mesa.audit.checkpointDir)).sort().reverse();
    const heads = JSON.parse(await readFile(join(mesa.audit.checkpointDir, file!), 'utf8')).heads as Record<string, [number, string]>;
    expect(heads[`session:${s.id}`]?.[0]).toBe(2);
    expect((await mesa.call('SECRETARIA', 'GET', `/api/v1/sessions/${s.id}/audit`)).body.verified).toBe(true);

    // Whoever rewrites the database deletes the cancellation: the chain left is whole, the checkpoint is not fooled.
    await mesa.database.db.execute(sql`delete from session_audit where session_id = ${s.id} and seq = 2`);
    const audit = (await mesa.call('SECRETARIA', 'GET', `/api/v1/sessions/${s.id}/audit`)).body;
    expect(audit.verified).toBe(false);
    expect(audit.problems.find((p: { seq: number; field: string }) => p.seq === 2 && p.field === 'seq')?.message).toMatch(/^Falta la entrada 2: según el punto de control firmado del/);
  });
});
