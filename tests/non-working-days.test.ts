// The calendar's data through the API: national holidays built in, decreed non-working days kept
// by the secretariat (by hand or from an iCalendar file), and bad input refused, changing nothing.
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarChange } from '../api/calendar-changes';
import { addNonWorkingDays } from '../db/non-working-days';
import { idempotencyKeys } from '../db/schema';
import { reserveIdempotencyKey } from '../db/users';
import { canonicalJson } from '../domain/canonical-json';
import { endOfDay, limaDate, WorkingCalendar } from '../domain/calendar';
import { adoptWith, eventually, launchBody, startMesa, type Mesa } from './harness';

let mesa: Mesa;
beforeAll(async () => {
  mesa = await startMesa();
});
afterAll(() => mesa?.close());

const url = '/api/v1/calendar/non-working-days';
type Day = { date: string; reason: string; kind: string; fixed: boolean; reference?: string | null };
const year = async (y: number) => (await mesa.call('MINSA', 'GET', `${url}?year=${y}`)).body as Day[];
const remove = async (date: string, code = 'SECRETARIA') => mesa.app.inject({
  method: 'DELETE', url: `${url}/${date}`, headers: { authorization: `Bearer ${await mesa.login(code)}` },
});

async function expectRefused(answer: Promise<{ status: number; body: any }>, field: string, message: RegExp) {
  const { status, body } = await answer;
  expect({ status, field: body?.error?.details?.field }).toEqual({ status: 400, field });
  expect(body.error.message).toContain(`«${field}»`);
  expect(body.error.message).toMatch(message);
}

const ics = (...events: string[]) => [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Gobierno//Feriados//ES',
  ...events.flatMap((e) => ['BEGIN:VEVENT', `UID:${Math.random()}@test`, 'DTSTAMP:20261101T000000Z', ...e.split('|'), 'END:VEVENT']),
  'END:VCALENDAR', '',
].join('\r\n');

