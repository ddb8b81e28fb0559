// Agreements and their tasks, as the task workflows record them.
import { and, eq, sql } from 'drizzle-orm';
import type { PlannedAction } from '../domain/proposal';
import type { Db } from './client';
import { agreements, taskEvents, tasks } from './schema';

/** ACUERDO-<year>-<nnn>: the next number of the year, or the one this proposal already has. */
export async function assignAgreementNumber(db: Db, proposalId: string, at: Date): Promise<string> {
  const year = at.getUTCFullYear();
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(agreements).where(eq(agreements.proposalId, proposalId));
    if (existing) return existing.number;
    // Serializes numbering within the year; a concurrent adoption waits here rather than collide.
    await tx.execute(sql`select pg_advisory_xact_lock(${year})`);
    const [{ next }] = await tx.select({ next: sql<number>`coalesce(max(${agreements.seq}), 0) + 1` }).from(agreements).where(eq(agreements.year, year)) as [{ next: number }];
    const number = `ACUERDO-${year}-${String(next).padStart(3, '0')}`;
    await tx.insert(agreements).values({ proposalId, year, seq: Number(next), number });
    return number;
  });
}

export interface TaskAssignedRecord {
  taskId: string; proposalId: string; agreementNumber: string; index: number; action: PlannedAction; adoptedAt: string; dueAt: string;
}

export async function recordTaskAssigned(db: Db, r: TaskAssignedRecord): Promise<void> {
  const at = new Date(r.adoptedAt);
  await db.transaction(async (tx) => {
    const inserted = await tx.insert(tasks).values({
      id: r.taskId, proposalId: r.proposalId, agreementNumber: r.agreementNumber, index: r.index,
      title: r.action.title, deliverable: r.action.deliverable, responsible: r.action.responsible,
      status: 'asignada', dueAt: new Date(r.dueAt), createdAt: at, updatedAt: at,
    }).onConflictDoNothing().returning({ id: tasks.id });
    if (inserted.length) await tx.insert(taskEvents).values({ taskId: r.taskId, seq: 1, at, institution: null, action: 'asignada' });
  });
}

export interface TaskEventRecord { taskId: string; seq: number; at: string; institution: string; action: string; status: string }

export async function recordTaskEvent(db: Db, e: TaskEventRecord): Promise<void> {
  await db.transaction(async (tx) => {
    const inserted = await tx.insert(taskEvents).values({ taskId: e.taskId, seq: e.seq, at: new Date(e.at), institution: e.institution, action: e.action })
      .onConflictDoNothing().returning({ seq: taskEvents.seq });
    if (!inserted.length) return;
    await tx.update(tasks).set({
      status: e.status, updatedAt: new Date(e.at),
      ...(e.action === 'aceptada' ? { accepted: sql`array_append(${tasks.accepted}, ${e.institution})` } : {}),
    }).where(and(eq(tasks.id, e.taskId)));
  });
}

export async function getTask(db: Db, id: string) {
  const [row] = await db.select().from(tasks).where(eq(tasks.id, id));
  return row ?? null;
}
