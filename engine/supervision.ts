// Processes whose workflow no longer runs (an operator's `temporal workflow terminate`, a failure):
// found by comparing the projection's open processes with what Temporal runs, shown to the
// secretariat as stopped, and resumed where their history left off. Not an activity: what the Mesa
// asks the Temporal service about its processes, shared by the API (an action on a stopped process,
// a resume) and the periodic check's activity, neither of which imports the other.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
// The proto package is CommonJS: Node's ESM loader sees only its default export.
import proto, { type temporal } from '@temporalio/proto';
import type { Db } from '../db/client';
import { clearStopped, isOpen, listStopped, markStopped, openProcesses, type ProcessKind } from '../db/stops';
import { proposalWorkflowId, stateQuery } from '../workflows/messages';
import { taskStateQuery, taskWorkflowId } from '../workflows/task-messages';

const stateQueryOf = (workflowId: string) => (workflowId.startsWith('task-') ? taskStateQuery : stateQuery).name;

export const workflowIdOf = (kind: ProcessKind, id: string) => (kind === 'propuesta' ? proposalWorkflowId(id) : taskWorkflowId(id));

/** RUNNING, TERMINATED, FAILED, TIMED_OUT, CANCELLED, COMPLETED, CONTINUED_AS_NEW, or NOT_FOUND. */
export async function engineStatus(client: Client, workflowId: string): Promise<string> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return 'NOT_FOUND';
    throw e;
  }
}

/**
 * Checks whether one open process still runs, and records what it finds. Returns true when stopped.
 * Only a process the projection shows open can be stopped: a closed one ended as it should.
 */
export async function checkProcess(db: Db, client: Client, kind: ProcessKind, id: string): Promise<boolean> {
  const status = await engineStatus(client, workflowIdOf(kind, id));
  if (status === 'RUNNING' || !(await isOpen(db, kind, id))) {
    await clearStopped(db, kind, id);
    return false;
  }
  await markStopped(db, kind, id, status);
  return true;
}

/**
 * The periodic check: one visibility listing of every running Mesa workflow (not a call per
 * process), then a describe() only for the open processes missing from it, since the listing lags
 * a little behind new workflows. Stops that were resumed by other means are cleared.
 */
export async function checkProcesses(db: Db, client: Client): Promise<{ stopped: Array<{ kind: ProcessKind; id: string }> }> {
  const running = new Set<string>();
  for await (const w of client.workflow.list({ query: "ExecutionStatus = 'Running' AND WorkflowType IN ('proposalWorkflow', 'taskWorkflow')" })) {
    running.add(w.workflowId);
  }
  const suspects = (await openProcesses(db)).filter((p) => !running.has(workflowIdOf(p.kind, p.id)));
  for (const s of await listStopped(db)) {
    if (!suspects.some((p) => p.kind === s.kind && p.id === s.id)) suspects.push({ kind: s.kind, id: s.id });
  }
  const stopped: Array<{ kind: ProcessKind; id: string }> = [];
  for (const p of suspects) if (await checkProcess(db, client, p.kind, p.id)) stopped.push(p);
  return { stopped };
}

const { EventType } = proto.temporal.api.enums.v1;

/**
 * Resumes a stopped workflow from its own history: Temporal resets it to its last completed
 * workflow task, so the new run replays every recorded step, keeps its state (round, positions,
 * deadlines, timers) and goes on from there; activities that were under way run again (they are
 * idempotent). Returns false when the history is no longer kept (past the namespace's retention).
 */
export async function resumeWorkflow(client: Client, workflowId: string, reason: string, requestId: string): Promise<boolean> {
  const handle = client.workflow.getHandle(workflowId);
  let runId: string;
  let events: temporal.api.history.v1.IHistoryEvent[];
  try {
    const described = await handle.describe();
    if (described.status.name === 'RUNNING') return true;
    runId = described.runId;
    events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return false;
    throw e;
  }
  const last = events.findLast((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  if (!last?.eventId) return false;
  await client.workflowService.resetWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId, runId },
    workflowTaskFinishEventId: last.eventId,
    reason,
    requestId,
  });
  // A query is answered once a worker has replayed the new run: then it takes actions again.
  await client.workflow.getHandle(workflowId).query(stateQueryOf(workflowId));
  return true;
}
