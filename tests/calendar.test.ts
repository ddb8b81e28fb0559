// The Mesa's calendar (domain/calendar.ts): working days in Lima, on real dates of 2025–2027 and
// as properties over any start, any length and any set of decreed non-working days.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  WorkingCalendar, deadlineProblem, endOfDay, formatDeadline, formatRemaining, limaDay, nationalHolidays, resolveDeadline, resolveReminder,
  workingDayFacts,
} from '../domain/calendar';

const national = new WorkingCalendar();
const at = (iso: string) => new Date(iso);

describe('the national holidays', () => {
  it.each([
    [2025, '2025-04-17', '2025-04-18'],
    [2026, '2026-04-02', '2026-04-03'],
    [2027, '2027-03-25', '2027-03-26'],
  ])('of %i include Holy Thursday %s and Good Friday %s', (year, thursday, friday) => {
    const days = nationalHolidays(year);
    expect(days.find((d) => d.date === thursday)?.reason).toBe('Jueves Santo');
    expect(days.find((d) => d.date === friday)?.reason).toBe('Viernes Santo');
    expect(days).toHaveLength(16);
    expect(days.every((d) => d.kind === 'feriado' && d.fixed)).toBe(true);
  });

  it('leave 249 working days in 2025 and 20 in December 2026', () => {
    expect(national.countWorkingDays('2024-12-31', '2025-12-31')).toBe(249);
    expect(national.countWorkingDays('2026-11-30', '2026-12-31')).toBe(20);
  });
});

describe('adding working days on real dates', () => {
  const expectWorkingDays = (from: string, n: number, expected: string) => {
    expect(national.addWorkingDays(from, n)).toBe(expected);
    expect(national.countWorkingDays(from, expected)).toBe(n);
  };

  it.each([
    ['the day after is Holy Thursday 2025', '2025-04-16', '2025-04-21'],
    ['28–29 July 2025 (Monday, Tuesday)', '2025-07-25', '2025-07-30'],
    ['8–9 December 2026 (Tuesday, Wednesday)', '2026-12-07', '2026-12-10'],
    ['8–9 December 2025 (Monday, Tuesday)', '2025-12-05', '2025-12-10'],
    ['30 August 2027 (a Monday)', '2027-08-27', '2027-08-31'],
    ['7 June 2027 (a Monday)', '2027-06-04', '2027-06-08'],
    ['6 August 2026 (a Thursday)', '2026-08-05', '2026-08-07'],
    ['the year boundary: 1 January 2027 is a Friday', '2026-12-31', '2027-01-04'],
    ['a Saturday start counts from Monday', '2026-11-28', '2026-11-30'],
  ])('the next working day: %s', (_name, from, expected) => expectWorkingDays(from, 1, expected));

  it.each([
    ['Holy Week 2027', '2027-03-24', 2, '2027-03-30'],
    ['23 July and 28–29 July 2026', '2026-07-22', 3, '2026-07-30'],
    ['Christmas 2026 and New Year 2027', '2026-12-24', 5, '2027-01-04'],
    ['ten working days from 20 November 2026', '2026-11-20', 10, '2026-12-04'],
  ])('several working days: %s', (_name, from, n, expected) => expectWorkingDays(from, n, expected));

  it('skips a decreed non-working day (the day after 28–29 July)', () => {
    const calendar = new WorkingCalendar(['2026-07-27']);
    expect(calendar.addWorkingDays('2026-07-24', 1)).toBe('2026-07-30');
  });
});

