// The web pages speak Spanish (es-PE) by default and English on request: the Spanish text is the
// key, English its translation. The Mesa's values (stages, statuses, positions…) are named by the
// catalogue (domain/catalogue.ts) in both languages. Dates are always Lima's.
import { valueLabel, type Lang } from '../../domain/catalogue';
import { parseDuration } from '../../domain/durations';
import dictionary from './english.json';

export { languages, type Lang } from '../../domain/catalogue';

// The dictionary is data (api/web/english.json): one entry per Spanish text of the pages and of the
// API's messages they show.
const english: Record<string, string> = dictionary;

export function t(lang: Lang, spanish: string): string {
  return lang === 'en' ? english[spanish] ?? spanish : spanish;
}

const formats: Record<Lang, Intl.DateTimeFormat> = {
  es: new Intl.DateTimeFormat('es-PE', { timeZone: 'America/Lima', dateStyle: 'long', timeStyle: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Lima', dateStyle: 'long', timeStyle: 'short' }),
};

/** A date as people in the Mesa read it: Lima time, in the page's language. */
export function when(lang: Lang, iso: string | null | undefined): string {
  return iso ? `${formats[lang].format(new Date(iso))}` : '—';
}

/** A value of the Mesa's (a stage, a status, a position…) as the catalogue names it. */
export const label = (lang: Lang, value: string) => valueLabel(value, lang);

/** The words of a decision's reason (domain/decision.ts writes them in Spanish), in the page's language. */
export function decisionReason(lang: Lang, reason: string): string {
  if (lang === 'es') return reason;
  const patterns: Array<[RegExp, string]> = [
    [/^Sin quórum: respondieron (\d+) de (\d+) miembros; se requiere (\d+)\.$/, 'No quorum: $1 of $2 members answered; $3 required.'],
    [/^Consenso: ningún miembro objetó\.$/, 'Consensus: no member objected.'],
    [/^Sin consenso: (\d+) objeción\(es\)\.$/, 'No consensus: $1 objection(s).'],
    [/^Mayoría simple: (\d+) a favor de (\d+)\.$/, 'Simple majority: $1 in favour of $2.'],
    [/^Sin mayoría simple: (\d+) a favor de (\d+)\.$/, 'No simple majority: $1 in favour of $2.'],
    [/^Mayoría calificada: (\d+) a favor de (\d+) \(al menos dos tercios\)\.$/, 'Qualified majority: $1 in favour of $2 (at least two thirds).'],
    [/^Sin mayoría calificada: (\d+) a favor de (\d+) \(se requieren dos tercios\)\.$/, 'No qualified majority: $1 in favour of $2 (two thirds required).'],
  ];
  for (const [pattern, english] of patterns) if (pattern.test(reason)) return reason.replace(pattern, english);
  return reason;
}

const durationUnits: Array<[keyof NonNullable<ReturnType<typeof parseDuration>>, Record<Lang, [string, string]>]> = [
  ['years', { es: ['año', 'años'], en: ['year', 'years'] }], ['months', { es: ['mes', 'meses'], en: ['month', 'months'] }],
  ['weeks', { es: ['semana', 'semanas'], en: ['week', 'weeks'] }], ['days', { es: ['día', 'días'], en: ['day', 'days'] }],
  ['hours', { es: ['hora', 'horas'], en: ['hour', 'hours'] }], ['minutes', { es: ['minuto', 'minutos'], en: ['minute', 'minutes'] }],
  ['seconds', { es: ['segundo', 'segundos'], en: ['second', 'seconds'] }],
];

/** A period as people say it ("90 días", "6 months"); the text as given when it is not a duration. */
export function period(lang: Lang, iso: string): string {
  const d = parseDuration(iso);
  if (!d) return iso;
  return durationUnits.filter(([unit]) => d[unit] > 0).map(([unit, words]) => `${d[unit]} ${words[lang][d[unit] === 1 ? 0 : 1]}`).join(lang === 'es' ? ' y ' : ' and ');
}
