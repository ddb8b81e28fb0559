// What the API reads for most requests, run on each connection of the pool before it listens
// (db/client.ts, warm): a token looked up, a page of proposals, a search and a page of tasks.
import type { Db } from '../db/client';
import { listProposals } from '../db/proposals';
import { listTasks } from '../db/tasks';
import { findUserByTokenHash } from '../db/users';

export async function warmReads(db: Db): Promise<void> {
  await findUserByTokenHash(db, '');
  await listProposals(db, { limit: 1 });
  await listProposals(db, { q: 'acuerdo', limit: 1 });
  await listTasks(db, { limit: 1 });
}
