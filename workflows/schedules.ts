// Periodic workflows started by Temporal Schedules (runtime/schedules.ts): a weekly digest to
// each institution of what awaits it, a daily digest to those who chose it, and a monthly
// compliance report to the secretariat; and, every minute, the check for stopped processes.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';

const activities = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** One digest per institution that has something waiting; none to those with nothing. */
export async function weeklyDigestWorkflow(): Promise<number> {
  // The run's workflow id (the schedule adds the time) keys the messages: a retry sends none twice.
  const digests = await activities.weeklyDigests({ key: workflowInfo().workflowId });
  for (const n of digests) await activities.notify(n);
  return digests.length;
}

/** Each person who chose the daily digest gets the day's messages of their institution in one; nobody gets an empty one. */
export async function dailyDigestWorkflow(): Promise<number> {
  const until = new Date(); // the workflow's clock: the scheduled start, the same on replay
  const since = new Date(until.getTime() - 24 * 60 * 60 * 1000);
  return activities.dailyDigests({ key: `${workflowInfo().workflowId}:resumen-diario`, since: since.toISOString(), until: until.toISOString() });
}

/**
 * A signed checkpoint of every audit trail's head, written outside the database
 * (db/audit-checkpoints.ts). One run per period for the whole Mesa, however many workers run.
 */
export async function auditCheckpointWorkflow(): Promise<{ written: boolean; heads: number }> {
  return activities.writeAuditCheckpoint();
}

export async function monthlyReportWorkflow(): Promise<void> {
  await activities.notify(await activities.monthlyComplianceReport({ key: workflowInfo().workflowId }));
}

/** Open processes whose workflow no longer runs are marked stopped for the secretariat; resumed ones unmarked. */
export async function processCheckWorkflow(): Promise<number> {
  return (await activities.checkProcesses()).stopped;
}
