// The Mesa's own words, as the API and the database use them (docs/domain.md#vocabulario).
// Pure data: imported by workflows, activities, api and tests alike.

export const institutionKinds = ['secretaria', 'miembro', 'observador', 'apoyo', 'osc'] as const;
export type InstitutionKind = (typeof institutionKinds)[number];

export const roles = [...institutionKinds, 'admin'] as const;
export type Role = (typeof roles)[number];

/** Stages of a proposal's process, in the only order they may run. */
export const processStages = ['grupo_de_trabajo', 'consulta', 'revision', 'conformidad'] as const;
export type ProcessStage = (typeof processStages)[number];
/** `cerrada` is where every proposal ends, whatever its outcome. */
export type ProposalStage = ProcessStage | 'cerrada';

export const proposalStatuses = ['en_curso', 'adoptada', 'observada', 'rechazada', 'retirada'] as const;
export type ProposalStatus = (typeof proposalStatuses)[number];

/** A proposal's process runs (it is open) until it is adopted, rejected or withdrawn. */
export const openProposalStatuses = ['en_curso', 'observada'] as const satisfies readonly ProposalStatus[];
export const isOpenProposal = (status: string | null | undefined): boolean => (openProposalStatuses as readonly unknown[]).includes(status);

/** Specific objectives of the Política Nacional Migratoria (April 2017). */
export const pnmObjectives = ['OE1', 'OE2', 'OE3', 'OE4', 'OE5'] as const;
export type PnmObjective = (typeof pnmObjectives)[number];

/** The four populations of the national policy; one working group each by default. */
export const populations = ['intencion_de_migrar', 'exterior', 'retornantes', 'extranjeros'] as const;
export type Population = (typeof populations)[number];

/** Migration stages of the national policy (not to be confused with process stages). */
export const migrationStages = ['salida_desplazamiento_recepcion', 'permanencia_integracion', 'retorno'] as const;
export type MigrationStage = (typeof migrationStages)[number];

export const decisionRules = ['consenso', 'mayoria_simple', 'mayoria_calificada'] as const;
export type DecisionRule = (typeof decisionRules)[number];

export const silencePolicies = ['conformidad_tacita', 'prorroga', 'sin_efecto'] as const;
export type SilencePolicy = (typeof silencePolicies)[number];

export const priorities = ['alta', 'media', 'baja'] as const;
export type Priority = (typeof priorities)[number];

export const groupKinds = ['grupo_de_trabajo', 'comision'] as const;
export type GroupKind = (typeof groupKinds)[number];
