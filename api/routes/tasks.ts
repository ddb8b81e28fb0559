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
import { actionRoute, recordedAction, userRoute } from '../action-route';
import { currentUser } from '../auth';
import { ApiError, notFound } from '../errors';
import {
  AuditBody, ChangeDecisionBody, ChangeRequestBody, CompletionBody, EmptyBody, IdParams, ProgressBody, ProgressView, TaskBody,
  TaskListQuery, TaskPage, VerificationBody,
} from '../schemas';
import { actorOf, updateWorkflow } from '../workflow-updates';
import type { Actor } from '../../workflows/messages';
import type { Role } from '../../domain/vocabulary';
import type { TSchema } from 'typebox';
import { decodeCursor, encodeCursor } from '../cursor';
import { auditForReader, taskForReader } from '../../domain/visibility';
import { readerOf } from '../reader';
import { checkProcess } from '../../engine/supervision';
import { stoppedConflict, withStop } from './recovery';

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

  /** An action whose whole input is its body, answered with the task as the action leaves it. */
  function taskAction<Arg extends { actor: Actor }>(
    path: string, roles: Role[], schema: { operationId: string; summary: string; body: TSchema }, update: UpdateDefinition<unknown, [Arg]>,
  ) {
    app.post(`/tasks/:id/${path}`, actionRoute(roles, { operationId: schema.operationId, tags: ['tareas'], summary: schema.summary,
      params: IdParams, body: schema.body, response: { 200: TaskBody } }), recordedAction(db, async (request, updateId) => ({
      statusCode: 200, body: await act(request.params.id, update, { actor: actorOf(currentUser(request)), ...(request.body as object) } as Arg, updateId),
    })));
  }

  app.get('/tasks', userRoute({
    operationId: 'listTasks', tags: ['tareas'], summary: 'Tareas de los acuerdos, las más recientes primero.',
    querystring: TaskListQuery, response: { 200: TaskPage },
  }, [400, 401, 503]), async (request) => {
    const { cursor, ...filters } = request.query;
    const page = await listTasks(db, { ...filters, cursor: cursor ? decodeCursor(cursor) : undefined });
    return { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null };
  });

  app.get('/tasks/:id', userRoute({
    operationId: 'getTask', tags: ['tareas'], summary: 'Una tarea, con el avance de cada institución.',
    params: IdParams, response: { 200: TaskBody },
  }, [400, 401, 404, 503]), async (request) => {
    const task = await getTask(db, request.params.id);
    if (!task) throw notFound(`No existe la tarea «${request.params.id}».`);
    return withStop(deps, 'tarea', request.params.id, taskForReader(readerOf(request), task));
  });

  app.get('/tasks/:id/audit', userRoute({
    operationId: 'getTaskAudit', tags: ['tareas'],
    summary: 'Registro de auditoría de la tarea y su verificación, con lo que falló («problems»), como el de las propuestas.',
    params: IdParams, response: { 200: AuditBody },
  }, [400, 401, 404, 503]), async (request) => {
    const { head: _head, ...audit } = await verifiedTaskAudit(deps, request.params.id);
    if (audit.events.length === 0 && !(await getTaskRow(db, request.params.id))) throw notFound(`No existe la tarea «${request.params.id}».`);
    return auditForReader(readerOf(request), audit);
  });

  taskAction('accept', ['miembro'], { operationId: 'acceptTask', summary: 'La institución responsable aprueba (acepta) la tarea.', body: EmptyBody }, acceptTaskUpdate);

  taskAction('reassignment-request', ['miembro'], { operationId: 'requestTaskChange', summary: 'Pide reasignar la tarea o, con proposedDueDate, una nueva fecha.', body: ChangeRequestBody }, requestChangeUpdate);

  app.post('/tasks/:id/reassignment-decision', actionRoute(['secretaria'], {
    operationId: 'decideTaskChange', tags: ['tareas'], summary: 'La Secretaría Técnica concede o deniega la solicitud pendiente.',
    params: IdParams, body: ChangeDecisionBody, response: { 200: TaskBody },
  }), recordedAction(db, async (request, updateId) => {
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
      body: await act(request.params.id, decideRequestUpdate, { actor: actorOf(currentUser(request)), ...request.body }, updateId),
    };
  }));

  app.post('/tasks/:id/progress', actionRoute(['miembro'], {
    operationId: 'reportTaskProgress', tags: ['tareas'], summary: 'Informe de avance de una institución responsable.',
    params: IdParams, body: ProgressBody, response: { 201: ProgressView },
  }), recordedAction(db, async (request, updateId) => {
    const user = currentUser(request);
    const task = await act(request.params.id, reportProgressUpdate, { actor: actorOf(user), ...request.body }, updateId);
    const entry = task!.progress.filter((p) => p.institution === user.institution.code).at(-1);
    return { statusCode: 201, body: entry };
  }));

  taskAction('completion', ['miembro'], { operationId: 'completeTask', summary: 'Una institución responsable entrega el resultado de su parte.', body: CompletionBody }, completeTaskUpdate);

  taskAction('verification', ['secretaria'], { operationId: 'verifyTask', summary: 'La Secretaría Técnica verifica (cierra) o devuelve la tarea.', body: VerificationBody }, verifyTaskUpdate);
};
