// Who may read what (docs/domain.md#lectura): civil society sees a proposal once it reached consultation, the
// round as a tally and the audit trail's verification only; members' positions and comments,
// comments, task notes and user ids are absent from everything it receives — API answers, pages,
// reports and their CSV, its calendar feed, its inbox, its emails and its webhook. Observers read
// the deliberation but not user ids; the secretariat reads everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer, type Mailer } from '../activities/channels';
import { recordNotices } from '../db/deliveries';
import { users } from '../db/schema';
import { auditForReader, isPublic, pendingForReader, proposalForReader, tallyOf } from '../domain/visibility';
import { demoEmail } from '../runtime/demo';
import { demoPassword, eventually, launchBody, memberCodes, startMesa, type Mesa } from './harness';
import { startSmtpCatcher, startWebhookReceiver, type SmtpCatcher, type WebhookReceiver } from '../scripts/receivers';

let smtp: SmtpCatcher;
let mailer: Mailer;
let hook: WebhookReceiver;
let mesa: Mesa;

/** What only the State's side may read: every one must be absent from what civil society gets. */
const secrets = {
  objection: 'SECRETO-OBJECION-MINSA: el presupuesto no alcanza',
  observation: 'SECRETO-OBSERVACION-RREE: precisar los consulados',
  comment: 'SECRETO-COMENTARIO-DEFENSORIA sobre la propuesta',
  note: 'SECRETO-NOTA-AVANCE de Migraciones',
  evidence: 'https://migraciones.gob.pe/SECRETO-EVIDENCIA',
};
const hiddenTitle = 'BORRADOR-EN-GRUPO-DE-TRABAJO reservado';
const openTitle = 'CONSULTA-ABIERTA-C sobre integración';
const input = 'Aporte público de AFAMIPER: incluir a las familias.';
const answer = 'Se incorpora en el párrafo 2.';

let publicId: string;
let hiddenId: string;
let openId: string;
let taskId: string;
let userIds: string[];

