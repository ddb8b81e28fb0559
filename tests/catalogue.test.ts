// Every code a person may meet has its words, in Spanish and English, and what people receive
// (emails, calendar feeds, CSV exports) names things with those words, never with the codes.
import { describe, expect, it } from 'vitest';
import { toCsv } from '../api/csv';
import { toIcs } from '../api/ics';
import {
  decisionRuleWords, deliveryChannelWords, deliveryStatusWords, eventLabel, eventWords, groupKindWords, inputDecisionWords, inputKindWords,
  institutionKindWords, kindExpectation, roleHoldersWords, kindTitle, migrationStageWords, notificationKindWords, notificationModeWords, outcomeWords,
  pnmObjectiveWords, populationWords, positionWords, priorityWords, proposalStatusWords, roleWords, silencePolicyWords, stageWords,
  statusCountWords, taskStatusWords, valueLabel, valueVocabularies, waitingWords, workingGroupDecisionWords, type Words,
  nonWorkingDayKindWords, deadlineUnitWords, stageDeadlineWords, designationWords, accountEventWords, correctableFieldWords,
} from '../domain/catalogue';
import { accountEventKinds, designations } from '../domain/accounts';
import { correctableFields } from '../domain/proposal';
import { deadlineUnits, nonWorkingDayKinds } from '../domain/calendar';
import { outcomes, positions } from '../domain/decision';
import { inputDecisions, inputKinds, timelineEvents, workingGroupDecisions } from '../domain/events';
import { actaAnswers, actaStatuses, agendaItemKinds, itemOutcomes, itemStatuses, sessionKinds, sessionStatuses } from '../domain/session';
import {
  actaAnswerWords, actaStatusWords, agendaItemKindWords, itemOutcomeWords, itemStatusWords, sessionKindWords, sessionStatusWords,
} from '../domain/catalogue';
import { deliveryChannels, deliveryStatuses, notificationKinds, notificationModes, renderNotice } from '../domain/notices';
import { isOverdue, openTaskStatuses, owedTaskStatuses, taskStatuses } from '../domain/tasks';
import {
  decisionRules, groupKinds, institutionKinds, migrationStages, pnmObjectives, populations, priorities, processStages, proposalStatuses, roles,
  silencePolicies,
} from '../domain/vocabulary';

/** Every vocabulary of the domain modules, with the words the catalogue gives its codes: a line per domain module. */
const vocabularies = Object.entries<[readonly string[], Record<string, Words>]>({
  institutionKinds: [institutionKinds, institutionKindWords], roles: [roles, roleWords], 'roles (holders, in sentences)': [roles, roleHoldersWords], groupKinds: [groupKinds, groupKindWords],
  'processStages (and cerrada)': [[...processStages, 'cerrada'], stageWords], 'stages as deadlines': [[...processStages, 'cerrada'], stageDeadlineWords], proposalStatuses: [proposalStatuses, proposalStatusWords],
  pnmObjectives: [pnmObjectives, pnmObjectiveWords], populations: [populations, populationWords], migrationStages: [migrationStages, migrationStageWords], priorities: [priorities, priorityWords],
  decisionRules: [decisionRules, decisionRuleWords], silencePolicies: [silencePolicies, silencePolicyWords],
  outcomes: [outcomes, outcomeWords], positions: [positions, positionWords],
  inputKinds: [inputKinds, inputKindWords], inputDecisions: [inputDecisions, inputDecisionWords], workingGroupDecisions: [workingGroupDecisions, workingGroupDecisionWords], timelineEvents: [timelineEvents, eventWords],
  taskStatuses: [taskStatuses, taskStatusWords], 'statuses counted in reports': [[...proposalStatuses, ...taskStatuses], statusCountWords], 'waiting (open stages and task statuses)': [[...processStages, ...openTaskStatuses], waitingWords],
  notificationModes: [notificationModes, notificationModeWords], deliveryChannels: [deliveryChannels, deliveryChannelWords], deliveryStatuses: [deliveryStatuses, deliveryStatusWords],
  notificationKinds: [notificationKinds, Object.fromEntries(Object.entries(notificationKindWords).map(([k, v]) => [k, v.title]))],
  sessionKinds: [sessionKinds, sessionKindWords], sessionStatuses: [sessionStatuses, sessionStatusWords], agendaItemKinds: [agendaItemKinds, agendaItemKindWords], itemStatuses: [itemStatuses, itemStatusWords],
  itemOutcomes: [itemOutcomes, itemOutcomeWords], actaStatuses: [actaStatuses, actaStatusWords], actaAnswers: [actaAnswers, actaAnswerWords],
  nonWorkingDayKinds: [nonWorkingDayKinds, nonWorkingDayKindWords], deadlineUnits: [deadlineUnits, deadlineUnitWords],
  designations: [designations, designationWords], accountEventKinds: [accountEventKinds, accountEventWords], correctableFields: [correctableFields, correctableFieldWords],
});

