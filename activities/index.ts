// Every side effect of the workflows lives here. Activities are built by a factory so the worker
// injects its database and tests inject theirs. Each one is idempotent: Temporal retries an
// activity after a crash at any point, and a retry must never write twice.
import type { Db } from '../db/client';
import { monthlyComplianceReport, weeklyDigests } from '../db/digests';
import { deliverToInbox } from '../db/inbox';
import { recordProposalEvent, recordProposalLaunched, type ProposalLaunchedRecord } from '../db/proposals';
import { proposalParticipants } from '../db/registry';
import { assignAgreementNumber, recordTaskAssigned, recordTaskEvent, type TaskAssignedRecord } from '../db/tasks';
import type { Notification, ProposalEventRecord } from '../domain/events';
import type { TaskEventRecord } from '../domain/tasks';

export interface ActivityDeps {
  db: Db;
}

export function createActivities({ db }: ActivityDeps) {
  return {
    async recordProposalLaunched(record: ProposalLaunchedRecord): Promise<void> {
      await recordProposalLaunched(db, record);
    },
    async recordProposalEvent(event: ProposalEventRecord): Promise<void> {
      await recordProposalEvent(db, event);
    },
    async proposalParticipants(p: { leadWorkingGroup: string; workingGroups: string[] }) {
      return proposalParticipants(db, p);
    },
    async assignAgreementNumber({ proposalId, at }: { proposalId: string; at: string }): Promise<string> {
      return assignAgreementNumber(db, proposalId, new Date(at));
    },
    async recordTaskAssigned(record: TaskAssignedRecord): Promise<void> {
      await recordTaskAssigned(db, record);
    },
    async recordTaskEvent(event: TaskEventRecord): Promise<void> {
      await recordTaskEvent(db, event);
    },
    async weeklyDigests({ key }: { key: string }): Promise<Notification[]> {
      return weeklyDigests(db, key);
    },
    async monthlyComplianceReport({ key }: { key: string }): Promise<Notification> {
      return monthlyComplianceReport(db, key);
    },
    /** The one way a workflow tells institutions something; channels sit behind it. */
    async notify(n: Notification): Promise<void> {
      await deliverToInbox(db, n, new Date());
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
