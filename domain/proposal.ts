// A proposal's launch: what the secretariat sends, its defaults (docs/domain.md#valores-por-defecto),
// and the rules that need the registry to check. Pure: the API validates with it, the workflow runs on it.
import { deadlineAt, deadlineProblem, type CalendarView, type DeadlineExpression, type ReminderExpression } from './calendar';
import {
  processStages, type DecisionRule, type MigrationStage, type PnmObjective, type Population,
  type Priority, type ProcessStage, type SilencePolicy,
} from './vocabulary';

export interface PlannedAction {
  title: string;
  /** Codes of the institutions that must carry the task out. */
  responsible: string[];
  /** From adoption to the task's due date (docs/domain.md#calendario-y-plazos). */
  dueIn: DeadlineExpression;
  deliverable: string;
  /** Reminders before the due date; 3 and 1 working days when absent. */
  reminders?: ReminderExpression[];
}

/** The launch body of POST /api/v1/proposals; every field after leadWorkingGroup is optional. */
export interface ProposalLaunch {
  title: string;
  summary: string;
  text: string;
  objectives: PnmObjective[];
  populations: Population[];
  leadWorkingGroup: string;
  workingGroups?: string[];
  migrationStages?: MigrationStage[];
  priority?: Priority;
  stages?: ProcessStage[];
  deadlines?: Partial<Record<ProcessStage, DeadlineExpression>>;
  decisionRule?: DecisionRule;
  quorum?: number;
  silencePolicy?: SilencePolicy;
  /** With silencePolicy `prorroga`: how long the round is extended, once. */
  extension?: ReminderExpression;
  reminders?: ReminderExpression[];
  actions?: PlannedAction[];
  /**
   * Decided by a plenary session instead of a written round (docs/domain.md#decisiones-en-sesion):
   * its `conformidad` stage waits for a session's agenda item; its deadline is the secretariat's.
   */
  decisionInSession?: boolean;
}

/**
 * A proposal saved before its launch (docs/domain.md#borradores): any of the launch fields, a
 * planned action possibly half filled in. Checked for what it holds; launched only when whole.
 */
export type ProposalDraft = Partial<Omit<ProposalLaunch, 'actions'>> & { actions?: Array<Partial<PlannedAction>> };

/** Where a draft stands: being edited, being launched (no longer editable), launched, or discarded. */
export const draftStatuses = ['borrador', 'lanzando', 'lanzado', 'descartado'] as const;
export type DraftStatus = (typeof draftStatuses)[number];

/** A launch with every default filled in: what the workflow receives and keeps. */
export type ProposalPlan = Required<ProposalLaunch> & { deadlines: Record<ProcessStage, DeadlineExpression> };

export const launchDefaults = {
  stages: ['grupo_de_trabajo', 'consulta', 'conformidad'] as ProcessStage[],
  // In working days, as the administration counts plazos (docs/domain.md#valores-por-defecto).
  deadlines: {
    grupo_de_trabajo: { workingDays: 10 }, consulta: { workingDays: 15 }, revision: { workingDays: 10 }, conformidad: { workingDays: 10 },
  } as Record<ProcessStage, DeadlineExpression>,
  decisionRule: 'consenso' as DecisionRule,
  quorum: 0.5,
  silencePolicy: 'conformidad_tacita' as SilencePolicy,
  extension: { workingDays: 5 } as ReminderExpression,
  reminders: [{ workingDays: 3 }, { workingDays: 1 }] as ReminderExpression[],
  priority: 'media' as Priority,
};

export function withDefaults(launch: ProposalLaunch): ProposalPlan {
  return {
    ...launch,
    workingGroups: launch.workingGroups ?? [],
    migrationStages: launch.migrationStages ?? [],
    priority: launch.priority ?? launchDefaults.priority,
    stages: launch.stages ?? launchDefaults.stages,
    deadlines: { ...launchDefaults.deadlines, ...launch.deadlines },
    decisionRule: launch.decisionRule ?? launchDefaults.decisionRule,
    quorum: launch.quorum ?? launchDefaults.quorum,
    silencePolicy: launch.silencePolicy ?? launchDefaults.silencePolicy,
    extension: launch.extension ?? launchDefaults.extension,
    reminders: launch.reminders ?? launchDefaults.reminders,
    actions: launch.actions ?? [],
    decisionInSession: launch.decisionInSession ?? false,
  };
}

/** What the launch rules need to know of the registry. */
export interface RegistryView {
  workingGroups: ReadonlySet<string>;
  /** Codes of the active member institutions: the only ones that carry out tasks. */
  members: ReadonlySet<string>;
}

export interface Problem {
  /** JSON path of the offending field, e.g. `actions[0].responsible`. */
  field: string;
  message: string;
}

