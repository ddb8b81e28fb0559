// Accounts on PostgreSQL, with the email going through a real SMTP server on loopback: a
// forgotten password reset by a one-time link, a password change that ends the other sessions,
// the sessions list, and the secretariat's management of users (audited, and refused to anyone else).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpCatcher } from '../scripts/receivers';
import { eventually, startMesaWithEmail, type Mesa } from './harness';

let smtp: SmtpCatcher;
let mesa: Mesa;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ mesa, smtp, close } = await startMesaWithEmail());
}, 120_000);
afterAll(async () => {
  await close?.();
});

type Answer = { status: number; body: any };

async function request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, o: { token?: string; payload?: object; agent?: string } = {}): Promise<Answer> {
  const res = await mesa.app.inject({
    method, url, ...(o.payload ? { payload: o.payload } : {}),
    headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.agent ? { 'user-agent': o.agent } : {}) },
  });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

const login = async (email: string, password: string, agent?: string) => request('POST', '/api/v1/auth/token', { payload: { email, password }, agent });
const tokenOf = async (email: string, password: string, agent?: string) => {
  const answer = await login(email, password, agent);
  expect(answer.status).toBe(200);
  return answer.body.token as string;
};

/** The token of the newest link mailed to that address, once its message has arrived (`after` messages were there before). */
async function linkSentTo(email: string, after = 0): Promise<string> {
  const mail = await eventually(async () => smtp.mails.filter((m) => m.to.includes(email))[after], 45_000);
  const token = /\/entrar\/restablecer\?token=([\w-]+)/.exec(mail.text)?.[1];
  expect(token, mail.text).toBeTruthy();
  return token!;
}
const mailsTo = (email: string) => smtp.mails.filter((m) => m.to.includes(email));

/** A new account created by the secretariat, its password chosen with the link it was mailed. */
async function newAccount(email: string, password: string, institution = 'MINSA'): Promise<string> {
  const created = await mesa.call('SECRETARIA', 'POST', '/api/v1/users', { email, name: 'Ana Quispe Mamani', institution, designation: 'titular' });
  expect(created.status).toBe(201);
  const token = await linkSentTo(email);
  expect((await request('POST', '/api/v1/auth/password-reset/complete', { payload: { token, newPassword: password } })).status).toBe(204);
  return created.body.id;
}

