// The delivery of one notification by email and webhook, apart from the process that sent it:
// each delivery is an activity retried with backoff for up to two days, so a mail server that
// is down or a webhook that never answers delays only its own messages. A delivery that the
// channel refuses for good is recorded as `fallida`, with the reason, for the secretariat to see.
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

type Activities = ReturnType<typeof createActivities>;

const records = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const sending = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 days',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export async function deliveryWorkflow({ key }: { key: string }): Promise<{ sent: number; failed: number }> {
  const ids = await records.openDeliveries({ key });
  let sent = 0;
  let failed = 0;
  await Promise.all(ids.map(async (id) => {
    try {
      await sending.deliver({ id });
      sent += 1;
    } catch (e) {
      failed += 1;
      const reason = e instanceof ActivityFailure && e.cause ? e.cause.message : String(e);
      await records.markDeliveryFailed({ id, reason });
    }
  }));
  return { sent, failed };
}
