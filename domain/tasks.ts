// What the task workflow tells the database. Pure types, shared by the workflow and the activities.
import type { ProcessEventRecord } from './events';

export const taskStatuses = ['asignada', 'en_ejecucion', 'completada', 'verificada'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

/** A task's process runs until the secretariat verifies its result. */
export const openTaskStatuses = ['asignada', 'en_ejecucion', 'completada'] as const satisfies readonly TaskStatus[];

/** The responsible institutions still owe the work: not completed, not verified. */
export const owedTaskStatuses = ['asignada', 'en_ejecucion'] as const satisfies readonly TaskStatus[];

/**
 * The rule for an overdue task: its work still owed at `at` (now, unless a report looks ahead)
 * past its due date. Queries use the same rule in SQL (db/tasks.ts `overdueTaskSql`).
 */
export function isOverdue(task: { status: string; dueAt: string | Date }, at: Date | number = Date.now()): boolean {
  return (owedTaskStatuses as readonly string[]).includes(task.status) && new Date(task.dueAt).getTime() < new Date(at).getTime();
}

/** The task row after an event: applied only if no later event was applied first. */
export interface TaskSnapshot {
  status: TaskStatus;
  dueAt: string;
  responsible: string[];
  accepted: string[];
  overdue: boolean;
  /** Average of the responsible institutions' progress, 0–100. */
  percent: number;
  pendingFor: string[];
}

export type TaskEffect =
  | { kind: 'line'; institution: string; accepted?: boolean; completed?: boolean }
  | { kind: 'progress'; institution: string; percent: number; note: string | null; evidenceUrl: string | null }
  | { kind: 'responsible'; responsible: string[] };

export interface TaskEventRecord extends ProcessEventRecord<TaskEffect, TaskSnapshot> {
  taskId: string;
}
