// Sends one action to a proposal's workflow as an Update and turns the workflow's refusals into
// HTTP answers. The workflow is the authority on every rule; this file only carries messages.
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import type { Db } from '../db/client';
import { getProposalRow } from '../db/proposals';
import type { UserView } from '../db/users';
import { proposalWorkflowId, refusals, type Actor } from '../workflows/messages';
import { ApiError, notFound } from './errors';

const statusOf: Record<string, [number, string]> = {
  [refusals.forbidden]: [403, 'forbidden'],
  [refusals.conflict]: [409, 'conflict'],
  [refusals.rule]: [422, 'business_rule'],
  [refusals.notFound]: [404, 'not_found'],
};

export const actorOf = (user: UserView): Actor => ({ userId: user.id, institution: user.institution.code, kind: user.institution.kind });

/**
 * Runs `update` on the proposal's workflow. `updateId` (from the Idempotency-Key) lets Temporal
 * recognise a retried action and answer it once. Updates refused because too many are in flight
 * are retried with backoff by the Temporal client itself before this returns.
 */
export async function updateProposal<Ret, Arg>(
  db: Db, temporal: Client, proposalId: string, update: UpdateDefinition<Ret, [Arg]>, arg: Arg, updateId?: string,
): Promise<Ret> {
  const row = await getProposalRow(db, proposalId);
  if (!row) throw notFound(`No existe la propuesta «${proposalId}».`);
  if (['adoptada', 'rechazada', 'retirada'].includes(row.status)) {
    throw new ApiError(409, 'conflict', `La propuesta está cerrada (${row.status}): ya no admite acciones.`);
  }
  try {
    return await temporal.workflow.getHandle(proposalWorkflowId(proposalId)).executeUpdate(update, { args: [arg], updateId });
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError && e.cause instanceof ApplicationFailure) {
      const [status, code] = statusOf[e.cause.type ?? ''] ?? [409, 'conflict'];
      throw new ApiError(status, code, e.cause.message);
    }
    // The workflow ended between our read and the update (e.g. the round just closed it).
    if (e instanceof WorkflowNotFoundError) throw new ApiError(409, 'conflict', 'La propuesta ya está cerrada: ya no admite acciones.');
    throw e;
  }
}
