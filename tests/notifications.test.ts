// Notifications outside the app: email through a real SMTP server on loopback and signed
// webhooks to a real HTTP receiver; each message once per event and recipient, none lost when a
// channel is down, and the contacts that route them.
import { readdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, eq, inArray, like, or, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../activities';
import { folderMailer, smtpMailer, verifyWebhook, type Mailer } from '../activities/channels';
import { planDailyDigests, planDeliveries } from '../db/deliveries';
import { getProposalRow } from '../db/proposals';
import { deliverToInbox } from '../db/inbox';
import { contacts, deliveries } from '../db/schema';
import { setNotificationMode } from '../db/users';
import type { ProposalEventRecord } from '../domain/events';
import { demoEmail } from '../runtime/demo';
import { eventually, keepHistory, launchBody, memberCodes, reminderAudience, startMesa, type Mesa } from './harness';
import { startSmtpCatcher, startWebhookReceiver, type ReceivedMail, type SmtpCatcher, type WebhookReceiver } from '../scripts/receivers';

let smtp: SmtpCatcher;
let mesa: Mesa;
let mailer: Mailer;
beforeAll(async () => {
  smtp = await startSmtpCatcher();
  mailer = smtpMailer(smtp.url, 'Mesa MTIGM <no-responder@mesa.mtigm.test>');
  mesa = await startMesa({ mailer });
});
afterAll(async () => {
  await mesa?.close();
  mailer?.close();
  await smtp?.close();
});

const observers = ['CONGRESO-CRE', 'DEFENSORIA', 'PARLANDINO'];
const support = ['APCI', 'OIM'];

const launchRound = async (overrides: Record<string, unknown> = {}) => {
  const res = await mesa.call('SECRETARIA', 'POST', '/api/v1/proposals', launchBody({ stages: ['conformidad'], reminders: [], ...overrides }));
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const signAll = async (id: string) => {
  const answers = await Promise.all(memberCodes.map((code) => mesa.call(code, 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' })));
  expect(answers.map((a) => a.status)).toEqual(Array(22).fill(200));
};
const adopted = (id: string) => eventually(async () => {
  const p = (await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`)).body;
  return p.status === 'adoptada' && p.tasks.length > 0 ? p : undefined;
});
/** The mails about one proposal: their links name it. */
const mailsAbout = (id: string) => smtp.mails.filter((m) => m.text.includes(`/propuestas/${id}`) || m.text.includes(`/tareas/${id}`));
const byRecipient = (mails: ReceivedMail[]) => {
  const counts: Record<string, number> = {};
  for (const m of mails) for (const to of m.to) counts[to] = (counts[to] ?? 0) + 1;
  return counts;
};
/**
 * Every delivery these rows name is done (sent, or given up) and every mail sent has arrived: their
 * delivery workflows have nothing left to send, so what the catcher holds now is all there will be.
 */
const deliveriesDone = (where: SQL | undefined) => eventually(async () => {
  const rows = await mesa.database.db.select().from(deliveries).where(where);
  const done = rows.every((r) => r.status === 'enviada' || r.status === 'fallida');
  const arrived = rows.every((r) => r.channel !== 'email' || r.status !== 'enviada' || smtp.mails.some((m) => m.messageId === r.messageId));
  return done && arrived ? rows : undefined;
}, 45_000);
/** The result of a notification's delivery workflow (workflows/deliveries.ts). */
const deliveryResult = (key: string) => mesa.client.workflow.getHandle(`entregas:${key}`).result();

describe('email for a whole sign-off round', () => {
  it('sends each institution exactly the messages of the round, once, with what is expected and by when', async () => {
    const title = 'Protocolo de atención a retornantes: ronda de correo';
    const id = await launchRound({ title });
    // Opening the round: the 22 members are asked; observers and support bodies are informed.
    const opened = await eventually(async () => (mailsAbout(id).length >= 27 ? mailsAbout(id) : undefined));
    const asked = opened.find((m) => m.to.includes(demoEmail('MINSA')))!;
    expect(asked.subject).toBe(`[Mesa MTIGM] Se solicita su conformidad (ronda 1, versión 1): ${title}`);
    expect(asked.text).toContain('Qué se espera: Registre la posición de su institución');
    expect(asked.text).toMatch(/Plazo: vence el \p{L}+ \d{1,2} de \p{L}+ de \d{4} a las \d\d:\d\d/u);
    expect(asked.text).toContain(`Ver en la Mesa: http://mesa.test/propuestas/${id}`);
    expect(asked.html).toContain(`href="http://mesa.test/propuestas/${id}"`);

    await signAll(id);
    const p = await adopted(id);
    const taskId = p.tasks[0].id as string;
    // Decision to the 22 members, 3 observers, 2 support bodies and the secretariat; the task to its 2 ministries.
    const expected = 22 + 5 + 28 + 2;
    await eventually(async () => (mailsAbout(id).length + smtp.mails.filter((m) => m.text.includes(`/tareas/${taskId}`)).length >= expected ? true : undefined));
    await deliveriesDone(or(eq(deliveries.proposalId, id), inArray(deliveries.taskId, p.tasks as string[])));
    const all = [...mailsAbout(id), ...smtp.mails.filter((m) => m.text.includes(`/tareas/${taskId}`))];
    expect(all).toHaveLength(expected);
    expect(new Set(all.map((m) => m.messageId)).size).toBe(expected);

    const want: Record<string, number> = {};
    for (const code of memberCodes) want[demoEmail(code)] = 2; // asked, then the decision
    for (const code of [...observers, ...support]) want[demoEmail(code)] = 2; // informed, then the decision
    want[demoEmail('SECRETARIA')] = 1;
    want[demoEmail('MIGRACIONES')] = 3; // and their task
    want[demoEmail('RREE')] = 3;
    // Exactly these addresses: no OSC (not in the round), no alterno (nothing escalated).
    expect(byRecipient(all)).toEqual(want);

    const rows = await mesa.database.db.select().from(deliveries).where(eq(deliveries.proposalId, id));
    expect(rows.every((r) => r.status === 'enviada' && r.attempts === 1 && r.response?.startsWith('250'))).toBe(true);
  });

  it('sends nothing again when an event is notified a second time', async () => {
    const id = await launchRound();
    const sent = await eventually(async () => {
      const rows = await mesa.database.db.select().from(deliveries).where(eq(deliveries.proposalId, id));
      return rows.length === 27 && rows.every((r) => r.status === 'enviada') ? rows : undefined;
    });
    const row = sent.find((r) => r.kind === 'conformidad_solicitada');
    // The same notification planned again, as a retried activity would: no new delivery, no new mail.
    const planned = await planDeliveries(mesa.database.db, { key: row!.key, recipients: memberCodes, kind: 'conformidad_solicitada', title: 'otra vez', proposalId: id }, { publicUrl: 'http://mesa.test', email: true });
    expect(planned).toBe(22);
    const env = new MockActivityEnvironment();
    const activities = createActivities({ db: mesa.database.db, channels: { mailer, publicUrl: 'http://mesa.test' }, audit: mesa.audit });
    const rows = await mesa.database.db.select().from(deliveries).where(eq(deliveries.key, row!.key));
    expect(await env.run(activities.deliver, { ids: rows.map((r) => r.id) })).toEqual({ sent: 0, failed: 0 });
    await deliveriesDone(eq(deliveries.proposalId, id));
    expect(mailsAbout(id)).toHaveLength(27);
  });

  it('sends the notices of an event once when its record is retried after a crash', async () => {
    const id = await launchRound({ title: 'Aviso tras una caída' });
    await signAll(id);
    await adopted(id);
    await deliveriesDone(eq(deliveries.proposalId, id));
    const row = (await getProposalRow(mesa.database.db, id))!;
    const seq = row.stateSeq + 1;
    const key = `${id}:${seq}:aporte_respondido`;
    const event: ProposalEventRecord = {
      proposalId: id, seq, at: new Date().toISOString(), actor: { userId: null, institution: null }, action: 'comentario', data: {}, effects: [],
      snapshot: {
        status: row.status, stage: row.stage, currentVersion: row.currentVersion, deadlines: row.deadlines, pendingFor: row.pendingFor,
        round: row.round, consultationOpen: row.consultationOpen, number: row.number, decision: row.decision, tasks: row.tasks,
      },
      notices: [{ key, recipients: ['MINSA'], kind: 'aporte_respondido', title: 'Aviso tras una caída', proposalId: id }],
    };
    const activities = createActivities({ db: mesa.database.db, channels: { mailer, publicUrl: 'http://mesa.test' }, audit: mesa.audit });
    // The event and its notices are committed, then the activity dies before their delivery
    // starts (here: it has no Temporal client to start it with).
    await expect(new MockActivityEnvironment({ taskQueue: mesa.taskQueue }).run(activities.recordProposalEvent, event)).rejects.toThrow(/No Client/);
    const planned = await mesa.database.db.select().from(deliveries).where(eq(deliveries.key, key));
    expect(planned.length).toBeGreaterThan(0);
    const told = () => smtp.mails.filter((m) => planned.some((d) => d.messageId === m.messageId));
    // Only a delivery workflow sends, and none was started: nothing can have gone out.
    await expect(mesa.client.workflow.getHandle(`entregas:${key}`).describe()).rejects.toThrow(WorkflowNotFoundError);
    expect(told()).toHaveLength(0);
    // Temporal retries it: the event is found recorded, and its delivery starts. Twice changes nothing.
    const retry = new MockActivityEnvironment({ taskQueue: mesa.taskQueue }, { client: mesa.client });
    await retry.run(activities.recordProposalEvent, event);
    await eventually(async () => (told().length >= planned.length ? true : undefined));
    await retry.run(activities.recordProposalEvent, event);
    expect(await deliveryResult(key)).toEqual({ sent: planned.length, failed: 0 });
    await keepHistory(mesa, 'delivery-sent', `entregas:${key}`);
    await deliveriesDone(eq(deliveries.key, key));
    expect(told().flatMap((m) => m.to).sort()).toEqual(planned.map((d) => d.recipient).sort());
    const inbox = await mesa.call('MINSA', 'GET', '/api/v1/inbox');
    expect(inbox.body.items.filter((i: { id: string }) => i.id === `${key}:MINSA`)).toHaveLength(1);
  });
});

describe('reminders, escalations and digests by email', () => {
  it('reminds only the member that has not answered, and escalates its silence to its alterno and the secretariat', async () => {
    const silentMember = 'MINEDU';
    const id = await launchRound({ title: 'Ronda con un miembro en silencio', deadlines: { conformidad: 'PT10S' }, reminders: ['PT5S'] });
    const deadline = Date.parse((await mesa.call('SECRETARIA', 'GET', `/api/v1/proposals/${id}`)).body.deadlines.conformidad);
    const answers = await Promise.all(memberCodes.filter((c) => c !== silentMember).map((code) => mesa.call(code, 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await adopted(id);
    const kindOf = (m: ReceivedMail) => (m.subject.includes('Recordatorio') ? 'recordatorio' : m.subject.includes('Sin respuesta') ? 'escalamiento' : 'otro');
    // The escalation comes after the reminder: once its deliveries are done, both are all there is.
    await eventually(async () => (await mesa.database.db.select().from(deliveries)
      .where(and(eq(deliveries.proposalId, id), eq(deliveries.kind, 'escalamiento')))).length >= 4 || undefined);
    await deliveriesDone(eq(deliveries.proposalId, id));
    const sorted = (kind: string) => mailsAbout(id).filter((m) => kindOf(m) === kind).flatMap((m) => m.to).sort();
    const reminded = sorted('recordatorio');
    expect(new Set(reminded).size).toBe(reminded.length); // once each
    expect(reminded).toContain(demoEmail(silentMember));
    // Nobody who had answered when the reminder fired is reminded (normally: the silent member alone).
    const { mayBeReminded } = await reminderAudience(mesa, id, deadline - 5000);
    expect(reminded.filter((to) => !mayBeReminded.map(demoEmail).includes(to))).toEqual([]);
    expect(sorted('escalamiento')).toEqual([
      `alterno.${demoEmail(silentMember)}`, `alterno.${demoEmail('SECRETARIA')}`, demoEmail(silentMember), demoEmail('SECRETARIA'),
    ].sort());
  });

  it('sends the weekly digest with the list of what awaits, and none to an institution with nothing waiting', async () => {
    const id = await launchRound({ title: 'Propuesta para el resumen semanal' });
    await eventually(async () => (mailsAbout(id).length >= 27 ? true : undefined));
    const workflowId = `resumen-prueba-${Date.now()}`;
    await mesa.client.workflow.execute('weeklyDigestWorkflow', { taskQueue: mesa.taskQueue, workflowId, args: [] });
    const digests = () => smtp.mails.filter((m) => m.subject.startsWith('[Mesa MTIGM] Resumen semanal'));
    const mine = await eventually(async () => digests().find((m) => m.to.includes(demoEmail('MINSA')) && m.text.includes(`/propuestas/${id}`)));
    expect(mine.text).toContain('- Propuesta: Propuesta para el resumen semanal (vence el ');
    // Observers never have anything waiting: no digest for them.
    const planned = await deliveriesDone(like(deliveries.key, `${workflowId}:%`));
    expect(planned.some((d) => d.institution === 'DEFENSORIA')).toBe(false);
    expect(digests().some((m) => m.to.includes(demoEmail('DEFENSORIA')))).toBe(false);
  });
});

describe('a mail server that is down for a while', () => {
  it('delivers every message once when it accepts again', async () => {
    await smtp.stop();
    const id = await launchRound({ title: 'Ronda con el servidor de correo caído' });
    // The process does not wait for mail: members can sign off while the server refuses connections.
    expect((await mesa.call('MINSA', 'POST', `/api/v1/proposals/${id}/signoffs`, { position: 'aprueba' })).status).toBe(200);
    const failing = await eventually(async () => {
      const rows = await mesa.database.db.select().from(deliveries).where(eq(deliveries.proposalId, id));
      return rows.length === 27 && rows.every((r) => r.lastError && r.status !== 'enviada') ? rows : undefined;
    });
    expect(failing[0]!.lastError).toMatch(/SMTP/);
    await smtp.start();
    await eventually(async () => (mailsAbout(id).length >= 27 ? true : undefined), 45_000);
    await deliveriesDone(eq(deliveries.proposalId, id));
    const mails = mailsAbout(id);
    expect(mails).toHaveLength(27);
    expect(Object.values(byRecipient(mails))).toEqual(Array(27).fill(1));
    const rows = await mesa.database.db.select().from(deliveries).where(eq(deliveries.proposalId, id));
    expect(rows.every((r) => r.status === 'enviada' && r.attempts >= 2)).toBe(true);
  });
});

describe('webhooks', () => {
  let receiver: WebhookReceiver;
  let silent: WebhookReceiver;
  const secret = 'clave-de-firma-de-minsa-2026';
  beforeAll(async () => {
    receiver = await startWebhookReceiver({ answer: true });
    silent = await startWebhookReceiver({ answer: false });
  });
  afterAll(async () => {
    await receiver?.close();
    await silent?.close();
  });

  it('posts each event signed; a receiver that never answers holds nothing up', async () => {
    const contactsOf = (url: string, key: string) => ({
      titular: { name: 'Titular', email: `titular@${key}.gob.pe` }, alterno: null, webhook: { url, secret: `${secret}-${key}` },
    });
    expect((await mesa.call('SECRETARIA', 'PUT', '/api/v1/institutions/MINSA/contacts', contactsOf(receiver.url, 'minsa'))).status).toBe(200);
    expect((await mesa.call('SECRETARIA', 'PUT', '/api/v1/institutions/RREE/contacts', contactsOf(silent.url, 'rree'))).status).toBe(200);
    try {
      const id = await launchRound({ title: 'Ronda con webhooks' });
      await signAll(id);
      // Adopted while RREE's receiver has not answered a single request.
      await adopted(id);
      const calls = await eventually(async () => {
        const about = receiver.calls.filter((c) => JSON.parse(c.body).proposalId === id);
        return about.length >= 2 ? about : undefined;
      });
      expect(calls.map((c) => JSON.parse(c.body).event).sort()).toEqual(['conformidad_solicitada', 'decision']);
      // The code is for the receiving system; the body also names the kind of message in words.
      expect(calls.map((c) => JSON.parse(c.body).eventName).sort()).toEqual(['Conformidad solicitada', 'Decisión sobre una propuesta']);
      for (const c of calls) {
        const signature = String(c.headers['x-mesa-signature']);
        expect(verifyWebhook(`${secret}-minsa`, c.body, signature)).toBe(true);
        expect(verifyWebhook(`${secret}-minsa`, c.body.replace('"MINSA"', '"MINSAX"'), signature)).toBe(false);
        expect(verifyWebhook('otra-clave-cualquiera-0000', c.body, signature)).toBe(false);
        expect(JSON.parse(c.body)).toMatchObject({ institution: 'MINSA', proposalId: id, id: c.headers['x-mesa-delivery'] });
      }
      expect(silent.calls.length).toBeGreaterThan(0);
      const waiting = await mesa.database.db.select().from(deliveries).where(inArray(deliveries.recipient, ['RREE']));
      expect(waiting.filter((d) => d.proposalId === id).every((d) => d.status !== 'enviada')).toBe(true);
      // Email still went to both ministries' titular contacts.
      await eventually(async () => (mailsAbout(id).some((m) => m.to.includes('titular@rree.gob.pe')) ? true : undefined));
    } finally {
      await mesa.database.db.update(contacts).set({ webhookUrl: null, webhookSecret: null }).where(inArray(contacts.institution, ['MINSA', 'RREE']));
    }
  });
});

describe('what arrives is what was written', () => {
  it('keeps a Unicode address and a title with emoji, quotes and HTML intact, and escapes the HTML', async () => {
    const address = 'josé.pérez@migración.gob.pe';
    const put = await mesa.call('SECRETARIA', 'PUT', '/api/v1/institutions/MINCUL/contacts', {
      titular: { name: 'José Pérez Ñáñez', email: address }, alterno: null, webhook: null,
    });
    expect(put.status).toBe(200);
    const title = 'Niñez "segura" <b>primero</b> 🚸 & l\'acogida';
    const id = await launchRound({ title });
    const mail = await eventually(async () => mailsAbout(id).find((m) => m.to.some((t) => t.normalize() === address || t.includes('xn--'))));
    expect(mail.subject).toBe(`[Mesa MTIGM] Se solicita su conformidad (ronda 1, versión 1): ${title}`);
    expect(mail.text).toContain(title);
    expect(mail.html).toContain('Niñez &quot;segura&quot; &lt;b&gt;primero&lt;/b&gt; 🚸 &amp; l&#39;acogida');
    expect(mail.html).not.toContain('<b>primero</b>');
    expect(mail.to).toEqual([address]);
  });
});

describe('contacts and preferences', () => {
  it('lets only the secretariat edit contacts, rejects a bad address naming the field, and never shows the secret', async () => {
    const before = (await mesa.call('SECRETARIA', 'GET', '/api/v1/institutions/MTPE/contacts')).body;
    expect(before.titular.email).toBe(demoEmail('MTPE'));
    const body = { titular: { name: 'Ana', email: 'ana@trabajo.gob.pe' }, alterno: null, webhook: { url: 'https://mtpe.gob.pe/avisos', secret: 'secreto-de-dieciseis-caracteres' } };
    const forbidden = await mesa.call('MTPE', 'PUT', '/api/v1/institutions/MTPE/contacts', body);
    expect(forbidden.status).toBe(403);
    const bad = await mesa.call('SECRETARIA', 'PUT', '/api/v1/institutions/MTPE/contacts', { ...body, titular: { name: 'Ana', email: 'no es un correo' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/titular\/email|titular.email/);
    expect((await mesa.call('SECRETARIA', 'GET', '/api/v1/institutions/MTPE/contacts')).body).toEqual(before);
    expect((await mesa.call('SECRETARIA', 'PUT', '/api/v1/institutions/NOEXISTE/contacts', body)).status).toBe(404);
    expect((await mesa.call('MINSA', 'GET', '/api/v1/institutions/MTPE/contacts')).status).toBe(403);

    const saved = await mesa.call('SECRETARIA', 'PUT', '/api/v1/institutions/MTPE/contacts', body);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ titular: body.titular, alterno: null, webhook: { url: body.webhook.url, secretSet: true } });
    const own = await mesa.call('MTPE', 'GET', '/api/v1/institutions/MTPE/contacts');
    expect(JSON.stringify(own.body)).not.toContain(body.webhook.secret);
  });

  it('gives who chose the daily digest one message with the day instead of each message, and nothing on a quiet day', async () => {
    const db = mesa.database.db;
    await setNotificationMode(db, 'user_demo_sunat', 'resumen_diario');
    const n = { key: 'prueba-resumen:1', recipients: ['SUNAT', 'SUNEDU'], kind: 'conformidad_solicitada', title: 'Se solicita su conformidad: prueba de resumen' };
    await deliverToInbox(db, n, new Date());
    await planDeliveries(db, n, { publicUrl: 'http://mesa.test', email: true });
    const immediate = await db.select().from(deliveries).where(eq(deliveries.key, n.key));
    // SUNAT's titular is its demo user, who chose the digest: only SUNEDU gets this one now.
    expect(immediate.map((d) => d.recipient)).toEqual([demoEmail('SUNEDU')]);

    const now = new Date();
    const planned = await planDailyDigests(db, 'prueba-resumen:dia', new Date(now.getTime() - 86_400_000), new Date(now.getTime() + 1000), 'http://mesa.test');
    expect(planned).toBe(1);
    const [digest] = await db.select().from(deliveries).where(eq(deliveries.key, 'prueba-resumen:dia'));
    expect(digest).toMatchObject({ recipient: demoEmail('SUNAT'), kind: 'resumen_diario' });
    expect(digest!.text).toContain('- Se solicita su conformidad: prueba de resumen');
    // A day with nothing for SUNAT: no digest at all.
    expect(await planDailyDigests(db, 'prueba-resumen:vacio', new Date(now.getTime() + 2000), new Date(now.getTime() + 3000), 'http://mesa.test')).toBe(0);
    await setNotificationMode(db, 'user_demo_sunat', 'inmediato');
  });
});

describe('the folder catcher of the embedded mode', () => {
  it('keeps one file per message even when the process died between sending and marking it sent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mesa-correo-'));
    try {
      const folder = folderMailer(dir, 'Mesa <no-responder@mesa.mtigm.test>');
      let crashes = 1;
      // Sends for real, then dies before the delivery is marked: what a crash in between looks like.
      const crashing: Mailer = { ...folder, send: async (m) => { const r = await folder.send(m); if (crashes-- > 0) throw new Error('proceso terminado'); return r; } };
      const db = mesa.database.db;
      const n = { key: 'prueba-carpeta:1', recipients: ['ONP'], kind: 'recordatorio', title: 'Recordatorio: su conformidad está pendiente' };
      await planDeliveries(db, n, { publicUrl: 'http://mesa.test', email: true });
      const [row] = await db.select().from(deliveries).where(eq(deliveries.key, n.key));
      const activities = createActivities({ db, channels: { mailer: crashing, publicUrl: 'http://mesa.test' }, audit: mesa.audit });
      const env = new MockActivityEnvironment();
      await expect(env.run(activities.deliver, { ids: [row!.id] })).rejects.toThrow('proceso terminado');
      expect(await env.run(activities.deliver, { ids: [row!.id] })).toEqual({ sent: 1, failed: 0 }); // the retry
      expect(await readdir(dir)).toHaveLength(1);
      // Named by date and subject, so the newest is the last of the folder and recognizable.
      expect((await readdir(dir))[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-recordatorio-su-conformidad-esta-pendiente-[0-9a-f]{12}\.eml$/);
      const [after] = await db.select().from(deliveries).where(eq(deliveries.id, row!.id));
      expect(after).toMatchObject({ status: 'enviada', attempts: 1, response: 'ya había llegado' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
