// The web pages as the people of the Mesa found them wanting (issue 15), one page test per
// defect: what each page must now show, say and link, in Spanish and in English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptWith, eventually, launchBody, memberCodes, startMesa, type Mesa } from './harness';
import { webVisitor } from './web-visitor';

let mesa: Mesa;
beforeAll(async () => { mesa = await startMesa(); });
afterAll(() => mesa?.close());

type Visitor = Awaited<ReturnType<typeof webVisitor>>;

/** What a person reads: the text between the tags, entities decoded, spaces collapsed. */
const visible = (body: string) => body.replace(/<(style|script)[\s\S]*?<\/\1>/g, '').replace(/<[^>]*>/g, ' ')
  .replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/\s+/g, ' ');

/** A code of the Mesa's (grupo_de_trabajo, parcialmente_acogida…) where a person reads. */
const rawCode = /\b[a-z]+(_[a-z]+)+\b/;

/** Submits a form; a refused one comes back (303) to the page's own address, which is then read. */
async function submit(v: Visitor, url: string, form: Record<string, string>) {
  const res = await v.post(url, { _csrf: v.csrf(), _once: v.once(), ...form });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  const location = String(res.headers.location);
  return { location, body: await v.get(location) };
}

/** The error shown beside a field, by the field's id. */
const errorOf = (body: string, id: string) => new RegExp(`id="${id}-error">([^<]*)<`).exec(body)?.[1] ?? null;

describe('reassignment requests (defect 1)', () => {
  it('shows the request with who asked, why and what, to the secretariat deciding it and to the ministry that asked', async () => {
    const [taskId] = await adoptWith(mesa, [{ title: 'Registro de retornantes en frontera', responsible: ['SUNAT', 'MIGRACIONES'], dueIn: 'P30D', deliverable: 'Registro operativo' }]);
    const sunat = await webVisitor(mesa.app, 'SUNAT');
    await sunat.get(`/tareas/${taskId}`);
    const asked = await submit(sunat, `/tareas/${taskId}/solicitud`, { reason: 'Corresponde a la Superintendencia de Migraciones.', proposedDueDate: '' });
    expect(asked.location).toBe(`/tareas/${taskId}?hecho=solicitud`);
    const own = visible(asked.body);
    expect(own).toContain('Su solicitud, pendiente de decisión');
    expect(own).toContain('Corresponde a la Superintendencia de Migraciones.');
    expect(own).toContain('Reasignar su parte de la tarea a otras instituciones');

    const secretariat = await webVisitor(mesa.app, 'SECRETARIA');
    const page = await secretariat.get(`/tareas/${taskId}`);
    const text = visible(page);
    expect(text).toContain('Decidir la solicitud');
    expect(text).toMatch(/Solicitada por SUNAT/);
    expect(text).toContain('Corresponde a la Superintendencia de Migraciones.');
    // The new institutions are picked from the registry by name, not typed as codes.
    expect(page).toMatch(/<input type="checkbox" name="responsible" value="MEF"[^>]*> Ministerio de Economía y Finanzas \(MEF\)/);
    expect(page).not.toContain('value="SUNAT" id="f-decision-responsible');

    // Deciding asks for a confirmation first; without it nothing is recorded.
    const unconfirmed = await submit(secretariat, `/tareas/${taskId}/decision`, { granted: 'false', comment: 'Le corresponde.' });
    expect(errorOf(unconfirmed.body, 'f-decision-confirm')).toBe('Marque la confirmación para registrar la decisión.');
    expect((await mesa.call('SECRETARIA', 'GET', `/api/v1/tasks/${taskId}`)).body.pendingFor).toEqual(['SECRETARIA']);
    const decided = await submit(secretariat, `/tareas/${taskId}/decision`, { granted: 'true', comment: 'Lo asume el MEF.', responsible: 'MEF', confirm: 'si' });
    expect(decided.location).toBe(`/tareas/${taskId}?hecho=solicitud_decidida`);
    expect(visible(decided.body)).not.toContain('Solicitud pendiente de decisión');
    const task = (await mesa.call('SECRETARIA', 'GET', `/api/v1/tasks/${taskId}`)).body;
    expect(task.responsible).toEqual(['MIGRACIONES', 'MEF']);
  });

  it('shows a request for a new date with the date asked and the current one', async () => {
    const [taskId] = await adoptWith(mesa, [{ title: 'Padrón de retornantes', responsible: ['PRODUCE'], dueIn: 'P30D', deliverable: 'Padrón' }]);
    const produce = await webVisitor(mesa.app, 'PRODUCE');
    await produce.get(`/tareas/${taskId}`);
    await submit(produce, `/tareas/${taskId}/solicitud`, { reason: 'Requiere presupuesto 2030.', proposedDueDate: '2030-03-31T17:00' });
    const text = visible(await (await webVisitor(mesa.app, 'SECRETARIA')).get(`/tareas/${taskId}`));
    expect(text.slice(text.indexOf("Decidir"), text.indexOf("Decidir") + 400)).toMatch(/Nueva fecha: 31 de marzo de 2030 a las 5:00 p\. m\./);
    expect(text).toContain('Requiere presupuesto 2030.');
  });
});

