// Agreements and their tasks, as the task workflows record them, and the reads the API makes.
import { and, arrayContains, desc, eq, inArray, lt, notInArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Notification } from '../domain/events';
import type { PlannedAction } from '../domain/proposal';
import { owedTaskStatuses, type TaskEffect, type TaskEventRecord, type TaskSnapshot, type TaskStatus } from '../domain/tasks';
import { appendAudit, entryOfEvent, lockTrail, taskTrail, verifyTrail, type Anchors, type AuditHead, type AuditKey, type TrailPosition, type Tx } from './audit';
import { checkTaskProjection, taskProjection } from './audit-projection';
import type { Db } from './client';
import { keysWithDeliveries, recordNotices, type PlanOptions } from './deliveries';
import { failureCode, isPermanentFailure, refusedAction, together, type Rejection } from './errors';
import { after, page, type Cursor } from './paging';
import { agreements, taskAudit, taskLines, taskProgress, tasks } from './schema';
import { isStoppedSql, withStoppedMark } from './stops';
import { taskWithRows } from './whole';

/** ACUERDO-<year>-<nnn>: the next number of the year, or the one this proposal already has. */
export async function assignAgreementNumber(db: Db, proposalId: string, at: Date): Promise<string> {
  const year = at.getUTCFullYear();
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(agreements).where(eq(agreements.proposalId, proposalId));
    if (existing) return existing.number;
    // Serializes numbering within the year; a concurrent adoption waits here rather than collide.
    await tx.execute(sql`select pg_advisory_xact_lock(${year})`);
    const [row] = await tx.select({ next: sql<number>`coalesce(max(${agreements.seq}), 0) + 1` }).from(agreements).where(eq(agreements.year, year));
    const next = Number(row!.next);
    const number = `ACUERDO-${year}-${String(next).padStart(3, '0')}`;
    await tx.insert(agreements).values({ proposalId, year, seq: next, number });
    return number;
  });
}

export interface TaskAssignedRecord {
  taskId: string; proposalId: string; agreementNumber: string; index: number; action: PlannedAction; adoptedAt: string;
  dueAt: string; snapshot: TaskSnapshot; notices?: Notification[];
}

const snapshotColumns = (s: TaskSnapshot) => ({
  status: s.status, dueAt: new Date(s.dueAt), responsible: s.responsible, accepted: s.accepted,
  overdue: s.overdue, percent: s.percent, pendingFor: s.pendingFor,
});

/**
 * The task as assigned: its row, one line per responsible institution, the first audit entry and
 * its notices. Returns the notification keys with deliveries to send, as recordTaskEvent does.
 */
export async function recordTaskAssigned(db: Db, key: AuditKey, r: TaskAssignedRecord, o: PlanOptions): Promise<Omit<TaskRecorded, 'rejected'>> {
  const at = new Date(r.adoptedAt);
  const notices = r.notices ?? [];
  return db.transaction(async (tx) => {
    await tx.insert(tasks).values({
      id: r.taskId, proposalId: r.proposalId, agreementNumber: r.agreementNumber, index: r.index,
      title: r.action.title, deliverable: r.action.deliverable, createdAt: at, updatedAt: at, stateSeq: 1, ...snapshotColumns(r.snapshot),
    }).onConflictDoNothing();
    const trail = await lockTrail(tx, taskTrail, r.taskId, 1);
    if (trail.recorded) return { keys: await keysWithDeliveries(tx, notices.map((n) => n.key)), head: await entryOfEvent(tx, taskTrail, r.taskId, 1) };
    const [, head] = await together([
      tx.insert(taskLines).values(r.action.responsible.map((institution) => ({ taskId: r.taskId, institution }))).onConflictDoNothing(),
      appendAudit(tx, key, taskTrail, r.taskId, trail.last, [{
        eventSeq: 1,
        entry: {
          at: at.toISOString(), actor: null, institution: null, action: 'asignada',
          data: { agreementNumber: r.agreementNumber, title: r.action.title, responsible: r.action.responsible, dueAt: r.dueAt },
        },
        projection: taskProjection({ effects: [{ kind: 'responsible', responsible: r.action.responsible }], snapshot: r.snapshot }),
      }]),
    ]);
    return { keys: await recordNotices(tx, notices, at, o), head };
  });
}