/** Fails with what leaked: any secret, the hidden proposal, or any user id. */
function expectNothingHidden(where: string, text: string) {
  for (const s of [...Object.values(secrets), hiddenTitle, hiddenId, ...userIds]) {
    expect(text.includes(s), `${where} contiene «${s}»`).toBe(false);
  }
}

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  mailer = smtpMailer(smtp.url, 'Mesa MTIGM <no-responder@mesa.mtigm.test>');
  hook = await startWebhookReceiver({ answer: true });
  mesa = await startMesa({ mailer });
  userIds = (await mesa.database.db.select({ id: users.id }).from(users)).map((u) => u.id);
  expect(userIds.length).toBeGreaterThan(40);

  const contacts = await mesa.call('SECRETARIA', 'PUT', '/api/v1/institutions/AFAMIPER/contacts', {
    titular: { name: 'Titular AFAMIPER', email: 'titular@afamiper.org.pe' }, alterno: null,
    webhook: { url: hook.url, secret: 'clave-de-firma-de-afamiper-2026' },
  });
  expect(contacts.status).toBe(200);

  // A proposal through consultation, a round with positions and comments, adoption and a task.
  const launched = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({
    stages: ['consulta', 'conformidad'], decisionRule: 'mayoria_simple', reminders: [],
    actions: [{ title: 'Módulo de atención', responsible: ['MIGRACIONES'], dueIn: 'P90D', deliverable: 'Módulo operativo' }],
  }));
  expect(launched.status).toBe(201);
  publicId = launched.body.id;
  const sent = await mesa.call('AFAMIPER', 'POST', `/api/v1/proposals/${publicId}/inputs`, { kind: 'comentario', text: input });
  expect(sent.status).toBe(201);
  expect((await mesa.call('DEFENSORIA', 'POST', `/api/v1/proposals/${publicId}/comments`, { text: secrets.comment })).status).toBe(201);
  expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${publicId}/inputs/${sent.body.id}/answer`, { decision: 'acogida', reason: answer })).status).toBe(200);
  expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/proposals/${publicId}/advance`, {})).status).toBe(200);
  const positions: Record<string, object> = {
    MINSA: { position: 'objeta', comment: secrets.objection },
    RREE: { position: 'aprueba_con_observaciones', comment: secrets.observation },
    MTPE: { position: 'se_abstiene' },
  };
  const signed = await Promise.all(memberCodes.map((code) => mesa.call(code, 'POST', `/api/v1/proposals/${publicId}/signoffs`, positions[code] ?? { position: 'aprueba' })));
  expect(signed.map((s) => s.status)).toEqual(Array(22).fill(200));
  const adopted = await eventually(async () => {
    const p = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${publicId}`)).body;
    return p.status === 'adoptada' && p.tasks.length === 1 ? p : undefined;
  });
  taskId = adopted.tasks[0];
  await eventually(async () => (await mesa.call('MIGRACIONES', 'GET', `/api/v1/tasks/${taskId}`)).status === 200);
  expect((await mesa.call('MIGRACIONES', 'POST', `/api/v1/tasks/${taskId}/accept`, {})).status).toBe(200);
  expect((await mesa.call('MIGRACIONES', 'POST', `/api/v1/tasks/${taskId}/progress`, { percent: 40, note: secrets.note, evidenceUrl: secrets.evidence })).status).toBe(201);

  // One still in its working group (its own objective, to tell it apart in reports), one in consultation.
  const hidden = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({
    title: hiddenTitle, objectives: ['OE1'], populations: ['intencion_de_migrar'], stages: ['grupo_de_trabajo', 'consulta', 'conformidad'],
  }));
  expect(hidden.status).toBe(201);
  hiddenId = hidden.body.id;
  const open = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ title: openTitle, stages: ['consulta', 'conformidad'] }));
  expect(open.status).toBe(201);
  openId = open.body.id;
  // Everything sent has arrived: the decision's mails to the members, the consultation's to civil society.
  await eventually(async () => smtp.mails.some((m) => m.text.includes(`/propuestas/${openId}`) && m.to.includes('titular@afamiper.org.pe')));
  await eventually(async () => hook.calls.some((c) => JSON.parse(c.body).proposalId === openId));
}, 120_000);

afterAll(async () => {
  await mesa?.close();
  mailer?.close();
  await smtp?.close();
  await hook?.close();
});

/** A browser session for the demo user of that institution: the page's HTML and status. */
async function browser(code: string) {
  const cookies = new Map<string, string>();
  const keep = (set: string | string[] | undefined) => {
    for (const c of [set ?? []].flat()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      cookies.set(pair!.slice(0, i), decodeURIComponent(pair!.slice(i + 1)));
    }
  };
  const header = () => [...cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  const entrar = await mesa.app.inject({ method: 'GET', url: '/entrar' });
  keep(entrar.headers['set-cookie']);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(entrar.body)![1]!;
  const login = await mesa.app.inject({
    method: 'POST', url: '/entrar', headers: { cookie: header(), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, email: demoEmail(code), password: demoPassword }).toString(),
  });
  expect(login.statusCode).toBe(303);
  keep(login.headers['set-cookie']);
  return async (url: string) => {
    const res = await mesa.app.inject({ method: 'GET', url, headers: { cookie: header() } });
    return { status: res.statusCode, body: res.body };
  };
}

describe('civil society (OSC)', () => {
  it('reads the adopted proposal with inputs, answers, decision and tally, but no position, comment or user id', async () => {
    const res = await mesa.call('AFAMIPER', 'GET', `/api/v1/proposals/${publicId}`);
    expect(res.status).toBe(200);
    const p = res.body;
    expect(p).toMatchObject({ status: 'adoptada', number: expect.stringMatching(/^ACUERDO-/), tasks: [taskId] });
    expect(p.inputs).toEqual([expect.objectContaining({ institution: 'AFAMIPER', text: input, answer: expect.objectContaining({ decision: 'acogida', reason: answer }) })]);
    expect(p.decision).toMatchObject({ outcome: 'adoptada', counts: { members: 22, objeta: 1, aprueba_con_observaciones: 1, se_abstiene: 1, aprueba: 19 } });
    expect(p.tally).toMatchObject({ members: 22, answered: 22, aprueba: 19, aprueba_con_observaciones: 1, objeta: 1, se_abstiene: 1, tacit: 0 });
    expect(p.signoffs).toEqual([]);
    expect(p.signoffHistory).toEqual([]);
    expect(p.comments).toEqual([]);
    expect(p.launchedBy).toEqual({ institution: 'SECRETARIA' });
    expectNothingHidden('la propuesta (JSON)', JSON.stringify(p));
    // The same proposal, for the State's side, has them all: the secrets are real.
    const full = JSON.stringify((await mesa.call('PCM', 'GET', `/api/v1/proposals/${publicId}`)).body);
    for (const s of [secrets.objection, secrets.observation, secrets.comment]) expect(full).toContain(s);
  });

  it('finds no proposal still in its working group: 404, absent from lists, filters and reports', async () => {
    const direct = await mesa.call('AFAMIPER', 'GET', `/api/v1/proposals/${hiddenId}`);
    expect(direct.status).toBe(404);
    expect(direct.body.error.code).toBe('not_found');
    expect((await mesa.call('AFAMIPER', 'GET', `/api/v1/proposals/${hiddenId}/audit`)).status).toBe(404);
    // Submitting to it answers as if it did not exist, not that its consultation is closed.
    expect((await mesa.call('AFAMIPER', 'POST', `/api/v1/proposals/${hiddenId}/inputs`, { kind: 'comentario', text: 'x' })).status).toBe(404);
    expect((await mesa.call('PCM', 'GET', `/api/v1/proposals/${hiddenId}`)).status).toBe(200);

    const ids = async (query: string) => (await mesa.call('AFAMIPER', 'GET', `/api/v1/proposals?${query}`)).body.items.map((i: { id: string }) => i.id);
    expect(await ids('limit=100')).toEqual([openId, publicId]);
    expect(await ids('stage=grupo_de_trabajo')).toEqual([]);
    expect(await ids('objective=OE1')).toEqual([]);
    expect(await ids(`q=${encodeURIComponent('BORRADOR')}`)).toEqual([]);
    // Paging counts only what it may read: one per page, two pages, no empty page in between.
    const first = (await mesa.call('AFAMIPER', 'GET', '/api/v1/proposals?limit=1')).body;
    expect(first.items.map((i: { id: string }) => i.id)).toEqual([openId]);
    const second = (await mesa.call('AFAMIPER', 'GET', `/api/v1/proposals?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`)).body;
    expect(second.items.map((i: { id: string }) => i.id)).toEqual([publicId]);
    // Who a proposal waits for is another institution's business.
    const pending = await mesa.call('AFAMIPER', 'GET', '/api/v1/proposals?pendingFor=MINSA');
    expect(pending.status).toBe(403);
    expect(pending.body.error.message).toMatch(/pendingFor/);
    expect((await mesa.call('AFAMIPER', 'GET', '/api/v1/proposals?pendingFor=AFAMIPER')).status).toBe(200);
    expect(await (async () => (await mesa.call('PCM', 'GET', '/api/v1/proposals?limit=100')).body.items.length)()).toBe(3);

    const pnm = (await mesa.call('AFAMIPER', 'GET', '/api/v1/reports/pnm')).body;
    const all = (await mesa.call('SECRETARIA', 'GET', '/api/v1/reports/pnm')).body;
    const oe1 = (r: any) => r.objectives.find((o: any) => o.key === 'OE1').proposals.en_curso;
    const inGroup = (r: any) => r.pipeline.find((s: any) => s.stage === 'grupo_de_trabajo').proposals;
    expect([oe1(all), inGroup(all)]).toEqual([1, 1]);
    expect([oe1(pnm), inGroup(pnm)]).toEqual([0, 0]);
  });

  it('gets the audit trail’s verification only, and task progress without its notes', async () => {
    const audit = (await mesa.call('AFAMIPER', 'GET', `/api/v1/proposals/${publicId}/audit`)).body;
    expect(audit).toEqual({ events: [], verified: true });
    const taskAudit = (await mesa.call('AFAMIPER', 'GET', `/api/v1/tasks/${taskId}/audit`)).body;
    expect(taskAudit).toEqual({ events: [], verified: true });

    const task = (await mesa.call('AFAMIPER', 'GET', `/api/v1/tasks/${taskId}`)).body;
    expect(task).toMatchObject({ agreementNumber: expect.stringMatching(/^ACUERDO-/), percent: 40, lines: [expect.objectContaining({ institution: 'MIGRACIONES', percent: 40 })] });
    expect(task.progress).toEqual([{ institution: 'MIGRACIONES', percent: 40, at: expect.any(String) }]);
    expectNothingHidden('la tarea (JSON)', JSON.stringify(task));
    const list = (await mesa.call('AFAMIPER', 'GET', '/api/v1/tasks')).body;
    expect(list.items.map((t: { id: string }) => t.id)).toEqual([taskId]);
    expectNothingHidden('la lista de tareas', JSON.stringify(list));
  });

  it('reads reports and their CSV without how each member answered its rounds', async () => {
    const json = (await mesa.call('AFAMIPER', 'GET', '/api/v1/reports/institutions')).body;
    const minsa = json.institutions.find((i: any) => i.institution === 'MINSA');
    expect(minsa).toMatchObject({ signoffsAnswered: null, signoffsTacit: null, averageHoursToAnswer: null });
    const stateSide = (await mesa.call('DEFENSORIA', 'GET', '/api/v1/reports/institutions')).body;
    expect(stateSide.institutions.find((i: any) => i.institution === 'MINSA').signoffsAnswered).toBeGreaterThan(0);

    const token = await mesa.login('AFAMIPER');
    for (const url of ['/api/v1/reports/institutions', '/api/v1/reports/pnm']) {
      const csv = await mesa.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, accept: 'text/csv' } });
      expect(csv.statusCode).toBe(200);
      expectNothingHidden(`el CSV ${url}`, csv.body);
      if (url.endsWith('institutions')) {
        // MINSA answered one round: the State's CSV says 1; civil society's leaves the columns empty.
        const row = csv.body.split('\r\n').find((l) => l.startsWith('MINSA,'))!;
        expect(row.split(',').slice(-3)).toEqual(['', '', '']);
      } else {
        expect(csv.body.split('\r\n').find((l) => l.startsWith('Objetivo PNM,OE1,'))).toMatch(/^Objetivo PNM,OE1,0,/);
      }
    }
  });

  it('finds nothing hidden in its inbox, its emails, its webhook or its calendar feed', async () => {
    const inbox = (await mesa.call('AFAMIPER', 'GET', '/api/v1/inbox')).body.items;
    expect(inbox.map((i: { proposalId?: string; kind: string }) => `${i.kind}:${i.proposalId}`)).toEqual(expect.arrayContaining([
      `aporte_respondido:${publicId}`, `consulta_abierta:${openId}`,
    ]));
    expectNothingHidden('la bandeja', JSON.stringify(inbox));

    const mails = smtp.mails.filter((m) => m.to.some((a) => /afamiper/.test(a)));
    expect(mails.length).toBeGreaterThanOrEqual(3);
    for (const m of mails) expectNothingHidden(`el correo «${m.subject}»`, m.raw);
    expect(hook.calls.length).toBeGreaterThanOrEqual(3);
    for (const c of hook.calls) expectNothingHidden('el webhook', c.body);

    const feed = await mesa.call('AFAMIPER', 'POST', '/api/v1/calendar/token', {});
    expect(feed.status).toBe(201);
    const ics = await mesa.app.inject({ method: 'GET', url: new URL(feed.body.url).pathname });
    expect(ics.statusCode).toBe(200);
    expect(ics.body).toContain(openId);
    expectNothingHidden('el calendario', ics.body);
  });

  it('is told nothing about a proposal it may not read, even when a notice names it', async () => {
    await mesa.database.db.transaction((tx) => recordNotices(tx, [{
      key: `prueba:${hiddenId}:aviso`, recipients: ['AFAMIPER', 'MINSA'], kind: 'informacion', title: `Aviso sobre ${hiddenTitle}`, proposalId: hiddenId,
    }], new Date(), { publicUrl: 'http://mesa.test', email: true }));
    const told = async (code: string) => (await mesa.call(code, 'GET', '/api/v1/inbox')).body.items.some((i: { proposalId?: string }) => i.proposalId === hiddenId);
    expect(await told('MINSA')).toBe(true);
    expect(await told('AFAMIPER')).toBe(false);
    const deliveries = (await mesa.call('SECRETARIA', 'GET', `/api/v1/deliveries?proposal=${hiddenId}&limit=200`)).body.items;
    expect(deliveries.some((d: { institution: string }) => d.institution === 'MINSA')).toBe(true);
    expect(deliveries.some((d: { institution: string }) => d.institution === 'AFAMIPER')).toBe(false);
  });

  it('sees on its pages the tally and the answers, never a position, comment, note or user id', async () => {
    const get = await browser('AFAMIPER');
    const page = await get(`/propuestas/${publicId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(input);
    expect(page.body).toContain(answer);
    expect(page.body).toMatch(/Miembros consultados<\/th><td>22</);
    expectNothingHidden('la página de la propuesta', page.body);
    expect((await get(`/propuestas/${hiddenId}`)).status).toBe(404);
    for (const url of ['/', '/propuestas', '/bandeja', '/informes', `/tareas/${taskId}`, '/tareas', '/informes/instituciones.csv']) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expectNothingHidden(`la página ${url}`, res.body);
    }
    // The State's side reads the same page with each position and comment.
    const member = await (await browser('PCM'))(`/propuestas/${publicId}`);
    expect(member.body).toContain(secrets.objection);
    expect(member.body).toContain(secrets.comment);
  });
});

