// When non-working days are added, every open proposal and task whose deadline may include them is
// told (docs/domain.md#calendario-y-plazos). The projection names the candidates; each workflow then
// decides from its own deadline's start and expression whether it moves.
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, gte, ne, sql } from 'drizzle-orm';
import { endOfDay, type IsoDate } from '../domain/calendar';
import { proposals, tasks } from '../db/schema';
import { calendarChangedSignal } from '../workflows/calendar-messages';
import { proposalWorkflowId } from '../workflows/messages';
import { taskWorkflowId } from '../workflows/task-messages';
import type { AppDeps } from './deps';

/** Signals every open proposal and task whose deadline ends on or after the earliest added day; the number signalled. */
export async function moveOpenDeadlines(deps: Pick<AppDeps, 'db' | 'temporal'>, dates: IsoDate[]): Promise<number> {
  if (dates.length === 0) return 0;
  const from = endOfDay([...dates].sort()[0]!, '00:00');
  const openProposals = await deps.db.select({ id: proposals.id }).from(proposals).where(and(
    ne(proposals.stage, 'cerrada'),
    sql`(${proposals.deadlines} ->> ${proposals.stage})::timestamptz >= ${from.toISOString()}::timestamptz`,
  ));
  const openTasks = await deps.db.select({ id: tasks.id }).from(tasks).where(and(
    ne(tasks.status, 'verificada'),
    gte(tasks.dueAt, from),
  ));
  const workflowIds = [...openProposals.map((p) => proposalWorkflowId(p.id)), ...openTasks.map((t) => taskWorkflowId(t.id))];
  let signalled = 0;
  for (const id of workflowIds) {
    try {
      await deps.temporal.workflow.getHandle(id).signal(calendarChangedSignal, { dates });
      signalled++;
    } catch (e) {
      // Closed since the projection was read: nothing left to move.
      if (!(e instanceof WorkflowNotFoundError)) throw e;
    }
  }
  return signalled;
}
