// Deliveries: each notification turned into one record per recipient and channel (email address
// or institution webhook), rendered once and then sent by the delivery workflow. The record is
// what makes a message go out once: planned idempotently, marked before and after each send.
import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, lt, notInArray, sql, type SQL } from 'drizzle-orm';
import { kindTitle, valueLabel } from '../domain/catalogue';
import { secretariat } from '../domain/registry-codes';
import { sessionInvitationIcs } from '../domain/session-ics';
import type { Notification } from '../domain/events';
import { escalationKinds, pageUrl, renderNotice, type DeliveryChannel, type DeliveryStatus, type DigestLine } from '../domain/notices';
import { mayBeToldAbout, type ProposalPublicity } from '../domain/visibility';
import type { Db } from './client';
import { awaitingEach, deliverToInbox, type Awaiting } from './inbox';
import { after, page, type Cursor } from './paging';
import { reachedConsultationSql } from './visibility';
import { contacts, deliveries, inboxItems, institutions, proposals, sessionItems, sessions, tasks, users } from './schema';
import { together } from './errors';

export interface PlanOptions {
  /** Where the pages live, for the links in each message. */
  publicUrl: string;
  /** False when no mail transport is configured: email deliveries are not planned at all. */
  email: boolean;
}

type NewDelivery = typeof deliveries.$inferInsert;

export const deliveryId = (key: string, channel: DeliveryChannel, recipient: string) => `${key}|${channel}|${recipient}`;

/** What the receiver sees as the message's identity, the same on every attempt (RFC 5322 Message-ID for email). */
export function messageIdOf(id: string, channel: DeliveryChannel): string {
  const h = createHash('sha256').update(id).digest('hex').slice(0, 40);
  return channel === 'email' ? `<${h}@mesa.mtigm>` : h;
}

/** Notifications whose deadline the recipient is asked to meet: which deadline it is. */
const proposalDeadlineKinds = new Set(['revision_grupo', 'consulta_abierta', 'revision', 'conformidad_solicitada', 'informacion', 'recordatorio']);
const taskDeadlineKinds = new Set(['tarea_asignada', 'solicitud_decidida', 'tarea_por_vencer', 'tarea_vencida', 'tarea_devuelta']);

/** The addresses that receive an institution's messages as they happen, lower-cased, without repeats. */
function immediateAddresses(kind: string, c: typeof contacts.$inferSelect | undefined, people: Array<{ email: string; notifications: string }>): string[] {
  const digestOnly = new Set(people.filter((u) => u.notifications === 'resumen_diario').map((u) => u.email.toLowerCase()));
  const all = [
    c?.titularEmail,
    escalationKinds.has(kind) ? c?.alternoEmail : null,
    ...people.filter((u) => u.notifications === 'inmediato').map((u) => u.email),
  ].filter((a): a is string => Boolean(a)).map((a) => a.toLowerCase());
  // Who chose the daily digest gets this message there, not now.
  return [...new Set(all)].filter((a) => !digestOnly.has(a));
}

/**
 * Renders the notification for each recipient institution and records one delivery per email
 * address and webhook. A retry finds its rows and adds nothing. Returns how many exist for it.
 */
