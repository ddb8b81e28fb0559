// The delivery of one notification by email and webhook, apart from the process that sent it:
// each batch of deliveries is an activity retried with backoff for up to two days, so a mail server that
// is down or a webhook that never answers delays only its own messages. A delivery that the
// channel refuses for good is recorded as `fallida`, with the reason, for the secretariat to see.
import { ActivityFailure, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

type Activities = ReturnType<typeof createActivities>;

const recordOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
const records = proxyActivities<Activities>(recordOptions);
/**
 * Reading what is left to send changes nothing, so it runs inside the workflow task: the batches
 * are scheduled in the same answer to the server, and the first message leaves a round trip sooner.
 */
const reads = proxyLocalActivities<Activities>(recordOptions);

const sending = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 days',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** Emails of one notification go in batches of this size: one activity, one round of marks. */
const emailBatch = 50;

/**
 * `ids` and `generation`: one delivery the secretariat sent again (db/deliveries.ts sendAgain);
 * only the workflow of its latest generation sends it or gives it up.
 */
export async function deliveryWorkflow({ key, ids, generation }: { key: string; ids?: string[]; generation?: number }): Promise<{ sent: number; failed: number }> {
  const again = ids && generation ? { ids, generation } : null;
  // Workflows started before the read ran inside the workflow task replay it as an activity.
  const lookup = patched('entregas-lectura-local') ? reads : records;
  const open = await lookup.openDeliveries(again ? { key, ids: again.ids } : { key });
  const emails = open.filter((d) => d.channel === 'email').map((d) => d.id);
  const batches: string[][] = [];
  for (let i = 0; i < emails.length; i += emailBatch) batches.push(emails.slice(i, i + emailBatch));
  // Each webhook alone: a receiver that does not answer holds up no other message.
  for (const d of open) if (d.channel === 'webhook') batches.push([d.id]);
  let sent = 0;
  let failed = 0;
  await Promise.all(batches.map(async (ids) => {
    try {
      const r = await sending.deliver(again ? { ids, generation: again.generation } : { ids });
      sent += r.sent;
      failed += r.failed;
    } catch (e) {
      // Retries ran out: what is still not sent is recorded as failed, with the last reason.
      const reason = e instanceof ActivityFailure && e.cause ? e.cause.message : String(e);
      await records.markDeliveriesFailed(again ? { ids, reason, generation: again.generation } : { ids, reason });
      failed += ids.length;
    }
  }));
  return { sent, failed };
}
