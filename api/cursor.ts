// Page cursors: the position after the last item of a page (newest first, ties broken by id),
// opaque to clients.
import { ApiError } from './errors';

export interface Cursor { createdAt: string; id: string }

export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');

export function decodeCursor(text: string): Cursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [string, string];
    if (typeof id === 'string' && !Number.isNaN(Date.parse(createdAt))) return { createdAt, id };
  } catch { /* answered below */ }
  throw new ApiError(400, 'invalid_query', 'El parámetro «cursor» no es válido: use el nextCursor de la página anterior.', { field: 'cursor', in: 'querystring' });
}