describe('form errors (defects 2, 3 and 4)', () => {
  it('lists every mistake of the launch form at once, each beside its field by its label, at the form\'s own address', async () => {
    const v = await webVisitor(mesa.app, 'SECRETARIA');
    await v.get('/propuestas/nueva');
    const { location, body } = await submit(v, '/propuestas/nueva', {
      title: '', summary: '', text: '', leadWorkingGroup: 'GT3', stages: 'conformidad', deadline_conformidad: 'P10D',
      // A planned action half filled: it names the parts it lacks. The others, left empty, are no action.
      action1_title: 'Módulo de atención', action1_dueIn: 'P90D', action2_dueIn: 'P90D', action3_dueIn: 'P90D',
    });
    // Post/redirect/get: the address is the form's page, which opens as a page again.
    expect(location).toMatch(/^\/propuestas\/nueva\?formulario=[0-9a-f-]{36}$/);
    expect({
      title: errorOf(body, 'f-title'), summary: errorOf(body, 'f-summary'), text: errorOf(body, 'f-text'),
      objectives: errorOf(body, 'f-objectives'), populations: errorOf(body, 'f-populations'),
      responsible: errorOf(body, 'f-action1_responsible'), deliverable: errorOf(body, 'f-action1_deliverable'),
    }).toEqual({
      title: 'Complete «Título».', summary: 'Complete «Resumen».', text: 'Complete «Texto».',
      objectives: 'Elija al menos una opción en «Objetivos de la PNM».', populations: 'Elija al menos una opción en «Poblaciones».',
      responsible: 'Elija al menos una opción en «Instituciones responsables».', deliverable: 'Complete «Entregable».',
    });
    expect(errorOf(body, 'f-action2_deliverable')).toBeNull();
    expect(body).toContain('value="Módulo de atención"');
    expect(visible(body)).not.toMatch(/«(title|summary|objectives|deliverable)»|elemento\(s\)/);
    expect((await v.get(location))).toContain('Complete «Título».');
  });

  it('launches with the planned actions left empty, and with several actions filled in', async () => {
    const v = await webVisitor(mesa.app, 'SECRETARIA');
    await v.get('/propuestas/nueva');
    const form = {
      title: 'Ruta de retorno con dos acciones', summary: 'Resumen.', text: '1. Primer párrafo.', objectives: 'OE4', populations: 'retornantes',
      leadWorkingGroup: 'GT3', stages: 'conformidad', deadline_conformidad: 'P10D', decisionRule: 'consenso', silencePolicy: 'conformidad_tacita',
    };
    const res = await v.post('/propuestas/nueva', { _csrf: v.csrf(), _once: v.once(), ...form, action1_dueIn: 'P90D', action2_dueIn: 'P90D', action3_dueIn: 'P90D' });
    expect(String(res.headers.location)).toMatch(/^\/propuestas\/prop_\w+\?hecho=lanzada$/);
    await v.get('/propuestas/nueva');
    const two = await v.post('/propuestas/nueva', {
      _csrf: v.csrf(), _once: v.once(), ...form, title: 'Ruta de retorno con acciones',
      action1_title: 'Módulo en frontera', action1_responsible: 'MIGRACIONES', action1_dueIn: 'P90D', action1_deliverable: 'Módulo operativo',
      action2_title: 'Afiliación al SIS', action2_responsible: 'MINSA', action2_dueIn: 'P6M', action2_deliverable: 'Padrón de afiliados',
      action3_dueIn: 'P90D',
    });
    const id = /\/propuestas\/(prop_\w+)/.exec(String(two.headers.location))![1]!;
    const p = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`)).body;
    expect(p.actions.map((a: { title: string; responsible: string[] }) => [a.title, a.responsible])).toEqual([['Módulo en frontera', ['MIGRACIONES']], ['Afiliación al SIS', ['MINSA']]]);
  });

  it('says a change needs its paragraph beside the paragraph field, in Spanish and then in English', async () => {
    const id = (await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['consulta', 'conformidad'] }))).body.id as string;
    await eventually(async () => (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`)).body.consultationOpen || undefined);
    const v = await webVisitor(mesa.app, 'AFAMIPER');
    const page = await v.get(`/propuestas/${id}`);
    expect(visible(page)).toContain('Párrafo (obligatorio para un cambio)');
    const es = await submit(v, `/propuestas/${id}/aportes`, { kind: 'cambio', text: 'Agregar a las familias.', paragraph: '' });
    expect(es.location).toMatch(new RegExp(`^/propuestas/${id}\\?formulario=[0-9a-f-]{36}#f-aporte-h$`));
    expect(errorOf(es.body, 'f-aporte-paragraph')).toBe('Un cambio propuesto debe indicar el párrafo que cambia.');
    await v.post('/idioma', { _csrf: v.csrf(), lang: 'en', back: `/propuestas/${id}` });
    await v.get(`/propuestas/${id}`);
    const en = await submit(v, `/propuestas/${id}/aportes`, { kind: 'cambio', text: '', paragraph: '' });
    expect(errorOf(en.body, 'f-aporte-paragraph')).toBe('A proposed change must name the paragraph it changes.');
    expect(errorOf(en.body, 'f-aporte-text')).toBe('Fill in «Input».');
    expect((await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`)).body.inputs).toEqual([]);
  });

  it('opens the address of a form\'s action as its page, never as a bare API 404', async () => {
    const id = (await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['conformidad'] }))).body.id as string;
    const v = await webVisitor(mesa.app, 'MINSA');
    const res = await mesa.app.inject({ url: `/propuestas/${id}/conformidad`, headers: { cookie: `mesa_sesion=x` } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/propuestas/${id}`);
    expect(await v.get(`/propuestas/${id}`)).toContain('Su conformidad');
  });
});