export async function planDeliveries(db: Db, n: Notification, o: PlanOptions): Promise<number> {
  if (n.recipients.length === 0) return 0;
  const cs = await db.select().from(contacts).where(inArray(contacts.institution, n.recipients));
  // Without email and without webhooks there is nothing to render: the inbox already has it.
  if (!o.email && !cs.some((c) => c.webhookUrl)) return 0;
  const [insts, people, proposal, task] = await Promise.all([
    db.select({ code: institutions.code, name: institutions.name, id: institutions.id }).from(institutions).where(inArray(institutions.code, n.recipients)),
    db.select({ email: users.email, notifications: users.notifications, code: institutions.code }).from(users)
      .innerJoin(institutions, eq(institutions.id, users.institutionId)).where(and(inArray(institutions.code, n.recipients), eq(users.active, true))),
    // Only what the message says about the deadline: not the whole row (the plan is the widest column).
    n.proposalId ? db.select({ stage: proposals.stage, deadlines: proposals.deadlines }).from(proposals).where(eq(proposals.id, n.proposalId)).then((r) => r[0]) : undefined,
    n.taskId ? db.select({ dueAt: tasks.dueAt }).from(tasks).where(eq(tasks.id, n.taskId)).then((r) => r[0]) : undefined,
  ]);
  const dueAt = task && taskDeadlineKinds.has(n.kind) ? task.dueAt.toISOString()
    : proposal && proposal.stage !== 'cerrada' && proposalDeadlineKinds.has(n.kind) ? proposal.deadlines[proposal.stage] ?? null
    : null;
  const url = pageUrl(o.publicUrl, n);
  const invitation = n.invitation && n.sessionId && o.email ? await invitationOf(db, n.sessionId, n.invitation, url) : null;

  const waiting = n.kind === 'resumen_semanal' ? await awaitingEach(db, insts.map((i) => i.code)) : null;
  const rows: NewDelivery[] = [];
  for (const inst of insts) {
    const lines = waiting ? digestLines(waiting.get(inst.code)!, o.publicUrl) : undefined;
    const notice = renderNotice({ kind: n.kind, title: n.title, institutionName: inst.name, url, dueAt, ...(lines ? { lines } : {}) });
    const base = { key: n.key, institution: inst.code, kind: n.kind, proposalId: n.proposalId ?? null, taskId: n.taskId ?? null, sessionId: n.sessionId ?? null, subject: notice.subject };
    const c = cs.find((x) => x.institution === inst.code);
    if (o.email) {
      for (const address of immediateAddresses(n.kind, c, people.filter((p) => p.code === inst.code))) {
        const id = deliveryId(n.key, 'email', address);
        rows.push({
          ...base, id, channel: 'email', recipient: address, text: notice.text, html: notice.html, messageId: messageIdOf(id, 'email'),
          calendar: invitation?.({ name: inst.name, email: address }) ?? null,
        });
      }
    }
    if (c?.webhookUrl && c.webhookSecret) rows.push(webhookDelivery(n, inst.code, dueAt, url, base));
  }
  if (rows.length) await db.insert(deliveries).values(rows).onConflictDoNothing();
  return rows.length;
}

/** The webhook's delivery of a notification: the signed JSON body every attempt posts. */
function webhookDelivery(n: Notification, institution: string, dueAt: string | null, url: string, base: Omit<NewDelivery, 'id' | 'channel' | 'recipient' | 'text' | 'messageId'>): NewDelivery {
  const id = deliveryId(n.key, 'webhook', institution);
  const body = JSON.stringify({
    // The code is for the receiving system; eventName says in words what kind of message it is.
    id: messageIdOf(id, 'webhook'), event: n.kind, eventName: kindTitle(n.kind), key: n.key, institution, title: n.title,
    proposalId: n.proposalId ?? null, taskId: n.taskId ?? null, sessionId: n.sessionId ?? null, dueAt, url,
  });
  return { ...base, id, channel: 'webhook', recipient: institution, text: body, html: null, messageId: messageIdOf(id, 'webhook') };
}

/**
 * A test event for the institution's webhook, planned like any notice's webhook delivery (same
 * body, same signature, same workflow), so what the receiver sees is what real notices look like.
 * The same key plans it once. Null when the institution has no webhook.
 */
export async function planWebhookTest(db: Db, institution: string, key: string, publicUrl: string): Promise<string | null> {
  const [c] = await db.select({ url: contacts.webhookUrl, secret: contacts.webhookSecret }).from(contacts).where(eq(contacts.institution, institution));
  if (!c?.url || !c.secret) return null;
  const title = 'Prueba del webhook de la Mesa MTIGM: si la firma es válida, su sistema recibe los avisos.';
  const n: Notification = { key, recipients: [institution], kind: 'prueba_webhook', title };
  const url = `${publicUrl}/ajustes`;
  const row = webhookDelivery(n, institution, null, url, { key, institution, kind: n.kind, proposalId: null, taskId: null, sessionId: null, subject: kindTitle(n.kind) });
  await db.insert(deliveries).values(row).onConflictDoNothing();
  return row.id!;
}

