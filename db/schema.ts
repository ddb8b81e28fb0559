// The database: the Mesa's registry, users, and the projection that workflows keep of every
// proposal. Workflows are the source of truth for a process; these tables are what reads use.
import { relations, sql } from 'drizzle-orm';
import {
  type AnyPgColumn, type AnyPgTable, type PgColumnBuilderBase, boolean, check, customType, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';
import {
  groupKinds, institutionKinds, pnmObjectives, populations, processStages, proposalStatuses,
  type GroupKind, type InstitutionKind, type ProcessStage, type ProposalStage, type ProposalStatus,
} from '../domain/vocabulary';
import { positions, type Position } from '../domain/decision';
import { inputDecisions, inputKinds, type DecisionRecord, type InputDecision, type InputKind } from '../domain/events';
import { draftStatuses, type DraftStatus, type ProposalDraft, type ProposalPlan } from '../domain/proposal';
import { taskStatuses, type TaskStatus } from '../domain/tasks';
import {
  deliveryChannels, deliveryStatuses, notificationKinds, notificationModes, type DeliveryChannel, type DeliveryStatus, type NotificationMode,
} from '../domain/notices';
import type { RoundCounts } from '../domain/decision';
import type { ActaState, AgendaItemKind, ItemOutcome, ItemStatus, Quorum, SessionKind, SessionStatus } from '../domain/session';
import { nonWorkingDayKinds, type NonWorkingDayKind } from '../domain/calendar';
import { accountEventKinds, designations, type AccountEventKind, type Designation } from '../domain/accounts';
import { attachmentObjects, type AttachmentObject } from '../domain/attachments';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

// The database itself refuses a status, stage, position or kind outside the vocabulary, and an
// institution code or working group outside the registry, whatever writes the row. The API
// validates first (a 4xx naming the field); these are the last line, and what makes a projection
// row written by any other means trustworthy. Codes in arrays (pending lists, responsibles,
// members) cannot have foreign keys; objectives and populations are checked against their lists.
const codes = (list: readonly string[]) => sql.raw(list.map((c) => `'${c}'`).join(', '));
/** CHECK: the column holds one of the vocabulary's codes (or is null, where it may be). */
const oneOf = (name: string, column: AnyPgColumn, list: readonly string[]) => check(name, sql`${column} in (${codes(list)})`);
/** CHECK: every element of the array column is one of the vocabulary's codes. */
const allOf = (name: string, column: AnyPgColumn, list: readonly string[]) => check(name, sql`${column} <@ array[${codes(list)}]::text[]`);
const proposalStages: readonly ProposalStage[] = [...processStages, 'cerrada'];
/** An institution named by its code, as the projection names them. */
const institutionCode = (name: string) => text(name).references(() => institutions.code);

// Column sets that recur from table to table. They are spread where their columns stand
// (`...inSession()`), or wrap a table's own columns (`eventRow`), so that every table keeps the
// columns, and the order of columns, its migrations created.
/** The proposal the row is part of (a version, an input, a sign-off, a task…). */
const inProposal = () => ({ proposalId: text('proposal_id').notNull().references(() => proposals.id) });
/** The task the row is part of. */
const inTask = () => ({ taskId: text('task_id').notNull().references(() => tasks.id) });
/** The session the row is part of (an agenda item, an attendance, a draft of the acta…). */
const inSession = () => ({ sessionId: text('session_id').notNull().references(() => sessions.id) });
/**
 * A row a workflow wrote for one of its events (a sign-off, a progress report, an attendance…): the
 * process, the event's number (both in the row's key, so that a replayed event adds no row), what
 * the event recorded, and when it happened.
 */
const eventRow = <P extends object, C extends object>(process: P, recorded: C) =>
  ({ ...process, eventSeq: integer('event_seq').notNull(), ...recorded, at: at('at').notNull() });
/** An institution's position on a proposal, and the comment it gave with it. */
const positionTaken = () => ({ position: text('position').$type<Position>().notNull(), comment: text('comment') });
/** When the row was created and last changed; no default: whoever writes it gives both (a workflow, its event's time). */
const timestamps = () => ({ createdAt: at('created_at').notNull(), updatedAt: at('updated_at').notNull() });
/** Who acted: the institution, and which of its users (a comment, an attachment, a download). */
const actedBy = () => ({ institution: institutionCode('institution').notNull(), userId: text('user_id').notNull() });
/** The process a notice is about, if any: ids kept as given, without foreign keys. */
const about = () => ({ proposalId: text('proposal_id'), taskId: text('task_id'), sessionId: text('session_id') });

const bytes = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
/** PostgreSQL's text-search document; written and read in SQL only. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const institutions = pgTable('institutions', {
  id: text('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  kind: text('kind').$type<InstitutionKind>().notNull(),
  unconfirmed: boolean('unconfirmed').notNull().default(false),
  note: text('note'),
  validFrom: date('valid_from').notNull(),
  validTo: date('valid_to'),
}, (t) => [oneOf('institutions_kind_check', t.kind, institutionKinds)]);

/** Working groups and coordination commissions. */
export const groups = pgTable('groups', {
  code: text('code').primaryKey(),
  kind: text('kind').$type<GroupKind>().notNull(),
  name: text('name').notNull(),
  population: text('population'),
  coordinatorId: text('coordinator_id').references(() => institutions.id),
  unconfirmed: boolean('unconfirmed').notNull().default(false),
  validFrom: date('valid_from').notNull(),
  validTo: date('valid_to'),
}, (t) => [oneOf('groups_kind_check', t.kind, groupKinds)]);

export const memberships = pgTable('memberships', {
  groupCode: text('group_code').notNull().references(() => groups.code),
  institutionId: text('institution_id').notNull().references(() => institutions.id),
  unconfirmed: boolean('unconfirmed').notNull().default(false),
  validFrom: date('valid_from').notNull(),
  validTo: date('valid_to'),
}, (t) => [primaryKey({ columns: [t.groupCode, t.institutionId, t.validFrom] })]);

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  /** Always stored in lower case, so the unique index is case-insensitive. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  institutionId: text('institution_id').notNull().references(() => institutions.id),
  passwordHash: text('password_hash').notNull(),
  admin: boolean('admin').notNull().default(false),
  demo: boolean('demo').notNull().default(false),
  /** Email for each message as it happens, or one daily digest of the day's messages. */
  notifications: text('notifications').$type<NotificationMode>().notNull().default('inmediato'),
  /** Whether the person represents the institution as its titular or as its alterno. */
  designation: text('designation').$type<Designation>().notNull().default('titular'),
  /** A deactivated user cannot sign in, and has no session left. */
  active: boolean('active').notNull().default(true),
  createdAt: at('created_at').notNull().defaultNow(),
}, (t) => [
  index('users_institution').on(t.institutionId), oneOf('users_notifications_check', t.notifications, notificationModes),
  oneOf('users_designation_check', t.designation, designations),
]);

