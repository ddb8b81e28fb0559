// Sends one action to a workflow as an Update and turns the workflow's refusals into HTTP
// answers. The workflow is the authority on every rule; this file only carries messages.
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import type { UserView } from '../db/users';
import { refusals, type Actor } from '../workflows/messages';
import { ApiError } from './errors';
import { requestLog } from './request-context';

const statusOf: Record<string, [number, string]> = {
  [refusals.forbidden]: [403, 'forbidden'],
  // An unsigned, forged or expired actor: only a caller that bypassed the API (or a clock far
  // off) gets this.
  [refusals.untrusted]: [403, 'forbidden'],
  [refusals.conflict]: [409, 'conflict'],
  [refusals.rule]: [422, 'business_rule'],
  [refusals.notFound]: [404, 'not_found'],
  [refusals.invalid]: [400, 'invalid_body'],
  [refusals.rejected]: [422, 'record_rejected'],
};

export const actorOf = (user: UserView): Actor => ({ userId: user.id, institution: user.institution.code, kind: user.institution.kind });

/**
 * Runs `update` on the workflow. `updateId` (from the Idempotency-Key) lets Temporal recognise a
 * retried action and answer it once. Updates refused because too many are in flight are retried
 * with backoff by the Temporal client itself before this returns. When there is no running
 * workflow (it never existed, or it has ended), `gone` says why, in the caller's words: the
 * database is read only then, not before every action.
 */
export async function updateWorkflow<Ret, Arg>(
  temporal: Client, workflowId: string, update: UpdateDefinition<Ret, [Arg]>, arg: Arg, updateId: string | undefined,
  gone: () => Promise<ApiError>,
): Promise<Ret> {
  requestLog()?.info({ workflowId, updateId: updateId ?? null, update: update.name }, 'acción enviada al workflow');
  try {
    return await temporal.workflow.getHandle(workflowId).executeUpdate(update, { args: [arg], updateId });
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError && e.cause instanceof ApplicationFailure) {
      const type = e.cause.type ?? '';
      const [status, code] = (Object.hasOwn(statusOf, type) ? statusOf[type] : undefined) ?? [409, 'conflict'];
      // An invalid field is named in the failure's details, as the API's own 400s name it.
      const field = e.cause.type === refusals.invalid ? e.cause.details?.[0] : undefined;
      throw new ApiError(status, code, e.cause.message, typeof field === 'string' ? { field, in: 'body' } : undefined);
    }
    if (e instanceof WorkflowNotFoundError) throw await gone();
    throw e;
  }
}
