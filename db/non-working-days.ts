// The calendar's data: the non-working days the secretariat records (decreed days, regional
// holidays), merged with the national holidays that are built in (domain/calendar.ts).
import { and, asc, between, eq, gte, inArray, ne, sql } from 'drizzle-orm';
import {
  limaDate, limaDay, nationalHolidays, WorkingCalendar, type CalendarView, type IsoDate, type NonWorkingDay, type NonWorkingDayKind,
} from '../domain/calendar';
import type { Db } from './client';
import { nonWorkingDays, proposals, tasks } from './schema';

export const nationalCalendar = 'nacional';

export interface NewNonWorkingDay { date: IsoDate; reason: string; kind: NonWorkingDayKind; reference: string | null }

const asDay = (r: typeof nonWorkingDays.$inferSelect): NonWorkingDay =>
  ({ date: r.date, reason: r.reason, kind: r.kind, fixed: false, reference: r.reference });

/** The recorded (not built-in) non-working days between two dates, inclusive. */
export async function recordedNonWorkingDays(db: Db, from: IsoDate, to: IsoDate, calendar = nationalCalendar): Promise<NonWorkingDay[]> {
  const rows = await db.select().from(nonWorkingDays)
    .where(and(eq(nonWorkingDays.calendar, calendar), between(nonWorkingDays.date, from, to)))
    .orderBy(asc(nonWorkingDays.date));
  return rows.map(asDay);
}

/** Every non-working day of a year: national holidays and recorded days, by date. */
export async function nonWorkingDaysOfYear(db: Db, year: number, calendar = nationalCalendar): Promise<NonWorkingDay[]> {
  const recorded = await recordedNonWorkingDays(db, `${year}-01-01`, `${year}-12-31`, calendar);
  return [...nationalHolidays(year), ...recorded].sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * Records days as one calendar change, all or none: false (and nothing recorded) when one of them
 * already is by another change. Days this same change recorded before count as recorded now, so a
 * retried request that wrote its days but never answered goes on as if it had just written them.
 */
export async function addNonWorkingDays(db: Db, days: NewNonWorkingDay[], createdBy: string, change: string, calendar = nationalCalendar): Promise<boolean> {
  if (days.length === 0) return true;
  class AlreadyRecorded extends Error {}
  try {
    await db.transaction(async (tx) => {
      const inserted = await tx.insert(nonWorkingDays).values(days.map((d) => ({ ...d, calendar, createdBy, change })))
        .onConflictDoNothing().returning({ date: nonWorkingDays.date });
      if (inserted.length === days.length) return;
      const ours = await tx.select({ date: nonWorkingDays.date }).from(nonWorkingDays).where(and(
        eq(nonWorkingDays.calendar, calendar), eq(nonWorkingDays.change, change), inArray(nonWorkingDays.date, days.map((d) => d.date)),
      ));
      if (new Set([...inserted, ...ours].map((r) => r.date)).size !== days.length) throw new AlreadyRecorded();
    });
    return true;
  } catch (e) {
    if (e instanceof AlreadyRecorded) return false;
    throw e;
  }
}

/** The change that recorded a day: undefined when the day is not recorded, null for days recorded before changes were named. */
export async function changeOfDay(db: Db, date: IsoDate, calendar = nationalCalendar): Promise<string | null | undefined> {
  const [row] = await db.select({ change: nonWorkingDays.change }).from(nonWorkingDays)
    .where(and(eq(nonWorkingDays.calendar, calendar), eq(nonWorkingDays.date, date)));
  return row ? row.change : undefined;
}

export async function updateNonWorkingDay(db: Db, date: IsoDate, change: { reason: string; reference: string | null; kind: NonWorkingDayKind }, calendar = nationalCalendar): Promise<NonWorkingDay | null> {
  const [row] = await db.update(nonWorkingDays).set(change)
    .where(and(eq(nonWorkingDays.calendar, calendar), eq(nonWorkingDays.date, date))).returning();
  return row ? asDay(row) : null;
}

export async function removeNonWorkingDay(db: Db, date: IsoDate, calendar = nationalCalendar): Promise<boolean> {
  const rows = await db.delete(nonWorkingDays).where(and(eq(nonWorkingDays.calendar, calendar), eq(nonWorkingDays.date, date))).returning();
  return rows.length > 0;
}

/** The recorded non-working days from a day on, by date (the table is small: a few a year). */
export async function recordedDates(db: Db, since: IsoDate, calendar = nationalCalendar): Promise<IsoDate[]> {
  const rows = await db.select({ date: nonWorkingDays.date }).from(nonWorkingDays)
    .where(and(eq(nonWorkingDays.calendar, calendar), gte(nonWorkingDays.date, since))).orderBy(asc(nonWorkingDays.date));
  return rows.map((r) => r.date);
}

/**
 * The calendar a process counts its deadlines in days on (docs/domain.md#calendario-y-plazos): the
 * recorded non-working days from a year back, and the close of day.
 */
export async function calendarViewNow(db: Db, closeOfDay: string, now = new Date()): Promise<CalendarView> {
  const since = limaDay(limaDate(now)).minus({ years: 1 }).toISODate()!;
  return { nonWorkingDays: await recordedDates(db, since), closeOfDay };
}

/** The working calendar from a day on. */
export async function workingCalendarSince(db: Db, since: IsoDate, calendar = nationalCalendar): Promise<WorkingCalendar> {
  return new WorkingCalendar(await recordedDates(db, since, calendar));
}

/** Every non-working day of this year and the next (national and recorded): what the schedules skip. */
export async function nonWorkingDaysAhead(db: Db, now = new Date(), calendar = nationalCalendar): Promise<IsoDate[]> {
  const year = limaDay(limaDate(now)).year;
  const days = [...await nonWorkingDaysOfYear(db, year, calendar), ...await nonWorkingDaysOfYear(db, year + 1, calendar)];
  return days.map((d) => d.date);
}

/**
 * The open proposals and tasks whose deadline ends at or after a moment: those a non-working day
 * from then on may move (each process decides from its own deadline whether it does).
 */
export async function openDeadlinesFrom(db: Db, from: Date): Promise<{ proposalIds: string[]; taskIds: string[] }> {
  const openProposals = await db.select({ id: proposals.id }).from(proposals).where(and(
    ne(proposals.stage, 'cerrada'),
    sql`(${proposals.deadlines} ->> ${proposals.stage})::timestamptz >= ${from.toISOString()}::timestamptz`,
  ));
  const openTasks = await db.select({ id: tasks.id }).from(tasks).where(and(ne(tasks.status, 'verificada'), gte(tasks.dueAt, from)));
  return { proposalIds: openProposals.map((p) => p.id), taskIds: openTasks.map((t) => t.id) };
}
