// What the pages check before calling the API: every mistake of a form at once, each beside its
// field, in the page's language and naming the field by its label. The API checks again (it is
// the authority); these checks only spare people a submit per mistake.
import type { DeadlineExpression } from '../../domain/calendar';
import { isDuration } from '../../domain/durations';
import { launchDefaults, type PlannedAction, type ProposalDraft } from '../../domain/proposal';
import { textLimits } from '../../domain/text';
import type { Ctx } from './context';

export type Form = Record<string, string | string[] | undefined>;
export type FieldErrors = Record<string, string>;

export const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] ?? '' : v ?? '').trim();
export const many = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []).map((x) => x.trim()).filter((x) => x !== '');

type Sentence = (label: string, n?: number) => string;

const sentences: Record<'required' | 'choose' | 'tooLong' | 'duration' | 'email' | 'number' | 'between', { es: Sentence; en: Sentence }> = {
  required: { es: (l) => `Complete «${l}».`, en: (l) => `Fill in «${l}».` },
  choose: { es: (l) => `Elija al menos una opción en «${l}».`, en: (l) => `Choose at least one option in «${l}».` },
  tooLong: { es: (l, n) => `«${l}» admite como máximo ${n} caracteres.`, en: (l, n) => `«${l}» takes at most ${n} characters.` },
  duration: { es: (l) => `«${l}» debe ser un plazo como P10D (10 días) o P3M (3 meses).`, en: (l) => `«${l}» must be a period such as P10D (10 days) or P3M (3 months).` },
  email: { es: (l) => `«${l}» debe ser una dirección de correo, como nombre@institucion.gob.pe.`, en: (l) => `«${l}» must be an email address, such as name@institution.gob.pe.` },
  number: { es: (l) => `«${l}» debe ser un número entero.`, en: (l) => `«${l}» must be a whole number.` },
  between: { es: (l, n) => `«${l}» debe estar entre 0 y ${n}.`, en: (l, n) => `«${l}» must be between 0 and ${n}.` },
};

/** Collects the errors of one form; `label` is the Spanish label, translated for the page. */
export function checker(ctx: Ctx) {
  const errors: FieldErrors = {};
  const say = (field: string, kind: keyof typeof sentences, label: string, n?: number) => {
    errors[field] ??= sentences[kind][ctx.lang](ctx.t(label), n);
  };
  return {
    errors,
    /** A required text, within its length. */
    text(field: string, value: string, label: string, max: number) {
      if (!value) say(field, 'required', label);
      else if (value.length > max) say(field, 'tooLong', label, max);
    },
    /** An optional text, within its length. */
    optionalText(field: string, value: string, label: string, max: number) {
      if (value.length > max) say(field, 'tooLong', label, max);
    },
    /** A required email address: something@somewhere.tld, no spaces. */
    email(field: string, value: string, label: string) {
      if (!value) say(field, 'required', label);
      else if (value.length > 254 || !/^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/.test(value)) say(field, 'email', label);
    },
    atLeastOne(field: string, values: string[], label: string) {
      if (values.length === 0) say(field, 'choose', label);
    },
    duration(field: string, value: string, label: string) {
      if (!value) say(field, 'required', label);
      else if (!isDuration(value)) say(field, 'duration', label);
    },
    /** A whole number from 0 to max; `required` false lets it be empty. */
    wholeNumber(field: string, value: string, label: string, o: { max?: number; required?: boolean } = {}) {
      if (!value) {
        if (o.required) say(field, 'required', label);
        return;
      }
      if (!/^\d+$/.test(value)) say(field, 'number', label);
      else if (o.max !== undefined && Number(value) > o.max) say(field, 'between', label, o.max);
    },
    /** A rule of the Mesa's about this field (a sentence already in the page's language). */
    rule(field: string, when: boolean, sentence: string) {
      if (when) errors[field] ??= ctx.t(sentence);
    },
  };
}

export type Checker = ReturnType<typeof checker>;

/**
 * A deadline from its three form fields (api/web/pages/launch.ts): a date wins; else a whole number
 * of days in the chosen unit; anything else is passed on as typed (an ISO 8601 duration, or what
 * the API will refuse beside the field).
 */
export function deadlineFromForm(f: Form, name: string): DeadlineExpression {
  const until = one(f[`${name}_until`]);
  if (until) return { until };
  const amount = one(f[name]);
  if (!/^\d+$/.test(amount)) return amount;
  return one(f[`${name}_unit`]) === 'days' ? { days: Number(amount) } : { workingDays: Number(amount) };
}

/** Rows of planned actions on the launch form: `action1_title`, `action1_responsible`… */
export const actionRows = 3;

const actionLabels = { title: 'Nombre de la acción', responsible: 'Instituciones responsables', dueIn: 'Plazo de la acción', deliverable: 'Entregable' };

/**
 * The launch form as the API's body, and every mistake in it. A planned action left entirely
 * empty is no action; one partly filled names each part it still lacks.
 */
