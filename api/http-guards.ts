// Checks and headers every answer gets, pages and API alike, before any route runs.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors';

// C0 controls other than tab, newline and carriage return, DEL, and lone surrogates: no path,
// id or search text holds them, and PostgreSQL cannot store or compare a NUL.
const forbidden = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function decoded(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    // Malformed escapes in a query are read literally by the query parser; the router refuses them in the path.
    return part;
  }
}

/** onRequest: a NUL or another control character anywhere in the path or query is a 400, never a database error. */
export async function refuseControlCharacters(request: FastifyRequest): Promise<void> {
  const url = request.raw.url ?? '';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (forbidden.test(decoded(path))) {
    throw new ApiError(400, 'invalid_path', 'La dirección contiene caracteres no permitidos (caracteres de control).');
  }
  if (q >= 0) {
    for (const pair of url.slice(q + 1).split('&')) {
      const [name = '', value = ''] = pair.split('=', 2);
      if (forbidden.test(decoded(name)) || forbidden.test(decoded(value))) {
        const field = decoded(name).replace(forbidden, '');
        throw new ApiError(400, 'invalid_query', `El parámetro «${field}» contiene caracteres no permitidos (caracteres de control).`, { field, in: 'querystring' });
      }
    }
  }
}

const oneYear = 365 * 24 * 3600;

/**
 * onSend: API answers are never sniffed nor cached (they carry one user's data); over TLS (direct
 * or through a trusted proxy) the browser is told to use nothing but TLS from then on.
 */
export async function securityHeaders(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.url.startsWith('/api/')) {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
  }
  if (request.protocol === 'https') reply.header('strict-transport-security', `max-age=${oneYear}; includeSubDomains`);
}
