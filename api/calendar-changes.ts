// When non-working days are added, every open proposal and task whose deadline may include them is
// told (docs/domain.md#calendario-y-plazos), through a workflow of its own (workflows/calendar-change.ts):
// the days are recorded first, and the moving survives an API that dies right after.
import { randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { IsoDate } from '../domain/calendar';
import { calendarChangeWorkflowId, type calendarChangeWorkflow } from '../workflows/calendar-change';
import type { AppDeps } from './deps';
import { idFromKey } from './idempotency';

/**
 * The name of one calendar change: from the request's Idempotency-Key when it has one, so its retry
 * is the same change (same recorded days, same moving workflow); otherwise new.
 */
export function calendarChange(userId: string, route: string, key: string | null): string {
  return key ? idFromKey('cal', userId, route, key) : `cal_${randomBytes(12).toString('hex')}`;
}

/** Moves the open deadlines the change's days may include, once per change; the number of processes told. */
export async function moveOpenDeadlines(deps: Pick<AppDeps, 'temporal' | 'taskQueue'>, change: string, dates: IsoDate[]): Promise<number> {
  if (dates.length === 0) return 0;
  const workflowId = calendarChangeWorkflowId(change);
  try {
    return await deps.temporal.workflow.execute<typeof calendarChangeWorkflow>('calendarChangeWorkflow', {
      workflowId, taskQueue: deps.taskQueue, args: [{ dates }],
      // A retry joins the moving that is under way, or gets the answer of the one that finished.
      workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    return deps.temporal.workflow.getHandle(workflowId).result();
  }
}
