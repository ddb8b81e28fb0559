// The text rule every stored string follows (domain/text.ts), the JSON Schema patterns that say it
// in the API, and the bounds on dates and durations: the schema and the rule must never disagree.
import Ajv from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPermanentFailure, sqlStateOf } from '../db/errors';
import { addDuration, parseDuration } from '../domain/durations';
import { instantOf, normalizeStrings, normalizeText, ownEntry, textPatterns, textProblem } from '../domain/text';

const ajv = new Ajv();
const schemaAccepts = { line: ajv.compile({ type: 'string', pattern: textPatterns.line }), text: ajv.compile({ type: 'string', pattern: textPatterns.text }) };
const big = 1_000_000;

/** Any UTF-16 string, lone surrogates and control characters included. */
const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

describe('the text rule', () => {
  it('refuses NUL, other C0 controls and lone surrogates, and keeps tab and newline in a multi-line text', () => {
    expect(textProblem('a\u0000b', { kind: 'text', max: big })).toMatch(/control/);
    expect(textProblem('\ud800', { kind: 'text', max: big })).toMatch(/Unicode/);
    expect(textProblem('fin\udc00', { kind: 'text', max: big })).toMatch(/Unicode/);
    expect(textProblem('a\rb', { kind: 'text', max: big })).toMatch(/control/);
    expect(textProblem('Párrafo 1.\n\n\tPárrafo 2 😀', { kind: 'text', max: big })).toBeNull();
    expect(textProblem('Título\ncon salto', { kind: 'line', max: big })).toMatch(/saltos de línea/);
    expect(textProblem('Título con ñ y 😀', { kind: 'line', max: big })).toBeNull();
  });

  it('counts characters, not UTF-16 units, and refuses what is not NFC or too long', () => {
    expect(textProblem('😀😀', { kind: 'line', max: 2 })).toBeNull();
    expect(textProblem('😀😀😀', { kind: 'line', max: 2 })).toMatch(/como máximo 2/);
    expect(textProblem('Peru\u0301', { kind: 'line', max: big })).toMatch(/NFC/);
    expect(textProblem('   ', { kind: 'text', max: big, required: true })).toMatch(/vacío/);
  });

  it('agrees with the schema patterns on every string', () => {
    fc.assert(fc.property(anyText, fc.constantFrom('line' as const, 'text' as const), (s, kind) => {
      const nfc = s.normalize('NFC');
      expect(textProblem(nfc, { kind, max: big }) === null).toBe(schemaAccepts[kind](nfc));
    }), { numRuns: 5000, seed: 12 });
  });

  it('refuses every string holding a lone surrogate or a NUL, wherever it is', () => {
    fc.assert(fc.property(fc.string(), fc.oneof(loneSurrogate, fc.constant('\u0000')), fc.string(), (before, bad, after) => {
      // A high surrogate just before a low one is a pair, not a lone surrogate: keep them apart.
      const s = `${before}${bad}x${after}`;
      fc.pre(!/[\uD800-\uDBFF]$/.test(before) || bad === '\u0000');
      expect(textProblem(s, { kind: 'text', max: big })).not.toBeNull();
      expect(schemaAccepts.text(s)).toBe(false);
    }), { numRuns: 2000, seed: 7 });
  });

  it('normalizes to what the rule accepts: NFC, LF line breaks, nothing else changed', () => {
    expect(normalizeText('a\r\nb\rc')).toBe('a\nb\nc');
    expect(normalizeText('Peru\u0301')).toBe('Perú');
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), (s) => {
      const n = normalizeText(s);
      expect(normalizeText(n)).toBe(n);
      expect(n.includes('\r')).toBe(false);
    }), { numRuns: 2000, seed: 3 });
  });

  it('normalizes every string of a body except the verbatim ones, and keeps "__proto__" an ordinary key', () => {
    const body = JSON.parse('{"text":"a\\r\\nb","password":"Peru\\u0301","list":["x\\r"],"__proto__":{"polluted":true}}');
    const n = normalizeStrings(body, new Set(['password'])) as Record<string, unknown>;
    expect(n.text).toBe('a\nb');
    expect(n.password).toBe('Peru\u0301');
    expect(n.list).toEqual(['x\n']);
    expect(Object.hasOwn(n, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('instants and durations', () => {
  it('takes only real instants: no leap second, no 31 February, no hour 24', () => {
    expect(instantOf('2027-01-01T23:59:60Z')).toBeNull();
    expect(instantOf('2027-02-31T10:00:00Z')).toBeNull();
    expect(instantOf('2027-01-01T24:00:00Z')).toBeNull();
    expect(instantOf('2027-03-31')).toBeNull();
    expect(instantOf('2028-02-29T17:00:00-05:00')?.toISOString()).toBe('2028-02-29T22:00:00.000Z');
    fc.assert(fc.property(fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }), (d) => {
      expect(instantOf(d.toISOString())?.getTime()).toBe(d.getTime());
    }), { numRuns: 1000, seed: 5 });
  });

  it('bounds durations to ten years, so every deadline stays a date', () => {
    expect(parseDuration('P300000Y')).toBeNull();
    expect(parseDuration('PT99999999999999999999S')).toBeNull();
    expect(parseDuration('P11Y')).toBeNull();
    expect(parseDuration('P10Y')).toMatchObject({ years: 10 });
    fc.assert(fc.property(fc.stringMatching(/^P(\d{1,25}Y)?(\d{1,25}M)?(\d{1,25}D)?(T(\d{1,25}H)?(\d{1,25}S)?)?$/), (text) => {
      const d = parseDuration(text);
      if (d) expect(Number.isNaN(addDuration(new Date('2026-11-29T00:00:00Z'), text).getTime())).toBe(false);
    }), { numRuns: 3000, seed: 9 });
  });

  it('finds nothing behind "__proto__", "constructor" or "toString" in a plain record', () => {
    const inputs: Record<string, { answered: boolean }> = { 'prop-a2': { answered: false } };
    for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) expect(ownEntry(inputs, id)).toBeUndefined();
    expect(ownEntry(inputs, 'prop-a2')).toEqual({ answered: false });
  });
});

describe('which database failures are retried', () => {
  /** A PostgreSQL error as drizzle hands it on: the driver's error as its cause. */
  const wrapped = (code: string) => Object.assign(new Error('Failed query'), { cause: Object.assign(new Error('driver'), { code }) });

  it('gives up at once on data, constraint and statement errors, which fail the same way every time', () => {
    for (const code of ['22021', '22P05', '22007', '23505', '23503', '42703']) {
      expect(sqlStateOf(wrapped(code))).toBe(code);
      expect(isPermanentFailure(wrapped(code))).toBe(true);
    }
    expect(isPermanentFailure(new RangeError('Invalid time value'))).toBe(true);
  });

  it('keeps retrying lost connections, shutdowns, serialization failures, deadlocks and timeouts', () => {
    for (const code of ['08006', '08001', '57P01', '57P03', '40001', '40P01', '53300']) expect(isPermanentFailure(wrapped(code))).toBe(false);
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'CONNECTION_CLOSED']) {
      expect(isPermanentFailure(Object.assign(new Error(code), { code }))).toBe(false);
    }
    expect(isPermanentFailure(new Error('timeout'))).toBe(false);
  });
});