/**
 * The secretariat's "send again" for a delivery that failed or is still retrying: the next
 * generation of the delivery, which a new delivery workflow sends. Only a delivery that is not
 * sent and not already sent again moves on, so two requests at once make one new attempt; the
 * answer is the delivery as it stands, with the generation to send (null when it was sent).
 */
export async function sendAgain(db: Db, id: string): Promise<{ row: DeliveryRow; generation: number | null } | null> {
  await db.update(deliveries).set({ status: 'pendiente', retries: sql`${deliveries.retries} + 1` })
    .where(and(eq(deliveries.id, id), inArray(deliveries.status, ['fallida', 'reintentando'])));
  const [row] = await db.select().from(deliveries).where(eq(deliveries.id, id));
  if (!row) return null;
  // A generation that is pending (just moved, or moved by a request whose workflow did not start) is started again.
  return { row, generation: row.status === 'pendiente' && row.retries > 0 ? row.retries : null };
}

/**
 * The session's invitation for each attendee, as the session stands when the notice is planned:
 * planned once with the notice, so a retried delivery sends the same SEQUENCE.
 */
async function invitationOf(db: Db, sessionId: string, method: 'REQUEST' | 'CANCEL', url: string) {
  const [[session], [organizer], items] = await Promise.all([
    db.select().from(sessions).where(eq(sessions.id, sessionId)),
    db.select({ name: contacts.titularName, email: contacts.titularEmail }).from(contacts).where(eq(contacts.institution, secretariat)),
    db.select({ n: sessionItems.n, title: sessionItems.title }).from(sessionItems).where(eq(sessionItems.sessionId, sessionId)).orderBy(asc(sessionItems.ord)),
  ]);
  if (!session) return null;
  const kind = valueLabel(session.kind);
  return (attendee: { name: string; email: string }) => sessionInvitationIcs({
    sessionId, method, sequence: session.sequence, startsAt: session.startsAt, now: new Date(),
    summary: `Mesa MTIGM: sesión ${kind.toLowerCase()}`,
    description: ['Orden del día:', ...items.map((i) => `${i.n}. ${i.title}`), '', ...(session.videoUrl ? [`Enlace: ${session.videoUrl}`] : []), url].join('\n'),
    location: session.place ?? session.videoUrl, url,
    organizer: organizer ?? { name: 'Secretaría Técnica de la MTIGM', email: 'secretaria@mesa.mtigm' }, attendee,
  });
}