describe('observers, members and the secretariat', () => {
  it('gives an observer the trail by institution, without user ids; the secretariat sees them', async () => {
    const observer = (await mesa.call('DEFENSORIA', 'GET', `/api/v1/proposals/${publicId}/audit`)).body;
    expect(observer.verified).toBe(true);
    expect(observer.events.length).toBeGreaterThan(25);
    expect(observer.events.every((e: { actor: string | null }) => e.actor === null)).toBe(true);
    expect(observer.events.find((e: any) => e.action === 'lanzada').institution).toBe('SECRETARIA');
    const observerTask = (await mesa.call('DEFENSORIA', 'GET', `/api/v1/tasks/${taskId}/audit`)).body;
    for (const [where, text] of [['la auditoría', JSON.stringify(observer)], ['la auditoría de la tarea', JSON.stringify(observerTask)]] as const) {
      for (const id of userIds) expect(text.includes(id), `${where} contiene «${id}»`).toBe(false);
    }
    // The rest of the deliberation is theirs to read.
    const p = (await mesa.call('DEFENSORIA', 'GET', `/api/v1/proposals/${publicId}`)).body;
    expect(p.signoffs.find((s: any) => s.institution === 'MINSA')).toMatchObject({ position: 'objeta', comment: secrets.objection });
    expect(p.comments.map((c: any) => c.text)).toEqual([secrets.comment]);
    expect(p.launchedBy).toEqual({ institution: 'SECRETARIA' });
    const task = (await mesa.call('DEFENSORIA', 'GET', `/api/v1/tasks/${taskId}`)).body;
    expect(task.progress[0]).toMatchObject({ note: secrets.note, evidenceUrl: secrets.evidence });

    const secretariat = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${publicId}/audit`)).body;
    expect(secretariat.events.find((e: any) => e.action === 'lanzada').actor).toBe('user_demo_secretaria');
    expect(secretariat.events.find((e: any) => e.action === 'conformidad' && e.institution === 'MINSA').actor).toBe('user_demo_minsa');
    expect((await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${publicId}`)).body.launchedBy).toEqual({ userId: 'user_demo_secretaria', institution: 'SECRETARIA' });
  });

  it('shows contacts and deliveries of an institution to itself and the secretariat only', async () => {
    expect((await mesa.call('MINSA', 'GET', '/api/v1/institutions/AFAMIPER/contacts')).status).toBe(403);
    expect((await mesa.call('AFAMIPER', 'GET', '/api/v1/institutions/MINSA/contacts')).status).toBe(403);
    expect((await mesa.call('DEFENSORIA', 'GET', '/api/v1/institutions/AFAMIPER/contacts')).status).toBe(403);
    const own = await mesa.call('AFAMIPER', 'GET', '/api/v1/institutions/AFAMIPER/contacts');
    expect(own.body.webhook).toEqual({ url: hook.url, secretSet: true });

    const mine = (await mesa.call('AFAMIPER', 'GET', '/api/v1/deliveries?limit=200')).body.items;
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine.map((d: { institution: string }) => d.institution))).toEqual(new Set(['AFAMIPER']));
    const other = await mesa.call('AFAMIPER', 'GET', '/api/v1/deliveries?institution=MINSA');
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('forbidden');
    expect((await mesa.call('MINSA', 'GET', '/api/v1/deliveries?institution=AFAMIPER')).status).toBe(403);
    const everyone = (await mesa.call('SECRETARIA', 'GET', '/api/v1/deliveries?limit=200')).body.items;
    expect(new Set(everyone.map((d: { institution: string }) => d.institution)).size).toBeGreaterThan(1);
  });
});