/** Bearer tokens: only their SHA-256 is stored, so a database leak yields no usable token. */
export const tokens = pgTable('tokens', {
  hash: text('hash').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id),
  /** What the sessions list names a session by: never the hash, which stays inside the database. */
  id: text('id').notNull().unique().default(sql`gen_random_uuid()::text`),
  createdAt: at('created_at').notNull().defaultNow(),
  expiresAt: at('expires_at').notNull(),
  /** Refreshed at most once a minute by the requests the session makes. */
  lastUsedAt: at('last_used_at'),
  userAgent: text('user_agent'),
  address: text('address'),
}, (t) => [index('tokens_user').on(t.userId)]);

/**
 * One-time links to set a password (a forgotten one, or a new account's first): only the SHA-256
 * of the link's token is kept. Used once; a newer link for the same user replaces the older.
 */
export const passwordLinks = pgTable('password_links', {
  hash: text('hash').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id),
  createdAt: at('created_at').notNull().defaultNow(),
  expiresAt: at('expires_at').notNull(),
}, (t) => [index('password_links_user').on(t.userId)]);

/** Who did what to an account, and when: the secretariat's changes and the user's own. */
export const accountEvents = pgTable('account_events', {
  /** In the order they were written: events of one transaction share their time. */
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  userId: text('user_id').notNull().references(() => users.id),
  /** Who acted: null when nobody signed in did (a reset link, the command line). */
  actorId: text('actor_id').references(() => users.id),
  kind: text('kind').$type<AccountEventKind>().notNull(),
  /** What changed, in the API's words (old and new institution, designation…). */
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  at: at('at').notNull().defaultNow(),
}, (t) => [index('account_events_user').on(t.userId, t.at), index('account_events_at').on(t.at), oneOf('account_events_kind_check', t.kind, accountEventKinds)]);

