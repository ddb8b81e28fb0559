// How the workflows write to the database and tell institutions. Since the patch
// `registro-agrupado`, a proposal's events go to the database in groups: while one group is being
// written, the events that follow wait and go together in the next, one activity and one
// transaction for all of them (a round where 22 members answer at once takes a few writes, not
// 22). Each event's notices travel in the same write. Notices no event carries (reminders,
// escalations) wait in the workflow's outbox for the `notify` activity. Histories recorded before
// the patch replay the old way: one activity per event, every notice from the outbox after it.
//
// An event the database refuses for what it holds (a write no retry can cure) fails alone: the
// activity reports it, the other events of its group are recorded, and the action that made it
// is refused to its caller with `refusals.rejected` (see recordRefused).
import { ActivityFailure, ApplicationFailure, patched } from '@temporalio/workflow';
import type { AuditHead } from '../db/audit';
import type { Notification } from '../domain/events';
import type { Notice } from '../processes/common';
import { recordRefusedType, refusals } from './messages';

export type { Notice } from '../processes/common';

/**
 * True from the patch on (and for every workflow started since); false while replaying older
 * histories. Lifecycle (README.md, "Versioning"): becomes `deprecatePatch('registro-agrupado')`,
 * with the old path and tests/histories/v1/ deleted, once no open proposal or task run started
 * before the patch was deployed; the call is removed once none started before that deployment.
 */
export const groupedRecording = () => patched('registro-agrupado');

/**
 * The notification of `notice`, keyed by the subject's event `seq` (and a tag, for reminders):
 * with the recipient, what makes each message be delivered once.
 */
export function keyed(prefix: string, seq: number, notice: Notice, about: { proposalId: string; taskId?: string }, tag = ''): Notification {
  return { key: `${prefix}:${seq}:${notice.kind}${tag}`, recipients: [...new Set(notice.recipients)], kind: notice.kind, title: notice.title, ...about };
}

/**
 * An event's notices: what its record carries and what the outbox takes after it (in histories
 * from before the patch, all of them). Synchronous on purpose: in the old path the record must be
 * awaited directly by its caller, as before, so that commands keep their order on replay.
 */
export function splitNotices(notices: Notification[]): { carried: Notification[]; after: Notification[] } {
  const told = notices.filter((n) => n.recipients.length > 0);
  return groupedRecording() ? { carried: told, after: [] } : { carried: [], after: told };
}

/** An event the database refused, as the recording activities report it (db/errors.ts). */
export interface Rejection { seq: number; code: string }

/** The refusal of an action whose event the database would not record: nothing of it was applied. */
export function recordRefused(code: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: refusals.rejected, nonRetryable: true, details: [code],
    message: `La acción no pudo registrarse y no se aplicó: la base de datos rechazó su contenido (código ${code}). Revise el texto enviado; el resto del proceso sigue su curso.`,
  });
}

/** A recording activity that failed for good (not retried) becomes the refusal of its action; other errors pass. */
export function asRefusal(e: unknown): unknown {
  const cause = e instanceof ActivityFailure ? e.cause : undefined;
  if (cause instanceof ApplicationFailure && cause.type === recordRefusedType) return recordRefused(String(cause.details?.[0] ?? ''));
  return e;
}

/** True when `e` is the refusal of one action's record: its handler undoes what it changed. */
export const isRecordRefusal = (e: unknown) => e instanceof ApplicationFailure && e.type === refusals.rejected;

/**
 * What a recording activity answers: the events the database refused, and the audit trail's head
 * after them (the workflow keeps it as an anchor outside the database).
 */
export interface Recording { rejected: Rejection[]; head: AuditHead | null }

/** Throws the refusal of the event `seq` if the activity reported it (activities of older workers report nothing). */
export function throwIfRefused(recorded: Recording | void | null, seq: number): void {
  const mine = (recorded?.rejected ?? []).find((r) => r.seq === seq);
  if (mine) throw recordRefused(mine.code);
}

/**
 * Group commit: `add(event)` resolves once the event is written, with what the write of its group
 * answered (the caller finds there whether its own event was refused). Events added while a write
 * is under way go together in the next one, in the order they were added.
 */
export function inGroups<E, R = void>(write: (events: E[]) => Promise<R>): (event: E) => Promise<R> {
  let waiting: Array<{ event: E; done: (result: R) => void; failed: (e: unknown) => void }> = [];
  let writing = false;
  async function drain() {
    writing = true;
    while (waiting.length > 0) {
      const group = waiting;
      waiting = [];
      try {
        const result = await write(group.map((w) => w.event));
        for (const w of group) w.done(result);
      } catch (e) {
        for (const w of group) w.failed(asRefusal(e));
      }
    }
    writing = false;
  }
  return (event) => new Promise<R>((done, failed) => {
    waiting.push({ event, done, failed });
    if (!writing) void drain();
  });
}
