// The rule of domain/visibility.ts (when a proposal becomes public) in SQL, for the queries that
// filter lists, reports, feeds and notices: adopted, or its timeline has an entry in the
// consultation stage. Each takes the proposal's id (and status) column, so raw queries with an
// alias use it too.
import { sql, type SQL } from 'drizzle-orm';
import { publicFromStage, publicStatuses } from '../domain/visibility';
import type { proposals } from './schema';

type Column = SQL | typeof proposals.id | typeof proposals.status;

/** The proposal was in `consulta` at some point: `ProposalPublicity.reachedConsultation`. */
export const reachedConsultationSql = (id: Column) =>
  sql<boolean>`exists (select 1 from proposal_timeline pt where pt.proposal_id = ${id} and pt.stage = ${publicFromStage})`;

/** `isPublic` of domain/visibility.ts. */
export const publicProposalSql = (id: Column, status: Column) =>
  sql`(${status} in (${sql.join(publicStatuses.map((s) => sql`${s}`), sql`, `)}) or ${reachedConsultationSql(id)})`;
