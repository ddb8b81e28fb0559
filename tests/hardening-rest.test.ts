// What a careless client or an attacker may send at the edges of the Mesa: login guessing, webhook
// targets inside our network, script links, control characters and broken encodings, racing
// retries, a forged Host header, a title that tries to add a line to a calendar feed.
import { csrfCookie } from '../api/web/context';
import { randomBytes, scryptSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { eq, inArray } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from '../activities/channels';
import { WebhookAllowList } from '../domain/webhook-targets';
import { encodeCursor } from '../api/cursor';
import { toIcs } from '../api/ics';
import { contacts, users, webFormStates } from '../db/schema';
import { lockDemoUsers } from '../runtime/demo';
import { loadConfig } from '../runtime/config';
import { isShutdownNoise, stopInOrder } from '../runtime/process';
import { demoEmail } from '../runtime/demo';
import { demoPassword, eventually, launchBody, startMesa, type Mesa } from './harness';

let mesa: Mesa;
// The test app sits behind a "proxy" on 127.0.0.1 (inject's default address), which it trusts.
// Per-address limit lowered from 30 so its test does not spend a minute on scrypt.
beforeAll(async () => { mesa = await startMesa({ app: { trustProxy: ['127.0.0.1'], loginLimits: { perAccount: 5, perAddress: 12, windowSeconds: 900 } } }); });
afterAll(() => mesa?.close());

const login = (email: string, password: string, remoteAddress = '198.51.100.1') =>
  mesa.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email, password }, remoteAddress });

const expectErrorBody = (body: any) => {
  expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
};

describe('login throttling', () => {
  it('answers 429 with Retry-After after 5 wrong passwords for an account, and refuses the right one too while it lasts', async () => {
    for (let i = 0; i < 5; i++) expect((await login(demoEmail('MINCUL'), `mala-${i}`, '198.51.100.10')).statusCode).toBe(401);
    const refused = await login(demoEmail('MINCUL'), 'otra-mala', '198.51.100.10');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json().error.code).toBe('too_many_attempts');
    expect(refused.json().error.message).toMatch(/Demasiados intentos/);
    // From another address as well: the account itself is throttled.
    const right = await login('MINCUL@demo.mesa.test', demoPassword, '198.51.100.11');
    expect(right.statusCode).toBe(429);
    expect(right.json()).not.toHaveProperty('token');
    // Other accounts are not affected.
    expect((await login(demoEmail('MINEDU'), demoPassword, '198.51.100.10')).statusCode).toBe(200);
  });

  it('throttles one address trying many accounts, known or not', async () => {
    for (let i = 0; i < 12; i++) expect((await login(`nadie${i}@demo.mesa.test`, 'x', '203.0.113.50')).statusCode).toBe(401);
    const res = await login(demoEmail('MVCS'), demoPassword, '203.0.113.50');
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(demoEmail('MVCS'), demoPassword, '203.0.113.51')).statusCode).toBe(200);
  });

  it('takes about as long for an unknown account as for a wrong password', async () => {
    const timed = async (email: string, address: string) => {
      const start = performance.now();
      expect((await login(email, 'incorrecta', address)).statusCode).toBe(401);
      return performance.now() - start;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(await timed(demoEmail(['ONP', 'PCM', 'PRODUCE', 'RENIEC'][i]!), `198.51.100.${30 + i}`));
      unknown.push(await timed(`desconocido${i}@demo.mesa.test`, `198.51.100.${40 + i}`));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Before, an unknown account answered ten times faster; a loose bound, for a shared machine.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
    expect(median(unknown)).toBeLessThan(median(known) * 2);
  });

  it('rehashes a password stored with the old scrypt parameters at the next login', async () => {
    const salt = randomBytes(16);
    const key = scryptSync(demoPassword, salt, 64, { N: 16384, r: 8, p: 1 });
    const old = ['scrypt', 16384, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    await mesa.database.db.update(users).set({ passwordHash: old }).where(eq(users.email, demoEmail('SUNAT')));
    expect((await login(demoEmail('SUNAT'), demoPassword, '198.51.100.60')).statusCode).toBe(200);
    const [row] = await mesa.database.db.select({ hash: users.passwordHash }).from(users).where(eq(users.email, demoEmail('SUNAT')));
    expect(row!.hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await login(demoEmail('SUNAT'), demoPassword, '198.51.100.60')).statusCode).toBe(200);
  });

  it('shows the 429 on the login page, in Spanish', async () => {
    const page = await mesa.app.inject({ url: '/entrar', remoteAddress: '198.51.100.70' });
    const cookie = String([page.headers['set-cookie']].flat()[0]).split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const post = (password: string) => mesa.app.inject({
      method: 'POST', url: '/entrar', remoteAddress: '198.51.100.70',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, email: demoEmail('SUNEDU'), password }).toString(),
    });
    for (let i = 0; i < 5; i++) expect((await post(`mala-${i}`)).statusCode).toBe(401);
    const res = await post(demoPassword);
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('Demasiados intentos fallidos');
  });

  it('refuses a NUL in the email with 400 naming the field, on the API and the login page', async () => {
    const res = await login('mi\u0000nsa@demo.mesa.test', demoPassword);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.field).toBe('email');
    const page = await mesa.app.inject({ url: '/entrar' });
    const cookie = String([page.headers['set-cookie']].flat()[0]).split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const web = await mesa.app.inject({
      method: 'POST', url: '/entrar', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, email: 'mi\u0000nsa@demo.mesa.test', password: demoPassword }).toString(),
    });
    expect(web.statusCode).toBe(400);
  });
});

