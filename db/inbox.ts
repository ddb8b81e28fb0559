// The in-app inbox: what awaits each institution, and what it was told.
import { and, arrayOverlaps, desc, eq, inArray, isNull, notExists, or, sql } from 'drizzle-orm';
import { kindTitle, waitingWords, type Words } from '../domain/catalogue';
import type { Notification } from '../domain/events';
import { openTaskStatuses } from '../domain/tasks';
import { readsDeliberation, type Reader } from '../domain/visibility';
import type { Db } from './client';
import { publicProposalSql } from './visibility';
import { inboxItems, proposals, stoppedProcesses, tasks } from './schema';

/** One row per notification and recipient; a retried delivery finds its row and adds nothing. */
export async function deliverToInbox(db: Db, n: Notification, at: Date): Promise<void> {
  if (n.recipients.length === 0) return;
  await db.insert(inboxItems).values(n.recipients.map((institution) => ({
    id: `${n.key}:${institution}`, institution, at, kind: n.kind, title: n.title,
    proposalId: n.proposalId ?? null, taskId: n.taskId ?? null, sessionId: n.sessionId ?? null,
  }))).onConflictDoNothing();
}

export interface Awaiting {
  proposals: Array<{ id: string; title: string; stage: string; dueAt: string | null; updatedAt: Date }>;
  tasks: Array<{ id: string; title: string; status: string; dueAt: string; updatedAt: Date }>;
}

/**
 * Proposals and tasks whose next step is the institution's (their `pendingFor` names it). A stopped
 * one awaits nobody until the secretariat resumes it: nothing can be done on it.
 */
export async function awaiting(db: Db, institution: string): Promise<Awaiting> {
  return (await awaitingEach(db, [institution])).get(institution)!;
}

/** What awaits each of these institutions, in two queries however many they are (the digests). */
export async function awaitingEach(db: Db, institutions: string[]): Promise<Map<string, Awaiting>> {
  const each = new Map<string, Awaiting>(institutions.map((code) => [code, { proposals: [], tasks: [] }]));
  if (institutions.length === 0) return each;
  const running = (kind: 'propuesta' | 'tarea', id: typeof proposals.id | typeof tasks.id) => notExists(
    db.select({ id: stoppedProcesses.id }).from(stoppedProcesses).where(and(eq(stoppedProcesses.kind, kind), eq(stoppedProcesses.id, id))),
  );
  const [ps, ts] = await Promise.all([
    db.select().from(proposals).where(and(arrayOverlaps(proposals.pendingFor, institutions), running('propuesta', proposals.id))),
    db.select().from(tasks).where(and(
      arrayOverlaps(tasks.pendingFor, institutions), inArray(tasks.status, [...openTaskStatuses]), running('tarea', tasks.id),
    )),
  ]);
  for (const p of ps) {
    const item = { id: p.id, title: p.title, stage: p.stage, dueAt: p.stage === 'cerrada' ? null : p.deadlines[p.stage] ?? null, updatedAt: p.updatedAt };
    for (const code of p.pendingFor) each.get(code)?.proposals.push(item);
  }
  for (const t of ts) {
    const item = { id: t.id, title: t.title, status: t.status, dueAt: t.dueAt.toISOString(), updatedAt: t.updatedAt };
    for (const code of t.pendingFor) each.get(code)?.tasks.push(item);
  }
  return each;
}

const waitingTitle = (code: string) => (waitingWords as Record<string, Words>)[code]?.es ?? kindTitle('pendiente');

/**
 * What awaits the institution first (soonest deadline first), then what it was told, newest first.
 * Civil society finds nothing about a proposal it may not read yet, whatever was addressed to it.
 */
export async function listInbox(db: Db, reader: Reader, limit = 200) {
  const institution = reader.institution;
  const told = readsDeliberation(reader) ? undefined : or(
    isNull(inboxItems.proposalId),
    sql`exists (select 1 from proposals p where p.id = ${inboxItems.proposalId} and ${publicProposalSql(sql`p.id`, sql`p.status`)})`,
  );
  const [waiting, rows] = await Promise.all([
    awaiting(db, institution),
    db.select().from(inboxItems).where(and(eq(inboxItems.institution, institution), told)).orderBy(desc(inboxItems.at), desc(inboxItems.id)).limit(limit),
  ]);
  const pending = [
    ...waiting.proposals.map((p) => ({
      id: `pendiente:${p.id}`, at: p.updatedAt.toISOString(), kind: 'pendiente', title: `${waitingTitle(p.stage)}: ${p.title}`,
      read: false, proposalId: p.id, ...(p.dueAt ? { dueAt: p.dueAt } : {}),
    })),
    ...waiting.tasks.map((t) => ({
      id: `pendiente:${t.id}`, at: t.updatedAt.toISOString(), kind: 'pendiente', title: `${waitingTitle(t.status)}: ${t.title}`,
      read: false, taskId: t.id, dueAt: t.dueAt,
    })),
  ].sort((a, b) => (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999'));
  const messages = rows.map((r) => ({
    id: r.id, at: r.at.toISOString(), kind: r.kind, title: r.title, read: r.read,
    ...(r.proposalId ? { proposalId: r.proposalId } : {}), ...(r.taskId ? { taskId: r.taskId } : {}),
  }));
  return [...pending, ...messages];
}

/** Marks one of the institution's messages as read; false when it has no such message. */
export async function markRead(db: Db, institution: string, id: string): Promise<boolean> {
  const updated = await db.update(inboxItems).set({ read: true })
    .where(and(eq(inboxItems.id, id), eq(inboxItems.institution, institution))).returning({ id: inboxItems.id });
  return updated.length > 0;
}
