// Tasks of adopted agreements (docs/domain.md#proceso-2): reads from the projection, actions as
// Updates on each task's workflow.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { UpdateDefinition } from '@temporalio/common';
import { registryView } from '../../db/registry';
import { getTask, getTaskRow, listTasks } from '../../db/tasks';
import { verifiedTaskAudit } from '../audit';
import {
  acceptTaskUpdate, completeTaskUpdate, decideRequestUpdate, reportProgressUpdate, requestChangeUpdate, taskWorkflowId, verifyTaskUpdate,
} from '../../workflows/task-messages';
import type { AppDeps } from '../deps';
import { actionRoute } from '../action-route';
import { currentUser } from '../auth';
import { ApiError, notFound } from '../errors';
import { idempotent, updateIdFor } from '../idempotency';
import {
  AuditBody, ChangeDecisionBody, ChangeRequestBody, CompletionBody, EmptyBody, errorResponses, IdParams, ProgressBody, ProgressView, TaskBody,
  TaskListQuery, TaskPage, VerificationBody,
} from '../schemas';
import { actorOf, updateWorkflow } from '../workflow-updates';
import { decodeCursor, encodeCursor } from '../cursor';
import { auditForReader, taskForReader } from '../../domain/visibility';
import { readerOf } from '../reader';
import { checkProcess } from '../../engine/supervision';
import { markStopped, stoppedConflict, withStop } from './recovery';