/** What a task event's write did: as for proposals (db/proposals.ts), for one event. */
export interface TaskRecorded { keys: string[]; rejected: Rejection | null; head: AuditHead | null }

/**
 * One task event, in one transaction, once: its rows, the task's new state, its audit entry and
 * its notices. Returns the notification keys with deliveries to send once it is committed. When
 * the database refuses the event for what it holds (db/errors.ts), only an audit entry without
 * its data takes its place (`registro_rechazado`), and the refusal is returned.
 */

export async function recordTaskEvent(db: Db, key: AuditKey, e: TaskEventRecord, o: PlanOptions): Promise<TaskRecorded> {
  const notices = e.notices ?? [];
  return db.transaction(async (tx) => {
    const trail = await lockTrail(tx, taskTrail, e.taskId, e.seq);
    if (trail.recorded) {
      const [[refused], keys, head] = await together([
        tx.select({ data: taskAudit.data }).from(taskAudit)
          .where(and(eq(taskAudit.taskId, e.taskId), eq(taskAudit.eventSeq, e.seq), eq(taskAudit.action, refusedAction))),
        keysWithDeliveries(tx, notices.map((n) => n.key)),
        entryOfEvent(tx, taskTrail, e.taskId, e.seq),
      ]);
      const code = String((refused?.data as { codigo?: unknown } | undefined)?.codigo ?? '');
      return { keys, rejected: refused ? { seq: e.seq, code } : null, head };
    }
    try {
      return { ...await tx.transaction((sp) => writeTaskEvent(sp, key, e, trail.last, o)), rejected: null };
    } catch (error) {
      if (!isPermanentFailure(error)) throw error;
      const code = failureCode(error);
      // What was refused wrote nothing into the projection, and its entry says so.
      const head = await appendAudit(tx, key, taskTrail, e.taskId, trail.last, [{
        eventSeq: e.seq,
        entry: { at: new Date(e.at).toISOString(), actor: e.actor.userId, institution: e.actor.institution, action: refusedAction, data: { accion: e.action, codigo: code } },
        projection: { effects: [] },
      }]);
      return { keys: [], rejected: { seq: e.seq, code }, head };
    }
  });
}

async function writeTaskEvent(tx: Tx, key: AuditKey, e: TaskEventRecord, last: TrailPosition['last'], o: PlanOptions): Promise<{ keys: string[]; head: AuditHead | null }> {
  const notices = e.notices ?? [];
  const at = new Date(e.at);
  // Effects in order: a line's later change must not overtake an earlier one of the same event.
  for (const effect of e.effects) await applyEffect(tx, e, effect, at);
  const [, head] = await together([
    tx.update(tasks).set({ ...snapshotColumns(e.snapshot), stateSeq: e.seq, updatedAt: at })
      .where(and(eq(tasks.id, e.taskId), lt(tasks.stateSeq, e.seq))),
    appendAudit(tx, key, taskTrail, e.taskId, last, [{
      eventSeq: e.seq, entry: { at: at.toISOString(), actor: e.actor.userId, institution: e.actor.institution, action: e.action, data: e.data },
      projection: taskProjection(e),
    }]),
  ]);
  return { keys: await recordNotices(tx, notices, at, o), head };
}

