// Open deadlines of an institution, for its calendar feed, and the feed's secret token.
import { and, arrayContains, eq, inArray } from 'drizzle-orm';
import { formatDeadline, resolveReminder, type WorkingCalendar } from '../domain/calendar';
import { stageDeadlineWords, stageWords } from '../domain/catalogue';
import { owedTaskStatuses } from '../domain/tasks';
import { readsDeliberation } from '../domain/visibility';
import type { Db } from './client';
import { publicProposal } from './proposals';
import { workingCalendarSince } from './non-working-days';
import { calendarTokens, institutions, proposals, tasks } from './schema';

export async function setCalendarToken(db: Db, institution: string, tokenHash: string): Promise<void> {
  await db.insert(calendarTokens).values({ institution, tokenHash })
    .onConflictDoUpdate({ target: calendarTokens.institution, set: { tokenHash, createdAt: new Date() } });
}

export async function institutionOfCalendarToken(db: Db, tokenHash: string): Promise<string | null> {
  const [row] = await db.select().from(calendarTokens).where(eq(calendarTokens.tokenHash, tokenHash));
  return row?.institution ?? null;
}

/** A reminder in a calendar feed (VALARM): when, and what it says. */
export interface Alarm { at: Date; text: string }

export interface Deadline { uid: string; at: Date; summary: string; description: string; path: string; alarms?: Alarm[] }

/** Reminders 3 and 1 working days before a deadline, as people say them (docs/domain.md#calendario-y-plazos). */
export function deadlineAlarms(at: Date, calendar: WorkingCalendar): Alarm[] {
  return [3, 1].map((n) => ({
    at: resolveReminder(at, { workingDays: n }, calendar),
    text: `${n === 1 ? 'Queda 1 día hábil' : `Quedan ${n} días hábiles`}: ${formatDeadline(at)}.`,
  }));
}

/**
 * What the institution must do by a date: its stages awaiting it, open consultations it may join,
 * its tasks. A civil society feed names only proposals it may read (domain/visibility.ts).
 */
export async function openDeadlines(db: Db, institution: string): Promise<Deadline[]> {
  const [inst] = await db.select({ kind: institutions.kind }).from(institutions).where(eq(institutions.code, institution));
  const readable = inst && readsDeliberation({ institution, kind: inst.kind }) ? undefined : publicProposal();
  const [awaiting, consultations, owed] = await Promise.all([
    db.select().from(proposals).where(and(arrayContains(proposals.pendingFor, [institution]), readable)),
    inst && (inst.kind === 'osc' || inst.kind === 'apoyo')
      ? db.select().from(proposals).where(and(eq(proposals.stage, 'consulta'), eq(proposals.consultationOpen, true), readable))
      : Promise.resolve([]),
    db.select().from(tasks).where(and(arrayContains(tasks.responsible, [institution]), inArray(tasks.status, [...owedTaskStatuses]))),
  ]);
  const deadlines: Deadline[] = [];
  for (const p of [...awaiting, ...consultations.filter((c) => !awaiting.some((a) => a.id === c.id))]) {
    if (p.stage === 'cerrada') continue;
    const due = p.deadlines[p.stage];
    if (!due) continue;
    deadlines.push({
      uid: `${p.id}-${p.stage}-${p.round}@mesa`,
      at: new Date(due),
      summary: `${stageDeadlineWords[p.stage].es}: ${p.title}`,
      description: `Plazo de la etapa «${stageWords[p.stage].es}» de la propuesta «${p.title}».`,
      path: `/propuestas/${p.id}`,
    });
  }
  for (const t of owed) {
    deadlines.push({
      uid: `${t.id}-vence@mesa`,
      at: t.dueAt,
      summary: `Vence la tarea: ${t.title}`,
      description: `${t.agreementNumber}, tarea ${t.index}: ${t.title}. Entregable: ${t.deliverable}.`,
      path: `/tareas/${t.id}`,
    });
  }
  const calendar = await workingCalendarSince(db, '2000-01-01');
  for (const d of deadlines) d.alarms = deadlineAlarms(d.at, calendar);
  return deadlines.sort((a, b) => a.at.getTime() - b.at.getTime());
}