export function launchFromForm(ctx: Ctx, f: Form) {
  const c = checker(ctx);
  const stages = many(f.stages);
  const body = {
    title: one(f.title), summary: one(f.summary), text: one(f.text),
    objectives: many(f.objectives), populations: many(f.populations), leadWorkingGroup: one(f.leadWorkingGroup),
    stages,
    deadlines: Object.fromEntries(stages.map((s) => [s, deadlineFromForm(f, `deadline_${s}`)])),
    decisionRule: one(f.decisionRule), silencePolicy: one(f.silencePolicy),
    // Unticked, the field is left out: the API's default (a written round).
    decisionInSession: one(f.decisionInSession) === 'si' || undefined,
    actions: [] as Array<{ title: string; responsible: string[]; dueIn: DeadlineExpression; deliverable: string }>,
  };
  c.text('title', body.title, 'Título', textLimits.title);
  c.text('summary', body.summary, 'Resumen', textLimits.summary);
  c.text('text', body.text, 'Texto', textLimits.document);
  c.atLeastOne('objectives', body.objectives, 'Objetivos de la PNM');
  c.atLeastOne('populations', body.populations, 'Poblaciones');
  c.text('leadWorkingGroup', body.leadWorkingGroup, 'Grupo de trabajo líder', textLimits.code);
  c.atLeastOne('stages', stages, 'Etapas');
  // The stage deadlines are the API's to check (their field shape belongs to the calendar rules).
  /** The form's row of each action sent, for the API's errors about `actions[i]`. */
  const rows: number[] = [];
  for (let n = 1; n <= actionRows; n++) {
    const a = { title: one(f[`action${n}_title`]), responsible: many(f[`action${n}_responsible`]), dueIn: deadlineFromForm(f, `action${n}_dueIn`), deliverable: one(f[`action${n}_deliverable`]) };
    // The due period comes filled in: an action is "used" only when something else is.
    if (!a.title && a.responsible.length === 0 && !a.deliverable) continue;
    c.text(`action${n}_title`, a.title, actionLabels.title, textLimits.title);
    c.atLeastOne(`action${n}_responsible`, a.responsible, actionLabels.responsible);
    if (typeof a.dueIn === 'string') c.duration(`action${n}_dueIn`, a.dueIn, actionLabels.dueIn);
    c.text(`action${n}_deliverable`, a.deliverable, actionLabels.deliverable, 1000);
    body.actions.push(a);
    rows.push(n);
  }
  return { body, errors: c.errors, rows };
}

/**
 * The launch form as a draft: only what was filled in (a draft may lack anything), each planned
 * action with the parts it has. `rows` are the form's rows of the actions kept, for the API's
 * errors about `actions[i]`.
 */
export function draftFromForm(ctx: Ctx, f: Form): { content: ProposalDraft; rows: number[] } {
  const { body } = launchFromForm(ctx, f);
  const filled = (v: unknown) => (Array.isArray(v) ? v.length > 0 : v !== '' && v !== undefined);
  const content: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (key !== 'actions' && key !== 'deadlines' && filled(value)) content[key] = value;
  const deadlines = Object.fromEntries(Object.entries(body.deadlines).filter(([, v]) => filled(v)));
  if (Object.keys(deadlines).length) content.deadlines = deadlines;
  const actions: Array<Partial<PlannedAction>> = [];
  const rows: number[] = [];
  for (let n = 1; n <= actionRows; n++) {
    const a = { title: one(f[`action${n}_title`]), responsible: many(f[`action${n}_responsible`]), dueIn: deadlineFromForm(f, `action${n}_dueIn`), deliverable: one(f[`action${n}_deliverable`]) };
    // As on launch, the due period comes filled in: a row is an action only when something else is.
    if (!a.title && a.responsible.length === 0 && !a.deliverable) continue;
    actions.push(Object.fromEntries(Object.entries(a).filter(([, v]) => filled(v))));
    rows.push(n);
  }
  if (actions.length) content.actions = actions;
  return { content: content as ProposalDraft, rows };
}

/** A deadline expression as its three form fields (the inverse of deadlineFromForm). */
function deadlineFields(name: string, e: unknown): Form {
  if (e === undefined) return {};
  if (typeof e === 'string') return { [name]: e };
  const x = e as { workingDays?: number; days?: number; until?: string };
  if (x.until !== undefined) return { [name]: '', [`${name}_until`]: x.until };
  return x.days !== undefined ? { [name]: String(x.days), [`${name}_unit`]: 'days' } : { [name]: String(x.workingDays ?? ''), [`${name}_unit`]: 'workingDays' };
}

/** A draft as the launch form's values, its actions in the first rows. */
export function formFromDraft(d: ProposalDraft): Form {
  const f: Form = {
    title: d.title ?? '', summary: d.summary ?? '', text: d.text ?? '', objectives: d.objectives ?? [], populations: d.populations ?? [],
    leadWorkingGroup: d.leadWorkingGroup ?? '', stages: d.stages ?? [...launchDefaults.stages], decisionRule: d.decisionRule ?? '', silencePolicy: d.silencePolicy ?? '',
    decisionInSession: d.decisionInSession ? 'si' : '',
  };
  for (const stage of ['grupo_de_trabajo', 'consulta', 'conformidad'] as const) {
    Object.assign(f, deadlineFields(`deadline_${stage}`, d.deadlines?.[stage] ?? launchDefaults.deadlines[stage]));
  }
  (d.actions ?? []).slice(0, actionRows).forEach((a, i) => {
    const n = i + 1;
    Object.assign(f, { [`action${n}_title`]: a.title ?? '', [`action${n}_responsible`]: a.responsible ?? [], [`action${n}_deliverable`]: a.deliverable ?? '' });
    Object.assign(f, deadlineFields(`action${n}_dueIn`, a.dueIn));
  });
  return f;
}