/** Answers already given to POSTs that carried an Idempotency-Key, replayed on retry. */
export const idempotencyKeys = pgTable('idempotency_keys', {
  // The key: who sent it, to which route, and the key itself.
  userId: text('user_id').notNull(), route: text('route').notNull(), key: text('key').notNull(),
  requestHash: text('request_hash').notNull(),
  statusCode: integer('status_code').notNull(),
  response: jsonb('response').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.userId, t.route, t.key] })]);

export const proposals = pgTable('proposals', {
  id: text('id').primaryKey(),
  number: text('number'),
  title: text('title').notNull(),
  summary: text('summary').notNull(),
  status: text('status').$type<ProposalStatus>().notNull(),
  stage: text('stage').$type<ProposalStage>().notNull(),
  objectives: text('objectives').array().notNull(),
  populations: text('populations').array().notNull(),
  leadWorkingGroup: text('lead_working_group').notNull().references(() => groups.code),
  workingGroups: text('working_groups').array().notNull(),
  /** The launch with its defaults filled in: rules, deadlines, planned actions. */
  plan: jsonb('plan').$type<ProposalPlan>().notNull(),
  currentVersion: integer('current_version').notNull(),
  /** When each stage is due, as the workflow computed it. */
  deadlines: jsonb('deadlines').$type<Partial<Record<ProcessStage, string>>>().notNull(),
  /** Institution codes whose action the proposal is waiting for (e.g. sign-offs). */
  pendingFor: text('pending_for').array().notNull().default(sql`'{}'::text[]`),
  round: integer('round').notNull().default(0),
  consultationOpen: boolean('consultation_open').notNull().default(false),
  decision: jsonb('decision').$type<DecisionRecord>(),
  tasks: text('tasks').array().notNull().default(sql`'{}'::text[]`),
  /** The workflow event this row reflects: an older event arriving late never overwrites it. */
  stateSeq: integer('state_seq').notNull().default(0),
  launchedBy: text('launched_by').notNull(),
  launchedByInstitution: institutionCode('launched_by_institution').notNull(),
  ...timestamps(),
}, (t) => [
  index('proposals_created').on(t.createdAt, t.id),
  index('proposals_stage').on(t.stage, t.createdAt),
  index('proposals_status').on(t.status, t.createdAt),
  index('proposals_pending_for').using('gin', t.pendingFor),
  index('proposals_objectives').using('gin', t.objectives),
  oneOf('proposals_status_check', t.status, proposalStatuses),
  oneOf('proposals_stage_check', t.stage, proposalStages),
  allOf('proposals_objectives_check', t.objectives, pnmObjectives),
  allOf('proposals_populations_check', t.populations, populations),
]);

/**
 * Proposals the secretariat is preparing (docs/domain.md#borradores). Launching one fixes the
 * proposal's id first (`proposal_id`, status `lanzando`), so a retried or crashed launch reaches
 * the same workflow; the draft is then kept, read-only, pointing at its proposal.
 */
export const proposalDrafts = pgTable('proposal_drafts', {
  id: text('id').primaryKey(),
  content: jsonb('content').$type<ProposalDraft>().notNull(),
  status: text('status').$type<DraftStatus>().notNull(),
  proposalId: text('proposal_id'),
  createdBy: text('created_by').notNull().references(() => users.id),
  updatedBy: text('updated_by').notNull().references(() => users.id),
  ...timestamps(),
  launchedAt: at('launched_at'),
}, (t) => [
  index('proposal_drafts_status').on(t.status, t.updatedAt),
  oneOf('proposal_drafts_status_check', t.status, draftStatuses),
  check('proposal_drafts_launch_check', sql`(${t.status} in ('borrador', 'descartado')) = (${t.proposalId} is null)`),
]);

/**
 * What search reads of each proposal, apart from its wide row so that a search that matches
 * thousands reads a few hundred narrow pages (db/migrations/0020): the text-search documents
 * (db/migrations/0019, mesa_search_documents), for the State's side with the inputs received and
 * for civil society without them, and the fields whose typed letters also match, indexed by
 * trigrams. Stored again, whole, by every write that changes any of it (storeSearchDocuments).
 */
