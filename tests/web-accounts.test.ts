// Account pages in Debian's Chromium, on a desktop (1280 px) and on a phone (390 px), with the
// emails going through a real SMTP server on loopback: the secretariat creates a user who chooses
// a password by the mailed link and logs in; a forgotten password is reset by email; changing the
// password ends the other sessions; deactivation locks a signed-in user out. Every page fits the
// screen, passes axe, and is kept as a screenshot (test-results/screenshots/).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpCatcher } from '../scripts/receivers';
import { demoEmail } from '../runtime/demo';
import { checkAccessibility, describeViolations, launchBrowser, loginAs, screenshot, serve, signIn } from './browser';
import { eventually, startMesaWithEmail } from './harness';

let smtp: SmtpCatcher;
let close: () => Promise<void>;
let base: string;
let browser: Browser;

beforeAll(async () => {
  const started = await startMesaWithEmail();
  ({ smtp, close } = started);
  base = await serve(started.mesa);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await close?.();
});

const viewports = [['escritorio', { width: 1280, height: 900 }], ['telefono', { width: 390, height: 844 }]] as const;

/** The page as it stands fits the screen, passes axe, and is kept as a screenshot. */
async function check(page: Page, name: string) {
  const fits = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth <= (globalThis as any).innerWidth);
  expect(fits, `horizontal scroll on ${page.url()}`).toBe(true);
  expect(describeViolations(await checkAccessibility(page)), `axe on ${page.url()}`).toEqual([]);
  await screenshot(page, name);
}