export const taskRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const { db, temporal } = deps;

  /** An action on a task, answered with the task as it now is; without a running workflow, it is unknown or closed. */
  async function act<Arg>(id: string, update: UpdateDefinition<unknown, [Arg]>, arg: Arg, updateId: string | undefined) {
    await updateWorkflow(temporal, taskWorkflowId(id), update, arg, updateId, async () => {
      if (!await getTaskRow(db, id)) return notFound(`No existe la tarea «${id}».`);
      // Open in the projection but no workflow: stopped (and now shown so), not closed.
      if (await checkProcess(db, temporal, 'tarea', id)) return stoppedConflict('tarea');
      return new ApiError(409, 'conflict', 'La tarea ya fue verificada y cerrada.');
    });
    return getTask(db, id);
  }

  app.get('/tasks', {
    schema: {
      operationId: 'listTasks', tags: ['tareas'], summary: 'Tareas de los acuerdos, las más recientes primero.',
      querystring: TaskListQuery, response: { 200: TaskPage, ...errorResponses(400, 401, 503) },
    },
  }, async (request) => {
    const { cursor, ...filters } = request.query;
    const page = await listTasks(db, { ...filters, cursor: cursor ? decodeCursor(cursor) : undefined });
    return { items: await markStopped(deps, 'tarea', page.items), nextCursor: page.next ? encodeCursor(page.next) : null };
  });

  app.get('/tasks/:id', {
    schema: {
      operationId: 'getTask', tags: ['tareas'], summary: 'Una tarea, con el avance de cada institución.',
      params: IdParams, response: { 200: TaskBody, ...errorResponses(400, 401, 404, 503) },
    },
  }, async (request) => {
    const task = await getTask(db, request.params.id);
    if (!task) throw notFound(`No existe la tarea «${request.params.id}».`);
    return withStop(deps, 'tarea', request.params.id, taskForReader(readerOf(request), task));
  });

  app.get('/tasks/:id/audit', {
    schema: {
      operationId: 'getTaskAudit', tags: ['tareas'],
      summary: 'Registro de auditoría de la tarea y su verificación, con lo que falló («problems»), como el de las propuestas.',
      params: IdParams, response: { 200: AuditBody, ...errorResponses(400, 401, 404, 503) },
    },
  }, async (request) => {
    const { head: _head, ...audit } = await verifiedTaskAudit(deps, request.params.id);
    if (audit.events.length === 0 && !(await getTaskRow(db, request.params.id))) throw notFound(`No existe la tarea «${request.params.id}».`);
    return auditForReader(readerOf(request), audit);
  });

  app.post('/tasks/:id/accept', actionRoute(['miembro'], {
    operationId: 'acceptTask', tags: ['tareas'], summary: 'La institución responsable aprueba (acepta) la tarea.',
    params: IdParams, body: EmptyBody, response: { 200: TaskBody },
  }), async (request, reply) => idempotent(db, request, reply, async (key) => ({
    statusCode: 200,
    body: await act(request.params.id, acceptTaskUpdate, { actor: actorOf(currentUser(request)) }, updateIdFor(request, key)),
  })));

  app.post('/tasks/:id/reassignment-request', actionRoute(['miembro'], {
    operationId: 'requestTaskChange', tags: ['tareas'], summary: 'Pide reasignar la tarea o, con proposedDueDate, una nueva fecha.',
    params: IdParams, body: ChangeRequestBody, response: { 200: TaskBody },
  }), async (request, reply) => idempotent(db, request, reply, async (key) => ({
    statusCode: 200,
    body: await act(request.params.id, requestChangeUpdate, { actor: actorOf(currentUser(request)), ...request.body }, updateIdFor(request, key)),
  })));

  app.post('/tasks/:id/reassignment-decision', actionRoute(['secretaria'], {
    operationId: 'decideTaskChange', tags: ['tareas'], summary: 'La Secretaría Técnica concede o deniega la solicitud pendiente.',
    params: IdParams, body: ChangeDecisionBody, response: { 200: TaskBody },
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    // Only active member institutions carry out tasks (an OSC or an unknown code never does);
    // the workflow checks the rest against the task's own lines.
    const { members } = await registryView(db);
    const stranger = (request.body.responsible ?? []).findIndex((code) => !members.has(code));
    if (stranger >= 0) {
      const field = `responsible[${stranger}]`;
      throw new ApiError(400, 'invalid_body', `El campo «${field}» no es válido: «${request.body.responsible![stranger]}» no es una institución miembro activa de la Mesa.`, { field, in: 'body' });
    }
    return {
      statusCode: 200,
      body: await act(request.params.id, decideRequestUpdate, { actor: actorOf(currentUser(request)), ...request.body }, updateIdFor(request, key)),
    };
  }));

  app.post('/tasks/:id/progress', actionRoute(['miembro'], {
    operationId: 'reportTaskProgress', tags: ['tareas'], summary: 'Informe de avance de una institución responsable.',
    params: IdParams, body: ProgressBody, response: { 201: ProgressView },
  }), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const user = currentUser(request);
    const task = await act(request.params.id, reportProgressUpdate, { actor: actorOf(user), ...request.body }, updateIdFor(request, key));
    const entry = task!.progress.filter((p) => p.institution === user.institution.code).at(-1);
    return { statusCode: 201, body: entry };
  }));

  app.post('/tasks/:id/completion', actionRoute(['miembro'], {
    operationId: 'completeTask', tags: ['tareas'], summary: 'Una institución responsable entrega el resultado de su parte.',
    params: IdParams, body: CompletionBody, response: { 200: TaskBody },
  }), async (request, reply) => idempotent(db, request, reply, async (key) => ({
    statusCode: 200,
    body: await act(request.params.id, completeTaskUpdate, { actor: actorOf(currentUser(request)), ...request.body }, updateIdFor(request, key)),
  })));

  app.post('/tasks/:id/verification', actionRoute(['secretaria'], {
    operationId: 'verifyTask', tags: ['tareas'], summary: 'La Secretaría Técnica verifica (cierra) o devuelve la tarea.',
    params: IdParams, body: VerificationBody, response: { 200: TaskBody },
  }), async (request, reply) => idempotent(db, request, reply, async (key) => ({
    statusCode: 200,
    body: await act(request.params.id, verifyTaskUpdate, { actor: actorOf(currentUser(request)), ...request.body }, updateIdFor(request, key)),
  })));
};
