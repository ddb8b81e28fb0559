// A proposal's launch: what the secretariat sends, its defaults (docs/domain.md#valores-por-defecto),
// and the rules that need the registry to check. Pure: the API validates with it, the workflow runs on it.
import { isDuration } from './durations';
import {
  processStages, type DecisionRule, type MigrationStage, type PnmObjective, type Population,
  type Priority, type ProcessStage, type SilencePolicy,
} from './vocabulary';

export interface PlannedAction {
  title: string;
  /** Codes of the institutions that must carry the task out. */
  responsible: string[];
  /** ISO 8601 duration from adoption to the task's due date. */
  dueIn: string;
  deliverable: string;
  /** Reminders before the due date (ISO 8601 durations); P7D and P1D when absent. */
  reminders?: string[];
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
  deadlines?: Partial<Record<ProcessStage, string>>;
  decisionRule?: DecisionRule;
  quorum?: number;
  silencePolicy?: SilencePolicy;
  /** With silencePolicy `prorroga`: how long the round is extended, once. */
  extension?: string;
  reminders?: string[];
  actions?: PlannedAction[];
}

/** A launch with every default filled in: what the workflow receives and keeps. */
export type ProposalPlan = Required<ProposalLaunch> & { deadlines: Record<ProcessStage, string> };

export const launchDefaults = {
  stages: ['grupo_de_trabajo', 'consulta', 'conformidad'] as ProcessStage[],
  // Ten working days for the round is two calendar weeks.
  deadlines: { grupo_de_trabajo: 'P10D', consulta: 'P15D', revision: 'P10D', conformidad: 'P14D' },
  decisionRule: 'consenso' as DecisionRule,
  quorum: 0.5,
  silencePolicy: 'conformidad_tacita' as SilencePolicy,
  extension: 'P5D',
  reminders: ['P3D', 'P1D'],
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
export function launchProblems(launch: ProposalLaunch, registry: RegistryView): Problem[] {
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
  for (const [stage, duration] of Object.entries(launch.deadlines ?? {})) {
    if (!stages.includes(stage as ProcessStage)) add(`deadlines.${stage}`, `La propuesta no tiene la etapa «${stage}».`);
    else if (!isDuration(duration)) add(`deadlines.${stage}`, `«${duration}» no es una duración ISO 8601 de hasta 10 años (por ejemplo P10D o PT30S).`);
  }
  (launch.reminders ?? []).forEach((r, i) => {
    if (!isDuration(r)) add(`reminders[${i}]`, `«${r}» no es una duración ISO 8601 de hasta 10 años (por ejemplo P3D).`);
  });
  if (launch.extension !== undefined && !isDuration(launch.extension)) {
    add('extension', `«${launch.extension}» no es una duración ISO 8601 de hasta 10 años (por ejemplo P5D).`);
  }
  (launch.actions ?? []).forEach((action, i) => {
    if (!isDuration(action.dueIn)) add(`actions[${i}].dueIn`, `«${action.dueIn}» no es una duración ISO 8601 de hasta 10 años (por ejemplo P90D).`);
    (action.reminders ?? []).forEach((r, j) => {
      if (!isDuration(r)) add(`actions[${i}].reminders[${j}]`, `«${r}» no es una duración ISO 8601 de hasta 10 años (por ejemplo P7D).`);
    });
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

/** Paragraphs of a proposal text: blocks separated by blank lines, numbered from 1. */
export function countParagraphs(text: string): number {
  return text.split(/\n\s*\n/).filter((p) => p.trim() !== '').length;
}
