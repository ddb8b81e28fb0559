// The API's one error shape: {"error": {"code", "message", "details"}}, messages in Spanish.
// 4xx say what the client should fix; 5xx are masked, so no stack trace ever reaches a client.
import { ServiceError } from '@temporalio/client';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { describeSchemaError, errorToTell, fieldOf, type SchemaError } from './validation';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * A dependency (workflow service, database) that is down or unreachable: 503, retry later. Drivers'
 * errors arrive wrapped (drizzle's DrizzleQueryError holds postgres.js's ECONNREFUSED as its
 * `cause`), so the whole cause chain is looked at.
 */
export function isUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth += 1) {
    if (e instanceof ServiceError) return true;
    const { code, name, message } = e as { code?: unknown; name?: unknown; message?: unknown };
    if (name === 'TransportError' || name === 'ConnectionError') return true;
    // Node socket errors; PostgreSQL's connection (08…), shutdown (57P…) and too-many-connections
    // (53300) classes, and a database closed to connections for maintenance (55000 with that message).
    if (typeof code !== 'string') continue;
    if (unavailableCodes.has(code) || /^08|^57P/.test(code)) return true;
    if (code === '55000' && /not currently accepting connections/.test(String(message))) return true;
  }
  return false;
}

const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'CONNECTION_DESTROYED', '53300']);

/**
 * What a failed action may have left behind. A 5xx can come after the workflow recorded the action
 * (the answer was lost, not the action), so the body says so and whether a retry is safe: with the
 * same Idempotency-Key it is recorded at most once; without one it could be recorded twice.
 */
function afterFailure(request: FastifyRequest): { sentence: string; details: Record<string, boolean> } | null {
  // Actions only: reads change nothing, and a failed login records nothing.
  if (request.method !== 'POST' || !request.url.startsWith('/api/') || request.url.startsWith('/api/v1/auth/')) return null;
  const keyed = request.headers['idempotency-key'] !== undefined;
  return keyed
    ? {
      sentence: 'Es posible que la acción se haya registrado. Repetirla con la misma Idempotency-Key es seguro: se registrará una sola vez.',
      details: { mayHaveBeenRecorded: true, retrySafeWithSameIdempotencyKey: true },
    }
    : {
      sentence: 'Es posible que la acción se haya registrado. Sin Idempotency-Key, repetirla podría registrarla dos veces: consulte antes si ya aparece.',
      details: { mayHaveBeenRecorded: true, retrySafeWithSameIdempotencyKey: false },
    };
}

const fastifyCodes: Record<string, [string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['body_too_large', 'El cuerpo de la petición es demasiado grande.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'El cuerpo debe enviarse como application/json.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['invalid_body', 'El cuerpo JSON está vacío.'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['invalid_body', 'El cuerpo no es JSON válido.'],
};

const validationCodes: Record<string, string> = { body: 'invalid_body', querystring: 'invalid_query', params: 'invalid_path' };

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & { validation?: SchemaError[]; validationContext?: string }, request, reply) => {
    if (error instanceof ApiError) {
      return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.details));
    }
    if (error.validation?.[0]) {
      const first = errorToTell(error.validation);
      const where = error.validationContext === 'body' ? 'El campo' : 'El parámetro';
      return reply.code(400).send(errorBody(
        validationCodes[error.validationContext ?? 'body'] ?? 'invalid_request',
        describeSchemaError(first, where),
        { field: fieldOf(first), in: error.validationContext ?? 'body' },
      ));
    }
    const known = error.code ? fastifyCodes[error.code] : undefined;
    if (known) return reply.code(error.statusCode ?? 400).send(errorBody(known[0], known[1]));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send(errorBody('bad_request', 'La petición no es válida.'));
    }
    const outcome = afterFailure(request);
    if (isUnavailable(error)) {
      request.log.warn({ err: error }, 'dependency unavailable');
      return reply.code(503).header('retry-after', '5').send(errorBody(
        'service_unavailable',
        ['El servicio no está disponible en este momento. Inténtelo de nuevo en unos segundos.', outcome?.sentence].filter(Boolean).join(' '),
        outcome?.details,
      ));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send(errorBody(
      'internal_error', [`Error interno. Referencia: ${request.id}.`, outcome?.sentence].filter(Boolean).join(' '), outcome?.details,
    ));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody('not_found', `No existe la ruta ${request.method} ${request.url.split('?')[0]}.`));
  });
}

/**
 * The router's own refusals, before any route runs (fastify's `frameworkErrors`): a URL that is
 * not valid percent-encoding (400) and a path parameter over the length limit (414), in the
 * contract's error body.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.code(414).send(errorBody('uri_too_long', 'La dirección de la petición es demasiado larga.'));
    return;
  }
  void reply.code(400).send(errorBody('invalid_path', 'La dirección de la petición no es válida (codificación % incorrecta).'));
}

const clientErrors: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'La petición tardó demasiado en llegar.'],
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'Los encabezados de la petición son demasiado grandes.'],
  HPE_URI_TOO_LONG: [414, 'uri_too_long', 'La dirección de la petición es demasiado larga.'],
};

/** Requests Node cannot even parse (fastify's `clientErrorHandler`): the same error body, then the connection closes. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = clientErrors[error.code ?? ''] ?? [400, 'bad_request', 'La petición HTTP no es válida.'];
  const body = JSON.stringify(errorBody(code, message));
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