describe('deadlines end at the close of the day in Lima', () => {
  it('ten working days from an adoption at 01:55 on 20 November 2026 end on Friday 4 December at 17:00', () => {
    const due = resolveDeadline(at('2026-11-20T06:55:00Z'), { workingDays: 10 }, national);
    expect(due.toISOString()).toBe('2026-12-04T22:00:00.000Z');
    expect(formatDeadline(due, { workingDays: 10 })).toBe('vence el viernes 4 de diciembre de 2026 a las 17:00 (10 días hábiles)');
    expect(formatDeadline(due, { workingDays: 10 }, 'en')).toBe('due on Friday 4 December 2026 at 17:00 (10 working days)');
  });

  it('an evening in Lima is the next day in UTC, but still the same Lima day', () => {
    // 22:30 in Lima on Friday 4 December is 03:30 UTC on Saturday: counting starts Monday 7, then 8–9 are holidays.
    expect(resolveDeadline(at('2026-12-05T03:30:00Z'), { workingDays: 1 }, national).toISOString()).toBe('2026-12-07T22:00:00.000Z');
    expect(endOfDay('2026-12-04', '23:59').toISOString()).toBe('2026-12-05T04:59:00.000Z');
  });

  it('calendar days whose last day is a holiday run to the next working day', () => {
    expect(resolveDeadline(at('2026-07-18T15:00:00Z'), { days: 10 }, national).toISOString()).toBe('2026-07-30T22:00:00.000Z');
    expect(resolveDeadline(at('2026-07-18T15:00:00Z'), { until: '2026-07-29' }, national).toISOString()).toBe('2026-07-30T22:00:00.000Z');
    expect(resolveDeadline(at('2026-07-18T15:00:00Z'), { until: '2026-08-03' }, national).toISOString()).toBe('2026-08-03T22:00:00.000Z');
  });

  it('a month from 31 January is the end of February, 29 February in a leap year', () => {
    expect(resolveDeadline(at('2026-01-31T17:00:00Z'), 'P1M', national).toISOString()).toBe('2026-02-28T17:00:00.000Z');
    expect(resolveDeadline(at('2028-01-31T17:00:00Z'), 'P1M', national).toISOString()).toBe('2028-02-29T17:00:00.000Z');
    expect(resolveDeadline(at('2026-11-29T12:00:00Z'), 'PT30S', national).toISOString()).toBe('2026-11-29T12:00:30.000Z');
  });

  it('reminders never fall on a weekend or a holiday', () => {
    const due = at('2026-12-10T22:00:00Z'); // Thursday 10 December, after 8–9 December
    expect(resolveReminder(due, { workingDays: 1 }, national).toISOString()).toBe('2026-12-07T22:00:00.000Z');
    expect(resolveReminder(due, { workingDays: 3 }, national).toISOString()).toBe('2026-12-03T22:00:00.000Z');
    expect(resolveReminder(due, 'P2D', national).toISOString()).toBe('2026-12-07T22:00:00.000Z');
    expect(resolveReminder(due, 'PT2S', national).toISOString()).toBe('2026-12-10T21:59:58.000Z');
  });

  it('says how many working days are left', () => {
    const due = at('2026-12-04T22:00:00Z');
    expect(formatRemaining(at('2026-12-01T15:00:00Z'), due, national)).toBe('quedan 3 días hábiles');
    expect(formatRemaining(at('2026-12-03T15:00:00Z'), due, national, 'en')).toBe('1 working day left');
    expect(formatRemaining(at('2026-12-04T15:00:00Z'), due, national)).toBe('vence hoy');
    expect(formatRemaining(at('2026-12-05T15:00:00Z'), due, national)).toBe('venció');
  });
});

describe('deadline expressions', () => {
  const now = at('2026-11-29T15:00:00Z');
  it.each([
    [{ workingDays: 10 }], [{ days: 30 }], [{ until: '2027-03-15' }], [{ until: '2026-11-29' }], ['P10D'], ['PT30S'],
  ])('accepts %j', (value) => {
    expect(deadlineProblem('deadlines.consulta', value, now)).toBeNull();
  });

  it.each([
    [{ weeks: 2 }, /«weeks» no es una forma de plazo/],
    [{ workingDays: 0 }, /al menos un día/],
    [{ workingDays: -3 }, /al menos un día/],
    [{ days: 1.5 }, /entero/],
    [{ days: 4000 }, /10 años/],
    [{ until: '2026-11-28' }, /ya pasó/],
    [{ until: '2026-02-30' }, /AAAA-MM-DD/],
    [{ until: '2037-01-01' }, /10 años/],
    [{ workingDays: 3, days: 2 }, /debe ser un plazo/],
    ['P11Y', /no es un plazo válido/],
    ['diez días', /no es un plazo válido/],
  ])('refuses %j naming the field', (value, message) => {
    const problem = deadlineProblem('deadlines.consulta', value, now);
    expect(problem).toMatch(/«deadlines\.consulta/);
    expect(problem).toMatch(message);
  });

  it('refuses a fixed date as a reminder', () => {
    expect(deadlineProblem('reminders[0]', { until: '2027-01-04' }, now, { reminder: true })).toMatch(/«until» no es una forma de plazo/);
  });
});

