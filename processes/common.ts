// What every process model (processes/) shares: who acts, what a notice is, and why an action is
// refused, as a plain value. The models know nothing of Temporal; the workflows turn a refusal
// into the ApplicationFailure the API maps to an HTTP status (workflows/refused.ts).
import type { InstitutionKind } from '../domain/vocabulary';

/** Who acts: the API passes the authenticated user; the process decides what they may do. */
export interface Actor {
  userId: string;
  institution: string;
  kind: InstitutionKind;
}

/**
 * Why an action is refused, as ApplicationFailure types: the API maps them to HTTP statuses
 * (403, 409, 422) and shows the message as it is.
 */
export const refusals = {
  forbidden: 'Forbidden', conflict: 'Conflict', rule: 'BusinessRule', notFound: 'NotFound',
  /** The update does not carry the API's valid signature of who acts (403). */
  untrusted: 'UntrustedActor',
  /** A field breaks the text, date or code rules (400); the failure's details name the field. */
  invalid: 'InvalidInput',
  /** The database refused to record the action (422): nothing of it was applied. */
  rejected: 'RecordRejected',
} as const;

export type RefusalType = (typeof refusals)[keyof typeof refusals];

/** A refused action: its type, the sentence shown to the person, and (for bad input) the field. */
export class Refusal extends Error {
  constructor(readonly type: RefusalType, message: string, readonly details?: string[]) {
    super(message);
    this.name = 'Refusal';
  }
}

export function refuse(type: RefusalType, message: string, details?: string[]): never {
  throw new Refusal(type, message, details);
}

/** Runs a validator's checks, which throw at the first problem, and answers that problem (or null). */
export function firstRefusal(checks: () => void): Refusal | null {
  try {
    checks();
    return null;
  } catch (e) {
    if (e instanceof Refusal) return e;
    throw e;
  }
}

/** What a process tells institutions: a kind of the catalogue, to whom, and its title. */
export interface Notice { kind: string; recipients: string[]; title: string }

/** A deep copy of plain state (JSON values only), so a model never changes what it was given. */
export const copied = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
