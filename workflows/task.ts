// One durable workflow per task of an adopted agreement (DOMAIN.md, Process 2). It outlives the
// proposal that started it. Here: assignment and acceptance by each responsible institution.
import { ApplicationFailure, condition, defineQuery, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { addDuration } from '../domain/durations';
import type { PlannedAction } from '../domain/proposal';
import { refusals, type Actor, type Recorded } from './messages';

const activities = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export interface TaskInput {
  taskId: string;
  proposalId: string;
  agreementNumber: string;
  index: number;
  action: PlannedAction;
  adoptedAt: string;
}

export interface TaskState {
  status: 'asignada' | 'aceptada';
  accepted: string[];
  dueAt: string;
}

export const taskWorkflowId = (taskId: string) => `task-${taskId}`;
export const acceptTaskUpdate = defineUpdate<Recorded, [{ actor: Actor }]>('acceptTask');
export const taskStateQuery = defineQuery<TaskState>('taskState');

export async function taskWorkflow(input: TaskInput): Promise<TaskState> {
  const { taskId, action } = input;
  const state: TaskState = { status: 'asignada', accepted: [], dueAt: addDuration(new Date(input.adoptedAt), action.dueIn).toISOString() };
  let seq = 0;

  setHandler(taskStateQuery, () => state);
  setHandler(acceptTaskUpdate, async ({ actor }) => {
    state.accepted.push(actor.institution);
    if (state.accepted.length === action.responsible.length) state.status = 'aceptada';
    await activities.recordTaskEvent({ taskId, seq: ++seq, at: new Date().toISOString(), institution: actor.institution, action: 'aceptada', status: state.status });
    return { seq };
  }, {
    validator: ({ actor }) => {
      if (!action.responsible.includes(actor.institution)) {
        throw ApplicationFailure.create({ type: refusals.forbidden, message: `${actor.institution} no es responsable de esta tarea.`, nonRetryable: true });
      }
      if (state.accepted.includes(actor.institution)) {
        throw ApplicationFailure.create({ type: refusals.conflict, message: 'Su institución ya aceptó esta tarea.', nonRetryable: true });
      }
    },
  });

  await activities.recordTaskAssigned({ ...input, dueAt: state.dueAt });
  seq = 1;
  await activities.notify({
    key: `${taskId}:asignada`, recipients: action.responsible, kind: 'tarea_asignada',
    title: `Nueva tarea del ${input.agreementNumber}: ${action.title}`, proposalId: input.proposalId, taskId,
  });
  // Execution, progress and verification follow acceptance.
  await condition(() => false);
  return state;
}