describe('a forgotten password', () => {
  it('is reset with a one-time link mailed to an active account; an unknown email gets the same answer and no mail', async () => {
    const email = 'olvido@minsa.gob.pe';
    await newAccount(email, 'primera-clave-1');
    const session = await tokenOf(email, 'primera-clave-1');
    const before = smtp.mails.length;

    const known = await request('POST', '/api/v1/auth/password-reset', { payload: { email: 'Olvido@MINSA.gob.pe' } });
    const unknown = await request('POST', '/api/v1/auth/password-reset', { payload: { email: 'nadie@minsa.gob.pe' } });
    expect(known.status).toBe(202);
    expect(unknown).toEqual(known);

    const token = await linkSentTo(email, 1);
    const mail = mailsTo(email)[1]!;
    expect(mail.subject).toBe('[Mesa MTIGM] Restablezca su contraseña de la Mesa MTIGM');
    expect(mail.text).toContain('http://mesa.test/entrar/restablecer?token=');
    // Only that one message went out: none for the unknown address.
    await new Promise((r) => setTimeout(r, 1000));
    expect(smtp.mails.slice(before).map((m) => m.to)).toEqual([[email]]);

    // A password that breaks the rule is refused by its field, and the link still works afterwards.
    const short = await request('POST', '/api/v1/auth/password-reset/complete', { payload: { token, newPassword: 'corta' } });
    expect(short.status).toBe(400);
    expect(short.body.error.details.field).toBe('newPassword');
    expect(short.body.error.message).toContain('al menos 8 caracteres');

    expect((await request('POST', '/api/v1/auth/password-reset/complete', { payload: { token, newPassword: 'nueva-clave-olvido' } })).status).toBe(204);
    // Every session of the account ended; the old password no longer opens one; the new one does.
    expect((await request('GET', '/api/v1/me', { token: session })).status).toBe(401);
    expect((await login(email, 'primera-clave-1')).status).toBe(401);
    expect((await login(email, 'nueva-clave-olvido')).status).toBe(200);
    // Single use.
    const again = await request('POST', '/api/v1/auth/password-reset/complete', { payload: { token, newPassword: 'otra-clave-olvido' } });
    expect(again.status).toBe(400);
    expect(again.body.error.details.field).toBe('token');
    expect((await login(email, 'otra-clave-olvido')).status).toBe(401);
  }, 90_000);

  it('is reset only by the newest link: asking again invalidates the older one', async () => {
    const email = 'dos.enlaces@minsa.gob.pe';
    await newAccount(email, 'clave-inicial-2');
    await request('POST', '/api/v1/auth/password-reset', { payload: { email } });
    const first = await linkSentTo(email, 1);
    await request('POST', '/api/v1/auth/password-reset', { payload: { email } });
    const second = await linkSentTo(email, 2);
    expect(second).not.toBe(first);
    expect((await request('POST', '/api/v1/auth/password-reset/complete', { payload: { token: first, newPassword: 'clave-del-primero' } })).status).toBe(400);
    expect((await request('POST', '/api/v1/auth/password-reset/complete', { payload: { token: second, newPassword: 'clave-del-segundo' } })).status).toBe(204);
    expect((await login(email, 'clave-del-segundo')).status).toBe(200);
  }, 90_000);

  it('is throttled per account like a login, whether the account exists or not', async () => {
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await request('POST', '/api/v1/auth/password-reset', { payload: { email: 'insistente@ejemplo.pe' } }));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 429]);
    expect(answers[3]!.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('cannot be asked for a deactivated account: the answer is the same and no mail goes out', async () => {
    const email = 'inactiva@minsa.gob.pe';
    const id = await newAccount(email, 'clave-inactiva-1');
    expect((await mesa.call('SECRETARIA', 'PATCH', `/api/v1/users/${id}`, { active: false })).status).toBe(200);
    const sent = mailsTo(email).length;
    expect((await request('POST', '/api/v1/auth/password-reset', { payload: { email } })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailsTo(email).length).toBe(sent);
  }, 90_000);
});

describe('one\'s own password and sessions', () => {
  it('changing the password ends the other sessions and keeps this one', async () => {
    const email = 'cambio@minsa.gob.pe';
    await newAccount(email, 'clave-de-cambio-1');
    const here = await tokenOf(email, 'clave-de-cambio-1', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0');
    const there = await tokenOf(email, 'clave-de-cambio-1', 'Mozilla/5.0 (iPhone) Safari/605.1');

    const wrong = await request('PUT', '/api/v1/me/password', { token: here, payload: { currentPassword: 'no-es-esta', newPassword: 'clave-de-cambio-2' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.field).toBe('currentPassword');
    const same = await request('PUT', '/api/v1/me/password', { token: here, payload: { currentPassword: 'clave-de-cambio-1', newPassword: email } });
    expect(same.status).toBe(400);
    expect(same.body.error.details.field).toBe('newPassword');
    // Nothing changed by either refusal.
    expect((await request('GET', '/api/v1/me', { token: there })).status).toBe(200);

    expect((await request('PUT', '/api/v1/me/password', { token: here, payload: { currentPassword: 'clave-de-cambio-1', newPassword: 'clave-de-cambio-2' } })).status).toBe(204);
    expect((await request('GET', '/api/v1/me', { token: here })).status).toBe(200);
    expect((await request('GET', '/api/v1/me', { token: there })).status).toBe(401);
    expect((await login(email, 'clave-de-cambio-1')).status).toBe(401);
    expect((await login(email, 'clave-de-cambio-2')).status).toBe(200);
  }, 90_000);

  it('lists the open sessions, and ends one or all of them', async () => {
    const email = 'sesiones@minsa.gob.pe';
    await newAccount(email, 'clave-sesiones-1');
    const desk = await tokenOf(email, 'clave-sesiones-1', 'Mozilla/5.0 (Windows NT 10.0) Chrome/131.0 Safari/537.36');
    const phone = await tokenOf(email, 'clave-sesiones-1', 'Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36');
    const list = await request('GET', '/api/v1/me/sessions', { token: desk });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    const mine = list.body.items.find((s: any) => s.current);
    const other = list.body.items.find((s: any) => !s.current);
    expect(mine.userAgent).toContain('Windows');
    expect(other.userAgent).toContain('Android');
    expect(mine.lastUsedAt).not.toBeNull();
    expect(mine.address).toBeTruthy();

    expect((await request('DELETE', `/api/v1/me/sessions/${other.id}`, { token: desk })).status).toBe(204);
    expect((await request('GET', '/api/v1/me', { token: phone })).status).toBe(401);
    // Another user's session cannot be named.
    const stranger = await mesa.login('MINSA');
    expect((await request('DELETE', `/api/v1/me/sessions/${mine.id}`, { token: stranger })).status).toBe(404);
    expect((await request('GET', '/api/v1/me', { token: desk })).status).toBe(200);

    const third = await tokenOf(email, 'clave-sesiones-1');
    expect((await request('DELETE', '/api/v1/me/sessions', { token: desk })).status).toBe(204);
    expect((await request('GET', '/api/v1/me', { token: desk })).status).toBe(401);
    expect((await request('GET', '/api/v1/me', { token: third })).status).toBe(401);
  }, 90_000);
});

describe('users managed by the secretariat', () => {
  it('creates a user who chooses a password by the mailed link and logs in; changes and deactivation are audited and take effect at once', async () => {
    const email = 'nuevo.titular@produce.gob.pe';
    const created = await mesa.call('SECRETARIA', 'POST', '/api/v1/users', { email, name: 'Luis Huamán Torres', institution: 'produce', designation: 'alterno' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email, institution: { code: 'PRODUCE' }, designation: 'alterno', active: true });
    // No one can log in before the password is chosen.
    expect((await login(email, 'sin-contraseña')).status).toBe(401);
    const link = await linkSentTo(email);
    expect(mailsTo(email)[0]!.subject).toBe('[Mesa MTIGM] Active su cuenta de la Mesa MTIGM');
    expect((await request('POST', '/api/v1/auth/password-reset/complete', { payload: { token: link, newPassword: 'clave-de-luis-1' } })).status).toBe(204);
    const session = await tokenOf(email, 'clave-de-luis-1');
    expect((await request('GET', '/api/v1/me', { token: session })).body.institution.code).toBe('PRODUCE');

    const duplicate = await mesa.call('SECRETARIA', 'POST', '/api/v1/users', { email: 'Nuevo.Titular@produce.gob.pe', name: 'Otro', institution: 'PRODUCE', designation: 'titular' });
    expect(duplicate.status).toBe(409);

    const moved = await mesa.call('SECRETARIA', 'PATCH', `/api/v1/users/${created.body.id}`, { institution: 'MIDIS', designation: 'titular' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ institution: { code: 'MIDIS' }, designation: 'titular' });
    expect((await request('GET', '/api/v1/me', { token: session })).body.institution.code).toBe('MIDIS');

    const off = await mesa.call('SECRETARIA', 'PATCH', `/api/v1/users/${created.body.id}`, { active: false });
    expect(off.body.active).toBe(false);
    expect((await request('GET', '/api/v1/me', { token: session })).status).toBe(401);
    expect((await login(email, 'clave-de-luis-1')).status).toBe(401);
    expect((await mesa.call('SECRETARIA', 'PATCH', `/api/v1/users/${created.body.id}`, { active: true })).status).toBe(200);
    expect((await login(email, 'clave-de-luis-1')).status).toBe(200);

    const events = await mesa.call('SECRETARIA', 'GET', `/api/v1/account-events?user=${created.body.id}`);
    expect(events.status).toBe(200);
    const secretariatId = (await mesa.call('SECRETARIA', 'GET', '/api/v1/me')).body.id;
    expect(events.body.items.map((e: any) => [e.kind, e.actor?.id ?? null]).reverse()).toEqual([
      ['cuenta_creada', secretariatId], ['enlace_enviado', secretariatId], ['contrasena_restablecida', null],
      ['institucion_cambiada', secretariatId], ['designacion_cambiada', secretariatId], ['cuenta_desactivada', secretariatId], ['cuenta_reactivada', secretariatId],
    ]);
    expect(events.body.items.find((e: any) => e.kind === 'institucion_cambiada').details).toEqual({ from: 'inst_produce', to: 'inst_midis' });
  }, 90_000);

  it('refuses everyone else with 403 and changes nothing', async () => {
    const target = (await mesa.call('SECRETARIA', 'GET', '/api/v1/users')).body.items[0];
    expect(target).toBeDefined();
    for (const code of ['MINSA', 'DEFENSORIA', 'OIM']) {
      expect((await mesa.call(code, 'GET', '/api/v1/users')).status).toBe(403);
      expect((await mesa.call(code, 'POST', '/api/v1/users', { email: `intruso.${code.toLowerCase()}@ejemplo.pe`, name: 'Intruso', institution: code, designation: 'titular' })).status).toBe(403);
      expect((await mesa.call(code, 'PATCH', `/api/v1/users/${target.id}`, { active: false, institution: code })).status).toBe(403);
      expect((await mesa.call(code, 'GET', '/api/v1/account-events')).status).toBe(403);
    }
    const after = (await mesa.call('SECRETARIA', 'GET', '/api/v1/users')).body.items;
    expect(after.find((u: any) => u.id === target.id)).toEqual(target);
    expect(after.some((u: any) => u.email.startsWith('intruso'))).toBe(false);
  });

  it('names the field of a wrong institution, and the secretariat cannot deactivate itself', async () => {
    const wrong = await mesa.call('SECRETARIA', 'POST', '/api/v1/users', { email: 'x@ejemplo.pe', name: 'X', institution: 'NOEXISTE', designation: 'titular' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.field).toBe('institution');
    const me = (await mesa.call('SECRETARIA', 'GET', '/api/v1/me')).body.id;
    expect((await mesa.call('SECRETARIA', 'PATCH', `/api/v1/users/${me}`, { active: false })).status).toBe(422);
    expect((await mesa.call('SECRETARIA', 'GET', '/api/v1/me')).status).toBe(200);
  });
});
