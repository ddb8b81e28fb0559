// The web pages at the HTTP level (no browser): sessions, CSRF, security headers, escaping,
// role rules identical to the API's, forms that act once, and the weight of a page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoEmail } from '../runtime/demo';
import { demoPassword, eventually, launchBody, memberCodes, startMesa, type Mesa } from './harness';

let mesa: Mesa;
beforeAll(async () => { mesa = await startMesa(); });
afterAll(() => mesa?.close());

/** A person with a browser: keeps cookies, reads the CSRF token from the last page. */
class Visitor {
  jar = new Map<string, string>();
  last = '';
  private cookie() {
    return [...this.jar].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }
  private keep(setCookie: string | string[] | undefined) {
    for (const c of [setCookie ?? []].flat()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, i), decodeURIComponent(pair!.slice(i + 1))];
      if (/Max-Age=0/.test(c)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
  async get(url: string) {
    const res = await mesa.app.inject({ method: 'GET', url, headers: { cookie: this.cookie() } });
    this.keep(res.headers['set-cookie']);
    this.last = res.body;
    return res;
  }
  csrf() {
    return /name="_csrf" value="([^"]+)"/.exec(this.last)?.[1] ?? '';
  }
  async post(url: string, form: Record<string, string>) {
    const res = await mesa.app.inject({
      method: 'POST', url, payload: new URLSearchParams(form).toString(),
      headers: { cookie: this.cookie(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.keep(res.headers['set-cookie']);
    this.last = res.body;
    return res;
  }
  async login(code: string) {
    await this.get('/entrar');
    const res = await this.post('/entrar', { _csrf: this.csrf(), email: demoEmail(code), password: demoPassword });
    expect(res.statusCode).toBe(303);
    await this.get('/');
    return this;
  }
}

const launchRound = async (overrides: Record<string, unknown> = {}) => {
  const res = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['conformidad'], ...overrides }));
  expect(res.status).toBe(201);
  return res.body.id as string;
};

