// Keyset paging shared by the lists: newest first, ties broken by id, so a page never shifts
// when rows are added meanwhile (unlike OFFSET) and every page is an index range scan.
import { and, eq, lt, or, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

export interface Cursor { createdAt: string; id: string }

/** Rows after the cursor. */
export function after(createdAt: PgColumn, id: PgColumn, cursor: Cursor): SQL {
  const at = new Date(cursor.createdAt);
  return or(lt(createdAt, at), and(eq(createdAt, at), lt(id, cursor.id)))!;
}

/** A page from `limit + 1` rows: the extra row only says there is a next page. */
export function page<T extends { createdAt: string; id: string }>(items: T[], limit: number): { items: T[]; next: Cursor | null } {
  const shown = items.slice(0, limit);
  const last = shown.at(-1);
  return { items: shown, next: items.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}
