// Page cursors (db/paging.ts) as opaque text for clients.
import type { Cursor } from '../db/paging';
import { ApiError } from './errors';

export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');

export function decodeCursor(text: string): Cursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [string, string];
    if (typeof id === 'string' && !Number.isNaN(Date.parse(createdAt))) return { createdAt, id };
  } catch { /* answered below */ }
  throw new ApiError(400, 'invalid_query', 'El parámetro «cursor» no es válido: use el nextCursor de la página anterior.', { field: 'cursor', in: 'querystring' });
}
