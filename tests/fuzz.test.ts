// Every route, every role, with what a careless client or an attacker would send: requests
// generated from the published OpenAPI document (and the web pages' routes) by fast-check with a
// fixed seed. What must hold for each one: no 5xx, no request left hanging, the contract's error
// body on every 4xx of the API, and nothing changed in the database by any 4xx.
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../db/client';
import { csrfCookie, sessionCookie } from '../api/web/context';
import { demoEmail } from '../runtime/demo';
import { adoptWith, demoPassword, eventually, launchBody, startMesa, type Mesa } from './harness';

const seed = Number(process.env.MESA_FUZZ_SEED ?? 20261129);
const runs = Number(process.env.MESA_FUZZ_RUNS ?? 5000);
/** A request still unanswered after this long counts as hung. */
const hungAfterMs = 20_000;

/** One institution of each kind, plus callers with no or a bad token. */
const roles = ['SECRETARIA', 'MINSA', 'DEFENSORIA', 'OIM', 'AFAMIPER', 'sin_token', 'token_falso'] as const;
type Role = (typeof roles)[number];

let mesa: Mesa;
const apiTokens = new Map<Role, string>();
const webTokens = new Map<Role, string>();
/** A form token with its secret's cookie, as the login page hands them to a browser. */
const formPass = { csrf: '', cookie: '' };
/** Real ids, so that generated requests also reach the workflows and not only the 404s. */
const known = { proposal: [] as string[], task: [] as string[], input: [] as string[], inbox: [] as string[], code: ['MINSA', 'AFAMIPER', 'SECRETARIA', 'GT3'] };

async function newToken(code: string): Promise<string> {
  const res = await mesa.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email: demoEmail(code), password: demoPassword } });
  expect(res.statusCode).toBe(200);
  return res.json<{ token: string }>().token;
}

beforeAll(async () => {
  mesa = await startMesa();
  for (const role of roles) {
    if (role === 'sin_token' || role === 'token_falso') continue;
    apiTokens.set(role, await mesa.login(role));
    webTokens.set(role, await newToken(role));
  }
  const login = await mesa.app.inject({ method: 'GET', url: '/entrar' });
  formPass.csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!;
  formPass.cookie = [login.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith(`${csrfCookie}=`))!.split(';')[0]!;
  const launch = async (stages: string[]) => {
    const res = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages, deadlines: Object.fromEntries(stages.map((s) => [s, 'P30D'])) }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res;
  };
  const consulting = await launch(['consulta', 'conformidad']);
  const input = await mesa.call('AFAMIPER', 'POST', `/api/v1/proposals/${consulting.body.id}/inputs`, { kind: 'comentario', text: 'Un aporte de la sociedad civil.' });
  const inGroup = await launch(['grupo_de_trabajo', 'conformidad']);
  const inRound = await launch(['conformidad']);
  const tasks = await adoptWith(mesa, [{ title: 'Tarea de prueba', responsible: ['MINSA'], dueIn: 'P90D', deliverable: 'Informe' }]);
  known.proposal.push(consulting.body.id, inGroup.body.id, inRound.body.id);
  known.input.push(input.body.id);
  known.task.push(...tasks);
  const inbox = await eventually(async () => {
    const items = (await mesa.call('MINSA', 'GET', '/api/v1/inbox')).body.items as Array<{ id: string }>;
    return items.length > 0 ? items : undefined;
  });
  known.inbox.push(inbox[0]!.id);
  for (const [kind, ids] of Object.entries(known)) expect(ids.every((id) => typeof id === 'string'), kind).toBe(true);
}, 180_000);
afterAll(() => mesa?.close());

// ---- what state a 4xx must leave untouched ----------------------------------------------------