describe('the rules themselves (domain/visibility.ts)', () => {
  const osc = { institution: 'AFAMIPER', kind: 'osc' as const };
  const observer = { institution: 'DEFENSORIA', kind: 'observador' as const };
  const secretariat = { institution: 'SECRETARIA', kind: 'secretaria' as const };

  it('makes a proposal public once it reached consultation, or when adopted, and not before', () => {
    expect(isPublic({ status: 'en_curso', reachedConsultation: false })).toBe(false);
    expect(isPublic({ status: 'rechazada', reachedConsultation: false })).toBe(false);
    expect(isPublic({ status: 'retirada', reachedConsultation: true })).toBe(true);
    expect(isPublic({ status: 'adoptada', reachedConsultation: false })).toBe(true);
  });

  it('gives civil society the tally instead of positions, and only its own pending step', () => {
    const whole = {
      id: 'p', pendingFor: ['MINSA', 'AFAMIPER'], pendingSignoffs: ['MINSA'], launchedBy: { userId: 'user_demo_secretaria', institution: 'SECRETARIA' },
      signoffs: [{ institution: 'RREE', position: 'objeta', comment: 'no' }], signoffHistory: [{}], comments: [{ text: 'interno' }],
      tally: tallyOf(1, 22, [{ position: 'objeta', tacit: false }, { position: 'aprueba', tacit: true }]),
    };
    const forOsc = proposalForReader(osc, whole);
    expect(forOsc).toEqual({
      id: 'p', pendingFor: ['AFAMIPER'], pendingSignoffs: [], launchedBy: { institution: 'SECRETARIA' }, tally: whole.tally, signoffs: [], signoffHistory: [], comments: [],
    });
    expect(whole.tally).toMatchObject({ members: 22, answered: 2, objeta: 1, aprueba: 1, tacit: 1 });
    expect(proposalForReader(observer, whole)).toEqual({ ...whole, launchedBy: { institution: 'SECRETARIA' } });
    expect(proposalForReader(secretariat, whole)).toEqual(whole);
    expect(pendingForReader(observer, ['MINSA'])).toEqual(['MINSA']);
  });

  it('hides audit entries from civil society and user ids from all but the secretariat', () => {
    const audit = { events: [{ seq: 1, actor: 'user_demo_minsa', institution: 'MINSA' }], verified: false };
    expect(auditForReader(osc, audit)).toEqual({ events: [], verified: false });
    expect(auditForReader(observer, audit)).toEqual({ events: [{ seq: 1, actor: null, institution: 'MINSA' }], verified: false });
    expect(auditForReader(secretariat, audit)).toBe(audit);
  });
});
