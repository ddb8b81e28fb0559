// The proposal's actions (docs/domain.md#proceso-1): each one an Update on its workflow, answered
// with what the database now shows.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { getComment, getInput, getProposalStatus, getVersion, hiddenFrom, readProposal } from '../../db/proposals';
import { auditForReader } from '../../domain/visibility';
import { verifiedProposalAudit } from '../audit';
import { readerOf } from '../reader';
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Db } from '../../db/client';
import {
  advanceUpdate, answerInputUpdate, commentUpdate, correctMetadataUpdate, publishVersionUpdate, signoffUpdate, submitInputUpdate,
  proposalWorkflowId, withdrawUpdate, workingGroupDecisionUpdate, type Actor,
} from '../../workflows/messages';
import type { AppDeps } from '../deps';
import type { Answer } from '../idempotency';
import { actionRoute, recordedAction, userRoute } from '../action-route';
import { currentUser } from '../auth';
import { ApiError, forbidden, notFound } from '../errors';
import { actorOf, updateWorkflow } from '../workflow-updates';
import { checkProcess } from '../../engine/supervision';
import { stoppedConflict } from './recovery';
import {
  AnswerBody, AuditBody, CommentBody, CommentView, CorrectionBody, EmptyBody, IdParams, InputBody, InputParams, InputView, ProposalBody,
  SignoffAnswer, SignoffBody, VersionBody, VersionView, WithdrawBody, WorkingGroupDecisionBody,
} from '../schemas';

/** An action on a proposal; without a running workflow, the proposal is unknown or closed. */
async function updateProposal<Ret, Arg>(db: Db, temporal: Client, proposalId: string, update: UpdateDefinition<Ret, [Arg]>, arg: Arg, updateId?: string) {
  return updateWorkflow(temporal, proposalWorkflowId(proposalId), update, arg, updateId, async () => {
    const status = await getProposalStatus(db, proposalId);
    if (!status) return notFound(`No existe la propuesta «${proposalId}».`);
    // Open in the projection but no workflow: stopped (and now shown so to the secretariat).
    if (await checkProcess(db, temporal, 'propuesta', proposalId)) return stoppedConflict('propuesta');
    return new ApiError(409, 'conflict', `La propuesta está cerrada (${status}): ya no admite acciones.`);
  });
}

/** A request to a route under /proposals/:id. */
type ProposalRequest = FastifyRequest & { params: { id: string } };

