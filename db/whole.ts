// A proposal or a task read whole: its row with every row that hangs from it, in one statement
// (drizzle's relational query over the relations in db/schema.ts). One statement reads one
// snapshot, on PostgreSQL and on PGlite alike: a sign-off recorded meanwhile shows in the tally,
// the history and the pending list together, or in none of them; and an audit check compares the
// trail with the projection as it stood at one moment.
import { asc, eq } from 'drizzle-orm';
import type { Db } from './client';
import { proposalComments, proposalInputs, proposalRounds, proposals, proposalSignoffs, proposalTimeline, proposalVersions, taskLines, taskProgress, tasks } from './schema';

export function proposalWithRows(db: Db, id: string) {
  return db.query.proposals.findFirst({
    where: eq(proposals.id, id),
    with: {
      versions: { orderBy: asc(proposalVersions.number) },
      timeline: { orderBy: asc(proposalTimeline.seq) },
      inputs: { orderBy: [asc(proposalInputs.at), asc(proposalInputs.id)] },
      signoffs: { orderBy: asc(proposalSignoffs.eventSeq) },
      comments: { orderBy: [asc(proposalComments.at), asc(proposalComments.id)] },
      rounds: { orderBy: asc(proposalRounds.round) },
    },
  });
}

export function taskWithRows(db: Db, id: string) {
  return db.query.tasks.findFirst({ where: eq(tasks.id, id), with: {
    lines: { orderBy: asc(taskLines.institution) },
    progress: { orderBy: asc(taskProgress.eventSeq) },
  } });
}