export const proposalSearch = pgTable('proposal_search', {
  proposalId: text('proposal_id').primaryKey().references(() => proposals.id),
  createdAt: at('created_at').notNull(),
  number: text('number'),
  title: text('title').notNull(),
  summary: text('summary').notNull(),
  searchAll: tsvector('search_all').notNull(),
  searchPublic: tsvector('search_public').notNull(),
}, (t) => [
  index('proposal_search_all').using('gin', t.searchAll),
  index('proposal_search_public').using('gin', t.searchPublic),
  index('proposal_search_typed').using('gin', t.number.op('gin_trgm_ops'), t.title.op('gin_trgm_ops'), t.summary.op('gin_trgm_ops')),
]);

export const proposalVersions = pgTable('proposal_versions', {
  ...inProposal(), number: integer('number').notNull(),
  text: text('text').notNull(),
  changeSummary: text('change_summary').notNull(),
  at: at('at').notNull(),
}, (t) => [primaryKey({ columns: [t.proposalId, t.number] })]);

/** What happened to a proposal, stage by stage; `seq` is given by the workflow. */
export const proposalTimeline = pgTable('proposal_timeline', {
  ...inProposal(), seq: integer('seq').notNull(),
  at: at('at').notNull(),
  stage: text('stage').$type<ProposalStage>().notNull(),
  event: text('event').notNull(),
}, (t) => [primaryKey({ columns: [t.proposalId, t.seq] }), oneOf('proposal_timeline_stage_check', t.stage, proposalStages)]);

/** The columns every audit trail has (db/audit.ts reads and writes them). */
const auditColumns = () => ({
  seq: integer('seq').notNull(),
  eventSeq: integer('event_seq').notNull(),
  at: at('at').notNull(),
  actor: text('actor'),
  institution: text('institution'),
  action: text('action').notNull(),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  hash: text('hash').notNull(),
  prevHash: text('prev_hash').notNull(),
  /**
   * How `hash` was computed: 1, SHA-256 of the entry (entries written before the key existed,
   * only as strong as that: anyone with database access could rewrite them); 2, HMAC-SHA256 with
   * MESA_AUDIT_KEY over the subject and every column. db/audit.ts explains both.
   */
  scheme: integer('scheme').notNull().default(1),
  /** Scheme 2: what the event wrote into the projection (texts as their SHA-256), to check it against. */
  projection: jsonb('projection').$type<Record<string, unknown>>(),
  /** Scheme 2: a short HMAC per column, tied to `hash`: when the seal breaks, they tell which column changed. */
  seals: jsonb('seals').$type<Record<string, string>>(),
});

/** A process's audit trail (db/audit.ts): keyed by the process and `seq`, the chain's order; one entry per workflow event. */
const auditTrail = <N extends string, K extends string, B extends PgColumnBuilderBase>(name: N, key: K, process: Record<K, B>) =>
  pgTable(name, { ...process, ...auditColumns() }, (t) => [
    primaryKey({ columns: [t[key], t.seq] }), uniqueIndex(`${name}_event`).on(t[key], t.eventSeq),
  ]);

/**
 * The append-only audit trail: each entry holds the hash of the one before it, so any edit or
 * deletion breaks the chain. `seq` is the chain's order; `eventSeq` the workflow's event, which
 * makes a retried write a no-op.
 */
export const proposalAudit = auditTrail('proposal_audit', 'proposalId', inProposal());

export const proposalInputs = pgTable('proposal_inputs', {
  id: text('id').primaryKey(),
  ...inProposal(),
  institution: institutionCode('institution').notNull(),
  kind: text('kind').$type<InputKind>().notNull(),
  text: text('text').notNull(),
  paragraph: integer('paragraph'),
  version: integer('version').notNull(),
  at: at('at').notNull(),
  answerDecision: text('answer_decision').$type<InputDecision>(),
  answerReason: text('answer_reason'),
  answeredAt: at('answered_at'),
}, (t) => [
  index('proposal_inputs_proposal').on(t.proposalId, t.at),
  oneOf('proposal_inputs_kind_check', t.kind, inputKinds),
  oneOf('proposal_inputs_answer_decision_check', t.answerDecision, inputDecisions),
]);

/** Every position ever given, including changes and tacit approvals; the latest per round counts. */
export const proposalSignoffs = pgTable('proposal_signoffs', eventRow(inProposal(), {
  institution: institutionCode('institution').notNull(),
  round: integer('round').notNull(),
  version: integer('version').notNull(),
  ...positionTaken(),
  tacit: boolean('tacit').notNull(),
}), (t) => [
  primaryKey({ columns: [t.proposalId, t.eventSeq, t.institution] }),
  index('proposal_signoffs_round').on(t.proposalId, t.round, t.institution),
  oneOf('proposal_signoffs_position_check', t.position, positions),
]);