/** Everything an action could change, in one row: counts of the trails and records, digests of editable rows. */
async function fingerprint(): Promise<string> {
  const rows = rowsOf<Record<string, unknown>>(await mesa.database.db.execute(sql`select
    (select count(*) from proposals) as proposals, (select count(*) from proposal_audit) as proposal_audit,
    (select count(*) from proposal_versions) as versions, (select count(*) from proposal_inputs) as inputs,
    (select count(*) from proposal_signoffs) as signoffs, (select count(*) from proposal_comments) as comments,
    (select count(*) from tasks) as tasks, (select count(*) from task_audit) as task_audit, (select count(*) from task_progress) as progress,
    (select count(*) from inbox_items where read) as read, (select count(*) from calendar_tokens) as calendar_tokens,
    (select count(*) from users) as users, (select count(*) from tokens) as tokens,
    (select coalesce(md5(string_agg(concat_ws('|', institution, titular_email, alterno_email, webhook_url, updated_at), ',' order by institution)), '') from contacts) as contacts,
    (select coalesce(md5(string_agg(concat_ws('|', id, notifications, password_hash), ',' order by id)), '') from users) as user_settings`));
  return JSON.stringify(rows[0]);
}

/**
 * The fingerprint once the work that the setup or a successful action left running (the adopted
 * agreement's tasks, notifications) has landed: two readings 100 ms apart agree. Only then does a
 * 4xx that follows own every change seen during it (on a busy CI machine, the very first request,
 * right after the setup, was once blamed for a change).
 */
async function settledFingerprint(): Promise<string> {
  let last = await fingerprint();
  for (const until = Date.now() + 10_000; Date.now() < until;) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await fingerprint();
    if (now === last) return now;
    last = now;
  }
  return last;
}

/** The fields of two fingerprints that differ, as `name before→after`. */
function changedFields(before: string, after: string): string {
  const a = JSON.parse(before) as Record<string, unknown>;
  const b = JSON.parse(after) as Record<string, unknown>;
  return Object.keys(a).filter((k) => a[k] !== b[k]).map((k) => `${k} ${String(a[k])}→${String(b[k])}`).join(', ');
}

// ---- generated requests ------------------------------------------------------------------------

interface Schema {
  type?: string | string[]; enum?: unknown[]; const?: unknown; anyOf?: Schema[]; oneOf?: Schema[];
  properties?: Record<string, Schema>; required?: string[]; items?: Schema;
  minLength?: number; maxLength?: number; minimum?: number; maximum?: number; minItems?: number; maxItems?: number; format?: string;
}

/** Values that broke, or could break, a process: control characters, lone surrogates, keys of Object.prototype, dates and durations at or past their edges. */
const poison = fc.constantFrom<unknown>(
  'a\u0000b', '\ud800', 'x\udc00y', 'campana\u0007', 'título\rATTENDEE:mailto:x@y.z', 'línea\r\nSUMMARY:otra', '', ' ', '\u202e', 'e\u0301',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'P300000Y', 'PT99999999999999999999S', 'P0D', 'P', '2027-01-01T23:59:60Z',
  '2027-02-30T10:00:00Z', '+275760-09-13T00:00:01Z', 'javascript:alert(1)', 'vbscript:msgbox', 'data:text/html,<b>x</b>', 'http://127.0.0.1:9/',
  'http://[::1]:9/', 'http://169.254.169.254/', '%', '%zz', '<script>alert(1)</script>', 'x'.repeat(70_000),
  -1, 0, 1.5, 101, 1e308, -1e308, 2 ** 53 + 1, true, false, null, [], {}, ['x'], { __proto__: null, a: 1 }, JSON.parse('{"__proto__":{"polluted":1}}'),
);
/** Text of every UTF-16 code unit, lone surrogates and C0 controls included. */
const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 });