describe('the calendar of non-working days', () => {
  it('lists Peru\'s national holidays of a year, Holy Week included, to any user', async () => {
    const days = await year(2026);
    expect(days).toHaveLength(16);
    expect(days.slice(0, 3)).toEqual([
      { date: '2026-01-01', reason: 'Año Nuevo', kind: 'feriado', fixed: true },
      { date: '2026-04-02', reason: 'Jueves Santo', kind: 'feriado', fixed: true },
      { date: '2026-04-03', reason: 'Viernes Santo', kind: 'feriado', fixed: true },
    ]);
    expect(days.map((d) => d.date)).toEqual(expect.arrayContaining(['2026-06-07', '2026-07-23', '2026-07-28', '2026-07-29', '2026-08-06', '2026-08-30', '2026-12-08', '2026-12-09']));
  });

  it('lets the secretariat add a decreed day with its decree, correct it and remove it', async () => {
    const added = await mesa.call('SECRETARIA', 'POST', url, { date: '2027-07-30', reason: 'Día no laborable para el sector público', reference: 'D.S. N.° 101-2027-PCM' });
    expect(added).toMatchObject({ status: 201, body: { date: '2027-07-30', kind: 'no_laborable', fixed: false, reference: 'D.S. N.° 101-2027-PCM' } });
    expect((await year(2027)).find((d) => d.date === '2027-07-30')).toEqual({
      date: '2027-07-30', reason: 'Día no laborable para el sector público', kind: 'no_laborable', fixed: false, reference: 'D.S. N.° 101-2027-PCM',
    });
    const fixed = await mesa.call('SECRETARIA', 'PUT', `${url}/2027-07-30`, { reason: 'Día no laborable compensable', reference: 'D.S. N.° 102-2027-PCM' });
    expect(fixed).toMatchObject({ status: 200, body: { reason: 'Día no laborable compensable', reference: 'D.S. N.° 102-2027-PCM' } });
    expect((await remove('2027-07-30')).statusCode).toBe(204);
    expect((await year(2027)).some((d) => d.date === '2027-07-30')).toBe(false);
  });

  it('refuses bad days, naming the field, and changes nothing', async () => {
    const add = (body: object, code = 'SECRETARIA') => mesa.call(code, 'POST', url, body);
    expect((await add({ date: '2026-10-09', reason: 'Puente' })).status).toBe(201);
    const before = await year(2026);
    await expectRefused(add({ date: '2026-10-09', reason: 'Otra vez' }), 'date', /ya está registrado/);
    await expectRefused(add({ date: '2026-12-08', reason: 'Inmaculada' }), 'date', /ya es feriado nacional \(Inmaculada Concepción\)/);
    await expectRefused(add({ date: '2026-11-29', reason: 'Domingo' }), 'date', /domingo/);
    await expectRefused(add({ date: '2026-02-30', reason: 'No existe' }), 'date', /no es una fecha real/);
    await expectRefused(add({ date: '09-10-2026', reason: 'Texto' }), 'date', /formato/);
    await expectRefused(add({ date: '2026-10-16' }), 'reason', /Falta/);
    expect((await add({ date: '2026-10-16', reason: 'Puente' }, 'MINSA')).status).toBe(403);
    const holiday = await remove('2026-07-28');
    expect({ status: holiday.statusCode, field: holiday.json().error.details.field }).toEqual({ status: 422, field: 'date' });
    expect((await remove('2026-10-16')).statusCode).toBe(404);
    expect((await remove('2026-10-09', 'MINSA')).statusCode).toBe(403);
    expect(await year(2026)).toEqual(before);
  });

  it('imports an iCalendar file: all-day and multi-day events, skipping what already is not a working day', async () => {
    const file = ics(
      'DTSTART;VALUE=DATE:20270104|DTEND;VALUE=DATE:20270106|SUMMARY:Días no laborables de inicio de año',
      'DTSTART;VALUE=DATE:20270101|SUMMARY:Año Nuevo',
      'DTSTART:20270226T150000Z|DTEND:20270226T160000Z|SUMMARY:Día no laborable en Lima',
    );
    const { status, body } = await mesa.call('SECRETARIA', 'POST', `${url}/import`, { ics: file, reference: 'D.S. N.° 001-2027-PCM' });
    expect(status).toBe(201);
    expect(body.added.map((d: Day) => [d.date, d.reason, d.reference])).toEqual([
      ['2027-01-04', 'Días no laborables de inicio de año', 'D.S. N.° 001-2027-PCM'],
      ['2027-01-05', 'Días no laborables de inicio de año', 'D.S. N.° 001-2027-PCM'],
      ['2027-02-26', 'Día no laborable en Lima', 'D.S. N.° 001-2027-PCM'],
    ]);
    expect(body.skipped).toEqual([{ date: '2027-01-01', reason: 'Año Nuevo' }]);
    expect((await year(2027)).filter((d) => !d.fixed).map((d) => d.date)).toEqual(['2027-01-04', '2027-01-05', '2027-02-26']);
  });

  it('refuses a malformed iCalendar file whole', async () => {
    const before = await year(2028);
    const good = 'DTSTART;VALUE=DATE:20280103|SUMMARY:Día no laborable';
    for (const bad of [
      'esto no es un calendario',
      ics(good).replace('END:VCALENDAR', ''),
      ics(),
      ics(good, 'DTSTART;VALUE=DATE:20280104'),
      ics(good, 'SUMMARY:Sin fecha'),
    ]) {
      await expectRefused(mesa.call('SECRETARIA', 'POST', `${url}/import`, { ics: bad }), 'ics', /./);
    }
    expect(await year(2028)).toEqual(before);
  });
});

const launch = (overrides: Record<string, unknown>) => mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody(overrides));

