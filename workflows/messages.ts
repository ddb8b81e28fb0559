// The proposal workflow's messages, declared once and shared by the workflow and its callers
// (api/), so a name or a type can never drift between the two sides.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ProposalPlan } from '../domain/proposal';
import type { ProcessStage, ProposalStage, ProposalStatus } from '../domain/vocabulary';

export interface ProposalInput {
  proposalId: string;
  plan: ProposalPlan;
  launchedBy: { userId: string; institution: string };
}

/** Where a proposal stands, as the workflow itself knows it. */
export interface ProposalState {
  status: ProposalStatus;
  stage: ProposalStage;
  currentVersion: number;
  deadlines: Partial<Record<ProcessStage, string>>;
  /** True once the launch is in the database, i.e. visible to every reader. */
  recorded: boolean;
}

export const proposalWorkflowId = (proposalId: string) => `proposal-${proposalId}`;

/**
 * Sent together with the workflow's start (update-with-start): it returns only once the launch
 * is recorded in the database, so the API's 201 means "launched and visible". An update, not a
 * signal, because the caller needs that answer; and a retried launch simply attaches to the
 * workflow that already exists and gets the same answer.
 */
export const launchRecordedUpdate = defineUpdate<ProposalState>('launchRecorded');

export const stateQuery = defineQuery<ProposalState>('state');
