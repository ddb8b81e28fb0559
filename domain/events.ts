// What the proposal workflow tells the database: one event per state change, with the rows it
// adds and the proposal's state after it. Pure types, shared by the workflow and the activities.
import type { Decision, Position } from './decision';
import type { MetadataChanges } from './proposal';
import type { ProcessStage, ProposalStage, ProposalStatus } from './vocabulary';

export const inputKinds = ['comentario', 'cambio'] as const;
export type InputKind = (typeof inputKinds)[number];

export const inputDecisions = ['acogida', 'parcialmente_acogida', 'no_acogida'] as const;
export type InputDecision = (typeof inputDecisions)[number];

export const workingGroupDecisions = ['avanzar', 'devolver', 'rechazar'] as const;
export type WorkingGroupDecision = (typeof workingGroupDecisions)[number];

/**
 * What happened, as a proposal's timeline and the audit trails of proposals and tasks record it
 * (besides `version_<n>`, the publication of a version, and `datos_corregidos:<fields>`, a correction
 * naming the fields it changed). Their words are in domain/catalogue.ts.
 */
export const timelineEvents = [
  'lanzada', 'etapa_abierta', 'grupo_avanza', 'grupo_devuelve', 'grupo_rechaza', 'aporte', 'aporte_respondido', 'respuesta_corregida',
  'comentario', 'nueva_version', 'consulta_cerrada', 'conformidad', 'conformidad_cambiada', 'conformidad_tacita', 'prorroga', 'plazo_vencido', 'plazo_movido',
  'adoptada', 'observada', 'rechazada', 'retirada', 'cerrada_tras_detencion', 'estado_restablecido', 'registro_rechazado', 'datos_corregidos',
  'asignada', 'aceptada', 'nueva_fecha_solicitada', 'reasignacion_solicitada', 'solicitud_concedida', 'solicitud_denegada', 'avance',
  'completada', 'verificada', 'devuelta', 'vencida',
] as const;
export type TimelineEvent = (typeof timelineEvents)[number];

export interface DecisionRecord extends Decision {
  rule: string;
  round: number;
  version: number;
  at: string;
  /** Set when a plenary session decided it (docs/domain.md#decisiones-en-sesion): which session, which item. */
  session?: { id: string; n: number };
}

/** The proposal row after an event: applied only if no later event was applied first. */
export interface ProposalSnapshot {
  status: ProposalStatus;
  stage: ProposalStage;
  currentVersion: number;
  deadlines: Partial<Record<ProcessStage, string>>;
  pendingFor: string[];
  round: number;
  consultationOpen: boolean;
  number: string | null;
  decision: DecisionRecord | null;
  tasks: string[];
}

export type ProposalEffect =
  | { kind: 'version'; number: number; text: string; changeSummary: string }
  | { kind: 'input'; id: string; institution: string; inputKind: InputKind; text: string; paragraph: number | null; version: number }
  | { kind: 'answer'; inputId: string; decision: InputDecision; reason: string }
  | { kind: 'signoff'; round: number; version: number; institution: string; position: Position; comment: string | null; tacit: boolean }
  | { kind: 'comment'; id: string; institution: string; userId: string; text: string; version: number }
  | { kind: 'timeline'; stage: ProposalStage; event: string }
  | { kind: 'round'; round: number; version: number; members: string[]; deadline: string }
  /** A correction of the proposal's description (docs/domain.md#correccion-de-datos): the new values. */
  | { kind: 'metadata'; changes: MetadataChanges };

/** One event of a process as its workflow records it: what happened, its effects on the projection and its notices. */
export interface ProcessEventRecord<Effect, Snapshot> {
  /** The workflow's own count of events: the event's identity, so a retry never writes twice. */
  seq: number;
  at: string;
  actor: { userId: string | null; institution: string | null };
  action: string;
  data: Record<string, unknown>;
  effects: Effect[];
  snapshot: Snapshot;
  /** What the event tells institutions: recorded with it, in the same transaction. */
  notices?: Notification[];
}

export interface ProposalEventRecord extends ProcessEventRecord<ProposalEffect, ProposalSnapshot> {
  proposalId: string;
}

export interface Notification {
  /** Unique per event: with the recipient, what makes a delivery happen once. */
  key: string;
  recipients: string[];
  kind: string;
  title: string;
  proposalId?: string;
  taskId?: string;
  sessionId?: string;
  /** A session's calendar invitation goes with the email: a new or changed one, or its cancellation. */
  invitation?: 'REQUEST' | 'CANCEL';
}