describe('deadline expressions where a proposal is launched', () => {
  const action = { title: 'Guía', responsible: ['MINSA'], deliverable: 'Guía publicada' };

  it.each([
    [{ deadlines: { consulta: { weeks: 2 } } }, 'deadlines.consulta', /debe ser un plazo/],
    [{ deadlines: { consulta: { workingDays: 0 } } }, 'deadlines.consulta', /al menos un día/],
    [{ deadlines: { conformidad: { days: -5 } } }, 'deadlines.conformidad', /al menos un día/],
    [{ deadlines: { conformidad: { workingDays: 5000 } } }, 'deadlines.conformidad', /10 años/],
    [{ deadlines: { conformidad: { until: '2020-03-15' } } }, 'deadlines.conformidad', /ya pasó/],
    [{ deadlines: { conformidad: { until: '2027-02-30' } } }, 'deadlines.conformidad', /AAAA-MM-DD/],
    [{ deadlines: { conformidad: 'P11Y' } }, 'deadlines.conformidad', /no es un plazo válido/],
    [{ reminders: [{ workingDays: 3 }, { until: '2027-01-04' }] }, 'reminders[1]', /debe ser un plazo/],
    [{ extension: { workingDays: 0 } }, 'extension', /al menos un día/],
    [{ actions: [{ ...action, dueIn: { workingDays: 2.5 } }] }, 'actions[0].dueIn', /debe ser un plazo/],
    [{ actions: [{ ...action, dueIn: { days: 30 }, reminders: [{ days: 0 }] }] }, 'actions[0].reminders[0]', /al menos un día/],
  ])('refuses %j naming the field, launching nothing', async (overrides, field, message) => {
    const before = (await mesa.call('SECRETARIA', 'GET', '/api/v1/proposals')).body.items.length;
    const { status, body } = await launch(overrides);
    expect({ status, field: body?.error?.details?.field }).toEqual({ status: 400, field });
    expect(body.error.message).toContain(`«${field}`);
    expect(body.error.message).toMatch(message);
    expect((await mesa.call('SECRETARIA', 'GET', '/api/v1/proposals')).body.items).toHaveLength(before);
  });
});

/** A proposal launched straight into a conformity round of so many working days: its id and the round's deadline. */
async function launchRound(workingDays: number): Promise<{ id: string; before: string }> {
  const launched = await launch({ stages: ['conformidad'], deadlines: { conformidad: { workingDays } } });
  expect(launched.status).toBe(201);
  return { id: launched.body.id as string, before: launched.body.deadlines.conformidad as string };
}