function digestLines(w: Awaiting, publicUrl: string): DigestLine[] {
  return [
    ...w.proposals.map((p) => ({ title: `Propuesta: ${p.title}`, dueAt: p.dueAt, url: pageUrl(publicUrl, { proposalId: p.id }) })),
    ...w.tasks.map((t) => ({ title: `Tarea: ${t.title}`, dueAt: t.dueAt, url: pageUrl(publicUrl, { taskId: t.id }) })),
  ].sort((a, b) => (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999'));
}

/**
 * The daily digest for each person who chose it: what their institution was told since `since`.
 * Nobody with nothing new gets a message. Returns how many were planned.
 */
export async function planDailyDigests(db: Db, key: string, since: Date, until: Date, publicUrl: string): Promise<number> {
  const people = await db.select({ email: users.email, code: institutions.code, name: institutions.name }).from(users)
    .innerJoin(institutions, eq(institutions.id, users.institutionId)).where(eq(users.notifications, 'resumen_diario'));
  if (people.length === 0) return 0;
  // What each institution was told in the window, in one query for every person who chose the digest.
  const toldAll = await db.select().from(inboxItems)
    .where(and(inArray(inboxItems.institution, [...new Set(people.map((p) => p.code))]), gte(inboxItems.at, since), lt(inboxItems.at, until)))
    .orderBy(asc(inboxItems.at), asc(inboxItems.id));
  const toldTo = new Map<string, typeof toldAll>();
  for (const t of toldAll) {
    const list = toldTo.get(t.institution);
    if (list) list.push(t);
    else toldTo.set(t.institution, [t]);
  }
  const rows: NewDelivery[] = [];
  for (const person of people) {
    const told = toldTo.get(person.code) ?? [];
    if (told.length === 0) continue;
    const notice = renderNotice({
      kind: 'resumen_diario', title: `Resumen del día: ${told.length} aviso(s) para su institución.`, institutionName: person.name,
      url: pageUrl(publicUrl, { kind: 'resumen_diario' }),
      lines: told.map((t) => ({ title: t.title, url: pageUrl(publicUrl, t) })),
    });
    const address = person.email.toLowerCase();
    const id = deliveryId(key, 'email', address);
    rows.push({
      id, key, channel: 'email', recipient: address, institution: person.code, kind: 'resumen_diario', proposalId: null, taskId: null,
      subject: notice.subject, text: notice.text, html: notice.html, messageId: messageIdOf(id, 'email'),
    });
  }
  if (rows.length) await db.insert(deliveries).values(rows).onConflictDoNothing();
  return rows.length;
}

export type DeliveryRow = typeof deliveries.$inferSelect;

/** The deliveries of one notification that are not done yet (of `ids` only, for a delivery sent again). */
export async function openDeliveries(db: Db, key: string, ids?: string[]): Promise<Array<{ id: string; channel: DeliveryChannel }>> {
  return db.select({ id: deliveries.id, channel: deliveries.channel }).from(deliveries)
    .where(and(eq(deliveries.key, key), notInArray(deliveries.status, ['enviada', 'fallida']), ids ? inArray(deliveries.id, ids) : undefined)).orderBy(asc(deliveries.id));
}

export async function getDeliveries(db: Db, ids: string[]): Promise<DeliveryRow[]> {
  return ids.length ? db.select().from(deliveries).where(inArray(deliveries.id, ids)) : [];
}

/** Written before a send: the attempt is on record even if the process dies during it. */
export async function markSending(db: Db, ids: string[]): Promise<void> {
  if (ids.length) await db.update(deliveries).set({ status: 'enviando', attempts: sql`${deliveries.attempts} + 1` }).where(inArray(deliveries.id, ids));
}

/** Marks sent, with what each receiver answered (one statement for many); an earlier attempt's error goes. */
export async function markSent(db: Db, sent: Array<{ id: string; response: string }>, at: Date): Promise<void> {
  if (sent.length === 0) return;
  const values = sql.join(sent.map((s) => sql`(${s.id}, ${s.response})`), sql`, `);
  await db.execute(sql`update deliveries set status = 'enviada', response = v.response, last_error = null, sent_at = ${at.toISOString()}::timestamptz
    from (values ${values}) as v(id, response) where deliveries.id = v.id`);
}

/** Deliveries that failed, each with its reason. */
export type Failure = { id: string; error: string };

/**
 * Marks failures, each with its reason, in one statement; never one already in `final`, nor one
 * the secretariat has sent again since `generation` (its newer workflow owns it).
 */
async function markFailures(db: Db, status: 'reintentando' | 'fallida', failures: Failure[], final: DeliveryStatus[], generation: number): Promise<void> {
  if (failures.length === 0) return;
  const values = sql.join(failures.map((f) => sql`(${f.id}, ${f.error.slice(0, 1000)})`), sql`, `);
  await db.execute(sql`update ${deliveries} set status = ${status}, last_error = v.error from (values ${values}) as v(id, error)
    where ${deliveries.id} = v.id and ${notInArray(deliveries.status, final)} and ${deliveries.retries} = ${generation}`);
}

/** Attempts that failed and will be repeated: the secretariat sees them retrying, and why. Never undoes a sent or failed one. */
export const markAttemptFailed = (db: Db, failures: Failure[], generation = 0) => markFailures(db, 'reintentando', failures, ['enviada', 'fallida'], generation);

/** Given up: the channel refused for good, or retries ran out. Never undoes a sent one. */
export const markFailed = (db: Db, failures: Failure[], generation = 0) => markFailures(db, 'fallida', failures, ['enviada'], generation);

export interface DeliveryFilters {
  /** One status, or several (failed and retrying, for the secretariat's list). */
  status?: DeliveryStatus | DeliveryStatus[];
  channel?: DeliveryChannel;
  institution?: string;
  proposal?: string;
  task?: string;
  limit: number;
  cursor?: Cursor;
}

/** For the secretariat: what went out, what is still trying, what failed and why. */
export async function listDeliveries(db: Db, f: DeliveryFilters) {
  const where: SQL[] = [];
  if (f.status) where.push(Array.isArray(f.status) ? inArray(deliveries.status, f.status) : eq(deliveries.status, f.status));
  if (f.channel) where.push(eq(deliveries.channel, f.channel));
  if (f.institution) where.push(eq(deliveries.institution, f.institution));
  if (f.proposal) where.push(eq(deliveries.proposalId, f.proposal));
  if (f.task) where.push(eq(deliveries.taskId, f.task));
  if (f.cursor) where.push(after(deliveries.createdAt, deliveries.id, f.cursor));
  const rows = await db.select().from(deliveries).where(and(...where))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id)).limit(f.limit + 1);
  return page(rows.map(deliveryView), f.limit);
}