describe('the proposal page (defect 6)', () => {
  it('shows what members decide on: groups, objectives, populations, rules, planned actions, the tally and the agreement\'s tasks', async () => {
    const [taskId] = await adoptWith(mesa, [{ title: 'Módulo de atención en el aeropuerto', responsible: ['MIGRACIONES', 'RREE'], dueIn: 'P90D', deliverable: 'Módulo operativo' }],
      { title: 'Protocolo de retornantes adoptado', decisionRule: 'mayoria_simple' });
    const task = (await mesa.call('SECRETARIA', 'GET', `/api/v1/tasks/${taskId}`)).body;
    const p = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${task.proposalId}`)).body;
    const v = await webVisitor(mesa.app, 'MINSA');
    const page = await v.get(`/propuestas/${task.proposalId}`);
    const text = visible(page);
    expect(text).toContain(`${p.number} · Estado: Adoptada`);
    expect(text).not.toContain(`Acuerdo ${p.number}`);
    for (const words of ['Grupo de trabajo líder GT3', 'Otros grupos de trabajo GT2', 'OE4', 'Retornantes', 'Regla de decisión Mayoría simple', 'Quórum 50 % de los miembros', 'Política de silencio']) {
      expect(text).toContain(words);
    }
    expect(text.slice(text.indexOf("Acciones previstas"), text.indexOf("Acciones previstas") + 300)).toMatch(/Módulo de atención en el aeropuerto MIGRACIONES\s*,\s*RREE 90 días desde la adopción Módulo operativo/);
    expect(text).toContain(`Mayoría simple: ${memberCodes.length} a favor de ${memberCodes.length}.`);
    expect(page).toContain(`<a href="/tareas/${taskId}">Módulo de atención en el aeropuerto</a>`);
    expect(text).not.toMatch(rawCode);
  });

  it('lists every agreement in the register: number, date, proposal, vote, and its tasks with their progress', async () => {
    const [taskId] = await adoptWith(mesa, [{ title: 'Capacitación a gobiernos regionales', responsible: ['PCM'], dueIn: 'P60D', deliverable: 'Informe' }],
      { title: 'Capacitación para la atención de retornantes' });
    const task = (await mesa.call('SECRETARIA', 'GET', `/api/v1/tasks/${taskId}`)).body;
    const page = await (await webVisitor(mesa.app, 'INEI')).get('/acuerdos');
    const row = page.split('<tr>').find((r) => r.includes(task.agreementNumber))!;
    expect(visible(row)).toMatch(new RegExp(`${task.agreementNumber} \\d+ de \\w+ de \\d{4} a las .* Capacitación para la atención de retornantes Consenso: ningún miembro objetó\\. Capacitación a gobiernos regionales · Asignada · 0% 0% · Vence:`));
    expect(row).toContain(`href="/propuestas/${task.proposalId}"`);
    expect(row).toContain(`href="/tareas/${taskId}"`);
  });

  it('shows why a proposal was withdrawn', async () => {
    const id = (await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['conformidad'] }))).body.id as string;
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/withdraw`, { reason: 'La reemplaza el protocolo regional.' })).status).toBe(200);
    const text = visible(await (await webVisitor(mesa.app, 'RREE')).get(`/propuestas/${id}`));
    expect(text).toContain('Motivo del retiro: La reemplaza el protocolo regional.');
  });

  it('compares versions in a table: paragraph number, before, after, the changed words marked', async () => {
    const id = (await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['consulta', 'conformidad'] }))).body.id as string;
    await eventually(async () => (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`)).body.consultationOpen || undefined);
    const text = '1. La Superintendencia Nacional de Migraciones habilita **dos** módulos.\n\n2. RREE informa a los consulados.\n\n3. El SIS afilia.';
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${id}/versions`, { text, changeSummary: 'Dos módulos; afiliación.' })).status).toBe(201);
    const page = await (await webVisitor(mesa.app, 'MINSA')).get(`/propuestas/${id}`);
    const table = page.slice(page.indexOf('<table class="compare">'), page.indexOf('</table>', page.indexOf('<table class="compare">')));
    expect(table).toContain('<th scope="col">Versión 1</th><th scope="col">Versión 2</th>');
    expect(table).toMatch(/<th scope="row" class="n">1<\/th>[\s\S]*<del><span class="visually-hidden">Texto anterior: <\/span>un\b[\s\S]*<ins><span class="visually-hidden">Texto nuevo: <\/span>dos\b/);
    expect(table).toMatch(/<th scope="row" class="n">3<\/th>\s*<td data-label="Versión 1">—<\/td>/);
    expect(table).not.toContain('**');
  });
});

