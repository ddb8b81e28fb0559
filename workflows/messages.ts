// The proposal workflow's messages, declared once and shared by the workflow and its callers
// (api/), so a name or a type can never drift between the two sides.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AuditHead } from '../db/audit';
import type { Position } from '../domain/decision';
import type { InputDecision, InputKind, WorkingGroupDecision } from '../domain/events';
import type { MetadataChanges } from '../domain/proposal';
import type { Actor } from '../processes/common';
import type { ProcessStage, ProposalStage, ProposalStatus } from '../domain/vocabulary';

export { refusals, type Actor } from '../processes/common';

export type { ProposalInput } from '../processes/proposal';

/** Where a proposal stands, as the workflow itself knows it. */
export interface ProposalState {
  status: ProposalStatus;
  stage: ProposalStage;
  currentVersion: number;
  deadlines: Partial<Record<ProcessStage, string>>;
  /** True once the launch is in the database, i.e. visible to every reader. */
  recorded: boolean;
  round: number;
  pendingFor: string[];
  /** The audit trail's last entry as the recording activities answered it: an anchor outside the database. */
  auditHead?: AuditHead | null;
}

export const proposalWorkflowId = (proposalId: string) => `proposal-${proposalId}`;

/**
 * Sent together with the workflow's start (update-with-start): it returns only once the launch
 * is recorded in the database, so the API's 201 means "launched and visible". An update, not a
 * signal, because the caller needs that answer; and a retried launch simply attaches to the
 * workflow that already exists and gets the same answer.
 */
export const launchRecordedUpdate = defineUpdate<ProposalState>('launchRecorded');

/** Every action below answers once its event is in the database: `seq` is that event. */
export interface Recorded { seq: number }

export const workingGroupDecisionUpdate = defineUpdate<Recorded, [{ actor: Actor; decision: WorkingGroupDecision; reason: string }]>('workingGroupDecision');
export const submitInputUpdate = defineUpdate<Recorded & { inputId: string }, [{ actor: Actor; kind: InputKind; text: string; paragraph?: number }]>('submitInput');
/** `correction: true` changes an answer already given; without it an input is answered once. */
export const answerInputUpdate = defineUpdate<Recorded, [{ actor: Actor; inputId: string; decision: InputDecision; reason: string; correction?: boolean }]>('answerInput');
export const publishVersionUpdate = defineUpdate<Recorded & { number: number }, [{ actor: Actor; text: string; changeSummary: string }]>('publishVersion');
export const advanceUpdate = defineUpdate<Recorded, [{ actor: Actor }]>('advance');
export const signoffUpdate = defineUpdate<Recorded & { institution: string; position: Position; comment: string | null; version: number; at: string }, [{ actor: Actor; position: Position; comment?: string }]>('signoff');
export const commentUpdate = defineUpdate<Recorded & { commentId: string }, [{ actor: Actor; text: string }]>('comment');
export const withdrawUpdate = defineUpdate<Recorded, [{ actor: Actor; reason: string }]>('withdraw');
/** Corrects how the proposal is described (domain/proposal.ts correctableFields); the reason is required. */
export const correctMetadataUpdate = defineUpdate<Recorded, [{ actor: Actor; changes: MetadataChanges; reason: string }]>('correctMetadata');

export const stateQuery = defineQuery<ProposalState>('state');

/** The failure type of an activity whose write the database refused for good (see db/errors.ts). */
export const recordRefusedType = 'RegistroRechazado';
