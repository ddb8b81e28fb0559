// Every side effect of the workflows lives here. Activities are built by a factory so the worker
// injects its database and tests inject theirs. Each one is idempotent: Temporal retries an
// activity after a crash at any point, and a retry must never write twice.
import type { Db } from '../db/client';
import { recordProposalLaunched, type ProposalLaunchedRecord } from '../db/proposals';

export interface ActivityDeps {
  db: Db;
}

export function createActivities({ db }: ActivityDeps) {
  return {
    async recordProposalLaunched(record: ProposalLaunchedRecord): Promise<void> {
      await recordProposalLaunched(db, record);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
