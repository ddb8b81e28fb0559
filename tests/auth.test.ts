import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokens } from '../db/schema';
import { demoPassword, startMesa, type Mesa } from './harness';

let mesa: Mesa;
beforeAll(async () => { mesa = await startMesa(); });
afterAll(() => mesa?.close());

const login = (email: string, password: string) =>
  mesa.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email, password } });

describe('logging in', () => {
  it('gives a token for the right password, and the user with its institution and role', async () => {
    const res = await login('MINSA@demo.mesa.test', demoPassword);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token).toMatch(/^mesa_/);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    expect(body.user).toMatchObject({
      email: 'minsa@demo.mesa.test',
      institution: { code: 'MINSA', kind: 'miembro', name: 'Ministerio de Salud' },
      roles: ['miembro'],
    });
    const me = await mesa.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${body.token}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual(body.user);
  });

  it('refuses a wrong password and an unknown email with the same 401, and stores no token', async () => {
    const before = (await mesa.database.db.select().from(tokens)).length;
    const wrong = await login('minsa@demo.mesa.test', 'otra-contraseña');
    const unknown = await login('nadie@demo.mesa.test', demoPassword);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('invalid_credentials');
    expect((await mesa.database.db.select().from(tokens)).length).toBe(before);
  });

  it('stores only a hash of the token', async () => {
    const { token } = (await login('rree@demo.mesa.test', demoPassword)).json();
    const stored = await mesa.database.db.select().from(tokens);
    expect(stored.some((t) => t.hash === token)).toBe(false);
    expect(stored.every((t) => /^[0-9a-f]{64}$/.test(t.hash))).toBe(true);
  });

  it('gives the secretariat the admin role as well', async () => {
    const res = await login('secretaria@demo.mesa.test', demoPassword);
    expect(res.json().user.roles).toEqual(['secretaria', 'admin']);
  });
});

describe('calling without a valid token', () => {
  it('is a 401 with the API error shape, with no token, a malformed header or an unknown token', async () => {
    for (const authorization of [undefined, 'Basic abc', 'Bearer mesa_inventado']) {
      const res = await mesa.app.inject({ url: '/api/v1/institutions', headers: authorization ? { authorization } : {} });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('unauthorized');
      expect(res.json().error.message).toMatch(/token|Authorization/);
    }
  });

  it('is a 401 once the token has expired', async () => {
    const { token } = (await login('mtpe@demo.mesa.test', demoPassword)).json();
    await mesa.database.db.update(tokens).set({ expiresAt: new Date(Date.now() - 1000) });
    const res = await mesa.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(401);
  });

  it('leaves /health, /ready and the OpenAPI document open', async () => {
    expect((await mesa.app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await mesa.app.inject({ url: '/ready' })).json()).toEqual({ status: 'ready', database: true, temporal: true });
    const openapi = (await mesa.app.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/proposals', '/api/v1/auth/token', '/api/v1/proposals/{id}']));
    expect((await mesa.app.inject({ url: '/docs/' })).statusCode).toBe(200);
  });
});