/** Each sign-off round: when it opened, for whom, until when. */
export const proposalRounds = pgTable('proposal_rounds', {
  ...inProposal(),
  round: integer('round').notNull(),
  version: integer('version').notNull(),
  members: text('members').array().notNull(),
  openedAt: at('opened_at').notNull(),
  deadline: at('deadline').notNull(),
}, (t) => [primaryKey({ columns: [t.proposalId, t.round] })]);

export const proposalComments = pgTable('proposal_comments', {
  id: text('id').primaryKey(),
  ...inProposal(),
  ...actedBy(),
  text: text('text').notNull(),
  version: integer('version').notNull(),
  at: at('at').notNull(),
}, (t) => [index('proposal_comments_proposal').on(t.proposalId, t.at)]);

/** Agreement numbers, ACUERDO-<year>-<nnn>, one per adopted proposal. */
export const agreements = pgTable('agreements', {
  proposalId: text('proposal_id').primaryKey().references(() => proposals.id),
  year: integer('year').notNull(),
  seq: integer('seq').notNull(),
  number: text('number').notNull().unique(),
}, (t) => [uniqueIndex('agreements_year_seq').on(t.year, t.seq)]);

export const tasks = pgTable('tasks', {
  id: text('id').primaryKey(),
  ...inProposal(),
  agreementNumber: text('agreement_number').notNull(),
  index: integer('index').notNull(),
  title: text('title').notNull(),
  deliverable: text('deliverable').notNull(),
  responsible: text('responsible').array().notNull(),
  accepted: text('accepted').array().notNull().default(sql`'{}'::text[]`),
  status: text('status').$type<TaskStatus>().notNull(),
  dueAt: at('due_at').notNull(),
  overdue: boolean('overdue').notNull().default(false),
  percent: integer('percent').notNull().default(0),
  pendingFor: text('pending_for').array().notNull().default(sql`'{}'::text[]`),
  /** The workflow event this row reflects: an older event arriving late never overwrites it. */
  stateSeq: integer('state_seq').notNull().default(0),
  ...timestamps(),
}, (t) => [
  index('tasks_proposal').on(t.proposalId),
  index('tasks_responsible').using('gin', t.responsible),
  index('tasks_status_due').on(t.status, t.dueAt),
  oneOf('tasks_status_check', t.status, taskStatuses),
]);

/** Each responsible institution's part of a task. */
export const taskLines = pgTable('task_lines', {
  ...inTask(),
  institution: institutionCode('institution').notNull(),
  accepted: boolean('accepted').notNull().default(false),
  completed: boolean('completed').notNull().default(false),
  percent: integer('percent').notNull().default(0),
}, (t) => [primaryKey({ columns: [t.taskId, t.institution] })]);

export const taskProgress = pgTable('task_progress', eventRow(inTask(), {
  institution: institutionCode('institution').notNull(),
  percent: integer('percent').notNull(),
  note: text('note'),
  evidenceUrl: text('evidence_url'),
}), (t) => [primaryKey({ columns: [t.taskId, t.eventSeq, t.institution] })]);

/** The task's audit trail, chained like the proposals' (db/audit.ts). */
export const taskAudit = auditTrail('task_audit', 'taskId', inTask());

/** What each institution was told, and when; one row per event and recipient. */
export const inboxItems = pgTable('inbox_items', {
  id: text('id').primaryKey(),
  institution: institutionCode('institution').notNull(),
  at: at('at').notNull(),
  kind: text('kind').notNull(),
  title: text('title').notNull(),
  ...about(),
  read: boolean('read').notNull().default(false),
}, (t) => [index('inbox_items_institution').on(t.institution, t.at), oneOf('inbox_items_kind_check', t.kind, notificationKinds)]);

/** Secret addresses of the institutions' calendar feeds; only a hash of each is kept. */
export const calendarTokens = pgTable('calendar_tokens', {
  institution: institutionCode('institution').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: at('created_at').notNull().defaultNow(),
});

/**
 * Non-working days declared for the public sector (decretos supremos) and, per calendar, regional
 * holidays, which the secretariat keeps; national holidays are built in (domain/calendar.ts).
 * docs/domain.md#calendario-y-plazos
 */