export const proposalActionRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const { db, temporal } = deps;
  const whole = async (request: ProposalRequest) => ({ statusCode: 200, body: await readProposal(db, readerOf(request), request.params.id) });

  /**
   * The handler of an action on the proposal: `update` with the actor and the fields the route
   * reads from the request (where it may also refuse it), answered with what `answer` reads after it.
   */
  const proposalAction = <Request extends ProposalRequest, Ret, Arg extends { actor: Actor }>(
    update: UpdateDefinition<Ret, [Arg]>, fields: (request: Request) => Omit<Arg, 'actor'> | Promise<Omit<Arg, 'actor'>>,
    answer: (request: NoInfer<Request>, recorded: Ret) => Promise<Answer>,
  ) => recordedAction(db, async (request: Request, updateId) => {
    const arg = { ...await fields(request), actor: actorOf(currentUser(request)) } as Arg;
    return answer(request, await updateProposal(db, temporal, request.params.id, update, arg, updateId));
  });

  app.post('/proposals/:id/working-group-decision', actionRoute(['secretaria', 'miembro'], {
    operationId: 'decideInWorkingGroup', tags: ['propuestas'], summary: 'Decisión del grupo de trabajo: avanzar, devolver o rechazar.',
    params: IdParams, body: WorkingGroupDecisionBody, response: { 200: ProposalBody },
  }), proposalAction(workingGroupDecisionUpdate, (request) => ({ decision: request.body.decision, reason: request.body.reason ?? '' }), whole));

  app.post('/proposals/:id/inputs', actionRoute(['osc', 'apoyo'], {
    operationId: 'submitInput', tags: ['propuestas'], summary: 'Aporte de una OSC (durante la consulta) o de un organismo de apoyo.',
    params: IdParams, body: InputBody, response: { 201: InputView },
  }), proposalAction(submitInputUpdate, async (request) => {
    // Civil society cannot tell a proposal it may not read yet from one that does not exist.
    if (await hiddenFrom(db, readerOf(request), request.params.id)) throw notFound(`No existe la propuesta «${request.params.id}».`);
    return request.body;
  }, async (request, { inputId }) => ({ statusCode: 201, body: await getInput(db, request.params.id, inputId) })));

  app.post('/proposals/:id/inputs/:inputId/answer', actionRoute(['secretaria'], {
    operationId: 'answerInput', tags: ['propuestas'], summary: 'Respuesta de la Secretaría Técnica a un aporte.',
    params: InputParams, body: AnswerBody, response: { 200: InputView },
  }), proposalAction(answerInputUpdate, (request) => ({ inputId: request.params.inputId, ...request.body }),
    async (request) => ({ statusCode: 200, body: await getInput(db, request.params.id, request.params.inputId) })));

  app.post('/proposals/:id/versions', actionRoute(['secretaria'], {
    operationId: 'publishVersion', tags: ['propuestas'], summary: 'Nueva versión del texto.',
    params: IdParams, body: VersionBody, response: { 201: VersionView },
  }), proposalAction(publishVersionUpdate, (request) => request.body,
    async (request, { number }) => ({ statusCode: 201, body: await getVersion(db, request.params.id, number) })));

  app.post('/proposals/:id/advance', actionRoute(['secretaria'], {
    operationId: 'advanceProposal', tags: ['propuestas'], summary: 'Cierra la etapa actual antes de su plazo y abre la siguiente.',
    params: IdParams, body: EmptyBody, response: { 200: ProposalBody },
  }), proposalAction(advanceUpdate, () => ({}), whole));

  app.post('/proposals/:id/signoffs', actionRoute(['miembro'], {
    operationId: 'giveSignoff', tags: ['propuestas'], summary: 'Posición de una institución miembro en la ronda de conformidad.',
    params: IdParams, body: SignoffBody, response: { 200: SignoffAnswer },
  }), proposalAction(signoffUpdate, (request) => {
    const user = currentUser(request);
    const { position, comment, institution } = request.body;
    if (institution !== undefined && institution !== user.institution.code) {
      throw forbidden(`Solo puede dar la conformidad de su propia institución (${user.institution.code}).`);
    }
    return { position, ...(comment !== undefined ? { comment } : {}) };
  }, async (_request, r) => ({ statusCode: 200, body: { institution: r.institution, position: r.position, comment: r.comment, version: r.version, at: r.at } })));

  app.post('/proposals/:id/comments', actionRoute(['secretaria', 'miembro', 'observador', 'apoyo'], {
    operationId: 'commentProposal', tags: ['propuestas'], summary: 'Comentario sobre la propuesta (todas las instituciones salvo las OSC).',
    params: IdParams, body: CommentBody, response: { 201: CommentView },
  }), proposalAction(commentUpdate, (request) => ({ text: request.body.text }),
    async (_request, { commentId }) => ({ statusCode: 201, body: await getComment(db, commentId) })));

  app.post('/proposals/:id/withdraw', actionRoute(['secretaria'], {
    operationId: 'withdrawProposal', tags: ['propuestas'], summary: 'Retira la propuesta (motivo obligatorio).',
    params: IdParams, body: WithdrawBody, response: { 200: ProposalBody },
  }), proposalAction(withdrawUpdate, (request) => ({ reason: request.body.reason }), whole));

  app.post('/proposals/:id/corrections', actionRoute(['secretaria'], {
    operationId: 'correctProposalMetadata', tags: ['propuestas'],
    summary: 'Corrige datos que no cambian el texto decidido (título, resumen, objetivos, poblaciones, etapas de la migración, prioridad); motivo obligatorio, queda en la auditoría.',
    params: IdParams, body: CorrectionBody, response: { 200: ProposalBody },
  }), proposalAction(correctMetadataUpdate, (request) => {
    const { reason, ...changes } = request.body;
    return { changes, reason };
  }, whole));

  app.get('/proposals/:id/audit', userRoute({
    summary: 'Registro de auditoría sellado y su verificación: la cadena, su cabeza frente al workflow y al último punto de control firmado, y lo publicado frente al registro; «problems» dice qué entrada o campo falló y por qué.',
    operationId: 'getProposalAudit', tags: ['propuestas'],
    params: IdParams, response: { 200: AuditBody },
  }, [400, 401, 404, 503]), async (request) => {
    const reader = readerOf(request);
    const { head: _head, ...audit } = await verifiedProposalAudit(deps, request.params.id);
    const unknown = audit.events.length === 0 && !(await getProposalStatus(db, request.params.id));
    if (unknown || await hiddenFrom(db, reader, request.params.id)) throw notFound(`No existe la propuesta «${request.params.id}».`);
    return auditForReader(reader, audit);
  });
};