describe('working-day arithmetic, for any start and any decreed days', () => {
  const day = fc.integer({ min: 0, max: 6 * 366 }).map((n) => limaDay('2024-01-01').plus({ days: n }).toISODate()!);
  const decreed = fc.uniqueArray(day, { maxLength: 20 });
  const n = fc.integer({ min: 0, max: 120 });

  it('adding n working days and counting them back gives n', () => {
    fc.assert(fc.property(day, n, decreed, (from, k, extra) => {
      const calendar = new WorkingCalendar(extra);
      expect(calendar.countWorkingDays(from, calendar.addWorkingDays(from, k))).toBe(k);
    }), { numRuns: 100 });
  });

  it('never lands on a weekend, a holiday or a decreed day', () => {
    fc.assert(fc.property(day, n.filter((k) => k > 0), decreed, (from, k, extra) => {
      const calendar = new WorkingCalendar(extra);
      const end = calendar.addWorkingDays(from, k);
      const d = limaDay(end);
      expect(d.weekday).toBeLessThanOrEqual(5);
      expect(nationalHolidays(d.year).map((h) => h.date)).not.toContain(end);
      expect(extra).not.toContain(end);
    }), { numRuns: 100 });
  });

  it('is monotonic: a later start or more days never ends earlier; a decreed day never brings a deadline forward', () => {
    fc.assert(fc.property(day, day, n, n, decreed, (a, b, j, k, extra) => {
      const calendar = new WorkingCalendar(extra);
      const [first, second] = a <= b ? [a, b] : [b, a];
      expect(calendar.addWorkingDays(first, Math.min(j, k)) <= calendar.addWorkingDays(second, Math.max(j, k))).toBe(true);
      expect(calendar.addWorkingDays(a, j) <= new WorkingCalendar([...extra, b]).addWorkingDays(a, j)).toBe(true);
    }), { numRuns: 100 });
  });
});

describe('the first working day of a week and of a month (digests and the monthly report)', () => {
  it.each([
    ['2026-11-30', { working: true, firstOfWeek: true, firstOfMonth: false, previousWorkingDay: '2026-11-27' }],
    ['2026-12-01', { working: true, firstOfWeek: false, firstOfMonth: true, previousWorkingDay: '2026-11-30' }],
    ['2026-12-08', { working: false, firstOfWeek: false, firstOfMonth: false, previousWorkingDay: '2026-12-07' }],
    ['2026-12-10', { working: true, firstOfWeek: false, firstOfMonth: false, previousWorkingDay: '2026-12-07' }],
    ['2027-01-04', { working: true, firstOfWeek: true, firstOfMonth: true, previousWorkingDay: '2026-12-31' }],
    ['2025-07-30', { working: true, firstOfWeek: true, firstOfMonth: false, previousWorkingDay: '2025-07-25' }],
  ])('%s', (date, facts) => {
    expect(workingDayFacts(national, date)).toEqual(facts);
  });
});

describe('a deadline in a calendar feed', () => {
  it('carries reminders 3 and 1 working days before, as people say them, never on a holiday', async () => {
    const { default: ICAL } = await import('ical.js');
    const { toIcs } = await import('../api/ics');
    const { deadlineAlarms } = await import('../db/calendar');
    const due = at('2026-12-10T22:00:00Z'); // Thursday 10 December, 17:00 in Lima, after 8–9 December
    const ics = toIcs('Mesa — MINSA', 'http://mesa.test', [
      { uid: 't1@mesa', at: due, summary: 'Vence la tarea: Guía', description: 'Guía', path: '/api/v1/tasks/t1', alarms: deadlineAlarms(due, national) },
    ]);
    const alarms = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!.getAllSubcomponents('valarm');
    expect(alarms.map((a) => [a.getFirstPropertyValue('trigger')!.toString(), a.getFirstPropertyValue('description')])).toEqual([
      ['2026-12-03T22:00:00Z', 'Quedan 3 días hábiles: vence el jueves 10 de diciembre de 2026 a las 17:00.'],
      ['2026-12-07T22:00:00Z', 'Queda 1 día hábil: vence el jueves 10 de diciembre de 2026 a las 17:00.'],
    ]);
  });
});
