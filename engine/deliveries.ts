// Starting a delivery workflow (workflows/deliveries.ts), from an activity after an event is
// recorded or from the API when a webhook is tested or a delivery is sent again: once per id, so
// a retried request or activity finds it started (or done) and leaves it.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { MesaKind } from '../workflows/search-attributes';

export interface DeliveryArgs {
  key: string;
  /** A delivery sent again: only these, at this generation. */
  ids?: string[];
  generation?: number;
}

export async function startDeliveryWorkflow(client: Client, taskQueue: string, workflowId: string, args: DeliveryArgs): Promise<void> {
  try {
    await client.workflow.start('deliveryWorkflow', {
      workflowId, taskQueue, args: [args], workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // Told apart from the Mesa's processes in Temporal's listing: MesaKind='entrega'.
      typedSearchAttributes: [{ key: MesaKind, value: 'entrega' }],
    });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
  }
}