async function applyEffect(tx: Tx, e: TaskEventRecord, f: TaskEffect, at: Date): Promise<void> {
  const line = and(eq(taskLines.taskId, e.taskId), eq(taskLines.institution, 'institution' in f ? f.institution : ''));
  switch (f.kind) {
    case 'line':
      await tx.update(taskLines).set({
        ...(f.accepted !== undefined ? { accepted: f.accepted } : {}),
        ...(f.completed !== undefined ? { completed: f.completed } : {}),
      }).where(line);
      return;
    case 'progress':
      await tx.insert(taskProgress).values({
        taskId: e.taskId, eventSeq: e.seq, institution: f.institution, percent: f.percent, note: f.note, evidenceUrl: f.evidenceUrl, at,
      }).onConflictDoNothing();
      await tx.update(taskLines).set({ percent: f.percent }).where(line);
      return;
    case 'responsible':
      await tx.delete(taskLines).where(and(eq(taskLines.taskId, e.taskId), notInArray(taskLines.institution, f.responsible)));
      await tx.insert(taskLines).values(f.responsible.map((institution) => ({ taskId: e.taskId, institution }))).onConflictDoNothing();
  }
}

// ---- reads -------------------------------------------------------------------------------

type TaskRow = typeof tasks.$inferSelect;

const summary = (t: TaskRow) => ({
  id: t.id, proposalId: t.proposalId, agreementNumber: t.agreementNumber, index: t.index, title: t.title,
  deliverable: t.deliverable, responsible: t.responsible, accepted: t.accepted, status: t.status,
  dueAt: t.dueAt.toISOString(), overdue: t.overdue, percent: t.percent, pendingFor: t.pendingFor,
  createdAt: t.createdAt.toISOString(), updatedAt: t.updatedAt.toISOString(),
});

export async function getTaskRow(db: Db, id: string): Promise<TaskRow | null> {
  const [row] = await db.select().from(tasks).where(eq(tasks.id, id));
  return row ?? null;
}

export async function getTask(db: Db, id: string) {
  const row = await taskWithRows(db, id);
  if (!row) return null;
  return {
    ...summary(row),
    lines: row.lines.map((l) => ({ institution: l.institution, accepted: l.accepted, completed: l.completed, percent: l.percent })),
    progress: row.progress.map((p) => ({ institution: p.institution, percent: p.percent, note: p.note, evidenceUrl: p.evidenceUrl, at: p.at.toISOString() })),
  };
}

/** The task's audit trail, verified as a proposal's is (getAudit). */
export const getTaskAudit = (db: Db, key: AuditKey, id: string, anchors: Anchors = {}) =>
  verifyTrail(db, key, taskTrail, id, checkTaskProjection, anchors);

/**
 * The overdue rule of domain/tasks.ts `isOverdue`, as a query condition: the work still owed and
 * the due date passed. Raw queries over an alias name their columns (sql`t.due_at`, sql`t.status`).
 */
export function overdueTaskSql(dueAt: SQLWrapper = tasks.dueAt, status: SQLWrapper = tasks.status): SQL {
  return and(lt(dueAt, sql`now()`), inArray(status, [...owedTaskStatuses]))!;
}

export interface TaskFilters {
  institution?: string;
  status?: TaskStatus;
  proposal?: string;
  overdue?: boolean;
  limit: number;
  cursor?: Cursor;
}

export async function listTasks(db: Db, f: TaskFilters) {
  const where: SQL[] = [];
  if (f.institution) where.push(arrayContains(tasks.responsible, [f.institution]));
  if (f.status) where.push(eq(tasks.status, f.status));
  if (f.proposal) where.push(eq(tasks.proposalId, f.proposal));
  if (f.overdue !== undefined) {
    // Whatever the timers have done: the rule decides from the due date and the status.
    const late = overdueTaskSql();
    where.push(f.overdue ? late : sql`not (${late})`);
  }
  if (f.cursor) where.push(after(tasks.createdAt, tasks.id, f.cursor));
  const rows = await db.select({ task: tasks, stopped: isStoppedSql('tarea', tasks) }).from(tasks).where(and(...where))
    .orderBy(desc(tasks.createdAt), desc(tasks.id)).limit(f.limit + 1);
  // While its process is stopped a task says so (api/routes/recovery.ts).
  return page(rows.map((r) => withStoppedMark(summary(r.task), r.stopped)), f.limit);
}