function valueOf(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => valueOf(s, depth)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'date-time') return fc.date({ min: new Date('2026-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'uri') return fc.constantFrom('https://evidencia.example.gob.pe/informe.pdf', 'http://127.0.0.1:9/gancho');
      return fc.string({ minLength: Math.max(1, schema.minLength ?? 0), maxLength: Math.min(schema.maxLength ?? 30, 30) });
    case 'integer': return fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 1000 });
    case 'number': return fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 1, noNaN: true, noDefaultInfinity: true });
    case 'boolean': return fc.boolean();
    case 'null': return fc.constant(null);
    case 'array':
      if (depth > 3 || !schema.items) return fc.constant([]);
      return fc.array(valueOf(schema.items, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object': {
      if (depth > 3 || !schema.properties) return fc.constant({});
      const required = schema.required ?? [];
      const shape = Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, valueOf(s, depth + 1)]));
      return fc.record(shape, { requiredKeys: required });
    }
    default: return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Every path to a value inside a body, so that one of them can be spoiled. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return prefix.length ? [prefix] : [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [...(prefix.length ? [prefix] : []), ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}

function spoiled(body: unknown, path: Array<string | number>, bad: unknown): unknown {
  if (path.length === 0) return bad;
  const copy: any = Array.isArray(body) ? [...body] : { ...(body as object) };
  copy[path[0]!] = spoiled(copy[path[0]!], path.slice(1), bad);
  return copy;
}

/** A body for `schema`: valid, one value spoiled, a field missing or added, any JSON, or not JSON at all. */
function bodyOf(schema: Schema | undefined): fc.Arbitrary<{ payload?: string; contentType?: string }> {
  const json = (v: unknown) => ({ payload: JSON.stringify(v), contentType: 'application/json' });
  const valid = schema ? valueOf(schema) : fc.constant({});
  return fc.oneof(
    { weight: 3, arbitrary: valid.map(json) },
    {
      weight: 5,
      arbitrary: valid.chain((v) => {
        const paths = pathsOf(v);
        return fc.tuple(paths.length ? fc.constantFrom(...paths) : fc.constant([] as Array<string | number>), fc.oneof(poison, anyText))
          .map(([path, bad]) => json(spoiled(v, path, bad)));
      }),
    },
    {
      weight: 1,
      arbitrary: valid.chain((v) => fc.oneof(fc.constant('__proto__'), fc.constant('constructor'), fc.string({ maxLength: 10 }))
        .map((extra) => json(typeof v === 'object' && v !== null ? { ...v, [extra]: 'x' } : v))),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', '{', '{"a":', 'null', '[]', '"x"', '{"text":"a\\u0000b"}', '\u0000', 'a=1&b=2', '{"a":1}{"b":2}')
        .chain((payload) => fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=latin1')
          .map((contentType) => ({ payload, contentType }))),
    },
  );
}

/**
 * Percent-encodes any text, lone surrogates too (as the bytes a hostile client would send for
 * them, which are not UTF-8), where encodeURIComponent would throw.
 */
function encode(text: string): string {
  return Array.from(text, (ch) => {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) {
      return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    }
    return encodeURIComponent(ch);
  }).join('');
}

/** A path parameter: a real id of the right kind, or anything else. */
function paramOf(name: string, path: string): fc.Arbitrary<string> {
  const kind = name === 'inputId' ? known.input : name === 'code' ? known.code
    : path.includes('/tasks/') ? known.task : path.includes('/inbox/') ? known.inbox : known.proposal;
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...kind).map(encode) },
    { weight: 2, arbitrary: fc.oneof(poison.filter((v): v is string => typeof v === 'string' && v.length < 1000), anyText).map(encode) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%00', '%E0%A4%A', '..%2F..%2Fetc', 'x'.repeat(3000)) },
  );
}

