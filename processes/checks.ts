// The checks every update validator makes on what it is sent, before its own rules: Temporal is
// reachable without the API, so a workflow never assumes the API's schemas ran. Each check
// refuses with `refusals.invalid`, naming the field in the refusal's details (the API answers 400).
import { maxDurationYears } from '../domain/durations';
import { codeShape, instantOf, isWebAddress, textLimits, textProblem, type TextRule } from '../domain/text';
import { refuse, refusals } from './common';

export function invalid(field: string, message: string): never {
  return refuse(refusals.invalid, message, [field]);
}

/** A stored text: the Mesa's text rule (domain/text.ts). */
export function checkText(field: string, value: unknown, rule: TextRule): void {
  const problem = textProblem(value, rule);
  if (problem) invalid(field, `El campo «${field}» ${problem}.`);
}

export function checkOptionalText(field: string, value: unknown, rule: TextRule): void {
  if (value !== undefined && value !== null) checkText(field, value, rule);
}

/** An optional evidence link: one line of the text rule, and http or https (domain/text.ts). */
export function checkOptionalWebAddress(field: string, value: unknown): void {
  if (value === undefined || value === null) return;
  checkText(field, value, { kind: 'line', max: textLimits.url });
  if (!isWebAddress(value as string)) invalid(field, `El campo «${field}» debe ser un enlace http o https.`);
}

export function checkOneOf(field: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) invalid(field, `El campo «${field}» debe ser uno de: ${allowed.join(', ')}.`);
}

export function checkBoolean(field: string, value: unknown, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value !== 'boolean') invalid(field, `El campo «${field}» debe ser verdadero o falso.`);
}

export function checkInteger(field: string, value: unknown, min: number, max: number, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(field, `El campo «${field}» debe ser un número entero entre ${min} y ${max}.`);
  }
}

/** A date a workflow will compute with: a real instant, within the ten years the Mesa plans for. */
export function checkInstant(field: string, value: unknown, now: Date): Date {
  const at = instantOf(value);
  if (!at) invalid(field, `El campo «${field}» debe ser una fecha y hora real con zona horaria (segundos de 00 a 59), p. ej. 2027-03-31T17:00:00-05:00.`);
  const limit = new Date(now.getTime());
  limit.setUTCFullYear(limit.getUTCFullYear() + maxDurationYears);
  if (at.getTime() > limit.getTime()) invalid(field, `El campo «${field}» no puede estar a más de ${maxDurationYears} años.`);
  return at;
}

/** Institution codes: one-line texts, each once. Whether they name who they should is the caller's rule. */
export function checkCodes(field: string, value: unknown): asserts value is string[] {
  if (!Array.isArray(value) || value.length === 0) invalid(field, `El campo «${field}» debe ser una lista no vacía de códigos de institución.`);
  value.forEach((code, i) => {
    checkText(`${field}[${i}]`, code, { kind: 'line', max: textLimits.code, required: true });
    if (!codeShape.test(code as string)) invalid(`${field}[${i}]`, `El campo «${field}[${i}]» no es un código de institución del registro (p. ej. MINSA).`);
  });
  if (new Set(value).size !== value.length) invalid(field, `El campo «${field}» no puede repetir instituciones.`);
}

/** A list of values from a vocabulary, each once; `min` of them at least. */
export function checkChoices(field: string, value: unknown, allowed: readonly string[], min: number): asserts value is string[] {
  if (!Array.isArray(value) || value.length < min) {
    invalid(field, min > 0 ? `El campo «${field}» debe tener al menos ${min} elemento(s) de: ${allowed.join(', ')}.` : `El campo «${field}» debe ser una lista.`);
  }
  value.forEach((v, i) => checkOneOf(`${field}[${i}]`, v, allowed));
  if (new Set(value).size !== value.length) invalid(field, `El campo «${field}» no puede repetir elementos.`);
}
