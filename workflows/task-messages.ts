// The task workflow's messages, declared once and shared by the workflow and its callers (api/,
// activities/), as workflows/messages.ts does for proposals: importing them never pulls in the
// workflow itself. The names given to defineUpdate/defineQuery are in recorded histories: never rename.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AuditHead } from '../db/audit';
import type { PlannedAction } from '../domain/proposal';
import type { TaskStatus } from '../domain/tasks';
import type { Actor, Recorded } from './messages';

export interface TaskInput {
  taskId: string;
  proposalId: string;
  agreementNumber: string;
  index: number;
  action: PlannedAction;
  adoptedAt: string;
}

interface Line { accepted: boolean; percent: number; completed: boolean }

export interface TaskState {
  status: TaskStatus;
  dueAt: string;
  responsible: string[];
  lines: Record<string, Line>;
  request: { institution: string; reason: string; proposedDueDate: string | null } | null;
  overdue: boolean;
  /** The audit trail's last entry as the recording activities answered it (query only). */
  auditHead?: AuditHead | null;
}

export const taskWorkflowId = (taskId: string) => `task-${taskId}`;

export const acceptTaskUpdate = defineUpdate<Recorded, [{ actor: Actor }]>('acceptTask');
export const requestChangeUpdate = defineUpdate<Recorded, [{ actor: Actor; reason: string; proposedDueDate?: string }]>('requestChange');
export const decideRequestUpdate = defineUpdate<Recorded, [{ actor: Actor; granted: boolean; comment: string; responsible?: string[] }]>('decideRequest');
export const reportProgressUpdate = defineUpdate<Recorded, [{ actor: Actor; percent: number; note?: string; evidenceUrl?: string }]>('reportProgress');
export const completeTaskUpdate = defineUpdate<Recorded, [{ actor: Actor; summary: string; evidenceUrl?: string }]>('completeTask');
export const verifyTaskUpdate = defineUpdate<Recorded, [{ actor: Actor; accepted: boolean; comment: string }]>('verifyTask');
export const taskStateQuery = defineQuery<TaskState>('taskState');
