// Processes that are open in the projection but whose workflow no longer runs: a proposal or task
// shown as «detenida». Written by the periodic check and by actions that found no workflow;
// read by single pages, the secretariat's list, and other lists in the statement of their page.
import { and, asc, eq, getTableName, inArray, sql } from 'drizzle-orm';
import { openTaskStatuses } from '../domain/tasks';
import { openProposalStatuses } from '../domain/vocabulary';
import type { AuditKey } from './audit';
import type { Db } from './client';
import { recordProposalEvents } from './proposals';
import { proposals, stoppedProcesses, tasks } from './schema';

export type ProcessKind = 'propuesta' | 'tarea';

export interface Stop { engineStatus: string; detectedAt: string }

/** Every open process, by kind and id: what should have a running workflow. */
export async function openProcesses(db: Db): Promise<Array<{ kind: ProcessKind; id: string }>> {
  const [ps, ts] = await Promise.all([
    db.select({ id: proposals.id }).from(proposals).where(inArray(proposals.status, [...openProposalStatuses])),
    db.select({ id: tasks.id }).from(tasks).where(inArray(tasks.status, [...openTaskStatuses])),
  ]);
  return [...ps.map((p) => ({ kind: 'propuesta' as const, id: p.id })), ...ts.map((t) => ({ kind: 'tarea' as const, id: t.id }))];
}

/** Whether the projection still shows the process open (a stop only matters then). */
export async function isOpen(db: Db, kind: ProcessKind, id: string): Promise<boolean> {
  const rows = kind === 'propuesta'
    ? await db.select({ id: proposals.id }).from(proposals).where(and(eq(proposals.id, id), inArray(proposals.status, [...openProposalStatuses])))
    : await db.select({ id: tasks.id }).from(tasks).where(and(eq(tasks.id, id), inArray(tasks.status, [...openTaskStatuses])));
  return rows.length > 0;
}

export async function markStopped(db: Db, kind: ProcessKind, id: string, engineStatus: string): Promise<void> {
  await db.insert(stoppedProcesses).values({ kind, id, engineStatus })
    .onConflictDoUpdate({ target: [stoppedProcesses.kind, stoppedProcesses.id], set: { engineStatus } });
}

export async function clearStopped(db: Db, kind: ProcessKind, id: string): Promise<void> {
  await db.delete(stoppedProcesses).where(and(eq(stoppedProcesses.kind, kind), eq(stoppedProcesses.id, id)));
}

export async function getStop(db: Db, kind: ProcessKind, id: string): Promise<Stop | null> {
  const [row] = await db.select().from(stoppedProcesses).where(and(eq(stoppedProcesses.kind, kind), eq(stoppedProcesses.id, id)));
  return row ? { engineStatus: row.engineStatus, detectedAt: row.detectedAt.toISOString() } : null;
}

/** For the secretariat: every stopped process with its title, oldest first. */
export async function listStopped(db: Db) {
  const rows = await db.select({
    kind: stoppedProcesses.kind, id: stoppedProcesses.id, engineStatus: stoppedProcesses.engineStatus, detectedAt: stoppedProcesses.detectedAt,
    proposalTitle: proposals.title, taskTitle: tasks.title,
  }).from(stoppedProcesses)
    .leftJoin(proposals, and(eq(stoppedProcesses.kind, 'propuesta'), eq(proposals.id, stoppedProcesses.id)))
    .leftJoin(tasks, and(eq(stoppedProcesses.kind, 'tarea'), eq(tasks.id, stoppedProcesses.id)))
    .orderBy(asc(stoppedProcesses.detectedAt), asc(stoppedProcesses.id));
  return rows.map((r) => ({
    kind: r.kind, id: r.id, title: r.proposalTitle ?? r.taskTitle ?? '', engineStatus: r.engineStatus, detectedAt: r.detectedAt.toISOString(),
  }));
}

/**
 * A list's column: whether the row's process is stopped, read with the page itself. The row's id
 * is named with its table: drizzle writes a one-table select's columns bare, and a bare "id" in
 * the subquery would be the stopped process's own.
 */
export const isStoppedSql = (kind: ProcessKind, table: typeof proposals | typeof tasks) =>
  sql<boolean>`exists (select 1 from stopped_processes s where s.kind = ${kind} and s.id = ${sql.identifier(getTableName(table))}.id)`;

/** A list's row with its mark: only a stopped process carries `stopped`. */
export const withStoppedMark = <T extends object>(row: T, stopped: boolean): T | (T & { stopped: true }) => (stopped ? { ...row, stopped: true as const } : row);

/**
 * Closes a stopped proposal for the secretariat: the next event of its trail (`cerrada_tras_detencion`,
 * with the reason), the proposal withdrawn and waiting for nobody. Written here because no workflow
 * runs to write it. Returns false when the proposal is no longer open.
 */
export async function closeStoppedProposal(db: Db, key: AuditKey, id: string, actor: { userId: string; institution: string }, reason: string, at: Date): Promise<boolean> {
  const [row] = await db.select().from(proposals).where(eq(proposals.id, id));
  if (!row || !(openProposalStatuses as readonly string[]).includes(row.status)) return false;
  const event = 'cerrada_tras_detencion';
  await recordProposalEvents(db, key, [{
    proposalId: id, seq: row.stateSeq + 1, at: at.toISOString(), actor, action: event, data: { reason, stoppedAt: row.stage },
    effects: [{ kind: 'timeline', stage: 'cerrada', event }],
    snapshot: {
      status: 'retirada', stage: 'cerrada', currentVersion: row.currentVersion, deadlines: row.deadlines, pendingFor: [], round: row.round,
      consultationOpen: false, number: row.number, decision: row.decision ?? null, tasks: row.tasks,
    },
  }], { publicUrl: '', email: false });
  await clearStopped(db, 'propuesta', id);
  return true;
}
