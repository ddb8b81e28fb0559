// Attached documents (docs/domain.md#documentos) and the PDF of each agreement. An upload is the
// file's bytes as the body: checked by content (domain/attachments.ts), passed through the virus
// scanner, kept in the document store under its SHA-256 and only then recorded, so a retried
// upload finds its bytes already kept and its row already written, and records nothing twice.
// Who may read a document is who may read what it belongs to; every download is logged.
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { getAttachment, listAttachments, listDownloads, recordAttachment, recordDownload, type AttachmentRow } from '../../db/attachments';
import { getInput, getVersion, readProposal } from '../../db/proposals';
import { listInstitutions } from '../../db/registry';
import { proposalRounds, taskLines, taskProgress } from '../../db/schema';
import { getTask, getTaskRow } from '../../db/tasks';
import {
  checkDocument, cleanFilename, documentKinds, mayReadAttachment, refusalSentence, type AttachmentObject, type DocumentRefusal,
} from '../../domain/attachments';
import { scanDocument, sha256Hex, type DocumentSettings } from '../../engine/documents';
import { agreementPdf } from '../agreement-pdf';
import { currentUser, requireRole } from '../auth';
import type { AppDeps } from '../deps';
import { ApiError, notFound } from '../errors';
import { readerOf } from '../reader';
import {
  AgreementQuery, AttachmentList, AttachmentView, DownloadList, errorResponses, IdParams, ProposalUploadQuery, TaskUploadQuery, UploadBody,
  type ProposalAnswer,
} from '../schemas';

/** The name the API gives the uploaded file in its errors (the body itself). */
const fileField = 'archivo';

/** A refused file: empty (400), too large (413), or of a type not accepted or not its name's (415). */
function refusalOf(r: DocumentRefusal, filename: string): ApiError {
  if (r.code === 'too_large') return tooLarge(r.maxBytes);
  const status = r.code === 'empty' ? 400 : 415;
  return new ApiError(status, status === 400 ? 'invalid_body' : 'unsupported_file_type', refusalSentence(r, filename, fileField), { field: fileField, in: 'body' });
}

const tooLarge = (maxBytes: number) =>
  new ApiError(413, 'file_too_large', refusalSentence({ code: 'too_large', maxBytes }, '', fileField), { field: fileField, in: 'body', maxBytes });

const unavailable = () => new ApiError(503, 'service_unavailable', 'Este servicio no tiene configurado dónde guardar documentos.');

export const attachmentView = (a: AttachmentRow) => ({
  id: a.id, object: a.object, ref: a.ref, filename: a.filename, mediaType: a.mediaType, size: a.size, sha256: a.sha256,
  institution: a.institution, at: a.at.toISOString(), url: `/api/v1/attachments/${encodeURIComponent(a.id)}`,
});

/** Where a document goes, once the caller's right to attach it there was checked. */
interface Target { proposalId: string; taskId: string | null; object: AttachmentObject; ref: string | null }