const filled = (words: Words | undefined) => Boolean(words?.es.trim()) && Boolean(words?.en.trim());

describe('the catalogue of the Mesa\'s words', () => {
  it.each(vocabularies)('names every code of %s in Spanish and English', (_name, [codes, words]) => {
    const missing = codes.filter((code) => !filled(words[code]));
    expect(missing, 'codes without Spanish and English words').toEqual([]);
    // Nor words for codes that no longer exist.
    expect(Object.keys(words).filter((code) => !codes.includes(code))).toEqual([]);
  });

  it('says what each kind of message expects, in both languages, or that it only informs', () => {
    for (const kind of notificationKinds) {
      const { expected } = notificationKindWords[kind];
      if (expected) expect(filled(expected), kind).toBe(true);
      expect(kindExpectation(kind, 'en') === null).toBe(kindExpectation(kind, 'es') === null);
    }
    expect(kindExpectation('conformidad_solicitada')).toMatch(/^Registre la posición de su institución/);
    expect(kindExpectation('decision')).toBeNull();
    expect(kindTitle('tarea_vencida', 'en')).toBe('Task overdue');
  });

  it('gives a code that appears in two vocabularies the same words in both', () => {
    const seen = new Map<string, Words>();
    for (const words of Object.values(valueVocabularies) as Array<Record<string, Words>>) {
      for (const [code, w] of Object.entries(words)) {
        const before = seen.get(code);
        if (before) expect(w, code).toEqual(before);
        seen.set(code, w);
      }
    }
  });

  it('names a published version by its number and leaves an unknown code as it is', () => {
    expect(eventLabel('version_2')).toBe('Versión 2 publicada');
    expect(eventLabel('version_2', 'en')).toBe('Version 2 published');
    expect(eventLabel('grupo_avanza')).toBe('El grupo de trabajo la hace avanzar');
    expect(eventLabel('cerrada_tras_detencion', 'en')).toBe('Closed after its process stopped');
    expect(valueLabel('reintentando')).toBe('Reintentando');
    expect(valueLabel('GT3')).toBe('GT3');
  });
});

describe('the overdue rule', () => {
  const dueAt = '2026-03-01T17:00:00Z';
  it('holds while the work is owed and the due date has passed', () => {
    for (const status of taskStatuses) {
      expect(isOverdue({ status, dueAt }, Date.parse('2026-03-02T00:00:00Z')), status).toBe((owedTaskStatuses as readonly string[]).includes(status));
      expect(isOverdue({ status, dueAt }, Date.parse('2026-02-28T00:00:00Z')), status).toBe(false);
    }
    expect(isOverdue({ status: 'asignada', dueAt }, Date.parse(dueAt))).toBe(false);
  });
});

describe('what people receive names things, not codes', () => {
  it('an email about an answered input says how it was answered in words', () => {
    const title = `Su aporte fue respondido (${valueLabel('parcialmente_acogida').toLowerCase()}): Guía para retornantes`;
    const n = renderNotice({ kind: 'aporte_respondido', title, institutionName: 'Asociación de Familias', url: 'http://mesa.test/propuestas/p1' });
    for (const text of [n.subject, n.text, n.html]) {
      expect(text).toContain('parcialmente acogida');
      expect(text).not.toContain('parcialmente_acogida');
    }
  });

  it('every email says in words what is expected, never a code', () => {
    for (const kind of notificationKinds) {
      const n = renderNotice({ kind, title: 'Propuesta X', institutionName: 'RREE', url: 'http://mesa.test/bandeja' });
      expect(n.text).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
      const expected = kindExpectation(kind);
      if (expected) expect(n.text).toContain(`Qué se espera: ${expected}`);
    }
  });

  it('a calendar feed names the stage, not its code', () => {
    const ics = toIcs('Plazos de MINSA', 'http://mesa.test', [{
      uid: 'p1-grupo_de_trabajo-0@mesa', at: new Date('2026-12-05T15:30:00Z'),
      summary: `${stageWords.grupo_de_trabajo.es}: Guía`, description: `Plazo de la etapa «${stageWords.grupo_de_trabajo.es}» de la propuesta «Guía».`,
      path: '/api/v1/proposals/p1',
    }]);
    const description = ics.replace(/\r\n /g, '').split('\r\n').find((l) => l.startsWith('DESCRIPTION:'))!;
    expect(description).toContain('«Grupo de trabajo»');
    expect(description).not.toContain('grupo_de_trabajo');
  });

  it('a CSV row of a population names it', () => {
    const csv = toCsv(['Dimensión', 'Valor'], populations.map((p) => ['Población', valueLabel(p)]));
    expect(csv).toContain('Población,Peruanos con intención de migrar\r\n');
    expect(csv).not.toContain('intencion_de_migrar');
  });
});