/** A query string from the declared parameters, some left out, some spoiled, sometimes one undeclared. */
function queryOf(params: Array<{ name: string; schema: Schema }>): fc.Arbitrary<string> {
  const one = (p: { name: string; schema: Schema }) => fc.option(fc.oneof(
    { weight: 3, arbitrary: valueOf(p.schema).map((v) => encode(String(v))) },
    { weight: 2, arbitrary: fc.oneof(poison, anyText).map((v) => encode(typeof v === 'string' ? v : JSON.stringify(v))) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%00', 'eyJ4IjoxfQ', 'MjAyNi0wMS0wMXx4', Buffer.from('+999999-01-01T00:00:00Z|p').toString('base64url')) },
  ).map((v) => `${p.name}=${v}`), { nil: undefined });
  const extra = fc.option(fc.constantFrom('desconocido=1', '__proto__=x', 'limit=0', 'limit=-5', 'limit=1e9'), { nil: undefined });
  return fc.tuple(fc.tuple(...params.map(one)), extra).map(([parts, e]) => [...parts, e].filter(Boolean).join('&'));
}

interface Operation { method: string; path: string; params: Array<{ name: string; in: string; schema: Schema }>; body?: Schema }

interface Generated { op: Operation; url: string; role: Role; body: { payload?: string; contentType?: string }; idempotencyKey?: string }

function requestOf(op: Operation): fc.Arbitrary<Generated> {
  const pathNames = op.params.filter((p) => p.in === 'path').map((p) => p.name);
  const query = op.params.filter((p) => p.in === 'query');
  return fc.record({
    pathValues: fc.tuple(...pathNames.map((n) => paramOf(n, op.path))),
    query: queryOf(query),
    role: fc.constantFrom(...roles),
    body: op.method === 'GET' ? fc.constant({}) : bodyOf(op.body),
    idempotencyKey: fc.option(fc.oneof(fc.constantFrom('clave-1', 'clave-2', 'con espacio', 'x'.repeat(300)), fc.string({ minLength: 1, maxLength: 20 })), { nil: undefined }),
  }).map(({ pathValues, query, role, body, idempotencyKey }) => {
    let path = op.path;
    pathNames.forEach((n, i) => { path = path.replace(`{${n}}`, pathValues[i]!); });
    return { op, url: query ? `${path}?${query}` : path, role, body, idempotencyKey };
  });
}

/** The pages: not in the API document, reached with the session cookie and the form's CSRF token. */
const pages: Operation[] = [
  ['GET', '/entrar'], ['POST', '/entrar'], ['POST', '/salir'], ['POST', '/idioma'], ['GET', '/'], ['GET', '/propuestas'], ['GET', '/bandeja'],
  ['POST', '/bandeja/leido'], ['GET', '/informes'], ['GET', '/informes/avance-pnm.csv'], ['GET', '/informes/instituciones.csv'], ['GET', '/informes/propuestas-por-etapa.csv'], ['GET', '/favicon.ico'],
  ['GET', '/propuestas/nueva'], ['POST', '/propuestas/nueva'], ['GET', '/propuestas/{id}'],
  ...['conformidad', 'aportes', 'comentarios', 'avanzar', 'retirar', 'versiones', 'decision-grupo', 'aportes/{inputId}/respuesta']
    .map((action) => ['POST', `/propuestas/{id}/${action}`]),
  ['GET', '/tareas'], ['GET', '/tareas/{id}'],
  ...['aceptar', 'solicitud', 'avance', 'conclusion', 'verificacion', 'decision'].map((action) => ['POST', `/tareas/{id}/${action}`]),
].map(([method, path]) => ({ method: method!, path: path!, params: [...path!.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1]!, in: 'path', schema: {} })) }));

const formBody = fc.dictionary(fc.constantFrom('email', 'password', 'text', 'position', 'comment', 'reason', 'percent', 'note', 'lang', 'back', 'id',
  'title', 'kind', 'paragraph', 'proposedDueDate', 'decision', 'summary', 'accepted', 'granted', 'changeSummary', 'evidenceUrl', 'responsible', 'confirm', 'action1_title'),
  fc.oneof(fc.string({ maxLength: 20 }), poison.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))), { maxKeys: 5 });

