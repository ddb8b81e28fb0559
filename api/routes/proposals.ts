import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { registryView } from '../../db/registry';
import { getProposal, listProposals, readProposal } from '../../db/proposals';
import { decodeCursor, encodeCursor } from '../cursor';
import { launchProblems, withDefaults, type ProposalLaunch } from '../../domain/proposal';
import { launchRecordedUpdate, proposalWorkflowId } from '../../workflows/messages';
import type { proposalWorkflow } from '../../workflows/proposal';
import type { AppDeps } from '../deps';
import { userRoute } from '../action-route';
import { currentUser, requireRole } from '../auth';
import type { UserView } from '../../db/users';
import { ApiError, forbidden, notFound } from '../errors';
import { idempotent, idFromKey } from '../idempotency';
import { errorResponses, IdParams, ProposalBody, ProposalLaunchBody, ProposalListQuery, ProposalPage } from '../schemas';
import { readerOf } from '../reader';
import { problemSentence } from '../validation';
import { mayFilterPendingFor, readsDeliberation } from '../../domain/visibility';
import { withStop } from './recovery';
import { proposalSearchAttributes } from '../../workflows/search-attributes';

/**
 * Starts the proposal's workflow and returns once its launch is recorded. `proposalId` decides
 * which proposal this is: calling again with it (a retry, a crash before the answer) joins the
 * same workflow, running or closed; it never starts a second one.
 */
export async function startProposal(deps: AppDeps, user: UserView, proposalId: string, launch: ProposalLaunch): Promise<void> {
  const plan = withDefaults(launch);
  try {
    await deps.temporal.workflow.executeUpdateWithStart(launchRecordedUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation<typeof proposalWorkflow>('proposalWorkflow', {
        workflowId: proposalWorkflowId(proposalId),
        taskQueue: deps.taskQueue,
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [{ proposalId, plan, launchedBy: { userId: user.id, institution: user.institution.code } }],
        // What Temporal's listing and Web UI show of it (workflows/search-attributes.ts); the
        // workflow keeps them current from here on.
        typedSearchAttributes: proposalSearchAttributes({ stage: plan.stages[0]!, status: 'en_curso', objectives: plan.objectives }),
        memo: { title: plan.title },
      }),
    });
  } catch (e) {
    // The proposal was launched and has already closed: the retry gets it as it stands.
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
  }
}

export const proposalRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  app.post('/proposals', {
    onRequest: requireRole('secretaria'),
    schema: {
      operationId: 'launchProposal', tags: ['propuestas'], summary: 'Lanza una propuesta (Secretaría Técnica).',
      body: ProposalLaunchBody, response: { 201: ProposalBody, ...errorResponses(400, 401, 403, 409, 503) },
    },
  }, async (request, reply) => idempotent(deps.db, request, reply, async (key) => {
    const problems = launchProblems(request.body, await registryView(deps.db));
    if (problems[0]) throw new ApiError(400, 'invalid_body', problemSentence(problems[0]), { field: problems[0].field, problems });
    const user = currentUser(request);
    // With a key, the id comes from it: two racing retries start one workflow, not two.
    const proposalId = key
      ? idFromKey('prop', user.id, 'POST /api/v1/proposals', key)
      : `prop_${randomBytes(12).toString('hex')}`;
    await startProposal(deps, user, proposalId, request.body);
    const proposal = await getProposal(deps.db, proposalId);
    return { statusCode: 201, body: proposal };
  }));

  app.get('/proposals', {
    schema: {
      operationId: 'listProposals', tags: ['propuestas'], summary: 'Lista de propuestas, las más recientes primero.',
      querystring: ProposalListQuery, response: { 200: ProposalPage, ...errorResponses(400, 401, 403, 503) },
    },
  }, async (request) => {
    const { cursor, ...filters } = request.query;
    const reader = readerOf(request);
    if (filters.pendingFor && !mayFilterPendingFor(reader, filters.pendingFor)) {
      throw forbidden(`Una organización de la sociedad civil solo puede filtrar «pendingFor» por su propia institución (${reader.institution}).`);
    }
    const page = await listProposals(deps.db, {
      ...filters, publicOnly: !readsDeliberation(reader), cursor: cursor ? decodeCursor(cursor) : undefined,
    }, reader);
    return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
  });

  app.get('/proposals/:id', userRoute({
    operationId: 'getProposal', tags: ['propuestas'], summary: 'Una propuesta completa.',
    params: IdParams, response: { 200: ProposalBody },
  }, [400, 401, 404, 503]), async (request) => {
    // A proposal the caller may not read yet is, for it, one that does not exist.
    const proposal = await readProposal(deps.db, readerOf(request), request.params.id);
    if (!proposal) throw notFound(`No existe la propuesta «${request.params.id}».`);
    return withStop(deps, 'propuesta', proposal.id, proposal);
  });
};