describe('webhook targets', () => {
  const put = (url: string) => mesa.call('SECRETARIA', 'PUT', '/api/v1/institutions/MIDIS/contacts', {
    titular: { name: 'Titular', email: 'titular@midis.gob.pe' }, alterno: null, webhook: { url, secret: 'secreto-de-dieciseis-caracteres' },
  });

  it.each([
    'http://169.254.169.254/latest/meta-data', 'http://[::1]:8080/x', 'http://10.0.0.5/avisos', 'http://172.16.3.4/', 'http://192.168.1.1/',
    'http://100.64.0.1/', 'http://0.0.0.0:5432/', 'http://[fc00::1]/', 'http://[fe80::1]/', 'http://[::ffff:10.0.0.1]/', 'http://[::ffff:a9fe:a9fe]/',
    'http://0x0a000001/', 'http://10.1/',
  ])('refuses %s at registration with 400 naming webhook.url', async (url) => {
    const res = await put(url);
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe('webhook.url');
    expect(res.body.error.message).toContain('«webhook.url»');
  });

  it('accepts a public address, and a private one the allow-list names', async () => {
    expect((await put('https://avisos.midis.gob.pe/mesa')).status).toBe(200);
    expect((await put('http://127.0.0.1:8080/avisos')).status).toBe(200);
  });

  describe('at send time', () => {
    let server: Server;
    let port: number;
    const received: string[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        received.push(req.url ?? '');
        req.resume();
        req.on('end', () => res.end('ok'));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const send = (url: string, allow?: string[]) => postWebhook({
      url, secret: 's', body: '{}', deliveryId: 'd', event: 'prueba', signal: new AbortController().signal,
      ...(allow ? { allow: new WebhookAllowList(allow) } : {}),
    });

    it('refuses a name that resolves to a loopback address, without connecting', async () => {
      const before = received.length;
      await expect(send(`http://localhost:${port}/por-nombre`)).rejects.toMatchObject({ permanent: true });
      await expect(send(`http://127.0.0.1:${port}/literal`)).rejects.toMatchObject({ permanent: true });
      expect(received.length).toBe(before);
    });

    it('delivers to a private target the allow-list names, by address or by name', async () => {
      expect(await send(`http://127.0.0.1:${port}/permitido`, ['127.0.0.1'])).toBe('HTTP 200');
      expect(await send(`http://localhost:${port}/por-nombre`, ['localhost'])).toBe('HTTP 200');
      expect(received).toEqual(expect.arrayContaining(['/permitido', '/por-nombre']));
    });

    it('says the same about a refused open port and a refused closed one: no port-scan oracle', async () => {
      const open = await send(`http://127.0.0.1:${port}/x`).catch((e: Error) => e.message);
      const closed = await send('http://127.0.0.1:1/x').catch((e: Error) => e.message);
      const metadata = await send('http://169.254.169.254/latest').catch((e: Error) => e.message);
      expect(open).toBe(closed);
      expect(open).toBe(metadata);
      expect(open).not.toMatch(/ECONN|127\.0\.0\.1|:1\b|169\.254/);
    });
  });
});

describe('webhook deliveries to a refused target', () => {
  it('fail for good, and /deliveries says the same whether the port answers or not', async () => {
    const listening = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => listening.listen(0, '::1', () => resolve()));
    const { port } = listening.address() as AddressInfo;
    try {
      // As if registered before targets were checked: only the send-time check stands in the way.
      await mesa.database.db.update(contacts).set({ webhookUrl: `http://[::1]:${port}/avisos`, webhookSecret: 'secreto-de-dieciseis-caracteres' }).where(eq(contacts.institution, 'MINSA'));
      await mesa.database.db.update(contacts).set({ webhookUrl: 'http://[::1]:1/avisos', webhookSecret: 'secreto-de-dieciseis-caracteres' }).where(eq(contacts.institution, 'RREE'));
      const launched = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['conformidad'], title: 'Ronda con webhooks internos' }));
      expect(launched.status).toBe(201);
      const failed = await eventually(async () => {
        const items = (await mesa.call('SECRETARIA', 'GET', `/api/v1/deliveries?proposal=${launched.body.id}&status=fallida`)).body.items
          .filter((d: { channel: string; institution: string }) => d.channel === 'webhook' && ['MINSA', 'RREE'].includes(d.institution));
        return items.length === 2 ? items : undefined;
      });
      expect(failed[0].lastError).toBe(failed[1].lastError);
      expect(failed[0].lastError).not.toMatch(/ECONN|::1|\d{2,5}\/avisos|:1\//);
    } finally {
      await mesa.database.db.update(contacts).set({ webhookUrl: null, webhookSecret: null }).where(inArray(contacts.institution, ['MINSA', 'RREE']));
      await new Promise<void>((resolve) => listening.close(() => resolve()));
    }
  });
});

