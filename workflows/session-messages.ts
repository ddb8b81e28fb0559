// The session workflow's messages, declared once and shared by the workflow and the API.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AuditHead } from '../db/audit';
import type { Position } from '../domain/decision';
import type { Representative, SessionSetup, SessionState } from '../processes/session';
import type { Actor, Recorded } from './messages';

export interface SessionInput {
  setup: SessionSetup;
  convenedBy: { userId: string; institution: string };
  /** Set when the workflow continues as new: where the previous run left the session. */
  resume?: { state: SessionState; seq: number; auditHead: AuditHead | null };
}

export const sessionWorkflowId = (sessionId: string) => `session-${sessionId}`;

/** Sent with the workflow's start: answers once the convocation is recorded (a 201 means visible). */
export const sessionConvenedUpdate = defineUpdate<Recorded>('sessionConvened');

export const confirmAttendanceUpdate = defineUpdate<Recorded, [{ actor: Actor; attends: boolean; representative?: Representative | null }]>('confirmAttendance');
/** Refused with 409 when there is no quorum, but recorded: that starts the second call, or suspends. */
export const openSessionUpdate = defineUpdate<Recorded, [{ actor: Actor; present: string[] }]>('openSession');
export const sessionPositionUpdate = defineUpdate<Recorded, [{ actor: Actor; n: number; position: Position; comment?: string; institution?: string }]>('sessionPosition');
export const closeItemUpdate = defineUpdate<Recorded, [{ actor: Actor; n: number; summary: string }]>('closeItem');
export const deferItemUpdate = defineUpdate<Recorded, [{ actor: Actor; n: number; reason: string }]>('deferItem');
export const reorderAgendaUpdate = defineUpdate<Recorded, [{ actor: Actor; order: number[] }]>('reorderAgenda');
export const rescheduleSessionUpdate = defineUpdate<Recorded, [{ actor: Actor; startsAt: string; minimumStart: string }]>('rescheduleSession');
export const cancelSessionUpdate = defineUpdate<Recorded, [{ actor: Actor; reason: string }]>('cancelSession');
export const closeSessionUpdate = defineUpdate<Recorded, [{ actor: Actor; observationDeadline: string }]>('closeSession');
export const observeActaUpdate = defineUpdate<Recorded, [{ actor: Actor; text: string }]>('observeActa');
export const conformActaUpdate = defineUpdate<Recorded, [{ actor: Actor }]>('conformActa');
export const correctActaUpdate = defineUpdate<Recorded, [{ actor: Actor; text: string; changeSummary: string }]>('correctActa');
export const approveActaUpdate = defineUpdate<Recorded, [{ actor: Actor }]>('approveActa');

export const sessionStateQuery = defineQuery<SessionState & { auditHead: AuditHead | null }>('sessionState');

/**
 * To a proposal's workflow, from the session that decided it: a nudge, not a proof. A signal
 * because the session workflow cannot sign an update as the API does (workflows/actor-proof.ts);
 * what counts is the session's record, which the proposal reads from the database before acting.
 */
export const decidedInSessionSignal = defineSignal<[{ sessionId: string; n: number }]>('decidedInSession');