export const documentRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  const { db } = deps;
  const settings = (): DocumentSettings => {
    if (!deps.documents) throw unavailable();
    return deps.documents;
  };

  /** Checks, scans, keeps and records the file: the order that makes a retry safe. */
  async function accept(request: FastifyRequest, target: Target, filename: string) {
    const { store, maxBytes, scanCommand } = settings();
    const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const name = cleanFilename(filename);
    const checked = checkDocument(bytes, name, maxBytes);
    if ('refusal' in checked) throw refusalOf(checked.refusal, name);
    if (scanCommand) {
      const verdict = await scanDocument(scanCommand, bytes).catch((e: Error) => {
        request.log.error({ err: e }, 'virus scanner failed');
        throw new ApiError(503, 'service_unavailable', 'El antivirus no pudo revisar el archivo; no se guardó. Inténtelo de nuevo en unos minutos.');
      });
      if (verdict === 'infectado') {
        request.log.warn({ filename: name, target }, 'infected upload refused');
        throw new ApiError(422, 'infected_file', `El antivirus detectó un programa malicioso en el campo «${fileField}» («${name}»): el archivo no se guardó.`, { field: fileField, in: 'body' });
      }
    }
    const sha256 = sha256Hex(bytes);
    await store.put(sha256, bytes);
    const user = currentUser(request);
    // The same file, attached again to the same object by the same institution, is the same attachment.
    const id = `doc_${sha256Hex(Buffer.from([target.proposalId, target.taskId, target.object, target.ref, user.institution.code, sha256, name].join('\n'))).slice(0, 24)}`;
    const row = await recordAttachment(db, {
      id, ...target, sha256, size: bytes.length, mediaType: documentKinds[checked.kind].mediaType, filename: name,
      institution: user.institution.code, userId: user.id, at: new Date(),
    });
    request.log.info({ attachment: row.id, sha256, target, institution: row.institution }, 'document attached');
    return attachmentView(row);
  }

  async function proposalTarget(request: FastifyRequest, id: string, { version, input }: { version?: number; input?: string }): Promise<Target> {
    const user = currentUser(request);
    if (!(await readProposal(db, readerOf(request), id))) throw notFound(`No existe la propuesta «${id}».`);
    if (version !== undefined && input !== undefined) throw new ApiError(400, 'invalid_query', 'Indique «version» o «input», no ambos.', { field: 'input', in: 'querystring' });
    if (input !== undefined) {
      const found = await getInput(db, id, input);
      if (!found) throw notFound(`No existe el aporte «${input}» en esta propuesta.`);
      if (found.institution !== user.institution.code) throw new ApiError(403, 'forbidden', 'Solo la institución que hizo el aporte puede adjuntarle documentos.');
      return { proposalId: id, taskId: null, object: 'aporte', ref: input };
    }
    if (!user.roles.includes('secretaria')) throw new ApiError(403, 'forbidden', 'Solo la Secretaría Técnica adjunta documentos a una propuesta o a sus versiones.');
    if (version !== undefined) {
      if (!(await getVersion(db, id, version))) throw notFound(`No existe la versión ${version} de esta propuesta.`);
      return { proposalId: id, taskId: null, object: 'version', ref: String(version) };
    }
    return { proposalId: id, taskId: null, object: 'propuesta', ref: null };
  }

  async function taskTarget(request: FastifyRequest, id: string, on: 'avance' | 'entrega'): Promise<Target> {
    const code = currentUser(request).institution.code;
    const task = await getTaskRow(db, id);
    if (!task) throw notFound(`No existe la tarea «${id}».`);
    const [line] = await db.select().from(taskLines).where(and(eq(taskLines.taskId, id), eq(taskLines.institution, code)));
    if (!line) throw new ApiError(403, 'forbidden', 'Solo una institución responsable de la tarea adjunta documentos a su avance o a su conclusión.');
    if (on === 'entrega') {
      if (!line.completed) throw new ApiError(409, 'conflict', 'Registre primero la conclusión de su parte de la tarea; luego adjunte sus documentos.');
      return { proposalId: task.proposalId, taskId: id, object: 'entrega', ref: null };
    }
    const [report] = await db.select({ eventSeq: taskProgress.eventSeq }).from(taskProgress)
      .where(and(eq(taskProgress.taskId, id), eq(taskProgress.institution, code))).orderBy(desc(taskProgress.eventSeq)).limit(1);
    if (!report) throw new ApiError(409, 'conflict', 'Registre primero un informe de avance; el documento se adjunta al último de su institución.');
    return { proposalId: task.proposalId, taskId: id, object: 'avance', ref: String(report.eventSeq) };
  }

  const uploadErrors = errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 503);

  // The uploads read the body as the file's bytes, whatever its type, up to the size limit.
  await app.register(async (plain) => {
    const uploads = plain.withTypeProvider<TypeBoxTypeProvider>();
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser('*', (request, payload, done) => {
      const maxBytes = deps.documents?.maxBytes ?? 0;
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > maxBytes) {
        payload.resume();
        done(tooLarge(maxBytes), undefined);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      payload.on('data', (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        if (size > maxBytes) {
          failed = true;
          done(tooLarge(maxBytes), undefined);
          return;
        }
        chunks.push(chunk);
      });
      payload.on('end', () => { if (!failed) done(null, Buffer.concat(chunks)); });
      payload.on('error', (e) => { if (!failed) done(e, undefined); });
    });

    uploads.post('/proposals/:id/attachments', {
      onRequest: requireRole('secretaria', 'osc', 'apoyo'),
      schema: {
        operationId: 'attachToProposal', tags: ['documentos'],
        summary: 'Adjunta un documento a la propuesta, a una de sus versiones (version) o a un aporte (input). El cuerpo son los bytes del archivo.',
        params: IdParams, querystring: ProposalUploadQuery, body: UploadBody, response: { 201: AttachmentView, ...uploadErrors },
      },
    }, async (request, reply) => reply.code(201).send(await accept(request, await proposalTarget(request, request.params.id, request.query), request.query.filename)));

    uploads.post('/tasks/:id/attachments', {
      onRequest: requireRole('miembro'),
      schema: {
        operationId: 'attachToTask', tags: ['documentos'],
        summary: 'Adjunta un documento al último informe de avance de su institución (on=avance) o a su conclusión (on=entrega). El cuerpo son los bytes del archivo.',
        params: IdParams, querystring: TaskUploadQuery, body: UploadBody, response: { 201: AttachmentView, ...uploadErrors },
      },
    }, async (request, reply) => reply.code(201).send(await accept(request, await taskTarget(request, request.params.id, request.query.on), request.query.filename)));
  });

  const visible = (request: FastifyRequest, rows: AttachmentRow[], publicity: { status: string; reachedConsultation: boolean }) =>
    rows.filter((a) => mayReadAttachment(readerOf(request), a.object, publicity)).map(attachmentView);

  app.get('/proposals/:id/attachments', {
    schema: {
      operationId: 'listProposalAttachments', tags: ['documentos'], summary: 'Los documentos de la propuesta, de sus versiones y de sus aportes.',
      params: IdParams, response: { 200: AttachmentList, ...errorResponses(400, 401, 404, 503) },
    },
  }, async (request) => {
    const proposal = await readProposal(db, readerOf(request), request.params.id);
    if (!proposal) throw notFound(`No existe la propuesta «${request.params.id}».`);
    const reachedConsultation = proposal.timeline.some((t) => t.stage === 'consulta');
    return { items: visible(request, await listAttachments(db, { proposalId: proposal.id }), { status: proposal.status, reachedConsultation }) };
  });

  app.get('/tasks/:id/attachments', {
    schema: {
      operationId: 'listTaskAttachments', tags: ['documentos'], summary: 'Los documentos de los informes de avance y de las conclusiones de la tarea (lado del Estado).',
      params: IdParams, response: { 200: AttachmentList, ...errorResponses(400, 401, 404, 503) },
    },
  }, async (request) => {
    const task = await getTaskRow(db, request.params.id);
    if (!task) throw notFound(`No existe la tarea «${request.params.id}».`);
    // An adopted proposal is public: the rule is then the object's own (domain/attachments.ts).
    return { items: visible(request, await listAttachments(db, { taskId: task.id }), { status: 'adoptada', reachedConsultation: true }) };
  });

  /** A document the caller may read; for anyone else it does not exist. */
  async function readable(request: FastifyRequest, id: string) {
    const found = await getAttachment(db, id);
    if (!found || !mayReadAttachment(readerOf(request), found.attachment.object, found)) throw notFound(`No existe el documento «${id}».`);
    return found.attachment;
  }

  app.get('/attachments/:id', {
    schema: {
      operationId: 'downloadAttachment', tags: ['documentos'],
      summary: 'Descarga un documento, con las reglas de lectura de lo que acompaña; cada descarga queda registrada.',
      params: IdParams,
      response: {
        200: { description: 'Los bytes del archivo, con su tipo.', content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } } },
        ...errorResponses(400, 401, 404, 503),
      },
    },
  }, async (request, reply) => {
    const a = await readable(request, request.params.id);
    const bytes = await settings().store.get(a.sha256);
    // Bytes that are not what was attached are never served: the store lost or changed them.
    if (!bytes || sha256Hex(bytes) !== a.sha256) {
      request.log.error({ attachment: a.id, sha256: a.sha256, found: Boolean(bytes) }, 'document bytes missing or altered');
      throw new ApiError(503, 'service_unavailable', 'El documento no está disponible en el almacén en este momento.');
    }
    const user = currentUser(request);
    await recordDownload(db, a.id, { userId: user.id, institution: user.institution.code });
    request.log.info({ attachment: a.id, user: user.id, institution: user.institution.code }, 'document downloaded');
    const ascii = a.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
    return reply.type(a.mediaType).header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`)
      .header('x-content-type-options', 'nosniff').header('cache-control', 'private, no-store').header('x-checksum-sha256', a.sha256)
      .send(bytes as unknown as string);
  });

  app.get('/attachments/:id/downloads', {
    onRequest: requireRole('secretaria'),
    schema: {
      operationId: 'listAttachmentDownloads', tags: ['documentos'], summary: 'Quién descargó el documento y cuándo (Secretaría Técnica).',
      params: IdParams, response: { 200: DownloadList, ...errorResponses(400, 401, 403, 404, 503) },
    },
  }, async (request) => {
    const a = await readable(request, request.params.id);
    return { items: (await listDownloads(db, a.id)).map((d) => ({ institution: d.institution, userId: d.userId, at: d.at.toISOString() })) };
  });

  app.get('/proposals/:id/agreement.pdf', {
    schema: {
      operationId: 'getAgreementPdf', tags: ['documentos'],
      summary: 'El acuerdo de una propuesta adoptada en PDF: número, fecha, texto adoptado, regla y votación, matriz de conformidades y tareas creadas.',
      params: IdParams, querystring: AgreementQuery,
      response: {
        200: { description: 'El acuerdo en PDF.', content: { 'application/pdf': { schema: Type.String({ format: 'binary' }) } } },
        ...errorResponses(400, 401, 404, 409, 503),
      },
    },
  }, async (request, reply) => {
    const reader = readerOf(request);
    const proposal = await readProposal(db, reader, request.params.id);
    if (!proposal) throw notFound(`No existe la propuesta «${request.params.id}».`);
    if (proposal.status !== 'adoptada' || !proposal.decision || !proposal.number) throw new ApiError(409, 'conflict', 'Esta propuesta no fue adoptada: aún no hay acuerdo que exportar.');
    const [institutions, [round], tasks] = await Promise.all([
      listInstitutions(db),
      db.select({ members: proposalRounds.members }).from(proposalRounds).where(and(eq(proposalRounds.proposalId, proposal.id), eq(proposalRounds.round, proposal.decision.round))),
      Promise.all(proposal.tasks.map((id) => getTask(db, id))),
    ]);
    // The registry's order (by code), for a matrix people can find their institution in.
    const members = [...(round?.members ?? [])].sort();
    const pdf = await agreementPdf({
      proposal: proposal as unknown as ProposalAnswer, names: new Map(institutions.map((i) => [i.code, i.name])), members, lang: request.query.lang ?? 'es',
      tasks: tasks.filter((x) => x !== null),
    });
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${proposal.number}.pdf"`).send(Buffer.from(pdf) as unknown as string);
  });
};