/** On the login page: these credentials are refused. */
async function refusedLogin(page: Page, email: string, password: string) {
  await page.getByLabel('Correo electrónico', { exact: true }).fill(email);
  await page.getByLabel('Contraseña', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Entrar', exact: true }).click();
  await expect(page.getByRole('alert').textContent()).resolves.toContain('Correo o contraseña incorrectos');
}

/** The path of the newest link mailed to that address (the `n`th message to it), on this server. */
async function mailedLink(email: string, n: number): Promise<string> {
  const mail = await eventually(async () => smtp.mails.filter((m) => m.to.includes(email))[n], 45_000);
  const path = /http:\/\/mesa\.test(\/entrar\/restablecer\?token=[\w-]+)/.exec(mail.text)?.[1];
  expect(path, mail.text).toBeTruthy();
  return path!;
}

describe.each(viewports)('accounts on a %s', (device, viewport) => {
  const contexts: BrowserContext[] = [];
  const email = `maria.${device}@midis.gob.pe`;
  let userId = '';
  /** A browser of its own (its own cookies: its own session). */
  const newPage = async () => {
    const context = await browser.newContext({ baseURL: base, locale: 'es-PE', timezoneId: 'America/Lima', viewport });
    context.setDefaultTimeout(20_000);
    contexts.push(context);
    return context.newPage();
  };
  /** Chooses a password on the page a mailed link opens, and lands on the login page. */
  const choosePassword = async (page: Page, link: string, password: string, shot: string) => {
    await page.goto(link);
    await check(page, shot);
    await page.getByLabel('Nueva contraseña', { exact: true }).fill(password);
    await page.getByLabel('Repita la nueva contraseña', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Guardar la contraseña' }).click();
    await page.waitForURL(/\/entrar\?hecho=contrasena_restablecida$/);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Contraseña guardada');
  };
  afterAll(async () => {
    for (const c of contexts) await c.close();
  });

  it('the secretariat creates a user, who chooses a password by the mailed link and logs in', async () => {
    const secretariat = await newPage();
    await loginAs(secretariat, base, 'SECRETARIA');
    await secretariat.getByRole('link', { name: 'Usuarios' }).click();
    await check(secretariat, `${device}-usuarios`);
    // A refusal is shown beside its field, what was typed is kept.
    await secretariat.getByLabel('Nombre completo').fill('María Condori Apaza');
    await secretariat.getByLabel('Correo electrónico').fill(demoEmail('MINSA'));
    await secretariat.getByLabel('Institución').selectOption('MIDIS');
    await secretariat.getByRole('button', { name: 'Crear la cuenta' }).click();
    await expect(secretariat.locator('#f-crear-email-error').textContent()).resolves.toContain('Ya existe una cuenta');
    await expect(secretariat.getByLabel('Nombre completo').inputValue()).resolves.toBe('María Condori Apaza');
    await secretariat.getByLabel('Correo electrónico').fill(email);
    await secretariat.getByLabel('Institución').selectOption('MIDIS');
    await secretariat.getByLabel('Alterno').check();
    await secretariat.getByRole('button', { name: 'Crear la cuenta' }).click();
    await secretariat.waitForURL(/\/usuarios\/user_\w+\?hecho=usuario_creado$/);
    userId = /\/usuarios\/(user_\w+)/.exec(secretariat.url())![1]!;
    await check(secretariat, `${device}-usuario`);
    await expect(secretariat.locator('dl.facts').textContent()).resolves.toContain('Alterno');

    const person = await newPage();
    await choosePassword(person, await mailedLink(email, 0), 'clave-de-maria-1', `${device}-elegir-contrasena`);
    await signIn(person, base, email, 'clave-de-maria-1');
    await person.getByRole('link', { name: 'María Condori Apaza' }).click();
    await person.waitForURL(/\/cuenta$/);
    await check(person, `${device}-cuenta`);
    await expect(person.locator('dl.facts').textContent()).resolves.toContain('MIDIS');
  }, 120_000);

  it('a forgotten password is reset with the link the login page sends for', async () => {
    const page = await newPage();
    await page.goto('/entrar');
    await page.getByRole('link', { name: '¿Olvidó su contraseña?' }).click();
    await check(page, `${device}-olvido`);
    await page.getByLabel('Correo electrónico').fill(email.toUpperCase());
    await page.getByRole('button', { name: 'Enviar el enlace' }).click();
    await page.waitForURL(/\/entrar\/olvido\?enviado=1$/);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Si el correo corresponde a una cuenta activa');
    await check(page, `${device}-olvido-enviado`);

    await choosePassword(page, await mailedLink(email, 1), 'clave-de-maria-2', `${device}-restablecer`);
    // The old password no longer opens a session; the new one does.
    await refusedLogin(page, email, 'clave-de-maria-1');
    await signIn(page, base, email, 'clave-de-maria-2');
  }, 120_000);

  it('changing the password ends the other sessions and keeps this one', async () => {
    const here = await newPage();
    const there = await newPage();
    await signIn(here, base, email, 'clave-de-maria-2');
    await signIn(there, base, email, 'clave-de-maria-2');
    await here.goto('/cuenta');
    await expect(here.locator('#sesiones tbody tr').count()).resolves.toBeGreaterThanOrEqual(2);
    // A wrong current password is named beside its field.
    await here.getByLabel('Contraseña actual').fill('no-es-esta');
    await here.getByLabel('Nueva contraseña', { exact: true }).fill('clave-de-maria-3');
    await here.getByLabel('Repita la nueva contraseña').fill('clave-de-maria-3');
    await here.getByRole('button', { name: 'Cambiar la contraseña' }).click();
    await expect(here.locator('#f-contrasena-currentPassword-error').textContent()).resolves.toContain('Contraseña actual');
    await check(here, `${device}-cuenta-error`);

    await here.getByLabel('Contraseña actual').fill('clave-de-maria-2');
    await here.getByLabel('Nueva contraseña', { exact: true }).fill('clave-de-maria-3');
    await here.getByLabel('Repita la nueva contraseña').fill('clave-de-maria-3');
    await here.getByRole('button', { name: 'Cambiar la contraseña' }).click();
    await expect(here.getByRole('status').textContent()).resolves.toContain('Contraseña cambiada');
    await expect(here.locator('#sesiones tbody tr').count()).resolves.toBe(1);
    await check(here, `${device}-cuenta-cambiada`);
    await there.goto('/');
    await there.waitForURL(/\/entrar$/);
    await here.goto('/');
    await expect(here.url()).toBe(`${base}/`);
  }, 120_000);

  it('deactivation locks a signed-in user out at once; the secretariat sees who did it', async () => {
    const person = await newPage();
    await signIn(person, base, email, 'clave-de-maria-3');
    const secretariat = await newPage();
    await loginAs(secretariat, base, 'SECRETARIA');
    await secretariat.goto(`/usuarios/${userId}`);
    // Without the confirmation nothing happens.
    await secretariat.getByRole('button', { name: 'Desactivar', exact: true }).click();
    await expect(secretariat.locator('#f-estado-confirm-error').textContent()).resolves.toContain('Marque la confirmación');
    await person.goto('/cuenta');
    await expect(person.url()).toBe(`${base}/cuenta`);

    await secretariat.getByLabel('Confirmo que desactivo esta cuenta.').check();
    await secretariat.getByRole('button', { name: 'Desactivar', exact: true }).click();
    await expect(secretariat.getByRole('status').textContent()).resolves.toContain('Cuenta desactivada');
    await expect(secretariat.locator('#historial').textContent()).resolves.toContain('Cuenta desactivada');
    await check(secretariat, `${device}-usuario-desactivado`);
    await person.goto('/cuenta');
    await person.waitForURL(/\/entrar$/);
    await refusedLogin(person, email, 'clave-de-maria-3');

    await secretariat.getByRole('button', { name: 'Reactivar', exact: true }).click();
    await expect(secretariat.getByRole('status').textContent()).resolves.toContain('Cuenta reactivada');
    await signIn(person, base, email, 'clave-de-maria-3');
  }, 120_000);

  it('only the secretariat manages users; the pages read in English too', async () => {
    const ministry = await newPage();
    await loginAs(ministry, base, 'MINSA');
    await expect(ministry.getByRole('link', { name: 'Usuarios' }).count()).resolves.toBe(0);
    const refused = await ministry.goto('/usuarios');
    expect(refused?.status()).toBe(403);
    await ministry.goto('/cuenta');
    await ministry.getByRole('button', { name: 'English' }).click();
    await ministry.waitForURL(/\/cuenta$/);
    await expect(ministry.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('My account');
    await expect(ministry.getByRole('button', { name: 'Log out on every device' }).count()).resolves.toBe(1);
    await check(ministry, `${device}-cuenta-en`);
    await ministry.getByRole('button', { name: 'Log out on every device' }).click();
    await ministry.waitForURL(/\/entrar\?hecho=sesiones_cerradas$/);
    await expect(ministry.getByRole('status').textContent()).resolves.toBe('Your sessions on every device ended.');
  }, 120_000);
});