describe('a non-working day added while a round is open', () => {
  it('moves the round\'s deadline by one working day, says so in the audit trail and tells those who owe a sign-off', async () => {
    const { id, before } = await launchRound(10);
    // Ten working days from today, at the close of the day in Lima.
    const calendar = new WorkingCalendar();
    const lastDay = calendar.addWorkingDays(limaDate(new Date()), 10);
    expect(before).toBe(endOfDay(lastDay).toISOString());

    // The government declares the round's last day non-working.
    const added = await mesa.call('SECRETARIA', 'POST', url, { date: lastDay, reason: 'Día no laborable para el sector público', reference: 'D.S. N.° 200-2026-PCM' });
    expect(added.status).toBe(201);
    expect(added.body.moved).toBeGreaterThanOrEqual(1);
    const after = endOfDay(new WorkingCalendar([lastDay]).addWorkingDays(limaDate(new Date()), 10)).toISOString();
    expect(after > before).toBe(true);
    await eventually(async () => (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body.deadlines.conformidad === after);

    const audit = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}/audit`)).body;
    expect(audit.verified).toBe(true);
    expect(audit.events.find((e: { action: string }) => e.action === 'plazo_movido')?.data).toMatchObject({ stage: 'conformidad', from: before, to: after, dates: [lastDay] });
    const inbox = (await mesa.call('MINSA', 'GET', '/api/v1/inbox')).body.items;
    expect(inbox.find((i: { kind: string; proposalId?: string }) => i.kind === 'plazo_movido' && i.proposalId === id)?.title)
      .toMatch(/^Plazo movido por un día no laborable: ahora vence el \p{L}+ \d+ de \p{L}+ de \d{4} a las 17:00 \(10 días hábiles\)/u);
  });
});

describe('a non-working day added while a task is open', () => {
  it('moves the task\'s due date to the next working day, says so in its audit trail and tells the responsible institutions', async () => {
    const [taskId] = await adoptWith(mesa, [{ title: 'Protocolo de atención', responsible: ['MINSA', 'MIDIS'], deliverable: 'Protocolo aprobado', dueIn: { workingDays: 15 } }]);
    const task = async () => (await mesa.call('MINSA', 'GET', `/api/v1/tasks/${taskId}`)).body as { dueAt: string };
    const before = (await task()).dueAt;
    const lastDay = limaDate(new Date(before));
    expect(before).toBe(endOfDay(lastDay).toISOString());

    const added = await mesa.call('SECRETARIA', 'POST', url, { date: lastDay, reason: 'Día no laborable para el sector público', reference: 'D.S. N.° 210-2026-PCM' });
    expect(added.status).toBe(201);
    expect(added.body.moved).toBeGreaterThanOrEqual(1);
    // The last day no longer counts: the fifteenth working day is the next one.
    const after = endOfDay(new WorkingCalendar([lastDay]).addWorkingDays(lastDay, 1)).toISOString();
    expect(after > before).toBe(true);
    await eventually(async () => (await task()).dueAt === after);

    const audit = (await mesa.call('MINSA', 'GET', `/api/v1/tasks/${taskId}/audit`)).body;
    expect(audit.verified).toBe(true);
    expect(audit.events.find((e: { action: string }) => e.action === 'plazo_movido')?.data).toEqual({ from: before, to: after, dates: [lastDay] });
    for (const code of ['MINSA', 'MIDIS']) {
      const inbox = (await mesa.call(code, 'GET', '/api/v1/inbox')).body.items as Array<{ kind: string; title: string }>;
      expect(inbox.find((i) => i.kind === 'plazo_movido' && i.title.includes('Protocolo de atención'))?.title)
        .toMatch(/^Plazo movido por un día no laborable: ahora vence el \p{L}+ \d+ de \p{L}+ de \d{4} a las 17:00 \(15 días hábiles\)/u);
    }
  });
});

describe('a non-working day whose request died after recording it', () => {
  it('is made good by the retry: the same answer, and the open deadline moved by one working day exactly once', async () => {
    const { id, before } = await launchRound(20);
    const lastDay = limaDate(new Date(before));
    // The next working day, on the calendar as recorded so far (other tests here add days too) and the new day.
    const recorded = [...await year(Number(lastDay.slice(0, 4))), ...await year(Number(lastDay.slice(0, 4)) + 1)].filter((d) => !d.fixed);
    const after = endOfDay(new WorkingCalendar([...recorded.map((d) => d.date), lastDay]).addWorkingDays(lastDay, 1)).toISOString();
    const body = { date: lastDay, reason: 'Día no laborable para el sector público', reference: 'D.S. N.° 220-2026-PCM' };
    const route = `POST ${url}`;
    const key = 'dia-no-laborable-220';
    const userId = (await mesa.call('SECRETARIA', 'GET', '/api/v1/me')).body.id as string;
    const { db } = mesa.database;
    const keyId = { userId, route, key };
    /** The request as it stood when its process died: key reserved long ago and still unanswered. */
    const diedUnanswered = async () => {
      await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
      expect(await reserveIdempotencyKey(db, { ...keyId, requestHash: createHash('sha256').update(canonicalJson(body)).digest('hex') })).toBe(true);
      await db.update(idempotencyKeys).set({ createdAt: new Date(Date.now() - 10 * 60_000) }).where(eq(idempotencyKeys.key, key));
    };
    const retry = () => mesa.call('SECRETARIA', 'POST', url, body, { 'idempotency-key': key });
    const movedEvents = async () => ((await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}/audit`)).body.events as Array<{ action: string; data: unknown }>)
      .filter((e) => e.action === 'plazo_movido');

    // The first request recorded the day, as the route does, and died before the deadlines were told.
    await diedUnanswered();
    expect(await addNonWorkingDays(db, [{ ...body, kind: 'no_laborable' }], userId, calendarChange(userId, route, key))).toBe(true);
    expect((await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body.deadlines.conformidad).toBe(before);

    // Its retry answers as the first would have, and the deadline moves.
    const answered = await retry();
    expect(answered).toMatchObject({ status: 201, body: { ...body, kind: 'no_laborable', fixed: false } });
    expect(answered.body.moved).toBeGreaterThanOrEqual(1);
    await eventually(async () => (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body.deadlines.conformidad === after);

    // The retry itself dies before its answer is kept: the next one joins the moving already done.
    await diedUnanswered();
    expect(await retry()).toMatchObject({ status: 201, body: { ...body, moved: answered.body.moved } });
    // And once answered, a retry gets the kept answer.
    expect(await retry()).toMatchObject({ status: 201, body: answered.body });

    // Moved once: one working day later, one step in its audit trail, the day recorded once.
    expect((await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body.deadlines.conformidad).toBe(after);
    const moved = await movedEvents();
    expect(moved).toHaveLength(1);
    expect(moved[0]!.data).toMatchObject({ stage: 'conformidad', from: before, to: after, dates: [lastDay] });
    expect((await year(Number(lastDay.slice(0, 4)))).filter((d) => d.date === lastDay)).toHaveLength(1);
  });
});
