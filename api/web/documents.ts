// Documents on the web: forms with a file are sent as multipart/form-data, read here into the
// same plain form every other route reads (the file kept apart), and the file is checked by the
// same rules as the API's before any action is recorded; then handed to the API, which scans,
// keeps and records it. Downloads and the agreement PDF go through the API with the person's token.
import multipart, { type Multipart, type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkDocument, cleanFilename, refusalSentence } from '../../domain/attachments';
import type { ApiAnswer, Ctx } from './context';
import type { Form } from './form-checks';
import { fileFieldName } from './pages/documents';

export interface Upload { filename: string; bytes: Buffer }

const uploads = new WeakMap<FastifyRequest, Upload>();

/** The file a form carried, if one was chosen. */
export const uploadOf = (request: FastifyRequest) => uploads.get(request);

/** Reads multipart forms (one file, up to the size limit and a byte more, so that a larger one is seen as larger). */
export async function acceptMultipart(app: FastifyInstance, maxBytes: number): Promise<void> {
  await app.register(multipart, { attachFieldsToBody: true, throwFileSizeLimit: false, limits: { fileSize: maxBytes + 1, files: 1, fields: 200, parts: 201 } });
}

/** A multipart body as the plain form the routes read; the file, when one was chosen, kept for `uploadOf`. */
export async function formOfMultipart(request: FastifyRequest): Promise<Form> {
  const form: Form = {};
  for (const [name, entry] of Object.entries((request.body ?? {}) as Record<string, Multipart | Multipart[]>)) {
    const values: string[] = [];
    for (const part of Array.isArray(entry) ? entry : [entry]) {
      if (part.type === 'file') {
        // A file field left empty arrives as a part without a name.
        if (name === fileFieldName && part.filename) uploads.set(request, { filename: cleanFilename(part.filename), bytes: await (part as MultipartFile).toBuffer() });
      } else {
        values.push(String(part.value ?? ''));
      }
    }
    if (values.length) form[name] = values.length === 1 ? values[0] : values;
  }
  return form;
}

/** Why the page refuses the file before anything is recorded, in its language; null when it may go to the API. */
export function uploadProblem(ctx: Ctx, upload: Upload | undefined, maxBytes: number, label: string): string | null {
  if (!upload) return null;
  const checked = checkDocument(upload.bytes, upload.filename, maxBytes);
  return 'refusal' in checked ? refusalSentence(checked.refusal, upload.filename, ctx.t(label), ctx.lang) : null;
}

/** Sends the file to the API route that attaches it; the API's answer. */
export function sendUpload(ctx: Ctx, url: string, upload: Upload): Promise<ApiAnswer> {
  const sep = url.includes('?') ? '&' : '?';
  return ctx.api('POST', `${url}${sep}filename=${encodeURIComponent(upload.filename)}`, upload.bytes, { 'content-type': 'application/octet-stream' });
}

/** An API answer that is a file (a document, a PDF, a CSV) passed on to the browser with its type and name; an error is thrown as the page's. */
export async function passFile(root: FastifyInstance, ctx: Ctx, reply: FastifyReply, url: string, fail: (status: number, message: string) => Error, accept?: string) {
  const answer = await root.inject({ method: 'GET', url, headers: { authorization: `Bearer ${ctx.token}`, 'accept-language': ctx.lang, ...(accept ? { accept } : {}) } });
  if (answer.statusCode >= 400) {
    const message = String(answer.headers['content-type'] ?? '').includes('json') ? answer.json()?.error?.message : undefined;
    throw fail(answer.statusCode, ctx.t(message ?? 'No encontrado'));
  }
  for (const header of ['content-disposition', 'x-content-type-options', 'cache-control', 'x-checksum-sha256']) {
    const value = answer.headers[header];
    if (typeof value === 'string') reply.header(header, value);
  }
  return reply.code(answer.statusCode).type(answer.headers['content-type'] as string).send(answer.rawPayload);
}
