import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { listGroups, listInstitutions } from '../../db/registry';
import type { AppDeps } from '../deps';
import { errorResponses, GroupBody, InstitutionBody } from '../schemas';

export const registryRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get('/institutions', {
    schema: {
      operationId: 'listInstitutions', tags: ['registro'], summary: 'Las 41 instituciones de la Mesa y su Secretaría Técnica.',
      response: { 200: Type.Array(InstitutionBody, { description: 'Las instituciones.' }), ...errorResponses(400, 401, 503) },
    },
  }, async () => listInstitutions(deps.db));
  app.get('/working-groups', {
    schema: {
      operationId: 'listWorkingGroups', tags: ['registro'], summary: 'Los grupos de trabajo y sus miembros.',
      response: { 200: Type.Array(GroupBody, { description: 'Los grupos de trabajo.' }), ...errorResponses(400, 401, 503) },
    },
  }, async () => listGroups(deps.db, 'grupo_de_trabajo'));
  app.get('/commissions', {
    schema: {
      operationId: 'listCommissions', tags: ['registro'], summary: 'Las comisiones de coordinación y sus miembros.',
      response: { 200: Type.Array(GroupBody, { description: 'Las comisiones.' }), ...errorResponses(400, 401, 503) },
    },
  }, async () => listGroups(deps.db, 'comision'));
};
