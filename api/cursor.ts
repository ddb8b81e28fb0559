// Page cursors (db/paging.ts) as opaque text for clients.
import type { Cursor } from '../db/paging';
import { ApiError } from './errors';

export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');

// Instants PostgreSQL can compare: a cursor only ever holds a row's creation time, so anything
// outside years 1970–9999 was made up and would only fail in the database.
const earliest = 0;
const latest = Date.UTC(10000, 0, 1);

export function decodeCursor(text: string): Cursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [string, string];
    const at = typeof createdAt === 'string' ? Date.parse(createdAt) : Number.NaN;
    // Ids are printable ASCII (prop_…, task_…): a NUL or a control character is no id.
    // Our cursors hold the exact ISO form of a real instant: a 30 February, which Date.parse
    // rolls over, or any other spelling, was not made here.
    if (typeof id === 'string' && /^[\x21-\x7e]{1,200}$/.test(id) && at >= earliest && at < latest && new Date(at).toISOString() === createdAt) {
      return { createdAt, id };
    }
  } catch { /* answered below */ }
  throw new ApiError(400, 'invalid_query', 'El parámetro «cursor» no es válido: use el nextCursor de la página anterior.', { field: 'cursor', in: 'querystring' });
}
