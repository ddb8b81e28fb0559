// The one rule for every string the Mesa stores. PostgreSQL refuses NUL and lone surrogates
// (22021, 22P05): a text that passed our checks but not the database's would leave a process
// retrying its write forever, so both the API schemas and the workflows' validators apply this
// rule, and the API normalizes before it checks. Pure: the workflows import it too.
//
// Decisions:
// - Line breaks: the API turns CRLF and a bare CR into LF (browsers send CRLF from a textarea),
//   so a stored text never holds a CR. A one-line field (a title, a name, a code) admits no
//   line break, tab or other control character at all.
// - Unicode: the API normalizes every text to NFC before validating it; a text that reaches a
//   workflow some other way must already be NFC, or it is refused. So equal texts are equal bytes.
// - Length: counted in characters (code points), as JSON Schema's maxLength counts them.

/** C0 controls other than tab and LF, and any lone surrogate: what a multi-line text may not hold. */
const multiLineForbidden = '\\u0000-\\u0008\\u000B-\\u001F\\uD800-\\uDFFF';
/** One-line fields also refuse tab and LF. */
const oneLineForbidden = '\\u0000-\\u001F\\uD800-\\uDFFF';

/**
 * The rule as JSON Schema patterns, for the API schemas (and /openapi.json). They are meant for a
 * Unicode-aware regular expression (ajv's default), where a well-formed surrogate pair is one
 * character outside the surrogate range and only a lone surrogate falls inside it.
 */
export const textPatterns = {
  line: `^[^${oneLineForbidden}]*$`,
  text: `^[^${multiLineForbidden}]*$`,
} as const;

export type TextKind = keyof typeof textPatterns;

/**
 * A link people click (evidence): http or https only, since a `javascript:`, `vbscript:` or
 * `data:` link would run in whoever clicks it; and one line of the text rule.
 */
export const webAddressPattern = `^[hH][tT][tT][pP][sS]?://[^\\s${oneLineForbidden}]+$`;
export const isWebAddress = (value: string) => new RegExp(webAddressPattern, 'u').test(value);

/** Field sizes, in characters: the schemas and the validators read them from here. */
export const textLimits = {
  code: 40,
  title: 300,
  name: 200,
  summary: 3000,
  reason: 5000,
  comment: 20_000,
  document: 200_000,
  url: 2000,
} as const;

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const controls = { line: /[\u0000-\u001F]/, text: /[\u0000-\u0008\u000B-\u001F]/ } as const;

function characters(value: string): number {
  let n = 0;
  for (const _ of value) n += 1;
  return n;
}

export interface TextRule {
  kind: TextKind;
  max: number;
  /** True when an empty text (or only spaces) is not enough. */
  required?: boolean;
}

/** What is wrong with `value` under `rule`, in Spanish (without the field's name), or null. */
export function textProblem(value: unknown, rule: TextRule): string | null {
  if (typeof value !== 'string') return 'debe ser un texto';
  if (loneSurrogate.test(value)) return 'contiene caracteres Unicode inválidos (sustitutos sueltos)';
  if (controls[rule.kind].test(value)) {
    return rule.kind === 'line' ? 'no admite saltos de línea, tabulaciones ni caracteres de control' : 'contiene caracteres de control no permitidos';
  }
  if (value.normalize('NFC') !== value) return 'debe estar en forma Unicode normalizada (NFC)';
  if (characters(value) > rule.max) return `admite como máximo ${rule.max} caracteres`;
  if (rule.required && value.trim() === '') return 'no puede estar vacío';
  return null;
}

/** A text as the Mesa stores it: NFC, with LF line breaks. Lone surrogates are left for the rule to refuse. */
export function normalizeText(value: string): string {
  return value.replace(/\r\n?/g, '\n').normalize('NFC');
}

/**
 * Every string in a JSON value, normalized; keys named in `verbatim` (secrets, passwords) are
 * left exactly as sent, since they are compared byte for byte, never shown.
 */
export function normalizeStrings(value: unknown, verbatim: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return normalizeText(value);
  if (Array.isArray(value)) return value.map((v) => normalizeStrings(v, verbatim));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty: a key named "__proto__" stays an ordinary key, for the schema to refuse.
      Object.defineProperty(out, k, { value: verbatim.has(k) ? v : normalizeStrings(v, verbatim), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** ISO 8601 date-time with an offset, seconds 00–59: what "a real instant" looks like. */
export const instantPattern = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:[0-5]\\d(\\.\\d{1,9})?)?(Z|z|[+-]\\d{2}:\\d{2})$';
const instantRegExp = new RegExp(instantPattern);

/**
 * The instant `text` names, or null when it names none: a leap second (23:59:60), 31 February or
 * 25:00 parse to nothing in JavaScript, and would stop a workflow that computed with them.
 */
export function instantOf(text: unknown): Date | null {
  if (typeof text !== 'string' || !instantRegExp.test(text)) return null;
  const [, y, mo, d, h, mi] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(text)!.map(Number) as number[];
  const days = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > days || h! > 23 || mi! > 59) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}

/**
 * The shape of every institution and group code in the registry (MINSA, GT3, CONGRESO-CRE). A
 * workflow that cannot read the registry still refuses any other shape, "__proto__" among them.
 */
export const codeShape = /^[A-Z][A-Z0-9-]{0,39}$/;

/** Own keys only: an id like "__proto__" or "toString" names nothing in a plain record. */
export function ownEntry<V>(record: Record<string, V>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