describe('sessions', () => {
  it('sends a visitor without a session to the login page', async () => {
    const res = await new Visitor().get('/');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/entrar');
  });

  it('sets an HttpOnly, SameSite session cookie at login and ends it at logout', async () => {
    const v = new Visitor();
    await v.get('/entrar');
    const res = await v.post('/entrar', { _csrf: v.csrf(), email: demoEmail('MINSA'), password: demoPassword });
    expect(res.statusCode).toBe(303);
    const cookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('mesa_sesion='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const token = v.jar.get('mesa_sesion')!;
    expect((await v.get('/')).statusCode).toBe(200);
    const out = await v.post('/salir', { _csrf: v.csrf() });
    expect(out.headers.location).toBe('/entrar');
    // The token itself stops working, not only the cookie.
    const api = await mesa.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(api.statusCode).toBe(401);
  });

  it('refuses a login form without its CSRF token', async () => {
    const v = new Visitor();
    await v.get('/entrar');
    const res = await v.post('/entrar', { email: demoEmail('MINSA'), password: demoPassword });
    expect(res.statusCode).toBe(403);
    expect(v.jar.has('mesa_sesion')).toBe(false);
  });

  it('says a wrong password in Spanish and keeps the typed email', async () => {
    const v = new Visitor();
    await v.get('/entrar');
    const res = await v.post('/entrar', { _csrf: v.csrf(), email: 'minsa@demo.mesa.test', password: 'equivocada' });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('Correo o contraseña incorrectos.');
    expect(res.body).toContain('value="minsa@demo.mesa.test"');
  });
});

describe('proposal page', () => {
  it('escapes what users wrote, renders Markdown without its HTML, and sends the security headers', async () => {
    const id = await launchRound({
      title: 'Título <img src=x onerror=alert(1)>',
      text: '1. Párrafo con **énfasis** y <script>alert(1)</script>.\n\n2. Un [enlace](javascript:alert(1)).',
    });
    const v = await new Visitor().login('MINSA');
    const res = await v.get(`/propuestas/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Título &lt;img src=x onerror=alert(1)&gt;');
    expect(res.body).toContain('<strong>énfasis</strong>');
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).not.toMatch(/href="javascript:/i);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('records a sign-off from the form once, however often it is submitted', async () => {
    const id = await launchRound();
    const v = await new Visitor().login('MINSA');
    await v.get(`/propuestas/${id}`);
    const form = { _csrf: v.csrf(), _once: /name="_once" value="([^"]+)"/.exec(v.last)![1]!, position: 'objeta', comment: 'Falta presupuesto.' };
    const first = await v.post(`/propuestas/${id}/conformidad`, form);
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toContain('hecho=conformidad');
    expect((await v.post(`/propuestas/${id}/conformidad`, form)).statusCode).toBe(303);
    const p = (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body;
    expect(p.signoffHistory.filter((s: { institution: string }) => s.institution === 'MINSA')).toHaveLength(1);
    const page = await v.get(`/propuestas/${id}?hecho=conformidad`);
    expect(page.body).toContain('Conformidad registrada.');
    expect(page.body).toMatch(/<abbr title="Ministerio de Salud">MINSA<\/abbr><\/th>\s*<td data-label="Posición">Objeta/);
  });

  it('shows an objection without a reason as an error in the form, keeping the choice', async () => {
    const id = await launchRound();
    const v = await new Visitor().login('RREE');
    await v.get(`/propuestas/${id}`);
    const res = await v.post(`/propuestas/${id}/conformidad`, { _csrf: v.csrf(), _once: 'una-vez-rree', position: 'objeta' });
    // Post/redirect/get: back to the proposal's own page, which shows the form with its error.
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^/propuestas/${id}\\?formulario=[0-9a-f-]{36}#f-conformidad-h$`));
    const back = await v.get(String(res.headers.location));
    expect(back.body).toMatch(/role="alert"><p>Revise los campos marcados\.<\/p>/);
    expect(back.body).toMatch(/class="field-error" id="f-conformidad-comment-error">[^<]*comentario/i);
    expect(back.body).toMatch(/value="objeta" id="[^"]+" checked/);
    const p = (await mesa.call('RREE', 'GET', `/api/v1/proposals/${id}`)).body;
    expect(p.signoffs).toEqual([]);
  });

  it('gives an observer no sign-off form, and a crafted sign-off the 403 of the API, with nothing recorded', async () => {
    const id = await launchRound();
    const v = await new Visitor().login('DEFENSORIA');
    const page = await v.get(`/propuestas/${id}`);
    expect(page.body).not.toContain('Registrar conformidad');
    expect(page.body).toContain('Comentar');
    const crafted = await v.post(`/propuestas/${id}/conformidad`, { _csrf: v.csrf(), position: 'aprueba' });
    expect(crafted.statusCode).toBe(403);
    expect(crafted.body).toContain('Solo las instituciones miembro');
    const forged = await v.post(`/propuestas/${id}/comentarios`, { _csrf: 'otro', text: 'hola' });
    expect(forged.statusCode).toBe(403);
    const p = (await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body;
    expect(p.signoffs).toEqual([]);
    expect(p.comments).toEqual([]);
  });

  it('weighs under 200 KB with its stylesheet, for a round of 22 with comments', async () => {
    const id = await launchRound({ text: Array.from({ length: 40 }, (_, i) => `${i + 1}. ${'Texto del párrafo con contenido. '.repeat(12)}`).join('\n\n') });
    await Promise.all(memberCodes.map((code) => mesa.call(code, 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba_con_observaciones', comment: 'Observación de la institución. '.repeat(5) })));
    await eventually(async () => ((await mesa.call('MINSA', 'GET', `/api/v1/proposals/${id}`)).body.stage === 'cerrada' ? true : undefined));
    const v = await new Visitor().login('SECRETARIA');
    const page = await v.get(`/propuestas/${id}`);
    const css = await v.get('/static/mesa.css');
    expect(page.statusCode).toBe(200);
    expect(Buffer.byteLength(page.body) + Buffer.byteLength(css.body)).toBeLessThan(200 * 1024);
  });
});

describe('language', () => {
  it('switches to English and keeps it, and never redirects off the site', async () => {
    const v = await new Visitor().login('SECRETARIA');
    expect(v.last).toContain('Propuestas por etapa');
    const res = await v.post('/idioma', { _csrf: v.csrf(), lang: 'en', back: '//evil.example/' });
    expect(res.headers.location).toBe('/');
    expect((await v.get('/')).body).toContain('Proposals by stage');
    expect((await v.get('/informes')).body).toContain('lang="en"');
  });

  it('names stages, statuses and events in words, never by their codes, in Spanish and in English', async () => {
    const id = await launchRound();
    const v = await new Visitor().login('SECRETARIA');
    // What a person reads: the text between the tags (codes stay inside form values and links).
    const visible = (body: string) => body.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]*>/g, ' ');
    const es = visible((await v.get(`/propuestas/${id}`)).body);
    expect(es).toContain('Propuesta lanzada');
    expect(es).not.toMatch(/\b[a-z]+(_[a-z]+)+\b/);
    await v.post('/idioma', { _csrf: v.csrf(), lang: 'en', back: `/propuestas/${id}` });
    const en = visible((await v.get(`/propuestas/${id}`)).body);
    expect(en).toContain('Proposal launched');
    expect(en).toContain('Sign-off');
    expect(en).not.toMatch(/\b[a-z]+(_[a-z]+)+\b/);
  });
});

describe('calendar page', () => {
  it('lets the secretariat add a decreed day with its decree, refuses it twice beside the field, and shows members the days without forms', async () => {
    const v = await new Visitor().login('SECRETARIA');
    await v.get('/calendario?anio=2027');
    expect(v.last).toContain('jueves 25 de marzo de 2027');
    expect(v.last).toContain('Jueves Santo');
    const once = () => /name="_once" value="([^"]+)"/.exec(v.last)![1]!;
    const form = { _csrf: v.csrf(), _once: once(), date: '2027-07-30', reason: 'Día no laborable para el sector público', reference: 'D.S. N.° 101-2027-PCM', kind: 'no_laborable' };
    const added = await v.post('/calendario', form);
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe('/calendario?anio=2027&hecho=dia_agregado');
    await v.get(added.headers.location!);
    expect(v.last).toContain('Día no laborable registrado.');
    expect(v.last).toMatch(/viernes 30 de julio de 2027<\/th><td>Día no laborable para el sector público<\/td><td>Día no laborable<\/td><td>D\.S\. N\.° 101-2027-PCM/);
    const again = await v.post('/calendario', { ...form, _csrf: v.csrf(), _once: once() });
    expect(again.statusCode).toBe(400);
    expect(again.body).toMatch(/class="field-error" id="f-agregar-date-error">El campo «Fecha»: el 2027-07-30 ya está registrado/);

    const member = await new Visitor().login('MINSA');
    await member.get('/calendario?anio=2027');
    expect(member.last).toContain('D.S. N.° 101-2027-PCM');
    expect(member.last).not.toContain('action="/calendario"');
    expect((await member.post('/calendario', { _csrf: member.csrf(), date: '2027-08-02', reason: 'Intento' })).statusCode).toBe(403);
  });
});
