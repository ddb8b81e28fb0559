// Turns JSON-schema errors (fastify's ajv, TypeBox's Value.Errors: the same shape) into one
// Spanish sentence that names the field, for the API's 400s and for configuration errors alike.
import { instantPattern, textPatterns } from '../domain/text';

export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** `/actions/0/title` → `actions[0].title`; a missing property is named by its parent + name. */
export function fieldOf(e: SchemaError): string {
  const parts = e.instancePath.split('/').filter(Boolean);
  if (e.keyword === 'required') parts.push(String(e.params.missingProperty ?? (e.params.requiredProperties as string[] | undefined)?.[0]));
  if (e.keyword === 'additionalProperties') parts.push(String(e.params.additionalProperty ?? (e.params.additionalProperties as string[] | undefined)?.[0]));
  return parts.reduce((path, p) => (/^\d+$/.test(p) ? `${path}[${p}]` : path ? `${path}.${p}` : p), '');
}

const typeNames: Record<string, string> = {
  string: 'un texto', number: 'un número', integer: 'un número entero', boolean: 'verdadero o falso',
  array: 'una lista', object: 'un objeto',
};

/** Fields that take a deadline expression (docs/domain.md#calendario-y-plazos): a union, named as one thing. */
const deadlineField = /^(deadlines\.\w+|reminders\[\d+\]|extension|actions\[\d+\]\.(dueIn|reminders\[\d+\]))$/;

/**
 * The error to tell: the first, except that a deadline that matches none of its forms is named as
 * a whole, not by what its first form (a text) would have wanted.
 */
export function errorToTell(errors: SchemaError[]): SchemaError {
  return errors.find((e) => e.keyword === 'anyOf' && deadlineField.test(fieldOf(e))) ?? errors[0]!;
}

export function describeSchemaError(e: SchemaError, where = 'El campo'): string {
  const f = `${where} «${fieldOf(e)}»`;
  const p = e.params;
  switch (e.keyword) {
    case 'required': return `Falta ${where.toLowerCase()} obligatorio «${fieldOf(e)}».`;
    case 'additionalProperties': return `${f} no está permitido.`;
    case 'type': return `${f} debe ser ${typeNames[String(p.type)] ?? String(p.type)}.`;
    case 'enum': return `${f} debe ser uno de: ${(p.allowedValues as unknown[]).join(', ')}.`;
    case 'const': return `${f} debe ser ${String(p.allowedValue)}.`;
    case 'minLength': return Number(p.limit) <= 1 ? `${f} no puede estar vacío.` : `${f} debe tener al menos ${String(p.limit)} caracteres.`;
    case 'maxLength': return `${f} admite como máximo ${String(p.limit)} caracteres.`;
    case 'minItems': return `${f} debe tener al menos ${String(p.limit)} elemento(s).`;
    case 'maxItems': return `${f} admite como máximo ${String(p.limit)} elementos.`;
    case 'uniqueItems': return `${f} no puede repetir elementos.`;
    case 'minimum': case 'exclusiveMinimum': return `${f} debe ser ${e.keyword === 'minimum' ? 'mayor o igual' : 'mayor'} que ${String(p.limit)}.`;
    case 'maximum': case 'exclusiveMaximum': return `${f} debe ser ${e.keyword === 'maximum' ? 'menor o igual' : 'menor'} que ${String(p.limit)}.`;
    case 'pattern':
      if (p.pattern === textPatterns.line) return `${f} no admite saltos de línea, tabulaciones, caracteres de control ni caracteres Unicode inválidos.`;
      if (p.pattern === textPatterns.text) return `${f} contiene caracteres de control o caracteres Unicode inválidos.`;
      if (p.pattern === instantPattern) return `${f} debe ser una fecha y hora real con zona horaria (segundos de 00 a 59), p. ej. 2027-03-31T17:00:00-05:00.`;
      return `${f} no tiene el formato esperado.`;
    case 'format': return p.format === 'date-time'
      ? `${f} debe ser una fecha y hora ISO 8601 con zona horaria, p. ej. 2027-03-31T17:00:00-05:00.`
      : `${f} no tiene el formato esperado.`;
    case 'anyOf': if (deadlineField.test(fieldOf(e))) {
      return `${f} debe ser un plazo: {"workingDays": 10}, {"days": 30}, {"until": "2027-03-15"} o una duración ISO 8601 (p. ej. P10D).`;
    }
    return `${f} no tiene ninguna de las formas admitidas.`;
    default: return `${f} no es válido${e.message ? ` (${e.message})` : ''}.`;
  }
}

/** A launch problem (domain/proposal.ts) as a sentence naming its field; the schema's sentences already do. */
export const problemSentence = ({ field, message }: { field: string; message: string }) =>
  (/^(El campo|Falta)/.test(message) ? message : `El campo «${field}» no es válido: ${message}`);
