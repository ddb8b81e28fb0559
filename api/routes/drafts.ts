// The secretariat's drafts of proposals (docs/domain.md#borradores): saved with what is known,
// edited, previewed and launched once. A launched draft stays, read-only, pointing at its proposal.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { randomBytes } from 'node:crypto';
import Value from 'typebox/value';
import { getProposal } from '../../db/proposals';
import { beginLaunch, createDraft, discardDraft, getDraft, listDrafts, markLaunched, updateDraft, type DraftRow } from '../../db/drafts';
import { calendarViewNow } from '../../db/non-working-days';
import { registryView } from '../../db/registry';
import { defaultCloseOfDay } from '../../domain/calendar';
import { draftDates, draftProblems, type ProposalDraft, type ProposalLaunch, type Problem, type RegistryView } from '../../domain/proposal';
import type { AppDeps } from '../deps';
import { currentUser } from '../auth';
import { roleRoute } from '../action-route';
import { ApiError, notFound } from '../errors';
import { idempotent, idFromKey } from '../idempotency';
import {
  DraftContentBody, DraftList, DraftListQuery, DraftPreview, DraftView, EmptyBody, IdParams, ProposalBody, ProposalLaunchBody,
} from '../schemas';
import { describeSchemaError, errorToTell, fieldOf, problemSentence, type SchemaError } from '../validation';
import { startProposal } from './proposals';

/**
 * Everything launching would refuse, at once: the launch body's shape field by field (a deadline
 * named as a whole, not by the inner parts of its forms), then the Mesa's rules on what is there.
 */
export function launchProblemsOf(content: ProposalDraft, registry: RegistryView): Problem[] {
  const byField = new Map<string, SchemaError[]>();
  for (const error of Value.Errors(ProposalLaunchBody, content) as unknown as SchemaError[]) {
    // TypeBox names every missing property of an object in one error: each is told on its own.
    const missing = error.keyword === 'required' ? (error.params.requiredProperties as string[] | undefined) ?? [] : [];
    const each = missing.length > 1 ? missing.map((p) => ({ ...error, params: { ...error.params, requiredProperties: [p] } })) : [error];
    for (const e of each) {
      const field = fieldOf(e);
      byField.set(field, [...(byField.get(field) ?? []), e]);
    }
  }
  const shape = [...byField].map(([field, errors]) => ({ field, message: describeSchemaError(errorToTell(errors)) }));
  const told = shape.filter((p) => !shape.some((q) => q !== p && p.field.startsWith(`${q.field}.`)));
  return [...told, ...draftProblems(content, registry).filter((p) => !told.some((q) => q.field === p.field))];
}

/** A draft's problems as a refusal: the first in the sentence, all of them in the details. */
function refused(status: number, code: string, lead: string, problems: Problem[]): ApiError {
  return new ApiError(status, code, `${lead}${problemSentence(problems[0]!)}`, { field: problems[0]!.field, problems });
}

/** The proposal a draft becomes: fixed by the draft's id, so every launch of it reaches one workflow. */
export const proposalIdOfDraft = (draftId: string) => idFromKey('prop', 'borrador', 'POST /api/v1/proposal-drafts/:id/launch', draftId);

