import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { listGroups, listInstitutions } from '../../db/registry';
import type { AppDeps } from '../deps';
import { GroupBody, InstitutionBody } from '../schemas';

export const registryRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get('/institutions', {
    schema: { summary: 'Las 41 instituciones de la Mesa y su Secretaría Técnica.', response: { 200: Type.Array(InstitutionBody) } },
  }, async () => listInstitutions(deps.db));
  app.get('/working-groups', {
    schema: { summary: 'Los grupos de trabajo y sus miembros.', response: { 200: Type.Array(GroupBody) } },
  }, async () => listGroups(deps.db, 'grupo_de_trabajo'));
  app.get('/commissions', {
    schema: { summary: 'Las comisiones de coordinación y sus miembros.', response: { 200: Type.Array(GroupBody) } },
  }, async () => listGroups(deps.db, 'comision'));
};
