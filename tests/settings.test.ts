// An institution's settings, on real Temporal and PostgreSQL with a real HTTP receiver on
// loopback: its contacts and webhook edited by its own people (and by the secretariat, for any
// institution), a signed test event sent through the delivery workflow, and a failed delivery sent
// again by the secretariat's "Reintentar", once however often it is pressed. Another institution
// sees and changes nothing. The page is checked in Chromium at 1280 and 390 px.
import { and, eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../activities/channels';
import { contacts, deliveries } from '../db/schema';
import { expectFitsAndAccessible, launchBrowser, loginAs, serve } from './browser';
import { eventually, startMesa, type Mesa } from './harness';
import { webVisitor } from './web-visitor';
import { startWebhookReceiver, type WebhookReceiver } from '../scripts/receivers';

let mesa: Mesa;
let receiver: WebhookReceiver;
beforeAll(async () => {
  mesa = await startMesa();
  receiver = await startWebhookReceiver({ answer: true });
});
afterAll(async () => {
  await mesa?.close();
  await receiver?.close();
});

const contactsOf = async (code: string) => (await mesa.call('SECRETARIA', 'GET', `/api/v1/institutions/${code}/contacts`)).body;
const deliveryRow = async (id: string) => (await mesa.database.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]!;
/** The calls that reached the receiver for one delivery (its body carries the delivery's message id), and those it answered with success. */
const callsFor = async (id: string) => {
  const { messageId } = await deliveryRow(id);
  return receiver.calls.filter((c) => JSON.parse(c.body).id === messageId);
};
const acceptedFor = async (id: string) => (await callsFor(id)).filter((c) => c.status !== null && c.status < 300);
const settle = () => new Promise((r) => setTimeout(r, 3000));

/** Points the institution's webhook at the receiver (its own user does it) and returns the new signing key. */
async function registerWebhook(code: string, url = receiver.url): Promise<string> {
  await mesa.database.db.update(contacts).set({ webhookUrl: null, webhookSecret: null }).where(eq(contacts.institution, code));
  const put = await mesa.call(code, 'PUT', `/api/v1/institutions/${code}/webhook`, { url });
  expect(put.status).toBe(200);
  expect(put.body.secret).toMatch(/^whsec_/);
  return put.body.secret as string;
}

describe('the webhook of an institution', () => {
  it('is registered by the institution itself, its key shown once; "send test" reaches the receiver once, signed', async () => {
    const secret = await registerWebhook('MINSA');
    // Changing the address keeps the key, and never shows it again.
    const again = await mesa.call('MINSA', 'PUT', '/api/v1/institutions/MINSA/webhook', { url: receiver.url });
    expect(again.body).toEqual({ url: receiver.url, secret: null });
    expect(JSON.stringify(await contactsOf('MINSA'))).not.toContain(secret);

    const key = { 'idempotency-key': 'prueba-minsa-1' };
    const [first, repeated] = await Promise.all([
      mesa.call('MINSA', 'POST', '/api/v1/institutions/MINSA/webhook/test', undefined, key),
      mesa.call('MINSA', 'POST', '/api/v1/institutions/MINSA/webhook/test', undefined, key),
    ]);
    expect([first.status, repeated.status]).toEqual([202, 202]);
    expect(repeated.body.id).toBe(first.body.id);
    const id = first.body.id as string;
    const sent = await eventually(async () => ((await deliveryRow(id)).status === 'enviada' ? deliveryRow(id) : undefined));
    expect(sent).toMatchObject({ channel: 'webhook', kind: 'prueba_webhook', response: 'HTTP 204', attempts: 1 });
    await settle();
    const calls = receiver.calls.filter((c) => JSON.parse(c.body).event === 'prueba_webhook' && JSON.parse(c.body).institution === 'MINSA');
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(verifyWebhook(secret, call.body, String(call.headers['x-mesa-signature']))).toBe(true);
    expect(verifyWebhook('otra-clave-cualquiera-0000', call.body, String(call.headers['x-mesa-signature']))).toBe(false);
    expect(JSON.parse(call.body)).toMatchObject({ event: 'prueba_webhook', eventName: 'Prueba del webhook', institution: 'MINSA', id: call.headers['x-mesa-delivery'] });

    // The result is a delivery like any other, in the webhook's recent deliveries.
    const listed = await mesa.call('MINSA', 'GET', '/api/v1/deliveries?institution=MINSA&channel=webhook&limit=5');
    expect(listed.body.items[0]).toMatchObject({ id, status: 'enviada', response: 'HTTP 204', kind: 'prueba_webhook' });
  });

  it('signs with the renewed key after a rotation, and stops after removal', async () => {
    const old = await registerWebhook('RREE');
    const rotated = await mesa.call('RREE', 'POST', '/api/v1/institutions/RREE/webhook/secret');
    expect(rotated.status).toBe(200);
    const secret = rotated.body.secret as string;
    expect(secret).not.toBe(old);
    const test = await mesa.call('RREE', 'POST', '/api/v1/institutions/RREE/webhook/test');
    const call = await eventually(async () => (await callsFor(test.body.id))[0]);
    expect(verifyWebhook(secret, call.body, String(call.headers['x-mesa-signature']))).toBe(true);
    expect(verifyWebhook(old, call.body, String(call.headers['x-mesa-signature']))).toBe(false);

    expect((await mesa.call('RREE', 'DELETE', '/api/v1/institutions/RREE/webhook')).status).toBe(204);
    expect((await contactsOf('RREE')).webhook).toBeNull();
    const none = await mesa.call('RREE', 'POST', '/api/v1/institutions/RREE/webhook/test');
    expect(none.status).toBe(409);
    expect(none.body.error.message).toContain('no tiene webhook');
  });

  it('refuses a private address naming the field, and changes nothing', async () => {
    const before = await contactsOf('MTPE');
    const bad = await mesa.call('MTPE', 'PUT', '/api/v1/institutions/MTPE/webhook', { url: 'http://10.1.2.3/avisos' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('«url»');
    expect(await contactsOf('MTPE')).toEqual(before);
  });
});

describe('a failed delivery sent again by the secretariat', () => {
  it('retries a webhook the receiver answered with 500, and delivers it once however often "Reintentar" is pressed', async () => {
    await registerWebhook('SUNAT');
    receiver.status = 500;
    const test = await mesa.call('SUNAT', 'POST', '/api/v1/institutions/SUNAT/webhook/test');
    const id = test.body.id as string;
    // The receiver refuses: the delivery is retrying, with the receiver's answer as its error.
    const retrying = await eventually(async () => ((await deliveryRow(id)).status === 'reintentando' ? deliveryRow(id) : undefined));
    expect(retrying.lastError).toContain('HTTP 500');
    const failed = await mesa.call('SECRETARIA', 'GET', '/api/v1/deliveries?status=reintentando&limit=50');
    expect(failed.body.items.map((d: { id: string }) => d.id)).toContain(id);

    receiver.status = 204;
    // A double click: two requests at once, each with its own key.
    const [a, b] = await Promise.all([
      mesa.call('SECRETARIA', 'POST', `/api/v1/deliveries/${encodeURIComponent(id)}/retry`, undefined, { 'idempotency-key': 'reintento-a' }),
      mesa.call('SECRETARIA', 'POST', `/api/v1/deliveries/${encodeURIComponent(id)}/retry`, undefined, { 'idempotency-key': 'reintento-b' }),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    const sent = await eventually(async () => ((await deliveryRow(id)).status === 'enviada' ? deliveryRow(id) : undefined));
    expect(sent).toMatchObject({ retries: 1, response: 'HTTP 204', lastError: null });
    // The first workflow's next attempt, woken by its backoff, leaves it alone.
    await settle();
    expect(await acceptedFor(id)).toHaveLength(1);
    expect((await deliveryRow(id)).status).toBe('enviada');
    // Sent: pressing again sends nothing.
    const late = await mesa.call('SECRETARIA', 'POST', `/api/v1/deliveries/${encodeURIComponent(id)}/retry`);
    expect(late.status).toBe(409);
    expect(await acceptedFor(id)).toHaveLength(1);
  });

  it('sends again a delivery given up for good (the receiver was down and then refused), once, to where the webhook now points', async () => {
    const down = await startWebhookReceiver({ answer: true, status: 410 });
    await registerWebhook('MIGRACIONES', down.url);
    const test = await mesa.call('MIGRACIONES', 'POST', '/api/v1/institutions/MIGRACIONES/webhook/test');
    const id = test.body.id as string;
    const gaveUp = await eventually(async () => ((await deliveryRow(id)).status === 'fallida' ? deliveryRow(id) : undefined));
    expect(gaveUp.lastError).toContain('HTTP 410');
    await down.close();
    // The institution fixes its address; the secretariat presses "Reintentar".
    expect((await mesa.call('MIGRACIONES', 'PUT', '/api/v1/institutions/MIGRACIONES/webhook', { url: receiver.url })).status).toBe(200);
    expect((await mesa.call('SECRETARIA', 'POST', `/api/v1/deliveries/${encodeURIComponent(id)}/retry`)).status).toBe(202);
    await eventually(async () => ((await deliveryRow(id)).status === 'enviada' ? true : undefined));
    await settle();
    expect(await acceptedFor(id)).toHaveLength(1);
  });

  it('is for the secretariat only', async () => {
    const [row] = await mesa.database.db.select().from(deliveries).where(and(eq(deliveries.institution, 'MINSA'), eq(deliveries.kind, 'prueba_webhook')));
    const refused = await mesa.call('MINSA', 'POST', `/api/v1/deliveries/${encodeURIComponent(row!.id)}/retry`);
    expect(refused.status).toBe(403);
    expect((await deliveryRow(row!.id)).retries).toBe(0);
    expect((await mesa.call('SECRETARIA', 'POST', '/api/v1/deliveries/no-existe/retry')).status).toBe(404);
  });
});

describe("another institution's settings", () => {
  it('cannot be read or changed: 403, and nothing changes', async () => {
    await registerWebhook('RREE');
    const before = await contactsOf('RREE');
    const sentBefore = receiver.calls.length;
    const people = { titular: { name: 'Intruso', email: 'intruso@minsa.gob.pe' }, alterno: null };
    const attempts = await Promise.all([
      mesa.call('MINSA', 'GET', '/api/v1/institutions/RREE/contacts'),
      mesa.call('MINSA', 'PUT', '/api/v1/institutions/RREE/contacts/people', people),
      mesa.call('MINSA', 'PUT', '/api/v1/institutions/RREE/webhook', { url: 'https://intruso.example.org/avisos' }),
      mesa.call('MINSA', 'POST', '/api/v1/institutions/RREE/webhook/secret'),
      mesa.call('MINSA', 'POST', '/api/v1/institutions/RREE/webhook/test'),
      mesa.call('MINSA', 'DELETE', '/api/v1/institutions/RREE/webhook'),
      mesa.call('MINSA', 'GET', '/api/v1/deliveries?institution=RREE&limit=5'),
    ]);
    expect(attempts.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    expect(await contactsOf('RREE')).toEqual(before);
    await settle();
    expect(receiver.calls.length).toBe(sentBefore);

    // Through the pages: the form names RREE, the API refuses it, the page says so; nothing changes.
    const v = await webVisitor(mesa.app, 'MINSA');
    const own = await v.get('/ajustes?institucion=RREE');
    expect(own).toContain('(MINSA)');
    expect(own).not.toContain(before.titular.email);
    const posted = await v.post('/ajustes/contactos', {
      _csrf: v.csrf(), _once: v.once(), institucion: 'RREE', titular_name: 'Intruso', titular_email: 'intruso@minsa.gob.pe', alterno_name: '', alterno_email: '',
    });
    expect(posted.statusCode).toBe(303);
    const shown = await v.get(String(posted.headers.location));
    expect(shown).toContain('Solo la Secretaría Técnica o la propia institución');
    expect(await contactsOf('RREE')).toEqual(before);
  });
});

describe('the contacts form', () => {
  it('names every mistake by its label, in Spanish and in English, and keeps what was typed', async () => {
    const v = await webVisitor(mesa.app, 'MTPE');
    await v.get('/ajustes');
    const posted = await v.post('/ajustes/contactos', {
      _csrf: v.csrf(), _once: v.once(), institucion: 'MTPE', titular_name: '', titular_email: 'ana-en-trabajo', alterno_name: 'Luis Rojas', alterno_email: '',
    });
    expect(posted.statusCode).toBe(303);
    const location = String(posted.headers.location);
    expect(location).toMatch(/^\/ajustes\?formulario=[0-9a-f-]{36}#contactos-h$/);
    const page = await v.get(location);
    expect(page).toContain('Complete «Nombre del titular».');
    expect(page).toContain('«Correo del titular» debe ser una dirección de correo');
    expect(page).toContain('Complete «Correo del alterno».');
    expect(page).toContain('value="Luis Rojas"');
    await v.post('/idioma', { _csrf: v.csrf(), lang: 'en', back: '/ajustes' });
    const english = await v.get('/ajustes');
    const again = await v.post('/ajustes/contactos', {
      _csrf: /name="_csrf" value="([^"]+)"/.exec(english)![1]!, institucion: 'MTPE', titular_name: 'Ana', titular_email: 'no', alterno_name: '', alterno_email: '',
    });
    expect(await v.get(String(again.headers.location))).toMatch(/«Main contact(&#39;|&#x27;|')s email» must be an email address/);
    await v.post('/idioma', { _csrf: v.csrf(), lang: 'es', back: '/ajustes' });
    await v.get('/ajustes');

    const saved = await v.post('/ajustes/contactos', {
      _csrf: v.csrf(), institucion: 'MTPE', titular_name: 'Ana Quispe', titular_email: 'ana.quispe@trabajo.gob.pe', alterno_name: '', alterno_email: '',
    });
    expect(saved.headers.location).toBe('/ajustes?hecho=contactos#contactos-h');
    expect(await contactsOf('MTPE')).toMatchObject({ titular: { name: 'Ana Quispe', email: 'ana.quispe@trabajo.gob.pe' }, alterno: null });
  });
});

describe('the settings page in a browser', () => {
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    base = await serve(mesa);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const width of [1280, 390]) {
    it(`lets a ministry set its webhook and send a test, and the secretariat retry a failed delivery, at ${width} px`, async () => {
      const code = width === 1280 ? 'MIMP' : 'PRODUCE';
      await mesa.database.db.update(contacts).set({ webhookUrl: null, webhookSecret: null }).where(eq(contacts.institution, code));
      const context = await browser.newContext({ baseURL: base, locale: 'es-PE', timezoneId: 'America/Lima', viewport: { width, height: 900 } });
      context.setDefaultTimeout(20_000);
      const page = await context.newPage();
      try {
        await loginAs(page, base, code);
        await page.getByRole('link', { name: 'Ajustes', exact: true }).click();
        await page.waitForURL(`${base}/ajustes`);
        // The calendar subscription and the notification preference stay on the page, and work.
        await page.getByRole('radio', { name: 'Resumen diario' }).check();
        await page.getByRole('button', { name: 'Guardar', exact: true }).click();
        await page.waitForURL(/hecho=preferencia/);
        expect((await mesa.call(code, 'GET', '/api/v1/me/preferences')).body.notifications).toBe('resumen_diario');
        await page.getByRole('button', { name: 'Crear dirección del calendario' }).click();
        const feed = (await page.locator('#calendario code').textContent())!;
        expect(feed).toMatch(/^http:\/\/mesa\.test\/calendar\/[^/]+\.ics$/);

        await page.getByLabel('Dirección del webhook').fill(receiver.url);
        await page.getByRole('button', { name: 'Registrar el webhook' }).click();
        await page.waitForURL(/hecho=webhook/);
        const secret = (await page.locator('#webhook code').textContent())!.trim();
        expect(secret).toMatch(/^whsec_/);
        await expectFitsAndAccessible(page, `ajustes-webhook-${width}`);
        // Shown once: a reload no longer shows it.
        await page.goto(`${base}/ajustes`);
        expect(await page.locator('#webhook code').count()).toBe(0);

        await page.getByRole('button', { name: 'Enviar prueba' }).click();
        await page.waitForURL(/hecho=prueba_enviada/);
        const call = await eventually(async () => receiver.calls.find((c) => JSON.parse(c.body).event === 'prueba_webhook' && JSON.parse(c.body).institution === code));
        expect(verifyWebhook(secret, call.body, String(call.headers['x-mesa-signature']))).toBe(true);
        await eventually(async () => {
          await page.reload();
          return (await page.locator('#webhook table').textContent())?.includes('HTTP 204') ? true : undefined;
        });
        expect(await page.locator('#webhook table').textContent()).toContain('Prueba del webhook');
        await expectFitsAndAccessible(page, `ajustes-prueba-${width}`);

        // A delivery to this webhook fails for good; the secretariat sends it again from its list.
        receiver.status = 410;
        const failing = await mesa.call(code, 'POST', `/api/v1/institutions/${code}/webhook/test`);
        await eventually(async () => ((await deliveryRow(failing.body.id)).status === 'fallida' ? true : undefined));
        receiver.status = 204;
        await context.clearCookies();
        await loginAs(page, base, 'SECRETARIA');
        await page.goto(`${base}/ajustes?institucion=${code}`);
        expect(await page.locator('h1 + p.meta').textContent()).toContain(`(${code})`);
        const row = page.locator('#fallidas tbody tr').filter({ hasText: code }).first();
        expect(await row.textContent()).toContain('HTTP 410');
        await expectFitsAndAccessible(page, `ajustes-secretaria-${width}`);
        await row.getByRole('button', { name: 'Reintentar' }).click();
        await page.waitForURL(/hecho=reintento/);
        await eventually(async () => ((await deliveryRow(failing.body.id)).status === 'enviada' ? true : undefined));
        expect(await acceptedFor(failing.body.id)).toHaveLength(1);
      } finally {
        await context.close();
      }
      // Two sign-ins, a test event, a failure and its retry through the pages: longer than one API call.
    }, 180_000);
  }
});