export const draftRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const { db } = deps;

  const view = async (row: DraftRow) => ({
    id: row.id, status: row.status, content: row.content, proposalId: row.proposalId,
    launchProblems: row.status === 'borrador' ? launchProblemsOf(row.content, await registryView(db)) : [],
    createdBy: row.createdBy, updatedBy: row.updatedBy, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
    launchedAt: row.launchedAt?.toISOString() ?? null,
  });
  const found = async (id: string) => {
    const row = await getDraft(db, id);
    if (!row) throw notFound(`No existe el borrador «${id}».`);
    return row;
  };
  /** What a draft holds is checked for what it holds; what it lacks is told at launch. */
  const checked = async (content: ProposalDraft) => {
    const problems = draftProblems(content, await registryView(db));
    if (problems.length) throw refused(400, 'invalid_body', '', problems);
    return content;
  };
  const closed = (row: DraftRow) => new ApiError(409, 'conflict', row.status === 'descartado'
    ? 'El borrador fue descartado: ya no se edita ni se lanza.'
    : `El borrador ya se lanzó como la propuesta «${row.proposalId}»: ya no se edita; las correcciones se hacen en la propuesta.`);

  app.post('/proposal-drafts', roleRoute(['secretaria'], {
    operationId: 'createProposalDraft', tags: ['borradores'], summary: 'Guarda un borrador de propuesta, aunque esté incompleto (Secretaría Técnica).',
    body: DraftContentBody, response: { 201: DraftView },
  }, [400, 401, 403, 409, 503]), async (request, reply) => idempotent(db, request, reply, async (key) => {
    const user = currentUser(request);
    const content = await checked(request.body);
    const id = key ? idFromKey('draft', user.id, 'POST /api/v1/proposal-drafts', key) : `draft_${randomBytes(12).toString('hex')}`;
    return { statusCode: 201, body: await view(await createDraft(db, { id, content, userId: user.id, at: new Date() })) };
  }));

  app.get('/proposal-drafts', roleRoute(['secretaria'], {
    operationId: 'listProposalDrafts', tags: ['borradores'], summary: 'Los borradores de propuesta, los cambiados más recientemente primero.',
    querystring: DraftListQuery, response: { 200: DraftList },
  }, [400, 401, 403, 503]), async (request) => {
    const { status } = request.query;
    const [rows, registry] = await Promise.all([listDrafts(db, status ? [status] : ['borrador', 'lanzando']), registryView(db)]);
    return {
      items: rows.map((r) => ({
        id: r.id, title: r.content.title ?? null, status: r.status, proposalId: r.proposalId, updatedAt: r.updatedAt.toISOString(),
        ready: r.status === 'borrador' && launchProblemsOf(r.content, registry).length === 0,
      })),
    };
  });

  app.get('/proposal-drafts/:id', roleRoute(['secretaria'], {
    operationId: 'getProposalDraft', tags: ['borradores'], summary: 'Un borrador, con lo que el lanzamiento aún rechazaría.',
    params: IdParams, response: { 200: DraftView },
  }, [400, 401, 403, 404, 503]), async (request) => view(await found(request.params.id)));

  app.put('/proposal-drafts/:id', roleRoute(['secretaria'], {
    operationId: 'updateProposalDraft', tags: ['borradores'], summary: 'Reemplaza lo que guarda un borrador (mientras no se haya lanzado).',
    params: IdParams, body: DraftContentBody, response: { 200: DraftView },
  }, [400, 401, 403, 404, 409, 503]), async (request) => {
    const row = await found(request.params.id);
    if (row.status !== 'borrador') throw closed(row);
    const updated = await updateDraft(db, row.id, await checked(request.body), currentUser(request).id, new Date());
    if (!updated) throw closed((await getDraft(db, row.id))!);
    return view(updated);
  });

  app.delete('/proposal-drafts/:id', roleRoute(['secretaria'], {
    operationId: 'discardProposalDraft', tags: ['borradores'], summary: 'Descarta un borrador que no se lanzó.',
    params: IdParams, response: { 200: DraftView },
  }, [400, 401, 403, 404, 409, 503]), async (request) => {
    const row = await found(request.params.id);
    if (row.status === 'descartado') return view(row);
    const discarded = row.status === 'borrador' ? await discardDraft(db, row.id, currentUser(request).id, new Date()) : null;
    if (!discarded) throw closed((await getDraft(db, row.id))!);
    return view(discarded);
  });

  app.get('/proposal-drafts/:id/preview', roleRoute(['secretaria'], {
    operationId: 'previewProposalDraft', tags: ['borradores'],
    summary: 'La propuesta como se vería al lanzarse: valores por defecto y plazos con sus fechas si se lanzara ahora.',
    params: IdParams, response: { 200: DraftPreview },
  }, [400, 401, 403, 404, 503]), async (request) => {
    const row = await found(request.params.id);
    const now = new Date();
    const [calendar, registry] = await Promise.all([calendarViewNow(db, deps.closeOfDay ?? defaultCloseOfDay, now), registryView(db)]);
    return { ...draftDates(row.content, calendar, now), launchProblems: row.status === 'borrador' ? launchProblemsOf(row.content, registry) : [] };
  });

  app.post('/proposal-drafts/:id/launch', roleRoute(['secretaria'], {
    operationId: 'launchProposalDraft', tags: ['borradores'],
    summary: 'Lanza la propuesta de un borrador completo, una sola vez: repetirlo devuelve la misma propuesta.',
    params: IdParams, body: EmptyBody, response: { 201: ProposalBody },
  }, [400, 401, 403, 404, 409, 422, 503]), async (request, reply) => {
    let row = await found(request.params.id);
    if (row.status === 'descartado') throw closed(row);
    if (row.status === 'borrador') {
      const problems = launchProblemsOf(row.content, await registryView(db));
      if (problems.length) throw refused(422, 'draft_incomplete', `El borrador aún no puede lanzarse (${problems.length} ${problems.length === 1 ? 'dato' : 'datos'} por completar o corregir). `, problems);
      // The proposal's id is fixed, and the draft frozen, before the workflow starts.
      await beginLaunch(db, row.id, proposalIdOfDraft(row.id), currentUser(request).id, new Date());
      row = (await getDraft(db, row.id))!;
      if (row.status === 'descartado') throw closed(row);
    }
    const proposalId = row.proposalId!;
    if (row.status === 'lanzando') {
      await startProposal(deps, currentUser(request), proposalId, row.content as ProposalLaunch);
      await markLaunched(db, row.id, new Date());
    }
    // Recorded before startProposal returned: the proposal is there to read.
    return reply.code(201).send((await getProposal(db, proposalId))!);
  });
};