export const nonWorkingDays = pgTable('non_working_days', {
  /** `nacional` for the whole Mesa; a region's code for a regional calendar (later). */
  calendar: text('calendar').notNull().default('nacional'),
  date: date('date', { mode: 'string' }).notNull(),
  reason: text('reason').notNull(),
  kind: text('kind').$type<NonWorkingDayKind>().notNull(),
  /** The decree or resolution that declared it (e.g. D.S. 123-2026-PCM). */
  reference: text('reference'),
  createdBy: text('created_by').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
  /**
   * The calendar change that recorded the day (derived from the request's Idempotency-Key when it
   * had one): a retry of that request finds its own days and reattaches to their moving of deadlines.
   */
  change: text('change'),
}, (t) => [primaryKey({ columns: [t.calendar, t.date] }), oneOf('non_working_days_kind_check', t.kind, nonWorkingDayKinds)]);

/**
 * How each institution is reached: a titular and an alterno contact (the alterno also receives
 * escalations), and optionally a webhook. Edited by the secretariat.
 */
export const contacts = pgTable('contacts', {
  institution: institutionCode('institution').primaryKey(),
  titularName: text('titular_name').notNull(),
  titularEmail: text('titular_email').notNull(),
  alternoName: text('alterno_name'),
  alternoEmail: text('alterno_email'),
  webhookUrl: text('webhook_url'),
  /** Kept in clear: signing needs it. Never returned by the API. */
  webhookSecret: text('webhook_secret'),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/**
 * One row per message, recipient and channel, written before the send and marked after: the
 * record that makes a notification go out once however often its delivery is retried.
 */
export const deliveries = pgTable('deliveries', {
  id: text('id').primaryKey(),
  /** The notification's key: all deliveries of one notification share it. */
  key: text('key').notNull(),
  channel: text('channel').$type<DeliveryChannel>().notNull(),
  /** An email address, or the institution's code for its webhook. */
  recipient: text('recipient').notNull(),
  institution: institutionCode('institution').notNull(),
  kind: text('kind').notNull(),
  ...about(),
  /** A session's ICS invitation (METHOD:REQUEST or CANCEL), sent with the email. */
  calendar: text('calendar'),
  /** The message as rendered when planned, so every retry sends the same words. */
  subject: text('subject').notNull(),
  text: text('text').notNull(),
  html: text('html'),
  status: text('status').$type<DeliveryStatus>().notNull().default('pendiente'),
  attempts: integer('attempts').notNull().default(0),
  /**
   * How many times the secretariat asked to send it again. Each request starts a delivery workflow
   * that carries this number, and only the workflow with the current number may send or give up:
   * an earlier one, still waiting to retry, leaves it alone.
   */
  retries: integer('retries').notNull().default(0),
  /** The Message-ID (email) or delivery id (webhook) the receiver sees, the same on every attempt. */
  messageId: text('message_id').notNull(),
  /** What the server answered when it accepted the message. */
  response: text('response'),
  lastError: text('last_error'),
  createdAt: at('created_at').notNull().defaultNow(),
  sentAt: at('sent_at'),
}, (t) => [
  index('deliveries_key').on(t.key),
  index('deliveries_status').on(t.status, t.createdAt),
  oneOf('deliveries_channel_check', t.channel, deliveryChannels),
  oneOf('deliveries_status_check', t.status, deliveryStatuses),
  oneOf('deliveries_kind_check', t.kind, notificationKinds),
]);

/**
 * Processes open in the projection whose workflow is not running in Temporal (an operator
 * terminated it, or it failed): found by the worker's periodic check or by an action that reached
 * no workflow. The secretariat resumes or closes them; a resumed one leaves this table.
 */
export const stoppedProcesses = pgTable('stopped_processes', {
  /** `propuesta` or `tarea`. */
  kind: text('kind').$type<'propuesta' | 'tarea'>().notNull(),
  id: text('id').notNull(),
  /** How Temporal last described the workflow: TERMINATED, FAILED, TIMED_OUT, NOT_FOUND… */
  engineStatus: text('engine_status').notNull(),
  detectedAt: at('detected_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.kind, t.id] }), oneOf('stopped_processes_kind_check', t.kind, ['propuesta', 'tarea'])]);

// How the tables join, for drizzle's typed relational queries (`db.query.proposals.findFirst({ with })`):
// a proposal or task read whole in one statement, so its rows come from one snapshot.
export const proposalsRelations = relations(proposals, ({ many }) => ({
  versions: many(proposalVersions),
  timeline: many(proposalTimeline),
  inputs: many(proposalInputs),
  signoffs: many(proposalSignoffs),
  rounds: many(proposalRounds),
  comments: many(proposalComments),
  audit: many(proposalAudit),
}));

export const tasksRelations = relations(tasks, ({ many }) => ({
  lines: many(taskLines),
  progress: many(taskProgress),
  audit: many(taskAudit),
}));

/** The other side of each `many` above: the row's proposal, or its task. */
const ofProposal = <T extends AnyPgTable<{ columns: { proposalId: AnyPgColumn } }> & { proposalId: AnyPgColumn }>(table: T) =>
  relations(table, ({ one }) => ({ proposal: one(proposals, { fields: [table.proposalId], references: [proposals.id] }) }));
const ofTask = <T extends AnyPgTable<{ columns: { taskId: AnyPgColumn } }> & { taskId: AnyPgColumn }>(table: T) =>
  relations(table, ({ one }) => ({ task: one(tasks, { fields: [table.taskId], references: [tasks.id] }) }));

export const proposalVersionsRelations = ofProposal(proposalVersions);
export const proposalTimelineRelations = ofProposal(proposalTimeline);
export const proposalInputsRelations = ofProposal(proposalInputs);
export const proposalSignoffsRelations = ofProposal(proposalSignoffs);
export const proposalRoundsRelations = ofProposal(proposalRounds);
export const proposalCommentsRelations = ofProposal(proposalComments);
export const proposalAuditRelations = ofProposal(proposalAudit);
export const taskLinesRelations = ofTask(taskLines);
export const taskProgressRelations = ofTask(taskProgress);
export const taskAuditRelations = ofTask(taskAudit);

/**
 * A web form refused by the API, kept for the page it returns to (post/redirect/get): what the
 * person typed and the errors beside each field, readable only by the same user for an hour.
 */
export const webFormStates = pgTable('web_form_states', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  /** Which form of the page (conformidad, aporte, solicitud…). */
  form: text('form').notNull(),
  state: jsonb('state').$type<{ values: Record<string, string | string[] | undefined>; errors: Record<string, string>; message?: string }>().notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
}, (t) => [index('web_form_states_created').on(t.createdAt)]);

// ---- plenary sessions (docs/domain.md#sesiones) --------------------------------------------

/** A session as its workflow last recorded it; `stateSeq` as for proposals. */
export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  kind: text('kind').$type<SessionKind>().notNull(),
  status: text('status').$type<SessionStatus>().notNull(),
  startsAt: at('starts_at').notNull(),
  place: text('place'),
  videoUrl: text('video_url'),
  /** 1 or 2: the call the session is in (second call after the first found no quorum). */
  call: integer('call').notNull().default(1),
  secondCallAt: at('second_call_at'),
  openedAt: at('opened_at'),
  present: text('present').array().notNull().default(sql`'{}'::text[]`),
  quorum: jsonb('quorum').$type<Quorum>(),
  /** The ICS invitation's SEQUENCE. */
  sequence: integer('sequence').notNull().default(0),
  members: text('members').array().notNull(),
  invited: text('invited').array().notNull(),
  acta: jsonb('acta').$type<ActaState>(),
  stateSeq: integer('state_seq').notNull().default(0),
  convenedBy: text('convened_by').notNull(),
  ...timestamps(),
  /** When the acta was approved (the `acta_aprobada` event): the register of actas reads it by this index. */
  actaApprovedAt: at('acta_approved_at'),
}, (t) => [index('sessions_starts').on(t.startsAt), index('sessions_acta_approved').on(t.actaApprovedAt).where(sql`${t.actaApprovedAt} is not null`)]);

/** The agenda: `ord` is the order in which items are taken, `n` their number at convocation. */
export const sessionItems = pgTable('session_items', {
  ...inSession(),
  n: integer('n').notNull(),
  ord: integer('ord').notNull(),
  kind: text('kind').$type<AgendaItemKind>().notNull(),
  title: text('title').notNull(),
  proposalId: text('proposal_id').references(() => proposals.id),
  taskId: text('task_id').references(() => tasks.id),
  status: text('status').$type<ItemStatus>().notNull(),
  summary: text('summary'),
  reason: text('reason'),
  outcome: text('outcome').$type<ItemOutcome>(),
  number: text('number'),
  counts: jsonb('counts').$type<RoundCounts>(),
  absent: text('absent').array().notNull().default(sql`'{}'::text[]`),
}, (t) => [primaryKey({ columns: [t.sessionId, t.n] }), index('session_items_proposal').on(t.proposalId)]);

export const sessionConfirmations = pgTable('session_confirmations', {
  ...inSession(),
  institution: text('institution').notNull(),
  attends: boolean('attends').notNull(),
  representative: jsonb('representative').$type<{ name: string; email: string }>(),
  at: at('at').notNull(),
}, (t) => [primaryKey({ columns: [t.sessionId, t.institution] })]);

/** Who was present at each call (a call without quorum is kept too). */
export const sessionAttendance = pgTable('session_attendance', eventRow(inSession(), {
  call: integer('call').notNull(),
  institution: text('institution').notNull(),
}), (t) => [primaryKey({ columns: [t.sessionId, t.eventSeq, t.institution] })]);

/** Every position taken in session, changes included; the latest per item and institution counts. */
export const sessionPositions = pgTable('session_positions', eventRow(inSession(), {
  n: integer('n').notNull(),
  institution: text('institution').notNull(),
  ...positionTaken(),
  /** Recorded by the secretariat on the institution's behalf. */
  onBehalf: boolean('on_behalf').notNull(),
  userId: text('user_id').notNull(),
}), (t) => [primaryKey({ columns: [t.sessionId, t.eventSeq] })]);

/** Each draft of the acta. */
export const sessionActas = pgTable('session_actas', {
  ...inSession(),
  version: integer('version').notNull(),
  text: text('text').notNull(),
  deadline: at('deadline').notNull(),
  at: at('at').notNull(),
}, (t) => [primaryKey({ columns: [t.sessionId, t.version] })]);

export const sessionObservations = pgTable('session_observations', eventRow(inSession(), {
  institution: text('institution').notNull(),
  text: text('text').notNull(),
}), (t) => [primaryKey({ columns: [t.sessionId, t.eventSeq] })]);

/** The session's audit trail, chained like the proposals' (db/audit.ts). */
export const sessionAudit = auditTrail('session_audit', 'sessionId', inSession());

/** The signed PDF of each approved acta, kept as it was signed: what GET …/acta.pdf serves and uploads are compared with. */
export const sessionActaFiles = pgTable('session_acta_files', {
  sessionId: text('session_id').primaryKey().references(() => sessions.id),
  version: integer('version').notNull(),
  pdf: bytes('pdf').notNull(),
  sha256: text('sha256').notNull(),
  signer: text('signer').notNull(),
  signedAt: at('signed_at').notNull(),
});

// ---- attached documents (docs/domain.md#documentos) -----------------------------------------

/**
 * A document attached to a proposal, a version, an input, a progress report or a completion: who
 * attached which bytes (their SHA-256 names them in the store, engine/documents.ts) to what, and
 * when. Rows are only ever added: this is the record of every attachment. A task's documents carry
 * its proposal too, whose publicity decides who reads them (domain/attachments.ts).
 */
export const attachments = pgTable('attachments', {
  id: text('id').primaryKey(),
  ...inProposal(),
  taskId: text('task_id').references(() => tasks.id),
  object: text('object').$type<AttachmentObject>().notNull(),
  /** Which one: the version's number, the input's id, the progress report's event; null for the proposal or a completion. */
  ref: text('ref'),
  sha256: text('sha256').notNull(),
  size: integer('size').notNull(),
  mediaType: text('media_type').notNull(),
  filename: text('filename').notNull(),
  ...actedBy(),
  at: at('at').notNull(),
}, (t) => [
  index('attachments_proposal').on(t.proposalId, t.at),
  index('attachments_task').on(t.taskId, t.at),
  oneOf('attachments_object_check', t.object, attachmentObjects),
  check('attachments_sha256_check', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
]);

/** Every download of a document: who, when, which file. Refused downloads are not downloads and leave no row. */
export const attachmentDownloads = pgTable('attachment_downloads', {
  id: text('id').primaryKey(),
  attachmentId: text('attachment_id').notNull().references(() => attachments.id),
  ...actedBy(),
  at: at('at').notNull(),
}, (t) => [index('attachment_downloads_attachment').on(t.attachmentId, t.at)]);