describe('search, reports, calendar and the little things (defects 7, 10, 12, 13, 14)', () => {
  it('finds a proposal by a word of its text and an agreement by its number', async () => {
    const [taskId] = await adoptWith(mesa, [{ title: 'Afiliación', responsible: ['MINSA'], dueIn: 'P90D', deliverable: 'Padrón' }],
      { title: 'Cobertura de salud para retornantes', text: '1. El SIS afilia a los retornantes en situación de vulnerabilidad.' });
    const { proposalId, agreementNumber } = (await mesa.call('SECRETARIA', 'GET', `/api/v1/tasks/${taskId}`)).body;
    const v = await webVisitor(mesa.app, 'SECRETARIA');
    for (const q of ['SIS', agreementNumber, 'situacion vulnerable']) {
      expect(await v.get(`/propuestas?q=${encodeURIComponent(q)}`), q).toContain(`href="/propuestas/${proposalId}"`);
    }
  });

  it('links proposals by stage to a CSV of proposals by stage, named in words', async () => {
    await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['grupo_de_trabajo', 'conformidad'] }));
    const v = await webVisitor(mesa.app, 'SECRETARIA');
    const page = await v.get('/informes');
    const pipeline = page.slice(page.indexOf('id="pipeline"'), page.indexOf('id="objetivos"'));
    expect(pipeline).toContain('href="/informes/propuestas-por-etapa.csv"');
    const csv = await mesa.app.inject({ url: '/informes/propuestas-por-etapa.csv', headers: { cookie: (await loginCookie('SECRETARIA')) } });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toMatch(/^\uFEFFEtapa,Propuestas en curso\r\n/);
    expect(csv.body).toMatch(/\r\nGrupo de trabajo,\d+\r\n/);
    expect(csv.body).not.toMatch(rawCode);
  });

  it('links calendar events to the web pages at the one public address', async () => {
    const id = (await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['conformidad'] }))).body.id as string;
    const made = await mesa.call('ONP', 'POST', '/api/v1/calendar/token', {});
    const feed = await mesa.app.inject({ url: new URL(made.body.url).pathname });
    const urls = feed.body.replace(/\r\n /g, '').split('\r\n').filter((l) => l.startsWith('URL:'));
    expect(urls).toContain(`URL:http://mesa.test/propuestas/${id}`);
    expect(urls.every((u) => u.startsWith('URL:http://mesa.test/') && !u.includes('/api/'))).toBe(true);
    expect(feed.body).not.toMatch(rawCode);
  });

  it('says "Plazo vencido" in the inbox for what the home page calls overdue', async () => {
    const [taskId] = await adoptWith(mesa, [{ title: 'Tarea que ya venció', responsible: ['MVCS'], dueIn: 'PT1S', deliverable: 'Informe' }]);
    await eventually(async () => (await mesa.call('MVCS', 'GET', `/api/v1/tasks/${taskId}`)).body.overdue || undefined);
    const v = await webVisitor(mesa.app, 'MVCS');
    const inbox = visible(await v.get('/bandeja'));
    const home = visible(await v.get('/'));
    expect(inbox).toMatch(/Tarea que ya venció[^·]*· Plazo vencido:/);
    expect(home).toMatch(/Tarea que ya venció[^·]*· Plazo vencido:/);
    expect(inbox).not.toMatch(/Tarea que ya venció[^·]*· Vence:/);
  });

  it('serves a favicon and a footer on every page', async () => {
    const icon = await mesa.app.inject({ url: '/favicon.ico' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/x-icon');
    expect(icon.rawPayload.subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    const login = await mesa.app.inject({ url: '/entrar' });
    expect(login.body).toContain('<link rel="icon" href="/favicon.ico"');
    expect(login.body).toMatch(/<footer><div class="inner"><p>Mesa de Trabajo Intersectorial para la Gestión Migratoria \(MTIGM\)<\/p>/);
  });
});

describe('institution settings', () => {
  it('sets how a person receives notices, gives the calendar\'s address once, and shows the deliveries', async () => {
    await mesa.call('SECRETARIA', 'PUT', '/api/v1/institutions/MINCUL/contacts', { titular: { name: 'Ana Quispe', email: 'ana@mincul.test' }, alterno: null, webhook: null });
    const v = await webVisitor(mesa.app, 'MINCUL');
    // The contacts as recorded fill the form the institution edits them with.
    const page = await v.get('/ajustes');
    expect(page).toMatch(/id="f-contactos-titular_name" name="titular_name" required[^>]* value="Ana Quispe"/);
    expect(page).toMatch(/id="f-contactos-titular_email" name="titular_email" required[^>]* value="ana@mincul.test"/);
    const saved = await submit(v, '/ajustes/preferencia', { notifications: 'resumen_diario' });
    expect(saved.location).toBe('/ajustes?hecho=preferencia');
    expect(visible(saved.body)).toContain('Preferencia guardada.');
    expect((await mesa.call('MINCUL', 'GET', '/api/v1/me/preferences')).body).toEqual({ notifications: 'resumen_diario' });
    const calendar = await submit(v, '/ajustes/calendario', {});
    const url = /Dirección de su calendario: (http:\/\/mesa\.test\/calendar\/[\w-]+\.ics)/.exec(visible(calendar.body))?.[1];
    expect(url).toBeDefined();
    expect((await mesa.app.inject({ url: new URL(url!).pathname })).statusCode).toBe(200);
    // Shown once: the address is a secret, not kept on the page.
    expect(visible(await v.get('/ajustes'))).not.toContain(url!);
  });
});

describe('English and words instead of codes (defects 9 and 11)', () => {
  it('names notices in English in English mode, and no page shows a code', async () => {
    const [taskId] = await adoptWith(mesa, [{ title: 'Guía para municipios', responsible: ['MIMP'], dueIn: 'P30D', deliverable: 'Guía' }]);
    const v = await webVisitor(mesa.app, 'MIMP');
    await v.get('/');
    await v.post('/idioma', { _csrf: v.csrf(), lang: 'en', back: '/' });
    await eventually(async () => (visible(await v.get('/bandeja')).includes('Task assigned:') ? true : undefined));
    const inbox = visible(await v.get('/bandeja'));
    expect(inbox).toContain('Inbox');
    // A notice's own sentence was written in Spanish when it was sent; it is marked so (lang="es").
    const english = (body: string) => visible(body.replace(/<span lang="es">[^<]*<\/span>/g, ''));
    for (const url of ['/', '/bandeja', `/tareas/${taskId}`, '/tareas', '/propuestas', '/informes', '/acuerdos', '/ajustes']) {
      const text = english(await v.get(url));
      expect(text, url).not.toMatch(rawCode);
      expect(text, url).not.toMatch(/\b(Vence|Pendiente|Plazo vencido|Propuestas|Tareas|Bandeja)\b/);
    }
  });
});

async function loginCookie(code: string): Promise<string> {
  const token = await mesa.login(code);
  return `mesa_sesion=${encodeURIComponent(token)}`;
}