/** Everything wrong with a structurally valid launch, in Spanish, field by field. */
/** `now`: a fixed date (`until`) must not be in the past. */
export function launchProblems(launch: ProposalLaunch, registry: RegistryView, now = new Date()): Problem[] {
  const problems: Problem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });

  if (!registry.workingGroups.has(launch.leadWorkingGroup)) {
    add('leadWorkingGroup', `El grupo de trabajo «${launch.leadWorkingGroup}» no existe.`);
  }
  (launch.workingGroups ?? []).forEach((code, i) => {
    if (!registry.workingGroups.has(code)) add(`workingGroups[${i}]`, `El grupo de trabajo «${code}» no existe.`);
    else if (code === launch.leadWorkingGroup) add(`workingGroups[${i}]`, `«${code}» ya es el grupo de trabajo líder.`);
  });

  const stages = launch.stages ?? launchDefaults.stages;
  const order = stages.map((s) => processStages.indexOf(s));
  if (order.some((o, i) => i > 0 && o <= order[i - 1]!)) {
    add('stages', 'Las etapas deben ir sin repetirse y en este orden: grupo_de_trabajo, consulta, revision, conformidad.');
  } else if (stages.at(-1) !== 'conformidad') {
    add('stages', 'La ronda de conformidad («conformidad») es obligatoria y va al final.');
  }
  const deadline = (field: string, value: unknown, reminder = false) => {
    const problem = deadlineProblem(field, value, now, { reminder });
    if (problem) add(field, problem);
  };
  for (const [stage, value] of Object.entries(launch.deadlines ?? {})) {
    if (!stages.includes(stage as ProcessStage)) add(`deadlines.${stage}`, `La propuesta no tiene la etapa «${stage}».`);
    else deadline(`deadlines.${stage}`, value);
  }
  (launch.reminders ?? []).forEach((r, i) => deadline(`reminders[${i}]`, r, true));
  if (launch.extension !== undefined) deadline('extension', launch.extension, true);
  (launch.actions ?? []).forEach((action, i) => {
    deadline(`actions[${i}].dueIn`, action.dueIn);
    (action.reminders ?? []).forEach((r, j) => deadline(`actions[${i}].reminders[${j}]`, r, true));
    action.responsible.forEach((code, j) => {
      if (!registry.members.has(code)) {
        add(`actions[${i}].responsible[${j}]`, `«${code}» no es una institución miembro activa de la Mesa.`);
      }
    });
    if (new Set(action.responsible).size !== action.responsible.length) {
      add(`actions[${i}].responsible`, 'Cada institución responsable debe figurar una sola vez.');
    }
  });
  return problems;
}

/** Whether `field` (a problem's path: `actions[0].responsible[1]`, `deadlines.consulta`) holds something in `draft`. */
function holds(draft: unknown, field: string): boolean {
  let at: unknown = draft;
  for (const part of field.match(/[^.[\]]+/g) ?? []) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, part)) return false;
    at = (at as Record<string, unknown>)[part];
  }
  return at !== undefined;
}

/**
 * The launch rules a draft already breaks with what it holds: a missing field is no mistake yet
 * (launchProblems tells it at launch), a wrong one is.
 */
export function draftProblems(draft: ProposalDraft, registry: RegistryView, now = new Date()): Problem[] {
  const asLaunch = {
    ...draft, leadWorkingGroup: draft.leadWorkingGroup ?? '',
    actions: (draft.actions ?? []).map((a) => ({ ...a, responsible: a.responsible ?? [] })),
  } as ProposalLaunch;
  return launchProblems(asLaunch, registry, now).filter((p) => holds(draft, p.field));
}

/**
 * The dates a draft would run on if launched at `now` (its preview): each stage opening when the
 * one before it ends, every stage taking its whole term, and each planned action due from the
 * close of the last stage, when it could be adopted at the latest. A deadline not valid yet has no date.
 */
export function draftDates(draft: ProposalDraft, calendar: CalendarView, now: Date) {
  const plan = withDefaults(draft as ProposalLaunch);
  const due = (from: Date, expression: unknown) => (expression === undefined || deadlineProblem('', expression, now) ? null : deadlineAt(from, expression as DeadlineExpression, calendar));
  let from = now;
  const stages = plan.stages.map((stage) => {
    const opensAt = from;
    const dueAt = due(from, plan.deadlines[stage]);
    if (dueAt) from = dueAt;
    return { stage, opensAt: opensAt.toISOString(), dueAt: dueAt?.toISOString() ?? null };
  });
  const actionsDueAt = (draft.actions ?? []).map((a) => due(from, a.dueIn)?.toISOString() ?? null);
  return { plan, stages, actionsDueAt };
}

/**
 * What a correction after launch may change (docs/domain.md#correccion-de-datos): how the proposal
 * is described and classified, never what is decided. The text changes only by a new version; the
 * groups, stages, rules and planned actions decide who acts and how, so they stay as launched.
 */
export const correctableFields = ['title', 'summary', 'objectives', 'populations', 'migrationStages', 'priority'] as const;
export type CorrectableField = (typeof correctableFields)[number];
export type MetadataChanges = Partial<Pick<ProposalPlan, CorrectableField>>;

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The fields `changes` really changes in `plan`, in the order of correctableFields. */
export function changedFields(plan: Pick<ProposalPlan, CorrectableField>, changes: MetadataChanges): CorrectableField[] {
  return correctableFields.filter((f) => Object.hasOwn(changes, f) && changes[f] !== undefined && !sameValue(plan[f], changes[f]));
}

/** The values of `fields` in `from`: the before or the after of a correction. */
export function metadataOf(from: MetadataChanges, fields: readonly CorrectableField[]): MetadataChanges {
  return Object.fromEntries(fields.map((f) => [f, from[f]])) as MetadataChanges;
}

/** Paragraphs of a proposal text: blocks separated by blank lines, numbered from 1. */
export function countParagraphs(text: string): number {
  return text.split(/\n\s*\n/).filter((p) => p.trim() !== '').length;
}
