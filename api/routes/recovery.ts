// Stopped processes (open in the projection, no workflow running in Temporal): the secretariat
// sees them and resumes or closes each one. See the README's operations section.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { checkProcess, resumeWorkflow, workflowIdOf } from '../../engine/supervision';
import { getProposal } from '../../db/proposals';
import { clearStopped, closeStoppedProposal, getStop, listStopped, type ProcessKind } from '../../db/stops';
import { getTask } from '../../db/tasks';
import type { AppDeps } from '../deps';
import { actionRoute } from '../action-route';
import { currentUser, requireRole } from '../auth';
import { ApiError, notFound } from '../errors';
import { idempotent } from '../idempotency';
import { errorResponses, IdParams, ProposalBody, RecoveryBody, StoppedList, TaskBody } from '../schemas';

const names: Record<ProcessKind, { one: string; the: string }> = {
  propuesta: { one: 'propuesta', the: 'La propuesta' },
  tarea: { one: 'tarea', the: 'La tarea' },
};

/** The 409 of an action on a stopped process: what happened and who can fix it. */
export const stoppedConflict = (kind: ProcessKind) => new ApiError(409, 'stopped',
  `${names[kind].the} está detenida: su proceso ya no corre en el motor de workflows, así que no admite acciones. `
  + `La Secretaría Técnica puede reanudarla desde lo último registrado (o cerrarla con un motivo) en su página.`,
  { stopped: true });

export const recoveryRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const { db, temporal } = deps;

  app.get('/processes/stopped', {
    onRequest: requireRole('secretaria'),
    schema: {
      operationId: 'listStoppedProcesses', tags: ['supervision'],
      summary: 'Propuestas y tareas detenidas: abiertas, pero sin proceso en curso en el motor (Secretaría Técnica).',
      response: { 200: StoppedList, ...errorResponses(400, 401, 403, 503) },
    },
  }, async () => ({ items: await listStopped(db) }));

  const recovery = (kind: ProcessKind, path: string) => app.post(`/${path}/:id/recovery`, actionRoute(['secretaria'], {
    operationId: kind === 'propuesta' ? 'recoverProposal' : 'recoverTask', tags: ['supervision'],
    summary: `Reanuda o cierra una ${names[kind].one} detenida (Secretaría Técnica).`,
    params: IdParams, body: RecoveryBody,
    response: { 200: kind === 'propuesta' ? ProposalBody : TaskBody },
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const { id } = request.params;
    const { action, reason } = request.body;
    const read = () => (kind === 'propuesta' ? getProposal(db, id) : getTask(db, id));
    const current = await read();
    if (!current) throw notFound(`No existe la ${names[kind].one} «${id}».`);
    // Looked at afresh: the periodic check may not have run since the workflow stopped.
    if (!(await checkProcess(db, temporal, kind, id))) {
      throw new ApiError(409, 'conflict', `${names[kind].the} no está detenida: su proceso está en curso o ya terminó.`);
    }
    if (action === 'reanudar') {
      const workflowId = workflowIdOf(kind, id);
      const resumed = await resumeWorkflow(temporal, workflowId, `Reanudada por la Secretaría Técnica: ${reason}`, key ?? randomUUID());
      if (!resumed) {
        throw new ApiError(409, 'history_unavailable', `No se puede reanudar: el motor ya no conserva la historia de esta ${names[kind].one}.`
          + (kind === 'propuesta' ? ' Ciérrela con un motivo y, si corresponde, lance una nueva.' : ''));
      }
      await clearStopped(db, kind, id);
    } else {
      if (kind === 'tarea') {
        throw new ApiError(422, 'business_rule', 'Una tarea detenida se reanuda: sus responsables deben poder concluirla y la Secretaría Técnica verificarla.');
      }
      const user = currentUser(request);
      await closeStoppedProposal(db, deps.audit.key, id, { userId: user.id, institution: user.institution.code }, reason, new Date());
    }
    return { statusCode: 200, body: await read() };
  }));

  recovery('propuesta', 'proposals');
  recovery('tarea', 'tasks');
};

/** A single proposal or task as read: while it is stopped, `stopped` says since when and why. */
export async function withStop<T extends object>(deps: AppDeps, kind: ProcessKind, id: string, value: T) {
  const stopped = await getStop(deps.db, kind, id);
  return stopped ? { ...value, stopped } : value;
}

