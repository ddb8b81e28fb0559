// A process model's refusal (processes/common.ts) as the failure an update validator throws: a
// refused update never enters history, and the API maps the failure's type to an HTTP status.
import { ApplicationFailure } from '@temporalio/workflow';
import type { Refusal } from '../processes/common';

export function asFailure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: refusal.type, message: refusal.message, nonRetryable: true, ...(refusal.details ? { details: refusal.details } : {}),
  });
}

/** Throws the refusal, if any, as the validator's failure. */
export function admit(refusal: Refusal | null): void {
  if (refusal) throw asFailure(refusal);
}