function pageRequestOf(op: Operation): fc.Arbitrary<Generated & { cookie: string; form?: Record<string, string> }> {
  return fc.record({
    request: requestOf({ ...op, body: undefined }),
    form: formBody,
    csrf: fc.boolean(),
    cookie: fc.constantFrom('session', 'none', 'broken'),
    asJson: fc.boolean(),
  }).map(({ request, form, csrf, cookie, asJson }) => {
    const token = webTokens.get(request.role) ?? 'token-falso';
    const fields = { ...form, ...(csrf ? { _csrf: formPass.csrf } : {}), _once: `f-${Object.keys(form).join('-')}` };
    const body = op.method === 'GET' ? {} : asJson
      ? { payload: JSON.stringify(fields), contentType: 'application/json' }
      : { payload: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' };
    const cookieHeader = cookie === 'session' ? `${sessionCookie}=${token}; ${formPass.cookie}` : cookie === 'broken' ? `${sessionCookie}=%E0%A4%A; mesa_idioma=%` : '';
    return { ...request, body, cookie: cookieHeader };
  });
}

interface Outcome { status: number; hung: boolean; badErrorBody: boolean; changed: string; label: string }

/** Whether the last request may have left work running: a write that was not refused. */
let lastMayHaveChanged = true;

async function send(g: Generated & { cookie?: string }): Promise<Outcome> {
  const headers: Record<string, string> = {};
  const isApi = g.url.startsWith('/api/');
  if (isApi && g.role === 'token_falso') headers.authorization = 'Bearer 0123456789abcdef';
  else if (isApi && g.role !== 'sin_token') headers.authorization = `Bearer ${apiTokens.get(g.role)}`;
  if (g.cookie) headers.cookie = g.cookie;
  if (g.body.contentType) headers['content-type'] = g.body.contentType;
  if (g.idempotencyKey !== undefined) headers['idempotency-key'] = g.idempotencyKey;
  const label = `${g.op.method} ${g.url.slice(0, 200)} as ${g.role}${g.body.payload !== undefined ? ` body ${g.body.payload.slice(0, 200)}` : ''}`;
  const before = lastMayHaveChanged ? await settledFingerprint() : await fingerprint();
  let timer: NodeJS.Timeout | undefined;
  const answer = await Promise.race([
    mesa.app.inject({ method: g.op.method as 'GET', url: g.url, headers, ...(g.body.payload !== undefined ? { payload: g.body.payload } : {}) }),
    new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), hungAfterMs); }),
  ]);
  clearTimeout(timer);
  lastMayHaveChanged = !answer || (g.op.method !== 'GET' && answer.statusCode < 400);
  if (!answer) return { status: 0, hung: true, badErrorBody: false, changed: '', label };
  const status = answer.statusCode;
  let badErrorBody = false;
  if (status >= 400 && status < 500 && (isApi || String(answer.headers['content-type']).startsWith('application/json'))) {
    try {
      const body = answer.json<{ error?: { code?: unknown; message?: unknown } }>();
      badErrorBody = typeof body.error?.code !== 'string' || typeof body.error?.message !== 'string' || !body.error.message;
    } catch {
      badErrorBody = true;
    }
  }
  const changed = status >= 400 && status < 500 ? changedFields(before, await fingerprint()) : '';
  // A page request that signed out spent its session: the next ones get a fresh one.
  if (g.op.path === '/salir' && status === 303 && webTokens.has(g.role)) webTokens.set(g.role, await newToken(g.role));
  return { status, hung: false, badErrorBody, changed, label };
}

describe('every route, every role, malformed and hostile input', () => {
  it(`answers ${runs} generated requests with no 5xx, no hang, the contract's error body and no change on any 4xx`, async () => {
    const doc = (await mesa.app.inject({ url: '/openapi.json' })).json<{ paths: Record<string, Record<string, any>> }>();
    const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(), path, params: op.parameters ?? [],
      body: op.requestBody?.content?.['application/json']?.schema,
    })));
    expect(operations.length).toBeGreaterThan(30);
    for (const page of pages) expect(mesa.app.hasRoute({ method: page.method as 'GET', url: page.path.replace(/\{(\w+)\}/g, ':$1') }), page.path).toBe(true);

    const generator = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...operations).chain(requestOf) },
      { weight: 1, arbitrary: fc.constantFrom(...pages).chain(pageRequestOf) },
    );
    const requests = fc.sample(generator, { seed, numRuns: runs });
    const outcomes: Outcome[] = [];
    const started = Date.now();
    for (const [i, request] of requests.entries()) {
      outcomes.push(await send(request));
      if ((i + 1) % 500 === 0) console.error(`fuzz: ${i + 1}/${requests.length} requests, ${Math.round((Date.now() - started) / 1000)} s`);
    }
    const byStatus = outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o.status]: (acc[o.status] ?? 0) + 1 }), {});
    const serverErrors = outcomes.filter((o) => o.status >= 500).map((o) => `${o.status} ${o.label}`);
    const hung = outcomes.filter((o) => o.hung).map((o) => o.label);
    const badBodies = outcomes.filter((o) => o.badErrorBody).map((o) => `${o.status} ${o.label}`);
    const changed = outcomes.filter((o) => o.changed).map((o) => `${o.status} ${o.label}: ${o.changed}`);
    console.error(`fuzz: seed ${seed}, ${outcomes.length} requests over ${operations.length} API operations and ${pages.length} pages; `
      + `statuses ${JSON.stringify(byStatus)}; 5xx ${serverErrors.length}, hung ${hung.length}, bad 4xx bodies ${badBodies.length}, changed on 4xx ${changed.length}`);
    expect({ serverErrors: serverErrors.slice(0, 20), hung: hung.slice(0, 20), badBodies: badBodies.slice(0, 20), changed: changed.slice(0, 20) })
      .toEqual({ serverErrors: [], hung: [], badBodies: [], changed: [] });
    expect(outcomes).toHaveLength(runs);
  }, 1_800_000);
});