/** A delivery as the API shows it: what was sent, to whom, how it went; never the body. */
export function deliveryView(r: DeliveryRow) {
  return {
    id: r.id, channel: r.channel, recipient: r.recipient, institution: r.institution, kind: r.kind, subject: r.subject,
    status: r.status, attempts: r.attempts, retries: r.retries, response: r.response, lastError: r.lastError, createdAt: r.createdAt.toISOString(),
    sentAt: r.sentAt?.toISOString() ?? null, ...(r.proposalId ? { proposalId: r.proposalId } : {}), ...(r.taskId ? { taskId: r.taskId } : {}),
  };
}

/**
 * The notices of one event, written in the event's own transaction: the inbox rows and the
 * planned deliveries. Returns the keys that have deliveries, whose delivery workflows the caller
 * starts once the transaction is committed.
 */
export async function recordNotices(db: Db, all: Notification[], at: Date, o: PlanOptions): Promise<string[]> {
  const notices = await withReadableRecipients(db, all);
  await together(notices.map((n) => deliverToInbox(db, n, at)));
  const planned = await together(notices.map((n) => planDeliveries(db, n, o)));
  return notices.filter((_, i) => planned[i]! > 0).map((n) => n.key);
}

/**
 * Nobody is told about a proposal they may not read (domain/visibility.ts): civil society is taken
 * out of the recipients of a notice about a proposal that is not public yet, before its inbox
 * row, email or webhook exists. Runs after the event's own rows, so a notice that opens the
 * consultation finds the proposal already public.
 */
async function withReadableRecipients(db: Db, notices: Notification[]): Promise<Notification[]> {
  const codes = [...new Set(notices.filter((n) => n.proposalId).flatMap((n) => n.recipients))];
  if (codes.length === 0) return notices;
  const kinds = new Map((await db.select({ code: institutions.code, kind: institutions.kind }).from(institutions)
    .where(inArray(institutions.code, codes))).map((i) => [i.code, i.kind]));
  const ids = [...new Set(notices.filter((n) => n.proposalId && n.recipients.some((r) => kinds.get(r) === 'osc')).map((n) => n.proposalId!))];
  if (ids.length === 0) return notices;
  const rows = await db.select({
    id: proposals.id, status: proposals.status,
    reachedConsultation: reachedConsultationSql(proposals.id),
  }).from(proposals).where(inArray(proposals.id, ids));
  const publicity = new Map<string, ProposalPublicity>(rows.map((r) => [r.id, r]));
  const unknown: ProposalPublicity = { status: '', reachedConsultation: false };
  return notices.map((n) => (n.proposalId ? {
    ...n,
    recipients: n.recipients.filter((code) => {
      const kind = kinds.get(code);
      return kind === undefined || mayBeToldAbout({ institution: code, kind }, publicity.get(n.proposalId!) ?? unknown);
    }),
  } : n));
}

/** Of these notification keys, the ones with deliveries: for a retried event, already recorded. */
export async function keysWithDeliveries(db: Db, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await db.selectDistinct({ key: deliveries.key }).from(deliveries).where(inArray(deliveries.key, keys));
  return rows.map((r) => r.key);
}

/** Deliveries not done yet, by channel: the backlog an operator watches. */
export async function deliveryBacklog(db: Db): Promise<Array<{ channel: DeliveryChannel; open: number }>> {
  return db.select({ channel: deliveries.channel, open: sql<number>`count(*)::int` }).from(deliveries)
    .where(notInArray(deliveries.status, ['enviada', 'fallida'])).groupBy(deliveries.channel);
}
