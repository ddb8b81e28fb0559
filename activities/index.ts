// Every side effect of the workflows lives here. Activities are built by a factory so the worker
// injects its database and channels and tests inject theirs. Each one is idempotent: Temporal
// retries an activity after a crash at any point, and a retry must never write or send twice.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Db } from '../db/client';
import { calendarViewNow, openDeadlinesFrom, workingCalendarSince } from '../db/non-working-days';
import {
  defaultCloseOfDay, endOfDay, limaDate, limaDay, workingDayFacts, type CalendarView, type IsoDate, type WorkingDayFacts,
} from '../domain/calendar';
import {
  getDeliveries, markAttemptFailed, markFailed, markSending, markSent, openDeliveries, planDailyDigests, recordNotices, type DeliveryRow,
} from '../db/deliveries';
import { coalesced } from '../db/coalesce';
import { monthlyComplianceReport, weeklyDigests } from '../db/digests';
import type { AuditHead, AuditKey } from '../db/audit';
import { writeCheckpoint } from '../db/audit-checkpoints';
import { webhookOf } from '../db/contacts';
import { recordProposalEvents, recordProposalLaunched, type ProposalLaunchedRecord } from '../db/proposals';
import { proposalParticipants } from '../db/registry';
import { failureCode, isPermanentFailure } from '../db/errors';
import { sha256, type ActaSigner } from './acta-signer';
import { actaToSign, agreementTasks, keepSignedActa, sessionDecisionOf, signedActa as signedActaOf, recordSessionConvened, recordSessionEvent, type SessionConvenedRecord, type SessionEventRecord } from '../db/sessions';
import { assignAgreementNumber, recordTaskAssigned, recordTaskEvent, type TaskAssignedRecord } from '../db/tasks';
import type { Notification, ProposalEventRecord } from '../domain/events';
import type { TaskEventRecord } from '../domain/tasks';
import { proposalWorkflowId, recordRefusedType } from '../workflows/messages';
import { taskWorkflowId } from '../workflows/task-messages';
import { calendarChangedSignal } from '../workflows/calendar-messages';
import type { Recording } from '../workflows/recording';
import { ChannelError, postWebhook, type Mailer } from './channels';
import { startDeliveryWorkflow } from '../engine/deliveries';
import { checkProcesses } from '../engine/supervision';
import { WebhookAllowList } from '../domain/webhook-targets';

export interface NotificationChannels {
  /** Null when email is off (production without SMTP_URL): only the inbox and webhooks. */
  mailer: Mailer | null;
  /** The web address of the Mesa, for the links in every message. */
  publicUrl: string;
  /** MESA_WEBHOOK_ALLOW: private or local webhook targets accepted anyway. */
  webhookAllow?: readonly string[];
}

export interface ActivityDeps {
  db: Db;
  /** Who signs approved actas (activities/acta-signer.ts); without one they stay approved and unsigned. */
  actaSigner?: ActaSigner | null;
  channels: NotificationChannels;
  /** MESA_AUDIT_KEY, which seals the audit trails, and where signed checkpoints of their heads go. */
  audit: { key: AuditKey; checkpointDir: string | null };
  /** MESA_CLOSE_OF_DAY: when a deadline in days ends, Lima time (17:00 when absent). */
  closeOfDay?: string;
}

/**
 * Runs a write; a failure that no retry can cure (db/errors.ts) becomes non-retryable, so the
 * workflow hears of it at once instead of waiting on a write that will never pass. Transient
 * failures are thrown as they are, and Temporal retries them.
 */
async function once<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (!isPermanentFailure(e)) throw e;
    throw ApplicationFailure.nonRetryable(`La base de datos rechazó el registro (código ${failureCode(e)}).`, recordRefusedType, failureCode(e));
  }
}

