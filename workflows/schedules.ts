// Periodic workflows started by Temporal Schedules (runtime/schedules.ts): a weekly digest to
// each institution of what awaits it, a daily digest to those who chose it, and a monthly
// compliance report to the secretariat; and, every minute, the check for stopped processes.
import { defineSearchAttributeKey } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { limaDate, limaDay, type WorkingDayFacts } from '../domain/calendar';

/** Whole days from a Lima day to the Lima day of an instant (Lima has no daylight saving). */
const daysBetween = (from: string, to: Date) => limaDay(limaDate(to)).diff(limaDay(from), 'days').days;

const activities = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The calendar's word on today, Lima time (the workflow's clock: the scheduled start, the same
 * on replay). The schedules already skip the non-working days known when they were written; this
 * also catches days decreed since, and tells which run is the first of the week or the month.
 */
const today = async (): Promise<WorkingDayFacts> => (scheduled()
  ? activities.workingDayFacts({ at: new Date().toISOString() })
  : { working: true, firstOfWeek: true, firstOfMonth: true, previousWorkingDay: limaDay(limaDate(new Date())).minus({ days: 1 }).toISODate()! });

/** Started by its Schedule (Temporal marks such runs); a run started by hand goes out whatever the day. */
const scheduledBy = defineSearchAttributeKey('TemporalScheduledById', 'KEYWORD');
const scheduled = () => workflowInfo().typedSearchAttributes.get(scheduledBy) !== undefined;

/** One digest per institution that has something waiting, on the week's first working day; none to those with nothing. */
export async function weeklyDigestWorkflow(): Promise<number> {
  if (!(await today()).firstOfWeek) return 0;
  // The run's workflow id (the schedule adds the time) keys the messages: a retry sends none twice.
  const digests = await activities.weeklyDigests({ key: workflowInfo().workflowId });
  for (const n of digests) await activities.notify(n);
  return digests.length;
}

/**
 * Each person who chose the daily digest gets, on each working day, what came for their institution
 * since the previous working day's digest, in one; nobody gets an empty one.
 */
export async function dailyDigestWorkflow(): Promise<number> {
  const until = new Date(); // the workflow's clock: the scheduled start, the same on replay
  const facts = await today();
  if (!facts.working) return 0;
  const since = new Date(until.getTime() - daysBetween(facts.previousWorkingDay, until) * 24 * 60 * 60 * 1000);
  return activities.dailyDigests({ key: `${workflowInfo().workflowId}:resumen-diario`, since: since.toISOString(), until: until.toISOString() });
}

/**
 * A signed checkpoint of every audit trail's head, written outside the database
 * (db/audit-checkpoints.ts). One run per period for the whole Mesa, however many workers run.
 */
export async function auditCheckpointWorkflow(): Promise<{ written: boolean; heads: number }> {
  return activities.writeAuditCheckpoint();
}

/** The compliance report of the month, on its first working day. */
export async function monthlyReportWorkflow(): Promise<void> {
  if (!(await today()).firstOfMonth) return;
  await activities.notify(await activities.monthlyComplianceReport({ key: workflowInfo().workflowId }));
}

/** Open processes whose workflow no longer runs are marked stopped for the secretariat; resumed ones unmarked. */
export async function processCheckWorkflow(): Promise<number> {
  return (await activities.checkProcesses()).stopped;
}
