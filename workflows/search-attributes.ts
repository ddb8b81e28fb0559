// The Mesa's custom search attributes: what an operator filters Temporal's listing by
// (`temporal workflow list --query "MesaStage='conformidad'"`, the Web UI), so that the Mesa's
// processes can be found among their delivery runs. Every Temporal server the Mesa runs on
// registers them (runtime/cluster.ts, runtime/temporal-server.ts).
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { patched, upsertSearchAttributes } from '@temporalio/workflow';

export const MesaKind = defineSearchAttributeKey('MesaKind', SearchAttributeType.KEYWORD);
export const MesaStage = defineSearchAttributeKey('MesaStage', SearchAttributeType.KEYWORD);
export const MesaStatus = defineSearchAttributeKey('MesaStatus', SearchAttributeType.KEYWORD);
export const MesaPending = defineSearchAttributeKey('MesaPending', SearchAttributeType.KEYWORD_LIST);
export const MesaObjectives = defineSearchAttributeKey('MesaObjectives', SearchAttributeType.KEYWORD_LIST);
export const MesaAgreement = defineSearchAttributeKey('MesaAgreement', SearchAttributeType.KEYWORD);

export const mesaSearchAttributeKeys = [MesaKind, MesaStage, MesaStatus, MesaPending, MesaObjectives, MesaAgreement];

/** A proposal's attributes, from its stage, status, pending institutions and objectives. */
export function proposalSearchAttributes(p: { stage: string; status: string; objectives: string[]; pending?: string[]; agreement?: string | null }): SearchAttributePair[] {
  return [
    { key: MesaKind, value: 'propuesta' },
    { key: MesaStage, value: p.stage },
    { key: MesaStatus, value: p.status },
    { key: MesaObjectives, value: p.objectives },
    { key: MesaPending, value: p.pending ?? [] },
    ...(p.agreement ? [{ key: MesaAgreement, value: p.agreement }] : []),
  ];
}

/** A task's attributes: its status, who still has to act, its agreement. */
export function taskSearchAttributes(t: { status: string; pending: string[]; agreement: string }): SearchAttributePair[] {
  return [
    { key: MesaKind, value: 'tarea' },
    { key: MesaStatus, value: t.status },
    { key: MesaPending, value: t.pending },
    { key: MesaAgreement, value: t.agreement },
  ];
}

/**
 * Keeps a workflow's attributes current: `show(pairs)` upserts them when they changed since the
 * last call. Workflows started before the attributes existed replay without them (`patched`): an
 * upsert is a command of its own. Lifecycle: see README.md, "Versioning".
 */
export function searchAttributesShown(): { enabled: boolean; show(pairs: SearchAttributePair[]): void } {
  const enabled = patched('atributos-de-busqueda');
  let last = '';
  return {
    enabled,
    show(pairs) {
      if (!enabled) return;
      const now = JSON.stringify(pairs.map((p) => [p.key.name, p.value]));
      if (now === last) return;
      last = now;
      upsertSearchAttributes(pairs);
    },
  };
}
