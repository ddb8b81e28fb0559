// The task workflow's messages, declared once and shared by the workflow and its callers (api/,
// activities/), as workflows/messages.ts does for proposals: importing them never pulls in the
// workflow itself. The names given to defineUpdate/defineQuery are in recorded histories: never rename.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AuditHead } from '../db/audit';
import type { Actor } from '../processes/common';
import type { TaskState as TaskProcessState } from '../processes/task';
import type { Recorded } from './messages';

export type { TaskInput } from '../processes/task';

/** Where a task stands, as the workflow knows it (processes/task.ts), with its trail's head. */
export type TaskState = TaskProcessState & {
  /** The audit trail's last entry as the recording activities answered it (query only). */
  auditHead?: AuditHead | null;
};

export const taskWorkflowId = (taskId: string) => `task-${taskId}`;

export const acceptTaskUpdate = defineUpdate<Recorded, [{ actor: Actor }]>('acceptTask');
export const requestChangeUpdate = defineUpdate<Recorded, [{ actor: Actor; reason: string; proposedDueDate?: string }]>('requestChange');
export const decideRequestUpdate = defineUpdate<Recorded, [{ actor: Actor; granted: boolean; comment: string; responsible?: string[] }]>('decideRequest');
export const reportProgressUpdate = defineUpdate<Recorded, [{ actor: Actor; percent: number; note?: string; evidenceUrl?: string }]>('reportProgress');
export const completeTaskUpdate = defineUpdate<Recorded, [{ actor: Actor; summary: string; evidenceUrl?: string }]>('completeTask');
export const verifyTaskUpdate = defineUpdate<Recorded, [{ actor: Actor; accepted: boolean; comment: string }]>('verifyTask');
export const taskStateQuery = defineQuery<TaskState>('taskState');
