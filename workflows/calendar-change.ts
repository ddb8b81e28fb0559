// Moving the open deadlines when non-working days are added (docs/domain.md#calendario-y-plazos),
// as a durable step of its own: the API records the days, then starts this workflow under an id
// derived from the change, so an API that dies in between is made good by the retry of the same
// request, which finds its days recorded and reattaches here instead of leaving deadlines unmoved.
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { IsoDate } from '../domain/calendar';

const { moveOpenDeadlines } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The workflow id of one calendar change (see db/schema.ts nonWorkingDays.change). */
export const calendarChangeWorkflowId = (change: string) => `calendario-${change}`;

/** Tells every open process whose deadline may include the days; the number told. */
export async function calendarChangeWorkflow({ dates }: { dates: IsoDate[] }): Promise<number> {
  return moveOpenDeadlines({ dates });
}