export function createActivities({ db, channels, audit, actaSigner = null, closeOfDay = defaultCloseOfDay }: ActivityDeps) {
  const { mailer, publicUrl } = channels;
  const plan = { publicUrl, email: mailer !== null };
  const webhookAllow = new WebhookAllowList(channels.webhookAllow);

  /** Starts each notification's delivery workflow once; a retry finds it started (or done) and leaves it. */
  async function startDeliveries(keys: string[]): Promise<void> {
    const { client, info } = Context.current();
    for (const key of keys) await startDeliveryWorkflow(client, info.taskQueue, `entregas:${key}`, { key });
  }

  /** Starts the deliveries of what was written; the workflow gets the rest of the answer. */
  async function delivered({ keys, ...recording }: Recording & { keys: string[] }): Promise<Recording> {
    await startDeliveries(keys);
    return recording;
  }

  async function sendWebhook(institution: string, body: string, deliveryId: string, event: string): Promise<string> {
    const webhook = await webhookOf(db, institution);
    if (!webhook) throw new ChannelError(`La institución ${institution} ya no tiene webhook configurado.`, true);
    return postWebhook({ url: webhook.url, secret: webhook.secret, body, deliveryId, event, signal: Context.current().cancellationSignal, allow: webhookAllow });
  }

  return {
    // Each record writes its event and notices in one transaction, then starts the delivery of
    // the notices that have email or webhooks; a retry gets the same keys back and starts what a
    // crash left unstarted. Each answers with the audit trail's head after its events, which the
    // workflow keeps as an anchor outside the database, and with the events the database refused
    // (each one refused alone, the others recorded).
    async recordProposalLaunched(record: ProposalLaunchedRecord): Promise<AuditHead | null> {
      return (await delivered(await once(() => recordProposalLaunched(db, audit.key, record, plan)))).head;
    },
    /** Events the workflow recorded while the previous group was being written: one transaction. */
    async recordProposalEvents({ events }: { events: ProposalEventRecord[] }): Promise<Recording> {
      return delivered(await once(() => recordProposalEvents(db, audit.key, events, plan)));
    },
    /** One event alone: what workflows recorded before events went in groups still call. */
    async recordProposalEvent(event: ProposalEventRecord): Promise<Recording> {
      return delivered(await once(() => recordProposalEvents(db, audit.key, [event], plan)));
    },
    async proposalParticipants(p: { leadWorkingGroup: string; workingGroups: string[] }) {
      return proposalParticipants(db, p);
    },
    async assignAgreementNumber({ proposalId, at }: { proposalId: string; at: string }): Promise<string> {
      return assignAgreementNumber(db, proposalId, new Date(at));
    },
    async recordTaskAssigned(record: TaskAssignedRecord): Promise<AuditHead | null> {
      return (await delivered({ ...await once(() => recordTaskAssigned(db, audit.key, record, plan)), rejected: [] })).head;
    },
    async recordTaskEvent(event: TaskEventRecord): Promise<Recording> {
      const { rejected, ...written } = await once(() => recordTaskEvent(db, audit.key, event, plan));
      return delivered({ ...written, rejected: rejected ? [rejected] : [] });
    },
    async recordSessionConvened(record: SessionConvenedRecord): Promise<Recording> {
      return delivered({ ...await once(() => recordSessionConvened(db, audit.key, record, plan)), rejected: [] });
    },
    async recordSessionEvent(event: SessionEventRecord): Promise<Recording> {
      return delivered({ ...await once(() => recordSessionEvent(db, audit.key, event, plan)), rejected: [] });
    },
    /**
     * Signs the approved acta once and keeps the signed PDF; a retry finds it kept and answers
     * with its SHA-256, which the session's audit trail then records.
     */
    async signActa({ sessionId, at }: { sessionId: string; at: string }): Promise<{ sha256: string; signer: string }> {
      const kept = await signedActaOf(db, sessionId);
      if (kept) return { sha256: kept.sha256, signer: kept.signer };
      if (!actaSigner) throw ApplicationFailure.nonRetryable('Este worker no tiene con qué firmar actas (MESA_ACTA_P12).', 'SinFirmaDeActas');
      const acta = await actaToSign(db, sessionId);
      if (!acta) throw ApplicationFailure.nonRetryable(`La sesión ${sessionId} no tiene acta.`, 'SinActa');
      const signingTime = new Date(at);
      const pdf = await actaSigner.sign({
        text: acta.text, title: `Acta de la sesión ${acta.session.kind} de la MTIGM`, reason: `Acta aprobada (versión ${acta.version})`,
        location: acta.session.place ?? 'Lima, Perú', signingTime,
      });
      const stored = (await keepSignedActa(db, { sessionId, version: acta.version, pdf, sha256: sha256(pdf), signer: actaSigner.signerName, signedAt: signingTime }))!;
      return { sha256: stored.sha256, signer: stored.signer };
    },
    /** What a session decided on a proposal, as its record says: what the proposal's workflow acts on. */
    async sessionDecision({ sessionId, n, proposalId }: { sessionId: string; n: number; proposalId: string }) {
      return sessionDecisionOf(db, sessionId, n, proposalId);
    },
    /** The tasks each agreement adopted in the session created, for its acta. */
    async sessionAgreementTasks({ sessionId }: { sessionId: string }): Promise<Record<number, string[]>> {
      return agreementTasks(db, sessionId);
    },
    /**
     * A signed checkpoint of every trail's head, appended to the checkpoint folder (outside the
     * database); nothing when no head moved since the last one. Run by the schedule
     * mesa-sello-auditoria.
     */
    async writeAuditCheckpoint(): Promise<{ written: boolean; heads: number }> {
      if (!audit.checkpointDir) throw ApplicationFailure.nonRetryable('Este worker no tiene carpeta de puntos de control (MESA_AUDIT_CHECKPOINT_DIR).', 'SinCarpetaDeSellos');
      return writeCheckpoint(db, audit.key, audit.checkpointDir);
    },
    /**
     * Tells every open proposal and task whose deadline may include the added days
     * (docs/domain.md#calendario-y-plazos); the number told. Safe to run again: each process counts
     * its deadline again from its own start on the calendar it reads, so a second signal moves nothing.
     */
    async moveOpenDeadlines({ dates }: { dates: IsoDate[] }): Promise<number> {
      if (dates.length === 0) return 0;
      const { proposalIds, taskIds } = await openDeadlinesFrom(db, endOfDay([...dates].sort()[0]!, '00:00'));
      const { client } = Context.current();
      let told = 0;
      for (const workflowId of [...proposalIds.map(proposalWorkflowId), ...taskIds.map(taskWorkflowId)]) {
        try {
          await client.workflow.getHandle(workflowId).signal(calendarChangedSignal, { dates });
          told++;
        } catch (e) {
          // Closed since the projection was read: nothing left to move.
          if (!(e instanceof WorkflowNotFoundError)) throw e;
        }
      }
      return told;
    },
    /**
     * Where a day stands on the calendar, for the periodic workflows: the digests and the report go
     * out on the first working day of their week or month (docs/domain.md#calendario-y-plazos).
     */
    async workingDayFacts({ at }: { at: string }): Promise<WorkingDayFacts> {
      const today = limaDate(new Date(at));
      const calendar = await workingCalendarSince(db, limaDay(today).minus({ days: 40 }).toISODate()!);
      return workingDayFacts(calendar, today);
    },

    /**
     * The calendar a process counts its deadlines in days on (docs/domain.md#calendario-y-plazos):
     * the recorded non-working days from a year back, and the close of day. Its answer is kept in
     * the workflow's history, so replay never reads today's table.
     */
    async workingCalendar(): Promise<CalendarView> {
      return calendarViewNow(db, closeOfDay);
    },

    async weeklyDigests({ key }: { key: string }): Promise<Notification[]> {
      return weeklyDigests(db, key);
    },
    async monthlyComplianceReport({ key }: { key: string }): Promise<Notification> {
      return monthlyComplianceReport(db, key);
    },
    /**
     * A notice that no event carries (reminders, escalations): the inbox at once, then email and
     * webhooks through a delivery workflow of their own, so a slow or absent receiver never
     * holds up the process that notified.
     */
    async notify(n: Notification): Promise<void> {
      await startDeliveries(await recordNotices(db, [n], new Date(), plan));
    },
    async dailyDigests({ key, since, until }: { key: string; since: string; until: string }): Promise<number> {
      const planned = await planDailyDigests(db, key, new Date(since), new Date(until), publicUrl);
      if (planned > 0) await startDeliveries([key]);
      return planned;
    },
    async openDeliveries({ key, ids }: { key: string; ids?: string[] }) {
      return openDeliveries(db, key, ids);
    },
    /**
     * Sends a batch of deliveries (the emails of one notification, or one webhook). Each is marked
     * `enviando` before the send and `enviada` as soon as its receiver accepts it, not when the
     * whole batch is done: a worker that dies mid-batch leaves at most the messages in flight
     * unmarked. A retry asks the channel whether those arrived where it can tell (the folder
     * catcher), and otherwise sends them again with the same Message-ID or delivery id, so a
     * message is never skipped and a receiver can recognize a repeat. A retry never sends again
     * what is marked sent. A send that failed but may pass later is marked `reintentando`, with
     * its reason.
     */
    async deliver({ ids, generation = 0 }: { ids: string[]; generation?: number }): Promise<{ sent: number; failed: number }> {
      // A delivery the secretariat sent again belongs to the workflow of its latest generation:
      // an earlier one, waking up to retry, leaves it alone instead of sending it twice.
      const open = (await getDeliveries(db, ids)).filter((d) => d.status !== 'enviada' && d.status !== 'fallida' && d.retries === generation);
      const arrived: Array<{ id: string; response: string }> = [];
      const todo: DeliveryRow[] = [];
      for (const d of open) {
        // After an attempt (interrupted, or failed after the server may have taken it), ask first.
        const attempted = d.status === 'enviando' || d.status === 'reintentando';
        if (attempted && d.channel === 'email' && await mailer?.alreadyDelivered?.(d.messageId)) arrived.push({ id: d.id, response: 'ya había llegado' });
        else todo.push(d);
      }
      await markSent(db, arrived, new Date());
      await markSending(db, todo.map((d) => d.id));
      // Async, so a refusal thrown before any send (email off) is this delivery's failure, not
      // the whole batch's.
      const send = async (d: DeliveryRow): Promise<string> => {
        if (d.channel === 'webhook') return sendWebhook(d.recipient, d.text, d.messageId, d.kind);
        if (!mailer) throw new ChannelError('El correo no está configurado (SMTP_URL).', true);
        return mailer.send({ to: d.recipient, subject: d.subject, text: d.text, html: d.html ?? '', messageId: d.messageId, calendar: d.calendar });
      };
      // Each message is marked sent as soon as its server has taken it (a crash then resends only
      // the unmarked); the marks that come in while one is being written go together in the next.
      const markOne = coalesced((batch: Array<{ id: string; response: string }>) => markSent(db, batch, new Date()));
      const outcomes = await Promise.allSettled(todo.map(async (d) => markOne({ id: d.id, response: await send(d) })));
      const refused: Array<{ id: string; error: string }> = [];
      const retry: Array<{ id: string; error: string }> = [];
      let sent = arrived.length;
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.status === 'fulfilled') {
          sent += 1;
          continue;
        }
        const error = outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
        (error instanceof ChannelError && error.permanent ? refused : retry).push({ id: todo[i]!.id, error: error.message });
      }
      // The failures are marked together, in two statements, whatever the batch's size.
      await Promise.all([markFailed(db, refused, generation), markAttemptFailed(db, retry, generation)]);
      const failed = refused.length;
      // Per channel, for the worker's metrics (mesa_deliveries_sent, mesa_deliveries_failed).
      const meter = Context.current().metricMeter;
      for (const [i, outcome] of outcomes.entries()) {
        const name = outcome.status === 'fulfilled' ? 'mesa_deliveries_sent' : 'mesa_deliveries_failed';
        meter.createCounter(name, 'envíos', outcome.status === 'fulfilled' ? 'Envíos aceptados por su receptor.' : 'Intentos de envío fallidos.').add(1, { channel: todo[i]!.channel });
      }
      if (retry.length) throw ApplicationFailure.retryable(`${retry.length} de ${todo.length} envío(s) fallaron y se reintentarán: ${retry[0]!.error}`, 'EntregaFallida');
      return { sent, failed };
    },
    /** The periodic check for stopped processes (engine/supervision.ts): how many are stopped. */
    async checkProcesses(): Promise<{ stopped: number }> {
      return { stopped: (await checkProcesses(db, Context.current().client)).stopped.length };
    },
    async markDeliveriesFailed({ ids, reason, generation = 0 }: { ids: string[]; reason: string; generation?: number }): Promise<void> {
      await markFailed(db, ids.map((id) => ({ id, error: reason })), generation);
    },
  };
}