describe('evidence links', () => {
  it.each(['javascript:alert(1)', 'JavaScript:alert(document.cookie)', 'vbscript:msgbox(1)', 'data:text/html,<script>alert(1)</script>'])(
    'refuses %s in progress and completion with 400 naming evidenceUrl', async (evidenceUrl) => {
      const progress = await mesa.call('MTPE', 'POST', '/api/v1/tasks/task_inexistente/progress', { percent: 10, evidenceUrl });
      expect(progress.status).toBe(400);
      expect(progress.body.error.details.field).toBe('evidenceUrl');
      const completion = await mesa.call('MTPE', 'POST', '/api/v1/tasks/task_inexistente/completion', { summary: 'Listo.', evidenceUrl });
      expect(completion.status).toBe(400);
      expect(completion.body.error.details.field).toBe('evidenceUrl');
    },
  );
});

describe('client input never causes a 5xx', () => {
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const token = await mesa.login('SECRETARIA');
    return mesa.app.inject({ url, headers: { authorization: `Bearer ${token}`, ...headers } });
  };
  const cursor = (createdAt: string, id: string) => Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');

  it.each([
    '/api/v1/proposals/prop_a%00b', '/api/v1/proposals/prop_a%00b/audit', '/api/v1/tasks/task_%00', '/api/v1/proposals?q=a%00b',
    '/api/v1/proposals?status=%00', `/api/v1/proposals?cursor=${cursor('2026-01-01T00:00:00.000Z', 'prop_\u0000')}`,
    `/api/v1/tasks?cursor=${cursor('+200000-01-01T00:00:00.000Z', 'task_x')}`, `/api/v1/deliveries?cursor=${cursor('-000001-01-01T00:00:00.000Z', 'x')}`,
    `/api/v1/proposals?cursor=${encodeCursor({ createdAt: '2026-02-30T00:00:00Z', id: 'prop_x' })}`, '/api/v1/proposals/%E0%A4%A',
  ])('GET %s is a 4xx with the error body', async (url) => {
    const res = await get(url);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expectErrorBody(res.json());
  });

  it('answers a bad URL with 400 and an over-long path parameter with 414, in the error body', async () => {
    const bad = await mesa.app.inject({ url: '/api/v1/proposals/%E0%A4%A' });
    expect(bad.statusCode).toBe(400);
    expectErrorBody(bad.json());
    const long = await mesa.app.inject({ url: `/api/v1/proposals/${'p'.repeat(500)}` });
    expect(long.statusCode).toBe(414);
    expectErrorBody(long.json());
  });

  it('answers requests Node cannot parse (a bad request line, headers too large) in the error body', async () => {
    await mesa.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = mesa.app.server.address() as AddressInfo;
    const raw = (request: string) => new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(request));
      let answer = '';
      socket.setEncoding('utf8').on('data', (c: string) => { answer += c; }).on('close', () => resolve(answer)).on('error', reject);
    });
    const garbage = await raw('ESTO NO ES HTTP\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expectErrorBody(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4)));
    const huge = await raw(`GET /api/v1/proposals?q=${'x'.repeat(40_000)} HTTP/1.1\r\nHost: mesa.test\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 (414|431)/);
    expectErrorBody(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4)));
  });

  it('ignores a cookie with a malformed % escape instead of locking the browser out', async () => {
    const login = await mesa.app.inject({ url: '/entrar', headers: { cookie: 'otro=%E0%A4%A; mesa_idioma=%zz' } });
    expect(login.statusCode).toBe(200);
    const home = await mesa.app.inject({ url: '/', headers: { cookie: 'mesa_sesion=%' } });
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe('/entrar');
  });

  it('refuses web form posts with a JSON or an empty body with a 4xx page', async () => {
    for (const url of ['/entrar', '/salir', '/idioma', '/propuestas/nueva', '/propuestas/prop_x/comentarios', '/tareas/task_x/avance']) {
      for (const attempt of [
        { payload: JSON.stringify({ email: 'x' }), headers: { 'content-type': 'application/json' } },
        { payload: '[]', headers: { 'content-type': 'application/json' } },
        { payload: 'null', headers: { 'content-type': 'application/json' } },
        { payload: '', headers: {} },
      ]) {
        const res = await mesa.app.inject({ method: 'POST', url, ...attempt });
        expect(res.statusCode, `${url} ${attempt.payload}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${url} ${attempt.payload}`).toBeLessThan(500);
      }
    }
  });

  it('passes an unparsable date in the task request form on to the API, which refuses it', async () => {
    const page = await mesa.app.inject({ url: '/entrar' });
    const cookie = String([page.headers['set-cookie']].flat()[0]).split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const signedIn = await mesa.app.inject({
      method: 'POST', url: '/entrar', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, email: demoEmail('MTPE'), password: demoPassword }).toString(),
    });
    const signedInCookie = String([signedIn.headers['set-cookie']].flat().find((c) => String(c).startsWith('mesa_sesion='))).split(';')[0]!;
    const home = await mesa.app.inject({ url: '/tareas', headers: { cookie: signedInCookie } });
    const sessionCsrf = /name="_csrf" value="([^"]+)"/.exec(home.body)![1]!;
    // The page a signed-in person opens first starts the form-token secret that goes with the session.
    const secret = String([home.headers['set-cookie']].flat().find((c) => String(c).startsWith(`${csrfCookie}=`))).split(';')[0]!;
    const session = `${signedInCookie}; ${secret}`;
    for (const proposedDueDate of ['mañana', '2026-13-45T10:00', '99999-01-01T00:00']) {
      const res = await mesa.app.inject({
        method: 'POST', url: '/tareas/task_inexistente/solicitud', headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: sessionCsrf, _once: randomBytes(8).toString('hex'), reason: 'Falta presupuesto.', proposedDueDate }).toString(),
      });
      // Refused (post/redirect/get): back to the task's page with the error kept beside the date.
      expect(res.statusCode, proposedDueDate).toBe(303);
      const id = /^\/tareas\/task_inexistente\?formulario=([0-9a-f-]{36})#t-solicitud-h$/.exec(String(res.headers.location))?.[1];
      expect(id, String(res.headers.location)).toBeDefined();
      const [kept] = await mesa.database.db.select().from(webFormStates).where(eq(webFormStates.id, id!));
      expect(Object.keys(kept!.state.errors), proposedDueDate).toEqual(['proposedDueDate']);
    }
  });
});

describe('Idempotency-Key under concurrency', () => {
  it('answers 409 to a concurrent request with the same key and another body', async () => {
    const key = `carrera-${randomBytes(6).toString('hex')}`;
    const [a, b] = await Promise.all([
      mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ title: 'Primera versión del protocolo' }), { 'idempotency-key': key }),
      mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ title: 'Otra propuesta distinta' }), { 'idempotency-key': key }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const conflict = a.status === 409 ? a : b;
    expect(conflict.body.error.code).toBe('idempotency_conflict');
  });

  it('gives a concurrent request with the same key and body the original answer once it is ready', async () => {
    const key = `carrera-${randomBytes(6).toString('hex')}`;
    const body = launchBody({ title: 'Protocolo enviado dos veces a la vez' });
    const [a, b] = await Promise.all([
      mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', body, { 'idempotency-key': key }),
      mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', body, { 'idempotency-key': key }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body).toEqual(b.body);
    const list = await mesa.call('SECRETARIA', 'GET', '/api/v1/proposals?q=enviado%20dos%20veces');
    expect(list.body.items.filter((p: { title: string }) => p.title === body.title)).toHaveLength(1);
  });
});

describe('addresses, proxies and headers', () => {
  it('builds the calendar address from the public URL, not from the Host header', async () => {
    const token = await mesa.login('MINSA');
    const res = await mesa.app.inject({ method: 'POST', url: '/api/v1/calendar/token', headers: { authorization: `Bearer ${token}`, host: 'attacker.example' } });
    expect(res.statusCode).toBe(201);
    expect(res.json().url).toMatch(/^http:\/\/mesa\.test\/calendar\/[\w-]+\.ics$/);
    const feed = await mesa.app.inject({ url: new URL(res.json().url).pathname, headers: { host: 'attacker.example' } });
    expect(feed.body).not.toContain('attacker.example');
  });

  const webLogin = async (headers: Record<string, string>, remoteAddress = '127.0.0.1') => {
    const page = await mesa.app.inject({ url: '/entrar', headers, remoteAddress });
    const cookie = String([page.headers['set-cookie']].flat()[0]).split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const res = await mesa.app.inject({
      method: 'POST', url: '/entrar', remoteAddress, headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, email: demoEmail('RREE'), password: demoPassword }).toString(),
    });
    expect(res.statusCode).toBe(303);
    return [res.headers['set-cookie']].flat().map(String).find((c) => c.startsWith('mesa_sesion='))!;
  };

  it('marks the session cookie Secure when a trusted proxy says the request came over TLS', async () => {
    expect(await webLogin({ 'x-forwarded-proto': 'https' })).toMatch(/; Secure/);
    expect(await webLogin({})).not.toMatch(/Secure/);
    // An untrusted client cannot claim TLS for itself.
    expect(await webLogin({ 'x-forwarded-proto': 'https' }, '203.0.113.99')).not.toMatch(/Secure/);
  });

  it('sends nosniff and no-store on API answers, and HSTS only over TLS', async () => {
    const token = await mesa.login('MINSA');
    const plain = await mesa.app.inject({ url: '/api/v1/institutions', headers: { authorization: `Bearer ${token}` } });
    expect(plain.headers['x-content-type-options']).toBe('nosniff');
    expect(plain.headers['cache-control']).toBe('no-store');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const refused = await mesa.app.inject({ url: '/api/v1/institutions' });
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
    expect(refused.headers['cache-control']).toBe('no-store');
    for (const url of ['/api/v1/institutions', '/entrar']) {
      const tls = await mesa.app.inject({ url, headers: { authorization: `Bearer ${token}`, 'x-forwarded-proto': 'https' } });
      expect(tls.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    }
  });
});

describe('the calendar feed', () => {
  it('keeps a title with CR, LF, CRLF, commas, semicolons and backslashes inside its one event', () => {
    const summary = 'Plazo\rATTENDEE:mailto:intruso@example.com\nDESCRIPTION:x\r\nEND:VEVENT; coma, barra \\ fin';
    const long = `Consulta: ${'á'.repeat(120)}`;
    const ics = toIcs('Mesa — MINSA', 'https://mesa.example.gob.pe', [
      { uid: 'u1@mesa', at: new Date('2026-12-01T15:00:00Z'), summary, description: long, path: '/propuestas/prop_1' },
    ]);
    expect(ics.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(ics).not.toMatch(/\r(?!\n)/);
    const calendar = new ICAL.Component(ICAL.parse(ics));
    const events = calendar.getAllSubcomponents('vevent');
    expect(events).toHaveLength(1);
    expect(events[0]!.getFirstPropertyValue('summary')).toBe(summary.replace(/\r\n|\r/g, '\n'));
    expect(events[0]!.getFirstPropertyValue('description')).toBe(long);
    expect(events[0]!.getAllProperties('attendee')).toHaveLength(0);
  });
});

describe('stopping', () => {
  it('runs every stop step in order and takes a "Channel has been shut down" as part of stopping', async () => {
    const done: string[] = [];
    const clean = await stopInOrder([
      () => { done.push('api'); },
      async () => { done.push('worker'); throw new Error('14 UNAVAILABLE: Channel has been shut down'); },
      null,
      () => { done.push('connections'); },
      () => { done.push('temporal'); },
      () => { done.push('database'); },
    ]);
    expect(done).toEqual(['api', 'worker', 'connections', 'temporal', 'database']);
    expect(clean).toBe(true);
    expect(isShutdownNoise(new Error('Channel has been shut down'))).toBe(true);
    expect(isShutdownNoise(new Error('relation does not exist'))).toBe(false);
  });
});

describe('demo users', () => {
  it('are created only on the embedded default, or when asked for', () => {
    expect(loadConfig('embedded', {}).demoUsers).toBe(true);
    expect(loadConfig('embedded', { DATABASE_URL: 'postgres://db/mesa' }).demoUsers).toBe(false);
    expect(loadConfig('embedded', { DATABASE_URL: 'postgres://db/mesa', MESA_DEMO_USERS: 'true' }).demoUsers).toBe(true);
    expect(loadConfig('embedded', { MESA_DEMO_USERS: 'false' }).demoUsers).toBe(false);
    expect(loadConfig('production', { DATABASE_URL: 'postgres://db/mesa', TEMPORAL_ADDRESS: 't:7233', MESA_AUDIT_KEY: 'k'.repeat(32), MESA_DEMO_USERS: 'true' }).demoUsers).toBe(false);
  });

  it('reads the public URL and the trusted proxies from the configuration', () => {
    expect(loadConfig('embedded', { MESA_PUBLIC_URL: 'https://mesa.example.gob.pe/' })).toMatchObject({ publicUrl: 'https://mesa.example.gob.pe', trustProxy: false, webhookAllow: [] });
    expect(loadConfig('embedded', { MESA_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1', MESA_WEBHOOK_ALLOW: '127.0.0.1,avisos.intranet' }))
      .toMatchObject({ trustProxy: ['10.0.0.0/8', '127.0.0.1'], webhookAllow: ['127.0.0.1', 'avisos.intranet'] });
    expect(loadConfig('embedded', { MESA_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(() => loadConfig('embedded', { MESA_TRUST_PROXY: 'cualquiera' })).toThrow('«MESA_TRUST_PROXY»');
    expect(() => loadConfig('embedded', { MESA_PUBLIC_URL: 'mesa.example.gob.pe' })).toThrow('«MESA_PUBLIC_URL»');
  });

  // Last in this file: it locks every demo account.
  it('left by an earlier start can no longer log in once the database is opened without them', async () => {
    const token = await mesa.login('MIMP');
    await lockDemoUsers(mesa.database.db);
    expect((await login(demoEmail('MIMP'), demoPassword, '198.51.100.90')).statusCode).toBe(401);
    expect((await mesa.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
  });
});
